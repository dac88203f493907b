/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Intel HEX as in Intel's "Hexadecimal Object File Format Specification" rev. A (1988):
 * ':' LL AAAA TT data CC, where CC makes the byte sum of the record zero.
 */
#include "ub-image-ihex.h"

#include <string.h>

struct _UbImageIhex {
	UbImage parent_instance;
};

G_DEFINE_TYPE(UbImageIhex, ub_image_ihex, UB_TYPE_IMAGE)

enum {
	RECORD_DATA = 0x00,
	RECORD_END_OF_FILE = 0x01,
	RECORD_EXTENDED_SEGMENT_ADDRESS = 0x02,
	RECORD_START_SEGMENT_ADDRESS = 0x03,
	RECORD_EXTENDED_LINEAR_ADDRESS = 0x04,
	RECORD_START_LINEAR_ADDRESS = 0x05,
};

/* bytes per data record when writing: what objcopy and most tools emit */
#define WRITE_RECORD_SIZE 16

typedef struct {
	UbImage *image;
	guint32 run_start;
	GByteArray *run;       /* contiguous data not yet turned into a chunk */
	gboolean segment_mode; /* last address record was type 02 */
} ParseState;

static void
parse_state_flush(ParseState *state)
{
	g_autoptr(GBytes) bytes = NULL;

	if (state->run->len == 0)
		return;
	bytes = g_byte_array_free_to_bytes(state->run);
	ub_image_add_bytes(state->image, state->run_start, bytes);
	state->run = g_byte_array_new();
}

static void
parse_state_append(ParseState *state, guint32 address, const guint8 *data, gsize size)
{
	if (size == 0)
		return;
	if (state->run->len == 0 || (guint64)state->run_start + state->run->len != address) {
		parse_state_flush(state);
		state->run_start = address;
	}
	g_byte_array_append(state->run, data, (guint)size);
}

