/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli sub-commands. Each takes the arguments after the command word (argv[0] is the
 * command name) and returns the process exit status: 0 done, 1 failed, 2 bad usage.
 */
#pragma once

int ub_cli_pinout(int argc, char **argv);
