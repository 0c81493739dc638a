/* test-window.c: the chat window over a scripted server, fed the recorded
 * sessions: what the sidebar, transcript, prompt dock and composer show, and
 * what they send
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"

#include <adwaita.h>
#include "fake-server.h"
#include "window-fixture.h"
#include "ocg-chat-view.h"
#include "ocg-composer.h"
#include "ocg-json.h"
#include "ocg-markdown-view.h"
#include "ocg-preferences.h"
#include "ocg-prompt-dock.h"
#include "ocg-sidebar.h"
#include "ocg-timeline.h"
#include "ocg-transcript.h"
#include "ocg-turn-row.h"
#include "ocg-application.h"
#include "ocg-window.h"

#include <math.h>
#include <string.h>

#define TOOLS FIXTURE_TOOLS
#define TASK FIXTURE_TASK
#define TASK_CHILD FIXTURE_TASK_CHILD

typedef WindowFixture Fixture;

#define session_title window_fixture_session_title

static gint
by_updated_desc (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  Fixture *fixture = user_data;
  gint64 ta = ocg_json_get_int (json_object_get_object_member (fixture->state, *(char **) a), "info.time.updated", 0);
  gint64 tb = ocg_json_get_int (json_object_get_object_member (fixture->state, *(char **) b), "info.time.updated", 0);

  return ta < tb ? 1 : ta > tb ? -1 : 0;
}

typedef struct
{
  OcgSidebar *sidebar;
  guint       n;
} Rows;

static gboolean
has_n_rows (gpointer data)
{
  Rows *rows = data;

  return g_list_model_get_n_items (ocg_sidebar_get_rows (rows->sidebar)) == rows->n;
}

static void
test_sidebar_order_and_nesting (Fixture       *fixture,
                                gconstpointer  data)
{
  OcgSidebar *sidebar = OCG_SIDEBAR (ocg_window_get_sidebar (fixture->window));
  GListModel *rows = ocg_sidebar_get_rows (sidebar);
  g_autoptr(GPtrArray) roots = g_ptr_array_new ();
  g_autoptr(GList) ids = json_object_get_members (fixture->state);
  guint task_row = G_MAXUINT;

  for (GList *l = ids; l != NULL; l = l->next)
    if (ocg_json_get_string (json_object_get_object_member (fixture->state, l->data), "info.parentID") == NULL)
      g_ptr_array_add (roots, l->data);
  g_ptr_array_sort_with_data (roots, by_updated_desc, fixture);

  /* Roots only, newest activity first; the child waits under its parent */
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, roots->len);
  for (guint i = 0; i < roots->len; i++)
    {
      g_autofree char *title = window_fixture_row_title (rows, i);

      g_assert_cmpstr (title, ==, session_title (fixture, g_ptr_array_index (roots, i)));
      if (strcmp (g_ptr_array_index (roots, i), TASK) == 0)
        task_row = i;
    }
  g_assert_cmpuint (task_row, !=, G_MAXUINT);

  /* Opening the child session expands its parent and selects it */
  ocg_window_open_session (fixture->window, TASK_CHILD);
  g_assert_true (app_test_wait (has_n_rows, &(Rows) { sidebar, roots->len + 1 }, 30000));
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, roots->len + 1);
  {
    g_autofree char *child = window_fixture_row_title (rows, task_row + 1);

    g_assert_cmpstr (child, ==, "Count files (@general subagent)");
  }
  g_assert_cmpstr (ocg_sidebar_get_selected (sidebar), ==, TASK_CHILD);

  /* Search: flat, by title */
  ocg_sidebar_focus_search (sidebar);
  {
    GtkWidget *entry = app_test_find_by_type (GTK_WIDGET (sidebar), GTK_TYPE_SEARCH_ENTRY, 0);

    gtk_editable_set_text (GTK_EDITABLE (entry), "subagent");
    g_assert_true (app_test_wait (has_n_rows, &(Rows) { sidebar, 1 }, 30000));
    rows = ocg_sidebar_get_rows (sidebar);
    g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 1);
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
    g_assert_true (app_test_wait (has_n_rows, &(Rows) { sidebar, roots->len + 1 }, 30000));
  }
}

/* The head row (question and timeline) of the first turn shown; rows are
 * made in whatever order the list view needs them */
static OcgTurnRow *
first_turn_row (Fixture *fixture)
{
  GtkWidget *view = ocg_window_get_chat_view (fixture->window);
  OcgTurnRow *first = NULL;

  for (guint i = 0;; i++)
    {
      GtkWidget *row = app_test_find_by_type (view, OCG_TYPE_TURN_ROW, i);
      OcgTurn *turn;

      if (row == NULL)
        return first;
      turn = ocg_turn_row_get_turn (OCG_TURN_ROW (row));
      if (turn == NULL || !gtk_widget_get_visible (row) || app_test_find_by_type (row, OCG_TYPE_TIMELINE, 0) == NULL)
        continue;
      if (first == NULL || strcmp (ocg_turn_get_key (turn), ocg_turn_get_key (ocg_turn_row_get_turn (first))) < 0)
        first = OCG_TURN_ROW (row);
    }
}

static gboolean
session_shown (gpointer data)
{
  OcgTurnRow *row = first_turn_row (data);

  return row != NULL && gtk_widget_get_mapped (GTK_WIDGET (row));
}

/* Opens a session and waits until its first turn is on screen */
static void
open_session (Fixture    *fixture,
              const char *session_id)
{
  ocg_window_open_session (fixture->window, session_id);
  g_assert_true (app_test_wait (session_shown, fixture, 30000));
  app_test_wait_frames (GTK_WIDGET (fixture->window), 2);
}

typedef struct
{
  Fixture    *fixture;
  const char *session_id;
} Known;

static gboolean
has_session (gpointer data)
{
  Known *known = data;

  return ocg_store_lookup_session (ocg_connection_get_store (known->fixture->connection), known->session_id) != NULL;
}

static void
test_transcript_of_a_session (Fixture       *fixture,
                              gconstpointer  data)
{
  OcgChatView *view = OCG_CHAT_VIEW (ocg_window_get_chat_view (fixture->window));
  OcgTurnRow *row;
  GtkWidget *markdown;
  g_autofree char *text = NULL;

  open_session (fixture, TOOLS);

  /* One user message, five assistant steps: one turn */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ocg_chat_view_get_turns (view))), ==, 1);
  row = first_turn_row (fixture);
  g_assert_nonnull (row);
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (row), "Please run SCENARIO:tools now"));

  /* The timeline has the tool steps; the answer is rendered Markdown in
   * rows of its own, below the head */
  g_assert_nonnull (app_test_find_by_type (GTK_WIDGET (row), OCG_TYPE_TIMELINE, 0));
  markdown = app_test_find_by_type (GTK_WIDGET (view), OCG_TYPE_MARKDOWN_VIEW, 0);
  g_assert_nonnull (markdown);
  g_assert_nonnull (app_test_find_by_type (GTK_WIDGET (view), GTK_TYPE_GRID, 0));  /* the table */

  /* The footer names the model */
  text = app_test_collect_text (GTK_WIDGET (view));
  g_assert_nonnull (strstr (text, "fake-model"));
  g_assert_nonnull (strstr (text, "Result"));
}

