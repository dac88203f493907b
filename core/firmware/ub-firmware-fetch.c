/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-firmware-fetch.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ub-error.h"

/* nothing in the archive comes near this (the whole flash is 1 MiB; the index ~100 KiB): a
 * server sending more is not the archive */
#define MAX_FILE_SIZE (2 * 1024 * 1024)
#define MAX_INDEX_SIZE (4 * 1024 * 1024)
#define READ_CHUNK (16 * 1024)

struct _UbFirmwareFetch {
	GObject parent_instance;
	gchar *archive_url; /* ends in '/' */
	gchar *cache_dir;
	guint timeout;
};

G_DEFINE_TYPE(UbFirmwareFetch, ub_firmware_fetch, G_TYPE_OBJECT)

static void
ub_firmware_fetch_finalize(GObject *object)
{
	UbFirmwareFetch *self = UB_FIRMWARE_FETCH(object);

	g_free(self->archive_url);
	g_free(self->cache_dir);
	G_OBJECT_CLASS(ub_firmware_fetch_parent_class)->finalize(object);
}

static void
ub_firmware_fetch_class_init(UbFirmwareFetchClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_firmware_fetch_finalize;
}

static void
ub_firmware_fetch_init(UbFirmwareFetch *self)
{
	self->cache_dir = g_build_filename(g_get_user_cache_dir(), "unbrick", "firmware", NULL);
	self->timeout = UB_FIRMWARE_FETCH_TIMEOUT;
}

/**
 * ub_firmware_fetch_new:
 * @archive_url: (nullable): the top of an archive-layout tree over HTTP(S); %NULL for
 *   UB_FIRMWARE_ARCHIVE_URL
 */
UbFirmwareFetch *
ub_firmware_fetch_new(const gchar *archive_url)
{
	UbFirmwareFetch *self = g_object_new(UB_TYPE_FIRMWARE_FETCH, NULL);

	if (archive_url == NULL || archive_url[0] == '\0')
		archive_url = UB_FIRMWARE_ARCHIVE_URL;
	self->archive_url = g_str_has_suffix(archive_url, "/")
	                            ? g_strdup(archive_url)
	                            : g_strconcat(archive_url, "/", NULL);
	return self;
}

const gchar *
ub_firmware_fetch_get_archive_url(UbFirmwareFetch *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_FETCH(self), NULL);
	return self->archive_url;
}

/* where downloads go; default XDG_CACHE_HOME/unbrick/firmware */
void
ub_firmware_fetch_set_cache_dir(UbFirmwareFetch *self, const gchar *cache_dir)
{
	g_return_if_fail(UB_IS_FIRMWARE_FETCH(self));
	g_return_if_fail(cache_dir != NULL);
	g_free(self->cache_dir);
	self->cache_dir = g_strdup(cache_dir);
}

const gchar *
ub_firmware_fetch_get_cache_dir(UbFirmwareFetch *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_FETCH(self), NULL);
	return self->cache_dir;
}

/* seconds the server may stay silent (connect, headers, or between two parts of the body) */
void
ub_firmware_fetch_set_timeout(UbFirmwareFetch *self, guint seconds)
{
	g_return_if_fail(UB_IS_FIRMWARE_FETCH(self));
	g_return_if_fail(seconds > 0);
	self->timeout = seconds;
}

/* ---- errors ------------------------------------------------------------------------------ */

