/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The STM32F405 model. One bus decoder (mcu_bus_read/mcu_bus_write) serves both masters: the
 * AHB-AP (the debugger, through ub_sim_mcu_ap_read/write) and the Cortex-M4 core, which Unicorn
 * executes over the same buffers (flash, SRAM, CCM mapped directly; system memory, peripherals
 * and the PPB as MMIO that ends in the same decoder).
 *
 * Time: the core runs at the 16 MHz HSI it starts from (RM0090 §6.2.2); each executed basic
 * block costs one cycle per half-word plus two for the branch that ends it. Two idle loops are
 * skipped instead of executed (as emulators do): a branch to itself, and a read of FLASH_SR while
 * BSY is set, which moves the core's time to the end of the flash operation.
 *
 * Facts: RM0090 (memory map, FLASH, RCC, GPIO, IWDG, DBGMCU), DS8626 (flash timing), ARMv7-M ARM
 * part C1 (debug registers); collected with sources in ../shared/reference/stlink-and-stm32f4.md.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unicorn/unicorn.h>

#include "ub-error.h"
#include "ub-sim-dma.h"
#include "ub-sim-mcu.h"

#define CPU_HZ 16000000u
#define CYCLES_TO_NS(c) ((c) * G_GUINT64_CONSTANT(1000000000) / CPU_HZ)
#define NS_TO_CYCLES(ns) ((ns) * CPU_HZ / G_GUINT64_CONSTANT(1000000000))

#define CCM_BASE 0x10000000u
#define CCM_SIZE 0x00010000u
#define SYSMEM_BASE 0x1FFF0000u /* system memory, OTP, UID, flash size, option bytes */
#define SYSMEM_SIZE 0x00010000u
#define OTP_BASE 0x1FFF7800u
#define OTP_END 0x1FFF7A10u
#define UID_BASE 0x1FFF7A10u
#define FLASH_SIZE_REG 0x1FFF7A20u
#define OPTION_BYTES 0x1FFFC000u
#define PERIPH_BASE 0x40000000u
#define PERIPH_SIZE 0x00080000u
#define AHB2_BASE 0x50000000u
#define AHB2_SIZE 0x00061000u
#define PPB_BASE 0xE0000000u
#define PPB_SIZE 0x00100000u

#define RCC_BASE 0x40023800u
#define RCC_CR (RCC_BASE + 0x00)
#define RCC_PLLCFGR (RCC_BASE + 0x04)
#define RCC_CFGR (RCC_BASE + 0x08)
#define RCC_AHB1ENR (RCC_BASE + 0x30)
#define RCC_APB2ENR (RCC_BASE + 0x44)
#define RCC_CSR (RCC_BASE + 0x74)
#define RCC_CRCEN (1u << 12)
/* RM0090 §4: the CRC calculation unit (CRC-32/MPEG-2 over 32-bit words) */
#define CRC_BASE 0x40023000u
#define CRC_DR (CRC_BASE + 0x00)
#define CRC_IDR (CRC_BASE + 0x04)
#define CRC_CR (CRC_BASE + 0x08)
#define CRC_CR_RESET (1u << 0)
#define CRC_POLY 0x04C11DB7u
/* RM0090 §4.3: a word takes 4 AHB cycles; a write before then waits on the bus */
#define CRC_CYCLES 4
#define GPIO_BASE 0x40020000u
#define GPIO_END 0x40022400u /* ports A-I, 1 KiB each */
#define FLASH_IF 0x40023C00u
#define FLASH_ACR (FLASH_IF + 0x00)
#define FLASH_KEYR (FLASH_IF + 0x04)
#define FLASH_OPTKEYR (FLASH_IF + 0x08)
#define FLASH_SR (FLASH_IF + 0x0C)
#define FLASH_CR (FLASH_IF + 0x10)
#define FLASH_OPTCR (FLASH_IF + 0x14)
#define IWDG_BASE 0x40003000u
#define BKP_DOMAIN_BASE 0x40002800u /* RTC + backup registers: kept over a system reset */
#define BKP_DOMAIN_END 0x40002C00u
#define BKPSRAM_BASE 0x40024000u
#define BKPSRAM_END 0x40025000u

#define DWT_CTRL 0xE0001000u
#define DWT_DEVARCH 0xE0001FBCu
#define FP_CTRL 0xE0002000u
#define FP_COMP0 0xE0002008u
#define CPUID 0xE000ED00u
#define AIRCR 0xE000ED0Cu
#define SCR 0xE000ED10u
#define CCR 0xE000ED14u
#define CFSR 0xE000ED28u
#define HFSR 0xE000ED2Cu
#define DFSR 0xE000ED30u
#define DHCSR 0xE000EDF0u
#define DCRSR 0xE000EDF4u
#define DCRDR 0xE000EDF8u
#define DEMCR 0xE000EDFCu
#define FPCCR 0xE000EF34u
#define MVFR0 0xE000EF40u
#define MVFR1 0xE000EF44u
#define DBGMCU_IDCODE 0xE0042000u
#define DBGMCU_CR 0xE0042004u
#define DBGMCU_APB1_FZ 0xE0042008u
#define DBGMCU_APB2_FZ 0xE004200Cu
#define ROM_TABLE 0xE00FF000u

/* DHCSR */
#define C_DEBUGEN (1u << 0)
#define C_HALT (1u << 1)
#define C_STEP (1u << 2)
#define C_MASKINTS (1u << 3)
#define C_SNAPSTALL (1u << 5)
#define S_REGRDY (1u << 16)
#define S_HALT (1u << 17)
#define S_SLEEP (1u << 18)
#define S_LOCKUP (1u << 19)
#define S_RETIRE_ST (1u << 24)
#define S_RESET_ST (1u << 25)
/* DFSR */
#define DFSR_HALTED (1u << 0)
#define DFSR_BKPT (1u << 1)
#define DFSR_VCATCH (1u << 3)
/* FLASH_SR / FLASH_CR */
#define SR_EOP (1u << 0)
#define SR_OPERR (1u << 1)
#define SR_WRPERR (1u << 4)
#define SR_PGAERR (1u << 5)
#define SR_PGPERR (1u << 6)
#define SR_PGSERR (1u << 7)
#define SR_BSY (1u << 16)
#define SR_W1C (SR_EOP | SR_OPERR | SR_WRPERR | SR_PGAERR | SR_PGPERR | SR_PGSERR)
#define CR_PG (1u << 0)
#define CR_SER (1u << 1)
#define CR_MER (1u << 2)
#define CR_STRT (1u << 16)
#define CR_PSIZE_SHIFT 8
#define CR_EOPIE (1u << 24)
#define CR_ERRIE (1u << 25)
#define CR_LOCK (1u << 31)
#define OPTCR_OPTLOCK (1u << 0)
#define OPTCR_OPTSTRT (1u << 1)
#define OPTCR_WDG_SW (1u << 5)
/* the option bytes as an erase leaves them: every bit 1 (RDP 0xFF is level 1) */
#define OPTCR_ERASED 0x0FFFFFECu
/* FLASH_ACR */
#define ACR_ICEN (1u << 9)
#define ACR_DCEN (1u << 10)
#define ACR_ICRST (1u << 11)
#define ACR_DCRST (1u << 12)
/* RM0090 §3.5.2: the D-Code data cache, 8 lines of 128 bits, least recently used replaced */
#define DCACHE_LINES 8
#define DCACHE_LINE 16u
/* while a DMA stream writes memory on its own, the core runs in slices this short so that
 * the two interleave */
#define DMA_SLICE_NS (50 * UB_SIM_NS_PER_US)

#define DBGMCU_DBG_SLEEP (1u << 0)
#define DBGMCU_DBG_STOP (1u << 1)
#define DBG_IWDG_STOP (1u << 12)

/* RCC_CSR reset flags */
#define CSR_BORRSTF (1u << 25)
#define CSR_PINRSTF (1u << 26)
#define CSR_PORRSTF (1u << 27)
#define CSR_SFTRSTF (1u << 28)
#define CSR_IWDGRSTF (1u << 29)
#define CSR_RMVF (1u << 24)

/* the ID values every tool checks (reference §5.1, §6.1) */
#define VALUE_CPUID 0x410FC241u
#define VALUE_DBGMCU_IDCODE 0x10076413u /* DEV_ID 0x413, REV_ID 0x1007 (rev 1) */
#define VALUE_MVFR0 0x10110021u
#define VALUE_MVFR1 0x11000011u
#define VALUE_FP_CTRL 0x00000260u /* 6 code + 2 literal comparators */
#define VALUE_DWT_CTRL 0x40000000u /* 4 comparators */

typedef enum {
	MASTER_DEBUG,
	MASTER_CPU,
} Master;

typedef enum {
	SLEEP_NONE,
	SLEEP_LIGHT, /* WFI/WFE, SCR.SLEEPDEEP = 0: HCLK stops unless DBG_SLEEP */
	SLEEP_DEEP,  /* Stop/Standby: FCLK stops too unless DBG_STOP/DBG_STANDBY */
} SleepMode;

typedef enum {
	STOP_NONE,
	STOP_TIME,   /* the slice is used up */
	STOP_HALT,   /* Debug state entered (BKPT, breakpoint) */
	STOP_LOCKUP, /* unrecoverable fault */
	STOP_RESET,  /* the core asked for a system reset */
} StopReason;

typedef enum {
	FLASH_OP_NONE,
	FLASH_OP_PROGRAM,
	FLASH_OP_ERASE,
	FLASH_OP_OPTION,
} FlashOp;

/* a CPU store into flash: Unicorn writes the raw value after our hook; this puts back what
 * the flash really holds (the old bytes: programming lands when the operation ends). The
 * same mechanism shows the core a stale data-cache line for one load. */
typedef struct {
	guint32 offset;
	guint size;
	guint8 bytes[8];
} FlashFixup;

struct _UbSimMcu {
	GObject parent_instance;
	UbSimClock *clock;

	guint8 *flash;
	gboolean flash_mapped; /* ub_sim_mcu_map_flash(): the flash pages are a file's */
	guint8 *sram;
	guint8 *ccm;
	guint8 otp[OTP_END - OTP_BASE];
	guint8 uid[12];
	guint32 stored_optcr; /* the option bytes in flash, as OPTCR shows them */
	guint32 loaded_optcr; /* what the chip loaded from them at the last reset: in force */
	gboolean dead;
	gboolean powered;
	gboolean nrst_low;
	UbSimReset last_reset;
	gboolean debug_attached; /* the debugger touched the AHB-AP since power-on */
	UbSimMcuStats stats;

	/* FLASH interface */
	guint32 flash_acr;
	guint32 flash_cr;
	guint32 flash_sr;
	guint32 optcr;
	guint key_step;
	guint optkey_step;
	gboolean cr_key_error; /* wrong key: locked until the next reset */
	FlashOp flash_op;
	guint64 busy_start;
	guint64 busy_until;
	guint64 bus_held_until; /* another master owns the AHB matrix (ub_sim_mcu_hold_bus) */
	/* what lands when the operation ends */
	guint32 op_offset, op_size; /* erased range, or the programmed element */
	guint32 op_value;	    /* programmed data */
	guint32 op_optcr;	    /* option bytes to store */
	gboolean op_erases_flash;   /* an RDP regression erases everything first */
	UbSimFlashTiming timing;
	GRand *timing_rand;
	GArray *fixups; /* of FlashFixup */
	struct {
		gboolean valid;
		guint32 tag; /* flash offset of the line */
		guint64 used;
		guint8 data[DCACHE_LINE];
	} dcache[DCACHE_LINES];
	guint64 dcache_uses;

	/* peripherals */
	GHashTable *periph; /* address → value: plain storage for what is not modelled */
	guint32 rcc_cr, rcc_cfgr, rcc_pllcfgr, rcc_ahb1enr, rcc_apb2enr, rcc_csr;
	guint32 crc_dr, crc_idr;
	guint64 crc_ready; /* the last word's calculation ends (CPU time) */
	UbSimDma *dma; /* DMA1/2 and ADC1: they keep writing SRAM while the core is halted */
	guint32 gpio[9][10];
	gboolean iwdg_running;
	guint32 iwdg_pr, iwdg_rlr;
	guint iwdg_access; /* 0x5555 written: PR/RLR writable */
	guint64 iwdg_deadline;
	guint32 dbgmcu_cr, dbgmcu_apb1_fz, dbgmcu_apb2_fz;

	/* system control space and debug */
	GHashTable *ppb; /* address → value for plain SCS/DWT/ITM registers */
	guint32 dhcsr_ctrl; /* C_* bits */
	gboolean halted;
	gboolean lockup;
	gboolean reset_st;
	gboolean retire_st;
	SleepMode sleep;
	guint32 demcr, dfsr, dcrdr;
	guint32 aircr_prigroup;
	guint32 fp_ctrl_enable;
	guint32 fp_comp[8];
	guint32 cfsr, hfsr;
	gboolean thumb; /* xPSR.T as the debugger last wrote it */

