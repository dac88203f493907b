/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The fault matrix: every operation that touches a chip (backup, flash, restore, erase, unlock
 * with its erase-all, the option-byte write that clears write protection), each fault a
 * person meets (the probe unplugged, the board's supply lost, NRST pulled, a storm of SWD
 * WAITs, FAULT answers from noise on SWDIO, the probe's USB stalling, the program killed with
 * SIGKILL), struck at 20 points spread over the operation's modelled timeline. Faults strike on
 * the bench's virtual clock (core/sim/ub-sim-faults.c), where they happen physically; the
 * SIGKILL cells run unbrick-cli as a subprocess on a bench kept in a state file.
 *
 * Each cell checks four invariants:
 *  (a) the message names what happened and says truthfully what state the chip is in (the
 *      sectors it names are the only ones that differ; for a kill, the next start says so);
 *  (b) running the same command again ends in a verified chip holding the expected result;
 *  (c) the backup of the original chip exists, is complete and equals what was on it;
 *  (d) nothing outside the plan changed: sectors the operation does not set out to change,
 *      the VESC settings sectors 1–2 among them, hold what they held, after the fault and
 *      after the rerun.
 *
 *   test-fault-matrix [--op NAME] [--results FILE]    (the GTest options also apply)
 *
 * --results writes what docs/reliability.md is made of (tools/reliability.sh).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "ub-error.h"
#include "ub-firmware-demo.h"
#include "ub-flash-job.h"
#include "ub-image-loader.h"
#include "ub-sim-board.h"
#include "ub-sim-state.h"
#include "ub-test-files.h"

#define POINTS 20
#define N_SECTORS 12
#define NS_MS UB_SIM_NS_PER_MS

typedef struct _Op Op;

struct _Op {
	const char *name;
	const char *title;
	const char *bench;
	UbFlashJobKind kind;
	UbFlashJobFlags flags;
	/* content A on the bench (and its option bytes) */
	void (*setup)(Op *op, UbSimBoard *board);
	/* the operation's words after "unbrick-cli" (FILE/IMAGE/BACKUP filled in) */
	const char *cli[4];
	gboolean has_backup; /* (c) applies: the chip is readable */
	/* the bench all its cells share (bench_new()), and content A as setup() left it */
	UbSimBoard *board;
	GBytes *bench_flash;
	guint32 bench_optcr;
	/* measured by the reference run */
	GBytes *original;
	guint32 original_optcr;
	GBytes *expected;
	guint32 expected_optcr;
	gboolean plan[N_SECTORS];
	char *uid;
	guint64 duration;
	guint64 phase_end[6]; /* by UbFlashJobStage reached, relative to the start */
	guint64 points[POINTS];
	char *point_phase[POINTS];
};

typedef struct {
	const char *name;
	UbSimFaultKind kind;
	guint64 duration;
	const char *what;
} Fault;

/* how long the timed faults last: a press of the reset button, a DMA burst far longer than
 * the driver's patience, a burst of motor noise, a hub hiccup longer than one USB timeout */
static const Fault faults[] = {
        {"unplug", UB_SIM_FAULT_UNPLUG, 0, "the probe's USB cable is pulled"},
        {"power", UB_SIM_FAULT_POWER, 0, "the board's supply is lost"},
        {"nrst", UB_SIM_FAULT_NRST, 50 * NS_MS, "NRST held low for 50 ms"},
        {"wait", UB_SIM_FAULT_WAIT, 1000 * NS_MS, "the AHB held by another master for 1 s"},
        {"noise", UB_SIM_FAULT_NOISE, 50 * NS_MS, "noise on SWDIO for 50 ms"},
        {"usb-stall", UB_SIM_FAULT_USB_STALL, 3500 * NS_MS, "the probe's USB silent for 3.5 s"},
        {"kill", UB_SIM_FAULT_KILL, 0, "unbrick-cli killed with SIGKILL"},
};

typedef struct {
	const Op *op;
	const Fault *fault;
	guint point;
	char *outcome; /* "done", or what the message named and the stage */
	gboolean followed; /* (b) took what the rerun's message said: unlock --erase-all, restore */
	gboolean a, b, c, d;
} Cell;

static char *matrix_dir;
static char *image_path;
static char *restore_path;
static GPtrArray *cells; /* Cell */
static GMainLoop *loop;
static GAsyncResult *result;

/* ---- the content ---- */

static void
load(UbSimBoard *board, guint32 address, guint8 value, gsize len)
{
	g_autofree guint8 *data = g_malloc(len);
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GError) error = NULL;

	memset(data, value, len);
	bytes = g_bytes_new_take(g_steal_pointer(&data), len);
	g_assert_true(ub_sim_mcu_load_flash(ub_sim_board_get_mcu(board), address, bytes, &error));
	g_assert_no_error(error);
}

/* a VESC board as it comes: VESC-like firmware for HW 410 (the generated demo: its reset
 * handler waits for the debugger, so a chip that restarts mid-job costs no emulated work), its
 * settings in sector 1, old data in sectors 4 and 5 the new image does not need, a bootloader
 * in sector 11 */
static void
setup_focbox(Op *op, UbSimBoard *board)
{
	g_autoptr(UbImage) image = NULL;
	g_autoptr(GBytes) firmware = NULL;
	g_autofree guint8 *settings = g_malloc(0x1000);
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GError) error = NULL;
	UbSimMcu *mcu = ub_sim_board_get_mcu(board);

	image = ub_firmware_demo_image_new("410", UB_FIRMWARE_LAYOUT_384K, &error);
	g_assert_no_error(error);
	firmware = ub_image_flatten(image, 0xff, &error);
	g_assert_no_error(error);
	g_assert_true(ub_sim_mcu_load_flash(mcu, 0x08000000, firmware, &error));
	/* an older build: another NMI handler address */
	load(board, 0x08000008, 0x41, 1);
	for (guint i = 0; i < 0x1000; i++)
		settings[i] = (guint8)(i * 31 + 7);
	bytes = g_bytes_new_take(g_steal_pointer(&settings), 0x1000);
	g_assert_true(ub_sim_mcu_load_flash(mcu, 0x08004000, bytes, &error));
	g_assert_no_error(error);
	load(board, 0x08010000, 0x55, 0x800);
	load(board, 0x08020000, 0x42, 0x1000);
	load(board, 0x080e0000, 0x5a, 0x400);
}

