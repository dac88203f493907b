/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimFaults: what goes wrong on a bench, at a moment of its virtual clock. Each fault is
 * modelled where it happens physically, so the driver, the flash engine and the job meet it
 * exactly as they would meet the real thing:
 *
 *   unplug      the probe's USB cable comes out: every transfer fails, the probe loses power
 *               (its NRST output lets go) and restarts when plugged back in
 *   power       the board's supply goes: the MCU is off, the probe reads 0 V
 *   nrst        NRST is pulled low for a while (a finger on the reset button, a brown-out):
 *               the system resets, the debug domain keeps working
 *   wait        another AHB master (a DMA burst) holds the bus matrix: the debugger's memory
 *               accesses get WAIT until it lets go; the core's private bus (SCS) still answers
 *   noise       noise on SWDIO corrupts what the probe drives: write data fails its parity,
 *               the DP sets WDATAERR and answers FAULT until the probe clears it
 *   usb-stall   the probe's USB stops answering (a hub or EMI hiccup): transfers time out, the
 *               host having waited their timeout on the bench's clock
 *   kill        the program driving the probe is killed (SIGKILL) where it stands
 *
 * The moment is absolute on the bench's clock; faults with a duration end by themselves.
 * Unplug and power stay until ub_sim_faults_replug() / ub_sim_mcu_set_powered().
 *
 *   ub_sim_faults_schedule(ub_sim_board_get_faults(board), UB_SIM_FAULT_NRST,
 *                          now + 2 * UB_SIM_NS_PER_MS, 100 * UB_SIM_NS_PER_MS);
 */
#pragma once

#include <glib-object.h>

#include "ub-sim-clock.h"
#include "ub-sim-link.h"
#include "ub-sim-probe.h"

G_BEGIN_DECLS

typedef enum {
	UB_SIM_FAULT_UNPLUG,
	UB_SIM_FAULT_POWER,
	UB_SIM_FAULT_NRST,
	UB_SIM_FAULT_WAIT,
	UB_SIM_FAULT_NOISE,
	UB_SIM_FAULT_USB_STALL,
	UB_SIM_FAULT_KILL,
} UbSimFaultKind;

#define UB_SIM_FAULT_KIND_COUNT (UB_SIM_FAULT_KILL + 1)

#define UB_TYPE_SIM_FAULTS (ub_sim_faults_get_type())
G_DECLARE_FINAL_TYPE(UbSimFaults, ub_sim_faults, UB, SIM_FAULTS, GObject)

UbSimFaults *ub_sim_faults_new(UbSimClock *clock, UbSimLink *link,
                               UbSimProbe *probe) G_GNUC_WARN_UNUSED_RESULT;

/* @at_ns: on the bench's clock; @duration_ns: for nrst, wait, noise and usb-stall */
void ub_sim_faults_schedule(UbSimFaults *self, UbSimFaultKind kind, guint64 at_ns,
                            guint64 duration_ns);
/* drops what has not struck yet */
void ub_sim_faults_clear(UbSimFaults *self);
/* the person puts right what the faults did, as between two runs: what has not struck is
 * dropped, NRST is let go, the noise and the USB stall end, the probe is plugged back in and
 * the supply a fault took comes back */
void ub_sim_faults_repair(UbSimFaults *self);
/* how many scheduled faults have struck */
guint ub_sim_faults_get_struck(UbSimFaults *self);

/* the probe's USB */
gboolean ub_sim_faults_get_plugged(UbSimFaults *self);
void ub_sim_faults_unplug(UbSimFaults *self);
void ub_sim_faults_replug(UbSimFaults *self);
/* how often the probe was plugged back in: a USB handle opened before a re-plug is gone, even
 * if nothing was sent while the cable was out */
guint ub_sim_faults_get_plug_ins(UbSimFaults *self);
/* the time until which the probe's USB does not answer (0: it answers) */
guint64 ub_sim_faults_get_usb_stall_until(UbSimFaults *self);

const char *ub_sim_fault_kind_to_string(UbSimFaultKind kind);
gboolean ub_sim_fault_kind_from_string(const char *name, UbSimFaultKind *kind);
/* "KIND@TIME[+DURATION]" with times like 2.5s, 120ms, 800us: "nrst@1.2s+100ms" */
gboolean ub_sim_fault_parse(const char *spec, UbSimFaultKind *kind, guint64 *at_ns,
                            guint64 *duration_ns, GError **error);

G_END_DECLS
