/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cairo-svg.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "ub-error.h"
#include "ub-pinout-render.h"

/* logical units; pins are drawn at about twice their real 2.54 mm size on a 96 dpi screen */
#define MARGIN 24.0
#define PIN_SIZE 20.0
#define ROW_PITCH 30.0 /* between neighbouring pins of one row */
#define COL_PITCH 36.0 /* between the two rows of a two-row header, drawn side by side */
#define BODY_PAD 8.0   /* header plastic around the pins */
#define LABEL_GAP 8.0
#define TAG_PAD 4.0
#define FAN_GAP 18.0 /* straight wire before the free curve starts */
#define WIRE_ZONE_MIN 180.0
#define MIN_WIDTH 640.0
#define FONT_LABEL 13.0
#define FONT_NUMBER 10.0
#define FONT_CAPTION 13.0
#define FONT_NAME 15.0
#define LINE 20.0
#define WIRE_WIDTH 4.0
#define SWATCH_WIDTH 30.0
#define CAPTION_MIN_WIDTH 200.0 /* a header block's captions wrap at this width or wider */

typedef enum {
	ROLE_FOREGROUND,
	ROLE_DIM,
	ROLE_WARNING,
} Role;

typedef struct {
	gchar *text;
	gdouble x; /* left end of the baseline */
	gdouble y;
	gdouble size;
	gboolean bold;
	Role role;
	gint swatch_wire; /* >= 0: draw that wire's sample line before the text */
} TextItem;

typedef struct {
	UbPinHeader *header;
	gboolean is_probe;
	gboolean standalone; /* no wires: labels on the outside of both rows */
	guint rows;
	guint positions; /* pins per row */
	gdouble row_x[2];
	gdouble y0; /* centre of the pins at position 0 */
	gdouble body_x;
	gdouble body_y;
	gdouble body_w;
	gdouble body_h;
	gdouble fan_x;
	gdouble outer_w;
	gdouble inner_w;
	gdouble left_w; /* standalone: labels left of the first row and right of the last */
	gdouble right_w;
	guint64 marked; /* bit n: pin n is the one to find (highlight ring) */
	guint64 strong; /* bit n: pin n's label in bold (a pin that matters here) */
} Side;

/* a quad flat package seen from the top, pin 1 by the dot, counted anticlockwise */
typedef struct {
	guint n_pins;
	guint per_side;
	guint nrst;
	gdouble body_x;
	gdouble body_y;
	gdouble body_size;
	gdouble number_w; /* the widest pin number */
	gchar *part;
	gchar *package;
} Chip;

typedef struct {
	guint pin;
	gdouble x; /* text box, top-left */
	gdouble y;
	gdouble width;
	gdouble height;
	gboolean is_tag; /* drawn on a filled tag because wires pass beneath */
	gchar *text;
} PinLabel;

struct _UbPinoutRender {
	GObject parent_instance;
	UbPinoutDrawing drawing;
	UbWiringPlan *plan;   /* wiring */
	UbBoard *board;       /* NRST */
	UbPinHeader *header;  /* a header on its own */
	gboolean show_notes;
	gboolean show_list; /* wiring: the wire list under the headers */
	guint32 highlight; /* bit per UbSignal */
	gint focus;        /* the wire to connect now, or -1 for all */
	gdouble width;
	gdouble height;
	guint n_sides;
	Side sides[2];  /* wiring: 0 probe, 1 board; otherwise the one header in 0 */
	Chip chip;      /* NRST: the package (n_pins 0: none drawn) */
	GArray *pins;   /* of UbPinoutPinBox */
	GArray *labels; /* of UbPinoutTextBox, parallel to pin_labels */
	GPtrArray *pin_labels[2];
	GArray *wires;    /* of UbPinoutWirePath */
	GPtrArray *texts; /* of TextItem */
};

G_DEFINE_TYPE(UbPinoutRender, ub_pinout_render, G_TYPE_OBJECT)

static void
text_item_free(gpointer data)
{
	TextItem *item = data;
	g_free(item->text);
	g_free(item);
}

static void
pin_label_free(gpointer data)
{
	PinLabel *label = data;
	g_free(label->text);
	g_free(label);
}

static void
ub_pinout_render_finalize(GObject *object)
{
	UbPinoutRender *self = UB_PINOUT_RENDER(object);

	g_clear_object(&self->plan);
	g_clear_object(&self->board);
	g_clear_object(&self->header);
	g_free(self->chip.part);
	g_free(self->chip.package);
	g_array_unref(self->pins);
	g_array_unref(self->labels);
	g_array_unref(self->wires);
	g_ptr_array_unref(self->texts);
	g_ptr_array_unref(self->pin_labels[0]);
	g_ptr_array_unref(self->pin_labels[1]);
	G_OBJECT_CLASS(ub_pinout_render_parent_class)->finalize(object);
}

static void
ub_pinout_render_class_init(UbPinoutRenderClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_pinout_render_finalize;
}

static void
ub_pinout_render_init(UbPinoutRender *self)
{
	self->pins = g_array_new(FALSE, TRUE, sizeof(UbPinoutPinBox));
	self->labels = g_array_new(FALSE, TRUE, sizeof(UbPinoutTextBox));
	self->wires = g_array_new(FALSE, TRUE, sizeof(UbPinoutWirePath));
	self->texts = g_ptr_array_new_with_free_func(text_item_free);
	self->pin_labels[0] = g_ptr_array_new_with_free_func(pin_label_free);
	self->pin_labels[1] = g_ptr_array_new_with_free_func(pin_label_free);
	self->focus = -1;
}

/* ---- colours ---------------------------------------------------------------------------- */

static void
set_colour(UbPinoutColour *colour, gdouble red, gdouble green, gdouble blue)
{
	colour->red = red;
	colour->green = green;
	colour->blue = blue;
	colour->alpha = 1.0;
}

void
ub_pinout_palette_init_light(UbPinoutPalette *palette)
{
	g_return_if_fail(palette != NULL);
	set_colour(&palette->background, 1.0, 1.0, 1.0);
	set_colour(&palette->foreground, 0.13, 0.13, 0.13);
	set_colour(&palette->dim, 0.42, 0.42, 0.42);
	set_colour(&palette->highlight, 0.96, 0.47, 0.0);
	set_colour(&palette->warning, 0.70, 0.30, 0.0);
	set_colour(&palette->header_body, 0.20, 0.20, 0.22);
	set_colour(&palette->pin, 0.86, 0.72, 0.34);
	set_colour(&palette->pin_text, 0.10, 0.10, 0.10);
}

void
ub_pinout_palette_init_dark(UbPinoutPalette *palette)
{
	g_return_if_fail(palette != NULL);
	set_colour(&palette->background, 0.16, 0.16, 0.17);
	set_colour(&palette->foreground, 0.93, 0.93, 0.93);
	set_colour(&palette->dim, 0.65, 0.65, 0.65);
	set_colour(&palette->highlight, 1.0, 0.62, 0.2);
	set_colour(&palette->warning, 1.0, 0.75, 0.35);
	set_colour(&palette->header_body, 0.36, 0.36, 0.40);
	set_colour(&palette->pin, 0.86, 0.72, 0.34);
	set_colour(&palette->pin_text, 0.10, 0.10, 0.10);
}

/* the jumper-wire colour names used by ub_signal_get_colour_name() */
gboolean
ub_pinout_colour_from_name(const gchar *name, UbPinoutColour *colour)
{
	static const struct {
		const gchar *name;
		gdouble rgb[3];
	} table[] = {
	        {"red", {0.86, 0.12, 0.12}},    {"black", {0.08, 0.08, 0.08}},
	        {"yellow", {0.96, 0.80, 0.05}}, {"blue", {0.15, 0.42, 0.92}},
	        {"green", {0.10, 0.64, 0.22}},  {"purple", {0.58, 0.26, 0.78}},
	        {"orange", {0.96, 0.55, 0.10}}, {"white", {0.96, 0.96, 0.96}},
	};

	g_return_val_if_fail(colour != NULL, FALSE);
	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		if (g_strcmp0(table[i].name, name) == 0) {
			set_colour(colour, table[i].rgb[0], table[i].rgb[1], table[i].rgb[2]);
			return TRUE;
		}
	}
	set_colour(colour, 0.5, 0.5, 0.5);
	return FALSE;
}

static void
source_colour(cairo_t *cr, const UbPinoutColour *colour, gdouble alpha)
{
	cairo_set_source_rgba(cr, colour->red, colour->green, colour->blue, colour->alpha * alpha);
}

/* the outline that keeps a black wire visible on a dark theme and a yellow one on a light one */
static void
outline_colour(cairo_t *cr, const UbPinoutColour *wire, const UbPinoutPalette *palette,
               gdouble alpha)
{
	gdouble luma_wire = 0.3 * wire->red + 0.59 * wire->green + 0.11 * wire->blue;
	gdouble luma_bg = 0.3 * palette->background.red + 0.59 * palette->background.green +
	                  0.11 * palette->background.blue;

	if (fabs(luma_wire - luma_bg) < 0.35)
		source_colour(cr, &palette->foreground, 0.9 * alpha);
	else
		cairo_set_source_rgba(cr, 0.0, 0.0, 0.0, 0.45 * alpha);
}

