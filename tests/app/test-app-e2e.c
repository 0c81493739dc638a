/* test-app-e2e.c: the window against a real opencode server (started by
 * tests/e2e/test_app_e2e.py with the scripted upstream): runs a turn with a
 * `task`, and one that asks permission, answered through the window's
 * prompt, and reads what the widgets show.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"
#include "ocg-chat-view.h"
#include "ocg-composer.h"
#include "ocg-prompt-dock.h"
#include "ocg-timeline.h"
#include "ocg-turn-row.h"
#include "ocg-window.h"

#include <string.h>

static OcgConnection *connection;
static OcgWindow *window;

static gboolean
is_connected (gpointer data)
{
  return ocg_connection_get_state (connection) == OCG_CONNECTION_CONNECTED &&
         ocg_sync_get_synced (ocg_connection_get_sync (connection));
}

static OcgSession *
current_session (void)
{
  const char *id = ocg_window_get_session (window);

  return id != NULL ? ocg_store_lookup_session (ocg_connection_get_store (connection), id) : NULL;
}

static gboolean
session_idle_with_answer (gpointer data)
{
  OcgSession *session = current_session ();
  OcgChatView *view = OCG_CHAT_VIEW (ocg_window_get_chat_view (window));
  OcgTurnModel *turns = ocg_chat_view_get_turns (view);
  guint n;
  g_autoptr(OcgTurn) turn = NULL;
  GListModel *assistant;

  if (session == NULL || g_strcmp0 (ocg_session_get_status (session), "idle") != 0 || turns == NULL)
    return FALSE;
  n = g_list_model_get_n_items (G_LIST_MODEL (turns));
  if (n == 0)
    return FALSE;
  turn = g_list_model_get_item (G_LIST_MODEL (turns), n - 1);
  assistant = ocg_turn_get_assistant (turn);
  for (guint i = 0; i < g_list_model_get_n_items (assistant); i++)
    {
      g_autoptr(OcgMessage) message = g_list_model_get_item (assistant, i);
      gboolean completed;

      g_object_get (message, "completed", &completed, NULL);
      if (!completed)
        return FALSE;
    }
  return g_list_model_get_n_items (assistant) > 0;
}

/* The last turn row on screen with a timeline, if any */
static OcgTurnRow *
find_last_turn_row (void)
{
  GtkWidget *view = ocg_window_get_chat_view (window);
  OcgTurnRow *last = NULL;

  for (guint i = 0;; i++)
    {
      GtkWidget *row = app_test_find_by_type (view, OCG_TYPE_TURN_ROW, i);

      if (row == NULL)
        return last;
      if (ocg_turn_row_get_turn (OCG_TURN_ROW (row)) != NULL &&
          app_test_find_by_type (row, OCG_TYPE_TIMELINE, 0) != NULL)
        last = OCG_TURN_ROW (row);
    }
}

/* A turn row of the session's last turn is on screen */
static gboolean
last_turn_shown (gpointer data)
{
  OcgTurnRow *row = find_last_turn_row ();
  GListModel *turns = G_LIST_MODEL (ocg_chat_view_get_turns (OCG_CHAT_VIEW (ocg_window_get_chat_view (window))));
  guint n = g_list_model_get_n_items (turns);
  g_autoptr(OcgTurn) last = n > 0 ? g_list_model_get_item (turns, n - 1) : NULL;

  return row != NULL && ocg_turn_row_get_turn (row) == last;
}

static OcgTurnRow *
last_turn_row (void)
{
  ocg_chat_view_scroll_to_bottom (OCG_CHAT_VIEW (ocg_window_get_chat_view (window)));
  g_assert_true (app_test_wait (last_turn_shown, NULL, 30000));
  return find_last_turn_row ();
}

/* The transcript shows @data somewhere */
static gboolean
transcript_shows (gpointer data)
{
  g_autofree char *text = app_test_collect_text (ocg_window_get_chat_view (window));

  return strstr (text, data) != NULL;
}

static gboolean
dock_empty (gpointer data)
{
  return ocg_prompt_dock_get_n_prompts (OCG_PROMPT_DOCK (ocg_window_get_prompt_dock (window))) == 0;
}

