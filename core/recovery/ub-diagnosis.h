/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The diagnosis: facts measured through the probe without changing anything on the chip
 * (target voltage, how the DP answers at several SWD clocks and whether it keeps answering,
 * with and without the probe's NRST held, whether that NRST does anything), plus what the
 * boards and probes databases say. The facts go into a UbEvidence, the same kind the
 * connection ladder fills; UbRules (ub-verdict.h) turns either into the verdict.
 *
 *   g_autoptr(UbEvidence) evidence = ub_diagnosis_gather(device, "stlink-v2-clone-a", "focbox",
 *                                                        cancellable, &error);
 *   g_autoptr(UbVerdict) verdict = ub_rules_evaluate(rules, evidence);
 */
#pragma once

#include <gio/gio.h>

#include "ub-device.h"
#include "ub-evidence.h"

G_BEGIN_DECLS

/* the facts the databases hold about this probe (resources/data/probes id) and board, and
 * what the probe's firmware version says (all may be NULL) */
void ub_diagnosis_add_database_facts(UbEvidence *evidence, const char *probe_model,
				     const char *board_id, const char *firmware_version);

/* on the device's worker. NRST is only held for a moment and the core keeps running. */
UbEvidence *ub_diagnosis_gather(UbDevice *device, const char *probe_model, const char *board_id,
				GCancellable *cancellable, GError **error);
void ub_diagnosis_gather_async(UbDevice *device, const char *probe_model, const char *board_id,
			       GCancellable *cancellable, GAsyncReadyCallback callback,
			       gpointer user_data);
UbEvidence *ub_diagnosis_gather_finish(UbDevice *device, GAsyncResult *result, GError **error);

G_END_DECLS
