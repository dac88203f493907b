/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error-view.h"
#include "ub-page-connect.h"
#include "ub-page.h"
#include "ub-window-private.h"

struct _UbPageConnect {
	GtkBox parent_instance;
	GtkListBox *ladder_list;
	GtkButton *connect_button;
	GtkSpinner *spinner;
	GtkLabel *status_label;
	UbErrorView *error_view;
	UbSession *session;
	GCancellable *cancellable;
	gboolean connected;
};

enum { PROP_0, PROP_COMPLETE, PROP_BUSY };

static void ub_page_connect_page_init(UbPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(UbPageConnect, ub_page_connect, GTK_TYPE_BOX,
			G_IMPLEMENT_INTERFACE(UB_TYPE_PAGE, ub_page_connect_page_init))

static void
ub_page_connect_clicked_cb(UbPageConnect *self)
{
}

static void
ub_page_connect_enter(UbPage *page, UbSession *session)
{
	UbPageConnect *self = UB_PAGE_CONNECT(page);

	g_set_object(&self->session, session);
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_connect_page_init(UbPageInterface *iface)
{
	iface->enter = ub_page_connect_enter;
}

static void
ub_page_connect_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	UbPageConnect *self = UB_PAGE_CONNECT(object);

	switch (prop_id) {
	case PROP_COMPLETE:
		g_value_set_boolean(value, self->connected);
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
ub_page_connect_dispose(GObject *object)
{
	UbPageConnect *self = UB_PAGE_CONNECT(object);

	g_clear_object(&self->session);
	G_OBJECT_CLASS(ub_page_connect_parent_class)->dispose(object);
}

static void
ub_page_connect_class_init(UbPageConnectClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->get_property = ub_page_connect_get_property;
	object_class->dispose = ub_page_connect_dispose;
	g_object_class_override_property(object_class, PROP_COMPLETE, "complete");
	g_object_class_override_property(object_class, PROP_BUSY, "busy");

	g_type_ensure(UB_TYPE_ERROR_VIEW);
	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-page-connect.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageConnect, ladder_list);
	gtk_widget_class_bind_template_child(widget_class, UbPageConnect, connect_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageConnect, spinner);
	gtk_widget_class_bind_template_child(widget_class, UbPageConnect, status_label);
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

GtkLabel *
ub_page_connect_get_status_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_CONNECT(page), NULL);
	return UB_PAGE_CONNECT(page)->status_label;
}
