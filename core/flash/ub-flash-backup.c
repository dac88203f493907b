/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ub-error.h"
#include "ub-flash-backup.h"

#define UB_FLASH_BACKUP_FORMAT 1

struct _UbFlashBackup {
	GObject parent_instance;
	char *chip_id;
	char *uid;
	guint32 base;
	GBytes *data;
	guint32 optcr;
	char *sha256;
	GDateTime *created;
};

G_DEFINE_TYPE(UbFlashBackup, ub_flash_backup, G_TYPE_OBJECT)

UbFlashBackup *
ub_flash_backup_new(const char *chip_id, const char *uid, guint32 base, GBytes *data, guint32 optcr)
{
	UbFlashBackup *self;

	g_return_val_if_fail(chip_id != NULL, NULL);
	g_return_val_if_fail(data != NULL, NULL);
	self = g_object_new(UB_TYPE_FLASH_BACKUP, NULL);
	self->chip_id = g_strdup(chip_id);
	self->uid = g_strdup(uid != NULL ? uid : "unknown");
	self->base = base;
	self->data = g_bytes_ref(data);
	self->optcr = optcr;
	self->sha256 = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, data);
	self->created = g_date_time_new_now_utc();
	return self;
}

const char *
ub_flash_backup_get_chip_id(UbFlashBackup *self)
{
	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), NULL);
	return self->chip_id;
}

const char *
ub_flash_backup_get_uid(UbFlashBackup *self)
{
	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), NULL);
	return self->uid;
}

guint32
ub_flash_backup_get_base(UbFlashBackup *self)
{
	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), 0);
	return self->base;
}

GBytes *
ub_flash_backup_get_data(UbFlashBackup *self)
{
	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), NULL);
	return self->data;
}

guint32
ub_flash_backup_get_optcr(UbFlashBackup *self)
{
	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), 0);
	return self->optcr;
}

const char *
ub_flash_backup_get_sha256(UbFlashBackup *self)
{
	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), NULL);
	return self->sha256;
}

GDateTime *
ub_flash_backup_get_created(UbFlashBackup *self)
{
	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), NULL);
	return self->created;
}

JsonNode *
ub_flash_backup_to_json(UbFlashBackup *self)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autofree char *base = g_strdup_printf("0x%08x", self->base);
	g_autofree char *optcr = g_strdup_printf("0x%08x", self->optcr);
	g_autofree char *created = g_date_time_format_iso8601(self->created);
	guint8 rdp = (self->optcr >> 8) & 0xff;

	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), NULL);
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "format");
	json_builder_add_int_value(builder, UB_FLASH_BACKUP_FORMAT);
	json_builder_set_member_name(builder, "chip");
	json_builder_add_string_value(builder, self->chip_id);
	json_builder_set_member_name(builder, "uid");
	json_builder_add_string_value(builder, self->uid);
	json_builder_set_member_name(builder, "base");
	json_builder_add_string_value(builder, base);
	json_builder_set_member_name(builder, "size");
	json_builder_add_int_value(builder, (gint64)g_bytes_get_size(self->data));
	json_builder_set_member_name(builder, "sha256");
	json_builder_add_string_value(builder, self->sha256);
	json_builder_set_member_name(builder, "created");
	json_builder_add_string_value(builder, created);
	json_builder_set_member_name(builder, "option_bytes");
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "optcr");
	json_builder_add_string_value(builder, optcr);
	json_builder_set_member_name(builder, "rdp_level");
	json_builder_add_int_value(builder, rdp == 0xaa ? 0 : (rdp == 0xcc ? 2 : 1));
	json_builder_set_member_name(builder, "nwrp");
	json_builder_add_int_value(builder, (self->optcr >> 16) & 0xfff);
	json_builder_set_member_name(builder, "bor_level");
	json_builder_add_int_value(builder, (self->optcr >> 2) & 0x3);
	json_builder_end_object(builder);
	json_builder_set_member_name(builder, "generator");
	json_builder_add_string_value(builder, "unbrick " VERSION);
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

char *
ub_flash_backup_sidecar_path(const char *path)
{
	g_return_val_if_fail(path != NULL, NULL);
	if (g_str_has_suffix(path, ".json"))
		return g_strdup_printf("%.*s.bin", (int)(strlen(path) - 5), path);
	if (g_str_has_suffix(path, ".bin"))
		return g_strdup_printf("%.*s.json", (int)(strlen(path) - 4), path);
	return g_strdup_printf("%s.json", path);
}

char *
ub_flash_backup_get_default_dir(void)
{
	const char *dir = g_getenv("UB_BACKUP_DIR");

	if (dir != NULL && dir[0] != '\0')
		return g_strdup(dir);
	return g_build_filename(g_get_user_data_dir(), "unbrick", "backups", NULL);
}

char *
ub_flash_backup_build_path(const char *dir, UbFlashBackup *self)
{
	g_autofree char *default_dir = NULL;
	g_autofree char *stamp = NULL;
	g_autofree char *name = NULL;

	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), NULL);
	if (dir == NULL)
		dir = default_dir = ub_flash_backup_get_default_dir();
	stamp = g_date_time_format(self->created, "%Y%m%d-%H%M%S");
	name = g_strdup_printf("%s-%s-%s.bin", self->chip_id, self->uid, stamp);
	return g_build_filename(dir, name, NULL);
}

static gboolean
write_file(const char *path, const void *data, gssize len, GError **error)
{
	g_autoptr(GError) error_local = NULL;

	if (!g_file_set_contents_full(path, data, len,
	                              G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
	                              0600, &error_local)) {
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP, "cannot write %s: %s",
		            path, error_local->message);
		return FALSE;
	}
	return TRUE;
}

