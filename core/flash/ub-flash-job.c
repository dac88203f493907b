/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-flash-job.h"
#include "ub-flash-plan.h"
#include "ub-image-bin.h"

struct _UbFlashJob {
	GObject parent_instance;
	UbDevice *device;
	UbFlashJobKind kind;
	UbFlashJobFlags flags;
	UbImage *image;
	char *backup_file;
	char *backup_dir;
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
	guint32 backup_base;
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
	data = ub_flash_stm32f4_read(flash, base, size, ub_progress_get_child(progress),
	                             cancellable, error);
	if (data == NULL) {
		g_prefix_error(error, "backup: ");
		return FALSE;
	}
	ub_progress_step_done(progress);
	/* the chip's own CRC of what was read; erased blocks were already checked on chip */
	ub_flash_job_add_used_blocks(whole, base, data);
	if (!ub_flash_stm32f4_verify(flash, whole, ub_progress_get_child(progress), cancellable,
	                             error)) {
		g_prefix_error(error, "backup read differs from the chip: ");
		return FALSE;
	}
	ub_progress_step_done(progress);

	backup = ub_flash_backup_new(self->chip_id, self->uid, base, data, self->optcr);
	if (path == NULL)
		path = automatic = ub_flash_backup_build_path(self->backup_dir, backup);
	if (!ub_flash_backup_save(backup, path, error))
		return FALSE;
	g_free(self->backup_path);
	self->backup_path = g_strdup(path);
	g_clear_pointer(&self->backup_data, g_bytes_unref);
	self->backup_data = g_bytes_ref(data);
	self->backup_base = base;
	self->stage = UB_FLASH_JOB_STAGE_BACKED_UP;
	return TRUE;
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
 * one (free), else by the chip's CRC unit and a blank check on chip. A rerun after a failure
 * then redoes only what is missing, and an erased sector is not erased again. */
static gboolean
ub_flash_job_survey(UbFlashJob *self, UbFlashStm32f4 *flash, GPtrArray *expected,
                    UbFlashHolds *holds, GCancellable *cancellable, GError **error)
{
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

/* @held: the chip holds every sector of @plan already (by its CRC unit); then nothing will
 * be erased, and a backup would only read the chip for nothing */
static gboolean
ub_flash_job_plan_held(UbFlashStm32f4 *flash, UbFlashPlan *plan, gboolean *held,
                       GCancellable *cancellable, GError **error)
{
	GPtrArray *expected = ub_flash_plan_get_expected(plan);
	g_autofree UbFlashHolds *holds = g_new0(UbFlashHolds, MAX(expected->len, 1));

	*held = FALSE;
	if (!ub_flash_stm32f4_survey(flash, expected, holds, cancellable, error))
		return FALSE;
	*held = TRUE;
	for (guint i = 0; i < expected->len; i++)
		*held = *held && holds[i] == UB_FLASH_HOLDS_SAME;
	return TRUE;
}

/* erase, program, verify a plan; steps in @progress: write (erase + program), verify */
static gboolean
ub_flash_job_write_plan(UbFlashJob *self, UbFlashStm32f4 *flash, UbFlashPlan *plan,
                        UbProgress *progress, GCancellable *cancellable, GError **error)
{
	guint n = 0;
	const guint *sectors = ub_flash_plan_get_sectors(plan, &n);
	GPtrArray *expected = ub_flash_plan_get_expected(plan);
	g_autofree UbFlashHolds *holds = g_new0(UbFlashHolds, MAX(n, 1));
	g_autoptr(GPtrArray) program =
	        g_ptr_array_new_with_free_func((GDestroyNotify)ub_image_chunk_unref);

	if (!ub_flash_job_check_write_protection(self, sectors, n, error))
		return FALSE;
	if (!ub_flash_job_survey(self, flash, expected, holds, cancellable, error))
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
		if (holds[i] != UB_FLASH_HOLDS_ERASED)
			g_array_append_val(self->erased, sectors[i]);
		g_ptr_array_add(program, ub_image_chunk_ref(g_ptr_array_index(expected, i)));
	}
	self->config_kept = ub_flash_plan_get_config_kept(plan);
	self->stage = UB_FLASH_JOB_STAGE_CHANGING;
	if (!ub_flash_stm32f4_program(flash, program, (const guint *)self->erased->data,
	                              self->erased->len, ub_progress_get_child(progress),
	                              cancellable, error))
		return FALSE;
	ub_progress_step_done(progress);
	self->stage = UB_FLASH_JOB_STAGE_WRITTEN;
	if (!ub_flash_stm32f4_verify(flash, expected, ub_progress_get_child(progress), cancellable,
	                             error)) {
		g_prefix_error(error, "verify: ");
		return FALSE;
	}
	ub_progress_step_done(progress);
	return TRUE;
}

static gboolean
ub_flash_job_finish_target(UbFlashJob *self, UbFlashStm32f4 *flash, GCancellable *cancellable,
                           GError **error)
{
	UbTarget *target = ub_device_get_target(self->device);

	if (!ub_flash_stm32f4_finish(flash, cancellable, error))
		return FALSE;
	if (self->flags & UB_FLASH_JOB_FLAG_NO_RESET)
		return TRUE;
	/* start what is on the chip now, as a power cycle would */
	return ub_target_reset(target, UB_RESET_SYSRESETREQ, FALSE, error);
}

static UbImage *
ub_flash_job_image_from_backup(UbFlashBackup *backup)
{
	UbImage *image = g_object_new(UB_TYPE_IMAGE_BIN, NULL);
	ub_image_add_bytes(image, ub_flash_backup_get_base(backup),
	                   ub_flash_backup_get_data(backup));
	return image;
}

static gboolean
ub_flash_job_run_inner(UbFlashJob *self, UbFlashStm32f4 **flash_out, UbProgress *progress,
                       GCancellable *cancellable, GError **error)
{
	g_autoptr(UbTargetInfo) info = NULL;
	g_autoptr(UbFlashStm32f4) flash = NULL;
	g_autoptr(UbFlashPlan) plan = NULL;
	g_autoptr(UbFlashBackup) restore = NULL;
	g_autoptr(UbImage) restore_image = NULL;
	gboolean backup = (self->flags & UB_FLASH_JOB_FLAG_NO_BACKUP) == 0;
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
	if (self->kind == UB_FLASH_JOB_KIND_RESTORE) {
		if (self->backup_file == NULL) {
			g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			                    "no backup given");
			return FALSE;
		}
		restore = ub_flash_backup_load(self->backup_file, error);
		if (restore == NULL)
			return FALSE;
		restore_image = ub_flash_job_image_from_backup(restore);
	}

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
		ub_progress_add_step(progress, UB_STATUS_ERASE, 95, "unlock");
		break;
	case UB_FLASH_JOB_KIND_FLASH:
	case UB_FLASH_JOB_KIND_RESTORE:
	case UB_FLASH_JOB_KIND_ERASE:
	default:
		/* weights from the modelled time of a VESC image (bench/bench-flash.c) */
		ub_progress_add_step(progress, UB_STATUS_CONNECT, 2, "connect");
		if (backup)
			ub_progress_add_step(progress, UB_STATUS_BACKUP, 35, "backup");
		ub_progress_add_step(progress, UB_STATUS_WRITE, 58, "write");
		ub_progress_add_step(progress, UB_STATUS_VERIFY, 5, "verify");
		break;
	}

	flash = ub_flash_job_open_flash(self, &info, cancellable, error);
	if (flash == NULL)
		return FALSE;
	*flash_out = g_object_ref(flash);
	if (self->kind != UB_FLASH_JOB_KIND_UNLOCK && !ub_flash_job_check_rdp(info, error))
		return FALSE;
	ub_progress_step_done(progress);
	map = ub_flash_stm32f4_get_sectors(flash, &n_map);

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

	case UB_FLASH_JOB_KIND_UNLOCK: {
		UbFlashOptionBytes ob = {0};
		gboolean erase_all = (self->flags & UB_FLASH_JOB_FLAG_ERASE_ALL_CONSENT) != 0;

		if (!ub_flash_stm32f4_read_option_bytes(flash, &ob, error))
			return FALSE;
		if (ob.rdp != UB_STM32F4_RDP_LEVEL0) {
			self->stage = UB_FLASH_JOB_STAGE_CHANGING;
			if (!ub_flash_stm32f4_remove_read_protection(flash, erase_all, cancellable,
			                                             error))
				return FALSE;
		}
		if (ob.nwrp != 0xfff) {
			self->stage = UB_FLASH_JOB_STAGE_CHANGING;
			if (!ub_flash_stm32f4_clear_write_protection(flash, cancellable, error))
				return FALSE;
		}
		ub_progress_step_done(progress);
		if (!ub_flash_stm32f4_finish(flash, cancellable, error))
			return FALSE;
		/* new option bytes are loaded by a reset (RM0090 §3.7) */
		if (!ub_target_reset(ub_device_get_target(self->device), UB_RESET_SYSRESETREQ,
		                     (self->flags & UB_FLASH_JOB_FLAG_NO_RESET) != 0, error))
			return FALSE;
		ub_target_set_disconnected(ub_device_get_target(self->device));
		self->stage = UB_FLASH_JOB_STAGE_DONE;
		return TRUE;
	}

	case UB_FLASH_JOB_KIND_ERASE: {
		g_autoptr(GPtrArray) blank =
		        g_ptr_array_new_with_free_func((GDestroyNotify)ub_image_chunk_unref);
		gboolean mass = (self->flags & UB_FLASH_JOB_FLAG_MASS_ERASE) != 0;
		gboolean wipe = (self->flags & UB_FLASH_JOB_FLAG_WIPE_CONFIG) != 0;

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
				g_set_error(error, UB_TARGET_ERROR,
				            UB_TARGET_ERROR_INVALID_ARGUMENT,
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
		self->stage = UB_FLASH_JOB_STAGE_CHANGING;
		if (mass) {
			if (!ub_flash_stm32f4_mass_erase(flash, ub_progress_get_child(progress),
			                                 cancellable, error))
				return FALSE;
		} else if (!ub_flash_stm32f4_erase_sectors(
		                   flash, (const guint *)self->erased->data, self->erased->len,
		                   ub_progress_get_child(progress), cancellable, error)) {
			return FALSE;
		}
		ub_progress_step_done(progress);
		self->stage = UB_FLASH_JOB_STAGE_WRITTEN;
		if (!ub_flash_stm32f4_verify(flash, blank, ub_progress_get_child(progress),
		                             cancellable, error)) {
			g_prefix_error(error, "erase check: ");
			return FALSE;
		}
		ub_progress_step_done(progress);
		self->stage = UB_FLASH_JOB_STAGE_DONE;
		return ub_flash_job_finish_target(self, flash, cancellable, error);
	}

	case UB_FLASH_JOB_KIND_RESTORE:
	case UB_FLASH_JOB_KIND_FLASH:
	default:
		if (restore != NULL &&
		    g_strcmp0(ub_flash_backup_get_chip_id(restore), self->chip_id) != 0) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_MCU,
			            "the backup is of a %s, this chip is a %s",
			            ub_flash_backup_get_chip_id(restore), self->chip_id);
			return FALSE;
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
			gboolean held = FALSE;
			if (!ub_flash_job_plan_held(flash, plan, &held, cancellable, error))
				return FALSE;
			if (!held && !ub_flash_job_backup(self, flash, NULL,
			                                  ub_progress_get_child(progress),
			                                  cancellable, error))
				return FALSE;
			ub_progress_step_done(progress);
		}
		if (!ub_flash_job_write_plan(self, flash, plan, progress, cancellable, error))
			return FALSE;
		self->stage = UB_FLASH_JOB_STAGE_DONE;
		return ub_flash_job_finish_target(self, flash, cancellable, error);
	}
}

