/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbProbeMonitor: which debug probes are attached. Finds ST-LINKs by VID:PID and CMSIS-DAP
 * probes by the "CMSIS-DAP" in their interface or product string (any VID:PID, as OpenOCD),
 * names a CMSIS-DAP v1 (HID) one as not supported, reads serial and firmware version in a
 * worker (that needs an open and a claim), and follows
 * libusb hot-plug events: "probe-added"/"probe-removed" are emitted in the main context the
 * monitor was created in. A provider's probe (a simulated bench) can be listed as well.
 *
 *   g_autoptr(UbProbeMonitor) monitor = ub_probe_monitor_new();
 *   g_signal_connect(monitor, "probe-added", G_CALLBACK(on_probe_added), self);
 *   ub_probe_monitor_start(monitor, NULL);                       (hot-plug, optional)
 *   ub_probe_monitor_enumerate_async(monitor, cancellable, on_enumerated, self);
 */
#pragma once

#include <gio/gio.h>

#include "ub-probe-info.h"

G_BEGIN_DECLS

#define UB_TYPE_PROBE_MONITOR (ub_probe_monitor_get_type())
G_DECLARE_FINAL_TYPE(UbProbeMonitor, ub_probe_monitor, UB, PROBE_MONITOR, GObject)

UbProbeMonitor *ub_probe_monitor_new(void) G_GNUC_WARN_UNUSED_RESULT;

/* list the probe this provider reaches too (a simulated bench); before enumerating */
void ub_probe_monitor_add_provider(UbProbeMonitor *self, UbTransportProvider *provider);
/* whether real USB devices are looked at (default TRUE; FALSE for tests and --sim) */
void ub_probe_monitor_set_usb_enabled(UbProbeMonitor *self, gboolean enabled);

/* start following hot-plug events (FALSE with UNSUPPORTED where libusb cannot) */
gboolean ub_probe_monitor_start(UbProbeMonitor *self, GError **error);
void ub_probe_monitor_stop(UbProbeMonitor *self);

void ub_probe_monitor_enumerate_async(UbProbeMonitor *self, GCancellable *cancellable,
				      GAsyncReadyCallback callback, gpointer user_data);
/* Returns: (transfer container) (element-type UbProbeInfo): every probe found */
GPtrArray *ub_probe_monitor_enumerate_finish(UbProbeMonitor *self, GAsyncResult *result,
					     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* the probes known now (main context only); (transfer none) */
GPtrArray *ub_probe_monitor_get_probes(UbProbeMonitor *self);

/* synchronous enumeration for a worker thread */
GPtrArray *ub_probe_monitor_scan(GPtrArray *providers, gboolean usb, GCancellable *cancellable,
				 GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* the description of a provider's probe (opens it to read the version) */
UbProbeInfo *ub_probe_info_new_for_provider(UbTransportProvider *provider,
					    GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
