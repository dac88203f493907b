/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fetching firmware from an archive laid out like github.com/vedderb/vesc_fw_archive, served by
 * a small HTTP/1.1 server on 127.0.0.1 that this test starts and stops: a normal fetch, a slow
 * server, a stalled one, a dropped connection, a file for the wrong hardware, a missing file,
 * no server at all, cancelling, and unbrick-cli firmware fetch against it.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "ub-error.h"
#include "ub-firmware-fetch.h"
#include "ub-test-archive-server.h"
#include "ub-test-firmware.h"

/* ---- the fixture: an archive folder, a server for it, an empty cache -------------------- */

typedef struct {
	char *archive;
	char *cache;
	TestServer *server;
	UbFirmwareFetch *fetch;
	GMainLoop *loop;
	GAsyncResult *result;
	GArray *percentages;
} Fixture;

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* every file below @path, relative to it, sorted and joined by spaces */
static char *
list_files(const char *top, const char *relative)
{
	g_autofree char *path = g_build_filename(top, relative, NULL);
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) out = g_string_new(NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree char *child_relative =
		    relative[0] != '\0' ? g_build_filename(relative, name, NULL) : g_strdup(name);
		g_autofree char *child = g_build_filename(top, child_relative, NULL);

		if (g_file_test(child, G_FILE_TEST_IS_DIR))
			g_ptr_array_add(names, list_files(top, child_relative));
		else
			g_ptr_array_add(names, g_steal_pointer(&child_relative));
	}
	g_ptr_array_sort(names, compare_strings);
	for (guint i = 0; i < names->len; i++) {
		const char *item = g_ptr_array_index(names, i);
		if (item[0] != '\0')
			g_string_append_printf(out, "%s%s", out->len > 0 ? " " : "", item);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
fixture_setup(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *url = NULL;

	fixture->archive = ub_test_archive_new();
	fixture->cache = g_dir_make_tmp("ub-cache-XXXXXX", &error);
	g_assert_no_error(error);
	fixture->server = server_start(fixture->archive);
	url = server_url(fixture->server);
	fixture->fetch = ub_firmware_fetch_new(url);
	ub_firmware_fetch_set_cache_dir(fixture->fetch, fixture->cache);
	ub_firmware_fetch_set_timeout(fixture->fetch, 1);
	fixture->loop = g_main_loop_new(NULL, FALSE);
	fixture->percentages = g_array_new(FALSE, FALSE, sizeof(guint));
}

static void
fixture_teardown(Fixture *fixture, gconstpointer user_data)
{
	server_stop(fixture->server);
	g_clear_object(&fixture->fetch);
	g_clear_object(&fixture->result);
	g_main_loop_unref(fixture->loop);
	g_array_unref(fixture->percentages);
	ub_test_remove_tree(fixture->archive);
	ub_test_remove_tree(fixture->cache);
	g_free(fixture->archive);
	g_free(fixture->cache);
}

static void
fetch_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Fixture *fixture = user_data;

	g_set_object(&fixture->result, result);
	g_main_loop_quit(fixture->loop);
}

static void
progress_changed_cb(UbProgress *progress, guint percentage, guint status, const char *step,
		    gpointer user_data)
{
	Fixture *fixture = user_data;

	g_array_append_val(fixture->percentages, percentage);
}

static gboolean
give_up_cb(gpointer user_data)
{
	gboolean *expired = user_data;

	*expired = TRUE;
	return G_SOURCE_REMOVE;
}

/* "changed" is coalesced onto the main loop: the last one may come after the result */
static void
wait_for_progress_end(Fixture *fixture, UbProgress *progress)
{
	gboolean expired = FALSE;
	guint timeout = g_timeout_add_seconds(5, give_up_cb, &expired);

	while (!expired && (fixture->percentages->len == 0 ||
			    g_array_index(fixture->percentages, guint,
					  fixture->percentages->len - 1) !=
				ub_progress_get_percentage(progress)))
		g_main_context_iteration(NULL, TRUE);
	if (!expired)
		g_source_remove(timeout);
}

/* a hang guard, not a speed check: every fetch here ends within seconds or the timeout */
static gboolean
fetch_hung_cb(gpointer user_data)
{
	g_printerr("the fetch did not end within %u s\n", GPOINTER_TO_UINT(user_data));
	g_assert_not_reached();
	return G_SOURCE_REMOVE;
}

