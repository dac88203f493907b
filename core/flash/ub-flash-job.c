/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-firmware-info.h"
#include "ub-flash-job.h"
#include "ub-flash-plan.h"
#include "ub-image-bin.h"

/* RM0090 §7.3.21 RCC_CSR: reset flags, kept until RMVF clears them */
#define UB_FLASH_JOB_RCC_CSR 0x40023874u
#define UB_FLASH_JOB_CSR_RMVF (1u << 24)
#define UB_FLASH_JOB_CSR_BORRSTF (1u << 25)
#define UB_FLASH_JOB_CSR_PINRSTF (1u << 26)
#define UB_FLASH_JOB_CSR_PORRSTF (1u << 27)
#define UB_FLASH_JOB_CSR_SFTRSTF (1u << 28)
#define UB_FLASH_JOB_CSR_IWDGRSTF (1u << 29)
#define UB_FLASH_JOB_CSR_WWDGRSTF (1u << 30)
#define UB_FLASH_JOB_CSR_FLAGS 0xfe000000u

/* what a backup needs before the chip is known (the largest STM32F4 flash) */
#define UB_FLASH_JOB_BACKUP_ESTIMATE (2u * 1024 * 1024)

struct _UbFlashJob {
	GObject parent_instance;
	UbDevice *device;
	UbFlashJobKind kind;
	UbFlashJobFlags flags;
	UbImage *image;
	char *backup_file;
	char *backup_dir;
	char *journal_dir;
	GStrv board_hw_names;
	GArray *sectors; /* guint; ERASE only */
	gboolean running;
	/* results, written by the worker, read after the job finished */
	UbFlashJobStage stage;
	char *backup_path;
	UbFlashStats stats;
	char *chip_id;
	char *uid;
	guint32 optcr;
	UbFlashPsize psize;
	gboolean config_kept;
	GArray *erased;      /* guint: sectors this run set out to erase */
	guint unchanged;     /* sectors that already held what the plan wanted */
	GBytes *backup_data; /* this run's backup, to compare with the plan */
	gboolean backup_interrupted; /* what the run's backup said of the chip, kept after it */
	guint32 backup_base;
	UbFlashBackup *backup;           /* this run's backup */
	char *original_backup;           /* the chip before any job of ours changed it */
	char *restore_source;            /* RESTORE: what was written back */
	UbFlashJournal *previous;        /* left by an earlier job that was cut short */
	UbFlashJournal *journal;         /* this run's, once it changes the chip */
	GArray *program_ends;            /* per planned sector: where its data ends (guint32) */
	char *restart_error;             /* verified, but the final restart failed: why */
	char *journal_error;             /* no journal could be kept: why */
	guint32 programmed_to;           /* high-water mark of confirmed programming */
};

G_DEFINE_TYPE(UbFlashJob, ub_flash_job, G_TYPE_OBJECT)

const char *
ub_flash_job_kind_to_string(UbFlashJobKind kind)
{
	switch (kind) {
	case UB_FLASH_JOB_KIND_BACKUP:
		return "backup";
	case UB_FLASH_JOB_KIND_FLASH:
		return "flash";
	case UB_FLASH_JOB_KIND_VERIFY:
		return "verify";
	case UB_FLASH_JOB_KIND_ERASE:
		return "erase";
	case UB_FLASH_JOB_KIND_RESTORE:
		return "restore";
	case UB_FLASH_JOB_KIND_UNLOCK:
		return "unlock";
	default:
		return "unknown";
	}
}

const char *
ub_flash_job_stage_to_string(UbFlashJobStage stage)
{
	switch (stage) {
	case UB_FLASH_JOB_STAGE_NOT_STARTED:
		return "not-started";
	case UB_FLASH_JOB_STAGE_CONNECTED:
		return "connected";
	case UB_FLASH_JOB_STAGE_BACKED_UP:
		return "backed-up";
	case UB_FLASH_JOB_STAGE_CHANGING:
		return "changing";
	case UB_FLASH_JOB_STAGE_WRITTEN:
		return "written";
	case UB_FLASH_JOB_STAGE_DONE:
		return "done";
	default:
		return "unknown";
	}
}

UbFlashJob *
ub_flash_job_new(UbDevice *device, UbFlashJobKind kind)
{
	UbFlashJob *self;

	g_return_val_if_fail(UB_IS_DEVICE(device), NULL);
	self = g_object_new(UB_TYPE_FLASH_JOB, NULL);
	self->device = g_object_ref(device);
	self->kind = kind;
	return self;
}

void
ub_flash_job_set_flags(UbFlashJob *self, UbFlashJobFlags flags)
{
	g_return_if_fail(UB_IS_FLASH_JOB(self));
	g_return_if_fail(!self->running);
	self->flags = flags;
}

void
ub_flash_job_set_image(UbFlashJob *self, UbImage *image)
{
	g_return_if_fail(UB_IS_FLASH_JOB(self));
	g_return_if_fail(!self->running);
	g_set_object(&self->image, image);
}

void
ub_flash_job_set_backup_file(UbFlashJob *self, const char *path)
{
	g_return_if_fail(UB_IS_FLASH_JOB(self));
	g_return_if_fail(!self->running);
	g_free(self->backup_file);
	self->backup_file = g_strdup(path);
}

void
ub_flash_job_set_backup_dir(UbFlashJob *self, const char *dir)
{
	g_return_if_fail(UB_IS_FLASH_JOB(self));
	g_return_if_fail(!self->running);
	g_free(self->backup_dir);
	self->backup_dir = g_strdup(dir);
}

void
ub_flash_job_set_journal_dir(UbFlashJob *self, const char *dir)
{
	g_return_if_fail(UB_IS_FLASH_JOB(self));
	g_return_if_fail(!self->running);
	g_free(self->journal_dir);
	self->journal_dir = g_strdup(dir);
}

void
ub_flash_job_set_board_hw_names(UbFlashJob *self, const char *const *hw_names)
{
	g_return_if_fail(UB_IS_FLASH_JOB(self));
	g_return_if_fail(!self->running);
	g_strfreev(self->board_hw_names);
	self->board_hw_names = hw_names != NULL && hw_names[0] != NULL
	                               ? g_strdupv((char **)hw_names)
	                               : NULL;
}

void
ub_flash_job_set_sectors(UbFlashJob *self, const guint *sectors, guint n)
{
	g_return_if_fail(UB_IS_FLASH_JOB(self));
	g_return_if_fail(!self->running);
	g_array_set_size(self->sectors, 0);
	g_array_append_vals(self->sectors, sectors, n);
}

UbFlashJobKind
ub_flash_job_get_kind(UbFlashJob *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOB(self), UB_FLASH_JOB_KIND_FLASH);
	return self->kind;
}

UbFlashJobStage
ub_flash_job_get_stage(UbFlashJob *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOB(self), UB_FLASH_JOB_STAGE_NOT_STARTED);
	return self->stage;
}

const char *
ub_flash_job_get_backup_path(UbFlashJob *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOB(self), NULL);
	return self->backup_path;
}

gboolean
ub_flash_job_get_backup_interrupted(UbFlashJob *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOB(self), FALSE);
	if (self->backup != NULL)
		return ub_flash_backup_get_state(self->backup) == UB_FLASH_BACKUP_STATE_INTERRUPTED;
	return self->backup_interrupted;
}

const char *
ub_flash_job_get_original_backup(UbFlashJob *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOB(self), NULL);
	return self->original_backup;
}

const char *
ub_flash_job_get_restore_source(UbFlashJob *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOB(self), NULL);
	return self->restore_source;
}

const char *
ub_flash_job_get_uid(UbFlashJob *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOB(self), NULL);
	return self->uid;
}

const char *
ub_flash_job_get_restart_error(UbFlashJob *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOB(self), NULL);
	return self->restart_error;
}

const char *
ub_flash_job_get_journal_error(UbFlashJob *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOB(self), NULL);
	return self->journal_error;
}

UbFlashJournal *
ub_flash_job_get_previous_journal(UbFlashJob *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOB(self), NULL);
	return self->previous;
}

guint32
ub_flash_job_get_optcr(UbFlashJob *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOB(self), 0);
	return self->optcr;
}

void
ub_flash_job_get_stats(UbFlashJob *self, UbFlashStats *stats)
{
	g_return_if_fail(UB_IS_FLASH_JOB(self));
	*stats = self->stats;
}

/* ---- the steps ---- */

static gboolean
ub_flash_job_halt(UbTarget *target, GError **error)
{
	g_autoptr(GError) error_local = NULL;

	if (ub_target_halt(target, &error_local))
		return TRUE;
	if (!g_error_matches(error_local, UB_TARGET_ERROR, UB_TARGET_ERROR_NOT_HALTED)) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	/* a core stuck with interrupts off or in lockup still stops at the reset vector */
	g_debug("halt failed (%s), resetting into halt", error_local->message);
	return ub_target_reset(target, UB_RESET_SYSRESETREQ, TRUE, error);
}