static void
test_failed_turn_shows_error (Fixture       *fixture,
                              gconstpointer  data)
{
  OcgTurnRow *row;

  open_session (fixture, "ses_e02ff49b8ffe8zNG7qZnROYh16");
  row = first_turn_row (fixture);
  g_assert_nonnull (row);
  g_assert_nonnull (app_test_find_label (ocg_window_get_chat_view (fixture->window), "upstream exploded"));
}

static gboolean
dock_has (gpointer data)
{
  Fixture *fixture = data;

  return ocg_prompt_dock_get_n_prompts (OCG_PROMPT_DOCK (ocg_window_get_prompt_dock (fixture->window))) > 0;
}

static gboolean
dock_empty (gpointer data)
{
  return !dock_has (data);
}

typedef WindowRequest Request;
#define has_request window_fixture_has_request

/* @data's request was made a second time */
static gboolean
has_new_request (gpointer data)
{
  Request *request = data;

  return window_fixture_count_requests (request->server, request->prefix) >= 2;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  for (guint i = 0;; i++)
    {
      GtkWidget *button = app_test_find_by_type (root, GTK_TYPE_BUTTON, i);

      if (button == NULL)
        return NULL;
      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) == 0)
        return button;
    }
}

static void
test_permission_from_child_session (Fixture       *fixture,
                                    gconstpointer  data)
{
  GtkWidget *dock = ocg_window_get_prompt_dock (fixture->window);
  Request request = { fixture->server, "POST /permission/per_test1/reply {\"reply\":\"once\"}" };

  open_session (fixture, TASK);
  fake_server_set (fixture->server, "/permission/per_test1/reply", "true");

  /* The subagent asks; the user looks at the parent */
  fake_server_push (fixture->server,
                    "{\"type\":\"permission.asked\",\"properties\":{\"id\":\"per_test1\",\"sessionID\":\"" TASK_CHILD "\","
                    "\"permission\":\"bash\",\"patterns\":[\"rm -f scratch.tmp\"],\"metadata\":{\"command\":\"rm -f scratch.tmp\"},"
                    "\"always\":[\"rm *\"]}}");
  g_assert_true (app_test_wait (dock_has, fixture, 30000));
  g_assert_true (gtk_widget_get_visible (dock));
  g_assert_nonnull (app_test_find_label (dock, "rm -f scratch.tmp"));
  g_assert_nonnull (app_test_find_label (dock, "Count files (@general subagent)"));

  gtk_widget_activate (find_button (dock, "Allow _Once"));
  g_assert_true (app_test_wait (has_request, &request, 30000));

  /* It goes when the server says so */
  g_assert_true (dock_has (fixture));
  fake_server_push (fixture->server,
                    "{\"type\":\"permission.replied\",\"properties\":{\"sessionID\":\"" TASK_CHILD "\","
                    "\"requestID\":\"per_test1\",\"reply\":\"once\"}}");
  g_assert_true (app_test_wait (dock_empty, fixture, 30000));
  g_assert_false (gtk_widget_get_visible (dock));
}

static void
test_question_answered (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkWidget *dock = ocg_window_get_prompt_dock (fixture->window);
  Request request = { fixture->server, "POST /question/que_test1/reply {\"answers\":[[\"Blue\"]]}" };
  GtkWidget *blue = NULL;

  ocg_window_open_session (fixture->window, TOOLS);
  fake_server_set (fixture->server, "/question/que_test1/reply", "true");
  fake_server_push (fixture->server,
                    "{\"type\":\"question.asked\",\"properties\":{\"id\":\"que_test1\",\"sessionID\":\"" TOOLS "\","
                    "\"questions\":[{\"question\":\"Which color?\",\"header\":\"Color\",\"options\":"
                    "[{\"label\":\"Red\",\"description\":\"warm\"},{\"label\":\"Blue\",\"description\":\"cool\"}]}]}}");
  g_assert_true (app_test_wait (dock_has, fixture, 30000));
  g_assert_nonnull (app_test_find_label (dock, "Which color?"));

  for (guint i = 0; (blue = app_test_find_by_type (dock, GTK_TYPE_CHECK_BUTTON, i)) != NULL; i++)
    if (g_str_has_prefix (gtk_check_button_get_label (GTK_CHECK_BUTTON (blue)), "Blue"))
      break;
  g_assert_nonnull (blue);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (blue), TRUE);
  gtk_widget_activate (find_button (dock, "_Submit"));
  g_assert_true (app_test_wait (has_request, &request, 30000));

  fake_server_push (fixture->server,
                    "{\"type\":\"question.replied\",\"properties\":{\"sessionID\":\"" TOOLS "\","
                    "\"requestID\":\"que_test1\",\"answers\":[[\"Blue\"]]}}");
  g_assert_true (app_test_wait (dock_empty, fixture, 30000));
}

typedef struct
{
  OcgChatView *view;
  const char  *key;
  OcgTurnRow  *row;
} HeadRow;

/* The head row of the turn of @key (the one with the timeline: its foot
 * has none) shows the message and "disk full" */
static gboolean
head_row_shows_failure (gpointer data)
{
  HeadRow *head = data;

  head->row = NULL;
  for (guint i = 0;; i++)
    {
      GtkWidget *candidate = app_test_find_by_type (GTK_WIDGET (head->view), OCG_TYPE_TURN_ROW, i);

      if (candidate == NULL)
        break;
      if (ocg_turn_row_get_turn (OCG_TURN_ROW (candidate)) != NULL &&
          g_strcmp0 (ocg_turn_get_key (ocg_turn_row_get_turn (OCG_TURN_ROW (candidate))), head->key) == 0 &&
          app_test_find_by_type (candidate, OCG_TYPE_TIMELINE, 0) != NULL)
        head->row = OCG_TURN_ROW (candidate);
    }
  return head->row != NULL && app_test_find_label (GTK_WIDGET (head->row), "disk full") != NULL &&
         app_test_find_label (GTK_WIDGET (head->row), "Summarise the README") != NULL;
}

static gboolean
says_no_disk_full (gpointer row)
{
  return app_test_find_label (row, "disk full") == NULL;
}

