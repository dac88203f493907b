/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-data-loader.h"
#include "ub-error.h"
#include "ub-verdict.h"

static const char *const kind_names[] = {"ok",	     "power",	   "wiring", "probe",
					 "reset",    "firmware",   "protection", "chip"};
static const char *const question_names[] = {"led-on", "wires-checked", "fails-elsewhere"};
static const char *const picture_names[] = {"pinout", "nrst"};

const char *
ub_cause_kind_to_string(UbCauseKind kind)
{
	return (guint)kind < G_N_ELEMENTS(kind_names) ? kind_names[kind] : "unknown";
}

static gboolean
lookup_name(const char *const *names, guint n_names, const char *name, guint *index)
{
	for (guint i = 0; i < n_names; i++) {
		if (g_strcmp0(names[i], name) == 0) {
			*index = i;
			return TRUE;
		}
	}
	return FALSE;
}

static void
ub_cause_free(gpointer data)
{
	UbCause *cause = data;

	g_free(cause->id);
	g_free(cause->title);
	g_free(cause->explanation);
	g_free(cause->next_step);
	g_strfreev(cause->wires);
	g_free(cause->picture);
	g_free(cause->check_text);
	g_free(cause);
}

/* ---- the verdict ---- */

struct _UbVerdict {
	GObject parent_instance;
	GPtrArray *causes; /* of UbCause */
};

G_DEFINE_TYPE(UbVerdict, ub_verdict, G_TYPE_OBJECT)

static void
ub_verdict_finalize(GObject *object)
{
	g_ptr_array_unref(UB_VERDICT(object)->causes);
	G_OBJECT_CLASS(ub_verdict_parent_class)->finalize(object);
}

static void
ub_verdict_class_init(UbVerdictClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_verdict_finalize;
}

static void
ub_verdict_init(UbVerdict *self)
{
	self->causes = g_ptr_array_new_with_free_func(ub_cause_free);
}

GPtrArray *
ub_verdict_get_causes(UbVerdict *self)
{
	g_return_val_if_fail(UB_IS_VERDICT(self), NULL);
	return self->causes;
}

const UbCause *
ub_verdict_get_top(UbVerdict *self)
{
	g_return_val_if_fail(UB_IS_VERDICT(self), NULL);
	return self->causes->len > 0 ? g_ptr_array_index(self->causes, 0) : NULL;
}

const UbCause *
ub_verdict_find(UbVerdict *self, const char *id)
{
	g_return_val_if_fail(UB_IS_VERDICT(self), NULL);
	for (guint i = 0; i < self->causes->len; i++) {
		const UbCause *cause = g_ptr_array_index(self->causes, i);
		if (g_strcmp0(cause->id, id) == 0)
			return cause;
	}
	return NULL;
}

gboolean
ub_verdict_is_ok(UbVerdict *self)
{
	const UbCause *top = ub_verdict_get_top(self);

	return top != NULL && top->kind == UB_CAUSE_KIND_OK;
}

gboolean
ub_verdict_is_damaged(UbVerdict *self)
{
	const UbCause *top = ub_verdict_get_top(self);

	return top != NULL && top->kind == UB_CAUSE_KIND_CHIP;
}

gboolean
ub_verdict_get_next_question(UbVerdict *self, UbEvidence *evidence, UbPersonQuestion *question,
			     const char **text)
{
	g_return_val_if_fail(UB_IS_VERDICT(self), FALSE);
	g_return_val_if_fail(UB_IS_EVIDENCE(evidence), FALSE);

	for (guint i = 0; i < self->causes->len; i++) {
		const UbCause *cause = g_ptr_array_index(self->causes, i);
		const char *known;

		if (!cause->has_check)
			continue;
		known = ub_evidence_get_fact(evidence, ub_evidence_fact_for_question(cause->check));
		if (known != NULL && g_strcmp0(known, "unknown") != 0)
			continue;
		if (question != NULL)
			*question = cause->check;
		if (text != NULL)
			*text = cause->check_text;
		return TRUE;
	}
	return FALSE;
}

gint
ub_verdict_get_error_code(UbVerdict *self)
{
	const UbCause *top = ub_verdict_get_top(self);

	switch (top != NULL ? top->kind : UB_CAUSE_KIND_WIRING) {
	case UB_CAUSE_KIND_POWER:
		return UB_TARGET_ERROR_NO_POWER;
	case UB_CAUSE_KIND_RESET:
		return UB_TARGET_ERROR_HELD_IN_RESET;
	case UB_CAUSE_KIND_PROTECTION:
		return UB_TARGET_ERROR_READ_PROTECTED;
	case UB_CAUSE_KIND_CHIP:
		return UB_TARGET_ERROR_DEAD;
	case UB_CAUSE_KIND_OK:
	case UB_CAUSE_KIND_WIRING:
	case UB_CAUSE_KIND_PROBE:
	case UB_CAUSE_KIND_FIRMWARE:
	default:
		return UB_TARGET_ERROR_NO_ACK;
	}
}

