/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Why it is built this way (reference/cmsis-dap.md, ARM's CMSIS-DAP command reference):
 * - A CMSIS-DAP probe answers commands strictly in order and buffers "Packet Count" of them,
 *   so long DRW streams are cut into packets and kept in flight up to that count; with one
 *   packet a round trip costs two USB frames, with six in flight the frames are shared.
 * - DAP_TransferBlock carries 14 write words (15 read words) in a 64-byte packet against 12
 *   for DAP_Transfer, which is kept for the CSW/TAR set-up and single accesses.
 * - TAR is written again at every 1 KiB boundary: ADIv5 only promises auto-increment within
 *   1 KiB (the Cortex-M4 wraps at 4 KiB).
 * - DAP_Connect sets the probe's pins up and releases nRESET (debugprobe's probe_init, DAPLink's
 *   PORT_SWD_SETUP), so it is sent once when the probe is opened and never again while the
 *   chip may be held in reset: connecting under reset must keep nRESET low.
 * - The probe retries WAIT itself (TransferConfigure); a WAIT it gives up on is answered with
 *   ABORT.DAPABORT, a FAULT with ABORT clearing the sticky flags, after the packets still in
 *   flight have been collected.
 * - CMSIS-DAP has no command that measures the target's supply: the probe says so, and the
 *   power check falls to the person (as with clone ST-LINKs).
 */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-probe-cmsis-dap-private.h"

/* command IDs */
#define DAP_INFO 0x00
#define DAP_HOST_STATUS 0x01
#define DAP_CONNECT 0x02
#define DAP_DISCONNECT 0x03
#define DAP_TRANSFER_CONFIGURE 0x04
#define DAP_TRANSFER 0x05
#define DAP_TRANSFER_BLOCK 0x06
#define DAP_WRITE_ABORT 0x08
#define DAP_DELAY 0x09
#define DAP_SWJ_PINS 0x10
#define DAP_SWJ_CLOCK 0x11
#define DAP_SWJ_SEQUENCE 0x12
#define DAP_SWD_CONFIGURE 0x13
#define DAP_INVALID 0xFF

#define DAP_OK 0x00

#define INFO_PRODUCT 0x02
#define INFO_SERIAL 0x03
#define INFO_PROTOCOL_VERSION 0x04
#define INFO_PRODUCT_FIRMWARE 0x09
#define INFO_CAPABILITIES 0xF0
#define INFO_PACKET_COUNT 0xFE
#define INFO_PACKET_SIZE 0xFF

#define CAP_SWD (1u << 0)

/* transfer request: APnDP, RnW, A[3:2], value match, match mask */
#define REQ_AP 0x01u
#define REQ_READ 0x02u
#define REQ_MATCH 0x10u
#define REQ_MATCH_MASK 0x20u
#define DP_ABORT 0x00u
#define DP_DPIDR 0x00u
#define DP_CTRL_STAT 0x04u
#define DP_SELECT 0x08u
#define DP_RDBUFF 0x0Cu
#define AP_CSW 0x00u
#define AP_TAR 0x04u
#define AP_DRW 0x0Cu

#define ACK_OK 0x01u
#define ACK_WAIT 0x02u
#define ACK_FAULT 0x04u
#define ACK_PROTOCOL 0x08u
#define ACK_MISMATCH 0x10u

#define ABORT_DAPABORT 0x01u
#define ABORT_CLEAR_STICKY 0x1Eu /* STKCMPCLR | STKERRCLR | WDERRCLR | ORUNERRCLR */
#define CTRL_POWERUP_REQ 0x50000000u
#define CTRL_POWERUP_ACK 0xA0000000u

/* CSW: Size 2:0, AddrInc 5:4 single; HPROT privileged data access, debug master */
#define CSW_BASE 0x23000000u
#define CSW_INC_SINGLE 0x10u

#define SWJ_NRESET 0x80u

/* ARMv7-M debug registers (C1.6) */
#define DHCSR 0xE000EDF0u
#define DCRSR 0xE000EDF4u
#define DCRDR 0xE000EDF8u
#define AIRCR 0xE000ED0Cu
#define DHCSR_S_REGRDY (1u << 16)
#define DCRSR_REGWNR (1u << 16)
#define AIRCR_SYSRESETREQ 0x05FA0004u

/* TAR is rewritten at these boundaries (ADIv5: auto-increment is only promised in 1 KiB) */
#define TAR_BLOCK 0x400u
/* the probe retries a WAIT this often before it reports one (the ARM firmware's default is
 * 100; a flash word program takes ~16 µs, far fewer retries) */
#define WAIT_RETRIES 128
/* S_REGRDY is polled by the probe with a value-match read, this often */
#define MATCH_RETRIES 100
/* a WAIT the probe gave up on is tried again this often, sleeping 1, 2, 4 … ms */
#define WAIT_ATTEMPTS 6
/* DP power-up acknowledge polls */
#define POWERUP_POLLS 100
/* the NRST pulse: STM32F4 needs 20 µs; the ST-LINK's width is not documented */
#define NRST_PULSE_US 1000
/* stale responses a probe may hold from an earlier program (OpenOCD drains up to 64) */
#define DRAIN_READS 16
#define DRAIN_TIMEOUT_MS 10
/* a memory call moves at most this much (UbTarget chunks above it, checking cancellation) */
#define MAX_TRANSFER 8192

/* OpenOCD's swd_seq_jtag_to_swd: 56 ones, 0xE79E LSB first, 56 ones, 8 idle (136 bits) */
static const guint8 jtag_to_swd[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x9E, 0xE7,
				     0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00};

struct _UbProbeCmsisDap {
	UbProbe parent_instance;
	guint8 endpoint_out;
	guint8 endpoint_in;
	guint usb_packet;  /* wMaxPacketSize of the bulk endpoints */
	guint packet_size; /* DAP_Info: the largest command and response */
	guint packet_count;
	guint capabilities;
	char *protocol_version;
	char *product_firmware;
	gboolean info_read;
	gboolean connected; /* DAP_Connect done: the pins are ours */
	gboolean swd_ready; /* a line reset and DPIDR read went through */
	guint khz;
	/* DP/AP state cached to save transfers; dropped on any error */
	gboolean select_valid;
	guint32 select;
	gboolean csw_valid;
	guint32 csw;
};

G_DEFINE_TYPE(UbProbeCmsisDap, ub_probe_cmsis_dap, UB_TYPE_PROBE)

static void
put_le16(guint8 *p, guint16 v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void
put_le32(guint8 *p, guint32 v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

static guint32
get_le32(const guint8 *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

/* ---- pure helpers ------------------------------------------------------------------- */

gboolean
ub_cmsis_dap_ack_check(guint8 ack, GError **error)
{
	if (ack == ACK_OK)
		return TRUE;
	if (ack & ACK_PROTOCOL) {
		g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAILED,
				    "SWD parity error on read data (noise on the wires?)");
		return FALSE;
	}
	if (ack & ACK_MISMATCH) {
		g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAILED,
				    "the value the probe waited for never came");
		return FALSE;
	}
	switch (ack & 0x07) {
	case ACK_WAIT:
		g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_WAIT,
				    "the target kept answering WAIT");
		return FALSE;
	case ACK_FAULT:
		g_set_error_literal(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT,
				    "the target answered FAULT (bus error)");
		return FALSE;
	default:
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK,
			    "the target's debug port does not answer (SWD ACK %u)",
			    (guint)(ack & 0x07));
		return FALSE;
	}
}

