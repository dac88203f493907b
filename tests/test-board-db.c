/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-board-db.h"
#include "ub-error.h"
#include "ub-probe-db.h"
#include "ub-probe-info.h"

/* the whole shipped database must load without a single rejected file */
static void
test_all_files_valid(void)
{
	g_autoptr(UbBoardDb) boards = ub_board_db_new();
	g_autoptr(UbProbeDb) probes = ub_probe_db_new();
	g_autoptr(GError) error = NULL;

	g_assert_true(ub_board_db_load(boards, &error));
	g_assert_no_error(error);
	g_assert_true(ub_probe_db_load(probes, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(ub_board_db_get_all(boards)->len, >=, 6);
	g_assert_cmpuint(ub_probe_db_get_all(probes)->len, >=, 6);
	g_assert_cmpuint(ub_board_db_get_problems(boards)->len, ==, 0);
	g_assert_cmpuint(ub_probe_db_get_problems(probes)->len, ==, 0);
}

static void
test_vesc412_facts(void)
{
	g_autoptr(UbBoardDb) db = ub_board_db_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) by_hw = NULL;
	UbBoard *board;
	UbPinHeader *header;
	const gchar *signals[] = {"3V3", "SWCLK", "GND", "SWDIO", "NRST", "NC"};

	g_assert_true(ub_board_db_load(db, &error));
	board = ub_board_db_lookup(db, "vesc-4.12");
	g_assert_nonnull(board);
	header = ub_board_get_header(board);
	g_assert_cmpuint(ub_pin_header_get_n_pins(header), ==, 6);
	g_assert_cmpfloat(ub_pin_header_get_pitch_mm(header), ==, 2.0);
	for (guint n = 1; n <= 6; n++)
		g_assert_cmpstr(ub_signal_to_string(ub_pin_header_get_pin(header, n)->signal), ==,
		                signals[n - 1]);
	g_assert_cmpuint(ub_board_get_nrst_header_pin(board), ==, 5);
	g_assert_cmpuint(ub_board_get_nrst_mcu_pin(board), ==, 7);
	g_assert_true(ub_pin_header_get_fitted(header));
	g_assert_true(ub_board_has_hw_name(board, "410"));
	g_assert_false(ub_board_has_hw_name(board, "41"));

	/* the FOCBOX has only the footprint and its pad order is not confirmed */
	board = ub_board_db_lookup(db, "focbox");
	g_assert_nonnull(board);
	g_assert_false(ub_pin_header_get_fitted(ub_board_get_header(board)));
	g_assert_cmpint(ub_pin_header_get_confidence(ub_board_get_header(board)), ==,
	                UB_CONFIDENCE_UNCONFIRMED);
	/* nor is the VESC 6 order taken from the community reproduction */
	board = ub_board_db_lookup(db, "vesc-6");
	g_assert_cmpint(ub_pin_header_get_confidence(ub_board_get_header(board)), ==,
	                UB_CONFIDENCE_UNCONFIRMED);
	g_assert_cmpuint(ub_board_get_nrst_header_pin(board), ==, 2);

	by_hw = ub_board_db_lookup_by_hw_name(db, "410");
	g_assert_cmpuint(by_hw->len, >=, 3); /* 4.12, FOCBOX, FSESC 4.20 */
}

static void
test_probe_facts(void)
{
	g_autoptr(UbProbeDb) db = ub_probe_db_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) by_usb = NULL;
	UbProbeModel *probe;
	const UbSignal *wires;
	guint n_wires = 0;

	g_assert_true(ub_probe_db_load(db, &error));
	probe = ub_probe_db_lookup(db, "stlink-v2");
	g_assert_nonnull(probe);
	g_assert_cmpint(ub_pin_header_get_pin(ub_probe_model_get_header(probe), 7)->signal, ==,
	                UB_SIGNAL_SWDIO);
	g_assert_cmpint(ub_pin_header_get_pin(ub_probe_model_get_header(probe), 15)->signal, ==,
	                UB_SIGNAL_NRST);
	g_assert_cmpint(ub_probe_model_get_reset_line(probe), ==, UB_RESET_LINE_DRIVES_NRST);
	g_assert_false(ub_probe_model_get_supplies_3v3(probe));
	wires = ub_probe_model_get_required_wires(probe, &n_wires);
	g_assert_cmpuint(n_wires, ==, 4);
	g_assert_cmpint(wires[3], ==, UB_SIGNAL_VTREF);

	probe = ub_probe_db_lookup(db, "stlink-v2-clone-a");
	g_assert_cmpint(ub_probe_model_get_reset_line(probe), ==, UB_RESET_LINE_NOT_CONNECTED);
	g_assert_true(ub_probe_model_get_supplies_3v3(probe));
	g_assert_cmpint(ub_probe_model_get_voltage_reading(probe), ==, UB_VOLTAGE_READING_OWN_RAIL);

	probe = ub_probe_db_lookup(db, "stlink-v1-marked-clone");
	ub_probe_model_get_required_wires(probe, &n_wires);
	g_assert_cmpuint(n_wires, ==, 6);

	/* genuine and clones share 0483:3748: a list, never a verdict */
	by_usb = ub_probe_db_lookup_by_usb(db, 0x0483, 0x3748);
	g_assert_cmpuint(by_usb->len, >=, 3);
	g_assert_true(ub_probe_model_matches_usb(ub_probe_db_lookup(db, "nucleo-stlink-v2-1"),
	                                         0x0483, 0x374b));

	/* the debugprobe firmware has one id on two boards: the product string tells them apart */
	{
		g_autoptr(GPtrArray) both = ub_probe_db_lookup_by_usb(db, 0x2e8a, 0x000c);
		g_autoptr(GPtrArray) debug_probe = ub_probe_db_lookup_by_usb_product(
		        db, 0x2e8a, 0x000c, "Debug Probe (CMSIS-DAP)");
		g_autoptr(GPtrArray) pico = ub_probe_db_lookup_by_usb_product(
		        db, 0x2e8a, 0x000c, "Debugprobe on Pico (CMSIS-DAP)");
		g_autoptr(GPtrArray) unknown =
		        ub_probe_db_lookup_by_usb_product(db, 0x2e8a, 0x000c, "Picoprobe (CMSIS-DAP)");

		g_assert_cmpuint(both->len, ==, 2);
		g_assert_cmpuint(debug_probe->len, ==, 1);
		g_assert_cmpstr(ub_probe_model_get_id(g_ptr_array_index(debug_probe, 0)), ==,
		                "raspberry-pi-debug-probe");
		g_assert_cmpuint(pico->len, ==, 1);
		g_assert_cmpstr(ub_probe_model_get_id(g_ptr_array_index(pico, 0)), ==,
		                "pico-debugprobe");
		/* an older firmware's name: both stay, the person picks */
		g_assert_cmpuint(unknown->len, ==, 2);
		g_assert_cmpint(ub_probe_model_get_voltage_reading(g_ptr_array_index(pico, 0)), ==,
		                UB_VOLTAGE_READING_NONE);
		g_assert_cmpint(ub_probe_model_get_reset_line(g_ptr_array_index(debug_probe, 0)),
		                ==, UB_RESET_LINE_NOT_CONNECTED);
	}
}

