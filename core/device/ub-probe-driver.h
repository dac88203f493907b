/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The probe driver for what a transport found: UbProbeStlink for an ST-LINK (known by its
 * ids), UbProbeCmsisDap for a CMSIS-DAP v2 interface (known by its strings). UbDevice opens
 * probes with it and UbProbeMonitor names them with it, so both pick the family the same way.
 *
 *   g_autoptr(UbProbe) probe = ub_probe_driver_new(transport, &error);
 *   ub_probe_driver_query(probe, &error);     (firmware version only; the target is untouched)
 */
#pragma once

#include "ub-probe.h"

G_BEGIN_DECLS

UbProbe *ub_probe_driver_new(UbTransport *transport, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* asks the probe for its firmware version without changing its mode or its pins */
gboolean ub_probe_driver_query(UbProbe *probe, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
