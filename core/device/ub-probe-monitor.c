/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error.h"
#include "ub-probe-monitor.h"
#include "ub-probe-driver.h"
#include "ub-transport-usb.h"

struct _UbProbeMonitor {
	GObject parent_instance;
	GMainContext *context;
	GPtrArray *probes; /* of UbProbeInfo, touched in context only */
	GPtrArray *providers; /* of UbTransportProvider: probes reached without libusb */
	gboolean usb_enabled;
	/* hot-plug */
	libusb_context *usb;
	libusb_hotplug_callback_handle hotplug_handle;
	gboolean hotplug_registered;
	GThread *event_thread;
	gint stopping;
};

G_DEFINE_TYPE(UbProbeMonitor, ub_probe_monitor, G_TYPE_OBJECT)

enum { SIGNAL_PROBE_ADDED, SIGNAL_PROBE_REMOVED, SIGNAL_LAST };
static guint signals[SIGNAL_LAST] = {0};

/* ---- describing one probe (worker thread) ---- */

/**
 * ub_probe_info_new_for_provider:
 *
 * Opens the provider's probe and asks it for its version, as for a USB probe.
 */
UbProbeInfo *
ub_probe_info_new_for_provider(UbTransportProvider *provider, GError **error)
{
	g_autoptr(UbTransport) transport = NULL;
	g_autoptr(UbProbe) probe = NULL;
	g_autoptr(UbProbeInfo) info = ub_probe_info_new();
	g_autoptr(GError) error_local = NULL;

	g_return_val_if_fail(UB_IS_TRANSPORT_PROVIDER(provider), NULL);

	ub_probe_info_set_provider(info, provider);
	transport = ub_transport_provider_open(provider, info, error);
	if (transport == NULL)
		return NULL;
	ub_probe_info_set_kind(info, ub_transport_get_kind(transport));
	ub_probe_info_set_usb_ids(info, ub_transport_get_vendor_id(transport),
				  ub_transport_get_product_id(transport));
	ub_probe_info_set_product(info, ub_transport_get_product(transport));
	ub_probe_info_set_serial(info, ub_transport_get_serial(transport));
	ub_probe_info_set_path(info, ub_transport_get_path(transport));
	probe = ub_probe_driver_new(transport, &error_local);
	if (probe == NULL || !ub_probe_driver_query(probe, &error_local)) {
		ub_probe_info_set_problem(info, error_local);
		return g_steal_pointer(&info);
	}
	ub_probe_info_set_firmware_version(info, ub_probe_get_firmware_version(probe));
	return g_steal_pointer(&info);
}

/* what the device's descriptors say, without I/O (fit for a hot-plug callback): ids, bus,
 * address and path of anything that may be a debug probe, NULL for the rest */
static UbProbeInfo *
ub_probe_monitor_describe_usb(libusb_device *device)
{
	struct libusb_device_descriptor desc;
	g_autoptr(UbProbeInfo) info = NULL;
	g_autofree char *path = NULL;

	if (libusb_get_device_descriptor(device, &desc) < 0)
		return NULL;
	if (!ub_usb_maybe_probe(device))
		return NULL;
	info = ub_probe_info_new();
	ub_probe_info_set_usb_ids(info, desc.idVendor, desc.idProduct);
	ub_probe_info_set_bus_address(info, libusb_get_bus_number(device),
				      libusb_get_device_address(device));
	path = ub_usb_device_path(device);
	ub_probe_info_set_path(info, path);
	return g_steal_pointer(&info);
}

/* a probe's firmware through its driver: open, claim, ask, release */
static void
ub_probe_monitor_query_firmware(UbProbeInfo *info)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(UbTransportUsb) transport = NULL;
	g_autoptr(UbProbe) probe = NULL;

	transport = ub_transport_usb_open(ub_probe_info_get_bus(info),
					  ub_probe_info_get_address(info), NULL, &error);
	if (transport == NULL) {
		ub_probe_info_set_problem(info, error);
		return;
	}
	ub_probe_info_set_serial(info, ub_transport_get_serial(UB_TRANSPORT(transport)));
	probe = ub_probe_driver_new(UB_TRANSPORT(transport), &error);
	if (probe == NULL || !ub_probe_driver_query(probe, &error)) {
		ub_probe_info_set_problem(info, error);
		return;
	}
	ub_probe_info_set_firmware_version(info, ub_probe_get_firmware_version(probe));
	if (!ub_transport_close(UB_TRANSPORT(transport), &error))
		g_debug("closing probe: %s", error->message);
}

