/* test-keyboard.c: the window driven from the keyboard, with real key
 * presses (XTest, under Xvfb): Tab and Shift+Tab go from region to region
 * instead of through every paragraph of the transcript, F6 cycles the
 * regions, arrows move within a list, and a focused row's text can be copied
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "fake-server.h"
#include "ocg-chat-view.h"
#include "ocg-composer.h"
#include "ocg-sidebar.h"
#include "ocg-window.h"

#include <string.h>

#define SESSION "ses_0kbd"
#define OTHER "ses_1kbd"

typedef struct
{
  FakeServer    *server;
  OcgConnection *connection;
  OcgWindow     *window;
  guint          releases;
} Fixture;

/* An answer with every kind of block the transcript renders */
static const char answer[] =
  "The build failed because the header is generated late.\\n\\n"
  "## What changed\\n\\n"
  "Two things:\\n\\n"
  "- the header moved\\n- the include path did not\\n- nothing else\\n\\n"
  "| File | Lines |\\n|---|---|\\n| main.c | 3 |\\n| util.c | 12 |\\n\\n"
  "```c\\n#include \\\"config.h\\\"\\nint main (void) { return 0; }\\n```\\n\\n"
  "That is all.";

static char *
turn_json (guint n)
{
  return g_strdup_printf (
    "{\"info\":{\"id\":\"msg_%u0kbd\",\"sessionID\":\"" SESSION "\",\"role\":\"user\",\"time\":{\"created\":%u000}},"
    "\"parts\":[{\"id\":\"prt_%u0kbd\",\"sessionID\":\"" SESSION "\",\"messageID\":\"msg_%u0kbd\",\"type\":\"text\",\"text\":\"Question number %u\"}]},"
    "{\"info\":{\"id\":\"msg_%u1kbd\",\"sessionID\":\"" SESSION "\",\"role\":\"assistant\",\"parentID\":\"msg_%u0kbd\","
    "\"modelID\":\"fake-model\",\"providerID\":\"fake\",\"agent\":\"build\",\"finish\":\"stop\","
    "\"time\":{\"created\":%u001,\"completed\":%u900}},"
    "\"parts\":[{\"id\":\"prt_%u1kbd\",\"sessionID\":\"" SESSION "\",\"messageID\":\"msg_%u1kbd\",\"type\":\"tool\",\"tool\":\"read\","
    "\"callID\":\"c%u\",\"state\":{\"status\":\"completed\",\"input\":{\"filePath\":\"/home/user/demo/main.c\"},"
    "\"output\":\"int main\",\"title\":\"main.c\",\"time\":{\"start\":%u100,\"end\":%u200}}},"
    "{\"id\":\"prt_%u2kbd\",\"sessionID\":\"" SESSION "\",\"messageID\":\"msg_%u1kbd\",\"type\":\"text\",\"text\":\"%s\"}]}",
    n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, answer);
}

static gboolean
is_connected (gpointer data)
{
  Fixture *fixture = data;

  return ocg_connection_get_state (fixture->connection) == OCG_CONNECTION_CONNECTED &&
         ocg_sync_get_synced (ocg_connection_get_sync (fixture->connection));
}

static gboolean
on_key_released (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 Fixture               *fixture)
{
  fixture->releases++;
  return FALSE;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GString) messages = g_string_new ("[");
  g_autofree char *url = NULL;
  GtkEventController *keys;

  fixture->server = fake_server_new ();
  for (guint n = 1; n <= 3; n++)
    {
      g_autofree char *turn = turn_json (n);

      if (n > 1)
        g_string_append_c (messages, ',');
      g_string_append (messages, turn);
    }
  g_string_append_c (messages, ']');
  fake_server_set (fixture->server, "/session",
                   "[{\"id\":\"" SESSION "\",\"title\":\"Fix the build\",\"directory\":\"/home/user/demo\",\"time\":{\"created\":1000,\"updated\":9000}},"
                   "{\"id\":\"" OTHER "\",\"title\":\"Write the notes\",\"directory\":\"/home/user/demo\",\"time\":{\"created\":1000,\"updated\":5000}}]");
  fake_server_set (fixture->server, "/session/" SESSION "/message", messages->str);
  fake_server_set (fixture->server, "/session/" OTHER "/message", "[]");
  fake_server_set (fixture->server, "/session/" SESSION "/todo", "[]");
  fake_server_set (fixture->server, "/session/" OTHER "/todo", "[]");

  url = fake_server_get_url (fixture->server);
  fixture->connection = ocg_connection_new_remote (url, NULL, NULL, "/home/user/demo");
  fixture->window = ocg_window_new (NULL, fixture->connection);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-released", G_CALLBACK (on_key_released), fixture);
  gtk_widget_add_controller (GTK_WIDGET (fixture->window), keys);
  gtk_window_present (GTK_WINDOW (fixture->window));
  ocg_connection_start (fixture->connection);
  g_assert_true (app_test_wait (is_connected, fixture, 10000));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  ocg_connection_stop (fixture->connection);
  g_clear_object (&fixture->connection);
  app_test_run_for (50);
  fake_server_free (fixture->server);
}

