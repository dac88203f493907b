/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbFlashStm32f4: the STM32F4 flash controller (RM0090 §3) driven through a UbTarget: unlock,
 * sector and mass erase, programming, verify, reading for backups, option bytes.
 *
 * Programming and verifying use our SRAM loader (core/flash/stub/ub-stm32f4-loader.S) when it
 * can run, so USB/SWD transfers overlap the flash's own work; otherwise the same operations
 * are done by direct register and memory writes through the probe. Every call is synchronous,
 * checks @cancellable between USB round trips and sectors, and expects the core halted (the
 * device job does that); it leaves FLASH_CR locked.
 *
 *   g_autoptr(UbFlashStm32f4) flash = ub_flash_stm32f4_new(target);
 *   ub_flash_stm32f4_set_psize(flash, ub_flash_psize_for_voltage(mv));
 *   ub_flash_stm32f4_program(flash, chunks, erase, n_erase, progress, cancellable, &error);
 *   ub_flash_stm32f4_verify(flash, chunks, progress, cancellable, &error);
 */
#pragma once

#include <gio/gio.h>

#include "ub-chip.h"
#include "ub-image-chunk.h"
#include "ub-progress.h"
#include "ub-target.h"

G_BEGIN_DECLS

/* RM0090 §3.9: flash interface registers */
#define UB_STM32F4_FLASH_REGS 0x40023c00u
#define UB_STM32F4_FLASH_ACR (UB_STM32F4_FLASH_REGS + 0x00)
#define UB_STM32F4_FLASH_KEYR (UB_STM32F4_FLASH_REGS + 0x04)
#define UB_STM32F4_FLASH_OPTKEYR (UB_STM32F4_FLASH_REGS + 0x08)
#define UB_STM32F4_FLASH_SR (UB_STM32F4_FLASH_REGS + 0x0c)
#define UB_STM32F4_FLASH_CR (UB_STM32F4_FLASH_REGS + 0x10)
#define UB_STM32F4_FLASH_OPTCR (UB_STM32F4_FLASH_REGS + 0x14)
#define UB_STM32F4_UID 0x1fff7a10u

#define UB_STM32F4_SR_EOP (1u << 0)
#define UB_STM32F4_SR_OPERR (1u << 1)
#define UB_STM32F4_SR_WRPERR (1u << 4)
#define UB_STM32F4_SR_PGAERR (1u << 5)
#define UB_STM32F4_SR_PGPERR (1u << 6)
#define UB_STM32F4_SR_PGSERR (1u << 7)
#define UB_STM32F4_SR_BSY (1u << 16)
#define UB_STM32F4_SR_ERRORS 0xf2u

#define UB_STM32F4_RDP_LEVEL0 0xaa
#define UB_STM32F4_RDP_LEVEL2 0xcc

/* DS8626 typical word (element) program time */
#define UB_STM32F4_PROGRAM_US 16

/* FLASH_CR.PSIZE: the width of one programming operation */
typedef enum {
	UB_FLASH_PSIZE_X8 = 0,
	UB_FLASH_PSIZE_X16 = 1,
	UB_FLASH_PSIZE_X32 = 2,
} UbFlashPsize;

typedef struct {
	guint32 optcr;    /* FLASH_OPTCR as loaded from the option bytes */
	guint8 rdp;       /* 0xaa level 0, 0xcc level 2, anything else level 1 */
	guint16 nwrp;     /* bit n clear: sector n write-protected */
	guint8 bor_level; /* OPTCR.BOR_LEV: 3 off, 2 level 1, 1 level 2, 0 level 3 */
	guint8 user;      /* WDG_SW, nRST_STOP, nRST_STDBY as in OPTCR bits 7:5 */
} UbFlashOptionBytes;

