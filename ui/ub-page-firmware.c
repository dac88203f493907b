/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error-view.h"
#include "ub-firmware-fetch.h"
#include "ub-firmware-row.h"
#include "ub-firmware-scan.h"
#include "ub-page-firmware.h"
#include "ub-page.h"
#include "ub-window-private.h"

struct _UbPageFirmware {
	UbPage parent_instance;
	GtkFileChooser *folder_button;
	GtkFileChooser *file_button;
	GtkListBox *firmware_list;
	GtkWidget *searching_box;
	GtkWidget *none_found_label;
	GtkWidget *unchecked_note;
	UbErrorView *error_view;
	GtkToggleButton *override_check;
	GtkWidget *download_button;
	GtkWidget *hw_box;
	GtkComboBoxText *hw_combo;
	GtkProgressBar *download_progress;
	GtkWidget *downloaded_label;
	GtkWidget *stopped_label;
	char *hw_board_id; /* the board whose names the hardware-version choice lists */
	GCancellable *scan_cancellable; /* looking at files: not "busy", Back stays offered */
	GPtrArray *infos; /* of UbFirmwareInfo: the last scan, rows are rebuilt from it */
	GPtrArray *downloads; /* of UbFirmwareInfo: downloaded here; stay when a scan replaces
				 the rest */
	char *rows_board_id; /* the board the rows were checked against */
};

G_DEFINE_TYPE(UbPageFirmware, ub_page_firmware, UB_TYPE_PAGE)

static UbFirmwareRow *
ub_page_firmware_get_selected(UbPageFirmware *self)
{
	GtkListBoxRow *row = gtk_list_box_get_selected_row(self->firmware_list);

	return row != NULL ? UB_FIRMWARE_ROW(row) : NULL;
}

static gboolean
ub_page_firmware_is_complete(UbPageFirmware *self)
{
	UbFirmwareRow *row = ub_page_firmware_get_selected(self);

	if (row == NULL)
		return FALSE;
	switch (ub_firmware_row_get_fit(row)) {
	case UB_FIRMWARE_FIT_YES:
	case UB_FIRMWARE_FIT_UNCHECKED:
		return TRUE;
	case UB_FIRMWARE_FIT_NO:
		/* wrong firmware burns boards: only with the explicit override */
		return gtk_toggle_button_get_active(self->override_check);
	case UB_FIRMWARE_FIT_BOOTLOADER:
	default:
		return FALSE;
	}
}

static void
ub_page_firmware_update_session(UbPageFirmware *self)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	UbFirmwareRow *row = ub_page_firmware_get_selected(self);

	if (session == NULL)
		return;
	if (row != NULL && ub_page_firmware_is_complete(self)) {
		UbFirmwareInfo *info = ub_firmware_row_get_info(row);

		ub_session_set_firmware(session, info,
					ub_firmware_row_get_fit(row) == UB_FIRMWARE_FIT_NO);
		ub_session_set_firmware_image(session, ub_firmware_scan_get_image(info));
	} else
		ub_session_set_firmware(session, NULL, FALSE);
	ub_page_notify_complete(UB_PAGE(self));
}

static void
ub_page_firmware_row_selected_cb(UbPageFirmware *self, GtkListBoxRow *list_row)
{
	UbFirmwareRow *row = list_row != NULL ? UB_FIRMWARE_ROW(list_row) : NULL;
	gboolean mismatch = row != NULL && ub_firmware_row_get_fit(row) == UB_FIRMWARE_FIT_NO;

	gtk_toggle_button_set_active(self->override_check, FALSE);
	gtk_widget_set_visible(GTK_WIDGET(self->override_check), mismatch);
	gtk_widget_set_visible(self->unchecked_note,
			       row != NULL &&
				   ub_firmware_row_get_fit(row) == UB_FIRMWARE_FIT_UNCHECKED);
	if (mismatch)
		ub_error_view_set_error(self->error_view, ub_firmware_row_get_mismatch(row),
					ub_session_get_log(ub_page_get_session(UB_PAGE(self))));
	else
		ub_error_view_clear(self->error_view);
	ub_page_firmware_update_session(self);
}

static void
ub_page_firmware_override_toggled_cb(UbPageFirmware *self)
{
	ub_page_firmware_update_session(self);
}

