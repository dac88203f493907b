/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error.h"
#include "ub-transport-sim.h"

struct _UbTransportSim {
	UbTransport parent_instance;
	UbSimBoard *board;
	UbSimStlink *stlink;
	/* fault injection for tests (ub_transport_sim_set_fault) */
	UbTransportSimFault fault;
	guint fault_countdown;
	gboolean unplugged;
};

G_DEFINE_TYPE(UbTransportSim, ub_transport_sim, UB_TYPE_TRANSPORT)

/* counts a transfer towards an injected fault; FALSE once the probe is "unplugged", or while
 * the bench's USB does not answer (the host then waits its whole timeout) */
static gboolean
ub_transport_sim_fault_step(UbTransportSim *self, guint timeout_ms, GError **error)
{
	UbSimFaults *faults = ub_sim_board_get_faults(self->board);
	UbSimClock *clock = ub_sim_board_get_clock(self->board);

	if (!self->unplugged && self->fault != UB_TRANSPORT_SIM_FAULT_NONE) {
		if (self->fault_countdown > 0)
			self->fault_countdown--;
		if (self->fault_countdown == 0) {
			if (self->fault == UB_TRANSPORT_SIM_FAULT_UNPLUG)
				self->unplugged = TRUE;
			else
				ub_sim_mcu_set_powered(ub_sim_board_get_mcu(self->board), FALSE);
			self->fault = UB_TRANSPORT_SIM_FAULT_NONE;
		}
	}
	if (self->unplugged || !ub_sim_faults_get_plugged(faults)) {
		/* a new transport is a new plug-in: this one stays gone */
		self->unplugged = TRUE;
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_DISCONNECTED,
				    "the probe was unplugged");
		return FALSE;
	}
	if (ub_sim_clock_get_ns(clock) < ub_sim_faults_get_usb_stall_until(faults)) {
		ub_sim_clock_advance(clock, (guint64)timeout_ms * UB_SIM_NS_PER_MS);
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_TIMEOUT,
			    "the probe did not answer within %u ms", timeout_ms);
		return FALSE;
	}
	return TRUE;
}

static gboolean
ub_transport_sim_bulk_write(UbTransport *transport, guint8 endpoint, const guint8 *data, gsize len,
			    guint timeout_ms, GError **error)
{
	UbTransportSim *self = UB_TRANSPORT_SIM(transport);

	if (!ub_transport_sim_fault_step(self, timeout_ms, error))
		return FALSE;
	ub_sim_stlink_bulk_out(self->stlink, endpoint, data, len);
	return TRUE;
}

static gboolean
ub_transport_sim_bulk_read(UbTransport *transport, guint8 endpoint, guint8 *buffer, gsize len,
			   guint timeout_ms, gsize *actual, GError **error)
{
	UbTransportSim *self = UB_TRANSPORT_SIM(transport);
	gssize rc;

	if (!ub_transport_sim_fault_step(self, timeout_ms, error))
		return FALSE;
	/* The model answers synchronously inside bulk_out, so "no data" (a NAK) cannot turn
	 * into data by waiting: nothing else advances the bench while the host waits. A real
	 * host would see the transfer time out after timeout_ms. */
	rc = ub_sim_stlink_bulk_in(self->stlink, endpoint, buffer, len);
	if (rc < 0) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_TIMEOUT,
			    "reading from the probe: no reply within %u ms", timeout_ms);
		return FALSE;
	}
	*actual = (gsize)rc;
	return TRUE;
}

static void
ub_transport_sim_finalize(GObject *object)
{
	UbTransportSim *self = UB_TRANSPORT_SIM(object);

	g_clear_object(&self->board);
	G_OBJECT_CLASS(ub_transport_sim_parent_class)->finalize(object);
}

static void
ub_transport_sim_class_init(UbTransportSimClass *klass)
{
	UbTransportClass *transport_class = UB_TRANSPORT_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = ub_transport_sim_finalize;
	transport_class->bulk_write = ub_transport_sim_bulk_write;
	transport_class->bulk_read = ub_transport_sim_bulk_read;
}

static void
ub_transport_sim_init(UbTransportSim *self)
{
}

/**
 * ub_transport_sim_new:
 * @board: the bench; only the thread using the transport may touch it afterwards
 *
 * Returns: (transfer full): a transport with the simulated probe's USB identity
 */
UbTransportSim *
ub_transport_sim_new(UbSimBoard *board)
{
	UbTransportSim *self;
	const UbSimUsbIdentity *identity;
	g_autofree char *path = NULL;

	g_return_val_if_fail(UB_IS_SIM_BOARD(board), NULL);

	self = g_object_new(UB_TYPE_TRANSPORT_SIM, NULL);
	self->board = g_object_ref(board);
	self->stlink = ub_sim_board_get_stlink(board);
	identity = ub_sim_stlink_get_identity(self->stlink);
	path = g_strdup_printf("sim:%s", ub_sim_board_get_name(board));
	ub_transport_set_identity(UB_TRANSPORT(self), identity->vendor_id, identity->product_id,
				  identity->serial, path);
	return self;
}

/**
 * ub_transport_sim_new_for_board_name:
 * @name: a bench from resources/data/sim-boards/, e.g. "focbox"
 */
UbTransportSim *
ub_transport_sim_new_for_board_name(const char *name, GError **error)
{
	g_autoptr(UbSimBoard) board = NULL;

	g_return_val_if_fail(name != NULL, NULL);

	board = ub_sim_board_new_from_name(name, error);
	if (board == NULL)
		return NULL;
	return ub_transport_sim_new(board);
}

UbSimBoard *
ub_transport_sim_get_board(UbTransportSim *self)
{
	g_return_val_if_fail(UB_IS_TRANSPORT_SIM(self), NULL);
	return self->board;
}

/**
 * ub_transport_sim_set_fault:
 * @fault: what happens: the probe's USB goes away for good (a new transport is a re-plug),
 *   or the board loses its supply (ub_sim_mcu_set_powered() brings it back)
 * @after_transfers: how many more bulk transfers go through first
 *
 * Test hook for failures in the middle of a job. Set it between jobs.
 */
void
ub_transport_sim_set_fault(UbTransportSim *self, UbTransportSimFault fault, guint after_transfers)
{
	g_return_if_fail(UB_IS_TRANSPORT_SIM(self));
	self->fault = fault;
	self->fault_countdown = after_transfers;
}
