/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimStlink: the firmware of an ST-LINK/V2 (V2J37S7), V2-1 or V3 as seen from USB. The host
 * sends 16-byte commands (and write data) as bulk OUT transfers and collects replies as bulk IN
 * transfers; the model interprets them exactly as the probe does, performing SWD transactions
 * through a UbSimLink, and charges every round trip and SWD bit to the virtual clock.
 *
 * This byte-level API is the whole surface: the in-process transport and the umockdev USB
 * device (unbrick-sim) both sit on it.
 */
#pragma once

#include <glib-object.h>

#include "ub-sim-link.h"
#include "ub-sim-probe.h"

G_BEGIN_DECLS

typedef enum {
	UB_SIM_STLINK_V2,   /* 0483:3748 */
	UB_SIM_STLINK_V2_1, /* 0483:374B (Nucleo) */
	UB_SIM_STLINK_V3,   /* 0483:374E (STLINK-V3E / V3MINIE) */
} UbSimStlinkKind;

/* the ST-LINK's figures are those of every simulated probe */
typedef UbSimProbeStats UbSimStlinkStats;

#define UB_TYPE_SIM_STLINK (ub_sim_stlink_get_type())
G_DECLARE_FINAL_TYPE(UbSimStlink, ub_sim_stlink, UB, SIM_STLINK, GObject)

UbSimStlink *ub_sim_stlink_new(UbSimStlinkKind kind, UbSimLink *link, UbSimClock *clock);
const UbSimUsbIdentity *ub_sim_stlink_get_identity(UbSimStlink *self);
UbSimLink *ub_sim_stlink_get_link(UbSimStlink *self);

/* the host wrote len bytes to an OUT endpoint (a command is exactly 16 bytes) */
void ub_sim_stlink_bulk_out(UbSimStlink *self, guint8 endpoint, const guint8 *data, gsize len);
/* bulk_in: the host has room for len bytes, and the probe answers babble */
#define UB_SIM_STLINK_IN_OVERFLOW UB_SIM_PROBE_IN_OVERFLOW
/* the host reads from an IN endpoint: whole packets copied (a short one ends the reply), -1
 * when the probe has nothing (NAK), or UB_SIM_STLINK_IN_OVERFLOW when len has no room for
 * the next packet (the packet stays queued) */
gssize ub_sim_stlink_bulk_in(UbSimStlink *self, guint8 endpoint, guint8 *buffer, gsize len);
/* what waits in the probe: reply bytes not yet read, data bytes of a write still expected */
void ub_sim_stlink_get_pending(UbSimStlink *self, gsize *reply_bytes, gsize *data_bytes);
/* USB bus reset / re-plug: the probe firmware restarts (mode DFU/idle) */
void ub_sim_stlink_usb_reset(UbSimStlink *self);

void ub_sim_stlink_get_stats(UbSimStlink *self, UbSimStlinkStats *stats);
/* for tests: record every command block taken (16 bytes each) */
void ub_sim_stlink_set_trace(UbSimStlink *self, gboolean trace);
/* (transfer full): the commands recorded so far, of GBytes; recording goes on */
GPtrArray *ub_sim_stlink_take_trace(UbSimStlink *self);
void ub_sim_stlink_reset_stats(UbSimStlink *self);

UbSimStlinkKind ub_sim_stlink_get_kind(UbSimStlink *self);
const char *ub_sim_stlink_kind_to_string(UbSimStlinkKind kind);
/* the USB serial becomes 24 upper-case hex chars derived from seed (e.g. the board name) */
void ub_sim_stlink_set_serial_seed(UbSimStlink *self, const char *seed);
/* the firmware version the probe runs, as ST prints it ("V2J17S4"): an older one answers
 * only the commands it had; FALSE (UB_DATA_ERROR) for a malformed one or another hardware */
gboolean ub_sim_stlink_set_firmware(UbSimStlink *self, const char *version, GError **error);
char *ub_sim_stlink_get_firmware(UbSimStlink *self);
/* a clone reports its own 3.3 V rail, not the target's (boards-and-firmware.md §3.1);
 * 0 (the default) = a genuine VAPP sense through the link */
void ub_sim_stlink_set_clone_voltage_mv(UbSimStlink *self, guint mv);
/* APIV2_RESETSYS (F2 32): TRUE (default) = an NRST pulse through the link, FALSE = an
 * AIRCR.SYSRESETREQ written over SWD (stlink-and-stm32f4.md Doubt 3) */
void ub_sim_stlink_set_resetsys_pulses_nrst(UbSimStlink *self, gboolean pulse);
/* current SWD clock in kHz (1800 after power-up) */
guint ub_sim_stlink_get_swd_khz(UbSimStlink *self);

G_END_DECLS
