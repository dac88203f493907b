/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UbImage model and its formats: parse, write, round trip, corrupt input, range checks. */
#include <string.h>

#include "ub-image-bin.h"
#include "ub-image-dfuse.h"
#include "ub-image-elf.h"
#include "ub-image-ihex.h"
#include "ub-image-loader.h"
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

static GBytes *
load_sample(const gchar *name)
{
	g_autofree gchar *path = g_test_build_filename(G_TEST_DIST, "data", "image", name, NULL);
	g_autoptr(GError) error = NULL;
	gchar *contents = NULL;
	gsize size = 0;

	g_file_get_contents(path, &contents, &size, &error);
	g_assert_no_error(error);
	return g_bytes_new_take(contents, size);
}

static UbImage *
parse_sample(const gchar *name)
{
	g_autofree gchar *path = g_test_build_filename(G_TEST_DIST, "data", "image", name, NULL);
	g_autoptr(GError) error = NULL;
	UbImage *image = ub_image_new_from_file(path, UB_IMAGE_DEFAULT_BASE, &error);

	g_assert_no_error(error);
	g_assert_nonnull(image);
	return image;
}

static void
assert_chunk(UbImage *image, guint index, guint32 address, gsize size)
{
	GPtrArray *chunks = ub_image_get_chunks(image);
	UbImageChunk *chunk;

	g_assert_cmpuint(index, <, chunks->len);
	chunk = g_ptr_array_index(chunks, index);
	g_assert_cmphex(ub_image_chunk_get_address(chunk), ==, address);
	g_assert_cmpuint(ub_image_chunk_get_size(chunk), ==, size);
}

/* objcopy -O binary of the same ELF: what every format must put in memory (gap = 0x00) */
static void
assert_matches_objcopy_bin(UbImage *image)
{
	g_autoptr(GBytes) reference = load_sample("sample.bin");
	g_autoptr(GBytes) flat = NULL;
	g_autoptr(GError) error = NULL;

	flat = ub_image_flatten(image, 0x00, &error);
	g_assert_no_error(error);
	assert_bytes_equal(flat, reference);
}

static void
test_image_ihex_sample(void)
{
	g_autoptr(UbImage) image = parse_sample("sample.hex");
	guint32 entry_point = 0;

	g_assert_true(UB_IS_IMAGE_IHEX(image));
	/* objcopy wrote .text and .data's load image back to back: one merged run */
	g_assert_cmpuint(ub_image_get_chunks(image)->len, ==, 2);
	assert_chunk(image, 0, 0x08000000, 16);
	assert_chunk(image, 1, 0x08000400, 0x28);
	g_assert_true(ub_image_get_entry_point(image, &entry_point));
	g_assert_cmphex(entry_point, ==, 0x08000401);
	assert_matches_objcopy_bin(image);
}

/* hand-made: type 02 segment base, type 03 CS:IP start, a second segment */
static void
test_image_ihex_segments(void)
{
	const gchar *text = ":020000021000EC\r\n"
	                    ":04001000DEADBEEFB4\r\n"
	                    ":0400000312345678E5\r\n"
	                    ":020000022000DC\r\n"
	                    ":02FFFE000102FE\r\n"
	                    ":00000001FF\r\n";
	g_autoptr(GBytes) blob = g_bytes_new_static(text, strlen(text));
	g_autoptr(UbImage) image = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) word = NULL;
	guint32 entry_point = 0;
	const guint8 expected[] = {0xDE, 0xAD, 0xBE, 0xEF};

	image = ub_image_new_from_bytes(blob, NULL, 0, &error);
	g_assert_no_error(error);
	g_assert_true(UB_IS_IMAGE_IHEX(image));
	assert_chunk(image, 0, 0x10010, 4);
	assert_chunk(image, 1, 0x2FFFE, 2);
	word = ub_image_read(image, 0x10010, 4, 0xFF, &error);
	g_assert_no_error(error);
	g_assert_cmpmem(g_bytes_get_data(word, NULL), 4, expected, 4);
	g_assert_true(ub_image_get_entry_point(image, &entry_point));
	g_assert_cmphex(entry_point, ==, 0x12340 + 0x5678);
}