/* the USB identity decides which models a probe can be: a model only lists ids that name its
 * own kind, so a probe enumerating as an ST-LINK/V2 is never offered a Nucleo's V2-1 */
static void
test_probe_usb_ids_fit_kind(void)
{
	g_autoptr(UbProbeDb) db = ub_probe_db_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) v2 = NULL;
	GPtrArray *all;

	g_assert_true(ub_probe_db_load(db, &error));
	all = ub_probe_db_get_all(db);
	for (guint i = 0; i < all->len; i++) {
		UbProbeModel *model = g_ptr_array_index(all, i);
		const gchar *kind = ub_probe_model_get_kind(model);
		UbProbeKind expected[2] = {UB_PROBE_KIND_UNKNOWN, UB_PROBE_KIND_UNKNOWN};

		/* a stick sold as V2 may be a V1 inside (stlink-v1-marked-clone) */
		if (g_str_equal(kind, "stlink-v2") || g_str_equal(kind, "stlink-v2-clone")) {
			expected[0] = UB_PROBE_KIND_STLINK_V2;
			expected[1] = UB_PROBE_KIND_STLINK_V1;
		} else if (g_str_equal(kind, "stlink-v2-1")) {
			expected[0] = UB_PROBE_KIND_STLINK_V2_1;
		} else if (g_str_equal(kind, "stlink-v3")) {
			expected[0] = UB_PROBE_KIND_STLINK_V3;
		} else {
			continue; /* another probe family: its own ids */
		}
		for (guint pid = 0; pid <= 0xffff; pid++) {
			UbProbeKind found;

			if (!ub_probe_model_matches_usb(model, 0x0483, (guint16)pid))
				continue;
			found = ub_probe_kind_from_usb_ids(0x0483, (guint16)pid);
			g_test_message("%s lists 0483:%04x (%s)", ub_probe_model_get_id(model), pid,
			               ub_probe_kind_to_string(found));
			g_assert_true(found == expected[0] || found == expected[1]);
		}
	}
	v2 = ub_probe_db_lookup_by_usb(db, 0x0483, 0x3748);
	for (guint i = 0; i < v2->len; i++)
		g_assert_cmpstr(ub_probe_model_get_kind(g_ptr_array_index(v2, i)), !=, "stlink-v2-1");
}