static void
test_send_echo_error_and_retry (Fixture       *fixture,
                                gconstpointer  data)
{
  OcgComposer *composer = OCG_COMPOSER (ocg_window_get_composer (fixture->window));
  OcgChatView *view = OCG_CHAT_VIEW (ocg_window_get_chat_view (fixture->window));
  OcgStore *store = ocg_connection_get_store (fixture->connection);
  Request request = { fixture->server, "POST /session/" TOOLS "/prompt_async " };
  GPtrArray *requests = fake_server_get_requests (fixture->server);
  const char *sent = NULL;
  g_autofree char *message_id = NULL;
  OcgTurnRow *row;
  guint n_before;

  open_session (fixture, TOOLS);
  fake_server_set_status (fixture->server, "/session/" TOOLS "/prompt_async", 500,
                          "{\"name\":\"UnknownError\",\"data\":{\"message\":\"disk full\"}}");

  ocg_composer_set_text (composer, "Summarise the README");
  ocg_composer_send (composer);

  /* The message is on screen at once */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ocg_chat_view_get_turns (view))), ==, 2);
  g_assert_true (app_test_wait (has_request, &request, 30000));
  for (guint i = 0; i < requests->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (requests, i), request.prefix))
      sent = g_ptr_array_index (requests, i);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *body;

    g_assert_true (json_parser_load_from_data (parser, strchr (sent + strlen (request.prefix) - 1, '{'), -1, NULL));
    body = json_node_get_object (json_parser_get_root (parser));
    message_id = g_strdup (json_object_get_string_member (body, "messageID"));
    g_assert_true (g_str_has_prefix (message_id, "msg_"));
    g_assert_cmpuint (strlen (message_id), ==, 30);
    g_assert_cmpstr (ocg_json_get_string (json_array_get_object_element (json_object_get_array_member (body, "parts"), 0), "text"),
                     ==, "Summarise the README");
    /* It sorts after every message already there */
    g_assert_cmpint (strcmp (message_id, "msg_1fd00af26001Pk7hODBb0m7vGZ"), >, 0);
  }
  g_assert_nonnull (ocg_store_lookup_message (store, message_id));

  /* The failure is shown on the message, with the server's words */
  ocg_chat_view_scroll_to_bottom (view);
  {
    HeadRow head = { view, message_id, NULL };

    g_assert_true (app_test_wait (head_row_shows_failure, &head, 30000));
    row = head.row;
  }
  g_assert_nonnull (row);
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (row), "disk full"));
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (row), "Summarise the README"));

  /* Retry sends the same message again */
  fake_server_set (fixture->server, "/session/" TOOLS "/prompt_async", "{}");
  n_before = requests->len;
  gtk_widget_activate (find_button (GTK_WIDGET (row), "_Retry"));
  {
    g_autofree char *prefix = g_strdup_printf ("POST /session/" TOOLS "/prompt_async {\"messageID\":\"%s\"", message_id);
    Request again = { fixture->server, prefix };

    g_assert_true (app_test_wait (has_new_request, &again, 30000));
    g_assert_cmpuint (requests->len, >, n_before);
    g_assert_true (g_str_has_prefix (g_ptr_array_index (requests, requests->len - 1), prefix));
  }
  g_assert_true (app_test_wait (says_no_disk_full, row, 30000));
  g_assert_null (app_test_find_label (GTK_WIDGET (row), "disk full"));
}

static gboolean
is_reconnecting (gpointer data)
{
  Fixture *fixture = data;

  return ocg_connection_get_state (fixture->connection) == OCG_CONNECTION_RECONNECTING;
}

static void
test_reconnect_keeps_transcript (Fixture       *fixture,
                                 gconstpointer  data)
{
  OcgChatView *view = OCG_CHAT_VIEW (ocg_window_get_chat_view (fixture->window));
  OcgComposer *composer = OCG_COMPOSER (ocg_window_get_composer (fixture->window));
  g_autofree char *header = NULL;

  open_session (fixture, TOOLS);
  fake_server_set_status (fixture->server, "/event", 503, "{\"message\":\"restarting\"}");
  fake_server_end_streams (fixture->server);
  g_assert_true (app_test_wait (is_reconnecting, fixture, 30000));
  app_test_wait_frames (GTK_WIDGET (fixture->window), 2);

  /* Still there, and the header says what happens */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ocg_chat_view_get_turns (view))), ==, 1);
  g_assert_nonnull (first_turn_row (fixture));
  header = app_test_collect_text (GTK_WIDGET (fixture->window));
  g_assert_nonnull (strstr (header, "Reconnecting"));
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (composer), "Not connected"));

  fake_server_set_status (fixture->server, "/event", 0, NULL);
  g_assert_true (app_test_wait (window_fixture_connected, fixture, 60000));
  g_assert_null (app_test_find_label (GTK_WIDGET (composer), "Not connected"));
}

static gboolean
is_connected_simple (gpointer data)
{
  return ocg_connection_get_state (data) == OCG_CONNECTION_CONNECTED &&
         ocg_sync_get_synced (ocg_connection_get_sync (data));
}

static gboolean
is_missing (gpointer data)
{
  return ocg_connection_get_state (data) == OCG_CONNECTION_SERVER_MISSING;
}

static gboolean
status_page_shown (gpointer data)
{
  GtkWidget *page = app_test_find_by_type (GTK_WIDGET (data), ADW_TYPE_STATUS_PAGE, 0);

  return page != NULL && gtk_widget_get_mapped (page);
}

static GtkWindow *
find_shortcuts_window (void)
{
  return app_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW, FALSE);
}

static gboolean
shortcuts_shown (gpointer data)
{
  GtkWindow *shortcuts = find_shortcuts_window ();

  return shortcuts != NULL && gtk_widget_get_mapped (GTK_WIDGET (shortcuts));
}

