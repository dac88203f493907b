/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wiring diagnosis: facts measured through the probe (target voltage, how the DP answers
 * at several SWD clocks, with and without NRST held, whether the probe's NRST does anything),
 * turned into ranked causes by the rules in resources/data/diagnosis/rules.json.
 *
 * Facts are plain name → value strings ("voltage" → "none", "normal" → "no-answer", ...), so a
 * rule is data and a test can state evidence without a probe:
 *
 *   g_autoptr(UbDiagnosis) d = ub_diagnosis_new();
 *   ub_diagnosis_set_fact(d, "voltage", "ok");
 *   ub_diagnosis_set_fact(d, "normal", "no-answer");
 *   ub_diagnosis_evaluate(d, rules, &error);
 *   top = ub_diagnosis_get_causes(d)->pdata[0];
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ub-device.h"

G_BEGIN_DECLS

typedef struct {
	char *id;
	int rank;
	char *title;	   /* translated */
	char *explanation; /* translated */
	char *next_step;   /* translated */
	GStrv wires;	   /* signal names: "SWDIO", "SWCLK", "GND", "NRST", "VCC" */
} UbDiagCause;

#define UB_TYPE_DIAG_RULES (ub_diag_rules_get_type())
G_DECLARE_FINAL_TYPE(UbDiagRules, ub_diag_rules, UB, DIAG_RULES, GObject)

/* the shipped rules ($UB_DATA_DIR/diagnosis, the source tree, or the installed copy) */
UbDiagRules *ub_diag_rules_load(GError **error);
UbDiagRules *ub_diag_rules_new_from_file(const char *path, GError **error);
UbDiagRules *ub_diag_rules_new_from_data(const char *text, gssize len, const char *path,
                                         GError **error);

#define UB_TYPE_DIAGNOSIS (ub_diagnosis_get_type())
G_DECLARE_FINAL_TYPE(UbDiagnosis, ub_diagnosis, UB, DIAGNOSIS, GObject)

UbDiagnosis *ub_diagnosis_new(void);
void ub_diagnosis_set_fact(UbDiagnosis *self, const char *name, const char *value);
const char *ub_diagnosis_get_fact(UbDiagnosis *self, const char *name);
/* a line of evidence in words ("no answer at 1800 kHz: ...") */
void ub_diagnosis_add_note(UbDiagnosis *self, const char *note);
GPtrArray *ub_diagnosis_get_notes(UbDiagnosis *self);
/* ranks every rule that matches the facts; the best first */
gboolean ub_diagnosis_evaluate(UbDiagnosis *self, UbDiagRules *rules, GError **error);
GPtrArray *ub_diagnosis_get_causes(UbDiagnosis *self); /* of UbDiagCause, best first */
JsonNode *ub_diagnosis_to_json(UbDiagnosis *self);

/*
 * Gathers the facts through the probe (on the device's worker). @probe_model is the probe the
 * person says they use (resources/data/probes id, may be NULL): it tells whether its voltage
 * reading and its RST pin can be trusted. Nothing on the chip is changed: NRST is only held for
 * a moment and the core keeps running.
 */
UbDiagnosis *ub_diagnosis_gather(UbDevice *device, const char *probe_model,
				 GCancellable *cancellable, GError **error);
void ub_diagnosis_gather_async(UbDevice *device, const char *probe_model,
			       GCancellable *cancellable, GAsyncReadyCallback callback,
			       gpointer user_data);
UbDiagnosis *ub_diagnosis_gather_finish(UbDevice *device, GAsyncResult *result,
					GError **error);

G_END_DECLS
