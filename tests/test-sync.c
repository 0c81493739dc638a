/* test-sync.c: events applied by type, malformed input, and the bootstrap
 * and re-fetch against a scripted server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fake-server.h"
#include "ocg-json.h"
#include "ocg-sse-parser.h"
#include "ocg-sync.h"

#include <string.h>

static JsonNode *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static void
apply (OcgSync    *sync,
       const char *frame)
{
  ocg_sync_apply_frame (sync, frame, strlen (frame));
}

static char *
dump_string (OcgStore *store)
{
  g_autoptr(JsonNode) dump = ocg_store_dump (store);

  return ocg_json_to_string (dump, FALSE);
}

static void
assert_json_equal (JsonNode   *actual,
                   const char *expected_json)
{
  g_autoptr(JsonNode) expected = parse (expected_json);

  if (!json_node_equal (actual, expected))
    {
      g_autofree char *text = ocg_json_to_string (actual, TRUE);

      g_test_message ("actual: %s", text);
      g_test_message ("expected: %s", expected_json);
      g_assert_not_reached ();
    }
}

static void
assert_sessions_equal (OcgStore   *store,
                       const char *expected_json)
{
  g_autoptr(JsonNode) dump = ocg_store_dump (store);

  assert_json_equal (json_object_get_member (json_node_get_object (dump), "sessions"), expected_json);
}

static void
test_malformed_events_are_skipped (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = ocg_sync_new (store, NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  static const char *bad[] = {
    "not json at all",
    "{\"type\":\"session.updated\"",
    "{\"type\":\"session.updated\",\"properties\":{}}",
    "{\"type\":\"session.updated\",\"properties\":{\"info\":{\"title\":\"no id\"}}}",
    "{\"type\":\"session.updated\",\"properties\":{\"info\":{\"id\":42}}}",
    "{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"msg_1\"}}}",
    "{\"type\":\"message.part.updated\",\"properties\":{\"part\":\"nope\"}}",
    "{\"type\":\"message.part.delta\",\"properties\":{\"partID\":\"prt_1\",\"field\":\"text\",\"delta\":7}}",
    "{\"type\":\"session.status\",\"properties\":{\"sessionID\":\"ses_1\",\"status\":[]}}",
    "{\"type\":\"permission.asked\",\"properties\":{\"sessionID\":\"ses_1\"}}",
    "{\"type\":\"permission.replied\",\"properties\":{}}",
    "{\"type\":[\"session.updated\"],\"properties\":{}}",
  };

  apply (sync, "{\"type\":\"session.created\",\"properties\":{\"info\":{\"id\":\"ses_1\",\"title\":\"t\"}}}");
  apply (sync, "{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"text\":\"a\"}}}");
  before = dump_string (store);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    apply (sync, bad[i]);

  after = dump_string (store);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (ocg_sync_get_n_malformed (sync), ==, G_N_ELEMENTS (bad));

  /* Unknown types are not malformed: they are ignored */
  apply (sync, "{\"type\":\"lsp.updated\",\"properties\":{}}");
  apply (sync, "{\"type\":\"session.next.thing\",\"properties\":{\"whatever\":[1,2]}}");
  g_assert_cmpuint (ocg_sync_get_n_malformed (sync), ==, G_N_ELEMENTS (bad));

  /* And the sync goes on */
  apply (sync, "{\"type\":\"message.part.delta\",\"properties\":{\"messageID\":\"msg_1\",\"partID\":\"prt_1\",\"field\":\"text\",\"delta\":\"b\"}}");
  g_assert_cmpstr (ocg_record_get_string (OCG_RECORD (ocg_store_lookup_part (store, "prt_1")), "text"), ==, "ab");
}

