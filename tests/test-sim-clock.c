/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-sim-clock.h"

typedef struct {
	guint calls;
	guint64 total;
	guint64 last_start;
} TickCount;

static void
count_tick(gpointer user_data, guint64 start_ns, guint64 step_ns)
{
	TickCount *count = user_data;
	count->calls++;
	count->total += step_ns;
	count->last_start = start_ns;
}

static void
test_sim_clock_tickers(void)
{
	g_autoptr(UbSimClock) clock = ub_sim_clock_new();
	TickCount count = {0};

	ub_sim_clock_add_ticker(clock, count_tick, &count);
	ub_sim_clock_advance(clock, 250);
	ub_sim_clock_advance(clock, 0);
	ub_sim_clock_advance(clock, 750);
	g_assert_cmpuint(ub_sim_clock_get_ns(clock), ==, 1000);
	g_assert_cmpuint(count.calls, ==, 2);
	g_assert_cmpuint(count.total, ==, 1000);
	g_assert_cmpuint(count.last_start, ==, 250);
	ub_sim_clock_remove_ticker(clock, count_tick, &count);
	ub_sim_clock_advance(clock, 5);
	g_assert_cmpuint(count.calls, ==, 2);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/clock/tickers", test_sim_clock_tickers);
	return g_test_run();
}
