/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error-text.h"
#include "ub-error-view.h"
#include "ub-page-wiring.h"
#include "ub-page.h"
#include "ub-pinout-view.h"
#include "ub-window-private.h"

struct _UbPageWiring {
	GtkBox parent_instance;
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
	GtkLabel *voltage_label;
	GtkLabel *result_label;
	UbErrorView *error_view;
	UbSession *session;
	GCancellable *cancellable;
	gboolean wiring_ok;
};

enum { PROP_0, PROP_COMPLETE, PROP_BUSY };

static void ub_page_wiring_page_init(UbPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(UbPageWiring, ub_page_wiring, GTK_TYPE_BOX,
			G_IMPLEMENT_INTERFACE(UB_TYPE_PAGE, ub_page_wiring_page_init))

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
	/* story 7: no LED at all is a power fault, not a firmware problem */
	gtk_widget_set_visible(self->no_led_label, !gtk_toggle_button_get_active(self->check_led));
	g_object_notify(G_OBJECT(self), "complete");
}

/* the drawing and the notes for this board and probe, or the general list without them */
static void
ub_page_wiring_show_plan(UbPageWiring *self)
{
	UbWiringPlan *plan = ub_session_get_wiring_plan(self->session);
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

static void
ub_page_wiring_check_clicked_cb(UbPageWiring *self)
{
}

static void
ub_page_wiring_enter(UbPage *page, UbSession *session)
{
	UbPageWiring *self = UB_PAGE_WIRING(page);

	g_set_object(&self->session, session);
	ub_page_wiring_show_plan(self);
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_wiring_page_init(UbPageInterface *iface)
{
	iface->enter = ub_page_wiring_enter;
}

static void
ub_page_wiring_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	UbPageWiring *self = UB_PAGE_WIRING(object);

	switch (prop_id) {
	case PROP_COMPLETE:
		g_value_set_boolean(value, self->wiring_ok && ub_page_wiring_checklist_done(self));
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
ub_page_wiring_dispose(GObject *object)
{
	UbPageWiring *self = UB_PAGE_WIRING(object);

	g_clear_object(&self->session);
	G_OBJECT_CLASS(ub_page_wiring_parent_class)->dispose(object);
}

static void
ub_page_wiring_class_init(UbPageWiringClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->get_property = ub_page_wiring_get_property;
	object_class->dispose = ub_page_wiring_dispose;
	g_object_class_override_property(object_class, PROP_COMPLETE, "complete");
	g_object_class_override_property(object_class, PROP_BUSY, "busy");

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
	gtk_widget_class_bind_template_child(widget_class, UbPageWiring, result_label);
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
