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
	GtkWidget *interrupted_box;
	GtkLabel *interrupted_label;
	GtkButton *finish_button;
	GtkButton *original_button;
	GtkLabel *restore_value;
	GtkButton *restore_choose_button;
	GtkButton *restore_button;
	char *no_restore; /* the template's words for "no backup of this chip" */
	char *restore_path; /* the backup Restore writes back: proposed, or chosen */
	char *restore_folder; /* the backup folder as enter() set it */
	UbFlashJournal *journal; /* an interrupted job left for the connected chip, or NULL */
	GCancellable *lookup;    /* the backup and journal lookup running for enter() */
	GtkWidget *consent_dialog;
	UbProgress *progress;
	UbFlashJob *job;
	/* how the running job was started, to run it again with consent */
	UbFlashJobKind job_kind;
	UbFlashJobFlags job_flags;
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
	gtk_widget_set_sensitive(GTK_WIDGET(self->finish_button), !busy);
	gtk_widget_set_sensitive(GTK_WIDGET(self->original_button), !busy);
	gtk_widget_set_sensitive(GTK_WIDGET(self->restore_choose_button), !busy);
	gtk_widget_set_sensitive(GTK_WIDGET(self->restore_button),
				 !busy && self->restore_path != NULL);
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

static void ub_page_flash_run(UbPageFlash *self, UbFlashJobKind kind, UbImage *image,
			      const char *backup, UbFlashJobFlags flags);
static void ub_page_flash_refresh(UbPageFlash *self);

/* the person agreed to write another board's backup, or firmware for other hardware */
static void
ub_page_flash_consent_response_cb(GtkDialog *dialog, gint response, gpointer user_data)
{
	UbPageFlash *self = UB_PAGE_FLASH(user_data);
	UbFlashJobFlags flags = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(dialog), "flags"));

	gtk_widget_destroy(GTK_WIDGET(dialog));
	self->consent_dialog = NULL;
	if (response != GTK_RESPONSE_ACCEPT || self->job == NULL)
		return;
	ub_error_view_clear(self->error_view);
	gtk_widget_hide(GTK_WIDGET(self->stage_state_label));
	ub_page_begin_work(UB_PAGE(self));
	ub_page_flash_run(self, self->job_kind, NULL, ub_flash_job_get_restore_source(self->job),
			  self->job_flags | flags);
}

