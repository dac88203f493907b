/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "ub-error.h"
#include "ub-flash-backup.h"

/* 2 added "contents" (complete or interrupted) and "firmware"; 1 is still read */
#define UB_FLASH_BACKUP_FORMAT 2
/* a sidecar and the directory entries beside the flash copy */
#define UB_FLASH_BACKUP_SLACK (64 * 1024)

struct _UbFlashBackup {
	GObject parent_instance;
	char *chip_id;
	char *uid;
	guint32 base;
	GBytes *data;
	guint32 optcr;
	char *sha256;
	GDateTime *created;
	char *path;
	UbFlashBackupState state;
	char *note;
	UbFirmwareInfo *firmware; /* made when first asked for */
	gboolean firmware_tried;
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

const char *
ub_flash_backup_get_path(UbFlashBackup *self)
{
	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), NULL);
	return self->path;
}

void
ub_flash_backup_set_state(UbFlashBackup *self, UbFlashBackupState state, const char *note)
{
	g_return_if_fail(UB_IS_FLASH_BACKUP(self));
	self->state = state;
	g_free(self->note);
	self->note = g_strdup(note);
}

UbFlashBackupState
ub_flash_backup_get_state(UbFlashBackup *self)
{
	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), UB_FLASH_BACKUP_STATE_COMPLETE);
	return self->state;
}

const char *
ub_flash_backup_get_note(UbFlashBackup *self)
{
	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), NULL);
	return self->note;
}

const char *
ub_flash_backup_state_to_string(UbFlashBackupState state)
{
	switch (state) {
	case UB_FLASH_BACKUP_STATE_INTERRUPTED:
		return "interrupted";
	case UB_FLASH_BACKUP_STATE_COMPLETE:
	default:
		return "complete";
	}
}

static gboolean
ub_flash_backup_state_from_string(const char *text, UbFlashBackupState *state)
{
	if (g_strcmp0(text, "complete") == 0)
		*state = UB_FLASH_BACKUP_STATE_COMPLETE;
	else if (g_strcmp0(text, "interrupted") == 0)
		*state = UB_FLASH_BACKUP_STATE_INTERRUPTED;
	else
		return FALSE;
	return TRUE;
}

/* what the chip held, from the bytes themselves: the sidecar's copy is for people */
static UbFirmwareInfo *
ub_flash_backup_firmware(UbFlashBackup *self)
{
	g_autoptr(GError) error = NULL;

	if (!self->firmware_tried) {
		self->firmware_tried = TRUE;
		self->firmware = ub_firmware_info_new_from_dump(self->data, self->base, NULL, &error);
		if (self->firmware == NULL)
			g_debug("backup: cannot identify the firmware: %s", error->message);
	}
	return self->firmware;
}

/* the application the backup holds, when it holds one (NULL: blank or not identified) */
static UbFirmwareInfo *
ub_flash_backup_application(UbFlashBackup *self)
{
	UbFirmwareInfo *firmware = ub_flash_backup_firmware(self);

	if (firmware == NULL ||
	    ub_firmware_info_get_app_presence(firmware) != UB_FIRMWARE_PRESENCE_PRESENT)
		return NULL;
	return firmware;
}

const char *const *
ub_flash_backup_get_hw_names(UbFlashBackup *self)
{
	static const char *const none[] = {NULL};
	UbFirmwareInfo *firmware;

	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), none);
	firmware = ub_flash_backup_application(self);
	if (firmware == NULL)
		return none;
	return ub_firmware_info_get_hw_names(firmware);
}

const char *
ub_flash_backup_get_firmware_version(UbFlashBackup *self)
{
	UbFirmwareInfo *firmware;

	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), NULL);
	firmware = ub_flash_backup_application(self);
	if (firmware == NULL)
		return NULL;
	return ub_firmware_info_get_version_string(firmware);
}

UbFirmwarePresence
ub_flash_backup_get_app_presence(UbFlashBackup *self)
{
	UbFirmwareInfo *firmware;

	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), UB_FIRMWARE_PRESENCE_UNKNOWN);
	firmware = ub_flash_backup_firmware(self);
	return firmware != NULL ? ub_firmware_info_get_app_presence(firmware)
	                        : UB_FIRMWARE_PRESENCE_UNKNOWN;
}

