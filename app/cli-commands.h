/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Subcommands of unbrick-cli. Each takes the arguments after the program name, starting with
 * its own name (argv[0] = "firmware"), and returns the process exit status: 0 success,
 * 1 failure, 2 usage error.
 */
#pragma once

int ub_cli_firmware(int argc, char **argv);
int ub_cli_pinout(int argc, char **argv);
