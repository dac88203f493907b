/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli backup FILE
 * unbrick-cli flash IMAGE [--address A] [--wipe-config] [--no-backup] [--board B]
 * unbrick-cli verify IMAGE [--address A]
 * unbrick-cli erase [--mass | --sectors LIST]
 * unbrick-cli restore [BACKUP] [--other-chip] [--other-hardware]
 * unbrick-cli unlock [--erase-all]
 * unbrick-cli resume [--restore-original]
 * All take --json (JSON lines: progress events, then the result), --sim BOARD [--sim-state FILE]
 * [--sim-fault KIND@TIME], --serial. Before a command that touches the chip, a job an earlier
 * run left unfinished is named with what is known of the chip (its journal).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "cli-judgement.h"
#include "cli-private.h"
#include "ub-board-db.h"
#include "ub-error.h"
#include "ub-flash-job.h"
#include "ub-image-loader.h"
#include "ub-image.h"
#include "ub-sim-board.h"

typedef struct {
	const char *command;
	gboolean json;
	gboolean bar;
	gboolean drawn;
	UbProgress *progress;
} UbCliFlashUi;

/* options every flash command takes; the shared ones (--sim, --serial, --board, --probe,
 * --json, --verbose) spelled as in every command (app/cli-common.c) */
typedef struct {
	UbCliOptions common;
	gboolean no_backup;
	gboolean wipe_config;
	gboolean no_reset;
	gboolean direct;
	gboolean no_recover;
	gboolean other_chip;
	gboolean other_hardware;
	UbCliJudgement judgement;
	char **sim_faults;
	char *backup_dir;
} UbCliFlashOptions;

static void
ub_cli_flash_options_clear(UbCliFlashOptions *options)
{
	ub_cli_options_clear(&options->common);
	g_strfreev(options->sim_faults);
	g_free(options->backup_dir);
	ub_cli_judgement_clear(&options->judgement);
}

static void
ub_cli_flash_add_common(GOptionContext *context, UbCliFlashOptions *options, gboolean changes_flash)
{
	const GOptionEntry common[] = {
	        {"sim-fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->sim_faults,
	         N_("With --sim or --sim-state: make something go wrong at a moment of the bench's "
	            "clock (unplug, power, nrst, wait, noise, usb-stall, kill), e.g. "
	            "nrst@1.5s+100ms; what it did is put right when the command ends"),
	         N_("KIND@TIME")},
	        {"no-reset", 0, 0, G_OPTION_ARG_NONE, &options->no_reset,
	         N_("Leave the chip halted at the end"), NULL},
	        {"direct", 0, 0, G_OPTION_ARG_NONE, &options->direct,
	         N_("Do not use the SRAM flash loader (slower)"), NULL},
	        {"no-recover", 0, 0, G_OPTION_ARG_NONE, &options->no_recover,
	         N_("When a normal connect fails, stop instead of trying to reach the chip under "
	            "reset or with your hand on NRST"),
	         NULL},
	        {NULL}};
	const GOptionEntry changing[] = {
	        {"no-backup", 0, 0, G_OPTION_ARG_NONE, &options->no_backup,
	         N_("Do not back the flash up first"), NULL},
	        {"wipe-config", 0, 0, G_OPTION_ARG_NONE, &options->wipe_config,
	         N_("Also erase and write sectors 1-2, where a VESC keeps its settings"), NULL},
	        {"backup-dir", 0, 0, G_OPTION_ARG_FILENAME, &options->backup_dir,
	         N_("Where to keep automatic backups"), N_("DIR")},
	        {NULL}};

	g_option_context_add_main_entries(context, common, GETTEXT_PACKAGE);
	if (changes_flash)
		g_option_context_add_main_entries(context, changing, GETTEXT_PACKAGE);
	ub_cli_options_add(&options->common, context,
	                   UB_CLI_OPTION_BOARD | UB_CLI_OPTION_PROBE | UB_CLI_OPTION_DEVICE |
	                           UB_CLI_OPTION_JSON | UB_CLI_OPTION_VERBOSE);
	ub_cli_judgement_add_options(context, &options->judgement);
}

/* flash and restore: consent to firmware for other hardware than the board's (--board, from
 * the options every command shares), and restore: to another chip's backup */
static void
ub_cli_flash_add_guard(GOptionContext *context, UbCliFlashOptions *options, gboolean restore)
{
	const GOptionEntry guard[] = {
	        {"other-hardware", 0, 0, G_OPTION_ARG_NONE, &options->other_hardware,
	         N_("Agree to write firmware built for other hardware than the board's"), NULL},
	        {NULL}};
	const GOptionEntry other_chip[] = {
	        {"other-chip", 0, 0, G_OPTION_ARG_NONE, &options->other_chip,
	         N_("Agree to write a backup taken from another chip onto this one"), NULL},
	        {NULL}};

	g_option_context_add_main_entries(context, guard, GETTEXT_PACKAGE);
	if (restore)
		g_option_context_add_main_entries(context, other_chip, GETTEXT_PACKAGE);
}