char *
ub_flash_backup_describe_firmware(UbFlashBackup *self)
{
	const char *const *hw;
	const char *version;
	g_autofree char *names = NULL;

	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), NULL);
	switch (ub_flash_backup_get_app_presence(self)) {
	case UB_FIRMWARE_PRESENCE_ABSENT:
		return g_strdup("no firmware (erased)");
	case UB_FIRMWARE_PRESENCE_UNKNOWN:
		return g_strdup("unknown contents");
	case UB_FIRMWARE_PRESENCE_PRESENT:
	default:
		break;
	}
	hw = ub_flash_backup_get_hw_names(self);
	version = ub_flash_backup_get_firmware_version(self);
	names = hw[0] != NULL ? g_strjoinv("/", (char **)hw) : NULL;
	if (version != NULL && g_strcmp0(version, "unknown") == 0)
		version = NULL;
	if (names != NULL && version != NULL)
		return g_strdup_printf("VESC firmware %s for HW %s", version, names);
	if (names != NULL)
		return g_strdup_printf("VESC firmware for HW %s", names);
	if (version != NULL)
		return g_strdup_printf("VESC firmware %s, hardware unknown", version);
	return g_strdup("firmware of unknown hardware");
}

JsonNode *
ub_flash_backup_to_json(UbFlashBackup *self)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autofree char *base = g_strdup_printf("0x%08x", self->base);
	g_autofree char *optcr = g_strdup_printf("0x%08x", self->optcr);
	g_autofree char *created = g_date_time_format_iso8601(self->created);
	UbFirmwareInfo *firmware;
	guint8 rdp = (self->optcr >> 8) & 0xff;

	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), NULL);
	firmware = ub_flash_backup_firmware(self);
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
	json_builder_set_member_name(builder, "contents");
	json_builder_add_string_value(builder, ub_flash_backup_state_to_string(self->state));
	if (self->note != NULL) {
		json_builder_set_member_name(builder, "note");
		json_builder_add_string_value(builder, self->note);
	}
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
	if (firmware != NULL) {
		json_builder_set_member_name(builder, "firmware");
		ub_firmware_info_to_json(firmware, builder);
	}
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

/* ---- writing, all or nothing ---- */

/* one errno from the file system → what a person can do about it */
static void
ub_flash_backup_set_errno(GError **error, int errsv, const char *dir, const char *what)
{
	switch (errsv) {
	case ENOENT:
	case ENOTDIR:
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP,
		            "the backup folder %s does not exist (%s)", dir, what);
		break;
	case EACCES:
	case EPERM:
	case EROFS:
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP,
		            "the backup folder %s is read-only (%s: %s)", dir, what,
		            g_strerror(errsv));
		break;
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP,
		            "the backup folder %s is full (%s: %s)", dir, what, g_strerror(errsv));
		break;
	default:
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP,
		            "cannot write into the backup folder %s (%s: %s)", dir, what,
		            g_strerror(errsv));
		break;
	}
}

gboolean
ub_flash_backup_prepare_dir(const char *dir, guint64 size, gboolean create, GError **error)
{
	g_autofree char *probe = NULL;
	struct statvfs fs;
	int fd;

	g_return_val_if_fail(dir != NULL, FALSE);

	if (!g_file_test(dir, G_FILE_TEST_EXISTS)) {
		if (!create) {
			ub_flash_backup_set_errno(error, ENOENT, dir, "nothing was read or written");
			return FALSE;
		}
		if (g_mkdir_with_parents(dir, 0700) != 0) {
			ub_flash_backup_set_errno(error, errno, dir, "creating it");
			return FALSE;
		}
	}
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		ub_flash_backup_set_errno(error, ENOTDIR, dir, "it is a file");
		return FALSE;
	}
	/* the real test of writability (root ignores mode bits; read-only mounts do not) */
	probe = g_build_filename(dir, ".unbrick-probe-XXXXXX", NULL);
	fd = g_mkstemp_full(probe, O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		ub_flash_backup_set_errno(error, errno, dir, "creating a file there");
		return FALSE;
	}
	close(fd);
	g_unlink(probe);
	if (statvfs(dir, &fs) == 0) {
		guint64 available = (guint64)fs.f_bavail * fs.f_frsize;
		guint64 needed = size + UB_FLASH_BACKUP_SLACK;
		if (available < needed) {
			g_autofree char *have = g_format_size(available);
			g_autofree char *want = g_format_size(needed);
			g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP,
			            "the backup folder %s is full: %s free, a backup needs up to %s", dir,
			            have, want);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
ub_flash_backup_write_all(int fd, const guint8 *data, gsize len)
{
	while (len > 0) {
		gssize n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			return FALSE;
		}
		data += n;
		len -= (gsize)n;
	}
	return TRUE;
}

