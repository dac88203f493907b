/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include <unistd.h>

#include "ub-error.h"
#include "ub-flash-backup.h"
#include "ub-test-files.h"

static GBytes *
make_flash(void)
{
	guint8 *data = g_malloc(0x10000);

	memset(data, 0xff, 0x10000);
	for (guint i = 0; i < 0x1000; i++)
		data[i] = (guint8)(i * 13);
	return g_bytes_new_take(data, 0x10000);
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
	/* save does not make folders: the job prepares (and checks) the folder first */
	g_assert_false(ub_flash_backup_save(backup, path, &error));
	g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP);
	g_assert_nonnull(strstr(error->message, "does not exist"));
	g_clear_error(&error);
	g_assert_true(ub_flash_backup_prepare_dir(sub, 0x10000, TRUE, &error));
	g_assert_no_error(error);
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
	ub_test_remove_tree(sub);
	ub_test_remove_tree(dir);
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
	ub_test_remove_tree(dir);
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

static GBytes *
make_flash_with(guint8 seed)
{
	guint8 *data = g_malloc(0x10000);

	memset(data, 0xff, 0x10000);
	for (guint i = 0; i < 0x1000; i++)
		data[i] = (guint8)(i * 13 + seed);
	return g_bytes_new_take(data, 0x10000);
}

/* a name in use is never replaced: an automatic backup takes the next free name, a chosen
 * one fails unless it already holds the very same backup */
static void
test_backup_never_overwrites(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-backup-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "same.bin", NULL);
	g_autoptr(GBytes) one = make_flash_with(1);
	g_autoptr(GBytes) two = make_flash_with(2);
	g_autoptr(UbFlashBackup) first =
	        ub_flash_backup_new("stm32f40x", "AA", 0x08000000, one, 0x0fffaaed);
	g_autoptr(UbFlashBackup) second =
	        ub_flash_backup_new("stm32f40x", "AA", 0x08000000, two, 0x0fffaaed);
	g_autoptr(UbFlashBackup) again =
	        ub_flash_backup_new("stm32f40x", "AA", 0x08000000, one, 0x0fffaaed);
	g_autoptr(UbFlashBackup) loaded = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) handle = NULL;
	const char *name;
	guint files = 0;

	g_assert_true(ub_flash_backup_save(first, path, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(ub_flash_backup_get_path(first), ==, path);
	g_assert_true(ub_flash_backup_save(second, path, &error));
	g_assert_no_error(error);
	g_assert_true(g_str_has_suffix(ub_flash_backup_get_path(second), "same-2.bin"));
	loaded = ub_flash_backup_load(path, &error);
	g_assert_no_error(error);
	g_assert_true(g_bytes_equal(ub_flash_backup_get_data(loaded), one));
	g_clear_object(&loaded);

	/* the person's own file name: the same backup again is fine, another one is refused */
	g_assert_true(ub_flash_backup_save_as(again, path, &error));
	g_assert_no_error(error);
	g_assert_false(ub_flash_backup_save_as(second, path, &error));
	g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP);
	g_assert_nonnull(strstr(error->message, "already exists"));
	g_clear_error(&error);
	loaded = ub_flash_backup_load(path, &error);
	g_assert_no_error(error);
	g_assert_true(g_bytes_equal(ub_flash_backup_get_data(loaded), one));

	/* and no temporary is left behind */
	handle = g_dir_open(dir, 0, NULL);
	while ((name = g_dir_read_name(handle)) != NULL) {
		g_assert_false(name[0] == '.');
		files++;
	}
	g_assert_cmpuint(files, ==, 4);
	ub_test_remove_tree(dir);
}

