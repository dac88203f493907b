/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-wiring-plan.h"

struct _UbWiringPlan {
	GObject parent_instance;
	UbBoard *board;
	UbProbeModel *probe;
	GArray *wires; /* of UbWire; strings borrowed from the board and probe */
	UbWiringNote notes;
	GPtrArray *missing; /* of UbSignal as GUINT_TO_POINTER: required but not on the board */
};

G_DEFINE_TYPE(UbWiringPlan, ub_wiring_plan, G_TYPE_OBJECT)

static void
ub_wiring_plan_finalize(GObject *object)
{
	UbWiringPlan *self = UB_WIRING_PLAN(object);

	g_clear_object(&self->board);
	g_clear_object(&self->probe);
	g_array_unref(self->wires);
	g_ptr_array_unref(self->missing);
	G_OBJECT_CLASS(ub_wiring_plan_parent_class)->finalize(object);
}

static void
ub_wiring_plan_class_init(UbWiringPlanClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_wiring_plan_finalize;
}

static void
ub_wiring_plan_init(UbWiringPlan *self)
{
	self->wires = g_array_new(FALSE, TRUE, sizeof(UbWire));
	self->missing = g_ptr_array_new();
}

/* a sense input and a supply output both land on the board's 3.3 V pin */
static UbSignal
board_signal_for(UbSignal probe_signal)
{
	if (probe_signal == UB_SIGNAL_VTREF)
		return UB_SIGNAL_3V3;
	return probe_signal;
}

/* ground first (a habit that protects both ends), then power, data, clock, reset, trace */
static guint
signal_rank(UbSignal signal)
{
	switch (signal) {
	case UB_SIGNAL_GND:
		return 0;
	case UB_SIGNAL_VTREF:
	case UB_SIGNAL_3V3:
		return 1;
	case UB_SIGNAL_SWDIO:
		return 2;
	case UB_SIGNAL_SWCLK:
		return 3;
	case UB_SIGNAL_NRST:
		return 4;
	default:
		return 5;
	}
}

static gint
compare_wires(gconstpointer a, gconstpointer b)
{
	const UbWire *wa = a;
	const UbWire *wb = b;

	if (wa->use != wb->use)
		return wa->use == UB_WIRE_REQUIRED ? -1 : 1;
	if (signal_rank(wa->probe_signal) != signal_rank(wb->probe_signal))
		return signal_rank(wa->probe_signal) < signal_rank(wb->probe_signal) ? -1 : 1;
	return (gint)wa->probe_pin - (gint)wb->probe_pin;
}

/* the next probe pin with @signal that no wire uses yet */
static const UbPin *
next_free_probe_pin(UbWiringPlan *self, UbSignal signal)
{
	UbPinHeader *header = ub_probe_model_get_header(self->probe);
	const UbPin *pin = ub_pin_header_find_signal(header, signal, 0);

	while (pin != NULL) {
		gboolean used = FALSE;
		for (guint i = 0; i < self->wires->len; i++) {
			if (g_array_index(self->wires, UbWire, i).probe_pin == pin->number)
				used = TRUE;
		}
		if (!used)
			return pin;
		pin = ub_pin_header_find_signal(header, signal, pin->number);
	}
	return NULL;
}

static gboolean
board_pin_used(UbWiringPlan *self, guint number)
{
	for (guint i = 0; i < self->wires->len; i++) {
		if (g_array_index(self->wires, UbWire, i).board_pin == number)
			return TRUE;
	}
	return FALSE;
}

