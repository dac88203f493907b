/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unbrick-cli backup/flash/verify/erase/restore/unlock --sim, run as a person runs them */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ub-error.h"
#include "ub-sim-board.h"
#include "ub-sim-state.h"
#include "ub-test-firmware.h"

#include "ub-firmware-demo.h"
#include "ub-image.h"
#include "ub-test-lsan.h"

#define FW_502 "vesc-fw-5.02-410_o_411_o_412-VESC_default.bin"

typedef struct {
	char *out;
	char *err;
	gint status;
	gint signal;
} CliRun;

static void
cli_run_clear(CliRun *run)
{
	g_clear_pointer(&run->out, g_free);
	g_clear_pointer(&run->err, g_free);
}

static char *
cli_path(void)
{
	return g_test_build_filename(G_TEST_BUILT, "..", "app", "unbrick-cli", NULL);
}

/* runs unbrick-cli (after @wrapper, e.g. unshare …) with backups and journals in @backup_dir */
static gboolean
cli_run_va(CliRun *run, const char *backup_dir, const char *const *wrapper, const char *first,
           va_list args)
{
	g_autofree char *cli = cli_path();
	g_autofree char *jobs = g_build_filename(backup_dir, "jobs", NULL);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_auto(GStrv) envp = g_get_environ();
	g_autoptr(GError) error = NULL;
	gint wait_status = 0;

	if (!g_file_test(cli, G_FILE_TEST_IS_EXECUTABLE)) {
		g_test_skip("unbrick-cli is not built");
		return FALSE;
	}
	envp = g_environ_setenv(envp, "UB_BACKUP_DIR", backup_dir, TRUE);
	envp = g_environ_setenv(envp, "UB_STATE_DIR", jobs, TRUE);
	for (guint i = 0; wrapper != NULL && wrapper[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)wrapper[i]);
	g_ptr_array_add(argv, cli);
	for (const char *arg = first; arg != NULL; arg = va_arg(args, const char *))
		g_ptr_array_add(argv, (gpointer)arg);
	g_ptr_array_add(argv, NULL);
	g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, envp, G_SPAWN_SEARCH_PATH, NULL, NULL,
	                           &run->out, &run->err, &wait_status, &error));
	g_assert_no_error(error);
	run->signal = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
	run->status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
	g_test_message("exit %d (signal %d)\nstdout: %s\nstderr: %s", run->status, run->signal,
	               run->out, run->err);
	return TRUE;
}

static gboolean
cli_run(CliRun *run, const char *backup_dir, const char *first, ...)
{
	va_list args;
	gboolean ok;

	va_start(args, first);
	ok = cli_run_va(run, backup_dir, NULL, first, args);
	va_end(args);
	return ok;
}

static gboolean
cli_run_wrapped(CliRun *run, const char *backup_dir, const char *const *wrapper,
                const char *first, ...)
{
	va_list args;
	gboolean ok;

	va_start(args, first);
	ok = cli_run_va(run, backup_dir, wrapper, first, args);
	va_end(args);
	return ok;
}

/* every stdout line is one JSON object; returns the last (the result). The connection
 * ladder's events (a flash that had to reach the chip first) come before the progress. */
static JsonObject *
parse_lines(JsonParser *parser, const char *text, guint *progress_events, guint *last_percent)
{
	gboolean progress_seen = FALSE;

	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	JsonObject *result = NULL;

	*progress_events = 0;
	*last_percent = 0;
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(JsonParser) line = json_parser_new();
		JsonObject *object;

		if (lines[i][0] == '\0')
			continue;
		g_assert_true(json_parser_load_from_data(line, lines[i], -1, &error));
		g_assert_no_error(error);
		object = json_node_get_object(json_parser_get_root(line));
		if (g_strcmp0(json_object_get_string_member(object, "event"), "progress") == 0) {
			guint percent = (guint)json_object_get_int_member(object, "percentage");
			/* the bar only goes up */
			g_assert_cmpuint(percent, >=, *last_percent);
			*last_percent = percent;
			(*progress_events)++;
			progress_seen = TRUE;
			continue;
		}
		if (json_object_has_member(object, "step")) {
			/* the ladder runs before the job, never in the middle of it */
			g_assert_false(progress_seen);
			continue;
		}
		g_assert_cmpstr(json_object_get_string_member(object, "event"), ==, "result");
		g_assert_true(json_parser_load_from_data(parser, lines[i], -1, &error));
		result = json_node_get_object(json_parser_get_root(parser));
	}
	g_assert_nonnull(result);
	return result;
}

