/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli firmware identify FILE [--board NAME] [--hw NAME ...] [--base ADDRESS] [--json]
 * unbrick-cli firmware identify --target [--sim BENCH | --serial SERIAL] [--json]
 * unbrick-cli firmware list DIR|FILE ... [--board NAME | --hw NAME ...] [--all] [--json]
 * unbrick-cli firmware fetch [--board NAME] [--hw NAME] [--version V] [--file NAME]
 *                            [--archive-url URL] [--json]
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cli-commands.h"
#include "cli-private.h"
#include "ub-device.h"
#include "ub-image-loader.h"
#include "ub-firmware-catalog.h"
#include "ub-firmware-fetch.h"
#include "ub-firmware-info.h"
#include "ub-vesc-layout.h"

static gboolean
parse_address(const gchar *text, guint32 *address)
{
	guint64 value = 0;

	if (!g_ascii_string_to_unsigned(text, g_str_has_prefix(text, "0x") ? 16 : 10, 0,
	                                G_MAXUINT32, &value, NULL)) {
		if (!g_str_has_prefix(text, "0x") ||
		    !g_ascii_string_to_unsigned(text + 2, 16, 0, G_MAXUINT32, &value, NULL))
			return FALSE;
	}
	*address = (guint32)value;
	return TRUE;
}

static gchar *
join_or_none(const gchar *const *names)
{
	if (names == NULL || names[0] == NULL)
		return g_strdup(_("none found"));
	return g_strjoinv(", ", (gchar **)names);
}

static const gchar *
hw_source_text(UbFirmwareHwSource source)
{
	switch (source) {
	case UB_FIRMWARE_HW_SOURCE_UAVCAN_NAME:
		return _("from the org.vesc.<name> marker");
	case UB_FIRMWARE_HW_SOURCE_TERMINAL_STRING:
		return _("from the terminal's hardware string");
	case UB_FIRMWARE_HW_SOURCE_KNOWN_NAME:
		return _("a known name found as a whole string");
	case UB_FIRMWARE_HW_SOURCE_FILENAME:
		return _("from the file name");
	case UB_FIRMWARE_HW_SOURCE_NONE:
	default:
		return NULL;
	}
}

static void
print_info(UbFirmwareInfo *info, const gchar *indent)
{
	guint32 initial_sp = 0;
	guint32 reset_vector = 0;
	gboolean valid = ub_firmware_info_get_vector_table(info, &initial_sp, &reset_vector);
	const gchar *const *notes = ub_firmware_info_get_notes(info);
	UbFirmwareKind kind = ub_firmware_info_get_kind(info);
	const gchar *source = hw_source_text(ub_firmware_info_get_hw_source(info));

	if (ub_firmware_info_get_filename(info) != NULL)
		g_print("%s%-14s %s\n", indent, _("File:"), ub_firmware_info_get_filename(info));
	g_print("%s%-14s %s\n", indent, _("Kind:"), ub_firmware_kind_to_string(kind));
	if (kind == UB_FIRMWARE_KIND_BOOTLOADER) {
		g_autofree gchar *served = NULL;
		gint compression = ub_firmware_info_get_bootloader_compression(info);

		if (ub_firmware_info_get_bootloader_generic(info))
			served = g_strdup(_("all STM32F40x boards (generic)"));
		else
			served = join_or_none(ub_firmware_info_get_bootloader_hw_names(info));
		g_print("%s%-14s %s\n", indent, _("Serves:"), served);
		g_print("%s%-14s %s\n", indent, _("Compression:"),
		        compression < 0   ? _("cannot tell")
		        : compression > 0 ? _("heatshrink (FW >= 6.00 updates work)")
		                          : _("none (too old for FW >= 6.00 updates)"));
	} else {
		g_autofree gchar *names = join_or_none(ub_firmware_info_get_hw_names(info));

		if (source != NULL)
			g_print("%s%-14s %s (%s)\n", indent, _("Hardware:"), names, source);
		else
			g_print("%s%-14s %s\n", indent, _("Hardware:"), names);
		if (ub_firmware_info_get_git_hash(info) != NULL)
			g_print("%s%-14s %s (git %s)\n", indent, _("Version:"),
			        ub_firmware_info_get_version_string(info),
			        ub_firmware_info_get_git_hash(info));
		else
			g_print("%s%-14s %s\n", indent, _("Version:"),
			        ub_firmware_info_get_version_string(info));
		g_print("%s%-14s %s\n", indent, _("Layout:"),
		        ub_firmware_layout_to_string(ub_firmware_info_get_layout(info)));
		g_print("%s%-14s %s\n", indent, _("Sectors 1-2:"),
		        ub_firmware_config_to_string(ub_firmware_info_get_config(info)));
	}
	g_print("%s%-14s 0x%08x, %" G_GSIZE_FORMAT " %s\n", indent, _("Flash at:"),
	        ub_firmware_info_get_flash_address(info), ub_firmware_info_get_size(info),
	        _("bytes"));
	g_print("%s%-14s SP 0x%08x, reset 0x%08x%s\n", indent, _("Vectors:"), initial_sp,
	        reset_vector, valid ? "" : _(" (not valid)"));
	g_print("%s%-14s %s\n", indent, _("MCU:"),
	        ub_firmware_info_get_mcu(info) != NULL ? ub_firmware_info_get_mcu(info)
	                                               : _("unknown"));
	g_print("%s%-14s %s\n", indent, _("SHA-256:"), ub_firmware_info_get_sha256(info));
	if (kind == UB_FIRMWARE_KIND_FLASH_DUMP) {
		g_print("%s%-14s %s\n", indent, _("Application:"),
		        ub_firmware_presence_to_string(ub_firmware_info_get_app_presence(info)));
		g_print("%s%-14s %s\n", indent, _("Bootloader:"),
		        ub_firmware_presence_to_string(
		                ub_firmware_info_get_bootloader_presence(info)));
		if (ub_firmware_info_get_bootloader(info) != NULL)
			print_info(ub_firmware_info_get_bootloader(info), "    ");
	}
	for (guint i = 0; notes[i] != NULL; i++)
		g_print("%s%-14s %s\n", indent, _("Note:"), notes[i]);
}

