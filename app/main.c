/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unbrick: the GTK wizard. Parses the command line, creates the one window of the single
 * application instance and, for the screenshot script, renders a page to a PNG file.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ub-sim-board.h"
#include "ub-tour.h"
#include "ub-ui.h"
#include "ub-window-private.h"

#define UB_DEFAULT_DEMO_BOARD "focbox-bricked"
/* the client-side decorations' frame around the window on an X server without compositing */
#define UB_SCREENSHOT_BORDER 10

typedef struct {
	char *page;
	char *file;
	UbWindow *window;
	guint timeout_id;
} UbScreenshot;

static const GOptionEntry option_entries[] = {
    {"demo", 'd', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
     N_("Run against a simulated board instead of real hardware"), NULL},
    {"screenshot-page", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL,
     "Show this page and save a screenshot of the window (for tools/screenshots.sh)", "NAME"},
    {"screenshot-file", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, NULL,
     "PNG file for --screenshot-page", "FILE"},
    {"screenshot-size", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL,
     "With --screenshot-page: the whole window's size on screen, e.g. 1366x768 (default: the "
     "window's default size)",
     "WxH"},
    {"bench-startup", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, NULL,
     "Print the milliseconds from T0 (CLOCK_MONOTONIC, µs) to the first painted frame and quit",
     "T0"},
    {"bench-flash-stall", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, NULL,
     "With --demo: walk to the end and print the longest main-loop stall during the flash",
     NULL},
    {"version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL, N_("Show the version and quit"),
     NULL},
    {G_OPTION_REMAINING, 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING_ARRAY, NULL, NULL,
     N_("[BOARD]")},
    {NULL},
};

/* bench/ui-startup.c: the first frame has been painted once the frame clock says so */
static void
ub_bench_after_paint_cb(GdkFrameClock *clock, gpointer user_data)
{
	GtkWindow *window = GTK_WINDOW(user_data);
	gint64 t0 = GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(window), "ub-bench-t0"));

	g_signal_handlers_disconnect_by_func(clock, ub_bench_after_paint_cb, user_data);
	g_print("%.3f\n", (gdouble)(g_get_monotonic_time() - t0) / 1000.0);
	g_application_quit(G_APPLICATION(gtk_window_get_application(window)));
}

static void
ub_bench_realize_cb(GtkWidget *widget, gpointer user_data)
{
	g_signal_connect_after(gtk_widget_get_frame_clock(widget), "after-paint",
			       G_CALLBACK(ub_bench_after_paint_cb), widget);
}

/* the main loop is probed every UB_STALL_TICK_MS; a late tick is a stall the person would see
 * as a frozen window */
#define UB_STALL_TICK_MS 2
/* issue 16: no stall the person could see */
#define UB_STALL_TARGET_MS 10

typedef struct {
	UbWindow *window;
	GdkFrameClock *frame_clock;
	gint64 last_us;
	gint64 longest_us;
	guint ticks;
	guint tick_id;
	/* the last frame the clock drew: when it began and ended and what its phases cost. A
	 * phase is timed from the end of the one before to its own end: our handlers run after
	 * GTK's (connected after), and GDK connects its paint handler before any of ours */
	gint64 frame_begin_us;
	gint64 phase_end_us;
	gint64 frame_end_us;
	gint64 frame_update_us;
	gint64 frame_layout_us;
	gint64 frame_paint_us;
	gint64 first_frame_end_us;
	gint64 startup_longest_us;
	gint64 flash_longest_us; /* while the Flash page shows the flash running */
	char *longest_where;
	/* every stall over the target after the first frame: how long, where, the main
	 * thread's own part */
	GPtrArray *over_target;
	/* the main thread's own CPU time: a late tick on a loaded machine may be the scheduler
	 * running someone else, not our callbacks */
	gint64 last_cpu_us;
	gint64 longest_busy_us;
} UbStallMeter;

static gint64
ub_stall_thread_cpu_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
ub_stall_before_paint_cb(GdkFrameClock *clock, UbStallMeter *meter)
{
	meter->frame_begin_us = g_get_monotonic_time();
	meter->phase_end_us = meter->frame_begin_us;
	meter->frame_update_us = 0;
	meter->frame_layout_us = 0;
	meter->frame_paint_us = 0;
}

/* the time since the end of the phase before, which is this phase's */
static gint64
ub_stall_phase_done(UbStallMeter *meter)
{
	gint64 now = g_get_monotonic_time();
	gint64 took = now - meter->phase_end_us;

	meter->phase_end_us = now;
	return took;
}

