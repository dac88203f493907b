/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-board-db.h"
#include "ub-probe-db.h"
#include "ub-wiring-plan.h"

typedef struct {
	UbBoardDb *boards;
	UbProbeDb *probes;
} Fixture;

static void
fixture_setup(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	fixture->boards = ub_board_db_new();
	fixture->probes = ub_probe_db_new();
	g_assert_true(ub_board_db_load(fixture->boards, &error));
	g_assert_true(ub_probe_db_load(fixture->probes, &error));
}

static void
fixture_teardown(Fixture *fixture, gconstpointer user_data)
{
	g_object_unref(fixture->boards);
	g_object_unref(fixture->probes);
}

static UbWiringPlan *
plan_for(Fixture *fixture, const gchar *board_id, const gchar *probe_id)
{
	UbBoard *board = ub_board_db_lookup(fixture->boards, board_id);
	UbProbeModel *probe = ub_probe_db_lookup(fixture->probes, probe_id);

	g_assert_nonnull(board);
	g_assert_nonnull(probe);
	return ub_wiring_plan_new(board, probe);
}

/* expected wire: probe signal, probe pin, board pin, required */
typedef struct {
	UbSignal signal;
	guint probe_pin;
	guint board_pin;
	UbWireUse use;
} Expected;

static void
assert_wires(UbWiringPlan *plan, const Expected *expected, guint n_expected)
{
	g_autofree gchar *text = ub_wiring_plan_to_text(plan);

	g_test_message("%s", text);
	g_assert_cmpuint(ub_wiring_plan_get_n_wires(plan), ==, n_expected);
	for (guint i = 0; i < n_expected; i++) {
		const UbWire *wire = ub_wiring_plan_get_wire(plan, i);
		g_assert_cmpstr(ub_signal_to_string(wire->probe_signal), ==,
		                ub_signal_to_string(expected[i].signal));
		g_assert_cmpuint(wire->probe_pin, ==, expected[i].probe_pin);
		g_assert_cmpuint(wire->board_pin, ==, expected[i].board_pin);
		g_assert_cmpint(wire->use, ==, expected[i].use);
		g_assert_nonnull(wire->colour);
	}
}

/* the forum thread's set-up: a FOCBOX and a cheap clone */
static void
test_focbox_clone(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbWiringPlan) plan = plan_for(fixture, "focbox", "stlink-v2-clone-a");
	const Expected expected[] = {
	        {UB_SIGNAL_GND, 3, 3, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_SWDIO, 2, 4, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_SWCLK, 6, 2, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_3V3, 7, 1, UB_WIRE_OPTIONAL},
	};
	UbWiringNote notes = ub_wiring_plan_get_notes(plan);
	const UbWire *supply = ub_wiring_plan_find_wire(plan, UB_SIGNAL_3V3);
	g_autofree gchar *reset = NULL;

	assert_wires(plan, expected, G_N_ELEMENTS(expected));
	/* the clone's 3.3V is a supply: only with the battery off */
	g_assert_cmpint(supply->when, ==, UB_WIRE_WHEN_NO_OTHER_POWER);
	g_assert_true(supply->warnings & UB_WIRE_WARNING_BACKFEED);
	/* its RST pin does nothing, so no NRST wire and a hand-reset note naming pin 7 */
	g_assert_null(ub_wiring_plan_find_wire(plan, UB_SIGNAL_NRST));
	g_assert_true(notes & UB_WIRING_NOTE_RESET_BY_HAND);
	reset = ub_wiring_plan_describe_note(plan, UB_WIRING_NOTE_RESET_BY_HAND);
	g_assert_nonnull(strstr(reset, "MCU pin 7"));
	g_assert_true(notes & UB_WIRING_NOTE_SOLDER_HEADER);
	g_assert_true(notes & UB_WIRING_NOTE_CHECK_BOARD_PINOUT);
	g_assert_true(notes & UB_WIRING_NOTE_VOLTAGE_OWN_RAIL);
	g_assert_true(notes & UB_WIRING_NOTE_CHECK_PROBE_LABELS);
	g_assert_false(notes & UB_WIRING_NOTE_PROBE_POWERS_BOARD);
	/* the FOCBOX pad order is a guess: every wire says so */
	for (guint i = 0; i < ub_wiring_plan_get_n_wires(plan); i++)
		g_assert_true(ub_wiring_plan_get_wire(plan, i)->warnings &
		              UB_WIRE_WARNING_UNCONFIRMED_PIN);
}

/* CMSIS-DAP probes: three wires, no voltage sense (the person checks the power); the Debug
 * Probe has no reset pin at all, a Pico's GP1 and a DAPLink's nRESET can be wired to NRST */
