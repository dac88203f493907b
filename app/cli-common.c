/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>

#include "cli-person.h"
#include "cli-private.h"
#include "ub-error.h"
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
    {ub_data_error_quark, -1, UB_CLI_EXIT_DATA, N_("unbrick's data files are missing or broken"),
     N_("Reinstall unbrick, or point UB_DATA_DIR at its data directory.")},
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
		 "  7  firmware image cannot be used\n"
		 "  8  data files missing or invalid\n"
		 "  9  stopped by the user\n"
		 " 10  internal error");
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
