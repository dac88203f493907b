/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The firmware catalogue over a temporary folder laid out like VESC Tool's archive, holding
 * symlinks to the real images of tests/data/firmware. */
#include <glib/gstdio.h>
#include <string.h>

#include "ub-firmware-catalog.h"
#include "ub-firmware-demo.h"
#include "ub-test-firmware.h"

typedef struct {
	gchar *root;
	UbFirmwareCatalog *catalog;
} Fixture;

/* archive path -> tests/data/firmware file */
static const gchar *const archive_layout[][2] = {
        {"3.55/410_o_411_o_412/VESC_default.bin", "vesc-fw-3.55-410_o_411_o_412-VESC_default.bin"},
        {"5.02/410_o_411_o_412/VESC_default.bin", "vesc-fw-5.02-410_o_411_o_412-VESC_default.bin"},
        {"6.05/410_o_411_o_412/VESC_default.bin", "vesc-fw-6.05-410_o_411_o_412-VESC_default.bin"},
        /* a variant: listed only on request */
        {"6.05/410_o_411_o_412/VESC_default_no_hw_limits.bin",
         "vesc-fw-6.05-410_o_411_o_412-VESC_default.bin"},
        {"6.05/60/VESC_default.bin", "vesc-fw-6.05-60-VESC_default.bin"},
        {"6.05/UNITY/VESC_default.bin", "vesc-fw-6.05-UNITY-VESC_default.bin"},
        /* a UNITY build filed under 60: the binary decides, not the folder */
        {"6.05/60/VESC_misfiled.bin", "vesc-fw-6.05-UNITY-VESC_default.bin"},
        {"7.00/410_o_411_o_412/VESC_default.bin", "vesc-fw-7.00-410_o_411_o_412-VESC_default.bin"},
        {"bootloaders/40_o_47_o_48_o_410_o_411_o_412_o_DAS_RS.bin",
         "vesc-bl-40_o_47_o_48_o_410_o_411_o_412_o_DAS_RS.bin"},
        {"bootloaders/generic.bin", "vesc-bl-generic.bin"},
};

static void
remove_tree(const gchar *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const gchar *name;

	if (dir != NULL) {
		while ((name = g_dir_read_name(dir)) != NULL) {
			g_autofree gchar *child = g_build_filename(path, name, NULL);
			if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
			    !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
				remove_tree(child);
			else
				g_unlink(child);
		}
	}
	g_rmdir(path);
}

static void
fixture_setup(Fixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *shared = ub_test_firmware_dir();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *junk = NULL;

	fixture->root = g_dir_make_tmp("unbrick-catalog-XXXXXX", &error);
	g_assert_no_error(error);
	for (guint i = 0; i < G_N_ELEMENTS(archive_layout); i++) {
		g_autofree gchar *link =
		        g_build_filename(fixture->root, archive_layout[i][0], NULL);
		g_autofree gchar *target = g_build_filename(shared, archive_layout[i][1], NULL);
		g_autofree gchar *dir = g_path_get_dirname(link);

		g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
		g_assert_cmpint(symlink(target, link), ==, 0);
	}
	/* noise an archive checkout has: ignored, or reported as skipped */
	junk = g_build_filename(fixture->root, "README.md", NULL);
	g_file_set_contents(junk, "# firmware\n", -1, &error);
	g_assert_no_error(error);
	g_clear_pointer(&junk, g_free);
	junk = g_build_filename(fixture->root, "6.05", "broken.hex", NULL);
	g_file_set_contents(junk, ":10000000\n", -1, &error);
	g_assert_no_error(error);

	fixture->catalog = ub_firmware_catalog_new();
	g_assert_true(ub_firmware_catalog_add_directory(fixture->catalog, fixture->root, &error));
	g_assert_no_error(error);
}

static void
fixture_teardown(Fixture *fixture, gconstpointer user_data)
{
	g_clear_object(&fixture->catalog);
	if (fixture->root != NULL)
		remove_tree(fixture->root);
	g_free(fixture->root);
}

static gchar *
relative(Fixture *fixture, UbFirmwareEntry *entry)
{
	const gchar *path = ub_firmware_entry_get_path(entry);

	g_assert_true(g_str_has_prefix(path, fixture->root));
	return g_strdup(path + strlen(fixture->root) + 1);
}

