/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-target-info.h"

struct _UbTargetInfo {
	GObject parent_instance;
	char *probe_kind;
	char *probe_serial;
	char *probe_firmware;
	guint voltage_mv;
	guint32 dp_idcode;
	guint32 cpuid;
	UbCoreState core_state;
	guint32 dbgmcu_idcode;
	guint16 dev_id;
	char *chip_id;
	char *chip_name;
	char *revision;
	guint32 flash_size;
	char *uid;
	guint32 optcr;
	guint rdp_level;
};

G_DEFINE_TYPE(UbTargetInfo, ub_target_info, G_TYPE_OBJECT)

const char *
ub_core_state_to_string(UbCoreState state)
{
	switch (state) {
	case UB_CORE_STATE_RUNNING:
		return "running";
	case UB_CORE_STATE_HALTED:
		return "halted";
	case UB_CORE_STATE_SLEEPING:
		return "sleeping";
	case UB_CORE_STATE_LOCKED_UP:
		return "locked-up";
	case UB_CORE_STATE_IN_RESET:
		return "in-reset";
	case UB_CORE_STATE_UNKNOWN:
	default:
		return "unknown";
	}
}

void
ub_target_info_set_probe(UbTargetInfo *self, const char *kind, const char *serial,
			 const char *firmware)
{
	g_return_if_fail(UB_IS_TARGET_INFO(self));
	g_free(self->probe_kind);
	self->probe_kind = g_strdup(kind);
	g_free(self->probe_serial);
	self->probe_serial = g_strdup(serial);
	g_free(self->probe_firmware);
	self->probe_firmware = g_strdup(firmware);
}

const char *
ub_target_info_get_probe_kind(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), NULL);
	return self->probe_kind;
}

const char *
ub_target_info_get_probe_serial(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), NULL);
	return self->probe_serial;
}

const char *
ub_target_info_get_probe_firmware(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), NULL);
	return self->probe_firmware;
}

guint
ub_target_info_get_voltage_mv(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), 0);
	return self->voltage_mv;
}

void
ub_target_info_set_voltage_mv(UbTargetInfo *self, guint millivolts)
{
	g_return_if_fail(UB_IS_TARGET_INFO(self));
	self->voltage_mv = millivolts;
}

guint32
ub_target_info_get_dp_idcode(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), 0);
	return self->dp_idcode;
}

void
ub_target_info_set_dp_idcode(UbTargetInfo *self, guint32 idcode)
{
	g_return_if_fail(UB_IS_TARGET_INFO(self));
	self->dp_idcode = idcode;
}

guint32
ub_target_info_get_cpuid(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), 0);
	return self->cpuid;
}

void
ub_target_info_set_cpuid(UbTargetInfo *self, guint32 cpuid)
{
	g_return_if_fail(UB_IS_TARGET_INFO(self));
	self->cpuid = cpuid;
}

UbCoreState
ub_target_info_get_core_state(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), UB_CORE_STATE_UNKNOWN);
	return self->core_state;
}

void
ub_target_info_set_core_state(UbTargetInfo *self, UbCoreState state)
{
	g_return_if_fail(UB_IS_TARGET_INFO(self));
	self->core_state = state;
}

guint32
ub_target_info_get_dbgmcu_idcode(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), 0);
	return self->dbgmcu_idcode;
}

void
ub_target_info_set_dbgmcu_idcode(UbTargetInfo *self, guint32 idcode)
{
	g_return_if_fail(UB_IS_TARGET_INFO(self));
	self->dbgmcu_idcode = idcode;
}

/* the DEV_ID of the chip data entry (0x413 even when a revision A read 0x411) */
guint16
ub_target_info_get_dev_id(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), 0);
	return self->dev_id;
}

guint16
ub_target_info_get_rev_id(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), 0);
	return (guint16)(self->dbgmcu_idcode >> 16);
}

void
ub_target_info_set_chip(UbTargetInfo *self, const char *id, const char *name, guint16 dev_id,
			const char *revision)
{
	g_return_if_fail(UB_IS_TARGET_INFO(self));
	g_free(self->chip_id);
	self->chip_id = g_strdup(id);
	g_free(self->chip_name);
	self->chip_name = g_strdup(name);
	self->dev_id = dev_id;
	g_free(self->revision);
	self->revision = g_strdup(revision);
}

const char *
ub_target_info_get_chip_id(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), NULL);
	return self->chip_id;
}

const char *
ub_target_info_get_chip_name(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), NULL);
	return self->chip_name;
}

