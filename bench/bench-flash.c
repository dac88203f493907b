/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-flash: flashes a 393 KB VESC image (with backup and verify) onto the simulated FOCBOX
 * and prints what it cost on the simulator's virtual clock against the physical lower bound,
 * and the USB round trips against st-flash and OpenOCD doing the same through unbrick-sim.
 * Then the same over the simulated CMSIS-DAP probes (full-speed USB), against OpenOCD with
 * interface/cmsis-dap.cfg on the same probe.
 * Figures, not a test: run it directly or with `meson test --benchmark`.
 *
 *   bench-flash [--board focbox] [--image FILE] [--old FILE] [--unbrick-sim PATH]
 *               [--flash-timing typical|max] [--no-cmsis-dap]
 *
 * The chip takes DS8626's typical erase and programming times (or the maximum, with
 * --flash-timing max) whatever the bench says, for unbrick and the peers alike, so that the
 * figures compare with each other and with the lower bound.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ub-flash-job.h"
#include "ub-image-loader.h"
#include "ub-sim-board.h"

/* an SWD write or read of one word: 8 request + 1 turnaround + 3 ACK + 1 turnaround +
 * 32 data + 1 parity clocks (ADIv5 §B4.2), idle cycles not counted */
#define SWD_CLOCKS_PER_WORD 46
/* UbTarget's SWD clock (core/target/ub-target.c), the one stlink-org and OpenOCD also default to */
#define SWD_KHZ 1800
/* DS8626: an erase takes at most twice its typical time, an element 100 µs */
#define PROGRAM_MAX_US 100

static UbSimFlashTiming bench_timing = UB_SIM_FLASH_TIMING_TYPICAL;

typedef struct {
	GMainLoop *loop;
	GAsyncResult *result;
} Wait;

static void
wait_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Wait *wait = user_data;
	wait->result = g_object_ref(result);
	g_main_loop_quit(wait->loop);
}

static GAsyncResult *
wait_run(Wait *wait)
{
	g_clear_object(&wait->result);
	g_main_loop_run(wait->loop);
	return wait->result;
}

typedef struct {
	gboolean ok;
	guint64 ns;
	guint64 round_trips;
	guint64 usb_ns;
	guint64 swd_ns;
	guint swd_khz;	     /* the SWCLK the probe really makes */
	guint max_in_flight; /* most commands sent before their replies were read */
	UbFlashStats stats;
	GArray *sectors;
	UbFlashPsize psize;
} Run;

static double
ms(guint64 ns)
{
	return (double)ns / 1e6;
}

static gboolean
run_unbrick(const char *board_name, const char *old, UbImage *image, gboolean backup, Run *run,
            GError **error)
{
	g_autoptr(UbDevice) device = ub_sim_device_new(board_name, NULL);
	g_autoptr(UbFlashJob) job = ub_flash_job_new(device, UB_FLASH_JOB_KIND_FLASH);
	g_autofree char *dir = g_dir_make_tmp("ub-bench-XXXXXX", NULL);
	UbSimProbeStats before = {0};
	UbSimProbeStats after = {0};
	UbSimBoard *board;
	UbSimProbe *probe;
	UbSimClock *clock;
	guint64 start;
	Wait wait = {g_main_loop_new(NULL, FALSE), NULL};
	gboolean ok;

	ub_device_open_async(device, NULL, wait_cb, &wait);
	if (!ub_device_open_finish(device, wait_run(&wait), error))
		return FALSE;
	board = ub_sim_board_from_device(device);
	ub_sim_mcu_set_flash_timing(ub_sim_board_get_mcu(board), bench_timing,
	                            g_str_hash(board_name));
	if (old != NULL && !ub_sim_board_load_flash_file(board, old, error))
		return FALSE;
	clock = ub_sim_board_get_clock(board);
	probe = ub_sim_board_get_probe(board);
	ub_sim_probe_get_stats(probe, &before);
	start = ub_sim_clock_get_ns(clock);

	ub_flash_job_set_image(job, image);
	ub_flash_job_set_backup_dir(job, dir);
	ub_flash_job_set_flags(job, backup ? UB_FLASH_JOB_FLAG_NONE : UB_FLASH_JOB_FLAG_NO_BACKUP);
	ub_flash_job_run_async(job, NULL, NULL, wait_cb, &wait);
	ok = ub_flash_job_run_finish(job, wait_run(&wait), error);

	run->ns = ub_sim_clock_get_ns(clock) - start;
	ub_sim_probe_get_stats(probe, &after);
	run->swd_khz = ub_sim_probe_get_swd_khz(probe);
	run->max_in_flight = after.max_in_flight;
	run->round_trips = after.round_trips - before.round_trips;
	run->usb_ns = after.usb_ns - before.usb_ns;
	run->swd_ns = after.swd_ns - before.swd_ns;
	ub_flash_job_get_stats(job, &run->stats);
	run->ok = ok;
	{
		g_autoptr(JsonNode) node = ub_flash_job_to_json(job);
		JsonObject *object = json_node_get_object(node);
		JsonArray *sectors = json_object_get_array_member(object, "sectors_erased");
		run->sectors = g_array_new(FALSE, FALSE, sizeof(guint));
		for (guint i = 0; i < json_array_get_length(sectors); i++) {
			guint s = (guint)json_array_get_int_element(sectors, i);
			g_array_append_val(run->sectors, s);
		}
		run->psize = json_object_get_int_member(object, "parallelism") == 32
		                     ? UB_FLASH_PSIZE_X32
		             : json_object_get_int_member(object, "parallelism") == 16
		                     ? UB_FLASH_PSIZE_X16
		                     : UB_FLASH_PSIZE_X8;
	}
	if (ub_flash_job_get_backup_path(job) != NULL) {
		g_autofree char *sidecar =
		        ub_flash_backup_sidecar_path(ub_flash_job_get_backup_path(job));
		g_unlink(ub_flash_job_get_backup_path(job));
		g_unlink(sidecar);
	}
	g_rmdir(dir);
	g_clear_object(&wait.result);
	g_main_loop_unref(wait.loop);
	return ok;
}

