/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The connection ladder: the steps an expert takes when "Cannot connect to target", in order,
 * until the core is reached and held, or the evidence says why it cannot be.
 *
 *   1. normal connect at the default SWD clock, then slower ones;
 *   2. connect under reset through the probe's NRST, catch the core on its reset vector;
 *   3. notice when the probe's NRST has no effect on the chip;
 *   4. ask the person to hold NRST to GND, poll while they do, catch the core, ask them to let go;
 *   5. keep the session alive: watchdogs frozen and debug clocks kept while halted or asleep.
 *
 * Runs on the device's worker (ub_connect_ladder_run) or from the main loop
 * (ub_connect_ladder_run_async); every step is reported through a UbLadderEventFunc, called on
 * the main context of the async caller. The verdict when nothing works is an error in
 * UB_TARGET_ERROR (NO_POWER, LOCKED_FOREVER, DEAD, ...) with the evidence in the result.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ub-device.h"

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
} UbLadderEventKind;

typedef struct {
	UbLadderStep step;
	UbLadderEventKind kind;
	char *message; /* plain language, translated */
	guint swd_khz; /* for NORMAL: the clock tried */
	guint attempt; /* for MANUAL_RESET: 1, 2, ... */
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
} UbLadderOptions;

typedef enum {
	UB_LADDER_METHOD_NONE,
	UB_LADDER_METHOD_NORMAL,
	UB_LADDER_METHOD_UNDER_RESET,
	UB_LADDER_METHOD_MANUAL_RESET,
} UbLadderMethod;

typedef struct {
	UbLadderMethod method;
	guint swd_khz;
	guint voltage_mv;
	gboolean voltage_known; /* the probe could measure it */
	gboolean halted;      /* the core is halted now */
	gboolean at_reset_vector;
	guint32 pc;
	guint32 reset_vector; /* from flash word 1 (0 when unreadable) */
	int nrst_effect;      /* 1 yes, 0 no, -1 not known */
	guint rdp_level;      /* 0, 1 (2 cannot be connected to) */
	guint manual_attempts;
	guint64 elapsed_us;   /* on the device's clock */
	GPtrArray *evidence;  /* of char *: what was tried and what it gave */
} UbLadderResult;

void ub_ladder_options_init(UbLadderOptions *options);
void ub_ladder_options_clear(UbLadderOptions *options);

void ub_ladder_result_free(UbLadderResult *result);
JsonNode *ub_ladder_result_to_json(const UbLadderResult *result);
const char *ub_ladder_method_to_string(UbLadderMethod method);
const char *ub_ladder_step_to_string(UbLadderStep step);
const char *ub_ladder_event_kind_to_string(UbLadderEventKind kind);

/* on the device's worker thread; @func is called on that thread */
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