const char *
ub_target_info_get_revision(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), NULL);
	return self->revision;
}

guint32
ub_target_info_get_flash_size(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), 0);
	return self->flash_size;
}

void
ub_target_info_set_flash_size(UbTargetInfo *self, guint32 flash_size)
{
	g_return_if_fail(UB_IS_TARGET_INFO(self));
	self->flash_size = flash_size;
}

const char *
ub_target_info_get_uid(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), NULL);
	return self->uid;
}

void
ub_target_info_set_uid(UbTargetInfo *self, const char *uid)
{
	g_return_if_fail(UB_IS_TARGET_INFO(self));
	g_free(self->uid);
	self->uid = g_strdup(uid);
}

guint32
ub_target_info_get_optcr(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), 0);
	return self->optcr;
}

guint
ub_target_info_get_rdp_level(UbTargetInfo *self)
{
	g_return_val_if_fail(UB_IS_TARGET_INFO(self), 0);
	return self->rdp_level;
}

void
ub_target_info_set_option_bytes(UbTargetInfo *self, guint32 optcr, guint rdp_level)
{
	g_return_if_fail(UB_IS_TARGET_INFO(self));
	self->optcr = optcr;
	self->rdp_level = rdp_level;
}

static void
ub_json_add_hex(JsonBuilder *builder, const char *name, guint32 value, guint digits)
{
	g_autofree char *str = g_strdup_printf("0x%0*x", (int)digits, value);
	json_builder_set_member_name(builder, name);
	json_builder_add_string_value(builder, str);
}

/**
 * ub_target_info_to_json:
 *
 * Returns: (transfer full): the machine-readable form (`unbrick-cli info --json`)
 */
JsonNode *
ub_target_info_to_json(UbTargetInfo *self)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	g_return_val_if_fail(UB_IS_TARGET_INFO(self), NULL);

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "probe");
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "kind");
	json_builder_add_string_value(builder, self->probe_kind);
	json_builder_set_member_name(builder, "serial");
	json_builder_add_string_value(builder, self->probe_serial);
	json_builder_set_member_name(builder, "firmware");
	json_builder_add_string_value(builder, self->probe_firmware);
	json_builder_end_object(builder);

	/* whole units, as measured: 3300, not 3.2999999999999998 */
	json_builder_set_member_name(builder, "target_voltage_mv");
	if (self->voltage_mv > 0)
		json_builder_add_int_value(builder, self->voltage_mv);
	else
		json_builder_add_null_value(builder);
	ub_json_add_hex(builder, "dp_idcode", self->dp_idcode, 8);
	ub_json_add_hex(builder, "cpuid", self->cpuid, 8);

	json_builder_set_member_name(builder, "chip");
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "id");
	json_builder_add_string_value(builder, self->chip_id);
	json_builder_set_member_name(builder, "name");
	json_builder_add_string_value(builder, self->chip_name);
	ub_json_add_hex(builder, "dev_id", self->dev_id, 3);
	ub_json_add_hex(builder, "rev_id", self->dbgmcu_idcode >> 16, 4);
	json_builder_set_member_name(builder, "revision");
	json_builder_add_string_value(builder, self->revision);
	json_builder_end_object(builder);

	json_builder_set_member_name(builder, "flash_size");
	json_builder_add_int_value(builder, self->flash_size);
	json_builder_set_member_name(builder, "uid");
	json_builder_add_string_value(builder, self->uid);
	ub_json_add_hex(builder, "optcr", self->optcr, 8);
	json_builder_set_member_name(builder, "rdp_level");
	json_builder_add_int_value(builder, self->rdp_level);
	json_builder_set_member_name(builder, "core_state");
	json_builder_add_string_value(builder, ub_core_state_to_string(self->core_state));
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

static void
ub_target_info_finalize(GObject *object)
{
	UbTargetInfo *self = UB_TARGET_INFO(object);

	g_free(self->probe_kind);
	g_free(self->probe_serial);
	g_free(self->probe_firmware);
	g_free(self->chip_id);
	g_free(self->chip_name);
	g_free(self->revision);
	g_free(self->uid);
	G_OBJECT_CLASS(ub_target_info_parent_class)->finalize(object);
}

static void
ub_target_info_class_init(UbTargetInfoClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_target_info_finalize;
}

static void
ub_target_info_init(UbTargetInfo *self)
{
}

UbTargetInfo *
ub_target_info_new(void)
{
	return g_object_new(UB_TYPE_TARGET_INFO, NULL);
}
