/* fake-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fake-server.h"
#include "ocg-json.h"

#include <json-glib/json-glib.h>

#include <string.h>

typedef struct
{
  guint  status;
  char  *body;
} Answer;

struct _FakeServer
{
  SoupServer *server;
  GHashTable *answers;      /* path -> Answer */
  GPtrArray  *streams;      /* SoupServerMessage, open /event streams */
  guint       connections;  /* /event requests seen */
  char       *hold_path;
  GPtrArray  *held;         /* SoupServerMessage */
  GHashTable *last_headers; /* name -> value, of the last /event request */
  GPtrArray  *requests;     /* "METHOD /path BODY" */
  guint       heartbeat_id;
};

static void
answer_free (gpointer data)
{
  Answer *answer = data;

  g_free (answer->body);
  g_free (answer);
}

/* Answers with @page, written so that a U+0000 stays one */
static void
respond_array (SoupServerMessage *msg,
               JsonArray         *page)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(GString) body = g_string_new (NULL);

  json_node_set_array (node, page);
  ocg_json_append_node (body, node);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body->str, body->len);
}

/* Pages a JSON array of messages as the server does: ?limit=N gives the
 * newest N (before the ?before cursor), and x-next-cursor when older remain.
 * The cursor here is the id of the oldest message given. */
static gboolean
respond_paged (SoupServerMessage *msg,
               Answer            *answer,
               GHashTable        *query)
{
  const char *limit_text = query != NULL ? g_hash_table_lookup (query, "limit") : NULL;
  const char *before = query != NULL ? g_hash_table_lookup (query, "before") : NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *all;
  g_autoptr(JsonArray) page = json_array_new ();
  guint end, start, limit;

  /* Read and written so that a U+0000 stays one */
  if (limit_text == NULL || !ocg_json_parse (parser, answer->body, strlen (answer->body), NULL) ||
      !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return FALSE;

  all = json_node_get_array (json_parser_get_root (parser));
  limit = (guint) g_ascii_strtoull (limit_text, NULL, 10);
  end = json_array_get_length (all);
  for (guint i = 0; before != NULL && i < json_array_get_length (all); i++)
    {
      JsonObject *entry = json_array_get_object_element (all, i);
      JsonObject *info = entry != NULL ? json_object_get_object_member (entry, "info") : NULL;

      if (info != NULL && g_strcmp0 (json_object_get_string_member (info, "id"), before) == 0)
        end = i;
    }
  start = limit > 0 && end > limit ? end - limit : 0;
  for (guint i = start; i < end; i++)
    json_array_add_element (page, json_node_copy (json_array_get_element (all, i)));

  if (start > 0)
    {
      JsonObject *oldest = json_array_get_object_element (all, start);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "x-next-cursor",
                                    json_object_get_string_member (json_object_get_object_member (oldest, "info"), "id"));
    }
  respond_array (msg, page);
  return TRUE;
}

static gint64
updated_of (JsonNode *node)
{
  return JSON_NODE_HOLDS_OBJECT (node) ? ocg_json_get_int (json_node_get_object (node), "time.updated", 0) : 0;
}

static gint
by_updated_desc (gconstpointer a,
                 gconstpointer b)
{
  gint64 ta = updated_of (*(JsonNode **) a);
  gint64 tb = updated_of (*(JsonNode **) b);

  return ta < tb ? 1 : ta > tb ? -1 : 0;
}

/* Lists sessions as opencode 1.18.33 does: the most recently updated
 * first; ?start=T keeps those updated at T or later, ?search=S those whose
 * title contains S (ASCII case ignored), ?limit=N (100 when not given) the
 * first N of them */
