/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ub-error-text.h"
#include "ub-pinout-render.h"
#include "ub-pinout-view.h"

/* which picture: the allocation, the screen's scale and the view's state */
typedef struct {
	gint width;
	gint height;
	gint scale;
	guint generation;
} UbPictureKey;

struct _UbPinoutView {
	GtkDrawingArea parent_instance;
	UbWiringPlan *plan;
	UbPinoutRender *render;
	UbSignal *highlight; /* UB_SIGNAL_NONE-terminated, or NULL */
	gint focus;
	gboolean show_notes;
	gboolean hide_wire_list;
	gdouble max_zoom;
	gboolean zoomable;
	gint fixed_width; /* > 0: a thumbnail of this size, whatever the picture's */
	gint fixed_height;
	GtkWidget *zoom_window; /* weak */
	/* the picture as pixels, made in a worker while the window's frames go on: a draw
	 * inside a frame paints the last finished picture; what it should show is the key */
	guint generation; /* counts changes to what the picture shows */
	cairo_surface_t *picture;
	UbPictureKey picture_key;
	GCancellable *rasterizing; /* the worker under way, for rasterizing_key */
	UbPictureKey rasterizing_key;
	GdkFrameClock *clock;
	gulong before_paint_id;
	gulong after_paint_id;
	gboolean in_frame; /* between the frame clock's before-paint and after-paint */
};

G_DEFINE_TYPE(UbPinoutView, ub_pinout_view, GTK_TYPE_DRAWING_AREA)

/* drawn larger than the layout only up to this factor, so a big window does not shout */
#define DEFAULT_MAX_ZOOM 1.5
/* the full-size window may fill the screen */
#define ZOOM_WINDOW_MAX_ZOOM 4.0

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
	const gchar *text[] = {"theme_text_color", "theme_fg_color", NULL};
	GdkRGBA fg;
	gdouble luma;

	ub_pinout_palette_init_light(palette);
	/* the text colour that goes with the base colour: a selected row's white text would
	 * vanish on the picture's own background */
	if (!lookup_colour(context, text, &palette->foreground)) {
		gtk_style_context_get_color(context, gtk_style_context_get_state(context), &fg);
		colour_from_rgba(&palette->foreground, &fg);
	}
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
picture_key_equal(const UbPictureKey *a, const UbPictureKey *b)
{
	return a->width == b->width && a->height == b->height && a->scale == b->scale &&
	       a->generation == b->generation;
}

/* the picture the view should show now */
static UbPictureKey
picture_key_now(UbPinoutView *self)
{
	GtkWidget *widget = GTK_WIDGET(self);

	return (UbPictureKey){
	    .width = gtk_widget_get_allocated_width(widget),
	    .height = gtk_widget_get_allocated_height(widget),
	    .scale = gtk_widget_get_scale_factor(widget),
	    .generation = self->generation,
	};
}

/* what the picture shows has changed: the next draw asks for it anew */
static void
picture_changed(UbPinoutView *self)
{
	self->generation++;
	gtk_widget_queue_draw(GTK_WIDGET(self));
}

/* the picture as cairo operations, centred and scaled into the allocation: quick (tenths of
 * a millisecond), and as nothing changes a recording once made, another thread may
 * rasterize it */
static cairo_surface_t *
record_picture(UbPinoutView *self, const UbPictureKey *key)
{
	UbPinoutPalette palette;
	gdouble width = 0.0;
	gdouble height = 0.0;
	gdouble scale;
	cairo_surface_t *recording = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
	cairo_t *cr = cairo_create(recording);

	palette_from_style(GTK_WIDGET(self), &palette);
	ub_pinout_render_get_size(self->render, &width, &height);
	/* logical units: the pixels carry the HiDPI device scale */
	scale = MIN(MIN(key->width / width, key->height / height), self->max_zoom);
	cairo_translate(cr, (key->width - width * scale) / 2, (key->height - height * scale) / 2);
	cairo_scale(cr, scale, scale);
	ub_pinout_render_draw(self->render, cr, &palette);
	cairo_destroy(cr);
	return recording;
}

/* any thread */
static cairo_surface_t *
rasterize_picture(cairo_surface_t *recording, const UbPictureKey *key)
{
	cairo_surface_t *image = cairo_image_surface_create(
	    CAIRO_FORMAT_ARGB32, key->width * key->scale, key->height * key->scale);
	cairo_t *cr;

	cairo_surface_set_device_scale(image, key->scale, key->scale);
	cr = cairo_create(image);
	cairo_set_source_surface(cr, recording, 0, 0);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_flush(image);
	return image;
}

