/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbProbeCmsisDap against the simulated Debug Probe, Pico and DAPLink (UbSimCmsisDap) through
 * a transport that records what goes over the wire: the open and SWD sequences byte for byte,
 * memory of every width and alignment, packets in flight up to the probe's count, FAULT, WAIT
 * and a silent target answered as reference/cmsis-dap.md says, core registers, nRESET.
 */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-probe-cmsis-dap-private.h"
#include "ub-target.h"
#include "ub-transport-sim.h"

/* ---- a transport that passes everything to the simulator and writes it down ---- */

#define UB_TYPE_TAP_TRANSPORT (ub_tap_transport_get_type())
G_DECLARE_FINAL_TYPE(UbTapTransport, ub_tap_transport, UB, TAP_TRANSPORT, UbTransport)

struct _UbTapTransport {
	UbTransport parent_instance;
	UbTransport *inner;
	GPtrArray *out;	   /* GBytes of every OUT transfer */
	GString *events;   /* 'O' per OUT, 'I' per IN */
	guint in_flight;
	guint max_in_flight;
};

G_DEFINE_TYPE(UbTapTransport, ub_tap_transport, UB_TYPE_TRANSPORT)

static gboolean
ub_tap_transport_bulk_write(UbTransport *transport, guint8 endpoint, const guint8 *data,
			    gsize len, guint timeout_ms, GError **error)
{
	UbTapTransport *self = UB_TAP_TRANSPORT(transport);

	g_ptr_array_add(self->out, g_bytes_new(data, len));
	g_string_append_c(self->events, 'O');
	self->in_flight++;
	self->max_in_flight = MAX(self->max_in_flight, self->in_flight);
	return ub_transport_bulk_write(self->inner, endpoint, data, len, timeout_ms, error);
}

static gboolean
ub_tap_transport_bulk_read(UbTransport *transport, guint8 endpoint, guint8 *buffer, gsize len,
			   guint timeout_ms, gsize *actual, GError **error)
{
	UbTapTransport *self = UB_TAP_TRANSPORT(transport);

	if (!ub_transport_bulk_read(self->inner, endpoint, buffer, len, timeout_ms, actual, error))
		return FALSE;
	g_string_append_c(self->events, 'I');
	if (self->in_flight > 0)
		self->in_flight--;
	return TRUE;
}

static void
ub_tap_transport_finalize(GObject *object)
{
	UbTapTransport *self = UB_TAP_TRANSPORT(object);

	g_clear_object(&self->inner);
	g_ptr_array_unref(self->out);
	g_string_free(self->events, TRUE);
	G_OBJECT_CLASS(ub_tap_transport_parent_class)->finalize(object);
}

static void
ub_tap_transport_class_init(UbTapTransportClass *klass)
{
	UbTransportClass *transport_class = UB_TRANSPORT_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = ub_tap_transport_finalize;
	transport_class->bulk_write = ub_tap_transport_bulk_write;
	transport_class->bulk_read = ub_tap_transport_bulk_read;
}

static void
ub_tap_transport_init(UbTapTransport *self)
{
	self->out = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	self->events = g_string_new(NULL);
}

static void
tap_forget(UbTapTransport *self)
{
	g_ptr_array_set_size(self->out, 0);
	g_string_truncate(self->events, 0);
	self->max_in_flight = 0;
}

typedef struct {
	UbSimBoard *board;
	UbTapTransport *tap;
	UbProbeCmsisDap *dap;
	UbProbe *probe;
} Bench;

static void
bench_init(Bench *bench, const char *name)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(UbTransportSim) sim = ub_transport_sim_new_for_board_name(name, &error);
	UbTransport *inner;

	g_assert_no_error(error);
	inner = UB_TRANSPORT(sim);
	bench->board = g_object_ref(ub_transport_sim_get_board(sim));
	bench->tap = g_object_new(UB_TYPE_TAP_TRANSPORT, NULL);
	bench->tap->inner = g_object_ref(inner);
	ub_transport_set_identity(UB_TRANSPORT(bench->tap), ub_transport_get_vendor_id(inner),
				  ub_transport_get_product_id(inner),
				  ub_transport_get_serial(inner), ub_transport_get_path(inner));
	ub_transport_set_kind(UB_TRANSPORT(bench->tap), ub_transport_get_kind(inner),
			      ub_transport_get_product(inner));
	ub_transport_set_endpoints(UB_TRANSPORT(bench->tap), ub_transport_get_endpoint_out(inner),
				   ub_transport_get_endpoint_in(inner),
				   ub_transport_get_max_packet(inner));
	bench->dap = ub_probe_cmsis_dap_new(UB_TRANSPORT(bench->tap), &error);
	g_assert_no_error(error);
	bench->probe = UB_PROBE(bench->dap);
}

