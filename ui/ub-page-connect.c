/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-diagnosis.h"
#include "ub-error-view.h"
#include "ub-page-connect.h"
#include "ub-page.h"
#include "ub-window-private.h"

/* the rungs of the connection check, in the order a connect reaches them */
typedef enum {
	UB_RUNG_PROBE,
	UB_RUNG_POWER,
	UB_RUNG_DEBUG,
	UB_RUNG_CHIP,
	UB_RUNG_UNLOCKED,
	UB_RUNG_LAST,
} UbRung;

struct _UbPageConnect {
	UbPage parent_instance;
	GtkImage *rung_icons[UB_RUNG_LAST];
	GtkButton *connect_button;
	GtkSpinner *spinner;
	GtkWidget *status_label;
	GtkWidget *connected_label;
	GtkLabel *chip_label;
	GtkLabel *power_detail_label;
	GtkWidget *recovery_label;
	UbErrorView *error_view;
	gboolean connected;
	UbRungState rung_states[UB_RUNG_LAST];
};

G_DEFINE_TYPE(UbPageConnect, ub_page_connect, UB_TYPE_PAGE)

static void
ub_page_connect_set_rung(UbPageConnect *self, UbRung rung, UbRungState state)
{
	static const char *const icons[] = {
	    [UB_RUNG_STATE_PENDING] = "radio-symbolic",
	    [UB_RUNG_STATE_RUNNING] = "radio-symbolic",
	    [UB_RUNG_STATE_OK] = "object-select-symbolic",
	    [UB_RUNG_STATE_FAILED] = "dialog-error-symbolic",
	    [UB_RUNG_STATE_UNKNOWN] = "dialog-question-symbolic",
	    [UB_RUNG_STATE_SKIPPED] = "radio-symbolic",
	};
	GtkStyleContext *context = gtk_widget_get_style_context(GTK_WIDGET(self->rung_icons[rung]));

	self->rung_states[rung] = state;
	gtk_image_set_from_icon_name(self->rung_icons[rung], icons[state], GTK_ICON_SIZE_BUTTON);
	gtk_style_context_remove_class(context, "dim-label");
	gtk_style_context_remove_class(context, "ub-ok");
	gtk_style_context_remove_class(context, "ub-danger");
	gtk_style_context_add_class(context, state == UB_RUNG_STATE_OK	   ? "ub-ok"
					     : state == UB_RUNG_STATE_FAILED ? "ub-danger"
									     : "dim-label");
}

static void
ub_page_connect_reset(UbPageConnect *self)
{
	for (guint i = 0; i < UB_RUNG_LAST; i++)
		ub_page_connect_set_rung(self, i, UB_RUNG_STATE_PENDING);
	self->connected = FALSE;
	gtk_widget_hide(self->connected_label);
	gtk_widget_hide(GTK_WIDGET(self->chip_label));
	gtk_widget_hide(GTK_WIDGET(self->power_detail_label));
	gtk_widget_hide(self->recovery_label);
	ub_error_view_clear(self->error_view);
	if (ub_page_get_session(UB_PAGE(self)) != NULL)
		ub_session_set_needs_recovery(ub_page_get_session(UB_PAGE(self)), FALSE);
}

static void
ub_page_connect_busy_changed(UbPage *page, gboolean busy)
{
	UbPageConnect *self = UB_PAGE_CONNECT(page);

	if (busy)
		gtk_spinner_start(self->spinner);
	else
		gtk_spinner_stop(self->spinner);
	gtk_widget_set_visible(self->status_label, busy);
	gtk_widget_set_sensitive(GTK_WIDGET(self->connect_button), !busy);
}

