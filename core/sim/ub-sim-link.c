/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wires between the probe and the board. Every wiring fault is modelled by what it does
 * to the signals, never by what a tool prints:
 *
 *   unpowered   the MCU has no supply: VAPP reads ~0 V, SWDIO is only pulled up by the probe,
 *               so every ACK reads 111 (boards-and-firmware.md §6 row 1).
 *   no-gnd      no common reference: the probe samples SWDIO against its own ground while the
 *               target drives it against a floating one. The ACK bits are noise (never a clean
 *               OK/WAIT/FAULT here, which keeps retries bounded) and the voltage divider reads
 *               a wrong, low value.
 *   swapped     SWCLK arrives on PA13 and SWDIO on PA14: the target never sees a request with
 *               a valid start bit and parity, never drives the line, ACK 111.
 *   rst-not-connected  the probe's RST output reaches nothing (cheap clones route the header
 *               pin to the STM8 SWIM reset, boards-and-firmware.md §3.1).
 *   nrst-stuck-low  the board holds NRST low: the debug domain of an STM32 keeps working
 *               under reset (stlink-and-stm32f4.md §4.4 last row) but the core never runs.
 *
 * A link can also be marginal: long jumper wires, a clone probe's weak drivers. Up to the
 * bench's max_clean_khz every edge settles within half an SWCLK period; above it some
 * transfers arrive corrupted, the more often the faster the clock (the rate grows with the
 * square of the overshoot: a ringing edge has less and less of the period to settle in).
 * A corrupted request is one the target does not act on, and the probe reads no valid ACK.
 *
 * On top of the wiring the link asks the MCU, for every transaction, whether PA13/PA14 still
 * carry SWD and whether its debug port is enabled at all (RDP 2, a dead chip).
 */
#include "config.h"

#include "ub-sim-link.h"

/* the no-GND reading: the divider sees the target rail through the I/O clamp diodes of the
 * signal wires instead of against a shared ground. Any value is plausible; we pick 40 % of
 * the rail, so it is visibly wrong and below OpenOCD's 1.5 V warning threshold. */
#define UB_SIM_LINK_NO_GND_PERCENT 40

#define UB_SIM_LINK_DEFAULT_VDD_MV 3300

struct _UbSimLink {
	GObject parent_instance;
	UbSimDap *dap;
	UbSimMcu *mcu;
	UbSimWiring wiring;
	gboolean probe_rst_wired;
	gboolean probe_nrst_low; /* what the probe's RST output drives */
	gboolean hand_nrst_low;  /* a person shorting NRST to GND */
	gboolean nrst_level_low; /* last level given to the MCU */
	guint vdd_mv;
	guint32 noise; /* xorshift state for the no-GND garbage */
	gboolean swdio_noise; /* ub_sim_link_set_noise */
	gint max_clean_khz; /* 0: clean at any clock; atomic: the wires may be moved while a
	                     * job runs */
	guint32 margin_noise; /* xorshift state for the marginal link's errors */
	guint64 corrupted;
};

G_DEFINE_TYPE(UbSimLink, ub_sim_link, G_TYPE_OBJECT)

static const struct {
	UbSimWiring wiring;
	const char *name;
} ub_sim_wiring_names[] = {
        {UB_SIM_WIRING_GOOD, "good"},
        {UB_SIM_WIRING_UNPOWERED, "unpowered"},
        {UB_SIM_WIRING_NO_GND, "no-gnd"},
        {UB_SIM_WIRING_SWAPPED, "swapped"},
        {UB_SIM_WIRING_RST_NOT_CONNECTED, "rst-not-connected"},
        {UB_SIM_WIRING_NRST_STUCK_LOW, "nrst-stuck-low"},
};

const char *
ub_sim_wiring_to_string(UbSimWiring wiring)
{
	for (guint i = 0; i < G_N_ELEMENTS(ub_sim_wiring_names); i++) {
		if (ub_sim_wiring_names[i].wiring == wiring)
			return ub_sim_wiring_names[i].name;
	}
	return NULL;
}

gboolean
ub_sim_wiring_from_string(const char *name, UbSimWiring *wiring)
{
	g_return_val_if_fail(wiring != NULL, FALSE);
	for (guint i = 0; name != NULL && i < G_N_ELEMENTS(ub_sim_wiring_names); i++) {
		if (g_strcmp0(ub_sim_wiring_names[i].name, name) == 0) {
			*wiring = ub_sim_wiring_names[i].wiring;
			return TRUE;
		}
	}
	return FALSE;
}

static void
ub_sim_link_finalize(GObject *object)
{
	UbSimLink *self = UB_SIM_LINK(object);

	g_clear_object(&self->dap);
	G_OBJECT_CLASS(ub_sim_link_parent_class)->finalize(object);
}

static void
ub_sim_link_class_init(UbSimLinkClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_sim_link_finalize;
}

