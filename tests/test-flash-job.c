/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbFlashJob through UbDevice on the simulated FOCBOX (core/sim/): the same async API the
 * wizard and the CLI use, real VESC images from tests/data/firmware.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-error.h"
#include "ub-firmware-demo.h"
#include "ub-flash-job.h"
#include "ub-flash-plan.h"
#include "ub-image-loader.h"
#include "ub-sim-board.h"
#include "ub-sim-link.h"
#include "ub-sim-mcu.h"
#include "ub-transport-sim.h"
#include "ub-test-firmware.h"
#include "ub-test-files.h"

#define FW_502 "vesc-fw-5.02-410_o_411_o_412-VESC_default.bin"
#define FW_355 "vesc-fw-3.55-410_o_411_o_412-VESC_default.bin"
#define FW_605 "vesc-fw-6.05-410_o_411_o_412-VESC_default.bin"

typedef struct {
	UbDevice *device;
	UbSimBoard *board;
	char *dir;
	GMainLoop *loop;
	GAsyncResult *result;
} Fixture;

static char *
firmware_path(const char *name)
{
	return ub_test_firmware_path(name);
}

static void
fixture_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Fixture *fixture = user_data;
	g_set_object(&fixture->result, result);
	g_main_loop_quit(fixture->loop);
}

static GAsyncResult *
fixture_wait(Fixture *fixture)
{
	g_clear_object(&fixture->result);
	g_main_loop_run(fixture->loop);
	return fixture->result;
}

static void
fixture_setup_bench(Fixture *fixture, const char *bench)
{
	g_autoptr(GError) error = NULL;

	fixture->loop = g_main_loop_new(NULL, FALSE);
	fixture->dir = g_dir_make_tmp("ub-flash-job-XXXXXX", &error);
	g_assert_no_error(error);
	fixture->device = ub_sim_device_new(bench, NULL);
	ub_device_open_async(fixture->device, NULL, fixture_cb, fixture);
	g_assert_true(ub_device_open_finish(fixture->device, fixture_wait(fixture), &error));
	g_assert_no_error(error);
	fixture->board = ub_sim_board_from_device(fixture->device);
	g_assert_nonnull(fixture->board);
}

static void
fixture_setup(Fixture *fixture, gconstpointer data)
{
	fixture_setup_bench(fixture, "focbox");
}

static void
fixture_teardown(Fixture *fixture, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	ub_device_close_async(fixture->device, NULL, fixture_cb, fixture);
	if (!ub_device_close_finish(fixture->device, fixture_wait(fixture), &error))
		g_debug("close: %s", error->message);
	g_clear_object(&fixture->result);
	g_clear_object(&fixture->device);
	ub_test_remove_tree(fixture->dir);
	g_free(fixture->dir);
	g_main_loop_unref(fixture->loop);
}

static gboolean
fixture_run(Fixture *fixture, UbFlashJob *job, GError **error)
{
	g_autoptr(UbProgress) progress = ub_progress_new();

	g_autofree char *jobs = g_build_filename(fixture->dir, "jobs", NULL);

	ub_flash_job_set_backup_dir(job, fixture->dir);
	ub_flash_job_set_journal_dir(job, jobs);
	ub_flash_job_run_async(job, progress, NULL, fixture_cb, fixture);
	if (!ub_flash_job_run_finish(job, fixture_wait(fixture), error)) {
		g_test_message("job failed: %s", (*error)->message);
		return FALSE;
	}
	/* a finished job's bar is full */
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 100);
	return TRUE;
}

static GBytes *
fixture_dump(Fixture *fixture)
{
	return ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(fixture->board));
}

static void
fixture_load(Fixture *fixture, guint32 address, const guint8 *data, gsize len)
{
	g_autoptr(GBytes) bytes = g_bytes_new(data, len);
	g_autoptr(GError) error = NULL;

	g_assert_true(ub_sim_mcu_load_flash(ub_sim_board_get_mcu(fixture->board), address, bytes,
	                                    &error));
	g_assert_no_error(error);
}

/* the board's settings: something that is neither erased nor zeroed */
static void
fixture_load_config(Fixture *fixture, guint8 *pattern)
{
	for (guint i = 0; i < 0x8000; i++)
		pattern[i] = (guint8)(i * 31 + 7);
	fixture_load(fixture, UB_FLASH_VESC_CONFIG_START, pattern, 0x8000);
}

/* flashing a VESC image keeps sectors 1–2 and leaves a backup of what was there */
static void
test_job_flash_keeps_config(Fixture *fixture, gconstpointer data)
{
	g_autofree char *old = firmware_path(FW_355);
	g_autofree char *path = firmware_path(FW_502);
	g_autofree guint8 *pattern = g_malloc(0x8000);
	g_autoptr(UbImage) image = NULL;
	g_autoptr(UbFlashJob) job = NULL;
	g_autoptr(GBytes) before = NULL;
	g_autoptr(GBytes) after = NULL;
	g_autoptr(GBytes) file = NULL;
	g_autoptr(GFile) gfile = NULL;
	g_autoptr(UbFlashBackup) backup = NULL;
	g_autoptr(GError) error = NULL;
	const guint8 *flash;
	const guint8 *want;
	gsize size = 0;

	g_assert_true(ub_sim_board_load_flash_file(fixture->board, old, &error));
	g_assert_no_error(error);
	fixture_load_config(fixture, pattern);
	before = fixture_dump(fixture);

	image = ub_image_new_from_file(path, 0x08000000, &error);
	g_assert_no_error(error);
	job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	ub_flash_job_set_image(job, image);
	g_assert_true(fixture_run(fixture, job, &error));
	g_assert_no_error(error);
	g_assert_cmpint(ub_flash_job_get_stage(job), ==, UB_FLASH_JOB_STAGE_DONE);

	after = fixture_dump(fixture);
	flash = g_bytes_get_data(after, NULL);
	gfile = g_file_new_for_path(path);
	file = g_file_load_bytes(gfile, NULL, NULL, &error);
	g_assert_no_error(error);
	want = g_bytes_get_data(file, &size);
	/* sector 0 and 3.. hold the new image, 1–2 the old settings */
	g_assert_cmpmem(flash, 0x4000, want, 0x4000);
	g_assert_cmpmem(flash + 0x4000, 0x8000, pattern, 0x8000);
	g_assert_cmpmem(flash + 0xc000, size - 0xc000, want + 0xc000, size - 0xc000);
	/* past the image, sector 6 reads erased (the old CRC flag is gone) */
	for (gsize i = size; i < 0x60000; i++)
		g_assert_cmpuint(flash[i], ==, 0xff);

	/* the backup holds the chip as it was */
	g_assert_nonnull(ub_flash_job_get_backup_path(job));
	backup = ub_flash_backup_load(ub_flash_job_get_backup_path(job), &error);
	g_assert_no_error(error);
	g_assert_true(g_bytes_equal(ub_flash_backup_get_data(backup), before));
}

