/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbWindow: the wizard window. A header bar with Back, Cancel and Next, a sidebar that shows
 * the steps, and a GtkStack with one page per step. UbWizard picks the page; the pages do the
 * work through the core's async API.
 */
#pragma once

#include <gtk/gtk.h>

#include "ub-session.h"

G_BEGIN_DECLS

#define UB_TYPE_WINDOW (ub_window_get_type())
G_DECLARE_FINAL_TYPE(UbWindow, ub_window, UB, WINDOW, GtkApplicationWindow)

UbWindow *ub_window_new(GtkApplication *application, UbSession *session);
UbSession *ub_window_get_session(UbWindow *self);

G_END_DECLS
