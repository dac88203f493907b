/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ub-error.h"
#include "ub-flash-journal.h"

#define UB_FLASH_JOURNAL_FORMAT 1

struct _UbFlashJournal {
	GObject parent_instance;
	char *path;
	char *job;
	char *uid;
	char *chip;
	char *image_path;
	char *image_sha256;
	char *image_name;
	guint32 image_base;
	char *source_backup;
	char *original_backup;
	char *stage;
	char *error;
	char *program;
	GStrv flags;
	GArray *sectors; /* guint: the sectors an erase job was given */
	GArray *planned;
	GArray *erased;
	GArray *written;
	gboolean has_option_bytes;
	guint32 optcr_before;
	guint32 optcr_after;
	GDateTime *started;
	GDateTime *updated;
	gint64 pid;
};

G_DEFINE_TYPE(UbFlashJournal, ub_flash_journal, G_TYPE_OBJECT)

static const char *const ub_flash_journal_stages[] = {"connected", "backed-up", "changing",
                                                      "written", "done", NULL};

static void
ub_flash_journal_finalize(GObject *object)
{
	UbFlashJournal *self = UB_FLASH_JOURNAL(object);

	g_free(self->path);
	g_free(self->job);
	g_free(self->uid);
	g_free(self->chip);
	g_free(self->image_path);
	g_free(self->image_sha256);
	g_free(self->image_name);
	g_free(self->source_backup);
	g_free(self->original_backup);
	g_free(self->stage);
	g_free(self->error);
	g_free(self->program);
	g_strfreev(self->flags);
	g_array_unref(self->sectors);
	g_array_unref(self->planned);
	g_array_unref(self->erased);
	g_array_unref(self->written);
	g_date_time_unref(self->started);
	g_clear_pointer(&self->updated, g_date_time_unref);
	G_OBJECT_CLASS(ub_flash_journal_parent_class)->finalize(object);
}

static void
ub_flash_journal_class_init(UbFlashJournalClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_flash_journal_finalize;
}

static void
ub_flash_journal_init(UbFlashJournal *self)
{
	self->sectors = g_array_new(FALSE, FALSE, sizeof(guint));
	self->planned = g_array_new(FALSE, FALSE, sizeof(guint));
	self->erased = g_array_new(FALSE, FALSE, sizeof(guint));
	self->written = g_array_new(FALSE, FALSE, sizeof(guint));
	self->started = g_date_time_new_now_utc();
	self->stage = g_strdup("connected");
	self->flags = g_new0(char *, 1);
}

char *
ub_flash_journal_get_default_dir(void)
{
	const char *dir = g_getenv("UB_STATE_DIR");

	if (dir != NULL && dir[0] != '\0')
		return g_strdup(dir);
	return g_build_filename(g_get_user_state_dir(), "unbrick", "jobs", NULL);
}

/* a UID as a file name: hex digits as read from the chip, anything else replaced */
static char *
ub_flash_journal_file_name(const char *uid)
{
	GString *name = g_string_new(NULL);

	for (const char *c = uid; *c != '\0' && name->len < 64; c++)
		g_string_append_c(name, g_ascii_isalnum(*c) ? *c : '_');
	if (name->len == 0)
		g_string_append(name, "unknown");
	g_string_append(name, ".json");
	return g_string_free(name, FALSE);
}

UbFlashJournal *
ub_flash_journal_new(const char *dir, const char *job, const char *uid)
{
	UbFlashJournal *self;
	g_autofree char *default_dir = NULL;
	g_autofree char *name = NULL;

	g_return_val_if_fail(job != NULL, NULL);
	if (uid == NULL)
		uid = "unknown";
	if (dir == NULL)
		dir = default_dir = ub_flash_journal_get_default_dir();
	self = g_object_new(UB_TYPE_FLASH_JOURNAL, NULL);
	self->job = g_strdup(job);
	self->uid = g_strdup(uid);
	name = ub_flash_journal_file_name(uid);
	self->path = g_build_filename(dir, name, NULL);
	self->pid = getpid();
	/* as /proc names it, to tell later whether this program still runs */
	if (g_file_get_contents("/proc/self/comm", &self->program, NULL, NULL))
		g_strstrip(self->program);
	else
		self->program = g_strdup(g_get_prgname() != NULL ? g_get_prgname() : "unbrick");
	return self;
}

