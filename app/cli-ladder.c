/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How unbrick-cli shows the connection ladder (connect, and flash --recover): on a terminal the
 * hold/release prompts stand out; with --json every step is one JSON line ({"event": ...}).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cli-private.h"
#include "ub-board-db.h"

/* one JSON document per line, so a reader can act on each step as it comes */
void
ub_cli_print_json_line(JsonNode *node)
{
	g_autofree char *text = json_to_string(node, FALSE);

	g_print("%s\n", text);
	fflush(stdout);
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
		json_builder_end_object(builder);
		root = json_builder_get_root(builder);
		ub_cli_print_json_line(root);
		return;
	}
	switch (event->kind) {
	case UB_LADDER_EVENT_HOLD_NRST:
		/* the one moment the person has to act: make it impossible to miss */
		g_print(ui->tty ? "\n\a>>> %s <<<\n\n" : ">>> %s\n", event->message);
		break;
	case UB_LADDER_EVENT_RELEASE_NRST:
		g_print(ui->tty ? "\n\a>>> %s <<<\n\n" : ">>> %s\n", event->message);
		break;
	case UB_LADDER_EVENT_TRYING:
		g_print("… %s\n", event->message);
		break;
	case UB_LADDER_EVENT_FAILED:
		g_print("✗ %s\n", event->message);
		break;
	case UB_LADDER_EVENT_SUCCEEDED:
		g_print("✓ %s\n", event->message);
		break;
	case UB_LADDER_EVENT_NOTE:
	default:
		g_print("• %s\n", event->message);
		break;
	}
}

char *
ub_cli_board_nrst_location(const char *board_id)
{
	g_autoptr(UbBoardDb) db = ub_board_db_new();
	g_autoptr(GError) error = NULL;
	UbBoard *board;
	guint header_pin, mcu_pin;

	if (board_id == NULL)
		return NULL;
	if (!ub_board_db_load(db, &error)) {
		g_debug("board database: %s", error->message);
		return NULL;
	}
	board = ub_board_db_lookup(db, board_id);
	if (board == NULL)
		return NULL;
	header_pin = ub_board_get_nrst_header_pin(board);
	mcu_pin = ub_board_get_nrst_mcu_pin(board);
	if (header_pin != 0)
		/* TRANSLATORS: where NRST is; %u is a pin number */
		return g_strdup_printf(_("SWD header pin %u"), header_pin);
	if (mcu_pin != 0)
		return g_strdup_printf(_("MCU pin %u, counted from the dot"), mcu_pin);
	return NULL;
}

