/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The umockdev USB device (UbSimUsb) seen through the real libusb: this program starts a copy
 * of itself inside the testbed (UMOCKDEV_DIR + LD_PRELOAD) and the copy enumerates, reads
 * descriptors, moves bulk data in both directions, cancels, resets and watches hot-plug. The
 * firmware behind the endpoints is a loopback (OUT bytes come back on IN), so these tests
 * check the USB plumbing only; the ST-LINK model is checked by the conformance tests.
 */
#include "config.h"

#include <gio/gio.h>
#include <libusb.h>
#include <stdio.h>
#include <string.h>

#include "ub-sim-usb.h"

#define SERIAL "37FF71064E57343625231543"

/* parent side: the loopback firmware */

typedef struct {
	GByteArray *queue;
	guint bus_resets;
	guint8 endpoint_out;
	guint8 endpoint_in;
} Loopback;

static gboolean
loopback_bulk_out(gpointer user_data, guint8 endpoint, const guint8 *data, gsize len)
{
	Loopback *loopback = user_data;
	if (endpoint == loopback->endpoint_out)
		g_byte_array_append(loopback->queue, data, len);
	return TRUE;
}

static gssize
loopback_bulk_in(gpointer user_data, guint8 endpoint, guint8 *buffer, gsize len)
{
	Loopback *loopback = user_data;
	gsize n;

	if (endpoint != loopback->endpoint_in || loopback->queue->len == 0)
		return -1;
	/* whole 64-byte packets, as a device sends them; no room for the next is babble */
	n = MIN(len, loopback->queue->len);
	if (n < loopback->queue->len)
		n -= n % 64;
	if (n == 0)
		return UB_SIM_USB_IN_BABBLE;
	memcpy(buffer, loopback->queue->data, n);
	g_byte_array_remove_range(loopback->queue, 0, n);
	return n;
}

static void
loopback_bus_reset(gpointer user_data)
{
	Loopback *loopback = user_data;
	loopback->bus_resets++;
	g_byte_array_set_size(loopback->queue, 0);
}

static const UbSimUsbFirmware loopback_firmware = {
    .bulk_out = loopback_bulk_out,
    .bulk_in = loopback_bulk_in,
    .bus_reset = loopback_bus_reset,
};

static const UbSimUsbIdentity identity_v2 = {
    0x0483, 0x3748, 0x0100, "STMicroelectronics", "STM32 STLink", SERIAL, 0x02, 0x81, 0x83, 64,
};
static const UbSimUsbIdentity identity_v2_1 = {
    0x0483, 0x374b, 0x0100, "STMicroelectronics", "STM32 STLink", SERIAL, 0x01, 0x81, 0x82, 64,
};
static const UbSimUsbIdentity identity_v3 = {
    0x0483, 0x374e, 0x0100, "STMicroelectronics", "STLINK-V3", SERIAL, 0x01, 0x81, 0x82, 512,
};

/* a few fixed ST-LINK answers, enough for st-info --probe to identify an F405; it stands in
 * for the probe model so that the USB layer is tested against the real tool on its own */
typedef struct {
	GByteArray *reply;
	guint8 mode;
	guint commands;
	gsize write_data; /* bytes of a WRITEMEM data phase still to come */
} Scripted;

static guint32
scripted_memory(guint32 address)
{
	switch (address & ~3u) {
	case 0xe000ed00: /* CPUID: Cortex-M4 r0p1 */
		return 0x410fc241;
	case 0xe0042000: /* DBGMCU_IDCODE: rev 0x1007, dev 0x413 */
		return 0x10076413;
	case 0x1fff7a20: /* flash size 1024 KiB in the upper half-word */
		return 0x04000000;
	case 0xe000edf0: /* DHCSR: debug enabled, halted */
		return 0x00030003;
	case 0xe000ef40: /* MVFR0, MVFR1: single-precision FPU */
		return 0x10110021;
	case 0xe000ef44:
		return 0x11000011;
	case 0xe0002000: /* FP_CTRL: 6 code comparators */
		return 0x00000260;
	case 0xe0001000: /* DWT_CTRL: 4 comparators */
		return 0x40000000;
	default:
		return 0;
	}
}