static char *
firmware_path(const char *name)
{
	return ub_test_firmware_path(name);
}

static void
test_cli_flash_json(void)
{
	g_autofree char *image = firmware_path(FW_502);
	g_autofree char *dir = g_dir_make_tmp("ub-cli-flash-XXXXXX", NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	CliRun run = {0};
	JsonObject *result;
	guint events = 0;
	guint percent = 0;

	if (!cli_run(&run, dir, "flash", image, "--sim", "focbox", "--json", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	result = parse_lines(parser, run.out, &events, &percent);
	g_assert_true(json_object_get_boolean_member(result, "ok"));
	g_assert_cmpstr(json_object_get_string_member(result, "stage"), ==, "done");
	g_assert_true(json_object_get_boolean_member(result, "config_kept"));
	g_assert_true(g_str_has_prefix(json_object_get_string_member(result, "backup"), dir));
	g_assert_true(
	        g_file_test(json_object_get_string_member(result, "backup"), G_FILE_TEST_EXISTS));
	g_assert_cmpuint(events, >, 0);
	cli_run_clear(&run);

	/* every --sim run starts a fresh bench (holding its demo firmware): verifying the VESC
	 * image there must report the first difference and change nothing */
	if (!cli_run(&run, dir, "verify", image, "--sim", "focbox", NULL))
		return;
	g_assert_cmpint(run.status, ==, 6);
	g_assert_nonnull(strstr(run.err, "nothing on the chip was changed"));
	cli_run_clear(&run);
}

/*
 * The forum case on a Pico running debugprobe whose nRESET (GP1) is not wired: a normal
 * connect cannot reach the chip; flash climbs the connection ladder in the same session, the
 * (simulated) person holds NRST when asked, and the image is written and verified.
 */
static void
test_cli_flash_recover_pico(void)
{
	g_autofree char *image = firmware_path(FW_502);
	g_autofree char *dir = g_dir_make_tmp("ub-cli-flash-XXXXXX", NULL);
	g_auto(GStrv) lines = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	gboolean held = FALSE, released = FALSE, no_voltage = FALSE;
	JsonObject *result = NULL;
	CliRun run = {0};
	guint n;

	if (image == NULL) {
		g_test_skip("VESC images not found (tests/data/firmware)");
		return;
	}
	if (!cli_run(&run, dir, "flash", image, "--sim", "focbox-bricked-pico", "--no-recover",
		     NULL))
		return;
	/* the firmware took the SWD pins: the target exit code, nothing changed */
	g_assert_cmpint(run.status, ==, 4);
	g_assert_nonnull(strstr(run.err, "State of the chip: nothing on the chip was changed"));
	cli_run_clear(&run);

	if (!cli_run(&run, dir, "flash", image, "--sim", "focbox-bricked-pico", "--board", "focbox",
		     "--json", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	lines = g_strsplit(g_strstrip(run.out), "\n", -1);
	n = g_strv_length(lines);
	for (guint i = 0; i < n; i++) {
		g_autoptr(JsonParser) line = json_parser_new();
		JsonObject *object;
		const char *event;

		g_assert_true(json_parser_load_from_data(line, lines[i], -1, &error));
		g_assert_no_error(error);
		object = json_node_get_object(json_parser_get_root(line));
		event = json_object_get_string_member(object, "event");
		held |= g_strcmp0(event, "hold-nrst") == 0;
		released |= g_strcmp0(event, "release-nrst") == 0 && held;
		/* the Pico has no voltage sense: the ladder says so and goes on */
		no_voltage |= g_strcmp0(event, "note") == 0 &&
			      g_strcmp0(json_object_get_string_member(object, "step"), "voltage") == 0;
	}
	g_assert_true(held);
	g_assert_true(released);
	g_assert_true(no_voltage);
	g_assert_nonnull(strstr(run.out, "SWD header pin 5"));
	g_assert_true(json_parser_load_from_data(parser, lines[n - 1], -1, &error));
	result = json_node_get_object(json_parser_get_root(parser));
	g_assert_cmpstr(json_object_get_string_member(result, "event"), ==, "result");
	g_assert_true(json_object_get_boolean_member(result, "ok"));
	g_assert_cmpstr(json_object_get_string_member(result, "stage"), ==, "done");
	g_assert_true(json_object_get_boolean_member(result, "config_kept"));
	cli_run_clear(&run);
}

static void
test_cli_usage(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-cli-flash-XXXXXX", NULL);
	CliRun run = {0};

	if (!cli_run(&run, dir, "flash", "--sim", "focbox", NULL))
		return;
	g_assert_cmpint(run.status, ==, 1);
	cli_run_clear(&run);
	if (!cli_run(&run, dir, "erase", "--mass", "--sectors", "1", "--sim", "focbox", NULL))
		return;
	g_assert_cmpint(run.status, ==, 1);
	cli_run_clear(&run);
	if (!cli_run(&run, dir, "erase", "--sectors", "x-1", "--sim", "focbox", NULL))
		return;
	g_assert_cmpint(run.status, ==, 1);
	cli_run_clear(&run);
	/* a missing image is an image problem (7), before any probe is touched */
	if (!cli_run(&run, dir, "flash", "/nonexistent.bin", "--sim", "focbox", NULL))
		return;
	g_assert_cmpint(run.status, ==, 7);
	cli_run_clear(&run);
}

/* backup to a named file, then restore it */
static void
test_cli_backup_restore(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-cli-flash-XXXXXX", NULL);
	g_autofree char *file = g_build_filename(dir, "b.bin", NULL);
	g_autofree char *sidecar = g_build_filename(dir, "b.json", NULL);
	CliRun run = {0};

	if (!cli_run(&run, dir, "backup", file, "--sim", "focbox", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	g_assert_true(g_file_test(file, G_FILE_TEST_EXISTS));
	g_assert_true(g_file_test(sidecar, G_FILE_TEST_EXISTS));
	g_assert_nonnull(strstr(run.out, file));
	cli_run_clear(&run);
	if (!cli_run(&run, dir, "restore", file, "--sim", "focbox", "--no-backup", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	cli_run_clear(&run);
}

/* the case: a FOCBOX's backup restored onto a VESC 6 is refused twice (another chip,
 * other hardware) and nothing is written; an unlock that is refused says nothing changed */
static void
test_cli_restore_refused(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-cli-flash-XXXXXX", NULL);
	g_autofree char *file = g_build_filename(dir, "focbox.bin", NULL);
	CliRun run = {0};

	if (!cli_run(&run, dir, "backup", file, "--sim", "focbox", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	cli_run_clear(&run);
	if (!cli_run(&run, dir, "restore", file, "--sim", "vesc6", NULL))
		return;
	g_assert_cmpint(run.status, ==, 7);
	g_assert_nonnull(strstr(run.err, "another chip"));
	g_assert_nonnull(strstr(run.err, "--other-chip"));
	g_assert_nonnull(strstr(run.err, "State of the chip: nothing on the chip was changed."));
	cli_run_clear(&run);
	if (!cli_run(&run, dir, "restore", file, "--sim", "vesc6", "--other-chip", NULL))
		return;
	g_assert_cmpint(run.status, ==, 7);
	g_assert_nonnull(strstr(run.err, "other hardware"));
	g_assert_nonnull(strstr(run.err, "410"));
	g_assert_nonnull(strstr(run.err, "nothing on the chip was changed"));
	cli_run_clear(&run);
	/* named as the board it is, the VESC 6 still refuses HW 410 firmware */
	if (!cli_run(&run, dir, "restore", file, "--sim", "vesc6", "--other-chip", "--board",
	             "vesc-6", NULL))
		return;
	g_assert_cmpint(run.status, ==, 7);
	g_assert_nonnull(strstr(run.err, "the board is 60"));
	cli_run_clear(&run);
	if (!cli_run(&run, dir, "restore", file, "--sim", "vesc6", "--other-chip",
	             "--other-hardware", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	cli_run_clear(&run);

	if (!cli_run(&run, dir, "unlock", "--sim", "focbox-rdp1", NULL))
		return;
	g_assert_cmpint(run.status, ==, 5);
	g_assert_nonnull(strstr(run.err, "nothing on the chip was changed"));
	g_assert_null(strstr(run.err, "partly"));
	g_assert_null(strstr(run.err, "Run the same command again"));
	cli_run_clear(&run);
}

/* a backup folder that cannot take the backup stops the job before the chip is touched and
 * says which of missing, read-only or full it is */
static void
test_cli_backup_dir(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-cli-flash-XXXXXX", NULL);
	g_autofree char *missing = g_build_filename(dir, "missing", NULL);
	g_autofree char *small = g_build_filename(dir, "small", NULL);
	g_autofree char *mount_full = NULL;
	g_autofree char *mount_ro = NULL;
	g_autofree char *unshare_path = NULL;
	const char *unshare[] = {"unshare", "-rm", "sh", "-c", NULL, "sh", NULL};
	CliRun run = {0};

	if (!cli_run(&run, dir, "erase", "--sim", "focbox", "--backup-dir", missing, NULL))
		return;
	g_assert_cmpint(run.status, ==, 6);
	g_assert_nonnull(strstr(run.err, "does not exist"));
	g_assert_nonnull(strstr(run.err, "nothing on the chip was changed"));
	cli_run_clear(&run);

	/* a full and a read-only file system, in a mount namespace of our own */
	unshare_path = g_find_program_in_path("unshare");
	if (unshare_path == NULL) {
		g_test_message("no unshare: full and read-only folders not tried");
		return;
	}
	g_assert_cmpint(g_mkdir(small, 0700), ==, 0);
	mount_full = g_strdup_printf("mount -t tmpfs -o size=256k none '%s' && exec \"$@\"", small);
	unshare[4] = mount_full;
	if (!cli_run_wrapped(&run, dir, unshare, "erase", "--sim", "focbox", "--backup-dir", small,
	                     NULL))
		return;
	if (strstr(run.err, "unshare:") != NULL || strstr(run.err, "mount:") != NULL) {
		g_test_message("no user namespaces here: full and read-only folders not tried");
		cli_run_clear(&run);
		return;
	}
	g_assert_cmpint(run.status, ==, 6);
	g_assert_nonnull(strstr(run.err, "is full"));
	g_assert_nonnull(strstr(run.err, "nothing on the chip was changed"));
	cli_run_clear(&run);
	mount_ro = g_strdup_printf("mount --bind '%s' '%s' && mount -o remount,bind,ro '%s' && "
	                           "exec \"$@\"",
	                           small, small, small);
	unshare[4] = mount_ro;
	if (!cli_run_wrapped(&run, dir, unshare, "erase", "--sim", "focbox", "--backup-dir", small,
	                     NULL))
		return;
	g_assert_cmpint(run.status, ==, 6);
	g_assert_nonnull(strstr(run.err, "read-only"));
	cli_run_clear(&run);
}

/* two programs on one bench: the second meets a busy probe (exit 3) naming the first */
static void
test_cli_busy(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-cli-flash-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "bench.state", NULL);
	g_autofree char *pid = g_strdup_printf("pid %d", (int)getpid());
	g_autoptr(UbSimBoard) board = NULL;
	g_autoptr(UbSimState) state = NULL;
	g_autoptr(GError) error = NULL;
	CliRun run = {0};

	board = ub_sim_board_new_from_name("focbox", &error);
	g_assert_no_error(error);
	state = ub_sim_state_attach(board, path, &error);
	g_assert_no_error(error);
	if (!cli_run(&run, dir, "erase", "--sim", "focbox", "--sim-state", path, NULL))
		return;
	g_assert_cmpint(run.status, ==, 3);
	g_assert_nonnull(strstr(run.err, "in use by another program"));
	g_assert_nonnull(strstr(run.err, pid));
	cli_run_clear(&run);
	g_clear_object(&state);
	if (!cli_run(&run, dir, "erase", "--sim", "focbox", "--sim-state", path, NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	cli_run_clear(&run);
}

/* `backups` tells the original from a half-written backup, and restore takes the original */
static void
test_cli_backups(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-cli-flash-XXXXXX", NULL);
	g_autofree char *state = g_build_filename(dir, "bench.state", NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *original = NULL;
	JsonArray *list;
	CliRun run = {0};

	/* the supply goes in the middle of an erase: the first run stops half done */
	if (!cli_run(&run, dir, "erase", "--sim", "focbox", "--sim-state", state, "--sim-fault",
	             "power@3s", NULL))
		return;
	g_assert_cmpint(run.status, ==, 4);
	g_assert_nonnull(strstr(run.err, "The board has no power"));
	g_assert_nonnull(strstr(run.err, "To put the original back instead"));
	cli_run_clear(&run);
	if (!cli_run(&run, dir, "erase", "--sim", "focbox", "--sim-state", state, NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.err, "an interrupted erase"));
	g_assert_nonnull(strstr(run.out, "half-written chip"));
	cli_run_clear(&run);

	if (!cli_run(&run, dir, "backups", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "complete: the chip as it was"));
	g_assert_nonnull(strstr(run.out, "half-written: erase"));
	g_assert_nonnull(strstr(run.out, "restore takes this one"));
	cli_run_clear(&run);
	if (!cli_run(&run, dir, "backups", "--json", NULL))
		return;
	g_assert_true(json_parser_load_from_data(parser, run.out, -1, &error));
	g_assert_no_error(error);
	list = json_object_get_array_member(json_node_get_object(json_parser_get_root(parser)),
	                                    "backups");
	g_assert_cmpuint(json_array_get_length(list), ==, 2);
	/* newest first: the half-written one; restore proposes the older, complete one */
	g_assert_cmpstr(json_object_get_string_member(json_array_get_object_element(list, 0),
	                                              "contents"),
	                ==, "interrupted");
	g_assert_false(json_object_get_boolean_member(json_array_get_object_element(list, 0),
	                                              "proposed_for_restore"));
	g_assert_cmpstr(json_object_get_string_member(json_array_get_object_element(list, 1),
	                                              "contents"),
	                ==, "complete");
	g_assert_true(json_object_get_boolean_member(json_array_get_object_element(list, 1),
	                                             "proposed_for_restore"));
	original = g_strdup(
	        json_object_get_string_member(json_array_get_object_element(list, 1), "path"));
	cli_run_clear(&run);

	if (!cli_run(&run, dir, "restore", "--sim", "focbox", "--sim-state", state, "--no-backup",
	             "--wipe-config", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, original));
	cli_run_clear(&run);
}

/* the generated HW 410 image (no external firmware needed) written to @dir */
static char *
demo_image_file(const char *dir)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(UbImage) image = ub_firmware_demo_image_new("410", UB_FIRMWARE_LAYOUT_512K, &error);
	g_autoptr(GBytes) bytes = NULL;
	char *path = g_build_filename(dir, "demo-410.bin", NULL);

	g_assert_no_error(error);
	bytes = ub_image_flatten(image, 0xFF, &error);
	g_assert_no_error(error);
	g_assert_true(g_file_set_contents(path, g_bytes_get_data(bytes, NULL),
	                                  (gssize)g_bytes_get_size(bytes), NULL));
	return path;
}

/* the forum board with its VESC settings in sectors 1-2: repurposed SWD pins, a clone probe
 * whose RST goes nowhere */
static char *
forum_bench_file(const char *dir)
{
	g_autofree char *settings = g_build_filename(dir, "settings.bin", NULL);
	g_autofree char *json = NULL;
	char *path = g_build_filename(dir, "forum.json", NULL);
	guint8 block[256];

	for (guint i = 0; i < sizeof(block); i++)
		block[i] = (guint8)(i * 7 + 3);
	g_assert_true(g_file_set_contents(settings, (const char *)block, sizeof(block), NULL));
	json = g_strdup_printf(
	        "{ \"name\": \"forum\", \"probe\": { \"kind\": \"stlink-v2-clone\", "
	        "\"rst_wired\": false }, \"flash\": [ { \"image\": \"repurpose-swd\" }, "
	        "{ \"file\": \"%s\", \"address\": \"0x08004000\" } ] }",
	        settings);
	g_assert_true(g_file_set_contents(path, json, -1, NULL));
	return path;
}

/* the sim state's flash (what the chip holds after the command) */
static GBytes *
state_flash(const char *state)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	const char *text;
	guchar *data;
	gsize len = 0;

	g_assert_true(json_parser_load_from_file(parser, state, NULL));
	text = json_object_get_string_member(json_node_get_object(json_parser_get_root(parser)),
	                                     "flash");
	data = g_base64_decode(text, &len);
	return g_bytes_new_take(data, len);
}

/* story 1 and 2 in one command: locked out, reached with a hand on NRST, flashed, verified,
 * the settings kept */
static void
test_cli_flash_forum_case(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-cli-flash-XXXXXX", NULL);
	g_autofree char *image = demo_image_file(dir);
	g_autofree char *bench = forum_bench_file(dir);
	g_autofree char *state = g_build_filename(dir, "state.json", NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GBytes) before = NULL;
	g_autoptr(GBytes) after = NULL;
	g_autofree char *want = NULL;
	gsize want_len = 0;
	CliRun run = {0};
	JsonObject *result;
	guint events = 0, percent = 0;

	/* the bench as it was, for comparison */
	if (!cli_run(&run, dir, "info", "--sim", bench, "--sim-state", state, NULL))
		return;
	cli_run_clear(&run);
	before = state_flash(state);

	if (!cli_run(&run, dir, "flash", image, "--sim-state", state, "--board", "focbox", "--json",
	             NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "\"event\":\"hold-nrst\""));
	g_assert_nonnull(strstr(run.out, "\"event\":\"release-nrst\""));
	g_assert_nonnull(strstr(run.out, "SWD header pin 5"));
	result = parse_lines(parser, run.out, &events, &percent);
	g_assert_true(json_object_get_boolean_member(result, "ok"));
	g_assert_cmpstr(json_object_get_string_member(result, "stage"), ==, "done");
	g_assert_true(json_object_get_boolean_member(result, "config_kept"));
	cli_run_clear(&run);

	after = state_flash(state);
	g_assert_true(g_file_get_contents(image, &want, &want_len, NULL));
	/* the image's sector 0 and application are on the chip; sectors 1-2 are as before */
	g_assert_cmpmem(g_bytes_get_data(after, NULL), 0x4000, want, 0x4000);
	g_assert_cmpmem((const guint8 *)g_bytes_get_data(after, NULL) + 0xC000, want_len - 0xC000,
	                want + 0xC000, want_len - 0xC000);
	g_assert_cmpmem((const guint8 *)g_bytes_get_data(after, NULL) + 0x4000, 0x8000,
	                (const guint8 *)g_bytes_get_data(before, NULL) + 0x4000, 0x8000);
}

/* connect, then flash: two programs on one bench (--sim-state keeps it in between) */
static void
test_cli_connect_then_flash(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-cli-flash-XXXXXX", NULL);
	g_autofree char *image = demo_image_file(dir);
	g_autofree char *state = g_build_filename(dir, "state.json", NULL);
	CliRun run = {0};

	if (!cli_run(&run, dir, "connect", "--sim", "focbox-bricked", "--sim-state", state,
	             "--board", "focbox", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "manual-reset"));
	cli_run_clear(&run);
	/* no ladder needed now: the chip is still held before its firmware */
	if (!cli_run(&run, dir, "flash", image, "--sim-state", state, "--no-recover", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	g_assert_null(strstr(run.out, "NRST"));
	g_assert_nonnull(strstr(run.out, "verified"));
	cli_run_clear(&run);
	if (!cli_run(&run, dir, "verify", image, "--sim-state", state, NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	cli_run_clear(&run);
}

/* --no-recover: a normal connect only; nothing is touched and the hint points on */
static void
test_cli_flash_no_recover(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-cli-flash-XXXXXX", NULL);
	g_autofree char *image = demo_image_file(dir);
	CliRun run = {0};

	if (!cli_run(&run, dir, "flash", image, "--sim", "focbox-bricked", "--no-recover", NULL))
		return;
	g_assert_cmpint(run.status, ==, 4);
	g_assert_null(strstr(run.out, "NRST"));
	g_assert_nonnull(strstr(run.err, "State of the chip: nothing on the chip was changed"));
	g_assert_nonnull(strstr(run.err, "unbrick-cli connect"));
	cli_run_clear(&run);
}

/* crossed SWDIO and SWCLK: every rung fails, and the verdict is the wires, never the chip */
static void
test_cli_flash_swapped_wires(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-cli-flash-XXXXXX", NULL);
	g_autofree char *image = demo_image_file(dir);
	CliRun run = {0};

	if (!cli_run(&run, dir, "flash", image, "--sim", "focbox-swapped", "--board", "focbox",
	             "--probe", "stlink-v2", NULL))
		return;
	g_assert_cmpint(run.status, ==, 4);
	g_assert_nonnull(strstr(run.out, "A wire is swapped or not connected"));
	g_assert_nonnull(strstr(run.out, "--wires-checked"));
	g_assert_null(strstr(run.out, "damaged"));
	g_assert_null(strstr(run.out, "Replacing"));
	g_assert_nonnull(strstr(run.err, "State of the chip: nothing on the chip was changed"));
	cli_run_clear(&run);
}

/* long jumper wires (clean up to 950 kHz): the flash ends verified at a slower clock, and
 * --verbose says which clock failed and which one it fell back to */
static void
test_cli_flash_long_wires(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-cli-flash-XXXXXX", NULL);
	g_autofree char *image = demo_image_file(dir);
	g_autoptr(JsonParser) parser = json_parser_new();
	CliRun run = {0};
	JsonObject *result;
	guint events = 0;
	guint percent = 0;

	if (!cli_run(&run, dir, "flash", image, "--sim", "focbox-long-wires", "--no-backup",
	             "--json", "--verbose", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	result = parse_lines(parser, run.out, &events, &percent);
	g_assert_true(json_object_get_boolean_member(result, "ok"));
	g_assert_cmpstr(json_object_get_string_member(result, "stage"), ==, "done");
	g_assert_cmpint(json_object_get_int_member(result, "swd_khz"), <=, 950);
	g_assert_nonnull(strstr(run.err, "transfers fail at 4000 kHz; falling back to 480 kHz"));
	cli_run_clear(&run);
}

int
main(int argc, char **argv)
{
	/* the history of probes and chips is per user: each test gets its own */
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	UB_TEST_ADD_FUNC("/flash/cli/flash-json", test_cli_flash_json);
	UB_TEST_ADD_FUNC("/flash/cli/usage", test_cli_usage);
	UB_TEST_ADD_FUNC("/flash/cli/recover-pico", test_cli_flash_recover_pico);
	UB_TEST_ADD_FUNC("/flash/cli/backup-restore", test_cli_backup_restore);
	UB_TEST_ADD_FUNC("/flash/cli/restore-refused", test_cli_restore_refused);
	UB_TEST_ADD_FUNC("/flash/cli/backup-dir", test_cli_backup_dir);
	UB_TEST_ADD_FUNC("/flash/cli/busy", test_cli_busy);
	UB_TEST_ADD_FUNC("/flash/cli/backups", test_cli_backups);
	UB_TEST_ADD_FUNC("/flash/cli/forum-case", test_cli_flash_forum_case);
	UB_TEST_ADD_FUNC("/flash/cli/connect-then-flash", test_cli_connect_then_flash);
	UB_TEST_ADD_FUNC("/flash/cli/no-recover", test_cli_flash_no_recover);
	UB_TEST_ADD_FUNC("/flash/cli/swapped-wires", test_cli_flash_swapped_wires);
	UB_TEST_ADD_FUNC("/flash/cli/long-wires", test_cli_flash_long_wires);
	return g_test_run();
}
