/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbProbeCmsisDap: a CMSIS-DAP v2 probe (Raspberry Pi Debug Probe, a Pico running debugprobe,
 * DAPLink, …) over a UbTransport whose bulk endpoints the descriptors gave. The probe only
 * moves SWD transactions, so everything UbProbe offers (memory, debug and core registers,
 * NRST) is built here from DP/AP accesses: DAP_Transfer for short sequences, DAP_TransferBlock
 * for DRW streams, as many packets in flight as the probe says it can buffer, WAIT and FAULT
 * answered with an ABORT (reference/cmsis-dap.md §2, §4).
 *
 *   g_autoptr(UbProbeCmsisDap) dap = ub_probe_cmsis_dap_new(transport, &error);
 *   ub_probe_open(UB_PROBE(dap), &error);         (DAP_Info, DAP_Connect, transfer set-up)
 *   ub_probe_enter_swd(UB_PROBE(dap), &error);    (JTAG-to-SWD, DPIDR, power-up)
 */
#pragma once

#include "ub-probe.h"

G_BEGIN_DECLS

#define UB_TYPE_PROBE_CMSIS_DAP (ub_probe_cmsis_dap_get_type())
G_DECLARE_FINAL_TYPE(UbProbeCmsisDap, ub_probe_cmsis_dap, UB, PROBE_CMSIS_DAP, UbProbe)

/* every bulk transfer; OpenOCD waits 6 s, a probe that needs more is gone */
#define UB_CMSIS_DAP_TIMEOUT_MS 3000

UbProbeCmsisDap *ub_probe_cmsis_dap_new(UbTransport *transport,
					GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* DAP_Info only (capabilities, packet size and count, versions): names the firmware without
 * touching the pins, for listing probes */
gboolean ub_probe_cmsis_dap_query_info(UbProbeCmsisDap *self,
				       GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* what DAP_Info said: the DAP packet size, how many packets the probe buffers, Info0 bits */
guint ub_probe_cmsis_dap_get_packet_size(UbProbeCmsisDap *self);
guint ub_probe_cmsis_dap_get_packet_count(UbProbeCmsisDap *self);
guint ub_probe_cmsis_dap_get_capabilities(UbProbeCmsisDap *self);

G_END_DECLS
