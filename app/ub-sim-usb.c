/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <linux/ioctl.h>
#include <linux/usb/ch9.h>
#include <linux/usbdevice_fs.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include "ub-sim-usb.h"

/* the three descriptor layouts of ST's probes, from lsusb dumps of real units (OpenOCD
 * doc/usb_adapters/stlink/0483_3748, 0483_374b and 0483_374e), and two CMSIS-DAP v2 probes from
 * their firmware sources (reference/cmsis-dap.md §1.1, §1.2) */
typedef enum {
	UB_SIM_USB_LAYOUT_V2,	      /* one vendor interface, full speed */
	UB_SIM_USB_LAYOUT_V2_1,	      /* debug + mass storage + CDC ACM, full speed */
	UB_SIM_USB_LAYOUT_V3,	      /* the same four interfaces at high speed */
	UB_SIM_USB_LAYOUT_DEBUGPROBE, /* CMSIS-DAP v2 bulk interface 0 + CDC ACM (debugprobe) */
	UB_SIM_USB_LAYOUT_DAPLINK,    /* MSC + CDC ACM + WebUSB + CMSIS-DAP v2 bulk (DAPLink) */
	UB_SIM_USB_LAYOUT_DAPLINK_HID, /* MSC + CDC ACM + HID, CMSIS-DAP v1 only (older DAPLink) */
} UbSimUsbLayout;

#define UB_SIM_USB_BUS 1u
#define UB_SIM_USB_MAJOR 189u
#define UB_SIM_USB_SYSPATH "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"

/* capabilities of an xHCI root port on a current kernel (drivers/usb/core/devio.c); with
 * scatter-gather libusb submits every bulk transfer as one URB */
#define UB_SIM_USB_CAPABILITIES                                                                    \
	(USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |                               \
	 USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_BULK_SCATTER_GATHER |                      \
	 USBDEVFS_CAP_REAP_AFTER_DISCONNECT)

/* one URB the client submitted and has not reaped yet */
typedef struct {
	UMockdevIoctlClient *client;
	UMockdevIoctlData *urb_data;
	UMockdevIoctlData *buffer_data; /* NULL for zero-length transfers */
	gsize done;			/* IN bytes collected so far */
} UbSimUsbUrb;

/* a blocking USBDEVFS_REAPURB that waits for a URB to finish */
typedef struct {
	UMockdevIoctlClient *client;
	UMockdevIoctlData *arg;
} UbSimUsbReaper;

struct _UbSimUsb {
	UMockdevIoctlBase parent_instance;

	/* guards everything below and every call into the firmware */
	GMutex mutex;
	UbSimUsbFirmware firmware;
	gpointer firmware_data;

	UbSimUsbLayout layout;
	guint16 vendor_id;
	guint16 product_id;
	guint16 bcd_device;
	guint16 bcd_usb;
	guint8 max_packet0;
	guint16 max_packet;
	guint speed_mbps;
	GByteArray *descriptors; /* device descriptor + configuration descriptor */
	GPtrArray *strings;	 /* string descriptor index -> UTF-8 text (0: LANGID) */
	guint8 n_interfaces;
	guint8 endpoints[16];	  /* endpoint addresses of the configuration */
	guint16 endpoint_mps[16]; /* their wMaxPacketSize */
	guint n_endpoints;

	gboolean plugged;
	guint plug_count;
	guint generation; /* bumped on every unplug: older clients see ENODEV */
	gint refused;	  /* requests answered ENODEV: the device was gone (atomic) */
	guint devnum;
	gchar *devnode;
	guint8 configuration;

	GQueue pending;	 /* UbSimUsbUrb: IN transfers waiting for the probe */
	GQueue finished; /* UbSimUsbUrb: ready to reap */
	GQueue reapers;	 /* UbSimUsbReaper */
};

G_DEFINE_TYPE(UbSimUsb, ub_sim_usb, UMOCKDEV_TYPE_IOCTL_BASE)

#define UB_SIM_USB_CLIENT_GENERATION "ub-sim-usb-generation"

static void
ub_sim_usb_urb_free(UbSimUsbUrb *urb)
{
	g_clear_object(&urb->client);
	g_clear_object(&urb->urb_data);
	g_clear_object(&urb->buffer_data);
	g_free(urb);
}

static void
ub_sim_usb_reaper_free(UbSimUsbReaper *reaper)
{
	g_clear_object(&reaper->client);
	g_clear_object(&reaper->arg);
	g_free(reaper);
}

static struct usbdevfs_urb *
ub_sim_usb_urb_get(UbSimUsbUrb *urb)
{
	return (struct usbdevfs_urb *)urb->urb_data->data;
}

/* descriptors */

static void
append_u16(GByteArray *buffer, guint16 value)
{
	guint8 bytes[2] = {value & 0xff, value >> 8};
	g_byte_array_append(buffer, bytes, sizeof(bytes));
}

static void
append_bytes(GByteArray *buffer, gsize n, ...)
{
	va_list args;

	va_start(args, n);
	for (gsize i = 0; i < n; i++) {
		guint8 byte = (guint8)va_arg(args, guint);
		g_byte_array_append(buffer, &byte, 1);
	}
	va_end(args);
}

static void
ub_sim_usb_append_interface(UbSimUsb *self, GByteArray *buffer, guint8 number, guint8 n_endpoints,
			    guint8 class_code, guint8 subclass, guint8 protocol, guint8 string)
{
	append_bytes(buffer, 9, 9, USB_DT_INTERFACE, number, 0, n_endpoints, class_code, subclass,
		     protocol, string);
	self->n_interfaces++;
}

static void
ub_sim_usb_append_endpoint(UbSimUsb *self, GByteArray *buffer, guint8 address, guint8 attributes,
			   guint16 max_packet, guint8 interval)
{
	append_bytes(buffer, 4, 7, USB_DT_ENDPOINT, address, attributes);
	append_u16(buffer, max_packet);
	append_bytes(buffer, 1, interval);
	if (self->n_endpoints < G_N_ELEMENTS(self->endpoints)) {
		self->endpoints[self->n_endpoints] = address;
		self->endpoint_mps[self->n_endpoints] = max_packet;
		self->n_endpoints++;
	}
}

