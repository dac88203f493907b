/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ub-clock.h"

G_DEFINE_INTERFACE(UbClock, ub_clock, G_TYPE_OBJECT)

static void
ub_clock_default_init(UbClockInterface *iface)
{
}

guint64
ub_clock_get_us(UbClock *self)
{
	g_return_val_if_fail(UB_IS_CLOCK(self), 0);
	return UB_CLOCK_GET_IFACE(self)->get_us(self);
}

void
ub_clock_sleep_us(UbClock *self, guint64 us)
{
	g_return_if_fail(UB_IS_CLOCK(self));
	UB_CLOCK_GET_IFACE(self)->sleep_us(self, us);
}

void
ub_clock_sleep_ms(UbClock *self, guint ms)
{
	ub_clock_sleep_us(self, (guint64)ms * 1000);
}

/* ---- the system clock ---- */

#define UB_TYPE_SYSTEM_CLOCK (ub_system_clock_get_type())
G_DECLARE_FINAL_TYPE(UbSystemClock, ub_system_clock, UB, SYSTEM_CLOCK, GObject)

struct _UbSystemClock {
	GObject parent_instance;
};

static void ub_system_clock_iface_init(UbClockInterface *iface);

G_DEFINE_TYPE_WITH_CODE(UbSystemClock, ub_system_clock, G_TYPE_OBJECT,
			G_IMPLEMENT_INTERFACE(UB_TYPE_CLOCK, ub_system_clock_iface_init))

static guint64
ub_system_clock_get_us(UbClock *clock)
{
	return (guint64)g_get_monotonic_time();
}

static void
ub_system_clock_sleep_us(UbClock *clock, guint64 us)
{
	g_usleep((gulong)us);
}

static void
ub_system_clock_iface_init(UbClockInterface *iface)
{
	iface->get_us = ub_system_clock_get_us;
	iface->sleep_us = ub_system_clock_sleep_us;
}

static void
ub_system_clock_class_init(UbSystemClockClass *klass)
{
}

static void
ub_system_clock_init(UbSystemClock *self)
{
}

UbClock *
ub_clock_get_system(void)
{
	static UbClock *system_clock = NULL;

	if (g_once_init_enter(&system_clock))
		g_once_init_leave(&system_clock,
					  UB_CLOCK(g_object_new(UB_TYPE_SYSTEM_CLOCK, NULL)));
	return system_clock;
}
