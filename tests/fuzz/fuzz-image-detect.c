/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: format detection plus whichever parser it picks, then identification of
 * the result, as `unbrick-cli firmware identify` does with a user's file */
#include "fuzz-image-common.h"
#include "ub-firmware-info.h"
#include "ub-image-loader.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GBytes) blob = g_bytes_new(data, size);
	g_autoptr(UbImage) image = NULL;
	g_autoptr(UbFirmwareInfo) info = NULL;
	g_autoptr(UbFirmwareInfo) dump = NULL;
	g_autoptr(JsonBuilder) builder = json_builder_new();
	const gchar *known[] = {"60", "410", "GESC", NULL};
	const gchar *board[] = {"410", NULL};
	gboolean compatible = FALSE;

	/* the first byte picks the extension hint so content-less formats get covered too */
	static const gchar *const names[] = {NULL, "f.bin", "f.hex", "f.elf", "f.dfu"};
	const gchar *name = size > 0 ? names[data[0] % G_N_ELEMENTS(names)] : NULL;

	image = ub_image_new_from_bytes(blob, name, 0x08000000, NULL);
	if (image != NULL &&
	    ub_image_get_end_address(image) - ub_image_get_lowest_address(image) <= 2 * 1024 * 1024)
		info = ub_firmware_info_new_from_image(image, known, NULL);
	if (info != NULL) {
		compatible = ub_firmware_info_check_compatible(info, board, NULL);
		ub_firmware_info_to_json(info, builder);
	}
	/* the same bytes as a read-back of the chip */
	dump = ub_firmware_info_new_from_dump(blob, 0x08000000, known, NULL);
	if (dump != NULL)
		compatible = ub_firmware_info_check_compatible(dump, board, NULL);
	(void)compatible;
	return 0;
}
