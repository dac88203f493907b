/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The timing is a person's, not a machine's. Told to hold, they read the prompt (a visual
 * reaction of about 0.3 s), look from the screen to the board and aim the wire's tip at a pin
 * a millimetre or two wide from about 10 cm away: an aimed movement of that difficulty
 * (Fitts: log2(2 x 100 / 1.5) ~ 7 bits at 0.1-0.2 s a bit) takes roughly 1 s more, so the
 * tip lands 1.5-3 s after the prompt. Letting go is a movement away from the pin, expected
 * and unaimed: 0.2-0.6 s. A wire pressed on a pin chatters for 2-6 ms (3-6 openings and
 * closings of 0.2-1.5 ms each) before it settles, and again when it is lifted.
 */
#include "config.h"

#include "ub-sim-hand.h"

typedef enum {
	HAND_IDLE,
	HAND_REACHING,  /* asked to hold, not touching yet */
	HAND_BOUNCING_ON,
	HAND_HOLDING,
	HAND_LIFTING,   /* asked to release, still holding */
	HAND_BOUNCING_OFF,
} HandState;

struct _UbSimHand {
	GObject parent_instance;
	UbSimLink *link;
	UbSimClock *clock;
	GRand *rand;
	HandState state;
	guint64 next_ns; /* when the state machine does its next thing */
	guint bounces_left;
	gboolean contact;
	guint contacts;
	guint patience_ms;
	guint64 holding_since;
	UbPersonAnswer answers[UB_PERSON_QUESTION_FAILS_ELSEWHERE + 1];
};

static void ub_sim_hand_person_iface_init(UbPersonInterface *iface);

/* the simulated bench's person: the core tells and asks it through UbPerson, like the real one */
G_DEFINE_TYPE_WITH_CODE(UbSimHand, ub_sim_hand, G_TYPE_OBJECT,
			G_IMPLEMENT_INTERFACE(UB_TYPE_PERSON, ub_sim_hand_person_iface_init))

static void
ub_sim_hand_person_tell(UbPerson *person, UbPersonCue cue, const char *text)
{
	UbSimHand *self = UB_SIM_HAND(person);

	switch (cue) {
	case UB_PERSON_CUE_HOLD_NRST:
		ub_sim_hand_request_hold(self);
		break;
	case UB_PERSON_CUE_RELEASE_NRST:
		ub_sim_hand_request_release(self);
		break;
	default:
		break;
	}
}

static UbPersonAnswer
ub_sim_hand_person_ask(UbPerson *person, UbPersonQuestion question, const char *text,
		       GCancellable *cancellable)
{
	UbSimHand *self = UB_SIM_HAND(person);

	if ((guint)question >= G_N_ELEMENTS(self->answers))
		return UB_PERSON_ANSWER_UNKNOWN;
	return self->answers[question];
}

static void
ub_sim_hand_person_iface_init(UbPersonInterface *iface)
{
	iface->tell = ub_sim_hand_person_tell;
	iface->ask = ub_sim_hand_person_ask;
}

/**
 * ub_sim_hand_set_answer:
 *
 * What this person says when asked @question (UB_PERSON_ANSWER_UNKNOWN until set).
 */
void
ub_sim_hand_set_answer(UbSimHand *self, UbPersonQuestion question, UbPersonAnswer answer)
{
	g_return_if_fail(UB_IS_SIM_HAND(self));
	g_return_if_fail((guint)question < G_N_ELEMENTS(self->answers));
	self->answers[question] = answer;
}

static guint64
hand_ms(UbSimHand *self, guint lo, guint hi)
{
	return (guint64)g_rand_int_range(self->rand, (gint32)lo, (gint32)hi + 1) * UB_SIM_NS_PER_MS;
}

static guint64
hand_us(UbSimHand *self, guint lo, guint hi)
{
	return (guint64)g_rand_int_range(self->rand, (gint32)lo, (gint32)hi + 1) * UB_SIM_NS_PER_US;
}

static void
hand_set_contact(UbSimHand *self, gboolean contact)
{
	if (contact && !self->contact)
		self->contacts++;
	self->contact = contact;
	ub_sim_link_hold_nrst(self->link, contact);
}