/* a folder that cannot take a backup says why, in words a person can act on */
static void
test_backup_prepare_dir(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-backup-XXXXXX", NULL);
	g_autofree char *missing = g_build_filename(dir, "not-here", NULL);
	g_autofree char *file = g_build_filename(dir, "a-file", NULL);
	g_autoptr(GError) error = NULL;

	g_assert_false(ub_flash_backup_prepare_dir(missing, 0x100000, FALSE, &error));
	g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP);
	g_assert_nonnull(strstr(error->message, "does not exist"));
	g_assert_false(g_file_test(missing, G_FILE_TEST_EXISTS));
	g_clear_error(&error);

	g_assert_true(g_file_set_contents(file, "x", 1, NULL));
	g_assert_false(ub_flash_backup_prepare_dir(file, 0x100000, TRUE, &error));
	g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP);
	g_clear_error(&error);

	/* more than any disk here has */
	g_assert_false(ub_flash_backup_prepare_dir(dir, G_MAXUINT64 / 2, FALSE, &error));
	g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP);
	g_assert_nonnull(strstr(error->message, "is full"));
	g_clear_error(&error);

	if (geteuid() != 0) {
		/* root writes through mode bits: the CLI test covers a read-only mount instead */
		g_assert_cmpint(g_chmod(dir, 0555), ==, 0);
		g_assert_false(ub_flash_backup_prepare_dir(dir, 0x1000, FALSE, &error));
		g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP);
		g_assert_nonnull(strstr(error->message, "read-only"));
		g_clear_error(&error);
		g_chmod(dir, 0755);
	}
	g_assert_true(ub_flash_backup_prepare_dir(missing, 0x1000, TRUE, &error));
	g_assert_no_error(error);
	g_assert_true(g_file_test(missing, G_FILE_TEST_IS_DIR));
	g_rmdir(missing);
	ub_test_remove_tree(dir);
}

/* the listing tells an original from a half-written backup, and restore proposes the newest
 * complete backup of the chip, not the newest file */
static void
test_backup_last_complete(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-backup-XXXXXX", NULL);
	g_autofree char *stray = g_build_filename(dir, ".stm32f40x-AA.bin.XYZ123", NULL);
	g_autofree char *bad = g_build_filename(dir, "bad.json", NULL);
	g_autoptr(GBytes) original = make_flash_with(1);
	g_autoptr(GBytes) half = make_flash_with(2);
	g_autoptr(GBytes) other = make_flash_with(3);
	g_autoptr(UbFlashBackup) a =
	        ub_flash_backup_new("stm32f40x", "AA", 0x08000000, original, 0x0fffaaed);
	g_autoptr(UbFlashBackup) b =
	        ub_flash_backup_new("stm32f40x", "AA", 0x08000000, half, 0x0fffaaed);
	g_autoptr(UbFlashBackup) c =
	        ub_flash_backup_new("stm32f40x", "BB", 0x08000000, other, 0x0fffaaed);
	g_autoptr(UbFlashBackup) found = NULL;
	g_autoptr(GPtrArray) list = NULL;
	g_autoptr(GPtrArray) damaged = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	g_autofree char *path_a = ub_flash_backup_build_path(dir, a);
	g_autofree char *path_b = ub_flash_backup_build_path(dir, b);
	g_autofree char *path_c = ub_flash_backup_build_path(dir, c);

	ub_flash_backup_set_state(b, UB_FLASH_BACKUP_STATE_INTERRUPTED,
	                          "flash of x.bin, interrupted: sector 0 may be partly erased");
	g_assert_true(ub_flash_backup_save(a, path_a, &error));
	g_assert_true(ub_flash_backup_save(b, path_b, &error));
	g_assert_true(ub_flash_backup_save(c, path_c, &error));
	g_assert_no_error(error);
	g_assert_true(g_file_set_contents(stray, "half a file", -1, NULL));
	g_assert_true(g_file_set_contents(bad, "{\"format\": 2}", -1, NULL));

	list = ub_flash_backup_list(dir, damaged);
	g_assert_cmpuint(list->len, ==, 3);
	g_assert_cmpuint(damaged->len, ==, 1);
	g_assert_nonnull(strstr(g_ptr_array_index(damaged, 0), "bad.json"));
	/* newest first (made within the same second: the sidecar keeps microseconds) */
	g_assert_cmpstr(ub_flash_backup_get_uid(g_ptr_array_index(list, 0)), ==, "BB");
	g_assert_cmpint(ub_flash_backup_get_state(g_ptr_array_index(list, 1)), ==,
	                UB_FLASH_BACKUP_STATE_INTERRUPTED);
	g_assert_cmpint(ub_flash_backup_get_state(g_ptr_array_index(list, 2)), ==,
	                UB_FLASH_BACKUP_STATE_COMPLETE);

	found = ub_flash_backup_find_last_complete(dir, "AA", &error);
	g_assert_no_error(error);
	g_assert_nonnull(found);
	g_assert_true(g_bytes_equal(ub_flash_backup_get_data(found), original));
	g_clear_object(&found);
	found = ub_flash_backup_load(ub_flash_backup_get_path(b), &error);
	g_assert_no_error(error);
	g_assert_cmpint(ub_flash_backup_get_state(found), ==, UB_FLASH_BACKUP_STATE_INTERRUPTED);
	g_assert_nonnull(strstr(ub_flash_backup_get_note(found), "x.bin"));
	g_clear_object(&found);

	/* a newer complete backup of AA whose data no longer matches its hash is passed over
	 * for the older one that holds */
	{
		g_autoptr(UbFlashBackup) d =
		        ub_flash_backup_new("stm32f40x", "AA", 0x08000000, other, 0x0fffaaed);
		g_autofree char *path_d = ub_flash_backup_build_path(dir, d);

		g_assert_true(ub_flash_backup_save(d, path_d, &error));
		g_assert_no_error(error);
		/* (saved beside a's if the name was taken: the path it got is its own) */
		g_assert_true(g_file_set_contents(ub_flash_backup_get_path(d), "damaged", -1, NULL));
		found = ub_flash_backup_find_last_complete(dir, "AA", &error);
		g_assert_no_error(error);
		g_assert_true(g_bytes_equal(ub_flash_backup_get_data(found), original));
		g_clear_object(&found);
	}

	found = ub_flash_backup_find_last_complete(dir, "CC", &error);
	g_assert_null(found);
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID);
	g_assert_nonnull(strstr(error->message, "no backup of the chip CC"));
	g_clear_error(&error);
	ub_test_remove_tree(dir);
}

