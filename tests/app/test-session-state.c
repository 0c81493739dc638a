/* test-session-state.c: the window shows what the server says of a session,
 * in the states that matter most: a provider that fails and is retried, a
 * turn the server stopped working on, errors and stops, a session whose
 * messages are still coming, subagents after a restart, and sidebar rows
 * that follow their own session through every change of the list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"
#include "window-fixture.h"

#include <adwaita.h>
#include <string.h>

#include "ocg-chat-view.h"
#include "ocg-json.h"
#include "ocg-sidebar.h"
#include "ocg-timeline.h"
#include "ocg-timeline-step.h"
#include "ocg-turn-row.h"

#define TOOLS FIXTURE_TOOLS
#define TASK FIXTURE_TASK
#define TASK_CHILD FIXTURE_TASK_CHILD

/* A new turn in TOOLS: ids that sort after the recording's */
#define USER_ID "msg_2000000000001AAAAAAAAAAAAAA"
#define ASSISTANT_ID "msg_2000000000002AAAAAAAAAAAAAA"
#define TOOL_PART_ID "prt_2000000000003AAAAAAAAAAAAAA"

typedef WindowFixture Fixture;

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static OcgChatView *
chat_view (Fixture *fixture)
{
  return OCG_CHAT_VIEW (ocg_window_get_chat_view (fixture->window));
}

/* The shown head row of the turn of @key (a user message id) */
static OcgTurnRow *
head_row (Fixture    *fixture,
          const char *key)
{
  for (guint i = 0;; i++)
    {
      GtkWidget *row = app_test_find_by_type (GTK_WIDGET (chat_view (fixture)), OCG_TYPE_TURN_ROW, i);
      OcgTurn *turn;

      if (row == NULL)
        return NULL;
      turn = ocg_turn_row_get_turn (OCG_TURN_ROW (row));
      if (turn != NULL && gtk_widget_get_visible (row) && g_strcmp0 (ocg_turn_get_key (turn), key) == 0 &&
          app_test_find_by_type (row, OCG_TYPE_TIMELINE, 0) != NULL)
        return OCG_TURN_ROW (row);
    }
}

static OcgTimeline *
head_timeline (Fixture    *fixture,
               const char *key)
{
  OcgTurnRow *row = head_row (fixture, key);

  return row != NULL ? OCG_TIMELINE (app_test_find_by_type (GTK_WIDGET (row), OCG_TYPE_TIMELINE, 0)) : NULL;
}

typedef struct
{
  Fixture    *fixture;
  const char *text;
} Lookup;

static gboolean
view_shows (gpointer data)
{
  Lookup *lookup = data;
  GtkWidget *label = app_test_find_label (GTK_WIDGET (chat_view (lookup->fixture)), lookup->text);

  return label != NULL && gtk_widget_get_mapped (label);
}

static gboolean
session_loaded (gpointer data)
{
  Fixture *fixture = data;
  OcgTurnModel *turns = ocg_chat_view_get_turns (chat_view (fixture));

  return !ocg_chat_view_get_loading (chat_view (fixture)) && turns != NULL &&
         g_list_model_get_n_items (G_LIST_MODEL (turns)) > 0;
}

static void
open_tools (Fixture *fixture)
{
  ocg_window_open_session (fixture->window, TOOLS);
  g_assert_true (app_test_wait (session_loaded, fixture, 30000));
}

/* Busy, a question, an answer that has begun with a command running */
static void
start_turn (Fixture *fixture)
{
  gint64 t = now_ms ();

  window_fixture_push (fixture, "session.status", "{\"sessionID\":\"%s\",\"status\":{\"type\":\"busy\"}}", TOOLS);
  window_fixture_push (fixture, "message.updated",
                       "{\"info\":{\"id\":\"%s\",\"sessionID\":\"%s\",\"role\":\"user\",\"time\":{\"created\":%" G_GINT64_FORMAT "}}}",
                       USER_ID, TOOLS, t);
  window_fixture_push (fixture, "message.part.updated",
                       "{\"part\":{\"id\":\"prt_2000000000001BBBBBBBBBBBBBB\",\"sessionID\":\"%s\",\"messageID\":\"%s\","
                       "\"type\":\"text\",\"text\":\"Run the slow build\"}}", TOOLS, USER_ID);
  window_fixture_push (fixture, "message.updated",
                       "{\"info\":{\"id\":\"%s\",\"sessionID\":\"%s\",\"role\":\"assistant\",\"parentID\":\"%s\","
                       "\"modelID\":\"fake-model\",\"providerID\":\"fake\",\"mode\":\"build\",\"agent\":\"build\","
                       "\"path\":{\"cwd\":\"/home/user/demo\",\"root\":\"/home/user/demo\"},\"cost\":0,"
                       "\"tokens\":{\"input\":0,\"output\":0,\"reasoning\":0,\"cache\":{\"read\":0,\"write\":0}},"
                       "\"time\":{\"created\":%" G_GINT64_FORMAT "}}}",
                       ASSISTANT_ID, TOOLS, USER_ID, t + 10);
  window_fixture_push (fixture, "message.part.updated",
                       "{\"part\":{\"id\":\"%s\",\"sessionID\":\"%s\",\"messageID\":\"%s\",\"type\":\"tool\","
                       "\"tool\":\"bash\",\"callID\":\"call_1\",\"state\":{\"status\":\"running\","
                       "\"input\":{\"command\":\"make -j2\",\"description\":\"Build\"},"
                       "\"time\":{\"start\":%" G_GINT64_FORMAT "}}}}",
                       TOOL_PART_ID, TOOLS, ASSISTANT_ID, t + 20);
}

