/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-progress.h"

typedef struct {
	UbStatus status;
	guint weight;
	char *name;
} UbProgressStep;

struct _UbProgress {
	GObject parent_instance;
	GMutex mutex;
	GMainContext *context;
	UbProgress *parent; /* not a reference: the parent owns its child */
	UbProgress *child;
	GArray *steps; /* of UbProgressStep */
	guint steps_done;
	guint percentage;
	UbStatus status;
	guint64 rate;
	gint64 start_time;
	gint64 bytes_start_time;
	/* emission (top-level object only) */
	GSource *pending;
	gint64 last_emit_time;
};

G_DEFINE_TYPE(UbProgress, ub_progress, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, SIGNAL_LAST };
static guint signals[SIGNAL_LAST] = {0};

const char *
ub_status_to_string(UbStatus status)
{
	switch (status) {
	case UB_STATUS_IDLE:
		return "idle";
	case UB_STATUS_CONNECT:
		return "connect";
	case UB_STATUS_IDENTIFY:
		return "identify";
	case UB_STATUS_READ:
		return "read";
	case UB_STATUS_BACKUP:
		return "backup";
	case UB_STATUS_ERASE:
		return "erase";
	case UB_STATUS_WRITE:
		return "write";
	case UB_STATUS_VERIFY:
		return "verify";
	case UB_STATUS_RESET:
		return "reset";
	case UB_STATUS_DIAGNOSE:
		return "diagnose";
	case UB_STATUS_DOWNLOAD:
		return "download";
	case UB_STATUS_UNKNOWN:
	case UB_STATUS_LAST:
	default:
		return "unknown";
	}
}

static void
ub_progress_step_clear(gpointer data)
{
	UbProgressStep *step = data;
	g_free(step->name);
}

static gboolean
ub_progress_emit_cb(gpointer user_data)
{
	UbProgress *self = UB_PROGRESS(user_data);
	guint percentage;
	UbStatus status;
	g_autofree char *name = NULL;

	g_mutex_lock(&self->mutex);
	g_clear_pointer(&self->pending, g_source_unref);
	self->last_emit_time = g_get_monotonic_time();
	percentage = self->percentage;
	status = self->status;
	if (self->steps->len > 0) {
		guint idx = MIN(self->steps_done, self->steps->len - 1);
		name = g_strdup(g_array_index(self->steps, UbProgressStep, idx).name);
	}
	g_mutex_unlock(&self->mutex);

	g_signal_emit(self, signals[SIGNAL_CHANGED], 0, percentage, (guint)status, name);
	return G_SOURCE_REMOVE;
}

/* called with self->mutex held: one pending source at most, and never sooner than
 * UB_PROGRESS_COALESCE_MS after the previous emission (gnome-multi-writer's refresh rate) */
static void
ub_progress_queue_changed_locked(UbProgress *self)
{
	gint64 now;
	gint64 since_ms;
	GSource *source;

	if (self->parent != NULL || self->pending != NULL)
		return;
	now = g_get_monotonic_time();
	since_ms = (now - self->last_emit_time) / 1000;
	if (self->last_emit_time == 0 || since_ms >= UB_PROGRESS_COALESCE_MS)
		source = g_idle_source_new();
	else
		source = g_timeout_source_new((guint)(UB_PROGRESS_COALESCE_MS - since_ms));
	g_source_set_priority(source, G_PRIORITY_DEFAULT_IDLE);
	g_source_set_callback(source, ub_progress_emit_cb, g_object_ref(self), g_object_unref);
	g_source_set_static_name(source, "[unbrick] UbProgress");
	g_source_attach(source, self->context);
	self->pending = source;
}

