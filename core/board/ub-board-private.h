/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "ub-board.h"

G_BEGIN_DECLS

UbBoard *ub_board_new_from_json(JsonObject *root, const gchar *filename,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
