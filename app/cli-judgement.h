/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What every command that reaches the chip shares: the options that say what the person knows
 * (--probe, --board, --powered, --wires-checked, --fails-elsewhere, ...), the connection
 * ladder's output on a terminal or as JSON lines, and the verdict printed as a person reads
 * it. connect, diagnose, and the flash commands (flash, backup, restore, erase, unlock, verify)
 * all print their verdicts from here: one source of advice.
 */
#pragma once

#include <gio/gio.h>

#include "cli-private.h"
#include "ub-connect-ladder.h"
#include "ub-verdict.h"

G_BEGIN_DECLS

typedef struct {
	char *probe_model;
	char *board;
	gboolean powered;
	gboolean no_led;
	gboolean wires_checked;
	gboolean fails_elsewhere;
	gboolean works_elsewhere;
	gboolean no_history;
} UbCliJudgement;

/* adds --powered, --no-led, --wires-checked, --fails-elsewhere, --works-elsewhere and
 * --no-history to @context; --probe and --board are the shared options (UbCliOptions) */
void ub_cli_judgement_add_options(GOptionContext *context, UbCliJudgement *judgement);
/* takes --probe and --board from the parsed shared options */
void ub_cli_judgement_use_options(UbCliJudgement *judgement, UbCliOptions *options);
void ub_cli_judgement_clear(UbCliJudgement *judgement);
/* FALSE (and a message) when options contradict each other */
gboolean ub_cli_judgement_check(UbCliJudgement *judgement, const char *command);
/* what the person said, as facts */
UbEvidence *ub_cli_judgement_given(UbCliJudgement *judgement);
/* fills the ladder's probe, board, NRST location, given facts and history */
void ub_cli_judgement_setup_ladder(UbCliJudgement *judgement, UbLadderOptions *options);

/* how the ladder's steps are shown while it runs */
typedef struct {
	gboolean json;
	gboolean tty;
} UbCliLadderUi;

void ub_cli_ladder_event_cb(const UbLadderEvent *event, gpointer user_data);

/* the verdict for a person: the likely cause, its wires and picture, what to do, what else
 * is possible and how to rule it out, and what was measured */
void ub_cli_print_verdict(UbVerdict *verdict, UbEvidence *evidence, const char *board,
			  const char *probe_model);

G_END_DECLS
