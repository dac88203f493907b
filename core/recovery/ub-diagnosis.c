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
 * - A DP that answers once proves little: firmware that takes PA13/PA14 shortly after a reset
 *   answers for a few milliseconds. The diagnosis looks again a while later ("lost").
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "ub-board-db.h"
#include "ub-diagnosis.h"
#include "ub-error.h"
#include "ub-probe-db.h"

#define FLASH_OPTCR 0x40023C14u
/* firmware below this J number lacks commands a recovery relies on (audit-stlink-driver.md) */
#define STLINK_V2_CURRENT_J 26
/* how long an answering chip is watched for going silent again */
#define WATCH_MS 300

static const guint diag_clocks_khz[] = {1800, 480, 100};

void
ub_diagnosis_add_database_facts(UbEvidence *evidence, const char *probe_model,
				const char *board_id, const char *firmware_version)
{
	g_autoptr(GError) error = NULL;

	g_return_if_fail(UB_IS_EVIDENCE(evidence));
	if (probe_model != NULL) {
		g_autoptr(UbProbeDb) db = ub_probe_db_new();
		UbProbeModel *model = NULL;

		if (ub_probe_db_load(db, &error))
			model = ub_probe_db_lookup(db, probe_model);
		else
			g_debug("probe database: %s", error->message);
		if (model != NULL) {
			UbResetLine line = ub_probe_model_get_reset_line(model);
			guint n_wires = 0;

			ub_evidence_set_fact(evidence, "probe_rst",
					     line == UB_RESET_LINE_DRIVES_NRST	 ? "reaches"
					     : line == UB_RESET_LINE_NOT_CONNECTED ? "does-not-reach"
										   : "unknown",
					     UB_FACT_SOURCE_DATABASE);
			ub_probe_model_get_required_wires(model, &n_wires);
			/* the usual four (SWDIO, SWCLK, GND, sense) are not enough for it */
			ub_evidence_set_fact(evidence, "probe_all_wires", n_wires > 4 ? "yes" : "no",
					     UB_FACT_SOURCE_DATABASE);
			ub_evidence_set_fact(evidence, "probe_voltage",
					     ub_probe_model_get_voltage_reading(model) ==
						     UB_VOLTAGE_READING_OWN_RAIL
						 ? "own-rail"
						 : "target",
					     UB_FACT_SOURCE_DATABASE);
		}
	}
	if (board_id != NULL) {
		g_autoptr(UbBoardDb) db = ub_board_db_new();
		UbBoard *board = NULL;

		g_clear_error(&error);
		if (ub_board_db_load(db, &error))
			board = ub_board_db_lookup(db, board_id);
		if (board != NULL)
			ub_evidence_set_fact(evidence, "boot0",
					     ub_board_boot0_to_string(ub_board_get_boot0(board)),
					     UB_FACT_SOURCE_DATABASE);
	}
	/* "V2J37S7": an ST-LINK/V2's J number */
	if (firmware_version != NULL && g_str_has_prefix(firmware_version, "V2J")) {
		guint j = (guint)strtoul(firmware_version + 3, NULL, 10);
		ub_evidence_set_fact(evidence, "probe_firmware",
				     j < STLINK_V2_CURRENT_J ? "old" : "current",
				     UB_FACT_SOURCE_DATABASE);
	}
}

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

/* the chip answered: does its bus answer too, and does it keep answering? */
static const char *
diag_watch(UbDevice *device, UbEvidence *evidence)
{
	UbProbe *probe = ub_device_get_probe(device);
	g_autoptr(GError) error = NULL;
	guint32 cpuid = 0;

	if (!ub_probe_read_u32(probe, UB_CPUID, &cpuid, &error)) {
		g_autoptr(GError) error_dp = NULL;

		/* the pins may have gone between the two commands: asleep only if the DP
		 * itself still answers */
		if (g_strcmp0(diag_try_dp(probe, &error_dp), "ok") != 0) {
			ub_evidence_add_note(evidence, _("The chip answered, then went silent: %s"),
					     error->message);
			return "lost";
		}
		ub_evidence_add_note(evidence,
				     _("The debug port answers but the chip's bus does not: %s"),
				     error->message);
		return "asleep";
	}
	for (guint waited = 0; waited < WATCH_MS; waited += 50) {
		diag_sleep_ms(device, 50);
		if (!ub_probe_read_u32(probe, UB_CPUID, &cpuid, &error)) {
			ub_evidence_add_note(evidence,
					     _("The chip answered, then went silent after about "
					       "%u ms: %s"),
					     waited + 50, error->message);
			return "lost";
		}
	}
	return "ok";
}

