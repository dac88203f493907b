/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Recovery step shows the connection ladder as it runs: one row per rung with what it
 * gave, and, on the right, what the person has to do now. The two moments that need a hand
 * ("Hold NRST to GND now", then "Let go now") take the whole prompt, with the time unbrick
 * waits and the drawing of where NRST is on this board. The prompt is a stack of named
 * states (ready, running, hold, release, done, failed), so a verdict with its title, causes,
 * picture and next step can later fill the same places.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ub-connect-ladder.h"
#include "ub-error-view.h"
#include "ub-page-recovery.h"
#include "ub-page.h"
#include "ub-pinout-render.h"
#include "ub-pinout-view.h"
#include "ub-window-private.h"

typedef enum {
	UB_RECOVERY_RUNG_VOLTAGE,
	UB_RECOVERY_RUNG_NORMAL,
	UB_RECOVERY_RUNG_UNDER_RESET,
	UB_RECOVERY_RUNG_MANUAL,
	UB_RECOVERY_RUNG_SECURE,
	UB_RECOVERY_RUNG_LAST,
} UbRecoveryRung;

struct _UbPageRecovery {
	UbPage parent_instance;
	GtkStack *rung_stacks[UB_RECOVERY_RUNG_LAST];
	GtkImage *rung_icons[UB_RECOVERY_RUNG_LAST];
	GtkLabel *rung_details[UB_RECOVERY_RUNG_LAST];
	UbRungState rung_states[UB_RECOVERY_RUNG_LAST];
	GtkWidget *intro_label;
	gboolean rung_trying[UB_RECOVERY_RUNG_LAST]; /* the detail says what is being tried */
	GString *manual_done; /* the hand's tries that are over, one line each */
	char *manual_now;     /* the try going on */
	GtkButton *start_button;
	GtkStack *prompt_stack;
	GtkLabel *hold_where_label;
	GtkLabel *hold_countdown_label;
	GtkLabel *release_countdown_label;
	GtkLabel *status_label;
	GtkLabel *chip_label;
	GtkWidget *let_go_label;
	UbErrorView *error_view;
	UbPinoutView *nrst_view;
	UbBoard *nrst_board; /* the board the drawing is of (not owned: the session's database) */
	UbLadderOptions options;
	guint countdown_id;
	gint64 countdown_deadline;
	GtkLabel *countdown_label;
	gboolean countdown_release;
	gboolean holding; /* told to hold, not told to let go yet */
	gboolean recovered;
};

G_DEFINE_TYPE(UbPageRecovery, ub_page_recovery, UB_TYPE_PAGE)

static void
ub_page_recovery_set_rung(UbPageRecovery *self, UbRecoveryRung rung, UbRungState state)
{
	static const char *const icons[] = {
	    [UB_RUNG_STATE_PENDING] = "radio-symbolic",
	    [UB_RUNG_STATE_RUNNING] = "radio-symbolic",
	    [UB_RUNG_STATE_OK] = "object-select-symbolic",
	    [UB_RUNG_STATE_FAILED] = "window-close-symbolic",
	    [UB_RUNG_STATE_UNKNOWN] = "dialog-question-symbolic",
	    [UB_RUNG_STATE_SKIPPED] = "radio-symbolic",
	};
	GtkStyleContext *context = gtk_widget_get_style_context(GTK_WIDGET(self->rung_icons[rung]));

	self->rung_states[rung] = state;
	gtk_image_set_from_icon_name(self->rung_icons[rung], icons[state], GTK_ICON_SIZE_BUTTON);
	gtk_stack_set_visible_child_name(self->rung_stacks[rung],
					 state == UB_RUNG_STATE_RUNNING ? "spinner" : "icon");
	gtk_style_context_remove_class(context, "dim-label");
	gtk_style_context_remove_class(context, "ub-ok");
	gtk_style_context_remove_class(context, "ub-danger");
	gtk_style_context_add_class(context, state == UB_RUNG_STATE_OK	   ? "ub-ok"
					     : state == UB_RUNG_STATE_FAILED ? "ub-danger"
									     : "dim-label");
}

static void
ub_page_recovery_set_detail(UbPageRecovery *self, UbRecoveryRung rung, const char *text)
{
	gtk_label_set_text(self->rung_details[rung], text != NULL ? text : "");
	gtk_widget_set_visible(GTK_WIDGET(self->rung_details[rung]), text != NULL && text[0] != '\0');
}

