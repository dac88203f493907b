/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbTargetInfo: the identity and state of a connected target as read over SWD (chip,
 * revision, flash size, UID, voltage, read protection, core state) plus the probe that read
 * it. The result of ub_device_read_info_async(); to_json() is what `unbrick-cli info --json`
 * prints.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
	UB_CORE_STATE_UNKNOWN,
	UB_CORE_STATE_RUNNING,
	UB_CORE_STATE_HALTED,
	UB_CORE_STATE_SLEEPING,
	UB_CORE_STATE_LOCKED_UP,
	UB_CORE_STATE_IN_RESET,
} UbCoreState;

const char *ub_core_state_to_string(UbCoreState state);

#define UB_TYPE_TARGET_INFO (ub_target_info_get_type())
G_DECLARE_FINAL_TYPE(UbTargetInfo, ub_target_info, UB, TARGET_INFO, GObject)

UbTargetInfo *ub_target_info_new(void);

/* probe */
void ub_target_info_set_probe(UbTargetInfo *self, const char *kind, const char *serial,
			      const char *firmware);
const char *ub_target_info_get_probe_kind(UbTargetInfo *self);
const char *ub_target_info_get_probe_serial(UbTargetInfo *self);
const char *ub_target_info_get_probe_firmware(UbTargetInfo *self);
/* 0 when the probe cannot measure it */
guint ub_target_info_get_voltage_mv(UbTargetInfo *self);
void ub_target_info_set_voltage_mv(UbTargetInfo *self, guint millivolts);

/* debug port and core */
guint32 ub_target_info_get_dp_idcode(UbTargetInfo *self);
void ub_target_info_set_dp_idcode(UbTargetInfo *self, guint32 idcode);
guint32 ub_target_info_get_cpuid(UbTargetInfo *self);
void ub_target_info_set_cpuid(UbTargetInfo *self, guint32 cpuid);
UbCoreState ub_target_info_get_core_state(UbTargetInfo *self);
void ub_target_info_set_core_state(UbTargetInfo *self, UbCoreState state);

/* chip */
guint32 ub_target_info_get_dbgmcu_idcode(UbTargetInfo *self);
void ub_target_info_set_dbgmcu_idcode(UbTargetInfo *self, guint32 idcode);
guint16 ub_target_info_get_dev_id(UbTargetInfo *self);
guint16 ub_target_info_get_rev_id(UbTargetInfo *self);
void ub_target_info_set_chip(UbTargetInfo *self, const char *id, const char *name,
			     guint16 dev_id, const char *revision);
const char *ub_target_info_get_chip_id(UbTargetInfo *self);
const char *ub_target_info_get_chip_name(UbTargetInfo *self);
/* NULL when the REV_ID is not in the chip data */
const char *ub_target_info_get_revision(UbTargetInfo *self);
guint32 ub_target_info_get_flash_size(UbTargetInfo *self);
void ub_target_info_set_flash_size(UbTargetInfo *self, guint32 flash_size);
const char *ub_target_info_get_uid(UbTargetInfo *self);
void ub_target_info_set_uid(UbTargetInfo *self, const char *uid);
guint32 ub_target_info_get_optcr(UbTargetInfo *self);
/* 0, 1 or 2 */
guint ub_target_info_get_rdp_level(UbTargetInfo *self);
void ub_target_info_set_option_bytes(UbTargetInfo *self, guint32 optcr, guint rdp_level);

JsonNode *ub_target_info_to_json(UbTargetInfo *self);

G_END_DECLS
