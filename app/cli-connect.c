/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli connect [--under-reset | --manual-reset] [--board NAME] [--json]: the connection
 * ladder (core/recovery/ub-connect-ladder.c). On a terminal the hold/release prompts stand out; with
 * --json every step is one JSON line ({"event": ...}) and the result comes last.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "cli-commands.h"
#include "cli-private.h"
#include "ub-board-db.h"
#include "ub-connect-ladder.h"

typedef struct {
	gboolean json;
	gboolean tty;
} ConnectUi;

/* one JSON document per line, so a reader can act on each step as it comes */
static void
connect_print_json_line(JsonNode *node)
{
	g_autofree char *text = json_to_string(node, FALSE);

	g_print("%s\n", text);
	fflush(stdout);
}

static void
connect_event_cb(const UbLadderEvent *event, gpointer user_data)
{
	ConnectUi *ui = user_data;

	if (ui->json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		g_autoptr(JsonNode) root = NULL;

		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "event");
		json_builder_add_string_value(builder, ub_ladder_event_kind_to_string(event->kind));
		json_builder_set_member_name(builder, "step");
		json_builder_add_string_value(builder, ub_ladder_step_to_string(event->step));
		json_builder_set_member_name(builder, "message");
		json_builder_add_string_value(builder, event->message);
		if (event->swd_khz != 0) {
			json_builder_set_member_name(builder, "swd_khz");
			json_builder_add_int_value(builder, event->swd_khz);
		}
		if (event->attempt != 0) {
			json_builder_set_member_name(builder, "attempt");
			json_builder_add_int_value(builder, event->attempt);
		}
		json_builder_end_object(builder);
		root = json_builder_get_root(builder);
		connect_print_json_line(root);
		return;
	}
	switch (event->kind) {
	case UB_LADDER_EVENT_HOLD_NRST:
		/* the one moment the person has to act: make it impossible to miss */
		g_print(ui->tty ? "\n\a>>> %s <<<\n\n" : ">>> %s\n", event->message);
		break;
	case UB_LADDER_EVENT_RELEASE_NRST:
		g_print(ui->tty ? "\n\a>>> %s <<<\n\n" : ">>> %s\n", event->message);
		break;
	case UB_LADDER_EVENT_TRYING:
		g_print("… %s\n", event->message);
		break;
	case UB_LADDER_EVENT_FAILED:
		g_print("✗ %s\n", event->message);
		break;
	case UB_LADDER_EVENT_SUCCEEDED:
		g_print("✓ %s\n", event->message);
		break;
	case UB_LADDER_EVENT_NOTE:
	default:
		g_print("• %s\n", event->message);
		break;
	}
}

static char *
connect_nrst_location(const char *board_id)
{
	g_autoptr(UbBoardDb) db = ub_board_db_new();
	g_autoptr(GError) error = NULL;
	UbBoard *board;
	guint header_pin, mcu_pin;

	if (board_id == NULL)
		return NULL;
	if (!ub_board_db_load(db, &error)) {
		g_debug("board database: %s", error->message);
		return NULL;
	}
	board = ub_board_db_lookup(db, board_id);
	if (board == NULL)
		return NULL;
	header_pin = ub_board_get_nrst_header_pin(board);
	mcu_pin = ub_board_get_nrst_mcu_pin(board);
	if (header_pin != 0)
		/* TRANSLATORS: where NRST is; %u is a pin number */
		return g_strdup_printf(_("SWD header pin %u"), header_pin);
	if (mcu_pin != 0)
		return g_strdup_printf(_("MCU pin %u, counted from the dot"), mcu_pin);
	return NULL;
}

