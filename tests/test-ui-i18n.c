/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LANGUAGE=de (or es) shows the wizard in that language: the templates, the header bar and
 * the error table, from the catalogues this build compiled (build/po). Runs under Xvfb.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <locale.h>

#include "ub-error-text.h"
#include "ub-error.h"
#include "ub-ui.h"
#include "ub-window-private.h"

static gboolean have_display;

static UbWindow *
open_window(GtkApplication **application_out)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(UbSession) session = ub_session_new(NULL);
	GtkApplication *application = gtk_application_new(NULL, G_APPLICATION_NON_UNIQUE);

	g_assert_true(g_application_register(G_APPLICATION(application), NULL, &error));
	ub_ui_init(gdk_screen_get_default());
	*application_out = application;
	return ub_window_new(application, session);
}

static void
test_language(gconstpointer data)
{
	const char *language = data;
	g_autoptr(GtkApplication) application = NULL;
	g_autoptr(GError) error = g_error_new_literal(UB_PROBE_ERROR, UB_PROBE_ERROR_NOT_FOUND, "x");
	g_autoptr(UbBoardDb) boards = ub_board_db_new();
	g_autoptr(UbProbeDb) probes = ub_probe_db_new();
	g_autoptr(GError) error_load = NULL;
	UbErrorText text;
	UbWindow *window;
	const char *next;

	if (!have_display) {
		g_test_skip("no display (run under xvfb-run)");
		return;
	}
	g_setenv("LANGUAGE", language, TRUE);
	/* gettext caches its lookups: tell it the language changed */
	textdomain(GETTEXT_PACKAGE);
	window = open_window(&application);
	next = gtk_button_get_label(GTK_BUTTON(ub_window_get_next_button(window)));
	ub_error_text_lookup(error, &text);
	/* the data files' texts too, translated as the core loads them */
	g_assert_true(ub_board_db_load(boards, &error_load));
	g_assert_no_error(error_load);
	g_assert_true(ub_probe_db_load(probes, &error_load));
	g_assert_no_error(error_load);
	if (g_strcmp0(language, "de") == 0) {
		g_assert_cmpstr(next, ==, "_Weiter");
		g_assert_cmpstr(text.title, ==, "Kein Debug-Adapter gefunden");
		g_assert_cmpstr(ub_board_get_name(ub_board_db_lookup(boards, "focbox")), ==,
				"Enertion FOCBOX (einkanalig)");
		g_assert_cmpstr(ub_probe_model_get_notes(
				    ub_probe_db_lookup(probes, "stlink-v2-clone-a"))[2], ==,
				"Kein SWO.");
	} else {
		g_assert_cmpstr(next, ==, "_Siguiente");
		g_assert_cmpstr(text.title, ==, "No se encontró ninguna sonda de depuración");
		g_assert_cmpstr(ub_board_get_name(ub_board_db_lookup(boards, "focbox")), ==,
				"Enertion FOCBOX (sencilla)");
		g_assert_cmpstr(ub_probe_model_get_notes(
				    ub_probe_db_lookup(probes, "stlink-v2-clone-a"))[2], ==,
				"Sin SWO.");
	}
	/* a template of a page, not only the window */
	g_assert_cmpstr(gtk_label_get_label(ub_page_welcome_get_board_hint(
			    ub_window_get_page(window, "welcome"))),
			!=, "Choose your board to go on. The choice decides the wiring drawing and "
			    "which firmware fits.");
	gtk_widget_destroy(GTK_WIDGET(window));
}

/* the longer words of German and Spanish fit the window's default width on every page, in
 * each of its states that adds words (the wiring checklist, a board's notes and picture) */
static void
test_fits_default_width(gconstpointer data)
{
	const char *language = data;
	g_autoptr(GtkApplication) application = NULL;
	const char *const *names = ub_wizard_get_page_names();
	UbWindow *window;
	gint default_width = 0;

	if (!have_display) {
		g_test_skip("no display (run under xvfb-run)");
		return;
	}
	g_setenv("LANGUAGE", language, TRUE);
	textdomain(GETTEXT_PACKAGE);
	window = open_window(&application);
	gtk_window_get_default_size(GTK_WINDOW(window), &default_width, NULL);
	g_assert_true(gtk_combo_box_set_active_id(
	    ub_page_welcome_get_board_combo(ub_window_get_page(window, "welcome")), "focbox"));
	for (guint i = 0; names[i] != NULL; i++) {
		gint minimum = 0;

		g_assert_true(ub_window_show_page(window, names[i]));
		gtk_widget_get_preferred_width(GTK_WIDGET(ub_window_get_stack(window)), &minimum,
					       NULL);
		g_test_message("%s %s: the pages need %d px", language, names[i], minimum);
		/* the steps sidebar (170 px and its separator) sits beside the pages */
		g_assert_cmpint(minimum + 171, <=, default_width);
	}
	gtk_widget_destroy(GTK_WIDGET(window));
}

int
main(int argc, char **argv)
{
	g_autofree char *localedir = NULL;

	/* C.UTF-8 is not "C": gettext honours LANGUAGE with it */
	setlocale(LC_ALL, "");
	g_test_init(&argc, &argv, NULL);
	localedir = g_test_build_filename(G_TEST_BUILT, "..", "po", NULL);
	bindtextdomain(GETTEXT_PACKAGE, localedir);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);
	have_display = gtk_init_check(&argc, &argv);

	g_test_add_data_func("/ui/i18n/german", "de", test_language);
	g_test_add_data_func("/ui/i18n/spanish", "es", test_language);
	g_test_add_data_func("/ui/i18n/german-fits", "de", test_fits_default_width);
	g_test_add_data_func("/ui/i18n/spanish-fits", "es", test_fits_default_width);
	return g_test_run();
}
