/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Why each rung is built the way it is:
 * - The normal rung halts the core the moment the DP answers. Firmware that takes PA13/PA14 a
 *   few milliseconds after a reset, or one that resets in a loop, would otherwise leave the
 *   ladder "connected" to a chip that goes silent before the next command; halted, the pins
 *   stay SWD. A DP that answers and then falls silent is recorded ("lost") and the ladder goes
 *   on to the reset rungs, which catch the core before any firmware runs.
 * - A chip held in reset by its own board answers on the DP (the debug domain is not reset by
 *   NRST) but S_RESET_ST never clears and the core never halts: that is a verdict of its own,
 *   never "connected".
 * - Under reset, the core is caught with DEMCR.VC_CORERESET set while NRST is still low, not
 *   with C_HALT alone: a system reset clears C_HALT, so a halt requested during reset lets the
 *   firmware run after the release — long enough for firmware that turns PA13/PA14 into GPIO
 *   to lock the debugger out again (../shared/reference/stlink-and-stm32f4.md §5.1, §7.3).
 * - Whether the probe's NRST reaches the chip shows in DHCSR.S_RESET_ST, which stays set while
 *   the chip is held in reset. When the chip does not answer at all, the probe's NRST cannot be
 *   judged, and the ladder says so instead of guessing.
 * - The manual rung polls with the cheapest thing that proves the DP is back (enter SWD + DP
 *   IDCODE) and, the moment it answers, arms vector catch; the person's release then lands the
 *   core on its reset vector, however long they take to let go.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-connect-ladder.h"
#include "ub-diagnosis.h"
#include "ub-error.h"

#define DFSR_VCATCH (1u << 3)
#define DBGMCU_CR 0xE0042004u
#define DBGMCU_APB1_FZ 0xE0042008u
#define DBGMCU_KEEP_DEBUG 0x7u			   /* DBG_SLEEP | DBG_STOP | DBG_STANDBY */
#define DBGMCU_FREEZE_WATCHDOGS ((1u << 11) | (1u << 12)) /* DBG_WWDG_STOP | DBG_IWDG_STOP */
#define FLASH_OPTCR 0x40023C14u
#define RESET_VECTOR_ADDRESS 0x08000004u
#define POWERED_MV 1700 /* below the STM32F4's 1.8 V minimum: no supply (or no GND) */
#define PARTIAL_MV 2600 /* a 3.3 V board seen through a missing GND reads in between */

static const guint ladder_clocks_khz[] = {1800, 480, 100};

typedef enum {
	RUNG_REACHED,
	RUNG_FAILED,
	RUNG_STUCK, /* held in reset by the board: no rung can help */
} RungOutcome;

typedef struct {
	UbDevice *device;
	UbProbe *probe;
	UbTarget *target;
	UbClock *clock;
	UbPerson *person; /* NULL: nobody to tell (the events still say it) */
	const UbLadderOptions *options;
	UbLadderEventFunc func;
	gpointer user_data;
	GCancellable *cancellable;
	UbLadderResult *result;
	UbEvidence *evidence;
	guint64 start_us;
} Ladder;

void
ub_ladder_options_init(UbLadderOptions *options)
{
	memset(options, 0, sizeof(*options));
	options->allow = UB_LADDER_ALLOW_ALL;
	options->manual_attempts = 2;
	options->hold_timeout_ms = 30000;
	options->release_timeout_ms = 30000;
	options->ask = TRUE;
	options->max_rounds = 3;
}

void
ub_ladder_options_clear(UbLadderOptions *options)
{
	g_clear_pointer(&options->nrst_location, g_free);
	g_clear_pointer(&options->probe_model, g_free);
	g_clear_pointer(&options->board_id, g_free);
	g_clear_object(&options->given);
	g_clear_object(&options->history);
}

/* a deep copy, for a job that outlives the caller's options */
static void
ub_ladder_options_copy(UbLadderOptions *dest, const UbLadderOptions *src)
{
	*dest = *src;
	dest->nrst_location = g_strdup(src->nrst_location);
	dest->probe_model = g_strdup(src->probe_model);
	dest->board_id = g_strdup(src->board_id);
	dest->given = src->given != NULL ? g_object_ref(src->given) : NULL;
	dest->history = src->history != NULL ? g_object_ref(src->history) : NULL;
}

void
ub_ladder_result_free(UbLadderResult *result)
{
	if (result == NULL)
		return;
	g_clear_object(&result->evidence);
	g_clear_object(&result->verdict);
	g_free(result);
}

void
ub_ladder_result_set_error(const UbLadderResult *result, GError **error)
{
	g_return_if_fail(result != NULL);
	if (result->verdict != NULL) {
		ub_verdict_set_error(result->verdict, error);
		return;
	}
	g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK,
			    _("The chip does not answer"));
}

const char *
ub_ladder_method_to_string(UbLadderMethod method)
{
	switch (method) {
	case UB_LADDER_METHOD_NORMAL:
		return "normal";
	case UB_LADDER_METHOD_UNDER_RESET:
		return "under-reset";
	case UB_LADDER_METHOD_MANUAL_RESET:
		return "manual-reset";
	case UB_LADDER_METHOD_NONE:
	default:
		return "none";
	}
}

const char *
ub_ladder_step_to_string(UbLadderStep step)
{
	static const char *const names[] = {"voltage", "normal", "under-reset",
					    "manual-reset", "secure", "verdict"};

	return step < G_N_ELEMENTS(names) ? names[step] : "unknown";
}

