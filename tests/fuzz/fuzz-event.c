/* fuzz-event.c: libFuzzer target for the event decoder and the sync's handlers
 *
 * The input is made valid UTF-8 first (as the SSE parser does to every
 * frame), then:
 * - ocg_event_decode() must either succeed or set an error, never both or
 *   neither; a decoded event has a type, every string in it is valid UTF-8,
 *   and a message.part.delta has its part, field and delta, with delta_len
 *   the delta's length;
 * - the fast path is checked against json-glib: when json-glib reads the
 *   frame (or its "payload") as a message.part.delta with string members,
 *   the decoder must succeed with the very same strings, and whenever the
 *   decoder succeeds, json-glib must accept the frame too (after
 *   ocg_json_precheck(): json-glib 1.6 also accepts a sequence of values);
 * - the frame is applied to an OcgSync over a store that already holds a
 *   session, a message and parts, then each line of the input is applied as
 *   a frame of its own (so that sequences of events are explored), and the
 *   store is dumped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ocg-event.h"
#include "ocg-json.h"
#include "ocg-sync.h"
#include "ocg-utf8.h"
#include "fuzz-check.h"

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *input,
                            size_t         size);

/* Frames applied before the input, so that deltas, updates and removals
 * find something to act on. The ids are those of the seed corpus. */
#define SES "ses_e02ff5cd5ffe7FqN5yY6mjA1QA"
#define MSG "msg_1fd00a631001CsbsvJYdoVm45L"
#define MSG_2 "msg_1fd00af26001Pk7hODBb0m7vGZ"

static const char * const base_frames[] = {
  ("{\"type\":\"session.created\",\"properties\":{\"info\":{\"id\":\"" SES "\",\"title\":\"t\"}}}"),
  ("{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"" MSG "\","
    "\"sessionID\":\"" SES "\",\"role\":\"assistant\"}}}"),
  ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_1fd00a918001BXPVgCX0vBTey2\","
    "\"messageID\":\"" MSG "\",\"sessionID\":\"" SES "\",\"type\":\"text\",\"text\":\"\"}}}"),
  ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_1fd00af87001yMrSCRJRaZdfTN\","
    "\"messageID\":\"" MSG_2 "\",\"sessionID\":\"ses_e02ff560dffeTxcjcz256LiHVM\",\"type\":\"reasoning\"}}}"),
  ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"p\",\"messageID\":\"m\","
    "\"sessionID\":\"s\",\"type\":\"text\",\"text\":\"r\"}}}"),
};

static void
drop_log (const char     *log_domain,
          GLogLevelFlags  log_level,
          const char     *message,
          gpointer        user_data)
{
  /* The sync logs each malformed event type once: noise here */
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      fprintf (stderr, "%s: %s\n", log_domain != NULL ? log_domain : "", message);
      abort ();
    }
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_default_handler (drop_log, NULL);
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