/* the file as the disk has it now: drop the cached pages (they are clean after fsync) and
 * hash what comes back */
static char *
ub_flash_backup_read_back(int fd, gsize len)
{
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 buffer[65536];
	gsize total = 0;

#ifdef POSIX_FADV_DONTNEED
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
#endif
	if (lseek(fd, 0, SEEK_SET) != 0)
		return NULL;
	for (;;) {
		gssize n = read(fd, buffer, sizeof(buffer));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		if (n == 0)
			break;
		g_checksum_update(checksum, buffer, n);
		total += (gsize)n;
	}
	if (total != len)
		return NULL;
	return g_strdup(g_checksum_get_string(checksum));
}

/* writes @data to a temporary file in @dir, fsyncs it and checks it reads back as @sha256;
 * returns the temporary's name */
static char *
ub_flash_backup_write_temp(const char *dir, const char *name, const guint8 *data, gsize len,
                           GError **error)
{
	g_autofree char *template = g_strdup_printf(".%s.XXXXXX", name);
	g_autofree char *temp = g_build_filename(dir, template, NULL);
	g_autofree char *want = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
	g_autofree char *have = NULL;
	int fd;
	int errsv;

	fd = g_mkstemp_full(temp, O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		ub_flash_backup_set_errno(error, errno, dir, name);
		return NULL;
	}
	if (!ub_flash_backup_write_all(fd, data, len) || fsync(fd) != 0) {
		errsv = errno;
		close(fd);
		g_unlink(temp);
		ub_flash_backup_set_errno(error, errsv, dir, name);
		return NULL;
	}
	have = ub_flash_backup_read_back(fd, len);
	errsv = errno;
	close(fd);
	if (have == NULL || g_strcmp0(have, want) != 0) {
		g_unlink(temp);
		if (have == NULL)
			ub_flash_backup_set_errno(error, errsv, dir, "reading it back");
		else
			g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP,
			            "%s/%s reads back differently from what was written: the disk "
			            "or its file system is failing",
			            dir, name);
		return NULL;
	}
	return g_steal_pointer(&temp);
}

static void
ub_flash_backup_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (fsync(fd) != 0)
		g_debug("fsync %s: %s", dir, g_strerror(errno));
	close(fd);
}

static char *
ub_flash_backup_sidecar_text(UbFlashBackup *self)
{
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = ub_flash_backup_to_json(self);

	json_generator_set_pretty(generator, TRUE);
	json_generator_set_root(generator, root);
	return json_generator_to_data(generator, NULL);
}

/* the data and the description reach their names only once both are safely on disk; a name
 * in use is never replaced (link() fails on it) */