static void
ub_page_recovery_add_detail(UbPageRecovery *self, UbRecoveryRung rung, const char *text)
{
	const char *before = gtk_label_get_text(self->rung_details[rung]);
	g_autofree char *joined = NULL;

	if (before[0] == '\0') {
		ub_page_recovery_set_detail(self, rung, text);
		return;
	}
	joined = g_strdup_printf("%s\n%s", before, text);
	ub_page_recovery_set_detail(self, rung, joined);
}

/* the core's messages put the technical cause after a colon; the row shows what comes before */
static char *
ub_page_recovery_summary(const char *message)
{
	const char *colon = strstr(message, ": ");

	return colon != NULL ? g_strndup(message, (gsize)(colon - message)) : g_strdup(message);
}

/* ---- the countdown under a prompt ---- */

static void
ub_page_recovery_stop_countdown(UbPageRecovery *self)
{
	g_clear_handle_id(&self->countdown_id, g_source_remove);
}

static gboolean
ub_page_recovery_countdown_cb(gpointer user_data)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(user_data);
	gint64 left_us = self->countdown_deadline - g_get_monotonic_time();
	guint left = left_us > 0 ? (guint)(left_us / G_USEC_PER_SEC) : 0;
	g_autofree char *text = NULL;

	if (self->countdown_release)
		text = g_strdup_printf(ngettext("unbrick waits %u more second for you to let go",
						"unbrick waits %u more seconds for you to let go",
						left),
				       left);
	else
		text = g_strdup_printf(ngettext("unbrick waits %u more second for the chip to answer",
						"unbrick waits %u more seconds for the chip to answer",
						left),
				       left);
	gtk_label_set_text(self->countdown_label, text);
	return G_SOURCE_CONTINUE;
}

static void
ub_page_recovery_start_countdown(UbPageRecovery *self, GtkLabel *label, guint timeout_ms,
				 gboolean release)
{
	ub_page_recovery_stop_countdown(self);
	self->countdown_label = label;
	self->countdown_release = release;
	self->countdown_deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	ub_page_recovery_countdown_cb(self);
	self->countdown_id = g_timeout_add(250, ub_page_recovery_countdown_cb, self);
}

/* ---- the ladder's steps, on the main loop ---- */

static UbRecoveryRung
ub_page_recovery_rung_for_step(UbLadderStep step)
{
	switch (step) {
	case UB_LADDER_STEP_VOLTAGE:
		return UB_RECOVERY_RUNG_VOLTAGE;
	case UB_LADDER_STEP_NORMAL:
		return UB_RECOVERY_RUNG_NORMAL;
	case UB_LADDER_STEP_UNDER_RESET:
		return UB_RECOVERY_RUNG_UNDER_RESET;
	case UB_LADDER_STEP_MANUAL_RESET:
		return UB_RECOVERY_RUNG_MANUAL;
	case UB_LADDER_STEP_SECURE:
		return UB_RECOVERY_RUNG_SECURE;
	case UB_LADDER_STEP_VERDICT:
	default:
		return UB_RECOVERY_RUNG_LAST;
	}
}

static gboolean
ub_page_recovery_probe_reads_own_rail(UbPageRecovery *self)
{
	UbProbeModel *model = ub_session_get_probe_model(ub_page_get_session(UB_PAGE(self)));

	return model != NULL &&
	       ub_probe_model_get_voltage_reading(model) != UB_VOLTAGE_READING_SENSES_TARGET;
}

static void
ub_page_recovery_voltage_event(UbPageRecovery *self, const UbLadderEvent *event)
{
	/* a clone's reading is its own 3.3 V: no tick for what it cannot measure */
	if (event->kind == UB_LADDER_EVENT_NOTE ||
	    (event->kind == UB_LADDER_EVENT_SUCCEEDED &&
	     ub_page_recovery_probe_reads_own_rail(self))) {
		ub_page_recovery_set_rung(self, UB_RECOVERY_RUNG_VOLTAGE, UB_RUNG_STATE_UNKNOWN);
		ub_page_recovery_set_detail(self, UB_RECOVERY_RUNG_VOLTAGE,
					    _("This probe cannot measure the board's voltage: "
					      "trust the board's LED."));
		return;
	}
	ub_page_recovery_set_rung(self, UB_RECOVERY_RUNG_VOLTAGE,
				  event->kind == UB_LADDER_EVENT_SUCCEEDED ? UB_RUNG_STATE_OK
									   : UB_RUNG_STATE_FAILED);
	ub_page_recovery_set_detail(self, UB_RECOVERY_RUNG_VOLTAGE, event->message);
}

