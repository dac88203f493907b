/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-page-welcome.h"
#include "ub-page.h"
#include "ub-window-private.h"

struct _UbPageWelcome {
	GtkBox parent_instance;
	GtkWidget *demo_note;
	GtkComboBoxText *board_combo;
	GtkLabel *board_hint;
	UbSession *session;
};

enum { PROP_0, PROP_COMPLETE, PROP_BUSY };

static void ub_page_welcome_page_init(UbPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(UbPageWelcome, ub_page_welcome, GTK_TYPE_BOX,
			G_IMPLEMENT_INTERFACE(UB_TYPE_PAGE, ub_page_welcome_page_init))

static void
ub_page_welcome_board_changed_cb(UbPageWelcome *self)
{
	const char *board_id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->board_combo));

	if (self->session != NULL && board_id != NULL)
		ub_session_set_board_id(self->session, board_id);
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_welcome_enter(UbPage *page, UbSession *session)
{
	UbPageWelcome *self = UB_PAGE_WELCOME(page);

	g_set_object(&self->session, session);
	gtk_widget_set_visible(self->demo_note, ub_session_is_demo(session));
	if (ub_session_get_board_id(session) != NULL)
		gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->board_combo),
					    ub_session_get_board_id(session));
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_welcome_page_init(UbPageInterface *iface)
{
	iface->enter = ub_page_welcome_enter;
}

static void
ub_page_welcome_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	UbPageWelcome *self = UB_PAGE_WELCOME(object);

	switch (prop_id) {
	case PROP_COMPLETE:
		g_value_set_boolean(
		    value, gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->board_combo)) != NULL);
		break;
	case PROP_BUSY:
		g_value_set_boolean(value, FALSE);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

static void
ub_page_welcome_dispose(GObject *object)
{
	UbPageWelcome *self = UB_PAGE_WELCOME(object);

	g_clear_object(&self->session);
	G_OBJECT_CLASS(ub_page_welcome_parent_class)->dispose(object);
}

static void
ub_page_welcome_class_init(UbPageWelcomeClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->get_property = ub_page_welcome_get_property;
	object_class->dispose = ub_page_welcome_dispose;
	g_object_class_override_property(object_class, PROP_COMPLETE, "complete");
	g_object_class_override_property(object_class, PROP_BUSY, "busy");

	gtk_widget_class_set_template_from_resource(
	    widget_class, "/io/github/unbrick/Unbrick/ub-page-welcome.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, demo_note);
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, board_combo);
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, board_hint);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_welcome_board_changed_cb);
}

static void
ub_page_welcome_init(UbPageWelcome *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}

GtkComboBox *
ub_page_welcome_get_board_combo(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WELCOME(page), NULL);
	return GTK_COMBO_BOX(UB_PAGE_WELCOME(page)->board_combo);
}

GtkLabel *
ub_page_welcome_get_board_hint(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WELCOME(page), NULL);
	return UB_PAGE_WELCOME(page)->board_hint;
}
