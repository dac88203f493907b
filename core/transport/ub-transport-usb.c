/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-file-holder.h"
#include "ub-probe-info.h"
#include "ub-transport-usb.h"

struct _UbTransportUsb {
	UbTransport parent_instance;
	libusb_context *context;
	libusb_device_handle *handle;
	int interface_number;
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

void
ub_usb_probe_match_clear(UbUsbProbeMatch *match)
{
	g_return_if_fail(match != NULL);
	g_clear_pointer(&match->product, g_free);
}

static char *
ub_usb_read_string(libusb_device_handle *handle, guint8 index)
{
	char buf[256];
	int rc;

	if (handle == NULL || index == 0)
		return NULL;
	rc = libusb_get_string_descriptor_ascii(handle, index, (unsigned char *)buf, sizeof(buf));
	if (rc < 0) {
		g_debug("string %u: %s", index, libusb_strerror(rc));
		return NULL;
	}
	return g_strndup(buf, (gsize)rc);
}

/* a CMSIS-DAP v2 interface lists a bulk OUT, then a bulk IN endpoint (its specification;
 * OpenOCD checks the same) */
static gboolean
ub_usb_interface_has_bulk_pair(const struct libusb_interface_descriptor *alt)
{
	return alt->bNumEndpoints >= 2 &&
	       (alt->endpoint[0].bmAttributes & 0x03) == LIBUSB_TRANSFER_TYPE_BULK &&
	       (alt->endpoint[0].bEndpointAddress & 0x80) == LIBUSB_ENDPOINT_OUT &&
	       (alt->endpoint[1].bmAttributes & 0x03) == LIBUSB_TRANSFER_TYPE_BULK &&
	       (alt->endpoint[1].bEndpointAddress & 0x80) == LIBUSB_ENDPOINT_IN;
}

/* a v1 CMSIS-DAP is a plain HID interface (no boot keyboard or mouse) */
static gboolean
ub_usb_interface_is_plain_hid(const struct libusb_interface_descriptor *alt)
{
	return alt->bInterfaceClass == LIBUSB_CLASS_HID && alt->bInterfaceSubClass == 0 &&
	       alt->bInterfaceProtocol == 0;
}

typedef struct libusb_config_descriptor UbUsbConfigDescriptor;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(UbUsbConfigDescriptor, libusb_free_config_descriptor)

gboolean
ub_usb_maybe_probe(libusb_device *device)
{
	struct libusb_device_descriptor desc;
	g_autoptr(UbUsbConfigDescriptor) config = NULL;

	g_return_val_if_fail(device != NULL, FALSE);

	if (libusb_get_device_descriptor(device, &desc) < 0)
		return FALSE;
	if (ub_probe_kind_from_usb_ids(desc.idVendor, desc.idProduct) != UB_PROBE_KIND_UNKNOWN ||
	    ub_probe_known_cmsis_dap_name(desc.idVendor, desc.idProduct) != NULL)
		return TRUE;
	if (desc.bDeviceClass == LIBUSB_CLASS_HUB)
		return FALSE;
	if (libusb_get_config_descriptor(device, 0, &config) < 0)
		return FALSE;
	for (int i = 0; i < config->bNumInterfaces; i++) {
		const struct libusb_interface_descriptor *alt;

		if (config->interface[i].num_altsetting < 1)
			continue;
		alt = &config->interface[i].altsetting[0];
		if ((alt->bInterfaceClass == LIBUSB_CLASS_VENDOR_SPEC &&
		     ub_usb_interface_has_bulk_pair(alt)) ||
		    ub_usb_interface_is_plain_hid(alt))
			return TRUE;
	}
	return FALSE;
}

/**
 * ub_usb_identify_probe:
 * @handle: (nullable): the opened device, to read its strings
 * @match: (out caller-allocates): clear it with ub_usb_probe_match_clear()
 *
 * CMSIS-DAP as OpenOCD 0.12 finds it (reference/cmsis-dap.md §1.3): an interface is a
 * candidate when its string or the product string contains "CMSIS-DAP"; a v2 one has a bulk
 * OUT then a bulk IN endpoint and is class 0xFF/0/0, or (named by its own string, or the only
 * interface) class 0 or above 0x12; the first interface named by its own string wins, else the
 * first candidate. A named HID interface is a v1 probe.
 */
gboolean
ub_usb_identify_probe(libusb_device *device, libusb_device_handle *handle,
		      UbUsbProbeMatch *match)
{
	struct libusb_device_descriptor desc;
	g_autoptr(UbUsbConfigDescriptor) config = NULL;
	const struct libusb_interface_descriptor *found = NULL;
	const struct libusb_interface_descriptor *candidate = NULL;
	const struct libusb_interface_descriptor *hid = NULL;
	gboolean product_says;

	g_return_val_if_fail(device != NULL, FALSE);
	g_return_val_if_fail(match != NULL, FALSE);

	memset(match, 0, sizeof(*match));
	match->interface_number = -1;
	if (libusb_get_device_descriptor(device, &desc) < 0)
		return FALSE;
	match->product = ub_usb_read_string(handle, desc.iProduct);
	match->kind = ub_probe_kind_from_usb_ids(desc.idVendor, desc.idProduct);
	if (match->kind != UB_PROBE_KIND_UNKNOWN) {
		/* every tool opens ST-LINKs by id: configuration 1, interface 0 */
		match->interface_number = 0;
		match->configuration = 1;
		return TRUE;
	}
	if (libusb_get_config_descriptor(device, 0, &config) < 0)
		return FALSE;
	product_says = ub_probe_string_names_cmsis_dap(match->product);
	for (int i = 0; i < config->bNumInterfaces && found == NULL; i++) {
		const struct libusb_interface_descriptor *alt;
		g_autofree char *name = NULL;
		gboolean named;
		gboolean reliable;

		if (config->interface[i].num_altsetting < 1)
			continue;
		alt = &config->interface[i].altsetting[0];
		name = ub_usb_read_string(handle, alt->iInterface);
		named = ub_probe_string_names_cmsis_dap(name);
		if (!named && !product_says)
			continue;
		if (!ub_usb_interface_has_bulk_pair(alt)) {
			if (ub_usb_interface_is_plain_hid(alt) && hid == NULL)
				hid = alt;
			continue;
		}
		reliable = named || config->bNumInterfaces == 1;
		if (!(alt->bInterfaceClass == LIBUSB_CLASS_VENDOR_SPEC &&
		      alt->bInterfaceSubClass == 0 && alt->bInterfaceProtocol == 0) &&
		    !(reliable && (alt->bInterfaceClass == 0 || alt->bInterfaceClass > 0x12)))
			continue;
		if (reliable)
			found = alt;
		else if (candidate == NULL)
			candidate = alt;
	}
	if (found == NULL)
		found = candidate;
	match->configuration = config->bConfigurationValue;
	if (found != NULL) {
		match->kind = UB_PROBE_KIND_CMSIS_DAP;
		match->interface_number = found->bInterfaceNumber;
		match->endpoint_out = found->endpoint[0].bEndpointAddress;
		match->endpoint_in = found->endpoint[1].bEndpointAddress;
		match->max_packet = found->endpoint[0].wMaxPacketSize;
		return TRUE;
	}
	if (hid != NULL) {
		match->kind = UB_PROBE_KIND_CMSIS_DAP_V1;
		match->interface_number = hid->bInterfaceNumber;
		return TRUE;
	}
	/* not readable (no permission yet): the ids of the probes we know still name it */
	if (handle == NULL && ub_probe_known_cmsis_dap_name(desc.idVendor, desc.idProduct)) {
		match->kind = UB_PROBE_KIND_CMSIS_DAP;
		return TRUE;
	}
	return FALSE;
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
		rc = libusb_release_interface(self->handle, self->interface_number);
	self->claimed = FALSE;
	g_clear_pointer(&self->handle, libusb_close);
	/* a probe pulled out before closing is not an error worth reporting */
	if (rc < 0 && rc != LIBUSB_ERROR_NO_DEVICE)
		return ub_usb_error_convert(rc, error, "releasing the debug interface");
	return TRUE;
}

/* USBDEVFS_RESET: libusb releases and claims the interface again around it; a device whose
 * descriptors changed re-enumerates (LIBUSB_ERROR_NOT_FOUND): that one is gone from here */
static gboolean
ub_transport_usb_reset(UbTransport *transport, GError **error)
{
	UbTransportUsb *self = UB_TRANSPORT_USB(transport);
	int rc = libusb_reset_device(self->handle);

	if (rc < 0)
		return ub_usb_error_convert(rc, error, "resetting the probe");
	return TRUE;
}

static void
ub_transport_usb_finalize(GObject *object)
{
	UbTransportUsb *self = UB_TRANSPORT_USB(object);

	if (self->claimed)
		libusb_release_interface(self->handle, self->interface_number);
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
	transport_class->reset = ub_transport_usb_reset;
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

/* opens @device; *skipped when it is no probe we know or its serial is not @serial (nothing
 * claimed then) */
static gboolean
ub_transport_usb_setup(UbTransportUsb *self, libusb_device *device, const char *wanted_serial,
		       gboolean *skipped, GError **error)
{
	struct libusb_device_descriptor desc;
	g_auto(UbUsbProbeMatch) match = {0};
	g_autofree char *serial = NULL;
	g_autofree char *path = NULL;
	g_autofree char *what = NULL;
	int config = 0;
	int rc;

	rc = libusb_get_device_descriptor(device, &desc);
	if (rc < 0)
		return ub_usb_error_convert(rc, error, "reading the device descriptor");
	rc = libusb_open(device, &self->handle);
	if (rc < 0) {
		/* most USB devices cannot be opened by a user: only a probe we know matters */
		if (ub_probe_kind_from_usb_ids(desc.idVendor, desc.idProduct) ==
			UB_PROBE_KIND_UNKNOWN &&
		    ub_probe_known_cmsis_dap_name(desc.idVendor, desc.idProduct) == NULL) {
			*skipped = TRUE;
			return FALSE;
		}
		return ub_usb_error_convert(rc, error, "opening the probe");
	}
	if (!ub_usb_identify_probe(device, self->handle, &match) ||
	    match.interface_number < 0) {
		*skipped = TRUE;
		return FALSE;
	}
	serial = ub_usb_read_serial(self->handle, desc.iSerialNumber, NULL);
	path = ub_usb_device_path(device);
	ub_transport_set_identity(UB_TRANSPORT(self), desc.idVendor, desc.idProduct, serial,
				  path);
	ub_transport_set_kind(UB_TRANSPORT(self), match.kind, match.product);
	if (wanted_serial != NULL && g_strcmp0(serial, wanted_serial) != 0) {
		*skipped = TRUE;
		return FALSE;
	}
	if (!ub_probe_kind_is_supported(match.kind)) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
			    "%04x:%04x (%s%s%s) is not supported yet", desc.idVendor,
			    desc.idProduct, ub_probe_kind_to_string(match.kind),
			    match.product != NULL ? ", " : "",
			    match.product != NULL ? match.product : "");
		return FALSE;
	}
	if (match.kind == UB_PROBE_KIND_CMSIS_DAP)
		ub_transport_set_endpoints(UB_TRANSPORT(self), match.endpoint_out,
					   match.endpoint_in, match.max_packet);