static UbFlashJobFlags
ub_cli_flash_flags(UbCliFlashOptions *options)
{
	UbFlashJobFlags flags = UB_FLASH_JOB_FLAG_NONE;

	if (options->other_chip)
		flags |= UB_FLASH_JOB_FLAG_OTHER_CHIP;
	if (options->other_hardware)
		flags |= UB_FLASH_JOB_FLAG_OTHER_HARDWARE;
	if (options->no_backup)
		flags |= UB_FLASH_JOB_FLAG_NO_BACKUP;
	if (options->wipe_config)
		flags |= UB_FLASH_JOB_FLAG_WIPE_CONFIG;
	if (options->no_reset)
		flags |= UB_FLASH_JOB_FLAG_NO_RESET;
	if (options->direct)
		flags |= UB_FLASH_JOB_FLAG_NO_LOADER;
	return flags;
}

static gboolean
ub_cli_flash_parse_address(const char *text, guint32 *address)
{
	guint64 value = 0;

	if (g_str_has_prefix(text, "0x") || g_str_has_prefix(text, "0X"))
		return g_ascii_string_to_unsigned(text + 2, 16, 0, G_MAXUINT32, &value, NULL) &&
		       (*address = (guint32)value, TRUE);
	if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT32, &value, NULL))
		return FALSE;
	*address = (guint32)value;
	return TRUE;
}

/* "0,3-6,11" */
static GArray *
ub_cli_flash_parse_sectors(const char *text)
{
	g_autoptr(GArray) sectors = g_array_new(FALSE, FALSE, sizeof(guint));
	g_auto(GStrv) parts = g_strsplit(text, ",", -1);

	for (guint i = 0; parts[i] != NULL; i++) {
		g_auto(GStrv) range = g_strsplit(g_strstrip(parts[i]), "-", 2);
		guint64 first = 0;
		guint64 last = 0;

		if (!g_ascii_string_to_unsigned(range[0], 10, 0, 63, &first, NULL))
			return NULL;
		last = first;
		if (range[1] != NULL &&
		    !g_ascii_string_to_unsigned(range[1], 10, first, 63, &last, NULL))
			return NULL;
		for (guint64 s = first; s <= last; s++) {
			guint sector = (guint)s;
			g_array_append_val(sectors, sector);
		}
	}
	return sectors->len > 0 ? g_steal_pointer(&sectors) : NULL;
}

static void
ub_cli_flash_draw_bar(UbCliFlashUi *ui, guint percentage, const char *step)
{
	guint64 rate = ub_progress_get_rate(ui->progress);
	gint64 eta = ub_progress_get_eta(ui->progress);
	char bar[31];
	g_autofree char *rate_text = NULL;
	g_autofree char *eta_text = NULL;
	guint filled = MIN(percentage, 100u) * 30 / 100;

	for (guint i = 0; i < 30; i++)
		bar[i] = i < filled ? '#' : '-';
	bar[30] = '\0';
	rate_text = rate > 0 ? g_format_size(rate) : g_strdup("");
	if (eta >= 0)
		/* TRANSLATORS: time left, minutes:seconds */
		eta_text = g_strdup_printf(_("%u:%02u left"), (guint)(eta / 60), (guint)(eta % 60));
	else
		eta_text = g_strdup("");
	g_printerr("\r[%s] %3u%%  %-8s %s%s  %s\033[K", bar, percentage, step != NULL ? step : "",
	           rate_text, rate > 0 ? "/s" : "", eta_text);
	ui->drawn = TRUE;
}

static void
ub_cli_flash_progress_cb(UbProgress *progress, guint percentage, guint status, const char *step,
                         gpointer user_data)
{
	UbCliFlashUi *ui = user_data;

	if (ui->json) {
		ub_cli_print_progress_event(progress, percentage, (UbStatus)status, step);
		return;
	}
	if (ui->bar)
		ub_cli_flash_draw_bar(ui, percentage, ub_status_to_string((UbStatus)status));
}

static void
ub_cli_flash_print_option_bytes(guint32 optcr)
{
	guint8 rdp = (optcr >> 8) & 0xff;
	guint nwrp = (optcr >> 16) & 0xfff;
	guint bor = (optcr >> 2) & 0x3;
	g_autoptr(GString) protected = g_string_new(NULL);

	for (guint s = 0; s < 12; s++) {
		if ((nwrp & (1u << s)) == 0)
			g_string_append_printf(protected, "%s%u", protected->len > 0 ? ", " : "",
			                       s);
	}
	/* TRANSLATORS: read protection level, 0 (none) to 2 (permanent) */
	g_print(_("Read protection:  level %u\n"), rdp == 0xaa ? 0u : (rdp == 0xcc ? 2u : 1u));
	g_print(_("Write protection: %s\n"), protected->len > 0 ? protected->str : _("none"));
	/* TRANSLATORS: brown-out reset threshold; "off" or a level 1-3 */
	if (bor == 3)
		g_print("%s\n", _("Brown-out reset:  off"));
	else
		g_print(_("Brown-out reset:  level %u\n"), 3 - bor);
}