/* a peer tool through unbrick-sim: its report's round trips and modelled time */
static gboolean
run_peer(const char *unbrick_sim, const char *board, const char *old, const char *const *argv,
         Run *run)
{
	g_autofree char *dir = g_dir_make_tmp("ub-bench-XXXXXX", NULL);
	g_autofree char *report = g_build_filename(dir, "report.json", NULL);
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	gint status = 0;
	JsonObject *root;
	JsonObject *usb;
	JsonObject *times;

	g_ptr_array_add(args, (gpointer)unbrick_sim);
	g_ptr_array_add(args, (gpointer) "--board");
	g_ptr_array_add(args, (gpointer)board);
	g_ptr_array_add(args, (gpointer) "--flash");
	g_ptr_array_add(args, (gpointer)old);
	g_ptr_array_add(args, (gpointer) "--report");
	g_ptr_array_add(args, report);
	g_ptr_array_add(args, (gpointer) "--flash-timing");
	g_ptr_array_add(args, (gpointer)ub_sim_flash_timing_to_string(bench_timing));
	g_ptr_array_add(args, (gpointer) "--");
	for (guint i = 0; argv[i] != NULL; i++)
		g_ptr_array_add(args, (gpointer)argv[i]);
	g_ptr_array_add(args, NULL);
	if (!g_spawn_sync(NULL, (char **)args->pdata, NULL,
	                  G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
	                          G_SPAWN_STDERR_TO_DEV_NULL,
	                  NULL, NULL, NULL, NULL, &status, &error) ||
	    !json_parser_load_from_file(parser, report, &error)) {
		g_printerr("  (%s failed: %s)\n", argv[0], error != NULL ? error->message : "");
		return FALSE;
	}
	run->ok = g_spawn_check_wait_status(status, NULL);
	/* the board's report (core/sim/ub-sim-board.c): usb.round_trips, time_ms.clock */
	root = json_node_get_object(json_parser_get_root(parser));
	usb = json_object_get_object_member(root, "usb");
	times = json_object_get_object_member(root, "time_ms");
	if (usb == NULL || times == NULL) {
		g_printerr("  (%s: report without usb/time_ms)\n", argv[0]);
		return FALSE;
	}
	run->round_trips = (guint64)json_object_get_int_member_with_default(usb, "round_trips", 0);
	run->ns = (guint64)(json_object_get_double_member_with_default(times, "clock", 0) * 1e6);
	run->usb_ns = (guint64)(json_object_get_double_member_with_default(times, "usb", 0) * 1e6);
	run->swd_ns = (guint64)(json_object_get_double_member_with_default(times, "swd", 0) * 1e6);
	run->max_in_flight = (guint)json_object_get_int_member_with_default(usb, "max_in_flight", 0);
	g_unlink(report);
	g_rmdir(dir);
	return TRUE;
}

