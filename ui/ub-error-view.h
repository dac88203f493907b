/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbErrorView: an error shown where it happened — title, likely cause and next step from
 * ub-error-text.c (or, when the chip cannot be reached, from the verdict of the evidence
 * model), with the technical log in a "Technical details" expander. Hidden while there is no
 * error.
 */
#pragma once

#include <gtk/gtk.h>

#include "ub-verdict.h"

G_BEGIN_DECLS

#define UB_TYPE_ERROR_VIEW (ub_error_view_get_type())
G_DECLARE_FINAL_TYPE(UbErrorView, ub_error_view, UB, ERROR_VIEW, GtkBox)

/* details: the technical log (may be NULL); error->message is appended to it */
void ub_error_view_set_error(UbErrorView *self, const GError *error, const char *details);
/* why the chip cannot be reached: the verdict's top cause, what else is possible and how to
 * narrow it down; the evidence goes into the technical details */
void ub_error_view_set_verdict(UbErrorView *self, UbVerdict *verdict, UbEvidence *evidence,
			       const char *details);
void ub_error_view_clear(UbErrorView *self);
/* translated title currently shown, or NULL when hidden */
const char *ub_error_view_get_title(UbErrorView *self);

G_END_DECLS