static void
test_focbox_cmsis_dap(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbWiringPlan) debug_probe = plan_for(fixture, "focbox", "raspberry-pi-debug-probe");
	g_autoptr(UbWiringPlan) pico = plan_for(fixture, "focbox", "pico-debugprobe");
	g_autoptr(UbWiringPlan) daplink = plan_for(fixture, "vesc-6", "daplink-10pin");
	const Expected expected_debug_probe[] = {
	        {UB_SIGNAL_GND, 2, 3, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_SWDIO, 3, 4, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_SWCLK, 1, 2, UB_WIRE_REQUIRED},
	};
	const Expected expected_pico[] = {
	        {UB_SIGNAL_GND, 3, 3, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_SWDIO, 5, 4, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_SWCLK, 4, 2, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_NRST, 2, 5, UB_WIRE_OPTIONAL},
	};
	g_autofree gchar *reset = NULL;

	assert_wires(debug_probe, expected_debug_probe, G_N_ELEMENTS(expected_debug_probe));
	g_assert_true(ub_wiring_plan_get_notes(debug_probe) & UB_WIRING_NOTE_NO_VOLTAGE_SENSE);
	g_assert_true(ub_wiring_plan_get_notes(debug_probe) & UB_WIRING_NOTE_RESET_BY_HAND);
	reset = ub_wiring_plan_describe_note(debug_probe, UB_WIRING_NOTE_RESET_BY_HAND);
	g_assert_nonnull(strstr(reset, "no reset pin"));
	g_assert_nonnull(strstr(reset, "MCU pin 7"));
	g_assert_false(ub_wiring_plan_get_notes(debug_probe) & UB_WIRING_NOTE_VOLTAGE_OWN_RAIL);

	assert_wires(pico, expected_pico, G_N_ELEMENTS(expected_pico));
	g_assert_cmpint(ub_wiring_plan_find_wire(pico, UB_SIGNAL_NRST)->when, ==,
	                UB_WIRE_WHEN_RESET);
	g_assert_true(ub_wiring_plan_get_notes(pico) & UB_WIRING_NOTE_NO_VOLTAGE_SENSE);
	g_assert_false(ub_wiring_plan_get_notes(pico) & UB_WIRING_NOTE_RESET_BY_HAND);

	/* the DAPLink's pin 1 (VTref, often the probe's own 3.3 V) is not wired */
	g_assert_null(ub_wiring_plan_find_wire(daplink, UB_SIGNAL_3V3));
	g_assert_null(ub_wiring_plan_find_wire(daplink, UB_SIGNAL_VTREF));
	g_assert_nonnull(ub_wiring_plan_find_wire(daplink, UB_SIGNAL_NRST));
	g_assert_true(ub_wiring_plan_get_notes(daplink) & UB_WIRING_NOTE_CHECK_PROBE_LABELS);
}

/* story 4: a genuine V2 needs 4 wires, the sense wire to the board's 3.3 V */
static void
test_vesc412_genuine(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbWiringPlan) plan = plan_for(fixture, "vesc-4.12", "stlink-v2");
	const Expected expected[] = {
	        {UB_SIGNAL_GND, 4, 3, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_VTREF, 1, 1, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_SWDIO, 7, 4, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_SWCLK, 9, 2, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_NRST, 15, 5, UB_WIRE_OPTIONAL},
	};
	UbWiringNote notes = ub_wiring_plan_get_notes(plan);

	assert_wires(plan, expected, G_N_ELEMENTS(expected));
	g_assert_cmpuint(ub_wiring_plan_count_required(plan), ==, 4);
	g_assert_cmpint(ub_wiring_plan_find_wire(plan, UB_SIGNAL_VTREF)->board_signal, ==,
	                UB_SIGNAL_3V3);
	/* a sense wire is no supply: no back-feed warning */
	g_assert_cmpint(ub_wiring_plan_find_wire(plan, UB_SIGNAL_VTREF)->warnings, ==,
	                UB_WIRE_WARNING_NONE);
	g_assert_false(notes & UB_WIRING_NOTE_RESET_BY_HAND);
	g_assert_false(notes & UB_WIRING_NOTE_CHECK_BOARD_PINOUT);
	g_assert_false(notes & UB_WIRING_NOTE_SOLDER_HEADER);
	g_assert_true(notes & UB_WIRING_NOTE_EXTERNAL_POWER);
}

/* story 4: "a V1 marked as V2 needs all 6" */
static void
test_vesc412_v1_marked(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbWiringPlan) plan = plan_for(fixture, "vesc-4.12", "stlink-v1-marked-clone");
	const Expected expected[] = {
	        {UB_SIGNAL_GND, 4, 3, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_GND, 7, 3, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_3V3, 5, 1, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_SWDIO, 2, 4, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_SWCLK, 3, 2, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_NRST, 1, 5, UB_WIRE_REQUIRED},
	};
	UbWiringNote notes = ub_wiring_plan_get_notes(plan);

	assert_wires(plan, expected, G_N_ELEMENTS(expected));
	g_assert_cmpuint(ub_wiring_plan_count_required(plan), ==, 6);
	g_assert_true(ub_wiring_plan_get_wire(plan, 1)->warnings & UB_WIRE_WARNING_SHARED_PIN);
	g_assert_true(ub_wiring_plan_find_wire(plan, UB_SIGNAL_NRST)->warnings &
	              UB_WIRE_WARNING_RESET_UNKNOWN);
	g_assert_true(notes & UB_WIRING_NOTE_PROBE_POWERS_BOARD);
	g_assert_false(notes & UB_WIRING_NOTE_EXTERNAL_POWER);
}

