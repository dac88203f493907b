/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-probe-stlink-private.h"

/* command bytes, reference/stlink-and-stm32f4.md §2.1 and §2.3 */
#define STLINK_GET_VERSION 0xF1
#define STLINK_DEBUG_COMMAND 0xF2
#define STLINK_DFU_COMMAND 0xF3
#define STLINK_SWIM_COMMAND 0xF4
#define STLINK_GET_CURRENT_MODE 0xF5
#define STLINK_GET_TARGET_VOLTAGE 0xF7
#define STLINK_APIV3_GET_VERSION_EX 0xFB

#define STLINK_DFU_EXIT 0x07
#define STLINK_SWIM_EXIT 0x01

#define STLINK_DEBUG_READMEM_32BIT 0x07
#define STLINK_DEBUG_WRITEMEM_32BIT 0x08
#define STLINK_DEBUG_READMEM_8BIT 0x0C
#define STLINK_DEBUG_WRITEMEM_8BIT 0x0D
#define STLINK_DEBUG_EXIT 0x21
#define STLINK_DEBUG_APIV2_ENTER 0x30
#define STLINK_DEBUG_APIV2_READ_IDCODES 0x31
#define STLINK_DEBUG_APIV2_RESETSYS 0x32
#define STLINK_DEBUG_APIV2_READREG 0x33
#define STLINK_DEBUG_APIV2_WRITEREG 0x34
#define STLINK_DEBUG_APIV2_WRITEDEBUGREG 0x35
#define STLINK_DEBUG_APIV2_READDEBUGREG 0x36
#define STLINK_DEBUG_APIV2_GETLASTRWSTATUS 0x3B
#define STLINK_DEBUG_APIV2_DRIVE_NRST 0x3C
#define STLINK_DEBUG_APIV2_GETLASTRWSTATUS2 0x3E
#define STLINK_DEBUG_APIV2_SWD_SET_FREQ 0x43
#define STLINK_DEBUG_READMEM_16BIT 0x47
#define STLINK_DEBUG_WRITEMEM_16BIT 0x48
#define STLINK_DEBUG_APIV2_INIT_AP 0x4B
#define STLINK_DEBUG_APIV3_SET_COM_FREQ 0x61
#define STLINK_DEBUG_APIV3_GET_COM_FREQ 0x62

#define STLINK_DEBUG_ENTER_SWD 0xA3

#define STLINK_CMD_SIZE 16
/* OpenOCD retries WAIT up to 8 times (MAX_WAIT_RETRIES), sleeping 1, 2, 4 … 128 ms */
#define STLINK_WAIT_RETRIES 8
/* the Cortex-M3/M4 AHB-AP increments TAR within 4 KiB (ADIv5 only promises 1 KiB): OpenOCD
 * never lets a memory command cross that block (stlink_max_block_size()) */
#define STLINK_TAR_BLOCK 0x1000u
/* reading a stale reply out of the probe: the largest packet (V3), a short wait */
#define STLINK_DRAIN_PACKET 512
#define STLINK_DRAIN_TIMEOUT_MS 10
#define STLINK_DRAIN_MAX_PACKETS 256
/* GET_VERSION after a drain: an idle probe answers in a frame or two */
#define STLINK_VERSION_TIMEOUT_MS 500
/* SWD cycles of one word access (8 request, turnaround, 3 ACK, 33 data/parity, turnaround) */
#define SWD_CYCLES_PER_WORD 46

struct _UbProbeStlink {
	UbProbe parent_instance;
	UbStlinkVersion version;
	guint8 endpoint_out;
	guint8 endpoint_in;
	gboolean in_debug;
	guint swd_khz; /* what the probe clocks SWD at: bounds how long a transfer takes */
};

G_DEFINE_TYPE(UbProbeStlink, ub_probe_stlink, UB_TYPE_PROBE)

static void
put_le16(guint8 *buf, guint16 value)
{
	buf[0] = value & 0xff;
	buf[1] = value >> 8;
}

static void
put_le32(guint8 *buf, guint32 value)
{
	buf[0] = value & 0xff;
	buf[1] = (value >> 8) & 0xff;
	buf[2] = (value >> 16) & 0xff;
	buf[3] = value >> 24;
}

static guint32
get_le32(const guint8 *buf)
{
	return (guint32)buf[0] | ((guint32)buf[1] << 8) | ((guint32)buf[2] << 16) |
	       ((guint32)buf[3] << 24);
}

/* ---- decoding (pure, tested on their own) ---- */

/**
 * ub_stlink_version_decode:
 * @reply: the 6 bytes of GET_VERSION (0xF1)
 *
 * The first two bytes are one big-endian word: hardware 15:12, J 11:6, S (or M on V2-1) 5:0;
 * then VID and PID little-endian (reference §3.1).
 */
gboolean
ub_stlink_version_decode(const guint8 *reply, gsize len, UbProbeKind kind,
			 UbStlinkVersion *version, GError **error)
{
	guint16 word;

	g_return_val_if_fail(reply != NULL, FALSE);
	g_return_val_if_fail(version != NULL, FALSE);

	if (len < 6) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
			    "GET_VERSION reply has %" G_GSIZE_FORMAT " bytes, expected 6", len);
		return FALSE;
	}
	memset(version, 0, sizeof(*version));
	word = ((guint16)reply[0] << 8) | reply[1];
	version->hw = (word >> 12) & 0x0f;
	version->jtag = (word >> 6) & 0x3f;
	if (kind == UB_PROBE_KIND_STLINK_V2_1) {
		guint x = (word >> 6) & 0x3f;
		guint y = word & 0x3f;
		/* the STM8 boards' V2-1 firmware reports MSD and SWIM, no JTAG/SWD (OpenOCD
		 * 0.12 stlink_usb_version()) */
		if ((x <= 22 && y == 7) || (x >= 25 && y >= 7 && y <= 12)) {
			version->jtag = 0;
			version->msd = x;
			version->swim = y;
		} else {
			version->msd = y;
		}
	} else {
		version->swim = word & 0x3f;
	}
	version->vendor_id = reply[2] | (reply[3] << 8);
	version->product_id = reply[4] | (reply[5] << 8);
	if (version->hw == 0) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
			    "GET_VERSION reply %02x%02x has hardware version 0", reply[0], reply[1]);
		return FALSE;
	}
	return TRUE;
}

