/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the simulator used to hide and real silicon does not: firmware DMA that keeps writing
 * SRAM while the core is halted, a watchdog or a reset in the middle of an erase, the
 * datasheet's maximum flash times, a probe left with a stale reply, old probe firmware, debug
 * left enabled on the way out. Each case runs the production path (UbDevice, UbFlashJob,
 * UbProbeStlink) on a simulated bench (audit-f4-flash.md, audit-stlink-driver.md; the
 * outcomes are listed in docs/audit-outcomes.md).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-connect-ladder.h"
#include "ub-error.h"
#include "ub-flash-job.h"
#include "ub-image-bin.h"
#include "ub-sim-board.h"
#include "ub-sim-firmware.h"
#include "ub-target.h"

#define FLASH_SR 0x40023C0Cu
#define DBGMCU_APB1_FZ 0xE0042008u
#define DHCSR 0xE000EDF0u
#define DMA2_S4CR 0x40026470u
#define ADC_BUFFER 0x20000C00u

/* ---- helpers ---- */

typedef struct {
	GMainLoop *loop;
	GAsyncResult *result;
} Wait;

static void
wait_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Wait *wait = user_data;

	g_set_object(&wait->result, result);
	g_main_loop_quit(wait->loop);
}

static GAsyncResult *
wait_run(Wait *wait)
{
	if (wait->loop == NULL)
		wait->loop = g_main_loop_new(NULL, FALSE);
	g_clear_object(&wait->result);
	g_main_loop_run(wait->loop);
	return wait->result;
}

static void
wait_clear(Wait *wait)
{
	g_clear_object(&wait->result);
	g_clear_pointer(&wait->loop, g_main_loop_unref);
}

/* a VESC-like image with dense code: demo-410 (vector table, HW "410" marker) plus @dense
 * bytes of varied data from sector 4 on, so that the loader's slots fill up as with a real
 * VESC image */
static GBytes *
dense_image_of(gsize dense)
{
	g_autoptr(GBytes) demo = ub_sim_firmware_lookup("demo-410");
	gsize demo_len = g_bytes_get_size(demo);
	gsize len = 0x10000 + dense;
	guint8 *data = g_malloc(len);
	guint32 x = 0x12345678u;

	memset(data, 0xFF, len);
	memcpy(data, g_bytes_get_data(demo, NULL), MIN(demo_len, len));
	for (gsize i = 0x10000; i < len; i++) {
		x = x * 1664525u + 1013904223u;
		data[i] = (guint8)(x >> 24);
	}
	return g_bytes_new_take(data, len);
}

static GBytes *
dense_image(void)
{
	return dense_image_of(0xC000);
}

static UbImage *
image_from_bytes(GBytes *bytes)
{
	UbImage *image = g_object_new(UB_TYPE_IMAGE_BIN, NULL);

	ub_image_add_bytes(image, 0x08000000u, bytes);
	return image;
}

static UbSimBoard *
board_load(const char *name)
{
	g_autoptr(GError) error = NULL;
	UbSimBoard *board = ub_sim_board_new_from_name(name, &error);

	g_assert_no_error(error);
	return board;
}

/* a bench from a data file written here (name must match the file) */
static UbSimBoard *
board_from_json(const char *dir, const char *name, const char *json)
{
	g_autofree char *file = g_strconcat(name, ".json", NULL);
	g_autofree char *path = g_build_filename(dir, file, NULL);
	g_autoptr(GError) error = NULL;
	UbSimBoard *board;

	g_assert_true(g_file_set_contents(path, json, -1, NULL));
	board = ub_sim_board_new_from_file(path, &error);
	g_assert_no_error(error);
	g_unlink(path);
	return board;
}

static gboolean
run_job(UbFlashJob *job, const char *dir, GError **error)
{
	Wait wait = {0};
	gboolean ok;

	ub_flash_job_set_backup_dir(job, dir);
	ub_flash_job_run_async(job, NULL, NULL, wait_cb, &wait);
	ok = ub_flash_job_run_finish(job, wait_run(&wait), error);
	wait_clear(&wait);
	return ok;
}