/* from here on, a reset flag in RCC_CSR is a reset during this job (the chip keeps its flags
 * until told to forget them; reading DHCSR.S_RESET_ST forgets that one) */
static void
ub_flash_job_clear_reset_flags(UbTarget *target)
{
	g_autoptr(GError) error = NULL;
	guint32 csr = 0;

	if (!ub_target_read_u32(target, UB_FLASH_JOB_RCC_CSR, &csr, &error) ||
	    !ub_target_write_u32(target, UB_FLASH_JOB_RCC_CSR, csr | UB_FLASH_JOB_CSR_RMVF, &error))
		g_debug("cannot clear the reset flags: %s", error->message);
}

static UbFlashStm32f4 *
ub_flash_job_open_flash(UbFlashJob *self, UbTargetInfo **info_out, GCancellable *cancellable,
                        GError **error)
{
	UbTarget *target;
	UbChip *chip;
	g_autoptr(UbTargetInfo) info = NULL;
	g_autoptr(UbFlashStm32f4) flash = NULL;
	g_autoptr(GArray) sectors = NULL;
	guint voltage;

	if (!ub_device_connect(self->device, cancellable, error))
		return NULL;
	target = ub_device_get_target(self->device);
	info = ub_target_read_info(target, ub_device_get_chip_db(self->device), cancellable, error);
	if (info == NULL)
		return NULL;
	if (!ub_flash_job_halt(target, error))
		return NULL;
	chip = ub_target_get_chip(target);
	if (chip == NULL) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_UNKNOWN_CHIP,
		            "DEV_ID 0x%03x is not in the chip data",
		            ub_target_info_get_dev_id(info));
		return NULL;
	}
	flash = ub_flash_stm32f4_new(target);
	sectors = ub_chip_get_sectors(chip, ub_target_info_get_flash_size(info));
	if (sectors == NULL || sectors->len == 0) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "chip data for %s has no sector map", ub_chip_get_id(chip));
		return NULL;
	}
	ub_flash_stm32f4_set_sectors(flash, (const UbFlashSector *)sectors->data, sectors->len);

	/* RM0090 Table 7: the widest programming the supply allows; unknown → bytes, safe */
	voltage = ub_target_info_get_voltage_mv(info);
	self->psize = UB_FLASH_PSIZE_X8;
	if (voltage == 0)
		g_info("target voltage unknown: programming bytewise");
	else if (!ub_flash_psize_for_voltage(voltage, &self->psize)) {
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_LOW_VOLTAGE,
		            "the chip's supply is %u mV; flash needs at least 1800 mV", voltage);
		return NULL;
	}
	ub_flash_stm32f4_set_psize(flash, self->psize);
	ub_flash_stm32f4_set_use_stub(flash, (self->flags & UB_FLASH_JOB_FLAG_NO_LOADER) == 0);
	/* the watchdogs frozen before anything else: the halted chip of a running VESC resets
	 * within milliseconds otherwise */
	if (!ub_flash_stm32f4_prepare(flash, error))
		return NULL;
	ub_flash_job_clear_reset_flags(target);

	g_free(self->chip_id);
	self->chip_id = g_strdup(ub_chip_get_id(chip));
	g_free(self->uid);
	self->uid = g_strdup(ub_target_info_get_uid(info));
	self->optcr = ub_target_info_get_optcr(info);
	self->stage = UB_FLASH_JOB_STAGE_CONNECTED;
	if (info_out != NULL)
		*info_out = g_steal_pointer(&info);
	return g_steal_pointer(&flash);
}

static gboolean
ub_flash_job_check_rdp(UbTargetInfo *info, GError **error)
{
	guint level = ub_target_info_get_rdp_level(info);

	if (level == 2) {
		g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_LOCKED_FOREVER,
		                    "read protection level 2: the chip cannot be reprogrammed");
		return FALSE;
	}
	if (level == 1) {
		g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_READ_PROTECTED,
		                    "read protection level 1: the flash can be neither read nor "
		                    "written until it is removed (unlock), which erases it");
		return FALSE;
	}
	return TRUE;
}

#define UB_FLASH_JOB_BLANK_BLOCK 0x400

/* the runs of @data that are not entirely 0xFF, as chunks */
static void
ub_flash_job_add_used_blocks(GPtrArray *chunks, guint32 base, GBytes *data)
{
	gsize size = 0;
	const guint8 *bytes = g_bytes_get_data(data, &size);
	gsize run_start = 0;
	gboolean in_run = FALSE;

	for (gsize off = 0;; off += UB_FLASH_JOB_BLANK_BLOCK) {
		gboolean used = FALSE;
		if (off < size) {
			gsize n = MIN(UB_FLASH_JOB_BLANK_BLOCK, size - off);
			for (gsize i = 0; i < n && !used; i++)
				used = bytes[off + i] != 0xff;
		}
		if (used && !in_run) {
			run_start = off;
			in_run = TRUE;
		} else if (!used && in_run) {
			g_autoptr(GBytes) part =
			        g_bytes_new_from_bytes(data, run_start, MIN(off, size) - run_start);
			g_ptr_array_add(chunks,
			                ub_image_chunk_new(base + (guint32)run_start, part));
			in_run = FALSE;
		}
		if (off >= size)
			break;
	}
}

/* ---- the journal ---- */

/* the flags a journal keeps, by name: what the same job again needs to do the same */
static const struct {
	UbFlashJobFlags flag;
	const char *name;
} ub_flash_job_flag_names[] = {
        {UB_FLASH_JOB_FLAG_WIPE_CONFIG, "wipe-config"},
        {UB_FLASH_JOB_FLAG_MASS_ERASE, "mass-erase"},
        {UB_FLASH_JOB_FLAG_ERASE_ALL_CONSENT, "erase-all"},
        {UB_FLASH_JOB_FLAG_NO_BACKUP, "no-backup"},
        {UB_FLASH_JOB_FLAG_OTHER_CHIP, "other-chip"},
        {UB_FLASH_JOB_FLAG_OTHER_HARDWARE, "other-hardware"},
};

/**
 * ub_flash_job_flags_from_journal:
 *
 * The flags an interrupted job ran with, for running it again: the same sectors planned
 * (settings wiped or kept as before), the same consents. Not --no-backup: the job again backs
 * up the half-done chip it finds (the original's backup is the first run's).
 */
UbFlashJobFlags
ub_flash_job_flags_from_journal(UbFlashJournal *journal)
{
	UbFlashJobFlags flags = UB_FLASH_JOB_FLAG_NONE;

	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(journal), UB_FLASH_JOB_FLAG_NONE);
	for (guint i = 0; i < G_N_ELEMENTS(ub_flash_job_flag_names); i++)
		if (ub_flash_job_flag_names[i].flag != UB_FLASH_JOB_FLAG_NO_BACKUP &&
		    ub_flash_journal_has_flag(journal, ub_flash_job_flag_names[i].name))
			flags |= ub_flash_job_flag_names[i].flag;
	return flags;
}

static void
ub_flash_job_add_flag(GPtrArray *flags, gboolean set, const char *name)
{
	if (set)
		g_ptr_array_add(flags, (gpointer)name);
}

/* the journal of this run, made the moment the chip is about to change and on disk (fsynced)
 * before it does: a run cut short after that is always found. A journal that cannot be kept
 * (no writable state folder) does not stop the job: the backup is what puts the chip back;
 * without a journal the next start only cannot tell what an interrupted run did, and the
 * job says so (ub_flash_job_get_journal_error()) */
static gboolean
ub_flash_job_journal_begin(UbFlashJob *self, const guint *planned, guint n, GError **error)
{
	g_autoptr(GPtrArray) flags = g_ptr_array_new();
	g_autoptr(GError) error_local = NULL;

	if (self->journal == NULL) {
		self->journal = ub_flash_journal_new(self->journal_dir,
		                                     ub_flash_job_kind_to_string(self->kind),
		                                     self->uid);
		ub_flash_journal_set_chip(self->journal, self->chip_id);
		if (self->image != NULL && self->kind == UB_FLASH_JOB_KIND_FLASH) {
			g_autofree char *sha256 = ub_flash_journal_image_sha256(self->image);
			const char *file = ub_image_get_filename(self->image);
			g_autofree char *path = file != NULL && g_file_test(file, G_FILE_TEST_EXISTS)
			                                ? g_canonicalize_filename(file, NULL)
			                                : NULL;
			g_autofree char *name = file != NULL ? g_path_get_basename(file) : NULL;
			ub_flash_journal_set_image(self->journal, path, sha256, name,
			                           ub_image_get_lowest_address(self->image));
		}
		if (self->restore_source != NULL)
			ub_flash_journal_set_source_backup(self->journal, self->restore_source);
		for (guint i = 0; i < G_N_ELEMENTS(ub_flash_job_flag_names); i++)
			ub_flash_job_add_flag(flags, self->flags & ub_flash_job_flag_names[i].flag,
			                      ub_flash_job_flag_names[i].name);
		g_ptr_array_add(flags, NULL);
		ub_flash_journal_set_flags(self->journal, (const char *const *)flags->pdata);
		ub_flash_journal_set_sectors(self->journal, (const guint *)self->sectors->data,
		                             self->sectors->len);
		ub_flash_journal_set_original_backup(self->journal, self->original_backup);
	}
	ub_flash_journal_set_planned(self->journal, planned, n);
	ub_flash_journal_set_stage(self->journal, "changing");
	if (!ub_flash_journal_write(self->journal, TRUE, &error_local)) {
		g_debug("journal: %s", error_local->message);
		g_free(self->journal_error);
		self->journal_error = g_strdup(error_local->message);
		g_clear_object(&self->journal);
	}
	self->stage = UB_FLASH_JOB_STAGE_CHANGING;
	return TRUE;
}