guint
ub_cmsis_dap_block_words(guint packet_size, gboolean read)
{
	/* read: 06 Count(2) Ack then words; write: 06 Index Count(2) Req then words */
	return read ? (packet_size - 4) / 4 : (packet_size - 5) / 4;
}

char *
ub_cmsis_dap_version_to_string(const char *protocol, const char *product_firmware)
{
	if (product_firmware != NULL && product_firmware[0] != '\0')
		return g_strdup_printf("%s (CMSIS-DAP %s)", product_firmware,
				       protocol != NULL ? protocol : "?");
	return g_strdup_printf("CMSIS-DAP %s", protocol != NULL ? protocol : "?");
}

/* ---- commands ----------------------------------------------------------------------- */

static gboolean
ub_probe_cmsis_dap_send(UbProbeCmsisDap *self, const guint8 *cmd, gsize len, GError **error)
{
	UbTransport *transport = ub_probe_get_transport(UB_PROBE(self));

	if (len > self->packet_size) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
			    "command of %" G_GSIZE_FORMAT " bytes does not fit a %u-byte packet",
			    len, self->packet_size);
		return FALSE;
	}
	return ub_transport_bulk_write(transport, self->endpoint_out, cmd, len,
				       UB_CMSIS_DAP_TIMEOUT_MS, error);
}

/* one response; it must echo the command (FF: the probe does not know it) */
static gboolean
ub_probe_cmsis_dap_receive(UbProbeCmsisDap *self, guint8 command, guint8 *reply, gsize *len,
			   GError **error)
{
	UbTransport *transport = ub_probe_get_transport(UB_PROBE(self));
	gsize actual = 0;

	memset(reply, 0, self->packet_size);
	if (!ub_transport_bulk_read(transport, self->endpoint_in, reply, self->packet_size,
				    UB_CMSIS_DAP_TIMEOUT_MS, &actual, error)) {
		g_prefix_error(error, "command 0x%02x: ", command);
		return FALSE;
	}
	if (actual >= 1 && reply[0] == DAP_INVALID && command != DAP_INVALID) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
			    "the probe does not implement command 0x%02x", command);
		return FALSE;
	}
	if (actual < 2 || reply[0] != command) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
			    "reply to command 0x%02x is %02x and %" G_GSIZE_FORMAT
			    " bytes long: out of step",
			    command, (guint)(actual > 0 ? reply[0] : 0), actual);
		return FALSE;
	}
	*len = actual;
	return TRUE;
}

/* a command and its response */
static gboolean
ub_probe_cmsis_dap_command(UbProbeCmsisDap *self, const guint8 *cmd, gsize cmd_len,
			   guint8 *reply, gsize *reply_len, GError **error)
{
	gsize len = 0;

	if (!ub_probe_cmsis_dap_send(self, cmd, cmd_len, error))
		return FALSE;
	if (!ub_probe_cmsis_dap_receive(self, cmd[0], reply, &len, error))
		return FALSE;
	if (reply_len != NULL)
		*reply_len = len;
	return TRUE;
}

/* a command answered with a status byte (00 OK, FF error) */
static gboolean
ub_probe_cmsis_dap_command_status(UbProbeCmsisDap *self, const guint8 *cmd, gsize cmd_len,
				  const char *what, GError **error)
{
	g_autofree guint8 *reply = g_malloc0(self->packet_size);

	if (!ub_probe_cmsis_dap_command(self, cmd, cmd_len, reply, NULL, error)) {
		g_prefix_error(error, "%s: ", what);
		return FALSE;
	}
	if (reply[1] != DAP_OK) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_FAILED, "%s: the probe says no",
			    what);
		return FALSE;
	}
	return TRUE;
}

/* DAP_Info: *data points into @reply, *len is Len (0 = not there) */
static gboolean
ub_probe_cmsis_dap_info(UbProbeCmsisDap *self, guint8 id, guint8 *reply, const guint8 **data,
			guint *len, GError **error)
{
	const guint8 cmd[] = {DAP_INFO, id};
	gsize actual = 0;

	if (!ub_probe_cmsis_dap_command(self, cmd, sizeof(cmd), reply, &actual, error)) {
		g_prefix_error(error, "DAP_Info 0x%02x: ", id);
		return FALSE;
	}
	*len = MIN(reply[1], actual - 2);
	*data = reply + 2;
	return TRUE;
}

static char *
ub_probe_cmsis_dap_info_string(UbProbeCmsisDap *self, guint8 id, GError **error)
{
	g_autofree guint8 *reply = g_malloc0(self->packet_size);
	const guint8 *data = NULL;
	guint len = 0;

	if (!ub_probe_cmsis_dap_info(self, id, reply, &data, &len, error))
		return NULL;
	/* Len counts the NUL; a string without one is taken as it is */
	return g_strndup((const char *)data, len);
}

/* leftovers of an earlier program that did not collect its responses */
static void
ub_probe_cmsis_dap_drain(UbProbeCmsisDap *self)
{
	UbTransport *transport = ub_probe_get_transport(UB_PROBE(self));
	g_autofree guint8 *buffer = g_malloc(self->usb_packet);

	for (guint i = 0; i < DRAIN_READS; i++) {
		g_autoptr(GError) error = NULL;
		gsize actual = 0;

		if (!ub_transport_bulk_read(transport, self->endpoint_in, buffer, self->usb_packet,
					    DRAIN_TIMEOUT_MS, &actual, &error))
			break;
		g_debug("dropped a stale %" G_GSIZE_FORMAT "-byte response", actual);
	}
}

/**
 * ub_probe_cmsis_dap_query_info:
 *
 * Capabilities, packet size and count, protocol and product firmware version.
 */