const char *
ub_ladder_event_kind_to_string(UbLadderEventKind kind)
{
	static const char *const names[] = {"trying",	    "failed", "succeeded", "hold-nrst",
					    "release-nrst", "note",   "question"};

	return kind < G_N_ELEMENTS(names) ? names[kind] : "unknown";
}

JsonNode *
ub_ladder_result_to_json(const UbLadderResult *result)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "reached");
	json_builder_add_boolean_value(builder, result->reached);
	json_builder_set_member_name(builder, "method");
	json_builder_add_string_value(builder, ub_ladder_method_to_string(result->method));
	json_builder_set_member_name(builder, "swd_khz");
	json_builder_add_int_value(builder, result->swd_khz);
	json_builder_set_member_name(builder, "voltage_mv");
	if (result->voltage_known)
		json_builder_add_int_value(builder, result->voltage_mv);
	else
		json_builder_add_null_value(builder);
	json_builder_set_member_name(builder, "halted");
	json_builder_add_boolean_value(builder, result->halted);
	json_builder_set_member_name(builder, "held_in_reset");
	json_builder_add_boolean_value(builder, result->held_in_reset);
	json_builder_set_member_name(builder, "at_reset_vector");
	json_builder_add_boolean_value(builder, result->at_reset_vector);
	json_builder_set_member_name(builder, "pc");
	json_builder_add_int_value(builder, result->pc);
	json_builder_set_member_name(builder, "reset_vector");
	json_builder_add_int_value(builder, result->reset_vector);
	json_builder_set_member_name(builder, "nrst_effect");
	if (result->nrst_effect < 0)
		json_builder_add_null_value(builder);
	else
		json_builder_add_boolean_value(builder, result->nrst_effect == 1);
	json_builder_set_member_name(builder, "rdp_level");
	json_builder_add_int_value(builder, result->rdp_level);
	json_builder_set_member_name(builder, "manual_attempts");
	json_builder_add_int_value(builder, result->manual_attempts);
	json_builder_set_member_name(builder, "rounds");
	json_builder_add_int_value(builder, result->rounds);
	json_builder_set_member_name(builder, "elapsed_ms");
	json_builder_add_int_value(builder, (gint64)(result->elapsed_us / 1000));
	if (result->evidence != NULL) {
		g_autoptr(JsonNode) evidence = ub_evidence_to_json(result->evidence);
		JsonObject *object = json_node_get_object(evidence);

		json_builder_set_member_name(builder, "facts");
		json_builder_add_value(builder,
				       json_node_copy(json_object_get_member(object, "facts")));
		json_builder_set_member_name(builder, "evidence");
		json_builder_add_value(builder,
				       json_node_copy(json_object_get_member(object, "evidence")));
	}
	if (result->verdict != NULL) {
		json_builder_set_member_name(builder, "verdict");
		json_builder_add_value(builder, ub_verdict_to_json(result->verdict));
	}
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

/* ---- helpers ---- */

static void
ladder_emit(Ladder *ladder, UbLadderStep step, UbLadderEventKind kind, guint khz, guint attempt,
	    const char *format, ...) G_GNUC_PRINTF(6, 7);

static void
ladder_emit(Ladder *ladder, UbLadderStep step, UbLadderEventKind kind, guint khz, guint attempt,
	    const char *format, ...)
{
	g_autofree char *message = NULL;
	UbLadderEvent event = {step, kind, NULL, khz, attempt, 0, UB_PERSON_ANSWER_UNKNOWN};
	va_list args;

	va_start(args, format);
	message = g_strdup_vprintf(format, args);
	va_end(args);
	if (kind != UB_LADDER_EVENT_TRYING)
		ub_evidence_add_note(ladder->evidence, "%s: %s", ub_ladder_step_to_string(step),
				     message);
	event.message = message;
	if (ladder->func != NULL)
		ladder->func(&event, ladder->user_data);
}

static void
ladder_fact(Ladder *ladder, const char *name, const char *value)
{
	ub_evidence_set_fact(ladder->evidence, name, value, UB_FACT_SOURCE_MEASURED);
}

static void
ladder_sleep_ms(Ladder *ladder, guint ms)
{
	ub_clock_sleep_ms(ladder->clock, ms);
}

static guint64
ladder_now_us(Ladder *ladder)
{
	return ub_clock_get_us(ladder->clock);
}

/* the DP answers: enter SWD and read its IDCODE (the cheapest proof) */
static gboolean
ladder_dp_answers(Ladder *ladder, GError **error)
{
	guint32 idcode = 0;

	if (!ub_probe_enter_swd(ladder->probe, error))
		return FALSE;
	return ub_probe_read_dp_idcode(ladder->probe, &idcode, error);
}

/* silence (nobody drives SWDIO) or nonsense (what a floating ground gives) */
static const char *
ladder_answer_kind(const GError *error)
{
	return g_error_matches(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK) ? "no-answer"
									      : "garbage";
}

static gboolean
ladder_write(Ladder *ladder, guint32 address, guint32 value, GError **error)
{
	return ub_probe_write_u32(ladder->probe, address, value, error);
}

static gboolean
ladder_read(Ladder *ladder, guint32 address, guint32 *value, GError **error)
{
	return ub_probe_read_u32(ladder->probe, address, value, error);
}

