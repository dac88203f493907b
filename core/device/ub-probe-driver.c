/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error.h"
#include "ub-probe-cmsis-dap.h"
#include "ub-probe-driver.h"
#include "ub-probe-stlink.h"

/**
 * ub_probe_driver_new:
 * @transport: an opened transport; its kind says which family is on the other end
 *
 * Returns: (transfer full): the driver; nothing is sent until ub_probe_open()
 */
UbProbe *
ub_probe_driver_new(UbTransport *transport, GError **error)
{
	UbProbeKind kind;

	g_return_val_if_fail(UB_IS_TRANSPORT(transport), NULL);

	kind = ub_transport_get_kind(transport);
	if (kind == UB_PROBE_KIND_CMSIS_DAP)
		return UB_PROBE(ub_probe_cmsis_dap_new(transport, error));
	if (kind == UB_PROBE_KIND_CMSIS_DAP_V1) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
			    "%04x:%04x is a CMSIS-DAP v1 (HID) probe, which is not supported yet",
			    ub_transport_get_vendor_id(transport),
			    ub_transport_get_product_id(transport));
		return NULL;
	}
	return UB_PROBE(ub_probe_stlink_new(transport, error));
}

gboolean
ub_probe_driver_query(UbProbe *probe, GError **error)
{
	g_return_val_if_fail(UB_IS_PROBE(probe), FALSE);

	if (UB_IS_PROBE_CMSIS_DAP(probe))
		return ub_probe_cmsis_dap_query_info(UB_PROBE_CMSIS_DAP(probe), error);
	return ub_probe_stlink_query_version(UB_PROBE_STLINK(probe), error);
}