/**
 * ub_stlink_version_decode_v3:
 * @reply: the 12 bytes of APIV3_GET_VERSION_EX (0xFB)
 *
 * One byte each: hardware, SWIM, JTAG, MSD, bridge; VID/PID little-endian at 8 and 10
 * (reference §3.2).
 */
gboolean
ub_stlink_version_decode_v3(const guint8 *reply, gsize len, UbStlinkVersion *version,
			    GError **error)
{
	g_return_val_if_fail(reply != NULL, FALSE);
	g_return_val_if_fail(version != NULL, FALSE);

	if (len < 12) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
			    "GET_VERSION_EX reply has %" G_GSIZE_FORMAT " bytes, expected 12", len);
		return FALSE;
	}
	memset(version, 0, sizeof(*version));
	version->hw = reply[0];
	version->swim = reply[1];
	version->jtag = reply[2];
	version->msd = reply[3];
	version->bridge = reply[4];
	version->vendor_id = reply[8] | (reply[9] << 8);
	version->product_id = reply[10] | (reply[11] << 8);
	if (version->hw < 3) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
			    "GET_VERSION_EX reports hardware version %u", version->hw);
		return FALSE;
	}
	return TRUE;
}

/* printed as both tools print it: V2J37S7, V2J37M26, V3J7M3B5S1 */
char *
ub_stlink_version_to_string(const UbStlinkVersion *version)
{
	GString *str = g_string_new(NULL);

	g_return_val_if_fail(version != NULL, NULL);

	/* OpenOCD's rule: J unless only MSD, S whenever SWIM or no MSD */
	g_string_append_printf(str, "V%u", version->hw);
	if (version->jtag != 0 || version->msd == 0)
		g_string_append_printf(str, "J%u", version->jtag);
	if (version->msd != 0)
		g_string_append_printf(str, "M%u", version->msd);
	if (version->bridge != 0)
		g_string_append_printf(str, "B%u", version->bridge);
	if (version->swim != 0 || version->msd == 0)
		g_string_append_printf(str, "S%u", version->swim);
	return g_string_free(str, FALSE);
}

/* Status byte of a reply (reference §2.4; pyOCD names). As OpenOCD and stlink-org master:
 * only 0x80 is success, plus 0x0D "write verify error" which OpenOCD deliberately ignores;
 * WAIT codes are retried by the caller. */
static const struct {
	guint8 status;
	gboolean wait;
	gint domain; /* 0 none, 1 probe, 2 target */
	gint code;
	const char *text;
} ub_stlink_status_table[] = {
    {0x80, FALSE, 0, 0, "ok"},
    {0x0D, FALSE, 0, 0, "write verify error (ignored)"},
    {0x81, FALSE, 2, UB_TARGET_ERROR_FAULT, "SWD fault response"},
    {0x01, FALSE, 1, UB_PROBE_ERROR_FAILED, "unknown probe error"},
    {0x02, FALSE, 1, UB_PROBE_ERROR_FAILED, "probe internal error (SPI)"},
    {0x03, FALSE, 1, UB_PROBE_ERROR_FAILED, "probe internal error (DMA)"},
    {0x04, FALSE, 2, UB_TARGET_ERROR_NO_ACK, "unknown JTAG chain"},
    {0x05, FALSE, 2, UB_TARGET_ERROR_NO_ACK, "no device connected"},
    {0x06, FALSE, 1, UB_PROBE_ERROR_FAILED, "probe internal error"},
    /* pyOCD's name; OpenOCD does not retry it (stlink_usb_error_check() default) */
    {0x07, FALSE, 1, UB_PROBE_ERROR_FAILED, "command wait"},
    {0x08, FALSE, 1, UB_PROBE_ERROR_PROTOCOL, "command error"},
    {0x09, FALSE, 2, UB_TARGET_ERROR_NO_ACK, "the target's debug port does not answer "
					       "(GET_IDCODE error)"},
    {0x0A, FALSE, 2, UB_TARGET_ERROR_INVALID_ARGUMENT, "alignment error"},
    {0x0B, FALSE, 2, UB_TARGET_ERROR_FAILED, "debug power-up error"},
    {0x0C, FALSE, 2, UB_TARGET_ERROR_FAILED, "write error"},
    {0x0E, FALSE, 1, UB_PROBE_ERROR_BUSY, "probe already opened in another mode"},
    {0x10, TRUE, 2, UB_TARGET_ERROR_WAIT, "AP WAIT"},
    {0x11, FALSE, 2, UB_TARGET_ERROR_FAULT, "AP FAULT (bus error)"},
    {0x12, FALSE, 2, UB_TARGET_ERROR_FAILED, "AP error"},
    {0x13, FALSE, 2, UB_TARGET_ERROR_FAILED, "AP parity error"},
    {0x14, TRUE, 2, UB_TARGET_ERROR_WAIT, "DP WAIT"},
    {0x15, FALSE, 2, UB_TARGET_ERROR_FAULT, "DP FAULT"},
    {0x16, FALSE, 2, UB_TARGET_ERROR_FAILED, "DP error"},
    {0x17, FALSE, 2, UB_TARGET_ERROR_FAILED, "DP parity error"},
    {0x18, FALSE, 2, UB_TARGET_ERROR_FAILED, "AP write data error"},
    {0x19, FALSE, 2, UB_TARGET_ERROR_FAULT, "AP sticky error"},
    {0x1A, FALSE, 2, UB_TARGET_ERROR_FAILED, "AP sticky overrun"},
    {0x1D, FALSE, 2, UB_TARGET_ERROR_INVALID_ARGUMENT, "bad AP"},
    {0x41, FALSE, 1, UB_PROBE_ERROR_UNSUPPORTED, "frequency not supported"},
    {0x42, FALSE, 1, UB_PROBE_ERROR_UNSUPPORTED, "unknown command"},
};

gboolean
ub_stlink_status_check(guint8 status, GError **error)
{
	for (guint i = 0; i < G_N_ELEMENTS(ub_stlink_status_table); i++) {
		if (ub_stlink_status_table[i].status != status)
			continue;
		if (ub_stlink_status_table[i].domain == 0)
			return TRUE;
		g_set_error(error,
			    ub_stlink_status_table[i].domain == 1 ? UB_PROBE_ERROR
								  : UB_TARGET_ERROR,
			    ub_stlink_status_table[i].code, "%s (ST-LINK status 0x%02x)",
			    ub_stlink_status_table[i].text, status);
		return FALSE;
	}
	g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
		    "unexpected ST-LINK status 0x%02x", status);
	return FALSE;
}