/* mass storage, then the CDC ACM pair behind an interface association (V2-1 and V3) */
static void
ub_sim_usb_append_msd_and_vcp(UbSimUsb *self, GByteArray *config, guint8 first_string)
{
	gboolean high_speed = self->layout == UB_SIM_USB_LAYOUT_V3;
	guint16 mps = high_speed ? 512 : 64;

	ub_sim_usb_append_interface(self, config, 1, 2, USB_CLASS_MASS_STORAGE, 0x06, 0x50,
				    first_string);
	ub_sim_usb_append_endpoint(self, config, 0x83, USB_ENDPOINT_XFER_BULK, mps, 0);
	ub_sim_usb_append_endpoint(self, config, 0x03, USB_ENDPOINT_XFER_BULK, mps, 0);
	/* interface association: interfaces 2 and 3, CDC ACM */
	append_bytes(config, 8, 8, USB_DT_INTERFACE_ASSOCIATION, 2, 2, USB_CLASS_COMM, 0x02, 0x01,
		     first_string + 1);
	ub_sim_usb_append_interface(self, config, 2, 1, USB_CLASS_COMM, 0x02, 0x01,
				    first_string + 1);
	/* CDC header 1.10, call management, ACM, union (CDC 1.1 §5.2.3) */
	append_bytes(config, 5, 5, 0x24, 0x00, 0x10, 0x01);
	append_bytes(config, 5, 5, 0x24, 0x01, 0x00, 0x03);
	append_bytes(config, 4, 4, 0x24, 0x02, 0x06);
	append_bytes(config, 5, 5, 0x24, 0x06, 0x02, 0x03);
	ub_sim_usb_append_endpoint(self, config, 0x84, USB_ENDPOINT_XFER_INT, high_speed ? 10 : 2,
				   high_speed ? 16 : 255);
	ub_sim_usb_append_interface(self, config, 3, 2, USB_CLASS_CDC_DATA, 0, 0,
				    first_string + 2);
	ub_sim_usb_append_endpoint(self, config, 0x05, USB_ENDPOINT_XFER_BULK,
				   high_speed ? 512 : 8, 0);
	ub_sim_usb_append_endpoint(self, config, 0x85, USB_ENDPOINT_XFER_BULK,
				   high_speed ? 512 : 16, 0);
}

/* a CDC ACM function behind an interface association, as tinyusb's TUD_CDC_DESCRIPTOR lays it
 * out (CDC 1.2 §5.2.3): header, call management, ACM (bmCapabilities @acm_caps), union */
static void
ub_sim_usb_append_cdc(UbSimUsb *self, GByteArray *config, guint8 first, guint8 protocol,
		      guint8 string, guint8 notify_ep, guint16 notify_mps, guint8 interval,
		      guint8 data_out, guint8 data_in, guint16 data_mps, guint8 acm_caps)
{
	append_bytes(config, 8, 8, USB_DT_INTERFACE_ASSOCIATION, first, 2, USB_CLASS_COMM, 0x02,
		     protocol, 0);
	ub_sim_usb_append_interface(self, config, first, 1, USB_CLASS_COMM, 0x02, protocol,
				    string);
	append_bytes(config, 5, 5, 0x24, 0x00, 0x20, 0x01);
	append_bytes(config, 5, 5, 0x24, 0x01, 0x00, first + 1);
	append_bytes(config, 4, 4, 0x24, 0x02, acm_caps);
	append_bytes(config, 5, 5, 0x24, 0x06, first, first + 1);
	ub_sim_usb_append_endpoint(self, config, notify_ep, USB_ENDPOINT_XFER_INT, notify_mps,
				   interval);
	ub_sim_usb_append_interface(self, config, first + 1, 2, USB_CLASS_CDC_DATA, 0, 0, string);
	ub_sim_usb_append_endpoint(self, config, data_out, USB_ENDPOINT_XFER_BULK, data_mps, 0);
	ub_sim_usb_append_endpoint(self, config, data_in, USB_ENDPOINT_XFER_BULK, data_mps, 0);
}

/* debugprobe 2.3.1 usb_descriptors.c: the probe is interface 0 ("Old versions of Keil MDK
 * only look at interface 0"), OUT endpoint first; the CDC ACM UART after it; 98 bytes */
static void
ub_sim_usb_build_debugprobe(UbSimUsb *self, const UbSimUsbIdentity *identity, GByteArray *config)
{
	g_ptr_array_add(self->strings, g_strdup("CMSIS-DAP v1 Interface")); /* 4 */
	g_ptr_array_add(self->strings, g_strdup(identity->interface_name));   /* 5 */
	g_ptr_array_add(self->strings, g_strdup("CDC-ACM UART Interface")); /* 6 */
	ub_sim_usb_append_interface(self, config, 0, 2, USB_CLASS_VENDOR_SPEC, 0, 0, 5);
	ub_sim_usb_append_endpoint(self, config, identity->endpoint_out, USB_ENDPOINT_XFER_BULK,
				   identity->max_packet, 0);
	ub_sim_usb_append_endpoint(self, config, identity->endpoint_in, USB_ENDPOINT_XFER_BULK,
				   identity->max_packet, 0);
	/* the firmware patches the ACM capabilities to 0x06 (line coding + break) */
	ub_sim_usb_append_cdc(self, config, 1, 0, 6, 0x81, 64, 16, 0x02, 0x83, 64, 0x06);
}

/* DAPLink lpc11u35_if (usb_config.c, usb_lib.c): interfaces numbered at run time in the order
 * MSC, CDC, (HID: not in this build), WebUSB, bulk; the bulk OUT endpoint comes first */
static void
ub_sim_usb_build_daplink(UbSimUsb *self, const UbSimUsbIdentity *identity, GByteArray *config)
{
	g_ptr_array_add(self->strings, g_strdup("USB_MSC"));		/* 4 */
	g_ptr_array_add(self->strings, g_strdup("mbed Serial Port"));	/* 5 */
	g_ptr_array_add(self->strings, g_strdup("WebUSB: CMSIS-DAP"));	/* 6 */
	g_ptr_array_add(self->strings, g_strdup(identity->interface_name)); /* 7 */
	ub_sim_usb_append_interface(self, config, 0, 2, USB_CLASS_MASS_STORAGE, 0x06, 0x50, 4);
	ub_sim_usb_append_endpoint(self, config, 0x82, USB_ENDPOINT_XFER_BULK, 64, 0);
	ub_sim_usb_append_endpoint(self, config, 0x02, USB_ENDPOINT_XFER_BULK, 64, 0);
	ub_sim_usb_append_cdc(self, config, 1, 0x01, 5, 0x83, 16, 32, 0x04, 0x84, 64, 0x02);
	/* WebUSB: a vendor interface without endpoints (subclass is the HID class code) */
	ub_sim_usb_append_interface(self, config, 3, 0, USB_CLASS_VENDOR_SPEC, 0x03, 0, 6);
	ub_sim_usb_append_interface(self, config, 4, 2, USB_CLASS_VENDOR_SPEC, 0, 0, 7);
	ub_sim_usb_append_endpoint(self, config, identity->endpoint_out, USB_ENDPOINT_XFER_BULK,
				   identity->max_packet, 0);
	ub_sim_usb_append_endpoint(self, config, identity->endpoint_in, USB_ENDPOINT_XFER_BULK,
				   identity->max_packet, 0);
}

/* a HID-only DAPLink (OpenOCD doc/usb_adapters/cmsis_dap/0d28_0204_nxp_daplink.txt, via
 * reference/cmsis-dap.md §1.2): MSC 0, CDC 1-2, HID 3 with interrupt endpoints and a report
 * descriptor of 64-byte input and output reports */
