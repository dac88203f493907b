/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli diagnose [--probe MODEL] [--board NAME] [--powered] [--wiring-checked] [--json]:
 * measures through the probe and names the likely cause, the wire to look at and what to do.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-commands.h"
#include "cli-private.h"
#include "ub-board-db.h"
#include "ub-diagnosis.h"

static void
diagnose_print(UbDiagnosis *diagnosis, const char *board_id)
{
	GPtrArray *causes = ub_diagnosis_get_causes(diagnosis);
	GPtrArray *notes = ub_diagnosis_get_notes(diagnosis);
	const UbDiagCause *top = causes->pdata[0];

	g_print("%s\n\n%s\n", top->title, top->explanation);
	if (top->wires[0] != NULL) {
		g_autofree char *wires = g_strjoinv(", ", top->wires);
		g_print(_("Wires to check: %s\n"), wires);
	}
	if (g_strv_contains((const char *const *)top->wires, "NRST") && board_id != NULL) {
		g_autoptr(UbBoardDb) db = ub_board_db_new();
		UbBoard *board = NULL;
		if (ub_board_db_load(db, NULL))
			board = ub_board_db_lookup(db, board_id);
		if (board != NULL && ub_board_get_nrst_header_pin(board) != 0)
			g_print(_("NRST on this board: SWD header pin %u (MCU pin %u). "
				  "`unbrick-cli pinout %s PROBE` draws it.\n"),
				ub_board_get_nrst_header_pin(board), ub_board_get_nrst_mcu_pin(board),
				board_id);
		else if (board != NULL && ub_board_get_nrst_mcu_pin(board) != 0)
			g_print(_("NRST on this board: MCU pin %u.\n"),
				ub_board_get_nrst_mcu_pin(board));
	}
	g_print(_("Next: %s\n"), top->next_step);
	if (causes->len > 1) {
		g_print("\n%s\n", _("Also possible:"));
		for (guint i = 1; i < causes->len; i++)
			g_print("  - %s\n", ((const UbDiagCause *)causes->pdata[i])->title);
	}
	g_print("\n%s\n", _("What was measured:"));
	for (guint i = 0; i < notes->len; i++)
		g_print("  %s\n", (const char *)notes->pdata[i]);
}

static void
diagnose_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	ub_cli_wait_cb(source, result, user_data);
}

int
ub_cli_diagnose(int argc, char **argv)
{
	gboolean json = FALSE, powered = FALSE, wiring_checked = FALSE;
	g_autofree char *sim = NULL;
	g_autofree char *serial = NULL;
	g_autofree char *probe_model = NULL;
	g_autofree char *board = NULL;
	const GOptionEntry entries[] = {
	    {"probe", 0, 0, G_OPTION_ARG_STRING, &probe_model,
	     N_("The probe you use (e.g. stlink-v2, stlink-v2-clone-a)"), N_("MODEL")},
	    {"board", 0, 0, G_OPTION_ARG_STRING, &board,
	     N_("The board (to say where its NRST is)"), N_("NAME")},
	    {"powered", 0, 0, G_OPTION_ARG_NONE, &powered,
	     N_("The board is powered (its LED is on)"), NULL},
	    {"wiring-checked", 0, 0, G_OPTION_ARG_NONE, &wiring_checked,
	     N_("The wires were checked against the pinout"), NULL},
	    {"json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL},
	    {"sim", 0, 0, G_OPTION_ARG_STRING, &sim,
	     N_("Use the in-process simulator with this bench (e.g. focbox-swapped)"),
	     N_("BOARD")},
	    {"serial", 0, 0, G_OPTION_ARG_STRING, &serial,
	     N_("Use the probe with this serial number"), N_("SERIAL")},
	    {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(UbDiagnosis) diagnosis = NULL;
	g_autoptr(UbDiagRules) rules = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_close = NULL;
	UbCliWait wait;

	g_option_context_set_summary(
	    context, _("Measure the connection to the chip and say which wire or setting is "
		       "the likely problem, and what to do next."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	if (!ub_cli_parse_options(context, &argc, &argv))
		return UB_CLI_EXIT_USAGE;
	rules = ub_diag_rules_load(&error);
	if (rules == NULL)
		return ub_cli_report_error("diagnose", error);

	device = ub_cli_device_new(sim, serial, !json, &error);
	if (device == NULL)
		return ub_cli_report_error("diagnose", error);
	ub_cli_wait_init(&wait);
	ub_diagnosis_gather_async(device, probe_model, wait.cancellable, diagnose_done_cb, &wait);
	diagnosis = ub_diagnosis_gather_finish(device, ub_cli_wait_run(&wait), &error);
	ub_device_close_async(device, NULL, ub_cli_wait_cb, &wait);
	if (!ub_device_close_finish(device, ub_cli_wait_run(&wait), &error_close))
		g_debug("closing: %s", error_close->message);
	ub_cli_wait_clear(&wait);
	if (diagnosis == NULL)
		return ub_cli_report_error("diagnose", error);
	if (powered)
		ub_diagnosis_set_fact(diagnosis, "user_says_powered", "yes");
	if (wiring_checked)
		ub_diagnosis_set_fact(diagnosis, "wiring_checked", "true");
	if (!ub_diagnosis_evaluate(diagnosis, rules, &error))
		return ub_cli_report_error("diagnose", error);
	if (json) {
		g_autoptr(JsonNode) root = ub_diagnosis_to_json(diagnosis);
		ub_cli_print_json(root);
	} else {
		diagnose_print(diagnosis, board);
	}
	return UB_CLI_EXIT_OK;
}