/* a refusal a person may overrule: ask, plainly, naming both sides (the core's words) */
static gboolean
ub_page_flash_ask_consent(UbPageFlash *self, const GError *error)
{
	GtkWidget *toplevel = gtk_widget_get_toplevel(GTK_WIDGET(self));
	const char *primary;
	UbFlashJobFlags flags;

	if (g_error_matches(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_OTHER_CHIP) &&
	    self->job_kind == UB_FLASH_JOB_KIND_RESTORE) {
		primary = _("This backup was taken from another board. Write it onto this one?");
		flags = UB_FLASH_JOB_FLAG_OTHER_CHIP;
	} else if (g_error_matches(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_WRONG_HARDWARE) &&
		   self->job_kind == UB_FLASH_JOB_KIND_RESTORE) {
		primary = _("This backup holds firmware for other hardware. Write it anyway?");
		flags = UB_FLASH_JOB_FLAG_OTHER_HARDWARE;
	} else {
		return FALSE;
	}
	self->consent_dialog = gtk_message_dialog_new(
	    GTK_IS_WINDOW(toplevel) ? GTK_WINDOW(toplevel) : NULL,
	    GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_QUESTION,
	    GTK_BUTTONS_NONE, "%s", primary);
	gtk_message_dialog_format_secondary_text(
	    GTK_MESSAGE_DIALOG(self->consent_dialog),
	    /* TRANSLATORS: %s is the technical reason, e.g. "the backup was taken from the chip
	     * 1A2B…, this chip is 3C4D…" */
	    _("%s. It replaces this board's firmware and settings; what is on the chip now is "
	      "backed up first."),
	    error->message);
	gtk_dialog_add_buttons(GTK_DIALOG(self->consent_dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
			       _("_Restore anyway"), GTK_RESPONSE_ACCEPT, NULL);
	gtk_dialog_set_default_response(GTK_DIALOG(self->consent_dialog), GTK_RESPONSE_CANCEL);
	g_object_set_data(G_OBJECT(self->consent_dialog), "flags", GUINT_TO_POINTER(flags));
	g_signal_connect(self->consent_dialog, "response",
			 G_CALLBACK(ub_page_flash_consent_response_cb), self);
	gtk_widget_show(self->consent_dialog);
	return TRUE;
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
		g_autofree char *known = ub_flash_job_describe_chip(job);
		/* what is known of the chip, in the job's own words, under the plain sentence */
		g_autofree char *state = g_strdup_printf("%s\n%s", stage, known);

		ub_session_log(session, "flash: %s (stage %s)", error->message,
			       ub_flash_job_stage_to_string(ub_flash_job_get_stage(job)));
		gtk_label_set_text(self->stage_state_label, state);
		gtk_widget_show(GTK_WIDGET(self->stage_state_label));
		ub_error_view_set_error(self->error_view, error, ub_session_get_log(session));
		ub_page_flash_refresh(self);
		if (ub_page_flash_ask_consent(self, error))
			return;
	} else {
		ub_session_log(session, "flash: done, verified");
		/* progress reaches us coalesced and may trail the result: the job is complete,
		 * and the last stage's name ("Checking what was written") is no longer true */
		gtk_progress_bar_set_fraction(self->progress_bar, 1.0);
		gtk_progress_bar_set_text(self->progress_bar, "100 %");
		gtk_widget_hide(GTK_WIDGET(self->stage_label));
		gtk_widget_hide(GTK_WIDGET(self->stage_state_label));
		gtk_widget_hide(self->interrupted_box);
		gtk_widget_show(self->done_label);
		/* the backup this job just saved is now this chip's last complete one */
		ub_page_flash_refresh(self);
	}
	ub_page_notify_complete(UB_PAGE(self));
}

static char *
ub_page_flash_folder(UbPageFlash *self)
{
	g_autofree char *folder = gtk_file_chooser_get_filename(self->backup_folder_button);

	if (folder != NULL)
		return g_steal_pointer(&folder);
	if (self->restore_folder != NULL)
		return g_strdup(self->restore_folder);
	return ub_flash_backup_get_default_dir();
}

/* @backup: RESTORE's backup (NULL: the last complete one of this chip) */
static void
ub_page_flash_run(UbPageFlash *self, UbFlashJobKind kind, UbImage *image, const char *backup,
		  UbFlashJobFlags flags)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	g_autofree char *folder = gtk_file_chooser_get_filename(self->backup_folder_button);
	g_autofree char *source = g_strdup(backup);
	GSettings *settings = ub_session_get_settings(session);
	UbBoard *board = ub_session_get_board(session);

	g_clear_object(&self->job);
	self->job_kind = kind;
	self->job_flags = flags;
	self->job = ub_flash_job_new(ub_session_get_device(session), kind);
	if (!gtk_toggle_button_get_active(self->backup_check))
		flags |= UB_FLASH_JOB_FLAG_NO_BACKUP;
	if (gtk_toggle_button_get_active(self->wipe_config_check))
		flags |= UB_FLASH_JOB_FLAG_WIPE_CONFIG;
	ub_flash_job_set_flags(self->job, flags);
	if (image != NULL)
		ub_flash_job_set_image(self->job, image);
	if (source != NULL)
		ub_flash_job_set_backup_file(self->job, source);
	/* the same hardware guard for firmware and for backups: the board chosen on Welcome */
	if (board != NULL)
		ub_flash_job_set_board_hw_names(self->job, ub_board_get_hw_names(board));
	if (folder != NULL) {
		ub_flash_job_set_backup_dir(self->job, folder);
		if (settings != NULL)
			g_settings_set_string(settings, "backup-folder", folder);
	}
	ub_session_log(session, "%s: start (backup %s, settings %s%s%s)",
		       ub_flash_job_kind_to_string(kind),
		       (flags & UB_FLASH_JOB_FLAG_NO_BACKUP) ? "skipped" : "on",
		       (flags & UB_FLASH_JOB_FLAG_WIPE_CONFIG) ? "erased" : "kept",
		       source != NULL ? ", from " : "", source != NULL ? source : "");
	ub_progress_reset(self->progress);
	ub_flash_job_run_async(self->job, self->progress, ub_page_get_cancellable(UB_PAGE(self)),
			       ub_page_flash_finished_cb, g_object_ref(self));
}

