/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-target.h"

/* the SWD clock both tools start with (stlink-org and OpenOCD: divisor 1 = 1.8 MHz) */
#define UB_TARGET_SWD_KHZ 1800
/* DHCSR polls after a halt or reset request; each is one USB round trip (≥ 1 ms on a
 * full-speed probe), the later ones also sleep 1 ms: about half a second in all, as
 * stlink-org's 500 ms reset wait */
#define UB_TARGET_POLLS 250
#define UB_TARGET_POLLS_FAST 5

/* SWD clocks a link test climbs and a fall-back descends (kHz): ST-LINK/V2's divisors up to
 * its 4 MHz (stlink-org's table), then what ST-LINK/V3 and CMSIS-DAP probes reach; a probe
 * rounds each request to what it can make */
static const guint ub_target_swd_ladder[] = {100, 240, 480, 950, 1200, 1800, 4000, 8000, 12000,
                                             24000};
#define UB_TARGET_SWD_LADDER_START 5 /* UB_TARGET_SWD_KHZ */

struct _UbTarget {
	GObject parent_instance;
	UbProbe *probe;
	UbClock *clock;
	gboolean connected;
	guint32 dp_idcode;
	guint32 cpuid;
	UbChip *chip;
	guint swd_khz;	 /* what the probe makes; 0: not set (the probe's own) */
	guint swd_step; /* index in ub_target_swd_ladder of the clock asked for */
};

G_DEFINE_TYPE(UbTarget, ub_target, G_TYPE_OBJECT)

UbProbe *
ub_target_get_probe(UbTarget *self)
{
	g_return_val_if_fail(UB_IS_TARGET(self), NULL);
	return self->probe;
}

guint32
ub_target_get_dp_idcode(UbTarget *self)
{
	g_return_val_if_fail(UB_IS_TARGET(self), 0);
	return self->dp_idcode;
}

guint32
ub_target_get_cpuid(UbTarget *self)
{
	g_return_val_if_fail(UB_IS_TARGET(self), 0);
	return self->cpuid;
}

gboolean
ub_target_is_connected(UbTarget *self)
{
	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);
	return self->connected;
}

/* forget the connection (after a failure that may have left the DP in an unknown state) */
void
ub_target_set_disconnected(UbTarget *self)
{
	g_return_if_fail(UB_IS_TARGET(self));
	self->connected = FALSE;
}

UbChip *
ub_target_get_chip(UbTarget *self)
{
	g_return_val_if_fail(UB_IS_TARGET(self), NULL);
	return self->chip;
}

/**
 * ub_target_connect:
 *
 * SWD clock (best effort), ENTER_SWD, DP IDCODE and CPUID, as st-info does (§2.7 A). Fails
 * with %UB_TARGET_ERROR_NO_ACK when the debug port is silent and
 * %UB_TARGET_ERROR_UNKNOWN_CHIP when the core is not an ARM one.
 */
gboolean
ub_target_connect(UbTarget *self, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	guint khz = 0;

	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	self->connected = FALSE;
	self->swd_khz = 0;
	self->swd_step = UB_TARGET_SWD_LADDER_START;
	if (!ub_probe_set_swd_frequency(self->probe, UB_TARGET_SWD_KHZ, &khz, &error_local)) {
		if (!g_error_matches(error_local, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED)) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		g_debug("keeping the probe's SWD clock: %s", error_local->message);
	} else {
		g_debug("SWD clock %u kHz", khz);
		self->swd_khz = khz;
	}
	if (!ub_probe_enter_swd(self->probe, error))
		return FALSE;
	if (!ub_probe_read_dp_idcode(self->probe, &self->dp_idcode, error)) {
		g_prefix_error(error, "reading the DP IDCODE: ");
		return FALSE;
	}
	if (!ub_probe_read_u32(self->probe, UB_CPUID, &self->cpuid, error)) {
		g_prefix_error(error, "reading CPUID: ");
		return FALSE;
	}
	/* stlink-org: implementer 0x41 (ARM) or "Can not connect to target" */
	if ((self->cpuid >> 24) != 0x41) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_UNKNOWN_CHIP,
			    "CPUID 0x%08x is not an ARM Cortex-M core (DP IDCODE 0x%08x)",
			    self->cpuid, self->dp_idcode);
		return FALSE;
	}
	g_debug("connected: DP IDCODE 0x%08x, CPUID 0x%08x", self->dp_idcode, self->cpuid);
	self->connected = TRUE;
	return TRUE;
}

