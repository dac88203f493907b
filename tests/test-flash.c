/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The STM32F4 flash driver (UbFlashStm32f4) against a small fake: a UbProbe whose target is
 * an F405's memory, flash controller (RM0090 §3: keys, PG/SER/MER/STRT, PSIZE, BSY for the
 * DS8626 typical times on a virtual clock, SR error bits, nWRP, RDP) and a Cortex-M4 core run
 * by Unicorn, so the real SRAM loader executes. Knobs inject what the tests need: a probe
 * that goes away after N calls, a flash key sequence gone wrong, byte-split writes, lost
 * FLASH_CR writes, SRAM that faults.
 *
 * The full simulator (core/sim/) is exercised through UbDevice by test-flash-job.
 */
#include "config.h"

#include <string.h>
#include <unicorn/unicorn.h>

#include "ub-error.h"
#include "ub-flash-stm32f4.h"
#include "ub-flash-stub.h"
#include "ub-image-bin.h"

#define FLASH_BASE 0x08000000u
#define FLASH_SIZE 0x100000u
#define SRAM_BASE 0x20000000u
#define SRAM_SIZE 0x20000u
#define NS_PER_INSN 62 /* 16 MHz HSI, one instruction per cycle (rough) */
#define SLICE_INSNS 256

static const UbFlashSector f405[] = {
        {0, 0x08000000, 0x4000},  {1, 0x08004000, 0x4000},   {2, 0x08008000, 0x4000},
        {3, 0x0800c000, 0x4000},  {4, 0x08010000, 0x10000},  {5, 0x08020000, 0x20000},
        {6, 0x08040000, 0x20000}, {7, 0x08060000, 0x20000},  {8, 0x08080000, 0x20000},
        {9, 0x080a0000, 0x20000}, {10, 0x080c0000, 0x20000}, {11, 0x080e0000, 0x20000},
};

#define UB_TYPE_FAKE_PROBE (ub_fake_probe_get_type())
G_DECLARE_FINAL_TYPE(UbFakeProbe, ub_fake_probe, UB, FAKE_PROBE, UbProbe)

struct _UbFakeProbe {
	UbProbe parent_instance;
	guint8 *flash;
	guint8 *sram;
	/* flash interface */
	guint32 cr;
	guint32 sr;
	guint32 optcr;         /* as programmed */
	guint32 optcr_applied; /* as loaded at the last reset */
	guint32 optcr_stored;  /* what the option bytes hold (0x1FFFC000) */
	guint key_stage;
	guint optkey_stage;
	gboolean keys_broken; /* a wrong key was written: locked until reset */
	guint64 busy_until;
	guint32 dbgmcu_apb1_fz;
	/* the CRC unit (RM0090 §4), clocked by RCC_AHB1ENR.CRCEN */
	guint32 rcc_ahb1enr;
	guint32 crc_dr;
	/* core */
	uc_engine *uc;
	gboolean halted;
	gboolean maskints;
	guint32 regs[21];
	gboolean in_unicorn;
	/* time and cost */
	guint64 now_ns;
	guint calls;
	/* knobs */
	guint fail_after;        /* 0: never; else every call after that many fails */
	gboolean split_writes;   /* flash writes arrive as bytes (PGPERR) */
	gboolean misalign;       /* flash writes arrive 2 bytes off (PGAERR) */
	gboolean drop_cr_writes; /* FLASH_CR writes are lost (PGSERR) */
	gboolean sram_faults;
	guint millivolts;
	gboolean wait_on_flash_runs; /* a multi-element flash write gives up on WAIT */
	gboolean no_mem16;	     /* 16-bit accesses go as bytes (ST-LINK before J26) */
	gboolean options_stuck;	     /* an option change leaves the stored bytes as they were */
};

static void ub_fake_probe_clock_iface_init(UbClockInterface *iface);

/* the fake chip keeps its own time: it is also the clock the target and the engine wait on */
G_DEFINE_TYPE_WITH_CODE(UbFakeProbe, ub_fake_probe, UB_TYPE_PROBE,
			G_IMPLEMENT_INTERFACE(UB_TYPE_CLOCK, ub_fake_probe_clock_iface_init))

static guint
sector_of(guint32 offset)
{
	for (guint i = 0; i < G_N_ELEMENTS(f405); i++) {
		if (offset + FLASH_BASE >= f405[i].address &&
		    offset + FLASH_BASE < f405[i].address + f405[i].size)
			return i;
	}
	return 0;
}

static guint64
erase_ns(guint32 size, guint psize)
{
	return ub_flash_stm32f4_erase_time_us(size, psize) * 1000;
}

static void fake_run_core(UbFakeProbe *self, guint64 until);

/* the bus stalls while the flash is busy (RM0090 §3.5.4) */
static void
fake_stall(UbFakeProbe *self)
{
	if (self->busy_until > self->now_ns)
		self->now_ns = self->busy_until;
}

static guint32
fake_sr(UbFakeProbe *self)
{
	return self->sr | (self->now_ns < self->busy_until ? UB_STM32F4_SR_BSY : 0);
}

static gboolean
fake_flash_readable(UbFakeProbe *self)
{
	return ((self->optcr_applied >> 8) & 0xff) == 0xaa;
}

static void
fake_program(UbFakeProbe *self, guint32 offset, guint32 value, guint size)
{
	guint width = 1u << ((self->cr >> 8) & 3);

	fake_stall(self);
	if ((self->cr & 1) == 0 || (self->cr & 0x80000000u)) {
		self->sr |= UB_STM32F4_SR_PGSERR;
		return;
	}
	if (size != width) {
		self->sr |= UB_STM32F4_SR_PGPERR;
		return;
	}
	/* RM0090 §3.8.4: the data must fit one aligned element of the 128-bit row */
	if (offset % size != 0) {
		self->sr |= UB_STM32F4_SR_PGAERR;
		return;
	}
	if ((self->optcr_applied & (1u << (16 + sector_of(offset)))) == 0) {
		self->sr |= UB_STM32F4_SR_WRPERR;
		return;
	}
	for (guint i = 0; i < size; i++)
		self->flash[offset + i] &= (value >> (8 * i)) & 0xff;
	self->busy_until = self->now_ns + UB_STM32F4_PROGRAM_US * 1000;
}

