/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbFirmwareCatalog: the firmware files a user has, from a folder laid out like VESC Tool's
 * archive (<version>/<HW names joined by _o_>/VESC_default.bin, bootloaders/<names>.bin) and
 * from single files. Entries are matched to a board by the HW name inside each binary, never by
 * folder name (archive folders and HW names differ, e.g. FLIPSKY_V4 = Flipsky_412).
 *
 *   g_autoptr(UbFirmwareCatalog) catalog = ub_firmware_catalog_new();
 *   ub_firmware_catalog_add_directory(catalog, dir, &error);
 *   g_autoptr(GPtrArray) fits = ub_firmware_catalog_list_for_board(catalog, names, FALSE);
 *   UbFirmwareEntry *bootloader = ub_firmware_catalog_pick_bootloader(catalog, names, &error);
 */
#pragma once

#include <glib-object.h>

#include "ub-firmware-entry.h"

G_BEGIN_DECLS

#define UB_TYPE_FIRMWARE_CATALOG (ub_firmware_catalog_get_type())
G_DECLARE_FINAL_TYPE(UbFirmwareCatalog, ub_firmware_catalog, UB, FIRMWARE_CATALOG, GObject)

UbFirmwareCatalog *ub_firmware_catalog_new(void);
gboolean ub_firmware_catalog_add_directory(UbFirmwareCatalog *self, const gchar *path,
                                           GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_firmware_catalog_add_file(UbFirmwareCatalog *self, const gchar *path,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *ub_firmware_catalog_get_entries(UbFirmwareCatalog *self);
const gchar *const *ub_firmware_catalog_get_skipped(UbFirmwareCatalog *self);
GPtrArray *ub_firmware_catalog_list_for_board(UbFirmwareCatalog *self,
                                              const gchar *const *board_hw_names,
                                              gboolean include_variants);
UbFirmwareEntry *ub_firmware_catalog_find_by_sha256(UbFirmwareCatalog *self, const gchar *sha256);
UbFirmwareEntry *ub_firmware_catalog_pick_bootloader(UbFirmwareCatalog *self,
                                                     const gchar *const *board_hw_names,
                                                     GError **error);

G_END_DECLS