static void
ub_flash_job_journal_update(UbFlashJob *self, const char *stage)
{
	g_autoptr(GError) error = NULL;

	if (self->journal == NULL)
		return;
	if (stage != NULL)
		ub_flash_journal_set_stage(self->journal, stage);
	/* progress notes only: the intent is already on disk, fsynced */
	if (!ub_flash_journal_write(self->journal, FALSE, &error))
		g_debug("journal: %s", error->message);
}

/* the chip confirms erases and programming: a sector counts as written once everything it
 * is to hold has been programmed (the loader and direct writes go up in address order) */
static void
ub_flash_job_flash_event_cb(UbFlashEvent event, guint32 address, guint32 length,
                            gpointer user_data)
{
	UbFlashJob *self = UB_FLASH_JOB(user_data);
	GArray *planned;
	gboolean changed = FALSE;

	if (self->journal == NULL)
		return;
	planned = ub_flash_journal_get_planned(self->journal);
	if (event == UB_FLASH_EVENT_ERASED) {
		ub_flash_journal_add_erased(self->journal, address);
		changed = TRUE;
	} else {
		self->programmed_to = MAX(self->programmed_to, address + length);
	}
	for (guint i = 0; i < planned->len && i < self->program_ends->len; i++) {
		guint sector = g_array_index(planned, guint, i);
		guint32 end = g_array_index(self->program_ends, guint32, i);
		GArray *erased = ub_flash_journal_get_erased(self->journal);
		GArray *written = ub_flash_journal_get_written(self->journal);
		gboolean is_erased = FALSE;
		gboolean is_written = FALSE;

		for (guint j = 0; j < erased->len; j++)
			is_erased |= g_array_index(erased, guint, j) == sector;
		for (guint j = 0; j < written->len; j++)
			is_written |= g_array_index(written, guint, j) == sector;
		if (is_erased && !is_written && self->programmed_to >= end) {
			ub_flash_journal_add_written(self->journal, sector);
			changed = TRUE;
		}
	}
	if (changed)
		ub_flash_job_journal_update(self, NULL);
}

/* where each planned sector's data ends (0 for a sector that is only erased) */
static void
ub_flash_job_set_program_ends(UbFlashJob *self, GPtrArray *program, const UbFlashSector *map,
                              guint n_map, const guint *sectors, guint n)
{
	g_array_set_size(self->program_ends, 0);
	self->programmed_to = 0;
	for (guint i = 0; i < n; i++) {
		guint32 end = 0;
		guint32 start = sectors[i] < n_map ? map[sectors[i]].address : 0;
		guint32 stop = sectors[i] < n_map ? start + map[sectors[i]].size : 0;

		for (guint c = 0; program != NULL && c < program->len; c++) {
			UbImageChunk *chunk = g_ptr_array_index(program, c);
			guint32 address = ub_image_chunk_get_address(chunk);
			gsize size = 0;
			const guint8 *data =
			        g_bytes_get_data(ub_image_chunk_get_data(chunk), &size);

			for (gsize k = size; k > 0; k--) {
				guint32 at = address + (guint32)(k - 1);
				if (at >= start && at < stop && data[k - 1] != 0xff) {
					end = MAX(end, at + 1);
					break;
				}
			}
		}
		g_array_append_val(self->program_ends, end);
	}
}

/* ---- the backup ---- */

/* the folder a backup goes to, checked before anything else happens */
static gboolean
ub_flash_job_prepare_backup_dir(UbFlashJob *self, GError **error)
{
	g_autofree char *dir = NULL;
	gboolean create = FALSE;

	if (self->kind == UB_FLASH_JOB_KIND_BACKUP && self->backup_file != NULL) {
		dir = g_path_get_dirname(self->backup_file);
	} else if (self->backup_dir != NULL) {
		dir = g_strdup(self->backup_dir);
	} else {
		/* the default place is ours to make */
		dir = ub_flash_backup_get_default_dir();
		create = TRUE;
	}
	return ub_flash_backup_prepare_dir(dir, UB_FLASH_JOB_BACKUP_ESTIMATE, create, error);
}

/* reads everything, checks the copy against the chip's own CRC, saves it */
static gboolean
ub_flash_job_backup(UbFlashJob *self, UbFlashStm32f4 *flash, const char *path, UbProgress *progress,
                    GCancellable *cancellable, GError **error)
{
	g_autoptr(GBytes) data = NULL;
	g_autoptr(UbFlashBackup) backup = NULL;
	g_autoptr(GPtrArray) whole =
	        g_ptr_array_new_with_free_func((GDestroyNotify)ub_image_chunk_unref);
	g_autofree char *automatic = NULL;
	guint32 base = ub_flash_stm32f4_get_base(flash);
	guint32 size = ub_flash_stm32f4_get_size(flash);

	ub_progress_add_step(progress, UB_STATUS_READ, 90, "read");
	ub_progress_add_step(progress, UB_STATUS_VERIFY, 10, "check");
	/* the copy is compared with the chip's own CRC below, so the probe need not ask for a
	 * status after every read; if they differ, it is read again with every status asked,
	 * which also names a link fault and slows the clock for it */
	for (guint attempt = 0;; attempt++) {
		g_autoptr(GError) error_local = NULL;
		UbFlashReadFlags flags =
		        attempt == 0 ? UB_FLASH_READ_CRC_CHECKED : UB_FLASH_READ_DEFAULT;

		g_clear_pointer(&data, g_bytes_unref);
		g_ptr_array_set_size(whole, 0);
		/* the bar has reached the end of the read once: a second read does not move it */
		data = ub_flash_stm32f4_read(flash, base, size, flags,
		                             attempt == 0 ? ub_progress_get_child(progress) : NULL,
		                             cancellable, error);
		if (data == NULL) {
			g_prefix_error(error, "backup: ");
			return FALSE;
		}
		/* the chip's own CRC of what was read; erased blocks were already checked on
		 * chip */
		ub_flash_job_add_used_blocks(whole, base, data);
		if (ub_flash_stm32f4_verify(flash, whole, NULL, cancellable, &error_local))
			break;
		if (attempt > 0 ||
		    !g_error_matches(error_local, UB_FLASH_ERROR, UB_FLASH_ERROR_VERIFY)) {
			g_propagate_prefixed_error(error, g_steal_pointer(&error_local),
			                           "backup read differs from the chip: ");
			return FALSE;
		}
		g_debug("backup read again with every status: %s", error_local->message);
	}
	ub_progress_step_done(progress);
	ub_progress_step_done(progress);

	backup = ub_flash_backup_new(self->chip_id, self->uid, base, data, self->optcr);
	/* a chip an earlier job of ours left half-written is not an original */
	if (self->previous != NULL && ub_flash_journal_get_chip_changed(self->previous)) {
		g_autofree char *job = ub_flash_journal_describe_job(self->previous);
		g_autofree char *chip = ub_flash_journal_describe_chip(self->previous);
		g_autofree char *note = g_strdup_printf("%s, interrupted: %s", job, chip);
		ub_flash_backup_set_state(backup, UB_FLASH_BACKUP_STATE_INTERRUPTED, note);
	}
	if (path != NULL) {
		if (!ub_flash_backup_save_as(backup, path, error))
			return FALSE;
	} else {
		automatic = ub_flash_backup_build_path(self->backup_dir, backup);
		if (!ub_flash_backup_save(backup, automatic, error))
			return FALSE;
	}
	g_free(self->backup_path);
	self->backup_path = g_strdup(ub_flash_backup_get_path(backup));
	if (self->original_backup == NULL &&
	    ub_flash_backup_get_state(backup) == UB_FLASH_BACKUP_STATE_COMPLETE)
		self->original_backup = g_strdup(self->backup_path);
	g_set_object(&self->backup, backup);
	g_clear_pointer(&self->backup_data, g_bytes_unref);
	self->backup_data = g_bytes_ref(data);
	self->backup_base = base;
	self->stage = UB_FLASH_JOB_STAGE_BACKED_UP;
	return TRUE;
}

/* ---- the hardware guard ---- */

/* the VESC hardware the board is, as far as it can be told: what the caller said (the board
 * database), else what the firmware on the chip names; NULL when nobody can tell */