/* arm the catch: debug on, halt requested, VC_CORERESET, DFSR clean */
static gboolean
ladder_arm_vector_catch(Ladder *ladder, GError **error)
{
	return ladder_write(ladder, UB_DHCSR,
			    UB_DHCSR_DBGKEY | UB_DHCSR_C_DEBUGEN | UB_DHCSR_C_HALT, error) &&
	       ladder_write(ladder, UB_DEMCR, UB_DEMCR_TRCENA | UB_DEMCR_VC_CORERESET, error) &&
	       ladder_write(ladder, UB_DFSR, 0x1F, error);
}

/* two reads: S_RESET_ST is sticky and cleared by reading, set again means held right now */
static gboolean
ladder_read_dhcsr_now(Ladder *ladder, guint32 *dhcsr, GError **error)
{
	return ladder_read(ladder, UB_DHCSR, dhcsr, error) &&
	       ladder_read(ladder, UB_DHCSR, dhcsr, error);
}

/* after the release: the core should sit on its reset vector */
static gboolean
ladder_confirm_caught(Ladder *ladder, guint timeout_ms, GError **error)
{
	UbLadderResult *result = ladder->result;
	guint64 deadline = ladder_now_us(ladder) + (guint64)timeout_ms * 1000;
	guint32 dhcsr = 0, dfsr = 0, vector = 0;

	for (;;) {
		g_autoptr(GError) error_local = NULL;
		if (ladder_read_dhcsr_now(ladder, &dhcsr, &error_local) &&
		    !(dhcsr & UB_DHCSR_S_RESET_ST) && (dhcsr & UB_DHCSR_S_HALT))
			break;
		if (g_cancellable_set_error_if_cancelled(ladder->cancellable, error))
			return FALSE;
		if (ladder_now_us(ladder) > deadline) {
			if (error_local != NULL)
				g_propagate_error(error, g_steal_pointer(&error_local));
			else
				g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NOT_HALTED,
					    _("the chip did not stop on its reset vector (DHCSR "
					      "0x%08x)"),
					    dhcsr);
			return FALSE;
		}
		ladder_sleep_ms(ladder, 5);
	}
	result->halted = TRUE;
	if (!ladder_read(ladder, UB_DFSR, &dfsr, error) ||
	    !ub_probe_read_core_register(ladder->probe, UB_REG_PC, &result->pc, error))
		return FALSE;
	/* with read protection the flash (and so the vector) cannot be read: VCATCH is enough */
	if (ladder_read(ladder, RESET_VECTOR_ADDRESS, &vector, NULL))
		result->reset_vector = vector;
	result->at_reset_vector = (dfsr & DFSR_VCATCH) &&
				  (result->reset_vector == 0 ||
				   (result->reset_vector & ~1u) == (result->pc & ~1u));
	return TRUE;
}

/* ---- what the history says ---- */

static const char *
ladder_probe_serial(Ladder *ladder)
{
	const char *serial = ub_probe_info_get_serial(ub_device_get_probe_info(ladder->device));

	if (serial == NULL)
		serial = ub_transport_get_serial(ub_device_get_transport(ladder->device));
	return serial;
}

/* ---- the rungs ---- */

static gboolean
ladder_measure_voltage(Ladder *ladder)
{
	UbLadderResult *result = ladder->result;
	g_autoptr(GError) error = NULL;

	if (ub_evidence_fact_is(ladder->evidence, "probe_voltage", "own-rail")) {
		/* what a clone reports is its own 3.3 V: it says nothing about the board */
		ladder_fact(ladder, "voltage", "unknown");
		ladder_emit(ladder, UB_LADDER_STEP_VOLTAGE, UB_LADDER_EVENT_NOTE, 0, 0, "%s",
			    _("This probe reports its own 3.3 V, not the board's: the power check "
			      "is yours (is an LED on?)"));
		return TRUE;
	}
	if (!ub_probe_get_target_voltage(ladder->probe, &result->voltage_mv, &error)) {
		result->voltage_mv = 0;
		ladder_fact(ladder, "voltage", "unknown");
		ladder_emit(ladder, UB_LADDER_STEP_VOLTAGE, UB_LADDER_EVENT_NOTE, 0, 0,
			    _("This probe cannot measure the target voltage (%s)"), error->message);
		return TRUE;
	}
	result->voltage_known = TRUE;
	ladder_fact(ladder, "voltage",
		    result->voltage_mv < 300	       ? "none"
		    : result->voltage_mv < PARTIAL_MV ? "partial"
						       : "ok");
	ladder_emit(ladder, UB_LADDER_STEP_VOLTAGE,
		    result->voltage_mv >= POWERED_MV ? UB_LADDER_EVENT_SUCCEEDED
						     : UB_LADDER_EVENT_FAILED,
		    0, 0, _("Target voltage %.2f V"), result->voltage_mv / 1000.0);
	return result->voltage_mv >= POWERED_MV;
}

/*
 * The chip answered: stop it now. Returns REACHED (halted), STUCK (held in reset by the board)
 * or FAILED with the fact "normal" saying why (asleep, lost).
 */
