/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The connection ladder on the simulated benches, through the async API as the wizard uses it:
 * each scenario of the reset-pin recovery ends in the right outcome or the right verdict, the
 * manual path with a simulated person (human reaction times, contact bounce), firmware that
 * takes the pins late, resets in a loop or sleeps, a board that holds NRST low, and the
 * forum-thread case carried on to a verified flash.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-connect-ladder.h"
#include "ub-error.h"
#include "ub-flash-job.h"
#include "ub-image-loader.h"
#include "ub-image.h"
#include "ub-probe-cmsis-dap.h"
#include "ub-sim-board.h"
#include "ub-test-firmware.h"

typedef struct {
	GMainLoop *loop;
	GAsyncResult *result;
	GPtrArray *events; /* of "step/kind" */
	guint holds, releases;
	GCancellable *cancel_on_hold; /* cancelled when the person is told to hold */
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
	if (event->kind == UB_LADDER_EVENT_HOLD_NRST) {
		wait->holds++;
		if (wait->cancel_on_hold != NULL)
			g_cancellable_cancel(wait->cancel_on_hold);
	}
	if (event->kind == UB_LADDER_EVENT_RELEASE_NRST)
		wait->releases++;
	g_assert_nonnull(event->message);
	g_assert_cmpstr(event->message, !=, "");
}

static UbLadderResult *
run_ladder_with(UbDevice *device, UbLadderOptions *options, Wait *wait, GError **error)
{
	UbLadderResult *result;

	options->nrst_location = g_strdup("SWD header pin 5");
	wait->loop = g_main_loop_new(NULL, FALSE);
	wait->events = g_ptr_array_new_with_free_func(g_free);
	ub_connect_ladder_run_async(device, options, event_cb, wait, NULL, wait->cancel_on_hold,
				    wait_cb, wait);
	ub_ladder_options_clear(options);
	g_main_loop_run(wait->loop);
	result = ub_connect_ladder_run_finish(device, wait->result, error);
	g_clear_object(&wait->result);
	/* let queued events arrive */
	while (g_main_context_iteration(NULL, FALSE))
		;
	return result;
}

static UbLadderResult *
run_ladder(UbDevice *device, UbLadderAllow allow, Wait *wait, GError **error)
{
	UbLadderOptions options;

	ub_ladder_options_init(&options);
	options.allow = allow;
	return run_ladder_with(device, &options, wait, error);
}

/* a bench from a few lines of JSON, written where the test can load it */
static UbDevice *
bench_device(const char *name, const char *json)
{
	g_autofree char *dir = g_dir_make_tmp("ub-ladder-bench-XXXXXX", NULL);
	g_autofree char *file = g_strconcat(name, ".json", NULL);
	g_autofree char *path = g_build_filename(dir, file, NULL);
	g_autoptr(GError) error = NULL;
	UbDevice *device;

	g_assert_true(g_file_set_contents(path, json, -1, NULL));
	device = ub_sim_device_new(path, &error);
	g_assert_no_error(error);
	g_unlink(path);
	g_rmdir(dir);
	return device;
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
	const char *bench;	/* a shipped bench, or a name for @json */
	const char *json;	/* a bench of its own, or NULL */
	const char *given;	/* "fact=value;..." the person said, or NULL */
	UbLadderMethod method;	/* NONE: not reached, @verdict says why */
	const char *verdict;	/* the top cause when not reached */
	int error_code;
	gboolean at_reset_vector;
	int nrst_effect;
	guint rdp_level;
} Case;