/* --wipe-config writes the image's gap bytes over sectors 1–2 */
static void
test_job_flash_wipe_config(Fixture *fixture, gconstpointer data)
{
	g_autofree char *path = firmware_path(FW_605);
	g_autofree guint8 *pattern = g_malloc(0x8000);
	g_autoptr(UbImage) image = NULL;
	g_autoptr(UbFlashJob) job = NULL;
	g_autoptr(GBytes) after = NULL;
	g_autoptr(GError) error = NULL;
	const guint8 *flash;

	fixture_load_config(fixture, pattern);
	image = ub_image_new_from_file(path, 0x08000000, &error);
	g_assert_no_error(error);
	job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	ub_flash_job_set_image(job, image);
	ub_flash_job_set_flags(job, UB_FLASH_JOB_FLAG_WIPE_CONFIG | UB_FLASH_JOB_FLAG_NO_BACKUP);
	g_assert_true(fixture_run(fixture, job, &error));
	g_assert_no_error(error);
	g_assert_null(ub_flash_job_get_backup_path(job));
	after = fixture_dump(fixture);
	flash = g_bytes_get_data(after, NULL);
	/* 6.x images fill the gap with 0x00 (boards-and-firmware.md §4.2) */
	for (guint i = 0x4000; i < 0xc000; i++)
		g_assert_cmpuint(flash[i], ==, 0x00);
}

/* backup FILE, flash something else over everything, restore FILE: the same chip again */
static void
test_job_backup_restore(Fixture *fixture, gconstpointer data)
{
	g_autofree char *old = firmware_path(FW_502);
	g_autofree char *other = firmware_path(FW_605);
	g_autofree char *file = g_build_filename(fixture->dir, "mine.bin", NULL);
	g_autofree guint8 *pattern = g_malloc(0x8000);
	g_autoptr(UbFlashJob) backup = NULL;
	g_autoptr(UbFlashJob) flash = NULL;
	g_autoptr(UbFlashJob) restore = NULL;
	g_autoptr(UbImage) image = NULL;
	g_autoptr(GBytes) original = NULL;
	g_autoptr(GBytes) changed = NULL;
	g_autoptr(GBytes) restored = NULL;
	g_autoptr(GError) error = NULL;
	guint8 boot[64];

	g_assert_true(ub_sim_board_load_flash_file(fixture->board, old, &error));
	g_assert_no_error(error);
	fixture_load_config(fixture, pattern);
	memset(boot, 0x5a, sizeof(boot));
	fixture_load(fixture, 0x080e0000, boot, sizeof(boot));
	original = fixture_dump(fixture);

	backup = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_BACKUP);
	ub_flash_job_set_backup_file(backup, file);
	g_assert_true(fixture_run(fixture, backup, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(ub_flash_job_get_backup_path(backup), ==, file);

	image = ub_image_new_from_file(other, 0x08000000, &error);
	g_assert_no_error(error);
	flash = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	ub_flash_job_set_image(flash, image);
	ub_flash_job_set_flags(flash, UB_FLASH_JOB_FLAG_WIPE_CONFIG);
	g_assert_true(fixture_run(fixture, flash, &error));
	g_assert_no_error(error);
	changed = fixture_dump(fixture);
	g_assert_false(g_bytes_equal(changed, original));

	restore = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_RESTORE);
	ub_flash_job_set_backup_file(restore, file);
	ub_flash_job_set_flags(restore, UB_FLASH_JOB_FLAG_WIPE_CONFIG);
	g_assert_true(fixture_run(fixture, restore, &error));
	g_assert_no_error(error);
	restored = fixture_dump(fixture);
	g_assert_true(g_bytes_equal(restored, original));
	/* the restore made its own backup of what it replaced first */
	g_assert_nonnull(ub_flash_job_get_backup_path(restore));
	g_assert_cmpstr(ub_flash_job_get_backup_path(restore), !=, file);
}

/* a write-protected sector stops the job before anything is erased */
static void
test_job_write_protected(Fixture *fixture, gconstpointer data)
{
	g_autofree char *path = firmware_path(FW_502);
	g_autoptr(UbImage) image = NULL;
	g_autoptr(UbFlashJob) job = NULL;
	g_autoptr(UbFlashJob) unlock = NULL;
	g_autoptr(GBytes) before = NULL;
	g_autoptr(GBytes) after = NULL;
	g_autoptr(GError) error = NULL;
	UbSimMcu *mcu = ub_sim_board_get_mcu(fixture->board);

	/* nWRP bit 5 clear; applied at the next reset, as on the chip */
	ub_sim_mcu_set_option_bytes(mcu, ub_sim_mcu_get_option_bytes(mcu) & ~(1u << (16 + 5)));
	ub_sim_mcu_set_powered(mcu, FALSE);
	ub_sim_mcu_set_powered(mcu, TRUE);
	before = fixture_dump(fixture);
	image = ub_image_new_from_file(path, 0x08000000, &error);
	g_assert_no_error(error);
	job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	ub_flash_job_set_image(job, image);
	ub_flash_job_set_flags(job, UB_FLASH_JOB_FLAG_NO_BACKUP);
	g_assert_false(fixture_run(fixture, job, &error));
	g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_WRITE_PROTECTED);
	g_assert_nonnull(strstr(error->message, "sector 5"));
	g_assert_nonnull(strstr(error->message, "nothing on the chip was changed"));
	g_clear_error(&error);
	after = fixture_dump(fixture);
	g_assert_true(g_bytes_equal(before, after));

	/* unlock clears it; the same flash then goes through */
	unlock = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_UNLOCK);
	g_assert_true(fixture_run(fixture, unlock, &error));
	g_assert_no_error(error);
	g_clear_object(&job);
	job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	ub_flash_job_set_image(job, image);
	ub_flash_job_set_flags(job, UB_FLASH_JOB_FLAG_NO_BACKUP);
	g_assert_true(fixture_run(fixture, job, &error));
	g_assert_no_error(error);
}

