/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error-view.h"
#include "ub-page-firmware.h"
#include "ub-page.h"
#include "ub-window-private.h"

struct _UbPageFirmware {
	GtkBox parent_instance;
	GtkFileChooser *folder_button;
	GtkFileChooser *file_button;
	GtkListBox *firmware_list;
	GtkLabel *status_label;
	UbErrorView *error_view;
	GtkToggleButton *override_check;
	UbSession *session;
	gboolean firmware_ok;
};

enum { PROP_0, PROP_COMPLETE, PROP_BUSY };

static void ub_page_firmware_page_init(UbPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(UbPageFirmware, ub_page_firmware, GTK_TYPE_BOX,
			G_IMPLEMENT_INTERFACE(UB_TYPE_PAGE, ub_page_firmware_page_init))

static void
ub_page_firmware_folder_set_cb(UbPageFirmware *self)
{
}

static void
ub_page_firmware_file_set_cb(UbPageFirmware *self)
{
}

static void
ub_page_firmware_row_selected_cb(UbPageFirmware *self)
{
}

static void
ub_page_firmware_override_toggled_cb(UbPageFirmware *self)
{
}

static void
ub_page_firmware_enter(UbPage *page, UbSession *session)
{
	UbPageFirmware *self = UB_PAGE_FIRMWARE(page);

	g_set_object(&self->session, session);
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_firmware_page_init(UbPageInterface *iface)
{
	iface->enter = ub_page_firmware_enter;
}

static void
ub_page_firmware_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	UbPageFirmware *self = UB_PAGE_FIRMWARE(object);

	switch (prop_id) {
	case PROP_COMPLETE:
		g_value_set_boolean(value, self->firmware_ok);
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
ub_page_firmware_dispose(GObject *object)
{
	UbPageFirmware *self = UB_PAGE_FIRMWARE(object);

	g_clear_object(&self->session);
	G_OBJECT_CLASS(ub_page_firmware_parent_class)->dispose(object);
}

static void
ub_page_firmware_class_init(UbPageFirmwareClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->get_property = ub_page_firmware_get_property;
	object_class->dispose = ub_page_firmware_dispose;
	g_object_class_override_property(object_class, PROP_COMPLETE, "complete");
	g_object_class_override_property(object_class, PROP_BUSY, "busy");

	g_type_ensure(UB_TYPE_ERROR_VIEW);
	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-page-firmware.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, folder_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, file_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, firmware_list);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, status_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, error_view);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, override_check);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_firmware_folder_set_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_firmware_file_set_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_firmware_row_selected_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_firmware_override_toggled_cb);
}

static void
ub_page_firmware_init(UbPageFirmware *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}
