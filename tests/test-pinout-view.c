/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gtk/gtk.h>

#include "ub-board-db.h"
#include "ub-pinout-view.h"
#include "ub-probe-db.h"

static UbWiringPlan *
load_plan(const gchar *board_id, const gchar *probe_id)
{
	g_autoptr(UbBoardDb) boards = ub_board_db_new();
	g_autoptr(UbProbeDb) probes = ub_probe_db_new();
	g_autoptr(GError) error = NULL;

	g_assert_true(ub_board_db_load(boards, &error));
	g_assert_true(ub_probe_db_load(probes, &error));
	return ub_wiring_plan_new(ub_board_db_lookup(boards, board_id),
	                          ub_probe_db_lookup(probes, probe_id));
}

/* luminance of the widget's top-left pixel when drawn at its natural size */
static gdouble
corner_luma(GtkWidget *view)
{
	GtkAllocation allocation;
	cairo_surface_t *surface;
	cairo_t *cr;
	guint32 argb;
	gdouble luma;

	gtk_widget_get_allocation(view, &allocation);
	surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, allocation.width,
	                                     allocation.height);
	cr = cairo_create(surface);
	gtk_widget_draw(view, cr);
	cairo_surface_flush(surface);
	argb = *(guint32 *)(cairo_image_surface_get_data(surface) +
	                    4 * cairo_image_surface_get_stride(surface) + 16);
	luma = (0.3 * ((argb >> 16) & 0xff) + 0.59 * ((argb >> 8) & 0xff) + 0.11 * (argb & 0xff)) /
	       255.0;
	cairo_destroy(cr);
	cairo_surface_destroy(surface);
	return luma;
}

static void
test_view(void)
{
	g_autoptr(UbWiringPlan) plan = load_plan("vesc-4.12", "stlink-v2");
	GtkWidget *window;
	GtkWidget *view;
	g_autofree gchar *description = NULL;
	AtkObject *accessible;
	const UbSignal suspects[] = {UB_SIGNAL_SWDIO, UB_SIGNAL_NONE};
	gint minimum = 0;
	gint natural = 0;
	gdouble light;
	gdouble dark;

	if (!gtk_init_check(NULL, NULL)) {
		g_test_skip("no display (run under xvfb-run)");
		return;
	}
	g_object_set(gtk_settings_get_default(), "gtk-theme-name", "Adwaita",
	             "gtk-application-prefer-dark-theme", FALSE, NULL);
	window = gtk_offscreen_window_new();
	view = ub_pinout_view_new();
	gtk_container_add(GTK_CONTAINER(window), view);

	/* no plan: a small placeholder size and an empty description */
	g_assert_null(ub_pinout_view_get_plan(UB_PINOUT_VIEW(view)));
	description = ub_pinout_view_get_description(UB_PINOUT_VIEW(view));
	g_assert_cmpstr(description, ==, "");
	g_clear_pointer(&description, g_free);

	ub_pinout_view_set_plan(UB_PINOUT_VIEW(view), plan);
	gtk_widget_show(view); /* hidden widgets request no size */
	gtk_widget_get_preferred_width(view, &minimum, &natural);
	g_assert_cmpint(natural, >=, 600);
	g_assert_cmpint(minimum, <, natural);

	/* the accessible description lists every wire as text */
	accessible = gtk_widget_get_accessible(view);
	description = g_strdup(atk_object_get_description(accessible));
	g_assert_nonnull(strstr(description, "SWDIO, yellow wire: probe pin 7 “TMS/SWDIO” to board "
					    "pin 4 “DIO”"));
	g_assert_nonnull(strstr(description, "probe pin 1 “VAPP” to board pin 1"));
	/* one line per wire, numbered */
	g_assert_nonnull(strstr(description, "\n2. "));
	g_assert_cmpstr(atk_object_get_name(accessible), ==, "Wiring diagram");
	g_assert_cmpint(atk_object_get_role(accessible), ==, ATK_ROLE_IMAGE);

	ub_pinout_view_set_highlight(UB_PINOUT_VIEW(view), suspects);
	gtk_widget_show_all(window);
	while (gtk_events_pending())
		gtk_main_iteration();
	light = corner_luma(view);

	/* the canvas follows the theme */
	g_object_set(gtk_settings_get_default(), "gtk-application-prefer-dark-theme", TRUE, NULL);
	while (gtk_events_pending())
		gtk_main_iteration();
	dark = corner_luma(view);
	g_test_message("corner luminance light %.2f dark %.2f", light, dark);
	g_assert_cmpfloat(light, >, 0.7);
	g_assert_cmpfloat(dark, <, 0.4);

	ub_pinout_view_set_plan(UB_PINOUT_VIEW(view), NULL);
	gtk_widget_destroy(window);
}

/* any of the renderer's pictures; a thumbnail keeps its size; a zoomable view opens the same
 * picture full size (with the wire list the small one left out) and closes on Escape */
