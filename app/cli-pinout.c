/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli pinout --board NAME --probe MODEL [--png FILE] [--svg FILE] [--json] (or the short
 * form: pinout BOARD PROBE): prints the wire list for one board and one probe and draws the
 * picture the wizard shows.
 * unbrick-cli pinout --nrst BOARD: says and draws where the board's NRST is (its debug header
 * and the chip's pin), the picture of the wizard's Recovery step.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-commands.h"
#include "cli-private.h"
#include "ub-board-db.h"
#include "ub-pinout-render.h"
#include "ub-probe-db.h"
#include "ub-wiring-plan.h"

static void
print_ids(UbBoardDb *boards, UbProbeDb *probes)
{
	GPtrArray *all_boards = ub_board_db_get_all(boards);
	GPtrArray *all_probes = ub_probe_db_get_all(probes);

	g_print("%s\n", _("Boards:"));
	for (guint i = 0; i < all_boards->len; i++) {
		UbBoard *board = g_ptr_array_index(all_boards, i);
		g_print("  %-24s %s\n", ub_board_get_id(board), ub_board_get_name(board));
	}
	g_print("%s\n", _("Probes:"));
	for (guint i = 0; i < all_probes->len; i++) {
		UbProbeModel *probe = g_ptr_array_index(all_probes, i);
		g_print("  %-24s %s\n", ub_probe_model_get_id(probe),
		        ub_probe_model_get_name(probe));
	}
}

/* "SWDIO,SWCLK" -> UB_SIGNAL_NONE-terminated array; NULL with a message on a bad name */
static UbSignal *
parse_signals(const gchar *text)
{
	g_auto(GStrv) names = g_strsplit(text, ",", -1);
	g_autofree UbSignal *signals = g_new0(UbSignal, g_strv_length(names) + 1);

	for (guint i = 0; names[i] != NULL; i++) {
		signals[i] = ub_signal_from_string(g_strstrip(names[i]));
		if (signals[i] == UB_SIGNAL_NONE) {
			g_printerr(_("unbrick-cli pinout: unknown signal “%s”\n"), names[i]);
			return NULL;
		}
	}
	return g_steal_pointer(&signals);
}

static JsonNode *
plan_to_json(UbWiringPlan *plan)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	UbWiringNote notes = ub_wiring_plan_get_notes(plan);

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "board");
	json_builder_add_string_value(builder, ub_board_get_id(ub_wiring_plan_get_board(plan)));
	json_builder_set_member_name(builder, "probe");
	json_builder_add_string_value(builder,
	                              ub_probe_model_get_id(ub_wiring_plan_get_probe(plan)));
	json_builder_set_member_name(builder, "wires");
	json_builder_begin_array(builder);
	for (guint i = 0; i < ub_wiring_plan_get_n_wires(plan); i++) {
		const UbWire *wire = ub_wiring_plan_get_wire(plan, i);

		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "probe_pin");
		json_builder_add_int_value(builder, wire->probe_pin);
		json_builder_set_member_name(builder, "probe_label");
		json_builder_add_string_value(builder, wire->probe_label);
		json_builder_set_member_name(builder, "board_pin");
		json_builder_add_int_value(builder, wire->board_pin);
		json_builder_set_member_name(builder, "board_label");
		json_builder_add_string_value(builder, wire->board_label);
		json_builder_set_member_name(builder, "signal");
		json_builder_add_string_value(builder, ub_signal_to_string(wire->board_signal));
		json_builder_set_member_name(builder, "colour");
		json_builder_add_string_value(builder, wire->colour);
		json_builder_set_member_name(builder, "required");
		json_builder_add_boolean_value(builder, wire->use == UB_WIRE_REQUIRED);
		json_builder_set_member_name(builder, "warnings");
		json_builder_begin_array(builder);
		for (guint bit = 1; bit < UB_WIRE_WARNING_LAST; bit <<= 1) {
			if (wire->warnings & bit)
				json_builder_add_string_value(
				        builder, ub_wire_warning_to_string((UbWireWarning)bit));
		}
		json_builder_end_array(builder);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	json_builder_set_member_name(builder, "notes");
	json_builder_begin_array(builder);
	for (guint bit = 1; bit < UB_WIRING_NOTE_LAST; bit <<= 1) {
		g_autofree gchar *text = NULL;

		if ((notes & bit) == 0)
			continue;
		text = ub_wiring_plan_describe_note(plan, (UbWiringNote)bit);
		if (text != NULL)
			json_builder_add_string_value(builder, text);
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

static gboolean
write_pictures(UbPinoutRender *render, const UbPinoutPalette *palette, gdouble scale,
               const gchar *png, const gchar *svg, GError **error)
{
	if (png != NULL && !ub_pinout_render_write_png(render, palette, scale, png, error))
		return FALSE;
	return svg == NULL || ub_pinout_render_write_svg(render, palette, svg, error);
}

/* --nrst: where the reset pin is, for the board alone */
static JsonNode *
nrst_to_json(UbBoard *board, const gchar *text)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "board");
	json_builder_add_string_value(builder, ub_board_get_id(board));
	json_builder_set_member_name(builder, "nrst_header_pin");
	json_builder_add_int_value(builder, ub_board_get_nrst_header_pin(board));
	json_builder_set_member_name(builder, "nrst_mcu_pin");
	json_builder_add_int_value(builder, ub_board_get_nrst_mcu_pin(board));
	json_builder_set_member_name(builder, "description");
	json_builder_add_string_value(builder, text);
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

