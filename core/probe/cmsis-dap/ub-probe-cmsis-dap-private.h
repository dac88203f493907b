/* SPDX-License-Identifier: GPL-3.0-or-later */
/* decoding helpers of UbProbeCmsisDap, exposed for tests */
#pragma once

#include "ub-probe-cmsis-dap.h"

G_BEGIN_DECLS

/* DAP_Transfer / DAP_TransferBlock ACK byte (bits 2:0 the SWD ACK, 3 protocol error, 4 value
 * mismatch) → an error naming the cause; TRUE for OK */
gboolean ub_cmsis_dap_ack_check(guint8 ack, GError **error);
/* how many DRW words one DAP_TransferBlock carries in a packet of @packet_size bytes */
guint ub_cmsis_dap_block_words(guint packet_size, gboolean read);
/* the firmware version as shown to people: "0258 (CMSIS-DAP 2.1.0)", "CMSIS-DAP 2.0.0" */
char *ub_cmsis_dap_version_to_string(const char *protocol, const char *product_firmware);

G_END_DECLS
