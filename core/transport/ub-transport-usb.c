/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error.h"
#include "ub-file-holder.h"
#include "ub-probe-info.h"
#include "ub-transport-usb.h"

struct _UbTransportUsb {
	UbTransport parent_instance;
	libusb_context *context;
	libusb_device_handle *handle;
	gboolean claimed;
};

G_DEFINE_TYPE(UbTransportUsb, ub_transport_usb, UB_TYPE_TRANSPORT)

/**
 * ub_usb_error_convert:
 * @rc: a negative libusb return code
 * @what: what was being done, e.g. "claiming interface 0"
 *
 * Converts a libusb error into %UB_PROBE_ERROR (as fwupd_error_convert does for fwupd).
 *
 * Returns: %FALSE, always, for use in a return statement
 */
gboolean
ub_usb_error_convert(int rc, GError **error, const char *what)
{
	UbProbeError code;

	switch (rc) {
	case LIBUSB_ERROR_ACCESS:
		code = UB_PROBE_ERROR_PERMISSION_DENIED;
		break;
	case LIBUSB_ERROR_NO_DEVICE:
		code = UB_PROBE_ERROR_DISCONNECTED;
		break;
	case LIBUSB_ERROR_NOT_FOUND:
		code = UB_PROBE_ERROR_NOT_FOUND;
		break;
	case LIBUSB_ERROR_BUSY:
		code = UB_PROBE_ERROR_BUSY;
		break;
	case LIBUSB_ERROR_TIMEOUT:
		code = UB_PROBE_ERROR_TIMEOUT;
		break;
	case LIBUSB_ERROR_OVERFLOW:
	case LIBUSB_ERROR_PIPE:
		code = UB_PROBE_ERROR_PROTOCOL;
		break;
	case LIBUSB_ERROR_NOT_SUPPORTED:
		code = UB_PROBE_ERROR_UNSUPPORTED;
		break;
	case LIBUSB_ERROR_IO:
	case LIBUSB_ERROR_INVALID_PARAM:
	case LIBUSB_ERROR_INTERRUPTED:
	case LIBUSB_ERROR_NO_MEM:
	case LIBUSB_ERROR_OTHER:
	default:
		code = UB_PROBE_ERROR_FAILED;
		break;
	}
	g_set_error(error, UB_PROBE_ERROR, code, "%s: %s", what, libusb_strerror(rc));
	return FALSE;
}

/* "bus-port.port…" as the kernel names it under /sys/bus/usb/devices */
char *
ub_usb_device_path(libusb_device *device)
{
	guint8 ports[8];
	int count;
	GString *str;

	g_return_val_if_fail(device != NULL, NULL);

	str = g_string_new(NULL);
	g_string_append_printf(str, "%u", libusb_get_bus_number(device));
	count = libusb_get_port_numbers(device, ports, sizeof(ports));
	for (int i = 0; i < count; i++)
		g_string_append_printf(str, "%c%u", i == 0 ? '-' : '.', ports[i]);
	return g_string_free(str, FALSE);
}

/* string descriptor 0 for the LANGID, then the serial in it (stlink-org's way, §1.3) */
char *
ub_usb_read_serial(libusb_device_handle *handle, guint8 index, GError **error)
{
	guint8 buf[256];
	guint16 langid;
	int rc;

	g_return_val_if_fail(handle != NULL, NULL);

	if (index == 0) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
				    "probe has no serial number");
		return NULL;
	}
	rc = libusb_get_string_descriptor(handle, 0, 0, buf, sizeof(buf));
	if (rc < 4) {
		if (rc < 0)
			ub_usb_error_convert(rc, error, "reading the LANGID descriptor");
		else
			g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
					    "LANGID descriptor too short");
		return NULL;
	}
	langid = buf[2] | (buf[3] << 8);
	rc = libusb_get_string_descriptor(handle, index, langid, buf, sizeof(buf));
	if (rc < 0) {
		ub_usb_error_convert(rc, error, "reading the serial number");
		return NULL;
	}
	if (rc < 2 || buf[0] > rc) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
				    "malformed serial number descriptor");
		return NULL;
	}
	return ub_probe_serial_from_descriptor(buf + 2, buf[0] - 2);
}

