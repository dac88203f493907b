/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-error-text.h"
#include "ub-pinout-render.h"
#include "ub-pinout-view.h"

struct _UbPinoutView {
	GtkDrawingArea parent_instance;
	UbWiringPlan *plan;
	UbPinoutRender *render;
	UbSignal *highlight; /* UB_SIGNAL_NONE-terminated, or NULL */
	gboolean show_notes;
};

G_DEFINE_TYPE(UbPinoutView, ub_pinout_view, GTK_TYPE_DRAWING_AREA)

/* drawn larger than the layout only up to this factor, so a big window does not shout */
#define MAX_ZOOM 1.5

static void
colour_from_rgba(UbPinoutColour *colour, const GdkRGBA *rgba)
{
	colour->red = rgba->red;
	colour->green = rgba->green;
	colour->blue = rgba->blue;
	colour->alpha = rgba->alpha;
}

static gboolean
lookup_colour(GtkStyleContext *context, const gchar *const *names, UbPinoutColour *colour)
{
	GdkRGBA rgba;

	for (guint i = 0; names[i] != NULL; i++) {
		if (gtk_style_context_lookup_color(context, names[i], &rgba)) {
			colour_from_rgba(colour, &rgba);
			return TRUE;
		}
	}
	return FALSE;
}

/*
 * Theme colours: text from the style context, the canvas from the theme's base colour, and
 * the highlight and warning hues from named colours that style.css may define
 * (@define-color ub_pinout_highlight_color / ub_pinout_warning_color), falling back to the
 * theme's selection and warning colours. Wire hues stay fixed: they name real jumper colours.
 */
static void
palette_from_style(GtkWidget *widget, UbPinoutPalette *palette)
{
	GtkStyleContext *context = gtk_widget_get_style_context(widget);
	const gchar *background[] = {"theme_base_color", "theme_bg_color", NULL};
	const gchar *highlight[] = {"ub_pinout_highlight_color", "theme_selected_bg_color", NULL};
	const gchar *warning[] = {"ub_pinout_warning_color", "warning_color", NULL};
	GdkRGBA fg;
	gdouble luma;

	ub_pinout_palette_init_light(palette);
	gtk_style_context_get_color(context, gtk_style_context_get_state(context), &fg);
	colour_from_rgba(&palette->foreground, &fg);
	lookup_colour(context, background, &palette->background);
	luma = 0.3 * palette->background.red + 0.59 * palette->background.green +
	       0.11 * palette->background.blue;
	if (luma < 0.5) {
		UbPinoutPalette dark;
		ub_pinout_palette_init_dark(&dark);
		palette->header_body = dark.header_body;
		palette->highlight = dark.highlight;
		palette->warning = dark.warning;
	}
	palette->dim = palette->foreground;
	palette->dim.alpha = 0.65;
	lookup_colour(context, highlight, &palette->highlight);
	lookup_colour(context, warning, &palette->warning);
}

static gboolean
ub_pinout_view_draw(GtkWidget *widget, cairo_t *cr)
{
	UbPinoutView *self = UB_PINOUT_VIEW(widget);
	UbPinoutPalette palette;
	gdouble width = 0.0;
	gdouble height = 0.0;
	gdouble scale;
	gint alloc_w = gtk_widget_get_allocated_width(widget);
	gint alloc_h = gtk_widget_get_allocated_height(widget);

	gtk_render_background(gtk_widget_get_style_context(widget), cr, 0, 0, alloc_w, alloc_h);
	if (self->render == NULL)
		return FALSE;
	palette_from_style(widget, &palette);
	ub_pinout_render_get_size(self->render, &width, &height);
	/* logical units throughout: GTK's cairo_t already carries the HiDPI device scale */
	scale = MIN(MIN(alloc_w / width, alloc_h / height), MAX_ZOOM);
	cairo_save(cr);
	cairo_translate(cr, (alloc_w - width * scale) / 2, (alloc_h - height * scale) / 2);
	cairo_scale(cr, scale, scale);
	ub_pinout_render_draw(self->render, cr, &palette);
	cairo_restore(cr);
	return FALSE;
}

static void
ub_pinout_view_get_preferred_width(GtkWidget *widget, gint *minimum, gint *natural)
{
	UbPinoutView *self = UB_PINOUT_VIEW(widget);
	gdouble width = 320.0;

	if (self->render != NULL)
		ub_pinout_render_get_size(self->render, &width, NULL);
	*minimum = (gint)(width / 2);
	*natural = (gint)width;
}

