/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Testing and screenshot API of the wizard: reach the widgets a person would use, so tests can
 * click them (gtk_button_clicked, gtk_widget_activate) and read what they show. Not for the
 * pages themselves.
 */
#pragma once

#include "ub-error-view.h"
#include "ub-pinout-view.h"
#include "ub-window.h"

G_BEGIN_DECLS

GtkWidget *ub_window_get_back_button(UbWindow *self);
GtkWidget *ub_window_get_next_button(UbWindow *self);
GtkWidget *ub_window_get_cancel_button(UbWindow *self);
GtkStack *ub_window_get_stack(UbWindow *self);
const char *ub_window_get_page_name(UbWindow *self);
GtkWidget *ub_window_get_page(UbWindow *self, const char *name);
/* jump to a page as if the steps before it had been taken (screenshots) */
gboolean ub_window_show_page(UbWindow *self, const char *name);

/* pages */
GtkComboBox *ub_page_welcome_get_board_combo(GtkWidget *page);
GtkLabel *ub_page_welcome_get_board_hint(GtkWidget *page);
GtkLabel *ub_page_welcome_get_board_notes(GtkWidget *page);
GtkWidget *ub_page_welcome_get_generic_note(GtkWidget *page);
GtkListBox *ub_page_probe_get_list(GtkWidget *page);
GtkComboBox *ub_page_probe_get_model_combo(GtkWidget *page);
GtkWidget *ub_page_probe_get_permission_box(GtkWidget *page);
GtkButton *ub_page_wiring_get_check_button(GtkWidget *page);
/* the four checklist boxes */
void ub_page_wiring_get_checks(GtkWidget *page, GtkWidget *checks[4]);
GtkLabel *ub_page_wiring_get_voltage_label(GtkWidget *page);
UbPinoutView *ub_page_wiring_get_pinout_view(GtkWidget *page);
GtkLabel *ub_page_wiring_get_notes_label(GtkWidget *page);
GtkWidget *ub_page_wiring_get_wire_list_label(GtkWidget *page);
GtkButton *ub_page_connect_get_connect_button(GtkWidget *page);
UbErrorView *ub_page_connect_get_error_view(GtkWidget *page);
/* rung: 0 probe, 1 power, 2 debug port, 3 chip, 4 not read-protected */
gboolean ub_page_connect_get_rung_ok(GtkWidget *page, guint rung);
GtkFileChooser *ub_page_firmware_get_folder_button(GtkWidget *page);
GtkFileChooser *ub_page_firmware_get_file_button(GtkWidget *page);
GtkListBox *ub_page_firmware_get_list(GtkWidget *page);
GtkToggleButton *ub_page_firmware_get_override_check(GtkWidget *page);
UbErrorView *ub_page_firmware_get_error_view(GtkWidget *page);
gboolean ub_page_firmware_is_searching(GtkWidget *page);
GtkButton *ub_page_flash_get_start_button(GtkWidget *page);
GtkButton *ub_page_recovery_get_start_button(GtkWidget *page);
GtkLabel *ub_page_recovery_get_status_label(GtkWidget *page);
UbErrorView *ub_page_recovery_get_error_view(GtkWidget *page);
GtkProgressBar *ub_page_flash_get_progress_bar(GtkWidget *page);
GtkLabel *ub_page_flash_get_stage_label(GtkWidget *page);
GtkLabel *ub_page_flash_get_stage_state_label(GtkWidget *page);
UbErrorView *ub_page_flash_get_error_view(GtkWidget *page);
GtkLabel *ub_page_welcome_get_interrupted_note(GtkWidget *page);
void ub_page_flash_set_restore_path(GtkWidget *page, const char *path);
GtkButton *ub_page_flash_get_restore_button(GtkWidget *page);
GtkLabel *ub_page_flash_get_restore_value(GtkWidget *page);
GtkWidget *ub_page_flash_get_interrupted_box(GtkWidget *page);
GtkButton *ub_page_flash_get_original_button(GtkWidget *page);
GtkButton *ub_page_flash_get_finish_button(GtkWidget *page);
GtkDialog *ub_page_flash_get_consent_dialog(GtkWidget *page);
GtkButton *ub_page_done_get_copy_button(GtkWidget *page);
GtkLabel *ub_page_done_get_summary_label(GtkWidget *page);
GtkLabel *ub_page_done_get_firmware_value(GtkWidget *page);
GtkLabel *ub_page_done_get_backup_value(GtkWidget *page);

G_END_DECLS