static gboolean
new_turn_busy (gpointer data)
{
  OcgTimeline *timeline = head_timeline (data, USER_ID);

  return timeline != NULL && ocg_timeline_get_busy (timeline) && ocg_timeline_get_n_steps (timeline) == 1;
}

/* The server retries the provider: the turn says why, which attempt, and
 * counts down to the next; the sidebar marks the session */

typedef struct
{
  Fixture    *fixture;
  const char *session_id;
  const char *css_class;
} Mark;

/* The mark of @css_class on the sidebar row of a session, if shown */
static GtkWidget *
sidebar_mark (Fixture    *fixture,
              const char *session_id,
              const char *css_class)
{
  GtkWidget *sidebar = ocg_window_get_sidebar (fixture->window);

  for (guint i = 0;; i++)
    {
      GtkWidget *expander = app_test_find_by_type (sidebar, GTK_TYPE_TREE_EXPANDER, i);
      gpointer item;

      if (expander == NULL)
        return NULL;
      item = gtk_tree_expander_get_item (GTK_TREE_EXPANDER (expander));
      if (item != NULL && g_strcmp0 (ocg_record_get_id (item), session_id) == 0)
        {
          GtkWidget *mark = app_test_find_by_css (expander, css_class, 0);

          g_object_unref (item);
          return mark != NULL && gtk_widget_get_visible (mark) ? mark : NULL;
        }
      g_clear_object (&item);
    }
}

static gboolean
has_mark (gpointer data)
{
  Mark *mark = data;

  return sidebar_mark (mark->fixture, mark->session_id, mark->css_class) != NULL;
}

static gboolean
has_no_mark (gpointer data)
{
  return !has_mark (data);
}

static gboolean
shows_retry (gpointer data)
{
  OcgTimeline *timeline = head_timeline (data, USER_ID);
  const char *text = timeline != NULL ? ocg_timeline_get_status_text (timeline) : NULL;

  return text != NULL && strstr (text, "Rate limit exceeded") != NULL;
}

static gboolean
retry_over (gpointer data)
{
  return !shows_retry (data) && new_turn_busy (data);
}

static void
test_retry (Fixture       *fixture,
            gconstpointer  data)
{
  Mark mark = { fixture, TOOLS, "retry-mark" };
  OcgTimeline *timeline;
  const char *text;
  GtkWidget *icon;

  open_tools (fixture);
  start_turn (fixture);
  g_assert_true (app_test_wait (new_turn_busy, fixture, 5000));

  window_fixture_push (fixture, "session.status",
                       "{\"sessionID\":\"%s\",\"status\":{\"type\":\"retry\",\"attempt\":2,"
                       "\"message\":\"Rate limit exceeded\",\"next\":%" G_GINT64_FORMAT "}}",
                       TOOLS, now_ms () + 30000);
  g_assert_true (app_test_wait (shows_retry, fixture, 5000));

  /* On the turn: the provider's words, the attempt, a countdown */
  timeline = head_timeline (fixture, USER_ID);
  text = ocg_timeline_get_status_text (timeline);
  g_assert_nonnull (strstr (text, "Retry 2"));
  g_assert_nonnull (strstr (text, "next try in"));
  g_assert_true (ocg_timeline_get_busy (timeline));
  g_assert_true (view_shows (&(Lookup) { fixture, "Retry 2: Rate limit exceeded" }));
  g_assert_true (view_shows (&(Lookup) { fixture, "next try in" }));

  /* In the sidebar: a mark that says the same */
  g_assert_true (app_test_wait (has_mark, &mark, 5000));
  icon = sidebar_mark (fixture, TOOLS, "retry-mark");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (icon), "Rate limit exceeded"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (icon), "2"));

  /* The retry worked: back to work, no more retry shown */
  window_fixture_push (fixture, "session.status", "{\"sessionID\":\"%s\",\"status\":{\"type\":\"busy\"}}", TOOLS);
  g_assert_true (app_test_wait (retry_over, fixture, 5000));
  g_assert_true (app_test_wait (has_no_mark, &mark, 5000));
}