guint
ub_target_get_swd_khz(UbTarget *self)
{
	g_return_val_if_fail(UB_IS_TARGET(self), 0);
	return self->swd_khz;
}

gboolean
ub_target_error_is_link(const GError *error)
{
	/* a transfer the target did not answer cleanly (no valid ACK, a parity or protocol
	 * error): what noise on the wires does; a FAULT is the target's own answer */
	return error != NULL && error->domain == UB_TARGET_ERROR &&
	       (error->code == UB_TARGET_ERROR_NO_ACK || error->code == UB_TARGET_ERROR_FAILED);
}

/* asks for ladder step @step; @khz what the probe makes of it */
static gboolean
ub_target_set_swd_step(UbTarget *self, guint step, guint *khz, GError **error)
{
	guint actual = 0;

	if (!ub_probe_set_swd_frequency(self->probe, ub_target_swd_ladder[step], &actual, error))
		return FALSE;
	self->swd_step = step;
	self->swd_khz = actual;
	if (khz != NULL)
		*khz = actual;
	return TRUE;
}

/* @passed: @len bytes of a pattern written to SRAM at @scratch read back the same; a link
 * error is a failed test, any other error (the probe went away) is returned */
static gboolean
ub_target_link_test(UbTarget *self, guint32 scratch, gsize len, gboolean *passed,
                    GError **failure, GError **error)
{
	g_autofree guint8 *pattern = g_malloc(len);
	g_autofree guint8 *back = g_malloc0(len);
	g_autoptr(GError) error_local = NULL;
	/* different at every clock, so that what the last test left cannot pass this one */
	guint32 x = 0x6b8b4567u ^ (self->swd_khz * 2654435761u);
	gsize chunk_max = MAX(ub_probe_get_max_transfer(self->probe) & ~(gsize)3, 4);

	for (gsize i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		/* every other byte all zeros or all ones: the edges that ring the most */
		pattern[i] = (i & 8) != 0 ? (guint8)x : ((i & 1) != 0 ? 0xff : 0x00);
	}
	*passed = FALSE;
	for (gsize done = 0; done < len; done += MIN(chunk_max, len - done)) {
		gsize n = MIN(chunk_max, len - done);
		if (ub_probe_write_memory(self->probe, scratch + (guint32)done, pattern + done, n,
		                          UB_ACCESS_32, &error_local) &&
		    ub_probe_read_memory(self->probe, scratch + (guint32)done, back + done, n,
		                         UB_ACCESS_32, &error_local))
			continue;
		if (!ub_target_error_is_link(error_local)) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		g_debug("link test at %u kHz: %s", self->swd_khz, error_local->message);
		g_clear_error(failure);
		g_propagate_error(failure, g_steal_pointer(&error_local));
		return TRUE;
	}
	*passed = memcmp(pattern, back, len) == 0;
	if (!*passed) {
		g_debug("link test at %u kHz: the pattern came back changed", self->swd_khz);
		g_clear_error(failure);
		g_set_error(failure, UB_TARGET_ERROR, UB_TARGET_ERROR_FAILED,
		            "SRAM did not keep a test pattern at %u kHz", self->swd_khz);
	}
	return TRUE;
}

gboolean
ub_target_dp_answers(UbTarget *self)
{
	guint32 idcode = 0;

	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);
	/* twice: on a noisy link one read may fail by chance */
	for (guint i = 0; i < 2; i++) {
		if (ub_probe_read_dp_idcode(self->probe, &idcode, NULL))
			return TRUE;
	}
	return FALSE;
}

