/* test-stores.c: upsert, delta, removal, ordering, notifications
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-json.h"
#include "ocg-store.h"

#include <string.h>

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

typedef struct
{
  guint position, removed, added;
  guint calls;
} Changes;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
  changes->calls++;
}

typedef struct
{
  GPtrArray *names;
} Notifies;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           GPtrArray  *names)
{
  g_ptr_array_add (names, g_strdup (pspec->name));
}

static gboolean
notified (GPtrArray  *names,
          const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (strcmp (g_ptr_array_index (names, i), name) == 0)
      return TRUE;
  return FALSE;
}

static OcgMessage *
upsert_message (OcgStore   *store,
                const char *json)
{
  g_autoptr(JsonObject) info = parse_object (json);
  g_autoptr(GError) error = NULL;
  OcgMessage *message = ocg_store_upsert_message (store, info, &error);

  g_assert_no_error (error);
  return message;
}

static OcgPart *
upsert_part (OcgStore   *store,
             const char *json)
{
  g_autoptr(JsonObject) object = parse_object (json);
  g_autoptr(GError) error = NULL;
  OcgPart *part = ocg_store_upsert_part (store, object, &error);

  g_assert_no_error (error);
  return part;
}

static void
test_insert_in_id_order (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  GListModel *messages = ocg_store_get_messages (store, "ses_1");
  Changes changes = { 0 };
  static const char *order[] = { "msg_003", "msg_001", "msg_005", "msg_002", "msg_004" };
  static const guint expected_position[] = { 0, 0, 2, 1, 3 };

  g_signal_connect (messages, "items-changed", G_CALLBACK (on_items_changed), &changes);

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"id\":\"%s\",\"sessionID\":\"ses_1\",\"role\":\"user\"}", order[i]);

      upsert_message (store, json);
      g_assert_cmpuint (changes.calls, ==, i + 1);
      g_assert_cmpuint (changes.position, ==, expected_position[i]);
      g_assert_cmpuint (changes.added, ==, 1);
      g_assert_cmpuint (changes.removed, ==, 0);
    }

  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(OcgMessage) message = g_list_model_get_item (messages, i);
      g_autofree char *id = g_strdup_printf ("msg_%03u", i + 1);

      g_assert_cmpstr (ocg_record_get_id (message), ==, id);
    }
  g_assert_true (g_list_model_get_item_type (messages) == OCG_TYPE_MESSAGE);
  g_assert_null (g_list_model_get_item (messages, 5));
}

/* Sessions upserted while the list is frozen come in one change, in id
 * order, after those already there stay put */
static void
test_frozen_sessions_come_at_once (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  GListModel *sessions = ocg_store_get_sessions (store);
  Changes changes = { 0 };
  static const char *first[] = { "ses_b", "ses_d" };
  static const char *batch[] = { "ses_f", "ses_c", "ses_a", "ses_e", "ses_d" };
  static const char *expected[] = { "ses_a", "ses_b", "ses_c", "ses_d", "ses_e", "ses_f" };

  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"id\":\"%s\",\"title\":\"old\"}", first[i]);
      g_autoptr(JsonObject) info = parse_object (json);

      g_assert_nonnull (ocg_store_upsert_session (store, info, NULL));
    }
  g_signal_connect (sessions, "items-changed", G_CALLBACK (on_items_changed), &changes);

  ocg_store_freeze_sessions (store);
  for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"id\":\"%s\",\"title\":\"new\"}", batch[i]);
      g_autoptr(JsonObject) info = parse_object (json);

      g_assert_nonnull (ocg_store_upsert_session (store, info, NULL));
      /* Found by id at once, in the list only when thawed */
      g_assert_nonnull (ocg_store_lookup_session (store, batch[i]));
    }
  g_assert_cmpuint (changes.calls, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (sessions), ==, 2);
  ocg_store_thaw_sessions (store);

  /* One change, from the first new one (ses_a, at 0) to the end */
  g_assert_cmpuint (changes.calls, ==, 1);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.removed, ==, 2);
  g_assert_cmpuint (changes.added, ==, 6);
  g_assert_cmpuint (g_list_model_get_n_items (sessions), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(OcgSession) session = g_list_model_get_item (sessions, i);

      g_assert_cmpstr (ocg_record_get_id (OCG_RECORD (session)), ==, expected[i]);
    }
  /* ses_d was there: updated, not added twice */
  g_assert_cmpstr (ocg_session_get_title (ocg_store_lookup_session (store, "ses_d")), ==, "new");

  /* A thaw with nothing new changes nothing */
  ocg_store_freeze_sessions (store);
  ocg_store_thaw_sessions (store);
  g_assert_cmpuint (changes.calls, ==, 1);
}