	/* the core */
	uc_engine *uc;
	uc_hook hook_block, hook_flash_write[2], hook_flash_read[2], hook_intr, hook_bkpt[6];
	/* memory changed behind Unicorn's back (debugger writes, programming), to drop from its
	 * translation cache before the core runs again: [0] SRAM, [1] flash offsets */
	guint32 dirty_lo[2], dirty_hi[2];
	gboolean fpb_dirty;
	guint64 cpu_now; /* the core's own time inside a slice */
	guint64 cpu_end;
	guint64 cpu_stalled_until; /* a bus stall ran past the slice: the core waits until then */
	StopReason stop;
	guint32 skip_bkpt_at; /* resuming on a breakpointed address: do not stop there again */
	gboolean first_block_seen;
	gboolean in_cpu; /* inside uc_emu_start: the engine must not be closed */
	UbSimReset pending_reset;
	guint power_generation;
};

G_DEFINE_TYPE(UbSimMcu, ub_sim_mcu, G_TYPE_OBJECT)

static void mcu_tick(gpointer user_data, guint64 start_ns, guint64 step_ns);
static UbSimAccess mcu_bus_read(UbSimMcu *self, Master master, guint32 address, guint size,
				guint32 *value);
static UbSimAccess mcu_bus_write(UbSimMcu *self, Master master, guint32 address, guint size,
				 guint32 value);
static void mcu_system_reset(UbSimMcu *self, UbSimReset kind);
static void mcu_core_start(UbSimMcu *self);

/* ---- small helpers ---- */

static guint32
get_le32(const guint8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (guint32)p[3] << 24;
}

static guint
rdp_level(guint32 optcr)
{
	guint8 rdp = (optcr >> 8) & 0xFF;

	return rdp == 0xAA ? 0 : rdp == 0xCC ? 2 : 1;
}

static gboolean
in_range(guint32 address, guint32 base, guint32 size)
{
	return address >= base && address - base < size;
}

static guint64
now_for(UbSimMcu *self, Master master)
{
	return master == MASTER_CPU ? self->cpu_now : ub_sim_clock_get_ns(self->clock);
}

/* the core's bus access waits until @until; past the end of its slice the core stops at the
 * next block (stopping Unicorn inside a memory callback would replay the block), and mcu_tick
 * lets it run again only once the clock has caught up */
static void
cpu_stall(UbSimMcu *self, guint64 until)
{
	if (until > self->cpu_now)
		self->cpu_now = until;
}

/* the sector holding flash offset `offset` (RM0090 Table 5: 4 × 16, 1 × 64, 7 × 128 KiB) */
static guint
flash_sector_of(guint32 offset)
{
	if (offset < 0x10000)
		return offset / 0x4000;
	if (offset < 0x20000)
		return 4;
	return 4 + offset / 0x20000;
}

static void
flash_sector_span(guint sector, guint32 *offset, guint32 *size)
{
	if (sector < 4) {
		*offset = sector * 0x4000;
		*size = 0x4000;
	} else if (sector == 4) {
		*offset = 0x10000;
		*size = 0x10000;
	} else {
		*offset = (sector - 4) * 0x20000;
		*size = 0x20000;
	}
}

/* DS8626 typical times (reference §6.6); the erase time depends on PSIZE. Every maximum is
 * twice the typical erase time, and 100 µs against 16 µs for an element. */
static guint64
flash_erase_ns(guint32 size, guint psize)
{
	static const guint ms16[] = {400, 300, 250, 250};
	static const guint ms64[] = {1200, 700, 550, 550};
	static const guint ms128[] = {2000, 1300, 1000, 1000};
	const guint *table = size == 0x4000 ? ms16 : size == 0x10000 ? ms64 : ms128;

	return table[psize & 3] * UB_SIM_NS_PER_MS;
}

static guint64
flash_mass_erase_ns(guint psize)
{
	static const guint ms[] = {16000, 11000, 8000, 8000};

	return ms[psize & 3] * UB_SIM_NS_PER_MS;
}

#define FLASH_PROGRAM_NS (16 * UB_SIM_NS_PER_US)
#define FLASH_PROGRAM_MAX_NS (100 * UB_SIM_NS_PER_US)

/* the time one operation takes on this chip, between the datasheet's typical and maximum */
static guint64
flash_duration(UbSimMcu *self, guint64 typical, guint64 maximum)
{
	switch (self->timing) {
	case UB_SIM_FLASH_TIMING_MAX:
		return maximum;
	case UB_SIM_FLASH_TIMING_DRAWN:
		return typical + (guint64)(g_rand_double(self->timing_rand) * (maximum - typical));
	case UB_SIM_FLASH_TIMING_TYPICAL:
	default:
		return typical;
	}
}

enum { DIRTY_SRAM, DIRTY_FLASH };

static void
mark_dirty(UbSimMcu *self, guint region, guint32 lo, guint32 hi)
{
	if (self->dirty_hi[region] == 0) {
		self->dirty_lo[region] = lo;
		self->dirty_hi[region] = hi;
	} else {
		self->dirty_lo[region] = MIN(self->dirty_lo[region], lo);
		self->dirty_hi[region] = MAX(self->dirty_hi[region], hi);
	}
}

/* ---- the flash interface (RM0090 §3.5-3.7) ---- */

static void cpu_apply_fixups(UbSimMcu *self);

static void
dcache_invalidate(UbSimMcu *self, guint32 offset, guint32 size)
{
	for (guint i = 0; i < DCACHE_LINES; i++) {
		if (self->dcache[i].valid && self->dcache[i].tag + DCACHE_LINE > offset &&
		    self->dcache[i].tag < offset + size)
			self->dcache[i].valid = FALSE;
	}
}

/* the D-Code data cache (FLASH_ACR.DCEN): reads of main flash by the core's data accesses and
 * the debugger's come from a line once it is cached. Programming through the bus updates
 * what it writes, but an erase happens inside the flash and leaves cached lines as they
 * were: ST's HAL resets the cache after every erase (FLASH_FlushCaches) for this reason. */
static const guint8 *
dcache_line(UbSimMcu *self, guint32 offset)
{
	guint32 tag = offset & ~(DCACHE_LINE - 1);
	guint victim = 0;

	for (guint i = 0; i < DCACHE_LINES; i++) {
		if (self->dcache[i].valid && self->dcache[i].tag == tag) {
			self->dcache[i].used = ++self->dcache_uses;
			return self->dcache[i].data;
		}
	}
	for (guint i = 0; i < DCACHE_LINES; i++) {
		if (!self->dcache[i].valid) {
			victim = i;
			break;
		}
		if (self->dcache[i].used < self->dcache[victim].used)
			victim = i;
	}
	self->dcache[victim].valid = TRUE;
	self->dcache[victim].tag = tag;
	self->dcache[victim].used = ++self->dcache_uses;
	memcpy(self->dcache[victim].data, self->flash + tag, DCACHE_LINE);
	return self->dcache[victim].data;
}

/* what a data read of main flash returns, through the cache when it is on */
static void
flash_read_data(UbSimMcu *self, guint32 offset, guint size, guint8 *out)
{
	for (guint i = 0; i < size; i++) {
		guint32 at = (offset + i) & (UB_SIM_FLASH_SIZE - 1);
		out[i] = (self->flash_acr & ACR_DCEN) ? dcache_line(self, at)[at % DCACHE_LINE]
						      : self->flash[at];
	}
}

/* the operation has run to its end: its result lands now */
static void
flash_complete(UbSimMcu *self)
{
	cpu_apply_fixups(self);
	switch (self->flash_op) {
	case FLASH_OP_ERASE:
		memset(self->flash + self->op_offset, 0xFF, self->op_size);
		mark_dirty(self, DIRTY_FLASH, self->op_offset, self->op_offset + self->op_size);
		if (self->op_size == UB_SIM_FLASH_SIZE)
			self->stats.mass_erases++;
		else
			self->stats.sectors_erased++;
		break;
	case FLASH_OP_PROGRAM:
		/* programming can only clear bits */
		for (guint i = 0; i < self->op_size; i++)
			self->flash[self->op_offset + i] &= (guint8)(self->op_value >> (8 * i));
		mark_dirty(self, DIRTY_FLASH, self->op_offset, self->op_offset + self->op_size);
		dcache_invalidate(self, self->op_offset, self->op_size);
		self->stats.bytes_programmed += self->op_size;
		break;
	case FLASH_OP_OPTION:
		if (self->op_erases_flash) {
			/* RM0090 §3.7.3: the flash and the backup SRAM */
			memset(self->flash, 0xFF, UB_SIM_FLASH_SIZE);
			mark_dirty(self, DIRTY_FLASH, 0, UB_SIM_FLASH_SIZE);
			for (guint32 a = BKPSRAM_BASE; a < BKPSRAM_END; a += 4)
				g_hash_table_remove(self->periph, GUINT_TO_POINTER(a));
			self->stats.mass_erases++;
		}
		self->stored_optcr = self->op_optcr;
		break;
	case FLASH_OP_NONE:
	default:
		break;
	}
	self->flash_op = FLASH_OP_NONE;
	self->flash_cr &= ~CR_STRT;
	if (self->flash_cr & CR_EOPIE)
		self->flash_sr |= SR_EOP;
}

static void
flash_update(UbSimMcu *self, guint64 now)
{
	if (self->flash_op == FLASH_OP_NONE || now < self->busy_until)
		return;
	flash_complete(self);
}

static gboolean
flash_busy(UbSimMcu *self, guint64 now)
{
	flash_update(self, now);
	return self->flash_op != FLASH_OP_NONE;
}

/* An erase cut short: RM0090 does not say what the cells hold (an erase pulls every bit of
 * the sector towards 1, not all at the same pace). What is left: the part the erase got
 * through reads erased, the rest every other word 0x00000000 and the others as they were, a
 * pattern that no image matches and that an erased check sees. */
static void
flash_leave_half_erased(UbSimMcu *self, guint32 offset, guint32 size, guint64 done,
			guint64 total)
{
	guint32 front = (guint32)((guint64)size * MIN(done, total) / MAX(total, 1)) & ~15u;

	memset(self->flash + offset, 0xFF, front);
	for (guint32 at = front; at + 4 <= size; at += 8)
		memset(self->flash + offset + at, 0x00, 4);
	mark_dirty(self, DIRTY_FLASH, offset, offset + size);
}

/* a reset or a power cut while BSY: what the operation had done so far stays, half done */
static void
flash_interrupt(UbSimMcu *self, guint64 now)
{
	guint64 done;
	guint64 total;

	if (self->flash_op == FLASH_OP_NONE)
		return;
	if (now >= self->busy_until) {
		flash_complete(self);
		return;
	}
	cpu_apply_fixups(self);
	done = now - self->busy_start;
	total = self->busy_until - self->busy_start;
	switch (self->flash_op) {
	case FLASH_OP_ERASE:
		flash_leave_half_erased(self, self->op_offset, self->op_size, done, total);
		break;
	case FLASH_OP_PROGRAM:
		/* a half-written element: only some of the bits that were to clear have */
		for (guint i = 0; i < self->op_size; i++)
			self->flash[self->op_offset + i] &=
				(guint8)(self->op_value >> (8 * i)) | 0xAA;
		mark_dirty(self, DIRTY_FLASH, self->op_offset, self->op_offset + self->op_size);
		break;
	case FLASH_OP_OPTION:
		/* RM0090 §3.7.2: the change erases the option bytes, then programs them: cut
		 * short, they read erased (RDP 0xFF, level 1) */
		if (self->op_erases_flash)
			flash_leave_half_erased(self, 0, UB_SIM_FLASH_SIZE, done, total);
		self->stored_optcr = OPTCR_ERASED | OPTCR_OPTLOCK;
		break;
	case FLASH_OP_NONE:
	default:
		break;
	}
	self->flash_op = FLASH_OP_NONE;
	self->stats.flash_interrupted++;
}

static void
flash_start(UbSimMcu *self, FlashOp op, guint64 now, guint64 duration)
{
	self->flash_op = op;
	self->busy_start = now;
	self->busy_until = now + duration;
}

static void
flash_error(UbSimMcu *self, guint32 bits)
{
	self->flash_sr |= bits;
	if (self->flash_cr & CR_ERRIE)
		self->flash_sr |= SR_OPERR;
}

/* with RDP level 1 and a debugger attached the flash is out of reach (RM0090 §3.6.3); the
 * level in force is the one loaded at reset, not what OPTCR was last written with */
static gboolean
flash_blocked(UbSimMcu *self)
{
	return rdp_level(self->loaded_optcr) == 1 && self->debug_attached;
}