static void
scripted_reply(Scripted *scripted, gsize n, ...)
{
	va_list args;
	va_start(args, n);
	for (gsize i = 0; i < n; i++) {
		guint8 byte = (guint8)va_arg(args, guint);
		g_byte_array_append(scripted->reply, &byte, 1);
	}
	va_end(args);
}

static void
scripted_reply_u32(Scripted *scripted, guint32 value)
{
	scripted_reply(scripted, 4, value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff,
		       value >> 24);
}

static gboolean
scripted_bulk_out(gpointer user_data, guint8 endpoint, const guint8 *data, gsize len)
{
	Scripted *scripted = user_data;
	guint32 address = len >= 6 ? data[2] | data[3] << 8 | data[4] << 16 | (guint32)data[5] << 24
				   : 0;

	if (scripted->write_data > 0) {
		scripted->write_data -= MIN(len, scripted->write_data);
		return TRUE;
	}
	scripted->commands++;
	switch (data[0]) {
	case 0xf1: /* V2J37S7, 0483:3748 */
		scripted_reply(scripted, 6, 0x29, 0x47, 0x83, 0x04, 0x48, 0x37);
		break;
	case 0xf5:
		scripted_reply(scripted, 2, scripted->mode, 0);
		break;
	case 0xf7: /* 3.3 V */
		scripted_reply_u32(scripted, 1200);
		scripted_reply_u32(scripted, 1650);
		break;
	case 0xf2:
		switch (data[1]) {
		case 0x21:
			scripted->mode = 1;
			break;
		case 0x30:
			scripted->mode = 2;
			scripted_reply(scripted, 2, 0x80, 0);
			break;
		case 0x31:
			scripted_reply_u32(scripted, 0x80);
			scripted_reply_u32(scripted, 0x2ba01477);
			scripted_reply_u32(scripted, 0);
			break;
		case 0x36:
			scripted_reply_u32(scripted, 0x80);
			scripted_reply_u32(scripted, scripted_memory(address));
			break;
		case 0x07:
			for (guint i = 0; i < (guint)(data[6] | data[7] << 8); i += 4)
				scripted_reply_u32(scripted, scripted_memory(address + i));
			break;
		case 0x08: /* WRITEMEM_32BIT / 8BIT: a data phase follows, no reply */
		case 0x0d:
			scripted->write_data = data[6] | data[7] << 8;
			break;
		case 0x33: /* READREG (API v2): status + value */
			scripted_reply_u32(scripted, 0x80);
			scripted_reply_u32(scripted, data[2] == 16 ? 0x01000000 : 0);
			break;
		case 0x3e:
			scripted_reply_u32(scripted, 0x80);
			scripted_reply_u32(scripted, 0);
			scripted_reply_u32(scripted, 0);
			break;
		default:
			scripted_reply(scripted, 2, 0x80, 0);
			break;
		}
		break;
	default:
		break;
	}
	return TRUE;
}

static gssize
scripted_bulk_in(gpointer user_data, guint8 endpoint, guint8 *buffer, gsize len)
{
	Scripted *scripted = user_data;
	gsize n;

	if (endpoint != 0x81 || scripted->reply->len == 0)
		return -1;
	n = MIN(len, scripted->reply->len);
	memcpy(buffer, scripted->reply->data, n);
	g_byte_array_remove_range(scripted->reply, 0, n);
	return n;
}

static const UbSimUsbFirmware scripted_firmware = {
    .bulk_out = scripted_bulk_out,
    .bulk_in = scripted_bulk_in,
};

/* product NULL: the scripted ST-LINK answers instead of the loopback */
static const UbSimUsbIdentity identity_scripted = {0};

typedef struct {
	UMockdevTestbed *testbed;
	UbSimUsb *usb;
	Loopback loopback;
	Scripted scripted;
} Fixture;

static void
fixture_set_up(Fixture *fixture, gconstpointer user_data)
{
	const UbSimUsbIdentity *identity = user_data != NULL ? user_data : &identity_v2;
	g_autoptr(GError) error = NULL;

	fixture->loopback.queue = g_byte_array_new();
	fixture->scripted.reply = g_byte_array_new();
	fixture->scripted.mode = 1;
	fixture->loopback.endpoint_out = identity->endpoint_out;
	fixture->loopback.endpoint_in = identity->endpoint_in;
	fixture->testbed = umockdev_testbed_new();
	if (identity->product == NULL)
		fixture->usb = ub_sim_usb_new(&identity_v2, &scripted_firmware, &fixture->scripted);
	else
		fixture->usb = ub_sim_usb_new(identity, &loopback_firmware, &fixture->loopback);
	g_assert_true(ub_sim_usb_plug(fixture->usb, fixture->testbed, &error));
	g_assert_no_error(error);
}

