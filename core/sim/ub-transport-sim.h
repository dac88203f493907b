/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbTransportSim: the in-process transport to a simulated bench. Bulk OUT transfers go to
 * ub_sim_probe_bulk_out(), bulk IN transfers come from ub_sim_probe_bulk_in(); no USB and
 * no threads, so the same driver code runs against the simulator in tests and the CLI.
 *
 *   g_autoptr(UbTransportSim) sim = ub_transport_sim_new_for_board_name("focbox", &error);
 */
#pragma once

#include "ub-sim-board.h"
#include "ub-transport.h"

G_BEGIN_DECLS

#define UB_TYPE_TRANSPORT_SIM (ub_transport_sim_get_type())
G_DECLARE_FINAL_TYPE(UbTransportSim, ub_transport_sim, UB, TRANSPORT_SIM, UbTransport)

UbTransportSim *ub_transport_sim_new(UbSimBoard *board) G_GNUC_WARN_UNUSED_RESULT;
UbTransportSim *ub_transport_sim_new_for_board_name(const char *name,
						    GError **error) G_GNUC_WARN_UNUSED_RESULT;
UbSimBoard *ub_transport_sim_get_board(UbTransportSim *self);

typedef enum {
	UB_TRANSPORT_SIM_FAULT_NONE,
	UB_TRANSPORT_SIM_FAULT_UNPLUG,	   /* every later transfer: UB_PROBE_ERROR_DISCONNECTED */
	UB_TRANSPORT_SIM_FAULT_POWER_LOSS, /* the board's supply goes */
} UbTransportSimFault;

/* test hook: @fault strikes after @after_transfers more bulk transfers */
void ub_transport_sim_set_fault(UbTransportSim *self, UbTransportSimFault fault,
				guint after_transfers);

G_END_DECLS
