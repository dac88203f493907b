/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ub-person.h"

G_DEFINE_INTERFACE(UbPerson, ub_person, G_TYPE_OBJECT)

static void
ub_person_default_init(UbPersonInterface *iface)
{
}

/**
 * ub_person_tell:
 * @self: (nullable): the person; NULL when nobody is at the bench
 */
void
ub_person_tell(UbPerson *self, UbPersonCue cue, const char *text)
{
	UbPersonInterface *iface;

	if (self == NULL)
		return;
	g_return_if_fail(UB_IS_PERSON(self));
	iface = UB_PERSON_GET_IFACE(self);
	if (iface->tell != NULL)
		iface->tell(self, cue, text);
}

/**
 * ub_person_ask:
 * @self: (nullable): the person; NULL when nobody is at the bench
 *
 * Returns: the answer, UB_PERSON_ANSWER_UNKNOWN when there is nobody to ask
 */
UbPersonAnswer
ub_person_ask(UbPerson *self, UbPersonQuestion question, const char *text,
	      GCancellable *cancellable)
{
	UbPersonInterface *iface;

	if (self == NULL)
		return UB_PERSON_ANSWER_UNKNOWN;
	g_return_val_if_fail(UB_IS_PERSON(self), UB_PERSON_ANSWER_UNKNOWN);
	iface = UB_PERSON_GET_IFACE(self);
	if (iface->ask == NULL)
		return UB_PERSON_ANSWER_UNKNOWN;
	return iface->ask(self, question, text, cancellable);
}

const char *
ub_person_cue_to_string(UbPersonCue cue)
{
	static const char *const names[] = {"hold-nrst", "release-nrst"};

	return (guint)cue < G_N_ELEMENTS(names) ? names[cue] : "unknown";
}

const char *
ub_person_question_to_string(UbPersonQuestion question)
{
	static const char *const names[] = {"led-on", "wires-checked", "fails-elsewhere"};

	return (guint)question < G_N_ELEMENTS(names) ? names[question] : "unknown";
}

const char *
ub_person_answer_to_string(UbPersonAnswer answer)
{
	static const char *const names[] = {"unknown", "yes", "no"};

	return (guint)answer < G_N_ELEMENTS(names) ? names[answer] : "unknown";
}