/* The server stopped mid-turn and came back idle: the turn never
 * completes, and is shown as interrupted, with nothing ticking */

static gboolean
new_turn_interrupted (gpointer data)
{
  OcgTimeline *timeline = head_timeline (data, USER_ID);

  return timeline != NULL && ocg_timeline_get_interrupted (timeline);
}

static void
test_interrupted (Fixture       *fixture,
                  gconstpointer  data)
{
  OcgTimeline *timeline;
  OcgTimelineStep *step;
  GtkWidget *spinner;

  open_tools (fixture);
  start_turn (fixture);
  g_assert_true (app_test_wait (new_turn_busy, fixture, 5000));

  window_fixture_push (fixture, "session.status", "{\"sessionID\":\"%s\",\"status\":{\"type\":\"idle\"}}", TOOLS);
  g_assert_true (app_test_wait (new_turn_interrupted, fixture, 5000));

  timeline = head_timeline (fixture, USER_ID);
  g_assert_false (ocg_timeline_get_busy (timeline));
  g_assert_true (g_str_has_prefix (ocg_timeline_get_status_text (timeline), "Interrupted"));
  /* What the server kept: the step, not running any more */
  step = OCG_TIMELINE_STEP (app_test_find_by_type (GTK_WIDGET (timeline), OCG_TYPE_TIMELINE_STEP, 0));
  g_assert_nonnull (step);
  g_assert_cmpint (ocg_timeline_step_get_state (step), ==, OCG_STEP_INTERRUPTED);
  for (guint i = 0; (spinner = app_test_find_by_type (GTK_WIDGET (timeline), GTK_TYPE_SPINNER, i)) != NULL; i++)
    g_assert_false (gtk_widget_get_visible (spinner) && gtk_spinner_get_spinning (GTK_SPINNER (spinner)));
  g_assert_true (view_shows (&(Lookup) { fixture, "make -j2" }));

  /* The foot says so too */
  ocg_chat_view_scroll_to_bottom (chat_view (fixture));
  g_assert_true (app_test_wait (view_shows, &(Lookup) { fixture, "Interrupted: the server stopped" }, 5000));

  /* A new turn starts: the old one stays interrupted, the new one is busy */
  window_fixture_push (fixture, "session.status", "{\"sessionID\":\"%s\",\"status\":{\"type\":\"busy\"}}", TOOLS);
  window_fixture_push (fixture, "message.updated",
                       "{\"info\":{\"id\":\"msg_2000000000009AAAAAAAAAAAAAA\",\"sessionID\":\"%s\",\"role\":\"user\","
                       "\"time\":{\"created\":%" G_GINT64_FORMAT "}}}", TOOLS, now_ms ());
  g_assert_true (app_test_wait (new_turn_interrupted, fixture, 5000));
  g_assert_false (ocg_timeline_get_busy (head_timeline (fixture, USER_ID)));
}

/* An error marks the session until a later turn succeeds; a stop the user
 * asked for is no error */