/* identify a USB device as a probe (its strings name a CMSIS-DAP; ST-LINKs by id) and read
 * serial and firmware of a supported one; NULL when it is no debug probe. A probe that cannot
 * be opened (no udev rule) is listed with the problem when its ids name it. */
static UbProbeInfo *
ub_probe_monitor_query_usb(libusb_device *device)
{
	g_autoptr(UbProbeInfo) info = ub_probe_monitor_describe_usb(device);
	g_auto(UbUsbProbeMatch) match = {0};
	libusb_device_handle *handle = NULL;
	gboolean identified;
	int rc;

	if (info == NULL)
		return NULL;
	rc = libusb_open(device, &handle);
	identified = ub_usb_identify_probe(device, rc == 0 ? handle : NULL, &match);
	g_clear_pointer(&handle, libusb_close);
	if (!identified)
		return NULL;
	ub_probe_info_set_kind(info, match.kind);
	ub_probe_info_set_product(info, match.product);
	if (rc < 0) {
		g_autoptr(GError) error = NULL;
		ub_usb_error_convert(rc, &error, "opening the probe");
		ub_probe_info_set_problem(info, error);
		return g_steal_pointer(&info);
	}
	/* a CMSIS-DAP v1 or an ST-LINK/V1 is listed and named, not opened */
	if (ub_probe_kind_is_supported(match.kind))
		ub_probe_monitor_query_firmware(info);
	return g_steal_pointer(&info);
}

/**
 * ub_probe_monitor_scan:
 * @providers: (nullable) (element-type UbTransportProvider): probes to list as well
 * @usb: whether to look at real USB devices
 *
 * Synchronous enumeration (does USB I/O: call it from a worker).
 *
 * Returns: (transfer container) (element-type UbProbeInfo): the probes
 */
GPtrArray *
ub_probe_monitor_scan(GPtrArray *providers, gboolean usb, GCancellable *cancellable,
		      GError **error)
{
	g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func(g_object_unref);

	for (guint i = 0; providers != NULL && i < providers->len; i++) {
		UbProbeInfo *info =
		    ub_probe_info_new_for_provider(g_ptr_array_index(providers, i), error);
		if (info == NULL)
			return NULL;
		g_ptr_array_add(probes, info);
	}
	if (usb) {
		g_autoptr(libusb_context) context = NULL;
		libusb_device **list = NULL;
		ssize_t count;
		int rc;

		rc = libusb_init(&context);
		if (rc < 0) {
			/* no USB at all (a container): nothing attached, not a failure */
			g_debug("libusb unavailable: %s", libusb_strerror(rc));
			context = NULL;
			return g_steal_pointer(&probes);
		}
		count = libusb_get_device_list(context, &list);
		if (count < 0) {
			ub_usb_error_convert((int)count, error, "listing USB devices");
			return NULL;
		}
		for (ssize_t i = 0; i < count; i++) {
			UbProbeInfo *info;
			if (g_cancellable_set_error_if_cancelled(cancellable, error)) {
				libusb_free_device_list(list, 1);
				return NULL;
			}
			info = ub_probe_monitor_query_usb(list[i]);
			if (info != NULL)
				g_ptr_array_add(probes, info);
		}
		libusb_free_device_list(list, 1);
	}
	return g_steal_pointer(&probes);
}

/* ---- the list in the main context ---- */

static UbProbeInfo *
ub_probe_monitor_find(UbProbeMonitor *self, UbProbeInfo *info)
{
	for (guint i = 0; i < self->probes->len; i++) {
		UbProbeInfo *known = g_ptr_array_index(self->probes, i);
		if (ub_probe_info_matches(known, info))
			return known;
	}
	return NULL;
}

static void
ub_probe_monitor_add(UbProbeMonitor *self, UbProbeInfo *info)
{
	UbProbeInfo *known = ub_probe_monitor_find(self, info);

	if (known != NULL) {
		/* a re-scan may have learnt the version; keep one object per probe */
		g_ptr_array_remove(self->probes, known);
	}
	g_ptr_array_add(self->probes, g_object_ref(info));
	if (known == NULL)
		g_signal_emit(self, signals[SIGNAL_PROBE_ADDED], 0, info);
}