static gboolean
ub_flash_backup_write(UbFlashBackup *self, const char *path, gboolean pick_free_name,
                      gboolean *exists, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *name = g_path_get_basename(path);
	g_autofree char *stem = NULL;
	g_autofree char *text = ub_flash_backup_sidecar_text(self);
	g_autofree char *temp_bin = NULL;
	g_autofree char *temp_json = NULL;
	g_autofree char *final = NULL;
	gsize size = 0;
	const guint8 *data = g_bytes_get_data(self->data, &size);

	*exists = FALSE;
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		ub_flash_backup_set_errno(error, ENOENT, dir, name);
		return FALSE;
	}
	stem = g_str_has_suffix(name, ".bin") ? g_strndup(name, strlen(name) - 4) : g_strdup(name);
	temp_bin = ub_flash_backup_write_temp(dir, name, data, size, error);
	if (temp_bin == NULL)
		return FALSE;
	temp_json = ub_flash_backup_write_temp(dir, name, (const guint8 *)text, strlen(text),
	                                       error);
	if (temp_json == NULL) {
		g_unlink(temp_bin);
		return FALSE;
	}
	for (guint n = 1; n < 1000; n++) {
		g_autofree char *json_final = NULL;
		g_free(final);
		final = n == 1 ? g_build_filename(dir, name, NULL)
		               : g_strdup_printf("%s/%s-%u.bin", dir, stem, n);
		json_final = ub_flash_backup_sidecar_path(final);
		if (g_file_test(json_final, G_FILE_TEST_EXISTS) || link(temp_bin, final) != 0) {
			int errsv = g_file_test(json_final, G_FILE_TEST_EXISTS) ? EEXIST : errno;
			if (errsv == EEXIST && pick_free_name)
				continue;
			g_unlink(temp_bin);
			g_unlink(temp_json);
			if (errsv == EEXIST) {
				*exists = TRUE;
				g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP,
				            "%s already exists; it was left as it is", final);
			} else {
				ub_flash_backup_set_errno(error, errsv, dir, name);
			}
			return FALSE;
		}
		if (rename(temp_json, json_final) != 0) {
			int errsv = errno;
			g_unlink(final);
			g_unlink(temp_bin);
			g_unlink(temp_json);
			ub_flash_backup_set_errno(error, errsv, dir, name);
			return FALSE;
		}
		g_unlink(temp_bin);
		ub_flash_backup_sync_dir(dir);
		g_free(self->path);
		self->path = g_steal_pointer(&final);
		return TRUE;
	}
	g_unlink(temp_bin);
	g_unlink(temp_json);
	g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP,
	            "no free name for %s in the backup folder %s", name, dir);
	return FALSE;
}

gboolean
ub_flash_backup_save(UbFlashBackup *self, const char *path, GError **error)
{
	gboolean exists = FALSE;

	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), FALSE);
	g_return_val_if_fail(path != NULL, FALSE);
	return ub_flash_backup_write(self, path, TRUE, &exists, error);
}

gboolean
ub_flash_backup_save_as(UbFlashBackup *self, const char *path, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autoptr(UbFlashBackup) there = NULL;
	g_autoptr(GError) error_there = NULL;
	gboolean exists = FALSE;

	g_return_val_if_fail(UB_IS_FLASH_BACKUP(self), FALSE);
	g_return_val_if_fail(path != NULL, FALSE);
	if (ub_flash_backup_write(self, path, FALSE, &exists, &error_local))
		return TRUE;
	if (!exists) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	/* the same command run again after it was cut short at its very end */
	there = ub_flash_backup_load(path, &error_there);
	if (there != NULL && g_strcmp0(there->uid, self->uid) == 0 &&
	    g_strcmp0(there->sha256, self->sha256) == 0 && there->optcr == self->optcr) {
		g_free(self->path);
		self->path = g_strdup(there->path);
		return TRUE;
	}
	g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_NO_BACKUP,
	            "%s already exists and holds %s; it was left as it is: choose another name",
	            path,
	            there != NULL ? "a different backup" : "something that is not this chip's backup");
	return FALSE;
}

/* ---- reading ---- */

static gboolean
parse_hex_member(JsonObject *object, const char *member, const char *file, guint32 *value,
                 GError **error)
{
	JsonNode *node = json_object_get_member(object, member);
	const char *text = NULL;
	guint64 parsed = 0;

	if (node != NULL && JSON_NODE_HOLDS_VALUE(node) &&
	    json_node_get_value_type(node) == G_TYPE_STRING)
		text = json_node_get_string(node);
	if (text == NULL || !g_str_has_prefix(text, "0x") ||
	    !g_ascii_string_to_unsigned(text + 2, 16, 0, G_MAXUINT32, &parsed, NULL)) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "%s: \"%s\" is missing or not a hex number", file, member);
		return FALSE;
	}
	*value = (guint32)parsed;
	return TRUE;
}

/* a string member, or NULL when it is absent or of another type */
static const char *
get_string_member(JsonObject *object, const char *member)
{
	JsonNode *node = json_object_get_member(object, member);

	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
	    json_node_get_value_type(node) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(node);
}

