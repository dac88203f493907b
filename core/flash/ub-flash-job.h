/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbFlashJob: one flash operation on a device's chip, start to end: connect and halt, read
 * the chip's identity, back the whole flash up (unless told not to), erase, program, verify,
 * and start the new firmware. Runs as a UbDevice job (exclusive use of the probe, on the
 * device's worker) with weighted progress steps (FuProgress style):
 *
 *   g_autoptr(UbFlashJob) job = ub_flash_job_new(device, UB_FLASH_JOB_KIND_FLASH);
 *   ub_flash_job_set_image(job, image);
 *   ub_flash_job_run_async(job, progress, cancellable, on_flashed, self);
 *   …
 *   if (!ub_flash_job_run_finish(job, res, &error))
 *           … error->message ends with what state the chip is in;
 *             ub_flash_job_get_stage() says how far it got
 *
 * A failure or cancellation leaves a state from which running the same job again completes:
 * every run erases what it writes and verifies everything it wrote. While a job changes the
 * chip it keeps a journal (UbFlashJournal) of what the chip confirmed so far; after a failure
 * the message says what is known of the chip from it, and a job cut short for good (the
 * process killed) is found by the next start. A backup of a chip that an earlier job left
 * half-written is marked as such, so restoring proposes the last complete one.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ub-device.h"
#include "ub-flash-backup.h"
#include "ub-flash-journal.h"
#include "ub-flash-stm32f4.h"
#include "ub-image.h"
#include "ub-progress.h"

G_BEGIN_DECLS

typedef enum {
	UB_FLASH_JOB_KIND_BACKUP,  /* read flash + option bytes to the backup file */
	UB_FLASH_JOB_KIND_FLASH,   /* backup, erase what the image touches, program, verify */
	UB_FLASH_JOB_KIND_VERIFY,  /* compare flash with the image */
	UB_FLASH_JOB_KIND_ERASE,   /* backup, erase sectors (or all), check they read erased */
	UB_FLASH_JOB_KIND_RESTORE, /* backup, write a backup file back, verify */
	UB_FLASH_JOB_KIND_UNLOCK,  /* backup, clear write protection; RDP 1 → 0 with consent */
} UbFlashJobKind;

typedef enum {
	UB_FLASH_JOB_FLAG_NONE = 0,
	UB_FLASH_JOB_FLAG_NO_BACKUP = 1 << 0,         /* skip the automatic backup */
	UB_FLASH_JOB_FLAG_WIPE_CONFIG = 1 << 1,       /* erase/write VESC sectors 1–2 too */
	UB_FLASH_JOB_FLAG_MASS_ERASE = 1 << 2,        /* ERASE: the whole chip in one go */
	UB_FLASH_JOB_FLAG_ERASE_ALL_CONSENT = 1 << 3, /* UNLOCK: RDP 1 → 0 erases everything */
	UB_FLASH_JOB_FLAG_NO_LOADER = 1 << 4,         /* direct register writes only */
	UB_FLASH_JOB_FLAG_NO_RESET = 1 << 5,          /* leave the core halted at the end */
	UB_FLASH_JOB_FLAG_OTHER_CHIP = 1 << 6,     /* RESTORE: the backup may be another chip's */
	UB_FLASH_JOB_FLAG_OTHER_HARDWARE = 1 << 7, /* FLASH/RESTORE: firmware for other hardware */
} UbFlashJobFlags;

/* how far a job got: after a failure, what the chip holds */
typedef enum {
	UB_FLASH_JOB_STAGE_NOT_STARTED,
	UB_FLASH_JOB_STAGE_CONNECTED, /* nothing changed on the chip yet */
	UB_FLASH_JOB_STAGE_BACKED_UP, /* backup written, nothing changed yet */
	UB_FLASH_JOB_STAGE_CHANGING,  /* erasing/programming: the chip is partly written */
	UB_FLASH_JOB_STAGE_WRITTEN,   /* programmed, not yet verified */
	UB_FLASH_JOB_STAGE_DONE,      /* verified */
} UbFlashJobStage;

#define UB_TYPE_FLASH_JOB (ub_flash_job_get_type())
G_DECLARE_FINAL_TYPE(UbFlashJob, ub_flash_job, UB, FLASH_JOB, GObject)

UbFlashJob *ub_flash_job_new(UbDevice *device, UbFlashJobKind kind) G_GNUC_WARN_UNUSED_RESULT;

/* inputs: set before running */
void ub_flash_job_set_flags(UbFlashJob *self, UbFlashJobFlags flags);
void ub_flash_job_set_image(UbFlashJob *self, UbImage *image);
/* BACKUP: the file to write; RESTORE: the backup to write back (NULL: the last complete
 * backup of this chip in the backup folder) */
void ub_flash_job_set_backup_file(UbFlashJob *self, const char *path);
/* where automatic backups go and restores look (default: ub_flash_backup_get_default_dir()) */
void ub_flash_job_set_backup_dir(UbFlashJob *self, const char *dir);
/* where the journal goes (default: ub_flash_journal_get_default_dir()) */
void ub_flash_job_set_journal_dir(UbFlashJob *self, const char *dir);
/* the VESC hardware names of the board (from the board database); without them the hardware
 * the firmware on the chip names is taken */
void ub_flash_job_set_board_hw_names(UbFlashJob *self, const char *const *hw_names);
/* ERASE: these sectors (default: those not holding the VESC configuration) */
void ub_flash_job_set_sectors(UbFlashJob *self, const guint *sectors, guint n);

void ub_flash_job_run_async(UbFlashJob *self, UbProgress *progress, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
gboolean ub_flash_job_run_finish(UbFlashJob *self, GAsyncResult *result,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* the same, synchronously: only inside a UbDevice job */
gboolean ub_flash_job_run(UbFlashJob *self, UbProgress *progress, GCancellable *cancellable,
                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* results */
UbFlashJobKind ub_flash_job_get_kind(UbFlashJob *self);
UbFlashJobStage ub_flash_job_get_stage(UbFlashJob *self);
/* the backup written by this run (automatic or BACKUP's file), or NULL */
const char *ub_flash_job_get_backup_path(UbFlashJob *self);
/* was this run's backup of a chip an earlier job had left half-written */
gboolean ub_flash_job_get_backup_interrupted(UbFlashJob *self);
/* the backup of the chip as it was before any job of ours changed it: this run's, or the one
 * an interrupted earlier job took (NULL when none is known) */
const char *ub_flash_job_get_original_backup(UbFlashJob *self);
/* RESTORE: the backup that was (or was to be) written back */
const char *ub_flash_job_get_restore_source(UbFlashJob *self);
/* the chip's UID, once connected */
const char *ub_flash_job_get_uid(UbFlashJob *self);
/* the result verified but the chip could not be restarted afterwards: why (NULL: it was) */
const char *ub_flash_job_get_restart_error(UbFlashJob *self);
/* the job ran without its journal (the state folder could not take it): why (NULL: it had
 * one). An interrupted run cannot then be found at the next start; the backup still can */
const char *ub_flash_job_get_journal_error(UbFlashJob *self);
/* the flags @journal's job ran with, for the same job again (not NO_BACKUP) */
UbFlashJobFlags ub_flash_job_flags_from_journal(UbFlashJournal *journal);
/* the journal an earlier, interrupted job had left for this chip (NULL: none) */
UbFlashJournal *ub_flash_job_get_previous_journal(UbFlashJob *self);
/* what is known of the chip after the run: "nothing on the chip was changed", "sectors 0 and
 * 3 were erased and written again; …" */
char *ub_flash_job_describe_chip(UbFlashJob *self);
void ub_flash_job_get_stats(UbFlashJob *self, UbFlashStats *stats);
/* FLASH_OPTCR as read when the job started (RDP 15:8, nWRP 27:16, BOR_LEV 3:2) */
guint32 ub_flash_job_get_optcr(UbFlashJob *self);
/* what was done, for --json and reports */
JsonNode *ub_flash_job_to_json(UbFlashJob *self);

const char *ub_flash_job_kind_to_string(UbFlashJobKind kind);
const char *ub_flash_job_stage_to_string(UbFlashJobStage stage);

G_END_DECLS
