/* screenshots.c: saves pictures of the main states of the window, for people
 * to look at (README, AppStream, reviews). Not a test.
 *
 *   tests/screenshots.sh OUTDIR
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"

#include <adwaita.h>
#include "fake-server.h"
#include "ocg-json.h"
#include "ocg-preferences.h"
#include "ocg-timeline.h"
#include "ocg-welcome.h"
#include "ocg-chat-view.h"
#include "ocg-window.h"

#include <string.h>

#define TOOLS "ses_e02ff560dffeTxcjcz256LiHVM"
#define TASK "ses_e02ff4fc3ffeKBNxrzbLnahkdE"
#define TASK_CHILD "ses_e02ff4f37ffeHgRsJlG4WXLMKK"
#define DEFAULT "ses_e02ff5cd5ffe7FqN5yY6mjA1QA"

static const char *outdir;

static void
save (GtkWidget  *widget,
      const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (outdir, name, NULL);
  GskRenderer *renderer;
  int width, height;

  /* A new window needs a few frames before it has drawn anything */
  for (guint tries = 0; tries < 10; tries++)
    {
      app_test_run_for (600);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node != NULL)
        break;
      snapshot = gtk_snapshot_new ();
    }
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_save_to_png (texture, path);
  g_print ("%s\n", path);
}

