/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimCmsisDap: the firmware of a CMSIS-DAP v2 probe as seen from USB: DAP commands arrive as
 * bulk OUT packets (one command per packet), the probe executes them in order, performing SWD
 * transactions through a UbSimLink, and each response waits on the bulk IN endpoint. Up to
 * the probe's buffer count of commands may be outstanding; beyond that the OUT endpoint NAKs.
 * Every USB frame and SWD bit is charged to the virtual clock (see the cost model in the .c).
 *
 * Three real units are modelled (reference/cmsis-dap.md §1; their sources cited there):
 *   debug-probe  Raspberry Pi Debug Probe, debugprobe 2.3.1 (2e8a:000c): no nRESET pin at all
 *   pico         a Raspberry Pi Pico running debugprobe 2.3.1: nRESET on GP1 (open drain)
 *   daplink      Arm DAPLink 0258, LPC11U35 interface firmware (0d28:0204), one packet buffer
 *   daplink-v1   an older DAPLink that offers CMSIS-DAP over HID only (v1): its descriptors
 *                are what a host sees of it; unbrick lists it as not supported
 *
 *   UbSimCmsisDap *dap = ub_sim_cmsis_dap_new(UB_SIM_CMSIS_DAP_PICO, link, clock);
 *   ub_sim_probe_bulk_out(UB_SIM_PROBE(dap), 0x04, (const guint8[]){0x00, 0xF0}, 2);
 *   n = ub_sim_probe_bulk_in(UB_SIM_PROBE(dap), 0x85, reply, 64);   (00 01 31)
 */
#pragma once

#include <glib-object.h>

#include "ub-sim-clock.h"
#include "ub-sim-link.h"
#include "ub-sim-probe.h"

G_BEGIN_DECLS

typedef enum {
	UB_SIM_CMSIS_DAP_DEBUG_PROBE, /* Raspberry Pi Debug Probe */
	UB_SIM_CMSIS_DAP_PICO,	      /* Pico with the debugprobe firmware */
	UB_SIM_CMSIS_DAP_DAPLINK,     /* DAPLink on an LPC11U35 */
	UB_SIM_CMSIS_DAP_DAPLINK_V1,  /* DAPLink with the HID interface only (CMSIS-DAP v1) */
} UbSimCmsisDapKind;

#define UB_TYPE_SIM_CMSIS_DAP (ub_sim_cmsis_dap_get_type())
G_DECLARE_FINAL_TYPE(UbSimCmsisDap, ub_sim_cmsis_dap, UB, SIM_CMSIS_DAP, GObject)

UbSimCmsisDap *ub_sim_cmsis_dap_new(UbSimCmsisDapKind kind, UbSimLink *link, UbSimClock *clock);
UbSimCmsisDapKind ub_sim_cmsis_dap_get_kind(UbSimCmsisDap *self);
/* debugprobe, debugprobe-pico, daplink */
const char *ub_sim_cmsis_dap_kind_to_string(UbSimCmsisDapKind kind);
gboolean ub_sim_cmsis_dap_kind_from_string(const char *name, UbSimCmsisDapKind *kind);
/* whether the unit has an nRESET output at all (the Debug Probe has none) */
gboolean ub_sim_cmsis_dap_get_has_reset_pin(UbSimCmsisDap *self);
/* the USB serial is derived from seed (e.g. the bench name), in the unit's own format */
void ub_sim_cmsis_dap_set_serial_seed(UbSimCmsisDap *self, const char *seed);
/* the packets the probe reports it can buffer (DAP_Info 0xFE) */
guint ub_sim_cmsis_dap_get_packet_count(UbSimCmsisDap *self);

G_END_DECLS
