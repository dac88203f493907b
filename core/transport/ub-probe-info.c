/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-probe-info.h"

struct _UbProbeInfo {
	GObject parent_instance;
	UbProbeKind kind;
	guint16 vendor_id;
	guint16 product_id;
	char *product;
	char *serial;
	char *firmware_version;
	char *path;
	guint8 bus;
	guint8 address;
	UbTransportProvider *provider;
	GError *problem;
};

G_DEFINE_TYPE(UbProbeInfo, ub_probe_info, G_TYPE_OBJECT)

/* reference/stlink-and-stm32f4.md §1.1; 0x374A is the V2-1 "audio" variant stlink-org and
 * pyOCD accept (OpenOCD 0.12 does not list it) */
static const struct {
	guint16 product_id;
	UbProbeKind kind;
} ub_stlink_product_ids[] = {
    {0x3744, UB_PROBE_KIND_STLINK_V1},	 {0x3748, UB_PROBE_KIND_STLINK_V2},
    {0x374A, UB_PROBE_KIND_STLINK_V2_1}, {0x374B, UB_PROBE_KIND_STLINK_V2_1},
    {0x3752, UB_PROBE_KIND_STLINK_V2_1},
    {0x374E, UB_PROBE_KIND_STLINK_V3},	 {0x374F, UB_PROBE_KIND_STLINK_V3},
    {0x3753, UB_PROBE_KIND_STLINK_V3},	 {0x3754, UB_PROBE_KIND_STLINK_V3},
    {0x3757, UB_PROBE_KIND_STLINK_V3},
};

UbProbeKind
ub_probe_kind_from_usb_ids(guint16 vendor_id, guint16 product_id)
{
	if (vendor_id != UB_USB_VID_STMICRO)
		return UB_PROBE_KIND_UNKNOWN;
	for (guint i = 0; i < G_N_ELEMENTS(ub_stlink_product_ids); i++) {
		if (ub_stlink_product_ids[i].product_id == product_id)
			return ub_stlink_product_ids[i].kind;
	}
	return UB_PROBE_KIND_UNKNOWN;
}

gboolean
ub_probe_string_names_cmsis_dap(const char *text)
{
	return text != NULL && strstr(text, "CMSIS-DAP") != NULL;
}

/* reference/cmsis-dap.md §1.1, §1.2: the debugprobe firmware (Debug Probe and Pico) and Arm's
 * DAPLink; a clone may use any id, which is why they are found by their strings first */
static const struct {
	guint16 vendor_id;
	guint16 product_id;
	const char *name;
} ub_known_cmsis_dap_ids[] = {
    {0x2E8A, 0x000C, "Raspberry Pi Debug Probe or Pico (debugprobe)"},
    {0x0D28, 0x0204, "DAPLink"},
};

const char *
ub_probe_known_cmsis_dap_name(guint16 vendor_id, guint16 product_id)
{
	for (guint i = 0; i < G_N_ELEMENTS(ub_known_cmsis_dap_ids); i++) {
		if (ub_known_cmsis_dap_ids[i].vendor_id == vendor_id &&
		    ub_known_cmsis_dap_ids[i].product_id == product_id)
			return ub_known_cmsis_dap_ids[i].name;
	}
	return NULL;
}

const char *
ub_probe_kind_to_string(UbProbeKind kind)
{
	switch (kind) {
	case UB_PROBE_KIND_CMSIS_DAP:
		return "CMSIS-DAP";
	case UB_PROBE_KIND_CMSIS_DAP_V1:
		return "CMSIS-DAP v1";
	case UB_PROBE_KIND_STLINK_V1:
		return "ST-LINK/V1";
	case UB_PROBE_KIND_STLINK_V2:
		return "ST-LINK/V2";
	case UB_PROBE_KIND_STLINK_V2_1:
		return "ST-LINK/V2-1";
	case UB_PROBE_KIND_STLINK_V3:
		return "STLINK-V3";
	case UB_PROBE_KIND_UNKNOWN:
	default:
		return "unknown";
	}
}

gboolean
ub_probe_kind_is_supported(UbProbeKind kind)
{
	return kind == UB_PROBE_KIND_STLINK_V2 || kind == UB_PROBE_KIND_STLINK_V2_1 ||
	       kind == UB_PROBE_KIND_STLINK_V3 || kind == UB_PROBE_KIND_CMSIS_DAP;
}

