/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimClock: the simulator's virtual clock. Every modelled duration (USB round trips, SWD
 * bits, flash erase/program, CPU instructions, a person's hand on NRST) advances it; nothing in
 * the simulator reads the wall clock, so tests run instantly and are repeatable. With
 * ub_sim_clock_set_realtime() the clock paces itself against the wall clock (for demos).
 *
 *   g_autoptr(UbSimClock) clock = ub_sim_clock_new();
 *   ub_sim_clock_add_ticker(clock, mcu_tick, mcu);
 *   ub_sim_clock_advance(clock, 1000);   (1 µs passes; every ticker runs for it)
 */
#pragma once

#include <glib-object.h>

#include "ub-clock.h"

G_BEGIN_DECLS

#define UB_SIM_NS_PER_US G_GUINT64_CONSTANT(1000)
#define UB_SIM_NS_PER_MS G_GUINT64_CONSTANT(1000000)

#define UB_TYPE_SIM_CLOCK (ub_sim_clock_get_type())
G_DECLARE_FINAL_TYPE(UbSimClock, ub_sim_clock, UB, SIM_CLOCK, GObject)

/* called for each advance with the time before the step and the step length */
typedef void (*UbSimTickFunc)(gpointer user_data, guint64 start_ns, guint64 step_ns);

UbSimClock *ub_sim_clock_new(void);
guint64 ub_sim_clock_get_ns(UbSimClock *self);
void ub_sim_clock_advance(UbSimClock *self, guint64 step_ns);
void ub_sim_clock_add_ticker(UbSimClock *self, UbSimTickFunc func, gpointer user_data);
void ub_sim_clock_remove_ticker(UbSimClock *self, UbSimTickFunc func, gpointer user_data);
void ub_sim_clock_set_realtime(UbSimClock *self, gboolean realtime);
gboolean ub_sim_clock_get_realtime(UbSimClock *self);

G_END_DECLS
