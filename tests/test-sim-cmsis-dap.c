/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimCmsisDap against reference/cmsis-dap.md §1-§2 and ARM's DAP.c: descriptors, DAP_Info,
 * the SWD connect sequence, posted AP reads, the write check, WAIT and FAULT, nRESET through
 * SWJ_Pins on each unit, the buffer count (NAK) and the USB cost of pipelining.
 */
#include "config.h"

#include <string.h>

#include "ub-sim-board.h"

#define DPIDR 0x2BA01477u
#define CPUID_F405 0x410FC241u

typedef struct {
	UbSimBoard *board;
	UbSimProbe *probe;
	const UbSimUsbIdentity *id;
} Bench;

static void
bench_init(Bench *bench, const char *name)
{
	g_autoptr(GError) error = NULL;

	bench->board = ub_sim_board_new_from_name(name, &error);
	g_assert_no_error(error);
	bench->probe = ub_sim_board_get_probe(bench->board);
	bench->id = ub_sim_probe_get_identity(bench->probe);
	g_assert_true(UB_IS_SIM_CMSIS_DAP(bench->probe));
	g_assert_null(ub_sim_board_get_stlink(bench->board));
}

static void
bench_clear(Bench *bench)
{
	g_clear_object(&bench->board);
}

static gboolean
send(Bench *bench, const guint8 *cmd, gsize len)
{
	return ub_sim_probe_bulk_out(bench->probe, bench->id->endpoint_out, cmd, len);
}

static gssize
receive(Bench *bench, guint8 *reply)
{
	return ub_sim_probe_bulk_in(bench->probe, bench->id->endpoint_in, reply, 64);
}

/* one command, one response (as OpenOCD 0.12 does it) */
static gssize
dap(Bench *bench, const guint8 *cmd, gsize len, guint8 *reply)
{
	g_assert_true(send(bench, cmd, len));
	return receive(bench, reply);
}

