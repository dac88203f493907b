/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wizard as a person uses it: the real window, driven through its widgets (clicks,
 * activation), with bounded waits on what the widgets show. Runs under Xvfb (tests/meson.build
 * wraps it in xvfb-run); without a display every case is skipped.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <gtk/gtk.h>
#include <unistd.h>

#include "ub-firmware-row.h"
#include "ub-flash-job.h"
#include "ub-flash-journal.h"
#include "ub-font-warmup.h"
#include "ub-page.h"
#include "ub-probe-row.h"
#include "ub-sim-board.h"
#include "ub-transport-sim.h"
#include "ub-ui.h"
#include "ub-test-lsan.h"
#include "ub-window-private.h"
#include "ub-test-archive-server.h"
#include "ub-test-firmware.h"

#define UB_WAIT_TIMEOUT_MS 5000
/* a whole backup + erase + write + verify on the simulator, paced like the real chip */
#define UB_FLASH_TIMEOUT_MS 180000

typedef struct {
	GtkApplication *application;
	UbSimBoard *bench; /* the demo's, or NULL */
	UbSession *session;
	UbWindow *window;
	char *dir; /* backups and journals of this test only */
} Fixture;

typedef gboolean (*UbCondition)(Fixture *fixture, gconstpointer data);

static gboolean have_display;
/* what a test puts in place before the window opens (a journal on disk, …) */
static void (*fixture_prepare)(Fixture *fixture);

static gboolean
wake_cb(gpointer user_data)
{
	return G_SOURCE_CONTINUE;
}

/* iterates the main context until @condition holds or the deadline passes; a wake-up source
 * keeps g_main_context_iteration() from blocking past the deadline */
static gboolean
wait_for_ms(Fixture *fixture, UbCondition condition, gconstpointer data, guint timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	guint wake_id = g_timeout_add(10, wake_cb, NULL);
	gboolean ok;

	while (!(ok = condition(fixture, data)) && g_get_monotonic_time() < deadline)
		g_main_context_iteration(NULL, TRUE);
	g_source_remove(wake_id);
	return ok;
}

static gboolean
wait_for(Fixture *fixture, UbCondition condition, gconstpointer data)
{
	return wait_for_ms(fixture, condition, data, UB_WAIT_TIMEOUT_MS);
}

static gboolean
window_mapped(Fixture *fixture, gconstpointer data)
{
	return gtk_widget_get_mapped(GTK_WIDGET(fixture->window));
}

static gboolean
page_is(Fixture *fixture, gconstpointer data)
{
	return g_strcmp0(ub_window_get_page_name(fixture->window), data) == 0;
}

static gboolean
next_sensitive(Fixture *fixture, gconstpointer data)
{
	return gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)) ==
	       GPOINTER_TO_INT(data);
}

/* a key press as the X server would deliver it to the focused toplevel */
static void
send_key(Fixture *fixture, guint keyval, GdkModifierType state)
{
	GdkWindow *window = gtk_widget_get_window(GTK_WIDGET(fixture->window));
	GdkDisplay *display = gdk_window_get_display(window);
	GdkSeat *seat = gdk_display_get_default_seat(display);
	g_autofree GdkKeymapKey *keys = NULL;
	gint n_keys = 0;
	GdkEvent *event;

	g_assert_true(gdk_keymap_get_entries_for_keyval(gdk_keymap_get_for_display(display),
							keyval, &keys, &n_keys));
	for (guint i = 0; i < 2; i++) {
		event = gdk_event_new(i == 0 ? GDK_KEY_PRESS : GDK_KEY_RELEASE);
		event->key.window = g_object_ref(window);
		event->key.time = GDK_CURRENT_TIME;
		event->key.state = state;
		event->key.keyval = keyval;
		event->key.hardware_keycode = (guint16)keys[0].keycode;
		event->key.group = (guint8)keys[0].group;
		gdk_event_set_device(event, gdk_seat_get_keyboard(seat));
		gtk_main_do_event(event);
		gdk_event_free(event);
	}
}

/* the page in view needs no scrolling at the window's size */
static void
assert_fits(Fixture *fixture)
{
	GtkWidget *scrolled = gtk_widget_get_ancestor(GTK_WIDGET(ub_window_get_stack(fixture->window)),
						      GTK_TYPE_SCROLLED_WINDOW);
	GtkAdjustment *vadjustment;

	/* let the page's size settle into an allocation */
	for (guint i = 0; i < 5; i++)
		while (g_main_context_iteration(NULL, FALSE))
			;
	g_assert_nonnull(scrolled);
	vadjustment = gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(scrolled));
	g_test_message("%s: %.0f of %.0f px", ub_window_get_page_name(fixture->window),
		       gtk_adjustment_get_upper(vadjustment),
		       gtk_adjustment_get_page_size(vadjustment));
	g_assert_cmpfloat(gtk_adjustment_get_upper(vadjustment), <=,
			  gtk_adjustment_get_page_size(vadjustment) + 1.0);
}

/* a left click as the X server delivers it: press and release on the widget's window */
static void
click_widget(GtkWidget *widget)
{
	GdkWindow *window = gtk_widget_get_window(widget);
	GdkSeat *seat = gdk_display_get_default_seat(gdk_window_get_display(window));
	GtkAllocation allocation;

	gtk_widget_get_allocation(widget, &allocation);
	for (guint i = 0; i < 2; i++) {
		GdkEvent *event = gdk_event_new(i == 0 ? GDK_BUTTON_PRESS : GDK_BUTTON_RELEASE);

		event->button.window = g_object_ref(window);
		event->button.time = GDK_CURRENT_TIME;
		event->button.button = GDK_BUTTON_PRIMARY;
		event->button.x = allocation.width / 2.0;
		event->button.y = allocation.height / 2.0;
		gdk_event_set_device(event, gdk_seat_get_pointer(seat));
		gtk_main_do_event(event);
		gdk_event_free(event);
	}
}

static void
fixture_setup(Fixture *fixture, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	if (!have_display) {
		g_test_skip("no display (run under xvfb-run)");
		return;
	}
	/* backups and job journals go where this test alone looks */
	fixture->dir = g_dir_make_tmp("ub-ui-wizard-XXXXXX", &error);
	g_assert_no_error(error);
	{
		g_autofree char *backups = g_build_filename(fixture->dir, "backups", NULL);
		g_autofree char *jobs = g_build_filename(fixture->dir, "jobs", NULL);
		g_setenv("UB_BACKUP_DIR", backups, TRUE);
		g_setenv("UB_STATE_DIR", jobs, TRUE);
	}
	if (fixture_prepare != NULL)
		fixture_prepare(fixture);
	fixture->application = gtk_application_new(NULL, G_APPLICATION_NON_UNIQUE);
	g_assert_true(g_application_register(G_APPLICATION(fixture->application), NULL, &error));
	g_assert_no_error(error);
	ub_ui_add_accelerators(fixture->application);
	ub_ui_init(gdk_screen_get_default());
	if (data != NULL) {
		/* "NAME+paced": the bench runs at the hardware's pace, so a test can act in the
		 * middle of a job however fast or loaded the machine is */
		g_auto(GStrv) parts = g_strsplit(data, "+", 2);
		g_autoptr(UbSimBoard) bench = ub_sim_board_new_from_name(parts[0], &error);
		g_assert_no_error(error);
		ub_sim_clock_set_realtime(ub_sim_board_get_clock(bench),
					  g_strcmp0(parts[1], "paced") == 0);
		fixture->session = ub_session_new(UB_TRANSPORT_PROVIDER(bench));
		/* as app/main.c does: the demo knows what its bench is */
		ub_session_set_demo_hardware(fixture->session, ub_sim_board_get_board_id(bench),
					     ub_sim_board_get_probe_model_id(bench));
		fixture->bench = g_steal_pointer(&bench);
	} else {
		fixture->session = ub_session_new(NULL);
	}
	fixture->window = ub_window_new(fixture->application, fixture->session);
	gtk_window_present(GTK_WINDOW(fixture->window));
	g_assert_true(wait_for(fixture, window_mapped, NULL));
}

static void prepare_journal(Fixture *fixture);

static void
fixture_setup_journal(Fixture *fixture, gconstpointer data)
{
	fixture_prepare = prepare_journal;
	fixture_setup(fixture, data);
}

static void
wait_async_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	*(GAsyncResult **)user_data = g_object_ref(result);
}

static void
fixture_teardown(Fixture *fixture, gconstpointer data)
{
	if (fixture->window != NULL)
		gtk_widget_destroy(GTK_WIDGET(fixture->window));
	g_clear_object(&fixture->session);
	g_clear_object(&fixture->bench);
	g_clear_object(&fixture->application);
	if (fixture->dir != NULL)
		ub_test_remove_tree(fixture->dir);
	g_clear_pointer(&fixture->dir, g_free);
	fixture_prepare = NULL;
}

/* Next stays off until a board is chosen; Back is never offered on the first page */
static void
test_welcome_needs_board(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page;
	GtkComboBox *combo;

	if (fixture->window == NULL)
		return;
	page = ub_window_get_page(fixture->window, "welcome");
	combo = ub_page_welcome_get_board_combo(page);
	g_assert_cmpstr(ub_window_get_page_name(fixture->window), ==, "welcome");
	g_assert_false(gtk_widget_get_sensitive(ub_window_get_back_button(fixture->window)));
	g_assert_false(gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)));
	g_assert_null(gtk_combo_box_get_active_id(combo));

	/* clicking the insensitive Next does nothing */
	gtk_button_clicked(GTK_BUTTON(ub_window_get_next_button(fixture->window)));
	g_assert_cmpstr(ub_window_get_page_name(fixture->window), ==, "welcome");

	gtk_combo_box_set_active_id(combo, "generic");
	g_assert_true(wait_for(fixture, next_sensitive, GINT_TO_POINTER(TRUE)));
	g_assert_cmpstr(ub_session_get_board_id(fixture->session), ==, "generic");
}

/* the board list comes from the database; choosing one shows what is special about it */
static void
test_welcome_board_notes(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page;
	GtkComboBox *combo;
	GtkLabel *notes;

	if (fixture->window == NULL)
		return;
	page = ub_window_get_page(fixture->window, "welcome");
	combo = ub_page_welcome_get_board_combo(page);
	notes = ub_page_welcome_get_board_notes(page);

	g_assert_true(gtk_combo_box_set_active_id(combo, "focbox"));
	g_assert_true(gtk_widget_get_visible(GTK_WIDGET(notes)));
	/* the FOCBOX ships without an SWD connector: the first thing a person must know */
	g_assert_nonnull(strstr(gtk_label_get_text(notes), "not fitted"));
	g_assert_false(gtk_widget_get_visible(ub_page_welcome_get_generic_note(page)));
	g_assert_true(gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)));

	g_assert_true(gtk_combo_box_set_active_id(combo, "generic"));
	g_assert_false(gtk_widget_get_visible(GTK_WIDGET(notes)));
	g_assert_true(gtk_widget_get_visible(ub_page_welcome_get_generic_note(page)));
}

/* Welcome → Probe by clicking Next, and Back returns with the choice kept */
static void
test_welcome_to_probe_and_back(Fixture *fixture, gconstpointer data)
{
	GtkComboBox *combo;

	if (fixture->window == NULL)
		return;
	combo = ub_page_welcome_get_board_combo(ub_window_get_page(fixture->window, "welcome"));
	gtk_combo_box_set_active_id(combo, "generic");
	g_assert_true(wait_for(fixture, next_sensitive, GINT_TO_POINTER(TRUE)));
	gtk_widget_activate(ub_window_get_next_button(fixture->window));
	g_assert_true(wait_for(fixture, page_is, "probe"));

	/* no probe chosen yet: Next is not offered, Back is */
	g_assert_false(gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)));
	g_assert_true(gtk_widget_get_sensitive(ub_window_get_back_button(fixture->window)));
	g_assert_false(gtk_widget_get_visible(ub_window_get_cancel_button(fixture->window)));

	gtk_button_clicked(GTK_BUTTON(ub_window_get_back_button(fixture->window)));
	g_assert_true(wait_for(fixture, page_is, "welcome"));
	g_assert_cmpstr(gtk_combo_box_get_active_id(combo), ==, "generic");
	g_assert_false(gtk_widget_get_sensitive(ub_window_get_back_button(fixture->window)));
}

