/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer targets for the files unbrick reads besides images, one per FUZZ_DATA_KIND:
 * board and probe data (schema, then the object), chip data, diagnosis rules, a simulated
 * bench, a backup's description (against a fixed 4 KiB backup body), a job's journal. Whatever
 * the input, the loader must not crash, and a refusal must be an error of the right domain
 * whose message names the file. A violation aborts, which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ub-board-private.h"
#include "ub-chip.h"
#include "ub-data-loader.h"
#include "ub-evidence.h"
#include "ub-error.h"
#include "ub-flash-backup.h"
#include "ub-flash-journal.h"
#include "ub-probe-model-private.h"
#include "ub-sim-board.h"
#include "ub-verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NAME "fuzz.json"

static void
fuzz_check_refusal(const GError *error, GQuark domain, const char *name)
{
	if (error == NULL || error->domain != domain || error->message == NULL ||
	    strstr(error->message, name) == NULL)
		abort();
}

#if defined(FUZZ_DATA_BOARD) || defined(FUZZ_DATA_PROBE)
static gboolean
fuzz_add(JsonObject *root, const gchar *filename, gpointer user_data, GError **error)
{
#ifdef FUZZ_DATA_BOARD
	g_autoptr(UbBoard) board = ub_board_new_from_json(root, filename, error);
	if (board != NULL && ub_board_get_id(board) == NULL)
		abort();
	return board != NULL;
#else
	g_autoptr(UbProbeModel) probe = ub_probe_model_new_from_json(root, filename, error);
	if (probe != NULL && ub_probe_model_get_id(probe) == NULL)
		abort();
	return probe != NULL;
#endif
}
#endif

#ifdef FUZZ_DATA_BACKUP
/* the body every seed's description is of: 4 KiB, a pattern then erased flash */
static GBytes *
fuzz_backup_body(void)
{
	static guint8 body[4096];

	for (guint i = 0; i < sizeof(body); i++)
		body[i] = i < 1024 ? (guint8)(i * 13) : 0xff;
	return g_bytes_new_static(body, sizeof(body));
}
#endif

#ifdef FUZZ_DATA_BENCH
/* a bench is named after its file: take the name the input gives, if it gives one */
static char *
fuzz_bench_path(const char *text, gsize size)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonNode *root;
	JsonNode *name;

	if (json_parser_load_from_data(parser, text, (gssize)size, NULL) &&
	    (root = json_parser_get_root(parser)) != NULL && JSON_NODE_HOLDS_OBJECT(root) &&
	    (name = json_object_get_member(json_node_get_object(root), "name")) != NULL &&
	    JSON_NODE_HOLDS_VALUE(name) && json_node_get_value_type(name) == G_TYPE_STRING &&
	    strchr(json_node_get_string(name), '/') == NULL &&
	    strlen(json_node_get_string(name)) < 64)
		return g_strdup_printf("/nonexistent/%s.json", json_node_get_string(name));
	return g_strdup("/nonexistent/" FUZZ_NAME);
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;

#if defined(FUZZ_DATA_BOARD) || defined(FUZZ_DATA_PROBE)
	if (!ub_data_load_data(FUZZ_NAME, (const char *)data, (gssize)size,
#ifdef FUZZ_DATA_BOARD
	                       "board",
#else
	                       "probe",
#endif
	                       fuzz_add, NULL, &error))
		fuzz_check_refusal(error, UB_DATA_ERROR, FUZZ_NAME);
#elif defined(FUZZ_DATA_CHIP)
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonNode *root;

	if (json_parser_load_from_data(parser, (const char *)data, (gssize)size, NULL) &&
	    (root = json_parser_get_root(parser)) != NULL && JSON_NODE_HOLDS_OBJECT(root)) {
		g_autoptr(UbChip) chip =
		        ub_chip_new_from_json(json_node_get_object(root), FUZZ_NAME, &error);
		if (chip == NULL)
			fuzz_check_refusal(error, UB_DATA_ERROR, FUZZ_NAME);
		else
			g_array_unref(ub_chip_get_sectors(chip, ub_chip_get_flash_default_size(chip)));
	}
#elif defined(FUZZ_DATA_RULES)
	g_autoptr(UbRules) rules =
	        ub_rules_new_from_data((const char *)data, (gssize)size, FUZZ_NAME, &error);
	if (rules == NULL) {
		fuzz_check_refusal(error, UB_DATA_ERROR, FUZZ_NAME);
	} else {
		/* rules that load are evaluated: a verdict comes out, whatever the facts */
		g_autoptr(UbEvidence) evidence = ub_evidence_new();
		g_autoptr(UbVerdict) verdict = NULL;
		g_autoptr(JsonNode) report = NULL;
		ub_evidence_set_fact(evidence, "voltage", "ok", UB_FACT_SOURCE_MEASURED);
		ub_evidence_set_fact(evidence, "dp_ack", "none", UB_FACT_SOURCE_MEASURED);
		verdict = ub_rules_evaluate(rules, evidence);
		g_assert_nonnull(verdict);
		report = ub_verdict_to_json(verdict);
	}
#elif defined(FUZZ_DATA_BENCH)
	g_autofree char *path = fuzz_bench_path((const char *)data, size);
	g_autofree char *base = g_path_get_basename(path);
	g_autoptr(UbSimBoard) board =
	        ub_sim_board_new_from_data((const char *)data, (gssize)size, path, &error);
	if (board == NULL)
		fuzz_check_refusal(error, UB_DATA_ERROR, base);
#elif defined(FUZZ_DATA_BACKUP)
	g_autoptr(GBytes) description = g_bytes_new(data, size);
	g_autoptr(GBytes) body = fuzz_backup_body();
	g_autoptr(UbFlashBackup) backup =
	        ub_flash_backup_new_from_bytes(description, body, "/nonexistent/fuzz.bin", &error);
	if (backup == NULL) {
		fuzz_check_refusal(error, UB_IMAGE_ERROR, "fuzz.");
	} else {
		g_autoptr(JsonNode) node = ub_flash_backup_to_json(backup);
		g_autofree char *firmware = ub_flash_backup_describe_firmware(backup);
		if (node == NULL || firmware == NULL)
			abort();
	}
#elif defined(FUZZ_DATA_JOURNAL)
	g_autoptr(UbFlashJournal) journal = ub_flash_journal_new_from_data(
	        (const char *)data, (gssize)size, "/nonexistent/" FUZZ_NAME, &error);
	if (journal == NULL) {
		fuzz_check_refusal(error, UB_DATA_ERROR, FUZZ_NAME);
	} else {
		g_autofree char *chip = ub_flash_journal_describe_chip(journal);
		g_autofree char *job = ub_flash_journal_describe_job(journal);
		g_autoptr(JsonNode) node = ub_flash_journal_to_json(journal);
		if (chip == NULL || job == NULL || node == NULL)
			abort();
	}
#else
#error "define one FUZZ_DATA_* kind"
#endif
	return 0;
}