static const UbFlashSector f405[] = {
        {0, 0x08000000, 0x4000},  {1, 0x08004000, 0x4000},   {2, 0x08008000, 0x4000},
        {3, 0x0800c000, 0x4000},  {4, 0x08010000, 0x10000},  {5, 0x08020000, 0x20000},
        {6, 0x08040000, 0x20000}, {7, 0x08060000, 0x20000},  {8, 0x08080000, 0x20000},
        {9, 0x080a0000, 0x20000}, {10, 0x080c0000, 0x20000}, {11, 0x080e0000, 0x20000},
};

static void
print_bound(const char *title, Run *run)
{
	gboolean max = bench_timing == UB_SIM_FLASH_TIMING_MAX;
	guint64 erase_ns = 0;
	guint64 program_ns = (run->stats.bytes_programmed >> run->psize) *
	                     (max ? PROGRAM_MAX_US : UB_STM32F4_PROGRAM_US) * 1000;
	guint64 read_words = run->stats.bytes_read / 4;
	guint64 upload_words = run->stats.bytes_programmed / 4;
	guint khz = run->swd_khz != 0 ? run->swd_khz : SWD_KHZ;
	guint64 read_ns = read_words * SWD_CLOCKS_PER_WORD * 1000000 / khz;
	guint64 upload_ns = upload_words * SWD_CLOCKS_PER_WORD * 1000000 / khz;
	guint64 bound;
	guint64 overlapped;

	for (guint i = 0; i < run->sectors->len; i++) {
		guint s = g_array_index(run->sectors, guint, i);
		erase_ns += ub_flash_stm32f4_erase_time_us(f405[s].size, run->psize) * 1000 *
		            (max ? 2 : 1);
	}
	bound = read_ns + erase_ns + program_ns + upload_ns;
	/* the loader programs while the next data crosses SWD */
	overlapped = read_ns + MAX(erase_ns + program_ns, upload_ns);
	g_print("%s\n", title);
	g_print("  modelled time        %10.1f ms  (USB %.1f ms, SWD %.1f ms)\n", ms(run->ns),
	        ms(run->usb_ns), ms(run->swd_ns));
	if (run->max_in_flight > 0)
		g_print("  USB round trips      %10" G_GUINT64_FORMAT
		        "  (at most %u in flight; SWCLK %u kHz)\n",
		        run->round_trips, run->max_in_flight, khz);
	else
		g_print("  USB round trips      %10" G_GUINT64_FORMAT "\n", run->round_trips);
	g_print("  lower bound          %10.1f ms  = backup SWD %.1f + erase %.1f (%u sectors, "
	        "x%u) + program %.1f + upload SWD %.1f\n",
	        ms(bound), ms(read_ns), ms(erase_ns), run->sectors->len, 8u << run->psize,
	        ms(program_ns), ms(upload_ns));
	g_print("  ratio                %10.3f  (target <= 1.15)\n",
	        (double)run->ns / (double)bound);
	g_print("  overlapped bound     %10.1f ms  (upload hidden behind erase+program), ratio "
	        "%.3f\n",
	        ms(overlapped), (double)run->ns / (double)overlapped);
	g_print("  bytes: read %" G_GUINT64_FORMAT ", found erased %" G_GUINT64_FORMAT
	        ", programmed %" G_GUINT64_FORMAT "; loader %s\n",
	        run->stats.bytes_read, run->stats.bytes_blank, run->stats.bytes_programmed,
	        run->stats.stub_failed ? "failed"
	        : run->stats.used_stub ? "used"
	                               : "not used");
}

/* full-speed USB carries at most 19 bulk packets of 64 bytes in a 1 ms frame (USB 2.0
 * §5.8.4): the image's bytes out and the verify's bytes back cannot cross faster */
#define FULL_SPEED_BYTES_PER_MS (19u * 64u)

static void
print_cmsis_dap_run(const char *title, Run *run)
{
	g_print("  %-24s %9.1f ms  (USB %.1f ms, SWD %.1f ms)  %6" G_GUINT64_FORMAT
	        " round trips, at most %u in flight%s\n",
	        title, ms(run->ns), ms(run->usb_ns), ms(run->swd_ns), run->round_trips,
	        run->max_in_flight, run->ok ? "" : " (failed)");
}

