/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-signal.h"

/* names as spelled in the data files */
static const gchar *signal_names[UB_SIGNAL_LAST] = {
        [UB_SIGNAL_NONE] = "NONE", [UB_SIGNAL_3V3] = "3V3",     [UB_SIGNAL_5V] = "5V",
        [UB_SIGNAL_GND] = "GND",   [UB_SIGNAL_SWDIO] = "SWDIO", [UB_SIGNAL_SWCLK] = "SWCLK",
        [UB_SIGNAL_NRST] = "NRST", [UB_SIGNAL_SWO] = "SWO",     [UB_SIGNAL_VTREF] = "VTREF",
        [UB_SIGNAL_SWIM] = "SWIM", [UB_SIGNAL_NC] = "NC",       [UB_SIGNAL_OTHER] = "OTHER",
};

/*
 * Jumper-wire colours per signal. Dupont jumper sets have all of these; black for ground and
 * red for the 3.3 V rail follow the usual electronics habit so a beginner's instinct is right.
 * The sense wire (VTREF) goes to the same 3.3 V pin as a supply wire would, so it is red too.
 */
static const gchar *signal_colours[UB_SIGNAL_LAST] = {
        [UB_SIGNAL_3V3] = "red",      [UB_SIGNAL_VTREF] = "red",  [UB_SIGNAL_GND] = "black",
        [UB_SIGNAL_SWDIO] = "yellow", [UB_SIGNAL_SWCLK] = "blue", [UB_SIGNAL_NRST] = "green",
        [UB_SIGNAL_SWO] = "purple",   [UB_SIGNAL_5V] = "orange",  [UB_SIGNAL_SWIM] = "white",
};

const gchar *
ub_signal_to_string(UbSignal signal)
{
	if ((guint)signal >= UB_SIGNAL_LAST)
		return NULL;
	return signal_names[signal];
}

UbSignal
ub_signal_from_string(const gchar *str)
{
	g_return_val_if_fail(str != NULL, UB_SIGNAL_NONE);
	for (guint i = UB_SIGNAL_NONE + 1; i < UB_SIGNAL_LAST; i++) {
		if (g_strcmp0(signal_names[i], str) == 0)
			return (UbSignal)i;
	}
	return UB_SIGNAL_NONE;
}

/* returns NULL for signals that are never wired (NC, OTHER) */
const gchar *
ub_signal_get_colour_name(UbSignal signal)
{
	if ((guint)signal >= UB_SIGNAL_LAST)
		return NULL;
	return signal_colours[signal];
}

const gchar *
ub_confidence_to_string(UbConfidence confidence)
{
	switch (confidence) {
	case UB_CONFIDENCE_CONFIRMED:
		return "confirmed";
	case UB_CONFIDENCE_REPORTED:
		return "reported";
	case UB_CONFIDENCE_UNCONFIRMED:
		return "unconfirmed";
	default:
		return NULL;
	}
}

/* anything not recognised counts as unconfirmed: never overstate certainty */
UbConfidence
ub_confidence_from_string(const gchar *str)
{
	if (g_strcmp0(str, "confirmed") == 0)
		return UB_CONFIDENCE_CONFIRMED;
	if (g_strcmp0(str, "reported") == 0)
		return UB_CONFIDENCE_REPORTED;
	return UB_CONFIDENCE_UNCONFIRMED;
}
