/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimBoard: every shipped bench loads and behaves as its description says, malformed files
 * are refused naming file and field, the report adds up, and a real VESC image survives a
 * 1 MiB read through the probe model byte for byte.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sim-probe-helpers.h"
#include "ub-board-db.h"
#include "ub-error.h"
#include "ub-probe-db.h"
#include "ub-sim-firmware.h"
#include "ub-test-firmware.h"


static const char *const shipped[] = {
        "focbox",
        "focbox-bricked",
        "focbox-bricked-genuine",
        "focbox-blank",
        "focbox-unpowered",
        "focbox-no-gnd",
        "focbox-swapped",
        "focbox-nrst-stuck",
        "focbox-rdp1",
        "focbox-dead",
        "focbox-clone",
        "focbox-deep-sleep",
        "focbox-watchdog",
        "focbox-dma",
        "vesc6",
        "nucleo",
};

static void
test_all_load(void)
{
	g_auto(GStrv) names = ub_sim_board_list_names();
	g_autoptr(UbBoardDb) boards = ub_board_db_new();
	g_autoptr(UbProbeDb) probes = ub_probe_db_new();
	g_autoptr(GError) db_error = NULL;

	g_assert_true(ub_board_db_load(boards, &db_error));
	g_assert_true(ub_probe_db_load(probes, &db_error));
	for (guint i = 0; i < G_N_ELEMENTS(shipped); i++)
		g_assert_true(g_strv_contains((const char *const *)names, shipped[i]));
	for (guint i = 0; names[i] != NULL; i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(UbSimBoard) board = ub_sim_board_new_from_name(names[i], &error);

		g_assert_no_error(error);
		g_assert_nonnull(board);
		g_assert_cmpstr(ub_sim_board_get_name(board), ==, names[i]);
		g_assert_cmpuint(strlen(ub_sim_board_get_description(board)), >, 10);
		g_assert_nonnull(ub_sim_board_get_clock(board));
		g_assert_nonnull(ub_sim_board_get_mcu(board));
		g_assert_true(ub_sim_probe_get_link(ub_sim_board_get_probe(board)) ==
		              ub_sim_board_get_link(board));
		/* the bench says what it is in the databases' words, so the demo can choose it */
		g_assert_nonnull(ub_board_db_lookup(boards, ub_sim_board_get_board_id(board)));
		g_assert_nonnull(ub_probe_db_lookup(probes, ub_sim_board_get_probe_model_id(board)));
	}
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(UbSimBoard) bench = ub_sim_board_new_from_name("focbox-bricked", &error);
		UbProbeInfo *info;

		g_assert_no_error(error);
		g_assert_cmpstr(ub_sim_board_get_board_id(bench), ==, "focbox");
		g_assert_cmpstr(ub_sim_board_get_probe_model_id(bench), ==, "stlink-v2-clone-a");
		/* and the model is one its USB identity allows */
		info = ub_sim_board_new_probe_info(bench);
		g_assert_true(ub_probe_model_matches_usb(
		        ub_probe_db_lookup(probes, ub_sim_board_get_probe_model_id(bench)),
		        ub_probe_info_get_vendor_id(info), ub_probe_info_get_product_id(info)));
		g_object_unref(info);
	}
}

static gboolean
contains(GBytes *haystack, const char *needle)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(haystack, &len);
	gsize n = strlen(needle) + 1; /* with its NUL, as the identification reads it */

	for (gsize i = 0; i + n <= len; i++) {
		if (memcmp(data + i, needle, n) == 0)
			return TRUE;
	}
	return FALSE;
}

static void
test_generated_images(void)
{
	const char *const names[] = {"demo-410", "demo-60", "repurpose-swd", "deep-sleep",
	                             "dma-adc"};
	g_autoptr(GBytes) missing = ub_sim_firmware_lookup("nope");

	g_assert_null(missing);
	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autoptr(GBytes) image = ub_sim_firmware_lookup(names[i]);
		const guint8 *data;
		gsize len = 0;

		g_assert_nonnull(image);
		data = g_bytes_get_data(image, &len);
		/* VESC archive layout: SP 0x20000800, reset 0x0800C001, gap in sectors 1-2 */
		g_assert_cmphex(get_le32(data), ==, 0x20000800);
		g_assert_cmphex(get_le32(data + 4), ==, 0x0800C001);
		g_assert_cmpuint(len, >, 0xC000);
		g_assert_cmpuint(len, <, 0x10000);
		for (gsize off = 0x4000; off < 0xC000; off++)
			g_assert_cmphex(data[off], ==, 0xFF);
		g_assert_true(contains(image, "unbrick-demo-fw 1.0"));
	}
	{
		g_autoptr(GBytes) image = ub_sim_firmware_lookup("demo-60");
		g_assert_true(contains(image, "org.vesc.60"));
		g_assert_false(contains(image, "org.vesc.410"));
	}
	{
		g_autoptr(GBytes) image = ub_sim_firmware_lookup("repurpose-swd");
		g_assert_true(contains(image, "org.vesc.410"));
	}
	{
		g_autoptr(GBytes) image = ub_sim_firmware_lookup("dma-adc");
		g_assert_true(contains(image, "org.vesc.410"));
	}
}

