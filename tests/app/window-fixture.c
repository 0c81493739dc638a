/* window-fixture.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "window-fixture.h"

#include "app-test-util.h"
#include "ocg-chat-view.h"
#include "ocg-json.h"
#include "ocg-session-page.h"

JsonNode *
window_fixture_load_json (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("OCG_TEST_DATA"), "opencode-1.18.33", name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

gboolean
window_fixture_connected (gpointer data)
{
  WindowFixture *fixture = data;

  return ocg_connection_get_state (fixture->connection) == OCG_CONNECTION_CONNECTED &&
         ocg_sync_get_synced (ocg_connection_get_sync (fixture->connection));
}

/* The server answers with the recording: every session, and each one's
 * messages and (empty) todo list */
void
window_fixture_setup (WindowFixture *fixture,
                      gconstpointer  data)
{
  g_autoptr(JsonNode) state = window_fixture_load_json ("state.json");
  g_autoptr(JsonArray) sessions = json_array_new ();
  g_autoptr(GList) ids = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  fixture->server = fake_server_new ();
  fixture->state = json_object_ref (json_node_get_object (state));
  ids = json_object_get_members (fixture->state);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *entry = json_object_get_object_member (fixture->state, l->data);
      g_autofree char *path = g_strdup_printf ("/session/%s/message", (char *) l->data);
      g_autofree char *todo = g_strdup_printf ("/session/%s/todo", (char *) l->data);
      g_autofree char *messages = ocg_json_to_string (json_object_get_member (entry, "messages"), FALSE);

      json_array_add_object_element (sessions, json_object_ref (json_object_get_object_member (entry, "info")));
      fake_server_set (fixture->server, path, messages);
      fake_server_set (fixture->server, todo, "[]");
    }
  node = ocg_json_node_new_array (json_array_ref (sessions));
  text = ocg_json_to_string (node, FALSE);
  fake_server_set (fixture->server, "/session", text);
  fixture->sessions = json_array_ref (sessions);

  window_fixture_connect (fixture);
}

/* A window on @fixture's server, shown, connected and synced */
void
window_fixture_connect (WindowFixture *fixture)
{
  g_autofree char *url = fake_server_get_url (fixture->server);

  fixture->connection = ocg_connection_new_remote (url, NULL, "pw", "/home/user/demo");
  fixture->window = ocg_window_new (NULL, fixture->connection);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));
  ocg_connection_start (fixture->connection);
  /* Generous: a busy machine is slow, and the wait ends with the condition */
  g_assert_true (app_test_wait (window_fixture_connected, fixture, 60000));
  app_test_wait_frames (GTK_WIDGET (fixture->window), 2);
}

/* The title of the session that row @i of the sidebar shows */
char *
window_fixture_row_title (GListModel *rows,
                          guint       i)
{
  g_autoptr(GObject) object = g_list_model_get_item (rows, i);
  g_autoptr(OcgSession) session = GTK_IS_TREE_LIST_ROW (object)
    ? gtk_tree_list_row_get_item (GTK_TREE_LIST_ROW (object))
    : g_object_ref (OCG_SESSION (object));

  return g_strdup (ocg_session_get_title (session));
}

void
window_fixture_teardown (WindowFixture *fixture,
                         gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  ocg_connection_stop (fixture->connection);
  g_clear_object (&fixture->connection);
  /* What the stop and the destruction set going, before the server goes */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  fake_server_free (fixture->server);
  json_object_unref (fixture->state);
  g_clear_pointer (&fixture->sessions, json_array_unref);
}

void
window_fixture_push (WindowFixture *fixture,
                     const char    *type,
                     const char    *properties_format,
                     ...)
{
  va_list args;
  g_autofree char *properties = NULL;
  g_autofree char *frame = NULL;

  va_start (args, properties_format);
  properties = g_strdup_vprintf (properties_format, args);
  va_end (args);
  frame = g_strdup_printf ("{\"type\":\"%s\",\"properties\":%s}", type, properties);
  fake_server_push (fixture->server, frame);
}

/* A session that the server creates now: in its list from now on (a
 * reconnection fetches it again), and announced with session.created */
void
window_fixture_add_session (WindowFixture *fixture,
                            const char    *info_json)
{
  g_autoptr(JsonNode) info = json_from_string (info_json, NULL);
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *text = NULL;
  g_autofree char *event = NULL;

  g_assert_nonnull (info);
  json_array_add_element (fixture->sessions, json_node_copy (info));
  list = ocg_json_node_new_array (json_array_ref (fixture->sessions));
  text = ocg_json_to_string (list, FALSE);
  fake_server_set (fixture->server, "/session", text);
  event = g_strdup_printf ("{\"type\":\"session.created\",\"properties\":{\"info\":%s}}", info_json);
  fake_server_push (fixture->server, event);
}

/* The recording's title of @session_id */
const char *
window_fixture_session_title (WindowFixture *fixture,
                              const char    *session_id)
{
  return ocg_json_get_string (json_object_get_object_member (fixture->state, session_id), "info.title");
}

/* For app_test_wait(): @request (a WindowRequest) was made */
gboolean
window_fixture_has_request (gpointer request)
{
  WindowRequest *r = request;

  return fake_server_has_request (r->server, r->prefix);
}

guint
window_fixture_count_requests (FakeServer *server,
                               const char *prefix)
{
  GPtrArray *requests = fake_server_get_requests (server);
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (requests, i), prefix))
      n++;
  return n;
}

/* For app_test_wait(): the session page @page shows its session's turns */
gboolean
window_fixture_page_loaded (gpointer page)
{
  OcgChatView *view = OCG_CHAT_VIEW (ocg_session_page_get_chat_view (page));

  return !ocg_chat_view_get_loading (view) &&
         g_list_model_get_n_items (G_LIST_MODEL (ocg_chat_view_get_turns (view))) > 0;
}

/* For app_test_wait(): the session page @page no longer says it loads */
gboolean
window_fixture_page_not_loading (gpointer page)
{
  return !ocg_chat_view_get_loading (OCG_CHAT_VIEW (ocg_session_page_get_chat_view (page)));
}
