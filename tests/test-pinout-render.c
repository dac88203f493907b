/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "ub-board-db.h"
#include "ub-pinout-render.h"
#include "ub-probe-db.h"

typedef struct {
	UbBoardDb *boards;
	UbProbeDb *probes;
} Fixture;

static void
fixture_setup(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	fixture->boards = ub_board_db_new();
	fixture->probes = ub_probe_db_new();
	g_assert_true(ub_board_db_load(fixture->boards, &error));
	g_assert_true(ub_probe_db_load(fixture->probes, &error));
}

static void
fixture_teardown(Fixture *fixture, gconstpointer user_data)
{
	g_object_unref(fixture->boards);
	g_object_unref(fixture->probes);
}

static gboolean
boxes_overlap(gdouble ax, gdouble ay, gdouble aw, gdouble ah, gdouble bx, gdouble by, gdouble bw,
              gdouble bh)
{
	return ax < bx + bw && bx < ax + aw && ay < by + bh && by < ay + ah;
}

static void
assert_inside(gdouble x, gdouble y, gdouble w, gdouble h, gdouble width, gdouble height)
{
	g_assert_cmpfloat(x, >=, 0.0);
	g_assert_cmpfloat(y, >=, 0.0);
	g_assert_cmpfloat(x + w, <=, width);
	g_assert_cmpfloat(y + h, <=, height);
}

static const UbPinoutPinBox *
find_pin(GArray *pins, gboolean on_probe, guint number)
{
	for (guint i = 0; i < pins->len; i++) {
		const UbPinoutPinBox *box = &g_array_index(pins, UbPinoutPinBox, i);
		if (box->on_probe == on_probe && box->number == number)
			return box;
	}
	return NULL;
}

/* every pair: pins and labels on the canvas, nothing on top of a pin, wires end on pins */
static void
test_layout_all_pairs(Fixture *fixture, gconstpointer user_data)
{
	GPtrArray *boards = ub_board_db_get_all(fixture->boards);
	GPtrArray *probes = ub_probe_db_get_all(fixture->probes);

	for (guint b = 0; b < boards->len; b++) {
		for (guint p = 0; p < probes->len; p++) {
			UbBoard *board = g_ptr_array_index(boards, b);
			UbProbeModel *probe = g_ptr_array_index(probes, p);
			g_autoptr(UbWiringPlan) plan = ub_wiring_plan_new(board, probe);
			g_autoptr(UbPinoutRender) render = ub_pinout_render_new(plan, TRUE);
			GArray *pins = ub_pinout_render_get_pins(render);
			GArray *labels = ub_pinout_render_get_labels(render);
			GArray *wires = ub_pinout_render_get_wires(render);
			gdouble width = 0.0;
			gdouble height = 0.0;

			ub_pinout_render_get_size(render, &width, &height);
			g_test_message("%s + %s: %.0f x %.0f", ub_board_get_id(board),
			               ub_probe_model_get_id(probe), width, height);
			g_assert_cmpuint(
			        pins->len, ==,
			        ub_pin_header_get_n_pins(ub_board_get_header(board)) +
			                ub_pin_header_get_n_pins(ub_probe_model_get_header(probe)));
			g_assert_cmpuint(labels->len, ==, pins->len);
			for (guint i = 0; i < pins->len; i++) {
				const UbPinoutPinBox *a = &g_array_index(pins, UbPinoutPinBox, i);
				const UbPinoutTextBox *label =
				        &g_array_index(labels, UbPinoutTextBox, i);
				assert_inside(a->x, a->y, a->size, a->size, width, height);
				assert_inside(label->x, label->y, label->width, label->height,
				              width, height);
				for (guint j = 0; j < pins->len; j++) {
					const UbPinoutPinBox *c =
					        &g_array_index(pins, UbPinoutPinBox, j);
					const UbPinoutTextBox *other =
					        &g_array_index(labels, UbPinoutTextBox, j);
					if (j != i)
						g_assert_false(boxes_overlap(a->x, a->y, a->size,
						                             a->size, c->x, c->y,
						                             c->size, c->size));
					if (j != i)
						g_assert_false(boxes_overlap(
						        label->x, label->y, label->width,
						        label->height, other->x, other->y,
						        other->width, other->height));
					/* no label covers any pin */
					g_assert_false(boxes_overlap(label->x, label->y,
					                             label->width, label->height,
					                             c->x, c->y, c->size, c->size));
				}
			}
			g_assert_cmpuint(wires->len, ==, ub_wiring_plan_get_n_wires(plan));
			for (guint i = 0; i < wires->len; i++) {
				const UbPinoutWirePath *path =
				        &g_array_index(wires, UbPinoutWirePath, i);
				const UbWire *wire =
				        ub_wiring_plan_get_wire(plan, path->wire_index);
				const UbPinoutPinBox *from = find_pin(pins, TRUE, wire->probe_pin);
				const UbPinoutPinBox *to = find_pin(pins, FALSE, wire->board_pin);
				g_assert_nonnull(from);
				g_assert_nonnull(to);
				g_assert_cmpfloat(fabs(path->x0 - (from->x + from->size / 2)), <,
				                  0.01);
				g_assert_cmpfloat(fabs(path->y0 - (from->y + from->size / 2)), <,
				                  0.01);
				g_assert_cmpfloat(fabs(path->x1 - (to->x + to->size / 2)), <, 0.01);
				g_assert_cmpfloat(fabs(path->y1 - (to->y + to->size / 2)), <, 0.01);
				/* probe on the left, board on the right */
				g_assert_cmpfloat(path->x0, <, path->x1);
			}
		}
	}
}