UbEvidence *
ub_diagnosis_gather(UbDevice *device, const char *probe_model, const char *board_id,
		    GCancellable *cancellable, GError **error)
{
	g_autoptr(UbEvidence) self = ub_evidence_new();
	g_autoptr(GError) error_local = NULL;
	UbProbe *probe;
	const char *normal = "no-answer";
	gboolean garbled = FALSE;
	guint mv = 0;

	if (!ub_device_open(device, cancellable, error))
		return NULL;
	probe = ub_device_get_probe(device);
	ub_target_set_disconnected(ub_device_get_target(device));
	ub_diagnosis_add_database_facts(self, probe_model, board_id,
					ub_probe_get_firmware_version(probe));

	/* voltage */
	if (ub_evidence_fact_is(self, "probe_voltage", "own-rail")) {
		ub_evidence_set_fact(self, "voltage", "unknown", UB_FACT_SOURCE_MEASURED);
		ub_evidence_add_note(self, "%s", _("This probe reports its own 3.3 V, not the board's"));
	} else if (ub_probe_get_target_voltage(probe, &mv, &error_local)) {
		ub_evidence_set_fact(self, "voltage", mv < 300 ? "none" : mv < 2600 ? "partial" : "ok",
				     UB_FACT_SOURCE_MEASURED);
		ub_evidence_add_note(self, _("Target voltage %.2f V"), mv / 1000.0);
	} else {
		ub_evidence_set_fact(self, "voltage", "unknown", UB_FACT_SOURCE_MEASURED);
		g_clear_error(&error_local);
	}

	/* the DP at several clocks */
	for (guint i = 0; i < G_N_ELEMENTS(diag_clocks_khz); i++) {
		guint actual = 0;

		if (g_cancellable_set_error_if_cancelled(cancellable, error))
			return NULL;
		if (!ub_probe_set_swd_frequency(probe, diag_clocks_khz[i], &actual, NULL))
			actual = diag_clocks_khz[i];
		normal = diag_try_dp(probe, &error_local);
		if (error_local != NULL)
			ub_evidence_add_note(self, _("At %u kHz: %s"), actual, error_local->message);
		else
			ub_evidence_add_note(self, _("At %u kHz: the chip answers"), actual);
		g_clear_error(&error_local);
		if (g_strcmp0(normal, "ok") == 0)
			break;
		/* one nonsensical answer among silences still means a noisy line */
		garbled |= g_strcmp0(normal, "garbage") == 0;
	}
	if (garbled && g_strcmp0(normal, "ok") != 0)
		normal = "garbage";
	if (g_strcmp0(normal, "ok") == 0)
		normal = diag_watch(device, self);
	ub_evidence_set_fact(self, "normal", normal, UB_FACT_SOURCE_MEASURED);

	if (g_strcmp0(normal, "ok") == 0) {
		gboolean in_reset = FALSE;
		guint32 optcr = 0;

		/* held in reset by nobody we know of? */
		if (diag_in_reset_now(probe, &in_reset, &error_local)) {
			ub_evidence_set_fact(self, "stuck_in_reset", in_reset ? "true" : "false",
					     UB_FACT_SOURCE_MEASURED);
			if (in_reset)
				ub_evidence_add_note(self, "%s",
						     _("The chip stays in reset with nobody asking"));
		}
		g_clear_error(&error_local);
		/* does the probe's NRST do anything? (only meaningful when not stuck) */
		if (!in_reset && ub_probe_drive_nrst(probe, UB_NRST_LOW, &error_local)) {
			gboolean held = FALSE;
			diag_sleep_ms(device, 5);
			if (diag_in_reset_now(probe, &held, &error_local)) {
				ub_evidence_set_fact(self, "nrst_effect", held ? "yes" : "no",
						     UB_FACT_SOURCE_MEASURED);
				ub_evidence_add_note(
				    self, "%s",
				    held ? _("Holding the probe's RST low resets the chip")
					 : _("Holding the probe's RST low does nothing"));
			}
			diag_release(probe);
		}
		g_clear_error(&error_local);
		if (ub_probe_read_u32(probe, FLASH_OPTCR, &optcr, NULL)) {
			guint8 rdp = (optcr >> 8) & 0xFF;
			ub_evidence_set_fact(self, "rdp", rdp == 0xAA ? "0" : "1",
					     UB_FACT_SOURCE_MEASURED);
		}
		ub_evidence_set_fact(self, "under_nrst", "not-tried", UB_FACT_SOURCE_MEASURED);
	} else {
		ub_evidence_set_fact(self, "nrst_effect", "unknown", UB_FACT_SOURCE_MEASURED);
		/* the same with the probe's NRST held low (asleep: the bus, not only the DP,
		 * since a reset is what wakes it) */
		if (ub_probe_drive_nrst(probe, UB_NRST_LOW, &error_local)) {
			const char *under;

			diag_sleep_ms(device, 20);
			under = diag_try_dp(probe, &error_local);
			if (g_strcmp0(under, "ok") == 0 && g_strcmp0(normal, "asleep") == 0) {
				guint32 cpuid = 0;
				if (!ub_probe_read_u32(probe, UB_CPUID, &cpuid, &error_local))
					under = "no-answer";
			}
			if (error_local != NULL)
				ub_evidence_add_note(self, _("With the probe's RST held low: %s"),
						     error_local->message);
			else
				ub_evidence_add_note(self, "%s",
						     _("With the probe's RST held low: the chip "
						       "answers"));
			/* garbage in reset is as good as silence for this question */
			ub_evidence_set_fact(self, "under_nrst",
					     g_strcmp0(under, "ok") == 0 ? "ok" : "no-answer",
					     UB_FACT_SOURCE_MEASURED);
			diag_release(probe);
		} else {
			ub_evidence_set_fact(self, "under_nrst", "not-tried", UB_FACT_SOURCE_MEASURED);
		}
		g_clear_error(&error_local);
	}
	/* what only the person (or the ladder) can add; the caller merges them afterwards */
	ub_evidence_set_fact(self, "by_hand", "not-tried", UB_FACT_SOURCE_MEASURED);
	return g_steal_pointer(&self);
}

typedef struct {
	char *probe_model;
	char *board_id;
} GatherData;

static void
gather_data_free(gpointer data)
{
	GatherData *gather = data;

	g_free(gather->probe_model);
	g_free(gather->board_id);
	g_free(gather);
}

static gpointer
gather_job(UbDevice *device, gpointer job_data, UbProgress *progress, GCancellable *cancellable,
	   GError **error)
{
	GatherData *gather = job_data;

	return ub_diagnosis_gather(device, gather->probe_model, gather->board_id, cancellable,
				   error);
}

void
ub_diagnosis_gather_async(UbDevice *device, const char *probe_model, const char *board_id,
			  GCancellable *cancellable, GAsyncReadyCallback callback,
			  gpointer user_data)
{
	GatherData *gather = g_new0(GatherData, 1);

	gather->probe_model = g_strdup(probe_model);
	gather->board_id = g_strdup(board_id);
	ub_device_run_job_async(device, gather_job, gather, gather_data_free, g_object_unref, NULL,
				cancellable, callback, user_data);
}

UbEvidence *
ub_diagnosis_gather_finish(UbDevice *device, GAsyncResult *result, GError **error)
{
	return ub_device_run_job_finish(device, result, error);
}