/* which rung an error stopped at: every rung below it was passed */
static UbRung
ub_page_connect_rung_for_error(const GError *error)
{
	if (error->domain == UB_PROBE_ERROR)
		return UB_RUNG_PROBE;
	if (g_error_matches(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_POWER))
		return UB_RUNG_POWER;
	if (g_error_matches(error, UB_TARGET_ERROR, UB_TARGET_ERROR_UNKNOWN_CHIP))
		return UB_RUNG_CHIP;
	if (g_error_matches(error, UB_TARGET_ERROR, UB_TARGET_ERROR_READ_PROTECTED) ||
	    g_error_matches(error, UB_TARGET_ERROR, UB_TARGET_ERROR_LOCKED_FOREVER))
		return UB_RUNG_UNLOCKED;
	return UB_RUNG_DEBUG;
}

/*
 * The power row says only what the evidence says: a probe that senses the target measured
 * it; a clone reads its own 3.3 V, so only a chip that answered proves the board has power,
 * and a chip that did not answer leaves it open (the LED tells, not the probe).
 */
static void
ub_page_connect_set_power(UbPageConnect *self, gboolean chip_answered)
{
	UbProbeModel *model = ub_session_get_probe_model(ub_page_get_session(UB_PAGE(self)));
	gboolean senses = model == NULL || ub_probe_model_get_voltage_reading(model) ==
						  UB_VOLTAGE_READING_SENSES_TARGET;

	if (senses) {
		ub_page_connect_set_rung(self, UB_RUNG_POWER, UB_RUNG_STATE_OK);
		gtk_widget_hide(GTK_WIDGET(self->power_detail_label));
		return;
	}
	ub_page_connect_set_rung(self, UB_RUNG_POWER,
				 chip_answered ? UB_RUNG_STATE_OK : UB_RUNG_STATE_UNKNOWN);
	gtk_label_set_text(self->power_detail_label,
			   chip_answered
			       ? _("The chip answered, so it has power (this probe cannot measure "
				   "it).")
			       : _("This probe cannot measure it: trust the board's LED."));
	gtk_widget_show(GTK_WIDGET(self->power_detail_label));
}

/* the chip's firmware may be what is in the way: reset recovery can get past it */
static gboolean
ub_page_connect_error_needs_recovery(const GError *error)
{
	return g_error_matches(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK) ||
	       g_error_matches(error, UB_TARGET_ERROR, UB_TARGET_ERROR_WAIT) ||
	       g_error_matches(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT) ||
	       g_error_matches(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NOT_HALTED);
}

static void
ub_page_connect_show_info(UbPageConnect *self, UbTargetInfo *info)
{
	g_autofree char *size = g_format_size(ub_target_info_get_flash_size(info));
	g_autofree char *text = NULL;
	g_autofree char *revision = NULL;

	/* TRANSLATORS: the chip's silicon revision as ST names it ("A", "Z", "1") */
	revision = g_strdup_printf(_("revision %s"), ub_target_info_get_revision(info) != NULL
						      ? ub_target_info_get_revision(info)
						      : "?");
	text = g_strdup_printf("%s · %s · %s · UID %s",
			       ub_target_info_get_chip_name(info) != NULL
				   ? ub_target_info_get_chip_name(info)
				   : "?",
			       revision, size,
			       ub_target_info_get_uid(info) != NULL ? ub_target_info_get_uid(info)
								    : "?");
	gtk_label_set_text(self->chip_label, text);
	gtk_widget_show(GTK_WIDGET(self->chip_label));
}

static void
ub_page_connect_diagnosed_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(UbPageConnect) self = UB_PAGE_CONNECT(user_data);
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	g_autoptr(GError) error = NULL;
	g_autoptr(UbEvidence) evidence = NULL;
	g_autoptr(UbRules) rules = NULL;
	g_autoptr(UbVerdict) verdict = NULL;

	evidence = ub_diagnosis_gather_finish(UB_DEVICE(source), result, &error);
	ub_page_end_work(UB_PAGE(self));
	if (evidence != NULL)
		rules = ub_rules_load(&error);
	if (rules == NULL) {
		ub_error_view_set_error(self->error_view, error, ub_session_get_log(session));
		return;
	}
	ub_evidence_merge(evidence, ub_session_get_said(session));
	verdict = ub_rules_evaluate(rules, evidence);
	ub_session_log(session, "connect: verdict %s", ub_verdict_get_top(verdict)->id);
	ub_error_view_set_verdict(self->error_view, verdict, evidence,
				  ub_session_get_log(session));
}

