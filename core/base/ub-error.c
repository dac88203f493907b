/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ub-error.h"

G_DEFINE_QUARK(ub-probe-error-quark, ub_probe_error)
G_DEFINE_QUARK(ub-target-error-quark, ub_target_error)
G_DEFINE_QUARK(ub-flash-error-quark, ub_flash_error)
G_DEFINE_QUARK(ub-image-error-quark, ub_image_error)
G_DEFINE_QUARK(ub-data-error-quark, ub_data_error)
G_DEFINE_QUARK(ub-download-error-quark, ub_download_error)
