/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimProbe: what every simulated probe firmware (UbSimStlink, UbSimCmsisDap) offers the host
 * side: its USB identity, bulk OUT and IN endpoints, a bus reset and what the traffic cost. The
 * in-process transport (UbTransportSim), the umockdev device of unbrick-sim and the bench
 * reports use only this, so a bench can carry any probe.
 *
 *   UbSimProbe *probe = ub_sim_board_get_probe(board);
 *   if (!ub_sim_probe_bulk_out(probe, 0x04, cmd, len))   (the probe NAKs: its buffers are full)
 *           …
 *   n = ub_sim_probe_bulk_in(probe, 0x85, reply, 64);   (-1: nothing to send yet)
 */
#pragma once

#include <glib-object.h>

#include "ub-sim-link.h"

G_BEGIN_DECLS

/* which descriptor set the USB device shows (ST-LINKs are told apart by product id) */
typedef enum {
	UB_SIM_USB_DESCRIPTORS_BY_ID,	   /* the ST-LINK layouts, chosen by product id */
	UB_SIM_USB_DESCRIPTORS_DEBUGPROBE, /* debugprobe: vendor bulk interface 0 + CDC */
	UB_SIM_USB_DESCRIPTORS_DAPLINK,	   /* DAPLink: MSC, CDC, WebUSB, vendor bulk */
	UB_SIM_USB_DESCRIPTORS_DAPLINK_HID, /* an older DAPLink: MSC, CDC, HID (CMSIS-DAP v1) */
} UbSimUsbDescriptors;

typedef struct {
	guint16 vendor_id;
	guint16 product_id;
	guint16 bcd_device;
	const char *manufacturer;
	const char *product;
	const char *serial;
	guint8 endpoint_out;
	guint8 endpoint_in;
	guint8 endpoint_trace; /* 0: none */
	guint16 max_packet;
	UbSimUsbDescriptors descriptors;
	const char *interface_name; /* the debug interface's string (CMSIS-DAP), or NULL */
	guint8 max_packet0;	    /* endpoint 0 (0 = 64) */
	guint16 bcd_usb;	    /* 0 = 0x0200 */
} UbSimUsbIdentity;

/* USB cost model: what the host spent on this probe */
typedef struct {
	guint64 round_trips; /* commands (each OUT + its IN or data phase) */
	guint64 bytes_out;
	guint64 bytes_in;
	guint64 usb_ns;	     /* modelled USB time */
	guint64 swd_ns;	     /* modelled SWD time */
	guint64 usb_frames;  /* frames in which the host had to start a new transfer phase */
	guint max_in_flight; /* most commands sent before their replies were read */
	guint64 naks;	     /* OUT packets refused because the probe's buffers were full */
} UbSimProbeStats;

#define UB_TYPE_SIM_PROBE (ub_sim_probe_get_type())
G_DECLARE_INTERFACE(UbSimProbe, ub_sim_probe, UB, SIM_PROBE, GObject)

struct _UbSimProbeInterface {
	GTypeInterface g_iface;
	const UbSimUsbIdentity *(*get_identity)(UbSimProbe *self);
	UbSimLink *(*get_link)(UbSimProbe *self);
	gboolean (*bulk_out)(UbSimProbe *self, guint8 endpoint, const guint8 *data, gsize len);
	gssize (*bulk_in)(UbSimProbe *self, guint8 endpoint, guint8 *buffer, gsize len);
	void (*usb_reset)(UbSimProbe *self);
	void (*get_stats)(UbSimProbe *self, UbSimProbeStats *stats);
	void (*reset_stats)(UbSimProbe *self);
	guint (*get_swd_khz)(UbSimProbe *self);
	const char *(*get_kind_name)(UbSimProbe *self);
};

const UbSimUsbIdentity *ub_sim_probe_get_identity(UbSimProbe *self);
UbSimLink *ub_sim_probe_get_link(UbSimProbe *self);
/* the host wrote len bytes to an OUT endpoint; FALSE: the endpoint NAKs (try again later) */
gboolean ub_sim_probe_bulk_out(UbSimProbe *self, guint8 endpoint, const guint8 *data, gsize len);
/* bulk_in: the host's read has no room for the probe's next packet (it stays queued): what
 * USB calls babble, libusb LIBUSB_ERROR_OVERFLOW */
#define UB_SIM_PROBE_IN_OVERFLOW (-2)
/* the host reads from an IN endpoint: bytes copied, -1 when the probe has nothing (NAK), or
 * UB_SIM_PROBE_IN_OVERFLOW */
gssize ub_sim_probe_bulk_in(UbSimProbe *self, guint8 endpoint, guint8 *buffer, gsize len);
/* USB bus reset / re-plug: the probe firmware restarts */
void ub_sim_probe_usb_reset(UbSimProbe *self);
void ub_sim_probe_get_stats(UbSimProbe *self, UbSimProbeStats *stats);
void ub_sim_probe_reset_stats(UbSimProbe *self);
/* the SWD clock the probe runs at now, in kHz */
guint ub_sim_probe_get_swd_khz(UbSimProbe *self);
/* the name a bench file gives it: stlink-v2, debugprobe, daplink, ... */
const char *ub_sim_probe_get_kind_name(UbSimProbe *self);

G_END_DECLS
