/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-error-text.h"
#include "ub-error-view.h"
#include "ub-page-wiring.h"
#include "ub-page.h"
#include "ub-pinout-view.h"
#include "ub-window-private.h"

struct _UbPageWiring {
	UbPage parent_instance;
	GtkBox *pinout_box;
	UbPinoutView *pinout_view;
	GtkLabel *notes_label;
	GtkWidget *wire_list_label;
	GtkToggleButton *check_motor;
	GtkToggleButton *check_power;
	GtkToggleButton *check_led;
	GtkToggleButton *check_wires;
	GtkWidget *no_led_label;
	GtkButton *check_button;
	GtkSpinner *spinner;
	GtkLabel *voltage_label;
	GtkWidget *result_ok_label;
	GtkWidget *result_own_rail_label;
	GtkWidget *result_no_sense_label;
	UbErrorView *error_view;
	gboolean wiring_ok;
	UbDevice *checked_device; /* weak: the device the last check passed with */
};

G_DEFINE_TYPE(UbPageWiring, ub_page_wiring, UB_TYPE_PAGE)

static gboolean
ub_page_wiring_checklist_done(UbPageWiring *self)
{
	return gtk_toggle_button_get_active(self->check_motor) &&
	       gtk_toggle_button_get_active(self->check_power) &&
	       gtk_toggle_button_get_active(self->check_led) &&
	       gtk_toggle_button_get_active(self->check_wires);
}

static void
ub_page_wiring_checklist_toggled_cb(UbPageWiring *self)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));

	/* story 7: no LED at all is a power fault, not a firmware problem */
	gtk_widget_set_visible(self->no_led_label, !gtk_toggle_button_get_active(self->check_led));
	/* what the person confirms here is evidence for every verdict that follows */
	if (session != NULL) {
		UbEvidence *said = ub_session_get_said(session);
		ub_evidence_set_answer(said, UB_PERSON_QUESTION_LED_ON,
				       gtk_toggle_button_get_active(self->check_led)
					   ? UB_PERSON_ANSWER_YES
					   : UB_PERSON_ANSWER_UNKNOWN);
		ub_evidence_set_answer(said, UB_PERSON_QUESTION_WIRES_CHECKED,
				       gtk_toggle_button_get_active(self->check_wires)
					   ? UB_PERSON_ANSWER_YES
					   : UB_PERSON_ANSWER_UNKNOWN);
	}
	ub_page_notify_complete(UB_PAGE(self));
}

/* the drawing and the notes for this board and probe, or the general list without them */
static void
ub_page_wiring_show_plan(UbPageWiring *self)
{
	UbWiringPlan *plan = ub_session_get_wiring_plan(ub_page_get_session(UB_PAGE(self)));
	g_autoptr(GString) notes = g_string_new(NULL);

	ub_pinout_view_set_plan(self->pinout_view, plan);
	gtk_widget_set_visible(GTK_WIDGET(self->pinout_view), plan != NULL);
	gtk_widget_set_visible(self->wire_list_label, plan == NULL);
	if (plan != NULL) {
		UbWiringNote flags = ub_wiring_plan_get_notes(plan);

		for (guint bit = 1; bit < UB_WIRING_NOTE_LAST; bit <<= 1) {
			g_autofree char *text = NULL;

			if ((flags & bit) == 0)
				continue;
			text = ub_hint_wiring_note(plan, (UbWiringNote)bit);
			if (text == NULL)
				continue;
			if (notes->len > 0)
				g_string_append_c(notes, '\n');
			g_string_append_printf(notes, "• %s", text);
		}
	}
	gtk_label_set_text(self->notes_label, notes->str);
	gtk_widget_set_visible(GTK_WIDGET(self->notes_label), notes->len > 0);
}

/* lowest supply at which the STM32F405 runs (datasheet VDD range 1.8-3.6 V); a reading below
 * it means the board is off or GND/3.3 V sense is not connected */
#define UB_TARGET_MIN_MV 1800

/* what the voltage job returns when the probe cannot measure */
#define UB_WIRING_NOT_MEASURED G_MAXUINT

