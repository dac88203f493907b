/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimLink: each wiring state shows the symptoms a real probe would see, observed through
 * the ST-LINK model's commands (voltage, ENTER status, NRST effect on DHCSR.S_RESET_ST).
 */
#include "config.h"

#include "sim-probe-helpers.h"
#include "ub-sim-firmware.h"


#define DHCSR 0xE000EDF0u
#define S_RESET_ST (1u << 25)

static void
test_wiring_names(void)
{
	UbSimWiring wiring = UB_SIM_WIRING_GOOD;
	const UbSimWiring all[] = {UB_SIM_WIRING_GOOD,
	                           UB_SIM_WIRING_UNPOWERED,
	                           UB_SIM_WIRING_NO_GND,
	                           UB_SIM_WIRING_SWAPPED,
	                           UB_SIM_WIRING_RST_NOT_CONNECTED,
	                           UB_SIM_WIRING_NRST_STUCK_LOW};

	for (guint i = 0; i < G_N_ELEMENTS(all); i++) {
		const char *name = ub_sim_wiring_to_string(all[i]);
		g_assert_nonnull(name);
		g_assert_true(ub_sim_wiring_from_string(name, &wiring));
		g_assert_cmpint(wiring, ==, all[i]);
	}
	g_assert_cmpstr(ub_sim_wiring_to_string(UB_SIM_WIRING_NO_GND), ==, "no-gnd");
	g_assert_false(ub_sim_wiring_from_string("loose", &wiring));
	g_assert_false(ub_sim_wiring_from_string(NULL, &wiring));
}

static void
test_good(void)
{
	guint32 value = 0;
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmpuint(host_voltage_mv(b.stlink), ==, 3300);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	g_assert_cmphex(host_read32(b.stlink, 0xE000ED00, &value), ==, 0x80);
	g_assert_cmphex(value, ==, 0x410FC241);
	bench_clear(&b);
}

static void
test_unpowered(void)
{
	guint32 value = 0xAAAA;
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	ub_sim_link_set_wiring(b.link, UB_SIM_WIRING_UNPOWERED);
	g_assert_false(ub_sim_mcu_get_powered(b.mcu));
	/* a genuine probe senses ~0 V; the DP is dead */
	g_assert_cmpuint(host_voltage_mv(b.stlink), ==, 0);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x09);
	/* the pull-up reads all ones, no ACK */
	g_assert_cmpint(ub_sim_link_transfer(b.link, 1800, FALSE, TRUE, 0x0, &value), ==,
	                UB_SIM_ACK_NONE);
	g_assert_cmphex(value, ==, 0xFFFFFFFF);
	/* a clone reports its own rail even so: the reading proves nothing */
	ub_sim_stlink_set_clone_voltage_mv(b.stlink, 3190);
	g_assert_cmpuint(host_voltage_mv(b.stlink), ==, 3190);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x09);
	/* power comes back: a power-on reset, then everything works */
	ub_sim_link_set_wiring(b.link, UB_SIM_WIRING_GOOD);
	g_assert_true(ub_sim_mcu_get_powered(b.mcu));
	g_assert_cmpint(ub_sim_mcu_get_last_reset(b.mcu), ==, UB_SIM_RESET_POWER_ON);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	bench_clear(&b);
}

static void
test_no_gnd(void)
{
	guint mv;
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	ub_sim_link_set_wiring(b.link, UB_SIM_WIRING_NO_GND);
	/* a wrong, low reading although the board is powered */
	mv = host_voltage_mv(b.stlink);
	g_assert_cmpuint(mv, >, 0);
	g_assert_cmpuint(mv, <, 2700);
	/* noise on SWDIO: never a valid ACK */
	for (guint i = 0; i < 200; i++) {
		guint32 value = 0;
		UbSimAck ack = ub_sim_link_transfer(b.link, 1800, FALSE, TRUE, 0x0, &value);
		g_assert_cmpint(ack, !=, UB_SIM_ACK_OK);
		g_assert_cmpint(ack, !=, UB_SIM_ACK_WAIT);
		g_assert_cmpint(ack, !=, UB_SIM_ACK_FAULT);
	}
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x09);
	/* without a common ground the probe's NRST level means nothing */
	host_drive_nrst(b.stlink, 0x00);
	g_assert_false(ub_sim_link_get_nrst_low(b.link));
	bench_clear(&b);
}