static gboolean
flash_image(UbDevice *device, GBytes *bytes, UbFlashJobFlags flags, const char *dir,
            GError **error)
{
	g_autoptr(UbFlashJob) job = ub_flash_job_new(device, UB_FLASH_JOB_KIND_FLASH);
	g_autoptr(UbImage) image = image_from_bytes(bytes);

	ub_flash_job_set_image(job, image);
	ub_flash_job_set_flags(job, flags);
	return run_job(job, dir, error);
}

static void
close_device(UbDevice *device)
{
	Wait wait = {0};
	g_autoptr(GError) error = NULL;

	ub_device_close_async(device, NULL, wait_cb, &wait);
	if (!ub_device_close_finish(device, wait_run(&wait), &error))
		g_test_message("close: %s", error->message);
	wait_clear(&wait);
}

/* the chip's flash holds @bytes from 0x08000000 */
static void
assert_flash_holds(UbSimBoard *board, GBytes *bytes)
{
	g_autoptr(GBytes) flash = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(board));
	gsize len = g_bytes_get_size(bytes);

	g_assert_cmpmem(g_bytes_get_data(flash, NULL), len, g_bytes_get_data(bytes, NULL), len);
}

static guint32
ap_read(UbSimBoard *board, guint32 address)
{
	guint32 value = 0;

	g_assert_cmpint(ub_sim_mcu_ap_read(ub_sim_board_get_mcu(board), address, 4, &value), ==,
	                UB_SIM_ACCESS_OK);
	return value;
}

static char *
make_dir(void)
{
	g_autoptr(GError) error = NULL;
	char *dir = g_dir_make_tmp("ub-silicon-XXXXXX", &error);

	g_assert_no_error(error);
	return dir;
}

static void
remove_dir(const char *dir)
{
	g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
	const char *name;

	while (handle != NULL && (name = g_dir_read_name(handle)) != NULL) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		g_unlink(path);
	}
	g_rmdir(dir);
}

/* ---- DMA, caches and the watchdog of a running VESC (audit F1, F2, F7) ---- */

/* The dma-adc firmware runs: ADC samples stream into SRAM at 0x20000C00 by circular DMA, the
 * data cache holds its literal pools, the IWDG (17.6 ms) runs. A flash job halts it without a
 * reset, puts the loader and its ring across that SRAM, erases the sectors the firmware's
 * code was cached from, and must end verified. NO_RESET: the chip never resets at all. */
static void
test_flash_over_running_dma(void)
{
	g_autofree char *dir = make_dir();
	g_autoptr(UbSimBoard) board = board_load("focbox-dma");
	g_autoptr(UbDevice) device = ub_sim_board_new_device(board);
	/* 192 KiB: every slot of the loader's ring carries a full 16 KiB piece at some point */
	g_autoptr(GBytes) image = dense_image_of(0x30000);
	g_autoptr(GError) error = NULL;
	UbSimMcuStats before, after;

	/* it is running: the buffer changes and the stream is on */
	g_assert_cmphex(ap_read(board, DMA2_S4CR) & 1, ==, 1);
	ub_sim_mcu_get_stats(ub_sim_board_get_mcu(board), &before);
	flash_image(device, image, UB_FLASH_JOB_FLAG_NO_RESET, dir, &error);
	g_assert_no_error(error);
	ub_sim_mcu_get_stats(ub_sim_board_get_mcu(board), &after);
	g_assert_cmpuint(after.resets, ==, before.resets);
	g_assert_cmpuint(after.flash_interrupted, ==, 0);
	assert_flash_holds(board, image);
	/* the stream is off, the DMA clock given back, and nothing moves any more */
	g_assert_cmphex(ap_read(board, DMA2_S4CR) & 1, ==, 0);
	g_assert_cmpuint(after.dma_transfers, >, before.dma_transfers);
	{
		UbSimMcuStats later;
		ub_sim_clock_advance(ub_sim_board_get_clock(board), 100 * UB_SIM_NS_PER_MS);
		ub_sim_mcu_get_stats(ub_sim_board_get_mcu(board), &later);
		g_assert_cmpuint(later.dma_transfers, ==, after.dma_transfers);
	}
	close_device(device);
	remove_dir(dir);
}

