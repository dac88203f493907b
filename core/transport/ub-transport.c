/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error.h"
#include "ub-transport.h"

typedef struct {
	guint16 vendor_id;
	guint16 product_id;
	char *serial;
	char *path;
	UbProbeKind kind;
	char *product;
	guint8 endpoint_out;
	guint8 endpoint_in;
	guint16 max_packet;
	gboolean closed;
} UbTransportPrivate;

G_DEFINE_TYPE_WITH_PRIVATE(UbTransport, ub_transport, G_TYPE_OBJECT)
#define GET_PRIVATE(o) ((UbTransportPrivate *)ub_transport_get_instance_private(o))

/**
 * ub_transport_bulk_write:
 * @endpoint: the OUT endpoint address
 * @timeout_ms: how long the probe may take to accept the data
 *
 * Sends @len bytes in one bulk OUT transfer.
 */
gboolean
ub_transport_bulk_write(UbTransport *self, guint8 endpoint, const guint8 *data, gsize len,
			guint timeout_ms, GError **error)
{
	UbTransportClass *klass;
	UbTransportPrivate *priv;

	g_return_val_if_fail(UB_IS_TRANSPORT(self), FALSE);
	g_return_val_if_fail(data != NULL || len == 0, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	klass = UB_TRANSPORT_GET_CLASS(self);
	priv = GET_PRIVATE(self);
	if (priv->closed) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_DISCONNECTED,
				    "transport is closed");
		return FALSE;
	}
	if (klass->bulk_write == NULL) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
				    "bulk write not supported");
		return FALSE;
	}
	return klass->bulk_write(self, endpoint, data, len, timeout_ms, error);
}

/**
 * ub_transport_bulk_read:
 * @endpoint: the IN endpoint address
 * @actual: (out) (optional): how many bytes arrived (a short reply is not an error)
 *
 * Reads one bulk IN transfer of at most @len bytes.
 */
gboolean
ub_transport_bulk_read(UbTransport *self, guint8 endpoint, guint8 *buffer, gsize len,
		       guint timeout_ms, gsize *actual, GError **error)
{
	UbTransportClass *klass;
	UbTransportPrivate *priv;
	gsize actual_tmp = 0;

	g_return_val_if_fail(UB_IS_TRANSPORT(self), FALSE);
	g_return_val_if_fail(buffer != NULL || len == 0, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	klass = UB_TRANSPORT_GET_CLASS(self);
	priv = GET_PRIVATE(self);
	if (priv->closed) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_DISCONNECTED,
				    "transport is closed");
		return FALSE;
	}
	if (klass->bulk_read == NULL) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
				    "bulk read not supported");
		return FALSE;
	}
	if (!klass->bulk_read(self, endpoint, buffer, len, timeout_ms, &actual_tmp, error))
		return FALSE;
	if (actual != NULL)
		*actual = actual_tmp;
	return TRUE;
}

/**
 * ub_transport_close:
 *
 * Releases the device; later transfers fail with %UB_PROBE_ERROR_DISCONNECTED. Closing
 * twice is allowed.
 */
gboolean
ub_transport_reset(UbTransport *self, GError **error)
{
	UbTransportClass *klass;

	g_return_val_if_fail(UB_IS_TRANSPORT(self), FALSE);
	klass = UB_TRANSPORT_GET_CLASS(self);
	if (klass->reset == NULL) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
				    "this transport cannot reset the probe");
		return FALSE;
	}
	return klass->reset(self, error);
}

gboolean
ub_transport_close(UbTransport *self, GError **error)
{
	UbTransportClass *klass;
	UbTransportPrivate *priv;

	g_return_val_if_fail(UB_IS_TRANSPORT(self), FALSE);

	klass = UB_TRANSPORT_GET_CLASS(self);
	priv = GET_PRIVATE(self);
	if (priv->closed)
		return TRUE;
	priv->closed = TRUE;
	if (klass->close != NULL)
		return klass->close(self, error);
	return TRUE;
}