typedef struct
{
  Fixture *fixture;
  guint    releases;
} Released;

static gboolean
released (gpointer data)
{
  Released *wait = data;

  return wait->fixture->releases >= wait->releases;
}

/* A real key press and release, through the X server, with @modifier held
 * (0 for none); returns when the window has handled it */
static void
press (Fixture *fixture,
       guint    keysym,
       guint    modifier)
{
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (GTK_WIDGET (fixture->window)));
  Released wait = { fixture, fixture->releases + 1 + (modifier != 0) };

  if (modifier != 0)
    XTestFakeKeyEvent (display, XKeysymToKeycode (display, modifier), True, CurrentTime);
  XTestFakeKeyEvent (display, XKeysymToKeycode (display, keysym), True, CurrentTime);
  XTestFakeKeyEvent (display, XKeysymToKeycode (display, keysym), False, CurrentTime);
  if (modifier != 0)
    XTestFakeKeyEvent (display, XKeysymToKeycode (display, modifier), False, CurrentTime);
  XFlush (display);
  g_assert_true (app_test_wait (released, &wait, 5000));
}

static GtkWidget *
focus (Fixture *fixture)
{
  return gtk_root_get_focus (GTK_ROOT (fixture->window));
}

static gboolean
within (GtkWidget *widget,
        GtkWidget *region)
{
  return widget != NULL && (widget == region || gtk_widget_is_ancestor (widget, region));
}

typedef enum { SIDEBAR, TRANSCRIPT, DOCK, COMPOSER, ELSEWHERE } Area;

static Area
region_of (Fixture   *fixture,
           GtkWidget *widget)
{
  if (within (widget, ocg_window_get_sidebar (fixture->window)))
    return SIDEBAR;
  if (within (widget, ocg_window_get_chat_view (fixture->window)))
    return TRANSCRIPT;
  if (within (widget, ocg_window_get_prompt_dock (fixture->window)))
    return DOCK;
  if (within (widget, ocg_window_get_composer (fixture->window)))
    return COMPOSER;
  return ELSEWHERE;
}

static gboolean
transcript_shown (gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *view = ocg_window_get_chat_view (fixture->window);
  GtkWidget *label;

  if (app_test_find_label (view, "Question number 1") == NULL)
    return FALSE;

  /* The end of an answer (each turn ends alike) on screen, laid out */
  for (guint i = 0; (label = app_test_find_nth_label (view, "That is all.", i)) != NULL; i++)
    {
      graphene_rect_t bounds;

      if (gtk_widget_get_mapped (label) &&
          gtk_widget_compute_bounds (label, view, &bounds) && bounds.size.height > 0 &&
          bounds.origin.y >= 0 && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (view))
        return TRUE;
    }
  return FALSE;
}

static void
open_session (Fixture *fixture)
{
  ocg_window_open_session (fixture->window, SESSION);
  g_assert_true (app_test_wait (transcript_shown, fixture, 10000));
  gtk_widget_grab_focus (ocg_window_get_composer (fixture->window));
  g_assert_true (region_of (fixture, focus (fixture)) == COMPOSER);
}

/* The row of the transcript that holds @widget: the list view's child */
static GtkWidget *
transcript_row (Fixture   *fixture,
                GtkWidget *widget)
{
  GtkWidget *list = GTK_WIDGET (ocg_chat_view_get_list_view (OCG_CHAT_VIEW (ocg_window_get_chat_view (fixture->window))));

  while (widget != NULL && gtk_widget_get_parent (widget) != list)
    widget = gtk_widget_get_parent (widget);
  return widget;
}

static int
row_y (GtkWidget *row)
{
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (row, gtk_widget_get_parent (row), &GRAPHENE_POINT_INIT (0, 0), &point));
  return (int) point.y;
}

/* Tab from the composer all the way round: each region is passed once, and
 * the transcript, with its paragraphs, lists, table cells and code, is one
 * stop (its row) plus that row's buttons, not a stop per block of text */