/* keyboard only: Alt+Right is Next, Alt+Left is Back (accelerators of win.next/win.back) */
static void
test_keyboard_next(Fixture *fixture, gconstpointer data)
{
	GtkComboBox *combo;

	if (fixture->window == NULL)
		return;
	combo = ub_page_welcome_get_board_combo(ub_window_get_page(fixture->window, "welcome"));
	gtk_combo_box_set_active_id(combo, "generic");
	g_assert_true(wait_for(fixture, next_sensitive, GINT_TO_POINTER(TRUE)));
	send_key(fixture, GDK_KEY_Right, GDK_MOD1_MASK);
	g_assert_true(wait_for(fixture, page_is, "probe"));
	send_key(fixture, GDK_KEY_Left, GDK_MOD1_MASK);
	g_assert_true(wait_for(fixture, page_is, "welcome"));
}

/* story 4/5: the drawing for the FOCBOX and a clone stick, with what is special about them */
static void
test_wiring_plan_for_board_and_probe(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page;
	UbProbeDb *probe_db;
	UbWiringPlan *plan;
	const char *notes;

	if (fixture->window == NULL)
		return;
	g_assert_true(gtk_combo_box_set_active_id(
	    ub_page_welcome_get_board_combo(ub_window_get_page(fixture->window, "welcome")),
	    "focbox"));
	probe_db = ub_session_get_probe_db(fixture->session);
	g_assert_nonnull(probe_db);
	ub_session_set_probe_model(fixture->session,
				   ub_probe_db_lookup(probe_db, "stlink-v2-clone-a"));
	g_assert_true(ub_window_show_page(fixture->window, "wiring"));
	page = ub_window_get_page(fixture->window, "wiring");

	g_assert_true(gtk_widget_get_visible(GTK_WIDGET(ub_page_wiring_get_pinout_view(page))));
	g_assert_false(gtk_widget_get_visible(ub_page_wiring_get_wire_list_label(page)));
	plan = ub_pinout_view_get_plan(ub_page_wiring_get_pinout_view(page));
	g_assert_nonnull(plan);
	g_assert_true(ub_wiring_plan_get_board(plan) == ub_session_get_board(fixture->session));
	notes = gtk_label_get_text(ub_page_wiring_get_notes_label(page));
	/* the FOCBOX has no connector, and the clone's RST pin is dead */
	g_assert_nonnull(strstr(notes, "solder"));
	g_assert_nonnull(strstr(notes, "chip pin 7"));
	/* nothing checked yet: Next is not offered */
	g_assert_false(gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)));
}

/* story 5: one wire at a time. The stepper starts with the notes, lights one wire per step
 * with where it goes in words, goes back, ends on every wire and the check; the drawing
 * follows each step, also full size after a click */
static void
test_wiring_stepper(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page;
	UbPinoutView *view;
	UbWiringPlan *plan;
	GtkWindow *zoom;
	guint n_wires;

	if (fixture->window == NULL)
		return;
	g_assert_true(gtk_combo_box_set_active_id(
	    ub_page_welcome_get_board_combo(ub_window_get_page(fixture->window, "welcome")),
	    "focbox"));
	ub_session_set_probe_model(fixture->session,
				   ub_probe_db_lookup(ub_session_get_probe_db(fixture->session),
						      "stlink-v2-clone-a"));
	g_assert_true(ub_window_show_page(fixture->window, "wiring"));
	g_assert_true(wait_for(fixture, page_is, "wiring"));
	page = ub_window_get_page(fixture->window, "wiring");
	view = ub_page_wiring_get_pinout_view(page);
	plan = ub_pinout_view_get_plan(view);
	n_wires = ub_wiring_plan_get_n_wires(plan);
	g_assert_cmpuint(n_wires, >=, 3);

	/* before the first wire: the notes, the whole drawing, no check yet */
	g_assert_cmpstr(gtk_label_get_text(ub_page_wiring_get_step_title_label(page)), ==,
			"Before the first wire");
	g_assert_true(gtk_widget_is_visible(GTK_WIDGET(ub_page_wiring_get_notes_label(page))));
	g_assert_cmpint(ub_pinout_view_get_focus(view), ==, -1);
	g_assert_false(gtk_widget_is_visible(GTK_WIDGET(ub_page_wiring_get_check_button(page))));
	g_assert_false(gtk_widget_is_visible(GTK_WIDGET(ub_page_wiring_get_step_back_button(page))));
	assert_fits(fixture);

	for (guint i = 0; i < n_wires; i++) {
		const UbWire *wire = ub_wiring_plan_get_wire(plan, i);
		g_autofree char *title = g_strdup_printf("Wire %u of %u: ", i + 1, n_wires);
		g_autofree char *from = g_strdup_printf("From probe pin %u (", wire->probe_pin);
		g_autofree char *to = g_strdup_printf("to board pin %u (", wire->board_pin);

		gtk_button_clicked(ub_page_wiring_get_step_next_button(page));
		g_assert_true(g_str_has_prefix(
		    gtk_label_get_text(ub_page_wiring_get_step_title_label(page)), title));
		g_assert_nonnull(
		    strstr(gtk_label_get_text(ub_page_wiring_get_step_detail_label(page)), from));
		g_assert_nonnull(
		    strstr(gtk_label_get_text(ub_page_wiring_get_step_detail_label(page)), to));
		/* the drawing lights this wire and leaves the later ones out */
		g_assert_cmpint(ub_pinout_view_get_focus(view), ==, (gint)i);
		g_assert_true(ub_pinout_render_is_highlighted(ub_pinout_view_get_render(view), i));
		if (i + 1 < n_wires)
			g_assert_false(
			    ub_pinout_render_is_wire_drawn(ub_pinout_view_get_render(view), i + 1));
		g_assert_false(ub_page_wiring_get_notes_label(page) != NULL &&
			       gtk_widget_is_visible(GTK_WIDGET(ub_page_wiring_get_notes_label(page))));
		g_assert_false(
		    gtk_widget_is_visible(GTK_WIDGET(ub_page_wiring_get_check_button(page))));
		assert_fits(fixture);
	}

	/* back one wire, and the drawing with it */
	gtk_button_clicked(ub_page_wiring_get_step_back_button(page));
	g_assert_cmpint(ub_pinout_view_get_focus(view), ==, (gint)n_wires - 2);

	/* a click opens the drawing full size, on the same wire, with the wire list */
	click_widget(GTK_WIDGET(view));
	zoom = ub_pinout_view_get_zoom_window(view);
	g_assert_nonnull(zoom);
	g_assert_true(gtk_widget_get_visible(GTK_WIDGET(zoom)));
	{
		UbPinoutView *big = UB_PINOUT_VIEW(gtk_bin_get_child(GTK_BIN(zoom)));
		gint width = 0;
		gint height = 0;

		g_assert_cmpint(ub_pinout_view_get_focus(big), ==, (gint)n_wires - 2);
		g_assert_true(ub_pinout_view_get_plan(big) == plan);
		gtk_window_get_default_size(zoom, &width, &height);
		g_assert_cmpint(width, >, gtk_widget_get_allocated_width(GTK_WIDGET(view)));
		/* and follows the stepper while open */
		gtk_button_clicked(ub_page_wiring_get_step_next_button(page));
		g_assert_cmpint(ub_pinout_view_get_focus(big), ==, (gint)n_wires - 1);
	}
	gtk_widget_destroy(GTK_WIDGET(zoom));
	g_assert_null(ub_pinout_view_get_zoom_window(view));

	/* after the last: every wire, and now the check */
	gtk_button_clicked(ub_page_wiring_get_step_next_button(page));
	g_assert_cmpstr(gtk_label_get_text(ub_page_wiring_get_step_title_label(page)), ==,
			"All wires connected");
	g_assert_cmpint(ub_pinout_view_get_focus(view), ==, -1);
	g_assert_true(gtk_widget_is_visible(GTK_WIDGET(ub_page_wiring_get_check_button(page))));
	assert_fits(fixture);

	/* "All connected already" goes straight there from the start */
	gtk_button_clicked(ub_page_wiring_get_step_next_button(page));
	g_assert_cmpstr(gtk_label_get_text(ub_page_wiring_get_step_title_label(page)), ==,
			"Before the first wire");
	gtk_button_clicked(ub_page_wiring_get_step_skip_button(page));
	g_assert_true(gtk_widget_is_visible(GTK_WIDGET(ub_page_wiring_get_check_button(page))));
}

/* an unknown board gets the general wire list instead of a drawing */
static void
test_wiring_generic_board(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page;

	if (fixture->window == NULL)
		return;
	g_assert_true(gtk_combo_box_set_active_id(
	    ub_page_welcome_get_board_combo(ub_window_get_page(fixture->window, "welcome")),
	    "generic"));
	ub_session_set_probe_model(
	    fixture->session,
	    ub_probe_db_lookup(ub_session_get_probe_db(fixture->session), "stlink-v2"));
	g_assert_true(ub_window_show_page(fixture->window, "wiring"));
	page = ub_window_get_page(fixture->window, "wiring");
	g_assert_false(gtk_widget_get_visible(GTK_WIDGET(ub_page_wiring_get_pinout_view(page))));
	g_assert_true(gtk_widget_get_visible(ub_page_wiring_get_wire_list_label(page)));
}

static gboolean
firmware_scanned(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page = ub_window_get_page(fixture->window, "firmware");

	return !ub_page_firmware_is_searching(page) &&
	       gtk_list_box_get_row_at_index(ub_page_firmware_get_list(page), 0) != NULL;
}

static gboolean
firmware_error_shown(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page = ub_window_get_page(fixture->window, "firmware");

	return !ub_page_firmware_is_searching(page) &&
	       ub_error_view_get_title(ub_page_firmware_get_error_view(page)) != NULL;
}

/* as a person does it: choose the board, then pick the folder in the chooser */
static GtkWidget *
open_firmware_page(Fixture *fixture, const char *board_id, const char *path, gboolean folder)
{
	GtkWidget *page = ub_window_get_page(fixture->window, "firmware");
	GtkFileChooser *chooser = folder ? ub_page_firmware_get_folder_button(page)
					 : ub_page_firmware_get_file_button(page);

	g_assert_true(gtk_combo_box_set_active_id(
	    ub_page_welcome_get_board_combo(ub_window_get_page(fixture->window, "welcome")),
	    board_id));
	g_assert_true(ub_window_show_page(fixture->window, "firmware"));
	g_assert_true(gtk_file_chooser_set_filename(chooser, path));
	g_signal_emit_by_name(chooser, "file-set");
	return page;
}

static GtkListBoxRow *
find_firmware_row(GtkListBox *list, const char *needle)
{
	for (gint i = 0;; i++) {
		GtkListBoxRow *row = gtk_list_box_get_row_at_index(list, i);
		g_autofree char *basename = NULL;

		if (row == NULL)
			return NULL;
		basename = g_path_get_basename(
		    ub_firmware_info_get_filename(ub_firmware_row_get_info(UB_FIRMWARE_ROW(row))));
		if (strstr(basename, needle) != NULL)
			return row;
	}
}

/* a folder of real VESC images: the newest one built for the FOCBOX's hardware (410) is
 * offered first and Next is allowed */
static void
test_firmware_folder_offers_fitting(Fixture *fixture, gconstpointer data)
{
	g_autofree char *dir = ub_test_firmware_dir();
	GtkWidget *page;
	GtkListBox *list;
	GtkListBoxRow *selected;
	UbFirmwareInfo *info;

	if (fixture->window == NULL)
		return;
	page = open_firmware_page(fixture, "focbox", dir, TRUE);
	g_assert_true(wait_for(fixture, firmware_scanned, NULL));
	list = ub_page_firmware_get_list(page);
	selected = gtk_list_box_get_selected_row(list);
	g_assert_nonnull(selected);
	info = ub_firmware_row_get_info(UB_FIRMWARE_ROW(selected));
	g_assert_cmpint(ub_firmware_row_get_fit(UB_FIRMWARE_ROW(selected)), ==,
			UB_FIRMWARE_FIT_YES);
	g_assert_true(ub_firmware_info_serves_hw_name(info, "410"));
	g_assert_nonnull(strstr(ub_firmware_info_get_filename(info), "7.00"));
	g_assert_true(wait_for(fixture, next_sensitive, GINT_TO_POINTER(TRUE)));
	g_assert_true(ub_session_get_firmware(fixture->session) == info);
	g_assert_null(ub_error_view_get_title(ub_page_firmware_get_error_view(page)));
}