guint16
ub_transport_get_vendor_id(UbTransport *self)
{
	g_return_val_if_fail(UB_IS_TRANSPORT(self), 0);
	return GET_PRIVATE(self)->vendor_id;
}

guint16
ub_transport_get_product_id(UbTransport *self)
{
	g_return_val_if_fail(UB_IS_TRANSPORT(self), 0);
	return GET_PRIVATE(self)->product_id;
}

const char *
ub_transport_get_serial(UbTransport *self)
{
	g_return_val_if_fail(UB_IS_TRANSPORT(self), NULL);
	return GET_PRIVATE(self)->serial;
}

const char *
ub_transport_get_path(UbTransport *self)
{
	g_return_val_if_fail(UB_IS_TRANSPORT(self), NULL);
	return GET_PRIVATE(self)->path;
}

void
ub_transport_set_identity(UbTransport *self, guint16 vendor_id, guint16 product_id,
			  const char *serial, const char *path)
{
	UbTransportPrivate *priv;

	g_return_if_fail(UB_IS_TRANSPORT(self));

	priv = GET_PRIVATE(self);
	priv->vendor_id = vendor_id;
	priv->product_id = product_id;
	g_free(priv->serial);
	priv->serial = g_strdup(serial);
	g_free(priv->path);
	priv->path = g_strdup(path);
}

UbProbeKind
ub_transport_get_kind(UbTransport *self)
{
	UbTransportPrivate *priv;

	g_return_val_if_fail(UB_IS_TRANSPORT(self), UB_PROBE_KIND_UNKNOWN);
	priv = GET_PRIVATE(self);
	/* a transport that was not told uses the ST-LINK rule: the ids */
	if (priv->kind == UB_PROBE_KIND_UNKNOWN)
		return ub_probe_kind_from_usb_ids(priv->vendor_id, priv->product_id);
	return priv->kind;
}

const char *
ub_transport_get_product(UbTransport *self)
{
	g_return_val_if_fail(UB_IS_TRANSPORT(self), NULL);
	return GET_PRIVATE(self)->product;
}

void
ub_transport_set_kind(UbTransport *self, UbProbeKind kind, const char *product)
{
	UbTransportPrivate *priv;

	g_return_if_fail(UB_IS_TRANSPORT(self));
	priv = GET_PRIVATE(self);
	priv->kind = kind;
	g_free(priv->product);
	priv->product = g_strdup(product);
}

guint8
ub_transport_get_endpoint_out(UbTransport *self)
{
	g_return_val_if_fail(UB_IS_TRANSPORT(self), 0);
	return GET_PRIVATE(self)->endpoint_out;
}

guint8
ub_transport_get_endpoint_in(UbTransport *self)
{
	g_return_val_if_fail(UB_IS_TRANSPORT(self), 0);
	return GET_PRIVATE(self)->endpoint_in;
}

guint16
ub_transport_get_max_packet(UbTransport *self)
{
	g_return_val_if_fail(UB_IS_TRANSPORT(self), 0);
	return GET_PRIVATE(self)->max_packet;
}

void
ub_transport_set_endpoints(UbTransport *self, guint8 endpoint_out, guint8 endpoint_in,
			   guint16 max_packet)
{
	UbTransportPrivate *priv;

	g_return_if_fail(UB_IS_TRANSPORT(self));
	priv = GET_PRIVATE(self);
	priv->endpoint_out = endpoint_out;
	priv->endpoint_in = endpoint_in;
	priv->max_packet = max_packet;
}

static void
ub_transport_finalize(GObject *object)
{
	UbTransport *self = UB_TRANSPORT(object);
	UbTransportPrivate *priv = GET_PRIVATE(self);

	g_free(priv->product);
	g_free(priv->serial);
	g_free(priv->path);
	G_OBJECT_CLASS(ub_transport_parent_class)->finalize(object);
}

static void
ub_transport_class_init(UbTransportClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	object_class->finalize = ub_transport_finalize;
}

static void
ub_transport_init(UbTransport *self)
{
}
