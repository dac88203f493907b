/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-board-db.h"
#include "ub-board-private.h"
#include "ub-data-loader.h"
#include "ub-error.h"

struct _UbBoardDb {
	GObject parent_instance;
	GPtrArray *items;    /* of UbBoard, in file-name order */
	GPtrArray *problems; /* of GError, one per rejected file */
};

G_DEFINE_TYPE(UbBoardDb, ub_board_db, G_TYPE_OBJECT)

static void
ub_board_db_finalize(GObject *object)
{
	UbBoardDb *self = UB_BOARD_DB(object);

	g_ptr_array_unref(self->items);
	g_ptr_array_unref(self->problems);
	G_OBJECT_CLASS(ub_board_db_parent_class)->finalize(object);
}

static void
ub_board_db_class_init(UbBoardDbClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_board_db_finalize;
}

static void
ub_board_db_init(UbBoardDb *self)
{
	self->items = g_ptr_array_new_with_free_func(g_object_unref);
	self->problems = g_ptr_array_new_with_free_func((GDestroyNotify)g_error_free);
}

UbBoardDb *
ub_board_db_new(void)
{
	return g_object_new(UB_TYPE_BOARD_DB, NULL);
}

static gboolean
add_file(JsonObject *root, const gchar *filename, gpointer user_data, GError **error)
{
	UbBoardDb *self = user_data;
	g_autoptr(UbBoard) item = ub_board_new_from_json(root, filename, error);

	if (item == NULL)
		return FALSE;
	if (ub_board_db_lookup(self, ub_board_get_id(item)) != NULL) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s: id: \"%s\" is already used by %s", filename, ub_board_get_id(item),
		            ub_board_get_filename(ub_board_db_lookup(self, ub_board_get_id(item))));
		return FALSE;
	}
	g_ptr_array_add(self->items, g_steal_pointer(&item));
	return TRUE;
}

/*
 * Loads every file of @dir. Returns FALSE with UB_DATA_ERROR_INVALID, one line per bad file,
 * if any file was rejected; the valid files are loaded all the same, so a caller may show them
 * and report the error.
 */
gboolean
ub_board_db_load_dir(UbBoardDb *self, const gchar *dir, GError **error)
{
	g_autoptr(GPtrArray) problems =
	        g_ptr_array_new_with_free_func((GDestroyNotify)g_error_free);

	g_return_val_if_fail(UB_IS_BOARD_DB(self), FALSE);
	g_return_val_if_fail(dir != NULL, FALSE);

	if (!ub_data_load_dir(dir, "board", add_file, self, problems, error))
		return FALSE;
	for (guint i = 0; i < problems->len; i++)
		g_ptr_array_add(self->problems, g_error_copy(g_ptr_array_index(problems, i)));
	return ub_data_report_problems(problems, dir, error);
}

/* loads from the first data directory that exists */
gboolean
ub_board_db_load(UbBoardDb *self, GError **error)
{
	g_autofree gchar *dir = NULL;

	g_return_val_if_fail(UB_IS_BOARD_DB(self), FALSE);

	dir = ub_data_find_dir("boards", error);
	if (dir == NULL)
		return FALSE;
	return ub_board_db_load_dir(self, dir, error);
}

/* of UbBoard, owned by the database */
GPtrArray *
ub_board_db_get_all(UbBoardDb *self)
{
	g_return_val_if_fail(UB_IS_BOARD_DB(self), NULL);
	return self->items;
}

/* borrowed; NULL when no file has that id */
UbBoard *
ub_board_db_lookup(UbBoardDb *self, const gchar *id)
{
	g_return_val_if_fail(UB_IS_BOARD_DB(self), NULL);
	g_return_val_if_fail(id != NULL, NULL);
	for (guint i = 0; i < self->items->len; i++) {
		UbBoard *item = g_ptr_array_index(self->items, i);
		if (g_strcmp0(ub_board_get_id(item), id) == 0)
			return item;
	}
	return NULL;
}

/* of GError (UB_DATA_ERROR_INVALID), one per rejected file since the db was created */
GPtrArray *
ub_board_db_get_problems(UbBoardDb *self)
{
	g_return_val_if_fail(UB_IS_BOARD_DB(self), NULL);
	return self->problems;
}

/* every board whose firmware reports @hw_name (several products share "410"); borrowed items */
GPtrArray *
ub_board_db_lookup_by_hw_name(UbBoardDb *self, const gchar *hw_name)
{
	GPtrArray *result = g_ptr_array_new();

	g_return_val_if_fail(UB_IS_BOARD_DB(self), result);
	g_return_val_if_fail(hw_name != NULL, result);
	for (guint i = 0; i < self->items->len; i++) {
		UbBoard *board = g_ptr_array_index(self->items, i);
		if (ub_board_has_hw_name(board, hw_name))
			g_ptr_array_add(result, board);
	}
	return result;
}
