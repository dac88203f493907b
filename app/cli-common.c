/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli-person.h"
#include "cli-private.h"
#include "ub-error.h"
#include "ub-probe-db.h"
#include "ub-sim-board.h"
#include "ub-sim-faults.h"
#include "ub-sim-state.h"

/* --sim-state FILE: the bench lives on in FILE between two runs of unbrick-cli */
static char *ub_cli_sim_state_path = NULL;
static UbSimBoard *ub_cli_sim_state_board = NULL;
/* …and FILE.live while this run has the bench (what a killed run leaves behind) */
static UbSimState *ub_cli_sim_state_live = NULL;

/* The one table of what a person reads when something fails: (domain, code) → exit code,
 * what happened, what to try. error->message follows for the details. */
typedef struct {
	GQuark (*domain)(void);
	gint code; /* -1: any code of the domain */
	UbCliExit exit_code;
	const char *title;
	const char *hint;
} UbCliProblem;

static const UbCliProblem ub_cli_problems[] = {
    {ub_probe_error_quark, UB_PROBE_ERROR_NOT_FOUND, UB_CLI_EXIT_PROBE, N_("No debug probe found"),
     N_("Plug the probe (an ST-LINK, or a CMSIS-DAP probe such as a Raspberry Pi Debug Probe, a "
	"Pico running debugprobe or a DAPLink) in and check that `lsusb` lists it, or try --sim "
	"focbox.")},
    {ub_probe_error_quark, UB_PROBE_ERROR_PERMISSION_DENIED, UB_CLI_EXIT_PROBE_ACCESS,
     N_("No permission to use the probe"),
     N_("Install unbrick's udev rule, then unplug and re-plug the probe.")},
    {ub_probe_error_quark, UB_PROBE_ERROR_BUSY, UB_CLI_EXIT_PROBE_ACCESS,
     N_("The probe is in use by another program"),
     N_("Close the program named above (OpenOCD, st-util, STM32CubeProgrammer, another "
	"unbrick) and try again.")},
    {ub_probe_error_quark, UB_PROBE_ERROR_DISCONNECTED, UB_CLI_EXIT_PROBE,
     N_("The probe was disconnected"),
     N_("Plug the probe back in; if it keeps dropping out, try another cable or USB port.")},
    {ub_probe_error_quark, UB_PROBE_ERROR_TIMEOUT, UB_CLI_EXIT_PROBE,
     N_("The probe stopped answering"),
     N_("Unplug and re-plug the probe, then try again.")},
    {ub_probe_error_quark, UB_PROBE_ERROR_PROTOCOL, UB_CLI_EXIT_PROBE,
     N_("The probe gave an unexpected answer"),
     N_("Unplug and re-plug the probe; some clones need a firmware update.")},
    {ub_probe_error_quark, UB_PROBE_ERROR_UNSUPPORTED, UB_CLI_EXIT_PROBE,
     N_("This probe cannot do that"),
     N_("Use an ST-LINK/V2 or newer with recent firmware, or a CMSIS-DAP v2 probe (Raspberry "
	"Pi Debug Probe, a Pico running debugprobe, DAPLink).")},
    {ub_probe_error_quark, -1, UB_CLI_EXIT_PROBE, N_("USB error while talking to the probe"),
     N_("Unplug and re-plug the probe, then try again.")},
    /* why the chip cannot be reached is the verdict's to say (unbrick-cli connect and
     * diagnose print it); these hints only send the person there */
    {ub_target_error_quark, UB_TARGET_ERROR_NO_POWER, UB_CLI_EXIT_TARGET,
     N_("The board has no power"),
     N_("`unbrick-cli diagnose` measures the power and the wires and says what to do.")},
    {ub_target_error_quark, UB_TARGET_ERROR_NO_ACK, UB_CLI_EXIT_TARGET,
     N_("The chip does not answer on SWD"),
     N_("`unbrick-cli connect` tries every way to reach it and, if none works, says why.")},
    {ub_target_error_quark, UB_TARGET_ERROR_WAIT, UB_CLI_EXIT_TARGET,
     N_("The chip is busy and does not respond"), N_("Reset the board and try again.")},
    {ub_target_error_quark, UB_TARGET_ERROR_FAULT, UB_CLI_EXIT_TARGET,
     N_("The chip refused a memory access"),
     N_("The address may not exist or may be protected; if it happens at random, noise on "
	"the SWD wires is likely: keep them short and away from the motor wires.")},
    {ub_target_error_quark, UB_TARGET_ERROR_UNKNOWN_CHIP, UB_CLI_EXIT_TARGET,
     N_("The chip is not one unbrick knows"),
     N_("unbrick supports STM32F405/407 boards such as the FOCBOX and VESC 4.x/6.")},
    {ub_target_error_quark, UB_TARGET_ERROR_NOT_HALTED, UB_CLI_EXIT_TARGET,
     N_("The chip does not stop when asked"),
     N_("`unbrick-cli connect` tries every way to reach it and, if none works, says why.")},
    {ub_target_error_quark, UB_TARGET_ERROR_READ_PROTECTED, UB_CLI_EXIT_PROTECTED,
     N_("The chip is read-protected"),
     N_("Removing the protection erases the whole flash: `unbrick-cli unlock --erase-all` "
	"does it (the wizard can do it for you too).")},
    {ub_target_error_quark, UB_TARGET_ERROR_LOCKED_FOREVER, UB_CLI_EXIT_PROTECTED,
     N_("The chip is locked for good (RDP level 2)"),
     N_("It cannot be reprogrammed; the MCU has to be replaced.")},
    {ub_target_error_quark, UB_TARGET_ERROR_RESET_NO_EFFECT, UB_CLI_EXIT_TARGET,
     N_("Resetting the chip had no effect"),
     N_("Wire the probe's RST pin to the board's NRST, or press the board's reset button "
	"when asked.")},
    {ub_target_error_quark, UB_TARGET_ERROR_DEAD, UB_CLI_EXIT_TARGET,
     N_("The chip does not answer even under reset"),
     N_("Power, wires and probe were ruled out: the chip is probably damaged.")},
    {ub_target_error_quark, UB_TARGET_ERROR_HELD_IN_RESET, UB_CLI_EXIT_TARGET,
     N_("NRST is held low on the board"),
     N_("Take any wire off NRST, release the reset button, and look for a solder bridge at "
	"the chip's NRST pin.")},
    {ub_target_error_quark, UB_TARGET_ERROR_WAS_RESET, UB_CLI_EXIT_TARGET,
     N_("The chip was reset in the middle of the job"),
     N_("Its NRST pin was pulled low or its supply dipped: keep hands off the reset button, "
	"check the supply, then run the same command again.")},
    {ub_target_error_quark, -1, UB_CLI_EXIT_TARGET, N_("Debugging the chip failed"),
     N_("Check the wiring and try again.")},
    {ub_flash_error_quark, UB_FLASH_ERROR_NO_BACKUP, UB_CLI_EXIT_FLASH,
     N_("The backup could not be saved"),
     N_("Nothing on the chip was touched. Free some space, or choose another folder with "
	"--backup-dir.")},
    {ub_flash_error_quark, -1, UB_CLI_EXIT_FLASH, N_("Writing the flash failed"),
     N_("Try again; the previous firmware backup is kept.")},
    {ub_data_error_quark, -1, UB_CLI_EXIT_DATA, N_("unbrick's data files are missing or broken"),
     N_("Reinstall unbrick, or point UB_DATA_DIR at its data directory.")},
    {ub_download_error_quark, UB_DOWNLOAD_ERROR_OFFLINE, UB_CLI_EXIT_DOWNLOAD,
     N_("The firmware archive cannot be reached"),
     N_("Check the internet connection, or download the firmware yourself and use "
	"`unbrick-cli firmware list DIR`.")},
    {ub_download_error_quark, UB_DOWNLOAD_ERROR_TIMEOUT, UB_CLI_EXIT_DOWNLOAD,
     N_("The firmware archive stopped answering"),
     N_("Try again later, or download the firmware yourself and use `unbrick-cli firmware "
	"list DIR`.")},
    {ub_download_error_quark, UB_DOWNLOAD_ERROR_INTERRUPTED, UB_CLI_EXIT_DOWNLOAD,
     N_("The download was cut off"),
     N_("Try again; nothing half-downloaded was kept.")},
    {ub_download_error_quark, UB_DOWNLOAD_ERROR_NOT_FOUND, UB_CLI_EXIT_DOWNLOAD,
     N_("The firmware archive has no such firmware"),
     N_("Check --hw and --version; `unbrick-cli firmware fetch --board NAME` picks the "
	"board's hardware.")},
    {ub_download_error_quark, UB_DOWNLOAD_ERROR_AMBIGUOUS, UB_CLI_EXIT_USAGE,
     N_("The board comes in several hardware versions with their own firmware"),
     N_("Choose the one printed on the board with --hw (e.g. --hw 60_MK6).")},
    {ub_download_error_quark, UB_DOWNLOAD_ERROR_CACHE, UB_CLI_EXIT_DOWNLOAD,
     N_("The downloaded firmware cannot be saved"),
     N_("Free some disk space or check the permissions of ~/.cache/unbrick.")},
    {ub_download_error_quark, -1, UB_CLI_EXIT_DOWNLOAD,
     N_("The firmware archive gave an unexpected answer"),
     N_("Check --archive-url, or try again later.")},
    {ub_image_error_quark, UB_IMAGE_ERROR_WRONG_HARDWARE, UB_CLI_EXIT_IMAGE,
     N_("The firmware is for other hardware"),
     N_("Pick the firmware for this board. If the board really is that hardware, say which "
	"board it is with --board, or agree with --other-hardware.")},
    {ub_image_error_quark, UB_IMAGE_ERROR_OTHER_CHIP, UB_CLI_EXIT_IMAGE,
     N_("The backup was taken from another chip"),
     N_("`unbrick-cli backups` lists this chip's own backups; to copy the other board onto "
	"this one anyway, add --other-chip.")},
    {ub_image_error_quark, -1, UB_CLI_EXIT_IMAGE, N_("The firmware file cannot be used"),
     N_("Check that the file is a firmware image for this board.")},
    {g_file_error_quark, -1, UB_CLI_EXIT_IMAGE, N_("The file cannot be read"),
     N_("Check the file name and its permissions.")},
};