static const char *const *
ub_flash_job_board_hw(UbFlashJob *self, gboolean *from_board)
{
	const char *const *names;

	*from_board = self->board_hw_names != NULL;
	if (self->board_hw_names != NULL)
		return (const char *const *)self->board_hw_names;
	if (self->backup == NULL)
		return NULL;
	names = ub_flash_backup_get_hw_names(self->backup);
	return names[0] != NULL ? names : NULL;
}

static gboolean
ub_flash_job_hw_overlap(const char *const *a, const char *const *b)
{
	for (guint i = 0; a[i] != NULL; i++) {
		for (guint j = 0; b[j] != NULL; j++) {
			if (ub_firmware_hw_name_equal(a[i], b[j]))
				return TRUE;
		}
	}
	return FALSE;
}

/* firmware named for hardware other than the board's is refused unless agreed to, whether it
 * comes from an image or from a backup */
static gboolean
ub_flash_job_check_hardware(UbFlashJob *self, const char *const *firmware_hw, const char *what,
                            GError **error)
{
	gboolean from_board = FALSE;
	const char *const *board = ub_flash_job_board_hw(self, &from_board);
	g_autofree char *have = NULL;
	g_autofree char *want = NULL;

	if (self->flags & UB_FLASH_JOB_FLAG_OTHER_HARDWARE)
		return TRUE;
	if (firmware_hw == NULL || firmware_hw[0] == NULL || board == NULL)
		return TRUE;
	if (ub_flash_job_hw_overlap(firmware_hw, board))
		return TRUE;
	have = g_strjoinv("/", (char **)firmware_hw);
	want = g_strjoinv("/", (char **)board);
	g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE,
	            "%s is built for VESC hardware %s, %s %s", what, have,
	            from_board ? "the board is" : "the firmware on the chip is for", want);
	return FALSE;
}

static const char *const *
ub_flash_job_image_hw(UbImage *image, UbFirmwareInfo **info_out)
{
	g_autoptr(GError) error = NULL;

	*info_out = ub_firmware_info_new_from_image(image, NULL, &error);
	if (*info_out == NULL) {
		g_debug("cannot identify the image: %s", error->message);
		return NULL;
	}
	if (ub_firmware_info_get_kind(*info_out) == UB_FIRMWARE_KIND_BOOTLOADER)
		return ub_firmware_info_get_bootloader_generic(*info_out)
		               ? NULL
		               : ub_firmware_info_get_bootloader_hw_names(*info_out);
	return ub_firmware_info_get_hw_names(*info_out);
}

static gboolean
ub_flash_job_check_write_protection(UbFlashJob *self, const guint *sectors, guint n, GError **error)
{
	guint16 nwrp = (self->optcr >> 16) & 0xfff;

	for (guint i = 0; i < n; i++) {
		if (sectors[i] < 12 && (nwrp & (1u << sectors[i])) == 0) {
			g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_WRITE_PROTECTED,
			            "sector %u is write-protected by the option bytes (nWRP "
			            "0x%03x); clear the protection first (unlock)",
			            sectors[i], nwrp);
			return FALSE;
		}
	}
	return TRUE;
}

/* what the chip holds where each expected sector goes: from this run's backup when there is
 * one (free), else from @known (a survey of the same chip this run already made, or NULL),
 * else by the chip's CRC unit and a blank check on chip. A rerun after a failure then redoes
 * only what is missing, and an erased sector is not erased again. */
static gboolean
ub_flash_job_survey(UbFlashJob *self, UbFlashStm32f4 *flash, GPtrArray *expected,
                    const UbFlashHolds *known, UbFlashHolds *holds, GCancellable *cancellable,
                    GError **error)
{
	if (self->backup_data == NULL && known != NULL) {
		memcpy(holds, known, expected->len * sizeof(UbFlashHolds));
		return TRUE;
	}
	if (self->backup_data == NULL)
		return ub_flash_stm32f4_survey(flash, expected, holds, cancellable, error);
	for (guint i = 0; i < expected->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(expected, i);
		guint32 address = ub_image_chunk_get_address(chunk);
		gsize size = 0;
		gsize backup_size = 0;
		const guint8 *want = g_bytes_get_data(ub_image_chunk_get_data(chunk), &size);
		const guint8 *have = g_bytes_get_data(self->backup_data, &backup_size);
		gboolean erased = TRUE;

		holds[i] = UB_FLASH_HOLDS_UNKNOWN;
		if (address < self->backup_base || address - self->backup_base + size > backup_size)
			continue;
		have += address - self->backup_base;
		if (memcmp(have, want, size) == 0) {
			holds[i] = UB_FLASH_HOLDS_SAME;
			continue;
		}
		for (gsize j = 0; j < size && erased; j++)
			erased = have[j] == 0xff;
		holds[i] = erased ? UB_FLASH_HOLDS_ERASED : UB_FLASH_HOLDS_OTHER;
	}
	return TRUE;
}

/* what the chip holds for each sector of @plan, by its CRC unit (NULL on error) */
static UbFlashHolds *
ub_flash_job_survey_chip(UbFlashStm32f4 *flash, UbFlashPlan *plan, GCancellable *cancellable,
                         GError **error)
{
	GPtrArray *expected = ub_flash_plan_get_expected(plan);
	g_autofree UbFlashHolds *holds = g_new0(UbFlashHolds, MAX(expected->len, 1));

	if (!ub_flash_stm32f4_survey(flash, expected, holds, cancellable, error))
		return NULL;
	return g_steal_pointer(&holds);
}

/* the chip holds every sector of @plan already: nothing will be erased, and a backup would
 * only read the chip for nothing */
static gboolean
ub_flash_job_plan_held(UbFlashPlan *plan, const UbFlashHolds *holds)
{
	GPtrArray *expected = ub_flash_plan_get_expected(plan);

	for (guint i = 0; i < expected->len; i++) {
		if (holds[i] != UB_FLASH_HOLDS_SAME)
			return FALSE;
	}
	return TRUE;
}

/* erase, program, verify a plan; steps in @progress: write (erase + program), verify.
 * @known: what a survey of the chip this run found, or NULL */
static gboolean
ub_flash_job_write_plan(UbFlashJob *self, UbFlashStm32f4 *flash, UbFlashPlan *plan,
                        const UbFlashHolds *known, UbProgress *progress,
                        GCancellable *cancellable, GError **error)
{
	guint n = 0;
	guint n_map = 0;
	const guint *sectors = ub_flash_plan_get_sectors(plan, &n);
	const UbFlashSector *map = ub_flash_stm32f4_get_sectors(flash, &n_map);
	GPtrArray *expected = ub_flash_plan_get_expected(plan);
	g_autofree UbFlashHolds *holds = g_new0(UbFlashHolds, MAX(n, 1));
	g_autoptr(GArray) changed = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autoptr(GPtrArray) program =
	        g_ptr_array_new_with_free_func((GDestroyNotify)ub_image_chunk_unref);

	if (!ub_flash_job_check_write_protection(self, sectors, n, error))
		return FALSE;
	if (!ub_flash_job_survey(self, flash, expected, known, holds, cancellable, error))
		return FALSE;
	/* each expected chunk is one whole sector: program it where the chip differs (its
	 * 0xFF stretches are not sent), after an erase unless it is erased already */
	g_array_set_size(self->erased, 0);
	self->unchanged = 0;
	for (guint i = 0; i < n; i++) {
		if (holds[i] == UB_FLASH_HOLDS_SAME) {
			self->unchanged++;
			continue;
		}
		g_array_append_val(changed, sectors[i]);
		if (holds[i] != UB_FLASH_HOLDS_ERASED)
			g_array_append_val(self->erased, sectors[i]);
		g_ptr_array_add(program, ub_image_chunk_ref(g_ptr_array_index(expected, i)));
	}
	self->config_kept = ub_flash_plan_get_config_kept(plan);
	if (changed->len > 0) {
		ub_flash_job_set_program_ends(self, program, map, n_map,
		                              (const guint *)changed->data, changed->len);
		if (!ub_flash_job_journal_begin(self, (const guint *)changed->data, changed->len,
		                                error))
			return FALSE;
		/* a sector found erased is programmed as it is: for the journal it is erased */
		for (guint i = 0; i < n && self->journal != NULL; i++) {
			if (holds[i] == UB_FLASH_HOLDS_ERASED)
				ub_flash_journal_add_erased(self->journal, sectors[i]);
		}
	}
	if (!ub_flash_stm32f4_program(flash, program, (const guint *)self->erased->data,
	                              self->erased->len, ub_progress_get_child(progress),
	                              cancellable, error))
		return FALSE;
	ub_progress_step_done(progress);
	if (self->stage == UB_FLASH_JOB_STAGE_CHANGING) {
		self->stage = UB_FLASH_JOB_STAGE_WRITTEN;
		ub_flash_job_journal_update(self, "written");
	}
	if (!ub_flash_stm32f4_verify(flash, expected, ub_progress_get_child(progress), cancellable,
	                             error)) {
		g_prefix_error(error, "verify: ");
		return FALSE;
	}
	ub_progress_step_done(progress);
	return TRUE;
}

/* a reset through AIRCR; a request lost on the wire (noise eats a write) is tried once more
 * after a pause */