/* A window shown for a connection whose opencode is not installed */
static OcgWindow *
window_without_opencode (OcgConnection **connection)
{
  OcgWindow *window;

  *connection = ocg_connection_new_embedded ("/nonexistent/bin/opencode", "/tmp");
  window = ocg_window_new (NULL, *connection);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* The shortcuts window is made only when asked for, and then shows */
static void
test_shortcuts_window (void)
{
  g_autoptr(OcgConnection) connection = NULL;
  OcgWindow *window = window_without_opencode (&connection);
  GtkWindow *shortcuts;

  app_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_null (find_shortcuts_window ());

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  g_assert_true (app_test_wait (shortcuts_shown, NULL, 10000));
  shortcuts = find_shortcuts_window ();
  g_assert_true (gtk_window_get_transient_for (shortcuts) == GTK_WINDOW (window));
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (shortcuts), "Sessions"));

  gtk_window_destroy (shortcuts);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_missing_opencode_page (void)
{
  g_autoptr(OcgConnection) connection = NULL;
  OcgWindow *window = window_without_opencode (&connection);
  GtkWidget *page;

  ocg_connection_start (connection);
  g_assert_true (app_test_wait (is_missing, connection, 30000));
  g_assert_true (app_test_wait (status_page_shown, window, 30000));

  /* The page says what is missing and how to get it, with a way to try again */
  page = app_test_find_by_type (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, 0);
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_get_mapped (page));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (page)), ==, "opencode Is Not Installed");
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (page)), "npm install -g opencode-ai"));
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (page), "Try Again"));
  /* And sending is not offered */
  g_assert_nonnull (app_test_find_label (ocg_window_get_composer (window), "Not connected"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
on_tested (OcgPreferences *prefs,
           gboolean       *done)
{
  *done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static const char *
test_server (OcgPreferences *prefs,
             const char     *url,
             const char     *password)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect (prefs, "tested", G_CALLBACK (on_tested), &done);

  ocg_preferences_test_server (prefs, url, password);
  g_assert_true (app_test_wait (is_true, &done, 30000));
  g_signal_handler_disconnect (prefs, id);
  return ocg_preferences_get_test_result (prefs);
}

/* Answers every connection in plain text at once: a TLS client fails its
 * handshake right away */
static gboolean
on_plain_incoming (GSocketService    *service,
                   GSocketConnection *connection,
                   GObject           *source,
                   gpointer           data)
{
  static const char answer[] = "HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n";

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             answer, strlen (answer), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static void
test_preferences_server_check (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  GtkWidget *prefs = ocg_preferences_new (NULL, NULL);
  g_autoptr(GSocket) socket = NULL;
  g_autofree char *closed = NULL;

  gtk_window_present (GTK_WINDOW (prefs));

  fake_server_set (server, "/global/health", "{\"healthy\":true,\"version\":\"1.18.33\"}");
  g_assert_cmpstr (test_server (OCG_PREFERENCES (prefs), url, "right"), ==, "Connected to opencode 1.18.33");

  fake_server_set_status (server, "/global/health", 401, "");
  g_assert_cmpstr (test_server (OCG_PREFERENCES (prefs), url, "wrong"), ==, "The server refused the password");

  /* A port where nothing listens */
  {
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
    g_autoptr(GSocketAddress) bound = NULL;

    socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
    bound = g_socket_get_local_address (socket, NULL);
    closed = g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  }
  g_assert_true (g_str_has_prefix (test_server (OCG_PREFERENCES (prefs), closed, NULL), "The server cannot be reached"));

  /* TLS spoken to a server that does not */
  {
    g_autoptr(GSocketService) plain = g_socket_service_new ();
    guint16 port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (plain), NULL, NULL);
    g_autofree char *tls_url = g_strdup_printf ("https://127.0.0.1:%u", port);

    g_signal_connect (plain, "incoming", G_CALLBACK (on_plain_incoming), NULL);
    g_socket_service_start (plain);
    g_assert_true (g_str_has_prefix (test_server (OCG_PREFERENCES (prefs), tls_url, NULL), "The secure connection failed"));
    g_socket_service_stop (plain);
  }

  g_assert_true (g_str_has_prefix (test_server (OCG_PREFERENCES (prefs), "example.org", NULL), "Enter an address"));
  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* A stand-in for GNOME Shell's notification service, recording what the
 * app sends */
static const char notifications_xml[] =
  "<node><interface name='org.gtk.Notifications'>"
  "<method name='AddNotification'><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='a{sv}' direction='in'/></method>"
  "<method name='RemoveNotification'><arg type='s' direction='in'/><arg type='s' direction='in'/></method>"
  "</interface></node>";

static void
on_notification_call (GDBusConnection       *connection,
                      const char            *sender,
                      const char            *path,
                      const char            *interface,
                      const char            *method,
                      GVariant              *parameters,
                      GDBusMethodInvocation *invocation,
                      gpointer               user_data)
{
  GPtrArray *received = user_data;

  if (g_str_equal (method, "AddNotification"))
    {
      const char *app_id, *id;
      g_autoptr(GVariant) notification = NULL;
      const char *title = NULL;
      GVariant *action_target = NULL;

      g_variant_get (parameters, "(&s&s@a{sv})", &app_id, &id, &notification);
      g_variant_lookup (notification, "title", "&s", &title);
      action_target = g_variant_lookup_value (notification, "default-action-target", NULL);
      g_ptr_array_add (received, g_strdup_printf ("%s %s %s %s", app_id, id, title,
                                                  action_target != NULL ? g_variant_print (action_target, FALSE) : "-"));
      g_clear_pointer (&action_target, g_variant_unref);
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static gboolean
has_received (gpointer data)
{
  return ((GPtrArray *) data)->len > 0;
}

static void
test_notification_when_turn_ends (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(GPtrArray) received = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  static const GDBusInterfaceVTable vtable = { on_notification_call, NULL, NULL, { 0 } };
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(OcgApplication) app = ocg_application_new ();
  g_autoptr(OcgConnection) connection = NULL;
  OcgWindow *window;
  guint object_id, name_id;

  object_id = g_dbus_connection_register_object (bus, "/org/gtk/Notifications", info->interfaces[0],
                                                 &vtable, received, NULL, NULL);
  name_id = g_bus_own_name_on_connection (bus, "org.gtk.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                          NULL, NULL, NULL, NULL);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  fake_server_set (server, "/session", "[{\"id\":\"ses_n\",\"title\":\"Long job\",\"time\":{\"created\":1,\"updated\":1}}]");
  fake_server_set (server, "/session/ses_n/message", "[]");
  fake_server_set (server, "/session/ses_n/todo", "[]");
  connection = ocg_connection_new_remote (url, NULL, NULL, "/home/user/demo");
  /* Never shown: a window in the background */
  window = ocg_window_new (app, connection);
  ocg_connection_start (connection);
  g_assert_true (app_test_wait (is_connected_simple, connection, 30000));

  fake_server_push (server, "{\"type\":\"session.status\",\"properties\":{\"sessionID\":\"ses_n\",\"status\":{\"type\":\"busy\"}}}");
  fake_server_push (server, "{\"type\":\"session.status\",\"properties\":{\"sessionID\":\"ses_n\",\"status\":{\"type\":\"idle\"}}}");
  g_assert_true (app_test_wait (has_received, received, 30000));
  g_assert_cmpstr (g_ptr_array_index (received, 0), ==,
                   "io.github.opencodegtk.OpencodeGtk done-ses_n The agent has finished ('/home/user/demo', 'ses_n')");

  gtk_window_destroy (GTK_WINDOW (window));
  ocg_connection_stop (connection);
  g_bus_unown_name (name_id);
  g_dbus_connection_unregister_object (bus, object_id);
}

static gboolean
is_380_wide (gpointer widget)
{
  return gtk_widget_get_width (widget) >= 380;
}

static void
test_sidebar_resize (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkWidget *handle = app_test_find_by_css (GTK_WIDGET (fixture->window), "sidebar-handle", 0);
  GtkWidget *sidebar_box = gtk_widget_get_parent (ocg_window_get_sidebar (fixture->window));
  GListModel *controllers;
  GtkEventController *drag = NULL;
  int width;

  g_assert_nonnull (handle);
  controllers = gtk_widget_observe_controllers (handle);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_DRAG (controller))
        drag = controller;
    }
  g_object_unref (controllers);
  g_assert_nonnull (drag);

  g_signal_emit_by_name (drag, "drag-begin", 10.0, 10.0);
  g_signal_emit_by_name (drag, "drag-update", 80.0, 3.0);
  g_signal_emit_by_name (drag, "drag-end", 80.0, 3.0);
  g_assert_true (app_test_wait (is_380_wide, sidebar_box, 30000));
  gtk_widget_get_size_request (sidebar_box, &width, NULL);
  g_assert_cmpint (width, ==, 380);
  g_assert_cmpint (gtk_widget_get_width (sidebar_box), >=, 380);

  /* Not narrower than a usable sidebar */
  g_signal_emit_by_name (drag, "drag-begin", 10.0, 10.0);
  g_signal_emit_by_name (drag, "drag-update", -1000.0, 0.0);
  g_signal_emit_by_name (drag, "drag-end", -1000.0, 0.0);
  gtk_widget_get_size_request (sidebar_box, &width, NULL);
  g_assert_cmpint (width, ==, 220);
}

/* Where a label with @text is, from the top of the chat view; FALSE when
 * no row shows it */
static gboolean
label_y (GtkWidget  *view,
         const char *text,
         double     *y)
{
  GtkWidget *label = app_test_find_label (view, text);
  graphene_point_t point;

  *y = -1;
  if (label == NULL || !gtk_widget_get_mapped (label) ||
      !gtk_widget_compute_point (label, view, &GRAPHENE_POINT_INIT (0, 0), &point))
    return FALSE;
  *y = point.y;
  return TRUE;
}

static gboolean
label_on_screen (GtkWidget  *view,
                 const char *text)
{
  double y;

  return label_y (view, text, &y) && y >= 0 && y < gtk_widget_get_height (view);
}

/* The same for the user message "Question NNN." */
static gboolean
question_y (GtkWidget *view,
            guint      n,
            double    *y)
{
  g_autofree char *text = g_strdup_printf ("Question %03u.", n);

  return label_y (view, text, y);
}

typedef struct
{
  GtkWidget *view;
  guint      n;
} Question;

static gboolean
question_on_screen (gpointer data)
{
  Question *q = data;
  g_autofree char *text = g_strdup_printf ("Question %03u.", q->n);

  return label_on_screen (q->view, text);
}

static gboolean
last_paragraph_on_screen (gpointer data)
{
  return label_on_screen (data, "Paragraph 119 of the long answer.");
}

static gboolean
first_question_on_screen (GtkWidget *view,
                          guint      n_turns,
                          guint     *first)
{
  for (guint i = 0; i < n_turns; i++)
    {
      if (question_on_screen (&(Question) { view, i }))
        {
          *first = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* The list shows its end */
static gboolean
at_end (gpointer adjustment)
{
  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - 1;
}

static void
on_painted (GdkFrameClock *clock,
            gboolean      *painted)
{
  *painted = TRUE;
}

/* Runs the main loop until @widget's window has drawn a frame, and no
 * further: sources of a lower priority than drawing have not run yet */
static void
run_until_painted (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_painted), &painted);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  gtk_widget_queue_draw (widget);
  while (!painted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  g_assert_true (painted);
}

/* Until the list's rows are laid out for good: its height the same over a
 * few frames */
static void
wait_still (GtkWidget     *view,
            GtkAdjustment *adj)
{
  for (guint i = 0; i < 100; i++)
    {
      double upper = gtk_adjustment_get_upper (adj);

      app_test_wait_frames (view, 3);
      if (gtk_adjustment_get_upper (adj) == upper)
        return;
    }
  g_assert_not_reached ();
}

/* The button that brings the reader back to the end, and whether it shows */
static GtkWidget *
to_end_button (GtkWidget *view)
{
  for (guint i = 0;; i++)
    {
      GtkWidget *button = app_test_find_by_type (view, GTK_TYPE_BUTTON, i);

      if (button == NULL || g_strcmp0 (gtk_widget_get_tooltip_text (button), "Scroll to the End") == 0)
        return button;
    }
}

static gboolean
to_end_shown (GtkWidget *view)
{
  GtkWidget *button = to_end_button (view);

  return button != NULL &&
         gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_parent (button)));
}

static gboolean
to_end_shown_now (gpointer view)
{
  return to_end_shown (view);
}

/* How many rows the transcript shows (revealed turns' heads, answers, feet) */
static guint
n_rows (GtkWidget *view)
{
  GtkListView *list = ocg_chat_view_get_list_view (OCG_CHAT_VIEW (view));

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (list)));
}

typedef struct
{
  GtkWidget *view;
  guint      n;
} TranscriptRows;

/* More rows came, or none are left to come: the first turn is on screen */
static gboolean
has_more_rows (gpointer data)
{
  TranscriptRows *rows = data;
  double y;

  return n_rows (rows->view) > rows->n || question_y (rows->view, 0, &y);
}

/* A session longer than a page of history opens at its end, and scrolling
 * up brings every older turn, in order, without the view jumping */
static gboolean
screen_above (gpointer data)
{
  GtkAdjustment *adj = data;

  return gtk_adjustment_get_value (adj) >= gtk_adjustment_get_page_size (adj);
}

static void
test_long_session_scrolls_back (Fixture       *fixture,
                                gconstpointer  data)
{
  enum { N_TURNS = 200 };
  GtkWidget *view = ocg_window_get_chat_view (fixture->window);
  GtkAdjustment *adj;
  g_autoptr(GString) messages = g_string_new ("[");
  g_autofree char *created = NULL;
  double y;
  guint first = 0, scrolls = 0;

  for (guint i = 0; i < N_TURNS; i++)
    g_string_append_printf (messages,
                            "%s{\"info\":{\"id\":\"msg_%06u_u\",\"sessionID\":\"ses_long\",\"role\":\"user\",\"time\":{\"created\":%u}},"
                            "\"parts\":[{\"id\":\"prt_%06u_u\",\"messageID\":\"msg_%06u_u\",\"sessionID\":\"ses_long\",\"type\":\"text\",\"text\":\"Question %03u.\"}]},"
                            "{\"info\":{\"id\":\"msg_%06u_v\",\"sessionID\":\"ses_long\",\"role\":\"assistant\",\"parentID\":\"msg_%06u_u\",\"modelID\":\"m\",\"time\":{\"created\":%u,\"completed\":%u}},"
                            "\"parts\":[{\"id\":\"prt_%06u_v\",\"messageID\":\"msg_%06u_v\",\"sessionID\":\"ses_long\",\"type\":\"text\",\"text\":\"Answer %u, with a list:\\n\\n- one\\n- two\\n\"}]}",
                            i == 0 ? "" : ",", i, 1000 + i, i, i, i, i, i, 1000 + i, 1001 + i, i, i, i);
  g_string_append_c (messages, ']');
  fake_server_set (fixture->server, "/session/ses_long/message", messages->str);
  fake_server_set (fixture->server, "/session/ses_long/todo", "[]");
  created = g_strdup_printf ("{\"id\":\"ses_long\",\"title\":\"Long\",\"directory\":\"/home/user/demo\",\"time\":{\"created\":1000,\"updated\":%u}}", 2000 + N_TURNS);
  window_fixture_add_session (fixture, created);
  g_assert_true (app_test_wait (has_session, &(Known) { fixture, "ses_long" }, 30000));

  ocg_window_open_session (fixture->window, "ses_long");
  g_assert_true (app_test_wait (question_on_screen, &(Question) { view, N_TURNS - 1 }, 30000));
  adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (ocg_chat_view_get_list_view (OCG_CHAT_VIEW (view))));
  g_assert_true (app_test_wait (at_end, adj, 30000));
  app_test_wait_frames (view, 2);

  /* At the end: the last question and answer are on screen, the first is
   * nowhere */
  g_assert_true (question_y (view, N_TURNS - 1, &y));
  g_assert_cmpfloat (y, >=, 0);
  g_assert_cmpfloat (y, <, gtk_widget_get_height (view));
  g_assert_nonnull (app_test_find_label (view, "Answer 199, with a list"));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj), >=,
                     gtk_adjustment_get_upper (adj) - 1);
  g_assert_false (question_y (view, 0, &y));
  g_assert_false (to_end_shown (view));
  /* The messages came one turn after the other, yet only the newest few
   * turns have rows: the rest are built as the reader scrolls up to them */
  g_assert_cmpuint (n_rows (view), <, 60);
  /* but enough of them to fill the window and a screen above it, so that
   * scrolling up shows text at once */
  g_assert_true (app_test_wait (screen_above, adj, 30000));
  g_assert_cmpuint (n_rows (view), <, 60);

  /* Scrolling to the top again and again brings older turns above the
   * ones read, which stay where they were, until the first one */
  while (!question_y (view, 0, &y) && scrolls++ < 100)
    {
      double before, after;
      guint top = 0;
      guint rows_before = n_rows (view);

      /* The frame at the top, before older turns come: the reader scrolls
       * once the rows they see have stopped moving */
      wait_still (view, adj);
      gtk_adjustment_set_value (adj, 0);
      run_until_painted (view);
      g_assert_true (first_question_on_screen (view, N_TURNS, &top));
      g_assert_cmpuint (top, <=, (first == 0 ? N_TURNS : first));
      g_assert_true (question_y (view, top, &before));
      /* Older turns arrive above (from the transcript, or from the server
       * once it has none left), unless the first is there, and the rows are
       * laid out again over a few frames */
      g_assert_true (app_test_wait (has_more_rows, &(TranscriptRows) { view, rows_before }, 30000));
      app_test_wait_frames (view, 8);
      /* The one on top has not moved */
      g_assert_true (question_y (view, top, &after));
      g_assert_cmpfloat (fabs (after - before), <, 2);
      first = top;
    }
  g_assert_cmpuint (scrolls, >, 3);
  g_assert_cmpuint (scrolls, <, 100);
  /* Every turn came, once, in order */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ocg_chat_view_get_turns (OCG_CHAT_VIEW (view)))), ==, N_TURNS);
  gtk_adjustment_set_value (adj, 0);
  g_assert_true (app_test_wait (question_on_screen, &(Question) { view, 0 }, 30000));
  g_assert_true (first_question_on_screen (view, N_TURNS, &first));
  g_assert_cmpuint (first, ==, 0);

  /* A new turn streams while the reader is at the top: nothing moves */
  fake_server_push (fixture->server,
                    "{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"msg_000200_u\",\"sessionID\":\"ses_long\",\"role\":\"user\",\"time\":{\"created\":5000}}}}");
  fake_server_push (fixture->server,
                    "{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_000200_u\",\"messageID\":\"msg_000200_u\",\"sessionID\":\"ses_long\",\"type\":\"text\",\"text\":\"Question 200.\"}}}");
  fake_server_push (fixture->server,
                    "{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"msg_000200_v\",\"sessionID\":\"ses_long\",\"role\":\"assistant\",\"parentID\":\"msg_000200_u\",\"modelID\":\"m\",\"time\":{\"created\":5001}}}}");
  fake_server_push (fixture->server,
                    "{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_000200_v\",\"messageID\":\"msg_000200_v\",\"sessionID\":\"ses_long\",\"type\":\"text\",\"text\":\"\"}}}");
  g_assert_true (app_test_wait (to_end_shown_now, view, 30000));
  app_test_wait_frames (view, 2);
  g_assert_true (question_y (view, 0, &y));
  g_assert_cmpfloat (y, >=, 0);

  /* Back at the end with the button that shows meanwhile, the view follows
   * the answer as it grows, past several screens and rows */
  g_assert_true (to_end_shown (view));
  g_signal_emit_by_name (to_end_button (view), "clicked");
  g_assert_true (app_test_wait (question_on_screen, &(Question) { view, 200 }, 30000));
  g_assert_false (to_end_shown (view));
  for (guint i = 0; i < 120; i++)
    {
      g_autofree char *delta = g_strdup_printf ("{\"type\":\"message.part.delta\",\"properties\":{\"sessionID\":\"ses_long\",\"messageID\":\"msg_000200_v\",\"partID\":\"prt_000200_v\",\"field\":\"text\",\"delta\":\"Paragraph %u of the long answer.\\n\\n\"}}", i);

      fake_server_push (fixture->server, delta);
      /* Streaming: some deltas a frame */
      if (i % 10 == 9)
        app_test_wait_frames (view, 1);
    }
  g_assert_true (app_test_wait (last_paragraph_on_screen, view, 30000));
  app_test_wait_frames (view, 2);
  g_assert_true (last_paragraph_on_screen (view));
  g_assert_false (question_y (view, 200, &y) && y >= 0);
}

