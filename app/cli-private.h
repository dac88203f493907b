/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli internals. A command is one file app/cli-COMMAND.c with one function
 * `int ub_cli_COMMAND(int argc, char **argv)` (argv[0] is the command name), declared here
 * and listed with one line in the table of app/cli.c.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ub-board-db.h"
#include "ub-device.h"
#include "ub-progress.h"

G_BEGIN_DECLS

/* Exit codes, one per error class (also printed by --help; keep both in step; the
 * cli-vocabulary test checks every command against this list):
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
 *  10  internal error
 *  11  the firmware could not be downloaded (offline, server, not in the archive) */
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
	UB_CLI_EXIT_DOWNLOAD = 11,
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

/* The options every command spells the same way (app/cli-common.c). A command adds the ones it
 * takes; ub_cli_options_parse() checks them:
 *   --json            JSON on stdout, one object per line; the last line is the result
 *                     ({"event": "result", "ok": true|false, ...}), see ub_cli_print_result()
 *   --verbose, -v     debug messages on stderr
 *   --sim BENCH       the in-process simulator with a bench of resources/data/sim-boards
 *   --serial SERIAL   the probe with this serial number
 *   --board NAME      a board of the database (resources/data/boards); a usage error if unknown
 *   --hw NAME         a VESC hardware name (repeatable), as firmware calls it ("410", "60")
 *   --probe MODEL     a probe model of the database (resources/data/probes) */
typedef enum {
	UB_CLI_OPTION_JSON = 1 << 0,
	UB_CLI_OPTION_VERBOSE = 1 << 1,
	UB_CLI_OPTION_SIM = 1 << 2,
	UB_CLI_OPTION_SERIAL = 1 << 3,
	UB_CLI_OPTION_DEVICE = UB_CLI_OPTION_SIM | UB_CLI_OPTION_SERIAL,
	UB_CLI_OPTION_BOARD = 1 << 4,
	UB_CLI_OPTION_HW = 1 << 5,
	UB_CLI_OPTION_PROBE = 1 << 6,
} UbCliOptionFlags;

typedef struct {
	UbCliOptionFlags flags;
	gboolean json;
	gboolean verbose;
	char *sim;
	char *serial;
	char *board;
	char **hw;
	char *probe;
	/* set by ub_cli_options_parse() when --board was given */
	UbBoardDb *board_db;
	UbBoard *board_entry; /* owned by board_db */
} UbCliOptions;

void ub_cli_options_add(UbCliOptions *options, GOptionContext *context, UbCliOptionFlags flags);
/* parses argv (positional arguments stay in it; at most max_args of them, -1 for any) and
 * checks --board, --hw and --probe against the databases; on failure prints why and returns
 * FALSE: exit with UB_CLI_EXIT_USAGE */
gboolean ub_cli_options_parse(UbCliOptions *options, const char *command, GOptionContext *context,
			      int *argc, char ***argv, int max_args);
void ub_cli_options_clear(UbCliOptions *options);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(UbCliOptions, ub_cli_options_clear)
/* the VESC hardware names meant: --hw as given, else the --board's, else NULL */
char **ub_cli_options_dup_hw_names(UbCliOptions *options);
/* the device of --sim or --serial (the first probe when neither is given); interactive: a
 * person at the terminal can be asked to hold NRST (see ub_cli_device_new()) */
UbDevice *ub_cli_options_new_device(UbCliOptions *options, gboolean interactive,
				     GError **error);

/* the end of every command: on success with --json prints @result (an object, or NULL for
 * none) as the result line; on failure prints the result line {"event": "result", "ok": false,
 * "error": {"domain", "code", "message"}} with --json, and always what happened and a hint on
 * stderr. Returns the exit code. */
int ub_cli_finish(const char *command, UbCliOptions *options, JsonNode *result,
		  const GError *error);
/* one compact JSON document and a newline on stdout, flushed */
void ub_cli_print_json_line(JsonNode *node);
/* {"event": "progress", "percentage", "status", "step", "rate", "eta"} on stdout */
void ub_cli_print_progress_event(UbProgress *progress, guint percentage, UbStatus status,
				 const char *step);
/* progress on stderr (a bar on a terminal) or, with --json, {"event": "progress", ...} lines */
void ub_cli_show_progress(UbProgress *progress, UbCliOptions *options);

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