static RungOutcome
ladder_halt_now(Ladder *ladder, guint khz)
{
	g_autoptr(GError) error = NULL;
	guint32 cpuid = 0, dhcsr = 0;
	guint64 deadline;

	/* the DP can answer while the chip's bus is stopped (Stop mode without DBG_STOP): then
	 * only a reset helps, slower clocks do not */
	if (!ub_probe_read_u32(ladder->probe, UB_CPUID, &cpuid, &error)) {
		g_autoptr(GError) error_dp = NULL;

		/* the pins may have gone between the two commands: asleep only if the DP
		 * itself still answers */
		if (!ladder_dp_answers(ladder, &error_dp))
			goto lost;
		ladder_fact(ladder, "normal", "asleep");
		ladder_emit(ladder, UB_LADDER_STEP_NORMAL, UB_LADDER_EVENT_FAILED, khz, 0,
			    _("The debug port answers but the chip's bus does not (asleep?): %s"),
			    error->message);
		return RUNG_FAILED;
	}
	if (!ladder_write(ladder, UB_DHCSR, UB_DHCSR_DBGKEY | UB_DHCSR_C_DEBUGEN | UB_DHCSR_C_HALT,
			  &error))
		goto lost;
	deadline = ladder_now_us(ladder) + 100 * 1000;
	for (;;) {
		if (!ladder_read_dhcsr_now(ladder, &dhcsr, &error))
			goto lost;
		if ((dhcsr & UB_DHCSR_S_HALT) && !(dhcsr & UB_DHCSR_S_RESET_ST))
			break;
		if (ladder_now_us(ladder) > deadline) {
			if (dhcsr & UB_DHCSR_S_RESET_ST) {
				/* the core never leaves reset, and nobody here holds it */
				ladder_fact(ladder, "normal", "ok");
				ladder_fact(ladder, "stuck_in_reset", "true");
				ladder->result->held_in_reset = TRUE;
				ladder_emit(ladder, UB_LADDER_STEP_NORMAL, UB_LADDER_EVENT_FAILED,
					    khz, 0, "%s",
					    _("The chip answers but stays in reset: something on the "
					      "board holds NRST low"));
				return RUNG_STUCK;
			}
			g_set_error(&error, UB_TARGET_ERROR, UB_TARGET_ERROR_NOT_HALTED,
				    "DHCSR 0x%08x", dhcsr);
			goto lost;
		}
		ladder_sleep_ms(ladder, 1);
	}
	ladder_fact(ladder, "normal", "ok");
	ladder_fact(ladder, "stuck_in_reset", "false");
	ladder->result->halted = TRUE;
	if (!ub_probe_read_core_register(ladder->probe, UB_REG_PC, &ladder->result->pc, &error))
		goto lost;
	return RUNG_REACHED;

lost:
	/* an answer followed by silence: the firmware took the pins, or the chip reset */
	ladder_fact(ladder, "normal", "lost");
	ladder_emit(ladder, UB_LADDER_STEP_NORMAL, UB_LADDER_EVENT_FAILED, khz, 0,
		    _("The chip answered, then went silent: %s"), error->message);
	return RUNG_FAILED;
}

static RungOutcome
ladder_normal(Ladder *ladder)
{
	gboolean garbled = FALSE;

	for (guint i = 0; i < G_N_ELEMENTS(ladder_clocks_khz); i++) {
		g_autoptr(GError) error = NULL;
		guint khz = ladder_clocks_khz[i];
		guint actual = khz;
		RungOutcome outcome;

		ladder_emit(ladder, UB_LADDER_STEP_NORMAL, UB_LADDER_EVENT_TRYING, khz, 0,
			    _("Connecting at %u kHz"), khz);
		if (!ub_probe_set_swd_frequency(ladder->probe, khz, &actual, &error) &&
		    !g_error_matches(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED)) {
			ladder_emit(ladder, UB_LADDER_STEP_NORMAL, UB_LADDER_EVENT_FAILED, khz, 0,
				    "%s", error->message);
			continue;
		}
		g_clear_error(&error);
		if (!ladder_dp_answers(ladder, &error)) {
			/* one nonsensical answer among silences still means a noisy line */
			garbled |= g_strcmp0(ladder_answer_kind(error), "garbage") == 0;
			ladder_fact(ladder, "normal", garbled ? "garbage" : "no-answer");
			ladder_emit(ladder, UB_LADDER_STEP_NORMAL, UB_LADDER_EVENT_FAILED, khz, 0,
				    _("No answer at %u kHz: %s"), khz, error->message);
			continue;
		}
		outcome = ladder_halt_now(ladder, actual);
		if (outcome == RUNG_REACHED) {
			ladder->result->swd_khz = actual;
			ladder_emit(ladder, UB_LADDER_STEP_NORMAL, UB_LADDER_EVENT_SUCCEEDED, actual,
				    0, _("The chip answered at %u kHz and is stopped at 0x%08x"),
				    actual, ladder->result->pc);
		}
		/* asleep, lost or held in reset: a slower clock changes none of that */
		return outcome;
	}
	return RUNG_FAILED;
}

/* best effort: the release matters less than the error that led here */
static void
ladder_release_nrst(Ladder *ladder)
{
	g_autoptr(GError) error = NULL;

	if (!ub_probe_drive_nrst(ladder->probe, UB_NRST_HIGH, &error))
		g_debug("releasing NRST: %s", error->message);
}

