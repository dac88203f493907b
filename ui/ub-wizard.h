/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbWizard: the small state machine that picks the visible page by name. It knows the order of
 * the steps and when the Recovery step is needed; it knows nothing about widgets.
 *
 *   g_autoptr(UbWizard) wizard = ub_wizard_new();
 *   const char *name = ub_wizard_go_next(wizard, session);   // "probe"
 */
#pragma once

#include "ub-session.h"

G_BEGIN_DECLS

#define UB_TYPE_WIZARD (ub_wizard_get_type())
G_DECLARE_FINAL_TYPE(UbWizard, ub_wizard, UB, WIZARD, GObject)

UbWizard *ub_wizard_new(void);
const char *ub_wizard_get_current(UbWizard *self);
/* NULL on the last page */
const char *ub_wizard_peek_next(UbWizard *self, UbSession *session);
/* moves on and returns the new current page, or NULL (and stays) on the last page */
const char *ub_wizard_go_next(UbWizard *self, UbSession *session);
gboolean ub_wizard_can_go_back(UbWizard *self);
const char *ub_wizard_go_back(UbWizard *self);
/* whether @name is on the way to the current page (it was taken, not skipped) */
gboolean ub_wizard_has_passed(UbWizard *self, const char *name);
/* jump straight to a page (screenshots, tests); the history becomes the steps before it */
gboolean ub_wizard_go_to(UbWizard *self, const char *name);
/* 1-based position of the current page among the steps, and their number */
guint ub_wizard_get_step(UbWizard *self);
guint ub_wizard_get_n_steps(UbWizard *self);
const char *const *ub_wizard_get_page_names(void);

G_END_DECLS