static void
ub_sim_usb_build_daplink_hid(UbSimUsb *self, const UbSimUsbIdentity *identity, GByteArray *config)
{
	g_ptr_array_add(self->strings, g_strdup("USB_MSC"));		/* 4 */
	g_ptr_array_add(self->strings, g_strdup("mbed Serial Port"));	/* 5 */
	g_ptr_array_add(self->strings, g_strdup(identity->interface_name)); /* 6 */
	ub_sim_usb_append_interface(self, config, 0, 2, USB_CLASS_MASS_STORAGE, 0x06, 0x50, 4);
	ub_sim_usb_append_endpoint(self, config, 0x82, USB_ENDPOINT_XFER_BULK, 64, 0);
	ub_sim_usb_append_endpoint(self, config, 0x02, USB_ENDPOINT_XFER_BULK, 64, 0);
	ub_sim_usb_append_cdc(self, config, 1, 0x01, 5, 0x83, 16, 32, 0x04, 0x84, 64, 0x02);
	ub_sim_usb_append_interface(self, config, 3, 2, USB_CLASS_HID, 0, 0, 6);
	/* HID 1.11 class descriptor: one report descriptor of 33 bytes */
	append_bytes(config, 9, 9, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 33, 0x00);
	ub_sim_usb_append_endpoint(self, config, identity->endpoint_in, USB_ENDPOINT_XFER_INT,
				   identity->max_packet, 1);
	ub_sim_usb_append_endpoint(self, config, identity->endpoint_out, USB_ENDPOINT_XFER_INT,
				   identity->max_packet, 1);
}

static void
ub_sim_usb_build_descriptors(UbSimUsb *self, const UbSimUsbIdentity *identity)
{
	g_autoptr(GByteArray) config = g_byte_array_new();
	guint8 device_class = 0, device_subclass = 0, device_protocol = 0;
	guint8 max_power = 50; /* 100 mA in 2 mA units */
	guint8 config_string = 0;
	guint16 trace_mps = identity->max_packet;

	g_ptr_array_add(self->strings, NULL); /* index 0 is the LANGID list */
	g_ptr_array_add(self->strings, g_strdup(identity->manufacturer));
	g_ptr_array_add(self->strings, g_strdup(identity->product));
	g_ptr_array_add(self->strings, g_strdup(identity->serial));

	/* configuration header, total length patched at the end */
	append_bytes(config, 9, 9, USB_DT_CONFIG, 0, 0, 0, 1, 0, USB_CONFIG_ATT_ONE, 0);

	switch (self->layout) {
	case UB_SIM_USB_LAYOUT_DEBUGPROBE:
		ub_sim_usb_build_debugprobe(self, identity, config);
		break;
	case UB_SIM_USB_LAYOUT_DAPLINK:
	case UB_SIM_USB_LAYOUT_DAPLINK_HID:
		device_class = USB_CLASS_MISC;
		device_subclass = 0x02;
		device_protocol = 0x01;
		max_power = 0xFA;
		if (self->layout == UB_SIM_USB_LAYOUT_DAPLINK)
			ub_sim_usb_build_daplink(self, identity, config);
		else
			ub_sim_usb_build_daplink_hid(self, identity, config);
		break;
	case UB_SIM_USB_LAYOUT_V2:
		g_ptr_array_add(self->strings, g_strdup("ST Link"));
		ub_sim_usb_append_interface(self, config, 0, 3, USB_CLASS_VENDOR_SPEC, 0xff, 0xff,
					    4);
		break;
	case UB_SIM_USB_LAYOUT_V2_1:
		device_class = USB_CLASS_MISC;
		device_subclass = 0x02;
		device_protocol = 0x01;
		trace_mps = 32;
		g_ptr_array_add(self->strings, g_strdup("ST-Link Debug"));
		ub_sim_usb_append_interface(self, config, 0, 3, USB_CLASS_VENDOR_SPEC, 0xff, 0xff,
					    4);
		break;
	case UB_SIM_USB_LAYOUT_V3:
	default:
		device_class = USB_CLASS_MISC;
		device_subclass = 0x02;
		device_protocol = 0x01;
		max_power = 250;
		config_string = 4;
		g_ptr_array_add(self->strings, g_strdup("Default Config"));
		g_ptr_array_add(self->strings, g_strdup("ST-Link Debug"));
		ub_sim_usb_append_interface(self, config, 0, 3, USB_CLASS_VENDOR_SPEC, 0xff, 0xff,
					    5);
		break;
	}
	if (self->layout <= UB_SIM_USB_LAYOUT_V3) {
		ub_sim_usb_append_endpoint(self, config, identity->endpoint_in,
					   USB_ENDPOINT_XFER_BULK, identity->max_packet, 0);
		ub_sim_usb_append_endpoint(self, config, identity->endpoint_out,
					   USB_ENDPOINT_XFER_BULK, identity->max_packet, 0);
		ub_sim_usb_append_endpoint(self, config, identity->endpoint_trace,
					   USB_ENDPOINT_XFER_BULK, trace_mps, 0);
	}
	if (self->layout == UB_SIM_USB_LAYOUT_V2_1 || self->layout == UB_SIM_USB_LAYOUT_V3) {
		guint8 first = self->strings->len;
		g_ptr_array_add(self->strings, g_strdup("ST-Link mass storage"));
		g_ptr_array_add(self->strings, g_strdup("ST-Link VCP Ctrl"));
		g_ptr_array_add(self->strings, g_strdup("ST-Link VCP Data"));
		ub_sim_usb_append_msd_and_vcp(self, config, first);
	}
	config->data[2] = config->len & 0xff;
	config->data[3] = config->len >> 8;
	config->data[4] = self->n_interfaces;
	config->data[6] = config_string;
	config->data[8] = max_power;

	/* device descriptor (USB 2.0 §9.6.1) */
	append_bytes(self->descriptors, 2, USB_DT_DEVICE_SIZE, USB_DT_DEVICE);
	append_u16(self->descriptors, self->bcd_usb);
	append_bytes(self->descriptors, 4, device_class, device_subclass, device_protocol,
		     self->max_packet0);
	append_u16(self->descriptors, self->vendor_id);
	append_u16(self->descriptors, self->product_id);
	append_u16(self->descriptors, self->bcd_device);
	append_bytes(self->descriptors, 4, 1, 2, 3, 1);
	g_byte_array_append(self->descriptors, config->data, config->len);
}

static gboolean
ub_sim_usb_has_endpoint(UbSimUsb *self, guint8 address, guint16 *max_packet)
{
	for (guint i = 0; i < self->n_endpoints; i++) {
		if (self->endpoints[i] == address) {
			if (max_packet != NULL)
				*max_packet = self->endpoint_mps[i];
			return TRUE;
		}
	}
	return FALSE;
}

/* the string descriptor: bLength and bDescriptorType then UTF-16LE (USB 2.0 §9.6.7) */
static GByteArray *
ub_sim_usb_string_descriptor(UbSimUsb *self, guint index)
{
	GByteArray *buffer;
	const gchar *text;
	g_autofree gunichar2 *utf16 = NULL;
	glong n_units = 0;

	if (index == 0) {
		buffer = g_byte_array_new();
		append_bytes(buffer, 2, 4, USB_DT_STRING);
		append_u16(buffer, 0x0409);
		return buffer;
	}
	if (index >= self->strings->len)
		return NULL;
	text = g_ptr_array_index(self->strings, index);
	if (text == NULL)
		return NULL;
	utf16 = g_utf8_to_utf16(text, -1, NULL, &n_units, NULL);
	if (utf16 == NULL || n_units > 126)
		return NULL;
	buffer = g_byte_array_new();
	append_bytes(buffer, 2, 2 + 2 * n_units, USB_DT_STRING);
	for (glong i = 0; i < n_units; i++)
		append_u16(buffer, utf16[i]);
	return buffer;
}

/* endpoint 0: the standard requests a USB 2.0 device answers (§9.4); anything else stalls.
 * Returns the reply length for IN requests, 0 for OUT, -EPIPE for a stall. */
