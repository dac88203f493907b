/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gtk/gtk.h>

#include "ub-resources.h"
#include "ub-ui.h"

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
		gtk_style_context_add_provider_for_screen(screen, GTK_STYLE_PROVIDER(provider),
							  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
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