static gboolean
ub_transport_usb_bulk_write(UbTransport *transport, guint8 endpoint, const guint8 *data,
			    gsize len, guint timeout_ms, GError **error)
{
	UbTransportUsb *self = UB_TRANSPORT_USB(transport);
	int transferred = 0;
	int rc;

	rc = libusb_bulk_transfer(self->handle, endpoint & ~LIBUSB_ENDPOINT_IN, (guint8 *)data,
				  (int)len, &transferred, timeout_ms);
	if (rc < 0)
		return ub_usb_error_convert(rc, error, "sending to the probe");
	if ((gsize)transferred != len) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
			    "probe took %d of %" G_GSIZE_FORMAT " bytes", transferred, len);
		return FALSE;
	}
	return TRUE;
}

static gboolean
ub_transport_usb_bulk_read(UbTransport *transport, guint8 endpoint, guint8 *buffer, gsize len,
			   guint timeout_ms, gsize *actual, GError **error)
{
	UbTransportUsb *self = UB_TRANSPORT_USB(transport);
	int transferred = 0;
	int rc;

	rc = libusb_bulk_transfer(self->handle, endpoint | LIBUSB_ENDPOINT_IN, buffer, (int)len,
				  &transferred, timeout_ms);
	if (rc < 0)
		return ub_usb_error_convert(rc, error, "reading from the probe");
	*actual = (gsize)transferred;
	return TRUE;
}

static gboolean
ub_transport_usb_close(UbTransport *transport, GError **error)
{
	UbTransportUsb *self = UB_TRANSPORT_USB(transport);
	int rc = 0;

	if (self->claimed)
		rc = libusb_release_interface(self->handle, 0);
	self->claimed = FALSE;
	g_clear_pointer(&self->handle, libusb_close);
	/* a probe pulled out before closing is not an error worth reporting */
	if (rc < 0 && rc != LIBUSB_ERROR_NO_DEVICE)
		return ub_usb_error_convert(rc, error, "releasing interface 0");
	return TRUE;
}

static void
ub_transport_usb_finalize(GObject *object)
{
	UbTransportUsb *self = UB_TRANSPORT_USB(object);

	if (self->claimed)
		libusb_release_interface(self->handle, 0);
	g_clear_pointer(&self->handle, libusb_close);
	g_clear_pointer(&self->context, libusb_exit);
	G_OBJECT_CLASS(ub_transport_usb_parent_class)->finalize(object);
}

static void
ub_transport_usb_class_init(UbTransportUsbClass *klass)
{
	UbTransportClass *transport_class = UB_TRANSPORT_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = ub_transport_usb_finalize;
	transport_class->bulk_write = ub_transport_usb_bulk_write;
	transport_class->bulk_read = ub_transport_usb_bulk_read;
	transport_class->close = ub_transport_usb_close;
}

static void
ub_transport_usb_init(UbTransportUsb *self)
{
}

/* a busy probe: another program holds its usbfs node; say which when /proc can tell */
static gboolean
ub_transport_usb_setup_failed(libusb_device *device, int rc, GError **error, const char *what)
{
	g_autofree char *node = NULL;
	g_autofree char *holder = NULL;

	if (rc != LIBUSB_ERROR_BUSY)
		return ub_usb_error_convert(rc, error, what);
	node = ub_usb_node_path(libusb_get_bus_number(device), libusb_get_device_address(device));
	holder = ub_file_find_holder(node);
	if (holder == NULL)
		return ub_usb_error_convert(rc, error, what);
	g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_BUSY, "%s: the probe is in use by %s",
		    what, holder);
	return FALSE;
}

