/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-flash-plan.h"

struct _UbFlashPlan {
	GObject parent_instance;
	GPtrArray *chunks;   /* UbImageChunk */
	GArray *sectors;     /* guint */
	GPtrArray *expected; /* UbImageChunk */
	gboolean config_kept;
	gsize skipped;
	gsize data_size;
};

G_DEFINE_TYPE(UbFlashPlan, ub_flash_plan, G_TYPE_OBJECT)

/* gap fill of VESC images: 0xFF up to FW 5.03, 0x00 from 6.00 (boards-and-firmware.md §4.2) */
static gboolean
is_gap_fill(const guint8 *data, gsize len)
{
	if (len == 0)
		return TRUE;
	if (data[0] != 0xff && data[0] != 0x00)
		return FALSE;
	for (gsize i = 1; i < len; i++) {
		if (data[i] != data[0])
			return FALSE;
	}
	return TRUE;
}

/* adds the parts of @chunk outside [start, end) */
static void
add_outside(GPtrArray *out, UbImageChunk *chunk, guint32 start, guint32 end, gsize *skipped)
{
	guint32 address = ub_image_chunk_get_address(chunk);
	guint64 chunk_end = ub_image_chunk_get_end(chunk);
	GBytes *data = ub_image_chunk_get_data(chunk);

	if (chunk_end <= start || address >= end) {
		g_ptr_array_add(out, ub_image_chunk_ref(chunk));
		return;
	}
	if (address < start) {
		g_autoptr(GBytes) head = g_bytes_new_from_bytes(data, 0, start - address);
		g_ptr_array_add(out, ub_image_chunk_new(address, head));
	}
	if (chunk_end > end) {
		g_autoptr(GBytes) tail =
		        g_bytes_new_from_bytes(data, end - address, (gsize)(chunk_end - end));
		g_ptr_array_add(out, ub_image_chunk_new(end, tail));
	}
	*skipped += (gsize)(MIN(chunk_end, (guint64)end) - MAX(address, start));
}

UbFlashPlan *
ub_flash_plan_new(UbImage *image, const UbFlashSector *sectors, guint n_sectors,
                  UbFlashPlanFlags flags, GError **error)
{
	g_autoptr(UbFlashPlan) self = g_object_new(UB_TYPE_FLASH_PLAN, NULL);
	GPtrArray *chunks;
	gboolean config_has_data = FALSE;
	gboolean config_touched = FALSE;
	guint32 flash_base;
	guint64 flash_end;

	g_return_val_if_fail(UB_IS_IMAGE(image), NULL);
	g_return_val_if_fail(sectors != NULL && n_sectors > 0, NULL);

	flash_base = sectors[0].address;
	flash_end = (guint64)sectors[n_sectors - 1].address + sectors[n_sectors - 1].size;
	if (!ub_image_check_overlap(image, error) ||
	    !ub_image_check_flash(image, flash_base, flash_end - flash_base, error))
		return NULL;

	chunks = ub_image_get_chunks(image);
	for (guint i = 0; i < chunks->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(chunks, i);
		guint32 address = ub_image_chunk_get_address(chunk);
		guint64 end = ub_image_chunk_get_end(chunk);
		gsize size = 0;
		const guint8 *data = g_bytes_get_data(ub_image_chunk_get_data(chunk), &size);
		guint32 start;
		guint64 stop;

		if (end <= UB_FLASH_VESC_CONFIG_START || address >= UB_FLASH_VESC_CONFIG_END)
			continue;
		config_touched = TRUE;
		start = MAX(address, UB_FLASH_VESC_CONFIG_START);
		stop = MIN(end, (guint64)UB_FLASH_VESC_CONFIG_END);
		if (!is_gap_fill(data + (start - address), (gsize)(stop - start)))
			config_has_data = TRUE;
	}
	/* the configuration sectors are only those of the 1 MiB F4 map (sectors 1 and 2) */
	if (n_sectors < 3 || sectors[1].address != UB_FLASH_VESC_CONFIG_START ||
	    sectors[2].address + sectors[2].size != UB_FLASH_VESC_CONFIG_END)
		flags |= UB_FLASH_PLAN_FLAG_WIPE_CONFIG;

	self->config_kept = (flags & UB_FLASH_PLAN_FLAG_WIPE_CONFIG) == 0;
	if (self->config_kept && config_has_data &&
	    (flags & UB_FLASH_PLAN_FLAG_KEEP_CONFIG_DATA) == 0) {
		g_set_error_literal(error, UB_FLASH_ERROR, UB_FLASH_ERROR_WOULD_WIPE_CONFIG,
		                    "the image has data for 0x08004000-0x0800BFFF, where the board "
		                    "keeps its configuration; writing it replaces the "
		                    "configuration (wipe-config)");
		return NULL;
	}
	for (guint i = 0; i < chunks->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(chunks, i);
		if (self->config_kept && config_touched)
			add_outside(self->chunks, chunk, UB_FLASH_VESC_CONFIG_START,
			            UB_FLASH_VESC_CONFIG_END, &self->skipped);
		else
			g_ptr_array_add(self->chunks, ub_image_chunk_ref(chunk));
	}

	/* the sectors that remaining chunks touch, and what each must read afterwards */
	for (guint s = 0; s < n_sectors; s++) {
		guint32 sector_start = sectors[s].address;
		guint64 sector_end = (guint64)sectors[s].address + sectors[s].size;
		g_autofree guint8 *expected = NULL;
		gboolean touched = FALSE;

		for (guint i = 0; i < self->chunks->len; i++) {
			UbImageChunk *chunk = g_ptr_array_index(self->chunks, i);
			guint32 address = ub_image_chunk_get_address(chunk);
			guint64 end = ub_image_chunk_get_end(chunk);
			const guint8 *data;
			guint64 from;
			guint64 to;

			if (end <= sector_start || address >= sector_end)
				continue;
			if (expected == NULL) {
				expected = g_malloc(sectors[s].size);
				memset(expected, 0xff, sectors[s].size);
			}
			touched = TRUE;
			data = g_bytes_get_data(ub_image_chunk_get_data(chunk), NULL);
			from = MAX((guint64)address, (guint64)sector_start);
			to = MIN(end, sector_end);
			memcpy(expected + (from - sector_start), data + (from - address),
			       (gsize)(to - from));
		}
		if (!touched)
			continue;
		g_array_append_val(self->sectors, s);
		{
			g_autoptr(GBytes) bytes =
			        g_bytes_new_take(g_steal_pointer(&expected), sectors[s].size);
			g_ptr_array_add(self->expected, ub_image_chunk_new(sector_start, bytes));
		}
	}
	for (guint i = 0; i < self->chunks->len; i++)
		self->data_size += ub_image_chunk_get_size(g_ptr_array_index(self->chunks, i));
	return g_steal_pointer(&self);
}

