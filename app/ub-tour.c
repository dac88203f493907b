/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-tour.h"
#include "ub-window-private.h"

#define UB_TOUR_TICK_MS 100
/* a whole flash on the simulator at the real chip's pace, and then some */
#define UB_TOUR_TIMEOUT_S 300

typedef struct {
	UbWindow *window;
	char *page;
	UbTourDoneFunc done;
	gpointer user_data;
	gint64 deadline;
	guint wire_steps;   /* wires stepped through for the Wiring page's picture */
	gboolean checked;   /* the wiring check was started */
	gboolean connected; /* a connect was started */
	gboolean recovering; /* the recovery was started */
	gboolean flashing;  /* the flash was started */
} UbTour;

static gboolean
ub_tour_next_sensitive(UbTour *tour)
{
	return gtk_widget_get_sensitive(ub_window_get_next_button(tour->window));
}

static gboolean
ub_tour_busy(UbTour *tour)
{
	return gtk_widget_get_visible(ub_window_get_cancel_button(tour->window));
}

static void
ub_tour_click_next(UbTour *tour)
{
	if (ub_tour_next_sensitive(tour))
		gtk_button_clicked(GTK_BUTTON(ub_window_get_next_button(tour->window)));
}

/* one small step on the current page; TRUE once the page to show is ready */
static gboolean
ub_tour_step(UbTour *tour)
{
	const char *name = ub_window_get_page_name(tour->window);
	GtkWidget *page = ub_window_get_page(tour->window, name);
	gboolean target = g_strcmp0(name, tour->page) == 0;

	if (g_strcmp0(name, "welcome") == 0) {
		GtkComboBox *combo = ub_page_welcome_get_board_combo(page);

		/* the demo chooses its bench's board for the person */
		if (gtk_combo_box_get_active_id(combo) == NULL)
			return FALSE;
		if (target)
			return TRUE;
		ub_tour_click_next(tour);
	} else if (g_strcmp0(name, "probe") == 0) {
		if (gtk_list_box_get_selected_row(ub_page_probe_get_list(page)) == NULL)
			return FALSE;
		/* the demo offers its bench's probe model first; a person would check it */
		if (gtk_widget_is_visible(GTK_WIDGET(ub_page_probe_get_model_flow(page))) &&
		    ub_page_probe_get_chosen_model_id(page) == NULL)
			return FALSE;
		if (target)
			return TRUE;
		ub_tour_click_next(tour);
	} else if (g_strcmp0(name, "wiring") == 0) {
		GtkWidget *checks[4];
		GtkButton *next_wire = ub_page_wiring_get_step_next_button(page);

		/* the picture of this page shows the stepper at its second wire */
		if (target && tour->wire_steps < 2) {
			gtk_button_clicked(next_wire);
			tour->wire_steps++;
			return tour->wire_steps == 2;
		}
		if (target)
			return TRUE;
		/* one wire at a time, as a person connects them, up to the check */
		if (!gtk_widget_is_visible(GTK_WIDGET(ub_page_wiring_get_check_button(page)))) {
			gtk_button_clicked(next_wire);
			return FALSE;
		}
		if (!tour->checked) {
			ub_page_wiring_get_checks(page, checks);
			for (guint i = 0; i < G_N_ELEMENTS(checks); i++)
				gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(checks[i]), TRUE);
			gtk_button_clicked(ub_page_wiring_get_check_button(page));
			tour->checked = TRUE;
			return FALSE;
		}
		if (ub_tour_busy(tour))
			return FALSE;
		ub_tour_click_next(tour);
	} else if (g_strcmp0(name, "connect") == 0) {
		if (!tour->connected) {
			gtk_button_clicked(ub_page_connect_get_connect_button(page));
			tour->connected = TRUE;
			return FALSE;
		}
		if (ub_tour_busy(tour))
			return FALSE;
		if (target)
			return TRUE;
		ub_tour_click_next(tour);
	} else if (g_strcmp0(name, "firmware") == 0) {
		if (ub_page_firmware_is_searching(page))
			return FALSE;
		if (target)
			return TRUE;
		ub_tour_click_next(tour);
	} else if (g_strcmp0(name, "flash") == 0) {
		if (!tour->flashing) {
			gtk_button_clicked(ub_page_flash_get_start_button(page));
			tour->flashing = TRUE;
			return FALSE;
		}
		/* the picture shows the bar on its way */
		if (target)
			return gtk_progress_bar_get_fraction(ub_page_flash_get_progress_bar(page)) >
			       0.4;
		ub_tour_click_next(tour);
	} else if (g_strcmp0(name, "recovery") == 0) {
		if (!tour->recovering) {
			gtk_button_clicked(ub_page_recovery_get_start_button(page));
			tour->recovering = TRUE;
			return FALSE;
		}
		/* the picture of this page is the moment the person's hand is needed */
		if (target)
			return g_strcmp0(gtk_stack_get_visible_child_name(
					     ub_page_recovery_get_prompt_stack(page)),
					 "hold") == 0;
		if (ub_tour_busy(tour))
			return FALSE;
		ub_tour_click_next(tour);
	} else {
		/* done: nothing more to press */
		return TRUE;
	}
	return FALSE;
}

static gboolean
ub_tour_tick_cb(gpointer user_data)
{
	UbTour *tour = user_data;
	gboolean ready = ub_tour_step(tour);
	gboolean reached;

	if (!ready && g_get_monotonic_time() < tour->deadline)
		return G_SOURCE_CONTINUE;
	reached = g_strcmp0(ub_window_get_page_name(tour->window), tour->page) == 0;
	tour->done(tour->window, reached, tour->user_data);
	g_object_unref(tour->window);
	g_free(tour->page);
	g_free(tour);
	return G_SOURCE_REMOVE;
}

void
ub_tour_start(UbWindow *window, const char *page, UbTourDoneFunc done, gpointer user_data)
{
	UbTour *tour = g_new0(UbTour, 1);

	g_return_if_fail(UB_IS_WINDOW(window));
	tour->window = g_object_ref(window);
	tour->page = g_strdup(page);
	tour->done = done;
	tour->user_data = user_data;
	tour->deadline = g_get_monotonic_time() + UB_TOUR_TIMEOUT_S * G_USEC_PER_SEC;
	g_timeout_add(UB_TOUR_TICK_MS, ub_tour_tick_cb, tour);
}