typedef struct
{
  GPtrArray *sent;
  guint      stops;
} ComposerLog;

static void
on_composer_send (OcgComposer *composer,
                  const char  *text,
                  ComposerLog *log)
{
  g_ptr_array_add (log->sent, g_strdup (text));
}

static void
on_composer_stop (OcgComposer *composer,
                  ComposerLog *log)
{
  log->stops++;
}

/* A key press as the text view's key controller sees it; TRUE when the
 * composer took it */
static gboolean
press (OcgComposer     *composer,
       guint            keyval,
       GdkModifierType  state)
{
  GtkWidget *text_view = GTK_WIDGET (ocg_composer_get_text_view (composer));
  GListModel *controllers = gtk_widget_observe_controllers (text_view);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
    }
  g_object_unref (controllers);
  return handled;
}

static GtkWidget *
button_of (OcgComposer *composer)
{
  return app_test_find_by_type (GTK_WIDGET (composer), GTK_TYPE_BUTTON, 0);
}

/* Enter sends, Shift+Enter is a new line; while the agent works the button
 * stops it, Enter says how to send anyway, Ctrl+Enter sends, Esc stops;
 * without a connection nothing is sent and the reason is shown */
static void
test_composer_keys (void)
{
  OcgComposer *composer = OCG_COMPOSER (ocg_composer_new ());
  ComposerLog log = { g_ptr_array_new_with_free_func (g_free), 0 };
  GtkWidget *window = app_test_window (GTK_WIDGET (composer), 600, 200);
  g_autofree char *text = NULL;

  g_signal_connect (composer, "send", G_CALLBACK (on_composer_send), &log);
  g_signal_connect (composer, "stop", G_CALLBACK (on_composer_stop), &log);
  app_test_wait_frames (window, 1);

  /* Nothing typed: the button cannot send */
  g_assert_false (gtk_widget_get_sensitive (button_of (composer)));
  ocg_composer_set_text (composer, "first");
  g_assert_true (gtk_widget_get_sensitive (button_of (composer)));
  g_assert_false (press (composer, GDK_KEY_Return, GDK_SHIFT_MASK));
  g_assert_cmpuint (log.sent->len, ==, 0);
  g_assert_true (press (composer, GDK_KEY_Return, 0));
  g_assert_cmpuint (log.sent->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (log.sent, 0), ==, "first");
  text = ocg_composer_get_text (composer);
  g_assert_cmpstr (text, ==, "");

  /* Busy: Stop, and Enter keeps the text and explains */
  ocg_composer_set_busy (composer, TRUE);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button_of (composer)), ==, "Stop (Esc)");
  ocg_composer_set_text (composer, "second");
  g_assert_null (app_test_find_label (GTK_WIDGET (composer), "Ctrl+Enter"));
  g_assert_true (press (composer, GDK_KEY_Return, 0));
  g_assert_cmpuint (log.sent->len, ==, 1);
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (composer), "Ctrl+Enter sends this now"));
  g_assert_true (press (composer, GDK_KEY_Return, GDK_CONTROL_MASK));
  g_assert_cmpuint (log.sent->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (log.sent, 1), ==, "second");
  g_assert_true (press (composer, GDK_KEY_Escape, 0));
  g_assert_cmpuint (log.stops, ==, 1);
  g_signal_emit_by_name (button_of (composer), "clicked");
  g_assert_cmpuint (log.stops, ==, 2);

  /* The turn ended: the hint goes, Escape is no longer taken */
  ocg_composer_set_busy (composer, FALSE);
  g_assert_null (app_test_find_label (GTK_WIDGET (composer), "Ctrl+Enter"));
  g_assert_false (press (composer, GDK_KEY_Escape, 0));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button_of (composer)), ==, "Send (Enter)");

  /* Not connected: nothing goes, the text stays, the reason shows */
  ocg_composer_set_text (composer, "third");
  ocg_composer_set_disabled_reason (composer, "Connecting to the server…");
  g_assert_false (gtk_widget_get_sensitive (button_of (composer)));
  press (composer, GDK_KEY_Return, 0);
  g_assert_cmpuint (log.sent->len, ==, 2);
  g_free (text);
  text = ocg_composer_get_text (composer);
  g_assert_cmpstr (text, ==, "third");
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (composer), "Connecting to the server"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_ptr_array_unref (log.sent);
}