static gint
ub_sim_usb_control(UbSimUsb *self, const struct usb_ctrlrequest *setup, guint8 *data,
		   gsize data_len)
{
	g_autoptr(GByteArray) reply = NULL;
	guint16 value = GUINT16_FROM_LE(setup->wValue);
	guint16 length = GUINT16_FROM_LE(setup->wLength);
	guint config_len;

	switch (setup->bRequestType) {
	case USB_DIR_IN | USB_TYPE_STANDARD | USB_RECIP_DEVICE:
		reply = g_byte_array_new();
		switch (setup->bRequest) {
		case USB_REQ_GET_DESCRIPTOR:
			g_clear_pointer(&reply, g_byte_array_unref);
			switch (value >> 8) {
			case USB_DT_DEVICE:
				reply = g_byte_array_new();
				g_byte_array_append(reply, self->descriptors->data,
						    USB_DT_DEVICE_SIZE);
				break;
			case USB_DT_CONFIG:
				if ((value & 0xff) != 0)
					return -EPIPE;
				reply = g_byte_array_new();
				config_len = self->descriptors->len - USB_DT_DEVICE_SIZE;
				g_byte_array_append(reply,
						    self->descriptors->data + USB_DT_DEVICE_SIZE,
						    config_len);
				break;
			case USB_DT_STRING:
				reply = ub_sim_usb_string_descriptor(self, value & 0xff);
				break;
			case USB_DT_DEVICE_QUALIFIER:
				/* only a high-speed capable device has one (§9.6.2) */
				if (self->speed_mbps < 480)
					return -EPIPE;
				reply = g_byte_array_new();
				append_bytes(reply, 2, 10, USB_DT_DEVICE_QUALIFIER);
				append_u16(reply, 0x0200);
				append_bytes(reply, 6, 0, 0, 0, 64, 0, 0);
				break;
			default:
				return -EPIPE;
			}
			if (reply == NULL)
				return -EPIPE;
			break;
		case USB_REQ_GET_STATUS:
			append_u16(reply, 0); /* bus powered, no remote wake-up */
			break;
		case USB_REQ_GET_CONFIGURATION:
			append_bytes(reply, 1, self->configuration);
			break;
		default:
			return -EPIPE;
		}
		break;
	case USB_DIR_IN | USB_TYPE_STANDARD | USB_RECIP_INTERFACE:
	case USB_DIR_IN | USB_TYPE_STANDARD | USB_RECIP_ENDPOINT:
		if (setup->bRequest != USB_REQ_GET_STATUS)
			return -EPIPE;
		reply = g_byte_array_new();
		append_u16(reply, 0);
		break;
	case USB_DIR_OUT | USB_TYPE_STANDARD | USB_RECIP_DEVICE:
		if (setup->bRequest == USB_REQ_SET_CONFIGURATION && value <= 1) {
			self->configuration = value;
			return 0;
		}
		return -EPIPE;
	case USB_DIR_OUT | USB_TYPE_STANDARD | USB_RECIP_INTERFACE:
		return setup->bRequest == USB_REQ_SET_INTERFACE && value == 0 ? 0 : -EPIPE;
	case USB_DIR_OUT | USB_TYPE_STANDARD | USB_RECIP_ENDPOINT:
		return setup->bRequest == USB_REQ_CLEAR_FEATURE ? 0 : -EPIPE;
	default:
		return -EPIPE;
	}

	/* a short read keeps the descriptor's own bLength: the host sees how long it is */
	length = MIN(length, data_len);
	length = MIN(length, reply->len);
	memcpy(data, reply->data, length);
	return length;
}

/* URB bookkeeping (lock held) */

static gboolean
ub_sim_usb_client_is_current(UbSimUsb *self, UMockdevIoctlClient *client)
{
	guint generation = GPOINTER_TO_UINT(
	    g_object_get_data(G_OBJECT(client), UB_SIM_USB_CLIENT_GENERATION));
	return self->plugged && generation == self->generation;
}

static UbSimUsbUrb *
ub_sim_usb_take_finished(UbSimUsb *self, UMockdevIoctlClient *client)
{
	for (GList *l = self->finished.head; l != NULL; l = l->next) {
		UbSimUsbUrb *urb = l->data;
		if (urb->client == client) {
			g_queue_delete_link(&self->finished, l);
			return urb;
		}
	}
	return NULL;
}

/* hands a finished URB back through the pointer the client passed to REAPURB */
static void
ub_sim_usb_complete_reap(UMockdevIoctlClient *client, UMockdevIoctlData *arg, UbSimUsbUrb *urb)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(UMockdevIoctlData) pointer = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *),
									   &error);

	if (pointer == NULL) {
		g_warning("cannot resolve the REAPURB argument: %s",
			  error != NULL ? error->message : "null pointer");
		umockdev_ioctl_client_complete(client, -1, EFAULT);
		ub_sim_usb_urb_free(urb);
		return;
	}
	umockdev_ioctl_data_set_ptr(pointer, 0, urb->urb_data);
	umockdev_ioctl_client_complete(client, 0, 0);
	ub_sim_usb_urb_free(urb);
}

static void
ub_sim_usb_wake_reapers(UbSimUsb *self)
{
	GList *l = self->reapers.head;

	while (l != NULL) {
		UbSimUsbReaper *reaper = l->data;
		GList *next = l->next;
		UbSimUsbUrb *urb = ub_sim_usb_take_finished(self, reaper->client);

		if (urb != NULL) {
			ub_sim_usb_complete_reap(reaper->client, reaper->arg, urb);
		} else if (!ub_sim_usb_client_is_current(self, reaper->client)) {
			umockdev_ioctl_client_complete(reaper->client, -1, ENODEV);
		} else {
			l = next;
			continue;
		}
		g_queue_delete_link(&self->reapers, l);
		ub_sim_usb_reaper_free(reaper);
		l = next;
	}
}

/* collect IN data for one URB; TRUE when the transfer is complete (full or short packet) */
static gboolean
ub_sim_usb_fill_in(UbSimUsb *self, UbSimUsbUrb *urb)
{
	struct usbdevfs_urb *u = ub_sim_usb_urb_get(urb);
	gsize length = u->buffer_length > 0 ? (gsize)u->buffer_length : 0;
	guint16 max_packet = 64;
	gboolean short_packet = FALSE;

	if (length == 0 || urb->buffer_data == NULL) {
		u->status = 0;
		u->actual_length = 0;
		return TRUE;
	}
	ub_sim_usb_has_endpoint(self, u->endpoint, &max_packet);
	while (urb->done < length) {
		gssize n = self->firmware.bulk_in(self->firmware_data, u->endpoint,
						   urb->buffer_data->data + urb->done,
						   length - urb->done);
		if (n == UB_SIM_USB_IN_BABBLE) {
			/* the device sent more than the transfer had room for (USB 2.0 §8.7.4):
			 * the host controller fails it with -EOVERFLOW */
			u->status = -EOVERFLOW;
			u->actual_length = urb->done;
			return TRUE;
		}
		if (n < 0)
			break;
		urb->done += MIN((gsize)n, length - urb->done);
		/* a packet shorter than wMaxPacketSize ends the transfer (USB 2.0 §5.8.3) */
		if (n == 0 || n % max_packet != 0) {
			short_packet = TRUE;
			break;
		}
	}
	if (urb->done < length && !short_packet)
		return FALSE;
	u->status = 0;
	u->actual_length = urb->done;
	return TRUE;
}