/* RDP level 1: flash is refused; unlock without consent is refused; with it the chip is
 * erased and open again */
static void
test_job_rdp_regression(Fixture *fixture, gconstpointer data)
{
	g_autoptr(UbFlashJob) backup = NULL;
	g_autoptr(UbFlashJob) unlock = NULL;
	g_autoptr(UbFlashJob) consent = NULL;
	g_autoptr(GBytes) after = NULL;
	g_autoptr(GError) error = NULL;
	UbSimMcu *mcu = ub_sim_board_get_mcu(fixture->board);
	guint8 code[256];
	const guint8 *flash;

	memset(code, 0x42, sizeof(code));
	fixture_load(fixture, 0x08000000, code, sizeof(code));
	ub_sim_mcu_set_option_bytes(mcu, (ub_sim_mcu_get_option_bytes(mcu) & ~0xff00u) | 0x5500u);
	ub_sim_mcu_set_powered(mcu, FALSE);
	ub_sim_mcu_set_powered(mcu, TRUE);

	backup = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_BACKUP);
	ub_flash_job_set_backup_file(backup, "unused.bin");
	g_assert_false(fixture_run(fixture, backup, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_READ_PROTECTED);
	g_clear_error(&error);

	unlock = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_UNLOCK);
	g_assert_false(fixture_run(fixture, unlock, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_READ_PROTECTED);
	g_clear_error(&error);

	consent = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_UNLOCK);
	ub_flash_job_set_flags(consent, UB_FLASH_JOB_FLAG_ERASE_ALL_CONSENT);
	g_assert_true(fixture_run(fixture, consent, &error));
	g_assert_no_error(error);
	g_assert_cmphex((ub_sim_mcu_get_option_bytes(mcu) >> 8) & 0xff, ==, 0xaa);
	after = fixture_dump(fixture);
	flash = g_bytes_get_data(after, NULL);
	for (guint i = 0; i < sizeof(code); i++)
		g_assert_cmpuint(flash[i], ==, 0xff);
}

/* erase: every sector but the settings, by default; each checked erased */
static void
test_job_erase(Fixture *fixture, gconstpointer data)
{
	g_autofree guint8 *pattern = g_malloc(0x8000);
	g_autoptr(UbFlashJob) job = NULL;
	g_autoptr(GBytes) after = NULL;
	g_autoptr(GError) error = NULL;
	guint8 code[256];
	const guint8 *flash;

	memset(code, 0x42, sizeof(code));
	fixture_load(fixture, 0x08000000, code, sizeof(code));
	fixture_load(fixture, 0x080e0000, code, sizeof(code));
	fixture_load_config(fixture, pattern);
	job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_ERASE);
	g_assert_true(fixture_run(fixture, job, &error));
	g_assert_no_error(error);
	after = fixture_dump(fixture);
	flash = g_bytes_get_data(after, NULL);
	g_assert_cmpuint(flash[0], ==, 0xff);
	g_assert_cmpuint(flash[0xe0000], ==, 0xff);
	g_assert_cmpmem(flash + 0x4000, 0x8000, pattern, 0x8000);
	g_assert_nonnull(ub_flash_job_get_backup_path(job));
}

/* flashing what the chip already holds erases nothing and still verifies everything */
static void
test_job_same_image_twice(Fixture *fixture, gconstpointer data)
{
	g_autofree char *path = firmware_path(FW_502);
	g_autoptr(UbImage) image = NULL;
	g_autoptr(GError) error = NULL;

	image = ub_image_new_from_file(path, 0x08000000, &error);
	g_assert_no_error(error);
	for (guint run = 0; run < 3; run++) {
		g_autoptr(UbFlashJob) job =
		        ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
		g_autoptr(JsonNode) node = NULL;
		JsonObject *report;
		UbSimMcuStats before = {0};
		UbSimMcuStats after = {0};
		UbFlashStats stats = {0};

		ub_flash_job_set_image(job, image);
		/* runs 1 and 2 compare on chip, with and without a backup asked for */
		ub_flash_job_set_flags(job, run == 2 ? UB_FLASH_JOB_FLAG_NO_BACKUP
		                                     : UB_FLASH_JOB_FLAG_NONE);
		ub_sim_mcu_get_stats(ub_sim_board_get_mcu(fixture->board), &before);
		g_assert_true(fixture_run(fixture, job, &error));
		g_assert_no_error(error);
		ub_sim_mcu_get_stats(ub_sim_board_get_mcu(fixture->board), &after);
		node = ub_flash_job_to_json(job);
		report = json_node_get_object(node);
		/* clean short wires: the link test keeps the ST-LINK/V2's fastest clock */
		g_assert_cmpint(json_object_get_int_member(report, "swd_khz"), ==, 4000);
		if (run == 0) {
			g_assert_nonnull(ub_flash_job_get_backup_path(job));
			continue;
		}
		/* nothing is erased, so nothing is backed up: the chip's CRC said so */
		g_assert_null(ub_flash_job_get_backup_path(job));
		ub_flash_job_get_stats(job, &stats);
		g_assert_cmpuint(stats.bytes_read, ==, 0);
		g_assert_cmpint(json_object_get_int_member(report, "sectors_unchanged"), ==, 5);
		g_assert_cmpuint(json_array_get_length(
		                         json_object_get_array_member(report, "sectors_erased")),
		                 ==, 0);
		g_assert_cmpuint(after.sectors_erased, ==, before.sectors_erased);
		g_assert_cmpuint(after.bytes_programmed, ==, before.bytes_programmed);
	}
}

