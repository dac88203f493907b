/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Loading the fonts a window's labels use, between frames, before a page needs them.
 * The first label in a font pango has not used yet (a size or weight the stylesheet gives
 * one class of label) costs a millisecond or more in the frame that shows it: fontconfig
 * sorts the fonts for the description and pango computes its metrics. Done once, early and
 * one font per idle turn, the frame that shows such a label only shapes its text.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* the fonts of every label under @toplevel, shown or not, once its first frame is drawn */
void ub_font_warmup_start(GtkWidget *toplevel);
/* how many fonts have been loaded so far, and of how many found (for tests) */
guint ub_font_warmup_get_loaded(GtkWidget *toplevel, guint *found);

G_END_DECLS
