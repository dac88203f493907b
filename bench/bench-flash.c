/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-flash: flashes a VESC 6 image over an older VESC firmware on the simulated FOCBOX
 * (with backup, without, and the same image again), then st-flash and OpenOCD through
 * unbrick-sim, then unbrick and OpenOCD on a simulated CMSIS-DAP probe, and prints for
 * each path its USB round trips, its time on the simulator's virtual clock, the bound the
 * hardware cannot beat for that job and the ratio of the two (docs/performance.md).
 * Figures, not a test: run it directly or with `meson test --benchmark`.
 *
 *   bench-flash [--board focbox] [--cmsis-dap-board focbox-debugprobe] [--image FILE]
 *               [--old FILE] [--unbrick-sim PATH] [--flash-timing typical|max]
 *               [--no-cmsis-dap] [--json]
 *
 * The chip takes DS8626's typical erase and programming times (or the maximum, with
 * --flash-timing max) whatever the bench says, for unbrick and the peers alike, so that the
 * figures compare with each other and with the bound. --json prints one object with one
 * member per path, each with round_trips, modelled_ms, bound_ms, ratio.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

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

/* the loader's slot: the most data one PROGRAM command takes (core/flash/ub-flash-stm32f4.c) */
#define FIRST_CHUNK_MAX 0x4000u
/* RM0090 §4.3: the CRC unit takes a word in 4 AHB cycles; 168 MHz is the fastest AHB clock
 * (DS8626), so no check of the image on chip can be quicker */
#define CRC_NS_PER_WORD_MIN (4.0 * 1000.0 / 168.0)

/* What the hardware cannot beat for one run, from what the run had to do (its sectors
 * erased, its words programmed, the bytes its backup read) at its SWD clock:
 *   flash busy: the erase of each changed sector at the chosen PSIZE (DS8626 typical, or
 *     the maximum with --flash-timing max) plus 16 µs (100 µs) per programmed element, or
 *     the SWD time to upload the programmed words when a slow link makes that longer;
 *   what cannot overlap it: the first chunk's upload when no erase runs before it to hide
 *     it, the check of the image by the CRC unit at 168 MHz, the reset (one SWD write);
 *   with a backup: the SWD time to read the part of the chip that is not blank.
 * USB time is not in it: a probe that pipelines can hide USB behind SWD. */
typedef struct {
	guint64 erase_ns;
	guint64 program_ns;
	guint64 upload_ns; /* all programmed words over SWD: on a slow link longer than the flash */
	guint64 first_upload_ns;
	guint64 check_ns;
	guint64 reset_ns;
	guint64 backup_ns;
	guint khz;
} Bound;

static guint64
bound_total(const Bound *bound)
{
	return MAX(bound->erase_ns + bound->program_ns, bound->upload_ns) +
	       bound->first_upload_ns + bound->check_ns + bound->reset_ns + bound->backup_ns;
}

static guint64
swd_words_ns(guint64 words, guint khz)
{
	return words * SWD_CLOCKS_PER_WORD * 1000000 / khz;
}

static void
bound_for(const Run *run, gsize image_size, Bound *bound)
{
	gboolean max = bench_timing == UB_SIM_FLASH_TIMING_MAX;

	memset(bound, 0, sizeof(*bound));
	bound->khz = run->swd_khz != 0 ? run->swd_khz : SWD_KHZ;
	for (guint i = 0; i < run->sectors->len; i++) {
		guint s = g_array_index(run->sectors, guint, i);
		bound->erase_ns += ub_flash_stm32f4_erase_time_us(f405[s].size, run->psize) * 1000 *
		                   (max ? 2 : 1);
	}
	bound->program_ns = (run->stats.bytes_programmed >> run->psize) *
	                    (max ? PROGRAM_MAX_US : UB_STM32F4_PROGRAM_US) * 1000;
	bound->upload_ns = swd_words_ns(run->stats.bytes_programmed / 4, bound->khz);
	if (run->sectors->len == 0 && run->stats.bytes_programmed > 0 &&
	    bound->upload_ns < bound->erase_ns + bound->program_ns)
		bound->first_upload_ns =
		        swd_words_ns(MIN(run->stats.bytes_programmed, FIRST_CHUNK_MAX) / 4, bound->khz);
	bound->check_ns = (guint64)((double)(image_size / 4) * CRC_NS_PER_WORD_MIN);
	bound->reset_ns = swd_words_ns(1, bound->khz);
	bound->backup_ns = swd_words_ns(run->stats.bytes_read / 4, bound->khz);
}

