/* test-sidebar-pages.c: a server with more sessions than the app fetches at
 * once: the sidebar shows the newest, more as it is scrolled to its end,
 * finds the others by search, and keeps what it showed over a reconnect
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"

#include "window-fixture.h"
#include "ocg-json.h"
#include "ocg-sidebar.h"

#include <string.h>

#define N_SESSIONS 1000

typedef WindowFixture Fixture;

/* "Session 0" (the newest) to "Session 999", a minute apart; without the
 * session @skip (or -1), and with @extra (JSON, or NULL) first */
static char *
sessions_json (const char *extra,
               int         skip)
{
  GString *json = g_string_new ("[");

  if (extra != NULL)
    g_string_append (json, extra);
  for (int i = 0; i < N_SESSIONS; i++)
    {
      gint64 time = 1700000000000 - (gint64) i * 60000;

      if (i == skip)
        continue;
      if (json->len > 1)
        g_string_append_c (json, ',');
      g_string_append_printf (json, "{\"id\":\"ses_%06d\",\"title\":\"Session %d\",\"directory\":\"/home/user/demo\","
                              "\"time\":{\"created\":%" G_GINT64_FORMAT ",\"updated\":%" G_GINT64_FORMAT "}}",
                              i, i, time, time);
    }
  g_string_append_c (json, ']');
  return g_string_free (json, FALSE);
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autofree char *sessions = sessions_json (NULL, -1);

  fixture->server = fake_server_new ();
  fixture->state = json_object_new ();
  fake_server_set (fixture->server, "/session", sessions);
  window_fixture_connect (fixture);
}

static OcgSidebar *
sidebar_of (Fixture *fixture)
{
  return OCG_SIDEBAR (ocg_window_get_sidebar (fixture->window));
}

static gboolean
shows_title (Fixture    *fixture,
             const char *title)
{
  GListModel *rows = ocg_sidebar_get_rows (sidebar_of (fixture));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autofree char *text = window_fixture_row_title (rows, i);

      if (g_strcmp0 (text, title) == 0)
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  Fixture *fixture;
  guint    n;
} Rows;

static gboolean
has_n_rows (gpointer data)
{
  Rows *rows = data;

  return g_list_model_get_n_items (ocg_sidebar_get_rows (sidebar_of (rows->fixture))) == rows->n &&
         window_fixture_connected (rows->fixture);
}

static void
wait_rows (Fixture *fixture,
           guint    n)
{
  if (!app_test_wait (has_n_rows, &(Rows) { fixture, n }, 30000))
    g_test_message ("rows: %u, expected %u", g_list_model_get_n_items (ocg_sidebar_get_rows (sidebar_of (fixture))), n);
  g_assert_cmpuint (g_list_model_get_n_items (ocg_sidebar_get_rows (sidebar_of (fixture))), ==, n);
}

/* Scrolls the sidebar's list to its end, as a user would */
static void
scroll_to_end (Fixture *fixture)
{
  GtkWidget *scrolled = app_test_find_by_type (GTK_WIDGET (sidebar_of (fixture)), GTK_TYPE_SCROLLED_WINDOW, 0);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

  app_test_wait_frames (GTK_WIDGET (fixture->window), 2);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
}

static gboolean
has_two_connections (gpointer data)
{
  Fixture *fixture = data;

  return fake_server_n_connections (fixture->server) >= 2 && window_fixture_connected (fixture);
}

static void
test_pages (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *later = NULL;
  GListModel *rows;

  /* The newest sessions show, not all of them */
  wait_rows (fixture, 200);
  g_assert_true (shows_title (fixture, "Session 0"));
  g_assert_true (shows_title (fixture, "Session 199"));
  g_assert_false (shows_title (fixture, "Session 200"));

  /* Scrolled to the end: the next ones come */
  scroll_to_end (fixture);
  wait_rows (fixture, 400);
  g_assert_true (shows_title (fixture, "Session 399"));

  /* Away: a session is made and one of those shown is deleted. Back, the
   * sidebar shows what it showed, as the server has it now */
  later = sessions_json ("{\"id\":\"ses_new\",\"title\":\"Made meanwhile\",\"directory\":\"/home/user/demo\","
                         "\"time\":{\"created\":1800000000000,\"updated\":1800000000000}}", 5);
  fake_server_set (fixture->server, "/session", later);
  fake_server_end_streams (fixture->server);
  g_assert_true (app_test_wait (has_two_connections, fixture, 60000));
  wait_rows (fixture, 400);
  rows = ocg_sidebar_get_rows (sidebar_of (fixture));
  {
    g_autofree char *first = window_fixture_row_title (rows, 0);

    g_assert_cmpstr (first, ==, "Made meanwhile");
  }
  g_assert_false (shows_title (fixture, "Session 5"));
  g_assert_true (shows_title (fixture, "Session 399"));

  /* And scrolling goes on from there */
  scroll_to_end (fixture);
  wait_rows (fixture, 600);
  g_assert_true (shows_title (fixture, "Session 599"));
}

static void
test_search_finds_sessions_not_shown (Fixture       *fixture,
                                      gconstpointer  data)
{
  OcgSidebar *sidebar = sidebar_of (fixture);
  GtkWidget *entry = app_test_find_by_type (GTK_WIDGET (sidebar), GTK_TYPE_SEARCH_ENTRY, 0);

  wait_rows (fixture, 200);
  g_assert_false (shows_title (fixture, "Session 950"));

  ocg_sidebar_focus_search (sidebar);
  gtk_editable_set_text (GTK_EDITABLE (entry), "session 950");
  wait_rows (fixture, 1);
  g_assert_true (shows_title (fixture, "Session 950"));

  /* Matches among those shown and those the server finds */
  gtk_editable_set_text (GTK_EDITABLE (entry), "session 95");
  wait_rows (fixture, 11);

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  wait_rows (fixture, 200);
  g_assert_false (shows_title (fixture, "Session 950"));
}

int
main (int   argc,
      char *argv[])
{
  app_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/sidebar-pages/" path, Fixture, NULL, setup, fn, window_fixture_teardown)
  ADD ("scroll-and-reconnect", test_pages);
  ADD ("search-finds-sessions-not-shown", test_search_finds_sessions_not_shown);
#undef ADD

  return g_test_run ();
}
