/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Finding and reading a directory of data files (resources/data/<kind>/): every file is
 * parsed and checked against its schema before a type-specific loader sees it. Private to core.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* returns FALSE with UB_DATA_ERROR_INVALID (file and field in the message) to reject the file */
typedef gboolean (*UbDataFileFunc)(JsonObject *root, const gchar *filename, gpointer user_data,
                                   GError **error);

GPtrArray *ub_data_search_dirs(const gchar *kind) G_GNUC_WARN_UNUSED_RESULT;
gchar *ub_data_find_dir(const gchar *kind, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_data_load_dir(const gchar *dir, const gchar *schema_name, UbDataFileFunc func,
                          gpointer user_data, GPtrArray *problems,
                          GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_data_load_data(const gchar *filename, const gchar *text, gssize len,
                           const gchar *schema_name, UbDataFileFunc func, gpointer user_data,
                           GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_data_report_problems(GPtrArray *problems, const gchar *dir, GError **error);

/* a string array member as a NULL-terminated vector */
gchar **ub_data_json_get_strv(JsonObject *object, const gchar *member);
/* a text of a data file that a person reads, in their language (tools/extract-data-strings.py
 * lists these fields for translators in po/data-strings.c); NULL stays NULL */
gchar *ub_data_text(const gchar *text);
/* a string array member of such texts, each translated */
gchar **ub_data_json_get_texts(JsonObject *object, const gchar *member);
gchar **ub_data_json_get_sources(JsonObject *object);

G_END_DECLS