/* the hand's row: the tries that are over, then the one going on (which changes in place) */
static void
ub_page_recovery_set_manual(UbPageRecovery *self, const char *now)
{
	g_autoptr(GString) text = g_string_new(self->manual_done->str);

	g_free(self->manual_now);
	self->manual_now = g_strdup(now);
	if (now != NULL) {
		if (text->len > 0)
			g_string_append_c(text, '\n');
		g_string_append(text, now);
	}
	ub_page_recovery_set_detail(self, UB_RECOVERY_RUNG_MANUAL, text->str);
}

static void
ub_page_recovery_manual_done(UbPageRecovery *self, const char *line)
{
	if (self->manual_done->len > 0)
		g_string_append_c(self->manual_done, '\n');
	g_string_append(self->manual_done, line);
	ub_page_recovery_set_manual(self, NULL);
}

static void
ub_page_recovery_manual_event(UbPageRecovery *self, const UbLadderEvent *event)
{
	g_autofree char *summary = ub_page_recovery_summary(event->message);
	g_autofree char *detail = NULL;

	switch (event->kind) {
	case UB_LADDER_EVENT_HOLD_NRST:
		self->holding = TRUE;
		ub_page_recovery_set_rung(self, UB_RECOVERY_RUNG_MANUAL, UB_RUNG_STATE_RUNNING);
		/* TRANSLATORS: the n-th time the person is asked to hold the reset pin */
		detail = g_strdup_printf(_("Try %u: waiting for your hand on NRST"), event->attempt);
		ub_page_recovery_set_manual(self, detail);
		gtk_stack_set_visible_child_name(self->prompt_stack, "hold");
		ub_page_recovery_start_countdown(self, self->hold_countdown_label,
						 self->options.hold_timeout_ms, FALSE);
		break;
	case UB_LADDER_EVENT_RELEASE_NRST:
		self->holding = FALSE;
		detail = g_strdup_printf(_("Try %u: the chip answered while you held NRST"),
					 event->attempt);
		ub_page_recovery_set_manual(self, detail);
		gtk_stack_set_visible_child_name(self->prompt_stack, "release");
		ub_page_recovery_start_countdown(self, self->release_countdown_label,
						 self->options.release_timeout_ms, TRUE);
		break;
	case UB_LADDER_EVENT_FAILED:
		/* the ladder asks again after a moment, or gives its verdict */
		ub_page_recovery_stop_countdown(self);
		detail = g_strdup_printf(_("Try %1$u did not work: %2$s"), event->attempt, summary);
		ub_page_recovery_manual_done(self, detail);
		gtk_stack_set_visible_child_name(self->prompt_stack, "running");
		break;
	case UB_LADDER_EVENT_SUCCEEDED:
		ub_page_recovery_stop_countdown(self);
		ub_page_recovery_set_rung(self, UB_RECOVERY_RUNG_MANUAL, UB_RUNG_STATE_OK);
		/* the try that worked stays, with what it gave */
		if (self->manual_now != NULL) {
			g_autofree char *now = g_steal_pointer(&self->manual_now);
			ub_page_recovery_manual_done(self, now);
		}
		ub_page_recovery_manual_done(self, summary);
		gtk_stack_set_visible_child_name(self->prompt_stack, "running");
		break;
	case UB_LADDER_EVENT_TRYING:
	case UB_LADDER_EVENT_NOTE:
	default:
		ub_page_recovery_manual_done(self, summary);
		break;
	}
}