static void
print_run(const char *title, const Run *run, const Bound *bound)
{
	guint64 total = bound_total(bound);

	g_print("%s%s\n", title, run->ok ? "" : " (FAILED)");
	g_print("  modelled time     %9.1f ms  (USB %.1f ms, SWD %.1f ms); %" G_GUINT64_FORMAT
	        " round trips, at most %u in flight; SWCLK %u kHz\n",
	        ms(run->ns), ms(run->usb_ns), ms(run->swd_ns), run->round_trips,
	        run->max_in_flight, bound->khz);
	g_print("  bound             %9.1f ms  = max(erase %.1f (%u sectors, x%u) + program %.1f, "
	        "SWD upload %.1f) + first upload %.1f + check %.1f + reset %.3f + backup read "
	        "%.1f\n",
	        ms(total), ms(bound->erase_ns), run->sectors->len, 8u << run->psize,
	        ms(bound->program_ns), ms(bound->upload_ns), ms(bound->first_upload_ns),
	        ms(bound->check_ns), ms(bound->reset_ns), ms(bound->backup_ns));
	g_print("  ratio             %9.3f\n", (double)run->ns / (double)MAX(total, 1));
	g_print("  bytes: read %" G_GUINT64_FORMAT ", found erased %" G_GUINT64_FORMAT
	        ", programmed %" G_GUINT64_FORMAT "; loader %s\n",
	        run->stats.bytes_read, run->stats.bytes_blank, run->stats.bytes_programmed,
	        run->stats.stub_failed ? "failed"
	        : run->stats.used_stub ? "used"
	                               : "not used");
}

/* one path of the table: a run and the bound it is measured against */
typedef struct {
	const char *key; /* member of the --json object */
	const char *title;
	gboolean done;
	Run run;
	guint64 bound_ns;
} Path;

static void
path_set(Path *path, const Run *run, guint64 bound_ns)
{
	path->run = *run;
	path->bound_ns = bound_ns;
	path->done = TRUE;
}

static double
path_ratio(const Path *path)
{
	return (double)path->run.ns / (double)MAX(path->bound_ns, 1);
}

static void
print_table(const Path *paths, guint n)
{
	g_print("\n%-34s %11s %12s %10s %7s\n", "path", "round trips", "modelled ms", "bound ms",
	        "ratio");
	for (guint i = 0; i < n; i++) {
		const Path *path = &paths[i];
		if (!path->done) {
			g_print("%-34s %11s %12s %10s %7s\n", path->title, "n/a", "", "", "");
			continue;
		}
		g_print("%-34s %11" G_GUINT64_FORMAT " %12.1f %10.1f %7.3f%s\n", path->title,
		        path->run.round_trips, ms(path->run.ns), ms(path->bound_ns),
		        path_ratio(path), path->run.ok ? "" : "  (failed)");
	}
}

static void
print_json(const Path *paths, guint n)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *text = NULL;

	json_builder_begin_object(builder);
	for (guint i = 0; i < n; i++) {
		const Path *path = &paths[i];
		if (!path->done)
			continue;
		json_builder_set_member_name(builder, path->key);
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "round_trips");
		json_builder_add_int_value(builder, (gint64)path->run.round_trips);
		json_builder_set_member_name(builder, "modelled_ms");
		json_builder_add_double_value(builder, ms(path->run.ns));
		json_builder_set_member_name(builder, "bound_ms");
		json_builder_add_double_value(builder, ms(path->bound_ns));
		json_builder_set_member_name(builder, "ratio");
		json_builder_add_double_value(builder, path_ratio(path));
		json_builder_set_member_name(builder, "ok");
		json_builder_add_boolean_value(builder, path->run.ok);
		if (path->run.swd_khz != 0) {
			json_builder_set_member_name(builder, "swd_khz");
			json_builder_add_int_value(builder, path->run.swd_khz);
		}
		json_builder_end_object(builder);
	}
	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	json_generator_set_root(generator, root);
	json_generator_set_pretty(generator, TRUE);
	text = json_generator_to_data(generator, NULL);
	g_print("%s\n", text);
}