int
ub_cli_connect(int argc, char **argv)
{
	gboolean json = FALSE, under_reset = FALSE, manual = FALSE, verbose = FALSE;
	g_autofree char *sim = NULL;
	g_autofree char *serial = NULL;
	g_autofree char *board = NULL;
	const GOptionEntry entries[] = {
	    {"under-reset", 0, 0, G_OPTION_ARG_NONE, &under_reset,
	     N_("Only try a connect under reset through the probe's RST pin"), NULL},
	    {"manual-reset", 0, 0, G_OPTION_ARG_NONE, &manual,
	     N_("Go straight to holding NRST to GND by hand"), NULL},
	    {"board", 0, 0, G_OPTION_ARG_STRING, &board,
	     N_("The board, to show where its NRST is (e.g. focbox)"), N_("NAME")},
	    {"json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON lines"), NULL},
	    {"sim", 0, 0, G_OPTION_ARG_STRING, &sim,
	     N_("Use the in-process simulator with this bench (e.g. focbox-bricked)"),
	     N_("BOARD")},
	    {"serial", 0, 0, G_OPTION_ARG_STRING, &serial,
	     N_("Use the probe with this serial number"), N_("SERIAL")},
	    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Show debug messages"), NULL},
	    {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(UbLadderResult) result = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_close = NULL;
	UbLadderOptions options;
	ConnectUi ui = {0};
	UbCliWait wait;

	g_option_context_set_summary(
	    context, _("Reach the chip however it can be reached: normal connect, connect under "
		       "reset through the probe, or with your help holding NRST to GND. Leaves "
		       "the core halted and ready to flash."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	if (!ub_cli_parse_options(context, &argc, &argv))
		return UB_CLI_EXIT_USAGE;
	if (under_reset && manual) {
		g_printerr("%s\n", _("unbrick-cli connect: --under-reset and --manual-reset exclude "
				     "each other"));
		return UB_CLI_EXIT_USAGE;
	}
	if (verbose)
		g_log_set_debug_enabled(TRUE);

	ub_ladder_options_init(&options);
	if (under_reset)
		options.allow = UB_LADDER_ALLOW_UNDER_RESET;
	else if (manual)
		options.allow = UB_LADDER_ALLOW_MANUAL;
	options.nrst_location = connect_nrst_location(board);
	ui.json = json;
	ui.tty = isatty(STDOUT_FILENO);

	device = ub_cli_device_new(sim, serial, !json, &error);
	if (device == NULL)
		return ub_cli_report_error("connect", error);
	ub_cli_wait_init(&wait);
	ub_connect_ladder_run_async(device, &options, connect_event_cb, &ui, NULL, wait.cancellable,
				    ub_cli_wait_cb, &wait);
	result = ub_connect_ladder_run_finish(device, ub_cli_wait_run(&wait), &error);
	ub_ladder_options_clear(&options);
	/* the core stays halted: the next command (flash) finds it ready */
	ub_device_close_async(device, NULL, ub_cli_wait_cb, &wait);
	if (!ub_device_close_finish(device, ub_cli_wait_run(&wait), &error_close))
		g_debug("closing: %s", error_close->message);
	ub_cli_wait_clear(&wait);
	if (result == NULL) {
		if (json) {
			g_autoptr(JsonBuilder) builder = json_builder_new();
			g_autoptr(JsonNode) root = NULL;
			json_builder_begin_object(builder);
			json_builder_set_member_name(builder, "event");
			json_builder_add_string_value(builder, "result");
			json_builder_set_member_name(builder, "ok");
			json_builder_add_boolean_value(builder, FALSE);
			json_builder_set_member_name(builder, "error");
			json_builder_add_string_value(builder, error->message);
			json_builder_end_object(builder);
			root = json_builder_get_root(builder);
			connect_print_json_line(root);
		}
		return ub_cli_report_error("connect", error);
	}
	if (json) {
		g_autoptr(JsonNode) root = ub_ladder_result_to_json(result);
		JsonObject *object = json_node_get_object(root);
		json_object_set_string_member(object, "event", "result");
		json_object_set_boolean_member(object, "ok", TRUE);
		connect_print_json_line(root);
	} else {
		g_print(_("Connected (%s). The core is %s%s.\n"),
			ub_ladder_method_to_string(result->method),
			result->halted ? _("halted") : _("running"),
			result->at_reset_vector ? _(" on its reset vector, before any firmware ran")
						: "");
	}
	return UB_CLI_EXIT_OK;
}