typedef struct {
	UbSimBoard *board;
	gboolean done;
} Saboteur;

/* once an erase is under way, the watchdog freeze goes (what no engine can prevent: the
 * IWDG then resets the chip within its 17.6 ms) */
static void
unfreeze_during_erase(gpointer user_data, guint64 start_ns, guint64 step_ns)
{
	Saboteur *saboteur = user_data;
	UbSimMcu *mcu = ub_sim_board_get_mcu(saboteur->board);
	guint32 sr = 0;

	if (saboteur->done ||
	    ub_sim_mcu_ap_read(mcu, FLASH_SR, 4, &sr) != UB_SIM_ACCESS_OK || !(sr & (1u << 16)))
		return;
	ub_sim_mcu_ap_write(mcu, DBGMCU_APB1_FZ, 4, 0);
	saboteur->done = TRUE;
}

/* a reset of the chip while the loader programs (NRST pulled, or the supply dipping) */
static void
reset_while_programming(gpointer user_data, guint64 start_ns, guint64 step_ns)
{
	Saboteur *saboteur = user_data;
	UbSimMcu *mcu = ub_sim_board_get_mcu(saboteur->board);
	UbSimMcuStats stats;

	ub_sim_mcu_get_stats(mcu, &stats);
	if (saboteur->done || stats.bytes_programmed < 8192)
		return;
	ub_sim_mcu_set_nrst_low(mcu, TRUE);
	ub_sim_mcu_set_nrst_low(mcu, FALSE);
	saboteur->done = TRUE;
}

/* An erase cut short by the watchdog is reported as interrupted (after the reset BSY reads
 * clear with no error flag: that must not pass for success), and the sector is left half
 * erased, as silicon leaves it (audit F2, F5). */
static void
test_watchdog_interrupts_erase(void)
{
	g_autofree char *dir = make_dir();
	g_autoptr(UbSimBoard) board = board_load("focbox-dma");
	g_autoptr(UbDevice) device = ub_sim_board_new_device(board);
	g_autoptr(UbFlashJob) job = ub_flash_job_new(device, UB_FLASH_JOB_KIND_ERASE);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) flash = NULL;
	const guint sectors[] = {4};
	Saboteur saboteur = {board, FALSE};
	UbSimMcuStats stats;
	const guint8 *bytes;
	gboolean erased = TRUE;

	ub_sim_clock_add_ticker(ub_sim_board_get_clock(board), unfreeze_during_erase, &saboteur);
	ub_flash_job_set_sectors(job, sectors, G_N_ELEMENTS(sectors));
	ub_flash_job_set_flags(job, UB_FLASH_JOB_FLAG_NO_BACKUP);
	g_assert_false(run_job(job, dir, &error));
	ub_sim_clock_remove_ticker(ub_sim_board_get_clock(board), unfreeze_during_erase,
	                           &saboteur);
	g_assert_true(saboteur.done);
	g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_INTERRUPTED);
	g_test_message("%s", error->message);
	g_assert_nonnull(strstr(error->message, "sector 4"));
	g_assert_cmpint(ub_flash_job_get_stage(job), ==, UB_FLASH_JOB_STAGE_CHANGING);
	ub_sim_mcu_get_stats(ub_sim_board_get_mcu(board), &stats);
	g_assert_cmpuint(stats.flash_interrupted, ==, 1);
	g_assert_cmpint(ub_sim_mcu_get_last_reset(ub_sim_board_get_mcu(board)), ==,
	                UB_SIM_RESET_WATCHDOG);
	flash = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(board));
	bytes = g_bytes_get_data(flash, NULL);
	for (gsize i = 0x10000; i < 0x20000 && erased; i++)
		erased = bytes[i] == 0xFF;
	g_assert_false(erased);
	close_device(device);
	remove_dir(dir);
}

/* the chip resets while the loader programs: the loader is gone with it, and its control
 * block in SRAM (which survives a system reset) reads "running" for ever; the job says the
 * chip reset, at once, instead of waiting out a time-out and blaming the flash */