/* ---- text ------------------------------------------------------------------------------- */

/* layout must not depend on the surface, so hinting of metrics is off everywhere; the
 * outlines are not hinted either: the drawing is scaled to any size, and hinting runs the
 * font's bytecode for every glyph at every new size (most of a first draw's time) */
static void
setup_font(cairo_t *cr, gdouble size, gboolean bold)
{
	cairo_font_options_t *options = cairo_font_options_create();

	cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
	cairo_set_font_options(cr, options);
	cairo_font_options_destroy(options);
	cairo_select_font_face(cr, "Sans", CAIRO_FONT_SLANT_NORMAL,
	                       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

static gdouble
text_width(cairo_t *cr, const gchar *text, gdouble size, gboolean bold)
{
	cairo_text_extents_t extents;

	setup_font(cr, size, bold);
	cairo_text_extents(cr, text, &extents);
	return extents.x_advance;
}

static TextItem *
add_text(UbPinoutRender *self, const gchar *text, gdouble x, gdouble y, gdouble size, gboolean bold,
         Role role)
{
	TextItem *item = g_new0(TextItem, 1);

	item->text = g_strdup(text);
	item->x = x;
	item->y = y;
	item->size = size;
	item->bold = bold;
	item->role = role;
	item->swatch_wire = -1;
	g_ptr_array_add(self->texts, item);
	return item;
}

/* greedy word wrap; returns the lines */
static GPtrArray *
wrap_text_full(cairo_t *cr, const gchar *text, gdouble size, gboolean bold, gdouble max_width)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) words = g_strsplit(text, " ", -1);
	g_autoptr(GString) line = g_string_new(NULL);

	for (guint i = 0; words[i] != NULL; i++) {
		g_autofree gchar *candidate = NULL;
		if (words[i][0] == '\0')
			continue;
		candidate = line->len > 0 ? g_strdup_printf("%s %s", line->str, words[i])
		                          : g_strdup(words[i]);
		if (line->len > 0 && text_width(cr, candidate, size, bold) > max_width) {
			g_ptr_array_add(lines, g_strdup(line->str));
			g_string_assign(line, words[i]);
		} else {
			g_string_assign(line, candidate);
		}
	}
	if (line->len > 0)
		g_ptr_array_add(lines, g_strdup(line->str));
	return lines;
}

static GPtrArray *
wrap_text(cairo_t *cr, const gchar *text, gdouble size, gdouble max_width)
{
	return wrap_text_full(cr, text, size, FALSE, max_width);
}

/* @text in lines no wider than @max_width from the baseline @y on; returns the last baseline */
static gdouble
add_wrapped(UbPinoutRender *self, cairo_t *cr, const gchar *text, gdouble x, gdouble y,
            gdouble size, gboolean bold, Role role, gdouble max_width)
{
	g_autoptr(GPtrArray) lines = wrap_text_full(cr, text, size, bold, max_width);

	for (guint i = 0; i < lines->len; i++) {
		if (i > 0)
			y += LINE - 2;
		add_text(self, g_ptr_array_index(lines, i), x, y, size, bold, role);
	}
	return y;
}

/* ---- layout ----------------------------------------------------------------------------- */

/* the row that faces the wires: a probe's wires leave to the right, a board's arrive from the
 * left; on a two-row header the pin-1 row of the board faces the wires */
static gboolean
row_is_inner(const Side *side, guint row)
{
	if (side->rows == 1)
		return TRUE;
	return side->is_probe ? row == 1 : row == 0;
}

/* labels of the facing row of a two-row header sit on the wire side, on filled tags */
static gboolean
row_label_is_tag(const Side *side, guint row)
{
	return side->rows == 2 && row_is_inner(side, row);
}

static gchar *
pin_label_text(const UbPin *pin)
{
	if (pin->label != NULL && pin->label[0] != '\0')
		return g_strdup(pin->label);
	if (pin->signal == UB_SIGNAL_NC)
		return g_strdup(_("not connected"));
	return g_strdup(ub_signal_to_string(pin->signal));
}

static void
measure_side(Side *side, cairo_t *cr)
{
	guint n_pins = ub_pin_header_get_n_pins(side->header);

	side->rows = ub_pin_header_get_rows(side->header);
	side->positions = ub_pin_header_get_columns(side->header);
	side->outer_w = 0.0;
	side->inner_w = 0.0;
	side->left_w = 0.0;
	side->right_w = 0.0;
	for (guint n = 1; n <= n_pins; n++) {
		const UbPin *pin = ub_pin_header_get_pin(side->header, n);
		g_autofree gchar *text = pin_label_text(pin);
		/* wired pins have bold labels; measure all as bold so none touches the body */
		gdouble width = text_width(cr, text, FONT_LABEL, TRUE);
		guint row = 0;
		guint position = 0;

		ub_pin_header_get_position(side->header, n, &row, &position);
		if (side->standalone && side->rows == 2 && row == 0)
			side->left_w = MAX(side->left_w, width);
		else if (side->standalone)
			side->right_w = MAX(side->right_w, width);
		else if (row_label_is_tag(side, row))
			side->inner_w = MAX(side->inner_w, width + 2 * TAG_PAD);
		else
			side->outer_w = MAX(side->outer_w, width);
	}
	side->body_w = 2 * BODY_PAD + PIN_SIZE + (side->rows - 1) * COL_PITCH;
	side->body_h = 2 * BODY_PAD + PIN_SIZE + (side->positions - 1) * ROW_PITCH;
}

/* probe: [outside labels][body][tags] then the fan point; returns the fan x */
static gdouble
place_probe(Side *side, gdouble left)
{
	side->body_x = left + side->outer_w + LABEL_GAP;
	for (guint row = 0; row < side->rows; row++)
		side->row_x[row] = side->body_x + BODY_PAD + PIN_SIZE / 2 + row * COL_PITCH;
	side->fan_x = side->body_x + side->body_w + FAN_GAP;
	if (side->rows == 2)
		side->fan_x += LABEL_GAP + side->inner_w;
	return side->fan_x;
}

/* board: the fan point at @left, then [tags][body][outside labels]; returns the right edge */
static gdouble
place_board(Side *side, gdouble left)
{
	side->fan_x = left;
	side->body_x = left + FAN_GAP;
	if (side->rows == 2)
		side->body_x += side->inner_w + LABEL_GAP;
	for (guint row = 0; row < side->rows; row++)
		side->row_x[row] = side->body_x + BODY_PAD + PIN_SIZE / 2 + row * COL_PITCH;
	return side->body_x + side->body_w + LABEL_GAP + side->outer_w;
}

/* a header on its own: [labels of row 1][body][labels of the last row]; returns the right
 * edge */
static gdouble
place_standalone(Side *side, gdouble left)
{
	side->body_x = left + (side->left_w > 0 ? side->left_w + LABEL_GAP : 0.0);
	for (guint row = 0; row < side->rows; row++)
		side->row_x[row] = side->body_x + BODY_PAD + PIN_SIZE / 2 + row * COL_PITCH;
	side->fan_x = side->body_x + side->body_w;
	return side->body_x + side->body_w + (side->right_w > 0 ? LABEL_GAP + side->right_w : 0.0);
}

static gdouble
side_right_width(Side *side)
{
	Side probe_like = *side;
	return place_board(&probe_like, 0.0);
}

static void
pin_centre(const Side *side, guint number, gdouble *x, gdouble *y)
{
	guint row = 0;
	guint position = 0;

	ub_pin_header_get_position(side->header, number, &row, &position);
	*x = side->row_x[row];
	*y = side->y0 + position * ROW_PITCH;
}

static void
place_pins_and_labels(UbPinoutRender *self, guint index, cairo_t *cr)
{
	Side *side = &self->sides[index];
	guint n_pins = ub_pin_header_get_n_pins(side->header);

	for (guint n = 1; n <= n_pins; n++) {
		const UbPin *pin = ub_pin_header_get_pin(side->header, n);
		UbPinoutPinBox box = {
		        .on_probe = side->is_probe, .on_chip = FALSE, .number = n, .size = PIN_SIZE};
		PinLabel *label = g_new0(PinLabel, 1);
		UbPinoutTextBox text_box;
		gdouble cx = 0.0;
		gdouble cy = 0.0;
		guint row = 0;
		guint position = 0;
		gboolean left_of_pin;

		pin_centre(side, n, &cx, &cy);
		box.x = cx - PIN_SIZE / 2;
		box.y = cy - PIN_SIZE / 2;
		g_array_append_val(self->pins, box);

		ub_pin_header_get_position(side->header, n, &row, &position);
		label->pin = n;
		label->text = pin_label_text(pin);
		label->is_tag = !side->standalone && row_label_is_tag(side, row);
		label->width = text_width(cr, label->text, FONT_LABEL, TRUE) +
		               (label->is_tag ? 2 * TAG_PAD : 0.0);
		label->height = FONT_LABEL + 4;
		/* outside labels go away from the wires, tags towards them; on its own a header
		 * has its labels outside both rows, as they are printed */
		if (side->standalone)
			left_of_pin = side->rows == 2 && row == 0;
		else
			left_of_pin = side->is_probe ? !label->is_tag : label->is_tag;
		if (left_of_pin)
			label->x =
			        side->row_x[0] - PIN_SIZE / 2 - BODY_PAD - LABEL_GAP - label->width;
		else
			label->x =
			        side->row_x[side->rows - 1] + PIN_SIZE / 2 + BODY_PAD + LABEL_GAP;
		label->y = cy - label->height / 2;
		text_box.x = label->x;
		text_box.y = label->y;
		text_box.width = label->width;
		text_box.height = label->height;
		g_array_append_val(self->labels, text_box);
		g_ptr_array_add(self->pin_labels[index], label);
	}
}

