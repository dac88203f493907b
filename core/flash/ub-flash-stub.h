/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The STM32F4 flash loader that runs from SRAM (source and ABI:
 * core/flash/stub/ub-stm32f4-loader.S). The constants here mirror that file's header; the
 * image's own first words (magic, version, entry, control block offset, size) are checked
 * against them before the loader is used.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

extern const guint8 ub_flash_stub_stm32f4[];
extern const gsize ub_flash_stub_stm32f4_size;

#define UB_FLASH_STUB_MAGIC 0x314c4255u /* "UBL1" */
#define UB_FLASH_STUB_VERSION 2u

/* image header */
#define UB_FLASH_STUB_HDR_MAGIC 0x00
#define UB_FLASH_STUB_HDR_VERSION 0x04
#define UB_FLASH_STUB_HDR_ENTRY 0x08
#define UB_FLASH_STUB_HDR_CONTROL 0x0c
#define UB_FLASH_STUB_HDR_SIZE 0x10

/* control block */
#define UB_FLASH_STUB_CB_DONE 0x00
#define UB_FLASH_STUB_CB_STATUS 0x04
#define UB_FLASH_STUB_CB_SR 0x08
#define UB_FLASH_STUB_CB_FAIL 0x0c
#define UB_FLASH_STUB_CB_PSIZE 0x10
#define UB_FLASH_STUB_CB_RING 0x14
#define UB_FLASH_STUB_CB_COUNT 0x18
#define UB_FLASH_STUB_CB_STRIDE 0x1c
#define UB_FLASH_STUB_CB_RESERVED 0x20
#define UB_FLASH_STUB_CB_FIRST 0x24
#define UB_FLASH_STUB_CB_ABORT 0x28
#define UB_FLASH_STUB_CB_SIZE 0x2c

/* slot header; seq is the last word so that it lands last */
#define UB_FLASH_STUB_H_CMD 0x00
#define UB_FLASH_STUB_H_ADDR 0x04
#define UB_FLASH_STUB_H_LEN 0x08
#define UB_FLASH_STUB_H_ARG 0x0c
#define UB_FLASH_STUB_H_BUF 0x10
#define UB_FLASH_STUB_H_SEQ 0x14
#define UB_FLASH_STUB_H_SIZE 0x18

typedef enum {
	UB_FLASH_STUB_CMD_PROGRAM = 1,
	UB_FLASH_STUB_CMD_ERASE_SECTOR = 2,
	UB_FLASH_STUB_CMD_MASS_ERASE = 3,
	UB_FLASH_STUB_CMD_CRC_BLOCKS = 4,
	UB_FLASH_STUB_CMD_BLANK_BLOCKS = 5,
	UB_FLASH_STUB_CMD_EXIT = 6,
} UbFlashStubCmd;

typedef enum {
	UB_FLASH_STUB_STATUS_RUNNING = 0,
	UB_FLASH_STUB_STATUS_EXITED = 1,
	UB_FLASH_STUB_STATUS_FLASH_ERROR = 2,
	UB_FLASH_STUB_STATUS_BAD_COMMAND = 3,
	UB_FLASH_STUB_STATUS_LOCKED = 4,
} UbFlashStubStatus;

/* checks the embedded image's header against the constants above */
gboolean ub_flash_stub_check(GError **error);
guint32 ub_flash_stub_get_entry_offset(void);
guint32 ub_flash_stub_get_control_offset(void);

/* CRC-32 as zlib's crc32() computes it (IEEE 802.3, reflected) */
guint32 ub_flash_crc32(const guint8 *data, gsize len);
/* CRC-32 as the loader has the chip's CRC unit compute it (RM0090 §4: polynomial 0x04C11DB7,
 * MSB first, initial value 0xFFFFFFFF, no final XOR) over @len / 4 little-endian words;
 * @len is a multiple of 4 */
guint32 ub_flash_crc32_stm32(const guint8 *data, gsize len);

G_END_DECLS