/**
 * ub_target_tune_swd_clock:
 * @scratch: SRAM the test may overwrite, @len bytes of it (a multiple of 4)
 *
 * Measures the link: a pattern written to SRAM and read back at the probe's fastest clock
 * first (most links carry it: one test), then at falling clocks until one passes. When a
 * clock failed, the one kept is a step below the fastest that passed (the margin: a link
 * that fails a step up is near its edge). A probe that cannot set its clock keeps its own.
 */
gboolean
ub_target_tune_swd_clock(UbTarget *self, guint32 scratch, gsize len, GError **error)
{
	g_autoptr(GError) failure = NULL;
	gint best = -1;
	gboolean passed = FALSE;
	guint failed_khz = 0;
	guint step = G_N_ELEMENTS(ub_target_swd_ladder) - 1;
	guint khz = 0;

	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);
	g_return_val_if_fail(len > 0 && len % 4 == 0, FALSE);

	if (self->swd_khz == 0)
		return TRUE;
	/* the probe rounds the request down to its fastest; the lowest step it gives the
	 * same clock for is where a fall-back starts from */
	if (!ub_target_set_swd_step(self, step, &khz, error))
		return FALSE;
	while (step > 0 && ub_target_swd_ladder[step - 1] >= khz)
		step--;
	self->swd_step = step;
	for (;;) {
		if (!ub_target_link_test(self, scratch, len, &passed, &failure, error))
			return FALSE;
		if (passed) {
			best = (gint)step;
			break;
		}
		if (failed_khz == 0)
			failed_khz = self->swd_khz;
		if (step == 0)
			break;
		step--;
		if (!ub_target_set_swd_step(self, step, NULL, error))
			return FALSE;
		/* at the slower clock the debug port must answer, else the target is gone (no
		 * supply, a reset, a cut wire), not the link noisy: that failure is the answer */
		if (!ub_target_dp_answers(self)) {
			g_propagate_error(error, g_steal_pointer(&failure));
			return FALSE;
		}
	}
	if (best < 0) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAILED,
		            "SWD transfers fail even at %u kHz: check the wires (short, and GND "
		            "beside SWDIO and SWCLK)",
		            self->swd_khz);
		return FALSE;
	}
	if (failed_khz == 0) {
		g_info("SWD link test: clean at %u kHz, the probe's fastest", self->swd_khz);
		return TRUE;
	}
	if (best > 0 && !ub_target_set_swd_step(self, (guint)best - 1, NULL, error))
		return FALSE;
	g_info("SWD link test: transfers fail at %u kHz; falling back to %u kHz, a step "
	       "below the fastest clean clock",
	       failed_khz, self->swd_khz);
	return TRUE;
}

/**
 * ub_target_swd_step_down:
 *
 * After a link error: the next slower clock. FALSE (and @error) at the slowest.
 */
gboolean
ub_target_swd_step_down(UbTarget *self, GError **error)
{
	guint before;
	guint khz = 0;

	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);
	if (self->swd_khz == 0 || self->swd_step == 0) {
		g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAILED,
		                    "the SWD clock cannot go lower");
		return FALSE;
	}
	before = self->swd_khz;
	if (!ub_target_set_swd_step(self, self->swd_step - 1, &khz, error))
		return FALSE;
	g_info("SWD link error at %u kHz: falling back to %u kHz", before, khz);
	return TRUE;
}

static gboolean
ub_target_require_connected(UbTarget *self, GError **error)
{
	if (self->connected)
		return TRUE;
	return ub_target_connect(self, error);
}

static UbCoreState
ub_target_state_from_dhcsr(guint32 first, guint32 second)
{
	/* S_RESET_ST is sticky and cleared by the read: set again on the second read means
	 * the core is still being held in reset */
	if (second & UB_DHCSR_S_RESET_ST)
		return UB_CORE_STATE_IN_RESET;
	if (second & UB_DHCSR_S_LOCKUP)
		return UB_CORE_STATE_LOCKED_UP;
	if (second & UB_DHCSR_S_HALT)
		return UB_CORE_STATE_HALTED;
	if (second & UB_DHCSR_S_SLEEP)
		return UB_CORE_STATE_SLEEPING;
	return UB_CORE_STATE_RUNNING;
}