static gboolean
flash_sector_protected(UbSimMcu *self, guint sector)
{
	return !((self->loaded_optcr >> (16 + sector)) & 1) || flash_blocked(self);
}

/* a write to FLASH_CR while not BSY (the caller stalls until then) */
static void
flash_cr_write(UbSimMcu *self, guint32 value, guint64 now)
{
	guint psize, sector;
	guint32 offset, size;

	if (self->flash_cr & CR_LOCK) {
		/* LOCK only clears through KEYR; the rest of CR is frozen */
		return;
	}
	/* SNB is bits 6:3 on the single-bank F405 (bit 7 is reserved) */
	self->flash_cr = value & 0x8301037Fu;
	if (!(value & CR_STRT))
		return;
	psize = (value >> CR_PSIZE_SHIFT) & 3;
	if ((value & (CR_SER | CR_MER)) == CR_SER) {
		sector = (value >> 3) & 0xF;
		if (sector > 11) {
			flash_error(self, SR_PGSERR);
			self->flash_cr &= ~CR_STRT;
			return;
		}
		if (flash_sector_protected(self, sector)) {
			flash_error(self, SR_WRPERR);
			self->flash_cr &= ~CR_STRT;
			return;
		}
		flash_sector_span(sector, &offset, &size);
		self->op_offset = offset;
		self->op_size = size;
		flash_start(self, FLASH_OP_ERASE, now,
			    flash_duration(self, flash_erase_ns(size, psize),
					   2 * flash_erase_ns(size, psize)));
	} else if ((value & (CR_SER | CR_MER)) == CR_MER) {
		if ((self->loaded_optcr & 0x0FFF0000u) != 0x0FFF0000u || flash_blocked(self)) {
			flash_error(self, SR_WRPERR);
			self->flash_cr &= ~CR_STRT;
			return;
		}
		self->op_offset = 0;
		self->op_size = UB_SIM_FLASH_SIZE;
		flash_start(self, FLASH_OP_ERASE, now,
			    flash_duration(self, flash_mass_erase_ns(psize),
					   2 * flash_mass_erase_ns(psize)));
	} else {
		/* neither or both: nothing starts */
		self->flash_cr &= ~CR_STRT;
	}
}

/* RM0090 §3.5.1: any wrong sequence, a key written while FLASH_CR is already unlocked
 * included, is a bus error and locks FLASH_CR until the next reset */
static void
flash_keyr_write(UbSimMcu *self, guint32 value)
{
	if (self->cr_key_error)
		return;
	if (self->key_step == 0 && value == 0x45670123u && (self->flash_cr & CR_LOCK)) {
		self->key_step = 1;
	} else if (self->key_step == 1 && value == 0xCDEF89ABu) {
		self->key_step = 0;
		self->flash_cr &= ~CR_LOCK;
	} else {
		self->key_step = 0;
		self->cr_key_error = TRUE;
		self->flash_cr |= CR_LOCK;
	}
}

static void
flash_optkeyr_write(UbSimMcu *self, guint32 value)
{
	if (self->optkey_step == 0 && value == 0x08192A3Bu) {
		self->optkey_step = 1;
	} else if (self->optkey_step == 1 && value == 0x4C5D6E7Fu) {
		self->optkey_step = 0;
		self->optcr &= ~OPTCR_OPTLOCK;
	} else {
		self->optkey_step = 0;
	}
}

static void
flash_optcr_write(UbSimMcu *self, guint32 value, guint64 now)
{
	guint old_level = rdp_level(self->stored_optcr);
	guint new_level;
	guint64 typical;

	if (self->optcr & OPTCR_OPTLOCK) {
		return;
	}
	self->optcr = value & 0x0FFFFFEFu;
	if (!(value & OPTCR_OPTSTRT))
		return;
	self->optcr &= ~OPTCR_OPTSTRT;
	if (old_level == 2) {
		/* level 2 freezes the option bytes for good */
		return;
	}
	new_level = rdp_level(value);
	self->op_optcr = (value & 0x0FFFFFECu) | OPTCR_OPTLOCK;
	self->op_erases_flash = old_level == 1 && new_level == 0;
	/* regression to level 0 mass-erases the flash first (RM0090 §3.7.3); the parallelism it
	 * uses is not documented, so it takes the x8 time. Any other change erases and
	 * reprograms the user configuration sector (RM0090 §3.7.2), whose time DS8626 does not
	 * give: a 16 KiB sector erase at x8 stands for it. */
	typical = self->op_erases_flash ? flash_mass_erase_ns(0) : flash_erase_ns(0x4000, 0);
	flash_start(self, FLASH_OP_OPTION, now, flash_duration(self, typical, 2 * typical));
}

/* a write into main flash (either alias), not BSY (the caller stalls until then) */
static UbSimAccess
flash_program(UbSimMcu *self, Master master, guint32 offset, guint size, guint32 value,
	      guint64 now)
{
	guint psize_bytes = 1u << ((self->flash_cr >> CR_PSIZE_SHIFT) & 3);
	guint sector = flash_sector_of(offset);

	if (master == MASTER_DEBUG && flash_blocked(self))
		return UB_SIM_ACCESS_FAULT;
	if ((self->flash_cr & CR_LOCK) || !(self->flash_cr & CR_PG)) {
		flash_error(self, SR_PGSERR);
		return UB_SIM_ACCESS_OK;
	}
	if (size != psize_bytes) {
		flash_error(self, SR_PGPERR);
		return UB_SIM_ACCESS_OK;
	}
	if (offset % size != 0) {
		flash_error(self, SR_PGAERR);
		return UB_SIM_ACCESS_OK;
	}
	if (flash_sector_protected(self, sector)) {
		flash_error(self, SR_WRPERR);
		return UB_SIM_ACCESS_OK;
	}
	self->op_offset = offset;
	self->op_size = size;
	self->op_value = value;
	flash_start(self, FLASH_OP_PROGRAM, now,
		    flash_duration(self, FLASH_PROGRAM_NS, FLASH_PROGRAM_MAX_NS));
	return UB_SIM_ACCESS_OK;
}

/* ---- IWDG (RM0090 §19): LSI 32 kHz, prescaler 4 << PR, 12-bit down counter ---- */

static guint64
iwdg_period_ns(UbSimMcu *self)
{
	guint divider = 4u << MIN(self->iwdg_pr, 6u);

	return (guint64)divider * (self->iwdg_rlr + 1) * 31250u;
}

static void
iwdg_reload(UbSimMcu *self, guint64 now)
{
	self->iwdg_deadline = now + iwdg_period_ns(self);
}

static void
iwdg_write(UbSimMcu *self, guint32 offset, guint32 value, guint64 now)
{
	switch (offset) {
	case 0x0: /* KR */
		value &= 0xFFFF;
		if (value == 0xCCCC) {
			if (!self->iwdg_running) {
				self->iwdg_running = TRUE;
				iwdg_reload(self, now);
				/* started by the running code: its slice must end at the deadline */
				if (self->in_cpu && self->iwdg_deadline < self->cpu_end)
					self->cpu_end = self->iwdg_deadline;
			}
		} else if (value == 0xAAAA) {
			if (self->iwdg_running)
				iwdg_reload(self, now);
			self->iwdg_access = 0;
		} else if (value == 0x5555) {
			self->iwdg_access = 1;
		} else {
			self->iwdg_access = 0;
		}
		break;
	case 0x4:
		if (self->iwdg_access)
			self->iwdg_pr = value & 7;
		break;
	case 0x8:
		if (self->iwdg_access)
			self->iwdg_rlr = value & 0xFFF;
		break;
	default:
		break;
	}
}

/* ---- GPIO ---- */

static const guint32 gpio_reset_moder[9] = {0xA8000000u, 0x00000280u};
static const guint32 gpio_reset_ospeedr[9] = {0x0C000000u, 0x000000C0u};
static const guint32 gpio_reset_pupdr[9] = {0x64000000u, 0x00000100u};

static void
gpio_reset(UbSimMcu *self)
{
	memset(self->gpio, 0, sizeof(self->gpio));
	for (guint port = 0; port < 9; port++) {
		self->gpio[port][0] = gpio_reset_moder[port];
		self->gpio[port][2] = gpio_reset_ospeedr[port];
		self->gpio[port][3] = gpio_reset_pupdr[port];
	}
}

/* ---- registers of the system control space and debug components ---- */

static guint32
ppb_storage(UbSimMcu *self, guint32 address)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(self->ppb, GUINT_TO_POINTER(address)));
}

static guint32
dhcsr_read(UbSimMcu *self, Master master)
{
	guint32 value = self->dhcsr_ctrl | S_REGRDY;

	if (self->halted)
		value |= S_HALT;
	if (self->lockup && !self->halted)
		value |= S_LOCKUP;
	if (self->sleep != SLEEP_NONE && !self->halted)
		value |= S_SLEEP;
	if (self->retire_st)
		value |= S_RETIRE_ST;
	if (self->reset_st)
		value |= S_RESET_ST;
	if (master == MASTER_DEBUG) {
		/* the sticky bits clear on a debugger read; a reset still held sets them again */
		self->retire_st = FALSE;
		self->reset_st = self->nrst_low;
	}
	return value;
}

static void
mcu_enter_debug(UbSimMcu *self, guint32 reason)
{
	self->halted = TRUE;
	self->lockup = FALSE;
	self->sleep = SLEEP_NONE;
	self->dhcsr_ctrl |= C_HALT;
	self->dfsr |= reason;
}

static void
dhcsr_write(UbSimMcu *self, guint32 value)
{
	if ((value >> 16) != 0xA05F)
		return; /* writes without DBGKEY are ignored */
	if (!(value & C_DEBUGEN)) {
		/* leaving debug: the core runs */
		self->dhcsr_ctrl = 0;
		self->halted = FALSE;
		return;
	}
	/* C_MASKINTS only changes while halted (we never deliver interrupts anyway) */
	self->dhcsr_ctrl = value & (C_DEBUGEN | C_HALT | C_STEP | C_MASKINTS | C_SNAPSTALL);
	if (value & C_HALT) {
		if (!self->halted && !self->nrst_low && self->powered)
			mcu_enter_debug(self, DFSR_HALTED);
		else if (self->halted)
			self->dhcsr_ctrl |= C_HALT;
		return;
	}
	if (self->halted) {
		/* resume (C_STEP: one instruction, handled by the run loop) */
		self->halted = FALSE;
		self->fpb_dirty = TRUE;
		if (self->uc != NULL) {
			guint32 pc = 0;
			uc_reg_read(self->uc, UC_ARM_REG_PC, &pc);
			self->skip_bkpt_at = pc;
		}
	}
}

/* REGSEL → Unicorn register (ARMv7-M C1.6.3); -1: reserved, reads as 0 */
static int
regsel_to_uc(guint sel)
{
	if (sel <= 12)
		return UC_ARM_REG_R0 + (int)sel;
	if (sel >= 0x40 && sel <= 0x5F)
		return UC_ARM_REG_S0 + (int)(sel - 0x40);
	switch (sel) {
	case 13:
		return UC_ARM_REG_SP;
	case 14:
		return UC_ARM_REG_LR;
	case 15:
		return UC_ARM_REG_PC;
	case 16:
		return UC_ARM_REG_XPSR;
	case 17:
		return UC_ARM_REG_MSP;
	case 18:
		return UC_ARM_REG_PSP;
	case 0x21:
		return UC_ARM_REG_FPSCR;
	default:
		return -1;
	}
}

static void
dcrsr_write(UbSimMcu *self, guint32 value)
{
	guint sel = value & 0x7F;
	gboolean write = (value >> 16) & 1;
	int reg;

	/* register transfers only work in Debug state */
	if (!self->halted || self->uc == NULL)
		return;
	if (sel == 0x14) {
		guint32 control = 0, faultmask = 0, basepri = 0, primask = 0;
		if (write) {
			control = self->dcrdr >> 24;
			faultmask = (self->dcrdr >> 16) & 1;
			basepri = (self->dcrdr >> 8) & 0xFF;
			primask = self->dcrdr & 1;
			uc_reg_write(self->uc, UC_ARM_REG_CONTROL, &control);
			uc_reg_write(self->uc, UC_ARM_REG_FAULTMASK, &faultmask);
			uc_reg_write(self->uc, UC_ARM_REG_BASEPRI, &basepri);
			uc_reg_write(self->uc, UC_ARM_REG_PRIMASK, &primask);
		} else {
			uc_reg_read(self->uc, UC_ARM_REG_CONTROL, &control);
			uc_reg_read(self->uc, UC_ARM_REG_FAULTMASK, &faultmask);
			uc_reg_read(self->uc, UC_ARM_REG_BASEPRI, &basepri);
			uc_reg_read(self->uc, UC_ARM_REG_PRIMASK, &primask);
			self->dcrdr = (control & 0xFF) << 24 | (faultmask & 1) << 16 |
				      (basepri & 0xFF) << 8 | (primask & 1);
		}
		return;
	}
	reg = regsel_to_uc(sel);
	if (reg < 0) {
		if (!write)
			self->dcrdr = 0;
		return;
	}
	if (write) {
		guint32 v = self->dcrdr;
		if (reg == UC_ARM_REG_PC) {
			/* DebugReturnAddress: bit 0 is ignored; the state comes from xPSR.T */
			v = (v & ~1u) | 1u;
		} else if (reg == UC_ARM_REG_XPSR) {
			self->thumb = (v >> 24) & 1;
			v |= 1u << 24;
		}
		uc_reg_write(self->uc, reg, &v);
	} else {
		guint32 v = 0;
		uc_reg_read(self->uc, reg, &v);
		if (reg == UC_ARM_REG_PC)
			v &= ~1u;
		else if (reg == UC_ARM_REG_XPSR && !self->thumb)
			v &= ~(1u << 24);
		self->dcrdr = v;
	}
}