static void
test_idempotent_and_ordered (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = ocg_sync_new (store, NULL);
  static const char *events[] = {
    "{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"msg_2\",\"sessionID\":\"ses_1\",\"role\":\"assistant\"}}}",
    "{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"msg_1\",\"sessionID\":\"ses_1\",\"role\":\"user\"}}}",
    "{\"type\":\"session.created\",\"properties\":{\"info\":{\"id\":\"ses_1\",\"title\":\"t\"}}}",
    "{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_2\",\"messageID\":\"msg_2\",\"type\":\"text\",\"text\":\"x\"}}}",
    "{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_1\",\"messageID\":\"msg_2\",\"type\":\"reasoning\",\"text\":\"r\"}}}",
  };
  g_autofree char *once = NULL;
  g_autofree char *twice = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    apply (sync, events[i]);
  once = dump_string (store);
  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    apply (sync, events[i]);
  twice = dump_string (store);
  g_assert_cmpstr (once, ==, twice);

  assert_sessions_equal (store,
    "{\"ses_1\":{\"info\":{\"id\":\"ses_1\",\"title\":\"t\"},\"messages\":["
    "{\"info\":{\"id\":\"msg_1\",\"sessionID\":\"ses_1\",\"role\":\"user\"},\"parts\":[]},"
    "{\"info\":{\"id\":\"msg_2\",\"sessionID\":\"ses_1\",\"role\":\"assistant\"},\"parts\":["
    "{\"id\":\"prt_1\",\"messageID\":\"msg_2\",\"type\":\"reasoning\",\"text\":\"r\"},"
    "{\"id\":\"prt_2\",\"messageID\":\"msg_2\",\"type\":\"text\",\"text\":\"x\"}]}]}}");

  apply (sync, "{\"type\":\"message.part.removed\",\"properties\":{\"sessionID\":\"ses_1\",\"messageID\":\"msg_2\",\"partID\":\"prt_1\"}}");
  apply (sync, "{\"type\":\"message.removed\",\"properties\":{\"sessionID\":\"ses_1\",\"messageID\":\"msg_1\"}}");
  assert_sessions_equal (store,
    "{\"ses_1\":{\"info\":{\"id\":\"ses_1\",\"title\":\"t\"},\"messages\":["
    "{\"info\":{\"id\":\"msg_2\",\"sessionID\":\"ses_1\",\"role\":\"assistant\"},\"parts\":["
    "{\"id\":\"prt_2\",\"messageID\":\"msg_2\",\"type\":\"text\",\"text\":\"x\"}]}]}}");

  apply (sync, "{\"type\":\"session.deleted\",\"properties\":{\"info\":{\"id\":\"ses_1\"}}}");
  assert_sessions_equal (store, "{}");
  g_assert_null (ocg_store_lookup_part (store, "prt_2"));
}

typedef struct
{
  OcgSync *sync;
} ParserData;

static void
on_parsed (const char *type,
           const char *data,
           gsize       len,
           const char *last_event_id,
           gpointer    user_data)
{
  ocg_sync_apply_frame (user_data, data, len);
}

static void
test_fixture_in_random_chunks (void)
{
  g_autofree char *events = NULL;
  g_autofree char *state = NULL;
  g_autofree char *events_path = g_build_filename (g_getenv ("OCG_TEST_DATA"), "opencode-1.18.33", "events.sse", NULL);
  g_autofree char *state_path = g_build_filename (g_getenv ("OCG_TEST_DATA"), "opencode-1.18.33", "state.json", NULL);
  gsize len;
  g_autoptr(JsonNode) expected = NULL;

  g_assert_true (g_file_get_contents (events_path, &events, &len, NULL));
  g_assert_true (g_file_get_contents (state_path, &state, NULL, NULL));
  expected = parse (state);

  for (guint round = 0; round < 5; round++)
    {
      g_autoptr(OcgStore) store = ocg_store_new ();
      g_autoptr(OcgSync) sync = ocg_sync_new (store, NULL);
      g_autoptr(OcgSseParser) parser = ocg_sse_parser_new (on_parsed, sync);
      g_autoptr(JsonNode) dump = NULL;
      gsize pos = 0;

      while (pos < len)
        {
          /* Not inside MIN(), which would draw a second number */
          gsize n = (gsize) g_test_rand_int_range (1, round == 0 ? 3 : 9000);

          n = MIN (n, len - pos);

          ocg_sse_parser_feed (parser, events + pos, n);
          pos += n;
        }
      ocg_sse_parser_end_of_stream (parser);

      dump = ocg_store_dump (store);
      g_assert_true (json_node_equal (json_object_get_member (json_node_get_object (dump), "sessions"), expected));
      g_assert_cmpuint (ocg_sync_get_n_malformed (sync), ==, 0);
    }
}

/* Against the scripted server */

static gboolean
is_synced (gpointer data)
{
  return ocg_sync_get_synced (data);
}

static gboolean
is_connected (gpointer data)
{
  return ocg_event_source_get_state (ocg_sync_get_event_source (data)) == OCG_EVENT_SOURCE_CONNECTED;
}

typedef struct
{
  FakeServer *server;
  guint       n;
} Count;

static gboolean
has_connections (gpointer data)
{
  Count *count = data;

  return fake_server_n_connections (count->server) >= count->n &&
         fake_server_n_streams (count->server) > 0;
}

static gboolean
has_held (gpointer data)
{
  return fake_server_n_held (data) > 0;
}

typedef struct
{
  OcgStore   *store;
  const char *part_id;
  const char *text;
} PartText;

static gboolean
part_has_text (gpointer data)
{
  PartText *pt = data;
  OcgPart *part = ocg_store_lookup_part (pt->store, pt->part_id);

  return part != NULL && g_strcmp0 (ocg_record_get_string (OCG_RECORD (part), "text"), pt->text) == 0;
}

static OcgSync *
start_sync (FakeServer *server,
            OcgStore   *store)
{
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgClient) client = ocg_client_new (url, NULL, "secret", "/home/u/projekt-ä");
  OcgSync *sync = ocg_sync_new (store, client);

  ocg_sync_set_mirror_all (sync, TRUE);
  ocg_event_source_set_backoff (ocg_sync_get_event_source (sync), 20, 100);
  ocg_sync_start (sync);
  return sync;
}

