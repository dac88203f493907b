/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A stand-in for UbSimMcu + UbSimDap that test-sim-stlink links instead of the real model, so
 * the ST-LINK firmware model is tested on its own with target timing the test controls
 * (flash busy windows, repurposed pins at a chosen moment). It models just what the probe
 * firmware touches: SW-DP
 * with posted AP reads and sticky errors, a MEM-AP with 4 KiB TAR wrap, flash/SRAM/ID words,
 * DHCSR/DCRSR/DCRDR/DEMCR, NRST and power, and "firmware that repurposes PA13/PA14 after a
 * while" as a single timer. No CPU.
 */
#include <string.h>

#include "ub-error.h"
#include "ub-sim-dap.h"
#include "ub-sim-mcu.h"

struct _UbSimMcu {
	GObject parent_instance;
	UbSimClock *clock;
	guint8 *flash;
	guint8 *sram;
	guint32 optcr;
	guint8 uid[12];
	gboolean dead;
	gboolean powered;
	gboolean nrst_low;
	UbSimReset last_reset;
	/* debug */
	guint32 dhcsr; /* C_* bits and S_HALT */
	gboolean reset_st;
	guint32 demcr;
	guint32 dcrdr;
	guint32 regs[0x60];
	GHashTable *ppb; /* plain storage for the other debug/system registers */
	/* a firmware that turns the SWD pins into GPIO after running for this long (0 = never) */
	guint64 repurpose_after_ns;
	guint64 run_ns;
	guint64 busy_until_ns; /* the flash stalls the bus until then */
	UbSimMcuStats stats;
};

G_DEFINE_TYPE(UbSimMcu, ub_sim_mcu, G_TYPE_OBJECT)

static void
fake_mcu_reset(UbSimMcu *self, UbSimReset kind)
{
	self->last_reset = kind;
	self->stats.resets++;
	self->reset_st = TRUE;
	self->run_ns = 0;
	/* a system reset clears C_HALT; vector catch halts on the first instruction */
	self->dhcsr &= ~(0x2u | (1u << 17));
	if ((self->dhcsr & 1) && (self->demcr & 1))
		self->dhcsr |= 0x2u | (1u << 17);
	memset(self->regs, 0, sizeof(self->regs));
	self->regs[13] = self->regs[17] = self->flash[0] | self->flash[1] << 8 |
	                                  self->flash[2] << 16 | (guint32)self->flash[3] << 24;
	self->regs[15] = (self->flash[4] | self->flash[5] << 8 | self->flash[6] << 16 |
	                  (guint32)self->flash[7] << 24) &
	                 ~1u;
	self->regs[16] = 0x01000000;
}

static void
fake_mcu_tick(gpointer user_data, guint64 start_ns, guint64 step_ns)
{
	UbSimMcu *self = user_data;

	if (!self->powered || self->nrst_low || (self->dhcsr & (1u << 17)))
		return;
	self->run_ns += step_ns;
}

static void
ub_sim_mcu_finalize(GObject *object)
{
	UbSimMcu *self = UB_SIM_MCU(object);

	ub_sim_clock_remove_ticker(self->clock, fake_mcu_tick, self);
	g_object_unref(self->clock);
	g_free(self->flash);
	g_free(self->sram);
	g_hash_table_unref(self->ppb);
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
	self->flash = g_malloc(UB_SIM_FLASH_SIZE);
	memset(self->flash, 0xFF, UB_SIM_FLASH_SIZE);
	self->sram = g_malloc0(UB_SIM_SRAM_SIZE);
	self->optcr = 0x0FFFAAED;
	self->ppb = g_hash_table_new(g_direct_hash, g_direct_equal);
}

UbSimMcu *
ub_sim_mcu_new(UbSimClock *clock)
{
	UbSimMcu *self = g_object_new(UB_TYPE_SIM_MCU, NULL);

	self->clock = g_object_ref(clock);
	ub_sim_clock_add_ticker(clock, fake_mcu_tick, self);
	return self;
}

gboolean
ub_sim_mcu_load_flash(UbSimMcu *self, guint32 address, GBytes *data, GError **error)
{
	gsize len = g_bytes_get_size(data);

	if (address < UB_SIM_FLASH_BASE || address - UB_SIM_FLASH_BASE + len > UB_SIM_FLASH_SIZE) {
		g_set_error_literal(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "not in flash");
		return FALSE;
	}
	memcpy(self->flash + (address - UB_SIM_FLASH_BASE), g_bytes_get_data(data, NULL), len);
	return TRUE;
}