gboolean
ub_probe_cmsis_dap_query_info(UbProbeCmsisDap *self, GError **error)
{
	g_autofree guint8 *reply = NULL;
	g_autofree char *version = NULL;
	const guint8 *data = NULL;
	guint len = 0;

	g_return_val_if_fail(UB_IS_PROBE_CMSIS_DAP(self), FALSE);

	ub_probe_cmsis_dap_drain(self);
	reply = g_malloc0(MAX(self->packet_size, 64));
	if (!ub_probe_cmsis_dap_info(self, INFO_CAPABILITIES, reply, &data, &len, error))
		return FALSE;
	self->capabilities = len >= 1 ? data[0] : 0;
	if (len >= 2)
		self->capabilities |= (guint)data[1] << 8;
	if (!ub_probe_cmsis_dap_info(self, INFO_PACKET_SIZE, reply, &data, &len, error))
		return FALSE;
	if (len == 2) {
		guint size = data[0] | data[1] << 8;
		/* a packet smaller than a DAP_Transfer of one write makes no sense */
		if (size < 16) {
			g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
				    "the probe reports a %u-byte packet", size);
			return FALSE;
		}
		if (size != self->packet_size) {
			self->packet_size = size;
			reply = g_realloc(reply, size);
		}
	}
	if (!ub_probe_cmsis_dap_info(self, INFO_PACKET_COUNT, reply, &data, &len, error))
		return FALSE;
	self->packet_count = len == 1 && data[0] > 0 ? data[0] : 1;
	g_free(self->protocol_version);
	self->protocol_version = ub_probe_cmsis_dap_info_string(self, INFO_PROTOCOL_VERSION, error);
	if (self->protocol_version == NULL)
		return FALSE;
	/* 0x09 came with CMSIS-DAP 2.1; older firmware answers Len 0 */
	g_free(self->product_firmware);
	self->product_firmware = ub_probe_cmsis_dap_info_string(self, INFO_PRODUCT_FIRMWARE, error);
	if (self->product_firmware == NULL)
		return FALSE;
	version = ub_cmsis_dap_version_to_string(self->protocol_version, self->product_firmware);
	ub_probe_set_firmware_version(UB_PROBE(self), version);
	self->info_read = TRUE;
	g_debug("CMSIS-DAP %s: capabilities 0x%02x, %u packets of %u bytes", version,
		self->capabilities, self->packet_count, self->packet_size);
	return TRUE;
}

guint
ub_probe_cmsis_dap_get_packet_size(UbProbeCmsisDap *self)
{
	g_return_val_if_fail(UB_IS_PROBE_CMSIS_DAP(self), 0);
	return self->packet_size;
}

guint
ub_probe_cmsis_dap_get_packet_count(UbProbeCmsisDap *self)
{
	g_return_val_if_fail(UB_IS_PROBE_CMSIS_DAP(self), 0);
	return self->packet_count;
}

guint
ub_probe_cmsis_dap_get_capabilities(UbProbeCmsisDap *self)
{
	g_return_val_if_fail(UB_IS_PROBE_CMSIS_DAP(self), 0);
	return self->capabilities;
}

/* DAP_Connect(SWD) and the transfer set-up; releases nRESET on the probes we know */
static gboolean
ub_probe_cmsis_dap_connect(UbProbeCmsisDap *self, GError **error)
{
	const guint8 connect[] = {DAP_CONNECT, 0x01};
	guint8 configure[6] = {DAP_TRANSFER_CONFIGURE, 0x00};
	const guint8 swd_configure[] = {DAP_SWD_CONFIGURE, 0x00};
	const guint8 led[] = {DAP_HOST_STATUS, 0x00, 0x01};
	g_autofree guint8 *reply = g_malloc0(self->packet_size);
	g_autoptr(GError) error_local = NULL;

	if (!ub_probe_cmsis_dap_command(self, connect, sizeof(connect), reply, NULL, error)) {
		g_prefix_error(error, "DAP_Connect: ");
		return FALSE;
	}
	if (reply[1] != 0x01) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
			    "the probe cannot switch to SWD (DAP_Connect answered %u)", reply[1]);
		return FALSE;
	}
	self->connected = TRUE;
	self->swd_ready = FALSE;
	put_le16(configure + 2, WAIT_RETRIES);
	put_le16(configure + 4, MATCH_RETRIES);
	if (!ub_probe_cmsis_dap_command_status(self, configure, sizeof(configure),
					       "DAP_TransferConfigure", error))
		return FALSE;
	/* one turnaround cycle, no data phase on WAIT/FAULT (sticky overrun stays off) */
	if (!ub_probe_cmsis_dap_command_status(self, swd_configure, sizeof(swd_configure),
					       "DAP_SWD_Configure", error))
		return FALSE;
	/* the "connected" LED: nice to have */
	if (!ub_probe_cmsis_dap_command_status(self, led, sizeof(led), "DAP_HostStatus",
					       &error_local))
		g_debug("%s", error_local->message);
	return TRUE;
}

/* ---- transfers ---------------------------------------------------------------------- */

/* one DP/AP access of a DAP_Transfer */
typedef struct {
	guint8 request;
	guint32 value;	  /* write data, or the match value of a match read */
	guint32 *result;  /* a read's destination, or NULL */
} DapOp;

/* one packet of a pipelined sequence */
typedef struct {
	guint8 *command;
	gsize len;
	gboolean block; /* DAP_TransferBlock */
	/* DAP_Transfer: the ops it carries */
	const DapOp *ops;
	guint n_ops;
	/* DAP_TransferBlock: words to read into (NULL for writes) and how many */
	guint32 *words;
	guint n_words;
} DapPacket;

static void
dap_packet_clear(gpointer data)
{
	DapPacket *packet = data;
	g_free(packet->command);
}

static gboolean
op_has_data(const DapOp *op)
{
	return !(op->request & REQ_READ) || (op->request & REQ_MATCH);
}

static gboolean
op_returns_data(const DapOp *op)
{
	return (op->request & REQ_READ) && !(op->request & REQ_MATCH);
}

/* cut @ops into DAP_Transfer packets that fit both ways */
static void
ub_probe_cmsis_dap_pack_ops(UbProbeCmsisDap *self, const DapOp *ops, guint n_ops,
			    GArray *packets)
{
	guint i = 0;

	while (i < n_ops) {
		DapPacket packet = {0};
		gsize req = 3;
		gsize resp = 3;
		guint count = 0;
		gsize pos = 3;

		while (i + count < n_ops && count < 255) {
			const DapOp *op = &ops[i + count];
			gsize req_next = req + 1 + (op_has_data(op) ? 4 : 0);
			gsize resp_next = resp + (op_returns_data(op) ? 4 : 0);

			if (req_next > self->packet_size || resp_next > self->packet_size)
				break;
			req = req_next;
			resp = resp_next;
			count++;
		}
		packet.command = g_malloc(req);
		packet.len = req;
		packet.command[0] = DAP_TRANSFER;
		packet.command[1] = 0x00;
		packet.command[2] = (guint8)count;
		for (guint k = 0; k < count; k++) {
			const DapOp *op = &ops[i + k];
			packet.command[pos++] = op->request;
			if (op_has_data(op)) {
				put_le32(packet.command + pos, op->value);
				pos += 4;
			}
		}
		packet.ops = ops + i;
		packet.n_ops = count;
		g_array_append_val(packets, packet);
		i += count;
	}
}

/* DAP_TransferBlock packets for a DRW stream (@words read into, or written from) */
static void
ub_probe_cmsis_dap_pack_block(UbProbeCmsisDap *self, gboolean read, guint32 *words, guint n,
			      GArray *packets)
{
	guint per_packet = ub_cmsis_dap_block_words(self->packet_size, read);

	for (guint i = 0; i < n; i += per_packet) {
		DapPacket packet = {0};
		guint count = MIN(per_packet, n - i);

		packet.block = TRUE;
		packet.len = 5 + (read ? 0 : 4 * count);
		packet.command = g_malloc(packet.len);
		packet.command[0] = DAP_TRANSFER_BLOCK;
		packet.command[1] = 0x00;
		put_le16(packet.command + 2, (guint16)count);
		packet.command[4] = REQ_AP | AP_DRW | (read ? REQ_READ : 0);
		if (!read) {
			for (guint k = 0; k < count; k++)
				put_le32(packet.command + 5 + 4 * k, words[i + k]);
		} else {
			packet.words = words + i;
		}
		packet.n_words = count;
		g_array_append_val(packets, packet);
	}
}