/* option bytes as read protection level 1 leaves them */
static void
setup_rdp1(Op *op, UbSimBoard *board)
{
	UbSimMcu *mcu = ub_sim_board_get_mcu(board);

	setup_focbox(op, board);
	ub_sim_mcu_set_option_bytes(mcu, (ub_sim_mcu_get_option_bytes(mcu) & ~0xff00u) | 0x5500u);
}

/* sectors 5 and 11 write-protected */
static void
setup_wrp(Op *op, UbSimBoard *board)
{
	UbSimMcu *mcu = ub_sim_board_get_mcu(board);

	setup_focbox(op, board);
	ub_sim_mcu_set_option_bytes(mcu, ub_sim_mcu_get_option_bytes(mcu) &
	                                         ~((1u << (16 + 5)) | (1u << (16 + 11))));
}

static Op ops[] = {
        {"backup", "backup FILE", "focbox", UB_FLASH_JOB_KIND_BACKUP, 0, setup_focbox,
         {"backup", "FILE", NULL}, TRUE},
        {"flash", "flash IMAGE", "focbox", UB_FLASH_JOB_KIND_FLASH, 0, setup_focbox,
         {"flash", "IMAGE", NULL}, TRUE},
        {"restore", "restore BACKUP", "focbox", UB_FLASH_JOB_KIND_RESTORE, 0, setup_focbox,
         {"restore", "BACKUP", NULL}, TRUE},
        {"erase", "erase", "focbox", UB_FLASH_JOB_KIND_ERASE, 0, setup_focbox, {"erase", NULL},
         TRUE},
        {"unlock", "unlock --erase-all (RDP 1 → 0)", "focbox", UB_FLASH_JOB_KIND_UNLOCK,
         UB_FLASH_JOB_FLAG_ERASE_ALL_CONSENT, setup_rdp1, {"unlock", "--erase-all", NULL},
         FALSE},
        {"option-bytes", "unlock (write protection off)", "focbox", UB_FLASH_JOB_KIND_UNLOCK, 0,
         setup_wrp, {"unlock", NULL}, TRUE},
        /* the CMSIS-DAP path: a Raspberry Pi Debug Probe (no reset pin, no voltage reading)
         * and a DAPLink */
        {"flash-debugprobe", "flash IMAGE (Raspberry Pi Debug Probe, CMSIS-DAP)",
         "focbox-debugprobe", UB_FLASH_JOB_KIND_FLASH, 0, setup_focbox, {"flash", "IMAGE", NULL},
         TRUE},
        {"erase-daplink", "erase (DAPLink, CMSIS-DAP)", "focbox-daplink", UB_FLASH_JOB_KIND_ERASE,
         0, setup_focbox, {"erase", NULL}, TRUE},
};

/* ---- running jobs in-process ---- */

static void
wait_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_set_object(&result, res);
	g_main_loop_quit(loop);
}

static GAsyncResult *
wait_run(void)
{
	g_clear_object(&result);
	g_main_loop_run(loop);
	return result;
}

/* a bench holding content A, started as after a power cycle (as a state file starts it).
 * One bench per operation serves all its cells, as one board on the desk would: between two
 * cells the person unplugs the probe and plugs it back in, the board is flashed with content A
 * again and power-cycled; what the last cell's faults did is put right. Each run starts as
 * the reference run did (same flash timings, same USB frame phase), so a point on the
 * reference's timeline is the same moment of every cell's job. (Making a bench runs
 * its firmware for a while, see powered_for_ms: once is enough.) */
static UbSimBoard *
bench_new(Op *op)
{
	g_autoptr(GError) error = NULL;
	UbSimFaults *schedule;
	UbSimClock *clock;
	UbSimMcu *mcu;

	if (op->board == NULL) {
		op->board = ub_sim_board_new_from_name(op->bench, &error);
		g_assert_no_error(error);
		op->setup(op, op->board);
		op->bench_flash = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(op->board));
		op->bench_optcr = ub_sim_mcu_get_option_bytes(ub_sim_board_get_mcu(op->board));
	}
	schedule = ub_sim_board_get_faults(op->board);
	ub_sim_faults_repair(schedule);
	ub_sim_faults_unplug(schedule);
	ub_sim_faults_replug(schedule);
	mcu = ub_sim_board_get_mcu(op->board);
	g_assert_true(ub_sim_mcu_load_flash(mcu, UB_SIM_FLASH_BASE, op->bench_flash, &error));
	g_assert_no_error(error);
	ub_sim_mcu_set_option_bytes(mcu, op->bench_optcr);
	/* the same chip: its erases and writes take the times they took in the reference run
	 * (a new bench of this name would draw them so) */
	ub_sim_mcu_set_flash_timing(mcu, ub_sim_mcu_get_flash_timing(mcu),
	                            g_str_hash(ub_sim_board_get_name(op->board)));
	ub_sim_mcu_set_powered(mcu, FALSE);
	ub_sim_mcu_set_powered(mcu, TRUE);
	/* every run starts on a USB frame boundary (1 ms), as the reference did: the timeline
	 * is then the reference's to the nanosecond */
	clock = ub_sim_board_get_clock(op->board);
	ub_sim_clock_advance(clock, NS_MS - ub_sim_clock_get_ns(clock) % NS_MS);
	return g_object_ref(op->board);
}