static gchar *
describe(Fixture *fixture, GPtrArray *entries)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; i < entries->len; i++) {
		g_autofree gchar *path = relative(fixture, g_ptr_array_index(entries, i));
		if (i > 0)
			g_string_append(out, " ");
		g_string_append(out, path);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
test_catalog_sorted(Fixture *fixture, gconstpointer user_data)
{
	GPtrArray *entries;
	g_autofree gchar *first = NULL;
	g_autofree gchar *last_app = NULL;
	const gchar *const *skipped;

	entries = ub_firmware_catalog_get_entries(fixture->catalog);
	g_assert_cmpuint(entries->len, ==, G_N_ELEMENTS(archive_layout));
	first = relative(fixture, g_ptr_array_index(entries, 0));
	g_assert_cmpstr(first, ==, "7.00/410_o_411_o_412/VESC_default.bin");
	/* versions never go up along the list; versionless entries (bootloaders) at the end */
	for (guint i = 1; i < entries->len; i++) {
		UbFirmwareEntry *previous = g_ptr_array_index(entries, i - 1);
		UbFirmwareEntry *entry = g_ptr_array_index(entries, i);
		g_assert_cmpint(ub_firmware_entry_compare_newest_first(previous, entry), <, 0);
	}
	last_app = relative(fixture, g_ptr_array_index(entries, 7));
	g_assert_cmpstr(last_app, ==, "3.55/410_o_411_o_412/VESC_default.bin");
	/* the 3.55 binary does not state its version: the archive folder does */
	g_assert_cmpstr(ub_firmware_entry_get_version_string(g_ptr_array_index(entries, 7)), ==,
	                "3.55");
	g_assert_cmpstr(ub_firmware_info_get_version_string(
	                        ub_firmware_entry_get_info(g_ptr_array_index(entries, 7))),
	                ==, "unknown");

	skipped = ub_firmware_catalog_get_skipped(fixture->catalog);
	g_assert_cmpuint(g_strv_length((gchar **)skipped), ==, 1);
	g_assert_true(g_str_has_suffix(skipped[0], "6.05/broken.hex: line 1: record too "
	                                           "short (4 bytes, at least 5 needed)"));
}

static void
test_catalog_filter_by_board(Fixture *fixture, gconstpointer user_data)
{
	const gchar *focbox[] = {"410", NULL};
	const gchar *vesc6[] = {"60", NULL};
	const gchar *unity[] = {"Unity", NULL};
	g_autoptr(GPtrArray) for_focbox = NULL;
	g_autoptr(GPtrArray) for_focbox_all = NULL;
	g_autoptr(GPtrArray) for_vesc6 = NULL;
	g_autoptr(GPtrArray) for_unity = NULL;
	g_autofree gchar *text_focbox = NULL;
	g_autofree gchar *text_focbox_all = NULL;
	g_autofree gchar *text_vesc6 = NULL;
	g_autofree gchar *text_unity = NULL;

	for_focbox = ub_firmware_catalog_list_for_board(fixture->catalog, focbox, FALSE);
	text_focbox = describe(fixture, for_focbox);
	g_assert_cmpstr(text_focbox, ==,
	                "7.00/410_o_411_o_412/VESC_default.bin "
	                "6.05/410_o_411_o_412/VESC_default.bin "
	                "5.02/410_o_411_o_412/VESC_default.bin "
	                "3.55/410_o_411_o_412/VESC_default.bin");

	for_focbox_all = ub_firmware_catalog_list_for_board(fixture->catalog, focbox, TRUE);
	text_focbox_all = describe(fixture, for_focbox_all);
	g_assert_cmpstr(text_focbox_all, ==,
	                "7.00/410_o_411_o_412/VESC_default.bin "
	                "6.05/410_o_411_o_412/VESC_default.bin "
	                "6.05/410_o_411_o_412/VESC_default_no_hw_limits.bin "
	                "5.02/410_o_411_o_412/VESC_default.bin "
	                "3.55/410_o_411_o_412/VESC_default.bin");

	/* the misfiled UNITY build in 60/ is not offered for a VESC 6 */
	for_vesc6 = ub_firmware_catalog_list_for_board(fixture->catalog, vesc6, TRUE);
	text_vesc6 = describe(fixture, for_vesc6);
	g_assert_cmpstr(text_vesc6, ==, "6.05/60/VESC_default.bin");

	for_unity = ub_firmware_catalog_list_for_board(fixture->catalog, unity, TRUE);
	text_unity = describe(fixture, for_unity);
	g_assert_cmpstr(text_unity, ==, "6.05/UNITY/VESC_default.bin 6.05/60/VESC_misfiled.bin");
}

static void
test_catalog_bootloader_offer(Fixture *fixture, gconstpointer user_data)
{
	const gchar *focbox[] = {"410", NULL};
	const gchar *vesc6[] = {"60", NULL};
	UbFirmwareEntry *entry;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *for_focbox = NULL;
	g_autofree gchar *for_vesc6 = NULL;

	entry = ub_firmware_catalog_pick_bootloader(fixture->catalog, focbox, &error);
	g_assert_no_error(error);
	for_focbox = relative(fixture, entry);
	g_assert_cmpstr(for_focbox, ==, "bootloaders/40_o_47_o_48_o_410_o_411_o_412_o_DAS_RS.bin");

	entry = ub_firmware_catalog_pick_bootloader(fixture->catalog, vesc6, &error);
	g_assert_no_error(error);
	for_vesc6 = relative(fixture, entry);
	g_assert_cmpstr(for_vesc6, ==, "bootloaders/generic.bin");
	g_assert_cmphex(ub_firmware_info_get_flash_address(ub_firmware_entry_get_info(entry)), ==,
	                0x080E0000);
}

/* which bootloader is on a chip: its code in sector 11 hashes like the catalogue's file */
static void
test_catalog_identify_installed_bootloader(Fixture *fixture, gconstpointer user_data)
{
	const gchar *focbox[] = {"410", NULL};
	const gchar *vesc6[] = {"60", NULL};
	g_autofree gchar *path = NULL;
	g_autofree gchar *contents = NULL;
	gsize size = 0;
	guint8 *flash;
	g_autoptr(GBytes) dump = NULL;
	g_autoptr(UbFirmwareInfo) info = NULL;
	g_autoptr(GError) error = NULL;
	UbFirmwareInfo *installed;
	UbFirmwareEntry *entry;

	path = g_build_filename(fixture->root, "bootloaders",
	                        "40_o_47_o_48_o_410_o_411_o_412_o_DAS_RS.bin", NULL);
	g_file_get_contents(path, &contents, &size, &error);
	g_assert_no_error(error);
	flash = g_malloc(0x100000);
	memset(flash, 0xFF, 0x100000);
	memcpy(flash + 0xE0000, contents, size);
	dump = g_bytes_new_take(flash, 0x100000);
	info = ub_firmware_info_new_from_dump(dump, 0x08000000, NULL, &error);
	g_assert_no_error(error);
	installed = ub_firmware_info_get_bootloader(info);
	g_assert_nonnull(installed);
	entry = ub_firmware_catalog_find_by_sha256(fixture->catalog,
	                                           ub_firmware_info_get_sha256(installed));
	g_assert_nonnull(entry);
	g_assert_true(g_str_has_suffix(ub_firmware_entry_get_path(entry),
	                               "40_o_47_o_48_o_410_o_411_o_412_o_DAS_RS.bin"));
	g_assert_true(
	        ub_firmware_info_check_compatible(ub_firmware_entry_get_info(entry), focbox, NULL));
	g_assert_false(
	        ub_firmware_info_check_compatible(ub_firmware_entry_get_info(entry), vesc6, NULL));
	g_assert_null(ub_firmware_catalog_find_by_sha256(fixture->catalog, "00"));
}

static void
test_catalog_no_bootloader(void)
{
	const gchar *board[] = {"60", NULL};
	g_autoptr(UbFirmwareCatalog) catalog = ub_firmware_catalog_new();
	g_autoptr(GError) error = NULL;

	g_assert_null(ub_firmware_catalog_pick_bootloader(catalog, board, &error));
	g_assert_error(error, UB_DATA_ERROR, UB_DATA_ERROR_NOT_FOUND);
	g_assert_cmpstr(error->message, ==,
	                "no bootloader for 60 and no generic.bin in the "
	                "catalogue");
}

static void
test_catalog_single_file(void)
{
	g_autofree gchar *path = ub_test_firmware_path(UB_TEST_FW_605_60);
	g_autoptr(UbFirmwareCatalog) catalog = ub_firmware_catalog_new();
	g_autoptr(GError) error = NULL;
	UbFirmwareEntry *entry;

	g_assert_true(ub_firmware_catalog_add_file(catalog, path, &error));
	g_assert_no_error(error);
	/* twice: still one entry */
	g_assert_true(ub_firmware_catalog_add_file(catalog, path, &error));
	g_assert_cmpuint(ub_firmware_catalog_get_entries(catalog)->len, ==, 1);
	entry = g_ptr_array_index(ub_firmware_catalog_get_entries(catalog), 0);
	g_assert_null(ub_firmware_entry_get_archive_version(entry));
	g_assert_cmpstr(ub_firmware_entry_get_version_string(entry), ==, "6.05");
	/* outside an archive layout the file name does not make it a variant */
	g_assert_true(ub_firmware_entry_get_is_default(entry));

	g_assert_false(ub_firmware_catalog_add_file(catalog, "/nonexistent.bin", &error));
	g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

static void
test_catalog_compare(void)
{
	g_autoptr(UbImage) image = ub_firmware_demo_image_new("60", UB_FIRMWARE_LAYOUT_384K, NULL);
	g_autoptr(UbFirmwareInfo) info = ub_firmware_info_new_from_image(image, NULL, NULL);
	g_autoptr(UbFirmwareEntry) v502 =
	        ub_firmware_entry_new("/a/5.02/60/VESC_default.bin", info, "5.02");
	g_autoptr(UbFirmwareEntry) v503 =
	        ub_firmware_entry_new("/a/5.03/60/VESC_default.bin", info, "5.03");
	g_autoptr(UbFirmwareEntry) v503_variant =
	        ub_firmware_entry_new("/a/5.03/60/VESC_33k.bin", info, "5.03");
	g_autoptr(UbFirmwareEntry) v600 =
	        ub_firmware_entry_new("/a/6.00/60/VESC_default.bin", info, "6.00");
	g_autoptr(UbFirmwareEntry) unknown = ub_firmware_entry_new("/b/mine.bin", info, NULL);

	g_assert_cmpint(ub_firmware_entry_compare_newest_first(v503, v502), <, 0);
	g_assert_cmpint(ub_firmware_entry_compare_newest_first(v502, v503), >, 0);
	g_assert_cmpint(ub_firmware_entry_compare_newest_first(v600, v503), <, 0);
	g_assert_cmpint(ub_firmware_entry_compare_newest_first(v503, v503_variant), <, 0);
	g_assert_cmpint(ub_firmware_entry_compare_newest_first(v502, unknown), <, 0);
	g_assert_cmpint(ub_firmware_entry_compare_newest_first(unknown, v502), >, 0);
	g_assert_false(ub_firmware_entry_get_is_default(v503_variant));
	g_assert_true(ub_firmware_entry_get_is_default(unknown));
	g_assert_cmpstr(ub_firmware_entry_get_version_string(unknown), ==, "unknown");
}

static void
test_catalog_parse_version(void)
{
	guint major = 0;
	guint minor = 0;

	g_assert_true(ub_firmware_parse_version("6.05", &major, &minor));
	g_assert_cmpuint(major, ==, 6);
	g_assert_cmpuint(minor, ==, 5);
	g_assert_true(ub_firmware_parse_version("3.55", &major, &minor));
	g_assert_cmpuint(minor, ==, 55);
	g_assert_false(ub_firmware_parse_version("6.05b", NULL, NULL));
	g_assert_false(ub_firmware_parse_version("bootloaders", NULL, NULL));
	g_assert_false(ub_firmware_parse_version(".5", NULL, NULL));
	g_assert_false(ub_firmware_parse_version("6.", NULL, NULL));
	g_assert_false(ub_firmware_parse_version("1.2.3", NULL, NULL));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/core/firmware-catalog/sorted", Fixture, NULL, fixture_setup,
	           test_catalog_sorted, fixture_teardown);
	g_test_add("/core/firmware-catalog/filter-by-board", Fixture, NULL, fixture_setup,
	           test_catalog_filter_by_board, fixture_teardown);
	g_test_add("/core/firmware-catalog/bootloader-offer", Fixture, NULL, fixture_setup,
	           test_catalog_bootloader_offer, fixture_teardown);
	g_test_add("/core/firmware-catalog/identify-installed-bootloader", Fixture, NULL,
	           fixture_setup, test_catalog_identify_installed_bootloader, fixture_teardown);
	g_test_add_func("/core/firmware-catalog/no-bootloader", test_catalog_no_bootloader);
	g_test_add_func("/core/firmware-catalog/single-file", test_catalog_single_file);
	g_test_add_func("/core/firmware-catalog/parse-version", test_catalog_parse_version);
	g_test_add_func("/core/firmware-catalog/compare", test_catalog_compare);
	return g_test_run();
}
