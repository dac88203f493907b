/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unbrick-cli probe: list the attached (or one simulated) debug probes: ST-LINK and CMSIS-DAP */
#include "config.h"

#include <glib/gi18n.h>

#include "cli-private.h"
#include "ub-error.h"
#include "ub-probe-monitor.h"
#include "ub-sim-board.h"

static void
ub_cli_probe_print(UbProbeInfo *info)
{
	const GError *problem = ub_probe_info_get_problem(info);
	const char *serial = ub_probe_info_get_serial(info);
	const char *firmware = ub_probe_info_get_firmware_version(info);
	const char *product = ub_probe_info_get_product(info);

	/* TRANSLATORS: shown when a value could not be read */
	g_print("%-13s %-24s %-10s %s", ub_probe_kind_to_string(ub_probe_info_get_kind(info)),
		serial != NULL ? serial : _("unknown"), firmware != NULL ? firmware : _("unknown"),
		ub_probe_info_get_path(info));
	/* a CMSIS-DAP probe is known by its product string, any vendor may make one */
	if (product != NULL && ub_probe_string_names_cmsis_dap(product))
		g_print("  %s", product);
	if (ub_probe_info_get_kind(info) == UB_PROBE_KIND_CMSIS_DAP_V1)
		/* TRANSLATORS: a CMSIS-DAP probe that only speaks the older HID protocol */
		g_print("  (%s)", _("CMSIS-DAP v1 (HID): not supported yet"));
	else if (!ub_probe_kind_is_supported(ub_probe_info_get_kind(info)))
		g_print("  (%s)", _("not supported"));
	else if (problem != NULL)
		g_print("  (%s)", problem->message);
	g_print("\n");
}

int
ub_cli_probe(int argc, char **argv)
{
	UbCliOptions options = {0};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(UbProbeMonitor) monitor = NULL;
	g_autoptr(GPtrArray) probes = NULL;
	g_autoptr(JsonNode) result = NULL;
	g_autoptr(GError) error = NULL;
	UbCliWait wait;
	int status;

	g_option_context_set_summary(context, _("List attached debug probes (ST-LINK, CMSIS-DAP): "
						"kind, serial, firmware version, USB path."));
	ub_cli_options_add(&options, context,
			   UB_CLI_OPTION_SIM | UB_CLI_OPTION_JSON | UB_CLI_OPTION_VERBOSE);
	if (!ub_cli_options_parse(&options, "probe", context, &argc, &argv, 0)) {
		ub_cli_options_clear(&options);
		return UB_CLI_EXIT_USAGE;
	}

	monitor = ub_probe_monitor_new();
	if (options.sim != NULL) {
		g_autoptr(UbSimBoard) bench = ub_sim_board_new_from_name(options.sim, &error);
		if (bench == NULL) {
			status = ub_cli_finish("probe", &options, NULL, error);
			ub_cli_options_clear(&options);
			return status;
		}
		ub_probe_monitor_add_provider(monitor, UB_TRANSPORT_PROVIDER(bench));
		ub_probe_monitor_set_usb_enabled(monitor, FALSE);
	}
	ub_cli_wait_init(&wait);
	ub_probe_monitor_enumerate_async(monitor, wait.cancellable, ub_cli_wait_cb, &wait);
	probes = ub_probe_monitor_enumerate_finish(monitor, ub_cli_wait_run(&wait), &error);
	ub_cli_wait_clear(&wait);
	if (probes != NULL && probes->len == 0)
		g_set_error_literal(&error, UB_PROBE_ERROR, UB_PROBE_ERROR_NOT_FOUND,
				    "no ST-LINK or CMSIS-DAP probe on USB");
	if (error == NULL && options.json) {
		g_autoptr(JsonBuilder) builder = json_builder_new();
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "probes");
		json_builder_begin_array(builder);
		for (guint i = 0; i < probes->len; i++)
			json_builder_add_value(builder,
					       ub_probe_info_to_json(g_ptr_array_index(probes, i)));
		json_builder_end_array(builder);
		json_builder_end_object(builder);
		result = json_builder_get_root(builder);
	} else if (error == NULL) {
		for (guint i = 0; i < probes->len; i++)
			ub_cli_probe_print(g_ptr_array_index(probes, i));
	}
	status = ub_cli_finish("probe", &options, result, error);
	ub_cli_options_clear(&options);
	return status;
}