const char *
ub_cli_exit_codes_help(void)
{
	/* TRANSLATORS: the exit codes of unbrick-cli, shown at the end of --help */
	return _("Exit status:\n"
		 "  0  success\n"
		 "  1  usage error\n"
		 "  2  no probe found, or the probe failed\n"
		 "  3  probe not accessible (permission) or in use by another program\n"
		 "  4  the target does not answer or misbehaves\n"
		 "  5  the target is read-protected or locked\n"
		 "  6  flash operation failed\n"
		 "  7  firmware image or file cannot be used\n"
		 "  8  data files missing or invalid\n"
		 "  9  stopped by the user\n"
		 " 10  internal error\n"
		 " 11  the firmware could not be downloaded");
}

static const UbCliProblem *
ub_cli_problem_for_error(const GError *error)
{
	for (guint i = 0; i < G_N_ELEMENTS(ub_cli_problems); i++) {
		const UbCliProblem *problem = &ub_cli_problems[i];
		if (error->domain != problem->domain())
			continue;
		if (problem->code == -1 || problem->code == error->code)
			return problem;
	}
	return NULL;
}

int
ub_cli_exit_code_for_error(const GError *error)
{
	const UbCliProblem *problem;

	if (error == NULL)
		return UB_CLI_EXIT_OK;
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return UB_CLI_EXIT_CANCELLED;
	if (error->domain == G_OPTION_ERROR)
		return UB_CLI_EXIT_USAGE;
	problem = ub_cli_problem_for_error(error);
	return problem != NULL ? (int)problem->exit_code : UB_CLI_EXIT_INTERNAL;
}

