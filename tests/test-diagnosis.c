/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The diagnosis and the verdict rules, table-driven: every simulated wiring state, with a
 * genuine probe and with a clone, gathers its facts through the probe and gets the right top
 * cause from the shipped rules. Plus the rules on stated facts (the chip is never called
 * damaged while a wire, the power or the probe can explain them), and malformed rule files.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-diagnosis.h"
#include "ub-error.h"
#include "ub-sim-board.h"
#include "ub-verdict.h"

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
    {"focbox-nrst-stuck", NULL, "stlink-v2", NULL, "held-in-reset"},
    {"focbox-nrst-stuck", "stlink-v2-clone", "stlink-v2-clone-a", NULL, "held-in-reset"},
    {"focbox-bricked-genuine", NULL, "stlink-v2", NULL, "swd-off-use-probe-reset"},
    /* the forum thread: clone whose RST is not NRST, firmware that took the SWD pins */
    {"focbox-bricked", NULL, "stlink-v2-clone-a", "powered=yes",
     "swd-off-hold-nrst-by-hand"},
    {"focbox-bricked", NULL, "stlink-v2-clone-a", NULL, "power-unverified"},
    {"focbox-rdp1", NULL, "stlink-v2", NULL, "read-protected"},
    {"focbox-dead", NULL, "stlink-v2", NULL, "swapped-or-open"},
    /* wires checked, but the probe not ruled out: the probe, never the chip */
    {"focbox-dead", NULL, "stlink-v2", "by_hand=failed;wires_checked=yes", "probe-or-cable"},
    {"focbox-dead", NULL, "stlink-v2", "by_hand=failed;wires_checked=yes;fails_elsewhere=no",
     "damaged"},
    /* a Pico running debugprobe whose GP1 (nRESET, optional in the drawing) is not wired: its
     * reset could reach NRST, so with every drawn wire checked it is the missing reset wire
     * (or a hand on NRST), not the probe or its cable */
    {"focbox-bricked-pico", NULL, "pico-debugprobe", "powered=yes;wires_checked=yes",
     "swd-off-rst-wire"},
    /* the Raspberry Pi Debug Probe has no reset pin at all: a hand on NRST */
    {"focbox-bricked-pico", "debugprobe", "raspberry-pi-debug-probe", "powered=yes",
     "swd-off-hold-nrst-by-hand"},
    /* the probe fails on other boards too (story 3): the probe and its wires */
    {"focbox-swapped", NULL, "stlink-v2", "fails_elsewhere=yes", "probe-fails-elsewhere"},
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
	g_autoptr(UbRules) rules = NULL;
	g_autoptr(UbEvidence) evidence = NULL;
	g_autoptr(UbVerdict) verdict = NULL;
	g_autoptr(GError) error = NULL;
	GAsyncResult *result = NULL;
	const UbCause *top;

	rules = ub_rules_load(&error);
	g_assert_no_error(error);
	ub_diagnosis_gather_async(device, c->probe_model, "focbox", NULL, done_cb, &result);
	while (result == NULL)
		g_main_context_iteration(NULL, TRUE);
	evidence = ub_diagnosis_gather_finish(device, result, &error);
	g_object_unref(result);
	g_assert_no_error(error);
	if (c->facts != NULL) {
		g_auto(GStrv) pairs = g_strsplit(c->facts, ";", -1);
		for (guint i = 0; pairs[i] != NULL; i++) {
			g_auto(GStrv) kv = g_strsplit(pairs[i], "=", 2);
			ub_evidence_set_fact(evidence, kv[0], kv[1], UB_FACT_SOURCE_PERSON);
		}
	}
	verdict = ub_rules_evaluate(rules, evidence);
	top = ub_verdict_get_top(verdict);
	if (g_strcmp0(top->id, c->top) != 0) {
		g_autoptr(JsonNode) node = ub_evidence_to_json(evidence);
		g_autoptr(JsonNode) verdict_node = ub_verdict_to_json(verdict);
		g_autofree char *text = json_to_string(node, TRUE);
		g_autofree char *verdict_text = json_to_string(verdict_node, TRUE);
		g_test_message("%s\n%s", text, verdict_text);
	}
	g_assert_cmpstr(top->id, ==, c->top);
	g_assert_cmpstr(top->next_step, !=, "");
	g_assert_cmpuint(ub_evidence_get_notes(evidence)->len, >, 0);
	/* the boards database says where BOOT0 is wired on a FOCBOX */
	g_assert_cmpstr(ub_evidence_get_fact(evidence, "boot0"), ==, "unknown");
	if (g_strcmp0(c->top, "swd-off-hold-nrst-by-hand") == 0)
		g_assert_true(g_strv_contains((const char *const *)top->wires, "NRST"));
	if (file != NULL)
		g_unlink(file);
}