GBytes *
ub_sim_mcu_dump_flash(UbSimMcu *self)
{
	return g_bytes_new(self->flash, UB_SIM_FLASH_SIZE);
}

void
ub_sim_mcu_set_option_bytes(UbSimMcu *self, guint32 optcr)
{
	self->optcr = optcr;
}

guint32
ub_sim_mcu_get_option_bytes(UbSimMcu *self)
{
	return self->optcr;
}

void
ub_sim_mcu_set_uid(UbSimMcu *self, const guint8 uid[12])
{
	memcpy(self->uid, uid, 12);
}

void
ub_sim_mcu_set_dead(UbSimMcu *self, gboolean dead)
{
	self->dead = dead;
}

gboolean
ub_sim_mcu_get_dead(UbSimMcu *self)
{
	return self->dead;
}

void
ub_sim_mcu_set_powered(UbSimMcu *self, gboolean powered)
{
	if (powered && !self->powered) {
		self->dhcsr = 0;
		self->demcr = 0;
		self->powered = TRUE;
		fake_mcu_reset(self, UB_SIM_RESET_POWER_ON);
	}
	self->powered = powered;
}

gboolean
ub_sim_mcu_get_powered(UbSimMcu *self)
{
	return self->powered;
}

void
ub_sim_mcu_set_nrst_low(UbSimMcu *self, gboolean low)
{
	if (self->nrst_low && !low && self->powered)
		fake_mcu_reset(self, UB_SIM_RESET_PIN);
	if (low)
		self->reset_st = TRUE;
	self->nrst_low = low;
}

gboolean
ub_sim_mcu_get_in_reset(UbSimMcu *self)
{
	return self->nrst_low;
}

UbSimReset
ub_sim_mcu_get_last_reset(UbSimMcu *self)
{
	return self->last_reset;
}

gboolean
ub_sim_mcu_swd_pins_connected(UbSimMcu *self)
{
	if (self->nrst_low)
		return TRUE;
	return self->repurpose_after_ns == 0 || self->run_ns < self->repurpose_after_ns;
}

gboolean
ub_sim_mcu_debug_port_enabled(UbSimMcu *self)
{
	return !self->dead && ((self->optcr >> 8) & 0xFF) != 0xCC;
}

G_GNUC_UNUSED static void
fake_mcu_set_flash_busy_until(UbSimMcu *self, guint64 ns)
{
	self->busy_until_ns = ns;
}

static gboolean
fake_mcu_stalls(UbSimMcu *self, guint32 address)
{
	/* RM0090: flash reads and FLASH_CR writes stall while BSY; SR never does */
	if (ub_sim_clock_get_ns(self->clock) >= self->busy_until_ns)
		return FALSE;
	return (address >= UB_SIM_FLASH_BASE && address < UB_SIM_FLASH_BASE + UB_SIM_FLASH_SIZE) ||
	       (address & ~3u) == 0x40023C10;
}

G_GNUC_UNUSED static void
fake_mcu_set_repurpose_after(UbSimMcu *self, guint64 ns)
{
	self->repurpose_after_ns = ns;
}

UbSimAccess
ub_sim_mcu_ap_read(UbSimMcu *self, guint32 address, guint size, guint32 *value)
{
	guint32 word = 0;
	guint32 aligned = address & ~3u;
	guint8 rdp = (self->optcr >> 8) & 0xFF;

	if (fake_mcu_stalls(self, address))
		return UB_SIM_ACCESS_WAIT;

	if (address >= UB_SIM_FLASH_BASE && address < UB_SIM_FLASH_BASE + UB_SIM_FLASH_SIZE) {
		if (rdp != 0xAA)
			return UB_SIM_ACCESS_FAULT;
		memcpy(&word, self->flash + (aligned - UB_SIM_FLASH_BASE), 4);
	} else if (address >= UB_SIM_SRAM_BASE && address < UB_SIM_SRAM_BASE + UB_SIM_SRAM_SIZE) {
		memcpy(&word, self->sram + (aligned - UB_SIM_SRAM_BASE), 4);
	} else if (aligned == 0xE000EDF0) {
		word = self->dhcsr | (1u << 16) | (self->reset_st ? 1u << 25 : 0);
		if (!self->nrst_low)
			self->reset_st = FALSE;
	} else if (aligned == 0xE000EDF8) {
		word = self->dcrdr;
	} else if (aligned == 0xE000EDFC) {
		word = self->demcr;
	} else if (aligned == 0xE000ED00) {
		word = 0x410FC241;
	} else if (aligned == 0xE0042000) {
		word = 0x10076413;
	} else if (aligned == 0x1FFF7A20) {
		word = 0x0400FFFF;
	} else if (aligned >= 0x1FFF7A10 && aligned < 0x1FFF7A1C) {
		memcpy(&word, self->uid + (aligned - 0x1FFF7A10), 4);
	} else if (aligned == 0x40023C14) {
		word = self->optcr;
	} else if (aligned >= 0xE0000000u) {
		word = GPOINTER_TO_UINT(g_hash_table_lookup(self->ppb, GUINT_TO_POINTER(aligned)));
	} else {
		return UB_SIM_ACCESS_FAULT;
	}
	word >>= 8 * (address & 3);
	*value = size == 4 ? word : size == 2 ? word & 0xFFFF : word & 0xFF;
	return UB_SIM_ACCESS_OK;
}