static void
ub_stall_update_done_cb(GdkFrameClock *clock, UbStallMeter *meter)
{
	meter->frame_update_us = ub_stall_phase_done(meter);
}

static void
ub_stall_layout_done_cb(GdkFrameClock *clock, UbStallMeter *meter)
{
	meter->frame_layout_us = ub_stall_phase_done(meter);
}

static void
ub_stall_paint_done_cb(GdkFrameClock *clock, UbStallMeter *meter)
{
	meter->frame_paint_us = ub_stall_phase_done(meter);
}

static void
ub_stall_after_paint_cb(GdkFrameClock *clock, UbStallMeter *meter)
{
	meter->frame_end_us = g_get_monotonic_time();
	if (meter->first_frame_end_us == 0)
		meter->first_frame_end_us = meter->frame_end_us;
}

/* which callback a stall that just ended was: GLib does not say which source it dispatched,
 * but GTK's frame clock announces its phases, so a stall that a frame fills is named by
 * its layout and paint times; anything else ran outside the frame clock (a signal handler
 * of the progress, the job's callback, a page change) */
static char *
ub_stall_where(UbStallMeter *meter, gint64 stall_us)
{
	const char *page = ub_window_get_page_name(meter->window);
	gint64 frame_us = meter->frame_end_us - meter->frame_begin_us;

	if (meter->frame_end_us > meter->last_us && frame_us * 2 >= stall_us)
		return g_strdup_printf("GTK frame clock on page '%s' (update %.1f ms, layout "
				       "%.1f ms, paint %.1f ms)",
				       page, meter->frame_update_us / 1000.0,
				       meter->frame_layout_us / 1000.0,
				       meter->frame_paint_us / 1000.0);
	return g_strdup_printf("a main-loop callback outside the frame clock on page '%s'",
			       page);
}

static gboolean
ub_stall_tick_cb(gpointer user_data)
{
	UbStallMeter *meter = user_data;
	gint64 now = g_get_monotonic_time();
	gint64 cpu = ub_stall_thread_cpu_us();
	gboolean after_first;

	if (meter->frame_clock == NULL &&
	    gtk_widget_get_realized(GTK_WIDGET(meter->window))) {
		meter->frame_clock = gtk_widget_get_frame_clock(GTK_WIDGET(meter->window));
		g_signal_connect(meter->frame_clock, "before-paint",
				 G_CALLBACK(ub_stall_before_paint_cb), meter);
		g_signal_connect_after(meter->frame_clock, "update",
				       G_CALLBACK(ub_stall_update_done_cb), meter);
		g_signal_connect_after(meter->frame_clock, "layout",
				       G_CALLBACK(ub_stall_layout_done_cb), meter);
		g_signal_connect_after(meter->frame_clock, "paint",
				       G_CALLBACK(ub_stall_paint_done_cb), meter);
		g_signal_connect_after(meter->frame_clock, "after-paint",
				       G_CALLBACK(ub_stall_after_paint_cb), meter);
	}
	/* until the first frame is drawn the window is not there to freeze: that is start-up
	 * (bench ui-startup), counted apart */
	after_first = meter->first_frame_end_us != 0 && meter->last_us >= meter->first_frame_end_us;
	if (meter->last_us != 0) {
		gint64 stall = now - meter->last_us - UB_STALL_TICK_MS * 1000;

		if (!after_first)
			meter->startup_longest_us = MAX(meter->startup_longest_us, stall);
		else if (g_strcmp0(ub_window_get_page_name(meter->window), "flash") == 0)
			meter->flash_longest_us = MAX(meter->flash_longest_us, stall);
		if (after_first && stall > UB_STALL_TARGET_MS * 1000) {
			g_autofree char *where = ub_stall_where(meter, stall);
			g_ptr_array_add(meter->over_target,
					g_strdup_printf("%5.1f ms (own work %.1f ms): %s",
							stall / 1000.0,
							(cpu - meter->last_cpu_us) / 1000.0, where));
		}
		if (after_first && stall > meter->longest_us) {
			meter->longest_us = stall;
			g_free(meter->longest_where);
			meter->longest_where = ub_stall_where(meter, stall);
		}
	}
	if (meter->last_cpu_us != 0 && after_first)
		meter->longest_busy_us = MAX(meter->longest_busy_us, cpu - meter->last_cpu_us);
	meter->last_us = now;
	meter->last_cpu_us = cpu;
	meter->ticks++;
	return G_SOURCE_CONTINUE;
}