typedef struct {
	cairo_surface_t *recording;
	UbPictureKey key;
} UbRasterizeData;

static void
rasterize_data_free(gpointer data)
{
	UbRasterizeData *rasterize = data;

	cairo_surface_destroy(rasterize->recording);
	g_free(rasterize);
}

static void
rasterize_thread(GTask *task, gpointer source_object, gpointer task_data,
		 GCancellable *cancellable)
{
	UbRasterizeData *rasterize = task_data;

	g_task_return_pointer(task, rasterize_picture(rasterize->recording, &rasterize->key),
			      (GDestroyNotify)cairo_surface_destroy);
}

static void
rasterize_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	UbPinoutView *self = UB_PINOUT_VIEW(source);
	UbRasterizeData *rasterize = g_task_get_task_data(G_TASK(result));
	cairo_surface_t *image = g_task_propagate_pointer(G_TASK(result), NULL);

	/* a later change asked for another picture, or the page was hidden: this one is old */
	if (g_task_get_cancellable(G_TASK(result)) != self->rasterizing) {
		g_clear_pointer(&image, cairo_surface_destroy);
		return;
	}
	g_clear_object(&self->rasterizing);
	g_clear_pointer(&self->picture, cairo_surface_destroy);
	self->picture = image;
	self->picture_key = rasterize->key;
	gtk_widget_queue_draw(GTK_WIDGET(self));
}

static void
rasterize_start(UbPinoutView *self, const UbPictureKey *key)
{
	g_autoptr(GTask) task = NULL;
	UbRasterizeData *rasterize = g_new0(UbRasterizeData, 1);

	if (self->rasterizing != NULL)
		g_cancellable_cancel(self->rasterizing);
	g_clear_object(&self->rasterizing);
	self->rasterizing = g_cancellable_new();
	self->rasterizing_key = *key;
	rasterize->recording = record_picture(self, key);
	rasterize->key = *key;
	task = g_task_new(self, self->rasterizing, rasterize_done_cb, NULL);
	g_task_set_source_tag(task, rasterize_start);
	g_task_set_task_data(task, rasterize, rasterize_data_free);
	g_task_run_in_thread(task, rasterize_thread);
}

/*
 * The picture is drawn as pixels of its own: on X11, GTK 3's window surface hands every filled
 * path to the X server as trapezoids, and the frame waited while the server rasterized them
 * (3-5 ms of a wiring step's frame in Xvfb). Inside a frame the pixels come from a worker
 * thread, so a new step's picture shows a frame later and the frame itself only copies; a
 * draw outside the window's frames (a screenshot, a test) makes them at once.
 */
static gboolean
ub_pinout_view_draw(GtkWidget *widget, cairo_t *cr)
{
	UbPinoutView *self = UB_PINOUT_VIEW(widget);
	GtkStyleContext *context = gtk_widget_get_style_context(widget);
	UbPictureKey key = picture_key_now(self);

	gtk_render_background(context, cr, 0, 0, key.width, key.height);
	if (self->render == NULL || key.width <= 0 || key.height <= 0)
		return FALSE;
	if (self->picture == NULL || !picture_key_equal(&self->picture_key, &key)) {
		if (!self->in_frame) {
			cairo_surface_t *recording = record_picture(self, &key);

			g_clear_pointer(&self->picture, cairo_surface_destroy);
			self->picture = rasterize_picture(recording, &key);
			self->picture_key = key;
			cairo_surface_destroy(recording);
		} else if (self->rasterizing == NULL ||
			   !picture_key_equal(&self->rasterizing_key, &key)) {
			rasterize_start(self, &key);
		}
	}
	/* until the new picture is there, the last one where it still fits (a step behind) */
	if (self->picture != NULL && self->picture_key.width == key.width &&
	    self->picture_key.height == key.height && self->picture_key.scale == key.scale) {
		cairo_set_source_surface(cr, self->picture, 0, 0);
		cairo_paint(cr);
	}
	if (gtk_widget_has_visible_focus(widget))
		gtk_render_focus(context, cr, 2, 2, key.width - 4, key.height - 4);
	return FALSE;
}

