/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-error-text.h"
#include "ub-error-view.h"
#include "ub-firmware-scan.h"
#include "ub-flash-backup.h"
#include "ub-flash-job.h"
#include "ub-page-flash.h"
#include "ub-page.h"
#include "ub-window-private.h"

struct _UbPageFlash {
	UbPage parent_instance;
	GtkLabel *firmware_value;
	GtkLabel *chip_value;
	char *no_firmware; /* the template's words for missing values */
	char *no_chip;
	GtkToggleButton *backup_check;
	GtkFileChooser *backup_folder_button;
	GtkToggleButton *wipe_config_check;
	GtkButton *start_button;
	GtkLabel *stage_label;
	GtkProgressBar *progress_bar;
	GtkLabel *rate_label;
	GtkLabel *time_left_label;
	GtkLabel *stage_state_label;
	GtkWidget *done_label;
	UbErrorView *error_view;
	UbProgress *progress;
	UbFlashJob *job;
	guint inhibit_cookie;
	gboolean flashed;
};

G_DEFINE_TYPE(UbPageFlash, ub_page_flash, UB_TYPE_PAGE)

static void
ub_page_flash_busy_changed(UbPage *page, gboolean busy)
{
	UbPageFlash *self = UB_PAGE_FLASH(page);
	GtkWidget *toplevel = gtk_widget_get_toplevel(GTK_WIDGET(self));
	GtkApplication *application =
	    GTK_IS_WINDOW(toplevel) ? gtk_window_get_application(GTK_WINDOW(toplevel)) : NULL;

	if (busy) {
		/* a PC that suspended mid-flash bricked a board in the forum thread */
		if (application != NULL)
			self->inhibit_cookie = gtk_application_inhibit(
			    application, GTK_WINDOW(toplevel),
			    GTK_APPLICATION_INHIBIT_LOGOUT | GTK_APPLICATION_INHIBIT_SUSPEND,
			    _("Writing firmware to the board"));
	} else {
		if (application != NULL && self->inhibit_cookie != 0)
			gtk_application_uninhibit(application, self->inhibit_cookie);
		self->inhibit_cookie = 0;
	}
	gtk_widget_set_sensitive(GTK_WIDGET(self->start_button), !busy && !self->flashed);
	gtk_widget_set_sensitive(GTK_WIDGET(self->backup_check), !busy);
	gtk_widget_set_sensitive(GTK_WIDGET(self->backup_folder_button), !busy);
	gtk_widget_set_sensitive(GTK_WIDGET(self->wipe_config_check), !busy);
}

static void
ub_page_flash_progress_changed_cb(UbProgress *progress, guint percentage, guint status,
				  const char *name, gpointer user_data)
{
	UbPageFlash *self = UB_PAGE_FLASH(user_data);
	g_autofree char *percent = g_strdup_printf("%u %%", percentage);
	g_autofree char *rate = NULL;
	g_autofree char *left = NULL;
	guint64 bytes_per_second = ub_progress_get_rate(progress);

	/* coalesced updates can arrive after the job has finished: the result has the last word */
	if (!ub_page_get_busy(UB_PAGE(self)))
		return;
	gtk_progress_bar_set_fraction(self->progress_bar, percentage / 100.0);
	gtk_progress_bar_set_text(self->progress_bar, percent);
	gtk_label_set_text(self->stage_label, ub_hint_status((UbStatus)status));
	if (bytes_per_second > 0)
		rate = ub_hint_rate(bytes_per_second);
	gtk_label_set_text(self->rate_label, rate != NULL ? rate : "");
	left = ub_hint_time_left(ub_progress_get_eta(progress));
	gtk_label_set_text(self->time_left_label, left != NULL ? left : "");
}

