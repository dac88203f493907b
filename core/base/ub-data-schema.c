/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "ub-data-schema.h"
#include "ub-data-resources.h"
#include "ub-error.h"

/*
 * The schemas are compiled into the library (core/base/ub-data.gresource.xml) so a missing or edited
 * installed copy cannot turn validation off; the same files are the documentation of the format.
 */
JsonNode *
ub_data_schema_load(const gchar *name, GError **error)
{
	g_autofree gchar *path =
	        g_strdup_printf("/io/github/unbrick/core/schema/%s.schema.json", name);
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	gsize size = 0;
	const gchar *data;

	g_return_val_if_fail(name != NULL, NULL);

	bytes = g_resource_lookup_data(ub_core_data_get_resource(), path,
	                               G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
	if (bytes == NULL) {
		g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_NOT_FOUND, "no schema named %s",
		            name);
		return NULL;
	}
	data = g_bytes_get_data(bytes, &size);
	if (!json_parser_load_from_data(parser, data, (gssize)size, error)) {
		g_prefix_error(error, "schema %s: ", name);
		return NULL;
	}
	return json_node_copy(json_parser_get_root(parser));
}

static const gchar *
path_or_top(GString *path)
{
	return path->len > 0 ? path->str : "(top level)";
}

static gboolean
set_invalid(GError **error, GString *path, const gchar *what)
{
	g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID, "%s: %s", path_or_top(path), what);
	return FALSE;
}

static const gchar *
node_type_name(JsonNode *node)
{
	GType value_type;

	switch (JSON_NODE_TYPE(node)) {
	case JSON_NODE_OBJECT:
		return "object";
	case JSON_NODE_ARRAY:
		return "array";
	case JSON_NODE_NULL:
		return "null";
	case JSON_NODE_VALUE:
		value_type = json_node_get_value_type(node);
		if (value_type == G_TYPE_STRING)
			return "string";
		if (value_type == G_TYPE_BOOLEAN)
			return "boolean";
		if (value_type == G_TYPE_INT64)
			return "integer";
		if (value_type == G_TYPE_DOUBLE)
			return "number";
		return "value";
	default:
		return "unknown";
	}
}

static gboolean
node_is_type(JsonNode *node, const gchar *type)
{
	const gchar *actual = node_type_name(node);

	if (g_strcmp0(type, actual) == 0)
		return TRUE;
	/* every integer is also a number */
	if (g_strcmp0(type, "number") == 0 && g_strcmp0(actual, "integer") == 0)
		return TRUE;
	return FALSE;
}

static gboolean
check_type(JsonNode *type_node, JsonNode *node, GString *path, GError **error)
{
	g_autoptr(GString) wanted = g_string_new(NULL);
	g_autofree gchar *msg = NULL;

	if (JSON_NODE_HOLDS_VALUE(type_node)) {
		if (node_is_type(node, json_node_get_string(type_node)))
			return TRUE;
		g_string_append(wanted, json_node_get_string(type_node));
	} else if (JSON_NODE_HOLDS_ARRAY(type_node)) {
		JsonArray *types = json_node_get_array(type_node);
		for (guint i = 0; i < json_array_get_length(types); i++) {
			const gchar *type = json_array_get_string_element(types, i);
			if (node_is_type(node, type))
				return TRUE;
			if (wanted->len > 0)
				g_string_append(wanted, " or ");
			g_string_append(wanted, type);
		}
	} else {
		return TRUE;
	}
	msg = g_strdup_printf("expected %s, found %s", wanted->str, node_type_name(node));
	return set_invalid(error, path, msg);
}

static gdouble
node_get_number(JsonNode *node)
{
	if (json_node_get_value_type(node) == G_TYPE_INT64)
		return (gdouble)json_node_get_int(node);
	return json_node_get_double(node);
}

static gboolean
node_is_number(JsonNode *node)
{
	return node_is_type(node, "number");
}

static gboolean
check_enum(JsonArray *choices, JsonNode *node, GString *path, GError **error)
{
	g_autofree gchar *shown = NULL;
	g_autofree gchar *msg = NULL;

	for (guint i = 0; i < json_array_get_length(choices); i++) {
		JsonNode *choice = json_array_get_element(choices, i);
		if (g_strcmp0(node_type_name(choice), node_type_name(node)) != 0)
			continue;
		if (json_node_equal(choice, node))
			return TRUE;
	}
	shown = json_to_string(node, FALSE);
	msg = g_strdup_printf("%s is not one of the allowed values", shown);
	return set_invalid(error, path, msg);
}

static gboolean validate_node(JsonObject *root, JsonObject *schema, JsonNode *node, GString *path,
                              GError **error);

