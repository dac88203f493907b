/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error-view.h"
#include "ub-page-probe.h"
#include "ub-page.h"
#include "ub-pinout-render.h"
#include "ub-pinout-view.h"
#include "ub-probe-monitor.h"
#include "ub-probe-row.h"
#include "ub-window-private.h"

#define UB_UDEV_RULES_RESOURCE "/io/github/unbrick/Unbrick/70-unbrick-probes.rules"
/* without libusb hot-plug (containers, some BSDs) the list is refreshed this often */
#define UB_PROBE_POLL_SECONDS 2

struct _UbPageProbe {
	UbPage parent_instance;
	GtkListBox *probe_list;
	GtkWidget *model_box;
	GtkFlowBox *model_flow;
	GtkWidget *permission_box;
	GtkWidget *no_driver_label;
	GtkTextView *udev_view;
	UbErrorView *error_view;
	UbProbeMonitor *monitor;
	GCancellable *enumerate_cancellable; /* listing probes: not "busy" */
	gboolean hotplug;
	guint poll_id;
	gboolean enumerating;
};

G_DEFINE_TYPE(UbPageProbe, ub_page_probe, UB_TYPE_PAGE)

/* the shell commands that install our rule file; shown verbatim so they can be checked */
static char *
ub_page_probe_build_udev_commands(void)
{
	g_autoptr(GBytes) rules = NULL;
	g_autoptr(GString) commands = g_string_new(NULL);

	rules = g_resources_lookup_data(UB_UDEV_RULES_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
	g_string_append(commands,
			"sudo tee /etc/udev/rules.d/70-unbrick-probes.rules >/dev/null <<'EOF'\n");
	if (rules != NULL)
		g_string_append_len(commands, g_bytes_get_data(rules, NULL),
				    (gssize)g_bytes_get_size(rules));
	g_string_append(commands,
			"EOF\nsudo udevadm control --reload-rules && sudo udevadm trigger\n");
	return g_string_free(g_steal_pointer(&commands), FALSE);
}

static void
ub_page_probe_copy_udev_cb(UbPageProbe *self)
{
	GtkClipboard *clipboard = gtk_widget_get_clipboard(GTK_WIDGET(self), GDK_SELECTION_CLIPBOARD);
	g_autofree char *commands = ub_page_probe_build_udev_commands();

	gtk_clipboard_set_text(clipboard, commands, -1);
}

static UbProbeRow *
ub_page_probe_get_selected(UbPageProbe *self)
{
	GtkListBoxRow *row = gtk_list_box_get_selected_row(self->probe_list);

	return row != NULL ? UB_PROBE_ROW(row) : NULL;
}

static gboolean
ub_page_probe_is_complete(UbPageProbe *self)
{
	UbProbeRow *row = ub_page_probe_get_selected(self);

	if (row == NULL || ub_probe_row_get_denied(row) || ub_probe_row_get_unsupported(row))
		return FALSE;
	/* when the USB ids fit several models, the person has to say which one it is */
	if (gtk_widget_get_visible(self->model_box))
		return ub_page_probe_get_chosen_model_id(GTK_WIDGET(self)) != NULL;
	return TRUE;
}

static void
ub_page_probe_model_changed_cb(UbPageProbe *self)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	const char *id = ub_page_probe_get_chosen_model_id(GTK_WIDGET(self));
	UbProbeDb *db = ub_session_get_probe_db(session);

	if (id != NULL && db != NULL)
		ub_session_set_probe_model(session, ub_probe_db_lookup(db, id));
	ub_page_notify_complete(UB_PAGE(self));
}

/* one choice: the header as it looks, with the labels printed on the probe, and its name */
static GtkWidget *
ub_page_probe_new_model_choice(UbProbeModel *model)
{
	g_autoptr(UbPinoutRender) render =
	    ub_pinout_render_new_header(ub_probe_model_get_header(model), TRUE, NULL);
	GtkWidget *child = gtk_flow_box_child_new();
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
	GtkWidget *view = ub_pinout_view_new();
	GtkWidget *label = gtk_label_new(ub_probe_model_get_name(model));
	g_autofree char *description = ub_pinout_render_get_description(render);
	AtkObject *accessible = gtk_widget_get_accessible(child);

	ub_pinout_view_set_render(UB_PINOUT_VIEW(view), render);
	ub_pinout_view_set_fixed_size(UB_PINOUT_VIEW(view), 140, 150);
	gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
	gtk_label_set_max_width_chars(GTK_LABEL(label), 18);
	gtk_label_set_justify(GTK_LABEL(label), GTK_JUSTIFY_CENTER);
	gtk_style_context_add_class(gtk_widget_get_style_context(label), "ub-small");
	gtk_container_add(GTK_CONTAINER(box), view);
	gtk_container_add(GTK_CONTAINER(box), label);
	gtk_container_add(GTK_CONTAINER(child), box);
	gtk_widget_set_tooltip_text(child, ub_probe_model_get_name(model));
	atk_object_set_name(accessible, ub_probe_model_get_name(model));
	atk_object_set_description(accessible, description);
	g_object_set_data_full(G_OBJECT(child), "ub-model-id",
			       g_strdup(ub_probe_model_get_id(model)), g_free);
	gtk_widget_show_all(child);
	return child;
}