static void
test_error_marks (Fixture       *fixture,
                  gconstpointer  data)
{
  Mark mark = { fixture, TOOLS, "error-mark" };

  window_fixture_push (fixture, "session.error",
                       "{\"sessionID\":\"%s\",\"error\":{\"name\":\"APIError\",\"data\":{\"message\":\"quota\"}}}", TOOLS);
  g_assert_true (app_test_wait (has_mark, &mark, 5000));

  /* The next turn goes well */
  window_fixture_push (fixture, "session.status", "{\"sessionID\":\"%s\",\"status\":{\"type\":\"busy\"}}", TOOLS);
  window_fixture_push (fixture, "session.status", "{\"sessionID\":\"%s\",\"status\":{\"type\":\"idle\"}}", TOOLS);
  g_assert_true (app_test_wait (has_no_mark, &mark, 5000));

  /* The user stops a turn */
  window_fixture_push (fixture, "session.status", "{\"sessionID\":\"%s\",\"status\":{\"type\":\"busy\"}}", TOOLS);
  window_fixture_push (fixture, "session.error",
                       "{\"sessionID\":\"%s\",\"error\":{\"name\":\"MessageAbortedError\",\"data\":{\"message\":\"Aborted\"}}}",
                       TOOLS);
  window_fixture_push (fixture, "session.status", "{\"sessionID\":\"%s\",\"status\":{\"type\":\"idle\"}}", TOOLS);
  /* Something after them, to know they have all been applied */
  window_fixture_push (fixture, "session.error",
                       "{\"sessionID\":\"%s\",\"error\":{\"name\":\"APIError\",\"data\":{\"message\":\"later\"}}}", TASK);
  g_assert_true (app_test_wait (has_mark, &(Mark) { fixture, TASK, "error-mark" }, 5000));
  g_assert_true (has_no_mark (&mark));
}

/* The preference "expand finished timelines" flows down as a property and
 * holds for finished turns, also after a turn ends */

static gboolean
tools_timeline_shown (gpointer data)
{
  Fixture *fixture = data;
  OcgTimeline *timeline = OCG_TIMELINE (app_test_find_by_type (GTK_WIDGET (chat_view (fixture)), OCG_TYPE_TIMELINE, 0));

  return timeline != NULL && ocg_timeline_get_n_steps (timeline) > 0;
}

static gboolean
new_turn_done (gpointer data)
{
  OcgTimeline *timeline = head_timeline (data, USER_ID);
  GtkWidget *step = timeline != NULL ? app_test_find_by_type (GTK_WIDGET (timeline), OCG_TYPE_TIMELINE_STEP, 0) : NULL;

  return step != NULL && !ocg_timeline_get_busy (timeline) &&
         ocg_timeline_step_get_state (OCG_TIMELINE_STEP (step)) == OCG_STEP_COMPLETED;
}

static void
test_expand_preference (Fixture       *fixture,
                        gconstpointer  data)
{
  OcgChatView *view = chat_view (fixture);
  OcgTimeline *finished;

  g_object_set (view, "expand-finished", TRUE, NULL);
  open_tools (fixture);
  g_assert_true (app_test_wait (tools_timeline_shown, fixture, 5000));
  finished = OCG_TIMELINE (app_test_find_by_type (GTK_WIDGET (view), OCG_TYPE_TIMELINE, 0));
  g_assert_false (ocg_timeline_get_busy (finished));
  g_assert_true (ocg_timeline_get_expanded (finished));

  /* Changed while shown: applies at once */
  g_object_set (view, "expand-finished", FALSE, NULL);
  g_assert_false (ocg_timeline_get_expanded (finished));
  g_object_set (view, "expand-finished", TRUE, NULL);
  g_assert_true (ocg_timeline_get_expanded (finished));

  /* A turn that ends stays expanded when the user wants it so */
  start_turn (fixture);
  g_assert_true (app_test_wait (new_turn_busy, fixture, 5000));
  window_fixture_push (fixture, "message.part.updated",
                       "{\"part\":{\"id\":\"%s\",\"sessionID\":\"%s\",\"messageID\":\"%s\",\"type\":\"tool\","
                       "\"tool\":\"bash\",\"callID\":\"call_1\",\"state\":{\"status\":\"completed\","
                       "\"input\":{\"command\":\"make -j2\"},\"output\":\"ok\",\"title\":\"make\",\"metadata\":{},"
                       "\"time\":{\"start\":1,\"end\":2}}}}", TOOL_PART_ID, TOOLS, ASSISTANT_ID);
  window_fixture_push (fixture, "message.updated",
                       "{\"info\":{\"id\":\"%s\",\"sessionID\":\"%s\",\"role\":\"assistant\",\"parentID\":\"%s\","
                       "\"time\":{\"created\":1,\"completed\":3},\"finish\":\"stop\"}}", ASSISTANT_ID, TOOLS, USER_ID);
  window_fixture_push (fixture, "session.status", "{\"sessionID\":\"%s\",\"status\":{\"type\":\"idle\"}}", TOOLS);
  g_assert_true (app_test_wait (new_turn_done, fixture, 5000));
  g_assert_true (ocg_timeline_get_expanded (head_timeline (fixture, USER_ID)));
  g_assert_false (ocg_timeline_get_interrupted (head_timeline (fixture, USER_ID)));
}

/* A session opens on a loading state, then at its end: never "Start the
 * Conversation" for a session that has messages */