void
ub_verdict_set_error(UbVerdict *self, GError **error)
{
	const UbCause *top;

	g_return_if_fail(UB_IS_VERDICT(self));
	top = ub_verdict_get_top(self);
	/* TRANSLATORS: a verdict in one line: the likely cause, then what to do */
	g_set_error(error, UB_TARGET_ERROR, ub_verdict_get_error_code(self), _("%s. %s"),
		    top->title, top->next_step);
}

JsonNode *
ub_verdict_to_json(UbVerdict *self)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	g_return_val_if_fail(UB_IS_VERDICT(self), NULL);
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "damaged");
	json_builder_add_boolean_value(builder, ub_verdict_is_damaged(self));
	json_builder_set_member_name(builder, "causes");
	json_builder_begin_array(builder);
	for (guint i = 0; i < self->causes->len; i++) {
		const UbCause *cause = g_ptr_array_index(self->causes, i);

		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "id");
		json_builder_add_string_value(builder, cause->id);
		json_builder_set_member_name(builder, "kind");
		json_builder_add_string_value(builder, ub_cause_kind_to_string(cause->kind));
		json_builder_set_member_name(builder, "title");
		json_builder_add_string_value(builder, cause->title);
		json_builder_set_member_name(builder, "explanation");
		json_builder_add_string_value(builder, cause->explanation);
		json_builder_set_member_name(builder, "next_step");
		json_builder_add_string_value(builder, cause->next_step);
		json_builder_set_member_name(builder, "wires");
		json_builder_begin_array(builder);
		for (guint w = 0; cause->wires[w] != NULL; w++)
			json_builder_add_string_value(builder, cause->wires[w]);
		json_builder_end_array(builder);
		json_builder_set_member_name(builder, "picture");
		if (cause->picture != NULL)
			json_builder_add_string_value(builder, cause->picture);
		else
			json_builder_add_null_value(builder);
		if (cause->has_check) {
			json_builder_set_member_name(builder, "check");
			json_builder_begin_object(builder);
			json_builder_set_member_name(builder, "question");
			json_builder_add_string_value(builder,
						      ub_person_question_to_string(cause->check));
			json_builder_set_member_name(builder, "text");
			json_builder_add_string_value(builder, cause->check_text);
			json_builder_end_object(builder);
		}
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

/* ---- the rules ---- */

typedef struct {
	char *id;
	UbCauseKind kind;
	int rank;
	JsonObject *when;
	guint ruled_out_kinds; /* bit per UbCauseKind that must be ruled out first */
	char *title, *explanation, *next_step;
	GStrv wires;
	char *picture;
	gboolean has_check;
	UbPersonQuestion check;
	char *check_text;
} UbRule;

struct _UbRules {
	GObject parent_instance;
	JsonNode *root;
	GArray *rules; /* of UbRule */
};

G_DEFINE_TYPE(UbRules, ub_rules, G_TYPE_OBJECT)

static void
ub_rule_clear(gpointer data)
{
	UbRule *rule = data;

	g_free(rule->id);
	g_free(rule->title);
	g_free(rule->explanation);
	g_free(rule->next_step);
	g_strfreev(rule->wires);
	g_free(rule->picture);
	g_free(rule->check_text);
}

static void
ub_rules_finalize(GObject *object)
{
	UbRules *self = UB_RULES(object);

	g_array_unref(self->rules);
	g_clear_pointer(&self->root, json_node_unref);
	G_OBJECT_CLASS(ub_rules_parent_class)->finalize(object);
}

static void
ub_rules_class_init(UbRulesClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_rules_finalize;
}

static void
ub_rules_init(UbRules *self)
{
	self->rules = g_array_new(FALSE, TRUE, sizeof(UbRule));
	g_array_set_clear_func(self->rules, ub_rule_clear);
}

static gboolean
rules_invalid(GError **error, const char *path, guint index, const char *what)
{
	g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: causes[%u]: %s", path, index,
		    what);
	return FALSE;
}

static const char *
rules_get_string(JsonObject *object, const char *member)
{
	JsonNode *node = json_object_get_member(object, member);

	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
	    json_node_get_value_type(node) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(node);
}