static void
aircr_write(UbSimMcu *self, guint32 value)
{
	if ((value >> 16) != 0x05FA)
		return;
	self->aircr_prigroup = (value >> 8) & 7;
	if (self->in_cpu && (value & 5)) {
		/* the core resets itself: finished once its slice has stopped */
		mcu_system_reset(self, UB_SIM_RESET_SOFTWARE);
		return;
	}
	if (value & (1u << 2)) {
		/* SYSRESETREQ: the whole system resets (like NRST, without the pin) */
		mcu_system_reset(self, UB_SIM_RESET_SOFTWARE);
		if (!self->nrst_low)
			mcu_core_start(self);
	} else if (value & 1u) {
		/* VECTRESET: the core alone */
		self->reset_st = TRUE;
		mcu_core_start(self);
	}
}

static const guint32 rom_table[] = {
	0xFFF0F003u, /* SCS  0xE000E000 */
	0xFFF02003u, /* DWT  0xE0001000 */
	0xFFF03003u, /* FPB  0xE0002000 */
	0xFFF01003u, /* ITM  0xE0000000 */
	0xFFF41003u, /* TPIU 0xE0040000 */
	0xFFF42003u, /* ETM  0xE0041000 */
	0x00000000u,
};

/* component ID/peripheral ID words at 0xFD0-0xFFC of a 4 KiB component */
static gboolean
component_id(guint32 address, guint32 *value)
{
	guint32 base = address & ~0xFFFu;
	guint32 offset = address & 0xFFFu;
	/* PIDR4..7, PIDR0..3, CIDR0..3 */
	static const guint32 rom[] = {0, 0, 0, 0, 0x13, 0x04, 0x0A, 0, 0x0D, 0x10, 0x05, 0xB1};
	static const guint32 scs[] = {0x04, 0, 0, 0, 0x0C, 0xB0, 0x0B, 0, 0x0D, 0xE0, 0x05, 0xB1};
	static const guint32 dwt[] = {0x04, 0, 0, 0, 0x02, 0xB0, 0x3B, 0, 0x0D, 0xE0, 0x05, 0xB1};
	static const guint32 fpb[] = {0x04, 0, 0, 0, 0x03, 0xB0, 0x2B, 0, 0x0D, 0xE0, 0x05, 0xB1};
	static const guint32 itm[] = {0x04, 0, 0, 0, 0x01, 0xB0, 0x3B, 0, 0x0D, 0xE0, 0x05, 0xB1};
	const guint32 *table;

	if (offset < 0xFD0)
		return FALSE;
	switch (base) {
	case ROM_TABLE:
		table = rom;
		break;
	case 0xE000E000u:
		table = scs;
		break;
	case 0xE0001000u:
		table = dwt;
		break;
	case 0xE0002000u:
		table = fpb;
		break;
	case 0xE0000000u:
		table = itm;
		break;
	default:
		return FALSE;
	}
	*value = table[(offset - 0xFD0) / 4];
	return TRUE;
}

static UbSimAccess
ppb_read(UbSimMcu *self, Master master, guint32 address, guint32 *value)
{
	if (component_id(address, value))
		return UB_SIM_ACCESS_OK;
	if (in_range(address, ROM_TABLE, sizeof(rom_table))) {
		*value = rom_table[(address - ROM_TABLE) / 4];
		return UB_SIM_ACCESS_OK;
	}
	if (address == 0xE00FFFCCu) {
		*value = 1; /* MEMTYPE: system memory present */
		return UB_SIM_ACCESS_OK;
	}
	switch (address) {
	case CPUID:
		*value = VALUE_CPUID;
		break;
	case AIRCR:
		*value = 0xFA050000u | self->aircr_prigroup << 8;
		break;
	case CFSR:
		*value = self->cfsr;
		break;
	case HFSR:
		*value = self->hfsr;
		break;
	case DFSR:
		*value = self->dfsr;
		break;
	case DHCSR:
		*value = dhcsr_read(self, master);
		break;
	case DCRSR:
		*value = 0;
		break;
	case DCRDR:
		*value = self->dcrdr;
		break;
	case DEMCR:
		*value = self->demcr;
		break;
	case MVFR0:
		*value = VALUE_MVFR0;
		break;
	case MVFR1:
		*value = VALUE_MVFR1;
		break;
	case FP_CTRL:
		*value = VALUE_FP_CTRL | self->fp_ctrl_enable;
		break;
	case DWT_CTRL:
		*value = VALUE_DWT_CTRL | (ppb_storage(self, address) & 0x0FFFFFFFu);
		break;
	case DWT_DEVARCH:
		*value = 0;
		break;
	case DBGMCU_IDCODE:
		*value = VALUE_DBGMCU_IDCODE;
		break;
	case DBGMCU_CR:
		*value = self->dbgmcu_cr;
		break;
	case DBGMCU_APB1_FZ:
		*value = self->dbgmcu_apb1_fz;
		break;
	case DBGMCU_APB2_FZ:
		*value = self->dbgmcu_apb2_fz;
		break;
	default:
		if (address >= FP_COMP0 && address < FP_COMP0 + 8 * 4) {
			*value = self->fp_comp[(address - FP_COMP0) / 4];
		} else if (address == CCR && !g_hash_table_contains(self->ppb,
								    GUINT_TO_POINTER(address))) {
			*value = 0x00000200u; /* STKALIGN */
		} else if (address == FPCCR && !g_hash_table_contains(self->ppb,
								      GUINT_TO_POINTER(address))) {
			*value = 0xC0000000u;
		} else if (address < 0xE0100000u && address >= 0xE0000000u &&
			   !in_range(address, 0xE0043000u, 0xE00FF000u - 0xE0043000u)) {
			*value = ppb_storage(self, address);
		} else {
			return UB_SIM_ACCESS_FAULT;
		}
		break;
	}
	return UB_SIM_ACCESS_OK;
}

static UbSimAccess
ppb_write(UbSimMcu *self, guint32 address, guint32 value)
{
	switch (address) {
	case CPUID:
	case MVFR0:
	case MVFR1:
	case DBGMCU_IDCODE:
	case DWT_DEVARCH:
		break;
	case AIRCR:
		aircr_write(self, value);
		break;
	case CFSR:
		self->cfsr &= ~value;
		break;
	case HFSR:
		self->hfsr &= ~value;
		break;
	case DFSR:
		self->dfsr &= ~value;
		break;
	case DHCSR:
		dhcsr_write(self, value);
		break;
	case DCRSR:
		dcrsr_write(self, value);
		break;
	case DCRDR:
		self->dcrdr = value;
		break;
	case DEMCR:
		self->demcr = value & 0x010F07F1u;
		break;
	case FP_CTRL:
		if (value & 2) /* KEY */
			self->fp_ctrl_enable = value & 1;
		self->fpb_dirty = TRUE;
		break;
	case DBGMCU_CR:
		self->dbgmcu_cr = value & 0xE7u;
		break;
	case DBGMCU_APB1_FZ:
		self->dbgmcu_apb1_fz = value & 0x06E01DFFu;
		break;
	case DBGMCU_APB2_FZ:
		self->dbgmcu_apb2_fz = value & 0x00070003u;
		break;
	default:
		if (address >= FP_COMP0 && address < FP_COMP0 + 8 * 4) {
			self->fp_comp[(address - FP_COMP0) / 4] = value;
			self->fpb_dirty = TRUE;
		} else if (address < 0xE0100000u && address >= 0xE0000000u &&
			   !in_range(address, 0xE0043000u, 0xE00FF000u - 0xE0043000u)) {
			if (!in_range(address, ROM_TABLE, 0x1000))
				g_hash_table_insert(self->ppb, GUINT_TO_POINTER(address),
						    GUINT_TO_POINTER(value));
		} else {
			return UB_SIM_ACCESS_FAULT;
		}
		break;
	}
	return UB_SIM_ACCESS_OK;
}

/* ---- peripherals ---- */

/* RM0090 §4.3: one 32-bit word into the CRC-32 (polynomial 0x04C11DB7, MSB first) */
static guint32
crc_update(guint32 crc, guint32 word)
{
	crc ^= word;
	for (guint bit = 0; bit < 32; bit++)
		crc = (crc & 0x80000000u) ? (crc << 1) ^ CRC_POLY : crc << 1;
	return crc;
}

static void
crc_write(UbSimMcu *self, Master master, guint32 address, guint32 value)
{
	/* the unit is clocked by RCC_AHB1ENR.CRCEN: without it, writes go nowhere */
	if ((self->rcc_ahb1enr & RCC_CRCEN) == 0)
		return;
	switch (address) {
	case CRC_DR:
		/* the core's next word waits for the one in progress */
		if (master == MASTER_CPU) {
			cpu_stall(self, self->crc_ready);
			self->crc_ready = self->cpu_now + CYCLES_TO_NS(CRC_CYCLES);
		}
		self->crc_dr = crc_update(self->crc_dr, value);
		break;
	case CRC_IDR:
		self->crc_idr = value & 0xFF;
		break;
	case CRC_CR:
		if (value & CRC_CR_RESET)
			self->crc_dr = 0xFFFFFFFFu;
		break;
	default:
		break;
	}
}

static UbSimAccess
periph_read(UbSimMcu *self, Master master, guint32 address, guint32 *value)
{
	guint64 now = now_for(self, master);

	if (in_range(address, GPIO_BASE, GPIO_END - GPIO_BASE)) {
		guint port = (address - GPIO_BASE) / 0x400;
		guint reg = (address & 0x3FF) / 4;
		/* a port whose clock is off reads 0 */
		*value = ((self->rcc_ahb1enr >> port) & 1) && reg < 10 ? self->gpio[port][reg] : 0;
		return UB_SIM_ACCESS_OK;
	}
	if (ub_sim_dma_owns(address))
		return ub_sim_dma_read(self->dma, address, now, value);
	if (in_range(address, CRC_BASE, 0x400)) {
		/* a unit whose clock is off reads 0 */
		*value = 0;
		if ((self->rcc_ahb1enr & RCC_CRCEN) == 0)
			return UB_SIM_ACCESS_OK;
		if (address == CRC_DR) {
			if (master == MASTER_CPU)
				cpu_stall(self, self->crc_ready);
			*value = self->crc_dr;
		} else if (address == CRC_IDR) {
			*value = self->crc_idr;
		}
		return UB_SIM_ACCESS_OK;
	}
	switch (address) {
	case RCC_CR:
		*value = self->rcc_cr;
		/* oscillators and PLLs are ready as soon as they are on */
		*value |= (self->rcc_cr & (1u << 0)) << 1;
		*value |= (self->rcc_cr & (1u << 16)) << 1;
		*value |= (self->rcc_cr & (1u << 24)) << 1;
		*value |= (self->rcc_cr & (1u << 26)) << 1;
		return UB_SIM_ACCESS_OK;
	case RCC_PLLCFGR:
		*value = self->rcc_pllcfgr;
		return UB_SIM_ACCESS_OK;
	case RCC_CFGR:
		*value = (self->rcc_cfgr & ~0xCu) | (self->rcc_cfgr & 3) << 2;
		return UB_SIM_ACCESS_OK;
	case RCC_AHB1ENR:
		*value = self->rcc_ahb1enr;
		return UB_SIM_ACCESS_OK;
	case RCC_APB2ENR:
		*value = self->rcc_apb2enr;
		return UB_SIM_ACCESS_OK;
	case RCC_CSR:
		*value = self->rcc_csr | (self->rcc_csr & 1) << 1;
		return UB_SIM_ACCESS_OK;
	case FLASH_ACR:
		*value = self->flash_acr;
		return UB_SIM_ACCESS_OK;
	case FLASH_KEYR:
	case FLASH_OPTKEYR:
		*value = 0;
		return UB_SIM_ACCESS_OK;
	case FLASH_SR:
		if (master == MASTER_CPU && flash_busy(self, now) && self->cpu_end > now) {
			/* a core polling BSY does nothing else until it clears: skip there */
			self->cpu_now = MIN(self->busy_until, self->cpu_end);
			now = self->cpu_now;
		}
		*value = self->flash_sr | (flash_busy(self, now) ? SR_BSY : 0);
		return UB_SIM_ACCESS_OK;
	case FLASH_CR:
		flash_update(self, now);
		*value = self->flash_cr;
		return UB_SIM_ACCESS_OK;
	case FLASH_OPTCR:
		*value = self->optcr;
		return UB_SIM_ACCESS_OK;
	case IWDG_BASE + 0x0:
		*value = 0;
		return UB_SIM_ACCESS_OK;
	case IWDG_BASE + 0x4:
		*value = self->iwdg_pr;
		return UB_SIM_ACCESS_OK;
	case IWDG_BASE + 0x8:
		*value = self->iwdg_rlr;
		return UB_SIM_ACCESS_OK;
	case IWDG_BASE + 0xC:
		*value = 0;
		return UB_SIM_ACCESS_OK;
	default:
		*value = GPOINTER_TO_UINT(g_hash_table_lookup(self->periph,
							      GUINT_TO_POINTER(address)));
		return UB_SIM_ACCESS_OK;
	}
}

