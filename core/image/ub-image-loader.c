/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ub-image-loader.h"

#include <string.h>

#include "ub-image-bin.h"
#include "ub-image-dfuse.h"
#include "ub-image-elf.h"
#include "ub-image-ihex.h"

/* an Intel HEX file starts with a whole record: ':' and at least 10 hex digits, then a line
 * end; a raw binary whose first byte happens to be 0x3A does not continue like that */
static gboolean
looks_like_ihex(const guint8 *data, gsize size)
{
	gsize i = 0;
	gsize digits = 0;

	while (i < size &&
	       (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i >= size || data[i] != ':')
		return FALSE;
	for (i++; i < size && g_ascii_isxdigit(data[i]); i++)
		digits++;
	if (digits < 10)
		return FALSE;
	return i == size || data[i] == '\r' || data[i] == '\n';
}

static gboolean
looks_like_dfuse(const guint8 *data, gsize size)
{
	return size >= 5 && memcmp(data, "DfuSe", 5) == 0;
}

static gboolean
looks_like_elf(const guint8 *data, gsize size)
{
	return size >= 4 && memcmp(data, "\177ELF", 4) == 0;
}

typedef struct {
	GType (*get_type)(void);
	gboolean (*looks_like)(const guint8 *data, gsize size);
	/* for files whose content matched no magic: a damaged .hex should get the Intel HEX
	 * parser's "line 3: ..." message, not be flashed as raw bytes */
	const gchar *extensions[4];
} UbImageFormat;

/* in the order the content checks run; a raw binary is what matches none */
static const UbImageFormat formats[] = {
	{ub_image_dfuse_get_type, looks_like_dfuse, {".dfu"}},
	{ub_image_elf_get_type, looks_like_elf, {".elf", ".axf"}},
	{ub_image_ihex_get_type, looks_like_ihex, {".hex", ".ihex", ".ihx"}},
};

static const UbImageFormat *
ub_image_loader_find_format(GBytes *blob, const gchar *filename)
{
	gsize size = 0;
	const guint8 *data = g_bytes_get_data(blob, &size);
	g_autofree gchar *lower = filename != NULL ? g_ascii_strdown(filename, -1) : NULL;

	for (guint i = 0; i < G_N_ELEMENTS(formats); i++) {
		if (formats[i].looks_like(data, size))
			return &formats[i];
	}
	if (lower == NULL)
		return NULL;
	for (guint i = 0; i < G_N_ELEMENTS(formats); i++) {
		for (guint j = 0; formats[i].extensions[j] != NULL; j++) {
			if (g_str_has_suffix(lower, formats[i].extensions[j]))
				return &formats[i];
		}
	}
	return NULL;
}

/**
 * ub_image_new_from_bytes:
 * @filename: (nullable): name used for format detection by extension and kept on the image
 * @base: load address for a raw binary (UB_IMAGE_DEFAULT_BASE usually); ignored by formats that
 *        carry addresses
 *
 * Returns: (transfer full): a parsed image of the detected format
 */
UbImage *
ub_image_new_from_bytes(GBytes *blob, const gchar *filename, guint32 base, GError **error)
{
	g_autoptr(UbImage) image = NULL;
	const UbImageFormat *format;

	g_return_val_if_fail(blob != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	format = ub_image_loader_find_format(blob, filename);
	if (format != NULL)
		image = g_object_new(format->get_type(), NULL);
	else
		image = UB_IMAGE(ub_image_bin_new(base));
	ub_image_set_filename(image, filename);
	if (!ub_image_parse(image, blob, UB_IMAGE_PARSE_FLAG_NONE, error))
		return NULL;
	return g_steal_pointer(&image);
}

UbImage *
ub_image_new_from_file(const gchar *path, guint32 base, GError **error)
{
	g_autofree gchar *contents = NULL;
	gsize size = 0;
	g_autoptr(GError) error_local = NULL;
	g_autoptr(GBytes) blob = NULL;
	g_autoptr(UbImage) image = NULL;

	g_return_val_if_fail(path != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (!g_file_get_contents(path, &contents, &size, &error_local)) {
		/* a missing or unreadable file is not a bad image: keep G_FILE_ERROR */
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	blob = g_bytes_new_take(g_steal_pointer(&contents), size);
	image = ub_image_new_from_bytes(blob, path, base, error);
	if (image == NULL) {
		g_autofree gchar *basename = g_path_get_basename(path);
		g_prefix_error(error, "%s: ", basename);
		return NULL;
	}
	return g_steal_pointer(&image);
}