/* a condition value: a string, a boolean or a whole number, or a list of them */
static gboolean
rules_condition_valid(JsonNode *node, gboolean in_list)
{
	if (JSON_NODE_HOLDS_ARRAY(node) && !in_list) {
		JsonArray *array = json_node_get_array(node);
		if (json_array_get_length(array) == 0)
			return FALSE;
		for (guint i = 0; i < json_array_get_length(array); i++)
			if (!rules_condition_valid(json_array_get_element(array, i), TRUE))
				return FALSE;
		return TRUE;
	}
	if (!JSON_NODE_HOLDS_VALUE(node))
		return FALSE;
	switch (json_node_get_value_type(node)) {
	case G_TYPE_STRING:
	case G_TYPE_BOOLEAN:
	case G_TYPE_INT64:
		return TRUE;
	default:
		return FALSE;
	}
}

static gboolean
rules_parse_strings(JsonObject *object, const char *member, GStrv *out)
{
	JsonNode *node = json_object_get_member(object, member);
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();

	if (node != NULL) {
		JsonArray *array;
		if (!JSON_NODE_HOLDS_ARRAY(node))
			return FALSE;
		array = json_node_get_array(node);
		for (guint i = 0; i < json_array_get_length(array); i++) {
			JsonNode *element = json_array_get_element(array, i);
			if (!JSON_NODE_HOLDS_VALUE(element) ||
			    json_node_get_value_type(element) != G_TYPE_STRING)
				return FALSE;
			g_strv_builder_add(builder, json_node_get_string(element));
		}
	}
	*out = g_strv_builder_end(builder);
	return TRUE;
}

static gboolean
rules_parse_one(UbRules *self, JsonNode *node, const char *path, guint index, GError **error)
{
	UbRule rule = {0};
	JsonObject *object;
	JsonNode *when, *rank, *check;
	const char *kind, *picture;
	g_auto(GStrv) ruled_out = NULL;
	guint value;

	if (!JSON_NODE_HOLDS_OBJECT(node))
		return rules_invalid(error, path, index, "not an object");
	object = json_node_get_object(node);
	kind = rules_get_string(object, "kind");
	if (rules_get_string(object, "id") == NULL || rules_get_string(object, "title") == NULL ||
	    rules_get_string(object, "explanation") == NULL ||
	    rules_get_string(object, "next_step") == NULL || kind == NULL)
		return rules_invalid(error, path, index,
				     "needs id, kind, title, explanation and next_step strings");
	if (!lookup_name(kind_names, G_N_ELEMENTS(kind_names), kind, &value))
		return rules_invalid(error, path, index, "unknown kind");
	rule.kind = value;
	rank = json_object_get_member(object, "rank");
	if (rank == NULL || !JSON_NODE_HOLDS_VALUE(rank) ||
	    json_node_get_value_type(rank) != G_TYPE_INT64)
		return rules_invalid(error, path, index, "needs a whole-number rank");
	when = json_object_get_member(object, "when");
	if (when == NULL || !JSON_NODE_HOLDS_OBJECT(when))
		return rules_invalid(error, path, index, "needs a 'when' object");
	{
		g_autoptr(GList) members = json_object_get_members(json_node_get_object(when));
		for (GList *l = members; l != NULL; l = l->next) {
			if (!rules_condition_valid(
				json_object_get_member(json_node_get_object(when), l->data), FALSE))
				return rules_invalid(error, path, index,
						     "a 'when' value must be a string, a boolean, "
						     "a number or a list of them");
		}
	}
	if (!rules_parse_strings(object, "requires_ruled_out", &ruled_out))
		return rules_invalid(error, path, index, "requires_ruled_out: a list of kinds");
	for (guint i = 0; ruled_out[i] != NULL; i++) {
		if (!lookup_name(kind_names, G_N_ELEMENTS(kind_names), ruled_out[i], &value))
			return rules_invalid(error, path, index,
					     "requires_ruled_out: unknown kind");
		rule.ruled_out_kinds |= 1u << value;
	}
	picture = rules_get_string(object, "picture");
	if (json_object_has_member(object, "picture") &&
	    !JSON_NODE_HOLDS_NULL(json_object_get_member(object, "picture")) &&
	    (picture == NULL ||
	     !lookup_name(picture_names, G_N_ELEMENTS(picture_names), picture, &value)))
		return rules_invalid(error, path, index, "picture: 'pinout', 'nrst' or null");
	check = json_object_get_member(object, "check");
	if (check != NULL) {
		JsonObject *check_object;
		const char *question, *text;

		if (!JSON_NODE_HOLDS_OBJECT(check))
			return rules_invalid(error, path, index, "check: an object");
		check_object = json_node_get_object(check);
		question = rules_get_string(check_object, "question");
		text = rules_get_string(check_object, "text");
		if (question == NULL || text == NULL ||
		    !lookup_name(question_names, G_N_ELEMENTS(question_names), question, &value))
			return rules_invalid(error, path, index,
					     "check: a known question and its text");
		rule.has_check = TRUE;
		rule.check = value;
		rule.check_text = g_strdup(text);
	}
	rule.wires = NULL;
	if (!rules_parse_strings(object, "wires", &rule.wires)) {
		g_free(rule.check_text);
		return rules_invalid(error, path, index, "wires: a list of signal names");
	}
	rule.id = g_strdup(rules_get_string(object, "id"));
	rule.rank = (int)json_node_get_int(rank);
	rule.when = json_node_get_object(when);
	rule.title = g_strdup(rules_get_string(object, "title"));
	rule.explanation = g_strdup(rules_get_string(object, "explanation"));
	rule.next_step = g_strdup(rules_get_string(object, "next_step"));
	rule.picture = g_strdup(picture);
	g_array_append_val(self->rules, rule);
	return TRUE;
}

