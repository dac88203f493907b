/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimFaults: each fault, scheduled on a bench's virtual clock, reaches our unmodified driver
 * as the physical fault would: an unplugged probe, a lost supply, NRST pulled, a bus held by
 * another master (WAIT), noise on SWDIO (FAULT), a USB stall (timeouts).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-error.h"
#include "ub-probe-stlink.h"
#include "ub-sim-board.h"
#include "ub-sim-state.h"
#include "ub-target.h"
#include "ub-transport-sim.h"

typedef struct {
	UbSimBoard *board;
	UbSimClock *clock;
	UbSimFaults *faults;
	UbTransport *transport;
	UbProbe *probe;
	UbTarget *target;
} Fixture;

static void
fixture_connect(Fixture *fixture)
{
	g_autoptr(GError) error = NULL;

	g_clear_object(&fixture->target);
	g_clear_object(&fixture->probe);
	g_clear_object(&fixture->transport);
	fixture->transport = UB_TRANSPORT(ub_transport_sim_new(fixture->board));
	fixture->probe = UB_PROBE(ub_probe_stlink_new(fixture->transport, &error));
	g_assert_no_error(error);
	ub_probe_set_clock(fixture->probe, UB_CLOCK(fixture->clock));
	g_assert_true(ub_probe_open(fixture->probe, &error));
	g_assert_no_error(error);
	fixture->target = ub_target_new(fixture->probe);
	ub_target_set_clock(fixture->target, UB_CLOCK(fixture->clock));
	g_assert_true(ub_target_connect(fixture->target, &error));
	g_assert_no_error(error);
}

static void
fixture_setup(Fixture *fixture, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	fixture->board = ub_sim_board_new_from_name("focbox", &error);
	g_assert_no_error(error);
	fixture->clock = ub_sim_board_get_clock(fixture->board);
	fixture->faults = ub_sim_board_get_faults(fixture->board);
	fixture_connect(fixture);
}

static void
fixture_teardown(Fixture *fixture, gconstpointer data)
{
	g_clear_object(&fixture->target);
	g_clear_object(&fixture->probe);
	g_clear_object(&fixture->transport);
	g_clear_object(&fixture->board);
}

static guint64
now(Fixture *fixture)
{
	return ub_sim_clock_get_ns(fixture->clock);
}

static void
test_parse(void)
{
	UbSimFaultKind kind;
	guint64 at = 0;
	guint64 duration = 0;
	g_autoptr(GError) error = NULL;
	const char *bad[] = {"nrst", "nrst@", "nrst@1.5", "flood@1s", "nrst@1s+", "nrst@-1s",
	                     "usb-stall@1s+2", "@1s", NULL};

	g_assert_true(ub_sim_fault_parse("nrst@1.5s+100ms", &kind, &at, &duration, &error));
	g_assert_no_error(error);
	g_assert_cmpint(kind, ==, UB_SIM_FAULT_NRST);
	g_assert_cmpuint(at, ==, 1500000000);
	g_assert_cmpuint(duration, ==, 100000000);
	g_assert_true(ub_sim_fault_parse("kill@800us", &kind, &at, &duration, &error));
	g_assert_cmpint(kind, ==, UB_SIM_FAULT_KILL);
	g_assert_cmpuint(at, ==, 800000);
	g_assert_cmpuint(duration, ==, 0);
	for (guint i = 0; bad[i] != NULL; i++) {
		g_assert_false(ub_sim_fault_parse(bad[i], &kind, &at, &duration, &error));
		g_assert_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID);
		g_clear_error(&error);
	}
	for (guint k = 0; k < UB_SIM_FAULT_KIND_COUNT; k++) {
		UbSimFaultKind back;
		g_assert_true(ub_sim_fault_kind_from_string(ub_sim_fault_kind_to_string(k), &back));
		g_assert_cmpint(back, ==, k);
	}
}

/* the cable comes out: transfers fail, the probe cannot be opened; plugged back, it works */
static void
test_unplug(Fixture *fixture, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	guint32 value = 0;

	ub_sim_faults_schedule(fixture->faults, UB_SIM_FAULT_UNPLUG, now(fixture) + 1000, 0);
	g_assert_true(ub_target_read_u32(fixture->target, 0x08000000, &value, &error) ||
	              error != NULL);
	g_clear_error(&error);
	g_assert_false(ub_target_read_u32(fixture->target, 0x08000000, &value, &error));
	g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_DISCONNECTED);
	g_clear_error(&error);
	g_assert_false(ub_sim_faults_get_plugged(fixture->faults));
	g_assert_cmpuint(ub_sim_faults_get_struck(fixture->faults), ==, 1);
	ub_sim_faults_replug(fixture->faults);
	fixture_connect(fixture);
	g_assert_true(ub_target_read_u32(fixture->target, 0x08000000, &value, &error));
	g_assert_no_error(error);
}

