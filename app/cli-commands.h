/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Subcommands of unbrick-cli. Each takes the arguments after the program name, starting with
 * its own name (argv[0] = "firmware"), and returns the process exit status with the codes of
 * app/cli-private.h (0 success, 1 usage, 7 image cannot be used, 8 data, 10 internal). Once
 * cli-private.h is merged these declarations move there and this header goes.
 */
#pragma once

int ub_cli_firmware(int argc, char **argv);
int ub_cli_pinout(int argc, char **argv);