/* Valid UTF-8, with U+0000 as ocg_json_parse() writes it */
static void
check_string (const char *str)
{
  if (str != NULL)
    {
      gsize len;
      g_autofree char *decoded = ocg_json_decode_string (str, &len);

      CHECK (ocg_utf8_is_valid (decoded, len));
    }
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* What json-glib makes of the frame, by the rules decode_tree() follows:
 * the frame, or its "payload" when it has one. */
typedef struct
{
  gboolean    parsed;     /* json-glib accepts the text */
  const char *type;       /* the frame's string "type" */
  const char *directory;  /* with a payload, the string "directory" */
  gboolean    is_delta;   /* a message.part.delta with string members */
  const char *part_id;
  const char *field;
  const char *delta;
  const char *session_id;
  const char *message_id;
} Reference;

static void
reference_read (JsonParser  *parser,
                const char  *data,
                gsize        len,
                Reference   *ref)
{
  JsonNode *root;
  JsonObject *frame, *properties;
  JsonNode *node;
  const char *type;

  memset (ref, 0, sizeof *ref);
  /* As the decoder's tree path reads it: json-glib 1.6 takes "{...}{...}"
   * for two documents (and leaks one), recurses without limit, writes lone
   * surrogates as invalid UTF-8 and ends a string at a U+0000 */
  if (!ocg_json_parse (parser, data, len, NULL))
    return;
  ref->parsed = TRUE;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  frame = json_node_get_object (root);
  if ((node = json_object_get_member (frame, "payload")) != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return;
      ref->directory = string_member (frame, "directory");
      frame = json_node_get_object (node);
    }

  type = ref->type = string_member (frame, "type");
  node = json_object_get_member (frame, "properties");
  if (type == NULL || strcmp (type, "message.part.delta") != 0 ||
      node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  properties = json_node_get_object (node);

  ref->part_id = string_member (properties, "partID");
  ref->field = string_member (properties, "field");
  ref->delta = string_member (properties, "delta");
  ref->session_id = string_member (properties, "sessionID");
  ref->message_id = string_member (properties, "messageID");
  ref->is_delta = ref->part_id != NULL && ref->field != NULL && ref->delta != NULL;
}

static void
check_decode (const char *data,
              gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OcgEvent) event = ocg_event_decode (data, len, &error);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  Reference ref;

  /* Success XOR error */
  CHECK ((event != NULL) != (error != NULL));
  if (error != NULL)
    {
      CHECK (error->domain == OCG_EVENT_ERROR);
      CHECK (error->message != NULL);
    }

  if (event != NULL)
    {
      CHECK (event->type != NULL);
      check_string (event->type);
      check_string (event->directory);
      check_string (event->session_id);
      check_string (event->message_id);
      check_string (event->part_id);
      check_string (event->field);
      /* Only the fast path leaves the properties out, and only for deltas */
      if (event->properties == NULL)
        CHECK (strcmp (event->type, "message.part.delta") == 0);

      if (strcmp (event->type, "message.part.delta") == 0)
        {
          CHECK (event->part_id != NULL && event->field != NULL && event->delta != NULL);
          CHECK (event->delta[event->delta_len] == '\0');
          CHECK (strlen (event->delta) == event->delta_len ||
                 memchr (event->delta, '\0', event->delta_len) != NULL);
          CHECK (ocg_utf8_is_valid (event->delta, event->delta_len));
        }
      else
        {
          CHECK (event->delta == NULL && event->part_id == NULL);
        }
    }

  /* The fast path against json-glib. Only inputs without NUL bytes: there
   * the text json-glib reads is the whole frame. */
  if (memchr (data, '\0', len) != NULL)
    return;
  reference_read (parser, data, len, &ref);

  /* Nothing json-glib rejects is decoded, and what is decoded is what
   * json-glib reads */
  if (event != NULL)
    {
      CHECK (ref.parsed);
      CHECK (g_strcmp0 (event->type, ref.type) == 0);
      CHECK (g_strcmp0 (event->directory, ref.directory) == 0);
    }

  if (ref.is_delta)
    {
      CHECK (event != NULL);
      CHECK (strcmp (event->type, "message.part.delta") == 0);
      CHECK (strcmp (event->part_id, ref.part_id) == 0);
      CHECK (strcmp (event->field, ref.field) == 0);
      {
        gsize ref_len;
        g_autofree char *ref_delta = ocg_json_decode_string (ref.delta, &ref_len);

        CHECK (event->delta_len == ref_len && memcmp (event->delta, ref_delta, ref_len) == 0);
      }
      CHECK (g_strcmp0 (event->session_id, ref.session_id) == 0);
      CHECK (g_strcmp0 (event->message_id, ref.message_id) == 0);
    }
  else if (event != NULL)
    {
      /* Decoded as a delta only if json-glib sees one */
      CHECK (strcmp (event->type, "message.part.delta") != 0);
    }
}

static void
apply (OcgSync    *sync,
       const char *data,
       gsize       len)
{
  guint64 n_malformed = ocg_sync_get_n_malformed (sync);

  ocg_sync_apply_frame (sync, data, len);
  CHECK (ocg_sync_get_n_malformed (sync) - n_malformed <= 1);
}

static void
fuzz_sync (const char *data,
           gsize       len)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = ocg_sync_new (store, NULL);
  g_autoptr(JsonNode) dump = NULL;
  g_autofree char *text = NULL;
  const char *p = data, *end = data + len;

  for (gsize i = 0; i < G_N_ELEMENTS (base_frames); i++)
    apply (sync, base_frames[i], strlen (base_frames[i]));
  CHECK (ocg_sync_get_n_malformed (sync) == 0);

  apply (sync, data, len);

  /* Then line by line, a stream of events */
  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);

      if (eol == NULL)
        eol = end;
      /* A copy of its own, so that a read past the line is caught */
      {
        g_autofree char *line = g_strndup (p, eol - p);

        if (eol > p && (eol < end || p > data))
          apply (sync, line, eol - p);
      }
      p = eol + 1;
    }

  CHECK (ocg_sync_get_n_events (sync) >= G_N_ELEMENTS (base_frames) + 1);

  dump = ocg_store_dump (store);
  CHECK (dump != NULL && JSON_NODE_HOLDS_OBJECT (dump));
  {
    g_autoptr(GString) out = g_string_new (NULL);

    ocg_json_append_node (out, dump);
    text = g_string_free (g_steal_pointer (&out), FALSE);
  }
  CHECK (g_utf8_validate (text, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *input,
                        size_t         size)
{
  gsize len;
  g_autofree char *data = ocg_utf8_make_valid_whatwg ((const char *) input, size, &len);

  CHECK (ocg_utf8_is_valid (data, len));

  check_decode (data, len);
  fuzz_sync (data, len);

  return 0;
}