static gboolean
loading_shown (gpointer data)
{
  return view_shows (&(Lookup) { data, "Loading the conversation" });
}

static void
test_loading (Fixture       *fixture,
              gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (chat_view (fixture));
  GtkAdjustment *adjustment;

  fake_server_hold (fixture->server, "/session/" TOOLS "/message");
  ocg_window_open_session (fixture->window, TOOLS);
  g_assert_true (app_test_wait (loading_shown, fixture, 5000));
  g_assert_true (ocg_chat_view_get_loading (OCG_CHAT_VIEW (view)));
  g_assert_false (view_shows (&(Lookup) { fixture, "Start the Conversation" }));

  fake_server_release (fixture->server);
  g_assert_true (app_test_wait (session_loaded, fixture, 5000));
  g_assert_false (loading_shown (fixture));
  g_assert_false (view_shows (&(Lookup) { fixture, "Start the Conversation" }));
  /* At the end: the answer's last words and the figures under it */
  g_assert_true (app_test_wait (view_shows, &(Lookup) { fixture, "fake-model" }, 5000));
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (ocg_chat_view_get_list_view (OCG_CHAT_VIEW (view))));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment),
                     >=, gtk_adjustment_get_upper (adjustment) - 30);
}

/* Messages that cannot be fetched: the session says so and why, instead of
 * loading for ever or looking empty */

static gboolean
load_failure_shown (gpointer data)
{
  return view_shows (&(Lookup) { data, "Could Not Load the Conversation" });
}

static void
test_load_failed (Fixture       *fixture,
                  gconstpointer  data)
{
  fake_server_set_status (fixture->server, "/session/" TOOLS "/message", 500,
                          "{\"name\":\"UnknownError\",\"data\":{\"message\":\"database is locked\"}}");
  ocg_window_open_session (fixture->window, TOOLS);
  g_assert_true (app_test_wait (load_failure_shown, fixture, 5000));
  g_assert_true (view_shows (&(Lookup) { fixture, "database is locked" }));
  g_assert_false (ocg_chat_view_get_loading (chat_view (fixture)));
  g_assert_false (loading_shown (fixture));
  g_assert_false (view_shows (&(Lookup) { fixture, "Start the Conversation" }));

  /* The server is well again: opening the session again tries again */
  {
    JsonObject *entry = json_object_get_object_member (fixture->state, TOOLS);
    g_autofree char *messages = ocg_json_to_string (json_object_get_member (entry, "messages"), FALSE);

    fake_server_set (fixture->server, "/session/" TOOLS "/message", messages);
  }
  ocg_window_open_session (fixture->window, TASK);
  g_assert_true (app_test_wait (session_loaded, fixture, 5000));
  ocg_window_open_session (fixture->window, TOOLS);
  g_assert_true (app_test_wait (session_loaded, fixture, 5000));
  g_assert_false (load_failure_shown (fixture));
}

/* Every sidebar row shows its own session, whatever the list did */

static guint
check_rows (Fixture *fixture)
{
  GtkWidget *sidebar = ocg_window_get_sidebar (fixture->window);
  guint n = 0;

  for (guint i = 0;; i++)
    {
      GtkWidget *expander = app_test_find_by_type (sidebar, GTK_TYPE_TREE_EXPANDER, i);
      g_autoptr(OcgSession) session = NULL;
      GtkWidget *label;
      const char *title;

      if (expander == NULL)
        return n;
      if (!gtk_widget_get_mapped (expander))
        continue;
      session = gtk_tree_expander_get_item (GTK_TREE_EXPANDER (expander));
      g_assert_nonnull (session);
      title = ocg_session_get_title (session);
      label = app_test_find_by_type (expander, GTK_TYPE_LABEL, 0);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, title != NULL && *title ? title : "Untitled session");
      n++;
    }
}

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
frames_done (gpointer data)
{
  guint *counts = data;

  return counts[0] >= counts[1];
}

/* Until the window has drawn @n more frames */
static void
wait_frames (Fixture *fixture,
             guint    n)
{
  guint counts[2] = { 0, n };
  guint id = gtk_widget_add_tick_callback (GTK_WIDGET (fixture->window), count_frame, counts, NULL);

  g_assert_true (app_test_wait (frames_done, counts, 5000));
  gtk_widget_remove_tick_callback (GTK_WIDGET (fixture->window), id);
}

