/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

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
ub_page_recovery_start_clicked_cb(UbPageRecovery *self)
{
}

static void
ub_page_recovery_enter(UbPage *page, UbSession *session)
{
	UbPageRecovery *self = UB_PAGE_RECOVERY(page);

	g_set_object(&self->session, session);
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