enum {
	PATH_BACKUP,
	PATH_NO_BACKUP,
	PATH_SAME_IMAGE,
	PATH_ST_FLASH,
	PATH_OPENOCD,
	PATH_CMSIS_DAP,
	PATH_OPENOCD_CMSIS_DAP,
	PATH_COUNT
};

int
main(int argc, char **argv)
{
	g_autofree char *board = g_strdup("focbox");
	g_autofree char *cmsis_dap_board = g_strdup("focbox-debugprobe");
	g_autofree char *image_path = NULL;
	g_autofree char *old_path = NULL;
	g_autofree char *unbrick_sim = NULL;
	g_autofree char *timing = NULL;
	gboolean no_cmsis_dap = FALSE;
	gboolean json = FALSE;
	const GOptionEntry entries[] = {
	        {"board", 0, 0, G_OPTION_ARG_STRING, &board, "Simulated bench", "NAME"},
	        {"cmsis-dap-board", 0, 0, G_OPTION_ARG_STRING, &cmsis_dap_board,
	         "Simulated bench with a CMSIS-DAP probe", "NAME"},
	        {"image", 0, 0, G_OPTION_ARG_FILENAME, &image_path, "Image to flash", "FILE"},
	        {"old", 0, 0, G_OPTION_ARG_FILENAME, &old_path, "What the chip holds before",
	         "FILE"},
	        {"unbrick-sim", 0, 0, G_OPTION_ARG_FILENAME, &unbrick_sim,
	         "unbrick-sim, to run st-flash and OpenOCD", "PATH"},
	        {"flash-timing", 0, 0, G_OPTION_ARG_STRING, &timing,
	         "Erase and programming times: typical (default) or max", "TIMING"},
	        {"no-cmsis-dap", 0, 0, G_OPTION_ARG_NONE, &no_cmsis_dap,
	         "Leave out the CMSIS-DAP probe", NULL},
	        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object, one member per path",
	         NULL},
	        {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(UbImage) image = NULL;
	const char *fw = g_getenv("UB_TEST_FIRMWARE_DIR");
	gboolean have_sim;
	gsize image_size;
	Path paths[PATH_COUNT] = {
	        [PATH_BACKUP] = {"unbrick_backup", "unbrick (with backup)"},
	        [PATH_NO_BACKUP] = {"unbrick_no_backup", "unbrick --no-backup"},
	        [PATH_SAME_IMAGE] = {"unbrick_same_image", "unbrick, the same image again"},
	        [PATH_ST_FLASH] = {"st_flash", "st-flash --reset write"},
	        [PATH_OPENOCD] = {"openocd", "openocd program verify"},
	        [PATH_CMSIS_DAP] = {"unbrick_cmsis_dap", "unbrick --no-backup, CMSIS-DAP"},
	        [PATH_OPENOCD_CMSIS_DAP] = {"openocd_cmsis_dap", "openocd, CMSIS-DAP"},
	};
	Bound bound_no_backup = {0};
	Bound bound_cmsis_dap = {0};

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
	/* a VESC 6 image over an older VESC firmware, as a FOCBOX update goes */
	if (image_path == NULL)
		image_path =
		        g_build_filename(fw, "vesc-fw-6.05-410_o_411_o_412-VESC_default.bin", NULL);
	if (old_path == NULL)
		old_path =
		        g_build_filename(fw, "vesc-fw-5.02-410_o_411_o_412-VESC_default.bin", NULL);
	image = ub_image_new_from_file(image_path, 0x08000000, &error);
	if (image == NULL) {
		g_printerr("bench-flash: %s\n", error->message);
		return 77;
	}
	image_size = ub_image_get_data_size(image);
	have_sim = unbrick_sim != NULL && g_file_test(unbrick_sim, G_FILE_TEST_IS_EXECUTABLE);

	if (!json) {
		g_print("bench-flash: %s (%" G_GSIZE_FORMAT " bytes) onto simulated '%s' holding "
		        "%s\n",
		        image_path, image_size, board, old_path);
		g_print("%s flash times (DS8626); times on the simulator's virtual clock\n\n",
		        ub_sim_flash_timing_to_string(bench_timing));
	}
	for (guint p = PATH_BACKUP; p <= PATH_SAME_IMAGE; p++) {
		Run run = {0};
		Bound bound = {0};
		gboolean backup = p != PATH_NO_BACKUP;
		const char *old = p == PATH_SAME_IMAGE ? image_path : old_path;

		if (!run_unbrick(board, old, image, backup, &run, &error)) {
			g_printerr("bench-flash: %s failed: %s\n", paths[p].title, error->message);
			return 1;
		}
		bound_for(&run, image_size, &bound);
		if (!json)
			print_run(paths[p].title, &run, &bound);
		if (p == PATH_NO_BACKUP)
			bound_no_backup = bound;
		path_set(&paths[p], &run, bound_total(&bound));
		g_array_unref(run.sectors);
	}

	/* the peers do the same job as unbrick --no-backup: the same bound */
	if (have_sim) {
		const char *st_argv[] = {"st-flash", "--reset",    "write",
		                         image_path, "0x08000000", NULL};
		g_autofree char *program =
		        g_strdup_printf("program %s 0x08000000 verify reset exit", image_path);
		const char *oo_argv[] = {
		        "openocd", "-f", "interface/stlink.cfg", "-f", "target/stm32f4x.cfg", "-c",
		        program,   NULL};
		Run run = {0};

		if (run_peer(unbrick_sim, board, old_path, st_argv, &run))
			path_set(&paths[PATH_ST_FLASH], &run, bound_total(&bound_no_backup));
		memset(&run, 0, sizeof(run));
		if (run_peer(unbrick_sim, board, old_path, oo_argv, &run))
			path_set(&paths[PATH_OPENOCD], &run, bound_total(&bound_no_backup));
	}

	/* unbrick and OpenOCD (interface/cmsis-dap.cfg, usb_bulk) on a CMSIS-DAP probe */
	if (!no_cmsis_dap) {
		Run run = {0};

		if (!run_unbrick(cmsis_dap_board, old_path, image, FALSE, &run, &error)) {
			g_printerr("bench-flash: %s failed: %s\n", paths[PATH_CMSIS_DAP].title,
			           error->message);
			return 1;
		}
		bound_for(&run, image_size, &bound_cmsis_dap);
		if (!json)
			print_run("\nunbrick --no-backup on a CMSIS-DAP probe", &run,
			          &bound_cmsis_dap);
		path_set(&paths[PATH_CMSIS_DAP], &run, bound_total(&bound_cmsis_dap));
		g_array_unref(run.sectors);
		if (have_sim) {
			g_autofree char *program = g_strdup_printf(
			        "program %s 0x08000000 verify reset exit", image_path);
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
			memset(&run, 0, sizeof(run));
			if (run_peer(unbrick_sim, cmsis_dap_board, old_path, oo_argv, &run))
				path_set(&paths[PATH_OPENOCD_CMSIS_DAP], &run,
				         bound_total(&bound_cmsis_dap));
		}
	}

	if (json) {
		print_json(paths, PATH_COUNT);
		return 0;
	}
	print_table(paths, PATH_COUNT);
	g_print("\nbound: flash busy for the sectors that change + what cannot overlap it (see "
	        "docs/performance.md);\nthe peers and OpenOCD on CMSIS-DAP are measured against "
	        "unbrick's bound for the same job on the same probe.\n");
	return 0;
}
