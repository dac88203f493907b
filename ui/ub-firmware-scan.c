/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-firmware-demo.h"
#include "ub-firmware-info.h"
#include "ub-firmware-scan.h"
#include "ub-image-loader.h"

#define UB_FIRMWARE_SCAN_DEPTH 2
#define UB_FIRMWARE_SCAN_IMAGE_KEY "ub-firmware-scan-image"

typedef struct {
	char *path;
	gboolean is_folder;
	char **known_hw_names;
} UbFirmwareScanData;

static void
ub_firmware_scan_data_free(UbFirmwareScanData *data)
{
	g_free(data->path);
	g_strfreev(data->known_hw_names);
	g_free(data);
}

static gboolean
ub_firmware_scan_is_candidate(const char *name)
{
	const char *suffixes[] = {".bin", ".hex", ".ihex", ".srec", ".s19", ".elf", NULL};
	g_autofree char *lower = g_ascii_strdown(name, -1);

	for (guint i = 0; suffixes[i] != NULL; i++) {
		if (g_str_has_suffix(lower, suffixes[i]))
			return TRUE;
	}
	return FALSE;
}

static void
ub_firmware_scan_folder(const char *path, guint depth, const char *const *known_hw_names,
			GPtrArray *infos, GCancellable *cancellable)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *name;

	if (dir == NULL)
		return;
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree char *child = g_build_filename(path, name, NULL);
		g_autoptr(GError) error = NULL;
		UbFirmwareInfo *info;

		if (g_cancellable_is_cancelled(cancellable))
			return;
		if (g_file_test(child, G_FILE_TEST_IS_DIR)) {
			if (depth < UB_FIRMWARE_SCAN_DEPTH)
				ub_firmware_scan_folder(child, depth + 1, known_hw_names, infos,
							cancellable);
			continue;
		}
		if (!ub_firmware_scan_is_candidate(name))
			continue;
		info = ub_firmware_info_new_from_file(child, known_hw_names, &error);
		if (info == NULL) {
			g_debug("skipping %s: %s", child, error->message);
			continue;
		}
		g_ptr_array_add(infos, info);
	}
}

static void
ub_firmware_scan_thread(GTask *task, gpointer source_object, gpointer task_data,
			GCancellable *cancellable)
{
	UbFirmwareScanData *data = task_data;
	g_autoptr(GPtrArray) infos = g_ptr_array_new_with_free_func(g_object_unref);
	GError *error = NULL;

	if (data->is_folder) {
		ub_firmware_scan_folder(data->path, 0, (const char *const *)data->known_hw_names,
					infos, cancellable);
	} else {
		UbFirmwareInfo *info = ub_firmware_info_new_from_file(
		    data->path, (const char *const *)data->known_hw_names, &error);

		if (info == NULL) {
			g_task_return_error(task, error);
			return;
		}
		g_ptr_array_add(infos, info);
	}
	if (g_task_return_error_if_cancelled(task))
		return;
	g_task_return_pointer(task, g_steal_pointer(&infos), (GDestroyNotify)g_ptr_array_unref);
}

void
ub_firmware_scan_async(const char *path, gboolean is_folder, const char *const *known_hw_names,
		       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = NULL;
	UbFirmwareScanData *data;

	g_return_if_fail(path != NULL);

	data = g_new0(UbFirmwareScanData, 1);
	data->path = g_strdup(path);
	data->is_folder = is_folder;
	data->known_hw_names = g_strdupv((char **)known_hw_names);
	task = g_task_new(NULL, cancellable, callback, user_data);
	g_task_set_source_tag(task, ub_firmware_scan_async);
	g_task_set_task_data(task, data, (GDestroyNotify)ub_firmware_scan_data_free);
	g_task_run_in_thread(task, ub_firmware_scan_thread);
}

GPtrArray *
ub_firmware_scan_finish(GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
	return g_task_propagate_pointer(G_TASK(result), error);
}

static void
ub_firmware_load_image_thread(GTask *task, gpointer source_object, gpointer task_data,
			      GCancellable *cancellable)
{
	GError *error = NULL;
	UbImage *image = ub_image_new_from_file(task_data, UB_IMAGE_DEFAULT_BASE, &error);

	if (image == NULL) {
		g_task_return_error(task, error);
		return;
	}
	g_task_return_pointer(task, image, g_object_unref);
}

void
ub_firmware_load_image_async(const char *path, GCancellable *cancellable,
			     GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = NULL;

	g_return_if_fail(path != NULL);
	task = g_task_new(NULL, cancellable, callback, user_data);
	g_task_set_source_tag(task, ub_firmware_load_image_async);
	g_task_set_task_data(task, g_strdup(path), g_free);
	g_task_run_in_thread(task, ub_firmware_load_image_thread);
}

UbImage *
ub_firmware_load_image_finish(GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
	return g_task_propagate_pointer(G_TASK(result), error);
}

static void
ub_firmware_scan_demo_thread(GTask *task, gpointer source_object, gpointer task_data,
			     GCancellable *cancellable)
{
	const char *hw_name = task_data;
	const char *known[] = {hw_name, NULL};
	g_autoptr(UbImage) image = NULL;
	g_autoptr(GPtrArray) infos = g_ptr_array_new_with_free_func(g_object_unref);
	UbFirmwareInfo *info;
	GError *error = NULL;

	image = ub_firmware_demo_image_new(hw_name, UB_FIRMWARE_LAYOUT_512K, &error);
	if (image == NULL) {
		g_task_return_error(task, error);
		return;
	}
	info = ub_firmware_info_new_from_image(image, known, &error);
	if (info == NULL) {
		g_task_return_error(task, error);
		return;
	}
	g_object_set_data_full(G_OBJECT(info), UB_FIRMWARE_SCAN_IMAGE_KEY,
			       g_steal_pointer(&image), g_object_unref);
	g_ptr_array_add(infos, info);
	g_task_return_pointer(task, g_steal_pointer(&infos), (GDestroyNotify)g_ptr_array_unref);
}

void
ub_firmware_scan_demo_async(const char *hw_name, GCancellable *cancellable,
			    GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = NULL;

	g_return_if_fail(hw_name != NULL);
	task = g_task_new(NULL, cancellable, callback, user_data);
	g_task_set_source_tag(task, ub_firmware_scan_async);
	g_task_set_task_data(task, g_strdup(hw_name), g_free);
	g_task_run_in_thread(task, ub_firmware_scan_demo_thread);
}

UbImage *
ub_firmware_scan_get_image(UbFirmwareInfo *info)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(info), NULL);
	return g_object_get_data(G_OBJECT(info), UB_FIRMWARE_SCAN_IMAGE_KEY);
}
