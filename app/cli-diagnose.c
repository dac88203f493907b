/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli diagnose [--probe MODEL] [--board NAME] [--powered] [--wires-checked]
 *                      [--sim BENCH | --serial SERIAL] [--json]:
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
	UbCliOptions common = {0};
	UbCliJudgement judgement = {0};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(UbEvidence) evidence = NULL;
	g_autoptr(UbEvidence) given = NULL;
	g_autoptr(UbRules) rules = NULL;
	g_autoptr(UbVerdict) verdict = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_close = NULL;
	g_autoptr(JsonNode) result = NULL;
	UbCliWait wait;
	int code;

	g_option_context_set_summary(
	    context, _("Measure the connection to the chip without changing anything on it, and "
		       "say which wire or setting is the likely problem, and what to do next."));
	ub_cli_options_add(&common, context,
			   UB_CLI_OPTION_PROBE | UB_CLI_OPTION_BOARD | UB_CLI_OPTION_DEVICE |
			       UB_CLI_OPTION_JSON | UB_CLI_OPTION_VERBOSE);
	ub_cli_judgement_add_options(context, &judgement);
	if (!ub_cli_options_parse(&common, "diagnose", context, &argc, &argv, 0) ||
	    !ub_cli_judgement_check(&judgement, "diagnose")) {
		ub_cli_judgement_clear(&judgement);
		ub_cli_options_clear(&common);
		return UB_CLI_EXIT_USAGE;
	}
	ub_cli_judgement_use_options(&judgement, &common);
	rules = ub_rules_load(&error);
	if (rules != NULL)
		device = ub_cli_options_new_device(&common, !common.json, &error);
	if (device != NULL) {
		ub_cli_wait_init(&wait);
		ub_diagnosis_gather_async(device, judgement.probe_model, judgement.board,
					  wait.cancellable, diagnose_done_cb, &wait);
		evidence = ub_diagnosis_gather_finish(device, ub_cli_wait_run(&wait), &error);
		ub_device_close_async(device, NULL, ub_cli_wait_cb, &wait);
		if (!ub_device_close_finish(device, ub_cli_wait_run(&wait), &error_close))
			g_debug("closing: %s", error_close->message);
		ub_cli_wait_clear(&wait);
	}
	if (evidence == NULL) {
		ub_cli_judgement_clear(&judgement);
		code = ub_cli_finish("diagnose", &common, NULL, error);
		ub_cli_options_clear(&common);
		return code;
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
	if (common.json) {
		result = ub_evidence_to_json(evidence);
		json_object_set_member(json_node_get_object(result), "verdict",
				       ub_verdict_to_json(verdict));
	} else {
		ub_cli_print_verdict(verdict, evidence, judgement.board, judgement.probe_model);
	}
	/* a diagnosis that names a cause has done its job: exit 0 */
	code = ub_cli_finish("diagnose", &common, result, NULL);
	ub_cli_judgement_clear(&judgement);
	ub_cli_options_clear(&common);
	return code;
}