/* what is on the chip now: the whole flash read through the probe, identified like a backup */
static UbFirmwareInfo *
identify_target(UbCliOptions *options, const gchar *const *known, GError **error)
{
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(GBytes) flash = NULL;
	g_autoptr(GError) error_close = NULL;
	UbCliWait wait;

	device = ub_cli_options_new_device(options, FALSE, error);
	if (device == NULL)
		return NULL;
	ub_cli_wait_init(&wait);
	ub_device_read_memory_async(device, UB_VESC_FLASH_ADDRESS, 1024 * 1024, NULL,
				    wait.cancellable, ub_cli_wait_cb, &wait);
	flash = ub_device_read_memory_finish(device, ub_cli_wait_run(&wait), error);
	ub_device_close_async(device, NULL, ub_cli_wait_cb, &wait);
	if (!ub_device_close_finish(device, ub_cli_wait_run(&wait), &error_close))
		g_debug("closing: %s", error_close->message);
	ub_cli_wait_clear(&wait);
	if (flash == NULL)
		return NULL;
	return ub_firmware_info_new_from_dump(flash, UB_VESC_FLASH_ADDRESS, known, error);
}

static JsonNode *
info_to_json_node(UbFirmwareInfo *info)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	ub_firmware_info_to_json(info, builder);
	return json_builder_get_root(builder);
}

/* the board's names help builds without a marker (known names), and --board or --hw make the
 * file also checked against them */
