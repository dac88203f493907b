/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimMcu: an STM32F405RG (Cortex-M4 r0p1, 1 MiB flash, 192 KiB SRAM+CCM) as the debugger
 * and its own code see it: memory map (RM0090 §2.3), FLASH controller with erase/program
 * timing on the virtual clock (RM0090 §3, DS8626), option bytes with RDP, SCS debug registers
 * (DHCSR/DCRSR/DCRDR/DEMCR/AIRCR/DFSR, ARMv7-M C1), DBGMCU, RCC basics, GPIOA (the SWD pins
 * PA13/PA14), IWDG, reset (power-on, NRST pin, SYSRESETREQ) and a Thumb-2 core executed by
 * Unicorn over the same memory.
 *
 * The SW-DP and AHB-AP (UbSimDap) reach memory through ub_sim_mcu_ap_read/write(); the link
 * model asks ub_sim_mcu_swd_pins_connected() whether the SWD pins still carry SWD.
 */
#pragma once

#include <glib-object.h>

#include "ub-sim-clock.h"

G_BEGIN_DECLS

#define UB_SIM_FLASH_BASE 0x08000000u
#define UB_SIM_FLASH_SIZE 0x00100000u
#define UB_SIM_SRAM_BASE 0x20000000u
#define UB_SIM_SRAM_SIZE 0x00020000u

/* outcome of one bus access made by the AHB-AP */
typedef enum {
	UB_SIM_ACCESS_OK,
	UB_SIM_ACCESS_FAULT, /* bus error: unmapped, RDP-protected flash, bad key write ... */
	UB_SIM_ACCESS_WAIT,  /* the bus is stalled (flash busy, core clock gated) */
} UbSimAccess;

/* how long erases and programming take (DS8626 "Flash memory programming": every erase
 * has a maximum of twice its typical time, an element 100 µs against 16 µs typical) */
typedef enum {
	UB_SIM_FLASH_TIMING_TYPICAL, /* every operation takes the typical time */
	UB_SIM_FLASH_TIMING_DRAWN,   /* each one drawn between typical and maximum (seeded) */
	UB_SIM_FLASH_TIMING_MAX,     /* every operation takes the maximum */
} UbSimFlashTiming;

/* what kind of reset happened last (for tests and reports) */
typedef enum {
	UB_SIM_RESET_NONE,
	UB_SIM_RESET_POWER_ON,
	UB_SIM_RESET_PIN,	/* NRST pin */
	UB_SIM_RESET_SOFTWARE,	/* AIRCR.SYSRESETREQ */
	UB_SIM_RESET_WATCHDOG,	/* IWDG */
} UbSimReset;

#define UB_TYPE_SIM_MCU (ub_sim_mcu_get_type())
G_DECLARE_FINAL_TYPE(UbSimMcu, ub_sim_mcu, UB, SIM_MCU, GObject)

UbSimMcu *ub_sim_mcu_new(UbSimClock *clock);

/* board set-up (before or after power-on) */
gboolean ub_sim_mcu_load_flash(UbSimMcu *self, guint32 address, GBytes *data, GError **error);
GBytes *ub_sim_mcu_dump_flash(UbSimMcu *self);
/* keep the flash in the file @fd from @offset (a multiple of the page size, UB_SIM_FLASH_SIZE
 * bytes), a shared mapping in the place of the MCU's own memory: what the file holds there
 * becomes the flash, and every erase and write is in the file the moment it happens.
 * ub_sim_mcu_unmap_flash() goes back to memory of the MCU's own, with the same contents. */
gboolean ub_sim_mcu_map_flash(UbSimMcu *self, int fd, goffset offset, GError **error);
void ub_sim_mcu_unmap_flash(UbSimMcu *self);
/* puts what the core's last store into flash really leaves into the storage now */
void ub_sim_mcu_sync_flash(UbSimMcu *self);
void ub_sim_mcu_set_option_bytes(UbSimMcu *self, guint32 optcr); /* as stored, applied at reset */
guint32 ub_sim_mcu_get_option_bytes(UbSimMcu *self);
void ub_sim_mcu_set_uid(UbSimMcu *self, const guint8 uid[12]);
void ub_sim_mcu_set_dead(UbSimMcu *self, gboolean dead); /* a damaged chip: DP never answers */
gboolean ub_sim_mcu_get_dead(UbSimMcu *self);
/* typical by default; a bench draws its times from @seed so that a run repeats */
void ub_sim_mcu_set_flash_timing(UbSimMcu *self, UbSimFlashTiming timing, guint32 seed);
UbSimFlashTiming ub_sim_mcu_get_flash_timing(UbSimMcu *self);
gboolean ub_sim_flash_timing_from_string(const char *text, UbSimFlashTiming *timing);
const char *ub_sim_flash_timing_to_string(UbSimFlashTiming timing);

/* power and the NRST pin */
void ub_sim_mcu_set_powered(UbSimMcu *self, gboolean powered); /* TRUE: power-on reset */
gboolean ub_sim_mcu_get_powered(UbSimMcu *self);
void ub_sim_mcu_set_nrst_low(UbSimMcu *self, gboolean low); /* pin level, any driver */
gboolean ub_sim_mcu_get_in_reset(UbSimMcu *self);
gboolean ub_sim_mcu_get_halted(UbSimMcu *self); /* the core is in Debug state */
guint ub_sim_mcu_get_power_generation(UbSimMcu *self); /* counts power-ons (the DP resets) */
UbSimReset ub_sim_mcu_get_last_reset(UbSimMcu *self);

/* another AHB master (a DMA stream in a burst) keeps the bus matrix until @until_ns on the
 * clock: the debugger's accesses to memory and peripherals stall (WAIT) until then; the core's
 * private peripheral bus (SCS, 0xE0000000 up) still answers */
void ub_sim_mcu_hold_bus(UbSimMcu *self, guint64 until_ns);

/* what the SWD link sees */
gboolean ub_sim_mcu_swd_pins_connected(UbSimMcu *self); /* PA13/PA14 still AF0 (or in reset) */
gboolean ub_sim_mcu_debug_port_enabled(UbSimMcu *self); /* FALSE at RDP level 2 or dead */

/* AHB-AP accesses (size 1, 2 or 4; address aligned to size) */
UbSimAccess ub_sim_mcu_ap_read(UbSimMcu *self, guint32 address, guint size, guint32 *value);
UbSimAccess ub_sim_mcu_ap_write(UbSimMcu *self, guint32 address, guint size, guint32 value);

/* statistics for reports: sectors erased, bytes programmed, instructions run */
typedef struct {
	guint sectors_erased; /* erases that ran to the end */
	guint mass_erases;
	guint64 bytes_programmed;
	guint64 instructions;
	guint resets;
	guint flash_interrupted; /* operations cut short by a reset or power loss */
	guint64 dma_transfers;   /* items DMA streams moved into memory */
} UbSimMcuStats;
void ub_sim_mcu_get_stats(UbSimMcu *self, UbSimMcuStats *stats);

G_END_DECLS
