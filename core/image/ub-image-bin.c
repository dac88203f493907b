/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ub-image-bin.h"

struct _UbImageBin {
	UbImage parent_instance;
	guint32 base;
};

G_DEFINE_TYPE(UbImageBin, ub_image_bin, UB_TYPE_IMAGE)

static gboolean
ub_image_bin_parse(UbImage *image, GBytes *blob, UbImageParseFlags flags, GError **error)
{
	UbImageBin *self = UB_IMAGE_BIN(image);
	gsize size = g_bytes_get_size(blob);

	if (size == 0) {
		g_set_error_literal(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID, "file is empty");
		return FALSE;
	}
	if ((guint64)self->base + size > G_MAXUINT32 + (guint64)1) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_TOO_LARGE,
		            "%" G_GSIZE_FORMAT " bytes at 0x%08x pass the 4 GiB address space",
		            size, self->base);
		return FALSE;
	}
	ub_image_add_bytes(image, self->base, blob);
	return TRUE;
}

/* gaps become 0xFF, the erased-flash value, so writing the file changes nothing there */
static GBytes *
ub_image_bin_write(UbImage *image, GError **error)
{
	return ub_image_flatten(image, 0xFF, error);
}

static void
ub_image_bin_class_init(UbImageBinClass *klass)
{
	UbImageClass *image_class = UB_IMAGE_CLASS(klass);

	image_class->parse = ub_image_bin_parse;
	image_class->write = ub_image_bin_write;
}

static void
ub_image_bin_init(UbImageBin *self)
{
	self->base = UB_IMAGE_DEFAULT_BASE;
}

/**
 * ub_image_bin_new:
 * @base: where the first byte of the file goes
 */
UbImageBin *
ub_image_bin_new(guint32 base)
{
	UbImageBin *self = g_object_new(UB_TYPE_IMAGE_BIN, NULL);

	self->base = base;
	return self;
}

guint32
ub_image_bin_get_base(UbImageBin *self)
{
	g_return_val_if_fail(UB_IS_IMAGE_BIN(self), 0);
	return self->base;
}

/* takes effect at the next parse */
void
ub_image_bin_set_base(UbImageBin *self, guint32 base)
{
	g_return_if_fail(UB_IS_IMAGE_BIN(self));
	self->base = base;
}
