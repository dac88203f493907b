/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Layout per ST UM0391 "DfuSe File Format Specification" and the suffix of the USB DFU 1.1
 * specification (appendix B). All multi-byte fields little-endian.
 *
 *   prefix  11 B: "DfuSe", bVersion 0x01, DFUImageSize (file size without suffix), bTargets
 *   target 274 B: "Target", bAlternateSetting, bTargetNamed (u32), szTargetName[255],
 *                 dwTargetSize (bytes of elements that follow), dwNbElements
 *   element  8 B: dwElementAddress, dwElementSize, then the data
 *   suffix  16 B: bcdDevice, idProduct, idVendor, bcdDFU 0x011A, "UFD", bLength 16, dwCRC
 *
 * dwCRC is the CRC-32 (reflected 0xEDB88320, initial 0xFFFFFFFF) of every byte before it,
 * without the final inversion zlib applies.
 */
#include "ub-image-dfuse.h"

#include <string.h>

struct _UbImageDfuse {
	UbImage parent_instance;
	guint16 vendor;
	guint16 product;
	guint target_count;
};

G_DEFINE_TYPE(UbImageDfuse, ub_image_dfuse, UB_TYPE_IMAGE)

#define PREFIX_SIZE 11
#define TARGET_PREFIX_SIZE 274
#define TARGET_NAME_SIZE 255
#define ELEMENT_HEADER_SIZE 8
#define SUFFIX_SIZE 16
#define BCD_DFUSE 0x011A

static guint16
read_u16(const guint8 *data)
{
	return (guint16)(data[0] | data[1] << 8);
}

static guint32
read_u32(const guint8 *data)
{
	return (guint32)data[0] | (guint32)data[1] << 8 | (guint32)data[2] << 16 |
	       (guint32)data[3] << 24;
}

static void
append_u16(GByteArray *out, guint16 value)
{
	guint8 bytes[2] = {(guint8)value, (guint8)(value >> 8)};
	g_byte_array_append(out, bytes, sizeof(bytes));
}

static void
append_u32(GByteArray *out, guint32 value)
{
	guint8 bytes[4] = {(guint8)value, (guint8)(value >> 8), (guint8)(value >> 16),
	                   (guint8)(value >> 24)};
	g_byte_array_append(out, bytes, sizeof(bytes));
}

static guint32
dfu_crc32(const guint8 *data, gsize size)
{
	guint32 crc = 0xFFFFFFFF;

	for (gsize i = 0; i < size; i++) {
		crc ^= data[i];
		for (guint bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xEDB88320 & (0u - (crc & 1)));
	}
	return crc;
}

static gboolean
parse_suffix(UbImageDfuse *self, const guint8 *data, gsize size, UbImageParseFlags flags,
             GError **error)
{
	const guint8 *suffix;
	gsize suffix_offset;
	guint32 crc_file;
	guint32 crc_computed;

	if (size < PREFIX_SIZE + SUFFIX_SIZE) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x%" G_GSIZE_MODIFIER "x: file too short for DfuSe prefix "
		            "and DFU suffix",
		            size);
		return FALSE;
	}
	suffix_offset = size - SUFFIX_SIZE;
	suffix = data + suffix_offset;
	if (memcmp(suffix + 8, "UFD", 3) != 0) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x%" G_GSIZE_MODIFIER "x: DFU suffix signature \"UFD\" missing",
		            suffix_offset + 8);
		return FALSE;
	}
	if (suffix[11] != SUFFIX_SIZE) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x%" G_GSIZE_MODIFIER "x: DFU suffix length %u, expected %u",
		            suffix_offset + 11, suffix[11], (guint)SUFFIX_SIZE);
		return FALSE;
	}
	if (read_u16(suffix + 6) != BCD_DFUSE) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x%" G_GSIZE_MODIFIER "x: bcdDFU 0x%04x is not DfuSe (0x%04x)",
		            suffix_offset + 6, read_u16(suffix + 6), (guint)BCD_DFUSE);
		return FALSE;
	}
	crc_file = read_u32(suffix + 12);
	crc_computed = dfu_crc32(data, size - 4);
	if (crc_file != crc_computed && (flags & UB_IMAGE_PARSE_FLAG_IGNORE_CHECKSUM) == 0) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x%" G_GSIZE_MODIFIER "x: DFU suffix CRC 0x%08x is wrong, "
		            "file data gives 0x%08x",
		            size - 4, crc_file, crc_computed);
		return FALSE;
	}
	self->product = read_u16(suffix + 2);
	self->vendor = read_u16(suffix + 4);
	return TRUE;
}