gboolean
ub_stlink_status_is_wait(guint8 status)
{
	for (guint i = 0; i < G_N_ELEMENTS(ub_stlink_status_table); i++) {
		if (ub_stlink_status_table[i].status == status)
			return ub_stlink_status_table[i].wait;
	}
	return FALSE;
}

/**
 * ub_stlink_voltage_decode:
 * @reply: the 8 bytes of GET_TARGET_VOLTAGE: a0 (reference), a1 (VCC/2), u32 LE each
 *
 * V = 2 · a1 · 1.2 / a0 (OpenOCD, pyOCD), in integer millivolts as stlink-org.
 */
gboolean
ub_stlink_voltage_decode(const guint8 *reply, gsize len, guint *millivolts, GError **error)
{
	guint32 a0;
	guint32 a1;

	g_return_val_if_fail(reply != NULL, FALSE);
	g_return_val_if_fail(millivolts != NULL, FALSE);

	if (len < 8) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
			    "GET_TARGET_VOLTAGE reply has %" G_GSIZE_FORMAT " bytes, expected 8",
			    len);
		return FALSE;
	}
	a0 = get_le32(reply);
	a1 = get_le32(reply + 4);
	/* stlink-org 1.7.0 divides by zero here */
	if (a0 == 0) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
				    "probe reports a zero reference voltage reading");
		return FALSE;
	}
	*millivolts = (guint)((guint64)2400 * a1 / a0);
	return TRUE;
}

/* reference §2.6: SWD_SET_FREQ divisors of the V2 */
static const struct {
	guint khz;
	guint16 divisor;
} ub_stlink_swd_speeds[] = {
    {4000, 0}, {1800, 1}, {1200, 2}, {950, 3},	{480, 7},   {240, 15},
    {125, 31}, {100, 40}, {50, 79},  {25, 158}, {15, 265}, {5, 798},
};

guint16
ub_stlink_swd_divisor(guint khz, guint *actual_khz)
{
	guint idx = G_N_ELEMENTS(ub_stlink_swd_speeds) - 1;

	for (guint i = 0; i < G_N_ELEMENTS(ub_stlink_swd_speeds); i++) {
		if (ub_stlink_swd_speeds[i].khz <= khz) {
			idx = i;
			break;
		}
	}
	if (actual_khz != NULL)
		*actual_khz = ub_stlink_swd_speeds[idx].khz;
	return ub_stlink_swd_speeds[idx].divisor;
}

/* ---- feature gates (reference §2.5) ---- */

static gboolean
ub_probe_stlink_is_v3(UbProbeStlink *self)
{
	return self->version.hw >= 3;
}

static gboolean
ub_probe_stlink_has_rw_status2(UbProbeStlink *self)
{
	return ub_probe_stlink_is_v3(self) || self->version.jtag >= 15;
}

static gboolean
ub_probe_stlink_has_mem16(UbProbeStlink *self)
{
	return ub_probe_stlink_is_v3(self) || self->version.jtag >= 26;
}

/* OpenOCD 0.12 stlink_usb_version(): STLINK_F_HAS_AP_INIT from V2J28 and on every V3 (the
 * "V3 ≥ J2" gate belongs to DP bank select, not to INIT_AP) */
static gboolean
ub_probe_stlink_needs_init_ap(UbProbeStlink *self)
{
	return ub_probe_stlink_is_v3(self) || self->version.jtag >= 28;
}

static gsize
ub_probe_stlink_max_rw8(UbProbeStlink *self)
{
	if (ub_probe_stlink_is_v3(self) && self->version.jtag >= 6)
		return UB_STLINK_MAX_RW8_V3;
	return UB_STLINK_MAX_RW8;
}

/* ---- transfers ---- */

static gboolean
ub_probe_stlink_send(UbProbeStlink *self, const guint8 *cmd, GError **error)
{
	UbTransport *transport = ub_probe_get_transport(UB_PROBE(self));
	return ub_transport_bulk_write(transport, self->endpoint_out, cmd, STLINK_CMD_SIZE,
				       UB_STLINK_TIMEOUT_MS, error);
}

/* how long a memory transfer of @len bytes may take to answer: the SWD time at the clock
 * the probe runs (a 6 KiB read at 5 kHz is 14 s, audit D5), twice, plus the usual 3 s */
static guint
ub_probe_stlink_timeout_for(UbProbeStlink *self, gsize len)
{
	guint64 swd_ms = (guint64)(len + 3) / 4 * SWD_CYCLES_PER_WORD / MAX(self->swd_khz, 1u);

	return UB_STLINK_TIMEOUT_MS + (guint)MIN(2 * swd_ms, G_MAXUINT / 2);
}

static gboolean
ub_probe_stlink_receive_within(UbProbeStlink *self, guint8 *reply, gsize len, guint timeout_ms,
			       GError **error)
{
	UbTransport *transport = ub_probe_get_transport(UB_PROBE(self));
	gsize actual = 0;

	if (!ub_transport_bulk_read(transport, self->endpoint_in, reply, len, timeout_ms, &actual,
				    error))
		return FALSE;
	/* the tools accept short replies and read zeros; a real probe never sends them, so
	 * one means the conversation is out of step */
	if (actual != len) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
			    "reply has %" G_GSIZE_FORMAT " bytes, expected %" G_GSIZE_FORMAT,
			    actual, len);
		return FALSE;
	}
	return TRUE;
}

static gboolean
ub_probe_stlink_receive(UbProbeStlink *self, guint8 *reply, gsize len, GError **error)
{
	return ub_probe_stlink_receive_within(self, reply, len, UB_STLINK_TIMEOUT_MS, error);
}

/* one command and its fixed-length reply (none when reply_len is 0), the reply waited for
 * @timeout_ms */
static gboolean
ub_probe_stlink_xfer_within(UbProbeStlink *self, const guint8 *cmd, guint8 *reply,
			    gsize reply_len, guint timeout_ms, GError **error)
{
	if (!ub_probe_stlink_send(self, cmd, error))
		return FALSE;
	if (reply_len == 0)
		return TRUE;
	if (!ub_probe_stlink_receive_within(self, reply, reply_len, timeout_ms, error)) {
		g_prefix_error(error, "command %02x %02x: ", cmd[0], cmd[1]);
		return FALSE;
	}
	return TRUE;
}