gboolean
ub_target_get_core_state(UbTarget *self, UbCoreState *state, GError **error)
{
	guint32 first = 0;
	guint32 second = 0;

	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);
	g_return_val_if_fail(state != NULL, FALSE);

	if (!ub_target_require_connected(self, error))
		return FALSE;
	if (!ub_probe_read_u32(self->probe, UB_DHCSR, &first, error) ||
	    !ub_probe_read_u32(self->probe, UB_DHCSR, &second, error))
		return FALSE;
	*state = ub_target_state_from_dhcsr(first, second);
	return TRUE;
}

static void
ub_target_poll_pause(UbTarget *self, guint attempt)
{
	if (attempt >= UB_TARGET_POLLS_FAST)
		ub_clock_sleep_us(self->clock, 1000);
}

static gboolean
ub_target_wait_halted(UbTarget *self, GError **error)
{
	guint32 dhcsr = 0;

	for (guint i = 0; i < UB_TARGET_POLLS; i++) {
		if (!ub_probe_read_u32(self->probe, UB_DHCSR, &dhcsr, error))
			return FALSE;
		if (dhcsr & UB_DHCSR_S_HALT)
			return TRUE;
		ub_target_poll_pause(self, i);
	}
	g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NOT_HALTED,
		    "the core did not halt (DHCSR 0x%08x)", dhcsr);
	return FALSE;
}

/**
 * ub_target_halt:
 *
 * C_DEBUGEN | C_HALT, then waits for S_HALT.
 */
gboolean
ub_target_halt(UbTarget *self, GError **error)
{
	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);

	if (!ub_target_require_connected(self, error))
		return FALSE;
	if (!ub_probe_write_u32(self->probe, UB_DHCSR,
				UB_DHCSR_DBGKEY | UB_DHCSR_C_DEBUGEN | UB_DHCSR_C_HALT, error))
		return FALSE;
	return ub_target_wait_halted(self, error);
}

/**
 * ub_target_run:
 *
 * Resumes with debug still enabled (C_DEBUGEN only), as OpenOCD's resume does.
 */
gboolean
ub_target_run(UbTarget *self, GError **error)
{
	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);

	if (!ub_target_require_connected(self, error))
		return FALSE;
	return ub_probe_write_u32(self->probe, UB_DHCSR, UB_DHCSR_DBGKEY | UB_DHCSR_C_DEBUGEN,
				  error);
}

/**
 * ub_target_release:
 *
 * Before the probe lets go: a core that runs is left with halting debug off (C_DEBUGEN clear)
 * and no vector catch, as stlink-org's stlink_exit_debug_mode() leaves it, so that a BKPT or
 * a fault in the firmware does not stop it for a debugger that is gone (audit D9). A halted
 * core stays halted: clearing C_DEBUGEN would let it run. Best effort on a target that no
 * longer answers.
 */
gboolean
ub_target_release(UbTarget *self, GError **error)
{
	guint32 dhcsr = 0;
	guint32 demcr = 0;

	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);

	if (!self->connected)
		return TRUE;
	if (!ub_probe_read_u32(self->probe, UB_DHCSR, &dhcsr, error))
		return FALSE;
	if (dhcsr & UB_DHCSR_S_HALT)
		return TRUE;
	if (!ub_probe_read_u32(self->probe, UB_DEMCR, &demcr, error) ||
	    !ub_probe_write_u32(self->probe, UB_DEMCR, demcr & ~UB_DEMCR_VC_ALL, error))
		return FALSE;
	return ub_probe_write_u32(self->probe, UB_DHCSR, UB_DHCSR_DBGKEY, error);
}

/**
 * ub_target_step:
 *
 * One instruction with interrupts masked. C_MASKINTS may only change while halted and
 * together with C_HALT (ARMv7-M C1.6.3), hence three DHCSR writes.
 */
