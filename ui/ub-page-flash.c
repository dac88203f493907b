/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error-view.h"
#include "ub-page-flash.h"
#include "ub-page.h"
#include "ub-window-private.h"

struct _UbPageFlash {
	GtkBox parent_instance;
	GtkToggleButton *backup_check;
	GtkFileChooser *backup_folder_button;
	GtkButton *start_button;
	GtkLabel *stage_label;
	GtkProgressBar *progress_bar;
	GtkLabel *rate_label;
	GtkLabel *time_left_label;
	GtkLabel *status_label;
	UbErrorView *error_view;
	UbSession *session;
	GCancellable *cancellable;
	gboolean flashed;
};

enum { PROP_0, PROP_COMPLETE, PROP_BUSY };

static void ub_page_flash_page_init(UbPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(UbPageFlash, ub_page_flash, GTK_TYPE_BOX,
			G_IMPLEMENT_INTERFACE(UB_TYPE_PAGE, ub_page_flash_page_init))

static void
ub_page_flash_start_clicked_cb(UbPageFlash *self)
{
}

static void
ub_page_flash_enter(UbPage *page, UbSession *session)
{
	UbPageFlash *self = UB_PAGE_FLASH(page);

	g_set_object(&self->session, session);
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_flash_page_init(UbPageInterface *iface)
{
	iface->enter = ub_page_flash_enter;
}

static void
ub_page_flash_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	UbPageFlash *self = UB_PAGE_FLASH(object);

	switch (prop_id) {
	case PROP_COMPLETE:
		g_value_set_boolean(value, self->flashed);
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
ub_page_flash_dispose(GObject *object)
{
	UbPageFlash *self = UB_PAGE_FLASH(object);

	g_clear_object(&self->session);
	G_OBJECT_CLASS(ub_page_flash_parent_class)->dispose(object);
}

static void
ub_page_flash_class_init(UbPageFlashClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->get_property = ub_page_flash_get_property;
	object_class->dispose = ub_page_flash_dispose;
	g_object_class_override_property(object_class, PROP_COMPLETE, "complete");
	g_object_class_override_property(object_class, PROP_BUSY, "busy");

	g_type_ensure(UB_TYPE_ERROR_VIEW);
	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-page-flash.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, backup_check);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, backup_folder_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, start_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, stage_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, progress_bar);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, rate_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, time_left_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, status_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, error_view);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_flash_start_clicked_cb);
}

static void
ub_page_flash_init(UbPageFlash *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}