static gboolean
ub_probe_stlink_xfer(UbProbeStlink *self, const guint8 *cmd, guint8 *reply, gsize reply_len,
		     GError **error)
{
	if (!ub_probe_stlink_send(self, cmd, error))
		return FALSE;
	if (reply_len == 0)
		return TRUE;
	if (!ub_probe_stlink_receive(self, reply, reply_len, error)) {
		g_prefix_error(error, "command %02x %02x: ", cmd[0], cmd[1]);
		return FALSE;
	}
	return TRUE;
}

/* the target needs the time: on a simulated bench it only passes on the bench's clock */
static void
ub_probe_stlink_wait_backoff(UbProbeStlink *self, guint attempt)
{
	ub_clock_sleep_us(ub_probe_get_clock(UB_PROBE(self)), (guint64)1000u << attempt);
}

/* a command whose reply starts with a status byte; WAIT is retried as OpenOCD does */
static gboolean
ub_probe_stlink_command(UbProbeStlink *self, const guint8 *cmd, guint8 *reply, gsize reply_len,
			GError **error)
{
	for (guint attempt = 0;; attempt++) {
		if (!ub_probe_stlink_xfer(self, cmd, reply, reply_len, error))
			return FALSE;
		if (!ub_stlink_status_is_wait(reply[0]) || attempt >= STLINK_WAIT_RETRIES)
			break;
		g_debug("status 0x%02x for %02x %02x, retrying", reply[0], cmd[0], cmd[1]);
		ub_probe_stlink_wait_backoff(self, attempt);
	}
	return ub_stlink_status_check(reply[0], error);
}

static void
ub_probe_stlink_cmd_init(guint8 *cmd, guint8 b0, guint8 b1)
{
	memset(cmd, 0, STLINK_CMD_SIZE);
	cmd[0] = b0;
	cmd[1] = b1;
}

/* the status of the last memory command (J ≥ 15: GETLASTRWSTATUS2 with the fault address) */
static gboolean
ub_probe_stlink_rw_status(UbProbeStlink *self, guint32 address, gsize len, gboolean *wait,
			  GError **error)
{
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 reply[12] = {0};
	gboolean status2 = ub_probe_stlink_has_rw_status2(self);
	guint32 fault_address = address;

	*wait = FALSE;
	ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND,
				 status2 ? STLINK_DEBUG_APIV2_GETLASTRWSTATUS2
					 : STLINK_DEBUG_APIV2_GETLASTRWSTATUS);
	/* after a write the probe answers once it has clocked the data out */
	if (!ub_probe_stlink_xfer_within(self, cmd, reply, status2 ? 12 : 2,
					 ub_probe_stlink_timeout_for(self, len), error))
		return FALSE;
	if (ub_stlink_status_is_wait(reply[0])) {
		*wait = TRUE;
		return ub_stlink_status_check(reply[0], error);
	}
	if (status2)
		fault_address = get_le32(reply + 4);
	/* old firmware reports a bus fault of a memory command as 0x01 (pyOCD
	 * STLink._MEM_FAULT_ERRORS); the generic table calls 0x01 a probe error */
	if (reply[0] == 0x01) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT,
			    "bus fault at 0x%08x (ST-LINK status 0x01)", fault_address);
		return FALSE;
	}
	if (!ub_stlink_status_check(reply[0], error)) {
		g_prefix_error(error, "at 0x%08x: ", fault_address);
		return FALSE;
	}
	return TRUE;
}

static guint8
ub_probe_stlink_read_opcode(UbAccess access)
{
	if (access == UB_ACCESS_32)
		return STLINK_DEBUG_READMEM_32BIT;
	if (access == UB_ACCESS_16)
		return STLINK_DEBUG_READMEM_16BIT;
	return STLINK_DEBUG_READMEM_8BIT;
}

static guint8
ub_probe_stlink_write_opcode(UbAccess access)
{
	if (access == UB_ACCESS_32)
		return STLINK_DEBUG_WRITEMEM_32BIT;
	if (access == UB_ACCESS_16)
		return STLINK_DEBUG_WRITEMEM_16BIT;
	return STLINK_DEBUG_WRITEMEM_8BIT;
}

/* one READMEM command of a fixed width, then its status */
static gboolean
ub_probe_stlink_read_once(UbProbeStlink *self, guint32 address, guint8 *buffer, gsize len,
			  UbAccess access, gboolean checked, GError **error)
{
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 tmp[2];

	for (guint attempt = 0;; attempt++) {
		gboolean wait = FALSE;
		g_autoptr(GError) error_local = NULL;

		ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND,
					 ub_probe_stlink_read_opcode(access));
		put_le32(cmd + 2, address);
		put_le16(cmd + 6, (guint16)len);
		/* a 1-byte READMEM_8BIT is answered with 2 bytes (OpenOCD's
		 * stlink_usb_read_mem8(); stlink-org has no 8-bit read) */
		if (access == UB_ACCESS_8 && len == 1) {
			if (!ub_probe_stlink_xfer(self, cmd, tmp, 2, error))
				return FALSE;
			buffer[0] = tmp[0];
		} else if (!ub_probe_stlink_xfer_within(self, cmd, buffer, len,
							ub_probe_stlink_timeout_for(self, len),
							error)) {
			return FALSE;
		}
		/* unchecked (32-bit bodies only): the caller compares the data with the chip's
		 * CRC, and st-flash's reads have never asked either (reference B9) */
		if (!checked && access == UB_ACCESS_32)
			return TRUE;
		if (ub_probe_stlink_rw_status(self, address, 0, &wait, &error_local))
			return TRUE;
		if (!wait || attempt >= STLINK_WAIT_RETRIES) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		ub_probe_stlink_wait_backoff(self, attempt);
	}
}

static gboolean
ub_probe_stlink_write_once(UbProbeStlink *self, guint32 address, const guint8 *data, gsize len,
			   UbAccess access, GError **error)
{
	UbTransport *transport = ub_probe_get_transport(UB_PROBE(self));
	guint8 cmd[STLINK_CMD_SIZE];

	for (guint attempt = 0;; attempt++) {
		gboolean wait = FALSE;
		g_autoptr(GError) error_local = NULL;

		ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND,
					 ub_probe_stlink_write_opcode(access));
		put_le32(cmd + 2, address);
		put_le16(cmd + 6, (guint16)len);
		if (!ub_probe_stlink_send(self, cmd, error))
			return FALSE;
		if (!ub_transport_bulk_write(transport, self->endpoint_out, data, len,
					     UB_STLINK_TIMEOUT_MS, error))
			return FALSE;
		if (ub_probe_stlink_rw_status(self, address, len, &wait, &error_local))
			return TRUE;
		if (!wait || attempt >= STLINK_WAIT_RETRIES) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		ub_probe_stlink_wait_backoff(self, attempt);
	}
}