/* in segment mode (type 02) offsets wrap inside the 64 KiB segment: FFFE, FFFF, 0000, 0001 */
static void
test_image_ihex_segment_wrap(void)
{
	const gchar *text = ":020000021000EC\n"
	                    ":04FFFE00AABBCCDDF1\n"
	                    ":00000001FF\n";
	g_autoptr(GBytes) blob = g_bytes_new_static(text, strlen(text));
	g_autoptr(UbImageIhex) image = ub_image_ihex_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) head = NULL;
	g_autoptr(GBytes) tail = NULL;
	const guint8 expected_head[] = {0xCC, 0xDD};
	const guint8 expected_tail[] = {0xAA, 0xBB};

	g_assert_true(ub_image_parse(UB_IMAGE(image), blob, UB_IMAGE_PARSE_FLAG_NONE, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(ub_image_get_chunks(UB_IMAGE(image))->len, ==, 2);
	assert_chunk(UB_IMAGE(image), 0, 0x10000, 2);
	assert_chunk(UB_IMAGE(image), 1, 0x1FFFE, 2);
	head = ub_image_read(UB_IMAGE(image), 0x10000, 2, 0xFF, &error);
	tail = ub_image_read(UB_IMAGE(image), 0x1FFFE, 2, 0xFF, &error);
	g_assert_cmpmem(g_bytes_get_data(head, NULL), 2, expected_head, 2);
	g_assert_cmpmem(g_bytes_get_data(tail, NULL), 2, expected_tail, 2);
}

typedef struct {
	const gchar *text;
	const gchar *message;
} CorruptCase;

static void
test_image_ihex_corrupt(void)
{
	const CorruptCase cases[] = {
	        {":020000040800F2\n:1000000000080020010400080104000801040008A2\n:00000001FF\n",
	         "line 2: checksum 0xA2 is wrong, expected 0xA1"},
	        {":020000040800F2\n\n:10000000000800200104000801040G0801040008A1\n:00000001FF\n",
	         "line 3, column 31: 'G' is not a hex digit"},
	        {"020000040800F2\n:00000001FF\n", "line 1: record does not start with ':'"},
	        {":020000040800F2\n:0400000000080020\n:00000001FF\n", "line 2: length field says 4 "
	                                                              "data bytes, record holds 3"},
	        {":020000040800F2\n:0100000000FF\n", "line 2: file ends without an end-of-file "
	                                             "record"},
	        {":020000040800F2\n:0100000000FF\n:00000001FF\n:0100000000FF\n",
	         "line 4: data after the end-of-file record"},
	        {":0100000600F9\n:00000001FF\n", "line 1: unknown record type 0x06"},
	        {":0100000000F\n:00000001FF\n", "line 1: odd number of hex digits (11)"},
	        {":03000004080000F1\n:00000001FF\n",
	         "line 1: address record type 0x04 needs 2 data bytes, has 3"},
	        {":00000005FB\n:00000001FF\n",
	         "line 1: start address record type 0x05 needs 4 data bytes, has 0"},
	        {":00000001FF\n", "file holds no data records"},
	        {":0000\n", "line 1: record too short (2 bytes, at least 5 needed)"},
	        {":01000001AA54\n", "line 1: end-of-file record carries 1 data bytes"},
	        {":02000004FFFFFC\n:02FFFF000102FD\n:00000001FF\n",
	         "line 2: data at 0xffffffff "
	         "passes the 4 GiB address space"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GBytes) blob = g_bytes_new_static(cases[i].text, strlen(cases[i].text));
		g_autoptr(UbImageIhex) image = ub_image_ihex_new();
		g_autoptr(GError) error = NULL;

		g_test_message("case %u: %s", i, cases[i].message);
		g_assert_false(
		        ub_image_parse(UB_IMAGE(image), blob, UB_IMAGE_PARSE_FLAG_NONE, &error));
		g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID);
		g_assert_cmpstr(error->message, ==, cases[i].message);
		g_assert_cmpuint(ub_image_get_chunks(UB_IMAGE(image))->len, ==, 0);
	}
}

