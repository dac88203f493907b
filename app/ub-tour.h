/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The demo tour for tools/screenshots.sh: drives the real wizard on the simulator, through its
 * widgets as a person would, until the requested page shows something worth a picture (a
 * finished wiring check, a connect attempt, a flash under way).
 */
#pragma once

#include "ub-window.h"

G_BEGIN_DECLS

typedef void (*UbTourDoneFunc)(UbWindow *window, gboolean reached, gpointer user_data);

void ub_tour_start(UbWindow *window, const char *page, UbTourDoneFunc done, gpointer user_data);

G_END_DECLS
