/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "ub-data-loader.h"
#include "ub-error.h"
#include "ub-pin-header-private.h"
#include "ub-probe-model-private.h"

struct _UbProbeModel {
	GObject parent_instance;
	gchar *id;
	gchar *name;
	gchar *vendor;
	gchar *kind;
	gchar *filename;
	GArray *usb_ids; /* of guint32, vid << 16 | pid */
	gchar **usb_products;
	UbPinHeader *header;
	UbResetLine reset_line;
	gboolean supplies_3v3;
	gchar *supply_warning;
	UbVoltageReading voltage_reading;
	GArray *required_wires; /* of UbSignal */
	GArray *optional_wires; /* of UbOptionalWire */
	gchar **notes;
	gchar **sources;
};

G_DEFINE_TYPE(UbProbeModel, ub_probe_model, G_TYPE_OBJECT)

static void
ub_probe_model_finalize(GObject *object)
{
	UbProbeModel *self = UB_PROBE_MODEL(object);

	g_free(self->id);
	g_free(self->name);
	g_free(self->vendor);
	g_free(self->kind);
	g_free(self->filename);
	g_array_unref(self->usb_ids);
	g_strfreev(self->usb_products);
	g_clear_object(&self->header);
	g_free(self->supply_warning);
	g_array_unref(self->required_wires);
	g_array_unref(self->optional_wires);
	g_strfreev(self->notes);
	g_strfreev(self->sources);
	G_OBJECT_CLASS(ub_probe_model_parent_class)->finalize(object);
}

static void
ub_probe_model_class_init(UbProbeModelClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_probe_model_finalize;
}

static void
ub_probe_model_init(UbProbeModel *self)
{
	self->usb_ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	self->required_wires = g_array_new(FALSE, FALSE, sizeof(UbSignal));
	self->optional_wires = g_array_new(FALSE, FALSE, sizeof(UbOptionalWire));
}

static UbWireWhen
when_from_string(const gchar *str)
{
	if (g_strcmp0(str, "no-other-power") == 0)
		return UB_WIRE_WHEN_NO_OTHER_POWER;
	if (g_strcmp0(str, "reset") == 0)
		return UB_WIRE_WHEN_RESET;
	if (g_strcmp0(str, "trace") == 0)
		return UB_WIRE_WHEN_TRACE;
	return UB_WIRE_WHEN_ALWAYS;
}

static guint
count_signal(GArray *signals, UbSignal signal)
{
	guint count = 0;
	for (guint i = 0; i < signals->len; i++) {
		if (g_array_index(signals, UbSignal, i) == signal)
			count++;
	}
	return count;
}

static guint
count_header_pins(UbPinHeader *header, UbSignal signal)
{
	guint count = 0;
	for (guint n = 1; n <= ub_pin_header_get_n_pins(header); n++) {
		if (ub_pin_header_get_pin(header, n)->signal == signal)
			count++;
	}
	return count;
}

/* every wire the file asks for must start at a pin of this probe's header */
static gboolean
check_wires(UbProbeModel *self, GError **error)
{
	for (guint i = 0; i < self->required_wires->len; i++) {
		UbSignal signal = g_array_index(self->required_wires, UbSignal, i);
		if (count_header_pins(self->header, signal) >=
		    count_signal(self->required_wires, signal))
			continue;
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s: required_wires[%u]: the header has too few %s pins for the wires "
		            "listed",
		            self->filename, i, ub_signal_to_string(signal));
		return FALSE;
	}
	for (guint i = 0; i < self->optional_wires->len; i++) {
		UbOptionalWire *wire = &g_array_index(self->optional_wires, UbOptionalWire, i);
		if (count_header_pins(self->header, wire->signal) > 0)
			continue;
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s: optional_wires[%u].signal: the header has no %s pin",
		            self->filename, i, ub_signal_to_string(wire->signal));
		return FALSE;
	}
	if (self->supplies_3v3 && count_header_pins(self->header, UB_SIGNAL_3V3) == 0) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s: supplies_3v3: true but the header has no 3V3 pin", self->filename);
		return FALSE;
	}
	return TRUE;
}