gboolean
ub_target_step(UbTarget *self, GError **error)
{
	guint32 dhcsr = 0;

	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);

	if (!ub_target_require_connected(self, error))
		return FALSE;
	if (!ub_probe_read_u32(self->probe, UB_DHCSR, &dhcsr, error))
		return FALSE;
	if ((dhcsr & UB_DHCSR_S_HALT) == 0) {
		g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NOT_HALTED,
				    "cannot step a running core");
		return FALSE;
	}
	if (!ub_probe_write_u32(self->probe, UB_DHCSR,
				UB_DHCSR_DBGKEY | UB_DHCSR_C_DEBUGEN | UB_DHCSR_C_HALT |
				    UB_DHCSR_C_MASKINTS,
				error))
		return FALSE;
	if (!ub_probe_write_u32(self->probe, UB_DHCSR,
				UB_DHCSR_DBGKEY | UB_DHCSR_C_DEBUGEN | UB_DHCSR_C_STEP |
				    UB_DHCSR_C_MASKINTS,
				error))
		return FALSE;
	if (!ub_target_wait_halted(self, error))
		return FALSE;
	return ub_probe_write_u32(self->probe, UB_DHCSR,
				  UB_DHCSR_DBGKEY | UB_DHCSR_C_DEBUGEN | UB_DHCSR_C_HALT, error);
}

/**
 * ub_target_reset:
 * @method: NRST (needs the probe's RST wired to the board) or AIRCR.SYSRESETREQ
 * @halt: stop on the first instruction (DEMCR.VC_CORERESET), before any firmware runs
 *
 * Fails with %UB_TARGET_ERROR_RESET_NO_EFFECT when DHCSR.S_RESET_ST shows no reset
 * happened (the common clone whose RST pin goes nowhere).
 */
gboolean
ub_target_reset(UbTarget *self, UbResetMethod method, gboolean halt, GError **error)
{
	guint32 demcr = 0;
	guint32 dhcsr = 0;
	gboolean seen_reset = FALSE;
	g_autoptr(GError) error_local = NULL;

	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);

	if (!ub_target_require_connected(self, error))
		return FALSE;
	if (!ub_probe_read_u32(self->probe, UB_DEMCR, &demcr, error))
		return FALSE;
	if (halt) {
		if (!ub_probe_write_u32(self->probe, UB_DHCSR,
					UB_DHCSR_DBGKEY | UB_DHCSR_C_DEBUGEN | UB_DHCSR_C_HALT,
					error))
			return FALSE;
		if (!ub_probe_write_u32(self->probe, UB_DEMCR,
					demcr | UB_DEMCR_TRCENA | UB_DEMCR_VC_CORERESET, error))
			return FALSE;
	} else if (demcr & UB_DEMCR_VC_CORERESET) {
		if (!ub_probe_write_u32(self->probe, UB_DEMCR, demcr & ~UB_DEMCR_VC_CORERESET,
					error))
			return FALSE;
	}
	/* clear a stale S_RESET_ST so the next one is ours */
	if (!ub_probe_read_u32(self->probe, UB_DHCSR, &dhcsr, error))
		return FALSE;

	switch (method) {
	case UB_RESET_NRST:
		if (!ub_probe_drive_nrst(self->probe, UB_NRST_LOW, error) ||
		    !ub_probe_drive_nrst(self->probe, UB_NRST_HIGH, error))
			return FALSE;
		break;
	case UB_RESET_SYSRESETREQ:
		/* the reset may cut the write's own acknowledgement short, as OpenOCD notes */
		if (!ub_probe_write_u32(self->probe, UB_AIRCR,
					UB_AIRCR_VECTKEY | UB_AIRCR_SYSRESETREQ, &error_local))
			g_debug("AIRCR write: %s", error_local->message);
		break;
	default:
		g_return_val_if_reached(FALSE);
	}

	for (guint i = 0; i < UB_TARGET_POLLS; i++) {
		g_clear_error(&error_local);
		if (!ub_probe_read_u32(self->probe, UB_DHCSR, &dhcsr, &error_local)) {
			ub_target_poll_pause(self, i);
			continue;
		}
		if (dhcsr & UB_DHCSR_S_RESET_ST)
			seen_reset = TRUE;
		if (seen_reset && (!halt || (dhcsr & UB_DHCSR_S_HALT)) &&
		    (dhcsr & UB_DHCSR_S_RESET_ST) == 0)
			break;
		if (!seen_reset && i >= UB_TARGET_POLLS_FAST)
			break;
		ub_target_poll_pause(self, i);
	}
	if (error_local != NULL) {
		g_propagate_prefixed_error(error, g_steal_pointer(&error_local),
					   "after reset: ");
		return FALSE;
	}
	if (!seen_reset) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_RESET_NO_EFFECT,
			    method == UB_RESET_NRST
				? "NRST reset had no effect (is the probe's RST wired to NRST?)"
				: "SYSRESETREQ reset had no effect");
		return FALSE;
	}
	if (dhcsr & UB_DHCSR_S_RESET_ST) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NOT_HALTED,
			    "the core stays in reset (is NRST held low?) (DHCSR 0x%08x)", dhcsr);
		return FALSE;
	}
	if (halt) {
		if ((dhcsr & UB_DHCSR_S_HALT) == 0) {
			g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NOT_HALTED,
				    "the core did not halt on reset (DHCSR 0x%08x)", dhcsr);
			return FALSE;
		}
		/* later resets should run normally */
		if (!ub_probe_write_u32(self->probe, UB_DEMCR, demcr & ~UB_DEMCR_VC_CORERESET,
					error))
			return FALSE;
	}
	return TRUE;
}