static gint
ub_page_firmware_sort_cb(GtkListBoxRow *row_a, GtkListBoxRow *row_b, gpointer user_data)
{
	UbFirmwareRow *a = UB_FIRMWARE_ROW(row_a);
	UbFirmwareRow *b = UB_FIRMWARE_ROW(row_b);
	guint major_a = 0, minor_a = 0, major_b = 0, minor_b = 0;

	/* what fits first, then the newest version */
	if (ub_firmware_row_get_fit(a) != ub_firmware_row_get_fit(b))
		return (gint)ub_firmware_row_get_fit(a) - (gint)ub_firmware_row_get_fit(b);
	ub_firmware_info_get_version(ub_firmware_row_get_info(a), &major_a, &minor_a);
	ub_firmware_info_get_version(ub_firmware_row_get_info(b), &major_b, &minor_b);
	if (major_a != major_b)
		return major_a > major_b ? -1 : 1;
	if (minor_a != minor_b)
		return minor_a > minor_b ? -1 : 1;
	return g_strcmp0(ub_firmware_info_get_filename(ub_firmware_row_get_info(a)),
			 ub_firmware_info_get_filename(ub_firmware_row_get_info(b)));
}

static void
ub_page_firmware_rebuild_rows(UbPageFirmware *self)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	UbBoard *board = ub_session_get_board(session);
	const char *const *hw_names = board != NULL ? ub_board_get_hw_names(board) : NULL;
	GtkListBoxRow *first;
	g_autoptr(GList) children = gtk_container_get_children(GTK_CONTAINER(self->firmware_list));

	for (GList *l = children; l != NULL; l = l->next)
		gtk_widget_destroy(GTK_WIDGET(l->data));
	for (guint i = 0; self->infos != NULL && i < self->infos->len; i++) {
		GtkWidget *row = ub_firmware_row_new(g_ptr_array_index(self->infos, i), hw_names);

		gtk_widget_show(row);
		gtk_container_add(GTK_CONTAINER(self->firmware_list), row);
	}
	for (guint i = 0; i < self->downloads->len; i++) {
		GtkWidget *row =
		    ub_firmware_row_new(g_ptr_array_index(self->downloads, i), hw_names);

		gtk_widget_show(row);
		gtk_container_add(GTK_CONTAINER(self->firmware_list), row);
	}
	g_free(self->rows_board_id);
	self->rows_board_id = g_strdup(ub_session_get_board_id(session));

	/* offer the best candidate, but never preselect one that does not fit */
	first = gtk_list_box_get_row_at_index(self->firmware_list, 0);
	if (first != NULL && ub_firmware_row_get_fit(UB_FIRMWARE_ROW(first)) == UB_FIRMWARE_FIT_YES)
		gtk_list_box_select_row(self->firmware_list, first);
	else
		ub_page_firmware_row_selected_cb(self, NULL);
}

static void
ub_page_firmware_scan_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(UbPageFirmware) self = UB_PAGE_FIRMWARE(user_data);
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) infos = ub_firmware_scan_finish(result, &error);

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	g_clear_object(&self->scan_cancellable);
	gtk_widget_hide(self->searching_box);
	if (infos == NULL) {
		ub_session_log(session, "firmware: %s", error->message);
		g_clear_pointer(&self->infos, g_ptr_array_unref);
		ub_page_firmware_rebuild_rows(self);
		ub_error_view_set_error(self->error_view, error,
					ub_session_get_log(session));
		return;
	}
	ub_session_log(session, "firmware: %u file(s) identified", infos->len);
	g_clear_pointer(&self->infos, g_ptr_array_unref);
	self->infos = g_steal_pointer(&infos);
	gtk_widget_set_visible(self->none_found_label, self->infos->len == 0);
	ub_page_firmware_rebuild_rows(self);
}

static void
ub_page_firmware_start_scan(UbPageFirmware *self, const char *path, gboolean is_folder)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));

	if (self->scan_cancellable != NULL)
		g_cancellable_cancel(self->scan_cancellable);
	g_clear_object(&self->scan_cancellable);
	self->scan_cancellable = g_cancellable_new();
	ub_error_view_clear(self->error_view);
	gtk_widget_hide(self->none_found_label);
	gtk_widget_show(self->searching_box);
	ub_session_log(session, "firmware: looking at %s", path);
	ub_firmware_scan_async(path, is_folder, ub_session_get_known_hw_names(session),
			       self->scan_cancellable, ub_page_firmware_scan_cb, g_object_ref(self));
}

static void
ub_page_firmware_folder_set_cb(UbPageFirmware *self)
{
	g_autofree char *path = gtk_file_chooser_get_filename(self->folder_button);
	GSettings *settings = ub_session_get_settings(ub_page_get_session(UB_PAGE(self)));

	if (path == NULL)
		return;
	if (settings != NULL)
		g_settings_set_string(settings, "firmware-folder", path);
	ub_page_firmware_start_scan(self, path, TRUE);
}