/* the response of one packet; *ack is its ACK byte, FALSE only for a broken conversation */
static gboolean
ub_probe_cmsis_dap_parse(UbProbeCmsisDap *self, const DapPacket *packet, const guint8 *reply,
			 gsize len, guint8 *ack, GError **error)
{
	if (packet->block) {
		guint done;

		if (len < 4) {
			g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
				    "DAP_TransferBlock reply of %" G_GSIZE_FORMAT " bytes", len);
			return FALSE;
		}
		done = reply[1] | reply[2] << 8;
		*ack = reply[3];
		if (packet->words != NULL) {
			if (len < 4 + 4 * (gsize)done || done > packet->n_words) {
				g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
					    "DAP_TransferBlock reply holds %" G_GSIZE_FORMAT
					    " bytes for %u words",
					    len, done);
				return FALSE;
			}
			for (guint k = 0; k < done; k++)
				packet->words[k] = get_le32(reply + 4 + 4 * k);
		}
		if (*ack == ACK_OK && done != packet->n_words)
			*ack = ACK_PROTOCOL;
		return TRUE;
	} else {
		guint done;
		gsize pos = 3;

		if (len < 3) {
			g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
				    "DAP_Transfer reply of %" G_GSIZE_FORMAT " bytes", len);
			return FALSE;
		}
		done = reply[1];
		*ack = reply[2];
		if (done > packet->n_ops) {
			g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
				    "DAP_Transfer did %u of %u transfers", done, packet->n_ops);
			return FALSE;
		}
		for (guint k = 0; k < done; k++) {
			const DapOp *op = &packet->ops[k];
			if (!op_returns_data(op))
				continue;
			if (pos + 4 > len) {
				g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
						    "DAP_Transfer reply too short for its reads");
				return FALSE;
			}
			if (op->result != NULL)
				*op->result = get_le32(reply + pos);
			pos += 4;
		}
		if (*ack == ACK_OK && done != packet->n_ops)
			*ack = ACK_PROTOCOL;
		return TRUE;
	}
}

/* send @packets with up to Packet Count of them in flight; the first ACK that is not OK is
 * returned in *failed_ack (0 when all went through) after every response is collected.
 * The window is sent in one burst and then collected: with synchronous USB calls a burst of
 * OUT packets shares the bus frames, and the probe works through its queue meanwhile. */
static gboolean
ub_probe_cmsis_dap_pipeline(UbProbeCmsisDap *self, GArray *packets, guint8 *failed_ack,
			    GError **error)
{
	g_autofree guint8 *reply = g_malloc0(self->packet_size);
	guint window = MAX(self->packet_count, 1);
	guint sent = 0;
	guint received = 0;

	*failed_ack = 0;
	while (received < packets->len) {
		const DapPacket *packet;
		guint8 ack = 0;
		gsize len = 0;

		/* after a failure nothing new goes out; what is in flight still answers */
		if (*failed_ack == 0 && sent == received && sent < packets->len) {
			guint burst = MIN(window, packets->len - sent);
			for (guint k = 0; k < burst; k++) {
				packet = &g_array_index(packets, DapPacket, sent);
				if (!ub_probe_cmsis_dap_send(self, packet->command, packet->len,
							     error))
					return FALSE;
				sent++;
			}
		}
		if (received == sent)
			break;
		packet = &g_array_index(packets, DapPacket, received);
		if (!ub_probe_cmsis_dap_receive(self, packet->command[0], reply, &len, error))
			return FALSE;
		if (!ub_probe_cmsis_dap_parse(self, packet, reply, len, &ack, error))
			return FALSE;
		if (ack != ACK_OK && *failed_ack == 0)
			*failed_ack = ack;
		received++;
	}
	return TRUE;
}

/* after a failed transfer: put the DP back in a state that takes requests */
static void
ub_probe_cmsis_dap_recover(UbProbeCmsisDap *self, guint8 ack)
{
	guint8 cmd[6] = {DAP_WRITE_ABORT, 0x00};
	g_autoptr(GError) error = NULL;

	self->csw_valid = FALSE;
	if ((ack & 0x07) == ACK_WAIT) {
		/* give up the stalled access so the DP listens again */
		put_le32(cmd + 2, ABORT_DAPABORT);
	} else if ((ack & 0x07) == ACK_FAULT || (ack & (ACK_PROTOCOL | ACK_MISMATCH))) {
		put_le32(cmd + 2, ABORT_CLEAR_STICKY);
	} else {
		/* no answer at all: only a line reset brings the DP back */
		self->swd_ready = FALSE;
		self->select_valid = FALSE;
		return;
	}
	if (!ub_probe_cmsis_dap_command_status(self, cmd, sizeof(cmd), "DAP_WriteABORT", &error))
		g_debug("%s", error->message);
}

/* DAP_Transfer ops, pipelined, with a WAIT the probe gave up on tried again */
static gboolean
ub_probe_cmsis_dap_run(UbProbeCmsisDap *self, const DapOp *ops, guint n_ops, GError **error)
{
	for (guint attempt = 0;; attempt++) {
		g_autoptr(GArray) packets = g_array_new(FALSE, TRUE, sizeof(DapPacket));
		guint8 ack = 0;

		g_array_set_clear_func(packets, dap_packet_clear);
		ub_probe_cmsis_dap_pack_ops(self, ops, n_ops, packets);
		if (!ub_probe_cmsis_dap_pipeline(self, packets, &ack, error))
			return FALSE;
		if (ack == 0)
			return TRUE;
		ub_probe_cmsis_dap_recover(self, ack);
		if ((ack & 0x07) != ACK_WAIT || attempt + 1 >= WAIT_ATTEMPTS)
			return ub_cmsis_dap_ack_check(ack, error);
		g_debug("WAIT after the probe's retries, trying again");
		ub_clock_sleep_us(ub_probe_get_clock(UB_PROBE(self)), (guint64)1000u << attempt);
	}
}

/* ---- SWD ---------------------------------------------------------------------------- */

static gboolean
ub_probe_cmsis_dap_ensure_connected(UbProbeCmsisDap *self, GError **error)
{
	if (self->connected)
		return TRUE;
	return ub_probe_cmsis_dap_connect(self, error);
}

static gboolean
ub_probe_cmsis_dap_set_clock(UbProbeCmsisDap *self, GError **error)
{
	guint8 cmd[5] = {DAP_SWJ_CLOCK};

	put_le32(cmd + 1, self->khz * 1000u);
	return ub_probe_cmsis_dap_command_status(self, cmd, sizeof(cmd), "DAP_SWJ_Clock", error);
}

