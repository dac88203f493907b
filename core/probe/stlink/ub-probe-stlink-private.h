/* SPDX-License-Identifier: GPL-3.0-or-later */
/* decoding helpers of UbProbeStlink, exposed for tests */
#pragma once

#include "ub-probe-stlink.h"

G_BEGIN_DECLS

typedef struct {
	guint hw;     /* 2 = V2/V2-1, 3 = V3 */
	guint jtag;   /* "J": the debug firmware number, gates features */
	guint swim;   /* "S" */
	guint msd;    /* "M": mass storage (V2-1, V3) */
	guint bridge; /* "B" (V3) */
	guint16 vendor_id;
	guint16 product_id;
} UbStlinkVersion;

/* probe modes (GET_CURRENT_MODE byte 0) */
#define UB_STLINK_MODE_DFU 0x00
#define UB_STLINK_MODE_MASS 0x01
#define UB_STLINK_MODE_DEBUG 0x02
#define UB_STLINK_MODE_SWIM 0x03
#define UB_STLINK_MODE_BOOTLOADER 0x04

gboolean ub_stlink_version_decode(const guint8 *reply, gsize len, UbProbeKind kind,
				  UbStlinkVersion *version, GError **error);
gboolean ub_stlink_version_decode_v3(const guint8 *reply, gsize len, UbStlinkVersion *version,
				     GError **error);
char *ub_stlink_version_to_string(const UbStlinkVersion *version);
/* the one table of status byte → error; TRUE for OK (and write-verify, as OpenOCD) */
gboolean ub_stlink_status_check(guint8 status, GError **error);
gboolean ub_stlink_status_is_wait(guint8 status);
gboolean ub_stlink_voltage_decode(const guint8 *reply, gsize len, guint *millivolts,
				  GError **error);
/* V2 SWD_SET_FREQ: the fastest divisor not faster than @khz (OpenOCD's rule) */
guint16 ub_stlink_swd_divisor(guint khz, guint *actual_khz);

G_END_DECLS
