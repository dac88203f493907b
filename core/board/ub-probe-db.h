/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * All probe descriptions in resources/data/probes/ (see ub_data_find_dir() for the lookup order).
 * A bad file is reported with its name and the offending field, and never stops the good ones
 * from loading.
 */
#pragma once

#include <glib-object.h>

#include "ub-probe-model.h"

G_BEGIN_DECLS

#define UB_TYPE_PROBE_DB (ub_probe_db_get_type())
G_DECLARE_FINAL_TYPE(UbProbeDb, ub_probe_db, UB, PROBE_DB, GObject)

UbProbeDb *ub_probe_db_new(void);
gboolean ub_probe_db_load(UbProbeDb *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_probe_db_load_dir(UbProbeDb *self, const gchar *dir,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *ub_probe_db_get_all(UbProbeDb *self);
UbProbeModel *ub_probe_db_lookup(UbProbeDb *self, const gchar *id);
GPtrArray *ub_probe_db_get_problems(UbProbeDb *self);
GPtrArray *ub_probe_db_lookup_by_usb(UbProbeDb *self, guint16 vid, guint16 pid);
/* the same, narrowed by the USB product string where the models list theirs */
GPtrArray *ub_probe_db_lookup_by_usb_product(UbProbeDb *self, guint16 vid, guint16 pid,
                                             const gchar *product);

G_END_DECLS
