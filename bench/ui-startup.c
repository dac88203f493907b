/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Start-up time of the wizard: from just before exec() of the real `unbrick` binary to the end
 * of its first painted frame, the median of several runs. The app reports the moment itself
 * (hidden option --bench-startup T0, T0 being this process's CLOCK_MONOTONIC stamp). Prints
 * figures; asserts nothing. Needs a display: run through xvfb-run (meson test --benchmark).
 *
 *   ui-startup PATH-TO-UNBRICK [RUNS]
 */
#include "config.h"

#include <gio/gio.h>
#include <stdlib.h>

static gint
compare_doubles(gconstpointer a, gconstpointer b)
{
	gdouble x = *(const gdouble *)a;
	gdouble y = *(const gdouble *)b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

int
main(int argc, char **argv)
{
	guint runs = argc > 2 ? (guint)g_ascii_strtoull(argv[2], NULL, 10) : 7;
	g_autoptr(GArray) times = g_array_new(FALSE, FALSE, sizeof(gdouble));

	if (argc < 2) {
		g_printerr("usage: %s PATH-TO-UNBRICK [RUNS]\n", argv[0]);
		return 2;
	}
	for (guint i = 0; i < runs; i++) {
		g_autoptr(GError) error = NULL;
		g_autofree char *stamp = g_strdup_printf("%" G_GINT64_FORMAT, g_get_monotonic_time());
		g_autofree char *out = NULL;
		const char *child_argv[] = {argv[1], "--demo", "--bench-startup", stamp, NULL};
		gint status = 0;
		gdouble ms;

		if (!g_spawn_sync(NULL, (char **)child_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
				  NULL, &status, &error) ||
		    !g_spawn_check_wait_status(status, &error)) {
			g_printerr("ui-startup: %s\n", error->message);
			return 1;
		}
		ms = g_ascii_strtod(out, NULL);
		if (ms <= 0) {
			g_printerr("ui-startup: unexpected output: %s\n", out);
			return 1;
		}
		g_array_append_val(times, ms);
		g_print("run %u: %.1f ms\n", i + 1, ms);
	}
	g_array_sort(times, compare_doubles);
	g_print("start to first drawn window: median %.1f ms, min %.1f ms, max %.1f ms (%u runs)\n",
		g_array_index(times, gdouble, times->len / 2), g_array_index(times, gdouble, 0),
		g_array_index(times, gdouble, times->len - 1), runs);
	return 0;
}
