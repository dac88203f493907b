/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Field offsets from the System V ABI "ELF" chapter (32-bit) and ARM's "ELF for the Arm
 * Architecture" (EM_ARM = 40). Every read goes through read_u16/read_u32 with a bounds check.
 */
#include "ub-image-elf.h"

#include <string.h>

struct _UbImageElf {
	UbImage parent_instance;
};

G_DEFINE_TYPE(UbImageElf, ub_image_elf, UB_TYPE_IMAGE)

#define ELF_HEADER_SIZE 52
#define ELF_PROGRAM_HEADER_SIZE 32
#define ELFCLASS32 1
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_ARM 40
#define PT_LOAD 1
#define PF_X 0x1
#define PF_R 0x4

/* the file offsets of e_* and p_* fields */
#define E_TYPE 16
#define E_MACHINE 18
#define E_VERSION 20
#define E_ENTRY 24
#define E_PHOFF 28
#define E_EHSIZE 40
#define E_PHENTSIZE 42
#define E_PHNUM 44
#define P_TYPE 0
#define P_OFFSET 4
#define P_VADDR 8
#define P_PADDR 12
#define P_FILESZ 16
#define P_MEMSZ 20
#define P_FLAGS 24
#define P_ALIGN 28

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
write_u16(guint8 *data, guint16 value)
{
	data[0] = (guint8)value;
	data[1] = (guint8)(value >> 8);
}

static void
write_u32(guint8 *data, guint32 value)
{
	data[0] = (guint8)value;
	data[1] = (guint8)(value >> 8);
	data[2] = (guint8)(value >> 16);
	data[3] = (guint8)(value >> 24);
}

static gboolean
ub_image_elf_parse(UbImage *image, GBytes *blob, UbImageParseFlags flags, GError **error)
{
	gsize size = 0;
	const guint8 *data = g_bytes_get_data(blob, &size);
	guint32 phoff;
	guint16 phentsize;
	guint16 phnum;
	guint loaded = 0;

	if (size < ELF_HEADER_SIZE) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x%" G_GSIZE_MODIFIER "x: file ends inside the %u-byte ELF "
		            "header",
		            size, (guint)ELF_HEADER_SIZE);
		return FALSE;
	}
	if (memcmp(data, "\177ELF", 4) != 0) {
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		                    "offset 0x0: no ELF magic");
		return FALSE;
	}
	if (data[4] != ELFCLASS32) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x4: ELF class %u is not 32-bit", data[4]);
		return FALSE;
	}
	if (data[5] != ELFDATA2LSB) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x5: ELF data encoding %u is not little-endian", data[5]);
		return FALSE;
	}
	if (data[6] != EV_CURRENT || read_u32(data + E_VERSION) != EV_CURRENT) {
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		                    "offset 0x6: unknown ELF version");
		return FALSE;
	}
	if (read_u16(data + E_MACHINE) != EM_ARM) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x12: machine %u is not ARM (40)", read_u16(data + E_MACHINE));
		return FALSE;
	}
	if (read_u16(data + E_TYPE) != ET_EXEC) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x10: ELF type %u is not an executable (2); object files "
		            "have no load addresses",
		            read_u16(data + E_TYPE));
		return FALSE;
	}
	phoff = read_u32(data + E_PHOFF);
	phentsize = read_u16(data + E_PHENTSIZE);
	phnum = read_u16(data + E_PHNUM);
	if (phnum == 0) {
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		                    "offset 0x2c: ELF file has no program headers");
		return FALSE;
	}
	if (phentsize < ELF_PROGRAM_HEADER_SIZE) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x2a: program header size %u, expected %u", phentsize,
		            (guint)ELF_PROGRAM_HEADER_SIZE);
		return FALSE;
	}
	if ((guint64)phoff + (guint64)phentsize * phnum > size) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x%x: %u program headers of %u bytes run past the end of the "
		            "file (0x%" G_GSIZE_MODIFIER "x)",
		            phoff, phnum, phentsize, size);
		return FALSE;
	}

	for (guint i = 0; i < phnum; i++) {
		gsize header_offset = phoff + (gsize)phentsize * i;
		const guint8 *header = data + header_offset;
		guint32 p_offset = read_u32(header + P_OFFSET);
		guint32 p_paddr = read_u32(header + P_PADDR);
		guint32 p_filesz = read_u32(header + P_FILESZ);
		guint32 p_memsz = read_u32(header + P_MEMSZ);
		g_autoptr(GBytes) segment = NULL;

		if (read_u32(header + P_TYPE) != PT_LOAD || p_filesz == 0)
			continue;
		if (p_filesz > p_memsz) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			            "offset 0x%" G_GSIZE_MODIFIER "x: segment %u has p_filesz 0x%x "
			            "larger than p_memsz 0x%x",
			            header_offset, i, p_filesz, p_memsz);
			return FALSE;
		}
		if ((guint64)p_offset + p_filesz > size) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			            "offset 0x%" G_GSIZE_MODIFIER
			            "x: segment %u data 0x%x+0x%x runs "
			            "past the end of the file (0x%" G_GSIZE_MODIFIER "x)",
			            header_offset, i, p_offset, p_filesz, size);
			return FALSE;
		}
		if ((guint64)p_paddr + p_filesz > G_MAXUINT32 + (guint64)1) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			            "offset 0x%" G_GSIZE_MODIFIER "x: segment %u at 0x%08x+0x%x "
			            "passes the 4 GiB address space",
			            header_offset, i, p_paddr, p_filesz);
			return FALSE;
		}
		segment = g_bytes_new_from_bytes(blob, p_offset, p_filesz);
		ub_image_add_bytes(image, p_paddr, segment);
		loaded++;
	}
	if (loaded == 0) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "offset 0x%x: no PT_LOAD segment carries file data", phoff);
		return FALSE;
	}
	ub_image_set_entry_point(image, read_u32(data + E_ENTRY));
	return TRUE;
}

