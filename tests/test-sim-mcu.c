/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The STM32F405 model and its DAP, driven the way a debugger drives the silicon: AHB-AP
 * accesses (ub_sim_mcu_ap_read/write) and SWD transactions (UbSimDap), with time passing only
 * on the virtual clock. Expected values come from RM0090, DS8626, the ARMv7-M ARM and ADIv5
 * (see ../shared/reference/stlink-and-stm32f4.md).
 */
#include "config.h"

#include <string.h>

#include "ub-sim-dap.h"
#include "ub-sim-firmware.h"
#include "ub-sim-mcu.h"

#define FLASH_KEYR 0x40023C04u
#define FLASH_OPTKEYR 0x40023C08u
#define FLASH_SR 0x40023C0Cu
#define FLASH_CR 0x40023C10u
#define FLASH_OPTCR 0x40023C14u
#define DHCSR 0xE000EDF0u
#define DCRSR 0xE000EDF4u
#define DCRDR 0xE000EDF8u
#define DEMCR 0xE000EDFCu
#define DFSR 0xE000ED30u
#define AIRCR 0xE000ED0Cu
#define DBGMCU_CR 0xE0042004u
#define DBGMCU_APB1_FZ 0xE0042008u
#define S_HALT (1u << 17)
#define S_LOCKUP (1u << 19)
#define S_RESET_ST (1u << 25)
#define SR_BSY (1u << 16)

typedef struct {
	UbSimClock *clock;
	UbSimMcu *mcu;
} Chip;

static void
chip_init(Chip *chip)
{
	chip->clock = ub_sim_clock_new();
	chip->mcu = ub_sim_mcu_new(chip->clock);
}

static void
chip_power(Chip *chip)
{
	ub_sim_mcu_set_powered(chip->mcu, TRUE);
}

static void
chip_clear(Chip *chip)
{
	g_clear_object(&chip->mcu);
	g_clear_object(&chip->clock);
}

static guint32
rd(Chip *chip, guint32 address)
{
	guint32 value = 0xDEADBEEF;

	g_assert_cmpint(ub_sim_mcu_ap_read(chip->mcu, address, 4, &value), ==, UB_SIM_ACCESS_OK);
	return value;
}

static void
wr(Chip *chip, guint32 address, guint32 value)
{
	g_assert_cmpint(ub_sim_mcu_ap_write(chip->mcu, address, 4, value), ==, UB_SIM_ACCESS_OK);
}

static void
advance_us(Chip *chip, guint64 us)
{
	ub_sim_clock_advance(chip->clock, us * UB_SIM_NS_PER_US);
}

static void
unlock_flash(Chip *chip)
{
	wr(chip, FLASH_KEYR, 0x45670123u);
	wr(chip, FLASH_KEYR, 0xCDEF89ABu);
	g_assert_cmphex(rd(chip, FLASH_CR) >> 31, ==, 0);
}

/* a halted core with PC set to `pc` (through DCRSR, as debuggers do) */
static void
halt_and_set_pc(Chip *chip, guint32 pc)
{
	wr(chip, DHCSR, 0xA05F0003u);
	g_assert_cmphex(rd(chip, DHCSR) & S_HALT, ==, S_HALT);
	wr(chip, DCRDR, pc | 1u);
	wr(chip, DCRSR, 0x1000Fu);
	wr(chip, DCRDR, 0x01000000u);
	wr(chip, DCRSR, 0x10010u);
}

static guint32
read_reg(Chip *chip, guint sel)
{
	wr(chip, DCRSR, sel);
	return rd(chip, DCRDR);
}

static void
put_code(Chip *chip, guint32 address, const guint16 *code, gsize n)
{
	for (gsize i = 0; i < n; i++)
		g_assert_cmpint(ub_sim_mcu_ap_write(chip->mcu, address + 2 * (guint32)i, 2, code[i]),
				==, UB_SIM_ACCESS_OK);
}

static void
test_identity(void)
{
	const guint8 uid[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	guint32 value = 0;
	Chip chip;

	chip_init(&chip);
	ub_sim_mcu_set_uid(chip.mcu, uid);
	chip_power(&chip);
	g_assert_cmphex(rd(&chip, 0xE000ED00u), ==, 0x410FC241u);
	g_assert_cmphex(rd(&chip, 0xE0042000u) & 0xFFF, ==, 0x413);
	g_assert_cmpint(ub_sim_mcu_ap_read(chip.mcu, 0x1FFF7A22u, 2, &value), ==, UB_SIM_ACCESS_OK);
	g_assert_cmphex(value, ==, 1024);
	g_assert_cmphex(rd(&chip, 0x1FFF7A10u), ==, 0x04030201u);
	g_assert_cmphex(rd(&chip, 0x1FFF7A18u), ==, 0x0C0B0A09u);
	g_assert_cmphex(rd(&chip, FLASH_OPTCR), ==, 0x0FFFAAEDu);
	g_assert_cmphex(rd(&chip, FLASH_CR), ==, 0x80000000u);
	g_assert_cmphex(rd(&chip, 0xE000EF40u), ==, 0x10110021u);
	/* unmapped space is a bus error */
	g_assert_cmpint(ub_sim_mcu_ap_read(chip.mcu, 0x30000000u, 4, &value), ==,
			UB_SIM_ACCESS_FAULT);
	g_assert_cmpint(ub_sim_mcu_ap_read(chip.mcu, 0x20020000u, 4, &value), ==,
			UB_SIM_ACCESS_FAULT);
	chip_clear(&chip);
}

static void
test_flash_program(void)
{
	guint32 value = 0;
	Chip chip;

	chip_init(&chip);
	chip_power(&chip);
	/* PG while locked: nothing, PGSERR */
	wr(&chip, 0x08000100u, 0x12345678u);
	g_assert_cmphex(rd(&chip, 0x08000100u), ==, 0xFFFFFFFFu);
	g_assert_cmphex(rd(&chip, FLASH_SR) & 0x80, ==, 0x80);
	wr(&chip, FLASH_SR, 0xF3);
	g_assert_cmphex(rd(&chip, FLASH_SR), ==, 0);

	unlock_flash(&chip);
	wr(&chip, FLASH_CR, 0x201); /* PG, x32 */
	wr(&chip, 0x08000100u, 0x12345678u);
	/* BSY for tPROG: the flash stalls the bus, SR does not */
	g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, SR_BSY);
	g_assert_cmpint(ub_sim_mcu_ap_read(chip.mcu, 0x08000100u, 4, &value), ==,
			UB_SIM_ACCESS_WAIT);
	advance_us(&chip, 15);
	g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, SR_BSY);
	advance_us(&chip, 1);
	g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, 0);
	g_assert_cmphex(rd(&chip, 0x08000100u), ==, 0x12345678u);
	/* programming only clears bits */
	wr(&chip, 0x08000100u, 0xFF00FFFFu);
	advance_us(&chip, 16);
	g_assert_cmphex(rd(&chip, 0x08000100u), ==, 0x12005678u);
	/* a half-word with PSIZE x32: PGPERR, nothing written */
	g_assert_cmpint(ub_sim_mcu_ap_write(chip.mcu, 0x08000200u, 2, 0), ==, UB_SIM_ACCESS_OK);
	g_assert_cmphex(rd(&chip, FLASH_SR) & 0x40, ==, 0x40);
	g_assert_cmphex(rd(&chip, 0x08000200u), ==, 0xFFFFFFFFu);
	/* a wrong key: bus error, and CR stays locked until the next reset */
	wr(&chip, FLASH_CR, 0x80000000u);
	g_assert_cmpint(ub_sim_mcu_ap_write(chip.mcu, FLASH_KEYR, 4, 0x11111111u), ==,
			UB_SIM_ACCESS_FAULT);
	g_assert_cmpint(ub_sim_mcu_ap_write(chip.mcu, FLASH_KEYR, 4, 0x45670123u), ==,
			UB_SIM_ACCESS_FAULT);
	g_assert_cmpint(ub_sim_mcu_ap_write(chip.mcu, FLASH_KEYR, 4, 0xCDEF89ABu), ==,
			UB_SIM_ACCESS_FAULT);
	g_assert_cmphex(rd(&chip, FLASH_CR) >> 31, ==, 1);
	ub_sim_mcu_set_nrst_low(chip.mcu, TRUE);
	ub_sim_mcu_set_nrst_low(chip.mcu, FALSE);
	unlock_flash(&chip);
	chip_clear(&chip);
}

