/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How the facts are read from the wire (../shared/reference/stlink-and-stm32f4.md §4.4):
 * - ST-LINK status 0x09/0x05/0x04 on ENTER/IDCODE: nobody drives SWDIO (no ACK) → "no-answer";
 *   any other failure (parity, DP error, nonsense ACKs) → "garbage", what a floating ground gives.
 * - A target voltage between 0.3 V and 2.6 V on a 3.3 V board is a supply seen through a missing
 *   GND wire (the probe's divider floats); below that, no supply. A probe that reports its own
 *   rail (most clones) gives "unknown".
 * - DHCSR.S_RESET_ST is sticky and cleared by reading it; set again on a second read means the
 *   chip is being held in reset right now.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-data-loader.h"
#include "ub-diagnosis.h"
#include "ub-error.h"
#include "ub-probe-db.h"

#define FLASH_OPTCR 0x40023C14u

static const guint diag_clocks_khz[] = {1800, 480, 100};

/* ---- rules ---- */

typedef struct {
	char *id;
	int rank;
	JsonObject *when;
	char *title, *explanation, *next_step;
	GStrv wires;
} DiagRule;

struct _UbDiagRules {
	GObject parent_instance;
	JsonNode *root;
	GArray *rules; /* of DiagRule */
};

G_DEFINE_TYPE(UbDiagRules, ub_diag_rules, G_TYPE_OBJECT)

static void
diag_rule_clear(gpointer data)
{
	DiagRule *rule = data;

	g_free(rule->id);
	g_free(rule->title);
	g_free(rule->explanation);
	g_free(rule->next_step);
	g_strfreev(rule->wires);
}

static void
ub_diag_rules_finalize(GObject *object)
{
	UbDiagRules *self = UB_DIAG_RULES(object);

	g_array_unref(self->rules);
	g_clear_pointer(&self->root, json_node_unref);
	G_OBJECT_CLASS(ub_diag_rules_parent_class)->finalize(object);
}

static void
ub_diag_rules_class_init(UbDiagRulesClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_diag_rules_finalize;
}

static void
ub_diag_rules_init(UbDiagRules *self)
{
	self->rules = g_array_new(FALSE, TRUE, sizeof(DiagRule));
	g_array_set_clear_func(self->rules, diag_rule_clear);
}

static gboolean
diag_invalid(GError **error, const char *path, guint index, const char *what)
{
	g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: rules[%u]: %s", path, index,
		    what);
	return FALSE;
}

static const char *
diag_get_string(JsonObject *object, const char *member)
{
	JsonNode *node = json_object_get_member(object, member);

	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
	    json_node_get_value_type(node) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(node);
}

static gboolean
diag_is_string_list(JsonNode *node)
{
	JsonArray *array;

	if (!JSON_NODE_HOLDS_ARRAY(node))
		return FALSE;
	array = json_node_get_array(node);
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *element = json_array_get_element(array, i);
		if (!JSON_NODE_HOLDS_VALUE(element) ||
		    json_node_get_value_type(element) != G_TYPE_STRING)
			return FALSE;
	}
	return TRUE;
}

UbDiagRules *
ub_diag_rules_new_from_file(const char *path, GError **error)
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
	return ub_diag_rules_new_from_data(text, (gssize)len, path, error);
}

/**
 * ub_diag_rules_new_from_data:
 * @path: names the rules in messages
 */