static UbFlashJob *
job_new(Op *op, UbDevice *device, const char *dir)
{
	UbFlashJob *job = ub_flash_job_new(device, op->kind);
	g_autofree char *jobs = g_build_filename(dir, "jobs", NULL);
	g_autofree char *file = g_build_filename(dir, "backup.bin", NULL);
	g_autoptr(GError) error = NULL;

	ub_flash_job_set_flags(job, op->flags);
	ub_flash_job_set_backup_dir(job, dir);
	ub_flash_job_set_journal_dir(job, jobs);
	if (op->kind == UB_FLASH_JOB_KIND_BACKUP)
		ub_flash_job_set_backup_file(job, file);
	if (op->kind == UB_FLASH_JOB_KIND_RESTORE)
		ub_flash_job_set_backup_file(job, restore_path);
	if (op->kind == UB_FLASH_JOB_KIND_FLASH) {
		g_autoptr(UbImage) image = ub_image_new_from_file(image_path, 0x08000000, &error);
		g_assert_no_error(error);
		ub_flash_job_set_image(job, image);
	}
	return job;
}

/* what the rerun's message tells the person when an interrupted option byte write left the
 * chip read-protected: unlock --erase-all, then restore --wipe-config (this chip's last
 * complete backup). The person does it. */
static gboolean run_job(UbFlashJob *job, GError **error);

static gboolean
follow_erase_all_and_restore(Op *op, UbDevice *device, const char *dir, GError **error)
{
	g_autofree char *jobs = g_build_filename(dir, "jobs", NULL);
	g_autoptr(UbFlashJob) unlock = ub_flash_job_new(device, UB_FLASH_JOB_KIND_UNLOCK);
	g_autoptr(UbFlashJob) restore = ub_flash_job_new(device, UB_FLASH_JOB_KIND_RESTORE);

	ub_flash_job_set_flags(unlock, UB_FLASH_JOB_FLAG_ERASE_ALL_CONSENT);
	ub_flash_job_set_backup_dir(unlock, dir);
	ub_flash_job_set_journal_dir(unlock, jobs);
	if (!run_job(unlock, error))
		return FALSE;
	ub_flash_job_set_flags(restore, UB_FLASH_JOB_FLAG_WIPE_CONFIG);
	ub_flash_job_set_backup_dir(restore, dir);
	ub_flash_job_set_journal_dir(restore, jobs);
	return run_job(restore, error);
}

typedef struct {
	UbFlashJob *job;
	UbSimClock *clock;
	guint64 start;
	guint64 *phase_end;
	UbFlashJobStage seen;
} Timeline;

/* on the worker, with every step of the clock: when the job reached each stage */
static void
timeline_tick(gpointer user_data, guint64 start_ns, guint64 step_ns)
{
	Timeline *timeline = user_data;
	UbFlashJobStage stage = ub_flash_job_get_stage(timeline->job);

	if (stage <= timeline->seen || stage > UB_FLASH_JOB_STAGE_DONE)
		return;
	for (guint s = timeline->seen + 1; s <= stage; s++)
		timeline->phase_end[s] = start_ns + step_ns - timeline->start;
	timeline->seen = stage;
}

static gboolean
run_job(UbFlashJob *job, GError **error)
{
	ub_flash_job_run_async(job, NULL, NULL, wait_cb, NULL);
	return ub_flash_job_run_finish(job, wait_run(), error);
}

static void
close_device(UbDevice *device)
{
	g_autoptr(GError) error = NULL;

	ub_device_close_async(device, NULL, wait_cb, NULL);
	if (!ub_device_close_finish(device, wait_run(), &error))
		g_debug("close: %s", error->message);
}

static GBytes *
sector_of(GBytes *flash, guint sector)
{
	static const guint32 offset[] = {0x0,     0x4000,  0x8000,  0xc000,  0x10000, 0x20000,
	                                 0x40000, 0x60000, 0x80000, 0xa0000, 0xc0000, 0xe0000};
	static const guint32 size[] = {0x4000,  0x4000,  0x4000,  0x4000,  0x10000, 0x20000,
	                               0x20000, 0x20000, 0x20000, 0x20000, 0x20000, 0x20000};

	return g_bytes_new_from_bytes(flash, offset[sector], size[sector]);
}

static gboolean
sector_equal(GBytes *a, GBytes *b, guint sector)
{
	g_autoptr(GBytes) x = sector_of(a, sector);
	g_autoptr(GBytes) y = sector_of(b, sector);

	return g_bytes_equal(x, y);
}

/* the points: each phase of the timeline gets some (a short one at least 2), the rest by
 * its length; within a phase they are spread evenly */
static void
choose_points(Op *op)
{
	/* by the stage that ends the phase */
	static const char *const names[] = {"start", "connect", "backup", "plan", "change",
	                                    "verify", "finish"};
	guint64 bounds[7];
	guint n_phases = 0;
	guint phase_of[7];
	guint count[7] = {0};
	guint left = POINTS;
	guint k = 0;

	bounds[0] = 0;
	for (guint s = UB_FLASH_JOB_STAGE_CONNECTED; s <= UB_FLASH_JOB_STAGE_DONE; s++) {
		guint64 end = op->phase_end[s];
		if (end == 0)
			continue;
		/* stages reached in the same step: the phase is named by the last of them */
		if (n_phases > 0 && end <= bounds[n_phases]) {
			phase_of[n_phases - 1] = s;
			continue;
		}
		bounds[++n_phases] = end;
		phase_of[n_phases - 1] = s;
	}
	if (op->duration > bounds[n_phases]) {
		bounds[++n_phases] = op->duration;
		phase_of[n_phases - 1] = 6;
	}
	g_assert_cmpuint(n_phases, >=, 1);
	for (guint p = 0; p < n_phases; p++) {
		count[p] = MIN(2u, left);
		left -= count[p];
	}
	while (left > 0) {
		/* to the phase with the longest stretch per point */
		guint best = 0;
		for (guint p = 1; p < n_phases; p++) {
			if ((bounds[p + 1] - bounds[p]) * (count[best] + 1) >
			    (bounds[best + 1] - bounds[best]) * (count[p] + 1))
				best = p;
		}
		count[best]++;
		left--;
	}
	for (guint p = 0; p < n_phases; p++) {
		for (guint j = 0; j < count[p]; j++) {
			guint64 span = bounds[p + 1] - bounds[p];
			op->points[k] = bounds[p] + span * (2 * j + 1) / (2 * count[p]);
			/* a backup's stages all pass at once but the last: reading the chip */
			op->point_phase[k] = g_strdup(op->kind == UB_FLASH_JOB_KIND_BACKUP &&
			                                              phase_of[p] == UB_FLASH_JOB_STAGE_DONE
			                                      ? "read"
			                                      : names[MIN(phase_of[p], 6u)]);
			k++;
		}
	}
	g_assert_cmpuint(k, ==, POINTS);
}

