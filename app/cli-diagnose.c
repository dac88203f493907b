/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli diagnose [--probe MODEL] [--board NAME] [--powered] [--wiring-checked]
 *                       [--sim BENCH | --serial SERIAL] [--json]:
 * measures through the probe and names the likely cause, the wire to look at and what to do.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-commands.h"
#include "cli-private.h"
#include "ub-board-db.h"
#include "ub-diagnosis.h"

static void
diagnose_print(UbDiagnosis *diagnosis, UbBoard *board)
{
	GPtrArray *causes = ub_diagnosis_get_causes(diagnosis);
	GPtrArray *notes = ub_diagnosis_get_notes(diagnosis);
	const UbDiagCause *top = causes->pdata[0];

	g_print("%s\n\n%s\n", top->title, top->explanation);
	if (top->wires[0] != NULL) {
		g_autofree char *wires = g_strjoinv(", ", top->wires);
		g_print(_("Wires to check: %s\n"), wires);
	}
	if (g_strv_contains((const char *const *)top->wires, "NRST") && board != NULL) {
		if (ub_board_get_nrst_header_pin(board) != 0)
			g_print(_("NRST on this board: SWD header pin %u (MCU pin %u). "
				  "`unbrick-cli pinout %s PROBE` draws it.\n"),
				ub_board_get_nrst_header_pin(board), ub_board_get_nrst_mcu_pin(board),
				ub_board_get_id(board));
		else if (ub_board_get_nrst_mcu_pin(board) != 0)
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
	UbCliOptions options = {0};
	gboolean powered = FALSE, wiring_checked = FALSE;
	const GOptionEntry entries[] = {
	    {"powered", 0, 0, G_OPTION_ARG_NONE, &powered,
	     N_("The board is powered (its LED is on)"), NULL},
	    {"wiring-checked", 0, 0, G_OPTION_ARG_NONE, &wiring_checked,
	     N_("The wires were checked against the pinout"), NULL},
	    {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(UbDiagnosis) diagnosis = NULL;
	g_autoptr(UbDiagRules) rules = NULL;
	g_autoptr(JsonNode) result = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_close = NULL;
	UbCliWait wait;
	int status;

	g_option_context_set_summary(
	    context, _("Measure the connection to the chip and say which wire or setting is "
		       "the likely problem, and what to do next. With --board, also where the "
		       "board's NRST is."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_options_add(&options, context,
			   UB_CLI_OPTION_PROBE | UB_CLI_OPTION_BOARD | UB_CLI_OPTION_DEVICE |
			       UB_CLI_OPTION_JSON | UB_CLI_OPTION_VERBOSE);
	if (!ub_cli_options_parse(&options, "diagnose", context, &argc, &argv, 0)) {
		ub_cli_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	rules = ub_diag_rules_load(&error);
	if (rules != NULL)
		device = ub_cli_options_new_device(&options, !options.json, &error);
	if (device != NULL) {
		ub_cli_wait_init(&wait);
		ub_diagnosis_gather_async(device, options.probe, wait.cancellable,
					  diagnose_done_cb, &wait);
		diagnosis = ub_diagnosis_gather_finish(device, ub_cli_wait_run(&wait), &error);
		ub_device_close_async(device, NULL, ub_cli_wait_cb, &wait);
		if (!ub_device_close_finish(device, ub_cli_wait_run(&wait), &error_close))
			g_debug("closing: %s", error_close->message);
		ub_cli_wait_clear(&wait);
	}
	if (diagnosis != NULL) {
		if (powered)
			ub_diagnosis_set_fact(diagnosis, "user_says_powered", "yes");
		if (wiring_checked)
			ub_diagnosis_set_fact(diagnosis, "wiring_checked", "true");
		if (!ub_diagnosis_evaluate(diagnosis, rules, &error))
			g_clear_object(&diagnosis);
	}
	if (diagnosis != NULL && options.json)
		result = ub_diagnosis_to_json(diagnosis);
	else if (diagnosis != NULL)
		diagnose_print(diagnosis, options.board_entry);
	status = ub_cli_finish("diagnose", &options, result, error);
	ub_cli_options_clear(&options);
	return status;
}
