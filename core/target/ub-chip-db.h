/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbChipDb: every chip data file (resources/data/chips/NAME.json), looked up by DEV_ID.
 * Directories searched, first hit per chip id wins: ub_data_search_dirs("chips")
 * ($UB_DATA_DIR/chips, the source tree's resources/data/chips for a program in the build tree,
 * the installed copy beside the program, then UB_PKGDATADIR/chips).
 *
 *   g_autoptr(UbChipDb) db = ub_chip_db_new();
 *   if (!ub_chip_db_load(db, &error)) …
 *   UbChip *chip = ub_chip_db_lookup(db, 0x413, 0xC24);
 */
#pragma once

#include "ub-chip.h"

G_BEGIN_DECLS

#define UB_TYPE_CHIP_DB (ub_chip_db_get_type())
G_DECLARE_FINAL_TYPE(UbChipDb, ub_chip_db, UB, CHIP_DB, GObject)

UbChipDb *ub_chip_db_new(void) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_chip_db_load(UbChipDb *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_chip_db_load_dir(UbChipDb *self, const char *path,
			     GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_chip_db_load_file(UbChipDb *self, const char *filename,
			      GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* (transfer none) (nullable) */
UbChip *ub_chip_db_lookup(UbChipDb *self, guint16 dev_id, guint16 cpuid_partno);
guint ub_chip_db_get_size(UbChipDb *self);

G_END_DECLS
