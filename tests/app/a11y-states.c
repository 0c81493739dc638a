/* a11y-states.c: shows the app's windows in the states a screen reader
 * user meets, one after the other, for tests/test_a11y.py to read over
 * AT-SPI. Not a test by itself.
 *
 * It prints "state NAME" when a state is on screen and settled, waits for a
 * line on its standard input, goes on to the next state, and prints "done"
 * at the end. The main loop runs while it waits, so that the accessibility
 * bus gets its answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"

#include <adwaita.h>
#include "fake-server.h"
#include "ocg-json.h"
#include "ocg-preferences.h"
#include "ocg-prompt-dock.h"
#include "ocg-timeline.h"
#include "ocg-timeline-step.h"
#include "ocg-turn-row.h"
#include "ocg-welcome.h"
#include "ocg-chat-view.h"
#include "ocg-composer.h"
#include "ocg-window.h"

#include <stdio.h>
#include <string.h>

#define TOOLS "ses_e02ff560dffeTxcjcz256LiHVM"
#define TASK "ses_e02ff4fc3ffeKBNxrzbLnahkdE"
#define TASK_CHILD "ses_e02ff4f37ffeHgRsJlG4WXLMKK"

static gboolean got_line;

static gboolean
on_stdin (GIOChannel   *channel,
          GIOCondition  condition,
          gpointer      data)
{
  g_autofree char *line = NULL;
  GIOStatus status = g_io_channel_read_line (channel, &line, NULL, NULL, NULL);

  if (status == G_IO_STATUS_EOF || status == G_IO_STATUS_ERROR || (condition & (G_IO_HUP | G_IO_ERR)))
    exit (1);
  if (status == G_IO_STATUS_NORMAL)
    got_line = TRUE;
  return G_SOURCE_CONTINUE;
}

static gboolean
has_line (gpointer data)
{
  return got_line;
}

/* Says that @name is on screen and waits until the reader has read it */
static void
show_state (const char *name)
{
  /* The reader walks the tree again until it is right, for a while: what
   * changed last may reach the accessibility bus a little later */
  got_line = FALSE;
  printf ("state %s\n", name);
  fflush (stdout);
  if (!app_test_wait (has_line, NULL, 600000))
    exit (1);
}

/* The open session's turns are on screen */
static gboolean
session_shown (gpointer data)
{
  OcgChatView *view = OCG_CHAT_VIEW (ocg_window_get_chat_view (data));

  return !ocg_chat_view_get_loading (view) && ocg_chat_view_get_turns (view) != NULL &&
         g_list_model_get_n_items (G_LIST_MODEL (ocg_chat_view_get_turns (view))) > 0 &&
         app_test_find_by_type (GTK_WIDGET (view), OCG_TYPE_TURN_ROW, 0) != NULL;
}

static gboolean
is_connected (gpointer data)
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
is_reconnecting (gpointer data)
{
  return ocg_connection_get_state (data) == OCG_CONNECTION_RECONNECTING;
}

static gboolean
dock_has (gpointer data)
{
  return ocg_prompt_dock_get_n_prompts (OCG_PROMPT_DOCK (ocg_window_get_prompt_dock (data))) > 0;
}

static gboolean
dock_empty (gpointer data)
{
  return !dock_has (data);
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} Find;

static gboolean
label_shown (gpointer data)
{
  Find *find = data;
  GtkWidget *label = app_test_find_label (find->root, find->text);

  return label != NULL && gtk_widget_get_mapped (label);
}

