/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "ub-chip.h"
#include "ub-error.h"

typedef struct {
	guint16 dev_id;
	guint16 cpuid_partno;
} UbChipAlias;

typedef struct {
	char *name;
	guint32 base;
	guint32 size;
} UbChipRam;

struct _UbChip {
	GObject parent_instance;
	char *id;
	char *name;
	char *family;
	char *core;
	guint16 dev_id;
	guint16 cpuid_partno;
	GArray *aliases;	 /* UbChipAlias */
	GHashTable *revisions; /* rev_id → name */
	guint32 flash_base;
	guint32 flash_size_register;
	guint32 flash_default_size;
	guint32 flash_interface;
	GArray *sector_runs; /* pairs of guint32: count, size */
	GArray *ram;	     /* UbChipRam */
	guint32 uid_address;
	guint32 optcr_address;
	guint rdp_shift;
};

G_DEFINE_TYPE(UbChip, ub_chip, G_TYPE_OBJECT)

gboolean
ub_json_get_u32(JsonObject *object, const char *member, guint32 *value, GError **error)
{
	JsonNode *node = json_object_get_member(object, member);
	const char *str;
	char *end = NULL;
	guint64 parsed;

	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "\"%s\" is missing",
			    member);
		return FALSE;
	}
	if (json_node_get_value_type(node) == G_TYPE_INT64) {
		gint64 number = json_node_get_int(node);
		if (number < 0 || number > G_MAXUINT32) {
			g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
				    "\"%s\" is out of range", member);
			return FALSE;
		}
		*value = (guint32)number;
		return TRUE;
	}
	str = json_node_get_string(node);
	if (str == NULL) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			    "\"%s\" is neither a number nor a string", member);
		return FALSE;
	}
	parsed = g_ascii_strtoull(str, &end, 0);
	if (end == str || *end != '\0' || parsed > G_MAXUINT32) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			    "\"%s\" is not a number: \"%s\"", member, str);
		return FALSE;
	}
	*value = (guint32)parsed;
	return TRUE;
}

/* a member's string, or NULL when it is absent or not a string (never a critical) */
static const char *
ub_json_peek_string(JsonObject *object, const char *member)
{
	JsonNode *node = json_object_get_member(object, member);

	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
	    json_node_get_value_type(node) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(node);
}

static const char *
ub_json_get_string(JsonObject *object, const char *member, GError **error)
{
	const char *str = ub_json_peek_string(object, member);
	if (str == NULL)
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			    "\"%s\" is missing or not a string", member);
	return str;
}

/* an optional list: NULL without error when absent, an error when of another kind */
static gboolean
ub_json_get_array(JsonObject *object, const char *member, JsonArray **array, GError **error)
{
	JsonNode *node = json_object_get_member(object, member);

	*array = NULL;
	if (node == NULL)
		return TRUE;
	if (!JSON_NODE_HOLDS_ARRAY(node)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "\"%s\" is not a list",
			    member);
		return FALSE;
	}
	*array = json_node_get_array(node);
	return TRUE;
}

static JsonObject *
ub_json_element_object(JsonArray *array, guint index)
{
	JsonNode *node = json_array_get_element(array, index);
	return node != NULL && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

/* sizes and counts a chip can have: anything bigger is a damaged file, not a chip */
#define UB_CHIP_MAX_SECTORS 4096u
#define UB_CHIP_MAX_SIZE_KIB (64u * 1024)

static JsonObject *
ub_json_get_object(JsonObject *object, const char *member, GError **error)
{
	JsonNode *node = json_object_get_member(object, member);
	if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node)) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			    "\"%s\" is missing or not an object", member);
		return NULL;
	}
	return json_node_get_object(node);
}