	/* stlink-org and OpenOCD: detach, the configuration if not already, claim */
	if (libusb_kernel_driver_active(self->handle, match.interface_number) == 1) {
		rc = libusb_detach_kernel_driver(self->handle, match.interface_number);
		if (rc < 0)
			return ub_transport_usb_setup_failed(device, rc, error,
							     "detaching the kernel driver");
	}
	rc = libusb_get_configuration(self->handle, &config);
	if (rc < 0)
		return ub_usb_error_convert(rc, error, "reading the configuration");
	if (config != match.configuration) {
		rc = libusb_set_configuration(self->handle, match.configuration);
		if (rc < 0)
			return ub_transport_usb_setup_failed(device, rc, error,
							     "selecting the configuration");
	}
	rc = libusb_claim_interface(self->handle, match.interface_number);
	what = g_strdup_printf("claiming interface %d", match.interface_number);
	if (rc < 0)
		return ub_transport_usb_setup_failed(device, rc, error, what);
	self->interface_number = match.interface_number;
	self->claimed = TRUE;
	return TRUE;
}

/**
 * ub_transport_usb_open:
 * @bus: USB bus number, or 0
 * @address: device address on @bus, or 0
 * @serial: (nullable): serial number as ub_probe_serial_from_descriptor() prints it
 *
 * Opens a supported probe (ST-LINK or CMSIS-DAP v2): the one at @bus/@address, else the one
 * with @serial, else the first one found.
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
		if (bus != 0 && (libusb_get_bus_number(list[i]) != bus ||
				 libusb_get_device_address(list[i]) != address))
			continue;
		/* an ST-LINK/V1 is named by its id and not supported: not worth opening */
		kind = ub_probe_kind_from_usb_ids(desc.idVendor, desc.idProduct);
		if (kind != UB_PROBE_KIND_UNKNOWN && !ub_probe_kind_is_supported(kind))
			continue;
		if (!ub_usb_maybe_probe(list[i]))
			continue;
		if (!ub_transport_usb_setup(self, list[i], serial, &skipped, &error_local)) {
			if (!skipped || serial != NULL)
				found_any = TRUE;
			if (self->claimed)
				libusb_release_interface(self->handle, self->interface_number);
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
			    "no debug probe with serial %s", serial);
		return NULL;
	}
	g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_NOT_FOUND,
			    "no ST-LINK or CMSIS-DAP probe found on USB");
	return NULL;
}
