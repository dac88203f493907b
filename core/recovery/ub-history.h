/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbHistory: which probe (by serial) reached which chip (by UID), or failed to, and when. Kept
 * in $XDG_STATE_HOME/unbrick/history.json, so a later session can tell a probe that worked
 * yesterday and reaches nothing today from a board that died (user story 3: "it fails on my
 * healthy boards too").
 *
 *   g_autoptr(UbHistory) history = ub_history_new(NULL);
 *   ub_history_load(history, NULL);
 *   fact = ub_history_probe_fact(history, serial);      (before this session's outcome)
 *   ub_history_record(history, serial, uid, reached);
 *   ub_history_save(history, &error);
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define UB_TYPE_HISTORY (ub_history_get_type())
G_DECLARE_FINAL_TYPE(UbHistory, ub_history, UB, HISTORY, GObject)

/* @path: (nullable): the file; NULL for $XDG_STATE_HOME/unbrick/history.json */
UbHistory *ub_history_new(const char *path);
const char *ub_history_get_path(UbHistory *self);
/* a missing file is an empty history; a damaged one is an error (and is left alone) */
gboolean ub_history_load(UbHistory *self, GError **error);
gboolean ub_history_save(UbHistory *self, GError **error);
gboolean ub_history_clear(UbHistory *self, GError **error);
/* @uid: (nullable): the chip reached, NULL when nothing was reached */
void ub_history_record(UbHistory *self, const char *probe_serial, const char *uid,
		       gboolean reached);
/* what the history says of this probe (the probe_history fact): "new", "worked",
 * "worked-before-fails-now" or "never-worked" */
const char *ub_history_probe_fact(UbHistory *self, const char *probe_serial);
guint ub_history_get_length(UbHistory *self);
JsonNode *ub_history_to_json(UbHistory *self);

G_END_DECLS