static void
add_wire(UbWiringPlan *self, UbSignal signal, UbWireUse use, UbWireWhen when)
{
	UbPinHeader *board_header = ub_board_get_header(self->board);
	const UbPin *probe_pin = next_free_probe_pin(self, signal);
	const UbPin *board_pin =
	        ub_pin_header_find_signal(board_header, board_signal_for(signal), 0);
	UbWire wire = {0};

	if (probe_pin == NULL)
		return; /* the probe loader guarantees enough pins; nothing to draw otherwise */
	if (board_pin == NULL) {
		if (use == UB_WIRE_REQUIRED) {
			self->notes |= signal == UB_SIGNAL_NRST ? UB_WIRING_NOTE_NO_NRST_ON_HEADER
			                                        : UB_WIRING_NOTE_MISSING_BOARD_PIN;
			g_ptr_array_add(self->missing, GUINT_TO_POINTER(signal));
		}
		return;
	}
	/* a second GND wire may share the board's only GND pin; take another GND if there is */
	while (board_pin != NULL && board_pin_used(self, board_pin->number)) {
		const UbPin *other = ub_pin_header_find_signal(board_header, board_pin->signal,
		                                               board_pin->number);
		if (other == NULL) {
			wire.warnings |= UB_WIRE_WARNING_SHARED_PIN;
			break;
		}
		board_pin = other;
	}

	wire.probe_pin = probe_pin->number;
	wire.probe_signal = probe_pin->signal;
	wire.probe_label = probe_pin->label;
	wire.board_pin = board_pin->number;
	wire.board_signal = board_pin->signal;
	wire.board_label = board_pin->label;
	wire.colour = ub_signal_get_colour_name(signal);
	wire.use = use;
	wire.when = when;
	if (signal == UB_SIGNAL_3V3) {
		wire.warnings |= UB_WIRE_WARNING_BACKFEED;
		if (ub_board_get_probe_supply_policy(self->board) == UB_PROBE_SUPPLY_NOT_ENOUGH)
			wire.warnings |= UB_WIRE_WARNING_BROWNOUT;
	}
	if (signal == UB_SIGNAL_NRST &&
	    ub_probe_model_get_reset_line(self->probe) == UB_RESET_LINE_UNKNOWN)
		wire.warnings |= UB_WIRE_WARNING_RESET_UNKNOWN;
	if (ub_pin_header_get_confidence(board_header) == UB_CONFIDENCE_UNCONFIRMED)
		wire.warnings |= UB_WIRE_WARNING_UNCONFIRMED_PIN;
	g_array_append_val(self->wires, wire);
}

static void
build(UbWiringPlan *self)
{
	UbPinHeader *board_header = ub_board_get_header(self->board);
	UbPinHeader *probe_header = ub_probe_model_get_header(self->probe);
	UbProbeSupplyPolicy supply = ub_board_get_probe_supply_policy(self->board);
	const UbSignal *required;
	const UbOptionalWire *optional;
	guint n_required = 0;
	guint n_optional = 0;
	gboolean supply_wire = FALSE;

	required = ub_probe_model_get_required_wires(self->probe, &n_required);
	for (guint i = 0; i < n_required; i++) {
		add_wire(self, required[i], UB_WIRE_REQUIRED, UB_WIRE_WHEN_ALWAYS);
		if (required[i] == UB_SIGNAL_3V3)
			supply_wire = TRUE;
	}
	optional = ub_probe_model_get_optional_wires(self->probe, &n_optional);
	for (guint i = 0; i < n_optional; i++) {
		/* a board that must never take the probe's supply gets no such wire at all */
		if (optional[i].signal == UB_SIGNAL_3V3 && supply == UB_PROBE_SUPPLY_NEVER)
			continue;
		/* reset only helps when the probe's RST pin really drives NRST */
		if (optional[i].signal == UB_SIGNAL_NRST &&
		    ub_probe_model_get_reset_line(self->probe) == UB_RESET_LINE_NOT_CONNECTED)
			continue;
		add_wire(self, optional[i].signal, UB_WIRE_OPTIONAL, optional[i].when);
	}
	g_array_sort(self->wires, compare_wires);

	if (ub_probe_model_get_reset_line(self->probe) == UB_RESET_LINE_NOT_CONNECTED)
		self->notes |= UB_WIRING_NOTE_RESET_BY_HAND;
	if (ub_board_get_nrst_header_pin(self->board) == 0)
		self->notes |= UB_WIRING_NOTE_NO_NRST_ON_HEADER;
	if (!ub_pin_header_get_fitted(board_header))
		self->notes |= UB_WIRING_NOTE_SOLDER_HEADER;
	if (ub_pin_header_get_confidence(board_header) != UB_CONFIDENCE_CONFIRMED)
		self->notes |= UB_WIRING_NOTE_CHECK_BOARD_PINOUT;
	if (ub_pin_header_get_confidence(probe_header) == UB_CONFIDENCE_UNCONFIRMED ||
	    g_strcmp0(ub_probe_model_get_kind(self->probe), "stlink-v2-clone") == 0)
		self->notes |= UB_WIRING_NOTE_CHECK_PROBE_LABELS;
	if (ub_probe_model_get_voltage_reading(self->probe) == UB_VOLTAGE_READING_OWN_RAIL)
		self->notes |= UB_WIRING_NOTE_VOLTAGE_OWN_RAIL;
	if (ub_probe_model_get_voltage_reading(self->probe) == UB_VOLTAGE_READING_NONE)
		self->notes |= UB_WIRING_NOTE_NO_VOLTAGE_SENSE;
	if (supply_wire)
		self->notes |= UB_WIRING_NOTE_PROBE_POWERS_BOARD;
	else
		self->notes |= UB_WIRING_NOTE_EXTERNAL_POWER;
	if (ub_pin_header_find_signal(board_header, UB_SIGNAL_5V, 0) != NULL)
		self->notes |= UB_WIRING_NOTE_LEAVE_5V_FREE;
}