/* sectors found erased (by the backup, or on chip without one) are programmed without a
 * second erase; the image still ends verified */
static void
test_job_erased_not_erased_again(Fixture *fixture, gconstpointer data)
{
	gboolean backup = GPOINTER_TO_INT(data);
	g_autofree char *path = firmware_path(FW_502);
	g_autoptr(UbImage) image = NULL;
	g_autoptr(UbFlashJob) erase = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_ERASE);
	g_autoptr(UbFlashJob) job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	g_autoptr(UbFlashJob) verify = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_VERIFY);
	g_autoptr(JsonNode) node = NULL;
	g_autoptr(GError) error = NULL;
	const guint blank[] = {5, 6};
	JsonArray *erased;
	UbSimMcuStats before = {0};
	UbSimMcuStats after = {0};

	image = ub_image_new_from_file(path, 0x08000000, &error);
	g_assert_no_error(error);
	ub_flash_job_set_sectors(erase, blank, G_N_ELEMENTS(blank));
	ub_flash_job_set_flags(erase, UB_FLASH_JOB_FLAG_NO_BACKUP);
	g_assert_true(fixture_run(fixture, erase, &error));
	g_assert_no_error(error);

	ub_flash_job_set_image(job, image);
	ub_flash_job_set_flags(job, backup ? UB_FLASH_JOB_FLAG_NONE : UB_FLASH_JOB_FLAG_NO_BACKUP);
	ub_sim_mcu_get_stats(ub_sim_board_get_mcu(fixture->board), &before);
	g_assert_true(fixture_run(fixture, job, &error));
	g_assert_no_error(error);
	ub_sim_mcu_get_stats(ub_sim_board_get_mcu(fixture->board), &after);
	node = ub_flash_job_to_json(job);
	erased = json_object_get_array_member(json_node_get_object(node), "sectors_erased");
	g_assert_cmpuint(json_array_get_length(erased), >, 0);
	for (guint i = 0; i < json_array_get_length(erased); i++) {
		g_assert_cmpint(json_array_get_int_element(erased, i), !=, 5);
		g_assert_cmpint(json_array_get_int_element(erased, i), !=, 6);
	}
	/* what the report says is what the chip did */
	g_assert_cmpuint(after.sectors_erased - before.sectors_erased, ==,
	                 json_array_get_length(erased));
	ub_flash_job_set_image(verify, image);
	g_assert_true(fixture_run(fixture, verify, &error));
	g_assert_no_error(error);
}

static void
fixture_setup_long_wires(Fixture *fixture, gconstpointer data)
{
	fixture_setup_bench(fixture, "focbox-long-wires");
}

static void
verify_image(Fixture *fixture, UbImage *image)
{
	g_autoptr(UbFlashJob) verify = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_VERIFY);
	g_autoptr(GError) error = NULL;

	ub_flash_job_set_image(verify, image);
	g_assert_true(fixture_run(fixture, verify, &error));
	g_assert_no_error(error);
}

/* wires that carry 950 kHz cleanly: the link test finds the clock where transfers fail and
 * the flash ends verified at a slower one */
static void
test_job_long_wires(Fixture *fixture, gconstpointer data)
{
	g_autofree char *path = firmware_path(FW_502);
	g_autoptr(UbImage) image = NULL;
	g_autoptr(UbFlashJob) job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	g_autoptr(JsonNode) node = NULL;
	g_autoptr(GError) error = NULL;
	JsonObject *report;

	image = ub_image_new_from_file(path, 0x08000000, &error);
	g_assert_no_error(error);
	ub_flash_job_set_image(job, image);
	ub_flash_job_set_flags(job, UB_FLASH_JOB_FLAG_NO_BACKUP);
	g_assert_true(fixture_run(fixture, job, &error));
	g_assert_no_error(error);
	node = ub_flash_job_to_json(job);
	report = json_node_get_object(node);
	g_assert_cmpint(json_object_get_int_member(report, "swd_khz"), >, 0);
	g_assert_cmpint(json_object_get_int_member(report, "swd_khz"), <=, 950);
	g_assert_cmpuint(ub_sim_link_get_corrupted(ub_sim_board_get_link(fixture->board)), >, 0);
	verify_image(fixture, image);
}

typedef struct {
	UbSimLink *link;
	guint64 at_ns;
} WireMove;

/* a second into the job somebody moves the wires: from then on 950 kHz is the limit */
static void
wire_move_tick(gpointer user_data, guint64 start_ns, guint64 step_ns)
{
	WireMove *move = user_data;

	if (start_ns + step_ns >= move->at_ns)
		ub_sim_link_set_max_clean_khz(move->link, 950);
}

/* runs @job while the wires go bad at @move's time: it must end well, having stepped the
 * clock down to or below the new limit */
static void
run_while_wires_move(Fixture *fixture, UbFlashJob *job, WireMove *move)
{
	UbSimClock *clock = ub_sim_board_get_clock(fixture->board);
	g_autoptr(JsonNode) node = NULL;
	g_autoptr(GError) error = NULL;
	JsonObject *report;

	ub_sim_clock_add_ticker(clock, wire_move_tick, move);
	g_assert_true(fixture_run(fixture, job, &error));
	g_assert_no_error(error);
	ub_sim_clock_remove_ticker(clock, wire_move_tick, move);
	node = ub_flash_job_to_json(job);
	report = json_node_get_object(node);
	/* it started fast on clean wires and ended at or below the new limit */
	g_assert_cmpint(json_object_get_int_member(report, "swd_fallbacks"), >, 0);
	g_assert_cmpint(json_object_get_int_member(report, "swd_khz"), <=, 950);
	g_assert_cmpuint(ub_sim_link_get_corrupted(move->link), >, 0);
}

/* the link goes bad while the flash is being written: each link error steps the clock down
 * and the work goes on; the image ends verified */