static UbEvidence *
evidence_from(const char *facts)
{
	UbEvidence *evidence = ub_evidence_new();
	g_auto(GStrv) pairs = g_strsplit(facts, ";", -1);

	for (guint i = 0; pairs[i] != NULL; i++) {
		g_auto(GStrv) kv = g_strsplit(pairs[i], "=", 2);
		ub_evidence_set_fact(evidence, kv[0], kv[1], UB_FACT_SOURCE_MEASURED);
	}
	return evidence;
}

static void
test_rules_on_facts(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(UbRules) rules = ub_rules_load(&error);
	g_autoptr(UbEvidence) evidence = NULL;
	g_autoptr(UbVerdict) verdict = NULL;
	GPtrArray *causes;
	UbPersonQuestion question;
	const char *text = NULL;

	g_assert_no_error(error);
	/* genuine probe, power, nothing answers even in reset: wires first, then the probe */
	evidence = evidence_from("voltage=ok;normal=no-answer;under_nrst=no-answer;"
				 "probe_rst=reaches;by_hand=failed");
	verdict = ub_rules_evaluate(rules, evidence);
	causes = ub_verdict_get_causes(verdict);
	g_assert_cmpstr(ub_verdict_get_top(verdict)->id, ==, "swapped-or-open");
	g_assert_nonnull(ub_verdict_find(verdict, "probe-or-cable"));
	g_assert_null(ub_verdict_find(verdict, "damaged"));
	g_assert_false(ub_verdict_is_damaged(verdict));
	for (guint i = 1; i < causes->len; i++)
		g_assert_cmpint(((UbCause *)causes->pdata[i - 1])->rank, >=,
				((UbCause *)causes->pdata[i])->rank);
	/* what to ask first: the wires */
	g_assert_true(ub_verdict_get_next_question(verdict, evidence, &question, &text));
	g_assert_cmpint(question, ==, UB_PERSON_QUESTION_WIRES_CHECKED);
	g_assert_nonnull(text);
	/* confirmed: the probe is next */
	ub_evidence_set_answer(evidence, UB_PERSON_QUESTION_WIRES_CHECKED, UB_PERSON_ANSWER_YES);
	g_clear_object(&verdict);
	verdict = ub_rules_evaluate(rules, evidence);
	g_assert_cmpstr(ub_verdict_get_top(verdict)->id, ==, "probe-or-cable");
	g_assert_true(ub_verdict_get_next_question(verdict, evidence, &question, NULL));
	g_assert_cmpint(question, ==, UB_PERSON_QUESTION_FAILS_ELSEWHERE);
	/* and ruled out: only now the chip */
	ub_evidence_set_answer(evidence, UB_PERSON_QUESTION_FAILS_ELSEWHERE, UB_PERSON_ANSWER_NO);
	g_clear_object(&verdict);
	verdict = ub_rules_evaluate(rules, evidence);
	g_assert_true(ub_verdict_is_damaged(verdict));
	g_assert_cmpint(ub_verdict_get_error_code(verdict), ==, UB_TARGET_ERROR_DEAD);
	g_assert_false(ub_verdict_get_next_question(verdict, evidence, NULL, NULL));

	/* facts no cause knows: the catch-all speaks, alone */
	g_clear_object(&evidence);
	g_clear_object(&verdict);
	evidence = evidence_from("normal=sideways");
	verdict = ub_rules_evaluate(rules, evidence);
	g_assert_cmpuint(ub_verdict_get_causes(verdict)->len, ==, 1);
	g_assert_cmpstr(ub_verdict_get_top(verdict)->id, ==, "unexplained");

	/* held in reset by the board: a verdict of its own, never "answers" */
	g_clear_object(&evidence);
	g_clear_object(&verdict);
	evidence = evidence_from("voltage=ok;normal=ok;stuck_in_reset=true");
	verdict = ub_rules_evaluate(rules, evidence);
	g_assert_cmpstr(ub_verdict_get_top(verdict)->id, ==, "held-in-reset");
	g_assert_null(ub_verdict_find(verdict, "all-good"));
	g_assert_cmpint(ub_verdict_get_error_code(verdict), ==, UB_TARGET_ERROR_HELD_IN_RESET);
}

/*
 * Every combination of the facts that matter: the chip is called damaged only when the power
 * (measured or confirmed), the wires (confirmed) and the probe (confirmed, or by history) are
 * ruled out and nothing answered even under reset by hand; no verdict is empty; none sends
 * anyone to strap BOOT0.
 */
