/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimStlink against the command set of stlink-and-stm32f4.md §2/§3/§8: exact reply bytes,
 * mode transitions, memory round trips, fault reporting, limits, NAK before a reply, costs.
 */
#include "config.h"

#include "sim-probe-helpers.h"

/* TEMPORARY: until branch sim-mcu provides UbSimMcu/UbSimDap */
#define UB_TEST_FAKE_TARGET 1
#include "fake-sim-target.c"

static void
test_identity(void)
{
	Bench b;
	const UbSimUsbIdentity *id;

	bench_init(&b, UB_SIM_STLINK_V2);
	id = ub_sim_stlink_get_identity(b.stlink);
	g_assert_cmphex(id->vendor_id, ==, 0x0483);
	g_assert_cmphex(id->product_id, ==, 0x3748);
	g_assert_cmphex(id->endpoint_out, ==, 0x02);
	g_assert_cmphex(id->endpoint_in, ==, 0x81);
	g_assert_cmphex(id->endpoint_trace, ==, 0x83);
	g_assert_cmpuint(id->max_packet, ==, 64);
	g_assert_cmpstr(id->manufacturer, ==, "STMicroelectronics");
	g_assert_cmpstr(id->product, ==, "STM32 STLink");
	g_assert_cmpuint(strlen(id->serial), ==, 24);
	for (guint i = 0; i < 24; i++)
		g_assert_true(g_ascii_isxdigit(id->serial[i]) && !g_ascii_islower(id->serial[i]));
	/* stable for a seed, different between seeds */
	{
		g_autofree char *first = NULL;
		ub_sim_stlink_set_serial_seed(b.stlink, "focbox");
		first = g_strdup(id->serial);
		ub_sim_stlink_set_serial_seed(b.stlink, "focbox");
		g_assert_cmpstr(first, ==, id->serial);
		ub_sim_stlink_set_serial_seed(b.stlink, "vesc6");
		g_assert_cmpstr(first, !=, id->serial);
	}
	bench_clear(&b);

	bench_init(&b, UB_SIM_STLINK_V2_1);
	id = ub_sim_stlink_get_identity(b.stlink);
	g_assert_cmphex(id->product_id, ==, 0x374B);
	g_assert_cmphex(id->endpoint_out, ==, 0x01);
	g_assert_cmphex(id->endpoint_trace, ==, 0x82);
	bench_clear(&b);

	bench_init(&b, UB_SIM_STLINK_V3);
	id = ub_sim_stlink_get_identity(b.stlink);
	g_assert_cmphex(id->product_id, ==, 0x374E);
	g_assert_cmphex(id->endpoint_out, ==, 0x01);
	g_assert_cmpuint(id->max_packet, ==, 512);
	bench_clear(&b);
}

static void
test_version(void)
{
	const guint8 f1[] = {0xF1};
	const guint8 fb[] = {0xFB};
	const guint8 v2[] = {0x29, 0x47, 0x83, 0x04, 0x48, 0x37};
	const guint8 v21[] = {0x29, 0x5A, 0x83, 0x04, 0x4B, 0x37};
	const guint8 v3[] = {0x30, 0x00, 0x83, 0x04, 0x4E, 0x37};
	const guint8 v3ex[] = {0x03, 0x01, 0x07, 0x03, 0x03, 0x00,
	                       0x00, 0x00, 0x83, 0x04, 0x4E, 0x37};
	guint8 reply[12];
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmpint(host_command(b.stlink, f1, 1, reply, 6), ==, 6);
	g_assert_cmpmem(reply, 6, v2, 6);
	/* a V2 does not know the V3 command */
	g_assert_cmpint(host_command(b.stlink, fb, 1, reply, 12), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x42);
	bench_clear(&b);

	bench_init(&b, UB_SIM_STLINK_V2_1);
	g_assert_cmpint(host_command(b.stlink, f1, 1, reply, 6), ==, 6);
	g_assert_cmpmem(reply, 6, v21, 6);
	bench_clear(&b);

	bench_init(&b, UB_SIM_STLINK_V3);
	g_assert_cmpint(host_command(b.stlink, f1, 1, reply, 6), ==, 6);
	g_assert_cmpmem(reply, 6, v3, 6);
	g_assert_cmpint(host_command(b.stlink, fb, 1, reply, 12), ==, 12);
	g_assert_cmpmem(reply, 12, v3ex, 12);
	bench_clear(&b);
}

static guint8
get_mode(UbSimStlink *stlink)
{
	const guint8 f5[] = {0xF5};
	guint8 reply[2] = {0xEE, 0xEE};
	g_assert_cmpint(host_command(stlink, f5, 1, reply, 2), ==, 2);
	g_assert_cmphex(reply[1], ==, 0);
	return reply[0];
}