static void
test_update_notifies_only_changes (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GListModel *sessions = ocg_store_get_sessions (store);
  Changes changes = { 0 };
  g_autoptr(JsonObject) v1 = parse_object ("{\"id\":\"ses_a\",\"title\":\"One\",\"time\":{\"created\":1,\"updated\":1}}");
  g_autoptr(JsonObject) v2 = parse_object ("{\"id\":\"ses_a\",\"title\":\"One\",\"time\":{\"created\":1,\"updated\":2}}");
  g_autoptr(JsonObject) v3 = parse_object ("{\"id\":\"ses_a\",\"title\":\"Two\",\"time\":{\"created\":1,\"updated\":2,\"archived\":5}}");
  OcgSession *session;

  session = ocg_store_upsert_session (store, v1, NULL);
  g_signal_connect (sessions, "items-changed", G_CALLBACK (on_items_changed), &changes);
  g_signal_connect (session, "notify", G_CALLBACK (on_notify), names);

  g_assert_true (ocg_store_upsert_session (store, v2, NULL) == session);
  g_assert_cmpuint (changes.calls, ==, 0);
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_true (notified (names, "time-updated"));

  g_ptr_array_set_size (names, 0);
  ocg_store_upsert_session (store, v3, NULL);
  g_assert_cmpuint (names->len, ==, 2);
  g_assert_true (notified (names, "title"));
  g_assert_true (notified (names, "archived"));
  g_assert_cmpstr (ocg_session_get_title (session), ==, "Two");

  /* The same object again: nothing */
  g_ptr_array_set_size (names, 0);
  {
    g_autoptr(JsonObject) v3_again = parse_object ("{\"id\":\"ses_a\",\"title\":\"Two\",\"time\":{\"created\":1,\"updated\":2,\"archived\":5}}");

    ocg_store_upsert_session (store, v3_again, NULL);
  }
  g_assert_cmpuint (names->len, ==, 0);
  g_assert_cmpuint (changes.calls, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (sessions), ==, 1);
}

static void
test_delta_appends_in_place (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  OcgPart *part;
  g_autofree char *text = NULL;
  JsonObject *json;

  part = upsert_part (store, "{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"sessionID\":\"ses_1\",\"type\":\"text\",\"text\":\"\"}");
  g_signal_connect (part, "notify", G_CALLBACK (on_notify), names);

  g_assert_true (ocg_store_append_delta (store, "msg_1", "prt_1", "text", "Hello", 5));
  g_assert_true (ocg_store_append_delta (store, "msg_1", "prt_1", "text", ", wörld", strlen (", wörld")));
  g_assert_cmpuint (names->len, ==, 2);
  g_assert_true (notified (names, "text"));

  g_object_get (part, "text", &text, NULL);
  g_assert_cmpstr (text, ==, "Hello, wörld");

  /* The JSON reflects the deltas when asked for */
  json = ocg_record_get_json (OCG_RECORD (part));
  g_assert_cmpstr (json_object_get_string_member (json, "text"), ==, "Hello, wörld");

  /* A delta to another field keeps the first one */
  g_assert_true (ocg_store_append_delta (store, "msg_1", "prt_1", "extra", "x", 1));
  json = ocg_record_get_json (OCG_RECORD (part));
  g_assert_cmpstr (json_object_get_string_member (json, "text"), ==, "Hello, wörld");
  g_assert_cmpstr (json_object_get_string_member (json, "extra"), ==, "x");

  /* The final update replaces the text wholesale */
  upsert_part (store, "{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"sessionID\":\"ses_1\",\"type\":\"text\",\"text\":\"Final\"}");
  g_assert_cmpstr (ocg_record_get_string (OCG_RECORD (part), "text"), ==, "Final");
  json = ocg_record_get_json (OCG_RECORD (part));
  g_assert_false (json_object_has_member (json, "extra"));
}