static void
bench_open(Bench *bench)
{
	g_autoptr(GError) error = NULL;
	guint khz = 0;

	g_assert_true(ub_probe_open(bench->probe, &error));
	g_assert_no_error(error);
	g_assert_true(ub_probe_set_swd_frequency(bench->probe, 1800, &khz, &error));
	g_assert_true(ub_probe_enter_swd(bench->probe, &error));
	g_assert_no_error(error);
}

static void
bench_clear(Bench *bench)
{
	g_clear_object(&bench->dap);
	g_clear_object(&bench->tap);
	g_clear_object(&bench->board);
}

static void
assert_out(Bench *bench, guint index, const guint8 *bytes, gsize len)
{
	GBytes *out;

	g_assert_cmpuint(index, <, bench->tap->out->len);
	out = g_ptr_array_index(bench->tap->out, index);
	g_assert_cmpmem(g_bytes_get_data(out, NULL), g_bytes_get_size(out), bytes, len);
}

static void
sim_stats(Bench *bench, UbSimProbeStats *stats)
{
	ub_sim_probe_get_stats(ub_sim_board_get_probe(bench->board), stats);
}

/* ---- pure helpers ---- */

static void
test_acks(void)
{
	const struct {
		guint8 ack;
		gint code;
	} table[] = {
	    {0x02, UB_TARGET_ERROR_WAIT},    {0x04, UB_TARGET_ERROR_FAULT},
	    {0x07, UB_TARGET_ERROR_NO_ACK},  {0x00, UB_TARGET_ERROR_NO_ACK},
	    {0x08, UB_TARGET_ERROR_FAILED},  {0x11, UB_TARGET_ERROR_FAILED},
	};
	g_autofree char *v1 = ub_cmsis_dap_version_to_string("2.1.0", "0258");
	g_autofree char *v2 = ub_cmsis_dap_version_to_string("2.0.0", "");

	g_assert_true(ub_cmsis_dap_ack_check(0x01, NULL));
	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autoptr(GError) error = NULL;
		g_assert_false(ub_cmsis_dap_ack_check(table[i].ack, &error));
		g_assert_error(error, UB_TARGET_ERROR, table[i].code);
	}
	/* 64-byte packets: 15 words read, 14 written; 512-byte (high speed): 127 and 126 */
	g_assert_cmpuint(ub_cmsis_dap_block_words(64, TRUE), ==, 15);
	g_assert_cmpuint(ub_cmsis_dap_block_words(64, FALSE), ==, 14);
	g_assert_cmpuint(ub_cmsis_dap_block_words(512, TRUE), ==, 127);
	g_assert_cmpuint(ub_cmsis_dap_block_words(512, FALSE), ==, 126);
	g_assert_cmpstr(v1, ==, "0258 (CMSIS-DAP 2.1.0)");
	g_assert_cmpstr(v2, ==, "CMSIS-DAP 2.0.0");
}

/* ---- against the simulator ---- */

static void
test_new_needs_cmsis_dap(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(UbTransportSim) sim = ub_transport_sim_new_for_board_name("focbox", &error);
	g_autoptr(UbProbeCmsisDap) dap = NULL;

	g_assert_no_error(error);
	g_assert_cmpint(ub_transport_get_kind(UB_TRANSPORT(sim)), ==, UB_PROBE_KIND_STLINK_V2);
	dap = ub_probe_cmsis_dap_new(UB_TRANSPORT(sim), &error);
	g_assert_null(dap);
	g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED);
}

