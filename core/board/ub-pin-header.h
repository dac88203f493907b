/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A pin header (or solder-pad row) on a board or probe: its pins in physical order and what is
 * known about it. Loaded from the "swd_header" / "header" object of a data file.
 */
#pragma once

#include <glib-object.h>

#include "ub-signal.h"

G_BEGIN_DECLS

#define UB_TYPE_PIN_HEADER (ub_pin_header_get_type())
G_DECLARE_FINAL_TYPE(UbPinHeader, ub_pin_header, UB, PIN_HEADER, GObject)

/* how pin numbers map onto the rows of a two-row header */
typedef enum {
	UB_PIN_NUMBERING_SEQUENTIAL, /* 1..n along the first row, then the second */
	UB_PIN_NUMBERING_ZIGZAG,     /* odd pins in the first row, even in the second (IDC) */
} UbPinNumbering;

typedef struct {
	guint number;
	UbSignal signal;
	gchar *label; /* as printed on the board/probe; may be empty */
} UbPin;

const gchar *ub_pin_header_get_kind(UbPinHeader *self);
gdouble ub_pin_header_get_pitch_mm(UbPinHeader *self);
guint ub_pin_header_get_rows(UbPinHeader *self);
guint ub_pin_header_get_columns(UbPinHeader *self);
UbPinNumbering ub_pin_header_get_numbering(UbPinHeader *self);
gboolean ub_pin_header_get_fitted(UbPinHeader *self);
const gchar *ub_pin_header_get_pin1_marking(UbPinHeader *self);
UbConfidence ub_pin_header_get_confidence(UbPinHeader *self);
guint ub_pin_header_get_n_pins(UbPinHeader *self);
const UbPin *ub_pin_header_get_pin(UbPinHeader *self, guint number);
const UbPin *ub_pin_header_find_signal(UbPinHeader *self, UbSignal signal, guint after_number);
void ub_pin_header_get_position(UbPinHeader *self, guint number, guint *row, guint *column);

G_END_DECLS
