/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimBoard: a whole simulated bench, built from a small data file (resources/data/sim-boards/
 * NAME.json): which probe, how it is wired, which flash image is loaded, option bytes and
 * faults. Tests and the demo pick "a bricked FOCBOX" by name.
 *
 * A bench is a UbTransportProvider: a UbProbeInfo that carries it opens the bench's probe, and
 * a UbDevice made from that info waits on the bench's clock and asks the bench's person.
 *
 *   g_autoptr(UbSimBoard) board = ub_sim_board_new_from_name("focbox", &error);
 *   g_autoptr(UbDevice) device = ub_sim_board_new_device(board);
 *   UbSimProbe *probe = ub_sim_board_get_probe(board);
 */
#pragma once

#include <glib-object.h>

#include "ub-device.h"
#include "ub-sim-cmsis-dap.h"
#include "ub-sim-faults.h"
#include "ub-sim-hand.h"
#include "ub-sim-probe.h"
#include "ub-sim-stlink.h"
#include "ub-transport-provider.h"

G_BEGIN_DECLS

#define UB_TYPE_SIM_BOARD (ub_sim_board_get_type())
G_DECLARE_FINAL_TYPE(UbSimBoard, ub_sim_board, UB, SIM_BOARD, GObject)

/* NAME is looked up in $UB_SIM_BOARDS_DIR, the source tree and the installed data dir;
 * a path ending in .json is loaded directly */
UbSimBoard *ub_sim_board_new_from_name(const char *name, GError **error);
UbSimBoard *ub_sim_board_new_from_file(const char *path, GError **error);
/* the same from a file's text; @path names the bench and anchors relative files */
UbSimBoard *ub_sim_board_new_from_data(const char *text, gssize len, const char *path,
                                       GError **error);

const char *ub_sim_board_get_name(UbSimBoard *self);
const char *ub_sim_board_get_description(UbSimBoard *self);
/* what the bench is, in the boards and probes databases' ids (NULL when not said) */
const char *ub_sim_board_get_board_id(UbSimBoard *self);
const char *ub_sim_board_get_probe_model_id(UbSimBoard *self);
UbSimClock *ub_sim_board_get_clock(UbSimBoard *self);
UbSimMcu *ub_sim_board_get_mcu(UbSimBoard *self);
UbSimLink *ub_sim_board_get_link(UbSimBoard *self);
/* the probe, whatever its kind */
UbSimProbe *ub_sim_board_get_probe(UbSimBoard *self);
/* the probe when it is an ST-LINK, else NULL */
UbSimStlink *ub_sim_board_get_stlink(UbSimBoard *self);
/* what goes wrong on this bench, and when (unplugged probe, lost supply, NRST, …) */
UbSimFaults *ub_sim_board_get_faults(UbSimBoard *self);
/* the person at the bench, for steps that ask someone to hold NRST to GND */
UbSimHand *ub_sim_board_get_hand(UbSimBoard *self);

/* the probe as the data file names it: stlink-v2, stlink-v2-clone, stlink-v2-1, stlink-v3,
 * debugprobe, debugprobe-pico, daplink */
const char *ub_sim_board_get_probe_name(UbSimBoard *self);

/* replace the flash contents (e.g. --flash IMAGE); the rest of the chip reads erased and the
 * board power-cycles so the new image boots */
gboolean ub_sim_board_load_flash_file(UbSimBoard *self, const char *path, GError **error);
/* JSON report: USB round trips, bytes, modelled time, flash operations, faults hit */
char *ub_sim_board_build_report(UbSimBoard *self);

/* a device on this bench's probe (the bench is its transport provider, clock and person) */
UbDevice *ub_sim_board_new_device(UbSimBoard *self) G_GNUC_WARN_UNUSED_RESULT;
/* the probe of this bench as a probe list shows it (without opening it) */
UbProbeInfo *ub_sim_board_new_probe_info(UbSimBoard *self) G_GNUC_WARN_UNUSED_RESULT;
/* the bench behind a device made by ub_sim_board_new_device(), or NULL (transfer none) */
UbSimBoard *ub_sim_board_from_device(UbDevice *device);
/* a device on a new bench of this name (see ub_sim_board_new_from_name()) */
UbDevice *ub_sim_device_new(const char *name, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/*
 * A bench kept between two programs (unbrick-cli --sim-state FILE): the bench it was made from,
 * the flash, the option bytes, whether the core was halted (and the debug settings that keep
 * it so) and how long the board had been running. Restoring power-cycles the board with that
 * flash; a halted core comes back halted on its reset vector, before any firmware runs, as the
 * connection ladder left it.
 */
gboolean ub_sim_board_save_state(UbSimBoard *self, const char *path, GError **error);
UbSimBoard *ub_sim_board_new_from_state(const char *path, GError **error);

/* list of known board names (for --help and the demo) */
GStrv ub_sim_board_list_names(void);

G_END_DECLS
