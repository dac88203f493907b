/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Subcommands of unbrick-cli kept in their own files. Each takes the arguments after the
 * program name, starting with its own name (argv[0] = "firmware"), and returns the process
 * exit status (see app/cli-private.h for the codes).
 */
#pragma once

int ub_cli_firmware(int argc, char **argv);
int ub_cli_pinout(int argc, char **argv);
int ub_cli_connect(int argc, char **argv);
int ub_cli_diagnose(int argc, char **argv);
int ub_cli_history(int argc, char **argv);
