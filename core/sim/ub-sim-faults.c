/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "ub-error.h"
#include "ub-sim-faults.h"

typedef struct {
	UbSimFaultKind kind;
	guint64 at_ns;
	guint64 duration_ns;
	gboolean end; /* the end of a fault with a duration */
} UbSimFaultEvent;

struct _UbSimFaults {
	GObject parent_instance;
	UbSimClock *clock;
	UbSimLink *link;
	UbSimProbe *probe;
	UbSimMcu *mcu;
	GArray *pending; /* UbSimFaultEvent, by time */
	gboolean ticking;
	guint struck;
	gboolean unplugged;
	guint plug_ins; /* how often the probe was plugged back in */
	guint64 usb_stall_until;
	guint nrst_holds;     /* overlapping nrst faults */
	gboolean took_power; /* a power fault struck */
};

G_DEFINE_TYPE(UbSimFaults, ub_sim_faults, G_TYPE_OBJECT)

static const char *const ub_sim_fault_names[] = {
        [UB_SIM_FAULT_UNPLUG] = "unplug", [UB_SIM_FAULT_POWER] = "power",
        [UB_SIM_FAULT_NRST] = "nrst",     [UB_SIM_FAULT_WAIT] = "wait",
        [UB_SIM_FAULT_NOISE] = "noise",   [UB_SIM_FAULT_USB_STALL] = "usb-stall",
        [UB_SIM_FAULT_KILL] = "kill",
};

const char *
ub_sim_fault_kind_to_string(UbSimFaultKind kind)
{
	if ((guint)kind >= G_N_ELEMENTS(ub_sim_fault_names))
		return "unknown";
	return ub_sim_fault_names[kind];
}

gboolean
ub_sim_fault_kind_from_string(const char *name, UbSimFaultKind *kind)
{
	for (guint i = 0; name != NULL && i < G_N_ELEMENTS(ub_sim_fault_names); i++) {
		if (g_strcmp0(name, ub_sim_fault_names[i]) == 0) {
			*kind = (UbSimFaultKind)i;
			return TRUE;
		}
	}
	return FALSE;
}

/* "2.5s", "120ms", "800us", "42ns" */
static gboolean
ub_sim_fault_parse_time(const char *text, guint64 *ns)
{
	char *end = NULL;
	gdouble value;
	gdouble scale;

	if (text == NULL || text[0] == '\0' || !g_ascii_isdigit(text[0]))
		return FALSE;
	value = g_ascii_strtod(text, &end);
	if (end == text || value < 0)
		return FALSE;
	if (g_strcmp0(end, "s") == 0)
		scale = 1e9;
	else if (g_strcmp0(end, "ms") == 0)
		scale = 1e6;
	else if (g_strcmp0(end, "us") == 0)
		scale = 1e3;
	else if (g_strcmp0(end, "ns") == 0)
		scale = 1;
	else
		return FALSE;
	if (value * scale > 1e18)
		return FALSE;
	*ns = (guint64)(value * scale + 0.5);
	return TRUE;
}

gboolean
ub_sim_fault_parse(const char *spec, UbSimFaultKind *kind, guint64 *at_ns, guint64 *duration_ns,
                   GError **error)
{
	g_auto(GStrv) at = NULL;
	g_auto(GStrv) when = NULL;

	g_return_val_if_fail(spec != NULL, FALSE);
	*duration_ns = 0;
	at = g_strsplit(spec, "@", 2);
	if (at[0] == NULL || at[1] == NULL || !ub_sim_fault_kind_from_string(at[0], kind)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "'%s' is not a fault: KIND@TIME[+DURATION], KIND one of unplug, power, "
		            "nrst, wait, noise, usb-stall, kill",
		            spec);
		return FALSE;
	}
	when = g_strsplit(at[1], "+", 2);
	if (!ub_sim_fault_parse_time(when[0], at_ns) ||
	    (when[1] != NULL && !ub_sim_fault_parse_time(when[1], duration_ns))) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "'%s': times are like 2.5s, 120ms or 800us", spec);
		return FALSE;
	}
	return TRUE;
}

static void
ub_sim_faults_strike(UbSimFaults *self, const UbSimFaultEvent *event)
{
	g_debug("sim fault: %s %s at %" G_GUINT64_FORMAT " ns",
	        ub_sim_fault_kind_to_string(event->kind), event->end ? "ends" : "strikes",
	        event->at_ns);
	if (!event->end)
		self->struck++;
	switch (event->kind) {
	case UB_SIM_FAULT_UNPLUG:
		ub_sim_faults_unplug(self);
		break;
	case UB_SIM_FAULT_POWER:
		self->took_power = TRUE;
		ub_sim_mcu_set_powered(self->mcu, FALSE);
		break;
	case UB_SIM_FAULT_NRST:
		if (!event->end)
			self->nrst_holds++;
		else if (self->nrst_holds > 0)
			self->nrst_holds--;
		ub_sim_link_hold_nrst(self->link, self->nrst_holds > 0);
		break;
	case UB_SIM_FAULT_WAIT:
		if (!event->end)
			ub_sim_mcu_hold_bus(self->mcu, event->at_ns + event->duration_ns);
		break;
	case UB_SIM_FAULT_NOISE:
		ub_sim_link_set_noise(self->link, !event->end);
		break;
	case UB_SIM_FAULT_USB_STALL:
		if (!event->end)
			self->usb_stall_until =
			        MAX(self->usb_stall_until, event->at_ns + event->duration_ns);
		break;
	case UB_SIM_FAULT_KILL:
	default:
		/* the program dies where it stands: nothing of it runs any more */
		kill(getpid(), SIGKILL);
		abort();
	}
}