static gboolean
ub_chip_parse(UbChip *self, JsonObject *object, GError **error)
{
	JsonObject *flash;
	JsonObject *options;
	JsonArray *array;
	const char *str;
	guint32 value;
	guint64 total = 0;

	if ((str = ub_json_get_string(object, "id", error)) == NULL)
		return FALSE;
	self->id = g_strdup(str);
	if ((str = ub_json_get_string(object, "name", error)) == NULL)
		return FALSE;
	self->name = g_strdup(str);
	str = ub_json_peek_string(object, "family");
	self->family = g_strdup(str != NULL ? str : "");
	str = ub_json_peek_string(object, "core");
	self->core = g_strdup(str != NULL ? str : "");
	if (!ub_json_get_u32(object, "dev-id", &value, error))
		return FALSE;
	self->dev_id = (guint16)value;
	if (json_object_has_member(object, "cpuid-partno")) {
		if (!ub_json_get_u32(object, "cpuid-partno", &value, error))
			return FALSE;
		self->cpuid_partno = (guint16)value;
	}
	if (!ub_json_get_array(object, "also-reads-as", &array, error))
		return FALSE;
	{
		for (guint i = 0; array != NULL && i < json_array_get_length(array); i++) {
			JsonObject *alias_obj = ub_json_element_object(array, i);
			UbChipAlias alias = {0};
			if (alias_obj == NULL) {
				g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
					    "also-reads-as[%u]: not an object", i);
				return FALSE;
			}
			if (!ub_json_get_u32(alias_obj, "dev-id", &value, error)) {
				g_prefix_error(error, "also-reads-as[%u]: ", i);
				return FALSE;
			}
			alias.dev_id = (guint16)value;
			if (!ub_json_get_u32(alias_obj, "cpuid-partno", &value, error)) {
				g_prefix_error(error, "also-reads-as[%u]: ", i);
				return FALSE;
			}
			alias.cpuid_partno = (guint16)value;
			g_array_append_val(self->aliases, alias);
		}
	}
	if (json_object_has_member(object, "revisions")) {
		JsonObject *revisions = ub_json_get_object(object, "revisions", error);
		g_autoptr(GList) members = NULL;
		if (revisions == NULL)
			return FALSE;
		members = json_object_get_members(revisions);
		for (GList *l = members; l != NULL; l = l->next) {
			const char *key = l->data;
			guint64 rev = g_ascii_strtoull(key, NULL, 0);
			const char *rev_name = ub_json_peek_string(revisions, key);
			if (rev == 0 || rev > G_MAXUINT16 || rev_name == NULL) {
				g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
					    "revisions: bad entry \"%s\"", key);
				return FALSE;
			}
			g_hash_table_insert(self->revisions, GUINT_TO_POINTER(rev),
					    g_strdup(rev_name));
		}
	}

	flash = ub_json_get_object(object, "flash", error);
	if (flash == NULL)
		return FALSE;
	if (!ub_json_get_u32(flash, "base", &self->flash_base, error) ||
	    !ub_json_get_u32(flash, "size-register", &self->flash_size_register, error) ||
	    !ub_json_get_u32(flash, "default-size-kib", &value, error)) {
		g_prefix_error(error, "flash: ");
		return FALSE;
	}
	if (value == 0 || value > UB_CHIP_MAX_SIZE_KIB) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			    "flash: \"default-size-kib\" %u is no chip's size", value);
		return FALSE;
	}
	self->flash_default_size = value * 1024;
	if (json_object_has_member(flash, "interface") &&
	    !ub_json_get_u32(flash, "interface", &self->flash_interface, error)) {
		g_prefix_error(error, "flash: ");
		return FALSE;
	}
	if (!ub_json_get_array(flash, "sectors", &array, error)) {
		g_prefix_error(error, "flash: ");
		return FALSE;
	}
	if (array == NULL || json_array_get_length(array) == 0) {
		g_set_error_literal(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
				    "flash: \"sectors\" is missing");
		return FALSE;
	}
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonObject *run = ub_json_element_object(array, i);
		guint32 count = 0;
		guint32 size_kib = 0;
		if (run == NULL || !ub_json_get_u32(run, "count", &count, error) ||
		    !ub_json_get_u32(run, "size-kib", &size_kib, error)) {
			if (run == NULL)
				g_set_error_literal(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
						    "not an object");
			g_prefix_error(error, "flash: sectors[%u]: ", i);
			return FALSE;
		}
		if (count == 0 || count > UB_CHIP_MAX_SECTORS || size_kib == 0 ||
		    size_kib > UB_CHIP_MAX_SIZE_KIB ||
		    self->sector_runs->len / 2 + count > UB_CHIP_MAX_SECTORS) {
			g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
				    "flash: sectors[%u]: %u sectors of %u KiB is no chip's flash", i,
				    count, size_kib);
			return FALSE;
		}
		size_kib *= 1024;
		g_array_append_val(self->sector_runs, count);
		g_array_append_val(self->sector_runs, size_kib);
		total += (guint64)count * size_kib;
	}
	if (total < self->flash_default_size) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			    "flash: sectors cover %" G_GUINT64_FORMAT " KiB, less than the "
			    "default size",
			    total / 1024);
		return FALSE;
	}

	if (!ub_json_get_array(object, "ram", &array, error))
		return FALSE;
	for (guint i = 0; array != NULL && i < json_array_get_length(array); i++) {
		JsonObject *ram_obj = ub_json_element_object(array, i);
		UbChipRam ram = {0};
		const char *ram_name;
		if (ram_obj == NULL || (ram_name = ub_json_get_string(ram_obj, "name", error)) ==
					   NULL ||
		    !ub_json_get_u32(ram_obj, "base", &ram.base, error) ||
		    !ub_json_get_u32(ram_obj, "size-kib", &ram.size, error) ||
		    ram.size > UB_CHIP_MAX_SIZE_KIB) {
			if (ram_obj == NULL || ram.size > UB_CHIP_MAX_SIZE_KIB)
				g_set_error_literal(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
						    "not a RAM region");
			g_prefix_error(error, "ram[%u]: ", i);
			return FALSE;
		}
		ram.name = g_strdup(ram_name);
		ram.size *= 1024;
		g_array_append_val(self->ram, ram);
	}
	if (!ub_json_get_u32(object, "uid-address", &self->uid_address, error))
		return FALSE;
	options = ub_json_get_object(object, "option-bytes", error);
	if (options == NULL)
		return FALSE;
	if (!ub_json_get_u32(options, "optcr", &self->optcr_address, error) ||
	    !ub_json_get_u32(options, "rdp-shift", &value, error)) {
		g_prefix_error(error, "option-bytes: ");
		return FALSE;
	}
	self->rdp_shift = value;
	return TRUE;
}

