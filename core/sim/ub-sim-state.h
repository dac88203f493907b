/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimState: a bench's chip as it is at every moment, next to its state file (unbrick-cli
 * --sim-state FILE, see ub_sim_board_save_state()). The state file is written when a program
 * ends; a program killed with SIGKILL never writes it, yet the real chip keeps what was erased
 * and written up to that moment. So while a program drives the bench, the flash and the option
 * bytes live in FILE.live, a shared mapping every erase and write goes through at once. A
 * program that ends normally saves FILE and removes FILE.live (ub_sim_state_save()); one that
 * was killed leaves it, and the next program on the bench takes the chip from it.
 *
 * FILE.live is locked while a bench uses it: a second program on the same bench meets a busy
 * probe (UB_PROBE_ERROR_BUSY) naming the first, as two programs on one USB probe do.
 *
 *   g_autoptr(UbSimState) state = ub_sim_state_attach(board, path, &error);
 *   …the bench's flash is FILE.live's from here on…
 *   ub_sim_state_save(state, &error);
 */
#pragma once

#include <glib-object.h>

#include "ub-sim-board.h"

G_BEGIN_DECLS

#define UB_TYPE_SIM_STATE (ub_sim_state_get_type())
G_DECLARE_FINAL_TYPE(UbSimState, ub_sim_state, UB, SIM_STATE, GObject)

/* @path is the state file. Without FILE.live the bench keeps its chip (as loaded from FILE, or
 * new) and FILE.live starts as it; a FILE.live left by a killed program gives the bench its
 * chip, the board then starting as after a power cycle (the program that held it in debug is
 * gone). Fails for a FILE.live of another bench, a damaged one (UB_DATA_ERROR_INVALID) and one
 * in use (UB_PROBE_ERROR_BUSY). */
UbSimState *ub_sim_state_attach(UbSimBoard *board, const char *path,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* the program ends normally: FILE gets the bench as it is now, FILE.live goes */
gboolean ub_sim_state_save(UbSimState *self, GError **error);
/* the flash and option bytes of the chip a state file stands for (FILE.live when a program
 * has it or was killed with it, else FILE), without a bench (for tests and reports) */
GBytes *ub_sim_state_read_flash(const char *path, guint32 *optcr, GError **error);

G_END_DECLS
