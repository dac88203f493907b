/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-page.h"

typedef struct {
	UbSession *session;
	GCancellable *cancellable; /* of the running work; NULL when idle */
} UbPagePrivate;

G_DEFINE_TYPE_WITH_PRIVATE(UbPage, ub_page, GTK_TYPE_BOX)

#define GET_PRIVATE(o) ((UbPagePrivate *)ub_page_get_instance_private(o))

enum { PROP_0, PROP_COMPLETE, PROP_BUSY, PROP_LAST };
static GParamSpec *properties[PROP_LAST] = {NULL};

void
ub_page_enter(UbPage *self, UbSession *session)
{
	UbPageClass *klass;

	g_return_if_fail(UB_IS_PAGE(self));
	g_return_if_fail(UB_IS_SESSION(session));
	g_set_object(&GET_PRIVATE(self)->session, session);
	klass = UB_PAGE_GET_CLASS(self);
	if (klass->enter != NULL)
		klass->enter(self);
	ub_page_notify_complete(self);
}

void
ub_page_prepare(UbPage *self, UbSession *session)
{
	UbPageClass *klass;

	g_return_if_fail(UB_IS_PAGE(self));
	g_return_if_fail(UB_IS_SESSION(session));
	klass = UB_PAGE_GET_CLASS(self);
	if (klass->prepare == NULL || ub_page_get_busy(self))
		return;
	g_set_object(&GET_PRIVATE(self)->session, session);
	klass->prepare(self);
}

void
ub_page_leave(UbPage *self)
{
	UbPageClass *klass;

	g_return_if_fail(UB_IS_PAGE(self));
	klass = UB_PAGE_GET_CLASS(self);
	if (klass->leave != NULL)
		klass->leave(self);
}

/* the work stops at its next safe point; its callback then calls ub_page_end_work() */
void
ub_page_cancel(UbPage *self)
{
	UbPagePrivate *priv;

	g_return_if_fail(UB_IS_PAGE(self));
	priv = GET_PRIVATE(self);
	if (priv->cancellable != NULL)
		g_cancellable_cancel(priv->cancellable);
}

gboolean
ub_page_get_complete(UbPage *self)
{
	UbPageClass *klass;

	g_return_val_if_fail(UB_IS_PAGE(self), FALSE);
	klass = UB_PAGE_GET_CLASS(self);
	return klass->is_complete != NULL && klass->is_complete(self);
}

gboolean
ub_page_get_busy(UbPage *self)
{
	g_return_val_if_fail(UB_IS_PAGE(self), FALSE);
	return GET_PRIVATE(self)->cancellable != NULL;
}

UbSession *
ub_page_get_session(UbPage *self)
{
	g_return_val_if_fail(UB_IS_PAGE(self), NULL);
	return GET_PRIVATE(self)->session;
}

GCancellable *
ub_page_get_cancellable(UbPage *self)
{
	g_return_val_if_fail(UB_IS_PAGE(self), NULL);
	return GET_PRIVATE(self)->cancellable;
}

static void
ub_page_set_busy(UbPage *self, gboolean busy)
{
	UbPageClass *klass = UB_PAGE_GET_CLASS(self);

	if (klass->busy_changed != NULL)
		klass->busy_changed(self, busy);
	g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_BUSY]);
	ub_page_notify_complete(self);
}

GCancellable *
ub_page_begin_work(UbPage *self)
{
	UbPagePrivate *priv;

	g_return_val_if_fail(UB_IS_PAGE(self), NULL);
	priv = GET_PRIVATE(self);
	g_return_val_if_fail(priv->cancellable == NULL, priv->cancellable);
	priv->cancellable = g_cancellable_new();
	ub_page_set_busy(self, TRUE);
	return priv->cancellable;
}

void
ub_page_end_work(UbPage *self)
{
	UbPagePrivate *priv;

	g_return_if_fail(UB_IS_PAGE(self));
	priv = GET_PRIVATE(self);
	if (priv->cancellable == NULL)
		return;
	g_clear_object(&priv->cancellable);
	ub_page_set_busy(self, FALSE);
}

void
ub_page_notify_complete(UbPage *self)
{
	g_return_if_fail(UB_IS_PAGE(self));
	g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_COMPLETE]);
}

static void
ub_page_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	UbPage *self = UB_PAGE(object);

	switch (prop_id) {
	case PROP_COMPLETE:
		g_value_set_boolean(value, ub_page_get_complete(self));
		break;
	case PROP_BUSY:
		g_value_set_boolean(value, ub_page_get_busy(self));
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

static void
ub_page_dispose(GObject *object)
{
	UbPagePrivate *priv = GET_PRIVATE(UB_PAGE(object));

	/* a job still running holds its own reference to the page; it ends cancelled */
	if (priv->cancellable != NULL)
		g_cancellable_cancel(priv->cancellable);
	g_clear_object(&priv->cancellable);
	g_clear_object(&priv->session);
	G_OBJECT_CLASS(ub_page_parent_class)->dispose(object);
}

static void
ub_page_class_init(UbPageClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->get_property = ub_page_get_property;
	object_class->dispose = ub_page_dispose;
	properties[PROP_COMPLETE] = g_param_spec_boolean(
	    "complete", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	properties[PROP_BUSY] = g_param_spec_boolean("busy", NULL, NULL, FALSE,
						     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties(object_class, PROP_LAST, properties);
}

static void
ub_page_init(UbPage *self)
{
}