/* ---- what this chip has: an interrupted job, the backup restore proposes ---- */

typedef struct {
	char *uid;
	char *folder;
	UbFlashJournal *journal;
	UbFlashBackup *backup;
	/* what firmware the backup holds: it hashes the image, so the thread says it */
	char *firmware;
} UbPageFlashLookup;

static void
ub_page_flash_lookup_free(UbPageFlashLookup *lookup)
{
	g_free(lookup->uid);
	g_free(lookup->folder);
	g_clear_object(&lookup->journal);
	g_clear_object(&lookup->backup);
	g_free(lookup->firmware);
	g_free(lookup);
}

/* reading backups means hashing them: not on the main thread */
static void
ub_page_flash_lookup_thread(GTask *task, gpointer source, gpointer task_data,
			    GCancellable *cancellable)
{
	UbPageFlashLookup *lookup = task_data;

	lookup->journal = ub_flash_journal_find(NULL, lookup->uid);
	if (lookup->journal != NULL && (!ub_flash_journal_get_chip_changed(lookup->journal) ||
					ub_flash_journal_is_running(lookup->journal)))
		g_clear_object(&lookup->journal);
	lookup->backup = ub_flash_backup_find_last_complete(lookup->folder, lookup->uid, NULL);
	if (lookup->backup != NULL)
		lookup->firmware = ub_flash_backup_describe_firmware(lookup->backup);
	g_task_return_boolean(task, TRUE);
}

static void
ub_page_flash_lookup_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	UbPageFlash *self = UB_PAGE_FLASH(source);
	UbPageFlashLookup *lookup = g_task_get_task_data(G_TASK(result));

	if (!g_task_propagate_boolean(G_TASK(result), NULL))
		return;
	g_set_object(&self->journal, lookup->journal);
	if (self->journal != NULL) {
		g_autofree char *what = ub_flash_journal_describe_job(self->journal);
		g_autofree char *chip = ub_flash_journal_describe_chip(self->journal);
		/* TRANSLATORS: %1$s names the job ("flash of demo.bin on chip …, started …"),
		 * %2$s what is known of the chip (from the job's journal, in English) */
		g_autofree char *text = g_strdup_printf(
		    _("This chip was left half done by an interrupted %1$s. What is known of it: "
		      "%2$s."),
		    what, chip);
		gtk_label_set_text(self->interrupted_label, text);
		gtk_widget_set_visible(GTK_WIDGET(self->original_button),
				       ub_flash_journal_get_original_backup(self->journal) != NULL);
		gtk_widget_show(self->interrupted_box);
	} else {
		gtk_widget_hide(self->interrupted_box);
	}
	/* a backup the person chose stays chosen */
	if (lookup->backup != NULL && g_object_get_data(G_OBJECT(self), "chosen") == NULL) {
		g_autofree char *name = g_path_get_basename(ub_flash_backup_get_path(lookup->backup));
		g_autoptr(GDateTime) local =
		    g_date_time_to_local(ub_flash_backup_get_created(lookup->backup));
		g_autofree char *when = g_date_time_format(local, "%x %X");
		g_autofree char *text =
		    g_strdup_printf("%s (%s, %s)", name, when, lookup->firmware);

		g_free(self->restore_path);
		self->restore_path = g_strdup(ub_flash_backup_get_path(lookup->backup));
		gtk_label_set_text(self->restore_value, text);
		/* the name is cut in the middle when the window is narrow: whole on hover */
		gtk_widget_set_tooltip_text(GTK_WIDGET(self->restore_value), self->restore_path);
	} else if (g_object_get_data(G_OBJECT(self), "chosen") == NULL) {
		g_clear_pointer(&self->restore_path, g_free);
		gtk_label_set_text(self->restore_value, self->no_restore);
		gtk_widget_set_tooltip_text(GTK_WIDGET(self->restore_value), NULL);
	}
	gtk_widget_set_sensitive(GTK_WIDGET(self->restore_button),
				 self->restore_path != NULL && !ub_page_get_busy(UB_PAGE(self)));
}