static gsize
ub_probe_stlink_max_for(UbProbeStlink *self, UbAccess access)
{
	return access == UB_ACCESS_8 ? ub_probe_stlink_max_rw8(self) : UB_STLINK_MAX_RW32;
}

static gboolean
ub_probe_stlink_check_access(UbProbeStlink *self, guint32 address, gsize len, UbAccess access,
			     GError **error)
{
	if (access != UB_ACCESS_8 && ((address % access) != 0 || (len % access) != 0)) {
		g_set_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_INVALID_ARGUMENT,
			    "%u-bit access to 0x%08x (%" G_GSIZE_FORMAT " bytes) is not aligned",
			    (guint)access * 8, address, len);
		return FALSE;
	}
	return TRUE;
}

/* 16-bit commands exist from V2J26: before that, half-words go as bytes, as OpenOCD's
 * stlink_usb_read_ap_mem()/write_ap_mem() do (audit D4; ub_probe_supports_access() tells a
 * caller for whom the width matters, the flash) */
static UbAccess
ub_probe_stlink_effective(UbProbeStlink *self, UbAccess access)
{
	if (access == UB_ACCESS_16 && !ub_probe_stlink_has_mem16(self))
		return UB_ACCESS_8;
	return access;
}

/* one command's span: the probe's limit, never across a TAR auto-increment block (F8) */
static gsize
ub_probe_stlink_chunk(UbProbeStlink *self, guint32 address, gsize remaining, UbAccess access)
{
	gsize to_block = STLINK_TAR_BLOCK - (address & (STLINK_TAR_BLOCK - 1));

	return MIN(MIN(remaining, ub_probe_stlink_max_for(self, access)), to_block);
}

/* a run of one width, split into the probe's per-command limit */
static gboolean
ub_probe_stlink_read_run(UbProbeStlink *self, guint32 address, guint8 *buffer, gsize len,
			 UbAccess access, gboolean checked, GError **error)
{
	access = ub_probe_stlink_effective(self, access);
	for (gsize done = 0; done < len;) {
		gsize chunk = ub_probe_stlink_chunk(self, address + (guint32)done, len - done, access);
		if (!ub_probe_stlink_read_once(self, address + done, buffer + done, chunk, access,
					       checked, error))
			return FALSE;
		done += chunk;
	}
	return TRUE;
}

static gboolean
ub_probe_stlink_write_run(UbProbeStlink *self, guint32 address, const guint8 *data, gsize len,
			  UbAccess access, GError **error)
{
	access = ub_probe_stlink_effective(self, access);
	for (gsize done = 0; done < len;) {
		gsize chunk = ub_probe_stlink_chunk(self, address + (guint32)done, len - done, access);
		if (!ub_probe_stlink_write_once(self, address + done, data + done, chunk, access,
						error))
			return FALSE;
		done += chunk;
	}
	return TRUE;
}

/* AUTO: 8-bit head up to the first word boundary, 32-bit body, 8-bit tail (as OpenOCD
 * splits unaligned accesses) */
static void
ub_probe_stlink_split(guint32 address, gsize len, gsize *head, gsize *body)
{
	*head = MIN(len, (gsize)((4 - (address & 3)) & 3));
	*body = (len - *head) & ~(gsize)3;
}

static gboolean
ub_probe_stlink_read_checked(UbProbeStlink *self, guint32 address, guint8 *buffer, gsize len,
			     UbAccess access, gboolean checked, GError **error)
{
	gsize head;
	gsize body;

	if (access != UB_ACCESS_AUTO) {
		if (!ub_probe_stlink_check_access(self, address, len, access, error))
			return FALSE;
		return ub_probe_stlink_read_run(self, address, buffer, len, access, checked,
						error);
	}
	ub_probe_stlink_split(address, len, &head, &body);
	if (head > 0 &&
	    !ub_probe_stlink_read_run(self, address, buffer, head, UB_ACCESS_8, TRUE, error))
		return FALSE;
	if (body > 0 && !ub_probe_stlink_read_run(self, address + head, buffer + head, body,
						  UB_ACCESS_32, checked, error))
		return FALSE;
	if (head + body < len &&
	    !ub_probe_stlink_read_run(self, address + head + body, buffer + head + body,
				      len - head - body, UB_ACCESS_8, TRUE, error))
		return FALSE;
	return TRUE;
}

static gboolean
ub_probe_stlink_read_memory(UbProbe *probe, guint32 address, guint8 *buffer, gsize len,
			    UbAccess access, GError **error)
{
	return ub_probe_stlink_read_checked(UB_PROBE_STLINK(probe), address, buffer, len, access,
					    TRUE, error);
}

static gboolean
ub_probe_stlink_read_memory_unchecked(UbProbe *probe, guint32 address, guint8 *buffer,
				      gsize len, UbAccess access, GError **error)
{
	return ub_probe_stlink_read_checked(UB_PROBE_STLINK(probe), address, buffer, len, access,
					    FALSE, error);
}

static gboolean
ub_probe_stlink_write_memory(UbProbe *probe, guint32 address, const guint8 *data, gsize len,
			     UbAccess access, GError **error)
{
	UbProbeStlink *self = UB_PROBE_STLINK(probe);
	gsize head;
	gsize body;

	if (access != UB_ACCESS_AUTO) {
		if (!ub_probe_stlink_check_access(self, address, len, access, error))
			return FALSE;
		return ub_probe_stlink_write_run(self, address, data, len, access, error);
	}
	ub_probe_stlink_split(address, len, &head, &body);
	if (head > 0 && !ub_probe_stlink_write_run(self, address, data, head, UB_ACCESS_8, error))
		return FALSE;
	if (body > 0 && !ub_probe_stlink_write_run(self, address + head, data + head, body,
						   UB_ACCESS_32, error))
		return FALSE;
	if (head + body < len &&
	    !ub_probe_stlink_write_run(self, address + head + body, data + head + body,
				       len - head - body, UB_ACCESS_8, error))
		return FALSE;
	return TRUE;
}

/* ---- commands ---- */

/**
 * ub_probe_stlink_get_mode:
 * @mode: (out): 0 DFU, 1 mass storage, 2 debug, 3 SWIM, 4 bootloader
 */
