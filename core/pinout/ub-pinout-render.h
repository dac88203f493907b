/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Draws the pictures a person matches against the hardware, with one set of pins, labels and
 * colours so they all look alike:
 *   - a wiring plan: the probe header on the left, the board header on the right, numbered
 *     pins with their labels, one coloured wire per signal and the wire list below; one wire
 *     can be the one to connect now (ub_pinout_render_set_focus, the wizard's stepper);
 *   - one header on its own, with the labels printed next to its pins (a probe's, or a board's
 *     debug header);
 *   - where NRST is on a board: its debug header with the NRST pin, and the chip package
 *     (LQFP64/LQFP100: pin-1 dot, every pin numbered) with the NRST pin.
 * Cairo only (no GTK), so the same drawing serves UbPinoutView, PNG/SVG export and the CLI.
 * All coordinates are logical units; the caller's cairo_t carries any HiDPI scale.
 *
 *   g_autoptr(UbPinoutRender) render = ub_pinout_render_new_nrst(board, TRUE);
 *   ub_pinout_render_write_png(render, &palette, 2.0, "nrst.png", &error);
 */
#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "ub-wiring-plan.h"

G_BEGIN_DECLS

#define UB_TYPE_PINOUT_RENDER (ub_pinout_render_get_type())
G_DECLARE_FINAL_TYPE(UbPinoutRender, ub_pinout_render, UB, PINOUT_RENDER, GObject)

typedef struct {
	gdouble red;
	gdouble green;
	gdouble blue;
	gdouble alpha;
} UbPinoutColour;

/* the theme-dependent colours; wire hues are fixed (they name real jumper colours) */
typedef struct {
	UbPinoutColour background;
	UbPinoutColour foreground;
	UbPinoutColour dim;       /* secondary text */
	UbPinoutColour highlight; /* suspected wires and pins */
	UbPinoutColour warning;   /* "not confirmed" text */
	UbPinoutColour header_body;
	UbPinoutColour pin;
	UbPinoutColour pin_text;
} UbPinoutPalette;

typedef enum {
	UB_PINOUT_DRAWING_WIRING, /* probe, board, wires and the wire list */
	UB_PINOUT_DRAWING_HEADER, /* one header with its printed labels */
	UB_PINOUT_DRAWING_NRST,   /* the board's NRST: on its debug header and on the chip */
} UbPinoutDrawing;

/* what a wiring picture carries under its headers */
typedef enum {
	UB_PINOUT_SHOW_NONE = 0,
	UB_PINOUT_SHOW_WIRE_LIST = 1 << 0, /* "Connect in this order:" */
	UB_PINOUT_SHOW_NOTES = 1 << 1,     /* the set-up notes (hand reset, soldering, power) */
} UbPinoutShow;

/* what the drawing placed where, for tests and hit-testing */
typedef struct {
	gboolean on_probe;
	gboolean on_chip; /* a lead of the chip package (NRST drawing) */
	guint number;
	gdouble x; /* top-left */
	gdouble y;
	gdouble size;
} UbPinoutPinBox;

typedef struct {
	gdouble x;
	gdouble y;
	gdouble width;
	gdouble height;
} UbPinoutTextBox;

typedef struct {
	guint wire_index; /* into the UbWiringPlan */
	gdouble x0;       /* centre of the probe pin */
	gdouble y0;
	gdouble x1; /* centre of the board pin */
	gdouble y1;
} UbPinoutWirePath;

void ub_pinout_palette_init_light(UbPinoutPalette *palette);
void ub_pinout_palette_init_dark(UbPinoutPalette *palette);
gboolean ub_pinout_colour_from_name(const gchar *name, UbPinoutColour *colour);

UbPinoutRender *ub_pinout_render_new(UbWiringPlan *plan, gboolean show_notes);
UbPinoutRender *ub_pinout_render_new_full(UbWiringPlan *plan, UbPinoutShow flags);
UbPinoutRender *ub_pinout_render_new_header(UbPinHeader *header, gboolean is_probe,
                                            const gchar *title);
UbPinoutRender *ub_pinout_render_new_nrst(UbBoard *board, gboolean show_notes);
UbPinoutDrawing ub_pinout_render_get_drawing(UbPinoutRender *self);
UbWiringPlan *ub_pinout_render_get_plan(UbPinoutRender *self);
gchar *ub_pinout_render_get_description(UbPinoutRender *self);
void ub_pinout_render_get_size(UbPinoutRender *self, gdouble *width, gdouble *height);
void ub_pinout_render_set_highlight(UbPinoutRender *self, const UbSignal *signals);
gboolean ub_pinout_render_is_highlighted(UbPinoutRender *self, guint wire_index);
void ub_pinout_render_set_focus(UbPinoutRender *self, gint wire_index);
gint ub_pinout_render_get_focus(UbPinoutRender *self);
gboolean ub_pinout_render_is_wire_drawn(UbPinoutRender *self, guint wire_index);
gboolean ub_pinout_render_is_pin_marked(UbPinoutRender *self, const UbPinoutPinBox *pin);
void ub_pinout_render_draw(UbPinoutRender *self, cairo_t *cr, const UbPinoutPalette *palette);
GArray *ub_pinout_render_get_pins(UbPinoutRender *self);
GArray *ub_pinout_render_get_labels(UbPinoutRender *self);
GArray *ub_pinout_render_get_wires(UbPinoutRender *self);
gboolean ub_pinout_render_write_png(UbPinoutRender *self, const UbPinoutPalette *palette,
                                    gdouble scale, const gchar *filename,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_pinout_render_write_svg(UbPinoutRender *self, const UbPinoutPalette *palette,
                                    const gchar *filename,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
