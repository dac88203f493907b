/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Conformance: unmodified third-party tools (Debian's stlink-tools 1.7.0 and OpenOCD 0.12)
 * drive the simulated ST-LINK + STM32F405 through unbrick-sim, i.e. through the real libusb
 * and usbdevfs as umockdev emulates it. Each test is registered as a meson test of its own
 * (suite "conformance"). The images are real VESC firmware from $UB_SHARED_FIRMWARE_DIR.
 *
 * This program is also the hot-plug witness: "--hotplug-child" registers a libusb hot-plug
 * callback and prints what it sees while unbrick-sim unplugs and re-plugs the probe.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libusb.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

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

typedef struct {
	gint status; /* exit status of unbrick-sim, i.e. of the tool */
	gchar *out;
	gchar *err;
	gchar *all; /* stdout then stderr: the tools log to either */
	JsonObject *report;
	JsonParser *parser;
} SimRun;

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
	const gchar *dir = g_getenv("UB_SHARED_FIRMWARE_DIR");
	g_autofree gchar *path = NULL;

	if (dir == NULL)
		return NULL;
	path = g_build_filename(dir, name, NULL);
	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
		g_autofree gchar *msg = g_strdup_printf("firmware %s is missing", path);
		g_test_skip(msg);
		return NULL;
	}
	return g_steal_pointer(&path);
}

/* unbrick-sim SIM_ARGS... --report R -- COMMAND... */
static void
run_sim(Fixture *fixture, SimRun *run, const gchar *const *sim_args,
	const gchar *const *command)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *report_path = scratch(fixture, "report.json");
	g_autofree gchar *joined = NULL;
	gint wait_status = 0;

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
	g_spawn_sync(NULL, (gchar **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &run->out,
		     &run->err, &wait_status, &error);
	g_assert_no_error(error);
	run->status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
	g_test_message("exit %d\n--- stdout\n%s--- stderr\n%s", run->status, run->out, run->err);
	run->all = g_strconcat(run->out, run->err, NULL);

	run->parser = json_parser_new();
	if (json_parser_load_from_file(run->parser, report_path, NULL) &&
	    JSON_NODE_HOLDS_OBJECT(json_parser_get_root(run->parser)))
		run->report = json_node_get_object(json_parser_get_root(run->parser));
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
	g_assert_nonnull(run.report);
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
	sim_run_clear(&run);
}

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
	if (g_strcmp0(board, BOARD_BRICKED_GENUINE) == 0) {
		/* the genuine probe's RST reaches NRST: the core is caught before the GPIO set-up */
		g_assert_cmpint(run.status, ==, 0);
		g_assert_true(g_file_test(out_path, G_FILE_TEST_IS_REGULAR));
	} else {
		/* on the clone RST goes nowhere: the firmware runs and takes the pins again */
		g_assert_cmpint(run.status, !=, 0);
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
	if (under_reset) {
		g_ptr_array_add(command, (gpointer) "-c");
		g_ptr_array_add(command,
				(gpointer) "reset_config srst_only srst_nogate connect_assert_srst");
	}
	g_ptr_array_add(command, (gpointer) "-c");
	g_ptr_array_add(command, program);
	g_ptr_array_add(command, NULL);
	{
		const gchar *sim_args[] = {"--board", board, "--flash", before, "--dump", dump, NULL};
		run_sim(fixture, &run, sim_args, (const gchar *const *)command->pdata);
	}
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.all, "** Verified OK **"));
	flash = read_file(dump);
	assert_flash_holds(flash, image);
	sim_run_clear(&run);
}

/* unplugged in the middle of a write: the tool fails cleanly instead of hanging */
static void
test_st_flash_unplugged(Fixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *image = firmware(IMAGE_A);
	SimRun run;

	if (image == NULL || !need_programs("st-flash", NULL))
		return;
	{
		const gchar *sim_args[] = {"--board", BOARD_HEALTHY, "--unplug-after", "300", NULL};
		const gchar *command[] = {"st-flash", "write", image, FLASH_BASE, NULL};
		run_sim(fixture, &run, sim_args, command);
	}
	g_assert_cmpint(run.status, !=, 0);
	g_assert_null(strstr(run.all, "jolly good"));
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

	g_test_init(&argc, &argv, NULL);
	add("/conformance/st-info-probe", NULL, test_st_info_probe);
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
	add("/conformance/hotplug", NULL, test_hotplug);
	return g_test_run();
}