static void
test_delta_unknown_ids (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();

  upsert_part (store, "{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"type\":\"text\",\"text\":\"a\"}");
  g_assert_false (ocg_store_append_delta (store, "msg_1", "prt_unknown", "text", "x", 1));
  /* The wrong message for a known part */
  g_assert_false (ocg_store_append_delta (store, "msg_2", "prt_1", "text", "x", 1));
  g_assert_false (ocg_store_append_delta (store, "msg_1", "prt_1", "", "x", 1));
  g_assert_cmpstr (ocg_record_get_string (OCG_RECORD (ocg_store_lookup_part (store, "prt_1")), "text"), ==, "a");
  g_assert_false (ocg_store_remove_part (store, "prt_unknown"));
  g_assert_false (ocg_store_remove_message (store, "msg_unknown"));
  g_assert_false (ocg_store_remove_session (store, "ses_unknown"));
}

static void
test_delta_cost_does_not_grow (void)
{
  /* 1 MB in 100,000 deltas: linear, or this test would take minutes */
  g_autoptr(OcgStore) store = ocg_store_new ();
  OcgPart *part = upsert_part (store, "{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"type\":\"text\",\"text\":\"\"}");

  for (guint i = 0; i < 100000; i++)
    ocg_store_append_delta (store, "msg_1", "prt_1", "text", "0123456789", 10);
  g_assert_cmpuint (ocg_record_get_string_length (OCG_RECORD (part), "text"), ==, 1000000);
}

/* A text of @len bytes, with a U+0000 in the middle when @nul, as JSON */
static char *
long_part_json (gsize       len,
                gboolean    nul,
                const char *extra)
{
  GString *json = g_string_new ("{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"type\":\"text\",\"text\":\"");

  for (gsize i = 0; i < len; i++)
    {
      if (nul && i == len / 2)
        {
          g_string_append (json, "\\u0000");
          continue;
        }
      g_string_append_c (json, "abcdefghij klmnopqrstuvwxyz"[i % 27]);
    }
  g_string_append_printf (json, "\",\"time\":{\"start\":1%s}}", extra);
  return g_string_free (json, FALSE);
}