/* the one place where GIO, resolver and libsoup errors become UB_DOWNLOAD_ERROR codes */
static void
ub_download_error_convert(GError **error, const gchar *url)
{
	GError *old;
	gint code = UB_DOWNLOAD_ERROR_SERVER;

	if (error == NULL || *error == NULL)
		return;
	old = *error;
	if (old->domain == UB_DOWNLOAD_ERROR || old->domain == UB_IMAGE_ERROR ||
	    g_error_matches(old, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (old->domain == G_RESOLVER_ERROR) {
		code = UB_DOWNLOAD_ERROR_OFFLINE;
	} else if (old->domain == G_IO_ERROR) {
		switch (old->code) {
		case G_IO_ERROR_TIMED_OUT:
			code = UB_DOWNLOAD_ERROR_TIMEOUT;
			break;
		case G_IO_ERROR_CONNECTION_REFUSED:
		case G_IO_ERROR_HOST_UNREACHABLE:
		case G_IO_ERROR_NETWORK_UNREACHABLE:
		case G_IO_ERROR_HOST_NOT_FOUND:
		case G_IO_ERROR_PROXY_FAILED:
		case G_IO_ERROR_PROXY_NOT_ALLOWED:
		case G_IO_ERROR_PROXY_AUTH_FAILED:
			code = UB_DOWNLOAD_ERROR_OFFLINE;
			break;
		case G_IO_ERROR_PARTIAL_INPUT:
		case G_IO_ERROR_BROKEN_PIPE:
		case G_IO_ERROR_CLOSED:
			code = UB_DOWNLOAD_ERROR_INTERRUPTED;
			break;
		default:
			code = UB_DOWNLOAD_ERROR_SERVER;
			break;
		}
	} else if (old->domain == G_TLS_ERROR) {
		code = UB_DOWNLOAD_ERROR_SERVER;
	} else if (old->domain == SOUP_SESSION_ERROR) {
		/* a reply that is not HTTP, or too many redirects */
		code = UB_DOWNLOAD_ERROR_SERVER;
	}
	*error = g_error_new(UB_DOWNLOAD_ERROR, code, "%s: %s", url, old->message);
	g_error_free(old);
}

static gboolean
set_cache_error(GError **error, const gchar *what, const gchar *path, GError *cause)
{
	g_set_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_CACHE, "cannot %s %s: %s", what,
	            path, cause != NULL ? cause->message : g_strerror(errno));
	return FALSE;
}

/* ---- HTTP -------------------------------------------------------------------------------- */

/* sends GET @url; returns the body stream of a 2xx answer and its announced length (-1 when
 * the server does not say) */
static GInputStream *
http_get(SoupSession *session, const gchar *url, goffset *length, GCancellable *cancellable,
         GError **error)
{
	g_autoptr(SoupMessage) message = soup_message_new(SOUP_METHOD_GET, url);
	g_autoptr(GInputStream) stream = NULL;
	SoupMessageHeaders *headers;
	guint status;

	if (message == NULL) {
		g_set_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_SERVER,
		            "%s is not an http:// or https:// address", url);
		return NULL;
	}
	stream = soup_session_send(session, message, cancellable, error);
	if (stream == NULL) {
		ub_download_error_convert(error, url);
		return NULL;
	}
	status = soup_message_get_status(message);
	if (status == SOUP_STATUS_NOT_FOUND) {
		g_set_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_NOT_FOUND,
		            "%s: the server has no such file (HTTP 404)", url);
		return NULL;
	}
	if (!SOUP_STATUS_IS_SUCCESSFUL(status)) {
		g_set_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_SERVER,
		            "%s: the server answered HTTP %u %s", url, status,
		            soup_message_get_reason_phrase(message));
		return NULL;
	}
	headers = soup_message_get_response_headers(message);
	*length = soup_message_headers_get_encoding(headers) == SOUP_ENCODING_CONTENT_LENGTH
	                  ? soup_message_headers_get_content_length(headers)
	                  : -1;
	return g_steal_pointer(&stream);
}

/* copies the body to @output; checks it is whole and not larger than @limit */
static gboolean
http_copy(GInputStream *input, goffset length, GOutputStream *output, gsize limit,
          UbProgress *progress, const gchar *url, GCancellable *cancellable, GError **error)
{
	g_autofree guint8 *buffer = g_malloc(READ_CHUNK);
	guint64 done = 0;

	if (length > (goffset)limit) {
		g_set_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_SERVER,
		            "%s: %" G_GINT64_FORMAT " bytes is too large for firmware", url,
		            (gint64)length);
		return FALSE;
	}
	for (;;) {
		gssize n = g_input_stream_read(input, buffer, READ_CHUNK, cancellable, error);
		if (n < 0) {
			ub_download_error_convert(error, url);
			return FALSE;
		}
		if (n == 0)
			break;
		done += (guint64)n;
		if (done > limit) {
			g_set_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_SERVER,
			            "%s: more than %" G_GSIZE_FORMAT " bytes, too large for firmware",
			            url, limit);
			return FALSE;
		}
		if (!g_output_stream_write_all(output, buffer, (gsize)n, NULL, cancellable, error))
			return FALSE;
		if (progress != NULL && length > 0)
			ub_progress_set_bytes(progress, done, (guint64)length);
	}
	/* a server that closes early on a Content-Length answer can look like a clean end */
	if (length >= 0 && done != (guint64)length) {
		g_set_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_INTERRUPTED,
		            "%s: the connection ended after %" G_GUINT64_FORMAT " of %" G_GINT64_FORMAT
		            " bytes",
		            url, done, (gint64)length);
		return FALSE;
	}
	return TRUE;
}