static void
fixture_tear_down(Fixture *fixture, gconstpointer user_data)
{
	if (ub_sim_usb_get_plugged(fixture->usb))
		ub_sim_usb_unplug(fixture->usb, fixture->testbed);
	g_clear_object(&fixture->usb);
	g_clear_object(&fixture->testbed);
	g_byte_array_unref(fixture->loopback.queue);
	g_byte_array_unref(fixture->scripted.reply);
}

typedef void (*ReadyFunc)(Fixture *fixture);

typedef struct {
	Fixture *fixture;
	ReadyFunc on_ready;
	GMainLoop *loop;
	GString *output;
	gboolean eof;
	gboolean exited;
} ChildRun;

static void
child_run_maybe_quit(ChildRun *run)
{
	if (run->eof && run->exited)
		g_main_loop_quit(run->loop);
}

static void
child_read_line_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	ChildRun *run = user_data;
	GDataInputStream *stream = G_DATA_INPUT_STREAM(source);
	g_autofree gchar *line = g_data_input_stream_read_line_finish(stream, res, NULL, NULL);

	if (line == NULL) {
		run->eof = TRUE;
		child_run_maybe_quit(run);
		return;
	}
	g_string_append_printf(run->output, "%s\n", line);
	if (g_strcmp0(line, "ready") == 0 && run->on_ready != NULL)
		run->on_ready(run->fixture);
	g_data_input_stream_read_line_async(stream, G_PRIORITY_DEFAULT, NULL, child_read_line_cb,
					    run);
}

static void
child_wait_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	ChildRun *run = user_data;
	g_assert_true(g_subprocess_wait_finish(G_SUBPROCESS(source), res, NULL));
	run->exited = TRUE;
	child_run_maybe_quit(run);
}

/* runs ARGV inside the testbed; returns its output */
static gchar *
run_program(Fixture *fixture, const gchar *const *argv, ReadyFunc on_ready, gint *exit_status)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocessLauncher) launcher = NULL;
	g_autoptr(GSubprocess) child = NULL;
	g_autoptr(GDataInputStream) stream = NULL;
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	g_autofree gchar *root = umockdev_testbed_get_root_dir(fixture->testbed);
	ChildRun run = {fixture, on_ready, loop, g_string_new(NULL), FALSE, FALSE};

	/* LD_PRELOAD is inherited: this process runs in the mock environment already */
	launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
					     G_SUBPROCESS_FLAGS_STDERR_MERGE);
	g_subprocess_launcher_setenv(launcher, "UMOCKDEV_DIR", root, TRUE);
	child = g_subprocess_launcher_spawnv(launcher, argv, &error);
	g_assert_no_error(error);

	stream = g_data_input_stream_new(g_subprocess_get_stdout_pipe(child));
	g_data_input_stream_read_line_async(stream, G_PRIORITY_DEFAULT, NULL, child_read_line_cb,
					    &run);
	g_subprocess_wait_async(child, NULL, child_wait_cb, &run);
	g_main_loop_run(loop);

	*exit_status = g_subprocess_get_if_exited(child) ? g_subprocess_get_exit_status(child) : -1;
	g_test_message("%s (exit %d):\n%s", argv[0], *exit_status, run.output->str);
	return g_string_free(run.output, FALSE);
}

/* runs this program as "--child MODE" inside the testbed */
static gchar *
run_child(Fixture *fixture, const gchar *mode, ReadyFunc on_ready, gint *exit_status)
{
	g_autofree gchar *self_path = g_file_read_link("/proc/self/exe", NULL);
	const gchar *argv[] = {self_path, "--child", mode, NULL};
	return run_program(fixture, argv, on_ready, exit_status);
}