static guint
ub_progress_compute_locked(UbProgress *self, guint child_percentage)
{
	guint64 total = 0;
	guint64 done = 0;

	for (guint i = 0; i < self->steps->len; i++) {
		UbProgressStep *step = &g_array_index(self->steps, UbProgressStep, i);
		total += step->weight;
		if (i < self->steps_done)
			done += (guint64)step->weight * 100;
		else if (i == self->steps_done)
			done += (guint64)step->weight * MIN(child_percentage, 100);
	}
	if (total == 0)
		return self->steps_done >= self->steps->len ? 100 : 0;
	return (guint)(done / total);
}

static void ub_progress_child_changed(UbProgress *self, guint child_percentage,
				      UbStatus child_status, guint64 child_rate);

/* with self->mutex held on entry; released on return, then the parent is told */
static void
ub_progress_update_locked_and_unlock(UbProgress *self, guint percentage)
{
	UbProgress *parent = self->parent;
	UbStatus status;
	guint64 rate;
	gboolean changed = FALSE;

	if (percentage > 100)
		percentage = 100;
	if (percentage > self->percentage) {
		self->percentage = percentage;
		changed = TRUE;
	} else if (percentage < self->percentage) {
		g_debug("progress going backwards (%u%% < %u%%), ignored", percentage,
			self->percentage);
	}
	if (self->start_time == 0 && self->percentage > 0)
		self->start_time = g_get_monotonic_time();
	percentage = self->percentage;
	status = self->status;
	rate = self->rate;
	if (changed || parent == NULL)
		ub_progress_queue_changed_locked(self);
	g_mutex_unlock(&self->mutex);

	if (parent != NULL)
		ub_progress_child_changed(parent, percentage, status, rate);
}

static void
ub_progress_child_changed(UbProgress *self, guint child_percentage, UbStatus child_status,
			  guint64 child_rate)
{
	g_mutex_lock(&self->mutex);
	if (child_status != UB_STATUS_UNKNOWN)
		self->status = child_status;
	if (child_rate != 0)
		self->rate = child_rate;
	if (self->steps->len == 0) {
		ub_progress_update_locked_and_unlock(self, child_percentage);
		return;
	}
	ub_progress_update_locked_and_unlock(self, ub_progress_compute_locked(self,
									       child_percentage));
}

/**
 * ub_progress_add_step:
 * @weight: relative share of the whole (any unit; they are summed)
 * @name: (nullable): a short name for logs and tests
 *
 * Adds a step; call before the work starts.
 */
void
ub_progress_add_step(UbProgress *self, UbStatus status, guint weight, const char *name)
{
	UbProgressStep step = {status, weight, g_strdup(name)};

	g_return_if_fail(UB_IS_PROGRESS(self));

	g_mutex_lock(&self->mutex);
	g_array_append_val(self->steps, step);
	if (self->steps->len == 1 && status != UB_STATUS_UNKNOWN)
		self->status = status;
	g_mutex_unlock(&self->mutex);
}

/**
 * ub_progress_step_done:
 *
 * Marks the current step as finished and moves to the next one; the child is reset.
 */
void
ub_progress_step_done(UbProgress *self)
{
	UbProgress *child;

	g_return_if_fail(UB_IS_PROGRESS(self));

	g_mutex_lock(&self->mutex);
	if (self->steps_done >= self->steps->len) {
		g_mutex_unlock(&self->mutex);
		g_warning("progress: step_done called with no step left (%u steps)",
			  self->steps->len);
		return;
	}
	self->steps_done++;
	if (self->steps_done < self->steps->len) {
		UbProgressStep *next = &g_array_index(self->steps, UbProgressStep, self->steps_done);
		if (next->status != UB_STATUS_UNKNOWN)
			self->status = next->status;
	}
	child = self->child;
	self->child = NULL;
	ub_progress_update_locked_and_unlock(self, ub_progress_compute_locked(self, 0));

	/* detach the finished child so late updates from it cannot reach the next step */
	if (child != NULL) {
		g_mutex_lock(&child->mutex);
		child->parent = NULL;
		g_mutex_unlock(&child->mutex);
		g_object_unref(child);
	}
}