static GBytes *
http_get_bytes(SoupSession *session, const gchar *url, gsize limit, GCancellable *cancellable,
               GError **error)
{
	g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable();
	g_autoptr(GInputStream) input = NULL;
	goffset length = -1;

	input = http_get(session, url, &length, cancellable, error);
	if (input == NULL)
		return NULL;
	if (!http_copy(input, length, memory, limit, NULL, url, cancellable, error))
		return NULL;
	if (!g_output_stream_close(memory, cancellable, error))
		return NULL;
	return g_memory_output_stream_steal_as_bytes(G_MEMORY_OUTPUT_STREAM(memory));
}

/* ---- the archive's index ----------------------------------------------------------------- */

typedef struct {
	gchar *version; /* "6.05" */
	guint major;
	guint minor;
	gchar *folder; /* "410_o_411_o_412" */
	gchar *file;   /* "VESC_default.bin" */
} ArchiveFile;

static void
archive_file_free(ArchiveFile *file)
{
	g_free(file->version);
	g_free(file->folder);
	g_free(file->file);
	g_free(file);
}

typedef struct {
	GPtrArray *files;
	gboolean in_file;
	GString *text;
} IndexParser;

static void
index_start(GMarkupParseContext *context, const gchar *element, const gchar **names,
            const gchar **values, gpointer user_data, GError **error)
{
	IndexParser *parser = user_data;

	if (g_strcmp0(element, "file") == 0) {
		parser->in_file = TRUE;
		g_string_truncate(parser->text, 0);
	}
}

static void
index_text(GMarkupParseContext *context, const gchar *text, gsize length, gpointer user_data,
           GError **error)
{
	IndexParser *parser = user_data;

	if (parser->in_file)
		g_string_append_len(parser->text, text, (gssize)length);
}

/* <file>6.05/410_o_411_o_412/VESC_default.bin</file>: three parts, a version folder first */
static void
index_end(GMarkupParseContext *context, const gchar *element, gpointer user_data, GError **error)
{
	IndexParser *parser = user_data;
	g_auto(GStrv) parts = NULL;
	ArchiveFile *file;
	guint major = 0, minor = 0;

	if (g_strcmp0(element, "file") != 0 || !parser->in_file)
		return;
	parser->in_file = FALSE;
	g_strstrip(parser->text->str);
	parts = g_strsplit(parser->text->str, "/", -1);
	if (g_strv_length(parts) != 3 || !ub_firmware_parse_version(parts[0], &major, &minor) ||
	    parts[1][0] == '\0' || parts[1][0] == '.' || parts[2][0] == '\0' ||
	    parts[2][0] == '.')
		return;
	file = g_new0(ArchiveFile, 1);
	file->version = g_strdup(parts[0]);
	file->major = major;
	file->minor = minor;
	file->folder = g_strdup(parts[1]);
	file->file = g_strdup(parts[2]);
	g_ptr_array_add(parser->files, file);
}

static GPtrArray *
parse_index(GBytes *bytes, const gchar *url, GError **error)
{
	const GMarkupParser callbacks = {index_start, index_end, index_text, NULL, NULL};
	IndexParser parser = {g_ptr_array_new_with_free_func((GDestroyNotify)archive_file_free),
	                      FALSE, g_string_new(NULL)};
	g_autoptr(GMarkupParseContext) context = NULL;
	gsize size = 0;
	const gchar *data = g_bytes_get_data(bytes, &size);
	g_autoptr(GError) error_local = NULL;

	context = g_markup_parse_context_new(&callbacks, 0, &parser, NULL);
	if (!g_markup_parse_context_parse(context, data, (gssize)size, &error_local) ||
	    !g_markup_parse_context_end_parse(context, &error_local)) {
		g_string_free(parser.text, TRUE);
		g_ptr_array_unref(parser.files);
		g_set_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_SERVER,
		            "%s is not the archive's file list: %s", url, error_local->message);
		return NULL;
	}
	g_string_free(parser.text, TRUE);
	if (parser.files->len == 0) {
		g_ptr_array_unref(parser.files);
		g_set_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_SERVER,
		            "%s lists no firmware files", url);
		return NULL;
	}
	return parser.files;
}