static void
fake_write_cr(UbFakeProbe *self, guint32 value)
{
	guint psize = (value >> 8) & 3;

	fake_stall(self);
	if (self->drop_cr_writes)
		return;
	if (self->cr & 0x80000000u) {
		/* locked: only LOCK stays; writes are ignored */
		return;
	}
	self->cr = value & ~(1u << 16);
	if ((value & (1u << 16)) == 0)
		return;
	if ((value & 2) && (value & 4))
		return;
	if (value & 2) {
		guint sector = (value >> 3) & 0xf;
		if (sector >= G_N_ELEMENTS(f405))
			return;
		if ((self->optcr_applied & (1u << (16 + sector))) == 0) {
			self->sr |= UB_STM32F4_SR_WRPERR;
			return;
		}
		memset(self->flash + (f405[sector].address - FLASH_BASE), 0xff, f405[sector].size);
		self->busy_until = self->now_ns + erase_ns(f405[sector].size, psize);
	} else if (value & 4) {
		memset(self->flash, 0xff, FLASH_SIZE);
		self->busy_until = self->now_ns + ub_flash_stm32f4_mass_erase_time_us(psize) * 1000;
	}
}

static void
fake_write_optcr(UbFakeProbe *self, guint32 value)
{
	fake_stall(self);
	if (self->optcr & 1)
		return;
	if (value & 2) {
		guint8 old_rdp = (self->optcr_applied >> 8) & 0xff;
		guint8 new_rdp = (value >> 8) & 0xff;
		self->optcr = value & ~2u;
		if (!self->options_stuck)
			self->optcr_stored = self->optcr;
		if (old_rdp != 0xaa && new_rdp == 0xaa) {
			memset(self->flash, 0xff, FLASH_SIZE);
			self->busy_until = self->now_ns + 8000000000ull;
		} else {
			self->busy_until = self->now_ns + 250000000ull;
		}
		return;
	}
	self->optcr = value;
}

/* a 32-bit or narrower access from the AP or the core; FALSE: bus fault */
static gboolean
fake_bus_write(UbFakeProbe *self, guint32 address, guint32 value, guint size)
{
	if (address >= FLASH_BASE && address < FLASH_BASE + FLASH_SIZE) {
		if (!fake_flash_readable(self))
			return FALSE;
		if (self->misalign)
			address += 2;
		if (self->split_writes && size > 1) {
			for (guint i = 0; i < size; i++)
				fake_program(self, address - FLASH_BASE + i, value >> (8 * i), 1);
			return TRUE;
		}
		fake_program(self, address - FLASH_BASE, value, size);
		return TRUE;
	}
	if (address >= SRAM_BASE && address < SRAM_BASE + SRAM_SIZE) {
		if (self->sram_faults)
			return FALSE;
		memcpy(self->sram + (address - SRAM_BASE), &value, size);
		return TRUE;
	}
	switch (address) {
	case UB_STM32F4_FLASH_KEYR:
		/* after a wrong sequence the keys have no effect until reset */
		if (self->keys_broken)
			return TRUE;
		if (self->key_stage == 0 && value == 0x45670123u) {
			self->key_stage = 1;
		} else if (self->key_stage == 1 && value == 0xcdef89abu) {
			self->key_stage = 0;
			self->cr &= ~0x80000000u;
		} else {
			/* RM0090 §3.5.1: a wrong sequence locks until reset, bus error */
			self->keys_broken = TRUE;
			return FALSE;
		}
		return TRUE;
	case UB_STM32F4_FLASH_OPTKEYR:
		if (self->optkey_stage == 0 && value == 0x08192a3bu)
			self->optkey_stage = 1;
		else if (self->optkey_stage == 1 && value == 0x4c5d6e7fu)
			self->optcr &= ~1u, self->optkey_stage = 0;
		return TRUE;
	case UB_STM32F4_FLASH_SR:
		self->sr &= ~(value & 0xf3);
		return TRUE;
	case UB_STM32F4_FLASH_CR:
		if (value & 0x80000000u) {
			self->cr |= 0x80000000u;
			return TRUE;
		}
		fake_write_cr(self, value);
		return TRUE;
	case UB_STM32F4_FLASH_OPTCR:
		fake_write_optcr(self, value);
		return TRUE;
	case UB_DHCSR:
		if ((value >> 16) != 0xa05f)
			return TRUE;
		if (value & UB_DHCSR_C_HALT) {
			self->halted = TRUE;
			self->maskints = (value & UB_DHCSR_C_MASKINTS) != 0;
		} else {
			self->halted = FALSE;
		}
		return TRUE;
	case 0xe0042008u: /* DBGMCU_APB1_FZ */
		self->dbgmcu_apb1_fz = value & 0x06e01dffu;
		return TRUE;
	case 0x40023830u: /* RCC_AHB1ENR */
		self->rcc_ahb1enr = value;
		return TRUE;
	case 0x40023000u: /* CRC_DR: one word, MSB first, polynomial 0x04C11DB7 */
		if ((self->rcc_ahb1enr & (1u << 12)) == 0)
			return TRUE;
		self->crc_dr ^= value;
		for (guint bit = 0; bit < 32; bit++)
			self->crc_dr = (self->crc_dr & 0x80000000u) ? (self->crc_dr << 1) ^ 0x04c11db7u
			                                            : self->crc_dr << 1;
		return TRUE;
	case 0x40023008u: /* CRC_CR.RESET */
		if ((self->rcc_ahb1enr & (1u << 12)) && (value & 1))
			self->crc_dr = 0xffffffffu;
		return TRUE;
	default:
		/* IWDG_KR, RCC, FLASH_ACR, …: accepted, no effect here */
		return TRUE;
	}
}

static gboolean
fake_bus_read(UbFakeProbe *self, guint32 address, guint32 *value, guint size)
{
	*value = 0;
	if (address >= FLASH_BASE && address < FLASH_BASE + FLASH_SIZE) {
		if (!fake_flash_readable(self))
			return FALSE;
		fake_stall(self);
		memcpy(value, self->flash + (address - FLASH_BASE), size);
		return TRUE;
	}
	if (address >= SRAM_BASE && address < SRAM_BASE + SRAM_SIZE) {
		if (self->sram_faults)
			return FALSE;
		memcpy(value, self->sram + (address - SRAM_BASE), size);
		return TRUE;
	}
	switch (address) {
	case UB_STM32F4_FLASH_SR:
		*value = fake_sr(self);
		return TRUE;
	case UB_STM32F4_FLASH_SR + 2:
		*value = fake_sr(self) >> 16;
		return TRUE;
	case UB_STM32F4_FLASH_CR:
		*value = self->cr;
		return TRUE;
	case UB_STM32F4_FLASH_OPTCR:
		*value = self->optcr;
		return TRUE;
	case UB_CPUID:
		*value = 0x410fc241;
		return TRUE;
	case UB_DHCSR:
		*value = UB_DHCSR_C_DEBUGEN |
		         (self->halted ? UB_DHCSR_C_HALT | UB_DHCSR_S_HALT | UB_DHCSR_S_REGRDY : 0);
		return TRUE;
	case 0xe0042008u:
		*value = self->dbgmcu_apb1_fz;
		return TRUE;
	case 0x40023830u:
		*value = self->rcc_ahb1enr;
		return TRUE;
	case 0x40023000u:
		*value = (self->rcc_ahb1enr & (1u << 12)) ? self->crc_dr : 0;
		return TRUE;
	/* the option bytes as stored (RM0090 §3.7.1) */
	case 0x1fffc000u:
		*value = self->optcr_stored & 0xffecu;
		return TRUE;
	case 0x1fffc008u:
		*value = (self->optcr_stored >> 16) & 0xfffu;
		return TRUE;
	default:
		return TRUE;
	}
}

