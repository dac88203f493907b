/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libunbrick-ui public header: the wizard window and what it needs */
#pragma once

#include "ub-session.h"
#include "ub-window.h"
#include "ub-wizard.h"

G_BEGIN_DECLS

/* registers the GResource and the application CSS on @screen (once) */
void ub_ui_init(GdkScreen *screen);
/* keyboard shortcuts of the window actions: Alt+Left Back, Alt+Right Next, Escape Cancel */
void ub_ui_add_accelerators(GtkApplication *application);

G_END_DECLS
