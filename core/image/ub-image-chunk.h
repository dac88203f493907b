/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UbImageChunk: one contiguous address range of an image (address + bytes). Immutable and
 * reference counted, so images can share chunks with the flash planner without copies.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define UB_TYPE_IMAGE_CHUNK (ub_image_chunk_get_type())

typedef struct _UbImageChunk UbImageChunk;

GType ub_image_chunk_get_type(void) G_GNUC_CONST;
UbImageChunk *ub_image_chunk_new(guint32 address, GBytes *data);
UbImageChunk *ub_image_chunk_ref(UbImageChunk *self);
void ub_image_chunk_unref(UbImageChunk *self);
guint32 ub_image_chunk_get_address(const UbImageChunk *self);
GBytes *ub_image_chunk_get_data(const UbImageChunk *self);
gsize ub_image_chunk_get_size(const UbImageChunk *self);
/* one past the last byte; 64 bits so a chunk ending at 4 GiB does not wrap */
guint64 ub_image_chunk_get_end(const UbImageChunk *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(UbImageChunk, ub_image_chunk_unref)

G_END_DECLS
