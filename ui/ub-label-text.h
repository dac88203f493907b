/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Setting a label's or a button's text only when it changes. GTK 3 throws a label's layout
 * away and asks the whole window for a new size on every gtk_label_set_text(), the same text
 * included, and gtk_button_set_label() builds the button's label anew: a page that says the
 * same thing again when it is shown paid a full measure of its text (pango shaping, a
 * millisecond for a paragraph) in the frame that shows it.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void ub_label_set_text_if_changed(GtkLabel *label, const char *text);
void ub_button_set_label_if_changed(GtkButton *button, const char *label);

G_END_DECLS