/* ---- the core ---- */

static uint64_t
uc_flash_read(uc_engine *uc, uint64_t offset, unsigned size, void *user_data)
{
	UbFakeProbe *self = user_data;
	guint32 value = 0;
	if (!fake_bus_read(self, FLASH_BASE + (guint32)offset, &value, size))
		return 0;
	return value;
}

static void
uc_flash_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *user_data)
{
	fake_bus_write(user_data, FLASH_BASE + (guint32)offset, (guint32)value, size);
}

static uint64_t
uc_periph_read(uc_engine *uc, uint64_t offset, unsigned size, void *user_data)
{
	UbFakeProbe *self = user_data;
	guint32 value = 0;
	fake_bus_read(self, 0x40000000u + (guint32)offset, &value, size);
	return value;
}

static void
uc_periph_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *user_data)
{
	fake_bus_write(user_data, 0x40000000u + (guint32)offset, (guint32)value, size);
}

static void
uc_interrupt(uc_engine *uc, uint32_t intno, void *user_data)
{
	UbFakeProbe *self = user_data;
	/* BKPT (or any fault: no vector table here) enters Debug state */
	self->halted = TRUE;
	uc_emu_stop(uc);
}

static const int uc_regs[] = {
        UC_ARM_REG_R0,  UC_ARM_REG_R1,   UC_ARM_REG_R2,  UC_ARM_REG_R3, UC_ARM_REG_R4,
        UC_ARM_REG_R5,  UC_ARM_REG_R6,   UC_ARM_REG_R7,  UC_ARM_REG_R8, UC_ARM_REG_R9,
        UC_ARM_REG_R10, UC_ARM_REG_R11,  UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR,
        UC_ARM_REG_PC,  UC_ARM_REG_XPSR,
};

static void
fake_ensure_core(UbFakeProbe *self)
{
	uc_hook hook;

	if (self->uc != NULL)
		return;
	g_assert_cmpint(uc_open(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS, &self->uc), ==,
	                UC_ERR_OK);
	g_assert_cmpint(uc_mem_map_ptr(self->uc, SRAM_BASE, SRAM_SIZE, UC_PROT_ALL, self->sram), ==,
	                UC_ERR_OK);
	g_assert_cmpint(uc_mmio_map(self->uc, FLASH_BASE, FLASH_SIZE, uc_flash_read, self,
	                            uc_flash_write, self),
	                ==, UC_ERR_OK);
	g_assert_cmpint(uc_mmio_map(self->uc, 0x40000000u, 0x30000, uc_periph_read, self,
	                            uc_periph_write, self),
	                ==, UC_ERR_OK);
	uc_hook_add(self->uc, &hook, UC_HOOK_INTR, uc_interrupt, self, 1, 0);
}

static void
fake_run_core(UbFakeProbe *self, guint64 until)
{
	guint32 pc;

	if (self->halted || self->in_unicorn || self->sram_faults) {
		self->now_ns = MAX(self->now_ns, until);
		return;
	}
	fake_ensure_core(self);
	self->in_unicorn = TRUE;
	for (guint i = 0; i < G_N_ELEMENTS(uc_regs); i++)
		uc_reg_write(self->uc, uc_regs[i], &self->regs[i]);
	while (!self->halted && self->now_ns < until) {
		uc_reg_read(self->uc, UC_ARM_REG_PC, &pc);
		if (uc_emu_start(self->uc, pc | 1, 0, 0, SLICE_INSNS) != UC_ERR_OK)
			self->halted = TRUE;
		self->now_ns += SLICE_INSNS * NS_PER_INSN;
	}
	for (guint i = 0; i < G_N_ELEMENTS(uc_regs); i++)
		uc_reg_read(self->uc, uc_regs[i], &self->regs[i]);
	self->in_unicorn = FALSE;
	self->now_ns = MAX(self->now_ns, until);
}

/* every probe call is a USB round trip: about 1 ms, plus the SWD bits for @bytes */
static gboolean
fake_call(UbFakeProbe *self, gsize bytes, GError **error)
{
	self->calls++;
	if (self->fail_after != 0 && self->calls > self->fail_after) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_DISCONNECTED,
		                    "the probe was unplugged");
		return FALSE;
	}
	fake_run_core(self, self->now_ns + 1000000 + bytes / 4 * 25600);
	return TRUE;
}

static void
fake_clock_sleep_us(UbClock *clock, guint64 us)
{
	UbFakeProbe *self = (UbFakeProbe *)clock;
	fake_run_core(self, self->now_ns + us * 1000);
}

static guint64
fake_clock_get_us(UbClock *clock)
{
	return ((UbFakeProbe *)clock)->now_ns / 1000;
}

static void
ub_fake_probe_clock_iface_init(UbClockInterface *iface)
{
	iface->get_us = fake_clock_get_us;
	iface->sleep_us = fake_clock_sleep_us;
}

static gboolean
fake_fault(GError **error, guint32 address)
{
	g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT, "bus fault at 0x%08x", address);
	return FALSE;
}

static gboolean
fake_read_memory(UbProbe *probe, guint32 address, guint8 *buffer, gsize len, UbAccess access,
                 GError **error)
{
	UbFakeProbe *self = UB_FAKE_PROBE(probe);
	guint width = access == UB_ACCESS_AUTO ? 4 : access;

	if (!fake_call(self, len, error))
		return FALSE;
	for (gsize i = 0; i < len; i += width) {
		guint32 value = 0;
		guint n = MIN(width, (guint)(len - i));
		if (!fake_bus_read(self, address + (guint32)i, &value, n))
			return fake_fault(error, address + (guint32)i);
		memcpy(buffer + i, &value, n);
	}
	return TRUE;
}

