/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbPage: the base of every wizard page. The window shows one page at a time (ub-wizard.c
 * decides which) and reads two properties: "complete" (Next may be offered) and "busy" (work is
 * running that Cancel stops; Back is not offered meanwhile). The base holds what every page
 * needs for that — the session, the cancellable of the running work, the properties, the
 * cancel and the clean-up — so a page only says what is its own:
 *
 *   static void my_page_enter(UbPage *page)            (the session is set before)
 *   static void my_page_prepare(UbPage *page)          (may come next: build ahead, hidden)
 *   static gboolean my_page_is_complete(UbPage *page)
 *   static void my_page_busy_changed(UbPage *page, gboolean busy)   (buttons, spinners)
 *
 *   GCancellable *cancellable = ub_page_begin_work(UB_PAGE(self));
 *   ub_device_read_info_async(device, cancellable, done_cb, g_object_ref(self));
 *   …in done_cb: ub_page_end_work(UB_PAGE(self)); ub_page_notify_complete(UB_PAGE(self));
 */
#pragma once

#include <gtk/gtk.h>

#include "ub-session.h"

G_BEGIN_DECLS

#define UB_TYPE_PAGE (ub_page_get_type())
G_DECLARE_DERIVABLE_TYPE(UbPage, ub_page, UB, PAGE, GtkBox)

struct _UbPageClass {
	GtkBoxClass parent_class;
	/* the page becomes visible; ub_page_get_session() holds what earlier pages learned */
	void (*enter)(UbPage *self);
	/* the page is about to be hidden (Back or Next) */
	void (*leave)(UbPage *self);
	/* whether Next may be offered now (default: no) */
	gboolean (*is_complete)(UbPage *self);
	/* work started (ub_page_begin_work) or ended (ub_page_end_work) */
	void (*busy_changed)(UbPage *self, gboolean busy);
	/* the page is hidden and may be shown next: build from the session what enter() would,
	 * so that the frame showing the page does not measure it all; enter() still follows */
	void (*prepare)(UbPage *self);
	gpointer padding[3];
};

/* for the window */
void ub_page_enter(UbPage *self, UbSession *session);
void ub_page_prepare(UbPage *self, UbSession *session);
void ub_page_leave(UbPage *self);
void ub_page_cancel(UbPage *self);
gboolean ub_page_get_complete(UbPage *self);
gboolean ub_page_get_busy(UbPage *self);

/* for the pages: (transfer none), NULL before the first enter */
UbSession *ub_page_get_session(UbPage *self);
/* starts work that Cancel stops: returns its cancellable (transfer none), notifies "busy" */
GCancellable *ub_page_begin_work(UbPage *self);
void ub_page_end_work(UbPage *self);
/* the running work's cancellable, NULL when idle (transfer none) */
GCancellable *ub_page_get_cancellable(UbPage *self);
/* what is_complete() says may have changed */
void ub_page_notify_complete(UbPage *self);

G_END_DECLS