GPtrArray *
ub_flash_plan_get_chunks(UbFlashPlan *self)
{
	g_return_val_if_fail(UB_IS_FLASH_PLAN(self), NULL);
	return self->chunks;
}

const guint *
ub_flash_plan_get_sectors(UbFlashPlan *self, guint *n)
{
	g_return_val_if_fail(UB_IS_FLASH_PLAN(self), NULL);
	if (n != NULL)
		*n = self->sectors->len;
	return (const guint *)self->sectors->data;
}

GPtrArray *
ub_flash_plan_get_expected(UbFlashPlan *self)
{
	g_return_val_if_fail(UB_IS_FLASH_PLAN(self), NULL);
	return self->expected;
}

gboolean
ub_flash_plan_get_config_kept(UbFlashPlan *self)
{
	g_return_val_if_fail(UB_IS_FLASH_PLAN(self), FALSE);
	return self->config_kept;
}

gsize
ub_flash_plan_get_skipped_bytes(UbFlashPlan *self)
{
	g_return_val_if_fail(UB_IS_FLASH_PLAN(self), 0);
	return self->skipped;
}

gsize
ub_flash_plan_get_data_size(UbFlashPlan *self)
{
	g_return_val_if_fail(UB_IS_FLASH_PLAN(self), 0);
	return self->data_size;
}

static void
ub_flash_plan_finalize(GObject *object)
{
	UbFlashPlan *self = UB_FLASH_PLAN(object);

	g_ptr_array_unref(self->chunks);
	g_array_unref(self->sectors);
	g_ptr_array_unref(self->expected);
	G_OBJECT_CLASS(ub_flash_plan_parent_class)->finalize(object);
}

static void
ub_flash_plan_class_init(UbFlashPlanClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_flash_plan_finalize;
}

static void
ub_flash_plan_init(UbFlashPlan *self)
{
	self->chunks = g_ptr_array_new_with_free_func((GDestroyNotify)ub_image_chunk_unref);
	self->sectors = g_array_new(FALSE, FALSE, sizeof(guint));
	self->expected = g_ptr_array_new_with_free_func((GDestroyNotify)ub_image_chunk_unref);
}