static void
test_reset_while_loader_programs(void)
{
	g_autofree char *dir = make_dir();
	g_autoptr(UbSimBoard) board = board_load("focbox");
	g_autoptr(UbDevice) device = ub_sim_board_new_device(board);
	g_autoptr(GBytes) image = dense_image();
	g_autoptr(GError) error = NULL;
	Saboteur saboteur = {board, FALSE};
	guint64 start = ub_sim_clock_get_ns(ub_sim_board_get_clock(board));

	ub_sim_clock_add_ticker(ub_sim_board_get_clock(board), reset_while_programming, &saboteur);
	g_assert_false(flash_image(device, image, UB_FLASH_JOB_FLAG_NO_BACKUP, dir, &error));
	ub_sim_clock_remove_ticker(ub_sim_board_get_clock(board), reset_while_programming,
	                           &saboteur);
	g_assert_true(saboteur.done);
	g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_INTERRUPTED);
	g_test_message("%s (after %.1f s)", error->message,
	               (ub_sim_clock_get_ns(ub_sim_board_get_clock(board)) - start) / 1e9);
	g_clear_error(&error);
	/* running the same command again completes it */
	g_assert_true(flash_image(device, image, UB_FLASH_JOB_FLAG_NO_BACKUP, dir, &error));
	g_assert_no_error(error);
	assert_flash_holds(board, image);
	close_device(device);
	remove_dir(dir);
}

/* ---- every bench at the datasheet's maximum flash times (audit F6) ---- */

/* the outcome of a flash (with its backup) on @name with every erase and element taking
 * @timing: NULL when it verified */
static GError *
flash_bench(const char *name, UbSimFlashTiming timing, GBytes *image, guint64 *ns)
{
	g_autofree char *dir = make_dir();
	g_autoptr(UbSimBoard) board = board_load(name);
	g_autoptr(UbDevice) device = NULL;
	GError *error = NULL;
	guint64 start;

	ub_sim_mcu_set_flash_timing(ub_sim_board_get_mcu(board), timing, 1);
	device = ub_sim_board_new_device(board);
	start = ub_sim_clock_get_ns(ub_sim_board_get_clock(board));
	if (flash_image(device, image, UB_FLASH_JOB_FLAG_NONE, dir, &error))
		assert_flash_holds(board, image);
	*ns = ub_sim_clock_get_ns(ub_sim_board_get_clock(board)) - start;
	close_device(device);
	remove_dir(dir);
	return error;
}

/* every time-out of the engine covers the maxima: a bench ends as it does with typical
 * times, only later */
static void
test_bench_at_max_timing(gconstpointer user_data)
{
	const char *name = user_data;
	g_autoptr(GBytes) image = dense_image();
	g_autoptr(GError) typical = NULL;
	g_autoptr(GError) max = NULL;
	guint64 typical_ns = 0;
	guint64 max_ns = 0;

	typical = flash_bench(name, UB_SIM_FLASH_TIMING_TYPICAL, image, &typical_ns);
	max = flash_bench(name, UB_SIM_FLASH_TIMING_MAX, image, &max_ns);
	g_test_message("%s: typical %.2f s %s, max %.2f s %s", name, typical_ns / 1e9,
	               typical != NULL ? typical->message : "verified", max_ns / 1e9,
	               max != NULL ? max->message : "verified");
	if (typical == NULL) {
		g_assert_no_error(max);
		g_assert_cmpuint(max_ns, >, typical_ns);
		return;
	}
	g_assert_nonnull(max);
	g_assert_cmpuint(max->domain, ==, typical->domain);
	g_assert_cmpint(max->code, ==, typical->code);
}

/* removing read protection mass-erases at x8 (32 s at the maximum): done within its time */
static void
test_unlock_at_max_timing(void)
{
	g_autofree char *dir = make_dir();
	g_autoptr(UbSimBoard) board = board_load("focbox-rdp1");
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(UbFlashJob) job = NULL;
	g_autoptr(GError) error = NULL;

	ub_sim_mcu_set_flash_timing(ub_sim_board_get_mcu(board), UB_SIM_FLASH_TIMING_MAX, 1);
	device = ub_sim_board_new_device(board);
	job = ub_flash_job_new(device, UB_FLASH_JOB_KIND_UNLOCK);
	ub_flash_job_set_flags(job, UB_FLASH_JOB_FLAG_ERASE_ALL_CONSENT);
	g_assert_true(run_job(job, dir, &error));
	g_assert_no_error(error);
	g_assert_cmphex(ub_sim_mcu_get_option_bytes(ub_sim_board_get_mcu(board)) & 0xFF00, ==,
	                0xAA00);
	close_device(device);
	remove_dir(dir);
}

