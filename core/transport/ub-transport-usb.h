/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbTransportUsb: a real probe through libusb-1.0. An ST-LINK is opened the way stlink-org and
 * OpenOCD open it (reference/stlink-and-stm32f4.md §1.4): found by VID:PID, detach a kernel
 * driver, configuration 1, claim interface 0. A CMSIS-DAP v2 probe is found as OpenOCD finds it
 * (reference/cmsis-dap.md §1.3): any VID:PID with an interface whose string (or the product
 * string) says "CMSIS-DAP", with a bulk OUT then a bulk IN endpoint; that interface is claimed
 * and its endpoints go to the driver. Synchronous bulk transfers with timeouts.
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

/* bus = address = 0 and serial = NULL: the first supported probe */
UbTransportUsb *ub_transport_usb_open(guint8 bus, guint8 address, const char *serial,
				      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* the one place libusb error codes become UB_PROBE_ERROR codes; returns FALSE */
gboolean ub_usb_error_convert(int rc, GError **error, const char *what);
/* helpers shared with UbProbeMonitor */
char *ub_usb_device_path(libusb_device *device);
char *ub_usb_read_serial(libusb_device_handle *handle, guint8 index, GError **error);

/* what a USB device is as a debug probe */
typedef struct {
	UbProbeKind kind;
	int interface_number; /* the interface to claim; -1 when none was found */
	guint8 configuration;
	guint8 endpoint_out;
	guint8 endpoint_in;
	guint16 max_packet;
	char *product; /* the product string, when it could be read */
} UbUsbProbeMatch;

void ub_usb_probe_match_clear(UbUsbProbeMatch *match);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(UbUsbProbeMatch, ub_usb_probe_match_clear)
/* could this device be a debug probe? From the descriptors only (no I/O, so it may be asked
 * in a hot-plug callback): an ST-LINK id, a known CMSIS-DAP id, or an interface shaped like a
 * CMSIS-DAP one (vendor class with bulk OUT then bulk IN, or HID) */
gboolean ub_usb_maybe_probe(libusb_device *device);
/* ST-LINKs by their ids; otherwise the strings are read through @handle (nullable: a device
 * that cannot be opened is named by its ids only); FALSE when it is no probe */
gboolean ub_usb_identify_probe(libusb_device *device, libusb_device_handle *handle,
			       UbUsbProbeMatch *match);

G_END_DECLS
