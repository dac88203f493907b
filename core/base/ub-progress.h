/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbProgress: progress of a long job as weighted steps, modelled on fwupd's FuProgress.
 * The percentage only goes up. Each step can hand a child progress to the code doing it;
 * the child's 0–100 % fills that step's share of the parent.
 *
 * The object remembers the GMainContext that was thread-default when it was created. Workers
 * may update it from any thread: updates are coalesced (at most one "changed" every ~50 ms)
 * into one source on that context, so "changed" is always emitted in the creator's context.
 *
 *   g_autoptr(UbProgress) progress = ub_progress_new();
 *   ub_progress_add_step(progress, UB_STATUS_BACKUP, 35, "backup");
 *   ub_progress_add_step(progress, UB_STATUS_ERASE, 20, "erase");
 *   ...in the worker:
 *   do_backup(ub_progress_get_child(progress));
 *   ub_progress_step_done(progress);
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* what a job is doing; other helpers append values, keep the order stable */
typedef enum {
	UB_STATUS_UNKNOWN,
	UB_STATUS_IDLE,
	UB_STATUS_CONNECT,
	UB_STATUS_IDENTIFY,
	UB_STATUS_READ,
	UB_STATUS_BACKUP,
	UB_STATUS_ERASE,
	UB_STATUS_WRITE,
	UB_STATUS_VERIFY,
	UB_STATUS_RESET,
	UB_STATUS_DIAGNOSE,
	UB_STATUS_DOWNLOAD,
	UB_STATUS_LAST,
} UbStatus;

const char *ub_status_to_string(UbStatus status);

/* the coalescing interval for "changed" */
#define UB_PROGRESS_COALESCE_MS 50

#define UB_TYPE_PROGRESS (ub_progress_get_type())
G_DECLARE_FINAL_TYPE(UbProgress, ub_progress, UB, PROGRESS, GObject)

UbProgress *ub_progress_new(void) G_GNUC_WARN_UNUSED_RESULT;

void ub_progress_add_step(UbProgress *self, UbStatus status, guint weight, const char *name);
void ub_progress_step_done(UbProgress *self);
UbProgress *ub_progress_get_child(UbProgress *self);
void ub_progress_set_percentage(UbProgress *self, guint percentage);
void ub_progress_set_percentage_full(UbProgress *self, guint64 done, guint64 total);
void ub_progress_set_bytes(UbProgress *self, guint64 done, guint64 total);
void ub_progress_set_status(UbProgress *self, UbStatus status);
void ub_progress_finished(UbProgress *self);
void ub_progress_reset(UbProgress *self);

/* thread-safe getters (the state as last set, not as last emitted) */
guint ub_progress_get_percentage(UbProgress *self);
UbStatus ub_progress_get_status(UbProgress *self);
char *ub_progress_dup_step_name(UbProgress *self);
guint ub_progress_get_step_count(UbProgress *self);
/* bytes per second from the last ub_progress_set_bytes() below this node, 0 if unknown */
guint64 ub_progress_get_rate(UbProgress *self);
/* estimated seconds left, or -1 when unknown */
gint64 ub_progress_get_eta(UbProgress *self);

G_END_DECLS