gboolean
ub_flash_backup_save(UbFlashBackup *self, const char *path, GError **error)
{
	g_autofree char *dir = NULL;
	g_autofree char *sidecar = NULL;
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *text = NULL;

	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), FALSE);
	g_return_val_if_fail(path != NULL, FALSE);

	dir = g_path_get_dirname(path);
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP, "cannot create %s: %s",
		            dir, g_strerror(errno));
		return FALSE;
	}
	if (!write_file(path, g_bytes_get_data(self->data, NULL),
	                (gssize)g_bytes_get_size(self->data), error))
		return FALSE;
	root = ub_flash_backup_to_json(self);
	json_generator_set_pretty(generator, TRUE);
	json_generator_set_root(generator, root);
	text = json_generator_to_data(generator, NULL);
	sidecar = ub_flash_backup_sidecar_path(path);
	return write_file(sidecar, text, -1, error);
}

static gboolean
parse_hex_member(JsonObject *object, const char *member, guint32 *value, GError **error)
{
	const char *text = json_object_get_string_member_with_default(object, member, NULL);
	guint64 parsed = 0;

	if (text == NULL || !g_str_has_prefix(text, "0x") ||
	    !g_ascii_string_to_unsigned(text + 2, 16, 0, G_MAXUINT32, &parsed, NULL)) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "backup description: \"%s\" is missing or not a hex number", member);
		return FALSE;
	}
	*value = (guint32)parsed;
	return TRUE;
}

UbFlashBackup *
ub_flash_backup_load(const char *path, GError **error)
{
	g_autofree char *bin = NULL;
	g_autofree char *json = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GMappedFile) file = NULL;
	g_autoptr(GBytes) data = NULL;
	g_autoptr(UbFlashBackup) self = NULL;
	g_autofree char *sha256 = NULL;
	g_autoptr(GError) error_local = NULL;
	JsonObject *root;
	JsonObject *option_bytes;
	guint32 base = 0;
	guint32 optcr = 0;
	const char *created;

	g_return_val_if_fail(path != NULL, NULL);
	if (g_str_has_suffix(path, ".json")) {
		json = g_strdup(path);
		bin = ub_flash_backup_sidecar_path(path);
	} else {
		bin = g_strdup(path);
		json = ub_flash_backup_sidecar_path(path);
	}
	if (!json_parser_load_from_file(parser, json, &error_local)) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "cannot read the backup description %s: %s", json,
		            error_local->message);
		return NULL;
	}
	if (!JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "%s: not a backup description", json);
		return NULL;
	}
	root = json_node_get_object(json_parser_get_root(parser));
	if (json_object_get_int_member_with_default(root, "format", 0) != UB_FLASH_BACKUP_FORMAT ||
	    json_object_get_string_member_with_default(root, "chip", NULL) == NULL ||
	    json_object_get_string_member_with_default(root, "sha256", NULL) == NULL) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "%s: not an unbrick backup description", json);
		return NULL;
	}
	if (!parse_hex_member(root, "base", &base, error))
		return NULL;
	option_bytes = json_object_get_object_member(root, "option_bytes");
	if (option_bytes == NULL || !parse_hex_member(option_bytes, "optcr", &optcr, error))
		return NULL;

	file = g_mapped_file_new(bin, FALSE, &error_local);
	if (file == NULL) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "cannot read the backup %s: %s", bin, error_local->message);
		return NULL;
	}
	data = g_mapped_file_get_bytes(file);
	if ((gint64)g_bytes_get_size(data) !=
	    json_object_get_int_member_with_default(root, "size", -1)) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "%s: %" G_GSIZE_FORMAT " bytes, the description says %" G_GINT64_FORMAT,
		            bin, g_bytes_get_size(data),
		            json_object_get_int_member_with_default(root, "size", -1));
		return NULL;
	}
	sha256 = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, data);
	if (g_ascii_strcasecmp(sha256, json_object_get_string_member(root, "sha256")) != 0) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "%s: SHA-256 differs from the description: the file was changed or "
		            "damaged",
		            bin);
		return NULL;
	}
	/* a private copy: the mapping must not outlive a file that may be replaced */
	g_clear_pointer(&data, g_bytes_unref);
	data = g_bytes_new(g_mapped_file_get_contents(file), g_mapped_file_get_length(file));
	self = ub_flash_backup_new(json_object_get_string_member(root, "chip"),
	                           json_object_get_string_member_with_default(root, "uid", NULL),
	                           base, data, optcr);
	created = json_object_get_string_member_with_default(root, "created", NULL);
	if (created != NULL) {
		GDateTime *when = g_date_time_new_from_iso8601(created, NULL);
		if (when != NULL) {
			g_date_time_unref(self->created);
			self->created = when;
		}
	}
	return g_steal_pointer(&self);
}

static void
ub_flash_backup_finalize(GObject *object)
{
	UbFlashBackup *self = UB_FLASH_BACKUP(object);

	g_free(self->chip_id);
	g_free(self->uid);
	g_bytes_unref(self->data);
	g_free(self->sha256);
	g_date_time_unref(self->created);
	G_OBJECT_CLASS(ub_flash_backup_parent_class)->finalize(object);
}

static void
ub_flash_backup_class_init(UbFlashBackupClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_flash_backup_finalize;
}

static void
ub_flash_backup_init(UbFlashBackup *self)
{
}