static RungOutcome
ladder_under_reset(Ladder *ladder, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	guint32 dhcsr = 0;

	ladder_emit(ladder, UB_LADDER_STEP_UNDER_RESET, UB_LADDER_EVENT_TRYING, 0, 0,
		    _("Holding the chip in reset through the probe's RST pin"));
	if (!ub_probe_drive_nrst(ladder->probe, UB_NRST_LOW, error))
		return RUNG_FAILED;
	ladder_sleep_ms(ladder, 20);
	if (!ladder_dp_answers(ladder, &error_local)) {
		ladder_fact(ladder, "under_nrst", "no-answer");
		ladder_emit(ladder, UB_LADDER_STEP_UNDER_RESET, UB_LADDER_EVENT_FAILED, 0, 0,
			    _("Still no answer with the probe's RST held low: %s"),
			    error_local->message);
		if (!ub_evidence_fact_is(ladder->evidence, "normal", "lost") &&
		    !ub_evidence_fact_is(ladder->evidence, "normal", "asleep"))
			ladder_emit(ladder, UB_LADDER_STEP_UNDER_RESET, UB_LADDER_EVENT_NOTE, 0, 0,
				    "%s",
				    _("Either the probe's RST pin does not reach the chip's NRST "
				      "(common on clone probes) or the chip cannot be reached at all"));
		else
			ladder_emit(ladder, UB_LADDER_STEP_UNDER_RESET, UB_LADDER_EVENT_NOTE, 0, 0,
				    "%s",
				    _("The chip answered before, so the probe's RST pin probably does "
				      "not reach its NRST (common on clone probes)"));
		ladder_release_nrst(ladder);
		return RUNG_FAILED;
	}
	/* once more now that the probe is in SWD mode: before ENTER it may not know which pin
	 * is its reset (OpenOCD's stlink_usb_init_mode() asserts before and after; audit D10) */
	if (!ub_probe_drive_nrst(ladder->probe, UB_NRST_LOW, error)) {
		ladder_release_nrst(ladder);
		return RUNG_FAILED;
	}
	if (!ladder_arm_vector_catch(ladder, &error_local) ||
	    !ladder_read_dhcsr_now(ladder, &dhcsr, &error_local)) {
		ladder_fact(ladder, "under_nrst", "lost");
		ladder_emit(ladder, UB_LADDER_STEP_UNDER_RESET, UB_LADDER_EVENT_FAILED, 0, 0,
			    _("The chip answered in reset, then went silent: %s"),
			    error_local->message);
		ladder_release_nrst(ladder);
		return RUNG_FAILED;
	}
	/* the chip answers and is held: S_RESET_ST stays set while NRST is low */
	ladder->result->nrst_effect = (dhcsr & UB_DHCSR_S_RESET_ST) ? 1 : 0;
	ladder_fact(ladder, "nrst_effect", ladder->result->nrst_effect ? "yes" : "no");
	if (!ub_probe_drive_nrst(ladder->probe, UB_NRST_HIGH, error))
		return RUNG_FAILED;
	if (ladder->result->nrst_effect == 0) {
		/* it answered anyway (pins not taken yet): the RST pin did nothing */
		ladder_emit(ladder, UB_LADDER_STEP_UNDER_RESET, UB_LADDER_EVENT_NOTE, 0, 0, "%s",
			    _("The chip answered, but the probe's RST pin had no effect on it"));
		if (!ladder_write(ladder, UB_AIRCR, UB_AIRCR_VECTKEY | UB_AIRCR_SYSRESETREQ,
				  &error_local)) {
			ladder_fact(ladder, "under_nrst", "lost");
			ladder_emit(ladder, UB_LADDER_STEP_UNDER_RESET, UB_LADDER_EVENT_FAILED, 0,
				    0, "%s", error_local->message);
			return RUNG_FAILED;
		}
	}
	if (!ladder_confirm_caught(ladder, 500, &error_local)) {
		ladder_fact(ladder, "under_nrst", "lost");
		ladder_emit(ladder, UB_LADDER_STEP_UNDER_RESET, UB_LADDER_EVENT_FAILED, 0, 0, "%s",
			    error_local->message);
		return RUNG_FAILED;
	}
	ladder_fact(ladder, "under_nrst", "ok");
	ladder_emit(ladder, UB_LADDER_STEP_UNDER_RESET, UB_LADDER_EVENT_SUCCEEDED, 0, 0,
		    _("Caught the core at 0x%08x before any firmware ran"), ladder->result->pc);
	return RUNG_REACHED;
}

/*
 * A wire lifted off a pin chatters for a few milliseconds, and every closure resets the chip
 * again (it halts again on its vector: VC_CORERESET stays armed). Anything started now (the
 * flash loader) would be cut short by the next bounce: wait until a quiet spell shows the
 * contact has settled. S_RESET_ST is sticky, so one read covers the whole spell.
 */
static gboolean
ladder_settle(Ladder *ladder, GError **error)
{
	guint64 deadline = ladder_now_us(ladder) +
			   (guint64)ladder->options->release_timeout_ms * 1000;

	for (;;) {
		guint32 dhcsr = 0;

		ladder_sleep_ms(ladder, 50);
		if (!ladder_read(ladder, UB_DHCSR, &dhcsr, error))
			return FALSE;
		if (!(dhcsr & UB_DHCSR_S_RESET_ST) && (dhcsr & UB_DHCSR_S_HALT))
			return TRUE;
		if (ladder_now_us(ladder) > deadline) {
			g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NOT_HALTED,
				    _("the chip kept being reset after NRST was let go (DHCSR "
				      "0x%08x)"),
				    dhcsr);
			return FALSE;
		}
	}
}