static void
test_job_wires_moved(Fixture *fixture, gconstpointer data)
{
	g_autofree char *path = firmware_path(FW_605);
	g_autoptr(UbImage) image = NULL;
	g_autoptr(UbFlashJob) job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	g_autoptr(GError) error = NULL;
	UbSimClock *clock = ub_sim_board_get_clock(fixture->board);
	WireMove move = {ub_sim_board_get_link(fixture->board), 0};

	image = ub_image_new_from_file(path, 0x08000000, &error);
	g_assert_no_error(error);
	ub_flash_job_set_image(job, image);
	ub_flash_job_set_flags(job, UB_FLASH_JOB_FLAG_NO_BACKUP);
	move.at_ns = ub_sim_clock_get_ns(clock) + 1000000000;
	run_while_wires_move(fixture, job, &move);
	verify_image(fixture, image);
}

/* the wires go bad half-way through the backup read: the probe does not ask for a status
 * after each read there (the chip's CRC checks the copy), so the bad reads show as a copy
 * that differs; it is read again with every status asked, the clock steps down, and the
 * backup saved is the chip as it was */
static void
test_job_wires_moved_in_backup(Fixture *fixture, gconstpointer data)
{
	g_autofree char *old = firmware_path(FW_502);
	g_autofree char *measure_file = g_build_filename(fixture->dir, "measure.bin", NULL);
	g_autofree char *file = g_build_filename(fixture->dir, "backup.bin", NULL);
	g_autoptr(UbFlashJob) measure = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_BACKUP);
	g_autoptr(UbFlashJob) job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_BACKUP);
	g_autoptr(UbFlashBackup) backup = NULL;
	g_autoptr(GBytes) original = NULL;
	g_autoptr(GError) error = NULL;
	UbSimClock *clock = ub_sim_board_get_clock(fixture->board);
	WireMove move = {ub_sim_board_get_link(fixture->board), 0};
	guint64 start;

	g_assert_true(ub_sim_board_load_flash_file(fixture->board, old, &error));
	g_assert_no_error(error);
	original = fixture_dump(fixture);

	/* a clean run tells how long the backup takes; most of it is the read */
	ub_flash_job_set_backup_file(measure, measure_file);
	start = ub_sim_clock_get_ns(clock);
	g_assert_true(fixture_run(fixture, measure, &error));
	g_assert_no_error(error);
	move.at_ns = ub_sim_clock_get_ns(clock);
	move.at_ns += (move.at_ns - start) / 2;

	ub_flash_job_set_backup_file(job, file);
	run_while_wires_move(fixture, job, &move);
	backup = ub_flash_backup_load(file, &error);
	g_assert_no_error(error);
	g_assert_true(g_bytes_equal(ub_flash_backup_get_data(backup), original));
}

static guint64
fixture_round_trips(Fixture *fixture)
{
	UbSimStlinkStats stats = {0};

	ub_sim_stlink_get_stats(ub_sim_board_get_stlink(fixture->board), &stats);
	return stats.round_trips;
}

/* the probe is unplugged, or the board loses power, half-way through the write: the job says
 * the chip is partly written and that running it again completes; it does */
static void
test_job_fault_then_retry(Fixture *fixture, gconstpointer data)
{
	UbTransportSimFault fault = GPOINTER_TO_UINT(data);
	g_autofree char *old = firmware_path(FW_355);
	g_autofree char *path = firmware_path(FW_502);
	g_autofree guint8 *pattern = g_malloc(0x8000);
	g_autoptr(UbImage) image = NULL;
	g_autoptr(UbImage) old_image = NULL;
	g_autoptr(UbFlashJob) measure = NULL;
	g_autoptr(UbFlashJob) job = NULL;
	g_autoptr(UbFlashJob) retry = NULL;
	g_autoptr(GBytes) after = NULL;
	g_autoptr(GFile) gfile = NULL;
	g_autoptr(GBytes) file = NULL;
	g_autoptr(GError) error = NULL;
	guint64 start;
	guint64 full;
	const guint8 *flash;
	const guint8 *want;
	gsize size = 0;

	fixture_load_config(fixture, pattern);
	/* how many round trips a whole flash takes here */
	old_image = ub_image_new_from_file(old, 0x08000000, &error);
	g_assert_no_error(error);
	measure = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	ub_flash_job_set_image(measure, old_image);
	ub_flash_job_set_flags(measure, UB_FLASH_JOB_FLAG_NO_BACKUP);
	start = fixture_round_trips(fixture);
	g_assert_true(fixture_run(fixture, measure, &error));
	g_assert_no_error(error);
	full = fixture_round_trips(fixture) - start;

	image = ub_image_new_from_file(path, 0x08000000, &error);
	g_assert_no_error(error);
	job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	ub_flash_job_set_image(job, image);
	ub_flash_job_set_flags(job, UB_FLASH_JOB_FLAG_NO_BACKUP);
	/* two transfers (command + reply) per round trip: strike in the middle of the write */
	ub_transport_sim_set_fault(UB_TRANSPORT_SIM(ub_device_get_transport(fixture->device)),
	                           fault, (guint)full);
	g_assert_false(fixture_run(fixture, job, &error));
	g_assert_nonnull(error);
	g_assert_cmpint(ub_flash_job_get_stage(job), ==, UB_FLASH_JOB_STAGE_CHANGING);
	g_test_message("%s", error->message);
	/* what is known of the chip, from the job's journal: the sectors it reached */
	g_assert_nonnull(strstr(error->message, "every other sector is as it was"));
	g_assert_nonnull(strstr(error->message, "erased"));
	if (fault == UB_TRANSPORT_SIM_FAULT_UNPLUG)
		g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_DISCONNECTED);
	else
		g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_POWER);
	g_clear_error(&error);

	/* plug back in / power back on, then the same command */
	if (fault == UB_TRANSPORT_SIM_FAULT_POWER_LOSS)
		ub_sim_mcu_set_powered(ub_sim_board_get_mcu(fixture->board), TRUE);
	retry = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	ub_flash_job_set_image(retry, image);
	ub_flash_job_set_flags(retry, UB_FLASH_JOB_FLAG_NO_BACKUP);
	g_assert_true(fixture_run(fixture, retry, &error));
	g_assert_no_error(error);

	after = fixture_dump(fixture);
	flash = g_bytes_get_data(after, NULL);
	gfile = g_file_new_for_path(path);
	file = g_file_load_bytes(gfile, NULL, NULL, &error);
	g_assert_no_error(error);
	want = g_bytes_get_data(file, &size);
	g_assert_cmpmem(flash, 0x4000, want, 0x4000);
	g_assert_cmpmem(flash + 0x4000, 0x8000, pattern, 0x8000);
	g_assert_cmpmem(flash + 0xc000, size - 0xc000, want + 0xc000, size - 0xc000);
}

