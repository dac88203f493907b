/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cli-judgement.h"
#include "cli-private.h"
#include "ub-board-db.h"

void
ub_cli_judgement_add_options(GOptionContext *context, UbCliJudgement *judgement)
{
	const GOptionEntry entries[] = {
	    {"powered", 0, 0, G_OPTION_ARG_NONE, &judgement->powered,
	     N_("You see an LED lit on the board: it has power"), NULL},
	    {"no-led", 0, 0, G_OPTION_ARG_NONE, &judgement->no_led,
	     N_("No LED on the board lights up"), NULL},
	    {"wires-checked", 0, 0, G_OPTION_ARG_NONE, &judgement->wires_checked,
	     N_("You checked every wire against the drawing"), NULL},
	    {"fails-elsewhere", 0, 0, G_OPTION_ARG_NONE, &judgement->fails_elsewhere,
	     N_("This probe fails on your other boards too"), NULL},
	    {"works-elsewhere", 0, 0, G_OPTION_ARG_NONE, &judgement->works_elsewhere,
	     N_("This probe works with your other boards"), NULL},
	    {"no-history", 0, 0, G_OPTION_ARG_NONE, &judgement->no_history,
	     N_("Neither read nor record which probe reached which chip"), NULL},
	    {NULL}};

	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
}

void
ub_cli_judgement_use_options(UbCliJudgement *judgement, UbCliOptions *options)
{
	g_free(judgement->probe_model);
	g_free(judgement->board);
	judgement->probe_model = g_strdup(options->probe);
	judgement->board = g_strdup(options->board);
}

void
ub_cli_judgement_clear(UbCliJudgement *judgement)
{
	g_clear_pointer(&judgement->probe_model, g_free);
	g_clear_pointer(&judgement->board, g_free);
}

gboolean
ub_cli_judgement_check(UbCliJudgement *judgement, const char *command)
{
	if (judgement->powered && judgement->no_led) {
		/* TRANSLATORS: %s is a command name */
		g_printerr(_("unbrick-cli %s: --powered and --no-led exclude each other\n"), command);
		return FALSE;
	}
	if (judgement->fails_elsewhere && judgement->works_elsewhere) {
		g_printerr(_("unbrick-cli %s: --fails-elsewhere and --works-elsewhere exclude each "
			     "other\n"),
			   command);
		return FALSE;
	}
	return TRUE;
}

UbEvidence *
ub_cli_judgement_given(UbCliJudgement *judgement)
{
	UbEvidence *given = ub_evidence_new();

	if (judgement->powered || judgement->no_led)
		ub_evidence_set_answer(given, UB_PERSON_QUESTION_LED_ON,
				       judgement->powered ? UB_PERSON_ANSWER_YES
							  : UB_PERSON_ANSWER_NO);
	if (judgement->wires_checked)
		ub_evidence_set_answer(given, UB_PERSON_QUESTION_WIRES_CHECKED,
				       UB_PERSON_ANSWER_YES);
	if (judgement->fails_elsewhere || judgement->works_elsewhere)
		ub_evidence_set_answer(given, UB_PERSON_QUESTION_FAILS_ELSEWHERE,
				       judgement->fails_elsewhere ? UB_PERSON_ANSWER_YES
								  : UB_PERSON_ANSWER_NO);
	return given;
}

static UbBoard *
judgement_lookup_board(UbBoardDb *db, const char *board_id)
{
	g_autoptr(GError) error = NULL;

	if (board_id == NULL)
		return NULL;
	if (!ub_board_db_load(db, &error)) {
		g_debug("board database: %s", error->message);
		return NULL;
	}
	return ub_board_db_lookup(db, board_id);
}

static char *
judgement_nrst_location(const char *board_id)
{
	g_autoptr(UbBoardDb) db = ub_board_db_new();
	UbBoard *board = judgement_lookup_board(db, board_id);

	if (board == NULL)
		return NULL;
	if (ub_board_get_nrst_header_pin(board) != 0)
		/* TRANSLATORS: where NRST is; %u is a pin number */
		return g_strdup_printf(_("SWD header pin %u"), ub_board_get_nrst_header_pin(board));
	if (ub_board_get_nrst_mcu_pin(board) != 0)
		return g_strdup_printf(_("MCU pin %u, counted from the dot"),
				       ub_board_get_nrst_mcu_pin(board));
	return NULL;
}

void
ub_cli_judgement_setup_ladder(UbCliJudgement *judgement, UbLadderOptions *options)
{
	options->probe_model = g_strdup(judgement->probe_model);
	options->board_id = g_strdup(judgement->board);
	options->nrst_location = judgement_nrst_location(judgement->board);
	options->given = ub_cli_judgement_given(judgement);
	if (!judgement->no_history) {
		g_autoptr(UbHistory) history = ub_history_new(NULL);
		g_autoptr(GError) error = NULL;

		/* a damaged history file is left alone and not used: it is only a hint */
		if (ub_history_load(history, &error))
			options->history = g_steal_pointer(&history);
		else
			g_warning("%s", error->message);
	}
}