/* ---- setters ---- */

static void
replace_string(char **field, const char *value)
{
	g_free(*field);
	*field = g_strdup(value);
}

static void
replace_sectors(GArray *array, const guint *sectors, guint n)
{
	g_array_set_size(array, 0);
	if (n > 0)
		g_array_append_vals(array, sectors, n);
}

static gboolean
sectors_contain(GArray *array, guint sector)
{
	for (guint i = 0; i < array->len; i++) {
		if (g_array_index(array, guint, i) == sector)
			return TRUE;
	}
	return FALSE;
}

void
ub_flash_journal_set_chip(UbFlashJournal *self, const char *chip_id)
{
	g_return_if_fail(UB_IS_FLASH_JOURNAL(self));
	replace_string(&self->chip, chip_id);
}

void
ub_flash_journal_set_image(UbFlashJournal *self, const char *path, const char *sha256,
                           const char *name, guint32 base)
{
	g_return_if_fail(UB_IS_FLASH_JOURNAL(self));
	self->image_base = base;
	replace_string(&self->image_path, path);
	replace_string(&self->image_sha256, sha256);
	replace_string(&self->image_name, name);
}

void
ub_flash_journal_set_source_backup(UbFlashJournal *self, const char *path)
{
	g_return_if_fail(UB_IS_FLASH_JOURNAL(self));
	replace_string(&self->source_backup, path);
}

void
ub_flash_journal_set_flags(UbFlashJournal *self, const char *const *flags)
{
	g_return_if_fail(UB_IS_FLASH_JOURNAL(self));
	g_strfreev(self->flags);
	self->flags = flags != NULL ? g_strdupv((char **)flags) : g_new0(char *, 1);
}

void
ub_flash_journal_set_sectors(UbFlashJournal *self, const guint *sectors, guint n)
{
	g_return_if_fail(UB_IS_FLASH_JOURNAL(self));
	replace_sectors(self->sectors, sectors, n);
}

void
ub_flash_journal_set_original_backup(UbFlashJournal *self, const char *path)
{
	g_return_if_fail(UB_IS_FLASH_JOURNAL(self));
	replace_string(&self->original_backup, path);
}

void
ub_flash_journal_set_stage(UbFlashJournal *self, const char *stage)
{
	g_return_if_fail(UB_IS_FLASH_JOURNAL(self));
	g_return_if_fail(stage != NULL);
	replace_string(&self->stage, stage);
}

void
ub_flash_journal_set_planned(UbFlashJournal *self, const guint *sectors, guint n)
{
	g_return_if_fail(UB_IS_FLASH_JOURNAL(self));
	replace_sectors(self->planned, sectors, n);
	g_array_set_size(self->erased, 0);
	g_array_set_size(self->written, 0);
}

void
ub_flash_journal_add_erased(UbFlashJournal *self, guint sector)
{
	g_return_if_fail(UB_IS_FLASH_JOURNAL(self));
	if (!sectors_contain(self->erased, sector))
		g_array_append_val(self->erased, sector);
}

void
ub_flash_journal_add_written(UbFlashJournal *self, guint sector)
{
	g_return_if_fail(UB_IS_FLASH_JOURNAL(self));
	if (!sectors_contain(self->written, sector))
		g_array_append_val(self->written, sector);
}

void
ub_flash_journal_set_option_bytes(UbFlashJournal *self, guint32 before, guint32 after)
{
	g_return_if_fail(UB_IS_FLASH_JOURNAL(self));
	self->has_option_bytes = TRUE;
	self->optcr_before = before;
	self->optcr_after = after;
}

void
ub_flash_journal_set_error(UbFlashJournal *self, const char *message)
{
	g_return_if_fail(UB_IS_FLASH_JOURNAL(self));
	replace_string(&self->error, message);
}

/* ---- getters ---- */

