/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Conformance: unmodified third-party tools (Debian's stlink-tools 1.7.0 and OpenOCD 0.12)
 * drive the simulated ST-LINK + STM32F405 through unbrick-sim, i.e. through the real libusb
 * and usbdevfs as umockdev emulates it. Each test is registered as a meson test of its own
 * (suite "conformance"). The images are real VESC firmware from tests/data/firmware.
 *
 * This program is also the hot-plug witness: "--hotplug-child" registers a libusb hot-plug
 * callback and prints what it sees while unbrick-sim unplugs and re-plugs the probe.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libusb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ub-test-firmware.h"

#include "ub-test-lsan.h"

#define FLASH_BASE "0x08000000"
#define FLASH_SIZE (1024 * 1024)
#define IMAGE_A "vesc-fw-6.05-410_o_411_o_412-VESC_default.bin"
#define IMAGE_B "vesc-fw-5.02-410_o_411_o_412-VESC_default.bin"

#define BOARD_HEALTHY "focbox"
#define BOARD_BRICKED_GENUINE "focbox-bricked-genuine"
#define BOARD_BRICKED_CLONE "focbox-bricked"

typedef struct {
	gchar *dir; /* scratch directory */
} Fixture;

/* what is kept of a tool's output: st-flash 1.7.0 prints megabytes of errors a second once
 * the probe is gone, and only the head says what happened */
#define CAPTURE_MAX (256 * 1024)

/* a conformance run that takes longer than this in wall time is stopped by the harness */
#define RUN_DEADLINE_S 240

/* after SIGTERM the launcher has this long before it is killed */
#define RUN_GRACE_S 10

typedef struct {
	gint status;	   /* exit status of unbrick-sim, i.e. of the tool; -1: killed */
	gint term_signal;  /* the signal that ended unbrick-sim itself, or 0 */
	gchar *out;	   /* the first CAPTURE_MAX bytes of stdout */
	gchar *err;	   /* the same of stderr */
	gchar *all;	   /* stdout then stderr: the tools log to either */
	gsize out_total;   /* bytes written to stdout, kept or not */
	gsize err_total;
	gboolean deadline; /* the harness had to stop it */
	JsonObject *report;
	JsonParser *parser;
} SimRun;

/* one output pipe of the launcher */
typedef struct {
	GString *kept;
	gsize *total;
	gboolean eof;
} SimStream;

typedef struct {
	SimRun *run;
	GPid pid;
	gboolean exited;
	gint wait_status;
	SimStream out;
	SimStream err;
	const gchar *signal_marker; /* send signal_number once stdout holds this */
	gint signal_number;
	gboolean signalled;
	gint64 deadline_us;
	gint64 kill_at_us;
} SimSpawn;

static void
sim_run_clear(SimRun *run)
{
	g_free(run->out);
	g_free(run->err);
	g_free(run->all);
	g_clear_object(&run->parser);
}

static void
fixture_set_up(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	ub_test_keep_user_dirs();
	fixture->dir = g_dir_make_tmp("ub-conformance-XXXXXX", &error);
	g_assert_no_error(error);
}

static void
fixture_tear_down(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(GFile) dir = g_file_new_for_path(fixture->dir);
	g_autoptr(GFileEnumerator) children =
	    g_file_enumerate_children(dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
	GFileInfo *info;

	while (children != NULL &&
	       (info = g_file_enumerator_next_file(children, NULL, NULL)) != NULL) {
		g_autofree gchar *path = g_build_filename(fixture->dir, g_file_info_get_name(info),
							  NULL);
		g_unlink(path);
		g_object_unref(info);
	}
	g_rmdir(fixture->dir);
	g_free(fixture->dir);
}

static gchar *
scratch(Fixture *fixture, const gchar *name)
{
	return g_build_filename(fixture->dir, name, NULL);
}

/* NULL (and the test skipped) when something this test needs is not installed */
static gboolean
need_programs(const gchar *first, ...)
{
	va_list args;
	const gchar *name = first;

	if (g_getenv("UB_SIM_BIN") == NULL) {
		g_test_skip("unbrick-sim was not built");
		return FALSE;
	}
	va_start(args, first);
	for (; name != NULL; name = va_arg(args, const gchar *)) {
		g_autofree gchar *path = g_find_program_in_path(name);
		if (path == NULL) {
			g_autofree gchar *msg = g_strdup_printf("%s is not installed", name);
			g_test_skip(msg);
			va_end(args);
			return FALSE;
		}
	}
	va_end(args);
	return TRUE;
}

static gchar *
firmware(const gchar *name)
{
	return ub_test_firmware_path(name);
}

static gboolean
sim_stream_cb(GIOChannel *channel, GIOCondition condition, gpointer user_data)
{
	SimStream *stream = user_data;
	gchar buffer[65536];
	gsize n = 0;
	GIOStatus status;

	status = g_io_channel_read_chars(channel, buffer, sizeof(buffer), &n, NULL);
	if (n > 0) {
		*stream->total += n;
		if (stream->kept->len < CAPTURE_MAX)
			g_string_append_len(stream->kept, buffer,
					    MIN(n, CAPTURE_MAX - stream->kept->len));
	}
	if (status == G_IO_STATUS_EOF || status == G_IO_STATUS_ERROR ||
	    (n == 0 && (condition & (G_IO_HUP | G_IO_ERR)) != 0)) {
		stream->eof = TRUE;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static void
sim_child_watch_cb(GPid pid, gint wait_status, gpointer user_data)
{
	SimSpawn *spawn = user_data;

	spawn->wait_status = wait_status;
	spawn->exited = TRUE;
	g_spawn_close_pid(pid);
}

/* in the launcher: it must not outlive a harness that was killed (meson's time-out) */
static void
sim_child_setup(gpointer user_data)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static void
sim_watch_stream(gint fd, SimStream *stream, GString *kept, gsize *total)
{
	GIOChannel *channel = g_io_channel_unix_new(fd);

	stream->kept = kept;
	stream->total = total;
	g_io_channel_set_encoding(channel, NULL, NULL);
	/* one read() per wake-up: a buffered channel would wait to fill the whole buffer */
	g_io_channel_set_buffered(channel, FALSE);
	g_io_channel_set_close_on_unref(channel, TRUE);
	g_io_add_watch(channel, G_IO_IN | G_IO_HUP | G_IO_ERR, sim_stream_cb, stream);
	g_io_channel_unref(channel);
}

/* unbrick-sim SIM_ARGS... --report R -- COMMAND..., output kept up to CAPTURE_MAX; with
 * marker, signal_number goes to unbrick-sim once the tool has printed marker */
static void
run_sim_full(Fixture *fixture, SimRun *run, const gchar *const *sim_args,
	     const gchar *const *command, const gchar *marker, gint signal_number)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *report_path = scratch(fixture, "report.json");
	g_autofree gchar *joined = NULL;
	GString *out = g_string_new(NULL);
	GString *err = g_string_new(NULL);
	SimSpawn spawn = {0};
	gint out_fd = -1, err_fd = -1;
	gint64 eof_wait_until = 0;

	memset(run, 0, sizeof(*run));
	g_unlink(report_path);
	g_ptr_array_add(argv, (gpointer)g_getenv("UB_SIM_BIN"));
	for (guint i = 0; sim_args != NULL && sim_args[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)sim_args[i]);
	g_ptr_array_add(argv, (gpointer) "--report");
	g_ptr_array_add(argv, report_path);
	g_ptr_array_add(argv, (gpointer) "--");
	for (guint i = 0; command[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)command[i]);
	g_ptr_array_add(argv, NULL);

	joined = g_strjoinv(" ", (gchar **)argv->pdata);
	g_test_message("running: %s", joined);
	g_spawn_async_with_pipes(NULL, (gchar **)argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
				 sim_child_setup, NULL, &spawn.pid, NULL, &out_fd, &err_fd,
				 &error);
	g_assert_no_error(error);
	spawn.run = run;
	spawn.signal_marker = marker;
	spawn.signal_number = signal_number;
	spawn.deadline_us = g_get_monotonic_time() + RUN_DEADLINE_S * G_USEC_PER_SEC;
	sim_watch_stream(out_fd, &spawn.out, out, &run->out_total);
	sim_watch_stream(err_fd, &spawn.err, err, &run->err_total);
	g_child_watch_add(spawn.pid, sim_child_watch_cb, &spawn);

	/* the pipes may outlive the launcher if the tool left a child behind: not for long */
	while (!spawn.exited || ((!spawn.out.eof || !spawn.err.eof) &&
				 g_get_monotonic_time() < eof_wait_until)) {
		gint64 now = g_get_monotonic_time();

		g_main_context_iteration(NULL, FALSE);
		if (spawn.exited && eof_wait_until == 0)
			eof_wait_until = now + 2 * G_USEC_PER_SEC;
		if (!spawn.exited && marker != NULL && !spawn.signalled &&
		    strstr(out->str, marker) != NULL) {
			spawn.signalled = TRUE;
			kill(spawn.pid, signal_number);
		}
		if (!spawn.exited && spawn.kill_at_us == 0 && now > spawn.deadline_us) {
			run->deadline = TRUE;
			kill(spawn.pid, SIGTERM);
			spawn.kill_at_us = now + RUN_GRACE_S * G_USEC_PER_SEC;
		}
		if (!spawn.exited && spawn.kill_at_us != 0 && now > spawn.kill_at_us)
			kill(spawn.pid, SIGKILL);
		if (!g_main_context_pending(NULL))
			g_usleep(2000);
	}

	run->status = WIFEXITED(spawn.wait_status) ? WEXITSTATUS(spawn.wait_status) : -1;
	run->term_signal = WIFSIGNALED(spawn.wait_status) ? WTERMSIG(spawn.wait_status) : 0;
	run->out = g_string_free(out, FALSE);
	run->err = g_string_free(err, FALSE);
	g_test_message("exit %d (signal %d)\n--- stdout (%zu bytes, first %zu)\n%.4096s\n"
		       "--- stderr (%zu bytes, first %zu)\n%.4096s",
		       run->status, run->term_signal, run->out_total, strlen(run->out), run->out,
		       run->err_total, strlen(run->err), run->err);
	run->all = g_strconcat(run->out, run->err, NULL);

	run->parser = json_parser_new();
	if (json_parser_load_from_file(run->parser, report_path, NULL) &&
	    JSON_NODE_HOLDS_OBJECT(json_parser_get_root(run->parser)))
		run->report = json_node_get_object(json_parser_get_root(run->parser));
}

static void
run_sim(Fixture *fixture, SimRun *run, const gchar *const *sim_args,
	const gchar *const *command)
{
	run_sim_full(fixture, run, sim_args, command, NULL, 0);
}

static GBytes *
read_file(const gchar *path)
{
	g_autoptr(GError) error = NULL;
	gchar *data = NULL;
	gsize len = 0;

	g_file_get_contents(path, &data, &len, &error);
	g_assert_no_error(error);
	return g_bytes_new_take(data, len);
}

/* a number of the launcher's report: top-level member, or member of object */
static gint64
report_int(SimRun *run, const gchar *object, const gchar *member)
{
	JsonObject *parent = run->report;

	g_assert_nonnull(run->report);
	if (object != NULL) {
		g_assert_true(json_object_has_member(parent, object));
		parent = json_object_get_object_member(parent, object);
	}
	g_assert_true(json_object_has_member(parent, member));
	return json_object_get_int_member(parent, member);
}

static const gchar *
report_string(SimRun *run, const gchar *object, const gchar *member)
{
	JsonObject *parent = run->report;

	g_assert_nonnull(run->report);
	if (object != NULL) {
		g_assert_true(json_object_has_member(parent, object));
		parent = json_object_get_object_member(parent, object);
	}
	g_assert_true(json_object_has_member(parent, member));
	return json_object_get_string_member(parent, member);
}

static gdouble
report_double(SimRun *run, const gchar *object, const gchar *member)
{
	g_assert_nonnull(run->report);
	g_assert_true(json_object_has_member(run->report, object));
	return json_object_get_double_member(json_object_get_object_member(run->report, object),
					     member);
}

/* the USB figures every run that talked to the probe has: each ST-LINK command is a 16-byte
 * block; a CMSIS-DAP command is at least its ID and one byte (DAP_Info) */
static void
assert_report_usb(SimRun *run, gint64 min_bytes_out, gint64 min_bytes_in)
{
	gint64 round_trips = report_int(run, "usb", "round_trips");
	gboolean stlink = g_str_has_prefix(report_string(run, "probe", "usb_id"), "0483:");

	g_assert_cmpint(round_trips, >, 0);
	g_assert_cmpint(report_int(run, "usb", "bytes_out"), >=, (stlink ? 16 : 2) * round_trips);
	g_assert_cmpint(report_int(run, "usb", "bytes_out"), >=, min_bytes_out);
	g_assert_cmpint(report_int(run, "usb", "bytes_in"), >=, min_bytes_in);
	/* the clock counts the probe's own time and everything else (flash busy, host sleeps) */
	g_assert_cmpfloat(report_double(run, "time_ms", "probe_total"), >, 0);
	g_assert_cmpfloat(report_double(run, "time_ms", "clock"), >=,
			  report_double(run, "time_ms", "probe_total"));
	g_assert_cmpint(report_int(run, NULL, "exit_status"), ==, run->status);
}

/* RM0090 table 5: the sectors of the 1 MiB F405 that hold size bytes from 0x08000000 */
static gint64
sectors_for(gsize size)
{
	const gsize sector_kib[] = {16, 16, 16, 16, 64, 128, 128, 128, 128, 128, 128, 128};
	gsize end = 0;

	for (guint i = 0; i < G_N_ELEMENTS(sector_kib); i++) {
		end += sector_kib[i] * 1024;
		if (end >= size)
			return i + 1;
	}
	return G_N_ELEMENTS(sector_kib);
}

static gsize
file_size(const gchar *path)
{
	g_autoptr(GBytes) bytes = read_file(path);
	return g_bytes_get_size(bytes);
}

/* the flash holds IMAGE from 0x08000000 and is erased (0xFF) after it */
static void
assert_flash_holds(GBytes *flash, const gchar *image_path)
{
	g_autoptr(GBytes) image = read_file(image_path);
	const guint8 *f = g_bytes_get_data(flash, NULL);
	gsize n = g_bytes_get_size(image);

	g_assert_cmpuint(g_bytes_get_size(flash), ==, FLASH_SIZE);
	g_assert_cmpmem(f, n, g_bytes_get_data(image, NULL), n);
	for (gsize i = n; i < FLASH_SIZE; i++) {
		if (f[i] != 0xff)
			g_error("flash byte at 0x%08zx is 0x%02x after the image", 0x08000000 + i,
				f[i]);
	}
}

static void
test_st_info_probe(Fixture *fixture, gconstpointer user_data)
{
	const gchar *sim_args[] = {"--board", BOARD_HEALTHY, NULL};
	const gchar *command[] = {"st-info", "--probe", NULL};
	SimRun run;
	g_autoptr(GRegex) serial = g_regex_new("serial: +[0-9A-F]{24}\n", 0, 0, NULL);

	if (!need_programs("st-info", NULL))
		return;
	run_sim(fixture, &run, sim_args, command);
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "Found 1 stlink programmers"));
	g_assert_nonnull(strstr(run.out, "version:    V2J37S7"));
	g_assert_true(g_regex_match(serial, run.out, 0, NULL));
	g_assert_nonnull(strstr(run.out, "flash:      1048576 (pagesize: 16384)"));
	g_assert_nonnull(strstr(run.out, "chipid:     0x0413"));
	assert_report_usb(&run, 0, 0);
	g_assert_cmpstr(report_string(&run, "probe", "usb_id"), ==, "0483:3748");
	g_assert_cmpint(report_int(&run, "flash", "bytes_programmed"), ==, 0);
	g_assert_cmpint(report_int(&run, "flash", "sectors_erased"), ==, 0);
	g_assert_true(json_object_get_null_member(run.report, "stopped_by"));
	sim_run_clear(&run);
}

/* --fault: the GND wire is missing; st-info finds the probe but no chip, and the report
 * says which faults the bench had */
static void
test_st_info_fault(Fixture *fixture, gconstpointer user_data)
{
	const gchar *sim_args[] = {"--board", BOARD_HEALTHY, "--fault", "no-gnd", NULL};
	const gchar *command[] = {"st-info", "--probe", NULL};
	JsonArray *faults;
	SimRun run;

	if (!need_programs("st-info", NULL))
		return;
	run_sim(fixture, &run, sim_args, command);
	g_assert_nonnull(strstr(run.out, "Found 1 stlink programmers"));
	g_assert_null(strstr(run.out, "chipid:     0x0413"));
	g_assert_cmpstr(report_string(&run, NULL, "wiring"), ==, "no-gnd");
	faults = json_object_get_array_member(run.report, "faults");
	g_assert_cmpuint(json_array_get_length(faults), ==, 1);
	g_assert_cmpstr(json_array_get_string_element(faults, 0), ==, "no-gnd");
	sim_run_clear(&run);
}

static void
test_st_flash_read(Fixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *image = firmware(IMAGE_A);
	g_autofree gchar *out_path = scratch(fixture, "read.bin");
	g_autoptr(GBytes) flash = NULL;
	SimRun run;

	if (image == NULL || !need_programs("st-flash", NULL))
		return;
	{
		const gchar *sim_args[] = {"--board", BOARD_HEALTHY, "--flash", image, NULL};
		const gchar *command[] = {"st-flash", "read", out_path, FLASH_BASE, "0x100000",
					  NULL};
		run_sim(fixture, &run, sim_args, command);
	}
	g_assert_cmpint(run.status, ==, 0);
	flash = read_file(out_path);
	assert_flash_holds(flash, image);
	/* 1 MiB came in over USB; nothing was changed */
	assert_report_usb(&run, 0, FLASH_SIZE);
	g_assert_cmpint(report_int(&run, "flash", "bytes_programmed"), ==, 0);
	g_assert_cmpint(report_int(&run, "flash", "sectors_erased"), ==, 0);
	sim_run_clear(&run);
}

static void
test_st_flash_write(Fixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *image = firmware(IMAGE_A);
	g_autofree gchar *before = firmware(IMAGE_B);
	g_autofree gchar *dump = scratch(fixture, "dump.bin");
	g_autoptr(GBytes) flash = NULL;
	SimRun run;

	if (image == NULL || before == NULL || !need_programs("st-flash", NULL))
		return;
	{
		const gchar *sim_args[] = {"--board", BOARD_HEALTHY, "--flash", before,
					   "--dump",  dump,	     NULL};
		const gchar *command[] = {"st-flash", "--reset", "write", image, FLASH_BASE, NULL};
		run_sim(fixture, &run, sim_args, command);
	}
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.all, "jolly good"));
	flash = read_file(dump);
	assert_flash_holds(flash, image);
	/* the image went out over USB (to the loader in SRAM), st-flash read it back to verify,
	 * and the sectors it covers were erased one by one */
	assert_report_usb(&run, file_size(image), file_size(image));
	g_assert_cmpint(report_int(&run, "flash", "bytes_programmed"), ==, file_size(image));
	g_assert_cmpint(report_int(&run, "flash", "sectors_erased"), ==,
			sectors_for(file_size(image)));
	g_assert_cmpint(report_int(&run, "flash", "mass_erases"), ==, 0);
	sim_run_clear(&run);
}

