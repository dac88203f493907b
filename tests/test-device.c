/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbDevice's async API against the simulated benches (resources/data/sim-boards/), exactly
 * as the UI and the CLI use it: a main loop, GTask callbacks, UbProgress.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "ub-device.h"
#include "ub-error.h"
#include "ub-file-holder.h"
#include "ub-sim-board.h"
#include "ub-sim-mcu.h"
#include "ub-test-firmware.h"

typedef struct {
	GMainLoop *loop;
	GAsyncResult *result;
	GThread *callback_thread;
} AsyncWait;

static void
async_wait_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	AsyncWait *wait = user_data;

	wait->result = g_object_ref(result);
	wait->callback_thread = g_thread_self();
	g_main_loop_quit(wait->loop);
}

static GAsyncResult *
async_wait_run(AsyncWait *wait)
{
	g_clear_object(&wait->result);
	if (wait->loop == NULL)
		wait->loop = g_main_loop_new(NULL, FALSE);
	g_main_loop_run(wait->loop);
	return wait->result;
}

static void
async_wait_clear(AsyncWait *wait)
{
	g_clear_object(&wait->result);
	g_clear_pointer(&wait->loop, g_main_loop_unref);
}

static void
test_device_info_focbox(void)
{
	g_autoptr(UbDevice) device = ub_sim_device_new("focbox", NULL);
	g_autoptr(UbTargetInfo) info = NULL;
	g_autoptr(GError) error = NULL;
	AsyncWait wait = {0};

	ub_device_read_info_async(device, NULL, async_wait_cb, &wait);
	info = ub_device_read_info_finish(device, async_wait_run(&wait), &error);
	g_assert_no_error(error);
	g_assert_nonnull(info);
	g_assert_true(wait.callback_thread == g_thread_self());

	g_assert_cmpstr(ub_target_info_get_chip_id(info), ==, "stm32f40x");
	g_assert_cmpstr(ub_target_info_get_chip_name(info), ==, "STM32F405/407/415/417");
	g_assert_cmphex(ub_target_info_get_dev_id(info), ==, 0x413);
	g_assert_cmphex(ub_target_info_get_dp_idcode(info), ==, 0x2ba01477);
	g_assert_cmphex(ub_target_info_get_cpuid(info), ==, 0x410fc241);
	g_assert_cmpuint(ub_target_info_get_flash_size(info), ==, 1024 * 1024);
	g_assert_nonnull(ub_target_info_get_revision(info));
	g_assert_cmpuint(strlen(ub_target_info_get_uid(info)), ==, 24);
	g_assert_cmpuint(ub_target_info_get_rdp_level(info), ==, 0);
	g_assert_cmpuint(ub_target_info_get_voltage_mv(info), >, 3000);
	g_assert_cmpuint(ub_target_info_get_voltage_mv(info), <, 3600);
	g_assert_cmpint(ub_target_info_get_core_state(info), !=, UB_CORE_STATE_UNKNOWN);
	g_assert_cmpstr(ub_target_info_get_probe_kind(info), ==, "ST-LINK/V2");
	g_assert_cmpstr(ub_target_info_get_probe_firmware(info), ==, "V2J37S7");

	ub_device_close_async(device, NULL, async_wait_cb, &wait);
	g_assert_true(ub_device_close_finish(device, async_wait_run(&wait), &error));
	g_assert_no_error(error);
	async_wait_clear(&wait);
}

static void
test_device_info_bricked(void)
{
	g_autoptr(UbDevice) device = ub_sim_device_new("focbox-bricked", NULL);
	g_autoptr(UbTargetInfo) info = NULL;
	g_autoptr(GError) error = NULL;
	AsyncWait wait = {0};

	/* the firmware turned PA13/PA14 into GPIOs: the DP never answers a normal connect */
	ub_device_read_info_async(device, NULL, async_wait_cb, &wait);
	info = ub_device_read_info_finish(device, async_wait_run(&wait), &error);
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK);
	g_assert_null(info);
	async_wait_clear(&wait);
}

static void
test_device_unknown_board(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(UbDevice) device = ub_sim_device_new("no-such-bench", &error);

	g_assert_null(device);
	g_assert_error(error, UB_DATA_ERROR, UB_DATA_ERROR_NOT_FOUND);
}

/* jobs of one device never overlap and run in the order they were queued */
typedef struct {
	gint running;
	gint max_running;
	GMutex mutex;
	GArray *order;
} JobLog;