static void
test_flash_erase_timing(void)
{
	UbSimMcuStats stats;
	Chip chip;

	chip_init(&chip);
	g_assert_true(ub_sim_mcu_load_flash(chip.mcu, 0x08020000u,
					    g_bytes_new_static("\0\0\0\0", 4), NULL));
	chip_power(&chip);
	unlock_flash(&chip);
	/* 128 KiB sector 5 at x8 (CR as tools leave it): 2 s typical (DS8626) */
	wr(&chip, FLASH_CR, 0x00010002u | (5u << 3));
	advance_us(&chip, 1999 * 1000);
	g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, SR_BSY);
	advance_us(&chip, 1000);
	g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, 0);
	g_assert_cmphex(rd(&chip, 0x08020000u), ==, 0xFFFFFFFFu);
	/* the same at x32: 1 s */
	wr(&chip, FLASH_CR, 0x00010202u | (5u << 3));
	advance_us(&chip, 999 * 1000);
	g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, SR_BSY);
	advance_us(&chip, 1000);
	g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, 0);
	/* a write-protected sector (nWRP bit 3 clear): WRPERR, no erase */
	ub_sim_mcu_set_option_bytes(chip.mcu, 0x0FF7AAEDu);
	ub_sim_mcu_set_nrst_low(chip.mcu, TRUE);
	ub_sim_mcu_set_nrst_low(chip.mcu, FALSE);
	unlock_flash(&chip);
	ub_sim_mcu_get_stats(chip.mcu, &stats);
	wr(&chip, FLASH_CR, 0x00010002u | (3u << 3));
	g_assert_cmphex(rd(&chip, FLASH_SR) & 0x10, ==, 0x10);
	g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, 0);
	{
		UbSimMcuStats after;
		ub_sim_mcu_get_stats(chip.mcu, &after);
		g_assert_cmpuint(after.sectors_erased, ==, stats.sectors_erased);
	}
	/* programming into it: WRPERR as well, the word stays erased */
	wr(&chip, FLASH_SR, 0xF3);
	wr(&chip, FLASH_CR, 0x201);
	wr(&chip, 0x0800C000u, 0);
	g_assert_cmphex(rd(&chip, FLASH_SR) & 0x10, ==, 0x10);
	g_assert_cmphex(rd(&chip, 0x0800C000u), ==, 0xFFFFFFFFu);
	chip_clear(&chip);
}

static void
test_rdp(void)
{
	guint32 value = 0;
	g_autoptr(GBytes) flash = NULL;
	Chip chip;

	chip_init(&chip);
	ub_sim_mcu_set_option_bytes(chip.mcu, 0x0FFF55EDu);
	g_assert_true(ub_sim_mcu_load_flash(chip.mcu, 0x08000000u,
					    g_bytes_new_static("\x01\x02\x03\x04", 4), NULL));
	chip_power(&chip);
	/* level 1 with a debugger: flash is a bus error, SRAM and registers are fine */
	g_assert_cmpint(ub_sim_mcu_ap_read(chip.mcu, 0x08000000u, 4, &value), ==,
			UB_SIM_ACCESS_FAULT);
	g_assert_cmphex(rd(&chip, 0x20000000u), ==, 0);
	g_assert_cmphex((rd(&chip, FLASH_OPTCR) >> 8) & 0xFF, ==, 0x55);
	/* regression to level 0: the flash is mass-erased first */
	wr(&chip, FLASH_OPTKEYR, 0x08192A3Bu);
	wr(&chip, FLASH_OPTKEYR, 0x4C5D6E7Fu);
	g_assert_cmphex(rd(&chip, FLASH_OPTCR) & 1, ==, 0);
	wr(&chip, FLASH_OPTCR, 0x0FFFAAEEu);
	g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, SR_BSY);
	advance_us(&chip, 16 * 1000 * 1000 + 1);
	g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, 0);
	g_assert_cmphex(ub_sim_mcu_get_option_bytes(chip.mcu) & 0xFF00, ==, 0xAA00);
	ub_sim_mcu_set_powered(chip.mcu, FALSE);
	chip_power(&chip);
	flash = ub_sim_mcu_dump_flash(chip.mcu);
	g_assert_cmphex(((const guint8 *)g_bytes_get_data(flash, NULL))[0], ==, 0xFF);
	g_assert_cmphex(rd(&chip, 0x08000000u), ==, 0xFFFFFFFFu);
	/* level 2: the debug port is gone for good */
	ub_sim_mcu_set_option_bytes(chip.mcu, 0x0FFFCCEDu);
	ub_sim_mcu_set_powered(chip.mcu, FALSE);
	chip_power(&chip);
	g_assert_false(ub_sim_mcu_debug_port_enabled(chip.mcu));
	chip_clear(&chip);
}