/* copies one shipped file into @dir under @name, with @from replaced by @to */
static void
write_variant(const gchar *dir, const gchar *kind, const gchar *source, const gchar *name,
              const gchar *from, const gchar *to)
{
	g_autofree gchar *src = g_build_filename(g_getenv("UB_DATA_DIR"), kind, source, NULL);
	g_autofree gchar *dst = g_build_filename(dir, name, NULL);
	g_autofree gchar *text = NULL;
	g_autoptr(GString) edited = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_true(g_file_get_contents(src, &text, NULL, &error));
	edited = g_string_new(text);
	if (from != NULL)
		g_assert_cmpuint(g_string_replace(edited, from, to, 1), ==, 1);
	g_assert_true(g_file_set_contents(dst, edited->str, -1, &error));
}

typedef struct {
	const gchar *from;
	const gchar *to;
	const gchar *field; /* must appear in the message */
} Breakage;

static void
test_malformed_board(void)
{
	const Breakage cases[] = {
	        {"\"signal\": \"SWDIO\"", "\"signal\": \"SWDOI\"", "swd_header.pins[3].signal"},
	        {"\"pitch_mm\": 2.0", "\"pitch_mm\": \"2 mm\"", "swd_header.pitch_mm"},
	        {"\"mcu_pin\": 7,", "", "nrst.mcu_pin: required field is missing"},
	        {"\"vendor\"", "\"vendour\"", "vendour: unknown field"},
	        {"{ \"number\": 6,", "{ \"number\": 2,", "swd_header.pins[5].number"},
	        {"\"header_pin\": 5", "\"header_pin\": 4", "nrst.header_pin"},
	        {"\"id\": \"vesc-4.12\"", "\"id\": \"VESC 4.12\"",
	         "id: \"VESC 4.12\" does not match"},
	        {"\"format\": 1,", "\"format\": 1,,", "not valid JSON"},
	        {"{ \"number\": 4, \"signal\": \"SWDIO\"", "{ \"number\": 4, \"signal\": \"OTHER\"",
	         "no pin carries SWDIO"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *dir = g_dir_make_tmp("ub-boards-XXXXXX", NULL);
		g_autofree gchar *bad = g_build_filename(dir, "broken.json", NULL);
		g_autofree gchar *good = g_build_filename(dir, "vesc-4.12.json", NULL);
		g_autoptr(UbBoardDb) db = ub_board_db_new();
		g_autoptr(GError) error = NULL;
		GPtrArray *problems;

		write_variant(dir, "boards", "vesc-4.12.json", "broken.json", cases[i].from,
		              cases[i].to);
		/* a good file next to the bad one, with its id changed so both could coexist */
		write_variant(dir, "boards", "vesc-4.12.json", "vesc-4.12.json",
		              "\"id\": \"vesc-4.12\"", "\"id\": \"vesc-4.12-copy\"");

		g_assert_false(ub_board_db_load_dir(db, dir, &error));
		g_assert_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID);
		g_test_message("case %u: %s", i, error->message);
		g_assert_nonnull(strstr(error->message, "broken.json"));
		g_assert_nonnull(strstr(error->message, cases[i].field));
		/* the valid file still loaded */
		g_assert_nonnull(ub_board_db_lookup(db, "vesc-4.12-copy"));
		g_assert_cmpuint(ub_board_db_get_all(db)->len, ==, 1);
		problems = ub_board_db_get_problems(db);
		g_assert_cmpuint(problems->len, ==, 1);

		g_assert_cmpint(g_unlink(bad), ==, 0);
		g_assert_cmpint(g_unlink(good), ==, 0);
		g_assert_cmpint(g_rmdir(dir), ==, 0);
	}
}

