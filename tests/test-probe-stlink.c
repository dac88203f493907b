/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbProbeStlink against a scripted, recording transport: the exact bytes sent for every
 * command (compared with what stlink-org/OpenOCD send, reference §2), reply decoding, status
 * mapping, memory splitting and alignment.
 */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-probe-stlink-private.h"

/* ---- a transport that records OUT transfers and plays back scripted IN transfers ---- */

#define UB_TYPE_SCRIPT_TRANSPORT (ub_script_transport_get_type())
G_DECLARE_FINAL_TYPE(UbScriptTransport, ub_script_transport, UB, SCRIPT_TRANSPORT, UbTransport)

struct _UbScriptTransport {
	UbTransport parent_instance;
	GPtrArray *sent;   /* of GBytes, each OUT transfer */
	GArray *endpoints; /* guint8 per OUT transfer */
	GQueue replies;	   /* of GBytes, each IN transfer */
	/* like a probe, a scripted reply is there only once a command that has one was sent */
	guint available;
	gsize data_expected; /* bytes of a write's data phase still to come */
	GArray *timeouts; /* the timeout_ms of each read, in order */
	guint resets;
};

G_DEFINE_TYPE(UbScriptTransport, ub_script_transport, UB_TYPE_TRANSPORT)

static gboolean
ub_script_transport_bulk_write(UbTransport *transport, guint8 endpoint, const guint8 *data,
			       gsize len, guint timeout_ms, GError **error)
{
	UbScriptTransport *self = UB_SCRIPT_TRANSPORT(transport);

	g_ptr_array_add(self->sent, g_bytes_new(data, len));
	g_array_append_val(self->endpoints, endpoint);
	if (self->data_expected > 0) {
		self->data_expected -= MIN(len, self->data_expected);
		return TRUE;
	}
	if (len == 16 && data[0] == 0xF2 &&
	    (data[1] == 0x08 || data[1] == 0x0D || data[1] == 0x48 || data[1] == 0x50)) {
		self->data_expected = data[6] | (data[7] << 8);
		return TRUE;
	}
	/* EXIT, DFU exit and SWIM exit have no reply */
	if (!(data[0] == 0xF2 && data[1] == 0x21) && !(data[0] == 0xF3 && data[1] == 0x07) &&
	    !(data[0] == 0xF4 && data[1] == 0x01))
		self->available++;
	return TRUE;
}

static gboolean
ub_script_transport_reset(UbTransport *transport, GError **error)
{
	UbScriptTransport *self = UB_SCRIPT_TRANSPORT(transport);

	self->resets++;
	self->available = 0;
	self->data_expected = 0;
	return TRUE;
}

static gboolean
ub_script_transport_bulk_read(UbTransport *transport, guint8 endpoint, guint8 *buffer, gsize len,
			      guint timeout_ms, gsize *actual, GError **error)
{
	UbScriptTransport *self = UB_SCRIPT_TRANSPORT(transport);
	g_autoptr(GBytes) reply = g_queue_pop_head(&self->replies);
	gsize reply_len;

	g_assert_cmpuint(endpoint, ==, 0x81);
	g_array_append_val(self->timeouts, timeout_ms);
	if (reply != NULL && self->available == 0) {
		/* nothing asked for yet: the reply stays scripted */
		g_queue_push_head(&self->replies, g_steal_pointer(&reply));
	}
	if (reply == NULL) {
		g_set_error_literal(error, UB_PROBE_ERROR, UB_PROBE_ERROR_TIMEOUT,
				    "no scripted reply");
		return FALSE;
	}
	self->available--;
	reply_len = g_bytes_get_size(reply);
	g_assert_cmpuint(reply_len, <=, len);
	memcpy(buffer, g_bytes_get_data(reply, NULL), reply_len);
	*actual = reply_len;
	return TRUE;
}

static void
ub_script_transport_finalize(GObject *object)
{
	UbScriptTransport *self = UB_SCRIPT_TRANSPORT(object);

	g_ptr_array_unref(self->sent);
	g_array_unref(self->endpoints);
	g_array_unref(self->timeouts);
	g_queue_clear_full(&self->replies, (GDestroyNotify)g_bytes_unref);
	G_OBJECT_CLASS(ub_script_transport_parent_class)->finalize(object);
}

static void
ub_script_transport_class_init(UbScriptTransportClass *klass)
{
	UbTransportClass *transport_class = UB_TRANSPORT_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = ub_script_transport_finalize;
	transport_class->bulk_write = ub_script_transport_bulk_write;
	transport_class->bulk_read = ub_script_transport_bulk_read;
	transport_class->reset = ub_script_transport_reset;
}

static void
ub_script_transport_init(UbScriptTransport *self)
{
	self->sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	self->endpoints = g_array_new(FALSE, FALSE, 1);
	self->timeouts = g_array_new(FALSE, FALSE, sizeof(guint));
	g_queue_init(&self->replies);
}

static GBytes *
bytes_from_hex(const char *hex)
{
	GByteArray *array = g_byte_array_new();

	for (const char *p = hex; *p != '\0';) {
		guint8 byte;
		if (*p == ' ') {
			p++;
			continue;
		}
		g_assert_true(g_ascii_isxdigit(p[0]) && g_ascii_isxdigit(p[1]));
		byte = (g_ascii_xdigit_value(p[0]) << 4) | g_ascii_xdigit_value(p[1]);
		g_byte_array_append(array, &byte, 1);
		p += 2;
	}
	return g_byte_array_free_to_bytes(array);
}

static void
script_reply(UbScriptTransport *self, const char *hex)
{
	g_queue_push_tail(&self->replies, bytes_from_hex(hex));
}

static void
script_reply_bytes(UbScriptTransport *self, const guint8 *data, gsize len)
{
	g_queue_push_tail(&self->replies, g_bytes_new(data, len));
}

