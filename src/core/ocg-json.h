/* ocg-json.h: small helpers over json-glib
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Look up a dotted path ("time.updated") in an object; NULL when absent. A
 * number after an array is an index ("questions.0.question"). */
JsonNode   *ocg_json_lookup      (JsonObject *object,
                                  const char *path);
const char *ocg_json_get_string  (JsonObject *object,
                                  const char *path);
gint64      ocg_json_get_int     (JsonObject *object,
                                  const char *path,
                                  gint64      fallback);
double      ocg_json_get_double  (JsonObject *object,
                                  const char *path,
                                  double      fallback);
JsonObject *ocg_json_get_object  (JsonObject *object,
                                  const char *path);
JsonArray  *ocg_json_get_array   (JsonObject *object,
                                  const char *path);
gboolean    ocg_json_has_path    (JsonObject *object,
                                  const char *path);

/* Deeper JSON from a server is refused (see ocg_json_precheck()) */
#define OCG_JSON_MAX_DEPTH 512

gboolean    ocg_json_precheck    (const char *data,
                                  gsize       len,
                                  char      **fixed,
                                  GError    **error);

/* U+0000 in the strings of a tree from ocg_json_parse() (see there) */
#define OCG_JSON_NUL "\xC0\x80"

gboolean    ocg_json_parse           (JsonParser *parser,
                                      const char *data,
                                      gsize       len,
                                      GError    **error);
char       *ocg_json_decode_string   (const char *str,
                                      gsize      *len);
gboolean    ocg_json_text_get_string (const char *text,
                                      gsize       len,
                                      const char *path,
                                      GString    *out);
gboolean    ocg_json_text_find_member (const char *text,
                                       gsize       len,
                                       const char *name,
                                       gsize      *start,
                                       gsize      *end);
char       *ocg_json_to_string   (JsonNode   *node,
                                  gboolean    pretty);
/* Both take over the caller's reference to @object / @array */
JsonNode   *ocg_json_node_new_object (JsonObject *object);
JsonNode   *ocg_json_node_new_array  (JsonArray  *array);
void        ocg_json_append_string   (GString    *out,
                                      const char *str,
                                      gsize       len);
void        ocg_json_append_node     (GString    *out,
                                      JsonNode   *node);
void        ocg_json_append_object   (GString    *out,
                                      JsonObject *object);

G_END_DECLS