static void
test_tab_goes_round_the_regions (Fixture       *fixture,
                                 gconstpointer  data)
{
  GtkWidget *start;
  guint in_transcript = 0, n = 0;
  gboolean seen[ELSEWHERE + 1] = { FALSE };

  open_session (fixture);
  start = focus (fixture);
  do
    {
      GtkWidget *widget;

      press (fixture, XK_Tab, 0);
      widget = focus (fixture);
      g_assert_nonnull (widget);
      g_test_message ("Tab %u: %s in region %d", n, G_OBJECT_TYPE_NAME (widget), region_of (fixture, widget));
      seen[region_of (fixture, widget)] = TRUE;
      if (region_of (fixture, widget) == TRANSCRIPT)
        {
          in_transcript++;
          /* A row or a button in it; text is no Tab stop */
          g_assert_nonnull (transcript_row (fixture, widget));
          g_assert_false (GTK_IS_LABEL (widget));
          g_assert_false (GTK_IS_TEXT_VIEW (widget));
        }
      n++;
    }
  while (focus (fixture) != start && n < 60);

  /* Back where it started, after a round that is not long */
  g_assert_true (focus (fixture) == start);
  g_assert_true (seen[SIDEBAR]);
  g_assert_true (seen[TRANSCRIPT]);
  g_assert_cmpuint (in_transcript, >=, 1);
  g_assert_cmpuint (in_transcript, <=, 3);
  g_assert_cmpuint (n, <=, 20);
}

/* Shift+Tab from the composer goes back into the transcript, then on to
 * the regions before it */
static void
test_shift_tab_from_composer (Fixture       *fixture,
                              gconstpointer  data)
{
  GtkWidget *row;
  guint n = 0;

  open_session (fixture);
  press (fixture, XK_Tab, XK_Shift_L);
  g_assert_cmpint (region_of (fixture, focus (fixture)), ==, TRANSCRIPT);
  row = transcript_row (fixture, focus (fixture));
  g_assert_nonnull (row);
  /* The row on screen nearest the composer */
  {
    GtkWidget *view = ocg_window_get_chat_view (fixture->window);
    GtkWidget *list = gtk_widget_get_parent (row);

    for (GtkWidget *other = gtk_widget_get_first_child (list); other != NULL; other = gtk_widget_get_next_sibling (other))
      {
        graphene_rect_t bounds;

        if (other != row && gtk_widget_compute_bounds (other, view, &bounds) &&
            bounds.origin.y < gtk_widget_get_height (view) && bounds.origin.y + bounds.size.height > 0)
          g_assert_cmpint (row_y (other), <, row_y (row));
      }
  }

  /* On backwards, out of the transcript, to the sidebar */
  while (region_of (fixture, focus (fixture)) != SIDEBAR && n++ < 12)
    press (fixture, XK_Tab, XK_Shift_L);
  g_assert_cmpint (region_of (fixture, focus (fixture)), ==, SIDEBAR);
}

/* F6 and Shift+F6 cycle sidebar, transcript and composer */
static void
test_f6_cycles_regions (Fixture       *fixture,
                        gconstpointer  data)
{
  static const Area forward[] = { SIDEBAR, TRANSCRIPT, COMPOSER, SIDEBAR };
  static const Area backward[] = { TRANSCRIPT, SIDEBAR, COMPOSER };

  open_session (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (forward); i++)
    {
      press (fixture, XK_F6, 0);
      g_assert_cmpint (region_of (fixture, focus (fixture)), ==, forward[i]);
    }
  press (fixture, XK_F6, 0);
  press (fixture, XK_F6, 0);
  g_assert_cmpint (region_of (fixture, focus (fixture)), ==, COMPOSER);
  for (guint i = 0; i < G_N_ELEMENTS (backward); i++)
    {
      press (fixture, XK_F6, XK_Shift_L);
      g_assert_cmpint (region_of (fixture, focus (fixture)), ==, backward[i]);
    }
}