#define SESSION_1 "{\"id\":\"ses_1\",\"title\":\"First\",\"time\":{\"created\":1,\"updated\":1}}"
#define SESSION_1B "{\"id\":\"ses_1\",\"title\":\"Renamed\",\"time\":{\"created\":1,\"updated\":9}}"
#define SESSION_2 "{\"id\":\"ses_0\",\"title\":\"Second\",\"time\":{\"created\":5,\"updated\":5}}"
#define MSG_1 "{\"id\":\"msg_1\",\"sessionID\":\"ses_1\",\"role\":\"user\"}"
#define MSG_2 "{\"id\":\"msg_2\",\"sessionID\":\"ses_1\",\"role\":\"assistant\"}"
#define MSG_3 "{\"id\":\"msg_3\",\"sessionID\":\"ses_1\",\"role\":\"user\"}"
#define PART(id, msg, text) "{\"id\":\"" id "\",\"messageID\":\"" msg "\",\"sessionID\":\"ses_1\",\"type\":\"text\",\"text\":\"" text "\"}"

static void
test_bootstrap_and_refetch_after_reconnect (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = NULL;
  Count count = { server, 2 };
  PartText hello = { store, "prt_2", "Hello" };
  g_autoptr(JsonNode) dump = NULL;

  fake_server_set (server, "/session", "[" SESSION_1 "]");
  fake_server_set (server, "/session/ses_1/message",
                   "[{\"info\":" MSG_1 ",\"parts\":[" PART ("prt_1", "msg_1", "Hi") "]},"
                   "{\"info\":" MSG_2 ",\"parts\":[" PART ("prt_2", "msg_2", "Hel") "]}]");
  fake_server_set (server, "/session/ses_1/todo", "[{\"content\":\"a\",\"status\":\"pending\"}]");
  fake_server_set (server, "/session/status", "{\"ses_1\":{\"type\":\"busy\"}}");

  sync = start_sync (server, store);
  spin_until (is_synced, sync, 5000);

  /* The request carried the password and the (encoded) directory */
  g_assert_cmpstr (fake_server_last_header (server, "Authorization"), ==, "Basic b3BlbmNvZGU6c2VjcmV0");
  g_assert_cmpstr (fake_server_last_header (server, "x-opencode-directory"), ==, "/home/u/projekt-%C3%A4");

  assert_sessions_equal (store,
    "{\"ses_1\":{\"info\":" SESSION_1 ",\"messages\":["
    "{\"info\":" MSG_1 ",\"parts\":[" PART ("prt_1", "msg_1", "Hi") "]},"
    "{\"info\":" MSG_2 ",\"parts\":[" PART ("prt_2", "msg_2", "Hel") "]}]}}");
  g_assert_cmpstr (ocg_session_get_status (ocg_store_lookup_session (store, "ses_1")), ==, "busy");
  g_assert_nonnull (ocg_store_get_todo (store, "ses_1"));

  /* Live events */
  fake_server_push (server, "{\"type\":\"message.part.delta\",\"properties\":{\"messageID\":\"msg_2\",\"partID\":\"prt_2\",\"field\":\"text\",\"delta\":\"lo\"}}");
  spin_until (part_has_text, &hello, 5000);

  /* The connection drops; the server goes on without us */
  fake_server_set (server, "/session", "[" SESSION_2 "," SESSION_1B "]");
  fake_server_set (server, "/session/ses_1/message",
                   "[{\"info\":" MSG_1 ",\"parts\":[" PART ("prt_1", "msg_1", "Hi") "]},"
                   "{\"info\":" MSG_2 ",\"parts\":[" PART ("prt_2", "msg_2", "Hello world") "]},"
                   "{\"info\":" MSG_3 ",\"parts\":[]}]");
  fake_server_set (server, "/session/ses_0/message", "[]");
  fake_server_set (server, "/session/ses_0/todo", "[]");
  fake_server_set (server, "/session/ses_1/todo", "[]");
  fake_server_set (server, "/session/status", "{}");
  fake_server_set (server, "/permission", "[{\"id\":\"per_1\",\"sessionID\":\"ses_1\",\"permission\":\"bash\"}]");
  fake_server_end_streams (server);

  spin_until (has_connections, &count, 5000);
  spin_until (is_connected, sync, 5000);
  spin_until (is_synced, sync, 5000);

  assert_sessions_equal (store,
    "{\"ses_0\":{\"info\":" SESSION_2 ",\"messages\":[]},"
    "\"ses_1\":{\"info\":" SESSION_1B ",\"messages\":["
    "{\"info\":" MSG_1 ",\"parts\":[" PART ("prt_1", "msg_1", "Hi") "]},"
    "{\"info\":" MSG_2 ",\"parts\":[" PART ("prt_2", "msg_2", "Hello world") "]},"
    "{\"info\":" MSG_3 ",\"parts\":[]}]}}");
  g_assert_cmpstr (ocg_session_get_status (ocg_store_lookup_session (store, "ses_1")), ==, "idle");
  g_assert_null (ocg_store_get_todo (store, "ses_1"));
  g_assert_cmpuint (ocg_session_get_n_requests (ocg_store_lookup_session (store, "ses_1")), ==, 1);

  /* Deleted while away: gone after the next reconnect, with its messages */
  fake_server_set (server, "/session", "[" SESSION_2 "]");
  fake_server_set (server, "/permission", "[]");
  fake_server_end_streams (server);
  count.n = 3;
  spin_until (has_connections, &count, 5000);
  spin_until (is_connected, sync, 5000);
  spin_until (is_synced, sync, 5000);

  dump = ocg_store_dump (store);
  assert_json_equal (dump,
    "{\"sessions\":{\"ses_0\":{\"info\":" SESSION_2 ",\"messages\":[]}},"
    "\"status\":{},\"todo\":{},\"permission\":{},\"question\":{}}");
  g_assert_null (ocg_store_lookup_message (store, "msg_3"));
}