static void
test_enumerate_v2(Fixture *fixture, gconstpointer user_data)
{
	gint status;
	g_autofree gchar *out = run_child(fixture, "enumerate", NULL, &status);

	g_assert_cmpint(status, ==, 0);
	g_assert_nonnull(strstr(out, "device 0483:3748 bus 1 address 2 speed 2\n"));
	g_assert_nonnull(strstr(out, "class 00/00/00 bcdDevice 0100 configurations 1\n"));
	g_assert_nonnull(strstr(out, "interface 0 class ff/ff/ff endpoints 81:2:64 02:2:64 83:2:64\n"));
	g_assert_nonnull(strstr(out, "interfaces 1 configuration 1 maxpower 50\n"));
	g_assert_nonnull(strstr(out, "manufacturer STMicroelectronics\n"));
	g_assert_nonnull(strstr(out, "product STM32 STLink\n"));
	g_assert_nonnull(strstr(out, "serial " SERIAL "\n"));
	/* stlink-org reads the serial into 48 bytes and wants to see bLength 50 */
	g_assert_nonnull(strstr(out, "serial-descriptor got 48 bLength 50\n"));
	g_assert_nonnull(strstr(out, "langid 0409\n"));
}

static void
test_enumerate_v2_1(Fixture *fixture, gconstpointer user_data)
{
	gint status;
	g_autofree gchar *out = run_child(fixture, "enumerate", NULL, &status);

	g_assert_cmpint(status, ==, 0);
	g_assert_nonnull(strstr(out, "device 0483:374b bus 1 address 2 speed 2\n"));
	g_assert_nonnull(strstr(out, "class ef/02/01 bcdDevice 0100 configurations 1\n"));
	g_assert_nonnull(strstr(out, "interface 0 class ff/ff/ff endpoints 81:2:64 01:2:64 82:2:32\n"));
	g_assert_nonnull(strstr(out, "interface 1 class 08/06/50 endpoints 83:2:64 03:2:64\n"));
	g_assert_nonnull(strstr(out, "interface 2 class 02/02/01 endpoints 84:3:2\n"));
	g_assert_nonnull(strstr(out, "interface 3 class 0a/00/00 endpoints 05:2:8 85:2:16\n"));
	g_assert_nonnull(strstr(out, "interfaces 4 configuration 1 maxpower 50\n"));
}

static void
test_enumerate_v3(Fixture *fixture, gconstpointer user_data)
{
	gint status;
	g_autofree gchar *out = run_child(fixture, "enumerate", NULL, &status);

	g_assert_cmpint(status, ==, 0);
	g_assert_nonnull(strstr(out, "device 0483:374e bus 1 address 2 speed 3\n"));
	g_assert_nonnull(
	    strstr(out, "interface 0 class ff/ff/ff endpoints 81:2:512 01:2:512 82:2:512\n"));
	g_assert_nonnull(strstr(out, "interfaces 4 configuration 1 maxpower 250\n"));
	g_assert_nonnull(strstr(out, "product STLINK-V3\n"));
}

static void
test_transfer(Fixture *fixture, gconstpointer user_data)
{
	gint status;
	g_autofree gchar *out = run_child(fixture, "transfer", NULL, &status);

	g_assert_cmpint(status, ==, 0);
	g_assert_nonnull(strstr(out, "sync out 16 in 16 equal 1\n"));
	/* OpenOCD's order: the IN is submitted before the OUT that produces its data */
	g_assert_nonnull(strstr(out, "async in-first out 10 in 10 equal 1\n"));
	/* a large transfer arrives in one piece and comes back whole */
	g_assert_nonnull(strstr(out, "large out 32768 in 32768 equal 1\n"));
	/* nothing on the trace endpoint: the IN times out and is discarded */
	g_assert_nonnull(strstr(out, "trace LIBUSB_ERROR_TIMEOUT\n"));
	g_assert_nonnull(strstr(out, "after-cancel out 4 in 4 equal 1\n"));
	g_assert_nonnull(strstr(out, "bad-endpoint LIBUSB_ERROR_IO\n"));
	g_assert_nonnull(strstr(out, "short-read LIBUSB_ERROR_OVERFLOW\n"));
	g_assert_nonnull(strstr(out, "then LIBUSB_SUCCESS / LIBUSB_TRANSFER_COMPLETED 10\n"));
	g_assert_nonnull(strstr(out, "reset LIBUSB_SUCCESS"));
	g_assert_cmpuint(fixture->loopback.bus_resets, ==, 1);
}