static gboolean
ub_flash_job_restart(UbFlashJob *self, gboolean halt, GError **error)
{
	UbTarget *target = ub_device_get_target(self->device);
	g_autoptr(GError) error_local = NULL;

	if (ub_target_reset(target, UB_RESET_SYSRESETREQ, halt, &error_local))
		return TRUE;
	if (!g_error_matches(error_local, UB_TARGET_ERROR, UB_TARGET_ERROR_RESET_NO_EFFECT)) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	g_debug("restart: %s; once more", error_local->message);
	ub_clock_sleep_ms(ub_device_get_clock(self->device), 100);
	return ub_target_reset(target, UB_RESET_SYSRESETREQ, halt, error);
}

static gboolean
ub_flash_job_finish_target(UbFlashJob *self, UbFlashStm32f4 *flash, GCancellable *cancellable,
                           GError **error)
{
	g_autoptr(GError) error_local = NULL;

	/* the result is verified: what follows only starts it, and a failure here must not
	 * make a person redo a job that is done */
	if (!ub_flash_stm32f4_finish(flash, cancellable, &error_local) ||
	    ((self->flags & UB_FLASH_JOB_FLAG_NO_RESET) == 0 &&
	     !ub_flash_job_restart(self, FALSE, &error_local))) {
		if (g_error_matches(error_local, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		g_free(self->restart_error);
		self->restart_error = g_strdup(error_local->message);
		g_info("the chip holds the result but was not restarted: %s",
		       error_local->message);
		/* a probe that went away is opened afresh (re-plugged) by the next job, a chip
		 * that stopped answering is connected again from scratch */
		if (error_local->domain == UB_PROBE_ERROR) {
			g_autoptr(GError) error_close = NULL;
			if (!ub_device_close(self->device, &error_close))
				g_debug("closing: %s", error_close->message);
		} else {
			ub_target_set_disconnected(ub_device_get_target(self->device));
		}
	}
	return TRUE;
}

static UbImage *
ub_flash_job_image_from_backup(UbFlashBackup *backup)
{
	UbImage *image = g_object_new(UB_TYPE_IMAGE_BIN, NULL);
	ub_image_add_bytes(image, ub_flash_backup_get_base(backup),
	                   ub_flash_backup_get_data(backup));
	return image;
}

/* RESTORE: the backup to write back, and whether it may go onto this chip */
static UbFlashBackup *
ub_flash_job_restore_source(UbFlashJob *self, UbFlashBackup *given, GError **error)
{
	g_autoptr(UbFlashBackup) restore = NULL;
	g_autofree char *default_dir = NULL;

	if (given != NULL) {
		restore = g_object_ref(given);
	} else {
		const char *dir = self->backup_dir;
		if (dir == NULL)
			dir = default_dir = ub_flash_backup_get_default_dir();
		restore = ub_flash_backup_find_last_complete(dir, self->uid, error);
		if (restore == NULL)
			return NULL;
	}
	g_free(self->restore_source);
	self->restore_source = g_strdup(ub_flash_backup_get_path(restore));
	if (g_strcmp0(ub_flash_backup_get_chip_id(restore), self->chip_id) != 0) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_MCU,
		            "the backup is of a %s, this chip is a %s",
		            ub_flash_backup_get_chip_id(restore), self->chip_id);
		return NULL;
	}
	if (g_strcmp0(ub_flash_backup_get_uid(restore), self->uid) != 0 &&
	    (self->flags & UB_FLASH_JOB_FLAG_OTHER_CHIP) == 0) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_OTHER_CHIP,
		            "the backup was taken from the chip %s, this chip is %s: it would copy "
		            "another board's firmware and settings onto this one",
		            ub_flash_backup_get_uid(restore), self->uid);
		return NULL;
	}
	return g_steal_pointer(&restore);
}

/* the steps of a job, by what it does (weights: modelled time of a VESC image,
 * bench/bench-flash.c) */
static void
ub_flash_job_add_steps(UbFlashJob *self, UbProgress *progress, gboolean backup)
{
	switch (self->kind) {
	case UB_FLASH_JOB_KIND_BACKUP:
		ub_progress_add_step(progress, UB_STATUS_CONNECT, 5, "connect");
		ub_progress_add_step(progress, UB_STATUS_BACKUP, 95, "backup");
		break;
	case UB_FLASH_JOB_KIND_VERIFY:
		ub_progress_add_step(progress, UB_STATUS_CONNECT, 10, "connect");
		ub_progress_add_step(progress, UB_STATUS_VERIFY, 90, "verify");
		break;
	case UB_FLASH_JOB_KIND_UNLOCK:
		ub_progress_add_step(progress, UB_STATUS_CONNECT, 5, "connect");
		if (backup)
			ub_progress_add_step(progress, UB_STATUS_BACKUP, 60, "backup");
		ub_progress_add_step(progress, UB_STATUS_ERASE, backup ? 35 : 95, "unlock");
		break;
	case UB_FLASH_JOB_KIND_FLASH:
	case UB_FLASH_JOB_KIND_RESTORE:
	case UB_FLASH_JOB_KIND_ERASE:
	default:
		ub_progress_add_step(progress, UB_STATUS_CONNECT, 2, "connect");
		if (backup)
			ub_progress_add_step(progress, UB_STATUS_BACKUP, 35, "backup");
		ub_progress_add_step(progress, UB_STATUS_WRITE, 58, "write");
		ub_progress_add_step(progress, UB_STATUS_VERIFY, 5, "verify");
		break;
	}
}

static gboolean
ub_flash_job_unlock(UbFlashJob *self, UbFlashStm32f4 *flash, UbProgress *progress,
                    GCancellable *cancellable, GError **error)
{
	UbFlashOptionBytes ob = {0};
	gboolean erase_all = (self->flags & UB_FLASH_JOB_FLAG_ERASE_ALL_CONSENT) != 0;
	gboolean backup = (self->flags & UB_FLASH_JOB_FLAG_NO_BACKUP) == 0;
	guint32 after;

	if (!ub_flash_stm32f4_read_option_bytes(flash, &ob, error))
		return FALSE;
	if (ob.rdp == UB_STM32F4_RDP_LEVEL2) {
		g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_LOCKED_FOREVER,
		                    "read protection level 2: the chip cannot be unlocked");
		return FALSE;
	}
	/* refused before anything is touched: the chip is exactly as it was */
	if (ob.rdp != UB_STM32F4_RDP_LEVEL0 && !erase_all) {
		/* an option byte write of ours cut short between its erase and its programming
		 * leaves them erased, which reads as level 1 (RM0090 §3.7.2) */
		if (self->previous != NULL && ub_flash_journal_get_chip_changed(self->previous) &&
		    g_strcmp0(ub_flash_journal_get_job(self->previous), "unlock") == 0)
			g_set_error_literal(
			        error, UB_TARGET_ERROR, UB_TARGET_ERROR_READ_PROTECTED,
			        "the interrupted option byte write left the chip read-protected "
			        "(level 1); removing that erases the whole flash, which needs your "
			        "consent (unlock --erase-all); restore --wipe-config then puts "
			        "everything back from the backup, the settings included");
		else
			g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_READ_PROTECTED,
			                    "removing read protection level 1 erases the whole flash; "
			                    "it needs consent");
		return FALSE;
	}
	after = ob.optcr | 0x0fff0000u;
	if (ob.rdp != UB_STM32F4_RDP_LEVEL0)
		after = (after & ~0xff00u) | ((guint32)UB_STM32F4_RDP_LEVEL0 << 8);
	if (after == ob.optcr) {
		/* nothing protected: nothing to do */
		self->stage = UB_FLASH_JOB_STAGE_DONE;
		ub_progress_step_done(progress);
		if (backup)
			ub_progress_step_done(progress);
		return TRUE;
	}
	/* a readable chip is backed up first: an option byte write cut short can leave the
	 * read protection byte garbled, and getting out of that erases the flash */
	if (backup && ob.rdp == UB_STM32F4_RDP_LEVEL0) {
		if (!ub_flash_job_backup(self, flash, NULL, ub_progress_get_child(progress),
		                         cancellable, error))
			return FALSE;
		ub_progress_step_done(progress);
	} else if (backup) {
		/* the flash of a read-protected chip cannot be read */
		ub_progress_step_done(progress);
	}
	if (!ub_flash_job_journal_begin(self, NULL, 0, error))
		return FALSE;
	if (self->journal != NULL)
		ub_flash_journal_set_option_bytes(self->journal, ob.optcr, after);
	ub_flash_job_journal_update(self, NULL);
	if (ob.rdp != UB_STM32F4_RDP_LEVEL0 &&
	    !ub_flash_stm32f4_remove_read_protection(flash, TRUE, cancellable, error))
		return FALSE;
	if (ob.nwrp != 0xfff && !ub_flash_stm32f4_clear_write_protection(flash, cancellable, error))
		return FALSE;
	ub_progress_step_done(progress);
	if (!ub_flash_stm32f4_finish(flash, cancellable, error))
		return FALSE;
	self->stage = UB_FLASH_JOB_STAGE_WRITTEN;
	ub_flash_job_journal_update(self, "written");
	/* new option bytes are loaded by a reset (RM0090 §3.7) */
	if (!ub_flash_job_restart(self, (self->flags & UB_FLASH_JOB_FLAG_NO_RESET) != 0, error))
		return FALSE;
	ub_target_set_disconnected(ub_device_get_target(self->device));
	self->stage = UB_FLASH_JOB_STAGE_DONE;
	return TRUE;
}

