/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * All board descriptions in resources/data/boards/ (see ub_data_find_dir() for the lookup order).
 * A bad file is reported with its name and the offending field, and never stops the good ones
 * from loading.
 */
#pragma once

#include <glib-object.h>

#include "ub-board.h"

G_BEGIN_DECLS

#define UB_TYPE_BOARD_DB (ub_board_db_get_type())
G_DECLARE_FINAL_TYPE(UbBoardDb, ub_board_db, UB, BOARD_DB, GObject)

UbBoardDb *ub_board_db_new(void);
gboolean ub_board_db_load(UbBoardDb *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_board_db_load_dir(UbBoardDb *self, const gchar *dir,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *ub_board_db_get_all(UbBoardDb *self);
UbBoard *ub_board_db_lookup(UbBoardDb *self, const gchar *id);
GPtrArray *ub_board_db_get_problems(UbBoardDb *self);
GPtrArray *ub_board_db_lookup_by_hw_name(UbBoardDb *self, const gchar *hw_name);

G_END_DECLS
