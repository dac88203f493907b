/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "ub-flash-journal.h"
#include "ub-page-welcome.h"
#include "ub-page.h"
#include "ub-pinout-render.h"
#include "ub-pinout-view.h"
#include "ub-window-private.h"

struct _UbPageWelcome {
	UbPage parent_instance;
	GtkWidget *demo_note;
	GtkLabel *interrupted_note;
	GtkComboBoxText *board_combo;
	GtkLabel *board_hint;
	GtkLabel *board_notes;
	GtkWidget *board_picture_box;
	UbPinoutView *header_view;
	GtkWidget *generic_note;
	gboolean filled;
};

G_DEFINE_TYPE(UbPageWelcome, ub_page_welcome, UB_TYPE_PAGE)

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
	UbBoardDb *db = ub_session_get_board_db(ub_page_get_session(UB_PAGE(self)));
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
	UbSession *session = ub_page_get_session(UB_PAGE(self));
	const char *board_id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->board_combo));
	UbBoard *board;

	if (session == NULL || board_id == NULL)
		return;
	ub_session_set_board_id(session, board_id);
	board = ub_session_get_board(session);
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
	/* the board's debug header as it looks, labels and all: the first thing to find on it */
	if (board != NULL) {
		g_autoptr(UbPinoutRender) render =
		    ub_pinout_render_new_header(ub_board_get_header(board), FALSE, NULL);

		ub_pinout_view_set_render(self->header_view, render);
	} else {
		ub_pinout_view_set_render(self->header_view, NULL);
	}
	gtk_widget_set_visible(self->board_picture_box, board != NULL);
	gtk_widget_set_visible(self->generic_note, board == NULL);
	ub_page_notify_complete(UB_PAGE(self));
}

/* a job an earlier run left half done, found at the start: say what it was and where it is
 * picked up (a small folder of small files: read here, before anything else runs) */
static void
ub_page_welcome_show_interrupted(UbPageWelcome *self)
{
	g_autoptr(GPtrArray) journals = ub_flash_journal_list(NULL);
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < journals->len; i++) {
		UbFlashJournal *journal = g_ptr_array_index(journals, i);
		g_autofree char *what = NULL;
		g_autofree char *chip = NULL;

		if (!ub_flash_journal_get_chip_changed(journal) ||
		    ub_flash_journal_is_running(journal))
			continue;
		what = ub_flash_journal_describe_job(journal);
		chip = ub_flash_journal_describe_chip(journal);
		if (text->len > 0)
			g_string_append(text, "\n\n");
		/* TRANSLATORS: %1$s names the job ("flash of demo.bin on chip …, started …"),
		 * %2$s what its journal knows of the chip (in English) */
		g_string_append_printf(text,
				       _("An interrupted %1$s was found: %2$s. Connect that board "
					 "as before; on the Flash step you can finish the job or "
					 "put the original back."),
				       what, chip);
	}
	gtk_label_set_text(self->interrupted_note, text->str);
	gtk_widget_set_visible(GTK_WIDGET(self->interrupted_note), text->len > 0);
}

static void
ub_page_welcome_enter(UbPage *page)
{
	UbPageWelcome *self = UB_PAGE_WELCOME(page);
	UbSession *session = ub_page_get_session(page);

	gtk_widget_set_visible(self->demo_note, ub_session_is_demo(session));
	ub_page_welcome_show_interrupted(self);
	ub_page_welcome_fill_boards(self);
	if (ub_session_get_board_id(session) != NULL)
		gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->board_combo),
					    ub_session_get_board_id(session));
}

static gboolean
ub_page_welcome_is_complete(UbPage *page)
{
	UbPageWelcome *self = UB_PAGE_WELCOME(page);

	return gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->board_combo)) != NULL;
}

static void
ub_page_welcome_class_init(UbPageWelcomeClass *klass)
{
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
	UbPageClass *page_class = UB_PAGE_CLASS(klass);

	page_class->enter = ub_page_welcome_enter;
	page_class->is_complete = ub_page_welcome_is_complete;

	g_type_ensure(UB_TYPE_PINOUT_VIEW);
	gtk_widget_class_set_template_from_resource(
	    widget_class, "/io/github/unbrick/Unbrick/ub-page-welcome.ui");
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, demo_note);
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, interrupted_note);
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, board_combo);
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, board_hint);
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, board_notes);
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, board_picture_box);
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, header_view);
	gtk_widget_class_bind_template_child(widget_class, UbPageWelcome, generic_note);
	gtk_widget_class_bind_template_callback(widget_class, ub_page_welcome_board_changed_cb);
}

static void
ub_page_welcome_init(UbPageWelcome *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	ub_pinout_view_set_zoomable(self->header_view, TRUE);
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

UbPinoutView *
ub_page_welcome_get_header_view(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WELCOME(page), NULL);
	return UB_PAGE_WELCOME(page)->header_view;
}

GtkWidget *
ub_page_welcome_get_generic_note(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WELCOME(page), NULL);
	return UB_PAGE_WELCOME(page)->generic_note;
}

GtkLabel *
ub_page_welcome_get_interrupted_note(GtkWidget *page)
{
	g_return_val_if_fail(UB_IS_PAGE_WELCOME(page), NULL);
	return UB_PAGE_WELCOME(page)->interrupted_note;
}