/* a run without faults: the timeline, content A and the expected result; it must verify */
static void
reference(Op *op)
{
	g_autofree char *dir = g_build_filename(matrix_dir, op->name, "reference", NULL);
	g_autoptr(UbSimBoard) board = NULL;
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(UbFlashJob) job = NULL;
	g_autoptr(GError) error = NULL;
	UbSimMcu *mcu;
	Timeline timeline = {0};

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	board = bench_new(op);
	mcu = ub_sim_board_get_mcu(board);
	op->original = ub_sim_mcu_dump_flash(mcu);
	op->original_optcr = ub_sim_mcu_get_option_bytes(mcu);
	device = ub_sim_board_new_device(board);
	job = job_new(op, device, dir);
	timeline.job = job;
	timeline.clock = ub_sim_board_get_clock(board);
	timeline.start = ub_sim_clock_get_ns(timeline.clock);
	timeline.phase_end = op->phase_end;
	ub_sim_clock_add_ticker(timeline.clock, timeline_tick, &timeline);
	g_assert_true(run_job(job, &error));
	g_assert_no_error(error);
	ub_sim_clock_remove_ticker(timeline.clock, timeline_tick, &timeline);
	op->duration = ub_sim_clock_get_ns(timeline.clock) - timeline.start;
	close_device(device);
	op->expected = ub_sim_mcu_dump_flash(mcu);
	op->expected_optcr = ub_sim_mcu_get_option_bytes(mcu);
	op->uid = g_strdup(ub_flash_job_get_uid(job));
	for (guint s = 0; s < N_SECTORS; s++)
		op->plan[s] = !sector_equal(op->original, op->expected, s);
	/* the erase and the unlock set out to change sectors that were already blank too */
	if (op->kind == UB_FLASH_JOB_KIND_ERASE || op->flags & UB_FLASH_JOB_FLAG_ERASE_ALL_CONSENT)
		for (guint s = 0; s < N_SECTORS; s++)
			op->plan[s] |= op->kind == UB_FLASH_JOB_KIND_UNLOCK || (s != 1 && s != 2);
	/* no operation here is asked to wipe the settings */
	if (!(op->flags & UB_FLASH_JOB_FLAG_ERASE_ALL_CONSENT)) {
		g_assert_false(op->plan[1]);
		g_assert_false(op->plan[2]);
	}
	choose_points(op);
	g_test_message("%s: %.1f ms modelled", op->name, (double)op->duration / NS_MS);
	ub_test_remove_tree(dir);
}

/* ---- checking a cell ---- */

static gboolean
error_names_fault(const Fault *fault, const GError *error)
{
	switch (fault->kind) {
	case UB_SIM_FAULT_UNPLUG:
		return g_error_matches(error, UB_PROBE_ERROR, UB_PROBE_ERROR_DISCONNECTED) ||
		       g_error_matches(error, UB_PROBE_ERROR, UB_PROBE_ERROR_NOT_FOUND);
	case UB_SIM_FAULT_POWER:
		/* a probe that reads no voltage can only say the supply may have gone */
		return g_error_matches(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_POWER) ||
		       (g_error_matches(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK) &&
		        (strstr(error->message, "its supply went") != NULL ||
		         strstr(error->message, "it has no supply") != NULL));
	case UB_SIM_FAULT_NRST:
		/* before the chip was being changed, and while it was */
		return g_error_matches(error, UB_TARGET_ERROR, UB_TARGET_ERROR_WAS_RESET) ||
		       g_error_matches(error, UB_FLASH_ERROR, UB_FLASH_ERROR_INTERRUPTED);
	case UB_SIM_FAULT_WAIT:
		return g_error_matches(error, UB_TARGET_ERROR, UB_TARGET_ERROR_WAIT);
	case UB_SIM_FAULT_NOISE:
		return g_error_matches(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT);
	case UB_SIM_FAULT_USB_STALL:
		return g_error_matches(error, UB_PROBE_ERROR, UB_PROBE_ERROR_TIMEOUT);
	case UB_SIM_FAULT_KILL:
	default:
		return FALSE;
	}
}

/* what the journal says of the chip is all that differs: sectors it does not name hold
 * content A, sectors it confirms written hold the result */
static gboolean
journal_is_truthful(Op *op, UbFlashJournal *journal, GBytes *chip, GString *why)
{
	GArray *planned = ub_flash_journal_get_planned(journal);
	GArray *written = ub_flash_journal_get_written(journal);
	gboolean named[N_SECTORS] = {FALSE};
	gboolean ok = TRUE;

	if (!ub_flash_journal_get_chip_changed(journal)) {
		if (!g_bytes_equal(chip, op->original)) {
			g_string_append(why, "journal says nothing changed, but the chip differs; ");
			return FALSE;
		}
		return TRUE;
	}
	/* an erase of everything names no sectors one by one */
	if (ub_flash_journal_has_flag(journal, "erase-all") ||
	    ub_flash_journal_has_flag(journal, "mass-erase"))
		return TRUE;
	for (guint i = 0; i < planned->len; i++)
		named[g_array_index(planned, guint, i)] = TRUE;
	for (guint s = 0; s < N_SECTORS; s++) {
		if (!named[s] && !sector_equal(chip, op->original, s)) {
			g_string_append_printf(why, "sector %u changed but is not named; ", s);
			ok = FALSE;
		}
	}
	for (guint i = 0; i < written->len; i++) {
		guint s = g_array_index(written, guint, i);
		if (op->kind != UB_FLASH_JOB_KIND_ERASE && !sector_equal(chip, op->expected, s)) {
			g_string_append_printf(why, "sector %u confirmed written but differs; ", s);
			ok = FALSE;
		}
	}
	if (g_strcmp0(ub_flash_journal_get_stage(journal), "written") == 0) {
		for (guint s = 0; s < N_SECTORS; s++) {
			if (named[s] && !sector_equal(chip, op->expected, s)) {
				g_string_append_printf(why, "written in full, sector %u differs; ",
				                       s);
				ok = FALSE;
			}
		}
	}
	return ok;
}