/* story 8: firmware for other hardware is refused unless the person overrides explicitly */
static void
test_firmware_wrong_hardware_refused(Fixture *fixture, gconstpointer data)
{
	g_autofree char *dir = ub_test_firmware_dir();
	GtkWidget *page;
	GtkListBoxRow *row;
	GtkToggleButton *override;

	if (fixture->window == NULL)
		return;
	page = open_firmware_page(fixture, "focbox", dir, TRUE);
	g_assert_true(wait_for(fixture, firmware_scanned, NULL));
	row = find_firmware_row(ub_page_firmware_get_list(page), "-60-");
	g_assert_nonnull(row);
	g_assert_cmpint(ub_firmware_row_get_fit(UB_FIRMWARE_ROW(row)), ==, UB_FIRMWARE_FIT_NO);
	gtk_widget_activate(GTK_WIDGET(row));
	gtk_list_box_select_row(ub_page_firmware_get_list(page), row);

	g_assert_true(wait_for(fixture, next_sensitive, GINT_TO_POINTER(FALSE)));
	g_assert_cmpstr(ub_error_view_get_title(ub_page_firmware_get_error_view(page)), ==,
			"This firmware is for other hardware");
	g_assert_null(ub_session_get_firmware(fixture->session));
	override = ub_page_firmware_get_override_check(page);
	g_assert_true(gtk_widget_get_visible(GTK_WIDGET(override)));
	g_assert_false(gtk_toggle_button_get_active(override));

	gtk_button_clicked(GTK_BUTTON(override));
	g_assert_true(wait_for(fixture, next_sensitive, GINT_TO_POINTER(TRUE)));
	g_assert_true(ub_session_get_firmware_override(fixture->session));
}

/* a damaged file is named as such, with the next step, on the Firmware page */
static void
test_firmware_damaged_file(Fixture *fixture, gconstpointer data)
{
	g_autofree char *path = NULL;
	g_autoptr(GError) error = NULL;
	GtkWidget *page;
	gint fd;

	if (fixture->window == NULL)
		return;
	fd = g_file_open_tmp("ub-test-XXXXXX.hex", &path, &error);
	g_assert_no_error(error);
	close(fd);
	g_assert_true(g_file_set_contents(path, ":10000000FFFF\n:00000001FF\n", -1, &error));
	page = open_firmware_page(fixture, "focbox", path, FALSE);
	g_assert_true(wait_for(fixture, firmware_error_shown, NULL));
	g_assert_cmpstr(ub_error_view_get_title(ub_page_firmware_get_error_view(page)), ==,
			"The firmware file is damaged");
	g_assert_false(gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)));
	g_unlink(path);
}

/* ---- "Get the firmware for my board": the archive served on 127.0.0.1 by the test ---- */

static gboolean
downloaded(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page = ub_window_get_page(fixture->window, "firmware");

	return gtk_widget_get_visible(ub_page_firmware_get_downloaded_label(page));
}

static gboolean
widget_visible(Fixture *fixture, gconstpointer data)
{
	return gtk_widget_get_visible(GTK_WIDGET(data));
}

static gboolean
download_error_shown(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page = ub_window_get_page(fixture->window, "firmware");

	return !ub_page_get_busy(UB_PAGE(page)) &&
	       ub_error_view_get_title(ub_page_firmware_get_error_view(page)) != NULL;
}

/* no ".part" left anywhere in the download cache */
static gboolean
no_partial_file(const char *dir)
{
	g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
	const char *name;

	while (handle != NULL && (name = g_dir_read_name(handle)) != NULL) {
		g_autofree char *child = g_build_filename(dir, name, NULL);

		if (g_str_has_suffix(name, ".part"))
			return FALSE;
		if (g_file_test(child, G_FILE_TEST_IS_DIR) && !no_partial_file(child))
			return FALSE;
	}
	return TRUE;
}

/* the board chosen, the archive at @url, the Firmware page shown */
static GtkWidget *
show_firmware_page_for_download(Fixture *fixture, const char *board_id, const char *url)
{
	GSettings *settings = ub_session_get_settings(fixture->session);

	g_assert_nonnull(settings);
	g_settings_set_string(settings, "firmware-archive-url", url);
	/* the memory backend outlives a test: no folder of an earlier one */
	g_settings_reset(settings, "firmware-folder");
	g_assert_true(gtk_combo_box_set_active_id(
	    ub_page_welcome_get_board_combo(ub_window_get_page(fixture->window, "welcome")),
	    board_id));
	g_assert_true(ub_window_show_page(fixture->window, "firmware"));
	return ub_window_get_page(fixture->window, "firmware");
}

/* one button: the newest build for the board's hardware, checked, selected, Next offered */
static void
test_firmware_download_fits(Fixture *fixture, gconstpointer data)
{
	g_autofree char *archive = ub_test_archive_new();
	TestServer *server = server_start(archive);
	g_autofree char *url = server_url(server);
	g_autofree char *cache = g_build_filename(g_get_user_cache_dir(), "unbrick", "firmware",
						  NULL);
	GtkWidget *page;
	GtkListBoxRow *selected;
	UbFirmwareInfo *info;

	if (fixture->window != NULL) {
		page = show_firmware_page_for_download(fixture, "focbox", url);
		g_assert_true(
		    gtk_widget_get_sensitive(GTK_WIDGET(ub_page_firmware_get_download_button(page))));
		gtk_button_clicked(ub_page_firmware_get_download_button(page));
		g_assert_true(wait_for(fixture, downloaded, NULL));
		selected = gtk_list_box_get_selected_row(ub_page_firmware_get_list(page));
		g_assert_nonnull(selected);
		info = ub_firmware_row_get_info(UB_FIRMWARE_ROW(selected));
		g_assert_cmpint(ub_firmware_row_get_fit(UB_FIRMWARE_ROW(selected)), ==,
				UB_FIRMWARE_FIT_YES);
		g_assert_cmpstr(ub_firmware_info_get_version_string(info), ==, "7.00");
		g_assert_true(g_str_has_prefix(ub_firmware_info_get_filename(info), cache));
		g_assert_true(ub_session_get_firmware(fixture->session) == info);
		g_assert_true(wait_for(fixture, next_sensitive, GINT_TO_POINTER(TRUE)));
		g_assert_null(ub_error_view_get_title(ub_page_firmware_get_error_view(page)));
	}
	server_stop(server);
	ub_test_remove_tree(archive);
}

/* no archive to be reached: said in words, and the folder picker takes over */
static void
test_firmware_download_offline(Fixture *fixture, gconstpointer data)
{
	g_autoptr(GSocket) refusing = NULL;
	g_autofree char *url = ub_test_refusing_url(&refusing);
	UbErrorView *view;
	GtkWidget *page;
	GtkWidget *focus;

	if (fixture->window == NULL)
		return;
	page = show_firmware_page_for_download(fixture, "focbox", url);
	view = ub_page_firmware_get_error_view(page);
	gtk_button_clicked(ub_page_firmware_get_download_button(page));
	g_assert_true(wait_for(fixture, download_error_shown, NULL));
	g_assert_cmpstr(ub_error_view_get_title(view), ==, "The firmware archive cannot be reached");
	focus = gtk_window_get_focus(GTK_WINDOW(fixture->window));
	g_assert_nonnull(focus);
	g_assert_true(focus == GTK_WIDGET(ub_page_firmware_get_folder_button(page)) ||
		      gtk_widget_is_ancestor(focus,
					     GTK_WIDGET(ub_page_firmware_get_folder_button(page))));
	g_assert_false(gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)));
}

/* a VESC 6 comes as 60, 60_MK6, ...: the person says which, then the button fetches it */
static void
test_firmware_download_asks_hardware(Fixture *fixture, gconstpointer data)
{
	g_autofree char *archive = ub_test_archive_new();
	TestServer *server = server_start(archive);
	g_autofree char *url = server_url(server);
	GtkWidget *page;
	GtkComboBox *combo;
	GtkWidget *button;
	GtkListBoxRow *selected;

	if (fixture->window != NULL) {
		page = show_firmware_page_for_download(fixture, "vesc-6", url);
		combo = ub_page_firmware_get_hw_combo(page);
		button = GTK_WIDGET(ub_page_firmware_get_download_button(page));
		g_assert_false(gtk_widget_is_visible(GTK_WIDGET(combo)));
		gtk_button_clicked(GTK_BUTTON(button));
		g_assert_true(wait_for(fixture, widget_visible, combo));
		g_assert_true(wait_for(fixture, download_error_shown, NULL));
		g_assert_cmpstr(ub_error_view_get_title(ub_page_firmware_get_error_view(page)), ==,
				"Which hardware version is your board?");
		/* nothing guessed: the button waits for the choice */
		g_assert_null(gtk_combo_box_get_active_id(combo));
		g_assert_false(gtk_widget_get_sensitive(button));
		g_assert_true(gtk_combo_box_set_active_id(combo, "60"));
		g_assert_true(gtk_widget_get_sensitive(button));
		gtk_button_clicked(GTK_BUTTON(button));
		g_assert_true(wait_for(fixture, downloaded, NULL));
		selected = gtk_list_box_get_selected_row(ub_page_firmware_get_list(page));
		g_assert_nonnull(selected);
		g_assert_true(ub_firmware_info_serves_hw_name(
		    ub_firmware_row_get_info(UB_FIRMWARE_ROW(selected)), "60"));
	}
	server_stop(server);
	ub_test_remove_tree(archive);
}

static gboolean
firmware_page_busy(Fixture *fixture, gconstpointer data)
{
	return ub_page_get_busy(UB_PAGE(ub_window_get_page(fixture->window, "firmware"))) ==
	       GPOINTER_TO_INT(data);
}

/* the header bar's Cancel stops a slow download; nothing half-downloaded stays */
static void
test_firmware_download_cancel(Fixture *fixture, gconstpointer data)
{
	g_autofree char *archive = ub_test_archive_new();
	TestServer *server = server_start(archive);
	g_autofree char *url = server_url(server);
	g_autofree char *cache = g_build_filename(g_get_user_cache_dir(), "unbrick", "firmware",
						  NULL);
	GtkWidget *page;

	if (fixture->window != NULL) {
		/* the file stops coming after its first 4 KiB, so the person has time to cancel */
		server->bin_mode = SERVE_STALL;
		page = show_firmware_page_for_download(fixture, "focbox", url);
		gtk_button_clicked(ub_page_firmware_get_download_button(page));
		g_assert_true(wait_for(fixture, firmware_page_busy, GINT_TO_POINTER(TRUE)));
		g_assert_true(gtk_widget_get_visible(ub_window_get_cancel_button(fixture->window)));
		g_assert_false(gtk_widget_get_sensitive(
		    GTK_WIDGET(ub_page_firmware_get_download_button(page))));
		gtk_button_clicked(GTK_BUTTON(ub_window_get_cancel_button(fixture->window)));
		g_assert_true(wait_for(fixture, firmware_page_busy, GINT_TO_POINTER(FALSE)));
		g_assert_true(gtk_widget_get_visible(ub_page_firmware_get_stopped_label(page)));
		/* stopped is not a failure */
		g_assert_null(ub_error_view_get_title(ub_page_firmware_get_error_view(page)));
		g_assert_true(no_partial_file(cache));
		g_assert_true(
		    gtk_widget_get_sensitive(GTK_WIDGET(ub_page_firmware_get_download_button(page))));
	}
	server_stop(server);
	ub_test_remove_tree(archive);
}