static void
test_swapped(void)
{
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	ub_sim_link_set_wiring(b.link, UB_SIM_WIRING_SWAPPED);
	/* the supply is fine, SWD is not */
	g_assert_cmpuint(host_voltage_mv(b.stlink), ==, 3300);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x09);
	/* NRST is its own wire and still works */
	host_drive_nrst(b.stlink, 0x00);
	g_assert_true(ub_sim_mcu_get_in_reset(b.mcu));
	host_drive_nrst(b.stlink, 0x01);
	g_assert_false(ub_sim_mcu_get_in_reset(b.mcu));
	ub_sim_link_set_wiring(b.link, UB_SIM_WIRING_GOOD);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	bench_clear(&b);
}

/* DRIVE_NRST low, then what DHCSR says: the test stlink-org does ("NRST is not connected") */
static gboolean
nrst_reaches_target(UbSimStlink *stlink)
{
	guint32 dhcsr = 0;
	gboolean seen;

	g_assert_cmphex(host_enter_swd(stlink), ==, 0x80);
	/* reading clears the sticky power-on S_RESET_ST */
	g_assert_cmphex(host_read32(stlink, DHCSR, &dhcsr), ==, 0x80);
	g_assert_cmphex(host_read32(stlink, DHCSR, &dhcsr), ==, 0x80);
	g_assert_cmphex(dhcsr & S_RESET_ST, ==, 0);
	g_assert_cmphex(host_drive_nrst(stlink, 0x00), ==, 0x80);
	/* the debug domain keeps answering under reset */
	g_assert_cmphex(host_read32(stlink, DHCSR, &dhcsr), ==, 0x80);
	seen = (dhcsr & S_RESET_ST) != 0;
	g_assert_cmphex(host_drive_nrst(stlink, 0x01), ==, 0x80);
	return seen;
}

static void
test_rst_wired_vs_not(void)
{
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_true(nrst_reaches_target(b.stlink));
	g_assert_cmpint(ub_sim_mcu_get_last_reset(b.mcu), ==, UB_SIM_RESET_PIN);
	bench_clear(&b);

	/* the common clone: RST on the header reaches nothing */
	bench_init(&b, UB_SIM_STLINK_V2);
	ub_sim_link_set_probe_rst_wired(b.link, FALSE);
	g_assert_false(nrst_reaches_target(b.stlink));
	g_assert_cmpint(ub_sim_mcu_get_last_reset(b.mcu), ==, UB_SIM_RESET_POWER_ON);
	bench_clear(&b);

	/* or the wire is simply missing */
	bench_init(&b, UB_SIM_STLINK_V2);
	ub_sim_link_set_wiring(b.link, UB_SIM_WIRING_RST_NOT_CONNECTED);
	g_assert_cmpuint(host_voltage_mv(b.stlink), ==, 3300);
	g_assert_false(nrst_reaches_target(b.stlink));
	bench_clear(&b);
}

