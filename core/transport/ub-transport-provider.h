/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbTransportProvider: how a listed probe is reached when it is not a USB device that libusb
 * opens, and what world lies behind it. A simulated bench is one: it opens its in-process
 * transport, and gives the clock its time runs on and the (simulated) person standing at it.
 * UbDevice asks the provider of its UbProbeInfo for all three; a probe without a provider is
 * opened through libusb, on the system clock, with whatever person the caller sets.
 *
 * This is the one seam through which a simulator reaches production code: nothing above the
 * transport knows which kind of provider it has.
 */
#pragma once

#include <glib-object.h>

#include "ub-clock.h"
#include "ub-person.h"
#include "ub-transport.h"

G_BEGIN_DECLS

typedef struct _UbProbeInfo UbProbeInfo;

#define UB_TYPE_TRANSPORT_PROVIDER (ub_transport_provider_get_type())
G_DECLARE_INTERFACE(UbTransportProvider, ub_transport_provider, UB, TRANSPORT_PROVIDER, GObject)

struct _UbTransportProviderInterface {
	GTypeInterface parent_iface;
	UbTransport *(*open)(UbTransportProvider *self, UbProbeInfo *info, GError **error);
	/* (transfer none) (nullable): NULL means the system clock */
	UbClock *(*get_clock)(UbTransportProvider *self);
	/* (transfer none) (nullable): NULL means nobody in particular */
	UbPerson *(*get_person)(UbTransportProvider *self);
	/* a name to show for where the probe is (e.g. the bench's name) */
	const char *(*get_name)(UbTransportProvider *self);
};

UbTransport *ub_transport_provider_open(UbTransportProvider *self, UbProbeInfo *info,
					GError **error) G_GNUC_WARN_UNUSED_RESULT;
UbClock *ub_transport_provider_get_clock(UbTransportProvider *self);
UbPerson *ub_transport_provider_get_person(UbTransportProvider *self);
const char *ub_transport_provider_get_name(UbTransportProvider *self);

G_END_DECLS