static gboolean
folder_serves(const gchar *folder, const gchar *const *hw_names)
{
	g_auto(GStrv) names = ub_firmware_split_hw_names(folder);

	for (guint i = 0; names[i] != NULL; i++) {
		for (guint j = 0; hw_names[j] != NULL; j++) {
			if (ub_firmware_hw_name_equal(names[i], hw_names[j]))
				return TRUE;
		}
	}
	return FALSE;
}

/* g_ptr_array_sort() passes pointers to the elements */
static gint
compare_strings(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

static gboolean
version_newer(const ArchiveFile *a, const ArchiveFile *b)
{
	return a->major != b->major ? a->major > b->major : a->minor > b->minor;
}

/* @file of the asked version (or the newest that has it) in the one folder that serves one of
 * @hw_names; several folders (a board that comes in hardware versions with their own builds,
 * e.g. 60 and 60_MK6) are for the person to choose between */
static ArchiveFile *
pick_file(GPtrArray *files, const gchar *const *hw_names, const gchar *version,
          const gchar *file, GError **error)
{
	g_autoptr(GPtrArray) folders = g_ptr_array_new();
	ArchiveFile *best = NULL;
	ArchiveFile *newest = NULL;
	gboolean version_known = FALSE;
	gboolean hardware_known = FALSE;
	g_autofree gchar *wanted = g_strjoinv(", ", (gchar **)hw_names);
	guint major = 0, minor = 0;

	if (version != NULL && !ub_firmware_parse_version(version, &major, &minor)) {
		g_set_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_NOT_FOUND,
		            "'%s' is not a firmware version such as 6.05", version);
		return NULL;
	}
	for (guint i = 0; i < files->len; i++) {
		ArchiveFile *candidate = g_ptr_array_index(files, i);
		gboolean same_version =
		        version == NULL || (candidate->major == major && candidate->minor == minor);

		if (newest == NULL || version_newer(candidate, newest))
			newest = candidate;
		version_known |= same_version;
		if (!folder_serves(candidate->folder, hw_names))
			continue;
		hardware_known = TRUE;
		if (!same_version || g_strcmp0(candidate->file, file) != 0)
			continue;
		if (best == NULL || version_newer(candidate, best))
			best = candidate;
	}
	if (best == NULL) {
		if (!version_known)
			g_set_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_NOT_FOUND,
			            "the archive has no firmware version %s (the newest is %s)",
			            version, newest->version);
		else if (!hardware_known)
			g_set_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_NOT_FOUND,
			            "the archive has no firmware for hardware %s", wanted);
		else
			g_set_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_NOT_FOUND,
			            "the archive has no %s for hardware %s%s%s", file, wanted,
			            version != NULL ? " in version " : "",
			            version != NULL ? version : "");
		return NULL;
	}
	/* within that version, every folder that serves one of the names */
	for (guint i = 0; i < files->len; i++) {
		ArchiveFile *candidate = g_ptr_array_index(files, i);

		if (candidate->major != best->major || candidate->minor != best->minor ||
		    g_strcmp0(candidate->file, file) != 0 ||
		    !folder_serves(candidate->folder, hw_names))
			continue;
		if (!g_ptr_array_find_with_equal_func(folders, candidate->folder, g_str_equal,
		                                      NULL))
			g_ptr_array_add(folders, candidate->folder);
	}
	if (folders->len > 1) {
		g_autofree gchar *joined = NULL;

		g_ptr_array_sort(folders, compare_strings);
		g_ptr_array_add(folders, NULL);
		joined = g_strjoinv(", ", (gchar **)folders->pdata);
		g_set_error(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_AMBIGUOUS,
		            "version %s has separate firmware for %s: choose the hardware",
		            best->version, joined);
		return NULL;
	}
	return best;
}

/* ---- one fetch --------------------------------------------------------------------------- */

static gboolean
download_to(SoupSession *session, const gchar *url, const gchar *path, UbProgress *progress,
            GCancellable *cancellable, GError **error)
{
	g_autoptr(GFile) file = g_file_new_for_path(path);
	g_autoptr(GFileOutputStream) output = NULL;
	g_autoptr(GInputStream) input = NULL;
	g_autoptr(GError) error_local = NULL;
	goffset length = -1;

	input = http_get(session, url, &length, cancellable, error);
	if (input == NULL)
		return FALSE;
	output = g_file_replace(file, NULL, FALSE, G_FILE_CREATE_PRIVATE, cancellable,
	                        &error_local);
	if (output == NULL)
		return set_cache_error(error, "write", path, error_local);
	if (!http_copy(input, length, G_OUTPUT_STREAM(output), MAX_FILE_SIZE, progress, url,
	               cancellable, error)) {
		g_output_stream_close(G_OUTPUT_STREAM(output), NULL, NULL);
		return FALSE;
	}
	if (!g_output_stream_close(G_OUTPUT_STREAM(output), cancellable, &error_local))
		return set_cache_error(error, "write", path, error_local);
	return TRUE;
}

