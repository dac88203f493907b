/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli history [--clear] [--json]: which probe reached which chip, or failed to, and
 * when ($XDG_STATE_HOME/unbrick/history.json). The connection ladder reads it: a probe that
 * reached chips before and reaches none now is suspect before any chip is.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-commands.h"
#include "cli-private.h"
#include "ub-history.h"

int
ub_cli_history(int argc, char **argv)
{
	UbCliOptions options = {0};
	gboolean clear = FALSE;
	const GOptionEntry entries[] = {
	    {"clear", 0, 0, G_OPTION_ARG_NONE, &clear, N_("Forget everything"), NULL},
	    {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(UbHistory) history = ub_history_new(NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonArray *entries_json;
	int status;

	g_option_context_set_summary(context,
				     _("Show which probe reached which chip, or failed to, and when."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_options_add(&options, context, UB_CLI_OPTION_JSON | UB_CLI_OPTION_VERBOSE);
	if (!ub_cli_options_parse(&options, "history", context, &argc, &argv, 0)) {
		ub_cli_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	if (clear) {
		if (ub_history_clear(history, &error) && !options.json)
			g_print(_("History cleared (%s).\n"), ub_history_get_path(history));
		status = ub_cli_finish("history", &options, NULL, error);
		ub_cli_options_clear(&options);
		return status;
	}
	if (!ub_history_load(history, &error)) {
		status = ub_cli_finish("history", &options, NULL, error);
		ub_cli_options_clear(&options);
		return status;
	}
	root = ub_history_to_json(history);
	entries_json = json_object_get_array_member(json_node_get_object(root), "entries");
	if (!options.json && json_array_get_length(entries_json) == 0)
		g_print(_("No probe has been used yet (%s).\n"), ub_history_get_path(history));
	for (guint i = 0; !options.json && i < json_array_get_length(entries_json); i++) {
		JsonObject *entry = json_array_get_object_element(entries_json, i);
		g_autoptr(GDateTime) when = g_date_time_new_from_unix_local(
		    json_object_get_int_member(entry, "time"));
		g_autofree char *date = g_date_time_format(when, "%Y-%m-%d %H:%M");
		const char *uid = json_object_get_string_member_with_default(entry, "uid", NULL);

		if (uid != NULL)
			/* TRANSLATORS: date, probe serial, chip UID */
			g_print(_("%s  probe %s  reached chip %s\n"), date,
				json_object_get_string_member(entry, "probe"), uid);
		else
			g_print(_("%s  probe %s  reached nothing\n"), date,
				json_object_get_string_member(entry, "probe"));
	}
	status = ub_cli_finish("history", &options, options.json ? root : NULL, NULL);
	ub_cli_options_clear(&options);
	return status;
}