const char *
ub_flash_journal_get_path(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->path;
}

const char *
ub_flash_journal_get_job(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->job;
}

const char *
ub_flash_journal_get_uid(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->uid;
}

const char *
ub_flash_journal_get_chip(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->chip;
}

const char *
ub_flash_journal_get_stage(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->stage;
}

const char *
ub_flash_journal_get_image_path(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->image_path;
}

const char *
ub_flash_journal_get_image_sha256(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->image_sha256;
}

guint32
ub_flash_journal_get_image_base(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), 0);
	return self->image_base;
}

const char *
ub_flash_journal_get_source_backup(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->source_backup;
}

const char *
ub_flash_journal_get_original_backup(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->original_backup;
}

const char *const *
ub_flash_journal_get_flags(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return (const char *const *)self->flags;
}

gboolean
ub_flash_journal_has_flag(UbFlashJournal *self, const char *flag)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), FALSE);
	return g_strv_contains((const char *const *)self->flags, flag);
}

GArray *
ub_flash_journal_get_sectors(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->sectors;
}

GArray *
ub_flash_journal_get_planned(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->planned;
}

GArray *
ub_flash_journal_get_erased(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->erased;
}

GArray *
ub_flash_journal_get_written(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->written;
}

const char *
ub_flash_journal_get_error(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->error;
}

GDateTime *
ub_flash_journal_get_started(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->started;
}

const char *
ub_flash_journal_get_program(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	return self->program;
}

char *
ub_flash_journal_image_sha256(UbImage *image)
{
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
	GPtrArray *chunks;

	g_return_val_if_fail(UB_IS_IMAGE(image), NULL);
	chunks = ub_image_get_chunks(image);
	for (guint i = 0; chunks != NULL && i < chunks->len; i++) {
		UbImageChunk *chunk = g_ptr_array_index(chunks, i);
		guint32 address = GUINT32_TO_LE(ub_image_chunk_get_address(chunk));
		gsize size = 0;
		const guint8 *data = g_bytes_get_data(ub_image_chunk_get_data(chunk), &size);

		g_checksum_update(checksum, (const guchar *)&address, sizeof(address));
		g_checksum_update(checksum, data, size);
	}
	return g_strdup(g_checksum_get_string(checksum));
}

gint64
ub_flash_journal_get_pid(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), 0);
	return self->pid;
}

gboolean
ub_flash_journal_is_running(UbFlashJournal *self)
{
	g_autofree char *comm_path = NULL;
	g_autofree char *comm = NULL;

	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), FALSE);
	if (self->pid <= 0 || self->pid == getpid())
		return FALSE;
	comm_path = g_strdup_printf("/proc/%" G_GINT64_FORMAT "/comm", self->pid);
	if (!g_file_get_contents(comm_path, &comm, NULL, NULL))
		return FALSE;
	g_strstrip(comm);
	/* a reused pid runs something else; comm is cut to 15 characters */
	return self->program != NULL && strncmp(comm, self->program, 15) == 0;
}

gboolean
ub_flash_journal_get_chip_changed(UbFlashJournal *self)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), FALSE);
	return g_strcmp0(self->stage, "changing") == 0 || g_strcmp0(self->stage, "written") == 0 ||
	       g_strcmp0(self->stage, "done") == 0;
}

/* "0", "0 and 3", "0, 3 and 4" */
static char *
sectors_to_text(GArray *sectors)
{
	GString *text = g_string_new(NULL);

	for (guint i = 0; i < sectors->len; i++) {
		if (i > 0)
			g_string_append(text, i + 1 == sectors->len ? " and " : ", ");
		g_string_append_printf(text, "%u", g_array_index(sectors, guint, i));
	}
	return g_string_free(text, FALSE);
}

/* "sector 3 is erased" / "sectors 0 and 3 are erased" */
static void
append_sentence(GString *text, GArray *sectors, const char *one, const char *many)
{
	g_autofree char *list = NULL;

	if (sectors->len == 0)
		return;
	list = sectors_to_text(sectors);
	if (text->len > 0)
		g_string_append(text, "; ");
	g_string_append(text, sectors->len == 1 ? "sector " : "sectors ");
	g_string_append(text, list);
	g_string_append_c(text, ' ');
	g_string_append(text, sectors->len == 1 ? one : many);
}

