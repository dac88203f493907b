/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error-view.h"
#include "ub-page-probe.h"
#include "ub-page.h"
#include "ub-window-private.h"

#define UB_UDEV_RULES_RESOURCE "/io/github/unbrick/Unbrick/70-unbrick-stlink.rules"

struct _UbPageProbe {
	GtkBox parent_instance;
	GtkListBox *probe_list;
	GtkLabel *status_label;
	GtkWidget *no_driver_label;
	GtkWidget *permission_box;
	GtkTextView *udev_view;
	UbErrorView *error_view;
	UbSession *session;
};

enum { PROP_0, PROP_COMPLETE, PROP_BUSY };

static void ub_page_probe_page_init(UbPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(UbPageProbe, ub_page_probe, GTK_TYPE_BOX,
			G_IMPLEMENT_INTERFACE(UB_TYPE_PAGE, ub_page_probe_page_init))

/* the shell commands that install our rule file; shown verbatim so they can be checked */
static char *
ub_page_probe_build_udev_commands(void)
{
	g_autoptr(GBytes) rules = NULL;
	g_autoptr(GString) commands = g_string_new(NULL);

	rules = g_resources_lookup_data(UB_UDEV_RULES_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
	g_string_append(commands, "sudo tee /etc/udev/rules.d/70-unbrick-stlink.rules >/dev/null <<'EOF'\n");
	if (rules != NULL)
		g_string_append_len(commands, g_bytes_get_data(rules, NULL),
				    (gssize)g_bytes_get_size(rules));
	g_string_append(commands, "EOF\nsudo udevadm control --reload-rules && sudo udevadm trigger\n");
	return g_string_free(g_steal_pointer(&commands), FALSE);
}

static void
ub_page_probe_copy_udev_cb(UbPageProbe *self)
{
	GtkClipboard *clipboard = gtk_widget_get_clipboard(GTK_WIDGET(self), GDK_SELECTION_CLIPBOARD);
	g_autofree char *commands = ub_page_probe_build_udev_commands();

	gtk_clipboard_set_text(clipboard, commands, -1);
}

static void
ub_page_probe_row_selected_cb(UbPageProbe *self, GtkListBoxRow *row)
{
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_probe_enter(UbPage *page, UbSession *session)
{
	UbPageProbe *self = UB_PAGE_PROBE(page);

	g_set_object(&self->session, session);
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_probe_page_init(UbPageInterface *iface)
{
	iface->enter = ub_page_probe_enter;
}

static void
ub_page_probe_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	UbPageProbe *self = UB_PAGE_PROBE(object);

	switch (prop_id) {
	case PROP_COMPLETE:
		g_value_set_boolean(value, gtk_list_box_get_selected_row(self->probe_list) != NULL);
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
ub_page_probe_dispose(GObject *object)
{
	UbPageProbe *self = UB_PAGE_PROBE(object);

	g_clear_object(&self->session);
	G_OBJECT_CLASS(ub_page_probe_parent_class)->dispose(object);
}

static void
ub_page_probe_class_init(UbPageProbeClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->get_property = ub_page_probe_get_property;
	object_class->dispose = ub_page_probe_dispose;
	g_object_class_override_property(object_class, PROP_COMPLETE, "complete");
	g_object_class_override_property(object_class, PROP_BUSY, "busy");

	g_type_ensure(UB_TYPE_ERROR_VIEW);
	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-page-probe.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageProbe, probe_list);
	gtk_widget_class_bind_template_child(widget_class, UbPageProbe, status_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageProbe, no_driver_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageProbe, permission_box);
	gtk_widget_class_bind_template_child(widget_class, UbPageProbe, udev_view);
	gtk_widget_class_bind_template_child(widget_class, UbPageProbe, error_view);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_probe_copy_udev_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_probe_row_selected_cb);
}

static void
ub_page_probe_init(UbPageProbe *self)
{
	g_autofree char *commands = NULL;

	gtk_widget_init_template(GTK_WIDGET(self));
	commands = ub_page_probe_build_udev_commands();
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->udev_view), commands, -1);
}

GtkListBox *
ub_page_probe_get_list(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_PROBE(page), NULL);
	return UB_PAGE_PROBE(page)->probe_list;
}

GtkLabel *
ub_page_probe_get_status_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_PROBE(page), NULL);
	return UB_PAGE_PROBE(page)->status_label;
}

GtkWidget *
ub_page_probe_get_permission_box(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_PROBE(page), NULL);
	return UB_PAGE_PROBE(page)->permission_box;
}