static void
ub_stall_tour_done_cb(UbWindow *window, gboolean reached, gpointer user_data)
{
	UbStallMeter *meter = user_data;

	g_source_remove(meter->tick_id);
	if (meter->frame_clock != NULL)
		g_signal_handlers_disconnect_by_data(meter->frame_clock, meter);
	if (!reached) {
		g_printerr("unbrick: the demo did not reach the end of the flash\n");
	} else {
		g_autofree char *status = NULL;
		const char *rss = NULL;

		g_print("longest main-loop stall during the demo: %.1f ms (%u ticks of %u ms; "
			"before the first frame %.1f ms)\n",
			meter->longest_us / 1000.0, meter->ticks, (guint)UB_STALL_TICK_MS,
			meter->startup_longest_us / 1000.0);
		g_print("  in: %s\n",
			meter->longest_where != NULL ? meter->longest_where : "(none)");
		g_print("longest time the main thread itself worked between two ticks: %.1f ms "
			"(the rest of a longer stall, the machine ran something else)\n",
			meter->longest_busy_us / 1000.0);
		g_print("stalls over %u ms after the first frame: %u\n", (guint)UB_STALL_TARGET_MS,
			meter->over_target->len);
		for (guint i = 0; i < meter->over_target->len; i++)
			g_print("  %s\n", (const char *)g_ptr_array_index(meter->over_target, i));
		g_print("longest stall on the Flash page (the flash itself): %.1f ms\n",
			meter->flash_longest_us / 1000.0);
		/* the resident memory after the flash, as the kernel counts it */
		if (g_file_get_contents("/proc/self/status", &status, NULL, NULL))
			rss = strstr(status, "VmRSS:");
		if (rss != NULL)
			g_print("resident memory after the flash: %.1f MB\n",
				g_ascii_strtod(rss + strlen("VmRSS:"), NULL) / 1024.0);
	}
	g_free(meter->longest_where);
	g_ptr_array_unref(meter->over_target);
	g_free(meter);
	g_application_quit(G_APPLICATION(gtk_window_get_application(GTK_WINDOW(window))));
}

/* the whole window, decorations included, @width x @height on screen */
static void
ub_screenshot_resize(GtkWindow *window, guint width, guint height)
{
	GtkRequisition natural;

	/* the header bar is outside the window's size; the border is a few pixels */
	gtk_widget_get_preferred_size(gtk_window_get_titlebar(window), NULL, &natural);
	gtk_window_resize(window, (gint)width - UB_SCREENSHOT_BORDER,
			  (gint)height - natural.height - UB_SCREENSHOT_BORDER);
}

static gboolean
ub_screenshot_save(UbScreenshot *shot, GError **error)
{
	GtkWidget *widget = GTK_WIDGET(shot->window);
	gint width = gtk_widget_get_allocated_width(widget);
	gint height = gtk_widget_get_allocated_height(widget);
	cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
	cairo_t *cr = cairo_create(surface);
	cairo_status_t status;

	gtk_widget_draw(widget, cr);
	cairo_destroy(cr);
	status = cairo_surface_write_to_png(surface, shot->file);
	cairo_surface_destroy(surface);
	if (status != CAIRO_STATUS_SUCCESS) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s: %s", shot->file,
			    cairo_status_to_string(status));
		return FALSE;
	}
	return TRUE;
}

/* after a frame has been painted the layout is settled: a page still changing (a progress
 * bar) may have asked for a new allocation since the timeout was set */
static void
ub_screenshot_after_paint_cb(GdkFrameClock *clock, gpointer user_data)
{
	UbScreenshot *shot = user_data;
	GApplication *application = G_APPLICATION(gtk_window_get_application(GTK_WINDOW(shot->window)));
	g_autoptr(GError) error = NULL;

	g_signal_handlers_disconnect_by_func(clock, ub_screenshot_after_paint_cb, user_data);
	if (!ub_screenshot_save(shot, &error)) {
		g_printerr("unbrick: %s\n", error->message);
		g_application_set_default(NULL);
		exit(1);
	}
	g_application_quit(application);
}

static gboolean
ub_screenshot_timeout_cb(gpointer user_data)
{
	UbScreenshot *shot = user_data;
	GtkWidget *widget = GTK_WIDGET(shot->window);

	shot->timeout_id = 0;
	g_signal_connect(gtk_widget_get_frame_clock(widget), "after-paint",
			 G_CALLBACK(ub_screenshot_after_paint_cb), shot);
	gtk_widget_queue_draw(widget);
	return G_SOURCE_REMOVE;
}