UbSimAccess
ub_sim_mcu_ap_write(UbSimMcu *self, guint32 address, guint size, guint32 value)
{
	guint32 aligned = address & ~3u;

	if (fake_mcu_stalls(self, address))
		return UB_SIM_ACCESS_WAIT;
	if (aligned == 0x40023C10)
		return UB_SIM_ACCESS_OK;
	if (address >= UB_SIM_SRAM_BASE && address < UB_SIM_SRAM_BASE + UB_SIM_SRAM_SIZE) {
		for (guint b = 0; b < size; b++)
			self->sram[address - UB_SIM_SRAM_BASE + b] = (guint8)(value >> (8 * b));
		return UB_SIM_ACCESS_OK;
	}
	if (size != 4)
		return UB_SIM_ACCESS_FAULT;
	if (aligned == 0xE000EDF0) {
		if ((value >> 16) != 0xA05F)
			return UB_SIM_ACCESS_OK;
		self->dhcsr = (self->dhcsr & (1u << 17)) | (value & 0x2F);
		if ((value & 3) == 3)
			self->dhcsr |= 1u << 17;
		else if ((value & 2) == 0)
			self->dhcsr &= ~(1u << 17);
		return UB_SIM_ACCESS_OK;
	}
	if (aligned == 0xE000EDF4) {
		guint sel = value & 0x7F;
		if (sel < G_N_ELEMENTS(self->regs)) {
			if (value & (1u << 16))
				self->regs[sel] = self->dcrdr;
			else
				self->dcrdr = self->regs[sel];
		}
		return UB_SIM_ACCESS_OK;
	}
	if (aligned == 0xE000EDF8) {
		self->dcrdr = value;
		return UB_SIM_ACCESS_OK;
	}
	if (aligned == 0xE000EDFC) {
		self->demcr = value;
		return UB_SIM_ACCESS_OK;
	}
	if (aligned == 0xE000ED0C) {
		if ((value >> 16) == 0x05FA && (value & 4))
			fake_mcu_reset(self, UB_SIM_RESET_SOFTWARE);
		return UB_SIM_ACCESS_OK;
	}
	if (aligned >= 0xE0000000u) {
		g_hash_table_insert(self->ppb, GUINT_TO_POINTER(aligned), GUINT_TO_POINTER(value));
		return UB_SIM_ACCESS_OK;
	}
	return UB_SIM_ACCESS_FAULT;
}

void
ub_sim_mcu_get_stats(UbSimMcu *self, UbSimMcuStats *stats)
{
	*stats = self->stats;
}

/* the fake has no other bus master */
void
ub_sim_mcu_hold_bus(UbSimMcu *self, guint64 until_ns)
{
}

/* ---- SW-DP + AHB-AP ---- */

struct _UbSimDap {
	GObject parent_instance;
	UbSimMcu *mcu;
	gboolean need_dpidr;
	guint32 ctrl;
	guint32 select;
	guint32 rdbuff;
	guint32 csw;
	guint32 tar;
	guint line_resets;
};

G_DEFINE_TYPE(UbSimDap, ub_sim_dap, G_TYPE_OBJECT)

static void
ub_sim_dap_finalize(GObject *object)
{
	g_object_unref(UB_SIM_DAP(object)->mcu);
	G_OBJECT_CLASS(ub_sim_dap_parent_class)->finalize(object);
}

static void
ub_sim_dap_class_init(UbSimDapClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_sim_dap_finalize;
}

static void
ub_sim_dap_init(UbSimDap *self)
{
	self->need_dpidr = TRUE;
}

