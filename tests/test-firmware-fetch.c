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
#include "ub-test-firmware.h"

/* ---- the archive server ------------------------------------------------------------------ */

typedef enum {
	SERVE_NORMAL,
	SERVE_SLOW,  /* the body in 32 parts, 15 ms apart (well inside the timeout) */
	SERVE_STALL, /* 4 KiB of the body, then silence until the server stops */
	SERVE_DROP,  /* Content-Length of the whole file, half of it, then the socket closes */
} ServeMode;

typedef struct {
	GThread *thread;
	GMainContext *context;
	GMainLoop *loop;
	GMutex lock;
	GCond ready;
	guint16 port;
	char *root;
	ServeMode bin_mode; /* how .bin files are sent; the index is always sent whole */
	gboolean garbage_index;
	gint active;
	gint stopping;
	GPtrArray *requests; /* paths, under lock */
} TestServer;

static gboolean
server_write(GOutputStream *output, const void *data, gsize size)
{
	return g_output_stream_write_all(output, data, size, NULL, NULL, NULL);
}

static void
server_wait_until_stopped(TestServer *server)
{
	while (!g_atomic_int_get(&server->stopping))
		g_usleep(10 * 1000);
}

static void
server_send_body(TestServer *server, GOutputStream *output, const char *data, gsize size,
		 ServeMode mode)
{
	switch (mode) {
	case SERVE_SLOW:
		for (guint i = 0; i < 32; i++) {
			gsize start = size * i / 32;
			gsize end = size * (i + 1) / 32;
			if (!server_write(output, data + start, end - start))
				return;
			g_output_stream_flush(output, NULL, NULL);
			g_usleep(15 * 1000);
		}
		break;
	case SERVE_STALL:
		server_write(output, data, MIN(size, 4096));
		g_output_stream_flush(output, NULL, NULL);
		server_wait_until_stopped(server);
		break;
	case SERVE_DROP:
		server_write(output, data, size / 2);
		break;
	case SERVE_NORMAL:
	default:
		server_write(output, data, size);
		break;
	}
}

static void
server_answer(TestServer *server, GDataInputStream *input, GOutputStream *output)
{
	const char *bad = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
	const char *missing = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
	g_autofree char *request = g_data_input_stream_read_line(input, NULL, NULL, NULL);
	g_auto(GStrv) parts = NULL;
	g_autofree char *path = NULL;
	g_autofree char *contents = NULL;
	g_autofree char *header = NULL;
	gsize size = 0;

	/* the rest of the header, up to the empty line */
	for (;;) {
		g_autofree char *line = g_data_input_stream_read_line(input, NULL, NULL, NULL);
		if (line == NULL || line[0] == '\0' || g_strcmp0(line, "\r") == 0)
			break;
	}
	parts = request != NULL ? g_strsplit(request, " ", 3) : NULL;
	if (parts == NULL || g_strv_length(parts) < 2 || g_strcmp0(parts[0], "GET") != 0 ||
	    strstr(parts[1], "..") != NULL) {
		server_write(output, bad, strlen(bad));
		return;
	}
	g_mutex_lock(&server->lock);
	g_ptr_array_add(server->requests, g_strdup(parts[1]));
	g_mutex_unlock(&server->lock);
	path = g_build_filename(server->root, parts[1], NULL);
	if (g_str_has_suffix(parts[1], ".qrc") && server->garbage_index) {
		contents = g_strdup("<html><body>Moved</body></html>");
		size = strlen(contents);
	} else if (!g_file_get_contents(path, &contents, &size, NULL)) {
		server_write(output, missing, strlen(missing));
		return;
	}
	header = g_strdup_printf("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
				 "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
				 size);
	if (server_write(output, header, strlen(header)))
		server_send_body(server, output, contents, size,
				 g_str_has_suffix(parts[1], ".bin") ? server->bin_mode
								    : SERVE_NORMAL);
}