static UbSimAccess
periph_write(UbSimMcu *self, Master master, guint32 address, guint32 value)
{
	guint64 now = now_for(self, master);

	if (in_range(address, GPIO_BASE, GPIO_END - GPIO_BASE)) {
		guint port = (address - GPIO_BASE) / 0x400;
		guint reg = (address & 0x3FF) / 4;
		if (!((self->rcc_ahb1enr >> port) & 1) || reg >= 10)
			return UB_SIM_ACCESS_OK;
		if (reg == 6) {
			/* BSRR: set/reset ODR bits */
			self->gpio[port][5] |= value & 0xFFFF;
			self->gpio[port][5] &= ~(value >> 16);
		} else if (reg != 4) { /* IDR is read-only */
			self->gpio[port][reg] = value;
		}
		return UB_SIM_ACCESS_OK;
	}
	if (ub_sim_dma_owns(address))
		return ub_sim_dma_write(self->dma, address, value, now);
	if (in_range(address, CRC_BASE, 0x400)) {
		crc_write(self, master, address, value);
		return UB_SIM_ACCESS_OK;
	}
	switch (address) {
	case RCC_CR:
		self->rcc_cr = value & 0x0F0D00F9u;
		return UB_SIM_ACCESS_OK;
	case RCC_PLLCFGR:
		self->rcc_pllcfgr = value;
		return UB_SIM_ACCESS_OK;
	case RCC_CFGR:
		self->rcc_cfgr = value & ~0xCu;
		ub_sim_dma_set_clocks(self->dma, self->rcc_ahb1enr, self->rcc_apb2enr,
				      self->rcc_cfgr, now);
		return UB_SIM_ACCESS_OK;
	case RCC_AHB1ENR:
		self->rcc_ahb1enr = value;
		ub_sim_dma_set_clocks(self->dma, self->rcc_ahb1enr, self->rcc_apb2enr,
				      self->rcc_cfgr, now);
		return UB_SIM_ACCESS_OK;
	case RCC_APB2ENR:
		self->rcc_apb2enr = value & 0x04777F33u;
		ub_sim_dma_set_clocks(self->dma, self->rcc_ahb1enr, self->rcc_apb2enr,
				      self->rcc_cfgr, now);
		return UB_SIM_ACCESS_OK;
	case RCC_CSR:
		self->rcc_csr = (self->rcc_csr & 0xFE000000u) | (value & 1);
		if (value & CSR_RMVF)
			self->rcc_csr &= 0x00FFFFFFu;
		return UB_SIM_ACCESS_OK;
	case FLASH_ACR:
		/* the caches reset only while disabled (RM0090 §3.9.1) */
		if ((value & ACR_DCRST) && !(value & ACR_DCEN) && !(self->flash_acr & ACR_DCEN))
			dcache_invalidate(self, 0, UB_SIM_FLASH_SIZE);
		self->flash_acr = value & 0x1F07u;
		return UB_SIM_ACCESS_OK;
	case FLASH_KEYR:
		flash_keyr_write(self, value);
		/* a wrong key is also a bus error */
		return self->cr_key_error ? UB_SIM_ACCESS_FAULT : UB_SIM_ACCESS_OK;
	case FLASH_OPTKEYR:
		flash_optkeyr_write(self, value);
		return UB_SIM_ACCESS_OK;
	case FLASH_SR:
		flash_update(self, now);
		self->flash_sr &= ~(value & SR_W1C);
		return UB_SIM_ACCESS_OK;
	case FLASH_CR:
		/* RM0090 §3.5.2 note: a write while BSY stalls the bus until BSY falls */
		if (flash_busy(self, now)) {
			if (master == MASTER_DEBUG)
				return UB_SIM_ACCESS_WAIT;
			cpu_stall(self, self->busy_until);
			now = self->cpu_now;
			flash_update(self, now);
		}
		if (value & CR_LOCK) {
			self->flash_cr |= CR_LOCK;
			return UB_SIM_ACCESS_OK;
		}
		flash_cr_write(self, value, now);
		return UB_SIM_ACCESS_OK;
	case FLASH_OPTCR:
		flash_optcr_write(self, value, now);
		if (value & OPTCR_OPTLOCK)
			self->optcr |= OPTCR_OPTLOCK;
		return UB_SIM_ACCESS_OK;
	default:
		if (in_range(address, IWDG_BASE, 0x10)) {
			iwdg_write(self, address - IWDG_BASE, value, now);
			return UB_SIM_ACCESS_OK;
		}
		g_hash_table_insert(self->periph, GUINT_TO_POINTER(address),
				    GUINT_TO_POINTER(value));
		return UB_SIM_ACCESS_OK;
	}
}

/* ---- the bus ---- */

static guint32
extract(guint32 word, guint32 address, guint size)
{
	word >>= 8 * (address & 3);
	return size == 4 ? word : size == 2 ? word & 0xFFFF : word & 0xFF;
}

static void
read_bytes(const guint8 *p, guint size, guint32 *value)
{
	guint32 v = 0;

	for (guint i = 0; i < size; i++)
		v |= (guint32)p[i] << (8 * i);
	*value = v;
}

static void
write_bytes(guint8 *p, guint size, guint32 value)
{
	for (guint i = 0; i < size; i++)
		p[i] = (guint8)(value >> (8 * i));
}

static gboolean
sysmem_word(UbSimMcu *self, guint32 aligned, guint32 *word)
{
	if (in_range(aligned, OTP_BASE, OTP_END - OTP_BASE)) {
		*word = get_le32(self->otp + (aligned - OTP_BASE));
	} else if (in_range(aligned, UID_BASE, 12)) {
		*word = get_le32(self->uid + (aligned - UID_BASE));
	} else if (aligned == FLASH_SIZE_REG) {
		*word = (UB_SIM_FLASH_SIZE / 1024) << 16 | 0xFFFF;
	} else if (aligned == OPTION_BYTES) {
		*word = (self->stored_optcr & 0xFF00) | (self->stored_optcr & 0xEC);
	} else if (aligned == OPTION_BYTES + 8) {
		*word = (self->stored_optcr >> 16) & 0x0FFF;
	} else if (in_range(aligned, OPTION_BYTES, 0x10)) {
		*word = 0xFFFFFFFFu;
	} else if (in_range(aligned, SYSMEM_BASE, 0x7800)) {
		/* the ST bootloader ROM: never executed here (BOOT0 is tied low) */
		*word = 0;
	} else {
		return FALSE;
	}
	return TRUE;
}

static UbSimAccess
mcu_bus_read(UbSimMcu *self, Master master, guint32 address, guint size, guint32 *value)
{
	guint32 aligned = address & ~3u;
	guint32 word = 0;
	UbSimAccess access;

	if (address < UB_SIM_FLASH_SIZE || in_range(address, UB_SIM_FLASH_BASE, UB_SIM_FLASH_SIZE)) {
		guint32 offset = address & (UB_SIM_FLASH_SIZE - 1);
		if (master == MASTER_DEBUG) {
			if (flash_blocked(self))
				return UB_SIM_ACCESS_FAULT;
			/* the flash answers nothing while it programs or erases */
			if (flash_busy(self, now_for(self, master)))
				return UB_SIM_ACCESS_WAIT;
		}
		{
			/* the debugger reaches the code region over D-Code, through the cache */
			guint8 bytes[4];
			flash_read_data(self, offset, size, bytes);
			read_bytes(bytes, size, value);
		}
		return UB_SIM_ACCESS_OK;
	}
	if (in_range(address, UB_SIM_SRAM_BASE, UB_SIM_SRAM_SIZE)) {
		read_bytes(self->sram + (address - UB_SIM_SRAM_BASE), size, value);
		return UB_SIM_ACCESS_OK;
	}
	if (in_range(address, CCM_BASE, CCM_SIZE)) {
		read_bytes(self->ccm + (address - CCM_BASE), size, value);
		return UB_SIM_ACCESS_OK;
	}
	if (in_range(address, SYSMEM_BASE, SYSMEM_SIZE)) {
		if (!sysmem_word(self, aligned, &word))
			return UB_SIM_ACCESS_FAULT;
		*value = extract(word, address, size);
		return UB_SIM_ACCESS_OK;
	}
	if (in_range(address, PERIPH_BASE, PERIPH_SIZE) || in_range(address, AHB2_BASE, AHB2_SIZE)) {
		if (in_range(address, BKPSRAM_BASE, BKPSRAM_END - BKPSRAM_BASE) &&
		    master == MASTER_DEBUG && flash_blocked(self))
			return UB_SIM_ACCESS_FAULT;
		access = periph_read(self, master, aligned, &word);
		*value = extract(word, address, size);
		return access;
	}
	if (in_range(address, PPB_BASE, PPB_SIZE)) {
		/* the PPB only takes word accesses for most registers; be lenient for reads */
		access = ppb_read(self, master, aligned, &word);
		*value = extract(word, address, size);
		return access;
	}
	return UB_SIM_ACCESS_FAULT;
}

static UbSimAccess
mcu_bus_write(UbSimMcu *self, Master master, guint32 address, guint size, guint32 value)
{
	guint32 aligned = address & ~3u;

	if (address < UB_SIM_FLASH_SIZE || in_range(address, UB_SIM_FLASH_BASE, UB_SIM_FLASH_SIZE)) {
		guint64 now = now_for(self, master);
		if (master == MASTER_DEBUG && flash_busy(self, now))
			return UB_SIM_ACCESS_WAIT;
		return flash_program(self, master, address & (UB_SIM_FLASH_SIZE - 1), size, value,
				     now);
	}
	if (in_range(address, UB_SIM_SRAM_BASE, UB_SIM_SRAM_SIZE)) {
		write_bytes(self->sram + (address - UB_SIM_SRAM_BASE), size, value);
		if (master == MASTER_DEBUG)
			mark_dirty(self, DIRTY_SRAM, address, address + size);
		return UB_SIM_ACCESS_OK;
	}
	if (in_range(address, CCM_BASE, CCM_SIZE)) {
		write_bytes(self->ccm + (address - CCM_BASE), size, value);
		return UB_SIM_ACCESS_OK;
	}
	if (in_range(address, SYSMEM_BASE, SYSMEM_SIZE)) {
		guint32 word;
		/* ROM, UID and option bytes are read-only: writes are ignored, holes fault */
		return sysmem_word(self, aligned, &word) ? UB_SIM_ACCESS_OK : UB_SIM_ACCESS_FAULT;
	}
	if (in_range(address, PERIPH_BASE, PERIPH_SIZE) || in_range(address, AHB2_BASE, AHB2_SIZE)) {
		guint32 old = 0;
		if (size < 4) {
			/* narrow writes merge into the register (the F4 APB bridges replicate
			 * lanes; for the registers modelled here a merge is what code expects) */
			guint shift = 8 * (address & 3);
			guint32 mask = (size == 2 ? 0xFFFFu : 0xFFu) << shift;
			periph_read(self, master, aligned, &old);
			if (aligned == FLASH_SR)
				old &= ~SR_W1C;
			value = (old & ~mask) | ((value << shift) & mask);
		}
		return periph_write(self, master, aligned, value);
	}
	if (in_range(address, PPB_BASE, PPB_SIZE)) {
		if (size != 4 && aligned != 0xE000E400u)
			return ppb_write(self, aligned, value << (8 * (address & 3)));
		return ppb_write(self, aligned, value);
	}
	return UB_SIM_ACCESS_FAULT;
}

