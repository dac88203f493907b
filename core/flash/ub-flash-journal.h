/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbFlashJournal: what a job that changes a chip has done so far, kept on disk while it runs
 * ($XDG_STATE_HOME/unbrick/jobs/UID.json, one per chip). It names the job and its inputs (the
 * image with its SHA-256, or the backup being restored), where the backup of the original
 * chip went, which sectors the job set out to change and which of them the chip confirmed as
 * erased and written. A job that ends well removes it; one that is cut short (a failure, the
 * probe pulled, the process killed) leaves it behind, so the next start can say exactly what
 * state the chip is in and offer to finish the job or to put the original back.
 *
 *   g_autoptr(UbFlashJournal) journal = ub_flash_journal_new(NULL, "flash", uid);
 *   ub_flash_journal_set_planned(journal, sectors, n);
 *   ub_flash_journal_set_stage(journal, "changing");
 *   if (!ub_flash_journal_write(journal, TRUE, &error)) …     (before the first erase)
 *   ub_flash_journal_add_erased(journal, 3);  ub_flash_journal_write(journal, FALSE, NULL);
 *   …
 *   ub_flash_journal_remove(journal);                          (verified)
 *
 *   g_autoptr(GPtrArray) open = ub_flash_journal_list(NULL);   (at the next start)
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "ub-image.h"

G_BEGIN_DECLS

#define UB_TYPE_FLASH_JOURNAL (ub_flash_journal_get_type())
G_DECLARE_FINAL_TYPE(UbFlashJournal, ub_flash_journal, UB, FLASH_JOURNAL, GObject)

/* @dir NULL: ub_flash_journal_get_default_dir(); @job: "flash", "restore", "erase", … */
UbFlashJournal *ub_flash_journal_new(const char *dir, const char *job,
                                     const char *uid) G_GNUC_WARN_UNUSED_RESULT;
UbFlashJournal *ub_flash_journal_load(const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* the same from a journal's text (@path names it, and its folder is where it goes) */
UbFlashJournal *ub_flash_journal_new_from_data(const char *contents, gssize len, const char *path,
                                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* $UB_STATE_DIR, else $XDG_STATE_HOME/unbrick/jobs */
char *ub_flash_journal_get_default_dir(void);
/* the journals left in @dir (NULL: the default), oldest first; unreadable ones are skipped */
GPtrArray *ub_flash_journal_list(const char *dir);
/* the journal left for chip @uid, or NULL */
UbFlashJournal *ub_flash_journal_find(const char *dir, const char *uid) G_GNUC_WARN_UNUSED_RESULT;

/* inputs */
void ub_flash_journal_set_chip(UbFlashJournal *self, const char *chip_id);
/* @base: where a raw image goes (its lowest address) */
void ub_flash_journal_set_image(UbFlashJournal *self, const char *path, const char *sha256,
                                const char *name, guint32 base);
void ub_flash_journal_set_source_backup(UbFlashJournal *self, const char *path);
void ub_flash_journal_set_flags(UbFlashJournal *self, const char *const *flags);
void ub_flash_journal_set_sectors(UbFlashJournal *self, const guint *sectors, guint n);
/* what it did */
void ub_flash_journal_set_original_backup(UbFlashJournal *self, const char *path);
void ub_flash_journal_set_stage(UbFlashJournal *self, const char *stage);
void ub_flash_journal_set_planned(UbFlashJournal *self, const guint *sectors, guint n);
void ub_flash_journal_add_erased(UbFlashJournal *self, guint sector);
void ub_flash_journal_add_written(UbFlashJournal *self, guint sector);
void ub_flash_journal_set_option_bytes(UbFlashJournal *self, guint32 before, guint32 after);
void ub_flash_journal_set_error(UbFlashJournal *self, const char *message);

/* atomically replaces the file; @durable: fsync too (before the chip is changed) */
gboolean ub_flash_journal_write(UbFlashJournal *self, gboolean durable,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_flash_journal_remove(UbFlashJournal *self, GError **error);

const char *ub_flash_journal_get_path(UbFlashJournal *self);
const char *ub_flash_journal_get_job(UbFlashJournal *self);
const char *ub_flash_journal_get_uid(UbFlashJournal *self);
const char *ub_flash_journal_get_chip(UbFlashJournal *self);
const char *ub_flash_journal_get_stage(UbFlashJournal *self);
const char *ub_flash_journal_get_image_path(UbFlashJournal *self);
const char *ub_flash_journal_get_image_sha256(UbFlashJournal *self);
guint32 ub_flash_journal_get_image_base(UbFlashJournal *self);
const char *ub_flash_journal_get_source_backup(UbFlashJournal *self);
const char *ub_flash_journal_get_original_backup(UbFlashJournal *self);
const char *const *ub_flash_journal_get_flags(UbFlashJournal *self);
gboolean ub_flash_journal_has_flag(UbFlashJournal *self, const char *flag);
/* (element-type guint) */
GArray *ub_flash_journal_get_sectors(UbFlashJournal *self);
GArray *ub_flash_journal_get_planned(UbFlashJournal *self);
GArray *ub_flash_journal_get_erased(UbFlashJournal *self);
GArray *ub_flash_journal_get_written(UbFlashJournal *self);
const char *ub_flash_journal_get_error(UbFlashJournal *self);
GDateTime *ub_flash_journal_get_started(UbFlashJournal *self);
gint64 ub_flash_journal_get_pid(UbFlashJournal *self);
/* the program that wrote it still runs (then it is not interrupted, but in use) */
gboolean ub_flash_journal_is_running(UbFlashJournal *self);
/* may the chip differ from its original because of this job? ("changing" or later) */
gboolean ub_flash_journal_get_chip_changed(UbFlashJournal *self);

/* what is known of the chip, for messages: "nothing on the chip was changed", "sectors 0 and
 * 3 were erased and written again; sector 4 may be partly erased; the rest is as it was" */
char *ub_flash_journal_describe_chip(UbFlashJournal *self);
/* one line: "flash of demo.bin, started 2026-12-03 10:15, interrupted while writing" */
char *ub_flash_journal_describe_job(UbFlashJournal *self);
JsonNode *ub_flash_journal_to_json(UbFlashJournal *self);
const char *ub_flash_journal_get_program(UbFlashJournal *self);

/* a content hash of an image: the same bytes at the same addresses, whatever the file */
char *ub_flash_journal_image_sha256(UbImage *image);

G_END_DECLS
