/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Identifying firmware files off the main thread: one file, or every firmware file in a folder
 * (two levels deep, as VESC archives keep one folder per hardware). The reading and parsing is
 * the core's UbFirmwareInfo, run in a GTask worker.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* path: a file or a folder; known_hw_names: every VESC hardware name the boards database knows
 * (lets the core recognise bare names) */
void ub_firmware_scan_async(const char *path, gboolean is_folder,
			    const char *const *known_hw_names, GCancellable *cancellable,
			    GAsyncReadyCallback callback, gpointer user_data);
/* an array of UbFirmwareInfo, best candidates not sorted yet; a single file that cannot be
 * read or identified gives its error, a folder skips such files */
GPtrArray *ub_firmware_scan_finish(GAsyncResult *result, GError **error);

G_END_DECLS
