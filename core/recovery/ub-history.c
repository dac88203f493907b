/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-error.h"
#include "ub-history.h"

/* enough for months of use; the oldest entries go first */
#define UB_HISTORY_MAX_ENTRIES 500

typedef struct {
	char *probe;
	char *uid; /* NULL: nothing reached */
	gint64 time; /* seconds since the epoch */
} UbHistoryEntry;

struct _UbHistory {
	GObject parent_instance;
	char *path;
	GArray *entries; /* of UbHistoryEntry, oldest first */
};

G_DEFINE_TYPE(UbHistory, ub_history, G_TYPE_OBJECT)

static void
ub_history_entry_clear(gpointer data)
{
	UbHistoryEntry *entry = data;

	g_free(entry->probe);
	g_free(entry->uid);
}

static void
ub_history_finalize(GObject *object)
{
	UbHistory *self = UB_HISTORY(object);

	g_free(self->path);
	g_array_unref(self->entries);
	G_OBJECT_CLASS(ub_history_parent_class)->finalize(object);
}

static void
ub_history_class_init(UbHistoryClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_history_finalize;
}

static void
ub_history_init(UbHistory *self)
{
	self->entries = g_array_new(FALSE, TRUE, sizeof(UbHistoryEntry));
	g_array_set_clear_func(self->entries, ub_history_entry_clear);
}

UbHistory *
ub_history_new(const char *path)
{
	UbHistory *self = g_object_new(UB_TYPE_HISTORY, NULL);

	self->path = path != NULL
			 ? g_strdup(path)
			 : g_build_filename(g_get_user_state_dir(), "unbrick", "history.json", NULL);
	return self;
}

const char *
ub_history_get_path(UbHistory *self)
{
	g_return_val_if_fail(UB_IS_HISTORY(self), NULL);
	return self->path;
}

static gboolean
ub_history_invalid(UbHistory *self, GError **error, const char *why)
{
	g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: %s", self->path, why);
	return FALSE;
}

gboolean
ub_history_load(UbHistory *self, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error_local = NULL;
	JsonNode *root;
	JsonNode *entries;
	JsonArray *array;

	g_return_val_if_fail(UB_IS_HISTORY(self), FALSE);
	g_array_set_size(self->entries, 0);
	if (!json_parser_load_from_file(parser, self->path, &error_local)) {
		if (g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return TRUE;
		return ub_history_invalid(self, error, error_local->message);
	}
	root = json_parser_get_root(parser);
	entries = root != NULL && JSON_NODE_HOLDS_OBJECT(root)
		      ? json_object_get_member(json_node_get_object(root), "entries")
		      : NULL;
	if (entries == NULL || !JSON_NODE_HOLDS_ARRAY(entries))
		return ub_history_invalid(self, error, "expected an object with an 'entries' list");
	array = json_node_get_array(entries);
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *node = json_array_get_element(array, i);
		JsonObject *object;
		UbHistoryEntry entry = {0};
		JsonNode *probe, *uid, *time;

		if (!JSON_NODE_HOLDS_OBJECT(node))
			return ub_history_invalid(self, error, "an entry is not an object");
		object = json_node_get_object(node);
		probe = json_object_get_member(object, "probe");
		uid = json_object_get_member(object, "uid");
		time = json_object_get_member(object, "time");
		if (probe == NULL || !JSON_NODE_HOLDS_VALUE(probe) ||
		    json_node_get_value_type(probe) != G_TYPE_STRING || time == NULL ||
		    !JSON_NODE_HOLDS_VALUE(time) || json_node_get_value_type(time) != G_TYPE_INT64 ||
		    (uid != NULL && !JSON_NODE_HOLDS_NULL(uid) &&
		     (!JSON_NODE_HOLDS_VALUE(uid) || json_node_get_value_type(uid) != G_TYPE_STRING)))
			return ub_history_invalid(self, error,
						  "an entry needs a probe, a time and a uid or null");
		entry.probe = g_strdup(json_node_get_string(probe));
		entry.uid = uid != NULL && !JSON_NODE_HOLDS_NULL(uid)
				? g_strdup(json_node_get_string(uid))
				: NULL;
		entry.time = json_node_get_int(time);
		g_array_append_val(self->entries, entry);
	}
	return TRUE;
}