static void
replug(Fixture *fixture)
{
	g_autoptr(GError) error = NULL;

	ub_sim_usb_unplug(fixture->usb, fixture->testbed);
	g_assert_true(ub_sim_usb_plug(fixture->usb, fixture->testbed, &error));
	g_assert_no_error(error);
}

static void
test_hotplug(Fixture *fixture, gconstpointer user_data)
{
	gint status;
	g_autofree gchar *out = NULL;

	if (!libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
		g_test_skip("libusb without hot-plug support");
		return;
	}
	out = run_child(fixture, "hotplug", replug, &status);
	g_assert_cmpint(status, ==, 0);
	/* the re-plugged probe comes back at the next address, like after a real re-plug */
	g_assert_nonnull(strstr(out, "ready\nleft 1 2\narrived 1 3\n"));
	g_assert_nonnull(strstr(out, "open-after-replug LIBUSB_SUCCESS"));
	/* the new connection is served (a stale one would get ENODEV) */
	g_assert_nonnull(strstr(out, "echo-after-replug out 16 in 16 equal 1\n"));
	/* plugging in again restarts the probe firmware */
	g_assert_cmpuint(fixture->loopback.bus_resets, ==, 1);
}

/* the real st-info through the real libusb, with the scripted answers behind the endpoints */
static void
test_st_info(Fixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *st_info = g_find_program_in_path("st-info");
	const gchar *argv[] = {st_info, "--probe", NULL};
	g_autofree gchar *out = NULL;
	gint status;

	if (st_info == NULL) {
		g_test_skip("st-info (stlink-tools) is not installed");
		return;
	}
	out = run_program(fixture, argv, NULL, &status);
	g_assert_cmpint(status, ==, 0);
	g_assert_nonnull(strstr(out, "Found 1 stlink programmers\n"));
	g_assert_nonnull(strstr(out, "version:    V2J37S7\n"));
	g_assert_nonnull(strstr(out, "serial:     " SERIAL "\n"));
	g_assert_nonnull(strstr(out, "flash:      1048576 (pagesize: 16384)\n"));
	g_assert_nonnull(strstr(out, "chipid:     0x0413\n"));
	g_assert_cmpuint(fixture->scripted.commands, >, 10);
}

/* OpenOCD (HLA driver) submits its IN transfers together with the commands */
static void
test_openocd(Fixture *fixture, gconstpointer user_data)
{
	g_autofree gchar *openocd = g_find_program_in_path("openocd");
	const gchar *argv[] = {openocd,
			       "-c",
			       "gdb_port disabled; tcl_port disabled; telnet_port disabled",
			       "-f",
			       "interface/stlink.cfg",
			       "-f",
			       "target/stm32f4x.cfg",
			       "-c",
			       "init",
			       "-c",
			       "exit",
			       NULL};
	g_autofree gchar *out = NULL;
	gint status;

	if (openocd == NULL) {
		g_test_skip("openocd is not installed");
		return;
	}
	out = run_program(fixture, argv, NULL, &status);
	g_assert_cmpint(status, ==, 0);
	g_assert_nonnull(strstr(out, "STLINK V2J37S7 (API v2) VID:PID 0483:3748"));
	g_assert_nonnull(strstr(out, "Target voltage: 3.3"));
	g_assert_nonnull(strstr(out, "Cortex-M4 r0p1 processor detected"));
	g_assert_cmpuint(fixture->scripted.commands, >, 20);
}

static void
unplug(Fixture *fixture)
{
	ub_sim_usb_unplug(fixture->usb, fixture->testbed);
}

static void
test_unplug_during_transfer(Fixture *fixture, gconstpointer user_data)
{
	gint status;
	g_autofree gchar *out = run_child(fixture, "unplug", unplug, &status);

	g_assert_cmpint(status, ==, 0);
	g_assert_nonnull(strstr(out, "pending-in LIBUSB_TRANSFER_NO_DEVICE\n"));
	g_assert_nonnull(strstr(out, "next-out LIBUSB_ERROR_NO_DEVICE\n"));
}

/* child side: plain libusb, as the tools use it */