static gboolean
ub_image_dfuse_parse(UbImage *image, GBytes *blob, UbImageParseFlags flags, GError **error)
{
	UbImageDfuse *self = UB_IMAGE_DFUSE(image);
	gsize size = 0;
	const guint8 *data = g_bytes_get_data(blob, &size);
	gsize end;
	gsize offset;
	guint32 image_size;
	guint targets;

	if (!parse_suffix(self, data, size, flags, error))
		return FALSE;
	end = size - SUFFIX_SIZE;
	if (memcmp(data, "DfuSe", 5) != 0) {
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		                    "offset 0x0: DfuSe prefix signature missing");
		return FALSE;
	}
	if (data[5] != 0x01) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x5: DfuSe version %u, expected 1", data[5]);
		return FALSE;
	}
	image_size = read_u32(data + 6);
	if (image_size != end) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x6: DFUImageSize %u, but the file holds %" G_GSIZE_FORMAT
		            " bytes before the suffix",
		            image_size, end);
		return FALSE;
	}
	targets = data[10];
	if (targets == 0) {
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		                    "offset 0xa: DfuSe file has no targets");
		return FALSE;
	}

	offset = PREFIX_SIZE;
	for (guint target = 0; target < targets; target++) {
		gsize target_offset = offset;
		guint32 target_size;
		guint32 elements;
		gsize target_end;

		if (end - offset < TARGET_PREFIX_SIZE) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			            "offset 0x%" G_GSIZE_MODIFIER "x: target %u prefix runs past "
			            "the end of the image",
			            offset, target);
			return FALSE;
		}
		if (memcmp(data + offset, "Target", 6) != 0) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			            "offset 0x%" G_GSIZE_MODIFIER "x: target %u signature "
			            "\"Target\" missing",
			            offset, target);
			return FALSE;
		}
		target_size = read_u32(data + offset + 266);
		elements = read_u32(data + offset + 270);
		offset += TARGET_PREFIX_SIZE;
		if (target_size > end - offset) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			            "offset 0x%" G_GSIZE_MODIFIER "x: target %u size %u runs past "
			            "the end of the image",
			            target_offset + 266, target, target_size);
			return FALSE;
		}
		target_end = offset + target_size;
		for (guint32 element = 0; element < elements; element++) {
			gsize element_offset = offset;
			guint32 address;
			guint32 element_size;
			g_autoptr(GBytes) bytes = NULL;

			if (target_end - offset < ELEMENT_HEADER_SIZE) {
				g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
				            "offset 0x%" G_GSIZE_MODIFIER "x: element %u of target "
				            "%u runs past the target's end",
				            offset, element, target);
				return FALSE;
			}
			address = read_u32(data + offset);
			element_size = read_u32(data + offset + 4);
			offset += ELEMENT_HEADER_SIZE;
			if (element_size > target_end - offset) {
				g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
				            "offset 0x%" G_GSIZE_MODIFIER "x: element %u of target "
				            "%u: %u bytes run past the target's end",
				            element_offset + 4, element, target, element_size);
				return FALSE;
			}
			if ((guint64)address + element_size > G_MAXUINT32 + (guint64)1) {
				g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
				            "offset 0x%" G_GSIZE_MODIFIER
				            "x: element at 0x%08x+0x%x "
				            "passes the 4 GiB address space",
				            element_offset, address, element_size);
				return FALSE;
			}
			if (element_size > 0) {
				bytes = g_bytes_new_from_bytes(blob, offset, element_size);
				ub_image_add_bytes(image, address, bytes);
			}
			offset += element_size;
		}
		if (offset != target_end) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			            "offset 0x%" G_GSIZE_MODIFIER "x: target %u declares %u bytes "
			            "but its %u elements use %" G_GSIZE_FORMAT,
			            target_offset + 266, target, target_size, elements,
			            offset - (target_offset + TARGET_PREFIX_SIZE));
			return FALSE;
		}
	}
	if (offset != end) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x%" G_GSIZE_MODIFIER "x: %" G_GSIZE_FORMAT
		            " stray bytes after the last target",
		            offset, end - offset);
		return FALSE;
	}
	if (ub_image_get_chunks(image)->len == 0) {
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		                    "DfuSe file holds no data");
		return FALSE;
	}
	self->target_count = targets;
	return TRUE;
}