static guint32
le32(const guint8 *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

static void
put32(guint8 *p, guint32 v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

/* Connect, 2 MHz, JTAG-to-SWD, DPIDR, clear sticky, power up */
static void
swd_connect(Bench *bench)
{
	static const guint8 connect[] = {0x02, 0x01};
	static const guint8 clock[] = {0x11, 0x80, 0x84, 0x1E, 0x00};
	static const guint8 jtag_to_swd[] = {0x12, 0x88, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
					     0xFF, 0x9E, 0xE7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
					     0xFF, 0xFF, 0x00};
	static const guint8 dpidr[] = {0x05, 0x00, 0x01, 0x02};
	static const guint8 powerup[] = {0x05, 0x00, 0x04, 0x00, 0x1E, 0x00, 0x00, 0x00,
					 0x08, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00,
					 0x00, 0x50, 0x06};
	guint8 reply[64];

	g_assert_cmpint(dap(bench, connect, sizeof(connect), reply), ==, 2);
	g_assert_cmphex(reply[1], ==, 0x01);
	g_assert_cmpint(dap(bench, clock, sizeof(clock), reply), ==, 2);
	g_assert_cmphex(reply[1], ==, 0x00);
	g_assert_cmpint(dap(bench, jtag_to_swd, sizeof(jtag_to_swd), reply), ==, 2);
	g_assert_cmpint(dap(bench, dpidr, sizeof(dpidr), reply), ==, 7);
	g_assert_cmphex(reply[1], ==, 1);
	g_assert_cmphex(reply[2], ==, 0x01);
	g_assert_cmphex(le32(reply + 3), ==, DPIDR);
	g_assert_cmpint(dap(bench, powerup, sizeof(powerup), reply), ==, 7);
	g_assert_cmphex(reply[1], ==, 4);
	g_assert_cmphex(reply[2], ==, 0x01);
	g_assert_cmphex(le32(reply + 3) & 0xA0000000u, ==, 0xA0000000u);
}

/* CSW word + TAR, DRW read (posted), RDBUFF read: both reads return the real value */
static guint32
read_word(Bench *bench, guint32 address)
{
	guint8 cmd[] = {0x05, 0x00, 0x04, 0x01, 0x12, 0x00, 0x00, 0x23,
			0x05, 0x00, 0x00, 0x00, 0x00, 0x0F, 0x0E};
	guint8 reply[64];

	put32(cmd + 9, address);
	g_assert_cmpint(dap(bench, cmd, sizeof(cmd), reply), ==, 11);
	g_assert_cmphex(reply[1], ==, 4);
	g_assert_cmphex(reply[2], ==, 0x01);
	/* the probe hides the posted read: the DRW read answers with the real value, and RDBUFF
	 * returns it again */
	g_assert_cmphex(le32(reply + 3), ==, le32(reply + 7));
	return le32(reply + 3);
}

static void
test_identity(void)
{
	Bench b;

	bench_init(&b, "focbox-debugprobe");
	g_assert_cmphex(b.id->vendor_id, ==, 0x2E8A);
	g_assert_cmphex(b.id->product_id, ==, 0x000C);
	g_assert_cmpstr(b.id->product, ==, "Debug Probe (CMSIS-DAP)");
	g_assert_cmpstr(b.id->interface_name, ==, "CMSIS-DAP v2 Interface");
	g_assert_cmphex(b.id->endpoint_out, ==, 0x04);
	g_assert_cmphex(b.id->endpoint_in, ==, 0x85);
	g_assert_cmpuint(strlen(b.id->serial), ==, 16);
	g_assert_cmpstr(ub_sim_probe_get_kind_name(b.probe), ==, "debugprobe");
	g_assert_cmpstr(ub_sim_board_get_probe_name(b.board), ==, "debugprobe");
	bench_clear(&b);

	bench_init(&b, "focbox-pico");
	g_assert_cmphex(b.id->product_id, ==, 0x000C);
	g_assert_cmpstr(b.id->product, ==, "Debugprobe on Pico (CMSIS-DAP)");
	g_assert_cmpstr(ub_sim_probe_get_kind_name(b.probe), ==, "debugprobe-pico");
	bench_clear(&b);

	bench_init(&b, "focbox-daplink");
	g_assert_cmphex(b.id->vendor_id, ==, 0x0D28);
	g_assert_cmphex(b.id->product_id, ==, 0x0204);
	g_assert_cmpstr(b.id->product, ==, "DAPLink CMSIS-DAP");
	g_assert_cmpstr(b.id->interface_name, ==, "CMSIS-DAP v2");
	g_assert_cmphex(b.id->endpoint_out, ==, 0x01);
	g_assert_cmphex(b.id->endpoint_in, ==, 0x81);
	g_assert_cmpuint(strlen(b.id->serial), ==, 48);
	bench_clear(&b);
}

static void
test_info(void)
{
	static const guint8 caps[] = {0x00, 0xF0};
	static const guint8 version[] = {0x00, 0x04};
	static const guint8 serial[] = {0x00, 0x03};
	static const guint8 size[] = {0x00, 0xFF};
	static const guint8 count[] = {0x00, 0xFE};
	static const guint8 timer[] = {0x00, 0xF1};
	guint8 reply[64];
	Bench b;

	/* reference §2.1: the Debug Probe's answers */
	bench_init(&b, "focbox-debugprobe");
	g_assert_cmpint(dap(&b, caps, 2, reply), ==, 3);
	g_assert_cmpmem(reply, 3, ((const guint8[]){0x00, 0x01, 0x31}), 3);
	g_assert_cmpint(dap(&b, version, 2, reply), ==, 8);
	g_assert_cmpmem(reply, 8, "\x00\x06" "2.0.0", 8);
	g_assert_cmpint(dap(&b, serial, 2, reply), ==, 2);
	g_assert_cmphex(reply[1], ==, 0);
	g_assert_cmpint(dap(&b, size, 2, reply), ==, 4);
	g_assert_cmpmem(reply, 4, ((const guint8[]){0x00, 0x02, 0x40, 0x00}), 4);
	g_assert_cmpint(dap(&b, count, 2, reply), ==, 3);
	g_assert_cmphex(reply[2], ==, 6);
	g_assert_cmpint(dap(&b, timer, 2, reply), ==, 6);
	g_assert_cmphex(le32(reply + 2), ==, 1000000);
	bench_clear(&b);

	/* DAPLink tells its serial and has one buffer */
	bench_init(&b, "focbox-daplink");
	g_assert_cmpint(dap(&b, caps, 2, reply), ==, 3);
	g_assert_cmphex(reply[2], ==, 0x11);
	g_assert_cmpint(dap(&b, serial, 2, reply), ==, 2 + 49);
	g_assert_cmpstr((const char *)reply + 2, ==, b.id->serial);
	g_assert_cmpint(dap(&b, count, 2, reply), ==, 3);
	g_assert_cmphex(reply[2], ==, 1);
	bench_clear(&b);
}

static void
test_unknown_commands(void)
{
	static const guint8 abort_cmd[] = {0x07};
	static const guint8 vendor[] = {0x80};
	static const guint8 clock0[] = {0x11, 0x00, 0x00, 0x00, 0x00};
	static const guint8 jtag[] = {0x02, 0x02};
	guint8 reply[64];
	Bench b;

	bench_init(&b, "focbox-debugprobe");
	/* DAP_TransferAbort goes to DAP_ProcessCommand on this firmware: ID_DAP_Invalid */
	g_assert_cmpint(dap(&b, abort_cmd, 1, reply), ==, 1);
	g_assert_cmphex(reply[0], ==, 0xFF);
	g_assert_cmpint(dap(&b, vendor, 1, reply), ==, 1);
	g_assert_cmphex(reply[0], ==, 0xFF);
	g_assert_cmpint(dap(&b, clock0, sizeof(clock0), reply), ==, 2);
	g_assert_cmphex(reply[1], ==, 0xFF);
	/* no JTAG in this build */
	g_assert_cmpint(dap(&b, jtag, 2, reply), ==, 2);
	g_assert_cmphex(reply[1], ==, 0x00);
	bench_clear(&b);
}

static void
test_connect_and_read(void)
{
	static const guint8 ctrl[] = {0x05, 0x00, 0x01, 0x06};
	static const guint8 block[] = {0x06, 0x00, 0x04, 0x00, 0x0F};
	static const guint8 tar_flash[] = {0x05, 0x00, 0x02, 0x01, 0x12, 0x00, 0x00, 0x23,
					   0x05, 0x00, 0x00, 0x00, 0x08};
	static const guint8 notconnected[] = {0x05, 0x00, 0x01, 0x02};
	g_autoptr(GBytes) flash = NULL;
	const guint8 *image;
	guint8 reply[64];
	Bench b;

	bench_init(&b, "focbox-pico");
	/* before DAP_Connect the firmware's dummy transfer does nothing */
	g_assert_cmpint(dap(&b, notconnected, sizeof(notconnected), reply), ==, 3);
	g_assert_cmpmem(reply, 3, ((const guint8[]){0x05, 0x00, 0x00}), 3);
	/* connected, but the DP takes nothing but a DPIDR read before a line reset */
	g_assert_cmpint(dap(&b, (const guint8[]){0x02, 0x01}, 2, reply), ==, 2);
	g_assert_cmpint(dap(&b, ctrl, sizeof(ctrl), reply), ==, 3);
	g_assert_cmphex(reply[2], ==, 0x07);

	swd_connect(&b);
	g_assert_cmpuint(ub_sim_probe_get_swd_khz(b.probe), ==, 1838);
	g_assert_cmphex(read_word(&b, 0xE000ED00), ==, CPUID_F405);

	/* a block of four DRW reads: the posted read is collected from RDBUFF at the end */
	g_assert_cmpint(dap(&b, tar_flash, sizeof(tar_flash), reply), ==, 3);
	g_assert_cmphex(reply[2], ==, 0x01);
	g_assert_cmpint(dap(&b, block, sizeof(block), reply), ==, 4 + 16);
	g_assert_cmphex(reply[1] | reply[2] << 8, ==, 4);
	g_assert_cmphex(reply[3], ==, 0x01);
	flash = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(b.board));
	image = g_bytes_get_data(flash, NULL);
	g_assert_cmpmem(reply + 4, 16, image, 16);
	bench_clear(&b);
}

/* a bus error on a posted write shows in the same packet, through the probe's RDBUFF check;
 * the sticky error then faults every AP access until ABORT clears it */
static void
test_fault_and_abort(void)
{
	static const guint8 bad_write[] = {0x05, 0x00, 0x03, 0x01, 0x02, 0x00, 0x00, 0x23,
					   0x05, 0x00, 0x00, 0x00, 0xA0, 0x0D, 0x11, 0x22,
					   0x33, 0x44};
	static const guint8 ap_read[] = {0x05, 0x00, 0x01, 0x03};
	static const guint8 ctrl[] = {0x05, 0x00, 0x01, 0x06};
	static const guint8 abort_cmd[] = {0x08, 0x00, 0x1E, 0x00, 0x00, 0x00};
	guint8 reply[64];
	Bench b;

	bench_init(&b, "focbox-daplink");
	swd_connect(&b);
	/* 0xA0000000 is the FSMC control space, unmapped on this model */
	g_assert_cmpint(dap(&b, bad_write, sizeof(bad_write), reply), ==, 3);
	g_assert_cmphex(reply[1], ==, 3);
	g_assert_cmphex(reply[2], ==, 0x04);
	g_assert_cmpint(dap(&b, ap_read, sizeof(ap_read), reply), ==, 3);
	g_assert_cmphex(reply[1], ==, 0);
	g_assert_cmphex(reply[2], ==, 0x04);
	g_assert_cmpint(dap(&b, ctrl, sizeof(ctrl), reply), ==, 7);
	g_assert_cmphex(le32(reply + 3) & 0x20, ==, 0x20); /* STICKYERR */
	g_assert_cmpint(dap(&b, abort_cmd, sizeof(abort_cmd), reply), ==, 2);
	g_assert_cmphex(reply[1], ==, 0x00);
	g_assert_cmphex(read_word(&b, 0xE000ED00), ==, CPUID_F405);
	bench_clear(&b);
}

static guint8
swj_pins(Bench *bench, guint8 output, guint8 select, guint32 wait_us)
{
	guint8 cmd[7] = {0x10, output, select};
	guint8 reply[64];

	put32(cmd + 3, wait_us);
	g_assert_cmpint(dap(bench, cmd, sizeof(cmd), reply), ==, 2);
	return reply[1];
}

static void
test_nreset(void)
{
	UbSimMcu *mcu;
	UbSimLink *link;
	Bench b;

	/* Pico with GP1 wired to NRST: asserting holds the chip in reset, the pin reads back */
	bench_init(&b, "focbox-pico");
	mcu = ub_sim_board_get_mcu(b.board);
	link = ub_sim_board_get_link(b.board);
	/* the GPIO is only set up by DAP_Connect (probe_init): before, nothing moves */
	g_assert_cmphex(swj_pins(&b, 0x00, 0x80, 0), ==, 0x80);
	g_assert_false(ub_sim_mcu_get_in_reset(mcu));
	swd_connect(&b);
	g_assert_cmphex(swj_pins(&b, 0x00, 0x80, 0), ==, 0x00);
	g_assert_true(ub_sim_mcu_get_in_reset(mcu));
	g_assert_cmphex(swj_pins(&b, 0x80, 0x80, 0), ==, 0x80);
	g_assert_false(ub_sim_mcu_get_in_reset(mcu));
	/* somebody else holds NRST low: the released pin reads 0, and a wait runs to its end */
	ub_sim_link_hold_nrst(link, TRUE);
	{
		guint64 before = ub_sim_clock_get_ns(ub_sim_board_get_clock(b.board));
		g_assert_cmphex(swj_pins(&b, 0x80, 0x80, 100000), ==, 0x00);
		g_assert_cmpuint(ub_sim_clock_get_ns(ub_sim_board_get_clock(b.board)) - before, >=,
				 100 * UB_SIM_NS_PER_MS);
	}
	ub_sim_link_hold_nrst(link, FALSE);
	/* DAP_Disconnect releases nRESET (probe_deinit) */
	g_assert_cmphex(swj_pins(&b, 0x00, 0x80, 0), ==, 0x00);
	g_assert_true(ub_sim_mcu_get_in_reset(mcu));
	g_assert_cmpint(dap(&b, (const guint8[]){0x03}, 1, (guint8[64]){0}), ==, 2);
	g_assert_false(ub_sim_mcu_get_in_reset(mcu));
	bench_clear(&b);

	/* the forum case: the Pico's GP1 goes nowhere; it reads what it drives, the chip runs */
	bench_init(&b, "focbox-bricked-pico");
	mcu = ub_sim_board_get_mcu(b.board);
	swj_pins(&b, 0x80, 0x80, 0);
	g_assert_cmpint(dap(&b, (const guint8[]){0x02, 0x01}, 2, (guint8[64]){0}), ==, 2);
	g_assert_cmphex(swj_pins(&b, 0x00, 0x80, 0), ==, 0x00);
	g_assert_false(ub_sim_mcu_get_in_reset(mcu));
	g_assert_cmphex(swj_pins(&b, 0x80, 0x80, 0), ==, 0x80);
	bench_clear(&b);

	/* the Debug Probe has no reset pin: bit 7 always reads 0 and nothing is driven */
	bench_init(&b, "focbox-debugprobe");
	mcu = ub_sim_board_get_mcu(b.board);
	swd_connect(&b);
	g_assert_cmphex(swj_pins(&b, 0x00, 0x80, 0), ==, 0x00);
	g_assert_false(ub_sim_mcu_get_in_reset(mcu));
	g_assert_cmphex(swj_pins(&b, 0x80, 0x80, 0), ==, 0x00);
	bench_clear(&b);
}

/* the probe NAKs an OUT packet once every buffer holds an unread response */
static void
test_buffers(void)
{
	static const guint8 caps[] = {0x00, 0xF0};
	UbSimProbeStats stats;
	guint8 reply[64];
	Bench b;

	bench_init(&b, "focbox-daplink");
	g_assert_true(send(&b, caps, 2));
	g_assert_false(send(&b, caps, 2));
	g_assert_cmpint(receive(&b, reply), ==, 3);
	g_assert_cmpint(receive(&b, reply), ==, -1);
	g_assert_true(send(&b, caps, 2));
	ub_sim_probe_get_stats(b.probe, &stats);
	g_assert_cmpuint(stats.naks, ==, 1);
	g_assert_cmpuint(stats.max_in_flight, ==, 1);
	g_assert_cmpuint(stats.round_trips, ==, 2);
	bench_clear(&b);

	bench_init(&b, "focbox-debugprobe");
	for (guint i = 0; i < 8; i++)
		g_assert_true(send(&b, caps, 2));
	g_assert_false(send(&b, caps, 2));
	for (guint i = 0; i < 8; i++) {
		g_assert_cmpint(receive(&b, reply), ==, 3);
		g_assert_cmphex(reply[2], ==, 0x31);
	}
	ub_sim_probe_get_stats(b.probe, &stats);
	g_assert_cmpuint(stats.max_in_flight, ==, 8);
	bench_clear(&b);
}

/* USB cost model: commands kept in flight share frames; one at a time costs 2 ms each */
static void
test_cost_pipelining(void)
{
	static const guint8 caps[] = {0x00, 0xF0};
	UbSimProbeStats one_by_one;
	UbSimProbeStats pipelined;
	guint8 reply[64];
	Bench b;

	bench_init(&b, "focbox-debugprobe");
	for (guint i = 0; i < 6; i++)
		g_assert_cmpint(dap(&b, caps, 2, reply), ==, 3);
	ub_sim_probe_get_stats(b.probe, &one_by_one);
	ub_sim_probe_reset_stats(b.probe);
	for (guint i = 0; i < 6; i++)
		g_assert_true(send(&b, caps, 2));
	for (guint i = 0; i < 6; i++)
		g_assert_cmpint(receive(&b, reply), ==, 3);
	ub_sim_probe_get_stats(b.probe, &pipelined);
	g_assert_cmpuint(one_by_one.usb_frames, ==, 12);
	g_assert_cmpuint(one_by_one.usb_ns, ==, 12 * UB_SIM_NS_PER_MS);
	g_assert_cmpuint(pipelined.usb_frames, ==, 2);
	g_assert_cmpuint(pipelined.round_trips, ==, 6);
	g_assert_cmpuint(pipelined.bytes_in, ==, 18);
	bench_clear(&b);
}

/* WAIT while the flash erases: the probe retries as configured, then reports WAIT */
static void
test_wait(void)
{
	static const guint8 erase[] = {0x05, 0x00, 0x08, 0x01, 0x02, 0x00, 0x00, 0x23,
			   /* FLASH_KEYR */ 0x05, 0x04, 0x3C, 0x02, 0x40, 0x0D, 0x23, 0x01,
			   0x67, 0x45, 0x0D, 0xAB, 0x89, 0xEF, 0xCD,
			   /* FLASH_CR: SER, sector 2, STRT */ 0x05, 0x10, 0x3C, 0x02, 0x40,
			   0x0D, 0x12, 0x00, 0x01, 0x00,
			   /* TAR = flash */ 0x05, 0x00, 0x80, 0x00, 0x08, 0x0F};
	static const guint8 config[] = {0x04, 0x00, 0x05, 0x00, 0x00, 0x00};
	UbSimProbeStats stats;
	guint8 reply[64];
	Bench b;

	bench_init(&b, "focbox-debugprobe");
	swd_connect(&b);
	g_assert_cmpint(dap(&b, config, sizeof(config), reply), ==, 2);
	ub_sim_probe_reset_stats(b.probe);
	/* the last request reads flash, which stalls the bus while sector 2 erases */
	g_assert_cmpint(dap(&b, erase, sizeof(erase), reply), ==, 3);
	g_assert_cmphex(reply[1], ==, 7);
	g_assert_cmphex(reply[2], ==, 0x02);
	ub_sim_probe_get_stats(b.probe, &stats);
	/* 7 transfers of 46 cycles, then the first attempt and 5 retries of 13 cycles each (no
	 * data phase), at 125 MHz / 68 = 1.838 MHz: 400 cycles, 217.6 µs */
	g_assert_cmpuint(stats.swd_ns, >=, 217000);
	g_assert_cmpuint(stats.swd_ns, <=, 218500);
	bench_clear(&b);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/cmsis-dap/identity", test_identity);
	g_test_add_func("/sim/cmsis-dap/info", test_info);
	g_test_add_func("/sim/cmsis-dap/unknown-commands", test_unknown_commands);
	g_test_add_func("/sim/cmsis-dap/connect-and-read", test_connect_and_read);
	g_test_add_func("/sim/cmsis-dap/fault-and-abort", test_fault_and_abort);
	g_test_add_func("/sim/cmsis-dap/nreset", test_nreset);
	g_test_add_func("/sim/cmsis-dap/buffers", test_buffers);
	g_test_add_func("/sim/cmsis-dap/cost-pipelining", test_cost_pipelining);
	g_test_add_func("/sim/cmsis-dap/wait", test_wait);
	return g_test_run();
}