static UbSimBoard *
load(const char *name)
{
	g_autoptr(GError) error = NULL;
	UbSimBoard *board = ub_sim_board_new_from_name(name, &error);

	g_assert_no_error(error);
	g_assert_nonnull(board);
	return board;
}

static void
test_focbox(void)
{
	g_autoptr(UbSimBoard) board = load("focbox");
	g_autoptr(UbSimBoard) again = load("focbox");
	g_autoptr(GBytes) flash = NULL;
	UbSimStlink *stlink = ub_sim_board_get_stlink(board);
	const UbSimUsbIdentity *id = ub_sim_stlink_get_identity(stlink);
	guint32 value = 0;

	g_assert_cmphex(id->product_id, ==, 0x3748);
	g_assert_cmpstr(ub_sim_board_get_probe_name(board), ==, "stlink-v2");
	/* the serial is stable per bench */
	g_assert_cmpstr(id->serial, ==,
	                ub_sim_stlink_get_identity(ub_sim_board_get_stlink(again))->serial);
	g_assert_cmpuint(host_voltage_mv(stlink), ==, 3300);
	g_assert_cmphex(host_enter_swd(stlink), ==, 0x80);
	g_assert_cmphex(host_read32(stlink, 0x08000004, &value), ==, 0x80);
	g_assert_cmphex(value, ==, 0x0800C001);
	flash = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(board));
	g_assert_true(contains(flash, "org.vesc.410"));
	/* a genuine probe's NRST reaches the chip */
	g_assert_cmphex(host_drive_nrst(stlink, 0x00), ==, 0x80);
	g_assert_true(ub_sim_mcu_get_in_reset(ub_sim_board_get_mcu(board)));
	host_drive_nrst(stlink, 0x01);
}

static void
test_vesc6_and_nucleo(void)
{
	g_autoptr(UbSimBoard) vesc6 = load("vesc6");
	g_autoptr(UbSimBoard) nucleo = load("nucleo");
	g_autoptr(GBytes) flash = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(vesc6));
	const UbSimUsbIdentity *id = ub_sim_stlink_get_identity(ub_sim_board_get_stlink(nucleo));

	g_assert_true(contains(flash, "org.vesc.60"));
	g_assert_cmphex(id->product_id, ==, 0x374B);
	g_assert_cmphex(id->endpoint_out, ==, 0x01);
	g_assert_cmpint(ub_sim_stlink_get_kind(ub_sim_board_get_stlink(nucleo)), ==,
	                UB_SIM_STLINK_V2_1);
	g_assert_cmphex(host_enter_swd(ub_sim_board_get_stlink(nucleo)), ==, 0x80);
}

static void
test_bricked(void)
{
	g_autoptr(UbSimBoard) board = load("focbox-bricked");
	UbSimStlink *stlink = ub_sim_board_get_stlink(board);
	UbSimMcu *mcu = ub_sim_board_get_mcu(board);
	g_autoptr(GBytes) flash = ub_sim_mcu_dump_flash(mcu);

	g_assert_cmpstr(ub_sim_board_get_probe_name(board), ==, "stlink-v2-clone");
	g_assert_true(contains(flash, "org.vesc.410"));
	/* the clone reads its own rail */
	g_assert_cmpuint(host_voltage_mv(stlink), ==, 3190);
	/* and its RST goes nowhere */
	host_drive_nrst(stlink, 0x00);
	g_assert_false(ub_sim_mcu_get_in_reset(mcu));
	host_drive_nrst(stlink, 0x01);
#ifdef UB_TEST_FAKE_TARGET
	g_test_message("the stand-in target runs no code: the SWD pins stay connected");
#else
	/* the board has been running for a while: the firmware took PA13/PA14 long ago */
	g_assert_false(ub_sim_mcu_swd_pins_connected(mcu));
	g_assert_cmphex(host_enter_swd(stlink), ==, 0x09);
	/* a person shorting NRST brings the DP back */
	ub_sim_link_hold_nrst(ub_sim_board_get_link(board), TRUE);
	g_assert_cmphex(host_enter_swd(stlink), ==, 0x80);
#endif
}