/* the Done page says what was done, and Copy report puts a forum-ready report on the clipboard */
static void
test_done_copy_report(Fixture *fixture, gconstpointer data)
{
	g_autofree char *dir = ub_test_firmware_dir();
	g_autofree char *path = NULL;
	g_autoptr(UbFirmwareInfo) info = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	GtkWidget *page;

	if (fixture->window == NULL)
		return;
	path = ub_test_firmware_path(UB_TEST_FW_605);
	info = ub_firmware_info_new_from_file(path, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(gtk_combo_box_set_active_id(
	    ub_page_welcome_get_board_combo(ub_window_get_page(fixture->window, "welcome")),
	    "focbox"));
	ub_session_set_firmware(fixture->session, info, FALSE);
	ub_session_set_backup_path(fixture->session, "/tmp/backup-test.bin");
	g_assert_true(ub_window_show_page(fixture->window, "done"));
	page = ub_window_get_page(fixture->window, "done");

	/* nothing to go back to after a flash, and no Next on the last page */
	g_assert_false(gtk_widget_get_sensitive(ub_window_get_back_button(fixture->window)));
	g_assert_false(gtk_widget_get_visible(ub_window_get_next_button(fixture->window)));
	g_assert_cmpstr(gtk_label_get_text(ub_page_done_get_backup_value(page)), ==,
			"/tmp/backup-test.bin");
	g_assert_cmpstr(gtk_label_get_text(ub_page_done_get_firmware_value(page)), ==, path);

	gtk_button_clicked(ub_page_done_get_copy_button(page));
	text = gtk_clipboard_wait_for_text(gtk_clipboard_get(GDK_SELECTION_CLIPBOARD));
	g_assert_nonnull(text);
	g_assert_nonnull(strstr(text, "board: Enertion FOCBOX"));
	g_assert_nonnull(strstr(text, "firmware version: 6.05"));
	g_assert_nonnull(strstr(text, "backup: /tmp/backup-test.bin"));
	g_assert_nonnull(strstr(text, ub_firmware_info_get_sha256(info)));
}

/* ---- the wizard on the simulator (--demo) ---- */

static gboolean
probe_listed(Fixture *fixture, gconstpointer data)
{
	GtkListBox *list = ub_page_probe_get_list(ub_window_get_page(fixture->window, "probe"));

	return gtk_list_box_get_selected_row(list) != NULL;
}

static gboolean
page_not_busy(Fixture *fixture, gconstpointer data)
{
	return !gtk_widget_get_visible(ub_window_get_cancel_button(fixture->window));
}

static gboolean
error_shown(Fixture *fixture, gconstpointer data)
{
	UbErrorView *view = (UbErrorView *)data;

	return page_not_busy(fixture, NULL) && ub_error_view_get_title(view) != NULL;
}

static void
click_next(Fixture *fixture, const char *expected_page)
{
	g_assert_true(wait_for(fixture, next_sensitive, GINT_TO_POINTER(TRUE)));
	gtk_button_clicked(GTK_BUTTON(ub_window_get_next_button(fixture->window)));
	g_assert_true(wait_for(fixture, page_is, expected_page));
}

/* Welcome → Probe → Wiring as a person does it: the demo has chosen its bench's board, the
 * listed probe is taken, and the person confirms the model the demo offers by its drawing */
static void
drive_to_wiring(Fixture *fixture, const char *board_id)
{
	GtkWidget *probe_page;
	GtkListBoxRow *row;
	GtkComboBox *combo =
	    ub_page_welcome_get_board_combo(ub_window_get_page(fixture->window, "welcome"));

	g_assert_cmpstr(gtk_combo_box_get_active_id(combo), ==,
			ub_sim_board_get_board_id(fixture->bench));
	g_assert_true(gtk_combo_box_set_active_id(combo, board_id));
	click_next(fixture, "probe");
	probe_page = ub_window_get_page(fixture->window, "probe");
	g_assert_true(wait_for(fixture, probe_listed, NULL));
	row = gtk_list_box_get_selected_row(ub_page_probe_get_list(probe_page));
	g_assert_nonnull(ub_probe_info_get_provider(ub_probe_row_get_info(UB_PROBE_ROW(row))));
	/* a clone stick shares its USB ids with other models: the demo offers the bench's */
	if (gtk_widget_is_visible(GTK_WIDGET(ub_page_probe_get_model_flow(probe_page))))
		g_assert_cmpstr(ub_page_probe_get_chosen_model_id(probe_page), ==,
				ub_sim_board_get_probe_model_id(fixture->bench));
	click_next(fixture, "wiring");
}

static gboolean
check_offered(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page = ub_window_get_page(fixture->window, "wiring");

	return gtk_widget_is_visible(GTK_WIDGET(ub_page_wiring_get_check_button(page)));
}

/* one wire at a time up to the check, then the checklist and the check */
static void
drive_wiring_check(Fixture *fixture)
{
	GtkWidget *page = ub_window_get_page(fixture->window, "wiring");
	GtkWidget *checks[4];
	guint steps = 0;

	while (!check_offered(fixture, NULL)) {
		gtk_button_clicked(ub_page_wiring_get_step_next_button(page));
		g_assert_cmpuint(++steps, <, 20);
	}
	ub_page_wiring_get_checks(page, checks);
	for (guint i = 0; i < G_N_ELEMENTS(checks); i++)
		gtk_button_clicked(GTK_BUTTON(checks[i]));
	gtk_button_clicked(ub_page_wiring_get_check_button(page));
	g_assert_true(wait_for(fixture, page_not_busy, NULL));
}

static void
test_demo_probe_to_wiring(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page;

	if (fixture->window == NULL)
		return;
	drive_to_wiring(fixture, "focbox");
	page = ub_window_get_page(fixture->window, "wiring");
	g_assert_nonnull(ub_pinout_view_get_plan(ub_page_wiring_get_pinout_view(page)));
	/* not before the checklist and the wiring check */
	g_assert_false(gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)));
	drive_wiring_check(fixture);
	g_assert_nonnull(strstr(gtk_label_get_text(ub_page_wiring_get_voltage_label(page)), "V"));
	g_assert_true(wait_for(fixture, next_sensitive, GINT_TO_POINTER(TRUE)));
}

static gboolean
wiring_prepared(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page = ub_window_get_page(fixture->window, "wiring");

	return ub_pinout_view_get_plan(ub_page_wiring_get_pinout_view(page)) != NULL;
}

static void
count_notify_cb(GObject *object, GParamSpec *pspec, gpointer user_data)
{
	(*(guint *)user_data)++;
}

/* Issue 16: the Wiring page (drawing, notes, first step) is built while the Probe page still
 * shows, after the frame that offered Next; showing it then sets none of its text again,
 * which in GTK 3 would lay every label out anew in the frame that shows the page */
static void
test_demo_wiring_prepared(Fixture *fixture, gconstpointer data)
{
	GtkComboBox *combo;
	GtkWidget *wiring;
	GtkLabel *notes;
	g_autofree char *notes_text = NULL;
	guint notes_set = 0;

	if (fixture->window == NULL)
		return;
	combo = ub_page_welcome_get_board_combo(ub_window_get_page(fixture->window, "welcome"));
	g_assert_true(gtk_combo_box_set_active_id(combo, "focbox"));
	click_next(fixture, "probe");
	wiring = ub_window_get_page(fixture->window, "wiring");
	g_assert_null(ub_pinout_view_get_plan(ub_page_wiring_get_pinout_view(wiring)));
	g_assert_true(wait_for(fixture, probe_listed, NULL));
	g_assert_true(wait_for(fixture, next_sensitive, GINT_TO_POINTER(TRUE)));
	g_assert_true(wait_for(fixture, wiring_prepared, NULL));
	g_assert_cmpstr(ub_window_get_page_name(fixture->window), ==, "probe");
	notes = ub_page_wiring_get_notes_label(wiring);
	notes_text = g_strdup(gtk_label_get_text(notes));
	/* the bench's board has notes (no connector fitted): they are there before the page */
	g_assert_cmpstr(notes_text, !=, "");
	g_signal_connect(notes, "notify::label", G_CALLBACK(count_notify_cb), &notes_set);
	click_next(fixture, "wiring");
	g_assert_cmpuint(notes_set, ==, 0);
	g_assert_cmpstr(gtk_label_get_text(notes), ==, notes_text);
	g_assert_true(gtk_widget_get_visible(GTK_WIDGET(notes)));
	g_signal_handlers_disconnect_by_func(notes, count_notify_cb, &notes_set);
}

static void
drive_to_flash(Fixture *fixture)
{
	GtkWidget *connect;

	drive_to_wiring(fixture, "focbox");
	drive_wiring_check(fixture);
	click_next(fixture, "connect");
	connect = ub_window_get_page(fixture->window, "connect");
	gtk_button_clicked(ub_page_connect_get_connect_button(connect));
	g_assert_true(wait_for(fixture, page_not_busy, NULL));
	for (guint rung = 0; rung < 5; rung++)
		g_assert_true(ub_page_connect_get_rung_ok(connect, rung));
	/* a clone cannot measure the power, but a chip that answers has it */
	g_assert_cmpint(
	    gtk_widget_is_visible(GTK_WIDGET(ub_page_connect_get_power_detail_label(connect))), ==,
	    g_str_has_prefix(ub_sim_board_get_probe_model_id(fixture->bench), "stlink-v2-clone"));
	click_next(fixture, "firmware");
	/* the demo offers its generated image for the board, preselected because it fits */
	g_assert_true(wait_for(fixture, firmware_scanned, NULL));
	click_next(fixture, "flash");
}

static gboolean
flash_finished(Fixture *fixture, gconstpointer data)
{
	return page_not_busy(fixture, NULL) &&
	       (gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)) ||
		ub_error_view_get_title(ub_page_flash_get_error_view(
		    ub_window_get_page(fixture->window, "flash"))) != NULL);
}

static gboolean
restore_offers_backup(Fixture *fixture, gconstpointer data)
{
	GtkWidget *flash = (GtkWidget *)data;
	const char *backup = ub_session_get_backup_path(fixture->session);
	g_autofree char *name = backup != NULL ? g_path_get_basename(backup) : NULL;

	return name != NULL &&
	       g_str_has_prefix(gtk_label_get_text(ub_page_flash_get_restore_value(flash)), name);
}

/* the happy path: healthy simulated FOCBOX, clone probe, generated firmware, to Done */
static void
test_demo_happy_path(Fixture *fixture, gconstpointer data)
{
	GtkWidget *flash;

	if (fixture->window == NULL)
		return;
	drive_to_flash(fixture);
	flash = ub_window_get_page(fixture->window, "flash");
	gtk_button_clicked(ub_page_flash_get_start_button(flash));
	g_assert_true(gtk_widget_get_visible(ub_window_get_cancel_button(fixture->window)));
	g_assert_false(gtk_widget_get_sensitive(ub_window_get_back_button(fixture->window)));
	g_assert_true(wait_for_ms(fixture, flash_finished, NULL, UB_FLASH_TIMEOUT_MS));
	g_assert_null(ub_error_view_get_title(ub_page_flash_get_error_view(flash)));
	g_assert_cmpfloat(gtk_progress_bar_get_fraction(ub_page_flash_get_progress_bar(flash)), ==,
			  1.0);
	/* no stage name left over beside "Finished" */
	g_assert_false(gtk_widget_is_visible(GTK_WIDGET(ub_page_flash_get_stage_label(flash))));
	g_assert_false(gtk_widget_is_visible(GTK_WIDGET(ub_page_flash_get_stage_state_label(flash))));
	/* the backup just saved is the one offered for putting back */
	g_assert_true(wait_for(fixture, restore_offers_backup, flash));
	{
		/* its whole name on hover, where the line is cut in the middle */
		g_autofree char *tip =
		    gtk_widget_get_tooltip_text(GTK_WIDGET(ub_page_flash_get_restore_value(flash)));
		g_assert_cmpstr(tip, ==, ub_session_get_backup_path(fixture->session));
	}
	assert_fits(fixture);
	click_next(fixture, "done");
	assert_fits(fixture);
	g_assert_nonnull(ub_session_get_backup_path(fixture->session));
	g_assert_true(g_file_test(ub_session_get_backup_path(fixture->session), G_FILE_TEST_EXISTS));
	g_assert_cmpstr(gtk_label_get_text(ub_page_done_get_backup_value(
			    ub_window_get_page(fixture->window, "done"))),
			==, ub_session_get_backup_path(fixture->session));
}

/* ---- fonts loaded between frames ---- */

static gboolean
fonts_warmed(Fixture *fixture, gconstpointer data)
{
	guint found = 0;
	guint loaded = ub_font_warmup_get_loaded(GTK_WIDGET(fixture->window), &found);

	return found > 0 && loaded == found;
}

/* Issue 16: the first label in a font pango had not used cost a millisecond or more in the
 * frame that showed it (the probe choices' small print); after the first frame the window
 * loads every font its labels use, hidden pages' included, one per idle turn */
static void
test_wizard_fonts_warmed(Fixture *fixture, gconstpointer data)
{
	guint found = 0;

	if (fixture->window == NULL)
		return;
	g_assert_true(wait_for(fixture, fonts_warmed, NULL));
	ub_font_warmup_get_loaded(GTK_WIDGET(fixture->window), &found);
	/* the body text, the headings and the small print at least (style.css) */
	g_assert_cmpuint(found, >=, 3);
}

/* ---- no SVG on the way: librsvg is not loaded ---- */

static gboolean
librsvg_mapped(void)
{
	g_autofree char *maps = NULL;

	g_assert_true(g_file_get_contents("/proc/self/maps", &maps, NULL, NULL));
	return strstr(maps, "librsvg") != NULL;
}

/* Parsing an SVG mid-frame froze the window: Adwaita's check marks were parsed anew for
 * every style change of a ticked box (1-5 ms each), and the spinner, the one icon without a
 * PNG, loaded librsvg itself (15-18 ms, 6.5 MB resident). With Adwaita at scale 1 the whole
 * demo, to the end of a flash, draws without librsvg. Run in a process of its own, since
 * other tests may have drawn SVGs (file choosers). */
