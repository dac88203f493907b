/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A widget that draws a wiring plan (UbPinoutRender) in the theme's colours, scaled to fit,
 * with the wire list as its accessible description.
 */
#pragma once

#include <gtk/gtk.h>

#include "ub-wiring-plan.h"

G_BEGIN_DECLS

#define UB_TYPE_PINOUT_VIEW (ub_pinout_view_get_type())
G_DECLARE_FINAL_TYPE(UbPinoutView, ub_pinout_view, UB, PINOUT_VIEW, GtkDrawingArea)

GtkWidget *ub_pinout_view_new(void);
void ub_pinout_view_set_plan(UbPinoutView *self, UbWiringPlan *plan);
UbWiringPlan *ub_pinout_view_get_plan(UbPinoutView *self);
void ub_pinout_view_set_highlight(UbPinoutView *self, const UbSignal *signals);
void ub_pinout_view_set_show_notes(UbPinoutView *self, gboolean show_notes);
gchar *ub_pinout_view_get_description(UbPinoutView *self);

G_END_DECLS