static void
ub_page_recovery_event_cb(const UbLadderEvent *event, gpointer user_data)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(user_data);
	UbRecoveryRung rung = ub_page_recovery_rung_for_step(event->step);
	g_autofree char *summary = ub_page_recovery_summary(event->message);

	/* steps still queued when the window went away */
	if (self->manual_done == NULL)
		return;
	ub_session_log(ub_page_get_session(UB_PAGE(self)), "recovery %s/%s: %s",
		       ub_ladder_step_to_string(event->step),
		       ub_ladder_event_kind_to_string(event->kind), event->message);
	if (rung == UB_RECOVERY_RUNG_LAST)
		return;
	/* after the person confirmed a check the ladder runs its rungs again: the rows show the
	 * new round, what it gives is what counts */
	if (rung == UB_RECOVERY_RUNG_VOLTAGE &&
	    self->rung_states[UB_RECOVERY_RUNG_NORMAL] != UB_RUNG_STATE_PENDING) {
		for (guint i = 0; i < UB_RECOVERY_RUNG_LAST; i++) {
			ub_page_recovery_set_rung(self, i, UB_RUNG_STATE_PENDING);
			ub_page_recovery_set_detail(self, i, NULL);
			self->rung_trying[i] = FALSE;
		}
		g_string_truncate(self->manual_done, 0);
		g_clear_pointer(&self->manual_now, g_free);
	}
	/* a rung still running when a later one starts did not get there */
	for (guint i = 0; i < rung; i++) {
		if (self->rung_states[i] == UB_RUNG_STATE_RUNNING)
			ub_page_recovery_set_rung(self, i, UB_RUNG_STATE_FAILED);
	}
	if (rung == UB_RECOVERY_RUNG_VOLTAGE) {
		ub_page_recovery_voltage_event(self, event);
		return;
	}
	if (rung == UB_RECOVERY_RUNG_MANUAL) {
		ub_page_recovery_manual_event(self, event);
		return;
	}
	/* what is being tried gives way to what it gave */
	if (self->rung_trying[rung] && (event->kind == UB_LADDER_EVENT_SUCCEEDED ||
					event->kind == UB_LADDER_EVENT_FAILED)) {
		ub_page_recovery_set_detail(self, rung, NULL);
		self->rung_trying[rung] = FALSE;
	}
	switch (event->kind) {
	case UB_LADDER_EVENT_TRYING:
		ub_page_recovery_set_rung(self, rung, UB_RUNG_STATE_RUNNING);
		/* the plain connect keeps one line per clock: the person sees every attempt */
		if (rung != UB_RECOVERY_RUNG_NORMAL) {
			ub_page_recovery_add_detail(self, rung, summary);
			self->rung_trying[rung] = TRUE;
		}
		break;
	case UB_LADDER_EVENT_SUCCEEDED:
		ub_page_recovery_set_rung(self, rung, UB_RUNG_STATE_OK);
		ub_page_recovery_add_detail(self, rung, summary);
		break;
	case UB_LADDER_EVENT_FAILED:
		ub_page_recovery_add_detail(self, rung, summary);
		break;
	case UB_LADDER_EVENT_NOTE:
	case UB_LADDER_EVENT_HOLD_NRST:
	case UB_LADDER_EVENT_RELEASE_NRST:
	default:
		ub_page_recovery_add_detail(self, rung, event->message);
		break;
	}
}

/* ---- the end ---- */

static void
ub_page_recovery_finish(UbPageRecovery *self)
{
	ub_page_recovery_stop_countdown(self);
	ub_page_end_work(UB_PAGE(self));
	ub_page_notify_complete(UB_PAGE(self));
}

/* what the chip is, as soon as the recovery reached it: every later page shows it */
static void
ub_page_recovery_info_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(UbPageRecovery) self = UB_PAGE_RECOVERY(user_data);
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	g_autoptr(GError) error = NULL;
	g_autoptr(UbTargetInfo) info = ub_device_read_info_finish(UB_DEVICE(source), result, &error);

	if (info == NULL) {
		/* the chip was reached; its facts are a nicety here, the flash reads them again */
		ub_session_log(session, "recovery: reading the chip's facts: %s", error->message);
	} else {
		g_autofree char *size = g_format_size(ub_target_info_get_flash_size(info));
		g_autofree char *text = NULL;

		ub_session_set_target_info(session, info);
		/* names and numbers only: the words around them are in the template */
		text = g_strdup_printf("%s · %s · UID %s",
				       ub_target_info_get_chip_name(info) != NULL
					   ? ub_target_info_get_chip_name(info)
					   : "?",
				       size,
				       ub_target_info_get_uid(info) != NULL
					   ? ub_target_info_get_uid(info)
					   : "?");
		gtk_label_set_text(self->chip_label, text);
		gtk_widget_show(GTK_WIDGET(self->chip_label));
	}
	ub_page_recovery_finish(self);
}