/* offer an OUT URB to the probe; FALSE while it NAKs (its buffers are full) */
static gboolean
ub_sim_usb_push_out(UbSimUsb *self, UbSimUsbUrb *urb)
{
	struct usbdevfs_urb *u = ub_sim_usb_urb_get(urb);

	if (u->buffer_length > 0 &&
	    !self->firmware.bulk_out(self->firmware_data, u->endpoint, urb->buffer_data->data,
				     u->buffer_length))
		return FALSE;
	u->status = 0;
	u->actual_length = u->buffer_length;
	return TRUE;
}

/* give every waiting transfer what the probe has (IN) or takes (OUT) now, oldest first per
 * endpoint; an IN that empties a probe buffer can let a NAKed OUT through, so go round again
 * while anything moved */
static void
ub_sim_usb_service_pending(UbSimUsb *self)
{
	gboolean progress = TRUE;

	while (progress) {
		guint32 stalled = 0; /* endpoints whose oldest transfer is still waiting */
		GList *l = self->pending.head;

		progress = FALSE;
		while (l != NULL) {
			UbSimUsbUrb *urb = l->data;
			GList *next = l->next;
			guint8 endpoint = ub_sim_usb_urb_get(urb)->endpoint;
			gboolean in = (endpoint & USB_DIR_IN) != 0;
			guint32 bit = 1u << ((endpoint & 0x0f) + (in ? 16 : 0));

			if ((stalled & bit) == 0) {
				if (in ? ub_sim_usb_fill_in(self, urb) : ub_sim_usb_push_out(self, urb)) {
					g_queue_delete_link(&self->pending, l);
					g_queue_push_tail(&self->finished, urb);
					progress = TRUE;
				} else {
					stalled |= bit;
				}
			}
			l = next;
		}
	}
	ub_sim_usb_wake_reapers(self);
}

/* is an older transfer on this endpoint still waiting? (transfers complete in order) */
static gboolean
ub_sim_usb_endpoint_busy(UbSimUsb *self, guint8 endpoint)
{
	for (GList *l = self->pending.head; l != NULL; l = l->next) {
		if (ub_sim_usb_urb_get(l->data)->endpoint == endpoint)
			return TRUE;
	}
	return FALSE;
}

/* the device went away: the host controller gives every URB back with -ESHUTDOWN */
static void
ub_sim_usb_kill_pending(UbSimUsb *self)
{
	UbSimUsbUrb *urb;

	while ((urb = g_queue_pop_head(&self->pending)) != NULL) {
		struct usbdevfs_urb *u = ub_sim_usb_urb_get(urb);
		u->status = -ESHUTDOWN;
		u->actual_length = urb->done;
		g_queue_push_tail(&self->finished, urb);
	}
	ub_sim_usb_wake_reapers(self);
}

static void
ub_sim_usb_forget_client(UbSimUsb *self, UMockdevIoctlClient *client)
{
	GQueue *queues[] = {&self->pending, &self->finished};

	for (guint i = 0; i < G_N_ELEMENTS(queues); i++) {
		GList *l = queues[i]->head;
		while (l != NULL) {
			GList *next = l->next;
			UbSimUsbUrb *urb = l->data;
			if (urb->client == client) {
				g_queue_delete_link(queues[i], l);
				ub_sim_usb_urb_free(urb);
			}
			l = next;
		}
	}
	for (GList *l = self->reapers.head; l != NULL;) {
		GList *next = l->next;
		UbSimUsbReaper *reaper = l->data;
		if (reaper->client == client) {
			g_queue_delete_link(&self->reapers, l);
			ub_sim_usb_reaper_free(reaper);
		}
		l = next;
	}
}

/* ioctls (worker thread) */

static void
ub_sim_usb_submit(UbSimUsb *self, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(UMockdevIoctlData) urb_data = NULL;
	UbSimUsbUrb *urb;
	struct usbdevfs_urb *u;
	gboolean in;

	urb_data = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), &error);
	if (urb_data == NULL) {
		umockdev_ioctl_client_complete(client, -1, EFAULT);
		return;
	}
	u = (struct usbdevfs_urb *)urb_data->data;
	in = (u->endpoint & USB_DIR_IN) != 0;
	if (u->buffer_length < 0 ||
	    ((u->endpoint & 0x7f) != 0 && !ub_sim_usb_has_endpoint(self, u->endpoint, NULL))) {
		umockdev_ioctl_client_complete(client, -1, ENOENT);
		return;
	}
	if (u->type == USBDEVFS_URB_TYPE_ISO ||
	    (u->type == USBDEVFS_URB_TYPE_CONTROL) != ((u->endpoint & 0x7f) == 0)) {
		umockdev_ioctl_client_complete(client, -1, EINVAL);
		return;
	}

	urb = g_new0(UbSimUsbUrb, 1);
	urb->client = g_object_ref(client);
	urb->urb_data = g_object_ref(urb_data);
	if (u->buffer_length > 0) {
		urb->buffer_data = umockdev_ioctl_data_resolve(
		    urb_data, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer), u->buffer_length,
		    &error);
		if (urb->buffer_data == NULL) {
			ub_sim_usb_urb_free(urb);
			umockdev_ioctl_client_complete(client, -1, EFAULT);
			return;
		}
	}
	/* the local copy is reached through buffer_data from here on */
	u = ub_sim_usb_urb_get(urb);

	if (u->type == USBDEVFS_URB_TYPE_CONTROL) {
		struct usb_ctrlrequest setup;
		gint ret;

		if (u->buffer_length < (gint)sizeof(setup)) {
			ub_sim_usb_urb_free(urb);
			umockdev_ioctl_client_complete(client, -1, EINVAL);
			return;
		}
		memcpy(&setup, urb->buffer_data->data, sizeof(setup));
		ret = ub_sim_usb_control(self, &setup, urb->buffer_data->data + sizeof(setup),
					 u->buffer_length - sizeof(setup));
		u->status = ret < 0 ? ret : 0;
		u->actual_length = ret < 0 ? 0 : ret;
		g_queue_push_tail(&self->finished, urb);
	} else if (in || ub_sim_usb_endpoint_busy(self, u->endpoint) ||
		   !ub_sim_usb_push_out(self, urb)) {
		/* an IN waits for data, a NAKed OUT for room in the probe */
		g_queue_push_tail(&self->pending, urb);
	} else {
		g_queue_push_tail(&self->finished, urb);
	}
	umockdev_ioctl_client_complete(client, 0, 0);
	ub_sim_usb_service_pending(self);
}

static void
ub_sim_usb_reap(UbSimUsb *self, UMockdevIoctlClient *client, UMockdevIoctlData *arg,
		gboolean block)
{
	UbSimUsbUrb *urb;
	UbSimUsbReaper *reaper;

	ub_sim_usb_service_pending(self);
	urb = ub_sim_usb_take_finished(self, client);
	if (urb != NULL) {
		ub_sim_usb_complete_reap(client, arg, urb);
		return;
	}
	/* reaping is allowed after a disconnect, until nothing is left (devio.c) */
	if (!ub_sim_usb_client_is_current(self, client)) {
		g_atomic_int_inc(&self->refused);
		umockdev_ioctl_client_complete(client, -1, ENODEV);
		return;
	}
	if (!block) {
		umockdev_ioctl_client_complete(client, -1, EAGAIN);
		return;
	}
	reaper = g_new0(UbSimUsbReaper, 1);
	reaper->client = g_object_ref(client);
	reaper->arg = g_object_ref(arg);
	g_queue_push_tail(&self->reapers, reaper);
}