/* what a DMA stream writes: SRAM (the core may run code from there: its translations go);
 * CCM is not on the DMA's bus matrix port (RM0090 §2.1) and other targets are not modelled */
static UbSimAccess
mcu_dma_bus_write(gpointer user_data, guint32 address, guint size, guint32 value)
{
	UbSimMcu *self = user_data;

	if (!in_range(address, UB_SIM_SRAM_BASE, UB_SIM_SRAM_SIZE) ||
	    !in_range(address + size - 1, UB_SIM_SRAM_BASE, UB_SIM_SRAM_SIZE))
		return UB_SIM_ACCESS_FAULT;
	write_bytes(self->sram + (address - UB_SIM_SRAM_BASE), size, value);
	mark_dirty(self, DIRTY_SRAM, address, address + size);
	return UB_SIM_ACCESS_OK;
}

/* ---- the core (Unicorn) ---- */

static void
cpu_apply_fixups(UbSimMcu *self)
{
	for (guint i = 0; i < self->fixups->len; i++) {
		FlashFixup *fix = &g_array_index(self->fixups, FlashFixup, i);
		memcpy(self->flash + fix->offset, fix->bytes, fix->size);
	}
	g_array_set_size(self->fixups, 0);
}

static void
cpu_hook_block(uc_engine *uc, uint64_t address, uint32_t size, void *user_data)
{
	UbSimMcu *self = user_data;
	guint16 insn = 0;

	cpu_apply_fixups(self);
	/* the resume address only skips its breakpoint on the very first instruction */
	if (self->first_block_seen)
		self->skip_bkpt_at = 0xFFFFFFFFu;
	self->first_block_seen = TRUE;
	/* fetching code from the flash waits while it programs or erases (one bank) */
	if ((address < UB_SIM_FLASH_SIZE ||
	     in_range((guint32)address, UB_SIM_FLASH_BASE, UB_SIM_FLASH_SIZE)) &&
	    flash_busy(self, self->cpu_now)) {
		cpu_stall(self, self->busy_until);
		/* the operation ends when the clock gets there, not when the stalled core's own
		 * time does: past the slice, the debugger must still find the flash busy */
		if (self->cpu_now <= self->cpu_end)
			flash_update(self, self->cpu_now);
	}
	if (self->cpu_now >= self->cpu_end) {
		self->stop = STOP_TIME;
		uc_emu_stop(uc);
		return;
	}
	/* one cycle per half-word and two for the branch at the end of the block */
	self->cpu_now += CYCLES_TO_NS((guint64)size / 2 + 2);
	self->stats.instructions += size / 2;
	self->retire_st = TRUE;
	if (size == 2 && uc_mem_read(uc, address, &insn, 2) == UC_ERR_OK && insn == 0xE7FE) {
		/* `b .`: nothing changes until an interrupt or a reset; skip the wait */
		self->cpu_now = self->cpu_end;
	}
}

static void
cpu_hook_bkpt(uc_engine *uc, uint64_t address, uint32_t size, void *user_data)
{
	UbSimMcu *self = user_data;

	if ((guint32)address == self->skip_bkpt_at) {
		self->skip_bkpt_at = 0xFFFFFFFFu;
		return;
	}
	mcu_enter_debug(self, DFSR_BKPT);
	self->stop = STOP_HALT;
	uc_emu_stop(uc);
}

static void
cpu_hook_intr(uc_engine *uc, uint32_t intno, void *user_data)
{
	UbSimMcu *self = user_data;

	/* QEMU's EXCP_BKPT; the PC stays on the BKPT instruction as on the real core */
	if (intno == 7 && (self->dhcsr_ctrl & C_DEBUGEN)) {
		mcu_enter_debug(self, DFSR_BKPT);
		self->stop = STOP_HALT;
	} else {
		/* SVC, UDF, BKPT without a debugger ...: no exception model, the core locks up */
		self->hfsr |= 1u << 30;
		self->lockup = TRUE;
		self->stop = STOP_LOCKUP;
	}
	uc_emu_stop(uc);
}

static bool
cpu_hook_flash_write(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
		     int64_t value, void *user_data)
{
	UbSimMcu *self = user_data;
	FlashFixup fix;
	guint32 offset = (guint32)address & (UB_SIM_FLASH_SIZE - 1);

	cpu_apply_fixups(self);
	if (size > 4 || offset + (guint)size > UB_SIM_FLASH_SIZE)
		return true;
	/* a store while BSY waits on the bus for the operation to end */
	if (flash_busy(self, self->cpu_now)) {
		cpu_stall(self, self->busy_until);
		flash_update(self, self->cpu_now);
	}
	flash_program(self, MASTER_CPU, offset, (guint)size, (guint32)value, self->cpu_now);
	fix.offset = offset;
	fix.size = (guint)size;
	memcpy(fix.bytes, self->flash + offset, (gsize)size);
	g_array_append_val(self->fixups, fix);
	return true;
}

/* a data load from flash by the core: it waits while the flash is busy, and with the data
 * cache on it gets what the cache holds, which Unicorn then reads from the flash buffer (the
 * true bytes go back at the next hook, as for stores) */
static bool
cpu_hook_flash_read(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
		    int64_t value, void *user_data)
{
	UbSimMcu *self = user_data;
	guint32 offset = (guint32)address & (UB_SIM_FLASH_SIZE - 1);
	guint8 seen[8];
	FlashFixup fix;

	cpu_apply_fixups(self);
	if (size > 8 || offset + (guint)size > UB_SIM_FLASH_SIZE)
		return true;
	if (flash_busy(self, self->cpu_now)) {
		cpu_stall(self, self->busy_until);
		flash_update(self, self->cpu_now);
	}
	if (!(self->flash_acr & ACR_DCEN))
		return true;
	flash_read_data(self, offset, (guint)size, seen);
	if (memcmp(seen, self->flash + offset, (gsize)size) == 0)
		return true;
	fix.offset = offset;
	fix.size = (guint)size;
	memcpy(fix.bytes, self->flash + offset, (gsize)size);
	g_array_append_val(self->fixups, fix);
	memcpy(self->flash + offset, seen, (gsize)size);
	return true;
}

static uint64_t
cpu_mmio_read(uc_engine *uc, uint64_t offset, unsigned size, void *user_data, guint32 base)
{
	UbSimMcu *self = user_data;
	guint32 value = 0;

	cpu_apply_fixups(self);
	if (mcu_bus_read(self, MASTER_CPU, base + (guint32)offset, size, &value) ==
	    UB_SIM_ACCESS_FAULT) {
		self->cfsr |= 1u << 15 | 1u << 9; /* BFARVALID, PRECISERR */
		self->lockup = TRUE;
		self->stop = STOP_LOCKUP;
		uc_emu_stop(uc);
	}
	return value;
}

static void
cpu_mmio_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *user_data,
	       guint32 base)
{
	UbSimMcu *self = user_data;
	guint resets = self->stats.resets;

	cpu_apply_fixups(self);
	if (mcu_bus_write(self, MASTER_CPU, base + (guint32)offset, size, (guint32)value) ==
	    UB_SIM_ACCESS_FAULT) {
		self->cfsr |= 1u << 15 | 1u << 9;
		self->lockup = TRUE;
		self->stop = STOP_LOCKUP;
		uc_emu_stop(uc);
	} else if (self->stats.resets != resets) {
		/* the core wrote AIRCR.SYSRESETREQ: this engine is gone after the slice */
		self->stop = STOP_RESET;
		uc_emu_stop(uc);
	}
}

#define MMIO_PAIR(name, base)                                                                  \
	static uint64_t mmio_##name##_read(uc_engine *uc, uint64_t offset, unsigned size,      \
					   void *data)                                         \
	{                                                                                      \
		return cpu_mmio_read(uc, offset, size, data, base);                            \
	}                                                                                      \
	static void mmio_##name##_write(uc_engine *uc, uint64_t offset, unsigned size,         \
					uint64_t value, void *data)                            \
	{                                                                                      \
		cpu_mmio_write(uc, offset, size, value, data, base);                           \
	}

MMIO_PAIR(sysmem, SYSMEM_BASE)
MMIO_PAIR(periph, PERIPH_BASE)
MMIO_PAIR(ahb2, AHB2_BASE)
MMIO_PAIR(ppb, PPB_BASE)

static void
cpu_close(UbSimMcu *self)
{
	if (self->uc != NULL) {
		uc_close(self->uc);
		self->uc = NULL;
	}
	memset(self->hook_bkpt, 0, sizeof(self->hook_bkpt));
}

static gboolean
cpu_open(UbSimMcu *self)
{
	uc_engine *uc = NULL;

	if (uc_open(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS, &uc) != UC_ERR_OK) {
		g_warning("Unicorn cannot create an ARM M-profile core");
		return FALSE;
	}
	uc_ctl_set_cpu_model(uc, UC_CPU_ARM_CORTEX_M4);
	/* boot alias (BOOT0 = 0: main flash) and the memories the core reaches directly; flash
	 * is writable for Unicorn so that stores reach cpu_hook_flash_write, which then puts
	 * back what programming really leaves (see FlashFixup) */
	uc_mem_map_ptr(uc, 0x00000000, UB_SIM_FLASH_SIZE, UC_PROT_ALL, self->flash);
	uc_mem_map_ptr(uc, UB_SIM_FLASH_BASE, UB_SIM_FLASH_SIZE, UC_PROT_ALL, self->flash);
	uc_mem_map_ptr(uc, CCM_BASE, CCM_SIZE, UC_PROT_READ | UC_PROT_WRITE, self->ccm);
	uc_mem_map_ptr(uc, UB_SIM_SRAM_BASE, UB_SIM_SRAM_SIZE, UC_PROT_ALL, self->sram);
	uc_mmio_map(uc, SYSMEM_BASE, SYSMEM_SIZE, mmio_sysmem_read, self, mmio_sysmem_write, self);
	uc_mmio_map(uc, PERIPH_BASE, PERIPH_SIZE, mmio_periph_read, self, mmio_periph_write, self);
	uc_mmio_map(uc, AHB2_BASE, AHB2_SIZE, mmio_ahb2_read, self, mmio_ahb2_write, self);
	uc_mmio_map(uc, PPB_BASE, PPB_SIZE, mmio_ppb_read, self, mmio_ppb_write, self);
	uc_hook_add(uc, &self->hook_block, UC_HOOK_BLOCK, cpu_hook_block, self, 1, 0);
	uc_hook_add(uc, &self->hook_flash_write[0], UC_HOOK_MEM_WRITE, cpu_hook_flash_write, self,
		    0x00000000, UB_SIM_FLASH_SIZE - 1);
	uc_hook_add(uc, &self->hook_flash_write[1], UC_HOOK_MEM_WRITE, cpu_hook_flash_write, self,
		    UB_SIM_FLASH_BASE, UB_SIM_FLASH_BASE + UB_SIM_FLASH_SIZE - 1);
	uc_hook_add(uc, &self->hook_flash_read[0], UC_HOOK_MEM_READ, cpu_hook_flash_read, self,
		    0x00000000, UB_SIM_FLASH_SIZE - 1);
	uc_hook_add(uc, &self->hook_flash_read[1], UC_HOOK_MEM_READ, cpu_hook_flash_read, self,
		    UB_SIM_FLASH_BASE, UB_SIM_FLASH_BASE + UB_SIM_FLASH_SIZE - 1);
	uc_hook_add(uc, &self->hook_intr, UC_HOOK_INTR, cpu_hook_intr, self, 1, 0);
	self->uc = uc;
	self->fpb_dirty = TRUE;
	memset(self->dirty_hi, 0, sizeof(self->dirty_hi));
	return TRUE;
}

/* FPB code comparators become Unicorn code hooks on the matching half-word */
static void
cpu_sync_fpb(UbSimMcu *self)
{
	self->fpb_dirty = FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(self->hook_bkpt); i++) {
		guint32 comp = self->fp_comp[i];
		guint32 address;

		if (self->hook_bkpt[i] != 0) {
			uc_hook_del(self->uc, self->hook_bkpt[i]);
			self->hook_bkpt[i] = 0;
		}
		/* ENABLE, and REPLACE != 00 (00 is a remap, not a breakpoint) */
		if (!self->fp_ctrl_enable || !(comp & 1) || (comp >> 30) == 0)
			continue;
		address = (comp & 0x1FFFFFFCu) | ((comp >> 30) == 2 ? 2 : 0);
		uc_hook_add(self->uc, &self->hook_bkpt[i], UC_HOOK_CODE, cpu_hook_bkpt, self,
			    address, address);
	}
}