UbProbeModel *
ub_probe_model_new_from_json(JsonObject *root, const gchar *filename, GError **error)
{
	g_autoptr(UbProbeModel) self = g_object_new(UB_TYPE_PROBE_MODEL, NULL);
	JsonArray *usb_ids = json_object_get_array_member(root, "usb_ids");
	JsonArray *required = json_object_get_array_member(root, "required_wires");
	JsonArray *optional = json_object_get_array_member(root, "optional_wires");
	JsonNode *rst = json_object_get_member(root, "rst_drives_nrst");
	const gchar *reading = json_object_get_string_member(root, "voltage_reading");

	g_return_val_if_fail(root != NULL, NULL);
	g_return_val_if_fail(filename != NULL, NULL);

	self->filename = g_strdup(filename);
	self->id = g_strdup(json_object_get_string_member(root, "id"));
	self->name = ub_data_text(json_object_get_string_member(root, "name"));
	self->vendor = g_strdup(json_object_get_string_member(root, "vendor"));
	self->kind = g_strdup(json_object_get_string_member(root, "kind"));
	for (guint i = 0; i < json_array_get_length(usb_ids); i++) {
		const gchar *text = json_array_get_string_element(usb_ids, i);
		/* the schema's pattern guarantees "vvvv:pppp" in hex */
		guint32 id = (guint32)(strtoul(text, NULL, 16) << 16 | strtoul(text + 5, NULL, 16));
		g_array_append_val(self->usb_ids, id);
	}
	self->header = ub_pin_header_new_from_json(json_object_get_object_member(root, "header"),
	                                           "header", filename, error);
	if (self->header == NULL)
		return NULL;
	if (json_node_get_value_type(rst) == G_TYPE_BOOLEAN)
		self->reset_line = json_node_get_boolean(rst) ? UB_RESET_LINE_DRIVES_NRST
		                                              : UB_RESET_LINE_NOT_CONNECTED;
	else
		self->reset_line = UB_RESET_LINE_UNKNOWN;
	self->supplies_3v3 = json_object_get_boolean_member(root, "supplies_3v3");
	self->supply_warning = ub_data_text(json_object_get_string_member(root, "supply_warning"));
	if (g_strcmp0(reading, "senses-target") == 0)
		self->voltage_reading = UB_VOLTAGE_READING_SENSES_TARGET;
	else if (g_strcmp0(reading, "own-rail") == 0)
		self->voltage_reading = UB_VOLTAGE_READING_OWN_RAIL;
	else if (g_strcmp0(reading, "none") == 0)
		self->voltage_reading = UB_VOLTAGE_READING_NONE;
	else
		self->voltage_reading = UB_VOLTAGE_READING_UNKNOWN;
	for (guint i = 0; i < json_array_get_length(required); i++) {
		UbSignal signal = ub_signal_from_string(json_array_get_string_element(required, i));
		g_array_append_val(self->required_wires, signal);
	}
	for (guint i = 0; i < json_array_get_length(optional); i++) {
		JsonObject *entry = json_array_get_object_element(optional, i);
		UbOptionalWire wire = {
		        .signal = ub_signal_from_string(
		                json_object_get_string_member(entry, "signal")),
		        .when = when_from_string(json_object_get_string_member(entry, "when")),
		};
		g_array_append_val(self->optional_wires, wire);
	}
	self->notes = ub_data_json_get_texts(root, "notes");
	self->usb_products = json_object_has_member(root, "usb_products")
	                             ? ub_data_json_get_strv(root, "usb_products")
	                             : g_new0(gchar *, 1);
	self->sources = ub_data_json_get_sources(root);
	if (!check_wires(self, error))
		return NULL;
	return g_steal_pointer(&self);
}

const gchar *
ub_probe_model_get_id(UbProbeModel *self)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), NULL);
	return self->id;
}

const gchar *
ub_probe_model_get_name(UbProbeModel *self)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), NULL);
	return self->name;
}

const gchar *
ub_probe_model_get_vendor(UbProbeModel *self)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), NULL);
	return self->vendor;
}

const gchar *const *
ub_probe_model_get_usb_products(UbProbeModel *self)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), NULL);
	return (const gchar *const *)self->usb_products;
}

/* "stlink-v2", "stlink-v2-clone", "stlink-v2-1", "stlink-v3" or "cmsis-dap" */
const gchar *
ub_probe_model_get_kind(UbProbeModel *self)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), NULL);
	return self->kind;
}

const gchar *
ub_probe_model_get_filename(UbProbeModel *self)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), NULL);
	return self->filename;
}

gboolean
ub_probe_model_matches_usb(UbProbeModel *self, guint16 vid, guint16 pid)
{
	guint32 id = (guint32)vid << 16 | pid;

	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), FALSE);
	for (guint i = 0; i < self->usb_ids->len; i++) {
		if (g_array_index(self->usb_ids, guint32, i) == id)
			return TRUE;
	}
	return FALSE;
}

UbPinHeader *
ub_probe_model_get_header(UbProbeModel *self)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), NULL);
	return self->header;
}

UbResetLine
ub_probe_model_get_reset_line(UbProbeModel *self)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), UB_RESET_LINE_UNKNOWN);
	return self->reset_line;
}

gboolean
ub_probe_model_get_supplies_3v3(UbProbeModel *self)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), FALSE);
	return self->supplies_3v3;
}

const gchar *
ub_probe_model_get_supply_warning(UbProbeModel *self)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), NULL);
	return self->supply_warning;
}

UbVoltageReading
ub_probe_model_get_voltage_reading(UbProbeModel *self)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), UB_VOLTAGE_READING_UNKNOWN);
	return self->voltage_reading;
}

/* one entry per wire; a signal repeats when two wires carry it (two GND wires) */
const UbSignal *
ub_probe_model_get_required_wires(UbProbeModel *self, guint *n_wires)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), NULL);
	g_return_val_if_fail(n_wires != NULL, NULL);
	*n_wires = self->required_wires->len;
	return (const UbSignal *)self->required_wires->data;
}

const UbOptionalWire *
ub_probe_model_get_optional_wires(UbProbeModel *self, guint *n_wires)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), NULL);
	g_return_val_if_fail(n_wires != NULL, NULL);
	*n_wires = self->optional_wires->len;
	return (const UbOptionalWire *)self->optional_wires->data;
}

const gchar *const *
ub_probe_model_get_notes(UbProbeModel *self)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), NULL);
	return (const gchar *const *)self->notes;
}

const gchar *const *
ub_probe_model_get_sources(UbProbeModel *self)
{
	g_return_val_if_fail(UB_IS_PROBE_MODEL(self), NULL);
	return (const gchar *const *)self->sources;
}