/*
 * Builds the wire list for @board and @probe. Required wires come from the probe's file; the
 * optional ones are kept only where they can help on this pair (no reset wire from a probe
 * whose RST pin is dead, no supply wire to a board that must never take it).
 */
UbWiringPlan *
ub_wiring_plan_new(UbBoard *board, UbProbeModel *probe)
{
	UbWiringPlan *self;

	g_return_val_if_fail(UB_IS_BOARD(board), NULL);
	g_return_val_if_fail(UB_IS_PROBE_MODEL(probe), NULL);

	self = g_object_new(UB_TYPE_WIRING_PLAN, NULL);
	self->board = g_object_ref(board);
	self->probe = g_object_ref(probe);
	build(self);
	return self;
}

UbBoard *
ub_wiring_plan_get_board(UbWiringPlan *self)
{
	g_return_val_if_fail(UB_IS_WIRING_PLAN(self), NULL);
	return self->board;
}

UbProbeModel *
ub_wiring_plan_get_probe(UbWiringPlan *self)
{
	g_return_val_if_fail(UB_IS_WIRING_PLAN(self), NULL);
	return self->probe;
}

guint
ub_wiring_plan_get_n_wires(UbWiringPlan *self)
{
	g_return_val_if_fail(UB_IS_WIRING_PLAN(self), 0);
	return self->wires->len;
}

/* wires are in the order to connect them: required first, ground first */
const UbWire *
ub_wiring_plan_get_wire(UbWiringPlan *self, guint index)
{
	g_return_val_if_fail(UB_IS_WIRING_PLAN(self), NULL);
	g_return_val_if_fail(index < self->wires->len, NULL);
	return &g_array_index(self->wires, UbWire, index);
}

/* the first wire whose probe or board end carries @signal, or NULL */
const UbWire *
ub_wiring_plan_find_wire(UbWiringPlan *self, UbSignal signal)
{
	g_return_val_if_fail(UB_IS_WIRING_PLAN(self), NULL);
	for (guint i = 0; i < self->wires->len; i++) {
		const UbWire *wire = &g_array_index(self->wires, UbWire, i);
		if (wire->probe_signal == signal || wire->board_signal == signal)
			return wire;
	}
	return NULL;
}

guint
ub_wiring_plan_count_required(UbWiringPlan *self)
{
	guint count = 0;

	g_return_val_if_fail(UB_IS_WIRING_PLAN(self), 0);
	for (guint i = 0; i < self->wires->len; i++) {
		if (g_array_index(self->wires, UbWire, i).use == UB_WIRE_REQUIRED)
			count++;
	}
	return count;
}

UbWiringNote
ub_wiring_plan_get_notes(UbWiringPlan *self)
{
	g_return_val_if_fail(UB_IS_WIRING_PLAN(self), UB_WIRING_NOTE_NONE);
	return self->notes;
}

/* English, for the log, the report and the CLI; the wizard has its own translated table */
const gchar *
ub_wire_warning_to_string(UbWireWarning warning)
{
	switch (warning) {
	case UB_WIRE_WARNING_BACKFEED:
		return "only when the board has no other power: do not connect 3.3V while the "
		       "battery or a bench supply is on";
	case UB_WIRE_WARNING_BROWNOUT:
		return "the probe may not supply enough current for this board; prefer a bench "
		       "supply";
	case UB_WIRE_WARNING_RESET_UNKNOWN:
		return "this probe's RST pin may not drive NRST";
	case UB_WIRE_WARNING_UNCONFIRMED_PIN:
		return "pin order not confirmed: check against your board";
	case UB_WIRE_WARNING_SHARED_PIN:
		return "shares the board pin with another wire";
	default:
		return NULL;
	}
}