static void
send (const char *text)
{
  OcgComposer *composer = OCG_COMPOSER (ocg_window_get_composer (window));

  ocg_composer_set_text (composer, text);
  ocg_composer_send (composer);
}

static void
test_task_turn (void)
{
  OcgTurnRow *row;
  GtkWidget *timeline;
  g_autofree char *text = NULL;

  ocg_window_open_session (window, NULL);
  send ("Please run SCENARIO:task now");
  g_assert_true (app_test_wait (session_idle_with_answer, NULL, 120000));

  row = last_turn_row ();
  g_assert_nonnull (row);
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (row), "Please run SCENARIO:task now"));
  timeline = app_test_find_by_type (GTK_WIDGET (row), OCG_TYPE_TIMELINE, 0);
  g_assert_nonnull (timeline);
  g_assert_cmpuint (ocg_timeline_get_n_steps (OCG_TIMELINE (timeline)), >=, 1);

  ocg_timeline_set_expanded (OCG_TIMELINE (timeline), TRUE);
  g_assert_true (app_test_wait (transcript_shows, (gpointer) "Delegating work", 30000));
  text = app_test_collect_text (ocg_window_get_chat_view (window));
  g_test_message ("turn: %s", text);
  g_assert_nonnull (strstr (text, "Delegating work"));
  /* The subagent's session exists, under the parent, with its own steps */
  {
    OcgStore *store = ocg_connection_get_store (connection);
    GListModel *sessions = ocg_store_get_sessions (store);
    gboolean child = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (sessions); i++)
      {
        g_autoptr(OcgSession) session = g_list_model_get_item (sessions, i);

        child |= g_strcmp0 (ocg_session_get_parent_id (session), ocg_window_get_session (window)) == 0;
      }
    g_assert_true (child);
  }
  /* The answer */
  g_assert_nonnull (strstr (text, "subagent"));
}

static gboolean
dock_has_prompt (gpointer data)
{
  return ocg_prompt_dock_get_n_prompts (OCG_PROMPT_DOCK (ocg_window_get_prompt_dock (window))) > 0;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  for (guint i = 0;; i++)
    {
      GtkWidget *button = app_test_find_by_type (root, GTK_TYPE_BUTTON, i);

      if (button == NULL || g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) == 0)
        return button;
    }
}

static void
test_permission_through_the_window (void)
{
  GtkWidget *dock = ocg_window_get_prompt_dock (window);
  OcgTurnRow *row;
  g_autofree char *text = NULL;

  ocg_window_open_session (window, NULL);
  send ("Please run SCENARIO:ask now");
  g_assert_true (app_test_wait (dock_has_prompt, NULL, 120000));
  g_assert_nonnull (app_test_find_label (dock, "rm -f scratch.tmp"));

  gtk_widget_activate (find_button (dock, "Allow _Once"));
  g_assert_true (app_test_wait (session_idle_with_answer, NULL, 120000));
  g_assert_true (app_test_wait (dock_empty, NULL, 30000));

  row = last_turn_row ();
  g_assert_nonnull (row);
  ocg_timeline_set_expanded (OCG_TIMELINE (app_test_find_by_type (GTK_WIDGET (row), OCG_TYPE_TIMELINE, 0)), TRUE);
  g_assert_true (app_test_wait (transcript_shows, (gpointer) "rm -f scratch.tmp", 30000));
  text = app_test_collect_text (ocg_window_get_chat_view (window));
  g_test_message ("turn: %s", text);
  g_assert_nonnull (strstr (text, "Running commands"));
  g_assert_nonnull (strstr (text, "rm -f scratch.tmp"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app_test_init (&argc, &argv);

  connection = ocg_connection_new_remote (g_getenv ("OCG_E2E_URL"), NULL,
                                          g_getenv ("OCG_E2E_PASSWORD"), g_getenv ("OCG_E2E_DIRECTORY"));
  window = ocg_window_new (NULL, connection);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 900);
  gtk_window_present (GTK_WINDOW (window));
  ocg_connection_start (connection);
  g_assert_true (app_test_wait (is_connected, NULL, 60000));

  g_test_add_func ("/app-e2e/task-turn", test_task_turn);
  g_test_add_func ("/app-e2e/permission-through-the-window", test_permission_through_the_window);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  ocg_connection_stop (connection);
  g_object_unref (connection);
  return status;
}