static void
test_demo_no_svg(Fixture *fixture, gconstpointer data)
{
	GtkIconTheme *icons = gtk_icon_theme_get_default();
	g_autoptr(GtkIconInfo) close_icon = NULL;
	g_autofree char *theme = NULL;
	GtkWidget *flash;

	if (fixture->window == NULL)
		return;
	g_object_get(gtk_settings_get_default(), "gtk-theme-name", &theme, NULL);
	close_icon = gtk_icon_theme_lookup_icon(icons, "window-close-symbolic", 16, 0);
	if (g_strcmp0(theme, "Adwaita") != 0 || close_icon == NULL ||
	    !g_str_has_suffix(gtk_icon_info_get_filename(close_icon), ".png") ||
	    gtk_widget_get_scale_factor(GTK_WIDGET(fixture->window)) != 1) {
		g_test_skip("needs Adwaita with PNG symbolic icons, at scale 1");
		return;
	}
	if (!g_test_subprocess()) {
		g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
		g_test_trap_assert_passed();
		return;
	}
	if (librsvg_mapped()) {
		g_test_skip("librsvg was loaded before the wizard drew anything");
		return;
	}
	drive_to_flash(fixture);
	flash = ub_window_get_page(fixture->window, "flash");
	gtk_button_clicked(ub_page_flash_get_start_button(flash));
	g_assert_true(wait_for_ms(fixture, flash_finished, NULL, UB_FLASH_TIMEOUT_MS));
	/* the checks, the spinner and the ticked boxes have all been drawn */
	click_next(fixture, "done");
	g_assert_false(librsvg_mapped());
}

/* ---- the whole wizard from the keyboard alone ---- */

static void
give_keyboard_focus(Fixture *fixture)
{
	GdkWindow *window = gtk_widget_get_window(GTK_WIDGET(fixture->window));
	GdkSeat *seat = gdk_display_get_default_seat(gdk_window_get_display(window));
	GdkEvent *event = gdk_event_new(GDK_FOCUS_CHANGE);

	event->focus_change.window = g_object_ref(window);
	event->focus_change.send_event = TRUE;
	event->focus_change.in = TRUE;
	gdk_event_set_device(event, gdk_seat_get_keyboard(seat));
	gtk_main_do_event(event);
	gdk_event_free(event);
}

static gboolean
focus_in(Fixture *fixture, GtkWidget *widget)
{
	GtkWidget *focus = gtk_window_get_focus(GTK_WINDOW(fixture->window));

	return focus != NULL && (focus == widget || gtk_widget_is_ancestor(focus, widget));
}

/* more Tab presses than any page has controls: a control not reached by then never is */
#define UB_TAB_ROUND 60

/* presses Tab until the keyboard focus is on @widget (or inside it) */
static void
tab_to(Fixture *fixture, GtkWidget *widget)
{
	for (guint i = 0; i < UB_TAB_ROUND && !focus_in(fixture, widget); i++)
		send_key(fixture, GDK_KEY_Tab, 0);
	if (!focus_in(fixture, widget))
		g_error("Tab never reaches %s %s", G_OBJECT_TYPE_NAME(widget),
			gtk_buildable_get_name(GTK_BUILDABLE(widget)));
}

/* the controls of a page a person can use now: shown, and not greyed out */
static void
collect_controls(GtkWidget *widget, gpointer user_data)
{
	GPtrArray *controls = user_data;

	if (!gtk_widget_is_visible(widget) || !gtk_widget_is_sensitive(widget))
		return;
	if (GTK_IS_BUTTON(widget) || GTK_IS_COMBO_BOX(widget) || GTK_IS_ENTRY(widget) ||
	    GTK_IS_FILE_CHOOSER_BUTTON(widget) || GTK_IS_EXPANDER(widget) ||
	    (GTK_IS_FLOW_BOX(widget) && gtk_flow_box_get_child_at_index(GTK_FLOW_BOX(widget), 0)) ||
	    (GTK_IS_LIST_BOX(widget) && gtk_list_box_get_row_at_index(GTK_LIST_BOX(widget), 0))) {
		g_ptr_array_add(controls, widget);
		/* one stop for a composite control; an expander's content is its own */
		if (!GTK_IS_EXPANDER(widget))
			return;
	}
	if (GTK_IS_CONTAINER(widget))
		gtk_container_forall(GTK_CONTAINER(widget), collect_controls, controls);
}

/* one round of Tab on the shown page touches every control on it and the header bar's */
static void
assert_tab_reaches_all(Fixture *fixture, const char *page_name)
{
	g_autoptr(GPtrArray) controls = g_ptr_array_new();
	g_autoptr(GHashTable) reached = g_hash_table_new(NULL, NULL);

	collect_controls(ub_window_get_page(fixture->window, page_name), controls);
	collect_controls(ub_window_get_next_button(fixture->window), controls);
	g_assert_cmpuint(controls->len, >, 0);
	for (guint i = 0; i < UB_TAB_ROUND; i++) {
		send_key(fixture, GDK_KEY_Tab, 0);
		for (guint c = 0; c < controls->len; c++) {
			if (focus_in(fixture, g_ptr_array_index(controls, c)))
				g_hash_table_add(reached, g_ptr_array_index(controls, c));
		}
	}
	for (guint c = 0; c < controls->len; c++) {
		GtkWidget *control = g_ptr_array_index(controls, c);
		if (!g_hash_table_contains(reached, control))
			g_error("%s: Tab never reaches %s %s", page_name,
				G_OBJECT_TYPE_NAME(control),
				gtk_buildable_get_name(GTK_BUILDABLE(control)));
	}
}

static gboolean
clipboard_has_report(Fixture *fixture, gconstpointer data)
{
	g_autofree char *text = gtk_clipboard_wait_for_text(
	    gtk_widget_get_clipboard(GTK_WIDGET(fixture->window), GDK_SELECTION_CLIPBOARD));

	return text != NULL && strstr(text, "unbrick") != NULL;
}

/* chooses an item of a focused combo box with the arrow keys */
static void
arrow_to(Fixture *fixture, GtkComboBox *combo, const char *id)
{
	tab_to(fixture, GTK_WIDGET(combo));
	send_key(fixture, GDK_KEY_Home, 0);
	for (guint i = 0; i < 40 && g_strcmp0(gtk_combo_box_get_active_id(combo), id) != 0; i++)
		send_key(fixture, GDK_KEY_Down, 0);
	g_assert_cmpstr(gtk_combo_box_get_active_id(combo), ==, id);
}

static void
press_on(Fixture *fixture, GtkWidget *widget)
{
	tab_to(fixture, widget);
	send_key(fixture, GDK_KEY_space, 0);
}

static void
keyboard_next(Fixture *fixture, const char *expected_page)
{
	g_assert_true(wait_for(fixture, next_sensitive, GINT_TO_POINTER(TRUE)));
	send_key(fixture, GDK_KEY_Right, GDK_MOD1_MASK);
	g_assert_true(wait_for(fixture, page_is, expected_page));
}

/* Welcome to Done on the simulated FOCBOX with Tab, the arrow keys, Space and Alt+Right only:
 * every control of every page on the way is reached by Tab, and the drawing's text is one
 * keypress away */
static void
test_keyboard_only(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page;
	GtkWidget *checks[4];
	GtkFlowBox *models;
	GtkExpander *wires;
	guint steps = 0;

	if (fixture->window == NULL)
		return;
	/* what a window manager does when the window comes up: Tab moves the focus only in the
	 * window that has the keyboard (Xvfb runs without a window manager) */
	give_keyboard_focus(fixture);
	page = ub_window_get_page(fixture->window, "welcome");
	arrow_to(fixture, ub_page_welcome_get_board_combo(page), "focbox");
	assert_tab_reaches_all(fixture, "welcome");
	keyboard_next(fixture, "probe");

	page = ub_window_get_page(fixture->window, "probe");
	g_assert_true(wait_for(fixture, probe_listed, NULL));
	models = ub_page_probe_get_model_flow(page);
	if (gtk_widget_is_visible(GTK_WIDGET(models))) {
		/* Tab into the pictures, the arrow keys to the one that looks like the probe */
		GtkWidget *choice;

		tab_to(fixture, GTK_WIDGET(models));
		/* (Tab passes the probe list, whose selection fills the choices afresh) */
		choice = GTK_WIDGET(ub_page_probe_get_model_choice(page, "stlink-v2-clone-a"));
		send_key(fixture, GDK_KEY_Home, 0);
		for (guint i = 0; i < 20 && !focus_in(fixture, choice); i++)
			send_key(fixture, GDK_KEY_Right, 0);
		g_assert_true(focus_in(fixture, choice));
		send_key(fixture, GDK_KEY_space, 0);
		g_assert_cmpstr(ub_page_probe_get_chosen_model_id(page), ==, "stlink-v2-clone-a");
	}
	assert_tab_reaches_all(fixture, "probe");
	keyboard_next(fixture, "wiring");

	page = ub_window_get_page(fixture->window, "wiring");
	wires = ub_page_wiring_get_wire_text_expander(page);
	g_assert_true(gtk_widget_is_visible(GTK_WIDGET(wires)));
	press_on(fixture, GTK_WIDGET(wires));
	g_assert_true(gtk_expander_get_expanded(wires));
	/* the stepper, one wire at a time, up to the checklist */
	while (!check_offered(fixture, NULL)) {
		assert_tab_reaches_all(fixture, "wiring");
		press_on(fixture, GTK_WIDGET(ub_page_wiring_get_step_next_button(page)));
		g_assert_cmpuint(++steps, <, 20);
	}
	ub_page_wiring_get_checks(page, checks);
	for (guint i = 0; i < G_N_ELEMENTS(checks); i++) {
		press_on(fixture, checks[i]);
		g_assert_true(gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(checks[i])));
	}
	press_on(fixture, GTK_WIDGET(ub_page_wiring_get_check_button(page)));
	g_assert_true(wait_for(fixture, page_not_busy, NULL));
	assert_tab_reaches_all(fixture, "wiring");
	keyboard_next(fixture, "connect");

	page = ub_window_get_page(fixture->window, "connect");
	press_on(fixture, GTK_WIDGET(ub_page_connect_get_connect_button(page)));
	g_assert_true(wait_for(fixture, page_not_busy, NULL));
	assert_tab_reaches_all(fixture, "connect");
	keyboard_next(fixture, "firmware");

	g_assert_true(wait_for(fixture, firmware_scanned, NULL));
	assert_tab_reaches_all(fixture, "firmware");
	keyboard_next(fixture, "flash");

	page = ub_window_get_page(fixture->window, "flash");
	assert_tab_reaches_all(fixture, "flash");
	press_on(fixture, GTK_WIDGET(ub_page_flash_get_start_button(page)));
	g_assert_true(wait_for_ms(fixture, flash_finished, NULL, UB_FLASH_TIMEOUT_MS));
	g_assert_null(ub_error_view_get_title(ub_page_flash_get_error_view(page)));
	keyboard_next(fixture, "done");

	page = ub_window_get_page(fixture->window, "done");
	assert_tab_reaches_all(fixture, "done");
	press_on(fixture, GTK_WIDGET(ub_page_done_get_copy_button(page)));
	g_assert_true(wait_for(fixture, clipboard_has_report, NULL));
}

static gboolean
recovery_done(Fixture *fixture, gconstpointer data)
{
	return gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)) ||
	       ub_error_view_get_title(ub_page_recovery_get_error_view(
		   ub_window_get_page(fixture->window, "recovery"))) != NULL;
}

/* what the prompt showed, in order, as the person saw it change */
static void
prompt_changed_cb(GtkStack *stack, GParamSpec *pspec, gpointer user_data)
{
	GPtrArray *seen = user_data;

	g_ptr_array_add(seen, g_strdup(gtk_stack_get_visible_child_name(stack)));
}

static gint
seen_index(GPtrArray *seen, const char *name, gint after)
{
	for (guint i = (guint)(after + 1); i < seen->len; i++)
		if (g_strcmp0(g_ptr_array_index(seen, i), name) == 0)
			return (gint)i;
	return -1;
}

/* the Recovery page runs the connection ladder; on the bench the simulated person holds NRST
 * when told and lets go when told, and the chip ends up halted before its firmware. The
 * prompt goes running → hold → release → done, and the rows keep what each rung gave. */
