/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbProbeInfo: what is known about one attached debug probe before it is
 * opened for debugging: kind, serial, firmware version, where it is plugged in. Produced by
 * UbProbeMonitor, consumed by UbDevice to open that very probe.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "ub-probe-kind.h"
#include "ub-transport-provider.h"

G_BEGIN_DECLS

/* the serial number as stlink-org shows it: a 24-char string as-is, 12 binary bytes as hex */
char *ub_probe_serial_from_descriptor(const guint8 *data, gsize len);

#define UB_TYPE_PROBE_INFO (ub_probe_info_get_type())
G_DECLARE_FINAL_TYPE(UbProbeInfo, ub_probe_info, UB, PROBE_INFO, GObject)

UbProbeInfo *ub_probe_info_new(void);

UbProbeKind ub_probe_info_get_kind(UbProbeInfo *self);
void ub_probe_info_set_kind(UbProbeInfo *self, UbProbeKind kind);
guint16 ub_probe_info_get_vendor_id(UbProbeInfo *self);
guint16 ub_probe_info_get_product_id(UbProbeInfo *self);
void ub_probe_info_set_usb_ids(UbProbeInfo *self, guint16 vendor_id, guint16 product_id);
/* the USB product string ("Debug Probe (CMSIS-DAP)"), or NULL */
const char *ub_probe_info_get_product(UbProbeInfo *self);
void ub_probe_info_set_product(UbProbeInfo *self, const char *product);
const char *ub_probe_info_get_serial(UbProbeInfo *self);
void ub_probe_info_set_serial(UbProbeInfo *self, const char *serial);
const char *ub_probe_info_get_firmware_version(UbProbeInfo *self);
void ub_probe_info_set_firmware_version(UbProbeInfo *self, const char *version);
/* "1-2.3" (bus-port.port) for USB; a provider's probe says where it is in its own words */
const char *ub_probe_info_get_path(UbProbeInfo *self);
void ub_probe_info_set_path(UbProbeInfo *self, const char *path);
guint8 ub_probe_info_get_bus(UbProbeInfo *self);
guint8 ub_probe_info_get_address(UbProbeInfo *self);
void ub_probe_info_set_bus_address(UbProbeInfo *self, guint8 bus, guint8 address);
/* how the probe is reached when not through libusb (a simulated bench), or NULL */
UbTransportProvider *ub_probe_info_get_provider(UbProbeInfo *self);
void ub_probe_info_set_provider(UbProbeInfo *self, UbTransportProvider *provider);
/* why the firmware version could not be read (e.g. permission denied), or NULL */
const GError *ub_probe_info_get_problem(UbProbeInfo *self);
void ub_probe_info_set_problem(UbProbeInfo *self, const GError *error);

gboolean ub_probe_info_matches(UbProbeInfo *self, UbProbeInfo *other);
JsonNode *ub_probe_info_to_json(UbProbeInfo *self);

G_END_DECLS