gboolean
ub_target_read_core_register(UbTarget *self, guint regsel, guint32 *value, GError **error)
{
	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);
	if (!ub_target_require_connected(self, error))
		return FALSE;
	return ub_probe_read_core_register(self->probe, regsel, value, error);
}

gboolean
ub_target_write_core_register(UbTarget *self, guint regsel, guint32 value, GError **error)
{
	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);
	if (!ub_target_require_connected(self, error))
		return FALSE;
	return ub_probe_write_core_register(self->probe, regsel, value, error);
}

gboolean
ub_target_read_u32(UbTarget *self, guint32 address, guint32 *value, GError **error)
{
	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);
	if (!ub_target_require_connected(self, error))
		return FALSE;
	return ub_probe_read_u32(self->probe, address, value, error);
}

gboolean
ub_target_write_u32(UbTarget *self, guint32 address, guint32 value, GError **error)
{
	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);
	if (!ub_target_require_connected(self, error))
		return FALSE;
	return ub_probe_write_u32(self->probe, address, value, error);
}

static gboolean
ub_target_check_range(guint32 address, gsize len, GError **error)
{
	if (len > (gsize)G_MAXUINT32 + 1 - address) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_INVALID_ARGUMENT,
			    "0x%08x + %" G_GSIZE_FORMAT " runs past the end of the address space",
			    address, len);
		return FALSE;
	}
	return TRUE;
}

/**
 * ub_target_read_memory:
 *
 * Reads in chunks of the probe's largest transfer; checks @cancellable between chunks
 * (each chunk is a couple of USB round trips).
 */
gboolean
ub_target_read_memory(UbTarget *self, guint32 address, guint8 *buffer, gsize len,
		      UbProgress *progress, GCancellable *cancellable, GError **error)
{
	gsize chunk_max;

	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);
	g_return_val_if_fail(buffer != NULL || len == 0, FALSE);

	if (!ub_target_check_range(address, len, error))
		return FALSE;
	if (!ub_target_require_connected(self, error))
		return FALSE;
	chunk_max = ub_probe_get_max_transfer(self->probe);
	for (gsize done = 0; done < len;) {
		gsize chunk = MIN(len - done, chunk_max);
		if (g_cancellable_set_error_if_cancelled(cancellable, error))
			return FALSE;
		if (!ub_probe_read_memory(self->probe, address + (guint32)done, buffer + done,
					  chunk, UB_ACCESS_AUTO, error))
			return FALSE;
		done += chunk;
		if (progress != NULL)
			ub_progress_set_bytes(progress, done, len);
	}
	return TRUE;
}

