/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one table that turns a core error (domain, code) into words a person can act on: a
 * title, the likely physical cause and the next step, all translated. error->message stays
 * for the technical log.
 */
#pragma once

#include <glib.h>

#include "ub-flash-job.h"
#include "ub-progress.h"
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

/* for a busy probe: the program the message names as holding it ("openocd (pid 4711)"), or
 * NULL when the system could not tell */
char *ub_error_text_get_holder(const GError *error);

/* one translated sentence per wiring-plan note (UB_WIRING_NOTE_*), with the board's pin
 * numbers filled in; NULL for a note that needs no words */
char *ub_hint_wiring_note(UbWiringPlan *plan, UbWiringNote note);

/* every wire of the plan as a translated line ("1. SWDIO, yellow wire: probe pin 7 “TMS/SWDIO”
 * to board pin 4 “DIO”"), with its cautions: the drawing's text alternative */
char *ub_hint_wire_list(UbWiringPlan *plan);

/* the Wiring page's stepper: "Wire 2 of 4: SWDIO", then where it goes and what to mind */
char *ub_hint_wire_title(const UbWire *wire, guint index, guint n_wires);
char *ub_hint_wire_detail(const UbWire *wire);

/* what a job is doing now, as a short translated phrase ("Saving a backup") */
const char *ub_hint_status(UbStatus status);
/* after a stopped or failed flash: what the chip holds now and what to do */
const char *ub_hint_flash_stage(UbFlashJobStage stage);
/* "About 2 minutes left", "About 40 seconds left"; NULL when not known or under a second */
char *ub_hint_time_left(gint64 seconds);
/* "48.0 kB/s" */
char *ub_hint_rate(guint64 bytes_per_second);

G_END_DECLS