static void
recovery_by_hand(Fixture *fixture)
{
	GtkWidget *recovery = ub_window_get_page(fixture->window, "recovery");
	GtkStack *prompt = ub_page_recovery_get_prompt_stack(recovery);
	g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);
	gulong handler;
	gint hold;
	gint release;

	g_assert_cmpstr(gtk_stack_get_visible_child_name(prompt), ==, "ready");
	g_assert_true(gtk_widget_get_sensitive(
	    GTK_WIDGET(ub_page_recovery_get_start_button(recovery))));
	handler = g_signal_connect(prompt, "notify::visible-child-name",
				   G_CALLBACK(prompt_changed_cb), seen);
	gtk_button_clicked(ub_page_recovery_get_start_button(recovery));
	g_assert_true(wait_for_ms(fixture, recovery_done, NULL, UB_FLASH_TIMEOUT_MS));
	g_signal_handler_disconnect(prompt, handler);
	g_assert_null(ub_error_view_get_title(ub_page_recovery_get_error_view(recovery)));
	g_assert_nonnull(strstr(gtk_label_get_text(ub_page_recovery_get_status_label(recovery)),
				"before its firmware runs"));
	/* the person was asked to hold and then to let go, in that order, and saw it */
	hold = seen_index(seen, "hold", -1);
	release = seen_index(seen, "release", hold);
	g_assert_cmpint(seen_index(seen, "running", -1), >=, 0);
	g_assert_cmpint(hold, >, seen_index(seen, "running", -1));
	g_assert_cmpint(release, >, hold);
	g_assert_cmpint(seen_index(seen, "done", release), >, release);
	g_assert_true(strstr(ub_session_get_log(fixture->session), "hold-nrst") <
		      strstr(ub_session_get_log(fixture->session), "release-nrst"));
	/* every rung tried is on the page with what it gave */
	g_assert_cmpint(ub_page_recovery_get_rung_state(recovery, 1), ==, UB_RUNG_STATE_FAILED);
	g_assert_nonnull(strstr(ub_page_recovery_get_rung_detail(recovery, 1), "1800 kHz"));
	g_assert_nonnull(strstr(ub_page_recovery_get_rung_detail(recovery, 1), "480 kHz"));
	g_assert_nonnull(strstr(ub_page_recovery_get_rung_detail(recovery, 1), "100 kHz"));
	g_assert_cmpint(ub_page_recovery_get_rung_state(recovery, 2), ==, UB_RUNG_STATE_FAILED);
	g_assert_nonnull(strstr(ub_page_recovery_get_rung_detail(recovery, 2), "RST"));
	g_assert_cmpint(ub_page_recovery_get_rung_state(recovery, 3), ==, UB_RUNG_STATE_OK);
	g_assert_cmpint(ub_page_recovery_get_rung_state(recovery, 4), ==, UB_RUNG_STATE_OK);
	/* the clone reads its own supply: no tick for the board's power */
	g_assert_cmpint(ub_page_recovery_get_rung_state(recovery, 0), ==, UB_RUNG_STATE_UNKNOWN);
	g_assert_false(ub_session_get_needs_recovery(fixture->session));
	/* the chip's facts are known from here on */
	g_assert_true(wait_for(fixture, page_not_busy, NULL));
	g_assert_nonnull(ub_session_get_target_info(fixture->session));
	g_assert_true(gtk_widget_get_visible(GTK_WIDGET(ub_page_recovery_get_chip_label(recovery))));
	click_next(fixture, "firmware");
}

/* the forum case: the firmware repurposed the SWD pins, a plain connect gets no answer and
 * the wizard goes on to the reset-pin recovery instead of giving up */
static void
test_demo_bricked_needs_recovery(Fixture *fixture, gconstpointer data)
{
	GtkWidget *connect;
	UbErrorView *view;

	if (fixture->window == NULL)
		return;
	drive_to_wiring(fixture, "focbox");
	drive_wiring_check(fixture);
	click_next(fixture, "connect");
	connect = ub_window_get_page(fixture->window, "connect");
	view = ub_page_connect_get_error_view(connect);
	gtk_button_clicked(ub_page_connect_get_connect_button(connect));
	g_assert_true(wait_for(fixture, error_shown, view));
	/* the verdict, from what was measured and what the person ticked on the Wiring page
	 * (an LED lit, the wires checked): the firmware took the pins, the probe's RST does not
	 * reach NRST, so a hand on NRST it is */
	g_assert_cmpstr(ub_error_view_get_title(view), ==, "Hold NRST to GND by hand");
	g_assert_true(ub_page_connect_get_rung_ok(connect, 0));
	g_assert_false(ub_page_connect_get_rung_ok(connect, 2));
	g_assert_true(ub_session_get_needs_recovery(fixture->session));
	click_next(fixture, "recovery");
	recovery_by_hand(fixture);
}

/* the forum case on a Raspberry Pi Pico running debugprobe whose nRESET (GP1) is not wired:
 * the Probe page knows the Pico by its USB name, the wiring check accepts a probe that cannot
 * measure the board's voltage (the person checks the LED), the plain connect fails, the person
 * holds NRST on the Recovery page, and the firmware is flashed and verified */
static void
test_demo_pico_forum_case(Fixture *fixture, gconstpointer data)
{
	GtkWidget *connect;
	GtkWidget *wiring;
	GtkWidget *flash;
	UbErrorView *view;

	if (fixture->window == NULL)
		return;
	drive_to_wiring(fixture, "focbox");
	g_assert_nonnull(ub_session_get_probe_model(fixture->session));
	g_assert_cmpstr(ub_probe_model_get_id(ub_session_get_probe_model(fixture->session)), ==,
			"pico-debugprobe");
	drive_wiring_check(fixture);
	wiring = ub_window_get_page(fixture->window, "wiring");
	g_assert_cmpstr(gtk_label_get_text(ub_page_wiring_get_voltage_label(wiring)), ==,
			"Board voltage: not measured");
	click_next(fixture, "connect");
	connect = ub_window_get_page(fixture->window, "connect");
	view = ub_page_connect_get_error_view(connect);
	gtk_button_clicked(ub_page_connect_get_connect_button(connect));
	g_assert_true(wait_for(fixture, error_shown, view));
	/* the verdict: every drawn wire checked, the Pico's reset could reach NRST but nothing
	 * answers under it, so the optional reset wire is missing (or a hand on NRST) */
	g_assert_cmpstr(ub_error_view_get_title(view), ==,
			"The firmware may have turned the debug pins off, and the RST wire does not "
			"reach NRST");
	g_assert_true(ub_session_get_needs_recovery(fixture->session));
	click_next(fixture, "recovery");
	recovery_by_hand(fixture);
	g_assert_true(wait_for(fixture, firmware_scanned, NULL));
	click_next(fixture, "flash");
	flash = ub_window_get_page(fixture->window, "flash");
	gtk_button_clicked(ub_page_flash_get_start_button(flash));
	g_assert_true(wait_for_ms(fixture, flash_finished, NULL, UB_FLASH_TIMEOUT_MS));
	g_assert_null(ub_error_view_get_title(ub_page_flash_get_error_view(flash)));
	g_assert_cmpfloat(gtk_progress_bar_get_fraction(ub_page_flash_get_progress_bar(flash)), ==,
			  1.0);
	click_next(fixture, "done");
}

/* the demo bench is a FOCBOX: the wizard starts with it chosen, and shows its debug header as
 * it looks, labels and all */
static void
test_demo_board_chosen(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page;
	UbPinoutView *view;
	UbPinoutRender *render;
	UbBoard *board;

	if (fixture->window == NULL)
		return;
	page = ub_window_get_page(fixture->window, "welcome");
	g_assert_cmpstr(gtk_combo_box_get_active_id(ub_page_welcome_get_board_combo(page)), ==,
			"focbox");
	g_assert_true(gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)));
	board = ub_session_get_board(fixture->session);
	g_assert_cmpstr(ub_board_get_id(board), ==, "focbox");
	view = ub_page_welcome_get_header_view(page);
	g_assert_true(gtk_widget_is_visible(GTK_WIDGET(view)));
	render = ub_pinout_view_get_render(view);
	g_assert_nonnull(render);
	g_assert_cmpint(ub_pinout_render_get_drawing(render), ==, UB_PINOUT_DRAWING_HEADER);
	g_assert_cmpuint(ub_pinout_render_get_pins(render)->len, ==,
			 ub_pin_header_get_n_pins(ub_board_get_header(board)));
	assert_fits(fixture);
	/* every board of the database has its picture */
	for (guint i = 0; i < ub_board_db_get_all(ub_session_get_board_db(fixture->session))->len;
	     i++) {
		UbBoard *other =
		    g_ptr_array_index(ub_board_db_get_all(ub_session_get_board_db(fixture->session)), i);

		g_assert_true(gtk_combo_box_set_active_id(ub_page_welcome_get_board_combo(page),
							  ub_board_get_id(other)));
		render = ub_pinout_view_get_render(view);
		g_assert_cmpuint(ub_pinout_render_get_pins(render)->len, ==,
				 ub_pin_header_get_n_pins(ub_board_get_header(other)));
		assert_fits(fixture);
	}
	/* a board the wizard does not know has no picture to show */
	g_assert_true(gtk_combo_box_set_active_id(ub_page_welcome_get_board_combo(page), "generic"));
	g_assert_false(gtk_widget_is_visible(GTK_WIDGET(view)));
}

/* the choices are what the USB identity allows (an ST-LINK/V2 0483:3748 is not a Nucleo's
 * V2-1), each drawn with the labels printed on it; the demo offers its bench's model */
static void
test_demo_probe_choices(Fixture *fixture, gconstpointer data)
{
	GtkWidget *page;
	UbProbeDb *db;
	UbProbeInfo *info;
	GList *children;
	guint offered = 0;

	if (fixture->window == NULL)
		return;
	click_next(fixture, "probe");
	page = ub_window_get_page(fixture->window, "probe");
	g_assert_true(wait_for(fixture, probe_listed, NULL));
	info = ub_probe_row_get_info(
	    UB_PROBE_ROW(gtk_list_box_get_selected_row(ub_page_probe_get_list(page))));
	g_assert_cmphex(ub_probe_info_get_product_id(info), ==, 0x3748);
	db = ub_session_get_probe_db(fixture->session);
	g_assert_true(gtk_widget_is_visible(GTK_WIDGET(ub_page_probe_get_model_flow(page))));
	for (guint i = 0; i < ub_probe_db_get_all(db)->len; i++) {
		UbProbeModel *model = g_ptr_array_index(ub_probe_db_get_all(db), i);
		GtkFlowBoxChild *choice = ub_page_probe_get_model_choice(page, ub_probe_model_get_id(model));
		gboolean fits = ub_probe_model_matches_usb(model, 0x0483, 0x3748);

		g_assert_cmpint(choice != NULL, ==, fits);
		offered += fits;
	}
	g_assert_null(ub_page_probe_get_model_choice(page, "nucleo-stlink-v2-1"));
	children = gtk_container_get_children(GTK_CONTAINER(ub_page_probe_get_model_flow(page)));
	g_assert_cmpuint(g_list_length(children), ==, offered);
	/* each choice is a drawing of that model's header, labels as printed */
	for (GList *l = children; l != NULL; l = l->next) {
		GtkWidget *box = gtk_bin_get_child(GTK_BIN(l->data));
		g_autoptr(GList) parts = gtk_container_get_children(GTK_CONTAINER(box));
		UbProbeModel *model = ub_probe_db_lookup(db, g_object_get_data(l->data, "ub-model-id"));
		UbPinoutRender *render = ub_pinout_view_get_render(UB_PINOUT_VIEW(parts->data));

		g_assert_cmpint(ub_pinout_render_get_drawing(render), ==, UB_PINOUT_DRAWING_HEADER);
		g_assert_cmpuint(ub_pinout_render_get_pins(render)->len, ==,
				 ub_pin_header_get_n_pins(ub_probe_model_get_header(model)));
	}
	g_list_free(children);
	g_assert_cmpstr(ub_page_probe_get_chosen_model_id(page), ==, "stlink-v2-clone-a");
	g_assert_cmpstr(ub_probe_model_get_id(ub_session_get_probe_model(fixture->session)), ==,
			"stlink-v2-clone-a");
	g_assert_true(gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)));
	assert_fits(fixture);
	/* the person picks another by its drawing: the wiring follows */
	g_assert_true(ub_page_probe_choose_model(page, "stlink-v2-clone-b"));
	g_assert_cmpstr(ub_probe_model_get_id(ub_session_get_probe_model(fixture->session)), ==,
			"stlink-v2-clone-b");
}