static gboolean
get_int_member(JsonObject *object, const char *member, gint64 *value)
{
	JsonNode *node = json_object_get_member(object, member);

	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
	    json_node_get_value_type(node) != G_TYPE_INT64)
		return FALSE;
	*value = json_node_get_int(node);
	return TRUE;
}

/* what a description says; its strings point into @parser's tree */
typedef struct {
	JsonParser *parser;
	const char *chip;
	const char *uid;
	const char *sha256;
	const char *created;
	const char *note;
	guint32 base;
	guint32 optcr;
	gint64 size;
	UbFlashBackupState state;
} UbFlashBackupDescription;

static void
ub_flash_backup_description_clear(UbFlashBackupDescription *description)
{
	g_clear_object(&description->parser);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(UbFlashBackupDescription, ub_flash_backup_description_clear)

static gboolean
ub_flash_backup_parse_description(GBytes *bytes, const char *json, UbFlashBackupDescription *out,
                                  GError **error)
{
	g_autoptr(GError) error_local = NULL;
	JsonObject *root;
	JsonNode *option_bytes;
	gint64 format = 0;
	gsize text_len = 0;
	const char *text = g_bytes_get_data(bytes, &text_len);
	const char *contents;

	out->parser = json_parser_new();
	out->state = UB_FLASH_BACKUP_STATE_COMPLETE;
	if (!json_parser_load_from_data(out->parser, text != NULL ? text : "", (gssize)text_len,
	                                &error_local)) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "cannot read the backup description %s: %s", json,
		            error_local->message);
		return FALSE;
	}
	if (json_parser_get_root(out->parser) == NULL ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(out->parser))) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "%s: not a backup description", json);
		return FALSE;
	}
	root = json_node_get_object(json_parser_get_root(out->parser));
	out->chip = get_string_member(root, "chip");
	out->sha256 = get_string_member(root, "sha256");
	if (!get_int_member(root, "format", &format) || format < 1 ||
	    format > UB_FLASH_BACKUP_FORMAT || out->chip == NULL || out->chip[0] == '\0' ||
	    out->sha256 == NULL) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "%s: not an unbrick backup description", json);
		return FALSE;
	}
	out->uid = get_string_member(root, "uid");
	out->created = get_string_member(root, "created");
	out->note = get_string_member(root, "note");
	contents = get_string_member(root, "contents");
	if (contents != NULL && !ub_flash_backup_state_from_string(contents, &out->state)) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "%s: \"contents\" is \"%s\", neither complete nor interrupted", json,
		            contents);
		return FALSE;
	}
	if (!parse_hex_member(root, "base", json, &out->base, error))
		return FALSE;
	option_bytes = json_object_get_member(root, "option_bytes");
	if (option_bytes == NULL || !JSON_NODE_HOLDS_OBJECT(option_bytes)) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "%s: \"option_bytes\" is missing", json);
		return FALSE;
	}
	if (!parse_hex_member(json_node_get_object(option_bytes), "optcr", json, &out->optcr,
	                      error))
		return FALSE;
	if (!get_int_member(root, "size", &out->size) || out->size <= 0 ||
	    (guint64)out->base + (guint64)out->size > G_MAXUINT32 + (guint64)1) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "%s: \"size\" is missing or does not fit the address space", json);
		return FALSE;
	}
	return TRUE;
}

static UbFlashBackup *
ub_flash_backup_new_from_description(UbFlashBackupDescription *description, GBytes *data,
                                     const char *bin, GError **error)
{
	g_autoptr(UbFlashBackup) self = NULL;
	g_autofree char *sha256 = NULL;

	if ((gint64)g_bytes_get_size(data) != description->size) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "%s: %" G_GSIZE_FORMAT " bytes, the description says %" G_GINT64_FORMAT
		            ": the file was cut short or changed",
		            bin, g_bytes_get_size(data), description->size);
		return NULL;
	}
	sha256 = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, data);
	if (g_ascii_strcasecmp(sha256, description->sha256) != 0) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "%s: SHA-256 differs from the description: the file was changed or "
		            "damaged, or the description belongs to another backup",
		            bin);
		return NULL;
	}
	self = ub_flash_backup_new(description->chip, description->uid, description->base, data,
	                           description->optcr);
	self->path = g_strdup(bin);
	self->state = description->state;
	self->note = g_strdup(description->note);
	if (description->created != NULL) {
		GDateTime *when = g_date_time_new_from_iso8601(description->created, NULL);
		if (when != NULL) {
			g_date_time_unref(self->created);
			self->created = when;
		}
	}
	return g_steal_pointer(&self);
}

