/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One motor-controller board from resources/data/boards/<id>.json: its MCU, VESC hardware names,
 * SWD header, where NRST can be reached and how it must be powered while being programmed.
 */
#pragma once

#include <glib-object.h>

#include "ub-pin-header.h"

G_BEGIN_DECLS

#define UB_TYPE_BOARD (ub_board_get_type())
G_DECLARE_FINAL_TYPE(UbBoard, ub_board, UB, BOARD, GObject)

typedef enum {
	UB_BOARD_POWER_BATTERY,
	UB_BOARD_POWER_BENCH,
	UB_BOARD_POWER_PROBE,
} UbBoardPower;

/* what may be done with a probe's 3.3 V supply output on this board */
typedef enum {
	UB_PROBE_SUPPLY_ONLY_WHEN_UNPOWERED, /* only with battery and bench supply disconnected */
	UB_PROBE_SUPPLY_NOT_ENOUGH,          /* allowed, but the board browns out on it */
	UB_PROBE_SUPPLY_NEVER,
} UbProbeSupplyPolicy;

/* how BOOT0 is wired: on the VESC designs it is tied straight to GND, so the ROM bootloader
 * cannot be reached without rework and strapping BOOT0 high shorts the 3.3 V rail */
typedef enum {
	UB_BOARD_BOOT0_UNKNOWN, /* no schematic read: treat as tied */
	UB_BOARD_BOOT0_TIED_TO_GND,
	UB_BOARD_BOOT0_REACHABLE,
} UbBoardBoot0;

typedef struct {
	gchar *colour;
	gchar *meaning;
} UbBoardLed;

const gchar *ub_board_get_id(UbBoard *self);
const gchar *ub_board_get_name(UbBoard *self);
const gchar *ub_board_get_vendor(UbBoard *self);
const gchar *ub_board_get_filename(UbBoard *self);
const gchar *ub_board_get_mcu_part(UbBoard *self);
const gchar *ub_board_get_mcu_package(UbBoard *self);
UbConfidence ub_board_get_mcu_confidence(UbBoard *self);
const gchar *const *ub_board_get_hw_names(UbBoard *self);
gboolean ub_board_has_hw_name(UbBoard *self, const gchar *hw_name);
UbPinHeader *ub_board_get_header(UbBoard *self);
guint ub_board_get_nrst_header_pin(UbBoard *self);
guint ub_board_get_nrst_mcu_pin(UbBoard *self);
UbConfidence ub_board_get_nrst_confidence(UbBoard *self);
const gchar *ub_board_get_nrst_notes(UbBoard *self);
UbBoardBoot0 ub_board_get_boot0(UbBoard *self);
const gchar *ub_board_boot0_to_string(UbBoardBoot0 boot0);
UbBoardPower ub_board_get_power_recommended(UbBoard *self);
UbProbeSupplyPolicy ub_board_get_probe_supply_policy(UbBoard *self);
const gchar *ub_board_get_power_notes(UbBoard *self);
GPtrArray *ub_board_get_leds(UbBoard *self);
const gchar *const *ub_board_get_notes(UbBoard *self);
const gchar *const *ub_board_get_sources(UbBoard *self);

G_END_DECLS