/* the supply goes: the probe reads 0 V and the chip no longer answers */
static void
test_power(Fixture *fixture, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	guint32 value = 0;
	guint mv = 1;

	ub_sim_faults_schedule(fixture->faults, UB_SIM_FAULT_POWER, now(fixture), 0);
	g_assert_false(ub_sim_mcu_get_powered(ub_sim_board_get_mcu(fixture->board)));
	g_assert_false(ub_target_read_u32(fixture->target, 0x08000000, &value, &error));
	g_assert_nonnull(error);
	g_clear_error(&error);
	g_assert_true(ub_probe_get_target_voltage(fixture->probe, &mv, &error));
	g_assert_cmpuint(mv, ==, 0);
}

/* NRST low for 10 ms: the chip resets and says so in DHCSR.S_RESET_ST; the debugger stays */
static void
test_nrst(Fixture *fixture, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	UbSimMcu *mcu = ub_sim_board_get_mcu(fixture->board);
	guint32 dhcsr = 0;

	g_assert_true(ub_target_read_u32(fixture->target, UB_DHCSR, &dhcsr, &error));
	ub_sim_faults_schedule(fixture->faults, UB_SIM_FAULT_NRST, now(fixture) + 1000,
	                       10 * UB_SIM_NS_PER_MS);
	ub_sim_clock_advance(fixture->clock, 2 * UB_SIM_NS_PER_MS);
	g_assert_true(ub_sim_mcu_get_in_reset(mcu));
	ub_sim_clock_advance(fixture->clock, 10 * UB_SIM_NS_PER_MS);
	g_assert_false(ub_sim_mcu_get_in_reset(mcu));
	g_assert_cmpint(ub_sim_mcu_get_last_reset(mcu), ==, UB_SIM_RESET_PIN);
	g_assert_true(ub_target_read_u32(fixture->target, UB_DHCSR, &dhcsr, &error));
	g_assert_no_error(error);
	g_assert_cmphex(dhcsr & UB_DHCSR_S_RESET_ST, !=, 0);
}

/* another master holds the bus: memory WAITs for longer than the driver waits, the SCS does
 * not; once the bus is free, memory answers again */