static void
test_modes(void)
{
	const guint8 dfu_exit[] = {0xF3, 0x07};
	const guint8 exit_debug[] = {0xF2, 0x21};
	guint8 reply[2];
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmphex(get_mode(b.stlink), ==, 0x00);
	/* DFU exit has no reply: an IN is NAKed */
	g_assert_cmpint(host_command(b.stlink, dfu_exit, 2, NULL, 0), ==, 0);
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, 2), ==, -1);
	g_assert_cmphex(get_mode(b.stlink), ==, 0x01);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	g_assert_cmphex(get_mode(b.stlink), ==, 0x02);
	host_command(b.stlink, exit_debug, 2, NULL, 0);
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, 2), ==, -1);
	g_assert_cmphex(get_mode(b.stlink), ==, 0x01);
	/* a USB reset restarts the firmware in its loader */
	ub_sim_stlink_usb_reset(b.stlink);
	g_assert_cmphex(get_mode(b.stlink), ==, 0x00);
	bench_clear(&b);
}

static void
test_nak_and_endpoints(void)
{
	const guint8 f1[] = {0xF1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	guint8 reply[64];
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	/* OpenOCD submits the IN before the command: NAK until the reply exists */
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, 6), ==, -1);
	/* the command on the wrong endpoint is not seen */
	ub_sim_stlink_bulk_out(b.stlink, 0x01, f1, sizeof(f1));
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, 6), ==, -1);
	ub_sim_stlink_bulk_out(b.stlink, 0x02, f1, sizeof(f1));
	/* nothing on the trace endpoint */
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x83, reply, 64), ==, -1);
	/* the reply is one 6-byte packet: room for 4 is babble (the host sees
	 * LIBUSB_ERROR_OVERFLOW) and the packet stays; room for a whole packet takes it */
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, 4), ==,
			UB_SIM_STLINK_IN_OVERFLOW);
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, 64), ==, 6);
	g_assert_cmphex(reply[5], ==, 0x37);
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, 64), ==, -1);
	bench_clear(&b);
}

/* a reply nobody collected stays queued: the next program reads it before its own, as a
 * probe left behind by a killed tool does; only a USB reset clears it */
static void
test_replies_stay_queued(void)
{
	const guint8 f1[16] = {0xF1};
	const guint8 f5[16] = {0xF5};
	guint8 reply[128];
	gsize reply_bytes = 0, data_bytes = 0;
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	ub_sim_stlink_bulk_out(b.stlink, 0x02, f1, sizeof(f1));
	ub_sim_stlink_get_pending(b.stlink, &reply_bytes, &data_bytes);
	g_assert_cmpuint(reply_bytes, ==, 6);
	g_assert_cmpuint(data_bytes, ==, 0);
	ub_sim_stlink_bulk_out(b.stlink, 0x02, f5, sizeof(f5));
	/* a read of the mode's 2 bytes gets the version's packet: overflow */
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, 2), ==,
			UB_SIM_STLINK_IN_OVERFLOW);
	/* a large read ends at the version's short packet; the mode comes next */
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, sizeof(reply)), ==, 6);
	g_assert_cmphex(reply[0], ==, 0x29);
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, sizeof(reply)), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x00);
	/* a half-read 1 KiB reply: the rest waits, in whole packets */
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	{
		const guint8 read[16] = {0xF2, 0x07, 0x00, 0x00, 0x00, 0x20, 0x00, 0x04};
		ub_sim_stlink_bulk_out(b.stlink, 0x02, read, sizeof(read));
	}
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, 100), ==, 64);
	ub_sim_stlink_get_pending(b.stlink, &reply_bytes, NULL);
	g_assert_cmpuint(reply_bytes, ==, 1024 - 64);
	ub_sim_stlink_usb_reset(b.stlink);
	ub_sim_stlink_get_pending(b.stlink, &reply_bytes, NULL);
	g_assert_cmpuint(reply_bytes, ==, 0);
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, sizeof(reply)), ==, -1);
	bench_clear(&b);
}

/* every tool sends 16-byte blocks; an OUT of another length is no command */
static void
test_command_length(void)
{
	const guint8 f1[32] = {0xF1};
	guint8 reply[64];
	UbSimStlinkStats stats;
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	ub_sim_stlink_bulk_out(b.stlink, 0x02, f1, 1);
	ub_sim_stlink_bulk_out(b.stlink, 0x02, f1, 15);
	ub_sim_stlink_bulk_out(b.stlink, 0x02, f1, 31);
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, sizeof(reply)), ==, -1);
	ub_sim_stlink_get_stats(b.stlink, &stats);
	g_assert_cmpuint(stats.round_trips, ==, 0);
	ub_sim_stlink_bulk_out(b.stlink, 0x02, f1, 16);
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, sizeof(reply)), ==, 6);
	bench_clear(&b);
}

