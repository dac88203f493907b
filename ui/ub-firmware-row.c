/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-firmware-row.h"

struct _UbFirmwareRow {
	GtkListBoxRow parent_instance;
	GtkLabel *name_label;
	GtkWidget *fits_label;
	GtkWidget *mismatch_label;
	GtkWidget *unchecked_label;
	GtkWidget *bootloader_label;
	GtkLabel *hardware_label;
	GtkLabel *version_label;
	UbFirmwareInfo *info;
	UbFirmwareFit fit;
	GError *mismatch;
};

G_DEFINE_TYPE(UbFirmwareRow, ub_firmware_row, GTK_TYPE_LIST_BOX_ROW)

static void
ub_firmware_row_finalize(GObject *object)
{
	UbFirmwareRow *self = UB_FIRMWARE_ROW(object);

	g_clear_object(&self->info);
	g_clear_error(&self->mismatch);
	G_OBJECT_CLASS(ub_firmware_row_parent_class)->finalize(object);
}

static void
ub_firmware_row_class_init(UbFirmwareRowClass *klass)
{
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = ub_firmware_row_finalize;
	gtk_widget_class_set_template_from_resource(
	    widget_class, "/io/github/unbrick/Unbrick/ub-firmware-row.ui");
	gtk_widget_class_bind_template_child(widget_class, UbFirmwareRow, name_label);
	gtk_widget_class_bind_template_child(widget_class, UbFirmwareRow, fits_label);
	gtk_widget_class_bind_template_child(widget_class, UbFirmwareRow, mismatch_label);
	gtk_widget_class_bind_template_child(widget_class, UbFirmwareRow, unchecked_label);
	gtk_widget_class_bind_template_child(widget_class, UbFirmwareRow, bootloader_label);
	gtk_widget_class_bind_template_child(widget_class, UbFirmwareRow, hardware_label);
	gtk_widget_class_bind_template_child(widget_class, UbFirmwareRow, version_label);
}

static void
ub_firmware_row_init(UbFirmwareRow *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}

static UbFirmwareFit
ub_firmware_row_compute_fit(UbFirmwareRow *self, const char *const *board_hw_names)
{
	if (ub_firmware_info_get_kind(self->info) == UB_FIRMWARE_KIND_BOOTLOADER)
		return UB_FIRMWARE_FIT_BOOTLOADER;
	if (board_hw_names == NULL || board_hw_names[0] == NULL)
		return UB_FIRMWARE_FIT_UNCHECKED;
	if (!ub_firmware_info_check_compatible(self->info, board_hw_names, &self->mismatch))
		return UB_FIRMWARE_FIT_NO;
	return UB_FIRMWARE_FIT_YES;
}

GtkWidget *
ub_firmware_row_new(UbFirmwareInfo *info, const char *const *board_hw_names)
{
	UbFirmwareRow *self;
	const char *const *hw_names;
	const char *version;
	g_autofree char *basename = NULL;
	AtkObject *accessible;

	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(info), NULL);

	self = g_object_new(UB_TYPE_FIRMWARE_ROW, NULL);
	self->info = g_object_ref(info);
	basename = g_path_get_basename(ub_firmware_info_get_filename(info));
	gtk_label_set_text(self->name_label, basename);
	gtk_widget_set_tooltip_text(GTK_WIDGET(self->name_label),
				    ub_firmware_info_get_filename(info));
	hw_names = ub_firmware_info_get_kind(info) == UB_FIRMWARE_KIND_BOOTLOADER
		       ? ub_firmware_info_get_bootloader_hw_names(info)
		       : ub_firmware_info_get_hw_names(info);
	if (hw_names != NULL && hw_names[0] != NULL) {
		g_autofree char *joined = g_strjoinv(", ", (char **)hw_names);

		gtk_label_set_text(self->hardware_label, joined);
	}
	version = ub_firmware_info_get_version_string(info);
	if (version != NULL)
		gtk_label_set_text(self->version_label, version);

	self->fit = ub_firmware_row_compute_fit(self, board_hw_names);
	gtk_widget_set_visible(self->fits_label, self->fit == UB_FIRMWARE_FIT_YES);
	gtk_widget_set_visible(self->mismatch_label, self->fit == UB_FIRMWARE_FIT_NO);
	gtk_widget_set_visible(self->unchecked_label, self->fit == UB_FIRMWARE_FIT_UNCHECKED);
	gtk_widget_set_visible(self->bootloader_label, self->fit == UB_FIRMWARE_FIT_BOOTLOADER);
	/* a bootloader is not what brings the board back: VESC Tool installs it afterwards */
	gtk_widget_set_sensitive(GTK_WIDGET(self), self->fit != UB_FIRMWARE_FIT_BOOTLOADER);

	accessible = gtk_widget_get_accessible(GTK_WIDGET(self));
	atk_object_set_name(accessible, basename);
	return GTK_WIDGET(self);
}

UbFirmwareInfo *
ub_firmware_row_get_info(UbFirmwareRow *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_ROW(self), NULL);
	return self->info;
}

UbFirmwareFit
ub_firmware_row_get_fit(UbFirmwareRow *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_ROW(self), UB_FIRMWARE_FIT_NO);
	return self->fit;
}

const GError *
ub_firmware_row_get_mismatch(UbFirmwareRow *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_ROW(self), NULL);
	return self->mismatch;
}