static void
ub_cli_flash_print_summary(UbFlashJob *job)
{
	UbFlashStats stats = {0};
	const char *backup = ub_flash_job_get_backup_path(job);
	const char *original = ub_flash_job_get_original_backup(job);
	UbFlashJournal *previous = ub_flash_job_get_previous_journal(job);

	ub_flash_job_get_stats(job, &stats);
	switch (ub_flash_job_get_kind(job)) {
	case UB_FLASH_JOB_KIND_BACKUP:
		ub_cli_flash_print_option_bytes(ub_flash_job_get_optcr(job));
		g_print(_("Backup written to %s\n"), backup);
		if (ub_flash_job_get_backup_interrupted(job))
			g_print("%s\n", _("It holds the chip as an interrupted job left it "
			                  "(half-written), not an original."));
		return;
	case UB_FLASH_JOB_KIND_VERIFY:
		g_print(_("The flash matches the image.\n"));
		return;
	case UB_FLASH_JOB_KIND_UNLOCK:
		/* TRANSLATORS: followed by the option bytes as they were */
		g_print("%s\n", _("Before:"));
		ub_cli_flash_print_option_bytes(ub_flash_job_get_optcr(job));
		g_print(_("Protection removed.\n"));
		break;
	case UB_FLASH_JOB_KIND_ERASE:
		g_print(ngettext("%u sector erased and checked.\n",
		                 "%u sectors erased and checked.\n", stats.sectors_erased),
		        stats.sectors_erased);
		break;
	case UB_FLASH_JOB_KIND_RESTORE:
		g_print(_("Restored %s\n"), ub_flash_job_get_restore_source(job));
		G_GNUC_FALLTHROUGH;
	case UB_FLASH_JOB_KIND_FLASH:
	default: {
		g_autofree char *size = g_format_size(stats.bytes_programmed);
		/* TRANSLATORS: %1$s is a size like "360 kB", %2$u a count of sectors */
		g_print(ngettext("Written and verified: %1$s in %2$u sector.\n",
		                 "Written and verified: %1$s in %2$u sectors.\n",
		                 stats.sectors_written),
		        size, stats.sectors_written);
		break;
	}
	}
	if (ub_flash_job_get_journal_error(job) != NULL)
		/* TRANSLATORS: %s says why (a folder that cannot be written) */
		g_printerr(_("unbrick-cli: no journal of this job could be kept (%s): had it been "
		             "interrupted, the next start would not have known what it did.\n"),
		           ub_flash_job_get_journal_error(job));
	if (ub_flash_job_get_restart_error(job) != NULL)
		/* TRANSLATORS: %s says why the chip could not be restarted */
		g_print(_("The chip was not restarted (%s): power-cycle the board to start it.\n"),
		        ub_flash_job_get_restart_error(job));
	if (previous != NULL && ub_flash_journal_get_chip_changed(previous)) {
		g_autofree char *what = ub_flash_journal_describe_job(previous);
		/* TRANSLATORS: %s names the job, e.g. "flash of demo.bin on chip 1234, started …" */
		g_print(_("The chip an interrupted job had left (%s) is whole again.\n"), what);
	}
	if (original != NULL)
		g_print(_("The original contents are saved in %s\n"), original);
	if (backup != NULL && g_strcmp0(backup, original) != 0)
		g_print(_("The half-written chip as this run found it is saved in %s\n"), backup);
}

static void
ub_cli_flash_print_state(UbFlashJob *job)
{
	g_autofree char *chip = ub_flash_job_describe_chip(job);
	const char *original = ub_flash_job_get_original_backup(job);
	UbFlashJournal *previous = ub_flash_job_get_previous_journal(job);
	gboolean changed = ub_flash_job_get_stage(job) == UB_FLASH_JOB_STAGE_CHANGING ||
	                   ub_flash_job_get_stage(job) == UB_FLASH_JOB_STAGE_WRITTEN ||
	                   (previous != NULL && ub_flash_journal_get_chip_changed(previous));

	/* TRANSLATORS: %s is what is known of the chip, e.g. "nothing on the chip was changed" */
	g_printerr(_("State of the chip: %s.\n"), chip);
	if (changed) {
		g_printerr("%s\n", _("Run the same command again to finish it (or `unbrick-cli "
		                     "resume`)."));
		if (original != NULL)
			/* TRANSLATORS: %s is the backup file of the chip as it was */
			g_printerr(_("To put the original back instead: unbrick-cli restore %s\n"),
			           original);
	} else if (original != NULL) {
		g_printerr(_("The original contents are saved in %s\n"), original);
	}
	if (changed && ub_flash_job_get_journal_error(job) != NULL)
		/* TRANSLATORS: %s says why (a folder that cannot be written) */
		g_printerr(_("No journal of this job could be kept (%s): the next start will not "
		             "know what it did.\n"),
		           ub_flash_job_get_journal_error(job));
}

/* a job an earlier run left unfinished, before this one touches a chip: what it was, what is
 * known of the chip, and the two ways out */
