/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The judgement over many benches: every wiring fault × probe × firmware behaviour × person
 * (silent, or careful and truthful), each run three ways as a person would: `diagnose` (the
 * measurements alone), `connect` (the whole ladder, with its questions) and, where the chip
 * was reached, `flash` of a small image. The table is docs/diagnosis-matrix.md; this test
 * fails when a cell differs from it (regenerate with UB_UPDATE_DOCS=1 and read what moved),
 * and on its own when a cell breaks a rule that no table may contain:
 *   - the chip is called damaged only when it is (a dead chip), never while a wiring fault, a
 *     missing supply or a board holding NRST low can explain the facts;
 *   - a reached chip is flashed and verified;
 *   - a dead chip is never reported reached.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-connect-ladder.h"
#include "ub-diagnosis.h"
#include "ub-flash-job.h"
#include "ub-image-loader.h"
#include "ub-sim-board.h"
#include "ub-sim-firmware.h"

typedef struct {
	const char *name;
	const char *kind;  /* the simulator's probe */
	gboolean rst;	   /* its RST wire reaches NRST */
	const char *model; /* what the person says it is (resources/data/probes) */
} Probe;

static const Probe probes[] = {
    {"stlink-v2", "stlink-v2", TRUE, "stlink-v2"},
    {"clone", "stlink-v2-clone", FALSE, "stlink-v2-clone-a"},
    {"nucleo", "stlink-v2-1", TRUE, "nucleo-stlink-v2-1"},
    {"v3-no-rst", "stlink-v3", FALSE, "stlink-v3minie"},
};

typedef struct {
	const char *name;
	const char *flash; /* the bench's flash entries */
	const char *extra; /* more members of the bench */
	gboolean dead;
} Firmware;

static const Firmware firmwares[] = {
    {"healthy", "{ \"image\": \"demo-410\" }", "", FALSE},
    {"takes-swd-6ms", "{ \"image\": \"repurpose-swd\" }", "", FALSE},
    {"takes-swd-2s", "{ \"image\": \"repurpose-swd\", \"takeover_ms\": 2000 }", "", FALSE},
    {"deep-sleep", "{ \"image\": \"deep-sleep\" }", "", FALSE},
    {"reset-loop", "{ \"image\": \"reset-loop\" }", "", FALSE},
    {"dead-chip", "{ \"image\": \"demo-410\" }", ", \"faults\": [ \"dead\" ]", TRUE},
};

static const char *const wirings[] = {"good",	      "swapped",	   "no-gnd",
				      "unpowered",    "rst-not-connected", "nrst-stuck-low"};
static const char *const persons[] = {"silent", "careful"};

typedef struct {
	char *diagnose;
	char *connect;
	char *flash;
} Cell;

static void
cell_clear(Cell *cell)
{
	g_free(cell->diagnose);
	g_free(cell->connect);
	g_free(cell->flash);
}

static char *
bench_file(const char *dir, const char *name, const char *wiring, const Probe *probe,
	   const Firmware *firmware, const char *person)
{
	g_autofree char *file = g_strconcat(name, ".json", NULL);
	g_autofree char *json = NULL;
	char *path = g_build_filename(dir, file, NULL);

	json = g_strdup_printf("{ \"name\": \"%s\", \"probe\": { \"kind\": \"%s\", \"rst_wired\": "
			       "%s }, \"wiring\": \"%s\", \"flash\": [ %s ]%s%s }",
			       name, probe->kind, probe->rst ? "true" : "false", wiring,
			       firmware->flash, firmware->extra,
			       g_strcmp0(person, "careful") == 0 ? ", \"person\": \"careful\"" : "");
	g_assert_true(g_file_set_contents(path, json, -1, NULL));
	return path;
}

static char *
verdict_text(UbVerdict *verdict)
{
	return g_strdup(ub_verdict_get_top(verdict)->id);
}