UbSimDap *
ub_sim_dap_new(UbSimMcu *mcu)
{
	UbSimDap *self = g_object_new(UB_TYPE_SIM_DAP, NULL);
	self->mcu = g_object_ref(mcu);
	return self;
}

UbSimMcu *
ub_sim_dap_get_mcu(UbSimDap *self)
{
	return self->mcu;
}

void
ub_sim_dap_line_reset(UbSimDap *self, gboolean jtag_to_swd)
{
	self->need_dpidr = TRUE;
	self->line_resets++;
}

static UbSimAck
fake_dap_ap(UbSimDap *self, gboolean read, guint8 reg, guint32 *data)
{
	guint bank = self->select & 0xF0;
	guint size = (self->csw & 7) == 2 ? 4 : (self->csw & 7) == 1 ? 2 : 1;
	guint32 value = 0;

	if (self->ctrl & (1u << 5))
		return UB_SIM_ACK_FAULT;
	if ((self->select >> 24) != 0) {
		if (read) {
			*data = self->rdbuff;
			self->rdbuff = 0;
		}
		return UB_SIM_ACK_OK;
	}
	if (bank == 0xF0) {
		if (read) {
			*data = self->rdbuff;
			self->rdbuff = reg == 0x0C ? 0x24770011 : reg == 0x08 ? 0xE00FF003 : 0;
		}
		return UB_SIM_ACK_OK;
	}
	switch (reg) {
	case 0x00:
		if (read) {
			*data = self->rdbuff;
			self->rdbuff = self->csw | 0x40;
		} else {
			self->csw = *data & ~0x40u;
		}
		return UB_SIM_ACK_OK;
	case 0x04:
		if (read) {
			*data = self->rdbuff;
			self->rdbuff = self->tar;
		} else {
			self->tar = *data;
		}
		return UB_SIM_ACK_OK;
	case 0x0C: {
		UbSimAccess access;
		if (read) {
			access = ub_sim_mcu_ap_read(self->mcu, self->tar, size, &value);
			if (access == UB_SIM_ACCESS_WAIT)
				return UB_SIM_ACK_WAIT;
			*data = self->rdbuff;
			self->rdbuff = value << (8 * (self->tar & 3 & ~(size - 1)));
		} else {
			value = *data >> (8 * (self->tar & 3 & ~(size - 1)));
			if (size < 4)
				value &= size == 2 ? 0xFFFF : 0xFF;
			access = ub_sim_mcu_ap_write(self->mcu, self->tar, size, value);
			if (access == UB_SIM_ACCESS_WAIT)
				return UB_SIM_ACK_WAIT;
		}
		if (access == UB_SIM_ACCESS_FAULT) {
			/* sticky; TAR stays at the failed address */
			self->ctrl |= 1u << 5;
			return UB_SIM_ACK_OK;
		}
		if (self->csw & 0x30)
			self->tar = (self->tar & ~0xFFFu) | ((self->tar + size) & 0xFFFu);
		return UB_SIM_ACK_OK;
	}
	default:
		if (read)
			*data = self->rdbuff;
		return UB_SIM_ACK_OK;
	}
}

UbSimAck
ub_sim_dap_transfer(UbSimDap *self, gboolean ap, gboolean read, guint8 a2a3, guint32 *data)
{
	if (self->need_dpidr && !(read && !ap && a2a3 == 0))
		return UB_SIM_ACK_NONE;
	if (ap)
		return fake_dap_ap(self, read, a2a3, data);
	switch (a2a3) {
	case 0x0:
		if (read) {
			self->need_dpidr = FALSE;
			*data = 0x2BA01477;
		} else if (*data & 0x04) {
			self->ctrl &= ~(1u << 5);
		}
		return UB_SIM_ACK_OK;
	case 0x4:
		if (read)
			*data = self->ctrl;
		else
			self->ctrl = (*data & 0x50000000u) | ((*data & 0x50000000u) << 1) |
			             (self->ctrl & (1u << 5));
		return UB_SIM_ACK_OK;
	case 0x8:
		if (!read)
			self->select = *data;
		return UB_SIM_ACK_OK;
	case 0xC:
	default:
		if (read) {
			if (self->ctrl & (1u << 5))
				return UB_SIM_ACK_FAULT;
			*data = self->rdbuff;
		}
		return UB_SIM_ACK_OK;
	}
}

/* noise is not modelled by the fake: the write is simply lost */
UbSimAck
ub_sim_dap_transfer_bad_parity(UbSimDap *self, gboolean ap, guint8 a2a3)
{
	return UB_SIM_ACK_OK;
}