/* the database entries that match the probe's USB ids (and product string, which tells a
 * Debug Probe from a Pico); a clone stick matches several */
static void
ub_page_probe_fill_models(UbPageProbe *self, UbProbeInfo *info)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	UbProbeDb *db = ub_session_get_probe_db(session);
	g_autoptr(GPtrArray) models = NULL;
	g_autoptr(GList) children = gtk_container_get_children(GTK_CONTAINER(self->model_flow));
	UbProbeModel *current = ub_session_get_probe_model(session);
	const char *preferred = NULL;

	for (GList *l = children; l != NULL; l = l->next)
		gtk_widget_destroy(GTK_WIDGET(l->data));
	if (db != NULL)
		models = ub_probe_db_lookup_by_usb_product(db, ub_probe_info_get_vendor_id(info),
							   ub_probe_info_get_product_id(info),
							   ub_probe_info_get_product(info));
	if (models == NULL || models->len == 0) {
		/* not in the database: the general wire list will do */
		gtk_widget_hide(self->model_box);
		ub_session_set_probe_model(session, NULL);
		return;
	}
	if (models->len == 1) {
		gtk_widget_hide(self->model_box);
		ub_session_set_probe_model(session, g_ptr_array_index(models, 0));
		return;
	}
	/* keep an earlier answer when it still applies; the demo knows its bench's probe */
	if (current != NULL)
		preferred = ub_probe_model_get_id(current);
	else if (ub_session_is_demo(session))
		preferred = ub_session_get_demo_probe_model_id(session);
	g_signal_handlers_block_by_func(self->model_flow, ub_page_probe_model_changed_cb, self);
	for (guint i = 0; i < models->len; i++)
		gtk_container_add(GTK_CONTAINER(self->model_flow),
				  ub_page_probe_new_model_choice(g_ptr_array_index(models, i)));
	g_signal_handlers_unblock_by_func(self->model_flow, ub_page_probe_model_changed_cb, self);
	gtk_widget_show(self->model_box);
	if (preferred != NULL)
		ub_page_probe_choose_model(GTK_WIDGET(self), preferred);
}

static void
ub_page_probe_row_selected_cb(UbPageProbe *self, GtkListBoxRow *list_row)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	UbProbeRow *row = list_row != NULL ? UB_PROBE_ROW(list_row) : NULL;
	UbProbeInfo *info = row != NULL ? ub_probe_row_get_info(row) : NULL;

	gtk_widget_set_visible(self->permission_box, row != NULL && ub_probe_row_get_denied(row));
	if (row != NULL && ub_probe_info_get_problem(info) != NULL)
		ub_error_view_set_error(self->error_view, ub_probe_info_get_problem(info),
					ub_session_get_log(session));
	else if (row != NULL && ub_probe_row_get_unsupported(row)) {
		g_autoptr(GError) error =
		    g_error_new(UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED, "%s is not supported%s",
				ub_probe_kind_to_string(ub_probe_info_get_kind(info)),
				ub_probe_info_get_kind(info) == UB_PROBE_KIND_CMSIS_DAP_V1
				    ? " yet (HID only; update its firmware to get CMSIS-DAP v2)"
				    : "");

		ub_error_view_set_error(self->error_view, error, ub_session_get_log(session));
	} else
		ub_error_view_clear(self->error_view);
	if (session != NULL) {
		ub_session_set_probe_info(session, info);
		if (info != NULL)
			ub_page_probe_fill_models(self, info);
		else
			gtk_widget_hide(self->model_box);
	}
	ub_page_notify_complete(UB_PAGE(self));
}

