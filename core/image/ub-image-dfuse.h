/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbImageDfuse: ST's DfuSe file (.dfu): "DfuSe" prefix, one or more "Target" images made of
 * address/size elements, and the standard 16-byte DFU suffix ("UFD" signature, CRC-32).
 */
#pragma once

#include "ub-image.h"

G_BEGIN_DECLS

#define UB_TYPE_IMAGE_DFUSE (ub_image_dfuse_get_type())
G_DECLARE_FINAL_TYPE(UbImageDfuse, ub_image_dfuse, UB, IMAGE_DFUSE, UbImage)

/* STM32 system-memory DFU device, what the suffix names unless told otherwise */
#define UB_IMAGE_DFUSE_DEFAULT_VENDOR 0x0483
#define UB_IMAGE_DFUSE_DEFAULT_PRODUCT 0xDF11

UbImageDfuse *ub_image_dfuse_new(void);
guint16 ub_image_dfuse_get_vendor(UbImageDfuse *self);
guint16 ub_image_dfuse_get_product(UbImageDfuse *self);
void ub_image_dfuse_set_ids(UbImageDfuse *self, guint16 vendor, guint16 product);
guint ub_image_dfuse_get_target_count(UbImageDfuse *self);

G_END_DECLS
