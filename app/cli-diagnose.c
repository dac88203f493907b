/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli diagnose [--probe MODEL] [--board NAME] [--powered] [--wires-checked] [--json]:
 * measures through the probe without changing anything on the chip and names the likely cause,
 * the wires to look at and what to do next: the same verdict the connection ladder gives.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-commands.h"
#include "cli-judgement.h"
#include "cli-private.h"
#include "ub-diagnosis.h"

static void
diagnose_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	ub_cli_wait_cb(source, result, user_data);
}

int
ub_cli_diagnose(int argc, char **argv)
{
	gboolean json = FALSE;
	g_autofree char *sim = NULL;
	g_autofree char *serial = NULL;
	UbCliJudgement judgement = {0};
	const GOptionEntry entries[] = {
	    {"json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL},
	    {"sim", 0, 0, G_OPTION_ARG_STRING, &sim,
	     N_("Use the in-process simulator with this bench (e.g. focbox-swapped)"),
	     N_("BENCH")},
	    {"serial", 0, 0, G_OPTION_ARG_STRING, &serial,
	     N_("Use the probe with this serial number"), N_("SERIAL")},
	    {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(UbEvidence) evidence = NULL;
	g_autoptr(UbEvidence) given = NULL;
	g_autoptr(UbRules) rules = NULL;
	g_autoptr(UbVerdict) verdict = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_close = NULL;
	UbCliWait wait;
	int code;

	g_option_context_set_summary(
	    context, _("Measure the connection to the chip without changing anything on it, and "
		       "say which wire or setting is the likely problem, and what to do next."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_judgement_add_options(context, &judgement);
	if (!ub_cli_parse_options(context, &argc, &argv) ||
	    !ub_cli_judgement_check(&judgement, "diagnose")) {
		ub_cli_judgement_clear(&judgement);
		return UB_CLI_EXIT_USAGE;
	}
	rules = ub_rules_load(&error);
	if (rules == NULL) {
		ub_cli_judgement_clear(&judgement);
		return ub_cli_report_error("diagnose", error);
	}
	device = ub_cli_device_new(sim, serial, !json, &error);
	if (device == NULL) {
		ub_cli_judgement_clear(&judgement);
		return ub_cli_report_error("diagnose", error);
	}
	ub_cli_wait_init(&wait);
	ub_diagnosis_gather_async(device, judgement.probe_model, judgement.board, wait.cancellable,
				  diagnose_done_cb, &wait);
	evidence = ub_diagnosis_gather_finish(device, ub_cli_wait_run(&wait), &error);
	ub_device_close_async(device, NULL, ub_cli_wait_cb, &wait);
	if (!ub_device_close_finish(device, ub_cli_wait_run(&wait), &error_close))
		g_debug("closing: %s", error_close->message);
	ub_cli_wait_clear(&wait);
	if (evidence == NULL) {
		ub_cli_judgement_clear(&judgement);
		return ub_cli_report_error("diagnose", error);
	}
	given = ub_cli_judgement_given(&judgement);
	ub_evidence_merge(evidence, given);
	if (!judgement.no_history) {
		g_autoptr(UbHistory) history = ub_history_new(NULL);
		const char *serial_now = ub_probe_info_get_serial(ub_device_get_probe_info(device));

		if (ub_history_load(history, NULL) && serial_now != NULL)
			ub_evidence_set_fact(evidence, "probe_history",
					     ub_history_probe_fact(history, serial_now),
					     UB_FACT_SOURCE_HISTORY);
	}
	verdict = ub_rules_evaluate(rules, evidence);
	code = UB_CLI_EXIT_OK;
	if (json) {
		g_autoptr(JsonNode) root = ub_evidence_to_json(evidence);
		json_object_set_member(json_node_get_object(root), "verdict",
				       ub_verdict_to_json(verdict));
		ub_cli_print_json(root);
	} else {
		ub_cli_print_verdict(verdict, evidence, judgement.board, judgement.probe_model);
	}
	ub_cli_judgement_clear(&judgement);
	return code;
}