static int
firmware_identify(int argc, char **argv)
{
	UbCliOptions options = {0};
	gboolean target = FALSE;
	g_autofree gchar *base_text = NULL;
	g_auto(GStrv) known = NULL;
	g_auto(GStrv) hw_names = NULL;
	const GOptionEntry entries[] = {
	        {"base", 0, 0, G_OPTION_ARG_STRING, &base_text,
	         N_("Load address of a raw .bin (default 0x08000000)"), N_("ADDRESS")},
	        /* the old name of --hw */
	        {"known", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING_ARRAY, &known, NULL, NULL},
	        {"target", 0, 0, G_OPTION_ARG_NONE, &target,
	         N_("Identify what is on the chip behind the probe"), NULL},
	        {NULL},
	};
	g_autoptr(GOptionContext) context = g_option_context_new(_("FILE | --target"));
	g_autoptr(GError) error = NULL;
	g_autoptr(UbImage) image = NULL;
	g_autoptr(UbFirmwareInfo) info = NULL;
	g_autoptr(JsonNode) result = NULL;
	guint32 base = UB_IMAGE_DEFAULT_BASE;
	int status;

	g_option_context_set_summary(context, _("Say what a firmware image or flash backup is "
	                                        "and which VESC hardware it was built for. With "
	                                        "--board or --hw, also check that it fits."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_options_add(&options, context,
	                   UB_CLI_OPTION_BOARD | UB_CLI_OPTION_HW | UB_CLI_OPTION_DEVICE |
	                           UB_CLI_OPTION_JSON | UB_CLI_OPTION_VERBOSE);
	if (!ub_cli_options_parse(&options, "firmware identify", context, &argc, &argv, 1)) {
		ub_cli_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	if (known != NULL && options.hw == NULL)
		options.hw = g_steal_pointer(&known);
	hw_names = ub_cli_options_dup_hw_names(&options);
	if (target == (argc == 2)) {
		g_printerr("%s", _("usage: unbrick-cli firmware identify FILE [--json]\n"
		                   "       unbrick-cli firmware identify --target [--sim BENCH] "
		                   "[--json]\n"));
		ub_cli_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	if (base_text != NULL && !parse_address(base_text, &base)) {
		g_printerr(_("unbrick-cli firmware identify: bad address '%s'\n"), base_text);
		ub_cli_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	if (target) {
		info = identify_target(&options, (const gchar *const *)hw_names, &error);
	} else {
		image = ub_image_new_from_file(argv[1], base, &error);
		if (image != NULL)
			info = ub_firmware_info_new_from_image(
			        image, (const gchar *const *)hw_names, &error);
	}
	if (info != NULL) {
		if (options.json)
			result = info_to_json_node(info);
		else
			print_info(info, "");
		/* the check comes after the description: what the file is helps to see why */
		if (hw_names != NULL &&
		    !ub_firmware_info_check_compatible(info, (const gchar *const *)hw_names, &error))
			g_clear_pointer(&result, json_node_unref);
	}
	status = ub_cli_finish("firmware identify", &options, result, error);
	ub_cli_options_clear(&options);
	return status;
}

static void
entry_to_json(UbFirmwareEntry *entry, JsonBuilder *builder)
{
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "path");
	json_builder_add_string_value(builder, ub_firmware_entry_get_path(entry));
	json_builder_set_member_name(builder, "version");
	json_builder_add_string_value(builder, ub_firmware_entry_get_version_string(entry));
	json_builder_set_member_name(builder, "default");
	json_builder_add_boolean_value(builder, ub_firmware_entry_get_is_default(entry));
	json_builder_set_member_name(builder, "info");
	ub_firmware_info_to_json(ub_firmware_entry_get_info(entry), builder);
	json_builder_end_object(builder);
}

static void
print_entry(UbFirmwareEntry *entry)
{
	UbFirmwareInfo *info = ub_firmware_entry_get_info(entry);
	g_autofree gchar *names = NULL;

	if (ub_firmware_info_get_kind(info) == UB_FIRMWARE_KIND_BOOTLOADER)
		names = ub_firmware_info_get_bootloader_generic(info)
		                ? g_strdup(_("(generic)"))
		                : join_or_none(ub_firmware_info_get_bootloader_hw_names(info));
	else
		names = join_or_none(ub_firmware_info_get_hw_names(info));
	g_print("%-8s %-12s %-20s %s\n", ub_firmware_entry_get_version_string(entry),
	        ub_firmware_kind_to_string(ub_firmware_info_get_kind(info)), names,
	        ub_firmware_entry_get_path(entry));
}

static int
firmware_list(int argc, char **argv)
{
	UbCliOptions options = {0};
	gboolean all = FALSE;
	const GOptionEntry entries[] = {
	        {"all", 0, 0, G_OPTION_ARG_NONE, &all,
	         N_("Also list variants besides VESC_default.bin"), NULL},
	        {NULL},
	};
	g_autoptr(GOptionContext) context = g_option_context_new(_("DIR|FILE…"));
	g_autoptr(GError) error = NULL;
	g_autoptr(UbFirmwareCatalog) catalog = ub_firmware_catalog_new();
	g_autoptr(GPtrArray) applications = NULL;
	g_auto(GStrv) hw_names = NULL;
	UbFirmwareEntry *bootloader = NULL;
	g_autoptr(GError) bootloader_error = NULL;
	const gchar *const *skipped;
	int status;

	g_option_context_set_summary(context, _("List firmware in a folder laid out like VESC "
	                                        "Tool's archive, newest first; with --board or "
	                                        "--hw only what fits."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_options_add(&options, context,
	                   UB_CLI_OPTION_BOARD | UB_CLI_OPTION_HW | UB_CLI_OPTION_JSON |
	                           UB_CLI_OPTION_VERBOSE);
	if (!ub_cli_options_parse(&options, "firmware list", context, &argc, &argv, -1)) {
		ub_cli_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	if (argc < 2) {
		g_printerr("%s", _("usage: unbrick-cli firmware list DIR [--board NAME | --hw NAME]\n"));
		ub_cli_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	hw_names = ub_cli_options_dup_hw_names(&options);
	for (int i = 1; i < argc; i++) {
		gboolean ok = g_file_test(argv[i], G_FILE_TEST_IS_DIR)
		                      ? ub_firmware_catalog_add_directory(catalog, argv[i], &error)
		                      : ub_firmware_catalog_add_file(catalog, argv[i], &error);
		if (!ok) {
			status = ub_cli_finish("firmware list", &options, NULL, error);
			ub_cli_options_clear(&options);
			return status;
		}
	}
	applications =
	        ub_firmware_catalog_list_for_board(catalog, (const gchar *const *)hw_names, all);
	if (hw_names != NULL)
		bootloader = ub_firmware_catalog_pick_bootloader(
		        catalog, (const gchar *const *)hw_names, &bootloader_error);
	skipped = ub_firmware_catalog_get_skipped(catalog);

	if (options.json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		g_autoptr(JsonNode) result = NULL;

		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "firmware");
		json_builder_begin_array(builder);
		for (guint i = 0; i < applications->len; i++)
			entry_to_json(g_ptr_array_index(applications, i), builder);
		json_builder_end_array(builder);
		if (hw_names != NULL) {
			json_builder_set_member_name(builder, "bootloader");
			if (bootloader != NULL)
				entry_to_json(bootloader, builder);
			else
				json_builder_add_null_value(builder);
		}
		json_builder_set_member_name(builder, "skipped");
		json_builder_begin_array(builder);
		for (guint i = 0; skipped[i] != NULL; i++)
			json_builder_add_string_value(builder, skipped[i]);
		json_builder_end_array(builder);
		json_builder_end_object(builder);
		result = json_builder_get_root(builder);
		status = ub_cli_finish("firmware list", &options, result, NULL);
		ub_cli_options_clear(&options);
		return status;
	}

	if (applications->len == 0)
		g_print("%s\n", hw_names != NULL ? _("No firmware for this hardware.")
		                                 : _("No firmware found."));
	for (guint i = 0; i < applications->len; i++)
		print_entry(g_ptr_array_index(applications, i));
	if (hw_names == NULL) {
		GPtrArray *everything = ub_firmware_catalog_get_entries(catalog);
		for (guint i = 0; i < everything->len; i++) {
			UbFirmwareEntry *entry = g_ptr_array_index(everything, i);
			if (ub_firmware_info_get_kind(ub_firmware_entry_get_info(entry)) ==
			    UB_FIRMWARE_KIND_BOOTLOADER)
				print_entry(entry);
		}
	} else if (bootloader != NULL) {
		g_print("%s %s\n", _("Bootloader:"), ub_firmware_entry_get_path(bootloader));
	} else {
		g_print("%s %s\n", _("Bootloader:"), bootloader_error->message);
	}
	for (guint i = 0; skipped[i] != NULL; i++)
		g_printerr(_("skipped %s\n"), skipped[i]);
	ub_cli_options_clear(&options);
	return UB_CLI_EXIT_OK;
}

static int
firmware_fetch(int argc, char **argv)
{
	UbCliOptions options = {0};
	g_autofree gchar *version = NULL;
	g_autofree gchar *file = NULL;
	g_autofree gchar *archive_url = NULL;
	g_auto(GStrv) hw_names = NULL;
	const GOptionEntry entries[] = {
	        {"version", 0, 0, G_OPTION_ARG_STRING, &version,
	         N_("The firmware version, e.g. 6.05 (default: the newest for the hardware)"),
	         N_("VERSION")},
	        {"file", 0, 0, G_OPTION_ARG_STRING, &file,
	         N_("The file in the hardware's folder (default: VESC_default.bin)"), N_("NAME")},
	        {"archive-url", 0, 0, G_OPTION_ARG_STRING, &archive_url,
	         N_("Where the archive is (default: the public VESC firmware archive on GitHub)"),
	         N_("URL")},
	        {NULL},
	};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(UbFirmwareFetch) fetch = NULL;
	g_autoptr(UbFirmwareEntry) entry = NULL;
	g_autoptr(UbProgress) progress = NULL;
	g_autoptr(JsonNode) result = NULL;
	UbCliWait wait;
	int status;

	g_option_context_set_summary(
	        context, _("Download the VESC firmware for a board from the public VESC firmware "
	                   "archive into ~/.cache/unbrick/firmware, and check that it was built "
	                   "for the board's hardware."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_options_add(&options, context,
	                   UB_CLI_OPTION_BOARD | UB_CLI_OPTION_HW | UB_CLI_OPTION_JSON |
	                           UB_CLI_OPTION_VERBOSE);
	if (!ub_cli_options_parse(&options, "firmware fetch", context, &argc, &argv, 0)) {
		ub_cli_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	hw_names = ub_cli_options_dup_hw_names(&options);
	if (hw_names == NULL) {
		g_printerr("%s\n", _("unbrick-cli firmware fetch: say which board (--board NAME) or "
		                     "which VESC hardware (--hw NAME)"));
		ub_cli_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	fetch = ub_firmware_fetch_new(archive_url);
	progress = ub_progress_new();
	ub_cli_show_progress(progress, &options);
	ub_cli_wait_init(&wait);
	ub_firmware_fetch_run_async(fetch, (const gchar *const *)hw_names, version, file, progress,
	                            wait.cancellable, ub_cli_wait_cb, &wait);
	entry = ub_firmware_fetch_run_finish(fetch, ub_cli_wait_run(&wait), &error);
	ub_cli_wait_clear(&wait);
	if (entry != NULL) {
		if (options.json) {
			g_autoptr(JsonBuilder) builder = json_builder_new();
			entry_to_json(entry, builder);
			result = json_builder_get_root(builder);
		} else {
			g_print(_("Downloaded firmware %s:\n"),
			        ub_firmware_entry_get_version_string(entry));
			print_info(ub_firmware_entry_get_info(entry), "  ");
		}
	}
	status = ub_cli_finish("firmware fetch", &options, result, error);
	ub_cli_options_clear(&options);
	return status;
}

/**
 * ub_cli_firmware:
 * @argv: "firmware", then the subcommand and its arguments
 */
int
ub_cli_firmware(int argc, char **argv)
{
	const char *usage =
	        _("usage: unbrick-cli firmware identify FILE [--board NAME | --hw NAME] [--json]\n"
	          "       unbrick-cli firmware list DIR [--board NAME | --hw NAME] [--all] "
	          "[--json]\n"
	          "       unbrick-cli firmware fetch [--board NAME | --hw NAME] [--version V] "
	          "[--json]\n"
	          "See unbrick-cli firmware COMMAND --help.\n");

	if (argc >= 2 && (g_strcmp0(argv[1], "--help") == 0 || g_strcmp0(argv[1], "-h") == 0)) {
		g_print("%s\n%s\n", usage, ub_cli_exit_codes_help());
		return UB_CLI_EXIT_OK;
	}
	if (argc < 2) {
		g_printerr("%s", usage);
		return UB_CLI_EXIT_USAGE;
	}
	if (g_strcmp0(argv[1], "identify") == 0)
		return firmware_identify(argc - 1, argv + 1);
	if (g_strcmp0(argv[1], "list") == 0)
		return firmware_list(argc - 1, argv + 1);
	if (g_strcmp0(argv[1], "fetch") == 0)
		return firmware_fetch(argc - 1, argv + 1);
	g_printerr(_("unbrick-cli firmware: unknown command '%s'\n"), argv[1]);
	return UB_CLI_EXIT_USAGE;
}
