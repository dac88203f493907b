/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * From evidence to words a person can act on. UbRules is the table of causes in
 * resources/data/diagnosis/rules.json: each says when it is possible (facts), what kind of
 * cause it is, what to check, which wires and which picture go with it, and what to do next.
 * UbVerdict is every cause the evidence still allows, most likely first.
 *
 * The one judgement the table cannot make alone is "the chip is damaged": a cause may say
 * which kinds must be ruled out first ("requires_ruled_out": power, wiring, probe), and is
 * only admitted when no cause of those kinds is still possible. A wiring cause is ruled out
 * by measurement or by the person confirming its check, never by default, so two crossed
 * wires can never end in "replace the chip".
 *
 *   g_autoptr(UbRules) rules = ub_rules_load(&error);
 *   g_autoptr(UbVerdict) verdict = ub_rules_evaluate(rules, evidence);
 *   const UbCause *top = ub_verdict_get_top(verdict);
 *   g_print("%s\n%s\n", top->title, top->next_step);
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ub-evidence.h"
#include "ub-person.h"

G_BEGIN_DECLS

typedef enum {
	UB_CAUSE_KIND_OK,	  /* nothing is wrong: the chip answers */
	UB_CAUSE_KIND_POWER,	  /* no supply, or none that can be confirmed */
	UB_CAUSE_KIND_WIRING,	  /* a wire missing, swapped, too long, or not making contact */
	UB_CAUSE_KIND_PROBE,	  /* the probe, its cable or its firmware */
	UB_CAUSE_KIND_RESET,	  /* NRST held low on the board */
	UB_CAUSE_KIND_FIRMWARE,	  /* the firmware on the chip locks the debugger out */
	UB_CAUSE_KIND_PROTECTION, /* read protection */
	UB_CAUSE_KIND_CHIP,	  /* the chip itself */
} UbCauseKind;

typedef struct {
	char *id;
	UbCauseKind kind;
	int rank;
	char *title;	   /* translated */
	char *explanation; /* translated */
	char *next_step;   /* translated */
	GStrv wires;	   /* signal names: "SWDIO", "SWCLK", "GND", "NRST", "VCC" */
	char *picture;	   /* "pinout" (the wiring drawing), "nrst" (where NRST is), or NULL */
	gboolean has_check;
	UbPersonQuestion check; /* the question whose answer can rule this cause out */
	char *check_text;	/* translated */
} UbCause;

const char *ub_cause_kind_to_string(UbCauseKind kind);

#define UB_TYPE_VERDICT (ub_verdict_get_type())
G_DECLARE_FINAL_TYPE(UbVerdict, ub_verdict, UB, VERDICT, GObject)

/* (element-type UbCause) (transfer none): possible causes, most likely first; never empty */
GPtrArray *ub_verdict_get_causes(UbVerdict *self);
const UbCause *ub_verdict_get_top(UbVerdict *self);
const UbCause *ub_verdict_find(UbVerdict *self, const char *id);
/* the chip answers: nothing stands in the way */
gboolean ub_verdict_is_ok(UbVerdict *self);
/* every cause but the chip itself was ruled out */
gboolean ub_verdict_is_damaged(UbVerdict *self);
/* the first question (in the causes' order) whose answer is not known yet, if any */
gboolean ub_verdict_get_next_question(UbVerdict *self, UbEvidence *evidence,
				      UbPersonQuestion *question, const char **text);
/* the verdict as an error: UB_TARGET_ERROR with a code for the top cause's kind, and its
 * title and next step as the message */
void ub_verdict_set_error(UbVerdict *self, GError **error);
/* the error code the top cause stands for (NO_POWER, NO_ACK, DEAD, ...) */
gint ub_verdict_get_error_code(UbVerdict *self);
JsonNode *ub_verdict_to_json(UbVerdict *self);

#define UB_TYPE_RULES (ub_rules_get_type())
G_DECLARE_FINAL_TYPE(UbRules, ub_rules, UB, RULES, GObject)

/* the shipped table ($UB_DATA_DIR/diagnosis, the source tree, or the installed copy) */
UbRules *ub_rules_load(GError **error);
UbRules *ub_rules_new_from_file(const char *path, GError **error);
UbRules *ub_rules_new_from_data(const char *text, gssize len, const char *path, GError **error);
UbVerdict *ub_rules_evaluate(UbRules *self, UbEvidence *evidence);

G_END_DECLS