static gboolean
ub_flash_job_erase(UbFlashJob *self, UbFlashStm32f4 *flash, gboolean backup, UbProgress *progress,
                   GCancellable *cancellable, GError **error)
{
	g_autoptr(GPtrArray) blank =
	        g_ptr_array_new_with_free_func((GDestroyNotify)ub_image_chunk_unref);
	gboolean mass = (self->flags & UB_FLASH_JOB_FLAG_MASS_ERASE) != 0;
	gboolean wipe = (self->flags & UB_FLASH_JOB_FLAG_WIPE_CONFIG) != 0;
	guint n_map = 0;
	const UbFlashSector *map = ub_flash_stm32f4_get_sectors(flash, &n_map);

	g_array_set_size(self->erased, 0);
	if (mass) {
		for (guint s = 0; s < n_map; s++)
			g_array_append_val(self->erased, s);
	} else if (self->sectors->len > 0) {
		g_array_append_vals(self->erased, self->sectors->data, self->sectors->len);
	} else {
		for (guint s = 0; s < n_map; s++) {
			if (!wipe && map[s].address >= UB_FLASH_VESC_CONFIG_START &&
			    map[s].address < UB_FLASH_VESC_CONFIG_END)
				continue;
			g_array_append_val(self->erased, s);
		}
	}
	for (guint i = 0; i < self->erased->len; i++) {
		guint s = g_array_index(self->erased, guint, i);
		g_autofree guint8 *ones = NULL;
		g_autoptr(GBytes) bytes = NULL;
		if (s >= n_map) {
			g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_INVALID_ARGUMENT,
			            "there is no sector %u (the chip has %u)", s, n_map);
			return FALSE;
		}
		ones = g_malloc(map[s].size);
		memset(ones, 0xff, map[s].size);
		bytes = g_bytes_new_take(g_steal_pointer(&ones), map[s].size);
		g_ptr_array_add(blank, ub_image_chunk_new(map[s].address, bytes));
	}
	if (!ub_flash_job_check_write_protection(self, (const guint *)self->erased->data,
	                                         self->erased->len, error))
		return FALSE;
	if (backup) {
		if (!ub_flash_job_backup(self, flash, NULL, ub_progress_get_child(progress),
		                         cancellable, error))
			return FALSE;
		ub_progress_step_done(progress);
	}
	g_array_set_size(self->program_ends, 0);
	if (!ub_flash_job_journal_begin(self, (const guint *)self->erased->data,
	                                self->erased->len, error))
		return FALSE;
	if (mass) {
		if (!ub_flash_stm32f4_mass_erase(flash, ub_progress_get_child(progress), cancellable,
		                                 error))
			return FALSE;
	} else if (!ub_flash_stm32f4_erase_sectors(flash, (const guint *)self->erased->data,
	                                           self->erased->len,
	                                           ub_progress_get_child(progress), cancellable,
	                                           error)) {
		return FALSE;
	}
	ub_progress_step_done(progress);
	self->stage = UB_FLASH_JOB_STAGE_WRITTEN;
	ub_flash_job_journal_update(self, "written");
	if (!ub_flash_stm32f4_verify(flash, blank, ub_progress_get_child(progress), cancellable,
	                             error)) {
		g_prefix_error(error, "erase check: ");
		return FALSE;
	}
	ub_progress_step_done(progress);
	return TRUE;
}

static gboolean
ub_flash_job_run_inner(UbFlashJob *self, UbFlashStm32f4 **flash_out, UbProgress *progress,
                       GCancellable *cancellable, GError **error)
{
	g_autoptr(UbTargetInfo) info = NULL;
	g_autoptr(UbFlashStm32f4) flash = NULL;
	g_autoptr(UbFlashPlan) plan = NULL;
	g_autoptr(UbFlashBackup) given = NULL;
	g_autoptr(UbFlashBackup) restore = NULL;
	g_autoptr(UbImage) restore_image = NULL;
	g_autoptr(UbFirmwareInfo) image_info = NULL;
	g_autofree UbFlashHolds *known = NULL;
	gboolean backup = (self->flags & UB_FLASH_JOB_FLAG_NO_BACKUP) == 0 ||
	                  self->kind == UB_FLASH_JOB_KIND_BACKUP;
	UbFlashPlanFlags plan_flags = (self->flags & UB_FLASH_JOB_FLAG_WIPE_CONFIG)
	                                      ? UB_FLASH_PLAN_FLAG_WIPE_CONFIG
	                                      : UB_FLASH_PLAN_FLAG_NONE;
	const UbFlashSector *map;
	guint n_map = 0;

	/* inputs first: nothing touches the chip for a job that cannot run */
	if ((self->kind == UB_FLASH_JOB_KIND_FLASH || self->kind == UB_FLASH_JOB_KIND_VERIFY) &&
	    self->image == NULL) {
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		                    "no image given");
		return FALSE;
	}
	if (self->kind == UB_FLASH_JOB_KIND_BACKUP && self->backup_file == NULL) {
		g_set_error_literal(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP,
		                    "no file given for the backup");
		return FALSE;
	}
	if (self->kind == UB_FLASH_JOB_KIND_RESTORE && self->backup_file != NULL) {
		given = ub_flash_backup_load(self->backup_file, error);
		if (given == NULL)
			return FALSE;
		self->restore_source = g_strdup(ub_flash_backup_get_path(given));
	}
	if (self->kind == UB_FLASH_JOB_KIND_VERIFY)
		backup = FALSE;
	/* a folder that cannot take the backup stops the job before the chip is touched */
	if (backup && !ub_flash_job_prepare_backup_dir(self, error))
		return FALSE;

	ub_flash_job_add_steps(self, progress, backup);
	flash = ub_flash_job_open_flash(self, &info, cancellable, error);
	if (flash == NULL)
		return FALSE;
	*flash_out = g_object_ref(flash);
	ub_flash_stm32f4_set_event_func(flash, ub_flash_job_flash_event_cb, self);
	if (self->kind != UB_FLASH_JOB_KIND_UNLOCK && !ub_flash_job_check_rdp(info, error))
		return FALSE;
	ub_progress_step_done(progress);
	map = ub_flash_stm32f4_get_sectors(flash, &n_map);
	/* an earlier job of ours that was cut short on this chip */
	g_clear_object(&self->previous);
	self->previous = ub_flash_journal_find(self->journal_dir, self->uid);
	if (self->previous != NULL && ub_flash_journal_get_chip_changed(self->previous)) {
		g_free(self->original_backup);
		self->original_backup =
		        g_strdup(ub_flash_journal_get_original_backup(self->previous));
	}

	switch (self->kind) {
	case UB_FLASH_JOB_KIND_BACKUP:
		if (!ub_flash_job_backup(self, flash, self->backup_file,
		                         ub_progress_get_child(progress), cancellable, error))
			return FALSE;
		ub_progress_step_done(progress);
		self->stage = UB_FLASH_JOB_STAGE_DONE;
		return ub_flash_job_finish_target(self, flash, cancellable, error);

	case UB_FLASH_JOB_KIND_VERIFY:
		/* the kept configuration and the image's gap bytes there are not compared */
		plan = ub_flash_plan_new(self->image, map, n_map,
		                         plan_flags | UB_FLASH_PLAN_FLAG_KEEP_CONFIG_DATA, error);
		if (plan == NULL)
			return FALSE;
		if (!ub_flash_stm32f4_verify(flash, ub_flash_plan_get_chunks(plan),
		                             ub_progress_get_child(progress), cancellable, error))
			return FALSE;
		ub_progress_step_done(progress);
		self->config_kept = ub_flash_plan_get_config_kept(plan);
		self->stage = UB_FLASH_JOB_STAGE_DONE;
		return ub_flash_job_finish_target(self, flash, cancellable, error);

	case UB_FLASH_JOB_KIND_UNLOCK:
		return ub_flash_job_unlock(self, flash, progress, cancellable, error);

	case UB_FLASH_JOB_KIND_ERASE:
		if (!ub_flash_job_erase(self, flash, backup, progress, cancellable, error))
			return FALSE;
		self->stage = UB_FLASH_JOB_STAGE_DONE;
		return ub_flash_job_finish_target(self, flash, cancellable, error);

	case UB_FLASH_JOB_KIND_RESTORE:
	case UB_FLASH_JOB_KIND_FLASH:
	default:
		if (self->kind == UB_FLASH_JOB_KIND_RESTORE) {
			restore = ub_flash_job_restore_source(self, given, error);
			if (restore == NULL)
				return FALSE;
			restore_image = ub_flash_job_image_from_backup(restore);
		}
		/* a restore keeps the board's configuration unless told otherwise, like a flash */
		plan = ub_flash_plan_new(
		        restore_image != NULL ? restore_image : self->image, map, n_map,
		        plan_flags | (restore != NULL ? UB_FLASH_PLAN_FLAG_KEEP_CONFIG_DATA
		                                      : UB_FLASH_PLAN_FLAG_NONE),
		        error);
		if (plan == NULL)
			return FALSE;
		if (backup) {
			/* the chip does not change until write_plan: this survey serves it too */
			known = ub_flash_job_survey_chip(flash, plan, cancellable, error);
			if (known == NULL)
				return FALSE;
			if (!ub_flash_job_plan_held(plan, known) &&
			    !ub_flash_job_backup(self, flash, NULL, ub_progress_get_child(progress),
			                         cancellable, error))
				return FALSE;
			ub_progress_step_done(progress);
		}
		/* the same guard for an image and for another chip's backup; this chip's own
		 * backup is what this board held, whatever is on it now */
		if (restore != NULL && g_strcmp0(ub_flash_backup_get_uid(restore), self->uid) != 0 &&
		    !ub_flash_job_check_hardware(self, ub_flash_backup_get_hw_names(restore),
		                                 "the backup's firmware", error))
			return FALSE;
		if (restore == NULL &&
		    !ub_flash_job_check_hardware(self, ub_flash_job_image_hw(self->image, &image_info),
		                                 "the image", error))
			return FALSE;
		if (!ub_flash_job_write_plan(self, flash, plan, known, progress, cancellable,
		                             error))
			return FALSE;
		self->stage = UB_FLASH_JOB_STAGE_DONE;
		return ub_flash_job_finish_target(self, flash, cancellable, error);
	}
}