/**
 * ub_probe_serial_from_descriptor:
 * @data: the string descriptor's payload (UTF-16LE code units, without the 2-byte header)
 *
 * Returns: the serial as shown to people: 24 characters as sent, or the hex of 12 code units
 * whose low bytes are binary (old V2 firmware and clones; reference §1.3)
 */
char *
ub_probe_serial_from_descriptor(const guint8 *data, gsize len)
{
	GString *str;
	gsize units = len / 2;
	gboolean printable = TRUE;

	g_return_val_if_fail(data != NULL || len == 0, NULL);

	if (units == 0)
		return NULL;
	for (gsize i = 0; i < units; i++) {
		guint16 unit = data[2 * i] | (data[2 * i + 1] << 8);
		if (unit < 0x20 || unit > 0x7e)
			printable = FALSE;
	}
	str = g_string_new(NULL);
	if (units == 12 && !printable) {
		for (gsize i = 0; i < units; i++)
			g_string_append_printf(str, "%02X", data[2 * i]);
		return g_string_free(str, FALSE);
	}
	for (gsize i = 0; i < units; i++) {
		guint16 unit = data[2 * i] | (data[2 * i + 1] << 8);
		g_string_append_c(str, (unit >= 0x20 && unit <= 0x7e) ? (char)unit : '?');
	}
	return g_string_free(str, FALSE);
}

UbProbeKind
ub_probe_info_get_kind(UbProbeInfo *self)
{
	g_return_val_if_fail(UB_IS_PROBE_INFO(self), UB_PROBE_KIND_UNKNOWN);
	return self->kind;
}

void
ub_probe_info_set_kind(UbProbeInfo *self, UbProbeKind kind)
{
	g_return_if_fail(UB_IS_PROBE_INFO(self));
	self->kind = kind;
}

guint16
ub_probe_info_get_vendor_id(UbProbeInfo *self)
{
	g_return_val_if_fail(UB_IS_PROBE_INFO(self), 0);
	return self->vendor_id;
}

guint16
ub_probe_info_get_product_id(UbProbeInfo *self)
{
	g_return_val_if_fail(UB_IS_PROBE_INFO(self), 0);
	return self->product_id;
}

void
ub_probe_info_set_usb_ids(UbProbeInfo *self, guint16 vendor_id, guint16 product_id)
{
	g_return_if_fail(UB_IS_PROBE_INFO(self));
	self->vendor_id = vendor_id;
	self->product_id = product_id;
	if (self->kind == UB_PROBE_KIND_UNKNOWN)
		self->kind = ub_probe_kind_from_usb_ids(vendor_id, product_id);
}

const char *
ub_probe_info_get_product(UbProbeInfo *self)
{
	g_return_val_if_fail(UB_IS_PROBE_INFO(self), NULL);
	return self->product;
}

void
ub_probe_info_set_product(UbProbeInfo *self, const char *product)
{
	g_return_if_fail(UB_IS_PROBE_INFO(self));
	g_free(self->product);
	self->product = g_strdup(product);
}

const char *
ub_probe_info_get_serial(UbProbeInfo *self)
{
	g_return_val_if_fail(UB_IS_PROBE_INFO(self), NULL);
	return self->serial;
}

void
ub_probe_info_set_serial(UbProbeInfo *self, const char *serial)
{
	g_return_if_fail(UB_IS_PROBE_INFO(self));
	g_free(self->serial);
	self->serial = g_strdup(serial);
}

const char *
ub_probe_info_get_firmware_version(UbProbeInfo *self)
{
	g_return_val_if_fail(UB_IS_PROBE_INFO(self), NULL);
	return self->firmware_version;
}

void
ub_probe_info_set_firmware_version(UbProbeInfo *self, const char *version)
{
	g_return_if_fail(UB_IS_PROBE_INFO(self));
	g_free(self->firmware_version);
	self->firmware_version = g_strdup(version);
}

const char *
ub_probe_info_get_path(UbProbeInfo *self)
{
	g_return_val_if_fail(UB_IS_PROBE_INFO(self), NULL);
	return self->path;
}

void
ub_probe_info_set_path(UbProbeInfo *self, const char *path)
{
	g_return_if_fail(UB_IS_PROBE_INFO(self));
	g_free(self->path);
	self->path = g_strdup(path);
}

guint8
ub_probe_info_get_bus(UbProbeInfo *self)
{
	g_return_val_if_fail(UB_IS_PROBE_INFO(self), 0);
	return self->bus;
}

guint8
ub_probe_info_get_address(UbProbeInfo *self)
{
	g_return_val_if_fail(UB_IS_PROBE_INFO(self), 0);
	return self->address;
}