/* (d): outside the plan, content A */
static gboolean
outside_plan_kept(Op *op, GBytes *chip, GString *why)
{
	gboolean ok = TRUE;

	for (guint s = 0; s < N_SECTORS; s++) {
		if (!op->plan[s] && !sector_equal(chip, op->original, s)) {
			g_string_append_printf(why, "sector %u outside the plan changed; ", s);
			ok = FALSE;
		}
	}
	return ok;
}

static gboolean
is_original(Op *op, UbFlashBackup *backup)
{
	return g_bytes_equal(ub_flash_backup_get_data(backup), op->original) &&
	       (ub_flash_backup_get_optcr(backup) & 0x0fffffecu) ==
	               (op->original_optcr & 0x0fffffecu) &&
	       ub_flash_backup_get_state(backup) == UB_FLASH_BACKUP_STATE_COMPLETE;
}

/* (c): the backup of the original is there, complete, and equal to content A; while a job is
 * left half done, it is the one restore proposes */
static gboolean
original_backed_up(Op *op, const char *dir, gboolean half_done, GString *why)
{
	g_autoptr(UbFlashBackup) backup = NULL;
	g_autoptr(GPtrArray) all = NULL;
	g_autoptr(GError) error = NULL;

	if (!op->has_backup)
		return TRUE;
	if (op->kind == UB_FLASH_JOB_KIND_BACKUP) {
		g_autofree char *file = g_build_filename(dir, "backup.bin", NULL);
		backup = ub_flash_backup_load(file, &error);
		if (backup == NULL || !is_original(op, backup)) {
			g_string_append_printf(why, "FILE is not the chip's backup: %s; ",
			                       error != NULL ? error->message : "differs");
			return FALSE;
		}
		return TRUE;
	}
	if (half_done) {
		backup = ub_flash_backup_find_last_complete(dir, op->uid, &error);
		if (backup == NULL || !is_original(op, backup)) {
			g_string_append_printf(
			        why, "restore would not propose the original: %s; ",
			        error != NULL ? error->message : ub_flash_backup_get_path(backup));
			return FALSE;
		}
		return TRUE;
	}
	all = ub_flash_backup_list(dir, NULL);
	for (guint i = 0; i < all->len; i++) {
		if (is_original(op, g_ptr_array_index(all, i)))
			return TRUE;
	}
	g_string_append(why, "no complete backup equals what was on the chip; ");
	return FALSE;
}

/* (b): after the rerun, the chip holds the expected result */
static gboolean
result_verified(Op *op, GBytes *chip, guint32 optcr, GString *why)
{
	if (!g_bytes_equal(chip, op->expected)) {
		g_string_append(why, "after the rerun the chip differs from the expected result; ");
		return FALSE;
	}
	if ((optcr & 0x0fffffecu) != (op->expected_optcr & 0x0fffffecu)) {
		g_string_append_printf(why, "after the rerun the option bytes are 0x%08x; ", optcr);
		return FALSE;
	}
	return TRUE;
}

static const char *
short_error(const GError *error)
{
	if (error->domain == UB_PROBE_ERROR) {
		switch (error->code) {
		case UB_PROBE_ERROR_DISCONNECTED:
			return "unplugged";
		case UB_PROBE_ERROR_NOT_FOUND:
			return "no probe";
		case UB_PROBE_ERROR_TIMEOUT:
			return "USB timeout";
		default:
			return "probe error";
		}
	}
	if (error->domain == UB_TARGET_ERROR) {
		switch (error->code) {
		case UB_TARGET_ERROR_NO_POWER:
			return "no power";
		case UB_TARGET_ERROR_NO_ACK:
			return "no answer";
		case UB_TARGET_ERROR_WAS_RESET:
			return "reset";
		case UB_TARGET_ERROR_WAIT:
			return "WAIT";
		case UB_TARGET_ERROR_FAULT:
			return "FAULT";
		default:
			return "target error";
		}
	}
	if (g_error_matches(error, UB_FLASH_ERROR, UB_FLASH_ERROR_INTERRUPTED))
		return "reset";
	return g_quark_to_string(error->domain);
}

static const char *
short_stage(UbFlashJobStage stage)
{
	switch (stage) {
	case UB_FLASH_JOB_STAGE_CHANGING:
		return "half";
	case UB_FLASH_JOB_STAGE_WRITTEN:
		return "unverified";
	case UB_FLASH_JOB_STAGE_DONE:
		return "done";
	case UB_FLASH_JOB_STAGE_NOT_STARTED:
	case UB_FLASH_JOB_STAGE_CONNECTED:
	case UB_FLASH_JOB_STAGE_BACKED_UP:
	default:
		return "untouched";
	}
}

/* the faults that stay until someone acts: put them right, as the person would */
static void
undo_fault(UbSimBoard *board, const Fault *fault, guint64 struck_at)
{
	UbSimClock *clock = ub_sim_board_get_clock(board);
	guint64 now = ub_sim_clock_get_ns(clock);

	/* a timed fault runs out before the person tries again */
	if (struck_at + fault->duration > now)
		ub_sim_clock_advance(clock, struck_at + fault->duration - now + NS_MS);
	ub_sim_faults_clear(ub_sim_board_get_faults(board));
	/* what the message says to do after a USB timeout: unplug and re-plug the probe */
	if (fault->kind == UB_SIM_FAULT_USB_STALL)
		ub_sim_faults_unplug(ub_sim_board_get_faults(board));
	ub_sim_faults_replug(ub_sim_board_get_faults(board));
	if (!ub_sim_mcu_get_powered(ub_sim_board_get_mcu(board)))
		ub_sim_mcu_set_powered(ub_sim_board_get_mcu(board), TRUE);
}

