/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The STM32F4's SW-DP and AHB-AP, one SWD transaction at a time (ADIv5.2 §B2, §B4, §C2).
 *
 * After a line reset the DP only answers a DPIDR read. AP reads are posted: the ACK of an AP
 * read carries the result of the previous AP read, and RDBUFF returns the last one. A bus
 * error sets CTRL/STAT.STICKYERR; from then on everything but DPIDR and CTRL/STAT reads and
 * ABORT writes gets FAULT until ABORT.STKERRCLR. A stalled bus (flash busy, sleeping chip)
 * gives WAIT and the transaction has no effect.
 */
#include "config.h"

#include "ub-sim-dap.h"

#define DPIDR_VALUE 0x2BA01477u
#define AHB_AP_IDR 0x24770011u
#define AHB_AP_BASE 0xE00FF003u /* ROM table at 0xE00FF000, present */

/* CTRL/STAT */
#define CSYSPWRUPACK (1u << 31)
#define CSYSPWRUPREQ (1u << 30)
#define CDBGPWRUPACK (1u << 29)
#define CDBGPWRUPREQ (1u << 28)
#define CDBGRSTACK (1u << 27)
#define CDBGRSTREQ (1u << 26)
#define WDATAERR (1u << 7)
#define READOK (1u << 6)
#define STICKYERR (1u << 5)
#define STICKYCMP (1u << 4)
#define STICKYORUN (1u << 1)
#define ORUNDETECT (1u << 0)

/* CSW */
#define CSW_SIZE_MASK 0x7u
#define CSW_ADDRINC_MASK (3u << 4)
#define CSW_ADDRINC_PACKED (2u << 4)
#define CSW_DEVICEEN (1u << 6)
#define CSW_TRINPROG (1u << 7)