static gboolean
server_run_cb(GThreadedSocketService *service, GSocketConnection *connection,
	      GObject *source_object, gpointer user_data)
{
	TestServer *server = user_data;
	g_autoptr(GDataInputStream) input =
	    g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(connection)));

	g_atomic_int_inc(&server->active);
	server_answer(server, input, g_io_stream_get_output_stream(G_IO_STREAM(connection)));
	g_io_stream_close(G_IO_STREAM(connection), NULL, NULL);
	g_atomic_int_dec_and_test(&server->active);
	return TRUE;
}

static gpointer
server_thread(gpointer user_data)
{
	TestServer *server = user_data;
	g_autoptr(GSocketService) service = g_threaded_socket_service_new(8);
	g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) address = g_inet_socket_address_new(loopback, 0);
	g_autoptr(GSocketAddress) effective = NULL;
	g_autoptr(GError) error = NULL;

	/* accepting runs in this thread's own context: the test's thread may be blocked in
	 * g_spawn_sync() while a client talks to us */
	g_main_context_push_thread_default(server->context);
	g_assert_true(g_socket_listener_add_address(G_SOCKET_LISTENER(service), address,
						    G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
						    NULL, &effective, &error));
	g_assert_no_error(error);
	g_signal_connect(service, "run", G_CALLBACK(server_run_cb), server);
	g_socket_service_start(service);
	g_mutex_lock(&server->lock);
	server->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(effective));
	g_cond_signal(&server->ready);
	g_mutex_unlock(&server->lock);
	g_main_loop_run(server->loop);
	g_socket_service_stop(service);
	g_socket_listener_close(G_SOCKET_LISTENER(service));
	g_main_context_pop_thread_default(server->context);
	return NULL;
}

static TestServer *
server_start(const char *root)
{
	TestServer *server = g_new0(TestServer, 1);

	server->root = g_strdup(root);
	server->context = g_main_context_new();
	server->loop = g_main_loop_new(server->context, FALSE);
	server->requests = g_ptr_array_new_with_free_func(g_free);
	g_mutex_init(&server->lock);
	g_cond_init(&server->ready);
	g_mutex_lock(&server->lock);
	server->thread = g_thread_new("archive-server", server_thread, server);
	while (server->port == 0)
		g_cond_wait(&server->ready, &server->lock);
	g_mutex_unlock(&server->lock);
	return server;
}

static void
server_stop(TestServer *server)
{
	g_atomic_int_set(&server->stopping, 1);
	g_main_loop_quit(server->loop);
	g_thread_join(server->thread);
	/* connection threads finish their answer (a stalled one sees "stopping") */
	while (g_atomic_int_get(&server->active) > 0)
		g_usleep(10 * 1000);
	g_main_loop_unref(server->loop);
	g_main_context_unref(server->context);
	g_ptr_array_unref(server->requests);
	g_mutex_clear(&server->lock);
	g_cond_clear(&server->ready);
	g_free(server->root);
	g_free(server);
}

static char *
server_url(TestServer *server)
{
	return g_strdup_printf("http://127.0.0.1:%u/", server->port);
}

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

/* archive path -> tests/data/firmware image (NULL: listed in the index, absent on the server) */
static const char *const archive_files[][2] = {
    {"5.02/410_o_411_o_412/VESC_default.bin", UB_TEST_FW_502},
    {"6.05/410_o_411_o_412/VESC_default.bin", UB_TEST_FW_605},
    {"6.05/410_o_411_o_412/VESC_default_no_hw_limits.bin", NULL},
    {"7.00/410_o_411_o_412/VESC_default.bin", UB_TEST_FW_700},
    {"6.05/60/VESC_default.bin", UB_TEST_FW_605_60},
    /* a board that comes in hardware versions with their own builds (VESC 6: 60, 60_MK6) */
    {"6.05/60_MK6/VESC_default.bin", NULL},
    {"6.05/UNITY/VESC_default.bin", UB_TEST_FW_605_UNITY},
    /* a file for the wrong hardware: the HW 48 folder holds a VESC 6 build */
    {"6.05/48/VESC_default.bin", UB_TEST_FW_605_60},
};