static void
ub_page_connect_read_info_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(UbPageConnect) self = UB_PAGE_CONNECT(user_data);
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	g_autoptr(GError) error = NULL;
	g_autoptr(UbTargetInfo) info = NULL;

	info = ub_device_read_info_finish(UB_DEVICE(source), result, &error);
	if (info == NULL) {
		UbRung failed = ub_page_connect_rung_for_error(error);

		ub_session_log(session, "connect: %s", error->message);
		for (guint i = 0; i < failed; i++)
			ub_page_connect_set_rung(self, i, UB_RUNG_STATE_OK);
		ub_page_connect_set_rung(self, failed, UB_RUNG_STATE_FAILED);
		if (failed > UB_RUNG_POWER)
			ub_page_connect_set_power(self, failed > UB_RUNG_DEBUG);
		if (ub_page_connect_error_needs_recovery(error)) {
			ub_session_set_needs_recovery(session, TRUE);
			gtk_widget_show(self->recovery_label);
		}
		if (error->domain == UB_TARGET_ERROR) {
			/* why the chip does not answer is the evidence's to say: measure it
			 * (nothing on the chip changes), then show the verdict */
			UbProbeModel *model = ub_session_get_probe_model(session);
			ub_diagnosis_gather_async(UB_DEVICE(source),
						  model != NULL ? ub_probe_model_get_id(model) : NULL,
						  ub_session_get_board_id(session),
						  ub_page_get_cancellable(UB_PAGE(self)),
						  ub_page_connect_diagnosed_cb, g_object_ref(self));
			return;
		}
		ub_page_end_work(UB_PAGE(self));
		ub_error_view_set_error(self->error_view, error, ub_session_get_log(session));
		return;
	}
	ub_page_end_work(UB_PAGE(self));
	ub_session_set_target_info(session, info);
	for (guint i = 0; i < UB_RUNG_LAST; i++)
		ub_page_connect_set_rung(self, i, UB_RUNG_STATE_OK);
	ub_page_connect_set_power(self, TRUE);
	ub_page_connect_show_info(self, info);
	if (ub_target_info_get_rdp_level(info) != 0) {
		g_autoptr(GError) locked =
		    g_error_new(UB_TARGET_ERROR,
				ub_target_info_get_rdp_level(info) == 2
				    ? UB_TARGET_ERROR_LOCKED_FOREVER
				    : UB_TARGET_ERROR_READ_PROTECTED,
				"RDP level %u", ub_target_info_get_rdp_level(info));

		ub_page_connect_set_rung(self, UB_RUNG_UNLOCKED, UB_RUNG_STATE_FAILED);
		ub_error_view_set_error(self->error_view, locked, ub_session_get_log(session));
	}
	/* read protection level 1 is removed by the flash step's erase; level 2 never */
	self->connected = ub_target_info_get_rdp_level(info) < 2;
	gtk_widget_set_visible(self->connected_label, ub_target_info_get_rdp_level(info) == 0);
	ub_page_notify_complete(UB_PAGE(self));
}


static void
ub_page_connect_clicked_cb(UbPageConnect *self)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	UbDevice *device = ub_session_get_device(session);
	GCancellable *cancellable;

	if (device == NULL || ub_page_get_busy(UB_PAGE(self)))
		return;
	ub_page_connect_reset(self);
	cancellable = ub_page_begin_work(UB_PAGE(self));
	ub_session_log(session, "connect: plain connect");
	ub_device_read_info_async(device, cancellable, ub_page_connect_read_info_cb,
				  g_object_ref(self));
}