/**
 * ub_chip_new_from_json:
 * @origin: where the object came from (a file name), for error messages
 */
UbChip *
ub_chip_new_from_json(JsonObject *object, const char *origin, GError **error)
{
	g_autoptr(UbChip) self = g_object_new(UB_TYPE_CHIP, NULL);

	g_return_val_if_fail(object != NULL, NULL);

	if (!ub_chip_parse(self, object, error)) {
		g_prefix_error(error, "%s: ", origin != NULL ? origin : "chip data");
		return NULL;
	}
	return g_steal_pointer(&self);
}

const char *
ub_chip_get_id(UbChip *self)
{
	g_return_val_if_fail(UB_IS_CHIP(self), NULL);
	return self->id;
}

const char *
ub_chip_get_name(UbChip *self)
{
	g_return_val_if_fail(UB_IS_CHIP(self), NULL);
	return self->name;
}

const char *
ub_chip_get_family(UbChip *self)
{
	g_return_val_if_fail(UB_IS_CHIP(self), NULL);
	return self->family;
}

const char *
ub_chip_get_core(UbChip *self)
{
	g_return_val_if_fail(UB_IS_CHIP(self), NULL);
	return self->core;
}

guint16
ub_chip_get_dev_id(UbChip *self)
{
	g_return_val_if_fail(UB_IS_CHIP(self), 0);
	return self->dev_id;
}

gboolean
ub_chip_matches(UbChip *self, guint16 dev_id, guint16 cpuid_partno)
{
	g_return_val_if_fail(UB_IS_CHIP(self), FALSE);

	if (dev_id == self->dev_id)
		return TRUE;
	for (guint i = 0; i < self->aliases->len; i++) {
		UbChipAlias *alias = &g_array_index(self->aliases, UbChipAlias, i);
		if (alias->dev_id == dev_id && alias->cpuid_partno == cpuid_partno)
			return TRUE;
	}
	return FALSE;
}

