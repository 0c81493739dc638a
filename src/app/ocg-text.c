/* ocg-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-text.h"

#include "ocg-json.h"

#include <string.h>

/**
 * ocg_text_append_visible:
 *
 * Appends @len bytes of @text, each NUL as %OCG_TEXT_NUL_SYMBOL
 */
void
ocg_text_append_visible (GString    *out,
                         const char *text,
                         gsize       len)
{
  const char *end = text + len;
  const char *nul;

  while ((nul = memchr (text, '\0', (gsize) (end - text))) != NULL)
    {
      g_string_append_len (out, text, nul - text);
      g_string_append (out, OCG_TEXT_NUL_SYMBOL);
      text = nul + 1;
    }
  g_string_append_len (out, text, end - text);
}

/**
 * ocg_text_visible:
 * @text: (nullable): the server's text
 * @len: its length, NUL bytes included, or -1 when it is NUL-terminated
 *
 * Returns: (transfer full) (nullable): @text to show, %NULL for %NULL
 */
char *
ocg_text_visible (const char *text,
                  gssize      len)
{
  GString *out;

  if (text == NULL)
    return NULL;
  if (len < 0)
    return g_strdup (text);

  out = g_string_sized_new ((gsize) len + 1);
  ocg_text_append_visible (out, text, (gsize) len);
  return g_string_free (out, FALSE);
}

/**
 * ocg_text_record_string:
 *
 * Returns: (transfer full) (nullable): the string at @json_path of @record,
 *   to show
 */
char *
ocg_text_record_string (OcgRecord  *record,
                        const char *json_path)
{
  g_return_val_if_fail (OCG_IS_RECORD (record), NULL);

  return ocg_text_visible (ocg_record_get_string (record, json_path),
                           (gssize) ocg_record_get_string_length (record, json_path));
}

static void
show_nul (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);

        for (GList *l = members; l != NULL; l = l->next)
          show_nul (json_object_get_member (object, l->data));
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          show_nul (json_array_get_element (array, i));
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING &&
          strstr (json_node_get_string (node), OCG_JSON_NUL) != NULL)
        {
          gsize len;
          g_autofree char *text = ocg_json_decode_string (json_node_get_string (node), &len);
          g_autofree char *visible = ocg_text_visible (text, (gssize) len);

          json_node_set_string (node, visible);
        }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
}

typedef struct
{
  GString    *text;  /* the record's JSON it was made from */
  JsonObject *tree;
} Shown;

static void
shown_free (gpointer data)
{
  Shown *shown = data;

  g_string_free (shown->text, TRUE);
  json_object_unref (shown->tree);
  g_free (shown);
}

/**
 * ocg_text_record_json:
 *
 * The record's object as ocg_record_get_json() gives it, but with every
 * U+0000 of its strings shown instead of ending them. Owned by @record and
 * valid until it changes.
 */
JsonObject *
ocg_text_record_json (OcgRecord *record)
{
  static GQuark quark;
  g_autoptr(GString) text = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  Shown *shown;

  g_return_val_if_fail (OCG_IS_RECORD (record), NULL);

  if (!ocg_record_holds_nul (record))
    return ocg_record_get_json (record);

  if (quark == 0)
    quark = g_quark_from_static_string ("ocg-text-shown");
  text = g_string_new (NULL);
  ocg_record_append_json (record, text);
  shown = g_object_get_qdata (G_OBJECT (record), quark);
  if (shown != NULL && g_string_equal (shown->text, text))
    return shown->tree;

  /* The record's own text parses */
  parser = json_parser_new ();
  if (!ocg_json_parse (parser, text->str, text->len, &error))
    g_error ("Cannot parse a record's JSON: %s", error->message);
  show_nul (json_parser_get_root (parser));

  shown = g_new0 (Shown, 1);
  shown->text = g_steal_pointer (&text);
  shown->tree = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  g_object_set_qdata_full (G_OBJECT (record), quark, shown, shown_free);
  return shown->tree;
}

/**
 * ocg_text_set_tooltip:
 * @text: (nullable): the tooltip, or %NULL for none
 *
 * Sets @widget's tooltip when it changes. Every call of
 * gtk_widget_set_tooltip_text() asks the display where the pointer is (a
 * round trip to the X server), and rows set theirs on every update.
 */
void
ocg_text_set_tooltip (GtkWidget  *widget,
                      const char *text)
{
  const char *old = gtk_widget_get_tooltip_text (widget);

  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (old, text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}
