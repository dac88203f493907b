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
	GtkBox parent_instance;
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
	UbSession *session;
	GCancellable *cancellable;
	UbProgress *progress;
	UbFlashJob *job;
	guint inhibit_cookie;
	gboolean flashed;
};

enum { PROP_0, PROP_COMPLETE, PROP_BUSY };

static void ub_page_flash_page_init(UbPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(UbPageFlash, ub_page_flash, GTK_TYPE_BOX,
			G_IMPLEMENT_INTERFACE(UB_TYPE_PAGE, ub_page_flash_page_init))

static void
ub_page_flash_set_busy(UbPageFlash *self, gboolean busy)
{
	GtkWidget *toplevel = gtk_widget_get_toplevel(GTK_WIDGET(self));
	GtkApplication *application =
	    GTK_IS_WINDOW(toplevel) ? gtk_window_get_application(GTK_WINDOW(toplevel)) : NULL;

	if (busy) {
		self->cancellable = g_cancellable_new();
		/* a PC that suspended mid-flash bricked a board in the forum thread */
		if (application != NULL)
			self->inhibit_cookie = gtk_application_inhibit(
			    application, GTK_WINDOW(toplevel),
			    GTK_APPLICATION_INHIBIT_LOGOUT | GTK_APPLICATION_INHIBIT_SUSPEND,
			    _("Writing firmware to the board"));
	} else {
		g_clear_object(&self->cancellable);
		if (application != NULL && self->inhibit_cookie != 0)
			gtk_application_uninhibit(application, self->inhibit_cookie);
		self->inhibit_cookie = 0;
	}
	gtk_widget_set_sensitive(GTK_WIDGET(self->start_button), !busy && !self->flashed);
	gtk_widget_set_sensitive(GTK_WIDGET(self->backup_check), !busy);
	gtk_widget_set_sensitive(GTK_WIDGET(self->backup_folder_button), !busy);
	gtk_widget_set_sensitive(GTK_WIDGET(self->wipe_config_check), !busy);
	g_object_notify(G_OBJECT(self), "busy");
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
	if (self->cancellable == NULL)
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
	UbFlashJob *job = UB_FLASH_JOB(source);
	g_autoptr(GError) error = NULL;
	gboolean ok = ub_flash_job_run_finish(job, result, &error);
	const char *stage = ub_hint_flash_stage(ub_flash_job_get_stage(job));

	if (ub_flash_job_get_backup_path(job) != NULL)
		ub_session_set_backup_path(self->session, ub_flash_job_get_backup_path(job));
	self->flashed = ok;
	ub_page_flash_set_busy(self, FALSE);
	gtk_label_set_text(self->rate_label, "");
	gtk_label_set_text(self->time_left_label, "");
	if (!ok) {
		ub_session_log(self->session, "flash: %s (stage %s)", error->message,
			       ub_flash_job_stage_to_string(ub_flash_job_get_stage(job)));
		gtk_label_set_text(self->stage_state_label, stage);
		gtk_widget_show(GTK_WIDGET(self->stage_state_label));
		ub_error_view_set_error(self->error_view, error, ub_session_get_log(self->session));
	} else {
		ub_session_log(self->session, "flash: done, verified");
		/* progress reaches us coalesced and may trail the result: the job is complete */
		gtk_progress_bar_set_fraction(self->progress_bar, 1.0);
		gtk_progress_bar_set_text(self->progress_bar, "100 %");
		gtk_widget_hide(GTK_WIDGET(self->stage_state_label));
		gtk_widget_show(self->done_label);
	}
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_flash_run(UbPageFlash *self, UbImage *image)
{
	UbFlashJobFlags flags = UB_FLASH_JOB_FLAG_NONE;
	g_autofree char *folder = gtk_file_chooser_get_filename(self->backup_folder_button);
	GSettings *settings = ub_session_get_settings(self->session);

	g_clear_object(&self->job);
	self->job = ub_flash_job_new(ub_session_get_device(self->session), UB_FLASH_JOB_KIND_FLASH);
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
	ub_session_log(self->session, "flash: start (backup %s, settings %s)",
		       (flags & UB_FLASH_JOB_FLAG_NO_BACKUP) ? "skipped" : "on",
		       (flags & UB_FLASH_JOB_FLAG_WIPE_CONFIG) ? "erased" : "kept");
	ub_progress_reset(self->progress);
	ub_flash_job_run_async(self->job, self->progress, self->cancellable,
			       ub_page_flash_finished_cb, g_object_ref(self));
}


static void
ub_page_flash_image_loaded_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(UbPageFlash) self = UB_PAGE_FLASH(user_data);
	g_autoptr(GError) error = NULL;
	g_autoptr(UbImage) image = ub_firmware_load_image_finish(result, &error);

	if (image == NULL) {
		ub_page_flash_set_busy(self, FALSE);
		ub_error_view_set_error(self->error_view, error, ub_session_get_log(self->session));
		return;
	}
	ub_session_set_firmware_image(self->session, image);
	ub_page_flash_run(self, image);
}

static void
ub_page_flash_start_clicked_cb(UbPageFlash *self)
{
	UbFirmwareInfo *firmware = ub_session_get_firmware(self->session);
	UbImage *image = ub_session_get_firmware_image(self->session);

	if (self->cancellable != NULL || firmware == NULL ||
	    ub_session_get_device(self->session) == NULL)
		return;
	ub_error_view_clear(self->error_view);
	gtk_widget_hide(GTK_WIDGET(self->stage_state_label));
	ub_page_flash_set_busy(self, TRUE);
	if (image != NULL) {
		ub_page_flash_run(self, image);
		return;
	}
	ub_firmware_load_image_async(ub_firmware_info_get_filename(firmware), self->cancellable,
				     ub_page_flash_image_loaded_cb, g_object_ref(self));
}

static void
ub_page_flash_enter(UbPage *page, UbSession *session)
{
	UbPageFlash *self = UB_PAGE_FLASH(page);
	GSettings *settings = ub_session_get_settings(session);
	g_autofree char *folder = NULL;
	UbFirmwareInfo *firmware;
	UbTargetInfo *target;

	g_set_object(&self->session, session);
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
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_flash_cancel(UbPage *page)
{
	UbPageFlash *self = UB_PAGE_FLASH(page);

	/* the job stops at its next safe point and says what the chip holds */
	if (self->cancellable != NULL)
		g_cancellable_cancel(self->cancellable);
}

static void
ub_page_flash_page_init(UbPageInterface *iface)
{
	iface->enter = ub_page_flash_enter;
	iface->cancel = ub_page_flash_cancel;
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

	if (self->cancellable != NULL)
		g_cancellable_cancel(self->cancellable);
	g_clear_object(&self->cancellable);
	g_clear_object(&self->job);
	g_clear_object(&self->progress);
	g_clear_object(&self->session);
	g_clear_pointer(&self->no_firmware, g_free);
	g_clear_pointer(&self->no_chip, g_free);
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
