/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ub-error.h"
#include "ub-flash-backup.h"

static GBytes *
make_flash(void)
{
	guint8 *data = g_malloc(0x10000);

	memset(data, 0xff, 0x10000);
	for (guint i = 0; i < 0x1000; i++)
		data[i] = (guint8)(i * 13);
	return g_bytes_new_take(data, 0x10000);
}

static void
remove_tree(const char *dir)
{
	g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
	const char *name;

	while (handle != NULL && (name = g_dir_read_name(handle)) != NULL) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		g_unlink(path);
	}
	g_rmdir(dir);
}

/* save → load gives the same bytes and facts; the name carries chip, UID and time */
static void
test_backup_round_trip(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-backup-XXXXXX", NULL);
	g_autofree char *sub = g_build_filename(dir, "backups", NULL);
	g_autoptr(GBytes) data = make_flash();
	g_autoptr(UbFlashBackup) backup = ub_flash_backup_new(
	        "stm32f40x", "0123456789ABCDEF01234567", 0x08000000, data, 0x0fffaaed);
	g_autoptr(UbFlashBackup) loaded = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *path = ub_flash_backup_build_path(sub, backup);
	g_autofree char *sidecar = ub_flash_backup_sidecar_path(path);
	g_autofree char *base = g_path_get_basename(path);

	g_assert_true(g_str_has_prefix(base, "stm32f40x-0123456789ABCDEF01234567-"));
	g_assert_true(g_str_has_suffix(path, ".bin"));
	g_assert_true(g_str_has_suffix(sidecar, ".json"));
	g_assert_true(ub_flash_backup_save(backup, path, &error));
	g_assert_no_error(error);

	/* either file names the backup */
	loaded = ub_flash_backup_load(sidecar, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(ub_flash_backup_get_chip_id(loaded), ==, "stm32f40x");
	g_assert_cmpstr(ub_flash_backup_get_uid(loaded), ==, "0123456789ABCDEF01234567");
	g_assert_cmphex(ub_flash_backup_get_base(loaded), ==, 0x08000000);
	g_assert_cmphex(ub_flash_backup_get_optcr(loaded), ==, 0x0fffaaed);
	g_assert_cmpstr(ub_flash_backup_get_sha256(loaded), ==, ub_flash_backup_get_sha256(backup));
	g_assert_true(g_bytes_equal(ub_flash_backup_get_data(loaded), data));
	g_assert_cmpint(g_date_time_to_unix(ub_flash_backup_get_created(loaded)), ==,
	                g_date_time_to_unix(ub_flash_backup_get_created(backup)));
	remove_tree(sub);
	remove_tree(dir);
}

/* a changed or cut backup is refused, never written back */
static void
test_backup_damaged(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-backup-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "b.bin", NULL);
	g_autoptr(GBytes) data = make_flash();
	g_autoptr(UbFlashBackup) backup =
	        ub_flash_backup_new("stm32f40x", "AA", 0x08000000, data, 0x0fffaaed);
	g_autoptr(UbFlashBackup) loaded = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *contents = NULL;
	gsize len = 0;

	g_assert_true(ub_flash_backup_save(backup, path, &error));
	g_assert_no_error(error);
	g_assert_true(g_file_get_contents(path, &contents, &len, &error));
	contents[100] ^= 1;
	g_assert_true(g_file_set_contents(path, contents, (gssize)len, &error));
	loaded = ub_flash_backup_load(path, &error);
	g_assert_null(loaded);
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID);
	g_assert_nonnull(strstr(error->message, "SHA-256"));
	g_clear_error(&error);

	g_assert_true(g_file_set_contents(path, contents, (gssize)len - 4, &error));
	loaded = ub_flash_backup_load(path, &error);
	g_assert_null(loaded);
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID);
	g_clear_error(&error);

	/* no sidecar */
	loaded = ub_flash_backup_load("/nonexistent/x.bin", &error);
	g_assert_null(loaded);
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID);
	remove_tree(dir);
}

/* the sidecar has what a person needs to know what the file is */
static void
test_backup_sidecar(void)
{
	g_autoptr(GBytes) data = make_flash();
	g_autoptr(UbFlashBackup) backup =
	        ub_flash_backup_new("stm32f40x", "AA", 0x08000000, data, 0x0ffe55e5);
	g_autoptr(JsonNode) node = ub_flash_backup_to_json(backup);
	JsonObject *root = json_node_get_object(node);
	JsonObject *ob = json_object_get_object_member(root, "option_bytes");

	g_assert_cmpstr(json_object_get_string_member(root, "chip"), ==, "stm32f40x");
	g_assert_cmpint(json_object_get_int_member(root, "size"), ==, 0x10000);
	g_assert_cmpuint(strlen(json_object_get_string_member(root, "sha256")), ==, 64);
	g_assert_cmpint(json_object_get_int_member(ob, "rdp_level"), ==, 1);
	/* nWRP 0xffe: sector 0 protected */
	g_assert_cmpint(json_object_get_int_member(ob, "nwrp"), ==, 0xffe);
	g_assert_cmpint(json_object_get_int_member(ob, "bor_level"), ==, 1);
}

static void
test_backup_default_dir(void)
{
	g_autofree char *dir = NULL;

	g_setenv("UB_BACKUP_DIR", "/tmp/somewhere", TRUE);
	dir = ub_flash_backup_get_default_dir();
	g_assert_cmpstr(dir, ==, "/tmp/somewhere");
	g_free(g_steal_pointer(&dir));
	g_unsetenv("UB_BACKUP_DIR");
	dir = ub_flash_backup_get_default_dir();
	g_assert_true(g_str_has_suffix(dir, "/unbrick/backups"));
	g_assert_true(g_str_has_prefix(dir, g_get_user_data_dir()));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/flash/backup/round-trip", test_backup_round_trip);
	g_test_add_func("/flash/backup/damaged", test_backup_damaged);
	g_test_add_func("/flash/backup/sidecar", test_backup_sidecar);
	g_test_add_func("/flash/backup/default-dir", test_backup_default_dir);
	return g_test_run();
}
