/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ub-firmware-entry.h"

#include <string.h>

struct _UbFirmwareEntry {
	GObject parent_instance;
	gchar *path;
	UbFirmwareInfo *info;
	gchar *archive_version;
	gboolean has_version;
	guint major;
	guint minor;
	gboolean is_default;
};

G_DEFINE_TYPE(UbFirmwareEntry, ub_firmware_entry, G_TYPE_OBJECT)

/* VESC Tool's default image per hardware directory; others are variants shown only on request
 * (pagefirmware.cpp "show non-default") */
#define DEFAULT_IMAGE_NAME "VESC_default.bin"

static void
ub_firmware_entry_finalize(GObject *object)
{
	UbFirmwareEntry *self = UB_FIRMWARE_ENTRY(object);

	g_free(self->path);
	g_clear_object(&self->info);
	g_free(self->archive_version);
	G_OBJECT_CLASS(ub_firmware_entry_parent_class)->finalize(object);
}

static void
ub_firmware_entry_class_init(UbFirmwareEntryClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_firmware_entry_finalize;
}

static void
ub_firmware_entry_init(UbFirmwareEntry *self)
{
}

/**
 * ub_firmware_parse_version:
 * @text: "6.05", "3.55", "7.00" (an archive folder name)
 *
 * Returns: %TRUE if @text is exactly digits '.' digits
 */
gboolean
ub_firmware_parse_version(const gchar *text, guint *major, guint *minor)
{
	const gchar *dot;
	guint64 value_major = 0;
	guint64 value_minor = 0;

	g_return_val_if_fail(text != NULL, FALSE);
	dot = strchr(text, '.');
	if (dot == NULL || dot == text || dot[1] == '\0' || dot - text > 3 || strlen(dot + 1) > 3)
		return FALSE;
	for (const gchar *c = text; *c != '\0'; c++) {
		if (c != dot && !g_ascii_isdigit(*c))
			return FALSE;
	}
	value_major = g_ascii_strtoull(text, NULL, 10);
	value_minor = g_ascii_strtoull(dot + 1, NULL, 10);
	if (major != NULL)
		*major = (guint)value_major;
	if (minor != NULL)
		*minor = (guint)value_minor;
	return TRUE;
}

/**
 * ub_firmware_entry_new:
 * @archive_version: (nullable): the version folder the file sits in, e.g. "6.05"
 *
 * The entry's version is the one the binary states; for builds that do not state it (FW <=
 * 5.03) the archive folder's. The archive's name is kept even when the binary differs (6.02
 * builds say release_6_03): it is the release users know.
 */
UbFirmwareEntry *
ub_firmware_entry_new(const gchar *path, UbFirmwareInfo *info, const gchar *archive_version)
{
	UbFirmwareEntry *self;
	g_autofree gchar *basename = NULL;

	g_return_val_if_fail(path != NULL, NULL);
	g_return_val_if_fail(UB_IS_FIRMWARE_INFO(info), NULL);
	self = g_object_new(UB_TYPE_FIRMWARE_ENTRY, NULL);
	self->path = g_strdup(path);
	self->info = g_object_ref(info);
	basename = g_path_get_basename(path);
	/* only inside an archive layout do other names mark variants; a single file the user
	 * picked is what they mean to flash */
	self->is_default =
	        archive_version == NULL || g_ascii_strcasecmp(basename, DEFAULT_IMAGE_NAME) == 0;
	if (archive_version != NULL &&
	    ub_firmware_parse_version(archive_version, &self->major, &self->minor)) {
		self->archive_version = g_strdup(archive_version);
		self->has_version = TRUE;
	} else if (ub_firmware_info_get_version(info, &self->major, &self->minor)) {
		self->has_version = TRUE;
	}
	return self;
}

const gchar *
ub_firmware_entry_get_path(UbFirmwareEntry *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_ENTRY(self), NULL);
	return self->path;
}

UbFirmwareInfo *
ub_firmware_entry_get_info(UbFirmwareEntry *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_ENTRY(self), NULL);
	return self->info;
}

const gchar *
ub_firmware_entry_get_archive_version(UbFirmwareEntry *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_ENTRY(self), NULL);
	return self->archive_version;
}

/* the archive folder's version, else the binary's, else "unknown" */
const gchar *
ub_firmware_entry_get_version_string(UbFirmwareEntry *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_ENTRY(self), NULL);
	if (self->archive_version != NULL)
		return self->archive_version;
	return ub_firmware_info_get_version_string(self->info);
}

gboolean
ub_firmware_entry_get_version(UbFirmwareEntry *self, guint *major, guint *minor)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_ENTRY(self), FALSE);
	if (!self->has_version)
		return FALSE;
	if (major != NULL)
		*major = self->major;
	if (minor != NULL)
		*minor = self->minor;
	return TRUE;
}

gboolean
ub_firmware_entry_get_is_default(UbFirmwareEntry *self)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_ENTRY(self), FALSE);
	return self->is_default;
}

/* newest version first, unknown versions last; then the default image before variants; then
 * by path so the order is stable */
gint
ub_firmware_entry_compare_newest_first(UbFirmwareEntry *a, UbFirmwareEntry *b)
{
	g_return_val_if_fail(UB_IS_FIRMWARE_ENTRY(a), 0);
	g_return_val_if_fail(UB_IS_FIRMWARE_ENTRY(b), 0);
	if (a->has_version != b->has_version)
		return a->has_version ? -1 : 1;
	if (a->has_version) {
		if (a->major != b->major)
			return a->major > b->major ? -1 : 1;
		if (a->minor != b->minor)
			return a->minor > b->minor ? -1 : 1;
	}
	if (a->is_default != b->is_default)
		return a->is_default ? -1 : 1;
	return g_strcmp0(a->path, b->path);
}