static libusb_device_handle *
child_open(libusb_context *ctx)
{
	libusb_device_handle *handle = libusb_open_device_with_vid_pid(ctx, 0x0483, 0x3748);
	if (handle == NULL)
		handle = libusb_open_device_with_vid_pid(ctx, 0x0483, 0x374b);
	if (handle == NULL)
		handle = libusb_open_device_with_vid_pid(ctx, 0x0483, 0x374e);
	return handle;
}

static int
child_enumerate(libusb_context *ctx)
{
	libusb_device **list = NULL;
	ssize_t n = libusb_get_device_list(ctx, &list);
	int found = 0;

	for (ssize_t i = 0; i < n; i++) {
		struct libusb_device_descriptor desc;
		struct libusb_config_descriptor *config = NULL;
		libusb_device_handle *handle = NULL;
		unsigned char text[256];
		unsigned char raw[48];
		int r;

		libusb_get_device_descriptor(list[i], &desc);
		if (desc.idVendor != 0x0483)
			continue;
		found++;
		printf("device %04x:%04x bus %u address %u speed %d\n", desc.idVendor,
		       desc.idProduct, libusb_get_bus_number(list[i]),
		       libusb_get_device_address(list[i]), libusb_get_device_speed(list[i]));
		printf("class %02x/%02x/%02x bcdDevice %04x configurations %u\n", desc.bDeviceClass,
		       desc.bDeviceSubClass, desc.bDeviceProtocol, desc.bcdDevice,
		       desc.bNumConfigurations);
		if (libusb_get_config_descriptor(list[i], 0, &config) != 0)
			return 1;
		printf("interfaces %u configuration %u maxpower %u\n", config->bNumInterfaces,
		       config->bConfigurationValue, config->MaxPower);
		for (int j = 0; j < config->bNumInterfaces; j++) {
			const struct libusb_interface_descriptor *alt =
			    &config->interface[j].altsetting[0];
			printf("interface %u class %02x/%02x/%02x endpoints", alt->bInterfaceNumber,
			       alt->bInterfaceClass, alt->bInterfaceSubClass,
			       alt->bInterfaceProtocol);
			for (int k = 0; k < alt->bNumEndpoints; k++)
				printf(" %02x:%u:%u", alt->endpoint[k].bEndpointAddress,
				       (guint)(alt->endpoint[k].bmAttributes & 3),
				       alt->endpoint[k].wMaxPacketSize);
			printf("\n");
		}
		libusb_free_config_descriptor(config);

		if (libusb_open(list[i], &handle) != 0)
			return 1;
		r = libusb_get_string_descriptor(handle, 0, 0, raw, sizeof(raw));
		printf("langid %02x%02x\n", r >= 4 ? raw[3] : 0u, r >= 4 ? raw[2] : 0u);
		r = libusb_get_string_descriptor_ascii(handle, desc.iManufacturer, text,
						       sizeof(text));
		printf("manufacturer %s\n", r > 0 ? (char *)text : "?");
		r = libusb_get_string_descriptor_ascii(handle, desc.iProduct, text, sizeof(text));
		printf("product %s\n", r > 0 ? (char *)text : "?");
		r = libusb_get_string_descriptor_ascii(handle, desc.iSerialNumber, text,
						       sizeof(text));
		printf("serial %s\n", r > 0 ? (char *)text : "?");
		r = libusb_get_string_descriptor(handle, desc.iSerialNumber, 0x0409, raw,
						 sizeof(raw));
		printf("serial-descriptor got %d bLength %u\n", r, r > 0 ? raw[0] : 0u);
		libusb_close(handle);
	}
	libusb_free_device_list(list, 1);
	return found == 1 ? 0 : 1;
}

static void
child_echo(libusb_device_handle *handle, const char *label, int length, unsigned char out_ep,
	   unsigned char in_ep)
{
	g_autofree unsigned char *out = g_malloc(length);
	g_autofree unsigned char *in = g_malloc0(length);
	int sent = 0, received = 0;

	for (int i = 0; i < length; i++)
		out[i] = (unsigned char)(i * 7 + 3);
	libusb_bulk_transfer(handle, out_ep, out, length, &sent, 3000);
	libusb_bulk_transfer(handle, in_ep, in, length, &received, 3000);
	printf("%s out %d in %d equal %d\n", label, sent, received,
	       received == length && memcmp(in, out, length) == 0);
}