char *
ub_flash_job_describe_chip(UbFlashJob *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOB(self), NULL);
	switch (self->stage) {
	case UB_FLASH_JOB_STAGE_DONE:
		return g_strdup(self->kind == UB_FLASH_JOB_KIND_BACKUP ||
		                                self->kind == UB_FLASH_JOB_KIND_VERIFY
		                        ? "nothing on the chip was changed"
		                        : "the chip holds the verified result");
	case UB_FLASH_JOB_STAGE_CHANGING:
	case UB_FLASH_JOB_STAGE_WRITTEN:
		if (self->journal != NULL)
			return ub_flash_journal_describe_chip(self->journal);
		return g_strdup("the chip is partly erased or written and may not start");
	case UB_FLASH_JOB_STAGE_NOT_STARTED:
	case UB_FLASH_JOB_STAGE_CONNECTED:
	case UB_FLASH_JOB_STAGE_BACKED_UP:
	default:
		/* this run changed nothing; an earlier one may have */
		if (self->previous != NULL && ub_flash_journal_get_chip_changed(self->previous)) {
			g_autofree char *chip = ub_flash_journal_describe_chip(self->previous);
			return g_strdup_printf("nothing on the chip was changed by this run; it is "
			                       "still as an earlier, interrupted job left it: %s",
			                       chip);
		}
		return g_strdup("nothing on the chip was changed");
	}
}

/* after a failure that the probe did not explain, ask the board what happened: a supply that
 * went away, or a reset (NRST pulled, a brown-out) in the middle of the job */
static void
ub_flash_job_diagnose(UbFlashJob *self, GError **error)
{
	UbProbe *probe = ub_device_get_probe(self->device);
	g_autoptr(GError) error_local = NULL;
	guint voltage = 0;
	guint32 dhcsr = 0;
	guint32 csr = 0;
	const char *kind = ub_flash_job_kind_to_string(self->kind);
	GError *failure = *error;

	if (probe == NULL || failure->domain == UB_PROBE_ERROR ||
	    failure->domain == UB_IMAGE_ERROR || failure->domain == UB_DATA_ERROR ||
	    g_error_matches(failure, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
	    g_error_matches(failure, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP) ||
	    g_error_matches(failure, UB_FLASH_ERROR, UB_FLASH_ERROR_WRITE_PROTECTED) ||
	    g_error_matches(failure, UB_TARGET_ERROR, UB_TARGET_ERROR_READ_PROTECTED) ||
	    g_error_matches(failure, UB_TARGET_ERROR, UB_TARGET_ERROR_LOCKED_FOREVER) ||
	    g_error_matches(failure, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_POWER))
		return;
	if (ub_probe_get_target_voltage(probe, &voltage, &error_local) && voltage > 0 &&
	    voltage < 1800) {
		GError *replaced = g_error_new(UB_TARGET_ERROR, UB_TARGET_ERROR_NO_POWER,
		                               "the board lost its supply during the %s (the probe "
		                               "reads %u mV): %s",
		                               kind, voltage, failure->message);
		g_error_free(failure);
		*error = replaced;
		return;
	}
	if (voltage == 0 && error_local == NULL) {
		GError *replaced = g_error_new(UB_TARGET_ERROR, UB_TARGET_ERROR_NO_POWER,
		                               "the board lost its supply during the %s (the probe "
		                               "reads 0 V): %s",
		                               kind, failure->message);
		g_error_free(failure);
		*error = replaced;
		return;
	}
	if (error_local != NULL &&
	    g_error_matches(failure, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK)) {
		/* a probe that cannot read the board's voltage: a chip that does not answer (or
		 * answered and then stopped) has no supply or a loose wire; which one cannot be
		 * told from here */
		GError *replaced = g_error_new(
		        UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK,
		        self->stage == UB_FLASH_JOB_STAGE_NOT_STARTED
		                ? "the chip does not answer at the start of the %s: it has no "
		                  "supply or a wire is loose (this probe cannot measure the "
		                  "board's voltage): %s"
		                : "the chip stopped answering during the %s: its supply went or a "
		                  "wire came loose (this probe cannot measure the board's "
		                  "voltage): %s",
		        kind, failure->message);
		g_error_free(failure);
		*error = replaced;
		return;
	}
	g_clear_error(&error_local);
	/* the reset flags the job cleared once connected, and S_RESET_ST (sticky until read,
	 * read by connecting): before that, a reset cannot be told from the power-on one */
	if (self->stage == UB_FLASH_JOB_STAGE_NOT_STARTED)
		return;
	if (!ub_probe_read_u32(probe, UB_FLASH_JOB_RCC_CSR, &csr, &error_local))
		csr = 0;
	g_clear_error(&error_local);
	if (ub_probe_read_u32(probe, UB_DHCSR, &dhcsr, &error_local) &&
	    (dhcsr & UB_DHCSR_S_RESET_ST) != 0)
		csr |= UB_FLASH_JOB_CSR_PINRSTF;
	if ((csr & UB_FLASH_JOB_CSR_FLAGS) != 0) {
		const char *why;
		GError *replaced;

		if (csr & (UB_FLASH_JOB_CSR_IWDGRSTF | UB_FLASH_JOB_CSR_WWDGRSTF))
			why = "its watchdog fired";
		else if (csr & (UB_FLASH_JOB_CSR_PORRSTF | UB_FLASH_JOB_CSR_BORRSTF))
			why = "its supply dipped";
		else if (csr & UB_FLASH_JOB_CSR_SFTRSTF)
			why = "its firmware or a debugger asked for a reset";
		else
			why = "its NRST pin was pulled low";
		/* the engine's own "interrupted" keeps its code; a reset that broke something
		 * else is one too once the chip was being changed, before that nothing was */
		if (g_error_matches(failure, UB_FLASH_ERROR, UB_FLASH_ERROR_INTERRUPTED) ||
		    self->stage == UB_FLASH_JOB_STAGE_CHANGING ||
		    self->stage == UB_FLASH_JOB_STAGE_WRITTEN)
			replaced = g_error_new(UB_FLASH_ERROR, UB_FLASH_ERROR_INTERRUPTED,
			                       "the chip was reset during the %s (%s): %s", kind,
			                       why, failure->message);
		else
			replaced = g_error_new(UB_TARGET_ERROR, UB_TARGET_ERROR_WAS_RESET,
			                       "the chip was reset during the %s (%s): %s", kind,
			                       why, failure->message);
		g_error_free(failure);
		*error = replaced;
	}
}

/* appends where the chip stands to a failure's message */
static void
ub_flash_job_explain(UbFlashJob *self, GError *error)
{
	g_autofree char *state = ub_flash_job_describe_chip(self);
	g_autofree char *message = NULL;

	if (self->original_backup != NULL)
		message = g_strdup_printf("%s (%s; the original is saved in %s)", error->message,
		                          state, self->original_backup);
	else if (self->backup_path != NULL)
		message = g_strdup_printf("%s (%s; backup: %s)", error->message, state,
		                          self->backup_path);
	else
		message = g_strdup_printf("%s (%s)", error->message, state);
	g_free(error->message);
	error->message = g_steal_pointer(&message);
}

/* the chip's contents read for the backup (1 MiB on an F405) are on disk: a job kept for its
 * report does not hold them in memory after its run */
static void
ub_flash_job_release_data(UbFlashJob *self)
{
	self->backup_interrupted =
	    self->backup != NULL &&
	    ub_flash_backup_get_state(self->backup) == UB_FLASH_BACKUP_STATE_INTERRUPTED;
	g_clear_object(&self->backup);
	g_clear_pointer(&self->backup_data, g_bytes_unref);
}

gboolean
ub_flash_job_run(UbFlashJob *self, UbProgress *progress, GCancellable *cancellable, GError **error)
{
	g_autoptr(UbProgress) own = NULL;
	g_autoptr(UbFlashStm32f4) flash = NULL;
	g_autoptr(GError) error_local = NULL;

	g_return_val_if_fail(UB_IS_FLASH_JOB(self), FALSE);
	if (progress == NULL)
		progress = own = ub_progress_new();
	self->stage = UB_FLASH_JOB_STAGE_NOT_STARTED;
	g_clear_pointer(&self->backup_path, g_free);
	g_clear_pointer(&self->backup_data, g_bytes_unref);
	g_clear_pointer(&self->original_backup, g_free);
	g_clear_pointer(&self->restore_source, g_free);
	g_clear_object(&self->backup);
	self->backup_interrupted = FALSE;
	g_clear_object(&self->journal);
	g_clear_object(&self->previous);
	g_clear_pointer(&self->restart_error, g_free);
	g_clear_pointer(&self->journal_error, g_free);
	if (ub_flash_job_run_inner(self, &flash, progress, cancellable, &error_local)) {
		g_autoptr(GError) error_journal = NULL;

		ub_flash_stm32f4_set_event_func(flash, NULL, NULL);
		ub_flash_stm32f4_get_stats(flash, &self->stats);
		/* the chip is in a verified state: nothing is left to finish or to undo */
		if (self->kind != UB_FLASH_JOB_KIND_BACKUP &&
		    self->kind != UB_FLASH_JOB_KIND_VERIFY) {
			UbFlashJournal *open = self->journal != NULL ? self->journal : self->previous;
			if (open != NULL && !ub_flash_journal_remove(open, &error_journal))
				g_warning("%s", error_journal->message);
		}
		ub_flash_job_release_data(self);
		ub_progress_finished(progress);
		return TRUE;
	}
	if (flash != NULL) {
		/* leave no loader running: stop it at the next command boundary */
		ub_flash_stm32f4_abort(flash);
		ub_flash_stm32f4_set_event_func(flash, NULL, NULL);
		ub_flash_stm32f4_get_stats(flash, &self->stats);
	}
	ub_flash_job_diagnose(self, &error_local);
	if (self->journal != NULL) {
		g_autoptr(GError) error_journal = NULL;
		ub_flash_journal_set_error(self->journal, error_local->message);
		if (!ub_flash_journal_write(self->journal, TRUE, &error_journal))
			g_debug("journal: %s", error_journal->message);
	}
	ub_flash_job_explain(self, error_local);
	ub_flash_job_release_data(self);
	g_propagate_error(error, g_steal_pointer(&error_local));
	return FALSE;
}

static gpointer
ub_flash_job_thread(UbDevice *device, gpointer job_data, UbProgress *progress,
                    GCancellable *cancellable, GError **error)
{
	UbFlashJob *self = UB_FLASH_JOB(job_data);

	if (!ub_flash_job_run(self, progress, cancellable, error))
		return NULL;
	return g_object_ref(self);
}

static void
ub_flash_job_run_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	g_autoptr(UbFlashJob) done = NULL;
	GError *error = NULL;

	done = ub_device_run_job_finish(UB_DEVICE(source), result, &error);
	if (done == NULL)
		g_task_return_error(task, error);
	else
		g_task_return_boolean(task, TRUE);
}

