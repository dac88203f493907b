/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbFirmwareEntry: one file of a firmware catalogue: where it is, what it is (UbFirmwareInfo)
 * and what the archive's folder names say about it (release version, default or variant: a file
 * in a version folder not named VESC_default.bin is a variant).
 */
#pragma once

#include <glib-object.h>

#include "ub-firmware-info.h"

G_BEGIN_DECLS

#define UB_TYPE_FIRMWARE_ENTRY (ub_firmware_entry_get_type())
G_DECLARE_FINAL_TYPE(UbFirmwareEntry, ub_firmware_entry, UB, FIRMWARE_ENTRY, GObject)

UbFirmwareEntry *ub_firmware_entry_new(const gchar *path, UbFirmwareInfo *info,
                                       const gchar *archive_version);
const gchar *ub_firmware_entry_get_path(UbFirmwareEntry *self);
UbFirmwareInfo *ub_firmware_entry_get_info(UbFirmwareEntry *self);
const gchar *ub_firmware_entry_get_archive_version(UbFirmwareEntry *self);
const gchar *ub_firmware_entry_get_version_string(UbFirmwareEntry *self);
gboolean ub_firmware_entry_get_version(UbFirmwareEntry *self, guint *major, guint *minor);
gboolean ub_firmware_entry_get_is_default(UbFirmwareEntry *self);
gint ub_firmware_entry_compare_newest_first(UbFirmwareEntry *a, UbFirmwareEntry *b);
gboolean ub_firmware_parse_version(const gchar *text, guint *major, guint *minor);

G_END_DECLS