static void
ub_sim_usb_discard(UbSimUsb *self, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
	gulong address = *(gulong *)arg->data;

	for (GList *l = self->pending.head; l != NULL; l = l->next) {
		UbSimUsbUrb *urb = l->data;
		if (urb->client == client && urb->urb_data->client_addr == address) {
			struct usbdevfs_urb *u = ub_sim_usb_urb_get(urb);
			u->status = -ENOENT;
			u->actual_length = urb->done;
			g_queue_delete_link(&self->pending, l);
			g_queue_push_tail(&self->finished, urb);
			umockdev_ioctl_client_complete(client, 0, 0);
			ub_sim_usb_wake_reapers(self);
			return;
		}
	}
	/* already finished or unknown: the kernel says EINVAL and the URB reaps normally */
	umockdev_ioctl_client_complete(client, -1, EINVAL);
}

static void
ub_sim_usb_write_u32(UMockdevIoctlClient *client, UMockdevIoctlData *arg, guint32 value)
{
	g_autoptr(UMockdevIoctlData) data = umockdev_ioctl_data_resolve(arg, 0, sizeof(value),
									NULL);
	if (data == NULL) {
		umockdev_ioctl_client_complete(client, -1, EFAULT);
		return;
	}
	memcpy(data->data, &value, sizeof(value));
	umockdev_ioctl_client_complete(client, 0, 0);
}

static gboolean
ub_sim_usb_handle_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *client)
{
	UbSimUsb *self = UB_SIM_USB(base);
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	gulong request = umockdev_ioctl_client_get_request(client);

	if (request == USBDEVFS_REAPURB || request == USBDEVFS_REAPURBNDELAY) {
		ub_sim_usb_reap(self, client, arg, request == USBDEVFS_REAPURB);
		return TRUE;
	}
	if (!ub_sim_usb_client_is_current(self, client)) {
		g_atomic_int_inc(&self->refused);
		umockdev_ioctl_client_complete(client, -1, ENODEV);
		return TRUE;
	}

	switch (request) {
	case USBDEVFS_GET_CAPABILITIES:
		ub_sim_usb_write_u32(client, arg, UB_SIM_USB_CAPABILITIES);
		break;
	case USBDEVFS_CLAIMINTERFACE:
	case USBDEVFS_RELEASEINTERFACE: {
		g_autoptr(UMockdevIoctlData) data =
		    umockdev_ioctl_data_resolve(arg, 0, sizeof(guint), NULL);
		if (data == NULL)
			umockdev_ioctl_client_complete(client, -1, EFAULT);
		else if (*(guint *)data->data >= self->n_interfaces)
			umockdev_ioctl_client_complete(client, -1, ENOENT);
		else
			umockdev_ioctl_client_complete(client, 0, 0);
		break;
	}
	case USBDEVFS_SETCONFIGURATION: {
		g_autoptr(UMockdevIoctlData) data =
		    umockdev_ioctl_data_resolve(arg, 0, sizeof(gint), NULL);
		gint value = data != NULL ? *(gint *)data->data : -2;
		if (value < -1 || value > 1) {
			umockdev_ioctl_client_complete(client, -1, EINVAL);
		} else {
			self->configuration = value == 1 ? 1 : 0;
			umockdev_ioctl_client_complete(client, 0, 0);
		}
		break;
	}
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESETEP:
		umockdev_ioctl_client_complete(client, 0, 0);
		break;
	case USBDEVFS_RESET:
		if (self->firmware.bus_reset != NULL)
			self->firmware.bus_reset(self->firmware_data);
		umockdev_ioctl_client_complete(client, 0, 0);
		break;
	case USBDEVFS_GETDRIVER:
	case USBDEVFS_IOCTL:
		/* no kernel driver is bound to the debug interface */
		umockdev_ioctl_client_complete(client, -1, ENODATA);
		break;
	case USBDEVFS_CONNECTINFO: {
		g_autoptr(UMockdevIoctlData) data =
		    umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_connectinfo), NULL);
		if (data == NULL) {
			umockdev_ioctl_client_complete(client, -1, EFAULT);
		} else {
			struct usbdevfs_connectinfo *info = (gpointer)data->data;
			info->devnum = self->devnum;
			info->slow = 0;
			umockdev_ioctl_client_complete(client, 0, 0);
		}
		break;
	}
	case USBDEVFS_GET_SPEED:
		/* enum usb_device_speed: FULL 2, HIGH 3 */
		umockdev_ioctl_client_complete(client, self->speed_mbps >= 480 ? 3 : 2, 0);
		break;
	case USBDEVFS_SUBMITURB:
		ub_sim_usb_submit(self, client, arg);
		break;
	case USBDEVFS_DISCARDURB:
		ub_sim_usb_discard(self, client, arg);
		break;
	default:
		umockdev_ioctl_client_complete(client, -1, ENOTTY);
		break;
	}
	return TRUE;
}

static void
ub_sim_usb_client_notify_connected_cb(UMockdevIoctlClient *client, GParamSpec *pspec,
				      gpointer user_data)
{
	UbSimUsb *self = UB_SIM_USB(user_data);
	g_autoptr(GMutexLocker) locker = NULL;

	if (umockdev_ioctl_client_get_connected(client))
		return;
	locker = g_mutex_locker_new(&self->mutex);
	ub_sim_usb_forget_client(self, client);
}

static void
ub_sim_usb_client_connected(UMockdevIoctlBase *base, UMockdevIoctlClient *client)
{
	UbSimUsb *self = UB_SIM_USB(base);
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);

	g_object_set_data(G_OBJECT(client), UB_SIM_USB_CLIENT_GENERATION,
			  GUINT_TO_POINTER(self->generation));
	g_signal_connect_object(client, "notify::connected",
				G_CALLBACK(ub_sim_usb_client_notify_connected_cb), self, 0);
}

/* public */

GBytes *
ub_sim_usb_get_descriptors(UbSimUsb *self)
{
	g_return_val_if_fail(UB_IS_SIM_USB(self), NULL);
	return g_bytes_new(self->descriptors->data, self->descriptors->len);
}

static void
append_attribute(GString *record, const gchar *name, const gchar *value)
{
	g_autofree gchar *escaped = g_strescape(value != NULL ? value : "", NULL);
	/* sysfs attributes end with a newline; umockdev unescapes "\n" */
	g_string_append_printf(record, "A: %s=%s\\n\n", name, escaped);
}

