/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-data-loader.h"
#include "ub-error.h"
#include "ub-pin-header-private.h"

struct _UbPinHeader {
	GObject parent_instance;
	gchar *kind;
	gdouble pitch_mm; /* 0 when unknown */
	guint rows;
	UbPinNumbering numbering;
	gboolean fitted;
	gchar *pin1_marking;
	UbConfidence confidence;
	GArray *pins; /* of UbPin, index = number - 1 */
};

G_DEFINE_TYPE(UbPinHeader, ub_pin_header, G_TYPE_OBJECT)

static void
ub_pin_clear(gpointer data)
{
	UbPin *pin = data;
	g_free(pin->label);
}

static void
ub_pin_header_finalize(GObject *object)
{
	UbPinHeader *self = UB_PIN_HEADER(object);

	g_free(self->kind);
	g_free(self->pin1_marking);
	g_array_unref(self->pins);
	G_OBJECT_CLASS(ub_pin_header_parent_class)->finalize(object);
}

static void
ub_pin_header_class_init(UbPinHeaderClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_pin_header_finalize;
}

static void
ub_pin_header_init(UbPinHeader *self)
{
	self->pins = g_array_new(FALSE, TRUE, sizeof(UbPin));
	g_array_set_clear_func(self->pins, ub_pin_clear);
	self->rows = 1;
}

/*
 * @object has passed the schema, so types are right; this checks what a schema cannot: pin
 * numbers must be 1..n, each once, so the drawing and the wire list cannot disagree.
 */
UbPinHeader *
ub_pin_header_new_from_json(JsonObject *object, const gchar *path, const gchar *filename,
                            GError **error)
{
	g_autoptr(UbPinHeader) self = g_object_new(UB_TYPE_PIN_HEADER, NULL);
	JsonArray *pins = json_object_get_array_member(object, "pins");
	guint n_pins = json_array_get_length(pins);
	JsonNode *pitch = json_object_get_member(object, "pitch_mm");

	self->kind = ub_data_text(json_object_get_string_member(object, "type"));
	self->pitch_mm = JSON_NODE_HOLDS_NULL(pitch) ? 0.0 : json_node_get_double(pitch);
	self->rows = (guint)json_object_get_int_member(object, "rows");
	self->numbering =
	        g_strcmp0(json_object_get_string_member(object, "numbering"), "zigzag") == 0
	                ? UB_PIN_NUMBERING_ZIGZAG
	                : UB_PIN_NUMBERING_SEQUENTIAL;
	self->fitted = json_object_has_member(object, "fitted")
	                       ? json_object_get_boolean_member(object, "fitted")
	                       : TRUE;
	self->pin1_marking =
	        ub_data_text(json_object_get_string_member(object, "pin1_marking"));
	self->confidence =
	        ub_confidence_from_string(json_object_get_string_member(object, "confidence"));

	g_array_set_size(self->pins, n_pins);
	for (guint i = 0; i < n_pins; i++) {
		JsonObject *pin_json = json_array_get_object_element(pins, i);
		guint number = (guint)json_object_get_int_member(pin_json, "number");
		UbPin *pin;

		if (number > n_pins) {
			g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			            "%s: %s.pins[%u].number: pin %u on a %u-pin header (numbers "
			            "must run from 1 to %u)",
			            filename, path, i, number, n_pins, n_pins);
			return NULL;
		}
		pin = &g_array_index(self->pins, UbPin, number - 1);
		if (pin->number != 0) {
			g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			            "%s: %s.pins[%u].number: pin %u is listed twice", filename,
			            path, i, number);
			return NULL;
		}
		pin->number = number;
		pin->signal =
		        ub_signal_from_string(json_object_get_string_member(pin_json, "signal"));
		pin->label = g_strdup(json_object_get_string_member(pin_json, "label"));
	}
	return g_steal_pointer(&self);
}

const gchar *
ub_pin_header_get_kind(UbPinHeader *self)
{
	g_return_val_if_fail(UB_IS_PIN_HEADER(self), NULL);
	return self->kind;
}

gdouble
ub_pin_header_get_pitch_mm(UbPinHeader *self)
{
	g_return_val_if_fail(UB_IS_PIN_HEADER(self), 0.0);
	return self->pitch_mm;
}

guint
ub_pin_header_get_rows(UbPinHeader *self)
{
	g_return_val_if_fail(UB_IS_PIN_HEADER(self), 0);
	return self->rows;
}

guint
ub_pin_header_get_columns(UbPinHeader *self)
{
	g_return_val_if_fail(UB_IS_PIN_HEADER(self), 0);
	return (self->pins->len + self->rows - 1) / self->rows;
}

UbPinNumbering
ub_pin_header_get_numbering(UbPinHeader *self)
{
	g_return_val_if_fail(UB_IS_PIN_HEADER(self), UB_PIN_NUMBERING_SEQUENTIAL);
	return self->numbering;
}

gboolean
ub_pin_header_get_fitted(UbPinHeader *self)
{
	g_return_val_if_fail(UB_IS_PIN_HEADER(self), FALSE);
	return self->fitted;
}

const gchar *
ub_pin_header_get_pin1_marking(UbPinHeader *self)
{
	g_return_val_if_fail(UB_IS_PIN_HEADER(self), NULL);
	return self->pin1_marking;
}

UbConfidence
ub_pin_header_get_confidence(UbPinHeader *self)
{
	g_return_val_if_fail(UB_IS_PIN_HEADER(self), UB_CONFIDENCE_UNCONFIRMED);
	return self->confidence;
}

guint
ub_pin_header_get_n_pins(UbPinHeader *self)
{
	g_return_val_if_fail(UB_IS_PIN_HEADER(self), 0);
	return self->pins->len;
}

/* @number is 1-based; NULL when out of range */
const UbPin *
ub_pin_header_get_pin(UbPinHeader *self, guint number)
{
	g_return_val_if_fail(UB_IS_PIN_HEADER(self), NULL);
	if (number == 0 || number > self->pins->len)
		return NULL;
	return &g_array_index(self->pins, UbPin, number - 1);
}

/* the lowest-numbered pin carrying @signal with a number above @after_number (0: any) */
const UbPin *
ub_pin_header_find_signal(UbPinHeader *self, UbSignal signal, guint after_number)
{
	g_return_val_if_fail(UB_IS_PIN_HEADER(self), NULL);
	for (guint i = after_number; i < self->pins->len; i++) {
		const UbPin *pin = &g_array_index(self->pins, UbPin, i);
		if (pin->signal == signal)
			return pin;
	}
	return NULL;
}

/* where pin @number sits: @row 0 is the row holding pin 1, @column 0 the end with pin 1 */
void
ub_pin_header_get_position(UbPinHeader *self, guint number, guint *row, guint *column)
{
	guint index;
	guint columns;

	g_return_if_fail(UB_IS_PIN_HEADER(self));
	g_return_if_fail(number >= 1 && number <= self->pins->len);

	index = number - 1;
	columns = ub_pin_header_get_columns(self);
	if (self->rows == 1) {
		*row = 0;
		*column = index;
	} else if (self->numbering == UB_PIN_NUMBERING_ZIGZAG) {
		*row = index % 2;
		*column = index / 2;
	} else {
		*row = index / columns;
		*column = index % columns;
	}
}