/* appends where the chip stands to a failure's message */
static void
ub_flash_job_explain(UbFlashJob *self, GError *error)
{
	const char *state;
	g_autofree char *message = NULL;

	switch (self->stage) {
	case UB_FLASH_JOB_STAGE_CHANGING:
		state = "the chip is partly erased or written and may not start; running the same "
		        "command again completes it";
		break;
	case UB_FLASH_JOB_STAGE_WRITTEN:
		state = "the chip is written but not verified; running the same command again "
		        "completes it";
		break;
	case UB_FLASH_JOB_STAGE_DONE:
		state = "the chip holds the verified result";
		break;
	case UB_FLASH_JOB_STAGE_NOT_STARTED:
	case UB_FLASH_JOB_STAGE_CONNECTED:
	case UB_FLASH_JOB_STAGE_BACKED_UP:
	default:
		state = "nothing on the chip was changed";
		break;
	}
	if (self->backup_path != NULL)
		message = g_strdup_printf("%s (%s; backup: %s)", error->message, state,
		                          self->backup_path);
	else
		message = g_strdup_printf("%s (%s)", error->message, state);
	g_free(error->message);
	error->message = g_steal_pointer(&message);
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
	if (ub_flash_job_run_inner(self, &flash, progress, cancellable, &error_local)) {
		ub_flash_stm32f4_get_stats(flash, &self->stats);
		ub_progress_finished(progress);
		return TRUE;
	}
	if (flash != NULL) {
		/* leave no loader running: stop it at the next command boundary */
		ub_flash_stm32f4_abort(flash);
		ub_flash_stm32f4_get_stats(flash, &self->stats);
	}
	ub_flash_job_explain(self, error_local);
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
	g_array_unref(self->sectors);
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
}