/* runs on the device's worker: open the probe and read its target-voltage input */
static gpointer
ub_page_wiring_voltage_job(UbDevice *device, gpointer job_data, UbProgress *progress,
			   GCancellable *cancellable, GError **error)
{
	guint millivolts = 0;

	if (!ub_device_open(device, cancellable, error))
		return NULL;
	/* a CMSIS-DAP probe has no way to measure it: the person checks the power */
	if ((ub_probe_get_features(ub_device_get_probe(device)) &
	     UB_PROBE_FEATURE_TARGET_VOLTAGE) == 0)
		return GUINT_TO_POINTER(UB_WIRING_NOT_MEASURED);
	if (!ub_probe_get_target_voltage(ub_device_get_probe(device), &millivolts, error))
		return NULL;
	return GUINT_TO_POINTER(millivolts + 1); /* +1: 0 mV is a result, NULL is failure */
}


static void
ub_page_wiring_busy_changed(UbPage *page, gboolean busy)
{
	UbPageWiring *self = UB_PAGE_WIRING(page);

	if (busy)
		gtk_spinner_start(self->spinner);
	else
		gtk_spinner_stop(self->spinner);
	gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
	gtk_widget_set_sensitive(GTK_WIDGET(self->check_button), !busy);
}

static void
ub_page_wiring_voltage_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(UbPageWiring) self = UB_PAGE_WIRING(user_data);
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	g_autoptr(GError) error = NULL;
	gpointer value = ub_device_run_job_finish(UB_DEVICE(source), result, &error);
	UbProbeModel *model = ub_session_get_probe_model(session);
	gboolean own_rail = model != NULL && ub_probe_model_get_voltage_reading(model) ==
						 UB_VOLTAGE_READING_OWN_RAIL;
	guint millivolts;
	g_autofree char *text = NULL;

	ub_page_end_work(UB_PAGE(self));
	if (value == NULL) {
		ub_session_log(session, "wiring check: %s", error->message);
		self->wiring_ok = FALSE;
		ub_error_view_set_error(self->error_view, error, ub_session_get_log(session));
		ub_page_notify_complete(UB_PAGE(self));
		return;
	}
	g_set_weak_pointer(&self->checked_device, UB_DEVICE(source));
	if (GPOINTER_TO_UINT(value) == UB_WIRING_NOT_MEASURED) {
		ub_session_log(session, "wiring check: the probe answers; it cannot measure the "
					"target voltage");
		gtk_label_set_text(self->voltage_label, _("Board voltage: not measured"));
		self->wiring_ok = TRUE;
		ub_error_view_clear(self->error_view);
		gtk_widget_set_visible(self->result_no_sense_label, TRUE);
		ub_page_notify_complete(UB_PAGE(self));
		return;
	}
	millivolts = GPOINTER_TO_UINT(value) - 1;
	ub_session_log(session, "wiring check: target voltage %u mV%s", millivolts,
		       own_rail ? " (probe's own rail)" : "");
	/* TRANSLATORS: the voltage the probe measured on the board, in volts */
	text = g_strdup_printf(_("Board voltage: %.2f V"), millivolts / 1000.0);
	gtk_label_set_text(self->voltage_label, text);
	if (!own_rail && millivolts < UB_TARGET_MIN_MV) {
		g_autoptr(GError) no_power = g_error_new(UB_TARGET_ERROR, UB_TARGET_ERROR_NO_POWER,
							 "target voltage %u mV", millivolts);

		self->wiring_ok = FALSE;
		ub_error_view_set_error(self->error_view, no_power, ub_session_get_log(session));
	} else {
		self->wiring_ok = TRUE;
		ub_error_view_clear(self->error_view);
	}
	gtk_widget_set_visible(self->result_ok_label, self->wiring_ok && !own_rail);
	gtk_widget_set_visible(self->result_own_rail_label, self->wiring_ok && own_rail);
	ub_page_notify_complete(UB_PAGE(self));
}