static void
test_bricked_genuine(void)
{
	g_autoptr(UbSimBoard) board = load("focbox-bricked-genuine");
	UbSimStlink *stlink = ub_sim_board_get_stlink(board);

	g_assert_cmpuint(host_voltage_mv(stlink), ==, 3300);
	/* connect under reset: NRST low, the DP answers */
	host_drive_nrst(stlink, 0x00);
	g_assert_true(ub_sim_mcu_get_in_reset(ub_sim_board_get_mcu(board)));
	g_assert_cmphex(host_enter_swd(stlink), ==, 0x80);
	host_drive_nrst(stlink, 0x01);
}

static void
test_wiring_benches(void)
{
	struct {
		const char *name;
		guint min_mv, max_mv;
		guint8 enter;
	} cases[] = {
	        {"focbox-unpowered", 0, 0, 0x09},     {"focbox-no-gnd", 1, 2699, 0x09},
	        {"focbox-swapped", 3300, 3300, 0x09}, {"focbox-nrst-stuck", 3300, 3300, 0x80},
	        {"focbox-dead", 3300, 3300, 0x09},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(UbSimBoard) board = load(cases[i].name);
		UbSimStlink *stlink = ub_sim_board_get_stlink(board);
		guint mv = host_voltage_mv(stlink);

		g_test_message("%s: %u mV", cases[i].name, mv);
		g_assert_cmpuint(mv, >=, cases[i].min_mv);
		g_assert_cmpuint(mv, <=, cases[i].max_mv);
		g_assert_cmphex(host_enter_swd(stlink), ==, cases[i].enter);
	}
	{
		g_autoptr(UbSimBoard) board = load("focbox-nrst-stuck");
		g_assert_true(ub_sim_mcu_get_in_reset(ub_sim_board_get_mcu(board)));
	}
	{
		g_autoptr(UbSimBoard) board = load("focbox-unpowered");
		g_assert_false(ub_sim_mcu_get_powered(ub_sim_board_get_mcu(board)));
	}
}

static void
test_rdp1_and_blank(void)
{
	g_autoptr(UbSimBoard) rdp1 = load("focbox-rdp1");
	g_autoptr(UbSimBoard) blank = load("focbox-blank");
	UbSimStlink *stlink = ub_sim_board_get_stlink(rdp1);
	guint32 value = 0;

	g_assert_cmphex(host_enter_swd(stlink), ==, 0x80);
	/* flash faults, SRAM and the option register answer */
	g_assert_cmphex(host_read32(stlink, 0x08000000, &value), ==, 0x11);
	g_assert_cmphex(host_read32(stlink, 0x20000000, &value), ==, 0x80);
	g_assert_cmphex(host_read32(stlink, 0x40023C14, &value), ==, 0x80);
	g_assert_cmphex((value >> 8) & 0xFF, ==, 0x55);

	stlink = ub_sim_board_get_stlink(blank);
	g_assert_cmphex(host_enter_swd(stlink), ==, 0x80);
	g_assert_cmphex(host_read32(stlink, 0x08000000, &value), ==, 0x80);
	g_assert_cmphex(value, ==, 0xFFFFFFFF);
}

static char *
write_board(const char *dir, const char *name, const char *json)
{
	g_autofree char *filename = g_strconcat(name, ".json", NULL);
	char *path = g_build_filename(dir, filename, NULL);

	g_assert_true(g_file_set_contents(path, json, -1, NULL));
	return path;
}