/* the core leaves reset: vectors from the boot alias, then run, or halt on vector catch */
static void
mcu_core_start(UbSimMcu *self)
{
	guint32 sp = get_le32(self->flash);
	guint32 pc = get_le32(self->flash + 4);
	guint32 xpsr = 0x01000000u;
	guint32 pc_thumb = pc | 1u;

	cpu_close(self);
	g_array_set_size(self->fixups, 0);
	self->halted = FALSE;
	self->lockup = FALSE;
	self->sleep = SLEEP_NONE;
	self->cpu_stalled_until = 0;
	self->first_block_seen = TRUE;
	self->skip_bkpt_at = 0xFFFFFFFFu;
	/* a reset clears C_HALT (and C_STEP) */
	self->dhcsr_ctrl &= ~(C_HALT | C_STEP);
	if (!cpu_open(self)) {
		self->lockup = TRUE;
		return;
	}
	sp &= ~3u;
	uc_reg_write(self->uc, UC_ARM_REG_MSP, &sp);
	uc_reg_write(self->uc, UC_ARM_REG_SP, &sp);
	uc_reg_write(self->uc, UC_ARM_REG_PC, &pc_thumb);
	uc_reg_write(self->uc, UC_ARM_REG_XPSR, &xpsr);
	/* a vector without the Thumb bit faults on the first instruction (INVSTATE) */
	self->thumb = pc & 1;
	if ((self->dhcsr_ctrl & C_DEBUGEN) && (self->demcr & 1))
		mcu_enter_debug(self, DFSR_VCATCH);
	else if (!self->thumb)
		self->lockup = TRUE;
}

static gboolean
in_backup_domain(guint32 address)
{
	return in_range(address, BKP_DOMAIN_BASE, BKP_DOMAIN_END - BKP_DOMAIN_BASE) ||
	       in_range(address, BKPSRAM_BASE, BKPSRAM_END - BKPSRAM_BASE);
}

static gboolean
remove_unless_backup(gpointer key, gpointer value, gpointer user_data)
{
	return !in_backup_domain(GPOINTER_TO_UINT(key));
}

static gboolean
remove_scs(gpointer key, gpointer value, gpointer user_data)
{
	return in_range(GPOINTER_TO_UINT(key), 0xE000E000u, 0x1000);
}

/* a system reset: everything but the debug domain, the backup domain and the memories */
static void
mcu_system_reset(UbSimMcu *self, UbSimReset kind)
{
	static const guint32 flags[] = {
		[UB_SIM_RESET_NONE] = 0,
		[UB_SIM_RESET_POWER_ON] = CSR_PORRSTF | CSR_PINRSTF | CSR_BORRSTF,
		[UB_SIM_RESET_PIN] = CSR_PINRSTF,
		[UB_SIM_RESET_SOFTWARE] = CSR_SFTRSTF | CSR_PINRSTF,
		[UB_SIM_RESET_WATCHDOG] = CSR_IWDGRSTF | CSR_PINRSTF,
	};
	guint64 now = ub_sim_clock_get_ns(self->clock);

	if (self->in_cpu) {
		/* from the core's own AIRCR write: done when its slice has stopped */
		self->pending_reset = kind;
		self->stop = STOP_RESET;
		uc_emu_stop(self->uc);
		return;
	}
	self->last_reset = kind;
	self->stats.resets++;
	self->reset_st = TRUE;
	self->halted = FALSE;
	self->lockup = FALSE;
	self->sleep = SLEEP_NONE;
	/* flash interface: an operation in progress is cut short, half done */
	flash_interrupt(self, now);
	cpu_close(self);

	/* the option bytes are loaded again: what was last programmed is now in force */
	self->loaded_optcr = self->stored_optcr | OPTCR_OPTLOCK;
	self->optcr = self->loaded_optcr;
	self->flash_cr = CR_LOCK;
	self->flash_sr = 0;
	self->flash_acr = 0;
	self->key_step = 0;
	self->optkey_step = 0;
	self->cr_key_error = FALSE;
	self->flash_op = FLASH_OP_NONE;
	self->busy_until = 0;
	dcache_invalidate(self, 0, UB_SIM_FLASH_SIZE);

	self->rcc_cr = 0x00000081u; /* HSION, HSITRIM 16 (HSIRDY mirrors HSION) */
	self->rcc_pllcfgr = 0x24003010u;
	self->rcc_cfgr = 0;
	self->rcc_ahb1enr = 0x00100000u;
	self->rcc_apb2enr = 0;
	self->crc_dr = 0xFFFFFFFFu;
	self->crc_idr = 0;
	self->crc_ready = 0;
	ub_sim_dma_reset(self->dma, now);
	self->rcc_csr = (kind == UB_SIM_RESET_POWER_ON ? 0 : self->rcc_csr & 0xFE000000u) |
			flags[kind];
	gpio_reset(self);
	g_hash_table_foreach_remove(self->periph, remove_unless_backup, NULL);
	g_hash_table_foreach_remove(self->ppb, remove_scs, NULL);
	self->cfsr = self->hfsr = 0;
	self->aircr_prigroup = 0;

	/* WDG_SW = 0 in the option bytes: the "hardware" watchdog starts by itself */
	self->iwdg_pr = 0;
	self->iwdg_rlr = 0xFFF;
	self->iwdg_access = 0;
	self->iwdg_running = !(self->optcr & OPTCR_WDG_SW);
	if (self->iwdg_running)
		iwdg_reload(self, now);
}

static void
mcu_power_on(UbSimMcu *self)
{
	/* the debug domain only resets at power-on; SRAM does not survive a power cut */
	self->dhcsr_ctrl = 0;
	self->demcr = 0;
	self->dfsr = 0;
	self->dcrdr = 0;
	self->fp_ctrl_enable = 0;
	memset(self->fp_comp, 0, sizeof(self->fp_comp));
	self->dbgmcu_cr = self->dbgmcu_apb1_fz = self->dbgmcu_apb2_fz = 0;
	g_hash_table_remove_all(self->ppb);
	g_hash_table_remove_all(self->periph);
	memset(self->sram, 0, UB_SIM_SRAM_SIZE);
	memset(self->ccm, 0, CCM_SIZE);
	self->debug_attached = FALSE;
	self->power_generation++;
	mcu_system_reset(self, UB_SIM_RESET_POWER_ON);
	if (!self->nrst_low)
		mcu_core_start(self);
}

/* runs the core from `start` until `limit` or until it stops; returns where time got to */
static guint64
cpu_run(UbSimMcu *self, guint64 start, guint64 limit)
{
	gboolean step = (self->dhcsr_ctrl & (C_DEBUGEN | C_STEP)) == (C_DEBUGEN | C_STEP);
	guint32 pc = 0;
	uc_err err;

	if (self->uc == NULL)
		return limit;
	if (self->dirty_hi[DIRTY_SRAM] != 0) {
		/* code changed under the translation cache (debugger writes, programming) */
		uc_ctl_remove_cache(self->uc, (uint64_t)self->dirty_lo[DIRTY_SRAM],
				    (uint64_t)self->dirty_hi[DIRTY_SRAM]);
		self->dirty_hi[DIRTY_SRAM] = 0;
	}
	if (self->dirty_hi[DIRTY_FLASH] != 0) {
		uc_ctl_remove_cache(self->uc, (uint64_t)self->dirty_lo[DIRTY_FLASH],
				    (uint64_t)self->dirty_hi[DIRTY_FLASH]);
		uc_ctl_remove_cache(self->uc,
				    (uint64_t)(UB_SIM_FLASH_BASE + self->dirty_lo[DIRTY_FLASH]),
				    (uint64_t)(UB_SIM_FLASH_BASE + self->dirty_hi[DIRTY_FLASH]));
		self->dirty_hi[DIRTY_FLASH] = 0;
	}
	if (self->fpb_dirty)
		cpu_sync_fpb(self);
	self->cpu_now = start;
	self->cpu_end = limit;
	self->stop = STOP_NONE;
	self->first_block_seen = FALSE;
	uc_reg_read(self->uc, UC_ARM_REG_PC, &pc);
	self->in_cpu = TRUE;
	err = uc_emu_start(self->uc, pc | 1u, 0, 0, step ? 1 : 0);
	self->in_cpu = FALSE;
	cpu_apply_fixups(self);
	self->skip_bkpt_at = 0xFFFFFFFFu;

	if (self->stop == STOP_RESET) {
		mcu_system_reset(self, self->pending_reset);
		if (!self->nrst_low)
			mcu_core_start(self);
		return MIN(MAX(self->cpu_now, start), limit);
	}
	/* a bus stall that outlasts the slice keeps the core waiting into the next */
	if (self->cpu_now > limit)
		self->cpu_stalled_until = self->cpu_now;
	if (err != UC_ERR_OK && self->stop == STOP_NONE) {
		/* a fetch or access Unicorn could not do: a fault with no handler model */
		self->hfsr |= 1u << 30;
		self->lockup = TRUE;
		self->stop = STOP_LOCKUP;
	} else if (step && self->stop == STOP_NONE) {
		mcu_enter_debug(self, DFSR_HALTED);
		self->stop = STOP_HALT;
	} else if (self->stop == STOP_NONE && self->cpu_now < self->cpu_end) {
		guint16 insn = 0;
		uc_reg_read(self->uc, UC_ARM_REG_PC, &pc);
		if (uc_mem_read(self->uc, pc - 2, &insn, 2) == UC_ERR_OK &&
		    (insn == 0xBF30 || insn == 0xBF20)) {
			/* WFI/WFE: no interrupt will come, the core sleeps */
			guint32 scr = ppb_storage(self, SCR);
			self->sleep = (scr & 4) ? SLEEP_DEEP : SLEEP_LIGHT;
		}
		/* otherwise Unicorn stopped for its own reasons: carry on from here */
	}
	return MIN(MAX(self->cpu_now, start), limit);
}

static gboolean
cpu_can_run(UbSimMcu *self)
{
	return self->uc != NULL && !self->halted && !self->lockup && self->sleep == SLEEP_NONE;
}

static void
mcu_tick(gpointer user_data, guint64 start_ns, guint64 step_ns)
{
	UbSimMcu *self = user_data;
	guint64 t = start_ns;
	guint64 end = start_ns + step_ns;
	guint spins = 0;

	if (!self->powered || self->nrst_low || self->dead)
		return;
	while (t < end) {
		gboolean frozen = self->halted && (self->dbgmcu_apb1_fz & DBG_IWDG_STOP);
		guint64 limit = end;
		guint64 reached;

		if (self->iwdg_running && !frozen && self->iwdg_deadline < limit)
			limit = MAX(self->iwdg_deadline, t);
		/* a DMA stream writing memory and the core take turns in short slices */
		if (ub_sim_dma_is_active(self->dma))
			limit = MIN(limit, t + DMA_SLICE_NS);
		if (cpu_can_run(self) && self->cpu_stalled_until > t) {
			reached = MIN(self->cpu_stalled_until, limit);
		} else if (cpu_can_run(self)) {
			reached = cpu_run(self, t, limit);
			/* a stop that used no time (Unicorn's own reasons) must not spin forever */
			if (reached == t && cpu_can_run(self) && ++spins > 1000)
				reached = limit;
		} else {
			reached = limit;
		}
		if (self->iwdg_running && frozen)
			self->iwdg_deadline += reached - t;
		t = reached;
		ub_sim_dma_update(self->dma, t);
		if (self->iwdg_running && !frozen && t >= self->iwdg_deadline) {
			/* the watchdog ran out: system reset */
			mcu_system_reset(self, UB_SIM_RESET_WATCHDOG);
			mcu_core_start(self);
		}
	}
}

/* ---- GObject ---- */

static void
ub_sim_mcu_finalize(GObject *object)
{
	UbSimMcu *self = UB_SIM_MCU(object);

	ub_sim_clock_remove_ticker(self->clock, mcu_tick, self);
	cpu_close(self);
	g_object_unref(self->clock);
	munmap(self->flash, UB_SIM_FLASH_SIZE);
	g_free(self->sram);
	g_free(self->ccm);
	g_hash_table_unref(self->periph);
	g_hash_table_unref(self->ppb);
	g_array_unref(self->fixups);
	g_object_unref(self->dma);
	g_rand_free(self->timing_rand);
	G_OBJECT_CLASS(ub_sim_mcu_parent_class)->finalize(object);
}

static void
ub_sim_mcu_class_init(UbSimMcuClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_sim_mcu_finalize;
}