UbDiagRules *
ub_diag_rules_new_from_data(const char *text, gssize len, const char *path, GError **error)
{
	g_autoptr(UbDiagRules) self = g_object_new(UB_TYPE_DIAG_RULES, NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error_local = NULL;
	JsonObject *root;
	JsonArray *rules;

	g_return_val_if_fail(path != NULL, NULL);
	if (!json_parser_load_from_data(parser, text, len, &error_local)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: not valid JSON: %s",
			    path, error_local->message);
		return NULL;
	}
	self->root = json_parser_steal_root(parser);
	if (self->root == NULL || !JSON_NODE_HOLDS_OBJECT(self->root) ||
	    !json_object_has_member(json_node_get_object(self->root), "rules") ||
	    !JSON_NODE_HOLDS_ARRAY(json_object_get_member(json_node_get_object(self->root),
							  "rules"))) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			    "%s: expected an object with a 'rules' list", path);
		return NULL;
	}
	root = json_node_get_object(self->root);
	rules = json_object_get_array_member(root, "rules");
	for (guint i = 0; i < json_array_get_length(rules); i++) {
		JsonNode *node = json_array_get_element(rules, i);
		JsonObject *object;
		DiagRule rule = {0};
		JsonNode *wires;
		JsonNode *rank;

		if (!JSON_NODE_HOLDS_OBJECT(node))
			return diag_invalid(error, path, i, "not an object") ? NULL : NULL;
		object = json_node_get_object(node);
		if (diag_get_string(object, "id") == NULL || diag_get_string(object, "title") == NULL ||
		    diag_get_string(object, "explanation") == NULL ||
		    diag_get_string(object, "next_step") == NULL)
			return diag_invalid(error, path, i,
					    "needs id, title, explanation and next_step strings")
				       ? NULL
				       : NULL;
		if (!json_object_has_member(object, "when") ||
		    !JSON_NODE_HOLDS_OBJECT(json_object_get_member(object, "when")))
			return diag_invalid(error, path, i, "needs a 'when' object") ? NULL : NULL;
		rank = json_object_get_member(object, "rank");
		if (rank != NULL && (!JSON_NODE_HOLDS_VALUE(rank) ||
				     json_node_get_value_type(rank) != G_TYPE_INT64 ||
				     json_node_get_int(rank) < G_MININT ||
				     json_node_get_int(rank) > G_MAXINT))
			return diag_invalid(error, path, i, "'rank' must be a whole number") ? NULL
											     : NULL;
		wires = json_object_get_member(object, "wires");
		if (wires != NULL && !diag_is_string_list(wires))
			return diag_invalid(error, path, i, "'wires' must be a list of strings")
				       ? NULL
				       : NULL;
		rule.id = g_strdup(diag_get_string(object, "id"));
		rule.rank = rank != NULL ? (int)json_node_get_int(rank) : 0;
		rule.when = json_object_get_object_member(object, "when");
		rule.title = g_strdup(diag_get_string(object, "title"));
		rule.explanation = g_strdup(diag_get_string(object, "explanation"));
		rule.next_step = g_strdup(diag_get_string(object, "next_step"));
		if (wires != NULL) {
			JsonArray *array = json_node_get_array(wires);
			g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
			for (guint w = 0; w < json_array_get_length(array); w++)
				g_strv_builder_add(builder,
						   json_array_get_string_element(array, w));
			rule.wires = g_strv_builder_end(builder);
		} else {
			rule.wires = g_new0(char *, 1);
		}
		g_array_append_val(self->rules, rule);
	}
	return g_steal_pointer(&self);
}

UbDiagRules *
ub_diag_rules_load(GError **error)
{
	g_autofree char *dir = ub_data_find_dir("diagnosis", error);
	g_autofree char *path = NULL;

	if (dir == NULL)
		return NULL;
	path = g_build_filename(dir, "rules.json", NULL);
	return ub_diag_rules_new_from_file(path, error);
}

/* ---- a diagnosis ---- */

struct _UbDiagnosis {
	GObject parent_instance;
	GHashTable *facts;
	GPtrArray *notes;
	GPtrArray *causes;
};

G_DEFINE_TYPE(UbDiagnosis, ub_diagnosis, G_TYPE_OBJECT)

static void
diag_cause_free(gpointer data)
{
	UbDiagCause *cause = data;

	g_free(cause->id);
	g_free(cause->title);
	g_free(cause->explanation);
	g_free(cause->next_step);
	g_strfreev(cause->wires);
	g_free(cause);
}

static void
ub_diagnosis_finalize(GObject *object)
{
	UbDiagnosis *self = UB_DIAGNOSIS(object);

	g_hash_table_unref(self->facts);
	g_ptr_array_unref(self->notes);
	g_ptr_array_unref(self->causes);
	G_OBJECT_CLASS(ub_diagnosis_parent_class)->finalize(object);
}

static void
ub_diagnosis_class_init(UbDiagnosisClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_diagnosis_finalize;
}

static void
ub_diagnosis_init(UbDiagnosis *self)
{
	self->facts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	self->notes = g_ptr_array_new_with_free_func(g_free);
	self->causes = g_ptr_array_new_with_free_func(diag_cause_free);
}

UbDiagnosis *
ub_diagnosis_new(void)
{
	return g_object_new(UB_TYPE_DIAGNOSIS, NULL);
}

void
ub_diagnosis_set_fact(UbDiagnosis *self, const char *name, const char *value)
{
	g_return_if_fail(UB_IS_DIAGNOSIS(self));
	g_hash_table_replace(self->facts, g_strdup(name), g_strdup(value));
}

