/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The signal names used by the boards and probes database (resources/data/schema/) and by
 * wiring plans. Board pins and probe pins share one vocabulary; VTREF exists only on probes (a
 * target-voltage sense input) and 3V3/5V on a probe are supply outputs.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	UB_SIGNAL_NONE, /* terminates UbSignal lists */
	UB_SIGNAL_3V3,
	UB_SIGNAL_5V,
	UB_SIGNAL_GND,
	UB_SIGNAL_SWDIO,
	UB_SIGNAL_SWCLK,
	UB_SIGNAL_NRST,
	UB_SIGNAL_SWO,
	UB_SIGNAL_VTREF,
	UB_SIGNAL_SWIM,
	UB_SIGNAL_NC,
	UB_SIGNAL_OTHER,
	UB_SIGNAL_LAST,
} UbSignal;

/* how sure the database is of a fact; the UI says "check against your board" unless CONFIRMED */
typedef enum {
	UB_CONFIDENCE_CONFIRMED,
	UB_CONFIDENCE_REPORTED,
	UB_CONFIDENCE_UNCONFIRMED,
} UbConfidence;

const gchar *ub_signal_to_string(UbSignal signal);
UbSignal ub_signal_from_string(const gchar *str);
const gchar *ub_signal_get_colour_name(UbSignal signal);

const gchar *ub_confidence_to_string(UbConfidence confidence);
UbConfidence ub_confidence_from_string(const gchar *str);

G_END_DECLS
