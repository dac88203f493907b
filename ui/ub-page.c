/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-page.h"

G_DEFINE_INTERFACE(UbPage, ub_page, GTK_TYPE_WIDGET)

static void
ub_page_default_init(UbPageInterface *iface)
{
	/* pages implement these as plain boolean properties and notify when they change */
	g_object_interface_install_property(
	    iface,
	    g_param_spec_boolean("complete", NULL, NULL, FALSE,
				 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
	g_object_interface_install_property(
	    iface,
	    g_param_spec_boolean("busy", NULL, NULL, FALSE,
				 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

void
ub_page_enter(UbPage *self, UbSession *session)
{
	UbPageInterface *iface;

	g_return_if_fail(UB_IS_PAGE(self));
	g_return_if_fail(UB_IS_SESSION(session));
	iface = UB_PAGE_GET_IFACE(self);
	if (iface->enter != NULL)
		iface->enter(self, session);
}

void
ub_page_leave(UbPage *self)
{
	UbPageInterface *iface;

	g_return_if_fail(UB_IS_PAGE(self));
	iface = UB_PAGE_GET_IFACE(self);
	if (iface->leave != NULL)
		iface->leave(self);
}

void
ub_page_cancel(UbPage *self)
{
	UbPageInterface *iface;

	g_return_if_fail(UB_IS_PAGE(self));
	iface = UB_PAGE_GET_IFACE(self);
	if (iface->cancel != NULL)
		iface->cancel(self);
}

gboolean
ub_page_get_complete(UbPage *self)
{
	gboolean complete = FALSE;

	g_return_val_if_fail(UB_IS_PAGE(self), FALSE);
	g_object_get(self, "complete", &complete, NULL);
	return complete;
}

gboolean
ub_page_get_busy(UbPage *self)
{
	gboolean busy = FALSE;

	g_return_val_if_fail(UB_IS_PAGE(self), FALSE);
	g_object_get(self, "busy", &busy, NULL);
	return busy;
}
