/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which other program has a file open, as /proc tells it: for a probe that is busy, the
 * usbfs node /dev/bus/usb/BBB/DDD another program (OpenOCD, st-util, another unbrick) holds.
 * Only processes this user may look into are seen; NULL when none is.
 *
 *   g_autofree char *holder = ub_file_find_holder("/dev/bus/usb/001/007");
 *   → "openocd (pid 4711)"
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *ub_file_find_holder(const char *path);
/* the usbfs node of a USB device */
char *ub_usb_node_path(guint8 bus, guint8 address);

G_END_DECLS