static void
ub_sim_mcu_init(UbSimMcu *self)
{
	/* pages of its own, so that a file can take their place (ub_sim_mcu_map_flash()) at the
	 * address the core has mapped */
	self->flash = mmap(NULL, UB_SIM_FLASH_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	g_assert(self->flash != MAP_FAILED);
	memset(self->flash, 0xFF, UB_SIM_FLASH_SIZE);
	self->sram = g_malloc0(UB_SIM_SRAM_SIZE);
	self->ccm = g_malloc0(CCM_SIZE);
	memset(self->otp, 0xFF, sizeof(self->otp));
	self->stored_optcr = 0x0FFFAAEDu;
	self->loaded_optcr = self->stored_optcr;
	self->optcr = self->stored_optcr;
	self->flash_cr = CR_LOCK;
	self->timing_rand = g_rand_new_with_seed(0);
	self->dma = ub_sim_dma_new(mcu_dma_bus_write, self);
	self->periph = g_hash_table_new(g_direct_hash, g_direct_equal);
	self->ppb = g_hash_table_new(g_direct_hash, g_direct_equal);
	self->fixups = g_array_new(FALSE, FALSE, sizeof(FlashFixup));
	self->skip_bkpt_at = 0xFFFFFFFFu;
	gpio_reset(self);
}

UbSimMcu *
ub_sim_mcu_new(UbSimClock *clock)
{
	UbSimMcu *self;

	g_return_val_if_fail(UB_IS_SIM_CLOCK(clock), NULL);
	self = g_object_new(UB_TYPE_SIM_MCU, NULL);
	self->clock = g_object_ref(clock);
	ub_sim_clock_add_ticker(clock, mcu_tick, self);
	return self;
}

/* ---- board set-up ---- */

gboolean
ub_sim_mcu_load_flash(UbSimMcu *self, guint32 address, GBytes *data, GError **error)
{
	gsize len;

	g_return_val_if_fail(UB_IS_SIM_MCU(self), FALSE);
	len = g_bytes_get_size(data);
	if (address < UB_SIM_FLASH_BASE || address - UB_SIM_FLASH_BASE > UB_SIM_FLASH_SIZE ||
	    len > UB_SIM_FLASH_SIZE - (address - UB_SIM_FLASH_BASE)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			    "%" G_GSIZE_FORMAT " bytes at 0x%08x do not fit the 1 MiB flash", len,
			    address);
		return FALSE;
	}
	memcpy(self->flash + (address - UB_SIM_FLASH_BASE), g_bytes_get_data(data, NULL), len);
	mark_dirty(self, DIRTY_FLASH, address - UB_SIM_FLASH_BASE,
		   (guint32)(address - UB_SIM_FLASH_BASE + len));
	return TRUE;
}

GBytes *
ub_sim_mcu_dump_flash(UbSimMcu *self)
{
	g_return_val_if_fail(UB_IS_SIM_MCU(self), NULL);
	cpu_apply_fixups(self);
	flash_update(self, ub_sim_clock_get_ns(self->clock));
	return g_bytes_new(self->flash, UB_SIM_FLASH_SIZE);
}

gboolean
ub_sim_mcu_map_flash(UbSimMcu *self, int fd, goffset offset, GError **error)
{
	g_return_val_if_fail(UB_IS_SIM_MCU(self), FALSE);
	g_return_val_if_fail(!self->in_cpu, FALSE);
	cpu_apply_fixups(self);
	/* in place: the core keeps its mapping of these pages and goes on where it stands */
	if (mmap(self->flash, UB_SIM_FLASH_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fd, (off_t)offset) == MAP_FAILED) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			    "cannot map the flash from a file: %s", g_strerror(errno));
		return FALSE;
	}
	self->flash_mapped = TRUE;
	mark_dirty(self, DIRTY_FLASH, 0, UB_SIM_FLASH_SIZE);
	return TRUE;
}

void
ub_sim_mcu_unmap_flash(UbSimMcu *self)
{
	g_autofree guint8 *copy = NULL;

	g_return_if_fail(UB_IS_SIM_MCU(self));
	g_return_if_fail(!self->in_cpu);
	if (!self->flash_mapped)
		return;
	cpu_apply_fixups(self);
	copy = g_memdup2(self->flash, UB_SIM_FLASH_SIZE);
	g_assert(mmap(self->flash, UB_SIM_FLASH_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED);
	memcpy(self->flash, copy, UB_SIM_FLASH_SIZE);
	self->flash_mapped = FALSE;
}

void
ub_sim_mcu_sync_flash(UbSimMcu *self)
{
	g_return_if_fail(UB_IS_SIM_MCU(self));
	cpu_apply_fixups(self);
}

void
ub_sim_mcu_set_option_bytes(UbSimMcu *self, guint32 optcr)
{
	g_return_if_fail(UB_IS_SIM_MCU(self));
	self->stored_optcr = (optcr & 0x0FFFFFECu) | OPTCR_OPTLOCK;
	self->loaded_optcr = self->stored_optcr;
	self->optcr = self->stored_optcr;
	if (self->powered && !(self->optcr & OPTCR_WDG_SW) && !self->iwdg_running) {
		self->iwdg_running = TRUE;
		iwdg_reload(self, ub_sim_clock_get_ns(self->clock));
	}
}

guint32
ub_sim_mcu_get_option_bytes(UbSimMcu *self)
{
	g_return_val_if_fail(UB_IS_SIM_MCU(self), 0);
	return self->stored_optcr;
}

void
ub_sim_mcu_set_uid(UbSimMcu *self, const guint8 uid[12])
{
	g_return_if_fail(UB_IS_SIM_MCU(self));
	memcpy(self->uid, uid, 12);
}

void
ub_sim_mcu_set_dead(UbSimMcu *self, gboolean dead)
{
	g_return_if_fail(UB_IS_SIM_MCU(self));
	self->dead = dead;
}

gboolean
ub_sim_mcu_get_dead(UbSimMcu *self)
{
	g_return_val_if_fail(UB_IS_SIM_MCU(self), FALSE);
	return self->dead;
}

void
ub_sim_mcu_set_flash_timing(UbSimMcu *self, UbSimFlashTiming timing, guint32 seed)
{
	g_return_if_fail(UB_IS_SIM_MCU(self));
	self->timing = timing;
	g_rand_set_seed(self->timing_rand, seed);
}

UbSimFlashTiming
ub_sim_mcu_get_flash_timing(UbSimMcu *self)
{
	g_return_val_if_fail(UB_IS_SIM_MCU(self), UB_SIM_FLASH_TIMING_TYPICAL);
	return self->timing;
}

gboolean
ub_sim_flash_timing_from_string(const char *text, UbSimFlashTiming *timing)
{
	for (guint i = UB_SIM_FLASH_TIMING_TYPICAL; i <= UB_SIM_FLASH_TIMING_MAX; i++) {
		if (g_strcmp0(text, ub_sim_flash_timing_to_string(i)) == 0) {
			*timing = i;
			return TRUE;
		}
	}
	return FALSE;
}

const char *
ub_sim_flash_timing_to_string(UbSimFlashTiming timing)
{
	switch (timing) {
	case UB_SIM_FLASH_TIMING_TYPICAL:
		return "typical";
	case UB_SIM_FLASH_TIMING_DRAWN:
		return "drawn";
	case UB_SIM_FLASH_TIMING_MAX:
		return "max";
	default:
		return NULL;
	}
}

/* ---- power and NRST ---- */

void
ub_sim_mcu_set_powered(UbSimMcu *self, gboolean powered)
{
	g_return_if_fail(UB_IS_SIM_MCU(self));
	if (powered == self->powered)
		return;
	self->powered = powered;
	if (powered) {
		mcu_power_on(self);
	} else {
		/* an erase or programming under way stops where it was */
		flash_interrupt(self, ub_sim_clock_get_ns(self->clock));
		ub_sim_dma_reset(self->dma, ub_sim_clock_get_ns(self->clock));
		cpu_close(self);
		self->halted = FALSE;
	}
}

gboolean
ub_sim_mcu_get_powered(UbSimMcu *self)
{
	g_return_val_if_fail(UB_IS_SIM_MCU(self), FALSE);
	return self->powered;
}

guint
ub_sim_mcu_get_power_generation(UbSimMcu *self)
{
	g_return_val_if_fail(UB_IS_SIM_MCU(self), 0);
	return self->power_generation;
}

void
ub_sim_mcu_set_nrst_low(UbSimMcu *self, gboolean low)
{
	gboolean was_low;

	g_return_if_fail(UB_IS_SIM_MCU(self));
	was_low = self->nrst_low;
	self->nrst_low = low;
	if (!self->powered || low == was_low)
		return;
	if (low) {
		/* the system is held in reset; the debug domain (DP, AHB-AP, SCS) keeps working */
		mcu_system_reset(self, UB_SIM_RESET_PIN);
	} else {
		mcu_core_start(self);
	}
}

gboolean
ub_sim_mcu_get_in_reset(UbSimMcu *self)
{
	g_return_val_if_fail(UB_IS_SIM_MCU(self), FALSE);
	return self->nrst_low;
}

UbSimReset
ub_sim_mcu_get_last_reset(UbSimMcu *self)
{
	g_return_val_if_fail(UB_IS_SIM_MCU(self), UB_SIM_RESET_NONE);
	return self->last_reset;
}

gboolean
ub_sim_mcu_get_halted(UbSimMcu *self)
{
	g_return_val_if_fail(UB_IS_SIM_MCU(self), FALSE);
	return self->halted;
}

/* ---- what the SWD link sees ---- */

gboolean
ub_sim_mcu_swd_pins_connected(UbSimMcu *self)
{
	guint32 moder, afrh;

	g_return_val_if_fail(UB_IS_SIM_MCU(self), FALSE);
	/* in reset every GPIO is back at its reset state: PA13/PA14 are AF0 (SWD) */
	if (self->nrst_low)
		return TRUE;
	moder = self->gpio[0][0];
	afrh = self->gpio[0][9];
	return ((moder >> 26) & 3) == 2 && ((moder >> 28) & 3) == 2 &&
	       ((afrh >> 20) & 0xF) == 0 && ((afrh >> 24) & 0xF) == 0;
}

gboolean
ub_sim_mcu_debug_port_enabled(UbSimMcu *self)
{
	g_return_val_if_fail(UB_IS_SIM_MCU(self), FALSE);
	return !self->dead && rdp_level(self->loaded_optcr) != 2;
}

/* a sleeping chip stops the clocks the AHB-AP needs unless DBGMCU_CR keeps them */
static gboolean
sleep_stalls_debug(UbSimMcu *self, guint32 address)
{
	if (self->halted || self->nrst_low)
		return FALSE;
	if (self->sleep == SLEEP_DEEP)
		return !(self->dbgmcu_cr & (DBGMCU_DBG_STOP | (1u << 2)));
	if (self->sleep == SLEEP_LIGHT)
		return !(self->dbgmcu_cr & DBGMCU_DBG_SLEEP) && address < PPB_BASE;
	return FALSE;
}

/* what every debugger access goes through before the bus: power, a damaged chip, sleep */
static gboolean
ap_gate(UbSimMcu *self, guint32 address, UbSimAccess *access)
{
	if (!self->powered || self->dead) {
		*access = UB_SIM_ACCESS_FAULT;
		return FALSE;
	}
	self->debug_attached = TRUE;
	if (sleep_stalls_debug(self, address)) {
		*access = UB_SIM_ACCESS_WAIT;
		return FALSE;
	}
	if (address < 0xE0000000u && ub_sim_clock_get_ns(self->clock) < self->bus_held_until) {
		*access = UB_SIM_ACCESS_WAIT;
		return FALSE;
	}
	return TRUE;
}

void
ub_sim_mcu_hold_bus(UbSimMcu *self, guint64 until_ns)
{
	g_return_if_fail(UB_IS_SIM_MCU(self));
	self->bus_held_until = MAX(self->bus_held_until, until_ns);
}

UbSimAccess
ub_sim_mcu_ap_read(UbSimMcu *self, guint32 address, guint size, guint32 *value)
{
	UbSimAccess access;

	g_return_val_if_fail(UB_IS_SIM_MCU(self), UB_SIM_ACCESS_FAULT);
	g_return_val_if_fail(size == 1 || size == 2 || size == 4, UB_SIM_ACCESS_FAULT);
	if (!ap_gate(self, address, &access))
		return access;
	return mcu_bus_read(self, MASTER_DEBUG, address, size, value);
}

UbSimAccess
ub_sim_mcu_ap_write(UbSimMcu *self, guint32 address, guint size, guint32 value)
{
	UbSimAccess access;

	g_return_val_if_fail(UB_IS_SIM_MCU(self), UB_SIM_ACCESS_FAULT);
	g_return_val_if_fail(size == 1 || size == 2 || size == 4, UB_SIM_ACCESS_FAULT);
	if (!ap_gate(self, address, &access))
		return access;
	return mcu_bus_write(self, MASTER_DEBUG, address, size, value);
}

void
ub_sim_mcu_get_stats(UbSimMcu *self, UbSimMcuStats *stats)
{
	g_return_if_fail(UB_IS_SIM_MCU(self));
	*stats = self->stats;
	stats->dma_transfers = ub_sim_dma_get_transfers(self->dma);
}