/* a minimal executable: header, one PT_LOAD per chunk (vaddr = paddr), the data; no sections,
 * which loaders and programmers do not need */
static GBytes *
ub_image_elf_write(UbImage *image, GError **error)
{
	GPtrArray *chunks = ub_image_get_chunks(image);
	gsize headers = ELF_HEADER_SIZE + (gsize)ELF_PROGRAM_HEADER_SIZE * chunks->len;
	gsize total = headers;
	g_autoptr(GByteArray) out = NULL;
	guint32 entry_point = 0;
	gsize data_offset = headers;

	if (chunks->len == 0 || chunks->len > G_MAXUINT16) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "cannot write an ELF file with %u segments", chunks->len);
		return NULL;
	}
	for (guint i = 0; i < chunks->len; i++)
		total += ub_image_chunk_get_size(g_ptr_array_index(chunks, i));
	if (total > G_MAXUINT32) {
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_TOO_LARGE,
		                    "image too large for ELF32");
		return NULL;
	}
	out = g_byte_array_sized_new((guint)total);
	g_byte_array_set_size(out, (guint)headers);
	memset(out->data, 0, headers);

	memcpy(out->data, "\177ELF", 4);
	out->data[4] = ELFCLASS32;
	out->data[5] = ELFDATA2LSB;
	out->data[6] = EV_CURRENT;
	write_u16(out->data + E_TYPE, ET_EXEC);
	write_u16(out->data + E_MACHINE, EM_ARM);
	write_u32(out->data + E_VERSION, EV_CURRENT);
	if (!ub_image_get_entry_point(image, &entry_point))
		entry_point = ub_image_get_lowest_address(image);
	write_u32(out->data + E_ENTRY, entry_point);
	write_u32(out->data + E_PHOFF, ELF_HEADER_SIZE);
	/* e_flags: EABI version 5, as arm-none-eabi-gcc produces */
	write_u32(out->data + 36, 0x05000000);
	write_u16(out->data + E_EHSIZE, ELF_HEADER_SIZE);
	write_u16(out->data + E_PHENTSIZE, ELF_PROGRAM_HEADER_SIZE);
	write_u16(out->data + E_PHNUM, (guint16)chunks->len);

	for (guint i = 0; i < chunks->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(chunks, i);
		guint8 *header = out->data + ELF_HEADER_SIZE + ELF_PROGRAM_HEADER_SIZE * i;
		guint32 size = (guint32)ub_image_chunk_get_size(chunk);

		write_u32(header + P_TYPE, PT_LOAD);
		write_u32(header + P_OFFSET, (guint32)data_offset);
		write_u32(header + P_VADDR, ub_image_chunk_get_address(chunk));
		write_u32(header + P_PADDR, ub_image_chunk_get_address(chunk));
		write_u32(header + P_FILESZ, size);
		write_u32(header + P_MEMSZ, size);
		write_u32(header + P_FLAGS, PF_R | PF_X);
		write_u32(header + P_ALIGN, 1);
		data_offset += size;
	}
	for (guint i = 0; i < chunks->len; i++) {
		gsize size = 0;
		const guint8 *data = g_bytes_get_data(
		        ub_image_chunk_get_data(g_ptr_array_index(chunks, i)), &size);
		g_byte_array_append(out, data, (guint)size);
	}
	return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

static void
ub_image_elf_class_init(UbImageElfClass *klass)
{
	UbImageClass *image_class = UB_IMAGE_CLASS(klass);

	image_class->parse = ub_image_elf_parse;
	image_class->write = ub_image_elf_write;
}

static void
ub_image_elf_init(UbImageElf *self)
{
}

UbImageElf *
ub_image_elf_new(void)
{
	return g_object_new(UB_TYPE_IMAGE_ELF, NULL);
}