/* a .hex name with garbage inside gets the Intel HEX parser's complaint, not a raw flash */
static void
test_image_detect_by_extension(void)
{
	const gchar *text = "this is not a hex file\n";
	g_autoptr(GBytes) blob = g_bytes_new_static(text, strlen(text));
	g_autoptr(UbImage) image = NULL;
	g_autoptr(GError) error = NULL;

	image = ub_image_new_from_bytes(blob, "FIRMWARE.HEX", UB_IMAGE_DEFAULT_BASE, &error);
	g_assert_null(image);
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID);
	g_assert_cmpstr(error->message, ==, "line 1: record does not start with ':'");
	g_clear_error(&error);

	image = ub_image_new_from_bytes(blob, "firmware.dfu", UB_IMAGE_DEFAULT_BASE, &error);
	g_assert_null(image);
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID);
	g_clear_error(&error);

	/* unknown extension and no magic: raw binary */
	image = ub_image_new_from_bytes(blob, "firmware.img", UB_IMAGE_DEFAULT_BASE, &error);
	g_assert_no_error(error);
	g_assert_true(UB_IS_IMAGE_BIN(image));
}

static void
test_image_missing_file(void)
{
	g_autoptr(UbImage) image = NULL;
	g_autoptr(GError) error = NULL;

	image = ub_image_new_from_file("/nonexistent/firmware.bin", UB_IMAGE_DEFAULT_BASE, &error);
	g_assert_null(image);
	g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

static void
test_image_elf_sample(void)
{
	g_autoptr(UbImage) image = parse_sample("sample.elf");
	g_autoptr(GError) error = NULL;
	guint32 entry_point = 0;

	g_assert_true(UB_IS_IMAGE_ELF(image));
	g_assert_cmpuint(ub_image_get_chunks(image)->len, ==, 3);
	assert_chunk(image, 0, 0x08000000, 16);
	assert_chunk(image, 1, 0x08000400, 0x20);
	/* .data runs at 0x20000000 but is loaded from flash: p_paddr, not p_vaddr */
	assert_chunk(image, 2, 0x08000420, 8);
	g_assert_true(ub_image_get_entry_point(image, &entry_point));
	g_assert_cmphex(entry_point, ==, 0x08000401);
	assert_matches_objcopy_bin(image);
	g_assert_true(ub_image_check_flash(image, 0x08000000, 0x100000, &error));
	g_assert_no_error(error);
}

static void
put_u32(guint8 *data, guint32 value)
{
	data[0] = (guint8)value;
	data[1] = (guint8)(value >> 8);
	data[2] = (guint8)(value >> 16);
	data[3] = (guint8)(value >> 24);
}

typedef void (*Corrupter)(guint8 *data, gsize *size);

static void
corrupt_elf_truncate_header(guint8 *data, gsize *size)
{
	*size = 40;
}
static void
corrupt_elf_machine(guint8 *data, gsize *size)
{
	data[18] = 62; /* x86-64 */
}
static void
corrupt_elf_type(guint8 *data, gsize *size)
{
	data[16] = 1; /* relocatable */
}
static void
corrupt_elf_class(guint8 *data, gsize *size)
{
	data[4] = 2;
}
static void
corrupt_elf_phnum(guint8 *data, gsize *size)
{
	data[44] = 200;
}
/* second program header (file offset 52 + 32) points past the end */
static void
corrupt_elf_segment_offset(guint8 *data, gsize *size)
{
	put_u32(data + 52 + 32 + 4, 0x7FFFFFF0);
}
static void
corrupt_elf_filesz(guint8 *data, gsize *size)
{
	put_u32(data + 52 + 32 + 16, 0x1000);
}
static void
corrupt_elf_paddr_wrap(guint8 *data, gsize *size)
{
	put_u32(data + 52 + 32 + 12, 0xFFFFFFF0);
}
static void
corrupt_elf_magic(guint8 *data, gsize *size)
{
	data[1] = 'e';
}

typedef struct {
	Corrupter corrupt;
	const gchar *message;
} CorruptBinaryCase;

static void
run_corrupt_cases(const gchar *sample, GType type, const CorruptBinaryCase *cases, guint n_cases)
{
	g_autoptr(GBytes) original = load_sample(sample);

	for (guint i = 0; i < n_cases; i++) {
		gsize size = g_bytes_get_size(original);
		g_autofree guint8 *data = g_memdup2(g_bytes_get_data(original, NULL), size);
		g_autoptr(GBytes) blob = NULL;
		g_autoptr(UbImage) image = g_object_new(type, NULL);
		g_autoptr(GError) error = NULL;

		cases[i].corrupt(data, &size);
		blob = g_bytes_new(data, size);
		g_test_message("%s case %u: %s", sample, i, cases[i].message);
		g_assert_false(ub_image_parse(image, blob, UB_IMAGE_PARSE_FLAG_NONE, &error));
		g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID);
		g_assert_cmpstr(error->message, ==, cases[i].message);
	}
}