static gint
hex_value(gchar c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static gboolean
is_blank_line(const gchar *line, gsize length)
{
	for (gsize i = 0; i < length; i++) {
		if (!g_ascii_isspace(line[i]))
			return FALSE;
	}
	return TRUE;
}

static gboolean
ub_image_ihex_parse_record(ParseState *state, const gchar *line, gsize length, guint line_number,
                           UbImageParseFlags flags, guint32 *base, gboolean *done, GError **error)
{
	guint8 record[5 + 255];
	gsize digits;
	gsize count;
	guint8 sum = 0;
	guint8 record_length;
	guint16 offset;
	guint8 type;
	const guint8 *payload;

	/* trailing white space (CR of CRLF files, editors' spaces) is not part of the record */
	while (length > 0 && g_ascii_isspace(line[length - 1]))
		length--;
	if (line[0] != ':') {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "line %u: record does not start with ':'", line_number);
		return FALSE;
	}
	digits = length - 1;
	if (digits % 2 != 0) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "line %u: odd number of hex digits (%" G_GSIZE_FORMAT ")", line_number,
		            digits);
		return FALSE;
	}
	count = digits / 2;
	if (count < 5) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "line %u: record too short (%" G_GSIZE_FORMAT
		            " bytes, at least 5 needed)",
		            line_number, count);
		return FALSE;
	}
	if (count > sizeof(record)) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "line %u: record too long (%" G_GSIZE_FORMAT " bytes)", line_number,
		            count);
		return FALSE;
	}
	for (gsize i = 0; i < count; i++) {
		gint high = hex_value(line[1 + 2 * i]);
		gint low = hex_value(line[2 + 2 * i]);
		if (high < 0 || low < 0) {
			gsize column = high < 0 ? 2 + 2 * i : 3 + 2 * i;
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			            "line %u, column %" G_GSIZE_FORMAT ": '%c' is not a hex digit",
			            line_number, column, line[column - 1]);
			return FALSE;
		}
		record[i] = (guint8)(high << 4 | low);
		sum += record[i];
	}
	record_length = record[0];
	offset = (guint16)(record[1] << 8 | record[2]);
	type = record[3];
	payload = record + 4;
	if ((gsize)record_length + 5 != count) {
		g_set_error(
		        error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		        "line %u: length field says %u data bytes, record holds %" G_GSIZE_FORMAT,
		        line_number, record_length, count - 5);
		return FALSE;
	}
	if (sum != 0 && (flags & UB_IMAGE_PARSE_FLAG_IGNORE_CHECKSUM) == 0) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "line %u: checksum 0x%02X is wrong, expected 0x%02X", line_number,
		            record[count - 1], (guint8)(record[count - 1] - sum));
		return FALSE;
	}

	switch (type) {
	case RECORD_DATA: {
		guint64 address = (guint64)*base + offset;
		gsize first = record_length;
		if (state->segment_mode && (gsize)offset + record_length > 0x10000) {
			/* the spec's segment arithmetic: the offset wraps inside the 64 KiB
			 * segment, so the tail goes to the segment's start */
			first = 0x10000 - offset;
		} else if (address + record_length > G_MAXUINT32 + (guint64)1) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			            "line %u: data at 0x%08" G_GINT64_MODIFIER
			            "x passes the 4 GiB address space",
			            line_number, address);
			return FALSE;
		}
		parse_state_append(state, (guint32)address, payload, first);
		parse_state_append(state, *base, payload + first, record_length - first);
		return TRUE;
	}
	case RECORD_END_OF_FILE:
		if (record_length != 0) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			            "line %u: end-of-file record carries %u data bytes",
			            line_number, record_length);
			return FALSE;
		}
		*done = TRUE;
		return TRUE;
	case RECORD_EXTENDED_SEGMENT_ADDRESS:
	case RECORD_EXTENDED_LINEAR_ADDRESS:
		if (record_length != 2) {
			g_set_error(
			        error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			        "line %u: address record type 0x%02X needs 2 data bytes, has %u",
			        line_number, type, record_length);
			return FALSE;
		}
		/* segment: base = paragraph * 16; linear: the upper 16 address bits */
		if (type == RECORD_EXTENDED_SEGMENT_ADDRESS)
			*base = (guint32)(payload[0] << 8 | payload[1]) << 4;
		else
			*base = (guint32)(payload[0] << 8 | payload[1]) << 16;
		state->segment_mode = type == RECORD_EXTENDED_SEGMENT_ADDRESS;
		return TRUE;
	case RECORD_START_SEGMENT_ADDRESS:
	case RECORD_START_LINEAR_ADDRESS: {
		guint32 value;
		if (record_length != 4) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			            "line %u: start address record type 0x%02X needs 4 data bytes, "
			            "has %u",
			            line_number, type, record_length);
			return FALSE;
		}
		value = (guint32)payload[0] << 24 | (guint32)payload[1] << 16 |
		        (guint32)payload[2] << 8 | payload[3];
		/* CS:IP for type 03; a plain 32-bit address (EIP) for type 05 */
		if (type == RECORD_START_SEGMENT_ADDRESS)
			value = ((value >> 16) << 4) + (value & 0xFFFF);
		ub_image_set_entry_point(state->image, value);
		return TRUE;
	}
	default:
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "line %u: unknown record type 0x%02X", line_number, type);
		return FALSE;
	}
}