static gboolean
ub_probe_cmsis_dap_read_dp_idcode(UbProbe *probe, guint32 *idcode, GError **error)
{
	UbProbeCmsisDap *self = UB_PROBE_CMSIS_DAP(probe);
	DapOp op = {REQ_READ | DP_DPIDR, 0, idcode};

	if (!ub_probe_cmsis_dap_ensure_connected(self, error))
		return FALSE;
	return ub_probe_cmsis_dap_run(self, &op, 1, error);
}

static gboolean
ub_probe_cmsis_dap_enter_swd(UbProbe *probe, GError **error)
{
	UbProbeCmsisDap *self = UB_PROBE_CMSIS_DAP(probe);
	guint8 sequence[2 + sizeof(jtag_to_swd)] = {DAP_SWJ_SEQUENCE, 136};
	guint32 dpidr = 0;
	guint32 ctrl = 0;
	const DapOp power_up[] = {
	    {DP_ABORT, ABORT_CLEAR_STICKY, NULL},
	    {DP_SELECT, 0, NULL},
	    {DP_CTRL_STAT, CTRL_POWERUP_REQ, NULL},
	    {REQ_READ | DP_CTRL_STAT, 0, &ctrl},
	};
	DapOp poll = {REQ_READ | DP_CTRL_STAT, 0, &ctrl};

	if (!ub_probe_cmsis_dap_ensure_connected(self, error))
		return FALSE;
	self->swd_ready = FALSE;
	self->select_valid = FALSE;
	self->csw_valid = FALSE;
	/* SWD from whatever state the SWJ-DP is in: JTAG-to-SWD includes the line resets */
	memcpy(sequence + 2, jtag_to_swd, sizeof(jtag_to_swd));
	if (!ub_probe_cmsis_dap_command_status(self, sequence, sizeof(sequence),
					       "DAP_SWJ_Sequence", error))
		return FALSE;
	/* the DP takes nothing but a DPIDR read after a line reset */
	if (!ub_probe_cmsis_dap_read_dp_idcode(probe, &dpidr, error)) {
		g_prefix_error(error, "entering SWD mode: ");
		return FALSE;
	}
	if (!ub_probe_cmsis_dap_run(self, power_up, G_N_ELEMENTS(power_up), error)) {
		g_prefix_error(error, "powering up the debug port: ");
		return FALSE;
	}
	for (guint i = 0; (ctrl & CTRL_POWERUP_ACK) != CTRL_POWERUP_ACK; i++) {
		if (i >= POWERUP_POLLS) {
			g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAILED,
				    "the debug port did not power up (CTRL/STAT 0x%08x)", ctrl);
			return FALSE;
		}
		if (!ub_probe_cmsis_dap_run(self, &poll, 1, error))
			return FALSE;
	}
	self->select = 0;
	self->select_valid = TRUE;
	self->swd_ready = TRUE;
	g_debug("SWD: DPIDR 0x%08x, CTRL/STAT 0x%08x", dpidr, ctrl);
	return TRUE;
}

static gboolean
ub_probe_cmsis_dap_require_swd(UbProbeCmsisDap *self, GError **error)
{
	if (self->swd_ready)
		return TRUE;
	return ub_probe_cmsis_dap_enter_swd(UB_PROBE(self), error);
}

/* SELECT (AP 0, bank 0) and CSW, only when they differ from what the DP/AP hold */
static void
ub_probe_cmsis_dap_add_setup(UbProbeCmsisDap *self, GArray *ops, guint32 csw)
{
	if (!self->select_valid || self->select != 0) {
		DapOp op = {DP_SELECT, 0, NULL};
		g_array_append_val(ops, op);
		self->select = 0;
		self->select_valid = TRUE;
	}
	if (!self->csw_valid || self->csw != csw) {
		DapOp op = {REQ_AP | AP_CSW, csw, NULL};
		g_array_append_val(ops, op);
		self->csw = csw;
		self->csw_valid = TRUE;
	}
}

static void
ops_add(GArray *ops, guint8 request, guint32 value, guint32 *result)
{
	DapOp op = {request, value, result};
	g_array_append_val(ops, op);
}

/* ops that failed leave the caches unknown */
static gboolean
ub_probe_cmsis_dap_run_array(UbProbeCmsisDap *self, GArray *ops, GError **error)
{
	if (!ub_probe_cmsis_dap_run(self, (const DapOp *)ops->data, ops->len, error)) {
		self->csw_valid = FALSE;
		self->select_valid = FALSE;
		return FALSE;
	}
	return TRUE;
}

static gboolean
ub_probe_cmsis_dap_read_u32(UbProbe *probe, guint32 address, guint32 *value, GError **error)
{
	UbProbeCmsisDap *self = UB_PROBE_CMSIS_DAP(probe);
	g_autoptr(GArray) ops = g_array_new(FALSE, FALSE, sizeof(DapOp));

	if (!ub_probe_cmsis_dap_require_swd(self, error))
		return FALSE;
	ub_probe_cmsis_dap_add_setup(self, ops, CSW_BASE | CSW_INC_SINGLE | 2);
	ops_add(ops, REQ_AP | AP_TAR, address, NULL);
	/* the probe collects the posted read itself */
	ops_add(ops, REQ_AP | REQ_READ | AP_DRW, 0, value);
	if (!ub_probe_cmsis_dap_run_array(self, ops, error)) {
		g_prefix_error(error, "reading 0x%08x: ", address);
		return FALSE;
	}
	return TRUE;
}

static gboolean
ub_probe_cmsis_dap_write_u32(UbProbe *probe, guint32 address, guint32 value, GError **error)
{
	UbProbeCmsisDap *self = UB_PROBE_CMSIS_DAP(probe);
	g_autoptr(GArray) ops = g_array_new(FALSE, FALSE, sizeof(DapOp));

	if (!ub_probe_cmsis_dap_require_swd(self, error))
		return FALSE;
	ub_probe_cmsis_dap_add_setup(self, ops, CSW_BASE | CSW_INC_SINGLE | 2);
	ops_add(ops, REQ_AP | AP_TAR, address, NULL);
	/* the probe checks the posted write with an RDBUFF read at the end of the packet */
	ops_add(ops, REQ_AP | AP_DRW, value, NULL);
	if (!ub_probe_cmsis_dap_run_array(self, ops, error)) {
		g_prefix_error(error, "writing 0x%08x: ", address);
		return FALSE;
	}
	return TRUE;
}

/* ---- memory ------------------------------------------------------------------------- */

static guint32
csw_size(guint width)
{
	return width == 4 ? 2 : width == 2 ? 1 : 0;
}

/* where a bus error stopped us: TAR is not incremented by a failed access */
static void
ub_probe_cmsis_dap_prefix_fault(UbProbeCmsisDap *self, GError **error, guint32 guess)
{
	guint32 tar = guess;
	g_autoptr(GError) error_local = NULL;
	DapOp op = {REQ_AP | REQ_READ | AP_TAR, 0, &tar};

	if (error == NULL || *error == NULL)
		return;
	if (g_error_matches(*error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT) &&
	    !ub_probe_cmsis_dap_run(self, &op, 1, &error_local))
		tar = guess;
	g_prefix_error(error, "at 0x%08x: ", tar);
}

