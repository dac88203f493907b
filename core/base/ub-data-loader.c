/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-data-loader.h"
#include "ub-data-schema.h"
#include "ub-error.h"

/* the folder of the running program, or NULL where /proc is not mounted */
static gchar *
program_dir(void)
{
	g_autofree gchar *exe = g_file_read_link("/proc/self/exe", NULL);

	return exe != NULL ? g_path_get_dirname(exe) : NULL;
}

static gboolean
path_is_below(const gchar *path, const gchar *top)
{
	gsize length = strlen(top);

	return strncmp(path, top, length) == 0 && (path[length] == '/' || path[length] == '\0');
}

/**
 * ub_data_search_dirs:
 * @kind: "chips", "boards", "probes", "diagnosis", "sim-boards", ...
 *
 * Where data of @kind may be, in the order to try: $UB_DATA_DIR/<kind> (tests, and people
 * trying a new board file); the source tree, only for a program that runs from the build
 * directory, so an installed unbrick never reads the checkout it was built from; the data
 * beside the program (bindir/../share/unbrick: an install moved as a whole, e.g. under a
 * --destdir); then the configured UB_PKGDATADIR.
 *
 * Returns: (transfer full) (element-type utf8): the candidate directories
 */
GPtrArray *
ub_data_search_dirs(const gchar *kind)
{
	const gchar *env = g_getenv("UB_DATA_DIR");
	GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *bin = program_dir();
	gboolean in_build_tree = bin != NULL && path_is_below(bin, UB_BUILD_ROOT);

	g_return_val_if_fail(kind != NULL, dirs);

	if (env != NULL && env[0] != '\0')
		g_ptr_array_add(dirs, g_build_filename(env, kind, NULL));
	if (in_build_tree)
		g_ptr_array_add(dirs, g_build_filename(UB_SOURCE_DATADIR, kind, NULL));
	if (bin != NULL && !in_build_tree && UB_BINDIR_TO_PKGDATADIR[0] != '\0') {
		g_autofree gchar *beside =
		        g_build_filename(bin, UB_BINDIR_TO_PKGDATADIR, kind, NULL);
		g_ptr_array_add(dirs, g_canonicalize_filename(beside, NULL));
	}
	g_ptr_array_add(dirs, g_build_filename(UB_PKGDATADIR, kind, NULL));
	return dirs;
}

/* the first existing directory of ub_data_search_dirs() */
gchar *
ub_data_find_dir(const gchar *kind, GError **error)
{
	g_autoptr(GPtrArray) candidates = NULL;
	g_autoptr(GString) looked = g_string_new(NULL);

	g_return_val_if_fail(kind != NULL, NULL);

	candidates = ub_data_search_dirs(kind);
	for (guint i = 0; i < candidates->len; i++) {
		const gchar *dir = g_ptr_array_index(candidates, i);
		if (g_file_test(dir, G_FILE_TEST_IS_DIR)) {
			g_debug("%s data: %s", kind, dir);
			return g_strdup(dir);
		}
		g_string_append_printf(looked, "%s%s", i > 0 ? ", " : "", dir);
	}
	g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_NOT_FOUND, "no %s directory (looked in %s)",
	            kind, looked->str);
	return NULL;
}

/* g_ptr_array_sort() passes pointers to the elements */
static gint
compare_names(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* one file's text: JSON, valid against the schema, then whatever @func makes of it */
static gboolean
load_text(const gchar *filename, const gchar *text, gssize len, JsonNode *schema,
          UbDataFileFunc func, gpointer user_data, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error_local = NULL;
	JsonNode *root;

	if (!json_parser_load_from_data(parser, text, len, &error_local)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: not valid JSON: %s",
		            filename, error_local->message);
		return FALSE;
	}
	root = json_parser_get_root(parser);
	if (root == NULL) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: file is empty",
		            filename);
		return FALSE;
	}
	if (!ub_data_schema_validate(schema, root, error)) {
		g_prefix_error(error, "%s: ", filename);
		return FALSE;
	}
	return func(json_node_get_object(root), filename, user_data, error);
}

static gboolean
load_file(const gchar *filename, JsonNode *schema, UbDataFileFunc func, gpointer user_data,
          GError **error)
{
	g_autofree gchar *text = NULL;
	gsize len = 0;
	g_autoptr(GError) error_local = NULL;

	if (!g_file_get_contents(filename, &text, &len, &error_local)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: %s", filename,
		            error_local->message);
		return FALSE;
	}
	return load_text(filename, text, (gssize)len, schema, func, user_data, error);
}