/* The transcript model alone, without a window */

static void
apply_turn (OcgSync *sync,
            guint    i)
{
  g_autofree char *user = g_strdup_printf ("{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"msg_%04u_u\",\"sessionID\":\"ses_t\",\"role\":\"user\",\"time\":{\"created\":%u}}}}", i, i);
  g_autofree char *question = g_strdup_printf ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_%04u_u\",\"messageID\":\"msg_%04u_u\",\"sessionID\":\"ses_t\",\"type\":\"text\",\"text\":\"Q %u\"}}}", i, i, i);
  g_autofree char *assistant = g_strdup_printf ("{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"msg_%04u_v\",\"sessionID\":\"ses_t\",\"role\":\"assistant\",\"parentID\":\"msg_%04u_u\",\"time\":{\"created\":%u}}}}", i, i, i);
  g_autofree char *answer = g_strdup_printf ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_%04u_v\",\"messageID\":\"msg_%04u_v\",\"sessionID\":\"ses_t\",\"type\":\"text\",\"text\":\"A %u\"}}}", i, i, i);
  const char *frames[] = { user, question, assistant, answer };

  for (guint f = 0; f < G_N_ELEMENTS (frames); f++)
    ocg_sync_apply_frame (sync, frames[f], strlen (frames[f]));
}