/* what the last operations cost and did (for reports and the benchmark) */
typedef struct {
	guint sectors_erased;
	guint sectors_written; /* erased or programmed (an erased one is programmed as it is) */
	guint mass_erases;
	guint64 bytes_programmed; /* sent to the flash (all-ones elements excluded) */
	guint64 bytes_read;       /* read over SWD */
	guint64 bytes_blank;      /* found erased on chip and not read */
	guint64 flash_us;         /* datasheet-typical time of the erase/program work done */
	gboolean used_stub;
	gboolean stub_failed; /* the loader could not run; direct writes were used */
	guint swd_khz;	      /* the SWD clock at the end (0: the probe's own) */
	guint swd_fallbacks;  /* link errors that slowed the clock a step */
} UbFlashStats;


/* what the chip confirmed as done, in the order it was done (for a job's journal) */
typedef enum {
	UB_FLASH_EVENT_ERASED,     /* @address: the sector's number; mass erase: every sector */
	UB_FLASH_EVENT_PROGRAMMED, /* @address, @length: bytes now programmed */
} UbFlashEvent;
typedef void (*UbFlashEventFunc)(UbFlashEvent event, guint32 address, guint32 length,
                                 gpointer user_data);

#define UB_TYPE_FLASH_STM32F4 (ub_flash_stm32f4_get_type())
G_DECLARE_FINAL_TYPE(UbFlashStm32f4, ub_flash_stm32f4, UB, FLASH_STM32F4, GObject)

UbFlashStm32f4 *ub_flash_stm32f4_new(UbTarget *target) G_GNUC_WARN_UNUSED_RESULT;

/* the sector map, from the chip data (ub_chip_get_sectors(); default: STM32F405/407, 1 MiB) */
void ub_flash_stm32f4_set_sectors(UbFlashStm32f4 *self, const UbFlashSector *sectors, guint n);
const UbFlashSector *ub_flash_stm32f4_get_sectors(UbFlashStm32f4 *self, guint *n);
guint32 ub_flash_stm32f4_get_base(UbFlashStm32f4 *self);
guint32 ub_flash_stm32f4_get_size(UbFlashStm32f4 *self);
/* the sector holding @address, or -1 */
gint ub_flash_stm32f4_sector_for_address(UbFlashStm32f4 *self, guint32 address);

void ub_flash_stm32f4_set_psize(UbFlashStm32f4 *self, UbFlashPsize psize);
UbFlashPsize ub_flash_stm32f4_get_psize(UbFlashStm32f4 *self);
/* RM0090 Table 7 (parallelism by supply voltage); FALSE below 1.8 V */
gboolean ub_flash_psize_for_voltage(guint millivolts, UbFlashPsize *psize);
void ub_flash_stm32f4_set_use_stub(UbFlashStm32f4 *self, gboolean use_stub);
/* called on the caller's thread as the chip confirms erases and programming */
void ub_flash_stm32f4_set_event_func(UbFlashStm32f4 *self, UbFlashEventFunc func,
                                     gpointer user_data);
void ub_flash_stm32f4_get_stats(UbFlashStm32f4 *self, UbFlashStats *stats);
void ub_flash_stm32f4_reset_stats(UbFlashStm32f4 *self);

/* datasheet (DS8626) typical times, for planning waits and the benchmark's lower bound */
guint64 ub_flash_stm32f4_erase_time_us(guint32 sector_size, UbFlashPsize psize);
guint64 ub_flash_stm32f4_mass_erase_time_us(UbFlashPsize psize);

