/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-flash-stub.h"

static guint32
stub_word(gsize offset)
{
	guint32 value;

	memcpy(&value, ub_flash_stub_stm32f4 + offset, sizeof(value));
	return GUINT32_FROM_LE(value);
}

gboolean
ub_flash_stub_check(GError **error)
{
	guint32 control;

	if (ub_flash_stub_stm32f4_size < 0x20 ||
	    stub_word(UB_FLASH_STUB_HDR_MAGIC) != UB_FLASH_STUB_MAGIC ||
	    stub_word(UB_FLASH_STUB_HDR_VERSION) != UB_FLASH_STUB_VERSION) {
		g_set_error_literal(error, UB_FLASH_ERROR, UB_FLASH_ERROR_FAILED,
		                    "flash loader image has a wrong header");
		return FALSE;
	}
	control = stub_word(UB_FLASH_STUB_HDR_CONTROL);
	if (stub_word(UB_FLASH_STUB_HDR_SIZE) != ub_flash_stub_stm32f4_size ||
	    control + UB_FLASH_STUB_CB_SIZE != ub_flash_stub_stm32f4_size || (control & 3) != 0 ||
	    stub_word(UB_FLASH_STUB_HDR_ENTRY) >= control) {
		g_set_error_literal(error, UB_FLASH_ERROR, UB_FLASH_ERROR_FAILED,
		                    "flash loader image layout does not match its ABI");
		return FALSE;
	}
	return TRUE;
}

guint32
ub_flash_stub_get_entry_offset(void)
{
	return stub_word(UB_FLASH_STUB_HDR_ENTRY);
}

guint32
ub_flash_stub_get_control_offset(void)
{
	return stub_word(UB_FLASH_STUB_HDR_CONTROL);
}

static guint32 crc32_table[256];

static gpointer
crc32_table_init(gpointer data)
{
	for (guint32 i = 0; i < 256; i++) {
		guint32 c = i;
		for (guint bit = 0; bit < 8; bit++)
			c = (c & 1) != 0 ? (c >> 1) ^ 0xedb88320u : c >> 1;
		crc32_table[i] = c;
	}
	return NULL;
}

guint32
ub_flash_crc32(const guint8 *data, gsize len)
{
	static GOnce once = G_ONCE_INIT;
	guint32 crc = 0xffffffffu;

	g_once(&once, crc32_table_init, NULL);
	for (gsize i = 0; i < len; i++)
		crc = crc32_table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static guint32 crc32_stm32_table[256];

static gpointer
crc32_stm32_table_init(gpointer data)
{
	for (guint32 i = 0; i < 256; i++) {
		guint32 c = i << 24;
		for (guint bit = 0; bit < 8; bit++)
			c = (c & 0x80000000u) != 0 ? (c << 1) ^ 0x04c11db7u : c << 1;
		crc32_stm32_table[i] = c;
	}
	return NULL;
}

guint32
ub_flash_crc32_stm32(const guint8 *data, gsize len)
{
	static GOnce once = G_ONCE_INIT;
	guint32 crc = 0xffffffffu;

	g_return_val_if_fail(len % 4 == 0, 0);
	g_once(&once, crc32_stm32_table_init, NULL);
	/* each word MSB first: a little-endian word's bytes from the last to the first */
	for (gsize i = 0; i < len; i += 4) {
		for (gint b = 3; b >= 0; b--)
			crc = (crc << 8) ^ crc32_stm32_table[((crc >> 24) ^ data[i + (gsize)b]) & 0xff];
	}
	return crc;
}
