/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-sim-clock.h"

typedef struct {
	UbSimTickFunc func;
	gpointer user_data;
} UbSimTicker;

struct _UbSimClock {
	GObject parent_instance;
	guint64 now_ns;
	GArray *tickers; /* of UbSimTicker */
	gboolean realtime;
	gint64 wall_origin_us; /* wall time matching virtual origin_ns in realtime mode */
	guint64 origin_ns;
};

static void ub_sim_clock_iface_init(UbClockInterface *iface);

/* the virtual clock is what the core's injected UbClock is on a simulated bench: sleeping on it
 * advances it, so the chip does its work while the host waits */
G_DEFINE_TYPE_WITH_CODE(UbSimClock, ub_sim_clock, G_TYPE_OBJECT,
			G_IMPLEMENT_INTERFACE(UB_TYPE_CLOCK, ub_sim_clock_iface_init))

static guint64
ub_sim_clock_clock_get_us(UbClock *clock)
{
	return ub_sim_clock_get_ns(UB_SIM_CLOCK(clock)) / UB_SIM_NS_PER_US;
}

static void
ub_sim_clock_clock_sleep_us(UbClock *clock, guint64 us)
{
	ub_sim_clock_advance(UB_SIM_CLOCK(clock), us * UB_SIM_NS_PER_US);
}

static void
ub_sim_clock_iface_init(UbClockInterface *iface)
{
	iface->get_us = ub_sim_clock_clock_get_us;
	iface->sleep_us = ub_sim_clock_clock_sleep_us;
}

static void
ub_sim_clock_finalize(GObject *object)
{
	UbSimClock *self = UB_SIM_CLOCK(object);
	g_array_unref(self->tickers);
	G_OBJECT_CLASS(ub_sim_clock_parent_class)->finalize(object);
}

static void
ub_sim_clock_class_init(UbSimClockClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_sim_clock_finalize;
}

static void
ub_sim_clock_init(UbSimClock *self)
{
	self->tickers = g_array_new(FALSE, TRUE, sizeof(UbSimTicker));
}

UbSimClock *
ub_sim_clock_new(void)
{
	return g_object_new(UB_TYPE_SIM_CLOCK, NULL);
}

guint64
ub_sim_clock_get_ns(UbSimClock *self)
{
	g_return_val_if_fail(UB_IS_SIM_CLOCK(self), 0);
	return self->now_ns;
}

void
ub_sim_clock_add_ticker(UbSimClock *self, UbSimTickFunc func, gpointer user_data)
{
	UbSimTicker ticker = {func, user_data};
	g_return_if_fail(UB_IS_SIM_CLOCK(self));
	g_return_if_fail(func != NULL);
	g_array_append_val(self->tickers, ticker);
}

void
ub_sim_clock_remove_ticker(UbSimClock *self, UbSimTickFunc func, gpointer user_data)
{
	g_return_if_fail(UB_IS_SIM_CLOCK(self));
	for (guint i = 0; i < self->tickers->len; i++) {
		UbSimTicker *ticker = &g_array_index(self->tickers, UbSimTicker, i);
		if (ticker->func == func && ticker->user_data == user_data) {
			g_array_remove_index(self->tickers, i);
			return;
		}
	}
}

void
ub_sim_clock_set_realtime(UbSimClock *self, gboolean realtime)
{
	g_return_if_fail(UB_IS_SIM_CLOCK(self));
	self->realtime = realtime;
	self->wall_origin_us = g_get_monotonic_time();
	self->origin_ns = self->now_ns;
}

gboolean
ub_sim_clock_get_realtime(UbSimClock *self)
{
	g_return_val_if_fail(UB_IS_SIM_CLOCK(self), FALSE);
	return self->realtime;
}

void
ub_sim_clock_advance(UbSimClock *self, guint64 step_ns)
{
	guint64 start_ns;

	g_return_if_fail(UB_IS_SIM_CLOCK(self));
	if (step_ns == 0)
		return;
	start_ns = self->now_ns;
	self->now_ns += step_ns;
	/* tickers may add or remove tickers; index afresh each time */
	for (guint i = 0; i < self->tickers->len; i++) {
		UbSimTicker ticker = g_array_index(self->tickers, UbSimTicker, i);
		ticker.func(ticker.user_data, start_ns, step_ns);
	}
	if (self->realtime) {
		/* pace: never run ahead of the wall clock; falling behind is not caught up */
		gint64 due_us = self->wall_origin_us + (gint64)((self->now_ns - self->origin_ns) / 1000);
		gint64 now_us = g_get_monotonic_time();
		if (due_us > now_us)
			g_usleep((gulong)(due_us - now_us));
		else if (now_us - due_us > 100000) {
			self->wall_origin_us = now_us;
			self->origin_ns = self->now_ns;
		}
	}
}