static void
ub_page_connect_enter(UbPage *page)
{
	UbPageConnect *self = UB_PAGE_CONNECT(page);

	gtk_widget_set_sensitive(GTK_WIDGET(self->connect_button),
				 !ub_page_get_busy(page) &&
				     ub_session_get_device(ub_page_get_session(page)) != NULL);
}

/* on to the firmware when connected, on to recovery when that is the way */
static gboolean
ub_page_connect_is_complete(UbPage *page)
{
	UbPageConnect *self = UB_PAGE_CONNECT(page);
	UbSession *session = ub_page_get_session(page);

	return !ub_page_get_busy(page) &&
	       (self->connected || (session != NULL && ub_session_get_needs_recovery(session)));
}

static void
ub_page_connect_class_init(UbPageConnectClass *klass)
{
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
	UbPageClass *page_class = UB_PAGE_CLASS(klass);

	page_class->enter = ub_page_connect_enter;
	page_class->is_complete = ub_page_connect_is_complete;
	page_class->busy_changed = ub_page_connect_busy_changed;

	g_type_ensure(UB_TYPE_ERROR_VIEW);
	gtk_widget_class_set_template_from_resource(
	    widget_class, "/io/github/unbrick/Unbrick/ub-page-connect.ui");
	gtk_widget_class_bind_template_child_full(widget_class, "rung_probe_icon", FALSE,
						  G_STRUCT_OFFSET(UbPageConnect, rung_icons) +
						      UB_RUNG_PROBE * sizeof(gpointer));
	gtk_widget_class_bind_template_child_full(widget_class, "rung_power_icon", FALSE,
						  G_STRUCT_OFFSET(UbPageConnect, rung_icons) +
						      UB_RUNG_POWER * sizeof(gpointer));
	gtk_widget_class_bind_template_child_full(widget_class, "rung_debug_icon", FALSE,
						  G_STRUCT_OFFSET(UbPageConnect, rung_icons) +
						      UB_RUNG_DEBUG * sizeof(gpointer));
	gtk_widget_class_bind_template_child_full(widget_class, "rung_chip_icon", FALSE,
						  G_STRUCT_OFFSET(UbPageConnect, rung_icons) +
						      UB_RUNG_CHIP * sizeof(gpointer));
	gtk_widget_class_bind_template_child_full(widget_class, "rung_unlocked_icon", FALSE,
						  G_STRUCT_OFFSET(UbPageConnect, rung_icons) +
						      UB_RUNG_UNLOCKED * sizeof(gpointer));
	gtk_widget_class_bind_template_child(widget_class, UbPageConnect, connect_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageConnect, spinner);
	gtk_widget_class_bind_template_child(widget_class, UbPageConnect, status_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageConnect, connected_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageConnect, chip_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageConnect, power_detail_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageConnect, recovery_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageConnect, error_view);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_connect_clicked_cb);
}

static void
ub_page_connect_init(UbPageConnect *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}

GtkButton *
ub_page_connect_get_connect_button(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_CONNECT(page), NULL);
	return UB_PAGE_CONNECT(page)->connect_button;
}

UbErrorView *
ub_page_connect_get_error_view(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_CONNECT(page), NULL);
	return UB_PAGE_CONNECT(page)->error_view;
}

gboolean
ub_page_connect_get_rung_ok(GtkWidget *page, guint rung)
{
	return ub_page_connect_get_rung_state(page, rung) == UB_RUNG_STATE_OK;
}

UbRungState
ub_page_connect_get_rung_state(GtkWidget *page, guint rung)
{
	g_return_val_if_fail(UB_IS_PAGE_CONNECT(page), UB_RUNG_STATE_PENDING);
	g_return_val_if_fail(rung < UB_RUNG_LAST, UB_RUNG_STATE_PENDING);
	return UB_PAGE_CONNECT(page)->rung_states[rung];
}

GtkLabel *
ub_page_connect_get_power_detail_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_CONNECT(page), NULL);
	return UB_PAGE_CONNECT(page)->power_detail_label;
}
