/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Shared helpers of the probe-side simulator tests: a bench built by hand (clock, MCU, DAP,
 * link, ST-LINK) and a synchronous host that sends one command and collects its reply, as
 * stlink-org does.
 */
#pragma once

#include <string.h>

#include "ub-sim-board.h"
#include "ub-sim-stlink.h"

typedef struct {
	UbSimClock *clock;
	UbSimMcu *mcu;
	UbSimDap *dap;
	UbSimLink *link;
	UbSimStlink *stlink;
} Bench;

static inline void
bench_init(Bench *bench, UbSimStlinkKind kind)
{
	bench->clock = ub_sim_clock_new();
	bench->mcu = ub_sim_mcu_new(bench->clock);
	bench->dap = ub_sim_dap_new(bench->mcu);
	bench->link = ub_sim_link_new(bench->dap);
	bench->stlink = ub_sim_stlink_new(kind, bench->link, bench->clock);
	ub_sim_mcu_set_powered(bench->mcu, TRUE);
}

static inline void
bench_clear(Bench *bench)
{
	g_clear_object(&bench->stlink);
	g_clear_object(&bench->link);
	g_clear_object(&bench->dap);
	g_clear_object(&bench->mcu);
	g_clear_object(&bench->clock);
}

/* send a command (zero-padded to 16 bytes) and collect exactly reply_len bytes */
static inline gssize
host_command(UbSimStlink *stlink, const guint8 *cmd, gsize cmd_len, guint8 *reply, gsize reply_len)
{
	const UbSimUsbIdentity *id = ub_sim_stlink_get_identity(stlink);
	guint8 buf[16] = {0};
	gsize got = 0;

	g_assert_cmpuint(cmd_len, <=, 16);
	memcpy(buf, cmd, cmd_len);
	ub_sim_stlink_bulk_out(stlink, id->endpoint_out, buf, sizeof(buf));
	if (reply_len == 0)
		return 0;
	while (got < reply_len) {
		gssize n = ub_sim_stlink_bulk_in(stlink, id->endpoint_in, reply + got,
		                                 reply_len - got);
		if (n < 0)
			return got > 0 ? (gssize)got : -1;
		got += (gsize)n;
		if (n % id->max_packet != 0 || n == 0)
			break;
	}
	return (gssize)got;
}

static inline void
host_data_out(UbSimStlink *stlink, const guint8 *data, gsize len)
{
	const UbSimUsbIdentity *id = ub_sim_stlink_get_identity(stlink);
	ub_sim_stlink_bulk_out(stlink, id->endpoint_out, data, len);
}

static inline void
put_le32(guint8 *p, guint32 v)
{
	p[0] = (guint8)v;
	p[1] = (guint8)(v >> 8);
	p[2] = (guint8)(v >> 16);
	p[3] = (guint8)(v >> 24);
}

static inline guint32
get_le32(const guint8 *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

/* F2 30 A3 → status byte */
static inline guint8
host_enter_swd(UbSimStlink *stlink)
{
	const guint8 cmd[] = {0xF2, 0x30, 0xA3};
	guint8 reply[2] = {0xEE, 0xEE};
	g_assert_cmpint(host_command(stlink, cmd, sizeof(cmd), reply, 2), ==, 2);
	g_assert_cmpuint(reply[1], ==, 0);
	return reply[0];
}

/* F2 36 addr → status, value */
static inline guint8
host_read32(UbSimStlink *stlink, guint32 address, guint32 *value)
{
	guint8 cmd[6] = {0xF2, 0x36};
	guint8 reply[8] = {0};
	put_le32(cmd + 2, address);
	g_assert_cmpint(host_command(stlink, cmd, sizeof(cmd), reply, 8), ==, 8);
	*value = get_le32(reply + 4);
	return reply[0];
}

/* F2 35 addr value → status */
static inline guint8
host_write32(UbSimStlink *stlink, guint32 address, guint32 value)
{
	guint8 cmd[10] = {0xF2, 0x35};
	guint8 reply[2] = {0};
	put_le32(cmd + 2, address);
	put_le32(cmd + 6, value);
	g_assert_cmpint(host_command(stlink, cmd, sizeof(cmd), reply, 2), ==, 2);
	return reply[0];
}

/* F2 3C level → status */
static inline guint8
host_drive_nrst(UbSimStlink *stlink, guint8 level)
{
	const guint8 cmd[] = {0xF2, 0x3C, level};
	guint8 reply[2] = {0};
	g_assert_cmpint(host_command(stlink, cmd, sizeof(cmd), reply, 2), ==, 2);
	return reply[0];
}

/* F7 → millivolts as stlink-org computes them */
static inline guint
host_voltage_mv(UbSimStlink *stlink)
{
	const guint8 cmd[] = {0xF7};
	guint8 reply[8] = {0};
	guint32 a0, a1;
	g_assert_cmpint(host_command(stlink, cmd, sizeof(cmd), reply, 8), ==, 8);
	a0 = get_le32(reply);
	a1 = get_le32(reply + 4);
	g_assert_cmpuint(a0, !=, 0);
	return 2400 * a1 / a0;
}
