/* test-text.c: a U+0000 in the server's text shows, instead of ending it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"

#include <adwaita.h>
#include <string.h>

#include "fake-server.h"
#include "ocg-connection.h"
#include "ocg-prompt-dock.h"
#include "ocg-text.h"
#include "ocg-timeline-step.h"
#include "ocg-window.h"

#define NUL "\\u0000"
#define SHOWN OCG_TEXT_NUL_SYMBOL

#define SES "ses_1"
#define SESSION "{\"id\":\"" SES "\",\"title\":\"Ti" NUL "tle\",\"directory\":\"/home/user/demo\",\"time\":{\"created\":1,\"updated\":2}}"
#define USER "{\"info\":{\"id\":\"msg_1\",\"sessionID\":\"" SES "\",\"role\":\"user\",\"time\":{\"created\":1}}," \
  "\"parts\":[{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"sessionID\":\"" SES "\",\"type\":\"text\",\"text\":\"Go" NUL "on\"},{\"id\":\"prt_4\",\"messageID\":\"msg_1\",\"sessionID\":\"" SES "\"," \
  "\"type\":\"file\",\"mime\":\"text/plain\",\"filename\":\"no" NUL "te.txt\",\"url\":\"file:///tmp/note.txt\"}]}"
#define ANSWER "{\"info\":{\"id\":\"msg_2\",\"sessionID\":\"" SES "\",\"role\":\"assistant\",\"parentID\":\"msg_1\"," \
  "\"time\":{\"created\":2,\"completed\":3},\"finish\":\"stop\"},\"parts\":[" \
  "{\"id\":\"prt_2\",\"messageID\":\"msg_2\",\"sessionID\":\"" SES "\",\"type\":\"tool\",\"tool\":\"bash\",\"callID\":\"c1\"," \
  "\"state\":{\"status\":\"completed\",\"input\":{\"command\":\"printf 'a" NUL "b'\"},\"output\":\"out" NUL "put\"," \
  "\"title\":\"print" NUL "f\",\"time\":{\"start\":1,\"end\":2}}}," \
  "{\"id\":\"prt_3\",\"messageID\":\"msg_2\",\"sessionID\":\"" SES "\",\"type\":\"text\",\"text\":\"before" NUL "after\"}]}"
#define QUESTION "{\"id\":\"que_1\",\"sessionID\":\"" SES "\",\"questions\":[{\"question\":\"Pick" NUL "one\"," \
  "\"header\":\"H\",\"options\":[{\"label\":\"Re" NUL "d\",\"description\":\"warm\"},{\"label\":\"Blue\"," \
  "\"description\":\"cool\"}]}]}"
#define PERMISSION "{\"id\":\"per_1\",\"sessionID\":\"" SES "\",\"permission\":\"bash\",\"patterns\":[\"rm " NUL "x\"]," \
  "\"metadata\":{\"command\":\"rm " NUL "x\"}}"

typedef struct
{
  FakeServer    *server;
  OcgConnection *connection;
  OcgWindow     *window;
} Fixture;

static gboolean
is_connected (gpointer data)
{
  Fixture *fixture = data;

  return ocg_connection_get_state (fixture->connection) == OCG_CONNECTION_CONNECTED &&
         ocg_sync_get_synced (ocg_connection_get_sync (fixture->connection));
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} Shows;

static gboolean
shows (gpointer data)
{
  Shows *check = data;

  return app_test_find_label (check->root, check->text) != NULL;
}

static void
assert_shows (GtkWidget  *root,
              const char *text)
{
  Shows check = { root, text };

  if (!app_test_wait (shows, &check, 10000))
    {
      g_autofree char *all = app_test_collect_text (root);

      g_test_message ("shown: %s", all);
      g_error ("“%s” is not shown", text);
    }
}

static gboolean
has_answer (gpointer data)
{
  return fake_server_has_request (data, "POST /question/que_1/reply {\"answers\":[[\"Re\\u0000d\"]]}");
}

static OcgTimelineStep *
bash_step (GtkWidget *root)
{
  for (guint i = 0;; i++)
    {
      GtkWidget *step = app_test_find_by_type (root, OCG_TYPE_TIMELINE_STEP, i);

      if (step == NULL || gtk_widget_has_css_class (step, "bash"))
        return step != NULL ? OCG_TIMELINE_STEP (step) : NULL;
    }
}

static gboolean
has_bash_step (gpointer data)
{
  return bash_step (data) != NULL;
}

static void
test_nul_is_shown (void)
{
  Fixture fixture = { 0 };
  g_autofree char *url = NULL;
  OcgTimelineStep *step;
  GtkWidget *dock, *red = NULL, *submit = NULL;

  fixture.server = fake_server_new ();
  fake_server_set (fixture.server, "/session", "[" SESSION "]");
  fake_server_set (fixture.server, "/session/" SES "/message", "[" USER "," ANSWER "]");
  fake_server_set (fixture.server, "/session/" SES "/todo", "[]");
  fake_server_set (fixture.server, "/permission", "[" PERMISSION "]");
  fake_server_set (fixture.server, "/question", "[" QUESTION "]");
  fake_server_set (fixture.server, "/question/que_1/reply", "true");

  url = fake_server_get_url (fixture.server);
  fixture.connection = ocg_connection_new_remote (url, NULL, "pw", "/home/user/demo");
  fixture.window = ocg_window_new (NULL, fixture.connection);
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1200, 800);
  gtk_window_present (GTK_WINDOW (fixture.window));
  ocg_connection_start (fixture.connection);
  g_assert_true (app_test_wait (is_connected, &fixture, 10000));
  ocg_window_open_session (fixture.window, SES);

  /* The answer, the session's title in the sidebar and the window's */
  assert_shows (ocg_window_get_chat_view (fixture.window), "before" SHOWN "after");
  assert_shows (ocg_window_get_sidebar (fixture.window), "Ti" SHOWN "tle");
  assert_shows (GTK_WIDGET (fixture.window), "Ti" SHOWN "tle");
  g_assert_true (app_test_wait (has_bash_step, ocg_window_get_chat_view (fixture.window), 10000));

  /* The tool's subject, title and output */
  step = bash_step (ocg_window_get_chat_view (fixture.window));
  assert_shows (GTK_WIDGET (step), "printf 'a" SHOWN "b'");
  ocg_timeline_step_set_expanded (step, TRUE);
  assert_shows (GTK_WIDGET (step), "out" SHOWN "put");

  /* A request's text */
  dock = ocg_window_get_prompt_dock (fixture.window);
  assert_shows (dock, "rm " SHOWN "x");

  /* What the user sent: the text and a file's name */
  assert_shows (ocg_window_get_chat_view (fixture.window), "Go" SHOWN "on");
  assert_shows (ocg_window_get_chat_view (fixture.window), "no" SHOWN "te.txt");

  /* A question shows its option as it is, and the answer repeats the
   * option's label exactly */
  assert_shows (dock, "Pick" SHOWN "one");
  for (guint i = 0; (red = app_test_find_by_type (dock, GTK_TYPE_CHECK_BUTTON, i)) != NULL; i++)
    if (g_str_has_prefix (gtk_check_button_get_label (GTK_CHECK_BUTTON (red)), "Re" SHOWN "d"))
      break;
  g_assert_nonnull (red);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (red), TRUE);
  for (guint i = 0; (submit = app_test_find_by_type (dock, GTK_TYPE_BUTTON, i)) != NULL; i++)
    if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (submit)), "_Submit") == 0)
      break;
  g_assert_nonnull (submit);
  gtk_widget_activate (submit);
  g_assert_true (app_test_wait (has_answer, fixture.server, 10000));

  gtk_window_destroy (GTK_WINDOW (fixture.window));
  ocg_connection_stop (fixture.connection);
  g_clear_object (&fixture.connection);
  app_test_run_for (50);
  fake_server_free (fixture.server);
}

/* The tool's title shows when it has nothing else to say */
static void
test_title_is_shown (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = ocg_sync_new (store, NULL);
  static const char frame[] =
    "{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_1\",\"messageID\":\"msg_1\","
    "\"sessionID\":\"ses_1\",\"type\":\"tool\",\"tool\":\"custom\",\"callID\":\"c1\",\"state\":{\"status\":\"completed\","
    "\"input\":{},\"output\":\"o\",\"title\":\"ti" NUL "tle\",\"time\":{\"start\":1,\"end\":2}}}}}";
  GtkWidget *step, *window;

  ocg_sync_apply_frame (sync, frame, strlen (frame));
  step = ocg_timeline_step_new (store, ocg_store_lookup_part (store, "prt_1"), "/proj");
  window = app_test_window (step, 600, 400);
  assert_shows (step, "ti" SHOWN "tle");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  app_test_init (&argc, &argv);

  g_test_add_func ("/text/nul-is-shown", test_nul_is_shown);
  g_test_add_func ("/text/title-is-shown", test_title_is_shown);

  return g_test_run ();
}
