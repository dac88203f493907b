/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-error-text.h"
#include "ub-error-view.h"
#include "ub-label-text.h"
#include "ub-page-wiring.h"
#include "ub-page.h"
#include "ub-pinout-view.h"
#include "ub-window-private.h"

/* the stepper's places besides the wires: the notes before the first, the check after the last */
#define UB_WIRING_STEP_BEFORE 0

struct _UbPageWiring {
	UbPage parent_instance;
	GtkBox *pinout_box;
	UbPinoutView *pinout_view;
	GtkWidget *step_box;
	GtkLabel *step_title_label;
	GtkLabel *step_detail_label;
	GtkButton *step_next_button;
	GtkButton *step_back_button;
	GtkButton *step_skip_button;
	GtkWidget *check_box;
	guint step; /* 0 before the first wire, 1..n a wire, n + 1 all connected */
	GtkLabel *notes_label;
	GtkWidget *wire_list_label;
	GtkWidget *wire_text_expander; /* the drawing as text, for anyone who cannot use it */
	GtkLabel *wire_text_label;
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

	/* story 7: no LED at all is a power fault, not a firmware problem; said when everything
	 * else is ticked and the LED is not */
	gtk_widget_set_visible(self->no_led_label,
			       !gtk_toggle_button_get_active(self->check_led) &&
				   gtk_toggle_button_get_active(self->check_motor) &&
				   gtk_toggle_button_get_active(self->check_power) &&
				   gtk_toggle_button_get_active(self->check_wires));
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

/* one wire at a time: the drawing lights the wire of this step, the words say where it goes */
static void
ub_page_wiring_show_step(UbPageWiring *self, guint step)
{
	UbWiringPlan *plan = ub_pinout_view_get_plan(self->pinout_view);
	guint n_wires = plan != NULL ? ub_wiring_plan_get_n_wires(plan) : 0;

	self->step = MIN(step, n_wires + 1);
	if (self->step == UB_WIRING_STEP_BEFORE) {
		ub_label_set_text_if_changed(self->step_title_label, _("Before the first wire"));
		ub_label_set_text_if_changed(
		    self->step_detail_label, _("Read these notes, then connect the wires one by one."));
		ub_button_set_label_if_changed(self->step_next_button,
					       _("_Start with the first wire"));
		ub_pinout_view_set_focus(self->pinout_view, -1);
	} else if (self->step <= n_wires) {
		const UbWire *wire = ub_wiring_plan_get_wire(plan, self->step - 1);
		g_autofree char *title = ub_hint_wire_title(wire, self->step - 1, n_wires);
		g_autofree char *detail = ub_hint_wire_detail(wire);
		const char *next = self->step < n_wires ? _("_Done, next wire")
							: _("_Done, that was the last");

		ub_label_set_text_if_changed(self->step_title_label, title);
		ub_label_set_text_if_changed(self->step_detail_label, detail);
		ub_button_set_label_if_changed(self->step_next_button, next);
		ub_pinout_view_set_focus(self->pinout_view, (gint)self->step - 1);
	} else {
		ub_label_set_text_if_changed(self->step_title_label, _("All wires connected"));
		ub_label_set_text_if_changed(self->step_detail_label,
					     _("Compare each wire with the drawing once more, tick "
					       "the list below and check the wiring."));
		ub_button_set_label_if_changed(self->step_next_button, _("_Start over"));
		ub_pinout_view_set_focus(self->pinout_view, -1);
	}
	gtk_widget_set_visible(GTK_WIDGET(self->notes_label),
			       self->step == UB_WIRING_STEP_BEFORE &&
				   gtk_label_get_text(self->notes_label)[0] != '\0');
	gtk_widget_set_visible(GTK_WIDGET(self->step_skip_button),
			       self->step == UB_WIRING_STEP_BEFORE);
	gtk_widget_set_visible(GTK_WIDGET(self->step_back_button),
			       self->step > UB_WIRING_STEP_BEFORE);
	/* the check comes once every wire is on: then the picture shows them all, and the check,
	 * not going round again, is what to do next */
	gtk_widget_set_visible(self->check_box, self->step > n_wires);
	if (self->step > n_wires)
		gtk_style_context_remove_class(
		    gtk_widget_get_style_context(GTK_WIDGET(self->step_next_button)),
		    "suggested-action");
	else
		gtk_style_context_add_class(
		    gtk_widget_get_style_context(GTK_WIDGET(self->step_next_button)),
		    "suggested-action");
}

static void
ub_page_wiring_step_skip_cb(UbPageWiring *self)
{
	UbWiringPlan *plan = ub_pinout_view_get_plan(self->pinout_view);

	ub_page_wiring_show_step(self, plan != NULL ? ub_wiring_plan_get_n_wires(plan) + 1 : 0);
}

static void
ub_page_wiring_step_next_cb(UbPageWiring *self)
{
	UbWiringPlan *plan = ub_pinout_view_get_plan(self->pinout_view);
	guint n_wires = plan != NULL ? ub_wiring_plan_get_n_wires(plan) : 0;

	ub_page_wiring_show_step(self, self->step > n_wires ? UB_WIRING_STEP_BEFORE
							     : self->step + 1);
}

static void
ub_page_wiring_step_back_cb(UbPageWiring *self)
{
	if (self->step > UB_WIRING_STEP_BEFORE)
		ub_page_wiring_show_step(self, self->step - 1);
}

/* the drawing and the notes for this board and probe, or the general list without them */
static void
ub_page_wiring_show_plan(UbPageWiring *self)
{
	UbWiringPlan *plan = ub_session_get_wiring_plan(ub_page_get_session(UB_PAGE(self)));
	g_autoptr(GString) notes = g_string_new(NULL);
	gboolean same = plan != NULL && plan == ub_pinout_view_get_plan(self->pinout_view);

	ub_pinout_view_set_plan(self->pinout_view, plan);
	gtk_widget_set_visible(GTK_WIDGET(self->pinout_view), plan != NULL);
	gtk_widget_set_visible(self->step_box, plan != NULL);
	gtk_widget_set_visible(self->wire_list_label, plan == NULL);
	gtk_widget_set_visible(self->wire_text_expander, plan != NULL);
	if (plan != NULL) {
		UbWiringNote flags = ub_wiring_plan_get_notes(plan);
		g_autofree char *wires = ub_hint_wire_list(plan);

		ub_label_set_text_if_changed(self->wire_text_label, wires);
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
	ub_label_set_text_if_changed(self->notes_label, notes->str);
	/* coming back to the page keeps the person's place among the wires; without a drawing
	 * the general list and the check are all there is */
	if (plan != NULL)
		ub_page_wiring_show_step(self, same ? self->step : UB_WIRING_STEP_BEFORE);
	else
		gtk_widget_show(self->check_box);
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
	if (own_rail)
		/* TRANSLATORS: a clone probe reports its own 3.3 V supply, not the board's */
		text = g_strdup_printf(_("Probe's own supply: %.2f V (not the board's)"),
				       millivolts / 1000.0);
	else
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

/* shown next: the drawing, the notes and the first step are set while the page is hidden */
static void
ub_page_wiring_prepare(UbPage *page)
{
	ub_page_wiring_show_plan(UB_PAGE_WIRING(page));
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
	page_class->prepare = ub_page_wiring_prepare;
	page_class->is_complete = ub_page_wiring_is_complete;
	page_class->busy_changed = ub_page_wiring_busy_changed;

	g_type_ensure(UB_TYPE_ERROR_VIEW);
	g_type_ensure(UB_TYPE_PINOUT_VIEW);
	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-page-wiring.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, pinout_box);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, pinout_view);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, step_box);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, step_title_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, step_detail_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, step_next_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, step_back_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, step_skip_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, check_box);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, notes_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, wire_list_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, wire_text_expander);
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, wire_text_label);
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
	gtk_widget_class_bind_template_callback(widget_class, ub_page_wiring_step_next_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_wiring_step_back_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_wiring_step_skip_cb);
}

