/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-wizard-person.h"

struct _UbWizardPerson {
	GObject parent_instance;
	GMainContext *context; /* the window's */
	GtkWindow *parent;     /* weak */
};

static void ub_wizard_person_iface_init(UbPersonInterface *iface);

G_DEFINE_TYPE_WITH_CODE(UbWizardPerson, ub_wizard_person, G_TYPE_OBJECT,
			G_IMPLEMENT_INTERFACE(UB_TYPE_PERSON, ub_wizard_person_iface_init))

/* one question in flight between the worker and the main loop */
typedef struct {
	gint refs;
	UbWizardPerson *self;
	char *text;
	GMutex mutex;
	GCond cond;
	gboolean answered;
	UbPersonAnswer answer;
	GtkWidget *dialog; /* main thread only */
	gboolean withdrawn;
} Question;

static Question *
question_ref(Question *question)
{
	g_atomic_int_inc(&question->refs);
	return question;
}

static void
question_unref(gpointer data)
{
	Question *question = data;

	if (!g_atomic_int_dec_and_test(&question->refs))
		return;
	g_object_unref(question->self);
	g_free(question->text);
	g_mutex_clear(&question->mutex);
	g_cond_clear(&question->cond);
	g_free(question);
}

static void
question_answer(Question *question, UbPersonAnswer answer)
{
	g_mutex_lock(&question->mutex);
	if (!question->answered) {
		question->answered = TRUE;
		question->answer = answer;
		g_cond_signal(&question->cond);
	}
	g_mutex_unlock(&question->mutex);
}

static void
question_response_cb(GtkDialog *dialog, gint response, gpointer user_data)
{
	Question *question = user_data;

	question_answer(question, response == GTK_RESPONSE_YES  ? UB_PERSON_ANSWER_YES
				  : response == GTK_RESPONSE_NO ? UB_PERSON_ANSWER_NO
								: UB_PERSON_ANSWER_UNKNOWN);
	question->dialog = NULL;
	gtk_widget_destroy(GTK_WIDGET(dialog));
}

static gboolean
question_show(gpointer user_data)
{
	Question *question = user_data;
	GtkWidget *dialog;

	if (question->withdrawn || question->self->parent == NULL) {
		question_answer(question, UB_PERSON_ANSWER_UNKNOWN);
		return G_SOURCE_REMOVE;
	}
	dialog = gtk_message_dialog_new(question->self->parent, GTK_DIALOG_DESTROY_WITH_PARENT,
					GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s",
					question->text);
	/* TRANSLATORS: answers to a question about the board or the wires */
	gtk_dialog_add_buttons(GTK_DIALOG(dialog), _("I cannot tell"), GTK_RESPONSE_CANCEL,
			       _("No"), GTK_RESPONSE_NO, _("Yes"), GTK_RESPONSE_YES, NULL);
	gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_YES);
	gtk_window_set_modal(GTK_WINDOW(dialog), TRUE);
	g_signal_connect_data(dialog, "response", G_CALLBACK(question_response_cb),
			      question_ref(question), (GClosureNotify)(void (*)(void))question_unref,
			      0);
	question->dialog = dialog;
	gtk_widget_show(dialog);
	return G_SOURCE_REMOVE;
}

static gboolean
question_withdraw(gpointer user_data)
{
	Question *question = user_data;

	question->withdrawn = TRUE;
	if (question->dialog != NULL)
		gtk_dialog_response(GTK_DIALOG(question->dialog), GTK_RESPONSE_CANCEL);
	return G_SOURCE_REMOVE;
}

/* on the device's worker: the dialog lives on the main loop, the worker waits for it */
static UbPersonAnswer
ub_wizard_person_ask(UbPerson *person, UbPersonQuestion kind, const char *text,
		     GCancellable *cancellable)
{
	UbWizardPerson *self = UB_WIZARD_PERSON(person);
	Question *question = g_new0(Question, 1);
	UbPersonAnswer answer;

	question->refs = 1;
	question->self = g_object_ref(self);
	question->text = g_strdup(text);
	g_mutex_init(&question->mutex);
	g_cond_init(&question->cond);
	g_main_context_invoke_full(self->context, G_PRIORITY_DEFAULT, question_show,
				   question_ref(question), question_unref);
	g_mutex_lock(&question->mutex);
	while (!question->answered) {
		gint64 until = g_get_monotonic_time() + 100 * G_TIME_SPAN_MILLISECOND;

		if (g_cancellable_is_cancelled(cancellable)) {
			g_main_context_invoke_full(self->context, G_PRIORITY_DEFAULT,
						   question_withdraw, question_ref(question),
						   question_unref);
			break;
		}
		g_cond_wait_until(&question->cond, &question->mutex, until);
	}
	answer = question->answered ? question->answer : UB_PERSON_ANSWER_UNKNOWN;
	g_mutex_unlock(&question->mutex);
	question_unref(question);
	return answer;
}

static void
ub_wizard_person_iface_init(UbPersonInterface *iface)
{
	/* tell(): the Recovery page shows the ladder's hold and let-go events */
	iface->ask = ub_wizard_person_ask;
}

static void
ub_wizard_person_finalize(GObject *object)
{
	UbWizardPerson *self = UB_WIZARD_PERSON(object);

	g_clear_weak_pointer(&self->parent);
	g_main_context_unref(self->context);
	G_OBJECT_CLASS(ub_wizard_person_parent_class)->finalize(object);
}

static void
ub_wizard_person_class_init(UbWizardPersonClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_wizard_person_finalize;
}

static void
ub_wizard_person_init(UbWizardPerson *self)
{
}

UbWizardPerson *
ub_wizard_person_new(GtkWindow *parent)
{
	UbWizardPerson *self = g_object_new(UB_TYPE_WIZARD_PERSON, NULL);

	self->context = g_main_context_ref_thread_default();
	g_set_weak_pointer(&self->parent, parent);
	return self;
}