void
ub_cli_ladder_event_cb(const UbLadderEvent *event, gpointer user_data)
{
	UbCliLadderUi *ui = user_data;

	if (ui->json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		g_autoptr(JsonNode) root = NULL;

		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "event");
		json_builder_add_string_value(builder, ub_ladder_event_kind_to_string(event->kind));
		json_builder_set_member_name(builder, "step");
		json_builder_add_string_value(builder, ub_ladder_step_to_string(event->step));
		json_builder_set_member_name(builder, "message");
		json_builder_add_string_value(builder, event->message);
		if (event->swd_khz != 0) {
			json_builder_set_member_name(builder, "swd_khz");
			json_builder_add_int_value(builder, event->swd_khz);
		}
		if (event->attempt != 0) {
			json_builder_set_member_name(builder, "attempt");
			json_builder_add_int_value(builder, event->attempt);
		}
		if (event->kind == UB_LADDER_EVENT_QUESTION) {
			json_builder_set_member_name(builder, "question");
			json_builder_add_string_value(builder,
						      ub_person_question_to_string(event->question));
			json_builder_set_member_name(builder, "answer");
			json_builder_add_string_value(builder,
						      ub_person_answer_to_string(event->answer));
		}
		json_builder_end_object(builder);
		root = json_builder_get_root(builder);
		ub_cli_print_json_line(root);
		return;
	}
	switch (event->kind) {
	case UB_LADDER_EVENT_HOLD_NRST:
	case UB_LADDER_EVENT_RELEASE_NRST:
		/* the moments the person has to act: make them impossible to miss */
		g_print(ui->tty ? "\n\a>>> %s <<<\n\n" : ">>> %s\n", event->message);
		break;
	case UB_LADDER_EVENT_TRYING:
		g_print("… %s\n", event->message);
		break;
	case UB_LADDER_EVENT_FAILED:
		/* the verdict is printed in full at the end */
		if (event->step != UB_LADDER_STEP_VERDICT)
			g_print("✗ %s\n", event->message);
		break;
	case UB_LADDER_EVENT_SUCCEEDED:
		g_print("✓ %s\n", event->message);
		break;
	case UB_LADDER_EVENT_QUESTION:
		if (event->answer == UB_PERSON_ANSWER_UNKNOWN)
			/* nobody could answer: the verdict says how to tell unbrick later */
			g_print("? %s\n", event->message);
		else
			/* TRANSLATORS: a question and the person's answer (yes or no) */
			g_print(_("? %s — %s\n"), event->message,
				event->answer == UB_PERSON_ANSWER_YES ? _("yes") : _("no"));
		break;
	case UB_LADDER_EVENT_NOTE:
	default:
		g_print("• %s\n", event->message);
		break;
	}
}

static const char *
judgement_option_for_question(UbPersonQuestion question)
{
	switch (question) {
	case UB_PERSON_QUESTION_LED_ON:
		return "--powered / --no-led";
	case UB_PERSON_QUESTION_WIRES_CHECKED:
		return "--wires-checked";
	case UB_PERSON_QUESTION_FAILS_ELSEWHERE:
		return "--fails-elsewhere / --works-elsewhere";
	default:
		return "";
	}
}

void
ub_cli_print_verdict(UbVerdict *verdict, UbEvidence *evidence, const char *board,
		     const char *probe_model)
{
	GPtrArray *causes = ub_verdict_get_causes(verdict);
	const UbCause *top = ub_verdict_get_top(verdict);
	g_autoptr(UbBoardDb) db = ub_board_db_new();
	UbBoard *known = judgement_lookup_board(db, board);

	g_print("%s\n\n%s\n", top->title, top->explanation);
	if (top->wires[0] != NULL) {
		g_autofree char *wires = g_strjoinv(", ", top->wires);
		g_print(_("Wires to check: %s\n"), wires);
	}
	if (g_strcmp0(top->picture, "nrst") == 0 && known != NULL &&
	    ub_board_get_nrst_mcu_pin(known) != 0) {
		if (ub_board_get_nrst_header_pin(known) != 0)
			g_print(_("NRST on this board: SWD header pin %u (MCU pin %u).\n"),
				ub_board_get_nrst_header_pin(known), ub_board_get_nrst_mcu_pin(known));
		else
			g_print(_("NRST on this board: MCU pin %u.\n"),
				ub_board_get_nrst_mcu_pin(known));
	}
	if (top->picture != NULL && board != NULL)
		g_print(_("The drawing: unbrick-cli pinout %s %s\n"), board,
			probe_model != NULL ? probe_model : _("PROBE"));
	g_print(_("Next: %s\n"), top->next_step);
	if (causes->len > 1) {
		g_print("\n%s\n", _("Also possible:"));
		for (guint i = 1; i < causes->len; i++) {
			const UbCause *cause = g_ptr_array_index(causes, i);
			g_print("  - %s\n", cause->title);
		}
	}
	for (guint i = 0; i < causes->len; i++) {
		const UbCause *cause = g_ptr_array_index(causes, i);
		const char *known_answer;

		if (!cause->has_check)
			continue;
		known_answer =
		    ub_evidence_get_fact(evidence, ub_evidence_fact_for_question(cause->check));
		if (known_answer != NULL && g_strcmp0(known_answer, "unknown") != 0)
			continue;
		/* TRANSLATORS: a check the person can do; %s are the question and the option */
		g_print(_("\nTo narrow it down: %s Tell unbrick with %s.\n"), cause->check_text,
			judgement_option_for_question(cause->check));
		break;
	}
	if (evidence != NULL && ub_evidence_get_notes(evidence)->len > 0) {
		GPtrArray *notes = ub_evidence_get_notes(evidence);
		g_print("\n%s\n", _("What was tried and seen:"));
		for (guint i = 0; i < notes->len; i++)
			g_print("  %s\n", (const char *)g_ptr_array_index(notes, i));
	}
}