static UbPinoutRender *
render_for(Fixture *fixture, const gchar *board_id, const gchar *probe_id)
{
	g_autoptr(UbWiringPlan) plan =
	        ub_wiring_plan_new(ub_board_db_lookup(fixture->boards, board_id),
	                           ub_probe_db_lookup(fixture->probes, probe_id));
	return ub_pinout_render_new(plan, TRUE);
}

static void
pixel_at(cairo_surface_t *surface, gdouble x, gdouble y, guint8 rgb[3])
{
	guint8 *data = cairo_image_surface_get_data(surface);
	gint stride = cairo_image_surface_get_stride(surface);
	guint32 argb = *(guint32 *)(data + (gint)y * stride + (gint)x * 4);

	rgb[0] = (argb >> 16) & 0xff;
	rgb[1] = (argb >> 8) & 0xff;
	rgb[2] = argb & 0xff;
}

/* the PNG has the laid-out size times the scale, and each wire's colour is where it lands */
static void
test_png_export(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbPinoutRender) render = render_for(fixture, "vesc-4.12", "stlink-v2");
	g_autofree gchar *dir = g_dir_make_tmp("ub-pinout-XXXXXX", NULL);
	g_autofree gchar *png = g_build_filename(dir, "out.png", NULL);
	g_autofree gchar *svg = g_build_filename(dir, "out.svg", NULL);
	g_autofree gchar *svg_text = NULL;
	g_autoptr(GError) error = NULL;
	UbPinoutPalette palette;
	cairo_surface_t *surface;
	GArray *wires = ub_pinout_render_get_wires(render);
	UbWiringPlan *plan = ub_pinout_render_get_plan(render);
	gdouble width = 0.0;
	gdouble height = 0.0;
	const gdouble scale = 2.0;
	guint8 rgb[3];

	ub_pinout_palette_init_light(&palette);
	ub_pinout_render_get_size(render, &width, &height);
	g_assert_true(ub_pinout_render_write_png(render, &palette, scale, png, &error));
	g_assert_no_error(error);
	surface = cairo_image_surface_create_from_png(png);
	g_assert_cmpint(cairo_surface_status(surface), ==, CAIRO_STATUS_SUCCESS);
	g_assert_cmpint(cairo_image_surface_get_width(surface), ==, (gint)ceil(width * scale));
	g_assert_cmpint(cairo_image_surface_get_height(surface), ==, (gint)ceil(height * scale));
	cairo_surface_flush(surface);
	pixel_at(surface, 2, 2, rgb);
	g_assert_cmpuint(rgb[0], ==, 255); /* light background */
	/* the ring just above each board pin has the wire's colour */
	for (guint i = 0; i < wires->len; i++) {
		const UbPinoutWirePath *path = &g_array_index(wires, UbPinoutWirePath, i);
		const UbWire *wire = ub_wiring_plan_get_wire(plan, path->wire_index);
		UbPinoutColour colour;
		ub_pinout_colour_from_name(wire->colour, &colour);
		pixel_at(surface, path->x1 * scale, (path->y1 - 11.5) * scale, rgb);
		g_test_message("%s: %u %u %u", wire->colour, rgb[0], rgb[1], rgb[2]);
		g_assert_cmpint(abs(rgb[0] - (gint)(colour.red * 255)), <, 40);
		g_assert_cmpint(abs(rgb[1] - (gint)(colour.green * 255)), <, 40);
		g_assert_cmpint(abs(rgb[2] - (gint)(colour.blue * 255)), <, 40);
	}
	cairo_surface_destroy(surface);

	g_assert_true(ub_pinout_render_write_svg(render, &palette, svg, &error));
	g_assert_true(g_file_get_contents(svg, &svg_text, NULL, &error));
	g_assert_nonnull(strstr(svg_text, "<svg"));

	/* an unwritable place is an error, not a crash */
	g_assert_false(ub_pinout_render_write_png(render, &palette, 1.0, "/nonexistent/dir/out.png",
	                                          &error));
	g_assert_nonnull(error);

	g_assert_cmpint(g_unlink(png), ==, 0);
	g_assert_cmpint(g_unlink(svg), ==, 0);
	g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static void
