/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbProbe: a debug probe, whatever its protocol. Subclasses (UbProbeStlink, UbProbeCmsisDap)
 * implement the vfuncs; UbTarget builds halt/reset/identify on top of them. Every call
 * is synchronous and does USB round trips: use it from a UbDevice job, never from the UI thread.
 *
 *   g_autoptr(UbProbe) probe = UB_PROBE(ub_probe_stlink_new(transport, &error));
 *   if (!ub_probe_open(probe, &error) || !ub_probe_enter_swd(probe, &error))
 *           return FALSE;
 *   ub_probe_read_u32(probe, 0xE000ED00, &cpuid, &error);
 */
#pragma once

#include <glib-object.h>

#include "ub-clock.h"
#include "ub-probe-info.h"
#include "ub-transport.h"

G_BEGIN_DECLS

typedef enum {
	UB_NRST_LOW,   /* assert reset and keep it */
	UB_NRST_HIGH,  /* release */
	UB_NRST_PULSE, /* the probe asserts and releases it */
} UbNrst;

/* what a probe can do beyond moving SWD transactions; known after ub_probe_open() */
typedef enum {
	UB_PROBE_FEATURE_NONE = 0,
	/* measures the board's supply on a sense pin (genuine ST-LINKs): without it the power
	 * check falls to the person at the bench */
	UB_PROBE_FEATURE_TARGET_VOLTAGE = 1 << 0,
	/* has an NRST output (whether it is wired to the board is another matter) */
	UB_PROBE_FEATURE_NRST = 1 << 1,
} UbProbeFeatures;

/* bus access width for memory transfers; AUTO lets the probe split into the widest it can */
typedef enum {
	UB_ACCESS_AUTO = 0,
	UB_ACCESS_8 = 1,
	UB_ACCESS_16 = 2,
	UB_ACCESS_32 = 4,
} UbAccess;

#define UB_TYPE_PROBE (ub_probe_get_type())
G_DECLARE_DERIVABLE_TYPE(UbProbe, ub_probe, UB, PROBE, GObject)

struct _UbProbeClass {
	GObjectClass parent_class;
	/* version, leave DFU/mass-storage/debug mode: the probe is then idle */
	gboolean (*open)(UbProbe *self, GError **error);
	gboolean (*close)(UbProbe *self, GError **error);
	gboolean (*get_target_voltage)(UbProbe *self, guint *millivolts, GError **error);
	gboolean (*set_swd_frequency)(UbProbe *self, guint khz, guint *actual_khz, GError **error);
	gboolean (*enter_swd)(UbProbe *self, GError **error);
	gboolean (*leave_debug)(UbProbe *self, GError **error);
	gboolean (*read_dp_idcode)(UbProbe *self, guint32 *idcode, GError **error);
	gboolean (*read_memory)(UbProbe *self, guint32 address, guint8 *buffer, gsize len,
				UbAccess access, GError **error);
	gboolean (*write_memory)(UbProbe *self, guint32 address, const guint8 *data, gsize len,
				 UbAccess access, GError **error);
	gboolean (*read_u32)(UbProbe *self, guint32 address, guint32 *value, GError **error);
	gboolean (*write_u32)(UbProbe *self, guint32 address, guint32 value, GError **error);
	gboolean (*read_core_register)(UbProbe *self, guint regsel, guint32 *value,
				       GError **error);
	gboolean (*write_core_register)(UbProbe *self, guint regsel, guint32 value,
					GError **error);
	gboolean (*drive_nrst)(UbProbe *self, UbNrst action, GError **error);
	gboolean (*reset_system)(UbProbe *self, GError **error);
	/* memory commands of this width exist (not split into narrower ones); default TRUE */
	gboolean (*supports_access)(UbProbe *self, UbAccess access);
	/* as read_memory, but the probe may leave out a per-command status round trip; NULL:
	 * read_memory */
	gboolean (*read_memory_unchecked)(UbProbe *self, guint32 address, guint8 *buffer,
					  gsize len, UbAccess access, GError **error);
	gpointer padding[6];
};

UbTransport *ub_probe_get_transport(UbProbe *self);
UbProbeKind ub_probe_get_kind(UbProbe *self);
/* "V2J37S7"; NULL before ub_probe_open() */
const char *ub_probe_get_firmware_version(UbProbe *self);
/* the largest span one read_memory/write_memory call moves (the caller chunks above it) */
gsize ub_probe_get_max_transfer(UbProbe *self);
/* the probe moves @access-wide elements as such; FALSE: it would split them (an ST-LINK/V2
 * before J26 has no 16-bit commands), which a flash programming at that width refuses */
gboolean ub_probe_supports_access(UbProbe *self, UbAccess access);
UbProbeFeatures ub_probe_get_features(UbProbe *self);

gboolean ub_probe_open(UbProbe *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_close(UbProbe *self, GError **error);
gboolean ub_probe_get_target_voltage(UbProbe *self, guint *millivolts,
				     GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_set_swd_frequency(UbProbe *self, guint khz, guint *actual_khz,
				    GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_enter_swd(UbProbe *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_leave_debug(UbProbe *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_read_dp_idcode(UbProbe *self, guint32 *idcode,
				 GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_read_memory(UbProbe *self, guint32 address, guint8 *buffer, gsize len,
			      UbAccess access, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_read_memory_unchecked(UbProbe *self, guint32 address, guint8 *buffer,
					gsize len, UbAccess access,
					GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_write_memory(UbProbe *self, guint32 address, const guint8 *data, gsize len,
			       UbAccess access, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_read_u32(UbProbe *self, guint32 address, guint32 *value,
			   GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_write_u32(UbProbe *self, guint32 address, guint32 value,
			    GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_read_core_register(UbProbe *self, guint regsel, guint32 *value,
				     GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_write_core_register(UbProbe *self, guint regsel, guint32 value,
				      GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_drive_nrst(UbProbe *self, UbNrst action,
			     GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_reset_system(UbProbe *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* the time a retry waits in: the device's clock (on a simulated bench, its virtual time) */
UbClock *ub_probe_get_clock(UbProbe *self);
void ub_probe_set_clock(UbProbe *self, UbClock *clock);

/* for subclasses */
void ub_probe_set_kind(UbProbe *self, UbProbeKind kind);
void ub_probe_set_firmware_version(UbProbe *self, const char *version);
void ub_probe_set_max_transfer(UbProbe *self, gsize max_transfer);
void ub_probe_set_features(UbProbe *self, UbProbeFeatures features);

G_END_DECLS