static JsonObject *
parse_with_nul (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (ocg_json_parse (parser, json, strlen (json), &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
on_changed (OcgRecord *record,
            guint     *count)
{
  (*count)++;
}

static gpointer
make_part_in_thread (gpointer data)
{
  return ocg_record_new (OCG_TYPE_PART, "prt_1", data);
}

/* A long text is read once and kept outside the record's JSON text: what
 * the record gives back is the same object, member order included */
static void
test_long_text (void)
{
  for (guint nul = 0; nul <= 1; nul++)
    {
      gsize len = 3 * OCG_RECORD_DETACH_SIZE;
      g_autofree char *json = long_part_json (len, nul, "");
      g_autoptr(JsonObject) object = parse_with_nul (json);
      g_autoptr(OcgStore) store = ocg_store_new ();
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GString) back = g_string_new (NULL);
      g_autoptr(GString) expected = g_string_new (NULL);
      g_autofree char *property = NULL;
      guint changed = 0;
      const char *text;
      OcgPart *part;

      part = ocg_store_upsert_part (store, object, NULL);
      g_signal_connect (part, "notify", G_CALLBACK (on_notify), names);
      g_signal_connect (part, "changed", G_CALLBACK (on_changed), &changed);

      /* Whole, with the U+0000 */
      text = ocg_record_get_string (OCG_RECORD (part), "text");
      g_assert_cmpuint (ocg_record_get_string_length (OCG_RECORD (part), "text"), ==, len);
      g_assert_true (text[0] == 'a' && text[len - 1] == "abcdefghij klmnopqrstuvwxyz"[(len - 1) % 27]);
      g_assert_true ((text[len / 2] == '\0') == nul);
      g_assert_cmpint (ocg_record_holds_nul (OCG_RECORD (part)), ==, nul);
      g_object_get (part, "text", &property, NULL);
      g_assert_cmpuint (strlen (property), ==, nul ? len / 2 : len);
      g_assert_cmpstr (ocg_record_get_string (OCG_RECORD (part), "type"), ==, "text");
      g_assert_cmpint (ocg_record_get_string_length (OCG_RECORD (part), "time.start"), ==, 0);

      /* The same compact JSON the server's object serializes to */
      ocg_record_append_json (OCG_RECORD (part), back);
      ocg_json_append_object (expected, object);
      g_assert_true (g_string_equal (back, expected));
      if (!nul)
        g_assert_cmpuint (strlen (json_object_get_string_member (ocg_record_get_json (OCG_RECORD (part)), "text")), ==, len);

      /* The same object again: nothing changed */
      {
        g_autoptr(JsonObject) again = parse_with_nul (json);

        ocg_store_upsert_part (store, again, NULL);
        g_assert_cmpuint (names->len, ==, 0);
        g_assert_cmpuint (changed, ==, 0);
      }

      /* Another member changed: only it is notified */
      {
        g_autofree char *ended_json = long_part_json (len, nul, ",\"end\":2");
        g_autoptr(JsonObject) ended = parse_with_nul (ended_json);

        ocg_store_upsert_part (store, ended, NULL);
        g_assert_cmpuint (changed, ==, 1);
        g_assert_cmpuint (names->len, ==, 0); /* time.end of a text part is not declared */
        g_string_truncate (back, 0);
        g_string_truncate (expected, 0);
        ocg_record_append_json (OCG_RECORD (part), back);
        ocg_json_append_object (expected, ended);
        g_assert_true (g_string_equal (back, expected));
      }

      /* Deltas go on growing it */
      g_assert_true (ocg_store_append_delta (store, "msg_1", "prt_1", "text", "!", 1));
      g_assert_cmpuint (ocg_record_get_string_length (OCG_RECORD (part), "text"), ==, len + 1);
      g_assert_true (notified (names, "text"));

      /* A record made in another thread, taken in: the text changed back */
      {
        g_autoptr(OcgPart) fresh = NULL;
        GThread *thread = g_thread_new ("record", make_part_in_thread, object);

        fresh = g_thread_join (thread);
        g_ptr_array_set_size (names, 0);
        g_assert_true (ocg_record_take (OCG_RECORD (part), OCG_RECORD (fresh)));
        g_assert_cmpuint (names->len, ==, 1);
        g_assert_true (notified (names, "text"));
        g_assert_cmpuint (ocg_record_get_string_length (OCG_RECORD (part), "text"), ==, len);
        g_string_truncate (back, 0);
        ocg_record_append_json (OCG_RECORD (part), back);
        g_assert_true (g_string_equal (back, expected) == FALSE);
        g_string_truncate (expected, 0);
        ocg_json_append_object (expected, object);
        g_assert_true (g_string_equal (back, expected));
      }
    }
}

/* A text that grew long by deltas, then its final update with the same
 * text: only what is new is notified */
static void
test_long_text_after_deltas (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gsize len = 2 * OCG_RECORD_DETACH_SIZE;
  g_autofree char *final_json = long_part_json (len, FALSE, ",\"end\":2");
  g_autoptr(JsonObject) final = parse_with_nul (final_json);
  const char *text = json_object_get_string_member (final, "text");
  OcgPart *part;
  guint changed = 0;

  part = upsert_part (store, "{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"type\":\"text\",\"text\":\"\",\"time\":{\"start\":1}}");
  for (gsize i = 0; i < len; i += 1000)
    ocg_store_append_delta (store, "msg_1", "prt_1", "text", text + i, MIN (1000, len - i));
  g_signal_connect (part, "notify", G_CALLBACK (on_notify), names);
  g_signal_connect (part, "changed", G_CALLBACK (on_changed), &changed);

  ocg_store_upsert_part (store, final, NULL);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_false (notified (names, "text"));
  g_assert_cmpstr (ocg_record_get_string (OCG_RECORD (part), "text"), ==, text);

  /* And once more: nothing */
  ocg_store_upsert_part (store, final, NULL);
  g_assert_cmpuint (changed, ==, 1);
}

static void
test_removal_cascades (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(JsonObject) info = parse_object ("{\"id\":\"ses_1\",\"title\":\"t\"}");
  g_autoptr(GListModel) messages = NULL;
  g_autoptr(GListModel) parts = NULL;
  Changes changes = { 0 };
  g_autoptr(OcgPart) kept = NULL;

  ocg_store_upsert_session (store, info, NULL);
  upsert_message (store, "{\"id\":\"msg_1\",\"sessionID\":\"ses_1\"}");
  upsert_message (store, "{\"id\":\"msg_2\",\"sessionID\":\"ses_1\"}");
  upsert_part (store, "{\"id\":\"prt_1\",\"messageID\":\"msg_1\"}");
  upsert_part (store, "{\"id\":\"prt_2\",\"messageID\":\"msg_2\"}");
  kept = g_object_ref (ocg_store_lookup_part (store, "prt_2"));

  /* Held, as a view holds them */
  messages = g_object_ref (ocg_store_get_messages (store, "ses_1"));
  parts = g_object_ref (ocg_store_get_parts (store, "msg_1"));
  g_signal_connect (parts, "items-changed", G_CALLBACK (on_items_changed), &changes);

  g_assert_true (ocg_store_remove_message (store, "msg_1"));
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (parts), ==, 0);
  g_assert_cmpuint (changes.removed, ==, 1);
  g_assert_null (ocg_store_lookup_part (store, "prt_1"));

  g_assert_true (ocg_store_remove_session (store, "ses_1"));
  g_assert_null (ocg_store_lookup_session (store, "ses_1"));
  g_assert_null (ocg_store_lookup_message (store, "msg_2"));
  g_assert_null (ocg_store_lookup_part (store, "prt_2"));
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_sessions (store)), ==, 0);

  /* Objects a view still holds stay valid */
  g_assert_cmpstr (ocg_record_get_id (kept), ==, "prt_2");
}

