/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The evidence about one bench: facts, each with where it came from, and lines of what was
 * tried and seen. The connection ladder, the diagnosis, a failed connect inside a flash and the
 * wizard all add to the same kind of evidence, and one rule table (UbRules, ub-verdict.h) turns
 * it into the verdict a person reads. Nothing else produces advice.
 *
 * Facts are plain name → value strings, so the rules are data and a test can state evidence
 * without a probe. The names and values (resources/data/diagnosis/rules.json lists them too):
 *
 *   measured through the probe
 *     voltage         none | partial | ok | unknown (the probe cannot tell)
 *     normal          ok | no-answer | garbage | lost (answered, then silent) | asleep (the DP
 *                     answers, the bus does not) | not-tried
 *     under_nrst      ok | no-answer | lost | not-tried   (the probe's RST held low)
 *     nrst_effect     yes | no | unknown                  (does the probe's RST reach NRST)
 *     stuck_in_reset  true | false | unknown              (NRST held low on the board)
 *     by_hand         ok | failed | not-tried             (the person held NRST to GND)
 *     rdp             0 | 1 | 2 | unknown
 *     reached         normal | under-reset | manual-reset | no   (the ladder's outcome; once
 *                     reached, only causes of kind ok or protection can be said)
 *   from the databases
 *     probe_rst       reaches | does-not-reach | unknown
 *     probe_all_wires yes | no                            (this clone needs every wire)
 *     probe_firmware  old | current | unknown
 *     boot0           tied-to-gnd | reachable | unknown
 *   said by the person
 *     powered         yes | no | unknown                  (an LED is on)
 *     wires_checked   yes | no | unknown                  (checked against the drawing)
 *     fails_elsewhere yes | no | unknown                  (the probe fails on other boards)
 *   from history (ub-history.h)
 *     probe_history   new | worked | worked-before-fails-now | never-worked
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ub-person.h"

G_BEGIN_DECLS

typedef enum {
	UB_FACT_SOURCE_MEASURED, /* through the probe */
	UB_FACT_SOURCE_DATABASE, /* the boards and probes databases */
	UB_FACT_SOURCE_PERSON,	 /* what the person said */
	UB_FACT_SOURCE_HISTORY,	 /* earlier sessions with this probe */
} UbFactSource;

#define UB_TYPE_EVIDENCE (ub_evidence_get_type())
G_DECLARE_FINAL_TYPE(UbEvidence, ub_evidence, UB, EVIDENCE, GObject)

UbEvidence *ub_evidence_new(void);
void ub_evidence_set_fact(UbEvidence *self, const char *name, const char *value,
			  UbFactSource source);
/* NULL when not known at all (rules treat that like "unknown") */
const char *ub_evidence_get_fact(UbEvidence *self, const char *name);
gboolean ub_evidence_fact_is(UbEvidence *self, const char *name, const char *value);
UbFactSource ub_evidence_get_source(UbEvidence *self, const char *name);
/* (transfer container): the fact names, sorted */
GPtrArray *ub_evidence_list_facts(UbEvidence *self);
/* copies every fact of @other over this one's */
void ub_evidence_merge(UbEvidence *self, UbEvidence *other);

/* a line of what was tried and seen ("no answer at 1800 kHz: ..."), in words */
void ub_evidence_add_note(UbEvidence *self, const char *format, ...) G_GNUC_PRINTF(2, 3);
GPtrArray *ub_evidence_get_notes(UbEvidence *self);

/* what the person says, as a fact: the fact a question answers, and the answer as a value */
const char *ub_evidence_fact_for_question(UbPersonQuestion question);
void ub_evidence_set_answer(UbEvidence *self, UbPersonQuestion question, UbPersonAnswer answer);

JsonNode *ub_evidence_to_json(UbEvidence *self);
const char *ub_fact_source_to_string(UbFactSource source);

G_END_DECLS