static void
test_image_elf_corrupt(void)
{
	const CorruptBinaryCase cases[] = {
	        {corrupt_elf_truncate_header,
	         "offset 0x28: file ends inside the 52-byte ELF header"},
	        {corrupt_elf_magic, "offset 0x0: no ELF magic"},
	        {corrupt_elf_class, "offset 0x4: ELF class 2 is not 32-bit"},
	        {corrupt_elf_machine, "offset 0x12: machine 62 is not ARM (40)"},
	        {corrupt_elf_type, "offset 0x10: ELF type 1 is not an executable (2); object files "
	                           "have no load addresses"},
	        {corrupt_elf_phnum, "offset 0x34: 200 program headers of 32 bytes run past the end "
	                            "of the file (0x248)"},
	        {corrupt_elf_segment_offset,
	         "offset 0x54: segment 1 data 0x7ffffff0+0x20 runs past "
	         "the end of the file (0x248)"},
	        {corrupt_elf_filesz,
	         "offset 0x54: segment 1 has p_filesz 0x1000 larger than p_memsz "
	         "0x20"},
	        {corrupt_elf_paddr_wrap,
	         "offset 0x54: segment 1 at 0xfffffff0+0x20 passes the 4 GiB "
	         "address space"},
	};

	run_corrupt_cases("sample.elf", UB_TYPE_IMAGE_ELF, cases, G_N_ELEMENTS(cases));
}