static void
test_vesc6_nucleo(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbWiringPlan) plan = plan_for(fixture, "vesc-6", "nucleo-stlink-v2-1");
	const Expected expected[] = {
	        {UB_SIGNAL_GND, 3, 4, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_VTREF, 1, 6, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_SWDIO, 4, 3, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_SWCLK, 2, 5, UB_WIRE_REQUIRED},
	        {UB_SIGNAL_NRST, 5, 2, UB_WIRE_OPTIONAL},
	};

	assert_wires(plan, expected, G_N_ELEMENTS(expected));
	g_assert_true(ub_wiring_plan_get_notes(plan) & UB_WIRING_NOTE_LEAVE_5V_FREE);
	/* no wire may ever land on the +5V pin */
	for (guint i = 0; i < ub_wiring_plan_get_n_wires(plan); i++)
		g_assert_cmpint(ub_wiring_plan_get_wire(plan, i)->board_signal, !=, UB_SIGNAL_5V);
}

/* the Unity browns out on a probe's 3.3 V */
static void
test_unity_clone_supply(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbWiringPlan) plan = plan_for(fixture, "focbox-unity", "stlink-v2-clone-b");
	const UbWire *supply = ub_wiring_plan_find_wire(plan, UB_SIGNAL_3V3);

	g_assert_nonnull(supply);
	g_assert_true(supply->warnings & UB_WIRE_WARNING_BROWNOUT);
	g_assert_true(supply->warnings & UB_WIRE_WARNING_BACKFEED);
	/* variant B: SWCLK on pin 2, SWDIO on pin 4 */
	g_assert_cmpuint(ub_wiring_plan_find_wire(plan, UB_SIGNAL_SWCLK)->probe_pin, ==, 2);
	g_assert_cmpuint(ub_wiring_plan_find_wire(plan, UB_SIGNAL_SWDIO)->probe_pin, ==, 4);
}

/* every pair gives a plan whose wires join matching signals on real pins */
static void
test_all_pairs(Fixture *fixture, gconstpointer user_data)
{
	GPtrArray *boards = ub_board_db_get_all(fixture->boards);
	GPtrArray *probes = ub_probe_db_get_all(fixture->probes);

	for (guint b = 0; b < boards->len; b++) {
		for (guint p = 0; p < probes->len; p++) {
			UbBoard *board = g_ptr_array_index(boards, b);
			UbProbeModel *probe = g_ptr_array_index(probes, p);
			g_autoptr(UbWiringPlan) plan = ub_wiring_plan_new(board, probe);
			guint n_required = 0;

			ub_probe_model_get_required_wires(probe, &n_required);
			g_assert_cmpuint(ub_wiring_plan_count_required(plan), ==, n_required);
			for (guint i = 0; i < ub_wiring_plan_get_n_wires(plan); i++) {
				const UbWire *wire = ub_wiring_plan_get_wire(plan, i);
				const UbPin *bp = ub_pin_header_get_pin(ub_board_get_header(board),
				                                        wire->board_pin);
				const UbPin *pp = ub_pin_header_get_pin(
				        ub_probe_model_get_header(probe), wire->probe_pin);
				g_assert_nonnull(bp);
				g_assert_nonnull(pp);
				g_assert_cmpint(bp->signal, ==, wire->board_signal);
				g_assert_cmpint(pp->signal, ==, wire->probe_signal);
				g_assert_cmpint(wire->board_signal, !=, UB_SIGNAL_5V);
				g_assert_cmpint(wire->board_signal, !=, UB_SIGNAL_NC);
				if (wire->probe_signal == UB_SIGNAL_VTREF ||
				    wire->probe_signal == UB_SIGNAL_3V3)
					g_assert_cmpint(wire->board_signal, ==, UB_SIGNAL_3V3);
				else
					g_assert_cmpint(wire->board_signal, ==, wire->probe_signal);
			}
		}
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/core/wiring-plan/focbox-clone", Fixture, NULL, fixture_setup,
	           test_focbox_clone, fixture_teardown);
	g_test_add("/core/wiring-plan/focbox-cmsis-dap", Fixture, NULL, fixture_setup,
	           test_focbox_cmsis_dap, fixture_teardown);
	g_test_add("/core/wiring-plan/vesc412-genuine", Fixture, NULL, fixture_setup,
	           test_vesc412_genuine, fixture_teardown);
	g_test_add("/core/wiring-plan/vesc412-v1-marked-all-six", Fixture, NULL, fixture_setup,
	           test_vesc412_v1_marked, fixture_teardown);
	g_test_add("/core/wiring-plan/vesc6-nucleo", Fixture, NULL, fixture_setup,
	           test_vesc6_nucleo, fixture_teardown);
	g_test_add("/core/wiring-plan/unity-clone-supply", Fixture, NULL, fixture_setup,
	           test_unity_clone_supply, fixture_teardown);
	g_test_add("/core/wiring-plan/all-pairs", Fixture, NULL, fixture_setup, test_all_pairs,
	           fixture_teardown);
	return g_test_run();
}
