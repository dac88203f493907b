/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbProbeKind: which family of debug probe a USB device is, and how that is told: ST-LINKs by
 * their ids, CMSIS-DAP probes by the "CMSIS-DAP" in their strings. (Implemented in
 * ub-probe-info.c.)
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	UB_PROBE_KIND_UNKNOWN,
	UB_PROBE_KIND_STLINK_V1, /* listed, not supported (SCSI-wrapped protocol) */
	UB_PROBE_KIND_STLINK_V2,
	UB_PROBE_KIND_STLINK_V2_1,
	UB_PROBE_KIND_STLINK_V3,
	UB_PROBE_KIND_CMSIS_DAP,    /* CMSIS-DAP v2: a vendor interface with bulk endpoints */
	UB_PROBE_KIND_CMSIS_DAP_V1, /* listed, not supported yet (HID reports) */
} UbProbeKind;

#define UB_USB_VID_STMICRO 0x0483

/* the kind of an ST-LINK from its USB ids (as every tool does: by PID, not descriptors) */
UbProbeKind ub_probe_kind_from_usb_ids(guint16 vendor_id, guint16 product_id);
/* does an interface or product string name a CMSIS-DAP (OpenOCD's and the specification's
 * rule: it contains "CMSIS-DAP")? */
gboolean ub_probe_string_names_cmsis_dap(const char *text);
/* CMSIS-DAP probes known by their ids, to name them when they cannot be opened (no udev
 * rule yet): "Raspberry Pi Debug Probe or Pico (debugprobe)", "DAPLink"; NULL otherwise */
const char *ub_probe_known_cmsis_dap_name(guint16 vendor_id, guint16 product_id);
const char *ub_probe_kind_to_string(UbProbeKind kind);
gboolean ub_probe_kind_is_supported(UbProbeKind kind);

G_END_DECLS