/* unbrick and OpenOCD (interface/cmsis-dap.cfg, usb_bulk) on the same simulated CMSIS-DAP probe */
static void
bench_cmsis_dap(const char *board, const char *title, const char *unbrick_sim,
                const char *image_path, const char *old_path, UbImage *image)
{
	g_autoptr(GError) error = NULL;
	Run with_backup = {0};
	Run without_backup = {0};
	Run openocd = {0};
	guint64 usb_bytes;

	g_print("\n%s: bench '%s'\n", title, board);
	if (!run_unbrick(board, old_path, image, FALSE, &without_backup, &error)) {
		g_print("  unbrick --no-backup failed: %s\n", error->message);
		return;
	}
	if (!run_unbrick(board, old_path, image, TRUE, &with_backup, &error)) {
		g_print("  unbrick (with backup) failed: %s\n", error->message);
		return;
	}
	print_cmsis_dap_run("unbrick (with backup)", &with_backup);
	print_cmsis_dap_run("unbrick --no-backup", &without_backup);
	if (unbrick_sim != NULL && g_file_test(unbrick_sim, G_FILE_TEST_IS_EXECUTABLE)) {
		g_autofree char *program =
		        g_strdup_printf("program %s 0x08000000 verify reset exit", image_path);
		const char *oo_argv[] = {"openocd",
		                         "-f",
		                         "interface/cmsis-dap.cfg",
		                         "-c",
		                         "cmsis_dap_backend usb_bulk",
		                         "-f",
		                         "target/stm32f4x.cfg",
		                         "-c",
		                         program,
		                         NULL};
		if (run_peer(unbrick_sim, board, old_path, oo_argv, &openocd)) {
			print_cmsis_dap_run("openocd program verify", &openocd);
			if (openocd.ok)
				g_print("  unbrick --no-backup / openocd: %.1fx fewer round trips, "
				        "%.1fx less time\n",
				        (double)openocd.round_trips /
				                (double)MAX(without_backup.round_trips, 1),
				        (double)openocd.ns / (double)MAX(without_backup.ns, 1));
		}
	} else
		g_print("  openocd                  n/a (unbrick-sim not available)\n");
	/* what must cross USB for the no-backup run: the image out, the verify read back */
	usb_bytes = without_backup.stats.bytes_programmed + without_backup.stats.bytes_read;
	g_print("  full-speed USB bound     %9.1f ms  (%" G_GUINT64_FORMAT " bytes at %u bytes/ms)\n",
	        (double)usb_bytes / FULL_SPEED_BYTES_PER_MS, usb_bytes, FULL_SPEED_BYTES_PER_MS);
	print_bound("  unbrick --no-backup against the SWD bound:", &without_backup);
	g_array_unref(with_backup.sectors);
	g_array_unref(without_backup.sectors);
}