static UbFirmwareEntry *
fixture_fetch(Fixture *fixture, const char *hw_name, const char *version, const char *file,
	      GCancellable *cancellable, GError **error)
{
	g_autoptr(UbProgress) progress = ub_progress_new();
	g_auto(GStrv) hw_names = g_strsplit(hw_name, ",", -1);
	UbFirmwareEntry *entry;
	guint guard;

	g_array_set_size(fixture->percentages, 0);
	g_signal_connect(progress, "changed", G_CALLBACK(progress_changed_cb), fixture);
	guard = g_timeout_add_seconds(120, fetch_hung_cb, GUINT_TO_POINTER(120));
	ub_firmware_fetch_run_async(fixture->fetch, (const char *const *)hw_names, version, file,
				    progress, cancellable, fetch_done_cb, fixture);
	g_main_loop_run(fixture->loop);
	g_source_remove(guard);
	entry = ub_firmware_fetch_run_finish(fixture->fetch, fixture->result, error);
	if (entry != NULL)
		wait_for_progress_end(fixture, progress);
	/* a coalesced emission may still be queued: it must not reach a later fixture */
	g_signal_handlers_disconnect_by_data(progress, fixture);
	return entry;
}

static void
assert_same_file(const char *a, const char *b)
{
	g_autofree char *data_a = NULL;
	g_autofree char *data_b = NULL;
	gsize size_a = 0, size_b = 0;

	g_assert_true(g_file_get_contents(a, &data_a, &size_a, NULL));
	g_assert_true(g_file_get_contents(b, &data_b, &size_b, NULL));
	g_assert_cmpmem(data_a, size_a, data_b, size_b);
}

/* percentages only go up and end at 100 */
static void
assert_progress_monotonic(Fixture *fixture)
{
	guint last = 0;

	g_assert_cmpuint(fixture->percentages->len, >, 0);
	for (guint i = 0; i < fixture->percentages->len; i++) {
		guint value = g_array_index(fixture->percentages, guint, i);
		g_assert_cmpuint(value, >=, last);
		last = value;
	}
	g_assert_cmpuint(last, ==, 100);
}

/* a normal fetch: the newest version for the hardware, byte for byte, identified */
static void
test_fetch_newest(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbFirmwareEntry) entry = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *want = ub_test_firmware_path(UB_TEST_FW_700);
	g_autofree char *files = NULL;
	UbFirmwareInfo *info;

	entry = fixture_fetch(fixture, "410", NULL, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(entry);
	g_assert_cmpstr(ub_firmware_entry_get_archive_version(entry), ==, "7.00");
	g_assert_true(ub_firmware_entry_get_is_default(entry));
	info = ub_firmware_entry_get_info(entry);
	g_assert_cmpint(ub_firmware_info_get_kind(info), ==, UB_FIRMWARE_KIND_APPLICATION);
	g_assert_true(ub_firmware_info_serves_hw_name(info, "410"));
	g_assert_cmpstr(ub_firmware_info_get_version_string(info), ==, "7.00");
	g_assert_true(g_str_has_prefix(ub_firmware_entry_get_path(entry), fixture->cache));
	assert_same_file(ub_firmware_entry_get_path(entry), want);
	/* the cache is laid out like the archive, with nothing else in it */
	files = list_files(fixture->cache, "");
	g_assert_cmpstr(files, ==, "7.00/410_o_411_o_412/VESC_default.bin");
	assert_progress_monotonic(fixture);
	/* the index, then the one file */
	g_assert_cmpuint(fixture->server->requests->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(fixture->server->requests, 0), ==, "/in_res_fw.qrc");
	g_assert_cmpstr(g_ptr_array_index(fixture->server->requests, 1), ==,
			"/7.00/410_o_411_o_412/VESC_default.bin");
}

/* any name of a folder "410_o_411_o_412" finds it; --version picks an older release */
static void
test_fetch_version_and_alias(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbFirmwareEntry) entry = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *want = ub_test_firmware_path(UB_TEST_FW_502);

	entry = fixture_fetch(fixture, "412", "5.02", NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(ub_firmware_entry_get_archive_version(entry), ==, "5.02");
	/* 5.02 builds do not state their version: the archive's folder does */
	g_assert_cmpstr(ub_firmware_entry_get_version_string(entry), ==, "5.02");
	assert_same_file(ub_firmware_entry_get_path(entry), want);
}

