/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Opening a firmware file of any supported format: the format is recognised by its content
 * (magic numbers cannot lie), then by its extension for files that carry none, and a raw
 * binary is the fallback. The table of formats lives in ub-image-loader.c, the one place that
 * knows every UbImage subclass.
 *
 *   g_autoptr(UbImage) image = ub_image_new_from_file("fw.hex", UB_IMAGE_DEFAULT_BASE, &error);
 */
#pragma once

#include "ub-image.h"

G_BEGIN_DECLS

UbImage *ub_image_new_from_file(const gchar *path, guint32 base,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
UbImage *ub_image_new_from_bytes(GBytes *blob, const gchar *filename, guint32 base,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
