/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbFirmwareInfo: what a firmware image or a flash dump says about itself: the VESC hardware
 * it was built for, its version where the image states it, its layout, vector table, target
 * MCU, and for bootloaders which boards they serve. Facts and their sources:
 * shared/reference/boards-and-firmware.md sections 4 and 5.3.
 *
 *   g_autoptr(UbFirmwareInfo) info = ub_firmware_info_new_from_file(path, NULL, &error);
 *   const gchar *board[] = {"410", NULL};
 *   if (!ub_firmware_info_check_compatible(info, board, &error))
 *           ... UB_IMAGE_ERROR_WRONG_HARDWARE, message names both ...
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "ub-error.h"
#include "ub-image.h"

G_BEGIN_DECLS

#define UB_TYPE_FIRMWARE_INFO (ub_firmware_info_get_type())
G_DECLARE_FINAL_TYPE(UbFirmwareInfo, ub_firmware_info, UB, FIRMWARE_INFO, GObject)

typedef enum {
	UB_FIRMWARE_KIND_UNKNOWN,     /* no valid vector table or not where VESC code goes */
	UB_FIRMWARE_KIND_APPLICATION, /* VESC_default.bin and friends, at 0x08000000 */
	UB_FIRMWARE_KIND_BOOTLOADER,  /* VESC bootloader, belongs at 0x080E0000 */
	UB_FIRMWARE_KIND_FLASH_DUMP,  /* a read-back of the whole chip */
} UbFirmwareKind;

typedef enum {
	UB_FIRMWARE_LAYOUT_UNKNOWN,
	UB_FIRMWARE_LAYOUT_384K, /* FW <= 5.03: 393208-byte app, old bootloaders can install it */
	UB_FIRMWARE_LAYOUT_512K, /* FW >= 6.00: 524280 bytes, needs a compression bootloader */
} UbFirmwareLayout;

/* contents of sectors 1-2 (0x08004000-0x0800BFFF). In an application image this is the gap
 * fill the file writes there; on a chip it says whether a configuration is stored. eeprom.c's
 * EE_Init formats on both "all erased" and "both pages valid", so ERASED and ZEROED both mean
 * "factory defaults at next boot"; only DATA is a configuration worth keeping. */
typedef enum {
	UB_FIRMWARE_CONFIG_UNKNOWN, /* not covered by the image */
	UB_FIRMWARE_CONFIG_ERASED,  /* all 0xFF */
	UB_FIRMWARE_CONFIG_ZEROED,  /* all 0x00 */
	UB_FIRMWARE_CONFIG_DATA,    /* anything else */
} UbFirmwareConfig;

/* where the hardware name came from, most reliable first */
typedef enum {
	UB_FIRMWARE_HW_SOURCE_NONE,
	UB_FIRMWARE_HW_SOURCE_UAVCAN_NAME,     /* "org.vesc.<name>" */
	UB_FIRMWARE_HW_SOURCE_TERMINAL_STRING, /* bare name between "Firmware: %d.%d" and
	                                          "Hardware: %s" (FW <= 5.03) */
	UB_FIRMWARE_HW_SOURCE_KNOWN_NAME,      /* a caller-supplied name found as a whole
	                                          NUL-delimited string */
	UB_FIRMWARE_HW_SOURCE_FILENAME,        /* bootloaders: VESC Tool's file name convention */
} UbFirmwareHwSource;

typedef enum {
	UB_FIRMWARE_PRESENCE_UNKNOWN, /* not covered */
	UB_FIRMWARE_PRESENCE_ABSENT,  /* erased */
	UB_FIRMWARE_PRESENCE_PRESENT,
} UbFirmwarePresence;

UbFirmwareInfo *ub_firmware_info_new_from_image(UbImage *image, const gchar *const *known_hw_names,
                                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
UbFirmwareInfo *ub_firmware_info_new_from_file(const gchar *path,
                                               const gchar *const *known_hw_names,
                                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
UbFirmwareInfo *ub_firmware_info_new_from_dump(GBytes *dump, guint32 address,
                                               const gchar *const *known_hw_names,
                                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

UbFirmwareKind ub_firmware_info_get_kind(UbFirmwareInfo *self);
const gchar *ub_firmware_info_get_filename(UbFirmwareInfo *self);
const gchar *const *ub_firmware_info_get_hw_names(UbFirmwareInfo *self);
UbFirmwareHwSource ub_firmware_info_get_hw_source(UbFirmwareInfo *self);
gboolean ub_firmware_info_get_version(UbFirmwareInfo *self, guint *major, guint *minor);
const gchar *ub_firmware_info_get_version_string(UbFirmwareInfo *self);
const gchar *ub_firmware_info_get_git_hash(UbFirmwareInfo *self);
UbFirmwareLayout ub_firmware_info_get_layout(UbFirmwareInfo *self);
UbFirmwareConfig ub_firmware_info_get_config(UbFirmwareInfo *self);
guint32 ub_firmware_info_get_load_address(UbFirmwareInfo *self);
guint32 ub_firmware_info_get_flash_address(UbFirmwareInfo *self);
gsize ub_firmware_info_get_size(UbFirmwareInfo *self);
gboolean ub_firmware_info_get_vector_table(UbFirmwareInfo *self, guint32 *initial_sp,
                                           guint32 *reset_vector);
const gchar *ub_firmware_info_get_mcu(UbFirmwareInfo *self);
const gchar *ub_firmware_info_get_sha256(UbFirmwareInfo *self);
gboolean ub_firmware_info_get_bootloader_generic(UbFirmwareInfo *self);
const gchar *const *ub_firmware_info_get_bootloader_hw_names(UbFirmwareInfo *self);
gint ub_firmware_info_get_bootloader_compression(UbFirmwareInfo *self);
UbFirmwarePresence ub_firmware_info_get_app_presence(UbFirmwareInfo *self);
UbFirmwarePresence ub_firmware_info_get_bootloader_presence(UbFirmwareInfo *self);
UbFirmwareInfo *ub_firmware_info_get_bootloader(UbFirmwareInfo *self);
const gchar *const *ub_firmware_info_get_notes(UbFirmwareInfo *self);

gboolean ub_firmware_info_serves_hw_name(UbFirmwareInfo *self, const gchar *hw_name);
gboolean ub_firmware_info_check_compatible(UbFirmwareInfo *self, const gchar *const *board_hw_names,
                                           GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_firmware_hw_name_equal(const gchar *a, const gchar *b);
gchar **ub_firmware_split_hw_names(const gchar *joined);

void ub_firmware_info_to_json(UbFirmwareInfo *self, JsonBuilder *builder);
const gchar *ub_firmware_kind_to_string(UbFirmwareKind kind);
const gchar *ub_firmware_layout_to_string(UbFirmwareLayout layout);
const gchar *ub_firmware_config_to_string(UbFirmwareConfig config);
const gchar *ub_firmware_hw_source_to_string(UbFirmwareHwSource source);
const gchar *ub_firmware_presence_to_string(UbFirmwarePresence presence);

G_END_DECLS