/* READDEBUGREG where a refused command answers with its 2-byte status only */
static guint8
read32_or_refused(UbSimStlink *stlink, guint32 address, guint32 *value)
{
	guint8 cmd[6] = {0xF2, 0x36};
	guint8 reply[8] = {0};
	gssize n;

	put_le32(cmd + 2, address);
	n = host_command(stlink, cmd, sizeof(cmd), reply, 8);
	g_assert_cmpint(n, ==, reply[0] == 0x80 ? 8 : 2);
	*value = get_le32(reply + 4);
	return reply[0];
}

/* commands that reach the target fail until ENTER, and again after EXIT; the probe's own
 * commands (mode, version, voltage, NRST, clock) work in any mode */
static void
test_outside_debug_mode(void)
{
	const guint8 exit_debug[] = {0xF2, 0x21};
	const guint8 status2[] = {0xF2, 0x3E};
	guint8 write[16] = {0xF2, 0x08, 0x00, 0x00, 0x00, 0x20, 0x04, 0x00};
	const guint8 data[4] = {1, 2, 3, 4};
	guint8 reply[12];
	guint32 value = 0;
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	/* DFU mode after plug-in */
	g_assert_cmphex(read32_or_refused(b.stlink, 0xE000ED00u, &value), ==, 0x08);
	g_assert_cmphex(host_drive_nrst(b.stlink, 0x01), ==, 0x80);
	g_assert_cmpuint(host_voltage_mv(b.stlink), >, 3000);
	/* a write's data is taken and dropped */
	host_command(b.stlink, write, sizeof(write), NULL, 0);
	host_data_out(b.stlink, data, sizeof(data));
	g_assert_cmpint(host_command(b.stlink, status2, sizeof(status2), reply, 12), ==, 12);
	g_assert_cmphex(reply[0], ==, 0x08);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	g_assert_cmphex(read32_or_refused(b.stlink, 0x20000000u, &value), ==, 0x80);
	g_assert_cmphex(value, !=, 0x04030201u);
	g_assert_cmphex(read32_or_refused(b.stlink, 0xE000ED00u, &value), ==, 0x80);
	g_assert_cmphex(value, ==, 0x410FC241u);
	host_command(b.stlink, exit_debug, sizeof(exit_debug), NULL, 0);
	g_assert_cmphex(read32_or_refused(b.stlink, 0xE000ED00u, &value), ==, 0x08);
	/* a failed ENTER leaves the probe in SWD mode with a silent target: the wire is tried
	 * (an SWD error in a full reply), not refused */
	ub_sim_link_set_wiring(b.link, UB_SIM_WIRING_NO_GND);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x09);
	g_assert_cmphex(host_read32(b.stlink, 0xE000ED00u, &value), ==, 0x16);
	bench_clear(&b);
}


static void
test_voltage(void)
{
	const guint8 f7[] = {0xF7};
	guint8 reply[8];
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmpint(host_command(b.stlink, f7, 1, reply, 8), ==, 8);
	g_assert_cmpuint(get_le32(reply), ==, 1200);
	g_assert_cmpuint(get_le32(reply + 4), ==, 1650);
	ub_sim_link_set_target_vdd_mv(b.link, 3000);
	g_assert_cmpuint(host_voltage_mv(b.stlink), ==, 3000);
	/* unpowered: a genuine probe reads ~0, a0 still the reference */
	ub_sim_link_set_wiring(b.link, UB_SIM_WIRING_UNPOWERED);
	g_assert_cmpint(host_command(b.stlink, f7, 1, reply, 8), ==, 8);
	g_assert_cmpuint(get_le32(reply), ==, 1200);
	g_assert_cmpuint(get_le32(reply + 4), ==, 0);
	/* a clone reads its own rail whatever the target does */
	ub_sim_stlink_set_clone_voltage_mv(b.stlink, 3190);
	g_assert_cmpuint(host_voltage_mv(b.stlink), ==, 3190);
	bench_clear(&b);
}