static void
test_resetsys_is_an_nrst_pulse(void)
{
	const guint8 resetsys[] = {0xF2, 0x32};
	guint8 reply[2];
	guint32 dhcsr = 0;
	Bench b;

	/* Doubt 3: RESETSYS behaves like an NRST pulse, so on a clone it does nothing */
	bench_init(&b, UB_SIM_STLINK_V2);
	ub_sim_link_set_probe_rst_wired(b.link, FALSE);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	g_assert_cmphex(host_read32(b.stlink, DHCSR, &dhcsr), ==, 0x80);
	g_assert_cmpint(host_command(b.stlink, resetsys, 2, reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x80);
	g_assert_cmphex(host_read32(b.stlink, DHCSR, &dhcsr), ==, 0x80);
	g_assert_cmphex(dhcsr & S_RESET_ST, ==, 0);
	bench_clear(&b);

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	g_assert_cmphex(host_read32(b.stlink, DHCSR, &dhcsr), ==, 0x80);
	g_assert_cmpint(host_command(b.stlink, resetsys, 2, reply, 2), ==, 2);
	g_assert_cmphex(host_read32(b.stlink, DHCSR, &dhcsr), ==, 0x80);
	g_assert_cmphex(dhcsr & S_RESET_ST, !=, 0);
	g_assert_cmpint(ub_sim_mcu_get_last_reset(b.mcu), ==, UB_SIM_RESET_PIN);
	g_assert_false(ub_sim_mcu_get_in_reset(b.mcu));

	/* configured the other way it is a SYSRESETREQ through the AP */
	ub_sim_stlink_set_resetsys_pulses_nrst(b.stlink, FALSE);
	ub_sim_link_set_probe_rst_wired(b.link, FALSE);
	g_assert_cmpint(host_command(b.stlink, resetsys, 2, reply, 2), ==, 2);
	g_assert_cmpint(ub_sim_mcu_get_last_reset(b.mcu), ==, UB_SIM_RESET_SOFTWARE);
	bench_clear(&b);
}

static void
test_nrst_stuck_low(void)
{
	guint32 dhcsr = 0;
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	ub_sim_link_set_wiring(b.link, UB_SIM_WIRING_NRST_STUCK_LOW);
	g_assert_true(ub_sim_mcu_get_in_reset(b.mcu));
	g_assert_cmpuint(host_voltage_mv(b.stlink), ==, 3300);
	/* the DP answers under reset */
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	/* the probe releasing its own NRST does not release the board's */
	g_assert_cmphex(host_drive_nrst(b.stlink, 0x01), ==, 0x80);
	g_assert_true(ub_sim_mcu_get_in_reset(b.mcu));
	/* S_RESET_ST stays set however often it is read */
	for (guint i = 0; i < 3; i++) {
		g_assert_cmphex(host_read32(b.stlink, DHCSR, &dhcsr), ==, 0x80);
		g_assert_cmphex(dhcsr & S_RESET_ST, !=, 0);
	}
	bench_clear(&b);
}

static void
test_hand_on_nrst(void)
{
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	ub_sim_link_set_probe_rst_wired(b.link, FALSE);
	ub_sim_link_hold_nrst(b.link, TRUE);
	g_assert_true(ub_sim_link_get_nrst_low(b.link));
	g_assert_true(ub_sim_mcu_get_in_reset(b.mcu));
	/* open drain: the probe driving high does not override a short to GND */
	host_drive_nrst(b.stlink, 0x01);
	g_assert_true(ub_sim_mcu_get_in_reset(b.mcu));
	ub_sim_link_hold_nrst(b.link, FALSE);
	g_assert_false(ub_sim_mcu_get_in_reset(b.mcu));
	g_assert_cmpint(ub_sim_mcu_get_last_reset(b.mcu), ==, UB_SIM_RESET_PIN);
	bench_clear(&b);
}

static void
test_target_side_silence(void)
{
	guint32 value = 0;
	Bench b;

	/* a dead chip: powered and wired, the DP never answers */
	bench_init(&b, UB_SIM_STLINK_V2);
	ub_sim_mcu_set_dead(b.mcu, TRUE);
	g_assert_cmpuint(host_voltage_mv(b.stlink), ==, 3300);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x09);
	host_drive_nrst(b.stlink, 0x00);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x09);
	host_drive_nrst(b.stlink, 0x01);
	bench_clear(&b);

	/* firmware repurposes PA13/PA14 after running a while; checked on every transaction */
	bench_init(&b, UB_SIM_STLINK_V2);
	{
		g_autoptr(GBytes) image = ub_sim_firmware_lookup("repurpose-swd");
		g_assert_true(ub_sim_mcu_load_flash(b.mcu, 0x08000000, image, NULL));
		ub_sim_mcu_set_powered(b.mcu, FALSE);
		ub_sim_mcu_set_powered(b.mcu, TRUE);
	}
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	for (guint i = 0; i < 10; i++)
		host_read32(b.stlink, 0x20000000, &value);
	g_assert_false(ub_sim_mcu_swd_pins_connected(b.mcu));
	g_assert_cmphex(host_read32(b.stlink, 0x20000000, &value), ==, 0x12);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x09);
	/* holding NRST gives the pins back to SWD */
	ub_sim_link_hold_nrst(b.link, TRUE);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	ub_sim_link_hold_nrst(b.link, FALSE);
	bench_clear(&b);
}