static void
test_st_flash_erase(Fixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *image = firmware(IMAGE_A);
	g_autofree gchar *dump = scratch(fixture, "dump.bin");
	g_autoptr(GBytes) flash = NULL;
	const guint8 *f;
	SimRun run;

	if (image == NULL || !need_programs("st-flash", NULL))
		return;
	{
		const gchar *sim_args[] = {"--board", BOARD_HEALTHY, "--flash", image,
					   "--dump",  dump,	     NULL};
		const gchar *command[] = {"st-flash", "erase", NULL};
		run_sim(fixture, &run, sim_args, command);
	}
	g_assert_cmpint(run.status, ==, 0);
	flash = read_file(dump);
	f = g_bytes_get_data(flash, NULL);
	g_assert_cmpuint(g_bytes_get_size(flash), ==, FLASH_SIZE);
	for (gsize i = 0; i < FLASH_SIZE; i++) {
		if (f[i] != 0xff)
			g_error("flash byte at 0x%08zx is 0x%02x after a mass erase", 0x08000000 + i,
				f[i]);
	}
	assert_report_usb(&run, 0, 0);
	g_assert_cmpint(report_int(&run, "flash", "mass_erases"), ==, 1);
	g_assert_cmpint(report_int(&run, "flash", "bytes_programmed"), ==, 0);
	sim_run_clear(&run);
}

