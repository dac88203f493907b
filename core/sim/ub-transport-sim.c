/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error.h"
#include "ub-transport-sim.h"

struct _UbTransportSim {
	UbTransport parent_instance;
	UbSimBoard *board;
	UbSimProbe *probe;
	/* fault injection for tests (ub_transport_sim_set_fault) */
	UbTransportSimFault fault;
	guint fault_countdown;
	gboolean unplugged;
	guint plug_ins; /* the bench's count when this handle was opened */
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
			if (self->fault == UB_TRANSPORT_SIM_FAULT_UNPLUG) {
				/* the probe loses its power: plugged in again it starts afresh */
				self->unplugged = TRUE;
				ub_sim_probe_usb_reset(self->probe);
			}
			else
				ub_sim_mcu_set_powered(ub_sim_board_get_mcu(self->board), FALSE);
			self->fault = UB_TRANSPORT_SIM_FAULT_NONE;
		}
	}
	if (self->unplugged || !ub_sim_faults_get_plugged(faults) ||
	    ub_sim_faults_get_plug_ins(faults) != self->plug_ins) {
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
	/* nothing else runs while the host waits: a NAKed packet would time out */
	if (!ub_sim_probe_bulk_out(self->probe, endpoint, data, len)) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_TIMEOUT,
			    "sending to the probe: not taken within %u ms (its buffers are full)",
			    timeout_ms);
		return FALSE;
	}
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
	rc = ub_sim_probe_bulk_in(self->probe, endpoint, buffer, len);
	if (rc == UB_SIM_PROBE_IN_OVERFLOW) {
		/* what libusb reports as LIBUSB_ERROR_OVERFLOW (ub_usb_error_convert) */
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
			    "reading from the probe: overflow (a %" G_GSIZE_FORMAT
			    "-byte read is shorter than the probe's packet)",
			    len);
		return FALSE;
	}
	if (rc < 0) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_TIMEOUT,
			    "reading from the probe: no reply within %u ms", timeout_ms);
		return FALSE;
	}
	*actual = (gsize)rc;
	return TRUE;
}

static gboolean
ub_transport_sim_reset(UbTransport *transport, GError **error)
{
	UbTransportSim *self = UB_TRANSPORT_SIM(transport);

	/* a port reset goes through the same hub: while the USB is silent it fails too (libusb
	 * gives a reset about a second) */
	if (!ub_transport_sim_fault_step(self, 1000, error))
		return FALSE;
	ub_sim_probe_usb_reset(self->probe);
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
	transport_class->reset = ub_transport_sim_reset;
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
	self->probe = ub_sim_board_get_probe(board);
	self->plug_ins = ub_sim_faults_get_plug_ins(ub_sim_board_get_faults(board));
	identity = ub_sim_probe_get_identity(self->probe);
	path = g_strdup_printf("sim:%s", ub_sim_board_get_name(board));
	ub_transport_set_identity(UB_TRANSPORT(self), identity->vendor_id, identity->product_id,
				  identity->serial, path);
	/* what a host learns from the descriptors (UbTransportUsb reads the same strings) */
	if (identity->descriptors == UB_SIM_USB_DESCRIPTORS_DAPLINK_HID) {
		/* a HID interface only: CMSIS-DAP v1 */
		ub_transport_set_kind(UB_TRANSPORT(self), UB_PROBE_KIND_CMSIS_DAP_V1,
				      identity->product);
	} else if (ub_probe_string_names_cmsis_dap(identity->interface_name)) {
		ub_transport_set_kind(UB_TRANSPORT(self), UB_PROBE_KIND_CMSIS_DAP,
				      identity->product);
		ub_transport_set_endpoints(UB_TRANSPORT(self), identity->endpoint_out,
					   identity->endpoint_in, identity->max_packet);
	} else {
		ub_transport_set_kind(UB_TRANSPORT(self),
				      ub_probe_kind_from_usb_ids(identity->vendor_id,
								 identity->product_id),
				      identity->product);
	}
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
