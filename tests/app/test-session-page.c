/* test-session-page.c: one open session in its own page; two pages at
 * once, each live with its own transcript, composer and actions; a page
 * leaves nothing behind when it goes
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
#include "ocg-session-page.h"
#include "ocg-sync.h"
#include "ocg-turn-row.h"

#include <string.h>

#define TOOLS FIXTURE_TOOLS
#define TASK FIXTURE_TASK
#define TASK_CHILD FIXTURE_TASK_CHILD

typedef WindowFixture Fixture;

#define session_title window_fixture_session_title

#define page_loaded window_fixture_page_loaded
#define not_loading window_fixture_page_not_loading

static gboolean
action_enabled (OcgSessionPage *page,
                const char     *name)
{
  return g_action_group_get_action_enabled (ocg_session_page_get_actions (page), name);
}

typedef WindowRequest Request;
#define has_request window_fixture_has_request
#define count_requests window_fixture_count_requests

/* Two pages side by side in one window, on two sessions */
static GtkWidget *
two_pages (Fixture         *fixture,
           OcgSessionPage **left,
           OcgSessionPage **right)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *window;

  *left = OCG_SESSION_PAGE (ocg_session_page_new (fixture->connection));
  *right = OCG_SESSION_PAGE (ocg_session_page_new (fixture->connection));
  gtk_widget_set_hexpand (GTK_WIDGET (*left), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (*right), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (*left));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (*right));
  window = app_test_window (box, 1400, 800);
  ocg_session_page_set_session (*left, TOOLS);
  ocg_session_page_set_session (*right, TASK);
  g_assert_true (app_test_wait (page_loaded, *left, 30000));
  g_assert_true (app_test_wait (page_loaded, *right, 30000));
  return window;
}

static void
test_two_at_once (Fixture       *fixture,
                  gconstpointer  data)
{
  OcgSessionPage *left, *right;
  GtkWidget *window = two_pages (fixture, &left, &right);
  OcgStore *store = ocg_connection_get_store (fixture->connection);
  OcgComposer *left_composer = OCG_COMPOSER (ocg_session_page_get_composer (left));
  OcgComposer *right_composer = OCG_COMPOSER (ocg_session_page_get_composer (right));
  Request request = { fixture->server, "POST /session/" TASK "/prompt_async " };
  guint left_turns, right_turns;

  /* Each shows its own session */
  g_assert_cmpstr (ocg_chat_view_get_session (OCG_CHAT_VIEW (ocg_session_page_get_chat_view (left))), ==, TOOLS);
  g_assert_cmpstr (ocg_chat_view_get_session (OCG_CHAT_VIEW (ocg_session_page_get_chat_view (right))), ==, TASK);
  g_assert_cmpstr (ocg_session_page_get_title (left), ==, session_title (fixture, TOOLS));
  g_assert_cmpstr (ocg_session_page_get_title (right), ==, session_title (fixture, TASK));
  g_assert_cmpstr (session_title (fixture, TOOLS), !=, session_title (fixture, TASK));
  left_turns = g_list_model_get_n_items (G_LIST_MODEL (ocg_chat_view_get_turns (OCG_CHAT_VIEW (ocg_session_page_get_chat_view (left)))));
  right_turns = g_list_model_get_n_items (G_LIST_MODEL (ocg_chat_view_get_turns (OCG_CHAT_VIEW (ocg_session_page_get_chat_view (right)))));

  /* A draft in one, a message sent from the other */
  fake_server_set (fixture->server, "/session/" TASK "/prompt_async", "{}");
  ocg_composer_set_text (left_composer, "A draft that stays");
  ocg_composer_set_text (right_composer, "Count the files again");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ocg_session_page_get_chat_view (right)), "session.send", NULL));

  g_assert_true (app_test_wait (has_request, &request, 30000));
  g_assert_cmpuint (count_requests (fixture->server, "POST /session/" TOOLS "/prompt_async"), ==, 0);
  {
    g_autofree char *draft = ocg_composer_get_text (left_composer);

    g_assert_cmpstr (draft, ==, "A draft that stays");
  }
  /* The echo is in the right session only */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ocg_chat_view_get_turns (OCG_CHAT_VIEW (ocg_session_page_get_chat_view (right))))),
                    ==, right_turns + 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ocg_chat_view_get_turns (OCG_CHAT_VIEW (ocg_session_page_get_chat_view (left))))),
                    ==, left_turns);
  g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_messages (store, TASK)), >, 0);

  /* Each page's commands act on its own session: Stop is enabled by the
   * session's own status */
  g_assert_false (action_enabled (left, "stop"));
  g_assert_false (action_enabled (right, "stop"));
  window_fixture_push (fixture, "session.status",
                       "{\"sessionID\": \"%s\", \"status\": {\"type\": \"busy\"}}", TASK);
  g_assert_true (app_test_wait ((gboolean (*) (gpointer)) ocg_session_page_get_busy, right, 30000));
  g_assert_true (action_enabled (right, "stop"));
  g_assert_false (action_enabled (left, "stop"));
  g_assert_false (ocg_session_page_get_busy (left));

  /* Escape in the busy page stops its session, and only it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ocg_session_page_get_composer (right)), "session.stop", NULL));
  {
    Request abort = { fixture->server, "POST /session/" TASK "/abort" };

    g_assert_true (app_test_wait (has_request, &abort, 30000));
    g_assert_cmpuint (count_requests (fixture->server, "POST /session/" TOOLS "/abort"), ==, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

/* The commands follow the session: none without one; Open Session of a
 * task step changes the page's session in place */
