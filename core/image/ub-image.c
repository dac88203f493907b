/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ub-image.h"

#include <string.h>

typedef struct {
	GPtrArray *chunks; /* of UbImageChunk, sorted by address */
	gchar *filename;
	gboolean has_entry_point;
	guint32 entry_point;
} UbImagePrivate;

G_DEFINE_TYPE_WITH_PRIVATE(UbImage, ub_image, G_TYPE_OBJECT)

#define GET_PRIVATE(o) ((UbImagePrivate *)ub_image_get_instance_private(o))

static void
ub_image_finalize(GObject *object)
{
	UbImage *self = UB_IMAGE(object);
	UbImagePrivate *priv = GET_PRIVATE(self);

	g_ptr_array_unref(priv->chunks);
	g_free(priv->filename);
	G_OBJECT_CLASS(ub_image_parent_class)->finalize(object);
}

static void
ub_image_class_init(UbImageClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->finalize = ub_image_finalize;
}

static void
ub_image_init(UbImage *self)
{
	UbImagePrivate *priv = GET_PRIVATE(self);

	priv->chunks = g_ptr_array_new_with_free_func((GDestroyNotify)ub_image_chunk_unref);
}

/**
 * ub_image_get_format:
 *
 * Returns: a short format name ("bin", "ihex", "elf", "dfuse") taken from the type name.
 */
const gchar *
ub_image_get_format(UbImage *self)
{
	const gchar *name;

	g_return_val_if_fail(UB_IS_IMAGE(self), NULL);
	name = G_OBJECT_TYPE_NAME(self);
	if (g_str_has_prefix(name, "UbImage") && name[7] != '\0')
		return name + 7;
	return name;
}

const gchar *
ub_image_get_filename(UbImage *self)
{
	g_return_val_if_fail(UB_IS_IMAGE(self), NULL);
	return GET_PRIVATE(self)->filename;
}

void
ub_image_set_filename(UbImage *self, const gchar *filename)
{
	UbImagePrivate *priv;

	g_return_if_fail(UB_IS_IMAGE(self));
	priv = GET_PRIVATE(self);
	if (priv->filename == filename)
		return;
	g_free(priv->filename);
	priv->filename = g_strdup(filename);
}

gboolean
ub_image_get_entry_point(UbImage *self, guint32 *entry_point)
{
	UbImagePrivate *priv;

	g_return_val_if_fail(UB_IS_IMAGE(self), FALSE);
	priv = GET_PRIVATE(self);
	if (priv->has_entry_point && entry_point != NULL)
		*entry_point = priv->entry_point;
	return priv->has_entry_point;
}

void
ub_image_set_entry_point(UbImage *self, guint32 entry_point)
{
	UbImagePrivate *priv;

	g_return_if_fail(UB_IS_IMAGE(self));
	priv = GET_PRIVATE(self);
	priv->has_entry_point = TRUE;
	priv->entry_point = entry_point;
}

/**
 * ub_image_add_chunk:
 *
 * Inserts @chunk keeping the list sorted by address. Overlaps are kept: they are reported by
 * ub_image_check_overlap() so the message can name both ranges.
 */
void
ub_image_add_chunk(UbImage *self, UbImageChunk *chunk)
{
	UbImagePrivate *priv;
	guint index;

	g_return_if_fail(UB_IS_IMAGE(self));
	g_return_if_fail(chunk != NULL);
	priv = GET_PRIVATE(self);

	/* stable: equal addresses keep file order; images have few chunks, so a linear scan from
	 * the end is cheap and fast for the common in-order case */
	index = priv->chunks->len;
	while (index > 0) {
		UbImageChunk *previous = g_ptr_array_index(priv->chunks, index - 1);
		if (ub_image_chunk_get_address(previous) <= ub_image_chunk_get_address(chunk))
			break;
		index--;
	}
	g_ptr_array_insert(priv->chunks, (gint)index, ub_image_chunk_ref(chunk));
}

void
ub_image_add_bytes(UbImage *self, guint32 address, GBytes *data)
{
	g_autoptr(UbImageChunk) chunk = NULL;

	g_return_if_fail(UB_IS_IMAGE(self));
	g_return_if_fail(data != NULL);
	chunk = ub_image_chunk_new(address, data);
	ub_image_add_chunk(self, chunk);
}

void
ub_image_clear_chunks(UbImage *self)
{
	g_return_if_fail(UB_IS_IMAGE(self));
	g_ptr_array_set_size(GET_PRIVATE(self)->chunks, 0);
}