/* a board has been running for a while when the probe arrives; a bench can say how long */
static void
test_powered_for(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-sim-board-XXXXXX", NULL);
	g_autofree char *path = write_board(dir, "fresh",
	                                    "{ \"name\": \"fresh\", \"powered_for_ms\": 0, "
	                                    "\"flash\": [ { \"image\": \"repurpose-swd\" } ] }");
	g_autoptr(GError) error = NULL;
	g_autoptr(UbSimBoard) fresh = ub_sim_board_new_from_file(path, &error);
	g_autoptr(UbSimBoard) settled = load("focbox-bricked");

	g_assert_no_error(error);
	g_assert_cmpuint(ub_sim_clock_get_ns(ub_sim_board_get_clock(settled)), >=,
	                 2000 * UB_SIM_NS_PER_MS);
	g_assert_false(ub_sim_mcu_swd_pins_connected(ub_sim_board_get_mcu(settled)));
	/* attached at power-on, the firmware has not taken the pins yet */
	g_assert_cmpuint(ub_sim_clock_get_ns(ub_sim_board_get_clock(fresh)), <,
	                 UB_SIM_NS_PER_MS);
	g_assert_true(ub_sim_mcu_swd_pins_connected(ub_sim_board_get_mcu(fresh)));
}

/* "takeover_ms" is the firmware's own delay before it takes the SWD pins */
static void
test_takeover_param(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-sim-board-XXXXXX", NULL);
	g_autofree char *path = write_board(
	        dir, "late",
	        "{ \"name\": \"late\", \"powered_for_ms\": 0, "
	        "\"flash\": [ { \"image\": \"repurpose-swd\", \"takeover_ms\": 50 } ] }");
	g_autoptr(GError) error = NULL;
	g_autoptr(UbSimBoard) board = ub_sim_board_new_from_file(path, &error);
	UbSimMcu *mcu;
	UbSimClock *clock;

	g_assert_no_error(error);
	mcu = ub_sim_board_get_mcu(board);
	clock = ub_sim_board_get_clock(board);
	ub_sim_clock_advance(clock, 45 * UB_SIM_NS_PER_MS);
	g_assert_true(ub_sim_mcu_swd_pins_connected(mcu));
	ub_sim_clock_advance(clock, 10 * UB_SIM_NS_PER_MS);
	g_assert_false(ub_sim_mcu_swd_pins_connected(mcu));
	/* and after every reset again */
	ub_sim_mcu_set_nrst_low(mcu, TRUE);
	ub_sim_mcu_set_nrst_low(mcu, FALSE);
	ub_sim_clock_advance(clock, 45 * UB_SIM_NS_PER_MS);
	g_assert_true(ub_sim_mcu_swd_pins_connected(mcu));
	ub_sim_clock_advance(clock, 10 * UB_SIM_NS_PER_MS);
	g_assert_false(ub_sim_mcu_swd_pins_connected(mcu));
}

static UbSimBoard *
board_from_json(const char *name, const char *json)
{
	g_autofree char *dir = g_dir_make_tmp("ub-sim-board-XXXXXX", NULL);
	g_autofree char *path = write_board(dir, name, json);
	g_autoptr(GError) error = NULL;
	UbSimBoard *board = ub_sim_board_new_from_file(path, &error);

	g_assert_no_error(error);
	return board;
}

/* reset-loop: watchdog on, a fault, lockup, a watchdog reset, and all over again */
static void
test_reset_loop(void)
{
	g_autoptr(UbSimBoard) board = board_from_json(
	        "loop", "{ \"name\": \"loop\", \"powered_for_ms\": 0, \"flash\": [ "
	                "{ \"image\": \"reset-loop\", \"watchdog_ms\": 100 } ] }");
	UbSimMcu *mcu = ub_sim_board_get_mcu(board);
	UbSimStlink *stlink = ub_sim_board_get_stlink(board);
	UbSimMcuStats before, after;
	guint32 dhcsr = 0;

	ub_sim_clock_advance(ub_sim_board_get_clock(board), 50 * UB_SIM_NS_PER_MS);
	/* locked up: the debug port still answers, and says so */
	g_assert_cmphex(host_enter_swd(stlink), ==, 0x80);
	g_assert_cmphex(host_read32(stlink, 0xE000EDF0, &dhcsr), ==, 0x80);
	g_assert_cmphex(dhcsr & (1u << 19), !=, 0); /* S_LOCKUP */
	ub_sim_mcu_get_stats(mcu, &before);
	ub_sim_clock_advance(ub_sim_board_get_clock(board), 1000 * UB_SIM_NS_PER_MS);
	ub_sim_mcu_get_stats(mcu, &after);
	/* about ten resets a second, each by the watchdog */
	g_assert_cmpuint(after.resets - before.resets, >=, 8);
	g_assert_cmpuint(after.resets - before.resets, <=, 11);
	g_assert_cmpint(ub_sim_mcu_get_last_reset(mcu), ==, UB_SIM_RESET_WATCHDOG);
}