gboolean
ub_probe_stlink_get_mode(UbProbeStlink *self, guint8 *mode, GError **error)
{
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 reply[2];

	g_return_val_if_fail(UB_IS_PROBE_STLINK(self), FALSE);
	g_return_val_if_fail(mode != NULL, FALSE);

	ub_probe_stlink_cmd_init(cmd, STLINK_GET_CURRENT_MODE, 0);
	if (!ub_probe_stlink_xfer(self, cmd, reply, sizeof(reply), error))
		return FALSE;
	*mode = reply[0];
	return TRUE;
}

guint
ub_probe_stlink_get_jtag_version(UbProbeStlink *self)
{
	g_return_val_if_fail(UB_IS_PROBE_STLINK(self), 0);
	return self->version.jtag;
}

static gboolean
ub_probe_stlink_query_version_within(UbProbeStlink *self, guint timeout_ms, GError **error)
{
	UbProbeKind kind = ub_probe_get_kind(UB_PROBE(self));
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 reply[12];
	g_autofree char *str = NULL;

	ub_probe_stlink_cmd_init(cmd, STLINK_GET_VERSION, 0);
	if (!ub_probe_stlink_xfer_within(self, cmd, reply, 6, timeout_ms, error))
		return FALSE;
	if (!ub_stlink_version_decode(reply, 6, kind, &self->version, error))
		return FALSE;

	/* OpenOCD: a V3 answers F1 with J = S = 0 and needs its own command */
	if (self->version.hw >= 3 || kind == UB_PROBE_KIND_STLINK_V3) {
		ub_probe_stlink_cmd_init(cmd, STLINK_APIV3_GET_VERSION_EX, 0);
		if (!ub_probe_stlink_xfer(self, cmd, reply, 12, error))
			return FALSE;
		if (!ub_stlink_version_decode_v3(reply, 12, &self->version, error))
			return FALSE;
	}
	if (self->version.hw < 2) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
			    "ST-LINK hardware version %u is not supported", self->version.hw);
		return FALSE;
	}
	str = ub_stlink_version_to_string(&self->version);
	ub_probe_set_firmware_version(UB_PROBE(self), str);
	/* GET_TARGET_VOLTAGE needs J13 (or a V3) */
	ub_probe_set_features(UB_PROBE(self),
			      UB_PROBE_FEATURE_NRST |
				  (ub_probe_stlink_is_v3(self) || self->version.jtag >= 13
				       ? UB_PROBE_FEATURE_TARGET_VOLTAGE
				       : UB_PROBE_FEATURE_NONE));
	g_debug("ST-LINK %s (%04x:%04x)", str, self->version.vendor_id, self->version.product_id);
	return TRUE;
}

/* reads whatever waits on the IN endpoint, whole packets, until it stays empty: the reply a
 * program killed in the middle of a command left behind (pyOCD's _flush_rx()) */
static void
ub_probe_stlink_drain(UbProbeStlink *self)
{
	UbTransport *transport = ub_probe_get_transport(UB_PROBE(self));
	guint8 packet[STLINK_DRAIN_PACKET];
	gsize total = 0;

	for (guint i = 0; i < STLINK_DRAIN_MAX_PACKETS; i++) {
		g_autoptr(GError) error_local = NULL;
		gsize actual = 0;

		if (!ub_transport_bulk_read(transport, self->endpoint_in, packet, sizeof(packet),
					    STLINK_DRAIN_TIMEOUT_MS, &actual, &error_local) ||
		    actual == 0)
			break;
		total += actual;
	}
	if (total > 0)
		g_debug("drained %" G_GSIZE_FORMAT " bytes a previous program left in the probe",
			total);
}

/* Another program may have left the probe in the middle of a conversation: killed after a
 * command, before its reply (or data) was through. Its reply is drained first; a probe that
 * still does not answer GET_VERSION (it waits for the rest of a write's data, say) is reset
 * on its USB port and asked once more, as OpenOCD's stlink_usb_usb_open() does (audit D1). */
static gboolean
ub_probe_stlink_handshake(UbProbeStlink *self, GError **error)
{
	g_autoptr(GError) error_local = NULL;

	ub_probe_stlink_drain(self);
	if (ub_probe_stlink_query_version_within(self, STLINK_VERSION_TIMEOUT_MS, &error_local))
		return TRUE;
	if (error_local->domain != UB_PROBE_ERROR ||
	    error_local->code == UB_PROBE_ERROR_DISCONNECTED ||
	    error_local->code == UB_PROBE_ERROR_UNSUPPORTED) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	g_debug("the probe does not answer (%s): resetting it", error_local->message);
	if (!ub_transport_reset(ub_probe_get_transport(UB_PROBE(self)), error)) {
		g_prefix_error(error, "the probe did not answer (%s), and resetting it failed: ",
			       error_local->message);
		return FALSE;
	}
	ub_probe_stlink_drain(self);
	return ub_probe_stlink_query_version_within(self, UB_STLINK_TIMEOUT_MS, error);
}

/**
 * ub_probe_stlink_query_version:
 *
 * GET_VERSION (and GET_VERSION_EX on a V3) only: names the firmware without changing the
 * probe's mode, for listing probes; a reply another program left behind is drained first,
 * and a probe that does not answer is reset once.
 */
gboolean
ub_probe_stlink_query_version(UbProbeStlink *self, GError **error)
{
	g_return_val_if_fail(UB_IS_PROBE_STLINK(self), FALSE);
	return ub_probe_stlink_handshake(self, error);
}

/* what the probe is doing: DFU, mass storage, debug, SWIM; leave it for idle, as OpenOCD's
 * stlink_usb_exit_mode() does (none of these commands has a reply) */
static gboolean
ub_probe_stlink_leave_mode(UbProbeStlink *self, GError **error)
{
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 mode = 0;

	if (!ub_probe_stlink_get_mode(self, &mode, error))
		return FALSE;
	switch (mode) {
	case UB_STLINK_MODE_DFU:
		ub_probe_stlink_cmd_init(cmd, STLINK_DFU_COMMAND, STLINK_DFU_EXIT);
		break;
	case UB_STLINK_MODE_DEBUG:
		ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND, STLINK_DEBUG_EXIT);
		break;
	case UB_STLINK_MODE_SWIM:
		ub_probe_stlink_cmd_init(cmd, STLINK_SWIM_COMMAND, STLINK_SWIM_EXIT);
		break;
	default:
		return TRUE;
	}
	g_debug("leaving probe mode 0x%02x", mode);
	return ub_probe_stlink_send(self, cmd, error);
}