static void
ub_probe_monitor_remove(UbProbeMonitor *self, UbProbeInfo *info)
{
	g_autoptr(UbProbeInfo) known = NULL;

	known = ub_probe_monitor_find(self, info);
	if (known == NULL)
		return;
	g_object_ref(known);
	g_ptr_array_remove(self->probes, known);
	g_signal_emit(self, signals[SIGNAL_PROBE_REMOVED], 0, known);
}

typedef struct {
	GPtrArray *providers;
	gboolean usb;
} UbProbeMonitorScanData;

static void
ub_probe_monitor_scan_data_free(UbProbeMonitorScanData *data)
{
	g_ptr_array_unref(data->providers);
	g_free(data);
}

static void
ub_probe_monitor_scan_thread(GTask *task, gpointer source_object, gpointer task_data,
			     GCancellable *cancellable)
{
	UbProbeMonitorScanData *data = task_data;
	GPtrArray *probes;
	GError *error = NULL;

	probes = ub_probe_monitor_scan(data->providers, data->usb, cancellable, &error);
	if (probes == NULL) {
		g_task_return_error(task, error);
		return;
	}
	g_task_return_pointer(task, probes, (GDestroyNotify)g_ptr_array_unref);
}

/**
 * ub_probe_monitor_enumerate_async:
 *
 * Scans in a worker; on completion the monitor's list is updated ("probe-added" for new
 * probes, "probe-removed" for vanished ones) before @callback runs.
 */
void
ub_probe_monitor_enumerate_async(UbProbeMonitor *self, GCancellable *cancellable,
				 GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = NULL;
	UbProbeMonitorScanData *data;

	g_return_if_fail(UB_IS_PROBE_MONITOR(self));
	g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

	task = g_task_new(self, cancellable, callback, user_data);
	g_task_set_source_tag(task, ub_probe_monitor_enumerate_async);
	data = g_new0(UbProbeMonitorScanData, 1);
	data->providers = g_ptr_array_copy(self->providers, (GCopyFunc)(void (*)(void))g_object_ref,
					   NULL);
	g_ptr_array_set_free_func(data->providers, g_object_unref);
	data->usb = self->usb_enabled;
	g_task_set_task_data(task, data, (GDestroyNotify)ub_probe_monitor_scan_data_free);
	g_task_run_in_thread(task, ub_probe_monitor_scan_thread);
}

GPtrArray *
ub_probe_monitor_enumerate_finish(UbProbeMonitor *self, GAsyncResult *result, GError **error)
{
	g_autoptr(GPtrArray) probes = NULL;
	g_autoptr(GPtrArray) gone = NULL;

	g_return_val_if_fail(UB_IS_PROBE_MONITOR(self), NULL);
	g_return_val_if_fail(g_task_is_valid(result, self), NULL);
	g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) ==
				 ub_probe_monitor_enumerate_async,
			     NULL);

	probes = g_task_propagate_pointer(G_TASK(result), error);
	if (probes == NULL)
		return NULL;

	/* reconcile: removals first so a re-plugged probe at a new address reads naturally */
	gone = g_ptr_array_new_with_free_func(g_object_unref);
	for (guint i = 0; i < self->probes->len; i++) {
		UbProbeInfo *known = g_ptr_array_index(self->probes, i);
		gboolean present = FALSE;
		for (guint j = 0; j < probes->len; j++)
			present |= ub_probe_info_matches(known, g_ptr_array_index(probes, j));
		if (!present)
			g_ptr_array_add(gone, g_object_ref(known));
	}
	for (guint i = 0; i < gone->len; i++)
		ub_probe_monitor_remove(self, g_ptr_array_index(gone, i));
	for (guint i = 0; i < probes->len; i++)
		ub_probe_monitor_add(self, g_ptr_array_index(probes, i));
	return g_steal_pointer(&probes);
}

GPtrArray *
ub_probe_monitor_get_probes(UbProbeMonitor *self)
{
	g_return_val_if_fail(UB_IS_PROBE_MONITOR(self), NULL);
	return self->probes;
}

/**
 * ub_probe_monitor_add_provider:
 * @provider: reaches one more probe (a simulated bench), listed beside the USB ones
 *
 * Call before enumerating.
 */