int
ub_cli_report_error(const char *command, const GError *error)
{
	const UbCliProblem *problem;

	g_return_val_if_fail(error != NULL, UB_CLI_EXIT_INTERNAL);

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		/* TRANSLATORS: the user pressed Ctrl-C */
		g_printerr("unbrick-cli %s: %s\n", command, _("Stopped."));
		return UB_CLI_EXIT_CANCELLED;
	}
	problem = ub_cli_problem_for_error(error);
	if (problem == NULL) {
		g_printerr("unbrick-cli %s: %s: %s\n", command, _("Internal error"),
			   error->message);
		return ub_cli_exit_code_for_error(error);
	}
	/* TRANSLATORS: %1$s is the command, %2$s what happened, %3$s the technical detail */
	g_printerr(_("unbrick-cli %1$s: %2$s (%3$s)\n"), command, _(problem->title),
		   error->message);
	/* TRANSLATORS: a suggestion after a failure */
	g_printerr(_("Hint: %s\n"), _(problem->hint));
	return problem->exit_code;
}

/* after the command: the bench as it is now, for the next run (the person having put right
 * what --sim-fault did, as before running a command again) */
void
ub_cli_sim_state_save(void)
{
	g_autoptr(GError) error = NULL;

	if (ub_cli_sim_state_board != NULL)
		ub_sim_faults_repair(ub_sim_board_get_faults(ub_cli_sim_state_board));
	if (ub_cli_sim_state_live != NULL && !ub_sim_state_save(ub_cli_sim_state_live, &error))
		g_printerr("unbrick-cli: %s\n", error->message);
	g_clear_object(&ub_cli_sim_state_live);
	g_clear_object(&ub_cli_sim_state_board);
	g_clear_pointer(&ub_cli_sim_state_path, g_free);
}