static gboolean
sidebar_settled (gpointer data)
{
  Fixture *fixture = data;
  OcgStore *store = ocg_connection_get_store (fixture->connection);
  OcgSession *child = ocg_store_lookup_session (store, TASK_CHILD);

  return ocg_store_lookup_session (store, "ses_000000000009") != NULL &&
         ocg_store_lookup_session (store, "ses_000000000001") == NULL &&
         child != NULL && g_strcmp0 (ocg_session_get_title (child), "Renamed child") == 0;
}

static gboolean
n_rows_is (gpointer data)
{
  Fixture *fixture = data;
  GListModel *rows = ocg_sidebar_get_rows (OCG_SIDEBAR (ocg_window_get_sidebar (fixture->window)));

  return g_list_model_get_n_items (rows) == GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (fixture->window), "n-rows"));
}

static void
test_sidebar_rows (Fixture       *fixture,
                   gconstpointer  data)
{
  GListModel *rows = ocg_sidebar_get_rows (OCG_SIDEBAR (ocg_window_get_sidebar (fixture->window)));
  guint n;

  /* The parent expanded, its child under it */
  ocg_window_open_session (fixture->window, TASK_CHILD);
  n = g_list_model_get_n_items (rows);
  g_assert_cmpuint (check_rows (fixture), ==, n);

  /* New sessions, one after the other, at the top */
  for (guint i = 0; i < 3; i++)
    {
      window_fixture_push (fixture, "session.created",
                           "{\"info\":{\"id\":\"ses_00000000000%u\",\"title\":\"New session %u\",\"directory\":\"/home/user/demo\","
                           "\"time\":{\"created\":%" G_GINT64_FORMAT ",\"updated\":%" G_GINT64_FORMAT "}}}",
                           i, i, now_ms (), now_ms ());
      g_object_set_data (G_OBJECT (fixture->window), "n-rows", GUINT_TO_POINTER (n + i + 1));
      g_assert_true (app_test_wait (n_rows_is, fixture, 5000));
      /* Drawn as the user would see it */
      wait_frames (fixture, 2);
      g_assert_cmpuint (check_rows (fixture), ==, n + i + 1);
    }

  /* The child's title changes; a session is deleted; a new child arrives */
  window_fixture_push (fixture, "session.updated",
                       "{\"info\":{\"id\":\"%s\",\"parentID\":\"%s\",\"title\":\"Renamed child\",\"directory\":\"/home/user/demo\","
                       "\"time\":{\"created\":1795246043336,\"updated\":1795246043823}}}", TASK_CHILD, TASK);
  window_fixture_push (fixture, "session.deleted", "{\"info\":{\"id\":\"ses_000000000001\"}}");
  window_fixture_push (fixture, "session.created",
                       "{\"info\":{\"id\":\"ses_000000000009\",\"parentID\":\"%s\",\"title\":\"Second child\","
                       "\"directory\":\"/home/user/demo\",\"time\":{\"created\":%" G_GINT64_FORMAT ",\"updated\":%" G_GINT64_FORMAT "}}}",
                       TASK, now_ms (), now_ms ());
  g_assert_true (app_test_wait (sidebar_settled, fixture, 5000));
  wait_frames (fixture, 2);
  g_assert_cmpuint (check_rows (fixture), >=, n + 1);
  g_assert_null (app_test_find_label (ocg_window_get_sidebar (fixture->window), "New session 1"));
}

/* After a restart, a finished task's nested steps come from its child
 * session, which nobody has opened: the step fetches what it shows */

static GtkWidget *
task_step (Fixture *fixture)
{
  GtkWidget *view = GTK_WIDGET (chat_view (fixture));

  for (guint i = 0;; i++)
    {
      GtkWidget *step = app_test_find_by_type (view, OCG_TYPE_TIMELINE_STEP, i);
      OcgPart *part;

      if (step == NULL)
        return NULL;
      part = ocg_timeline_step_get_part (OCG_TIMELINE_STEP (step));
      if (part != NULL && g_strcmp0 (ocg_record_get_string (OCG_RECORD (part), "tool"), "task") == 0)
        return step;
    }
}

static gboolean
task_step_shown (gpointer data)
{
  return task_step (data) != NULL;
}

static gboolean
nested_steps_shown (gpointer data)
{
  GtkWidget *step = task_step (data);
  GtkWidget *nested = step != NULL ? app_test_find_by_type (step, OCG_TYPE_TIMELINE, 0) : NULL;

  return nested != NULL && gtk_widget_get_mapped (nested) && ocg_timeline_get_n_steps (OCG_TIMELINE (nested)) > 0;
}