static void
ub_sim_link_init(UbSimLink *self)
{
	self->wiring = UB_SIM_WIRING_GOOD;
	self->probe_rst_wired = TRUE;
	self->vdd_mv = UB_SIM_LINK_DEFAULT_VDD_MV;
	self->noise = 0x2545F491u;
	self->margin_noise = 0x9E3779B9u;
}

UbSimLink *
ub_sim_link_new(UbSimDap *dap)
{
	UbSimLink *self;

	g_return_val_if_fail(UB_IS_SIM_DAP(dap), NULL);
	self = g_object_new(UB_TYPE_SIM_LINK, NULL);
	self->dap = g_object_ref(dap);
	self->mcu = ub_sim_dap_get_mcu(dap);
	return self;
}

UbSimDap *
ub_sim_link_get_dap(UbSimLink *self)
{
	g_return_val_if_fail(UB_IS_SIM_LINK(self), NULL);
	return self->dap;
}

/* does the probe's RST output reach the MCU's NRST pin? */
static gboolean
ub_sim_link_probe_rst_reaches_target(UbSimLink *self)
{
	if (!self->probe_rst_wired)
		return FALSE;
	/* a level without a common ground means nothing to the target */
	return self->wiring != UB_SIM_WIRING_RST_NOT_CONNECTED &&
	       self->wiring != UB_SIM_WIRING_NO_GND;
}

/* NRST is open-drain with a pull-up on the board: low if anyone pulls it low */
static void
ub_sim_link_update_nrst(UbSimLink *self)
{
	gboolean low = self->hand_nrst_low || self->wiring == UB_SIM_WIRING_NRST_STUCK_LOW ||
	               (self->probe_nrst_low && ub_sim_link_probe_rst_reaches_target(self));

	if (low == self->nrst_level_low)
		return;
	self->nrst_level_low = low;
	ub_sim_mcu_set_nrst_low(self->mcu, low);
}

void
ub_sim_link_set_wiring(UbSimLink *self, UbSimWiring wiring)
{
	UbSimWiring old;

	g_return_if_fail(UB_IS_SIM_LINK(self));
	old = self->wiring;
	self->wiring = wiring;
	/* "unpowered" is the board's supply: switching it is a power cycle of the MCU */
	if (wiring == UB_SIM_WIRING_UNPOWERED && old != UB_SIM_WIRING_UNPOWERED)
		ub_sim_mcu_set_powered(self->mcu, FALSE);
	else if (wiring != UB_SIM_WIRING_UNPOWERED && old == UB_SIM_WIRING_UNPOWERED)
		ub_sim_mcu_set_powered(self->mcu, TRUE);
	ub_sim_link_update_nrst(self);
}

UbSimWiring
ub_sim_link_get_wiring(UbSimLink *self)
{
	g_return_val_if_fail(UB_IS_SIM_LINK(self), UB_SIM_WIRING_GOOD);
	return self->wiring;
}

void
ub_sim_link_set_probe_rst_wired(UbSimLink *self, gboolean wired)
{
	g_return_if_fail(UB_IS_SIM_LINK(self));
	self->probe_rst_wired = wired;
	ub_sim_link_update_nrst(self);
}

gboolean
ub_sim_link_get_probe_rst_wired(UbSimLink *self)
{
	g_return_val_if_fail(UB_IS_SIM_LINK(self), FALSE);
	return self->probe_rst_wired;
}

void
ub_sim_link_set_target_vdd_mv(UbSimLink *self, guint mv)
{
	g_return_if_fail(UB_IS_SIM_LINK(self));
	self->vdd_mv = mv;
}

void
ub_sim_link_hold_nrst(UbSimLink *self, gboolean low)
{
	g_return_if_fail(UB_IS_SIM_LINK(self));
	self->hand_nrst_low = low;
	ub_sim_link_update_nrst(self);
}

void
ub_sim_link_set_noise(UbSimLink *self, gboolean noise)
{
	g_return_if_fail(UB_IS_SIM_LINK(self));
	self->swdio_noise = noise;
}

gboolean
ub_sim_link_get_nrst_low(UbSimLink *self)
{
	g_return_val_if_fail(UB_IS_SIM_LINK(self), FALSE);
	return self->nrst_level_low;
}

static gboolean
ub_sim_link_target_powered(UbSimLink *self)
{
	return self->wiring != UB_SIM_WIRING_UNPOWERED && ub_sim_mcu_get_powered(self->mcu);
}

/* the target's 3.3 V as the probe's VAPP divider sees it */
guint
ub_sim_link_target_voltage_mv(UbSimLink *self)
{
	g_return_val_if_fail(UB_IS_SIM_LINK(self), 0);
	if (!ub_sim_link_target_powered(self))
		return 0;
	if (self->wiring == UB_SIM_WIRING_NO_GND)
		return self->vdd_mv * UB_SIM_LINK_NO_GND_PERCENT / 100;
	return self->vdd_mv;
}

void
ub_sim_link_drive_nrst(UbSimLink *self, gboolean low)
{
	g_return_if_fail(UB_IS_SIM_LINK(self));
	self->probe_nrst_low = low;
	ub_sim_link_update_nrst(self);
}