static void
cell_free(Cell *cell)
{
	g_free(cell->outcome);
	g_free(cell);
}

static Cell *
cell_new(const Op *op, const Fault *fault, guint point)
{
	Cell *cell = g_new0(Cell, 1);

	cell->op = op;
	cell->fault = fault;
	cell->point = point;
	g_ptr_array_add(cells, cell);
	return cell;
}

static void
cell_fail(Cell *cell, GString *why)
{
	g_test_message("%s/%s point %u (%s, %.3f ms): %s", cell->op->name, cell->fault->name,
	               cell->point, cell->op->point_phase[cell->point],
	               (double)cell->op->points[cell->point] / NS_MS, why->str);
}

/* one cell in-process: the operation with the fault struck at the point, then the same
 * operation again */
static void
run_cell(Op *op, const Fault *fault, guint point)
{
	g_autofree char *name = g_strdup_printf("%s-%s-%02u", op->name, fault->name, point);
	g_autofree char *dir = g_build_filename(matrix_dir, name, NULL);
	g_autofree char *jobs = g_build_filename(dir, "jobs", NULL);
	g_autoptr(UbSimBoard) board = NULL;
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(UbFlashJob) job = NULL;
	g_autoptr(UbFlashJob) rerun = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_rerun = NULL;
	g_autoptr(GBytes) after_fault = NULL;
	g_autoptr(GBytes) after_rerun = NULL;
	g_autoptr(GString) why = g_string_new(NULL);
	g_autoptr(UbFlashJournal) journal = NULL;
	UbSimMcu *mcu;
	Cell *cell = cell_new(op, fault, point);
	guint64 at;
	guint struck;
	gboolean ok;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	board = bench_new(op);
	mcu = ub_sim_board_get_mcu(board);
	device = ub_sim_board_new_device(board);
	job = job_new(op, device, dir);
	at = ub_sim_clock_get_ns(ub_sim_board_get_clock(board)) + op->points[point];
	struck = ub_sim_faults_get_struck(ub_sim_board_get_faults(board));
	ub_sim_faults_schedule(ub_sim_board_get_faults(board), fault->kind, at, fault->duration);
	ok = run_job(job, &error);
	g_assert_cmpuint(ub_sim_faults_get_struck(ub_sim_board_get_faults(board)), ==, struck + 1);
	after_fault = ub_sim_mcu_dump_flash(mcu);
	journal = ub_flash_journal_find(jobs, op->uid);
	/* (c) while the job is left half done, restore must propose the original */
	if (journal != NULL && ub_flash_journal_get_chip_changed(journal))
		cell->c = original_backed_up(op, dir, TRUE, why);
	else
		cell->c = TRUE;

	/* (a) */
	cell->a = TRUE;
	if (ok) {
		cell->outcome = g_strdup("done");
		if (!g_bytes_equal(after_fault, op->expected)) {
			g_string_append(why, "reported done, but the chip is not the result; ");
			cell->a = FALSE;
		}
	} else {
		g_autofree char *state = ub_flash_job_describe_chip(job);
		cell->outcome = g_strdup_printf("%s, %s", short_error(error),
		                                short_stage(ub_flash_job_get_stage(job)));
		if (!error_names_fault(fault, error)) {
			g_string_append_printf(why, "the message does not name the fault: %s; ",
			                       error->message);
			cell->a = FALSE;
		}
		if (strstr(error->message, state) == NULL) {
			g_string_append(why, "the message does not say the chip's state; ");
			cell->a = FALSE;
		}
		if (journal != NULL) {
			cell->a &= journal_is_truthful(op, journal, after_fault, why);
		} else if (!g_bytes_equal(after_fault, op->original)) {
			g_string_append(why, "no journal, but the chip changed; ");
			cell->a = FALSE;
		} else if (g_strcmp0(state, "nothing on the chip was changed") != 0) {
			g_string_append_printf(why, "unchanged chip described as: %s; ", state);
			cell->a = FALSE;
		}
	}
	cell->d = outside_plan_kept(op, after_fault, why);

	/* (b) the same command again: a new run of the program, which opens the probe afresh
	 * (the old handle does not survive a re-plug) */
	close_device(device);
	g_object_unref(device);
	undo_fault(board, fault, at);
	device = ub_sim_board_new_device(board);
	rerun = job_new(op, device, dir);
	cell->b = run_job(rerun, &error_rerun);
	if (!cell->b &&
	    g_error_matches(error_rerun, UB_TARGET_ERROR, UB_TARGET_ERROR_READ_PROTECTED) &&
	    strstr(error_rerun->message, "unlock --erase-all") != NULL &&
	    strstr(error_rerun->message, "restore --wipe-config") != NULL) {
		/* consent is the person's: the rerun cannot give it, the message says how */
		g_clear_error(&error_rerun);
		cell->b = follow_erase_all_and_restore(op, device, dir, &error_rerun);
		cell->followed = TRUE;
	}
	if (!cell->b)
		g_string_append_printf(why, "the rerun failed: %s; ", error_rerun->message);
	close_device(device);
	after_rerun = ub_sim_mcu_dump_flash(mcu);
	cell->b = cell->b && result_verified(op, after_rerun, ub_sim_mcu_get_option_bytes(mcu), why);
	cell->d = outside_plan_kept(op, after_rerun, why) && cell->d;
	/* (c) */
	cell->c = original_backed_up(op, dir, FALSE, why) && cell->c;
	if (why->len > 0)
		cell_fail(cell, why);
	ub_test_remove_tree(dir);
}

/* ---- the SIGKILL cells: unbrick-cli on a bench kept in a file ---- */

typedef struct {
	char *out;
	char *err;
	int status; /* -1: killed */
	int signal;
} CliRun;

static void
cli_run_clear(CliRun *run)
{
	g_clear_pointer(&run->out, g_free);
	g_clear_pointer(&run->err, g_free);
}

