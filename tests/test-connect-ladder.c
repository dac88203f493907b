/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The connection ladder on the simulated benches, through the async API as the wizard uses it:
 * each scenario of the reset-pin recovery ends in the right outcome, the manual path with a
 * simulated person (human reaction times, contact bounce), and the forum-thread case carried on
 * to a verified flash.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-connect-ladder.h"
#include "ub-error.h"
#include "ub-flash-job.h"
#include "ub-image-loader.h"
#include "ub-image.h"
#include "ub-sim-board.h"

typedef struct {
	GMainLoop *loop;
	GAsyncResult *result;
	GPtrArray *events; /* of "step/kind" */
	guint holds, releases;
} Wait;

static void
wait_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Wait *wait = user_data;

	wait->result = g_object_ref(result);
	g_main_loop_quit(wait->loop);
}

static void
event_cb(const UbLadderEvent *event, gpointer user_data)
{
	Wait *wait = user_data;

	/* events arrive on the caller's (this) thread, in order */
	g_assert_true(g_main_context_is_owner(g_main_context_default()));
	g_ptr_array_add(wait->events, g_strdup_printf("%s/%s", ub_ladder_step_to_string(event->step),
						      ub_ladder_event_kind_to_string(event->kind)));
	if (event->kind == UB_LADDER_EVENT_HOLD_NRST)
		wait->holds++;
	if (event->kind == UB_LADDER_EVENT_RELEASE_NRST)
		wait->releases++;
	g_assert_nonnull(event->message);
	g_assert_cmpstr(event->message, !=, "");
}

static UbLadderResult *
run_ladder(UbDevice *device, UbLadderAllow allow, Wait *wait, GError **error)
{
	UbLadderOptions options;
	UbLadderResult *result;

	ub_ladder_options_init(&options);
	options.allow = allow;
	options.nrst_location = g_strdup("SWD header pin 5");
	wait->loop = g_main_loop_new(NULL, FALSE);
	wait->events = g_ptr_array_new_with_free_func(g_free);
	ub_connect_ladder_run_async(device, &options, event_cb, wait, NULL, NULL, wait_cb, wait);
	ub_ladder_options_clear(&options);
	g_main_loop_run(wait->loop);
	result = ub_connect_ladder_run_finish(device, wait->result, error);
	g_clear_object(&wait->result);
	/* let queued events arrive */
	while (g_main_context_iteration(NULL, FALSE))
		;
	return result;
}

static void
wait_clear(Wait *wait)
{
	g_clear_pointer(&wait->loop, g_main_loop_unref);
	g_clear_pointer(&wait->events, g_ptr_array_unref);
}

static gboolean
has_event(Wait *wait, const char *what)
{
	for (guint i = 0; i < wait->events->len; i++)
		if (g_strcmp0(g_ptr_array_index(wait->events, i), what) == 0)
			return TRUE;
	return FALSE;
}

typedef struct {
	const char *bench;
	UbLadderMethod method; /* NONE: an error is expected */
	int error_code;
	gboolean at_reset_vector;
	int nrst_effect;
	guint rdp_level;
} Case;

static const Case cases[] = {
    {"focbox", UB_LADDER_METHOD_NORMAL, 0, FALSE, -1, 0},
    /* genuine probe: its RST reaches NRST, vector catch before the firmware takes the pins */
    {"focbox-bricked-genuine", UB_LADDER_METHOD_UNDER_RESET, 0, TRUE, 1, 0},
    /* the forum case: clone RST goes nowhere, the person holds NRST */
    {"focbox-bricked", UB_LADDER_METHOD_MANUAL_RESET, 0, TRUE, -1, 0},
    {"focbox-rdp1", UB_LADDER_METHOD_NORMAL, 0, FALSE, -1, 1},
    /* asleep in Stop mode: the DP answers, the bus does not; a reset wakes it */
    {"focbox-deep-sleep", UB_LADDER_METHOD_UNDER_RESET, 0, TRUE, 1, 0},
    {"focbox-unpowered", UB_LADDER_METHOD_NONE, UB_TARGET_ERROR_NO_POWER, FALSE, -1, 0},
    {"focbox-dead", UB_LADDER_METHOD_NONE, UB_TARGET_ERROR_DEAD, FALSE, -1, 0},
};