static void
test_actions_follow_session (Fixture       *fixture,
                             gconstpointer  data)
{
  OcgSessionPage *page = OCG_SESSION_PAGE (ocg_session_page_new (fixture->connection));
  GtkWidget *window = app_test_window (GTK_WIDGET (page), 900, 800);
  guint titles = 0;

  /* A new session: nothing to rename or delete yet */
  g_assert_null (ocg_session_page_get_session (page));
  g_assert_cmpstr (ocg_session_page_get_title (page), ==, "New Session");
  g_assert_false (action_enabled (page, "rename"));
  g_assert_false (action_enabled (page, "delete"));
  g_assert_false (action_enabled (page, "stop"));

  g_signal_connect (page, "notify::title", G_CALLBACK (on_notify), &titles);
  ocg_session_page_set_session (page, TASK);
  g_assert_true (app_test_wait (page_loaded, page, 30000));
  g_assert_true (action_enabled (page, "rename"));
  g_assert_true (action_enabled (page, "delete"));
  g_assert_cmpuint (titles, ==, 1);

  /* A task step's button opens the child in the page, with a way back
   * that names the parent */
  g_assert_false (action_enabled (page, "back"));
  g_assert_null (app_test_find_label (GTK_WIDGET (page), session_title (fixture, TASK)));
  g_assert_true (gtk_widget_activate_action (ocg_session_page_get_chat_view (page), "session.open-child", "s", TASK_CHILD));
  g_assert_cmpstr (ocg_session_page_get_session (page), ==, TASK_CHILD);
  g_assert_true (app_test_wait (page_loaded, page, 30000));
  g_assert_cmpstr (ocg_session_page_get_title (page), ==, session_title (fixture, TASK_CHILD));
  g_assert_cmpuint (titles, ==, 2);
  g_assert_true (action_enabled (page, "back"));
  {
    GtkWidget *label = app_test_find_label (GTK_WIDGET (page), session_title (fixture, TASK));
    GtkWidget *button = label != NULL ? gtk_widget_get_ancestor (label, GTK_TYPE_BUTTON) : NULL;

    g_assert_nonnull (button);
    g_assert_true (gtk_widget_is_drawable (button));
    g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "session.back");
  }

  /* Back (Alt+Left) to the parent, where it was */
  g_assert_true (gtk_widget_activate_action (ocg_session_page_get_composer (page), "session.back", NULL));
  g_assert_cmpstr (ocg_session_page_get_session (page), ==, TASK);
  g_assert_false (action_enabled (page, "back"));
  g_assert_cmpstr (ocg_session_page_get_title (page), ==, session_title (fixture, TASK));

  /* A session chosen elsewhere forgets the way back */
  g_assert_true (gtk_widget_activate_action (ocg_session_page_get_chat_view (page), "session.open-child", "s", TASK_CHILD));
  g_assert_true (action_enabled (page, "back"));
  ocg_session_page_set_session (page, TOOLS);
  g_assert_false (action_enabled (page, "back"));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A page that goes is freed, with whatever it showed and had asked for */