static void
test_events_during_bootstrap_win (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = NULL;

  fake_server_set (server, "/session", "[" SESSION_1 "]");
  fake_server_set (server, "/session/ses_1/todo", "[]");
  /* The snapshot as it was when the request was served */
  fake_server_set (server, "/session/ses_1/message",
                   "[{\"info\":" MSG_1 ",\"parts\":[" PART ("prt_1", "msg_1", "A") "]}]");
  fake_server_hold (server, "/session/ses_1/message");

  sync = start_sync (server, store);
  spin_until (has_held, server, 5000);

  /* While the answer is on its way, the turn goes on */
  fake_server_push (server, "{\"type\":\"message.part.updated\",\"properties\":{\"part\":" PART ("prt_1", "msg_1", "AB") "}}");
  fake_server_push (server, "{\"type\":\"message.updated\",\"properties\":{\"info\":" MSG_2 "}}");
  fake_server_push (server, "{\"type\":\"message.part.updated\",\"properties\":{\"part\":" PART ("prt_2", "msg_2", "") "}}");
  fake_server_push (server, "{\"type\":\"message.part.delta\",\"properties\":{\"messageID\":\"msg_2\",\"partID\":\"prt_2\",\"field\":\"text\",\"delta\":\"new\"}}");
  {
    PartText pt = { store, "prt_2", "new" };

    spin_until (part_has_text, &pt, 5000);
  }
  fake_server_release (server);
  spin_until (is_synced, sync, 5000);

  assert_sessions_equal (store,
    "{\"ses_1\":{\"info\":" SESSION_1 ",\"messages\":["
    "{\"info\":" MSG_1 ",\"parts\":[" PART ("prt_1", "msg_1", "AB") "]},"
    "{\"info\":" MSG_2 ",\"parts\":[" PART ("prt_2", "msg_2", "new") "]}]}}");
}

static void
test_wrong_password_fails (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = NULL;
  OcgEventSource *source;

  fake_server_set_status (server, "/event", 401, "Unauthorized");
  sync = start_sync (server, store);
  source = ocg_sync_get_event_source (sync);
  while (ocg_event_source_get_state (source) != OCG_EVENT_SOURCE_FAILED)
    g_main_context_iteration (NULL, TRUE);

  g_assert_error (ocg_event_source_get_error (source), OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (ocg_event_source_get_error (source)->message, "password"));
  g_assert_cmpuint (fake_server_n_connections (server), ==, 1);
}

static void
test_server_error_retries (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = NULL;
  OcgEventSource *source;

  fake_server_set_status (server, "/event", 500, "{\"name\":\"UnknownError\",\"data\":{\"message\":\"database is locked\"}}");
  sync = start_sync (server, store);
  source = ocg_sync_get_event_source (sync);
  while (fake_server_n_connections (server) < 3)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (ocg_event_source_get_state (source), ==, OCG_EVENT_SOURCE_RECONNECTING);
  g_assert_error (ocg_event_source_get_error (source), OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_SERVER);

  /* It recovers once the server does */
  fake_server_set_status (server, "/event", 0, NULL);
  spin_until (is_synced, sync, 5000);
  g_assert_cmpint (ocg_event_source_get_state (source), ==, OCG_EVENT_SOURCE_CONNECTED);
  g_assert_null (ocg_event_source_get_error (source));
}

typedef struct
{
  OcgStore   *store;
  const char *session_id;
  guint       n;
} Count2;

static gboolean
has_messages (gpointer data)
{
  Count2 *c = data;

  return g_list_model_get_n_items (ocg_store_get_messages (c->store, c->session_id)) == c->n;
}

static char *
many_messages (guint       n,
               const char *skip)
{
  GString *json = g_string_new ("[");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("msg_%04u", i);

      if (skip != NULL && strcmp (id, skip) == 0)
        continue;
      if (json->len > 1)
        g_string_append_c (json, ',');
      g_string_append_printf (json, "{\"info\":{\"id\":\"%s\",\"sessionID\":\"ses_1\",\"role\":\"%s\"},\"parts\":[]}",
                              id, i % 2 ? "assistant" : "user");
    }
  g_string_append_c (json, ']');
  return g_string_free (json, FALSE);
}