/* the forum case: the firmware turns PA13/PA14 into GPIOs right after reset */
static void
test_bricked_st_info_fails(Fixture *fixture, gconstpointer user_data)
{
	const gchar *sim_args[] = {"--board", BOARD_BRICKED_GENUINE, NULL};
	const gchar *command[] = {"st-info", "--probe", NULL};
	SimRun run;

	if (!need_programs("st-info", NULL))
		return;
	run_sim(fixture, &run, sim_args, command);
	/* st-info --probe exits 0 whatever it found; the chip is not identified */
	g_assert_null(strstr(run.out, "chipid:     0x0413"));
	/* the model agrees: the firmware took the pins */
	g_assert_false(json_object_get_boolean_member(
	    json_object_get_object_member(run.report, "mcu"), "swd_pins_connected"));
	sim_run_clear(&run);
}

/*
 * st-flash 1.7.0 --connect-under-reset fails on both bricked benches, for different reasons.
 * On the clone the RST pin reaches nothing: the chip never sees a reset. With the genuine probe
 * NRST does reach the chip, but st-flash writes DHCSR C_HALT while NRST is held, releases NRST,
 * waits 10 ms, and only then sets DEMCR.VC_CORERESET and resets through AIRCR. A reset clears
 * C_HALT (reference/stlink-and-stm32f4.md §5.1), so the core runs the firmware after the
 * release, and the firmware takes PA13/PA14 ~3 ms after reset: st-flash reports "NRST is not
 * connected" and "Soft reset failed". OpenOCD sets VC_CORERESET while NRST is still held and
 * recovers the same bench (openocd-recover-bricked). docs/conformance.md explains the
 * difference from the expectation.
 */