static void
run_cell(const char *path, const Probe *probe, UbRules *rules, GBytes *image_bytes, Cell *cell)
{
	g_autoptr(GError) error = NULL;

	/* diagnose: the measurements alone */
	{
		g_autoptr(UbDevice) device = ub_sim_device_new(path, &error);
		g_autoptr(UbEvidence) evidence = NULL;
		g_autoptr(UbVerdict) verdict = NULL;

		g_assert_no_error(error);
		evidence = ub_diagnosis_gather(device, probe->model, "focbox", NULL, &error);
		g_assert_no_error(error);
		verdict = ub_rules_evaluate(rules, evidence);
		cell->diagnose = verdict_text(verdict);
	}
	/* connect (the ladder, asking the person), then flash what it reached */
	{
		g_autoptr(UbDevice) device = ub_sim_device_new(path, &error);
		g_autoptr(UbLadderResult) result = NULL;
		UbLadderOptions options;

		g_assert_no_error(error);
		ub_ladder_options_init(&options);
		options.probe_model = g_strdup(probe->model);
		options.board_id = g_strdup("focbox");
		options.nrst_location = g_strdup("SWD header pin 5");
		result = ub_connect_ladder_run(device, &options, NULL, NULL, NULL, &error);
		ub_ladder_options_clear(&options);
		g_assert_no_error(error);
		if (!result->reached) {
			cell->connect = g_strdup_printf("✗ %s", ub_verdict_get_top(result->verdict)->id);
			cell->flash = g_strdup("—");
			return;
		}
		cell->connect = g_strdup_printf("✓ %s", ub_ladder_method_to_string(result->method));
		{
			g_autoptr(UbImage) image =
			    ub_image_new_from_bytes(image_bytes, "demo-410.bin", 0x08000000, &error);
			g_autoptr(UbFlashJob) job = NULL;
			g_autofree char *backups = g_dir_make_tmp("ub-matrix-XXXXXX", NULL);

			g_assert_no_error(error);
			job = ub_flash_job_new(device, UB_FLASH_JOB_KIND_FLASH);
			ub_flash_job_set_image(job, image);
			ub_flash_job_set_flags(job, UB_FLASH_JOB_FLAG_NO_BACKUP);
			if (ub_flash_job_run(job, NULL, NULL, &error))
				cell->flash = g_strdup("✓ verified");
			else
				cell->flash = g_strdup_printf("✗ %s", error->message);
			g_clear_error(&error);
			g_rmdir(backups);
		}
	}
}