UbRules *
ub_rules_new_from_file(const char *path, GError **error)
{
	g_autofree char *text = NULL;
	gsize len = 0;
	g_autoptr(GError) error_local = NULL;

	g_return_val_if_fail(path != NULL, NULL);
	if (!g_file_get_contents(path, &text, &len, &error_local)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: %s", path,
			    error_local->message);
		return NULL;
	}
	return ub_rules_new_from_data(text, (gssize)len, path, error);
}

/**
 * ub_rules_new_from_data:
 * @path: names the rules in messages
 */
UbRules *
ub_rules_new_from_data(const char *text, gssize len, const char *path, GError **error)
{
	g_autoptr(UbRules) self = g_object_new(UB_TYPE_RULES, NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error_local = NULL;
	JsonNode *causes;
	JsonArray *array;
	gboolean catch_all = FALSE;

	g_return_val_if_fail(path != NULL, NULL);

	if (!json_parser_load_from_data(parser, text != NULL ? text : "", len, &error_local)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: not valid JSON: %s",
			    path, error_local->message);
		return NULL;
	}
	self->root = json_parser_steal_root(parser);
	/* an empty file parses to no root at all */
	causes = self->root != NULL && JSON_NODE_HOLDS_OBJECT(self->root)
		     ? json_object_get_member(json_node_get_object(self->root), "causes")
		     : NULL;
	if (causes == NULL || !JSON_NODE_HOLDS_ARRAY(causes)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			    "%s: expected an object with a 'causes' list", path);
		return NULL;
	}
	array = json_node_get_array(causes);
	for (guint i = 0; i < json_array_get_length(array); i++) {
		if (!rules_parse_one(self, json_array_get_element(array, i), path, i, error))
			return NULL;
	}
	/* a verdict is never empty: some cause must hold whatever the facts */
	for (guint i = 0; i < self->rules->len; i++) {
		const UbRule *rule = &g_array_index(self->rules, UbRule, i);
		catch_all |= json_object_get_size(rule->when) == 0 && rule->ruled_out_kinds == 0;
	}
	if (!catch_all) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			    "%s: no cause without conditions: some evidence would get no verdict",
			    path);
		return NULL;
	}
	return g_steal_pointer(&self);
}

UbRules *
ub_rules_load(GError **error)
{
	g_autofree char *dir = ub_data_find_dir("diagnosis", error);
	g_autofree char *path = NULL;

	if (dir == NULL)
		return NULL;
	path = g_build_filename(dir, "rules.json", NULL);
	return ub_rules_new_from_file(path, error);
}

/* a fact nobody established is "unknown" */
static gboolean
rules_value_matches(JsonNode *want, const char *have)
{
	if (have == NULL)
		have = "unknown";
	if (JSON_NODE_HOLDS_ARRAY(want)) {
		JsonArray *array = json_node_get_array(want);
		for (guint i = 0; i < json_array_get_length(array); i++)
			if (rules_value_matches(json_array_get_element(array, i), have))
				return TRUE;
		return FALSE;
	}
	switch (json_node_get_value_type(want)) {
	case G_TYPE_STRING:
		return g_strcmp0(json_node_get_string(want), have) == 0;
	case G_TYPE_BOOLEAN:
		return g_strcmp0(json_node_get_boolean(want) ? "true" : "false", have) == 0;
	case G_TYPE_INT64: {
		g_autofree char *text = g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(want));
		return g_strcmp0(text, have) == 0;
	}
	default:
		return FALSE;
	}
}

