/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-error.h"
#include "ub-probe.h"

typedef struct {
	UbTransport *transport;
	UbClock *clock;
	UbProbeKind kind;
	char *firmware_version;
	gsize max_transfer;
	UbProbeFeatures features;
} UbProbePrivate;

G_DEFINE_TYPE_WITH_PRIVATE(UbProbe, ub_probe, G_TYPE_OBJECT)
#define GET_PRIVATE(o) ((UbProbePrivate *)ub_probe_get_instance_private(o))

enum { PROP_0, PROP_TRANSPORT, PROP_LAST };

static gboolean
ub_probe_not_supported(UbProbe *self, const char *what, GError **error)
{
	g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED, "%s cannot %s",
		    G_OBJECT_TYPE_NAME(self), what);
	return FALSE;
}

UbTransport *
ub_probe_get_transport(UbProbe *self)
{
	g_return_val_if_fail(UB_IS_PROBE(self), NULL);
	return GET_PRIVATE(self)->transport;
}

UbProbeKind
ub_probe_get_kind(UbProbe *self)
{
	g_return_val_if_fail(UB_IS_PROBE(self), UB_PROBE_KIND_UNKNOWN);
	return GET_PRIVATE(self)->kind;
}

void
ub_probe_set_kind(UbProbe *self, UbProbeKind kind)
{
	g_return_if_fail(UB_IS_PROBE(self));
	GET_PRIVATE(self)->kind = kind;
}

const char *
ub_probe_get_firmware_version(UbProbe *self)
{
	g_return_val_if_fail(UB_IS_PROBE(self), NULL);
	return GET_PRIVATE(self)->firmware_version;
}

void
ub_probe_set_firmware_version(UbProbe *self, const char *version)
{
	UbProbePrivate *priv;

	g_return_if_fail(UB_IS_PROBE(self));
	priv = GET_PRIVATE(self);
	g_free(priv->firmware_version);
	priv->firmware_version = g_strdup(version);
}

gsize
ub_probe_get_max_transfer(UbProbe *self)
{
	g_return_val_if_fail(UB_IS_PROBE(self), 0);
	return GET_PRIVATE(self)->max_transfer;
}

gboolean
ub_probe_supports_access(UbProbe *self, UbAccess access)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->supports_access == NULL)
		return TRUE;
	return klass->supports_access(self, access);
}

void
ub_probe_set_max_transfer(UbProbe *self, gsize max_transfer)
{
	g_return_if_fail(UB_IS_PROBE(self));
	g_return_if_fail(max_transfer >= 4);
	GET_PRIVATE(self)->max_transfer = max_transfer;
}

UbProbeFeatures
ub_probe_get_features(UbProbe *self)
{
	g_return_val_if_fail(UB_IS_PROBE(self), UB_PROBE_FEATURE_NONE);
	return GET_PRIVATE(self)->features;
}

void
ub_probe_set_features(UbProbe *self, UbProbeFeatures features)
{
	g_return_if_fail(UB_IS_PROBE(self));
	GET_PRIVATE(self)->features = features;
}

gboolean
ub_probe_open(UbProbe *self, GError **error)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->open == NULL)
		return TRUE;
	return klass->open(self, error);
}

gboolean
ub_probe_close(UbProbe *self, GError **error)
{
	UbProbeClass *klass;
	UbProbePrivate *priv;
	g_autoptr(GError) error_local = NULL;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	priv = GET_PRIVATE(self);
	/* the transport is released even when the probe's goodbye fails */
	if (klass->close != NULL && !klass->close(self, &error_local))
		g_debug("closing probe: %s", error_local->message);
	if (priv->transport != NULL && !ub_transport_close(priv->transport, error))
		return FALSE;
	if (error_local != NULL) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	return TRUE;
}

/**
 * ub_probe_get_target_voltage:
 * @millivolts: (out): the target's VCC as measured by the probe
 */
gboolean
ub_probe_get_target_voltage(UbProbe *self, guint *millivolts, GError **error)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	g_return_val_if_fail(millivolts != NULL, FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->get_target_voltage == NULL)
		return ub_probe_not_supported(self, "measure the target voltage", error);
	return klass->get_target_voltage(self, millivolts, error);
}

