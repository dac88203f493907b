/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ub-transport-provider.h"

G_DEFINE_INTERFACE(UbTransportProvider, ub_transport_provider, G_TYPE_OBJECT)

static void
ub_transport_provider_default_init(UbTransportProviderInterface *iface)
{
}

UbTransport *
ub_transport_provider_open(UbTransportProvider *self, UbProbeInfo *info, GError **error)
{
	g_return_val_if_fail(UB_IS_TRANSPORT_PROVIDER(self), NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);
	return UB_TRANSPORT_PROVIDER_GET_IFACE(self)->open(self, info, error);
}

UbClock *
ub_transport_provider_get_clock(UbTransportProvider *self)
{
	UbTransportProviderInterface *iface;

	g_return_val_if_fail(UB_IS_TRANSPORT_PROVIDER(self), NULL);
	iface = UB_TRANSPORT_PROVIDER_GET_IFACE(self);
	return iface->get_clock != NULL ? iface->get_clock(self) : NULL;
}

UbPerson *
ub_transport_provider_get_person(UbTransportProvider *self)
{
	UbTransportProviderInterface *iface;

	g_return_val_if_fail(UB_IS_TRANSPORT_PROVIDER(self), NULL);
	iface = UB_TRANSPORT_PROVIDER_GET_IFACE(self);
	return iface->get_person != NULL ? iface->get_person(self) : NULL;
}

const char *
ub_transport_provider_get_name(UbTransportProvider *self)
{
	UbTransportProviderInterface *iface;

	g_return_val_if_fail(UB_IS_TRANSPORT_PROVIDER(self), NULL);
	iface = UB_TRANSPORT_PROVIDER_GET_IFACE(self);
	return iface->get_name != NULL ? iface->get_name(self) : NULL;
}
