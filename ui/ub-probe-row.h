/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UbProbeRow: one attached probe in the Probe page's list: kind, firmware version, serial */
#pragma once

#include <gtk/gtk.h>

#include "ub-probe-info.h"

G_BEGIN_DECLS

#define UB_TYPE_PROBE_ROW (ub_probe_row_get_type())
G_DECLARE_FINAL_TYPE(UbProbeRow, ub_probe_row, UB, PROBE_ROW, GtkListBoxRow)

GtkWidget *ub_probe_row_new(UbProbeInfo *info);
UbProbeInfo *ub_probe_row_get_info(UbProbeRow *self);
/* the system refused to open it (the udev rule is missing) */
gboolean ub_probe_row_get_denied(UbProbeRow *self);
/* a probe unbrick cannot use (ST-LINK/V1) */
gboolean ub_probe_row_get_unsupported(UbProbeRow *self);

G_END_DECLS