void
ub_probe_monitor_add_provider(UbProbeMonitor *self, UbTransportProvider *provider)
{
	g_return_if_fail(UB_IS_PROBE_MONITOR(self));
	g_return_if_fail(UB_IS_TRANSPORT_PROVIDER(provider));
	g_ptr_array_add(self->providers, g_object_ref(provider));
}

void
ub_probe_monitor_set_usb_enabled(UbProbeMonitor *self, gboolean enabled)
{
	g_return_if_fail(UB_IS_PROBE_MONITOR(self));
	self->usb_enabled = enabled;
}

/* ---- hot-plug ---- */

typedef struct {
	UbProbeMonitor *self; /* a reference */
	gboolean arrived;
	UbProbeInfo *info; /* bus/address/ids only: libusb forbids I/O in the callback */
} UbProbeMonitorEvent;

static void
ub_probe_monitor_event_free(UbProbeMonitorEvent *event)
{
	g_object_unref(event->self);
	g_object_unref(event->info);
	g_free(event);
}

/* the device at @info's bus and address, identified and queried (NULL: no probe) */
static void
ub_probe_monitor_query_thread(GTask *task, gpointer source_object, gpointer task_data,
			      GCancellable *cancellable)
{
	UbProbeInfo *info = UB_PROBE_INFO(task_data);
	g_autoptr(libusb_context) context = NULL;
	libusb_device **list = NULL;
	UbProbeInfo *result = NULL;
	ssize_t count;

	if (libusb_init(&context) < 0) {
		context = NULL;
		g_task_return_pointer(task, NULL, NULL);
		return;
	}
	count = libusb_get_device_list(context, &list);
	for (ssize_t i = 0; i < count && result == NULL; i++) {
		if (libusb_get_bus_number(list[i]) == ub_probe_info_get_bus(info) &&
		    libusb_get_device_address(list[i]) == ub_probe_info_get_address(info))
			result = ub_probe_monitor_query_usb(list[i]);
	}
	if (count >= 0)
		libusb_free_device_list(list, 1);
	g_task_return_pointer(task, result, g_object_unref);
}

static void
ub_probe_monitor_query_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	UbProbeMonitor *self = UB_PROBE_MONITOR(source);
	g_autoptr(UbProbeInfo) info = g_task_propagate_pointer(G_TASK(res), NULL);

	if (info != NULL && !g_atomic_int_get(&self->stopping))
		ub_probe_monitor_add(self, info);
}

static gboolean
ub_probe_monitor_event_cb(gpointer user_data)
{
	UbProbeMonitorEvent *event = user_data;
	UbProbeMonitor *self = event->self;

	if (g_atomic_int_get(&self->stopping))
		return G_SOURCE_REMOVE;
	if (event->arrived) {
		g_autoptr(GTask) task = g_task_new(self, NULL, ub_probe_monitor_query_cb, NULL);
		g_task_set_source_tag(task, ub_probe_monitor_event_cb);
		g_task_set_task_data(task, g_object_ref(event->info), g_object_unref);
		g_task_run_in_thread(task, ub_probe_monitor_query_thread);
	} else {
		ub_probe_monitor_remove(self, event->info);
	}
	return G_SOURCE_REMOVE;
}

/* runs in the libusb event thread */
static int LIBUSB_CALL
ub_probe_monitor_hotplug_cb(libusb_context *context, libusb_device *device,
			    libusb_hotplug_event event_type, void *user_data)
{
	UbProbeMonitor *self = UB_PROBE_MONITOR(user_data);
	UbProbeMonitorEvent *event;
	UbProbeInfo *info;

	/* no I/O here (libusb forbids it): a device shaped like a probe is looked at properly
	 * from a worker, and one that is not is dropped there */
	info = ub_probe_monitor_describe_usb(device);
	if (info == NULL)
		return 0;
	event = g_new0(UbProbeMonitorEvent, 1);
	event->self = g_object_ref(self);
	event->arrived = event_type == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED;
	event->info = info;
	g_main_context_invoke_full(self->context, G_PRIORITY_DEFAULT, ub_probe_monitor_event_cb,
				   event, (GDestroyNotify)ub_probe_monitor_event_free);
	return 0;
}

static gpointer
ub_probe_monitor_event_thread(gpointer user_data)
{
	UbProbeMonitor *self = UB_PROBE_MONITOR(user_data);

	while (!g_atomic_int_get(&self->stopping)) {
		struct timeval tv = {1, 0};
		int rc = libusb_handle_events_timeout_completed(self->usb, &tv, NULL);
		if (rc < 0 && rc != LIBUSB_ERROR_INTERRUPTED) {
			g_warning("libusb event handling failed: %s", libusb_strerror(rc));
			break;
		}
	}
	return NULL;
}

