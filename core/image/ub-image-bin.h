/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbImageBin: a raw memory image (.bin): one chunk at a base address the file does not carry.
 */
#pragma once

#include "ub-image.h"

G_BEGIN_DECLS

#define UB_TYPE_IMAGE_BIN (ub_image_bin_get_type())
G_DECLARE_FINAL_TYPE(UbImageBin, ub_image_bin, UB, IMAGE_BIN, UbImage)

UbImageBin *ub_image_bin_new(guint32 base);
guint32 ub_image_bin_get_base(UbImageBin *self);
void ub_image_bin_set_base(UbImageBin *self, guint32 base);

G_END_DECLS