char *
ub_flash_journal_describe_chip(UbFlashJournal *self)
{
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(GArray) written = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autoptr(GArray) erased = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autoptr(GArray) unsure = g_array_new(FALSE, FALSE, sizeof(guint));
	gboolean erase_job;

	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	if (!ub_flash_journal_get_chip_changed(self))
		return g_strdup("nothing on the chip was changed");
	if (ub_flash_journal_has_flag(self, "erase-all"))
		return g_strdup("the read protection was being removed: the chip erases all of its "
		                "flash when it does, so the flash may be partly or wholly erased");
	if (ub_flash_journal_has_flag(self, "mass-erase") && self->erased->len == 0)
		return g_strdup("the whole flash was being erased and may be partly erased");
	if (self->planned->len == 0 && self->has_option_bytes)
		return g_strdup_printf("the option bytes were being written (0x%08x to 0x%08x); "
		                       "the flash was not touched",
		                       self->optcr_before, self->optcr_after);
	if (g_strcmp0(self->stage, "written") == 0 || g_strcmp0(self->stage, "done") == 0) {
		g_autofree char *list = sectors_to_text(self->planned);
		if (self->planned->len == 0)
			return g_strdup("nothing had to change; it was not verified yet");
		return g_strdup_printf("%s %s written in full but not verified; every other sector "
		                       "is as it was",
		                       self->planned->len == 1 ? "sector" : "sectors", list);
	}
	erase_job = g_strcmp0(self->job, "erase") == 0;
	for (guint i = 0; i < self->planned->len; i++) {
		guint sector = g_array_index(self->planned, guint, i);
		if (!erase_job && sectors_contain(self->written, sector))
			g_array_append_val(written, sector);
		else if (sectors_contain(self->erased, sector))
			g_array_append_val(erased, sector);
		else
			g_array_append_val(unsure, sector);
	}
	append_sentence(text, written, "was erased and written again",
	                "were erased and written again");
	if (erase_job)
		append_sentence(text, erased, "is erased", "are erased");
	else
		append_sentence(text, erased, "is erased but not written yet",
		                "are erased but not written yet");
	append_sentence(text, unsure, "may be partly erased or written",
	                "may be partly erased or written");
	if (text->len == 0)
		return g_strdup("nothing on the chip was changed");
	g_string_append(text, "; every other sector is as it was");
	return g_string_free(g_steal_pointer(&text), FALSE);
}

char *
ub_flash_journal_describe_job(UbFlashJournal *self)
{
	g_autoptr(GDateTime) local = NULL;
	g_autofree char *when = NULL;
	g_autofree char *what = NULL;

	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	local = g_date_time_to_local(self->started);
	when = g_date_time_format(local, "%Y-%m-%d %H:%M");
	if (self->image_name != NULL)
		what = g_strdup_printf("%s of %s", self->job, self->image_name);
	else if (self->source_backup != NULL) {
		g_autofree char *base = g_path_get_basename(self->source_backup);
		what = g_strdup_printf("%s of %s", self->job, base);
	} else {
		what = g_strdup(self->job);
	}
	return g_strdup_printf("%s on chip %s, started %s", what, self->uid, when);
}

/* ---- the file ---- */

static void
add_sectors(JsonBuilder *builder, const char *name, GArray *sectors)
{
	json_builder_set_member_name(builder, name);
	json_builder_begin_array(builder);
	for (guint i = 0; i < sectors->len; i++)
		json_builder_add_int_value(builder, g_array_index(sectors, guint, i));
	json_builder_end_array(builder);
}

static void
add_string(JsonBuilder *builder, const char *name, const char *value)
{
	if (value == NULL)
		return;
	json_builder_set_member_name(builder, name);
	json_builder_add_string_value(builder, value);
}

