/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A small JSON Schema checker for the data files. It implements only the keywords our schemas
 * use (resources/data/schema/): type, enum, required, properties, additionalProperties,
 * items, minItems, minimum, maximum, minLength, pattern and local $ref. Unknown keywords are
 * ignored, as JSON Schema says. Private to core.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonNode *ub_data_schema_load(const gchar *name, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean ub_data_schema_validate(JsonNode *schema, JsonNode *instance,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