static void
test_page_is_freed (Fixture       *fixture,
                    gconstpointer  data)
{
  OcgSessionPage *left, *right;
  GtkWidget *window = two_pages (fixture, &left, &right);

  g_object_ref (left);
  g_object_ref (right);
  /* A call on its way when the page goes: cancelled, not answered into a
   * freed page */
  fake_server_set (fixture->server, "/session/" TASK "/abort", "true");
  window_fixture_push (fixture, "session.status",
                       "{\"sessionID\": \"%s\", \"status\": {\"type\": \"busy\"}}", TASK);
  g_assert_true (app_test_wait ((gboolean (*) (gpointer)) ocg_session_page_get_busy, right, 30000));
  g_action_group_activate_action (ocg_session_page_get_actions (right), "stop", NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (left);
  g_assert_finalize_object (right);

  /* The connection goes on for the window that still shows a session */
  app_test_run_for (200);
  g_assert_true (OCG_IS_CONNECTION (fixture->connection));
}

static guint
n_messages_in_store (OcgStore *store)
{
  GListModel *sessions = ocg_store_get_sessions (store);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (sessions); i++)
    {
      g_autoptr(OcgSession) session = g_list_model_get_item (sessions, i);
      GListModel *messages = ocg_store_get_messages (store, ocg_record_get_id (session));

      n += g_list_model_get_n_items (messages);
    }
  return n;
}

/* 200 sessions opened and left in one page, as a user going down the
 * sidebar: the messages in memory and the rows on screen come back down to
 * what the page shows and the few sessions kept */
static void
test_many_sessions_bounded (Fixture       *fixture,
                            gconstpointer  data)
{
  OcgSessionPage *page = OCG_SESSION_PAGE (ocg_session_page_new (fixture->connection));
  GtkWidget *window = app_test_window (GTK_WIDGET (page), 900, 700);
  OcgStore *store = ocg_connection_get_store (fixture->connection);
  const guint keep = 3, n = 200;
  guint most_rows = 0;
  gpointer first_part = NULL;

  ocg_sync_set_keep (ocg_connection_get_sync (fixture->connection), keep);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("ses_many%06u", i);
      g_autofree char *info = g_strdup_printf ("{\"id\": \"%s\", \"title\": \"Many %u\", \"directory\": \"/home/user/demo\","
                                               " \"time\": {\"created\": %u, \"updated\": %u}}", id, i, i + 1, i + 1);
      g_autofree char *path = g_strdup_printf ("/session/%s/message", id);
      g_autofree char *todo = g_strdup_printf ("/session/%s/todo", id);
      g_autofree char *messages = g_strdup_printf ("[{\"info\": {\"id\": \"msg_many%06u\", \"sessionID\": \"%s\", \"role\": \"user\","
                                                   " \"time\": {\"created\": 1}}, \"parts\": [{\"id\": \"prt_many%06u\","
                                                   " \"messageID\": \"msg_many%06u\", \"sessionID\": \"%s\", \"type\": \"text\","
                                                   " \"text\": \"Question %u\"}]}]", i, id, i, i, id, i);

      fake_server_set (fixture->server, path, messages);
      fake_server_set (fixture->server, todo, "[]");
      window_fixture_push (fixture, "session.created", "{\"info\": %s}", info);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("ses_many%06u", i);
      g_autofree char *question = g_strdup_printf ("Question %u", i);

      ocg_session_page_set_session (page, id);
      g_assert_true (app_test_wait (not_loading, page, 30000));
      g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_messages (store, id)), ==, 1);
      if (i == 0)
        {
          first_part = ocg_store_lookup_part (store, "prt_many000000");
          g_object_add_weak_pointer (G_OBJECT (first_part), &first_part);
        }
      if (i % 40 == 0)
        {
          app_test_wait_frames (GTK_WIDGET (page), 2);
          g_assert_nonnull (app_test_find_label (GTK_WIDGET (page), question));
          most_rows = MAX (most_rows, app_test_count_by_type (GTK_WIDGET (page), OCG_TYPE_TURN_ROW));
        }
    }
  app_test_wait_frames (GTK_WIDGET (page), 2);

  /* The fixture's sessions hold none; of the 200, the one shown and the
   * kept ones */
  g_assert_cmpuint (n_messages_in_store (store), <=, keep + 1);
  g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_messages (store, "ses_many000199")), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_messages (store, "ses_many000100")), ==, 0);
  g_assert_null (first_part);
  g_assert_cmpuint (app_test_count_by_type (GTK_WIDGET (page), OCG_TYPE_TURN_ROW), <=, most_rows);
  g_assert_cmpuint (most_rows, <=, 4);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  app_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/session-page/" path, Fixture, NULL, window_fixture_setup, fn, window_fixture_teardown)
  ADD ("two-at-once", test_two_at_once);
  ADD ("actions-follow-session", test_actions_follow_session);
  ADD ("page-is-freed", test_page_is_freed);
  ADD ("many-sessions-bounded", test_many_sessions_bounded);
#undef ADD

  return g_test_run ();
}