/* a PT_LOAD with nothing in the file (.bss-only) adds no chunk */
static void
test_image_elf_skips_empty_segment(void)
{
	g_autoptr(GBytes) original = load_sample("sample.elf");
	gsize size = g_bytes_get_size(original);
	g_autofree guint8 *data = g_memdup2(g_bytes_get_data(original, NULL), size);
	g_autoptr(GBytes) blob = NULL;
	g_autoptr(UbImageElf) image = ub_image_elf_new();
	g_autoptr(GError) error = NULL;

	put_u32(data + 52 + 2 * 32 + 16, 0);
	blob = g_bytes_new(data, size);
	g_assert_true(ub_image_parse(UB_IMAGE(image), blob, UB_IMAGE_PARSE_FLAG_NONE, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(ub_image_get_chunks(UB_IMAGE(image))->len, ==, 2);
	g_assert_cmphex(ub_image_get_end_address(UB_IMAGE(image)), ==, 0x08000420);
}

static void
test_image_dfuse_sample(void)
{
	g_autoptr(UbImage) image = parse_sample("sample.dfu");

	g_assert_true(UB_IS_IMAGE_DFUSE(image));
	g_assert_cmpuint(ub_image_dfuse_get_target_count(UB_IMAGE_DFUSE(image)), ==, 2);
	g_assert_cmphex(ub_image_dfuse_get_vendor(UB_IMAGE_DFUSE(image)), ==, 0x0483);
	g_assert_cmphex(ub_image_dfuse_get_product(UB_IMAGE_DFUSE(image)), ==, 0xDF11);
	g_assert_cmpuint(ub_image_get_chunks(image)->len, ==, 3);
	assert_chunk(image, 0, 0x08000000, 16);
	assert_chunk(image, 1, 0x08000400, 0x28);
	assert_chunk(image, 2, 0x1FFFC000, 4);
}

/* sample.dfu: prefix 11 B, target 0 at 0xb (size field 0x115, element count 0x119, element 0
 * header 0x11d, element 1 header 0x135), target 1 at 0x165, suffix at 0x283, CRC at 0x28f */
static void
fix_dfu_crc(guint8 *data, gsize size)
{
	guint32 crc = 0xFFFFFFFF;

	/* bitwise CRC-32 without final inversion, written independently of the parser's */
	for (gsize i = 0; i < size - 4; i++) {
		crc ^= data[i];
		for (gint bit = 0; bit < 8; bit++)
			crc = crc & 1 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
	}
	put_u32(data + size - 4, crc);
}
static void
corrupt_dfuse_crc(guint8 *data, gsize *size)
{
	data[0x120] ^= 0x01;
}
static void
corrupt_dfuse_signature(guint8 *data, gsize *size)
{
	data[*size - 8] = 'X';
}
static void
corrupt_dfuse_truncated(guint8 *data, gsize *size)
{
	*size = 20;
}
static void
corrupt_dfuse_prefix(guint8 *data, gsize *size)
{
	data[0] = 'd';
	fix_dfu_crc(data, *size);
}
static void
corrupt_dfuse_version(guint8 *data, gsize *size)
{
	data[5] = 2;
	fix_dfu_crc(data, *size);
}
static void
corrupt_dfuse_image_size(guint8 *data, gsize *size)
{
	put_u32(data + 6, 0x1000);
	fix_dfu_crc(data, *size);
}
static void
corrupt_dfuse_too_many_targets(guint8 *data, gsize *size)
{
	data[10] = 3;
	fix_dfu_crc(data, *size);
}
static void
corrupt_dfuse_too_few_targets(guint8 *data, gsize *size)
{
	data[10] = 1;
	fix_dfu_crc(data, *size);
}
static void
corrupt_dfuse_target_signature(guint8 *data, gsize *size)
{
	data[0x165] = 't';
	fix_dfu_crc(data, *size);
}
static void
corrupt_dfuse_target_size(guint8 *data, gsize *size)
{
	put_u32(data + 0x115, 0xFFFFFF00);
	fix_dfu_crc(data, *size);
}
static void
corrupt_dfuse_element_size(guint8 *data, gsize *size)
{
	put_u32(data + 0x139, 0x1000);
	fix_dfu_crc(data, *size);
}
static void
corrupt_dfuse_extra_element(guint8 *data, gsize *size)
{
	put_u32(data + 0x119, 3);
	fix_dfu_crc(data, *size);
}
static void
corrupt_dfuse_missing_element(guint8 *data, gsize *size)
{
	put_u32(data + 0x119, 1);
	fix_dfu_crc(data, *size);
}
static void
corrupt_dfuse_address_wrap(guint8 *data, gsize *size)
{
	put_u32(data + 0x135, 0xFFFFFFF0);
	fix_dfu_crc(data, *size);
}

static void
test_image_dfuse_corrupt(void)
{
	const CorruptBinaryCase cases[] = {
	        {corrupt_dfuse_crc, "offset 0x28f: DFU suffix CRC 0xa31cc2e4 is wrong, file data "
	                            "gives 0xbcb15de9"},
	        {corrupt_dfuse_signature, "offset 0x28b: DFU suffix signature \"UFD\" missing"},
	        {corrupt_dfuse_truncated, "offset 0x14: file too short for DfuSe prefix and DFU "
	                                  "suffix"},
	        {corrupt_dfuse_prefix, "offset 0x0: DfuSe prefix signature missing"},
	        {corrupt_dfuse_version, "offset 0x5: DfuSe version 2, expected 1"},
	        {corrupt_dfuse_image_size, "offset 0x6: DFUImageSize 4096, but the file holds 643 "
	                                   "bytes before the suffix"},
	        {corrupt_dfuse_too_many_targets,
	         "offset 0x283: target 2 prefix runs past the end of "
	         "the image"},
	        {corrupt_dfuse_too_few_targets, "offset 0x165: 286 stray bytes after the last "
	                                        "target"},
	        {corrupt_dfuse_target_signature, "offset 0x165: target 1 signature \"Target\" "
	                                         "missing"},
	        {corrupt_dfuse_target_size,
	         "offset 0x115: target 0 size 4294967040 runs past the end "
	         "of the image"},
	        {corrupt_dfuse_element_size, "offset 0x139: element 1 of target 0: 4096 bytes run "
	                                     "past the target's end"},
	        {corrupt_dfuse_extra_element, "offset 0x165: element 2 of target 0 runs past the "
	                                      "target's end"},
	        {corrupt_dfuse_missing_element,
	         "offset 0x115: target 0 declares 72 bytes but its 1 "
	         "elements use 24"},
	        {corrupt_dfuse_address_wrap,
	         "offset 0x135: element at 0xfffffff0+0x28 passes the 4 "
	         "GiB address space"},
	};

	run_corrupt_cases("sample.dfu", UB_TYPE_IMAGE_DFUSE, cases, G_N_ELEMENTS(cases));
}

/* forensic reading of a file with a bad CRC is possible on request */
static void
test_image_dfuse_ignore_checksum(void)
{
	g_autoptr(GBytes) original = load_sample("sample.dfu");
	gsize size = g_bytes_get_size(original);
	g_autofree guint8 *data = g_memdup2(g_bytes_get_data(original, NULL), size);
	g_autoptr(GBytes) blob = NULL;
	g_autoptr(UbImageDfuse) image = ub_image_dfuse_new();
	g_autoptr(GError) error = NULL;

	corrupt_dfuse_crc(data, &size);
	blob = g_bytes_new(data, size);
	g_assert_true(
	        ub_image_parse(UB_IMAGE(image), blob, UB_IMAGE_PARSE_FLAG_IGNORE_CHECKSUM, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(ub_image_get_chunks(UB_IMAGE(image))->len, ==, 3);
}

/* our writer emits exactly what objcopy wrote for the same data */
static void
test_image_ihex_write_matches_objcopy(void)
{
	g_autoptr(UbImage) image = parse_sample("sample.hex");
	g_autoptr(GBytes) reference = load_sample("sample.hex");
	g_autoptr(GBytes) written = NULL;
	g_autoptr(GError) error = NULL;

	written = ub_image_write(image, &error);
	g_assert_no_error(error);
	assert_bytes_equal(written, reference);
}

static void
assert_same_memory(UbImage *a, UbImage *b, guint8 fill)
{
	g_autoptr(GBytes) flat_a = NULL;
	g_autoptr(GBytes) flat_b = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_cmphex(ub_image_get_lowest_address(a), ==, ub_image_get_lowest_address(b));
	flat_a = ub_image_flatten(a, fill, &error);
	g_assert_no_error(error);
	flat_b = ub_image_flatten(b, fill, &error);
	g_assert_no_error(error);
	assert_bytes_equal(flat_a, flat_b);
}

static void
assert_same_chunks(UbImage *a, UbImage *b)
{
	GPtrArray *chunks_a = ub_image_get_chunks(a);
	GPtrArray *chunks_b = ub_image_get_chunks(b);

	g_assert_cmpuint(chunks_a->len, ==, chunks_b->len);
	for (guint i = 0; i < chunks_a->len; i++) {
		UbImageChunk *chunk_a = g_ptr_array_index(chunks_a, i);
		UbImageChunk *chunk_b = g_ptr_array_index(chunks_b, i);
		g_assert_cmphex(ub_image_chunk_get_address(chunk_a), ==,
		                ub_image_chunk_get_address(chunk_b));
		assert_bytes_equal(ub_image_chunk_get_data(chunk_a),
		                   ub_image_chunk_get_data(chunk_b));
	}
}

/* parse -> write -> parse for every writer, with chunks that cross a 64 KiB boundary (Intel
 * HEX must switch its upper address mid-chunk) and an odd-sized tail */
static void
test_image_roundtrip_all_formats(void)
{
	const GType types[] = {UB_TYPE_IMAGE_BIN, UB_TYPE_IMAGE_IHEX, UB_TYPE_IMAGE_ELF,
	                       UB_TYPE_IMAGE_DFUSE};
	g_autoptr(GBytes) first = make_pattern(0x30, 9);
	g_autoptr(GBytes) second = make_pattern(0x1003, 77);

	for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
		g_autoptr(UbImage) original = g_object_new(types[i], NULL);
		g_autoptr(UbImage) reparsed = NULL;
		g_autoptr(GBytes) written = NULL;
		g_autoptr(GError) error = NULL;
		guint32 entry_point = 0;

		ub_image_add_bytes(original, 0x0800FFF0, first);
		ub_image_add_bytes(original, 0x08020001, second);
		ub_image_set_entry_point(original, 0x0800C001);
		written = ub_image_write(original, &error);
		g_assert_no_error(error);
		g_assert_nonnull(written);
		reparsed = ub_image_new_from_bytes(written, NULL, 0x0800FFF0, &error);
		g_assert_no_error(error);
		g_assert_true(G_OBJECT_TYPE(reparsed) == types[i]);
		assert_same_memory(original, reparsed, 0xFF);
		if (types[i] == UB_TYPE_IMAGE_BIN) {
			/* a raw binary is one range, gap included */
			g_assert_cmpuint(ub_image_get_chunks(reparsed)->len, ==, 1);
			continue;
		}
		g_assert_cmpuint(ub_image_get_chunks(reparsed)->len, ==, 2);
		assert_chunk(reparsed, 0, 0x0800FFF0, 0x30);
		assert_chunk(reparsed, 1, 0x08020001, 0x1003);
		if (types[i] != UB_TYPE_IMAGE_DFUSE) {
			g_assert_true(ub_image_get_entry_point(reparsed, &entry_point));
			g_assert_cmphex(entry_point, ==, 0x0800C001);
		}
	}
}

/* the independent Python encoder's file and ours decode to the same memory */
static void
test_image_dfuse_write_matches_sample(void)
{
	g_autoptr(UbImage) sample = parse_sample("sample.dfu");
	g_autoptr(UbImageDfuse) image = ub_image_dfuse_new();
	g_autoptr(UbImage) reparsed = NULL;
	g_autoptr(GBytes) written = NULL;
	g_autoptr(GError) error = NULL;
	GPtrArray *chunks = ub_image_get_chunks(sample);

	for (guint i = 0; i < chunks->len; i++)
		ub_image_add_chunk(UB_IMAGE(image), g_ptr_array_index(chunks, i));
	written = ub_image_write(UB_IMAGE(image), &error);
	g_assert_no_error(error);
	reparsed = ub_image_new_from_bytes(written, "copy.dfu", 0, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ub_image_get_chunks(reparsed)->len, ==, 3);
	g_assert_cmpuint(ub_image_dfuse_get_target_count(UB_IMAGE_DFUSE(reparsed)), ==, 1);
	assert_same_chunks(sample, reparsed);
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
	g_test_add_func("/core/image/ihex/sample", test_image_ihex_sample);
	g_test_add_func("/core/image/ihex/segments", test_image_ihex_segments);
	g_test_add_func("/core/image/ihex/segment-wrap", test_image_ihex_segment_wrap);
	g_test_add_func("/core/image/ihex/corrupt", test_image_ihex_corrupt);
	g_test_add_func("/core/image/detect-by-extension", test_image_detect_by_extension);
	g_test_add_func("/core/image/missing-file", test_image_missing_file);
	g_test_add_func("/core/image/elf/sample", test_image_elf_sample);
	g_test_add_func("/core/image/elf/corrupt", test_image_elf_corrupt);
	g_test_add_func("/core/image/elf/skips-empty-segment", test_image_elf_skips_empty_segment);
	g_test_add_func("/core/image/dfuse/sample", test_image_dfuse_sample);
	g_test_add_func("/core/image/dfuse/corrupt", test_image_dfuse_corrupt);
	g_test_add_func("/core/image/dfuse/ignore-checksum", test_image_dfuse_ignore_checksum);
	g_test_add_func("/core/image/ihex/write-matches-objcopy",
	                test_image_ihex_write_matches_objcopy);
	g_test_add_func("/core/image/roundtrip-all-formats", test_image_roundtrip_all_formats);
	g_test_add_func("/core/image/dfuse/write-matches-sample",
	                test_image_dfuse_write_matches_sample);
	return g_test_run();
}
