/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-font-warmup.h"
#include "ub-page-connect.h"
#include "ub-page-done.h"
#include "ub-page-firmware.h"
#include "ub-page-flash.h"
#include "ub-page-probe.h"
#include "ub-page-recovery.h"
#include "ub-page-welcome.h"
#include "ub-page-wiring.h"
#include "ub-page.h"
#include "ub-window-private.h"
#include "ub-wizard-person.h"
#include "ub-wizard.h"

struct _UbWindow {
	GtkApplicationWindow parent_instance;
	GtkHeaderBar *header_bar;
	GtkWidget *back_button;
	GtkWidget *cancel_button;
	GtkWidget *next_button;
	GtkWidget *demo_label;
	GtkBox *steps_box;
	GtkStack *stack;
	UbSession *session;
	UbWizard *wizard;
	UbPage *current; /* not owned */
	/* preparing the page Next leads to: after the frame under way (its handler on the frame
	 * clock), then when the main loop is idle */
	GdkFrameClock *prepare_clock;
	gulong prepare_paint_id;
	guint prepare_id;
};

G_DEFINE_TYPE(UbWindow, ub_window, GTK_TYPE_APPLICATION_WINDOW)

static void
ub_window_set_action_enabled(UbWindow *self, const char *name, gboolean enabled)
{
	GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self), name);

	g_simple_action_set_enabled(G_SIMPLE_ACTION(action), enabled);
}

/* once Next is offered: the page it leads to builds what it can while hidden */
static gboolean
ub_window_prepare_next_cb(gpointer user_data)
{
	UbWindow *self = UB_WINDOW(user_data);
	const char *next = ub_wizard_peek_next(self->wizard, self->session);
	GtkWidget *page = next != NULL ? gtk_stack_get_child_by_name(self->stack, next) : NULL;

	self->prepare_id = 0;
	if (UB_IS_PAGE(page) && UB_PAGE(page) != self->current)
		ub_page_prepare(UB_PAGE(page), self->session);
	return G_SOURCE_REMOVE;
}

static void
ub_window_prepare_cancel(UbWindow *self)
{
	if (self->prepare_paint_id != 0)
		g_signal_handler_disconnect(self->prepare_clock, self->prepare_paint_id);
	self->prepare_paint_id = 0;
	g_clear_object(&self->prepare_clock);
	g_clear_handle_id(&self->prepare_id, g_source_remove);
}

static void
ub_window_prepare_after_paint_cb(GdkFrameClock *clock, gpointer user_data)
{
	UbWindow *self = UB_WINDOW(user_data);

	ub_window_prepare_cancel(self);
	self->prepare_id = g_idle_add_full(G_PRIORITY_LOW, ub_window_prepare_next_cb, self, NULL);
}

/* Next has just been offered, often as the page itself changed: the frame that shows that is
 * full, so the next page is prepared once it has been painted, in a frame of its own */