static void
ub_page_firmware_file_set_cb(UbPageFirmware *self)
{
	g_autofree char *path = gtk_file_chooser_get_filename(self->file_button);

	if (path != NULL)
		ub_page_firmware_start_scan(self, path, FALSE);
}

/* ---- getting the firmware from the VESC firmware archive ---- */

/* the hardware names to fetch for: the version chosen in the list when the board comes in
 * several, else the board's; NULL without a board */
static char **
ub_page_firmware_download_hw_names(UbPageFirmware *self)
{
	UbBoard *board = ub_session_get_board(ub_page_get_session(UB_PAGE(self)));
	const char *chosen = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->hw_combo));

	if (board == NULL)
		return NULL;
	if (gtk_widget_get_visible(self->hw_box) && chosen != NULL) {
		char *names[] = {(char *)chosen, NULL};
		return g_strdupv(names);
	}
	return g_strdupv((char **)ub_board_get_hw_names(board));
}

static void
ub_page_firmware_update_download_button(UbPageFirmware *self)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	gboolean board = session != NULL && ub_session_get_board(session) != NULL;
	gboolean chosen = !gtk_widget_get_visible(self->hw_box) ||
			  gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->hw_combo)) != NULL;

	gtk_widget_set_sensitive(self->download_button,
				 board && chosen && !ub_page_get_busy(UB_PAGE(self)));
}

/* the board comes in several hardware versions with their own builds: the person says which
 * one is printed on it (nothing preselected: a guess could be the wrong firmware) */
static void
ub_page_firmware_offer_hw_choice(UbPageFirmware *self)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	UbBoard *board = ub_session_get_board(session);
	const char *const *names = board != NULL ? ub_board_get_hw_names(board) : NULL;

	gtk_combo_box_text_remove_all(self->hw_combo);
	for (guint i = 0; names != NULL && names[i] != NULL; i++)
		gtk_combo_box_text_append(self->hw_combo, names[i], names[i]);
	g_free(self->hw_board_id);
	self->hw_board_id = g_strdup(ub_session_get_board_id(session));
	gtk_widget_show(self->hw_box);
	gtk_widget_grab_focus(GTK_WIDGET(self->hw_combo));
}

static void
ub_page_firmware_hw_changed_cb(UbPageFirmware *self)
{
	ub_page_firmware_update_download_button(self);
}

static void
ub_page_firmware_select_info(UbPageFirmware *self, UbFirmwareInfo *info)
{
	for (gint i = 0;; i++) {
		GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->firmware_list, i);

		if (row == NULL)
			return;
		if (ub_firmware_row_get_info(UB_FIRMWARE_ROW(row)) == info) {
			gtk_list_box_select_row(self->firmware_list, row);
			return;
		}
	}
}

/* what the person can do without the archive: the folder picker, opened on earlier downloads
 * when there are any */
static void
ub_page_firmware_fall_back_to_folder(UbPageFirmware *self, const char *cache_dir)
{
	if (g_file_test(cache_dir, G_FILE_TEST_IS_DIR))
		gtk_file_chooser_set_filename(self->folder_button, cache_dir);
	/* the chooser button is a box: the focus goes to the button inside it */
	gtk_widget_child_focus(GTK_WIDGET(self->folder_button), GTK_DIR_TAB_FORWARD);
}

static void
ub_page_firmware_download_progress_cb(UbProgress *progress, guint percentage, guint status,
				      const char *step, gpointer user_data)
{
	UbPageFirmware *self = user_data;

	gtk_progress_bar_set_fraction(self->download_progress, MIN(percentage, 100u) / 100.0);
}