const char *
ub_chip_get_revision_name(UbChip *self, guint16 rev_id)
{
	g_return_val_if_fail(UB_IS_CHIP(self), NULL);
	return g_hash_table_lookup(self->revisions, GUINT_TO_POINTER((guint)rev_id));
}

guint32
ub_chip_get_flash_base(UbChip *self)
{
	g_return_val_if_fail(UB_IS_CHIP(self), 0);
	return self->flash_base;
}

guint32
ub_chip_get_flash_size_register(UbChip *self)
{
	g_return_val_if_fail(UB_IS_CHIP(self), 0);
	return self->flash_size_register;
}

guint32
ub_chip_get_flash_default_size(UbChip *self)
{
	g_return_val_if_fail(UB_IS_CHIP(self), 0);
	return self->flash_default_size;
}

guint32
ub_chip_get_flash_interface(UbChip *self)
{
	g_return_val_if_fail(UB_IS_CHIP(self), 0);
	return self->flash_interface;
}

GArray *
ub_chip_get_sectors(UbChip *self, guint32 flash_size)
{
	GArray *sectors;
	guint32 offset = 0;
	guint index = 0;

	g_return_val_if_fail(UB_IS_CHIP(self), NULL);

	sectors = g_array_new(FALSE, FALSE, sizeof(UbFlashSector));
	for (guint i = 0; i + 1 < self->sector_runs->len; i += 2) {
		guint32 count = g_array_index(self->sector_runs, guint32, i);
		guint32 size = g_array_index(self->sector_runs, guint32, i + 1);
		for (guint32 j = 0; j < count && offset < flash_size; j++) {
			UbFlashSector sector = {index++, self->flash_base + offset, size};
			g_array_append_val(sectors, sector);
			offset += size;
		}
	}
	return sectors;
}

/**
 * ub_chip_get_ram:
 * @name: "SRAM", "CCM" …
 */
gboolean
ub_chip_get_ram(UbChip *self, const char *name, guint32 *base, guint32 *size)
{
	g_return_val_if_fail(UB_IS_CHIP(self), FALSE);

	for (guint i = 0; i < self->ram->len; i++) {
		UbChipRam *ram = &g_array_index(self->ram, UbChipRam, i);
		if (g_strcmp0(ram->name, name) != 0)
			continue;
		if (base != NULL)
			*base = ram->base;
		if (size != NULL)
			*size = ram->size;
		return TRUE;
	}
	return FALSE;
}

guint32
ub_chip_get_uid_address(UbChip *self)
{
	g_return_val_if_fail(UB_IS_CHIP(self), 0);
	return self->uid_address;
}

guint32
ub_chip_get_optcr_address(UbChip *self)
{
	g_return_val_if_fail(UB_IS_CHIP(self), 0);
	return self->optcr_address;
}

guint
ub_chip_get_rdp_shift(UbChip *self)
{
	g_return_val_if_fail(UB_IS_CHIP(self), 0);
	return self->rdp_shift;
}

static void
ub_chip_ram_clear(gpointer data)
{
	UbChipRam *ram = data;
	g_free(ram->name);
}

static void
ub_chip_finalize(GObject *object)
{
	UbChip *self = UB_CHIP(object);

	g_free(self->id);
	g_free(self->name);
	g_free(self->family);
	g_free(self->core);
	g_array_unref(self->aliases);
	g_hash_table_unref(self->revisions);
	g_array_unref(self->sector_runs);
	g_array_unref(self->ram);
	G_OBJECT_CLASS(ub_chip_parent_class)->finalize(object);
}

static void
ub_chip_class_init(UbChipClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ub_chip_finalize;
}

static void
ub_chip_init(UbChip *self)
{
	self->aliases = g_array_new(FALSE, FALSE, sizeof(UbChipAlias));
	self->revisions = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	self->sector_runs = g_array_new(FALSE, FALSE, sizeof(guint32));
	self->ram = g_array_new(FALSE, FALSE, sizeof(UbChipRam));
	g_array_set_clear_func(self->ram, ub_chip_ram_clear);
}
