/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-sim-probe.h"

G_DEFINE_INTERFACE(UbSimProbe, ub_sim_probe, G_TYPE_OBJECT)

static void
ub_sim_probe_default_init(UbSimProbeInterface *iface)
{
}

const UbSimUsbIdentity *
ub_sim_probe_get_identity(UbSimProbe *self)
{
	g_return_val_if_fail(UB_IS_SIM_PROBE(self), NULL);
	return UB_SIM_PROBE_GET_IFACE(self)->get_identity(self);
}

UbSimLink *
ub_sim_probe_get_link(UbSimProbe *self)
{
	g_return_val_if_fail(UB_IS_SIM_PROBE(self), NULL);
	return UB_SIM_PROBE_GET_IFACE(self)->get_link(self);
}

gboolean
ub_sim_probe_bulk_out(UbSimProbe *self, guint8 endpoint, const guint8 *data, gsize len)
{
	g_return_val_if_fail(UB_IS_SIM_PROBE(self), FALSE);
	g_return_val_if_fail(data != NULL || len == 0, FALSE);
	return UB_SIM_PROBE_GET_IFACE(self)->bulk_out(self, endpoint, data, len);
}

gssize
ub_sim_probe_bulk_in(UbSimProbe *self, guint8 endpoint, guint8 *buffer, gsize len)
{
	g_return_val_if_fail(UB_IS_SIM_PROBE(self), -1);
	g_return_val_if_fail(buffer != NULL || len == 0, -1);
	return UB_SIM_PROBE_GET_IFACE(self)->bulk_in(self, endpoint, buffer, len);
}

void
ub_sim_probe_usb_reset(UbSimProbe *self)
{
	g_return_if_fail(UB_IS_SIM_PROBE(self));
	UB_SIM_PROBE_GET_IFACE(self)->usb_reset(self);
}

void
ub_sim_probe_get_stats(UbSimProbe *self, UbSimProbeStats *stats)
{
	g_return_if_fail(UB_IS_SIM_PROBE(self));
	g_return_if_fail(stats != NULL);
	memset(stats, 0, sizeof(*stats));
	UB_SIM_PROBE_GET_IFACE(self)->get_stats(self, stats);
}

void
ub_sim_probe_reset_stats(UbSimProbe *self)
{
	g_return_if_fail(UB_IS_SIM_PROBE(self));
	UB_SIM_PROBE_GET_IFACE(self)->reset_stats(self);
}

guint
ub_sim_probe_get_swd_khz(UbSimProbe *self)
{
	g_return_val_if_fail(UB_IS_SIM_PROBE(self), 0);
	return UB_SIM_PROBE_GET_IFACE(self)->get_swd_khz(self);
}

const char *
ub_sim_probe_get_kind_name(UbSimProbe *self)
{
	g_return_val_if_fail(UB_IS_SIM_PROBE(self), NULL);
	return UB_SIM_PROBE_GET_IFACE(self)->get_kind_name(self);
}