/* one row per probe the monitor knows; the selection follows the same probe */
static void
ub_page_probe_rebuild(UbPageProbe *self)
{
	GPtrArray *probes = ub_probe_monitor_get_probes(self->monitor);
	UbProbeInfo *selected = ub_session_get_probe_info(ub_page_get_session(UB_PAGE(self)));
	g_autoptr(UbProbeInfo) keep = selected != NULL ? g_object_ref(selected) : NULL;
	g_autoptr(GList) children = gtk_container_get_children(GTK_CONTAINER(self->probe_list));
	GtkListBoxRow *to_select = NULL;

	for (GList *l = children; l != NULL; l = l->next)
		gtk_widget_destroy(GTK_WIDGET(l->data));
	for (guint i = 0; i < probes->len; i++) {
		UbProbeInfo *info = g_ptr_array_index(probes, i);
		GtkWidget *row = ub_probe_row_new(info);

		gtk_widget_show(row);
		gtk_container_add(GTK_CONTAINER(self->probe_list), row);
		if (keep != NULL && ub_probe_info_matches(info, keep))
			to_select = GTK_LIST_BOX_ROW(row);
	}
	/* one probe is the usual case: take it, the person can still see what it is */
	if (to_select == NULL && probes->len == 1)
		to_select = gtk_list_box_get_row_at_index(self->probe_list, 0);
	if (to_select != NULL)
		gtk_list_box_select_row(self->probe_list, to_select);
	else
		ub_page_probe_row_selected_cb(self, NULL);
}

static void
ub_page_probe_changed_cb(UbProbeMonitor *monitor, UbProbeInfo *info, gpointer user_data)
{
	UbPageProbe *self = UB_PAGE_PROBE(user_data);

	ub_session_log(ub_page_get_session(UB_PAGE(self)), "probe list changed: %s at %s",
		       ub_probe_kind_to_string(ub_probe_info_get_kind(info)),
		       ub_probe_info_get_path(info));
	ub_page_probe_rebuild(self);
}

static void
ub_page_probe_enumerate_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(UbPageProbe) self = UB_PAGE_PROBE(user_data);
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) probes = NULL;

	probes = ub_probe_monitor_enumerate_finish(UB_PROBE_MONITOR(source), result, &error);
	self->enumerating = FALSE;
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (probes == NULL) {
		ub_session_log(session, "probe enumeration: %s", error->message);
		ub_error_view_set_error(self->error_view, error, ub_session_get_log(session));
		return;
	}
	/* versions learnt on a re-scan replace the info objects without a signal */
	ub_page_probe_rebuild(self);
}

static void
ub_page_probe_enumerate(UbPageProbe *self)
{
	if (self->enumerating)
		return;
	self->enumerating = TRUE;
	ub_probe_monitor_enumerate_async(self->monitor, self->enumerate_cancellable,
					 ub_page_probe_enumerate_cb, g_object_ref(self));
}

static gboolean
ub_page_probe_poll_cb(gpointer user_data)
{
	ub_page_probe_enumerate(UB_PAGE_PROBE(user_data));
	return G_SOURCE_CONTINUE;
}

static void
ub_page_probe_start_monitor(UbPageProbe *self)
{
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	g_autoptr(GError) error = NULL;
	UbTransportProvider *demo = ub_session_get_demo_bench(session);

	self->monitor = ub_probe_monitor_new();
	if (demo != NULL)
		ub_probe_monitor_add_provider(self->monitor, demo);
	ub_probe_monitor_set_usb_enabled(self->monitor, demo == NULL);
	g_signal_connect_object(self->monitor, "probe-added", G_CALLBACK(ub_page_probe_changed_cb),
				self, 0);
	g_signal_connect_object(self->monitor, "probe-removed",
				G_CALLBACK(ub_page_probe_changed_cb), self, 0);
	self->hotplug = ub_probe_monitor_start(self->monitor, &error);
	if (!self->hotplug)
		ub_session_log(session, "no hot-plug events (%s): polling every %u s",
			       error->message, (guint)UB_PROBE_POLL_SECONDS);
}


static void
ub_page_probe_enter(UbPage *page)
{
	UbPageProbe *self = UB_PAGE_PROBE(page);

	if (self->enumerate_cancellable == NULL)
		self->enumerate_cancellable = g_cancellable_new();
	if (self->monitor == NULL)
		ub_page_probe_start_monitor(self);
	ub_page_probe_enumerate(self);
	if (!self->hotplug && self->poll_id == 0)
		self->poll_id = g_timeout_add_seconds(UB_PROBE_POLL_SECONDS, ub_page_probe_poll_cb,
						      self);
}