UbFlashBackup *
ub_flash_backup_new_from_bytes(GBytes *description, GBytes *data, const char *path,
                               GError **error)
{
	g_auto(UbFlashBackupDescription) parsed = {0};
	g_autofree char *bin = NULL;
	g_autofree char *json = NULL;

	g_return_val_if_fail(description != NULL, NULL);
	g_return_val_if_fail(data != NULL, NULL);
	g_return_val_if_fail(path != NULL, NULL);
	if (g_str_has_suffix(path, ".json")) {
		json = g_strdup(path);
		bin = ub_flash_backup_sidecar_path(path);
	} else {
		bin = g_strdup(path);
		json = ub_flash_backup_sidecar_path(path);
	}
	if (!ub_flash_backup_parse_description(description, json, &parsed, error))
		return NULL;
	return ub_flash_backup_new_from_description(&parsed, data, bin, error);
}

UbFlashBackup *
ub_flash_backup_load(const char *path, GError **error)
{
	g_auto(UbFlashBackupDescription) parsed = {0};
	g_autofree char *bin = NULL;
	g_autofree char *json = NULL;
	g_autofree char *text = NULL;
	g_autoptr(GMappedFile) file = NULL;
	g_autoptr(GBytes) description = NULL;
	g_autoptr(GBytes) data = NULL;
	g_autoptr(GError) error_local = NULL;
	gsize len = 0;

	g_return_val_if_fail(path != NULL, NULL);
	if (g_str_has_suffix(path, ".json")) {
		json = g_strdup(path);
		bin = ub_flash_backup_sidecar_path(path);
	} else {
		bin = g_strdup(path);
		json = ub_flash_backup_sidecar_path(path);
	}
	if (!g_file_get_contents(json, &text, &len, &error_local)) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "cannot read the backup description %s: %s", json,
		            error_local->message);
		return NULL;
	}
	description = g_bytes_new_take(g_steal_pointer(&text), len);
	/* the description first: what is wrong with it says more than a missing .bin */
	if (!ub_flash_backup_parse_description(description, json, &parsed, error))
		return NULL;
	file = g_mapped_file_new(bin, FALSE, &error_local);
	if (file == NULL) {
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "cannot read the backup %s: %s", bin, error_local->message);
		return NULL;
	}
	/* a private copy: the mapping must not outlive a file that may be replaced */
	data = g_bytes_new(g_mapped_file_get_contents(file), g_mapped_file_get_length(file));
	return ub_flash_backup_new_from_description(&parsed, data, bin, error);
}

static gint
ub_flash_backup_compare_newest_first(gconstpointer a, gconstpointer b)
{
	UbFlashBackup *first = *(UbFlashBackup *const *)a;
	UbFlashBackup *second = *(UbFlashBackup *const *)b;
	gint order = g_date_time_compare(second->created, first->created);

	/* "created" keeps microseconds; the path only makes the order stable */
	return order != 0 ? order : g_strcmp0(first->path, second->path);
}

GPtrArray *
ub_flash_backup_list(const char *dir, GPtrArray *damaged)
{
	GPtrArray *backups = g_ptr_array_new_with_free_func(g_object_unref);
	g_autoptr(GDir) handle = NULL;
	const char *name;

	g_return_val_if_fail(dir != NULL, backups);
	handle = g_dir_open(dir, 0, NULL);
	while (handle != NULL && (name = g_dir_read_name(handle)) != NULL) {
		g_autofree char *path = NULL;
		g_autoptr(GError) error = NULL;
		UbFlashBackup *backup;

		/* temporaries of a save in progress or cut short start with a dot */
		if (name[0] == '.' || !g_str_has_suffix(name, ".json"))
			continue;
		path = g_build_filename(dir, name, NULL);
		backup = ub_flash_backup_load(path, &error);
		if (backup != NULL)
			g_ptr_array_add(backups, backup);
		else if (damaged != NULL)
			g_ptr_array_add(damaged, g_strdup(error->message));
	}
	g_ptr_array_sort(backups, ub_flash_backup_compare_newest_first);
	return backups;
}