/*
 * What ub_data_load_dir() does to one file, given its text (@filename only names it in
 * messages): the fuzz targets feed the loaders through it.
 */
gboolean
ub_data_load_data(const gchar *filename, const gchar *text, gssize len, const gchar *schema_name,
                  UbDataFileFunc func, gpointer user_data, GError **error)
{
	g_autoptr(JsonNode) schema = NULL;

	g_return_val_if_fail(filename != NULL, FALSE);
	g_return_val_if_fail(func != NULL, FALSE);
	schema = ub_data_schema_load(schema_name, error);
	if (schema == NULL)
		return FALSE;
	return load_text(filename, text, len, schema, func, user_data, error);
}

/*
 * Reads every *.json file in @dir, in name order. A bad file never stops the others: its error
 * goes to @problems (a GPtrArray of GError) and the next file is read. Returns FALSE only when
 * the directory itself cannot be read or the schema is missing.
 */
gboolean
ub_data_load_dir(const gchar *dir, const gchar *schema_name, UbDataFileFunc func,
                 gpointer user_data, GPtrArray *problems, GError **error)
{
	g_autoptr(GDir) handle = NULL;
	g_autoptr(JsonNode) schema = NULL;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	g_return_val_if_fail(dir != NULL, FALSE);
	g_return_val_if_fail(func != NULL, FALSE);
	g_return_val_if_fail(problems != NULL, FALSE);

	schema = ub_data_schema_load(schema_name, error);
	if (schema == NULL)
		return FALSE;
	handle = g_dir_open(dir, 0, error);
	if (handle == NULL) {
		g_prefix_error(error, "cannot read %s: ", dir);
		return FALSE;
	}
	while ((name = g_dir_read_name(handle)) != NULL) {
		if (g_str_has_suffix(name, ".json") && name[0] != '.')
			g_ptr_array_add(names, g_strdup(name));
	}
	g_ptr_array_sort(names, compare_names);
	for (guint i = 0; i < names->len; i++) {
		g_autofree gchar *filename =
		        g_build_filename(dir, g_ptr_array_index(names, i), NULL);
		GError *error_file = NULL;

		if (!load_file(filename, schema, func, user_data, &error_file))
			g_ptr_array_add(problems, error_file);
	}
	return TRUE;
}

/* folds the per-file problems into one UB_DATA_ERROR_INVALID, one line per file */
gboolean
ub_data_report_problems(GPtrArray *problems, const gchar *dir, GError **error)
{
	g_autoptr(GString) msg = NULL;

	if (problems->len == 0)
		return TRUE;
	msg = g_string_new(NULL);
	g_string_append_printf(msg, "%u invalid file(s) in %s", problems->len, dir);
	for (guint i = 0; i < problems->len; i++) {
		const GError *problem = g_ptr_array_index(problems, i);
		g_string_append_printf(msg, "\n%s", problem->message);
	}
	g_set_error_literal(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, msg->str);
	return FALSE;
}

gchar **
ub_data_json_get_strv(JsonObject *object, const gchar *member)
{
	JsonArray *array = json_object_get_array_member(object, member);
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();

	for (guint i = 0; i < json_array_get_length(array); i++)
		g_strv_builder_add(builder, json_array_get_string_element(array, i));
	return g_strv_builder_end(builder);
}

gchar *
ub_data_text(const gchar *text)
{
	/* "" is the catalogue's header entry, not a text */
	if (text == NULL || text[0] == '\0')
		return g_strdup(text);
	/* dgettext, not g_dgettext: that one decides once per process, at its first call (often
	 * GTK's, before the program chose a language), whether to translate at all */
	return g_strdup(dgettext(GETTEXT_PACKAGE, text));
}

gchar **
ub_data_json_get_texts(JsonObject *object, const gchar *member)
{
	JsonArray *array = json_object_get_array_member(object, member);
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();

	for (guint i = 0; i < json_array_get_length(array); i++) {
		g_autofree gchar *text = ub_data_text(json_array_get_string_element(array, i));
		g_strv_builder_add(builder, text);
	}
	return g_strv_builder_end(builder);
}

/* "[tag] ref", the form the report and the CLI print */
gchar **
ub_data_json_get_sources(JsonObject *object)
{
	JsonArray *array = json_object_get_array_member(object, "sources");
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();

	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonObject *source = json_array_get_object_element(array, i);
		g_autofree gchar *line =
		        g_strdup_printf("[%s] %s", json_object_get_string_member(source, "tag"),
		                        json_object_get_string_member(source, "ref"));
		g_strv_builder_add(builder, line);
	}
	return g_strv_builder_end(builder);
}
