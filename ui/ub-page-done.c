/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error-view.h"
#include "ub-page-done.h"
#include "ub-page.h"
#include "ub-window-private.h"

struct _UbPageDone {
	UbPage parent_instance;
	GtkLabel *summary_label;
	GtkLabel *board_value;
	GtkLabel *firmware_value;
	GtkLabel *backup_value;
	GtkButton *copy_button;
	GtkWidget *copied_label;
	char *not_known; /* the template's own words for missing values */
	char *no_backup;
};

G_DEFINE_TYPE(UbPageDone, ub_page_done, UB_TYPE_PAGE)

static void
ub_page_done_copy_clicked_cb(UbPageDone *self)
{
	GtkClipboard *clipboard = gtk_widget_get_clipboard(GTK_WIDGET(self), GDK_SELECTION_CLIPBOARD);
	g_autofree char *report = ub_session_build_report(ub_page_get_session(UB_PAGE(self)));

	gtk_clipboard_set_text(clipboard, report, -1);
	gtk_widget_show(self->copied_label);
}

static void
ub_page_done_enter(UbPage *page)
{
	UbPageDone *self = UB_PAGE_DONE(page);
	UbSession *session = ub_page_get_session(page);
	UbBoard *board;
	UbFirmwareInfo *firmware;

	board = ub_session_get_board(session);
	firmware = ub_session_get_firmware(session);
	gtk_label_set_text(self->board_value,
			   board != NULL ? ub_board_get_name(board) : self->not_known);
	gtk_label_set_text(self->firmware_value, firmware != NULL
						     ? ub_firmware_info_get_filename(firmware)
						     : self->not_known);
	gtk_label_set_text(self->backup_value, ub_session_get_backup_path(session) != NULL
						   ? ub_session_get_backup_path(session)
						   : self->no_backup);
	gtk_widget_hide(self->copied_label);
}

static gboolean
ub_page_done_is_complete(UbPage *page)
{
	return TRUE;
}

static void
ub_page_done_dispose(GObject *object)
{
	UbPageDone *self = UB_PAGE_DONE(object);

	g_clear_pointer(&self->not_known, g_free);
	g_clear_pointer(&self->no_backup, g_free);
	G_OBJECT_CLASS(ub_page_done_parent_class)->dispose(object);
}

static void
ub_page_done_class_init(UbPageDoneClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
	UbPageClass *page_class = UB_PAGE_CLASS(klass);

	object_class->dispose = ub_page_done_dispose;
	page_class->enter = ub_page_done_enter;
	page_class->is_complete = ub_page_done_is_complete;

	g_type_ensure(UB_TYPE_ERROR_VIEW);
	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-page-done.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageDone, summary_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageDone, board_value);
	gtk_widget_class_bind_template_child(widget_class, UbPageDone, firmware_value);
	gtk_widget_class_bind_template_child(widget_class, UbPageDone, backup_value);
	gtk_widget_class_bind_template_child(widget_class, UbPageDone, copy_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageDone, copied_label);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_done_copy_clicked_cb);
}

static void
ub_page_done_init(UbPageDone *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	self->not_known = g_strdup(gtk_label_get_text(self->board_value));
	self->no_backup = g_strdup(gtk_label_get_text(self->backup_value));
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

GtkLabel *
ub_page_done_get_firmware_value(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_DONE(page), NULL);
	return UB_PAGE_DONE(page)->firmware_value;
}

GtkLabel *
ub_page_done_get_backup_value(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_DONE(page), NULL);
	return UB_PAGE_DONE(page)->backup_value;
}
