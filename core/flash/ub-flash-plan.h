/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbFlashPlan: what writing an image to a chip means in sectors: which sectors to erase (only
 * those the image touches), what to program, and what the flash must read afterwards (each
 * erased sector whole: the image's bytes, 0xFF elsewhere). On VESC boards sectors 1–2 hold the
 * configuration (boards-and-firmware.md §4.1): unless told to wipe it, the plan leaves them
 * alone and drops the image's gap bytes there, and refuses an image that carries real data
 * for them.
 *
 *   g_autoptr(UbFlashPlan) plan = ub_flash_plan_new(image, sectors, n, flags, &error);
 *   ub_flash_stm32f4_program(flash, ub_flash_plan_get_chunks(plan), …);
 */
#pragma once

#include <glib-object.h>

#include "ub-chip.h"
#include "ub-image.h"

G_BEGIN_DECLS

/* VESC EEPROM emulation pages (bldc driver/eeprom.h) */
#define UB_FLASH_VESC_CONFIG_START 0x08004000u
#define UB_FLASH_VESC_CONFIG_END 0x0800c000u

typedef enum {
	UB_FLASH_PLAN_FLAG_NONE = 0,
	/* erase and write sectors 1–2 too (the board's configuration is lost) */
	UB_FLASH_PLAN_FLAG_WIPE_CONFIG = 1 << 0,
	/* keep sectors 1–2 even when the image has data there (restoring someone's backup) */
	UB_FLASH_PLAN_FLAG_KEEP_CONFIG_DATA = 1 << 1,
} UbFlashPlanFlags;

#define UB_TYPE_FLASH_PLAN (ub_flash_plan_get_type())
G_DECLARE_FINAL_TYPE(UbFlashPlan, ub_flash_plan, UB, FLASH_PLAN, GObject)

UbFlashPlan *ub_flash_plan_new(UbImage *image, const UbFlashSector *sectors, guint n_sectors,
                               UbFlashPlanFlags flags, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* (element-type UbImageChunk): the image minus what is left alone */
GPtrArray *ub_flash_plan_get_chunks(UbFlashPlan *self);
/* sector numbers to erase, ascending */
const guint *ub_flash_plan_get_sectors(UbFlashPlan *self, guint *n);
/* (element-type UbImageChunk): each erased sector as it must read after programming */
GPtrArray *ub_flash_plan_get_expected(UbFlashPlan *self);
/* the configuration sectors are kept (the image had only gap bytes there, or none) */
gboolean ub_flash_plan_get_config_kept(UbFlashPlan *self);
/* bytes of the image left out because they fall in the kept configuration */
gsize ub_flash_plan_get_skipped_bytes(UbFlashPlan *self);
gsize ub_flash_plan_get_data_size(UbFlashPlan *self);

G_END_DECLS