static void
ub_cli_flash_notice_journals(UbCliFlashOptions *options)
{
	g_autoptr(GPtrArray) journals = NULL;

	if (options->common.json)
		return;
	journals = ub_flash_journal_list(NULL);
	for (guint i = 0; i < journals->len; i++) {
		UbFlashJournal *journal = g_ptr_array_index(journals, i);
		g_autofree char *what = ub_flash_journal_describe_job(journal);
		g_autofree char *chip = ub_flash_journal_describe_chip(journal);
		const char *original = ub_flash_journal_get_original_backup(journal);

		if (ub_flash_journal_is_running(journal)) {
			/* TRANSLATORS: %1$s names the job, %2$s the program, %3$u its process id */
			g_printerr(_("unbrick-cli: a %1$s is running in another program (%2$s, "
			             "pid %3$u)\n"),
			           what, ub_flash_journal_get_program(journal),
			           (guint)ub_flash_journal_get_pid(journal));
			continue;
		}
		/* TRANSLATORS: %s names the job, e.g. "flash of demo.bin on chip …, started …" */
		g_printerr(_("unbrick-cli: an interrupted %s was found.\n"), what);
		/* TRANSLATORS: %s is what is known of the chip */
		g_printerr(_("  State of that chip: %s.\n"), chip);
		if (!ub_flash_journal_get_chip_changed(journal))
			continue;
		g_printerr("%s\n", _("  To finish it: unbrick-cli resume"));
		if (original != NULL)
			/* TRANSLATORS: %s is the backup file */
			g_printerr(_("  To put the original back: unbrick-cli resume "
			             "--restore-original (%s)\n"),
			           original);
	}
}

/* the device of --sim or --sim-state (with its faults) or of the USB probe */
static UbDevice *
ub_cli_flash_device(UbCliFlashOptions *options, GError **error)
{
	g_autoptr(UbDevice) device = NULL;
	UbSimBoard *board;

	device = ub_cli_options_new_device(&options->common, !options->common.json, error);
	if (device == NULL || options->sim_faults == NULL)
		return g_steal_pointer(&device);
	board = ub_sim_board_from_device(device);
	if (board == NULL) {
		g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
		                    _("--sim-fault needs a simulated bench (--sim or --sim-state)"));
		return NULL;
	}
	for (guint i = 0; options->sim_faults[i] != NULL; i++) {
		UbSimFaultKind kind;
		guint64 at_ns = 0;
		guint64 duration_ns = 0;
		UbSimClock *clock = ub_sim_board_get_clock(board);

		if (!ub_sim_fault_parse(options->sim_faults[i], &kind, &at_ns, &duration_ns, error))
			return NULL;
		/* times count from the start of this run */
		ub_sim_faults_schedule(ub_sim_board_get_faults(board), kind,
		                       ub_sim_clock_get_ns(clock) + at_ns, duration_ns);
	}
	return g_steal_pointer(&device);
}

/* the job could not start because the chip did not answer a normal connect: the ladder's
 * business (nothing on the chip was touched yet) */
static gboolean
ub_cli_flash_needs_ladder(UbFlashJob *job, const GError *error)
{
	if (ub_flash_job_get_stage(job) != UB_FLASH_JOB_STAGE_NOT_STARTED || error == NULL ||
	    error->domain != UB_TARGET_ERROR)
		return FALSE;
	switch (error->code) {
	case UB_TARGET_ERROR_NO_ACK:
	case UB_TARGET_ERROR_WAIT:
	case UB_TARGET_ERROR_FAULT:
	case UB_TARGET_ERROR_NOT_HALTED:
	case UB_TARGET_ERROR_NO_POWER:
	case UB_TARGET_ERROR_FAILED:
		return TRUE;
	default:
		return FALSE;
	}
}

static UbFlashJob *
ub_cli_flash_new_job(UbDevice *device, UbCliFlashOptions *options, UbFlashJobKind kind,
                     UbImage *image, const char *file, GArray *sectors, UbFlashJobFlags extra,
                     const char *const *hw_names)
{
	UbFlashJob *job = ub_flash_job_new(device, kind);

	if (image != NULL)
		ub_flash_job_set_image(job, image);
	if (file != NULL)
		ub_flash_job_set_backup_file(job, file);
	if (sectors != NULL)
		ub_flash_job_set_sectors(job, (const guint *)sectors->data, sectors->len);
	ub_flash_job_set_flags(job, ub_cli_flash_flags(options) | extra);
	if (options->backup_dir != NULL)
		ub_flash_job_set_backup_dir(job, options->backup_dir);
	if (hw_names != NULL)
		ub_flash_job_set_board_hw_names(job, hw_names);
	return job;
}

static gboolean
ub_cli_flash_run_job(UbFlashJob *job, UbCliFlashUi *ui, GError **error)
{
	UbCliWait wait;
	gboolean ok;

	g_signal_connect(ui->progress, "changed", G_CALLBACK(ub_cli_flash_progress_cb), ui);
	ub_cli_wait_init(&wait);
	ub_flash_job_run_async(job, ui->progress, wait.cancellable, ub_cli_wait_cb, &wait);
	ok = ub_flash_job_run_finish(job, ub_cli_wait_run(&wait), error);
	ub_cli_wait_clear(&wait);
	g_signal_handlers_disconnect_by_data(ui->progress, ui);
	if (ui->drawn)
		g_printerr("\n");
	ui->drawn = FALSE;
	return ok;
}