/* watchdog-reset: runs normally, and the watchdog nobody reloads resets it periodically */
static void
test_watchdog_reset(void)
{
	g_autoptr(UbSimBoard) board = board_from_json(
	        "wdg", "{ \"name\": \"wdg\", \"powered_for_ms\": 0, \"flash\": [ "
	               "{ \"image\": \"watchdog-reset\", \"watchdog_ms\": 250 } ] }");
	UbSimMcu *mcu = ub_sim_board_get_mcu(board);
	UbSimMcuStats before, after;
	guint32 dhcsr = 0;

	ub_sim_mcu_get_stats(mcu, &before);
	ub_sim_clock_advance(ub_sim_board_get_clock(board), 1000 * UB_SIM_NS_PER_MS);
	ub_sim_mcu_get_stats(mcu, &after);
	/* at 250 ms, 500 ms and 750 ms after the start; each restart adds a few microseconds */
	g_assert_cmpuint(after.resets - before.resets, ==, 3);
	g_assert_cmpint(ub_sim_mcu_get_last_reset(mcu), ==, UB_SIM_RESET_WATCHDOG);
	g_assert_cmphex(host_enter_swd(ub_sim_board_get_stlink(board)), ==, 0x80);
	g_assert_cmphex(host_read32(ub_sim_board_get_stlink(board), 0xE000EDF0, &dhcsr), ==, 0x80);
	g_assert_cmphex(dhcsr & (1u << 19), ==, 0); /* running, not locked up */
}

static void
test_malformed(void)
{
	struct {
		const char *json;
		const char *field;
	} cases[] = {
	        {"{ \"name\": \"bad\", ", NULL},
	        {"[1, 2]", "(root)"},
	        {"{ \"description\": \"x\" }", "name"},
	        {"{ \"name\": \"other\" }", "name"},
	        {"{ \"name\": \"bad\", \"probe\": { \"kind\": \"jlink\" } }", "probe.kind"},
	        {"{ \"name\": \"bad\", \"probe\": \"stlink-v2\" }", "probe"},
	        {"{ \"name\": \"bad\", \"probe\": { \"kind\": \"stlink-v2\", "
	         "\"clone_voltage_mv\": 3000 } }",
	         "probe.clone_voltage_mv"},
	        {"{ \"name\": \"bad\", \"probe\": { \"kind\": \"debugprobe\", "
	         "\"hardware\": \"pi-zero\" } }",
	         "probe.hardware"},
	        {"{ \"name\": \"bad\", \"probe\": { \"kind\": \"daplink\", "
	         "\"hardware\": \"pico\" } }",
	         "probe.hardware"},
	        /* the Debug Probe has no reset pin to wire */
	        {"{ \"name\": \"bad\", \"probe\": { \"kind\": \"debugprobe\", "
	         "\"rst_wired\": true } }",
	         "probe.rst_wired"},
	        {"{ \"name\": \"bad\", \"wiring\": \"loose\" }", "wiring"},
	        {"{ \"name\": \"bad\", \"powered\": \"yes\" }", "powered"},
	        {"{ \"name\": \"bad\", \"uid\": \"1234\" }", "uid"},
	        {"{ \"name\": \"bad\", \"option_bytes\": \"0xZZ\" }", "option_bytes"},
	        {"{ \"name\": \"bad\", \"flash\": [ { \"image\": \"nope\" } ] }", "flash[0]"},
	        {"{ \"name\": \"bad\", \"flash\": [ { \"file\": \"missing.bin\" } ] }", "flash[0]"},
	        {"{ \"name\": \"bad\", \"flash\": [ { \"image\": \"demo-410\", "
	         "\"address\": \"0x20000000\" } ] }",
	         "flash[0]"},
	        {"{ \"name\": \"bad\", \"flash\": [ {} ] }", "flash[0]"},
	        {"{ \"name\": \"bad\", \"faults\": [ \"melted\" ] }", "faults"},
	        {"{ \"name\": \"bad\", \"flash_timing\": \"slow\" }", "flash_timing"},
	        {"{ \"name\": \"bad\", \"probe\": { \"kind\": \"stlink-v2\", "
	         "\"firmware\": \"V3J7M3B3S1\" } }",
	         "probe.firmware"},
	        {"{ \"name\": \"bad\", \"probe\": { \"kind\": \"stlink-v3\", "
	         "\"firmware\": \"J7\" } }",
	         "probe.firmware"},
	        {"{ \"name\": \"bad\", \"powered_for_ms\": -5 }", "powered_for_ms"},
	        /* a day of firmware to emulate before the probe comes: at most a minute */
	        {"{ \"name\": \"bad\", \"powered_for_ms\": 86400000 }", "powered_for_ms"},
	        {"{ \"name\": \"bad\", \"flash\": [ { \"image\": \"demo-410\", "
	         "\"takeover_ms\": 5 } ] }",
	         "flash[0].takeover_ms"},
	        {"{ \"name\": \"bad\", \"flash\": [ { \"image\": \"repurpose-swd\", "
	         "\"takeover_ms\": \"soon\" } ] }",
	         "flash[0].takeover_ms"},
	};
	g_autofree char *dir = g_dir_make_tmp("ub-sim-board-XXXXXX", NULL);

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *path = write_board(dir, "bad", cases[i].json);
		g_autoptr(GError) error = NULL;
		g_autoptr(UbSimBoard) board = ub_sim_board_new_from_file(path, &error);

		g_assert_null(board);
		g_assert_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID);
		g_test_message("%s", error->message);
		g_assert_nonnull(strstr(error->message, path));
		if (cases[i].field != NULL) {
			g_autofree char *quoted = g_strdup_printf("'%s'", cases[i].field);
			g_assert_nonnull(strstr(error->message, quoted));
		}
		g_unlink(path);
	}
	g_rmdir(dir);
}

