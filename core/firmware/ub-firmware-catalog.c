/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ub-firmware-catalog.h"

#include <string.h>

struct _UbFirmwareCatalog {
	GObject parent_instance;
	GPtrArray *entries; /* of UbFirmwareEntry, kept sorted newest first */
	GPtrArray *skipped; /* "path: reason", NULL-terminated */
	GHashTable *paths;  /* canonical paths already added: a file is listed once */
};

G_DEFINE_TYPE(UbFirmwareCatalog, ub_firmware_catalog, G_TYPE_OBJECT)

/* archive depth is 2 (version/hardware/file); allow some nesting above it, stop on loops */
#define MAX_DEPTH 6

static void
ub_firmware_catalog_finalize(GObject *object)
{
	UbFirmwareCatalog *self = UB_FIRMWARE_CATALOG(object);

	g_ptr_array_unref(self->entries);
	g_ptr_array_unref(self->skipped);
	g_hash_table_unref(self->paths);
	G_OBJECT_CLASS(ub_firmware_catalog_parent_class)->finalize(object);
}

static void
ub_firmware_catalog_class_init(UbFirmwareCatalogClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_firmware_catalog_finalize;
}

static void
ub_firmware_catalog_init(UbFirmwareCatalog *self)
{
	self->entries = g_ptr_array_new_with_free_func(g_object_unref);
	self->skipped = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(self->skipped, NULL);
	self->paths = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

UbFirmwareCatalog *
ub_firmware_catalog_new(void)
{
	return g_object_new(UB_TYPE_FIRMWARE_CATALOG, NULL);
}

static gint
compare_entries(gconstpointer a, gconstpointer b)
{
	return ub_firmware_entry_compare_newest_first(*(UbFirmwareEntry **)a,
	                                              *(UbFirmwareEntry **)b);
}

/* g_ptr_array_sort() passes pointers to the elements */
static gint
compare_names(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

static gboolean
is_image_filename(const gchar *name)
{
	g_autofree gchar *lower = g_ascii_strdown(name, -1);

	return g_str_has_suffix(lower, ".bin") || g_str_has_suffix(lower, ".hex") ||
	       g_str_has_suffix(lower, ".ihex") || g_str_has_suffix(lower, ".dfu") ||
	       g_str_has_suffix(lower, ".elf");
}

static void
add_skipped(UbFirmwareCatalog *self, const gchar *path, const gchar *reason)
{
	g_autofree gchar *basename = g_path_get_basename(path);
	gsize basename_length = strlen(basename);

	/* file errors already start with "<basename>: "; the full path replaces it */
	if (strncmp(reason, basename, basename_length) == 0 &&
	    strncmp(reason + basename_length, ": ", 2) == 0)
		reason += basename_length + 2;
	g_ptr_array_insert(self->skipped, (gint)self->skipped->len - 1,
	                   g_strdup_printf("%s: %s", path, reason));
}

/* the archive's folder names are a dictionary for builds without an org.vesc marker, nothing
 * more: the name must still appear in the binary as a whole string */
static gboolean
add_file_internal(UbFirmwareCatalog *self, const gchar *path, const gchar *archive_version,
                  const gchar *hardware_folder, GError **error)
{
	g_autoptr(UbFirmwareInfo) info = NULL;
	g_auto(GStrv) folder_names = NULL;
	g_autofree gchar *canonical = g_canonicalize_filename(path, NULL);

	/* the same path added twice (a file and its folder): list it once */
	if (g_hash_table_contains(self->paths, canonical))
		return TRUE;
	if (hardware_folder != NULL)
		folder_names = ub_firmware_split_hw_names(hardware_folder);
	info = ub_firmware_info_new_from_file(path, (const gchar *const *)folder_names, error);
	if (info == NULL)
		return FALSE;
	g_hash_table_add(self->paths, g_steal_pointer(&canonical));
	g_ptr_array_add(self->entries, ub_firmware_entry_new(path, info, archive_version));
	g_ptr_array_sort(self->entries, compare_entries);
	return TRUE;
}

/**
 * ub_firmware_catalog_add_file:
 *
 * Adds one image; its version is the one the binary states.
 */
gboolean
ub_firmware_catalog_add_file(UbFirmwareCatalog *self, const gchar *path, GError **error)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_CATALOG(self), FALSE);
	g_return_val_if_fail(path != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
	return add_file_internal(self, path, NULL, NULL, error);
}

static gboolean
scan_directory(UbFirmwareCatalog *self, const gchar *path, guint depth,
               const gchar *archive_version, const gchar *folder_name, GError **error)
{
	g_autoptr(GDir) dir = NULL;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	dir = g_dir_open(path, 0, error);
	if (dir == NULL)
		return FALSE;
	while ((name = g_dir_read_name(dir)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	/* readdir order is arbitrary; skipped-file reports should not be */
	g_ptr_array_sort(names, compare_names);
	for (guint i = 0; i < names->len; i++) {
		const gchar *child = g_ptr_array_index(names, i);
		g_autofree gchar *child_path = g_build_filename(path, child, NULL);
		g_autoptr(GError) error_local = NULL;

		if (child[0] == '.')
			continue;
		if (g_file_test(child_path, G_FILE_TEST_IS_DIR)) {
			const gchar *version = archive_version;
			if (depth + 1 >= MAX_DEPTH) {
				add_skipped(self, child_path, "folder nested too deep");
				continue;
			}
			if (version == NULL && ub_firmware_parse_version(child, NULL, NULL))
				version = child;
			if (!scan_directory(self, child_path, depth + 1, version, child,
			                    &error_local))
				add_skipped(self, child_path, error_local->message);
			continue;
		}
		if (!g_file_test(child_path, G_FILE_TEST_IS_REGULAR) || !is_image_filename(child))
			continue;
		if (!add_file_internal(self, child_path, archive_version, folder_name,
		                       &error_local)) {
			g_debug("skipping %s: %s", child_path, error_local->message);
			add_skipped(self, child_path, error_local->message);
		}
	}
	return TRUE;
}

/**
 * ub_firmware_catalog_add_directory:
 *
 * Adds every image under @path (.bin, .hex, .dfu, .elf). A version folder ("6.05") sets the
 * archive version of everything below it; the innermost folder's name is used only as a
 * dictionary of HW names for builds without marker. Files that fail to parse are listed by
 * ub_firmware_catalog_get_skipped(), not fatal.
 */
gboolean
ub_firmware_catalog_add_directory(UbFirmwareCatalog *self, const gchar *path, GError **error)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_CATALOG(self), FALSE);
	g_return_val_if_fail(path != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
	return scan_directory(self, path, 0, NULL, NULL, error);
}

/**
 * ub_firmware_catalog_get_entries:
 *
 * Returns: (transfer none) (element-type UbFirmwareEntry): everything, newest first
 */
GPtrArray *
ub_firmware_catalog_get_entries(UbFirmwareCatalog *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_CATALOG(self), NULL);
	return self->entries;
}

/* "path: reason" for each file that could not be read */
const gchar *const *
ub_firmware_catalog_get_skipped(UbFirmwareCatalog *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_CATALOG(self), NULL);
	return (const gchar *const *)self->skipped->pdata;
}

