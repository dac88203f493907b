/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-page-welcome.h"
#include "ub-page.h"
#include "ub-window-private.h"

struct _UbPageWelcome {
	GtkBox parent_instance;
	GtkWidget *demo_note;
	GtkComboBoxText *board_combo;
	GtkLabel *board_hint;
	GtkLabel *board_notes;
	GtkWidget *generic_note;
	UbSession *session;
	gboolean filled;
};

enum { PROP_0, PROP_COMPLETE, PROP_BUSY };

static void ub_page_welcome_page_init(UbPageInterface *iface);

G_DEFINE_TYPE_WITH_CODE(UbPageWelcome, ub_page_welcome, GTK_TYPE_BOX,
			G_IMPLEMENT_INTERFACE(UB_TYPE_PAGE, ub_page_welcome_page_init))

static gint
ub_page_welcome_compare_boards(gconstpointer a, gconstpointer b)
{
	UbBoard *board_a = *(UbBoard *const *)a;
	UbBoard *board_b = *(UbBoard *const *)b;

	return g_utf8_collate(ub_board_get_name(board_a), ub_board_get_name(board_b));
}

/* the boards of the database, by name, above the "other or not sure" entry of the template */
static void
ub_page_welcome_fill_boards(UbPageWelcome *self)
{
	UbBoardDb *db = ub_session_get_board_db(self->session);
	g_autoptr(GPtrArray) boards = NULL;

	if (db == NULL || self->filled)
		return;
	/* borrowed pointers: sorting must not touch the database's own order */
	boards = g_ptr_array_new();
	for (guint i = 0; i < ub_board_db_get_all(db)->len; i++)
		g_ptr_array_add(boards, g_ptr_array_index(ub_board_db_get_all(db), i));
	g_ptr_array_sort(boards, ub_page_welcome_compare_boards);
	for (guint i = 0; i < boards->len; i++) {
		UbBoard *board = g_ptr_array_index(boards, i);

		gtk_combo_box_text_insert(self->board_combo, (gint)i, ub_board_get_id(board),
					  ub_board_get_name(board));
	}
	self->filled = TRUE;
}

static void
ub_page_welcome_board_changed_cb(UbPageWelcome *self)
{
	const char *board_id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->board_combo));
	UbBoard *board;

	if (self->session == NULL || board_id == NULL)
		return;
	ub_session_set_board_id(self->session, board_id);
	board = ub_session_get_board(self->session);
	gtk_widget_set_visible(GTK_WIDGET(self->board_hint), FALSE);
	if (board != NULL && ub_board_get_notes(board) != NULL) {
		/* the database's own notes: what is special about this board */
		g_autofree char *notes = g_strjoinv("\n", (char **)ub_board_get_notes(board));

		gtk_label_set_text(self->board_notes, notes);
	} else {
		gtk_label_set_text(self->board_notes, "");
	}
	gtk_widget_set_visible(GTK_WIDGET(self->board_notes),
			       gtk_label_get_text(self->board_notes)[0] != '\0');
	gtk_widget_set_visible(self->generic_note, board == NULL);
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_welcome_enter(UbPage *page, UbSession *session)
{
	UbPageWelcome *self = UB_PAGE_WELCOME(page);

	g_set_object(&self->session, session);
	gtk_widget_set_visible(self->demo_note, ub_session_is_demo(session));
	ub_page_welcome_fill_boards(self);
	if (ub_session_get_board_id(session) != NULL)
		gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->board_combo),
					    ub_session_get_board_id(session));
	g_object_notify(G_OBJECT(self), "complete");
}

static void
ub_page_welcome_page_init(UbPageInterface *iface)
{
	iface->enter = ub_page_welcome_enter;
}

static void
ub_page_welcome_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	UbPageWelcome *self = UB_PAGE_WELCOME(object);

	switch (prop_id) {
	case PROP_COMPLETE:
		g_value_set_boolean(
		    value, gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->board_combo)) != NULL);
		break;
	case PROP_BUSY:
		g_value_set_boolean(value, FALSE);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

static void
ub_page_welcome_dispose(GObject *object)
{
	UbPageWelcome *self = UB_PAGE_WELCOME(object);

	g_clear_object(&self->session);
	G_OBJECT_CLASS(ub_page_welcome_parent_class)->dispose(object);
}

static void
ub_page_welcome_class_init(UbPageWelcomeClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->get_property = ub_page_welcome_get_property;
	object_class->dispose = ub_page_welcome_dispose;
	g_object_class_override_property(object_class, PROP_COMPLETE, "complete");
	g_object_class_override_property(object_class, PROP_BUSY, "busy");

	gtk_widget_class_set_template_from_resource(
	    widget_class, "/io/github/unbrick/Unbrick/ub-page-welcome.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, demo_note);
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, board_combo);
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, board_hint);
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, board_notes);
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, generic_note);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_welcome_board_changed_cb);
}

static void
ub_page_welcome_init(UbPageWelcome *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}

GtkComboBox *
ub_page_welcome_get_board_combo(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WELCOME(page), NULL);
	return GTK_COMBO_BOX(UB_PAGE_WELCOME(page)->board_combo);
}

GtkLabel *
ub_page_welcome_get_board_hint(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WELCOME(page), NULL);
	return UB_PAGE_WELCOME(page)->board_hint;
}

GtkLabel *
ub_page_welcome_get_board_notes(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WELCOME(page), NULL);
	return UB_PAGE_WELCOME(page)->board_notes;
}

GtkWidget *
ub_page_welcome_get_generic_note(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WELCOME(page), NULL);
	return UB_PAGE_WELCOME(page)->generic_note;
}
