/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ub-image-chunk.h"

struct _UbImageChunk {
	gint ref_count;
	guint32 address;
	GBytes *data;
};

G_DEFINE_BOXED_TYPE(UbImageChunk, ub_image_chunk, ub_image_chunk_ref, ub_image_chunk_unref)

/**
 * ub_image_chunk_new:
 * @address: where the first byte goes
 * @data: the bytes (a reference is taken)
 *
 * The caller makes sure @address + size fits 32 bits (parsers check it).
 */
UbImageChunk *
ub_image_chunk_new(guint32 address, GBytes *data)
{
	UbImageChunk *self;

	g_return_val_if_fail(data != NULL, NULL);
	self = g_new0(UbImageChunk, 1);
	self->ref_count = 1;
	self->address = address;
	self->data = g_bytes_ref(data);
	return self;
}

UbImageChunk *
ub_image_chunk_ref(UbImageChunk *self)
{
	g_return_val_if_fail(self != NULL, NULL);
	g_atomic_int_inc(&self->ref_count);
	return self;
}

void
ub_image_chunk_unref(UbImageChunk *self)
{
	g_return_if_fail(self != NULL);
	if (!g_atomic_int_dec_and_test(&self->ref_count))
		return;
	g_bytes_unref(self->data);
	g_free(self);
}

guint32
ub_image_chunk_get_address(const UbImageChunk *self)
{
	g_return_val_if_fail(self != NULL, 0);
	return self->address;
}

GBytes *
ub_image_chunk_get_data(const UbImageChunk *self)
{
	g_return_val_if_fail(self != NULL, NULL);
	return self->data;
}

gsize
ub_image_chunk_get_size(const UbImageChunk *self)
{
	g_return_val_if_fail(self != NULL, 0);
	return g_bytes_get_size(self->data);
}

guint64
ub_image_chunk_get_end(const UbImageChunk *self)
{
	g_return_val_if_fail(self != NULL, 0);
	return (guint64)self->address + g_bytes_get_size(self->data);
}