static void
test_swd_freq(void)
{
	const guint8 set_4mhz[] = {0xF2, 0x43, 0x00, 0x00};
	const guint8 set_divisor_798[] = {0xF2, 0x43, 0x1E, 0x03};
	const guint8 get_com[] = {0xF2, 0x62, 0x00};
	const guint8 set_com_2mhz[] = {0xF2, 0x61, 0x00, 0x00, 0xD0, 0x07, 0x00, 0x00};
	guint8 reply[52];
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmpuint(ub_sim_stlink_get_swd_khz(b.stlink), ==, 1800);
	g_assert_cmpint(host_command(b.stlink, set_4mhz, 4, reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x80);
	g_assert_cmpuint(ub_sim_stlink_get_swd_khz(b.stlink), ==, 4000);
	g_assert_cmpint(host_command(b.stlink, set_divisor_798, 4, reply, 2), ==, 2);
	g_assert_cmpuint(ub_sim_stlink_get_swd_khz(b.stlink), ==, 5);
	/* V3 commands are unknown to a V2 */
	g_assert_cmpint(host_command(b.stlink, get_com, 3, reply, 52), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x42);
	bench_clear(&b);

	bench_init(&b, UB_SIM_STLINK_V3);
	g_assert_cmpint(host_command(b.stlink, set_4mhz, 4, reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x42);
	g_assert_cmpint(host_command(b.stlink, get_com, 3, reply, 52), ==, 52);
	g_assert_cmphex(reply[0], ==, 0x80);
	g_assert_cmpuint(reply[8], ==, 7);
	g_assert_cmpuint(get_le32(reply + 12), ==, 24000);
	g_assert_cmpuint(get_le32(reply + 12 + 4 * 6), ==, 5);
	/* 2000 kHz asked: the fastest not above it */
	g_assert_cmpint(host_command(b.stlink, set_com_2mhz, 8, reply, 8), ==, 8);
	g_assert_cmphex(reply[0], ==, 0x80);
	g_assert_cmpuint(get_le32(reply + 4), ==, 1000);
	g_assert_cmpuint(ub_sim_stlink_get_swd_khz(b.stlink), ==, 1000);
	bench_clear(&b);
}

static void
test_enter_and_idcodes(void)
{
	const guint8 idcodes[] = {0xF2, 0x31};
	guint8 reply[12];
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	g_assert_cmpint(host_command(b.stlink, idcodes, 2, reply, 12), ==, 12);
	g_assert_cmphex(reply[0], ==, 0x80);
	g_assert_cmphex(get_le32(reply + 4), ==, 0x2BA01477);
	g_assert_cmphex(get_le32(reply + 8), ==, 0);

	/* silent target: GET_IDCODE error; the probe is in SWD mode all the same (Doubt 4,
	 * see ub_sim_stlink_cmd_enter) */
	ub_sim_link_set_wiring(b.link, UB_SIM_WIRING_SWAPPED);
	ub_sim_stlink_usb_reset(b.stlink);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x09);
	g_assert_cmphex(get_mode(b.stlink), ==, 0x02);
	bench_clear(&b);
}

static void
test_debugreg(void)
{
	guint32 value = 0;
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	g_assert_cmphex(host_read32(b.stlink, 0xE000ED00, &value), ==, 0x80);
	g_assert_cmphex(value, ==, 0x410FC241);
	g_assert_cmphex(host_read32(b.stlink, 0xE0042000, &value), ==, 0x80);
	g_assert_cmphex(value & 0xFFF, ==, 0x413);
	g_assert_cmphex(host_write32(b.stlink, 0x20000100, 0xDEADBEEF), ==, 0x80);
	g_assert_cmphex(host_read32(b.stlink, 0x20000100, &value), ==, 0x80);
	g_assert_cmphex(value, ==, 0xDEADBEEF);
	/* halt through DHCSR; S_HALT reads back */
	g_assert_cmphex(host_write32(b.stlink, 0xE000EDF0, 0xA05F0003), ==, 0x80);
	g_assert_cmphex(host_read32(b.stlink, 0xE000EDF0, &value), ==, 0x80);
	g_assert_true(value & (1u << 17));
	/* unmapped: AP FAULT, value 0 */
	g_assert_cmphex(host_read32(b.stlink, 0x60000000, &value), ==, 0x11);
	/* the sticky error was cleared: the next access works */
	g_assert_cmphex(host_read32(b.stlink, 0x20000100, &value), ==, 0x80);
	g_assert_cmphex(value, ==, 0xDEADBEEF);
	bench_clear(&b);
}

static void
test_core_registers(void)
{
	guint8 readreg[] = {0xF2, 0x33, 0x0F};
	guint8 writereg[] = {0xF2, 0x34, 0x02, 0x78, 0x56, 0x34, 0x12};
	const guint8 allregs[] = {0xF2, 0x3A};
	guint8 reply[88];
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	g_assert_cmphex(host_write32(b.stlink, 0xE000EDF0, 0xA05F0003), ==, 0x80);
	g_assert_cmpint(host_command(b.stlink, writereg, sizeof(writereg), reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x80);
	readreg[2] = 0x02;
	g_assert_cmpint(host_command(b.stlink, readreg, sizeof(readreg), reply, 8), ==, 8);
	g_assert_cmphex(reply[0], ==, 0x80);
	g_assert_cmphex(get_le32(reply + 4), ==, 0x12345678);
	g_assert_cmpint(host_command(b.stlink, allregs, 2, reply, 88), ==, 88);
	g_assert_cmphex(reply[0], ==, 0x80);
	g_assert_cmphex(get_le32(reply + 4 + 4 * 2), ==, 0x12345678);
	/* xPSR after reset has the Thumb bit */
	g_assert_cmphex(get_le32(reply + 4 + 4 * 16), ==, 0x01000000);
	bench_clear(&b);
}

static void
write_mem(UbSimStlink *stlink, guint8 sub, guint32 address, const guint8 *data, gsize len)
{
	guint8 cmd[8] = {0xF2, sub};
	put_le32(cmd + 2, address);
	cmd[6] = (guint8)len;
	cmd[7] = (guint8)(len >> 8);
	g_assert_cmpint(host_command(stlink, cmd, sizeof(cmd), NULL, 0), ==, 0);
	host_data_out(stlink, data, len);
}

static gssize
read_mem(UbSimStlink *stlink, guint8 sub, guint32 address, gsize len, guint8 *out, gsize reply_len)
{
	guint8 cmd[8] = {0xF2, sub};
	put_le32(cmd + 2, address);
	cmd[6] = (guint8)len;
	cmd[7] = (guint8)(len >> 8);
	return host_command(stlink, cmd, sizeof(cmd), out, reply_len);
}

static guint8
last_status(UbSimStlink *stlink, guint32 *fault_address)
{
	const guint8 cmd[] = {0xF2, 0x3E};
	guint8 reply[12];
	g_assert_cmpint(host_command(stlink, cmd, 2, reply, 12), ==, 12);
	g_assert_cmphex(reply[1], ==, 0);
	if (fault_address != NULL)
		*fault_address = get_le32(reply + 4);
	return reply[0];
}

static void
test_memory_round_trips(void)
{
	g_autofree guint8 *data = g_malloc(32768);
	g_autofree guint8 *back = g_malloc(6144);
	const guint8 status_v1[] = {0xF2, 0x3B};
	guint8 small[64];
	guint8 reply[2];
	Bench b;

	for (guint i = 0; i < 32768; i++)
		data[i] = (guint8)(i * 7 + (i >> 8));

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);

	/* 32 KiB in one command (stlink-org's loader buffer), crossing 1 KiB TAR blocks */
	write_mem(b.stlink, 0x08, 0x20000030, data, 32768);
	g_assert_cmphex(last_status(b.stlink, NULL), ==, 0x80);
	for (guint off = 0; off < 32768; off += 6144) {
		gsize n = MIN(6144, 32768 - off);
		g_assert_cmpint(read_mem(b.stlink, 0x07, 0x20000030 + off, n, back, n), ==,
		                (gssize)n);
		g_assert_cmpmem(back, n, data + off, n);
	}

	/* bytes: odd address, across a word */
	write_mem(b.stlink, 0x0D, 0x20010003, data + 100, 7);
	g_assert_cmphex(last_status(b.stlink, NULL), ==, 0x80);
	g_assert_cmpint(read_mem(b.stlink, 0x0C, 0x20010003, 7, small, 7), ==, 7);
	g_assert_cmpmem(small, 7, data + 100, 7);
	/* a single byte comes back as 2 */
	g_assert_cmpint(read_mem(b.stlink, 0x0C, 0x20010004, 1, small, 2), ==, 2);
	g_assert_cmphex(small[0], ==, data[101]);
	/* more than 64 bytes at once is refused on a V2 */
	g_assert_cmpint(read_mem(b.stlink, 0x0C, 0x20010000, 65, small, 64), >=, 0);
	ub_sim_stlink_bulk_in(b.stlink, 0x81, small, 64); /* drain */
	g_assert_cmphex(last_status(b.stlink, NULL), ==, 0x08);

	/* half-words */
	write_mem(b.stlink, 0x48, 0x20010102, data + 200, 10);
	g_assert_cmpint(read_mem(b.stlink, 0x47, 0x20010102, 10, small, 10), ==, 10);
	g_assert_cmpmem(small, 10, data + 200, 10);
	/* misaligned 32-bit: alignment error */
	g_assert_cmpint(read_mem(b.stlink, 0x07, 0x20000002, 4, small, 4), ==, 4);
	g_assert_cmphex(last_status(b.stlink, NULL), ==, 0x0A);
	/* the V1-style status command reports the same, 2 bytes */
	g_assert_cmpint(host_command(b.stlink, status_v1, 2, reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x0A);

	/* flash of an erased chip reads 0xFF */
	g_assert_cmpint(read_mem(b.stlink, 0x07, 0x08000000, 16, small, 16), ==, 16);
	for (guint i = 0; i < 16; i++)
		g_assert_cmphex(small[i], ==, 0xFF);
	bench_clear(&b);
}

static void
test_fault_address(void)
{
	guint8 buf[64];
	guint32 fault = 0;
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	/* the read runs off the end of SRAM: the first unmapped word faults */
	g_assert_cmpint(read_mem(b.stlink, 0x07, 0x2001FFF0, 64, buf, 64), ==, 64);
	g_assert_cmphex(last_status(b.stlink, &fault), ==, 0x11);
	g_assert_cmphex(fault, ==, 0x20020000);
	/* the words before the fault were delivered */
	g_assert_cmpint(read_mem(b.stlink, 0x07, 0x2001FFF0, 16, buf, 16), ==, 16);
	g_assert_cmphex(last_status(b.stlink, &fault), ==, 0x80);
	g_assert_cmphex(fault, ==, 0);
	/* a write to an unmapped address */
	memset(buf, 0, sizeof(buf));
	write_mem(b.stlink, 0x08, 0x5FFFFFF8, buf, 16);
	g_assert_cmphex(last_status(b.stlink, &fault), ==, 0x11);
	g_assert_cmphex(fault, ==, 0x5FFFFFF8);
	bench_clear(&b);
}

static void
test_dap_registers(void)
{
	const guint8 read_dpidr[] = {0xF2, 0x45, 0xFF, 0xFF, 0x00, 0x00};
	const guint8 read_idr[] = {0xF2, 0x45, 0x00, 0x00, 0xFC, 0x00};
	const guint8 init_ap[] = {0xF2, 0x4B, 0x00};
	const guint8 write_tar[] = {0xF2, 0x46, 0x00, 0x00, 0x04, 0x00, 0x00, 0x01, 0x00, 0x20};
	const guint8 read_tar[] = {0xF2, 0x45, 0x00, 0x00, 0x04, 0x00};
	guint8 reply[8];
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	g_assert_cmpint(host_command(b.stlink, init_ap, 3, reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x80);
	g_assert_cmpint(host_command(b.stlink, read_dpidr, 6, reply, 8), ==, 8);
	g_assert_cmphex(reply[0], ==, 0x80);
	g_assert_cmphex(get_le32(reply + 4), ==, 0x2BA01477);
	g_assert_cmpint(host_command(b.stlink, read_idr, 6, reply, 8), ==, 8);
	g_assert_cmphex(get_le32(reply + 4), ==, 0x24770011);
	g_assert_cmpint(host_command(b.stlink, write_tar, 10, reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x80);
	g_assert_cmpint(host_command(b.stlink, read_tar, 6, reply, 8), ==, 8);
	g_assert_cmphex(get_le32(reply + 4), ==, 0x20000100);
	bench_clear(&b);
}

static void
test_legacy_and_unknown(void)
{
	const guint8 forcedebug[] = {0xF2, 0x02};
	const guint8 getstatus[] = {0xF2, 0x01};
	const guint8 runcore[] = {0xF2, 0x09};
	const guint8 blink[] = {0xF2, 0x49};
	const guint8 unknown[] = {0xF2, 0x7F};
	const guint8 unknown_top[] = {0xE0};
	guint8 reply[2];
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	g_assert_cmpint(host_command(b.stlink, forcedebug, 2, reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x80);
	g_assert_cmpint(host_command(b.stlink, getstatus, 2, reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x81);
	g_assert_cmpint(host_command(b.stlink, runcore, 2, reply, 2), ==, 2);
	g_assert_cmpint(host_command(b.stlink, getstatus, 2, reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x80);
	g_assert_cmpint(host_command(b.stlink, blink, 2, reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x80);
	g_assert_cmpint(host_command(b.stlink, unknown, 2, reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x42);
	g_assert_cmphex(reply[1], ==, 0x00);
	g_assert_cmpint(host_command(b.stlink, unknown_top, 1, reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x42);
	bench_clear(&b);
}

static void
test_wait(void)
{
	guint32 value = 0;
	guint64 t0;
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	/* a short stall is ridden out by the firmware's retries, time passing meanwhile */
	t0 = ub_sim_clock_get_ns(b.clock);
	fake_mcu_set_flash_busy_until(b.mcu, t0 + 1 * UB_SIM_NS_PER_MS + 300 * UB_SIM_NS_PER_US);
	g_assert_cmphex(host_write32(b.stlink, 0x40023C10, 0x80000000), ==, 0x80);
	g_assert_cmphex(host_read32(b.stlink, 0x08000000, &value), ==, 0x80);
	g_assert_cmphex(value, ==, 0xFFFFFFFF);
	/* a long one (a sector erase) comes back as AP WAIT; the host retries later */
	t0 = ub_sim_clock_get_ns(b.clock);
	fake_mcu_set_flash_busy_until(b.mcu, t0 + 250 * UB_SIM_NS_PER_MS);
	g_assert_cmphex(host_read32(b.stlink, 0x08000000, &value), ==, 0x10);
	g_assert_cmphex(host_read32(b.stlink, 0x40023C14, &value), ==, 0x80);
	g_assert_cmphex(value, ==, 0x0FFFAAED);
	ub_sim_clock_advance(b.clock, 250 * UB_SIM_NS_PER_MS);
	g_assert_cmphex(host_read32(b.stlink, 0x08000000, &value), ==, 0x80);
	bench_clear(&b);
}

static void
test_data_phase_in_pieces(void)
{
	g_autofree guint8 *data = g_malloc(32768);
	g_autofree guint8 *back = g_malloc(6144);
	guint8 cmd[8] = {0xF2, 0x08, 0x00, 0x00, 0x00, 0x20, 0x00, 0x80};
	guint8 reply[2];
	Bench b;

	for (guint i = 0; i < 32768; i++)
		data[i] = (guint8)(i ^ (i >> 7));
	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	/* libusb splits a 32 KiB transfer into 16 KiB URBs; the firmware waits for all of it */
	host_command(b.stlink, cmd, sizeof(cmd), NULL, 0);
	host_data_out(b.stlink, data, 16384);
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, 2), ==, -1);
	host_data_out(b.stlink, data + 16384, 10000);
	host_data_out(b.stlink, data + 26384, 32768 - 26384);
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, 2), ==, -1);
	g_assert_cmpint(read_mem(b.stlink, 0x07, 0x20000000 + 30000, 2768, back, 2768), ==, 2768);
	g_assert_cmpmem(back, 2768, data + 30000, 2768);
	bench_clear(&b);
}

static void
test_costs(void)
{
	const guint8 f1[] = {0xF1};
	g_autofree guint8 *back = g_malloc(6144);
	UbSimStlinkStats stats;
	guint64 t0;
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	t0 = ub_sim_clock_get_ns(b.clock);
	host_command(b.stlink, f1, 1, back, 6);
	ub_sim_stlink_get_stats(b.stlink, &stats);
	g_assert_cmpuint(stats.round_trips, ==, 1);
	g_assert_cmpuint(stats.bytes_out, ==, 16);
	g_assert_cmpuint(stats.bytes_in, ==, 6);
	/* OUT frame + IN frame, no SWD */
	g_assert_cmpuint(stats.usb_ns, ==, 2 * UB_SIM_NS_PER_MS);
	g_assert_cmpuint(stats.swd_ns, ==, 0);
	g_assert_cmpuint(ub_sim_clock_get_ns(b.clock) - t0, ==, 2 * UB_SIM_NS_PER_MS);

	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	ub_sim_stlink_reset_stats(b.stlink);
	t0 = ub_sim_clock_get_ns(b.clock);
	g_assert_cmpint(read_mem(b.stlink, 0x07, 0x20000000, 6144, back, 6144), ==, 6144);
	ub_sim_stlink_get_stats(b.stlink, &stats);
	/* 1 frame out, 96 packets = 6 frames in */
	g_assert_cmpuint(stats.usb_ns, ==, 7 * UB_SIM_NS_PER_MS);
	/* 1536 words × 46 cycles at 1.8 MHz ≈ 39 ms, plus CSW/TAR/RDBUFF per KiB */
	g_assert_cmpuint(stats.swd_ns, >, 39 * UB_SIM_NS_PER_MS);
	g_assert_cmpuint(stats.swd_ns, <, 41 * UB_SIM_NS_PER_MS);
	g_assert_cmpuint(ub_sim_clock_get_ns(b.clock) - t0, ==, stats.usb_ns + stats.swd_ns);

	/* 4 MHz: the SWD part shrinks by 1800/4000 */
	{
		const guint8 set_4mhz[] = {0xF2, 0x43, 0x00, 0x00};
		guint8 reply[2];
		guint64 slow = stats.swd_ns;

		host_command(b.stlink, set_4mhz, 4, reply, 2);
		ub_sim_stlink_reset_stats(b.stlink);
		read_mem(b.stlink, 0x07, 0x20000000, 6144, back, 6144);
		ub_sim_stlink_get_stats(b.stlink, &stats);
		g_assert_cmpuint(stats.swd_ns, >, slow * 44 / 100);
		g_assert_cmpuint(stats.swd_ns, <, slow * 46 / 100);
	}
	bench_clear(&b);

	/* a V3 is high speed: 125 µs microframes */
	bench_init(&b, UB_SIM_STLINK_V3);
	host_command(b.stlink, f1, 1, back, 6);
	ub_sim_stlink_get_stats(b.stlink, &stats);
	g_assert_cmpuint(stats.usb_ns, ==, 2 * 125 * UB_SIM_NS_PER_US);
	bench_clear(&b);
}

/* an old firmware answers only what it had (OpenOCD 0.12 stlink_usb_version()) */
static void
test_firmware_versions(void)
{
	const guint8 f1[] = {0xF1};
	const guint8 f7[] = {0xF7};
	const guint8 status2[] = {0xF2, 0x3E};
	const guint8 set_freq[] = {0xF2, 0x43, 0x01, 0x00};
	const guint8 init_ap[] = {0xF2, 0x4B, 0x00};
	const guint8 read16[] = {0xF2, 0x47, 0x00, 0x00, 0x00, 0x20, 0x04, 0x00};
	guint8 write16[16] = {0xF2, 0x48, 0x00, 0x00, 0x00, 0x20, 0x10, 0x00};
	guint8 reply[128];
	g_autoptr(GError) error = NULL;
	g_autofree char *name = NULL;
	Bench b;

	bench_init(&b, UB_SIM_STLINK_V2);
	g_assert_true(ub_sim_stlink_set_firmware(b.stlink, "V2J17S4", &error));
	g_assert_no_error(error);
	name = ub_sim_stlink_get_firmware(b.stlink);
	g_assert_cmpstr(name, ==, "V2J17S4");
	g_assert_cmpint(host_command(b.stlink, f1, 1, reply, 6), ==, 6);
	/* 2 << 12 | 17 << 6 | 4, big-endian */
	g_assert_cmphex(reply[0], ==, 0x24);
	g_assert_cmphex(reply[1], ==, 0x44);
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	/* J13 and J15 features are there */
	g_assert_cmpint(host_command(b.stlink, f7, 1, reply, 8), ==, 8);
	g_assert_cmpint(host_command(b.stlink, status2, 2, reply, 12), ==, 12);
	g_assert_cmphex(reply[0], ==, 0x80);
	/* J22, J26 and J28 ones are not */
	g_assert_cmpint(host_command(b.stlink, set_freq, 4, reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x42);
	g_assert_cmpint(host_command(b.stlink, init_ap, 3, reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x42);
	g_assert_cmpint(host_command(b.stlink, read16, sizeof(read16), reply, 4), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x42);
	/* an unknown write takes no data phase: its 16 data bytes are the next command */
	memset(reply, 0, sizeof(reply));
	g_assert_cmpint(host_command(b.stlink, write16, sizeof(write16), reply, 2), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x42);
	memset(write16, 0, sizeof(write16));
	write16[0] = 0xF1;
	host_data_out(b.stlink, write16, sizeof(write16));
	g_assert_cmpint(ub_sim_stlink_bulk_in(b.stlink, 0x81, reply, sizeof(reply)), ==, 6);
	g_assert_cmphex(reply[1], ==, 0x44);
	/* below J13 there is no voltage command, below J15 no GETLASTRWSTATUS2 */
	g_assert_true(ub_sim_stlink_set_firmware(b.stlink, "V2J12S0", NULL));
	g_assert_cmpint(host_command(b.stlink, f7, 1, reply, 8), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x42);
	g_assert_cmpint(host_command(b.stlink, status2, 2, reply, 12), ==, 2);
	g_assert_cmphex(reply[0], ==, 0x42);
	/* malformed, or for another hardware */
	g_assert_false(ub_sim_stlink_set_firmware(b.stlink, "V3J7M3B3S1", &error));
	g_assert_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID);
	g_clear_error(&error);
	g_assert_false(ub_sim_stlink_set_firmware(b.stlink, "V2S7", &error));
	g_clear_error(&error);
	g_assert_false(ub_sim_stlink_set_firmware(b.stlink, "V2J37X1", &error));
	g_clear_error(&error);
	bench_clear(&b);

	/* a V3 before J6 moves at most 64 bytes per 8-bit command */
	bench_init(&b, UB_SIM_STLINK_V3);
	g_assert_true(ub_sim_stlink_set_firmware(b.stlink, "V3J5M2S1", NULL));
	g_assert_cmphex(host_enter_swd(b.stlink), ==, 0x80);
	g_assert_cmpint(read_mem(b.stlink, 0x0C, 0x20000000, 100, reply, 100), ==, 100);
	g_assert_cmphex(last_status(b.stlink, NULL), ==, 0x08);
	g_assert_true(ub_sim_stlink_set_firmware(b.stlink, "V3J7M3B3S1", NULL));
	g_assert_cmpint(read_mem(b.stlink, 0x0C, 0x20000000, 100, reply, 100), ==, 100);
	g_assert_cmphex(last_status(b.stlink, NULL), ==, 0x80);
	bench_clear(&b);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/stlink/identity", test_identity);
	g_test_add_func("/sim/stlink/version", test_version);
	g_test_add_func("/sim/stlink/modes", test_modes);
	g_test_add_func("/sim/stlink/nak-and-endpoints", test_nak_and_endpoints);
	g_test_add_func("/sim/stlink/replies-stay-queued", test_replies_stay_queued);
	g_test_add_func("/sim/stlink/command-length", test_command_length);
	g_test_add_func("/sim/stlink/outside-debug-mode", test_outside_debug_mode);
	g_test_add_func("/sim/stlink/firmware-versions", test_firmware_versions);
	g_test_add_func("/sim/stlink/voltage", test_voltage);
	g_test_add_func("/sim/stlink/swd-freq", test_swd_freq);
	g_test_add_func("/sim/stlink/enter-and-idcodes", test_enter_and_idcodes);
	g_test_add_func("/sim/stlink/debugreg", test_debugreg);
	g_test_add_func("/sim/stlink/core-registers", test_core_registers);
	g_test_add_func("/sim/stlink/memory-round-trips", test_memory_round_trips);
	g_test_add_func("/sim/stlink/fault-address", test_fault_address);
	g_test_add_func("/sim/stlink/dap-registers", test_dap_registers);
	g_test_add_func("/sim/stlink/legacy-and-unknown", test_legacy_and_unknown);
	g_test_add_func("/sim/stlink/wait", test_wait);
	g_test_add_func("/sim/stlink/data-phase-in-pieces", test_data_phase_in_pieces);
	g_test_add_func("/sim/stlink/costs", test_costs);
	return g_test_run();
}
