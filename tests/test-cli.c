/* SPDX-License-Identifier: GPL-3.0-or-later */
/* the built unbrick-cli, run as a person runs it (output and exit status) */
#include "config.h"

#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include "ub-test-firmware.h"

#include "ub-test-lsan.h"

typedef struct {
	char *out;
	char *err;
	gint status;
} CliRun;

static void
cli_run_clear(CliRun *run)
{
	g_free(run->out);
	g_free(run->err);
}

static gboolean
cli_run(CliRun *run, const char *first, ...)
{
	g_autofree char *cli = g_test_build_filename(G_TEST_BUILT, "..", "app", "unbrick-cli",
						     NULL);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	gint wait_status = 0;
	va_list args;

	if (!g_file_test(cli, G_FILE_TEST_IS_EXECUTABLE)) {
		g_test_skip("unbrick-cli is not built");
		return FALSE;
	}
	g_ptr_array_add(argv, cli);
	va_start(args, first);
	for (const char *arg = first; arg != NULL; arg = va_arg(args, const char *))
		g_ptr_array_add(argv, (gpointer)arg);
	va_end(args);
	g_ptr_array_add(argv, NULL);
	g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
				   &run->out, &run->err, &wait_status, &error));
	g_assert_no_error(error);
	g_assert_true(WIFEXITED(wait_status));
	run->status = WEXITSTATUS(wait_status);
	g_test_message("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
	return TRUE;
}

static JsonObject *
parse_object(JsonParser *parser, const char *text)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(json_parser_load_from_data(parser, text, -1, &error));
	g_assert_no_error(error);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)));
	return json_node_get_object(json_parser_get_root(parser));
}

