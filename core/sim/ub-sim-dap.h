/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimDap: the STM32F4's SW-DP (DPv1, DPIDR 0x2BA01477) and AHB-AP (IDR 0x24770011) at the
 * level of SWD transactions (ADIv5 §B4): line reset and JTAG-to-SWD sequences, DP registers
 * (DPIDR/ABORT, CTRL/STAT, SELECT, RDBUFF), AP registers (CSW, TAR with 4 KiB auto-increment
 * wrap, DRW, BD0-3, IDR/BASE/CFG), posted AP reads, sticky errors, power-up handshake and
 * WAIT while the bus is stalled. Wiring is not modelled here: UbSimLink sits in front.
 */
#pragma once

#include <glib-object.h>

#include "ub-sim-mcu.h"

G_BEGIN_DECLS

/* SWD ACK as the 3 bits read LSB first: OK 1, WAIT 2, FAULT 4; no driver 7; line low 0 */
typedef enum {
	UB_SIM_ACK_OK = 1,
	UB_SIM_ACK_WAIT = 2,
	UB_SIM_ACK_FAULT = 4,
	UB_SIM_ACK_NONE = 7,
	UB_SIM_ACK_LOW = 0,
} UbSimAck;

#define UB_TYPE_SIM_DAP (ub_sim_dap_get_type())
G_DECLARE_FINAL_TYPE(UbSimDap, ub_sim_dap, UB, SIM_DAP, GObject)

UbSimDap *ub_sim_dap_new(UbSimMcu *mcu);
UbSimMcu *ub_sim_dap_get_mcu(UbSimDap *self);

/* ≥ 50 clocks with SWDIO high (+ optional 0xE79E JTAG-to-SWD); the DP then expects DPIDR */
void ub_sim_dap_line_reset(UbSimDap *self, gboolean jtag_to_swd);
/* one SWD transaction; a2a3 is the register address (0x0, 0x4, 0x8, 0xC) */
UbSimAck ub_sim_dap_transfer(UbSimDap *self, gboolean ap, gboolean read, guint8 a2a3,
			     guint32 *data);

/* a write whose data phase failed its parity check (ADIv5 §B4.2.3): the ACK was already
 * given, the write is dropped and CTRL/STAT.WDATAERR set, which FAULTs what follows until
 * ABORT.WDERRCLR */
UbSimAck ub_sim_dap_transfer_bad_parity(UbSimDap *self, gboolean ap, guint8 a2a3);

G_END_DECLS