/* one width, any number of elements: per 1 KiB run a TAR write, then DRW blocks, everything
 * pipelined; @words holds the DRW values (lanes as on the bus) */
static gboolean
ub_probe_cmsis_dap_stream(UbProbeCmsisDap *self, gboolean read, guint32 address, guint width,
			  guint32 *words, guint n, GError **error)
{
	g_autoptr(GArray) packets = g_array_new(FALSE, TRUE, sizeof(DapPacket));
	g_autoptr(GArray) setup = g_array_new(FALSE, FALSE, sizeof(DapOp));
	g_autofree guint *setup_starts = NULL;
	guint runs = 0;
	guint8 ack = 0;

	g_array_set_clear_func(packets, dap_packet_clear);
	/* first the set-up ops of every run, so their addresses stay put */
	for (guint done = 0; done < n;) {
		guint32 at = address + done * width;
		guint count = MIN(n - done, (TAR_BLOCK - (at & (TAR_BLOCK - 1))) / width);
		done += MAX(count, 1u);
		runs++;
	}
	setup_starts = g_new0(guint, runs + 1);
	ub_probe_cmsis_dap_add_setup(self, setup, CSW_BASE | CSW_INC_SINGLE | csw_size(width));
	for (guint done = 0, run = 0; done < n; run++) {
		guint32 at = address + done * width;
		guint count = MAX(MIN(n - done, (TAR_BLOCK - (at & (TAR_BLOCK - 1))) / width), 1u);
		if (run > 0)
			setup_starts[run] = setup->len;
		ops_add(setup, REQ_AP | AP_TAR, at, NULL);
		done += count;
	}
	setup_starts[runs] = setup->len;
	for (guint done = 0, run = 0; done < n; run++) {
		guint32 at = address + done * width;
		guint count = MAX(MIN(n - done, (TAR_BLOCK - (at & (TAR_BLOCK - 1))) / width), 1u);
		guint first = setup_starts[run];

		ub_probe_cmsis_dap_pack_ops(self, &g_array_index(setup, DapOp, first),
					    setup_starts[run + 1] - first, packets);
		ub_probe_cmsis_dap_pack_block(self, read, words + done, count, packets);
		done += count;
	}
	if (!ub_probe_cmsis_dap_pipeline(self, packets, &ack, error)) {
		self->csw_valid = FALSE;
		return FALSE;
	}
	if (ack != 0) {
		ub_probe_cmsis_dap_recover(self, ack);
		ub_cmsis_dap_ack_check(ack, error);
		ub_probe_cmsis_dap_prefix_fault(self, error, address);
		return FALSE;
	}
	return TRUE;
}

/* a WAIT the probe gave up on is worth another go (a flash program or erase in progress) */
static gboolean
ub_probe_cmsis_dap_stream_retry(UbProbeCmsisDap *self, gboolean read, guint32 address,
				guint width, guint32 *words, guint n, GError **error)
{
	for (guint attempt = 0;; attempt++) {
		g_autoptr(GError) error_local = NULL;

		if (ub_probe_cmsis_dap_stream(self, read, address, width, words, n, &error_local))
			return TRUE;
		if (!g_error_matches(error_local, UB_TARGET_ERROR, UB_TARGET_ERROR_WAIT) ||
		    attempt + 1 >= WAIT_ATTEMPTS) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		ub_clock_sleep_us(ub_probe_get_clock(UB_PROBE(self)), (guint64)1000u << attempt);
	}
}

static gboolean
ub_probe_cmsis_dap_read_run(UbProbeCmsisDap *self, guint32 address, guint8 *buffer, gsize len,
			    guint width, GError **error)
{
	guint n = (guint)(len / width);
	g_autofree guint32 *words = g_new0(guint32, MAX(n, 1));

	if (!ub_probe_cmsis_dap_stream_retry(self, TRUE, address, width, words, n, error))
		return FALSE;
	for (guint i = 0; i < n; i++) {
		guint32 at = address + i * width;
		/* narrow data comes on its byte lanes (ADIv5 C2.2.6) */
		guint32 value = words[i] >> (8 * (at & 3));
		for (guint b = 0; b < width; b++)
			buffer[i * width + b] = (guint8)(value >> (8 * b));
	}
	return TRUE;
}

static gboolean
ub_probe_cmsis_dap_write_run(UbProbeCmsisDap *self, guint32 address, const guint8 *data,
			     gsize len, guint width, GError **error)
{
	guint n = (guint)(len / width);
	g_autofree guint32 *words = g_new0(guint32, MAX(n, 1));

	for (guint i = 0; i < n; i++) {
		guint32 at = address + i * width;
		guint32 value = 0;
		for (guint b = 0; b < width; b++)
			value |= (guint32)data[i * width + b] << (8 * b);
		words[i] = value << (8 * (at & 3));
	}
	return ub_probe_cmsis_dap_stream_retry(self, FALSE, address, width, words, n, error);
}

static gboolean
ub_probe_cmsis_dap_check_access(guint32 address, gsize len, UbAccess access, GError **error)
{
	guint width = access == UB_ACCESS_AUTO ? 1 : (guint)access;

	if ((address % width) != 0 || (len % width) != 0) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_INVALID_ARGUMENT,
			    "%u-bit access to 0x%08x, %" G_GSIZE_FORMAT " bytes: not aligned",
			    width * 8, address, len);
		return FALSE;
	}
	return TRUE;
}

static gboolean
ub_probe_cmsis_dap_run_width(UbProbeCmsisDap *self, gboolean read, guint32 address,
			     guint8 *buffer, gsize len, guint width, GError **error)
{
	if (read)
		return ub_probe_cmsis_dap_read_run(self, address, buffer, len, width, error);
	return ub_probe_cmsis_dap_write_run(self, address, buffer, len, width, error);
}

/* AUTO: bytes up to a word boundary, words, bytes after (as the ST-LINK driver splits) */
static gboolean
ub_probe_cmsis_dap_memory(UbProbeCmsisDap *self, gboolean read, guint32 address, guint8 *buffer,
			  gsize len, UbAccess access, GError **error)
{
	gsize head;
	gsize body;

	if (!ub_probe_cmsis_dap_check_access(address, len, access, error))
		return FALSE;
	if (!ub_probe_cmsis_dap_require_swd(self, error))
		return FALSE;
	if (access != UB_ACCESS_AUTO)
		return ub_probe_cmsis_dap_run_width(self, read, address, buffer, len,
						    (guint)access, error);
	head = MIN(len, (gsize)((4 - (address & 3)) & 3));
	body = (len - head) & ~(gsize)3;
	if (head > 0 &&
	    !ub_probe_cmsis_dap_run_width(self, read, address, buffer, head, 1, error))
		return FALSE;
	if (body > 0 && !ub_probe_cmsis_dap_run_width(self, read, address + (guint32)head,
						      buffer + head, body, 4, error))
		return FALSE;
	if (head + body < len &&
	    !ub_probe_cmsis_dap_run_width(self, read, address + (guint32)(head + body),
					  buffer + head + body, len - head - body, 1, error))
		return FALSE;
	return TRUE;
}