const char *
ub_diagnosis_get_fact(UbDiagnosis *self, const char *name)
{
	g_return_val_if_fail(UB_IS_DIAGNOSIS(self), NULL);
	return g_hash_table_lookup(self->facts, name);
}

void
ub_diagnosis_add_note(UbDiagnosis *self, const char *note)
{
	g_return_if_fail(UB_IS_DIAGNOSIS(self));
	g_ptr_array_add(self->notes, g_strdup(note));
}

GPtrArray *
ub_diagnosis_get_notes(UbDiagnosis *self)
{
	g_return_val_if_fail(UB_IS_DIAGNOSIS(self), NULL);
	return self->notes;
}

GPtrArray *
ub_diagnosis_get_causes(UbDiagnosis *self)
{
	g_return_val_if_fail(UB_IS_DIAGNOSIS(self), NULL);
	return self->causes;
}

/* a rule's value: a string, a boolean or number (compared as text), or a list of any of them */
static gboolean
diag_value_matches(JsonNode *want, const char *have)
{
	if (JSON_NODE_HOLDS_ARRAY(want)) {
		JsonArray *array = json_node_get_array(want);
		for (guint i = 0; i < json_array_get_length(array); i++)
			if (diag_value_matches(json_array_get_element(array, i), have))
				return TRUE;
		return FALSE;
	}
	if (!JSON_NODE_HOLDS_VALUE(want))
		return FALSE;
	switch (json_node_get_value_type(want)) {
	case G_TYPE_STRING:
		return g_strcmp0(json_node_get_string(want), have) == 0;
	case G_TYPE_BOOLEAN:
		return g_strcmp0(json_node_get_boolean(want) ? "true" : "false",
				 have != NULL ? have : "false") == 0;
	case G_TYPE_INT64: {
		g_autofree char *text = g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(want));
		return g_strcmp0(text, have) == 0;
	}
	default:
		return FALSE;
	}
}

static gint
diag_cause_compare(gconstpointer a, gconstpointer b)
{
	const UbDiagCause *x = *(const UbDiagCause *const *)a;
	const UbDiagCause *y = *(const UbDiagCause *const *)b;

	return (y->rank > x->rank) - (y->rank < x->rank);
}

gboolean
ub_diagnosis_evaluate(UbDiagnosis *self, UbDiagRules *rules, GError **error)
{
	g_return_val_if_fail(UB_IS_DIAGNOSIS(self), FALSE);
	g_return_val_if_fail(UB_IS_DIAG_RULES(rules), FALSE);

	g_ptr_array_set_size(self->causes, 0);
	for (guint i = 0; i < rules->rules->len; i++) {
		const DiagRule *rule = &g_array_index(rules->rules, DiagRule, i);
		g_autoptr(GList) members = json_object_get_members(rule->when);
		gboolean match = TRUE;
		UbDiagCause *cause;

		for (GList *l = members; l != NULL && match; l = l->next)
			match = diag_value_matches(json_object_get_member(rule->when, l->data),
						   g_hash_table_lookup(self->facts, l->data));
		if (!match)
			continue;
		cause = g_new0(UbDiagCause, 1);
		cause->id = g_strdup(rule->id);
		cause->rank = rule->rank;
		/* the rules' texts are in the project's catalogue (po/) */
		cause->title = g_strdup(g_dgettext(GETTEXT_PACKAGE, rule->title));
		cause->explanation = g_strdup(g_dgettext(GETTEXT_PACKAGE, rule->explanation));
		cause->next_step = g_strdup(g_dgettext(GETTEXT_PACKAGE, rule->next_step));
		cause->wires = g_strdupv(rule->wires);
		g_ptr_array_add(self->causes, cause);
	}
	g_ptr_array_sort(self->causes, diag_cause_compare);
	if (self->causes->len == 0) {
		g_set_error_literal(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
				    "no diagnosis rule matches these facts");
		return FALSE;
	}
	return TRUE;
}

JsonNode *
ub_diagnosis_to_json(UbDiagnosis *self)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(GList) names = NULL;

	g_return_val_if_fail(UB_IS_DIAGNOSIS(self), NULL);
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "facts");
	json_builder_begin_object(builder);
	names = g_list_sort(g_hash_table_get_keys(self->facts), (GCompareFunc)g_strcmp0);
	for (GList *l = names; l != NULL; l = l->next) {
		json_builder_set_member_name(builder, l->data);
		json_builder_add_string_value(builder, g_hash_table_lookup(self->facts, l->data));
	}
	json_builder_end_object(builder);
	json_builder_set_member_name(builder, "causes");
	json_builder_begin_array(builder);
	for (guint i = 0; i < self->causes->len; i++) {
		const UbDiagCause *cause = g_ptr_array_index(self->causes, i);
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "id");
		json_builder_add_string_value(builder, cause->id);
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
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	json_builder_set_member_name(builder, "evidence");
	json_builder_begin_array(builder);
	for (guint i = 0; i < self->notes->len; i++)
		json_builder_add_string_value(builder, g_ptr_array_index(self->notes, i));
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