test_highlight(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbPinoutRender) render = render_for(fixture, "focbox", "stlink-v2-clone-a");
	UbWiringPlan *plan = ub_pinout_render_get_plan(render);
	const UbSignal swapped[] = {UB_SIGNAL_SWDIO, UB_SIGNAL_SWCLK, UB_SIGNAL_NONE};
	guint lit = 0;

	ub_pinout_render_set_highlight(render, swapped);
	for (guint i = 0; i < ub_wiring_plan_get_n_wires(plan); i++) {
		const UbWire *wire = ub_wiring_plan_get_wire(plan, i);
		gboolean expected = wire->probe_signal == UB_SIGNAL_SWDIO ||
		                    wire->probe_signal == UB_SIGNAL_SWCLK;
		g_assert_cmpint(ub_pinout_render_is_highlighted(render, i), ==, expected);
		lit += expected;
	}
	g_assert_cmpuint(lit, ==, 2);
	ub_pinout_render_set_highlight(render, NULL);
	for (guint i = 0; i < ub_wiring_plan_get_n_wires(plan); i++)
		g_assert_false(ub_pinout_render_is_highlighted(render, i));
}

/* the dark palette really changes the picture (a theme-blind renderer would not) */
static void
test_dark_palette(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbPinoutRender) render = render_for(fixture, "vesc-6", "nucleo-stlink-v2-1");
	UbPinoutPalette palette;
	cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 64, 64);
	cairo_t *cr = cairo_create(surface);
	guint8 rgb[3];

	ub_pinout_palette_init_dark(&palette);
	ub_pinout_render_draw(render, cr, &palette);
	cairo_surface_flush(surface);
	pixel_at(surface, 2, 2, rgb);
	g_assert_cmpuint(rgb[0], <, 80);
	cairo_destroy(cr);
	cairo_surface_destroy(surface);
}

static const UbPinoutPinBox *
find_chip_pin(GArray *pins, guint number)
{
	for (guint i = 0; i < pins->len; i++) {
		const UbPinoutPinBox *box = &g_array_index(pins, UbPinoutPinBox, i);
		if (box->on_chip && box->number == number)
			return box;
	}
	return NULL;
}

/* every board has its NRST drawing: the package with all its pins numbered anticlockwise from
 * pin 1 at the top of the left edge, NRST marked there and on the debug header */