static void
ub_page_recovery_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(UbPageRecovery) self = UB_PAGE_RECOVERY(user_data);
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	g_autoptr(UbLadderResult) ladder = NULL;
	g_autoptr(GError) error = NULL;
	gboolean reached;

	ladder = ub_connect_ladder_run_finish(UB_DEVICE(source), result, &error);
	ub_page_recovery_stop_countdown(self);
	reached = ladder != NULL && ladder->reached;
	self->recovered = reached;
	for (guint i = 0; i < UB_RECOVERY_RUNG_LAST; i++) {
		if (self->rung_states[i] == UB_RUNG_STATE_RUNNING)
			ub_page_recovery_set_rung(self, i,
						  reached ? UB_RUNG_STATE_OK : UB_RUNG_STATE_FAILED);
		else if (self->rung_states[i] == UB_RUNG_STATE_PENDING && reached)
			ub_page_recovery_set_rung(self, i, UB_RUNG_STATE_SKIPPED);
	}
	if (!reached) {
		/* told to hold and then stopped: the hand is still on the pin */
		gtk_widget_set_visible(self->let_go_label, self->holding);
		self->holding = FALSE;
		if (ladder == NULL) {
			ub_error_view_set_error(self->error_view, error,
						ub_session_get_log(session));
		} else {
			/* why not, from the evidence the ladder gathered: the one source of
			 * advice (title, causes still possible with their checks, next step) */
			ub_session_log(session, "recovery: verdict %s",
				       ub_verdict_get_top(ladder->verdict)->id);
			ub_error_view_set_verdict(self->error_view, ladder->verdict,
						  ladder->evidence, ub_session_get_log(session));
		}
		gtk_stack_set_visible_child_name(self->prompt_stack, "failed");
		ub_page_recovery_finish(self);
		return;
	}
	gtk_label_set_text(self->status_label,
			   ladder->at_reset_vector
				   ? _("The chip is stopped before its firmware runs. It is ready to "
				       "be flashed.")
				   : _("The chip answers. It is ready to be flashed."));
	gtk_stack_set_visible_child_name(self->prompt_stack, "done");
	ub_session_set_needs_recovery(session, FALSE);
	ub_device_read_info_async(UB_DEVICE(source), ub_page_get_cancellable(UB_PAGE(self)),
				  ub_page_recovery_info_cb, g_object_ref(self));
}

static void
ub_page_recovery_reset(UbPageRecovery *self)
{
	for (guint i = 0; i < UB_RECOVERY_RUNG_LAST; i++) {
		ub_page_recovery_set_rung(self, i, UB_RUNG_STATE_PENDING);
		ub_page_recovery_set_detail(self, i, NULL);
		self->rung_trying[i] = FALSE;
	}
	g_string_truncate(self->manual_done, 0);
	g_clear_pointer(&self->manual_now, g_free);
	ub_error_view_clear(self->error_view);
	gtk_widget_hide(self->let_go_label);
	gtk_widget_hide(GTK_WIDGET(self->chip_label));
	self->holding = FALSE;
}

static void
ub_page_recovery_start_clicked_cb(UbPageRecovery *self)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	UbDevice *device = ub_session_get_device(session);
	UbBoard *board = ub_session_get_board(session);
	GCancellable *cancellable;

	if (device == NULL || ub_page_get_busy(UB_PAGE(self)))
		return;
	ub_page_recovery_reset(self);
	ub_ladder_options_clear(&self->options);
	ub_ladder_options_init(&self->options);
	/* what the person said and what history knows are evidence for the verdict */
	self->options.board_id = g_strdup(ub_session_get_board_id(session));
	self->options.given = g_object_ref(ub_session_get_said(session));
	self->options.history = ub_history_new(NULL);
	if (!ub_history_load(self->options.history, NULL))
		g_clear_object(&self->options.history);
	if (ub_session_get_probe_model(session) != NULL)
		self->options.probe_model =
		    g_strdup(ub_probe_model_get_id(ub_session_get_probe_model(session)));
	if (board != NULL && ub_board_get_nrst_header_pin(board) != 0)
		self->options.nrst_location = g_strdup_printf(_("debug header pin %u"),
							      ub_board_get_nrst_header_pin(board));
	else if (board != NULL && ub_board_get_nrst_mcu_pin(board) != 0)
		self->options.nrst_location = g_strdup_printf(_("chip pin %u"),
							      ub_board_get_nrst_mcu_pin(board));
	gtk_stack_set_visible_child_name(self->prompt_stack, "running");
	/* from here the prompt explains; the room goes to it and to the drawing */
	gtk_widget_hide(self->intro_label);
	cancellable = ub_page_begin_work(UB_PAGE(self));
	ub_connect_ladder_run_async(device, &self->options, ub_page_recovery_event_cb,
				    g_object_ref(self), g_object_unref, cancellable,
				    ub_page_recovery_done_cb, g_object_ref(self));
}