JsonNode *
ub_history_to_json(UbHistory *self)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	g_return_val_if_fail(UB_IS_HISTORY(self), NULL);
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "entries");
	json_builder_begin_array(builder);
	for (guint i = 0; i < self->entries->len; i++) {
		const UbHistoryEntry *entry = &g_array_index(self->entries, UbHistoryEntry, i);

		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "probe");
		json_builder_add_string_value(builder, entry->probe);
		json_builder_set_member_name(builder, "uid");
		if (entry->uid != NULL)
			json_builder_add_string_value(builder, entry->uid);
		else
			json_builder_add_null_value(builder);
		json_builder_set_member_name(builder, "time");
		json_builder_add_int_value(builder, entry->time);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

gboolean
ub_history_save(UbHistory *self, GError **error)
{
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *dir = NULL;
	g_autofree char *text = NULL;

	g_return_val_if_fail(UB_IS_HISTORY(self), FALSE);
	dir = g_path_get_dirname(self->path);
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "%s: %s", dir,
			    g_strerror(errno));
		return FALSE;
	}
	root = ub_history_to_json(self);
	json_generator_set_root(generator, root);
	json_generator_set_pretty(generator, TRUE);
	text = json_generator_to_data(generator, NULL);
	/* written whole and renamed into place: a crash never leaves half a file */
	return g_file_set_contents(self->path, text, -1, error);
}

gboolean
ub_history_clear(UbHistory *self, GError **error)
{
	g_return_val_if_fail(UB_IS_HISTORY(self), FALSE);
	g_array_set_size(self->entries, 0);
	if (g_unlink(self->path) != 0 && errno != ENOENT) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "%s: %s", self->path,
			    g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

void
ub_history_record(UbHistory *self, const char *probe_serial, const char *uid, gboolean reached)
{
	UbHistoryEntry entry = {0};

	g_return_if_fail(UB_IS_HISTORY(self));
	if (probe_serial == NULL || probe_serial[0] == '\0')
		return;
	entry.probe = g_strdup(probe_serial);
	/* a reached chip without a readable UID still counts as reached */
	entry.uid = reached ? g_strdup(uid != NULL ? uid : "?") : NULL;
	entry.time = g_get_real_time() / G_USEC_PER_SEC;
	g_array_append_val(self->entries, entry);
	if (self->entries->len > UB_HISTORY_MAX_ENTRIES)
		g_array_remove_range(self->entries, 0,
				     self->entries->len - UB_HISTORY_MAX_ENTRIES);
}

const char *
ub_history_probe_fact(UbHistory *self, const char *probe_serial)
{
	gboolean reached_ever = FALSE;
	guint failures_since = 0;
	guint seen = 0;

	g_return_val_if_fail(UB_IS_HISTORY(self), "new");
	for (guint i = 0; probe_serial != NULL && i < self->entries->len; i++) {
		const UbHistoryEntry *entry = &g_array_index(self->entries, UbHistoryEntry, i);

		if (g_strcmp0(entry->probe, probe_serial) != 0)
			continue;
		seen++;
		if (entry->uid != NULL) {
			reached_ever = TRUE;
			failures_since = 0;
		} else {
			failures_since++;
		}
	}
	if (seen == 0)
		return "new";
	if (reached_ever)
		/* the session asking fails too: one failure since the last success is already
		 * "fails now" */
		return failures_since > 0 ? "worked-before-fails-now" : "worked";
	/* one failed session says little: a bricked board alone gives that */
	return failures_since >= 2 ? "never-worked" : "new";
}

guint
ub_history_get_length(UbHistory *self)
{
	g_return_val_if_fail(UB_IS_HISTORY(self), 0);
	return self->entries->len;
}