static void
cli_run(Op *op, const char *dir, const char *state, const char *fault, CliRun *run)
{
	g_autofree char *cli = g_test_build_filename(G_TEST_BUILT, "..", "app", "unbrick-cli", NULL);
	g_autofree char *jobs = g_build_filename(dir, "jobs", NULL);
	g_autofree char *file = g_build_filename(dir, "backup.bin", NULL);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_auto(GStrv) envp = g_get_environ();
	g_autoptr(GError) error = NULL;
	int wait_status = 0;

	envp = g_environ_setenv(envp, "UB_BACKUP_DIR", dir, TRUE);
	envp = g_environ_setenv(envp, "UB_STATE_DIR", jobs, TRUE);
	g_ptr_array_add(argv, cli);
	for (guint i = 0; op->cli[i] != NULL; i++) {
		const char *word = op->cli[i];
		if (g_strcmp0(word, "FILE") == 0)
			word = file;
		else if (g_strcmp0(word, "IMAGE") == 0)
			word = image_path;
		else if (g_strcmp0(word, "BACKUP") == 0)
			word = restore_path;
		g_ptr_array_add(argv, (gpointer)word);
	}
	if (op->flags & UB_FLASH_JOB_FLAG_ERASE_ALL_CONSENT)
		g_assert_cmpstr(op->cli[1], ==, "--erase-all");
	g_ptr_array_add(argv, (gpointer) "--sim");
	g_ptr_array_add(argv, (gpointer)op->bench);
	g_ptr_array_add(argv, (gpointer) "--sim-state");
	g_ptr_array_add(argv, (gpointer)state);
	if (fault != NULL) {
		g_ptr_array_add(argv, (gpointer) "--sim-fault");
		g_ptr_array_add(argv, (gpointer)fault);
	}
	g_ptr_array_add(argv, NULL);
	g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
	                           &run->out, &run->err, &wait_status, &error));
	g_assert_no_error(error);
	run->signal = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
	run->status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
}

static void
run_kill_cell(Op *op, const Fault *fault, guint point)
{
	g_autofree char *name = g_strdup_printf("%s-%s-%02u", op->name, fault->name, point);
	g_autofree char *dir = g_build_filename(matrix_dir, name, NULL);
	g_autofree char *jobs = g_build_filename(dir, "jobs", NULL);
	g_autofree char *state = g_build_filename(dir, "bench.state", NULL);
	g_autofree char *spec = NULL;
	g_autoptr(GString) why = g_string_new(NULL);
	g_autoptr(GBytes) after_kill = NULL;
	g_autoptr(GBytes) after_rerun = NULL;
	g_autoptr(UbFlashJournal) journal = NULL;
	g_autoptr(GError) error = NULL;
	Cell *cell = cell_new(op, fault, point);
	CliRun run = {0};
	guint32 optcr = 0;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	/* the bench's chip, content A, in its file */
	{
		g_autoptr(UbSimBoard) board = bench_new(op);
		g_assert_true(ub_sim_board_save_state(board, state, &error));
		g_assert_no_error(error);
	}
	spec = g_strdup_printf("kill@%" G_GUINT64_FORMAT "ns", op->points[point]);
	cli_run(op, dir, state, spec, &run);
	after_kill = ub_sim_state_read_flash(state, &optcr, &error);
	g_assert_no_error(error);
	journal = ub_flash_journal_find(jobs, op->uid);
	cell->c = journal == NULL || !ub_flash_journal_get_chip_changed(journal) ||
	          original_backed_up(op, dir, TRUE, why);
	if (run.signal != SIGKILL) {
		g_string_append_printf(why, "not killed (exit %d): %s; ", run.status, run.err);
		cell->outcome = g_strdup("not killed");
	} else {
		cell->outcome = g_strdup(journal == NULL || !ub_flash_journal_get_chip_changed(journal)
		                                 ? "killed, untouched"
		                                 : "killed, half");
	}
	cli_run_clear(&run);
	cell->d = outside_plan_kept(op, after_kill, why);

	/* (b) the same command again; (a) it starts by saying what the killed run left */
	cli_run(op, dir, state, NULL, &run);
	cell->a = TRUE;
	if (journal != NULL && ub_flash_journal_get_chip_changed(journal)) {
		g_autofree char *chip = ub_flash_journal_describe_chip(journal);
		g_autofree char *found = g_strdup_printf("an interrupted %s",
		                                         ub_flash_journal_get_job(journal));
		cell->a = journal_is_truthful(op, journal, after_kill, why);
		if (strstr(run.err, found) == NULL || strstr(run.err, chip) == NULL) {
			g_string_append_printf(why, "the next start does not say what was left: %s; ",
			                       run.err);
			cell->a = FALSE;
		}
	} else if (!g_bytes_equal(after_kill, op->original)) {
		g_string_append(why, "no journal of a changed chip; ");
		cell->a = FALSE;
	}
	cell->b = run.status == 0;
	if (!cell->b)
		g_string_append_printf(why, "the rerun failed (exit %d): %s; ", run.status, run.err);
	cli_run_clear(&run);
	after_rerun = ub_sim_state_read_flash(state, &optcr, &error);
	g_assert_no_error(error);
	cell->b = cell->b && result_verified(op, after_rerun, optcr, why);
	cell->d = outside_plan_kept(op, after_rerun, why) && cell->d;
	cell->c = original_backed_up(op, dir, FALSE, why) && cell->c;
	if (why->len > 0)
		cell_fail(cell, why);
	ub_test_remove_tree(dir);
}

/* ---- the tests ---- */

typedef struct {
	Op *op;
	const Fault *fault;
} Case;

static void
test_cells(gconstpointer data)
{
	const Case *c = data;
	guint before = cells->len;
	guint broken = 0;

	if (c->op->duration == 0)
		reference(c->op);
	for (guint p = 0; p < POINTS; p++) {
		if (c->fault->kind == UB_SIM_FAULT_KILL)
			run_kill_cell(c->op, c->fault, p);
		else
			run_cell(c->op, c->fault, p);
	}
	for (guint i = before; i < cells->len; i++) {
		Cell *cell = g_ptr_array_index(cells, i);
		broken += !(cell->a && cell->b && cell->c && cell->d);
	}
	g_assert_cmpuint(broken, ==, 0);
}

