/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Identifying firmware files off the main thread: one file, or every firmware file in a folder
 * (two levels deep, as VESC archives keep one folder per hardware). The reading and parsing is
 * the core's UbFirmwareInfo, run in a GTask worker.
 */
#pragma once

#include <gio/gio.h>

#include "ub-firmware-info.h"
#include "ub-image.h"

G_BEGIN_DECLS

/* path: a file or a folder; known_hw_names: every VESC hardware name the boards database knows
 * (lets the core recognise bare names) */
void ub_firmware_scan_async(const char *path, gboolean is_folder,
			    const char *const *known_hw_names, GCancellable *cancellable,
			    GAsyncReadyCallback callback, gpointer user_data);
/* an array of UbFirmwareInfo, best candidates not sorted yet; a single file that cannot be
 * read or identified gives its error, a folder skips such files */
GPtrArray *ub_firmware_scan_finish(GAsyncResult *result, GError **error);

/* --demo: the generated stand-in image for a board's VESC hardware name (no file needed); the
 * result is one UbFirmwareInfo whose image ub_firmware_scan_get_image() returns */
void ub_firmware_scan_demo_async(const char *hw_name, GCancellable *cancellable,
				 GAsyncReadyCallback callback, gpointer user_data);
/* the image an info was built from, when it is held in memory (the demo's), else NULL */
UbImage *ub_firmware_scan_get_image(UbFirmwareInfo *info);

/* the image of one firmware file, for the flash job */
void ub_firmware_load_image_async(const char *path, GCancellable *cancellable,
				  GAsyncReadyCallback callback, gpointer user_data);
UbImage *ub_firmware_load_image_finish(GAsyncResult *result, GError **error);

G_END_DECLS