/* a description that belongs to another chip's backup is caught by its hash */
static void
test_backup_foreign_sidecar(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-backup-XXXXXX", NULL);
	g_autofree char *path_a = g_build_filename(dir, "a.bin", NULL);
	g_autofree char *path_b = g_build_filename(dir, "b.bin", NULL);
	g_autofree char *json_a = ub_flash_backup_sidecar_path(path_a);
	g_autofree char *json_b = ub_flash_backup_sidecar_path(path_b);
	g_autoptr(GBytes) one = make_flash_with(1);
	g_autoptr(GBytes) two = make_flash_with(2);
	g_autoptr(UbFlashBackup) a = ub_flash_backup_new("stm32f40x", "AA", 0x08000000, one, 0);
	g_autoptr(UbFlashBackup) b = ub_flash_backup_new("stm32f40x", "BB", 0x08000000, two, 0);
	g_autoptr(UbFlashBackup) loaded = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;

	g_assert_true(ub_flash_backup_save(a, path_a, &error));
	g_assert_true(ub_flash_backup_save(b, path_b, &error));
	g_assert_no_error(error);
	g_assert_true(g_file_get_contents(json_b, &text, NULL, NULL));
	g_assert_true(g_file_set_contents(json_a, text, -1, NULL));
	loaded = ub_flash_backup_load(path_a, &error);
	g_assert_null(loaded);
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID);
	g_assert_nonnull(strstr(error->message, "SHA-256"));
	ub_test_remove_tree(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/flash/backup/round-trip", test_backup_round_trip);
	g_test_add_func("/flash/backup/damaged", test_backup_damaged);
	g_test_add_func("/flash/backup/sidecar", test_backup_sidecar);
	g_test_add_func("/flash/backup/default-dir", test_backup_default_dir);
	g_test_add_func("/flash/backup/never-overwrites", test_backup_never_overwrites);
	g_test_add_func("/flash/backup/prepare-dir", test_backup_prepare_dir);
	g_test_add_func("/flash/backup/last-complete", test_backup_last_complete);
	g_test_add_func("/flash/backup/foreign-sidecar", test_backup_foreign_sidecar);
	return g_test_run();
}