static void
test_matrix(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-matrix-XXXXXX", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(UbRules) rules = ub_rules_load(&error);
	g_autoptr(GBytes) image = ub_sim_firmware_lookup("demo-410");
	g_autoptr(GString) table = g_string_new(NULL);
	g_autofree char *doc = g_test_build_filename(G_TEST_DIST, "..", "docs",
						     "diagnosis-matrix.md", NULL);
	g_autofree char *committed = NULL;
	guint cells = 0, reached = 0, damaged = 0;

	g_assert_no_error(error);
	g_string_append(table,
			"# The diagnosis matrix\n\n"
			"Generated by `tests/test-diagnosis-matrix.c` (regenerate: "
			"`UB_UPDATE_DOCS=1 meson test -C build diagnosis-matrix`); the test fails "
			"when a cell changes without this file, and on its own when a cell calls a "
			"chip damaged that is not, or while a wire or the supply can explain the "
			"facts. (A board holding NRST low cannot explain a silent chip: the debug "
			"port is not reset by NRST and answers all the same; with a dead chip and a "
			"stuck NRST, the chip is what is dead.)\n\n"
			"Every bench is a FOCBOX (HW 410) that has been running for 2 s when the "
			"probe is attached. Columns: **diagnose** is `unbrick-cli diagnose` (the "
			"measurements alone, nothing on the chip changes: the top cause); **connect** "
			"is `unbrick-cli connect` (the whole connection ladder, asking the person: "
			"the rung that reached the chip, or the top cause of the verdict); **flash** "
			"is a flash of the simulator's demo image on the reached chip. Probes: "
			"`stlink-v2` genuine (its RST reaches NRST, it measures the board's voltage), "
			"`clone` (RST goes nowhere, reports its own 3.3 V), `nucleo` (a Nucleo's "
			"ST-LINK/V2-1), `v3-no-rst` (an ST-LINK V3 whose RST wire is off). Persons: "
			"`silent` cannot answer (a script, `--json`), `careful` looks and answers "
			"what is true (an LED lit, every wire against the drawing, the probe works on "
			"other boards). Cause ids are those of `resources/data/diagnosis/rules.json`.\n\n"
			"| wiring | probe | firmware | person | diagnose | connect | flash |\n"
			"|---|---|---|---|---|---|---|\n");
	for (guint w = 0; w < G_N_ELEMENTS(wirings); w++)
	for (guint p = 0; p < G_N_ELEMENTS(probes); p++)
	for (guint f = 0; f < G_N_ELEMENTS(firmwares); f++)
	for (guint h = 0; h < G_N_ELEMENTS(persons); h++) {
		g_autofree char *name = g_strdup_printf("m-%u-%u-%u-%u", w, p, f, h);
		g_autofree char *path = bench_file(dir, name, wirings[w], &probes[p], &firmwares[f],
						   persons[h]);
		/* a wire between probe and chip, or the supply, can explain silence; a missing
		 * RST wire cannot (the hand on NRST does its job), and neither can a board that
		 * holds NRST low: the debug port is not reset by NRST and answers all the same */
		gboolean explained_elsewhere =
		    g_strcmp0(wirings[w], "swapped") == 0 || g_strcmp0(wirings[w], "no-gnd") == 0 ||
		    g_strcmp0(wirings[w], "unpowered") == 0;
		Cell cell = {0};

		run_cell(path, &probes[p], rules, image, &cell);
		g_string_append_printf(table, "| %s | %s | %s | %s | %s | %s | %s |\n", wirings[w],
				       probes[p].name, firmwares[f].name, persons[h], cell.diagnose,
				       cell.connect, cell.flash);
		cells++;
		/* the rules no table may break */
		if (strstr(cell.connect, "damaged") != NULL ||
		    g_strcmp0(cell.diagnose, "damaged") == 0) {
			damaged++;
			if (!firmwares[f].dead || explained_elsewhere)
				g_error("%s/%s/%s/%s: called damaged, but %s", wirings[w],
					probes[p].name, firmwares[f].name, persons[h],
					firmwares[f].dead ? "the wiring explains it"
							  : "the chip is sound");
		}
		if (g_str_has_prefix(cell.connect, "✓")) {
			reached++;
			g_assert_false(firmwares[f].dead);
			if (g_strcmp0(cell.flash, "✓ verified") != 0)
				g_error("%s/%s/%s/%s: reached but not flashed: %s", wirings[w],
					probes[p].name, firmwares[f].name, persons[h], cell.flash);
		}
		g_unlink(path);
		cell_clear(&cell);
	}
	g_string_append_printf(table,
			       "\n%u cells; the chip reached and flashed in %u; called damaged in "
			       "%u (each a dead chip with nothing else to explain it).\n",
			       cells, reached, damaged);
	g_test_message("%u cells, %u reached, %u damaged", cells, reached, damaged);
	g_assert_cmpuint(cells, >=, 60);
	g_rmdir(dir);

	if (g_getenv("UB_UPDATE_DOCS") != NULL) {
		g_assert_true(g_file_set_contents(doc, table->str, -1, &error));
		g_assert_no_error(error);
		return;
	}
	if (!g_file_get_contents(doc, &committed, NULL, NULL) ||
	    g_strcmp0(committed, table->str) != 0) {
		g_autofree char *fresh = g_test_build_filename(G_TEST_BUILT,
							       "diagnosis-matrix.md.new", NULL);

		g_assert_true(g_file_set_contents(fresh, table->str, -1, NULL));
		g_test_fail_printf("docs/diagnosis-matrix.md is out of date (this run: %s): "
				   "regenerate it with UB_UPDATE_DOCS=1 and read every cell that "
				   "moved",
				   fresh);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/diagnosis/matrix", test_matrix);
	return g_test_run();
}