JsonNode *
ub_flash_journal_to_json(UbFlashJournal *self)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autofree char *started = NULL;
	g_autofree char *updated = NULL;

	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), NULL);
	started = g_date_time_format_iso8601(self->started);
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "format");
	json_builder_add_int_value(builder, UB_FLASH_JOURNAL_FORMAT);
	add_string(builder, "job", self->job);
	add_string(builder, "chip", self->chip);
	add_string(builder, "uid", self->uid);
	if (self->image_path != NULL || self->image_sha256 != NULL) {
		json_builder_set_member_name(builder, "image");
		json_builder_begin_object(builder);
		add_string(builder, "path", self->image_path);
		add_string(builder, "sha256", self->image_sha256);
		add_string(builder, "name", self->image_name);
		{
			g_autofree char *base = g_strdup_printf("0x%08x", self->image_base);
			add_string(builder, "base", base);
		}
		json_builder_end_object(builder);
	}
	add_string(builder, "source_backup", self->source_backup);
	json_builder_set_member_name(builder, "flags");
	json_builder_begin_array(builder);
	for (guint i = 0; self->flags[i] != NULL; i++)
		json_builder_add_string_value(builder, self->flags[i]);
	json_builder_end_array(builder);
	add_sectors(builder, "sectors", self->sectors);
	add_string(builder, "original_backup", self->original_backup);
	add_string(builder, "stage", self->stage);
	add_sectors(builder, "planned", self->planned);
	add_sectors(builder, "erased", self->erased);
	add_sectors(builder, "written", self->written);
	if (self->has_option_bytes) {
		g_autofree char *before = g_strdup_printf("0x%08x", self->optcr_before);
		g_autofree char *after = g_strdup_printf("0x%08x", self->optcr_after);
		json_builder_set_member_name(builder, "option_bytes");
		json_builder_begin_object(builder);
		add_string(builder, "before", before);
		add_string(builder, "after", after);
		json_builder_end_object(builder);
	}
	add_string(builder, "error", self->error);
	add_string(builder, "started", started);
	if (self->updated != NULL) {
		updated = g_date_time_format_iso8601(self->updated);
		add_string(builder, "updated", updated);
	}
	json_builder_set_member_name(builder, "pid");
	json_builder_add_int_value(builder, self->pid);
	add_string(builder, "program", self->program);
	json_builder_end_object(builder);
	return json_builder_get_root(builder);
}

gboolean
ub_flash_journal_write(UbFlashJournal *self, gboolean durable, GError **error)
{
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GError) error_local = NULL;
	g_autofree char *dir = NULL;
	g_autofree char *text = NULL;

	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), FALSE);
	g_clear_pointer(&self->updated, g_date_time_unref);
	self->updated = g_date_time_new_now_utc();
	dir = g_path_get_dirname(self->path);
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_FAILED,
		            "cannot keep the job's journal in %s: %s", dir, g_strerror(errno));
		return FALSE;
	}
	root = ub_flash_journal_to_json(self);
	json_generator_set_pretty(generator, TRUE);
	json_generator_set_root(generator, root);
	text = json_generator_to_data(generator, NULL);
	/* a rename over the old file: a reader (or a crash) sees the old or the new, whole */
	if (!g_file_set_contents_full(self->path, text, -1,
	                              durable ? G_FILE_SET_CONTENTS_CONSISTENT |
	                                                G_FILE_SET_CONTENTS_DURABLE
	                                      : G_FILE_SET_CONTENTS_CONSISTENT,
	                              0600, &error_local)) {
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_FAILED,
		            "cannot keep the job's journal: %s", error_local->message);
		return FALSE;
	}
	return TRUE;
}