static const Case cases[] = {
    /* a running chip is stopped where it runs, before anything can take the pins */
    {"focbox", NULL, NULL, UB_LADDER_METHOD_NORMAL, NULL, 0, FALSE, -1, 0},
    /* genuine probe: its RST reaches NRST, vector catch before the firmware takes the pins */
    {"focbox-bricked-genuine", NULL, NULL, UB_LADDER_METHOD_UNDER_RESET, NULL, 0, TRUE, 1, 0},
    /* the forum case: clone RST goes nowhere, the person holds NRST */
    {"focbox-bricked", NULL, NULL, UB_LADDER_METHOD_MANUAL_RESET, NULL, 0, TRUE, -1, 0},
    {"focbox-rdp1", NULL, NULL, UB_LADDER_METHOD_NORMAL, NULL, 0, FALSE, -1, 1},
    /* asleep in Stop mode: the DP answers, the bus does not; a reset wakes it */
    {"focbox-deep-sleep", NULL, NULL, UB_LADDER_METHOD_UNDER_RESET, NULL, 0, TRUE, 1, 0},
    {"focbox-unpowered", NULL, NULL, UB_LADDER_METHOD_NONE, "no-power",
     UB_TARGET_ERROR_NO_POWER, FALSE, -1, 0},
    /* a dead chip, and nobody to say anything: nothing was ruled out, the wires first,
     * never "damaged" */
    {"dead-nobody-asked",
     "{ \"name\": \"dead-nobody-asked\", \"faults\": [ \"dead\" ], \"flash\": [ { "
     "\"image\": \"demo-410\" } ] }",
     NULL, UB_LADDER_METHOD_NONE, "swapped-or-open", UB_TARGET_ERROR_NO_ACK, FALSE, -1, 0},
    /* the same, the person having said the wires are checked and the probe works elsewhere:
     * only then the chip */
    {"dead-told",
     "{ \"name\": \"dead-told\", \"faults\": [ \"dead\" ], \"flash\": [ { "
     "\"image\": \"demo-410\" } ] }",
     "wires_checked=yes;fails_elsewhere=no", UB_LADDER_METHOD_NONE, "damaged",
     UB_TARGET_ERROR_DEAD, FALSE, -1, 0},
    /* the shipped dead bench's person answers the ladder's questions: the ladder asks, runs
     * again with what they confirmed, and ends at the chip */
    {"focbox-dead", NULL, NULL, UB_LADDER_METHOD_NONE, "damaged", UB_TARGET_ERROR_DEAD, FALSE,
     -1, 0},
    /* SWDIO and SWCLK crossed: the wires, whatever the probe */
    {"focbox-swapped", NULL, NULL, UB_LADDER_METHOD_NONE, "swapped-or-open",
     UB_TARGET_ERROR_NO_ACK, FALSE, -1, 0},
    {"vesc6-swapped-nucleo",
     "{ \"name\": \"vesc6-swapped-nucleo\", \"probe\": { \"kind\": \"stlink-v2-1\" }, "
     "\"wiring\": \"swapped\", \"flash\": [ { \"image\": \"demo-60\" } ] }",
     NULL, UB_LADDER_METHOD_NONE, "swapped-or-open", UB_TARGET_ERROR_NO_ACK, FALSE, -1, 0},
    /* NRST held low on the board: named as such, never "running" */
    {"focbox-nrst-stuck", NULL, NULL, UB_LADDER_METHOD_NONE, "held-in-reset",
     UB_TARGET_ERROR_HELD_IN_RESET, FALSE, -1, 0},
    /* firmware that takes the pins 10 ms after reset, attached at power-on, V3 with RST off:
     * the first answer is halted at once, before the takeover */
    {"late-takeover-v3",
     "{ \"name\": \"late-takeover-v3\", \"powered_for_ms\": 0, \"probe\": { \"kind\": "
     "\"stlink-v3\", \"rst_wired\": false }, \"flash\": [ { \"image\": \"repurpose-swd\", "
     "\"takeover_ms\": 10 } ] }",
     NULL, UB_LADDER_METHOD_NORMAL, NULL, 0, FALSE, -1, 0},
    /* 3 ms: the pins go while the probe is being opened; the answer is lost, the hand helps */
    {"takeover-3ms-v3",
     "{ \"name\": \"takeover-3ms-v3\", \"powered_for_ms\": 0, \"probe\": { \"kind\": "
     "\"stlink-v3\", \"rst_wired\": false }, \"flash\": [ { \"image\": \"repurpose-swd\", "
     "\"takeover_ms\": 3 } ] }",
     NULL, UB_LADDER_METHOD_MANUAL_RESET, NULL, 0, TRUE, -1, 0},
    /* the same board running for a while: the pins are long gone, the person's hand helps */
    {"takeover-v3-running",
     "{ \"name\": \"takeover-v3-running\", \"probe\": { \"kind\": \"stlink-v3\", "
     "\"rst_wired\": false }, \"flash\": [ { \"image\": \"repurpose-swd\", "
     "\"takeover_ms\": 50 } ] }",
     NULL, UB_LADDER_METHOD_MANUAL_RESET, NULL, 0, TRUE, -1, 0},
    /* takes the pins 2 s after reset, genuine probe: under reset catches it */
    {"takeover-2s",
     "{ \"name\": \"takeover-2s\", \"powered_for_ms\": 5000, \"flash\": [ { \"image\": "
     "\"repurpose-swd\", \"takeover_ms\": 2000 } ] }",
     NULL, UB_LADDER_METHOD_UNDER_RESET, NULL, 0, TRUE, 1, 0},
    /* resets in a loop (fault, lockup, watchdog): halted in the lockup, the watchdog frozen */
    {"reset-loop",
     "{ \"name\": \"reset-loop\", \"flash\": [ { \"image\": \"reset-loop\" } ] }", NULL,
     UB_LADDER_METHOD_NORMAL, NULL, 0, FALSE, -1, 0},
    /* a watchdog that resets the running chip every 300 ms */
    {"watchdog-reset",
     "{ \"name\": \"watchdog-reset\", \"flash\": [ { \"image\": \"watchdog-reset\" } ] }",
     NULL, UB_LADDER_METHOD_NORMAL, NULL, 0, FALSE, -1, 0},
    /* CMSIS-DAP: the Debug Probe on a healthy board; the forum case on a Pico whose nRESET
     * (GP1) is not wired, so the person holds NRST; a DAPLink whose nRESET is wired */
    {"focbox-debugprobe", NULL, NULL, UB_LADDER_METHOD_NORMAL, NULL, 0, FALSE, -1, 0},
    {"focbox-bricked-pico", NULL, NULL, UB_LADDER_METHOD_MANUAL_RESET, NULL, 0, TRUE, -1, 0},
    {"focbox-bricked-daplink", NULL, NULL, UB_LADDER_METHOD_UNDER_RESET, NULL, 0, TRUE, 1, 0},
};