void
ub_cli_add_common_options(GOptionContext *context)
{
	const GOptionEntry state[] = {
	    {"sim-state", 0, 0, G_OPTION_ARG_FILENAME, &ub_cli_sim_state_path,
	     N_("With --sim: keep the bench (flash, option bytes, halted or running) in FILE "
		"between runs, so one command can follow another on the same board"),
	     N_("FILE")},
	    {NULL}};

	g_option_context_add_main_entries(context, state, GETTEXT_PACKAGE);
	g_option_context_set_description(context, ub_cli_exit_codes_help());
}

gboolean
ub_cli_parse_options(GOptionContext *context, int *argc, char ***argv)
{
	g_autoptr(GError) error = NULL;

	ub_cli_add_common_options(context);
	if (!g_option_context_parse(context, argc, argv, &error)) {
		g_printerr("unbrick-cli: %s\n", error->message);
		return FALSE;
	}
	if (*argc > 1) {
		g_printerr(_("unbrick-cli: unexpected argument \"%s\"\n"), (*argv)[1]);
		return FALSE;
	}
	return TRUE;
}

void
ub_cli_print_json(JsonNode *node)
{
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autofree char *text = NULL;

	json_generator_set_pretty(generator, TRUE);
	json_generator_set_root(generator, node);
	text = json_generator_to_data(generator, NULL);
	g_print("%s\n", text);
}