gboolean
ub_flash_journal_remove(UbFlashJournal *self, GError **error)
{
	g_return_val_if_fail(UB_IS_FLASH_JOURNAL(self), FALSE);
	if (g_unlink(self->path) != 0 && errno != ENOENT) {
		g_set_error(error, UB_FLASH_ERROR, UB_FLASH_ERROR_FAILED, "cannot remove %s: %s",
		            self->path, g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

static const char *
member_string(JsonObject *object, const char *name)
{
	JsonNode *node = json_object_get_member(object, name);

	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
	    json_node_get_value_type(node) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(node);
}

static gboolean
member_sectors(JsonObject *object, const char *name, GArray *sectors, GError **error,
               const char *path)
{
	JsonNode *node = json_object_get_member(object, name);
	JsonArray *array = NULL;
	gboolean valid;

	g_array_set_size(sectors, 0);
	if (node == NULL)
		return TRUE;
	valid = JSON_NODE_HOLDS_ARRAY(node);
	if (valid)
		array = json_node_get_array(node);
	for (guint i = 0; valid && i < json_array_get_length(array); i++) {
		JsonNode *element = json_array_get_element(array, i);
		guint sector;

		valid = JSON_NODE_HOLDS_VALUE(element) &&
		        json_node_get_value_type(element) == G_TYPE_INT64 &&
		        json_node_get_int(element) >= 0 && json_node_get_int(element) <= 63;
		if (!valid)
			break;
		sector = (guint)json_node_get_int(element);
		g_array_append_val(sectors, sector);
	}
	if (!valid) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s: field '%s' must be a list of sector numbers", path, name);
		return FALSE;
	}
	return TRUE;
}

static gboolean
member_hex(JsonObject *object, const char *name, guint32 *value)
{
	const char *text = member_string(object, name);
	guint64 parsed = 0;

	if (text == NULL || !g_str_has_prefix(text, "0x") ||
	    !g_ascii_string_to_unsigned(text + 2, 16, 0, G_MAXUINT32, &parsed, NULL))
		return FALSE;
	*value = (guint32)parsed;
	return TRUE;
}

UbFlashJournal *
ub_flash_journal_load(const char *path, GError **error)
{
	g_autofree char *contents = NULL;
	gsize len = 0;
	g_autoptr(GError) error_local = NULL;

	g_return_val_if_fail(path != NULL, NULL);
	if (!g_file_get_contents(path, &contents, &len, &error_local)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: %s", path,
		            error_local->message);
		return NULL;
	}
	return ub_flash_journal_new_from_data(contents, (gssize)len, path, error);
}

UbFlashJournal *
ub_flash_journal_new_from_data(const char *contents, gssize len, const char *path, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(UbFlashJournal) self = NULL;
	g_autoptr(GError) error_local = NULL;
	g_autofree char *dir = NULL;
	JsonObject *root;
	JsonNode *node;
	const char *job;
	const char *uid;
	const char *text;

	g_return_val_if_fail(path != NULL, NULL);
	if (!json_parser_load_from_data(parser, contents != NULL ? contents : "", len,
	                                &error_local)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: %s", path,
		            error_local->message);
		return NULL;
	}
	node = json_parser_get_root(parser);
	if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s: not a job journal", path);
		return NULL;
	}
	root = json_node_get_object(node);
	job = member_string(root, "job");
	uid = member_string(root, "uid");
	text = member_string(root, "stage");
	if (job == NULL || uid == NULL || text == NULL) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s: not a job journal (job, uid or stage missing)", path);
		return NULL;
	}
	/* a stage we do not know could claim the chip untouched: refuse it */
	if (!g_strv_contains(ub_flash_journal_stages, text)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
		            "%s: unknown stage \"%s\"", path, text);
		return NULL;
	}
	dir = g_path_get_dirname(path);
	self = ub_flash_journal_new(dir, job, uid);
	/* the file it came from, whatever its name */
	replace_string(&self->path, path);
	replace_string(&self->stage, text);
	replace_string(&self->chip, member_string(root, "chip"));
	replace_string(&self->source_backup, member_string(root, "source_backup"));
	replace_string(&self->original_backup, member_string(root, "original_backup"));
	replace_string(&self->error, member_string(root, "error"));
	replace_string(&self->program, member_string(root, "program"));
	node = json_object_get_member(root, "image");
	if (node != NULL && JSON_NODE_HOLDS_OBJECT(node)) {
		JsonObject *image = json_node_get_object(node);
		guint32 base = 0;
		if (!member_hex(image, "base", &base))
			base = 0;
		ub_flash_journal_set_image(self, member_string(image, "path"),
		                           member_string(image, "sha256"),
		                           member_string(image, "name"), base);
	}
	node = json_object_get_member(root, "flags");
	if (node != NULL && JSON_NODE_HOLDS_ARRAY(node)) {
		JsonArray *array = json_node_get_array(node);
		g_autoptr(GPtrArray) flags = g_ptr_array_new();
		for (guint i = 0; i < json_array_get_length(array); i++) {
			JsonNode *element = json_array_get_element(array, i);
			if (JSON_NODE_HOLDS_VALUE(element) &&
			    json_node_get_value_type(element) == G_TYPE_STRING)
				g_ptr_array_add(flags, (gpointer)json_node_get_string(element));
		}
		g_ptr_array_add(flags, NULL);
		ub_flash_journal_set_flags(self, (const char *const *)flags->pdata);
	}
	if (!member_sectors(root, "sectors", self->sectors, error, path) ||
	    !member_sectors(root, "planned", self->planned, error, path) ||
	    !member_sectors(root, "erased", self->erased, error, path) ||
	    !member_sectors(root, "written", self->written, error, path))
		return NULL;
	node = json_object_get_member(root, "option_bytes");
	if (node != NULL && JSON_NODE_HOLDS_OBJECT(node)) {
		JsonObject *ob = json_node_get_object(node);
		self->has_option_bytes = member_hex(ob, "before", &self->optcr_before) &&
		                         member_hex(ob, "after", &self->optcr_after);
	}
	text = member_string(root, "started");
	if (text != NULL) {
		GDateTime *when = g_date_time_new_from_iso8601(text, NULL);
		if (when != NULL) {
			g_date_time_unref(self->started);
			self->started = when;
		}
	}
	node = json_object_get_member(root, "pid");
	self->pid = node != NULL && JSON_NODE_HOLDS_VALUE(node) &&
	                            json_node_get_value_type(node) == G_TYPE_INT64
	                    ? json_node_get_int(node)
	                    : 0;
	return g_steal_pointer(&self);
}