/* a slow server: the file still comes, and progress moves with it */
static void
test_fetch_slow(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbFirmwareEntry) entry = NULL;
	g_autoptr(GError) error = NULL;
	guint distinct = 0;
	guint last = G_MAXUINT;

	fixture->server->bin_mode = SERVE_SLOW;
	entry = fixture_fetch(fixture, "60", NULL, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ub_firmware_info_serves_hw_name(ub_firmware_entry_get_info(entry), "60"));
	assert_progress_monotonic(fixture);
	for (guint i = 0; i < fixture->percentages->len; i++) {
		guint value = g_array_index(fixture->percentages, guint, i);
		distinct += value != last;
		last = value;
	}
	/* ~0.5 s of transfer against a 50 ms coalescing interval */
	g_assert_cmpuint(distinct, >=, 4);
}

static void
assert_cache_empty(Fixture *fixture)
{
	g_autofree char *files = list_files(fixture->cache, "");

	g_assert_cmpstr(files, ==, "");
}

/* a server that stops sending: a timeout after the silence, no partial file kept */
static void
test_fetch_stalled(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbFirmwareEntry) entry = NULL;
	g_autoptr(GError) error = NULL;

	fixture->server->bin_mode = SERVE_STALL;
	entry = fixture_fetch(fixture, "410", NULL, NULL, NULL, &error);
	g_assert_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_TIMEOUT);
	g_assert_null(entry);
	assert_cache_empty(fixture);
}

/* the connection drops half way: interrupted, no partial file kept */
static void
test_fetch_dropped(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbFirmwareEntry) entry = NULL;
	g_autoptr(GError) error = NULL;

	fixture->server->bin_mode = SERVE_DROP;
	entry = fixture_fetch(fixture, "410", NULL, NULL, NULL, &error);
	g_assert_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_INTERRUPTED);
	g_assert_null(entry);
	assert_cache_empty(fixture);
}

/* the archive's HW 48 folder holds a VESC 6 build: identified, refused, not kept */
static void
test_fetch_wrong_hardware(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbFirmwareEntry) entry = NULL;
	g_autoptr(GError) error = NULL;

	entry = fixture_fetch(fixture, "48", NULL, NULL, NULL, &error);
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE);
	g_assert_nonnull(strstr(error->message, "6.05/48/VESC_default.bin"));
	g_assert_null(entry);
	assert_cache_empty(fixture);
}

/* listed in the index, missing on the server; and things the index does not have */
static void
test_fetch_not_found(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbFirmwareEntry) entry = NULL;
	g_autoptr(GError) error = NULL;

	entry = fixture_fetch(fixture, "410", "6.05", "VESC_default_no_hw_limits.bin", NULL,
			      &error);
	g_assert_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_NOT_FOUND);
	g_assert_nonnull(strstr(error->message, "HTTP 404"));
	g_clear_error(&error);

	entry = fixture_fetch(fixture, "75_300", NULL, NULL, NULL, &error);
	g_assert_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_NOT_FOUND);
	g_assert_nonnull(strstr(error->message, "no firmware for hardware 75_300"));
	g_clear_error(&error);

	entry = fixture_fetch(fixture, "410", "9.99", NULL, NULL, &error);
	g_assert_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_NOT_FOUND);
	g_assert_nonnull(strstr(error->message, "the newest is 7.00"));
	g_clear_error(&error);

	/* HW 60 has no 5.02 in this archive */
	entry = fixture_fetch(fixture, "60", "5.02", NULL, NULL, &error);
	g_assert_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_NOT_FOUND);
	g_assert_null(entry);
	assert_cache_empty(fixture);
}

/* a VESC 6 comes as 60 and 60_MK6, with their own builds: the person chooses */
static void
test_fetch_ambiguous(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbFirmwareEntry) entry = NULL;
	g_autoptr(GError) error = NULL;

	entry = fixture_fetch(fixture, "60,60_MK3,60_MK6", NULL, NULL, NULL, &error);
	g_assert_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_AMBIGUOUS);
	g_assert_nonnull(strstr(error->message, "60, 60_MK6"));
	g_assert_null(entry);
	g_clear_error(&error);
	/* a board whose names lead to one folder is no question (Flipsky 4.20: 410, Flipsky_412) */
	entry = fixture_fetch(fixture, "410,Flipsky_412", NULL, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(ub_firmware_entry_get_archive_version(entry), ==, "7.00");
}

/* something answers at the address, but it is not the archive */
static void
test_fetch_not_an_archive(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbFirmwareEntry) entry = NULL;
	g_autoptr(GError) error = NULL;

	fixture->server->garbage_index = TRUE;
	entry = fixture_fetch(fixture, "410", NULL, NULL, NULL, &error);
	g_assert_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_SERVER);
	g_assert_null(entry);
}