static void
serve_fixture (FakeServer *server)
{
  g_autofree char *path = g_build_filename (g_getenv ("OCG_TEST_DATA"), "opencode-1.18.33", "state.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonArray) sessions = json_array_new ();
  g_autoptr(GList) ids = NULL;
  JsonObject *state;

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  state = json_node_get_object (json_parser_get_root (parser));
  ids = json_object_get_members (state);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *entry = json_object_get_object_member (state, l->data);
      g_autofree char *messages_path = g_strdup_printf ("/session/%s/message", (char *) l->data);
      g_autofree char *todo_path = g_strdup_printf ("/session/%s/todo", (char *) l->data);
      g_autofree char *text = ocg_json_to_string (json_object_get_member (entry, "messages"), FALSE);

      json_array_add_object_element (sessions, json_object_ref (json_object_get_object_member (entry, "info")));
      fake_server_set (server, messages_path, text);
      fake_server_set (server, todo_path, "[]");
    }
  {
    g_autoptr(JsonNode) node = ocg_json_node_new_array (json_array_ref (sessions));
    g_autofree char *text = ocg_json_to_string (node, FALSE);

    fake_server_set (server, "/session", text);
  }
}

static OcgWindow *
window_new (OcgConnection *connection)
{
  OcgWindow *window = ocg_window_new (NULL, connection);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* Every timeline and every step of the transcript open, so that what they
 * hold is in the tree too */
static void
expand_all (GtkWidget *root)
{
  for (guint i = 0;; i++)
    {
      GtkWidget *timeline = app_test_find_by_type (root, OCG_TYPE_TIMELINE, i);

      if (timeline == NULL)
        break;
      ocg_timeline_set_expanded (OCG_TIMELINE (timeline), TRUE);
    }
  app_test_wait_frames (root, 2);
  for (guint i = 0;; i++)
    {
      GtkWidget *step = app_test_find_by_type (root, OCG_TYPE_TIMELINE_STEP, i);

      if (step == NULL)
        break;
      ocg_timeline_step_set_expanded (OCG_TIMELINE_STEP (step), TRUE);
    }
  app_test_wait_frames (root, 2);
}

static void
empty_project (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgConnection) connection = NULL;
  OcgWindow *window;

  fake_server_set (server, "/session", "[]");
  connection = ocg_connection_new_remote (url, NULL, NULL, "/home/user/demo");
  window = window_new (connection);
  ocg_connection_start (connection);
  g_assert_true (app_test_wait (is_connected, connection, 10000));
  show_state ("empty-project");
  gtk_window_destroy (GTK_WINDOW (window));
  ocg_connection_stop (connection);
}