void
ub_flash_job_run_async(UbFlashJob *self, UbProgress *progress, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
	GTask *task;

	g_return_if_fail(UB_IS_FLASH_JOB(self));
	g_return_if_fail(!self->running);
	self->running = TRUE;
	/* the caller's callback sees the job as its source object, not the device */
	task = g_task_new(self, cancellable, callback, user_data);
	g_task_set_source_tag(task, ub_flash_job_run_async);
	ub_device_run_job_async(self->device, ub_flash_job_thread, g_object_ref(self),
	                        g_object_unref, g_object_unref, progress, cancellable,
	                        ub_flash_job_run_done_cb, task);
}

gboolean
ub_flash_job_run_finish(UbFlashJob *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(UB_IS_FLASH_JOB(self), FALSE);
	g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
	self->running = FALSE;
	return g_task_propagate_boolean(G_TASK(result), error);
}

JsonNode *
ub_flash_job_to_json(UbFlashJob *self)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	g_return_val_if_fail(UB_IS_FLASH_JOB(self), NULL);
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "command");
	json_builder_add_string_value(builder, ub_flash_job_kind_to_string(self->kind));
	json_builder_set_member_name(builder, "stage");
	json_builder_add_string_value(builder, ub_flash_job_stage_to_string(self->stage));
	if (self->chip_id != NULL) {
		json_builder_set_member_name(builder, "chip");
		json_builder_add_string_value(builder, self->chip_id);
	}
	if (self->uid != NULL) {
		json_builder_set_member_name(builder, "uid");
		json_builder_add_string_value(builder, self->uid);
	}
	if (self->backup_path != NULL) {
		json_builder_set_member_name(builder, "backup");
		json_builder_add_string_value(builder, self->backup_path);
	}
	if (self->stage != UB_FLASH_JOB_STAGE_NOT_STARTED) {
		guint8 rdp = (self->optcr >> 8) & 0xff;
		/* as read when the job started */
		json_builder_set_member_name(builder, "option_bytes");
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "rdp_level");
		json_builder_add_int_value(builder, rdp == 0xaa ? 0 : (rdp == 0xcc ? 2 : 1));
		json_builder_set_member_name(builder, "nwrp");
		json_builder_add_int_value(builder, (self->optcr >> 16) & 0xfff);
		json_builder_set_member_name(builder, "bor_level");
		json_builder_add_int_value(builder, (self->optcr >> 2) & 0x3);
		json_builder_end_object(builder);
	}
	json_builder_set_member_name(builder, "parallelism");
	json_builder_add_int_value(builder, 8 << self->psize);
	json_builder_set_member_name(builder, "config_kept");
	json_builder_add_boolean_value(builder, self->config_kept);
	json_builder_set_member_name(builder, "sectors_erased");
	json_builder_begin_array(builder);
	for (guint i = 0; i < self->erased->len; i++)
		json_builder_add_int_value(builder, g_array_index(self->erased, guint, i));
	json_builder_end_array(builder);
	json_builder_set_member_name(builder, "sectors_unchanged");
	json_builder_add_int_value(builder, self->unchanged);
	json_builder_set_member_name(builder, "bytes_programmed");
	json_builder_add_int_value(builder, (gint64)self->stats.bytes_programmed);
	json_builder_set_member_name(builder, "bytes_read");
	json_builder_add_int_value(builder, (gint64)self->stats.bytes_read);
	json_builder_set_member_name(builder, "bytes_found_erased");
	json_builder_add_int_value(builder, (gint64)self->stats.bytes_blank);
	json_builder_set_member_name(builder, "loader");
	json_builder_add_string_value(builder, self->stats.stub_failed ? "failed, direct writes"
	                                       : self->stats.used_stub ? "used"
	                                                               : "not used");
	if (self->stats.swd_khz != 0) {
		json_builder_set_member_name(builder, "swd_khz");
		json_builder_add_int_value(builder, self->stats.swd_khz);
		json_builder_set_member_name(builder, "swd_fallbacks");
		json_builder_add_int_value(builder, self->stats.swd_fallbacks);
	}
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

static void
ub_flash_job_finalize(GObject *object)
{
	UbFlashJob *self = UB_FLASH_JOB(object);

	g_clear_object(&self->device);
	g_clear_object(&self->image);
	g_free(self->backup_file);
	g_free(self->backup_dir);
	g_free(self->journal_dir);
	g_strfreev(self->board_hw_names);
	g_array_unref(self->sectors);
	g_clear_object(&self->backup);
	g_free(self->original_backup);
	g_free(self->restore_source);
	g_clear_object(&self->previous);
	g_clear_object(&self->journal);
	g_array_unref(self->program_ends);
	g_free(self->restart_error);
	g_free(self->journal_error);
	g_free(self->backup_path);
	g_clear_pointer(&self->backup_data, g_bytes_unref);
	g_free(self->chip_id);
	g_free(self->uid);
	g_array_unref(self->erased);
	G_OBJECT_CLASS(ub_flash_job_parent_class)->finalize(object);
}

static void
ub_flash_job_class_init(UbFlashJobClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_flash_job_finalize;
}

static void
ub_flash_job_init(UbFlashJob *self)
{
	self->sectors = g_array_new(FALSE, FALSE, sizeof(guint));
	self->erased = g_array_new(FALSE, FALSE, sizeof(guint));
	self->program_ends = g_array_new(FALSE, FALSE, sizeof(guint32));
}