/* a generated VESC-like image for @hw: no real firmware needed */
static UbImage *
demo_image(const char *hw)
{
	g_autoptr(GError) error = NULL;
	UbImage *image = ub_firmware_demo_image_new(hw, UB_FIRMWARE_LAYOUT_384K, &error);

	g_assert_no_error(error);
	return image;
}

static UbFlashJournal *
fixture_journal(Fixture *fixture)
{
	g_autofree char *jobs = g_build_filename(fixture->dir, "jobs", NULL);
	g_autoptr(GPtrArray) list = ub_flash_journal_list(jobs);

	if (list->len == 0)
		return NULL;
	g_assert_cmpuint(list->len, ==, 1);
	return g_object_ref(g_ptr_array_index(list, 0));
}

/* a job cut short leaves a journal that says what the chip confirmed; the rerun's backup is
 * marked half-written, the original stays the one restore proposes, and a verified end
 * removes the journal */
static void
test_job_journal(Fixture *fixture, gconstpointer data)
{
	g_autoptr(UbImage) image = demo_image("410");
	g_autoptr(UbFlashJob) job = NULL;
	g_autoptr(UbFlashJob) rerun = NULL;
	g_autoptr(UbFlashJob) restore = NULL;
	g_autoptr(UbFlashJournal) journal = NULL;
	g_autoptr(UbFlashBackup) original = NULL;
	g_autoptr(UbFlashBackup) half = NULL;
	g_autoptr(GBytes) before = fixture_dump(fixture);
	g_autoptr(GBytes) after = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *chip = NULL;
	UbSimMcu *mcu = ub_sim_board_get_mcu(fixture->board);
	guint64 start;

	{
	/* the supply goes just after the backup, once the write has begun: as many round
	 * trips as a backup takes (the flash's survey before it stands in for the backup
	 * job's finish and reset), and a few more */
	g_autofree char *measure = g_build_filename(fixture->dir, "measure.bin", NULL);
	job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_BACKUP);
	ub_flash_job_set_backup_file(job, measure);
	start = fixture_round_trips(fixture);
	g_assert_true(fixture_run(fixture, job, &error));
	g_assert_no_error(error);
	g_clear_object(&job);
	start = fixture_round_trips(fixture) - start;
	job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	ub_flash_job_set_image(job, image);
	ub_transport_sim_set_fault(UB_TRANSPORT_SIM(ub_device_get_transport(fixture->device)),
	                           UB_TRANSPORT_SIM_FAULT_POWER_LOSS, (guint)start * 2 + 10);
	}
	g_assert_false(fixture_run(fixture, job, &error));
	g_test_message("%s", error->message);
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_POWER);
	g_assert_cmpint(ub_flash_job_get_stage(job), ==, UB_FLASH_JOB_STAGE_CHANGING);
	chip = ub_flash_job_describe_chip(job);
	g_assert_nonnull(strstr(chip, "every other sector is as it was"));
	g_assert_nonnull(strstr(error->message, chip));
	g_assert_nonnull(strstr(error->message, ub_flash_job_get_original_backup(job)));
	g_clear_error(&error);
	journal = fixture_journal(fixture);
	g_assert_nonnull(journal);
	g_assert_cmpstr(ub_flash_journal_get_job(journal), ==, "flash");
	g_assert_cmpstr(ub_flash_journal_get_stage(journal), ==, "changing");
	g_assert_cmpstr(ub_flash_journal_get_original_backup(journal), ==,
	                ub_flash_job_get_original_backup(job));
	g_assert_cmpuint(ub_flash_journal_get_planned(journal)->len, >, 0);
	g_assert_nonnull(ub_flash_journal_get_image_sha256(journal));
	g_clear_object(&journal);

	/* power back; the same command again */
	ub_sim_mcu_set_powered(mcu, TRUE);
	rerun = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	ub_flash_job_set_image(rerun, image);
	g_assert_true(fixture_run(fixture, rerun, &error));
	g_assert_no_error(error);
	g_assert_nonnull(ub_flash_job_get_previous_journal(rerun));
	g_assert_true(ub_flash_job_get_backup_interrupted(rerun));
	g_assert_cmpstr(ub_flash_job_get_original_backup(rerun), ==,
	                ub_flash_job_get_original_backup(job));
	g_assert_null(fixture_journal(fixture));
	half = ub_flash_backup_load(ub_flash_job_get_backup_path(rerun), &error);
	g_assert_no_error(error);
	g_assert_cmpint(ub_flash_backup_get_state(half), ==, UB_FLASH_BACKUP_STATE_INTERRUPTED);
	g_assert_nonnull(strstr(ub_flash_backup_get_note(half), "demo.bin"));
	original = ub_flash_backup_find_last_complete(fixture->dir, ub_flash_job_get_uid(rerun),
	                                              &error);
	g_assert_no_error(error);
	g_assert_true(g_bytes_equal(ub_flash_backup_get_data(original), before));

	/* restore with no file given: the last complete backup of this chip, the original */
	restore = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_RESTORE);
	ub_flash_job_set_flags(restore, UB_FLASH_JOB_FLAG_WIPE_CONFIG);
	g_assert_true(fixture_run(fixture, restore, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(ub_flash_job_get_restore_source(restore), ==,
	                ub_flash_backup_get_path(original));
	after = fixture_dump(fixture);
	g_assert_true(g_bytes_equal(after, before));
}

/* a state folder that cannot take the journal does not stop the job (the backup puts the
 * chip back); the job says it ran without one */
static void
test_job_no_journal(Fixture *fixture, gconstpointer data)
{
	g_autoptr(UbImage) image = demo_image("410");
	g_autoptr(UbFlashJob) job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	g_autoptr(UbProgress) progress = ub_progress_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *file = g_build_filename(fixture->dir, "not-a-folder", NULL);
	g_autofree char *jobs = g_build_filename(file, "jobs", NULL);

	g_assert_true(g_file_set_contents(file, "", 0, NULL));
	ub_flash_job_set_image(job, image);
	ub_flash_job_set_backup_dir(job, fixture->dir);
	ub_flash_job_set_journal_dir(job, jobs);
	ub_flash_job_run_async(job, progress, NULL, fixture_cb, fixture);
	g_assert_true(ub_flash_job_run_finish(job, fixture_wait(fixture), &error));
	g_assert_no_error(error);
	g_assert_cmpint(ub_flash_job_get_stage(job), ==, UB_FLASH_JOB_STAGE_DONE);
	g_assert_nonnull(ub_flash_job_get_journal_error(job));
	g_assert_nonnull(strstr(ub_flash_job_get_journal_error(job), "not-a-folder"));
	g_assert_nonnull(ub_flash_job_get_original_backup(job));
}

static gboolean
run_on(UbDevice *device, Fixture *fixture, UbFlashJob *job, GError **error)
{
	g_autoptr(UbProgress) progress = ub_progress_new();
	g_autofree char *jobs = g_build_filename(fixture->dir, "jobs", NULL);

	ub_flash_job_set_backup_dir(job, fixture->dir);
	ub_flash_job_set_journal_dir(job, jobs);
	ub_flash_job_run_async(job, progress, NULL, fixture_cb, fixture);
	return ub_flash_job_run_finish(job, fixture_wait(fixture), error);
}

/* a FOCBOX's backup restored onto a VESC 6: another chip and other hardware, each refused
 * until agreed to, with nothing written; then written when both are agreed */
static void
test_job_restore_other_chip(Fixture *fixture, gconstpointer data)
{
	g_autofree char *file = g_build_filename(fixture->dir, "focbox.bin", NULL);
	g_autoptr(UbDevice) vesc6 = ub_sim_device_new("vesc6", NULL);
	g_autoptr(UbFlashJob) backup = NULL;
	g_autoptr(UbFlashJob) restore = NULL;
	g_autoptr(GBytes) before = NULL;
	g_autoptr(GBytes) after = NULL;
	g_autoptr(GBytes) focbox = fixture_dump(fixture);
	g_autoptr(GError) error = NULL;
	UbSimBoard *board;

	backup = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_BACKUP);
	ub_flash_job_set_backup_file(backup, file);
	g_assert_true(fixture_run(fixture, backup, &error));
	g_assert_no_error(error);

	ub_device_open_async(vesc6, NULL, fixture_cb, fixture);
	g_assert_true(ub_device_open_finish(vesc6, fixture_wait(fixture), &error));
	board = ub_sim_board_from_device(vesc6);
	before = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(board));

	restore = ub_flash_job_new(vesc6, UB_FLASH_JOB_KIND_RESTORE);
	ub_flash_job_set_backup_file(restore, file);
	g_assert_false(run_on(vesc6, fixture, restore, &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_OTHER_CHIP);
	g_assert_nonnull(strstr(error->message, "nothing on the chip was changed"));
	g_clear_error(&error);
	g_clear_object(&restore);

	restore = ub_flash_job_new(vesc6, UB_FLASH_JOB_KIND_RESTORE);
	ub_flash_job_set_backup_file(restore, file);
	ub_flash_job_set_flags(restore, UB_FLASH_JOB_FLAG_OTHER_CHIP);
	g_assert_false(run_on(vesc6, fixture, restore, &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE);
	g_assert_nonnull(strstr(error->message, "410"));
	g_assert_nonnull(strstr(error->message, "60"));
	g_clear_error(&error);
	g_clear_object(&restore);
	after = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(board));
	g_assert_true(g_bytes_equal(before, after));
	g_clear_pointer(&after, g_bytes_unref);

	restore = ub_flash_job_new(vesc6, UB_FLASH_JOB_KIND_RESTORE);
	ub_flash_job_set_backup_file(restore, file);
	ub_flash_job_set_flags(restore, UB_FLASH_JOB_FLAG_OTHER_CHIP |
	                                        UB_FLASH_JOB_FLAG_OTHER_HARDWARE |
	                                        UB_FLASH_JOB_FLAG_WIPE_CONFIG);
	g_assert_true(run_on(vesc6, fixture, restore, &error));
	g_assert_no_error(error);
	after = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(board));
	g_assert_true(g_bytes_equal(after, focbox));
	ub_device_close_async(vesc6, NULL, fixture_cb, fixture);
	g_assert_true(ub_device_close_finish(vesc6, fixture_wait(fixture), NULL));
}