gboolean
ub_sim_link_probe_rst_reads_low(UbSimLink *self)
{
	g_return_val_if_fail(UB_IS_SIM_LINK(self), FALSE);
	if (ub_sim_link_probe_rst_reaches_target(self))
		return self->nrst_level_low;
	return self->probe_nrst_low;
}

/* would a well-formed SWD request reach a DP that can answer? */
static gboolean
ub_sim_link_swd_reaches_dp(UbSimLink *self)
{
	switch (self->wiring) {
	case UB_SIM_WIRING_GOOD:
	case UB_SIM_WIRING_RST_NOT_CONNECTED:
	case UB_SIM_WIRING_NRST_STUCK_LOW:
		break;
	case UB_SIM_WIRING_UNPOWERED:
	case UB_SIM_WIRING_NO_GND:
	case UB_SIM_WIRING_SWAPPED:
	default:
		return FALSE;
	}
	if (!ub_sim_mcu_get_powered(self->mcu))
		return FALSE;
	/* RDP level 2 or a damaged chip: the DP never answers */
	if (!ub_sim_mcu_debug_port_enabled(self->mcu))
		return FALSE;
	/* firmware turned PA13/PA14 into GPIO: the DP no longer sees the pins */
	return ub_sim_mcu_swd_pins_connected(self->mcu);
}

void
ub_sim_link_line_reset(UbSimLink *self, gboolean jtag_to_swd)
{
	g_return_if_fail(UB_IS_SIM_LINK(self));
	if (ub_sim_link_swd_reaches_dp(self))
		ub_sim_dap_line_reset(self->dap, jtag_to_swd);
}

/* xorshift32: deterministic noise so runs are repeatable (one state per kind of noise) */
static guint32
ub_sim_link_xorshift(guint32 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

/* errors per million transfers at @swclk_khz: none up to max_clean_khz, then 2000 times the
 * square of the overshoot less one (1.26x: 0.12 %, 1.9x: 0.5 %, 4.2x: 3.3 %) */
static guint32
ub_sim_link_error_ppm(UbSimLink *self, guint swclk_khz)
{
	guint max_clean = (guint)g_atomic_int_get(&self->max_clean_khz);
	double over;

	if (max_clean == 0 || swclk_khz <= max_clean)
		return 0;
	over = (double)swclk_khz / (double)max_clean;
	return (guint32)MIN(2000.0 * (over * over - 1.0), 1000000.0);
}

void
ub_sim_link_set_max_clean_khz(UbSimLink *self, guint khz)
{
	g_return_if_fail(UB_IS_SIM_LINK(self));
	g_atomic_int_set(&self->max_clean_khz, (gint)khz);
}

guint64
ub_sim_link_get_corrupted(UbSimLink *self)
{
	g_return_val_if_fail(UB_IS_SIM_LINK(self), 0);
	return self->corrupted;
}

UbSimAck
ub_sim_link_transfer(UbSimLink *self, guint swclk_khz, gboolean ap, gboolean read, guint8 a2a3,
                     guint32 *data)
{
	guint32 error_ppm;
	/* bit patterns a floating SWDIO produces that are none of OK, WAIT, FAULT */
	static const UbSimAck garbage[] = {UB_SIM_ACK_NONE, UB_SIM_ACK_LOW, (UbSimAck)3,
	                                   (UbSimAck)5, (UbSimAck)6};

	g_return_val_if_fail(UB_IS_SIM_LINK(self), UB_SIM_ACK_NONE);
	g_return_val_if_fail(data != NULL, UB_SIM_ACK_NONE);

	if (self->wiring == UB_SIM_WIRING_NO_GND) {
		guint32 noise = ub_sim_link_xorshift(&self->noise);
		if (read)
			*data = ub_sim_link_xorshift(&self->noise);
		return garbage[noise % G_N_ELEMENTS(garbage)];
	}
	if (!ub_sim_link_swd_reaches_dp(self)) {
		/* nobody drives SWDIO: the probe's pull-up reads all ones */
		if (read)
			*data = 0xFFFFFFFFu;
		return UB_SIM_ACK_NONE;
	}
	error_ppm = ub_sim_link_error_ppm(self, swclk_khz);
	if (error_ppm != 0 && ub_sim_link_xorshift(&self->margin_noise) % 1000000u < error_ppm) {
		/* the request's bits arrived wrong: the target stays silent, the probe samples
		 * the pull-up */
		self->corrupted++;
		if (read)
			*data = 0xFFFFFFFFu;
		return UB_SIM_ACK_NONE;
	}
	/* the request and the ACK come through (the target drives the ACK); the write data the
	 * probe drives afterwards arrives with a bad parity bit */
	if (self->swdio_noise && !read)
		return ub_sim_dap_transfer_bad_parity(self->dap, ap, a2a3);
	return ub_sim_dap_transfer(self->dap, ap, read, a2a3, data);
}