static void
test_case(gconstpointer data)
{
	const Case *c = data;
	g_autoptr(UbDevice) device = ub_sim_device_new(c->bench, NULL);
	g_autoptr(UbLadderResult) result = NULL;
	g_autoptr(GError) error = NULL;
	Wait wait = {0};

	result = run_ladder(device, UB_LADDER_ALLOW_ALL, &wait, &error);
	if (c->method == UB_LADDER_METHOD_NONE) {
		g_assert_error(error, UB_TARGET_ERROR, c->error_code);
		g_assert_null(result);
		g_assert_true(has_event(&wait, "verdict/failed"));
		wait_clear(&wait);
		return;
	}
	g_assert_no_error(error);
	g_assert_nonnull(result);
	g_assert_cmpint(result->method, ==, c->method);
	g_assert_cmpint(result->at_reset_vector, ==, c->at_reset_vector);
	g_assert_cmpint(result->nrst_effect, ==, c->nrst_effect);
	g_assert_cmpuint(result->rdp_level, ==, c->rdp_level);
	g_assert_true(has_event(&wait, "secure/succeeded"));
	if (c->at_reset_vector) {
		g_assert_true(result->halted);
		g_assert_cmphex(result->pc, ==, result->reset_vector & ~1u);
		/* the session survives: watchdogs frozen, the debug clocks kept */
		g_assert_true(ub_sim_mcu_get_halted(
			ub_sim_board_get_mcu(ub_sim_board_from_device(device))));
	}
	if (c->method == UB_LADDER_METHOD_MANUAL_RESET) {
		UbSimHand *hand = ub_sim_board_get_hand(ub_sim_board_from_device(device));
		g_assert_cmpuint(wait.holds, ==, 1);
		g_assert_cmpuint(wait.releases, ==, 1);
		g_assert_false(ub_sim_hand_get_holding(hand));
		/* a real contact bounces: closed more than once */
		g_assert_cmpuint(ub_sim_hand_get_contacts(hand), >, 1);
		/* a human was in the loop: at least the reaction times passed */
		g_assert_cmpuint(result->elapsed_us, >, 600 * 1000);
		g_test_message("forum case: recovered by hand in %.0f ms modelled",
			       result->elapsed_us / 1000.0);
	} else {
		g_assert_cmpuint(wait.holds, ==, 0);
	}
	wait_clear(&wait);
}

/* only the step asked for: the clone's RST under reset fails with the reason */
static void
test_under_reset_only_on_clone(void)
{
	g_autoptr(UbDevice) device = ub_sim_device_new("focbox-bricked", NULL);
	g_autoptr(UbLadderResult) result = NULL;
	g_autoptr(GError) error = NULL;
	Wait wait = {0};

	result = run_ladder(device, UB_LADDER_ALLOW_UNDER_RESET, &wait, &error);
	g_assert_null(result);
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK);
	g_assert_true(has_event(&wait, "under-reset/note"));
	g_assert_false(has_event(&wait, "normal/trying"));
	g_assert_cmpuint(wait.holds, ==, 0);
	wait_clear(&wait);
}

/* a person who lets go on their own after 30 ms, before being told: the ladder arms vector
 * catch the moment the DP answers during the hold, so even a short press catches the core */
static void
test_manual_impatient_person(void)
{
	g_autoptr(UbDevice) device = ub_sim_device_new("focbox-bricked", NULL);
	g_autoptr(UbLadderResult) result = NULL;
	g_autoptr(UbLadderResult) first = NULL;
	g_autoptr(GError) error = NULL;
	Wait wait = {0};

	/* a first run (normal connect only, fails) opens the device, so the bench exists */
	first = run_ladder(device, UB_LADDER_ALLOW_NORMAL, &wait, NULL);
	g_assert_null(first);
	wait_clear(&wait);
	ub_sim_hand_set_patience_ms(ub_sim_board_get_hand(ub_sim_board_from_device(device)), 30);
	result = run_ladder(device, UB_LADDER_ALLOW_MANUAL, &wait, &error);
	g_assert_no_error(error);
	g_assert_nonnull(result);
	g_assert_true(result->at_reset_vector);
	g_assert_cmpuint(result->manual_attempts, ==, 1);
	wait_clear(&wait);
}

