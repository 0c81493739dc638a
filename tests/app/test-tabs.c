/* test-tabs.c: sessions in tabs of one window: opening beside, switching,
 * what each tab keeps, marks on tabs not looked at, closing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"

#include <adwaita.h>
#include "fake-server.h"
#include "window-fixture.h"
#include "ocg-chat-view.h"
#include "ocg-composer.h"
#include "ocg-session-page.h"
#include "ocg-sidebar.h"
#include "ocg-application.h"

#define TOOLS FIXTURE_TOOLS
#define TASK FIXTURE_TASK

typedef WindowFixture Fixture;

static OcgSessionPage *
tab_page (Fixture *fixture,
          int      n)
{
  AdwTabView *view = ocg_window_get_tab_view (fixture->window);

  return OCG_SESSION_PAGE (adw_tab_page_get_child (adw_tab_view_get_nth_page (view, n)));
}

static AdwTabPage *
tab (Fixture *fixture,
     int      n)
{
  return adw_tab_view_get_nth_page (ocg_window_get_tab_view (fixture->window), n);
}

static int
n_tabs (Fixture *fixture)
{
  return adw_tab_view_get_n_pages (ocg_window_get_tab_view (fixture->window));
}

static int
selected (Fixture *fixture)
{
  AdwTabView *view = ocg_window_get_tab_view (fixture->window);

  return adw_tab_view_get_page_position (view, adw_tab_view_get_selected_page (view));
}

#define page_loaded window_fixture_page_loaded
#define page_not_loading window_fixture_page_not_loading

static GtkWidget *
tab_bar (Fixture *fixture)
{
  return app_test_find_by_type (GTK_WIDGET (fixture->window), ADW_TYPE_TAB_BAR, 0);
}

static char *
draft (OcgSessionPage *page)
{
  return ocg_composer_get_text (OCG_COMPOSER (ocg_session_page_get_composer (page)));
}

static gboolean
tab_needs_attention (gpointer data)
{
  return adw_tab_page_get_needs_attention (data);
}

static void
test_tabs (Fixture       *fixture,
           gconstpointer  data)
{
  AdwTabView *view = ocg_window_get_tab_view (fixture->window);
  OcgSidebar *sidebar = OCG_SIDEBAR (ocg_window_get_sidebar (fixture->window));

  /* One tab, and no bar for it */
  g_assert_cmpint (n_tabs (fixture), ==, 1);
  g_assert_false (gtk_widget_get_visible (tab_bar (fixture)));

  ocg_window_open_session (fixture->window, TOOLS);
  g_assert_true (app_test_wait (page_loaded, tab_page (fixture, 0), 30000));
  g_assert_cmpstr (adw_tab_page_get_title (tab (fixture, 0)), ==, window_fixture_session_title (fixture, TOOLS));

  /* A session beside it: the middle click of a sidebar row */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sidebar), "win.open-in-new-tab", "s", TASK));
  g_assert_cmpint (n_tabs (fixture), ==, 2);
  g_assert_cmpint (selected (fixture), ==, 1);
  g_assert_true (gtk_widget_get_visible (tab_bar (fixture)));
  g_assert_true (app_test_wait (page_loaded, tab_page (fixture, 1), 30000));
  g_assert_cmpstr (ocg_window_get_session (fixture->window), ==, TASK);
  g_assert_cmpstr (adw_tab_page_get_title (tab (fixture, 1)), ==, window_fixture_session_title (fixture, TASK));
  g_assert_cmpstr (ocg_sidebar_get_selected (sidebar), ==, TASK);
  /* The window's composer is the selected tab's */
  g_assert_true (ocg_window_get_composer (fixture->window) == ocg_session_page_get_composer (tab_page (fixture, 1)));

  /* Each tab keeps its draft */
  ocg_composer_set_text (OCG_COMPOSER (ocg_session_page_get_composer (tab_page (fixture, 1))), "Half a thought");
  g_assert_true (adw_tab_view_select_previous_page (view));
  g_assert_cmpint (selected (fixture), ==, 0);
  g_assert_cmpstr (ocg_window_get_session (fixture->window), ==, TOOLS);
  g_assert_cmpstr (ocg_sidebar_get_selected (sidebar), ==, TOOLS);
  {
    g_autofree char *left = draft (tab_page (fixture, 0));
    g_autofree char *right = draft (tab_page (fixture, 1));

    g_assert_cmpstr (left, ==, "");
    g_assert_cmpstr (right, ==, "Half a thought");
  }

  /* A session open in a tab is shown there, not opened twice */
  ocg_window_open_session (fixture->window, TASK);
  g_assert_cmpint (n_tabs (fixture), ==, 2);
  g_assert_cmpint (selected (fixture), ==, 1);
  adw_tab_view_set_selected_page (view, tab (fixture, 0));

  /* A turn that ends in the tab not looked at marks it, until it is seen */
  g_assert_false (adw_tab_page_get_needs_attention (tab (fixture, 1)));
  window_fixture_push (fixture, "session.status", "{\"sessionID\": \"%s\", \"status\": {\"type\": \"busy\"}}", TASK);
  g_assert_true (app_test_wait ((gboolean (*) (gpointer)) adw_tab_page_get_loading, tab (fixture, 1), 30000));
  g_assert_false (adw_tab_page_get_needs_attention (tab (fixture, 1)));
  window_fixture_push (fixture, "session.status", "{\"sessionID\": \"%s\", \"status\": {\"type\": \"idle\"}}", TASK);
  g_assert_true (app_test_wait (tab_needs_attention, tab (fixture, 1), 30000));
  g_assert_false (adw_tab_page_get_loading (tab (fixture, 1)));
  g_assert_false (adw_tab_page_get_needs_attention (tab (fixture, 0)));
  adw_tab_view_set_selected_page (view, tab (fixture, 1));
  g_assert_false (adw_tab_page_get_needs_attention (tab (fixture, 1)));

  /* So is the tab whose subagent asks for a permission */
  adw_tab_view_set_selected_page (view, tab (fixture, 0));
  window_fixture_push (fixture, "permission.asked",
                       "{\"id\": \"per_tabs\", \"sessionID\": \"%s\", \"permission\": \"bash\","
                       " \"patterns\": [\"ls\"], \"metadata\": {}}", FIXTURE_TASK_CHILD);
  g_assert_true (app_test_wait (tab_needs_attention, tab (fixture, 1), 30000));
  g_assert_false (adw_tab_page_get_needs_attention (tab (fixture, 0)));
  adw_tab_view_set_selected_page (view, tab (fixture, 1));
  g_assert_false (adw_tab_page_get_needs_attention (tab (fixture, 1)));

  /* Ctrl+W closes the tab; the last one stays, as a new session */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.close-tab", NULL));
  g_assert_cmpint (n_tabs (fixture), ==, 1);
  g_assert_false (gtk_widget_get_visible (tab_bar (fixture)));
  g_assert_cmpstr (ocg_window_get_session (fixture->window), ==, TOOLS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.close-tab", NULL));
  g_assert_cmpint (n_tabs (fixture), ==, 1);
  g_assert_null (ocg_window_get_session (fixture->window));
  g_assert_cmpstr (adw_tab_page_get_title (tab (fixture, 0)), ==, "New Session");

  /* Ctrl+T: a new session in a new tab, its composer focused */
  ocg_window_open_session (fixture->window, TOOLS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-tab", NULL));
  g_assert_cmpint (n_tabs (fixture), ==, 2);
  g_assert_cmpint (selected (fixture), ==, 1);
  g_assert_null (ocg_window_get_session (fixture->window));
  g_assert_cmpstr (ocg_session_page_get_session (tab_page (fixture, 0)), ==, TOOLS);
}

/* The closed tab's page is freed, and the window's actions reach the tab
 * that is left */
static void
test_closed_tab_is_freed (Fixture       *fixture,
                          gconstpointer  data)
{
  OcgSessionPage *page;

  ocg_window_open_session (fixture->window, TOOLS);
  ocg_window_open_session_in_tab (fixture->window, TASK);
  page = g_object_ref (tab_page (fixture, 1));
  g_assert_true (app_test_wait (page_loaded, page, 30000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.close-tab", NULL));
  g_assert_finalize_object (page);

  g_assert_cmpstr (ocg_window_get_session (fixture->window), ==, TOOLS);
  g_assert_true (g_action_group_get_action_enabled (ocg_session_page_get_actions (tab_page (fixture, 0)), "rename"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "session.load-older", "s", TOOLS));
}

/* A session the server made while the window was open, known from its
 * events only and shown in one tab already, opened in another */
static void
test_session_from_events_in_tab (Fixture       *fixture,
                                 gconstpointer  data)
{
  window_fixture_push (fixture, "session.created",
                       "{\"info\": {\"id\": \"ses_00new\", \"title\": \"Made just now\","
                       " \"directory\": \"/home/user/demo\", \"time\": {\"created\": 1, \"updated\": 1}}}");
  window_fixture_push (fixture, "message.updated",
                       "{\"info\": {\"id\": \"msg_00new\", \"sessionID\": \"ses_00new\", \"role\": \"user\","
                       " \"time\": {\"created\": 1}}}");
  ocg_window_open_session (fixture->window, "ses_00new");
  g_assert_true (app_test_wait (page_not_loading, tab_page (fixture, 0), 30000));
  ocg_window_open_session (fixture->window, TOOLS);
  ocg_window_open_session_in_tab (fixture->window, "ses_00new");
  g_assert_cmpint (n_tabs (fixture), ==, 2);
  g_assert_true (app_test_wait (page_not_loading, tab_page (fixture, 1), 30000));
}

static gboolean
window_loaded (gpointer data)
{
  OcgWindow *window = data;
  AdwTabView *view = ocg_window_get_tab_view (window);

  for (int i = 0; i < adw_tab_view_get_n_pages (view); i++)
    if (!page_loaded (adw_tab_page_get_child (adw_tab_view_get_nth_page (view, i))))
      return FALSE;
  return TRUE;
}

/* A project window's tabs come back on the next start */
static void
test_tabs_restored (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(OcgApplication) app = ocg_application_new ();
  GSettings *settings;
  g_autoptr(GVariant) saved = NULL;
  g_autoptr(GVariant) ids = NULL;
  OcgWindow *window;
  AdwTabView *view;
  int selected_tab = -1;
  const char *split = NULL;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  settings = ocg_application_get_settings (app);
  g_assert_nonnull (settings);
  g_settings_reset (settings, "open-tabs");
  window = ocg_window_new (app, fixture->connection);
  gtk_window_present (GTK_WINDOW (window));
  ocg_window_open_session (window, TOOLS);
  ocg_window_open_session_in_tab (window, TASK);
  ocg_window_open_session_in_tab (window, NULL);
  ocg_window_open_to_right (window, TOOLS);
  adw_tab_view_set_selected_page (ocg_window_get_tab_view (window),
                                  adw_tab_view_get_nth_page (ocg_window_get_tab_view (window), 1));
  saved = g_settings_get_value (settings, "open-tabs");
  g_assert_true (g_variant_lookup (saved, "/home/user/demo", "(@asi&s)", &ids, &selected_tab, &split));
  g_assert_cmpuint (g_variant_n_children (ids), ==, 3);
  g_assert_cmpint (selected_tab, ==, 1);
  g_assert_cmpstr (split, ==, TOOLS);
  gtk_window_destroy (GTK_WINDOW (window));

  /* The next window of the project */
  window = ocg_window_new (app, fixture->connection);
  gtk_window_present (GTK_WINDOW (window));
  view = ocg_window_get_tab_view (window);
  g_assert_cmpint (adw_tab_view_get_n_pages (view), ==, 3);
  g_assert_cmpint (adw_tab_view_get_page_position (view, adw_tab_view_get_selected_page (view)), ==, 1);
  g_assert_cmpstr (ocg_window_get_session (window), ==, TASK);
  g_assert_cmpstr (ocg_session_page_get_session (OCG_SESSION_PAGE (adw_tab_page_get_child (adw_tab_view_get_nth_page (view, 0)))), ==, TOOLS);
  g_assert_null (ocg_session_page_get_session (OCG_SESSION_PAGE (adw_tab_page_get_child (adw_tab_view_get_nth_page (view, 2)))));
  g_assert_nonnull (ocg_window_get_split_page (window));
  g_assert_cmpstr (ocg_session_page_get_session (OCG_SESSION_PAGE (ocg_window_get_split_page (window))), ==, TOOLS);
  /* Each shows its session, not just its title */
  adw_tab_view_close_page (view, adw_tab_view_get_nth_page (view, 2));
  g_assert_true (app_test_wait (window_loaded, window, 30000));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_focus_in (gpointer widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* Two sessions side by side: Ctrl+\ puts the one in front to the right as
 * well, each pane live with its own composer; the window follows the pane
 * the focus is in; Ctrl+W there closes it */
static void
test_split (Fixture       *fixture,
            gconstpointer  data)
{
  OcgSessionPage *left, *right;

  ocg_window_open_session (fixture->window, TOOLS);
  g_assert_null (ocg_window_get_split_page (fixture->window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.split", NULL));
  right = OCG_SESSION_PAGE (ocg_window_get_split_page (fixture->window));
  g_assert_nonnull (right);
  g_object_ref (right);
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (right)));
  g_assert_cmpstr (ocg_session_page_get_session (right), ==, TOOLS);
  g_assert_true (app_test_wait (page_loaded, right, 30000));
  g_assert_true (app_test_wait (has_focus_in, ocg_session_page_get_composer (right), 30000));
  /* The focus is in the right pane: the window acts on it */
  g_assert_true (ocg_window_get_composer (fixture->window) == ocg_session_page_get_composer (right));
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (fixture->window), window_fixture_session_title (fixture, TOOLS)));

  /* Another session on the left; both live */
  left = tab_page (fixture, 0);
  ocg_session_page_set_session (left, TASK);
  g_assert_true (app_test_wait (page_loaded, left, 30000));
  gtk_widget_grab_focus (ocg_session_page_get_composer (left));
  g_assert_true (ocg_window_get_composer (fixture->window) == ocg_session_page_get_composer (left));
  g_assert_cmpstr (ocg_window_get_session (fixture->window), ==, TASK);
  window_fixture_push (fixture, "session.status", "{\"sessionID\": \"%s\", \"status\": {\"type\": \"busy\"}}", TOOLS);
  g_assert_true (app_test_wait ((gboolean (*) (gpointer)) ocg_session_page_get_busy, right, 30000));
  g_assert_false (ocg_session_page_get_busy (left));
  g_assert_true (g_action_group_get_action_enabled (ocg_session_page_get_actions (right), "stop"));
  g_assert_false (g_action_group_get_action_enabled (ocg_session_page_get_actions (left), "stop"));

  /* Ctrl+W in the right pane closes it, and nothing else */
  gtk_widget_grab_focus (ocg_session_page_get_composer (right));
  g_assert_true (ocg_window_get_composer (fixture->window) == ocg_session_page_get_composer (right));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.close-tab", NULL));
  g_assert_null (ocg_window_get_split_page (fixture->window));
  g_assert_finalize_object (right);
  g_assert_cmpint (n_tabs (fixture), ==, 1);
  g_assert_cmpstr (ocg_window_get_session (fixture->window), ==, TASK);
  g_assert_true (ocg_window_get_composer (fixture->window) == ocg_session_page_get_composer (left));
}

static gboolean
has_no_menu (gpointer row)
{
  return app_test_find_by_type (row, GTK_TYPE_POPOVER_MENU, 0) == NULL;
}

/* A right click on a sidebar row offers the other ways to open it */
static void
test_row_menu (Fixture       *fixture,
               gconstpointer  data)
{
  OcgSidebar *sidebar = OCG_SIDEBAR (ocg_window_get_sidebar (fixture->window));
  GtkWidget *label = NULL, *row, *popover;
  GtkGesture *right = NULL;
  GMenuModel *model;
  g_autofree char *action = NULL;
  g_autofree char *target = NULL;
  GListModel *controllers;

  for (guint i = 0; i < 100 && label == NULL; i++)
    {
      label = app_test_find_label (GTK_WIDGET (sidebar), window_fixture_session_title (fixture, TOOLS));
      if (label == NULL)
        app_test_run_for (50);
    }
  g_assert_nonnull (label);
  row = gtk_widget_get_ancestor (label, GTK_TYPE_TREE_EXPANDER);
  controllers = gtk_widget_observe_controllers (row);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller) &&
          gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
        right = GTK_GESTURE (controller);
    }
  g_object_unref (controllers);
  g_assert_nonnull (right);

  g_signal_emit_by_name (right, "pressed", 1, 10.0, 10.0);
  popover = app_test_find_by_type (row, GTK_TYPE_POPOVER_MENU, 0);
  g_assert_nonnull (popover);
  model = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (popover));
  g_assert_cmpint (g_menu_model_get_n_items (model), ==, 2);
  g_assert_true (g_menu_model_get_item_attribute (model, 1, G_MENU_ATTRIBUTE_ACTION, "s", &action));
  g_assert_true (g_menu_model_get_item_attribute (model, 1, G_MENU_ATTRIBUTE_TARGET, "s", &target));
  g_assert_cmpstr (action, ==, "win.open-to-right");
  g_assert_cmpstr (target, ==, TOOLS);

  /* Chosen, it opens the session to the right */
  g_assert_true (gtk_widget_activate_action (popover, action, "s", target));
  g_assert_nonnull (ocg_window_get_split_page (fixture->window));
  g_assert_cmpstr (ocg_session_page_get_session (OCG_SESSION_PAGE (ocg_window_get_split_page (fixture->window))), ==, TOOLS);
  /* Closed, the menu goes */
  gtk_popover_popdown (GTK_POPOVER (popover));
  g_assert_true (app_test_wait (has_no_menu, row, 30000));
}

int
main (int   argc,
      char *argv[])
{
  app_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/tabs/" path, Fixture, NULL, window_fixture_setup, fn, window_fixture_teardown)
  ADD ("open-switch-close", test_tabs);
  ADD ("closed-tab-is-freed", test_closed_tab_is_freed);
  ADD ("session-from-events", test_session_from_events_in_tab);
  ADD ("restored", test_tabs_restored);
  ADD ("split", test_split);
  ADD ("row-menu", test_row_menu);
#undef ADD

  return g_test_run ();
}