UbDevice *
ub_cli_device_new(const char *sim, const char *serial, gboolean interactive, GError **error)
{
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(UbCliPerson) person = NULL;

	/* --sim is wired in here, through the transport: the bench brings its own person */
	if (sim != NULL || ub_cli_sim_state_path != NULL) {
		g_autoptr(UbSimBoard) board = NULL;

		/* one bench per run: a second device of this run is on the same board */
		if (ub_cli_sim_state_board != NULL)
			return ub_sim_board_new_device(ub_cli_sim_state_board);
		if (ub_cli_sim_state_path != NULL &&
		    g_file_test(ub_cli_sim_state_path, G_FILE_TEST_EXISTS))
			board = ub_sim_board_new_from_state(ub_cli_sim_state_path, error);
		else if (sim != NULL)
			board = ub_sim_board_new_from_name(sim, error);
		else
			g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_NOT_FOUND,
				    _("%s does not exist yet: name the bench with --sim"),
				    ub_cli_sim_state_path);
		if (board == NULL)
			return NULL;
		if (ub_cli_sim_state_path != NULL) {
			/* the bench's chip lives in FILE.live while this run has it; another
			 * program on it makes the probe busy */
			ub_cli_sim_state_live =
			        ub_sim_state_attach(board, ub_cli_sim_state_path, error);
			if (ub_cli_sim_state_live == NULL)
				return NULL;
			g_set_object(&ub_cli_sim_state_board, board);
		}
		return ub_sim_board_new_device(board);
	}
	device = ub_device_new_for_serial(serial);
	person = ub_cli_person_new(interactive);
	ub_device_set_person(device, UB_PERSON(person));
	return g_steal_pointer(&device);
}

static gboolean
ub_cli_sigint_cb(gpointer user_data)
{
	UbCliWait *wait = user_data;
	g_cancellable_cancel(wait->cancellable);
	return G_SOURCE_CONTINUE;
}

void
ub_cli_wait_init(UbCliWait *wait)
{
	wait->loop = g_main_loop_new(NULL, FALSE);
	wait->result = NULL;
	wait->cancellable = g_cancellable_new();
	wait->sigint_id = g_unix_signal_add(SIGINT, ub_cli_sigint_cb, wait);
}

void
ub_cli_wait_clear(UbCliWait *wait)
{
	if (wait->sigint_id != 0)
		g_source_remove(wait->sigint_id);
	wait->sigint_id = 0;
	g_clear_object(&wait->result);
	g_clear_object(&wait->cancellable);
	g_clear_pointer(&wait->loop, g_main_loop_unref);
}

void
ub_cli_wait_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	UbCliWait *wait = user_data;
	g_set_object(&wait->result, result);
	g_main_loop_quit(wait->loop);
}

/* runs the main loop until ub_cli_wait_cb() was called; (transfer none) */
GAsyncResult *
ub_cli_wait_run(UbCliWait *wait)
{
	g_clear_object(&wait->result);
	g_main_loop_run(wait->loop);
	return wait->result;
}

/* ---- the shared options ------------------------------------------------------------------ */