static void
test_task_steps_after_restart (Fixture       *fixture,
                               gconstpointer  data)
{
  OcgStore *store = ocg_connection_get_store (fixture->connection);
  OcgTimeline *timeline;

  ocg_window_open_session (fixture->window, TASK);
  g_assert_true (app_test_wait (session_loaded, fixture, 5000));
  /* Nobody has fetched the subagent's messages */
  g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_messages (store, TASK_CHILD)), ==, 0);

  timeline = OCG_TIMELINE (app_test_find_by_type (GTK_WIDGET (chat_view (fixture)), OCG_TYPE_TIMELINE, 0));
  ocg_timeline_set_expanded (timeline, TRUE);
  g_assert_true (app_test_wait (task_step_shown, fixture, 5000));
  ocg_timeline_step_set_expanded (OCG_TIMELINE_STEP (task_step (fixture)), TRUE);
  g_assert_true (app_test_wait (nested_steps_shown, fixture, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_messages (store, TASK_CHILD)), >, 0);
}

/* "Open Session" from a task step leaves the parent's transcript, and the
 * button with it: the focus goes to the composer, not to a widget that is
 * no longer in the window (Escape then reached it and GTK complained) */

static GtkWidget *
open_session_button (Fixture *fixture)
{
  GtkWidget *step = task_step (fixture);

  for (guint i = 0; step != NULL; i++)
    {
      GtkWidget *button = app_test_find_by_type (step, GTK_TYPE_BUTTON, i);

      if (button == NULL)
        return NULL;
      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), "Open Session") == 0)
        return gtk_widget_get_mapped (button) ? button : NULL;
    }
  return NULL;
}

static gboolean
open_session_shown (gpointer data)
{
  return open_session_button (data) != NULL;
}

static gboolean
child_opened (gpointer data)
{
  Fixture *fixture = data;

  return g_strcmp0 (ocg_window_get_session (fixture->window), TASK_CHILD) == 0;
}

static void
test_open_session_keeps_focus (Fixture       *fixture,
                               gconstpointer  data)
{
  GtkWidget *button, *focus;

  ocg_window_open_session (fixture->window, TASK);
  g_assert_true (app_test_wait (session_loaded, fixture, 5000));
  ocg_timeline_set_expanded (OCG_TIMELINE (app_test_find_by_type (GTK_WIDGET (chat_view (fixture)), OCG_TYPE_TIMELINE, 0)), TRUE);
  g_assert_true (app_test_wait (task_step_shown, fixture, 5000));
  ocg_timeline_step_set_expanded (OCG_TIMELINE_STEP (task_step (fixture)), TRUE);
  g_assert_true (app_test_wait (open_session_shown, fixture, 5000));

  button = open_session_button (fixture);
  gtk_widget_grab_focus (button);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (fixture->window)) == button);
  /* As Space or Enter would */
  gtk_widget_activate (button);
  g_assert_true (app_test_wait (child_opened, fixture, 5000));
  g_assert_true (app_test_wait (session_loaded, fixture, 5000));

  focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_get_root (focus) == GTK_ROOT (fixture->window));
  g_assert_true (gtk_widget_is_ancestor (focus, ocg_window_get_composer (fixture->window)));
}

/* A spinning spinner draws a frame for every tick of the display, shown or
 * not: every one that spins must be on screen */
static void
assert_no_hidden_spinner (GtkWidget *root)
{
  GtkWidget *spinner;

  for (guint i = 0; (spinner = app_test_find_by_type (root, GTK_TYPE_SPINNER, i)) != NULL; i++)
    if (gtk_spinner_get_spinning (GTK_SPINNER (spinner)))
      g_assert_true (gtk_widget_get_mapped (spinner));
}

/* An idle window draws nothing: no spinner spins out of sight, whether no
 * session, a loading one or a loaded one is open */
static void
test_idle_draws_nothing (Fixture       *fixture,
                         gconstpointer  data)
{
  assert_no_hidden_spinner (GTK_WIDGET (fixture->window));
  open_tools (fixture);
  app_test_wait_frames (GTK_WIDGET (fixture->window), 2);
  assert_no_hidden_spinner (GTK_WIDGET (fixture->window));
  {
    GtkWidget *spinner;
    guint spinning = 0;

    for (guint i = 0; (spinner = app_test_find_by_type (GTK_WIDGET (fixture->window), GTK_TYPE_SPINNER, i)) != NULL; i++)
      spinning += gtk_spinner_get_spinning (GTK_SPINNER (spinner));
    g_assert_cmpuint (spinning, ==, 0);
  }
}



