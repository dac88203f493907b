/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbWizardPerson: the person in front of the wizard, as the core sees them (UbPerson). The
 * hold/let-go prompts are shown by the Recovery page from the ladder's events; a question (is
 * an LED on? were the wires checked against the drawing?) is asked in a dialog on the window,
 * and the device's worker waits for the answer, or for Cancel.
 */
#pragma once

#include <gtk/gtk.h>

#include "ub-person.h"

G_BEGIN_DECLS

#define UB_TYPE_WIZARD_PERSON (ub_wizard_person_get_type())
G_DECLARE_FINAL_TYPE(UbWizardPerson, ub_wizard_person, UB, WIZARD_PERSON, GObject)

/* @parent: the window questions are asked on (held weakly); created on the main thread */
UbWizardPerson *ub_wizard_person_new(GtkWindow *parent);

G_END_DECLS
