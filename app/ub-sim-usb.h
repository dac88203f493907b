/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbSimUsb: a simulated debug probe as a real USB device inside a umockdev testbed. It writes the
 * device into the mock sysfs (descriptors of the real probe: ST-LINK/V2 0483:3748, V2-1
 * 0483:374B, STLINK-V3 0483:374E, the Raspberry Pi Debug Probe or a Pico running debugprobe
 * 2e8a:000c, DAPLink 0d28:0204) and answers the usbdevfs ioctls that libusb sends on the
 * device node, so that unmodified programs (st-info, st-flash, OpenOCD, unbrick-cli) enumerate
 * and drive it through the real libusb. Bulk data goes to and comes from a UbSimUsbFirmware,
 * normally a UbSimProbe model.
 *
 *   g_autoptr(UMockdevTestbed) testbed = umockdev_testbed_new();
 *   g_autoptr(UbSimUsb) usb = ub_sim_usb_new(identity, &firmware, stlink);
 *   ub_sim_usb_plug(usb, testbed, &error);
 *   (run the program with UMOCKDEV_DIR and LD_PRELOAD=libumockdev-preload.so.0)
 *
 * The ioctls arrive on the testbed's worker thread; every call into the firmware is made with
 * the object's lock held, so other threads use ub_sim_usb_lock() before touching the model.
 */
#pragma once

#include <umockdev.h>

#include "ub-sim-probe.h"

G_BEGIN_DECLS

#define UB_SIM_USB_IN_BABBLE UB_SIM_PROBE_IN_OVERFLOW

/* what sits behind the endpoints: the probe's firmware (always called with the lock held) */
typedef struct {
	/* the host wrote len bytes to an OUT endpoint; FALSE: NAK, the packet stays with the host
	 * and is offered again after the next IN transfer */
	gboolean (*bulk_out)(gpointer user_data, guint8 endpoint, const guint8 *data, gsize len);
	/* the host reads an IN endpoint: bytes given (a short packet ends the transfer), -1
	 * when the endpoint NAKs, or UB_SIM_USB_IN_BABBLE when len has no room for the packet */
	gssize (*bulk_in)(gpointer user_data, guint8 endpoint, guint8 *buffer, gsize len);
	/* USB bus reset (USBDEVFS_RESET) or a new plug-in: the probe restarts */
	void (*bus_reset)(gpointer user_data);
} UbSimUsbFirmware;

#define UB_TYPE_SIM_USB (ub_sim_usb_get_type())
G_DECLARE_FINAL_TYPE(UbSimUsb, ub_sim_usb, UB, SIM_USB, UMockdevIoctlBase)

UbSimUsb *ub_sim_usb_new(const UbSimUsbIdentity *identity, const UbSimUsbFirmware *firmware,
			 gpointer user_data);

/* the raw device + configuration descriptors, as the sysfs "descriptors" file holds them */
GBytes *ub_sim_usb_get_descriptors(UbSimUsb *self);
/* the umockdev record (P:/N:/E:/A:/H: lines) for the current bus address */
gchar *ub_sim_usb_build_record(UbSimUsb *self);

/* connect to / disconnect from the testbed's USB bus; each plug-in gets a new address and
 * sends an "add" uevent, an unplug sends "remove" and fails every later request with ENODEV */
gboolean ub_sim_usb_plug(UbSimUsb *self, UMockdevTestbed *testbed, GError **error);
void ub_sim_usb_unplug(UbSimUsb *self, UMockdevTestbed *testbed);
gboolean ub_sim_usb_get_plugged(UbSimUsb *self);
/* how many requests of the program were answered ENODEV (LIBUSB_ERROR_NO_DEVICE): it asked
 * after the device had gone */
guint ub_sim_usb_get_refused(UbSimUsb *self);
const gchar *ub_sim_usb_get_devnode(UbSimUsb *self);

/* the lock that serialises the firmware with the ioctl thread */
void ub_sim_usb_lock(UbSimUsb *self);
void ub_sim_usb_unlock(UbSimUsb *self);

/* the path of libumockdev-preload.so.0 to put into LD_PRELOAD */
gchar *ub_sim_usb_find_preload_library(void);
/* the testbed must live in a process that runs under the preload library (udev uevents are
 * built from the mocked sysfs): re-runs this program with LD_PRELOAD set, unless it already
 * is; returns TRUE when already in the mock environment, FALSE with error if exec failed */
gboolean ub_sim_usb_reexec_in_mock_environment(gchar **argv, GError **error);

G_END_DECLS