typedef struct
{
  Fixture    *fixture;
  const char *label;
} Button;

static GtkWidget *
find_button (Fixture    *fixture,
             const char *label)
{
  GtkWidget *button;

  for (guint i = 0; (button = app_test_find_by_type (GTK_WIDGET (chat_view (fixture)), GTK_TYPE_BUTTON, i)) != NULL; i++)
    if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) == 0 && gtk_widget_get_mapped (button))
      return button;
  return NULL;
}

static gboolean
button_shown (gpointer data)
{
  Button *b = data;

  return find_button (b->fixture, b->label) != NULL;
}

/* An answer of a megabyte opens with its first part and a row for the
 * rest: Show More shows more of it, Copy All copies all of it */
static void
test_very_long_answer (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GString) words = g_string_new (NULL);
  g_autoptr(GString) messages = g_string_new (NULL);
  g_autofree char *copied = NULL;
  g_autofree char *before = NULL;
  Lookup last_word = { fixture, NULL };
  guint rows;

  while (words->len < 1024 * 1024)
    g_string_append_printf (words, "word%u ", (guint) words->len);
  g_string_append (words, "THE-END");
  g_string_printf (messages,
                   "[{\"info\":{\"id\":\"msg_1\",\"sessionID\":\"ses_big\",\"role\":\"user\",\"time\":{\"created\":1}},"
                   "\"parts\":[{\"id\":\"prt_1\",\"messageID\":\"msg_1\",\"sessionID\":\"ses_big\",\"type\":\"text\",\"text\":\"Go\"}]},"
                   "{\"info\":{\"id\":\"msg_2\",\"sessionID\":\"ses_big\",\"role\":\"assistant\",\"parentID\":\"msg_1\","
                   "\"time\":{\"created\":2,\"completed\":3},\"finish\":\"stop\"},"
                   "\"parts\":[{\"id\":\"prt_2\",\"messageID\":\"msg_2\",\"sessionID\":\"ses_big\",\"type\":\"text\",\"text\":\"%s\"}]}]",
                   words->str);
  fake_server_set (fixture->server, "/session/ses_big/message", messages->str);
  fake_server_set (fixture->server, "/session/ses_big/todo", "[]");
  window_fixture_add_session (fixture, "{\"id\":\"ses_big\",\"title\":\"Big\",\"directory\":\"/home/user/demo\","
                                       "\"time\":{\"created\":1,\"updated\":3}}");
  g_assert_true (app_test_wait (window_fixture_connected, fixture, 30000));
  ocg_window_open_session (fixture->window, "ses_big");
  g_assert_true (app_test_wait (session_loaded, fixture, 30000));
  ocg_chat_view_scroll_to_bottom (chat_view (fixture));
  g_assert_true (app_test_wait (button_shown, &(Button) { fixture, "Show _More" }, 30000));

  /* The end is not laid out; most of the answer is left for later */
  last_word.text = "THE-END";
  g_assert_false (view_shows (&last_word));
  before = app_test_collect_text (GTK_WIDGET (chat_view (fixture)));
  g_assert_nonnull (strstr (before, "more of this answer"));

  /* Copy All: the whole answer */
  g_signal_emit_by_name (find_button (fixture, "_Copy All"), "clicked");
  copied = app_test_read_clipboard (gtk_widget_get_clipboard (GTK_WIDGET (fixture->window)));
  g_assert_cmpstr (copied, ==, words->str);

  /* Show More: more rows */
  rows = g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (ocg_chat_view_get_list_view (chat_view (fixture)))));
  g_signal_emit_by_name (find_button (fixture, "Show _More"), "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (ocg_chat_view_get_list_view (chat_view (fixture))))),
                    >, rows + 20);
}

int
main (int   argc,
      char *argv[])
{
  app_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/session-state/" path, Fixture, NULL, window_fixture_setup, fn, window_fixture_teardown)
  ADD ("retry", test_retry);
  ADD ("interrupted", test_interrupted);
  ADD ("error-marks", test_error_marks);
  ADD ("expand-preference", test_expand_preference);
  ADD ("loading", test_loading);
  ADD ("load-failed", test_load_failed);
  ADD ("sidebar-rows", test_sidebar_rows);
  ADD ("task-steps-after-restart", test_task_steps_after_restart);
  ADD ("open-session-keeps-focus", test_open_session_keeps_focus);
  ADD ("idle-draws-nothing", test_idle_draws_nothing);
  ADD ("very-long-answer", test_very_long_answer);
#undef ADD

  return g_test_run ();
}