static void
ub_page_flash_refresh(UbPageFlash *self)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	UbTargetInfo *target = ub_session_get_target_info(session);
	UbPageFlashLookup *lookup;
	g_autoptr(GTask) task = NULL;

	if (target == NULL || ub_target_info_get_uid(target) == NULL)
		return;
	g_cancellable_cancel(self->lookup);
	g_clear_object(&self->lookup);
	self->lookup = g_cancellable_new();
	lookup = g_new0(UbPageFlashLookup, 1);
	lookup->uid = g_strdup(ub_target_info_get_uid(target));
	lookup->folder = ub_page_flash_folder(self);
	task = g_task_new(self, self->lookup, ub_page_flash_lookup_done_cb, NULL);
	g_task_set_source_tag(task, ub_page_flash_refresh);
	g_task_set_task_data(task, lookup, (GDestroyNotify)ub_page_flash_lookup_free);
	g_task_run_in_thread(task, ub_page_flash_lookup_thread);
}

static void
ub_page_flash_resume_image_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(UbPageFlash) self = UB_PAGE_FLASH(user_data);
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	g_autoptr(GError) error = NULL;
	g_autoptr(UbImage) image = ub_firmware_load_image_finish(result, &error);
	g_autofree char *sha256 = NULL;

	if (image != NULL && self->journal != NULL) {
		/* the same image, byte for byte, or nothing: the file may have changed since */
		sha256 = ub_flash_journal_image_sha256(image);
		if (g_strcmp0(sha256, ub_flash_journal_get_image_sha256(self->journal)) != 0) {
			g_clear_object(&image);
			g_set_error(&error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
				    "%s changed since the interrupted flash",
				    ub_flash_journal_get_image_path(self->journal));
		}
	}
	if (image == NULL || self->journal == NULL) {
		ub_page_end_work(UB_PAGE(self));
		if (error != NULL)
			ub_error_view_set_error(self->error_view, error,
						ub_session_get_log(session));
		return;
	}
	ub_page_flash_run(self, UB_FLASH_JOB_KIND_FLASH, image, NULL,
			  ub_flash_job_flags_from_journal(self->journal));
}

/* "Finish the interrupted job": the same job, the same inputs */
static void
ub_page_flash_finish_clicked_cb(UbPageFlash *self)
{
	const char *job;
	GCancellable *cancellable;

	if (self->journal == NULL || ub_page_get_busy(UB_PAGE(self)))
		return;
	job = ub_flash_journal_get_job(self->journal);
	ub_error_view_clear(self->error_view);
	gtk_widget_hide(GTK_WIDGET(self->stage_state_label));
	cancellable = ub_page_begin_work(UB_PAGE(self));
	if (g_strcmp0(job, "flash") == 0 && ub_flash_journal_get_image_path(self->journal) != NULL) {
		ub_firmware_load_image_async(ub_flash_journal_get_image_path(self->journal),
					     cancellable, ub_page_flash_resume_image_cb,
					     g_object_ref(self));
	} else if (g_strcmp0(job, "restore") == 0) {
		ub_page_flash_run(self, UB_FLASH_JOB_KIND_RESTORE, NULL,
				  ub_flash_journal_get_source_backup(self->journal),
				  ub_flash_job_flags_from_journal(self->journal));
	} else if (g_strcmp0(job, "erase") == 0) {
		ub_page_flash_run(self, UB_FLASH_JOB_KIND_ERASE, NULL, NULL,
				  ub_flash_job_flags_from_journal(self->journal));
	} else if (g_strcmp0(job, "unlock") == 0) {
		ub_page_flash_run(self, UB_FLASH_JOB_KIND_UNLOCK, NULL, NULL,
				  ub_flash_job_flags_from_journal(self->journal));
	} else {
		g_autoptr(GError) error = g_error_new(UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
						      "the interrupted %s cannot be run again",
						      job);
		ub_page_end_work(UB_PAGE(self));
		ub_error_view_set_error(self->error_view, error,
					ub_session_get_log(ub_page_get_session(UB_PAGE(self))));
	}
}

