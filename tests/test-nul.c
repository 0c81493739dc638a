/* test-nul.c: strings with U+0000 keep their length, from the decoder
 * through the stores to the dump; removed records leave no empty lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fake-server.h"
#include "ocg-event.h"
#include "ocg-json.h"
#include "ocg-sync.h"

#include <string.h>

/* \u0000 as the server writes it, in a C string of JSON */
#define NUL "\\u0000"

#define SESSION "{\"id\":\"ses_1\",\"title\":\"a" NUL "b\",\"time\":{\"created\":1,\"updated\":2}}"
#define MESSAGE "{\"id\":\"msg_1\",\"sessionID\":\"ses_1\",\"role\":\"assistant\",\"error\":{\"name\":\"E\",\"data\":{\"message\":\"x" NUL "y\"}}}"
#define TEXT_PART "{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"sessionID\":\"ses_1\",\"type\":\"text\",\"text\":\"before" NUL "after\"}"
#define TOOL_PART "{\"id\":\"prt_2\",\"messageID\":\"msg_1\",\"sessionID\":\"ses_1\",\"type\":\"tool\",\"tool\":\"bash\",\"callID\":\"c1\"," \
  "\"state\":{\"status\":\"completed\",\"input\":{\"command\":\"printf '" NUL "'\"},\"output\":\"out" NUL NUL "put\",\"title\":\"ti" NUL "tle\"," \
  "\"time\":{\"start\":1,\"end\":2}}}"
#define PERMISSION "{\"id\":\"per_1\",\"sessionID\":\"ses_1\",\"permission\":\"bash\",\"patterns\":[\"rm " NUL "\"],\"metadata\":{\"command\":\"rm " NUL "x\"}}"
#define QUESTION "{\"id\":\"que_1\",\"sessionID\":\"ses_1\",\"questions\":[{\"question\":\"q" NUL "?\",\"header\":\"h\",\"options\":[{\"label\":\"l" NUL "\",\"description\":\"d\"}]}]}"
#define TODO "[{\"content\":\"c" NUL "d\",\"status\":\"pending\",\"priority\":\"high\",\"id\":\"1\"}]"
#define STATUS "{\"type\":\"retry\",\"attempt\":1,\"message\":\"m" NUL "n\",\"next\":5}"

static void
apply (OcgSync    *sync,
       const char *frame)
{
  ocg_sync_apply_frame (sync, frame, strlen (frame));
}