static void
test_bricked_connect_under_reset(Fixture *fixture, gconstpointer user_data)
{
	const gchar *board = user_data;
	g_autofree gchar *out_path = scratch(fixture, "read.bin");
	SimRun run;

	if (!need_programs("st-flash", NULL))
		return;
	{
		const gchar *sim_args[] = {"--board", board, NULL};
		const gchar *command[] = {"st-flash", "--connect-under-reset", "read", out_path,
					  FLASH_BASE, "0x100000", NULL};
		run_sim(fixture, &run, sim_args, command);
	}
	g_assert_cmpint(run.status, !=, 0);
	g_assert_nonnull(strstr(run.all, "Soft reset failed"));
	g_assert_nonnull(strstr(run.all, "Failed to connect to target"));
	g_assert_false(json_object_get_boolean_member(
	    json_object_get_object_member(run.report, "mcu"), "swd_pins_connected"));
	if (g_strcmp0(board, BOARD_BRICKED_GENUINE) == 0) {
		/* NRST reached the chip; the firmware still won the race */
		g_assert_cmpstr(report_string(&run, "mcu", "last_reset"), ==, "pin");
		g_assert_cmpint(report_int(&run, "mcu", "resets"), >=, 2);
	} else {
		/* the clone's RST goes nowhere: only the power-on reset ever happened */
		g_assert_cmpstr(report_string(&run, "mcu", "last_reset"), ==, "power-on");
		g_assert_cmpint(report_int(&run, "mcu", "resets"), ==, 1);
	}
	sim_run_clear(&run);
}

static void
test_openocd_program(Fixture *fixture, gconstpointer user_data)
{
	const gchar *board = user_data;
	gboolean under_reset = g_strcmp0(board, BOARD_HEALTHY) != 0;
	g_autofree gchar *image = firmware(IMAGE_A);
	g_autofree gchar *before = firmware(IMAGE_B);
	g_autofree gchar *dump = scratch(fixture, "dump.bin");
	g_autofree gchar *program = NULL;
	g_autoptr(GBytes) flash = NULL;
	g_autoptr(GPtrArray) command = g_ptr_array_new();
	SimRun run;

	if (image == NULL || before == NULL || !need_programs("openocd", NULL))
		return;
	program = g_strdup_printf("program %s " FLASH_BASE " verify reset exit", image);
	g_ptr_array_add(command, (gpointer) "openocd");
	g_ptr_array_add(command, (gpointer) "-f");
	g_ptr_array_add(command, (gpointer) "interface/stlink.cfg");
	g_ptr_array_add(command, (gpointer) "-f");
	g_ptr_array_add(command, (gpointer) "target/stm32f4x.cfg");
	/* no servers: parallel runs would collide on port 3333 */
	g_ptr_array_add(command, (gpointer) "-c");
	g_ptr_array_add(command, (gpointer) "gdb_port disabled");
	g_ptr_array_add(command, (gpointer) "-c");
	g_ptr_array_add(command, (gpointer) "tcl_port disabled");
	g_ptr_array_add(command, (gpointer) "-c");
	g_ptr_array_add(command, (gpointer) "telnet_port disabled");
	if (under_reset) {
		g_ptr_array_add(command, (gpointer) "-c");
		g_ptr_array_add(command,
				(gpointer) "reset_config srst_only srst_nogate connect_assert_srst");
	}
	g_ptr_array_add(command, (gpointer) "-c");
	g_ptr_array_add(command, program);
	g_ptr_array_add(command, NULL);
	{
		/* the bricked bench keeps its own firmware, the one that takes the SWD pins */
		const gchar *sim_args[] = {"--board", board,  "--dump",
					   dump,      "--flash", before, NULL};
		if (under_reset)
			sim_args[4] = NULL;
		run_sim(fixture, &run, sim_args, (const gchar *const *)command->pdata);
	}
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.all, "** Verified OK **"));
	flash = read_file(dump);
	assert_flash_holds(flash, image);
	/* OpenOCD's async algorithm gets the image through a work area in SRAM; it verifies with
	 * a CRC computed on the target, so little comes back */
	assert_report_usb(&run, file_size(image), 0);
	g_assert_cmpint(report_int(&run, "flash", "bytes_programmed"), >=, file_size(image));
	g_assert_cmpint(report_int(&run, "flash", "sectors_erased"), ==,
			sectors_for(file_size(image)));
	if (under_reset)
		g_assert_cmpint(report_int(&run, "mcu", "resets"), >=, 2);
	sim_run_clear(&run);
}

/* the same bench without connect_assert_srst: OpenOCD cannot catch the core in time */
static void
test_openocd_bricked_without_srst(Fixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *image = firmware(IMAGE_A);
	g_autofree gchar *dump = scratch(fixture, "dump.bin");
	g_autofree gchar *program = NULL;
	g_autoptr(GBytes) flash = NULL;
	SimRun run;

	if (image == NULL || !need_programs("openocd", NULL))
		return;
	program = g_strdup_printf("program %s " FLASH_BASE " verify reset exit", image);
	{
		const gchar *sim_args[] = {"--board", BOARD_BRICKED_GENUINE, "--dump", dump, NULL};
		const gchar *command[] = {"openocd",
					  "-f",
					  "interface/stlink.cfg",
					  "-f",
					  "target/stm32f4x.cfg",
					  "-c",
					  "gdb_port disabled",
					  "-c",
					  "tcl_port disabled",
					  "-c",
					  "telnet_port disabled",
					  "-c",
					  program,
					  NULL};
		run_sim(fixture, &run, sim_args, command);
	}
	g_assert_cmpint(run.status, !=, 0);
	g_assert_nonnull(strstr(run.all, "unable to connect to the target"));
	g_assert_cmpint(report_int(&run, "flash", "bytes_programmed"), ==, 0);
	g_assert_cmpint(report_int(&run, "flash", "sectors_erased"), ==, 0);
	sim_run_clear(&run);
}

