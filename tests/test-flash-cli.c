/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unbrick-cli backup/flash/verify/erase/restore/unlock --sim, run as a person runs them */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>
#include "ub-test-firmware.h"

#define FW_502 "vesc-fw-5.02-410_o_411_o_412-VESC_default.bin"

typedef struct {
	char *out;
	char *err;
	gint status;
} CliRun;

static void
cli_run_clear(CliRun *run)
{
	g_clear_pointer(&run->out, g_free);
	g_clear_pointer(&run->err, g_free);
}

static gboolean
cli_run(CliRun *run, const char *backup_dir, const char *first, ...)
{
	g_autofree char *cli =
	        g_test_build_filename(G_TEST_BUILT, "..", "app", "unbrick-cli", NULL);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_auto(GStrv) envp = g_get_environ();
	g_autoptr(GError) error = NULL;
	gint wait_status = 0;
	va_list args;

	if (!g_file_test(cli, G_FILE_TEST_IS_EXECUTABLE)) {
		g_test_skip("unbrick-cli is not built");
		return FALSE;
	}
	envp = g_environ_setenv(envp, "UB_BACKUP_DIR", backup_dir, TRUE);
	g_ptr_array_add(argv, cli);
	va_start(args, first);
	for (const char *arg = first; arg != NULL; arg = va_arg(args, const char *))
		g_ptr_array_add(argv, (gpointer)arg);
	va_end(args);
	g_ptr_array_add(argv, NULL);
	g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
	                           &run->out, &run->err, &wait_status, &error));
	g_assert_no_error(error);
	g_assert_true(WIFEXITED(wait_status));
	run->status = WEXITSTATUS(wait_status);
	g_test_message("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
	return TRUE;
}

/* every stdout line is one JSON object; returns the last (the result) */
static JsonObject *
parse_lines(JsonParser *parser, const char *text, guint *progress_events, guint *last_percent)
{
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

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/flash/cli/flash-json", test_cli_flash_json);
	g_test_add_func("/flash/cli/usage", test_cli_usage);
	g_test_add_func("/flash/cli/backup-restore", test_cli_backup_restore);
	return g_test_run();
}