typedef struct {
	JobLog *log;
	guint id;
} JobData;

static gpointer
logging_job(UbDevice *device, gpointer data, UbProgress *progress, GCancellable *cancellable,
	    GError **error)
{
	JobData *job = data;
	gint now = g_atomic_int_add(&job->log->running, 1) + 1;
	guint32 idcode = 0;

	g_mutex_lock(&job->log->mutex);
	job->log->max_running = MAX(job->log->max_running, now);
	g_array_append_val(job->log->order, job->id);
	g_mutex_unlock(&job->log->mutex);

	/* real USB work on the worker: connect and read a register */
	if (!ub_device_connect(device, cancellable, error) ||
	    !ub_target_read_u32(ub_device_get_target(device), 0xE0042000, &idcode, error)) {
		g_atomic_int_add(&job->log->running, -1);
		return NULL;
	}
	g_atomic_int_add(&job->log->running, -1);
	return GUINT_TO_POINTER(idcode);
}

static void
job_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	guint *remaining = user_data;
	g_autoptr(GError) error = NULL;
	gpointer idcode = ub_device_run_job_finish(UB_DEVICE(source), result, &error);

	g_assert_no_error(error);
	g_assert_cmphex(GPOINTER_TO_UINT(idcode) & 0xfff, ==, 0x413);
	(*remaining)--;
}

static void
test_device_jobs_serialized(void)
{
	g_autoptr(UbDevice) device = ub_sim_device_new("focbox", NULL);
	JobLog log = {0};
	guint remaining = 8;

	g_mutex_init(&log.mutex);
	log.order = g_array_new(FALSE, FALSE, sizeof(guint));
	for (guint i = 0; i < 8; i++) {
		JobData *job = g_new0(JobData, 1);
		job->log = &log;
		job->id = i;
		ub_device_run_job_async(device, logging_job, job, g_free, NULL, NULL, NULL,
					job_done_cb, &remaining);
	}
	while (remaining > 0)
		g_main_context_iteration(NULL, TRUE);
	g_assert_cmpint(log.max_running, ==, 1);
	g_assert_cmpuint(log.order->len, ==, 8);
	for (guint i = 0; i < 8; i++)
		g_assert_cmpuint(g_array_index(log.order, guint, i), ==, i);
	g_array_unref(log.order);
	g_mutex_clear(&log.mutex);
}

static void
test_device_cancelled(void)
{
	g_autoptr(UbDevice) device = ub_sim_device_new("focbox", NULL);
	g_autoptr(GCancellable) cancellable = g_cancellable_new();
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GError) error = NULL;
	AsyncWait wait = {0};

	g_cancellable_cancel(cancellable);
	ub_device_read_memory_async(device, 0x08000000, 64 * 1024, NULL, cancellable,
				    async_wait_cb, &wait);
	bytes = ub_device_read_memory_finish(device, async_wait_run(&wait), &error);
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	g_assert_null(bytes);
	async_wait_clear(&wait);
}

/* loads the image and halts the core (so the firmware does not run during the read) */
static gpointer
prepare_flash_job(UbDevice *device, gpointer data, UbProgress *progress,
		  GCancellable *cancellable, GError **error)
{
	const char *path = data;

	if (!ub_device_connect(device, cancellable, error))
		return NULL;
	/* loading power-cycles the bench (a fresh boot of the new image), which resets the DP:
	 * connect again afterwards */
	if (!ub_sim_board_load_flash_file(ub_sim_board_from_device(device), path, error))
		return NULL;
	ub_target_set_disconnected(ub_device_get_target(device));
	if (!ub_device_connect(device, cancellable, error))
		return NULL;
	if (!ub_target_reset(ub_device_get_target(device), UB_RESET_SYSRESETREQ, TRUE, error))
		return NULL;
	ub_sim_stlink_reset_stats(ub_sim_board_get_stlink(ub_sim_board_from_device(device)));
	return GINT_TO_POINTER(TRUE);
}

static void
progress_changed_cb(UbProgress *progress, guint percentage, guint status, const char *name,
		    gpointer user_data)
{
	guint *last = user_data;

	g_assert_cmpuint(percentage, >=, *last);
	*last = percentage;
}

