/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "ub-pin-header.h"

G_BEGIN_DECLS

UbPinHeader *ub_pin_header_new_from_json(JsonObject *object, const gchar *path,
                                         const gchar *filename,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