static char *
hex_of(GBytes *bytes)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(bytes, &len);
	GString *str = g_string_new(NULL);

	for (gsize i = 0; i < len; i++)
		g_string_append_printf(str, "%s%02x", i > 0 ? " " : "", data[i]);
	return g_string_free(str, FALSE);
}

/* a 16-byte command block: @hex and zero padding */
static void
assert_command(UbScriptTransport *self, guint idx, const char *hex)
{
	g_autoptr(GBytes) expected = bytes_from_hex(hex);
	guint8 block[16] = {0};
	g_autoptr(GBytes) want = NULL;
	g_autofree char *got_hex = NULL;
	g_autofree char *want_hex = NULL;

	g_assert_cmpuint(idx, <, self->sent->len);
	g_assert_cmpuint(g_bytes_get_size(expected), <=, 16);
	memcpy(block, g_bytes_get_data(expected, NULL), g_bytes_get_size(expected));
	want = g_bytes_new(block, 16);
	got_hex = hex_of(g_ptr_array_index(self->sent, idx));
	want_hex = hex_of(want);
	g_assert_cmpstr(got_hex, ==, want_hex);
}

static void
assert_sent_count(UbScriptTransport *self, guint count)
{
	if (self->sent->len != count) {
		for (guint i = 0; i < self->sent->len; i++) {
			g_autofree char *hex = hex_of(g_ptr_array_index(self->sent, i));
			g_test_message("sent[%u]: %s", i, hex);
		}
	}
	g_assert_cmpuint(self->sent->len, ==, count);
}

static UbScriptTransport *
script_transport_new(guint16 product_id)
{
	UbScriptTransport *self = g_object_new(UB_TYPE_SCRIPT_TRANSPORT, NULL);
	ub_transport_set_identity(UB_TRANSPORT(self), 0x0483, product_id, "TESTSERIAL", "test");
	return self;
}

/* an opened V2 with firmware J@jtag; the log is cleared */
static UbProbe *
open_v2(UbScriptTransport *transport, guint jtag)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(UbProbeStlink) stlink = ub_probe_stlink_new(UB_TRANSPORT(transport), &error);
	guint16 word = (2 << 12) | (jtag << 6) | 7;
	guint8 version[6] = {word >> 8, word & 0xff, 0x83, 0x04, 0x48, 0x37};

	g_assert_no_error(error);
	script_reply_bytes(transport, version, sizeof(version));
	script_reply(transport, "01 00"); /* mass-storage/idle: nothing to leave */
	g_assert_true(ub_probe_open(UB_PROBE(stlink), &error));
	g_assert_no_error(error);
	g_ptr_array_set_size(transport->sent, 0);
	g_array_set_size(transport->endpoints, 0);
	return UB_PROBE(g_steal_pointer(&stlink));
}

/* ---- decoding ---- */