static void
apply (OcgSync    *sync,
       const char *frame)
{
  ocg_sync_apply_frame (sync, frame, strlen (frame));
}

/* What a list view would hold, kept only from the model's signals */
static void
on_mirror_changed (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   GPtrArray  *mirror)
{
  g_assert_cmpuint (position + removed, <=, mirror->len);
  g_ptr_array_remove_range (mirror, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (mirror, (int) (position + i), g_list_model_get_item (model, position + i));
  g_assert_cmpuint (mirror->len, ==, g_list_model_get_n_items (model));
}

static void
assert_same_rows (GListModel *a,
                  GListModel *b)
{
  g_assert_cmpuint (g_list_model_get_n_items (a), ==, g_list_model_get_n_items (b));
  for (guint i = 0; i < g_list_model_get_n_items (a); i++)
    {
      g_autoptr(OcgTranscriptItem) x = g_list_model_get_item (a, i);
      g_autoptr(OcgTranscriptItem) y = g_list_model_get_item (b, i);
      gsize lx, ly;
      const char *tx = ocg_transcript_item_get_text (x, &lx);
      const char *ty = ocg_transcript_item_get_text (y, &ly);

      g_assert_cmpint (ocg_transcript_item_get_kind (x), ==, ocg_transcript_item_get_kind (y));
      g_assert_true (ocg_transcript_item_get_turn (x) == ocg_transcript_item_get_turn (y));
      g_assert_cmpmem (tx, lx, ty, ly);
    }
}

/* The text of a transcript's answer rows, joined */
static char *
answer_text (GListModel *model)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(OcgTranscriptItem) item = g_list_model_get_item (model, i);
      gsize len = 0;
      const char *text;

      if (ocg_transcript_item_get_kind (item) != OCG_TRANSCRIPT_ANSWER)
        continue;
      text = ocg_transcript_item_get_text (item, &len);
      g_assert_cmpuint (len, <=, 16 * 1024 + 64);
      g_string_append_len (out, text, (gssize) len);
    }
  return g_string_free (out, FALSE);
}

static OcgTranscriptItem *
more_item (GListModel *model)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      OcgTranscriptItem *item = g_list_model_get_item (model, i);

      if (ocg_transcript_item_get_kind (item) == OCG_TRANSCRIPT_MORE)
        return item;
      g_object_unref (item);
    }
  return NULL;
}

/* A paragraph of a megabyte on one line, as it streams, comes in rows of a
 * few kilobytes cut after spaces; the first 64 KB show, and one row stands
 * for the rest until the reader asks for more */
static void
test_transcript_long_line (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = ocg_sync_new (store, NULL);
  g_autoptr(OcgTurnModel) turns = NULL;
  g_autoptr(OcgTranscript) transcript = NULL;
  g_autoptr(GString) sent = g_string_new ("A 0");
  g_autofree char *shown = NULL;
  OcgTranscriptItem *more = NULL;
  GListModel *model;
  guint rows_before;

  apply (sync, "{\"type\":\"session.created\",\"properties\":{\"info\":{\"id\":\"ses_t\",\"title\":\"t\",\"time\":{\"created\":1,\"updated\":1}}}}");
  apply_turn (sync, 0);
  turns = ocg_turn_model_new (ocg_store_get_messages (store, "ses_t"));
  transcript = ocg_transcript_new (store, turns, 0);
  model = G_LIST_MODEL (transcript);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);

  /* Deltas of 4 KB of words, without a line break */
  for (guint i = 0; sent->len < 1024 * 1024; i++)
    {
      g_autoptr(GString) delta = g_string_new (NULL);
      g_autofree char *frame = NULL;

      while (delta->len < 4096)
        g_string_append_printf (delta, " word%u", i);
      g_string_append (sent, delta->str);
      frame = g_strdup_printf ("{\"type\":\"message.part.delta\",\"properties\":{\"sessionID\":\"ses_t\","
                               "\"messageID\":\"msg_0000_v\",\"partID\":\"prt_0000_v\",\"field\":\"text\",\"delta\":\"%s\"}}",
                               delta->str);
      apply (sync, frame);
    }
  /* Rows of about 8 KB for the first 64 KB, then one row for the rest:
   * together the whole text */
  g_assert_cmpuint (g_list_model_get_n_items (model), >=, 2 + 8 + 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), <=, 2 + 10 + 1);
  shown = answer_text (model);
  more = more_item (model);
  g_assert_nonnull (more);
  g_assert_true (g_str_has_prefix (sent->str, shown));
  g_assert_cmpuint (strlen (shown), >=, 64 * 1024);
  g_assert_cmpuint (strlen (shown) + ocg_transcript_item_get_n_hidden_bytes (more), ==, sent->len);

  /* Show More: a quarter of a megabyte more, in rows of about 8 KB */
  ocg_transcript_show_more (transcript, more);
  g_clear_pointer (&shown, g_free);
  g_clear_object (&more);
  shown = answer_text (model);
  more = more_item (model);
  g_assert_true (g_str_has_prefix (sent->str, shown));
  g_assert_cmpuint (strlen (shown), >=, (64 + 256) * 1024);
  g_assert_cmpuint (strlen (shown) + ocg_transcript_item_get_n_hidden_bytes (more), ==, sent->len);
  g_clear_object (&more);

  /* The end of the line: nothing moves */
  rows_before = g_list_model_get_n_items (model);
  apply (sync, "{\"type\":\"message.part.delta\",\"properties\":{\"sessionID\":\"ses_t\",\"messageID\":\"msg_0000_v\","
               "\"partID\":\"prt_0000_v\",\"field\":\"text\",\"delta\":\"\\n\"}}");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, rows_before);

  /* A table row is never cut */
  {
    g_autoptr(OcgTranscript) other = NULL;
    g_autoptr(GString) table = g_string_new ("| a |\\n|---|\\n|");
    g_autofree char *frame = NULL;

    guint other_before;

    other = ocg_transcript_new (store, turns, 0);
    other_before = g_list_model_get_n_items (G_LIST_MODEL (other));
    while (table->len < 64 * 1024)
      g_string_append (table, " cell |");
    apply_turn (sync, 1);
    frame = g_strdup_printf ("{\"type\":\"message.part.delta\",\"properties\":{\"sessionID\":\"ses_t\","
                             "\"messageID\":\"msg_0001_v\",\"partID\":\"prt_0001_v\",\"field\":\"text\",\"delta\":\"\\n\\n%s\"}}",
                             table->str);
    apply (sync, frame);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (other)), ==, other_before + 3);
  }
}

