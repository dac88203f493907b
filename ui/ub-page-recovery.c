/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-connect-ladder.h"
#include "ub-error-view.h"
#include "ub-page-recovery.h"
#include "ub-page.h"
#include "ub-window-private.h"

struct _UbPageRecovery {
	GtkBox parent_instance;
	GtkLabel *guide_label;
	GtkButton *start_button;
	GtkLabel *instruction_label;
	GtkLabel *status_label;
	UbErrorView *error_view;
	UbSession *session;
	GCancellable *cancellable;
	gboolean recovered;
};

enum { PROP_0, PROP_COMPLETE, PROP_BUSY };

static void ub_page_recovery_page_init(UbPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(UbPageRecovery, ub_page_recovery, GTK_TYPE_BOX,
			G_IMPLEMENT_INTERFACE(UB_TYPE_PAGE, ub_page_recovery_page_init))

static void
ub_page_recovery_set_busy(UbPageRecovery *self, gboolean busy)
{
	if (busy) {
		g_clear_object(&self->cancellable);
		self->cancellable = g_cancellable_new();
	} else {
		g_clear_object(&self->cancellable);
	}
	gtk_widget_set_sensitive(GTK_WIDGET(self->start_button), !busy && !self->recovered);
	g_object_notify(G_OBJECT(self), "busy");
}

/* the ladder's steps, on the main loop: the two that need the person stand out */
static void
ub_page_recovery_event_cb(const UbLadderEvent *event, gpointer user_data)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(user_data);

	if (self->session != NULL)
		ub_session_log(self->session, "recovery %s/%s: %s",
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
	g_autoptr(UbLadderResult) ladder = NULL;
	g_autoptr(GError) error = NULL;

	ladder = ub_connect_ladder_run_finish(UB_DEVICE(source), result, &error);
	self->recovered = ladder != NULL;
	ub_page_recovery_set_busy(self, FALSE);
	if (ladder == NULL) {
		gtk_label_set_text(self->instruction_label, "");
		ub_error_view_set_error(self->error_view, error,
					self->session != NULL ? ub_session_get_log(self->session)
							      : NULL);
	} else {
		gtk_label_set_text(self->instruction_label, "");
		gtk_label_set_text(self->status_label,
				   ladder->at_reset_vector
					   ? _("The chip is stopped before its firmware runs. It is "
					       "ready to be flashed.")
					   : _("The chip answers. It is ready to be flashed."));
		if (self->session != NULL)
			ub_session_set_needs_recovery(self->session, FALSE);
	}
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_recovery_start_clicked_cb(UbPageRecovery *self)
{
	UbDevice *device = self->session != NULL ? ub_session_get_device(self->session) : NULL;
	UbBoard *board = self->session != NULL ? ub_session_get_board(self->session) : NULL;
	UbLadderOptions options;

	if (device == NULL || self->cancellable != NULL)
		return;
	ub_error_view_clear(self->error_view);
	ub_ladder_options_init(&options);
	if (board != NULL && ub_board_get_nrst_header_pin(board) != 0)
		options.nrst_location = g_strdup_printf(_("debug header pin %u"),
							ub_board_get_nrst_header_pin(board));
	else if (board != NULL && ub_board_get_nrst_mcu_pin(board) != 0)
		options.nrst_location = g_strdup_printf(_("chip pin %u"),
							ub_board_get_nrst_mcu_pin(board));
	ub_page_recovery_set_busy(self, TRUE);
	ub_connect_ladder_run_async(device, &options, ub_page_recovery_event_cb,
				    g_object_ref(self), g_object_unref, self->cancellable,
				    ub_page_recovery_done_cb, g_object_ref(self));
	ub_ladder_options_clear(&options);
}

static void
ub_page_recovery_enter(UbPage *page, UbSession *session)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(page);

	g_set_object(&self->session, session);
	/* the ladder needs a probe to work with */
	gtk_widget_set_sensitive(GTK_WIDGET(self->start_button),
				 ub_session_get_device(session) != NULL && !self->recovered &&
					 self->cancellable == NULL);
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_recovery_page_init(UbPageInterface *iface)
{
	iface->enter = ub_page_recovery_enter;
}

static void
ub_page_recovery_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(object);

	switch (prop_id) {
	case PROP_COMPLETE:
		g_value_set_boolean(value, self->recovered);
		break;
	case PROP_BUSY:
		g_value_set_boolean(value, self->cancellable != NULL);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

static void
ub_page_recovery_dispose(GObject *object)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(object);

	if (self->cancellable != NULL)
		g_cancellable_cancel(self->cancellable);
	g_clear_object(&self->cancellable);
	g_clear_object(&self->session);
	G_OBJECT_CLASS(ub_page_recovery_parent_class)->dispose(object);
}

static void
ub_page_recovery_class_init(UbPageRecoveryClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->get_property = ub_page_recovery_get_property;
	object_class->dispose = ub_page_recovery_dispose;
	g_object_class_override_property(object_class, PROP_COMPLETE, "complete");
	g_object_class_override_property(object_class, PROP_BUSY, "busy");

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