static void
test_version_v2(void)
{
	const guint8 reply[] = {0x29, 0x47, 0x83, 0x04, 0x48, 0x37};
	UbStlinkVersion version;
	g_autoptr(GError) error = NULL;
	g_autofree char *str = NULL;

	g_assert_true(ub_stlink_version_decode(reply, sizeof(reply), UB_PROBE_KIND_STLINK_V2,
					       &version, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(version.hw, ==, 2);
	g_assert_cmpuint(version.jtag, ==, 37);
	g_assert_cmpuint(version.swim, ==, 7);
	g_assert_cmpuint(version.msd, ==, 0);
	g_assert_cmphex(version.vendor_id, ==, 0x0483);
	g_assert_cmphex(version.product_id, ==, 0x3748);
	str = ub_stlink_version_to_string(&version);
	g_assert_cmpstr(str, ==, "V2J37S7");

	/* too short */
	g_assert_false(ub_stlink_version_decode(reply, 4, UB_PROBE_KIND_STLINK_V2, &version,
						&error));
	g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL);
}

static void
test_version_v2_1(void)
{
	/* V2J37M26: 2<<12 | 37<<6 | 26 = 0x295a; PID 374B little-endian */
	const guint8 reply[] = {0x29, 0x5a, 0x83, 0x04, 0x4b, 0x37};
	UbStlinkVersion version;
	g_autoptr(GError) error = NULL;
	g_autofree char *str = NULL;

	g_assert_true(ub_stlink_version_decode(reply, sizeof(reply), UB_PROBE_KIND_STLINK_V2_1,
					       &version, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(version.jtag, ==, 37);
	g_assert_cmpuint(version.msd, ==, 26);
	g_assert_cmpuint(version.swim, ==, 0);
	g_assert_cmphex(version.product_id, ==, 0x374b);
	str = ub_stlink_version_to_string(&version);
	g_assert_cmpstr(str, ==, "V2J37M26");
}

/* stlink-org src/stlink-lib/usb.h: 0x374A (V2 "audio") speaks on the V2-1 endpoints */
static void
test_product_ids(void)
{
	g_assert_cmpint(ub_probe_kind_from_usb_ids(0x0483, 0x3748), ==, UB_PROBE_KIND_STLINK_V2);
	g_assert_cmpint(ub_probe_kind_from_usb_ids(0x0483, 0x374A), ==, UB_PROBE_KIND_STLINK_V2_1);
	g_assert_cmpint(ub_probe_kind_from_usb_ids(0x0483, 0x374B), ==, UB_PROBE_KIND_STLINK_V2_1);
	g_assert_cmpint(ub_probe_kind_from_usb_ids(0x0483, 0x3752), ==, UB_PROBE_KIND_STLINK_V2_1);
	g_assert_cmpint(ub_probe_kind_from_usb_ids(0x0483, 0x374E), ==, UB_PROBE_KIND_STLINK_V3);
	g_assert_cmpint(ub_probe_kind_from_usb_ids(0x0483, 0x374D), ==, UB_PROBE_KIND_UNKNOWN);
}

static void
test_version_v3(void)
{
	/* hw 3, SWIM 1, JTAG 7, MSD 3, bridge 5, VID 0483, PID 374F */
	const guint8 reply[] = {0x03, 0x01, 0x07, 0x03, 0x05, 0x00,
				0x00, 0x00, 0x83, 0x04, 0x4f, 0x37};
	UbStlinkVersion version;
	g_autoptr(GError) error = NULL;
	g_autofree char *str = NULL;

	g_assert_true(ub_stlink_version_decode_v3(reply, sizeof(reply), &version, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(version.hw, ==, 3);
	g_assert_cmpuint(version.jtag, ==, 7);
	g_assert_cmpuint(version.swim, ==, 1);
	g_assert_cmpuint(version.msd, ==, 3);
	g_assert_cmpuint(version.bridge, ==, 5);
	g_assert_cmphex(version.product_id, ==, 0x374f);
	str = ub_stlink_version_to_string(&version);
	g_assert_cmpstr(str, ==, "V3J7M3B5S1");
}

static void
test_version_v3_open(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x374f);
	g_autoptr(GError) error = NULL;
	g_autoptr(UbProbeStlink) stlink = ub_probe_stlink_new(UB_TRANSPORT(transport), &error);

	g_assert_no_error(error);
	/* F1 on a V3 says hw 3 with J = S = 0; the real version comes from FB */
	script_reply(transport, "30 00 83 04 4f 37");
	script_reply(transport, "03 00 07 03 05 00 00 00 83 04 4f 37");
	script_reply(transport, "02 00"); /* left in debug mode by a previous tool */
	g_assert_true(ub_probe_open(UB_PROBE(stlink), &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 4);
	assert_command(transport, 0, "f1");
	assert_command(transport, 1, "fb");
	assert_command(transport, 2, "f5");
	assert_command(transport, 3, "f2 21");
	/* V2-1 and V3 take commands on endpoint 0x01 */
	g_assert_cmpuint(g_array_index(transport->endpoints, guint8, 0), ==, 0x01);
	g_assert_cmpstr(ub_probe_get_firmware_version(UB_PROBE(stlink)), ==, "V3J7M3B5");
	g_assert_cmpint(ub_probe_get_kind(UB_PROBE(stlink)), ==, UB_PROBE_KIND_STLINK_V3);
}

static void
test_status_mapping(void)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(ub_stlink_status_check(0x80, &error));
	g_assert_no_error(error);
	/* OpenOCD ignores "write verify error" */
	g_assert_true(ub_stlink_status_check(0x0d, &error));
	g_assert_false(ub_stlink_status_check(0x09, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK);
	g_clear_error(&error);
	g_assert_false(ub_stlink_status_check(0x05, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK);
	g_clear_error(&error);
	g_assert_false(ub_stlink_status_check(0x11, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT);
	g_clear_error(&error);
	g_assert_false(ub_stlink_status_check(0x81, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT);
	g_clear_error(&error);
	g_assert_false(ub_stlink_status_check(0x14, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_WAIT);
	g_clear_error(&error);
	g_assert_false(ub_stlink_status_check(0x0e, &error));
	g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_BUSY);
	g_clear_error(&error);
	g_assert_false(ub_stlink_status_check(0x42, &error));
	g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED);
	g_clear_error(&error);
	g_assert_false(ub_stlink_status_check(0xee, &error));
	g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL);
	g_clear_error(&error);

	g_assert_true(ub_stlink_status_is_wait(0x10));
	g_assert_true(ub_stlink_status_is_wait(0x14));
	g_assert_false(ub_stlink_status_is_wait(0x11));
	g_assert_false(ub_stlink_status_is_wait(0x80));
}

static void
test_voltage_decode(void)
{
	/* a0 = 1200, a1 = 1650: 2 * 1650 * 1.2 / 1200 = 3.3 V */
	const guint8 reply[] = {0xb0, 0x04, 0x00, 0x00, 0x72, 0x06, 0x00, 0x00};
	const guint8 zero[] = {0x00, 0x00, 0x00, 0x00, 0x72, 0x06, 0x00, 0x00};
	guint mv = 0;
	g_autoptr(GError) error = NULL;

	g_assert_true(ub_stlink_voltage_decode(reply, sizeof(reply), &mv, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(mv, ==, 3300);
	g_assert_false(ub_stlink_voltage_decode(zero, sizeof(zero), &mv, &error));
	g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_PROTOCOL);
}

static void
test_swd_divisor(void)
{
	guint khz = 0;

	/* OpenOCD's rule: the fastest entry not above the request */
	g_assert_cmpuint(ub_stlink_swd_divisor(2000, &khz), ==, 1);
	g_assert_cmpuint(khz, ==, 1800);
	g_assert_cmpuint(ub_stlink_swd_divisor(8000, &khz), ==, 0);
	g_assert_cmpuint(khz, ==, 4000);
	g_assert_cmpuint(ub_stlink_swd_divisor(100, &khz), ==, 40);
	g_assert_cmpuint(ub_stlink_swd_divisor(1, &khz), ==, 798);
	g_assert_cmpuint(khz, ==, 5);
}

/* ---- commands on the wire ---- */

static void
test_open_leaves_dfu(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(GError) error = NULL;
	g_autoptr(UbProbeStlink) stlink = ub_probe_stlink_new(UB_TRANSPORT(transport), &error);

	g_assert_no_error(error);
	script_reply(transport, "29 47 83 04 48 37");
	script_reply(transport, "00 00");
	g_assert_true(ub_probe_open(UB_PROBE(stlink), &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 3);
	assert_command(transport, 0, "f1");
	assert_command(transport, 1, "f5");
	assert_command(transport, 2, "f3 07");
	g_assert_cmpuint(g_array_index(transport->endpoints, guint8, 0), ==, 0x02);
	g_assert_cmpstr(ub_probe_get_firmware_version(UB_PROBE(stlink)), ==, "V2J37S7");
	g_assert_cmpuint(ub_probe_stlink_get_jtag_version(stlink), ==, 37);
}

static void
test_unsupported_v1(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3744);
	g_autoptr(GError) error = NULL;
	g_autoptr(UbProbeStlink) stlink = ub_probe_stlink_new(UB_TRANSPORT(transport), &error);

	g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED);
	g_assert_null(stlink);
}

static void
test_enter_swd(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe = open_v2(transport, 37);
	g_autoptr(UbScriptTransport) transport_old = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe_old = open_v2(transport_old, 25);
	g_autoptr(GError) error = NULL;

	script_reply(transport, "80 00");
	script_reply(transport, "80 00");
	g_assert_true(ub_probe_enter_swd(probe, &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 2);
	assert_command(transport, 0, "f2 30 a3");
	assert_command(transport, 1, "f2 4b 00"); /* INIT_AP from J28 */

	/* J25 has no INIT_AP */
	script_reply(transport_old, "80 00");
	g_assert_true(ub_probe_enter_swd(probe_old, &error));
	g_assert_no_error(error);
	assert_sent_count(transport_old, 1);

	/* the DP does not answer: 0x09 */
	g_ptr_array_set_size(transport_old->sent, 0);
	script_reply(transport_old, "09 00");
	g_assert_false(ub_probe_enter_swd(probe_old, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_NO_ACK);
	assert_sent_count(transport_old, 1);

	/* leaving debug mode: the mode the probe reports, then F2 21, no reply */
	g_ptr_array_set_size(transport->sent, 0);
	script_reply(transport, "02 00");
	g_assert_true(ub_probe_leave_debug(probe, NULL));
	assert_sent_count(transport, 2);
	assert_command(transport, 0, "f5");
	assert_command(transport, 1, "f2 21");
}

static void
test_voltage_and_frequency(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe = open_v2(transport, 37);
	g_autoptr(UbScriptTransport) transport_v3 = script_transport_new(0x374e);
	g_autoptr(UbProbeStlink) v3 = ub_probe_stlink_new(UB_TRANSPORT(transport_v3), NULL);
	g_autoptr(GError) error = NULL;
	guint mv = 0;
	guint khz = 0;

	script_reply(transport, "b0 04 00 00 72 06 00 00");
	g_assert_true(ub_probe_get_target_voltage(probe, &mv, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(mv, ==, 3300);
	assert_command(transport, 0, "f7");

	script_reply(transport, "80 00");
	g_assert_true(ub_probe_set_swd_frequency(probe, 2000, &khz, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(khz, ==, 1800);
	assert_command(transport, 1, "f2 43 01 00");

	/* V3: GET_COM_FREQ lists 24000, 8000, 3300, 1000 kHz; SET_COM_FREQ takes the kHz */
	script_reply(transport_v3, "30 00 83 04 4e 37");
	script_reply(transport_v3, "03 00 07 03 05 00 00 00 83 04 4e 37");
	script_reply(transport_v3, "01 00");
	g_assert_true(ub_probe_open(UB_PROBE(v3), &error));
	g_assert_no_error(error);
	g_ptr_array_set_size(transport_v3->sent, 0);
	script_reply(transport_v3, "80 00 00 00 00 00 00 00 04 00 00 00"
				   "c0 5d 00 00 40 1f 00 00 e4 0c 00 00 e8 03 00 00"
				   "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
				   "00 00 00 00 00 00 00 00");
	script_reply(transport_v3, "80 00 00 00 e4 0c 00 00");
	g_assert_true(ub_probe_set_swd_frequency(UB_PROBE(v3), 4000, &khz, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(khz, ==, 3300);
	assert_sent_count(transport_v3, 2);
	assert_command(transport_v3, 0, "f2 62 00");
	assert_command(transport_v3, 1, "f2 61 00 00 e4 0c 00 00");

	/* a probe that answers 0 for the chosen frequency: the one asked for (audit D11;
	 * OpenOCD and stlink-org ignore those bytes) */
	script_reply(transport_v3, "80 00 00 00 00 00 00 00 04 00 00 00"
				   "c0 5d 00 00 40 1f 00 00 e4 0c 00 00 e8 03 00 00"
				   "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
				   "00 00 00 00 00 00 00 00");
	script_reply(transport_v3, "80 00 00 00 00 00 00 00");
	g_assert_true(ub_probe_set_swd_frequency(UB_PROBE(v3), 4000, &khz, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(khz, ==, 3300);
}

static void
test_registers(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe = open_v2(transport, 37);
	g_autoptr(GError) error = NULL;
	guint32 value = 0;

	script_reply(transport, "80 00 00 00 77 14 a0 2b 00 00 00 00");
	g_assert_true(ub_probe_read_dp_idcode(probe, &value, &error));
	g_assert_no_error(error);
	g_assert_cmphex(value, ==, 0x2ba01477);
	assert_command(transport, 0, "f2 31");

	script_reply(transport, "80 00 00 00 41 c2 0f 41");
	g_assert_true(ub_probe_read_u32(probe, 0xe000ed00, &value, &error));
	g_assert_no_error(error);
	g_assert_cmphex(value, ==, 0x410fc241);
	assert_command(transport, 1, "f2 36 00 ed 00 e0");

	script_reply(transport, "80 00");
	g_assert_true(ub_probe_write_u32(probe, 0xe000edf0, 0xa05f0003, &error));
	g_assert_no_error(error);
	assert_command(transport, 2, "f2 35 f0 ed 00 e0 03 00 5f a0");

	script_reply(transport, "80 00 00 00 01 00 00 08");
	g_assert_true(ub_probe_read_core_register(probe, 15, &value, &error));
	g_assert_no_error(error);
	g_assert_cmphex(value, ==, 0x08000001);
	assert_command(transport, 3, "f2 33 0f");

	script_reply(transport, "80 00");
	g_assert_true(ub_probe_write_core_register(probe, 13, 0x20001000, &error));
	g_assert_no_error(error);
	assert_command(transport, 4, "f2 34 0d 00 10 00 20");

	script_reply(transport, "80 00");
	script_reply(transport, "80 00");
	script_reply(transport, "80 00");
	script_reply(transport, "80 00");
	g_assert_true(ub_probe_drive_nrst(probe, UB_NRST_LOW, &error));
	g_assert_true(ub_probe_drive_nrst(probe, UB_NRST_HIGH, &error));
	g_assert_true(ub_probe_drive_nrst(probe, UB_NRST_PULSE, &error));
	g_assert_true(ub_probe_reset_system(probe, &error));
	g_assert_no_error(error);
	assert_command(transport, 5, "f2 3c 00");
	assert_command(transport, 6, "f2 3c 01");
	assert_command(transport, 7, "f2 3c 02");
	assert_command(transport, 8, "f2 32");

	/* a failing debug register read says where */
	script_reply(transport, "11 00 00 00 00 00 00 00");
	g_assert_false(ub_probe_read_u32(probe, 0x40000000, &value, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT);
	g_assert_nonnull(strstr(error->message, "0x40000000"));
	assert_sent_count(transport, 10);
}

static void
test_read_memory_aligned(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe = open_v2(transport, 37);
	g_autoptr(GError) error = NULL;
	guint8 buf[8] = {0};

	script_reply(transport, "00 10 00 20 a1 01 00 08");
	script_reply(transport, "80 00 00 00 00 00 00 00 00 00 00 00");
	g_assert_true(ub_probe_read_memory(probe, 0x08000000, buf, sizeof(buf), UB_ACCESS_AUTO,
					   &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 2);
	assert_command(transport, 0, "f2 07 00 00 00 08 08 00");
	assert_command(transport, 1, "f2 3e");
	g_assert_cmphex(buf[4], ==, 0xa1);
	g_assert_cmphex(buf[7], ==, 0x08);
}

/* an unchecked read sends the 32-bit body without a status query after each command; the
 * unaligned edges, 8-bit reads, are still checked */
static void
test_read_memory_unchecked(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe = open_v2(transport, 37);
	g_autoptr(GError) error = NULL;
	g_autofree guint8 *buf = g_malloc0(8192 + 2);
	g_autofree char *block = NULL;
	GString *hex = g_string_new(NULL);

	for (guint i = 0; i < 4096; i++)
		g_string_append_printf(hex, "%02x ", i & 0xff);
	block = g_string_free(hex, FALSE);
	/* two 4 KiB commands, no status between or after them */
	script_reply(transport, block);
	script_reply(transport, block);
	g_assert_true(ub_probe_read_memory_unchecked(probe, 0x08000000, buf, 8192,
						     UB_ACCESS_AUTO, &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 2);
	assert_command(transport, 0, "f2 07 00 00 00 08 00 10");
	assert_command(transport, 1, "f2 07 00 10 00 08 00 10");
	g_assert_cmphex(buf[4096 + 0x7f], ==, 0x7f);

	/* a 2-byte tail goes as an 8-bit read and is checked */
	g_ptr_array_set_size(transport->sent, 0);
	script_reply(transport, "01 02 03 04");
	script_reply(transport, "05 06");
	script_reply(transport, "80 00 00 00 00 00 00 00 00 00 00 00");
	g_assert_true(ub_probe_read_memory_unchecked(probe, 0x08000000, buf, 6, UB_ACCESS_AUTO,
						     &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 3);
	assert_command(transport, 1, "f2 0c 04 00 00 08 02 00");
	assert_command(transport, 2, "f2 3e");
	g_assert_cmphex(buf[5], ==, 0x06);
}

static void
test_read_memory_unaligned(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe = open_v2(transport, 37);
	g_autoptr(GError) error = NULL;
	guint8 buf[9] = {0};
	const char *ok = "80 00 00 00 00 00 00 00 00 00 00 00";

	/* 0x20000001 + 9: 3 bytes 8-bit, one word, 2 bytes 8-bit */
	script_reply(transport, "01 02 03");
	script_reply(transport, ok);
	script_reply(transport, "04 05 06 07");
	script_reply(transport, ok);
	script_reply(transport, "08 09");
	script_reply(transport, ok);
	g_assert_true(ub_probe_read_memory(probe, 0x20000001, buf, sizeof(buf), UB_ACCESS_AUTO,
					   &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 6);
	assert_command(transport, 0, "f2 0c 01 00 00 20 03 00");
	assert_command(transport, 2, "f2 07 04 00 00 20 04 00");
	assert_command(transport, 4, "f2 0c 08 00 00 20 02 00");
	for (guint i = 0; i < sizeof(buf); i++)
		g_assert_cmpuint(buf[i], ==, i + 1);

	/* one byte is read as a 2-byte reply */
	g_ptr_array_set_size(transport->sent, 0);
	script_reply(transport, "5a 00");
	script_reply(transport, ok);
	g_assert_true(ub_probe_read_memory(probe, 0x1fff7a22, buf, 1, UB_ACCESS_AUTO, &error));
	g_assert_no_error(error);
	assert_command(transport, 0, "f2 0c 22 7a ff 1f 01 00");
	g_assert_cmphex(buf[0], ==, 0x5a);

	/* a fixed width must be aligned */
	g_assert_false(ub_probe_read_memory(probe, 0x20000002, buf, 4, UB_ACCESS_32, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_INVALID_ARGUMENT);
}

static void
test_read_memory_limits(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe = open_v2(transport, 37);
	g_autoptr(GError) error = NULL;
	g_autofree guint8 *buf = g_malloc0(10000);
	g_autofree guint8 *data = g_malloc0(6144);
	const char *ok = "80 00 00 00 00 00 00 00 00 00 00 00";

	/* 10000 bytes: never across a 4 KiB TAR auto-increment block (OpenOCD's
	 * stlink_max_block_size(); audit F8), so 4096 + 4096 + 1808 */
	script_reply_bytes(transport, data, 4096);
	script_reply(transport, ok);
	script_reply_bytes(transport, data, 4096);
	script_reply(transport, ok);
	script_reply_bytes(transport, data, 1808);
	script_reply(transport, ok);
	g_assert_true(ub_probe_read_memory(probe, 0x08000000, buf, 10000, UB_ACCESS_32, &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 6);
	assert_command(transport, 0, "f2 07 00 00 00 08 00 10");
	assert_command(transport, 2, "f2 07 00 10 00 08 00 10");
	assert_command(transport, 4, "f2 07 00 20 00 08 10 07");

	/* from the middle of a block: up to its end first */
	g_ptr_array_set_size(transport->sent, 0);
	script_reply_bytes(transport, data, 2048);
	script_reply(transport, ok);
	script_reply_bytes(transport, data, 4096);
	script_reply(transport, ok);
	g_assert_true(ub_probe_read_memory(probe, 0x20000800, buf, 6144, UB_ACCESS_32, &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 4);
	assert_command(transport, 0, "f2 07 00 08 00 20 00 08");
	assert_command(transport, 2, "f2 07 00 10 00 20 00 10");

	/* 8-bit runs are split at 64 bytes */
	g_ptr_array_set_size(transport->sent, 0);
	script_reply_bytes(transport, data, 64);
	script_reply(transport, ok);
	script_reply_bytes(transport, data, 36);
	script_reply(transport, ok);
	g_assert_true(ub_probe_read_memory(probe, 0x20000000, buf, 100, UB_ACCESS_8, &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 4);
	assert_command(transport, 0, "f2 0c 00 00 00 20 40 00");
	assert_command(transport, 2, "f2 0c 40 00 00 20 24 00");

	/* 16-bit: J26 or later */
	g_ptr_array_set_size(transport->sent, 0);
	script_reply(transport, "00 04");
	script_reply(transport, ok);
	g_assert_true(ub_probe_read_memory(probe, 0x1fff7a22, buf, 2, UB_ACCESS_16, &error));
	g_assert_no_error(error);
	assert_command(transport, 0, "f2 47 22 7a ff 1f 02 00");
}

/* before J26 there are no 16-bit commands: half-words go as bytes, as OpenOCD does (audit
 * D4), and the probe says so to whoever needs the width itself */
static void
test_read_memory_16bit_old(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe = open_v2(transport, 25);
	g_autoptr(UbScriptTransport) transport_new = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe_new = open_v2(transport_new, 26);
	g_autoptr(GError) error = NULL;
	const guint8 data[2] = {0x34, 0x12};
	guint8 buf[2];

	script_reply(transport, "00 04");
	script_reply(transport, "80 00 00 00 00 00 00 00 00 00 00 00");
	g_assert_true(ub_probe_read_memory(probe, 0x1fff7a22, buf, 2, UB_ACCESS_16, &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 2);
	assert_command(transport, 0, "f2 0c 22 7a ff 1f 02 00");
	g_assert_cmphex(buf[1], ==, 0x04);
	script_reply(transport, "80 00 00 00 00 00 00 00 00 00 00 00");
	g_assert_true(ub_probe_write_memory(probe, 0x20000002, data, 2, UB_ACCESS_16, &error));
	g_assert_no_error(error);
	assert_command(transport, 2, "f2 0d 02 00 00 20 02 00");
	g_assert_false(ub_probe_supports_access(probe, UB_ACCESS_16));
	g_assert_true(ub_probe_supports_access(probe, UB_ACCESS_32));
	g_assert_true(ub_probe_supports_access(probe_new, UB_ACCESS_16));
}

static void
test_memory_fault_and_wait(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe = open_v2(transport, 37);
	g_autoptr(UbScriptTransport) transport_old = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe_old = open_v2(transport_old, 14);
	g_autoptr(GError) error = NULL;
	guint8 buf[8];

	/* AP FAULT with the fault address in GETLASTRWSTATUS2 */
	script_reply(transport, "00 00 00 00 00 00 00 00");
	script_reply(transport, "11 00 00 00 04 00 00 08 00 00 00 00");
	g_assert_false(ub_probe_read_memory(probe, 0x08000000, buf, 8, UB_ACCESS_AUTO, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT);
	g_assert_nonnull(strstr(error->message, "0x08000004"));
	g_clear_error(&error);

	/* AP WAIT: the whole command is sent again */
	g_ptr_array_set_size(transport->sent, 0);
	script_reply(transport, "00 00 00 00 00 00 00 00");
	script_reply(transport, "10 00 00 00 00 00 00 00 00 00 00 00");
	script_reply(transport, "11 22 33 44 55 66 77 88");
	script_reply(transport, "80 00 00 00 00 00 00 00 00 00 00 00");
	g_assert_true(ub_probe_read_memory(probe, 0x20000000, buf, 8, UB_ACCESS_AUTO, &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 4);
	assert_command(transport, 2, "f2 07 00 00 00 20 08 00");
	g_assert_cmphex(buf[0], ==, 0x11);

	/* before J15: GETLASTRWSTATUS with a 2-byte reply */
	script_reply(transport_old, "00 00 00 00");
	script_reply(transport_old, "80 00");
	g_assert_true(ub_probe_read_memory(probe_old, 0x20000000, buf, 4, UB_ACCESS_AUTO, &error));
	g_assert_no_error(error);
	assert_command(transport_old, 1, "f2 3b");

	/* old firmware gives a bus fault as 0x01 (pyOCD): a target fault, not a probe error */
	script_reply(transport_old, "00 00 00 00");
	script_reply(transport_old, "01 00");
	g_assert_false(ub_probe_read_memory(probe_old, 0x08000000, buf, 4, UB_ACCESS_AUTO,
					    &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT);
	g_clear_error(&error);

	/* WAIT is retried 8 times, as OpenOCD's MAX_WAIT_RETRIES; 0x07 is not a WAIT */
	g_ptr_array_set_size(transport->sent, 0);
	for (guint i = 0; i < 9; i++) {
		script_reply(transport, "00 00 00 00 00 00 00 00");
		script_reply(transport, "10 00 00 00 00 00 00 00 00 00 00 00");
	}
	g_assert_false(ub_probe_read_memory(probe, 0x20000000, buf, 8, UB_ACCESS_AUTO, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_WAIT);
	g_clear_error(&error);
	assert_sent_count(transport, 18);
	g_assert_false(ub_stlink_status_is_wait(0x07));
}

/* a slow SWD clock makes a long transfer slow: the reply is waited for accordingly (audit
 * D5: 6 KiB at 5 kHz is 14 s of clocking) */
static void
test_timeout_follows_clock(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe = open_v2(transport, 37);
	g_autoptr(GError) error = NULL;
	g_autofree guint8 *data = g_malloc0(4096);
	guint khz = 0;
	guint fast;
	guint slow;

	script_reply_bytes(transport, data, 4096);
	script_reply(transport, "80 00 00 00 00 00 00 00 00 00 00 00");
	g_assert_true(ub_probe_read_memory(probe, 0x20000000, data, 4096, UB_ACCESS_32, &error));
	fast = g_array_index(transport->timeouts, guint, transport->timeouts->len - 2);
	script_reply(transport, "80 00");
	g_assert_true(ub_probe_set_swd_frequency(probe, 5, &khz, &error));
	g_assert_cmpuint(khz, ==, 5);
	script_reply_bytes(transport, data, 4096);
	script_reply(transport, "80 00 00 00 00 00 00 00 00 00 00 00");
	g_assert_true(ub_probe_read_memory(probe, 0x20000000, data, 4096, UB_ACCESS_32, &error));
	g_assert_no_error(error);
	slow = g_array_index(transport->timeouts, guint, transport->timeouts->len - 2);
	/* 1024 words × 46 cycles at 5 kHz: 9.4 s; waited twice that and the usual 3 s */
	g_assert_cmpuint(fast, <, 3500);
	g_assert_cmpuint(slow, >, 3000 + 18000);
}

/* a program killed between a command and its reply left the reply in the probe: it is
 * drained before GET_VERSION (pyOCD _flush_rx()) */
static void
test_open_drains_stale_reply(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(GError) error = NULL;
	g_autoptr(UbProbeStlink) stlink = ub_probe_stlink_new(UB_TRANSPORT(transport), &error);
	g_autofree guint8 *stale = g_malloc0(512);

	script_reply_bytes(transport, stale, 512);
	transport->available = 1;
	script_reply(transport, "29 47 83 04 48 37");
	script_reply(transport, "01 00");
	g_assert_true(ub_probe_open(UB_PROBE(stlink), &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 2);
	assert_command(transport, 0, "f1");
	g_assert_cmpuint(transport->resets, ==, 0);
	g_assert_cmpstr(ub_probe_get_firmware_version(UB_PROBE(stlink)), ==, "V2J37S7");
}

/* killed between a write command and its data: the probe takes GET_VERSION as data and
 * says nothing; it is reset on its port and asked again (OpenOCD stlink_usb_usb_open()) */
static void
test_open_resets_silent_probe(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(GError) error = NULL;
	g_autoptr(UbProbeStlink) stlink = ub_probe_stlink_new(UB_TRANSPORT(transport), &error);

	transport->data_expected = 6144;
	script_reply(transport, "29 47 83 04 48 37");
	script_reply(transport, "00 00");
	g_assert_true(ub_probe_open(UB_PROBE(stlink), &error));
	g_assert_no_error(error);
	g_assert_cmpuint(transport->resets, ==, 1);
	assert_sent_count(transport, 4);
	assert_command(transport, 0, "f1");
	assert_command(transport, 1, "f1");
	assert_command(transport, 2, "f5");
	assert_command(transport, 3, "f3 07");
}

/* firmware without SWD is refused with advice (audit D3); an STM8 board's V2-1 reports
 * MSD and SWIM in the places of J and M (OpenOCD's heuristic) */
static void
test_firmware_without_swd(void)
{
	/* 2<<12 | 25<<6 | 7 on a V2-1 PID: M25 S7, no J */
	const guint8 stm8[] = {0x26, 0x47, 0x83, 0x04, 0x4b, 0x37};
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x374b);
	g_autoptr(UbScriptTransport) swim_only = script_transport_new(0x3748);
	g_autoptr(GError) error = NULL;
	g_autoptr(UbProbeStlink) stlink = ub_probe_stlink_new(UB_TRANSPORT(transport), &error);
	g_autoptr(UbProbeStlink) v2 = ub_probe_stlink_new(UB_TRANSPORT(swim_only), &error);
	g_autofree char *str = NULL;
	UbStlinkVersion version;

	g_assert_true(ub_stlink_version_decode(stm8, sizeof(stm8), UB_PROBE_KIND_STLINK_V2_1,
					       &version, &error));
	g_assert_cmpuint(version.jtag, ==, 0);
	g_assert_cmpuint(version.msd, ==, 25);
	g_assert_cmpuint(version.swim, ==, 7);
	str = ub_stlink_version_to_string(&version);
	g_assert_cmpstr(str, ==, "V2M25S7");
	script_reply_bytes(transport, stm8, sizeof(stm8));
	g_assert_false(ub_probe_open(UB_PROBE(stlink), &error));
	g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED);
	g_assert_nonnull(strstr(error->message, "update"));
	g_clear_error(&error);
	/* a V2 whose J is 0 */
	script_reply(swim_only, "20 07 83 04 48 37");
	g_assert_false(ub_probe_open(UB_PROBE(v2), &error));
	g_assert_error(error, UB_PROBE_ERROR, UB_PROBE_ERROR_UNSUPPORTED);
}

/* every V3 opens AP 0 (OpenOCD sets STLINK_F_HAS_AP_INIT for all of them; audit D2), and
 * prints as OpenOCD does, S0 when there is neither SWIM nor MSD */
static void
test_v3_init_ap(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x374e);
	g_autoptr(GError) error = NULL;
	g_autoptr(UbProbeStlink) v3 = ub_probe_stlink_new(UB_TRANSPORT(transport), &error);

	script_reply(transport, "30 00 83 04 4e 37");
	script_reply(transport, "03 00 01 00 00 00 00 00 83 04 4e 37");
	script_reply(transport, "01 00");
	g_assert_true(ub_probe_open(UB_PROBE(v3), &error));
	g_assert_no_error(error);
	g_assert_cmpstr(ub_probe_get_firmware_version(UB_PROBE(v3)), ==, "V3J1S0");
	g_ptr_array_set_size(transport->sent, 0);
	script_reply(transport, "80 00");
	script_reply(transport, "80 00");
	g_assert_true(ub_probe_enter_swd(UB_PROBE(v3), &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 2);
	assert_command(transport, 1, "f2 4b 00");
}

/* close leaves whatever mode the probe is in, not only a debug mode this connection entered
 * (audit D8) */
static void
test_close_leaves_mode(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe = open_v2(transport, 37);

	script_reply(transport, "02 00");
	g_assert_true(ub_probe_close(probe, NULL));
	assert_sent_count(transport, 2);
	assert_command(transport, 0, "f5");
	assert_command(transport, 1, "f2 21");
}

static void
test_write_memory(void)
{
	g_autoptr(UbScriptTransport) transport = script_transport_new(0x3748);
	g_autoptr(UbProbe) probe = open_v2(transport, 37);
	g_autoptr(GError) error = NULL;
	const guint8 data[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	const char *ok = "80 00 00 00 00 00 00 00 00 00 00 00";
	g_autofree char *hex = NULL;

	/* 0x20000000 + 9: 8 bytes 32-bit (command, data), then 1 byte 8-bit */
	script_reply(transport, ok);
	script_reply(transport, ok);
	g_assert_true(ub_probe_write_memory(probe, 0x20000000, data, sizeof(data),
					    UB_ACCESS_AUTO, &error));
	g_assert_no_error(error);
	assert_sent_count(transport, 6);
	assert_command(transport, 0, "f2 08 00 00 00 20 08 00");
	hex = hex_of(g_ptr_array_index(transport->sent, 1));
	g_assert_cmpstr(hex, ==, "01 02 03 04 05 06 07 08");
	g_assert_cmpuint(g_array_index(transport->endpoints, guint8, 1), ==, 0x02);
	assert_command(transport, 2, "f2 3e");
	assert_command(transport, 3, "f2 0d 08 00 00 20 01 00");
	g_clear_pointer(&hex, g_free);
	hex = hex_of(g_ptr_array_index(transport->sent, 4));
	g_assert_cmpstr(hex, ==, "09");

	/* a write fault (e.g. locked flash) is an error with the address */
	g_ptr_array_set_size(transport->sent, 0);
	script_reply(transport, "11 00 00 00 00 00 00 08 00 00 00 00");
	g_assert_false(ub_probe_write_memory(probe, 0x08000000, data, 4, UB_ACCESS_32, &error));
	g_assert_error(error, UB_TARGET_ERROR, UB_TARGET_ERROR_FAULT);
	g_assert_nonnull(strstr(error->message, "0x08000000"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/core/stlink/version-v2", test_version_v2);
	g_test_add_func("/core/stlink/version-v2-1", test_version_v2_1);
	g_test_add_func("/core/stlink/product-ids", test_product_ids);
	g_test_add_func("/core/stlink/version-v3", test_version_v3);
	g_test_add_func("/core/stlink/version-v3-open", test_version_v3_open);
	g_test_add_func("/core/stlink/status-mapping", test_status_mapping);
	g_test_add_func("/core/stlink/voltage-decode", test_voltage_decode);
	g_test_add_func("/core/stlink/swd-divisor", test_swd_divisor);
	g_test_add_func("/core/stlink/open-leaves-dfu", test_open_leaves_dfu);
	g_test_add_func("/core/stlink/unsupported-v1", test_unsupported_v1);
	g_test_add_func("/core/stlink/enter-swd", test_enter_swd);
	g_test_add_func("/core/stlink/voltage-frequency", test_voltage_and_frequency);
	g_test_add_func("/core/stlink/registers", test_registers);
	g_test_add_func("/core/stlink/read-aligned", test_read_memory_aligned);
	g_test_add_func("/core/stlink/read-unaligned", test_read_memory_unaligned);
	g_test_add_func("/core/stlink/read-unchecked", test_read_memory_unchecked);
	g_test_add_func("/core/stlink/read-limits", test_read_memory_limits);
	g_test_add_func("/core/stlink/read-16bit-old-firmware", test_read_memory_16bit_old);
	g_test_add_func("/core/stlink/memory-fault-wait", test_memory_fault_and_wait);
	g_test_add_func("/core/stlink/write-memory", test_write_memory);
	g_test_add_func("/core/stlink/timeout-follows-clock", test_timeout_follows_clock);
	g_test_add_func("/core/stlink/open-drains-stale-reply", test_open_drains_stale_reply);
	g_test_add_func("/core/stlink/open-resets-silent-probe", test_open_resets_silent_probe);
	g_test_add_func("/core/stlink/firmware-without-swd", test_firmware_without_swd);
	g_test_add_func("/core/stlink/v3-init-ap", test_v3_init_ap);
	g_test_add_func("/core/stlink/close-leaves-mode", test_close_leaves_mode);
	return g_test_run();
}