gchar *
ub_wiring_plan_describe_note(UbWiringPlan *self, UbWiringNote note)
{
	g_return_val_if_fail(UB_IS_WIRING_PLAN(self), NULL);

	switch (note) {
	case UB_WIRING_NOTE_RESET_BY_HAND: {
		/* the Debug Probe has no reset pin at all; a clone has one that goes nowhere */
		const gchar *probe_part =
		        ub_pin_header_find_signal(ub_probe_model_get_header(self->probe),
		                                  UB_SIGNAL_NRST, 0) == NULL
		                ? "This probe has no reset pin."
		                : "This probe's RST pin does not reach NRST: leave it unconnected.";
		if (ub_board_get_nrst_header_pin(self->board) != 0)
			return g_strdup_printf("%s To reset the board, hold its NRST (header pin %u, "
			                       "MCU pin %u) to GND by hand.",
			                       probe_part, ub_board_get_nrst_header_pin(self->board),
			                       ub_board_get_nrst_mcu_pin(self->board));
		return g_strdup_printf("%s To reset the board, hold MCU pin %u (NRST) to GND by "
		                       "hand.",
		                       probe_part, ub_board_get_nrst_mcu_pin(self->board));
	}
	case UB_WIRING_NOTE_NO_NRST_ON_HEADER:
		return g_strdup_printf("NRST is not on this board's header; it is MCU pin %u.",
		                       ub_board_get_nrst_mcu_pin(self->board));
	case UB_WIRING_NOTE_SOLDER_HEADER:
		return g_strdup("This board has no connector fitted: solder a header or wires "
		                "to the SWD pads first. Pins only pressed into the holes make "
		                "unreliable contact.");
	case UB_WIRING_NOTE_CHECK_BOARD_PINOUT:
		return g_strdup_printf(
		        "The pin order of this board's header is %s, not "
		        "confirmed: check it against the labels on your board. %s",
		        ub_pin_header_get_confidence(ub_board_get_header(self->board)) ==
		                        UB_CONFIDENCE_REPORTED
		                ? "reported by users"
		                : "a best guess",
		        ub_pin_header_get_pin1_marking(ub_board_get_header(self->board)));
	case UB_WIRING_NOTE_CHECK_PROBE_LABELS:
		return g_strdup("Go by the pin labels printed on your probe; clones differ in "
		                "pin order.");
	case UB_WIRING_NOTE_VOLTAGE_OWN_RAIL:
		return g_strdup("This probe's voltage reading is its own 3.3V rail; it cannot "
		                "tell whether the board is powered. Check the board's LED "
		                "instead.");
	case UB_WIRING_NOTE_NO_VOLTAGE_SENSE:
		return g_strdup("This probe cannot measure the board's voltage: check that the "
		                "board is powered (its LED is on) before connecting.");
	case UB_WIRING_NOTE_PROBE_POWERS_BOARD:
		return g_strdup_printf("This probe needs its 3.3V wire: disconnect the battery and "
		                       "any bench supply, the probe powers the board. %s",
		                       ub_probe_model_get_supply_warning(self->probe));
	case UB_WIRING_NOTE_LEAVE_5V_FREE:
		return g_strdup("Leave the board's +5V pin unconnected.");
	case UB_WIRING_NOTE_MISSING_BOARD_PIN: {
		g_autoptr(GString) text = g_string_new("This board's header has no pin for:");
		for (guint i = 0; i < self->missing->len; i++) {
			UbSignal signal = GPOINTER_TO_UINT(g_ptr_array_index(self->missing, i));
			if (signal != UB_SIGNAL_NRST)
				g_string_append_printf(text, " %s", ub_signal_to_string(signal));
		}
		return g_string_free(g_steal_pointer(&text), FALSE);
	}
	case UB_WIRING_NOTE_EXTERNAL_POWER:
		return g_strdup(ub_board_get_power_notes(self->board));
	default:
		return NULL;
	}
}

/* "GND (black): probe pin 4 \"GND\" -> board pin 3 \"GND\", required" */
gchar *
ub_wire_to_string(const UbWire *wire)
{
	g_autoptr(GString) text = g_string_new(NULL);

	g_return_val_if_fail(wire != NULL, NULL);

	g_string_append_printf(text, "%s (%s): probe pin %u \"%s\" -> board pin %u \"%s\", %s",
	                       ub_signal_to_string(wire->probe_signal), wire->colour,
	                       wire->probe_pin, wire->probe_label, wire->board_pin,
	                       wire->board_label,
	                       wire->use == UB_WIRE_REQUIRED ? "required" : "optional");
	for (guint flag = 1; flag < UB_WIRE_WARNING_LAST; flag <<= 1) {
		if ((wire->warnings & flag) != 0)
			g_string_append_printf(text, "; %s",
			                       ub_wire_warning_to_string((UbWireWarning)flag));
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/* the whole plan as text: the CLI output and the pinout view's accessible description */
gchar *
ub_wiring_plan_to_text(UbWiringPlan *self)
{
	g_autoptr(GString) text = g_string_new(NULL);

	g_return_val_if_fail(UB_IS_WIRING_PLAN(self), NULL);

	g_string_append_printf(text, "Wiring %s to %s:\n", ub_probe_model_get_name(self->probe),
	                       ub_board_get_name(self->board));
	for (guint i = 0; i < self->wires->len; i++) {
		g_autofree gchar *line = ub_wire_to_string(&g_array_index(self->wires, UbWire, i));
		g_string_append_printf(text, "%u. %s\n", i + 1, line);
	}
	for (guint note = 1; note < UB_WIRING_NOTE_LAST; note <<= 1) {
		g_autofree gchar *line = NULL;
		if ((self->notes & note) == 0)
			continue;
		line = ub_wiring_plan_describe_note(self, (UbWiringNote)note);
		if (line != NULL)
			g_string_append_printf(text, "Note: %s\n", line);
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}