struct _UbSimDap {
	GObject parent_instance;
	UbSimMcu *mcu;
	guint power_generation;
	gboolean need_dpidr; /* after a line reset */
	guint32 ctrl;
	guint32 select;
	guint32 rdbuff;
	guint32 csw;
	guint32 tar;
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
dap_power_on_reset(UbSimDap *self)
{
	self->need_dpidr = TRUE;
	self->ctrl = 0;
	self->select = 0;
	self->rdbuff = 0;
	self->csw = 0x03000042u; /* word, no increment, DeviceEn, HPROT data/privileged */
	self->tar = 0;
}

static void
ub_sim_dap_init(UbSimDap *self)
{
	dap_power_on_reset(self);
}

UbSimDap *
ub_sim_dap_new(UbSimMcu *mcu)
{
	UbSimDap *self;

	g_return_val_if_fail(UB_IS_SIM_MCU(mcu), NULL);
	self = g_object_new(UB_TYPE_SIM_DAP, NULL);
	self->mcu = g_object_ref(mcu);
	self->power_generation = ub_sim_mcu_get_power_generation(mcu);
	return self;
}

UbSimMcu *
ub_sim_dap_get_mcu(UbSimDap *self)
{
	g_return_val_if_fail(UB_IS_SIM_DAP(self), NULL);
	return self->mcu;
}

/* the DP lives in the chip's power domain: a power cycle resets it */
static void
dap_check_power(UbSimDap *self)
{
	guint generation = ub_sim_mcu_get_power_generation(self->mcu);

	if (generation != self->power_generation) {
		self->power_generation = generation;
		dap_power_on_reset(self);
	}
}

void
ub_sim_dap_line_reset(UbSimDap *self, gboolean jtag_to_swd)
{
	g_return_if_fail(UB_IS_SIM_DAP(self));
	dap_check_power(self);
	/* the STM32F4's SWJ-DP comes up in SWD for this model whatever the sequence was; the
	 * protocol state machine waits for a DPIDR read either way */
	self->need_dpidr = TRUE;
}

static guint
dap_access_size(UbSimDap *self)
{
	switch (self->csw & CSW_SIZE_MASK) {
	case 0:
		return 1;
	case 1:
		return 2;
	default:
		return 4;
	}
}

static void
dap_increment_tar(UbSimDap *self, guint size)
{
	/* auto-increment wraps inside a 4 KiB block on the Cortex-M4's AHB-AP */
	if (self->csw & CSW_ADDRINC_MASK)
		self->tar = (self->tar & ~0xFFFu) | ((self->tar + size) & 0xFFFu);
}

/* one memory transfer through DRW (bd < 0) or a banked data register BD0-3 */
static UbSimAck
dap_memory(UbSimDap *self, gboolean read, int bd, guint32 *data)
{
	guint size = bd < 0 ? dap_access_size(self) : 4;
	guint32 address = bd < 0 ? self->tar : (self->tar & ~0xFu) + (guint32)bd * 4;
	guint lane = 8 * (address & 3 & ~(size - 1));
	guint32 value = 0;
	UbSimAccess access;

	if (size < 4)
		address &= ~(size - 1);
	if (read) {
		access = ub_sim_mcu_ap_read(self->mcu, address, size, &value);
		if (access == UB_SIM_ACCESS_WAIT)
			return UB_SIM_ACK_WAIT;
		*data = self->rdbuff;
		if (access == UB_SIM_ACCESS_OK) {
			self->rdbuff = value << lane;
			self->ctrl |= READOK;
		} else {
			self->ctrl &= ~READOK;
		}
	} else {
		value = *data >> lane;
		if (size < 4)
			value &= size == 2 ? 0xFFFFu : 0xFFu;
		access = ub_sim_mcu_ap_write(self->mcu, address, size, value);
		if (access == UB_SIM_ACCESS_WAIT)
			return UB_SIM_ACK_WAIT;
	}
	if (access == UB_SIM_ACCESS_FAULT) {
		/* the error shows on the next transaction; TAR stays on the failing address */
		self->ctrl |= STICKYERR;
		return UB_SIM_ACK_OK;
	}
	if (bd < 0)
		dap_increment_tar(self, size);
	return UB_SIM_ACK_OK;
}

static UbSimAck
dap_ap(UbSimDap *self, gboolean read, guint8 a2a3, guint32 *data)
{
	guint apsel = self->select >> 24;
	guint reg = (self->select & 0xF0) | a2a3;
	guint32 value = 0;

	if (apsel != 0) {
		/* no such AP: reads as zero, writes ignored */
		if (read) {
			*data = self->rdbuff;
			self->rdbuff = 0;
		}
		return UB_SIM_ACK_OK;
	}
	switch (reg) {
	case 0x00: /* CSW */
		if (!read) {
			/* AddrInc 0b10 (packed) is not implemented here: bit 5 reads as zero, which
			 * is how a debugger (OpenOCD's mem_ap_init) finds out and sticks to one
			 * DRW access per byte or half-word */
			self->csw = (*data & ~(CSW_DEVICEEN | CSW_TRINPROG | CSW_ADDRINC_PACKED)) |
				    CSW_DEVICEEN;
			return UB_SIM_ACK_OK;
		}
		value = self->csw;
		break;
	case 0x04: /* TAR */
		if (!read) {
			self->tar = *data;
			return UB_SIM_ACK_OK;
		}
		value = self->tar;
		break;
	case 0x0C: /* DRW */
		return dap_memory(self, read, -1, data);
	case 0x10:
	case 0x14:
	case 0x18:
	case 0x1C: /* BD0-BD3 */
		return dap_memory(self, read, (reg - 0x10) / 4, data);
	case 0xF4: /* CFG: little-endian, 32-bit addresses */
		value = 0;
		break;
	case 0xF8: /* BASE */
		value = AHB_AP_BASE;
		break;
	case 0xFC: /* IDR */
		value = AHB_AP_IDR;
		break;
	default:
		value = 0;
		break;
	}
	if (read) {
		*data = self->rdbuff;
		self->rdbuff = value;
		self->ctrl |= READOK;
	}
	return UB_SIM_ACK_OK;
}

static UbSimAck
dap_dp(UbSimDap *self, gboolean read, guint8 a2a3, guint32 *data)
{
	switch (a2a3) {
	case 0x0:
		if (read) {
			*data = DPIDR_VALUE;
		} else {
			/* ABORT */
			if (*data & (1u << 1))
				self->ctrl &= ~STICKYCMP;
			if (*data & (1u << 2))
				self->ctrl &= ~STICKYERR;
			if (*data & (1u << 3))
				self->ctrl &= ~WDATAERR;
			if (*data & (1u << 4))
				self->ctrl &= ~STICKYORUN;
		}
		return UB_SIM_ACK_OK;
	case 0x4:
		if (self->select & 1) {
			/* DPv1 WCR (CTRLSEL = 1): nothing modelled */
			if (read)
				*data = 0;
			return UB_SIM_ACK_OK;
		}
		if (read) {
			*data = self->ctrl;
			return UB_SIM_ACK_OK;
		}
		/* no write-1-to-clear (DPv0): with STICKYERR set a CTRL/STAT write gets FAULT
		 * (ub_sim_dap_transfer); only ABORT clears it on an SW-DP */
		self->ctrl &= ~(CSYSPWRUPREQ | CDBGPWRUPREQ | CDBGRSTREQ | ORUNDETECT |
				CSYSPWRUPACK | CDBGPWRUPACK | CDBGRSTACK);
		self->ctrl |= *data & (CSYSPWRUPREQ | CDBGPWRUPREQ | CDBGRSTREQ | ORUNDETECT);
		/* the power controller acknowledges at once */
		if (*data & CSYSPWRUPREQ)
			self->ctrl |= CSYSPWRUPACK;
		if (*data & CDBGPWRUPREQ)
			self->ctrl |= CDBGPWRUPACK;
		if (*data & CDBGRSTREQ)
			self->ctrl |= CDBGRSTACK;
		return UB_SIM_ACK_OK;
	case 0x8:
		if (read) {
			/* RESEND: the last AP read result again */
			*data = self->rdbuff;
		} else {
			self->select = *data;
		}
		return UB_SIM_ACK_OK;
	default: /* 0xC */
		if (read) {
			*data = self->rdbuff;
		}
		/* writes to 0xC are reserved on a DPv1: ignored */
		return UB_SIM_ACK_OK;
	}
}

UbSimAck
ub_sim_dap_transfer(UbSimDap *self, gboolean ap, gboolean read, guint8 a2a3, guint32 *data)
{
	g_return_val_if_fail(UB_IS_SIM_DAP(self), UB_SIM_ACK_NONE);
	g_return_val_if_fail(data != NULL, UB_SIM_ACK_NONE);
	dap_check_power(self);
	a2a3 &= 0xC;
	if (self->need_dpidr) {
		/* after a line reset only a DPIDR read is understood: no driver on the ACK */
		if (ap || !read || a2a3 != 0)
			return UB_SIM_ACK_NONE;
		self->need_dpidr = FALSE;
	}
	if (self->ctrl & (STICKYERR | WDATAERR)) {
		gboolean allowed = !ap && ((read && (a2a3 == 0x0 || a2a3 == 0x4)) ||
					   (!read && a2a3 == 0x0));
		if (!allowed)
			return UB_SIM_ACK_FAULT;
	}
	if (ap)
		return dap_ap(self, read, a2a3, data);
	return dap_dp(self, read, a2a3, data);
}

UbSimAck
ub_sim_dap_transfer_bad_parity(UbSimDap *self, gboolean ap, guint8 a2a3)
{
	g_return_val_if_fail(UB_IS_SIM_DAP(self), UB_SIM_ACK_NONE);
	dap_check_power(self);
	a2a3 &= 0xC;
	if (self->need_dpidr)
		return UB_SIM_ACK_NONE;
	if (self->ctrl & (STICKYERR | WDATAERR)) {
		/* an ABORT write still gets its OK; its data is lost all the same */
		if (ap || a2a3 != 0x0)
			return UB_SIM_ACK_FAULT;
		return UB_SIM_ACK_OK;
	}
	self->ctrl |= WDATAERR;
	return UB_SIM_ACK_OK;
}