/* opens @device; *skipped when its serial is not @serial (nothing claimed then) */
static gboolean
ub_transport_usb_setup(UbTransportUsb *self, libusb_device *device, const char *wanted_serial,
		       gboolean *skipped, GError **error)
{
	struct libusb_device_descriptor desc;
	g_autofree char *serial = NULL;
	g_autofree char *path = NULL;
	int config = 0;
	int rc;

	rc = libusb_get_device_descriptor(device, &desc);
	if (rc < 0)
		return ub_usb_error_convert(rc, error, "reading the device descriptor");
	rc = libusb_open(device, &self->handle);
	if (rc < 0)
		return ub_usb_error_convert(rc, error, "opening the probe");
	serial = ub_usb_read_serial(self->handle, desc.iSerialNumber, NULL);
	path = ub_usb_device_path(device);
	ub_transport_set_identity(UB_TRANSPORT(self), desc.idVendor, desc.idProduct, serial,
				  path);
	if (wanted_serial != NULL && g_strcmp0(serial, wanted_serial) != 0) {
		*skipped = TRUE;
		return FALSE;
	}

	/* stlink-org: detach, configuration 1 if not already, claim interface 0 */
	if (libusb_kernel_driver_active(self->handle, 0) == 1) {
		rc = libusb_detach_kernel_driver(self->handle, 0);
		if (rc < 0)
			return ub_transport_usb_setup_failed(device, rc, error,
							     "detaching the kernel driver");
	}
	rc = libusb_get_configuration(self->handle, &config);
	if (rc < 0)
		return ub_usb_error_convert(rc, error, "reading the configuration");
	if (config != 1) {
		rc = libusb_set_configuration(self->handle, 1);
		if (rc < 0)
			return ub_transport_usb_setup_failed(device, rc, error,
							     "selecting configuration 1");
	}
	rc = libusb_claim_interface(self->handle, 0);
	if (rc < 0)
		return ub_transport_usb_setup_failed(device, rc, error, "claiming interface 0");
	self->claimed = TRUE;
	return TRUE;
}

/**
 * ub_transport_usb_open:
 * @bus: USB bus number, or 0
 * @address: device address on @bus, or 0
 * @serial: (nullable): serial number as ub_probe_serial_from_descriptor() prints it
 *
 * Opens a supported ST-LINK: the one at @bus/@address, else the one with @serial, else the
 * first one found.
 *
 * Returns: (transfer full): the claimed transport
 */
UbTransportUsb *
ub_transport_usb_open(guint8 bus, guint8 address, const char *serial, GError **error)
{
	g_autoptr(UbTransportUsb) self = g_object_new(UB_TYPE_TRANSPORT_USB, NULL);
	libusb_device **list = NULL;
	ssize_t count;
	int rc;
	gboolean found_any = FALSE;
	g_autoptr(GError) error_last = NULL;

	rc = libusb_init(&self->context);
	if (rc < 0) {
		self->context = NULL;
		ub_usb_error_convert(rc, error, "initialising libusb");
		return NULL;
	}
	count = libusb_get_device_list(self->context, &list);
	if (count < 0) {
		ub_usb_error_convert((int)count, error, "listing USB devices");
		return NULL;
	}
	for (ssize_t i = 0; i < count; i++) {
		struct libusb_device_descriptor desc;
		UbProbeKind kind;
		g_autoptr(GError) error_local = NULL;
		gboolean skipped = FALSE;

		if (libusb_get_device_descriptor(list[i], &desc) < 0)
			continue;
		kind = ub_probe_kind_from_usb_ids(desc.idVendor, desc.idProduct);
		if (!ub_probe_kind_is_supported(kind))
			continue;
		if (bus != 0 && (libusb_get_bus_number(list[i]) != bus ||
				 libusb_get_device_address(list[i]) != address))
			continue;
		found_any = TRUE;
		if (!ub_transport_usb_setup(self, list[i], serial, &skipped, &error_local)) {
			if (self->claimed)
				libusb_release_interface(self->handle, 0);
			self->claimed = FALSE;
			g_clear_pointer(&self->handle, libusb_close);
			if (!skipped) {
				g_clear_error(&error_last);
				error_last = g_steal_pointer(&error_local);
			}
			continue;
		}
		libusb_free_device_list(list, 1);
		return g_steal_pointer(&self);
	}
	libusb_free_device_list(list, 1);
	if (error_last != NULL) {
		g_propagate_error(error, g_steal_pointer(&error_last));
		return NULL;
	}
	if (serial != NULL && found_any) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_NOT_FOUND,
			    "no ST-LINK with serial %s", serial);
		return NULL;
	}
	g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_NOT_FOUND,
			    "no ST-LINK probe found on USB");
	return NULL;
}