static void
test_lookup(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-sim-board-XXXXXX", NULL);
	g_autofree char *image = g_build_filename(dir, "fw.bin", NULL);
	g_autofree char *path = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(UbSimBoard) board = NULL;
	g_autoptr(UbSimBoard) by_path = NULL;
	g_autoptr(GBytes) flash = NULL;
	g_auto(GStrv) names = NULL;
	const guint8 pattern[8] = {1, 2, 3, 4, 5, 6, 7, 8};

	board = ub_sim_board_new_from_name("no-such-bench", &error);
	g_assert_null(board);
	g_assert_error(error, UB_DATA_ERROR, UB_DATA_ERROR_NOT_FOUND);
	g_clear_error(&error);
	board = ub_sim_board_new_from_name("../focbox", &error);
	g_assert_error(error, UB_DATA_ERROR, UB_DATA_ERROR_NOT_FOUND);
	g_clear_error(&error);

	/* $UB_SIM_BOARDS_DIR comes first; a flash file is relative to the data file */
	g_assert_true(g_file_set_contents(image, (const char *)pattern, 8, NULL));
	path = write_board(dir, "focbox",
	                   "{ \"name\": \"focbox\", \"description\": \"a local override\", "
	                   "\"flash\": [ { \"file\": \"fw.bin\", \"address\": 134234112 } ], "
	                   "\"uid\": \"00112233445566778899AABB\" }");
	g_setenv("UB_SIM_BOARDS_DIR", dir, TRUE);
	board = ub_sim_board_new_from_name("focbox", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(ub_sim_board_get_description(board), ==, "a local override");
	flash = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(board));
	g_assert_cmpmem((const guint8 *)g_bytes_get_data(flash, NULL) + 0x4000, 8, pattern, 8);
	names = ub_sim_board_list_names();
	g_assert_true(g_strv_contains((const char *const *)names, "focbox"));
	g_assert_true(g_strv_contains((const char *const *)names, "vesc6"));
	g_unsetenv("UB_SIM_BOARDS_DIR");

	/* a path ending in .json is loaded directly */
	by_path = ub_sim_board_new_from_name(path, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(ub_sim_board_get_description(by_path), ==, "a local override");

	g_unlink(path);
	g_unlink(image);
	g_rmdir(dir);
}

static void
test_report(void)
{
	g_autoptr(UbSimBoard) board = load("focbox");
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *report = NULL;
	UbSimStlink *stlink = ub_sim_board_get_stlink(board);
	UbSimStlinkStats stats;
	JsonObject *root;
	JsonObject *usb;
	guint32 value;

	g_assert_cmphex(host_enter_swd(stlink), ==, 0x80);
	host_read32(stlink, 0xE000ED00, &value);
	ub_sim_stlink_get_stats(stlink, &stats);
	report = ub_sim_board_build_report(board);
	g_assert_true(json_parser_load_from_data(parser, report, -1, &error));
	g_assert_no_error(error);
	root = json_node_get_object(json_parser_get_root(parser));
	g_assert_cmpstr(json_object_get_string_member(root, "board"), ==, "focbox");
	g_assert_cmpstr(json_object_get_string_member(root, "wiring"), ==, "good");
	usb = json_object_get_object_member(root, "usb");
	g_assert_cmpint(json_object_get_int_member(usb, "round_trips"), ==, 2);
	g_assert_cmpint(json_object_get_int_member(usb, "round_trips"), ==, stats.round_trips);
	g_assert_cmpint(json_object_get_int_member(usb, "bytes_out"), ==, 32);
	g_assert_cmpint(json_object_get_int_member(usb, "bytes_in"), ==, 10);
	g_assert_cmpfloat(json_object_get_double_member(
	                          json_object_get_object_member(root, "time_ms"), "usb"),
	                  ==, 4.0);
	g_assert_true(json_object_has_member(json_object_get_object_member(root, "flash"),
	                                     "sectors_erased"));
	g_assert_cmpstr(json_object_get_string_member(json_object_get_object_member(root, "probe"),
	                                              "usb_id"),
	                ==, "0483:3748");
}

/* "flash_timing" and the probe's "firmware": the chip's erase times and the probe's
 * version are the bench's; a bench's times are drawn, the same on every run */
static void
test_bench_options(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-sim-board-XXXXXX", NULL);
	g_autofree char *path = write_board(
	        dir, "old-clone",
	        "{ \"name\": \"old-clone\", \"flash_timing\": \"max\", \"probe\": { \"kind\": "
	        "\"stlink-v2-clone\", \"firmware\": \"V2J17S4\" } }");
	g_autoptr(GError) error = NULL;
	g_autoptr(UbSimBoard) board = ub_sim_board_new_from_file(path, &error);
	g_autoptr(UbSimBoard) focbox = load("focbox");
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autofree char *report = NULL;
	g_autofree char *firmware = NULL;
	JsonObject *root;

	g_assert_no_error(error);
	g_assert_cmpint(ub_sim_mcu_get_flash_timing(ub_sim_board_get_mcu(board)), ==,
	                UB_SIM_FLASH_TIMING_MAX);
	firmware = ub_sim_stlink_get_firmware(ub_sim_board_get_stlink(board));
	g_assert_cmpstr(firmware, ==, "V2J17S4");
	report = ub_sim_board_build_report(board);
	g_assert_true(json_parser_load_from_data(parser, report, -1, &error));
	root = json_node_get_object(json_parser_get_root(parser));
	g_assert_cmpstr(json_object_get_string_member(json_object_get_object_member(root, "probe"),
	                                              "firmware"),
	                ==, "V2J17S4");
	g_assert_cmpstr(json_object_get_string_member(json_object_get_object_member(root, "flash"),
	                                              "timing"),
	                ==, "max");
	g_assert_cmpint(ub_sim_mcu_get_flash_timing(ub_sim_board_get_mcu(focbox)), ==,
	                UB_SIM_FLASH_TIMING_DRAWN);
	g_unlink(path);
	g_rmdir(dir);
}

static void
test_load_flash_file(void)
{
	g_autoptr(UbSimBoard) board = load("focbox");
	g_autofree char *dir = g_dir_make_tmp("ub-sim-board-XXXXXX", NULL);
	g_autofree char *big = g_build_filename(dir, "big.bin", NULL);
	g_autofree char *small = g_build_filename(dir, "small.bin", NULL);
	g_autofree char *data = g_malloc0(UB_SIM_FLASH_SIZE + 4);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) flash = NULL;
	const guint8 *bytes;

	g_assert_true(g_file_set_contents(big, data, UB_SIM_FLASH_SIZE + 4, NULL));
	g_assert_false(ub_sim_board_load_flash_file(board, big, &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_TOO_LARGE);
	g_clear_error(&error);
	g_assert_false(ub_sim_board_load_flash_file(board, "/nonexistent/fw.bin", &error));
	g_assert_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID);
	g_clear_error(&error);

	/* replaces the whole chip: the demo image's code at 0xC000 is gone */
	g_assert_true(g_file_set_contents(small, "\x01\x02\x03\x04", 4, NULL));
	g_assert_true(ub_sim_board_load_flash_file(board, small, &error));
	g_assert_no_error(error);
	flash = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(board));
	bytes = g_bytes_get_data(flash, NULL);
	g_assert_cmphex(get_le32(bytes), ==, 0x04030201);
	g_assert_cmphex(get_le32(bytes + 0xC000), ==, 0xFFFFFFFF);
	g_unlink(big);
	g_unlink(small);
	g_rmdir(dir);
}

