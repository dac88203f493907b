/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wiring diagnosis, table-driven: every simulated wiring state, with a genuine probe and
 * with a clone, gathers its facts through the probe and gets the right top cause from the
 * shipped rules. Plus the rules themselves on stated facts, and malformed rule files.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-diagnosis.h"
#include "ub-error.h"
#include "ub-sim-board.h"

typedef struct {
	const char *bench;	 /* resources/data/sim-boards name */
	const char *probe_kind;	 /* NULL: the bench's own probe; else the bench with this probe */
	const char *probe_model; /* what the person says they use */
	const char *facts;	 /* extra "name=value;..." the wizard learnt from the person */
	const char *top;
} Case;

static const Case cases[] = {
    {"focbox", NULL, "stlink-v2", NULL, "all-good"},
    {"focbox-clone", NULL, "stlink-v2-clone-a", NULL, "probe-rst-not-wired"},
    {"focbox-unpowered", NULL, "stlink-v2", NULL, "no-power"},
    {"focbox-unpowered", "stlink-v2-clone", "stlink-v2-clone-a", NULL, "power-unverified"},
    {"focbox-no-gnd", NULL, "stlink-v2", NULL, "no-ground"},
    /* without a voltage reading a missing GND looks like missing power: the ST-LINK reports
     * plain silence (status 0x09) on ENTER whatever nonsense came back; that rule names GND */
    {"focbox-no-gnd", "stlink-v2-clone", "stlink-v2-clone-a", NULL, "power-unverified"},
    {"focbox-swapped", NULL, "stlink-v2", NULL, "swapped-or-open"},
    {"focbox-nrst-stuck", NULL, "stlink-v2", NULL, "stuck-in-reset"},
    {"focbox-nrst-stuck", "stlink-v2-clone", "stlink-v2-clone-a", NULL, "stuck-in-reset"},
    {"focbox-bricked-genuine", NULL, "stlink-v2", NULL, "swd-off-use-probe-reset"},
    /* the forum thread: clone whose RST is not NRST, firmware that took the SWD pins */
    {"focbox-bricked", NULL, "stlink-v2-clone-a", "user_says_powered=yes",
     "swd-off-hold-nrst-by-hand"},
    {"focbox-bricked", NULL, "stlink-v2-clone-a", NULL, "power-unverified"},
    {"focbox-rdp1", NULL, "stlink-v2", NULL, "read-protected"},
    {"focbox-dead", NULL, "stlink-v2", NULL, "swapped-or-open"},
    {"focbox-dead", NULL, "stlink-v2", "by_hand=failed;wiring_checked=true", "damaged"},
};

/* the bench file with another probe in front of it (written under a name of its own) */
static char *
bench_with_probe(const char *bench, const char *kind)
{
	g_autofree char *path = NULL;
	g_autofree char *text = NULL;
	g_autofree char *name = g_strdup_printf("ub-diag-%s-%s", bench, kind);
	g_autofree char *probe = g_strdup_printf("\"probe\": { \"kind\": \"%s\", "
						 "\"rst_wired\": false }", kind);
	g_autofree char *name_member = g_strdup_printf("\"name\": \"%s\"", name);
	g_autofree char *step = NULL;
	g_autofree char *out = NULL;
	g_autoptr(GRegex) probe_regex = g_regex_new("\"probe\"\\s*:\\s*\\{[^}]*\\}", 0, 0, NULL);
	g_autoptr(GRegex) name_regex = g_regex_new("\"name\"\\s*:\\s*\"[^\"]*\"", 0, 0, NULL);
	char *tmp;

	path = g_strdup_printf("%s/sim-boards/%s.json", g_getenv("UB_DATA_DIR"), bench);
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	step = g_regex_replace_literal(probe_regex, text, -1, 0, probe, 0, NULL);
	out = g_regex_replace_literal(name_regex, step, -1, 0, name_member, 0, NULL);
	tmp = g_strdup_printf("%s/%s.json", g_get_tmp_dir(), name);
	g_assert_true(g_file_set_contents(tmp, out, -1, NULL));
	return tmp;
}

static void
done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	*(GAsyncResult **)user_data = g_object_ref(result);
}