static gboolean
is_connected (gpointer data)
{
  return ocg_connection_get_state (data) == OCG_CONNECTION_CONNECTED &&
         ocg_sync_get_synced (ocg_connection_get_sync (data));
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

static void
push (FakeServer *server,
      const char *json)
{
  fake_server_push (server, json);
  app_test_run_for (50);
}

/* A turn in progress: reasoning done, a command running, text growing */
static void
stream_a_turn (FakeServer *server)
{
  gint64 now = g_get_real_time () / 1000;
  g_autofree char *frames[] = {
    g_strdup_printf ("{\"type\":\"session.created\",\"properties\":{\"info\":{\"id\":\"ses_00live\",\"title\":\"Fix the failing build\",\"directory\":\"/home/user/demo\",\"time\":{\"created\":%" G_GINT64_FORMAT ",\"updated\":%" G_GINT64_FORMAT "}}}}", now, now),
    g_strdup_printf ("{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"msg_1live\",\"sessionID\":\"ses_00live\",\"role\":\"user\",\"time\":{\"created\":%" G_GINT64_FORMAT "}}}}", now - 9000),
    g_strdup ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_1live\",\"messageID\":\"msg_1live\",\"sessionID\":\"ses_00live\",\"type\":\"text\",\"text\":\"The build fails on main since this morning. Find out why and fix it.\"}}}"),
    g_strdup ("{\"type\":\"session.status\",\"properties\":{\"sessionID\":\"ses_00live\",\"status\":{\"type\":\"busy\"}}}"),
    g_strdup_printf ("{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"msg_2live\",\"sessionID\":\"ses_00live\",\"role\":\"assistant\",\"parentID\":\"msg_1live\",\"agent\":\"build\",\"modelID\":\"fake-model\",\"providerID\":\"fake\",\"time\":{\"created\":%" G_GINT64_FORMAT "}}}}", now - 8000),
    g_strdup_printf ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_2live\",\"messageID\":\"msg_2live\",\"sessionID\":\"ses_00live\",\"type\":\"reasoning\",\"text\":\"**Reading the build log**\\nThe error mentions a missing header; check the include paths.\",\"time\":{\"start\":%" G_GINT64_FORMAT ",\"end\":%" G_GINT64_FORMAT "}}}}", now - 8000, now - 7000),
    g_strdup_printf ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_3live\",\"messageID\":\"msg_2live\",\"sessionID\":\"ses_00live\",\"type\":\"tool\",\"tool\":\"read\",\"callID\":\"c1\",\"state\":{\"status\":\"completed\",\"input\":{\"filePath\":\"/home/user/demo/meson.build\"},\"output\":\"project('demo', 'c')\",\"title\":\"meson.build\",\"time\":{\"start\":%" G_GINT64_FORMAT ",\"end\":%" G_GINT64_FORMAT "}}}}}", now - 7000, now - 6800),
    g_strdup_printf ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_4live\",\"messageID\":\"msg_2live\",\"sessionID\":\"ses_00live\",\"type\":\"tool\",\"tool\":\"grep\",\"callID\":\"c2\",\"state\":{\"status\":\"completed\",\"input\":{\"pattern\":\"config.h\"},\"output\":\"src/main.c:3\",\"title\":\"config.h\",\"time\":{\"start\":%" G_GINT64_FORMAT ",\"end\":%" G_GINT64_FORMAT "}}}}}", now - 6700, now - 6500),
    g_strdup_printf ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_5live\",\"messageID\":\"msg_2live\",\"sessionID\":\"ses_00live\",\"type\":\"tool\",\"tool\":\"bash\",\"callID\":\"c3\",\"state\":{\"status\":\"running\",\"input\":{\"command\":\"meson setup _build && ninja -C _build\",\"description\":\"Build the project\"},\"time\":{\"start\":%" G_GINT64_FORMAT "}}}}}", now - 4000),
    g_strdup ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_6live\",\"messageID\":\"msg_2live\",\"sessionID\":\"ses_00live\",\"type\":\"text\",\"text\":\"\"}}}"),
  };
  static const char *deltas[] = {
    "The build breaks because `config.h` is generated ", "by meson but `src/main.c` includes it ",
    "before the configure step runs.\n\n## The fix\n\n", "1. Declare the generated header as a dependency\n",
    "2. Rebuild from a clean tree\n\n```c\n#include \"config.h\"\n\nint\nmain (void)\n{\n  return 0;\n}\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    push (server, frames[i]);
  for (guint i = 0; i < G_N_ELEMENTS (deltas); i++)
    {
      g_autoptr(JsonObject) props = json_object_new ();
      g_autoptr(JsonObject) frame = json_object_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *text = NULL;

      json_object_set_string_member (props, "sessionID", "ses_00live");
      json_object_set_string_member (props, "messageID", "msg_2live");
      json_object_set_string_member (props, "partID", "prt_6live");
      json_object_set_string_member (props, "field", "text");
      json_object_set_string_member (props, "delta", deltas[i]);
      json_object_set_string_member (frame, "type", "message.part.delta");
      json_object_set_object_member (frame, "properties", json_object_ref (props));
      node = ocg_json_node_new_object (json_object_ref (frame));
      text = ocg_json_to_string (node, FALSE);
      push (server, text);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FakeServer) server = NULL;
  g_autoptr(OcgConnection) connection = NULL;
  g_autofree char *url = NULL;
  OcgWindow *window;

  app_test_init (&argc, &argv);
  outdir = argc > 1 ? argv[1] : ".";
  g_mkdir_with_parents (outdir, 0755);

  server = fake_server_new ();
  serve_fixture (server);
  url = fake_server_get_url (server);
  connection = ocg_connection_new_remote (url, NULL, NULL, "/home/user/demo");
  window = ocg_window_new (NULL, connection);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 820);
  gtk_window_present (GTK_WINDOW (window));
  ocg_connection_start (connection);
  app_test_wait (is_connected, connection, 10000);

  /* 1. A turn streaming, its timeline live */
  stream_a_turn (server);
  ocg_window_open_session (window, "ses_00live");
  save (GTK_WIDGET (window), "streaming-turn.png");

  /* 2. A finished turn with its steps expanded */
  ocg_window_open_session (window, TOOLS);
  app_test_run_for (300);
  for (guint i = 0;; i++)
    {
      GtkWidget *timeline = app_test_find_by_type (GTK_WIDGET (window), OCG_TYPE_TIMELINE, i);

      if (timeline == NULL)
        break;
      ocg_timeline_set_expanded (OCG_TIMELINE (timeline), TRUE);
    }
  save (GTK_WIDGET (window), "finished-turn-expanded.png");

  /* 2a. The keyboard in the sidebar: F6 to the open session's row, its
   * focus ring */
  gtk_window_set_focus_visible (GTK_WINDOW (window), TRUE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.next-region", NULL);
  save (GTK_WIDGET (window), "keyboard-sidebar.png");
  /* F6 again: the transcript's row next to the composer */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.next-region", NULL);
  save (GTK_WIDGET (window), "keyboard-transcript.png");

  /* 2b. Read back up from there: the way back to the end shows */
  {
    OcgChatView *view = OCG_CHAT_VIEW (ocg_window_get_chat_view (window));
    GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (ocg_chat_view_get_list_view (view)));

    gtk_adjustment_set_value (adj, 0);
    app_test_run_for (400);
    save (GTK_WIDGET (window), "scrolled-back.png");
  }

  /* 3. A permission asked by a subagent */
  ocg_window_open_session (window, TASK);
  push (server,
        "{\"type\":\"permission.asked\",\"properties\":{\"id\":\"per_shot\",\"sessionID\":\"" TASK_CHILD "\","
        "\"permission\":\"bash\",\"patterns\":[\"rm -f scratch.tmp\"],\"metadata\":{\"command\":\"rm -f scratch.tmp\"}}}");
  save (GTK_WIDGET (window), "permission-prompt.png");

  /* 3a. Tabs: the streaming session beside it (its tab says it works), and
   * a third one opened from the sidebar */
  ocg_window_open_session_in_tab (window, "ses_00live");
  ocg_window_open_session_in_tab (window, TOOLS);
  adw_tab_view_set_selected_page (ocg_window_get_tab_view (window),
                                  adw_tab_view_get_nth_page (ocg_window_get_tab_view (window), 1));
  app_test_run_for (400);
  save (GTK_WIDGET (window), "tabs.png");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.close-tab", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.close-tab", NULL);

  /* 3b. Split: the streaming session to the right of the one asking */
  ocg_window_open_to_right (window, "ses_00live");
  app_test_run_for (400);
  save (GTK_WIDGET (window), "split.png");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.close-split", NULL);

  /* 3c. A subagent's session opened from its task step, with the way back */
  gtk_widget_activate_action (GTK_WIDGET (window), "session.open-child", "s", TASK_CHILD);
  app_test_run_for (400);
  save (GTK_WIDGET (window), "child-session.png");
  gtk_widget_activate_action (GTK_WIDGET (window), "session.back", NULL);

  /* 4. Dark */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  ocg_window_open_session (window, "ses_00live");
  save (GTK_WIDGET (window), "dark.png");

  /* 5. Narrow: folded into one pane */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 760);
  gtk_widget_set_size_request (GTK_WIDGET (window), 400, 760);
  app_test_run_for (800);
  save (GTK_WIDGET (window), "narrow.png");
  gtk_widget_set_size_request (GTK_WIDGET (window), -1, -1);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 820);

  /* 5a. A session whose messages are on their way */
  fake_server_hold (server, "/session/" DEFAULT "/message");
  ocg_window_open_session (window, DEFAULT);
  save (GTK_WIDGET (window), "loading.png");
  fake_server_release (server);

  /* 5b. The provider fails and the server retries: why, which attempt, when */
  {
    g_autofree char *retry = g_strdup_printf ("{\"type\":\"session.status\",\"properties\":{\"sessionID\":\"ses_00live\","
                                              "\"status\":{\"type\":\"retry\",\"attempt\":2,"
                                              "\"message\":\"Rate limit exceeded, please slow down\","
                                              "\"next\":%" G_GINT64_FORMAT "}}}",
                                              g_get_real_time () / 1000 + 27000);

    ocg_window_open_session (window, "ses_00live");
    push (server, retry);
    save (GTK_WIDGET (window), "retry.png");
  }

  /* 5c. The server stopped mid-turn and came back idle: interrupted */
  push (server, "{\"type\":\"session.status\",\"properties\":{\"sessionID\":\"ses_00live\",\"status\":{\"type\":\"idle\"}}}");
  save (GTK_WIDGET (window), "interrupted.png");

  gtk_window_destroy (GTK_WINDOW (window));
  ocg_connection_stop (connection);

  /* 6. The welcome window, with recent projects */
  {
    const char *recent[] = { g_get_tmp_dir (), g_get_home_dir (), NULL };
    GtkWidget *welcome = ocg_welcome_new (NULL, recent);

    gtk_window_set_default_size (GTK_WINDOW (welcome), 640, 620);
    gtk_window_present (GTK_WINDOW (welcome));
    save (welcome, "welcome.png");
    gtk_window_destroy (GTK_WINDOW (welcome));
  }

  /* 7. Preferences, on the servers page, after a failed test */
  {
    g_autoptr(GSettingsSchema) schema =
      g_settings_schema_source_lookup (g_settings_schema_source_get_default (), "io.github.opencodegtk.OpencodeGtk", TRUE);
    g_autoptr(GSettings) settings = schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
    const char *servers[] = { "http://192.0.2.10:4096", "https://opencode.example.org", NULL };
    GtkWidget *prefs;

    if (settings != NULL)
      {
        g_settings_set_strv (settings, "servers", servers);
        g_settings_set_string (settings, "default-server", "");
      }
    prefs = ocg_preferences_new (settings, NULL);

    gtk_window_set_default_size (GTK_WINDOW (prefs), 640, 640);
    gtk_window_present (GTK_WINDOW (prefs));
    {
      GtkWidget *pages = app_test_find_by_type (prefs, ADW_TYPE_PREFERENCES_PAGE, 1);

      if (pages != NULL)
        adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs), ADW_PREFERENCES_PAGE (pages));
    }
    fake_server_set_status (server, "/global/health", 401, "");
    ocg_preferences_test_server (OCG_PREFERENCES (prefs), url, "wrong");
    save (prefs, "preferences.png");
    gtk_window_destroy (GTK_WINDOW (prefs));
  }

  /* 8. No opencode anywhere */
  {
    g_autoptr(OcgConnection) missing = ocg_connection_new_embedded ("/nonexistent/bin/opencode", "/home/user/demo");
    OcgWindow *page = ocg_window_new (NULL, missing);

    gtk_window_set_default_size (GTK_WINDOW (page), 1000, 700);
    gtk_window_present (GTK_WINDOW (page));
    ocg_connection_start (missing);
    save (GTK_WIDGET (page), "missing-opencode.png");
    gtk_window_destroy (GTK_WINDOW (page));
  }

  /* 9. A server that cannot be reached: why, where, the next try, Retry */
  {
    g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
    g_autoptr(GSocketAddress) bound = NULL;
    g_autofree char *closed = NULL;
    g_autoptr(OcgConnection) unreachable = NULL;
    OcgWindow *page;

    /* A port where nothing listens */
    g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
    bound = g_socket_get_local_address (socket, NULL);
    closed = g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
    unreachable = ocg_connection_new_remote (closed, NULL, NULL, "/home/user/demo");
    page = ocg_window_new (NULL, unreachable);
    gtk_window_set_default_size (GTK_WINDOW (page), 1000, 700);
    gtk_window_present (GTK_WINDOW (page));
    ocg_connection_start (unreachable);
    save (GTK_WIDGET (page), "unreachable.png");
    gtk_window_destroy (GTK_WINDOW (page));
    ocg_connection_stop (unreachable);
  }
  return 0;
}
