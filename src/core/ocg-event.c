/* ocg-event.c
 *
 * The fast path reads a message.part.delta frame with a small scanner that
 * decodes only the strings it keeps. Anything it does not ocg_json_scan_expect (another
 * type, a member of another JSON type, a syntax it does not accept) sends the
 * frame to json-glib, which is the judge of what is valid JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-event.h"
#include "ocg-json.h"
#include "ocg-json-scan.h"

#include <string.h>

G_DEFINE_QUARK (ocg-event-error-quark, ocg_event_error)

/* Reads a string member value into a new string. Only the delta (with
 * @out_len) may hold U+0000: the tree path reads the other strings. */
static gboolean
take_string (OcgJsonScanner  *s,
             char           **out,
             gsize           *out_len)
{
  GString *str = g_string_new (NULL);

  if (!ocg_json_scan_string (s, str) || *out != NULL ||
      (out_len == NULL && memchr (str->str, '\0', str->len) != NULL))
    {
      g_string_free (str, TRUE);
      return FALSE;
    }
  if (out_len != NULL)
    *out_len = str->len;
  *out = g_string_free (str, FALSE);
  return TRUE;
}

#define KEY_IS(key, lit) ((key)->len == sizeof (lit) - 1 && memcmp ((key)->str, lit, sizeof (lit) - 1) == 0)

static gboolean
scan_delta_properties (OcgJsonScanner *s,
                       OcgEvent       *event)
{
  g_autoptr(GString) key = g_string_new (NULL);

  if (!ocg_json_scan_expect (s, '{'))
    return FALSE;
  if (ocg_json_scan_expect (s, '}'))
    return FALSE;
  for (;;)
    {
      gboolean ok;

      g_string_truncate (key, 0);
      if (!ocg_json_scan_string (s, key) || !ocg_json_scan_expect (s, ':'))
        return FALSE;
      ocg_json_scan_ws (s);

      if (KEY_IS (key, "sessionID"))
        ok = take_string (s, &event->session_id, NULL);
      else if (KEY_IS (key, "messageID"))
        ok = take_string (s, &event->message_id, NULL);
      else if (KEY_IS (key, "partID"))
        ok = take_string (s, &event->part_id, NULL);
      else if (KEY_IS (key, "field"))
        ok = take_string (s, &event->field, NULL);
      else if (KEY_IS (key, "delta"))
        ok = take_string (s, &event->delta, &event->delta_len);
      else
        ok = ocg_json_scan_skip_value (s, 1);
      if (!ok)
        return FALSE;
      if (ocg_json_scan_expect (s, '}'))
        return TRUE;
      if (!ocg_json_scan_expect (s, ','))
        return FALSE;
    }
}

/* Scans {"id", "type", "properties"} (or a global frame's payload). Fails
 * unless it is a well-formed message.part.delta with string members. The
 * properties may come before the type: their position is remembered. */
static gboolean
scan_frame (OcgJsonScanner *s,
            OcgEvent       *event,
            int             depth)
{
  g_autoptr(GString) key = g_string_new (NULL);
  const char *properties = NULL;
  gboolean is_delta = FALSE;
  gboolean has_payload = FALSE;

  if (depth > 1 || !ocg_json_scan_expect (s, '{') || ocg_json_scan_expect (s, '}'))
    return FALSE;
  for (;;)
    {
      gboolean ok;

      g_string_truncate (key, 0);
      if (!ocg_json_scan_string (s, key) || !ocg_json_scan_expect (s, ':'))
        return FALSE;
      ocg_json_scan_ws (s);

      if (KEY_IS (key, "type"))
        {
          ok = take_string (s, &event->type, NULL);
          if (ok && strcmp (event->type, "message.part.delta") != 0)
            return FALSE;
          is_delta = ok;
        }
      else if (KEY_IS (key, "properties"))
        {
          if (properties != NULL)
            return FALSE;
          properties = s->p;
          ok = ocg_json_scan_skip_value (s, 1);
        }
      else if (KEY_IS (key, "payload"))
        {
          ok = scan_frame (s, event, depth + 1);
          has_payload = TRUE;
        }
      else if (KEY_IS (key, "directory") && depth == 0)
        ok = take_string (s, &event->directory, NULL);
      else
        ok = ocg_json_scan_skip_value (s, 1);
      if (!ok)
        return FALSE;
      if (ocg_json_scan_expect (s, '}'))
        break;
      if (!ocg_json_scan_expect (s, ','))
        return FALSE;
    }

  /* As decode_tree() reads a frame: with a payload, the frame's own type
   * and properties do not count; without one, its directory does not */
  if (depth == 0 && (has_payload ? is_delta || properties != NULL : event->directory != NULL))
    return FALSE;

  if (properties != NULL)
    {
      OcgJsonScanner sub = { properties, s->end };

      if (!is_delta || !scan_delta_properties (&sub, event))
        return FALSE;
    }
  return TRUE;
}

