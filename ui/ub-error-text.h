/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one table that turns a core error (domain, code) into words a person can act on: a
 * title, the likely physical cause and the next step, all translated. error->message stays
 * for the technical log.
 */
#pragma once

#include <glib.h>

#include "ub-wiring-plan.h"

G_BEGIN_DECLS

typedef struct {
	const char *title;     /* translated */
	const char *cause;     /* translated */
	const char *next_step; /* translated */
	gboolean stopped;      /* cancelled by the person: not a failure */
} UbErrorText;

/* fills @text for @error; unknown (domain, code) pairs get a generic text that still says what
 * to do */
void ub_error_text_lookup(const GError *error, UbErrorText *text);

/* one translated sentence per wiring-plan note (UB_WIRING_NOTE_*), with the board's pin
 * numbers filled in; NULL for a note that needs no words */
char *ub_hint_wiring_note(UbWiringPlan *plan, UbWiringNote note);

G_END_DECLS