static gboolean
ub_probe_stlink_open(UbProbe *probe, GError **error)
{
	UbProbeStlink *self = UB_PROBE_STLINK(probe);

	if (!ub_probe_stlink_handshake(self, error))
		return FALSE;
	/* SWIM-only firmware (STM8 boards): nothing this driver does can work (audit D3) */
	if (self->version.jtag == 0) {
		g_autofree char *version = ub_stlink_version_to_string(&self->version);
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
			    "this ST-LINK's firmware (%s) has no SWD; update it with ST's "
			    "ST-LINK upgrade tool (STSW-LINK007)",
			    version);
		return FALSE;
	}
	self->swd_khz = ub_probe_stlink_is_v3(self) ? 1000 : 1800;
	return ub_probe_stlink_leave_mode(self, error);
}

/* leaves whatever mode the probe reports, not only the debug mode this connection entered
 * (a failed ENTER may have left it there), so that the next program finds it idle */
static gboolean
ub_probe_stlink_close(UbProbe *probe, GError **error)
{
	UbProbeStlink *self = UB_PROBE_STLINK(probe);

	self->in_debug = FALSE;
	return ub_probe_stlink_leave_mode(self, error);
}

static gboolean
ub_probe_stlink_get_target_voltage(UbProbe *probe, guint *millivolts, GError **error)
{
	UbProbeStlink *self = UB_PROBE_STLINK(probe);
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 reply[8];

	if (!ub_probe_stlink_is_v3(self) && self->version.jtag < 13) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
			    "measuring the target voltage needs firmware J13 or later (this is "
			    "J%u)",
			    self->version.jtag);
		return FALSE;
	}
	ub_probe_stlink_cmd_init(cmd, STLINK_GET_TARGET_VOLTAGE, 0);
	if (!ub_probe_stlink_xfer(self, cmd, reply, sizeof(reply), error))
		return FALSE;
	return ub_stlink_voltage_decode(reply, sizeof(reply), millivolts, error);
}

static gboolean
ub_probe_stlink_set_frequency_v3(UbProbeStlink *self, guint khz, guint *actual_khz,
				 GError **error)
{
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 reply[52];
	guint count;
	guint best = 0;

	ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND, STLINK_DEBUG_APIV3_GET_COM_FREQ);
	cmd[2] = 0; /* SWD */
	if (!ub_probe_stlink_command(self, cmd, reply, sizeof(reply), error))
		return FALSE;
	count = MIN(reply[8], 10u);
	for (guint i = 0; i < count; i++) {
		guint32 candidate = get_le32(reply + 12 + 4 * i);
		if (candidate <= khz && candidate > best)
			best = candidate;
	}
	if (best == 0) {
		for (guint i = 0; i < count; i++) {
			guint32 candidate = get_le32(reply + 12 + 4 * i);
			if (best == 0 || candidate < best)
				best = candidate;
		}
	}
	if (best == 0) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL,
				    "probe lists no SWD frequencies");
		return FALSE;
	}
	ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND, STLINK_DEBUG_APIV3_SET_COM_FREQ);
	cmd[2] = 0;
	cmd[3] = 0;
	put_le32(cmd + 4, best);
	if (!ub_probe_stlink_command(self, cmd, reply, 8, error))
		return FALSE;
	/* bytes 4-7 are the frequency chosen (pyOCD reads them too; OpenOCD ignores them) */
	*actual_khz = get_le32(reply + 4) != 0 ? get_le32(reply + 4) : best;
	return TRUE;
}

static gboolean
ub_probe_stlink_set_swd_frequency(UbProbe *probe, guint khz, guint *actual_khz, GError **error)
{
	UbProbeStlink *self = UB_PROBE_STLINK(probe);
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 reply[2];
	guint16 divisor;

	if (ub_probe_stlink_is_v3(self)) {
		if (!ub_probe_stlink_set_frequency_v3(self, khz, actual_khz, error))
			return FALSE;
		self->swd_khz = *actual_khz;
		return TRUE;
	}
	if (self->version.jtag < 22) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
			    "setting the SWD frequency needs firmware J22 or later (this is J%u)",
			    self->version.jtag);
		return FALSE;
	}
	divisor = ub_stlink_swd_divisor(khz, actual_khz);
	ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND, STLINK_DEBUG_APIV2_SWD_SET_FREQ);
	put_le16(cmd + 2, divisor);
	if (!ub_probe_stlink_command(self, cmd, reply, sizeof(reply), error))
		return FALSE;
	self->swd_khz = *actual_khz;
	return TRUE;
}

static gboolean
ub_probe_stlink_enter_swd(UbProbe *probe, GError **error)
{
	UbProbeStlink *self = UB_PROBE_STLINK(probe);
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 reply[2];

	ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND, STLINK_DEBUG_APIV2_ENTER);
	cmd[2] = STLINK_DEBUG_ENTER_SWD;
	if (!ub_probe_stlink_command(self, cmd, reply, sizeof(reply), error)) {
		g_prefix_error(error, "entering SWD mode: ");
		return FALSE;
	}
	self->in_debug = TRUE;

	/* J ≥ 28 (V3 ≥ J2) want the AP opened before use (OpenOCD C7) */
	if (ub_probe_stlink_needs_init_ap(self)) {
		ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND, STLINK_DEBUG_APIV2_INIT_AP);
		cmd[2] = 0;
		if (!ub_probe_stlink_command(self, cmd, reply, sizeof(reply), error)) {
			g_prefix_error(error, "opening AP 0: ");
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
ub_probe_stlink_leave_debug(UbProbe *probe, GError **error)
{
	return ub_probe_stlink_close(probe, error);
}

static gboolean
ub_probe_stlink_read_dp_idcode(UbProbe *probe, guint32 *idcode, GError **error)
{
	UbProbeStlink *self = UB_PROBE_STLINK(probe);
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 reply[12];

	ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND, STLINK_DEBUG_APIV2_READ_IDCODES);
	if (!ub_probe_stlink_command(self, cmd, reply, sizeof(reply), error))
		return FALSE;
	*idcode = get_le32(reply + 4);
	return TRUE;
}

static gboolean
ub_probe_stlink_read_u32(UbProbe *probe, guint32 address, guint32 *value, GError **error)
{
	UbProbeStlink *self = UB_PROBE_STLINK(probe);
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 reply[8];

	ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND, STLINK_DEBUG_APIV2_READDEBUGREG);
	put_le32(cmd + 2, address);
	if (!ub_probe_stlink_command(self, cmd, reply, sizeof(reply), error)) {
		g_prefix_error(error, "reading 0x%08x: ", address);
		return FALSE;
	}
	*value = get_le32(reply + 4);
	return TRUE;
}