/* ---- the results, for tools/reliability.py ---- */

/* tab-separated: one "op" line per operation, one "cell" line per cell */
static void
write_results(const char *path)
{
	g_autoptr(GString) out = g_string_new("# fault matrix results (tests/test-fault-matrix.c)\n");
	g_autoptr(GError) error = NULL;

	for (guint o = 0; o < G_N_ELEMENTS(ops); o++) {
		Op *op = &ops[o];
		g_autoptr(GString) plan = g_string_new(NULL);

		if (op->duration == 0)
			continue;
		for (guint s = 0; s < N_SECTORS; s++)
			if (op->plan[s])
				g_string_append_printf(plan, "%s%u", plan->len > 0 ? " " : "", s);
		g_string_append_printf(out, "op\t%s\t%s\t%s\t%.1f\t%s\t%s\n", op->name, op->title,
		                       op->bench, (double)op->duration / NS_MS, plan->str,
		                       op->has_backup ? "backup" : "no-backup");
	}
	for (guint f = 0; f < G_N_ELEMENTS(faults); f++)
		g_string_append_printf(out, "fault\t%s\t%s\n", faults[f].name, faults[f].what);
	for (guint i = 0; i < cells->len; i++) {
		Cell *cell = g_ptr_array_index(cells, i);
		g_string_append_printf(out, "cell\t%s\t%s\t%u\t%.3f\t%s\t%s%s\t%d\t%d\t%d\t%d\n",
		                       cell->op->name, cell->fault->name, cell->point + 1,
		                       (double)cell->op->points[cell->point] / NS_MS,
		                       cell->op->point_phase[cell->point], cell->outcome,
		                       cell->followed ? ", read-protected†" : "", cell->a, cell->b,
		                       cell->c, cell->d);
	}
	g_assert_true(g_file_set_contents(path, out->str, -1, &error));
	g_assert_no_error(error);
}

static void
make_inputs(void)
{
	g_autoptr(UbImage) image = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(UbSimBoard) board = NULL;
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(UbFlashJob) job = NULL;
	g_autofree char *dir = g_build_filename(matrix_dir, "inputs", NULL);

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	/* the image to flash: VESC-like, HW 410, like the bench's own */
	image = ub_firmware_demo_image_new("410", UB_FIRMWARE_LAYOUT_384K, &error);
	g_assert_no_error(error);
	bytes = ub_image_flatten(image, 0xff, &error);
	g_assert_no_error(error);
	image_path = g_build_filename(dir, "demo-410.bin", NULL);
	g_assert_true(g_file_set_contents(image_path, g_bytes_get_data(bytes, NULL),
	                                  (gssize)g_bytes_get_size(bytes), &error));

	/* the backup to restore: the same chip at another time (other code in sectors 0 and 6,
	 * sector 5 blank) */
	board = bench_new(&ops[2]);
	load(board, 0x08000100, 0x33, 0x100);
	load(board, 0x08020000, 0xff, 0x1000);
	load(board, 0x08040000, 0x77, 0x2000);
	device = ub_sim_board_new_device(board);
	job = ub_flash_job_new(device, UB_FLASH_JOB_KIND_BACKUP);
	restore_path = g_build_filename(dir, "earlier.bin", NULL);
	ub_flash_job_set_backup_file(job, restore_path);
	g_assert_true(run_job(job, &error));
	g_assert_no_error(error);
	close_device(device);
}

int
main(int argc, char **argv)
{
	g_autofree char *only = NULL;
	g_autofree char *doc = NULL;
	g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func(g_free);
	const GOptionEntry entries[] = {
	        {"op", 0, 0, G_OPTION_ARG_STRING, &only, "Only this operation", "NAME"},
	        {"results", 0, 0, G_OPTION_ARG_FILENAME, &doc,
	         "Write every cell to FILE (tools/reliability.py makes the document)", "FILE"},
	        {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(GError) error = NULL;
	int status;

	g_test_init(&argc, &argv, NULL);
	g_option_context_add_main_entries(context, entries, NULL);
	g_option_context_set_ignore_unknown_options(context, TRUE);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("%s\n", error->message);
		return 1;
	}
	loop = g_main_loop_new(NULL, FALSE);
	cells = g_ptr_array_new_with_free_func((GDestroyNotify)cell_free);
	matrix_dir = g_dir_make_tmp("ub-fault-matrix-XXXXXX", &error);
	g_assert_no_error(error);
	make_inputs();
	for (guint o = 0; o < G_N_ELEMENTS(ops); o++) {
		if (only != NULL && g_strcmp0(only, ops[o].name) != 0)
			continue;
		for (guint f = 0; f < G_N_ELEMENTS(faults); f++) {
			Case *c = g_new0(Case, 1);
			g_autofree char *path =
			        g_strdup_printf("/matrix/%s/%s", ops[o].name, faults[f].name);
			c->op = &ops[o];
			c->fault = &faults[f];
			g_ptr_array_add(cases, c);
			g_test_add_data_func(path, c, test_cells);
		}
	}
	status = g_test_run();
	if (doc != NULL)
		write_results(doc);
	ub_test_remove_tree(matrix_dir);
	for (guint o = 0; o < G_N_ELEMENTS(ops); o++) {
		Op *op = &ops[o];
		g_clear_object(&op->board);
		g_clear_pointer(&op->bench_flash, g_bytes_unref);
		g_clear_pointer(&op->original, g_bytes_unref);
		g_clear_pointer(&op->expected, g_bytes_unref);
		g_clear_pointer(&op->uid, g_free);
		for (guint i = 0; i < POINTS; i++)
			g_clear_pointer(&op->point_phase[i], g_free);
	}
	g_ptr_array_unref(cells);
	g_main_loop_unref(loop);
	g_free(matrix_dir);
	g_free(image_path);
	g_free(restore_path);
	return status;
}