/* code in SRAM runs on the core: a counting loop that ends in BKPT */
static void
test_core_runs_sram_code(void)
{
	/* movs r0,#0; ldr r1,[pc,#8]; loop: adds r0,#1; str r0,[r1]; cmp r0,#100; bne loop;
	 * bkpt #0; nop; .word 0x20001000 */
	static const guint16 code[] = {0x2000, 0x4903, 0x3001, 0x6008, 0x2864,
				       0xD1FB, 0xBE00, 0xBF00, 0x1000, 0x2000};
	Chip chip;

	chip_init(&chip);
	chip_power(&chip);
	halt_and_set_pc(&chip, 0x20000000u);
	put_code(&chip, 0x20000000u, code, G_N_ELEMENTS(code));
	wr(&chip, DFSR, 0x1F);
	wr(&chip, DHCSR, 0xA05F0001u); /* run */
	g_assert_cmphex(rd(&chip, DHCSR) & S_HALT, ==, 0);
	advance_us(&chip, 100);
	g_assert_cmphex(rd(&chip, DHCSR) & S_HALT, ==, S_HALT);
	g_assert_cmphex(rd(&chip, DFSR) & 2, ==, 2); /* BKPT */
	g_assert_cmphex(rd(&chip, 0x20001000u), ==, 100);
	g_assert_cmphex(read_reg(&chip, 15), ==, 0x2000000Cu);
	g_assert_cmphex(read_reg(&chip, 0), ==, 100);
	/* the same program changed by the debugger runs as changed (no stale translation) */
	wr(&chip, 0x20000008u, 0xD1FB2832u); /* cmp r0,#50 */
	halt_and_set_pc(&chip, 0x20000000u);
	wr(&chip, DHCSR, 0xA05F0001u);
	advance_us(&chip, 100);
	g_assert_cmphex(rd(&chip, 0x20001000u), ==, 50);
	chip_clear(&chip);
}

/* the core programs flash itself, as a flash loader does (store, poll BSY) */
static void
test_core_programs_flash(void)
{
	/* ldr r1,[pc,#16]; ldr r2,[pc,#16]; ldr r3,[pc,#20]; str r2,[r1]; wait: ldr r4,[r3];
	 * lsls r4,r4,#15; bmi wait; bkpt; .word 0x08004000, 0xA5A5A5A5, 0x40023C0C */
	static const guint16 code[] = {0x4904, 0x4A05, 0x4B06, 0x600A, 0x681C, 0x03E4, 0xD4FC,
				       0xBE00, 0xBF00, 0xBF00, 0x4000, 0x0800, 0xA5A5, 0xA5A5,
				       0xBF00, 0xBF00, 0x3C0C, 0x4002};
	Chip chip;

	chip_init(&chip);
	chip_power(&chip);
	halt_and_set_pc(&chip, 0x20000000u);
	put_code(&chip, 0x20000000u, code, G_N_ELEMENTS(code));
	unlock_flash(&chip);
	wr(&chip, FLASH_CR, 0x201);
	wr(&chip, DHCSR, 0xA05F0001u);
	advance_us(&chip, 100);
	g_assert_cmphex(rd(&chip, DHCSR) & S_HALT, ==, S_HALT);
	g_assert_cmphex(rd(&chip, 0x08004000u), ==, 0xA5A5A5A5u);
	/* a second run over programmed bits: old AND new, not the raw store */
	wr(&chip, 0x20000018u, 0x0F0F0F0Fu);
	halt_and_set_pc(&chip, 0x20000000u);
	wr(&chip, DHCSR, 0xA05F0001u);
	advance_us(&chip, 100);
	g_assert_cmphex(rd(&chip, 0x08004000u), ==, 0x05050505u);
	chip_clear(&chip);
}

static void
test_reset_and_vector_catch(void)
{
	g_autoptr(GBytes) image = ub_sim_firmware_lookup("demo-410");
	guint32 reset_vector;
	Chip chip;

	g_assert_nonnull(image);
	memcpy(&reset_vector, (const guint8 *)g_bytes_get_data(image, NULL) + 4, 4);
	chip_init(&chip);
	g_assert_true(ub_sim_mcu_load_flash(chip.mcu, 0x08000000u, image, NULL));
	chip_power(&chip);
	advance_us(&chip, 1000);
	g_assert_cmpuint(ub_sim_mcu_get_last_reset(chip.mcu), ==, UB_SIM_RESET_POWER_ON);
	/* S_RESET_ST is sticky and clears on read */
	g_assert_cmphex(rd(&chip, DHCSR) & S_RESET_ST, ==, S_RESET_ST);
	g_assert_cmphex(rd(&chip, DHCSR) & S_RESET_ST, ==, 0);

	/* C_HALT alone does not survive a reset: the core runs after NRST */
	wr(&chip, DHCSR, 0xA05F0003u);
	ub_sim_mcu_set_nrst_low(chip.mcu, TRUE);
	g_assert_cmphex(rd(&chip, DHCSR) & S_RESET_ST, ==, S_RESET_ST);
	ub_sim_mcu_set_nrst_low(chip.mcu, FALSE);
	advance_us(&chip, 100);
	g_assert_cmphex(rd(&chip, DHCSR) & S_HALT, ==, 0);
	g_assert_cmpuint(ub_sim_mcu_get_last_reset(chip.mcu), ==, UB_SIM_RESET_PIN);

	/* with VC_CORERESET the core stops on the reset vector before any instruction */
	wr(&chip, DEMCR, 0x01000001u);
	wr(&chip, DFSR, 0x1F);
	wr(&chip, AIRCR, 0x05FA0004u);
	advance_us(&chip, 100);
	g_assert_cmphex(rd(&chip, DHCSR) & S_HALT, ==, S_HALT);
	g_assert_cmphex(rd(&chip, DFSR) & 8, ==, 8);
	g_assert_cmphex(read_reg(&chip, 15), ==, reset_vector & ~1u);
	g_assert_cmphex(read_reg(&chip, 17), ==, 0x20000800u);
	g_assert_cmpuint(ub_sim_mcu_get_last_reset(chip.mcu), ==, UB_SIM_RESET_SOFTWARE);
	chip_clear(&chip);
}

static void
test_blank_chip_locks_up(void)
{
	Chip chip;

	chip_init(&chip);
	chip_power(&chip);
	advance_us(&chip, 10);
	g_assert_cmphex(rd(&chip, DHCSR) & S_LOCKUP, ==, S_LOCKUP);
	wr(&chip, DHCSR, 0xA05F0003u);
	g_assert_cmphex(rd(&chip, DHCSR) & (S_LOCKUP | S_HALT), ==, S_HALT);
	g_assert_cmphex(read_reg(&chip, 15), ==, 0xFFFFFFFEu);
	g_assert_cmphex(read_reg(&chip, 13), ==, 0xFFFFFFFCu);
	chip_clear(&chip);
}

static void
test_firmware_takes_swd_pins(void)
{
	g_autoptr(GBytes) image = ub_sim_firmware_lookup("repurpose-swd");
	Chip chip;

	chip_init(&chip);
	g_assert_true(ub_sim_mcu_load_flash(chip.mcu, 0x08000000u, image, NULL));
	chip_power(&chip);
	g_assert_true(ub_sim_mcu_swd_pins_connected(chip.mcu));
	advance_us(&chip, 1000);
	g_assert_true(ub_sim_mcu_swd_pins_connected(chip.mcu));
	advance_us(&chip, 10 * 1000);
	g_assert_false(ub_sim_mcu_swd_pins_connected(chip.mcu));
	/* in reset the pins are SWD again; caught at the vector they stay so */
	ub_sim_mcu_set_nrst_low(chip.mcu, TRUE);
	g_assert_true(ub_sim_mcu_swd_pins_connected(chip.mcu));
	wr(&chip, DHCSR, 0xA05F0001u);
	wr(&chip, DEMCR, 0x00000001u);
	ub_sim_mcu_set_nrst_low(chip.mcu, FALSE);
	advance_us(&chip, 50 * 1000);
	g_assert_true(ub_sim_mcu_swd_pins_connected(chip.mcu));
	g_assert_true(ub_sim_mcu_get_halted(chip.mcu));
	chip_clear(&chip);
}

