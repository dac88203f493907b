/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A stand-in VESC application image built by unbrick itself, for the demo and the simulator:
 * laid out like an archive VESC_default.bin (full app slot, vector table, gap fill, erased CRC
 * slot) and carrying org.vesc.<HW_NAME>, so identification and the hardware guard treat it
 * like the real thing, yet it needs no file from outside. Its code is an endless loop.
 */
#pragma once

#include "ub-firmware-info.h"
#include "ub-image.h"

G_BEGIN_DECLS

UbImage *ub_firmware_demo_image_new(const gchar *hw_name, UbFirmwareLayout layout,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
