/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimHand: a person holding a wire from the MCU's NRST to GND because a program asked them to.
 * Runs on the virtual clock: after a request the hand reacts after a human delay, the contact
 * bounces for a few milliseconds when it touches and when it lets go, and a person may also let
 * go on their own after a while. Seeded, so every run of a test sees the same person.
 *
 *   UbSimHand *hand = ub_sim_hand_new(link, clock, 42);
 *   ub_sim_hand_request_hold(hand);      (the wizard said "hold NRST to GND now")
 *   ub_sim_hand_request_release(hand);   (the wizard said "let go")
 *
 * It is the bench's UbPerson: the core's cues (hold NRST, let go) move the hand, and its
 * questions get the answers the bench sets.
 */
#pragma once

#include <glib-object.h>

#include "ub-person.h"
#include "ub-sim-clock.h"
#include "ub-sim-link.h"

G_BEGIN_DECLS

#define UB_TYPE_SIM_HAND (ub_sim_hand_get_type())
G_DECLARE_FINAL_TYPE(UbSimHand, ub_sim_hand, UB, SIM_HAND, GObject)

UbSimHand *ub_sim_hand_new(UbSimLink *link, UbSimClock *clock, guint32 seed);
void ub_sim_hand_request_hold(UbSimHand *self);
void ub_sim_hand_request_release(UbSimHand *self);
/* a person who gives up and lets go after this long even if nobody says so (0 = never) */
void ub_sim_hand_set_patience_ms(UbSimHand *self, guint ms);
gboolean ub_sim_hand_get_holding(UbSimHand *self);
void ub_sim_hand_set_answer(UbSimHand *self, UbPersonQuestion question, UbPersonAnswer answer);
/* how many times the contact closed (bounces included) */
guint ub_sim_hand_get_contacts(UbSimHand *self);

G_END_DECLS