void
ub_cli_options_add(UbCliOptions *options, GOptionContext *context, UbCliOptionFlags flags)
{
	const GOptionEntry json[] = {
	    {"json", 0, 0, G_OPTION_ARG_NONE, &options->json,
	     N_("Print JSON, one object per line; the last line is the result"), NULL},
	    {NULL}};
	const GOptionEntry verbose[] = {
	    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &options->verbose,
	     N_("Show debug messages (on stderr)"), NULL},
	    {NULL}};
	const GOptionEntry sim[] = {
	    {"sim", 0, 0, G_OPTION_ARG_STRING, &options->sim,
	     N_("Use the in-process simulator with this bench (e.g. focbox, focbox-bricked)"),
	     N_("BENCH")},
	    {NULL}};
	const GOptionEntry serial[] = {
	    {"serial", 0, 0, G_OPTION_ARG_STRING, &options->serial,
	     N_("Use the probe with this serial number"), N_("SERIAL")},
	    {NULL}};
	const GOptionEntry board[] = {
	    {"board", 0, 0, G_OPTION_ARG_STRING, &options->board,
	     N_("The board, from unbrick's list (e.g. focbox, vesc-6; `unbrick-cli pinout "
		"--list`)"),
	     N_("NAME")},
	    {NULL}};
	const GOptionEntry hw[] = {
	    {"hw", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->hw,
	     N_("A VESC hardware name as firmware names it (e.g. 410, 60_MK6); repeatable"),
	     N_("NAME")},
	    {NULL}};
	const GOptionEntry probe[] = {
	    {"probe", 0, 0, G_OPTION_ARG_STRING, &options->probe,
	     N_("The probe model, from unbrick's list (e.g. stlink-v2, stlink-v2-clone-a)"),
	     N_("MODEL")},
	    {NULL}};

	options->flags |= flags;
	if (flags & UB_CLI_OPTION_BOARD)
		g_option_context_add_main_entries(context, board, GETTEXT_PACKAGE);
	if (flags & UB_CLI_OPTION_HW)
		g_option_context_add_main_entries(context, hw, GETTEXT_PACKAGE);
	if (flags & UB_CLI_OPTION_PROBE)
		g_option_context_add_main_entries(context, probe, GETTEXT_PACKAGE);
	if (flags & UB_CLI_OPTION_SIM)
		g_option_context_add_main_entries(context, sim, GETTEXT_PACKAGE);
	if (flags & UB_CLI_OPTION_SERIAL)
		g_option_context_add_main_entries(context, serial, GETTEXT_PACKAGE);
	if (flags & UB_CLI_OPTION_JSON)
		g_option_context_add_main_entries(context, json, GETTEXT_PACKAGE);
	if (flags & UB_CLI_OPTION_VERBOSE)
		g_option_context_add_main_entries(context, verbose, GETTEXT_PACKAGE);
}

static void
ub_cli_print_ids(GPtrArray *ids)
{
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < ids->len; i++)
		g_string_append_printf(text, "%s%s", i > 0 ? ", " : "",
				       (const char *)g_ptr_array_index(ids, i));
	/* TRANSLATORS: followed by a list of names */
	g_printerr(_("Known: %s\n"), text->str);
}

static gboolean
ub_cli_options_check_board(UbCliOptions *options, const char *command)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) ids = g_ptr_array_new();
	GPtrArray *boards;

	options->board_db = ub_board_db_new();
	/* a bad file is reported by the loader but does not hide the good ones */
	if (!ub_board_db_load(options->board_db, &error))
		g_debug("boards: %s", error->message);
	options->board_entry = ub_board_db_lookup(options->board_db, options->board);
	if (options->board_entry != NULL)
		return TRUE;
	g_printerr(_("unbrick-cli %s: unknown board “%s”\n"), command, options->board);
	/* the old spelling of firmware list: --board 410 */
	if ((options->flags & UB_CLI_OPTION_HW) != 0) {
		g_autoptr(GPtrArray) with_name =
		    ub_board_db_lookup_by_hw_name(options->board_db, options->board);
		if (with_name != NULL && with_name->len > 0)
			/* TRANSLATORS: %s is a VESC hardware name such as 410 */
			g_printerr(_("“%1$s” is a VESC hardware name: use --hw %1$s\n"),
				   options->board);
	}
	boards = ub_board_db_get_all(options->board_db);
	for (guint i = 0; i < boards->len; i++)
		g_ptr_array_add(ids, (gpointer)ub_board_get_id(g_ptr_array_index(boards, i)));
	ub_cli_print_ids(ids);
	return FALSE;
}