static gboolean
respond_sessions (SoupServerMessage *msg,
                  Answer            *answer,
                  GHashTable        *query)
{
  const char *limit_text = query != NULL ? g_hash_table_lookup (query, "limit") : NULL;
  const char *start_text = query != NULL ? g_hash_table_lookup (query, "start") : NULL;
  const char *search = query != NULL ? g_hash_table_lookup (query, "search") : NULL;
  g_autofree char *needle = search != NULL ? g_ascii_strdown (search, -1) : NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) matches = g_ptr_array_new ();
  g_autoptr(JsonArray) page = json_array_new ();
  gint64 start = start_text != NULL ? g_ascii_strtoll (start_text, NULL, 10) : 0;
  guint limit = limit_text != NULL ? (guint) g_ascii_strtoull (limit_text, NULL, 10) : 100;
  JsonArray *all;

  if (!ocg_json_parse (parser, answer->body, strlen (answer->body), NULL) ||
      !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return FALSE;

  all = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (all); i++)
    {
      JsonNode *session = json_array_get_element (all, i);
      const char *title = JSON_NODE_HOLDS_OBJECT (session)
        ? ocg_json_get_string (json_node_get_object (session), "title") : NULL;
      g_autofree char *lower = title != NULL ? g_ascii_strdown (title, -1) : NULL;

      if (updated_of (session) < start || (needle != NULL && (lower == NULL || strstr (lower, needle) == NULL)))
        continue;
      g_ptr_array_add (matches, session);
    }
  /* Stable: equal times keep the order they were set in */
  g_ptr_array_sort (matches, by_updated_desc);
  for (guint i = 0; i < matches->len && i < limit; i++)
    json_array_add_element (page, json_node_copy (g_ptr_array_index (matches, i)));

  respond_array (msg, page);
  return TRUE;
}

static void
respond (SoupServerMessage *msg,
         Answer            *answer)
{
  if (answer == NULL)
    {
      static const char not_found[] = "{\"name\":\"NotFound\",\"data\":{\"message\":\"no such thing\"}}";

      soup_server_message_set_status (msg, 404, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        not_found, strlen (not_found));
      return;
    }
  soup_server_message_set_status (msg, answer->status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    answer->body, strlen (answer->body));
}

static void
on_stream_finished (SoupServerMessage *msg,
                    FakeServer        *self)
{
  g_ptr_array_remove (self->streams, msg);
}

/* What the server says to @path: sessions and messages come in pages */
static void
answer_request (FakeServer        *self,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query)
{
  Answer *answer = g_hash_table_lookup (self->answers, path);

  if (answer != NULL && answer->status == 200 && strcmp (path, "/session") == 0 &&
      respond_sessions (msg, answer, query))
    return;
  if (answer == NULL || answer->status != 200 || !g_str_has_suffix (path, "/message") ||
      !respond_paged (msg, answer, query))
    respond (msg, answer);
}

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  FakeServer *self = user_data;

  if (strcmp (path, "/event") == 0)
    {
      SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
      SoupMessageHeadersIter iter;
      const char *name, *value;
      Answer *refusal = g_hash_table_lookup (self->answers, "/event");

      self->connections++;
      g_hash_table_remove_all (self->last_headers);
      soup_message_headers_iter_init (&iter, request);
      while (soup_message_headers_iter_next (&iter, &name, &value))
        g_hash_table_insert (self->last_headers, g_ascii_strdown (name, -1), g_strdup (value));

      if (refusal != NULL)
        {
          respond (msg, refusal);
          return;
        }

      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
      g_ptr_array_add (self->streams, msg);
      g_signal_connect (msg, "finished", G_CALLBACK (on_stream_finished), self);
      {
        static const char connected[] = "data: {\"type\":\"server.connected\",\"properties\":{}}\n\n";

        soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC,
                                  connected, strlen (connected));
      }
      return;
    }

  {
    SoupMessageBody *body = soup_server_message_get_request_body (msg);
    g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
    gsize size;
    const char *data = g_bytes_get_data (bytes, &size);

    g_ptr_array_add (self->requests, g_strdup_printf ("%s %s %.*s", soup_server_message_get_method (msg),
                                                      path, (int) size, data != NULL ? data : ""));
  }

  if (self->hold_path != NULL && strcmp (path, self->hold_path) == 0)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (self->held, g_object_ref (msg));
      return;
    }

  answer_request (self, msg, path, query);
}

static gboolean
send_heartbeat (gpointer data)
{
  fake_server_push (data, "{\"type\":\"server.heartbeat\",\"properties\":{}}");
  return G_SOURCE_CONTINUE;
}