gboolean
ub_target_write_memory(UbTarget *self, guint32 address, const guint8 *data, gsize len,
		       UbProgress *progress, GCancellable *cancellable, GError **error)
{
	gsize chunk_max;

	g_return_val_if_fail(UB_IS_TARGET(self), FALSE);
	g_return_val_if_fail(data != NULL || len == 0, FALSE);

	if (!ub_target_check_range(address, len, error))
		return FALSE;
	if (!ub_target_require_connected(self, error))
		return FALSE;
	chunk_max = ub_probe_get_max_transfer(self->probe);
	for (gsize done = 0; done < len;) {
		gsize chunk = MIN(len - done, chunk_max);
		if (g_cancellable_set_error_if_cancelled(cancellable, error))
			return FALSE;
		if (!ub_probe_write_memory(self->probe, address + (guint32)done, data + done,
					   chunk, UB_ACCESS_AUTO, error))
			return FALSE;
		done += chunk;
		if (progress != NULL)
			ub_progress_set_bytes(progress, done, len);
	}
	return TRUE;
}

/* RM0090 §3.7.1: RDP byte 0xAA level 0, 0xCC level 2, anything else level 1 */
static guint
ub_target_rdp_level(guint8 rdp)
{
	if (rdp == 0xAA)
		return 0;
	if (rdp == 0xCC)
		return 2;
	return 1;
}

static char *
ub_target_hex(const guint8 *data, gsize len)
{
	GString *str = g_string_sized_new(len * 2);
	for (gsize i = 0; i < len; i++)
		g_string_append_printf(str, "%02X", data[i]);
	return g_string_free(str, FALSE);
}

/**
 * ub_target_read_info:
 * @chip_db: the chip data to identify DBGMCU_IDCODE with
 *
 * Reads everything `unbrick-cli info` shows. Works at RDP level 1 too (the system memory
 * and option registers stay readable); fails with %UB_TARGET_ERROR_UNKNOWN_CHIP when the
 * DEV_ID is not in the chip data.
 *
 * Returns: (transfer full): the identity, without the probe fields (UbDevice adds those)
 */
