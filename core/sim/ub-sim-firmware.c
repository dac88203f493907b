/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-error.h"
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

GBytes *
ub_sim_firmware_set_param(GBytes *image, const char *name, guint32 value, GError **error)
{
	g_autofree char *tag = g_strdup_printf("ubsim-param:%s", name);
	gsize tag_len = strlen(tag) + 1; /* with its NUL */
	gsize size = 0;
	const guint8 *data = g_bytes_get_data(image, &size);
	guint8 *copy;

	/* tags start on a word boundary; the value follows on the next one */
	for (gsize at = 0; at + tag_len + 4 <= size; at += 4) {
		gsize value_at = (at + tag_len + 3) & ~(gsize)3;
		guint32 le = GUINT32_TO_LE(value);

		if (memcmp(data + at, tag, tag_len) != 0 || value_at + 4 > size)
			continue;
		copy = g_memdup2(data, size);
		memcpy(copy + value_at, &le, 4);
		return g_bytes_new_take(copy, size);
	}
	g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		    "the image has no parameter '%s'", name);
	return NULL;
}
