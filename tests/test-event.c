/* test-event.c: the event decoder, fast path and tree path
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-event.h"

#include <string.h>

static OcgEvent *
decode (const char *json)
{
  g_autoptr(GError) error = NULL;
  OcgEvent *event = ocg_event_decode (json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_nonnull (event);
  return event;
}

static void
test_delta_fast_path (void)
{
  g_autoptr(OcgEvent) event = decode (
    "{\"id\":\"evt_1\",\"type\":\"message.part.delta\",\"properties\":{\"sessionID\":\"ses_a\","
    "\"messageID\":\"msg_b\",\"partID\":\"prt_c\",\"field\":\"text\",\"delta\":\"Hello \\\"w\\u00f6rld\\\"\\n\"}}");

  g_assert_cmpstr (event->type, ==, "message.part.delta");
  g_assert_null (event->properties);  /* no tree was built */
  g_assert_cmpstr (event->session_id, ==, "ses_a");
  g_assert_cmpstr (event->message_id, ==, "msg_b");
  g_assert_cmpstr (event->part_id, ==, "prt_c");
  g_assert_cmpstr (event->field, ==, "text");
  g_assert_cmpstr (event->delta, ==, "Hello \"wörld\"\n");
  g_assert_cmpuint (event->delta_len, ==, strlen ("Hello \"wörld\"\n"));
}

static void
test_delta_any_order (void)
{
  /* Properties before the type, extra members of every JSON kind */
  g_autoptr(OcgEvent) event = decode (
    " { \"properties\" : { \"delta\" : \"x\\ud83d\\ude00y\", \"extra\": [1, -2.5e3, true, null, {\"a\": []}],"
    " \"partID\": \"p\", \"field\": \"text\" }, \"id\": \"e\", \"type\": \"message.part.delta\" } ");

  g_assert_null (event->properties);
  g_assert_cmpstr (event->delta, ==, "x😀y");
  g_assert_cmpstr (event->part_id, ==, "p");
  g_assert_null (event->message_id);
}

static void
test_delta_slow_path_agrees (void)
{
  /* A lone surrogate escape is left to json-glib; the result must still be
   * a delta with the same members */
  g_autoptr(OcgEvent) event = decode (
    "{\"type\":\"message.part.delta\",\"properties\":{\"partID\":\"p\",\"messageID\":\"m\","
    "\"field\":\"text\",\"delta\":\"a\\u0000b\"}}");

  g_assert_cmpstr (event->type, ==, "message.part.delta");
  g_assert_cmpstr (event->part_id, ==, "p");
  g_assert_cmpstr (event->field, ==, "text");
  g_assert_nonnull (event->delta);
}

static void
test_other_types_build_tree (void)
{
  g_autoptr(OcgEvent) event = decode (
    "{\"id\":\"evt\",\"type\":\"session.updated\",\"properties\":{\"info\":{\"id\":\"ses_1\",\"title\":\"T\"}}}");

  g_assert_cmpstr (event->type, ==, "session.updated");
  g_assert_nonnull (event->properties);
  g_assert_true (json_object_has_member (event->properties, "info"));
  g_assert_null (event->delta);
}

static void
test_global_frame (void)
{
  g_autoptr(OcgEvent) delta = decode (
    "{\"directory\":\"/home/u/p\",\"payload\":{\"type\":\"message.part.delta\",\"properties\":"
    "{\"partID\":\"p\",\"field\":\"text\",\"delta\":\"d\"}}}");
  g_autoptr(OcgEvent) other = decode (
    "{\"directory\":\"/home/u/p\",\"payload\":{\"type\":\"session.idle\",\"properties\":{\"sessionID\":\"s\"}}}");

  g_assert_cmpstr (delta->type, ==, "message.part.delta");
  g_assert_cmpstr (delta->directory, ==, "/home/u/p");
  g_assert_cmpstr (delta->delta, ==, "d");
  g_assert_cmpstr (other->type, ==, "session.idle");
  g_assert_cmpstr (other->directory, ==, "/home/u/p");
  g_assert_nonnull (other->properties);
}

static void
test_no_properties (void)
{
  g_autoptr(OcgEvent) event = decode ("{\"type\":\"server.connected\"}");

  g_assert_cmpstr (event->type, ==, "server.connected");
  g_assert_nonnull (event->properties);
}

static void
test_malformed (void)
{
  static const struct { const char *json; int code; } cases[] = {
    { "", OCG_EVENT_ERROR_INVALID_JSON },
    { "{", OCG_EVENT_ERROR_INVALID_JSON },
    { "not json", OCG_EVENT_ERROR_INVALID_JSON },
    { "{\"type\":\"message.part.delta\",\"properties\":{\"partID\":\"p\",\"field\":\"text\",\"delta\":\"x\"}} trailing", OCG_EVENT_ERROR_INVALID_JSON },
    { "[1,2]", OCG_EVENT_ERROR_INVALID_SHAPE },
    { "\"string\"", OCG_EVENT_ERROR_INVALID_SHAPE },
    { "{\"type\": 7, \"properties\": {}}", OCG_EVENT_ERROR_INVALID_SHAPE },
    { "{\"properties\": {}}", OCG_EVENT_ERROR_INVALID_SHAPE },
    { "{\"type\": \"session.updated\", \"properties\": [1]}", OCG_EVENT_ERROR_INVALID_SHAPE },
    { "{\"type\":\"message.part.delta\",\"properties\":{\"partID\":\"p\",\"field\":\"text\",\"delta\":5}}", OCG_EVENT_ERROR_INVALID_SHAPE },
    { "{\"type\":\"message.part.delta\",\"properties\":{\"partID\":\"p\",\"delta\":\"x\"}}", OCG_EVENT_ERROR_INVALID_SHAPE },
    { "{\"payload\": 3}", OCG_EVENT_ERROR_INVALID_SHAPE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OcgEvent) event = ocg_event_decode (cases[i].json, strlen (cases[i].json), &error);

      g_test_message ("case %u: %s", i, cases[i].json);
      g_assert_null (event);
      g_assert_error (error, OCG_EVENT_ERROR, cases[i].code);
    }
}

static void
test_deep_nesting (void)
{
  /* Deep nesting must not exhaust the stack of the fast path */
  GString *json = g_string_new ("{\"type\":\"message.part.delta\",\"properties\":{\"x\":");
  g_autoptr(GError) error = NULL;
  g_autoptr(OcgEvent) event = NULL;

  for (int i = 0; i < 5000; i++)
    g_string_append_c (json, '[');
  for (int i = 0; i < 5000; i++)
    g_string_append_c (json, ']');
  g_string_append (json, ",\"partID\":\"p\",\"field\":\"text\",\"delta\":\"d\"}}");

  event = ocg_event_decode (json->str, json->len, &error);
  /* json-glib decides; either way, no crash and a clear answer */
  g_assert_true ((event != NULL) != (error != NULL));
  g_string_free (json, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/event/delta/fast-path", test_delta_fast_path);
  g_test_add_func ("/event/delta/any-order", test_delta_any_order);
  g_test_add_func ("/event/delta/slow-path-agrees", test_delta_slow_path_agrees);
  g_test_add_func ("/event/tree", test_other_types_build_tree);
  g_test_add_func ("/event/global-frame", test_global_frame);
  g_test_add_func ("/event/no-properties", test_no_properties);
  g_test_add_func ("/event/malformed", test_malformed);
  g_test_add_func ("/event/deep-nesting", test_deep_nesting);

  return g_test_run ();
}
