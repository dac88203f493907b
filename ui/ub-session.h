/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSession: what the wizard has learned so far (board, probe, target, firmware, backup) and
 * the technical log that goes into the copyable report. Pages read and write it; the state
 * machine in ub-wizard.c reads it to pick the next page.
 */
#pragma once

#include <gio/gio.h>

#include "ub-board-db.h"
#include "ub-device.h"
#include "ub-evidence.h"
#include "ub-firmware-info.h"
#include "ub-probe-db.h"
#include "ub-probe-info.h"
#include "ub-wiring-plan.h"

G_BEGIN_DECLS

#define UB_TYPE_SESSION (ub_session_get_type())
G_DECLARE_FINAL_TYPE(UbSession, ub_session, UB, SESSION, GObject)

/* demo_bench: the bench of the demo (app/ makes a simulated one), or NULL for real probes */
UbSession *ub_session_new(UbTransportProvider *demo_bench);

UbTransportProvider *ub_session_get_demo_bench(UbSession *self);
gboolean ub_session_is_demo(UbSession *self);
/* what the demo bench is, by the databases' ids (app/ knows the bench; NULL: not said): the
 * board is chosen for the person, the probe model offered first */
void ub_session_set_demo_hardware(UbSession *self, const char *board_id,
				  const char *probe_model_id);
const char *ub_session_get_demo_probe_model_id(UbSession *self);
/* the person given to devices of real probes (a simulated bench brings its own) */
void ub_session_set_person(UbSession *self, UbPerson *person);
/* what the person said on the pages (an LED lit, the wires checked against the drawing), as
 * facts for the verdicts (transfer none) */
UbEvidence *ub_session_get_said(UbSession *self);
/* NULL when the schema is not installed (running from the build tree without
 * GSETTINGS_SCHEMA_DIR) */
GSettings *ub_session_get_settings(UbSession *self);

/* the boards and probes databases, loaded on first use; NULL (and a log line) when they
 * cannot be read */
UbBoardDb *ub_session_get_board_db(UbSession *self);
UbProbeDb *ub_session_get_probe_db(UbSession *self);

const char *ub_session_get_board_id(UbSession *self);
/* the chosen board from the database, or NULL for "other or not sure" */
UbBoard *ub_session_get_board(UbSession *self);
void ub_session_set_board_id(UbSession *self, const char *board_id);

/* every VESC hardware name of the boards database (NULL-terminated, owned by the session) */
const char *const *ub_session_get_known_hw_names(UbSession *self);

/* the attached probe chosen on the Probe page, or NULL */
UbProbeInfo *ub_session_get_probe_info(UbSession *self);
void ub_session_set_probe_info(UbSession *self, UbProbeInfo *info);

/* the device (probe + target) for the chosen probe, created on first use; NULL without a
 * probe. All USB work goes through its async API. */
UbDevice *ub_session_get_device(UbSession *self);
/* what the last successful connect read from the chip, or NULL */
UbTargetInfo *ub_session_get_target_info(UbSession *self);
void ub_session_set_target_info(UbSession *self, UbTargetInfo *info);

/* the kind of probe the person has (from the probes database), or NULL if not known */
UbProbeModel *ub_session_get_probe_model(UbSession *self);
void ub_session_set_probe_model(UbSession *self, UbProbeModel *model);
/* the wire list for the chosen board and probe model; NULL while either is unknown */
UbWiringPlan *ub_session_get_wiring_plan(UbSession *self);

/* the firmware to write; override: the person confirmed writing it despite a mismatch */
UbFirmwareInfo *ub_session_get_firmware(UbSession *self);
gboolean ub_session_get_firmware_override(UbSession *self);
/* the firmware's image when it is already in memory (the demo's generated image), else NULL */
UbImage *ub_session_get_firmware_image(UbSession *self);
void ub_session_set_firmware_image(UbSession *self, UbImage *image);
void ub_session_set_firmware(UbSession *self, UbFirmwareInfo *firmware, gboolean override);

/* where the backup taken before flashing was saved, or NULL */
const char *ub_session_get_backup_path(UbSession *self);
void ub_session_set_backup_path(UbSession *self, const char *path);

gboolean ub_session_get_needs_recovery(UbSession *self);
void ub_session_set_needs_recovery(UbSession *self, gboolean needs_recovery);

/* one line of the technical log (timestamped); shown in details expanders and the report */
void ub_session_log(UbSession *self, const char *format, ...) G_GNUC_PRINTF(2, 3);
const char *ub_session_get_log(UbSession *self);
/* a plain-text report for a forum post: what was found and done, then the log */
char *ub_session_build_report(UbSession *self);

G_END_DECLS
