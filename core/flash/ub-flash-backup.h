/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbFlashBackup: a copy of a chip's whole flash and option bytes, taken before anything is
 * erased. Stored as NAME.bin (the raw flash from its base address) plus NAME.json beside it
 * (chip, UID, base, size, option bytes, SHA-256 of the .bin, when), so that a later
 * `unbrick-cli restore NAME.bin` can check it is intact and meant for this kind of chip.
 *
 *   g_autoptr(UbFlashBackup) backup = ub_flash_backup_new("stm32f40x", uid, base, data, optcr);
 *   g_autofree char *path = ub_flash_backup_build_path(NULL, backup);
 *   if (!ub_flash_backup_save(backup, path, &error)) …
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define UB_TYPE_FLASH_BACKUP (ub_flash_backup_get_type())
G_DECLARE_FINAL_TYPE(UbFlashBackup, ub_flash_backup, UB, FLASH_BACKUP, GObject)

UbFlashBackup *ub_flash_backup_new(const char *chip_id, const char *uid, guint32 base, GBytes *data,
                                   guint32 optcr) G_GNUC_WARN_UNUSED_RESULT;
/* @path: the .bin or the .json of a backup; checks size and SHA-256 */
UbFlashBackup *ub_flash_backup_load(const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* writes PATH (.bin) and its .json sidecar; the data first, the sidecar last */
gboolean ub_flash_backup_save(UbFlashBackup *self, const char *path,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

const char *ub_flash_backup_get_chip_id(UbFlashBackup *self);
const char *ub_flash_backup_get_uid(UbFlashBackup *self);
guint32 ub_flash_backup_get_base(UbFlashBackup *self);
GBytes *ub_flash_backup_get_data(UbFlashBackup *self);
guint32 ub_flash_backup_get_optcr(UbFlashBackup *self);
const char *ub_flash_backup_get_sha256(UbFlashBackup *self);
GDateTime *ub_flash_backup_get_created(UbFlashBackup *self);
JsonNode *ub_flash_backup_to_json(UbFlashBackup *self);

/* $UB_BACKUP_DIR, else $XDG_DATA_HOME/unbrick/backups */
char *ub_flash_backup_get_default_dir(void);
/* DIR/CHIP-UID-YYYYmmdd-HHMMSS.bin; @dir NULL: the default directory */
char *ub_flash_backup_build_path(const char *dir, UbFlashBackup *self);
/* the sidecar of a .bin (or the .bin of a sidecar) */
char *ub_flash_backup_sidecar_path(const char *path);

G_END_DECLS
