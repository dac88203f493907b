/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-flash-plan.h"
#include "ub-image-bin.h"
#include "ub-image-loader.h"
#include "ub-test-firmware.h"

/* RM0090 Table 5 */
static const UbFlashSector f405[] = {
        {0, 0x08000000, 0x4000},  {1, 0x08004000, 0x4000},   {2, 0x08008000, 0x4000},
        {3, 0x0800c000, 0x4000},  {4, 0x08010000, 0x10000},  {5, 0x08020000, 0x20000},
        {6, 0x08040000, 0x20000}, {7, 0x08060000, 0x20000},  {8, 0x08080000, 0x20000},
        {9, 0x080a0000, 0x20000}, {10, 0x080c0000, 0x20000}, {11, 0x080e0000, 0x20000},
};

static UbImage *
image_from(guint32 address, const guint8 *data, gsize len)
{
	UbImage *image = g_object_new(UB_TYPE_IMAGE_BIN, NULL);
	g_autoptr(GBytes) bytes = g_bytes_new(data, len);

	ub_image_add_bytes(image, address, bytes);
	return image;
}

static UbImage *
vesc_image(const char *name)
{
	g_autofree char *path = ub_test_firmware_path(name);
	g_autoptr(GError) error = NULL;
	UbImage *image;

	image = ub_image_new_from_file(path, 0x08000000, &error);
	g_assert_no_error(error);
	return image;
}

static void
assert_sectors(UbFlashPlan *plan, const guint *want, guint n_want)
{
	guint n = 0;
	const guint *got = ub_flash_plan_get_sectors(plan, &n);

	g_assert_cmpmem(got, n * sizeof(guint), want, n_want * sizeof(guint));
}

/* a 393 KB VESC 5.02 image: sectors 0 and 3–6, the gap in 1–2 left out */
static void
test_plan_vesc_keeps_config(void)
{
	g_autoptr(UbImage) image = vesc_image("vesc-fw-5.02-410_o_411_o_412-VESC_default.bin");
	g_autoptr(UbFlashPlan) plan = NULL;
	g_autoptr(GError) error = NULL;
	const guint want[] = {0, 3, 4, 5, 6};
	GPtrArray *chunks;
	GPtrArray *expected;
	gsize size = 0;
	const guint8 *last;

	plan = ub_flash_plan_new(image, f405, G_N_ELEMENTS(f405), UB_FLASH_PLAN_FLAG_NONE, &error);
	g_assert_no_error(error);
	assert_sectors(plan, want, G_N_ELEMENTS(want));
	g_assert_true(ub_flash_plan_get_config_kept(plan));
	g_assert_cmpuint(ub_flash_plan_get_skipped_bytes(plan), ==, 0x8000);
	g_assert_cmpuint(ub_flash_plan_get_data_size(plan), ==, 393208 - 0x8000);
	chunks = ub_flash_plan_get_chunks(plan);
	for (guint i = 0; i < chunks->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(chunks, i);
		g_assert_true(ub_image_chunk_get_end(chunk) <= UB_FLASH_VESC_CONFIG_START ||
		              ub_image_chunk_get_address(chunk) >= UB_FLASH_VESC_CONFIG_END);
	}
	/* sector 6 must read erased past the image: the old CRC flag there is gone */
	expected = ub_flash_plan_get_expected(plan);
	g_assert_cmpuint(expected->len, ==, 5);
	g_assert_cmphex(ub_image_chunk_get_address(g_ptr_array_index(expected, 4)), ==, 0x08040000);
	last = g_bytes_get_data(ub_image_chunk_get_data(g_ptr_array_index(expected, 4)), &size);
	g_assert_cmpuint(size, ==, 0x20000);
	for (gsize i = 0x1fff8; i < size; i++)
		g_assert_cmpuint(last[i], ==, 0xff);
}

static void
test_plan_vesc_wipe_config(void)
{
	g_autoptr(UbImage) image = vesc_image("vesc-fw-6.05-410_o_411_o_412-VESC_default.bin");
	g_autoptr(UbFlashPlan) plan = NULL;
	g_autoptr(GError) error = NULL;
	const guint want[] = {0, 1, 2, 3, 4, 5, 6, 7};

	plan = ub_flash_plan_new(image, f405, G_N_ELEMENTS(f405), UB_FLASH_PLAN_FLAG_WIPE_CONFIG,
	                         &error);
	g_assert_no_error(error);
	assert_sectors(plan, want, G_N_ELEMENTS(want));
	g_assert_false(ub_flash_plan_get_config_kept(plan));
	g_assert_cmpuint(ub_flash_plan_get_skipped_bytes(plan), ==, 0);
	g_assert_cmpuint(ub_flash_plan_get_data_size(plan), ==, 524280);
}