int
main(int argc, char **argv)
{
	g_autofree char *board = g_strdup("focbox");
	g_autofree char *image_path = NULL;
	g_autofree char *old_path = NULL;
	g_autofree char *unbrick_sim = NULL;
	g_autofree char *timing = NULL;
	gboolean no_cmsis_dap = FALSE;
	const GOptionEntry entries[] = {
	        {"board", 0, 0, G_OPTION_ARG_STRING, &board, "Simulated bench", "NAME"},
	        {"image", 0, 0, G_OPTION_ARG_FILENAME, &image_path, "Image to flash", "FILE"},
	        {"old", 0, 0, G_OPTION_ARG_FILENAME, &old_path, "What the chip holds before",
	         "FILE"},
	        {"unbrick-sim", 0, 0, G_OPTION_ARG_FILENAME, &unbrick_sim,
	         "unbrick-sim, to run st-flash and OpenOCD", "PATH"},
	        {"flash-timing", 0, 0, G_OPTION_ARG_STRING, &timing,
	         "Erase and programming times: typical (default) or max", "TIMING"},
	        {"no-cmsis-dap", 0, 0, G_OPTION_ARG_NONE, &no_cmsis_dap,
	         "Leave out the CMSIS-DAP probes", NULL},
	        {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(UbImage) image = NULL;
	const char *fw = g_getenv("UB_TEST_FIRMWARE_DIR");
	Run with_backup = {0};
	Run without_backup = {0};
	Run stflash = {0};
	Run openocd = {0};
	gboolean have_stflash = FALSE;
	gboolean have_openocd = FALSE;

	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("%s\n", error->message);
		return 2;
	}
	if (timing != NULL && (!ub_sim_flash_timing_from_string(timing, &bench_timing) ||
	                       bench_timing == UB_SIM_FLASH_TIMING_DRAWN)) {
		g_printerr("bench-flash: --flash-timing is typical or max\n");
		return 2;
	}
	if (fw == NULL)
		fw = "tests/data/firmware";
	if (image_path == NULL)
		image_path =
		        g_build_filename(fw, "vesc-fw-5.02-410_o_411_o_412-VESC_default.bin", NULL);
	if (old_path == NULL)
		old_path =
		        g_build_filename(fw, "vesc-fw-3.55-410_o_411_o_412-VESC_default.bin", NULL);
	image = ub_image_new_from_file(image_path, 0x08000000, &error);
	if (image == NULL) {
		g_printerr("bench-flash: %s\n", error->message);
		return 77;
	}

	g_print("bench-flash: %s (%" G_GSIZE_FORMAT " bytes) onto simulated '%s' holding %s\n",
	        image_path, ub_image_get_data_size(image), board, old_path);
	g_print("SWD clock %u kHz; %s flash times (DS8626); times on the simulator's virtual "
	        "clock\n\n",
	        (guint)SWD_KHZ, ub_sim_flash_timing_to_string(bench_timing));
	if (!run_unbrick(board, old_path, image, TRUE, &with_backup, &error)) {
		g_printerr("bench-flash: flash with backup failed: %s\n", error->message);
		return 1;
	}
	print_bound("unbrick flash (backup + erase + program + verify)", &with_backup);
	if (!run_unbrick(board, old_path, image, FALSE, &without_backup, &error)) {
		g_printerr("bench-flash: flash without backup failed: %s\n", error->message);
		return 1;
	}
	print_bound("\nunbrick flash --no-backup (erase + program + verify; like the tools below)",
	            &without_backup);

	g_print("\npeers through unbrick-sim (erase + program + verify, no backup)\n");
	if (unbrick_sim != NULL && g_file_test(unbrick_sim, G_FILE_TEST_IS_EXECUTABLE)) {
		const char *st_argv[] = {"st-flash", "--reset",    "write",
		                         image_path, "0x08000000", NULL};
		g_autofree char *program =
		        g_strdup_printf("program %s 0x08000000 verify reset exit", image_path);
		const char *oo_argv[] = {
		        "openocd", "-f", "interface/stlink.cfg", "-f", "target/stm32f4x.cfg", "-c",
		        program,   NULL};
		have_stflash = run_peer(unbrick_sim, board, old_path, st_argv, &stflash);
		have_openocd = run_peer(unbrick_sim, board, old_path, oo_argv, &openocd);
	}
	if (have_stflash)
		g_print("  st-flash --reset write   %8.1f ms  %6" G_GUINT64_FORMAT
		        " round trips%s\n",
		        ms(stflash.ns), stflash.round_trips, stflash.ok ? "" : " (failed)");
	else
		g_print("  st-flash                 n/a (unbrick-sim not available)\n");
	if (have_openocd)
		g_print("  openocd program verify   %8.1f ms  %6" G_GUINT64_FORMAT
		        " round trips%s\n",
		        ms(openocd.ns), openocd.round_trips, openocd.ok ? "" : " (failed)");
	else
		g_print("  openocd                  n/a (unbrick-sim not available)\n");
	if (have_stflash || have_openocd) {
		guint64 best = G_MAXUINT64;
		if (have_stflash && stflash.ok)
			best = MIN(best, stflash.round_trips);
		if (have_openocd && openocd.ok)
			best = MIN(best, openocd.round_trips);
		if (best != G_MAXUINT64)
			g_print("  round trips: best peer %" G_GUINT64_FORMAT
			        " / unbrick --no-backup %" G_GUINT64_FORMAT
			        " = %.2fx fewer (target >= 2)\n",
			        best, without_backup.round_trips,
			        (double)best / (double)MAX(without_backup.round_trips, 1));
	}
	if (!no_cmsis_dap) {
		g_print("\nCMSIS-DAP probes (full-speed USB, 64-byte packets); OpenOCD with "
		        "interface/cmsis-dap.cfg, cmsis_dap_backend usb_bulk\n");
		bench_cmsis_dap("focbox-debugprobe", "Raspberry Pi Debug Probe (debugprobe)",
		                unbrick_sim, image_path, old_path, image);
		bench_cmsis_dap("focbox-daplink", "DAPLink (LPC11U35, one packet)", unbrick_sim,
		                image_path, old_path, image);
	}
	g_array_unref(with_backup.sectors);
	g_array_unref(without_backup.sectors);
	return 0;
}