static void
ub_page_firmware_download_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(UbPageFirmware) self = UB_PAGE_FIRMWARE(user_data);
	UbFirmwareFetch *fetch = UB_FIRMWARE_FETCH(source);
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	g_autoptr(GError) error = NULL;
	g_autoptr(UbFirmwareEntry) entry = ub_firmware_fetch_run_finish(fetch, result, &error);
	UbFirmwareInfo *info;

	ub_page_end_work(UB_PAGE(self));
	gtk_widget_hide(GTK_WIDGET(self->download_progress));
	ub_page_firmware_update_download_button(self);
	if (entry == NULL) {
		ub_session_log(session, "firmware: download: %s", error->message);
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			gtk_widget_show(self->stopped_label);
			return;
		}
		ub_error_view_set_error(self->error_view, error, ub_session_get_log(session));
		if (g_error_matches(error, UB_DOWNLOAD_ERROR, UB_DOWNLOAD_ERROR_AMBIGUOUS)) {
			ub_page_firmware_offer_hw_choice(self);
			ub_page_firmware_update_download_button(self);
			return;
		}
		ub_page_firmware_fall_back_to_folder(self, ub_firmware_fetch_get_cache_dir(fetch));
		return;
	}
	/* identified on the way in: offered like a file the person chose, beside the others */
	info = ub_firmware_entry_get_info(entry);
	ub_session_log(session, "firmware: downloaded %s (version %s)",
		       ub_firmware_entry_get_path(entry),
		       ub_firmware_entry_get_version_string(entry));
	/* fetched again: the new file replaces the old one's row */
	for (guint i = 0; i < self->downloads->len; i++) {
		UbFirmwareInfo *other = g_ptr_array_index(self->downloads, i);
		if (g_strcmp0(ub_firmware_info_get_filename(other),
			      ub_firmware_info_get_filename(info)) == 0) {
			g_ptr_array_remove_index(self->downloads, i);
			break;
		}
	}
	g_ptr_array_add(self->downloads, g_object_ref(info));
	gtk_widget_hide(self->none_found_label);
	ub_page_firmware_rebuild_rows(self);
	ub_page_firmware_select_info(self, info);
	gtk_widget_show(self->downloaded_label);
}

static void
ub_page_firmware_download_clicked_cb(UbPageFirmware *self)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	GSettings *settings = ub_session_get_settings(session);
	g_auto(GStrv) hw_names = ub_page_firmware_download_hw_names(self);
	g_autofree char *url = NULL;
	g_autoptr(UbFirmwareFetch) fetch = NULL;
	g_autoptr(UbProgress) progress = NULL;
	g_autofree char *joined = NULL;
	GCancellable *cancellable;

	if (hw_names == NULL || hw_names[0] == NULL || ub_page_get_busy(UB_PAGE(self)))
		return;
	if (settings != NULL)
		url = g_settings_get_string(settings, "firmware-archive-url");
	fetch = ub_firmware_fetch_new(url);
	joined = g_strjoinv(", ", hw_names);
	ub_session_log(session, "firmware: downloading for hardware %s from %s", joined,
		       ub_firmware_fetch_get_archive_url(fetch));
	ub_error_view_clear(self->error_view);
	gtk_widget_hide(self->downloaded_label);
	gtk_widget_hide(self->stopped_label);
	gtk_progress_bar_set_fraction(self->download_progress, 0.0);
	gtk_widget_show(GTK_WIDGET(self->download_progress));
	progress = ub_progress_new();
	g_signal_connect_object(progress, "changed",
				G_CALLBACK(ub_page_firmware_download_progress_cb), self, 0);
	cancellable = ub_page_begin_work(UB_PAGE(self));
	ub_page_firmware_update_download_button(self);
	ub_firmware_fetch_run_async(fetch, (const char *const *)hw_names, NULL, NULL, progress,
				    cancellable, ub_page_firmware_download_cb, g_object_ref(self));
}

static void
ub_page_firmware_enter(UbPage *page)
{
	UbPageFirmware *self = UB_PAGE_FIRMWARE(page);
	UbSession *session = ub_page_get_session(page);
	GSettings *settings = ub_session_get_settings(session);

	/* the board may have changed since the rows were checked against it */
	if ((self->infos != NULL || self->downloads->len > 0) &&
	    g_strcmp0(self->rows_board_id, ub_session_get_board_id(session)) != 0)
		ub_page_firmware_rebuild_rows(self);
	/* a hardware-version choice belongs to the board it was offered for */
	if (g_strcmp0(self->hw_board_id, ub_session_get_board_id(session)) != 0)
		gtk_widget_hide(self->hw_box);
	ub_page_firmware_update_download_button(self);
	/* --demo needs nothing from outside: offer the generated image for the board */
	if (ub_session_is_demo(session) && self->infos == NULL && self->scan_cancellable == NULL) {
		UbBoard *board = ub_session_get_board(session);
		const char *const *hw_names = board != NULL ? ub_board_get_hw_names(board) : NULL;

		if (hw_names != NULL && hw_names[0] != NULL) {
			self->scan_cancellable = g_cancellable_new();
			gtk_widget_show(self->searching_box);
			ub_firmware_scan_demo_async(hw_names[0], self->scan_cancellable,
						    ub_page_firmware_scan_cb, g_object_ref(self));
		}
	}
	if (settings != NULL && self->infos == NULL && self->scan_cancellable == NULL) {
		g_autofree char *folder = g_settings_get_string(settings, "firmware-folder");

		if (folder[0] != '\0' && g_file_test(folder, G_FILE_TEST_IS_DIR)) {
			gtk_file_chooser_set_filename(self->folder_button, folder);
			ub_page_firmware_start_scan(self, folder, TRUE);
		}
	}
	ub_page_notify_complete(UB_PAGE(self));
}