/* Up and Down move from row to row, in the transcript and in the sidebar */
static void
test_arrows_move_within (Fixture       *fixture,
                         gconstpointer  data)
{
  OcgSidebar *sidebar = OCG_SIDEBAR (ocg_window_get_sidebar (fixture->window));
  GtkWidget *row, *above;

  open_session (fixture);
  press (fixture, XK_Tab, XK_Shift_L);
  row = transcript_row (fixture, focus (fixture));
  g_assert_nonnull (row);
  press (fixture, XK_Up, 0);
  above = transcript_row (fixture, focus (fixture));
  g_assert_nonnull (above);
  g_assert_true (above != row);
  g_assert_cmpint (row_y (above), <, row_y (row));
  press (fixture, XK_Down, 0);
  g_assert_true (transcript_row (fixture, focus (fixture)) == row);

  /* The sidebar: the open session's row, then the one below it */
  press (fixture, XK_F6, 0);
  while (region_of (fixture, focus (fixture)) != SIDEBAR)
    press (fixture, XK_F6, 0);
  if (GTK_IS_EDITABLE (focus (fixture)) || GTK_IS_TEXT (focus (fixture)))
    press (fixture, XK_Tab, 0);
  g_assert_cmpint (region_of (fixture, focus (fixture)), ==, SIDEBAR);
  row = focus (fixture);
  g_assert_nonnull (app_test_find_label (row, "Fix the build"));
  press (fixture, XK_Down, 0);
  g_assert_nonnull (app_test_find_label (focus (fixture), "Write the notes"));
  /* As in GNOME's sidebars, the row under the focus opens */
  g_assert_cmpstr (ocg_sidebar_get_selected (sidebar), ==, OTHER);
}



/* Ctrl+C on a focused row copies its text */
static void
test_copy_from_focused_row (Fixture       *fixture,
                            gconstpointer  data)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (fixture->window));
  g_autofree char *text = NULL;

  open_session (fixture);
  gdk_clipboard_set_text (clipboard, "");
  press (fixture, XK_Tab, XK_Shift_L);
  g_assert_cmpint (region_of (fixture, focus (fixture)), ==, TRANSCRIPT);
  /* Up to the row with the end of the last answer */
  for (guint i = 0; i < 4 && app_test_find_label (focus (fixture), "That is all.") == NULL; i++)
    press (fixture, XK_Up, 0);
  g_assert_nonnull (app_test_find_label (focus (fixture), "That is all."));
  press (fixture, XK_c, XK_Control_L);
  text = app_test_read_clipboard (clipboard);
  g_assert_nonnull (strstr (text, "That is all."));
  g_assert_nonnull (strstr (text, "the header moved"));
}

/* Enter on a focused row moves into its text, where Shift+arrows select
 * and Ctrl+C copies the selection; Escape goes back to the row */
static void
test_enter_into_row_text (Fixture       *fixture,
                          gconstpointer  data)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (fixture->window));
  g_autofree char *text = NULL;
  GtkWidget *row, *label;
  int start, end;

  open_session (fixture);
  press (fixture, XK_Tab, XK_Shift_L);
  for (guint i = 0; i < 4 && app_test_find_label (focus (fixture), "That is all.") == NULL; i++)
    press (fixture, XK_Up, 0);
  row = focus (fixture);
  g_assert_nonnull (app_test_find_label (row, "That is all."));

  press (fixture, XK_Return, 0);
  label = focus (fixture);
  g_assert_true (GTK_IS_LABEL (label));
  g_assert_true (gtk_widget_is_ancestor (label, row));
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (label)));

  /* Select the first word from the keyboard and copy it */
  gdk_clipboard_set_text (clipboard, "");
  press (fixture, XK_Home, XK_Control_L);
  press (fixture, XK_Right, XK_Shift_L);
  press (fixture, XK_Right, XK_Shift_L);
  g_assert_true (gtk_label_get_selection_bounds (GTK_LABEL (label), &start, &end));
  g_assert_cmpint (end - start, ==, 2);
  press (fixture, XK_c, XK_Control_L);
  text = app_test_read_clipboard (clipboard);
  g_assert_cmpuint (strlen (text), ==, 2);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), text));

  press (fixture, XK_Escape, 0);
  g_assert_true (focus (fixture) == row);
}

static void
skip_without_x11 (void)
{
  g_test_skip ("Key presses are sent through the X server (Xvfb)");
}

int
main (int   argc,
      char *argv[])
{
  app_test_init (&argc, &argv);

  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_add_func ("/keyboard/needs-x11", skip_without_x11);
      return g_test_run ();
    }

#define ADD(path, fn) g_test_add ("/keyboard/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("tab-goes-round-the-regions", test_tab_goes_round_the_regions);
  ADD ("shift-tab-from-composer", test_shift_tab_from_composer);
  ADD ("f6-cycles-regions", test_f6_cycles_regions);
  ADD ("arrows-move-within", test_arrows_move_within);
  ADD ("copy-from-focused-row", test_copy_from_focused_row);
  ADD ("enter-into-row-text", test_enter_into_row_text);
#undef ADD

  return g_test_run ();
}
