/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-probe-db.h"
#include "ub-probe-model-private.h"
#include "ub-data-loader.h"
#include "ub-error.h"

struct _UbProbeDb {
	GObject parent_instance;
	GPtrArray *items;    /* of UbProbeModel, in file-name order */
	GPtrArray *problems; /* of GError, one per rejected file */
};

G_DEFINE_TYPE(UbProbeDb, ub_probe_db, G_TYPE_OBJECT)

static void
ub_probe_db_finalize(GObject *object)
{
	UbProbeDb *self = UB_PROBE_DB(object);

	g_ptr_array_unref(self->items);
	g_ptr_array_unref(self->problems);
	G_OBJECT_CLASS(ub_probe_db_parent_class)->finalize(object);
}

static void
ub_probe_db_class_init(UbProbeDbClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_probe_db_finalize;
}

static void
ub_probe_db_init(UbProbeDb *self)
{
	self->items = g_ptr_array_new_with_free_func(g_object_unref);
	self->problems = g_ptr_array_new_with_free_func((GDestroyNotify)g_error_free);
}

UbProbeDb *
ub_probe_db_new(void)
{
	return g_object_new(UB_TYPE_PROBE_DB, NULL);
}

static gboolean
add_file(JsonObject *root, const gchar *filename, gpointer user_data, GError **error)
{
	UbProbeDb *self = user_data;
	g_autoptr(UbProbeModel) item = ub_probe_model_new_from_json(root, filename, error);

	if (item == NULL)
		return FALSE;
	if (ub_probe_db_lookup(self, ub_probe_model_get_id(item)) != NULL) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s: id: \"%s\" is already used by %s", filename,
		            ub_probe_model_get_id(item),
		            ub_probe_model_get_filename(
		                    ub_probe_db_lookup(self, ub_probe_model_get_id(item))));
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
ub_probe_db_load_dir(UbProbeDb *self, const gchar *dir, GError **error)
{
	g_autoptr(GPtrArray) problems =
	        g_ptr_array_new_with_free_func((GDestroyNotify)g_error_free);

	g_return_val_if_fail(UB_IS_PROBE_DB(self), FALSE);
	g_return_val_if_fail(dir != NULL, FALSE);

	if (!ub_data_load_dir(dir, "probe", add_file, self, problems, error))
		return FALSE;
	for (guint i = 0; i < problems->len; i++)
		g_ptr_array_add(self->problems, g_error_copy(g_ptr_array_index(problems, i)));
	return ub_data_report_problems(problems, dir, error);
}

/* loads from the first data directory that exists */
gboolean
ub_probe_db_load(UbProbeDb *self, GError **error)
{
	g_autofree gchar *dir = NULL;

	g_return_val_if_fail(UB_IS_PROBE_DB(self), FALSE);

	dir = ub_data_find_dir("probes", error);
	if (dir == NULL)
		return FALSE;
	return ub_probe_db_load_dir(self, dir, error);
}

/* of UbProbeModel, owned by the database */
GPtrArray *
ub_probe_db_get_all(UbProbeDb *self)
{
	g_return_val_if_fail(UB_IS_PROBE_DB(self), NULL);
	return self->items;
}

/* borrowed; NULL when no file has that id */
UbProbeModel *
ub_probe_db_lookup(UbProbeDb *self, const gchar *id)
{
	g_return_val_if_fail(UB_IS_PROBE_DB(self), NULL);
	g_return_val_if_fail(id != NULL, NULL);
	for (guint i = 0; i < self->items->len; i++) {
		UbProbeModel *item = g_ptr_array_index(self->items, i);
		if (g_strcmp0(ub_probe_model_get_id(item), id) == 0)
			return item;
	}
	return NULL;
}

/* of GError (UB_DATA_ERROR_INVALID), one per rejected file since the db was created */
GPtrArray *
ub_probe_db_get_problems(UbProbeDb *self)
{
	g_return_val_if_fail(UB_IS_PROBE_DB(self), NULL);
	return self->problems;
}

/*
 * Every probe model that enumerates as @vid:@pid. Genuine ST-LINK/V2s and clones share 0483:3748,
 * so the answer is a list the user picks from, never a verdict; borrowed items.
 */
GPtrArray *
ub_probe_db_lookup_by_usb(UbProbeDb *self, guint16 vid, guint16 pid)
{
	GPtrArray *result = g_ptr_array_new();

	g_return_val_if_fail(UB_IS_PROBE_DB(self), result);
	for (guint i = 0; i < self->items->len; i++) {
		UbProbeModel *model = g_ptr_array_index(self->items, i);
		if (ub_probe_model_matches_usb(model, vid, pid))
			g_ptr_array_add(result, model);
	}
	return result;
}

/*
 * The models that enumerate as @vid:@pid and, when @product is known, those whose
 * usb_products list it: the debugprobe firmware says "Debug Probe (CMSIS-DAP)" on the Debug
 * Probe and "Debugprobe on Pico (CMSIS-DAP)" on a Pico. When no model lists the string, all
 * models with the ids are kept (the person picks); borrowed items.
 */
GPtrArray *
ub_probe_db_lookup_by_usb_product(UbProbeDb *self, guint16 vid, guint16 pid, const gchar *product)
{
	g_autoptr(GPtrArray) by_ids = ub_probe_db_lookup_by_usb(self, vid, pid);
	GPtrArray *result = g_ptr_array_new();

	g_return_val_if_fail(UB_IS_PROBE_DB(self), result);
	for (guint i = 0; product != NULL && i < by_ids->len; i++) {
		UbProbeModel *model = g_ptr_array_index(by_ids, i);
		if (g_strv_contains(ub_probe_model_get_usb_products(model), product))
			g_ptr_array_add(result, model);
	}
	if (result->len > 0)
		return result;
	g_ptr_array_unref(result);
	return g_steal_pointer(&by_ids);
}