/* ---- gathering the facts ---- */

static void
diag_sleep_ms(UbDevice *device, guint ms)
{
	ub_clock_sleep_ms(ub_device_get_clock(device), ms);
}

/* "ok", "no-answer" or "garbage" for one attempt to reach the DP */
static const char *
diag_try_dp(UbProbe *probe, GError **error)
{
	guint32 idcode = 0;

	if (ub_probe_enter_swd(probe, error) && ub_probe_read_dp_idcode(probe, &idcode, error))
		return "ok";
	if (g_error_matches(*error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK))
		return "no-answer";
	return "garbage";
}

static gboolean
diag_in_reset_now(UbProbe *probe, gboolean *in_reset, GError **error)
{
	guint32 dhcsr = 0;

	if (!ub_probe_read_u32(probe, UB_DHCSR, &dhcsr, error) ||
	    !ub_probe_read_u32(probe, UB_DHCSR, &dhcsr, error))
		return FALSE;
	*in_reset = (dhcsr & UB_DHCSR_S_RESET_ST) != 0;
	return TRUE;
}

static void
diag_release(UbProbe *probe)
{
	g_autoptr(GError) error = NULL;

	if (!ub_probe_drive_nrst(probe, UB_NRST_HIGH, &error))
		g_debug("releasing NRST: %s", error->message);
}

