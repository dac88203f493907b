/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-error-text.h"
#include "ub-error-view.h"

struct _UbErrorView {
	GtkBox parent_instance;
	GtkImage *icon;
	GtkLabel *title_label;
	GtkLabel *cause_label;
	GtkLabel *next_step_label;
	GtkExpander *details_expander;
	GtkTextView *details_view;
};

G_DEFINE_TYPE(UbErrorView, ub_error_view, GTK_TYPE_BOX)

static void
ub_error_view_class_init(UbErrorViewClass *klass)
{
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	gtk_widget_class_set_template_from_resource(widget_class,
						    "/io/github/unbrick/Unbrick/ub-error-view.ui");
	gtk_widget_class_bind_template_child(widget_class, UbErrorView, icon);
	gtk_widget_class_bind_template_child(widget_class, UbErrorView, title_label);
	gtk_widget_class_bind_template_child(widget_class, UbErrorView, cause_label);
	gtk_widget_class_bind_template_child(widget_class, UbErrorView, next_step_label);
	gtk_widget_class_bind_template_child(widget_class, UbErrorView, details_expander);
	gtk_widget_class_bind_template_child(widget_class, UbErrorView, details_view);
}

static void
ub_error_view_init(UbErrorView *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}

void
ub_error_view_set_error(UbErrorView *self, const GError *error, const char *details)
{
	UbErrorText text;
	GtkStyleContext *context;
	g_autofree char *cause = NULL;
	g_autofree char *next_step = NULL;
	g_autofree char *log = NULL;
	g_autofree char *holder = NULL;

	g_return_if_fail(UB_IS_ERROR_VIEW(self));
	g_return_if_fail(error != NULL);

	ub_error_text_lookup(error, &text);
	holder = ub_error_text_get_holder(error);
	if (holder != NULL)
		/* TRANSLATORS: %s names a program and its process id, "openocd (pid 4711)" */
		cause = g_strdup_printf(_("Likely cause: %s has the probe open."), holder);
	else
		/* TRANSLATORS: shown before the likely cause of an error */
		cause = g_strdup_printf(_("Likely cause: %s"), text.cause);
	/* TRANSLATORS: shown before the next step after an error */
	next_step = g_strdup_printf(_("What to do: %s"), text.next_step);
	gtk_label_set_text(self->title_label, text.title);
	gtk_label_set_text(self->cause_label, cause);
	gtk_label_set_text(self->next_step_label, next_step);
	gtk_image_set_from_icon_name(self->icon,
				     text.stopped ? "media-playback-stop-symbolic"
						  : "dialog-warning-symbolic",
				     GTK_ICON_SIZE_DND);
	context = gtk_widget_get_style_context(GTK_WIDGET(self));
	if (text.stopped)
		gtk_style_context_remove_class(context, "ub-failed");
	else
		gtk_style_context_add_class(context, "ub-failed");

	log = g_strdup_printf("%s%s%s: %s (%s %d)\n", details != NULL ? details : "",
			      details != NULL && !g_str_has_suffix(details, "\n") ? "\n" : "",
			      text.stopped ? "stopped" : "error", error->message,
			      g_quark_to_string(error->domain), error->code);
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->details_view), log, -1);
	/* no-show-all keeps a parent's gtk_widget_show_all() from revealing an empty view */
	gtk_widget_show(GTK_WIDGET(self));
}

void
ub_error_view_set_verdict(UbErrorView *self, UbVerdict *verdict, UbEvidence *evidence,
			  const char *details)
{
	GPtrArray *causes;
	const UbCause *top;
	GtkStyleContext *context;
	g_autoptr(GString) cause = g_string_new(NULL);
	g_autoptr(GString) next_step = g_string_new(NULL);
	g_autoptr(GString) log = g_string_new(details);
	UbPersonQuestion question;
	const char *check = NULL;

	g_return_if_fail(UB_IS_ERROR_VIEW(self));
	g_return_if_fail(UB_IS_VERDICT(verdict));

	causes = ub_verdict_get_causes(verdict);
	top = ub_verdict_get_top(verdict);
	/* TRANSLATORS: shown before the likely cause of an error */
	g_string_printf(cause, _("Likely cause: %s"), top->explanation);
	if (causes->len > 1) {
		g_string_append_printf(cause, "\n%s", _("Also possible:"));
		for (guint i = 1; i < causes->len; i++)
			g_string_append_printf(cause, "\n• %s",
					       ((const UbCause *)causes->pdata[i])->title);
	}
	/* TRANSLATORS: shown before the next step after an error */
	g_string_printf(next_step, _("What to do: %s"), top->next_step);
	if (evidence != NULL &&
	    ub_verdict_get_next_question(verdict, evidence, &question, &check))
		/* TRANSLATORS: a check that narrows the causes down */
		g_string_append_printf(next_step, "\n%s %s", _("To narrow it down:"), check);
	gtk_label_set_text(self->title_label, top->title);
	gtk_label_set_text(self->cause_label, cause->str);
	gtk_label_set_text(self->next_step_label, next_step->str);
	gtk_image_set_from_icon_name(self->icon, "dialog-warning-symbolic", GTK_ICON_SIZE_DND);
	context = gtk_widget_get_style_context(GTK_WIDGET(self));
	gtk_style_context_add_class(context, "ub-failed");
	if (log->len > 0 && log->str[log->len - 1] != '\n')
		g_string_append_c(log, '\n');
	g_string_append_printf(log, "verdict: %s (%s)\n", top->id,
			       ub_cause_kind_to_string(top->kind));
	if (evidence != NULL) {
		GPtrArray *notes = ub_evidence_get_notes(evidence);
		g_autoptr(GPtrArray) names = ub_evidence_list_facts(evidence);

		for (guint i = 0; i < names->len; i++)
			g_string_append_printf(log, "fact %s = %s\n",
					       (const char *)g_ptr_array_index(names, i),
					       ub_evidence_get_fact(evidence,
								    g_ptr_array_index(names, i)));
		for (guint i = 0; i < notes->len; i++)
			g_string_append_printf(log, "%s\n", (const char *)g_ptr_array_index(notes, i));
	}
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->details_view), log->str, -1);
	gtk_widget_show(GTK_WIDGET(self));
}

void
ub_error_view_clear(UbErrorView *self)
{
	g_return_if_fail(UB_IS_ERROR_VIEW(self));
	gtk_label_set_text(self->title_label, "");
	gtk_expander_set_expanded(self->details_expander, FALSE);
	gtk_widget_hide(GTK_WIDGET(self));
}

const char *
ub_error_view_get_title(UbErrorView *self)
{
	g_return_val_if_fail(UB_IS_ERROR_VIEW(self), NULL);
	if (!gtk_widget_get_visible(GTK_WIDGET(self)))
		return NULL;
	return gtk_label_get_text(self->title_label);
}
