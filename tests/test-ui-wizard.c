/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wizard as a person uses it: the real window, driven through its widgets (clicks,
 * activation), with bounded waits on what the widgets show. Runs under Xvfb (tests/meson.build
 * wraps it in xvfb-run); without a display every case is skipped.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <unistd.h>

#include "ub-firmware-row.h"
#include "ub-flash-job.h"
#include "ub-flash-journal.h"
#include "ub-probe-row.h"
#include "ub-sim-board.h"
#include "ub-transport-sim.h"
#include "ub-ui.h"
#include "ub-test-lsan.h"
#include "ub-window-private.h"

#define UB_WAIT_TIMEOUT_MS 5000
/* a whole backup + erase + write + verify on the simulator, paced like the real chip */
#define UB_FLASH_TIMEOUT_MS 180000

typedef struct {
	GtkApplication *application;
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
	} else {
		fixture->session = ub_session_new(NULL);
	}
	fixture->window = ub_window_new(fixture->application, fixture->session);
	gtk_window_present(GTK_WINDOW(fixture->window));
	g_assert_true(wait_for(fixture, window_mapped, NULL));
}

static void
remove_tree(const char *dir)
{
	g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
	const char *name;

	while (handle != NULL && (name = g_dir_read_name(handle)) != NULL) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			remove_tree(path);
		else
			g_unlink(path);
	}
	g_rmdir(dir);
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
	g_clear_object(&fixture->application);
	if (fixture->dir != NULL)
		remove_tree(fixture->dir);
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

