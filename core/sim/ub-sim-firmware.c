/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ub-sim-firmware.h"

GBytes *
ub_sim_firmware_lookup(const char *name)
{
	g_return_val_if_fail(name != NULL, NULL);
	for (guint i = 0; ub_sim_firmware_images[i].name != NULL; i++) {
		if (g_strcmp0(ub_sim_firmware_images[i].name, name) == 0)
			return g_bytes_new_static(ub_sim_firmware_images[i].data,
			                          ub_sim_firmware_images[i].size);
	}
	return NULL;
}
