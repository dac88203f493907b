/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbImage: a firmware image as a sorted list of address ranges (UbImageChunk), whatever file
 * format it came from. One subclass per format implements parse() and write(); which one a
 * file needs is decided in ub-image-loader.c (UbImage itself knows none of them).
 *
 *   g_autoptr(UbImage) image = ub_image_new_from_file("fw.hex", UB_IMAGE_DEFAULT_BASE, &error);
 *   if (image == NULL || !ub_image_check_flash(image, 0x08000000, 1024 * 1024, &error))
 *           return FALSE;
 *   for (guint i = 0; i < ub_image_get_chunks(image)->len; i++) ...
 */
#pragma once

#include <glib-object.h>

#include "ub-error.h"
#include "ub-image-chunk.h"

G_BEGIN_DECLS

/* STM32 main flash; where a raw .bin goes unless told otherwise */
#define UB_IMAGE_DEFAULT_BASE 0x08000000u

#define UB_TYPE_IMAGE (ub_image_get_type())
G_DECLARE_DERIVABLE_TYPE(UbImage, ub_image, UB, IMAGE, GObject)

typedef enum {
	UB_IMAGE_PARSE_FLAG_NONE = 0,
	/* skip CRC/checksum verification (for forensic reading of damaged files) */
	UB_IMAGE_PARSE_FLAG_IGNORE_CHECKSUM = 1 << 0,
} UbImageParseFlags;

struct _UbImageClass {
	GObjectClass parent_class;
	/* adds chunks with ub_image_add_chunk(); the base class has cleared them before */
	gboolean (*parse)(UbImage *self, GBytes *blob, UbImageParseFlags flags, GError **error);
	GBytes *(*write)(UbImage *self, GError **error);
	gpointer padding[8];
};

gboolean ub_image_parse(UbImage *self, GBytes *blob, UbImageParseFlags flags,
                        GError **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *ub_image_write(UbImage *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;

const gchar *ub_image_get_format(UbImage *self);
const gchar *ub_image_get_filename(UbImage *self);
void ub_image_set_filename(UbImage *self, const gchar *filename);

void ub_image_add_chunk(UbImage *self, UbImageChunk *chunk);
void ub_image_add_bytes(UbImage *self, guint32 address, GBytes *data);
void ub_image_clear_chunks(UbImage *self);
GPtrArray *ub_image_get_chunks(UbImage *self);
guint32 ub_image_get_lowest_address(UbImage *self);
guint64 ub_image_get_end_address(UbImage *self);
gsize ub_image_get_data_size(UbImage *self);

gboolean ub_image_get_entry_point(UbImage *self, guint32 *entry_point);
void ub_image_set_entry_point(UbImage *self, guint32 entry_point);

GBytes *ub_image_read(UbImage *self, guint32 address, gsize size, guint8 fill,
                      GError **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *ub_image_flatten(UbImage *self, guint8 fill, GError **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean ub_image_check_overlap(UbImage *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_image_check_flash(UbImage *self, guint32 flash_base, guint64 flash_size,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