static gboolean
ub_cli_options_check_hw(UbCliOptions *options, const char *command)
{
	const char *const *names;
	g_autofree char *joined = NULL;

	for (guint i = 0; options->hw[i] != NULL; i++) {
		if (options->hw[i][0] == '\0' || strchr(options->hw[i], '/') != NULL) {
			g_printerr(_("unbrick-cli %s: “%s” is not a VESC hardware name\n"), command,
				   options->hw[i]);
			return FALSE;
		}
	}
	if (options->board_entry == NULL)
		return TRUE;
	/* --board and --hw together: the hardware must be one of that board's */
	names = ub_board_get_hw_names(options->board_entry);
	for (guint i = 0; options->hw[i] != NULL; i++) {
		gboolean found = FALSE;
		for (guint j = 0; names != NULL && names[j] != NULL; j++)
			found |= g_ascii_strcasecmp(names[j], options->hw[i]) == 0;
		if (found)
			continue;
		joined = g_strjoinv(", ", (char **)names);
		/* TRANSLATORS: %1$s command, %2$s hardware name, %3$s board, %4$s list of names */
		g_printerr(_("unbrick-cli %1$s: hardware %2$s is not one of board %3$s's (%4$s)\n"),
			   command, options->hw[i], options->board, joined);
		return FALSE;
	}
	return TRUE;
}

static gboolean
ub_cli_options_check_probe(UbCliOptions *options, const char *command)
{
	g_autoptr(UbProbeDb) db = ub_probe_db_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) ids = g_ptr_array_new();
	GPtrArray *models;

	if (!ub_probe_db_load(db, &error))
		g_debug("probes: %s", error->message);
	if (ub_probe_db_lookup(db, options->probe) != NULL)
		return TRUE;
	g_printerr(_("unbrick-cli %s: unknown probe model “%s”\n"), command, options->probe);
	models = ub_probe_db_get_all(db);
	for (guint i = 0; i < models->len; i++)
		g_ptr_array_add(ids, (gpointer)ub_probe_model_get_id(g_ptr_array_index(models, i)));
	ub_cli_print_ids(ids);
	return FALSE;
}

gboolean
ub_cli_options_parse(UbCliOptions *options, const char *command, GOptionContext *context,
		     int *argc, char ***argv, int max_args)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *name = g_strdup_printf("unbrick-cli %s", command);

	/* --help says "Usage: unbrick-cli COMMAND", not the bare command */
	g_set_prgname(name);
	ub_cli_add_common_options(context);
	if (!g_option_context_parse(context, argc, argv, &error)) {
		g_printerr("unbrick-cli %s: %s\n", command, error->message);
		return FALSE;
	}
	if (max_args >= 0 && *argc - 1 > max_args) {
		g_printerr(_("unbrick-cli %s: unexpected argument “%s”\n"), command,
			   (*argv)[1 + max_args]);
		return FALSE;
	}
	if (options->verbose)
		g_log_set_debug_enabled(TRUE);
	if (options->board != NULL && !ub_cli_options_check_board(options, command))
		return FALSE;
	if (options->hw != NULL && !ub_cli_options_check_hw(options, command))
		return FALSE;
	if (options->probe != NULL && !ub_cli_options_check_probe(options, command))
		return FALSE;
	if (options->sim != NULL && options->serial != NULL) {
		g_printerr(_("unbrick-cli %s: --sim and --serial exclude each other\n"), command);
		return FALSE;
	}
	return TRUE;
}

void
ub_cli_options_clear(UbCliOptions *options)
{
	g_clear_pointer(&options->sim, g_free);
	g_clear_pointer(&options->serial, g_free);
	g_clear_pointer(&options->board, g_free);
	g_clear_pointer(&options->hw, g_strfreev);
	g_clear_pointer(&options->probe, g_free);
	options->board_entry = NULL;
	g_clear_object(&options->board_db);
}

char **
ub_cli_options_dup_hw_names(UbCliOptions *options)
{
	if (options->hw != NULL)
		return g_strdupv(options->hw);
	if (options->board_entry != NULL)
		return g_strdupv((char **)ub_board_get_hw_names(options->board_entry));
	return NULL;
}

UbDevice *
ub_cli_options_new_device(UbCliOptions *options, gboolean interactive, GError **error)
{
	return ub_cli_device_new(options->sim, options->serial, interactive, error);
}

/* ---- output ------------------------------------------------------------------------------ */

void
ub_cli_print_json_line(JsonNode *node)
{
	g_autofree char *text = json_to_string(node, FALSE);

	g_print("%s\n", text);
	fflush(stdout);
}