static gboolean
ladder_manual_once(Ladder *ladder, guint attempt, GError **error)
{
	const char *where = ladder->options->nrst_location;
	g_autofree char *hold = NULL;
	guint64 deadline;
	gboolean answered = FALSE;

	if (where != NULL)
		hold = g_strdup_printf(_("Connect NRST (%s) to GND now and keep it there"), where);
	else
		hold = g_strdup(_("Connect the chip's NRST pin to GND now and keep it there"));
	ladder_emit(ladder, UB_LADDER_STEP_MANUAL_RESET, UB_LADDER_EVENT_HOLD_NRST, 0, attempt,
		    "%s", hold);
	ub_person_tell(ladder->person, UB_PERSON_CUE_HOLD_NRST, hold);

	deadline = ladder_now_us(ladder) + (guint64)ladder->options->hold_timeout_ms * 1000;
	while (!answered) {
		g_autoptr(GError) error_local = NULL;
		if (g_cancellable_set_error_if_cancelled(ladder->cancellable, error)) {
			/* stopped while the person holds NRST: they would hold the chip in reset */
			ub_person_tell(ladder->person, UB_PERSON_CUE_RELEASE_NRST,
				       _("Let go of NRST now"));
			return FALSE;
		}
		if (ladder_dp_answers(ladder, &error_local) &&
		    ladder_arm_vector_catch(ladder, &error_local)) {
			answered = TRUE;
			break;
		}
		if (ladder_now_us(ladder) > deadline) {
			g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK,
				    _("the chip did not answer while NRST was held (%u s)"),
				    ladder->options->hold_timeout_ms / 1000);
			ub_person_tell(ladder->person, UB_PERSON_CUE_RELEASE_NRST,
				       _("Let go of NRST now"));
			return FALSE;
		}
		ladder_sleep_ms(ladder, 2);
	}
	ladder_emit(ladder, UB_LADDER_STEP_MANUAL_RESET, UB_LADDER_EVENT_RELEASE_NRST, 0, attempt,
		    "%s", _("The chip answers. Let go of NRST now"));
	ub_person_tell(ladder->person, UB_PERSON_CUE_RELEASE_NRST,
		       _("The chip answers. Let go of NRST now"));
	if (!ladder_confirm_caught(ladder, ladder->options->release_timeout_ms, error))
		return FALSE;
	return ladder_settle(ladder, error);
}

static RungOutcome
ladder_manual(Ladder *ladder, GError **error)
{
	guint attempts = MAX(ladder->options->manual_attempts, 1);

	for (guint attempt = 1; attempt <= attempts; attempt++) {
		g_autoptr(GError) error_local = NULL;

		ladder->result->manual_attempts++;
		if (ladder_manual_once(ladder, attempt, &error_local)) {
			ladder_fact(ladder, "by_hand", "ok");
			ladder_emit(ladder, UB_LADDER_STEP_MANUAL_RESET, UB_LADDER_EVENT_SUCCEEDED, 0,
				    attempt, _("Caught the core at 0x%08x before any firmware ran"),
				    ladder->result->pc);
			return RUNG_REACHED;
		}
		if (g_error_matches(error_local, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return RUNG_FAILED;
		}
		ladder_emit(ladder, UB_LADDER_STEP_MANUAL_RESET, UB_LADDER_EVENT_FAILED, 0, attempt,
			    "%s", error_local->message);
		/* let a held-too-long or bouncing contact settle before asking again */
		ladder_sleep_ms(ladder, 1000);
	}
	ladder_fact(ladder, "by_hand", "failed");
	return RUNG_FAILED;
}

/* halted or running, keep the connection through watchdogs and sleep */
static gboolean
ladder_secure(Ladder *ladder, GError **error)
{
	guint32 cr = 0, fz = 0, optcr = 0, dhcsr = 0;

	if (!ladder_read(ladder, DBGMCU_CR, &cr, error) ||
	    !ladder_write(ladder, DBGMCU_CR, cr | DBGMCU_KEEP_DEBUG, error) ||
	    !ladder_read(ladder, DBGMCU_APB1_FZ, &fz, error) ||
	    !ladder_write(ladder, DBGMCU_APB1_FZ, fz | DBGMCU_FREEZE_WATCHDOGS, error))
		return FALSE;
	if (ladder_read(ladder, FLASH_OPTCR, &optcr, NULL)) {
		guint8 rdp = (optcr >> 8) & 0xFF;
		ladder->result->rdp_level = rdp == 0xAA ? 0 : rdp == 0xCC ? 2 : 1;
		ladder_fact(ladder, "rdp", ladder->result->rdp_level == 0 ? "0" : "1");
	}
	if (ladder_read(ladder, UB_DHCSR, &dhcsr, NULL))
		ladder->result->halted = (dhcsr & UB_DHCSR_S_HALT) != 0;
	ladder_emit(ladder, UB_LADDER_STEP_SECURE, UB_LADDER_EVENT_SUCCEEDED, 0, 0, "%s",
		    _("Watchdogs frozen and debug kept alive in sleep modes"));
	if (ladder->result->rdp_level == 1)
		ladder_emit(ladder, UB_LADDER_STEP_SECURE, UB_LADDER_EVENT_NOTE, 0, 0, "%s",
			    _("Read protection is on (level 1): the flash cannot be read or backed "
			      "up. Removing it erases the whole chip; unbrick only does that when "
			      "you ask for it."));
	/* the target layer re-reads IDs and marks itself connected */
	return ub_target_connect(ladder->target, error);
}

/* one run of the rungs the options allow; the facts of an earlier run are replaced */
static RungOutcome
ladder_run_rungs(Ladder *ladder, GError **error)
{
	const UbLadderOptions *options = ladder->options;
	UbLadderResult *result = ladder->result;
	RungOutcome outcome = RUNG_FAILED;
	g_autoptr(GError) error_local = NULL;

	ub_target_set_disconnected(ladder->target);
	ladder_fact(ladder, "normal", "not-tried");
	ladder_fact(ladder, "under_nrst", "not-tried");
	ladder_fact(ladder, "by_hand", "not-tried");
	ladder_fact(ladder, "stuck_in_reset", "unknown");
	result->halted = FALSE;
	result->held_in_reset = FALSE;

	/* a measured voltage below the chip's minimum: nothing else can work */
	if (!ladder_measure_voltage(ladder))
		return RUNG_FAILED;
	if (options->allow & UB_LADDER_ALLOW_NORMAL) {
		outcome = ladder_normal(ladder);
		if (outcome == RUNG_REACHED)
			result->method = UB_LADDER_METHOD_NORMAL;
		if (outcome != RUNG_FAILED)
			return outcome;
	}
	if (options->allow & UB_LADDER_ALLOW_UNDER_RESET) {
		if (g_cancellable_set_error_if_cancelled(ladder->cancellable, error))
			return RUNG_FAILED;
		outcome = ladder_under_reset(ladder, &error_local);
		if (error_local != NULL) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return RUNG_FAILED;
		}
		if (outcome == RUNG_REACHED) {
			result->method = UB_LADDER_METHOD_UNDER_RESET;
			return outcome;
		}
	}
	/* a hand on NRST needs somebody at the bench */
	if ((options->allow & UB_LADDER_ALLOW_MANUAL) && ladder->person != NULL) {
		outcome = ladder_manual(ladder, &error_local);
		if (error_local != NULL) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return RUNG_FAILED;
		}
		if (outcome == RUNG_REACHED)
			result->method = UB_LADDER_METHOD_MANUAL_RESET;
	}
	return outcome;
}