static gboolean
ub_probe_cmsis_dap_read_memory(UbProbe *probe, guint32 address, guint8 *buffer, gsize len,
			       UbAccess access, GError **error)
{
	return ub_probe_cmsis_dap_memory(UB_PROBE_CMSIS_DAP(probe), TRUE, address, buffer, len,
					 access, error);
}

static gboolean
ub_probe_cmsis_dap_write_memory(UbProbe *probe, guint32 address, const guint8 *data, gsize len,
				UbAccess access, GError **error)
{
	return ub_probe_cmsis_dap_memory(UB_PROBE_CMSIS_DAP(probe), FALSE, address,
					 (guint8 *)data, len, access, error);
}

/* ---- core registers: DCRSR, then the probe waits for S_REGRDY with a value match -------- */

static gboolean
ub_probe_cmsis_dap_read_core_register(UbProbe *probe, guint regsel, guint32 *value,
				      GError **error)
{
	UbProbeCmsisDap *self = UB_PROBE_CMSIS_DAP(probe);
	g_autoptr(GArray) ops = g_array_new(FALSE, FALSE, sizeof(DapOp));
	g_autoptr(GError) error_local = NULL;

	if (!ub_probe_cmsis_dap_require_swd(self, error))
		return FALSE;
	ub_probe_cmsis_dap_add_setup(self, ops, CSW_BASE | CSW_INC_SINGLE | 2);
	ops_add(ops, REQ_AP | AP_TAR, DCRSR, NULL);
	ops_add(ops, REQ_AP | AP_DRW, regsel & 0x7Fu, NULL);
	ops_add(ops, REQ_AP | AP_TAR, DHCSR, NULL);
	ops_add(ops, REQ_MATCH_MASK, DHCSR_S_REGRDY, NULL);
	ops_add(ops, REQ_AP | REQ_READ | REQ_MATCH | AP_DRW, DHCSR_S_REGRDY, NULL);
	ops_add(ops, REQ_AP | AP_TAR, DCRDR, NULL);
	ops_add(ops, REQ_AP | REQ_READ | AP_DRW, 0, value);
	if (!ub_probe_cmsis_dap_run_array(self, ops, &error_local)) {
		if (g_error_matches(error_local, UB_TARGET_ERROR, UB_TARGET_ERROR_FAILED) &&
		    strstr(error_local->message, "never came") != NULL) {
			g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NOT_HALTED,
				    "reading core register %u: the core did not complete the "
				    "transfer (is it halted?)",
				    regsel);
			return FALSE;
		}
		g_propagate_prefixed_error(error, g_steal_pointer(&error_local),
					   "reading core register %u: ", regsel);
		return FALSE;
	}
	return TRUE;
}

static gboolean
ub_probe_cmsis_dap_write_core_register(UbProbe *probe, guint regsel, guint32 value,
				       GError **error)
{
	UbProbeCmsisDap *self = UB_PROBE_CMSIS_DAP(probe);
	g_autoptr(GArray) ops = g_array_new(FALSE, FALSE, sizeof(DapOp));
	g_autoptr(GError) error_local = NULL;

	if (!ub_probe_cmsis_dap_require_swd(self, error))
		return FALSE;
	ub_probe_cmsis_dap_add_setup(self, ops, CSW_BASE | CSW_INC_SINGLE | 2);
	ops_add(ops, REQ_AP | AP_TAR, DCRDR, NULL);
	ops_add(ops, REQ_AP | AP_DRW, value, NULL);
	ops_add(ops, REQ_AP | AP_TAR, DCRSR, NULL);
	ops_add(ops, REQ_AP | AP_DRW, DCRSR_REGWNR | (regsel & 0x7Fu), NULL);
	ops_add(ops, REQ_AP | AP_TAR, DHCSR, NULL);
	ops_add(ops, REQ_MATCH_MASK, DHCSR_S_REGRDY, NULL);
	ops_add(ops, REQ_AP | REQ_READ | REQ_MATCH | AP_DRW, DHCSR_S_REGRDY, NULL);
	if (!ub_probe_cmsis_dap_run_array(self, ops, &error_local)) {
		if (g_error_matches(error_local, UB_TARGET_ERROR, UB_TARGET_ERROR_FAILED) &&
		    strstr(error_local->message, "never came") != NULL) {
			g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NOT_HALTED,
				    "writing core register %u: the core did not complete the "
				    "transfer (is it halted?)",
				    regsel);
			return FALSE;
		}
		g_propagate_prefixed_error(error, g_steal_pointer(&error_local),
					   "writing core register %u: ", regsel);
		return FALSE;
	}
	return TRUE;
}

/* ---- nRESET ------------------------------------------------------------------------- */

static gboolean
ub_probe_cmsis_dap_swj_nreset(UbProbeCmsisDap *self, gboolean low, GError **error)
{
	const guint8 cmd[7] = {DAP_SWJ_PINS, low ? 0x00 : SWJ_NRESET, SWJ_NRESET, 0, 0, 0, 0};
	g_autofree guint8 *reply = g_malloc0(self->packet_size);

	/* the answer is the pin read back; it says nothing about the board (a probe without
	 * the pin reads 0), so the target layer judges by DHCSR.S_RESET_ST */
	if (!ub_probe_cmsis_dap_command(self, cmd, sizeof(cmd), reply, NULL, error)) {
		g_prefix_error(error, "DAP_SWJ_Pins: ");
		return FALSE;
	}
	g_debug("nRESET %s, reads %u", low ? "asserted" : "released",
		(guint)((reply[1] >> 7) & 1));
	return TRUE;
}

static gboolean
ub_probe_cmsis_dap_drive_nrst(UbProbe *probe, UbNrst action, GError **error)
{
	UbProbeCmsisDap *self = UB_PROBE_CMSIS_DAP(probe);
	guint8 delay[3] = {DAP_DELAY};

	/* the pins are the probe's only after DAP_Connect */
	if (!ub_probe_cmsis_dap_ensure_connected(self, error))
		return FALSE;
	switch (action) {
	case UB_NRST_LOW:
		return ub_probe_cmsis_dap_swj_nreset(self, TRUE, error);
	case UB_NRST_HIGH:
		return ub_probe_cmsis_dap_swj_nreset(self, FALSE, error);
	case UB_NRST_PULSE:
		put_le16(delay + 1, NRST_PULSE_US);
		return ub_probe_cmsis_dap_swj_nreset(self, TRUE, error) &&
		       ub_probe_cmsis_dap_command_status(self, delay, sizeof(delay), "DAP_Delay",
							 error) &&
		       ub_probe_cmsis_dap_swj_nreset(self, FALSE, error);
	default:
		g_return_val_if_reached(FALSE);
	}
}

/* CMSIS-DAP's DAP_ResetTarget runs a device-specific sequence only where the firmware has one
 * (neither debugprobe nor DAPLink for this chip): reset through AIRCR, as ST-LINK firmware
 * may do for RESETSYS */