/**
 * ub_progress_get_child:
 *
 * Returns: (transfer none): the progress of the current step; its 0–100 % fills the
 * step's weight in @self.
 */
UbProgress *
ub_progress_get_child(UbProgress *self)
{
	UbProgress *child;

	g_return_val_if_fail(UB_IS_PROGRESS(self), NULL);

	g_mutex_lock(&self->mutex);
	if (self->child == NULL) {
		self->child = g_object_new(UB_TYPE_PROGRESS, NULL);
		g_main_context_unref(self->child->context);
		self->child->context = g_main_context_ref(self->context);
		self->child->parent = self;
	}
	child = self->child;
	g_mutex_unlock(&self->mutex);
	return child;
}

/**
 * ub_progress_set_percentage:
 *
 * Sets the percentage of a progress without steps. Values lower than the current one are
 * ignored: a bar never moves back.
 */
void
ub_progress_set_percentage(UbProgress *self, guint percentage)
{
	g_return_if_fail(UB_IS_PROGRESS(self));

	g_mutex_lock(&self->mutex);
	ub_progress_update_locked_and_unlock(self, percentage);
}

void
ub_progress_set_percentage_full(UbProgress *self, guint64 done, guint64 total)
{
	g_return_if_fail(UB_IS_PROGRESS(self));

	if (total == 0) {
		ub_progress_set_percentage(self, 100);
		return;
	}
	ub_progress_set_percentage(self, (guint)(MIN(done, total) * 100 / total));
}

/**
 * ub_progress_set_bytes:
 *
 * Like ub_progress_set_percentage_full() for a byte count; also measures the rate.
 */
void
ub_progress_set_bytes(UbProgress *self, guint64 done, guint64 total)
{
	gint64 now = g_get_monotonic_time();

	g_return_if_fail(UB_IS_PROGRESS(self));

	g_mutex_lock(&self->mutex);
	if (self->bytes_start_time == 0)
		self->bytes_start_time = now;
	else if (now > self->bytes_start_time)
		self->rate = done * G_USEC_PER_SEC / (guint64)(now - self->bytes_start_time);
	g_mutex_unlock(&self->mutex);
	ub_progress_set_percentage_full(self, done, total);
}

void
ub_progress_set_status(UbProgress *self, UbStatus status)
{
	g_return_if_fail(UB_IS_PROGRESS(self));

	g_mutex_lock(&self->mutex);
	if (self->status == status) {
		g_mutex_unlock(&self->mutex);
		return;
	}
	self->status = status;
	if (self->parent == NULL) {
		ub_progress_queue_changed_locked(self);
		g_mutex_unlock(&self->mutex);
		return;
	}
	ub_progress_update_locked_and_unlock(self, self->percentage);
}

/**
 * ub_progress_finished:
 *
 * Jumps to 100 % (all steps done).
 */
void
ub_progress_finished(UbProgress *self)
{
	g_return_if_fail(UB_IS_PROGRESS(self));

	g_mutex_lock(&self->mutex);
	self->steps_done = self->steps->len;
	ub_progress_update_locked_and_unlock(self, 100);
}

/**
 * ub_progress_reset:
 *
 * Forgets steps, child and percentage (the one way back to 0 %).
 */
void
ub_progress_reset(UbProgress *self)
{
	g_autoptr(UbProgress) child = NULL;

	g_return_if_fail(UB_IS_PROGRESS(self));

	g_mutex_lock(&self->mutex);
	g_array_set_size(self->steps, 0);
	self->steps_done = 0;
	self->percentage = 0;
	self->rate = 0;
	self->start_time = 0;
	self->bytes_start_time = 0;
	self->status = UB_STATUS_UNKNOWN;
	child = g_steal_pointer(&self->child);
	if (self->parent == NULL)
		ub_progress_queue_changed_locked(self);
	g_mutex_unlock(&self->mutex);
	if (child != NULL) {
		g_mutex_lock(&child->mutex);
		child->parent = NULL;
		g_mutex_unlock(&child->mutex);
	}
}