/* the same ladder as `unbrick-cli connect`, with the same prompts; NULL when it could not
 * run, else its result (reached or with the verdict) */
static UbLadderResult *
ub_cli_flash_run_ladder(UbDevice *device, UbCliFlashOptions *options, GError **error)
{
	UbLadderOptions ladder;
	UbCliLadderUi ui = {options->common.json, isatty(STDOUT_FILENO)};
	UbCliWait wait;
	UbLadderResult *result;

	if (!options->common.json)
		g_print("%s\n", _("The chip does not answer a normal connect. Trying to reach it "
		                  "under reset, then with your help:"));
	ub_ladder_options_init(&ladder);
	ub_cli_judgement_setup_ladder(&options->judgement, &ladder);
	ub_cli_wait_init(&wait);
	ub_connect_ladder_run_async(device, &ladder, ub_cli_ladder_event_cb, &ui, NULL,
	                            wait.cancellable, ub_cli_wait_cb, &wait);
	result = ub_connect_ladder_run_finish(device, ub_cli_wait_run(&wait), error);
	ub_cli_wait_clear(&wait);
	ub_ladder_options_clear(&ladder);
	return result;
}

/* runs one job on a new device, shows progress, prints the outcome; returns the exit code */
static int
ub_cli_flash_run(const char *command, UbCliFlashOptions *options, UbFlashJobKind kind,
                 UbImage *image, const char *file, GArray *sectors, UbFlashJobFlags extra)
{
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(UbFlashJob) job = NULL;
	g_autoptr(UbProgress) progress = ub_progress_new();
	g_autoptr(UbLadderResult) ladder = NULL;
	g_auto(GStrv) hw_names = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_close = NULL;
	g_autoptr(JsonNode) report = NULL;
	UbCliFlashUi ui = {command, options->common.json, FALSE, FALSE, progress};
	UbCliWait wait;
	gboolean ok;

	if (!ub_cli_judgement_check(&options->judgement, command))
		return UB_CLI_EXIT_USAGE;
	/* the board named with --board (or --hw) is the hardware guard for firmware and
	 * backups */
	hw_names = ub_cli_options_dup_hw_names(&options->common);
	device = ub_cli_flash_device(options, &error);
	if (device == NULL)
		return ub_cli_finish(command, &options->common, NULL, error);
	if (kind != UB_FLASH_JOB_KIND_VERIFY)
		ub_cli_flash_notice_journals(options);
	ui.bar = !options->common.json && isatty(STDERR_FILENO);
	job = ub_cli_flash_new_job(device, options, kind, image, file, sectors, extra,
	                           (const char *const *)hw_names);
	ok = ub_cli_flash_run_job(job, &ui, &error);
	if (!ok && !options->no_recover && ub_cli_flash_needs_ladder(job, error)) {
		g_autoptr(GError) error_ladder = NULL;

		ladder = ub_cli_flash_run_ladder(device, options, &error_ladder);
		if (ladder != NULL && ladder->reached) {
			/* held before its firmware ran: the same job again, from the start */
			g_clear_error(&error);
			g_clear_object(&job);
			ub_progress_reset(progress);
			job = ub_cli_flash_new_job(device, options, kind, image, file, sectors, extra,
			                           (const char *const *)hw_names);
			ok = ub_cli_flash_run_job(job, &ui, &error);
		} else if (ladder != NULL) {
			g_clear_error(&error);
			ub_ladder_result_set_error(ladder, &error);
		} else {
			g_clear_error(&error);
			g_propagate_error(&error, g_steal_pointer(&error_ladder));
		}
	}
	/* leave debug mode either way */
	ub_cli_wait_init(&wait);
	ub_device_close_async(device, NULL, ub_cli_wait_cb, &wait);
	if (!ub_device_close_finish(device, ub_cli_wait_run(&wait), &error_close))
		g_debug("closing: %s", error_close->message);
	ub_cli_wait_clear(&wait);

	/* with --json: the job's report (stage, backup, what changed), also when it failed */
	if (options->common.json) {
		report = ub_flash_job_to_json(job);
		return ub_cli_finish(command, &options->common, report, ok ? NULL : error);
	}
	if (!ok) {
		int code = ub_cli_exit_code_for_error(error);

		/* the verdict is the whole story of why the chip was not reached */
		if (ladder != NULL && !ladder->reached)
			ub_cli_print_verdict(ladder->verdict, ladder->evidence,
			                     options->judgement.board, options->judgement.probe_model);
		else
			code = ub_cli_report_error(command, error);
		ub_cli_flash_print_state(job);
		return code;
	}
	ub_cli_flash_print_summary(job);
	return UB_CLI_EXIT_OK;
}

static UbImage *
ub_cli_flash_load_image(const char *command, UbCliFlashOptions *options, const char *path,
                        const char *address_text, int *code)
{
	g_autoptr(GError) error = NULL;
	guint32 address = UB_IMAGE_DEFAULT_BASE;
	UbImage *image;

	if (address_text != NULL && !ub_cli_flash_parse_address(address_text, &address)) {
		g_printerr(_("unbrick-cli: \"%s\" is not an address\n"), address_text);
		*code = UB_CLI_EXIT_USAGE;
		return NULL;
	}
	image = ub_image_new_from_file(path, address, &error);
	if (image == NULL)
		*code = ub_cli_finish(command, &options->common, NULL, error);
	return image;
}