/**
 * ub_probe_set_swd_frequency:
 * @khz: wanted SWCLK frequency; the probe picks the fastest it has that is not faster
 * @actual_khz: (out) (optional): what it picked
 */
gboolean
ub_probe_set_swd_frequency(UbProbe *self, guint khz, guint *actual_khz, GError **error)
{
	UbProbeClass *klass;
	guint actual_tmp = 0;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->set_swd_frequency == NULL)
		return ub_probe_not_supported(self, "set the SWD frequency", error);
	if (!klass->set_swd_frequency(self, khz, &actual_tmp, error))
		return FALSE;
	if (actual_khz != NULL)
		*actual_khz = actual_tmp;
	return TRUE;
}

gboolean
ub_probe_enter_swd(UbProbe *self, GError **error)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->enter_swd == NULL)
		return ub_probe_not_supported(self, "enter SWD mode", error);
	return klass->enter_swd(self, error);
}

gboolean
ub_probe_leave_debug(UbProbe *self, GError **error)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->leave_debug == NULL)
		return TRUE;
	return klass->leave_debug(self, error);
}

gboolean
ub_probe_read_dp_idcode(UbProbe *self, guint32 *idcode, GError **error)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	g_return_val_if_fail(idcode != NULL, FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->read_dp_idcode == NULL)
		return ub_probe_not_supported(self, "read the DP IDCODE", error);
	return klass->read_dp_idcode(self, idcode, error);
}

/**
 * ub_probe_read_memory:
 * @len: at most ub_probe_get_max_transfer() bytes
 * @access: %UB_ACCESS_AUTO, or a width the address and length must be aligned to
 *
 * Reads target memory through the AHB-AP.
 */
gboolean
ub_probe_read_memory(UbProbe *self, guint32 address, guint8 *buffer, gsize len, UbAccess access,
		     GError **error)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	g_return_val_if_fail(buffer != NULL || len == 0, FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->read_memory == NULL)
		return ub_probe_not_supported(self, "read memory", error);
	if (len == 0)
		return TRUE;
	return klass->read_memory(self, address, buffer, len, access, error);
}

/**
 * ub_probe_read_memory_unchecked:
 *
 * As ub_probe_read_memory(), for data the caller checks by other means (the chip's CRC of
 * the same blocks): the probe may leave out the status query it would send after each
 * command (an ST-LINK's GETLASTRWSTATUS2, a round trip of its own), so a FAULT or WAIT on
 * the wires may come back as wrong data rather than as an error. USB errors still fail.
 */
gboolean
ub_probe_read_memory_unchecked(UbProbe *self, guint32 address, guint8 *buffer, gsize len,
			       UbAccess access, GError **error)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	g_return_val_if_fail(buffer != NULL || len == 0, FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->read_memory_unchecked == NULL)
		return ub_probe_read_memory(self, address, buffer, len, access, error);
	if (len == 0)
		return TRUE;
	return klass->read_memory_unchecked(self, address, buffer, len, access, error);
}

gboolean
ub_probe_write_memory(UbProbe *self, guint32 address, const guint8 *data, gsize len,
		      UbAccess access, GError **error)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	g_return_val_if_fail(data != NULL || len == 0, FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->write_memory == NULL)
		return ub_probe_not_supported(self, "write memory", error);
	if (len == 0)
		return TRUE;
	return klass->write_memory(self, address, data, len, access, error);
}

/**
 * ub_probe_read_u32:
 *
 * One 32-bit read of any address (a debug register, a peripheral register, a word of flash).
 */
gboolean
ub_probe_read_u32(UbProbe *self, guint32 address, guint32 *value, GError **error)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	g_return_val_if_fail(value != NULL, FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->read_u32 == NULL)
		return ub_probe_not_supported(self, "read a register", error);
	return klass->read_u32(self, address, value, error);
}

gboolean
ub_probe_write_u32(UbProbe *self, guint32 address, guint32 value, GError **error)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->write_u32 == NULL)
		return ub_probe_not_supported(self, "write a register", error);
	return klass->write_u32(self, address, value, error);
}

