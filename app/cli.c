/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <locale.h>

#include "cli-commands.h"

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	if (argc > 1 && g_strcmp0(argv[1], "--version") == 0) {
		g_print("unbrick-cli %s\n", VERSION);
		return 0;
	}
	/* TODO(lead): fold into the dispatch table of branch driver */
	if (argc > 1 && g_strcmp0(argv[1], "pinout") == 0)
		return ub_cli_pinout(argc - 1, argv + 1);
	g_printerr("unbrick-cli: no command given\n");
	return 2;
}
