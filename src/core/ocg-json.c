/* ocg-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-json.h"
#include "ocg-json-scan.h"

#include <string.h>

JsonNode *
ocg_json_lookup (JsonObject *object,
                 const char *path)
{
  const char *dot;

  if (object == NULL || path == NULL)
    return NULL;

  while ((dot = strchr (path, '.')) != NULL)
    {
      char key[64];
      gsize len = (gsize) (dot - path);
      JsonNode *node;

      if (len >= sizeof key)
        return NULL;
      memcpy (key, path, len);
      key[len] = '\0';

      node = json_object_get_member (object, key);
      path = dot + 1;
      /* An array's element by its index: "questions.0.question" */
      while (node != NULL && JSON_NODE_HOLDS_ARRAY (node) && g_ascii_isdigit (*path))
        {
          JsonArray *array = json_node_get_array (node);
          char *after;
          guint64 index = g_ascii_strtoull (path, &after, 10);

          if (*after != '.' && *after != '\0')
            return NULL;
          node = index < json_array_get_length (array) ? json_array_get_element (array, (guint) index) : NULL;
          if (*after == '\0')
            return node;
          path = after + 1;
        }
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      object = json_node_get_object (node);
    }

  return json_object_get_member (object, path);
}

const char *
ocg_json_get_string (JsonObject *object,
                     const char *path)
{
  JsonNode *node = ocg_json_lookup (object, path);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
ocg_json_get_int (JsonObject *object,
                  const char *path,
                  gint64      fallback)
{
  JsonNode *node = ocg_json_lookup (object, path);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return json_node_get_int (node);
  if (type == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return fallback;
}

double
ocg_json_get_double (JsonObject *object,
                     const char *path,
                     double      fallback)
{
  JsonNode *node = ocg_json_lookup (object, path);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  if (type == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  return fallback;
}

JsonObject *
ocg_json_get_object (JsonObject *object,
                     const char *path)
{
  JsonNode *node = ocg_json_lookup (object, path);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

JsonArray *
ocg_json_get_array (JsonObject *object,
                    const char *path)
{
  JsonNode *node = ocg_json_lookup (object, path);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

gboolean
ocg_json_has_path (JsonObject *object,
                   const char *path)
{
  JsonNode *node = ocg_json_lookup (object, path);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

static inline gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
hex4 (const char *p,
      const char *end)
{
  int value = 0;

  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = (value << 4) | digit;
    }
  return value;
}

/* From the opening quote of a string to just after it, or NULL with @error
 * set at an escape that JSON does not have (json-glib takes them, and reads
 * "\u12" with the character after it). A \u escape of a lone surrogate is
 * replaced by \ufffd in *fixed, a copy of @data made then. */
static const char *
scan_string (const char  *p,
             const char  *end,
             const char  *data,
             gsize        len,
             char       **fixed,
             GArray      *nuls,
             GError     **error)
{
  for (p++; p < end && *p != '"'; p++)
    {
      int u, low;

      if (*p != '\\')
        continue;
      if (++p == end)
        break;
      if (*p != 'u')
        {
          if (memchr ("\"\\/bfnrt", *p, 8) == NULL)
            goto bad_escape;
          continue;
        }
      if ((u = hex4 (p + 1, end)) < 0)
        goto bad_escape;
      if (u == 0 && nuls != NULL)
        {
          gsize at = (gsize) (p - 1 - data);

          g_array_append_val (nuls, at);
        }
      if (u < 0xD800 || u > 0xDFFF)
        {
          p += 4;
          continue;
        }

      if (u <= 0xDBFF && end - p > 10 && p[5] == '\\' && p[6] == 'u' &&
          (low = hex4 (p + 7, end)) >= 0xDC00 && low <= 0xDFFF)
        {
          p += 10;  /* A pair: to its last digit */
          continue;
        }

      /* What a UTF-8 encoder makes of a lone surrogate */
      if (*fixed == NULL)
        *fixed = g_memdup2 (data, len);
      memcpy (*fixed + (p - 1 - data), "\\ufffd", 6);
      p += 4;
    }
  return p < end ? p + 1 : p;

bad_escape:
  g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
               "invalid escape at byte %" G_GSIZE_FORMAT, (gsize) (p - 1 - data));
  return NULL;
}

/**
 * ocg_json_precheck:
 * @fixed: (out): %NULL, or the text to parse instead of @data (of the same
 *   length)
 *
 * Does what json-glib 1.6 does not, before it parses text from the server:
 * - checks that @data holds at most one JSON value with nothing but
 *   whitespace after it: json-glib reads "{...}{...}" as a sequence of
 *   documents, keeps the last one and leaks the others;
 * - checks that it nests at most %OCG_JSON_MAX_DEPTH deep: json-glib's parser
 *   recurses once per level, so a frame of a few hundred kilobytes of "["
 *   would exhaust the stack;
 * - replaces \u escapes of lone surrogates by \ufffd: json-glib turns them
 *   into invalid UTF-8, or refuses the whole text. (JavaScript's
 *   JSON.stringify() writes them for a string cut inside a surrogate pair.)
 * Only brackets and strings are followed, and refused where json-glib would
 * read them otherwise (escapes that JSON does not have, single quotes,
 * comments); json-glib judges the rest.
 */
static gboolean
precheck (const char  *data,
          gsize        len,
          char       **fixed,
          GArray      *nuls,
          GError     **error)
{
  const char *p = data, *end = data + len;
  gssize depth = 0;

  g_return_val_if_fail (fixed != NULL, FALSE);

  *fixed = NULL;
  while (p < end && is_json_space (*p))
    p++;
  do
    {
      if (p >= end)
        return TRUE;  /* Unfinished: for json-glib to report */
      switch (*p)
        {
        case '{':
        case '[':
          if (++depth > OCG_JSON_MAX_DEPTH)
            {
              g_clear_pointer (fixed, g_free);
              g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "nested more than %d deep", OCG_JSON_MAX_DEPTH);
              return FALSE;
            }
          p++;
          break;
        case '}':
        case ']':
          depth--;
          p++;
          break;
        case '"':
          if (!(p = scan_string (p, end, data, len, fixed, nuls, error)))
            {
              g_clear_pointer (fixed, g_free);
              return FALSE;
            }
          break;
        case '\'':
        case '/':
          /* json-glib's single-quoted strings and comments: not JSON, and
           * what they hide would escape these checks */
          g_clear_pointer (fixed, g_free);
          g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                       "unexpected “%c” at byte %" G_GSIZE_FORMAT, *p, (gsize) (p - data));
          return FALSE;
        default:
          /* A number, a literal or a separator: to the next delimiter */
          for (p++; p < end && !is_json_space (*p) && memchr ("{}[]\",:'/", *p, 9) == NULL; p++)
            ;
          break;
        }
    }
  while (depth > 0);

  while (p < end && is_json_space (*p))
    p++;
  if (p < end)
    {
      g_clear_pointer (fixed, g_free);
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "text after the value");
      return FALSE;
    }
  return TRUE;
}

gboolean
ocg_json_precheck (const char  *data,
                   gsize        len,
                   char       **fixed,
                   GError     **error)
{
  return precheck (data, len, fixed, NULL, error);
}

/**
 * ocg_json_parse:
 * @parser: where to load the text
 *
 * Loads text from the server into @parser, checked by ocg_json_precheck().
 * json-glib 1.6 ends a string at its first U+0000 (a "\u0000" escape): the
 * string "a\u0000b" would read "a". Here U+0000 reads %OCG_JSON_NUL instead,
 * two bytes that valid UTF-8 never holds (json-glib refuses text that is not
 * valid UTF-8, so nothing else makes them): "a\xC0\x80b". The stores keep
 * such strings whole (ocg_json_append_string() writes them back as
 * "\u0000"); ocg_json_decode_string() gives the string with its NUL bytes.
 *
 * Returns: whether the text parsed; @parser's root is %NULL for empty text
 */
gboolean
ocg_json_parse (JsonParser  *parser,
                const char  *data,
                gsize        len,
                GError     **error)
{
  g_autoptr(GArray) nuls = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autofree char *fixed = NULL;
  g_autoptr(GString) text = NULL;
  const char *from;

  g_return_val_if_fail (JSON_IS_PARSER (parser), FALSE);

  if (!precheck (data, len, &fixed, nuls, error))
    return FALSE;
  from = fixed != NULL ? fixed : data;
  if (nuls->len == 0)
    return json_parser_load_from_data (parser, from, (gssize) len, error);

  /* json-glib's octal escapes (JSON has none, so they cannot come from
   * the server: the precheck refuses them) make the two bytes */
  text = g_string_sized_new (len + 2 * nuls->len);
  for (guint i = 0, done = 0; i <= nuls->len; i++)
    {
      gsize at = i < nuls->len ? g_array_index (nuls, gsize, i) : len;

      g_string_append_len (text, from + done, (gssize) (at - done));
      if (i < nuls->len)
        {
          g_string_append (text, "\\300\\200");
          done = at + 6;
        }
    }
  return json_parser_load_from_data (parser, text->str, (gssize) text->len, error);
}

/**
 * ocg_json_decode_string:
 * @str: a string of a tree loaded by ocg_json_parse()
 * @len: (out): the length of the result
 *
 * Returns: (transfer full): @str with each %OCG_JSON_NUL written as the NUL
 *   byte it stands for; NUL-terminated after @len bytes
 */
char *
ocg_json_decode_string (const char *str,
                        gsize      *len)
{
  const char *nul;
  GString *out;

  g_return_val_if_fail (str != NULL && len != NULL, NULL);

  if (!(nul = strstr (str, OCG_JSON_NUL)))
    {
      *len = strlen (str);
      return g_strndup (str, *len);
    }
  out = g_string_new (NULL);
  do
    {
      g_string_append_len (out, str, nul - str);
      g_string_append_c (out, '\0');
      str = nul + 2;
    }
  while ((nul = strstr (str, OCG_JSON_NUL)) != NULL);
  g_string_append (out, str);
  *len = out->len;
  return g_string_free (out, FALSE);
}

/* Moves @s to the value at @path (dotted member names, or indices into
 * arrays) below the object at s->p */
static gboolean
text_find (OcgJsonScanner *s,
           const char     *path)
{
  g_autoptr(GString) key = g_string_new (NULL);

  for (;;)
    {
      const char *dot = strchr (path, '.');
      gsize n = dot != NULL ? (gsize) (dot - path) : strlen (path);

      if (ocg_json_scan_expect (s, '{'))
        {
          gboolean found = FALSE;

          if (ocg_json_scan_expect (s, '}'))
            return FALSE;
          while (!found)
            {
              g_string_truncate (key, 0);
              if (!ocg_json_scan_string (s, key) || !ocg_json_scan_expect (s, ':'))
                return FALSE;
              if (key->len == n && memcmp (key->str, path, n) == 0)
                found = TRUE;
              else if (!ocg_json_scan_skip_value (s, 1) ||
                       ocg_json_scan_expect (s, '}') ||
                       !ocg_json_scan_expect (s, ','))
                return FALSE;
            }
        }
      else if (g_ascii_isdigit (*path) && ocg_json_scan_expect (s, '['))
        {
          guint64 index = g_ascii_strtoull (path, NULL, 10);

          for (guint64 i = 0; i < index; i++)
            if (!ocg_json_scan_skip_value (s, 1) || !ocg_json_scan_expect (s, ','))
              return FALSE;
          ocg_json_scan_ws (s);
          if (s->p < s->end && *s->p == ']')
            return FALSE;
        }
      else
        return FALSE;

      if (dot == NULL)
        {
          ocg_json_scan_ws (s);
          return TRUE;
        }
      path = dot + 1;
    }
}

/**
 * ocg_json_text_get_string:
 * @text: (array length=len): JSON text of an object
 * @path: a dotted path, as for ocg_json_lookup()
 * @out: where the string is appended
 *
 * Reads the string at @path straight from @text, with its U+0000 as NUL
 * bytes, where a tree would have lost them. Of repeated names, the first
 * counts (records' own text has none).
 *
 * Returns: whether @path holds a string
 */
gboolean
ocg_json_text_get_string (const char *text,
                          gsize       len,
                          const char *path,
                          GString    *out)
{
  OcgJsonScanner s = { text, text + len };
  gsize mark = out->len;

  if (!text_find (&s, path) || !ocg_json_scan_string (&s, out))
    {
      g_string_truncate (out, mark);
      return FALSE;
    }
  return TRUE;
}

/**
 * ocg_json_text_find_member:
 * @start: (out): where the member's value starts in @text
 * @end: (out): where it ends
 *
 * Finds the value of the member @name of the object @text.
 */
gboolean
ocg_json_text_find_member (const char *text,
                           gsize       len,
                           const char *name,
                           gsize      *start,
                           gsize      *end)
{
  OcgJsonScanner s = { text, text + len };

  g_return_val_if_fail (strchr (name, '.') == NULL, FALSE);

  if (!text_find (&s, name))
    return FALSE;
  *start = (gsize) (s.p - text);
  if (!ocg_json_scan_skip_value (&s, 1))
    return FALSE;
  *end = (gsize) (s.p - text);
  return TRUE;
}

char *
ocg_json_to_string (JsonNode *node,
                    gboolean  pretty)
{
  g_autoptr(JsonGenerator) gen = NULL;

  /* Compact text goes to the server: U+0000 (see ocg_json_parse()) goes
   * back as \u0000 */
  if (!pretty)
    {
      GString *out = g_string_new (NULL);

      ocg_json_append_node (out, node);
      return g_string_free (out, FALSE);
    }

  gen = json_generator_new ();
  json_generator_set_pretty (gen, pretty);
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

JsonNode *
ocg_json_node_new_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  /* Every caller hands over a reference of its own */
  json_node_take_object (node, object);
  return node;
}

JsonNode *
ocg_json_node_new_array (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

/* Appends @str (valid UTF-8, with NUL bytes or %OCG_JSON_NUL for U+0000)
 * as a quoted JSON string */
void
ocg_json_append_string (GString    *out,
                        const char *str,
                        gsize       len)
{
  static const char hex[] = "0123456789abcdef";
  const char *end = str + len;

  g_string_append_c (out, '"');
  while (str < end)
    {
      const char *run = str;

      while (str < end && (guchar) *str >= 0x20 && *str != '"' && *str != '\\' && (guchar) *str != 0xC0)
        str++;
      if (str > run)
        g_string_append_len (out, run, str - run);
      if (str >= end)
        break;

      if ((guchar) *str == 0xC0)
        {
          /* Not UTF-8: only ocg_json_parse() makes it, from "\u0000" */
          if (str + 1 < end && (guchar) str[1] == 0x80)
            {
              g_string_append (out, "\\u0000");
              str++;
            }
          else
            g_string_append_c (out, *str);
          str++;
          continue;
        }

      switch (*str)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[((guchar) *str) >> 4]);
          g_string_append_c (out, hex[((guchar) *str) & 0xf]);
        }
      str++;
    }
  g_string_append_c (out, '"');
}

void
ocg_json_append_object (GString    *out,
                        JsonObject *object)
{
  g_autoptr(GList) members = json_object_get_members (object);
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      ocg_json_append_string (out, name, strlen (name));
      g_string_append_c (out, ':');
      ocg_json_append_node (out, json_object_get_member (object, name));
    }
  g_string_append_c (out, '}');
}

/* Appends compact JSON for @node, as json-glib's generator would write it */
void
ocg_json_append_node (GString  *out,
                      JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      ocg_json_append_object (out, json_node_get_object (node));
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            ocg_json_append_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          {
            const char *str = json_node_get_string (node);

            ocg_json_append_string (out, str, strlen (str));
          }
        else if (type == G_TYPE_INT64)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else if (type == G_TYPE_DOUBLE)
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];

            g_string_append (out, g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
          }
        else if (type == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else
          g_string_append (out, "null");
      }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}