/* the person can rule a cause out: ask what the verdict still needs (each question once);
 * TRUE when the rungs are worth running again */
static gboolean
ladder_ask(Ladder *ladder, UbVerdict *verdict, GHashTable *asked)
{
	UbPersonQuestion question;
	const char *text = NULL;
	gboolean again = FALSE;

	while (ub_verdict_get_next_question(verdict, ladder->evidence, &question, &text)) {
		UbLadderEvent event = {UB_LADDER_STEP_VERDICT, UB_LADDER_EVENT_QUESTION, NULL, 0, 0,
				       question, UB_PERSON_ANSWER_UNKNOWN};
		UbPersonAnswer answer;

		if (g_hash_table_contains(asked, GINT_TO_POINTER(question)))
			break;
		g_hash_table_add(asked, GINT_TO_POINTER(question));
		answer = ub_person_ask(ladder->person, question, text, ladder->cancellable);
		event.message = (char *)text;
		event.answer = answer;
		if (ladder->func != NULL)
			ladder->func(&event, ladder->user_data);
		ub_evidence_add_note(ladder->evidence, "verdict: %s: %s", text,
				     ub_person_answer_to_string(answer));
		if (answer == UB_PERSON_ANSWER_UNKNOWN)
			break;
		ub_evidence_set_answer(ladder->evidence, question, answer);
		/* wires checked (and maybe fixed), power confirmed: worth another run */
		if (answer == UB_PERSON_ANSWER_YES && question != UB_PERSON_QUESTION_FAILS_ELSEWHERE)
			again = TRUE;
		break;
	}
	return again;
}

