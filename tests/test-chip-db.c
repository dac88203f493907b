/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-chip-db.h"
#include "ub-error.h"

static void
test_chip_db_f405(void)
{
	g_autoptr(UbChipDb) db = ub_chip_db_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) sectors = NULL;
	g_autoptr(GArray) half = NULL;
	UbChip *chip;
	UbFlashSector *sector;
	guint32 base = 0;
	guint32 size = 0;

	g_assert_true(ub_chip_db_load(db, &error));
	g_assert_no_error(error);
	chip = ub_chip_db_lookup(db, 0x413, 0xc24);
	g_assert_nonnull(chip);
	g_assert_cmpstr(ub_chip_get_name(chip), ==, "STM32F405/407/415/417");
	g_assert_cmphex(ub_chip_get_flash_base(chip), ==, 0x08000000);
	g_assert_cmphex(ub_chip_get_flash_size_register(chip), ==, 0x1fff7a22);
	g_assert_cmphex(ub_chip_get_uid_address(chip), ==, 0x1fff7a10);
	g_assert_cmphex(ub_chip_get_optcr_address(chip), ==, 0x40023c14);
	g_assert_cmpstr(ub_chip_get_revision_name(chip, 0x1007), ==, "1");
	g_assert_cmpstr(ub_chip_get_revision_name(chip, 0x2001), ==, "3");
	g_assert_null(ub_chip_get_revision_name(chip, 0x1234));
	g_assert_true(ub_chip_get_ram(chip, "CCM", &base, &size));
	g_assert_cmphex(base, ==, 0x10000000);
	g_assert_cmpuint(size, ==, 64 * 1024);

	/* RM0090 table 5: 4 × 16 KiB, 64 KiB, 7 × 128 KiB */
	sectors = ub_chip_get_sectors(chip, 1024 * 1024);
	g_assert_cmpuint(sectors->len, ==, 12);
	sector = &g_array_index(sectors, UbFlashSector, 4);
	g_assert_cmphex(sector->address, ==, 0x08010000);
	g_assert_cmpuint(sector->size, ==, 64 * 1024);
	sector = &g_array_index(sectors, UbFlashSector, 11);
	g_assert_cmphex(sector->address, ==, 0x080e0000);
	g_assert_cmpuint(sector->index, ==, 11);
	half = ub_chip_get_sectors(chip, 512 * 1024);
	g_assert_cmpuint(half->len, ==, 8);

	/* revision A's DEV_ID erratum applies to a Cortex-M4 only (0x411 is also the F2) */
	g_assert_true(ub_chip_db_lookup(db, 0x411, 0xc24) == chip);
	g_assert_null(ub_chip_db_lookup(db, 0x411, 0xc23));
	g_assert_null(ub_chip_db_lookup(db, 0x999, 0xc24));
}

static void
test_chip_db_invalid(void)
{
	g_autoptr(UbChipDb) db = ub_chip_db_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp("ub-chips-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "broken.json", NULL);

	/* a chip without a flash section: the message names the file and the field */
	g_assert_true(g_file_set_contents(
	    path, "{\"id\": \"x\", \"name\": \"X\", \"dev-id\": \"0x123\"}", -1, NULL));
	g_assert_false(ub_chip_db_load_dir(db, dir, &error));
	g_assert_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID);
	g_assert_nonnull(g_strstr_len(error->message, -1, "broken.json"));
	g_assert_nonnull(g_strstr_len(error->message, -1, "flash"));
	g_clear_error(&error);

	g_assert_true(g_file_set_contents(path, "{\"id\": ", -1, NULL));
	g_assert_false(ub_chip_db_load_dir(db, dir, &error));
	g_assert_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID);
	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_cmpint(g_rmdir(dir), ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/core/chip-db/f405", test_chip_db_f405);
	g_test_add_func("/core/chip-db/invalid", test_chip_db_invalid);
	return g_test_run();
}
