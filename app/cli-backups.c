/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli backups [--dir DIR] [--uid UID] [--json]
 * The backups in the backup folder, newest first: when, which chip, what firmware it held, and
 * whether it is the chip as it was (complete) or as an interrupted job left it (half-written);
 * the one `restore` proposes for each chip is marked. Damaged files are listed with why.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-private.h"
#include "ub-flash-backup.h"

static JsonNode *
ub_cli_backups_json(GPtrArray *backups, GPtrArray *damaged, GHashTable *proposed)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "backups");
	json_builder_begin_array(builder);
	for (guint i = 0; i < backups->len; i++) {
		UbFlashBackup *backup = g_ptr_array_index(backups, i);
		g_autoptr(JsonNode) node = ub_flash_backup_to_json(backup);
		JsonObject *object = json_node_get_object(node);
		g_autofree char *firmware = ub_flash_backup_describe_firmware(backup);

		json_object_set_string_member(object, "path", ub_flash_backup_get_path(backup));
		json_object_set_string_member(object, "describes", firmware);
		json_object_set_boolean_member(object, "proposed_for_restore",
		                               g_hash_table_lookup(proposed,
		                                                   ub_flash_backup_get_uid(backup)) ==
		                                       backup);
		json_builder_add_value(builder, json_node_copy(node));
	}
	json_builder_end_array(builder);
	json_builder_set_member_name(builder, "damaged");
	json_builder_begin_array(builder);
	for (guint i = 0; i < damaged->len; i++)
		json_builder_add_string_value(builder, g_ptr_array_index(damaged, i));
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

int
ub_cli_backups(int argc, char **argv)
{
	g_auto(UbCliOptions) options = {0};
	g_autofree char *dir = NULL;
	g_autofree char *uid = NULL;
	const GOptionEntry entries[] = {
	        {"dir", 0, 0, G_OPTION_ARG_FILENAME, &dir,
	         N_("The backup folder (default: where automatic backups go)"), N_("DIR")},
	        {"uid", 0, 0, G_OPTION_ARG_STRING, &uid, N_("Only the backups of this chip"),
	         N_("UID")},
	        {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(GPtrArray) all = NULL;
	g_autoptr(GPtrArray) backups = g_ptr_array_new_with_free_func(g_object_unref);
	g_autoptr(GPtrArray) damaged = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GHashTable) proposed = g_hash_table_new(g_str_hash, g_str_equal);

	g_option_context_set_summary(
	        context, _("List the backups, newest first: which chip, what firmware it held, "
	                   "and whether it is complete (the chip as it was) or half-written (as "
	                   "an interrupted job left it)."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_options_add(&options, context, UB_CLI_OPTION_JSON | UB_CLI_OPTION_VERBOSE);
	if (!ub_cli_options_parse(&options, "backups", context, &argc, &argv, 0))
		return UB_CLI_EXIT_USAGE;
	if (dir == NULL)
		dir = ub_flash_backup_get_default_dir();
	all = ub_flash_backup_list(dir, damaged);
	for (guint i = 0; i < all->len; i++) {
		UbFlashBackup *backup = g_ptr_array_index(all, i);
		const char *chip = ub_flash_backup_get_uid(backup);

		if (uid != NULL && g_strcmp0(chip, uid) != 0)
			continue;
		g_ptr_array_add(backups, g_object_ref(backup));
		/* what restore takes for this chip: the newest complete one */
		if (ub_flash_backup_get_state(backup) == UB_FLASH_BACKUP_STATE_COMPLETE &&
		    !g_hash_table_contains(proposed, chip))
			g_hash_table_insert(proposed, (gpointer)chip, backup);
	}
	if (options.json) {
		g_autoptr(JsonNode) result = ub_cli_backups_json(backups, damaged, proposed);
		return ub_cli_finish("backups", &options, result, NULL);
	}
	if (backups->len == 0 && damaged->len == 0) {
		/* TRANSLATORS: %s is a folder */
		g_print(_("No backups in %s\n"), dir);
		return UB_CLI_EXIT_OK;
	}
	/* TRANSLATORS: %s is a folder */
	g_print(_("Backups in %s (newest first):\n"), dir);
	for (guint i = 0; i < backups->len; i++) {
		UbFlashBackup *backup = g_ptr_array_index(backups, i);
		g_autoptr(GDateTime) local = g_date_time_to_local(ub_flash_backup_get_created(backup));
		g_autofree char *when = g_date_time_format(local, "%Y-%m-%d %H:%M:%S");
		g_autofree char *firmware = ub_flash_backup_describe_firmware(backup);
		g_autofree char *name = g_path_get_basename(ub_flash_backup_get_path(backup));
		gboolean complete =
		        ub_flash_backup_get_state(backup) == UB_FLASH_BACKUP_STATE_COMPLETE;

		g_print("\n  %s\n", name);
		/* TRANSLATORS: a backup's time and chip: "2026-12-03 10:15:02, chip 3C00…" */
		g_print(_("    %1$s, chip %2$s (%3$s)\n"), when, ub_flash_backup_get_uid(backup),
		        ub_flash_backup_get_chip_id(backup));
		g_print(_("    holds: %s\n"), firmware);
		if (complete)
			g_print("    %s\n", _("complete: the chip as it was"));
		else
			/* TRANSLATORS: %s says which job left the chip so */
			g_print(_("    half-written: %s\n"),
			        ub_flash_backup_get_note(backup) != NULL
			                ? ub_flash_backup_get_note(backup)
			                : _("an interrupted job had left the chip half done"));
		if (g_hash_table_lookup(proposed, ub_flash_backup_get_uid(backup)) == backup)
			g_print("    %s\n", _("restore takes this one for this chip"));
	}
	for (guint i = 0; i < damaged->len; i++)
		/* TRANSLATORS: %s is a file and what is wrong with it */
		g_print(_("\n  damaged, not usable: %s\n"), (const char *)g_ptr_array_index(damaged, i));
	return UB_CLI_EXIT_OK;
}