/*
 * OpenOCD 0.12 with interface/cmsis-dap.cfg and the usb_bulk backend, unmodified, through the
 * simulated CMSIS-DAP probes (reference/cmsis-dap.md §3): it finds the probe by the "CMSIS-DAP"
 * in its strings, drives the MEM-AP itself and programs, verifies and resets. 0.12 waits for
 * each response before it sends the next packet ("read with timeout 0" blocks in libusb), so
 * the report shows one command in flight. With connect_assert_srst it recovers the bricked
 * bench when the probe's nRESET reaches NRST (DAPLink); a Pico whose nRESET is not wired
 * cannot hold the chip, and OpenOCD fails as it does with the clone ST-LINK.
 */
typedef struct {
	const gchar *board;
	gboolean under_reset;
	gboolean succeeds;
	const gchar *usb_id;
	const gchar *last_reset; /* after "program ... reset" */
} CmsisDapCase;

static const CmsisDapCase cmsis_dap_program = {"focbox-debugprobe", FALSE, TRUE, "2e8a:000c",
					       "software"};
static const CmsisDapCase cmsis_dap_recover = {"focbox-bricked-daplink", TRUE, TRUE, "0d28:0204",
					       "pin"};
static const CmsisDapCase cmsis_dap_unwired = {"focbox-bricked-pico", TRUE, FALSE, "2e8a:000c",
					       NULL};

static void
test_openocd_cmsis_dap(Fixture *fixture, gconstpointer user_data)
{
	const CmsisDapCase *c = user_data;
	g_autofree gchar *image = firmware(IMAGE_A);
	g_autofree gchar *before = firmware(IMAGE_B);
	g_autofree gchar *dump = scratch(fixture, "dump.bin");
	g_autofree gchar *program = NULL;
	g_autoptr(GBytes) flash = NULL;
	g_autoptr(GPtrArray) command = g_ptr_array_new();
	SimRun run;

	if (image == NULL || before == NULL || !need_programs("openocd", NULL))
		return;
	program = g_strdup_printf("program %s " FLASH_BASE " verify reset exit", image);
	g_ptr_array_add(command, (gpointer) "openocd");
	g_ptr_array_add(command, (gpointer) "-f");
	g_ptr_array_add(command, (gpointer) "interface/cmsis-dap.cfg");
	g_ptr_array_add(command, (gpointer) "-c");
	g_ptr_array_add(command, (gpointer) "cmsis_dap_backend usb_bulk");
	g_ptr_array_add(command, (gpointer) "-f");
	g_ptr_array_add(command, (gpointer) "target/stm32f4x.cfg");
	g_ptr_array_add(command, (gpointer) "-c");
	g_ptr_array_add(command, (gpointer) "gdb_port disabled");
	g_ptr_array_add(command, (gpointer) "-c");
	g_ptr_array_add(command, (gpointer) "tcl_port disabled");
	g_ptr_array_add(command, (gpointer) "-c");
	g_ptr_array_add(command, (gpointer) "telnet_port disabled");
	if (c->under_reset) {
		g_ptr_array_add(command, (gpointer) "-c");
		g_ptr_array_add(command, (gpointer) "reset_config srst_only connect_assert_srst");
	}
	g_ptr_array_add(command, (gpointer) "-c");
	g_ptr_array_add(command, program);
	g_ptr_array_add(command, NULL);
	{
		/* a bricked bench keeps its own firmware, the one that takes the SWD pins */
		const gchar *sim_args[] = {"--board", c->board, "--dump", dump,
					   "--flash", before,	NULL};
		if (c->under_reset)
			sim_args[4] = NULL;
		run_sim(fixture, &run, sim_args, (const gchar *const *)command->pdata);
	}
	g_assert_nonnull(strstr(run.all, "Using CMSIS-DAPv2 interface"));
	g_assert_cmpstr(report_string(&run, "probe", "usb_id"), ==, c->usb_id);
	g_assert_cmpint(report_int(&run, NULL, "exit_status"), ==, run.status);
	/* OpenOCD 0.12 never has more than one command outstanding */
	g_assert_cmpint(report_int(&run, "usb", "max_in_flight"), ==, 1);
	g_assert_cmpint(report_int(&run, "usb", "naks"), ==, 0);
	if (!c->succeeds) {
		g_assert_cmpint(run.status, !=, 0);
		g_assert_null(strstr(run.all, "** Verified OK **"));
		g_assert_cmpint(report_int(&run, "flash", "bytes_programmed"), ==, 0);
		g_assert_cmpint(report_int(&run, "flash", "sectors_erased"), ==, 0);
		/* the Pico's nRESET goes nowhere: the chip only ever had its power-on reset */
		g_assert_cmpstr(report_string(&run, "mcu", "last_reset"), ==, "power-on");
		g_assert_false(json_object_get_boolean_member(
		    json_object_get_object_member(run.report, "mcu"), "swd_pins_connected"));
		sim_run_clear(&run);
		return;
	}
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.all, "** Verified OK **"));
	flash = read_file(dump);
	assert_flash_holds(flash, image);
	/* the image went out (through the SRAM work area), a CRC came back */
	g_assert_cmpint(report_int(&run, "usb", "bytes_out"), >=, file_size(image));
	g_assert_cmpint(report_int(&run, "flash", "bytes_programmed"), >=, file_size(image));
	g_assert_cmpint(report_int(&run, "flash", "sectors_erased"), ==,
			sectors_for(file_size(image)));
	g_assert_cmpint(report_int(&run, "mcu", "resets"), >=, 2);
	g_assert_cmpstr(report_string(&run, "mcu", "last_reset"), ==, c->last_reset);
	sim_run_clear(&run);
}

/*
 * Unplugged in the middle of a write (during the erase of sector 2). st-flash 1.7.0 then loops
 * for ever polling FLASH_SR: every request fails with LIBUSB_ERROR_NO_DEVICE, the stale reply
 * buffer still says BSY, and it prints megabytes of errors. That is the real tool: the test
 * asserts that it never claims success, that the launcher's report shows the unplug, and that
 * --time-limit stops it (st-flash's SIGTERM handler closes libusb and can hang, so the launcher
 * kills it after its grace period). The harness keeps only the head of the output.
 */
static void
test_st_flash_unplugged(Fixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *image = firmware(IMAGE_A);
	SimRun run;

	if (image == NULL || !need_programs("st-flash", NULL))
		return;
	{
		const gchar *sim_args[] = {"--board",	   BOARD_HEALTHY, "--unplug-after", "300",
					   "--time-limit", "3000",	  NULL};
		const gchar *command[] = {"st-flash", "write", image, FLASH_BASE, NULL};
		run_sim(fixture, &run, sim_args, command);
	}
	g_assert_false(run.deadline);
	g_assert_cmpint(run.status, !=, 0);
	g_assert_null(strstr(run.all, "jolly good"));
	/* whether the tool gets to print LIBUSB_ERROR_NO_DEVICE before the time limit depends
	 * on where in its polling the unplug (300 ms of wall time) meets it: not asserted.
	 * What the device did is in the report: it refused what came after the unplug */
	g_assert_cmpint(report_int(&run, NULL, "usb_refused_no_device"), >=, 0);
	g_assert_cmpuint(strlen(run.out), <=, CAPTURE_MAX);
	g_assert_cmpuint(strlen(run.err), <=, CAPTURE_MAX);
	g_assert_cmpint(report_int(&run, NULL, "usb_unplugs"), ==, 1);
	g_assert_cmpint(report_int(&run, NULL, "usb_replugs"), ==, 0);
	g_assert_cmpint(report_int(&run, NULL, "exit_status"), ==, run.status);
	g_assert_cmpint(report_int(&run, NULL, "time_limit_ms"), ==, 3000);
	/* the tool may give up by itself one day; if it did not, the time limit stopped it */
	if (run.status >= 128)
		g_assert_cmpstr(report_string(&run, NULL, "stopped_by"), ==, "time-limit");
	/* the write never got to the end of the image */
	g_assert_cmpint(report_int(&run, "flash", "bytes_programmed"), <, file_size(image));
	sim_run_clear(&run);
}