static void
ub_screenshot_tour_done_cb(UbWindow *window, gboolean reached, gpointer user_data)
{
	UbScreenshot *shot = user_data;

	if (!reached)
		g_printerr("unbrick: the demo did not reach the page %s\n", shot->page);
	/* let the last change settle into a frame */
	shot->timeout_id = g_timeout_add(600, ub_screenshot_timeout_cb, shot);
}

static void
ub_screenshot_free(UbScreenshot *shot)
{
	if (shot->timeout_id != 0)
		g_source_remove(shot->timeout_id);
	g_free(shot->page);
	g_free(shot->file);
	g_free(shot);
}

/* where the demo keeps what a job writes, unless the environment says */
static void
ub_main_demo_dir(const char *variable, const char *name)
{
	g_autofree char *dir = NULL;

	if (g_getenv(variable) != NULL)
		return;
	dir = g_build_filename(g_get_user_cache_dir(), "unbrick", "demo", name, NULL);
	g_setenv(variable, dir, TRUE);
}

static gint
ub_command_line_cb(GApplication *application, GApplicationCommandLine *command_line,
		   gpointer user_data)
{
	GVariantDict *options = g_application_command_line_get_options_dict(command_line);
	GtkWindow *window = gtk_application_get_active_window(GTK_APPLICATION(application));
	gboolean demo = FALSE;
	gint64 bench_t0 = 0;
	gboolean bench_stall = FALSE;
	g_autofree char *shot_page = NULL;
	g_autofree char *shot_file = NULL;
	g_autofree char *shot_size = NULL;
	guint shot_width = 0;
	guint shot_height = 0;
	g_autofree const char **remaining = NULL;
	const char *demo_board = NULL;

	g_variant_dict_lookup(options, "demo", "b", &demo);
	g_variant_dict_lookup(options, "bench-startup", "x", &bench_t0);
	g_variant_dict_lookup(options, "bench-flash-stall", "b", &bench_stall);
	g_variant_dict_lookup(options, "screenshot-page", "s", &shot_page);
	g_variant_dict_lookup(options, "screenshot-file", "^ay", &shot_file);
	g_variant_dict_lookup(options, "screenshot-size", "s", &shot_size);
	g_variant_dict_lookup(options, G_OPTION_REMAINING, "^a&s", &remaining);
	if (remaining != NULL && remaining[0] != NULL) {
		if (!demo || remaining[1] != NULL) {
			g_application_command_line_printerr(
			    command_line, _("Unexpected argument: %s\n"),
			    remaining[demo ? 1 : 0]);
			return 2;
		}
		demo_board = remaining[0];
	} else if (demo) {
		demo_board = UB_DEFAULT_DEMO_BOARD;
	}
	if ((shot_page == NULL) != (shot_file == NULL)) {
		g_application_command_line_printerr(
		    command_line, "--screenshot-page and --screenshot-file go together\n");
		return 2;
	}
	if (shot_size != NULL &&
	    (sscanf(shot_size, "%ux%u", &shot_width, &shot_height) != 2 || shot_width < 400 ||
	     shot_height < 300)) {
		g_application_command_line_printerr(command_line,
						    "--screenshot-size wants WIDTHxHEIGHT\n");
		return 2;
	}

	/* single instance: a second start only raises the window it already has */
	if (window == NULL) {
		g_autoptr(UbSimBoard) bench = NULL;
		g_autoptr(UbSession) session = NULL;

		if (demo_board != NULL) {
			g_autoptr(GError) error = NULL;

			bench = ub_sim_board_new_from_name(demo_board, &error);
			if (bench == NULL) {
				g_application_command_line_printerr(command_line, "%s\n",
								    error->message);
				return 2;
			}
			/* a person trying the demo sees the hardware's timing; the screenshot
			 * script only wants the pages, except the recovery's, which shows the
			 * moment the hand is needed and so needs the hand's own pace */
			ub_sim_clock_set_realtime(ub_sim_board_get_clock(bench),
						  shot_page == NULL ||
						      g_strcmp0(shot_page, "recovery") == 0);
			/* the simulated chip's backups and job journals are not the person's:
			 * kept apart (in the cache), they never show up beside real backups
			 * nor as an interrupted job when unbrick-cli meets a real board */
			ub_main_demo_dir("UB_BACKUP_DIR", "backups");
			ub_main_demo_dir("UB_STATE_DIR", "jobs");
		}
		session = ub_session_new(bench != NULL ? UB_TRANSPORT_PROVIDER(bench) : NULL);
		/* the demo bench is a known board with a known probe: the wizard starts there */
		if (bench != NULL)
			ub_session_set_demo_hardware(session, ub_sim_board_get_board_id(bench),
						     ub_sim_board_get_probe_model_id(bench));

		ub_ui_init(gdk_screen_get_default());
		window = GTK_WINDOW(ub_window_new(GTK_APPLICATION(application), session));
		if (bench_t0 > 0) {
			g_object_set_data(G_OBJECT(window), "ub-bench-t0",
					  GSIZE_TO_POINTER((gsize)bench_t0));
			g_signal_connect(window, "realize", G_CALLBACK(ub_bench_realize_cb), NULL);
		}
	}
	if (bench_stall && demo_board != NULL) {
		UbStallMeter *meter = g_new0(UbStallMeter, 1);
		meter->over_target = g_ptr_array_new_with_free_func(g_free);

		meter->window = UB_WINDOW(window);
		meter->tick_id = g_timeout_add(UB_STALL_TICK_MS, ub_stall_tick_cb, meter);
		ub_tour_start(UB_WINDOW(window), "done", ub_stall_tour_done_cb, meter);
	}
	if (shot_page != NULL) {
		UbScreenshot *shot = g_new0(UbScreenshot, 1);

		shot->window = UB_WINDOW(window);
		if (shot_width > 0) {
			/* the client-side decorations (header bar, border) are part of the size
			 * on screen; measure them once the window has its default size */
			gtk_widget_realize(GTK_WIDGET(window));
			ub_screenshot_resize(window, shot_width, shot_height);
		}
		shot->page = g_steal_pointer(&shot_page);
		shot->file = g_steal_pointer(&shot_file);
		g_object_set_data_full(G_OBJECT(window), "ub-screenshot", shot,
				       (GDestroyNotify)ub_screenshot_free);
		if (demo_board != NULL) {
			/* on the simulator the pages can show real results: walk there */
			ub_tour_start(shot->window, shot->page, ub_screenshot_tour_done_cb, shot);
		} else if (ub_window_show_page(shot->window, shot->page)) {
			/* long enough for the first frame and the stack's transition to settle */
			shot->timeout_id = g_timeout_add(600, ub_screenshot_timeout_cb, shot);
		} else {
			g_application_command_line_printerr(command_line, "no page named %s\n",
							    shot->page);
			gtk_widget_destroy(GTK_WIDGET(window));
			return 2;
		}
	}
	gtk_window_present(window);
	return 0;
}