static gboolean
fake_write_memory(UbProbe *probe, guint32 address, const guint8 *data, gsize len, UbAccess access,
                  GError **error)
{
	UbFakeProbe *self = UB_FAKE_PROBE(probe);
	guint width = access == UB_ACCESS_AUTO ? 4 : access;

	if (!fake_call(self, len, error))
		return FALSE;
	if (self->no_mem16 && width == 2)
		width = 1;
	if (self->wait_on_flash_runs && address >= FLASH_BASE && address < FLASH_BASE + FLASH_SIZE &&
	    len > width) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_WAIT,
		            "AP WAIT (ST-LINK status 0x10)");
		return FALSE;
	}
	for (gsize i = 0; i < len; i += width) {
		guint32 value = 0;
		guint n = MIN(width, (guint)(len - i));
		memcpy(&value, data + i, n);
		if (!fake_bus_write(self, address + (guint32)i, value, n))
			return fake_fault(error, address + (guint32)i);
	}
	return TRUE;
}

static gboolean
fake_read_u32(UbProbe *probe, guint32 address, guint32 *value, GError **error)
{
	UbFakeProbe *self = UB_FAKE_PROBE(probe);
	if (!fake_call(self, 4, error))
		return FALSE;
	if (!fake_bus_read(self, address, value, 4))
		return fake_fault(error, address);
	return TRUE;
}

static gboolean
fake_write_u32(UbProbe *probe, guint32 address, guint32 value, GError **error)
{
	UbFakeProbe *self = UB_FAKE_PROBE(probe);
	if (!fake_call(self, 4, error))
		return FALSE;
	if (!fake_bus_write(self, address, value, 4))
		return fake_fault(error, address);
	return TRUE;
}

static gboolean
fake_read_core_register(UbProbe *probe, guint regsel, guint32 *value, GError **error)
{
	UbFakeProbe *self = UB_FAKE_PROBE(probe);
	if (!fake_call(self, 4, error))
		return FALSE;
	*value = regsel < G_N_ELEMENTS(uc_regs) ? self->regs[regsel] : 0;
	return TRUE;
}

static gboolean
fake_write_core_register(UbProbe *probe, guint regsel, guint32 value, GError **error)
{
	UbFakeProbe *self = UB_FAKE_PROBE(probe);
	if (!fake_call(self, 4, error))
		return FALSE;
	if (regsel < G_N_ELEMENTS(uc_regs))
		self->regs[regsel] = value;
	return TRUE;
}

static gboolean
fake_supports_access(UbProbe *probe, UbAccess access)
{
	return access != UB_ACCESS_16 || !UB_FAKE_PROBE(probe)->no_mem16;
}

static gboolean
fake_ok(UbProbe *probe, GError **error)
{
	return fake_call(UB_FAKE_PROBE(probe), 0, error);
}

static gboolean
fake_read_dp_idcode(UbProbe *probe, guint32 *idcode, GError **error)
{
	*idcode = 0x2ba01477;
	return fake_call(UB_FAKE_PROBE(probe), 0, error);
}

static gboolean
fake_get_target_voltage(UbProbe *probe, guint *millivolts, GError **error)
{
	*millivolts = UB_FAKE_PROBE(probe)->millivolts;
	return fake_call(UB_FAKE_PROBE(probe), 0, error);
}

/* power-on or NRST: the option bytes load, the flash interface is locked again */
static void
fake_reset(UbFakeProbe *self)
{
	fake_stall(self);
	self->optcr_applied = self->optcr | 1;
	self->optcr = self->optcr_applied;
	self->cr = 0x80000000u;
	self->sr = 0;
	self->keys_broken = FALSE;
	self->key_stage = 0;
	self->optkey_stage = 0;
	self->halted = TRUE;
	self->rcc_ahb1enr = 0x00100000u;
	self->crc_dr = 0xffffffffu;
}

static void
ub_fake_probe_finalize(GObject *object)
{
	UbFakeProbe *self = UB_FAKE_PROBE(object);

	if (self->uc != NULL)
		uc_close(self->uc);
	g_free(self->flash);
	g_free(self->sram);
	G_OBJECT_CLASS(ub_fake_probe_parent_class)->finalize(object);
}

static void
ub_fake_probe_class_init(UbFakeProbeClass *klass)
{
	UbProbeClass *probe_class = UB_PROBE_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = ub_fake_probe_finalize;
	probe_class->open = fake_ok;
	probe_class->enter_swd = fake_ok;
	probe_class->leave_debug = fake_ok;
	probe_class->read_dp_idcode = fake_read_dp_idcode;
	probe_class->get_target_voltage = fake_get_target_voltage;
	probe_class->read_memory = fake_read_memory;
	probe_class->write_memory = fake_write_memory;
	probe_class->read_u32 = fake_read_u32;
	probe_class->write_u32 = fake_write_u32;
	probe_class->read_core_register = fake_read_core_register;
	probe_class->write_core_register = fake_write_core_register;
	probe_class->supports_access = fake_supports_access;
}

static void
ub_fake_probe_init(UbFakeProbe *self)
{
	self->flash = g_malloc(FLASH_SIZE);
	self->sram = g_malloc0(SRAM_SIZE);
	memset(self->flash, 0xff, FLASH_SIZE);
	self->optcr = 0x0fffaaed;
	self->optcr_stored = self->optcr;
	self->millivolts = 3300;
	fake_reset(self);
	ub_probe_set_max_transfer(UB_PROBE(self), 6144);
}

/* ---- fixtures ---- */

typedef struct {
	UbFakeProbe *fake;
	UbTarget *target;
	UbFlashStm32f4 *flash;
} Bench;

static void
bench_open(Bench *bench)
{
	g_autoptr(GError) error = NULL;

	bench->target = ub_target_new(UB_PROBE(bench->fake));
	ub_target_set_clock(bench->target, UB_CLOCK(bench->fake));
	g_assert_true(ub_target_connect(bench->target, &error));
	g_assert_no_error(error);
	bench->flash = ub_flash_stm32f4_new(bench->target);
	ub_flash_stm32f4_set_sectors(bench->flash, f405, G_N_ELEMENTS(f405));
}

static void
bench_init(Bench *bench)
{
	bench->fake = g_object_new(UB_TYPE_FAKE_PROBE, NULL);
	bench_open(bench);
}

/* a new session on the same chip, as after re-plugging the probe */
static void
bench_reopen(Bench *bench)
{
	g_clear_object(&bench->flash);
	g_clear_object(&bench->target);
	bench_open(bench);
}

