/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A widget that draws one of UbPinoutRender's pictures (a wiring plan, a header on its own,
 * where NRST is) in the theme's colours, scaled to fit, with the picture in words as its
 * accessible description. A zoomable view opens the same picture in a window of its own on a
 * click (or Enter), as large as the screen allows.
 */
#pragma once

#include <gtk/gtk.h>

#include "ub-pinout-render.h"
#include "ub-wiring-plan.h"

G_BEGIN_DECLS

#define UB_TYPE_PINOUT_VIEW (ub_pinout_view_get_type())
G_DECLARE_FINAL_TYPE(UbPinoutView, ub_pinout_view, UB, PINOUT_VIEW, GtkDrawingArea)

GtkWidget *ub_pinout_view_new(void);
void ub_pinout_view_set_plan(UbPinoutView *self, UbWiringPlan *plan);
UbWiringPlan *ub_pinout_view_get_plan(UbPinoutView *self);
/* any picture of the renderer (a header, NRST); NULL shows nothing */
void ub_pinout_view_set_render(UbPinoutView *self, UbPinoutRender *render);
UbPinoutRender *ub_pinout_view_get_render(UbPinoutView *self);
void ub_pinout_view_set_highlight(UbPinoutView *self, const UbSignal *signals);
/* the stepper: the wire to connect now (-1: all), see ub_pinout_render_set_focus() */
void ub_pinout_view_set_focus(UbPinoutView *self, gint wire_index);
gint ub_pinout_view_get_focus(UbPinoutView *self);
void ub_pinout_view_set_show_wire_list(UbPinoutView *self, gboolean show_wire_list);
void ub_pinout_view_set_show_notes(UbPinoutView *self, gboolean show_notes);
/* how much larger than its laid-out size the picture may be drawn (default 1.5) */
void ub_pinout_view_set_max_zoom(UbPinoutView *self, gdouble max_zoom);
void ub_pinout_view_set_fixed_size(UbPinoutView *self, gint width, gint height);
/* a click or Enter opens the picture full size in a window of its own */
void ub_pinout_view_set_zoomable(UbPinoutView *self, gboolean zoomable);
void ub_pinout_view_open_zoom(UbPinoutView *self);
/* the full-size window while it is open, else NULL */
GtkWindow *ub_pinout_view_get_zoom_window(UbPinoutView *self);
gchar *ub_pinout_view_get_description(UbPinoutView *self);
/* whether the pixels for what the view shows now, at its allocation, are made (they are made
 * in a worker while the window's frames go on: a change is shown a frame or so later) */
gboolean ub_pinout_view_get_picture_ready(UbPinoutView *self);

G_END_DECLS