gchar *
ub_sim_usb_build_record(UbSimUsb *self)
{
	GString *record = g_string_new(NULL);
	g_autofree gchar *number = NULL;
	const guint8 *device = self->descriptors->data;
	guint minor;

	g_return_val_if_fail(UB_IS_SIM_USB(self), NULL);

	minor = (UB_SIM_USB_BUS - 1) * 128 + self->devnum - 1;
	g_string_append_printf(record, "P: %s\n", UB_SIM_USB_SYSPATH + strlen("/sys"));
	g_string_append_printf(record, "N: bus/usb/%03u/%03u\n", UB_SIM_USB_BUS, self->devnum);
	g_string_append_printf(record, "E: DEVNAME=/dev/bus/usb/%03u/%03u\n", UB_SIM_USB_BUS,
			       self->devnum);
	g_string_append(record, "E: DEVTYPE=usb_device\n");
	g_string_append(record, "E: DRIVER=usb\n");
	g_string_append_printf(record, "E: PRODUCT=%x/%x/%x\n", self->vendor_id, self->product_id,
			       self->bcd_device);
	g_string_append_printf(record, "E: TYPE=%u/%u/%u\n", device[4], device[5], device[6]);
	g_string_append_printf(record, "E: BUSNUM=%03u\n", UB_SIM_USB_BUS);
	g_string_append_printf(record, "E: DEVNUM=%03u\n", self->devnum);
	g_string_append_printf(record, "E: MAJOR=%u\n", UB_SIM_USB_MAJOR);
	g_string_append_printf(record, "E: MINOR=%u\n", minor);
	g_string_append(record, "E: SUBSYSTEM=usb\n");
	g_string_append_printf(record, "E: ID_VENDOR_ID=%04x\n", self->vendor_id);
	g_string_append_printf(record, "E: ID_MODEL_ID=%04x\n", self->product_id);
	g_string_append_printf(record, "E: ID_SERIAL_SHORT=%s\n",
			       (const gchar *)g_ptr_array_index(self->strings, 3));

	append_attribute(record, "authorized", "1");
	append_attribute(record, "bConfigurationValue", self->configuration != 0 ? "1" : "");
	number = g_strdup_printf("%02x", device[4]);
	append_attribute(record, "bDeviceClass", number);
	g_free(number);
	number = g_strdup_printf("%02x", device[5]);
	append_attribute(record, "bDeviceSubClass", number);
	g_free(number);
	number = g_strdup_printf("%02x", device[6]);
	append_attribute(record, "bDeviceProtocol", number);
	g_free(number);
	number = g_strdup_printf("%u", self->max_packet0);
	append_attribute(record, "bMaxPacketSize0", number);
	g_free(number);
	append_attribute(record, "bNumConfigurations", "1");
	number = g_strdup_printf("%2u", self->n_interfaces);
	append_attribute(record, "bNumInterfaces", number);
	g_free(number);
	number = g_strdup_printf("%04x", self->bcd_device);
	append_attribute(record, "bcdDevice", number);
	g_free(number);
	append_attribute(record, "bmAttributes", "80");
	number = g_strdup_printf("%umA", self->descriptors->data[USB_DT_DEVICE_SIZE + 8] * 2u);
	append_attribute(record, "bMaxPower", number);
	g_free(number);
	number = g_strdup_printf("%u", UB_SIM_USB_BUS);
	append_attribute(record, "busnum", number);
	g_free(number);
	number = g_strdup_printf("%u", self->devnum);
	append_attribute(record, "devnum", number);
	g_free(number);
	append_attribute(record, "devpath", "1");
	number = g_strdup_printf("%04x", self->product_id);
	append_attribute(record, "idProduct", number);
	g_free(number);
	number = g_strdup_printf("%04x", self->vendor_id);
	append_attribute(record, "idVendor", number);
	g_free(number);
	append_attribute(record, "manufacturer", g_ptr_array_index(self->strings, 1));
	append_attribute(record, "maxchild", "0");
	append_attribute(record, "product", g_ptr_array_index(self->strings, 2));
	append_attribute(record, "serial", g_ptr_array_index(self->strings, 3));
	number = g_strdup_printf("%u", self->speed_mbps);
	append_attribute(record, "speed", number);
	g_free(number);
	number = g_strdup_printf("%2x.%02x", (guint)self->bcd_usb >> 8, (guint)self->bcd_usb & 0xffu);
	append_attribute(record, "version", number);
	/* no newline: umockdev names the /sys/dev/char link after this value */
	g_string_append_printf(record, "A: dev=%u:%u\n", UB_SIM_USB_MAJOR, minor);

	g_string_append(record, "H: descriptors=");
	for (guint i = 0; i < self->descriptors->len; i++)
		g_string_append_printf(record, "%02X", self->descriptors->data[i]);
	g_string_append(record, "\n\n");
	return g_string_free(record, FALSE);
}

gboolean
ub_sim_usb_plug(UbSimUsb *self, UMockdevTestbed *testbed, GError **error)
{
	g_autofree gchar *record = NULL;
	gboolean replug;

	g_return_val_if_fail(UB_IS_SIM_USB(self), FALSE);
	g_return_val_if_fail(UMOCKDEV_IS_TESTBED(testbed), FALSE);
	g_return_val_if_fail(!self->plugged, FALSE);

	g_mutex_lock(&self->mutex);
	replug = self->plug_count > 0;
	self->plug_count++;
	/* a new connection gets the next free address (USB 2.0 §9.1.2, the hub driver counts) */
	self->devnum = self->devnum + 1;
	self->configuration = 1;
	g_free(self->devnode);
	self->devnode = g_strdup_printf("/dev/bus/usb/%03u/%03u", UB_SIM_USB_BUS, self->devnum);
	if (replug && self->firmware.bus_reset != NULL)
		self->firmware.bus_reset(self->firmware_data);
	record = ub_sim_usb_build_record(self);
	self->plugged = TRUE;
	g_mutex_unlock(&self->mutex);

	/* the ioctl socket first: add_from_string() sends the "add" uevent (in the mock
	 * environment), and a client that opens the node before the socket exists would be
	 * connected to umockdev's default handler instead */
	if (!umockdev_testbed_attach_ioctl(testbed, self->devnode, UMOCKDEV_IOCTL_BASE(self),
					   error))
		return FALSE;
	return umockdev_testbed_add_from_string(testbed, record, error);
}

guint
ub_sim_usb_get_refused(UbSimUsb *self)
{
	g_return_val_if_fail(UB_IS_SIM_USB(self), 0);
	/* atomic: the launcher reads it while it may hold the lock for its report */
	return (guint)g_atomic_int_get(&self->refused);
}

void
ub_sim_usb_unplug(UbSimUsb *self, UMockdevTestbed *testbed)
{
	g_autoptr(GError) error = NULL;

	g_return_if_fail(UB_IS_SIM_USB(self));
	g_return_if_fail(UMOCKDEV_IS_TESTBED(testbed));

	if (!self->plugged)
		return;
	g_mutex_lock(&self->mutex);
	self->plugged = FALSE;
	self->generation++;
	ub_sim_usb_kill_pending(self);
	g_mutex_unlock(&self->mutex);

	/* the uevent carries the properties of the sysfs entry, so it goes first */
	umockdev_testbed_uevent(testbed, UB_SIM_USB_SYSPATH, "remove");
	if (!umockdev_testbed_detach_ioctl(testbed, self->devnode, &error))
		g_warning("cannot detach %s: %s", self->devnode, error->message);
	umockdev_testbed_remove_device(testbed, UB_SIM_USB_SYSPATH);
}