static gboolean
entry_serves_board(UbFirmwareEntry *entry, const gchar *const *board_hw_names)
{
	UbFirmwareInfo *info = ub_firmware_entry_get_info(entry);

	for (guint i = 0; board_hw_names[i] != NULL; i++) {
		if (ub_firmware_info_serves_hw_name(info, board_hw_names[i]))
			return TRUE;
	}
	return FALSE;
}

/**
 * ub_firmware_catalog_list_for_board:
 * @board_hw_names: (nullable): the board's HW names; %NULL lists every application
 * @include_variants: also list images other than VESC_default.bin
 *
 * Returns: (transfer container) (element-type UbFirmwareEntry): application images built for
 *   the board (by the HW name inside the binary), newest first
 */
GPtrArray *
ub_firmware_catalog_list_for_board(UbFirmwareCatalog *self, const gchar *const *board_hw_names,
                                   gboolean include_variants)
{
	GPtrArray *result;

	g_return_val_if_fail(UB_IS_FIRMWARE_CATALOG(self), NULL);
	result = g_ptr_array_new_with_free_func(g_object_unref);
	for (guint i = 0; i < self->entries->len; i++) {
		UbFirmwareEntry *entry = g_ptr_array_index(self->entries, i);
		UbFirmwareInfo *info = ub_firmware_entry_get_info(entry);

		if (ub_firmware_info_get_kind(info) != UB_FIRMWARE_KIND_APPLICATION)
			continue;
		if (!include_variants && !ub_firmware_entry_get_is_default(entry))
			continue;
		if (board_hw_names != NULL && !entry_serves_board(entry, board_hw_names))
			continue;
		g_ptr_array_add(result, g_object_ref(entry));
	}
	return result;
}

