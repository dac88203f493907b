/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbTransportUsb: a real ST-LINK through libusb-1.0, opened the way stlink-org and OpenOCD
 * open it (reference §1.4): find by VID:PID (and bus/address or serial), detach a kernel
 * driver, configuration 1, claim interface 0; synchronous bulk transfers with timeouts.
 *
 *   g_autoptr(UbTransportUsb) usb = ub_transport_usb_open(0, 0, NULL, &error);  (first probe)
 */
#pragma once

#include <libusb.h>

#include "ub-transport.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(libusb_context, libusb_exit)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(libusb_device_handle, libusb_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(libusb_device, libusb_unref_device)

#define UB_TYPE_TRANSPORT_USB (ub_transport_usb_get_type())
G_DECLARE_FINAL_TYPE(UbTransportUsb, ub_transport_usb, UB, TRANSPORT_USB, UbTransport)

/* bus = address = 0 and serial = NULL: the first supported ST-LINK */
UbTransportUsb *ub_transport_usb_open(guint8 bus, guint8 address, const char *serial,
				      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* the one place libusb error codes become UB_PROBE_ERROR codes; returns FALSE */
gboolean ub_usb_error_convert(int rc, GError **error, const char *what);
/* helpers shared with UbProbeMonitor */
char *ub_usb_device_path(libusb_device *device);
char *ub_usb_read_serial(libusb_device_handle *handle, guint8 index, GError **error);

G_END_DECLS
