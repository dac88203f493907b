/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbPerson: the person at the bench, as the core sees them. Some rungs of the connection
 * ladder need a hand (hold the chip's NRST to GND, let go) and some judgements need an answer
 * only the person has (is an LED on? were the wires checked against the drawing?). The core
 * tells and asks through this interface and never knows who answers: the wizard and the CLI
 * give the real person; a simulated bench gives its simulated hand.
 *
 * Both calls come from the device's worker thread; an implementation that talks to a
 * window hands the work to its main context and, for ask(), blocks until the answer comes or
 * @cancellable fires.
 *
 *   ub_person_tell(person, UB_PERSON_CUE_HOLD_NRST, _("Connect NRST to GND now"));
 *   if (ub_person_ask(person, UB_PERSON_QUESTION_LED_ON, text, cancellable) == UB_PERSON_ANSWER_NO)
 *           …
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
	UB_PERSON_CUE_HOLD_NRST,    /* connect NRST to GND now and keep it there */
	UB_PERSON_CUE_RELEASE_NRST, /* let go of NRST now */
} UbPersonCue;

typedef enum {
	UB_PERSON_QUESTION_LED_ON,	   /* is any LED on the board lit? (it has power) */
	UB_PERSON_QUESTION_WIRES_CHECKED,  /* every wire checked against the drawing? */
	UB_PERSON_QUESTION_FAILS_ELSEWHERE, /* does this probe fail on other boards too? */
} UbPersonQuestion;

typedef enum {
	UB_PERSON_ANSWER_UNKNOWN, /* no one to ask, or they cannot say */
	UB_PERSON_ANSWER_YES,
	UB_PERSON_ANSWER_NO,
} UbPersonAnswer;

#define UB_TYPE_PERSON (ub_person_get_type())
G_DECLARE_INTERFACE(UbPerson, ub_person, UB, PERSON, GObject)

struct _UbPersonInterface {
	GTypeInterface parent_iface;
	void (*tell)(UbPerson *self, UbPersonCue cue, const char *text);
	UbPersonAnswer (*ask)(UbPerson *self, UbPersonQuestion question, const char *text,
			      GCancellable *cancellable);
};

void ub_person_tell(UbPerson *self, UbPersonCue cue, const char *text);
UbPersonAnswer ub_person_ask(UbPerson *self, UbPersonQuestion question, const char *text,
			     GCancellable *cancellable);

const char *ub_person_cue_to_string(UbPersonCue cue);
const char *ub_person_question_to_string(UbPersonQuestion question);
const char *ub_person_answer_to_string(UbPersonAnswer answer);

G_END_DECLS