static gboolean
ub_cli_flash_one_argument(const char *command, UbCliFlashOptions *options,
                          GOptionContext *context, int *argc, char ***argv, const char *what)
{
	if (!ub_cli_options_parse(&options->common, command, context, argc, argv,
	                          what != NULL ? 1 : 0))
		return FALSE;
	ub_cli_judgement_use_options(&options->judgement, &options->common);
	if (what == NULL)
		return TRUE;
	if (*argc != 2) {
		/* TRANSLATORS: %s names the missing argument, e.g. IMAGE */
		g_printerr(_("unbrick-cli: give exactly one %s\n"), what);
		return FALSE;
	}
	return TRUE;
}

int
ub_cli_backup(int argc, char **argv)
{
	UbCliFlashOptions options = {0};
	g_autoptr(GOptionContext) context = g_option_context_new(_("FILE"));
	int code;

	g_option_context_set_summary(context, _("Read the whole flash and the option bytes into "
	                                        "FILE, with a FILE.json description beside it."));
	ub_cli_flash_add_common(context, &options, FALSE);
	if (!ub_cli_flash_one_argument("backup", &options, context, &argc, &argv, "FILE")) {
		ub_cli_flash_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	code = ub_cli_flash_run("backup", &options, UB_FLASH_JOB_KIND_BACKUP, NULL, argv[1], NULL,
	                        UB_FLASH_JOB_FLAG_NONE);
	ub_cli_flash_options_clear(&options);
	return code;
}

int
ub_cli_flash(int argc, char **argv)
{
	UbCliFlashOptions options = {0};
	g_autofree char *address = NULL;
	const GOptionEntry entries[] = {{"address", 0, 0, G_OPTION_ARG_STRING, &address,
	                                 N_("Where a raw .bin goes (default 0x08000000)"),
	                                 N_("ADDRESS")},
	                                {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(_("IMAGE"));
	g_autoptr(UbImage) image = NULL;
	int code = UB_CLI_EXIT_OK;

	g_option_context_set_summary(
	        context,
	        _("Back the flash up, erase the sectors IMAGE needs, write it and verify it. "
	          "A VESC's settings in sectors 1-2 are kept unless --wipe-config is given."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_flash_add_common(context, &options, TRUE);
	ub_cli_flash_add_guard(context, &options, FALSE);
	if (!ub_cli_flash_one_argument("flash", &options, context, &argc, &argv, "IMAGE")) {
		ub_cli_flash_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	image = ub_cli_flash_load_image("flash", &options, argv[1], address, &code);
	if (image != NULL)
		code = ub_cli_flash_run("flash", &options, UB_FLASH_JOB_KIND_FLASH, image, NULL,
		                        NULL, UB_FLASH_JOB_FLAG_NONE);
	ub_cli_flash_options_clear(&options);
	return code;
}

int
ub_cli_verify(int argc, char **argv)
{
	UbCliFlashOptions options = {0};
	g_autofree char *address = NULL;
	const GOptionEntry entries[] = {
	        {"address", 0, 0, G_OPTION_ARG_STRING, &address,
	         N_("Where a raw .bin goes (default 0x08000000)"), N_("ADDRESS")},
	        {"wipe-config", 0, 0, G_OPTION_ARG_NONE, &options.wipe_config,
	         N_("Also compare sectors 1-2, where a VESC keeps its settings"), NULL},
	        {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(_("IMAGE"));
	g_autoptr(UbImage) image = NULL;
	int code = UB_CLI_EXIT_OK;

	g_option_context_set_summary(context, _("Compare the flash with IMAGE."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_flash_add_common(context, &options, FALSE);
	if (!ub_cli_flash_one_argument("verify", &options, context, &argc, &argv, "IMAGE")) {
		ub_cli_flash_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	image = ub_cli_flash_load_image("verify", &options, argv[1], address, &code);
	if (image != NULL)
		code = ub_cli_flash_run("verify", &options, UB_FLASH_JOB_KIND_VERIFY, image, NULL,
		                        NULL, UB_FLASH_JOB_FLAG_NONE);
	ub_cli_flash_options_clear(&options);
	return code;
}

int
ub_cli_erase(int argc, char **argv)
{
	UbCliFlashOptions options = {0};
	gboolean mass = FALSE;
	g_autofree char *sectors_text = NULL;
	const GOptionEntry entries[] = {
	        {"mass", 0, 0, G_OPTION_ARG_NONE, &mass, N_("Erase the whole chip at once"), NULL},
	        {"sectors", 0, 0, G_OPTION_ARG_STRING, &sectors_text,
	         N_("Erase these sectors, e.g. 0,3-6"), N_("LIST")},
	        {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(GArray) sectors = NULL;
	int code;

	g_option_context_set_summary(
	        context, _("Back the flash up, then erase it: every sector but a VESC's settings "
	                   "(sectors 1-2), the sectors given, or the whole chip with --mass."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_flash_add_common(context, &options, TRUE);
	if (!ub_cli_flash_one_argument("erase", &options, context, &argc, &argv, NULL)) {
		ub_cli_flash_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	if (mass && sectors_text != NULL) {
		g_printerr("%s\n", _("unbrick-cli: --mass and --sectors exclude each other"));
		ub_cli_flash_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	if (sectors_text != NULL) {
		sectors = ub_cli_flash_parse_sectors(sectors_text);
		if (sectors == NULL) {
			g_printerr(_("unbrick-cli: \"%s\" is not a list of sectors\n"),
			           sectors_text);
			ub_cli_flash_options_clear(&options);
			return UB_CLI_EXIT_USAGE;
		}
	}
	code = ub_cli_flash_run("erase", &options, UB_FLASH_JOB_KIND_ERASE, NULL, NULL, sectors,
	                        mass ? UB_FLASH_JOB_FLAG_MASS_ERASE : UB_FLASH_JOB_FLAG_NONE);
	ub_cli_flash_options_clear(&options);
	return code;
}

int
ub_cli_restore(int argc, char **argv)
{
	UbCliFlashOptions options = {0};
	g_autoptr(GOptionContext) context = g_option_context_new(_("[BACKUP]"));
	int code;

	g_option_context_set_summary(
	        context,
	        _("Write a backup made by unbrick back to the chip and verify it; without BACKUP, "
	          "the last complete backup of this chip (not a half-written one). A backup of "
	          "another chip or of other hardware needs --other-chip / --other-hardware. A "
	          "VESC's settings in sectors 1-2 are kept unless --wipe-config is given."));
	ub_cli_flash_add_common(context, &options, TRUE);
	ub_cli_flash_add_guard(context, &options, TRUE);
	/* BACKUP is optional: without it, this chip's last complete backup */
	if (!ub_cli_options_parse(&options.common, "restore", context, &argc, &argv, 1)) {
		ub_cli_flash_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	ub_cli_judgement_use_options(&options.judgement, &options.common);
	code = ub_cli_flash_run("restore", &options, UB_FLASH_JOB_KIND_RESTORE, NULL,
	                        argc == 2 ? argv[1] : NULL, NULL, UB_FLASH_JOB_FLAG_NONE);
	ub_cli_flash_options_clear(&options);
	return code;
}

int
ub_cli_unlock(int argc, char **argv)
{
	UbCliFlashOptions options = {0};
	gboolean erase_all = FALSE;
	const GOptionEntry entries[] = {
	        {"erase-all", 0, 0, G_OPTION_ARG_NONE, &erase_all,
	         N_("Agree that removing read protection erases the whole flash"), NULL},
	        {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	int code;

	g_option_context_set_summary(
	        context,
	        _("Remove write protection, and read protection (level 1) when --erase-all "
	          "is given: the chip then erases all of its flash."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_flash_add_common(context, &options, FALSE);
	if (!ub_cli_flash_one_argument("unlock", &options, context, &argc, &argv, NULL)) {
		ub_cli_flash_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	code = ub_cli_flash_run("unlock", &options, UB_FLASH_JOB_KIND_UNLOCK, NULL, NULL, NULL,
	                        erase_all ? UB_FLASH_JOB_FLAG_ERASE_ALL_CONSENT
	                                  : UB_FLASH_JOB_FLAG_NONE);
	ub_cli_flash_options_clear(&options);
	return code;
}

/* did the job set out to change the VESC settings sectors (then the original's go back too) */
static gboolean
ub_cli_resume_touched_config(UbFlashJournal *journal)
{
	GArray *planned = ub_flash_journal_get_planned(journal);

	if (ub_flash_journal_has_flag(journal, "wipe-config") ||
	    ub_flash_journal_has_flag(journal, "mass-erase") ||
	    ub_flash_journal_has_flag(journal, "erase-all"))
		return TRUE;
	for (guint i = 0; i < planned->len; i++) {
		guint sector = g_array_index(planned, guint, i);
		if (sector == 1 || sector == 2)
			return TRUE;
	}
	return FALSE;
}

static UbFlashJournal *
ub_cli_resume_pick(const char *uid, gboolean json, int *code)
{
	g_autoptr(GPtrArray) journals = ub_flash_journal_list(NULL);
	g_autoptr(GPtrArray) open = g_ptr_array_new_with_free_func(g_object_unref);

	for (guint i = 0; i < journals->len; i++) {
		UbFlashJournal *journal = g_ptr_array_index(journals, i);
		if (ub_flash_journal_is_running(journal))
			continue;
		if (uid != NULL && g_strcmp0(ub_flash_journal_get_uid(journal), uid) != 0)
			continue;
		g_ptr_array_add(open, g_object_ref(journal));
	}
	if (open->len == 1)
		return g_object_ref(g_ptr_array_index(open, 0));
	if (open->len == 0) {
		if (!json)
			g_print("%s\n", _("Nothing to resume: no interrupted job was found."));
		*code = UB_CLI_EXIT_OK;
		return NULL;
	}
	g_printerr("%s\n", _("unbrick-cli resume: more than one interrupted job; pick one with "
	                     "--uid:"));
	for (guint i = 0; i < open->len; i++) {
		g_autofree char *what = ub_flash_journal_describe_job(g_ptr_array_index(open, i));
		g_printerr("  %s\n", what);
	}
	*code = UB_CLI_EXIT_USAGE;
	return NULL;
}

int
ub_cli_resume(int argc, char **argv)
{
	UbCliFlashOptions options = {0};
	gboolean restore_original = FALSE;
	g_autofree char *uid = NULL;
	const GOptionEntry entries[] = {
	        {"restore-original", 0, 0, G_OPTION_ARG_NONE, &restore_original,
	         N_("Put the chip back as it was before the interrupted job, from its backup"),
	         NULL},
	        {"uid", 0, 0, G_OPTION_ARG_STRING, &uid,
	         N_("The chip whose job to resume, when there are several"), N_("UID")},
	        {NULL}};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(UbFlashJournal) journal = NULL;
	g_autoptr(UbImage) image = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) sectors = NULL;
	const char *job;
	int code = UB_CLI_EXIT_OK;

	g_option_context_set_summary(
	        context, _("Finish a job an earlier run left half done (it was interrupted), with "
	                   "the same image and settings; or put the chip back as it was before."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_flash_add_common(context, &options, TRUE);
	if (!ub_cli_flash_one_argument("resume", &options, context, &argc, &argv, NULL)) {
		ub_cli_flash_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	journal = ub_cli_resume_pick(uid, options.common.json, &code);
	if (journal == NULL) {
		if (code == UB_CLI_EXIT_OK)
			/* nothing to resume: with --json the result says so */
			code = ub_cli_finish("resume", &options.common, NULL, NULL);
		ub_cli_flash_options_clear(&options);
		return code;
	}
	job = ub_flash_journal_get_job(journal);
	if (restore_original) {
		const char *original = ub_flash_journal_get_original_backup(journal);
		if (original == NULL) {
			g_printerr("%s\n", _("unbrick-cli resume: the interrupted job kept no backup "
			                     "of the original (it ran with --no-backup, or the chip "
			                     "was read-protected)"));
			ub_cli_flash_options_clear(&options);
			return UB_CLI_EXIT_FLASH;
		}
		code = ub_cli_flash_run("resume", &options, UB_FLASH_JOB_KIND_RESTORE, NULL,
		                        original, NULL,
		                        ub_cli_resume_touched_config(journal)
		                                ? UB_FLASH_JOB_FLAG_WIPE_CONFIG
		                                : UB_FLASH_JOB_FLAG_NONE);
	} else if (g_strcmp0(job, "flash") == 0) {
		const char *path = ub_flash_journal_get_image_path(journal);
		if (path == NULL) {
			g_printerr("%s\n", _("unbrick-cli resume: the image of the interrupted flash "
			                     "was not a file; flash it again by hand"));
			ub_cli_flash_options_clear(&options);
			return UB_CLI_EXIT_IMAGE;
		}
		image = ub_image_new_from_file(path, ub_flash_journal_get_image_base(journal),
		                               &error);
		if (image == NULL) {
			code = ub_cli_finish("resume", &options.common, NULL, error);
		} else {
			g_autofree char *sha256 = ub_flash_journal_image_sha256(image);
			if (g_strcmp0(sha256, ub_flash_journal_get_image_sha256(journal)) != 0) {
				/* TRANSLATORS: %s is a file name */
				g_printerr(_("unbrick-cli resume: %s changed since the interrupted flash; "
				             "flash the image you want by hand\n"),
				           path);
				code = UB_CLI_EXIT_IMAGE;
			} else {
				code = ub_cli_flash_run("resume", &options, UB_FLASH_JOB_KIND_FLASH,
				                        image, NULL, NULL,
				                        ub_flash_job_flags_from_journal(journal));
			}
		}
	} else if (g_strcmp0(job, "restore") == 0) {
		code = ub_cli_flash_run("resume", &options, UB_FLASH_JOB_KIND_RESTORE, NULL,
		                        ub_flash_journal_get_source_backup(journal), NULL,
		                        ub_flash_job_flags_from_journal(journal));
	} else if (g_strcmp0(job, "erase") == 0) {
		GArray *given = ub_flash_journal_get_sectors(journal);
		if (given->len > 0)
			sectors = g_array_copy(given);
		code = ub_cli_flash_run("resume", &options, UB_FLASH_JOB_KIND_ERASE, NULL, NULL,
		                        sectors, ub_flash_job_flags_from_journal(journal));
	} else if (g_strcmp0(job, "unlock") == 0) {
		code = ub_cli_flash_run("resume", &options, UB_FLASH_JOB_KIND_UNLOCK, NULL, NULL,
		                        NULL, ub_flash_job_flags_from_journal(journal));
	} else {
		/* TRANSLATORS: %s is a job's name from its journal */
		g_printerr(_("unbrick-cli resume: a \"%s\" job cannot be resumed\n"), job);
		code = UB_CLI_EXIT_DATA;
	}
	ub_cli_flash_options_clear(&options);
	return code;
}