static void
ub_pinout_view_get_preferred_height(GtkWidget *widget, gint *minimum, gint *natural)
{
	UbPinoutView *self = UB_PINOUT_VIEW(widget);
	gdouble height = 240.0;

	if (self->render != NULL)
		ub_pinout_render_get_size(self->render, NULL, &height);
	*minimum = (gint)(height / 2);
	*natural = (gint)height;
}

static void
ub_pinout_view_style_updated(GtkWidget *widget)
{
	GTK_WIDGET_CLASS(ub_pinout_view_parent_class)->style_updated(widget);
	gtk_widget_queue_draw(widget);
}

/* the whole wire list, for screen readers and for anyone who cannot tell the colours apart */
gchar *
ub_pinout_view_get_description(UbPinoutView *self)
{
	g_return_val_if_fail(UB_IS_PINOUT_VIEW(self), NULL);
	if (self->plan == NULL)
		return g_strdup("");
	return ub_hint_wire_list(self->plan);
}

static void
update_accessible(UbPinoutView *self)
{
	AtkObject *accessible = gtk_widget_get_accessible(GTK_WIDGET(self));
	g_autofree gchar *description = ub_pinout_view_get_description(self);

	atk_object_set_role(accessible, ATK_ROLE_IMAGE);
	atk_object_set_name(accessible, _("Wiring drawing"));
	atk_object_set_description(accessible, description);
}

static void
rebuild(UbPinoutView *self)
{
	g_clear_object(&self->render);
	if (self->plan != NULL) {
		self->render = ub_pinout_render_new(self->plan, self->show_notes);
		ub_pinout_render_set_highlight(self->render, self->highlight);
	}
	update_accessible(self);
	gtk_widget_queue_resize(GTK_WIDGET(self));
}

static void
ub_pinout_view_finalize(GObject *object)
{
	UbPinoutView *self = UB_PINOUT_VIEW(object);

	g_clear_object(&self->plan);
	g_clear_object(&self->render);
	g_free(self->highlight);
	G_OBJECT_CLASS(ub_pinout_view_parent_class)->finalize(object);
}

static void
ub_pinout_view_class_init(UbPinoutViewClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->finalize = ub_pinout_view_finalize;
	widget_class->draw = ub_pinout_view_draw;
	widget_class->get_preferred_width = ub_pinout_view_get_preferred_width;
	widget_class->get_preferred_height = ub_pinout_view_get_preferred_height;
	widget_class->style_updated = ub_pinout_view_style_updated;
	gtk_widget_class_set_css_name(widget_class, "ub-pinout-view");
}

static void
ub_pinout_view_init(UbPinoutView *self)
{
	update_accessible(self);
}

GtkWidget *
ub_pinout_view_new(void)
{
	return g_object_new(UB_TYPE_PINOUT_VIEW, NULL);
}

/* @plan may be NULL to show nothing */
void
ub_pinout_view_set_plan(UbPinoutView *self, UbWiringPlan *plan)
{
	g_return_if_fail(UB_IS_PINOUT_VIEW(self));
	g_return_if_fail(plan == NULL || UB_IS_WIRING_PLAN(plan));

	if (!g_set_object(&self->plan, plan))
		return;
	rebuild(self);
}

UbWiringPlan *
ub_pinout_view_get_plan(UbPinoutView *self)
{
	g_return_val_if_fail(UB_IS_PINOUT_VIEW(self), NULL);
	return self->plan;
}

/*
 * Marks the wires the diagnosis suspects: @signals ends with UB_SIGNAL_NONE; NULL clears.
 * A wire matches when either end carries one of the signals.
 */
void
ub_pinout_view_set_highlight(UbPinoutView *self, const UbSignal *signals)
{
	guint n = 0;

	g_return_if_fail(UB_IS_PINOUT_VIEW(self));

	g_clear_pointer(&self->highlight, g_free);
	if (signals != NULL) {
		while (signals[n] != UB_SIGNAL_NONE)
			n++;
		self->highlight = g_memdup2(signals, (n + 1) * sizeof(UbSignal));
	}
	if (self->render != NULL)
		ub_pinout_render_set_highlight(self->render, self->highlight);
	gtk_widget_queue_draw(GTK_WIDGET(self));
}

/* with notes the picture also carries the set-up notes (hand reset, power) under the list */
void
ub_pinout_view_set_show_notes(UbPinoutView *self, gboolean show_notes)
{
	g_return_if_fail(UB_IS_PINOUT_VIEW(self));
	if (self->show_notes == show_notes)
		return;
	self->show_notes = show_notes;
	rebuild(self);
}
