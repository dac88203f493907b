/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A folder laid out like github.com/vedderb/vesc_fw_archive (version/hardware folder/file, and
 * the in_res_fw.qrc list at the top) made of the images in tests/data/firmware, and a small
 * HTTP/1.1 server for it on 127.0.0.1 that a test starts and stops. The server accepts in a
 * thread of its own, so the test may block (g_spawn_sync) while a client talks to it; each
 * answer runs in a thread of a GThreadedSocketService and can be sent slowly, stall, or drop
 * the connection half way.
 */
#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ub-test-files.h"
#include "ub-test-firmware.h"

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

static inline gboolean
server_write(GOutputStream *output, const void *data, gsize size)
{
	return g_output_stream_write_all(output, data, size, NULL, NULL, NULL);
}

static inline void
server_wait_until_stopped(TestServer *server)
{
	while (!g_atomic_int_get(&server->stopping))
		g_usleep(10 * 1000);
}

static inline void
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

static inline void
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

static inline gboolean
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

static inline gpointer
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

static inline TestServer *
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

static inline void
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

static inline char *
server_url(TestServer *server)
{
	return g_strdup_printf("http://127.0.0.1:%u/", server->port);
}

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

/* builds the archive folder (a new temporary folder; ub_test_remove_tree() when done) */
static inline char *
ub_test_archive_new(void)
{
	g_autoptr(GString) index = g_string_new("<RCC>\n   <qresource prefix=\"/fw_archive\">\n");
	g_autoptr(GError) error = NULL;
	g_autofree char *index_path = NULL;
	char *archive = g_dir_make_tmp("ub-archive-XXXXXX", &error);

	g_assert_no_error(error);
	for (guint i = 0; i < G_N_ELEMENTS(archive_files); i++) {
		g_autofree char *path = g_build_filename(archive, archive_files[i][0], NULL);
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
	index_path = g_build_filename(archive, "in_res_fw.qrc", NULL);
	g_assert_true(g_file_set_contents(index_path, index->str, -1, &error));
	g_assert_no_error(error);
	return archive;
}

/* an address nobody answers: a TCP port bound but not listening, so a client's connect is
 * refused; the socket stays bound (unref it when done), so no other program can take the port
 * meanwhile. Returns "http://127.0.0.1:PORT/" */
static inline char *
ub_test_refusing_url(GSocket **holder)
{
	g_autoptr(GSocket) socket = NULL;
	g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) address = g_inet_socket_address_new(loopback, 0);
	g_autoptr(GSocketAddress) bound = NULL;
	g_autoptr(GError) error = NULL;

	socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
			      &error);
	g_assert_no_error(error);
	g_assert_true(g_socket_bind(socket, address, FALSE, &error));
	bound = g_socket_get_local_address(socket, &error);
	g_assert_no_error(error);
	*holder = g_steal_pointer(&socket);
	return g_strdup_printf("http://127.0.0.1:%u/",
			       g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound)));
}
