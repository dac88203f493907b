/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A CMSIS-DAP v2 probe's firmware as a host sees it over USB (reference/cmsis-dap.md §1, §2;
 * the command set of ARM's reference firmware DAP.c, which both the debugprobe and DAPLink
 * carry). One bulk OUT packet is one command; its response is one bulk IN packet, sent as long
 * as the response (a short packet). Commands run strictly in order.
 *
 * What the firmware does on the wire is modelled as it does it, through the UbSimLink:
 *   - DAP_Transfer hides the posted AP reads: an AP read is issued, its value collected with
 *     the next AP read of the same packet or with a DP RDBUFF read, and returned in order; a
 *     packet whose last transfer is a write ends with an RDBUFF read so that a WAIT or FAULT
 *     of that write shows in this packet's ACK. WAIT is retried up to the configured count
 *     (TransferConfigure; 100 after power-up); execution stops at the first ACK that is not
 *     OK, and the response carries the transfers done so far and that ACK.
 *   - DAP_SWJ_Sequence clocks bits out on SWDIO: 50 or more ones are a line reset for the DP.
 *   - DAP_SWJ_Pins drives nRESET (open drain, released = pulled up) where the unit has the pin
 *     and it has been set up by DAP_Connect; bit 7 of the answer is the level read back at the
 *     probe's own pin (UbSimLink decides what that wire reaches). The Raspberry Pi Debug Probe
 *     has no nRESET pin: it drives nothing and always reads 0.
 *   - DAP_Connect sets the pins up and releases nRESET, DAP_Disconnect releases everything.
 *
 * Cost model (UbSimProbeStats, charged to the UbSimClock as it happens):
 *   USB   full speed: 1 ms frames, 64-byte packets, at most 19 bulk packets in a frame (USB 2.0
 *         §5.8.4). A transfer phase that follows a phase in the other direction starts in a new
 *         frame and costs one frame; phases in the same direction share the frame while it has
 *         room. So a host that waits for each response pays 2 ms per command, as with the
 *         ST-LINK model, and a host that keeps n commands in flight pays 2 ms per n commands
 *         (plus the SWD time of each). The probe NAKs an OUT packet while all its buffers hold
 *         commands whose responses have not been read (debugprobe 8 buffers of which it reports
 *         6, DAPLink on an LPC11U35 1).
 *   SWD   cycles at the SWCLK the firmware really makes of the requested clock (debugprobe: PIO
 *         divider of a 125 MHz clk_sys, 4 cycles per bit; DAPLink: bit-banged on a 48 MHz CPU,
 *         ARM's delay loop). A transfer is 8 request + turnaround + 3 ACK + 33 data/parity +
 *         turnaround cycles plus the idle cycles configured; WAIT and FAULT end after the ACK
 *         and a turnaround (13 cycles) unless the data phase is configured; a protocol error
 *         (no ACK) clocks the data phase anyway. Sequences cost one cycle per bit.
 *   The firmware's own time per command (FreeRTOS task switches, PIO FIFO handshakes) is not
 *   modelled: no figure for it was found.
 */
#include "config.h"

#include <string.h>

#include "ub-sim-cmsis-dap.h"

/* command IDs (ARM CMSIS-DAP DAP.h) */
#define ID_DAP_INFO 0x00
#define ID_DAP_HOST_STATUS 0x01
#define ID_DAP_CONNECT 0x02
#define ID_DAP_DISCONNECT 0x03
#define ID_DAP_TRANSFER_CONFIGURE 0x04
#define ID_DAP_TRANSFER 0x05
#define ID_DAP_TRANSFER_BLOCK 0x06
#define ID_DAP_WRITE_ABORT 0x08
#define ID_DAP_DELAY 0x09
#define ID_DAP_RESET_TARGET 0x0A
#define ID_DAP_SWJ_PINS 0x10
#define ID_DAP_SWJ_CLOCK 0x11
#define ID_DAP_SWJ_SEQUENCE 0x12
#define ID_DAP_SWD_CONFIGURE 0x13
#define ID_DAP_JTAG_SEQUENCE 0x14
#define ID_DAP_JTAG_CONFIGURE 0x15
#define ID_DAP_JTAG_IDCODE 0x16
#define ID_DAP_SWD_SEQUENCE 0x1D
#define ID_DAP_QUEUE_COMMANDS 0x7E
#define ID_DAP_EXECUTE_COMMANDS 0x7F
#define ID_DAP_INVALID 0xFF

#define DAP_OK 0x00
#define DAP_ERROR 0xFF

/* DAP_Info IDs */
#define DAP_ID_VENDOR 0x01
#define DAP_ID_PRODUCT 0x02
#define DAP_ID_SER_NUM 0x03
#define DAP_ID_FW_VER 0x04
#define DAP_ID_PRODUCT_FW_VER 0x09
#define DAP_ID_CAPABILITIES 0xF0
#define DAP_ID_TIMESTAMP_CLOCK 0xF1
#define DAP_ID_PACKET_COUNT 0xFE
#define DAP_ID_PACKET_SIZE 0xFF

/* transfer request bits */
#define TRANSFER_APNDP (1u << 0)
#define TRANSFER_RNW (1u << 1)
#define TRANSFER_MATCH_VALUE (1u << 4)
#define TRANSFER_MATCH_MASK (1u << 5)
#define TRANSFER_TIMESTAMP (1u << 7)
/* response ACK */
#define TRANSFER_OK 0x01
#define TRANSFER_WAIT 0x02
#define TRANSFER_FAULT 0x04
#define TRANSFER_MISMATCH 0x10

#define DP_RDBUFF_READ (TRANSFER_RNW | 0x0C)

#define SWJ_PIN_NRESET (1u << 7)

/* DAP_SWJ_Pins waits at most this long (the specification's limit) */
#define SWJ_PINS_WAIT_MAX_US 3000000u
/* how often the wait looks at the pin, in the virtual time */
#define SWJ_PINS_POLL_NS (10 * UB_SIM_NS_PER_US)

/* SWD cycles (see the cost model) */
#define SWD_CYCLES_HEADER 11u /* 8 request + 3 ACK; turnarounds are added */
#define SWD_CYCLES_DATA 33u

/* hand SWD time to the clock at least this often, so the target keeps pace */
#define UB_SIM_CMSIS_DAP_FLUSH_PS (100 * G_GUINT64_CONSTANT(1000000))

/* USB full speed */
#define USB_FRAME_NS (1 * UB_SIM_NS_PER_MS)
#define USB_PACKETS_PER_FRAME 19u

typedef enum {
	CLOCK_DEBUGPROBE_PIO, /* debugprobe: PIO at clk_sys / (4 × divider) */
	CLOCK_ARM_BITBANG,    /* ARM reference firmware delay loop */
} ClockModel;

typedef struct {
	const char *name;
	UbSimUsbIdentity identity; /* serial filled in per unit */
	const char *protocol_version;
	const char *product_fw_version; /* DAP_Info 0x09; NULL: not in this DAP.c */
	gboolean info_product_and_serial; /* DAP_Info 0x02/0x03 answer (DAPLink) or are empty */
	guint8 capabilities;
	guint16 packet_size;
	guint8 packet_count_reported;
	guint buffers;
	guint32 timestamp_hz;
	gboolean has_reset_pin;
	gboolean pins_need_connect; /* GPIOs only set up by DAP_Connect (debugprobe's probe_init) */
	ClockModel clock_model;
	guint32 cpu_hz;
	guint32 default_swj_hz;
	guint serial_hex_digits;
} UnitSpec;

/* reference/cmsis-dap.md §1.1, §1.2; debugprobe 2.3.1 usb_descriptors.c, DAP_config.h, board_*
 * configs; DAPLink lpc11u35 usb_config.c, DAP_config.h, dap_strings.h */
static const UnitSpec unit_specs[] = {
    [UB_SIM_CMSIS_DAP_DEBUG_PROBE] =
	{
	    .name = "debugprobe",
	    .identity = {0x2E8A, 0x000C, 0x0231, "Raspberry Pi", "Debug Probe (CMSIS-DAP)", NULL,
			 0x04, 0x85, 0, 64, UB_SIM_USB_DESCRIPTORS_DEBUGPROBE,
			 "CMSIS-DAP v2 Interface", 64, 0x0210},
	    .protocol_version = "2.0.0",
	    .capabilities = 0x31, /* SWD, atomic commands, test-domain timer */
	    .packet_size = 64,
	    .packet_count_reported = 6, /* DAP_PACKET_COUNT - 2, "HACK to avoid ring buffer
					   fullness" */
	    .buffers = 8,
	    .timestamp_hz = 1000000,
	    .has_reset_pin = FALSE,
	    .pins_need_connect = TRUE,
	    .clock_model = CLOCK_DEBUGPROBE_PIO,
	    .cpu_hz = 125000000,
	    .default_swj_hz = 1000000,
	    .serial_hex_digits = 16,
	},
    [UB_SIM_CMSIS_DAP_PICO] =
	{
	    .name = "debugprobe-pico",
	    .identity = {0x2E8A, 0x000C, 0x0231, "Raspberry Pi", "Debugprobe on Pico (CMSIS-DAP)",
			 NULL, 0x04, 0x85, 0, 64, UB_SIM_USB_DESCRIPTORS_DEBUGPROBE,
			 "CMSIS-DAP v2 Interface", 64, 0x0210},
	    .protocol_version = "2.0.0",
	    .capabilities = 0x31,
	    .packet_size = 64,
	    .packet_count_reported = 6,
	    .buffers = 8,
	    .timestamp_hz = 1000000,
	    .has_reset_pin = TRUE, /* GP1 */
	    .pins_need_connect = TRUE,
	    .clock_model = CLOCK_DEBUGPROBE_PIO,
	    .cpu_hz = 125000000,
	    .default_swj_hz = 1000000,
	    .serial_hex_digits = 16,
	},
    [UB_SIM_CMSIS_DAP_DAPLINK] =
	{
	    .name = "daplink",
	    .identity = {0x0D28, 0x0204, 0x0100, "Arm", "DAPLink CMSIS-DAP", NULL, 0x01, 0x81, 0,
			 64, UB_SIM_USB_DESCRIPTORS_DAPLINK, "CMSIS-DAP v2", 8, 0x0210},
	    .protocol_version = "2.1.0",
	    .product_fw_version = "0258",
	    .info_product_and_serial = TRUE,
	    .capabilities = 0x11, /* SWD, atomic commands */
	    .packet_size = 64,
	    .packet_count_reported = 1,
	    .buffers = 1,
	    .timestamp_hz = 0,
	    .has_reset_pin = TRUE,
	    .pins_need_connect = FALSE,
	    .clock_model = CLOCK_ARM_BITBANG,
	    .cpu_hz = 48000000,
	    .default_swj_hz = 5000000,
	    .serial_hex_digits = 48,
	},
    /* reference/cmsis-dap.md §1.2 (an FRDM-K64F's HID-only DAPLink, OpenOCD's lsusb dump):
     * interrupt endpoints 0x81/0x01 of 64 bytes on a HID interface named "CMSIS-DAP" */
    [UB_SIM_CMSIS_DAP_DAPLINK_V1] =
	{
	    .name = "daplink-v1",
	    .identity = {0x0D28, 0x0204, 0x0100, "ARM", "DAPLink CMSIS-DAP", NULL, 0x01, 0x81, 0,
			 64, UB_SIM_USB_DESCRIPTORS_DAPLINK_HID, "CMSIS-DAP", 64, 0x0200},
	    .protocol_version = "1.1.0",
	    .product_fw_version = NULL,
	    .info_product_and_serial = TRUE,
	    .capabilities = 0x13, /* SWD, JTAG, atomic commands */
	    .packet_size = 64,
	    .packet_count_reported = 1,
	    .buffers = 1,
	    .timestamp_hz = 0,
	    .has_reset_pin = TRUE,
	    .pins_need_connect = FALSE,
	    .clock_model = CLOCK_ARM_BITBANG,
	    .cpu_hz = 48000000,
	    .default_swj_hz = 5000000,
	    .serial_hex_digits = 48,
	},
};

typedef enum {
	USB_PHASE_NONE,
	USB_PHASE_OUT,
	USB_PHASE_IN,
} UsbPhase;

struct _UbSimCmsisDap {
	GObject parent_instance;
	UbSimCmsisDapKind kind;
	const UnitSpec *spec;
	UbSimLink *link;
	UbSimClock *clock;
	UbSimUsbIdentity identity;
	char *serial;

	/* probe state */
	gboolean connected; /* DAP_Connect(SWD) done */
	gboolean pins_ready;
	gboolean drives_nreset_low;
	guint8 swj_outputs; /* last SWJ_Pins output levels (for read-back of SWCLK/SWDIO) */
	guint idle_cycles;
	guint wait_retry;
	guint match_retry;
	guint32 match_mask;
	guint turnaround;
	gboolean data_phase;
	guint32 swj_hz;	      /* what the host asked for */
	guint32 swclk_hz;     /* what the firmware makes of it */
	guint64 swd_pending_ps;
	guint64 swd_ps_remainder;
	/* SWJ_Sequence bit tracking: runs of ones are line resets */
	guint seq_ones;
	guint16 seq_last16;
	guint16 seq_code_before_run;

	/* USB side */
	GQueue responses;  /* of GBytes, waiting on the IN endpoint */
	GPtrArray *queued; /* DAP_QueueCommands packets (GBytes) not yet executed */
	UsbPhase usb_phase;
	guint usb_packets_in_frame;

	UbSimProbeStats stats;
};

static void ub_sim_cmsis_dap_probe_iface_init(UbSimProbeInterface *iface);

G_DEFINE_TYPE_WITH_CODE(UbSimCmsisDap, ub_sim_cmsis_dap, G_TYPE_OBJECT,
			G_IMPLEMENT_INTERFACE(UB_TYPE_SIM_PROBE, ub_sim_cmsis_dap_probe_iface_init))

const char *
ub_sim_cmsis_dap_kind_to_string(UbSimCmsisDapKind kind)
{
	if ((guint)kind >= G_N_ELEMENTS(unit_specs))
		return NULL;
	return unit_specs[kind].name;
}

gboolean
ub_sim_cmsis_dap_kind_from_string(const char *name, UbSimCmsisDapKind *kind)
{
	g_return_val_if_fail(kind != NULL, FALSE);
	for (guint i = 0; name != NULL && i < G_N_ELEMENTS(unit_specs); i++) {
		if (g_strcmp0(unit_specs[i].name, name) == 0) {
			*kind = (UbSimCmsisDapKind)i;
			return TRUE;
		}
	}
	return FALSE;
}

static guint32
get_u32(const guint8 *p)
{
	return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

static void
put_u32(GByteArray *out, guint32 value)
{
	guint8 bytes[4] = {value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, value >> 24};
	g_byte_array_append(out, bytes, 4);
}

static void
put_u8(GByteArray *out, guint8 value)
{
	g_byte_array_append(out, &value, 1);
}

/* ---- cost model --------------------------------------------------------------------- */

/* one transfer phase of @bytes in @phase's direction; see the cost model */
static void
ub_sim_cmsis_dap_charge_usb(UbSimCmsisDap *self, UsbPhase phase, gsize bytes)
{
	guint packets = MAX((guint)((bytes + self->identity.max_packet - 1) /
				    self->identity.max_packet),
			    1u);

	if (phase != self->usb_phase ||
	    self->usb_packets_in_frame + packets > USB_PACKETS_PER_FRAME) {
		guint frames = (packets + USB_PACKETS_PER_FRAME - 1) / USB_PACKETS_PER_FRAME;
		guint64 ns = frames * USB_FRAME_NS;

		self->stats.usb_ns += ns;
		self->stats.usb_frames += frames;
		ub_sim_clock_advance(self->clock, ns);
		self->usb_packets_in_frame = 0;
	}
	self->usb_phase = phase;
	self->usb_packets_in_frame += packets;
}

static void
ub_sim_cmsis_dap_swd_flush(UbSimCmsisDap *self)
{
	guint64 ps = self->swd_pending_ps + self->swd_ps_remainder;
	guint64 ns = ps / 1000;

	self->swd_ps_remainder = ps % 1000;
	self->swd_pending_ps = 0;
	if (ns == 0)
		return;
	self->stats.swd_ns += ns;
	ub_sim_clock_advance(self->clock, ns);
}

static void
ub_sim_cmsis_dap_swd_charge(UbSimCmsisDap *self, guint cycles)
{
	self->swd_pending_ps += (guint64)cycles * (G_GUINT64_CONSTANT(1000000000000) / self->swclk_hz);
	if (self->swd_pending_ps >= UB_SIM_CMSIS_DAP_FLUSH_PS)
		ub_sim_cmsis_dap_swd_flush(self);
}

/* the SWCLK the firmware makes of a requested clock (reference/cmsis-dap.md §5 and the two
 * firmwares' DAP_SWJ_Clock) */
static guint32
ub_sim_cmsis_dap_swclk_for(const UnitSpec *spec, guint32 hz)
{
	guint32 cpu = spec->cpu_hz;
	guint32 delay;

	if (spec->clock_model == CLOCK_DEBUGPROBE_PIO) {
		guint32 cpu_khz = cpu / 1000;
		guint32 khz;
		guint32 divider;

		/* their DAP.c: IO_PORT_WRITE_CYCLES 1, DELAY_SLOW_CYCLES 1 */
		delay = ((cpu / 2) + hz - 1) / hz;
		delay = delay > 1 ? delay - 1 : 1;
		/* sw_dp_pio.c MAKE_KHZ, then probe_set_swclk_freq() rounds the PIO divider up */
		khz = cpu / (2000 * (delay + 1));
		divider = (((cpu_khz + khz - 1) / khz) + 3) / 4;
		divider = CLAMP(divider, 1u, 65535u);
		return cpu / (4 * divider);
	}
	/* ARM DAP.c with IO_PORT_WRITE_CYCLES 2, DELAY_SLOW_CYCLES 3; the fast loop (no delay)
	 * from CPU / 4 up */
	if (hz >= cpu / 4)
		return cpu / 4;
	delay = ((cpu / 2) + hz - 1) / hz;
	delay = delay > 2 ? (delay - 2 + 2) / 3 : 1;
	return cpu / (2 * (2 + 3 * delay));
}

/* ---- SWD ---------------------------------------------------------------------------- */

/* one SWD transaction as the firmware's SWD_Transfer clocks it; returns the 3 ACK bits */
static guint8
ub_sim_cmsis_dap_swd_transfer(UbSimCmsisDap *self, guint8 request, guint32 *data)
{
	guint32 value = data != NULL ? *data : 0;
	gboolean read = (request & TRANSFER_RNW) != 0;
	UbSimAck ack;
	guint cycles = SWD_CYCLES_HEADER + 2 * self->turnaround;

	ack = ub_sim_link_transfer(self->link, self->swclk_hz / 1000,
				   (request & TRANSFER_APNDP) != 0, read,
				   request & 0x0C, &value);
	switch (ack) {
	case UB_SIM_ACK_OK:
		cycles += SWD_CYCLES_DATA + self->idle_cycles;
		if (read && data != NULL)
			*data = value;
		break;
	case UB_SIM_ACK_WAIT:
	case UB_SIM_ACK_FAULT:
		if (self->data_phase)
			cycles += SWD_CYCLES_DATA;
		break;
	case UB_SIM_ACK_NONE:
	case UB_SIM_ACK_LOW:
	default:
		/* protocol error: the firmware clocks the data phase and gives up */
		cycles += SWD_CYCLES_DATA;
		break;
	}
	ub_sim_cmsis_dap_swd_charge(self, cycles);
	return (guint8)ack & 0x07;
}

/* with WAIT retried as TransferConfigure says */
static guint8
ub_sim_cmsis_dap_swd_retry(UbSimCmsisDap *self, guint8 request, guint32 *data)
{
	guint8 ack;
	guint retry = self->wait_retry;

	for (;;) {
		ack = ub_sim_cmsis_dap_swd_transfer(self, request, data);
		if (ack != TRANSFER_WAIT || retry-- == 0)
			break;
		/* the stalled bus (flash busy) finishes in its own time */
		ub_sim_cmsis_dap_swd_flush(self);
	}
	return ack;
}

static guint32
ub_sim_cmsis_dap_timestamp(UbSimCmsisDap *self)
{
	if (self->spec->timestamp_hz == 0)
		return 0;
	ub_sim_cmsis_dap_swd_flush(self);
	return (guint32)(ub_sim_clock_get_ns(self->clock) /
			 (G_GUINT64_CONSTANT(1000000000) / self->spec->timestamp_hz));
}

/* SWDIO bits of a sequence, LSB first: a run of 50 or more ones is a line reset; the 16-bit
 * JTAG-to-SWD code just before the run says it was a switch from JTAG (ADIv5.2 B5.2) */
static void
ub_sim_cmsis_dap_sequence_bits(UbSimCmsisDap *self, const guint8 *bits, guint count)
{
	for (guint i = 0; i < count; i++) {
		gboolean one = (bits[i / 8] >> (i % 8)) & 1;

		if (one) {
			if (self->seq_ones == 0)
				self->seq_code_before_run = self->seq_last16;
			self->seq_ones++;
			if (self->seq_ones == 50)
				ub_sim_link_line_reset(self->link,
						       self->seq_code_before_run == 0xE79E);
		} else {
			self->seq_ones = 0;
		}
		self->seq_last16 = (guint16)((self->seq_last16 >> 1) | (one ? 0x8000u : 0));
	}
	ub_sim_cmsis_dap_swd_charge(self, count);
}

/* ---- pins --------------------------------------------------------------------------- */

static void
ub_sim_cmsis_dap_drive_nreset(UbSimCmsisDap *self, gboolean low)
{
	self->drives_nreset_low = low;
	if (!self->spec->has_reset_pin || !self->pins_ready)
		return;
	ub_sim_cmsis_dap_swd_flush(self);
	ub_sim_link_drive_nrst(self->link, low);
}

/* the input byte of DAP_SWJ_Pins */
static guint8
ub_sim_cmsis_dap_read_pins(UbSimCmsisDap *self)
{
	guint8 pins = 0;

	/* debugprobe's PIN_SWCLK_TCK_IN/PIN_SWDIO_TMS_IN return 0; DAPLink reads its outputs */
	if (self->spec->clock_model == CLOCK_ARM_BITBANG)
		pins |= self->swj_outputs & 0x03;
	/* the Debug Probe has no nRESET pin: PIN_nRESET_IN returns 0 */
	if (self->spec->has_reset_pin && !ub_sim_link_probe_rst_reads_low(self->link))
		pins |= SWJ_PIN_NRESET;
	return pins;
}

static void
ub_sim_cmsis_dap_setup_pins(UbSimCmsisDap *self)
{
	/* SWCLK and SWDIO driven high, nRESET released (input with pull-up) */
	self->swj_outputs = 0x03 | SWJ_PIN_NRESET;
	self->pins_ready = TRUE;
	ub_sim_cmsis_dap_drive_nreset(self, FALSE);
}

static void
ub_sim_cmsis_dap_release_pins(UbSimCmsisDap *self)
{
	ub_sim_cmsis_dap_drive_nreset(self, FALSE);
	if (self->spec->pins_need_connect)
		self->pins_ready = FALSE;
}

/* ---- commands ----------------------------------------------------------------------- */

/* a request whose bytes ran out reads zeros, as the firmware reads a stale buffer */
typedef struct {
	const guint8 *data;
	gsize len;
	gsize pos;
} Request;

static guint8
req_u8(Request *req)
{
	guint8 value = req->pos < req->len ? req->data[req->pos] : 0;
	req->pos++;
	return value;
}

static guint16
req_u16(Request *req)
{
	guint16 lo = req_u8(req);
	return (guint16)(lo | (guint16)req_u8(req) << 8);
}

static guint32
req_u32(Request *req)
{
	guint8 bytes[4];
	for (guint i = 0; i < 4; i++)
		bytes[i] = req_u8(req);
	return get_u32(bytes);
}

static void
ub_sim_cmsis_dap_info_string(GByteArray *out, const char *text)
{
	if (text == NULL || text[0] == '\0') {
		put_u8(out, 0);
		return;
	}
	/* Len counts the terminating NUL */
	put_u8(out, (guint8)(strlen(text) + 1));
	g_byte_array_append(out, (const guint8 *)text, (guint)strlen(text) + 1);
}

static void
ub_sim_cmsis_dap_cmd_info(UbSimCmsisDap *self, Request *req, GByteArray *out)
{
	const UnitSpec *spec = self->spec;
	guint8 id = req_u8(req);

	switch (id) {
	case DAP_ID_PRODUCT:
		ub_sim_cmsis_dap_info_string(out, spec->info_product_and_serial
						      ? self->identity.product
						      : NULL);
		break;
	case DAP_ID_SER_NUM:
		ub_sim_cmsis_dap_info_string(out,
					     spec->info_product_and_serial ? self->serial : NULL);
		break;
	case DAP_ID_FW_VER:
		ub_sim_cmsis_dap_info_string(out, spec->protocol_version);
		break;
	case DAP_ID_PRODUCT_FW_VER:
		ub_sim_cmsis_dap_info_string(out, spec->product_fw_version);
		break;
	case DAP_ID_CAPABILITIES:
		put_u8(out, 1);
		put_u8(out, spec->capabilities);
		break;
	case DAP_ID_TIMESTAMP_CLOCK:
		if (spec->timestamp_hz == 0) {
			put_u8(out, 0);
			break;
		}
		/* one WORD (the specification's text says Len 8; the firmwares send 4) */
		put_u8(out, 4);
		put_u32(out, spec->timestamp_hz);
		break;
	case DAP_ID_PACKET_COUNT:
		put_u8(out, 1);
		put_u8(out, spec->packet_count_reported);
		break;
	case DAP_ID_PACKET_SIZE:
		put_u8(out, 2);
		put_u8(out, spec->packet_size & 0xff);
		put_u8(out, spec->packet_size >> 8);
		break;
	case DAP_ID_VENDOR:
	default:
		/* vendor, target and board strings, SWO and UART buffers: not there */
		put_u8(out, 0);
		break;
	}
}

/* DAP_Transfer over SWD (ARM DAP.c DAP_SWD_Transfer) */
static void
ub_sim_cmsis_dap_cmd_transfer(UbSimCmsisDap *self, Request *req, GByteArray *out)
{
	guint8 count;
	guint response_count = 0;
	guint8 ack = 0;
	gboolean post_read = FALSE;
	gboolean check_write = FALSE;
	guint head = out->len;
	guint i;

	req_u8(req); /* DAP index: one DP in SWD */
	count = req_u8(req);
	put_u8(out, 0);
	put_u8(out, 0);
	if (!self->connected) {
		/* DAP_Dummy_Transfer: the request is consumed, nothing is done */
		for (i = 0; i < count; i++) {
			guint8 request = req_u8(req);
			if (!(request & TRANSFER_RNW) || (request & TRANSFER_MATCH_VALUE))
				req_u32(req);
		}
		return;
	}
	for (i = 0; i < count; i++) {
		guint8 request = req_u8(req);
		guint32 data = 0;

		if (request & TRANSFER_RNW) {
			if (post_read) {
				/* collect the posted AP read: with the next AP read, else RDBUFF */
				if ((request & (TRANSFER_APNDP | TRANSFER_MATCH_VALUE)) ==
				    TRANSFER_APNDP) {
					ack = ub_sim_cmsis_dap_swd_retry(self, request, &data);
				} else {
					ack = ub_sim_cmsis_dap_swd_retry(self, DP_RDBUFF_READ,
									 &data);
					post_read = FALSE;
				}
				if (ack != TRANSFER_OK)
					break;
				put_u32(out, data);
				if (post_read && (request & TRANSFER_TIMESTAMP))
					put_u32(out, ub_sim_cmsis_dap_timestamp(self));
			}
			if (request & TRANSFER_MATCH_VALUE) {
				guint32 match = req_u32(req);
				guint match_retry = self->match_retry;

				if (request & TRANSFER_APNDP) {
					ack = ub_sim_cmsis_dap_swd_retry(self, request, NULL);
					if (ack != TRANSFER_OK)
						break;
				}
				for (;;) {
					ack = ub_sim_cmsis_dap_swd_retry(self, request, &data);
					if (ack != TRANSFER_OK)
						break;
					if ((data & self->match_mask) == match || match_retry-- == 0)
						break;
				}
				if ((data & self->match_mask) != match)
					ack |= TRANSFER_MISMATCH;
				if (ack != TRANSFER_OK)
					break;
			} else if (request & TRANSFER_APNDP) {
				if (!post_read) {
					ack = ub_sim_cmsis_dap_swd_retry(self, request, NULL);
					if (ack != TRANSFER_OK)
						break;
					if (request & TRANSFER_TIMESTAMP)
						put_u32(out, ub_sim_cmsis_dap_timestamp(self));
					post_read = TRUE;
				}
			} else {
				ack = ub_sim_cmsis_dap_swd_retry(self, request, &data);
				if (ack != TRANSFER_OK)
					break;
				if (request & TRANSFER_TIMESTAMP)
					put_u32(out, ub_sim_cmsis_dap_timestamp(self));
				put_u32(out, data);
			}
			check_write = FALSE;
		} else {
			if (post_read) {
				ack = ub_sim_cmsis_dap_swd_retry(self, DP_RDBUFF_READ, &data);
				if (ack != TRANSFER_OK)
					break;
				put_u32(out, data);
				post_read = FALSE;
			}
			data = req_u32(req);
			if (request & TRANSFER_MATCH_MASK) {
				self->match_mask = data;
				ack = TRANSFER_OK;
			} else {
				ack = ub_sim_cmsis_dap_swd_retry(self, request, &data);
				if (ack != TRANSFER_OK)
					break;
				if (request & TRANSFER_TIMESTAMP)
					put_u32(out, ub_sim_cmsis_dap_timestamp(self));
				check_write = TRUE;
			}
		}
		response_count++;
	}
	if (ack == TRANSFER_OK) {
		guint32 data = 0;
		if (post_read) {
			ack = ub_sim_cmsis_dap_swd_retry(self, DP_RDBUFF_READ, &data);
			if (ack == TRANSFER_OK)
				put_u32(out, data);
		} else if (check_write) {
			/* a posted write's WAIT or FAULT shows on the next transaction */
			ack = ub_sim_cmsis_dap_swd_retry(self, DP_RDBUFF_READ, NULL);
		}
	}
	out->data[head] = (guint8)response_count;
	out->data[head + 1] = ack;
}

/* DAP_TransferBlock over SWD (ARM DAP.c DAP_SWD_TransferBlock) */
static void
ub_sim_cmsis_dap_cmd_transfer_block(UbSimCmsisDap *self, Request *req, GByteArray *out)
{
	guint16 count;
	guint16 done = 0;
	guint8 request;
	guint8 ack = 0;
	guint head = out->len;

	req_u8(req);
	count = req_u16(req);
	put_u8(out, 0);
	put_u8(out, 0);
	put_u8(out, 0);
	if (count == 0 || !self->connected)
		goto end;
	request = req_u8(req);
	if (request & TRANSFER_RNW) {
		if (request & TRANSFER_APNDP) {
			ack = ub_sim_cmsis_dap_swd_retry(self, request, NULL);
			if (ack != TRANSFER_OK)
				goto end;
		}
		while (done < count) {
			guint32 data = 0;
			guint8 this_request = request;

			/* the last posted AP read is collected from RDBUFF */
			if (done + 1 == count && (request & TRANSFER_APNDP))
				this_request = DP_RDBUFF_READ;
			ack = ub_sim_cmsis_dap_swd_retry(self, this_request, &data);
			if (ack != TRANSFER_OK)
				goto end;
			put_u32(out, data);
			done++;
		}
	} else {
		while (done < count) {
			guint32 data = req_u32(req);

			ack = ub_sim_cmsis_dap_swd_retry(self, request, &data);
			if (ack != TRANSFER_OK)
				goto end;
			done++;
		}
		ack = ub_sim_cmsis_dap_swd_retry(self, DP_RDBUFF_READ, NULL);
	}
end:
	out->data[head] = done & 0xff;
	out->data[head + 1] = done >> 8;
	out->data[head + 2] = ack;
}

static void
ub_sim_cmsis_dap_cmd_swj_pins(UbSimCmsisDap *self, Request *req, GByteArray *out)
{
	guint8 output = req_u8(req);
	guint8 select = req_u8(req);
	guint32 wait_us = req_u32(req);

	wait_us = MIN(wait_us, SWJ_PINS_WAIT_MAX_US);
	self->swj_outputs = (guint8)((self->swj_outputs & ~select) | (output & select));
	if (select & SWJ_PIN_NRESET)
		ub_sim_cmsis_dap_drive_nreset(self, (output & SWJ_PIN_NRESET) == 0);
	if (wait_us > 0) {
		/* until the selected pins read what was driven, or the time is up */
		guint64 deadline = ub_sim_clock_get_ns(self->clock) + wait_us * UB_SIM_NS_PER_US;

		ub_sim_cmsis_dap_swd_flush(self);
		while (((ub_sim_cmsis_dap_read_pins(self) ^ output) & select) != 0 &&
		       ub_sim_clock_get_ns(self->clock) < deadline)
			ub_sim_clock_advance(self->clock, SWJ_PINS_POLL_NS);
	}
	put_u8(out, ub_sim_cmsis_dap_read_pins(self));
}

static void
ub_sim_cmsis_dap_cmd_swd_sequence(UbSimCmsisDap *self, Request *req, GByteArray *out)
{
	guint8 sequences = req_u8(req);

	put_u8(out, DAP_OK);
	for (guint i = 0; i < sequences; i++) {
		guint8 info = req_u8(req);
		guint bits = (info & 0x3F) != 0 ? (info & 0x3F) : 64;
		guint bytes = (bits + 7) / 8;

		if (info & 0x80) {
			/* input: nobody drives SWDIO in this model, the pull-up reads ones */
			for (guint b = 0; b < bytes; b++)
				put_u8(out, 0xFF);
			ub_sim_cmsis_dap_swd_charge(self, bits);
		} else {
			guint8 data[8] = {0};
			for (guint b = 0; b < bytes; b++)
				data[b] = req_u8(req);
			ub_sim_cmsis_dap_sequence_bits(self, data, bits);
		}
	}
}

/* one command (an ID the firmware does not know is answered with FF alone) */
static void
ub_sim_cmsis_dap_process(UbSimCmsisDap *self, Request *req, GByteArray *out)
{
	guint8 id = req_u8(req);
	guint32 value;

	put_u8(out, id);
	switch (id) {
	case ID_DAP_INFO:
		ub_sim_cmsis_dap_cmd_info(self, req, out);
		break;
	case ID_DAP_HOST_STATUS:
		value = req_u8(req);
		req_u8(req);
		/* the LEDs: connected (0) and running (1) */
		put_u8(out, value <= 1 ? DAP_OK : DAP_ERROR);
		break;
	case ID_DAP_CONNECT:
		value = req_u8(req);
		if (value == 0 || value == 1) {
			self->connected = TRUE;
			ub_sim_cmsis_dap_setup_pins(self);
			put_u8(out, 1);
		} else {
			/* JTAG is not built into these firmwares */
			put_u8(out, 0);
		}
		break;
	case ID_DAP_DISCONNECT:
		self->connected = FALSE;
		ub_sim_cmsis_dap_release_pins(self);
		put_u8(out, DAP_OK);
		break;
	case ID_DAP_TRANSFER_CONFIGURE:
		self->idle_cycles = req_u8(req);
		self->wait_retry = req_u16(req);
		self->match_retry = req_u16(req);
		put_u8(out, DAP_OK);
		break;
	case ID_DAP_TRANSFER:
		ub_sim_cmsis_dap_cmd_transfer(self, req, out);
		break;
	case ID_DAP_TRANSFER_BLOCK:
		ub_sim_cmsis_dap_cmd_transfer_block(self, req, out);
		break;
	case ID_DAP_WRITE_ABORT:
		req_u8(req);
		value = req_u32(req);
		if (!self->connected) {
			put_u8(out, DAP_ERROR);
			break;
		}
		/* one DP ABORT write, whatever its ACK */
		ub_sim_cmsis_dap_swd_transfer(self, 0x00, &value);
		put_u8(out, DAP_OK);
		break;
	case ID_DAP_DELAY:
		value = req_u16(req);
		ub_sim_cmsis_dap_swd_flush(self);
		ub_sim_clock_advance(self->clock, value * UB_SIM_NS_PER_US);
		put_u8(out, DAP_OK);
		break;
	case ID_DAP_RESET_TARGET:
		/* no device-specific reset sequence in either firmware: RESET_TARGET() is 0 */
		put_u8(out, DAP_OK);
		put_u8(out, 0);
		break;
	case ID_DAP_SWJ_PINS:
		ub_sim_cmsis_dap_cmd_swj_pins(self, req, out);
		break;
	case ID_DAP_SWJ_CLOCK:
		value = req_u32(req);
		if (value == 0) {
			put_u8(out, DAP_ERROR);
			break;
		}
		ub_sim_cmsis_dap_swd_flush(self);
		self->swj_hz = value;
		self->swclk_hz = ub_sim_cmsis_dap_swclk_for(self->spec, value);
		put_u8(out, DAP_OK);
		break;
	case ID_DAP_SWJ_SEQUENCE: {
		guint count = req_u8(req);
		guint8 bits[32] = {0};

		if (count == 0)
			count = 256;
		for (guint b = 0; b < (count + 7) / 8; b++)
			bits[b] = req_u8(req);
		ub_sim_cmsis_dap_sequence_bits(self, bits, count);
		put_u8(out, DAP_OK);
		break;
	}
	case ID_DAP_SWD_CONFIGURE:
		value = req_u8(req);
		self->turnaround = (value & 0x03) + 1;
		self->data_phase = (value & 0x04) != 0;
		put_u8(out, DAP_OK);
		break;
	case ID_DAP_SWD_SEQUENCE:
		ub_sim_cmsis_dap_cmd_swd_sequence(self, req, out);
		break;
	case ID_DAP_JTAG_SEQUENCE:
	case ID_DAP_JTAG_CONFIGURE:
	case ID_DAP_JTAG_IDCODE:
		/* built without JTAG: DAP_ERROR */
		put_u8(out, DAP_ERROR);
		break;
	default:
		/* unknown (TransferAbort, SWO, UART and vendor commands too): ID_DAP_Invalid */
		out->data[out->len - 1] = ID_DAP_INVALID;
		req->pos = req->len;
		break;
	}
}

/* DAP_ExecuteCommands or a single command */
static GBytes *
ub_sim_cmsis_dap_execute(UbSimCmsisDap *self, const guint8 *data, gsize len)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	Request req = {data, len, 0};

	if (len > 0 && (data[0] == ID_DAP_EXECUTE_COMMANDS || data[0] == ID_DAP_QUEUE_COMMANDS)) {
		guint count;

		req_u8(&req);
		count = req_u8(&req);
		put_u8(out, ID_DAP_EXECUTE_COMMANDS);
		put_u8(out, (guint8)count);
		for (guint i = 0; i < count; i++)
			ub_sim_cmsis_dap_process(self, &req, out);
	} else {
		ub_sim_cmsis_dap_process(self, &req, out);
	}
	ub_sim_cmsis_dap_swd_flush(self);
	if (out->len > self->spec->packet_size) {
		/* the host asked for more than a packet holds: the firmware would overrun its
		 * buffer; only the packet goes out */
		g_debug("response of %u bytes cut to the %u-byte packet", out->len,
			self->spec->packet_size);
		g_byte_array_set_size(out, self->spec->packet_size);
	}
	return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

static guint
ub_sim_cmsis_dap_outstanding(UbSimCmsisDap *self)
{
	return g_queue_get_length(&self->responses) + self->queued->len;
}

/* ---- USB surface -------------------------------------------------------------------- */

static gboolean
ub_sim_cmsis_dap_bulk_out(UbSimProbe *probe, guint8 endpoint, const guint8 *data, gsize len)
{
	UbSimCmsisDap *self = UB_SIM_CMSIS_DAP(probe);

	if (endpoint != self->identity.endpoint_out) {
		g_debug("OUT on endpoint 0x%02x ignored", endpoint);
		return TRUE;
	}
	if (ub_sim_cmsis_dap_outstanding(self) >= self->spec->buffers) {
		self->stats.naks++;
		return FALSE;
	}
	self->stats.bytes_out += len;
	self->stats.round_trips++;
	ub_sim_cmsis_dap_charge_usb(self, USB_PHASE_OUT, len);

	/* queued commands wait for the first packet that is not a QueueCommands */
	if (len > 0 && data[0] == ID_DAP_QUEUE_COMMANDS) {
		g_ptr_array_add(self->queued, g_bytes_new(data, MIN(len, self->spec->packet_size)));
	} else {
		for (guint i = 0; i < self->queued->len; i++) {
			GBytes *queued = g_ptr_array_index(self->queued, i);
			g_queue_push_tail(&self->responses,
					  ub_sim_cmsis_dap_execute(self,
								   g_bytes_get_data(queued, NULL),
								   g_bytes_get_size(queued)));
		}
		g_ptr_array_set_size(self->queued, 0);
		g_queue_push_tail(&self->responses,
				  ub_sim_cmsis_dap_execute(self, data,
							   MIN(len, self->spec->packet_size)));
	}
	self->stats.max_in_flight =
	    MAX(self->stats.max_in_flight, ub_sim_cmsis_dap_outstanding(self));
	return TRUE;
}

static gssize
ub_sim_cmsis_dap_bulk_in(UbSimProbe *probe, guint8 endpoint, guint8 *buffer, gsize len)
{
	UbSimCmsisDap *self = UB_SIM_CMSIS_DAP(probe);
	g_autoptr(GBytes) response = NULL;
	gsize size;

	if (endpoint != self->identity.endpoint_in)
		return -1;
	response = g_queue_pop_head(&self->responses);
	if (response == NULL)
		return -1;
	size = g_bytes_get_size(response);
	ub_sim_cmsis_dap_charge_usb(self, USB_PHASE_IN, size);
	if (size > len)
		g_debug("IN of %" G_GSIZE_FORMAT " bytes for a %" G_GSIZE_FORMAT
			"-byte response: the rest is lost",
			len, size);
	size = MIN(size, len);
	memcpy(buffer, g_bytes_get_data(response, NULL), size);
	self->stats.bytes_in += size;
	return (gssize)size;
}

static void
ub_sim_cmsis_dap_usb_reset(UbSimProbe *probe)
{
	UbSimCmsisDap *self = UB_SIM_CMSIS_DAP(probe);

	/* the firmware restarts: DAP_Setup() defaults, pins released, buffers empty */
	g_queue_clear_full(&self->responses, (GDestroyNotify)g_bytes_unref);
	g_ptr_array_set_size(self->queued, 0);
	self->connected = FALSE;
	ub_sim_cmsis_dap_drive_nreset(self, FALSE);
	self->pins_ready = !self->spec->pins_need_connect;
	self->swj_outputs = 0;
	self->idle_cycles = 0;
	self->wait_retry = 100;
	self->match_retry = 0;
	self->match_mask = 0;
	self->turnaround = 1;
	self->data_phase = FALSE;
	self->swj_hz = self->spec->default_swj_hz;
	self->swclk_hz = ub_sim_cmsis_dap_swclk_for(self->spec, self->swj_hz);
	self->seq_ones = 0;
	self->seq_last16 = 0;
	self->usb_phase = USB_PHASE_NONE;
	self->usb_packets_in_frame = 0;
}

static const UbSimUsbIdentity *
ub_sim_cmsis_dap_get_identity_iface(UbSimProbe *probe)
{
	return &UB_SIM_CMSIS_DAP(probe)->identity;
}

static UbSimLink *
ub_sim_cmsis_dap_get_link(UbSimProbe *probe)
{
	return UB_SIM_CMSIS_DAP(probe)->link;
}

static void
ub_sim_cmsis_dap_get_stats(UbSimProbe *probe, UbSimProbeStats *stats)
{
	*stats = UB_SIM_CMSIS_DAP(probe)->stats;
}

static void
ub_sim_cmsis_dap_reset_stats(UbSimProbe *probe)
{
	memset(&UB_SIM_CMSIS_DAP(probe)->stats, 0, sizeof(UbSimProbeStats));
}

static guint
ub_sim_cmsis_dap_get_swd_khz(UbSimProbe *probe)
{
	return UB_SIM_CMSIS_DAP(probe)->swclk_hz / 1000;
}

static const char *
ub_sim_cmsis_dap_get_kind_name(UbSimProbe *probe)
{
	return UB_SIM_CMSIS_DAP(probe)->spec->name;
}

static void
ub_sim_cmsis_dap_probe_iface_init(UbSimProbeInterface *iface)
{
	iface->get_identity = ub_sim_cmsis_dap_get_identity_iface;
	iface->get_link = ub_sim_cmsis_dap_get_link;
	iface->bulk_out = ub_sim_cmsis_dap_bulk_out;
	iface->bulk_in = ub_sim_cmsis_dap_bulk_in;
	iface->usb_reset = ub_sim_cmsis_dap_usb_reset;
	iface->get_stats = ub_sim_cmsis_dap_get_stats;
	iface->reset_stats = ub_sim_cmsis_dap_reset_stats;
	iface->get_swd_khz = ub_sim_cmsis_dap_get_swd_khz;
	iface->get_kind_name = ub_sim_cmsis_dap_get_kind_name;
}

/* ---- object ------------------------------------------------------------------------- */

static void
ub_sim_cmsis_dap_finalize(GObject *object)
{
	UbSimCmsisDap *self = UB_SIM_CMSIS_DAP(object);

	g_queue_clear_full(&self->responses, (GDestroyNotify)g_bytes_unref);
	g_ptr_array_unref(self->queued);
	g_clear_object(&self->link);
	g_clear_object(&self->clock);
	g_free(self->serial);
	G_OBJECT_CLASS(ub_sim_cmsis_dap_parent_class)->finalize(object);
}

static void
ub_sim_cmsis_dap_class_init(UbSimCmsisDapClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_sim_cmsis_dap_finalize;
}

static void
ub_sim_cmsis_dap_init(UbSimCmsisDap *self)
{
	g_queue_init(&self->responses);
	self->queued = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
}

void
ub_sim_cmsis_dap_set_serial_seed(UbSimCmsisDap *self, const char *seed)
{
	g_autofree char *digest = NULL;
	g_autofree char *hex = NULL;

	g_return_if_fail(UB_IS_SIM_CMSIS_DAP(self));
	g_return_if_fail(seed != NULL);
	/* debugprobe: 16 upper-case hex digits of the flash unique ID (get_serial.c); DAPLink: the
	 * 48-digit unique id string (board, family, host and interface ids) */
	digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, seed, -1);
	hex = g_ascii_strup(digest, (gssize)self->spec->serial_hex_digits);
	g_free(self->serial);
	self->serial = g_steal_pointer(&hex);
	self->identity.serial = self->serial;
}

UbSimCmsisDap *
ub_sim_cmsis_dap_new(UbSimCmsisDapKind kind, UbSimLink *link, UbSimClock *clock)
{
	UbSimCmsisDap *self;
	g_autofree char *seed = NULL;

	g_return_val_if_fail(UB_IS_SIM_LINK(link), NULL);
	g_return_val_if_fail(UB_IS_SIM_CLOCK(clock), NULL);
	g_return_val_if_fail((guint)kind < G_N_ELEMENTS(unit_specs), NULL);

	self = g_object_new(UB_TYPE_SIM_CMSIS_DAP, NULL);
	self->kind = kind;
	self->spec = &unit_specs[kind];
	self->link = g_object_ref(link);
	self->clock = g_object_ref(clock);
	self->identity = self->spec->identity;
	seed = g_strdup_printf("unbrick-sim %s", self->spec->name);
	ub_sim_cmsis_dap_set_serial_seed(self, seed);
	ub_sim_cmsis_dap_usb_reset(UB_SIM_PROBE(self));
	return self;
}

UbSimCmsisDapKind
ub_sim_cmsis_dap_get_kind(UbSimCmsisDap *self)
{
	g_return_val_if_fail(UB_IS_SIM_CMSIS_DAP(self), UB_SIM_CMSIS_DAP_DEBUG_PROBE);
	return self->kind;
}

gboolean
ub_sim_cmsis_dap_get_has_reset_pin(UbSimCmsisDap *self)
{
	g_return_val_if_fail(UB_IS_SIM_CMSIS_DAP(self), FALSE);
	return self->spec->has_reset_pin;
}

guint
ub_sim_cmsis_dap_get_packet_count(UbSimCmsisDap *self)
{
	g_return_val_if_fail(UB_IS_SIM_CMSIS_DAP(self), 0);
	return self->spec->packet_count_reported;
}