static void
test_out_of_order_arrival (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(JsonObject) status = parse_object ("{\"type\":\"busy\"}");
  g_autoptr(JsonObject) request = parse_object ("{\"id\":\"per_1\",\"sessionID\":\"ses_1\",\"permission\":\"bash\"}");
  g_autoptr(JsonObject) info = parse_object ("{\"id\":\"ses_1\",\"title\":\"late\"}");
  OcgSession *session;

  /* Parts before their message, messages, status and requests before their session */
  upsert_part (store, "{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"type\":\"text\",\"text\":\"early\"}");
  upsert_message (store, "{\"id\":\"msg_1\",\"sessionID\":\"ses_1\"}");
  ocg_store_set_status (store, "ses_1", status);
  ocg_store_add_request (store, OCG_REQUEST_PERMISSION, request, NULL);

  session = ocg_store_upsert_session (store, info, NULL);
  g_assert_cmpstr (ocg_session_get_status (session), ==, "busy");
  g_assert_cmpuint (ocg_session_get_n_requests (session), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_messages (store, "ses_1")), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_parts (store, "msg_1")), ==, 1);

  g_assert_true (ocg_store_remove_request (store, OCG_REQUEST_PERMISSION, "per_1"));
  g_assert_cmpuint (ocg_session_get_n_requests (session), ==, 0);
  g_assert_false (ocg_store_remove_request (store, OCG_REQUEST_PERMISSION, "per_1"));

  ocg_store_set_status (store, "ses_1", NULL);
  g_assert_cmpstr (ocg_session_get_status (session), ==, "idle");
  g_assert_null (ocg_store_get_status (store, "ses_1"));
}