UbTargetInfo *
ub_target_read_info(UbTarget *self, UbChipDb *chip_db, GCancellable *cancellable,
		    GError **error)
{
	g_autoptr(UbTargetInfo) info = ub_target_info_new();
	g_autoptr(GError) error_local = NULL;
	guint32 idcode = 0;
	guint32 word = 0;
	guint32 optcr = 0;
	guint32 reg;
	guint32 flash_kib;
	guint16 dev_id;
	guint mv = 0;
	guint8 uid[12];
	g_autofree char *uid_hex = NULL;
	UbCoreState state = UB_CORE_STATE_UNKNOWN;
	UbChip *chip;

	g_return_val_if_fail(UB_IS_TARGET(self), NULL);
	g_return_val_if_fail(UB_IS_CHIP_DB(chip_db), NULL);

	if (!ub_probe_get_target_voltage(self->probe, &mv, &error_local)) {
		if (!g_error_matches(error_local, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED)) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return NULL;
		}
		mv = 0;
	}
	ub_target_info_set_voltage_mv(info, mv);
	if (!ub_target_require_connected(self, error))
		return NULL;
	ub_target_info_set_dp_idcode(info, self->dp_idcode);
	ub_target_info_set_cpuid(info, self->cpuid);
	if (g_cancellable_set_error_if_cancelled(cancellable, error))
		return NULL;

	if (!ub_probe_read_u32(self->probe, UB_DBGMCU_IDCODE, &idcode, error)) {
		g_prefix_error(error, "reading DBGMCU_IDCODE: ");
		return NULL;
	}
	ub_target_info_set_dbgmcu_idcode(info, idcode);
	dev_id = idcode & 0xfff;
	chip = ub_chip_db_lookup(chip_db, dev_id, (self->cpuid >> 4) & 0xfff);
	if (chip == NULL) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_UNKNOWN_CHIP,
			    "DEV_ID 0x%03x (DBGMCU_IDCODE 0x%08x, CPUID 0x%08x) is not a known chip",
			    dev_id, idcode, self->cpuid);
		return NULL;
	}
	g_set_object(&self->chip, chip);
	ub_target_info_set_chip(info, ub_chip_get_id(chip), ub_chip_get_name(chip),
				ub_chip_get_dev_id(chip),
				ub_chip_get_revision_name(chip, (guint16)(idcode >> 16)));

	/* the flash size register is a half-word; read its word, as stlink-org does */
	reg = ub_chip_get_flash_size_register(chip);
	if (!ub_probe_read_u32(self->probe, reg & ~3u, &word, error)) {
		g_prefix_error(error, "reading the flash size: ");
		return NULL;
	}
	flash_kib = (word >> ((reg & 3u) * 8)) & 0xffff;
	/* OpenOCD: 0 or 0xFFFF means the register is unreadable; assume the data's default */
	if (flash_kib == 0 || flash_kib == 0xffff)
		ub_target_info_set_flash_size(info, ub_chip_get_flash_default_size(chip));
	else
		ub_target_info_set_flash_size(info, flash_kib * 1024);

	if (g_cancellable_set_error_if_cancelled(cancellable, error))
		return NULL;
	if (!ub_probe_read_memory(self->probe, ub_chip_get_uid_address(chip), uid, sizeof(uid),
				  UB_ACCESS_32, error)) {
		g_prefix_error(error, "reading the unique ID: ");
		return NULL;
	}
	uid_hex = ub_target_hex(uid, sizeof(uid));
	ub_target_info_set_uid(info, uid_hex);

	if (!ub_probe_read_u32(self->probe, ub_chip_get_optcr_address(chip), &optcr, error)) {
		g_prefix_error(error, "reading the option bytes: ");
		return NULL;
	}
	ub_target_info_set_option_bytes(
	    info, optcr, ub_target_rdp_level((optcr >> ub_chip_get_rdp_shift(chip)) & 0xff));

	if (!ub_target_get_core_state(self, &state, error))
		return NULL;
	ub_target_info_set_core_state(info, state);
	return g_steal_pointer(&info);
}

static void
ub_target_finalize(GObject *object)
{
	UbTarget *self = UB_TARGET(object);

	g_clear_object(&self->probe);
	g_clear_object(&self->clock);
	g_clear_object(&self->chip);
	G_OBJECT_CLASS(ub_target_parent_class)->finalize(object);
}

static void
ub_target_class_init(UbTargetClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_target_finalize;
}

static void
ub_target_init(UbTarget *self)
{
}

/**
 * ub_target_new:
 * @probe: an opened probe
 */
UbTarget *
ub_target_new(UbProbe *probe)
{
	UbTarget *self;

	g_return_val_if_fail(UB_IS_PROBE(probe), NULL);

	self = g_object_new(UB_TYPE_TARGET, NULL);
	self->probe = g_object_ref(probe);
	self->clock = g_object_ref(ub_clock_get_system());
	return self;
}

/**
 * ub_target_get_clock:
 *
 * Returns: (transfer none): the clock this target's waits run on
 */
UbClock *
ub_target_get_clock(UbTarget *self)
{
	g_return_val_if_fail(UB_IS_TARGET(self), NULL);
	return self->clock;
}

/**
 * ub_target_set_clock:
 * @clock: what polling pauses wait on (the device's clock)
 */
void
ub_target_set_clock(UbTarget *self, UbClock *clock)
{
	g_return_if_fail(UB_IS_TARGET(self));
	g_return_if_fail(UB_IS_CLOCK(clock));
	g_set_object(&self->clock, clock);
}
