/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "cli-person.h"

struct _UbCliPerson {
	GObject parent_instance;
	gboolean interactive;
};

static void ub_cli_person_iface_init(UbPersonInterface *iface);

G_DEFINE_TYPE_WITH_CODE(UbCliPerson, ub_cli_person, G_TYPE_OBJECT,
			G_IMPLEMENT_INTERFACE(UB_TYPE_PERSON, ub_cli_person_iface_init))

/* on the device's worker: the main thread only waits for the job, so the terminal is ours */
static UbPersonAnswer
ub_cli_person_ask(UbPerson *person, UbPersonQuestion question, const char *text,
		  GCancellable *cancellable)
{
	UbCliPerson *self = UB_CLI_PERSON(person);
	char line[64];

	if (!self->interactive)
		return UB_PERSON_ANSWER_UNKNOWN;
	for (;;) {
		if (g_cancellable_is_cancelled(cancellable))
			return UB_PERSON_ANSWER_UNKNOWN;
		/* TRANSLATORS: a yes/no question on the terminal; keep "y/n" as the keys to press */
		g_print(_("%s [y/n] "), text);
		fflush(stdout);
		if (fgets(line, sizeof(line), stdin) == NULL)
			return UB_PERSON_ANSWER_UNKNOWN;
		if (line[0] == 'y' || line[0] == 'Y')
			return UB_PERSON_ANSWER_YES;
		if (line[0] == 'n' || line[0] == 'N')
			return UB_PERSON_ANSWER_NO;
	}
}

static void
ub_cli_person_iface_init(UbPersonInterface *iface)
{
	/* tell(): the ladder's events already print the prompt */
	iface->ask = ub_cli_person_ask;
}

static void
ub_cli_person_class_init(UbCliPersonClass *klass)
{
}

static void
ub_cli_person_init(UbCliPerson *self)
{
}

UbCliPerson *
ub_cli_person_new(gboolean interactive)
{
	UbCliPerson *self = g_object_new(UB_TYPE_CLI_PERSON, NULL);

	self->interactive = interactive && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	return self;
}