static gboolean
ub_page_firmware_page_is_complete(UbPage *page)
{
	return ub_page_firmware_is_complete(UB_PAGE_FIRMWARE(page));
}

static void
ub_page_firmware_dispose(GObject *object)
{
	UbPageFirmware *self = UB_PAGE_FIRMWARE(object);

	if (self->scan_cancellable != NULL)
		g_cancellable_cancel(self->scan_cancellable);
	g_clear_object(&self->scan_cancellable);
	g_clear_pointer(&self->infos, g_ptr_array_unref);
	g_clear_pointer(&self->downloads, g_ptr_array_unref);
	g_clear_pointer(&self->rows_board_id, g_free);
	g_clear_pointer(&self->hw_board_id, g_free);
	G_OBJECT_CLASS(ub_page_firmware_parent_class)->dispose(object);
}

static void
ub_page_firmware_class_init(UbPageFirmwareClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
	UbPageClass *page_class = UB_PAGE_CLASS(klass);

	object_class->dispose = ub_page_firmware_dispose;
	page_class->enter = ub_page_firmware_enter;
	page_class->is_complete = ub_page_firmware_page_is_complete;

	g_type_ensure(UB_TYPE_ERROR_VIEW);
	gtk_widget_class_set_template_from_resource(
	    widget_class, "/io/github/unbrick/Unbrick/ub-page-firmware.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, folder_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, file_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, firmware_list);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, searching_box);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, none_found_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, unchecked_note);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, error_view);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, override_check);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, download_button);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, hw_box);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, hw_combo);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, download_progress);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, downloaded_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageFirmware, stopped_label);
	gtk_widget_class_bind_template_callback(widget_class,
						ub_page_firmware_download_clicked_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_firmware_hw_changed_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_firmware_folder_set_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_firmware_file_set_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_firmware_row_selected_cb);
	gtk_widget_class_bind_template_callback(widget_class,
						ub_page_firmware_override_toggled_cb);
}

static void
ub_page_firmware_init(UbPageFirmware *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	self->downloads = g_ptr_array_new_with_free_func(g_object_unref);
	gtk_list_box_set_sort_func(self->firmware_list, ub_page_firmware_sort_cb, NULL, NULL);
}

GtkFileChooser *
ub_page_firmware_get_folder_button(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FIRMWARE(page), NULL);
	return UB_PAGE_FIRMWARE(page)->folder_button;
}

GtkFileChooser *
ub_page_firmware_get_file_button(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FIRMWARE(page), NULL);
	return UB_PAGE_FIRMWARE(page)->file_button;
}

GtkListBox *
ub_page_firmware_get_list(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FIRMWARE(page), NULL);
	return UB_PAGE_FIRMWARE(page)->firmware_list;
}

GtkToggleButton *
ub_page_firmware_get_override_check(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FIRMWARE(page), NULL);
	return UB_PAGE_FIRMWARE(page)->override_check;
}

UbErrorView *
ub_page_firmware_get_error_view(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FIRMWARE(page), NULL);
	return UB_PAGE_FIRMWARE(page)->error_view;
}

gboolean
ub_page_firmware_is_searching(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FIRMWARE(page), FALSE);
	return UB_PAGE_FIRMWARE(page)->scan_cancellable != NULL;
}

GtkButton *
ub_page_firmware_get_download_button(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FIRMWARE(page), NULL);
	return GTK_BUTTON(UB_PAGE_FIRMWARE(page)->download_button);
}

GtkComboBox *
ub_page_firmware_get_hw_combo(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FIRMWARE(page), NULL);
	return GTK_COMBO_BOX(UB_PAGE_FIRMWARE(page)->hw_combo);
}

GtkWidget *
ub_page_firmware_get_downloaded_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FIRMWARE(page), NULL);
	return UB_PAGE_FIRMWARE(page)->downloaded_label;
}

GtkWidget *
ub_page_firmware_get_stopped_label(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_FIRMWARE(page), NULL);
	return UB_PAGE_FIRMWARE(page)->stopped_label;
}