/* ---- the probe ---- */

/* what another program left in the probe: a reply it never read, or a write whose data it
 * never sent. The next program's open drains the one and resets the probe for the other
 * (audit D1). */
static void
test_stale_probe_state(gconstpointer user_data)
{
	gboolean half_write = GPOINTER_TO_INT(user_data);
	g_autoptr(UbSimBoard) board = board_load("focbox");
	UbSimStlink *stlink = ub_sim_board_get_stlink(board);
	const UbSimUsbIdentity *id = ub_sim_stlink_get_identity(stlink);
	guint8 enter[16] = {0xF2, 0x30, 0xA3};
	/* READMEM 4 KiB, or WRITEMEM 1 KiB without its data */
	guint8 memory[16] = {0xF2, 0x07, 0x00, 0x00, 0x00, 0x20, 0x00, 0x10};
	guint8 reply[64];
	gsize reply_bytes = 0, data_bytes = 0;
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(UbTargetInfo) info = NULL;
	Wait wait = {0};

	if (half_write) {
		memory[1] = 0x08;
		memory[7] = 0x04;
	}
	ub_sim_stlink_bulk_out(stlink, id->endpoint_out, enter, sizeof(enter));
	g_assert_cmpint(ub_sim_stlink_bulk_in(stlink, id->endpoint_in, reply, sizeof(reply)), ==,
	                2);
	ub_sim_stlink_bulk_out(stlink, id->endpoint_out, memory, sizeof(memory));
	if (!half_write)
		g_assert_cmpint(ub_sim_stlink_bulk_in(stlink, id->endpoint_in, reply,
		                                      sizeof(reply)),
		                ==, 64);
	ub_sim_stlink_get_pending(stlink, &reply_bytes, &data_bytes);
	g_assert_cmpuint(reply_bytes + data_bytes, >, 0);

	device = ub_sim_board_new_device(board);
	ub_device_read_info_async(device, NULL, wait_cb, &wait);
	info = ub_device_read_info_finish(device, wait_run(&wait), &error);
	g_assert_no_error(error);
	g_assert_nonnull(info);
	g_assert_cmphex(ub_target_info_get_dev_id(info), ==, 0x413);
	wait_clear(&wait);
	close_device(device);
}

/* Old probe firmware (clones ship it): V2J17 has no SWD_SET_FREQ (the clock stays at
 * 1.8 MHz), no 16-bit commands and no INIT_AP. At 2.5 V the flash wants x16, which direct
 * writes do bytewise through such a probe (audit D4); the loader path needs only 32-bit. */
static void
test_old_probe_firmware(gconstpointer user_data)
{
	gboolean loader = GPOINTER_TO_INT(user_data);
	g_autofree char *dir = make_dir();
	g_autoptr(UbSimBoard) board = board_from_json(
	        dir, "old-clone",
	        "{ \"name\": \"old-clone\", \"vdd_mv\": 2500, \"flash\": [ { \"image\": "
	        "\"demo-410\" } ], \"probe\": { \"kind\": \"stlink-v2\", \"firmware\": "
	        "\"V2J17S4\" } }");
	g_autoptr(UbDevice) device = ub_sim_board_new_device(board);
	g_autoptr(GBytes) image = dense_image();
	g_autoptr(GError) error = NULL;

	g_assert_true(flash_image(device, image,
	                          loader ? UB_FLASH_JOB_FLAG_NONE : UB_FLASH_JOB_FLAG_NO_LOADER,
	                          dir, &error));
	g_assert_no_error(error);
	assert_flash_holds(board, image);
	close_device(device);
	remove_dir(dir);
}