static void
ub_page_wiring_init(UbPageWiring *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	/* the stepper says the wires in words: the picture keeps its room for itself, and opens
	 * full size, with the list, on a click */
	ub_pinout_view_set_show_wire_list(self->pinout_view, FALSE);
	ub_pinout_view_set_zoomable(self->pinout_view, TRUE);
	ub_pinout_view_set_max_zoom(self->pinout_view, 2.0);
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

GtkButton *
ub_page_wiring_get_step_next_button(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WIRING(page), NULL);
	return UB_PAGE_WIRING(page)->step_next_button;
}

GtkButton *
ub_page_wiring_get_step_back_button(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WIRING(page), NULL);
	return UB_PAGE_WIRING(page)->step_back_button;
}

GtkButton *
ub_page_wiring_get_step_skip_button(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WIRING(page), NULL);
	return UB_PAGE_WIRING(page)->step_skip_button;
}

GtkLabel *
ub_page_wiring_get_step_title_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WIRING(page), NULL);
	return UB_PAGE_WIRING(page)->step_title_label;
}

GtkLabel *
ub_page_wiring_get_step_detail_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WIRING(page), NULL);
	return UB_PAGE_WIRING(page)->step_detail_label;
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

GtkExpander *
ub_page_wiring_get_wire_text_expander(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WIRING(page), NULL);
	return GTK_EXPANDER(UB_PAGE_WIRING(page)->wire_text_expander);
}