static void
test_history_pages (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = NULL;
  g_autofree char *messages = many_messages (150, NULL);
  g_autofree char *fewer = many_messages (150, "msg_0100");
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgClient) client = ocg_client_new (url, NULL, NULL, NULL);
  Count2 count = { store, "ses_1", 60 };
  Count conns = { server, 2 };

  fake_server_set (server, "/session", "[" SESSION_1 "]");
  fake_server_set (server, "/session/ses_1/message", messages);
  fake_server_set (server, "/session/ses_1/todo", "[]");

  /* The app's sync: the newest page first */
  sync = ocg_sync_new (store, client);
  ocg_event_source_set_backoff (ocg_sync_get_event_source (sync), 20, 100);
  ocg_sync_start (sync);
  spin_until (is_synced, sync, 5000);
  ocg_sync_track_session (sync, "ses_1");
  spin_until (has_messages, &count, 5000);
  spin_until (is_synced, sync, 5000);
  g_assert_true (ocg_sync_has_older (sync, "ses_1"));
  g_assert_nonnull (ocg_store_lookup_message (store, "msg_0149"));
  g_assert_null (ocg_store_lookup_message (store, "msg_0089"));

  /* Older pages as the user scrolls up */
  ocg_sync_load_older (sync, "ses_1");
  ocg_sync_load_older (sync, "ses_1");  /* one at a time */
  count.n = 120;
  spin_until (has_messages, &count, 5000);
  spin_until (is_synced, sync, 5000);
  ocg_sync_load_older (sync, "ses_1");
  count.n = 150;
  spin_until (has_messages, &count, 5000);
  spin_until (is_synced, sync, 5000);
  g_assert_false (ocg_sync_has_older (sync, "ses_1"));
  g_assert_nonnull (ocg_store_lookup_message (store, "msg_0000"));

  /* After a reconnect, what is shown is fetched again, all of it: a message
   * deleted meanwhile goes, the rest stay */
  fake_server_set (server, "/session/ses_1/message", fewer);
  fake_server_end_streams (server);
  spin_until (has_connections, &conns, 5000);
  spin_until (is_connected, sync, 5000);
  count.n = 149;
  spin_until (has_messages, &count, 5000);
  spin_until (is_synced, sync, 5000);
  g_assert_null (ocg_store_lookup_message (store, "msg_0100"));
  g_assert_nonnull (ocg_store_lookup_message (store, "msg_0000"));
}

/* Sessions "ses_000000" (the newest) to "ses_NNNNNN", a minute apart, each
 * titled "Session N"; without the @skip ones (-1 ends the list), and with
 * @extra (JSON, or NULL) first */
static char *
many_sessions (guint        n,
               const char  *extra,
               const int   *skip)
{
  GString *json = g_string_new ("[");

  if (extra != NULL)
    g_string_append (json, extra);
  for (guint i = 0; i < n; i++)
    {
      gboolean skipped = FALSE;

      for (const int *k = skip; k != NULL && *k >= 0; k++)
        skipped |= (guint) *k == i;
      if (skipped)
        continue;
      if (json->len > 1)
        g_string_append_c (json, ',');
      g_string_append_printf (json, "{\"id\":\"ses_%06u\",\"title\":\"Session %u\",\"time\":"
                              "{\"created\":%" G_GINT64_FORMAT ",\"updated\":%" G_GINT64_FORMAT "}}",
                              i, i, 1700000000000 - (gint64) i * 60000, 1700000000000 - (gint64) i * 60000);
    }
  g_string_append_c (json, ']');
  return g_string_free (json, FALSE);
}

static guint
n_sessions (OcgStore *store)
{
  return g_list_model_get_n_items (ocg_store_get_sessions (store));
}

static gboolean
has_session (OcgStore   *store,
             guint       i)
{
  g_autofree char *id = g_strdup_printf ("ses_%06u", i);

  return ocg_store_lookup_session (store, id) != NULL;
}

static OcgSync *
start_app_sync (FakeServer *server,
                OcgStore   *store)
{
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgClient) client = ocg_client_new (url, NULL, NULL, NULL);
  OcgSync *sync = ocg_sync_new (store, client);

  ocg_event_source_set_backoff (ocg_sync_get_event_source (sync), 20, 100);
  ocg_sync_start (sync);
  spin_until (is_synced, sync, 5000);
  return sync;
}

/* The app opens session @i; GET /session/ID answers with @title (or not at
 * all, when %NULL) */
static void
open_session (FakeServer *server,
              OcgSync    *sync,
              guint       i,
              const char *title)
{
  g_autofree char *id = g_strdup_printf ("ses_%06u", i);
  g_autofree char *path = g_strdup_printf ("/session/%s", id);
  g_autofree char *messages = g_strconcat (path, "/message", NULL);
  g_autofree char *todo = g_strconcat (path, "/todo", NULL);

  fake_server_set (server, messages, "[]");
  fake_server_set (server, todo, "[]");
  if (title != NULL)
    {
      gint64 time = 1700000000000 - (gint64) i * 60000;
      g_autofree char *info = g_strdup_printf ("{\"id\":\"%s\",\"title\":\"%s\",\"time\":{\"created\":%"
                                               G_GINT64_FORMAT ",\"updated\":%" G_GINT64_FORMAT "}}",
                                               id, title, time, time);

      fake_server_set (server, path, info);
    }
  ocg_sync_track_session (sync, id);
  spin_until (is_synced, sync, 5000);
}