static gboolean
validate_object(JsonObject *root, JsonObject *schema, JsonObject *object, GString *path,
                GError **error)
{
	JsonObject *properties = NULL;
	gboolean closed = FALSE;
	g_autoptr(GList) members = NULL;
	gsize saved_len = path->len;

	if (json_object_has_member(schema, "properties"))
		properties = json_object_get_object_member(schema, "properties");
	if (json_object_has_member(schema, "additionalProperties"))
		closed = !json_object_get_boolean_member(schema, "additionalProperties");

	members = json_object_get_members(object);
	members = g_list_sort(members, (GCompareFunc)g_strcmp0);
	for (GList *l = members; l != NULL; l = l->next) {
		const gchar *name = l->data;
		JsonNode *sub_schema = NULL;

		g_string_truncate(path, saved_len);
		if (path->len > 0)
			g_string_append_c(path, '.');
		g_string_append(path, name);
		if (properties != NULL && json_object_has_member(properties, name))
			sub_schema = json_object_get_member(properties, name);
		if (sub_schema == NULL) {
			if (closed)
				return set_invalid(error, path, "unknown field");
			continue;
		}
		if (!validate_node(root, json_node_get_object(sub_schema),
		                   json_object_get_member(object, name), path, error))
			return FALSE;
	}
	g_string_truncate(path, saved_len);

	/* after the members, so a misspelt field is reported as unknown, not as missing */
	if (json_object_has_member(schema, "required")) {
		JsonArray *required = json_object_get_array_member(schema, "required");
		for (guint i = 0; i < json_array_get_length(required); i++) {
			const gchar *name = json_array_get_string_element(required, i);
			if (json_object_has_member(object, name))
				continue;
			if (path->len > 0)
				g_string_append_c(path, '.');
			g_string_append(path, name);
			return set_invalid(error, path, "required field is missing");
		}
	}

	return TRUE;
}

static gboolean
validate_array(JsonObject *root, JsonObject *schema, JsonArray *array, GString *path,
               GError **error)
{
	guint length = json_array_get_length(array);
	gsize saved_len = path->len;

	if (json_object_has_member(schema, "minItems") &&
	    length < (guint)json_object_get_int_member(schema, "minItems")) {
		g_autofree gchar *msg =
		        g_strdup_printf("needs at least %" G_GINT64_FORMAT " entries, has %u",
		                        json_object_get_int_member(schema, "minItems"), length);
		return set_invalid(error, path, msg);
	}
	if (!json_object_has_member(schema, "items"))
		return TRUE;
	for (guint i = 0; i < length; i++) {
		g_string_truncate(path, saved_len);
		g_string_append_printf(path, "[%u]", i);
		if (!validate_node(root, json_object_get_object_member(schema, "items"),
		                   json_array_get_element(array, i), path, error))
			return FALSE;
	}
	g_string_truncate(path, saved_len);
	return TRUE;
}

static JsonObject *
resolve_ref(JsonObject *root, const gchar *ref)
{
	const gchar *prefix = "#/$defs/";
	JsonObject *defs;

	if (!g_str_has_prefix(ref, prefix) || !json_object_has_member(root, "$defs"))
		return NULL;
	defs = json_object_get_object_member(root, "$defs");
	if (!json_object_has_member(defs, ref + strlen(prefix)))
		return NULL;
	return json_object_get_object_member(defs, ref + strlen(prefix));
}

static gboolean
validate_node(JsonObject *root, JsonObject *schema, JsonNode *node, GString *path, GError **error)
{
	if (json_object_has_member(schema, "$ref")) {
		const gchar *ref = json_object_get_string_member(schema, "$ref");
		JsonObject *target = resolve_ref(root, ref);
		if (target == NULL) {
			g_set_error(error, UB_DATA_ERROR, UB_DATA_ERROR_INVALID,
			            "schema: unresolved reference %s", ref);
			return FALSE;
		}
		return validate_node(root, target, node, path, error);
	}
	if (json_object_has_member(schema, "type") &&
	    !check_type(json_object_get_member(schema, "type"), node, path, error))
		return FALSE;
	if (json_object_has_member(schema, "enum") &&
	    !check_enum(json_object_get_array_member(schema, "enum"), node, path, error))
		return FALSE;

	if (JSON_NODE_HOLDS_VALUE(node) && node_is_number(node)) {
		gdouble value = node_get_number(node);
		if (json_object_has_member(schema, "minimum") &&
		    value < json_object_get_double_member(schema, "minimum"))
			return set_invalid(error, path, "value is below the minimum");
		if (json_object_has_member(schema, "maximum") &&
		    value > json_object_get_double_member(schema, "maximum"))
			return set_invalid(error, path, "value is above the maximum");
	}
	if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING) {
		const gchar *str = json_node_get_string(node);
		if (json_object_has_member(schema, "minLength") &&
		    g_utf8_strlen(str, -1) < json_object_get_int_member(schema, "minLength"))
			return set_invalid(error, path, "text is too short");
		if (json_object_has_member(schema, "pattern") &&
		    !g_regex_match_simple(json_object_get_string_member(schema, "pattern"), str, 0,
		                          0)) {
			g_autofree gchar *msg =
			        g_strdup_printf("\"%s\" does not match %s", str,
			                        json_object_get_string_member(schema, "pattern"));
			return set_invalid(error, path, msg);
		}
	}
	if (JSON_NODE_HOLDS_OBJECT(node))
		return validate_object(root, schema, json_node_get_object(node), path, error);
	if (JSON_NODE_HOLDS_ARRAY(node))
		return validate_array(root, schema, json_node_get_array(node), path, error);
	return TRUE;
}

gboolean
ub_data_schema_validate(JsonNode *schema, JsonNode *instance, GError **error)
{
	g_autoptr(GString) path = g_string_new(NULL);

	g_return_val_if_fail(schema != NULL && JSON_NODE_HOLDS_OBJECT(schema), FALSE);
	g_return_val_if_fail(instance != NULL, FALSE);

	return validate_node(json_node_get_object(schema), json_node_get_object(schema), instance,
	                     path, error);
}