static gboolean
rules_matches(const UbRule *rule, UbEvidence *evidence)
{
	g_autoptr(GList) members = json_object_get_members(rule->when);

	for (GList *l = members; l != NULL; l = l->next) {
		if (!rules_value_matches(json_object_get_member(rule->when, l->data),
					 ub_evidence_get_fact(evidence, l->data)))
			return FALSE;
	}
	return TRUE;
}

/* once the chip was reached (fact "reached"), nothing stands in the way any more: only what
 * describes the reached chip (ok, protection) can be said of it */
static gboolean
rules_admits(const UbRule *rule, UbEvidence *evidence)
{
	const char *reached = ub_evidence_get_fact(evidence, "reached");

	if (reached != NULL && g_strcmp0(reached, "no") != 0 &&
	    g_strcmp0(reached, "unknown") != 0 && rule->kind != UB_CAUSE_KIND_OK &&
	    rule->kind != UB_CAUSE_KIND_PROTECTION)
		return FALSE;
	return rules_matches(rule, evidence);
}

static gint
cause_compare(gconstpointer a, gconstpointer b)
{
	const UbCause *x = *(const UbCause *const *)a;
	const UbCause *y = *(const UbCause *const *)b;

	return (y->rank > x->rank) - (y->rank < x->rank);
}

static UbCause *
rules_new_cause(const UbRule *rule)
{
	UbCause *cause = g_new0(UbCause, 1);

	cause->id = g_strdup(rule->id);
	cause->kind = rule->kind;
	cause->rank = rule->rank;
	/* the texts are in the project's catalogue (po/) */
	cause->title = g_strdup(g_dgettext(GETTEXT_PACKAGE, rule->title));
	cause->explanation = g_strdup(g_dgettext(GETTEXT_PACKAGE, rule->explanation));
	cause->next_step = g_strdup(g_dgettext(GETTEXT_PACKAGE, rule->next_step));
	cause->wires = g_strdupv(rule->wires);
	cause->picture = g_strdup(rule->picture);
	cause->has_check = rule->has_check;
	cause->check = rule->check;
	cause->check_text =
	    rule->check_text != NULL ? g_strdup(g_dgettext(GETTEXT_PACKAGE, rule->check_text))
				     : NULL;
	return cause;
}

UbVerdict *
ub_rules_evaluate(UbRules *self, UbEvidence *evidence)
{
	g_autoptr(UbVerdict) verdict = g_object_new(UB_TYPE_VERDICT, NULL);
	guint possible_kinds = 0;

	g_return_val_if_fail(UB_IS_RULES(self), NULL);
	g_return_val_if_fail(UB_IS_EVIDENCE(evidence), NULL);

	/* which kinds of cause the evidence still allows, before the ones that need others
	 * ruled out are considered */
	for (guint i = 0; i < self->rules->len; i++) {
		const UbRule *rule = &g_array_index(self->rules, UbRule, i);
		if (rule->ruled_out_kinds == 0 && json_object_get_size(rule->when) > 0 &&
		    rules_admits(rule, evidence))
			possible_kinds |= 1u << rule->kind;
	}
	for (guint pass = 0; pass < 2 && verdict->causes->len == 0; pass++) {
		for (guint i = 0; i < self->rules->len; i++) {
			const UbRule *rule = &g_array_index(self->rules, UbRule, i);

			/* the first pass admits what the evidence allows; the catch-alls (no
			 * conditions) speak only when nothing else does */
			if ((json_object_get_size(rule->when) == 0) != (pass == 1))
				continue;
			if (!rules_admits(rule, evidence) ||
			    (rule->ruled_out_kinds & possible_kinds) != 0)
				continue;
			g_ptr_array_add(verdict->causes, rules_new_cause(rule));
		}
	}
	/* g_ptr_array_sort is not stable; equal ranks keep the file's order */
	{
		g_autoptr(GPtrArray) sorted = g_ptr_array_new();
		for (guint i = 0; i < verdict->causes->len; i++)
			g_ptr_array_add(sorted, g_ptr_array_index(verdict->causes, i));
		g_ptr_array_set_free_func(verdict->causes, NULL);
		g_ptr_array_set_size(verdict->causes, 0);
		g_ptr_array_set_free_func(verdict->causes, ub_cause_free);
		while (sorted->len > 0) {
			guint best = 0;
			for (guint i = 1; i < sorted->len; i++)
				if (cause_compare(&sorted->pdata[i], &sorted->pdata[best]) < 0)
					best = i;
			g_ptr_array_add(verdict->causes, g_ptr_array_steal_index(sorted, best));
		}
	}
	return g_steal_pointer(&verdict);
}
