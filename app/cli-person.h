/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbCliPerson: the person at a terminal. The ladder's prompts (hold NRST, let go) are printed
 * from its events; a question is asked on the terminal and answered with y or n. Without a
 * terminal (a pipe, --json) nobody can answer and every answer is "unknown", so a script never
 * hangs on a prompt; what it knows it says with options (--powered, --fails-elsewhere, ...).
 */
#pragma once

#include "ub-person.h"

G_BEGIN_DECLS

#define UB_TYPE_CLI_PERSON (ub_cli_person_get_type())
G_DECLARE_FINAL_TYPE(UbCliPerson, ub_cli_person, UB, CLI_PERSON, GObject)

/* @interactive: questions may be asked on the terminal */
UbCliPerson *ub_cli_person_new(gboolean interactive);

G_END_DECLS