static gboolean
ub_probe_stlink_write_u32(UbProbe *probe, guint32 address, guint32 value, GError **error)
{
	UbProbeStlink *self = UB_PROBE_STLINK(probe);
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 reply[2];

	ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND, STLINK_DEBUG_APIV2_WRITEDEBUGREG);
	put_le32(cmd + 2, address);
	put_le32(cmd + 6, value);
	if (!ub_probe_stlink_command(self, cmd, reply, sizeof(reply), error)) {
		g_prefix_error(error, "writing 0x%08x: ", address);
		return FALSE;
	}
	return TRUE;
}

static gboolean
ub_probe_stlink_read_core_register(UbProbe *probe, guint regsel, guint32 *value, GError **error)
{
	UbProbeStlink *self = UB_PROBE_STLINK(probe);
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 reply[8];

	ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND, STLINK_DEBUG_APIV2_READREG);
	cmd[2] = (guint8)regsel;
	if (!ub_probe_stlink_command(self, cmd, reply, sizeof(reply), error)) {
		g_prefix_error(error, "reading core register %u: ", regsel);
		return FALSE;
	}
	*value = get_le32(reply + 4);
	return TRUE;
}

static gboolean
ub_probe_stlink_write_core_register(UbProbe *probe, guint regsel, guint32 value, GError **error)
{
	UbProbeStlink *self = UB_PROBE_STLINK(probe);
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 reply[2];

	ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND, STLINK_DEBUG_APIV2_WRITEREG);
	cmd[2] = (guint8)regsel;
	put_le32(cmd + 3, value);
	if (!ub_probe_stlink_command(self, cmd, reply, sizeof(reply), error)) {
		g_prefix_error(error, "writing core register %u: ", regsel);
		return FALSE;
	}
	return TRUE;
}

static gboolean
ub_probe_stlink_drive_nrst(UbProbe *probe, UbNrst action, GError **error)
{
	UbProbeStlink *self = UB_PROBE_STLINK(probe);
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 reply[2];

	ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND, STLINK_DEBUG_APIV2_DRIVE_NRST);
	switch (action) {
	case UB_NRST_LOW:
		cmd[2] = 0x00;
		break;
	case UB_NRST_HIGH:
		cmd[2] = 0x01;
		break;
	case UB_NRST_PULSE:
		cmd[2] = 0x02;
		break;
	default:
		g_return_val_if_reached(FALSE);
	}
	return ub_probe_stlink_command(self, cmd, reply, sizeof(reply), error);
}

static gboolean
ub_probe_stlink_reset_system(UbProbe *probe, GError **error)
{
	UbProbeStlink *self = UB_PROBE_STLINK(probe);
	guint8 cmd[STLINK_CMD_SIZE];
	guint8 reply[2];

	ub_probe_stlink_cmd_init(cmd, STLINK_DEBUG_COMMAND, STLINK_DEBUG_APIV2_RESETSYS);
	return ub_probe_stlink_command(self, cmd, reply, sizeof(reply), error);
}

static gboolean
ub_probe_stlink_supports_access(UbProbe *probe, UbAccess access)
{
	UbProbeStlink *self = UB_PROBE_STLINK(probe);

	return access != UB_ACCESS_16 || ub_probe_stlink_has_mem16(self);
}

static void
ub_probe_stlink_class_init(UbProbeStlinkClass *klass)
{
	UbProbeClass *probe_class = UB_PROBE_CLASS(klass);

	probe_class->open = ub_probe_stlink_open;
	probe_class->close = ub_probe_stlink_close;
	probe_class->get_target_voltage = ub_probe_stlink_get_target_voltage;
	probe_class->set_swd_frequency = ub_probe_stlink_set_swd_frequency;
	probe_class->enter_swd = ub_probe_stlink_enter_swd;
	probe_class->leave_debug = ub_probe_stlink_leave_debug;
	probe_class->read_dp_idcode = ub_probe_stlink_read_dp_idcode;
	probe_class->read_memory = ub_probe_stlink_read_memory;
	probe_class->read_memory_unchecked = ub_probe_stlink_read_memory_unchecked;
	probe_class->write_memory = ub_probe_stlink_write_memory;
	probe_class->read_u32 = ub_probe_stlink_read_u32;
	probe_class->write_u32 = ub_probe_stlink_write_u32;
	probe_class->read_core_register = ub_probe_stlink_read_core_register;
	probe_class->write_core_register = ub_probe_stlink_write_core_register;
	probe_class->drive_nrst = ub_probe_stlink_drive_nrst;
	probe_class->reset_system = ub_probe_stlink_reset_system;
	probe_class->supports_access = ub_probe_stlink_supports_access;
}

static void
ub_probe_stlink_init(UbProbeStlink *self)
{
	self->swd_khz = 1800;
}

/**
 * ub_probe_stlink_new:
 * @transport: a transport whose USB ids say which ST-LINK is on the other end
 *
 * Returns: (transfer full): the driver; nothing is sent until ub_probe_open()
 */
UbProbeStlink *
ub_probe_stlink_new(UbTransport *transport, GError **error)
{
	UbProbeStlink *self;
	UbProbeKind kind;

	g_return_val_if_fail(UB_IS_TRANSPORT(transport), NULL);

	kind = ub_probe_kind_from_usb_ids(ub_transport_get_vendor_id(transport),
					  ub_transport_get_product_id(transport));
	if (!ub_probe_kind_is_supported(kind)) {
		g_set_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED,
			    "%04x:%04x (%s) is not a supported ST-LINK",
			    ub_transport_get_vendor_id(transport),
			    ub_transport_get_product_id(transport), ub_probe_kind_to_string(kind));
		return NULL;
	}
	self = g_object_new(UB_TYPE_PROBE_STLINK, "transport", transport, NULL);
	ub_probe_set_kind(UB_PROBE(self), kind);
	/* one command moves up to 6144 bytes, but never across a 4 KiB TAR block: callers that
	 * chunk get whole blocks */
	ub_probe_set_max_transfer(UB_PROBE(self), STLINK_TAR_BLOCK);
	/* endpoints by PID as every tool does (reference §1.1) */
	self->endpoint_in = 0x81;
	self->endpoint_out = kind == UB_PROBE_KIND_STLINK_V2 ? 0x02 : 0x01;
	return self;
}
