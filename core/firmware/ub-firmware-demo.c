/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ub-firmware-demo.h"

#include <string.h>

#include "ub-image-bin.h"
#include "ub-vesc-layout.h"

/* what every archive build 3.55-7.00 has (reference 0, "VESC app reset vector") */
#define DEMO_INITIAL_SP 0x20000800u
#define DEMO_RESET_HANDLER 0x0800C000u
/* Cortex-M vector table: 16 system entries + 82 STM32F405 interrupts */
#define DEMO_VECTOR_COUNT (16 + 82)
#define DEMO_HW_NAME_MAX 64

static void
put_u32(guint8 *data, guint32 value)
{
	data[0] = (guint8)value;
	data[1] = (guint8)(value >> 8);
	data[2] = (guint8)(value >> 16);
	data[3] = (guint8)(value >> 24);
}

/**
 * ub_firmware_demo_image_new:
 * @hw_name: the VESC HW_NAME to carry, e.g. "410"
 * @layout: UB_FIRMWARE_LAYOUT_384K (0xFF gap, 393208 bytes) or _512K (0x00 gap, 524280)
 *
 * Returns: (transfer full): a raw image based at 0x08000000. It states no version: the demo
 *   does not pretend to be a real release.
 */
UbImage *
ub_firmware_demo_image_new(const gchar *hw_name, UbFirmwareLayout layout, GError **error)
{
	g_autoptr(UbImageBin) image = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_autofree gchar *marker = NULL;
	guint8 *data;
	gsize size;
	guint8 fill;
	gsize code = DEMO_RESET_HANDLER - UB_VESC_APP_ADDRESS;
	const gchar *banner = "unbrick demo firmware";

	g_return_val_if_fail(hw_name != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (hw_name[0] == '\0' || strlen(hw_name) > DEMO_HW_NAME_MAX) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "HW name must have 1 to %d characters", DEMO_HW_NAME_MAX);
		return NULL;
	}
	for (const gchar *c = hw_name; *c != '\0'; c++) {
		if (*c < 0x20 || *c > 0x7E) {
			g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
			                    "HW name must be printable ASCII");
			return NULL;
		}
	}
	switch (layout) {
	case UB_FIRMWARE_LAYOUT_384K:
		size = UB_VESC_APP_SIZE_384K;
		fill = 0xFF;
		break;
	case UB_FIRMWARE_LAYOUT_512K:
		size = UB_VESC_APP_SIZE_512K;
		fill = 0x00;
		break;
	case UB_FIRMWARE_LAYOUT_UNKNOWN:
	default:
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_UNSUPPORTED,
		                    "demo image needs a 384k or 512k layout");
		return NULL;
	}

	/* the archive images' gap fill runs through sector 0's tail and sectors 1-2 */
	data = g_malloc(size);
	memset(data, fill, size);
	put_u32(data, DEMO_INITIAL_SP);
	for (guint i = 1; i < DEMO_VECTOR_COUNT; i++)
		put_u32(data + 4 * i, DEMO_RESET_HANDLER | 1);

	/* Reset_Handler: "b ." (thumb 0xE7FE), spins until the debugger halts it */
	data[code] = 0xFE;
	data[code + 1] = 0xE7;
	/* rodata after the code, NUL-delimited as the linker lays out strings */
	marker = g_strdup_printf("org.vesc.%s", hw_name);
	memset(data + code + 2, 0x00, 2);
	memcpy(data + code + 4, marker, strlen(marker) + 1);
	memcpy(data + code + 4 + strlen(marker) + 1, banner, strlen(banner) + 1);
	/* CRC flag + CRC: erased, as the firmware leaves them for its first boot */
	memset(data + size - 8, 0xFF, 8);

	bytes = g_bytes_new_take(data, size);
	image = ub_image_bin_new(UB_VESC_APP_ADDRESS);
	if (!ub_image_parse(UB_IMAGE(image), bytes, UB_IMAGE_PARSE_FLAG_NONE, error))
		return NULL;
	ub_image_set_filename(UB_IMAGE(image), "demo.bin");
	return UB_IMAGE(g_steal_pointer(&image));
}