/* The app holds the newest sessions, pages older ones in on demand, and
 * after a reconnect holds the same ones again, as the server has them now */
static void
test_session_pages (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = NULL;
  g_autofree char *all = many_sessions (1200, NULL, NULL);
  g_autofree char *later = NULL;
  Count conns = { server, 2 };

  fake_server_set (server, "/session", all);
  sync = start_app_sync (server, store);

  /* The newest page */
  g_assert_cmpuint (n_sessions (store), ==, 200);
  g_assert_true (has_session (store, 0));
  g_assert_true (has_session (store, 199));
  g_assert_false (has_session (store, 200));
  g_assert_true (ocg_sync_has_more_sessions (sync));

  /* Older pages as the sidebar nears its end, one at a time */
  ocg_sync_load_more_sessions (sync);
  ocg_sync_load_more_sessions (sync);
  spin_until (is_synced, sync, 5000);
  g_assert_cmpuint (n_sessions (store), ==, 400);
  g_assert_true (has_session (store, 399));
  g_assert_false (has_session (store, 400));

  /* The server finds what is not paged in; a search keeps its own results
   * only while it lasts */
  ocg_sync_search_sessions (sync, "session 1050");
  spin_until (is_synced, sync, 5000);
  g_assert_true (has_session (store, 1050));
  ocg_sync_search_sessions (sync, "SESSION 1100");
  spin_until (is_synced, sync, 5000);
  g_assert_true (has_session (store, 1100));
  g_assert_false (has_session (store, 1050));
  ocg_sync_search_sessions (sync, "Session 1101");
  spin_until (is_synced, sync, 5000);
  /* Opened from the results: kept after the search */
  open_session (server, sync, 1101, "Renamed");
  ocg_sync_search_sessions (sync, "Session 1100");
  spin_until (is_synced, sync, 5000);
  open_session (server, sync, 1100, NULL);
  ocg_sync_search_sessions (sync, NULL);
  g_assert_cmpuint (n_sessions (store), ==, 402);

  /* Opened from elsewhere (a notification): its record is asked for */
  open_session (server, sync, 1150, "Session 1150");
  g_assert_true (has_session (store, 1150));

  /* Away: a session is made, one of those paged in is deleted, and so is
   * an open one beyond the page */
  later = many_sessions (1200, "{\"id\":\"ses_new\",\"title\":\"New\",\"time\":{\"created\":1800000000000,"
                                 "\"updated\":1800000000000}}",
                         (const int[]) { 10, 1100, -1 });
  fake_server_set (server, "/session", later);
  fake_server_end_streams (server);
  spin_until (has_connections, &conns, 5000);
  spin_until (is_connected, sync, 5000);
  spin_until (is_synced, sync, 5000);

  /* What was paged in stays, as the server has it now */
  g_assert_nonnull (ocg_store_lookup_session (store, "ses_new"));
  g_assert_false (has_session (store, 10));
  g_assert_true (has_session (store, 399));
  g_assert_false (has_session (store, 400));
  g_assert_false (has_session (store, 1100));
  g_assert_true (has_session (store, 1101));
  g_assert_cmpstr (ocg_session_get_title (ocg_store_lookup_session (store, "ses_001101")), ==, "Renamed");
  g_assert_true (has_session (store, 1150));
  g_assert_cmpuint (n_sessions (store), ==, 402);

  /* Paging goes on to the end */
  while (ocg_sync_has_more_sessions (sync))
    {
      ocg_sync_load_more_sessions (sync);
      spin_until (is_synced, sync, 5000);
    }
  g_assert_cmpuint (n_sessions (store), ==, 1199);
  g_assert_true (has_session (store, 1199));
  g_assert_cmpstr (ocg_session_get_title (ocg_store_lookup_session (store, "ses_001101")), ==, "Session 1101");
}

/* The monitor mirrors every session */
static void
test_monitor_takes_all_sessions (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = NULL;
  /* More than a page; the monitor also fetches each one's messages */
  g_autofree char *all = many_sessions (300, NULL, NULL);

  fake_server_set (server, "/session", all);
  sync = start_sync (server, store);
  spin_until (is_synced, sync, 30000);
  g_assert_cmpuint (n_sessions (store), ==, 300);
  g_assert_false (ocg_sync_has_more_sessions (sync));
}

static void
count_change (GListModel *list,
              guint       position,
              guint       removed,
              guint       added,
              guint      *changes)
{
  (*changes)++;
}

/* A session's page of messages comes into the store's lists in one change
 * each, in id order: a change per message made the window group the turns
 * again for every one */
