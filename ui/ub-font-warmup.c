/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-font-warmup.h"

/* held by the toplevel (object data): nothing outlives it */
typedef struct {
	GtkWidget *toplevel;   /* not owned: it owns this */
	GPtrArray *fonts;      /* of PangoFontDescription, one of each; NULL until collected */
	PangoContext *context; /* the toplevel's: same font options as its labels' */
	guint next;
	guint idle_id;
} UbFontWarmup;

#define UB_FONT_WARMUP_KEY "ub-font-warmup"

static void
ub_font_warmup_free(gpointer data)
{
	UbFontWarmup *warmup = data;

	g_clear_handle_id(&warmup->idle_id, g_source_remove);
	g_clear_pointer(&warmup->fonts, g_ptr_array_unref);
	g_clear_object(&warmup->context);
	g_free(warmup);
}

static void
ub_font_warmup_collect(GtkWidget *widget, gpointer user_data)
{
	UbFontWarmup *warmup = user_data;

	if (GTK_IS_LABEL(widget)) {
		GtkStyleContext *style = gtk_widget_get_style_context(widget);
		PangoFontDescription *font = NULL;

		gtk_style_context_get(style, gtk_style_context_get_state(style), "font", &font,
				      NULL);
		for (guint i = 0; font != NULL && i < warmup->fonts->len; i++) {
			if (pango_font_description_equal(font,
							 g_ptr_array_index(warmup->fonts, i)))
				g_clear_pointer(&font, pango_font_description_free);
		}
		if (font != NULL)
			g_ptr_array_add(warmup->fonts, font);
	}
	/* forall, not foreach: a stack's hidden pages and a button's label count too */
	if (GTK_IS_CONTAINER(widget))
		gtk_container_forall(GTK_CONTAINER(widget), ub_font_warmup_collect, warmup);
}

/* the labels' fonts in the first turn, then one font per turn of the main loop, so that no
 * turn is long */
static gboolean
ub_font_warmup_next_cb(gpointer user_data)
{
	UbFontWarmup *warmup = user_data;
	PangoFontMetrics *metrics;

	if (warmup->fonts == NULL) {
		warmup->fonts =
		    g_ptr_array_new_with_free_func((GDestroyNotify)pango_font_description_free);
		warmup->context = g_object_ref(gtk_widget_get_pango_context(warmup->toplevel));
		ub_font_warmup_collect(warmup->toplevel, warmup);
		return G_SOURCE_CONTINUE;
	}
	if (warmup->next >= warmup->fonts->len) {
		warmup->idle_id = 0;
		return G_SOURCE_REMOVE;
	}
	metrics = pango_context_get_metrics(warmup->context,
					    g_ptr_array_index(warmup->fonts, warmup->next),
					    pango_context_get_language(warmup->context));
	pango_font_metrics_unref(metrics);
	warmup->next++;
	return G_SOURCE_CONTINUE;
}

static void
ub_font_warmup_after_paint_cb(GdkFrameClock *clock, GtkWidget *toplevel)
{
	UbFontWarmup *warmup = g_object_get_data(G_OBJECT(toplevel), UB_FONT_WARMUP_KEY);

	g_signal_handlers_disconnect_by_func(clock, ub_font_warmup_after_paint_cb, toplevel);
	if (warmup == NULL || warmup->idle_id != 0 || warmup->fonts != NULL)
		return;
	warmup->idle_id = g_idle_add_full(G_PRIORITY_LOW, ub_font_warmup_next_cb, warmup, NULL);
}

static void
ub_font_warmup_realize_cb(GtkWidget *toplevel, gpointer user_data)
{
	g_signal_handlers_disconnect_by_func(toplevel, ub_font_warmup_realize_cb, user_data);
	g_signal_connect_object(gtk_widget_get_frame_clock(toplevel), "after-paint",
				G_CALLBACK(ub_font_warmup_after_paint_cb), toplevel, 0);
}

void
ub_font_warmup_start(GtkWidget *toplevel)
{
	UbFontWarmup *warmup;

	g_return_if_fail(GTK_IS_WIDGET(toplevel));
	warmup = g_new0(UbFontWarmup, 1);
	warmup->toplevel = toplevel;
	g_object_set_data_full(G_OBJECT(toplevel), UB_FONT_WARMUP_KEY, warmup,
			       ub_font_warmup_free);
	if (gtk_widget_get_realized(toplevel))
		ub_font_warmup_realize_cb(toplevel, NULL);
	else
		g_signal_connect(toplevel, "realize", G_CALLBACK(ub_font_warmup_realize_cb), NULL);
}

guint
ub_font_warmup_get_loaded(GtkWidget *toplevel, guint *found)
{
	UbFontWarmup *warmup;

	g_return_val_if_fail(GTK_IS_WIDGET(toplevel), 0);
	warmup = g_object_get_data(G_OBJECT(toplevel), UB_FONT_WARMUP_KEY);
	if (found != NULL)
		*found = warmup != NULL && warmup->fonts != NULL ? warmup->fonts->len : 0;
	return warmup != NULL ? warmup->next : 0;
}