UbDiagnosis *
ub_diagnosis_gather(UbDevice *device, const char *probe_model, GCancellable *cancellable,
		    GError **error)
{
	g_autoptr(UbDiagnosis) self = ub_diagnosis_new();
	g_autoptr(UbProbeDb) probes = ub_probe_db_new();
	g_autoptr(GError) error_local = NULL;
	UbProbeModel *model = NULL;
	UbProbe *probe;
	const char *normal = "no-answer";
	gboolean garbled = FALSE;
	guint mv = 0;

	if (!ub_device_open(device, cancellable, error))
		return NULL;
	probe = ub_device_get_probe(device);
	ub_target_set_disconnected(ub_device_get_target(device));
	if (probe_model != NULL && ub_probe_db_load(probes, &error_local))
		model = ub_probe_db_lookup(probes, probe_model);
	g_clear_error(&error_local);

	/* what the person's probe can be trusted with */
	if (model == NULL)
		ub_diagnosis_set_fact(self, "probe_rst", "unknown");
	else
		ub_diagnosis_set_fact(self, "probe_rst",
				      ub_probe_model_get_reset_line(model) == UB_RESET_LINE_DRIVES_NRST
					      ? "reaches"
				      : ub_probe_model_get_reset_line(model) ==
						      UB_RESET_LINE_NOT_CONNECTED
					      ? "does-not-reach"
					      : "unknown");

	/* voltage */
	if (model != NULL &&
	    ub_probe_model_get_voltage_reading(model) == UB_VOLTAGE_READING_OWN_RAIL) {
		ub_diagnosis_set_fact(self, "voltage", "unknown");
		ub_diagnosis_add_note(self, _("This probe reports its own 3.3 V, not the board's"));
	} else if (ub_probe_get_target_voltage(probe, &mv, &error_local)) {
		g_autofree char *note = g_strdup_printf(_("Target voltage %.2f V"), mv / 1000.0);
		ub_diagnosis_set_fact(self, "voltage", mv < 300	   ? "none"
						       : mv < 2600 ? "partial"
								   : "ok");
		ub_diagnosis_add_note(self, note);
	} else {
		ub_diagnosis_set_fact(self, "voltage", "unknown");
		g_clear_error(&error_local);
	}

	/* the DP at several clocks */
	for (guint i = 0; i < G_N_ELEMENTS(diag_clocks_khz); i++) {
		g_autofree char *note = NULL;
		guint actual = 0;

		if (g_cancellable_set_error_if_cancelled(cancellable, error))
			return NULL;
		if (!ub_probe_set_swd_frequency(probe, diag_clocks_khz[i], &actual, NULL))
			actual = diag_clocks_khz[i];
		normal = diag_try_dp(probe, &error_local);
		note = error_local != NULL
			       ? g_strdup_printf(_("At %u kHz: %s"), actual, error_local->message)
			       : g_strdup_printf(_("At %u kHz: the chip answers"), actual);
		ub_diagnosis_add_note(self, note);
		g_clear_error(&error_local);
		if (g_strcmp0(normal, "ok") == 0)
			break;
		/* one nonsensical answer among silences still means a noisy line */
		garbled |= g_strcmp0(normal, "garbage") == 0;
	}
	if (garbled && g_strcmp0(normal, "ok") != 0)
		normal = "garbage";
	ub_diagnosis_set_fact(self, "normal", normal);

	if (g_strcmp0(normal, "ok") == 0) {
		gboolean in_reset = FALSE;
		guint32 optcr = 0;

		/* held in reset by nobody we know of? */
		if (diag_in_reset_now(probe, &in_reset, &error_local)) {
			ub_diagnosis_set_fact(self, "stuck_in_reset", in_reset ? "true" : "false");
			if (in_reset)
				ub_diagnosis_add_note(self,
						      _("The chip stays in reset with nobody asking"));
		}
		g_clear_error(&error_local);
		/* does the probe's NRST do anything? (only meaningful when not stuck) */
		if (!in_reset && ub_probe_drive_nrst(probe, UB_NRST_LOW, &error_local)) {
			gboolean held = FALSE;
			diag_sleep_ms(device, 5);
			if (diag_in_reset_now(probe, &held, &error_local)) {
				ub_diagnosis_set_fact(self, "nrst_effect", held ? "yes" : "no");
				ub_diagnosis_add_note(
					self, held ? _("Holding the probe's RST low resets the chip")
						   : _("Holding the probe's RST low does nothing"));
			}
			diag_release(probe);
		}
		g_clear_error(&error_local);
		if (ub_probe_read_u32(probe, FLASH_OPTCR, &optcr, NULL)) {
			guint8 rdp = (optcr >> 8) & 0xFF;
			ub_diagnosis_set_fact(self, "rdp", rdp == 0xAA ? "0" : "1");
		}
		ub_diagnosis_set_fact(self, "under_nrst", "not-tried");
	} else {
		const char *under;

		ub_diagnosis_set_fact(self, "nrst_effect", "unknown");
		/* the same with the probe's NRST held low */
		if (ub_probe_drive_nrst(probe, UB_NRST_LOW, &error_local)) {
			g_autofree char *note = NULL;
			diag_sleep_ms(device, 20);
			under = diag_try_dp(probe, &error_local);
			note = error_local != NULL
				       ? g_strdup_printf(_("With the probe's RST held low: %s"),
							 error_local->message)
				       : g_strdup(_("With the probe's RST held low: the chip answers"));
			ub_diagnosis_add_note(self, note);
			ub_diagnosis_set_fact(self, "under_nrst", under);
			diag_release(probe);
		} else {
			ub_diagnosis_set_fact(self, "under_nrst", "not-tried");
		}
		g_clear_error(&error_local);
	}
	/* what only the person (or the ladder) can add; the caller may set them afterwards */
	ub_diagnosis_set_fact(self, "by_hand", "not-tried");
	ub_diagnosis_set_fact(self, "user_says_powered", "unknown");
	ub_diagnosis_set_fact(self, "wiring_checked", "false");
	return g_steal_pointer(&self);
}

typedef struct {
	char *probe_model;
} GatherData;

static void
gather_data_free(gpointer data)
{
	GatherData *gather = data;

	g_free(gather->probe_model);
	g_free(gather);
}

static gpointer
gather_job(UbDevice *device, gpointer job_data, UbProgress *progress, GCancellable *cancellable,
	   GError **error)
{
	GatherData *gather = job_data;

	return ub_diagnosis_gather(device, gather->probe_model, cancellable, error);
}

void
ub_diagnosis_gather_async(UbDevice *device, const char *probe_model, GCancellable *cancellable,
			  GAsyncReadyCallback callback, gpointer user_data)
{
	GatherData *gather = g_new0(GatherData, 1);

	gather->probe_model = g_strdup(probe_model);
	ub_device_run_job_async(device, gather_job, gather, gather_data_free, g_object_unref, NULL,
				cancellable, callback, user_data);
}

UbDiagnosis *
ub_diagnosis_gather_finish(UbDevice *device, GAsyncResult *result, GError **error)
{
	return ub_device_run_job_finish(device, result, error);
}