static void LIBUSB_CALL
child_transfer_done_cb(struct libusb_transfer *transfer)
{
	int *done = transfer->user_data;
	(*done)++;
}

static int
child_transfer(libusb_context *ctx)
{
	libusb_device_handle *handle = child_open(ctx);
	struct libusb_transfer *in_transfer;
	struct libusb_transfer *out_transfer;
	unsigned char out[10] = {0xf2, 0x07, 1, 2, 3, 4, 5, 6, 7, 8};
	unsigned char in[64] = {0};
	unsigned char trace[64];
	int done = 0, n = 0, r;

	if (handle == NULL || libusb_claim_interface(handle, 0) != 0)
		return 1;
	child_echo(handle, "sync", 16, 0x02, 0x81);

	in_transfer = libusb_alloc_transfer(0);
	out_transfer = libusb_alloc_transfer(0);
	libusb_fill_bulk_transfer(in_transfer, handle, 0x81, in, sizeof(in), child_transfer_done_cb,
				  &done, 3000);
	libusb_fill_bulk_transfer(out_transfer, handle, 0x02, out, sizeof(out),
				  child_transfer_done_cb, &done, 3000);
	if (libusb_submit_transfer(in_transfer) != 0 || libusb_submit_transfer(out_transfer) != 0)
		return 1;
	while (done < 2)
		libusb_handle_events(ctx);
	printf("async in-first out %d in %d equal %d\n", out_transfer->actual_length,
	       in_transfer->actual_length,
	       in_transfer->actual_length == (int)sizeof(out) &&
		   memcmp(in, out, sizeof(out)) == 0);
	libusb_free_transfer(in_transfer);
	libusb_free_transfer(out_transfer);

	child_echo(handle, "large", 32768, 0x02, 0x81);

	r = libusb_bulk_transfer(handle, 0x83, trace, sizeof(trace), &n, 100);
	printf("trace %s\n", libusb_error_name(r));
	child_echo(handle, "after-cancel", 4, 0x02, 0x81);

	r = libusb_bulk_transfer(handle, 0x86, trace, sizeof(trace), &n, 100);
	printf("bad-endpoint %s\n", libusb_error_name(r));

	/* less room than the device's packet: babble; the packet is still there afterwards */
	libusb_bulk_transfer(handle, 0x02, out, 10, &n, 3000);
	r = libusb_bulk_transfer(handle, 0x81, in, 4, &n, 3000);
	printf("short-read %s\n", libusb_error_name(r));
	r = libusb_bulk_transfer(handle, 0x81, in, sizeof(in), &n, 3000);
	printf("then %s %d\n", libusb_error_name(r), n);

	r = libusb_reset_device(handle);
	printf("reset %s\n", libusb_error_name(r));
	libusb_release_interface(handle, 0);
	libusb_close(handle);
	return 0;
}

typedef struct {
	int arrived;
	int left;
} HotplugCount;

static int LIBUSB_CALL
child_hotplug_cb(libusb_context *ctx, libusb_device *device, libusb_hotplug_event event,
		 void *user_data)
{
	HotplugCount *count = user_data;

	if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED)
		count->arrived++;
	else
		count->left++;
	/* the arrival found by LIBUSB_HOTPLUG_ENUMERATE comes before "ready" and is not printed */
	if (count->arrived > 1 || count->left > 0)
		printf("%s %u %u\n", event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED ? "arrived" : "left",
		       libusb_get_bus_number(device), libusb_get_device_address(device));
	fflush(stdout);
	return 0;
}