static void
test_fetch_offline(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(GSocket) refusing = NULL;
	g_autofree char *url = ub_test_refusing_url(&refusing);
	g_autoptr(UbFirmwareEntry) entry = NULL;
	g_autoptr(GError) error = NULL;

	g_clear_object(&fixture->fetch);
	fixture->fetch = ub_firmware_fetch_new(url);
	ub_firmware_fetch_set_cache_dir(fixture->fetch, fixture->cache);
	ub_firmware_fetch_set_timeout(fixture->fetch, 5);
	entry = fixture_fetch(fixture, "410", NULL, NULL, NULL, &error);
	g_assert_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_OFFLINE);
	g_assert_null(entry);
	assert_cache_empty(fixture);
}

static void
cancel_when_downloading_cb(UbProgress *progress, guint percentage, guint status,
			   const char *step, gpointer user_data)
{
	/* past the index step (5 %): the file is on its way */
	if (percentage > 10)
		g_cancellable_cancel(user_data);
}

/* cancelling in the middle of the transfer: "stopped", and nothing left behind */
static void
test_fetch_cancel(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(GCancellable) cancellable = g_cancellable_new();
	g_autoptr(UbProgress) progress = ub_progress_new();
	g_autoptr(UbFirmwareEntry) entry = NULL;
	g_autoptr(GError) error = NULL;
	const char *hw_names[] = {"410", NULL};

	fixture->server->bin_mode = SERVE_SLOW;
	g_signal_connect(progress, "changed", G_CALLBACK(cancel_when_downloading_cb),
			 cancellable);
	ub_firmware_fetch_run_async(fixture->fetch, hw_names, NULL, NULL, progress, cancellable,
				    fetch_done_cb, fixture);
	g_main_loop_run(fixture->loop);
	entry = ub_firmware_fetch_run_finish(fixture->fetch, fixture->result, &error);
	g_signal_handlers_disconnect_by_data(progress, cancellable);
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	g_assert_null(entry);
	g_assert_true(g_cancellable_is_cancelled(cancellable));
	assert_cache_empty(fixture);
}

/* ---- unbrick-cli firmware fetch against the same server ---------------------------------- */

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

static void
cli_run(CliRun *run, const char *cache_home, const char *first, ...)
{
	g_autofree char *cli =
	    g_test_build_filename(G_TEST_BUILT, "..", "app", "unbrick-cli", NULL);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_auto(GStrv) envp = g_get_environ();
	g_autoptr(GError) error = NULL;
	gint wait_status = 0;
	va_list args;

	g_ptr_array_add(argv, cli);
	va_start(args, first);
	for (const char *arg = first; arg != NULL; arg = va_arg(args, const char *))
		g_ptr_array_add(argv, (gpointer)arg);
	va_end(args);
	g_ptr_array_add(argv, NULL);
	envp = g_environ_setenv(envp, "XDG_CACHE_HOME", cache_home, TRUE);
	g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
				   &run->out, &run->err, &wait_status, &error));
	g_assert_no_error(error);
	g_assert_true(WIFEXITED(wait_status));
	run->status = WEXITSTATUS(wait_status);
	g_test_message("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
}

/* the last line of --json output: the result object */
static JsonObject *
last_json_line(JsonParser *parser, const char *out, guint *progress_events)
{
	g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
	JsonObject *object = NULL;

	*progress_events = 0;
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autoptr(GError) error = NULL;
		if (lines[i][0] == '\0')
			continue;
		g_assert_true(json_parser_load_from_data(parser, lines[i], -1, &error));
		g_assert_no_error(error);
		object = json_node_get_object(json_parser_get_root(parser));
		if (g_strcmp0(json_object_get_string_member(object, "event"), "progress") == 0)
			(*progress_events)++;
	}
	g_assert_nonnull(object);
	g_assert_cmpstr(json_object_get_string_member(object, "event"), ==, "result");
	return object;
}