static const gchar *
when_text(const UbWire *wire)
{
	switch (wire->when) {
	case UB_WIRE_WHEN_NO_OTHER_POWER:
		return _("optional: only if the board has no other power");
	case UB_WIRE_WHEN_RESET:
		return _("optional: for connect-under-reset");
	case UB_WIRE_WHEN_TRACE:
		return _("optional: SWO trace");
	default:
		return _("optional");
	}
}

static gchar *
legend_line(const UbWire *wire, guint index)
{
	g_autoptr(GString) text = g_string_new(NULL);

	/* TRANSLATORS: wire list line: number, signal, probe pin and label, board pin and label */
	g_string_append_printf(text, _("%1$u. %2$s: probe pin %3$u (%4$s) → board pin %5$u (%6$s)"),
	                       index + 1, ub_signal_to_string(wire->probe_signal), wire->probe_pin,
	                       wire->probe_label, wire->board_pin,
	                       wire->board_label[0] != '\0'
	                               ? wire->board_label
	                               : ub_signal_to_string(wire->board_signal));
	if (wire->use == UB_WIRE_OPTIONAL)
		g_string_append_printf(text, " — %s", when_text(wire));
	if (wire->warnings & UB_WIRE_WARNING_SHARED_PIN)
		g_string_append_printf(text, " — %s", _("same board pin as the other GND"));
	if (wire->warnings & UB_WIRE_WARNING_RESET_UNKNOWN)
		g_string_append_printf(text, " — %s", _("may do nothing on this probe"));
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/* "6-pad footprint, 2 mm — solder a header first" */
static gchar *
header_kind_text(UbPinHeader *header, gboolean on_board)
{
	if (ub_pin_header_get_pitch_mm(header) <= 0)
		return g_strdup(ub_pin_header_get_kind(header));
	return g_strdup_printf("%s, %g mm%s", ub_pin_header_get_kind(header),
	                       ub_pin_header_get_pitch_mm(header),
	                       on_board && !ub_pin_header_get_fitted(header)
	                               ? _(" — solder a header first")
	                               : "");
}

static const gchar *
header_warning_text(UbPinHeader *header, gboolean on_board)
{
	if (!on_board || ub_pin_header_get_confidence(header) == UB_CONFIDENCE_CONFIRMED)
		return NULL;
	return _("Pin order not confirmed: check against your board");
}

/* the pins a person looks for on a debug header: their labels are drawn in bold */
static guint64
header_debug_pins(UbPinHeader *header)
{
	guint64 bits = 0;

	for (guint n = 1; n <= MIN(ub_pin_header_get_n_pins(header), 63u); n++) {
		switch (ub_pin_header_get_pin(header, n)->signal) {
		case UB_SIGNAL_SWDIO:
		case UB_SIGNAL_SWCLK:
		case UB_SIGNAL_GND:
		case UB_SIGNAL_NRST:
		case UB_SIGNAL_VTREF:
		case UB_SIGNAL_3V3:
			bits |= G_GUINT64_CONSTANT(1) << n;
			break;
		default:
			break;
		}
	}
	return bits;
}

static void
layout_wiring(UbPinoutRender *self)
{
	cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
	cairo_t *cr = cairo_create(scratch);
	UbBoard *board = ub_wiring_plan_get_board(self->plan);
	UbProbeModel *probe = ub_wiring_plan_get_probe(self->plan);
	Side *ps = &self->sides[0];
	Side *bs = &self->sides[1];
	g_autofree gchar *probe_kind = NULL;
	g_autofree gchar *board_kind = NULL;
	const gchar *board_warning = NULL;
	gdouble probe_fan;
	gdouble board_w;
	gdouble cap_probe;
	gdouble cap_board;
	gdouble zone;
	gdouble y_headers;
	gdouble tallest;
	gdouble y;
	guint n_wires = ub_wiring_plan_get_n_wires(self->plan);

	self->n_sides = 2;
	ps->header = ub_probe_model_get_header(probe);
	ps->is_probe = TRUE;
	bs->header = ub_board_get_header(board);
	bs->is_probe = FALSE;
	measure_side(ps, cr);
	measure_side(bs, cr);

	/* captions above each header: name, connector, and a caution when not confirmed */
	probe_kind = header_kind_text(ps->header, FALSE);
	board_kind = header_kind_text(bs->header, TRUE);
	board_warning = header_warning_text(bs->header, TRUE);
	cap_probe = MAX(text_width(cr, ub_probe_model_get_name(probe), FONT_NAME, TRUE),
	                text_width(cr, probe_kind, FONT_CAPTION, FALSE));
	cap_board = MAX(text_width(cr, ub_board_get_name(board), FONT_NAME, TRUE),
	                text_width(cr, board_kind, FONT_CAPTION, FALSE));
	if (board_warning != NULL)
		cap_board = MAX(cap_board, text_width(cr, board_warning, FONT_CAPTION, TRUE));

	probe_fan = place_probe(ps, MARGIN);
	board_w = side_right_width(bs);
	zone = WIRE_ZONE_MIN;
	self->width = probe_fan + zone + board_w + MARGIN;
	/* room for both captions side by side */
	self->width = MAX(self->width, 2 * MARGIN + cap_probe + 40.0 + cap_board);
	/* and for the wire list */
	for (guint i = 0; self->show_list && i < n_wires; i++) {
		g_autofree gchar *line = legend_line(ub_wiring_plan_get_wire(self->plan, i), i);
		self->width = MAX(self->width, 2 * MARGIN + SWATCH_WIDTH + 10 +
		                                       text_width(cr, line, FONT_LABEL, FALSE));
	}
	self->width = ceil(MAX(self->width, MIN_WIDTH));
	zone = self->width - MARGIN - board_w - probe_fan;
	place_board(bs, probe_fan + zone);

	/* captions */
	y = MARGIN + FONT_CAPTION;
	add_text(self, _("Probe"), MARGIN, y, FONT_CAPTION, FALSE, ROLE_DIM);
	add_text(self, _("Board"),
	         self->width - MARGIN - text_width(cr, _("Board"), FONT_CAPTION, FALSE), y,
	         FONT_CAPTION, FALSE, ROLE_DIM);
	y += LINE;
	add_text(self, ub_probe_model_get_name(probe), MARGIN, y, FONT_NAME, TRUE, ROLE_FOREGROUND);
	add_text(self, ub_board_get_name(board),
	         self->width - MARGIN - text_width(cr, ub_board_get_name(board), FONT_NAME, TRUE),
	         y, FONT_NAME, TRUE, ROLE_FOREGROUND);
	y += LINE;
	add_text(self, probe_kind, MARGIN, y, FONT_CAPTION, FALSE, ROLE_DIM);
	add_text(self, board_kind,
	         self->width - MARGIN - text_width(cr, board_kind, FONT_CAPTION, FALSE), y,
	         FONT_CAPTION, FALSE, ROLE_DIM);
	if (board_warning != NULL) {
		y += LINE;
		add_text(self, board_warning,
		         self->width - MARGIN - text_width(cr, board_warning, FONT_CAPTION, TRUE),
		         y, FONT_CAPTION, TRUE, ROLE_WARNING);
	}
	y_headers = y + 2 * LINE;

	/* both headers centred on one line; the pin-1 marker needs a little room above */
	tallest = MAX(ps->body_h, bs->body_h);
	for (guint i = 0; i < 2; i++) {
		Side *side = &self->sides[i];
		side->body_y = y_headers + (tallest - side->body_h) / 2;
		side->y0 = side->body_y + BODY_PAD + PIN_SIZE / 2;
		place_pins_and_labels(self, i, cr);
	}

	for (guint i = 0; i < n_wires; i++) {
		const UbWire *wire = ub_wiring_plan_get_wire(self->plan, i);
		UbPinoutWirePath path = {.wire_index = i};
		pin_centre(ps, wire->probe_pin, &path.x0, &path.y0);
		pin_centre(bs, wire->board_pin, &path.x1, &path.y1);
		g_array_append_val(self->wires, path);
	}

	/* wire list, in the order to connect them */
	y = y_headers + tallest + LINE;
	if (self->show_list) {
		y += LINE + FONT_LABEL;
		add_text(self, _("Connect in this order:"), MARGIN, y, FONT_LABEL, TRUE,
		         ROLE_FOREGROUND);
	}
	for (guint i = 0; self->show_list && i < n_wires; i++) {
		g_autofree gchar *line = legend_line(ub_wiring_plan_get_wire(self->plan, i), i);
		TextItem *item;
		y += LINE + 2;
		item = add_text(self, line, MARGIN + SWATCH_WIDTH + 10, y, FONT_LABEL, FALSE,
		                ROLE_FOREGROUND);
		item->swatch_wire = (gint)i;
	}

	if (self->show_notes) {
		UbWiringNote notes = ub_wiring_plan_get_notes(self->plan);
		y += LINE / 2;
		for (guint note = 1; note < UB_WIRING_NOTE_LAST; note <<= 1) {
			g_autofree gchar *text = NULL;
			g_autoptr(GPtrArray) lines = NULL;
			if ((notes & note) == 0)
				continue;
			text = ub_wiring_plan_describe_note(self->plan, (UbWiringNote)note);
			if (text == NULL)
				continue;
			lines = wrap_text(cr, text, FONT_CAPTION, self->width - 2 * MARGIN - 14);
			for (guint l = 0; l < lines->len; l++) {
				y += LINE - 2;
				if (l == 0)
					add_text(self, "•", MARGIN, y, FONT_CAPTION, FALSE,
					         ROLE_DIM);
				add_text(self, g_ptr_array_index(lines, l), MARGIN + 14, y,
				         FONT_CAPTION, FALSE,
				         note == UB_WIRING_NOTE_CHECK_BOARD_PINOUT ||
				                         note == UB_WIRING_NOTE_RESET_BY_HAND
				                 ? ROLE_WARNING
				                 : ROLE_FOREGROUND);
			}
		}
	}
	self->height = ceil(y + MARGIN);

	cairo_destroy(cr);
	cairo_surface_destroy(scratch);
}

/* ---- a header on its own ---------------------------------------------------------------- */

/* the header block of a side laid out alone, with its top (the pin-1 key's room) at @top */
static void
place_side_block(UbPinoutRender *self, Side *side, cairo_t *cr, gdouble left, gdouble top)
{
	place_standalone(side, left);
	side->body_y = top;
	side->y0 = side->body_y + BODY_PAD + PIN_SIZE / 2;
	place_pins_and_labels(self, (guint)(side - self->sides), cr);
}

static gdouble
side_block_width(Side *side)
{
	Side copy = *side;
	return place_standalone(&copy, 0.0);
}

static void
layout_header(UbPinoutRender *self, const gchar *title)
{
	cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
	cairo_t *cr = cairo_create(scratch);
	Side *side = &self->sides[0];
	g_autofree gchar *kind = header_kind_text(side->header, !side->is_probe);
	const gchar *warning = header_warning_text(side->header, !side->is_probe);
	gdouble block_w;
	gdouble content_w;
	gdouble y = MARGIN;

	self->n_sides = 1;
	side->standalone = TRUE;
	side->strong = header_debug_pins(side->header);
	measure_side(side, cr);
	block_w = side_block_width(side);
	/* the captions wrap to the header's width, so a small picture keeps large pins */
	content_w = MAX(block_w, CAPTION_MIN_WIDTH);
	if (title != NULL)
		content_w = MAX(content_w, text_width(cr, title, FONT_NAME, TRUE));
	self->width = ceil(2 * MARGIN + content_w);
	if (title != NULL) {
		y += FONT_NAME;
		add_text(self, title, MARGIN, y, FONT_NAME, TRUE, ROLE_FOREGROUND);
		y += LINE - FONT_CAPTION;
	}
	y += FONT_CAPTION;
	y = add_wrapped(self, cr, kind, MARGIN, y, FONT_CAPTION, FALSE, ROLE_DIM, content_w);
	if (warning != NULL)
		y = add_wrapped(self, cr, warning, MARGIN, y + LINE, FONT_CAPTION, TRUE, ROLE_WARNING,
		                content_w);
	/* the pin-1 key sits above the body */
	y += LINE;
	place_side_block(self, side, cr, MARGIN + (content_w - block_w) / 2, y);
	self->height = ceil(side->body_y + side->body_h + MARGIN);
	cairo_destroy(cr);
	cairo_surface_destroy(scratch);
}

/* ---- the chip package ------------------------------------------------------------------- */

#define CHIP_PITCH 14.0 /* between neighbouring leads (0.5 mm on the real LQFP) */
#define CHIP_INSET 12.0 /* from the body's corner to the first lead */
#define LEAD_LENGTH 11.0
#define LEAD_WIDTH 7.0
#define FONT_CHIP_NUMBER 9.0
#define NUMBER_GAP 4.0

/* where a lead is: its centre and the outward direction (0 left, 1 bottom, 2 right, 3 top) */
static void
chip_lead(const Chip *chip, guint number, gdouble *cx, gdouble *cy, guint *side)
{
	guint index = (number - 1) % chip->per_side;
	guint edge = (number - 1) / chip->per_side;
	gdouble along = CHIP_INSET + (index + 0.5) * CHIP_PITCH;
	gdouble near = chip->body_x;
	gdouble far = chip->body_x + chip->body_size;
	gdouble top = chip->body_y;
	gdouble bottom = chip->body_y + chip->body_size;

	/* anticlockwise from the top of the left edge, seen from above */
	switch (edge) {
	case 0:
		*cx = near - LEAD_LENGTH / 2;
		*cy = top + along;
		break;
	case 1:
		*cx = near + along;
		*cy = bottom + LEAD_LENGTH / 2;
		break;
	case 2:
		*cx = far + LEAD_LENGTH / 2;
		*cy = bottom - along;
		break;
	default:
		*cx = far - along;
		*cy = top - LEAD_LENGTH / 2;
		break;
	}
	if (side != NULL)
		*side = MIN(edge, 3u);
}

static gchar *
chip_number_text(const Chip *chip, guint number)
{
	if (number == chip->nrst)
		/* TRANSLATORS: the label of the chip's reset pin in the drawing, with its number */
		return g_strdup_printf(_("NRST %u"), number);
	return g_strdup_printf("%u", number);
}

static gboolean
chip_from_package(Chip *chip, const gchar *package)
{
	/* LQFP64 and LQFP100 are the STM32F405's packages on these boards (schema enum) */
	if (g_strcmp0(package, "LQFP64") == 0)
		chip->n_pins = 64;
	else if (g_strcmp0(package, "LQFP100") == 0)
		chip->n_pins = 100;
	else
		return FALSE;
	chip->per_side = chip->n_pins / 4;
	chip->body_size = chip->per_side * CHIP_PITCH + 2 * CHIP_INSET;
	return TRUE;
}

/* the room the chip takes around its body: leads, then the numbers */
static gdouble
chip_margin(const Chip *chip)
{
	return LEAD_LENGTH + NUMBER_GAP + chip->number_w;
}

static void
place_chip(UbPinoutRender *self, gdouble left, gdouble top)
{
	Chip *chip = &self->chip;

	chip->body_x = left + chip_margin(chip);
	chip->body_y = top + chip_margin(chip);
	for (guint n = 1; n <= chip->n_pins; n++) {
		UbPinoutPinBox box = {.on_probe = FALSE, .on_chip = TRUE, .number = n};
		gdouble cx = 0.0;
		gdouble cy = 0.0;

		chip_lead(chip, n, &cx, &cy, NULL);
		box.size = LEAD_WIDTH;
		box.x = cx - LEAD_WIDTH / 2;
		box.y = cy - LEAD_WIDTH / 2;
		g_array_append_val(self->pins, box);
	}
}

/* ---- where NRST is ---------------------------------------------------------------------- */

static void
layout_nrst(UbPinoutRender *self)
{
	cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
	cairo_t *cr = cairo_create(scratch);
	UbBoard *board = self->board;
	UbPinHeader *header = ub_board_get_header(board);
	Side *side = &self->sides[0];
	Chip *chip = &self->chip;
	guint header_pin = ub_board_get_nrst_header_pin(board);
	const UbPin *gnd = ub_pin_header_find_signal(header, UB_SIGNAL_GND, 0);
	g_autofree gchar *title = NULL;
	g_autofree gchar *header_caption = NULL;
	g_autofree gchar *header_kind = header_kind_text(header, TRUE);
	g_autofree gchar *chip_caption = NULL;
	const gchar *chip_hint = _("Pin 1 is next to the dot; count anticlockwise from it");
	const gchar *warning = NULL;
	gdouble header_w = 0.0;
	gdouble chip_w = 0.0;
	gdouble block_h;
	gdouble gap = 0.0;
	gdouble y;
	gdouble x;

	/* TRANSLATORS: title of the drawing; %s is the board's name */
	title = g_strdup_printf(_("Where NRST is on the %s"), ub_board_get_name(board));
	if (ub_board_get_nrst_confidence(board) != UB_CONFIDENCE_CONFIRMED)
		warning = _("Not confirmed for this board: check against your board");

	/* the header, when the board brings NRST out to it */
	self->n_sides = 0;
	if (header_pin != 0 && header_pin <= ub_pin_header_get_n_pins(header) && header_pin < 64) {
		const UbPin *pin = ub_pin_header_get_pin(header, header_pin);
		g_autofree gchar *label = pin_label_text(pin);

		self->n_sides = 1;
		side->header = header;
		side->is_probe = FALSE;
		side->standalone = TRUE;
		side->marked = G_GUINT64_CONSTANT(1) << header_pin;
		if (gnd != NULL && gnd->number < 64)
			side->strong = G_GUINT64_CONSTANT(1) << gnd->number;
		side->strong |= side->marked;
		measure_side(side, cr);
		/* TRANSLATORS: caption over the board's header; pin number and its printed label */
		header_caption = g_strdup_printf(_("On the debug header: pin %1$u (%2$s)"),
		                                 header_pin, label);
		/* the captions wrap to the block, so the picture stays compact */
		header_w = MAX(side_block_width(side), CAPTION_MIN_WIDTH);
		gap = 40.0;
	}

	/* the chip: every pin numbered outside its lead */
	if (chip_from_package(chip, ub_board_get_mcu_package(board))) {
		chip->nrst = ub_board_get_nrst_mcu_pin(board);
		chip->part = g_strdup(ub_board_get_mcu_part(board));
		chip->package = g_strdup(ub_board_get_mcu_package(board));
		for (guint n = 1; n <= chip->n_pins; n++) {
			g_autofree gchar *text = chip_number_text(chip, n);
			chip->number_w = MAX(chip->number_w,
			                     text_width(cr, text, FONT_CHIP_NUMBER, n == chip->nrst));
		}
		/* TRANSLATORS: caption over the chip drawing: pin number, part, package */
		chip_caption = g_strdup_printf(_("On the chip: pin %1$u of the %2$s (%3$s)"),
		                               chip->nrst, chip->part, chip->package);
		chip_w = chip->body_size + 2 * chip_margin(chip);
	}

	self->width = header_w + gap + chip_w;
	self->width = MAX(self->width, text_width(cr, title, FONT_NAME, TRUE));
	if (warning != NULL)
		self->width = MAX(self->width, text_width(cr, warning, FONT_CAPTION, TRUE));
	self->width = ceil(self->width + 2 * MARGIN);

	y = MARGIN + FONT_NAME;
	add_text(self, title, MARGIN, y, FONT_NAME, TRUE, ROLE_FOREGROUND);
	if (warning != NULL) {
		y += LINE;
		add_text(self, warning, MARGIN, y, FONT_CAPTION, TRUE, ROLE_WARNING);
	}
	y += LINE + 6;
	x = MARGIN + (self->width - 2 * MARGIN - (header_w + gap + chip_w)) / 2;
	{
		gdouble left_h = 0.0;
		gdouble right_h = 0.0;

		if (self->n_sides == 1) {
			gdouble yy = add_wrapped(self, cr, header_caption, x, y, FONT_CAPTION, TRUE,
			                         ROLE_FOREGROUND, header_w);
			yy = add_wrapped(self, cr, header_kind, x, yy + LINE, FONT_CAPTION, FALSE,
			                 ROLE_DIM, header_w);
			left_h = yy - y;
		}
		if (chip->n_pins > 0) {
			gdouble yy = add_wrapped(self, cr, chip_caption, x + header_w + gap, y,
			                         FONT_CAPTION, TRUE, ROLE_FOREGROUND, chip_w);
			yy = add_wrapped(self, cr, chip_hint, x + header_w + gap, yy + LINE,
			                 FONT_CAPTION, FALSE, ROLE_DIM, chip_w);
			right_h = yy - y;
		}
		y += MAX(left_h, right_h) + LINE + 4;
	}

	/* both blocks centred on one line */
	block_h = MAX(self->n_sides == 1 ? side->body_h + LINE : 0.0,
	              chip->n_pins > 0 ? chip->body_size + 2 * chip_margin(chip) : 0.0);
	if (self->n_sides == 1)
		place_side_block(self, side, cr,
		                 x + (header_w - side_block_width(side)) / 2,
		                 y + (block_h - side->body_h) / 2);
	if (chip->n_pins > 0)
		place_chip(self,
		           x + header_w + gap + (chip_w - chip->body_size - 2 * chip_margin(chip)) / 2,
		           y + (block_h - chip->body_size - 2 * chip_margin(chip)) / 2);
	y += block_h;

	if (self->show_notes && ub_board_get_nrst_notes(board) != NULL &&
	    ub_board_get_nrst_notes(board)[0] != '\0') {
		g_autoptr(GPtrArray) lines = wrap_text(cr, ub_board_get_nrst_notes(board),
		                                        FONT_CAPTION, self->width - 2 * MARGIN);
		y += LINE / 2;
		for (guint l = 0; l < lines->len; l++) {
			y += LINE - 2;
			add_text(self, g_ptr_array_index(lines, l), MARGIN, y, FONT_CAPTION, FALSE,
			         ROLE_FOREGROUND);
		}
	}
	self->height = ceil(y + MARGIN);
	cairo_destroy(cr);
	cairo_surface_destroy(scratch);
}

/*
 * Lays the plan out once; drawing is then cheap and repeatable at any scale. With @show_notes
 * the set-up notes (hand reset, soldering, power) are written under the wire list, as the
 * exported pictures need; the wizard shows them in its own widgets instead.
 */
UbPinoutRender *
ub_pinout_render_new(UbWiringPlan *plan, gboolean show_notes)
{
	g_return_val_if_fail(UB_IS_WIRING_PLAN(plan), NULL);
	return ub_pinout_render_new_full(plan, UB_PINOUT_SHOW_WIRE_LIST |
	                                               (show_notes ? UB_PINOUT_SHOW_NOTES : 0));
}

/* the wiring plan with only what @flags asks for under the headers (the wizard's stepper says
 * the wires in words beside a picture that has room to be large) */
UbPinoutRender *
ub_pinout_render_new_full(UbWiringPlan *plan, UbPinoutShow flags)
{
	UbPinoutRender *self;

	g_return_val_if_fail(UB_IS_WIRING_PLAN(plan), NULL);

	self = g_object_new(UB_TYPE_PINOUT_RENDER, NULL);
	self->plan = g_object_ref(plan);
	self->show_notes = (flags & UB_PINOUT_SHOW_NOTES) != 0;
	self->show_list = (flags & UB_PINOUT_SHOW_WIRE_LIST) != 0;
	self->drawing = UB_PINOUT_DRAWING_WIRING;
	layout_wiring(self);
	return self;
}

/*
 * One header on its own, with the labels printed next to its pins (the way a person compares
 * a probe or a board with the picture). @title may be NULL.
 */
UbPinoutRender *
ub_pinout_render_new_header(UbPinHeader *header, gboolean is_probe, const gchar *title)
{
	UbPinoutRender *self;

	g_return_val_if_fail(UB_IS_PIN_HEADER(header), NULL);

	self = g_object_new(UB_TYPE_PINOUT_RENDER, NULL);
	self->drawing = UB_PINOUT_DRAWING_HEADER;
	self->header = g_object_ref(header);
	self->sides[0].header = header;
	self->sides[0].is_probe = is_probe;
	layout_header(self, title);
	return self;
}

/*
 * Where NRST is on @board: its debug header with the NRST pin (when the board brings it out)
 * and the chip package with every pin numbered and NRST marked. With @show_notes the
 * database's NRST notes go under the picture.
 */
UbPinoutRender *
ub_pinout_render_new_nrst(UbBoard *board, gboolean show_notes)
{
	UbPinoutRender *self;

	g_return_val_if_fail(UB_IS_BOARD(board), NULL);

	self = g_object_new(UB_TYPE_PINOUT_RENDER, NULL);
	self->drawing = UB_PINOUT_DRAWING_NRST;
	self->board = g_object_ref(board);
	self->show_notes = show_notes;
	layout_nrst(self);
	return self;
}

UbPinoutDrawing
ub_pinout_render_get_drawing(UbPinoutRender *self)
{
	g_return_val_if_fail(UB_IS_PINOUT_RENDER(self), UB_PINOUT_DRAWING_WIRING);
	return self->drawing;
}

/* the picture in words: for screen readers and for anyone who cannot tell the colours apart */
gchar *
ub_pinout_render_get_description(UbPinoutRender *self)
{
	g_autoptr(GString) text = g_string_new(NULL);

	g_return_val_if_fail(UB_IS_PINOUT_RENDER(self), NULL);
	switch (self->drawing) {
	case UB_PINOUT_DRAWING_WIRING:
		return ub_wiring_plan_to_text(self->plan);
	case UB_PINOUT_DRAWING_HEADER:
		for (guint n = 1; n <= ub_pin_header_get_n_pins(self->header); n++) {
			g_autofree gchar *label =
			        pin_label_text(ub_pin_header_get_pin(self->header, n));
			/* TRANSLATORS: one pin of a header in the drawing's description */
			g_string_append_printf(text, _("Pin %1$u: %2$s\n"), n, label);
		}
		break;
	case UB_PINOUT_DRAWING_NRST:
	default:
		if (self->n_sides == 1) {
			guint pin = ub_board_get_nrst_header_pin(self->board);
			g_autofree gchar *label = pin_label_text(
			        ub_pin_header_get_pin(ub_board_get_header(self->board), pin));
			g_string_append_printf(text, _("NRST is pin %1$u (%2$s) of the debug header.\n"),
			                       pin, label);
		}
		if (self->chip.n_pins > 0)
			g_string_append_printf(text,
			                       _("On the chip (%1$s, %2$s) NRST is pin %3$u, counted "
			                         "anticlockwise from the pin-1 dot.\n"),
			                       self->chip.part, self->chip.package, self->chip.nrst);
		break;
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}

UbWiringPlan *
ub_pinout_render_get_plan(UbPinoutRender *self)
{
	g_return_val_if_fail(UB_IS_PINOUT_RENDER(self), NULL);
	return self->plan;
}

void
ub_pinout_render_get_size(UbPinoutRender *self, gdouble *width, gdouble *height)
{
	g_return_if_fail(UB_IS_PINOUT_RENDER(self));
	if (width != NULL)
		*width = self->width;
	if (height != NULL)
		*height = self->height;
}

/* @signals ends with UB_SIGNAL_NONE; NULL clears. A wire matches by either end's signal. */
void
ub_pinout_render_set_highlight(UbPinoutRender *self, const UbSignal *signals)
{
	g_return_if_fail(UB_IS_PINOUT_RENDER(self));
	self->highlight = 0;
	for (guint i = 0; signals != NULL && signals[i] != UB_SIGNAL_NONE; i++) {
		if ((guint)signals[i] < UB_SIGNAL_LAST)
			self->highlight |= 1u << signals[i];
	}
}

gboolean
ub_pinout_render_is_highlighted(UbPinoutRender *self, guint wire_index)
{
	const UbWire *wire;

	g_return_val_if_fail(UB_IS_PINOUT_RENDER(self), FALSE);
	g_return_val_if_fail(wire_index < ub_wiring_plan_get_n_wires(self->plan), FALSE);
	if (self->focus >= 0)
		return (gint)wire_index == self->focus;
	wire = ub_wiring_plan_get_wire(self->plan, wire_index);
	return (self->highlight & (1u << wire->probe_signal | 1u << wire->board_signal)) != 0;
}

/*
 * The stepper: @wire_index is the wire to connect now. It is drawn lit; the wires before it
 * (already connected) are drawn faint, the ones after it not at all. -1 shows every wire.
 */
void
ub_pinout_render_set_focus(UbPinoutRender *self, gint wire_index)
{
	g_return_if_fail(UB_IS_PINOUT_RENDER(self));
	g_return_if_fail(self->plan != NULL || wire_index < 0);
	g_return_if_fail(wire_index < (gint)(self->plan != NULL
	                                             ? ub_wiring_plan_get_n_wires(self->plan)
	                                             : 0));
	self->focus = MAX(wire_index, -1);
}

gint
ub_pinout_render_get_focus(UbPinoutRender *self)
{
	g_return_val_if_fail(UB_IS_PINOUT_RENDER(self), -1);
	return self->focus;
}

/* whether the wire is in the picture at all (the stepper leaves the later ones out) */
gboolean
ub_pinout_render_is_wire_drawn(UbPinoutRender *self, guint wire_index)
{
	g_return_val_if_fail(UB_IS_PINOUT_RENDER(self), FALSE);
	g_return_val_if_fail(self->plan != NULL, FALSE);
	g_return_val_if_fail(wire_index < ub_wiring_plan_get_n_wires(self->plan), FALSE);
	return self->focus < 0 || (gint)wire_index <= self->focus;
}

/* whether the drawing points at this pin: NRST on the board's header and on the chip */
gboolean
ub_pinout_render_is_pin_marked(UbPinoutRender *self, const UbPinoutPinBox *pin)
{
	g_return_val_if_fail(UB_IS_PINOUT_RENDER(self), FALSE);
	g_return_val_if_fail(pin != NULL, FALSE);
	if (pin->on_chip)
		return self->chip.n_pins > 0 && pin->number == self->chip.nrst;
	for (guint i = 0; i < self->n_sides; i++) {
		if (self->sides[i].is_probe == pin->on_probe && pin->number < 64)
			return (self->sides[i].marked >> pin->number) & 1;
	}
	return FALSE;
}

/* of UbPinoutPinBox: probe pins first, then board pins */
GArray *
ub_pinout_render_get_pins(UbPinoutRender *self)
{
	g_return_val_if_fail(UB_IS_PINOUT_RENDER(self), NULL);
	return self->pins;
}

/* of UbPinoutTextBox, one per pin in the same order as the pins */
GArray *
ub_pinout_render_get_labels(UbPinoutRender *self)
{
	g_return_val_if_fail(UB_IS_PINOUT_RENDER(self), NULL);
	return self->labels;
}

/* of UbPinoutWirePath, one per wire of the plan */
GArray *
ub_pinout_render_get_wires(UbPinoutRender *self)
{
	g_return_val_if_fail(UB_IS_PINOUT_RENDER(self), NULL);
	return self->wires;
}

/* ---- drawing ---------------------------------------------------------------------------- */

static void
rounded_rect(cairo_t *cr, gdouble x, gdouble y, gdouble w, gdouble h, gdouble r)
{
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -G_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, G_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, G_PI / 2, G_PI);
	cairo_arc(cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
	cairo_close_path(cr);
}

static void
draw_text(cairo_t *cr, const gchar *text, gdouble x, gdouble y, gdouble size, gboolean bold)
{
	setup_font(cr, size, bold);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, text);
	cairo_new_path(cr);
}

static void
draw_header(UbPinoutRender *self, cairo_t *cr, guint index, const UbPinoutPalette *palette)
{
	Side *side = &self->sides[index];
	gdouble mx = 0.0;
	gdouble my = 0.0;

	rounded_rect(cr, side->body_x, side->body_y, side->body_w, side->body_h, 4.0);
	source_colour(cr, &palette->header_body, 1.0);
	cairo_fill_preserve(cr);
	source_colour(cr, &palette->foreground, 0.5);
	cairo_set_line_width(cr, 1.0);
	cairo_stroke(cr);
	/* the pin-1 key: a triangle above the body pointing at pin 1 */
	pin_centre(side, 1, &mx, &my);
	cairo_move_to(cr, mx - 6, side->body_y - 10);
	cairo_line_to(cr, mx + 6, side->body_y - 10);
	cairo_line_to(cr, mx, side->body_y - 2);
	cairo_close_path(cr);
	source_colour(cr, &palette->foreground, 1.0);
	cairo_fill(cr);
}

static const UbWire *wire_at_pin(UbPinoutRender *self, gboolean on_probe, guint pin, guint *index);

/* with suspects or a wire to connect now, the other wires step back */
static gdouble
wire_alpha(UbPinoutRender *self, guint wire_index)
{
	if (ub_pinout_render_is_highlighted(self, wire_index))
		return 1.0;
	return self->highlight != 0 || self->focus >= 0 ? 0.3 : 1.0;
}

static void
ring(cairo_t *cr, gdouble cx, gdouble cy, gdouble radius, const UbPinoutColour *colour)
{
	/* cairo_show_text() leaves a current point; do not join it to the ring */
	cairo_new_path(cr);
	cairo_arc(cr, cx, cy, radius, 0, 2 * G_PI);
	source_colour(cr, colour, 1.0);
	cairo_set_line_width(cr, 3.0);
	cairo_stroke(cr);
}

static gboolean
side_bit(guint64 bits, guint number)
{
	return number < 64 && ((bits >> number) & 1) != 0;
}

/* pins go over the wire ends so their numbers stay readable; a ring in the wire's colour
 * shows which pin a wire lands on */
static void
draw_pins(UbPinoutRender *self, cairo_t *cr, guint index, const UbPinoutPalette *palette)
{
	Side *side = &self->sides[index];
	guint n_pins = ub_pin_header_get_n_pins(side->header);

	for (guint n = 1; n <= n_pins; n++) {
		gdouble cx = 0.0;
		gdouble cy = 0.0;
		g_autofree gchar *number = g_strdup_printf("%u", n);
		cairo_text_extents_t extents;

		guint wire_index = 0;
		const UbWire *wire = wire_at_pin(self, side->is_probe, n, &wire_index);

		pin_centre(side, n, &cx, &cy);
		if (wire != NULL) {
			UbPinoutColour colour;
			ub_pinout_colour_from_name(wire->colour, &colour);
			rounded_rect(cr, cx - PIN_SIZE / 2 - 3, cy - PIN_SIZE / 2 - 3, PIN_SIZE + 6,
			             PIN_SIZE + 6, n == 1 ? 2.0 : PIN_SIZE / 2 + 2);
			source_colour(cr, &colour, wire_alpha(self, wire_index));
			cairo_fill_preserve(cr);
			outline_colour(cr, &colour, palette, 1.0);
			cairo_set_line_width(cr, 1.0);
			cairo_stroke(cr);
		}
		/* pin 1 square, the others rounded, as on most PCBs */
		rounded_rect(cr, cx - PIN_SIZE / 2, cy - PIN_SIZE / 2, PIN_SIZE, PIN_SIZE,
		             n == 1 ? 1.0 : PIN_SIZE / 2 - 1);
		source_colour(cr, &palette->pin, 1.0);
		cairo_fill(cr);
		setup_font(cr, FONT_NUMBER, TRUE);
		cairo_text_extents(cr, number, &extents);
		source_colour(cr, &palette->pin_text, 1.0);
		cairo_move_to(cr, cx - extents.x_bearing - extents.width / 2,
		              cy - extents.y_bearing - extents.height / 2);
		cairo_show_text(cr, number);
		cairo_new_path(cr);
		if (side_bit(side->marked, n))
			ring(cr, cx, cy, PIN_SIZE / 2 + 7, &palette->highlight);
	}
}

/* the wire colour of @pin on this side, or NULL when no wire uses it */
static const UbWire *
wire_at_pin(UbPinoutRender *self, gboolean on_probe, guint pin, guint *index)
{
	if (self->plan == NULL)
		return NULL;
	for (guint i = 0; i < ub_wiring_plan_get_n_wires(self->plan); i++) {
		const UbWire *wire = ub_wiring_plan_get_wire(self->plan, i);
		if (!ub_pinout_render_is_wire_drawn(self, i))
			continue;
		if ((on_probe ? wire->probe_pin : wire->board_pin) == pin) {
			if (index != NULL)
				*index = i;
			return wire;
		}
	}
	return NULL;
}

static void
draw_labels(UbPinoutRender *self, cairo_t *cr, guint index, const UbPinoutPalette *palette)
{
	GPtrArray *labels = self->pin_labels[index];

	for (guint i = 0; i < labels->len; i++) {
		PinLabel *label = g_ptr_array_index(labels, i);
		guint wire_index = 0;
		const UbWire *wire = wire_at_pin(self, index == 0, label->pin, &wire_index);
		gdouble text_x = label->x + (label->is_tag ? TAG_PAD : 0.0);
		gboolean strong;

		if (label->is_tag) {
			rounded_rect(cr, label->x, label->y, label->width, label->height, 3.0);
			source_colour(cr, &palette->background, 1.0);
			cairo_fill_preserve(cr);
			if (wire != NULL) {
				UbPinoutColour colour;
				ub_pinout_colour_from_name(wire->colour, &colour);
				outline_colour(cr, &colour, palette, 1.0);
				cairo_set_line_width(cr, 1.0);
			} else {
				source_colour(cr, &palette->dim, 0.5);
				cairo_set_line_width(cr, 1.0);
			}
			cairo_stroke(cr);
		}
		strong = wire != NULL || side_bit(self->sides[index].strong, label->pin);
		if (strong)
			source_colour(cr, &palette->foreground, 1.0);
		else
			source_colour(cr, &palette->dim, 1.0);
		draw_text(cr, label->text, text_x, label->y + label->height - 4.5, FONT_LABEL,
		          strong);
	}
}

/* lane: a pin on the far row leaves between the pins of the near row */
static void
side_path_point(const Side *side, guint pin, gdouble *fan_y, gdouble *via_x, gboolean *via)
{
	gdouble cx = 0.0;
	gdouble cy = 0.0;
	guint row = 0;
	guint position = 0;

	pin_centre(side, pin, &cx, &cy);
	ub_pin_header_get_position(side->header, pin, &row, &position);
	*via = !row_is_inner(side, row);
	*via_x = (side->row_x[0] + side->row_x[side->rows - 1]) / 2;
	*fan_y = *via ? cy + ROW_PITCH / 2 : cy;
}

static void
wire_path(UbPinoutRender *self, cairo_t *cr, const UbWire *wire)
{
	Side *ps = &self->sides[0];
	Side *bs = &self->sides[1];
	gdouble px = 0.0, py = 0.0, bx = 0.0, by = 0.0;
	gdouble pfy, pvx, bfy, bvx, bend;
	gboolean pvia, bvia;

	pin_centre(ps, wire->probe_pin, &px, &py);
	pin_centre(bs, wire->board_pin, &bx, &by);
	side_path_point(ps, wire->probe_pin, &pfy, &pvx, &pvia);
	side_path_point(bs, wire->board_pin, &bfy, &bvx, &bvia);

	cairo_move_to(cr, px, py);
	if (pvia) {
		cairo_line_to(cr, pvx, py);
		cairo_line_to(cr, pvx, pfy);
	}
	cairo_line_to(cr, ps->fan_x, pfy);
	bend = (bs->fan_x - ps->fan_x) / 2;
	cairo_curve_to(cr, ps->fan_x + bend, pfy, bs->fan_x - bend, bfy, bs->fan_x, bfy);
	if (bvia) {
		cairo_line_to(cr, bvx, bfy);
		cairo_line_to(cr, bvx, by);
	}
	cairo_line_to(cr, bx, by);
}

static void
stroke_wire(cairo_t *cr, const UbWire *wire, const UbPinoutPalette *palette, gdouble alpha,
            gdouble width)
{
	static const gdouble dash[] = {9.0, 5.0};
	UbPinoutColour colour;

	ub_pinout_colour_from_name(wire->colour, &colour);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	if (wire->use == UB_WIRE_OPTIONAL)
		cairo_set_dash(cr, dash, G_N_ELEMENTS(dash), 0.0);
	else
		cairo_set_dash(cr, NULL, 0, 0.0);
	outline_colour(cr, &colour, palette, alpha);
	cairo_set_line_width(cr, width + 2.0);
	cairo_stroke_preserve(cr);
	source_colour(cr, &colour, alpha);
	cairo_set_line_width(cr, width);
	cairo_stroke(cr);
	cairo_set_dash(cr, NULL, 0, 0.0);
}

static void
draw_wires(UbPinoutRender *self, cairo_t *cr, const UbPinoutPalette *palette)
{
	guint n_wires = ub_wiring_plan_get_n_wires(self->plan);

	/* dimmed wires first, the suspected ones on top with a halo */
	for (guint pass = 0; pass < 2; pass++) {
		for (guint i = 0; i < n_wires; i++) {
			const UbWire *wire = ub_wiring_plan_get_wire(self->plan, i);
			gboolean lit = ub_pinout_render_is_highlighted(self, i);
			if (lit != (pass == 1) || !ub_pinout_render_is_wire_drawn(self, i))
				continue;
			if (lit) {
				wire_path(self, cr, wire);
				source_colour(cr, &palette->highlight, 0.55);
				cairo_set_line_width(cr, WIRE_WIDTH + 10.0);
				cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
				cairo_stroke(cr);
			}
			wire_path(self, cr, wire);
			stroke_wire(cr, wire, palette, wire_alpha(self, i),
			            lit ? WIRE_WIDTH + 1.0 : WIRE_WIDTH);
		}
	}
}

/* a ring around the pins of the suspected wires */
static void
draw_pin_highlights(UbPinoutRender *self, cairo_t *cr, const UbPinoutPalette *palette)
{
	for (guint i = 0; i < self->wires->len; i++) {
		UbPinoutWirePath *path = &g_array_index(self->wires, UbPinoutWirePath, i);
		gdouble ends[2][2] = {{path->x0, path->y0}, {path->x1, path->y1}};

		if (!ub_pinout_render_is_highlighted(self, path->wire_index))
			continue;
		for (guint e = 0; e < 2; e++)
			ring(cr, ends[e][0], ends[e][1], PIN_SIZE / 2 + 7, &palette->highlight);
	}
}

static const UbPinoutColour *
role_colour(const UbPinoutPalette *palette, Role role)
{
	switch (role) {
	case ROLE_DIM:
		return &palette->dim;
	case ROLE_WARNING:
		return &palette->warning;
	default:
		return &palette->foreground;
	}
}

static void
draw_texts(UbPinoutRender *self, cairo_t *cr, const UbPinoutPalette *palette)
{
	for (guint i = 0; i < self->texts->len; i++) {
		TextItem *item = g_ptr_array_index(self->texts, i);
		Role role = item->role;
		if (item->swatch_wire >= 0) {
			const UbWire *wire =
			        ub_wiring_plan_get_wire(self->plan, (guint)item->swatch_wire);
			gboolean lit =
			        ub_pinout_render_is_highlighted(self, (guint)item->swatch_wire);
			gboolean drawn =
			        ub_pinout_render_is_wire_drawn(self, (guint)item->swatch_wire);
			gdouble sy = item->y - item->size / 3;
			/* the stepper: wires still to come are listed, but quietly */
			if (!drawn)
				role = ROLE_DIM;
			if (lit) {
				rounded_rect(cr, MARGIN - 4, item->y - item->size - 2,
				             self->width - 2 * MARGIN + 8, item->size + 8, 3.0);
				source_colour(cr, &palette->highlight, 0.25);
				cairo_fill(cr);
			}
			cairo_move_to(cr, MARGIN + 2, sy);
			cairo_line_to(cr, MARGIN + SWATCH_WIDTH - 2, sy);
			stroke_wire(cr, wire, palette, drawn ? 1.0 : 0.3, WIRE_WIDTH);
		}
		source_colour(cr, role_colour(palette, role), 1.0);
		draw_text(cr, item->text, item->x, item->y, item->size, item->bold);
	}
}

/* the package from above: body, pin-1 dot, leads numbered outside, NRST lit and named */
static void
draw_chip(UbPinoutRender *self, cairo_t *cr, const UbPinoutPalette *palette)
{
	const Chip *chip = &self->chip;
	const UbPinoutColour ink = {0.92, 0.92, 0.92, 1.0}; /* the marking on the dark body */
	gdouble dot_x = chip->body_x + CHIP_INSET + 4;
	gdouble dot_y = chip->body_y + CHIP_INSET + 4;
	gdouble nrst_x = 0.0;
	gdouble nrst_y = 0.0;
	guint nrst_side = 0;
	cairo_text_extents_t extents;

	for (guint n = 1; n <= chip->n_pins; n++) {
		gdouble cx = 0.0;
		gdouble cy = 0.0;
		guint side = 0;
		gboolean vertical;
		gboolean nrst = n == chip->nrst;

		chip_lead(chip, n, &cx, &cy, &side);
		vertical = side == 1 || side == 3;
		cairo_rectangle(cr, cx - (vertical ? LEAD_WIDTH : LEAD_LENGTH) / 2,
		                cy - (vertical ? LEAD_LENGTH : LEAD_WIDTH) / 2,
		                vertical ? LEAD_WIDTH : LEAD_LENGTH,
		                vertical ? LEAD_LENGTH : LEAD_WIDTH);
		source_colour(cr, nrst ? &palette->highlight : &palette->pin, 1.0);
		cairo_fill(cr);
		if (nrst) {
			nrst_x = cx;
			nrst_y = cy;
			nrst_side = side;
		}
	}

	/* the body, its pin-1 dot and its marking */
	rounded_rect(cr, chip->body_x, chip->body_y, chip->body_size, chip->body_size, 3.0);
	source_colour(cr, &palette->header_body, 1.0);
	cairo_fill_preserve(cr);
	source_colour(cr, &palette->foreground, 0.5);
	cairo_set_line_width(cr, 1.0);
	cairo_stroke(cr);
	cairo_arc(cr, dot_x, dot_y, 5.0, 0, 2 * G_PI);
	source_colour(cr, &ink, 1.0);
	cairo_fill(cr);
	setup_font(cr, FONT_LABEL, TRUE);
	cairo_text_extents(cr, chip->part, &extents);
	draw_text(cr, chip->part, chip->body_x + (chip->body_size - extents.x_advance) / 2,
	          chip->body_y + chip->body_size / 2, FONT_LABEL, TRUE);
	setup_font(cr, FONT_CAPTION, FALSE);
	cairo_text_extents(cr, chip->package, &extents);
	draw_text(cr, chip->package, chip->body_x + (chip->body_size - extents.x_advance) / 2,
	          chip->body_y + chip->body_size / 2 + LINE, FONT_CAPTION, FALSE);

	/* counting: an arrow from the dot down the left edge to NRST */
	if (nrst_side == 0 && chip->nrst > 1) {
		gdouble ax = chip->body_x + 10;
		source_colour(cr, &palette->highlight, 1.0);
		cairo_set_line_width(cr, 2.0);
		cairo_move_to(cr, ax, dot_y + 8);
		cairo_line_to(cr, ax, nrst_y - 2);
		cairo_stroke(cr);
		cairo_move_to(cr, ax - 4, nrst_y - 7);
		cairo_line_to(cr, ax + 4, nrst_y - 7);
		cairo_line_to(cr, ax, nrst_y);
		cairo_close_path(cr);
		cairo_fill(cr);
	}

	/* every lead numbered outside, top and bottom ones turned to read upwards */
	for (guint n = 1; n <= chip->n_pins; n++) {
		g_autofree gchar *text = chip_number_text(chip, n);
		gboolean nrst = n == chip->nrst;
		gdouble size = FONT_CHIP_NUMBER;
		gdouble cx = 0.0;
		gdouble cy = 0.0;
		guint side = 0;
		gdouble out = LEAD_LENGTH / 2 + NUMBER_GAP;

		chip_lead(chip, n, &cx, &cy, &side);
		setup_font(cr, size, nrst);
		cairo_text_extents(cr, text, &extents);
		source_colour(cr, nrst ? &palette->foreground : &palette->dim, 1.0);
		cairo_save(cr);
		switch (side) {
		case 0:
			cairo_move_to(cr, cx - out - extents.x_advance, cy + size / 3);
			break;
		case 2:
			cairo_move_to(cr, cx + out, cy + size / 3);
			break;
		case 1:
			cairo_translate(cr, cx + size / 3, cy + out + extents.x_advance);
			cairo_rotate(cr, -G_PI / 2);
			cairo_move_to(cr, 0, 0);
			break;
		default:
			cairo_translate(cr, cx + size / 3, cy - out);
			cairo_rotate(cr, -G_PI / 2);
			cairo_move_to(cr, 0, 0);
			break;
		}
		cairo_show_text(cr, text);
		cairo_new_path(cr);
		cairo_restore(cr);
	}
	if (chip->nrst > 0 && chip->nrst <= chip->n_pins)
		ring(cr, nrst_x, nrst_y, LEAD_LENGTH / 2 + 4, &palette->highlight);
}

/* draws at the origin in logical units; the caller scales and translates */
void
ub_pinout_render_draw(UbPinoutRender *self, cairo_t *cr, const UbPinoutPalette *palette)
{
	g_return_if_fail(UB_IS_PINOUT_RENDER(self));
	g_return_if_fail(cr != NULL);
	g_return_if_fail(palette != NULL);

	cairo_save(cr);
	source_colour(cr, &palette->background, 1.0);
	cairo_rectangle(cr, 0, 0, self->width, self->height);
	cairo_fill(cr);
	if (self->drawing != UB_PINOUT_DRAWING_WIRING) {
		if (self->n_sides == 1) {
			draw_header(self, cr, 0, palette);
			draw_pins(self, cr, 0, palette);
			draw_labels(self, cr, 0, palette);
		}
		if (self->chip.n_pins > 0)
			draw_chip(self, cr, palette);
		draw_texts(self, cr, palette);
		cairo_restore(cr);
		return;
	}
	draw_header(self, cr, 0, palette);
	draw_header(self, cr, 1, palette);
	draw_wires(self, cr, palette);
	draw_pins(self, cr, 0, palette);
	draw_pins(self, cr, 1, palette);
	draw_pin_highlights(self, cr, palette);
	/* labels last: tags sit over the wires that pass beneath them */
	draw_labels(self, cr, 0, palette);
	draw_labels(self, cr, 1, palette);
	draw_texts(self, cr, palette);
	cairo_restore(cr);
}

static gboolean
check_cairo(cairo_status_t status, const gchar *filename, GError **error)
{
	if (status == CAIRO_STATUS_SUCCESS)
		return TRUE;
	g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s: %s", filename,
	            cairo_status_to_string(status));
	return FALSE;
}

