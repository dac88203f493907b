/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error-view.h"
#include "ub-page-done.h"
#include "ub-page.h"
#include "ub-window-private.h"

struct _UbPageDone {
	GtkBox parent_instance;
	GtkLabel *summary_label;
	GtkLabel *backup_label;
	GtkButton *copy_button;
	GtkLabel *copied_label;
	UbSession *session;
};

enum { PROP_0, PROP_COMPLETE, PROP_BUSY };

static void ub_page_done_page_init(UbPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(UbPageDone, ub_page_done, GTK_TYPE_BOX,
			G_IMPLEMENT_INTERFACE(UB_TYPE_PAGE, ub_page_done_page_init))

static void
ub_page_done_copy_clicked_cb(UbPageDone *self)
{
}

static void
ub_page_done_enter(UbPage *page, UbSession *session)
{
	UbPageDone *self = UB_PAGE_DONE(page);

	g_set_object(&self->session, session);
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_done_page_init(UbPageInterface *iface)
{
	iface->enter = ub_page_done_enter;
}

static void
ub_page_done_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	switch (prop_id) {
	case PROP_COMPLETE:
		g_value_set_boolean(value, TRUE);
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
ub_page_done_dispose(GObject *object)
{
	UbPageDone *self = UB_PAGE_DONE(object);

	g_clear_object(&self->session);
	G_OBJECT_CLASS(ub_page_done_parent_class)->dispose(object);
}

static void
ub_page_done_class_init(UbPageDoneClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->get_property = ub_page_done_get_property;
	object_class->dispose = ub_page_done_dispose;
	g_object_class_override_property(object_class, PROP_COMPLETE, "complete");
	g_object_class_override_property(object_class, PROP_BUSY, "busy");

	g_type_ensure(UB_TYPE_ERROR_VIEW);
	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-page-done.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageDone, summary_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageDone, backup_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageDone, copy_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageDone, copied_label);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_done_copy_clicked_cb);
}

static void
ub_page_done_init(UbPageDone *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}

GtkButton *
ub_page_done_get_copy_button(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_DONE(page), NULL);
	return UB_PAGE_DONE(page)->copy_button;
}

GtkLabel *
ub_page_done_get_summary_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_DONE(page), NULL);
	return UB_PAGE_DONE(page)->summary_label;
}