/* firmware for other hardware than the board's is refused before anything is erased */
static void
test_job_flash_wrong_hardware(Fixture *fixture, gconstpointer data)
{
	g_autoptr(UbImage) hw60 = demo_image("60");
	g_autoptr(UbFlashJob) job = NULL;
	g_autoptr(GBytes) before = fixture_dump(fixture);
	g_autoptr(GBytes) after = NULL;
	g_autoptr(GError) error = NULL;
	const char *board_410[] = {"410", "411", "412", NULL};
	const char *board_60[] = {"60", NULL};

	/* the chip holds HW 410 firmware */
	job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	ub_flash_job_set_image(job, hw60);
	g_assert_false(fixture_run(fixture, job, &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE);
	g_assert_nonnull(strstr(error->message, "the firmware on the chip is for 410"));
	g_assert_nonnull(strstr(error->message, "nothing on the chip was changed"));
	g_clear_error(&error);
	g_clear_object(&job);

	/* the board named by the person wins over what is on the chip */
	job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	ub_flash_job_set_image(job, hw60);
	ub_flash_job_set_board_hw_names(job, board_410);
	g_assert_false(fixture_run(fixture, job, &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE);
	g_assert_nonnull(strstr(error->message, "the board is 410"));
	g_clear_error(&error);
	g_clear_object(&job);
	after = fixture_dump(fixture);
	g_assert_true(g_bytes_equal(before, after));

	job = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_FLASH);
	ub_flash_job_set_image(job, hw60);
	ub_flash_job_set_board_hw_names(job, board_60);
	g_assert_true(fixture_run(fixture, job, &error));
	g_assert_no_error(error);
}

/* unlock without consent on a read-protected chip: refused, and it says nothing changed */
static void
test_job_unlock_refused(Fixture *fixture, gconstpointer data)
{
	g_autoptr(UbFlashJob) unlock = NULL;
	g_autoptr(GError) error = NULL;
	UbSimMcu *mcu = ub_sim_board_get_mcu(fixture->board);
	g_autofree char *chip = NULL;

	ub_sim_mcu_set_option_bytes(mcu, (ub_sim_mcu_get_option_bytes(mcu) & ~0xff00u) | 0x5500u);
	ub_sim_mcu_set_powered(mcu, FALSE);
	ub_sim_mcu_set_powered(mcu, TRUE);
	unlock = ub_flash_job_new(fixture->device, UB_FLASH_JOB_KIND_UNLOCK);
	g_assert_false(fixture_run(fixture, unlock, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_READ_PROTECTED);
	g_assert_cmpint(ub_flash_job_get_stage(unlock), ==, UB_FLASH_JOB_STAGE_CONNECTED);
	g_assert_nonnull(strstr(error->message, "nothing on the chip was changed"));
	g_assert_null(strstr(error->message, "partly"));
	chip = ub_flash_job_describe_chip(unlock);
	g_assert_cmpstr(chip, ==, "nothing on the chip was changed");
	g_assert_null(fixture_journal(fixture));
	g_assert_cmphex((ub_sim_mcu_get_option_bytes(mcu) >> 8) & 0xff, ==, 0x55);
}

/* the job again runs with the flags the interrupted one had: the same sectors planned (a job
 * that was wiping the settings wipes them again, not leaving them half erased) */
static void
test_job_flags_from_journal(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-flags-XXXXXX", NULL);
	g_autoptr(UbFlashJournal) journal = ub_flash_journal_new(dir, "flash", "0123456789AB");
	g_autoptr(UbFlashJournal) plain = ub_flash_journal_new(dir, "flash", "0123456789AB");
	const char *const flags[] = {"wipe-config", "other-chip", "no-backup", NULL};
	const char *const none[] = {NULL};

	ub_flash_journal_set_flags(journal, flags);
	ub_flash_journal_set_flags(plain, none);
	g_assert_cmpint(ub_flash_job_flags_from_journal(journal), ==,
	                UB_FLASH_JOB_FLAG_WIPE_CONFIG | UB_FLASH_JOB_FLAG_OTHER_CHIP);
	g_assert_cmpint(ub_flash_job_flags_from_journal(plain), ==, UB_FLASH_JOB_FLAG_NONE);
	ub_test_remove_tree(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/flash/job/flags-from-journal", test_job_flags_from_journal);
	g_test_add("/flash/job/no-journal", Fixture, NULL, fixture_setup, test_job_no_journal,
	           fixture_teardown);
	g_test_add("/flash/job/journal", Fixture, NULL, fixture_setup, test_job_journal,
	           fixture_teardown);
	g_test_add("/flash/job/restore-other-chip", Fixture, NULL, fixture_setup,
	           test_job_restore_other_chip, fixture_teardown);
	g_test_add("/flash/job/flash-wrong-hardware", Fixture, NULL, fixture_setup,
	           test_job_flash_wrong_hardware, fixture_teardown);
	g_test_add("/flash/job/unlock-refused", Fixture, NULL, fixture_setup,
	           test_job_unlock_refused, fixture_teardown);
	g_test_add("/flash/job/flash-keeps-config", Fixture, NULL, fixture_setup,
	           test_job_flash_keeps_config, fixture_teardown);
	g_test_add("/flash/job/flash-wipe-config", Fixture, NULL, fixture_setup,
	           test_job_flash_wipe_config, fixture_teardown);
	g_test_add("/flash/job/backup-restore", Fixture, NULL, fixture_setup,
	           test_job_backup_restore, fixture_teardown);
	g_test_add("/flash/job/write-protected", Fixture, NULL, fixture_setup,
	           test_job_write_protected, fixture_teardown);
	g_test_add("/flash/job/rdp-regression", Fixture, NULL, fixture_setup,
	           test_job_rdp_regression, fixture_teardown);
	g_test_add("/flash/job/erase", Fixture, NULL, fixture_setup, test_job_erase,
	           fixture_teardown);
	g_test_add("/flash/job/same-image-twice", Fixture, NULL, fixture_setup,
	           test_job_same_image_twice, fixture_teardown);
	g_test_add("/flash/job/erased-not-erased-again", Fixture, GINT_TO_POINTER(FALSE),
	           fixture_setup, test_job_erased_not_erased_again, fixture_teardown);
	g_test_add("/flash/job/erased-not-erased-again-backup", Fixture, GINT_TO_POINTER(TRUE),
	           fixture_setup, test_job_erased_not_erased_again, fixture_teardown);
	g_test_add("/flash/job/long-wires", Fixture, NULL, fixture_setup_long_wires,
	           test_job_long_wires, fixture_teardown);
	g_test_add("/flash/job/wires-moved-in-backup", Fixture, NULL, fixture_setup,
	           test_job_wires_moved_in_backup, fixture_teardown);
	g_test_add("/flash/job/wires-moved", Fixture, NULL, fixture_setup, test_job_wires_moved,
	           fixture_teardown);
	g_test_add("/flash/job/unplugged-then-retry", Fixture,
	           GUINT_TO_POINTER(UB_TRANSPORT_SIM_FAULT_UNPLUG), fixture_setup,
	           test_job_fault_then_retry, fixture_teardown);
	g_test_add("/flash/job/power-loss-then-retry", Fixture,
	           GUINT_TO_POINTER(UB_TRANSPORT_SIM_FAULT_POWER_LOSS), fixture_setup,
	           test_job_fault_then_retry, fixture_teardown);
	return g_test_run();
}