/**
 * ub_probe_monitor_start:
 *
 * Follows USB hot-plug: a libusb event thread turns events into "probe-added" /
 * "probe-removed" in the monitor's main context.
 */
gboolean
ub_probe_monitor_start(UbProbeMonitor *self, GError **error)
{
	int rc;

	g_return_val_if_fail(UB_IS_PROBE_MONITOR(self), FALSE);

	if (self->event_thread != NULL)
		return TRUE;
	if (!self->usb_enabled)
		return TRUE;
	if (self->usb == NULL) {
		rc = libusb_init(&self->usb);
		if (rc < 0) {
			self->usb = NULL;
			return ub_usb_error_convert(rc, error, "initialising libusb");
		}
	}
	if (!libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
				    "libusb has no hot-plug support here");
		return FALSE;
	}
	rc = libusb_hotplug_register_callback(
	    self->usb, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT, 0,
	    /* CMSIS-DAP probes come with any vendor id */
	    LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
	    ub_probe_monitor_hotplug_cb, self, &self->hotplug_handle);
	if (rc < 0)
		return ub_usb_error_convert(rc, error, "registering for hot-plug events");
	self->hotplug_registered = TRUE;
	g_atomic_int_set(&self->stopping, FALSE);
	self->event_thread = g_thread_new("ub-usb-events", ub_probe_monitor_event_thread, self);
	return TRUE;
}

void
ub_probe_monitor_stop(UbProbeMonitor *self)
{
	g_return_if_fail(UB_IS_PROBE_MONITOR(self));

	if (self->event_thread == NULL)
		return;
	g_atomic_int_set(&self->stopping, TRUE);
	if (self->hotplug_registered) {
		libusb_hotplug_deregister_callback(self->usb, self->hotplug_handle);
		self->hotplug_registered = FALSE;
	}
	libusb_interrupt_event_handler(self->usb);
	g_thread_join(g_steal_pointer(&self->event_thread));
}

static void
ub_probe_monitor_dispose(GObject *object)
{
	UbProbeMonitor *self = UB_PROBE_MONITOR(object);

	ub_probe_monitor_stop(self);
	G_OBJECT_CLASS(ub_probe_monitor_parent_class)->dispose(object);
}

static void
ub_probe_monitor_finalize(GObject *object)
{
	UbProbeMonitor *self = UB_PROBE_MONITOR(object);

	g_clear_pointer(&self->usb, libusb_exit);
	g_ptr_array_unref(self->probes);
	g_ptr_array_unref(self->providers);
	g_main_context_unref(self->context);
	G_OBJECT_CLASS(ub_probe_monitor_parent_class)->finalize(object);
}

static void
ub_probe_monitor_class_init(UbProbeMonitorClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->dispose = ub_probe_monitor_dispose;
	object_class->finalize = ub_probe_monitor_finalize;

	/**
	 * UbProbeMonitor::probe-added:
	 * @info: the new probe, with serial and firmware version when they could be read
	 */
	signals[SIGNAL_PROBE_ADDED] =
	    g_signal_new("probe-added", G_TYPE_FROM_CLASS(object_class), G_SIGNAL_RUN_LAST, 0,
			 NULL, NULL, NULL, G_TYPE_NONE, 1, UB_TYPE_PROBE_INFO);
	signals[SIGNAL_PROBE_REMOVED] =
	    g_signal_new("probe-removed", G_TYPE_FROM_CLASS(object_class), G_SIGNAL_RUN_LAST, 0,
			 NULL, NULL, NULL, G_TYPE_NONE, 1, UB_TYPE_PROBE_INFO);
}

static void
ub_probe_monitor_init(UbProbeMonitor *self)
{
	self->context = g_main_context_ref_thread_default();
	self->probes = g_ptr_array_new_with_free_func(g_object_unref);
	self->providers = g_ptr_array_new_with_free_func(g_object_unref);
	self->usb_enabled = TRUE;
}

UbProbeMonitor *
ub_probe_monitor_new(void)
{
	return g_object_new(UB_TYPE_PROBE_MONITOR, NULL);
}