/* A transcript that shows only its newest turns stays right while hidden
 * turns change, come and go, and shows every row, in order, once revealed */
static void
test_transcript_hidden_turns (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = ocg_sync_new (store, NULL);
  g_autoptr(OcgTurnModel) turns = NULL;
  g_autoptr(OcgTranscript) windowed = NULL;
  g_autoptr(OcgTranscript) full = NULL;
  g_autoptr(GPtrArray) mirror = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model;

  apply (sync, "{\"type\":\"session.created\",\"properties\":{\"info\":{\"id\":\"ses_t\",\"title\":\"t\",\"time\":{\"created\":1,\"updated\":1}}}}");
  for (guint i = 0; i < 30; i++)
    apply_turn (sync, i);
  turns = ocg_turn_model_new (ocg_store_get_messages (store, "ses_t"));
  windowed = ocg_transcript_new (store, turns, 10);
  full = ocg_transcript_new (store, turns, 0);
  model = G_LIST_MODEL (windowed);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (mirror, g_list_model_get_item (model, i));
  g_signal_connect (model, "items-changed", G_CALLBACK (on_mirror_changed), mirror);

  /* Four turns of a head, an answer and a foot: the newest */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (full)), ==, 90);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 12);
  g_assert_cmpuint (ocg_transcript_get_n_hidden (windowed), ==, 26);
  {
    g_autoptr(OcgTranscriptItem) first = g_list_model_get_item (model, 0);

    g_assert_cmpstr (ocg_turn_get_key (ocg_transcript_item_get_turn (first)), ==, "msg_0026_u");
  }

  /* A hidden turn grows, one is removed, one comes among them: no row moves */
  apply (sync, "{\"type\":\"message.part.delta\",\"properties\":{\"sessionID\":\"ses_t\",\"messageID\":\"msg_0002_v\",\"partID\":\"prt_0002_v\",\"field\":\"text\",\"delta\":\" and more\\n\\nA second paragraph.\\n\\n\"}}");
  apply (sync, "{\"type\":\"message.removed\",\"properties\":{\"sessionID\":\"ses_t\",\"messageID\":\"msg_0001_v\"}}");
  apply (sync, "{\"type\":\"message.removed\",\"properties\":{\"sessionID\":\"ses_t\",\"messageID\":\"msg_0001_u\"}}");
  g_assert_cmpuint (ocg_transcript_get_n_hidden (windowed), ==, 25);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 12);

  /* A new turn at the end is shown; a shown one removed goes */
  apply_turn (sync, 30);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 15);
  apply (sync, "{\"type\":\"message.removed\",\"properties\":{\"sessionID\":\"ses_t\",\"messageID\":\"msg_0029_v\"}}");
  apply (sync, "{\"type\":\"message.removed\",\"properties\":{\"sessionID\":\"ses_t\",\"messageID\":\"msg_0029_u\"}}");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 12);

  /* Revealed a little, then all: the same rows as a transcript that never
   * hid anything, and the same as what the signals said */
  g_assert_cmpuint (ocg_transcript_reveal_older (windowed, 5), ==, 6);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 18);
  ocg_transcript_reveal_older (windowed, G_MAXUINT);
  g_assert_cmpuint (ocg_transcript_get_n_hidden (windowed), ==, 0);
  g_assert_cmpuint (ocg_transcript_reveal_older (windowed, 5), ==, 0);
  assert_same_rows (model, G_LIST_MODEL (full));
  g_assert_cmpuint (mirror->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < mirror->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_true (g_ptr_array_index (mirror, i) == item);
    }
  /* 29 turns of three rows, and the answer that grew while hidden is
   * shown grown */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 29 * 3);
  {
    g_autoptr(OcgTranscriptItem) answer = g_list_model_get_item (model, 1 * 3 + 1);
    gsize len;
    const char *text = ocg_transcript_item_get_text (answer, &len);

    g_assert_cmpstr (ocg_turn_get_key (ocg_transcript_item_get_turn (answer)), ==, "msg_0002_u");
    g_assert_cmpmem (text, len, "A 2 and more\n\nA second paragraph.\n\n", strlen ("A 2 and more\n\nA second paragraph.\n\n"));
  }
  g_signal_handlers_disconnect_by_func (model, on_mirror_changed, mirror);
}

int
main (int   argc,
      char *argv[])
{
  app_test_init (&argc, &argv);

  g_test_add_func ("/window/notification-when-turn-ends", test_notification_when_turn_ends);

  g_test_add_func ("/preferences/server-check", test_preferences_server_check);

  g_test_add_func ("/window/missing-opencode-page", test_missing_opencode_page);
  g_test_add_func ("/window/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/composer/keys", test_composer_keys);
  g_test_add_func ("/transcript/hidden-turns", test_transcript_hidden_turns);
  g_test_add_func ("/transcript/long-line", test_transcript_long_line);

#define ADD(path, fn) g_test_add ("/window/" path, Fixture, NULL, window_fixture_setup, fn, window_fixture_teardown)
  ADD ("sidebar-order-and-nesting", test_sidebar_order_and_nesting);
  ADD ("sidebar-resize", test_sidebar_resize);
  ADD ("transcript-of-a-session", test_transcript_of_a_session);
  ADD ("failed-turn-shows-error", test_failed_turn_shows_error);
  ADD ("permission-from-child-session", test_permission_from_child_session);
  ADD ("question-answered", test_question_answered);
  ADD ("send-echo-error-and-retry", test_send_echo_error_and_retry);
  ADD ("reconnect-keeps-transcript", test_reconnect_keeps_transcript);
  ADD ("long-session-scrolls-back", test_long_session_scrolls_back);
#undef ADD

  return g_test_run ();
}