static void
ub_page_probe_leave(UbPage *page)
{
	UbPageProbe *self = UB_PAGE_PROBE(page);

	g_clear_handle_id(&self->poll_id, g_source_remove);
}

static gboolean
ub_page_probe_page_is_complete(UbPage *page)
{
	return ub_page_probe_is_complete(UB_PAGE_PROBE(page));
}

static void
ub_page_probe_dispose(GObject *object)
{
	UbPageProbe *self = UB_PAGE_PROBE(object);

	g_clear_handle_id(&self->poll_id, g_source_remove);
	if (self->enumerate_cancellable != NULL)
		g_cancellable_cancel(self->enumerate_cancellable);
	g_clear_object(&self->enumerate_cancellable);
	if (self->monitor != NULL)
		ub_probe_monitor_stop(self->monitor);
	g_clear_object(&self->monitor);
	G_OBJECT_CLASS(ub_page_probe_parent_class)->dispose(object);
}

static void
ub_page_probe_class_init(UbPageProbeClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
	UbPageClass *page_class = UB_PAGE_CLASS(klass);

	object_class->dispose = ub_page_probe_dispose;
	page_class->enter = ub_page_probe_enter;
	page_class->is_complete = ub_page_probe_page_is_complete;
	page_class->leave = ub_page_probe_leave;

	g_type_ensure(UB_TYPE_ERROR_VIEW);
	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-page-probe.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageProbe, probe_list);
	gtk_widget_class_bind_template_child(widget_class, UbPageProbe, model_box);
	gtk_widget_class_bind_template_child(widget_class, UbPageProbe, model_flow);
	gtk_widget_class_bind_template_child(widget_class, UbPageProbe, permission_box);
	gtk_widget_class_bind_template_child(widget_class, UbPageProbe, no_driver_label);
	gtk_widget_class_bind_template_child(widget_class, UbPageProbe, udev_view);
	gtk_widget_class_bind_template_child(widget_class, UbPageProbe, error_view);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_probe_copy_udev_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_probe_row_selected_cb);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_probe_model_changed_cb);
}

static void
ub_page_probe_init(UbPageProbe *self)
{
	g_autofree char *commands = NULL;

	gtk_widget_init_template(GTK_WIDGET(self));
	commands = ub_page_probe_build_udev_commands();
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->udev_view), commands, -1);
}

GtkListBox *
ub_page_probe_get_list(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_PROBE(page), NULL);
	return UB_PAGE_PROBE(page)->probe_list;
}

GtkFlowBox *
ub_page_probe_get_model_flow(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_PROBE(page), NULL);
	return UB_PAGE_PROBE(page)->model_flow;
}

/* the choice offered for the probe model @id, or NULL when the USB identity rules it out */
GtkFlowBoxChild *
ub_page_probe_get_model_choice(GtkWidget *page, const char *id)
{
	g_autoptr(GList) children = NULL;

	g_return_val_if_fail(UB_IS_PAGE_PROBE(page), NULL);
	children = gtk_container_get_children(GTK_CONTAINER(UB_PAGE_PROBE(page)->model_flow));
	for (GList *l = children; l != NULL; l = l->next) {
		if (g_strcmp0(g_object_get_data(l->data, "ub-model-id"), id) == 0)
			return GTK_FLOW_BOX_CHILD(l->data);
	}
	return NULL;
}

/* picks a model as a click on its drawing does; FALSE when it is not offered */
gboolean
ub_page_probe_choose_model(GtkWidget *page, const char *id)
{
	GtkFlowBoxChild *child;

	g_return_val_if_fail(UB_IS_PAGE_PROBE(page), FALSE);
	child = ub_page_probe_get_model_choice(page, id);
	if (child == NULL)
		return FALSE;
	gtk_flow_box_select_child(UB_PAGE_PROBE(page)->model_flow, child);
	return TRUE;
}

/* the chosen model's id, or NULL */
const char *
ub_page_probe_get_chosen_model_id(GtkWidget *page)
{
	g_autoptr(GList) selected = NULL;

	g_return_val_if_fail(UB_IS_PAGE_PROBE(page), NULL);
	selected = gtk_flow_box_get_selected_children(UB_PAGE_PROBE(page)->model_flow);
	return selected != NULL ? g_object_get_data(selected->data, "ub-model-id") : NULL;
}

GtkWidget *
ub_page_probe_get_permission_box(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_PROBE(page), NULL);
	return UB_PAGE_PROBE(page)->permission_box;
}
