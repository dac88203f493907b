/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbChip: what is known about one MCU family from its data file in resources/data/chips/:
 * names, DEV_ID, revisions, the flash (base, size register, sector map), RAM, UID and option
 * byte addresses. Facts that grow are data (STYLE.md §2); this type only reads them.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
	guint index;
	guint32 address;
	guint32 size;
} UbFlashSector;

#define UB_TYPE_CHIP (ub_chip_get_type())
G_DECLARE_FINAL_TYPE(UbChip, ub_chip, UB, CHIP, GObject)

UbChip *ub_chip_new_from_json(JsonObject *object, const char *origin,
			      GError **error) G_GNUC_WARN_UNUSED_RESULT;

const char *ub_chip_get_id(UbChip *self);
const char *ub_chip_get_name(UbChip *self);
const char *ub_chip_get_family(UbChip *self);
const char *ub_chip_get_core(UbChip *self);
guint16 ub_chip_get_dev_id(UbChip *self);
/* DEV_ID as read plus the CPUID PARTNO: also matches an erratum's alternative DEV_ID */
gboolean ub_chip_matches(UbChip *self, guint16 dev_id, guint16 cpuid_partno);
/* "A", "Z", "Y", "1", "3" … or NULL when the REV_ID is not in the data */
const char *ub_chip_get_revision_name(UbChip *self, guint16 rev_id);
guint32 ub_chip_get_flash_base(UbChip *self);
guint32 ub_chip_get_flash_size_register(UbChip *self);
guint32 ub_chip_get_flash_default_size(UbChip *self);
guint32 ub_chip_get_flash_interface(UbChip *self);
/* (transfer full) (element-type UbFlashSector): the sectors that fit in @flash_size */
GArray *ub_chip_get_sectors(UbChip *self, guint32 flash_size);
gboolean ub_chip_get_ram(UbChip *self, const char *name, guint32 *base, guint32 *size);
guint32 ub_chip_get_uid_address(UbChip *self);
guint32 ub_chip_get_optcr_address(UbChip *self);
guint ub_chip_get_rdp_shift(UbChip *self);

/* a JSON member holding a number or a "0x…" string */
gboolean ub_json_get_u32(JsonObject *object, const char *member, guint32 *value,
			 GError **error);

G_END_DECLS