/* long wires: clean up to max_clean_khz, then failures that grow with the clock; a failed
 * transfer is not acted on (the target saw no valid request) */
static guint
count_failures(Bench *b, guint khz, guint n)
{
	guint failures = 0;

	for (guint i = 0; i < n; i++) {
		guint32 value = 0;
		UbSimAck ack = ub_sim_link_transfer(b->link, khz, FALSE, TRUE, 0x0, &value);
		if (ack != UB_SIM_ACK_OK) {
			g_assert_cmpint(ack, ==, UB_SIM_ACK_NONE);
			failures++;
			continue;
		}
		g_assert_cmphex(value, ==, 0x2BA01477);
	}
	return failures;
}

static void
test_marginal(void)
{
	guint at_950;
	guint at_1200;
	guint at_1800;
	guint at_4000;
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	/* without a limit every clock is clean */
	g_assert_cmpuint(count_failures(&b, 24000, 20000), ==, 0);
	ub_sim_link_set_max_clean_khz(b.link, 950);
	at_950 = count_failures(&b, 950, 20000);
	at_1200 = count_failures(&b, 1200, 20000);
	at_1800 = count_failures(&b, 1800, 20000);
	at_4000 = count_failures(&b, 4000, 20000);
	g_assert_cmpuint(at_950, ==, 0);
	g_assert_cmpuint(at_1200, >, 0);
	g_assert_cmpuint(at_1800, >, at_1200);
	g_assert_cmpuint(at_4000, >, at_1800);
	/* about the rates of the model (0.12 %, 0.5 %, 3.3 %), not a hard-coded count */
	g_assert_cmpuint(at_4000, >, 20000 / 100);
	g_assert_cmpuint(at_4000, <, 20000 / 10);
	g_assert_cmpuint(ub_sim_link_get_corrupted(b.link), ==, at_1200 + at_1800 + at_4000);
	bench_clear(&b);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/link/wiring-names", test_wiring_names);
	g_test_add_func("/sim/link/good", test_good);
	g_test_add_func("/sim/link/unpowered", test_unpowered);
	g_test_add_func("/sim/link/no-gnd", test_no_gnd);
	g_test_add_func("/sim/link/swapped", test_swapped);
	g_test_add_func("/sim/link/rst-wired-vs-not", test_rst_wired_vs_not);
	g_test_add_func("/sim/link/resetsys-is-an-nrst-pulse", test_resetsys_is_an_nrst_pulse);
	g_test_add_func("/sim/link/nrst-stuck-low", test_nrst_stuck_low);
	g_test_add_func("/sim/link/hand-on-nrst", test_hand_on_nrst);
	g_test_add_func("/sim/link/target-side-silence", test_target_side_silence);
	g_test_add_func("/sim/link/marginal", test_marginal);
	return g_test_run();
}