/**
 * ub_image_get_chunks:
 *
 * Returns: (transfer none) (element-type UbImageChunk): the chunks, sorted by address
 */
GPtrArray *
ub_image_get_chunks(UbImage *self)
{
	g_return_val_if_fail(UB_IS_IMAGE(self), NULL);
	return GET_PRIVATE(self)->chunks;
}

guint32
ub_image_get_lowest_address(UbImage *self)
{
	UbImagePrivate *priv;

	g_return_val_if_fail(UB_IS_IMAGE(self), 0);
	priv = GET_PRIVATE(self);
	if (priv->chunks->len == 0)
		return 0;
	return ub_image_chunk_get_address(g_ptr_array_index(priv->chunks, 0));
}

/**
 * ub_image_get_end_address:
 *
 * Returns: one past the highest byte of any chunk (0 for an empty image)
 */
guint64
ub_image_get_end_address(UbImage *self)
{
	UbImagePrivate *priv;
	guint64 end = 0;

	g_return_val_if_fail(UB_IS_IMAGE(self), 0);
	priv = GET_PRIVATE(self);
	for (guint i = 0; i < priv->chunks->len; i++)
		end = MAX(end, ub_image_chunk_get_end(g_ptr_array_index(priv->chunks, i)));
	return end;
}

/**
 * ub_image_get_data_size:
 *
 * Returns: the number of bytes in all chunks (gaps not counted)
 */
gsize
ub_image_get_data_size(UbImage *self)
{
	UbImagePrivate *priv;
	gsize total = 0;

	g_return_val_if_fail(UB_IS_IMAGE(self), 0);
	priv = GET_PRIVATE(self);
	for (guint i = 0; i < priv->chunks->len; i++)
		total += ub_image_chunk_get_size(g_ptr_array_index(priv->chunks, i));
	return total;
}

/**
 * ub_image_read:
 * @fill: value for bytes no chunk covers
 *
 * Returns: @size bytes starting at @address, as the image would put them in memory. Where
 * chunks overlap, the later one (higher index) wins, like a programmer writing them in order.
 */
GBytes *
ub_image_read(UbImage *self, guint32 address, gsize size, guint8 fill, GError **error)
{
	UbImagePrivate *priv;
	guint64 end = (guint64)address + size;
	g_autofree guint8 *buffer = NULL;

	g_return_val_if_fail(UB_IS_IMAGE(self), NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);
	priv = GET_PRIVATE(self);

	if (end > G_MAXUINT32 + (guint64)1) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_TOO_LARGE,
		            "range 0x%08x + 0x%" G_GSIZE_MODIFIER
		            "x passes the 4 GiB address space",
		            address, size);
		return NULL;
	}
	buffer = g_malloc(MAX(size, 1));
	memset(buffer, fill, size);
	for (guint i = 0; i < priv->chunks->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(priv->chunks, i);
		guint64 chunk_start = ub_image_chunk_get_address(chunk);
		guint64 chunk_end = ub_image_chunk_get_end(chunk);
		guint64 from = MAX(chunk_start, (guint64)address);
		guint64 to = MIN(chunk_end, end);
		const guint8 *data;

		if (from >= to)
			continue;
		data = g_bytes_get_data(ub_image_chunk_get_data(chunk), NULL);
		memcpy(buffer + (from - address), data + (from - chunk_start), to - from);
	}
	return g_bytes_new_take(g_steal_pointer(&buffer), size);
}

/**
 * ub_image_flatten:
 *
 * Returns: the bytes from the lowest to the highest address, gaps filled with @fill
 */
GBytes *
ub_image_flatten(UbImage *self, guint8 fill, GError **error)
{
	guint32 lowest;
	guint64 end;

	g_return_val_if_fail(UB_IS_IMAGE(self), NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);
	if (GET_PRIVATE(self)->chunks->len == 0) {
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		                    "image holds no data");
		return NULL;
	}
	lowest = ub_image_get_lowest_address(self);
	end = ub_image_get_end_address(self);
	/* a flat copy of an image spanning RAM and flash would be gigabytes: refuse */
	if (end - lowest > 64 * 1024 * 1024) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_TOO_LARGE,
		            "image spans 0x%08x-0x%08" G_GINT64_MODIFIER "x, too wide to flatten",
		            lowest, end - 1);
		return NULL;
	}
	return ub_image_read(self, lowest, (gsize)(end - lowest), fill, error);
}

/**
 * ub_image_check_overlap:
 *
 * Fails with UB_IMAGE_ERROR_OVERLAP naming both ranges when two chunks share an address.
 */
