/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unbrick-cli info: connect and identify the chip */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-private.h"
#include "ub-device.h"
#include "ub-probe.h"

static const char *
ub_cli_info_rdp_text(guint level)
{
	switch (level) {
	case 0:
		/* TRANSLATORS: read protection (RDP) level 0 */
		return _("level 0 (not protected)");
	case 1:
		return _("level 1 (flash read-protected)");
	case 2:
	default:
		return _("level 2 (locked for good)");
	}
}

static void
ub_cli_info_print(UbTargetInfo *info, gboolean senses_voltage)
{
	const char *revision = ub_target_info_get_revision(info);
	guint mv = ub_target_info_get_voltage_mv(info);
	g_autofree char *voltage = NULL;

	if (mv > 0)
		voltage = g_strdup_printf("%.2f V", mv / 1000.0);
	else if (!senses_voltage)
		/* TRANSLATORS: the probe has no pin to measure the board's voltage (CMSIS-DAP) */
		voltage = g_strdup(_("not measured (this probe cannot)"));
	else
		voltage = g_strdup(_("unknown"));
	/* TRANSLATORS: the labels are padded to line up; keep them short */
	g_print("%-17s %s %s (%s)\n", _("Probe:"), ub_target_info_get_probe_kind(info),
		ub_target_info_get_probe_firmware(info), ub_target_info_get_probe_serial(info));
	g_print("%-17s %s (DEV_ID 0x%03x)\n", _("Chip:"), ub_target_info_get_chip_name(info),
		ub_target_info_get_dev_id(info));
	g_print("%-17s %s (REV_ID 0x%04x)\n", _("Revision:"),
		revision != NULL ? revision : _("unknown"), ub_target_info_get_rev_id(info));
	g_print("%-17s %u KiB\n", _("Flash size:"), ub_target_info_get_flash_size(info) / 1024);
	g_print("%-17s %s\n", _("Unique ID:"), ub_target_info_get_uid(info));
	g_print("%-17s %s\n", _("Target voltage:"), voltage);
	g_print("%-17s %s\n", _("Read protection:"),
		ub_cli_info_rdp_text(ub_target_info_get_rdp_level(info)));
	g_print("%-17s %s\n", _("Core:"),
		ub_core_state_to_string(ub_target_info_get_core_state(info)));
}

int
ub_cli_info(int argc, char **argv)
{
	UbCliOptions options = {0};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(UbDevice) device = NULL;
	g_autoptr(UbTargetInfo) info = NULL;
	g_autoptr(JsonNode) result = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_close = NULL;
	UbCliWait wait;
	gboolean senses_voltage = TRUE;
	int status;

	g_option_context_set_summary(
	    context, _("Connect to the target and print chip, revision, flash size, unique ID, "
		       "target voltage, read protection and core state."));
	ub_cli_options_add(&options, context,
			   UB_CLI_OPTION_DEVICE | UB_CLI_OPTION_JSON | UB_CLI_OPTION_VERBOSE);
	if (!ub_cli_options_parse(&options, "info", context, &argc, &argv, 0)) {
		ub_cli_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}
	device = ub_cli_options_new_device(&options, !options.json, &error);
	if (device != NULL) {
		ub_cli_wait_init(&wait);
		ub_device_read_info_async(device, wait.cancellable, ub_cli_wait_cb, &wait);
		info = ub_device_read_info_finish(device, ub_cli_wait_run(&wait), &error);
		if (ub_device_get_probe(device) != NULL)
			senses_voltage = (ub_probe_get_features(ub_device_get_probe(device)) &
					  UB_PROBE_FEATURE_TARGET_VOLTAGE) != 0;
		/* leave debug mode either way; the target keeps running */
		ub_device_close_async(device, NULL, ub_cli_wait_cb, &wait);
		if (!ub_device_close_finish(device, ub_cli_wait_run(&wait), &error_close))
			g_debug("closing: %s", error_close->message);
		ub_cli_wait_clear(&wait);
	}
	if (info != NULL && options.json)
		result = ub_target_info_to_json(info);
	else if (info != NULL)
		ub_cli_info_print(info, senses_voltage);
	status = ub_cli_finish("info", &options, result, error);
	ub_cli_options_clear(&options);
	return status;
}
