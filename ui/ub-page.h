/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbPage: what every wizard page offers the window. The window shows one page at a time
 * (ub-wizard.c decides which); a page says through the "complete" property whether Next may
 * be offered, and through "busy" whether work is running that Cancel would stop (Back is not
 * offered while busy).
 */
#pragma once

#include <gtk/gtk.h>

#include "ub-session.h"

G_BEGIN_DECLS

#define UB_TYPE_PAGE (ub_page_get_type())
G_DECLARE_INTERFACE(UbPage, ub_page, UB, PAGE, GtkWidget)

struct _UbPageInterface {
	GTypeInterface parent_iface;
	/* the page becomes visible; the session holds what earlier pages learned */
	void (*enter)(UbPage *self, UbSession *session);
	/* the page is about to be hidden (Back or Next) */
	void (*leave)(UbPage *self);
	/* stop running work at a safe point */
	void (*cancel)(UbPage *self);
};

void ub_page_enter(UbPage *self, UbSession *session);
void ub_page_leave(UbPage *self);
void ub_page_cancel(UbPage *self);
gboolean ub_page_get_complete(UbPage *self);
gboolean ub_page_get_busy(UbPage *self);

G_END_DECLS