static void
test_watchdog(void)
{
	g_autoptr(GBytes) image = ub_sim_firmware_lookup("demo-410");
	Chip chip;

	chip_init(&chip);
	g_assert_true(ub_sim_mcu_load_flash(chip.mcu, 0x08000000u, image, NULL));
	/* WDG_SW = 0: the "hardware" watchdog runs from reset, 512 ms at PR 0 / RLR 0xFFF */
	ub_sim_mcu_set_option_bytes(chip.mcu, 0x0FFFAACDu);
	chip_power(&chip);
	advance_us(&chip, 500 * 1000);
	g_assert_cmpuint(ub_sim_mcu_get_last_reset(chip.mcu), ==, UB_SIM_RESET_POWER_ON);
	advance_us(&chip, 20 * 1000);
	g_assert_cmpuint(ub_sim_mcu_get_last_reset(chip.mcu), ==, UB_SIM_RESET_WATCHDOG);
	/* halted without the freeze bit: it still bites */
	wr(&chip, DHCSR, 0xA05F0003u);
	advance_us(&chip, 600 * 1000);
	g_assert_false(ub_sim_mcu_get_halted(chip.mcu));
	/* with DBG_IWDG_STOP the halted core stays halted */
	wr(&chip, DBGMCU_APB1_FZ, 1u << 12);
	wr(&chip, DHCSR, 0xA05F0003u);
	{
		UbSimMcuStats before, after;
		ub_sim_mcu_get_stats(chip.mcu, &before);
		advance_us(&chip, 2 * 1000 * 1000);
		ub_sim_mcu_get_stats(chip.mcu, &after);
		g_assert_cmpuint(after.resets, ==, before.resets);
	}
	g_assert_true(ub_sim_mcu_get_halted(chip.mcu));
	chip_clear(&chip);
}

/* sector 1 full of 0x5A, the rest erased */
static void
load_sector1(Chip *chip, guint8 fill)
{
	g_autofree guint8 *data = g_malloc(0x4000);

	memset(data, fill, 0x4000);
	g_assert_true(ub_sim_mcu_load_flash(chip->mcu, 0x08004000u,
					    g_bytes_new_take(g_steal_pointer(&data), 0x4000),
					    NULL));
}

static void
pin_reset(Chip *chip)
{
	ub_sim_mcu_set_nrst_low(chip->mcu, TRUE);
	ub_sim_mcu_set_nrst_low(chip->mcu, FALSE);
}

static guint32
flash_word(GBytes *flash, guint32 address)
{
	guint32 value;

	memcpy(&value, (const guint8 *)g_bytes_get_data(flash, NULL) + (address - 0x08000000u), 4);
	return GUINT32_FROM_LE(value);
}

/* RM0090 leaves the cells of an interrupted operation undefined: the result lands only at the
 * end, and a reset part-way leaves a half-erased sector, a half-written word, erased option
 * bytes, never the finished result */
static void
test_flash_interrupted(void)
{
	g_autoptr(GBytes) flash = NULL;
	UbSimMcuStats stats;
	guint32 value = 0;
	Chip chip;

	chip_init(&chip);
	load_sector1(&chip, 0x5A);
	chip_power(&chip);
	unlock_flash(&chip);
	/* 16 KiB at x32: 250 ms; cut at 100 ms */
	wr(&chip, FLASH_CR, 0x0001020Au);
	advance_us(&chip, 100 * 1000);
	g_assert_cmpint(ub_sim_mcu_ap_read(chip.mcu, 0x08004000u, 4, &value), ==,
			UB_SIM_ACCESS_WAIT);
	pin_reset(&chip);
	flash = ub_sim_mcu_dump_flash(chip.mcu);
	/* the first 100/250 of the sector (to a 16-byte row) erased, then the pattern */
	for (guint32 at = 0x08004000u; at < 0x08005990u; at += 4)
		g_assert_cmphex(flash_word(flash, at), ==, 0xFFFFFFFFu);
	g_assert_cmphex(flash_word(flash, 0x08005990u), ==, 0);
	g_assert_cmphex(flash_word(flash, 0x08005994u), ==, 0x5A5A5A5Au);
	g_assert_cmphex(flash_word(flash, 0x08007FF8u), ==, 0);
	g_assert_cmphex(flash_word(flash, 0x08007FFCu), ==, 0x5A5A5A5Au);
	g_assert_cmphex(rd(&chip, 0x08005990u), ==, 0);
	ub_sim_mcu_get_stats(chip.mcu, &stats);
	g_assert_cmpuint(stats.flash_interrupted, ==, 1);
	g_assert_cmpuint(stats.sectors_erased, ==, 0);
	g_clear_pointer(&flash, g_bytes_unref);

	/* an element cut short: some of its bits cleared */
	unlock_flash(&chip);
	wr(&chip, FLASH_CR, 0x201);
	wr(&chip, 0x08008000u, 0x00000000u);
	pin_reset(&chip);
	g_assert_cmphex(rd(&chip, 0x08008000u), ==, 0xAAAAAAAAu);

	/* the same operations run to their end */
	unlock_flash(&chip);
	wr(&chip, FLASH_CR, 0x0001020Au);
	advance_us(&chip, 250 * 1000);
	g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, 0);
	g_assert_cmphex(rd(&chip, 0x08005990u), ==, 0xFFFFFFFFu);
	ub_sim_mcu_get_stats(chip.mcu, &stats);
	g_assert_cmpuint(stats.sectors_erased, ==, 1);

	/* an option change cut short leaves erased option bytes: RDP 0xFF is level 1 */
	wr(&chip, FLASH_OPTKEYR, 0x08192A3Bu);
	wr(&chip, FLASH_OPTKEYR, 0x4C5D6E7Fu);
	wr(&chip, FLASH_OPTCR, 0x0FFEAAEEu);
	advance_us(&chip, 10 * 1000);
	g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, SR_BSY);
	pin_reset(&chip);
	g_assert_cmphex(ub_sim_mcu_get_option_bytes(chip.mcu), ==, 0x0FFFFFEDu);
	g_assert_cmpint(ub_sim_mcu_ap_read(chip.mcu, 0x08000000u, 4, &value), ==,
			UB_SIM_ACCESS_FAULT);
	chip_clear(&chip);
}

