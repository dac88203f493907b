/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-device.h"
#include "ub-error.h"
#include "ub-probe-driver.h"
#include "ub-transport-usb.h"

struct _UbDevice {
	GObject parent_instance;
	UbProbeInfo *info;
	GThreadPool *pool; /* one thread: jobs are serialized */
	UbClock *clock;
	UbPerson *person; /* NULL: nobody to ask */
	/* owned by whichever job runs */
	UbTransport *transport;
	UbProbe *probe;
	UbTarget *target;
	UbChipDb *chip_db;
};

G_DEFINE_TYPE(UbDevice, ub_device, G_TYPE_OBJECT)

typedef struct {
	UbDeviceJobFunc func;
	gpointer data;
	GDestroyNotify data_free;
	GDestroyNotify result_free;
	UbProgress *progress;
} UbDeviceJob;

static void
ub_device_job_free(UbDeviceJob *job)
{
	if (job->data_free != NULL && job->data != NULL)
		job->data_free(job->data);
	g_clear_object(&job->progress);
	g_free(job);
}

/* ---- synchronous API (worker) ---- */

static gboolean
ub_device_open_transport(UbDevice *self, GError **error)
{
	UbTransportProvider *provider = ub_probe_info_get_provider(self->info);

	if (provider != NULL)
		self->transport = ub_transport_provider_open(provider, self->info, error);
	else
		self->transport = UB_TRANSPORT(
		    ub_transport_usb_open(ub_probe_info_get_bus(self->info),
					  ub_probe_info_get_address(self->info),
					  ub_probe_info_get_serial(self->info), error));
	return self->transport != NULL;
}

static void
ub_device_drop(UbDevice *self)
{
	g_clear_object(&self->target);
	g_clear_object(&self->probe);
	g_clear_object(&self->transport);
}

/**
 * ub_device_open:
 *
 * Opens the transport, identifies the probe and leaves its DFU/mass-storage mode. Does
 * nothing when already open.
 */