/* below J13 there is no voltage reading: programmed bytewise, the safe width */
static void
test_probe_without_voltage(void)
{
	g_autofree char *dir = make_dir();
	g_autoptr(UbSimBoard) board = board_from_json(
	        dir, "older-clone",
	        "{ \"name\": \"older-clone\", \"flash\": [ { \"image\": \"demo-410\" } ], "
	        "\"probe\": { \"kind\": \"stlink-v2\", \"firmware\": \"V2J12S0\" } }");
	g_autoptr(UbDevice) device = ub_sim_board_new_device(board);
	g_autoptr(UbFlashJob) job = ub_flash_job_new(device, UB_FLASH_JOB_KIND_FLASH);
	g_autoptr(GBytes) bytes = dense_image();
	g_autoptr(UbImage) image = image_from_bytes(bytes);
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) json = NULL;

	ub_flash_job_set_image(job, image);
	g_assert_true(run_job(job, dir, &error));
	g_assert_no_error(error);
	json = ub_flash_job_to_json(job);
	g_assert_cmpint(json_object_get_int_member(json_node_get_object(json), "parallelism"), ==,
	                8);
	assert_flash_holds(board, bytes);
	close_device(device);
	remove_dir(dir);
}

/* firmware without SWD: refused at once, with what to do (audit D3) */
static void
test_probe_without_swd(void)
{
	g_autofree char *dir = make_dir();
	g_autoptr(UbSimBoard) board = board_from_json(
	        dir, "swim-only",
	        "{ \"name\": \"swim-only\", \"probe\": { \"kind\": \"stlink-v2\", \"firmware\": "
	        "\"V2J0S7\" } }");
	g_autoptr(UbDevice) device = ub_sim_board_new_device(board);
	g_autoptr(GError) error = NULL;
	g_autoptr(UbTargetInfo) info = NULL;
	Wait wait = {0};

	ub_device_read_info_async(device, NULL, wait_cb, &wait);
	info = ub_device_read_info_finish(device, wait_run(&wait), &error);
	g_assert_null(info);
	g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED);
	g_assert_nonnull(strstr(error->message, "STSW-LINK007"));
	wait_clear(&wait);
	remove_dir(dir);
}

/* ---- leaving the chip (audit D9) ---- */

static gpointer
halt_then_run_job(UbDevice *device, gpointer data, UbProgress *progress,
                  GCancellable *cancellable, GError **error)
{
	UbTarget *target;
	gboolean run = GPOINTER_TO_INT(data);

	if (!ub_device_connect(device, cancellable, error))
		return NULL;
	target = ub_device_get_target(device);
	if (!ub_target_halt(target, error))
		return NULL;
	if (run && !ub_target_run(target, error))
		return NULL;
	return GINT_TO_POINTER(TRUE);
}

/* a running core is left with halting debug off, a halted one halted */
static void
test_release_debug_on_close(void)
{
	for (guint run = 0; run < 2; run++) {
		g_autoptr(UbSimBoard) board = board_load("focbox");
		g_autoptr(UbDevice) device = ub_sim_board_new_device(board);
		g_autoptr(GError) error = NULL;
		Wait wait = {0};
		guint32 dhcsr;

		ub_device_run_job_async(device, halt_then_run_job, GINT_TO_POINTER(run), NULL,
		                        NULL, NULL, NULL, wait_cb, &wait);
		g_assert_nonnull(ub_device_run_job_finish(device, wait_run(&wait), &error));
		g_assert_no_error(error);
		wait_clear(&wait);
		close_device(device);
		dhcsr = ap_read(board, DHCSR);
		if (run) {
			g_assert_cmphex(dhcsr & 1, ==, 0);
			g_assert_cmphex(ap_read(board, 0xE000EDFCu) & 0x7F1u, ==, 0);
		} else {
			g_assert_cmphex(dhcsr & (1u << 17), ==, 1u << 17);
		}
	}
}

/* ---- the reset pin (audit D10) ---- */

static gboolean
command_is(GBytes *command, guint8 b0, guint8 b1, gint b2)
{
	const guint8 *data = g_bytes_get_data(command, NULL);

	return data[0] == b0 && data[1] == b1 && (b2 < 0 || data[2] == (guint8)b2);
}