static gboolean
prompt_is(Fixture *fixture, gconstpointer data)
{
	GtkStack *stack =
	    ub_page_recovery_get_prompt_stack(ub_window_get_page(fixture->window, "recovery"));

	return g_strcmp0(gtk_stack_get_visible_child_name(stack), data) == 0;
}

/* The forum case walked as a person would, at the bench's own pace (bench focbox-bricked:
 * FOCBOX whose firmware takes the SWD pins, clone probe variant A whose RST goes nowhere):
 * the wiring check cannot vouch for the power, the plain connect fails and says why, the
 * Recovery page shows each rung as it is tried, asks the person to hold NRST with the
 * drawing of where it is and how long unbrick waits, then to let go; the chip's facts are
 * then on every later page. No page contradicts another, and every page fits the window. */
static void
test_demo_forum_case(Fixture *fixture, gconstpointer data)
{
	GtkWidget *wiring;
	GtkWidget *connect;
	GtkWidget *recovery;
	GtkWidget *flash;
	GtkStack *prompt;
	UbPinoutRender *nrst;
	g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);
	gint64 hold_since;

	if (fixture->window == NULL)
		return;
	assert_fits(fixture);
	drive_to_wiring(fixture, "focbox");
	wiring = ub_window_get_page(fixture->window, "wiring");
	assert_fits(fixture);
	drive_wiring_check(fixture);
	assert_fits(fixture);
	/* a clone reads its own 3.3 V: the page says so, not "board voltage" */
	g_assert_nonnull(strstr(gtk_label_get_text(ub_page_wiring_get_voltage_label(wiring)),
				"not the board's"));

	click_next(fixture, "connect");
	connect = ub_window_get_page(fixture->window, "connect");
	gtk_button_clicked(ub_page_connect_get_connect_button(connect));
	g_assert_true(wait_for(fixture, error_shown, ub_page_connect_get_error_view(connect)));
	assert_fits(fixture);
	g_assert_cmpint(ub_page_connect_get_rung_state(connect, 0), ==, UB_RUNG_STATE_OK);
	/* no tick for the power the probe cannot measure, as the Wiring page said */
	g_assert_cmpint(ub_page_connect_get_rung_state(connect, 1), ==, UB_RUNG_STATE_UNKNOWN);
	g_assert_nonnull(strstr(gtk_label_get_text(ub_page_connect_get_power_detail_label(connect)),
				"cannot measure"));
	g_assert_cmpint(ub_page_connect_get_rung_state(connect, 2), ==, UB_RUNG_STATE_FAILED);

	click_next(fixture, "recovery");
	recovery = ub_window_get_page(fixture->window, "recovery");
	prompt = ub_page_recovery_get_prompt_stack(recovery);
	/* where NRST is, drawn: the FOCBOX's header pin 5 and the chip's pin 7 */
	g_assert_true(gtk_widget_is_visible(GTK_WIDGET(ub_page_recovery_get_nrst_view(recovery))));
	nrst = ub_pinout_view_get_render(ub_page_recovery_get_nrst_view(recovery));
	g_assert_cmpint(ub_pinout_render_get_drawing(nrst), ==, UB_PINOUT_DRAWING_NRST);
	assert_fits(fixture);
	g_signal_connect(prompt, "notify::visible-child-name", G_CALLBACK(prompt_changed_cb), seen);
	gtk_button_clicked(ub_page_recovery_get_start_button(recovery));

	/* the moment the hand is needed: large, with where and how long */
	g_assert_true(wait_for_ms(fixture, prompt_is, "hold", UB_FLASH_TIMEOUT_MS));
	hold_since = g_get_monotonic_time();
	g_assert_nonnull(strstr(gtk_label_get_text(ub_page_recovery_get_hold_where_label(recovery)),
				"pin 5 (RST)"));
	g_assert_nonnull(strstr(
	    gtk_label_get_text(ub_page_recovery_get_hold_countdown_label(recovery)), "seconds"));
	/* the rungs before the hand are on the page, each with what it gave */
	g_assert_cmpint(ub_page_recovery_get_rung_state(recovery, 1), ==, UB_RUNG_STATE_FAILED);
	g_assert_cmpint(ub_page_recovery_get_rung_state(recovery, 2), ==, UB_RUNG_STATE_FAILED);
	g_assert_cmpint(ub_page_recovery_get_rung_state(recovery, 3), ==, UB_RUNG_STATE_RUNNING);
	assert_fits(fixture);
	g_assert_true(wait_for_ms(fixture, prompt_is, "release", UB_FLASH_TIMEOUT_MS));
	g_test_message("the hold prompt was up %.1f s",
		       (g_get_monotonic_time() - hold_since) / 1e6);
	g_assert_true(wait_for_ms(fixture, recovery_done, NULL, UB_FLASH_TIMEOUT_MS));
	g_signal_handlers_disconnect_by_func(prompt, prompt_changed_cb, seen);
	for (guint i = 0; i < seen->len; i++)
		g_test_message("prompt %u: %s", i, (const char *)g_ptr_array_index(seen, i));
	g_assert_cmpint(seen_index(seen, "hold", -1), >=, 0);
	g_assert_cmpint(seen_index(seen, "release", seen_index(seen, "hold", -1)), >, 0);
	g_assert_cmpint(seen_index(seen, "done", seen_index(seen, "release", -1)), >, 0);
	g_assert_cmpint(ub_page_recovery_get_rung_state(recovery, 3), ==, UB_RUNG_STATE_OK);
	/* what the row says is what happened, not what was awaited */
	g_assert_null(strstr(ub_page_recovery_get_rung_detail(recovery, 3), "waiting"));
	g_assert_nonnull(strstr(ub_page_recovery_get_rung_detail(recovery, 3), "answered"));
	g_assert_cmpint(ub_page_recovery_get_rung_state(recovery, 0), ==, UB_RUNG_STATE_UNKNOWN);
	g_assert_true(wait_for(fixture, page_not_busy, NULL));
	assert_fits(fixture);

	/* the chip's facts are known everywhere after the recovery reached it, and the step
	 * taken stays in the list of steps */
	click_next(fixture, "firmware");
	g_assert_true(gtk_widget_get_visible(ub_window_get_step_label(fixture->window, "recovery")));
	g_assert_true(wait_for(fixture, firmware_scanned, NULL));
	assert_fits(fixture);
	click_next(fixture, "flash");
	flash = ub_window_get_page(fixture->window, "flash");
	g_assert_nonnull(strstr(gtk_label_get_text(ub_page_flash_get_chip_value(flash)), "STM32F4"));
	g_assert_nonnull(strstr(gtk_label_get_text(ub_page_flash_get_chip_value(flash)),
				ub_target_info_get_uid(ub_session_get_target_info(fixture->session))));
	assert_fits(fixture);
}

static gboolean
flash_writing(Fixture *fixture, gconstpointer data)
{
	GtkWidget *flash = ub_window_get_page(fixture->window, "flash");

	return gtk_progress_bar_get_fraction(ub_page_flash_get_progress_bar(flash)) > 0.40;
}

/* Cancel is safe: the job stops at a safe point and the page says what the chip holds */
static void
test_demo_cancel_flash(Fixture *fixture, gconstpointer data)
{
	GtkWidget *flash;
	UbErrorView *view;

	if (fixture->window == NULL)
		return;
	drive_to_flash(fixture);
	flash = ub_window_get_page(fixture->window, "flash");
	view = ub_page_flash_get_error_view(flash);
	gtk_button_clicked(ub_page_flash_get_start_button(flash));
	g_assert_true(wait_for_ms(fixture, flash_writing, NULL, UB_FLASH_TIMEOUT_MS));
	gtk_button_clicked(GTK_BUTTON(ub_window_get_cancel_button(fixture->window)));
	g_assert_true(wait_for_ms(fixture, error_shown, view, UB_FLASH_TIMEOUT_MS));
	g_assert_cmpstr(ub_error_view_get_title(view), ==, "Stopped");
	g_assert_true(gtk_widget_get_visible(
	    GTK_WIDGET(ub_page_flash_get_stage_state_label(flash))));
	g_assert_false(gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)));
	/* and the same button finishes the job */
	g_assert_true(gtk_widget_get_sensitive(GTK_WIDGET(ub_page_flash_get_start_button(flash))));
}

/* the probe is pulled out mid-flash: the page says so, with the state of the chip */
static void
test_demo_unplug_during_flash(Fixture *fixture, gconstpointer data)
{
	GtkWidget *flash;
	UbErrorView *view;
	UbTransport *transport;

	if (fixture->window == NULL)
		return;
	drive_to_flash(fixture);
	flash = ub_window_get_page(fixture->window, "flash");
	view = ub_page_flash_get_error_view(flash);
	transport = ub_device_get_transport(ub_session_get_device(fixture->session));
	g_assert_true(UB_IS_TRANSPORT_SIM(transport));
	/* between jobs the transport is idle: arm the fault for the middle of the next one (a
	 * demo flash with the SRAM loader takes a few hundred bulk transfers; 150 lands after
	 * the backup, while sectors are being changed) */
	ub_transport_sim_set_fault(UB_TRANSPORT_SIM(transport), UB_TRANSPORT_SIM_FAULT_UNPLUG,
				   150);
	gtk_button_clicked(ub_page_flash_get_start_button(flash));
	g_assert_true(wait_for_ms(fixture, error_shown, view, UB_FLASH_TIMEOUT_MS));
	g_assert_cmpstr(ub_error_view_get_title(view), ==, "The probe was unplugged");
	g_assert_true(gtk_widget_get_visible(
	    GTK_WIDGET(ub_page_flash_get_stage_state_label(flash))));
	g_assert_false(gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)));
}


static UbSimBoard *
fixture_bench(Fixture *fixture)
{
	return UB_SIM_BOARD(ub_session_get_demo_bench(fixture->session));
}

static gboolean
interrupted_shown(Fixture *fixture, gconstpointer data)
{
	return gtk_widget_get_visible(
	    ub_page_flash_get_interrupted_box(ub_window_get_page(fixture->window, "flash")));
}

typedef struct {
	UbSimBoard *board;
	guint after; /* erases before the job */
	gboolean done;
} Unplug;

/* on the bench's clock (the job's thread): the probe's cable is pulled once a sector erase has
 * run to its end */
static void
unplug_after_erase(gpointer user_data, guint64 start_ns, guint64 step_ns)
{
	Unplug *unplug = user_data;
	UbSimMcuStats stats;

	ub_sim_mcu_get_stats(ub_sim_board_get_mcu(unplug->board), &stats);
	if (unplug->done || stats.sectors_erased <= unplug->after)
		return;
	ub_sim_faults_unplug(ub_sim_board_get_faults(unplug->board));
	unplug->done = TRUE;
}

/* a flash cut short by an unplugged probe: the page offers to finish it or to put the original
 * back, and putting it back gives the chip as it was */
static void
test_demo_interrupted_put_back(Fixture *fixture, gconstpointer data)
{
	GtkWidget *flash;
	UbErrorView *view;
	UbSimBoard *bench;
	UbSimMcuStats stats;
	Unplug unplug = {0};
	g_autoptr(GBytes) before = NULL;
	g_autoptr(GBytes) after = NULL;

	if (fixture->window == NULL)
		return;
	drive_to_flash(fixture);
	flash = ub_window_get_page(fixture->window, "flash");
	view = ub_page_flash_get_error_view(flash);
	bench = fixture_bench(fixture);
	before = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(bench));
	/* the cable comes out once the first sector is erased */
	ub_sim_mcu_get_stats(ub_sim_board_get_mcu(bench), &stats);
	unplug.board = bench;
	unplug.after = stats.sectors_erased;
	ub_sim_clock_add_ticker(ub_sim_board_get_clock(bench), unplug_after_erase, &unplug);
	gtk_button_clicked(ub_page_flash_get_start_button(flash));
	g_assert_true(wait_for_ms(fixture, error_shown, view, UB_FLASH_TIMEOUT_MS));
	ub_sim_clock_remove_ticker(ub_sim_board_get_clock(bench), unplug_after_erase, &unplug);
	g_assert_true(unplug.done);
	ub_sim_faults_replug(ub_sim_board_get_faults(bench));
	/* the stage line says what the journal knows, sector by sector */
	g_assert_nonnull(strstr(gtk_label_get_text(ub_page_flash_get_stage_state_label(flash)),
				"every other sector is as it was"));
	g_assert_true(wait_for(fixture, interrupted_shown, NULL));
	g_assert_true(gtk_widget_get_visible(GTK_WIDGET(ub_page_flash_get_original_button(flash))));
	gtk_button_clicked(ub_page_flash_get_original_button(flash));
	g_assert_true(wait_for_ms(fixture, flash_finished, NULL, UB_FLASH_TIMEOUT_MS));
	g_assert_null(ub_error_view_get_title(view));
	after = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(fixture_bench(fixture)));
	g_assert_true(g_bytes_equal(before, after));
	g_assert_false(gtk_widget_get_visible(ub_page_flash_get_interrupted_box(flash)));
}