static gboolean
try_fast_path (const char *data,
               gsize       len,
               OcgEvent   *event)
{
  OcgJsonScanner s = { data, data + len };

  if (!scan_frame (&s, event, 0))
    return FALSE;
  ocg_json_scan_ws (&s);
  return s.p == s.end &&
         event->type != NULL &&
         event->part_id != NULL && event->field != NULL && event->delta != NULL;
}

static void
clear_event (OcgEvent *event)
{
  g_clear_pointer (&event->type, g_free);
  g_clear_pointer (&event->directory, g_free);
  g_clear_pointer (&event->properties, json_object_unref);
  g_clear_pointer (&event->session_id, g_free);
  g_clear_pointer (&event->message_id, g_free);
  g_clear_pointer (&event->part_id, g_free);
  g_clear_pointer (&event->field, g_free);
  g_clear_pointer (&event->delta, g_free);
  event->delta_len = 0;
}

static char *
dup_member (JsonObject *object,
            const char *name,
            gsize      *len)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *str;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  str = json_node_get_string (node);
  if (len != NULL)
    return ocg_json_decode_string (str, len);
  return g_strdup (str);
}

static gboolean
decode_tree (const char  *data,
             gsize        len,
             OcgEvent    *event,
             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *frame;
  JsonNode *node;

  if (!ocg_json_parse (parser, data, len, error))
    {
      g_prefix_error (error, "Invalid JSON: ");
      if (error != NULL && *error != NULL)
        {
          (*error)->domain = OCG_EVENT_ERROR;
          (*error)->code = OCG_EVENT_ERROR_INVALID_JSON;
        }
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, OCG_EVENT_ERROR, OCG_EVENT_ERROR_INVALID_JSON,
                           "Invalid JSON: the event's data is empty");
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    goto bad_shape;
  frame = json_node_get_object (root);

  if ((node = json_object_get_member (frame, "payload")) != NULL)
    {
      event->directory = dup_member (frame, "directory", NULL);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto bad_shape;
      frame = json_node_get_object (node);
    }

  if (!(event->type = dup_member (frame, "type", NULL)))
    goto bad_shape;

  node = json_object_get_member (frame, "properties");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    event->properties = json_object_new ();
  else if (JSON_NODE_HOLDS_OBJECT (node))
    event->properties = json_object_ref (json_node_get_object (node));
  else
    goto bad_shape;

  if (strcmp (event->type, "message.part.delta") == 0)
    {
      event->session_id = dup_member (event->properties, "sessionID", NULL);
      event->message_id = dup_member (event->properties, "messageID", NULL);
      event->part_id = dup_member (event->properties, "partID", NULL);
      event->field = dup_member (event->properties, "field", NULL);
      event->delta = dup_member (event->properties, "delta", &event->delta_len);
      if (event->part_id == NULL || event->field == NULL || event->delta == NULL)
        {
          g_set_error (error, OCG_EVENT_ERROR, OCG_EVENT_ERROR_INVALID_SHAPE,
                       "message.part.delta without string partID, field and delta");
          return FALSE;
        }
    }
  return TRUE;

bad_shape:
  g_set_error (error, OCG_EVENT_ERROR, OCG_EVENT_ERROR_INVALID_SHAPE,
               "The event is not an object with a string “type” and object “properties”");
  return FALSE;
}

/**
 * ocg_event_decode:
 * @data: the frame's data, valid UTF-8
 * @len: its length
 *
 * Returns: (transfer full): the event, or %NULL with @error set
 */
OcgEvent *
ocg_event_decode (const char  *data,
                  gsize        len,
                  GError     **error)
{
  OcgEvent *event;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  event = g_new0 (OcgEvent, 1);
  if (try_fast_path (data, len, event))
    return event;

  clear_event (event);
  if (!decode_tree (data, len, event, error))
    {
      ocg_event_free (event);
      return NULL;
    }
  return event;
}

void
ocg_event_free (OcgEvent *event)
{
  if (event == NULL)
    return;
  clear_event (event);
  g_free (event);
}