static void
test_nrst_every_board(Fixture *fixture, gconstpointer user_data)
{
	GPtrArray *boards = ub_board_db_get_all(fixture->boards);
	g_autofree gchar *dir = g_dir_make_tmp("ub-nrst-XXXXXX", NULL);

	g_assert_cmpuint(boards->len, >, 0);
	for (guint b = 0; b < boards->len; b++) {
		UbBoard *board = g_ptr_array_index(boards, b);
		g_autoptr(UbPinoutRender) render = ub_pinout_render_new_nrst(board, TRUE);
		GArray *pins = ub_pinout_render_get_pins(render);
		guint n_chip = g_str_equal(ub_board_get_mcu_package(board), "LQFP100") ? 100 : 64;
		guint per_side = n_chip / 4;
		guint header_pin = ub_board_get_nrst_header_pin(board);
		guint marked_chip = 0;
		guint marked_header = 0;
		g_autofree gchar *text = ub_pinout_render_get_description(render);
		g_autofree gchar *needle = g_strdup_printf(
		        "pin %u,", ub_board_get_nrst_mcu_pin(board));
		g_autofree gchar *png = g_build_filename(dir, "nrst.png", NULL);
		g_autoptr(GError) error = NULL;
		UbPinoutPalette palette;
		gdouble width = 0.0;
		gdouble height = 0.0;

		g_test_message("%s: %s", ub_board_get_id(board), text);
		g_assert_cmpint(ub_pinout_render_get_drawing(render), ==, UB_PINOUT_DRAWING_NRST);
		ub_pinout_render_get_size(render, &width, &height);
		for (guint i = 0; i < pins->len; i++) {
			const UbPinoutPinBox *box = &g_array_index(pins, UbPinoutPinBox, i);
			assert_inside(box->x, box->y, box->size, box->size, width, height);
			if (!ub_pinout_render_is_pin_marked(render, box))
				continue;
			if (box->on_chip) {
				g_assert_cmpuint(box->number, ==, ub_board_get_nrst_mcu_pin(board));
				marked_chip++;
			} else {
				g_assert_cmpuint(box->number, ==, header_pin);
				marked_header++;
			}
		}
		g_assert_cmpuint(marked_chip, ==, 1);
		g_assert_cmpuint(marked_header, ==, header_pin != 0 ? 1 : 0);
		/* anticlockwise seen from above: down the left edge, along the bottom to the
		 * right, up the right edge, back along the top to the left */
		for (guint n = 1; n < n_chip; n++) {
			const UbPinoutPinBox *a = find_chip_pin(pins, n);
			const UbPinoutPinBox *c = find_chip_pin(pins, n + 1);
			guint edge = (n - 1) / per_side;
			g_assert_nonnull(a);
			g_assert_nonnull(c);
			if (n % per_side == 0)
				continue; /* a corner */
			switch (edge) {
			case 0:
				g_assert_cmpfloat(c->y, >, a->y);
				g_assert_cmpfloat(c->x, ==, a->x);
				break;
			case 1:
				g_assert_cmpfloat(c->x, >, a->x);
				g_assert_cmpfloat(c->y, ==, a->y);
				break;
			case 2:
				g_assert_cmpfloat(c->y, <, a->y);
				g_assert_cmpfloat(c->x, ==, a->x);
				break;
			default:
				g_assert_cmpfloat(c->x, <, a->x);
				g_assert_cmpfloat(c->y, ==, a->y);
				break;
			}
		}
		g_assert_null(find_chip_pin(pins, n_chip + 1));
		/* pin 1 is the top of the left edge: above and left of every other lead */
		for (guint n = 2; n <= n_chip; n++)
			g_assert_true(find_chip_pin(pins, n)->x > find_chip_pin(pins, 1)->x ||
			              find_chip_pin(pins, n)->y > find_chip_pin(pins, 1)->y);
		g_assert_nonnull(strstr(text, needle));
		ub_pinout_palette_init_light(&palette);
		g_assert_true(ub_pinout_render_write_png(render, &palette, 1.0, png, &error));
		g_assert_no_error(error);
		g_assert_cmpint(g_unlink(png), ==, 0);
	}
	g_assert_cmpint(g_rmdir(dir), ==, 0);
}

/* a header on its own carries the labels printed next to its pins, row 1's on its left and the
 * second row's on its right, as on the probes' shells */
static void
test_header_alone(Fixture *fixture, gconstpointer user_data)
{
	GPtrArray *probes = ub_probe_db_get_all(fixture->probes);
	GPtrArray *boards = ub_board_db_get_all(fixture->boards);

	for (guint i = 0; i < probes->len + boards->len; i++) {
		gboolean is_probe = i < probes->len;
		UbPinHeader *header =
		        is_probe ? ub_probe_model_get_header(g_ptr_array_index(probes, i))
		                 : ub_board_get_header(g_ptr_array_index(boards, i - probes->len));
		g_autoptr(UbPinoutRender) render =
		        ub_pinout_render_new_header(header, is_probe, is_probe ? "Probe" : NULL);
		GArray *pins = ub_pinout_render_get_pins(render);
		GArray *labels = ub_pinout_render_get_labels(render);
		g_autofree gchar *text = ub_pinout_render_get_description(render);
		gdouble width = 0.0;
		gdouble height = 0.0;

		ub_pinout_render_get_size(render, &width, &height);
		g_assert_cmpint(ub_pinout_render_get_drawing(render), ==, UB_PINOUT_DRAWING_HEADER);
		g_assert_cmpuint(pins->len, ==, ub_pin_header_get_n_pins(header));
		g_assert_cmpuint(labels->len, ==, pins->len);
		for (guint p = 0; p < pins->len; p++) {
			const UbPinoutPinBox *pin = &g_array_index(pins, UbPinoutPinBox, p);
			const UbPinoutTextBox *label = &g_array_index(labels, UbPinoutTextBox, p);
			guint row = 0;
			guint column = 0;

			g_assert_cmpint(pin->on_probe, ==, is_probe);
			g_assert_false(ub_pinout_render_is_pin_marked(render, pin));
			assert_inside(pin->x, pin->y, pin->size, pin->size, width, height);
			assert_inside(label->x, label->y, label->width, label->height, width, height);
			ub_pin_header_get_position(header, pin->number, &row, &column);
			if (ub_pin_header_get_rows(header) == 2 && row == 0)
				g_assert_cmpfloat(label->x + label->width, <, pin->x);
			else
				g_assert_cmpfloat(label->x, >, pin->x + pin->size);
			for (guint q = 0; q < pins->len; q++)
				g_assert_false(boxes_overlap(
				        label->x, label->y, label->width, label->height,
				        g_array_index(pins, UbPinoutPinBox, q).x,
				        g_array_index(pins, UbPinoutPinBox, q).y, pin->size,
				        pin->size));
		}
		g_assert_nonnull(strstr(text, "Pin 1: "));
	}
}