static void
ub_pinout_view_get_preferred_width(GtkWidget *widget, gint *minimum, gint *natural)
{
	UbPinoutView *self = UB_PINOUT_VIEW(widget);
	gdouble width = 320.0;

	if (self->fixed_width > 0) {
		*minimum = *natural = self->fixed_width;
		return;
	}
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

	if (self->fixed_height > 0) {
		*minimum = *natural = self->fixed_height;
		return;
	}
	if (self->render != NULL)
		ub_pinout_render_get_size(self->render, NULL, &height);
	*minimum = (gint)(height / 2);
	*natural = (gint)height;
}

/* the picture keeps its shape: as tall as the width allows (up to the zoom limit), and it may
 * shrink to a little over half its size where the window is short */
static void
ub_pinout_view_get_preferred_height_for_width(GtkWidget *widget, gint width, gint *minimum,
					      gint *natural)
{
	UbPinoutView *self = UB_PINOUT_VIEW(widget);
	gdouble draw_w = 0.0;
	gdouble draw_h = 0.0;
	gdouble fit;

	if (self->render == NULL || self->fixed_height > 0) {
		ub_pinout_view_get_preferred_height(widget, minimum, natural);
		return;
	}
	ub_pinout_render_get_size(self->render, &draw_w, &draw_h);
	fit = MIN(draw_h * width / draw_w, draw_h * self->max_zoom);
	*natural = (gint)ceil(fit);
	*minimum = (gint)ceil(MIN(fit, draw_h * 0.6));
}

