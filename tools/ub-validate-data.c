/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ub-validate-data DATADIR: checks every board and probe file under DATADIR/boards and
 * DATADIR/probes with the same loaders the app uses, and that a wiring plan can be built for
 * every pair. Prints one line per problem (file and field) and exits 1 if there is any.
 * Run by the test suite over resources/data/; run it by hand after adding a board.
 */
#include "config.h"

#include <locale.h>

#include "ub-board-db.h"
#include "ub-probe-db.h"
#include "ub-wiring-plan.h"

static guint
print_problems(GPtrArray *problems)
{
	for (guint i = 0; i < problems->len; i++) {
		const GError *problem = g_ptr_array_index(problems, i);
		g_printerr("%s\n", problem->message);
	}
	return problems->len;
}

int
main(int argc, char **argv)
{
	g_autoptr(UbBoardDb) boards = ub_board_db_new();
	g_autoptr(UbProbeDb) probes = ub_probe_db_new();
	g_autofree gchar *board_dir = NULL;
	g_autofree gchar *probe_dir = NULL;
	g_autoptr(GError) error = NULL;
	GPtrArray *all_boards;
	GPtrArray *all_probes;
	guint n_problems = 0;

	setlocale(LC_ALL, "");
	if (argc != 2) {
		g_printerr("usage: %s DATADIR\n", argv[0]);
		return 2;
	}
	board_dir = g_build_filename(argv[1], "boards", NULL);
	probe_dir = g_build_filename(argv[1], "probes", NULL);
	/* a directory that cannot be read is a failure; bad files are listed below */
	if (!ub_board_db_load_dir(boards, board_dir, &error) &&
	    ub_board_db_get_problems(boards)->len == 0) {
		g_printerr("%s\n", error->message);
		return 1;
	}
	g_clear_error(&error);
	if (!ub_probe_db_load_dir(probes, probe_dir, &error) &&
	    ub_probe_db_get_problems(probes)->len == 0) {
		g_printerr("%s\n", error->message);
		return 1;
	}
	n_problems += print_problems(ub_board_db_get_problems(boards));
	n_problems += print_problems(ub_probe_db_get_problems(probes));

	all_boards = ub_board_db_get_all(boards);
	all_probes = ub_probe_db_get_all(probes);
	for (guint b = 0; b < all_boards->len; b++) {
		for (guint p = 0; p < all_probes->len; p++) {
			UbBoard *board = g_ptr_array_index(all_boards, b);
			UbProbeModel *probe = g_ptr_array_index(all_probes, p);
			g_autoptr(UbWiringPlan) plan = ub_wiring_plan_new(board, probe);
			guint n_required = 0;

			ub_probe_model_get_required_wires(probe, &n_required);
			if (ub_wiring_plan_count_required(plan) == n_required)
				continue;
			/* a required wire has nowhere to go on this board */
			g_printerr("%s + %s: %u of %u required wires have no board pin\n",
			           ub_board_get_filename(board), ub_probe_model_get_filename(probe),
			           n_required - ub_wiring_plan_count_required(plan), n_required);
			n_problems++;
		}
	}
	if (n_problems > 0) {
		g_printerr("%u problem(s)\n", n_problems);
		return 1;
	}
	g_print("%u boards, %u probes, %u wiring plans: all valid\n", all_boards->len,
	        all_probes->len, all_boards->len * all_probes->len);
	return 0;
}
