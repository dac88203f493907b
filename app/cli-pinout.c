/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli pinout BOARD PROBE [--png FILE] [--svg FILE]: prints the wire list for one board
 * and one probe and draws the picture the wizard shows.
 * unbrick-cli pinout --nrst BOARD: says and draws where the board's NRST is (its debug header
 * and the chip's pin), the picture of the wizard's Recovery step.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-commands.h"
#include "ub-board-db.h"
#include "ub-pinout-render.h"
#include "ub-probe-db.h"
#include "ub-wiring-plan.h"

static void
print_ids(UbBoardDb *boards, UbProbeDb *probes)
{
	GPtrArray *all_boards = ub_board_db_get_all(boards);
	GPtrArray *all_probes = ub_probe_db_get_all(probes);

	g_print("Boards:\n");
	for (guint i = 0; i < all_boards->len; i++) {
		UbBoard *board = g_ptr_array_index(all_boards, i);
		g_print("  %-24s %s\n", ub_board_get_id(board), ub_board_get_name(board));
	}
	g_print("Probes:\n");
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
			g_printerr("unbrick-cli pinout: unknown signal \"%s\"\n", names[i]);
			return NULL;
		}
	}
	return g_steal_pointer(&signals);
}

static int
write_pictures(UbPinoutRender *render, const UbPinoutPalette *palette, gdouble scale,
               const gchar *png, const gchar *svg)
{
	g_autoptr(GError) error = NULL;

	if (png != NULL && !ub_pinout_render_write_png(render, palette, scale, png, &error)) {
		g_printerr("unbrick-cli pinout: %s\n", error->message);
		return 1;
	}
	if (svg != NULL && !ub_pinout_render_write_svg(render, palette, svg, &error)) {
		g_printerr("unbrick-cli pinout: %s\n", error->message);
		return 1;
	}
	return 0;
}

int
ub_cli_pinout(int argc, char **argv)
{
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
	g_autoptr(GOptionContext) context = g_option_context_new(_("BOARD PROBE | --nrst BOARD"));
	g_autoptr(GError) error = NULL;
	g_autoptr(UbBoardDb) boards = ub_board_db_new();
	g_autoptr(UbProbeDb) probes = ub_probe_db_new();
	g_autoptr(UbWiringPlan) plan = NULL;
	g_autoptr(UbPinoutRender) render = NULL;
	g_autofree gchar *text = NULL;
	g_autofree UbSignal *signals = NULL;
	UbPinoutPalette palette;
	UbBoard *board;
	UbProbeModel *probe;

	g_option_context_set_summary(context,
	                             _("Print the wires between a debug probe and a board, and "
	                               "draw them."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("unbrick-cli pinout: %s\n", error->message);
		return 2;
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
		return 0;
	}
	if (argc != (nrst ? 2 : 3)) {
		g_autofree gchar *help = g_option_context_get_help(context, TRUE, NULL);
		g_printerr("%s", help);
		return 2;
	}
	if (dark)
		ub_pinout_palette_init_dark(&palette);
	else
		ub_pinout_palette_init_light(&palette);
	if (nrst) {
		board = ub_board_db_lookup(boards, argv[1]);
		if (board == NULL) {
			g_printerr("unbrick-cli pinout: unknown board \"%s\"\n", argv[1]);
			print_ids(boards, probes);
			return 2;
		}
		render = ub_pinout_render_new_nrst(board, !no_notes);
		text = ub_pinout_render_get_description(render);
		g_print("%s", text);
		return write_pictures(render, &palette, scale, png, svg);
	}
	board = ub_board_db_lookup(boards, argv[1]);
	probe = ub_probe_db_lookup(probes, argv[2]);
	if (board == NULL || probe == NULL) {
		g_printerr("unbrick-cli pinout: unknown %s \"%s\"\n",
		           board == NULL ? "board" : "probe", board == NULL ? argv[1] : argv[2]);
		print_ids(boards, probes);
		return 2;
	}
	if (highlight != NULL) {
		signals = parse_signals(highlight);
		if (signals == NULL)
			return 2;
	}

	plan = ub_wiring_plan_new(board, probe);
	text = ub_wiring_plan_to_text(plan);
	g_print("%s", text);
	if (png == NULL && svg == NULL)
		return 0;

	render = ub_pinout_render_new(plan, !no_notes);
	ub_pinout_render_set_highlight(render, signals);
	return write_pictures(render, &palette, scale, png, svg);
}