static void
ub_page_flash_finished_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(UbPageFlash) self = UB_PAGE_FLASH(user_data);
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	UbFlashJob *job = UB_FLASH_JOB(source);
	g_autoptr(GError) error = NULL;
	gboolean ok = ub_flash_job_run_finish(job, result, &error);
	const char *stage = ub_hint_flash_stage(ub_flash_job_get_stage(job));

	if (ub_flash_job_get_backup_path(job) != NULL)
		ub_session_set_backup_path(session, ub_flash_job_get_backup_path(job));
	self->flashed = ok;
	ub_page_end_work(UB_PAGE(self));
	gtk_label_set_text(self->rate_label, "");
	gtk_label_set_text(self->time_left_label, "");
	if (!ok) {
		ub_session_log(session, "flash: %s (stage %s)", error->message,
			       ub_flash_job_stage_to_string(ub_flash_job_get_stage(job)));
		gtk_label_set_text(self->stage_state_label, stage);
		gtk_widget_show(GTK_WIDGET(self->stage_state_label));
		ub_error_view_set_error(self->error_view, error, ub_session_get_log(session));
	} else {
		ub_session_log(session, "flash: done, verified");
		/* progress reaches us coalesced and may trail the result: the job is complete */
		gtk_progress_bar_set_fraction(self->progress_bar, 1.0);
		gtk_progress_bar_set_text(self->progress_bar, "100 %");
		gtk_widget_hide(GTK_WIDGET(self->stage_state_label));
		gtk_widget_show(self->done_label);
	}
	ub_page_notify_complete(UB_PAGE(self));
}

static void
ub_page_flash_run(UbPageFlash *self, UbImage *image)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	UbFlashJobFlags flags = UB_FLASH_JOB_FLAG_NONE;
	g_autofree char *folder = gtk_file_chooser_get_filename(self->backup_folder_button);
	GSettings *settings = ub_session_get_settings(session);

	g_clear_object(&self->job);
	self->job = ub_flash_job_new(ub_session_get_device(session), UB_FLASH_JOB_KIND_FLASH);
	if (!gtk_toggle_button_get_active(self->backup_check))
		flags |= UB_FLASH_JOB_FLAG_NO_BACKUP;
	if (gtk_toggle_button_get_active(self->wipe_config_check))
		flags |= UB_FLASH_JOB_FLAG_WIPE_CONFIG;
	ub_flash_job_set_flags(self->job, flags);
	ub_flash_job_set_image(self->job, image);
	if (folder != NULL) {
		ub_flash_job_set_backup_dir(self->job, folder);
		if (settings != NULL)
			g_settings_set_string(settings, "backup-folder", folder);
	}
	ub_session_log(session, "flash: start (backup %s, settings %s)",
		       (flags & UB_FLASH_JOB_FLAG_NO_BACKUP) ? "skipped" : "on",
		       (flags & UB_FLASH_JOB_FLAG_WIPE_CONFIG) ? "erased" : "kept");
	ub_progress_reset(self->progress);
	ub_flash_job_run_async(self->job, self->progress, ub_page_get_cancellable(UB_PAGE(self)),
			       ub_page_flash_finished_cb, g_object_ref(self));
}


static void
ub_page_flash_image_loaded_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(UbPageFlash) self = UB_PAGE_FLASH(user_data);
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	g_autoptr(GError) error = NULL;
	g_autoptr(UbImage) image = ub_firmware_load_image_finish(result, &error);

	if (image == NULL) {
		ub_page_end_work(UB_PAGE(self));
		ub_error_view_set_error(self->error_view, error, ub_session_get_log(session));
		return;
	}
	ub_session_set_firmware_image(session, image);
	ub_page_flash_run(self, image);
}

static void
ub_page_flash_start_clicked_cb(UbPageFlash *self)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	UbFirmwareInfo *firmware = ub_session_get_firmware(session);
	UbImage *image = ub_session_get_firmware_image(session);
	GCancellable *cancellable;

	if (ub_page_get_busy(UB_PAGE(self)) || firmware == NULL ||
	    ub_session_get_device(session) == NULL)
		return;
	ub_error_view_clear(self->error_view);
	gtk_widget_hide(GTK_WIDGET(self->stage_state_label));
	cancellable = ub_page_begin_work(UB_PAGE(self));
	if (image != NULL) {
		ub_page_flash_run(self, image);
		return;
	}
	ub_firmware_load_image_async(ub_firmware_info_get_filename(firmware), cancellable,
				     ub_page_flash_image_loaded_cb, g_object_ref(self));
}