static void
test_render_and_zoom(void)
{
	g_autoptr(UbWiringPlan) plan = load_plan("focbox", "stlink-v2-clone-a");
	g_autoptr(UbPinoutRender) nrst = NULL;
	GtkWidget *window;
	GtkWidget *view;
	GtkWindow *zoom;
	UbPinoutView *big;
	g_autofree gchar *description = NULL;
	gint minimum = 0;
	gint natural = 0;
	gdouble list_h = 0.0;
	gdouble bare_h = 0.0;
	GdkEvent *event;

	if (!gtk_init_check(NULL, NULL)) {
		g_test_skip("no display (run under xvfb-run)");
		return;
	}
	window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
	view = ub_pinout_view_new();
	gtk_container_add(GTK_CONTAINER(window), view);

	nrst = ub_pinout_render_new_nrst(ub_wiring_plan_get_board(plan), FALSE);
	ub_pinout_view_set_render(UB_PINOUT_VIEW(view), nrst);
	g_assert_true(ub_pinout_view_get_render(UB_PINOUT_VIEW(view)) == nrst);
	g_assert_null(ub_pinout_view_get_plan(UB_PINOUT_VIEW(view)));
	description = ub_pinout_view_get_description(UB_PINOUT_VIEW(view));
	g_assert_nonnull(strstr(description, "pin 7"));
	g_assert_cmpstr(atk_object_get_name(gtk_widget_get_accessible(view)), ==,
	                "Where the reset pin is");
	ub_pinout_view_set_fixed_size(UB_PINOUT_VIEW(view), 140, 150);
	gtk_widget_show(view);
	gtk_widget_get_preferred_width(view, &minimum, &natural);
	g_assert_cmpint(natural, ==, 140);

	/* the wiring plan without its list is smaller: the stepper says the wires in words */
	ub_pinout_view_set_fixed_size(UB_PINOUT_VIEW(view), 0, 0);
	ub_pinout_view_set_plan(UB_PINOUT_VIEW(view), plan);
	ub_pinout_render_get_size(ub_pinout_view_get_render(UB_PINOUT_VIEW(view)), NULL, &list_h);
	ub_pinout_view_set_show_wire_list(UB_PINOUT_VIEW(view), FALSE);
	ub_pinout_render_get_size(ub_pinout_view_get_render(UB_PINOUT_VIEW(view)), NULL, &bare_h);
	g_assert_cmpfloat(bare_h, <, list_h);
	/* it keeps its shape: taller when wider */
	gtk_widget_get_preferred_height_for_width(view, 400, NULL, &minimum);
	gtk_widget_get_preferred_height_for_width(view, 800, NULL, &natural);
	g_assert_cmpint(natural, >, minimum);

	ub_pinout_view_set_focus(UB_PINOUT_VIEW(view), 1);
	ub_pinout_view_set_zoomable(UB_PINOUT_VIEW(view), TRUE);
	g_assert_true(gtk_widget_get_can_focus(view));
	gtk_widget_show_all(window);
	while (gtk_events_pending())
		gtk_main_iteration();
	g_assert_null(ub_pinout_view_get_zoom_window(UB_PINOUT_VIEW(view)));
	ub_pinout_view_open_zoom(UB_PINOUT_VIEW(view));
	zoom = ub_pinout_view_get_zoom_window(UB_PINOUT_VIEW(view));
	g_assert_nonnull(zoom);
	g_assert_true(gtk_window_get_transient_for(zoom) == GTK_WINDOW(window));
	big = UB_PINOUT_VIEW(gtk_bin_get_child(GTK_BIN(zoom)));
	g_assert_true(ub_pinout_view_get_plan(big) == plan);
	g_assert_cmpint(ub_pinout_view_get_focus(big), ==, 1);
	ub_pinout_render_get_size(ub_pinout_view_get_render(big), NULL, &bare_h);
	g_assert_cmpfloat(bare_h, ==, list_h);
	/* a second open raises the same window */
	ub_pinout_view_open_zoom(UB_PINOUT_VIEW(view));
	g_assert_true(ub_pinout_view_get_zoom_window(UB_PINOUT_VIEW(view)) == zoom);

	while (gtk_events_pending())
		gtk_main_iteration();
	event = gdk_event_new(GDK_KEY_PRESS);
	event->key.window = g_object_ref(gtk_widget_get_window(GTK_WIDGET(zoom)));
	event->key.keyval = GDK_KEY_Escape;
	gtk_widget_event(GTK_WIDGET(zoom), event);
	gdk_event_free(event);
	g_assert_null(ub_pinout_view_get_zoom_window(UB_PINOUT_VIEW(view)));
	gtk_widget_destroy(window);
}

/* Issue 16: inside the window's frames the picture's pixels are made in a worker thread; a
 * change of step makes them old, and new ones arrive without the test drawing anything */
static gboolean
picture_ready_within(UbPinoutView *view, guint timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000;

	while (!ub_pinout_view_get_picture_ready(view) && g_get_monotonic_time() < deadline)
		g_main_context_iteration(NULL, FALSE);
	return ub_pinout_view_get_picture_ready(view);
}

static void
test_picture_in_worker(void)
{
	g_autoptr(UbWiringPlan) plan = load_plan("vesc-4.12", "stlink-v2");
	GtkWidget *window;
	GtkWidget *view;

	if (!gtk_init_check(NULL, NULL)) {
		g_test_skip("no display");
		return;
	}
	window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
	view = ub_pinout_view_new();
	ub_pinout_view_set_plan(UB_PINOUT_VIEW(view), plan);
	gtk_window_set_default_size(GTK_WINDOW(window), 700, 500);
	gtk_container_add(GTK_CONTAINER(window), view);
	gtk_widget_show_all(window);
	g_assert_true(picture_ready_within(UB_PINOUT_VIEW(view), 5000));
	ub_pinout_view_set_focus(UB_PINOUT_VIEW(view), 1);
	g_assert_false(ub_pinout_view_get_picture_ready(UB_PINOUT_VIEW(view)));
	g_assert_true(picture_ready_within(UB_PINOUT_VIEW(view), 5000));
	/* a hidden picture keeps no pixels */
	gtk_widget_hide(window);
	g_assert_false(ub_pinout_view_get_picture_ready(UB_PINOUT_VIEW(view)));
	gtk_widget_destroy(window);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ui/pinout-view/theme-and-description", test_view);
	g_test_add_func("/ui/pinout-view/render-and-zoom", test_render_and_zoom);
	g_test_add_func("/ui/pinout-view/picture-in-worker", test_picture_in_worker);
	return g_test_run();
}
