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

/* a step of a check as a row shows it: not reached yet, running, passed, failed, cannot be
 * told (e.g. power with a probe that reads its own supply), not needed */
typedef enum {
	UB_RUNG_STATE_PENDING,
	UB_RUNG_STATE_RUNNING,
	UB_RUNG_STATE_OK,
	UB_RUNG_STATE_FAILED,
	UB_RUNG_STATE_UNKNOWN,
	UB_RUNG_STATE_SKIPPED,
} UbRungState;

GtkWidget *ub_window_get_back_button(UbWindow *self);
GtkWidget *ub_window_get_next_button(UbWindow *self);
GtkWidget *ub_window_get_cancel_button(UbWindow *self);
GtkStack *ub_window_get_stack(UbWindow *self);
const char *ub_window_get_page_name(UbWindow *self);
GtkWidget *ub_window_get_page(UbWindow *self, const char *name);
GtkWidget *ub_window_get_step_label(UbWindow *self, const char *name);
/* jump to a page as if the steps before it had been taken (screenshots) */
gboolean ub_window_show_page(UbWindow *self, const char *name);

/* pages */
GtkComboBox *ub_page_welcome_get_board_combo(GtkWidget *page);
GtkLabel *ub_page_welcome_get_board_hint(GtkWidget *page);
GtkLabel *ub_page_welcome_get_board_notes(GtkWidget *page);
GtkWidget *ub_page_welcome_get_generic_note(GtkWidget *page);
UbPinoutView *ub_page_welcome_get_header_view(GtkWidget *page);
GtkListBox *ub_page_probe_get_list(GtkWidget *page);
/* the models the probe's USB identity allows, each a drawing of its header */
GtkFlowBox *ub_page_probe_get_model_flow(GtkWidget *page);
GtkFlowBoxChild *ub_page_probe_get_model_choice(GtkWidget *page, const char *id);
gboolean ub_page_probe_choose_model(GtkWidget *page, const char *id);
const char *ub_page_probe_get_chosen_model_id(GtkWidget *page);
GtkWidget *ub_page_probe_get_permission_box(GtkWidget *page);
GtkButton *ub_page_wiring_get_check_button(GtkWidget *page);
/* the four checklist boxes */
void ub_page_wiring_get_checks(GtkWidget *page, GtkWidget *checks[4]);
GtkLabel *ub_page_wiring_get_voltage_label(GtkWidget *page);
UbPinoutView *ub_page_wiring_get_pinout_view(GtkWidget *page);
GtkLabel *ub_page_wiring_get_notes_label(GtkWidget *page);
GtkWidget *ub_page_wiring_get_wire_list_label(GtkWidget *page);
GtkExpander *ub_page_wiring_get_wire_text_expander(GtkWidget *page);
/* the stepper: one wire at a time */
GtkButton *ub_page_wiring_get_step_next_button(GtkWidget *page);
GtkButton *ub_page_wiring_get_step_back_button(GtkWidget *page);
GtkButton *ub_page_wiring_get_step_skip_button(GtkWidget *page);
GtkLabel *ub_page_wiring_get_step_title_label(GtkWidget *page);
GtkLabel *ub_page_wiring_get_step_detail_label(GtkWidget *page);
GtkButton *ub_page_connect_get_connect_button(GtkWidget *page);
UbErrorView *ub_page_connect_get_error_view(GtkWidget *page);
/* rung: 0 probe, 1 power, 2 debug port, 3 chip, 4 not read-protected */
gboolean ub_page_connect_get_rung_ok(GtkWidget *page, guint rung);
UbRungState ub_page_connect_get_rung_state(GtkWidget *page, guint rung);
GtkLabel *ub_page_connect_get_power_detail_label(GtkWidget *page);
GtkFileChooser *ub_page_firmware_get_folder_button(GtkWidget *page);
GtkFileChooser *ub_page_firmware_get_file_button(GtkWidget *page);
GtkListBox *ub_page_firmware_get_list(GtkWidget *page);
GtkToggleButton *ub_page_firmware_get_override_check(GtkWidget *page);
UbErrorView *ub_page_firmware_get_error_view(GtkWidget *page);
gboolean ub_page_firmware_is_searching(GtkWidget *page);
GtkButton *ub_page_firmware_get_download_button(GtkWidget *page);
GtkComboBox *ub_page_firmware_get_hw_combo(GtkWidget *page);
GtkWidget *ub_page_firmware_get_downloaded_label(GtkWidget *page);
GtkWidget *ub_page_firmware_get_stopped_label(GtkWidget *page);
GtkButton *ub_page_flash_get_start_button(GtkWidget *page);
GtkButton *ub_page_recovery_get_start_button(GtkWidget *page);
GtkLabel *ub_page_recovery_get_status_label(GtkWidget *page);
UbErrorView *ub_page_recovery_get_error_view(GtkWidget *page);
/* the prompt's states: ready, running, hold, release, done, failed */
GtkStack *ub_page_recovery_get_prompt_stack(GtkWidget *page);
GtkLabel *ub_page_recovery_get_hold_countdown_label(GtkWidget *page);
GtkLabel *ub_page_recovery_get_hold_where_label(GtkWidget *page);
GtkLabel *ub_page_recovery_get_chip_label(GtkWidget *page);
UbPinoutView *ub_page_recovery_get_nrst_view(GtkWidget *page);
/* rung: 0 power, 1 plain connect, 2 probe's reset, 3 reset by hand, 4 kept reachable */
UbRungState ub_page_recovery_get_rung_state(GtkWidget *page, guint rung);
const char *ub_page_recovery_get_rung_detail(GtkWidget *page, guint rung);
GtkProgressBar *ub_page_flash_get_progress_bar(GtkWidget *page);
GtkLabel *ub_page_flash_get_stage_label(GtkWidget *page);
GtkLabel *ub_page_flash_get_stage_state_label(GtkWidget *page);
UbErrorView *ub_page_flash_get_error_view(GtkWidget *page);
GtkLabel *ub_page_flash_get_chip_value(GtkWidget *page);
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