static void
test_open(void)
{
	static const guint8 info_caps[] = {0x00, 0xF0};
	static const guint8 info_size[] = {0x00, 0xFF};
	static const guint8 info_count[] = {0x00, 0xFE};
	static const guint8 info_version[] = {0x00, 0x04};
	static const guint8 info_product_fw[] = {0x00, 0x09};
	static const guint8 connect[] = {0x02, 0x01};
	/* idle 0, WAIT retry 128, match retry 100 */
	static const guint8 configure[] = {0x04, 0x00, 0x80, 0x00, 0x64, 0x00};
	static const guint8 swd_configure[] = {0x13, 0x00};
	static const guint8 led[] = {0x01, 0x00, 0x01};
	static const guint8 clock[] = {0x11, 0x40, 0x42, 0x0F, 0x00};
	g_autoptr(GError) error = NULL;
	guint mv = 0;
	Bench b;

	bench_init(&b, "focbox-debugprobe");
	g_assert_true(ub_probe_open(b.probe, &error));
	g_assert_no_error(error);
	assert_out(&b, 0, info_caps, 2);
	assert_out(&b, 1, info_size, 2);
	assert_out(&b, 2, info_count, 2);
	assert_out(&b, 3, info_version, 2);
	assert_out(&b, 4, info_product_fw, 2);
	assert_out(&b, 5, connect, 2);
	assert_out(&b, 6, configure, sizeof(configure));
	assert_out(&b, 7, swd_configure, 2);
	assert_out(&b, 8, led, 3);
	assert_out(&b, 9, clock, sizeof(clock));
	g_assert_cmpuint(b.tap->out->len, ==, 10);
	g_assert_cmpstr(ub_probe_get_firmware_version(b.probe), ==, "CMSIS-DAP 2.0.0");
	g_assert_cmpuint(ub_probe_cmsis_dap_get_capabilities(b.dap), ==, 0x31);
	g_assert_cmpuint(ub_probe_cmsis_dap_get_packet_size(b.dap), ==, 64);
	g_assert_cmpuint(ub_probe_cmsis_dap_get_packet_count(b.dap), ==, 6);
	g_assert_cmpint(ub_probe_get_kind(b.probe), ==, UB_PROBE_KIND_CMSIS_DAP);
	/* no command measures the target's supply: the person has to check */
	g_assert_cmpuint(ub_probe_get_features(b.probe), ==, UB_PROBE_FEATURE_NRST);
	g_assert_false(ub_probe_get_target_voltage(b.probe, &mv, &error));
	g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED);
	bench_clear(&b);

	bench_init(&b, "focbox-daplink");
	g_assert_true(ub_probe_open(b.probe, NULL));
	g_assert_cmpstr(ub_probe_get_firmware_version(b.probe), ==, "0258 (CMSIS-DAP 2.1.0)");
	g_assert_cmpuint(ub_probe_cmsis_dap_get_packet_count(b.dap), ==, 1);
	bench_clear(&b);
}

static void
test_enter_swd(void)
{
	static const guint8 jtag_to_swd[] = {0x12, 0x88, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
					     0xFF, 0x9E, 0xE7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
					     0xFF, 0xFF, 0x00};
	static const guint8 dpidr[] = {0x05, 0x00, 0x01, 0x02};
	static const guint8 power_up[] = {0x05, 0x00, 0x04, 0x00, 0x1E, 0x00, 0x00, 0x00,
					  0x08, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00,
					  0x00, 0x50, 0x06};
	g_autoptr(GError) error = NULL;
	guint32 idcode = 0;
	guint32 cpuid = 0;
	Bench b;

	bench_init(&b, "focbox-pico");
	g_assert_true(ub_probe_open(b.probe, &error));
	tap_forget(b.tap);
	g_assert_true(ub_probe_enter_swd(b.probe, &error));
	g_assert_no_error(error);
	assert_out(&b, 0, jtag_to_swd, sizeof(jtag_to_swd));
	assert_out(&b, 1, dpidr, sizeof(dpidr));
	assert_out(&b, 2, power_up, sizeof(power_up));
	/* no second DAP_Connect: it would let go of nRESET */
	g_assert_cmpuint(b.tap->out->len, ==, 3);
	g_assert_true(ub_probe_read_dp_idcode(b.probe, &idcode, &error));
	g_assert_cmphex(idcode, ==, 0x2BA01477);
	g_assert_true(ub_probe_read_u32(b.probe, 0xE000ED00, &cpuid, &error));
	g_assert_cmphex(cpuid, ==, 0x410FC241);
	bench_clear(&b);
}

