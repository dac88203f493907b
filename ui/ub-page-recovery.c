/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-connect-ladder.h"
#include "ub-error-view.h"
#include "ub-page-recovery.h"
#include "ub-page.h"
#include "ub-window-private.h"

struct _UbPageRecovery {
	UbPage parent_instance;
	GtkLabel *guide_label;
	GtkButton *start_button;
	GtkLabel *instruction_label;
	GtkLabel *status_label;
	UbErrorView *error_view;
	gboolean recovered;
};

G_DEFINE_TYPE(UbPageRecovery, ub_page_recovery, UB_TYPE_PAGE)

static void
ub_page_recovery_busy_changed(UbPage *page, gboolean busy)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(page);

	gtk_widget_set_sensitive(GTK_WIDGET(self->start_button), !busy && !self->recovered);
}

/* the ladder's steps, on the main loop: the two that need the person stand out */
static void
ub_page_recovery_event_cb(const UbLadderEvent *event, gpointer user_data)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(user_data);

	ub_session_log(ub_page_get_session(UB_PAGE(self)), "recovery %s/%s: %s",
		       ub_ladder_step_to_string(event->step),
		       ub_ladder_event_kind_to_string(event->kind), event->message);
	switch (event->kind) {
	case UB_LADDER_EVENT_HOLD_NRST: {
		g_autofree char *text = g_strdup_printf(_("Hold now: %s"), event->message);
		gtk_label_set_text(self->instruction_label, text);
		break;
	}
	case UB_LADDER_EVENT_RELEASE_NRST: {
		g_autofree char *text = g_strdup_printf(_("Let go now: %s"), event->message);
		gtk_label_set_text(self->instruction_label, text);
		break;
	}
	case UB_LADDER_EVENT_TRYING:
	case UB_LADDER_EVENT_FAILED:
	case UB_LADDER_EVENT_SUCCEEDED:
	case UB_LADDER_EVENT_NOTE:
	default:
		gtk_label_set_text(self->status_label, event->message);
		break;
	}
}

static void
ub_page_recovery_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(UbPageRecovery) self = UB_PAGE_RECOVERY(user_data);
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	g_autoptr(UbLadderResult) ladder = NULL;
	g_autoptr(GError) error = NULL;

	ladder = ub_connect_ladder_run_finish(UB_DEVICE(source), result, &error);
	self->recovered = ladder != NULL && ladder->reached;
	ub_page_end_work(UB_PAGE(self));
	if (ladder == NULL) {
		gtk_label_set_text(self->instruction_label, "");
		ub_error_view_set_error(self->error_view, error, ub_session_get_log(session));
	} else if (!ladder->reached) {
		/* why not, from the evidence the ladder gathered: the one source of advice */
		gtk_label_set_text(self->instruction_label, "");
		gtk_label_set_text(self->status_label, "");
		ub_session_log(session, "recovery: verdict %s",
			       ub_verdict_get_top(ladder->verdict)->id);
		ub_error_view_set_verdict(self->error_view, ladder->verdict, ladder->evidence,
					  ub_session_get_log(session));
	} else {
		gtk_label_set_text(self->instruction_label, "");
		gtk_label_set_text(self->status_label,
				   ladder->at_reset_vector
					   ? _("The chip is stopped before its firmware runs. It is "
					       "ready to be flashed.")
					   : _("The chip answers. It is ready to be flashed."));
		ub_session_set_needs_recovery(session, FALSE);
	}
	ub_page_notify_complete(UB_PAGE(self));
}

static void
ub_page_recovery_start_clicked_cb(UbPageRecovery *self)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	UbDevice *device = ub_session_get_device(session);
	UbBoard *board = ub_session_get_board(session);
	UbLadderOptions options;
	GCancellable *cancellable;

	if (device == NULL || ub_page_get_busy(UB_PAGE(self)))
		return;
	ub_error_view_clear(self->error_view);
	ub_ladder_options_init(&options);
	options.board_id = g_strdup(ub_session_get_board_id(session));
	options.given = g_object_ref(ub_session_get_said(session));
	options.history = ub_history_new(NULL);
	if (!ub_history_load(options.history, NULL))
		g_clear_object(&options.history);
	if (ub_session_get_probe_model(session) != NULL)
		options.probe_model =
		    g_strdup(ub_probe_model_get_id(ub_session_get_probe_model(session)));
	if (board != NULL && ub_board_get_nrst_header_pin(board) != 0)
		options.nrst_location = g_strdup_printf(_("debug header pin %u"),
							ub_board_get_nrst_header_pin(board));
	else if (board != NULL && ub_board_get_nrst_mcu_pin(board) != 0)
		options.nrst_location = g_strdup_printf(_("chip pin %u"),
							ub_board_get_nrst_mcu_pin(board));
	cancellable = ub_page_begin_work(UB_PAGE(self));
	ub_connect_ladder_run_async(device, &options, ub_page_recovery_event_cb,
				    g_object_ref(self), g_object_unref, cancellable,
				    ub_page_recovery_done_cb, g_object_ref(self));
	ub_ladder_options_clear(&options);
}

static void
ub_page_recovery_enter(UbPage *page)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(page);
	UbSession *session = ub_page_get_session(page);

	/* the ladder needs a probe to work with */
	gtk_widget_set_sensitive(GTK_WIDGET(self->start_button),
				 ub_session_get_device(session) != NULL && !self->recovered &&
					 !ub_page_get_busy(page));
}

static gboolean
ub_page_recovery_is_complete(UbPage *page)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(page);

	return self->recovered;
}

static void
ub_page_recovery_class_init(UbPageRecoveryClass *klass)
{
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
	UbPageClass *page_class = UB_PAGE_CLASS(klass);

	page_class->enter = ub_page_recovery_enter;
	page_class->is_complete = ub_page_recovery_is_complete;
	page_class->busy_changed = ub_page_recovery_busy_changed;

	g_type_ensure(UB_TYPE_ERROR_VIEW);
	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-page-recovery.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, guide_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, start_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, instruction_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, status_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageRecovery, error_view);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_recovery_start_clicked_cb);
}

static void
ub_page_recovery_init(UbPageRecovery *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
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
