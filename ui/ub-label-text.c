/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-label-text.h"

void
ub_label_set_text_if_changed(GtkLabel *label, const char *text)
{
	g_return_if_fail(GTK_IS_LABEL(label));

	/* a label showing markup or mnemonics holds other text than it shows: set it plainly */
	if (!gtk_label_get_use_markup(label) && !gtk_label_get_use_underline(label) &&
	    g_strcmp0(gtk_label_get_text(label), text != NULL ? text : "") == 0)
		return;
	gtk_label_set_text(label, text);
}

void
ub_button_set_label_if_changed(GtkButton *button, const char *label)
{
	g_return_if_fail(GTK_IS_BUTTON(button));

	if (g_strcmp0(gtk_button_get_label(button), label) == 0)
		return;
	gtk_button_set_label(button, label);
}
