/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimState: a bench's chip kept in a file between runs, so a program can be run again on the
 * chip an earlier run left (`unbrick-cli … --sim focbox --sim-state FILE`). What survives is
 * what survives on the real chip when the program that drove it is gone: the flash and the
 * option bytes. The flash lives in a shared mapping of the file, so every erase and write is
 * there the moment the model makes it, even when the program is killed with SIGKILL.
 *
 * The file is locked while a bench uses it: a second program on the same bench meets a busy
 * probe (UB_PROBE_ERROR_BUSY) naming the first, as two programs on one USB probe do.
 *
 *   g_autoptr(UbSimState) state = ub_sim_state_attach(board, path, &error);
 *   …the bench's flash is the file's from here on…
 */
#pragma once

#include <glib-object.h>

#include "ub-sim-board.h"

G_BEGIN_DECLS

#define UB_TYPE_SIM_STATE (ub_sim_state_get_type())
G_DECLARE_FINAL_TYPE(UbSimState, ub_sim_state, UB, SIM_STATE, GObject)

/* a new file takes the bench's chip as it is; an existing one gives the bench its chip (the
 * board then starts as after a power cycle). Fails for a file of another bench, a damaged one
 * (UB_DATA_ERROR_INVALID) and one in use (UB_PROBE_ERROR_BUSY). */
UbSimState *ub_sim_state_attach(UbSimBoard *board, const char *path,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* the flash and option bytes a state file holds, without a bench (for tests and reports) */
GBytes *ub_sim_state_read_flash(const char *path, guint32 *optcr, GError **error);

G_END_DECLS