static void
no_opencode (void)
{
  g_autoptr(OcgConnection) connection = ocg_connection_new_embedded ("/nonexistent/bin/opencode", "/home/user/demo");
  OcgWindow *window = window_new (connection);

  ocg_connection_start (connection);
  g_assert_true (app_test_wait (is_missing, connection, 10000));
  show_state ("opencode-missing");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
sessions (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgConnection) connection = NULL;
  OcgWindow *window;
  GtkWidget *dock;

  serve_fixture (server);
  connection = ocg_connection_new_remote (url, NULL, NULL, "/home/user/demo");
  window = window_new (connection);
  dock = ocg_window_get_prompt_dock (window);
  ocg_connection_start (connection);
  g_assert_true (app_test_wait (is_connected, connection, 10000));

  /* A finished turn with tools, its steps open, and a message whose
   * sending failed (a Retry button) */
  ocg_window_open_session (window, TOOLS);
  g_assert_true (app_test_wait (session_shown, window, 10000));
  fake_server_set_status (server, "/session/" TOOLS "/prompt_async", 500,
                          "{\"name\":\"UnknownError\",\"data\":{\"message\":\"disk full\"}}");
  ocg_composer_set_text (OCG_COMPOSER (ocg_window_get_composer (window)), "Summarise the README");
  ocg_composer_send (OCG_COMPOSER (ocg_window_get_composer (window)));
  {
    Find find = { ocg_window_get_chat_view (window), "disk full" };

    ocg_chat_view_scroll_to_bottom (OCG_CHAT_VIEW (find.root));
    g_assert_true (app_test_wait (label_shown, &find, 10000));
  }
  expand_all (ocg_window_get_chat_view (window));
  show_state ("session");

  /* A permission asked by a subagent */
  ocg_window_open_session (window, TASK);
  g_assert_true (app_test_wait (session_shown, window, 10000));
  fake_server_push (server,
                    "{\"type\":\"permission.asked\",\"properties\":{\"id\":\"per_a11y\",\"sessionID\":\"" TASK_CHILD "\","
                    "\"permission\":\"bash\",\"patterns\":[\"rm -f scratch.tmp\"],\"metadata\":{\"command\":\"rm -f scratch.tmp\"},"
                    "\"always\":[\"rm *\"]}}");
  g_assert_true (app_test_wait (dock_has, window, 10000));
  expand_all (ocg_window_get_chat_view (window));
  show_state ("permission");
  fake_server_push (server,
                    "{\"type\":\"permission.replied\",\"properties\":{\"sessionID\":\"" TASK_CHILD "\","
                    "\"requestID\":\"per_a11y\",\"reply\":\"once\"}}");
  g_assert_true (app_test_wait (dock_empty, window, 10000));

  /* Questions: one answer of several, and any number of several */
  ocg_window_open_session (window, TOOLS);
  fake_server_push (server,
                    "{\"type\":\"question.asked\",\"properties\":{\"id\":\"que_a11y\",\"sessionID\":\"" TOOLS "\","
                    "\"questions\":[{\"question\":\"Which color?\",\"header\":\"Color\",\"options\":"
                    "[{\"label\":\"Red\",\"description\":\"warm\"},{\"label\":\"Blue\",\"description\":\"cool\"}]},"
                    "{\"question\":\"Which files?\",\"header\":\"Files\",\"multiple\":true,\"options\":"
                    "[{\"label\":\"README.md\"},{\"label\":\"meson.build\"}]}]}}");
  g_assert_true (app_test_wait (dock_has, window, 10000));
  gtk_widget_grab_focus (dock);
  show_state ("question");

  /* The connection lost: the banner and its button */
  fake_server_set_status (server, "/event", 503, "{\"message\":\"restarting\"}");
  fake_server_end_streams (server);
  g_assert_true (app_test_wait (is_reconnecting, connection, 10000));
  show_state ("reconnecting");

  gtk_window_destroy (GTK_WINDOW (window));
  ocg_connection_stop (connection);
}

static void
preferences (void)
{
  g_autoptr(GSettingsSchema) schema =
    g_settings_schema_source_lookup (g_settings_schema_source_get_default (), "io.github.opencodegtk.OpencodeGtk", TRUE);
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, NULL, "/home/user/demo");
  const char *servers[] = { "http://192.0.2.10:4096", "https://opencode.example.org", NULL };
  GtkWidget *prefs, *page;

  /* The servers list, the switch and the choices need the schema */
  g_assert_nonnull (schema);
  settings = g_settings_new_full (schema, NULL, NULL);
  g_settings_set_strv (settings, "servers", servers);
  g_settings_set_string (settings, "default-server", "");
  prefs = ocg_preferences_new (settings, connection);
  gtk_window_set_default_size (GTK_WINDOW (prefs), 640, 640);
  gtk_window_present (GTK_WINDOW (prefs));
  show_state ("preferences");

  page = app_test_find_by_type (prefs, ADW_TYPE_PREFERENCES_PAGE, 1);
  g_assert_nonnull (page);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs), ADW_PREFERENCES_PAGE (page));
  show_state ("preferences-servers");
  gtk_window_destroy (GTK_WINDOW (prefs));
}

static void
welcome (void)
{
  const char *recent[] = { g_get_tmp_dir (), g_get_home_dir (), NULL };
  GtkWidget *window = ocg_welcome_new (NULL, recent);

  gtk_window_set_default_size (GTK_WINDOW (window), 640, 620);
  gtk_window_present (GTK_WINDOW (window));
  show_state ("welcome");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  GIOChannel *channel;

  app_test_init (&argc, &argv);
  channel = g_io_channel_unix_new (0);
  g_io_add_watch (channel, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, NULL);

  empty_project ();
  no_opencode ();
  sessions ();
  preferences ();
  welcome ();

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_io_channel_unref (channel);
  printf ("done\n");
  fflush (stdout);
  return 0;
}