/* "Put the original back": the backup the interrupted job took before it changed anything */
static void
ub_page_flash_original_clicked_cb(UbPageFlash *self)
{
	const char *original;

	if (self->journal == NULL || ub_page_get_busy(UB_PAGE(self)))
		return;
	original = ub_flash_journal_get_original_backup(self->journal);
	if (original == NULL)
		return;
	ub_error_view_clear(self->error_view);
	gtk_widget_hide(GTK_WIDGET(self->stage_state_label));
	ub_page_begin_work(UB_PAGE(self));
	/* the settings sectors too: the original had its own */
	ub_page_flash_run(self, UB_FLASH_JOB_KIND_RESTORE, NULL, original,
			  UB_FLASH_JOB_FLAG_WIPE_CONFIG);
}

static void
ub_page_flash_restore_clicked_cb(UbPageFlash *self)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));

	if (self->restore_path == NULL || ub_page_get_busy(UB_PAGE(self)) ||
	    ub_session_get_device(session) == NULL)
		return;
	ub_error_view_clear(self->error_view);
	gtk_widget_hide(GTK_WIDGET(self->stage_state_label));
	ub_page_begin_work(UB_PAGE(self));
	ub_page_flash_run(self, UB_FLASH_JOB_KIND_RESTORE, NULL, self->restore_path,
			  UB_FLASH_JOB_FLAG_NONE);
}

static void
ub_page_flash_chooser_response_cb(GtkNativeDialog *chooser, gint response, gpointer user_data)
{
	UbPageFlash *self = UB_PAGE_FLASH(user_data);
	g_autofree char *path = NULL;

	if (response == GTK_RESPONSE_ACCEPT)
		path = gtk_file_chooser_get_filename(GTK_FILE_CHOOSER(chooser));
	g_object_unref(chooser);
	if (path == NULL)
		return;
	ub_page_flash_set_restore_path(GTK_WIDGET(self), path);
}

static void
ub_page_flash_restore_choose_clicked_cb(UbPageFlash *self)
{
	GtkWidget *toplevel = gtk_widget_get_toplevel(GTK_WIDGET(self));
	GtkFileChooserNative *chooser;
	GtkFileFilter *filter = gtk_file_filter_new();
	g_autofree char *folder = ub_page_flash_folder(self);

	chooser = gtk_file_chooser_native_new(_("Choose a backup to put back"),
					      GTK_IS_WINDOW(toplevel) ? GTK_WINDOW(toplevel) : NULL,
					      GTK_FILE_CHOOSER_ACTION_OPEN, NULL, NULL);
	/* TRANSLATORS: a file type in the file chooser */
	gtk_file_filter_set_name(filter, _("unbrick backups"));
	gtk_file_filter_add_pattern(filter, "*.bin");
	gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(chooser), filter);
	gtk_file_chooser_set_current_folder(GTK_FILE_CHOOSER(chooser), folder);
	g_signal_connect(chooser, "response", G_CALLBACK(ub_page_flash_chooser_response_cb), self);
	gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
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
	ub_page_flash_run(self, UB_FLASH_JOB_KIND_FLASH, image, NULL, UB_FLASH_JOB_FLAG_NONE);
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
	gtk_widget_show(GTK_WIDGET(self->stage_label));
	cancellable = ub_page_begin_work(UB_PAGE(self));
	if (image != NULL) {
		ub_page_flash_run(self, UB_FLASH_JOB_KIND_FLASH, image, NULL,
				  UB_FLASH_JOB_FLAG_NONE);
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
	/* (a file chooser button learns its folder in an idle: look where it was told) */
	g_free(self->restore_folder);
	self->restore_folder = g_steal_pointer(&folder);
	ub_page_flash_refresh(self);
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
	g_clear_pointer(&self->no_restore, g_free);
	g_clear_pointer(&self->restore_path, g_free);
	g_clear_pointer(&self->restore_folder, g_free);
	g_clear_object(&self->journal);
	g_cancellable_cancel(self->lookup);
	g_clear_object(&self->lookup);
	g_clear_pointer(&self->consent_dialog, gtk_widget_destroy);
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
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, interrupted_box);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, interrupted_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, finish_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, original_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, restore_value);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, restore_choose_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageFlash, restore_button);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_flash_start_clicked_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_flash_finish_clicked_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_flash_original_clicked_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_flash_restore_clicked_cb);
	gtk_widget_class_bind_template_callback(widget_class,
						ub_page_flash_restore_choose_clicked_cb);
}

