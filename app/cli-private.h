/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli internals. A command is one file app/cli-COMMAND.c with one function
 * `int ub_cli_COMMAND(int argc, char **argv)` (argv[0] is the command name), declared here
 * and listed with one line in the table of app/cli.c.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ub-device.h"

G_BEGIN_DECLS

/* Exit codes, one per error class (also printed by --help; keep both in step):
 *   0  success
 *   1  usage: unknown command or bad option
 *   2  no probe found, or the probe failed (USB error, timeout, unplugged, unsupported)
 *   3  the probe cannot be used: permission denied (udev rule) or busy (another program)
 *   4  the target does not answer or misbehaves (power, wiring, reset, unknown chip)
 *   5  the target is read-protected (RDP level 1) or locked for good (level 2)
 *   6  flash operation failed
 *   7  firmware image cannot be used
 *   8  unbrick's data files are missing or invalid
 *   9  stopped by the user (Ctrl-C)
 *  10  internal error */
typedef enum {
	UB_CLI_EXIT_OK = 0,
	UB_CLI_EXIT_USAGE = 1,
	UB_CLI_EXIT_PROBE = 2,
	UB_CLI_EXIT_PROBE_ACCESS = 3,
	UB_CLI_EXIT_TARGET = 4,
	UB_CLI_EXIT_PROTECTED = 5,
	UB_CLI_EXIT_FLASH = 6,
	UB_CLI_EXIT_IMAGE = 7,
	UB_CLI_EXIT_DATA = 8,
	UB_CLI_EXIT_CANCELLED = 9,
	UB_CLI_EXIT_INTERNAL = 10,
} UbCliExit;

typedef int (*UbCliCommandFunc)(int argc, char **argv);

typedef struct {
	const char *name;
	const char *summary; /* N_() */
	UbCliCommandFunc func;
} UbCliCommand;

/* commands (app/cli-COMMAND.c) */
int ub_cli_probe(int argc, char **argv);
int ub_cli_info(int argc, char **argv);
/* flash engine (app/cli-flash.c) */
int ub_cli_backup(int argc, char **argv);
int ub_cli_flash(int argc, char **argv);
int ub_cli_verify(int argc, char **argv);
int ub_cli_erase(int argc, char **argv);
int ub_cli_restore(int argc, char **argv);
int ub_cli_unlock(int argc, char **argv);
int ub_cli_resume(int argc, char **argv);
/* backups (app/cli-backups.c) */
int ub_cli_backups(int argc, char **argv);

/* shared helpers (app/cli-common.c) */
const char *ub_cli_exit_codes_help(void);
int ub_cli_exit_code_for_error(const GError *error);
/* prints what happened (one line) and a hint to stderr; returns the exit code */
int ub_cli_report_error(const char *command, const GError *error);
/* writes the --sim-state FILE of this run's bench, if there is one */
void ub_cli_sim_state_save(void);
/* what every command takes (--sim-state) and the exit codes in --help */
void ub_cli_add_common_options(GOptionContext *context);
/* parses options (and --sim-state); on failure prints the usage error and returns FALSE */
gboolean ub_cli_parse_options(GOptionContext *context, int *argc, char ***argv);
void ub_cli_print_json(JsonNode *node);
/* the device of --sim BENCH (a simulated bench, its clock and its person) or of the USB probe
 * with --serial (the first one without); @interactive: questions may go to the terminal */
UbDevice *ub_cli_device_new(const char *sim, const char *serial, gboolean interactive,
			    GError **error);

/* waiting for one async call while the main loop runs; Ctrl-C cancels */
typedef struct {
	GMainLoop *loop;
	GAsyncResult *result;
	GCancellable *cancellable;
	guint sigint_id;
} UbCliWait;

void ub_cli_wait_init(UbCliWait *wait);
void ub_cli_wait_clear(UbCliWait *wait);
void ub_cli_wait_cb(GObject *source, GAsyncResult *result, gpointer user_data);
GAsyncResult *ub_cli_wait_run(UbCliWait *wait);

G_END_DECLS
