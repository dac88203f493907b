/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbTarget: the debug layer over a UbProbe: connect (enter SWD, DP IDCODE, CPUID), halt,
 * run, step, reset by NRST or AIRCR.SYSRESETREQ with halt-on-reset (DEMCR.VC_CORERESET),
 * core registers, memory of any length (chunked, cancellable, with progress) and chip
 * identification from the chip data. Synchronous: runs in a UbDevice job.
 *
 *   g_autoptr(UbTarget) target = ub_target_new(probe);
 *   if (!ub_target_connect(target, &error)) …
 *   info = ub_target_read_info(target, chip_db, cancellable, &error);
 */
#pragma once

#include <gio/gio.h>

#include "ub-chip-db.h"
#include "ub-clock.h"
#include "ub-probe.h"
#include "ub-progress.h"
#include "ub-target-info.h"

G_BEGIN_DECLS

/* ARMv7-M debug registers (ARM DDI 0403 C1.6; reference §5.1) */
#define UB_CPUID 0xE000ED00u
#define UB_AIRCR 0xE000ED0Cu
#define UB_DFSR 0xE000ED30u
#define UB_DHCSR 0xE000EDF0u
#define UB_DEMCR 0xE000EDFCu
#define UB_DBGMCU_IDCODE 0xE0042000u

#define UB_DHCSR_DBGKEY 0xA05F0000u
#define UB_DHCSR_C_DEBUGEN (1u << 0)
#define UB_DHCSR_C_HALT (1u << 1)
#define UB_DHCSR_C_STEP (1u << 2)
#define UB_DHCSR_C_MASKINTS (1u << 3)
#define UB_DHCSR_S_REGRDY (1u << 16)
#define UB_DHCSR_S_HALT (1u << 17)
#define UB_DHCSR_S_SLEEP (1u << 18)
#define UB_DHCSR_S_LOCKUP (1u << 19)
#define UB_DHCSR_S_RESET_ST (1u << 25)
#define UB_DEMCR_VC_CORERESET (1u << 0)
/* VC_CORERESET and VC_MMERR … VC_HARDERR (ARMv7-M C1.6.5) */
#define UB_DEMCR_VC_ALL 0x000007F1u
#define UB_DEMCR_TRCENA (1u << 24)
#define UB_AIRCR_VECTKEY 0x05FA0000u
#define UB_AIRCR_SYSRESETREQ (1u << 2)

/* REGSEL values (DCRSR; the ST-LINK READREG index) */
#define UB_REG_SP 13
#define UB_REG_LR 14
#define UB_REG_PC 15
#define UB_REG_XPSR 16
#define UB_REG_MSP 17
#define UB_REG_PSP 18

typedef enum {
	UB_RESET_NRST,	      /* the probe drives NRST low, then releases it */
	UB_RESET_SYSRESETREQ, /* AIRCR.SYSRESETREQ through the debug port */
} UbResetMethod;

#define UB_TYPE_TARGET (ub_target_get_type())
G_DECLARE_FINAL_TYPE(UbTarget, ub_target, UB, TARGET, GObject)

UbTarget *ub_target_new(UbProbe *probe) G_GNUC_WARN_UNUSED_RESULT;
UbClock *ub_target_get_clock(UbTarget *self);
void ub_target_set_clock(UbTarget *self, UbClock *clock);
UbProbe *ub_target_get_probe(UbTarget *self);

gboolean ub_target_connect(UbTarget *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_target_is_connected(UbTarget *self);
/* a running core is left without halting debug before the probe lets go */
gboolean ub_target_release(UbTarget *self, GError **error);
void ub_target_set_disconnected(UbTarget *self);
guint32 ub_target_get_dp_idcode(UbTarget *self);
/* the SWD clock the probe makes (kHz; 0: the probe's own, it cannot set one) */
guint ub_target_get_swd_khz(UbTarget *self);
gboolean ub_target_tune_swd_clock(UbTarget *self, guint32 scratch, gsize len,
				  GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_target_swd_step_down(UbTarget *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* the debug port answers a DP IDCODE read (after a link error: the target is still there) */
gboolean ub_target_dp_answers(UbTarget *self);
/* a transfer failed the way noise on the wires makes it fail (no valid ACK, parity) */
gboolean ub_target_error_is_link(const GError *error);
guint32 ub_target_get_cpuid(UbTarget *self);

gboolean ub_target_get_core_state(UbTarget *self, UbCoreState *state,
				  GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_target_halt(UbTarget *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_target_run(UbTarget *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_target_step(UbTarget *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_target_reset(UbTarget *self, UbResetMethod method, gboolean halt,
			 GError **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean ub_target_read_core_register(UbTarget *self, guint regsel, guint32 *value,
				      GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_target_write_core_register(UbTarget *self, guint regsel, guint32 value,
				       GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_target_read_u32(UbTarget *self, guint32 address, guint32 *value,
			    GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_target_write_u32(UbTarget *self, guint32 address, guint32 value,
			     GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* any address and length; @progress (nullable) gets bytes done; cancellable between chunks */
gboolean ub_target_read_memory(UbTarget *self, guint32 address, guint8 *buffer, gsize len,
			       UbProgress *progress, GCancellable *cancellable,
			       GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_target_write_memory(UbTarget *self, guint32 address, const guint8 *data, gsize len,
				UbProgress *progress, GCancellable *cancellable,
				GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* identify: DBGMCU_IDCODE, chip data, flash size, UID, option bytes, core state, voltage */
UbTargetInfo *ub_target_read_info(UbTarget *self, UbChipDb *chip_db, GCancellable *cancellable,
				  GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* the chip found by the last ub_target_read_info(), or NULL; (transfer none) */
UbChip *ub_target_get_chip(UbTarget *self);

G_END_DECLS