static const char *
shared_firmware_dir(void)
{
	const char *dir = g_getenv("UB_SHARED_FIRMWARE_DIR");

	if (dir == NULL || !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		g_test_skip("UB_SHARED_FIRMWARE_DIR is not set or missing");
		return NULL;
	}
	return dir;
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
	const char *dir = shared_firmware_dir();
	GtkWidget *page;
	GtkListBox *list;
	GtkListBoxRow *selected;
	UbFirmwareInfo *info;

	if (fixture->window == NULL || dir == NULL)
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
	const char *dir = shared_firmware_dir();
	GtkWidget *page;
	GtkListBoxRow *row;
	GtkToggleButton *override;

	if (fixture->window == NULL || dir == NULL)
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

/* the Done page says what was done, and Copy report puts a forum-ready report on the clipboard */
static void
test_done_copy_report(Fixture *fixture, gconstpointer data)
{
	const char *dir = shared_firmware_dir();
	g_autofree char *path = NULL;
	g_autoptr(UbFirmwareInfo) info = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	GtkWidget *page;

	if (fixture->window == NULL || dir == NULL)
		return;
	path = g_build_filename(dir, "vesc-fw-6.05-410_o_411_o_412-VESC_default.bin", NULL);
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

/* Welcome → Probe → Wiring as a person does it: choose the board, take the listed probe,
 * say which clone it is */
static void
drive_to_wiring(Fixture *fixture, const char *board_id)
{
	GtkWidget *probe_page;
	GtkListBoxRow *row;
	GtkComboBox *model;

	g_assert_true(gtk_combo_box_set_active_id(
	    ub_page_welcome_get_board_combo(ub_window_get_page(fixture->window, "welcome")),
	    board_id));
	click_next(fixture, "probe");
	probe_page = ub_window_get_page(fixture->window, "probe");
	g_assert_true(wait_for(fixture, probe_listed, NULL));
	row = gtk_list_box_get_selected_row(ub_page_probe_get_list(probe_page));
	g_assert_nonnull(ub_probe_info_get_provider(ub_probe_row_get_info(UB_PROBE_ROW(row))));
	model = ub_page_probe_get_model_combo(probe_page);
	/* a clone stick shares its USB ids with other models: the person picks by the labels */
	if (gtk_widget_is_visible(GTK_WIDGET(model)))
		g_assert_true(gtk_combo_box_set_active_id(model, "stlink-v2-clone-a"));
	click_next(fixture, "wiring");
}

static void
drive_wiring_check(Fixture *fixture)
{
	GtkWidget *page = ub_window_get_page(fixture->window, "wiring");
	GtkWidget *checks[4];

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
	click_next(fixture, "done");
	g_assert_nonnull(ub_session_get_backup_path(fixture->session));
	g_assert_true(g_file_test(ub_session_get_backup_path(fixture->session), G_FILE_TEST_EXISTS));
	g_assert_cmpstr(gtk_label_get_text(ub_page_done_get_backup_value(
			    ub_window_get_page(fixture->window, "done"))),
			==, ub_session_get_backup_path(fixture->session));
}

static gboolean
recovery_done(Fixture *fixture, gconstpointer data)
{
	return gtk_widget_get_sensitive(ub_window_get_next_button(fixture->window)) ||
	       ub_error_view_get_title(ub_page_recovery_get_error_view(
		   ub_window_get_page(fixture->window, "recovery"))) != NULL;
}

/* the Recovery page runs the connection ladder; on the bench the simulated person holds NRST
 * when told and lets go when told, and the chip ends up halted before its firmware */
static void
recovery_by_hand(Fixture *fixture)
{
	GtkWidget *recovery = ub_window_get_page(fixture->window, "recovery");

	g_assert_true(gtk_widget_get_sensitive(
	    GTK_WIDGET(ub_page_recovery_get_start_button(recovery))));
	gtk_button_clicked(ub_page_recovery_get_start_button(recovery));
	g_assert_true(wait_for_ms(fixture, recovery_done, NULL, UB_FLASH_TIMEOUT_MS));
	g_assert_null(ub_error_view_get_title(ub_page_recovery_get_error_view(recovery)));
	g_assert_nonnull(strstr(gtk_label_get_text(ub_page_recovery_get_status_label(recovery)),
				"before its firmware runs"));
	/* the person was asked to hold and then to let go, in that order */
	g_assert_nonnull(strstr(ub_session_get_log(fixture->session), "hold-nrst"));
	g_assert_true(strstr(ub_session_get_log(fixture->session), "hold-nrst") <
		      strstr(ub_session_get_log(fixture->session), "release-nrst"));
	g_assert_false(ub_session_get_needs_recovery(fixture->session));
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

/* every control a keyboard or screen-reader user reaches has a name */
static void
check_accessible_names(GtkWidget *widget, gpointer user_data)
{
	if (!gtk_widget_get_visible(widget))
		return;
	if (GTK_IS_BUTTON(widget) || GTK_IS_COMBO_BOX(widget) || GTK_IS_LIST_BOX(widget) ||
	    GTK_IS_ENTRY(widget) || GTK_IS_TEXT_VIEW(widget) || GTK_IS_PROGRESS_BAR(widget)) {
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
}

int
main(int argc, char **argv)
{
	/* the history of probes and chips is per user: this test keeps its own (whole isolated
	 * dirs would hide the display's icon themes and schemas) */
	g_autofree char *state = g_dir_make_tmp("ub-ui-state-XXXXXX", NULL);

	/* GTK's quarks outgrow GLib's first table, which GLib then drops */
	ub_test_forgive_glib_globals();
	g_setenv("XDG_STATE_HOME", state, TRUE);
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
	g_test_add("/ui/wiring/generic-board", Fixture, NULL, fixture_setup,
		   test_wiring_generic_board, fixture_teardown);
	g_test_add("/ui/firmware/folder-offers-fitting", Fixture, NULL, fixture_setup,
		   test_firmware_folder_offers_fitting, fixture_teardown);
	g_test_add("/ui/firmware/wrong-hardware-refused", Fixture, NULL, fixture_setup,
		   test_firmware_wrong_hardware_refused, fixture_teardown);
	g_test_add("/ui/firmware/damaged-file", Fixture, NULL, fixture_setup,
		   test_firmware_damaged_file, fixture_teardown);
	g_test_add("/ui/done/copy-report", Fixture, NULL, fixture_setup, test_done_copy_report,
		   fixture_teardown);
	g_test_add("/ui/demo/probe-to-wiring", Fixture, "focbox", fixture_setup,
		   test_demo_probe_to_wiring, fixture_teardown);
	g_test_add("/ui/demo/happy-path", Fixture, "focbox", fixture_setup, test_demo_happy_path,
		   fixture_teardown);
	g_test_add("/ui/demo/bricked-needs-recovery", Fixture, "focbox-bricked", fixture_setup,
		   test_demo_bricked_needs_recovery, fixture_teardown);
	g_test_add("/ui/demo/pico-forum-case", Fixture, "focbox-bricked-pico", fixture_setup,
		   test_demo_pico_forum_case, fixture_teardown);
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
	return g_test_run();
}