static void
fill(guint8 *buffer, gsize len, guint seed)
{
	for (gsize i = 0; i < len; i++)
		buffer[i] = (guint8)(seed + i * 7 + (i >> 8));
}

static void
test_memory(void)
{
	const struct {
		guint32 address;
		gsize len;
		UbAccess access;
	} cases[] = {
	    {0x20001000, 4096, UB_ACCESS_32},  /* four TAR runs */
	    {0x200023F0, 64, UB_ACCESS_AUTO},  /* across a 1 KiB boundary */
	    {0x20002803, 13, UB_ACCESS_AUTO},  /* bytes, words, bytes */
	    {0x20003002, 10, UB_ACCESS_16},    /* half-words on both lanes */
	    {0x20003801, 7, UB_ACCESS_8},
	    {0x20004000, 8192, UB_ACCESS_AUTO},
	};
	g_autoptr(GError) error = NULL;
	Bench b;

	bench_init(&b, "focbox-debugprobe");
	bench_open(&b);
	/* the demo firmware keeps its variables in SRAM: stop it */
	g_assert_true(ub_probe_write_u32(b.probe, 0xE000EDF0, 0xA05F0003, &error));
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree guint8 *data = g_malloc(cases[i].len);
		g_autofree guint8 *back = g_malloc0(cases[i].len);
		guint8 guard[4] = {0};

		fill(data, cases[i].len, i);
		g_assert_true(ub_probe_write_memory(b.probe, cases[i].address, data, cases[i].len,
						    cases[i].access, &error));
		g_assert_no_error(error);
		g_assert_true(ub_probe_read_memory(b.probe, cases[i].address, back, cases[i].len,
						   cases[i].access, &error));
		g_assert_no_error(error);
		g_assert_cmpmem(back, cases[i].len, data, cases[i].len);
		/* and nothing past the end was touched (SRAM starts zeroed) */
		g_assert_true(ub_probe_read_memory(b.probe,
						   cases[i].address + (guint32)cases[i].len,
						   guard, 1, UB_ACCESS_8, &error));
		g_assert_cmphex(guard[0], ==, 0);
	}
	/* misaligned requests of a fixed width are refused before anything is sent */
	{
		guint8 two[2];
		g_assert_false(ub_probe_read_memory(b.probe, 0x20000001, two, 2, UB_ACCESS_16,
						    &error));
		g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_INVALID_ARGUMENT);
	}
	bench_clear(&b);
}

/* 8 KiB of flash: per 1 KiB one DAP_Transfer (TAR) and 18 DAP_TransferBlock packets of up to
 * 15 words; the Debug Probe keeps 6 in flight, the DAPLink one */
static void
test_pipelining(void)
{
	const char *benches[] = {"focbox-debugprobe", "focbox-daplink"};
	const guint window[] = {6, 1};
	guint64 usb_ns[2] = {0};
	g_autoptr(GBytes) flash = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(benches); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree guint8 *buffer = g_malloc(8192);
		UbSimProbeStats stats;
		Bench b;

		bench_init(&b, benches[i]);
		bench_open(&b);
		tap_forget(b.tap);
		ub_sim_probe_reset_stats(ub_sim_board_get_probe(b.board));
		g_assert_true(ub_probe_read_memory(b.probe, 0x08000000, buffer, 8192,
						   UB_ACCESS_AUTO, &error));
		g_assert_no_error(error);
		flash = ub_sim_mcu_dump_flash(ub_sim_board_get_mcu(b.board));
		g_assert_cmpmem(buffer, 8192, g_bytes_get_data(flash, NULL), 8192);
		g_clear_pointer(&flash, g_bytes_unref);

		/* 8 runs of 1 + ceil(256 / 15) packets; the first run also sets CSW */
		g_assert_cmpuint(b.tap->out->len, ==, 8 * (1 + 18));
		g_assert_cmpuint(b.tap->max_in_flight, ==, window[i]);
		sim_stats(&b, &stats);
		g_assert_cmpuint(stats.max_in_flight, ==, window[i]);
		g_assert_cmpuint(stats.naks, ==, 0);
		g_assert_cmpuint(stats.bytes_in, >=, 8192);
		usb_ns[i] = stats.usb_ns;
		bench_clear(&b);
	}
	/* six in flight share frames: at least three times less USB time */
	g_assert_cmpuint(usb_ns[0] * 3, <, usb_ns[1]);
}