static void
test_wait(Fixture *fixture, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	guint32 value = 0;
	guint64 start = now(fixture);

	ub_sim_faults_schedule(fixture->faults, UB_SIM_FAULT_WAIT, start, 2000 * UB_SIM_NS_PER_MS);
	g_assert_false(ub_target_read_u32(fixture->target, 0x08000000, &value, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_WAIT);
	g_clear_error(&error);
	/* the driver's back-off waited on the bench's clock */
	g_assert_cmpuint(now(fixture) - start, >, 100 * UB_SIM_NS_PER_MS);
	g_assert_true(ub_target_read_u32(fixture->target, UB_DHCSR, &value, &error));
	g_assert_no_error(error);
	ub_sim_clock_advance(fixture->clock, 2000 * UB_SIM_NS_PER_MS);
	g_assert_true(ub_target_read_u32(fixture->target, 0x08000000, &value, &error));
	g_assert_no_error(error);
}

/* noise on SWDIO: a write is lost and FAULTs; the probe clears it and, quiet again, writes go
 * through */
static void
test_noise(Fixture *fixture, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	guint32 value = 0;

	/* the demo firmware counts in SRAM: stop it so the word stays ours */
	g_assert_true(ub_target_halt(fixture->target, &error));
	g_assert_no_error(error);
	ub_sim_faults_schedule(fixture->faults, UB_SIM_FAULT_NOISE, now(fixture),
	                       5 * UB_SIM_NS_PER_MS);
	g_assert_false(ub_target_write_u32(fixture->target, 0x20000000, 0x12345678, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT);
	g_clear_error(&error);
	ub_sim_clock_advance(fixture->clock, 10 * UB_SIM_NS_PER_MS);
	g_assert_true(ub_target_write_u32(fixture->target, 0x20000000, 0x12345678, &error) ||
	              error != NULL);
	g_clear_error(&error);
	g_assert_true(ub_target_write_u32(fixture->target, 0x20000000, 0x12345678, &error));
	g_assert_no_error(error);
	g_assert_true(ub_target_read_u32(fixture->target, 0x20000000, &value, &error));
	g_assert_cmphex(value, ==, 0x12345678);
}

/* the USB stops answering: the host waits its timeout on the bench's clock, then hears again */
static void
test_usb_stall(Fixture *fixture, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	guint32 value = 0;
	guint64 start = now(fixture);

	ub_sim_faults_schedule(fixture->faults, UB_SIM_FAULT_USB_STALL, start,
	                       300 * UB_SIM_NS_PER_MS);
	g_assert_false(ub_target_read_u32(fixture->target, 0x08000000, &value, &error));
	g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_TIMEOUT);
	g_clear_error(&error);
	g_assert_cmpuint(now(fixture) - start, >=, 300 * UB_SIM_NS_PER_MS);
	fixture_connect(fixture);
	g_assert_true(ub_target_read_u32(fixture->target, 0x08000000, &value, &error));
	g_assert_no_error(error);
}

/* the chip outlives the program: its live copy keeps the flash and option bytes even when the
 * program is killed, a second program on the same bench meets a busy probe, another bench's
 * copy is refused, and a program that ends normally leaves only the state file */
static void
test_state(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-sim-state-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "bench.state", NULL);
	g_autofree char *live = g_strconcat(path, ".live", NULL);
	g_autoptr(UbSimBoard) board = NULL;
	g_autoptr(UbSimBoard) again = NULL;
	g_autoptr(UbSimBoard) second = NULL;
	g_autoptr(UbSimBoard) other = NULL;
	g_autoptr(UbSimState) state = NULL;
	g_autoptr(UbSimState) busy = NULL;
	g_autoptr(GBytes) mark = g_bytes_new_static("\x5a\x5a\x5a\x5a", 4);
	g_autoptr(GBytes) before = NULL;
	g_autoptr(GBytes) after = NULL;
	g_autoptr(GBytes) file = NULL;
	g_autoptr(GError) error = NULL;
	guint32 optcr = 0;

	board = ub_sim_board_new_from_name("focbox", &error);
	g_assert_no_error(error);
	state = ub_sim_state_attach(board, path, &error);
	g_assert_no_error(error);
	g_assert_true(ub_sim_mcu_load_flash(ub_sim_board_get_mcu(board), 0x080e0000, mark,
	                                    &error));
	ub_sim_mcu_set_option_bytes(ub_sim_board_get_mcu(board), 0x0ffe55ed);
	ub_sim_clock_advance(ub_sim_board_get_clock(board), 1000);
	before = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(board));

	/* nobody else gets the bench while this program has it */
	second = ub_sim_board_new_from_name("focbox", &error);
	busy = ub_sim_state_attach(second, path, &error);
	g_assert_null(busy);
	g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_BUSY);
	g_assert_nonnull(strstr(error->message, "pid"));
	g_clear_error(&error);

	/* written through at once: readable before the program lets go */
	file = ub_sim_state_read_flash(path, &optcr, &error);
	g_assert_no_error(error);
	g_assert_true(g_bytes_equal(file, before));
	g_assert_cmphex(optcr & 0xffff00, ==, 0xfe5500);
	g_clear_object(&state);
	g_clear_object(&board);

	again = ub_sim_board_new_from_name("focbox", &error);
	state = ub_sim_state_attach(again, path, &error);
	g_assert_no_error(error);
	after = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(again));
	g_assert_true(g_bytes_equal(after, before));
	g_assert_cmphex((ub_sim_mcu_get_option_bytes(ub_sim_board_get_mcu(again)) >> 8) & 0xff, ==,
	                0x55);

	/* a killed program's chip belongs to its bench */
	g_clear_object(&state);
	other = ub_sim_board_new_from_name("vesc6", &error);
	busy = ub_sim_state_attach(other, path, &error);
	g_assert_null(busy);
	g_assert_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID);
	g_assert_nonnull(strstr(error->message, "focbox"));
	g_clear_error(&error);
	state = ub_sim_state_attach(again, path, &error);
	g_assert_no_error(error);

	/* a program that ends normally leaves the state file, and no live copy */
	g_assert_true(ub_sim_state_save(state, &error));
	g_assert_no_error(error);
	g_assert_false(g_file_test(live, G_FILE_TEST_EXISTS));
	g_clear_pointer(&file, g_bytes_unref);
	file = ub_sim_state_read_flash(path, &optcr, &error);
	g_assert_no_error(error);
	g_assert_true(g_bytes_equal(file, before));
	g_assert_cmphex((optcr >> 8) & 0xff, ==, 0x55);
	g_clear_object(&state);
	g_unlink(path);
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/faults/parse", test_parse);
	g_test_add_func("/sim/faults/state", test_state);
	g_test_add("/sim/faults/unplug", Fixture, NULL, fixture_setup, test_unplug,
	           fixture_teardown);
	g_test_add("/sim/faults/power", Fixture, NULL, fixture_setup, test_power, fixture_teardown);
	g_test_add("/sim/faults/nrst", Fixture, NULL, fixture_setup, test_nrst, fixture_teardown);
	g_test_add("/sim/faults/wait", Fixture, NULL, fixture_setup, test_wait, fixture_teardown);
	g_test_add("/sim/faults/noise", Fixture, NULL, fixture_setup, test_noise, fixture_teardown);
	g_test_add("/sim/faults/usb-stall", Fixture, NULL, fixture_setup, test_usb_stall,
	           fixture_teardown);
	return g_test_run();
}