static void
test_device_read_flash(void)
{
	g_autofree char *path = NULL;
	g_autoptr(UbDevice) device = ub_sim_device_new("focbox", NULL);
	g_autoptr(UbProgress) progress = ub_progress_new();
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GBytes) flash = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *image = NULL;
	g_autofree char *report = NULL;
	gsize image_len = 0;
	gpointer ok;
	guint last = 0;
	UbSimStlinkStats stats;
	AsyncWait wait = {0};

	path = ub_test_firmware_path(UB_TEST_FW_605);
	g_assert_true(g_file_get_contents(path, &image, &image_len, NULL));

	ub_device_run_job_async(device, prepare_flash_job, g_strdup(path), g_free, NULL, NULL,
				NULL, async_wait_cb, &wait);
	ok = ub_device_run_job_finish(device, async_wait_run(&wait), &error);
	g_assert_no_error(error);
	g_assert_nonnull(ok);

	g_signal_connect(progress, "changed", G_CALLBACK(progress_changed_cb), &last);
	ub_device_read_memory_async(device, 0x08000000, 1024 * 1024, progress, NULL,
				    async_wait_cb, &wait);
	bytes = ub_device_read_memory_finish(device, async_wait_run(&wait), &error);
	g_assert_no_error(error);
	g_assert_cmpuint(g_bytes_get_size(bytes), ==, 1024 * 1024);

	/* byte-exact: the image at the start, and everything equal to the model's flash */
	g_assert_cmpmem(g_bytes_get_data(bytes, NULL), image_len, image, image_len);
	flash = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(ub_sim_board_from_device(device)));
	g_assert_true(g_bytes_equal(bytes, flash));
	g_assert_cmpuint(ub_progress_get_percentage(progress), ==, 100);

	ub_sim_stlink_get_stats(ub_sim_board_get_stlink(ub_sim_board_from_device(device)), &stats);
	g_test_message("1 MiB flash read: %" G_GUINT64_FORMAT " USB round trips, %" G_GUINT64_FORMAT
		       " bytes in, modelled USB %.3f s + SWD %.3f s",
		       stats.round_trips, stats.bytes_in, stats.usb_ns / 1e9, stats.swd_ns / 1e9);
	report = ub_sim_board_build_report(ub_sim_board_from_device(device));
	g_test_message("sim report: %s", report);
	/* 256 READMEM_32BIT of 4096 bytes (one TAR auto-increment block each), each followed by
	 * GETLASTRWSTATUS2 */
	g_assert_cmpuint(stats.round_trips, ==, 2 * 256);
	async_wait_clear(&wait);
}

/* a busy probe names the program that holds it: found through /proc, as for a usbfs node */
static void
test_device_busy_holder(void)
{
	g_autofree char *dir = g_dir_make_tmp("ub-holder-XXXXXX", NULL);
	g_autofree char *node = g_build_filename(dir, "node", NULL);
	g_autofree char *script = NULL;
	g_autofree char *holder = NULL;
	g_autofree char *expected = NULL;
	g_autoptr(GError) error = NULL;
	const char *argv[] = {"/bin/sh", "-c", NULL, NULL};
	GPid pid = 0;

	g_assert_true(g_file_set_contents(node, "", 0, NULL));
	g_assert_null(ub_file_find_holder(node));
	script = g_strdup_printf("exec sleep 30 3<'%s'", node);
	argv[2] = script;
	g_assert_true(g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
	                            NULL, &pid, &error));
	g_assert_no_error(error);
	expected = g_strdup_printf("sleep (pid %d)", (int)pid);
	/* until the shell has opened it and become sleep */
	for (guint i = 0; i < 500; i++) {
		g_free(holder);
		holder = ub_file_find_holder(node);
		if (g_strcmp0(holder, expected) == 0)
			break;
		g_usleep(10000);
	}
	g_assert_cmpstr(holder, ==, expected);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	g_spawn_close_pid(pid);
	g_unlink(node);
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/core/device/info-focbox", test_device_info_focbox);
	g_test_add_func("/core/device/info-bricked", test_device_info_bricked);
	g_test_add_func("/core/device/unknown-board", test_device_unknown_board);
	g_test_add_func("/core/device/jobs-serialized", test_device_jobs_serialized);
	g_test_add_func("/core/device/cancelled", test_device_cancelled);
	g_test_add_func("/core/device/read-flash", test_device_read_flash);
	g_test_add_func("/core/device/busy-holder", test_device_busy_holder);
	return g_test_run();
}