static void
test_never_damaged_while_explained(void)
{
	static const char *const voltage[] = {"none", "partial", "ok", "unknown"};
	static const char *const normal[] = {"no-answer", "garbage", "lost", "asleep"};
	static const char *const under[] = {"no-answer", "ok", "not-tried"};
	static const char *const by_hand[] = {"failed", "not-tried", "ok"};
	static const char *const person[] = {"yes", "no", "unknown"};
	static const char *const history[] = {"new", "worked", "worked-before-fails-now",
					      "never-worked"};
	g_autoptr(GError) error = NULL;
	g_autoptr(UbRules) rules = ub_rules_load(&error);
	guint damaged = 0, total = 0;

	g_assert_no_error(error);
	for (guint v = 0; v < G_N_ELEMENTS(voltage); v++)
	for (guint n = 0; n < G_N_ELEMENTS(normal); n++)
	for (guint u = 0; u < G_N_ELEMENTS(under); u++)
	for (guint h = 0; h < G_N_ELEMENTS(by_hand); h++)
	for (guint p = 0; p < G_N_ELEMENTS(person); p++)
	for (guint w = 0; w < G_N_ELEMENTS(person); w++)
	for (guint f = 0; f < G_N_ELEMENTS(person); f++)
	for (guint y = 0; y < G_N_ELEMENTS(history); y++) {
		g_autofree char *facts = g_strdup_printf(
		    "voltage=%s;normal=%s;under_nrst=%s;by_hand=%s;powered=%s;wires_checked=%s;"
		    "fails_elsewhere=%s;probe_history=%s;probe_rst=unknown",
		    voltage[v], normal[n], under[u], by_hand[h], person[p], person[w], person[f],
		    history[y]);
		g_autoptr(UbEvidence) evidence = evidence_from(facts);
		g_autoptr(UbVerdict) verdict = ub_rules_evaluate(rules, evidence);
		GPtrArray *causes = ub_verdict_get_causes(verdict);
		gboolean power_ok = g_strcmp0(voltage[v], "ok") == 0 ||
				    (g_strcmp0(voltage[v], "unknown") == 0 && p == 0);
		gboolean probe_ok = f == 1 || y == 1;

		total++;
		g_assert_cmpuint(causes->len, >, 0);
		for (guint i = 0; i < causes->len; i++) {
			const UbCause *cause = g_ptr_array_index(causes, i);
			g_assert_null(strstr(cause->next_step, "BOOT0"));
			g_assert_null(strstr(cause->explanation, "BOOT0"));
		}
		if (!ub_verdict_is_damaged(verdict))
			continue;
		damaged++;
		if (!power_ok || w != 0 || !probe_ok || h != 0 || u == 1)
			g_error("damaged with another explanation left: %s", facts);
	}
	g_test_message("%u of %u combinations end in 'damaged'", damaged, total);
	/* the verdict exists: the combinations that rule everything else out reach it */
	g_assert_cmpuint(damaged, >, 0);
}
static void
test_malformed_rules(void)
{
#define CAUSE(extra)                                                                      \
	"{\"causes\": [{\"id\": \"x\", \"kind\": \"wiring\", \"rank\": 1, \"title\": \"t\", "         \
	"\"explanation\": \"e\", \"next_step\": \"n\", \"when\": {}" extra "}]}"
	static const char *const bad[] = {
	    "not json",
	    "{\"causes\": 3}",
	    "{\"rules\": []}",
	    "{\"causes\": [{\"id\": \"x\"}]}",
	    CAUSE(", \"kind\": \"weather\""),
	    CAUSE(", \"rank\": \"high\""),
	    CAUSE(", \"when\": {\"voltage\": {}}"),
	    CAUSE(", \"when\": {\"voltage\": []}"),
	    CAUSE(", \"check\": {\"question\": \"are-you-sure\", \"text\": \"?\"}"),
	    CAUSE(", \"check\": \"wires-checked\""),
	    CAUSE(", \"picture\": \"selfie\""),
	    CAUSE(", \"wires\": [1]"),
	    CAUSE(", \"requires_ruled_out\": [\"luck\"]"),
	    /* every cause has conditions: some evidence would get no verdict */
	    "{\"causes\": [{\"id\": \"x\", \"kind\": \"wiring\", \"rank\": 1, \"title\": \"t\", "
	    "\"explanation\": \"e\", \"next_step\": \"n\", \"when\": {\"normal\": \"ok\"}}]}",
	};
#undef CAUSE

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *path = g_strdup_printf("%s/ub-rules-%u.json", g_get_tmp_dir(), i);
		g_autoptr(GError) error = NULL;
		g_autoptr(UbRules) rules = NULL;

		g_assert_true(g_file_set_contents(path, bad[i], -1, NULL));
		rules = ub_rules_new_from_file(path, &error);
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
			"/diagnosis/%s%s%s%s%s", cases[i].bench, cases[i].probe_kind ? "+" : "",
			cases[i].probe_kind ? cases[i].probe_kind : "", cases[i].facts ? "+" : "",
			cases[i].facts ? cases[i].facts : "");
		g_test_add_data_func(name, &cases[i], test_case);
	}
	g_test_add_func("/diagnosis/rules-on-facts", test_rules_on_facts);
	g_test_add_func("/diagnosis/never-damaged-while-explained",
			test_never_damaged_while_explained);
	g_test_add_func("/diagnosis/malformed-rules", test_malformed_rules);
	return g_test_run();
}