static void
ub_window_prepare_next(UbWindow *self)
{
	GdkFrameClock *clock = gtk_widget_get_frame_clock(GTK_WIDGET(self));

	if (self->prepare_paint_id != 0 || self->prepare_id != 0)
		return;
	if (clock == NULL) {
		self->prepare_id =
		    g_idle_add_full(G_PRIORITY_LOW, ub_window_prepare_next_cb, self, NULL);
		return;
	}
	self->prepare_clock = g_object_ref(clock);
	self->prepare_paint_id = g_signal_connect(
	    clock, "after-paint", G_CALLBACK(ub_window_prepare_after_paint_cb), self);
	gdk_frame_clock_request_phase(clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}

/* Back/Next/Cancel are only offered when they make sense: Next once the page has what the
 * following step needs, Back and Next never while work runs, Cancel only then */
static void
ub_window_update_navigation(UbWindow *self)
{
	gboolean busy = ub_page_get_busy(self->current);
	gboolean complete = ub_page_get_complete(self->current);
	gboolean has_next = ub_wizard_peek_next(self->wizard, self->session) != NULL;

	ub_window_set_action_enabled(self, "back", !busy && ub_wizard_can_go_back(self->wizard));
	ub_window_set_action_enabled(self, "next", !busy && complete && has_next);
	ub_window_set_action_enabled(self, "cancel", busy);
	gtk_widget_set_visible(self->cancel_button, busy);
	gtk_widget_set_visible(self->next_button, has_next);
	if (!busy && complete && has_next)
		ub_window_prepare_next(self);
}

static void
ub_window_page_notify_cb(GObject *object, GParamSpec *pspec, gpointer user_data)
{
	UbWindow *self = UB_WINDOW(user_data);

	if (UB_PAGE(object) == self->current)
		ub_window_update_navigation(self);
}

static void
ub_window_update_steps(UbWindow *self, const char *current)
{
	g_autoptr(GList) children = gtk_container_get_children(GTK_CONTAINER(self->steps_box));
	gboolean before = TRUE;

	for (GList *l = children; l != NULL; l = l->next) {
		GtkWidget *label = GTK_WIDGET(l->data);
		GtkStyleContext *context = gtk_widget_get_style_context(label);
		gboolean is_current = g_strcmp0(gtk_widget_get_name(label), current) == 0;

		if (is_current)
			before = FALSE;
		if (is_current)
			gtk_style_context_add_class(context, "ub-step-current");
		else
			gtk_style_context_remove_class(context, "ub-step-current");
		if (before)
			gtk_style_context_add_class(context, "ub-step-done");
		else
			gtk_style_context_remove_class(context, "ub-step-done");
		/* the recovery step is only shown when it is taken, and stays once it was */
		if (g_strcmp0(gtk_widget_get_name(label), "recovery") == 0)
			gtk_widget_set_visible(label,
					       is_current ||
						   ub_session_get_needs_recovery(self->session) ||
						   ub_wizard_has_passed(self->wizard, "recovery"));
	}
}

static void
ub_window_present_page(UbWindow *self, const char *name)
{
	GtkWidget *page = gtk_stack_get_child_by_name(self->stack, name);
	g_autofree char *title = NULL;

	g_return_if_fail(UB_IS_PAGE(page));
	if (self->current != NULL && self->current != UB_PAGE(page))
		ub_page_leave(self->current);
	self->current = UB_PAGE(page);
	gtk_stack_set_visible_child(self->stack, page);
	gtk_container_child_get(GTK_CONTAINER(self->stack), page, "title", &title, NULL);
	gtk_header_bar_set_subtitle(self->header_bar, title);
	ub_window_update_steps(self, name);
	ub_page_enter(self->current, self->session);
	ub_window_update_navigation(self);
	/* keyboard users land on the page's first control, not on the header bar */
	gtk_widget_child_focus(page, GTK_DIR_TAB_FORWARD);
}

static void
ub_window_back_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
	UbWindow *self = UB_WINDOW(user_data);
	const char *name = ub_wizard_go_back(self->wizard);

	if (name != NULL)
		ub_window_present_page(self, name);
}

static void
ub_window_next_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
	UbWindow *self = UB_WINDOW(user_data);
	const char *name;

	if (!ub_page_get_complete(self->current) || ub_page_get_busy(self->current))
		return;
	name = ub_wizard_go_next(self->wizard, self->session);
	if (name != NULL)
		ub_window_present_page(self, name);
}

static void
ub_window_cancel_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
	UbWindow *self = UB_WINDOW(user_data);

	ub_page_cancel(self->current);
}

static const GActionEntry window_actions[] = {
    {"back", ub_window_back_activated, NULL, NULL, NULL, {0}},
    {"next", ub_window_next_activated, NULL, NULL, NULL, {0}},
    {"cancel", ub_window_cancel_activated, NULL, NULL, NULL, {0}},
};

static gboolean
ub_window_delete_event(GtkWidget *widget, GdkEventAny *event)
{
	UbWindow *self = UB_WINDOW(widget);

	/* closing mid-flash would leave a half-written chip: stop at a safe point first */
	if (self->current != NULL && ub_page_get_busy(self->current)) {
		ub_page_cancel(self->current);
		return GDK_EVENT_STOP;
	}
	return GDK_EVENT_PROPAGATE;
}

static void
ub_window_dispose(GObject *object)
{
	UbWindow *self = UB_WINDOW(object);

	ub_window_prepare_cancel(self);
	if (self->current != NULL) {
		ub_page_leave(self->current);
		self->current = NULL;
	}
	g_clear_object(&self->session);
	g_clear_object(&self->wizard);
	G_OBJECT_CLASS(ub_window_parent_class)->dispose(object);
}