static gboolean
consent_asked(Fixture *fixture, gconstpointer data)
{
	return ub_page_flash_get_consent_dialog(ub_window_get_page(fixture->window, "flash")) !=
	       NULL;
}

/* another board's backup: refused until the person agrees, then written */
static void
test_demo_restore_other_board(Fixture *fixture, gconstpointer data)
{
	g_autoptr(UbSimBoard) other = NULL;
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(UbFlashJob) job = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *file = g_build_filename(fixture->dir, "other.bin", NULL);
	GtkWidget *flash;
	UbErrorView *view;
	GAsyncResult *result = NULL;

	if (fixture->window == NULL)
		return;
	/* a backup of another FOCBOX: same hardware, another chip */
	other = ub_sim_board_new_from_name("focbox-clone", &error);
	g_assert_no_error(error);
	device = ub_sim_board_new_device(other);
	job = ub_flash_job_new(device, UB_FLASH_JOB_KIND_BACKUP);
	ub_flash_job_set_backup_file(job, file);
	ub_flash_job_run_async(job, NULL, NULL, (GAsyncReadyCallback)wait_async_cb, &result);
	while (result == NULL)
		g_main_context_iteration(NULL, TRUE);
	g_assert_true(ub_flash_job_run_finish(job, result, &error));
	g_assert_no_error(error);
	g_clear_object(&result);

	drive_to_flash(fixture);
	flash = ub_window_get_page(fixture->window, "flash");
	view = ub_page_flash_get_error_view(flash);
	ub_page_flash_set_restore_path(flash, file);
	g_assert_true(gtk_widget_get_sensitive(GTK_WIDGET(ub_page_flash_get_restore_button(flash))));
	gtk_button_clicked(ub_page_flash_get_restore_button(flash));
	g_assert_true(wait_for_ms(fixture, consent_asked, NULL, UB_FLASH_TIMEOUT_MS));
	g_assert_cmpstr(ub_error_view_get_title(view), ==, "This backup is of another board");
	gtk_dialog_response(ub_page_flash_get_consent_dialog(flash), GTK_RESPONSE_ACCEPT);
	g_assert_true(wait_for_ms(fixture, flash_finished, NULL, UB_FLASH_TIMEOUT_MS));
	g_assert_null(ub_error_view_get_title(view));
}

static void
prepare_journal(Fixture *fixture)
{
	g_autofree char *jobs = g_build_filename(fixture->dir, "jobs", NULL);
	g_autoptr(UbFlashJournal) journal = ub_flash_journal_new(jobs, "flash", "0123456789AB");
	const guint planned[] = {0, 3};
	g_autoptr(GError) error = NULL;

	ub_flash_journal_set_image(journal, "/nonexistent/demo.bin", "00", "demo.bin", 0x08000000);
	ub_flash_journal_set_planned(journal, planned, G_N_ELEMENTS(planned));
	ub_flash_journal_add_erased(journal, 0);
	ub_flash_journal_set_stage(journal, "changing");
	g_assert_true(ub_flash_journal_write(journal, FALSE, &error));
	g_assert_no_error(error);
}

/* an interrupted job found at the start is named on the first page */
static void
test_welcome_interrupted(Fixture *fixture, gconstpointer data)
{
	GtkLabel *note;

	if (fixture->window == NULL)
		return;
	note = ub_page_welcome_get_interrupted_note(ub_window_get_page(fixture->window, "welcome"));
	g_assert_true(gtk_widget_get_visible(GTK_WIDGET(note)));
	g_assert_nonnull(strstr(gtk_label_get_text(note), "flash of demo.bin"));
	g_assert_nonnull(strstr(gtk_label_get_text(note), "sector 0 is erased"));
}

/* every control a keyboard or screen-reader user reaches has a name: also those shown only in
 * some states (no-show-all), so the check does not depend on what the page shows now */
static void
check_accessible_names(GtkWidget *widget, gpointer user_data)
{
	if (GTK_IS_BUTTON(widget) || GTK_IS_COMBO_BOX(widget) || GTK_IS_LIST_BOX(widget) ||
	    GTK_IS_ENTRY(widget) || GTK_IS_TEXT_VIEW(widget) || GTK_IS_PROGRESS_BAR(widget) ||
	    GTK_IS_EXPANDER(widget) || GTK_IS_SPIN_BUTTON(widget) || GTK_IS_SWITCH(widget) ||
	    GTK_IS_SCALE(widget) || UB_IS_PINOUT_VIEW(widget)) {
		AtkObject *accessible = gtk_widget_get_accessible(widget);
		const char *name = atk_object_get_name(accessible);

		if (name == NULL || name[0] == '\0')
			g_error("%s (%s) has no accessible name", G_OBJECT_TYPE_NAME(widget),
				gtk_buildable_get_name(GTK_BUILDABLE(widget)));
	}
	/* a combo box's own children are its internals, named through the combo */
	if (GTK_IS_CONTAINER(widget) && !GTK_IS_COMBO_BOX(widget) &&
	    !GTK_IS_FILE_CHOOSER_BUTTON(widget))
		gtk_container_forall(GTK_CONTAINER(widget), check_accessible_names, NULL);
}

static void
test_accessible_names(Fixture *fixture, gconstpointer data)
{
	const char *const *names = ub_wizard_get_page_names();

	if (fixture->window == NULL)
		return;
	for (guint i = 0; names[i] != NULL; i++) {
		g_assert_true(ub_window_show_page(fixture->window, names[i]));
		g_assert_true(wait_for(fixture, page_is, names[i]));
		check_accessible_names(ub_window_get_page(fixture->window, names[i]), NULL);
	}
	check_accessible_names(ub_window_get_back_button(fixture->window), NULL);
	check_accessible_names(ub_window_get_next_button(fixture->window), NULL);
	check_accessible_names(ub_window_get_cancel_button(fixture->window), NULL);
}

int
main(int argc, char **argv)
{
	/* the history of probes and chips is per user: this test keeps its own (whole isolated
	 * dirs would hide the display's icon themes and schemas) */
	g_autofree char *state = g_dir_make_tmp("ub-ui-state-XXXXXX", NULL);
	g_autofree char *cache_home = g_dir_make_tmp("ub-ui-cache-XXXXXX", NULL);
	int status;

	/* GTK's quarks outgrow GLib's first table, which GLib then drops */
	ub_test_forgive_glib_globals();
	g_setenv("XDG_STATE_HOME", state, TRUE);
	/* downloads go to a cache of this run's own; the archive server is never proxied */
	g_setenv("XDG_CACHE_HOME", cache_home, TRUE);
	g_setenv("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
	g_setenv("no_proxy", "127.0.0.1,localhost", TRUE);
	g_unsetenv("http_proxy");
	g_test_init(&argc, &argv, NULL);
	have_display = gtk_init_check(&argc, &argv);

	g_test_add("/ui/wizard/welcome-needs-board", Fixture, NULL, fixture_setup,
		   test_welcome_needs_board, fixture_teardown);
	g_test_add("/ui/wizard/welcome-board-notes", Fixture, NULL, fixture_setup,
		   test_welcome_board_notes, fixture_teardown);
	g_test_add("/ui/wizard/welcome-to-probe-and-back", Fixture, NULL, fixture_setup,
		   test_welcome_to_probe_and_back, fixture_teardown);
	g_test_add("/ui/wizard/keyboard-next", Fixture, NULL, fixture_setup, test_keyboard_next,
		   fixture_teardown);
	g_test_add("/ui/wiring/plan-for-board-and-probe", Fixture, NULL, fixture_setup,
		   test_wiring_plan_for_board_and_probe, fixture_teardown);
	g_test_add("/ui/wiring/stepper", Fixture, NULL, fixture_setup, test_wiring_stepper,
		   fixture_teardown);
	g_test_add("/ui/wiring/generic-board", Fixture, NULL, fixture_setup,
		   test_wiring_generic_board, fixture_teardown);
	g_test_add("/ui/firmware/folder-offers-fitting", Fixture, NULL, fixture_setup,
		   test_firmware_folder_offers_fitting, fixture_teardown);
	g_test_add("/ui/firmware/wrong-hardware-refused", Fixture, NULL, fixture_setup,
		   test_firmware_wrong_hardware_refused, fixture_teardown);
	g_test_add("/ui/firmware/damaged-file", Fixture, NULL, fixture_setup,
		   test_firmware_damaged_file, fixture_teardown);
	g_test_add("/ui/firmware/download-fits", Fixture, NULL, fixture_setup,
		   test_firmware_download_fits, fixture_teardown);
	g_test_add("/ui/firmware/download-offline", Fixture, NULL, fixture_setup,
		   test_firmware_download_offline, fixture_teardown);
	g_test_add("/ui/firmware/download-asks-hardware", Fixture, NULL, fixture_setup,
		   test_firmware_download_asks_hardware, fixture_teardown);
	g_test_add("/ui/firmware/download-cancel", Fixture, NULL, fixture_setup,
		   test_firmware_download_cancel, fixture_teardown);
	g_test_add("/ui/done/copy-report", Fixture, NULL, fixture_setup, test_done_copy_report,
		   fixture_teardown);
	g_test_add("/ui/demo/probe-to-wiring", Fixture, "focbox", fixture_setup,
		   test_demo_probe_to_wiring, fixture_teardown);
	g_test_add("/ui/demo/happy-path", Fixture, "focbox", fixture_setup, test_demo_happy_path,
		   fixture_teardown);
	g_test_add("/ui/demo/no-svg", Fixture, "focbox", fixture_setup, test_demo_no_svg,
		   fixture_teardown);
	g_test_add("/ui/wizard/fonts-warmed", Fixture, NULL, fixture_setup,
		   test_wizard_fonts_warmed, fixture_teardown);
	g_test_add("/ui/demo/wiring-prepared", Fixture, "focbox", fixture_setup,
		   test_demo_wiring_prepared, fixture_teardown);
	g_test_add("/ui/demo/bricked-needs-recovery", Fixture, "focbox-bricked", fixture_setup,
		   test_demo_bricked_needs_recovery, fixture_teardown);
	g_test_add("/ui/demo/pico-forum-case", Fixture, "focbox-bricked-pico", fixture_setup,
		   test_demo_pico_forum_case, fixture_teardown);
	g_test_add("/ui/demo/happy-path-clone", Fixture, "focbox-clone", fixture_setup,
		   test_demo_happy_path, fixture_teardown);
	g_test_add("/ui/demo/board-chosen", Fixture, "focbox-bricked", fixture_setup,
		   test_demo_board_chosen, fixture_teardown);
	g_test_add("/ui/demo/probe-choices", Fixture, "focbox-bricked", fixture_setup,
		   test_demo_probe_choices, fixture_teardown);
	g_test_add("/ui/demo/forum-case", Fixture, "focbox-bricked+paced", fixture_setup,
		   test_demo_forum_case, fixture_teardown);
	g_test_add("/ui/demo/cancel-flash", Fixture, "focbox+paced", fixture_setup,
		   test_demo_cancel_flash,
		   fixture_teardown);
	g_test_add("/ui/demo/unplug-during-flash", Fixture, "focbox", fixture_setup,
		   test_demo_unplug_during_flash, fixture_teardown);
	g_test_add("/ui/wizard/accessible-names", Fixture, NULL, fixture_setup,
		   test_accessible_names, fixture_teardown);
	g_test_add("/ui/demo/interrupted-put-back", Fixture, "focbox", fixture_setup,
		   test_demo_interrupted_put_back, fixture_teardown);
	g_test_add("/ui/demo/restore-other-board", Fixture, "focbox", fixture_setup,
		   test_demo_restore_other_board, fixture_teardown);
	g_test_add("/ui/wizard/welcome-interrupted", Fixture, NULL, fixture_setup_journal,
		   test_welcome_interrupted, fixture_teardown);
	g_test_add("/ui/wizard/keyboard-only", Fixture, "focbox", fixture_setup,
		   test_keyboard_only, fixture_teardown);
	status = g_test_run();
	ub_test_remove_tree(cache_home);
	return status;
}