static void
test_case(gconstpointer data)
{
	const Case *c = data;
	g_autofree char *file = c->probe_kind != NULL ? bench_with_probe(c->bench, c->probe_kind)
						      : NULL;
	g_autoptr(UbDevice) device = ub_sim_device_new(file != NULL ? file : c->bench, NULL);
	g_autoptr(UbDiagRules) rules = NULL;
	g_autoptr(UbDiagnosis) diagnosis = NULL;
	g_autoptr(GError) error = NULL;
	GAsyncResult *result = NULL;
	const UbDiagCause *top;

	rules = ub_diag_rules_load(&error);
	g_assert_no_error(error);
	ub_diagnosis_gather_async(device, c->probe_model, NULL, done_cb, &result);
	while (result == NULL)
		g_main_context_iteration(NULL, TRUE);
	diagnosis = ub_diagnosis_gather_finish(device, result, &error);
	g_object_unref(result);
	g_assert_no_error(error);
	if (c->facts != NULL) {
		g_auto(GStrv) pairs = g_strsplit(c->facts, ";", -1);
		for (guint i = 0; pairs[i] != NULL; i++) {
			g_auto(GStrv) kv = g_strsplit(pairs[i], "=", 2);
			ub_diagnosis_set_fact(diagnosis, kv[0], kv[1]);
		}
	}
	g_assert_true(ub_diagnosis_evaluate(diagnosis, rules, &error));
	g_assert_no_error(error);
	top = g_ptr_array_index(ub_diagnosis_get_causes(diagnosis), 0);
	if (g_strcmp0(top->id, c->top) != 0) {
		g_autoptr(JsonNode) node = ub_diagnosis_to_json(diagnosis);
		g_autofree char *text = json_to_string(node, TRUE);
		g_test_message("%s", text);
	}
	g_assert_cmpstr(top->id, ==, c->top);
	g_assert_cmpstr(top->next_step, !=, "");
	g_assert_cmpuint(ub_diagnosis_get_notes(diagnosis)->len, >, 0);
	if (g_strcmp0(c->top, "swd-off-hold-nrst-by-hand") == 0)
		g_assert_true(g_strv_contains((const char *const *)top->wires, "NRST"));
	if (file != NULL)
		g_unlink(file);
}

static void
test_rules_on_facts(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(UbDiagRules) rules = ub_diag_rules_load(&error);
	g_autoptr(UbDiagnosis) diagnosis = ub_diagnosis_new();
	GPtrArray *causes;

	g_assert_no_error(error);
	/* genuine probe, power, nothing answers even in reset: wires first, then the chip */
	ub_diagnosis_set_fact(diagnosis, "voltage", "ok");
	ub_diagnosis_set_fact(diagnosis, "normal", "no-answer");
	ub_diagnosis_set_fact(diagnosis, "under_nrst", "no-answer");
	ub_diagnosis_set_fact(diagnosis, "probe_rst", "reaches");
	ub_diagnosis_set_fact(diagnosis, "by_hand", "failed");
	ub_diagnosis_set_fact(diagnosis, "wiring_checked", "false");
	g_assert_true(ub_diagnosis_evaluate(diagnosis, rules, &error));
	causes = ub_diagnosis_get_causes(diagnosis);
	g_assert_cmpstr(((UbDiagCause *)causes->pdata[0])->id, ==, "swapped-or-open");
	for (guint i = 1; i < causes->len; i++)
		g_assert_cmpint(((UbDiagCause *)causes->pdata[i - 1])->rank, >=,
				((UbDiagCause *)causes->pdata[i])->rank);
	/* facts no rule knows match nothing */
	g_clear_object(&diagnosis);
	diagnosis = ub_diagnosis_new();
	ub_diagnosis_set_fact(diagnosis, "normal", "sideways");
	g_assert_false(ub_diagnosis_evaluate(diagnosis, rules, &error));
	g_assert_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID);
}

static void
test_malformed_rules(void)
{
	static const char *const bad[] = {
	    "not json",
	    "{\"rules\": 3}",
	    "{\"rules\": [{\"id\": \"x\"}]}",
	    "{\"rules\": [{\"id\": \"x\", \"title\": \"t\", \"explanation\": \"e\", "
	    "\"next_step\": \"n\"}]}",
	};

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *path = g_strdup_printf("%s/ub-rules-%u.json", g_get_tmp_dir(), i);
		g_autoptr(GError) error = NULL;
		g_autoptr(UbDiagRules) rules = NULL;

		g_assert_true(g_file_set_contents(path, bad[i], -1, NULL));
		rules = ub_diag_rules_new_from_file(path, &error);
		g_assert_null(rules);
		g_assert_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID);
		/* the message names the file */
		g_assert_nonnull(strstr(error->message, path));
		g_unlink(path);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *name = g_strdup_printf(
			"/diagnosis/%s%s%s%s", cases[i].bench, cases[i].probe_kind ? "+" : "",
			cases[i].probe_kind ? cases[i].probe_kind : "", cases[i].facts ? "+told" : "");
		g_test_add_data_func(name, &cases[i], test_case);
	}
	g_test_add_func("/diagnosis/rules-on-facts", test_rules_on_facts);
	g_test_add_func("/diagnosis/malformed-rules", test_malformed_rules);
	return g_test_run();
}