/* the hardware watchdog resets a halted core unless the ladder froze it */
static void
test_watchdog_frozen(void)
{
	g_autoptr(UbDevice) device = ub_sim_device_new("focbox-watchdog", NULL);
	g_autoptr(UbLadderResult) result = NULL;
	g_autoptr(GError) error = NULL;
	UbSimMcuStats before, after;
	UbSimBoard *board;
	UbSimMcu *mcu;
	Wait wait = {0};

	result = run_ladder(device, UB_LADDER_ALLOW_ALL, &wait, &error);
	g_assert_no_error(error);
	g_assert_cmpint(result->method, ==, UB_LADDER_METHOD_NORMAL);
	wait_clear(&wait);
	board = ub_sim_board_from_device(device);
	mcu = ub_sim_board_get_mcu(board);
	/* running: the watchdog still bites (the ladder does not change the firmware's life) */
	ub_sim_mcu_get_stats(mcu, &before);
	ub_sim_clock_advance(ub_sim_board_get_clock(board), 600 * UB_SIM_NS_PER_MS);
	ub_sim_mcu_get_stats(mcu, &after);
	g_assert_cmpuint(after.resets, >, before.resets);
	g_assert_cmpint(ub_sim_mcu_get_last_reset(mcu), ==, UB_SIM_RESET_WATCHDOG);
	/* halted (as for flashing): frozen, it does not reset the chip under the debugger */
	g_assert_cmpint(ub_sim_mcu_ap_write(mcu, 0xE000EDF0u, 4, 0xA05F0003u), ==,
			UB_SIM_ACCESS_OK);
	g_assert_true(ub_sim_mcu_get_halted(mcu));
	ub_sim_mcu_get_stats(mcu, &before);
	ub_sim_clock_advance(ub_sim_board_get_clock(board), 5000 * UB_SIM_NS_PER_MS);
	ub_sim_mcu_get_stats(mcu, &after);
	g_assert_cmpuint(after.resets, ==, before.resets);
	g_assert_true(ub_sim_mcu_get_halted(mcu));
}

/* the forum case end to end: clone + repurposed pins → manual NRST → halted → flashed */
static void
test_forum_case_to_flash(void)
{
	const char *dir = g_getenv("UB_SHARED_FIRMWARE_DIR");
	g_autofree char *path = NULL;
	g_autofree char *backups = g_dir_make_tmp("ub-ladder-XXXXXX", NULL);
	g_autoptr(UbDevice) device = ub_sim_device_new("focbox-bricked", NULL);
	g_autoptr(UbLadderResult) result = NULL;
	g_autoptr(UbFlashJob) job = NULL;
	g_autoptr(UbImage) image = NULL;
	g_autoptr(GBytes) flash = NULL;
	g_autoptr(GError) error = NULL;
	Wait wait = {0};

	if (dir == NULL) {
		g_test_skip("UB_SHARED_FIRMWARE_DIR not set");
		return;
	}
	path = g_build_filename(dir, "vesc-fw-6.05-410_o_411_o_412-VESC_default.bin", NULL);
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		g_test_skip("the shared VESC firmware is not available");
		return;
	}
	result = run_ladder(device, UB_LADDER_ALLOW_ALL, &wait, &error);
	g_assert_no_error(error);
	g_assert_cmpint(result->method, ==, UB_LADDER_METHOD_MANUAL_RESET);
	wait_clear(&wait);

	image = ub_image_new_from_file(path, 0x08000000, &error);
	g_assert_no_error(error);
	job = ub_flash_job_new(device, UB_FLASH_JOB_KIND_FLASH);
	ub_flash_job_set_image(job, image);
	ub_flash_job_set_backup_dir(job, backups);
	wait.loop = g_main_loop_new(NULL, FALSE);
	ub_flash_job_run_async(job, NULL, NULL, wait_cb, &wait);
	g_main_loop_run(wait.loop);
	g_assert_true(ub_flash_job_run_finish(job, wait.result, &error));
	g_assert_no_error(error);
	g_clear_object(&wait.result);
	g_clear_pointer(&wait.loop, g_main_loop_unref);
	flash = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(ub_sim_board_from_device(device)));
	{
		g_autofree char *want = NULL;
		gsize len = 0;
		g_assert_true(g_file_get_contents(path, &want, &len, NULL));
		/* sector 0 and the application match; sectors 1-2 (configuration) were kept */
		g_assert_cmpmem(g_bytes_get_data(flash, NULL), 0x4000, want, 0x4000);
		g_assert_cmpmem((const guint8 *)g_bytes_get_data(flash, NULL) + 0xC000,
				len - 0xC000, want + 0xC000, len - 0xC000);
	}
	g_assert_nonnull(ub_flash_job_get_backup_path(job));
	g_remove(ub_flash_job_get_backup_path(job));
	g_rmdir(backups);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *name = g_strdup_printf("/recovery/ladder/%s", cases[i].bench);
		g_test_add_data_func(name, &cases[i], test_case);
	}
	g_test_add_func("/recovery/ladder/under-reset-only-on-clone", test_under_reset_only_on_clone);
	g_test_add_func("/recovery/ladder/manual-impatient-person", test_manual_impatient_person);
	g_test_add_func("/recovery/ladder/forum-case-to-flash", test_forum_case_to_flash);
	g_test_add_func("/recovery/ladder/watchdog-frozen", test_watchdog_frozen);
	return g_test_run();
}
