/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbFlashBackup: a copy of a chip's whole flash and option bytes, taken before anything is
 * erased. Stored as NAME.bin (the raw flash from its base address) plus NAME.json beside it
 * (chip, UID, base, size, option bytes, SHA-256 of the .bin, when, what firmware the chip held,
 * and whether the chip was whole or half-written by an interrupted job), so that a later
 * `unbrick-cli restore` can check it is intact and meant for this chip.
 *
 * Saving is all or nothing: each file goes to a temporary name, is fsynced, read back and
 * hashed, and only then renamed into place, so a crash or a full disk never leaves a file
 * that looks like a backup but is not one. An existing backup is never overwritten.
 *
 *   g_autoptr(UbFlashBackup) backup = ub_flash_backup_new("stm32f40x", uid, base, data, optcr);
 *   if (!ub_flash_backup_prepare_dir(dir, size, FALSE, &error)) …   (before touching the chip)
 *   g_autofree char *path = ub_flash_backup_build_path(dir, backup);
 *   if (!ub_flash_backup_save(backup, path, &error)) …
 *   ub_flash_backup_get_path(backup)                          (where it went)
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "ub-firmware-info.h"

G_BEGIN_DECLS

/* what the chip held when the backup was taken */
typedef enum {
	UB_FLASH_BACKUP_STATE_COMPLETE,    /* the chip as it was: no job of ours left it half done */
	UB_FLASH_BACKUP_STATE_INTERRUPTED, /* a job of ours was interrupted on it: half-written */
} UbFlashBackupState;

#define UB_TYPE_FLASH_BACKUP (ub_flash_backup_get_type())
G_DECLARE_FINAL_TYPE(UbFlashBackup, ub_flash_backup, UB, FLASH_BACKUP, GObject)

UbFlashBackup *ub_flash_backup_new(const char *chip_id, const char *uid, guint32 base, GBytes *data,
                                   guint32 optcr) G_GNUC_WARN_UNUSED_RESULT;
/* @path: the .bin or the .json of a backup; checks size and SHA-256 */
UbFlashBackup *ub_flash_backup_load(const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* the same from the two files' contents (@path names them in messages) */
UbFlashBackup *ub_flash_backup_new_from_bytes(GBytes *description, GBytes *data, const char *path,
                                              GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* writes PATH (.bin) and its .json sidecar, each through a temporary file that is fsynced,
 * read back and compared before it is renamed into place. An automatic name already taken gets
 * a "-2", "-3" … suffix; see ub_flash_backup_get_path() for the final one. */
gboolean ub_flash_backup_save(UbFlashBackup *self, const char *path,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* the same, but PATH is the person's choice: when it exists and holds a backup with the same
 * UID and contents, that is success (nothing rewritten); anything else there is kept and the
 * save fails */
gboolean ub_flash_backup_save_as(UbFlashBackup *self, const char *path,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

const char *ub_flash_backup_get_chip_id(UbFlashBackup *self);
const char *ub_flash_backup_get_uid(UbFlashBackup *self);
guint32 ub_flash_backup_get_base(UbFlashBackup *self);
GBytes *ub_flash_backup_get_data(UbFlashBackup *self);
guint32 ub_flash_backup_get_optcr(UbFlashBackup *self);
const char *ub_flash_backup_get_sha256(UbFlashBackup *self);
GDateTime *ub_flash_backup_get_created(UbFlashBackup *self);
/* the .bin it was loaded from or saved to, or NULL */
const char *ub_flash_backup_get_path(UbFlashBackup *self);
void ub_flash_backup_set_state(UbFlashBackup *self, UbFlashBackupState state, const char *note);
UbFlashBackupState ub_flash_backup_get_state(UbFlashBackup *self);
/* for an interrupted one: which job left the chip half-written, in a few words */
const char *ub_flash_backup_get_note(UbFlashBackup *self);
/* the VESC hardware names the firmware on the chip carried (empty when unknown) */
const char *const *ub_flash_backup_get_hw_names(UbFlashBackup *self);
/* "5.02", or NULL */
const char *ub_flash_backup_get_firmware_version(UbFlashBackup *self);
/* was there an application at all */
UbFirmwarePresence ub_flash_backup_get_app_presence(UbFlashBackup *self);
/* one line for lists: "HW 410, firmware 5.02" / "no firmware" */
char *ub_flash_backup_describe_firmware(UbFlashBackup *self);
JsonNode *ub_flash_backup_to_json(UbFlashBackup *self);

const char *ub_flash_backup_state_to_string(UbFlashBackupState state);

/* $UB_BACKUP_DIR, else $XDG_DATA_HOME/unbrick/backups */
char *ub_flash_backup_get_default_dir(void);
/* DIR/CHIP-UID-YYYYmmdd-HHMMSS.bin; @dir NULL: the default directory */
char *ub_flash_backup_build_path(const char *dir, UbFlashBackup *self);
/* the sidecar of a .bin (or the .bin of a sidecar) */
char *ub_flash_backup_sidecar_path(const char *path);

/* before the chip is touched: @dir exists (or is made, with @create), is a folder we can write
 * into and has room for @size bytes of backup; else UB_FLASH_ERROR_NO_BACKUP saying which */
gboolean ub_flash_backup_prepare_dir(const char *dir, guint64 size, gboolean create,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* every backup in @dir (each checked as ub_flash_backup_load() does), newest first; files
 * that fail the check go to @damaged (one "PATH: why" string each) when it is not NULL */
GPtrArray *ub_flash_backup_list(const char *dir, GPtrArray *damaged);
/* the newest backup of the chip @uid that is complete (not half-written), or NULL with
 * @error set (UB_IMAGE_ERROR_INVALID) saying what was looked at */
UbFlashBackup *ub_flash_backup_find_last_complete(const char *dir, const char *uid,
                                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