/* @scale 2 gives a picture that stays sharp on HiDPI screens and in documentation */
gboolean
ub_pinout_render_write_png(UbPinoutRender *self, const UbPinoutPalette *palette, gdouble scale,
                           const gchar *filename, GError **error)
{
	cairo_surface_t *surface;
	cairo_t *cr;
	cairo_status_t status;

	g_return_val_if_fail(UB_IS_PINOUT_RENDER(self), FALSE);
	g_return_val_if_fail(palette != NULL, FALSE);
	g_return_val_if_fail(scale > 0.0, FALSE);
	g_return_val_if_fail(filename != NULL, FALSE);

	/* the drawing fills its background, so no alpha channel: smaller files */
	surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(self->width * scale),
	                                     (int)ceil(self->height * scale));
	cr = cairo_create(surface);
	cairo_scale(cr, scale, scale);
	ub_pinout_render_draw(self, cr, palette);
	status = cairo_status(cr);
	cairo_destroy(cr);
	if (status == CAIRO_STATUS_SUCCESS)
		status = cairo_surface_write_to_png(surface, filename);
	cairo_surface_destroy(surface);
	return check_cairo(status, filename, error);
}

gboolean
ub_pinout_render_write_svg(UbPinoutRender *self, const UbPinoutPalette *palette,
                           const gchar *filename, GError **error)
{
	cairo_surface_t *surface;
	cairo_t *cr;
	cairo_status_t status;

	g_return_val_if_fail(UB_IS_PINOUT_RENDER(self), FALSE);
	g_return_val_if_fail(palette != NULL, FALSE);
	g_return_val_if_fail(filename != NULL, FALSE);

	surface = cairo_svg_surface_create(filename, self->width, self->height);
	cr = cairo_create(surface);
	ub_pinout_render_draw(self, cr, palette);
	status = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(surface);
	if (status == CAIRO_STATUS_SUCCESS)
		status = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	return check_cairo(status, filename, error);
}
