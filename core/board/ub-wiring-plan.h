/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which wire goes from which probe pin to which board pin, for one board and one probe. The
 * wizard shows it one wire at a time, the pinout view draws it and the CLI prints it.
 */
#pragma once

#include <glib-object.h>

#include "ub-board.h"
#include "ub-probe-model.h"

G_BEGIN_DECLS

#define UB_TYPE_WIRING_PLAN (ub_wiring_plan_get_type())
G_DECLARE_FINAL_TYPE(UbWiringPlan, ub_wiring_plan, UB, WIRING_PLAN, GObject)

typedef enum {
	UB_WIRE_REQUIRED,
	UB_WIRE_OPTIONAL,
} UbWireUse;

/* per-wire cautions; the UI turns each flag into one translated sentence */
typedef enum {
	UB_WIRE_WARNING_NONE = 0,
	UB_WIRE_WARNING_BACKFEED = 1 << 0,        /* probe 3.3 V supply: never with battery on */
	UB_WIRE_WARNING_BROWNOUT = 1 << 1,        /* the probe cannot supply this board */
	UB_WIRE_WARNING_RESET_UNKNOWN = 1 << 2,   /* probe RST may not reach its NRST output */
	UB_WIRE_WARNING_UNCONFIRMED_PIN = 1 << 3, /* board pin order not confirmed */
	UB_WIRE_WARNING_SHARED_PIN = 1 << 4,      /* a second wire onto the same board pin */
} UbWireWarning;

#define UB_WIRE_WARNING_LAST (1 << 5)

/* notes about the whole set-up, not one wire */
typedef enum {
	UB_WIRING_NOTE_NONE = 0,
	UB_WIRING_NOTE_RESET_BY_HAND = 1 << 0,      /* probe RST is not NRST (or there is none):
	                                               ground NRST by hand */
	UB_WIRING_NOTE_NO_NRST_ON_HEADER = 1 << 1,  /* NRST only at the MCU pin */
	UB_WIRING_NOTE_SOLDER_HEADER = 1 << 2,      /* footprint only: solder a header first */
	UB_WIRING_NOTE_CHECK_BOARD_PINOUT = 1 << 3, /* board pin order not confirmed */
	UB_WIRING_NOTE_CHECK_PROBE_LABELS = 1 << 4, /* go by the labels printed on the probe */
	UB_WIRING_NOTE_VOLTAGE_OWN_RAIL = 1 << 5,   /* probe's voltage reading is meaningless */
	UB_WIRING_NOTE_PROBE_POWERS_BOARD = 1 << 6, /* probe supply wire required: battery off */
	UB_WIRING_NOTE_LEAVE_5V_FREE = 1 << 7,      /* board header has a 5 V pin: leave it */
	UB_WIRING_NOTE_MISSING_BOARD_PIN = 1 << 8,  /* a required signal is not on the header */
	UB_WIRING_NOTE_EXTERNAL_POWER = 1 << 9,     /* power the board from battery or bench */
	UB_WIRING_NOTE_NO_VOLTAGE_SENSE = 1 << 10,  /* the probe cannot measure the board's supply */
} UbWiringNote;

#define UB_WIRING_NOTE_LAST (1 << 11)

typedef struct {
	guint probe_pin;
	UbSignal probe_signal;
	const gchar *probe_label;
	guint board_pin;
	UbSignal board_signal;
	const gchar *board_label;
	const gchar *colour; /* a jumper-wire colour name, see ub_signal_get_colour_name() */
	UbWireUse use;
	UbWireWhen when;
	UbWireWarning warnings;
} UbWire;

UbWiringPlan *ub_wiring_plan_new(UbBoard *board, UbProbeModel *probe);
UbBoard *ub_wiring_plan_get_board(UbWiringPlan *self);
UbProbeModel *ub_wiring_plan_get_probe(UbWiringPlan *self);
guint ub_wiring_plan_get_n_wires(UbWiringPlan *self);
const UbWire *ub_wiring_plan_get_wire(UbWiringPlan *self, guint index);
const UbWire *ub_wiring_plan_find_wire(UbWiringPlan *self, UbSignal signal);
guint ub_wiring_plan_count_required(UbWiringPlan *self);
UbWiringNote ub_wiring_plan_get_notes(UbWiringPlan *self);
gchar *ub_wiring_plan_describe_note(UbWiringPlan *self, UbWiringNote note);
const gchar *ub_wire_warning_to_string(UbWireWarning warning);
gchar *ub_wire_to_string(const UbWire *wire);
gchar *ub_wiring_plan_to_text(UbWiringPlan *self);

G_END_DECLS
