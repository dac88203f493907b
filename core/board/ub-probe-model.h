/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One kind of debug probe from resources/data/probes/<id>.json: its header, what its RST pin
 * really drives, whether its 3.3 V is a supply, what its voltage reading means and which wires
 * it needs. (UbProbe is the live USB device; this is the catalogue entry.)
 */
#pragma once

#include <glib-object.h>

#include "ub-pin-header.h"

G_BEGIN_DECLS

#define UB_TYPE_PROBE_MODEL (ub_probe_model_get_type())
G_DECLARE_FINAL_TYPE(UbProbeModel, ub_probe_model, UB, PROBE_MODEL, GObject)

typedef enum {
	UB_RESET_LINE_DRIVES_NRST,
	UB_RESET_LINE_NOT_CONNECTED, /* the pin labelled RST does not reach the probe's NRST output
	                              */
	UB_RESET_LINE_UNKNOWN,
} UbResetLine;

typedef enum {
	UB_VOLTAGE_READING_SENSES_TARGET,
	UB_VOLTAGE_READING_OWN_RAIL, /* the probe reports its own 3.3 V: useless as a check */
	UB_VOLTAGE_READING_NONE,     /* the probe cannot measure it at all (CMSIS-DAP) */
	UB_VOLTAGE_READING_UNKNOWN,
} UbVoltageReading;

/* when an optional wire is worth connecting */
typedef enum {
	UB_WIRE_WHEN_ALWAYS,
	UB_WIRE_WHEN_NO_OTHER_POWER, /* only if the board has no battery or bench supply on */
	UB_WIRE_WHEN_RESET,          /* for connect-under-reset */
	UB_WIRE_WHEN_TRACE,          /* SWO trace */
} UbWireWhen;

typedef struct {
	UbSignal signal;
	UbWireWhen when;
} UbOptionalWire;

const gchar *ub_probe_model_get_id(UbProbeModel *self);
const gchar *ub_probe_model_get_name(UbProbeModel *self);
const gchar *ub_probe_model_get_vendor(UbProbeModel *self);
const gchar *ub_probe_model_get_kind(UbProbeModel *self);
const gchar *ub_probe_model_get_filename(UbProbeModel *self);
gboolean ub_probe_model_matches_usb(UbProbeModel *self, guint16 vid, guint16 pid);
/* the USB product strings the model is known to report (NULL-terminated; empty: not listed) */
const gchar *const *ub_probe_model_get_usb_products(UbProbeModel *self);
UbPinHeader *ub_probe_model_get_header(UbProbeModel *self);
UbResetLine ub_probe_model_get_reset_line(UbProbeModel *self);
gboolean ub_probe_model_get_supplies_3v3(UbProbeModel *self);
const gchar *ub_probe_model_get_supply_warning(UbProbeModel *self);
UbVoltageReading ub_probe_model_get_voltage_reading(UbProbeModel *self);
const UbSignal *ub_probe_model_get_required_wires(UbProbeModel *self, guint *n_wires);
const UbOptionalWire *ub_probe_model_get_optional_wires(UbProbeModel *self, guint *n_wires);
const gchar *const *ub_probe_model_get_notes(UbProbeModel *self);
const gchar *const *ub_probe_model_get_sources(UbProbeModel *self);

G_END_DECLS