static void
ub_page_wiring_check_clicked_cb(UbPageWiring *self)
{
	UbDevice *device = ub_session_get_device(ub_page_get_session(UB_PAGE(self)));
	GCancellable *cancellable;

	if (device == NULL || ub_page_get_busy(UB_PAGE(self)))
		return;
	gtk_widget_hide(self->result_ok_label);
	gtk_widget_hide(self->result_own_rail_label);
	gtk_widget_hide(self->result_no_sense_label);
	ub_error_view_clear(self->error_view);
	cancellable = ub_page_begin_work(UB_PAGE(self));
	ub_device_run_job_async(device, ub_page_wiring_voltage_job, NULL, NULL, NULL, NULL,
				cancellable, ub_page_wiring_voltage_cb, g_object_ref(self));
}

static void
ub_page_wiring_enter(UbPage *page)
{
	UbPageWiring *self = UB_PAGE_WIRING(page);
	UbSession *session = ub_page_get_session(page);

	ub_page_wiring_show_plan(self);
	/* without a probe there is nothing to measure with */
	gtk_widget_set_sensitive(GTK_WIDGET(self->check_button),
				 !ub_page_get_busy(page) && ub_session_get_device(session) != NULL);
	/* a check only counts for the probe it was made with */
	if (self->checked_device != ub_session_get_device(session)) {
		self->wiring_ok = FALSE;
		gtk_widget_hide(self->result_ok_label);
		gtk_widget_hide(self->result_own_rail_label);
		gtk_widget_hide(self->result_no_sense_label);
		ub_error_view_clear(self->error_view);
	}
}

static gboolean
ub_page_wiring_is_complete(UbPage *page)
{
	UbPageWiring *self = UB_PAGE_WIRING(page);

	return self->wiring_ok && ub_page_wiring_checklist_done(self);
}

static void
ub_page_wiring_dispose(GObject *object)
{
	UbPageWiring *self = UB_PAGE_WIRING(object);

	g_clear_weak_pointer(&self->checked_device);
	G_OBJECT_CLASS(ub_page_wiring_parent_class)->dispose(object);
}

static void
ub_page_wiring_class_init(UbPageWiringClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
	UbPageClass *page_class = UB_PAGE_CLASS(klass);

	object_class->dispose = ub_page_wiring_dispose;
	page_class->enter = ub_page_wiring_enter;
	page_class->is_complete = ub_page_wiring_is_complete;
	page_class->busy_changed = ub_page_wiring_busy_changed;

	g_type_ensure(UB_TYPE_ERROR_VIEW);
	g_type_ensure(UB_TYPE_PINOUT_VIEW);
	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-page-wiring.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, pinout_box);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, pinout_view);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, notes_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, wire_list_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, check_motor);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, check_power);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, check_led);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, check_wires);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, no_led_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, check_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, voltage_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, result_no_sense_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, spinner);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, result_ok_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, result_own_rail_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, error_view);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_wiring_checklist_toggled_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_wiring_check_clicked_cb);
}

static void
ub_page_wiring_init(UbPageWiring *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}

GtkButton *
ub_page_wiring_get_check_button(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WIRING(page), NULL);
	return UB_PAGE_WIRING(page)->check_button;
}

GtkLabel *
ub_page_wiring_get_voltage_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WIRING(page), NULL);
	return UB_PAGE_WIRING(page)->voltage_label;
}

UbPinoutView *
ub_page_wiring_get_pinout_view(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WIRING(page), NULL);
	return UB_PAGE_WIRING(page)->pinout_view;
}

GtkLabel *
ub_page_wiring_get_notes_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WIRING(page), NULL);
	return UB_PAGE_WIRING(page)->notes_label;
}

GtkWidget *
ub_page_wiring_get_wire_list_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WIRING(page), NULL);
	return UB_PAGE_WIRING(page)->wire_list_label;
}

void
ub_page_wiring_get_checks(GtkWidget *page, GtkWidget *checks[4])
{
	UbPageWiring *self;

	g_return_if_fail(UB_IS_PAGE_WIRING(page));
	self = UB_PAGE_WIRING(page);
	checks[0] = GTK_WIDGET(self->check_motor);
	checks[1] = GTK_WIDGET(self->check_power);
	checks[2] = GTK_WIDGET(self->check_led);
	checks[3] = GTK_WIDGET(self->check_wires);
}