/* an application image built for the hardware its archive folder names (the folder was picked
 * because it names a wanted hardware; one build serves all of a folder's names, e.g. 410_o_411_o_412 is
 * the "410" build), or the reason it is not */
static UbFirmwareInfo *
identify_download(const gchar *path, const ArchiveFile *picked, GError **error)
{
	g_auto(GStrv) folder_names = ub_firmware_split_hw_names(picked->folder);
	g_autoptr(UbFirmwareInfo) info = NULL;

	/* the folder's names only help builds without a marker; the binary decides */
	info = ub_firmware_info_new_from_file(path, (const gchar *const *)folder_names, error);
	if (info == NULL)
		return NULL;
	if (ub_firmware_info_get_kind(info) != UB_FIRMWARE_KIND_APPLICATION) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_UNSUPPORTED,
		            "the downloaded file is a %s, not VESC application firmware",
		            ub_firmware_kind_to_string(ub_firmware_info_get_kind(info)));
		return NULL;
	}
	if (!ub_firmware_info_check_compatible(info, (const gchar *const *)folder_names, error))
		return NULL;
	return g_steal_pointer(&info);
}

typedef struct {
	gchar *archive_url;
	gchar *cache_dir;
	guint timeout;
	gchar **hw_names;
	gchar *version;
	gchar *file;
	UbProgress *progress;
} FetchData;