static char *
dump_text (OcgStore *store)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (ocg_store_write_dump (store, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static void
assert_string (OcgRecord  *record,
               const char *path,
               const char *expected,
               gsize       expected_len)
{
  const char *value = ocg_record_get_string (record, path);
  gsize len = ocg_record_get_string_length (record, path);

  g_assert_nonnull (value);
  g_assert_cmpmem (value, len, expected, expected_len);
}

#define ASSERT_STRING(record, path, literal) \
  assert_string (OCG_RECORD (record), path, literal, sizeof (literal) - 1)

static void
test_decoder (void)
{
  /* The fast path */
  static const char fast[] = "{\"type\":\"message.part.delta\",\"properties\":{\"sessionID\":\"ses_1\",\"messageID\":\"msg_1\","
                             "\"partID\":\"prt_1\",\"field\":\"text\",\"delta\":\"a" NUL "b" NUL "\"}}";
  static const char only_nul[] = "{\"type\":\"message.part.delta\",\"properties\":{\"partID\":\"prt_1\",\"field\":\"text\",\"delta\":\"" NUL "\"}}";
  /* A lone surrogate sends the frame to json-glib */
  static const char tree[] = "{\"type\":\"message.part.delta\",\"properties\":{\"partID\":\"prt_1\",\"field\":\"text\","
                             "\"delta\":\"" NUL "c" NUL "\",\"x\":\"\\ud800\"}}";
  static const char updated[] = "{\"type\":\"message.part.updated\",\"properties\":{\"part\":" TEXT_PART "}}";
  g_autoptr(OcgEvent) a = ocg_event_decode (fast, sizeof fast - 1, NULL);
  g_autoptr(OcgEvent) b = ocg_event_decode (only_nul, sizeof only_nul - 1, NULL);
  g_autoptr(OcgEvent) c = ocg_event_decode (tree, sizeof tree - 1, NULL);
  g_autoptr(OcgEvent) d = ocg_event_decode (updated, sizeof updated - 1, NULL);
  g_autofree char *text = NULL;
  gsize len;

  g_assert_nonnull (a);
  g_assert_null (a->properties);
  g_assert_cmpmem (a->delta, a->delta_len, "a\0b\0", 4);
  g_assert_cmpstr (a->part_id, ==, "prt_1");

  g_assert_nonnull (b);
  g_assert_cmpmem (b->delta, b->delta_len, "\0", 1);

  g_assert_nonnull (c);
  g_assert_nonnull (c->properties);
  g_assert_cmpmem (c->delta, c->delta_len, "\0c\0", 3);

  /* The tree keeps U+0000 in its own way, and gives it back */
  g_assert_nonnull (d);
  text = ocg_json_decode_string (ocg_json_get_string (d->properties, "part.text"), &len);
  g_assert_cmpmem (text, len, "before\0after", 12);
}

static OcgSync *
sync_with_everything (OcgStore *store)
{
  OcgSync *sync = ocg_sync_new (store, NULL);

  apply (sync, "{\"type\":\"session.updated\",\"properties\":{\"info\":" SESSION "}}");
  apply (sync, "{\"type\":\"message.updated\",\"properties\":{\"info\":" MESSAGE "}}");
  apply (sync, "{\"type\":\"message.part.updated\",\"properties\":{\"part\":" TEXT_PART "}}");
  apply (sync, "{\"type\":\"message.part.updated\",\"properties\":{\"part\":" TOOL_PART "}}");
  apply (sync, "{\"type\":\"permission.asked\",\"properties\":" PERMISSION "}");
  apply (sync, "{\"type\":\"question.asked\",\"properties\":" QUESTION "}");
  apply (sync, "{\"type\":\"todo.updated\",\"properties\":{\"sessionID\":\"ses_1\",\"todos\":" TODO "}}");
  apply (sync, "{\"type\":\"session.status\",\"properties\":{\"sessionID\":\"ses_1\",\"status\":" STATUS "}}");
  g_assert_cmpuint (ocg_sync_get_n_malformed (sync), ==, 0);
  return sync;
}

/* Every field, read from the records and written in the dump */
static void
test_records_and_dump (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = sync_with_everything (store);
  OcgSession *session = ocg_store_lookup_session (store, "ses_1");
  OcgMessage *message = ocg_store_lookup_message (store, "msg_1");
  OcgPart *text = ocg_store_lookup_part (store, "prt_1");
  OcgPart *tool = ocg_store_lookup_part (store, "prt_2");
  OcgRecord *permission = g_list_model_get_item (ocg_store_get_requests (store, OCG_REQUEST_PERMISSION, "ses_1"), 0);
  OcgRecord *question = g_list_model_get_item (ocg_store_get_requests (store, OCG_REQUEST_QUESTION, "ses_1"), 0);
  g_autofree char *dump = NULL;

  g_assert_cmpuint (ocg_sync_get_n_events (sync), ==, 8);
  ASSERT_STRING (session, "title", "a\0b");
  ASSERT_STRING (message, "error.data.message", "x\0y");
  ASSERT_STRING (text, "text", "before\0after");
  ASSERT_STRING (tool, "state.title", "ti\0tle");
  ASSERT_STRING (tool, "state.output", "out\0\0put");
  ASSERT_STRING (tool, "state.input.command", "printf '\0'");
  ASSERT_STRING (permission, "metadata.command", "rm \0x");
  ASSERT_STRING (permission, "patterns.0", "rm \0");
  ASSERT_STRING (question, "questions.0.question", "q\0?");
  ASSERT_STRING (question, "questions.0.options.0.label", "l\0");
  /* A C string property ends at the U+0000, and is UTF-8 */
  g_assert_cmpstr (ocg_session_get_retry_message (session), ==, "m");
  g_clear_object (&permission);
  g_clear_object (&question);

  /* The dump is what the server sent */
  dump = dump_text (store);
  g_assert_cmpstr (dump, ==,
    "{\"sessions\":{\"ses_1\":{\"info\":" SESSION ",\"messages\":[{\"info\":" MESSAGE ",\"parts\":[" TEXT_PART "," TOOL_PART "]}]}},"
    "\"status\":{\"ses_1\":" STATUS "},\"todo\":{\"ses_1\":" TODO "},"
    "\"permission\":{\"ses_1\":[" PERMISSION "]},\"question\":{\"ses_1\":[" QUESTION "]}}\n");
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    data)
{
  (*(guint *) data)++;
}

/* Deltas that are NULs, or hold some, grow the text whole */
static void
test_deltas (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = ocg_sync_new (store, NULL);
  g_autofree char *dump = NULL;
  OcgPart *part;
  guint notified = 0;

  apply (sync, "{\"type\":\"session.updated\",\"properties\":{\"info\":" SESSION "}}");
  apply (sync, "{\"type\":\"message.updated\",\"properties\":{\"info\":" MESSAGE "}}");
  apply (sync, "{\"type\":\"message.part.updated\",\"properties\":{\"part\":"
               "{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"sessionID\":\"ses_1\",\"type\":\"text\",\"text\":\"\"}}}");
  part = ocg_store_lookup_part (store, "prt_1");
  g_signal_connect (part, "notify::text", G_CALLBACK (count_notify), &notified);

  apply (sync, "{\"type\":\"message.part.delta\",\"properties\":{\"messageID\":\"msg_1\",\"partID\":\"prt_1\",\"field\":\"text\",\"delta\":\"x\"}}");
  apply (sync, "{\"type\":\"message.part.delta\",\"properties\":{\"messageID\":\"msg_1\",\"partID\":\"prt_1\",\"field\":\"text\",\"delta\":\"" NUL "\"}}");
  apply (sync, "{\"type\":\"message.part.delta\",\"properties\":{\"messageID\":\"msg_1\",\"partID\":\"prt_1\",\"field\":\"text\",\"delta\":\"" NUL "y" NUL "\"}}");
  /* Another field (not a property) grows from the value it has */
  apply (sync, "{\"type\":\"message.part.delta\",\"properties\":{\"messageID\":\"msg_1\",\"partID\":\"prt_1\",\"field\":\"extra\",\"delta\":\"e" NUL "\"}}");
  apply (sync, "{\"type\":\"message.part.delta\",\"properties\":{\"messageID\":\"msg_1\",\"partID\":\"prt_1\",\"field\":\"extra\",\"delta\":\"f\"}}");
  g_assert_cmpuint (ocg_sync_get_n_malformed (sync), ==, 0);

  g_assert_cmpuint (notified, ==, 3);
  ASSERT_STRING (part, "text", "x\0\0y\0");
  ASSERT_STRING (part, "extra", "e\0f");

  dump = dump_text (store);
  g_assert_nonnull (strstr (dump, "\"text\":\"x" NUL NUL "y" NUL "\",\"extra\":\"e" NUL "f\"}"));

  /* The final update replaces it: a change after the NUL is a change */
  apply (sync, "{\"type\":\"message.part.updated\",\"properties\":{\"part\":"
               "{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"sessionID\":\"ses_1\",\"type\":\"text\",\"text\":\"x" NUL "z\"}}}");
  g_assert_cmpuint (notified, ==, 4);
  ASSERT_STRING (part, "text", "x\0z");
  apply (sync, "{\"type\":\"message.part.updated\",\"properties\":{\"part\":"
               "{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"sessionID\":\"ses_1\",\"type\":\"text\",\"text\":\"x" NUL "w\"}}}");
  g_assert_cmpuint (notified, ==, 5);
  ASSERT_STRING (part, "text", "x\0w");
}

static gboolean
is_synced (gpointer data)
{
  return ocg_sync_get_synced (data);
}

/* What the REST calls bring keeps its U+0000 too */
static void
test_snapshot (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = NULL;
  g_autoptr(OcgClient) client = NULL;
  g_autofree char *url = fake_server_get_url (server);
  g_autofree char *dump = NULL;

  fake_server_set (server, "/session", "[" SESSION "]");
  fake_server_set (server, "/session/ses_1/message", "[{\"info\":" MESSAGE ",\"parts\":[" TEXT_PART "," TOOL_PART "]}]");
  fake_server_set (server, "/session/ses_1/todo", TODO);
  fake_server_set (server, "/session/status", "{\"ses_1\":" STATUS "}");
  fake_server_set (server, "/permission", "[" PERMISSION "]");
  fake_server_set (server, "/question", "[" QUESTION "]");

  client = ocg_client_new (url, NULL, NULL, NULL);
  sync = ocg_sync_new (store, client);
  ocg_sync_set_mirror_all (sync, TRUE);
  ocg_sync_start (sync);
  spin_until (is_synced, sync, 10000);

  ASSERT_STRING (ocg_store_lookup_part (store, "prt_1"), "text", "before\0after");
  ASSERT_STRING (ocg_store_lookup_part (store, "prt_2"), "state.output", "out\0\0put");
  dump = dump_text (store);
  g_assert_cmpstr (dump, ==,
    "{\"sessions\":{\"ses_1\":{\"info\":" SESSION ",\"messages\":[{\"info\":" MESSAGE ",\"parts\":[" TEXT_PART "," TOOL_PART "]}]}},"
    "\"status\":{\"ses_1\":" STATUS "},\"todo\":{\"ses_1\":" TODO "},"
    "\"permission\":{\"ses_1\":[" PERMISSION "]},\"question\":{\"ses_1\":[" QUESTION "]}}\n");
  ocg_sync_stop (sync);
}

static guint
n_lists (OcgStore *store)
{
  return ocg_record_store_get_n_lists (ocg_store_get_session_store (store)) +
         ocg_record_store_get_n_lists (ocg_store_get_message_store (store)) +
         ocg_record_store_get_n_lists (ocg_store_get_part_store (store)) +
         ocg_record_store_get_n_lists (ocg_store_get_request_store (store, OCG_REQUEST_PERMISSION)) +
         ocg_record_store_get_n_lists (ocg_store_get_request_store (store, OCG_REQUEST_QUESTION));
}

static guint
n_records (OcgStore *store)
{
  return ocg_record_store_get_size (ocg_store_get_session_store (store)) +
         ocg_record_store_get_size (ocg_store_get_message_store (store)) +
         ocg_record_store_get_size (ocg_store_get_part_store (store)) +
         ocg_record_store_get_size (ocg_store_get_request_store (store, OCG_REQUEST_PERMISSION)) +
         ocg_record_store_get_size (ocg_store_get_request_store (store, OCG_REQUEST_QUESTION));
}

static void
create_session (OcgSync *sync,
                guint    i)
{
  g_autofree char *frame = NULL;

  frame = g_strdup_printf ("{\"type\":\"session.created\",\"properties\":{\"info\":{\"id\":\"ses_%04u\",\"title\":\"t\"}}}", i);
  apply (sync, frame);
  for (guint m = 0; m < 3; m++)
    {
      g_free (frame);
      frame = g_strdup_printf ("{\"type\":\"message.updated\",\"properties\":{\"info\":"
                               "{\"id\":\"msg_%04u_%u\",\"sessionID\":\"ses_%04u\",\"role\":\"user\"}}}", i, m, i);
      apply (sync, frame);
      for (guint p = 0; p < 2; p++)
        {
          g_free (frame);
          frame = g_strdup_printf ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":"
                                   "{\"id\":\"prt_%04u_%u_%u\",\"messageID\":\"msg_%04u_%u\",\"sessionID\":\"ses_%04u\",\"type\":\"text\",\"text\":\"x\"}}}",
                                   i, m, p, i, m, i);
          apply (sync, frame);
        }
    }
  g_free (frame);
  frame = g_strdup_printf ("{\"type\":\"permission.asked\",\"properties\":{\"id\":\"per_%04u\",\"sessionID\":\"ses_%04u\",\"permission\":\"bash\"}}", i, i);
  apply (sync, frame);
}

/* Deleted sessions, messages, parts and answered requests leave nothing
 * behind in the stores */
static void
test_no_empty_lists (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = ocg_sync_new (store, NULL);
  guint lists, records;

  /* One session that stays */
  create_session (sync, 9999);
  lists = n_lists (store);
  records = n_records (store);

  for (guint i = 0; i < 50; i++)
    create_session (sync, i);
  g_assert_cmpuint (n_lists (store), >, lists);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *frame = NULL;

      /* Some go piece by piece, the others at once */
      if (i % 2 == 0)
        {
          for (guint m = 0; m < 3; m++)
            for (guint p = 0; p < 2; p++)
              {
                g_free (frame);
                frame = g_strdup_printf ("{\"type\":\"message.part.removed\",\"properties\":{\"sessionID\":\"ses_%04u\","
                                         "\"messageID\":\"msg_%04u_%u\",\"partID\":\"prt_%04u_%u_%u\"}}", i, i, m, i, m, p);
                apply (sync, frame);
              }
          for (guint m = 0; m < 3; m++)
            {
              g_free (frame);
              frame = g_strdup_printf ("{\"type\":\"message.removed\",\"properties\":{\"sessionID\":\"ses_%04u\","
                                       "\"messageID\":\"msg_%04u_%u\"}}", i, i, m);
              apply (sync, frame);
            }
          g_free (frame);
          frame = g_strdup_printf ("{\"type\":\"permission.replied\",\"properties\":{\"sessionID\":\"ses_%04u\","
                                   "\"requestID\":\"per_%04u\",\"reply\":\"once\"}}", i, i);
          apply (sync, frame);
        }
      g_free (frame);
      frame = g_strdup_printf ("{\"type\":\"session.deleted\",\"properties\":{\"info\":{\"id\":\"ses_%04u\"}}}", i);
      apply (sync, frame);
    }
  g_assert_cmpuint (ocg_sync_get_n_malformed (sync), ==, 0);

  g_assert_cmpuint (n_records (store), ==, records);
  g_assert_cmpuint (n_lists (store), ==, lists);
}