static void
test_case(gconstpointer data)
{
	const Case *c = data;
	g_autoptr(UbDevice) device = c->json != NULL ? bench_device(c->bench, c->json)
						     : ub_sim_device_new(c->bench, NULL);
	g_autoptr(UbLadderResult) result = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) verdict = NULL;
	UbLadderOptions options;
	Wait wait = {0};

	ub_ladder_options_init(&options);
	if (c->given != NULL) {
		g_auto(GStrv) pairs = g_strsplit(c->given, ";", -1);
		options.given = ub_evidence_new();
		for (guint i = 0; pairs[i] != NULL; i++) {
			g_auto(GStrv) kv = g_strsplit(pairs[i], "=", 2);
			ub_evidence_set_fact(options.given, kv[0], kv[1], UB_FACT_SOURCE_PERSON);
		}
	}
	result = run_ladder_with(device, &options, &wait, &error);
	g_assert_no_error(error);
	g_assert_nonnull(result);
	g_assert_nonnull(result->verdict);
	if (c->method == UB_LADDER_METHOD_NONE) {
		if (g_strcmp0(ub_verdict_get_top(result->verdict)->id, c->verdict) != 0) {
			g_autoptr(JsonNode) node = ub_ladder_result_to_json(result);
			g_autofree char *text = json_to_string(node, TRUE);
			g_test_message("%s", text);
		}
		g_assert_false(result->reached);
		g_assert_cmpstr(ub_verdict_get_top(result->verdict)->id, ==, c->verdict);
		ub_ladder_result_set_error(result, &verdict);
		g_assert_error(verdict, UB_TARGET_ERROR, c->error_code);
		g_assert_true(has_event(&wait, "verdict/failed"));
		/* never halted, never "running" while held in reset */
		g_assert_cmpint(result->held_in_reset, ==,
				g_strcmp0(c->verdict, "held-in-reset") == 0);
		wait_clear(&wait);
		return;
	}
	if (!result->reached) {
		g_autoptr(JsonNode) node = ub_ladder_result_to_json(result);
		g_autofree char *text = json_to_string(node, TRUE);
		g_test_message("%s", text);
	}
	g_assert_true(result->reached);
	/* reached: the verdict describes the chip, nothing stands in the way */
	g_assert_cmpstr(ub_verdict_get_top(result->verdict)->id, ==,
			c->rdp_level == 1 ? "read-protected"
			: c->method == UB_LADDER_METHOD_NORMAL ? "all-good"
							       : "reached-in-reset");
	g_assert_cmpint(result->method, ==, c->method);
	g_assert_cmpint(result->at_reset_vector, ==, c->at_reset_vector);
	g_assert_cmpint(result->nrst_effect, ==, c->nrst_effect);
	g_assert_cmpuint(result->rdp_level, ==, c->rdp_level);
	g_assert_true(has_event(&wait, "secure/succeeded"));
	/* reached means held: the core stays stopped, whatever its firmware would do next */
	g_assert_true(result->halted);
	g_assert_true(ub_sim_mcu_get_halted(ub_sim_board_get_mcu(ub_sim_board_from_device(device))));
	ub_sim_clock_advance(ub_sim_board_get_clock(ub_sim_board_from_device(device)),
			     1000 * UB_SIM_NS_PER_MS);
	g_assert_true(ub_sim_mcu_get_halted(ub_sim_board_get_mcu(ub_sim_board_from_device(device))));
	if (c->at_reset_vector)
		g_assert_cmphex(result->pc, ==, result->reset_vector & ~1u);
	if (c->method == UB_LADDER_METHOD_MANUAL_RESET) {
		UbSimHand *hand = ub_sim_board_get_hand(ub_sim_board_from_device(device));
		g_assert_cmpuint(wait.holds, ==, 1);
		g_assert_cmpuint(wait.releases, ==, 1);
		g_assert_false(ub_sim_hand_get_holding(hand));
		/* a real contact bounces: closed more than once */
		g_assert_cmpuint(ub_sim_hand_get_contacts(hand), >, 1);
		/* a human was in the loop: at least the reaction times passed */
		g_assert_cmpuint(result->elapsed_us, >, 600 * 1000);
		g_test_message("%s: recovered by hand in %.0f ms modelled", c->bench,
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
	g_assert_no_error(error);
	g_assert_false(result->reached);
	/* the hand was not allowed: the verdict says to use it */
	g_assert_cmpstr(ub_verdict_get_top(result->verdict)->id, ==, "swd-off-hold-nrst-by-hand");
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

	/* a first run (normal connect only, fails) opens the device */
	first = run_ladder(device, UB_LADDER_ALLOW_NORMAL, &wait, NULL);
	g_assert_false(first->reached);
	wait_clear(&wait);
	ub_sim_hand_set_patience_ms(ub_sim_board_get_hand(ub_sim_board_from_device(device)), 30);
	result = run_ladder(device, UB_LADDER_ALLOW_MANUAL, &wait, &error);
	g_assert_no_error(error);
	g_assert_nonnull(result);
	g_assert_true(result->at_reset_vector);
	g_assert_cmpuint(result->manual_attempts, ==, 1);
	wait_clear(&wait);
}

/* Cancel while the person holds NRST: they are told to let go, not left holding the chip in
 * reset (the bench runs at the hardware's pace so the cancel lands during the hold) */
static void
test_manual_cancelled_lets_go(void)
{
	g_autoptr(UbDevice) device = ub_sim_device_new("focbox-bricked", NULL);
	g_autoptr(UbLadderResult) first = NULL;
	g_autoptr(UbLadderResult) result = NULL;
	g_autoptr(GCancellable) cancellable = g_cancellable_new();
	g_autoptr(GError) error = NULL;
	UbSimBoard *board;
	Wait wait = {0};

	first = run_ladder(device, UB_LADDER_ALLOW_NORMAL, &wait, NULL);
	g_assert_false(first->reached);
	wait_clear(&wait);
	board = ub_sim_board_from_device(device);
	ub_sim_clock_set_realtime(ub_sim_board_get_clock(board), TRUE);
	wait.cancel_on_hold = cancellable;
	result = run_ladder(device, UB_LADDER_ALLOW_MANUAL, &wait, &error);
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	g_assert_null(result);
	g_assert_cmpuint(wait.holds, ==, 1);
	wait_clear(&wait);
	/* a few seconds later, whatever the hand was doing, it is off the pin */
	ub_sim_clock_set_realtime(ub_sim_board_get_clock(board), FALSE);
	ub_sim_clock_advance(ub_sim_board_get_clock(board), 5 * G_GUINT64_CONSTANT(1000000000));
	g_assert_false(ub_sim_hand_get_holding(ub_sim_board_get_hand(board)));
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
	/* halted (the ladder leaves it so): frozen, it does not reset the chip under the
	 * debugger */
	g_assert_true(ub_sim_mcu_get_halted(mcu));
	ub_sim_mcu_get_stats(mcu, &before);
	ub_sim_clock_advance(ub_sim_board_get_clock(board), 5000 * UB_SIM_NS_PER_MS);
	ub_sim_mcu_get_stats(mcu, &after);
	g_assert_cmpuint(after.resets, ==, before.resets);
	g_assert_true(ub_sim_mcu_get_halted(mcu));
}

/* the forum case end to end: repurposed pins, a probe whose reset goes nowhere (the clone
 * ST-LINK, or a Pico running debugprobe without the GP1 wire) → manual NRST → halted →
 * flashed */
static void
test_forum_case_to_flash(gconstpointer data)
{
	const char *bench = data;
	g_autofree char *path = NULL;
	g_autofree char *backups = g_dir_make_tmp("ub-ladder-XXXXXX", NULL);
	g_autoptr(UbDevice) device = ub_sim_device_new(bench, NULL);
	g_autoptr(UbLadderResult) result = NULL;
	g_autoptr(UbFlashJob) job = NULL;
	g_autoptr(UbImage) image = NULL;
	g_autoptr(GBytes) flash = NULL;
	g_autoptr(GError) error = NULL;
	Wait wait = {0};

	path = ub_test_firmware_path(UB_TEST_FW_605);
	result = run_ladder(device, UB_LADDER_ALLOW_ALL, &wait, &error);
	g_assert_no_error(error);
	g_assert_true(result->reached);
	g_assert_cmpint(result->method, ==, UB_LADDER_METHOD_MANUAL_RESET);
	g_assert_true(result->at_reset_vector);
	if (UB_IS_PROBE_CMSIS_DAP(ub_device_get_probe(device))) {
		/* no voltage to measure: said, not guessed, and the ladder went on */
		g_assert_false(result->voltage_known);
		g_assert_true(has_event(&wait, "voltage/note"));
	}
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
		g_autofree char *name = g_strdup_printf("/recovery/ladder/%s%s%s", cases[i].bench,
							cases[i].given != NULL ? "+" : "",
							cases[i].given != NULL ? cases[i].given : "");
		g_test_add_data_func(name, &cases[i], test_case);
	}
	g_test_add_func("/recovery/ladder/under-reset-only-on-clone", test_under_reset_only_on_clone);
	g_test_add_func("/recovery/ladder/manual-impatient-person", test_manual_impatient_person);
	g_test_add_func("/recovery/ladder/manual-cancelled-lets-go", test_manual_cancelled_lets_go);
	g_test_add_data_func("/recovery/ladder/forum-case-to-flash", "focbox-bricked",
			     test_forum_case_to_flash);
	g_test_add_data_func("/recovery/ladder/forum-case-to-flash-pico", "focbox-bricked-pico",
			     test_forum_case_to_flash);
	g_test_add_func("/recovery/ladder/watchdog-frozen", test_watchdog_frozen);
	return g_test_run();
}
