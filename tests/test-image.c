/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UbImage model and its formats: parse, write, round trip, corrupt input, range checks. */
#include <string.h>

#include "ub-image-bin.h"
#include "ub-image.h"

static GBytes *
make_pattern(gsize size, guint8 seed)
{
	guint8 *buffer = g_malloc(size);

	for (gsize i = 0; i < size; i++)
		buffer[i] = (guint8)(seed + i * 7);
	return g_bytes_new_take(buffer, size);
}

static void
assert_bytes_equal(GBytes *a, GBytes *b)
{
	gsize size_a = 0, size_b = 0;
	const guint8 *data_a = g_bytes_get_data(a, &size_a);
	const guint8 *data_b = g_bytes_get_data(b, &size_b);

	g_assert_cmpmem(data_a, size_a, data_b, size_b);
}

static void
test_image_chunks_sorted(void)
{
	g_autoptr(UbImageBin) image = ub_image_bin_new(0);
	g_autoptr(GBytes) a = make_pattern(16, 1);
	g_autoptr(GBytes) b = make_pattern(16, 2);
	g_autoptr(GBytes) c = make_pattern(16, 3);
	GPtrArray *chunks;

	ub_image_add_bytes(UB_IMAGE(image), 0x08000100, b);
	ub_image_add_bytes(UB_IMAGE(image), 0x08000000, a);
	ub_image_add_bytes(UB_IMAGE(image), 0x08000200, c);
	chunks = ub_image_get_chunks(UB_IMAGE(image));
	g_assert_cmpuint(chunks->len, ==, 3);
	g_assert_cmphex(ub_image_chunk_get_address(g_ptr_array_index(chunks, 0)), ==, 0x08000000);
	g_assert_cmphex(ub_image_chunk_get_address(g_ptr_array_index(chunks, 1)), ==, 0x08000100);
	g_assert_cmphex(ub_image_chunk_get_address(g_ptr_array_index(chunks, 2)), ==, 0x08000200);
	g_assert_cmphex(ub_image_get_lowest_address(UB_IMAGE(image)), ==, 0x08000000);
	g_assert_cmphex(ub_image_get_end_address(UB_IMAGE(image)), ==, 0x08000210);
	g_assert_cmpuint(ub_image_get_data_size(UB_IMAGE(image)), ==, 48);
}

static void
test_image_read_fills_gaps(void)
{
	g_autoptr(UbImageBin) image = ub_image_bin_new(0);
	g_autoptr(GBytes) a = make_pattern(4, 0x10);
	g_autoptr(GBytes) b = make_pattern(4, 0x20);
	g_autoptr(GBytes) flat = NULL;
	g_autoptr(GError) error = NULL;
	const guint8 expected[] = {0x10, 0x17, 0x1e, 0x25, 0xAA, 0xAA, 0x20, 0x27, 0x2e, 0x35};

	ub_image_add_bytes(UB_IMAGE(image), 0x100, a);
	ub_image_add_bytes(UB_IMAGE(image), 0x106, b);
	flat = ub_image_flatten(UB_IMAGE(image), 0xAA, &error);
	g_assert_no_error(error);
	g_assert_cmpmem(g_bytes_get_data(flat, NULL), g_bytes_get_size(flat), expected,
			sizeof(expected));
}