gboolean
ub_image_check_overlap(UbImage *self, GError **error)
{
	UbImagePrivate *priv;

	g_return_val_if_fail(UB_IS_IMAGE(self), FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
	priv = GET_PRIVATE(self);

	/* sorted by start: a chunk overlaps an earlier one exactly when it starts before the
	 * furthest end seen so far; O(n) even for Intel HEX files with thousands of runs */
	for (guint i = 1, furthest = 0; i < priv->chunks->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(priv->chunks, i);
		UbImageChunk *earlier = g_ptr_array_index(priv->chunks, furthest);

		if (ub_image_chunk_get_size(chunk) == 0)
			continue;
		if (ub_image_chunk_get_end(earlier) > ub_image_chunk_get_address(chunk)) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_OVERLAP,
			            "range 0x%08x-0x%08" G_GINT64_MODIFIER
			            "x overlaps range 0x%08x-0x%08" G_GINT64_MODIFIER "x",
			            ub_image_chunk_get_address(chunk),
			            ub_image_chunk_get_end(chunk) - 1,
			            ub_image_chunk_get_address(earlier),
			            ub_image_chunk_get_end(earlier) - 1);
			return FALSE;
		}
		if (ub_image_chunk_get_end(chunk) > ub_image_chunk_get_end(earlier))
			furthest = i;
	}
	return TRUE;
}

/**
 * ub_image_check_flash:
 * @flash_base: first address of the chip's main flash
 * @flash_size: its size in bytes
 *
 * Checks the image can be programmed as it is: not empty, no self-overlap
 * (UB_IMAGE_ERROR_OVERLAP), every chunk starting inside flash (else UB_IMAGE_ERROR_NOT_FLASH,
 * e.g. a RAM section in an ELF) and ending inside it (else UB_IMAGE_ERROR_TOO_LARGE).
 */
gboolean
ub_image_check_flash(UbImage *self, guint32 flash_base, guint64 flash_size, GError **error)
{
	UbImagePrivate *priv;
	guint64 flash_end = (guint64)flash_base + flash_size;

	g_return_val_if_fail(UB_IS_IMAGE(self), FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
	priv = GET_PRIVATE(self);

	if (priv->chunks->len == 0) {
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		                    "image holds no data");
		return FALSE;
	}
	for (guint i = 0; i < priv->chunks->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(priv->chunks, i);
		guint32 start = ub_image_chunk_get_address(chunk);
		guint64 end = ub_image_chunk_get_end(chunk);

		if (start < flash_base || start >= flash_end) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_NOT_FLASH,
			            "range 0x%08x-0x%08" G_GINT64_MODIFIER
			            "x is outside flash 0x%08x-0x%08" G_GINT64_MODIFIER "x",
			            start, end - 1, flash_base, flash_end - 1);
			return FALSE;
		}
		if (end > flash_end) {
			g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_TOO_LARGE,
			            "range 0x%08x-0x%08" G_GINT64_MODIFIER
			            "x runs %" G_GUINT64_FORMAT " bytes past the end of flash "
			            "0x%08" G_GINT64_MODIFIER "x",
			            start, end - 1, end - flash_end, flash_end - 1);
			return FALSE;
		}
	}
	return ub_image_check_overlap(self, error);
}

/**
 * ub_image_parse:
 *
 * Replaces the chunks with what @blob holds. On error the image is left empty.
 */
gboolean
ub_image_parse(UbImage *self, GBytes *blob, UbImageParseFlags flags, GError **error)
{
	UbImageClass *klass;

	g_return_val_if_fail(UB_IS_IMAGE(self), FALSE);
	g_return_val_if_fail(blob != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
	klass = UB_IMAGE_GET_CLASS(self);

	ub_image_clear_chunks(self);
	GET_PRIVATE(self)->has_entry_point = FALSE;
	if (klass->parse == NULL) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_UNSUPPORTED,
		            "%s cannot be parsed", G_OBJECT_TYPE_NAME(self));
		return FALSE;
	}
	if (!klass->parse(self, blob, flags, error)) {
		ub_image_clear_chunks(self);
		return FALSE;
	}
	return TRUE;
}

GBytes *
ub_image_write(UbImage *self, GError **error)
{
	UbImageClass *klass;

	g_return_val_if_fail(UB_IS_IMAGE(self), NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);
	klass = UB_IMAGE_GET_CLASS(self);
	if (klass->write == NULL) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_UNSUPPORTED,
		            "%s cannot be written", G_OBJECT_TYPE_NAME(self));
		return NULL;
	}
	return klass->write(self, error);
}