static void
remove_tree(const char *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree char *child = g_build_filename(path, name, NULL);
		if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
		    !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
			remove_tree(child);
		else
			g_unlink(child);
	}
	g_rmdir(path);
}

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
	g_autoptr(GString) index = g_string_new("<RCC>\n   <qresource prefix=\"/fw_archive\">\n");
	g_autoptr(GError) error = NULL;
	g_autofree char *index_path = NULL;
	g_autofree char *url = NULL;

	fixture->archive = g_dir_make_tmp("ub-archive-XXXXXX", &error);
	g_assert_no_error(error);
	fixture->cache = g_dir_make_tmp("ub-cache-XXXXXX", &error);
	g_assert_no_error(error);
	for (guint i = 0; i < G_N_ELEMENTS(archive_files); i++) {
		g_autofree char *path = g_build_filename(fixture->archive, archive_files[i][0], NULL);
		g_autofree char *dir = g_path_get_dirname(path);

		g_string_append_printf(index, "        <file>%s</file>\n", archive_files[i][0]);
		g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
		if (archive_files[i][1] != NULL) {
			g_autofree char *image = ub_test_firmware_path(archive_files[i][1]);
			g_assert_cmpint(symlink(image, path), ==, 0);
		}
	}
	/* what the real in_res_fw.qrc also holds: files outside version folders */
	g_string_append(index, "        <file>config/fw.xml</file>\n   </qresource>\n</RCC>\n");
	index_path = g_build_filename(fixture->archive, UB_FIRMWARE_ARCHIVE_INDEX, NULL);
	g_assert_true(g_file_set_contents(index_path, index->str, -1, &error));
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
	remove_tree(fixture->archive);
	remove_tree(fixture->cache);
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

static UbFirmwareEntry *
fixture_fetch(Fixture *fixture, const char *hw_name, const char *version, const char *file,
	      GCancellable *cancellable, GError **error)
{
	g_autoptr(UbProgress) progress = ub_progress_new();
	g_auto(GStrv) hw_names = g_strsplit(hw_name, ",", -1);
	UbFirmwareEntry *entry;

	g_array_set_size(fixture->percentages, 0);
	g_signal_connect(progress, "changed", G_CALLBACK(progress_changed_cb), fixture);
	ub_firmware_fetch_run_async(fixture->fetch, (const char *const *)hw_names, version, file,
				    progress, cancellable, fetch_done_cb, fixture);
	g_main_loop_run(fixture->loop);
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

/* a port nobody listens on (bound, then closed): offline */
static guint16
closed_port(void)
{
	g_autoptr(GSocket) socket = NULL;
	g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) address = g_inet_socket_address_new(loopback, 0);
	g_autoptr(GSocketAddress) bound = NULL;
	g_autoptr(GError) error = NULL;
	guint16 port;

	socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
			      &error);
	g_assert_no_error(error);
	g_assert_true(g_socket_bind(socket, address, FALSE, &error));
	bound = g_socket_get_local_address(socket, &error);
	g_assert_no_error(error);
	port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
	g_socket_close(socket, NULL);
	return port;
}

static void
test_fetch_offline(Fixture *fixture, gconstpointer user_data)
{
	g_autofree char *url = g_strdup_printf("http://127.0.0.1:%u/", closed_port());
	g_autoptr(UbFirmwareEntry) entry = NULL;
	g_autoptr(GError) error = NULL;

	g_clear_object(&fixture->fetch);
	fixture->fetch = ub_firmware_fetch_new(url);
	ub_firmware_fetch_set_cache_dir(fixture->fetch, fixture->cache);
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
	g_autofree char *offline = g_strdup_printf("http://127.0.0.1:%u/", closed_port());
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
	/* the server is on 127.0.0.1: never through a proxy of the environment */
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
