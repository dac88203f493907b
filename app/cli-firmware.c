/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick-cli firmware identify FILE [--json] [--base ADDRESS] [--known NAME ...]
 * unbrick-cli firmware identify --target [--sim BOARD | --serial SERIAL] [--json]
 * unbrick-cli firmware list DIR|FILE ... [--board NAME ...] [--all] [--json]
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cli-commands.h"
#include "cli-private.h"
#include "ub-device.h"
#include "ub-image-loader.h"
#include "ub-vesc-layout.h"
#include "ub-firmware-catalog.h"
#include "ub-firmware-info.h"

/* the exit codes of app/cli-private.h (driver branch): keep in step */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_IMAGE = 7,
	EXIT_DATA = 8,
	EXIT_INTERNAL = 10,
};

static int
exit_code_for_error(const GError *error)
{
	if (error->domain == UB_IMAGE_ERROR || error->domain == G_FILE_ERROR)
		return EXIT_IMAGE;
	if (error->domain == UB_DATA_ERROR)
		return EXIT_DATA;
	return EXIT_INTERNAL;
}

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

static void
print_json(JsonBuilder *builder)
{
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(builder);
	g_autofree gchar *text = NULL;

	json_generator_set_pretty(generator, TRUE);
	json_generator_set_root(generator, root);
	text = json_generator_to_data(generator, NULL);
	g_print("%s\n", text);
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
identify_target(const char *sim, const char *serial, const gchar *const *known, GError **error)
{
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(GBytes) flash = NULL;
	g_autoptr(GError) error_close = NULL;
	UbCliWait wait;

	device = ub_cli_device_new(sim, serial, FALSE, error);
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

static int
firmware_identify(int argc, char **argv)
{
	gboolean json = FALSE;
	gboolean target = FALSE;
	g_autofree gchar *sim = NULL;
	g_autofree gchar *serial = NULL;
	g_autofree gchar *base_text = NULL;
	g_auto(GStrv) known = NULL;
	const GOptionEntry entries[] = {
	        {"json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL},
	        {"base", 0, 0, G_OPTION_ARG_STRING, &base_text,
	         N_("Load address of a raw .bin (default 0x08000000)"), N_("ADDRESS")},
	        {"known", 0, 0, G_OPTION_ARG_STRING_ARRAY, &known,
	         N_("A HW name to look for in images without marker (repeatable)"), N_("NAME")},
	        {"target", 0, 0, G_OPTION_ARG_NONE, &target,
	         N_("Identify what is on the chip behind the probe"), NULL},
	        {"sim", 0, 0, G_OPTION_ARG_STRING, &sim,
	         N_("With --target: use the in-process simulator with this bench"), N_("BOARD")},
	        {"serial", 0, 0, G_OPTION_ARG_STRING, &serial,
	         N_("With --target: use the probe with this serial number"), N_("SERIAL")},
	        {NULL},
	};
	g_autoptr(GOptionContext) context = g_option_context_new(_("FILE | --target"));
	g_autoptr(GError) error = NULL;
	g_autoptr(UbImage) image = NULL;
	g_autoptr(UbFirmwareInfo) info = NULL;
	guint32 base = UB_IMAGE_DEFAULT_BASE;

	g_option_context_set_summary(context, _("Say what a firmware image or flash backup is "
	                                        "and which VESC hardware it was built for."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_add_common_options(context);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("unbrick-cli firmware identify: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (target && argc == 1) {
		info = identify_target(sim, serial, (const gchar *const *)known, &error);
		if (info == NULL) {
			int code = ub_cli_report_error("firmware identify", error);
			return code;
		}
		goto print;
	}
	if (argc != 2 || target) {
		g_printerr("%s", _("usage: unbrick-cli firmware identify FILE [--json]\n"
				   "       unbrick-cli firmware identify --target [--sim BOARD] "
				   "[--json]\n"));
		return EXIT_USAGE;
	}
	if (base_text != NULL && !parse_address(base_text, &base)) {
		g_printerr(_("unbrick-cli firmware identify: bad address '%s'\n"), base_text);
		return EXIT_USAGE;
	}
	image = ub_image_new_from_file(argv[1], base, &error);
	if (image != NULL)
		info = ub_firmware_info_new_from_image(image, (const gchar *const *)known, &error);
	if (info == NULL) {
		g_printerr("unbrick-cli firmware identify: %s\n", error->message);
		return exit_code_for_error(error);
	}
print:
	if (json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		ub_firmware_info_to_json(info, builder);
		print_json(builder);
	} else {
		print_info(info, "");
	}
	return EXIT_OK;
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
	gboolean json = FALSE;
	gboolean all = FALSE;
	g_auto(GStrv) board = NULL;
	const GOptionEntry entries[] = {
	        {"board", 0, 0, G_OPTION_ARG_STRING_ARRAY, &board,
	         N_("Only firmware for this VESC HW name (repeatable)"), N_("NAME")},
	        {"all", 0, 0, G_OPTION_ARG_NONE, &all,
	         N_("Also list variants besides VESC_default.bin"), NULL},
	        {"json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL},
	        {NULL},
	};
	g_autoptr(GOptionContext) context = g_option_context_new(_("DIR|FILE…"));
	g_autoptr(GError) error = NULL;
	g_autoptr(UbFirmwareCatalog) catalog = ub_firmware_catalog_new();
	g_autoptr(GPtrArray) applications = NULL;
	UbFirmwareEntry *bootloader = NULL;
	g_autoptr(GError) bootloader_error = NULL;
	const gchar *const *skipped;

	g_option_context_set_summary(context, _("List firmware in a folder laid out like VESC "
	                                        "Tool's archive, newest first."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	ub_cli_add_common_options(context);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("unbrick-cli firmware list: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (argc < 2) {
		g_printerr("%s", _("usage: unbrick-cli firmware list DIR [--board NAME]\n"));
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		gboolean ok = g_file_test(argv[i], G_FILE_TEST_IS_DIR)
		                      ? ub_firmware_catalog_add_directory(catalog, argv[i], &error)
		                      : ub_firmware_catalog_add_file(catalog, argv[i], &error);
		if (!ok) {
			g_printerr("unbrick-cli firmware list: %s\n", error->message);
			return exit_code_for_error(error);
		}
	}
	applications =
	        ub_firmware_catalog_list_for_board(catalog, (const gchar *const *)board, all);
	if (board != NULL)
		bootloader = ub_firmware_catalog_pick_bootloader(
		        catalog, (const gchar *const *)board, &bootloader_error);
	skipped = ub_firmware_catalog_get_skipped(catalog);

	if (json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "firmware");
		json_builder_begin_array(builder);
		for (guint i = 0; i < applications->len; i++)
			entry_to_json(g_ptr_array_index(applications, i), builder);
		json_builder_end_array(builder);
		if (board != NULL) {
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
		print_json(builder);
		return EXIT_OK;
	}

	if (applications->len == 0)
		g_print("%s\n", board != NULL ? _("No firmware for this hardware.")
		                              : _("No firmware found."));
	for (guint i = 0; i < applications->len; i++)
		print_entry(g_ptr_array_index(applications, i));
	if (board == NULL) {
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
	return EXIT_OK;
}

/**
 * ub_cli_firmware:
 * @argv: "firmware", then the subcommand and its arguments
 */
int
ub_cli_firmware(int argc, char **argv)
{
	if (argc < 2) {
		g_printerr("%s", _("usage: unbrick-cli firmware identify FILE [--json]\n"
		                   "       unbrick-cli firmware list DIR [--board NAME] [--all] "
		                   "[--json]\n"));
		return EXIT_USAGE;
	}
	if (g_strcmp0(argv[1], "identify") == 0)
		return firmware_identify(argc - 1, argv + 1);
	if (g_strcmp0(argv[1], "list") == 0)
		return firmware_list(argc - 1, argv + 1);
	g_printerr(_("unbrick-cli firmware: unknown command '%s'\n"), argv[1]);
	return EXIT_USAGE;
}