void
ub_probe_info_set_bus_address(UbProbeInfo *self, guint8 bus, guint8 address)
{
	g_return_if_fail(UB_IS_PROBE_INFO(self));
	self->bus = bus;
	self->address = address;
}

/**
 * ub_probe_info_get_provider:
 *
 * Returns: (transfer none) (nullable): how this probe is reached when it is not opened through
 * libusb (a simulated bench), or NULL
 */
UbTransportProvider *
ub_probe_info_get_provider(UbProbeInfo *self)
{
	g_return_val_if_fail(UB_IS_PROBE_INFO(self), NULL);
	return self->provider;
}

void
ub_probe_info_set_provider(UbProbeInfo *self, UbTransportProvider *provider)
{
	g_return_if_fail(UB_IS_PROBE_INFO(self));
	g_return_if_fail(provider == NULL || UB_IS_TRANSPORT_PROVIDER(provider));
	g_set_object(&self->provider, provider);
}

const GError *
ub_probe_info_get_problem(UbProbeInfo *self)
{
	g_return_val_if_fail(UB_IS_PROBE_INFO(self), NULL);
	return self->problem;
}

void
ub_probe_info_set_problem(UbProbeInfo *self, const GError *error)
{
	g_return_if_fail(UB_IS_PROBE_INFO(self));
	g_clear_error(&self->problem);
	if (error != NULL)
		self->problem = g_error_copy(error);
}

/**
 * ub_probe_info_matches:
 *
 * Returns: %TRUE if both describe the same plugged-in probe (same bus and address, or the
 * same provider)
 */
gboolean
ub_probe_info_matches(UbProbeInfo *self, UbProbeInfo *other)
{
	g_return_val_if_fail(UB_IS_PROBE_INFO(self), FALSE);
	g_return_val_if_fail(UB_IS_PROBE_INFO(other), FALSE);

	if (self->provider != NULL || other->provider != NULL)
		return self->provider == other->provider;
	return self->bus == other->bus && self->address == other->address;
}

/**
 * ub_probe_info_to_json:
 *
 * Returns: (transfer full): an object with kind, vid/pid, serial, firmware, path
 */
JsonNode *
ub_probe_info_to_json(UbProbeInfo *self)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autofree char *usb_id = NULL;

	g_return_val_if_fail(UB_IS_PROBE_INFO(self), NULL);

	usb_id = g_strdup_printf("%04x:%04x", self->vendor_id, self->product_id);
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "kind");
	json_builder_add_string_value(builder, ub_probe_kind_to_string(self->kind));
	json_builder_set_member_name(builder, "usb_id");
	json_builder_add_string_value(builder, usb_id);
	if (self->product != NULL) {
		json_builder_set_member_name(builder, "product");
		json_builder_add_string_value(builder, self->product);
	}
	json_builder_set_member_name(builder, "serial");
	json_builder_add_string_value(builder, self->serial);
	json_builder_set_member_name(builder, "firmware");
	json_builder_add_string_value(builder, self->firmware_version);
	json_builder_set_member_name(builder, "path");
	json_builder_add_string_value(builder, self->path);
	json_builder_set_member_name(builder, "supported");
	json_builder_add_boolean_value(builder, ub_probe_kind_is_supported(self->kind));
	if (self->provider != NULL && ub_transport_provider_get_name(self->provider) != NULL) {
		json_builder_set_member_name(builder, "bench");
		json_builder_add_string_value(builder,
					      ub_transport_provider_get_name(self->provider));
	}
	if (self->problem != NULL) {
		json_builder_set_member_name(builder, "problem");
		json_builder_add_string_value(builder, self->problem->message);
	}
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

static void
ub_probe_info_finalize(GObject *object)
{
	UbProbeInfo *self = UB_PROBE_INFO(object);

	g_free(self->product);
	g_free(self->serial);
	g_free(self->firmware_version);
	g_free(self->path);
	g_clear_object(&self->provider);
	g_clear_error(&self->problem);
	G_OBJECT_CLASS(ub_probe_info_parent_class)->finalize(object);
}

static void
ub_probe_info_class_init(UbProbeInfoClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	object_class->finalize = ub_probe_info_finalize;
}

static void
ub_probe_info_init(UbProbeInfo *self)
{
}

UbProbeInfo *
ub_probe_info_new(void)
{
	return g_object_new(UB_TYPE_PROBE_INFO, NULL);
}