UbLadderResult *
ub_connect_ladder_run(UbDevice *device, const UbLadderOptions *options, UbLadderEventFunc func,
		      gpointer user_data, GCancellable *cancellable, GError **error)
{
	g_autoptr(UbLadderResult) result = g_new0(UbLadderResult, 1);
	g_autoptr(UbRules) rules = NULL;
	g_autoptr(GHashTable) asked = g_hash_table_new(NULL, NULL);
	UbLadderOptions defaults;
	Ladder ladder = {0};
	RungOutcome outcome = RUNG_FAILED;

	g_return_val_if_fail(UB_IS_DEVICE(device), NULL);
	ub_ladder_options_init(&defaults);
	rules = ub_rules_load(error);
	if (rules == NULL)
		return NULL;
	result->evidence = ub_evidence_new();
	result->nrst_effect = -1;
	if (!ub_device_open(device, cancellable, error))
		return NULL;
	ladder.device = device;
	ladder.probe = ub_device_get_probe(device);
	ladder.target = ub_device_get_target(device);
	ladder.clock = ub_device_get_clock(device);
	ladder.person = ub_device_get_person(device);
	ladder.options = options != NULL ? options : &defaults;
	ladder.func = func;
	ladder.user_data = user_data;
	ladder.cancellable = cancellable;
	ladder.result = result;
	ladder.evidence = result->evidence;
	ladder.start_us = ub_clock_get_us(ladder.clock);

	ub_diagnosis_add_database_facts(ladder.evidence, ladder.options->probe_model,
					ladder.options->board_id,
					ub_probe_get_firmware_version(ladder.probe));
	if (ladder.options->history != NULL)
		ub_evidence_set_fact(ladder.evidence, "probe_history",
				     ub_history_probe_fact(ladder.options->history,
							   ladder_probe_serial(&ladder)),
				     UB_FACT_SOURCE_HISTORY);
	if (ladder.options->given != NULL)
		ub_evidence_merge(ladder.evidence, ladder.options->given);

	for (guint round = 1; round <= MAX(ladder.options->max_rounds, 1); round++) {
		g_autoptr(GError) error_local = NULL;

		result->rounds = round;
		outcome = ladder_run_rungs(&ladder, &error_local);
		if (error_local != NULL) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return NULL;
		}
		if (outcome != RUNG_FAILED)
			break;
		g_clear_object(&result->verdict);
		result->verdict = ub_rules_evaluate(rules, ladder.evidence);
		if (!ladder.options->ask || ladder.person == NULL ||
		    !ladder_ask(&ladder, result->verdict, asked))
			break;
		ladder_emit(&ladder, UB_LADDER_STEP_VERDICT, UB_LADDER_EVENT_NOTE, 0, 0, "%s",
			    _("Trying again with what you confirmed"));
	}
	if (outcome == RUNG_REACHED && !ladder_secure(&ladder, error))
		return NULL;
	result->reached = outcome == RUNG_REACHED;
	ladder_fact(&ladder, "reached",
		    result->reached ? ub_ladder_method_to_string(result->method) : "no");
	g_clear_object(&result->verdict);
	result->verdict = ub_rules_evaluate(rules, ladder.evidence);
	result->elapsed_us = ub_clock_get_us(ladder.clock) - ladder.start_us;
	if (ladder.options->history != NULL) {
		g_autoptr(UbTargetInfo) info = NULL;
		g_autoptr(GError) error_history = NULL;

		if (result->reached)
			info = ub_target_read_info(ladder.target, ub_device_get_chip_db(device),
						   cancellable, NULL);
		ub_history_record(ladder.options->history, ladder_probe_serial(&ladder),
				  info != NULL ? ub_target_info_get_uid(info) : NULL,
				  result->reached);
		if (!ub_history_save(ladder.options->history, &error_history))
			g_warning("history: %s", error_history->message);
	}
	if (!result->reached) {
		const UbCause *top = ub_verdict_get_top(result->verdict);
		ladder_emit(&ladder, UB_LADDER_STEP_VERDICT, UB_LADDER_EVENT_FAILED, 0, 0, "%s. %s",
			    top->title, top->next_step);
	}
	return g_steal_pointer(&result);
}

/* ---- async ---- */

typedef struct {
	UbLadderOptions options;
	UbLadderEventFunc func;
	gpointer user_data;
	GDestroyNotify user_data_free;
	GMainContext *context;
} AsyncLadder;

typedef struct {
	AsyncLadder *async;
	UbLadderEvent event;
	GObject *keep_alive;
} AsyncEvent;

static void
async_ladder_free(gpointer data)
{
	AsyncLadder *async = data;

	ub_ladder_options_clear(&async->options);
	if (async->user_data_free != NULL)
		async->user_data_free(async->user_data);
	g_main_context_unref(async->context);
	g_free(async);
}

static gboolean
async_event_deliver(gpointer data)
{
	AsyncEvent *item = data;

	item->async->func(&item->event, item->async->user_data);
	return G_SOURCE_REMOVE;
}

static void
async_event_free(gpointer data)
{
	AsyncEvent *item = data;

	g_free(item->event.message);
	g_clear_object(&item->keep_alive);
	g_free(item);
}

/* on the worker: hand each event to the caller's context (the job keeps `async` alive until
 * its GTask is finalized, which happens on that same context after these sources) */
static void
async_event_forward(const UbLadderEvent *event, gpointer user_data)
{
	AsyncLadder *async = user_data;
	AsyncEvent *item = g_new0(AsyncEvent, 1);

	item->async = async;
	item->event = *event;
	item->event.message = g_strdup(event->message);
	g_main_context_invoke_full(async->context, G_PRIORITY_DEFAULT, async_event_deliver, item,
				   async_event_free);
}

static gpointer
async_ladder_job(UbDevice *device, gpointer job_data, UbProgress *progress,
		 GCancellable *cancellable, GError **error)
{
	AsyncLadder *async = job_data;

	return ub_connect_ladder_run(device, &async->options,
				     async->func != NULL ? async_event_forward : NULL, async,
				     cancellable, error);
}

void
ub_connect_ladder_run_async(UbDevice *device, const UbLadderOptions *options,
			    UbLadderEventFunc func, gpointer user_data,
			    GDestroyNotify user_data_free, GCancellable *cancellable,
			    GAsyncReadyCallback callback, gpointer callback_data)
{
	AsyncLadder *async = g_new0(AsyncLadder, 1);

	if (options != NULL)
		ub_ladder_options_copy(&async->options, options);
	else
		ub_ladder_options_init(&async->options);
	async->func = func;
	async->user_data = user_data;
	async->user_data_free = user_data_free;
	async->context = g_main_context_ref_thread_default();
	ub_device_run_job_async(device, async_ladder_job, async, async_ladder_free,
				(GDestroyNotify)ub_ladder_result_free, NULL, cancellable, callback,
				callback_data);
}

UbLadderResult *
ub_connect_ladder_run_finish(UbDevice *device, GAsyncResult *result, GError **error)
{
	return ub_device_run_job_finish(device, result, error);
}