static void
test_image_check_flash(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) data = make_pattern(0x100, 0);
	g_autoptr(GBytes) big = make_pattern(0x4000, 0);
	g_autoptr(UbImageBin) fits = ub_image_bin_new(0);
	g_autoptr(UbImageBin) ram = ub_image_bin_new(0);
	g_autoptr(UbImageBin) below = ub_image_bin_new(0);
	g_autoptr(UbImageBin) past_end = ub_image_bin_new(0);
	g_autoptr(UbImageBin) overlap = ub_image_bin_new(0);
	g_autoptr(UbImageBin) empty = ub_image_bin_new(0);

	ub_image_add_bytes(UB_IMAGE(fits), 0x08000000, data);
	ub_image_add_bytes(UB_IMAGE(fits), 0x080FFF00, data);
	g_assert_true(ub_image_check_flash(UB_IMAGE(fits), 0x08000000, 0x100000, &error));
	g_assert_no_error(error);

	/* an ELF's .data load image in SRAM */
	ub_image_add_bytes(UB_IMAGE(ram), 0x08000000, data);
	ub_image_add_bytes(UB_IMAGE(ram), 0x20000000, data);
	g_assert_false(ub_image_check_flash(UB_IMAGE(ram), 0x08000000, 0x100000, &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_NOT_FLASH);
	g_assert_nonnull(strstr(error->message, "0x20000000-0x200000ff"));
	g_clear_error(&error);

	ub_image_add_bytes(UB_IMAGE(below), 0x07FFFF00, data);
	g_assert_false(ub_image_check_flash(UB_IMAGE(below), 0x08000000, 0x100000, &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_NOT_FLASH);
	g_clear_error(&error);

	/* one byte too many: ends at 0x08100000 inclusive */
	ub_image_add_bytes(UB_IMAGE(past_end), 0x080FC001, big);
	g_assert_false(ub_image_check_flash(UB_IMAGE(past_end), 0x08000000, 0x100000, &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_TOO_LARGE);
	g_assert_nonnull(strstr(error->message, "runs 1 bytes past"));
	g_clear_error(&error);

	ub_image_add_bytes(UB_IMAGE(overlap), 0x08000000, big);
	ub_image_add_bytes(UB_IMAGE(overlap), 0x08003F00, data);
	g_assert_false(ub_image_check_flash(UB_IMAGE(overlap), 0x08000000, 0x100000, &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_OVERLAP);
	g_assert_nonnull(strstr(error->message, "0x08003f00-0x08003fff"));
	g_assert_nonnull(strstr(error->message, "0x08000000-0x08003fff"));
	g_clear_error(&error);

	g_assert_false(ub_image_check_flash(UB_IMAGE(empty), 0x08000000, 0x100000, &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID);
}

static void
test_image_bin_roundtrip(void)
{
	g_autoptr(GBytes) data = make_pattern(1000, 5);
	g_autoptr(GBytes) written = NULL;
	g_autoptr(UbImage) image = NULL;
	g_autoptr(GError) error = NULL;
	GPtrArray *chunks;

	image = ub_image_new_from_bytes(data, "firmware.bin", 0x080E0000, &error);
	g_assert_no_error(error);
	g_assert_true(UB_IS_IMAGE_BIN(image));
	g_assert_cmpstr(ub_image_get_format(image), ==, "Bin");
	chunks = ub_image_get_chunks(image);
	g_assert_cmpuint(chunks->len, ==, 1);
	g_assert_cmphex(ub_image_chunk_get_address(g_ptr_array_index(chunks, 0)), ==, 0x080E0000);
	written = ub_image_write(image, &error);
	g_assert_no_error(error);
	assert_bytes_equal(written, data);
}

static void
test_image_bin_errors(void)
{
	g_autoptr(GBytes) empty = g_bytes_new_static("", 0);
	g_autoptr(GBytes) data = make_pattern(0x200, 0);
	g_autoptr(UbImage) image = NULL;
	g_autoptr(GError) error = NULL;

	image = ub_image_new_from_bytes(empty, "empty.bin", UB_IMAGE_DEFAULT_BASE, &error);
	g_assert_null(image);
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID);
	g_clear_error(&error);

	image = ub_image_new_from_bytes(data, "wrap.bin", 0xFFFFFF00, &error);
	g_assert_null(image);
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_TOO_LARGE);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/core/image/chunks-sorted", test_image_chunks_sorted);
	g_test_add_func("/core/image/read-fills-gaps", test_image_read_fills_gaps);
	g_test_add_func("/core/image/check-flash", test_image_check_flash);
	g_test_add_func("/core/image/bin/roundtrip", test_image_bin_roundtrip);
	g_test_add_func("/core/image/bin/errors", test_image_bin_errors);
	return g_test_run();
}