int
ub_cli_pinout(int argc, char **argv)
{
	UbCliOptions options = {0};
	g_autofree gchar *png = NULL;
	g_autofree gchar *svg = NULL;
	g_autofree gchar *highlight = NULL;
	gboolean dark = FALSE;
	gboolean list = FALSE;
	gboolean no_notes = FALSE;
	gboolean nrst = FALSE;
	gdouble scale = 2.0;
	const GOptionEntry entries[] = {
	        {"png", 0, 0, G_OPTION_ARG_FILENAME, &png, N_("Write the picture as PNG"),
	         N_("FILE")},
	        {"svg", 0, 0, G_OPTION_ARG_FILENAME, &svg, N_("Write the picture as SVG"),
	         N_("FILE")},
	        {"scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale, N_("PNG pixels per unit (default 2)"),
	         N_("N")},
	        {"dark", 0, 0, G_OPTION_ARG_NONE, &dark, N_("Use dark-theme colours"), NULL},
	        {"no-notes", 0, 0, G_OPTION_ARG_NONE, &no_notes,
	         N_("Leave the notes out of the picture"), NULL},
	        {"highlight", 0, 0, G_OPTION_ARG_STRING, &highlight,
	         N_("Highlight the wires of these signals, e.g. SWDIO,SWCLK"), N_("SIGNALS")},
	        {"nrst", 0, 0, G_OPTION_ARG_NONE, &nrst,
	         N_("Show where the board's NRST (reset) pin is, instead of the wires"), NULL},
	        {"list", 0, 0, G_OPTION_ARG_NONE, &list, N_("List the known boards and probes"),
	         NULL},
	        {NULL},
	};
	/* TRANSLATORS: the short form: the board and the probe without --board and --probe */
	g_autoptr(GOptionContext) context = g_option_context_new(_("[BOARD PROBE] | --nrst BOARD"));
	g_autoptr(GError) error = NULL;
	g_autoptr(UbBoardDb) boards = ub_board_db_new();
	g_autoptr(UbProbeDb) probes = ub_probe_db_new();
	g_autoptr(UbWiringPlan) plan = NULL;
	g_autoptr(UbPinoutRender) render = NULL;
	g_autoptr(JsonNode) result = NULL;
	g_autofree gchar *text = NULL;
	g_autofree UbSignal *signals = NULL;
	g_autoptr(GPtrArray) short_form = g_ptr_array_new_with_free_func(g_free);
	UbPinoutPalette palette;
	int status;

	g_option_context_set_summary(context,
	                             _("Print the wires between a debug probe and a board, and "
	                               "draw them."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_options_add(&options, context,
	                   UB_CLI_OPTION_BOARD | UB_CLI_OPTION_PROBE | UB_CLI_OPTION_JSON |
	                           UB_CLI_OPTION_VERBOSE);
	/* BOARD PROBE is the short form of --board BOARD --probe MODEL: checked the same way */
	if (argc >= 3 && argv[1][0] != '-' && argv[2][0] != '-') {
		/* argv's strings belong to the caller: the rewritten ones live in short_form */
		g_ptr_array_add(short_form, g_strdup_printf("--board=%s", argv[1]));
		g_ptr_array_add(short_form, g_strdup_printf("--probe=%s", argv[2]));
		argv[1] = g_ptr_array_index(short_form, 0);
		argv[2] = g_ptr_array_index(short_form, 1);
	}
	if (!ub_cli_options_parse(&options, "pinout", context, &argc, &argv, 1)) {
		ub_cli_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	/* a bad data file is reported but does not hide the good ones */
	if (!ub_board_db_load(boards, &error)) {
		g_printerr("unbrick-cli pinout: %s\n", error->message);
		g_clear_error(&error);
	}
	if (!ub_probe_db_load(probes, &error)) {
		g_printerr("unbrick-cli pinout: %s\n", error->message);
		g_clear_error(&error);
	}
	if (list) {
		print_ids(boards, probes);
		ub_cli_options_clear(&options);
		return UB_CLI_EXIT_OK;
	}
	if (dark)
		ub_pinout_palette_init_dark(&palette);
	else
		ub_pinout_palette_init_light(&palette);
	if (nrst) {
		/* --nrst BOARD, or --nrst --board BOARD */
		UbBoard *board = options.board_entry;

		if (board == NULL && argc == 2) {
			board = ub_board_db_lookup(boards, argv[1]);
			if (board == NULL) {
				g_printerr("unbrick-cli pinout: unknown board \"%s\"\n", argv[1]);
				print_ids(boards, probes);
				ub_cli_options_clear(&options);
				return UB_CLI_EXIT_USAGE;
			}
		}
		if (board == NULL || argc > 2) {
			g_autofree gchar *help = g_option_context_get_help(context, TRUE, NULL);
			g_printerr("%s", help);
			ub_cli_options_clear(&options);
			return UB_CLI_EXIT_USAGE;
		}
		render = ub_pinout_render_new_nrst(board, !no_notes);
		text = ub_pinout_render_get_description(render);
		if (options.json)
			result = nrst_to_json(board, text);
		else
			g_print("%s", text);
		if (!write_pictures(render, &palette, scale, png, svg, &error))
			g_clear_pointer(&result, json_node_unref);
		status = ub_cli_finish("pinout", &options, result, error);
		ub_cli_options_clear(&options);
		return status;
	}
	if (options.board == NULL || options.probe == NULL || argc > 1) {
		g_autofree gchar *help = g_option_context_get_help(context, TRUE, NULL);
		g_printerr("%s", help);
		ub_cli_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	if (highlight != NULL) {
		signals = parse_signals(highlight);
		if (signals == NULL) {
			ub_cli_options_clear(&options);
			return UB_CLI_EXIT_USAGE;
		}
	}

	plan = ub_wiring_plan_new(ub_board_db_lookup(boards, options.board),
	                          ub_probe_db_lookup(probes, options.probe));
	if (options.json) {
		result = plan_to_json(plan);
	} else {
		text = ub_wiring_plan_to_text(plan);
		g_print("%s", text);
	}
	if (png != NULL || svg != NULL) {
		render = ub_pinout_render_new(plan, !no_notes);
		ub_pinout_render_set_highlight(render, signals);
		if (!write_pictures(render, &palette, scale, png, svg, &error))
			g_clear_pointer(&result, json_node_unref);
	}
	status = ub_cli_finish("pinout", &options, result, error);
	ub_cli_options_clear(&options);
	return status;
}
