/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbDevice: one debug probe and the target behind it, owned by one worker. Every operation
 * is a job: jobs run one after another on the device's own worker thread (a single-thread
 * GThreadPool), each with exclusive use of the transport, probe and target, and report back
 * through a GTask in the caller's thread-default main context. The UI and the CLI use only
 * the _async/_finish calls; jobs (and later issues: flashing, diagnosis, the reset ladder)
 * use the synchronous ones from inside ub_device_run_job_async().
 *
 *   g_autoptr(UbDevice) device = ub_device_new(probe_info);    (from UbProbeMonitor)
 *   ub_device_read_info_async(device, cancellable, on_info, self);
 *   …
 *   static void on_info(GObject *source, GAsyncResult *res, gpointer user_data)
 *   {
 *           g_autoptr(GError) error = NULL;
 *           g_autoptr(UbTargetInfo) info =
 *               ub_device_read_info_finish(UB_DEVICE(source), res, &error);
 *   }
 *
 * A job of one's own:
 *
 *   static gpointer erase_job(UbDevice *device, gpointer data, UbProgress *progress,
 *                             GCancellable *cancellable, GError **error)
 *   {
 *           UbTarget *target = ub_device_get_target(device);     (opened and connected)
 *           …return a result, or NULL with @error set
 *   }
 *   ub_device_run_job_async(device, erase_job, data, data_free, result_free, progress,
 *                           cancellable, on_erased, self);
 */
#pragma once

#include <gio/gio.h>

#include "ub-chip-db.h"
#include "ub-clock.h"
#include "ub-person.h"
#include "ub-probe-info.h"
#include "ub-probe.h"
#include "ub-progress.h"
#include "ub-target-info.h"
#include "ub-target.h"

G_BEGIN_DECLS

#define UB_TYPE_DEVICE (ub_device_get_type())
G_DECLARE_FINAL_TYPE(UbDevice, ub_device, UB, DEVICE, GObject)

/* a job: runs on the device's worker; returns its result, or NULL with @error set */
typedef gpointer (*UbDeviceJobFunc)(UbDevice *device, gpointer job_data, UbProgress *progress,
				    GCancellable *cancellable, GError **error);

UbDevice *ub_device_new(UbProbeInfo *info) G_GNUC_WARN_UNUSED_RESULT;
/* the USB probe with this serial, or the first one found when @serial is NULL */
UbDevice *ub_device_new_for_serial(const char *serial) G_GNUC_WARN_UNUSED_RESULT;
UbProbeInfo *ub_device_get_probe_info(UbDevice *self);
/* what differs between benches is injected: the time jobs wait on, the person at the bench */
UbClock *ub_device_get_clock(UbDevice *self);
UbPerson *ub_device_get_person(UbDevice *self);
void ub_device_set_person(UbDevice *self, UbPerson *person);

/* async API (callbacks run in the caller's thread-default main context) */
void ub_device_open_async(UbDevice *self, GCancellable *cancellable,
			  GAsyncReadyCallback callback, gpointer user_data);
gboolean ub_device_open_finish(UbDevice *self, GAsyncResult *result,
			       GError **error) G_GNUC_WARN_UNUSED_RESULT;
void ub_device_close_async(UbDevice *self, GCancellable *cancellable,
			   GAsyncReadyCallback callback, gpointer user_data);
gboolean ub_device_close_finish(UbDevice *self, GAsyncResult *result, GError **error);
void ub_device_read_info_async(UbDevice *self, GCancellable *cancellable,
			       GAsyncReadyCallback callback, gpointer user_data);
UbTargetInfo *ub_device_read_info_finish(UbDevice *self, GAsyncResult *result,
					 GError **error) G_GNUC_WARN_UNUSED_RESULT;
void ub_device_read_memory_async(UbDevice *self, guint32 address, gsize size,
				 UbProgress *progress, GCancellable *cancellable,
				 GAsyncReadyCallback callback, gpointer user_data);
GBytes *ub_device_read_memory_finish(UbDevice *self, GAsyncResult *result,
				     GError **error) G_GNUC_WARN_UNUSED_RESULT;
void ub_device_run_job_async(UbDevice *self, UbDeviceJobFunc func, gpointer job_data,
			     GDestroyNotify job_data_free, GDestroyNotify result_free,
			     UbProgress *progress, GCancellable *cancellable,
			     GAsyncReadyCallback callback, gpointer user_data);
gpointer ub_device_run_job_finish(UbDevice *self, GAsyncResult *result,
				  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* synchronous API: only inside a job (on the device's worker) */
gboolean ub_device_open(UbDevice *self, GCancellable *cancellable,
			GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_device_close(UbDevice *self, GError **error);
gboolean ub_device_is_open(UbDevice *self);
/* opens if needed, then connects the target if needed */
gboolean ub_device_connect(UbDevice *self, GCancellable *cancellable,
			   GError **error) G_GNUC_WARN_UNUSED_RESULT;
UbTargetInfo *ub_device_read_info(UbDevice *self, GCancellable *cancellable,
				  GError **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *ub_device_read_memory(UbDevice *self, guint32 address, gsize size,
			      UbProgress *progress, GCancellable *cancellable,
			      GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* (transfer none), NULL until opened */
UbTransport *ub_device_get_transport(UbDevice *self);
UbProbe *ub_device_get_probe(UbDevice *self);
UbTarget *ub_device_get_target(UbDevice *self);
UbChipDb *ub_device_get_chip_db(UbDevice *self);

G_END_DECLS