/* real data in sectors 1–2 (a dump of a configured board) is not silently dropped */
static void
test_plan_config_data_refused(void)
{
	g_autofree guint8 *data = g_malloc(0x10000);
	g_autoptr(UbImage) image = NULL;
	g_autoptr(UbFlashPlan) plan = NULL;
	g_autoptr(GError) error = NULL;
	const guint keep[] = {0, 3};

	memset(data, 0xff, 0x10000);
	memset(data + 0x4100, 0x42, 0x20);
	image = image_from(0x08000000, data, 0x10000);
	plan = ub_flash_plan_new(image, f405, G_N_ELEMENTS(f405), UB_FLASH_PLAN_FLAG_NONE, &error);
	g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_WOULD_WIPE_CONFIG);
	g_assert_null(plan);
	g_clear_error(&error);

	plan = ub_flash_plan_new(image, f405, G_N_ELEMENTS(f405),
	                         UB_FLASH_PLAN_FLAG_KEEP_CONFIG_DATA, &error);
	g_assert_no_error(error);
	/* all 0xFF outside the config: sector 0 and 3 still count as touched */
	assert_sectors(plan, keep, G_N_ELEMENTS(keep));
}

/* the bootloader alone touches sector 11 only; a small block in sector 4 only sector 4 */
static void
test_plan_sector_selection(void)
{
	guint8 data[256];
	g_autoptr(UbImage) boot = NULL;
	g_autoptr(UbImage) mid = NULL;
	g_autoptr(UbImage) edge = NULL;
	g_autoptr(UbFlashPlan) plan = NULL;
	g_autoptr(GError) error = NULL;
	const guint s11[] = {11};
	const guint s4[] = {4};
	const guint s4_5[] = {4, 5};

	memset(data, 0x5a, sizeof(data));
	boot = image_from(0x080e0000, data, sizeof(data));
	plan = ub_flash_plan_new(boot, f405, G_N_ELEMENTS(f405), UB_FLASH_PLAN_FLAG_NONE, &error);
	g_assert_no_error(error);
	assert_sectors(plan, s11, 1);
	g_clear_object(&plan);

	mid = image_from(0x08010004, data, 8);
	plan = ub_flash_plan_new(mid, f405, G_N_ELEMENTS(f405), UB_FLASH_PLAN_FLAG_NONE, &error);
	g_assert_no_error(error);
	assert_sectors(plan, s4, 1);
	g_clear_object(&plan);

	/* straddling the 4/5 boundary */
	edge = image_from(0x0801ff80, data, sizeof(data));
	plan = ub_flash_plan_new(edge, f405, G_N_ELEMENTS(f405), UB_FLASH_PLAN_FLAG_NONE, &error);
	g_assert_no_error(error);
	assert_sectors(plan, s4_5, 2);
}

static void
test_plan_outside_flash(void)
{
	guint8 data[16] = {0};
	g_autoptr(UbImage) ram = image_from(0x20000000, data, sizeof(data));
	g_autoptr(UbImage) big = image_from(0x080ffff8, data, sizeof(data));
	g_autoptr(UbFlashPlan) plan = NULL;
	g_autoptr(GError) error = NULL;

	plan = ub_flash_plan_new(ram, f405, G_N_ELEMENTS(f405), UB_FLASH_PLAN_FLAG_NONE, &error);
	g_assert_null(plan);
	g_assert_nonnull(error);
	g_assert_true(error->domain == UB_IMAGE_ERROR);
	g_clear_error(&error);
	plan = ub_flash_plan_new(big, f405, G_N_ELEMENTS(f405), UB_FLASH_PLAN_FLAG_NONE, &error);
	g_assert_null(plan);
	g_assert_nonnull(error);
	g_assert_true(error->domain == UB_IMAGE_ERROR);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/flash/plan/vesc-keeps-config", test_plan_vesc_keeps_config);
	g_test_add_func("/flash/plan/vesc-wipe-config", test_plan_vesc_wipe_config);
	g_test_add_func("/flash/plan/config-data-refused", test_plan_config_data_refused);
	g_test_add_func("/flash/plan/sector-selection", test_plan_sector_selection);
	g_test_add_func("/flash/plan/outside-flash", test_plan_outside_flash);
	return g_test_run();
}
