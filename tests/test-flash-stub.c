/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ub-flash-stub.h"

static void
assert_same_as_embedded(GBytes *bytes)
{
	g_assert_cmpmem(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes),
	                ub_flash_stub_stm32f4, ub_flash_stub_stm32f4_size);
}

/* the checked-in bytes (used when no assembler is installed) match what the build embedded */
static void
test_stub_checked_in(void)
{
	g_autofree char *path = g_test_build_filename(G_TEST_DIST, "..", "core", "flash", "stub",
	                                              "ub-stm32f4-loader.bin", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GMappedFile) file = g_mapped_file_new(path, FALSE, &error);
	g_autoptr(GBytes) bytes = NULL;

	g_assert_no_error(error);
	bytes = g_mapped_file_get_bytes(file);
	assert_same_as_embedded(bytes);
}

static gboolean
run(const char *const *argv, GError **error)
{
	gint status = 0;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
	                  &status, error))
		return FALSE;
	return g_spawn_check_wait_status(status, error);
}

/* a fresh assembly of the source gives exactly the embedded bytes */
static void
test_stub_reproducible(void)
{
	g_autofree char *source = g_test_build_filename(G_TEST_DIST, "..", "core", "flash", "stub",
	                                                "ub-stm32f4-loader.S", NULL);
	g_autofree char *as = g_find_program_in_path("arm-none-eabi-as");
	g_autofree char *objcopy = g_find_program_in_path("arm-none-eabi-objcopy");
	g_autofree char *dir = NULL;
	g_autofree char *object = NULL;
	g_autofree char *binary = NULL;
	g_autofree char *contents = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GError) error = NULL;
	gsize len = 0;

	if (as == NULL || objcopy == NULL) {
		g_test_skip("arm-none-eabi-as/objcopy not installed");
		return;
	}
	dir = g_dir_make_tmp("ub-stub-XXXXXX", &error);
	g_assert_no_error(error);
	object = g_build_filename(dir, "loader.o", NULL);
	binary = g_build_filename(dir, "loader.bin", NULL);
	{
		const char *assemble[] = {as,  "-mcpu=cortex-m4", "-mthumb", "-o", object, source,
		                          NULL};
		const char *extract[] = {objcopy, "-O",   "binary", "-j",
		                         ".text", object, binary,   NULL};
		g_assert_true(run(assemble, &error));
		g_assert_no_error(error);
		g_assert_true(run(extract, &error));
		g_assert_no_error(error);
	}
	g_assert_true(g_file_get_contents(binary, &contents, &len, &error));
	g_assert_no_error(error);
	bytes = g_bytes_new(contents, len);
	assert_same_as_embedded(bytes);
	g_unlink(binary);
	g_unlink(object);
	g_rmdir(dir);
}

static void
test_stub_header(void)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(ub_flash_stub_check(&error));
	g_assert_no_error(error);
	/* the control block is the zeroed tail of the image: the host uploads both at once */
	g_assert_cmpuint(ub_flash_stub_get_control_offset() + UB_FLASH_STUB_CB_SIZE, ==,
	                 ub_flash_stub_stm32f4_size);
	for (gsize i = ub_flash_stub_get_control_offset(); i < ub_flash_stub_stm32f4_size; i++)
		g_assert_cmpuint(ub_flash_stub_stm32f4[i], ==, 0);
	/* Thumb entry past the 0x20-byte header */
	g_assert_cmpuint(ub_flash_stub_get_entry_offset(), ==, 0x20);
}

static guint16
halfword(gsize offset)
{
	return (guint16)(ub_flash_stub_stm32f4[offset] | ub_flash_stub_stm32f4[offset + 1] << 8);
}

/* Each store that starts flash work (an element to [r1]: str/strh/strb r0,[r1]; STRT: the
 * CR store after orr.w r0,r0,#0x10000) is followed at once by DSB, before FLASH_SR is read:
 * the store goes out on D-Code (or is buffered), the SR read on the System bus (audit F3;
 * OpenOCD's stm32f2x.S has the same barrier). The model executes in order and cannot show
 * the race, so the code itself is checked. */
static void
test_stub_barriers(void)
{
	const guint16 dsb[2] = {0xf3bf, 0x8f4f};
	gsize control = ub_flash_stub_get_control_offset();
	guint element_stores = 0;
	guint strt_stores = 0;

	for (gsize at = ub_flash_stub_get_entry_offset(); at + 6 <= control; at += 2) {
		guint16 insn = halfword(at);
		gboolean element = insn == 0x6008 || insn == 0x8008 || insn == 0x7008;
		/* orr.w r0, r0, #0x10000 then str r0, [r5, #16] */
		gboolean strt = insn == 0xf440 && halfword(at + 2) == 0x3080 &&
				halfword(at + 4) == 0x6128;

		if (strt)
			at += 4;
		if (!element && !strt)
			continue;
		g_assert_cmphex(halfword(at + 2), ==, dsb[0]);
		g_assert_cmphex(halfword(at + 4), ==, dsb[1]);
		element_stores += element;
		strt_stores += strt;
	}
	/* x8, x16, x32; sector and mass erase */
	g_assert_cmpuint(element_stores, ==, 3);
	g_assert_cmpuint(strt_stores, ==, 2);
}

static void
test_crc32(void)
{
	const guint8 check[] = "123456789";
	guint8 erased[2048];

	/* the CRC-32/ISO-HDLC check value */
	g_assert_cmphex(ub_flash_crc32(check, 9), ==, 0xcbf43926);
	g_assert_cmphex(ub_flash_crc32(check, 0), ==, 0);
	memset(erased, 0xff, sizeof(erased));
	g_assert_cmphex(ub_flash_crc32(erased, sizeof(erased)), !=, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/flash/stub/checked-in", test_stub_checked_in);
	g_test_add_func("/flash/stub/reproducible", test_stub_reproducible);
	g_test_add_func("/flash/stub/header", test_stub_header);
	g_test_add_func("/flash/stub/crc32", test_crc32);
	g_test_add_func("/flash/stub/barriers", test_stub_barriers);
	return g_test_run();
}
