/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gtk/gtk.h>

#include "ub-resources.h"
#include "ub-ui.h"

/* GTK's own copy of Adwaita's PNG check mark, one of those adwaita-marks.css names: the
 * override is only sound where the theme is Adwaita and this GTK carries the marks (3.24.30
 * on), and only at scale 1, where the 14-pixel PNGs are drawn pixel for pixel */
#define UB_ADWAITA_MARK "/org/gtk/libgtk/theme/Adwaita/assets/check-symbolic.symbolic.png"

static gboolean
ub_ui_marks_apply(GdkScreen *screen)
{
	GdkDisplay *display = gdk_screen_get_display(screen);
	g_autofree char *theme = NULL;

	g_object_get(gtk_settings_get_for_screen(screen), "gtk-theme-name", &theme, NULL);
	if (g_strcmp0(theme, "Adwaita") != 0 && g_strcmp0(theme, "Adwaita-dark") != 0)
		return FALSE;
	for (int i = 0; i < gdk_display_get_n_monitors(display); i++) {
		if (gdk_monitor_get_scale_factor(gdk_display_get_monitor(display, i)) != 1)
			return FALSE;
	}
	return TRUE;
}

static void
ub_ui_marks_update(GdkScreen *screen)
{
	GtkStyleProvider *marks = g_object_get_data(G_OBJECT(screen), "ub-adwaita-marks");

	/* removing a provider that is not there is harmless; adding one twice is not */
	gtk_style_context_remove_provider_for_screen(screen, marks);
	if (ub_ui_marks_apply(screen))
		gtk_style_context_add_provider_for_screen(screen, marks,
							  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
ub_ui_theme_changed_cb(GtkSettings *settings, GParamSpec *pspec, gpointer screen)
{
	ub_ui_marks_update(GDK_SCREEN(screen));
}

static void
ub_ui_monitors_changed_cb(GdkScreen *screen, gpointer user_data)
{
	ub_ui_marks_update(screen);
}

/* Adwaita's check and radio marks from the theme's PNGs instead of its SVGs, where that draws
 * the same: see adwaita-marks.css for why */
static void
ub_ui_add_adwaita_marks(GdkScreen *screen)
{
	GtkCssProvider *marks;

	if (!g_resources_get_info(UB_ADWAITA_MARK, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL))
		return;
	marks = gtk_css_provider_new();
	gtk_css_provider_load_from_resource(marks, "/io/github/unbrick/Unbrick/adwaita-marks.css");
	g_object_set_data_full(G_OBJECT(screen), "ub-adwaita-marks", marks, g_object_unref);
	g_signal_connect_object(gtk_settings_get_for_screen(screen), "notify::gtk-theme-name",
				G_CALLBACK(ub_ui_theme_changed_cb), screen, 0);
	g_signal_connect(screen, "monitors-changed", G_CALLBACK(ub_ui_monitors_changed_cb), NULL);
	ub_ui_marks_update(screen);
}

void
ub_ui_init(GdkScreen *screen)
{
	static gsize initialized = 0;

	g_return_if_fail(GDK_IS_SCREEN(screen));
	if (g_once_init_enter(&initialized)) {
		g_autoptr(GtkCssProvider) provider = gtk_css_provider_new();

		/* referencing the resource keeps the linker from dropping it out of the static
		 * library; its constructor has registered it already */
		g_assert(ub_get_resource() != NULL);
		gtk_css_provider_load_from_resource(provider, "/io/github/unbrick/Unbrick/style.css");
		/* keyboard focus lands on the first control of a page, sometimes a selectable label
		 * (wire lists, instructions): all of its text turning blue looks like a mistake */
		g_object_set(gtk_settings_get_for_screen(screen), "gtk-label-select-on-focus", FALSE,
			     NULL);
		/* the wizard's own icons (the spinner's), looked up by name like the theme's */
		gtk_icon_theme_add_resource_path(gtk_icon_theme_get_for_screen(screen),
						 "/io/github/unbrick/Unbrick/icons");
		gtk_style_context_add_provider_for_screen(screen, GTK_STYLE_PROVIDER(provider),
							  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
		ub_ui_add_adwaita_marks(screen);
		g_once_init_leave(&initialized, 1);
	}
}

void
ub_ui_add_accelerators(GtkApplication *application)
{
	const char *back_accels[] = {"<Alt>Left", NULL};
	const char *next_accels[] = {"<Alt>Right", NULL};
	const char *cancel_accels[] = {"Escape", NULL};

	g_return_if_fail(GTK_IS_APPLICATION(application));
	gtk_application_set_accels_for_action(application, "win.back", back_accels);
	gtk_application_set_accels_for_action(application, "win.next", next_accels);
	gtk_application_set_accels_for_action(application, "win.cancel", cancel_accels);
}