/* RM0090 §3.5.2 note: a FLASH_CR write while BSY stalls the bus; so does a flash read */
static void
test_flash_stalls(void)
{
	/* ldr r0,=FLASH_CR; ldr r1,=SER|SNB 1|STRT; str r1,[r0]; movs r2,#0; str r2,[r0];
	 * b 1f; 1: ldr r3,[r0,#-4] (SR); ldr r4,=0x08004000; ldr r5,[r4]; bkpt. The model
	 * keeps time per basic block: a stall lets the rest of its block run at the stalled
	 * time, so each stalling access here ends a block */
	static const guint16 code[] = {0x4805, 0x4906, 0x6001, 0x2200, 0x6002, 0xE7FF,
				       0xF850, 0x3C04, 0x4C03, 0x6825, 0xBE00, 0x0000,
				       0x3C10, 0x4002, 0x000A, 0x0001, 0x4000, 0x0800};
	/* ldr r4,=0x08004000; ldr r5,[r4]; b 1f; 1: bkpt */
	static const guint16 load[] = {0x4C01, 0x6825, 0xE7FF, 0xBE00, 0x4000, 0x0800};
	Chip chip;

	chip_init(&chip);
	load_sector1(&chip, 0x5A);
	chip_power(&chip);
	unlock_flash(&chip);
	/* the debugger: WAIT, and nothing changes */
	wr(&chip, FLASH_CR, 0x0001020Au);
	g_assert_cmpint(ub_sim_mcu_ap_write(chip.mcu, FLASH_CR, 4, 0x80000000u), ==,
			UB_SIM_ACCESS_WAIT);
	g_assert_cmphex(rd(&chip, FLASH_CR) & 0x80000000u, ==, 0);
	advance_us(&chip, 250 * 1000);
	wr(&chip, FLASH_CR, 0);

	/* the core: the CR write holds it until the 400 ms x8 erase is over, then SR reads
	 * not busy and the flash reads erased */
	load_sector1(&chip, 0x5A);
	halt_and_set_pc(&chip, 0x20000000u);
	put_code(&chip, 0x20000000u, code, G_N_ELEMENTS(code));
	wr(&chip, DHCSR, 0xA05F0001u);
	advance_us(&chip, 200 * 1000);
	g_assert_cmphex(rd(&chip, DHCSR) & S_HALT, ==, 0);
	advance_us(&chip, 201 * 1000);
	g_assert_cmphex(rd(&chip, DHCSR) & S_HALT, ==, S_HALT);
	g_assert_cmphex(read_reg(&chip, 3) & SR_BSY, ==, 0);
	g_assert_cmphex(read_reg(&chip, 5), ==, 0xFFFFFFFFu);

	/* a load while the debugger erases waits for the end and sees the result */
	load_sector1(&chip, 0x5A);
	wr(&chip, FLASH_CR, 0x0001020Au);
	halt_and_set_pc(&chip, 0x20000000u);
	put_code(&chip, 0x20000000u, load, G_N_ELEMENTS(load));
	wr(&chip, DHCSR, 0xA05F0001u);
	advance_us(&chip, 100 * 1000);
	g_assert_cmphex(rd(&chip, DHCSR) & S_HALT, ==, 0);
	advance_us(&chip, 151 * 1000);
	g_assert_cmphex(rd(&chip, DHCSR) & S_HALT, ==, S_HALT);
	g_assert_cmphex(read_reg(&chip, 5), ==, 0xFFFFFFFFu);
	chip_clear(&chip);
}

/* how long a 16 KiB x32 erase takes: typical 250 ms, maximum 500 ms (DS8626) */
static guint64
erase_time_ms(UbSimFlashTiming timing, guint32 seed)
{
	guint64 ms = 0;
	Chip chip;

	chip_init(&chip);
	ub_sim_mcu_set_flash_timing(chip.mcu, timing, seed);
	chip_power(&chip);
	unlock_flash(&chip);
	wr(&chip, FLASH_CR, 0x0001020Au);
	while (rd(&chip, FLASH_SR) & SR_BSY) {
		advance_us(&chip, 1000);
		ms++;
	}
	chip_clear(&chip);
	return ms;
}

static void
test_flash_timing(void)
{
	UbSimFlashTiming timing = UB_SIM_FLASH_TIMING_TYPICAL;
	guint64 drawn[4];
	gboolean differ = FALSE;

	g_assert_cmpuint(erase_time_ms(UB_SIM_FLASH_TIMING_TYPICAL, 0), ==, 250);
	g_assert_cmpuint(erase_time_ms(UB_SIM_FLASH_TIMING_MAX, 0), ==, 500);
	for (guint i = 0; i < G_N_ELEMENTS(drawn); i++) {
		drawn[i] = erase_time_ms(UB_SIM_FLASH_TIMING_DRAWN, i + 1);
		g_assert_cmpuint(drawn[i], >=, 250);
		g_assert_cmpuint(drawn[i], <=, 500);
		differ |= drawn[i] != drawn[0];
	}
	/* a seed gives the same chip every time; different seeds, different chips */
	g_assert_cmpuint(erase_time_ms(UB_SIM_FLASH_TIMING_DRAWN, 1), ==, drawn[0]);
	g_assert_true(differ);
	g_assert_true(ub_sim_flash_timing_from_string("max", &timing));
	g_assert_cmpint(timing, ==, UB_SIM_FLASH_TIMING_MAX);
	g_assert_false(ub_sim_flash_timing_from_string("slow", &timing));

	/* an element: 100 µs at the maximum */
	{
		Chip chip;

		chip_init(&chip);
		ub_sim_mcu_set_flash_timing(chip.mcu, UB_SIM_FLASH_TIMING_MAX, 0);
		chip_power(&chip);
		unlock_flash(&chip);
		wr(&chip, FLASH_CR, 0x201);
		wr(&chip, 0x08008000u, 0);
		advance_us(&chip, 99);
		g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, SR_BSY);
		advance_us(&chip, 1);
		g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, 0);
		chip_clear(&chip);
	}
}

/* RM0090 §3.5.2: with DCEN the D-Code bus (the core's loads and the debugger) reads cached
 * lines; an erase does not touch them: stale until DCRST with the cache off */