/**
 * ub_probe_read_core_register:
 * @regsel: a DCRSR REGSEL value (0–15 r0–pc, 16 xPSR, 17 MSP, 18 PSP, 0x14 CONTROL/...)
 *
 * Only meaningful while the core is halted.
 */
gboolean
ub_probe_read_core_register(UbProbe *self, guint regsel, guint32 *value, GError **error)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	g_return_val_if_fail(value != NULL, FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->read_core_register == NULL)
		return ub_probe_not_supported(self, "read a core register", error);
	return klass->read_core_register(self, regsel, value, error);
}

gboolean
ub_probe_write_core_register(UbProbe *self, guint regsel, guint32 value, GError **error)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->write_core_register == NULL)
		return ub_probe_not_supported(self, "write a core register", error);
	return klass->write_core_register(self, regsel, value, error);
}

gboolean
ub_probe_drive_nrst(UbProbe *self, UbNrst action, GError **error)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->drive_nrst == NULL)
		return ub_probe_not_supported(self, "drive NRST", error);
	return klass->drive_nrst(self, action, error);
}

/**
 * ub_probe_reset_system:
 *
 * The probe's own "reset the target" command (ST-LINK RESETSYS); what it does on the wire
 * depends on the probe firmware.
 */
gboolean
ub_probe_reset_system(UbProbe *self, GError **error)
{
	UbProbeClass *klass;

	g_return_val_if_fail(UB_IS_PROBE(self), FALSE);
	klass = UB_PROBE_GET_CLASS(self);
	if (klass->reset_system == NULL)
		return ub_probe_not_supported(self, "reset the target", error);
	return klass->reset_system(self, error);
}

static void
ub_probe_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	UbProbePrivate *priv = GET_PRIVATE(UB_PROBE(object));

	switch (prop_id) {
	case PROP_TRANSPORT:
		g_value_set_object(value, priv->transport);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

static void
ub_probe_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
	UbProbePrivate *priv = GET_PRIVATE(UB_PROBE(object));

	switch (prop_id) {
	case PROP_TRANSPORT:
		g_set_object(&priv->transport, g_value_get_object(value));
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

static void
ub_probe_finalize(GObject *object)
{
	UbProbePrivate *priv = GET_PRIVATE(UB_PROBE(object));

	g_clear_object(&priv->transport);
	g_clear_object(&priv->clock);
	g_free(priv->firmware_version);
	G_OBJECT_CLASS(ub_probe_parent_class)->finalize(object);
}

static void
ub_probe_class_init(UbProbeClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->get_property = ub_probe_get_property;
	object_class->set_property = ub_probe_set_property;
	object_class->finalize = ub_probe_finalize;

	/* construct-only: subclasses are created with g_object_new(..., "transport", t) */
	g_object_class_install_property(
	    object_class, PROP_TRANSPORT,
	    g_param_spec_object("transport", NULL, NULL, UB_TYPE_TRANSPORT,
				G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
}

static void
ub_probe_init(UbProbe *self)
{
	GET_PRIVATE(self)->max_transfer = 4096;
	/* what most probes have; a subclass says otherwise once it knows */
	GET_PRIVATE(self)->features = UB_PROBE_FEATURE_TARGET_VOLTAGE | UB_PROBE_FEATURE_NRST;
	GET_PRIVATE(self)->clock = g_object_ref(ub_clock_get_system());
}

/**
 * ub_probe_get_clock:
 *
 * Returns: (transfer none): what the probe's retries wait on (the device's clock)
 */
UbClock *
ub_probe_get_clock(UbProbe *self)
{
	g_return_val_if_fail(UB_IS_PROBE(self), NULL);
	return GET_PRIVATE(self)->clock;
}

void
ub_probe_set_clock(UbProbe *self, UbClock *clock)
{
	g_return_if_fail(UB_IS_PROBE(self));
	g_return_if_fail(UB_IS_CLOCK(clock));
	g_set_object(&GET_PRIVATE(self)->clock, clock);
}