static void
test_message_page_one_change (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = NULL;
  g_autoptr(GString) page = g_string_new ("[");
  GListModel *messages, *parts;
  guint changes = 0, part_changes = 0;

  /* Listed out of order, as a careless server might */
  for (guint i = 0; i < 30; i++)
    {
      guint m = (i * 7) % 30;

      g_string_append_printf (page, "%s{\"info\":{\"id\":\"msg_%04u\",\"sessionID\":\"ses_000001\","
                              "\"role\":\"user\",\"time\":{\"created\":%u}},\"parts\":[",
                              i > 0 ? "," : "", m, 1000 + m);
      for (guint j = 0; j < 3; j++)
        g_string_append_printf (page, "%s{\"id\":\"prt_%04u_%u\",\"messageID\":\"msg_%04u\","
                                "\"sessionID\":\"ses_000001\",\"type\":\"text\",\"text\":\"t\"}",
                                j > 0 ? "," : "", m, 2 - j, m);
      g_string_append (page, "]}");
    }
  g_string_append (page, "]");

  fake_server_set (server, "/session", "[]");
  sync = start_app_sync (server, store);
  messages = ocg_store_get_messages (store, "ses_000001");
  parts = ocg_store_get_parts (store, "msg_0007");
  g_signal_connect (messages, "items-changed", G_CALLBACK (count_change), &changes);
  g_signal_connect (parts, "items-changed", G_CALLBACK (count_change), &part_changes);

  fake_server_set (server, "/session/ses_000001/message", page->str);
  fake_server_set (server, "/session/ses_000001/todo", "[]");
  ocg_sync_track_session (sync, "ses_000001");
  spin_until (is_synced, sync, 5000);

  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 30);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (parts), ==, 3);
  g_assert_cmpuint (part_changes, ==, 1);
  for (guint i = 0; i < 30; i++)
    {
      g_autoptr(OcgRecord) message = g_list_model_get_item (messages, i);
      g_autofree char *id = g_strdup_printf ("msg_%04u", i);

      g_assert_cmpstr (ocg_record_get_id (message), ==, id);
    }
  for (guint j = 0; j < 3; j++)
    {
      g_autoptr(OcgRecord) part = g_list_model_get_item (parts, j);
      g_autofree char *id = g_strdup_printf ("prt_0007_%u", j);

      g_assert_cmpstr (ocg_record_get_id (part), ==, id);
    }
  g_signal_handlers_disconnect_by_data (messages, &changes);
  g_signal_handlers_disconnect_by_data (parts, &part_changes);
}

/* A server on this machine is known as such (and then reached without any
 * proxy); nothing else is */