/* SIGTERM to the launcher reaches the program; one that ignores it is killed, and the
 * launcher exits either way instead of lingering */
static void
test_launcher_sigterm(Fixture *fixture, gconstpointer user_data)
{
	gboolean stubborn = GPOINTER_TO_INT(user_data);
	g_autofree gchar *self_path = g_file_read_link("/proc/self/exe", NULL);
	const gchar *sim_args[] = {"--board", BOARD_HEALTHY, NULL};
	const gchar *command[] = {self_path, stubborn ? "--stubborn-child" : "--sleeping-child",
				  NULL};
	g_autoptr(GRegex) regex = g_regex_new("ready ([0-9]+)\n", 0, 0, NULL);
	g_autoptr(GMatchInfo) match = NULL;
	g_autofree gchar *pid_text = NULL;
	SimRun run;

	if (!need_programs("true", NULL))
		return;
	run_sim_full(fixture, &run, sim_args, command, "\n", SIGTERM);
	g_assert_false(run.deadline);
	g_assert_cmpint(run.term_signal, ==, 0);
	g_assert_cmpint(run.status, ==, 128 + (stubborn ? SIGKILL : SIGTERM));
	g_assert_cmpstr(report_string(&run, NULL, "stopped_by"), ==, "SIGTERM");
	g_assert_true(g_regex_match(regex, run.out, 0, &match));
	pid_text = g_match_info_fetch(match, 1);
	/* reaped by the launcher: no such process any more */
	g_assert_cmpint(kill((pid_t)g_ascii_strtoll(pid_text, NULL, 10), 0), ==, -1);
	sim_run_clear(&run);
}

/* our own CLI through the real libusb inside the launcher sees what --sim shows in-process;
 * on a CMSIS-DAP bench it finds the probe by its interface string, as OpenOCD does */
static void
test_cli_identity(Fixture *fixture, gconstpointer user_data)
{
	const gchar *board = user_data != NULL ? user_data : BOARD_HEALTHY;
	const gchar *cli = g_getenv("UB_CLI_BIN");
	const gchar *sim_args[] = {"--board", board, NULL};
	const gchar *info_usb[] = {cli, "info", "--json", NULL};
	const gchar *info_sim[] = {cli, "info", "--json", "--sim", board, NULL};
	const gchar *probe_usb[] = {cli, "probe", "--json", NULL};
	const gchar *probe_sim[] = {cli, "probe", "--json", "--sim", board, NULL};
	const gchar *members[] = {"kind", "usb_id", "serial", "firmware", "product", NULL};
	g_autoptr(GError) error = NULL;
	g_autofree gchar *sim_out = NULL;
	g_autoptr(JsonParser) usb_parser = json_parser_new();
	g_autoptr(JsonParser) sim_parser = json_parser_new();
	JsonArray *usb_probes, *sim_probes;
	JsonObject *usb_probe, *sim_probe;
	gint wait_status = 0;
	SimRun run;

	if (cli == NULL) {
		g_test_skip("unbrick-cli was not built");
		return;
	}
	if (!need_programs("true", NULL))
		return;

	/* info: the whole identity is the same, byte for byte */
	run_sim(fixture, &run, sim_args, info_usb);
	g_assert_cmpint(run.status, ==, 0);
	g_spawn_sync(NULL, (gchar **)info_sim, NULL, G_SPAWN_DEFAULT, NULL, NULL, &sim_out, NULL,
		     &wait_status, &error);
	g_assert_no_error(error);
	g_assert_true(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);
	g_assert_nonnull(strstr(run.out, "\"dev_id\":\"0x413\""));
	g_assert_cmpstr(run.out, ==, sim_out);
	assert_report_usb(&run, 0, 0);
	sim_run_clear(&run);
	g_clear_pointer(&sim_out, g_free);

	/* probe: the same probe; only the path differs (USB bus path against sim:BOARD) */
	run_sim(fixture, &run, sim_args, probe_usb);
	g_assert_cmpint(run.status, ==, 0);
	g_spawn_sync(NULL, (gchar **)probe_sim, NULL, G_SPAWN_DEFAULT, NULL, NULL, &sim_out, NULL,
		     &wait_status, &error);
	g_assert_no_error(error);
	g_assert_true(json_parser_load_from_data(usb_parser, run.out, -1, NULL));
	g_assert_true(json_parser_load_from_data(sim_parser, sim_out, -1, NULL));
	usb_probes = json_object_get_array_member(
	    json_node_get_object(json_parser_get_root(usb_parser)), "probes");
	sim_probes = json_object_get_array_member(
	    json_node_get_object(json_parser_get_root(sim_parser)), "probes");
	g_assert_cmpuint(json_array_get_length(usb_probes), ==, 1);
	g_assert_cmpuint(json_array_get_length(sim_probes), ==, 1);
	usb_probe = json_array_get_object_element(usb_probes, 0);
	sim_probe = json_array_get_object_element(sim_probes, 0);
	for (guint i = 0; members[i] != NULL; i++)
		g_assert_cmpstr(json_object_get_string_member(usb_probe, members[i]), ==,
				json_object_get_string_member(sim_probe, members[i]));
	g_assert_cmpstr(json_object_get_string_member(usb_probe, "path"), ==, "1-1");
	sim_run_clear(&run);
}

/* unbrick-cli connect --under-reset through libusb: it sets VC_CORERESET before it lets NRST
 * go, so it catches the core where st-flash 1.7.0 does not; the clone's RST reaches nothing,
 * nor does a Pico's GP1 left unwired. A DAPLink drives nRESET through DAP_SWJ_Pins. */
static void
test_cli_connect_under_reset(Fixture *fixture, gconstpointer user_data)
{
	const gchar *board = user_data;
	gboolean genuine = g_strcmp0(board, BOARD_BRICKED_CLONE) != 0 &&
			   g_strcmp0(board, "focbox-bricked-pico") != 0;
	const gchar *cli = g_getenv("UB_CLI_BIN");
	const gchar *sim_args[] = {"--board", board, NULL};
	const gchar *command[] = {cli, "connect", "--under-reset", NULL};
	SimRun run;

	if (cli == NULL) {
		g_test_skip("unbrick-cli was not built");
		return;
	}
	if (!need_programs("true", NULL))
		return;
	run_sim(fixture, &run, sim_args, command);
	assert_report_usb(&run, 0, 0);
	if (genuine) {
		g_assert_cmpint(run.status, ==, 0);
		g_assert_cmpstr(report_string(&run, "mcu", "last_reset"), ==, "pin");
		/* halted on the reset vector: the firmware never got to the pins */
		g_assert_true(json_object_get_boolean_member(
		    json_object_get_object_member(run.report, "mcu"), "swd_pins_connected"));
	} else {
		/* exit status 4: the target does not answer */
		g_assert_cmpint(run.status, ==, 4);
		g_assert_cmpstr(report_string(&run, "mcu", "last_reset"), ==, "power-on");
		g_assert_false(json_object_get_boolean_member(
		    json_object_get_object_member(run.report, "mcu"), "swd_pins_connected"));
	}
	sim_run_clear(&run);
}

