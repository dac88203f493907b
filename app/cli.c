/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "cli-commands.h"
#include "cli-private.h"

static const UbCliCommand commands[] = {
    {"firmware", N_("Identify, list and download firmware images"), ub_cli_firmware},
    {"pinout", N_("Print and draw the wires between a probe and a board"), ub_cli_pinout},
    {"probe", N_("List the debug probes that are plugged in"), ub_cli_probe},
    {"info", N_("Identify the chip behind the probe"), ub_cli_info},
    {"diagnose", N_("Name the wire or setting that stops the connection"), ub_cli_diagnose},
    {"connect", N_("Reach a locked-out chip (under reset, or NRST held by hand)"),
     ub_cli_connect},
    {"history", N_("Show which probe reached which chip, and when"), ub_cli_history},
    {"backup", N_("Save the whole flash to a file"), ub_cli_backup},
    {"flash", N_("Write an image (backup, erase, program, verify)"), ub_cli_flash},
    {"verify", N_("Compare the flash with an image"), ub_cli_verify},
    {"erase", N_("Erase sectors or the whole flash (after a backup)"), ub_cli_erase},
    {"restore", N_("Write a backup back"), ub_cli_restore},
    {"unlock", N_("Remove read protection (erases the flash)"), ub_cli_unlock},
    {"resume", N_("Finish an interrupted job, or put the original back"), ub_cli_resume},
    {"backups", N_("List the backups: which chip, what firmware, complete or half-written"),
     ub_cli_backups},
};

static void
print_usage(void)
{
	g_print("%s\n\n", _("Usage: unbrick-cli COMMAND [OPTIONS]"));
	g_print("%s\n", _("Commands:"));
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
		g_print("  %-10s %s\n", commands[i].name, _(commands[i].summary));
	g_print("\n%s\n", ub_cli_exit_codes_help());
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);
	/* stdout carries the result (and --json); --verbose and G_MESSAGES_DEBUG go to stderr */
	g_log_writer_default_set_use_stderr(TRUE);

	if (argc < 2 || g_strcmp0(argv[1], "--help") == 0 || g_strcmp0(argv[1], "-h") == 0) {
		print_usage();
		return argc < 2 ? UB_CLI_EXIT_USAGE : UB_CLI_EXIT_OK;
	}
	if (g_strcmp0(argv[1], "--version") == 0) {
		g_print("unbrick-cli %s\n", VERSION);
		return UB_CLI_EXIT_OK;
	}
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
		if (g_strcmp0(argv[1], commands[i].name) == 0) {
			int code = commands[i].func(argc - 1, argv + 1);
			ub_cli_sim_state_save();
			return code;
		}
	}
	g_printerr(_("unbrick-cli: unknown command “%s” (see unbrick-cli --help)\n"), argv[1]);
	return UB_CLI_EXIT_USAGE;
}
