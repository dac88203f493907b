/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-evidence.h"

typedef struct {
	char *value;
	UbFactSource source;
} UbFact;

struct _UbEvidence {
	GObject parent_instance;
	GHashTable *facts; /* name → UbFact */
	GPtrArray *notes;
};

G_DEFINE_TYPE(UbEvidence, ub_evidence, G_TYPE_OBJECT)

static void
ub_fact_free(gpointer data)
{
	UbFact *fact = data;

	g_free(fact->value);
	g_free(fact);
}

static void
ub_evidence_finalize(GObject *object)
{
	UbEvidence *self = UB_EVIDENCE(object);

	g_hash_table_unref(self->facts);
	g_ptr_array_unref(self->notes);
	G_OBJECT_CLASS(ub_evidence_parent_class)->finalize(object);
}

static void
ub_evidence_class_init(UbEvidenceClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_evidence_finalize;
}

static void
ub_evidence_init(UbEvidence *self)
{
	self->facts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, ub_fact_free);
	self->notes = g_ptr_array_new_with_free_func(g_free);
}

UbEvidence *
ub_evidence_new(void)
{
	return g_object_new(UB_TYPE_EVIDENCE, NULL);
}

void
ub_evidence_set_fact(UbEvidence *self, const char *name, const char *value, UbFactSource source)
{
	UbFact *fact;

	g_return_if_fail(UB_IS_EVIDENCE(self));
	g_return_if_fail(name != NULL && value != NULL);
	fact = g_new0(UbFact, 1);
	fact->value = g_strdup(value);
	fact->source = source;
	g_hash_table_replace(self->facts, g_strdup(name), fact);
}

const char *
ub_evidence_get_fact(UbEvidence *self, const char *name)
{
	UbFact *fact;

	g_return_val_if_fail(UB_IS_EVIDENCE(self), NULL);
	fact = g_hash_table_lookup(self->facts, name);
	return fact != NULL ? fact->value : NULL;
}

gboolean
ub_evidence_fact_is(UbEvidence *self, const char *name, const char *value)
{
	return g_strcmp0(ub_evidence_get_fact(self, name), value) == 0;
}

UbFactSource
ub_evidence_get_source(UbEvidence *self, const char *name)
{
	UbFact *fact;

	g_return_val_if_fail(UB_IS_EVIDENCE(self), UB_FACT_SOURCE_MEASURED);
	fact = g_hash_table_lookup(self->facts, name);
	return fact != NULL ? fact->source : UB_FACT_SOURCE_MEASURED;
}

GPtrArray *
ub_evidence_list_facts(UbEvidence *self)
{
	GPtrArray *names = g_ptr_array_new();
	GHashTableIter iter;
	gpointer key;

	g_return_val_if_fail(UB_IS_EVIDENCE(self), NULL);
	g_hash_table_iter_init(&iter, self->facts);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		g_ptr_array_add(names, key);
	g_ptr_array_sort(names, (GCompareFunc)(void (*)(void))g_strcmp0);
	return names;
}

void
ub_evidence_merge(UbEvidence *self, UbEvidence *other)
{
	GHashTableIter iter;
	gpointer key, value;

	g_return_if_fail(UB_IS_EVIDENCE(self));
	g_return_if_fail(UB_IS_EVIDENCE(other));
	g_hash_table_iter_init(&iter, other->facts);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		UbFact *fact = value;
		ub_evidence_set_fact(self, key, fact->value, fact->source);
	}
	for (guint i = 0; i < other->notes->len; i++)
		g_ptr_array_add(self->notes, g_strdup(g_ptr_array_index(other->notes, i)));
}

void
ub_evidence_add_note(UbEvidence *self, const char *format, ...)
{
	va_list args;

	g_return_if_fail(UB_IS_EVIDENCE(self));
	va_start(args, format);
	g_ptr_array_add(self->notes, g_strdup_vprintf(format, args));
	va_end(args);
}

GPtrArray *
ub_evidence_get_notes(UbEvidence *self)
{
	g_return_val_if_fail(UB_IS_EVIDENCE(self), NULL);
	return self->notes;
}

const char *
ub_evidence_fact_for_question(UbPersonQuestion question)
{
	switch (question) {
	case UB_PERSON_QUESTION_LED_ON:
		return "powered";
	case UB_PERSON_QUESTION_WIRES_CHECKED:
		return "wires_checked";
	case UB_PERSON_QUESTION_FAILS_ELSEWHERE:
		return "fails_elsewhere";
	default:
		return NULL;
	}
}

void
ub_evidence_set_answer(UbEvidence *self, UbPersonQuestion question, UbPersonAnswer answer)
{
	const char *fact = ub_evidence_fact_for_question(question);

	g_return_if_fail(UB_IS_EVIDENCE(self));
	if (fact != NULL)
		ub_evidence_set_fact(self, fact, ub_person_answer_to_string(answer),
				     UB_FACT_SOURCE_PERSON);
}

const char *
ub_fact_source_to_string(UbFactSource source)
{
	static const char *const names[] = {"measured", "database", "person", "history"};

	return (guint)source < G_N_ELEMENTS(names) ? names[source] : "unknown";
}

JsonNode *
ub_evidence_to_json(UbEvidence *self)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(GPtrArray) names = NULL;

	g_return_val_if_fail(UB_IS_EVIDENCE(self), NULL);
	names = ub_evidence_list_facts(self);
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "facts");
	json_builder_begin_object(builder);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		json_builder_set_member_name(builder, name);
		json_builder_add_string_value(builder, ub_evidence_get_fact(self, name));
	}
	json_builder_end_object(builder);
	json_builder_set_member_name(builder, "sources");
	json_builder_begin_object(builder);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		json_builder_set_member_name(builder, name);
		json_builder_add_string_value(
		    builder, ub_fact_source_to_string(ub_evidence_get_source(self, name)));
	}
	json_builder_end_object(builder);
	json_builder_set_member_name(builder, "evidence");
	json_builder_begin_array(builder);
	for (guint i = 0; i < self->notes->len; i++)
		json_builder_add_string_value(builder, g_ptr_array_index(self->notes, i));
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}