static void
test_missing_ids_are_errors (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  static const char *bad[] = {
    "{}", "{\"id\": 5, \"sessionID\": \"s\"}", "{\"id\": \"\", \"sessionID\": \"s\"}", "{\"id\": \"m\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) object = parse_object (bad[i]);
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u: %s", i, bad[i]);
      g_assert_null (ocg_store_upsert_message (store, object, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
      g_assert_null (ocg_store_upsert_part (store, object, &error));
      g_assert_nonnull (error);
    }
  g_assert_cmpuint (ocg_record_store_get_size (ocg_store_get_message_store (store)), ==, 0);
}

static void
test_dump_shape (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(JsonObject) info = parse_object ("{\"id\":\"ses_1\",\"title\":\"t\"}");
  g_autoptr(JsonObject) status = parse_object ("{\"type\":\"busy\"}");
  g_autoptr(JsonNode) dump = NULL;
  g_autofree char *text = NULL;

  ocg_store_upsert_session (store, info, NULL);
  upsert_message (store, "{\"id\":\"msg_2\",\"sessionID\":\"ses_1\"}");
  upsert_message (store, "{\"id\":\"msg_1\",\"sessionID\":\"ses_1\"}");
  upsert_part (store, "{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"text\":\"a\"}");
  ocg_store_append_delta (store, "msg_1", "prt_1", "text", "b", 1);
  ocg_store_set_status (store, "ses_1", status);

  dump = ocg_store_dump (store);
  text = ocg_json_to_string (dump, FALSE);

  /* The streamed dump is the same document */
  {
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
    g_autoptr(GError) error = NULL;
    g_autofree char *streamed = NULL;

    g_assert_true (ocg_store_write_dump (store, out, &error));
    g_assert_no_error (error);
    g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
    g_output_stream_close (out, NULL, NULL);
    streamed = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
    g_assert_true (g_str_has_suffix (streamed, "\n"));
    streamed[strlen (streamed) - 1] = '\0';
    g_assert_cmpstr (streamed, ==, text);
  }

  g_assert_cmpstr (text, ==,
                   "{\"sessions\":{\"ses_1\":{\"info\":{\"id\":\"ses_1\",\"title\":\"t\"},\"messages\":["
                   "{\"info\":{\"id\":\"msg_1\",\"sessionID\":\"ses_1\"},\"parts\":[{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"text\":\"ab\"}]},"
                   "{\"info\":{\"id\":\"msg_2\",\"sessionID\":\"ses_1\"},\"parts\":[]}]}},"
                   "\"status\":{\"ses_1\":{\"type\":\"busy\"}},\"todo\":{},\"permission\":{},\"question\":{}}");
}

static void
test_objects_are_freed (void)
{
  OcgStore *store = ocg_store_new ();
  g_autoptr(JsonObject) info = parse_object ("{\"id\":\"ses_1\"}");
  OcgPart *part;
  OcgSession *session;

  session = g_object_ref (ocg_store_upsert_session (store, info, NULL));
  part = g_object_ref (upsert_part (store, "{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"text\":\"\"}"));
  ocg_store_append_delta (store, "msg_1", "prt_1", "text", "x", 1);
  g_assert_finalize_object (store);
  g_assert_finalize_object (part);
  g_assert_finalize_object (session);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stores/insert-in-id-order", test_insert_in_id_order);
  g_test_add_func ("/stores/frozen-sessions-come-at-once", test_frozen_sessions_come_at_once);
  g_test_add_func ("/stores/update-notifies-only-changes", test_update_notifies_only_changes);
  g_test_add_func ("/stores/delta/appends-in-place", test_delta_appends_in_place);
  g_test_add_func ("/stores/delta/unknown-ids", test_delta_unknown_ids);
  g_test_add_func ("/stores/delta/linear", test_delta_cost_does_not_grow);
  g_test_add_func ("/stores/long-text", test_long_text);
  g_test_add_func ("/stores/long-text-after-deltas", test_long_text_after_deltas);
  g_test_add_func ("/stores/removal-cascades", test_removal_cascades);
  g_test_add_func ("/stores/out-of-order-arrival", test_out_of_order_arrival);
  g_test_add_func ("/stores/missing-ids", test_missing_ids_are_errors);
  g_test_add_func ("/stores/dump-shape", test_dump_shape);
  g_test_add_func ("/stores/objects-are-freed", test_objects_are_freed);

  return g_test_run ();
}