static void
ub_sim_faults_tick(gpointer user_data, guint64 start_ns, guint64 step_ns)
{
	UbSimFaults *self = UB_SIM_FAULTS(user_data);
	guint64 now = start_ns + step_ns;

	while (self->pending->len > 0) {
		UbSimFaultEvent event = g_array_index(self->pending, UbSimFaultEvent, 0);
		if (event.at_ns > now)
			break;
		g_array_remove_index(self->pending, 0);
		ub_sim_faults_strike(self, &event);
	}
}

static void
ub_sim_faults_insert(UbSimFaults *self, const UbSimFaultEvent *event)
{
	guint i = 0;

	while (i < self->pending->len &&
	       g_array_index(self->pending, UbSimFaultEvent, i).at_ns <= event->at_ns)
		i++;
	g_array_insert_val(self->pending, i, *event);
	if (!self->ticking) {
		ub_sim_clock_add_ticker(self->clock, ub_sim_faults_tick, self);
		self->ticking = TRUE;
	}
}

void
ub_sim_faults_schedule(UbSimFaults *self, UbSimFaultKind kind, guint64 at_ns, guint64 duration_ns)
{
	UbSimFaultEvent event = {kind, at_ns, duration_ns, FALSE};

	g_return_if_fail(UB_IS_SIM_FAULTS(self));
	ub_sim_faults_insert(self, &event);
	if (duration_ns > 0 && (kind == UB_SIM_FAULT_NRST || kind == UB_SIM_FAULT_NOISE)) {
		UbSimFaultEvent end = {kind, at_ns + duration_ns, 0, TRUE};
		ub_sim_faults_insert(self, &end);
	}
	/* a moment already past strikes at once */
	if (at_ns <= ub_sim_clock_get_ns(self->clock))
		ub_sim_faults_tick(self, ub_sim_clock_get_ns(self->clock), 0);
}

void
ub_sim_faults_clear(UbSimFaults *self)
{
	g_return_if_fail(UB_IS_SIM_FAULTS(self));
	g_array_set_size(self->pending, 0);
}

void
ub_sim_faults_repair(UbSimFaults *self)
{
	g_return_if_fail(UB_IS_SIM_FAULTS(self));
	g_array_set_size(self->pending, 0);
	self->nrst_holds = 0;
	ub_sim_link_hold_nrst(self->link, FALSE);
	ub_sim_link_set_noise(self->link, FALSE);
	self->usb_stall_until = 0;
	ub_sim_faults_replug(self);
	if (self->took_power && !ub_sim_mcu_get_powered(self->mcu))
		ub_sim_mcu_set_powered(self->mcu, TRUE);
	self->took_power = FALSE;
}

guint
ub_sim_faults_get_struck(UbSimFaults *self)
{
	g_return_val_if_fail(UB_IS_SIM_FAULTS(self), 0);
	return self->struck;
}

gboolean
ub_sim_faults_get_plugged(UbSimFaults *self)
{
	g_return_val_if_fail(UB_IS_SIM_FAULTS(self), FALSE);
	return !self->unplugged;
}

void
ub_sim_faults_unplug(UbSimFaults *self)
{
	g_return_if_fail(UB_IS_SIM_FAULTS(self));
	if (self->unplugged)
		return;
	self->unplugged = TRUE;
	/* the probe is powered by USB: its outputs let go, its firmware stops */
	ub_sim_probe_usb_reset(self->probe);
}

void
ub_sim_faults_replug(UbSimFaults *self)
{
	g_return_if_fail(UB_IS_SIM_FAULTS(self));
	if (!self->unplugged)
		return;
	self->unplugged = FALSE;
	self->plug_ins++;
	ub_sim_probe_usb_reset(self->probe);
}

guint
ub_sim_faults_get_plug_ins(UbSimFaults *self)
{
	g_return_val_if_fail(UB_IS_SIM_FAULTS(self), 0);
	return self->plug_ins;
}

guint64
ub_sim_faults_get_usb_stall_until(UbSimFaults *self)
{
	g_return_val_if_fail(UB_IS_SIM_FAULTS(self), 0);
	return self->usb_stall_until;
}

static void
ub_sim_faults_finalize(GObject *object)
{
	UbSimFaults *self = UB_SIM_FAULTS(object);

	if (self->ticking)
		ub_sim_clock_remove_ticker(self->clock, ub_sim_faults_tick, self);
	g_array_unref(self->pending);
	g_clear_object(&self->clock);
	g_clear_object(&self->link);
	g_clear_object(&self->probe);
	g_clear_object(&self->mcu);
	G_OBJECT_CLASS(ub_sim_faults_parent_class)->finalize(object);
}

static void
ub_sim_faults_class_init(UbSimFaultsClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_sim_faults_finalize;
}

static void
ub_sim_faults_init(UbSimFaults *self)
{
	self->pending = g_array_new(FALSE, FALSE, sizeof(UbSimFaultEvent));
}

UbSimFaults *
ub_sim_faults_new(UbSimClock *clock, UbSimLink *link, UbSimProbe *probe)
{
	UbSimFaults *self;

	g_return_val_if_fail(UB_IS_SIM_CLOCK(clock), NULL);
	g_return_val_if_fail(UB_IS_SIM_LINK(link), NULL);
	g_return_val_if_fail(UB_IS_SIM_PROBE(probe), NULL);
	self = g_object_new(UB_TYPE_SIM_FAULTS, NULL);
	self->clock = g_object_ref(clock);
	self->link = g_object_ref(link);
	self->probe = g_object_ref(probe);
	self->mcu = g_object_ref(ub_sim_dap_get_mcu(ub_sim_link_get_dap(link)));
	return self;
}
