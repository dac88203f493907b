/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UbFirmwareRow: one firmware file in the Firmware page's list, with its fit to the board */
#pragma once

#include <gtk/gtk.h>

#include "ub-firmware-info.h"

G_BEGIN_DECLS

#define UB_TYPE_FIRMWARE_ROW (ub_firmware_row_get_type())
G_DECLARE_FINAL_TYPE(UbFirmwareRow, ub_firmware_row, UB, FIRMWARE_ROW, GtkListBoxRow)

typedef enum {
	UB_FIRMWARE_FIT_YES,	    /* built for the board */
	UB_FIRMWARE_FIT_NO,	    /* built for other hardware, or cannot be confirmed */
	UB_FIRMWARE_FIT_UNCHECKED,  /* the board is unknown */
	UB_FIRMWARE_FIT_BOOTLOADER, /* not an application: not offered here */
} UbFirmwareFit;

/* board_hw_names: the chosen board's VESC hardware names, or NULL when the board is unknown */
GtkWidget *ub_firmware_row_new(UbFirmwareInfo *info, const char *const *board_hw_names);
UbFirmwareInfo *ub_firmware_row_get_info(UbFirmwareRow *self);
UbFirmwareFit ub_firmware_row_get_fit(UbFirmwareRow *self);
/* why it does not fit (UB_IMAGE_ERROR_WRONG_HARDWARE), or NULL */
const GError *ub_firmware_row_get_mismatch(UbFirmwareRow *self);

G_END_DECLS