/*
 * A tool killed with SIGKILL in the middle of a transfer (crash, kill -9, a closed terminal)
 * leaves the probe as the kernel leaves it: OpenOCD killed between a READMEM and its reply
 * leaves the reply queued in the probe; st-flash killed between a WRITEMEM and its data leaves
 * the probe waiting for the data. Then, in the same launch and on the same probe, unbrick-cli
 * info and flash both succeed: the open drains a stale reply (as pyOCD does) and resets a
 * probe that does not answer (as OpenOCD does).
 */
static void
test_killed_tool_then_cli(Fixture *fixture, gconstpointer user_data)
{
	const gchar *tool = user_data;
	gboolean openocd = g_strcmp0(tool, "openocd") == 0;
	const gchar *cli = g_getenv("UB_CLI_BIN");
	g_autofree gchar *image = firmware(IMAGE_A);
	g_autofree gchar *dump = scratch(fixture, "dump.bin");
	g_autofree gchar *program = NULL;
	g_autofree gchar *info = NULL;
	g_autofree gchar *flash = NULL;
	g_autoptr(GBytes) flash_after = NULL;
	JsonObject *killed;
	JsonArray *programs;
	SimRun run;

	if (cli == NULL) {
		g_test_skip("unbrick-cli was not built");
		return;
	}
	if (image == NULL || !need_programs(tool, NULL))
		return;
	program = g_strdup_printf("program %s " FLASH_BASE " verify reset exit", image);
	info = g_strdup_printf("'%s' info", cli);
	flash = g_strdup_printf("'%s' flash '%s' --backup-dir '%s'", cli, image, fixture->dir);
	{
		/* OpenOCD: past its set-up, in the erase/program polling (a READMEM whose reply
		 * waits); st-flash: its loader upload (a WRITEMEM whose data waits) */
		const gchar *sim_args[] = {"--board",
					   BOARD_HEALTHY,
					   "--dump",
					   dump,
					   "--kill-after-commands",
					   openocd ? "1500" : "600",
					   "--kill-when",
					   openocd ? "reply" : "data",
					   "--then",
					   info,
					   "--then",
					   flash,
					   NULL};
		const gchar *openocd_command[] = {"openocd",
						  "-f",
						  "interface/stlink.cfg",
						  "-f",
						  "target/stm32f4x.cfg",
						  "-c",
						  "gdb_port disabled",
						  "-c",
						  "tcl_port disabled",
						  "-c",
						  "telnet_port disabled",
						  "-c",
						  program,
						  NULL};
		const gchar *st_flash_command[] = {"st-flash", "write", image, FLASH_BASE, NULL};

		run_sim(fixture, &run, sim_args, openocd ? openocd_command : st_flash_command);
	}
	g_assert_false(run.deadline);
	/* the tool died by SIGKILL, mid-command, leaving the probe waiting */
	programs = json_object_get_array_member(run.report, "programs");
	g_assert_cmpuint(json_array_get_length(programs), ==, 3);
	g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(programs, 0),
						   "exit_status"),
			==, 128 + SIGKILL);
	killed = json_object_get_object_member(run.report, "killed");
	g_assert_nonnull(killed);
	g_test_message("killed at command %" G_GINT64_FORMAT ": %s",
		       json_object_get_int_member(killed, "at_command"),
		       json_object_get_string_member(killed, "command"));
	if (openocd)
		g_assert_cmpint(json_object_get_int_member(killed, "pending_reply_bytes"), >, 0);
	else
		g_assert_cmpint(json_object_get_int_member(killed, "pending_data_bytes"), >, 0);
	g_assert_null(strstr(run.all, "** Verified OK **"));
	g_assert_null(strstr(run.all, "jolly good"));
	/* then unbrick-cli, twice, on the same probe: both succeed */
	g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(programs, 1),
						   "exit_status"),
			==, 0);
	g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(programs, 2),
						   "exit_status"),
			==, 0);
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "STM32F405/407/415/417"));
	g_assert_nonnull(strstr(run.out, "Written and verified"));
	/* the image, but for the VESC configuration sectors 1-2 that unbrick keeps (the killed
	 * tool had erased them already) */
	flash_after = read_file(dump);
	{
		g_autoptr(GBytes) bytes = read_file(image);
		const guint8 *f = g_bytes_get_data(flash_after, NULL);
		const guint8 *want = g_bytes_get_data(bytes, NULL);
		gsize n = g_bytes_get_size(bytes);

		g_assert_cmpmem(f, 0x4000, want, 0x4000);
		g_assert_cmpmem(f + 0xC000, n - 0xC000, want + 0xC000, n - 0xC000);
		for (gsize i = n; i < FLASH_SIZE; i++)
			g_assert_cmphex(f[i], ==, 0xff);
	}
	sim_run_clear(&run);
}

/* a DAPLink whose firmware offers CMSIS-DAP over HID only (v1): listed and named, never used */
static void
test_cli_cmsis_dap_v1(Fixture *fixture, gconstpointer user_data)
{
	const gchar *cli = g_getenv("UB_CLI_BIN");
	const gchar *sim_args[] = {"--board", "focbox-daplink-v1", NULL};
	const gchar *probe[] = {cli, "probe", NULL};
	const gchar *info[] = {cli, "info", NULL};
	SimRun run;

	if (cli == NULL) {
		g_test_skip("unbrick-cli was not built");
		return;
	}
	if (!need_programs("true", NULL))
		return;
	run_sim(fixture, &run, sim_args, probe);
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "CMSIS-DAP v1"));
	g_assert_nonnull(strstr(run.out, "not supported yet"));
	sim_run_clear(&run);
	run_sim(fixture, &run, sim_args, info);
	g_assert_cmpint(run.status, !=, 0);
	g_assert_nonnull(strstr(run.err, "not supported yet"));
	/* nothing was sent to the probe */
	g_assert_cmpint(json_object_get_int_member(
			    json_object_get_object_member(run.report, "usb"), "round_trips"),
			==, 0);
	sim_run_clear(&run);
}

