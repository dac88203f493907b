/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimLink: the wires between a probe's header and the board's SWD header, with the wiring
 * faults people actually make. The probe model sends SWD line resets and transactions through
 * it and reads the target voltage and drives NRST through it; each wiring state changes what
 * arrives exactly as the physical fault would (no ACK, wrong voltage, NRST going nowhere).
 */
#pragma once

#include <glib-object.h>

#include "ub-sim-dap.h"

G_BEGIN_DECLS

typedef enum {
	UB_SIM_WIRING_GOOD,
	UB_SIM_WIRING_UNPOWERED,         /* board has no supply: no voltage, DP silent */
	UB_SIM_WIRING_NO_GND,            /* GND wire missing: no common reference */
	UB_SIM_WIRING_SWAPPED,           /* SWDIO and SWCLK exchanged */
	UB_SIM_WIRING_RST_NOT_CONNECTED, /* probe RST pin does not reach NRST (clone or no wire) */
	UB_SIM_WIRING_NRST_STUCK_LOW,    /* NRST held low on the board (short, bad capacitor) */
} UbSimWiring;

#define UB_TYPE_SIM_LINK (ub_sim_link_get_type())
G_DECLARE_FINAL_TYPE(UbSimLink, ub_sim_link, UB, SIM_LINK, GObject)

UbSimLink *ub_sim_link_new(UbSimDap *dap);
UbSimDap *ub_sim_link_get_dap(UbSimLink *self);
void ub_sim_link_set_wiring(UbSimLink *self, UbSimWiring wiring);
UbSimWiring ub_sim_link_get_wiring(UbSimLink *self);
/* does the probe's own RST output reach anything? (FALSE for the common clone) */
void ub_sim_link_set_probe_rst_wired(UbSimLink *self, gboolean wired);
gboolean ub_sim_link_get_probe_rst_wired(UbSimLink *self);
/* the board's 3.3 V rail as a genuine probe's VAPP sense sees it (default 3300) */
void ub_sim_link_set_target_vdd_mv(UbSimLink *self, guint mv);
/* a person shorting NRST (LQFP64 pin 7) to GND, whatever the probe does */
void ub_sim_link_hold_nrst(UbSimLink *self, gboolean low);
/* noise on SWDIO (a long wire beside the motor phases): the data the probe drives in a write
 * fails its parity check at the target */
void ub_sim_link_set_noise(UbSimLink *self, gboolean noise);
/* the level on the MCU's NRST pin (TRUE = held low by anyone) */
gboolean ub_sim_link_get_nrst_low(UbSimLink *self);

/* what the probe observes / does */
guint ub_sim_link_target_voltage_mv(UbSimLink *self);
void ub_sim_link_drive_nrst(UbSimLink *self, gboolean low);
/* the level at the probe's own RST pin, for probes that read it back (CMSIS-DAP SWJ_Pins):
 * the board's NRST when the wire reaches it, else only what the probe drives */
gboolean ub_sim_link_probe_rst_reads_low(UbSimLink *self);
void ub_sim_link_line_reset(UbSimLink *self, gboolean jtag_to_swd);
/* one SWD transfer at @swclk_khz on the wires */
UbSimAck ub_sim_link_transfer(UbSimLink *self, guint swclk_khz, gboolean ap, gboolean read,
                              guint8 a2a3, guint32 *data);
/* a marginal link (long wires, a clone's drivers): transfers above @khz fail now and then,
 * the more often the faster the clock; 0 (default): clean at any clock */
void ub_sim_link_set_max_clean_khz(UbSimLink *self, guint khz);
/* transfers the marginal link corrupted so far */
guint64 ub_sim_link_get_corrupted(UbSimLink *self);

const char *ub_sim_wiring_to_string(UbSimWiring wiring);
gboolean ub_sim_wiring_from_string(const char *name, UbSimWiring *wiring);

G_END_DECLS