/* the stepper: the wire to connect now is lit, the ones before it stay, the rest are not drawn
 * yet (their board pins show no wire colour) */
static void
test_focus(Fixture *fixture, gconstpointer user_data)
{
	g_autoptr(UbPinoutRender) render = render_for(fixture, "focbox", "stlink-v2-clone-a");
	UbWiringPlan *plan = ub_pinout_render_get_plan(render);
	guint n_wires = ub_wiring_plan_get_n_wires(plan);
	GArray *wires = ub_pinout_render_get_wires(render);
	UbPinoutPalette palette;
	cairo_surface_t *surface;
	cairo_t *cr;
	gdouble width = 0.0;
	gdouble height = 0.0;

	g_assert_cmpuint(n_wires, >=, 3);
	g_assert_cmpint(ub_pinout_render_get_focus(render), ==, -1);
	ub_pinout_render_set_focus(render, 1);
	for (guint i = 0; i < n_wires; i++) {
		g_assert_cmpint(ub_pinout_render_is_highlighted(render, i), ==, i == 1);
		g_assert_cmpint(ub_pinout_render_is_wire_drawn(render, i), ==, i <= 1);
	}
	ub_pinout_palette_init_light(&palette);
	ub_pinout_render_get_size(render, &width, &height);
	surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (gint)ceil(width),
	                                     (gint)ceil(height));
	cr = cairo_create(surface);
	ub_pinout_render_draw(render, cr, &palette);
	cairo_destroy(cr);
	cairo_surface_flush(surface);
	for (guint i = 0; i < wires->len; i++) {
		const UbPinoutWirePath *path = &g_array_index(wires, UbPinoutWirePath, i);
		const UbWire *wire = ub_wiring_plan_get_wire(plan, path->wire_index);
		UbPinoutColour colour;
		guint8 rgb[3];
		gboolean matches;

		ub_pinout_colour_from_name(wire->colour, &colour);
		pixel_at(surface, path->x1, path->y1 - 11.5, rgb);
		matches = abs(rgb[0] - (gint)(colour.red * 255)) < 40 &&
		          abs(rgb[1] - (gint)(colour.green * 255)) < 40 &&
		          abs(rgb[2] - (gint)(colour.blue * 255)) < 40;
		g_test_message("wire %u %s: %u %u %u", i, wire->colour, rgb[0], rgb[1], rgb[2]);
		/* the lit wire in its own colour; later ones not there at all */
		if (path->wire_index == 1)
			g_assert_true(matches);
		else if (path->wire_index > 1)
			g_assert_false(matches);
	}
	cairo_surface_destroy(surface);
	ub_pinout_render_set_focus(render, -1);
	for (guint i = 0; i < n_wires; i++)
		g_assert_true(ub_pinout_render_is_wire_drawn(render, i));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/core/pinout-render/layout-all-pairs", Fixture, NULL, fixture_setup,
	           test_layout_all_pairs, fixture_teardown);
	g_test_add("/core/pinout-render/png-export", Fixture, NULL, fixture_setup, test_png_export,
	           fixture_teardown);
	g_test_add("/core/pinout-render/highlight", Fixture, NULL, fixture_setup, test_highlight,
	           fixture_teardown);
	g_test_add("/core/pinout-render/dark-palette", Fixture, NULL, fixture_setup,
	           test_dark_palette, fixture_teardown);
	g_test_add("/core/pinout-render/nrst-every-board", Fixture, NULL, fixture_setup,
	           test_nrst_every_board, fixture_teardown);
	g_test_add("/core/pinout-render/header-alone", Fixture, NULL, fixture_setup,
	           test_header_alone, fixture_teardown);
	g_test_add("/core/pinout-render/focus", Fixture, NULL, fixture_setup, test_focus,
	           fixture_teardown);
	return g_test_run();
}