static void
test_data_cache(void)
{
	/* ldr r4,=0x08004000; ldr r5,[r4]; bkpt */
	static const guint16 load[] = {0x4C01, 0x6825, 0xBE00, 0x0000, 0x4000, 0x0800};
	Chip chip;

	chip_init(&chip);
	load_sector1(&chip, 0x11);
	chip_power(&chip);
	wr(&chip, 0x40023C00u, 1u << 10); /* DCEN */
	g_assert_cmphex(rd(&chip, 0x08004000u), ==, 0x11111111u);
	unlock_flash(&chip);
	wr(&chip, FLASH_CR, 0x0001020Au);
	advance_us(&chip, 250 * 1000);
	/* the debugger and the core both get the old line */
	g_assert_cmphex(rd(&chip, 0x08004000u), ==, 0x11111111u);
	halt_and_set_pc(&chip, 0x20000000u);
	put_code(&chip, 0x20000000u, load, G_N_ELEMENTS(load));
	wr(&chip, DHCSR, 0xA05F0001u);
	advance_us(&chip, 100);
	g_assert_cmphex(read_reg(&chip, 5), ==, 0x11111111u);
	/* the flash itself is erased: a line not cached reads so */
	g_assert_cmphex(rd(&chip, 0x08004010u), ==, 0xFFFFFFFFu);
	/* off: read through; on again without a reset: the old line is back */
	wr(&chip, 0x40023C00u, 0);
	g_assert_cmphex(rd(&chip, 0x08004000u), ==, 0xFFFFFFFFu);
	wr(&chip, 0x40023C00u, 1u << 10);
	g_assert_cmphex(rd(&chip, 0x08004000u), ==, 0x11111111u);
	/* DCRST while on does nothing; while off it empties the cache */
	wr(&chip, 0x40023C00u, (1u << 10) | (1u << 12));
	g_assert_cmphex(rd(&chip, 0x08004000u), ==, 0x11111111u);
	wr(&chip, 0x40023C00u, 0);
	wr(&chip, 0x40023C00u, 1u << 12);
	wr(&chip, 0x40023C00u, 1u << 10);
	g_assert_cmphex(rd(&chip, 0x08004000u), ==, 0xFFFFFFFFu);
	/* programming through the bus keeps the cache right */
	wr(&chip, FLASH_CR, 0x201);
	wr(&chip, 0x08004000u, 0x12345678u);
	advance_us(&chip, 16);
	g_assert_cmphex(rd(&chip, 0x08004000u), ==, 0x12345678u);
	chip_clear(&chip);
}

#define ADC_BUFFER 0x20000C00u
#define RCC_AHB1ENR 0x40023830u
#define DMA2_S4CR 0x40026470u

static gboolean
adc_buffer_changes(Chip *chip)
{
	guint32 before[8];
	gboolean changed = FALSE;

	for (guint i = 0; i < G_N_ELEMENTS(before); i++)
		before[i] = rd(chip, ADC_BUFFER + 4 * i);
	advance_us(chip, 2000);
	for (guint i = 0; i < G_N_ELEMENTS(before); i++)
		changed |= rd(chip, ADC_BUFFER + 4 * i) != before[i];
	return changed;
}

/* the dma-adc firmware streams ADC samples into SRAM by circular DMA: halting the core does
 * not stop it (RM0090 §10); disabling the stream or gating the DMA clock does */
static void
test_dma_keeps_writing(void)
{
	g_autoptr(GBytes) image = ub_sim_firmware_lookup("dma-adc");
	UbSimMcuStats stats;
	Chip chip;

	g_assert_nonnull(image);
	chip_init(&chip);
	g_assert_true(ub_sim_mcu_load_flash(chip.mcu, 0x08000000u, image, NULL));
	chip_power(&chip);
	advance_us(&chip, 5000);
	g_assert_true(adc_buffer_changes(&chip));
	/* halted: it goes on, 15 half-words in a circle */
	wr(&chip, DBGMCU_APB1_FZ, 1u << 12);
	wr(&chip, DHCSR, 0xA05F0003u);
	g_assert_true(adc_buffer_changes(&chip));
	g_assert_cmphex(rd(&chip, ADC_BUFFER + 28) >> 16, <=, 0xFFF);
	g_assert_cmphex(rd(&chip, ADC_BUFFER + 32), ==, 0);
	ub_sim_mcu_get_stats(chip.mcu, &stats);
	g_assert_cmpuint(stats.dma_transfers, >, 1000);
	/* the stream disabled: EN reads 0, memory stays */
	wr(&chip, DMA2_S4CR, rd(&chip, DMA2_S4CR) & ~1u);
	g_assert_cmphex(rd(&chip, DMA2_S4CR) & 1, ==, 0);
	g_assert_false(adc_buffer_changes(&chip));
	/* enabled again it restarts; the clock gated, it stops */
	wr(&chip, DMA2_S4CR, rd(&chip, DMA2_S4CR) | 1u);
	wr(&chip, 0x40012000u, 0); /* ADC_SR: clear the overrun the idle stream caused */
	g_assert_true(adc_buffer_changes(&chip));
	wr(&chip, RCC_AHB1ENR, rd(&chip, RCC_AHB1ENR) & ~(1u << 22));
	g_assert_false(adc_buffer_changes(&chip));
	g_assert_cmphex(rd(&chip, DMA2_S4CR), ==, 0);
	chip_clear(&chip);
}

/* the dma-adc firmware starts the IWDG 175 ms after reset with VESC's 17.6 ms period; halted, only
 * DBG_IWDG_STOP keeps it from resetting the chip */
static void
test_dma_adc_watchdog(void)
{
	g_autoptr(GBytes) image = ub_sim_firmware_lookup("dma-adc");
	Chip chip;

	chip_init(&chip);
	g_assert_true(ub_sim_mcu_load_flash(chip.mcu, 0x08000000u, image, NULL));
	chip_power(&chip);
	advance_us(&chip, 600 * 1000);
	/* running, it reloads the watchdog */
	g_assert_cmpuint(ub_sim_mcu_get_last_reset(chip.mcu), ==, UB_SIM_RESET_POWER_ON);
	g_assert_cmphex(rd(&chip, 0x40003008u), ==, 140);
	wr(&chip, DHCSR, 0xA05F0003u);
	/* reloaded at most 10 ms ago: the reset comes 7.6 to 17.6 ms after the halt */
	advance_us(&chip, 5 * 1000);
	g_assert_cmpuint(ub_sim_mcu_get_last_reset(chip.mcu), ==, UB_SIM_RESET_POWER_ON);
	advance_us(&chip, 15 * 1000);
	g_assert_cmpuint(ub_sim_mcu_get_last_reset(chip.mcu), ==, UB_SIM_RESET_WATCHDOG);
	chip_clear(&chip);
}

/* RM0090: the option bytes in force are those loaded at reset (F11); a key written while
 * FLASH_CR is unlocked is a wrong sequence (F12); leaving level 1 erases the backup SRAM
 * too (F13) */