static int
child_hotplug(libusb_context *ctx)
{
	HotplugCount count = {0, 0};
	libusb_hotplug_callback_handle callback;
	libusb_device_handle *handle;
	gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
	int r;

	r = libusb_hotplug_register_callback(
	    ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
	    LIBUSB_HOTPLUG_ENUMERATE, 0x0483, 0x3748, LIBUSB_HOTPLUG_MATCH_ANY, child_hotplug_cb,
	    &count, &callback);
	if (r != LIBUSB_SUCCESS || count.arrived != 1)
		return 1;
	printf("ready\n");
	fflush(stdout);
	while ((count.arrived < 2 || count.left < 1) && g_get_monotonic_time() < deadline) {
		struct timeval tv = {0, 100000};
		libusb_handle_events_timeout_completed(ctx, &tv, NULL);
	}
	libusb_hotplug_deregister_callback(ctx, callback);
	handle = child_open(ctx);
	printf("open-after-replug %s\n", libusb_error_name(handle != NULL ? 0 : LIBUSB_ERROR_NO_DEVICE));
	if (handle != NULL) {
		if (libusb_claim_interface(handle, 0) == 0)
			child_echo(handle, "echo-after-replug", 16, 0x02, 0x81);
		libusb_close(handle);
	}
	return count.arrived == 2 && count.left == 1 ? 0 : 1;
}

static int
child_unplug(libusb_context *ctx)
{
	libusb_device_handle *handle = child_open(ctx);
	struct libusb_transfer *transfer;
	unsigned char in[64];
	unsigned char out[16] = {0xf1};
	int done = 0, n = 0, r;
	gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;

	if (handle == NULL || libusb_claim_interface(handle, 0) != 0)
		return 1;
	transfer = libusb_alloc_transfer(0);
	libusb_fill_bulk_transfer(transfer, handle, 0x81, in, sizeof(in), child_transfer_done_cb,
				  &done, 0);
	if (libusb_submit_transfer(transfer) != 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	while (done == 0 && g_get_monotonic_time() < deadline) {
		struct timeval tv = {0, 100000};
		libusb_handle_events_timeout_completed(ctx, &tv, NULL);
	}
	printf("pending-in %s\n", done != 0 && transfer->status == LIBUSB_TRANSFER_NO_DEVICE
					  ? "LIBUSB_TRANSFER_NO_DEVICE"
					  : "other");
	libusb_free_transfer(transfer);
	r = libusb_bulk_transfer(handle, 0x02, out, sizeof(out), &n, 1000);
	printf("next-out %s\n", libusb_error_name(r));
	libusb_close(handle);
	return 0;
}

static int
child_main(const char *mode)
{
	libusb_context *ctx = NULL;
	int ret = 2;

	if (libusb_init(&ctx) != 0)
		return 1;
	if (g_strcmp0(mode, "enumerate") == 0)
		ret = child_enumerate(ctx);
	else if (g_strcmp0(mode, "transfer") == 0)
		ret = child_transfer(ctx);
	else if (g_strcmp0(mode, "hotplug") == 0)
		ret = child_hotplug(ctx);
	else if (g_strcmp0(mode, "unplug") == 0)
		ret = child_unplug(ctx);
	fflush(stdout);
	libusb_exit(ctx);
	return ret;
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;

	if (argc == 3 && g_strcmp0(argv[1], "--child") == 0)
		return child_main(argv[2]);
	if (!ub_sim_usb_reexec_in_mock_environment(argv, &error)) {
		g_printerr("%s\n", error->message);
		return 1;
	}

	g_test_init(&argc, &argv, NULL);
	g_test_add("/sim/usb/enumerate-v2", Fixture, &identity_v2, fixture_set_up,
		   test_enumerate_v2, fixture_tear_down);
	g_test_add("/sim/usb/enumerate-v2-1", Fixture, &identity_v2_1, fixture_set_up,
		   test_enumerate_v2_1, fixture_tear_down);
	g_test_add("/sim/usb/enumerate-v3", Fixture, &identity_v3, fixture_set_up,
		   test_enumerate_v3, fixture_tear_down);
	g_test_add("/sim/usb/transfer", Fixture, &identity_v2, fixture_set_up, test_transfer,
		   fixture_tear_down);
	g_test_add("/sim/usb/st-info", Fixture, &identity_scripted, fixture_set_up, test_st_info,
		   fixture_tear_down);
	g_test_add("/sim/usb/openocd", Fixture, &identity_scripted, fixture_set_up, test_openocd,
		   fixture_tear_down);
	g_test_add("/sim/usb/hotplug", Fixture, &identity_v2, fixture_set_up, test_hotplug,
		   fixture_tear_down);
	g_test_add("/sim/usb/unplug-during-transfer", Fixture, &identity_v2, fixture_set_up,
		   test_unplug_during_transfer, fixture_tear_down);
	return g_test_run();
}
