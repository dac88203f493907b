/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-progress.h"

typedef struct {
	guint count;
	guint last;
	GArray *seen;
	GThread *thread;
	char *last_name;
	UbStatus last_status;
} ChangedLog;

static void
changed_cb(UbProgress *progress, guint percentage, guint status, const char *name,
	   gpointer user_data)
{
	ChangedLog *log = user_data;

	log->count++;
	log->last = percentage;
	log->thread = g_thread_self();
	log->last_status = status;
	g_free(log->last_name);
	log->last_name = g_strdup(name);
	if (log->seen != NULL)
		g_array_append_val(log->seen, percentage);
}

static void
changed_log_clear(ChangedLog *log)
{
	g_clear_pointer(&log->seen, g_array_unref);
	g_clear_pointer(&log->last_name, g_free);
}

/* iterate the default context until nothing is pending and the coalescing window passed */
static void
drain(void)
{
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while (g_get_monotonic_time() < end) {
		while (g_main_context_iteration(NULL, FALSE))
			;
		g_usleep(UB_PROGRESS_COALESCE_MS * 1000 + 10000);
		if (!g_main_context_pending(NULL))
			break;
	}
}

static void
test_progress_weights(void)
{
	g_autoptr(UbProgress) progress = ub_progress_new();
	UbProgress *child;

	ub_progress_add_step(progress, UB_STATUS_BACKUP, 35, "backup");
	ub_progress_add_step(progress, UB_STATUS_ERASE, 20, "erase");
	ub_progress_add_step(progress, UB_STATUS_WRITE, 40, "write");
	ub_progress_add_step(progress, UB_STATUS_VERIFY, 5, "verify");
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 0);
	g_assert_cmpint(ub_progress_get_status(progress), ==, UB_STATUS_BACKUP);

	/* half of the first step is 17 % of the whole (35 * 50 / 100, floored) */
	child = ub_progress_get_child(progress);
	ub_progress_set_percentage(child, 50);
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 17);
	ub_progress_step_done(progress);
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 35);
	g_assert_cmpint(ub_progress_get_status(progress), ==, UB_STATUS_ERASE);

	/* a grandchild with two equal steps inside "erase" */
	child = ub_progress_get_child(progress);
	ub_progress_add_step(child, UB_STATUS_ERASE, 1, "sector 0");
	ub_progress_add_step(child, UB_STATUS_ERASE, 1, "sector 1");
	ub_progress_step_done(child);
	g_assert_cmpuint(ub_progress_get_percentage(child), ==, 50);
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 45);
	ub_progress_step_done(child);
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 55);
	ub_progress_step_done(progress);

	/* bytes in the write step */
	child = ub_progress_get_child(progress);
	ub_progress_set_bytes(child, 256 * 1024, 1024 * 1024);
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 65);
	g_assert_cmpint(ub_progress_get_status(progress), ==, UB_STATUS_WRITE);
	ub_progress_step_done(progress);
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 95);
	ub_progress_step_done(progress);
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 100);
	g_assert_cmpint(ub_progress_get_eta(progress), ==, 0);
	drain();
}

static void
test_progress_monotonic(void)
{
	g_autoptr(UbProgress) progress = ub_progress_new();
	ChangedLog log = {0};
	UbProgress *child;

	log.seen = g_array_new(FALSE, FALSE, sizeof(guint));
	g_signal_connect(progress, "changed", G_CALLBACK(changed_cb), &log);

	ub_progress_set_percentage(progress, 40);
	ub_progress_set_percentage(progress, 30);
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 40);

	/* a child restarting at 0 for the next step does not pull the parent down */
	ub_progress_reset(progress);
	ub_progress_add_step(progress, UB_STATUS_READ, 50, "a");
	ub_progress_add_step(progress, UB_STATUS_READ, 50, "b");
	child = ub_progress_get_child(progress);
	ub_progress_set_percentage(child, 90);
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 45);
	ub_progress_step_done(progress);
	child = ub_progress_get_child(progress);
	ub_progress_set_percentage(child, 0);
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 50);
	ub_progress_set_percentage(child, 100);
	ub_progress_step_done(progress);
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 100);
	drain();
	g_assert_cmpuint(log.last, ==, 100);
	g_assert_cmpstr(log.last_name, ==, "b");
	changed_log_clear(&log);
}

static void
test_progress_coalesce(void)
{
	g_autoptr(UbProgress) progress = ub_progress_new();
	ChangedLog log = {0};

	g_signal_connect(progress, "changed", G_CALLBACK(changed_cb), &log);

	/* 100 updates without the loop running collapse into one emission of the latest */
	for (guint i = 1; i <= 100; i++)
		ub_progress_set_percentage(progress, i);
	g_assert_cmpuint(log.count, ==, 0);
	drain();
	g_assert_cmpuint(log.count, ==, 1);
	g_assert_cmpuint(log.last, ==, 100);
	changed_log_clear(&log);
}

static gpointer
worker_thread(gpointer data)
{
	UbProgress *progress = UB_PROGRESS(data);
	UbProgress *child;

	ub_progress_add_step(progress, UB_STATUS_READ, 1, "read");
	child = ub_progress_get_child(progress);
	for (guint i = 0; i <= 4096; i++)
		ub_progress_set_bytes(child, (guint64)i * 256, 4096 * 256);
	ub_progress_step_done(progress);
	return NULL;
}

static void
test_progress_thread(void)
{
	g_autoptr(UbProgress) progress = ub_progress_new();
	ChangedLog log = {0};
	GThread *thread;

	log.seen = g_array_new(FALSE, FALSE, sizeof(guint));
	g_signal_connect(progress, "changed", G_CALLBACK(changed_cb), &log);
	thread = g_thread_new("progress-worker", worker_thread, progress);
	g_thread_join(thread);
	drain();

	/* delivered in this (the creating) thread, coalesced, and never going down */
	g_assert_true(log.thread == g_thread_self());
	g_assert_cmpuint(log.count, >=, 1);
	g_assert_cmpuint(log.count, <, 4097);
	g_assert_cmpuint(log.last, ==, 100);
	for (guint i = 1; i < log.seen->len; i++)
		g_assert_cmpuint(g_array_index(log.seen, guint, i), >=,
				 g_array_index(log.seen, guint, i - 1));
	changed_log_clear(&log);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/core/progress/child-weights", test_progress_weights);
	g_test_add_func("/core/progress/monotonic", test_progress_monotonic);
	g_test_add_func("/core/progress/coalesce", test_progress_coalesce);
	g_test_add_func("/core/progress/thread", test_progress_thread);
	return g_test_run();
}