static void
test_option_bytes_in_force(void)
{
	guint32 value = 0;
	Chip chip;

	chip_init(&chip);
	ub_sim_mcu_set_option_bytes(chip.mcu, 0x0FFF55EDu);
	chip_power(&chip);
	g_assert_cmpint(ub_sim_mcu_ap_read(chip.mcu, 0x08000000u, 4, &value), ==,
			UB_SIM_ACCESS_FAULT);
	wr(&chip, RCC_AHB1ENR, rd(&chip, RCC_AHB1ENR) | (1u << 18));
	wr(&chip, 0x40024000u, 0xCAFEF00Du);
	wr(&chip, FLASH_OPTKEYR, 0x08192A3Bu);
	wr(&chip, FLASH_OPTKEYR, 0x4C5D6E7Fu);
	/* written, not started: nothing changes */
	wr(&chip, FLASH_OPTCR, 0x0FFFAAECu);
	g_assert_cmpint(ub_sim_mcu_ap_read(chip.mcu, 0x08000000u, 4, &value), ==,
			UB_SIM_ACCESS_FAULT);
	/* started: the regression runs, level 0 is in force after the reset */
	wr(&chip, FLASH_OPTCR, 0x0FFFAAEEu);
	advance_us(&chip, 16 * 1000 * 1000 + 1);
	g_assert_cmphex(rd(&chip, FLASH_SR) & SR_BSY, ==, 0);
	g_assert_cmpint(ub_sim_mcu_ap_read(chip.mcu, 0x08000000u, 4, &value), ==,
			UB_SIM_ACCESS_FAULT);
	pin_reset(&chip);
	g_assert_cmphex(rd(&chip, 0x08000000u), ==, 0xFFFFFFFFu);
	g_assert_cmphex(rd(&chip, 0x40024000u), ==, 0);

	/* keys while unlocked: bus error, locked until reset */
	unlock_flash(&chip);
	g_assert_cmpint(ub_sim_mcu_ap_write(chip.mcu, FLASH_KEYR, 4, 0x45670123u), ==,
			UB_SIM_ACCESS_FAULT);
	g_assert_cmphex(rd(&chip, FLASH_CR) >> 31, ==, 1);
	chip_clear(&chip);
}

static void
test_sleep_stalls_debug(void)
{
	/* wfi; b . */
	static const guint16 code[] = {0xBF30, 0xE7FE};
	guint32 value = 0;
	Chip chip;

	chip_init(&chip);
	chip_power(&chip);
	halt_and_set_pc(&chip, 0x20000000u);
	put_code(&chip, 0x20000000u, code, G_N_ELEMENTS(code));
	wr(&chip, DHCSR, 0xA05F0001u);
	advance_us(&chip, 10);
	/* HCLK is off in Sleep without DBG_SLEEP: memory stalls, the SCS still answers */
	g_assert_cmpint(ub_sim_mcu_ap_read(chip.mcu, 0x20000000u, 4, &value), ==,
			UB_SIM_ACCESS_WAIT);
	g_assert_cmphex(rd(&chip, DHCSR) & (1u << 18), ==, 1u << 18);
	wr(&chip, DBGMCU_CR, 1);
	g_assert_cmpint(ub_sim_mcu_ap_read(chip.mcu, 0x20000000u, 4, &value), ==,
			UB_SIM_ACCESS_OK);
	/* a halt request wakes the core into Debug state */
	wr(&chip, DBGMCU_CR, 0);
	wr(&chip, DHCSR, 0xA05F0003u);
	g_assert_cmphex(rd(&chip, DHCSR) & S_HALT, ==, S_HALT);
	g_assert_cmpint(ub_sim_mcu_ap_read(chip.mcu, 0x20000000u, 4, &value), ==,
			UB_SIM_ACCESS_OK);
	chip_clear(&chip);
}

/* ---- the DAP ---- */

/* RM0090 §4: the CRC unit, clocked by RCC_AHB1ENR.CRCEN; a word takes 4 AHB cycles and the
 * core's next write waits for it */
static void
test_crc_unit(void)
{
	/* ldr r0,[pc,#20] (CRC base); movs r1,#0; movs r2,#64; loop: str r1,[r0]; adds r1,#1;
	 * str r1,[r0]; adds r1,#1; subs r2,#2; bne loop; ldr r3,[r0]; bkpt; .word 0x40023000 */
	static const guint16 code[] = {0x4805, 0x2100, 0x2240, 0x6001, 0x3101, 0x6001,
				       0x3101, 0x3A02, 0xD1F9, 0x6803, 0xBE00, 0xBF00,
				       0x3000, 0x4002};
	guint32 expected = 0xFFFFFFFFu;
	guint64 start;
	guint64 took;
	Chip chip;

	chip_init(&chip);
	chip_power(&chip);
	/* without its clock the unit takes nothing and reads 0 */
	wr(&chip, 0x40023000u, 0x12345678u);
	g_assert_cmphex(rd(&chip, 0x40023000u), ==, 0);
	wr(&chip, 0x40023830u, rd(&chip, 0x40023830u) | (1u << 12));
	g_assert_cmphex(rd(&chip, 0x40023000u), ==, 0xFFFFFFFFu);
	/* the values ST's own examples give: one word 0x12345678, one word 0 */
	wr(&chip, 0x40023000u, 0x12345678u);
	g_assert_cmphex(rd(&chip, 0x40023000u), ==, 0xDF8A8A2Bu);
	wr(&chip, 0x40023008u, 1);
	wr(&chip, 0x40023000u, 0);
	g_assert_cmphex(rd(&chip, 0x40023000u), ==, 0xC704DD7Bu);

	/* the core feeds it 64 words back to back: the result of all of them, and no faster
	 * than 4 cycles a word (64 × 250 ns) */
	wr(&chip, 0x40023008u, 1);
	for (guint32 i = 0; i < 64; i++) {
		expected ^= i;
		for (guint bit = 0; bit < 32; bit++)
			expected = (expected & 0x80000000u) ? (expected << 1) ^ 0x04C11DB7u
							    : expected << 1;
	}
	halt_and_set_pc(&chip, 0x20000000u);
	put_code(&chip, 0x20000000u, code, G_N_ELEMENTS(code));
	wr(&chip, DHCSR, 0xA05F0001u);
	start = ub_sim_clock_get_ns(chip.clock);
	for (guint us = 0; us < 1000 && (rd(&chip, DHCSR) & S_HALT) == 0; us++)
		advance_us(&chip, 1);
	took = ub_sim_clock_get_ns(chip.clock) - start;
	g_assert_cmpuint(rd(&chip, DHCSR) & S_HALT, !=, 0);
	g_assert_cmphex(read_reg(&chip, 3), ==, expected);
	g_assert_cmpuint(took, >=, 64 * 250);
	/* a system reset puts it back to its reset value */
	wr(&chip, AIRCR, 0x05FA0004u);
	wr(&chip, 0x40023830u, rd(&chip, 0x40023830u) | (1u << 12));
	g_assert_cmphex(rd(&chip, 0x40023000u), ==, 0xFFFFFFFFu);
	chip_clear(&chip);
}