static void
test_malformed_probe(void)
{
	const Breakage cases[] = {
	        {"\"rst_drives_nrst\": false", "\"rst_drives_nrst\": \"no\"", "rst_drives_nrst"},
	        {"\"0483:3748\"", "\"0483-3748\"", "usb_ids[0]"},
	        {"\"required_wires\": [\"SWDIO\", \"SWCLK\", \"GND\"]",
	         "\"required_wires\": [\"SWDIO\", \"SWCLK\", \"GND\", \"NRST\", \"NRST\"]",
	         "required_wires[3]: the header has too few NRST pins"},
	        {"\"signal\": \"3V3\", \"when\"", "\"signal\": \"SWO\", \"when\"",
	         "optional_wires[0].signal: the header has no SWO pin"},
	        {NULL, NULL, "id: \"stlink-v2-clone-a\" is already used"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *dir = g_dir_make_tmp("ub-probes-XXXXXX", NULL);
		g_autofree gchar *bad = g_build_filename(dir, "broken.json", NULL);
		g_autofree gchar *good = g_build_filename(dir, "a-good.json", NULL);
		g_autoptr(UbProbeDb) db = ub_probe_db_new();
		g_autoptr(GError) error = NULL;

		write_variant(dir, "probes", "stlink-v2-clone-a.json", "broken.json", cases[i].from,
		              cases[i].to);
		write_variant(dir, "probes", "stlink-v2-clone-a.json", "a-good.json", NULL, NULL);

		g_assert_false(ub_probe_db_load_dir(db, dir, &error));
		g_assert_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID);
		g_test_message("case %u: %s", i, error->message);
		g_assert_nonnull(strstr(error->message, "broken.json"));
		g_assert_nonnull(strstr(error->message, cases[i].field));
		g_assert_nonnull(ub_probe_db_lookup(db, "stlink-v2-clone-a"));
		g_assert_cmpuint(ub_probe_db_get_problems(db)->len, ==, 1);

		g_assert_cmpint(g_unlink(bad), ==, 0);
		g_assert_cmpint(g_unlink(good), ==, 0);
		g_assert_cmpint(g_rmdir(dir), ==, 0);
	}
}

static void
test_missing_dir(void)
{
	g_autoptr(UbBoardDb) db = ub_board_db_new();
	g_autoptr(GError) error = NULL;

	g_assert_false(ub_board_db_load_dir(db, "/nonexistent/unbrick/boards", &error));
	g_assert_nonnull(error);
	g_assert_cmpuint(ub_board_db_get_all(db)->len, ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/core/board-db/all-files-valid", test_all_files_valid);
	g_test_add_func("/core/board-db/vesc412-facts", test_vesc412_facts);
	g_test_add_func("/core/board-db/probe-facts", test_probe_facts);
	g_test_add_func("/core/board-db/probe-usb-ids-fit-kind", test_probe_usb_ids_fit_kind);
	g_test_add_func("/core/board-db/malformed-board", test_malformed_board);
	g_test_add_func("/core/board-db/malformed-probe", test_malformed_probe);
	g_test_add_func("/core/board-db/missing-dir", test_missing_dir);
	return g_test_run();
}
