/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbProbeStlink: the ST-LINK/V2, V2-1 and V3 debug protocol (API v2/v3) over a UbTransport.
 * Commands are 16-byte blocks on the OUT endpoint with fixed-length replies on the IN
 * endpoint; the bytes sent are the ones stlink-org and OpenOCD send for the same operation
 * (reference/stlink-and-stm32f4.md §2, §2.7, §3).
 *
 *   g_autoptr(UbProbeStlink) stlink = ub_probe_stlink_new(transport, &error);
 *   ub_probe_open(UB_PROBE(stlink), &error);     (version, leave DFU)
 */
#pragma once

#include "ub-probe.h"

G_BEGIN_DECLS

#define UB_TYPE_PROBE_STLINK (ub_probe_stlink_get_type())
G_DECLARE_FINAL_TYPE(UbProbeStlink, ub_probe_stlink, UB, PROBE_STLINK, UbProbe)

/* stlink-org's timeout for every bulk transfer */
#define UB_STLINK_TIMEOUT_MS 3000
/* OpenOCD's STLINK_DATA_SIZE and stlink-org's read chunk: the probe's buffer */
#define UB_STLINK_MAX_RW32 6144
/* OpenOCD STLINK_MAX_RW8 (V1/V2/V2-1); V3 from J6 takes 512 */
#define UB_STLINK_MAX_RW8 64
#define UB_STLINK_MAX_RW8_V3 512

UbProbeStlink *ub_probe_stlink_new(UbTransport *transport,
				   GError **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean ub_probe_stlink_query_version(UbProbeStlink *self,
				       GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* the "J" firmware number (feature gates) and the current probe mode (GET_CURRENT_MODE) */
guint ub_probe_stlink_get_jtag_version(UbProbeStlink *self);
gboolean ub_probe_stlink_get_mode(UbProbeStlink *self, guint8 *mode, GError **error);

G_END_DECLS