guint
ub_progress_get_percentage(UbProgress *self)
{
	guint percentage;

	g_return_val_if_fail(UB_IS_PROGRESS(self), 0);

	g_mutex_lock(&self->mutex);
	percentage = self->percentage;
	g_mutex_unlock(&self->mutex);
	return percentage;
}

UbStatus
ub_progress_get_status(UbProgress *self)
{
	UbStatus status;

	g_return_val_if_fail(UB_IS_PROGRESS(self), UB_STATUS_UNKNOWN);

	g_mutex_lock(&self->mutex);
	status = self->status;
	g_mutex_unlock(&self->mutex);
	return status;
}

char *
ub_progress_dup_step_name(UbProgress *self)
{
	char *name = NULL;

	g_return_val_if_fail(UB_IS_PROGRESS(self), NULL);

	g_mutex_lock(&self->mutex);
	if (self->steps->len > 0) {
		guint idx = MIN(self->steps_done, self->steps->len - 1);
		name = g_strdup(g_array_index(self->steps, UbProgressStep, idx).name);
	}
	g_mutex_unlock(&self->mutex);
	return name;
}

guint
ub_progress_get_step_count(UbProgress *self)
{
	guint count;

	g_return_val_if_fail(UB_IS_PROGRESS(self), 0);

	g_mutex_lock(&self->mutex);
	count = self->steps->len;
	g_mutex_unlock(&self->mutex);
	return count;
}

guint64
ub_progress_get_rate(UbProgress *self)
{
	guint64 rate;

	g_return_val_if_fail(UB_IS_PROGRESS(self), 0);

	g_mutex_lock(&self->mutex);
	rate = self->rate;
	g_mutex_unlock(&self->mutex);
	return rate;
}

gint64
ub_progress_get_eta(UbProgress *self)
{
	gint64 eta = -1;
	gint64 elapsed;

	g_return_val_if_fail(UB_IS_PROGRESS(self), -1);

	g_mutex_lock(&self->mutex);
	if (self->start_time != 0 && self->percentage > 0 && self->percentage < 100) {
		elapsed = g_get_monotonic_time() - self->start_time;
		eta = elapsed * (100 - self->percentage) / self->percentage / G_USEC_PER_SEC;
	} else if (self->percentage == 100) {
		eta = 0;
	}
	g_mutex_unlock(&self->mutex);
	return eta;
}

static void
ub_progress_finalize(GObject *object)
{
	UbProgress *self = UB_PROGRESS(object);

	if (self->child != NULL) {
		self->child->parent = NULL;
		g_object_unref(self->child);
	}
	g_array_unref(self->steps);
	g_main_context_unref(self->context);
	g_mutex_clear(&self->mutex);
	G_OBJECT_CLASS(ub_progress_parent_class)->finalize(object);
}

static void
ub_progress_class_init(UbProgressClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->finalize = ub_progress_finalize;

	/**
	 * UbProgress::changed:
	 * @percentage: 0–100, never lower than the previous emission
	 * @status: a #UbStatus
	 * @step_name: (nullable): the name of the current top-level step
	 *
	 * Emitted on the top-level object in the main context it was created in, coalesced.
	 */
	signals[SIGNAL_CHANGED] =
	    g_signal_new("changed", G_TYPE_FROM_CLASS(object_class), G_SIGNAL_RUN_LAST, 0, NULL,
			 NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
}

static void
ub_progress_init(UbProgress *self)
{
	g_mutex_init(&self->mutex);
	self->context = g_main_context_ref_thread_default();
	self->steps = g_array_new(FALSE, TRUE, sizeof(UbProgressStep));
	g_array_set_clear_func(self->steps, ub_progress_step_clear);
}

/**
 * ub_progress_new:
 *
 * Returns: a progress bound to the thread-default main context of the caller
 */
UbProgress *
ub_progress_new(void)
{
	return g_object_new(UB_TYPE_PROGRESS, NULL);
}