static void
test_fault(void)
{
	g_autoptr(GError) error = NULL;
	guint8 buffer[16];
	guint32 cpuid = 0;
	Bench b;

	bench_init(&b, "focbox-pico");
	bench_open(&b);
	/* the FSMC bank is not there: a bus fault, reported with where it happened */
	g_assert_false(ub_probe_read_memory(b.probe, 0xA0000000, buffer, sizeof(buffer),
					    UB_ACCESS_32, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT);
	g_assert_nonnull(strstr(error->message, "0xa0000000"));
	g_clear_error(&error);
	g_assert_false(ub_probe_write_u32(b.probe, 0xA0000010, 1, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT);
	g_clear_error(&error);
	/* ABORT cleared the sticky error: the next access works */
	g_assert_true(ub_probe_read_u32(b.probe, 0xE000ED00, &cpuid, &error));
	g_assert_no_error(error);
	g_assert_cmphex(cpuid, ==, 0x410FC241);
	bench_clear(&b);
}

/* flash reads stall while a sector erases: the probe retries, the driver aborts and tries
 * again, and reports WAIT when the erase outlasts that; afterwards the DP works */
static void
test_wait(void)
{
	g_autoptr(GError) error = NULL;
	guint32 word = 0;
	Bench b;

	bench_init(&b, "focbox-debugprobe");
	bench_open(&b);
	g_assert_true(ub_probe_write_u32(b.probe, 0x40023C04, 0x45670123, &error));
	g_assert_true(ub_probe_write_u32(b.probe, 0x40023C04, 0xCDEF89AB, &error));
	/* SER, sector 5 (128 KiB), STRT */
	g_assert_true(ub_probe_write_u32(b.probe, 0x40023C10, 0x00010002 | (5 << 3), &error));
	g_assert_no_error(error);
	g_assert_false(ub_probe_read_u32(b.probe, 0x08020000, &word, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_WAIT);
	g_clear_error(&error);
	/* FLASH_SR still answers (a peripheral): BSY */
	g_assert_true(ub_probe_read_u32(b.probe, 0x40023C0C, &word, &error));
	g_assert_cmphex(word & 0x10000, ==, 0x10000);
	ub_sim_clock_advance(ub_sim_board_get_clock(b.board), 3000 * UB_SIM_NS_PER_MS);
	g_assert_true(ub_probe_read_u32(b.probe, 0x08020000, &word, &error));
	g_assert_no_error(error);
	g_assert_cmphex(word, ==, 0xFFFFFFFF);
	bench_clear(&b);
}

static void
test_no_target(void)
{
	g_autoptr(GError) error = NULL;
	Bench b;

	bench_init(&b, "focbox-daplink");
	g_assert_true(ub_probe_open(b.probe, &error));
	ub_sim_link_set_wiring(ub_sim_board_get_link(b.board), UB_SIM_WIRING_SWAPPED);
	g_assert_false(ub_probe_enter_swd(b.probe, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK);
	g_clear_error(&error);
	ub_sim_link_set_wiring(ub_sim_board_get_link(b.board), UB_SIM_WIRING_GOOD);
	g_assert_true(ub_probe_enter_swd(b.probe, &error));
	g_assert_no_error(error);
	bench_clear(&b);
}

static void
test_core_registers(void)
{
	g_autoptr(GError) error = NULL;
	guint32 value = 0;
	Bench b;

	bench_init(&b, "focbox-daplink");
	bench_open(&b);
	g_assert_true(ub_probe_write_u32(b.probe, 0xE000EDF0, 0xA05F0003, &error));
	ub_sim_clock_advance(ub_sim_board_get_clock(b.board), UB_SIM_NS_PER_MS);
	g_assert_true(ub_probe_write_core_register(b.probe, 0, 0x12345678, &error));
	g_assert_no_error(error);
	g_assert_true(ub_probe_read_core_register(b.probe, 0, &value, &error));
	g_assert_cmphex(value, ==, 0x12345678);
	g_assert_true(ub_probe_read_core_register(b.probe, 15, &value, &error));
	g_assert_cmphex(value & 0xFF000000u, ==, 0x08000000u);
	bench_clear(&b);
}

static void
test_nrst(void)
{
	g_autoptr(GError) error = NULL;
	UbSimMcu *mcu;
	Bench b;

	/* wired: the chip is held in reset while asserted */
	bench_init(&b, "focbox-pico");
	g_assert_true(ub_probe_open(b.probe, &error));
	mcu = ub_sim_board_get_mcu(b.board);
	g_assert_true(ub_probe_drive_nrst(b.probe, UB_NRST_LOW, &error));
	g_assert_true(ub_sim_mcu_get_in_reset(mcu));
	g_assert_true(ub_probe_drive_nrst(b.probe, UB_NRST_HIGH, &error));
	g_assert_false(ub_sim_mcu_get_in_reset(mcu));
	g_assert_true(ub_probe_drive_nrst(b.probe, UB_NRST_PULSE, &error));
	g_assert_false(ub_sim_mcu_get_in_reset(mcu));
	g_assert_cmpint(ub_sim_mcu_get_last_reset(mcu), ==, UB_SIM_RESET_PIN);
	bench_clear(&b);

	/* not wired (the forum case on a Pico) and no pin at all (Debug Probe): the command
	 * succeeds and the chip never sees it */
	bench_init(&b, "focbox-bricked-pico");
	g_assert_true(ub_probe_open(b.probe, &error));
	g_assert_true(ub_probe_drive_nrst(b.probe, UB_NRST_LOW, &error));
	g_assert_false(ub_sim_mcu_get_in_reset(ub_sim_board_get_mcu(b.board)));
	bench_clear(&b);
	bench_init(&b, "focbox-debugprobe");
	g_assert_true(ub_probe_open(b.probe, &error));
	g_assert_true(ub_probe_drive_nrst(b.probe, UB_NRST_LOW, &error));
	g_assert_false(ub_sim_mcu_get_in_reset(ub_sim_board_get_mcu(b.board)));
	bench_clear(&b);
}

/* UbTarget on top: connect under reset with vector catch, then SYSRESETREQ */
static void
test_target(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(UbTarget) target = NULL;
	guint32 pc = 0;
	Bench b;

	bench_init(&b, "focbox-bricked-daplink");
	g_assert_true(ub_probe_open(b.probe, &error));
	target = ub_target_new(b.probe);
	/* NRST held: the DP answers though the firmware would take the pins */
	g_assert_true(ub_probe_drive_nrst(b.probe, UB_NRST_LOW, &error));
	g_assert_true(ub_target_connect(target, &error));
	g_assert_no_error(error);
	g_assert_true(ub_probe_write_u32(b.probe, 0xE000EDF0, 0xA05F0003, &error));
	g_assert_true(ub_probe_write_u32(b.probe, 0xE000EDFC, 0x01000001, &error));
	g_assert_true(ub_probe_drive_nrst(b.probe, UB_NRST_HIGH, &error));
	g_assert_true(ub_target_halt(target, &error));
	g_assert_no_error(error);
	g_assert_true(ub_target_read_core_register(target, 15, &pc, &error));
	g_assert_true(ub_sim_mcu_swd_pins_connected(ub_sim_board_get_mcu(b.board)));
	g_assert_true(ub_target_reset(target, UB_RESET_SYSRESETREQ, TRUE, &error));
	g_assert_no_error(error);
	g_assert_cmpint(ub_sim_mcu_get_last_reset(ub_sim_board_get_mcu(b.board)), ==,
			UB_SIM_RESET_SOFTWARE);
	bench_clear(&b);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/core/cmsis-dap/acks", test_acks);
	g_test_add_func("/core/cmsis-dap/new-needs-cmsis-dap", test_new_needs_cmsis_dap);
	g_test_add_func("/core/cmsis-dap/open", test_open);
	g_test_add_func("/core/cmsis-dap/enter-swd", test_enter_swd);
	g_test_add_func("/core/cmsis-dap/memory", test_memory);
	g_test_add_func("/core/cmsis-dap/pipelining", test_pipelining);
	g_test_add_func("/core/cmsis-dap/fault", test_fault);
	g_test_add_func("/core/cmsis-dap/wait", test_wait);
	g_test_add_func("/core/cmsis-dap/no-target", test_no_target);
	g_test_add_func("/core/cmsis-dap/core-registers", test_core_registers);
	g_test_add_func("/core/cmsis-dap/nrst", test_nrst);
	g_test_add_func("/core/cmsis-dap/target", test_target);
	return g_test_run();
}