FakeServer *
fake_server_new (void)
{
  FakeServer *self = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;

  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, answer_free);
  self->streams = g_ptr_array_new ();
  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  self->last_headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->requests = g_ptr_array_new_with_free_func (g_free);
  self->server = soup_server_new ("server-header", "fake-opencode", NULL);
  soup_server_add_handler (self->server, NULL, handle, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  fake_server_set (self, "/session", "[]");
  fake_server_set (self, "/session/status", "{}");
  fake_server_set (self, "/permission", "[]");
  fake_server_set (self, "/question", "[]");
  /* As opencode does: a connection that hears nothing for long is dead */
  self->heartbeat_id = g_timeout_add_seconds (10, send_heartbeat, self);
  return self;
}

void
fake_server_free (FakeServer *self)
{
  g_clear_handle_id (&self->heartbeat_id, g_source_remove);
  fake_server_release (self);
  fake_server_end_streams (self);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_ptr_array_unref (self->streams);
  g_ptr_array_unref (self->held);
  g_hash_table_unref (self->answers);
  g_hash_table_unref (self->last_headers);
  g_ptr_array_unref (self->requests);
  g_free (self->hold_path);
  g_free (self);
}

char *
fake_server_get_url (FakeServer *self)
{
  GSList *uris = soup_server_get_uris (self->server);
  char *url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return url;
}

void
fake_server_set_status (FakeServer *self,
                        const char *path,
                        guint       status,
                        const char *body)
{
  Answer *answer;

  if (body == NULL)
    {
      g_hash_table_remove (self->answers, path);
      return;
    }
  answer = g_new0 (Answer, 1);
  answer->status = status;
  answer->body = g_strdup (body);
  g_hash_table_replace (self->answers, g_strdup (path), answer);
}

void
fake_server_set (FakeServer *self,
                 const char *path,
                 const char *json)
{
  fake_server_set_status (self, path, 200, json);
}

void
fake_server_push_raw (FakeServer *self,
                      const char *bytes,
                      gsize       len)
{
  for (guint i = 0; i < self->streams->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (self->streams, i);

      soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_COPY, bytes, len);
      soup_server_message_unpause (msg);
    }
}

void
fake_server_push (FakeServer *self,
                  const char *frame_json)
{
  g_autofree char *frame = g_strdup_printf ("data: %s\n\n", frame_json);

  fake_server_push_raw (self, frame, strlen (frame));
}

void
fake_server_end_streams (FakeServer *self)
{
  g_autoptr(GPtrArray) streams = g_ptr_array_copy (self->streams, NULL, NULL);

  for (guint i = 0; i < streams->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (streams, i);

      soup_message_body_complete (soup_server_message_get_response_body (msg));
      soup_server_message_unpause (msg);
    }
}

guint
fake_server_n_streams (FakeServer *self)
{
  return self->streams->len;
}

guint
fake_server_n_connections (FakeServer *self)
{
  return self->connections;
}

void
fake_server_hold (FakeServer *self,
                  const char *path)
{
  g_free (self->hold_path);
  self->hold_path = g_strdup (path);
}

guint
fake_server_n_held (FakeServer *self)
{
  return self->held->len;
}

void
fake_server_release (FakeServer *self)
{
  g_autoptr(GPtrArray) held = g_steal_pointer (&self->held);

  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  g_clear_pointer (&self->hold_path, g_free);
  for (guint i = 0; i < held->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (held, i);

      GUri *uri = soup_server_message_get_uri (msg);
      g_autoptr(GHashTable) query = g_uri_get_query (uri) != NULL
        ? g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;

      answer_request (self, msg, g_uri_get_path (uri), query);
      soup_server_message_unpause (msg);
    }
}

const char *
fake_server_last_header (FakeServer *self,
                         const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_hash_table_lookup (self->last_headers, lower);
}

void
spin_until (gboolean (*predicate) (gpointer),
            gpointer   data,
            guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!predicate (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for a condition");
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (500);
    }
}

GPtrArray *
fake_server_get_requests (FakeServer *self)
{
  return self->requests;
}

gboolean
fake_server_has_request (FakeServer *self,
                         const char *prefix)
{
  for (guint i = 0; i < self->requests->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (self->requests, i), prefix))
      return TRUE;
  return FALSE;
}