/**
 * ub_firmware_catalog_find_by_sha256:
 * @sha256: lower-case hex, e.g. of the bootloader found in a dump
 *   (ub_firmware_info_get_bootloader() trims the erased tail of sector 11, and the VESC
 *   bootloader files end in code, so the hashes compare)
 *
 * Returns: (transfer none) (nullable): the first entry whose file has that hash
 */
UbFirmwareEntry *
ub_firmware_catalog_find_by_sha256(UbFirmwareCatalog *self, const gchar *sha256)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_CATALOG(self), NULL);
	g_return_val_if_fail(sha256 != NULL, NULL);
	for (guint i = 0; i < self->entries->len; i++) {
		UbFirmwareEntry *entry = g_ptr_array_index(self->entries, i);
		const gchar *entry_sha256 =
		        ub_firmware_info_get_sha256(ub_firmware_entry_get_info(entry));
		if (g_ascii_strcasecmp(entry_sha256, sha256) == 0)
			return entry;
	}
	return NULL;
}

/**
 * ub_firmware_catalog_pick_bootloader:
 *
 * As VESC Tool's bootloader list: the hardware-specific bootloader whose file name lists one of
 * the board's HW names, else generic.bin; among equals the first in catalogue order.
 *
 * Returns: (transfer none): the entry, or %NULL with UB_DATA_ERROR_NOT_FOUND
 */
UbFirmwareEntry *
ub_firmware_catalog_pick_bootloader(UbFirmwareCatalog *self, const gchar *const *board_hw_names,
                                    GError **error)
{
	UbFirmwareEntry *generic = NULL;
	g_autofree gchar *board = NULL;

	g_return_val_if_fail(UB_IS_FIRMWARE_CATALOG(self), NULL);
	g_return_val_if_fail(board_hw_names != NULL && board_hw_names[0] != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	for (guint i = 0; i < self->entries->len; i++) {
		UbFirmwareEntry *entry = g_ptr_array_index(self->entries, i);
		UbFirmwareInfo *info = ub_firmware_entry_get_info(entry);

		if (ub_firmware_info_get_kind(info) != UB_FIRMWARE_KIND_BOOTLOADER)
			continue;
		if (ub_firmware_info_get_bootloader_generic(info)) {
			if (generic == NULL)
				generic = entry;
			continue;
		}
		if (entry_serves_board(entry, board_hw_names))
			return entry;
	}
	if (generic != NULL)
		return generic;
	board = g_strjoinv(", ", (gchar **)board_hw_names);
	g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_NOT_FOUND,
	            "no bootloader for %s and no generic.bin in the catalogue", board);
	return NULL;
}