static void
test_client_loopback (void)
{
  static const struct { const char *url; gboolean loopback; } cases[] = {
    { "http://127.0.0.1:4096", TRUE },
    { "http://127.8.9.1:80/", TRUE },
    { "http://localhost:4096/", TRUE },
    { "http://LOCALHOST", TRUE },
    { "http://[::1]:4096", TRUE },
    { "http://192.168.1.5:4096", FALSE },
    { "https://opencode.example.com", FALSE },
    { "http://localhost.example.com:4096", FALSE },
    { "http://[::ffff:10.0.0.1]:4096", FALSE },
    { "not a url", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(OcgClient) client = ocg_client_new (cases[i].url, NULL, NULL, NULL);

      g_test_message ("%s", cases[i].url);
      g_assert_cmpint (ocg_client_is_loopback (client), ==, cases[i].loopback);
    }
}


typedef struct
{
  OcgStore   *store;
  const char *session_id;
  gboolean    busy;
} StatusWait;

static gboolean
has_status (gpointer data)
{
  StatusWait *w = data;

  return (ocg_store_get_status (w->store, w->session_id) != NULL) == w->busy;
}

static void
spin_until_status (OcgStore   *store,
                   const char *session_id)
{
  StatusWait w = { store, session_id, TRUE };

  spin_until (has_status, &w, 5000);
}

static void
spin_until_idle (OcgStore   *store,
                 const char *session_id)
{
  StatusWait w = { store, session_id, FALSE };

  spin_until (has_status, &w, 5000);
}

/* Messages of session @i: "msg_<i>_<k>", three of them with a part each */
static char *
session_messages (guint i)
{
  GString *json = g_string_new ("[");

  for (guint k = 0; k < 3; k++)
    g_string_append_printf (json, "%s{\"info\":{\"id\":\"msg_%06u_%u\",\"sessionID\":\"ses_%06u\",\"role\":\"user\"},"
                            "\"parts\":[{\"id\":\"prt_%06u_%u\",\"messageID\":\"msg_%06u_%u\",\"sessionID\":\"ses_%06u\","
                            "\"type\":\"text\",\"text\":\"Message %u of session %u\"}]}",
                            k > 0 ? "," : "", i, k, i, i, k, i, k, i, k, i);
  g_string_append_c (json, ']');
  return g_string_free (json, FALSE);
}

typedef struct
{
  OcgSync *sync;
  const char *session_id;
} Loaded;

static gboolean
is_loaded (gpointer data)
{
  Loaded *l = data;

  return ocg_sync_get_messages_loaded (l->sync, l->session_id);
}

/* 200 sessions shown one after the other, as a user going down the sidebar:
 * the messages kept are those of the one shown and of the few shown last;
 * one that works or waits for the user keeps its messages; one shown again
 * is fetched again, whole */
static void
test_release_sessions (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgClient) client = ocg_client_new (url, NULL, NULL, NULL);
  g_autofree char *sessions = many_sessions (200, NULL, NULL);
  g_autoptr(OcgSync) sync = NULL;
  gpointer weak[3] = { NULL, NULL, NULL };
  const guint keep = 4;

  fake_server_set (server, "/session", sessions);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *path = g_strdup_printf ("/session/ses_%06u/message", i);
      g_autofree char *todo = g_strdup_printf ("/session/ses_%06u/todo", i);
      g_autofree char *messages = session_messages (i);

      fake_server_set (server, path, messages);
      fake_server_set (server, todo, "[]");
    }
  sync = ocg_sync_new (store, client);
  ocg_sync_set_keep (sync, keep);
  ocg_sync_start (sync);
  spin_until (is_synced, sync, 5000);

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("ses_%06u", i);
      Loaded loaded = { sync, id };

      ocg_sync_hold_session (sync, id);
      spin_until (is_loaded, &loaded, 5000);
      g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_messages (store, id)), ==, 3);
      if (i == 10)
        {
          /* Session 10 is busy when it is left, and session 11 asks */
          fake_server_push (server, "{\"type\":\"session.status\",\"properties\":{\"sessionID\":\"ses_000010\","
                                    "\"status\":{\"type\":\"busy\"}}}");
          spin_until_status (store, "ses_000010");
        }
      if (i == 0)
        for (guint k = 0; k < 3; k++)
          {
            g_autofree char *part_id = g_strdup_printf ("prt_000000_%u", k);
            weak[k] = ocg_store_lookup_part (store, part_id);
            g_object_add_weak_pointer (G_OBJECT (weak[k]), &weak[k]);
          }
      ocg_sync_release_session (sync, id);
      /* Never more than the kept ones, the busy one and the one shown */
      g_assert_cmpuint (ocg_sync_get_n_tracked (sync), <=, keep + 2);
    }

  /* What is left: the last shown, and the busy one */
  g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_messages (store, "ses_000199")), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_messages (store, "ses_000010")), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_messages (store, "ses_000100")), ==, 0);
  g_assert_null (ocg_store_lookup_part (store, "prt_000100_0"));
  /* The records are freed, not only out of the store */
  for (guint k = 0; k < G_N_ELEMENTS (weak); k++)
    g_assert_null (weak[k]);
  /* The sessions themselves stay, for the sidebar */
  g_assert_nonnull (ocg_store_lookup_session (store, "ses_000100"));

  /* Shown again: fetched again */
  {
    Loaded loaded = { sync, "ses_000100" };

    ocg_sync_hold_session (sync, "ses_000100");
    spin_until (is_loaded, &loaded, 5000);
    g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_messages (store, "ses_000100")), ==, 3);
    ocg_sync_release_session (sync, "ses_000100");
  }

  /* The busy one goes once it is idle and others are shown after it */
  fake_server_push (server, "{\"type\":\"session.status\",\"properties\":{\"sessionID\":\"ses_000010\","
                            "\"status\":{\"type\":\"idle\"}}}");
  spin_until_idle (store, "ses_000010");
  for (guint i = 150; i < 150 + keep + 1; i++)
    {
      g_autofree char *id = g_strdup_printf ("ses_%06u", i);

      ocg_sync_hold_session (sync, id);
      ocg_sync_release_session (sync, id);
    }
  g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_messages (store, "ses_000010")), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/malformed-events-are-skipped", test_malformed_events_are_skipped);
  g_test_add_func ("/sync/idempotent-and-ordered", test_idempotent_and_ordered);
  g_test_add_func ("/sync/fixture-in-random-chunks", test_fixture_in_random_chunks);
  g_test_add_func ("/client/loopback", test_client_loopback);
  g_test_add_func ("/sync/server/bootstrap-and-refetch", test_bootstrap_and_refetch_after_reconnect);
  g_test_add_func ("/sync/server/events-during-bootstrap", test_events_during_bootstrap_win);
  g_test_add_func ("/sync/server/wrong-password", test_wrong_password_fails);
  g_test_add_func ("/sync/server/server-error-retries", test_server_error_retries);
  g_test_add_func ("/sync/server/history-pages", test_history_pages);
  g_test_add_func ("/sync/server/session-pages", test_session_pages);
  g_test_add_func ("/sync/server/message-page-one-change", test_message_page_one_change);
  g_test_add_func ("/sync/server/monitor-takes-all-sessions", test_monitor_takes_all_sessions);
  g_test_add_func ("/sync/server/release-sessions", test_release_sessions);

  return g_test_run ();
}
