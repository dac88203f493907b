/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbTransport: how bytes reach a debug probe. A probe driver (UbProbeStlink) sends command
 * blocks and reads replies through it; subclasses move them over libusb (UbTransportUsb) or
 * straight into the simulator (UbTransportSim). One thread at a time uses a transport.
 *
 *   if (!ub_transport_bulk_write(transport, 0x02, cmd, 16, 3000, error))
 *           return FALSE;
 *   if (!ub_transport_bulk_read(transport, 0x81, reply, 2, 3000, &actual, error))
 *           return FALSE;
 */
#pragma once

#include <glib-object.h>

#include "ub-probe-kind.h"

G_BEGIN_DECLS

#define UB_TYPE_TRANSPORT (ub_transport_get_type())
G_DECLARE_DERIVABLE_TYPE(UbTransport, ub_transport, UB, TRANSPORT, GObject)

struct _UbTransportClass {
	GObjectClass parent_class;
	gboolean (*bulk_write)(UbTransport *self, guint8 endpoint, const guint8 *data, gsize len,
			       guint timeout_ms, GError **error);
	gboolean (*bulk_read)(UbTransport *self, guint8 endpoint, guint8 *buffer, gsize len,
			      guint timeout_ms, gsize *actual, GError **error);
	gboolean (*close)(UbTransport *self, GError **error);
	/* a USB port reset: the probe's firmware restarts, the handle stays open */
	gboolean (*reset)(UbTransport *self, GError **error);
	gpointer padding[7];
};

gboolean ub_transport_bulk_write(UbTransport *self, guint8 endpoint, const guint8 *data, gsize len,
				 guint timeout_ms, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_transport_bulk_read(UbTransport *self, guint8 endpoint, guint8 *buffer, gsize len,
				guint timeout_ms, gsize *actual,
				GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_transport_close(UbTransport *self, GError **error);
/* resets the device on its USB port (libusb_reset_device): what OpenOCD does to a probe that
 * does not answer after a program left it in the middle of a conversation */
gboolean ub_transport_reset(UbTransport *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* the USB identity of what is on the other end (the driver picks endpoints by product id,
 * as stlink-org and OpenOCD do) */
guint16 ub_transport_get_vendor_id(UbTransport *self);
guint16 ub_transport_get_product_id(UbTransport *self);
const char *ub_transport_get_serial(UbTransport *self);
/* "bus-port.port" for USB, "sim:BOARD" for the simulator */
const char *ub_transport_get_path(UbTransport *self);
void ub_transport_set_identity(UbTransport *self, guint16 vendor_id, guint16 product_id,
			       const char *serial, const char *path);

/* which probe family is on the other end, as the descriptors say (ST-LINKs by their ids,
 * CMSIS-DAP by its interface string); a driver is picked from it */
UbProbeKind ub_transport_get_kind(UbTransport *self);
/* the USB product string, or NULL */
const char *ub_transport_get_product(UbTransport *self);
void ub_transport_set_kind(UbTransport *self, UbProbeKind kind, const char *product);
/* the debug interface's bulk endpoints and wMaxPacketSize as found in the descriptors (0
 * when the driver knows them itself, as the ST-LINK one does) */
guint8 ub_transport_get_endpoint_out(UbTransport *self);
guint8 ub_transport_get_endpoint_in(UbTransport *self);
guint16 ub_transport_get_max_packet(UbTransport *self);
void ub_transport_set_endpoints(UbTransport *self, guint8 endpoint_out, guint8 endpoint_in,
				guint16 max_packet);

G_END_DECLS
