/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error.h"
#include "ub-probe-row.h"

struct _UbProbeRow {
	GtkListBoxRow parent_instance;
	GtkLabel *kind_label;
	GtkWidget *simulated_label;
	GtkWidget *denied_label;
	GtkWidget *unsupported_label;
	GtkLabel *version_label;
	GtkLabel *serial_label;
	UbProbeInfo *info;
};

G_DEFINE_TYPE(UbProbeRow, ub_probe_row, GTK_TYPE_LIST_BOX_ROW)

static void
ub_probe_row_finalize(GObject *object)
{
	UbProbeRow *self = UB_PROBE_ROW(object);

	g_clear_object(&self->info);
	G_OBJECT_CLASS(ub_probe_row_parent_class)->finalize(object);
}

static void
ub_probe_row_class_init(UbProbeRowClass *klass)
{
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = ub_probe_row_finalize;
	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-probe-row.ui");
	gtk_widget_class_bind_template_child(widget_class, UbProbeRow, kind_label);
	gtk_widget_class_bind_template_child(widget_class, UbProbeRow, simulated_label);
	gtk_widget_class_bind_template_child(widget_class, UbProbeRow, denied_label);
	gtk_widget_class_bind_template_child(widget_class, UbProbeRow, unsupported_label);
	gtk_widget_class_bind_template_child(widget_class, UbProbeRow, version_label);
	gtk_widget_class_bind_template_child(widget_class, UbProbeRow, serial_label);
}

static void
ub_probe_row_init(UbProbeRow *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}

GtkWidget *
ub_probe_row_new(UbProbeInfo *info)
{
	UbProbeRow *self;
	const char *kind;

	g_return_val_if_fail(UB_IS_PROBE_INFO(info), NULL);

	self = g_object_new(UB_TYPE_PROBE_ROW, NULL);
	self->info = g_object_ref(info);
	/* product names ("ST-LINK/V2", "Debug Probe (CMSIS-DAP)"): not translated; a CMSIS-DAP
	 * probe is known by its USB product string, any maker may build one */
	kind = ub_probe_kind_to_string(ub_probe_info_get_kind(info));
	if ((ub_probe_info_get_kind(info) == UB_PROBE_KIND_CMSIS_DAP ||
	     ub_probe_info_get_kind(info) == UB_PROBE_KIND_CMSIS_DAP_V1) &&
	    ub_probe_info_get_product(info) != NULL)
		kind = ub_probe_info_get_product(info);
	gtk_label_set_text(self->kind_label, kind);
	if (ub_probe_info_get_firmware_version(info) != NULL)
		gtk_label_set_text(self->version_label, ub_probe_info_get_firmware_version(info));
	if (ub_probe_info_get_serial(info) != NULL && ub_probe_info_get_serial(info)[0] != '\0')
		gtk_label_set_text(self->serial_label, ub_probe_info_get_serial(info));
	gtk_widget_set_tooltip_text(GTK_WIDGET(self), ub_probe_info_get_path(info));
	gtk_widget_set_visible(self->simulated_label, ub_probe_info_get_provider(info) != NULL);
	gtk_widget_set_visible(self->denied_label, ub_probe_row_get_denied(self));
	gtk_widget_set_visible(self->unsupported_label, ub_probe_row_get_unsupported(self));
	atk_object_set_name(gtk_widget_get_accessible(GTK_WIDGET(self)), kind);
	return GTK_WIDGET(self);
}

UbProbeInfo *
ub_probe_row_get_info(UbProbeRow *self)
{
	g_return_val_if_fail(UB_IS_PROBE_ROW(self), NULL);
	return self->info;
}

gboolean
ub_probe_row_get_denied(UbProbeRow *self)
{
	g_return_val_if_fail(UB_IS_PROBE_ROW(self), FALSE);
	return g_error_matches(ub_probe_info_get_problem(self->info), UB_PROBE_ERROR,
			       UB_PROBE_ERROR_PERMISSION_DENIED);
}

gboolean
ub_probe_row_get_unsupported(UbProbeRow *self)
{
	g_return_val_if_fail(UB_IS_PROBE_ROW(self), FALSE);
	return !ub_probe_kind_is_supported(ub_probe_info_get_kind(self->info));
}