static void
ub_page_recovery_busy_changed(UbPage *page, gboolean busy)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(page);

	gtk_widget_set_sensitive(GTK_WIDGET(self->start_button), !busy && !self->recovered);
}

/* where NRST is on this board: in the prompt's words and in the drawing */
static void
ub_page_recovery_show_board(UbPageRecovery *self, UbBoard *board)
{
	g_autofree char *where = NULL;

	if (board == self->nrst_board && board != NULL)
		return;
	self->nrst_board = board;
	if (board == NULL) {
		ub_pinout_view_set_render(self->nrst_view, NULL);
		gtk_widget_hide(GTK_WIDGET(self->nrst_view));
		gtk_label_set_text(self->hold_where_label,
				   _("Touch your GND wire to the chip's NRST pin and keep it there."));
		return;
	}
	if (ub_board_get_nrst_header_pin(board) != 0) {
		const UbPin *pin = ub_pin_header_get_pin(ub_board_get_header(board),
							 ub_board_get_nrst_header_pin(board));

		/* TRANSLATORS: header pin number and the label printed next to it */
		where = g_strdup_printf(_("Touch your GND wire to pin %1$u (%2$s) of the debug "
					  "header, and keep it there."),
					ub_board_get_nrst_header_pin(board),
					pin != NULL && pin->label[0] != '\0' ? pin->label : "NRST");
	} else {
		where = g_strdup_printf(_("Touch your GND wire to pin %u of the chip, and keep it "
					  "there."),
					ub_board_get_nrst_mcu_pin(board));
	}
	gtk_label_set_text(self->hold_where_label, where);
	{
		g_autoptr(UbPinoutRender) render = ub_pinout_render_new_nrst(board, FALSE);

		ub_pinout_view_set_render(self->nrst_view, render);
	}
	gtk_widget_show(GTK_WIDGET(self->nrst_view));
}

static void
ub_page_recovery_enter(UbPage *page)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(page);
	UbSession *session = ub_page_get_session(page);

	ub_page_recovery_show_board(self, ub_session_get_board(session));
	/* the ladder needs a probe to work with */
	gtk_widget_set_sensitive(GTK_WIDGET(self->start_button),
				 ub_session_get_device(session) != NULL && !self->recovered &&
					 !ub_page_get_busy(page));
}

static gboolean
ub_page_recovery_is_complete(UbPage *page)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(page);

	return self->recovered && !ub_page_get_busy(page);
}

static void
ub_page_recovery_dispose(GObject *object)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(object);

	ub_page_recovery_stop_countdown(self);
	ub_ladder_options_clear(&self->options);
	if (self->manual_done != NULL) {
		g_string_free(self->manual_done, TRUE);
		self->manual_done = NULL;
	}
	g_clear_pointer(&self->manual_now, g_free);
	G_OBJECT_CLASS(ub_page_recovery_parent_class)->dispose(object);
}

#define BIND_RUNG(klass, name, index)                                                          \
	G_STMT_START                                                                           \
	{                                                                                      \
		gtk_widget_class_bind_template_child_full(                                     \
		    klass, "rung_" name "_stack", FALSE,                                       \
		    G_STRUCT_OFFSET(UbPageRecovery, rung_stacks) + (index) * sizeof(gpointer)); \
		gtk_widget_class_bind_template_child_full(                                     \
		    klass, "rung_" name "_icon", FALSE,                                        \
		    G_STRUCT_OFFSET(UbPageRecovery, rung_icons) + (index) * sizeof(gpointer));  \
		gtk_widget_class_bind_template_child_full(                                     \
		    klass, "rung_" name "_detail", FALSE,                                      \
		    G_STRUCT_OFFSET(UbPageRecovery, rung_details) + (index) * sizeof(gpointer)); \
	}                                                                                      \
	G_STMT_END

