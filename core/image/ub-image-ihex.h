/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbImageIhex: Intel HEX (record types 00 data, 01 end of file, 02 extended segment address,
 * 03 start segment address, 04 extended linear address, 05 start linear address).
 */
#pragma once

#include "ub-image.h"

G_BEGIN_DECLS

#define UB_TYPE_IMAGE_IHEX (ub_image_ihex_get_type())
G_DECLARE_FINAL_TYPE(UbImageIhex, ub_image_ihex, UB, IMAGE_IHEX, UbImage)

UbImageIhex *ub_image_ihex_new(void);

G_END_DECLS