int
ub_cli_finish(const char *command, UbCliOptions *options, JsonNode *result, const GError *error)
{
	if (options->json) {
		JsonObject *line = json_object_new();
		g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);

		/* "event" and "ok" first, so a reader of the last line sees them at once */
		json_object_set_string_member(line, "event", "result");
		json_object_set_boolean_member(line, "ok", error == NULL);
		if (error != NULL) {
			JsonObject *detail = json_object_new();
			json_object_set_string_member(detail, "domain",
						      g_quark_to_string(error->domain));
			json_object_set_int_member(detail, "code", error->code);
			json_object_set_string_member(detail, "message", error->message);
			json_object_set_int_member(detail, "exit_code",
						   ub_cli_exit_code_for_error(error));
			json_object_set_object_member(line, "error", detail);
		}
		/* what is known also on failure (a flash job's stage, its backup) */
		if (result != NULL && JSON_NODE_HOLDS_OBJECT(result)) {
			JsonObject *object = json_node_get_object(result);
			g_autoptr(GList) members = json_object_get_members(object);

			for (GList *l = members; l != NULL; l = l->next) {
				if (g_strcmp0(l->data, "event") == 0 || g_strcmp0(l->data, "ok") == 0 ||
				    g_strcmp0(l->data, "error") == 0)
					continue;
				json_object_set_member(line, l->data,
						       json_object_dup_member(object, l->data));
			}
		}
		json_node_take_object(node, line);
		ub_cli_print_json_line(node);
	}
	if (error != NULL)
		return ub_cli_report_error(command, error);
	return UB_CLI_EXIT_OK;
}

typedef struct {
	UbCliOptions *options;
	gboolean tty;
} UbCliProgressUi;

void
ub_cli_print_progress_event(UbProgress *progress, guint percentage, UbStatus status,
			    const char *step)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "event");
	json_builder_add_string_value(builder, "progress");
	json_builder_set_member_name(builder, "percentage");
	json_builder_add_int_value(builder, percentage);
	json_builder_set_member_name(builder, "status");
	json_builder_add_string_value(builder, ub_status_to_string(status));
	json_builder_set_member_name(builder, "step");
	json_builder_add_string_value(builder, step != NULL ? step : "");
	json_builder_set_member_name(builder, "rate");
	json_builder_add_int_value(builder, (gint64)ub_progress_get_rate(progress));
	json_builder_set_member_name(builder, "eta");
	json_builder_add_int_value(builder, ub_progress_get_eta(progress));
	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	ub_cli_print_json_line(root);
}

static void
ub_cli_progress_changed_cb(UbProgress *progress, guint percentage, guint status, const char *step,
			   gpointer user_data)
{
	UbCliProgressUi *ui = user_data;

	if (ui->options->json) {
		ub_cli_print_progress_event(progress, percentage, (UbStatus)status, step);
		return;
	}
	if (ui->tty) {
		char bar[31];
		guint filled = MIN(percentage, 100u) * 30 / 100;

		for (guint i = 0; i < 30; i++)
			bar[i] = i < filled ? '#' : '-';
		bar[30] = '\0';
		g_printerr("\r[%s] %3u%%  %s\033[K%s", bar, percentage,
			   ub_status_to_string((UbStatus)status), percentage >= 100 ? "\n" : "");
	}
}

static void
ub_cli_progress_ui_free(gpointer data, GClosure *closure)
{
	g_free(data);
}

void
ub_cli_show_progress(UbProgress *progress, UbCliOptions *options)
{
	UbCliProgressUi *ui = g_new0(UbCliProgressUi, 1);

	ui->options = options;
	ui->tty = isatty(STDERR_FILENO);
	g_signal_connect_data(progress, "changed", G_CALLBACK(ub_cli_progress_changed_cb), ui,
			      ub_cli_progress_ui_free, 0);
}