static void
test_fetch_cli(Fixture *fixture, gconstpointer user_data)
{
	g_autofree char *url = server_url(fixture->server);
	g_autoptr(GSocket) refusing = NULL;
	g_autofree char *offline = ub_test_refusing_url(&refusing);
	g_autofree char *cached = g_build_filename(fixture->cache, "unbrick", "firmware", "7.00",
						   "410_o_411_o_412", "VESC_default.bin", NULL);
	g_autofree char *want = ub_test_firmware_path(UB_TEST_FW_700);
	g_autoptr(JsonParser) parser = json_parser_new();
	CliRun run = {0};
	JsonObject *result;
	JsonObject *detail;
	guint events = 0;

	/* --board from the database: the FOCBOX is HW 410 */
	cli_run(&run, fixture->cache, "firmware", "fetch", "--board", "focbox", "--archive-url",
		url, "--json", NULL);
	g_assert_cmpint(run.status, ==, 0);
	result = last_json_line(parser, run.out, &events);
	g_assert_true(json_object_get_boolean_member(result, "ok"));
	g_assert_cmpstr(json_object_get_string_member(result, "path"), ==, cached);
	g_assert_cmpstr(json_object_get_string_member(result, "version"), ==, "7.00");
	g_assert_cmpuint(events, >, 0);
	assert_same_file(cached, want);
	cli_run_clear(&run);

	/* text output names what came */
	cli_run(&run, fixture->cache, "firmware", "fetch", "--hw", "411", "--version", "6.05",
		"--archive-url", url, NULL);
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "6.05"));
	g_assert_nonnull(strstr(run.out, "410"));
	cli_run_clear(&run);

	/* the wrong hardware: exit 7 (firmware cannot be used), said in words */
	cli_run(&run, fixture->cache, "firmware", "fetch", "--hw", "48", "--archive-url", url,
		"--json", NULL);
	g_assert_cmpint(run.status, ==, 7);
	result = last_json_line(parser, run.out, &events);
	g_assert_false(json_object_get_boolean_member(result, "ok"));
	detail = json_object_get_object_member(result, "error");
	g_assert_cmpstr(json_object_get_string_member(detail, "domain"), ==,
			"ub-image-error-quark");
	g_assert_cmpint(json_object_get_int_member(detail, "exit_code"), ==, 7);
	g_assert_nonnull(strstr(run.err, "other hardware"));
	cli_run_clear(&run);

	/* a board with several hardware versions needs --hw */
	cli_run(&run, fixture->cache, "firmware", "fetch", "--board", "vesc-6", "--archive-url",
		url, NULL);
	g_assert_cmpint(run.status, ==, 1);
	g_assert_nonnull(strstr(run.err, "--hw"));
	cli_run_clear(&run);
	cli_run(&run, fixture->cache, "firmware", "fetch", "--board", "vesc-6", "--hw", "60",
		"--archive-url", url, NULL);
	g_assert_cmpint(run.status, ==, 0);
	cli_run_clear(&run);

	/* --hw must be one of the --board's */
	cli_run(&run, fixture->cache, "firmware", "fetch", "--board", "focbox", "--hw", "60",
		"--archive-url", url, NULL);
	g_assert_cmpint(run.status, ==, 1);
	cli_run_clear(&run);

	/* offline: exit 11 and the way out */
	cli_run(&run, fixture->cache, "firmware", "fetch", "--hw", "410", "--archive-url",
		offline, NULL);
	g_assert_cmpint(run.status, ==, 11);
	g_assert_nonnull(strstr(run.err, "firmware list"));
	cli_run_clear(&run);
}

int
main(int argc, char **argv)
{
	/* the server is on 127.0.0.1: never through a proxy of the environment, and no proxy
	 * discovery (libproxy may look for WPAD) */
	g_setenv("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
	g_setenv("no_proxy", "127.0.0.1,localhost", TRUE);
	g_unsetenv("http_proxy");
	g_unsetenv("HTTP_PROXY");
	g_test_init(&argc, &argv, NULL);
#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_setup, func, fixture_teardown)
	ADD("/firmware/fetch/newest", test_fetch_newest);
	ADD("/firmware/fetch/version-and-alias", test_fetch_version_and_alias);
	ADD("/firmware/fetch/slow", test_fetch_slow);
	ADD("/firmware/fetch/stalled", test_fetch_stalled);
	ADD("/firmware/fetch/dropped", test_fetch_dropped);
	ADD("/firmware/fetch/wrong-hardware", test_fetch_wrong_hardware);
	ADD("/firmware/fetch/not-found", test_fetch_not_found);
	ADD("/firmware/fetch/ambiguous", test_fetch_ambiguous);
	ADD("/firmware/fetch/not-an-archive", test_fetch_not_an_archive);
	ADD("/firmware/fetch/offline", test_fetch_offline);
	ADD("/firmware/fetch/cancel", test_fetch_cancel);
	ADD("/firmware/fetch/cli", test_fetch_cli);
#undef ADD
	return g_test_run();
}