static void
ub_page_recovery_class_init(UbPageRecoveryClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
	UbPageClass *page_class = UB_PAGE_CLASS(klass);

	object_class->dispose = ub_page_recovery_dispose;
	page_class->enter = ub_page_recovery_enter;
	page_class->is_complete = ub_page_recovery_is_complete;
	page_class->busy_changed = ub_page_recovery_busy_changed;

	g_type_ensure(UB_TYPE_ERROR_VIEW);
	g_type_ensure(UB_TYPE_PINOUT_VIEW);
	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-page-recovery.ui");
	BIND_RUNG(widget_class, "voltage", UB_RECOVERY_RUNG_VOLTAGE);
	BIND_RUNG(widget_class, "normal", UB_RECOVERY_RUNG_NORMAL);
	BIND_RUNG(widget_class, "under_reset", UB_RECOVERY_RUNG_UNDER_RESET);
	BIND_RUNG(widget_class, "manual", UB_RECOVERY_RUNG_MANUAL);
	BIND_RUNG(widget_class, "secure", UB_RECOVERY_RUNG_SECURE);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, intro_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, start_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, prompt_stack);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, hold_where_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, hold_countdown_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, release_countdown_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, status_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, chip_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, let_go_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, error_view);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, nrst_view);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_recovery_start_clicked_cb);
}

static void
ub_page_recovery_init(UbPageRecovery *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	ub_ladder_options_init(&self->options);
	self->manual_done = g_string_new(NULL);
	for (guint i = 0; i < UB_RECOVERY_RUNG_LAST; i++)
		ub_page_recovery_set_rung(self, i, UB_RUNG_STATE_PENDING);
	gtk_stack_set_visible_child_name(self->prompt_stack, "ready");
	ub_pinout_view_set_zoomable(self->nrst_view, TRUE);
}

GtkButton *
ub_page_recovery_get_start_button(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_RECOVERY(page), NULL);
	return UB_PAGE_RECOVERY(page)->start_button;
}

GtkLabel *
ub_page_recovery_get_status_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_RECOVERY(page), NULL);
	return UB_PAGE_RECOVERY(page)->status_label;
}

UbErrorView *
ub_page_recovery_get_error_view(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_RECOVERY(page), NULL);
	return UB_PAGE_RECOVERY(page)->error_view;
}

GtkStack *
ub_page_recovery_get_prompt_stack(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_RECOVERY(page), NULL);
	return UB_PAGE_RECOVERY(page)->prompt_stack;
}

GtkLabel *
ub_page_recovery_get_hold_countdown_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_RECOVERY(page), NULL);
	return UB_PAGE_RECOVERY(page)->hold_countdown_label;
}

GtkLabel *
ub_page_recovery_get_hold_where_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_RECOVERY(page), NULL);
	return UB_PAGE_RECOVERY(page)->hold_where_label;
}

GtkLabel *
ub_page_recovery_get_chip_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_RECOVERY(page), NULL);
	return UB_PAGE_RECOVERY(page)->chip_label;
}

UbPinoutView *
ub_page_recovery_get_nrst_view(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_RECOVERY(page), NULL);
	return UB_PAGE_RECOVERY(page)->nrst_view;
}

UbRungState
ub_page_recovery_get_rung_state(GtkWidget *page, guint rung)
{
	g_return_val_if_fail(UB_IS_PAGE_RECOVERY(page), UB_RUNG_STATE_PENDING);
	g_return_val_if_fail(rung < UB_RECOVERY_RUNG_LAST, UB_RUNG_STATE_PENDING);
	return UB_PAGE_RECOVERY(page)->rung_states[rung];
}

const char *
ub_page_recovery_get_rung_detail(GtkWidget *page, guint rung)
{
	g_return_val_if_fail(UB_IS_PAGE_RECOVERY(page), NULL);
	g_return_val_if_fail(rung < UB_RECOVERY_RUNG_LAST, NULL);
	return gtk_label_get_text(UB_PAGE_RECOVERY(page)->rung_details[rung]);
}