static void
ub_window_class_init(UbWindowClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->dispose = ub_window_dispose;
	widget_class->delete_event = ub_window_delete_event;

	g_type_ensure(UB_TYPE_PAGE_WELCOME);
	g_type_ensure(UB_TYPE_PAGE_PROBE);
	g_type_ensure(UB_TYPE_PAGE_WIRING);
	g_type_ensure(UB_TYPE_PAGE_CONNECT);
	g_type_ensure(UB_TYPE_PAGE_RECOVERY);
	g_type_ensure(UB_TYPE_PAGE_FIRMWARE);
	g_type_ensure(UB_TYPE_PAGE_FLASH);
	g_type_ensure(UB_TYPE_PAGE_DONE);

	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-window.ui");
	gtk_widget_class_bind_template_child(widget_class, UbWindow, header_bar);
	gtk_widget_class_bind_template_child(widget_class, UbWindow, back_button);
	gtk_widget_class_bind_template_child(widget_class, UbWindow, cancel_button);
	gtk_widget_class_bind_template_child(widget_class, UbWindow, next_button);
	gtk_widget_class_bind_template_child(widget_class, UbWindow, demo_label);
	gtk_widget_class_bind_template_child(widget_class, UbWindow, steps_box);
	gtk_widget_class_bind_template_child(widget_class, UbWindow, stack);
}

static void
ub_window_init(UbWindow *self)
{
	g_autoptr(GList) pages = NULL;

	gtk_widget_init_template(GTK_WIDGET(self));
	g_action_map_add_action_entries(G_ACTION_MAP(self), window_actions,
					G_N_ELEMENTS(window_actions), self);
	self->wizard = ub_wizard_new();
	pages = gtk_container_get_children(GTK_CONTAINER(self->stack));
	for (GList *l = pages; l != NULL; l = l->next) {
		g_signal_connect_object(l->data, "notify::complete",
					G_CALLBACK(ub_window_page_notify_cb), self, 0);
		g_signal_connect_object(l->data, "notify::busy",
					G_CALLBACK(ub_window_page_notify_cb), self, 0);
	}
}

UbWindow *
ub_window_new(GtkApplication *application, UbSession *session)
{
	UbWindow *self;

	g_return_val_if_fail(GTK_IS_APPLICATION(application), NULL);
	g_return_val_if_fail(UB_IS_SESSION(session), NULL);

	self = g_object_new(UB_TYPE_WINDOW, "application", application, NULL);
	self->session = g_object_ref(session);
	{
		/* the person in front of this window answers the core's questions */
		g_autoptr(UbWizardPerson) person = ub_wizard_person_new(GTK_WINDOW(self));
		ub_session_set_person(session, UB_PERSON(person));
	}
	gtk_widget_set_visible(self->demo_label, ub_session_is_demo(session));
	gtk_window_set_default(GTK_WINDOW(self), self->next_button);
	ub_font_warmup_start(GTK_WIDGET(self));
	ub_window_present_page(self, ub_wizard_get_current(self->wizard));
	return self;
}

UbSession *
ub_window_get_session(UbWindow *self)
{
	g_return_val_if_fail(UB_IS_WINDOW(self), NULL);
	return self->session;
}

GtkWidget *
ub_window_get_back_button(UbWindow *self)
{
	g_return_val_if_fail(UB_IS_WINDOW(self), NULL);
	return self->back_button;
}

GtkWidget *
ub_window_get_next_button(UbWindow *self)
{
	g_return_val_if_fail(UB_IS_WINDOW(self), NULL);
	return self->next_button;
}

GtkWidget *
ub_window_get_cancel_button(UbWindow *self)
{
	g_return_val_if_fail(UB_IS_WINDOW(self), NULL);
	return self->cancel_button;
}

GtkStack *
ub_window_get_stack(UbWindow *self)
{
	g_return_val_if_fail(UB_IS_WINDOW(self), NULL);
	return self->stack;
}

const char *
ub_window_get_page_name(UbWindow *self)
{
	g_return_val_if_fail(UB_IS_WINDOW(self), NULL);
	return gtk_stack_get_visible_child_name(self->stack);
}

GtkWidget *
ub_window_get_page(UbWindow *self, const char *name)
{
	g_return_val_if_fail(UB_IS_WINDOW(self), NULL);
	return gtk_stack_get_child_by_name(self->stack, name);
}

gboolean
ub_window_show_page(UbWindow *self, const char *name)
{
	g_return_val_if_fail(UB_IS_WINDOW(self), FALSE);
	if (!ub_wizard_go_to(self->wizard, name))
		return FALSE;
	ub_window_present_page(self, name);
	return TRUE;
}

/* the sidebar's label of a step, or NULL */
GtkWidget *
ub_window_get_step_label(UbWindow *self, const char *name)
{
	g_autoptr(GList) children = NULL;

	g_return_val_if_fail(UB_IS_WINDOW(self), NULL);
	children = gtk_container_get_children(GTK_CONTAINER(self->steps_box));
	for (GList *l = children; l != NULL; l = l->next) {
		if (g_strcmp0(gtk_widget_get_name(l->data), name) == 0)
			return l->data;
	}
	return NULL;
}