/* A list someone shows stays the group's list after it was emptied:
 * records that come back land in it */
static void
test_held_list_stays (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = ocg_sync_new (store, NULL);
  g_autoptr(GListModel) shown = NULL;
  guint lists;

  create_session (sync, 1);
  shown = g_object_ref (ocg_store_get_messages (store, "ses_0001"));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 3);
  lists = n_lists (store);

  for (guint m = 0; m < 3; m++)
    {
      g_autofree char *frame = g_strdup_printf ("{\"type\":\"message.removed\",\"properties\":{\"sessionID\":\"ses_0001\","
                                                "\"messageID\":\"msg_0001_%u\"}}", m);
      apply (sync, frame);
    }
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);
  /* Only the messages' part lists went */
  g_assert_cmpuint (n_lists (store), ==, lists - 3);

  apply (sync, "{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"msg_9\",\"sessionID\":\"ses_0001\",\"role\":\"user\"}}}");
  g_assert_true (ocg_store_get_messages (store, "ses_0001") == shown);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 1);

  /* Let go of while empty, it goes */
  apply (sync, "{\"type\":\"message.removed\",\"properties\":{\"sessionID\":\"ses_0001\",\"messageID\":\"msg_9\"}}");
  g_clear_object (&shown);
  g_assert_cmpuint (n_lists (store), ==, lists - 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/nul/decoder", test_decoder);
  g_test_add_func ("/nul/records-and-dump", test_records_and_dump);
  g_test_add_func ("/nul/deltas", test_deltas);
  g_test_add_func ("/nul/snapshot", test_snapshot);
  g_test_add_func ("/store/no-empty-lists", test_no_empty_lists);
  g_test_add_func ("/store/held-list-stays", test_held_list_stays);

  return g_test_run ();
}