static void
bench_clear(Bench *bench)
{
	g_clear_object(&bench->flash);
	g_clear_object(&bench->target);
	g_clear_object(&bench->fake);
}

/* a VESC-like image: vector table, code, long erased stretches, data to the end */
static GPtrArray *
make_chunks(guint32 address, gsize size, guint seed)
{
	GPtrArray *chunks = g_ptr_array_new_with_free_func((GDestroyNotify)ub_image_chunk_unref);
	g_autofree guint8 *data = g_malloc(size);
	g_autoptr(GBytes) bytes = NULL;
	guint32 state = seed;

	for (gsize i = 0; i < size; i++) {
		state = state * 1103515245u + 12345u;
		data[i] = (guint8)(state >> 16);
	}
	/* erased runs the driver leaves out */
	if (size > 0x3000)
		memset(data + 0x1000, 0xff, 0x2000);
	bytes = g_bytes_new_take(g_steal_pointer(&data), size);
	g_ptr_array_add(chunks, ub_image_chunk_new(address, bytes));
	return chunks;
}

static void
assert_flash_holds(Bench *bench, GPtrArray *chunks)
{
	for (guint i = 0; i < chunks->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(chunks, i);
		gsize size = 0;
		const guint8 *data = g_bytes_get_data(ub_image_chunk_get_data(chunk), &size);
		g_assert_cmpmem(bench->fake->flash +
		                        (ub_image_chunk_get_address(chunk) - FLASH_BASE),
		                size, data, size);
	}
}

/* ---- tests ---- */

static void
program_and_verify(Bench *bench, GPtrArray *chunks, const guint *erase, guint n_erase)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(
	        ub_flash_stm32f4_program(bench->flash, chunks, erase, n_erase, NULL, NULL, &error));
	g_assert_no_error(error);
	g_assert_true(ub_flash_stm32f4_verify(bench->flash, chunks, NULL, NULL, &error));
	g_assert_no_error(error);
	g_assert_true(ub_flash_stm32f4_finish(bench->flash, NULL, &error));
	g_assert_no_error(error);
}

/* the loader and direct writes leave exactly the same flash, for every parallelism */
static void
test_flash_stub_and_direct_agree(void)
{
	const guint erase[] = {3, 4};
	g_autoptr(GPtrArray) chunks = make_chunks(0x0800c000, 0x9000, 7);

	for (UbFlashPsize psize = UB_FLASH_PSIZE_X8; psize <= UB_FLASH_PSIZE_X32; psize++) {
		Bench stub = {0};
		Bench direct = {0};
		UbFlashStats stats = {0};

		bench_init(&stub);
		bench_init(&direct);
		/* old contents that must go */
		memset(stub.fake->flash + 0xc000, 0x00, 0x14000);
		memset(direct.fake->flash + 0xc000, 0x00, 0x14000);
		ub_flash_stm32f4_set_psize(stub.flash, psize);
		ub_flash_stm32f4_set_psize(direct.flash, psize);
		ub_flash_stm32f4_set_use_stub(direct.flash, FALSE);
		program_and_verify(&stub, chunks, erase, G_N_ELEMENTS(erase));
		program_and_verify(&direct, chunks, erase, G_N_ELEMENTS(erase));
		assert_flash_holds(&stub, chunks);
		g_assert_cmpmem(stub.fake->flash, FLASH_SIZE, direct.fake->flash, FLASH_SIZE);

		ub_flash_stm32f4_get_stats(stub.flash, &stats);
		g_assert_true(stats.used_stub);
		g_assert_false(stats.stub_failed);
		g_assert_cmpuint(stats.sectors_erased, ==, 2);
		/* the erased run was not programmed */
		g_assert_cmpuint(stats.bytes_programmed, <=, 0x9000 - 0x2000);
		ub_flash_stm32f4_get_stats(direct.flash, &stats);
		g_assert_false(stats.used_stub);
		/* the loader stopped with BKPT, the flash is locked again */
		g_assert_true(stub.fake->halted);
		g_assert_true(stub.fake->cr & 0x80000000u);
		bench_clear(&stub);
		bench_clear(&direct);
	}
}

static void
test_flash_write_protected(void)
{
	Bench bench = {0};
	const guint erase[] = {4};
	g_autoptr(GPtrArray) chunks = make_chunks(0x08010000, 0x800, 3);
	g_autoptr(GError) error = NULL;

	for (guint direct = 0; direct < 2; direct++) {
		bench_init(&bench);
		/* nWRP bit 4 clear: sector 4 protected */
		bench.fake->optcr &= ~(1u << (16 + 4));
		fake_reset(bench.fake);
		memset(bench.fake->flash + 0x10000, 0x11, 0x100);
		ub_flash_stm32f4_set_use_stub(bench.flash, direct == 0);
		g_assert_false(ub_flash_stm32f4_program(bench.flash, chunks, erase, 1, NULL, NULL,
		                                        &error));
		g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_WRITE_PROTECTED);
		g_assert_nonnull(strstr(error->message, "sector 4"));
		g_clear_error(&error);
		/* nothing was erased */
		g_assert_cmpuint(bench.fake->flash[0x10000], ==, 0x11);
		g_assert_false(ub_flash_stm32f4_is_loader_running(bench.flash));

		/* clearing the protection (applies at reset) lets the same write through */
		g_assert_true(ub_flash_stm32f4_clear_write_protection(bench.flash, NULL, &error));
		g_assert_no_error(error);
		fake_reset(bench.fake);
		bench_reopen(&bench);
		ub_flash_stm32f4_set_use_stub(bench.flash, direct == 0);
		program_and_verify(&bench, chunks, erase, 1);
		assert_flash_holds(&bench, chunks);
		bench_clear(&bench);
	}
}

/* a probe whose 16/32-bit writes reach the flash as bytes: PGPERR, reported as such */
static void
test_flash_parallelism_error(void)
{
	Bench bench = {0};
	const guint erase[] = {5};
	g_autoptr(GPtrArray) chunks = make_chunks(0x08020000, 0x100, 5);
	g_autoptr(GError) error = NULL;

	bench_init(&bench);
	ub_flash_stm32f4_set_use_stub(bench.flash, FALSE);
	bench.fake->split_writes = TRUE;
	g_assert_false(ub_flash_stm32f4_program(bench.flash, chunks, erase, 1, NULL, NULL, &error));
	g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_PARALLELISM);
	g_assert_nonnull(strstr(error->message, "0x08020000"));
	bench_clear(&bench);
}

