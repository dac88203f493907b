/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbFirmwareFetch: gets the VESC firmware for one hardware from the public VESC firmware
 * archive (github.com/vedderb/vesc_fw_archive: <version>/<HW names joined by _o_>/VESC_default.bin
 * and its variants; in_res_fw.qrc at the top lists every file) into the user's cache, laid out
 * like the archive (XDG_CACHE_HOME/unbrick/firmware/<version>/<folder>/<file>), so the folder
 * picker and UbFirmwareCatalog read it too. Every downloaded file goes through
 * UbFirmwareInfo (hardware marker, version) and is refused, and deleted, when it is not an
 * application built for the hardware asked for.
 *
 *   g_autoptr(UbFirmwareFetch) fetch = ub_firmware_fetch_new(NULL);
 *   const gchar *hw_names[] = {"410", NULL};
 *   ub_firmware_fetch_run_async(fetch, hw_names, NULL, NULL, progress, cancellable, done_cb,
 *                               NULL);
 *   ...in done_cb:
 *   g_autoptr(UbFirmwareEntry) entry = ub_firmware_fetch_run_finish(fetch, result, &error);
 *
 * The network work runs in a GTask thread with its own libsoup session; errors are
 * UB_DOWNLOAD_ERROR (what a person can act on: offline, stalled, interrupted, not in the
 * archive, several hardware versions to choose from), UB_IMAGE_ERROR_WRONG_HARDWARE, or
 * G_IO_ERROR_CANCELLED.
 */
#pragma once

#include <gio/gio.h>

#include "ub-firmware-entry.h"
#include "ub-progress.h"

G_BEGIN_DECLS

/* the archive as VESC Tool's maintainer publishes it */
#define UB_FIRMWARE_ARCHIVE_URL "https://raw.githubusercontent.com/vedderb/vesc_fw_archive/main/"
/* the archive's list of its files (a Qt resource collection file) */
#define UB_FIRMWARE_ARCHIVE_INDEX "in_res_fw.qrc"
#define UB_FIRMWARE_DEFAULT_FILE "VESC_default.bin"
/* seconds without a byte from the server before giving up */
#define UB_FIRMWARE_FETCH_TIMEOUT 30

#define UB_TYPE_FIRMWARE_FETCH (ub_firmware_fetch_get_type())
G_DECLARE_FINAL_TYPE(UbFirmwareFetch, ub_firmware_fetch, UB, FIRMWARE_FETCH, GObject)

UbFirmwareFetch *ub_firmware_fetch_new(const gchar *archive_url);
const gchar *ub_firmware_fetch_get_archive_url(UbFirmwareFetch *self);
void ub_firmware_fetch_set_cache_dir(UbFirmwareFetch *self, const gchar *cache_dir);
const gchar *ub_firmware_fetch_get_cache_dir(UbFirmwareFetch *self);
void ub_firmware_fetch_set_timeout(UbFirmwareFetch *self, guint seconds);

UbFirmwareEntry *ub_firmware_fetch_run(UbFirmwareFetch *self, const gchar *const *hw_names,
                                       const gchar *version, const gchar *file,
                                       UbProgress *progress, GCancellable *cancellable,
                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;
void ub_firmware_fetch_run_async(UbFirmwareFetch *self, const gchar *const *hw_names,
                                 const gchar *version, const gchar *file, UbProgress *progress,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
UbFirmwareEntry *ub_firmware_fetch_run_finish(UbFirmwareFetch *self, GAsyncResult *result,
                                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