gboolean ub_flash_stm32f4_unlock(UbFlashStm32f4 *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_flash_stm32f4_lock(UbFlashStm32f4 *self, GError **error);
/* FLASH_SR error bits → UB_FLASH_ERROR; TRUE when none is set */
gboolean ub_flash_stm32f4_check_sr(guint32 sr, GError **error);

gboolean ub_flash_stm32f4_read_option_bytes(UbFlashStm32f4 *self, UbFlashOptionBytes *ob,
                                            GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* programs FLASH_OPTCR (RM0090 §3.7.2); the new values apply after the next reset */
gboolean ub_flash_stm32f4_write_option_bytes(UbFlashStm32f4 *self, guint32 optcr,
                                             GCancellable *cancellable,
                                             GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_flash_stm32f4_clear_write_protection(UbFlashStm32f4 *self, GCancellable *cancellable,
                                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* RDP level 1 → 0: the chip erases all of its flash; refused without @erase_all_consent */
gboolean ub_flash_stm32f4_remove_read_protection(UbFlashStm32f4 *self, gboolean erase_all_consent,
                                                 GCancellable *cancellable,
                                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean ub_flash_stm32f4_erase_sectors(UbFlashStm32f4 *self, const guint *sectors, guint n,
                                        UbProgress *progress, GCancellable *cancellable,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_flash_stm32f4_mass_erase(UbFlashStm32f4 *self, UbProgress *progress,
                                     GCancellable *cancellable,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* erases @erase (sector numbers, may be empty) and programs @chunks (UbImageChunk, inside
 * erased sectors), sector by sector in address order: each sector's erase, then its data;
 * all-ones elements are left erased. Adds the step "write" to @progress. */
gboolean ub_flash_stm32f4_program(UbFlashStm32f4 *self, GPtrArray *chunks, const guint *erase,
                                  guint n_erase, UbProgress *progress, GCancellable *cancellable,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* compares flash with @chunks: on-chip CRC-32 per block, else read back */
gboolean ub_flash_stm32f4_verify(UbFlashStm32f4 *self, GPtrArray *chunks, UbProgress *progress,
                                 GCancellable *cancellable,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* what the flash holds where a chunk goes, as the chip's CRC unit and a blank check find it */
typedef enum {
	UB_FLASH_HOLDS_UNKNOWN, /* not checked: no loader, or not whole words */
	UB_FLASH_HOLDS_SAME,    /* exactly the chunk: nothing to do */
	UB_FLASH_HOLDS_ERASED,  /* erased: the chunk can be programmed without an erase */
	UB_FLASH_HOLDS_OTHER,   /* something else: an erase first */
} UbFlashHolds;

/* @holds[i] for chunk i (on-chip CRC-32 and AND of the words, by the loader); all UNKNOWN
 * when the loader cannot run */
gboolean ub_flash_stm32f4_survey(UbFlashStm32f4 *self, GPtrArray *chunks, UbFlashHolds *holds,
                                 GCancellable *cancellable,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* @same[i]: the flash already holds chunk i exactly (on-chip CRC-32); all FALSE when the
 * loader cannot run */
gboolean ub_flash_stm32f4_compare(UbFlashStm32f4 *self, GPtrArray *chunks, gboolean *same,
                                  GCancellable *cancellable,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* halts the core and makes the chip safe to work on (watchdogs frozen, DMA stopped, caches
 * off): every operation does it first; a caller with other work on the halted chip before
 * its first operation calls it at once, before a running watchdog fires */
gboolean ub_flash_stm32f4_prepare(UbFlashStm32f4 *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* stops the loader after its queued work and locks FLASH_CR; the core is left halted */
gboolean ub_flash_stm32f4_finish(UbFlashStm32f4 *self, GCancellable *cancellable,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* stops the loader at the next command boundary, without waiting for queued work */
void ub_flash_stm32f4_abort(UbFlashStm32f4 *self);
gboolean ub_flash_stm32f4_is_loader_running(UbFlashStm32f4 *self);
typedef enum {
	UB_FLASH_READ_DEFAULT = 0,
	/* the caller checks what it gets against the chip's CRC (ub_flash_stm32f4_verify())
	 * and reads again with the default on a mismatch: where the loader runs, the probe may
	 * leave out its per-command status query (ub_probe_read_memory_unchecked()) */
	UB_FLASH_READ_CRC_CHECKED = 1 << 0,
} UbFlashReadFlags;

/* reads flash (erased blocks found on chip are filled in, not transferred) */
GBytes *ub_flash_stm32f4_read(UbFlashStm32f4 *self, guint32 address, guint32 size,
                              UbFlashReadFlags flags, UbProgress *progress,
                              GCancellable *cancellable,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