static void
ladder_event_cb(const UbLadderEvent *event, gpointer user_data)
{
}

/* under reset: NRST low before ENTER, and again right after it (OpenOCD's order: before ENTER
 * the probe may not know which pin is its reset), then released */
static void
test_nrst_again_after_enter(void)
{
	g_autoptr(UbSimBoard) board = board_load("focbox-bricked-genuine");
	g_autoptr(UbDevice) device = ub_sim_board_new_device(board);
	UbSimStlink *stlink = ub_sim_board_get_stlink(board);
	g_autoptr(GPtrArray) trace = NULL;
	g_autoptr(GError) error = NULL;
	UbLadderResult *result;
	UbLadderOptions options;
	Wait wait = {0};
	gint enter = -1;

	ub_sim_stlink_set_trace(stlink, TRUE);
	ub_ladder_options_init(&options);
	options.allow = UB_LADDER_ALLOW_UNDER_RESET;
	ub_connect_ladder_run_async(device, &options, ladder_event_cb, NULL, NULL, NULL, wait_cb,
	                            &wait);
	ub_ladder_options_clear(&options);
	result = ub_connect_ladder_run_finish(device, wait_run(&wait), &error);
	g_assert_no_error(error);
	g_assert_nonnull(result);
	ub_ladder_result_free(result);
	wait_clear(&wait);
	trace = ub_sim_stlink_take_trace(stlink);
	for (guint i = 0; i < trace->len; i++) {
		GBytes *command = g_ptr_array_index(trace, i);
		if (enter < 0 && command_is(command, 0xF2, 0x3C, 0x00) && i + 1 < trace->len &&
		    command_is(g_ptr_array_index(trace, i + 1), 0xF2, 0x30, 0xA3))
			enter = (gint)i + 1;
	}
	g_assert_cmpint(enter, >, 0);
	/* the next NRST command after ENTER asserts it again, before it is released */
	for (guint i = (guint)enter + 1; i < trace->len; i++) {
		GBytes *command = g_ptr_array_index(trace, i);
		if (command_is(command, 0xF2, 0x3C, -1)) {
			g_assert_true(command_is(command, 0xF2, 0x3C, 0x00));
			break;
		}
	}
	close_device(device);
}

int
main(int argc, char **argv)
{
	g_auto(GStrv) benches = NULL;

	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/silicon/flash-over-running-dma", test_flash_over_running_dma);
	g_test_add_func("/silicon/watchdog-interrupts-erase", test_watchdog_interrupts_erase);
	g_test_add_func("/silicon/reset-while-loader-programs", test_reset_while_loader_programs);
	g_test_add_func("/silicon/unlock-at-max-timing", test_unlock_at_max_timing);
	g_test_add_data_func("/silicon/stale-probe/reply", GINT_TO_POINTER(FALSE),
	                     test_stale_probe_state);
	g_test_add_data_func("/silicon/stale-probe/half-write", GINT_TO_POINTER(TRUE),
	                     test_stale_probe_state);
	g_test_add_data_func("/silicon/old-probe-firmware/direct", GINT_TO_POINTER(FALSE),
	                     test_old_probe_firmware);
	g_test_add_data_func("/silicon/old-probe-firmware/loader", GINT_TO_POINTER(TRUE),
	                     test_old_probe_firmware);
	g_test_add_func("/silicon/probe-without-voltage", test_probe_without_voltage);
	g_test_add_func("/silicon/probe-without-swd", test_probe_without_swd);
	g_test_add_func("/silicon/release-debug-on-close", test_release_debug_on_close);
	g_test_add_func("/silicon/nrst-again-after-enter", test_nrst_again_after_enter);
	/* every bench of the shared set, once more at the maximum flash times */
	benches = ub_sim_board_list_names();
	for (guint i = 0; benches[i] != NULL; i++) {
		g_autofree char *path = g_strdup_printf("/silicon/max-timing/%s", benches[i]);
		g_test_add_data_func_full(path, g_strdup(benches[i]), test_bench_at_max_timing,
		                          g_free);
	}
	return g_test_run();
}