static void
hand_step(UbSimHand *self, guint64 now)
{
	switch (self->state) {
	case HAND_REACHING:
		self->state = HAND_BOUNCING_ON;
		self->bounces_left = 2 * (guint)g_rand_int_range(self->rand, 3, 7);
		hand_set_contact(self, TRUE);
		self->next_ns = now + hand_us(self, 200, 1500);
		break;
	case HAND_BOUNCING_ON:
		if (self->bounces_left == 0) {
			hand_set_contact(self, TRUE);
			self->state = HAND_HOLDING;
			self->holding_since = now;
			self->next_ns = self->patience_ms > 0
						? now + self->patience_ms * UB_SIM_NS_PER_MS
						: G_MAXUINT64;
			break;
		}
		self->bounces_left--;
		hand_set_contact(self, !self->contact);
		self->next_ns = now + hand_us(self, 200, 1500);
		break;
	case HAND_HOLDING:
		/* out of patience: lets go without being told */
		self->state = HAND_LIFTING;
		self->next_ns = now;
		break;
	case HAND_LIFTING:
		self->state = HAND_BOUNCING_OFF;
		self->bounces_left = 2 * (guint)g_rand_int_range(self->rand, 2, 5);
		hand_set_contact(self, FALSE);
		self->next_ns = now + hand_us(self, 200, 1500);
		break;
	case HAND_BOUNCING_OFF:
		if (self->bounces_left == 0) {
			hand_set_contact(self, FALSE);
			self->state = HAND_IDLE;
			self->next_ns = G_MAXUINT64;
			break;
		}
		self->bounces_left--;
		hand_set_contact(self, !self->contact);
		self->next_ns = now + hand_us(self, 200, 1500);
		break;
	case HAND_IDLE:
	default:
		self->next_ns = G_MAXUINT64;
		break;
	}
}

static void
hand_tick(gpointer user_data, guint64 start_ns, guint64 step_ns)
{
	UbSimHand *self = user_data;
	guint64 end = start_ns + step_ns;

	while (self->next_ns <= end)
		hand_step(self, self->next_ns);
}

static void
ub_sim_hand_finalize(GObject *object)
{
	UbSimHand *self = UB_SIM_HAND(object);

	ub_sim_clock_remove_ticker(self->clock, hand_tick, self);
	g_object_unref(self->clock);
	g_object_unref(self->link);
	g_rand_free(self->rand);
	G_OBJECT_CLASS(ub_sim_hand_parent_class)->finalize(object);
}

static void
ub_sim_hand_class_init(UbSimHandClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_sim_hand_finalize;
}

static void
ub_sim_hand_init(UbSimHand *self)
{
	self->state = HAND_IDLE;
	self->next_ns = G_MAXUINT64;
}

UbSimHand *
ub_sim_hand_new(UbSimLink *link, UbSimClock *clock, guint32 seed)
{
	UbSimHand *self;

	g_return_val_if_fail(UB_IS_SIM_LINK(link), NULL);
	g_return_val_if_fail(UB_IS_SIM_CLOCK(clock), NULL);
	self = g_object_new(UB_TYPE_SIM_HAND, NULL);
	self->link = g_object_ref(link);
	self->clock = g_object_ref(clock);
	self->rand = g_rand_new_with_seed(seed);
	ub_sim_clock_add_ticker(clock, hand_tick, self);
	return self;
}

void
ub_sim_hand_request_hold(UbSimHand *self)
{
	g_return_if_fail(UB_IS_SIM_HAND(self));
	if (self->state != HAND_IDLE)
		return;
	self->state = HAND_REACHING;
	self->next_ns = ub_sim_clock_get_ns(self->clock) + hand_ms(self, 1500, 3000);
}

void
ub_sim_hand_request_release(UbSimHand *self)
{
	g_return_if_fail(UB_IS_SIM_HAND(self));
	if (self->state == HAND_REACHING) {
		/* told to let go before touching: never touches */
		self->state = HAND_IDLE;
		self->next_ns = G_MAXUINT64;
		return;
	}
	if (self->state != HAND_HOLDING && self->state != HAND_BOUNCING_ON)
		return;
	/* still settling: the wire is on the pin and stays there until the hand moves, so the
	 * contact ends closed (a bounce that happened to be open must not stand for a release) */
	if (self->state == HAND_BOUNCING_ON) {
		self->bounces_left = 0;
		hand_set_contact(self, TRUE);
		self->holding_since = ub_sim_clock_get_ns(self->clock);
	}
	self->state = HAND_LIFTING;
	self->next_ns = ub_sim_clock_get_ns(self->clock) + hand_ms(self, 200, 600);
}

void
ub_sim_hand_set_patience_ms(UbSimHand *self, guint ms)
{
	g_return_if_fail(UB_IS_SIM_HAND(self));
	self->patience_ms = ms;
}

gboolean
ub_sim_hand_get_holding(UbSimHand *self)
{
	g_return_val_if_fail(UB_IS_SIM_HAND(self), FALSE);
	return self->contact;
}

guint
ub_sim_hand_get_contacts(UbSimHand *self)
{
	g_return_val_if_fail(UB_IS_SIM_HAND(self), 0);
	return self->contacts;
}
