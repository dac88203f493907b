/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-chip-db.h"
#include "ub-data-loader.h"
#include "ub-error.h"

struct _UbChipDb {
	GObject parent_instance;
	GPtrArray *chips; /* UbChip */
};

G_DEFINE_TYPE(UbChipDb, ub_chip_db, G_TYPE_OBJECT)

static gboolean
ub_chip_db_has_id(UbChipDb *self, const char *id)
{
	for (guint i = 0; i < self->chips->len; i++) {
		if (g_strcmp0(ub_chip_get_id(g_ptr_array_index(self->chips, i)), id) == 0)
			return TRUE;
	}
	return FALSE;
}

gboolean
ub_chip_db_load_file(UbChipDb *self, const char *filename, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error_local = NULL;
	g_autofree char *basename = NULL;
	JsonNode *root;
	UbChip *chip;

	g_return_val_if_fail(UB_IS_CHIP_DB(self), FALSE);
	g_return_val_if_fail(filename != NULL, FALSE);

	basename = g_path_get_basename(filename);
	if (!json_parser_load_from_file(parser, filename, &error_local)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: %s", basename,
			    error_local->message);
		return FALSE;
	}
	root = json_parser_get_root(parser);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			    "%s: not a JSON object", basename);
		return FALSE;
	}
	chip = ub_chip_new_from_json(json_node_get_object(root), basename, error);
	if (chip == NULL)
		return FALSE;
	if (ub_chip_db_has_id(self, ub_chip_get_id(chip))) {
		g_debug("%s: chip %s already known, ignored", filename, ub_chip_get_id(chip));
		g_object_unref(chip);
		return TRUE;
	}
	g_ptr_array_add(self->chips, chip);
	return TRUE;
}

/* g_ptr_array_sort() passes pointers to the elements */
static gint
ub_chip_db_compare_names(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

gboolean
ub_chip_db_load_dir(UbChipDb *self, const char *path, GError **error)
{
	g_autoptr(GDir) dir = NULL;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	g_return_val_if_fail(UB_IS_CHIP_DB(self), FALSE);
	g_return_val_if_fail(path != NULL, FALSE);

	dir = g_dir_open(path, 0, NULL);
	if (dir == NULL) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_NOT_FOUND,
			    "no chip data directory %s", path);
		return FALSE;
	}
	while ((name = g_dir_read_name(dir)) != NULL) {
		if (g_str_has_suffix(name, ".json"))
			g_ptr_array_add(names, g_strdup(name));
	}
	/* a stable order: the first file wins when two define the same id */
	g_ptr_array_sort(names, ub_chip_db_compare_names);
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *filename = NULL;
		filename = g_build_filename(path, g_ptr_array_index(names, i), NULL);
		if (!ub_chip_db_load_file(self, filename, error))
			return FALSE;
	}
	return TRUE;
}

/**
 * ub_chip_db_load:
 *
 * Loads every directory of the search path that exists; fails when none holds a chip.
 */
gboolean
ub_chip_db_load(UbChipDb *self, GError **error)
{
	g_autoptr(GPtrArray) dirs = NULL;

	g_return_val_if_fail(UB_IS_CHIP_DB(self), FALSE);

	dirs = ub_data_search_dirs("chips");
	for (guint i = 0; i < dirs->len; i++) {
		const char *dir = g_ptr_array_index(dirs, i);
		if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
			continue;
		g_debug("chips data: %s", dir);
		if (!ub_chip_db_load_dir(self, dir, error))
			return FALSE;
	}
	if (self->chips->len == 0) {
		g_set_error_literal(error, UB_DATA_ERROR, UB_DATA_ERROR_NOT_FOUND,
				    "no chip data found (set UB_DATA_DIR?)");
		return FALSE;
	}
	return TRUE;
}

UbChip *
ub_chip_db_lookup(UbChipDb *self, guint16 dev_id, guint16 cpuid_partno)
{
	g_return_val_if_fail(UB_IS_CHIP_DB(self), NULL);

	for (guint i = 0; i < self->chips->len; i++) {
		UbChip *chip = g_ptr_array_index(self->chips, i);
		if (ub_chip_get_dev_id(chip) == dev_id)
			return chip;
	}
	for (guint i = 0; i < self->chips->len; i++) {
		UbChip *chip = g_ptr_array_index(self->chips, i);
		if (ub_chip_matches(chip, dev_id, cpuid_partno))
			return chip;
	}
	return NULL;
}

guint
ub_chip_db_get_size(UbChipDb *self)
{
	g_return_val_if_fail(UB_IS_CHIP_DB(self), 0);
	return self->chips->len;
}

static void
ub_chip_db_finalize(GObject *object)
{
	UbChipDb *self = UB_CHIP_DB(object);
	g_ptr_array_unref(self->chips);
	G_OBJECT_CLASS(ub_chip_db_parent_class)->finalize(object);
}

static void
ub_chip_db_class_init(UbChipDbClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_chip_db_finalize;
}

static void
ub_chip_db_init(UbChipDb *self)
{
	self->chips = g_ptr_array_new_with_free_func(g_object_unref);
}

UbChipDb *
ub_chip_db_new(void)
{
	return g_object_new(UB_TYPE_CHIP_DB, NULL);
}