/* a probe that puts flash writes 2 bytes off: PGAERR, with the address */
static void
test_flash_alignment_error(void)
{
	Bench bench = {0};
	const guint erase[] = {5};
	g_autoptr(GPtrArray) chunks = make_chunks(0x08020000, 0x100, 5);
	g_autoptr(GError) error = NULL;

	bench_init(&bench);
	ub_flash_stm32f4_set_use_stub(bench.flash, FALSE);
	bench.fake->misalign = TRUE;
	g_assert_false(
	    ub_flash_stm32f4_program(bench.flash, chunks, erase, 1, NULL, NULL, &error));
	g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_ALIGNMENT);
	g_assert_nonnull(strstr(error->message, "0x08020000"));
	bench_clear(&bench);
}

/* FLASH_CR writes that never arrive: programming without PG sets PGSERR */
static void
test_flash_sequence_error(void)
{
	Bench bench = {0};
	g_autoptr(GPtrArray) chunks = make_chunks(0x08020000, 0x100, 5);
	g_autoptr(GError) error = NULL;

	bench_init(&bench);
	ub_flash_stm32f4_set_use_stub(bench.flash, FALSE);
	g_assert_true(ub_flash_stm32f4_unlock(bench.flash, &error));
	g_assert_no_error(error);
	bench.fake->drop_cr_writes = TRUE;
	g_assert_false(ub_flash_stm32f4_program(bench.flash, chunks, NULL, 0, NULL, NULL, &error));
	g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_SEQUENCE);
	bench_clear(&bench);
}

static void
test_flash_sr_bits(void)
{
	struct {
		guint32 sr;
		gint code;
	} table[] = {
	        {UB_STM32F4_SR_WRPERR, UB_FLASH_ERROR_WRITE_PROTECTED},
	        {UB_STM32F4_SR_PGAERR, UB_FLASH_ERROR_ALIGNMENT},
	        {UB_STM32F4_SR_PGPERR, UB_FLASH_ERROR_PARALLELISM},
	        {UB_STM32F4_SR_PGSERR, UB_FLASH_ERROR_SEQUENCE},
	        {UB_STM32F4_SR_OPERR, UB_FLASH_ERROR_OPERATION},
	        /* WRPERR wins: it is the one a person can act on */
	        {UB_STM32F4_SR_WRPERR | UB_STM32F4_SR_PGSERR, UB_FLASH_ERROR_WRITE_PROTECTED},
	};

	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autoptr(GError) error = NULL;
		g_assert_false(ub_flash_stm32f4_check_sr(table[i].sr, &error));
		g_assert_error(error, UB_FLASH_ERROR, table[i].code);
	}
	g_assert_true(ub_flash_stm32f4_check_sr(UB_STM32F4_SR_EOP, NULL));
	g_assert_true(ub_flash_stm32f4_check_sr(0, NULL));
}

/* a wrong key earlier keeps FLASH_CR locked until reset: LOCKED, nothing touched */
static void
test_flash_locked(void)
{
	Bench bench = {0};
	const guint erase[] = {0};
	g_autoptr(GPtrArray) chunks = make_chunks(0x08000000, 0x100, 9);
	g_autoptr(GError) error = NULL;

	for (guint direct = 0; direct < 2; direct++) {
		bench_init(&bench);
		bench.fake->keys_broken = TRUE;
		memset(bench.fake->flash, 0x22, 0x100);
		ub_flash_stm32f4_set_use_stub(bench.flash, direct == 0);
		g_assert_false(ub_flash_stm32f4_program(bench.flash, chunks, erase, 1, NULL, NULL,
		                                        &error));
		g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_LOCKED);
		g_clear_error(&error);
		g_assert_cmpuint(bench.fake->flash[0], ==, 0x22);
		/* a reset clears it */
		fake_reset(bench.fake);
		g_assert_true(ub_flash_stm32f4_unlock(bench.flash, &error));
		g_assert_no_error(error);
		bench_clear(&bench);
	}
}

/* the probe goes away mid-write; after re-plugging the same call completes */
static void
test_flash_unplugged_then_retry(void)
{
	const guint erase[] = {5, 6};
	g_autoptr(GPtrArray) chunks = make_chunks(0x08020000, 0x30000, 11);

	for (guint direct = 0; direct < 2; direct++) {
		Bench bench = {0};
		g_autoptr(GError) error = NULL;

		bench_init(&bench);
		memset(bench.fake->flash + 0x20000, 0x00, 0x40000);
		ub_flash_stm32f4_set_use_stub(bench.flash, direct == 0);
		bench.fake->fail_after = bench.fake->calls + 35;
		g_assert_false(ub_flash_stm32f4_program(bench.flash, chunks, erase,
		                                        G_N_ELEMENTS(erase), NULL, NULL, &error));
		g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_DISCONNECTED);
		g_clear_error(&error);
		/* it did get going: the old contents (zeros) are partly gone */
		g_assert_cmpuint(bench.fake->flash[0x20000], !=, 0x00);
		bench.fake->fail_after = 0;
		bench_reopen(&bench);
		ub_flash_stm32f4_set_use_stub(bench.flash, direct == 0);
		program_and_verify(&bench, chunks, erase, G_N_ELEMENTS(erase));
		assert_flash_holds(&bench, chunks);
		bench_clear(&bench);
	}
}

/* verify finds a byte the flash did not take, and says where */
static void
test_flash_verify_mismatch(void)
{
	Bench bench = {0};
	const guint erase[] = {4};
	g_autoptr(GPtrArray) chunks = make_chunks(0x08010000, 0x4000, 13);
	g_autoptr(GError) error = NULL;

	for (guint direct = 0; direct < 2; direct++) {
		bench_init(&bench);
		ub_flash_stm32f4_set_use_stub(bench.flash, direct == 0);
		g_assert_true(ub_flash_stm32f4_program(bench.flash, chunks, erase, 1, NULL, NULL,
		                                       &error));
		g_assert_no_error(error);
		bench.fake->flash[0x10000 + 0x3456] ^= 0x10;
		g_assert_false(ub_flash_stm32f4_verify(bench.flash, chunks, NULL, NULL, &error));
		g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_VERIFY);
		g_assert_nonnull(strstr(error->message, "0x08013456"));
		g_clear_error(&error);
		bench_clear(&bench);
	}
}