static void
test_read_real_image(void)
{
	g_autofree char *path = NULL;
	g_autofree char *contents = NULL;
	g_autofree guint8 *dump = g_malloc(UB_SIM_FLASH_SIZE);
	g_autoptr(UbSimBoard) board = NULL;
	g_autoptr(GError) error = NULL;
	UbSimStlinkStats stats;
	UbSimStlink *stlink;
	gsize len = 0;

	path = ub_test_firmware_path(UB_TEST_FW_605);
	g_assert_true(g_file_get_contents(path, &contents, &len, NULL));
	board = load("focbox");
	g_assert_true(ub_sim_board_load_flash_file(board, path, &error));
	g_assert_no_error(error);
	stlink = ub_sim_board_get_stlink(board);

	/* what st-flash read does: enter, halt, 6144-byte READMEM_32BIT chunks */
	g_assert_cmphex(host_enter_swd(stlink), ==, 0x80);
	g_assert_cmphex(host_write32(stlink, 0xE000EDF0, 0xA05F0003), ==, 0x80);
	ub_sim_stlink_reset_stats(stlink);
	for (guint32 off = 0; off < UB_SIM_FLASH_SIZE; off += 6144) {
		guint8 cmd[8] = {0xF2, 0x07};
		gsize n = MIN(6144, UB_SIM_FLASH_SIZE - off);

		put_le32(cmd + 2, UB_SIM_FLASH_BASE + off);
		cmd[6] = (guint8)n;
		cmd[7] = (guint8)(n >> 8);
		g_assert_cmpint(host_command(stlink, cmd, sizeof(cmd), dump + off, n), ==,
		                (gssize)n);
	}
	ub_sim_stlink_get_stats(stlink, &stats);
	g_assert_cmpmem(dump, len, contents, len);
	for (gsize i = len; i < UB_SIM_FLASH_SIZE; i++)
		g_assert_cmphex(dump[i], ==, 0xFF);
	g_assert_cmpuint(stats.round_trips, ==, (UB_SIM_FLASH_SIZE + 6143) / 6144);
	g_assert_cmpuint(stats.bytes_in, ==, UB_SIM_FLASH_SIZE);
	g_test_message("1 MiB in 6144-byte READMEM_32BIT: %" G_GUINT64_FORMAT
	               " round trips, %" G_GUINT64_FORMAT " bytes out, USB %.1f ms + SWD %.1f ms"
	               " = %.2f s modelled (%.0f KiB/s)",
	               stats.round_trips, stats.bytes_out, stats.usb_ns / 1e6, stats.swd_ns / 1e6,
	               (stats.usb_ns + stats.swd_ns) / 1e9,
	               1024.0 / ((stats.usb_ns + stats.swd_ns) / 1e9));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/board/all-load", test_all_load);
	g_test_add_func("/sim/board/generated-images", test_generated_images);
	g_test_add_func("/sim/board/focbox", test_focbox);
	g_test_add_func("/sim/board/vesc6-and-nucleo", test_vesc6_and_nucleo);
	g_test_add_func("/sim/board/bricked", test_bricked);
	g_test_add_func("/sim/board/bricked-genuine", test_bricked_genuine);
	g_test_add_func("/sim/board/wiring-benches", test_wiring_benches);
	g_test_add_func("/sim/board/rdp1-and-blank", test_rdp1_and_blank);
	g_test_add_func("/sim/board/malformed", test_malformed);
	g_test_add_func("/sim/board/powered-for", test_powered_for);
	g_test_add_func("/sim/board/takeover-param", test_takeover_param);
	g_test_add_func("/sim/board/reset-loop", test_reset_loop);
	g_test_add_func("/sim/board/watchdog-reset", test_watchdog_reset);
	g_test_add_func("/sim/board/lookup", test_lookup);
	g_test_add_func("/sim/board/report", test_report);
	g_test_add_func("/sim/board/bench-options", test_bench_options);
	g_test_add_func("/sim/board/load-flash-file", test_load_flash_file);
	g_test_add_func("/sim/board/read-real-image", test_read_real_image);
	return g_test_run();
}