static gboolean
ub_image_ihex_parse(UbImage *image, GBytes *blob, UbImageParseFlags flags, GError **error)
{
	gsize size = 0;
	const gchar *data = g_bytes_get_data(blob, &size);
	ParseState state = {.image = image};
	guint32 base = 0;
	gboolean done = FALSE;
	guint line_number = 0;
	gsize position = 0;
	gboolean ok = TRUE;

	state.run = g_byte_array_new();
	while (position < size && ok) {
		const gchar *line = data + position;
		const gchar *newline = memchr(line, '\n', size - position);
		gsize length = newline != NULL ? (gsize)(newline - line) : size - position;

		line_number++;
		position += length + (newline != NULL ? 1 : 0);
		if (is_blank_line(line, length))
			continue;
		if (done) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			            "line %u: data after the end-of-file record", line_number);
			ok = FALSE;
			break;
		}
		ok = ub_image_ihex_parse_record(&state, line, length, line_number, flags, &base,
		                                &done, error);
	}
	if (ok)
		parse_state_flush(&state);
	g_byte_array_unref(state.run);
	if (!ok)
		return FALSE;
	if (!done) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "line %u: file ends without an end-of-file record", line_number);
		return FALSE;
	}
	if (ub_image_get_chunks(image)->len == 0) {
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		                    "file holds no data records");
		return FALSE;
	}
	return TRUE;
}

static void
append_record(GString *out, guint8 type, guint16 offset, const guint8 *payload, guint8 length)
{
	guint8 sum = (guint8)(length + (offset >> 8) + (offset & 0xFF) + type);

	g_string_append_printf(out, ":%02X%04X%02X", length, offset, type);
	for (guint i = 0; i < length; i++) {
		g_string_append_printf(out, "%02X", payload[i]);
		sum += payload[i];
	}
	/* CR LF, as objcopy and the original Intel tools end records */
	g_string_append_printf(out, "%02X\r\n", (guint8)(0x100 - sum));
}

/* extended linear address records whenever the upper 16 bits change; records never cross a
 * 64 KiB boundary, so no reader has to guess how offsets wrap */
static GBytes *
ub_image_ihex_write(UbImage *image, GError **error)
{
	GPtrArray *chunks = ub_image_get_chunks(image);
	g_autoptr(GString) out = g_string_new(NULL);
	gboolean have_upper = FALSE;
	guint32 upper = 0;
	guint32 entry_point = 0;

	for (guint i = 0; i < chunks->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(chunks, i);
		gsize size = 0;
		const guint8 *data = g_bytes_get_data(ub_image_chunk_get_data(chunk), &size);
		guint32 address = ub_image_chunk_get_address(chunk);
		gsize done = 0;

		while (done < size) {
			guint32 here = address + (guint32)done;
			gsize to_boundary = 0x10000 - (here & 0xFFFF);
			guint8 length =
			        (guint8)MIN(MIN(size - done, to_boundary), WRITE_RECORD_SIZE);

			if (!have_upper || here >> 16 != upper) {
				guint8 value[2] = {(guint8)(here >> 24), (guint8)(here >> 16)};
				append_record(out, RECORD_EXTENDED_LINEAR_ADDRESS, 0, value, 2);
				upper = here >> 16;
				have_upper = TRUE;
			}
			append_record(out, RECORD_DATA, (guint16)(here & 0xFFFF), data + done,
			              length);
			done += length;
		}
	}
	if (ub_image_get_entry_point(image, &entry_point)) {
		guint8 value[4] = {(guint8)(entry_point >> 24), (guint8)(entry_point >> 16),
		                   (guint8)(entry_point >> 8), (guint8)entry_point};
		append_record(out, RECORD_START_LINEAR_ADDRESS, 0, value, 4);
	}
	append_record(out, RECORD_END_OF_FILE, 0, NULL, 0);
	return g_string_free_to_bytes(g_steal_pointer(&out));
}

static void
ub_image_ihex_class_init(UbImageIhexClass *klass)
{
	UbImageClass *image_class = UB_IMAGE_CLASS(klass);

	image_class->parse = ub_image_ihex_parse;
	image_class->write = ub_image_ihex_write;
}

static void
ub_image_ihex_init(UbImageIhex *self)
{
}

UbImageIhex *
ub_image_ihex_new(void)
{
	return g_object_new(UB_TYPE_IMAGE_IHEX, NULL);
}