static gint
ub_handle_local_options_cb(GApplication *application, GVariantDict *options, gpointer user_data)
{
	if (g_variant_dict_contains(options, "version")) {
		g_print("unbrick %s\n", VERSION);
		return 0;
	}
	return -1;
}

static void
ub_startup_cb(GApplication *application, gpointer user_data)
{
	ub_ui_add_accelerators(GTK_APPLICATION(application));
}

int
main(int argc, char **argv)
{
	g_autoptr(GtkApplication) application = NULL;

	/* everything is drawn with cairo: no GL context is ever needed, and GDK's probe for
	 * one maps the GL driver (Mesa's llvmpipe: libLLVM, 44 MB resident) for nothing. The
	 * person can still ask for GL with GDK_GL in the environment. */
	g_setenv("GDK_GL", "disable", FALSE);
	/* firmware images and the chip's 1 MiB backup come and go with each job: buffers that
	 * large are mapped and unmapped on their own. Left to itself glibc raises this threshold
	 * to the size of the first such buffer freed, and later ones stay in the heap after use. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);

	g_set_application_name(_("Unbrick"));
	application = gtk_application_new(UB_APP_ID, G_APPLICATION_HANDLES_COMMAND_LINE);
	g_application_add_main_option_entries(G_APPLICATION(application), option_entries);
	g_application_set_option_context_parameter_string(G_APPLICATION(application), _("[BOARD]"));
	g_application_set_option_context_summary(
	    G_APPLICATION(application),
	    _("Bring a bricked STM32F405 motor controller back to life with an ST-LINK probe.\n"
	      "With --demo, BOARD names a simulated bench (default: focbox-bricked)."));
	g_signal_connect(application, "startup", G_CALLBACK(ub_startup_cb), NULL);
	g_signal_connect(application, "command-line", G_CALLBACK(ub_command_line_cb), NULL);
	g_signal_connect(application, "handle-local-options", G_CALLBACK(ub_handle_local_options_cb),
			 NULL);
	return g_application_run(G_APPLICATION(application), argc, argv);
}