static gint
compare_oldest_first(gconstpointer a, gconstpointer b)
{
	UbFlashJournal *first = *(UbFlashJournal *const *)a;
	UbFlashJournal *second = *(UbFlashJournal *const *)b;

	return g_date_time_compare(first->started, second->started);
}

GPtrArray *
ub_flash_journal_list(const char *dir)
{
	GPtrArray *journals = g_ptr_array_new_with_free_func(g_object_unref);
	g_autofree char *default_dir = NULL;
	g_autoptr(GDir) handle = NULL;
	const char *name;

	if (dir == NULL)
		dir = default_dir = ub_flash_journal_get_default_dir();
	handle = g_dir_open(dir, 0, NULL);
	while (handle != NULL && (name = g_dir_read_name(handle)) != NULL) {
		g_autofree char *path = NULL;
		g_autoptr(GError) error = NULL;
		UbFlashJournal *journal;

		if (name[0] == '.' || !g_str_has_suffix(name, ".json"))
			continue;
		path = g_build_filename(dir, name, NULL);
		journal = ub_flash_journal_load(path, &error);
		if (journal == NULL) {
			g_debug("skipping %s", error->message);
			continue;
		}
		g_ptr_array_add(journals, journal);
	}
	g_ptr_array_sort(journals, compare_oldest_first);
	return journals;
}

UbFlashJournal *
ub_flash_journal_find(const char *dir, const char *uid)
{
	g_autofree char *default_dir = NULL;
	g_autofree char *name = NULL;
	g_autofree char *path = NULL;
	g_autoptr(GError) error = NULL;
	UbFlashJournal *journal;

	g_return_val_if_fail(uid != NULL, NULL);
	if (dir == NULL)
		dir = default_dir = ub_flash_journal_get_default_dir();
	name = ub_flash_journal_file_name(uid);
	path = g_build_filename(dir, name, NULL);
	if (!g_file_test(path, G_FILE_TEST_EXISTS))
		return NULL;
	journal = ub_flash_journal_load(path, &error);
	if (journal == NULL)
		g_debug("ignoring the job journal %s", error->message);
	return journal;
}