static void
test_dap_protocol(void)
{
	g_autoptr(UbSimDap) dap = NULL;
	guint32 data = 0;
	Chip chip;

	chip_init(&chip);
	chip_power(&chip);
	dap = ub_sim_dap_new(chip.mcu);
	ub_sim_dap_line_reset(dap, TRUE);
	/* only DPIDR after a line reset */
	data = 0;
	g_assert_cmpint(ub_sim_dap_transfer(dap, FALSE, TRUE, 0x4, &data), ==, UB_SIM_ACK_NONE);
	g_assert_cmpint(ub_sim_dap_transfer(dap, FALSE, TRUE, 0x0, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmphex(data, ==, 0x2BA01477u);
	data = 0x50000000u;
	g_assert_cmpint(ub_sim_dap_transfer(dap, FALSE, FALSE, 0x4, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmpint(ub_sim_dap_transfer(dap, FALSE, TRUE, 0x4, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmphex(data & 0xF0000000u, ==, 0xF0000000u);
	/* AP IDR in bank 0xF, posted: the value comes with the next read */
	data = 0x000000F0u;
	g_assert_cmpint(ub_sim_dap_transfer(dap, FALSE, FALSE, 0x8, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmpint(ub_sim_dap_transfer(dap, TRUE, TRUE, 0xC, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmpint(ub_sim_dap_transfer(dap, FALSE, TRUE, 0xC, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmphex(data, ==, 0x24770011u);
	/* CSW word + increment, TAR near the end of a 4 KiB block: it wraps inside it */
	data = 0;
	g_assert_cmpint(ub_sim_dap_transfer(dap, FALSE, FALSE, 0x8, &data), ==, UB_SIM_ACK_OK);
	data = 0x23000012u;
	g_assert_cmpint(ub_sim_dap_transfer(dap, TRUE, FALSE, 0x0, &data), ==, UB_SIM_ACK_OK);
	data = 0x20000FFCu;
	g_assert_cmpint(ub_sim_dap_transfer(dap, TRUE, FALSE, 0x4, &data), ==, UB_SIM_ACK_OK);
	data = 0x11111111u;
	g_assert_cmpint(ub_sim_dap_transfer(dap, TRUE, FALSE, 0xC, &data), ==, UB_SIM_ACK_OK);
	data = 0x22222222u;
	g_assert_cmpint(ub_sim_dap_transfer(dap, TRUE, FALSE, 0xC, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmphex(rd(&chip, 0x20000FFCu), ==, 0x11111111u);
	g_assert_cmphex(rd(&chip, 0x20000000u), ==, 0x22222222u);
	g_assert_cmphex(rd(&chip, 0x20001000u), ==, 0);
	/* a bus error is sticky: FAULT for everything but DPIDR/CTRL reads and ABORT */
	data = 0x30000000u;
	g_assert_cmpint(ub_sim_dap_transfer(dap, TRUE, FALSE, 0x4, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmpint(ub_sim_dap_transfer(dap, TRUE, TRUE, 0xC, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmpint(ub_sim_dap_transfer(dap, FALSE, TRUE, 0xC, &data), ==, UB_SIM_ACK_FAULT);
	g_assert_cmpint(ub_sim_dap_transfer(dap, TRUE, TRUE, 0x0, &data), ==, UB_SIM_ACK_FAULT);
	g_assert_cmpint(ub_sim_dap_transfer(dap, FALSE, TRUE, 0x4, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmphex(data & 0x20, ==, 0x20);
	/* not by writing it back (DPv0): a CTRL/STAT write is refused while sticky */
	data = 0x50000020u;
	g_assert_cmpint(ub_sim_dap_transfer(dap, FALSE, FALSE, 0x4, &data), ==, UB_SIM_ACK_FAULT);
	g_assert_cmpint(ub_sim_dap_transfer(dap, FALSE, TRUE, 0x4, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmphex(data & 0x20, ==, 0x20);
	data = 0x4; /* STKERRCLR */
	g_assert_cmpint(ub_sim_dap_transfer(dap, FALSE, FALSE, 0x0, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmpint(ub_sim_dap_transfer(dap, TRUE, TRUE, 0x0, &data), ==, UB_SIM_ACK_OK);
	/* a power cycle resets the DP: DPIDR first again */
	ub_sim_mcu_set_powered(chip.mcu, FALSE);
	chip_power(&chip);
	g_assert_cmpint(ub_sim_dap_transfer(dap, TRUE, TRUE, 0x0, &data), ==, UB_SIM_ACK_NONE);
	g_clear_object(&dap);
	chip_clear(&chip);
}

static void
test_dap_wait_while_flash_busy(void)
{
	g_autoptr(UbSimDap) dap = NULL;
	guint32 data = 0;
	Chip chip;

	chip_init(&chip);
	chip_power(&chip);
	dap = ub_sim_dap_new(chip.mcu);
	g_assert_cmpint(ub_sim_dap_transfer(dap, FALSE, TRUE, 0x0, &data), ==, UB_SIM_ACK_OK);
	unlock_flash(&chip);
	wr(&chip, FLASH_CR, 0x00010002u); /* erase sector 0, x8: 400 ms */
	data = 0x23000002u;
	g_assert_cmpint(ub_sim_dap_transfer(dap, TRUE, FALSE, 0x0, &data), ==, UB_SIM_ACK_OK);
	data = 0x08000000u;
	g_assert_cmpint(ub_sim_dap_transfer(dap, TRUE, FALSE, 0x4, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmpint(ub_sim_dap_transfer(dap, TRUE, TRUE, 0xC, &data), ==, UB_SIM_ACK_WAIT);
	advance_us(&chip, 400 * 1000);
	g_assert_cmpint(ub_sim_dap_transfer(dap, TRUE, TRUE, 0xC, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmpint(ub_sim_dap_transfer(dap, FALSE, TRUE, 0xC, &data), ==, UB_SIM_ACK_OK);
	g_assert_cmphex(data, ==, 0xFFFFFFFFu);
	g_clear_object(&dap);
	chip_clear(&chip);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/mcu/identity", test_identity);
	g_test_add_func("/sim/mcu/flash-program", test_flash_program);
	g_test_add_func("/sim/mcu/flash-erase-timing", test_flash_erase_timing);
	g_test_add_func("/sim/mcu/rdp", test_rdp);
	g_test_add_func("/sim/mcu/core-runs-sram-code", test_core_runs_sram_code);
	g_test_add_func("/sim/mcu/core-programs-flash", test_core_programs_flash);
	g_test_add_func("/sim/mcu/reset-and-vector-catch", test_reset_and_vector_catch);
	g_test_add_func("/sim/mcu/blank-chip-locks-up", test_blank_chip_locks_up);
	g_test_add_func("/sim/mcu/firmware-takes-swd-pins", test_firmware_takes_swd_pins);
	g_test_add_func("/sim/mcu/watchdog", test_watchdog);
	g_test_add_func("/sim/mcu/sleep-stalls-debug", test_sleep_stalls_debug);
	g_test_add_func("/sim/mcu/flash-interrupted", test_flash_interrupted);
	g_test_add_func("/sim/mcu/flash-stalls", test_flash_stalls);
	g_test_add_func("/sim/mcu/flash-timing", test_flash_timing);
	g_test_add_func("/sim/mcu/data-cache", test_data_cache);
	g_test_add_func("/sim/mcu/dma-keeps-writing", test_dma_keeps_writing);
	g_test_add_func("/sim/mcu/dma-adc-watchdog", test_dma_adc_watchdog);
	g_test_add_func("/sim/mcu/option-bytes-in-force", test_option_bytes_in_force);
	g_test_add_func("/sim/mcu/crc-unit", test_crc_unit);
	g_test_add_func("/sim/dap/protocol", test_dap_protocol);
	g_test_add_func("/sim/dap/wait-while-flash-busy", test_dap_wait_while_flash_busy);
	return g_test_run();
}
