/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Shared checks of the image fuzz targets: whatever a parser accepts must be consistent
 * (sorted chunks inside the 4 GiB space), and whatever it writes back must parse again with the
 * same amount of data. A violation aborts, which libFuzzer reports as a crash.
 */
#pragma once

#include <stdint.h>
#include <stdlib.h>

#include "ub-image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void
fuzz_check_image(UbImage *image, GType type, gboolean round_trip)
{
	GPtrArray *chunks = ub_image_get_chunks(image);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) written = NULL;
	g_autoptr(UbImage) reparsed = NULL;
	guint64 span;
	gboolean fits;

	for (guint i = 0; i < chunks->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(chunks, i);
		if (ub_image_chunk_get_end(chunk) > G_MAXUINT32 + (guint64)1)
			abort();
		if (i > 0 && ub_image_chunk_get_address(g_ptr_array_index(chunks, i - 1)) >
		                     ub_image_chunk_get_address(chunk))
			abort();
	}
	/* the checks must answer, whatever the image */
	fits = ub_image_check_flash(image, 0x08000000, 0x100000, NULL);
	(void)fits;
	span = chunks->len > 0
	               ? ub_image_get_end_address(image) - ub_image_get_lowest_address(image)
	               : 0;
	if (chunks->len > 0 && span <= 1024 * 1024) {
		g_autoptr(GBytes) flat = ub_image_flatten(image, 0xFF, &error);
		if (flat == NULL || g_bytes_get_size(flat) != span)
			abort();
	}
	if (!round_trip)
		return;
	written = ub_image_write(image, &error);
	if (written == NULL)
		abort();
	reparsed = g_object_new(type, NULL);
	if (!ub_image_parse(reparsed, written, UB_IMAGE_PARSE_FLAG_NONE, &error))
		abort();
	if (ub_image_get_data_size(reparsed) != ub_image_get_data_size(image))
		abort();
}

/* @flags: IGNORE_CHECKSUM lets mutations get past CRCs into the structure parsing (the
 * strict path is covered by the unit tests); the round trip is always parsed strictly */
static inline int
fuzz_image_type(GType type, const uint8_t *data, size_t size, UbImageParseFlags flags,
                gboolean round_trip)
{
	g_autoptr(GBytes) blob = g_bytes_new(data, size);
	g_autoptr(UbImage) image = g_object_new(type, NULL);
	g_autoptr(GError) error = NULL;

	if (ub_image_parse(image, blob, flags, &error)) {
		fuzz_check_image(image, type, round_trip);
	} else {
		/* a rejected input leaves no half-parsed data behind and says why */
		if (ub_image_get_chunks(image)->len != 0 || error == NULL ||
		    error->message == NULL || error->message[0] == '\0')
			abort();
	}
	return 0;
}