/* one target, alternate setting 0 ("Internal Flash" on STM32 ROM DFU), one element per chunk */
static GBytes *
ub_image_dfuse_write(UbImage *image, GError **error)
{
	UbImageDfuse *self = UB_IMAGE_DFUSE(image);
	GPtrArray *chunks = ub_image_get_chunks(image);
	g_autoptr(GByteArray) out = g_byte_array_new();
	guint8 name[TARGET_NAME_SIZE] = {0};
	guint64 target_size = 0;
	guint8 alternate_setting = 0;
	guint32 named = 1;
	guint32 crc;

	if (chunks->len == 0) {
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		                    "image holds no data");
		return NULL;
	}
	for (guint i = 0; i < chunks->len; i++)
		target_size +=
		        ELEMENT_HEADER_SIZE + ub_image_chunk_get_size(g_ptr_array_index(chunks, i));
	if (target_size > G_MAXUINT32 - PREFIX_SIZE - TARGET_PREFIX_SIZE - SUFFIX_SIZE) {
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_TOO_LARGE,
		                    "image too large for a DfuSe file");
		return NULL;
	}

	g_byte_array_append(out, (const guint8 *)"DfuSe", 5);
	g_byte_array_append(out, (const guint8 *)"\x01", 1);
	append_u32(out, (guint32)(PREFIX_SIZE + TARGET_PREFIX_SIZE + target_size));
	g_byte_array_append(out, (const guint8 *)"\x01", 1);

	g_byte_array_append(out, (const guint8 *)"Target", 6);
	g_byte_array_append(out, &alternate_setting, 1);
	append_u32(out, named);
	memcpy(name, "Internal Flash", 14);
	g_byte_array_append(out, name, sizeof(name));
	append_u32(out, (guint32)target_size);
	append_u32(out, chunks->len);
	for (guint i = 0; i < chunks->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(chunks, i);
		gsize size = 0;
		const guint8 *data = g_bytes_get_data(ub_image_chunk_get_data(chunk), &size);

		append_u32(out, ub_image_chunk_get_address(chunk));
		append_u32(out, (guint32)size);
		g_byte_array_append(out, data, (guint)size);
	}

	/* bcdDevice 0xFFFF: "any release", as ST's DfuSe tools write it */
	append_u16(out, 0xFFFF);
	append_u16(out, self->product);
	append_u16(out, self->vendor);
	append_u16(out, BCD_DFUSE);
	g_byte_array_append(out, (const guint8 *)"UFD", 3);
	g_byte_array_append(out, (const guint8 *)"\x10", 1);
	crc = dfu_crc32(out->data, out->len);
	append_u32(out, crc);
	return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

static void
ub_image_dfuse_class_init(UbImageDfuseClass *klass)
{
	UbImageClass *image_class = UB_IMAGE_CLASS(klass);

	image_class->parse = ub_image_dfuse_parse;
	image_class->write = ub_image_dfuse_write;
}

static void
ub_image_dfuse_init(UbImageDfuse *self)
{
	self->vendor = UB_IMAGE_DFUSE_DEFAULT_VENDOR;
	self->product = UB_IMAGE_DFUSE_DEFAULT_PRODUCT;
}

UbImageDfuse *
ub_image_dfuse_new(void)
{
	return g_object_new(UB_TYPE_IMAGE_DFUSE, NULL);
}

guint16
ub_image_dfuse_get_vendor(UbImageDfuse *self)
{
	g_return_val_if_fail(UB_IS_IMAGE_DFUSE(self), 0);
	return self->vendor;
}

guint16
ub_image_dfuse_get_product(UbImageDfuse *self)
{
	g_return_val_if_fail(UB_IS_IMAGE_DFUSE(self), 0);
	return self->product;
}

void
ub_image_dfuse_set_ids(UbImageDfuse *self, guint16 vendor, guint16 product)
{
	g_return_if_fail(UB_IS_IMAGE_DFUSE(self));
	self->vendor = vendor;
	self->product = product;
}

guint
ub_image_dfuse_get_target_count(UbImageDfuse *self)
{
	g_return_val_if_fail(UB_IS_IMAGE_DFUSE(self), 0);
	return self->target_count;
}