/* reading skips erased blocks on chip and still returns the whole flash */
static void
test_flash_read_skips_erased(void)
{
	Bench bench = {0};
	g_autoptr(GBytes) data = NULL;
	g_autoptr(GError) error = NULL;
	UbFlashStats stats = {0};

	bench_init(&bench);
	for (guint i = 0; i < 0x60000; i++)
		bench.fake->flash[i] = (guint8)(i * 7);
	bench.fake->flash[0xe0010] = 0x42;
	data = ub_flash_stm32f4_read(bench.flash, FLASH_BASE, FLASH_SIZE, UB_FLASH_READ_DEFAULT, NULL,
	                             NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpmem(g_bytes_get_data(data, NULL), g_bytes_get_size(data), bench.fake->flash,
	                FLASH_SIZE);
	ub_flash_stm32f4_get_stats(bench.flash, &stats);
	g_assert_cmpuint(stats.bytes_blank, ==, FLASH_SIZE - 0x60000 - 0x400);
	g_assert_cmpuint(stats.bytes_read, ==, 0x60000 + 0x400);
	bench_clear(&bench);
}

/* RDP 1 → 0 only with consent, and then everything is erased */
static void
test_flash_rdp_regression(void)
{
	Bench bench = {0};
	UbFlashOptionBytes ob = {0};
	g_autoptr(GError) error = NULL;

	bench_init(&bench);
	memset(bench.fake->flash, 0x33, 0x1000);
	bench.fake->optcr = (bench.fake->optcr & ~0xff00u) | 0x5500u;
	fake_reset(bench.fake);
	g_assert_true(ub_flash_stm32f4_read_option_bytes(bench.flash, &ob, &error));
	g_assert_no_error(error);
	g_assert_cmphex(ob.rdp, ==, 0x55);
	g_assert_cmphex(ob.nwrp, ==, 0xfff);
	g_assert_cmpuint(ob.bor_level, ==, 3);

	g_assert_false(ub_flash_stm32f4_remove_read_protection(bench.flash, FALSE, NULL, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_READ_PROTECTED);
	g_clear_error(&error);
	g_assert_cmpuint(bench.fake->flash[0], ==, 0x33);

	g_assert_true(ub_flash_stm32f4_remove_read_protection(bench.flash, TRUE, NULL, &error));
	g_assert_no_error(error);
	fake_reset(bench.fake);
	g_assert_cmpuint(bench.fake->flash[0], ==, 0xff);
	g_assert_true(ub_flash_stm32f4_read_option_bytes(bench.flash, &ob, &error));
	g_assert_cmphex(ob.rdp, ==, 0xaa);

	/* level 2 is final */
	bench.fake->optcr = (bench.fake->optcr & ~0xff00u) | 0xcc00u;
	fake_reset(bench.fake);
	g_assert_false(ub_flash_stm32f4_remove_read_protection(bench.flash, TRUE, NULL, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_LOCKED_FOREVER);
	bench_clear(&bench);
}

/* cancelled mid-write: stops between commands, leaves no loader running; a rerun completes */
static void
test_flash_cancel(void)
{
	Bench bench = {0};
	const guint erase[] = {5, 6, 7};
	g_autoptr(GPtrArray) chunks = make_chunks(0x08020000, 0x50000, 17);
	g_autoptr(GCancellable) cancellable = g_cancellable_new();
	g_autoptr(GError) error = NULL;

	bench_init(&bench);
	g_cancellable_cancel(cancellable);
	g_assert_false(ub_flash_stm32f4_program(bench.flash, chunks, erase, G_N_ELEMENTS(erase),
	                                        NULL, cancellable, &error));
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	g_clear_error(&error);
	g_assert_false(ub_flash_stm32f4_is_loader_running(bench.flash));
	g_assert_true(bench.fake->halted);
	program_and_verify(&bench, chunks, erase, G_N_ELEMENTS(erase));
	assert_flash_holds(&bench, chunks);
	bench_clear(&bench);
}

/* SRAM that cannot take the loader: the same work is done by direct writes */
static void
test_flash_stub_fallback(void)
{
	Bench bench = {0};
	const guint erase[] = {4};
	g_autoptr(GPtrArray) chunks = make_chunks(0x08010000, 0x2000, 19);
	UbFlashStats stats = {0};

	bench_init(&bench);
	bench.fake->sram_faults = TRUE;
	program_and_verify(&bench, chunks, erase, 1);
	assert_flash_holds(&bench, chunks);
	ub_flash_stm32f4_get_stats(bench.flash, &stats);
	g_assert_true(stats.stub_failed);
	bench_clear(&bench);
}

/* the chip's CRC tells which sectors already hold what a plan wants */
static void
test_flash_compare(void)
{
	Bench bench = {0};
	const guint erase[] = {4};
	g_autoptr(GPtrArray) chunks = make_chunks(0x08010000, 0x10000, 23);
	g_autoptr(GPtrArray) other = make_chunks(0x08020000, 0x20000, 29);
	g_autoptr(GError) error = NULL;
	gboolean same[2] = {FALSE, TRUE};
	UbFlashHolds holds[2] = {UB_FLASH_HOLDS_UNKNOWN, UB_FLASH_HOLDS_UNKNOWN};

	bench_init(&bench);
	program_and_verify(&bench, chunks, erase, 1);
	g_ptr_array_add(chunks, ub_image_chunk_ref(g_ptr_array_index(other, 0)));
	g_assert_true(ub_flash_stm32f4_compare(bench.flash, chunks, same, NULL, &error));
	g_assert_no_error(error);
	g_assert_true(same[0]);
	g_assert_false(same[1]);
	bench.fake->flash[0x1ffff] ^= 1;
	g_assert_true(ub_flash_stm32f4_compare(bench.flash, chunks, same, NULL, &error));
	g_assert_false(same[0]);
	/* the survey tells an erased sector (programmable as it is) from one that holds
	 * something else (an erase first) */
	g_assert_true(ub_flash_stm32f4_survey(bench.flash, chunks, holds, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpint(holds[0], ==, UB_FLASH_HOLDS_OTHER);
	g_assert_cmpint(holds[1], ==, UB_FLASH_HOLDS_ERASED);
	/* one programmed word in the last place the check reads makes it not erased */
	bench.fake->flash[0x3fffc] = 0x00;
	g_assert_true(ub_flash_stm32f4_survey(bench.flash, chunks, holds, NULL, &error));
	g_assert_cmpint(holds[1], ==, UB_FLASH_HOLDS_OTHER);
	bench.fake->flash[0x3fffc] = 0xff;

	/* without the loader nothing is assumed equal */
	ub_flash_stm32f4_abort(bench.flash);
	ub_flash_stm32f4_set_use_stub(bench.flash, FALSE);
	bench.fake->flash[0x1ffff] ^= 1;
	g_assert_true(ub_flash_stm32f4_compare(bench.flash, chunks, same, NULL, &error));
	g_assert_false(same[0]);
	g_assert_true(ub_flash_stm32f4_survey(bench.flash, chunks, holds, NULL, &error));
	g_assert_cmpint(holds[0], ==, UB_FLASH_HOLDS_UNKNOWN);
	bench_clear(&bench);
}

static void
test_flash_psize_for_voltage(void)
{
	UbFlashPsize psize = UB_FLASH_PSIZE_X8;

	g_assert_true(ub_flash_psize_for_voltage(3300, &psize));
	g_assert_cmpint(psize, ==, UB_FLASH_PSIZE_X32);
	g_assert_true(ub_flash_psize_for_voltage(2500, &psize));
	g_assert_cmpint(psize, ==, UB_FLASH_PSIZE_X16);
	g_assert_true(ub_flash_psize_for_voltage(1900, &psize));
	g_assert_cmpint(psize, ==, UB_FLASH_PSIZE_X8);
	g_assert_false(ub_flash_psize_for_voltage(1200, &psize));
	/* the probe's reading is an estimate: 100 mV of it are not trusted (audit F10) */
	g_assert_true(ub_flash_psize_for_voltage(2750, &psize));
	g_assert_cmpint(psize, ==, UB_FLASH_PSIZE_X16);
	g_assert_true(ub_flash_psize_for_voltage(2800, &psize));
	g_assert_cmpint(psize, ==, UB_FLASH_PSIZE_X32);
	g_assert_true(ub_flash_psize_for_voltage(2150, &psize));
	g_assert_cmpint(psize, ==, UB_FLASH_PSIZE_X8);
}

/* An error flag left from before the session is cleared by the host before the loader
 * starts; one that appears while the loader runs (an element that reached the flash after
 * PG was cleared) is reported by the next command, not cleared unread (audit F3). */
static void
test_flash_stale_error_flags(void)
{
	Bench bench = {0};
	g_autoptr(GPtrArray) first = make_chunks(0x08020000, 0x400, 21);
	g_autoptr(GPtrArray) second = make_chunks(0x08021000, 0x400, 22);
	g_autoptr(GError) error = NULL;
	const guint erase[] = {5};

	bench_init(&bench);
	bench.fake->sr |= UB_STM32F4_SR_PGSERR;
	g_assert_true(ub_flash_stm32f4_program(bench.flash, first, erase, 1, NULL, NULL, &error));
	g_assert_no_error(error);
	g_assert_true(ub_flash_stm32f4_is_loader_running(bench.flash));
	bench.fake->sr |= UB_STM32F4_SR_PGSERR;
	g_assert_false(ub_flash_stm32f4_program(bench.flash, second, NULL, 0, NULL, NULL, &error));
	g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_SEQUENCE);
	bench_clear(&bench);
}

/* a probe that gives up on the bus stall of a back-to-back write: the piece is written again
 * element by element with BSY polled in between (audit F9) */
static void
test_flash_direct_wait_fallback(void)
{
	Bench bench = {0};
	g_autoptr(GPtrArray) chunks = make_chunks(0x08020000, 0x2000, 23);
	const guint erase[] = {5};

	bench_init(&bench);
	ub_flash_stm32f4_set_use_stub(bench.flash, FALSE);
	bench.fake->wait_on_flash_runs = TRUE;
	program_and_verify(&bench, chunks, erase, 1);
	assert_flash_holds(&bench, chunks);
	bench_clear(&bench);
}

/* x16 (2.2-2.8 V) by direct writes through a probe without 16-bit commands: half-words would
 * arrive as bytes (PGPERR), so the flash is programmed bytewise (audit D4) */
static void
test_flash_x16_without_mem16(void)
{
	Bench bench = {0};
	g_autoptr(GPtrArray) chunks = make_chunks(0x08020000, 0x1000, 24);
	const guint erase[] = {5};

	bench_init(&bench);
	bench.fake->no_mem16 = TRUE;
	ub_flash_stm32f4_set_use_stub(bench.flash, FALSE);
	ub_flash_stm32f4_set_psize(bench.flash, UB_FLASH_PSIZE_X16);
	program_and_verify(&bench, chunks, erase, 1);
	assert_flash_holds(&bench, chunks);
	bench_clear(&bench);
}

/* OPTCR reads back what was written whatever happened: the stored option bytes are checked
 * (audit F15) */
static void
test_flash_option_bytes_confirmed(void)
{
	Bench bench = {0};
	g_autoptr(GError) error = NULL;

	bench_init(&bench);
	bench.fake->options_stuck = TRUE;
	g_assert_false(ub_flash_stm32f4_write_option_bytes(bench.flash, 0x0ff7aaed, NULL, &error));
	g_assert_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_FAILED);
	g_clear_error(&error);
	bench.fake->options_stuck = FALSE;
	g_assert_true(ub_flash_stm32f4_write_option_bytes(bench.flash, 0x0ff7aaed, NULL, &error));
	g_assert_no_error(error);
	bench_clear(&bench);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/flash/driver/stub-and-direct-agree", test_flash_stub_and_direct_agree);
	g_test_add_func("/flash/driver/write-protected", test_flash_write_protected);
	g_test_add_func("/flash/driver/parallelism-error", test_flash_parallelism_error);
	g_test_add_func("/flash/driver/alignment-error", test_flash_alignment_error);
	g_test_add_func("/flash/driver/sequence-error", test_flash_sequence_error);
	g_test_add_func("/flash/driver/sr-bits", test_flash_sr_bits);
	g_test_add_func("/flash/driver/locked", test_flash_locked);
	g_test_add_func("/flash/driver/unplugged-then-retry", test_flash_unplugged_then_retry);
	g_test_add_func("/flash/driver/verify-mismatch", test_flash_verify_mismatch);
	g_test_add_func("/flash/driver/read-skips-erased", test_flash_read_skips_erased);
	g_test_add_func("/flash/driver/rdp-regression", test_flash_rdp_regression);
	g_test_add_func("/flash/driver/cancel", test_flash_cancel);
	g_test_add_func("/flash/driver/stub-fallback", test_flash_stub_fallback);
	g_test_add_func("/flash/driver/compare", test_flash_compare);
	g_test_add_func("/flash/driver/psize-for-voltage", test_flash_psize_for_voltage);
	g_test_add_func("/flash/driver/stale-error-flags", test_flash_stale_error_flags);
	g_test_add_func("/flash/driver/direct-wait-fallback", test_flash_direct_wait_fallback);
	g_test_add_func("/flash/driver/x16-without-mem16", test_flash_x16_without_mem16);
	g_test_add_func("/flash/driver/option-bytes-confirmed", test_flash_option_bytes_confirmed);
	return g_test_run();
}