gboolean
ub_sim_usb_get_plugged(UbSimUsb *self)
{
	g_return_val_if_fail(UB_IS_SIM_USB(self), FALSE);
	return self->plugged;
}

const gchar *
ub_sim_usb_get_devnode(UbSimUsb *self)
{
	g_return_val_if_fail(UB_IS_SIM_USB(self), NULL);
	return self->devnode;
}

void
ub_sim_usb_lock(UbSimUsb *self)
{
	g_return_if_fail(UB_IS_SIM_USB(self));
	g_mutex_lock(&self->mutex);
}

void
ub_sim_usb_unlock(UbSimUsb *self)
{
	g_return_if_fail(UB_IS_SIM_USB(self));
	g_mutex_unlock(&self->mutex);
}

gchar *
ub_sim_usb_find_preload_library(void)
{
	const gchar *name = "libumockdev-preload.so.0";
	const gchar *dirs[] = {
#ifdef UB_UMOCKDEV_LIBDIR
	    UB_UMOCKDEV_LIBDIR,
#endif
	    "/usr/lib/x86_64-linux-gnu",
	    "/usr/lib/aarch64-linux-gnu",
	    "/usr/lib/arm-linux-gnueabihf",
	    "/usr/lib/riscv64-linux-gnu",
	    "/usr/lib64",
	    "/usr/lib",
	    "/usr/local/lib",
	};

	for (guint i = 0; i < G_N_ELEMENTS(dirs); i++) {
		g_autofree gchar *path = g_build_filename(dirs[i], name, NULL);
		if (g_file_test(path, G_FILE_TEST_EXISTS))
			return g_steal_pointer(&path);
	}
	/* let the dynamic loader search its own path */
	return g_strdup(name);
}

/* umockdev_in_mock_environment() only says so once $UMOCKDEV_DIR exists, which the testbed
 * creates: look for the library itself */
static gboolean
ub_sim_usb_preload_is_loaded(void)
{
	g_autofree gchar *maps = NULL;

	if (!g_file_get_contents("/proc/self/maps", &maps, NULL, NULL))
		return FALSE;
	return strstr(maps, "/libumockdev-preload.so") != NULL;
}

gboolean
ub_sim_usb_reexec_in_mock_environment(gchar **argv, GError **error)
{
	g_autofree gchar *preload = NULL;
	g_autofree gchar *self_path = NULL;
	g_autofree gchar *ld_preload = NULL;
	g_autofree gchar *asan_options = NULL;
	const gchar *old_preload = g_getenv("LD_PRELOAD");
	const gchar *old_asan = g_getenv("ASAN_OPTIONS");

	g_return_val_if_fail(argv != NULL, FALSE);

	if (ub_sim_usb_preload_is_loaded())
		return TRUE;
	if (g_getenv("UB_SIM_USB_REEXEC") != NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
			    "libumockdev-preload.so.0 did not load");
		return FALSE;
	}
	self_path = g_file_read_link("/proc/self/exe", error);
	if (self_path == NULL)
		return FALSE;
	preload = ub_sim_usb_find_preload_library();
	ld_preload = old_preload != NULL && old_preload[0] != '\0'
			 ? g_strdup_printf("%s:%s", preload, old_preload)
			 : g_strdup(preload);
	/* AddressSanitizer wants to be first in the list; umockdev must be first too */
	asan_options = old_asan != NULL && old_asan[0] != '\0'
			   ? g_strdup_printf("%s:verify_asan_link_order=0", old_asan)
			   : g_strdup("verify_asan_link_order=0");
	g_setenv("LD_PRELOAD", ld_preload, TRUE);
	g_setenv("ASAN_OPTIONS", asan_options, TRUE);
	g_setenv("UB_SIM_USB_REEXEC", "1", TRUE);
	execv(self_path, argv);
	g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "cannot run %s: %s",
		    self_path, g_strerror(errno));
	return FALSE;
}

static void
ub_sim_usb_finalize(GObject *object)
{
	UbSimUsb *self = UB_SIM_USB(object);

	g_queue_clear_full(&self->pending, (GDestroyNotify)ub_sim_usb_urb_free);
	g_queue_clear_full(&self->finished, (GDestroyNotify)ub_sim_usb_urb_free);
	g_queue_clear_full(&self->reapers, (GDestroyNotify)ub_sim_usb_reaper_free);
	g_byte_array_unref(self->descriptors);
	g_ptr_array_unref(self->strings);
	g_free(self->devnode);
	g_mutex_clear(&self->mutex);
	G_OBJECT_CLASS(ub_sim_usb_parent_class)->finalize(object);
}

static void
ub_sim_usb_class_init(UbSimUsbClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	UMockdevIoctlBaseClass *base_class = UMOCKDEV_IOCTL_BASE_CLASS(klass);

	object_class->finalize = ub_sim_usb_finalize;
	base_class->handle_ioctl = ub_sim_usb_handle_ioctl;
	base_class->client_connected = ub_sim_usb_client_connected;
}

static void
ub_sim_usb_init(UbSimUsb *self)
{
	g_mutex_init(&self->mutex);
	g_queue_init(&self->pending);
	g_queue_init(&self->finished);
	g_queue_init(&self->reapers);
	self->descriptors = g_byte_array_new();
	self->strings = g_ptr_array_new_with_free_func(g_free);
	self->devnum = 1; /* address 1 is the root hub */
}

UbSimUsb *
ub_sim_usb_new(const UbSimUsbIdentity *identity, const UbSimUsbFirmware *firmware,
	       gpointer user_data)
{
	UbSimUsb *self;

	g_return_val_if_fail(identity != NULL, NULL);
	g_return_val_if_fail(firmware != NULL, NULL);
	g_return_val_if_fail(firmware->bulk_out != NULL && firmware->bulk_in != NULL, NULL);

	self = g_object_new(UB_TYPE_SIM_USB, NULL);
	self->firmware = *firmware;
	self->firmware_data = user_data;
	self->vendor_id = identity->vendor_id;
	self->product_id = identity->product_id;
	self->bcd_device = identity->bcd_device;
	self->bcd_usb = identity->bcd_usb != 0 ? identity->bcd_usb : 0x0200;
	self->max_packet0 = identity->max_packet0 != 0 ? identity->max_packet0 : 64;
	self->max_packet = identity->max_packet;
	switch (identity->product_id) {
	case 0x3748:
		self->layout = UB_SIM_USB_LAYOUT_V2;
		break;
	case 0x374a:
	case 0x374b:
	case 0x3752:
		self->layout = UB_SIM_USB_LAYOUT_V2_1;
		break;
	default:
		self->layout = UB_SIM_USB_LAYOUT_V3;
		break;
	}
	if (identity->descriptors == UB_SIM_USB_DESCRIPTORS_DEBUGPROBE)
		self->layout = UB_SIM_USB_LAYOUT_DEBUGPROBE;
	else if (identity->descriptors == UB_SIM_USB_DESCRIPTORS_DAPLINK)
		self->layout = UB_SIM_USB_LAYOUT_DAPLINK;
	else if (identity->descriptors == UB_SIM_USB_DESCRIPTORS_DAPLINK_HID)
		self->layout = UB_SIM_USB_LAYOUT_DAPLINK_HID;
	self->speed_mbps = identity->max_packet >= 512 ? 480 : 12;
	ub_sim_usb_build_descriptors(self, identity);
	return self;
}
