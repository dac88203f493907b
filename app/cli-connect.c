/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli connect [--under-reset | --manual-reset] [--board NAME] [--probe MODEL]
 *                     [--sim BENCH | --serial SERIAL] [--json]:
 * the connection ladder (core/recovery/ub-connect-ladder.c). On a terminal the hold/release
 * prompts stand out and questions are asked; with --json every step is one JSON line
 * ({"event": ...}) and the result comes last. When the chip is not reached, the verdict says
 * why, what else is possible, and how to narrow it down.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "cli-commands.h"
#include "cli-judgement.h"
#include "cli-private.h"

int
ub_cli_connect(int argc, char **argv)
{
	UbCliOptions common = {0};
	gboolean under_reset = FALSE, manual = FALSE;
	UbCliJudgement judgement = {0};
	const GOptionEntry entries[] = {
	    {"under-reset", 0, 0, G_OPTION_ARG_NONE, &under_reset,
	     N_("Only try a connect under reset through the probe's RST pin"), NULL},
	    {"manual-reset", 0, 0, G_OPTION_ARG_NONE, &manual,
	     N_("Go straight to holding NRST to GND by hand"), NULL},
	    {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(UbLadderResult) result = NULL;
	g_autoptr(JsonNode) report = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) verdict = NULL;
	g_autoptr(GError) error_close = NULL;
	UbLadderOptions options;
	UbCliLadderUi ui = {0};
	UbCliWait wait;
	int code = UB_CLI_EXIT_OK;

	g_option_context_set_summary(
	    context, _("Reach the chip however it can be reached: normal connect, connect under "
		       "reset through the probe, or with your help holding NRST to GND. Leaves "
		       "the core halted and ready to flash. When nothing reaches it, says why."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_options_add(&common, context,
			   UB_CLI_OPTION_BOARD | UB_CLI_OPTION_PROBE | UB_CLI_OPTION_DEVICE |
			       UB_CLI_OPTION_JSON | UB_CLI_OPTION_VERBOSE);
	ub_cli_judgement_add_options(context, &judgement);
	if (!ub_cli_options_parse(&common, "connect", context, &argc, &argv, 0) ||
	    !ub_cli_judgement_check(&judgement, "connect")) {
		ub_cli_judgement_clear(&judgement);
		ub_cli_options_clear(&common);
		return UB_CLI_EXIT_USAGE;
	}
	if (under_reset && manual) {
		g_printerr("%s\n", _("unbrick-cli connect: --under-reset and --manual-reset exclude "
				     "each other"));
		ub_cli_judgement_clear(&judgement);
		ub_cli_options_clear(&common);
		return UB_CLI_EXIT_USAGE;
	}
	ub_cli_judgement_use_options(&judgement, &common);

	ub_ladder_options_init(&options);
	if (under_reset)
		options.allow = UB_LADDER_ALLOW_UNDER_RESET;
	else if (manual)
		options.allow = UB_LADDER_ALLOW_MANUAL;
	ub_cli_judgement_setup_ladder(&judgement, &options);
	ui.json = common.json;
	ui.tty = isatty(STDOUT_FILENO);

	device = ub_cli_options_new_device(&common, !common.json, &error);
	if (device == NULL) {
		ub_ladder_options_clear(&options);
		ub_cli_judgement_clear(&judgement);
		code = ub_cli_finish("connect", &common, NULL, error);
		ub_cli_options_clear(&common);
		return code;
	}
	ub_cli_wait_init(&wait);
	ub_connect_ladder_run_async(device, &options, ub_cli_ladder_event_cb, &ui, NULL,
				    wait.cancellable, ub_cli_wait_cb, &wait);
	result = ub_connect_ladder_run_finish(device, ub_cli_wait_run(&wait), &error);
	ub_ladder_options_clear(&options);
	/* the core stays halted: the next command (flash) finds it ready */
	ub_device_close_async(device, NULL, ub_cli_wait_cb, &wait);
	if (!ub_device_close_finish(device, ub_cli_wait_run(&wait), &error_close))
		g_debug("closing: %s", error_close->message);
	ub_cli_wait_clear(&wait);
	if (result == NULL) {
		ub_cli_judgement_clear(&judgement);
		code = ub_cli_finish("connect", &common, NULL, error);
		ub_cli_options_clear(&common);
		return code;
	}
	/* not reached: the verdict is the failure, said in full below (text) or in the result */
	if (!result->reached)
		ub_ladder_result_set_error(result, &verdict);
	if (common.json) {
		report = ub_ladder_result_to_json(result);
		code = ub_cli_finish("connect", &common, report, verdict);
	} else if (result->reached) {
		g_print(_("Connected (%s). The core is %s%s.\n"),
			ub_ladder_method_to_string(result->method),
			result->halted ? _("halted") : _("running"),
			result->at_reset_vector ? _(" on its reset vector, before any firmware ran")
						: "");
	} else {
		g_print("\n");
		ub_cli_print_verdict(result->verdict, result->evidence, judgement.board,
				     judgement.probe_model);
		code = ub_cli_exit_code_for_error(verdict);
	}
	ub_cli_judgement_clear(&judgement);
	ub_cli_options_clear(&common);
	return code;
}