static void
ub_page_flash_enter(UbPage *page)
{
	UbPageFlash *self = UB_PAGE_FLASH(page);
	UbSession *session = ub_page_get_session(page);
	GSettings *settings = ub_session_get_settings(session);
	g_autofree char *folder = NULL;
	UbFirmwareInfo *firmware;
	UbTargetInfo *target;

	firmware = ub_session_get_firmware(session);
	target = ub_session_get_target_info(session);
	if (firmware != NULL) {
		g_autofree char *name = g_path_get_basename(ub_firmware_info_get_filename(firmware));

		gtk_label_set_text(self->firmware_value, name);
	} else {
		gtk_label_set_text(self->firmware_value, self->no_firmware);
	}
	if (target != NULL) {
		g_autofree char *chip = g_strdup_printf(
		    "%s · UID %s",
		    ub_target_info_get_chip_name(target) != NULL
			? ub_target_info_get_chip_name(target)
			: "?",
		    ub_target_info_get_uid(target) != NULL ? ub_target_info_get_uid(target) : "?");

		gtk_label_set_text(self->chip_value, chip);
	} else {
		gtk_label_set_text(self->chip_value, self->no_chip);
	}
	/* nothing to write, or nowhere to write it: the button would do nothing */
	gtk_widget_set_sensitive(GTK_WIDGET(self->start_button),
				 !self->flashed && firmware != NULL &&
				     ub_session_get_device(session) != NULL);
	if (settings != NULL)
		folder = g_settings_get_string(settings, "backup-folder");
	if (folder == NULL || folder[0] == '\0') {
		g_free(folder);
		folder = ub_flash_backup_get_default_dir();
	}
	/* the chooser only shows folders that exist */
	if (g_mkdir_with_parents(folder, 0700) == 0)
		gtk_file_chooser_set_filename(self->backup_folder_button, folder);
}

static gboolean
ub_page_flash_is_complete(UbPage *page)
{
	UbPageFlash *self = UB_PAGE_FLASH(page);

	return self->flashed;
}

static void
ub_page_flash_dispose(GObject *object)
{
	UbPageFlash *self = UB_PAGE_FLASH(object);

	g_clear_object(&self->job);
	g_clear_object(&self->progress);
	g_clear_pointer(&self->no_firmware, g_free);
	g_clear_pointer(&self->no_chip, g_free);
	G_OBJECT_CLASS(ub_page_flash_parent_class)->dispose(object);
}

static void
ub_page_flash_class_init(UbPageFlashClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
	UbPageClass *page_class = UB_PAGE_CLASS(klass);

	object_class->dispose = ub_page_flash_dispose;
	page_class->enter = ub_page_flash_enter;
	page_class->is_complete = ub_page_flash_is_complete;
	page_class->busy_changed = ub_page_flash_busy_changed;

	g_type_ensure(UB_TYPE_ERROR_VIEW);
	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-page-flash.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, firmware_value);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, chip_value);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, backup_check);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, backup_folder_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, wipe_config_check);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, start_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, stage_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, progress_bar);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, rate_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, time_left_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, stage_state_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, done_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, error_view);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_flash_start_clicked_cb);
}

static void
ub_page_flash_init(UbPageFlash *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	self->no_firmware = g_strdup(gtk_label_get_text(self->firmware_value));
	self->no_chip = g_strdup(gtk_label_get_text(self->chip_value));
	/* created here so "changed" arrives in the main context of the window */
	self->progress = ub_progress_new();
	g_signal_connect_object(self->progress, "changed",
				G_CALLBACK(ub_page_flash_progress_changed_cb), self, 0);
}

GtkButton *
ub_page_flash_get_start_button(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FLASH(page), NULL);
	return UB_PAGE_FLASH(page)->start_button;
}

GtkProgressBar *
ub_page_flash_get_progress_bar(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FLASH(page), NULL);
	return UB_PAGE_FLASH(page)->progress_bar;
}

GtkLabel *
ub_page_flash_get_stage_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FLASH(page), NULL);
	return UB_PAGE_FLASH(page)->stage_label;
}

GtkLabel *
ub_page_flash_get_stage_state_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FLASH(page), NULL);
	return UB_PAGE_FLASH(page)->stage_state_label;
}

UbErrorView *
ub_page_flash_get_error_view(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FLASH(page), NULL);
	return UB_PAGE_FLASH(page)->error_view;
}
