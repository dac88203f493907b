/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-wizard.h"

/* the wizard's steps in order; "recovery" is only visited when the Connect step found the
 * target unreachable without reset (ub_session_get_needs_recovery) */
static const char *const page_names[] = {
    "welcome", "probe", "wiring", "connect", "recovery", "firmware", "flash", "done", NULL,
};

struct _UbWizard {
	GObject parent_instance;
	GPtrArray *history; /* of static page names; the last is current */
};

G_DEFINE_TYPE(UbWizard, ub_wizard, G_TYPE_OBJECT)

static void
ub_wizard_finalize(GObject *object)
{
	UbWizard *self = UB_WIZARD(object);

	g_ptr_array_unref(self->history);
	G_OBJECT_CLASS(ub_wizard_parent_class)->finalize(object);
}

static void
ub_wizard_class_init(UbWizardClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_wizard_finalize;
}

static void
ub_wizard_init(UbWizard *self)
{
	self->history = g_ptr_array_new();
	g_ptr_array_add(self->history, (gpointer)page_names[0]);
}

UbWizard *
ub_wizard_new(void)
{
	return g_object_new(UB_TYPE_WIZARD, NULL);
}

static gint
page_index(const char *name)
{
	for (guint i = 0; page_names[i] != NULL; i++) {
		if (g_strcmp0(page_names[i], name) == 0)
			return (gint)i;
	}
	return -1;
}

const char *
ub_wizard_get_current(UbWizard *self)
{
	g_return_val_if_fail(UB_IS_WIZARD(self), NULL);
	return g_ptr_array_index(self->history, self->history->len - 1);
}

const char *
ub_wizard_peek_next(UbWizard *self, UbSession *session)
{
	gint index;

	g_return_val_if_fail(UB_IS_WIZARD(self), NULL);
	g_return_val_if_fail(UB_IS_SESSION(session), NULL);
	index = page_index(ub_wizard_get_current(self));
	for (gint i = index + 1; page_names[i] != NULL; i++) {
		if (g_strcmp0(page_names[i], "recovery") == 0 &&
		    !ub_session_get_needs_recovery(session))
			continue;
		return page_names[i];
	}
	return NULL;
}

const char *
ub_wizard_go_next(UbWizard *self, UbSession *session)
{
	const char *next;

	g_return_val_if_fail(UB_IS_WIZARD(self), NULL);
	next = ub_wizard_peek_next(self, session);
	if (next != NULL)
		g_ptr_array_add(self->history, (gpointer)next);
	return next;
}

gboolean
ub_wizard_can_go_back(UbWizard *self)
{
	const char *current;

	g_return_val_if_fail(UB_IS_WIZARD(self), FALSE);
	current = ub_wizard_get_current(self);
	/* after a flash there is nothing to go back to: the chip has changed */
	if (g_strcmp0(current, "done") == 0)
		return FALSE;
	return self->history->len > 1;
}

const char *
ub_wizard_go_back(UbWizard *self)
{
	g_return_val_if_fail(UB_IS_WIZARD(self), NULL);
	if (!ub_wizard_can_go_back(self))
		return NULL;
	g_ptr_array_remove_index(self->history, self->history->len - 1);
	return ub_wizard_get_current(self);
}

gboolean
ub_wizard_go_to(UbWizard *self, const char *name)
{
	gint index;

	g_return_val_if_fail(UB_IS_WIZARD(self), FALSE);
	index = page_index(name);
	if (index < 0)
		return FALSE;
	g_ptr_array_set_size(self->history, 0);
	for (gint i = 0; i <= index; i++) {
		if (i != index && g_strcmp0(page_names[i], "recovery") == 0)
			continue;
		g_ptr_array_add(self->history, (gpointer)page_names[i]);
	}
	return TRUE;
}

guint
ub_wizard_get_step(UbWizard *self)
{
	g_return_val_if_fail(UB_IS_WIZARD(self), 0);
	return (guint)page_index(ub_wizard_get_current(self)) + 1;
}

guint
ub_wizard_get_n_steps(UbWizard *self)
{
	return G_N_ELEMENTS(page_names) - 1;
}

const char *const *
ub_wizard_get_page_names(void)
{
	return page_names;
}

gboolean
ub_wizard_has_passed(UbWizard *self, const char *name)
{
	g_return_val_if_fail(UB_IS_WIZARD(self), FALSE);
	for (guint i = 0; i < self->history->len; i++) {
		if (g_strcmp0(g_ptr_array_index(self->history, i), name) == 0)
			return TRUE;
	}
	return FALSE;
}