static gboolean
ub_probe_cmsis_dap_reset_system(UbProbe *probe, GError **error)
{
	UbProbeCmsisDap *self = UB_PROBE_CMSIS_DAP(probe);
	g_autoptr(GError) error_local = NULL;

	if (!ub_probe_cmsis_dap_require_swd(self, error))
		return FALSE;
	/* the reset may cut the write's own acknowledgement short */
	if (!ub_probe_cmsis_dap_write_u32(probe, AIRCR, AIRCR_SYSRESETREQ, &error_local))
		g_debug("AIRCR write: %s", error_local->message);
	return TRUE;
}

/* ---- UbProbe ------------------------------------------------------------------------ */

static gboolean
ub_probe_cmsis_dap_open(UbProbe *probe, GError **error)
{
	UbProbeCmsisDap *self = UB_PROBE_CMSIS_DAP(probe);

	if (!self->info_read && !ub_probe_cmsis_dap_query_info(self, error))
		return FALSE;
	if ((self->capabilities & CAP_SWD) == 0) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
				    "this CMSIS-DAP probe does not do SWD");
		return FALSE;
	}
	if (!ub_probe_cmsis_dap_connect(self, error))
		return FALSE;
	return ub_probe_cmsis_dap_set_clock(self, error);
}

static gboolean
ub_probe_cmsis_dap_leave_debug(UbProbe *probe, GError **error)
{
	UbProbeCmsisDap *self = UB_PROBE_CMSIS_DAP(probe);
	const guint8 led[] = {DAP_HOST_STATUS, 0x00, 0x00};
	const guint8 disconnect[] = {DAP_DISCONNECT};
	g_autoptr(GError) error_local = NULL;

	if (!self->connected)
		return TRUE;
	if (!ub_probe_cmsis_dap_command_status(self, led, sizeof(led), "DAP_HostStatus",
					       &error_local))
		g_debug("%s", error_local->message);
	/* the pins go high-impedance and nRESET is let go: the target runs on its own */
	self->connected = FALSE;
	self->swd_ready = FALSE;
	self->select_valid = FALSE;
	self->csw_valid = FALSE;
	return ub_probe_cmsis_dap_command_status(self, disconnect, sizeof(disconnect),
						 "DAP_Disconnect", error);
}

static gboolean
ub_probe_cmsis_dap_close(UbProbe *probe, GError **error)
{
	return ub_probe_cmsis_dap_leave_debug(probe, error);
}

static gboolean
ub_probe_cmsis_dap_get_target_voltage(UbProbe *probe, guint *millivolts, GError **error)
{
	g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
			    "CMSIS-DAP has no command to measure the target voltage");
	return FALSE;
}

static gboolean
ub_probe_cmsis_dap_set_swd_frequency(UbProbe *probe, guint khz, guint *actual_khz,
				     GError **error)
{
	UbProbeCmsisDap *self = UB_PROBE_CMSIS_DAP(probe);
	guint previous = self->khz;

	if (khz == 0) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
				    "a CMSIS-DAP probe needs a clock above 0 Hz");
		return FALSE;
	}
	self->khz = khz;
	if (!ub_probe_cmsis_dap_set_clock(self, error)) {
		self->khz = previous;
		return FALSE;
	}
	/* the probe does not say what it made of it (debugprobe: 2000 → 1838 kHz) */
	*actual_khz = khz;
	return TRUE;
}

static void
ub_probe_cmsis_dap_finalize(GObject *object)
{
	UbProbeCmsisDap *self = UB_PROBE_CMSIS_DAP(object);

	g_free(self->protocol_version);
	g_free(self->product_firmware);
	G_OBJECT_CLASS(ub_probe_cmsis_dap_parent_class)->finalize(object);
}

static void
ub_probe_cmsis_dap_class_init(UbProbeCmsisDapClass *klass)
{
	UbProbeClass *probe_class = UB_PROBE_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = ub_probe_cmsis_dap_finalize;
	probe_class->open = ub_probe_cmsis_dap_open;
	probe_class->close = ub_probe_cmsis_dap_close;
	probe_class->get_target_voltage = ub_probe_cmsis_dap_get_target_voltage;
	probe_class->set_swd_frequency = ub_probe_cmsis_dap_set_swd_frequency;
	probe_class->enter_swd = ub_probe_cmsis_dap_enter_swd;
	probe_class->leave_debug = ub_probe_cmsis_dap_leave_debug;
	probe_class->read_dp_idcode = ub_probe_cmsis_dap_read_dp_idcode;
	probe_class->read_memory = ub_probe_cmsis_dap_read_memory;
	probe_class->write_memory = ub_probe_cmsis_dap_write_memory;
	probe_class->read_u32 = ub_probe_cmsis_dap_read_u32;
	probe_class->write_u32 = ub_probe_cmsis_dap_write_u32;
	probe_class->read_core_register = ub_probe_cmsis_dap_read_core_register;
	probe_class->write_core_register = ub_probe_cmsis_dap_write_core_register;
	probe_class->drive_nrst = ub_probe_cmsis_dap_drive_nrst;
	probe_class->reset_system = ub_probe_cmsis_dap_reset_system;
}

static void
ub_probe_cmsis_dap_init(UbProbeCmsisDap *self)
{
	/* the probe's own default clock until told otherwise (debugprobe 1 MHz) */
	self->khz = 1000;
	self->packet_count = 1;
}

/**
 * ub_probe_cmsis_dap_new:
 * @transport: a transport that found a CMSIS-DAP v2 interface (its bulk endpoints set)
 *
 * Returns: (transfer full): the driver; nothing is sent until ub_probe_open()
 */
UbProbeCmsisDap *
ub_probe_cmsis_dap_new(UbTransport *transport, GError **error)
{
	UbProbeCmsisDap *self;

	g_return_val_if_fail(UB_IS_TRANSPORT(transport), NULL);

	if (ub_transport_get_kind(transport) != UB_PROBE_KIND_CMSIS_DAP ||
	    ub_transport_get_endpoint_out(transport) == 0 ||
	    ub_transport_get_endpoint_in(transport) == 0) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
			    "%04x:%04x has no CMSIS-DAP v2 interface",
			    ub_transport_get_vendor_id(transport),
			    ub_transport_get_product_id(transport));
		return NULL;
	}
	self = g_object_new(UB_TYPE_PROBE_CMSIS_DAP, "transport", transport, NULL);
	ub_probe_set_kind(UB_PROBE(self), UB_PROBE_KIND_CMSIS_DAP);
	ub_probe_set_max_transfer(UB_PROBE(self), MAX_TRANSFER);
	ub_probe_set_features(UB_PROBE(self), UB_PROBE_FEATURE_NRST);
	self->endpoint_out = ub_transport_get_endpoint_out(transport);
	self->endpoint_in = ub_transport_get_endpoint_in(transport);
	self->usb_packet = MAX(ub_transport_get_max_packet(transport), 64u);
	/* until DAP_Info says otherwise, a DAP packet is a USB packet (OpenOCD's start) */
	self->packet_size = self->usb_packet;
	return self;
}