typedef struct {
	char *path;
	GDateTime *created;
} UbFlashBackupCandidate;

static void
ub_flash_backup_candidate_free(UbFlashBackupCandidate *candidate)
{
	g_free(candidate->path);
	g_clear_pointer(&candidate->created, g_date_time_unref);
	g_free(candidate);
}

static gint
ub_flash_backup_candidate_newest_first(gconstpointer a, gconstpointer b)
{
	const UbFlashBackupCandidate *first = *(UbFlashBackupCandidate *const *)a;
	const UbFlashBackupCandidate *second = *(UbFlashBackupCandidate *const *)b;
	gint order = 0;

	if (first->created != NULL && second->created != NULL)
		order = g_date_time_compare(second->created, first->created);
	else if (first->created != NULL || second->created != NULL)
		order = first->created != NULL ? -1 : 1;
	return order != 0 ? order : g_strcmp0(first->path, second->path);
}

/* the descriptions in @dir that name the chip @uid, newest first: only their few hundred
 * bytes are read (a folder of a person who flashes often holds hundreds of backups) */
static GPtrArray *
ub_flash_backup_candidates(const char *dir, const char *uid)
{
	GPtrArray *candidates =
	        g_ptr_array_new_with_free_func((GDestroyNotify)ub_flash_backup_candidate_free);
	g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
	const char *name;

	while (handle != NULL && (name = g_dir_read_name(handle)) != NULL) {
		g_auto(UbFlashBackupDescription) parsed = {0};
		g_autofree char *path = NULL;
		g_autofree char *text = NULL;
		g_autoptr(GBytes) description = NULL;
		UbFlashBackupCandidate *candidate;
		gsize len = 0;

		if (name[0] == '.' || !g_str_has_suffix(name, ".json"))
			continue;
		path = g_build_filename(dir, name, NULL);
		if (!g_file_get_contents(path, &text, &len, NULL))
			continue;
		description = g_bytes_new_take(g_steal_pointer(&text), len);
		if (!ub_flash_backup_parse_description(description, path, &parsed, NULL) ||
		    g_strcmp0(parsed.uid, uid) != 0)
			continue;
		candidate = g_new0(UbFlashBackupCandidate, 1);
		candidate->path = g_steal_pointer(&path);
		if (parsed.created != NULL)
			candidate->created = g_date_time_new_from_iso8601(parsed.created, NULL);
		g_ptr_array_add(candidates, candidate);
	}
	g_ptr_array_sort(candidates, ub_flash_backup_candidate_newest_first);
	return candidates;
}

UbFlashBackup *
ub_flash_backup_find_last_complete(const char *dir, const char *uid, GError **error)
{
	g_autoptr(GPtrArray) candidates = NULL;
	guint half = 0;

	g_return_val_if_fail(dir != NULL, NULL);
	g_return_val_if_fail(uid != NULL, NULL);
	/* the chip's own, newest first; each loaded whole (and its hash checked) only until
	 * the first complete one that holds */
	candidates = ub_flash_backup_candidates(dir, uid);
	for (guint i = 0; i < candidates->len; i++) {
		UbFlashBackupCandidate *candidate = g_ptr_array_index(candidates, i);
		g_autoptr(GError) error_local = NULL;
		g_autoptr(UbFlashBackup) backup = ub_flash_backup_load(candidate->path, &error_local);

		if (backup == NULL) {
			g_debug("backup %s: %s", candidate->path, error_local->message);
			continue;
		}
		if (backup->state == UB_FLASH_BACKUP_STATE_COMPLETE)
			return g_steal_pointer(&backup);
		half++;
	}
	if (half > 0)
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "%s holds only half-written backups of the chip %s (%u)", dir, uid,
		            half);
	else
		g_set_error(error, UB_IMAGE_ERROR, UB_IMAGE_ERROR_INVALID,
		            "%s holds no backup of the chip %s", dir, uid);
	return NULL;
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
	g_free(self->path);
	g_free(self->note);
	g_clear_object(&self->firmware);
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