static GtkSizeRequestMode
ub_pinout_view_get_request_mode(GtkWidget *widget)
{
	return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
ub_pinout_view_style_updated(GtkWidget *widget)
{
	GTK_WIDGET_CLASS(ub_pinout_view_parent_class)->style_updated(widget);
	/* the palette comes from the style */
	picture_changed(UB_PINOUT_VIEW(widget));
}

/* the picture in words, for screen readers and for anyone who cannot tell the colours apart */
gchar *
ub_pinout_view_get_description(UbPinoutView *self)
{
	g_return_val_if_fail(UB_IS_PINOUT_VIEW(self), NULL);
	if (self->render == NULL)
		return g_strdup("");
	/* a wiring drawing is described by its wires, in the person's language */
	if (self->plan != NULL &&
	    ub_pinout_render_get_drawing(self->render) == UB_PINOUT_DRAWING_WIRING)
		return ub_hint_wire_list(self->plan);
	return ub_pinout_render_get_description(self->render);
}

static const gchar *
ub_pinout_view_get_title(UbPinoutView *self)
{
	switch (self->render != NULL ? ub_pinout_render_get_drawing(self->render)
				     : UB_PINOUT_DRAWING_WIRING) {
	case UB_PINOUT_DRAWING_HEADER:
		return _("Pin header");
	case UB_PINOUT_DRAWING_NRST:
		return _("Where the reset pin is");
	case UB_PINOUT_DRAWING_WIRING:
	default:
		return _("Wiring diagram");
	}
}

static void
update_accessible(UbPinoutView *self)
{
	AtkObject *accessible = gtk_widget_get_accessible(GTK_WIDGET(self));
	g_autofree gchar *description = ub_pinout_view_get_description(self);

	atk_object_set_role(accessible, ATK_ROLE_IMAGE);
	atk_object_set_name(accessible, ub_pinout_view_get_title(self));
	atk_object_set_description(accessible, description);
}

static void
rebuild(UbPinoutView *self)
{
	g_clear_object(&self->render);
	if (self->plan != NULL) {
		self->render = ub_pinout_render_new_full(
		    self->plan, (self->hide_wire_list ? 0 : UB_PINOUT_SHOW_WIRE_LIST) |
				    (self->show_notes ? UB_PINOUT_SHOW_NOTES : 0));
		ub_pinout_render_set_highlight(self->render, self->highlight);
		ub_pinout_render_set_focus(self->render, self->focus);
	}
	update_accessible(self);
	self->generation++;
	gtk_widget_queue_resize(GTK_WIDGET(self));
}

static gboolean
ub_pinout_view_zoom_key_cb(GtkWidget *window, GdkEventKey *event, gpointer user_data)
{
	if (event->keyval == GDK_KEY_Escape) {
		gtk_widget_destroy(window);
		return GDK_EVENT_STOP;
	}
	return GDK_EVENT_PROPAGATE;
}

/**
 * ub_pinout_view_open_zoom:
 *
 * Shows the picture in a window of its own, as large as the screen allows; Escape or the
 * close button closes it. A second call raises the open one.
 */
void
ub_pinout_view_open_zoom(UbPinoutView *self)
{
	GtkWidget *toplevel;
	GtkWidget *header_bar;
	GtkWidget *view;
	GdkRectangle workarea = {0, 0, 1280, 800};
	GdkDisplay *display;
	GdkMonitor *monitor = NULL;
	gdouble width = 0.0;
	gdouble height = 0.0;
	gdouble scale;

	g_return_if_fail(UB_IS_PINOUT_VIEW(self));
	if (self->render == NULL)
		return;
	if (self->zoom_window != NULL) {
		gtk_window_present(GTK_WINDOW(self->zoom_window));
		return;
	}
	toplevel = gtk_widget_get_toplevel(GTK_WIDGET(self));
	display = gtk_widget_get_display(GTK_WIDGET(self));
	if (gtk_widget_get_window(toplevel) != NULL)
		monitor = gdk_display_get_monitor_at_window(display,
							    gtk_widget_get_window(toplevel));
	if (monitor == NULL)
		monitor = gdk_display_get_primary_monitor(display);
	if (monitor != NULL)
		gdk_monitor_get_workarea(monitor, &workarea);

	self->zoom_window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
	g_object_add_weak_pointer(G_OBJECT(self->zoom_window), (gpointer *)&self->zoom_window);
	if (GTK_IS_WINDOW(toplevel)) {
		gtk_window_set_transient_for(GTK_WINDOW(self->zoom_window), GTK_WINDOW(toplevel));
		gtk_window_set_destroy_with_parent(GTK_WINDOW(self->zoom_window), TRUE);
	}
	header_bar = gtk_header_bar_new();
	gtk_header_bar_set_show_close_button(GTK_HEADER_BAR(header_bar), TRUE);
	gtk_header_bar_set_title(GTK_HEADER_BAR(header_bar), ub_pinout_view_get_title(self));
	gtk_widget_show(header_bar);
	gtk_window_set_titlebar(GTK_WINDOW(self->zoom_window), header_bar);

	view = ub_pinout_view_new();
	ub_pinout_view_set_max_zoom(UB_PINOUT_VIEW(view), ZOOM_WINDOW_MAX_ZOOM);
	if (self->plan != NULL) {
		/* full size has room for the wire list, whatever the small picture left out */
		ub_pinout_view_set_plan(UB_PINOUT_VIEW(view), self->plan);
		ub_pinout_view_set_highlight(UB_PINOUT_VIEW(view), self->highlight);
		ub_pinout_view_set_focus(UB_PINOUT_VIEW(view), self->focus);
	} else {
		ub_pinout_view_set_render(UB_PINOUT_VIEW(view), self->render);
	}
	g_object_set_data(G_OBJECT(self->zoom_window), "ub-pinout-view", view);
	gtk_widget_show(view);
	gtk_container_add(GTK_CONTAINER(self->zoom_window), view);

	/* as large as fits in nine tenths of the screen, keeping the picture's shape */
	ub_pinout_render_get_size(ub_pinout_view_get_render(UB_PINOUT_VIEW(view)), &width, &height);
	scale = MIN(MIN(workarea.width * 0.9 / width, (workarea.height * 0.9 - 50) / height),
		    ZOOM_WINDOW_MAX_ZOOM);
	gtk_window_set_default_size(GTK_WINDOW(self->zoom_window), (gint)(width * scale),
				    (gint)(height * scale) + 50);
	g_signal_connect(self->zoom_window, "key-press-event",
			 G_CALLBACK(ub_pinout_view_zoom_key_cb), NULL);
	gtk_window_present(GTK_WINDOW(self->zoom_window));
}

GtkWindow *
ub_pinout_view_get_zoom_window(UbPinoutView *self)
{
	g_return_val_if_fail(UB_IS_PINOUT_VIEW(self), NULL);
	return self->zoom_window != NULL ? GTK_WINDOW(self->zoom_window) : NULL;
}

static gboolean
ub_pinout_view_button_release_event(GtkWidget *widget, GdkEventButton *event)
{
	UbPinoutView *self = UB_PINOUT_VIEW(widget);

	if (!self->zoomable || event->button != GDK_BUTTON_PRIMARY)
		return GDK_EVENT_PROPAGATE;
	ub_pinout_view_open_zoom(self);
	return GDK_EVENT_STOP;
}

static gboolean
ub_pinout_view_key_press_event(GtkWidget *widget, GdkEventKey *event)
{
	UbPinoutView *self = UB_PINOUT_VIEW(widget);

	if (self->zoomable && (event->keyval == GDK_KEY_Return ||
			       event->keyval == GDK_KEY_KP_Enter || event->keyval == GDK_KEY_space)) {
		ub_pinout_view_open_zoom(self);
		return GDK_EVENT_STOP;
	}
	return GTK_WIDGET_CLASS(ub_pinout_view_parent_class)->key_press_event(widget, event);
}

static void
frame_began_cb(UbPinoutView *self)
{
	self->in_frame = TRUE;
}

static void
frame_ended_cb(UbPinoutView *self)
{
	self->in_frame = FALSE;
}

/* a hidden page keeps no pixels: they are made again when it shows */
static void
picture_drop(UbPinoutView *self)
{
	if (self->rasterizing != NULL)
		g_cancellable_cancel(self->rasterizing);
	g_clear_object(&self->rasterizing);
	g_clear_pointer(&self->picture, cairo_surface_destroy);
}

static void
ub_pinout_view_unrealize(GtkWidget *widget)
{
	UbPinoutView *self = UB_PINOUT_VIEW(widget);

	g_clear_signal_handler(&self->before_paint_id, self->clock);
	g_clear_signal_handler(&self->after_paint_id, self->clock);
	g_clear_object(&self->clock);
	self->in_frame = FALSE;
	GTK_WIDGET_CLASS(ub_pinout_view_parent_class)->unrealize(widget);
}

static void
ub_pinout_view_realize(GtkWidget *widget)
{
	UbPinoutView *self = UB_PINOUT_VIEW(widget);

	GTK_WIDGET_CLASS(ub_pinout_view_parent_class)->realize(widget);
	self->clock = g_object_ref(gtk_widget_get_frame_clock(widget));
	self->before_paint_id = g_signal_connect_swapped(self->clock, "before-paint",
							 G_CALLBACK(frame_began_cb), self);
	self->after_paint_id = g_signal_connect_swapped(self->clock, "after-paint",
							G_CALLBACK(frame_ended_cb), self);
	if (self->zoomable) {
		g_autoptr(GdkCursor) cursor =
		    gdk_cursor_new_from_name(gtk_widget_get_display(widget), "zoom-in");
		gdk_window_set_cursor(gtk_widget_get_window(widget), cursor);
	}
}

/* the full-size picture belongs to the page it came from: leaving the page closes it */
static void
ub_pinout_view_unmap(GtkWidget *widget)
{
	UbPinoutView *self = UB_PINOUT_VIEW(widget);

	if (self->zoom_window != NULL)
		gtk_widget_destroy(self->zoom_window);
	picture_drop(self);
	GTK_WIDGET_CLASS(ub_pinout_view_parent_class)->unmap(widget);
}

static void
ub_pinout_view_dispose(GObject *object)
{
	UbPinoutView *self = UB_PINOUT_VIEW(object);

	if (self->zoom_window != NULL)
		gtk_widget_destroy(self->zoom_window);
	picture_drop(self);
	G_OBJECT_CLASS(ub_pinout_view_parent_class)->dispose(object);
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

	object_class->dispose = ub_pinout_view_dispose;
	object_class->finalize = ub_pinout_view_finalize;
	widget_class->draw = ub_pinout_view_draw;
	widget_class->get_preferred_width = ub_pinout_view_get_preferred_width;
	widget_class->get_preferred_height = ub_pinout_view_get_preferred_height;
	widget_class->get_preferred_height_for_width = ub_pinout_view_get_preferred_height_for_width;
	widget_class->get_request_mode = ub_pinout_view_get_request_mode;
	widget_class->style_updated = ub_pinout_view_style_updated;
	widget_class->button_release_event = ub_pinout_view_button_release_event;
	widget_class->key_press_event = ub_pinout_view_key_press_event;
	widget_class->realize = ub_pinout_view_realize;
	widget_class->unrealize = ub_pinout_view_unrealize;
	widget_class->unmap = ub_pinout_view_unmap;
	gtk_widget_class_set_css_name(widget_class, "ub-pinout-view");
}

static void
ub_pinout_view_init(UbPinoutView *self)
{
	self->focus = -1;
	self->max_zoom = DEFAULT_MAX_ZOOM;
	gtk_widget_add_events(GTK_WIDGET(self), GDK_BUTTON_PRESS_MASK | GDK_BUTTON_RELEASE_MASK |
							GDK_KEY_PRESS_MASK);
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
	self->focus = -1;
	rebuild(self);
}

UbWiringPlan *
ub_pinout_view_get_plan(UbPinoutView *self)
{
	g_return_val_if_fail(UB_IS_PINOUT_VIEW(self), NULL);
	return self->plan;
}

/* a picture made elsewhere; it is drawn as it is (no plan, highlight or notes of the view's) */
void
ub_pinout_view_set_render(UbPinoutView *self, UbPinoutRender *render)
{
	g_return_if_fail(UB_IS_PINOUT_VIEW(self));
	g_return_if_fail(render == NULL || UB_IS_PINOUT_RENDER(render));

	if (self->render == render)
		return;
	g_clear_object(&self->plan);
	g_set_object(&self->render, render);
	if (render != NULL && ub_pinout_render_get_plan(render) != NULL)
		self->plan = g_object_ref(ub_pinout_render_get_plan(render));
	update_accessible(self);
	self->generation++;
	gtk_widget_queue_resize(GTK_WIDGET(self));
}

UbPinoutRender *
ub_pinout_view_get_render(UbPinoutView *self)
{
	g_return_val_if_fail(UB_IS_PINOUT_VIEW(self), NULL);
	return self->render;
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
	picture_changed(self);
}

void
ub_pinout_view_set_focus(UbPinoutView *self, gint wire_index)
{
	g_return_if_fail(UB_IS_PINOUT_VIEW(self));
	self->focus = MAX(wire_index, -1);
	if (self->render != NULL && self->plan != NULL)
		ub_pinout_render_set_focus(self->render, self->focus);
	/* the full-size picture follows the step */
	if (self->zoom_window != NULL)
		ub_pinout_view_set_focus(
		    g_object_get_data(G_OBJECT(self->zoom_window), "ub-pinout-view"), self->focus);
	picture_changed(self);
}

gint
ub_pinout_view_get_focus(UbPinoutView *self)
{
	g_return_val_if_fail(UB_IS_PINOUT_VIEW(self), -1);
	return self->focus;
}

/* without the list the picture has room to be larger; the caller says the wires in words */
void
ub_pinout_view_set_show_wire_list(UbPinoutView *self, gboolean show_wire_list)
{
	g_return_if_fail(UB_IS_PINOUT_VIEW(self));
	if (self->hide_wire_list == !show_wire_list)
		return;
	self->hide_wire_list = !show_wire_list;
	rebuild(self);
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

void
ub_pinout_view_set_max_zoom(UbPinoutView *self, gdouble max_zoom)
{
	g_return_if_fail(UB_IS_PINOUT_VIEW(self));
	g_return_if_fail(max_zoom > 0.0);
	self->max_zoom = max_zoom;
	picture_changed(self);
}

/* a thumbnail: exactly this size, the picture scaled into it (0, 0: the picture's own size) */
void
ub_pinout_view_set_fixed_size(UbPinoutView *self, gint width, gint height)
{
	g_return_if_fail(UB_IS_PINOUT_VIEW(self));
	self->fixed_width = width;
	self->fixed_height = height;
	gtk_widget_queue_resize(GTK_WIDGET(self));
}

void
ub_pinout_view_set_zoomable(UbPinoutView *self, gboolean zoomable)
{
	g_return_if_fail(UB_IS_PINOUT_VIEW(self));
	self->zoomable = zoomable;
	gtk_widget_set_can_focus(GTK_WIDGET(self), zoomable);
	gtk_widget_set_tooltip_text(GTK_WIDGET(self),
				    zoomable ? _("Click to see the drawing full size") : NULL);
}

gboolean
ub_pinout_view_get_picture_ready(UbPinoutView *self)
{
	UbPictureKey key;

	g_return_val_if_fail(UB_IS_PINOUT_VIEW(self), FALSE);
	key = picture_key_now(self);
	return self->picture != NULL && picture_key_equal(&self->picture_key, &key);
}
