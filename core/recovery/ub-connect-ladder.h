/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The connection ladder: the steps an expert takes when "Cannot connect to target", in order,
 * until the core is reached and held, or the evidence says why it cannot be.
 *
 *   1. normal connect at the default SWD clock, then slower ones, stopping the core the moment
 *      it answers (firmware that takes the pins a little later then cannot);
 *   2. connect under reset through the probe's NRST, catch the core on its reset vector;
 *   3. notice when the probe's NRST has no effect on the chip;
 *   4. ask the person to hold NRST to GND, poll while they do, catch the core, ask them to let go;
 *   5. keep the session alive: watchdogs frozen and debug clocks kept while halted or asleep.
 *
 * Every rung adds facts to one UbEvidence (an answer followed by silence is a fact, not a dead
 * end); when no rung reaches the chip, the rules (ub-verdict.h) turn the evidence into a
 * verdict. Where a cause can be ruled out by the person (wires checked, an LED on, the probe
 * failing elsewhere) the ladder asks through the device's UbPerson and, after a confirmed
 * check, runs again: the verdict narrows. The chip is never called damaged while a wire, the
 * power or the probe can explain the facts.
 *
 * Runs on the device's worker (ub_connect_ladder_run) or from the main loop
 * (ub_connect_ladder_run_async); every step is reported through a UbLadderEventFunc, called on
 * the main context of the async caller. A ladder that ran returns its result whether or not it
 * reached the chip (result->reached; result->verdict says why not); an error means it could
 * not run at all (the probe went away, cancelled).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ub-device.h"
#include "ub-evidence.h"
#include "ub-history.h"
#include "ub-verdict.h"

G_BEGIN_DECLS

typedef enum {
	UB_LADDER_STEP_VOLTAGE,
	UB_LADDER_STEP_NORMAL,
	UB_LADDER_STEP_UNDER_RESET,
	UB_LADDER_STEP_MANUAL_RESET,
	UB_LADDER_STEP_SECURE,
	UB_LADDER_STEP_VERDICT,
} UbLadderStep;

typedef enum {
	UB_LADDER_EVENT_TRYING,
	UB_LADDER_EVENT_FAILED,
	UB_LADDER_EVENT_SUCCEEDED,
	UB_LADDER_EVENT_HOLD_NRST,    /* the person must now connect NRST to GND and keep it */
	UB_LADDER_EVENT_RELEASE_NRST, /* the chip answered: the person lets go now */
	UB_LADDER_EVENT_NOTE,	      /* something learnt on the way (e.g. NRST has no effect) */
	UB_LADDER_EVENT_QUESTION,     /* the person was asked (message) and answered (answer) */
} UbLadderEventKind;

typedef struct {
	UbLadderStep step;
	UbLadderEventKind kind;
	char *message; /* plain language, translated */
	guint swd_khz; /* for NORMAL: the clock tried */
	guint attempt; /* for MANUAL_RESET: 1, 2, ... */
	UbPersonQuestion question; /* for QUESTION */
	UbPersonAnswer answer;	   /* for QUESTION */
} UbLadderEvent;

typedef void (*UbLadderEventFunc)(const UbLadderEvent *event, gpointer user_data);

typedef enum {
	UB_LADDER_ALLOW_NORMAL = 1 << 0,
	UB_LADDER_ALLOW_UNDER_RESET = 1 << 1,
	UB_LADDER_ALLOW_MANUAL = 1 << 2,
	UB_LADDER_ALLOW_ALL = 0x7,
} UbLadderAllow;

typedef struct {
	UbLadderAllow allow;
	guint manual_attempts;	  /* how often to ask the person (default 2) */
	guint hold_timeout_ms;	  /* waiting for the chip to answer while held (default 30 s) */
	guint release_timeout_ms; /* waiting for the person to let go (default 30 s) */
	char *nrst_location;	  /* where NRST is on this board (from the board database) */
	char *probe_model;	  /* the person's probe (resources/data/probes id), or NULL */
	char *board_id;		  /* the board (resources/data/boards id), or NULL */
	UbEvidence *given;	  /* facts the caller already has (what the person said) */
	UbHistory *history;	  /* consulted and recorded, or NULL */
	gboolean ask;		  /* questions may go to the person (default TRUE) */
	guint max_rounds;	  /* runs of the rungs after confirmed checks (default 3) */
} UbLadderOptions;

typedef enum {
	UB_LADDER_METHOD_NONE,
	UB_LADDER_METHOD_NORMAL,
	UB_LADDER_METHOD_UNDER_RESET,
	UB_LADDER_METHOD_MANUAL_RESET,
} UbLadderMethod;

typedef struct {
	gboolean reached;     /* the core was reached and is held */
	UbLadderMethod method;
	guint swd_khz;
	guint voltage_mv;
	gboolean voltage_known; /* the probe could measure it */
	gboolean halted;      /* the core is halted now */
	gboolean held_in_reset; /* NRST is held low on the board: never "running" */
	gboolean at_reset_vector;
	guint32 pc;
	guint32 reset_vector; /* from flash word 1 (0 when unreadable) */
	int nrst_effect;      /* 1 yes, 0 no, -1 not known */
	guint rdp_level;      /* 0, 1 (2 cannot be connected to) */
	guint manual_attempts;
	guint rounds;	      /* how often the rungs ran */
	guint64 elapsed_us;   /* on the device's clock */
	UbEvidence *evidence; /* the facts and the lines of what was tried */
	UbVerdict *verdict;   /* what the evidence says (an "ok" verdict when reached) */
} UbLadderResult;

void ub_ladder_options_init(UbLadderOptions *options);
void ub_ladder_options_clear(UbLadderOptions *options);

void ub_ladder_result_free(UbLadderResult *result);
/* for a ladder that did not reach the chip: its verdict as an error (UB_TARGET_ERROR) */
void ub_ladder_result_set_error(const UbLadderResult *result, GError **error);
JsonNode *ub_ladder_result_to_json(const UbLadderResult *result);
const char *ub_ladder_method_to_string(UbLadderMethod method);
const char *ub_ladder_step_to_string(UbLadderStep step);
const char *ub_ladder_event_kind_to_string(UbLadderEventKind kind);

/* on the device's worker thread; @func is called on that thread. NULL only when the ladder
 * could not run (@error set); otherwise see result->reached */
UbLadderResult *ub_connect_ladder_run(UbDevice *device, const UbLadderOptions *options,
				      UbLadderEventFunc func, gpointer user_data,
				      GCancellable *cancellable, GError **error);

/* from the main loop; @func runs on the caller's main context */
void ub_connect_ladder_run_async(UbDevice *device, const UbLadderOptions *options,
				 UbLadderEventFunc func, gpointer user_data,
				 GDestroyNotify user_data_free, GCancellable *cancellable,
				 GAsyncReadyCallback callback, gpointer callback_data);
UbLadderResult *ub_connect_ladder_run_finish(UbDevice *device, GAsyncResult *result,
					     GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(UbLadderResult, ub_ladder_result_free)

G_END_DECLS