gboolean
ub_device_open(UbDevice *self, GCancellable *cancellable, GError **error)
{
	UbProbe *probe;

	g_return_val_if_fail(UB_IS_DEVICE(self), FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (self->probe != NULL)
		return TRUE;
	if (g_cancellable_set_error_if_cancelled(cancellable, error))
		return FALSE;
	if (self->chip_db == NULL) {
		g_autoptr(UbChipDb) chip_db = ub_chip_db_new();
		if (!ub_chip_db_load(chip_db, error))
			return FALSE;
		self->chip_db = g_steal_pointer(&chip_db);
	}
	if (!ub_device_open_transport(self, error))
		return FALSE;
	/* the family the descriptors named: ST-LINK or CMSIS-DAP */
	probe = ub_probe_driver_new(self->transport, error);
	if (probe == NULL) {
		ub_device_drop(self);
		return FALSE;
	}
	self->probe = probe;
	ub_probe_set_clock(self->probe, self->clock);
	if (!ub_probe_open(self->probe, error)) {
		ub_device_drop(self);
		return FALSE;
	}
	self->target = ub_target_new(self->probe);
	ub_target_set_clock(self->target, self->clock);
	return TRUE;
}

gboolean
ub_device_is_open(UbDevice *self)
{
	g_return_val_if_fail(UB_IS_DEVICE(self), FALSE);
	return self->probe != NULL;
}

/**
 * ub_device_close:
 *
 * Leaves debug mode (the target keeps running) and releases the probe.
 */
gboolean
ub_device_close(UbDevice *self, GError **error)
{
	gboolean ret = TRUE;

	g_return_val_if_fail(UB_IS_DEVICE(self), FALSE);

	if (self->target != NULL) {
		g_autoptr(GError) error_local = NULL;
		if (!ub_target_release(self->target, &error_local))
			g_debug("leaving the core: %s", error_local->message);
	}
	if (self->probe != NULL)
		ret = ub_probe_close(self->probe, error);
	ub_device_drop(self);
	return ret;
}

gboolean
ub_device_connect(UbDevice *self, GCancellable *cancellable, GError **error)
{
	g_return_val_if_fail(UB_IS_DEVICE(self), FALSE);

	if (!ub_device_open(self, cancellable, error))
		return FALSE;
	if (ub_target_is_connected(self->target))
		return TRUE;
	if (g_cancellable_set_error_if_cancelled(cancellable, error))
		return FALSE;
	return ub_target_connect(self->target, error);
}

/* a USB error means the probe is gone or confused: reopen next time */
static void
ub_device_forget_on_error(UbDevice *self, const GError *error)
{
	if (error == NULL)
		return;
	if (error->domain == UB_PROBE_ERROR) {
		g_autoptr(GError) error_close = NULL;
		if (!ub_device_close(self, &error_close))
			g_debug("closing after error: %s", error_close->message);
		return;
	}
	if (self->target != NULL)
		ub_target_set_disconnected(self->target);
}

UbTargetInfo *
ub_device_read_info(UbDevice *self, GCancellable *cancellable, GError **error)
{
	g_autoptr(UbTargetInfo) info = NULL;
	g_autoptr(GError) error_local = NULL;

	g_return_val_if_fail(UB_IS_DEVICE(self), NULL);

	if (!ub_device_connect(self, cancellable, &error_local)) {
		ub_device_forget_on_error(self, error_local);
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	info = ub_target_read_info(self->target, self->chip_db, cancellable, &error_local);
	if (info == NULL) {
		ub_device_forget_on_error(self, error_local);
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	/* a CMSIS-DAP probe is named by its product string ("Debug Probe (CMSIS-DAP)"), an
	 * ST-LINK by its kind */
	ub_target_info_set_probe(info,
				 ub_probe_get_kind(self->probe) == UB_PROBE_KIND_CMSIS_DAP &&
					 ub_transport_get_product(self->transport) != NULL
				     ? ub_transport_get_product(self->transport)
				     : ub_probe_kind_to_string(ub_probe_get_kind(self->probe)),
				 ub_transport_get_serial(self->transport),
				 ub_probe_get_firmware_version(self->probe));
	return g_steal_pointer(&info);
}

GBytes *
ub_device_read_memory(UbDevice *self, guint32 address, gsize size, UbProgress *progress,
		      GCancellable *cancellable, GError **error)
{
	g_autofree guint8 *buffer = NULL;
	g_autoptr(GError) error_local = NULL;

	g_return_val_if_fail(UB_IS_DEVICE(self), NULL);

	if (!ub_device_connect(self, cancellable, &error_local)) {
		ub_device_forget_on_error(self, error_local);
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	buffer = g_try_malloc(MAX(size, 1));
	if (buffer == NULL) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_INVALID_ARGUMENT,
			    "cannot allocate %" G_GSIZE_FORMAT " bytes", size);
		return NULL;
	}
	if (!ub_target_read_memory(self->target, address, buffer, size, progress, cancellable,
				   &error_local)) {
		if (!g_error_matches(error_local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			ub_device_forget_on_error(self, error_local);
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	return g_bytes_new_take(g_steal_pointer(&buffer), size);
}

UbTransport *
ub_device_get_transport(UbDevice *self)
{
	g_return_val_if_fail(UB_IS_DEVICE(self), NULL);
	return self->transport;
}

UbProbe *
ub_device_get_probe(UbDevice *self)
{
	g_return_val_if_fail(UB_IS_DEVICE(self), NULL);
	return self->probe;
}

UbTarget *
ub_device_get_target(UbDevice *self)
{
	g_return_val_if_fail(UB_IS_DEVICE(self), NULL);
	return self->target;
}

UbChipDb *
ub_device_get_chip_db(UbDevice *self)
{
	g_return_val_if_fail(UB_IS_DEVICE(self), NULL);
	return self->chip_db;
}

/**
 * ub_device_get_clock:
 *
 * Returns: (transfer none): the clock jobs wait on: the provider's (a simulated bench's virtual
 * time) or the system clock
 */
UbClock *
ub_device_get_clock(UbDevice *self)
{
	g_return_val_if_fail(UB_IS_DEVICE(self), NULL);
	return self->clock;
}

/**
 * ub_device_get_person:
 *
 * Returns: (transfer none) (nullable): the person at the bench, or NULL when nobody can be
 * asked
 */
UbPerson *
ub_device_get_person(UbDevice *self)
{
	g_return_val_if_fail(UB_IS_DEVICE(self), NULL);
	return self->person;
}

/**
 * ub_device_set_person:
 * @person: (nullable): who holds NRST and answers questions (the wizard, a terminal)
 *
 * Set it before a job that may need a hand; a provider that brings its own person (a
 * simulated bench) has already set it.
 */
void
ub_device_set_person(UbDevice *self, UbPerson *person)
{
	g_return_if_fail(UB_IS_DEVICE(self));
	g_return_if_fail(person == NULL || UB_IS_PERSON(person));
	g_set_object(&self->person, person);
}

UbProbeInfo *
ub_device_get_probe_info(UbDevice *self)
{
	g_return_val_if_fail(UB_IS_DEVICE(self), NULL);
	return self->info;
}

/* ---- the worker ---- */

static void
ub_device_worker(gpointer data, gpointer user_data)
{
	GTask *task = G_TASK(data);
	UbDevice *self = UB_DEVICE(g_task_get_source_object(task));
	UbDeviceJob *job = g_task_get_task_data(task);
	GCancellable *cancellable = g_task_get_cancellable(task);
	GError *error = NULL;
	gpointer result;

	if (g_cancellable_set_error_if_cancelled(cancellable, &error)) {
		g_task_return_error(task, error);
		g_object_unref(task);
		return;
	}
	result = job->func(self, job->data, job->progress, cancellable, &error);
	if (result == NULL) {
		if (error == NULL)
			error = g_error_new(UB_TARGET_ERROR, UB_TARGET_ERROR_FAILED,
					    "job failed without saying why");
		/* a probe that went away is reopened (re-plugged) next time, a target that
		 * stopped answering is connected again from scratch */
		if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			ub_device_forget_on_error(self, error);
		g_task_return_error(task, error);
	} else {
		g_task_return_pointer(task, result, job->result_free);
	}
	g_object_unref(task);
}

/* every job is a GTask tagged with its public entry point, so a finish cannot be paired with
 * the wrong call; the pool owns one task reference until the worker has returned a result */
static void
ub_device_push_tagged(UbDevice *self, gpointer source_tag, UbDeviceJobFunc func, gpointer data,
		      GDestroyNotify data_free, GDestroyNotify result_free, UbProgress *progress,
		      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	GTask *task = g_task_new(self, cancellable, callback, user_data);
	UbDeviceJob *job = g_new0(UbDeviceJob, 1);

	g_task_set_source_tag(task, source_tag);
	job->func = func;
	job->data = data;
	job->data_free = data_free;
	job->result_free = result_free;
	job->progress = progress != NULL ? g_object_ref(progress) : NULL;
	g_task_set_task_data(task, job, (GDestroyNotify)ub_device_job_free);
	g_thread_pool_push(self->pool, task, NULL);
}

/**
 * ub_device_run_job_async:
 * @func: runs on the device's worker with exclusive use of the probe
 * @job_data: (transfer full): the job's own copy of its inputs
 * @result_free: frees what @func returns (also when nobody collects it)
 * @progress: (nullable): handed to @func
 *
 * Queues a job; jobs of one device run one at a time, in order. @func should check
 * @cancellable between USB round trips (or between its chunks).
 */
void
ub_device_run_job_async(UbDevice *self, UbDeviceJobFunc func, gpointer job_data,
			GDestroyNotify job_data_free, GDestroyNotify result_free,
			UbProgress *progress, GCancellable *cancellable,
			GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail(UB_IS_DEVICE(self));
	g_return_if_fail(func != NULL);
	g_return_if_fail(progress == NULL || UB_IS_PROGRESS(progress));
	g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

	ub_device_push_tagged(self, ub_device_run_job_async, func, job_data, job_data_free,
			      result_free, progress, cancellable, callback, user_data);
}

/**
 * ub_device_run_job_finish:
 *
 * Returns: (transfer full): the job's result, or %NULL with @error set
 */
gpointer
ub_device_run_job_finish(UbDevice *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(UB_IS_DEVICE(self), NULL);
	g_return_val_if_fail(g_task_is_valid(result, self), NULL);
	return g_task_propagate_pointer(G_TASK(result), error);
}

static gpointer
ub_device_open_job(UbDevice *self, gpointer data, UbProgress *progress,
		   GCancellable *cancellable, GError **error)
{
	if (!ub_device_open(self, cancellable, error))
		return NULL;
	return GINT_TO_POINTER(TRUE);
}

void
ub_device_open_async(UbDevice *self, GCancellable *cancellable, GAsyncReadyCallback callback,
		     gpointer user_data)
{
	g_return_if_fail(UB_IS_DEVICE(self));
	ub_device_push_tagged(self, ub_device_open_async, ub_device_open_job, NULL, NULL, NULL,
			      NULL, cancellable, callback, user_data);
}

gboolean
ub_device_open_finish(UbDevice *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(UB_IS_DEVICE(self), FALSE);
	g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
	g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == ub_device_open_async,
			     FALSE);
	return g_task_propagate_pointer(G_TASK(result), error) != NULL;
}

static gpointer
ub_device_close_job(UbDevice *self, gpointer data, UbProgress *progress,
		    GCancellable *cancellable, GError **error)
{
	if (!ub_device_close(self, error))
		return NULL;
	return GINT_TO_POINTER(TRUE);
}

void
ub_device_close_async(UbDevice *self, GCancellable *cancellable, GAsyncReadyCallback callback,
		      gpointer user_data)
{
	g_return_if_fail(UB_IS_DEVICE(self));
	ub_device_push_tagged(self, ub_device_close_async, ub_device_close_job, NULL, NULL, NULL,
			      NULL, cancellable, callback, user_data);
}

gboolean
ub_device_close_finish(UbDevice *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(UB_IS_DEVICE(self), FALSE);
	g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
	g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == ub_device_close_async,
			     FALSE);
	return g_task_propagate_pointer(G_TASK(result), error) != NULL;
}

static gpointer
ub_device_read_info_job(UbDevice *self, gpointer data, UbProgress *progress,
			GCancellable *cancellable, GError **error)
{
	return ub_device_read_info(self, cancellable, error);
}

void
ub_device_read_info_async(UbDevice *self, GCancellable *cancellable,
			  GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail(UB_IS_DEVICE(self));
	ub_device_push_tagged(self, ub_device_read_info_async, ub_device_read_info_job, NULL, NULL,
			      g_object_unref, NULL, cancellable, callback, user_data);
}

/**
 * ub_device_read_info_finish:
 *
 * Returns: (transfer full): chip, revision, flash size, UID, voltage, RDP level, core state
 */
UbTargetInfo *
ub_device_read_info_finish(UbDevice *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(UB_IS_DEVICE(self), NULL);
	g_return_val_if_fail(g_task_is_valid(result, self), NULL);
	g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == ub_device_read_info_async,
			     NULL);
	return g_task_propagate_pointer(G_TASK(result), error);
}

typedef struct {
	guint32 address;
	gsize size;
} UbDeviceReadMemory;

static gpointer
ub_device_read_memory_job(UbDevice *self, gpointer data, UbProgress *progress,
			  GCancellable *cancellable, GError **error)
{
	UbDeviceReadMemory *request = data;
	return ub_device_read_memory(self, request->address, request->size, progress,
				     cancellable, error);
}

/**
 * ub_device_read_memory_async:
 * @progress: (nullable): receives bytes read / @size
 */
void
ub_device_read_memory_async(UbDevice *self, guint32 address, gsize size, UbProgress *progress,
			    GCancellable *cancellable, GAsyncReadyCallback callback,
			    gpointer user_data)
{
	UbDeviceReadMemory *request;

	g_return_if_fail(UB_IS_DEVICE(self));
	g_return_if_fail(progress == NULL || UB_IS_PROGRESS(progress));

	request = g_new0(UbDeviceReadMemory, 1);
	request->address = address;
	request->size = size;
	ub_device_push_tagged(self, ub_device_read_memory_async, ub_device_read_memory_job,
			      request, g_free, (GDestroyNotify)g_bytes_unref, progress,
			      cancellable, callback, user_data);
}

GBytes *
ub_device_read_memory_finish(UbDevice *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(UB_IS_DEVICE(self), NULL);
	g_return_val_if_fail(g_task_is_valid(result, self), NULL);
	g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) ==
				 ub_device_read_memory_async,
			     NULL);
	return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---- object ---- */

static void
ub_device_finalize(GObject *object)
{
	UbDevice *self = UB_DEVICE(object);

	/* no job can be queued (each holds a reference), and this may run on the worker
	 * itself after its last job: do not wait for the pool */
	g_thread_pool_free(self->pool, FALSE, FALSE);
	if (self->probe != NULL) {
		g_autoptr(GError) error = NULL;
		if (!ub_probe_close(self->probe, &error))
			g_debug("closing probe: %s", error->message);
	}
	ub_device_drop(self);
	g_clear_object(&self->chip_db);
	g_clear_object(&self->person);
	g_clear_object(&self->clock);
	g_clear_object(&self->info);
	G_OBJECT_CLASS(ub_device_parent_class)->finalize(object);
}

static void
ub_device_class_init(UbDeviceClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_device_finalize;
}

static void
ub_device_init(UbDevice *self)
{
	self->pool = g_thread_pool_new(ub_device_worker, self, 1, FALSE, NULL);
}

/**
 * ub_device_new:
 * @info: a probe from UbProbeMonitor (or one built by hand)
 *
 * The device takes its clock and person from the probe's provider when it has one.
 */
UbDevice *
ub_device_new(UbProbeInfo *info)
{
	UbDevice *self;
	UbTransportProvider *provider;
	UbClock *clock = NULL;

	g_return_val_if_fail(UB_IS_PROBE_INFO(info), NULL);

	self = g_object_new(UB_TYPE_DEVICE, NULL);
	self->info = g_object_ref(info);
	provider = ub_probe_info_get_provider(info);
	if (provider != NULL) {
		UbPerson *person = ub_transport_provider_get_person(provider);
		clock = ub_transport_provider_get_clock(provider);
		if (person != NULL)
			self->person = g_object_ref(person);
	}
	self->clock = g_object_ref(clock != NULL ? clock : ub_clock_get_system());
	return self;
}

UbDevice *
ub_device_new_for_serial(const char *serial)
{
	g_autoptr(UbProbeInfo) info = ub_probe_info_new();

	ub_probe_info_set_serial(info, serial);
	return ub_device_new(info);
}