static void
fetch_data_free(FetchData *data)
{
	g_free(data->archive_url);
	g_free(data->cache_dir);
	g_strfreev(data->hw_names);
	g_free(data->version);
	g_free(data->file);
	g_clear_object(&data->progress);
	g_free(data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FetchData, fetch_data_free)

/* a copy of everything the fetch reads, so a worker never reads the object's fields */
static FetchData *
fetch_data_new(UbFirmwareFetch *self, const gchar *const *hw_names, const gchar *version,
               const gchar *file, UbProgress *progress)
{
	FetchData *data = g_new0(FetchData, 1);

	data->archive_url = g_strdup(self->archive_url);
	data->cache_dir = g_strdup(self->cache_dir);
	data->timeout = self->timeout;
	data->hw_names = g_strdupv((gchar **)hw_names);
	data->version = g_strdup(version);
	data->file = g_strdup(file != NULL ? file : UB_FIRMWARE_DEFAULT_FILE);
	if (progress != NULL) {
		data->progress = g_object_ref(progress);
		ub_progress_add_step(progress, UB_STATUS_DOWNLOAD, 5, "index");
		ub_progress_add_step(progress, UB_STATUS_DOWNLOAD, 90, "download");
		ub_progress_add_step(progress, UB_STATUS_IDENTIFY, 5, "identify");
	}
	return data;
}

static UbFirmwareEntry *
fetch_do(const FetchData *data, GCancellable *cancellable, GError **error)
{
	g_autoptr(SoupSession) session = NULL;
	g_autoptr(GBytes) index = NULL;
	g_autoptr(GPtrArray) files = NULL;
	g_autoptr(UbFirmwareInfo) info = NULL;
	g_autofree gchar *index_url = NULL;
	g_autofree gchar *url = NULL;
	g_autofree gchar *folder = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *part = NULL;
	ArchiveFile *picked;

	/* a session of this thread's own; "timeout" is the longest silence on the socket */
	session = soup_session_new_with_options("timeout", data->timeout, "user-agent",
	                                        "unbrick/" VERSION, NULL);

	index_url = g_strconcat(data->archive_url, UB_FIRMWARE_ARCHIVE_INDEX, NULL);
	g_debug("fetching %s", index_url);
	index = http_get_bytes(session, index_url, MAX_INDEX_SIZE, cancellable, error);
	if (index == NULL)
		return NULL;
	files = parse_index(index, index_url, error);
	if (files == NULL)
		return NULL;
	picked = pick_file(files, (const gchar *const *)data->hw_names, data->version, data->file,
	                   error);
	if (picked == NULL)
		return NULL;
	if (data->progress != NULL)
		ub_progress_step_done(data->progress);

	folder = g_build_filename(data->cache_dir, picked->version, picked->folder, NULL);
	if (g_mkdir_with_parents(folder, 0700) != 0) {
		set_cache_error(error, "create", folder, NULL);
		return NULL;
	}
	path = g_build_filename(folder, picked->file, NULL);
	part = g_strconcat(path, ".part", NULL);
	url = g_strconcat(data->archive_url, picked->version, "/", picked->folder, "/",
	                  picked->file, NULL);
	g_debug("fetching %s into %s", url, path);
	if (!download_to(session, url, part,
	                 data->progress != NULL ? ub_progress_get_child(data->progress) : NULL,
	                 cancellable, error)) {
		g_unlink(part);
		return NULL;
	}
	if (data->progress != NULL)
		ub_progress_step_done(data->progress);

	/* only a whole file takes the cached name; what is refused does not stay */
	if (g_rename(part, path) != 0) {
		set_cache_error(error, "write", path, NULL);
		g_unlink(part);
		return NULL;
	}
	info = identify_download(path, picked, error);
	if (info == NULL) {
		g_unlink(path);
		g_prefix_error(error, "%s/%s/%s: ", picked->version, picked->folder, picked->file);
		return NULL;
	}
	if (data->progress != NULL)
		ub_progress_step_done(data->progress);
	return ub_firmware_entry_new(path, info, picked->version);
}

/**
 * ub_firmware_fetch_run:
 * @hw_names: VESC hardware names, e.g. {"410"} or a board's; they must lead to one folder of
 *   the archive (else UB_DOWNLOAD_ERROR_AMBIGUOUS names the choices)
 * @version: (nullable): "6.05"; %NULL for the newest the archive has for the hardware
 * @file: (nullable): the file in the hardware folder; %NULL for VESC_default.bin
 * @progress: (nullable): gets three steps (the archive's list, the file, identifying it)
 *
 * Downloads the archive's list, picks the file, downloads it into the cache (through a
 * ".part" file that is removed on any failure) and identifies it. Blocking: call it from a
 * worker, or use ub_firmware_fetch_run_async().
 *
 * Returns: (transfer full): the entry for the file in the cache
 */
UbFirmwareEntry *
ub_firmware_fetch_run(UbFirmwareFetch *self, const gchar *const *hw_names, const gchar *version,
                      const gchar *file, UbProgress *progress, GCancellable *cancellable,
                      GError **error)
{
	g_autoptr(FetchData) data = NULL;

	g_return_val_if_fail(UB_IS_FIRMWARE_FETCH(self), NULL);
	g_return_val_if_fail(hw_names != NULL && hw_names[0] != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	data = fetch_data_new(self, hw_names, version, file, progress);
	return fetch_do(data, cancellable, error);
}

static void
fetch_thread(GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
	GError *error = NULL;
	UbFirmwareEntry *entry = fetch_do(task_data, cancellable, &error);

	if (entry == NULL)
		g_task_return_error(task, error);
	else
		g_task_return_pointer(task, entry, g_object_unref);
}

/**
 * ub_firmware_fetch_run_async:
 *
 * ub_firmware_fetch_run() in a GTask thread; the callback runs in the thread-default main
 * context of the caller. Cancelling stops the transfer at the next block and removes the
 * partial file.
 */
void
ub_firmware_fetch_run_async(UbFirmwareFetch *self, const gchar *const *hw_names,
                            const gchar *version, const gchar *file, UbProgress *progress,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
	g_autoptr(GTask) task = NULL;

	g_return_if_fail(UB_IS_FIRMWARE_FETCH(self));
	g_return_if_fail(hw_names != NULL && hw_names[0] != NULL);

	task = g_task_new(self, cancellable, callback, user_data);
	g_task_set_source_tag(task, ub_firmware_fetch_run_async);
	g_task_set_task_data(task, fetch_data_new(self, hw_names, version, file, progress),
	                     (GDestroyNotify)fetch_data_free);
	g_task_run_in_thread(task, fetch_thread);
}

UbFirmwareEntry *
ub_firmware_fetch_run_finish(UbFirmwareFetch *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, self), NULL);
	return g_task_propagate_pointer(G_TASK(result), error);
}