static void
test_cli_info_json(void)
{
	CliRun run = {0};
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *root;
	JsonObject *chip;

	if (!cli_run(&run, "info", "--sim", "focbox", "--json", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	root = parse_object(parser, run.out);
	chip = json_object_get_object_member(root, "chip");
	g_assert_cmpstr(json_object_get_string_member(chip, "name"), ==, "STM32F405/407/415/417");
	g_assert_cmpstr(json_object_get_string_member(chip, "dev_id"), ==, "0x413");
	g_assert_cmpint(json_object_get_int_member(root, "flash_size"), ==, 1024 * 1024);
	g_assert_cmpint(json_object_get_int_member(root, "rdp_level"), ==, 0);
	g_assert_cmpstr(json_object_get_string_member(root, "dp_idcode"), ==, "0x2ba01477");
	g_assert_cmpuint(strlen(json_object_get_string_member(root, "uid")), ==, 24);
	/* whole millivolts, a JSON integer: what the probe measured, not 3.2999999999999998 */
	g_assert_cmpint(json_node_get_value_type(json_object_get_member(root, "target_voltage_mv")),
			==, G_TYPE_INT64);
	g_assert_cmpint(json_object_get_int_member(root, "target_voltage_mv"), ==, 3300);
	g_assert_nonnull(strstr(run.out, "\"target_voltage_mv\":3300"));
	g_assert_cmpstr(
	    json_object_get_string_member(json_object_get_object_member(root, "probe"), "firmware"),
	    ==, "V2J37S7");
	cli_run_clear(&run);
}

static void
test_cli_info_text(void)
{
	CliRun run = {0};

	if (!cli_run(&run, "info", "--sim", "focbox", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "STM32F405/407/415/417"));
	g_assert_nonnull(strstr(run.out, "1024 KiB"));
	cli_run_clear(&run);
}

static void
test_cli_info_bricked(void)
{
	CliRun run = {0};
	g_auto(GStrv) lines = NULL;

	if (!cli_run(&run, "info", "--sim", "focbox-bricked", "--json", NULL))
		return;
	/* exit 4: the target does not answer; one line of what happened, one hint; on stdout
	 * the result line, with the same exit code */
	g_assert_cmpint(run.status, ==, 4);
	g_assert_true(g_str_has_prefix(run.out, "{\"event\":\"result\",\"ok\":false,"));
	g_assert_nonnull(strstr(run.out, "\"exit_code\":4"));
	lines = g_strsplit(g_strchomp(run.err), "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 2);
	g_assert_nonnull(strstr(lines[0], "does not answer"));
	g_assert_true(g_str_has_prefix(lines[1], "Hint: "));
	cli_run_clear(&run);
}

static void
test_cli_probe_sim(void)
{
	CliRun run = {0};
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonArray *probes;
	JsonObject *probe;

	if (!cli_run(&run, "probe", "--sim", "focbox", "--json", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	probes = json_object_get_array_member(parse_object(parser, run.out), "probes");
	g_assert_cmpuint(json_array_get_length(probes), ==, 1);
	probe = json_array_get_object_element(probes, 0);
	g_assert_cmpstr(json_object_get_string_member(probe, "kind"), ==, "ST-LINK/V2");
	g_assert_cmpstr(json_object_get_string_member(probe, "firmware"), ==, "V2J37S7");
	g_assert_cmpstr(json_object_get_string_member(probe, "path"), ==, "sim:focbox");
	g_assert_cmpstr(json_object_get_string_member(probe, "usb_id"), ==, "0483:3748");
	g_assert_cmpuint(strlen(json_object_get_string_member(probe, "serial")), ==, 24);
	cli_run_clear(&run);
}

/* CMSIS-DAP benches: the Pico named by its product string with the debugprobe firmware's
 * protocol version; a HID-only DAPLink listed and named as not supported yet, and refused */
static void
test_cli_probe_cmsis_dap(void)
{
	CliRun run = {0};
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *probe;

	if (!cli_run(&run, "probe", "--sim", "focbox-pico", "--json", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	probe = json_array_get_object_element(
	    json_object_get_array_member(parse_object(parser, run.out), "probes"), 0);
	g_assert_cmpstr(json_object_get_string_member(probe, "kind"), ==, "CMSIS-DAP");
	g_assert_cmpstr(json_object_get_string_member(probe, "usb_id"), ==, "2e8a:000c");
	g_assert_cmpstr(json_object_get_string_member(probe, "product"), ==,
			"Debugprobe on Pico (CMSIS-DAP)");
	g_assert_cmpstr(json_object_get_string_member(probe, "firmware"), ==, "CMSIS-DAP 2.0.0");
	g_assert_true(json_object_get_boolean_member(probe, "supported"));
	cli_run_clear(&run);

	if (!cli_run(&run, "info", "--sim", "focbox-pico", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "Debugprobe on Pico (CMSIS-DAP)"));
	g_assert_nonnull(strstr(run.out, "STM32F405"));
	cli_run_clear(&run);

	if (!cli_run(&run, "probe", "--sim", "focbox-daplink-v1", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "CMSIS-DAP v1"));
	g_assert_nonnull(strstr(run.out, "not supported yet"));
	cli_run_clear(&run);

	if (!cli_run(&run, "info", "--sim", "focbox-daplink-v1", NULL))
		return;
	g_assert_cmpint(run.status, ==, 2);
	g_assert_nonnull(strstr(run.err, "CMSIS-DAP v1 (HID)"));
	cli_run_clear(&run);

	/* the forum case on a Pico without the GP1 wire: recovered with the person's help */
	if (!cli_run(&run, "connect", "--sim", "focbox-bricked-pico", "--board", "focbox", "--json",
		     NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "\"event\":\"hold-nrst\""));
	g_assert_nonnull(strstr(run.out, "\"method\":\"manual-reset\""));
	g_assert_nonnull(strstr(run.out, "\"at_reset_vector\":true"));
	cli_run_clear(&run);
}

static void
test_cli_usage(void)
{
	CliRun run = {0};

	if (!cli_run(&run, "frobnicate", NULL))
		return;
	g_assert_cmpint(run.status, ==, 1);
	g_assert_nonnull(strstr(run.err, "frobnicate"));
	cli_run_clear(&run);

	if (!cli_run(&run, "--help", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "probe"));
	g_assert_nonnull(strstr(run.out, "info"));
	g_assert_nonnull(strstr(run.out, "Exit status"));
	cli_run_clear(&run);

	if (!cli_run(&run, "info", "--no-such-option", NULL))
		return;
	g_assert_cmpint(run.status, ==, 1);
	cli_run_clear(&run);
}

static void
test_cli_unknown_board(void)
{
	CliRun run = {0};

	if (!cli_run(&run, "info", "--sim", "no-such-bench", NULL))
		return;
	/* exit 8: data files (the bench description) */
	g_assert_cmpint(run.status, ==, 8);
	g_assert_nonnull(strstr(run.err, "no-such-bench"));
	cli_run_clear(&run);
}

/* story 2: where NRST is, in words and as a picture; the LQFP100 board is not pin 7 */
static void
test_cli_pinout_nrst(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-cli-nrst-XXXXXX", NULL);
	g_autofree char *png = g_build_filename(dir, "nrst.png", NULL);
	CliRun run = {0};

	if (!cli_run(&run, "pinout", "--nrst", "focbox", "--png", png, NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "pin 5 (RST) of the debug header"));
	g_assert_nonnull(strstr(run.out, "NRST is pin 7,"));
	g_assert_true(g_file_test(png, G_FILE_TEST_IS_REGULAR));
	cli_run_clear(&run);
	g_assert_cmpint(g_unlink(png), ==, 0);
	g_assert_cmpint(g_rmdir(dir), ==, 0);

	g_assert_true(cli_run(&run, "pinout", "--nrst", "focbox-unity", NULL));
	g_assert_cmpint(run.status, ==, 0);
	g_assert_nonnull(strstr(run.out, "LQFP100) NRST is pin 14,"));
	cli_run_clear(&run);

	g_assert_true(cli_run(&run, "pinout", "--nrst", "no-such-board", NULL));
	/* a usage error */
	g_assert_cmpint(run.status, ==, 1);
	g_assert_nonnull(strstr(run.err, "no-such-board"));
	cli_run_clear(&run);
}

/* the forum case from the command line: diagnosis names the hand on NRST, connect does it */
static void
test_cli_forum_case(void)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_auto(GStrv) lines = NULL;
	CliRun run = {0};
	JsonObject *root;
	JsonObject *top;
	guint n;

	if (!cli_run(&run, "diagnose", "--sim", "focbox-bricked", "--probe", "stlink-v2-clone-a",
		     "--powered", "--json", NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	root = parse_object(parser, run.out);
	top = json_array_get_object_element(
	    json_object_get_array_member(json_object_get_object_member(root, "verdict"), "causes"),
	    0);
	g_assert_cmpstr(json_object_get_string_member(top, "id"), ==, "swd-off-hold-nrst-by-hand");
	cli_run_clear(&run);

	if (!cli_run(&run, "connect", "--sim", "focbox-bricked", "--board", "focbox", "--json",
		     NULL))
		return;
	g_assert_cmpint(run.status, ==, 0);
	lines = g_strsplit(g_strstrip(run.out), "\n", -1);
	n = g_strv_length(lines);
	g_assert_cmpuint(n, >, 3);
	g_assert_nonnull(strstr(run.out, "\"event\":\"hold-nrst\""));
	g_assert_nonnull(strstr(run.out, "SWD header pin 5"));
	root = parse_object(parser, lines[n - 1]);
	g_assert_true(json_object_get_boolean_member(root, "ok"));
	g_assert_cmpstr(json_object_get_string_member(root, "method"), ==, "manual-reset");
	g_assert_true(json_object_get_boolean_member(root, "at_reset_vector"));
	cli_run_clear(&run);

	/* no power: a verdict and the target exit code, not a hang */
	if (!cli_run(&run, "connect", "--sim", "focbox-unpowered", NULL))
		return;
	g_assert_cmpint(run.status, ==, 4);
	g_assert_nonnull(strstr(run.out, "The board has no power"));
	g_assert_nonnull(strstr(run.out, "Next: "));
	cli_run_clear(&run);
}

/* each real VESC image: what the chip holds after loading it identifies as the file does */
static void
test_cli_identify_target_matches_file(void)
{
	g_autofree char *dir = ub_test_firmware_dir();
	g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
	const char *name;
	guint checked = 0;

	g_assert_nonnull(handle);
	while ((name = g_dir_read_name(handle)) != NULL) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		g_autofree char *bench_name = NULL;
		g_autofree char *bench = NULL;
		g_autofree char *text = NULL;
		g_autoptr(JsonParser) file_parser = json_parser_new();
		g_autoptr(JsonParser) chip_parser = json_parser_new();
		JsonObject *from_file, *from_chip;
		CliRun run = {0};

		if (!g_str_has_prefix(name, "vesc-fw-") || !g_str_has_suffix(name, ".bin"))
			continue;
		bench_name = g_strdup_printf("ub-identify-%u", checked);
		bench = g_strdup_printf("%s/%s.json", g_get_tmp_dir(), bench_name);
		text = g_strdup_printf("{\"name\": \"%s\", \"description\": \"%s on a FOCBOX\", "
				       "\"probe\": {\"kind\": \"stlink-v2\"}, \"wiring\": \"good\", "
				       "\"powered\": true, \"flash\": [{\"file\": \"%s\", "
				       "\"address\": \"0x08000000\"}]}",
				       bench_name, name, path);
		g_assert_true(g_file_set_contents(bench, text, -1, NULL));

		if (!cli_run(&run, "firmware", "identify", path, "--json", NULL))
			return;
		g_assert_cmpint(run.status, ==, 0);
		from_file = parse_object(file_parser, run.out);
		cli_run_clear(&run);
		if (!cli_run(&run, "firmware", "identify", "--target", "--sim", bench, "--json", NULL))
			return;
		g_assert_cmpint(run.status, ==, 0);
		from_chip = parse_object(chip_parser, run.out);
		cli_run_clear(&run);
		g_unlink(bench);

		g_test_message("%s: %s", name, json_object_get_string_member(from_file, "version"));
		{
			g_autoptr(JsonNode) a = json_node_alloc();
			g_autoptr(JsonNode) b = json_node_alloc();
			json_node_init_array(a, json_object_get_array_member(from_file, "hw_names"));
			json_node_init_array(b, json_object_get_array_member(from_chip, "hw_names"));
			g_assert_true(json_node_equal(a, b));
		}
		g_assert_cmpstr(json_object_get_string_member(from_file, "version"), ==,
				json_object_get_string_member(from_chip, "version"));
		g_assert_cmpstr(json_object_get_string_member(from_file, "layout"), ==,
				json_object_get_string_member(from_chip, "layout"));
		checked++;
	}
	g_assert_cmpuint(checked, >=, 5);
}

int
main(int argc, char **argv)
{
	/* the history of probes and chips is per user: each test gets its own */
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	UB_TEST_ADD_FUNC("/core/cli/info-json", test_cli_info_json);
	UB_TEST_ADD_FUNC("/core/cli/forum-case", test_cli_forum_case);
	UB_TEST_ADD_FUNC("/core/cli/identify-target-matches-file",
			test_cli_identify_target_matches_file);
	UB_TEST_ADD_FUNC("/core/cli/info-text", test_cli_info_text);
	UB_TEST_ADD_FUNC("/core/cli/info-bricked", test_cli_info_bricked);
	UB_TEST_ADD_FUNC("/core/cli/probe-sim", test_cli_probe_sim);
	UB_TEST_ADD_FUNC("/core/cli/probe-cmsis-dap", test_cli_probe_cmsis_dap);
	UB_TEST_ADD_FUNC("/core/cli/usage", test_cli_usage);
	UB_TEST_ADD_FUNC("/core/cli/unknown-board", test_cli_unknown_board);
	UB_TEST_ADD_FUNC("/core/cli/pinout-nrst", test_cli_pinout_nrst);
	return g_test_run();
}