/* --probe v2-1 / v3: the other descriptor layouts enumerate, and both tools identify them */
static void
test_probe_model(Fixture *fixture, gconstpointer user_data)
{
	const gchar *model = user_data;
	gboolean v3 = g_strcmp0(model, "v3") == 0;
	const gchar *cli = g_getenv("UB_CLI_BIN");
	const gchar *sim_args[] = {"--board", BOARD_HEALTHY, "--probe", model, NULL};
	const gchar *st_info[] = {"st-info", "--probe", NULL};
	const gchar *probe[] = {cli, "probe", NULL};
	SimRun run;

	if (!need_programs("st-info", NULL))
		return;
	run_sim(fixture, &run, sim_args, st_info);
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "Found 1 stlink programmers"));
	g_assert_nonnull(strstr(run.out, v3 ? "version:    V3J" : "version:    V2J"));
	g_assert_nonnull(strstr(run.out, "chipid:     0x0413"));
	g_assert_cmpstr(report_string(&run, "probe", "usb_id"), ==, v3 ? "0483:374e" : "0483:374b");
	sim_run_clear(&run);

	if (cli == NULL)
		return;
	run_sim(fixture, &run, sim_args, probe);
	g_assert_cmpint(run.status, ==, 0);
	g_assert_true(g_str_has_prefix(run.out, v3 ? "STLINK-V3 " : "ST-LINK/V2-1 "));
	sim_run_clear(&run);
}

static void
test_hotplug(Fixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *self_path = g_file_read_link("/proc/self/exe", NULL);
	const gchar *sim_args[] = {"--board", BOARD_HEALTHY, "--replug-after", "1000", NULL};
	const gchar *command[] = {self_path, "--hotplug-child", NULL};
	SimRun run;

	if (!need_programs("true", NULL))
		return;
	if (!libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
		g_test_skip("libusb without hot-plug support");
		return;
	}
	run_sim(fixture, &run, sim_args, command);
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "arrived 0483:3748\nleft 0483:3748\narrived 0483:3748\n"));
	g_assert_cmpint(report_int(&run, NULL, "usb_unplugs"), ==, 1);
	g_assert_cmpint(report_int(&run, NULL, "usb_replugs"), ==, 1);
	sim_run_clear(&run);
}

static int LIBUSB_CALL
hotplug_cb(libusb_context *ctx, libusb_device *device, libusb_hotplug_event event,
	   void *user_data)
{
	guint *events = user_data;
	struct libusb_device_descriptor desc;

	libusb_get_device_descriptor(device, &desc);
	printf("%s %04x:%04x\n", event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED ? "arrived" : "left",
	       desc.idVendor, desc.idProduct);
	fflush(stdout);
	(*events)++;
	return 0;
}

/* inside unbrick-sim: the enumerated probe, then its departure and return */
static int
hotplug_child(void)
{
	libusb_context *ctx = NULL;
	libusb_hotplug_callback_handle handle;
	guint events = 0;
	gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;

	if (libusb_init(&ctx) != 0)
		return 1;
	if (libusb_hotplug_register_callback(
		ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
		LIBUSB_HOTPLUG_ENUMERATE, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
		LIBUSB_HOTPLUG_MATCH_ANY, hotplug_cb, &events, &handle) != 0)
		return 1;
	while (events < 3 && g_get_monotonic_time() < deadline) {
		struct timeval tv = {0, 100000};
		libusb_handle_events_timeout_completed(ctx, &tv, NULL);
	}
	libusb_hotplug_deregister_callback(ctx, handle);
	libusb_exit(ctx);
	return events == 3 ? 0 : 1;
}

/* inside unbrick-sim: waits to be stopped; the stubborn one ignores SIGTERM */
static int
waiting_child(gboolean stubborn)
{
	if (stubborn)
		signal(SIGTERM, SIG_IGN);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (guint i = 0; i < 600; i++)
		g_usleep(G_USEC_PER_SEC / 10);
	return 0;
}

static void
add(const gchar *path, gconstpointer data, void (*func)(Fixture *, gconstpointer))
{
	g_test_add(path, Fixture, data, fixture_set_up, func, fixture_tear_down);
}

int
main(int argc, char **argv)
{
	if (argc == 2 && g_strcmp0(argv[1], "--hotplug-child") == 0)
		return hotplug_child();
	if (argc == 2 && g_strcmp0(argv[1], "--stubborn-child") == 0)
		return waiting_child(TRUE);
	if (argc == 2 && g_strcmp0(argv[1], "--sleeping-child") == 0)
		return waiting_child(FALSE);

	/* the history of probes and chips is per user: each test gets its own */
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	add("/conformance/st-info-probe", NULL, test_st_info_probe);
	add("/conformance/st-info-fault", NULL, test_st_info_fault);
	add("/conformance/st-flash-read", NULL, test_st_flash_read);
	add("/conformance/st-flash-write", NULL, test_st_flash_write);
	add("/conformance/st-flash-erase", NULL, test_st_flash_erase);
	add("/conformance/st-flash-unplugged", NULL, test_st_flash_unplugged);
	add("/conformance/bricked-st-info", NULL, test_bricked_st_info_fails);
	add("/conformance/bricked-connect-under-reset-genuine", BOARD_BRICKED_GENUINE,
	    test_bricked_connect_under_reset);
	add("/conformance/bricked-connect-under-reset-clone", BOARD_BRICKED_CLONE,
	    test_bricked_connect_under_reset);
	add("/conformance/openocd-program", BOARD_HEALTHY, test_openocd_program);
	add("/conformance/openocd-recover-bricked", BOARD_BRICKED_GENUINE, test_openocd_program);
	add("/conformance/openocd-bricked-without-srst", NULL, test_openocd_bricked_without_srst);
	add("/conformance/openocd-cmsis-dap-program", &cmsis_dap_program, test_openocd_cmsis_dap);
	add("/conformance/openocd-cmsis-dap-recover-bricked", &cmsis_dap_recover,
	    test_openocd_cmsis_dap);
	add("/conformance/openocd-cmsis-dap-nreset-unwired", &cmsis_dap_unwired,
	    test_openocd_cmsis_dap);
	add("/conformance/hotplug", NULL, test_hotplug);
	add("/conformance/launcher-sigterm", GINT_TO_POINTER(FALSE), test_launcher_sigterm);
	add("/conformance/launcher-sigterm-ignored", GINT_TO_POINTER(TRUE), test_launcher_sigterm);
	add("/conformance/cli-identity", NULL, test_cli_identity);
	add("/conformance/cli-connect-under-reset-genuine", BOARD_BRICKED_GENUINE,
	    test_cli_connect_under_reset);
	add("/conformance/cli-connect-under-reset-clone", BOARD_BRICKED_CLONE,
	    test_cli_connect_under_reset);
	add("/conformance/cli-identity-debugprobe", "focbox-debugprobe", test_cli_identity);
	add("/conformance/cli-identity-daplink", "focbox-daplink", test_cli_identity);
	add("/conformance/cli-connect-under-reset-daplink", "focbox-bricked-daplink",
	    test_cli_connect_under_reset);
	add("/conformance/cli-connect-under-reset-pico-unwired", "focbox-bricked-pico",
	    test_cli_connect_under_reset);
	add("/conformance/cli-cmsis-dap-v1", NULL, test_cli_cmsis_dap_v1);
	add("/conformance/probe-v2-1", "v2-1", test_probe_model);
	add("/conformance/probe-v3", "v3", test_probe_model);
	add("/conformance/killed-openocd-then-cli", "openocd", test_killed_tool_then_cli);
	add("/conformance/killed-st-flash-then-cli", "st-flash", test_killed_tool_then_cli);
	return g_test_run();
}
