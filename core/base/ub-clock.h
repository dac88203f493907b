/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbClock: the time a job waits in and measures with. Production code never calls
 * g_get_monotonic_time() or g_usleep() for the target's sake: it asks the clock it was given.
 * The system clock is the real monotonic time; a simulated bench gives its virtual clock, on
 * which waiting is what makes time pass (so a 2 s erase costs no wall time in a test).
 *
 *   UbClock *clock = ub_device_get_clock(device);
 *   guint64 deadline = ub_clock_get_us(clock) + 500 * 1000;
 *   while (!done && ub_clock_get_us(clock) < deadline)
 *           ub_clock_sleep_us(clock, 2000);
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define UB_TYPE_CLOCK (ub_clock_get_type())
G_DECLARE_INTERFACE(UbClock, ub_clock, UB, CLOCK, GObject)

struct _UbClockInterface {
	GTypeInterface parent_iface;
	/* microseconds since an arbitrary origin; never goes back */
	guint64 (*get_us)(UbClock *self);
	/* returns once @us have passed on this clock */
	void (*sleep_us)(UbClock *self, guint64 us);
};

guint64 ub_clock_get_us(UbClock *self);
void ub_clock_sleep_us(UbClock *self, guint64 us);
void ub_clock_sleep_ms(UbClock *self, guint ms);

/* (transfer none): the real monotonic clock, shared by everyone */
UbClock *ub_clock_get_system(void);

G_END_DECLS