static void
ub_page_flash_init(UbPageFlash *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	self->no_firmware = g_strdup(gtk_label_get_text(self->firmware_value));
	self->no_chip = g_strdup(gtk_label_get_text(self->chip_value));
	self->no_restore = g_strdup(gtk_label_get_text(self->restore_value));
	gtk_widget_set_sensitive(GTK_WIDGET(self->restore_button), FALSE);
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

GtkLabel *
ub_page_flash_get_chip_value(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FLASH(page), NULL);
	return UB_PAGE_FLASH(page)->chip_value;
}

UbErrorView *
ub_page_flash_get_error_view(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FLASH(page), NULL);
	return UB_PAGE_FLASH(page)->error_view;
}

/* a backup chosen by the person (the file chooser does this) */
void
ub_page_flash_set_restore_path(GtkWidget *page, const char *path)
{
	UbPageFlash *self;
	g_autofree char *name = NULL;

	g_return_if_fail(UB_IS_PAGE_FLASH(page));
	self = UB_PAGE_FLASH(page);
	g_free(self->restore_path);
	self->restore_path = g_strdup(path);
	g_object_set_data(G_OBJECT(self), "chosen", GINT_TO_POINTER(path != NULL));
	name = path != NULL ? g_path_get_basename(path) : NULL;
	gtk_label_set_text(self->restore_value, name != NULL ? name : self->no_restore);
	gtk_widget_set_tooltip_text(GTK_WIDGET(self->restore_value), path);
	gtk_widget_set_sensitive(GTK_WIDGET(self->restore_button),
				 path != NULL && !ub_page_get_busy(UB_PAGE(self)));
}

GtkButton *
ub_page_flash_get_restore_button(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FLASH(page), NULL);
	return UB_PAGE_FLASH(page)->restore_button;
}

GtkLabel *
ub_page_flash_get_restore_value(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FLASH(page), NULL);
	return UB_PAGE_FLASH(page)->restore_value;
}

GtkWidget *
ub_page_flash_get_interrupted_box(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FLASH(page), NULL);
	return UB_PAGE_FLASH(page)->interrupted_box;
}

GtkButton *
ub_page_flash_get_original_button(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FLASH(page), NULL);
	return UB_PAGE_FLASH(page)->original_button;
}

GtkButton *
ub_page_flash_get_finish_button(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FLASH(page), NULL);
	return UB_PAGE_FLASH(page)->finish_button;
}

/* the consent question on screen, or NULL */
GtkDialog *
ub_page_flash_get_consent_dialog(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FLASH(page), NULL);
	return UB_PAGE_FLASH(page)->consent_dialog != NULL
		   ? GTK_DIALOG(UB_PAGE_FLASH(page)->consent_dialog)
		   : NULL;
}
