/* test-connection.c: the window when the server cannot be reached, answers
 * garbage or nothing, or refuses the password; and how soon it tries again
 * (the cap while it is seen, a network that changed, a resume)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"

#include <adwaita.h>
#include "fake-server.h"
#include "ocg-application.h"
#include "ocg-preferences.h"
#include "ocg-window.h"

#include <string.h>

#define SESSION "[{\"id\":\"ses_1\",\"title\":\"Back again\",\"time\":{\"created\":1,\"updated\":1}}]"

static gboolean
is_connected (gpointer data)
{
  return ocg_connection_get_state (data) == OCG_CONNECTION_CONNECTED &&
         ocg_sync_get_synced (ocg_connection_get_sync (data));
}

static OcgEventSource *
event_source (OcgConnection *connection)
{
  return ocg_sync_get_event_source (ocg_connection_get_sync (connection));
}

/* A label with @text that the user can see */
static GtkWidget *
shown_label (GtkWidget  *root,
             const char *text)
{
  GtkWidget *label = app_test_find_label (root, text);

  return label != NULL && gtk_widget_get_mapped (label) ? label : NULL;
}

/* The page that stands for the project while it cannot be shown */
static GtkWidget *
unreachable_page (OcgWindow *window)
{
  GtkWidget *page;

  for (guint i = 0; (page = app_test_find_by_type (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, i)) != NULL; i++)
    if (gtk_widget_get_mapped (page) &&
        g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (page)), "Cannot Connect") == 0)
      return page;
  return NULL;
}

typedef struct
{
  OcgWindow  *window;
  const char *text;
} Says;

static gboolean
page_says (gpointer data)
{
  Says *says = data;
  GtkWidget *page = unreachable_page (says->window);

  return page != NULL && shown_label (page, says->text) != NULL;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  GtkWidget *button;

  for (guint i = 0; (button = app_test_find_by_type (root, GTK_TYPE_BUTTON, i)) != NULL; i++)
    if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) == 0)
      return button;
  return NULL;
}

/* No page of the window is fading in or out: during a crossfade the page
 * left stays mapped */
static gboolean
transitions_done (gpointer data)
{
  GtkWidget *stack;

  for (guint i = 0; (stack = app_test_find_by_type (data, GTK_TYPE_STACK, i)) != NULL; i++)
    if (gtk_stack_get_transition_running (GTK_STACK (stack)))
      return FALSE;
  return TRUE;
}

/* What an empty project says, which a project that could not be fetched
 * must not, once the window has settled on its page */
static void
assert_no_empty_project (OcgWindow *window)
{
  g_assert_true (app_test_wait (transitions_done, window, 10000));
  g_assert_null (shown_label (ocg_window_get_sidebar (window), "No Sessions"));
  g_assert_null (shown_label (GTK_WIDGET (window), "Start the Conversation"));
}

/* An app of its own for each test: each registers on the bus */
static OcgApplication *
app_new (const char *test)
{
  g_autofree char *id = g_strconcat ("io.github.opencodegtk.OpencodeGtk.Test", test, NULL);

  return g_object_new (OCG_TYPE_APPLICATION,
                       "application-id", id,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE,
                       NULL);
}

static OcgWindow *
open_window (OcgApplication *app,
             OcgConnection  *connection,
             gboolean        present)
{
  OcgWindow *window = ocg_window_new (app, connection);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  if (present)
    gtk_window_present (GTK_WINDOW (window));
  ocg_connection_start (connection);
  return window;
}

static char *
refused_url (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);

  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
}

static void
test_unreachable_page (void)
{
  g_autofree char *url = refused_url ();
  g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, NULL, "/home/user/demo");
  OcgWindow *window = open_window (NULL, connection, TRUE);
  Says refused = { window, "The server refused the connection" };
  GtkWidget *page, *retry;
  guint attempts;

  g_assert_true (app_test_wait (page_says, &refused, 10000));
  page = unreachable_page (window);

  /* Where, when the next try is, and a way to try now */
  g_assert_nonnull (shown_label (page, url));
  g_assert_true (shown_label (page, "Next try in") != NULL || shown_label (page, "Trying again") != NULL);
  retry = find_button (page, "_Retry");
  g_assert_nonnull (retry);
  g_assert_true (gtk_widget_get_mapped (retry));
  g_assert_null (shown_label (page, "Preferences"));
  assert_no_empty_project (window);
  g_assert_null (shown_label (ocg_window_get_sidebar (window), "No Sessions"));
  g_assert_nonnull (shown_label (ocg_window_get_sidebar (window), "Not Connected"));

  attempts = ocg_event_source_get_attempts (event_source (connection));
  g_signal_emit_by_name (retry, "clicked");
  g_assert_cmpuint (ocg_event_source_get_attempts (event_source (connection)), ==, attempts + 1);
  g_assert_true (app_test_wait (page_says, &refused, 10000));

  gtk_window_destroy (GTK_WINDOW (window));
  ocg_connection_stop (connection);
}

static gboolean
sidebar_shows_session (gpointer data)
{
  return shown_label (ocg_window_get_sidebar (data), "Back again") != NULL && unreachable_page (data) == NULL;
}

static void
test_garbage_session_list_page (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, NULL, "/home/user/demo");
  OcgWindow *window;
  Says garbage = { NULL, "The server sent an answer that could not be read" };

  fake_server_set (server, "/session", "<html>502 Bad Gateway</html>");
  window = garbage.window = open_window (NULL, connection, TRUE);
  g_assert_true (app_test_wait (page_says, &garbage, 10000));
  assert_no_empty_project (window);

  /* The server is right again: Retry, and the sessions show */
  fake_server_set (server, "/session", SESSION);
  g_signal_emit_by_name (find_button (unreachable_page (window), "_Retry"), "clicked");
  g_assert_true (app_test_wait (sidebar_shows_session, window, 10000));
  g_assert_null (shown_label (ocg_window_get_sidebar (window), "Not Connected"));

  gtk_window_destroy (GTK_WINDOW (window));
  ocg_connection_stop (connection);
}

/* Accepts connections and never answers */
static gboolean
on_silent_incoming (GSocketService    *service,
                    GSocketConnection *connection,
                    GObject           *source,
                    gpointer           data)
{
  g_ptr_array_add (data, g_object_ref (connection));
  return TRUE;
}

static void
test_silent_server_page (void)
{
  g_autoptr(GSocketService) silent = g_socket_service_new ();
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  guint16 port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (silent), NULL, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, NULL, "/home/user/demo");
  OcgWindow *window;
  Says timed_out = { NULL, "The server did not answer in 1 s" };

  g_signal_connect (silent, "incoming", G_CALLBACK (on_silent_incoming), held);
  g_socket_service_start (silent);
  ocg_connection_set_timeout (connection, 1);
  window = timed_out.window = open_window (NULL, connection, TRUE);

  g_assert_true (app_test_wait (page_says, &timed_out, 10000));
  g_assert_cmpuint (held->len, >=, 1);
  assert_no_empty_project (window);

  gtk_window_destroy (GTK_WINDOW (window));
  ocg_connection_stop (connection);
  g_socket_service_stop (silent);
}

static GtkWidget *
password_row (GtkWidget *prefs)
{
  GtkWidget *row;

  for (guint i = 0; (row = app_test_find_by_type (prefs, ADW_TYPE_PASSWORD_ENTRY_ROW, i)) != NULL; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "Password") == 0)
      return row;
  return NULL;
}

static gboolean
connected_and_shown (gpointer data)
{
  OcgWindow *window = data;

  return is_connected (ocg_window_get_connection (window)) && unreachable_page (window) == NULL;
}

static void
test_wrong_password_then_fixed (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, "wrong", "/home/user/demo");
  OcgWindow *window;
  GtkWidget *prefs, *row;
  Says refused = { NULL, "The server refused the password" };

  fake_server_set_status (server, "/event", 401, "");
  fake_server_set (server, "/session", SESSION);
  window = refused.window = open_window (NULL, connection, TRUE);
  g_assert_true (app_test_wait (page_says, &refused, 10000));
  g_assert_nonnull (find_button (unreachable_page (window), "Open _Preferences"));
  g_assert_true (gtk_widget_get_mapped (find_button (unreachable_page (window), "Open _Preferences")));
  assert_no_empty_project (window);

  /* The user types the right one into Preferences and applies it */
  fake_server_set_status (server, "/event", 0, NULL);
  prefs = ocg_preferences_new (NULL, connection);
  gtk_window_present (GTK_WINDOW (prefs));
  row = password_row (prefs);
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), "right");
  g_signal_emit_by_name (row, "apply");

  /* Connected without a restart, with the new password */
  g_assert_true (app_test_wait (connected_and_shown, window, 10000));
  g_assert_cmpstr (fake_server_last_header (server, "Authorization"), ==, "Basic b3BlbmNvZGU6cmlnaHQ=");
  g_assert_nonnull (shown_label (ocg_window_get_sidebar (window), "Back again"));

  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
  ocg_connection_stop (connection);
}

static gboolean
is_waiting (gpointer data)
{
  return ocg_event_source_get_delay (data) > 0;
}

static void
test_quick_return_while_seen (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, NULL, "/home/user/demo");
  OcgWindow *window = open_window (NULL, connection, TRUE);
  OcgEventSource *source;

  g_assert_true (app_test_wait (is_connected, connection, 10000));
  source = event_source (connection);

  /* Seen: a few seconds at most between attempts, even where the backoff
   * has grown (here it would wait 10 to 20 s) */
  g_assert_cmpuint (ocg_event_source_get_delay_cap (source), >, 0);
  g_assert_cmpuint (ocg_event_source_get_delay_cap (source), <=, 5000);
  ocg_event_source_set_backoff (source, 20000, 60000);
  fake_server_set_status (server, "/event", 503, "{\"message\":\"restarting\"}");
  fake_server_end_streams (server);
  g_assert_true (app_test_wait (is_waiting, source, 10000));
  g_assert_cmpuint (ocg_event_source_get_delay (source), <=, 5000);

  /* Back: connected within the cap */
  fake_server_set_status (server, "/event", 0, NULL);
  g_assert_true (app_test_wait (is_connected, connection, 10000));

  /* Not seen: the backoff's own delays */
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  g_assert_cmpuint (ocg_event_source_get_delay_cap (source), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  ocg_connection_stop (connection);
}

static void
test_network_change_reconnects (void)
{
  g_autoptr(OcgApplication) app = app_new ("Network");
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, NULL, "/home/user/demo");
  GNetworkMonitor *monitor = g_network_monitor_get_default ();
  OcgWindow *window;
  OcgEventSource *source;
  guint attempts;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  /* In the background: no cap, the backoff's own long waits */
  window = open_window (app, connection, FALSE);
  g_assert_true (app_test_wait (is_connected, connection, 10000));
  source = event_source (connection);
  ocg_event_source_set_backoff (source, 60000, 60000);
  fake_server_set_status (server, "/event", 503, "{\"message\":\"restarting\"}");
  fake_server_end_streams (server);
  g_assert_true (app_test_wait (is_waiting, source, 10000));
  fake_server_set_status (server, "/event", 0, NULL);

  /* The network went away: nothing to try */
  attempts = ocg_event_source_get_attempts (source);
  g_signal_emit_by_name (monitor, "network-changed", FALSE);
  g_assert_cmpuint (ocg_event_source_get_attempts (source), ==, attempts);

  /* It is back: an attempt at once, not in a minute */
  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  g_assert_cmpuint (ocg_event_source_get_attempts (source), ==, attempts + 1);
  g_assert_true (app_test_wait (is_connected, connection, 10000));

  gtk_window_destroy (GTK_WINDOW (window));
  ocg_connection_stop (connection);
}

static void
test_back_to_window_reconnects (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, NULL, "/home/user/demo");
  OcgWindow *window = open_window (NULL, connection, TRUE);
  OcgEventSource *source;
  guint attempts;

  g_assert_true (app_test_wait (is_connected, connection, 10000));
  g_assert_true (gtk_window_is_active (GTK_WINDOW (window)));
  source = event_source (connection);

  /* Lively: coming back to the window changes nothing */
  attempts = ocg_event_source_get_attempts (source);
  g_object_notify (G_OBJECT (window), "is-active");
  g_assert_cmpuint (ocg_event_source_get_attempts (source), ==, attempts);

  /* Down and waiting: the user comes back to the window, and it tries now */
  fake_server_set_status (server, "/event", 503, "{\"message\":\"restarting\"}");
  fake_server_end_streams (server);
  g_assert_true (app_test_wait (is_waiting, source, 10000));
  fake_server_set_status (server, "/event", 0, NULL);
  attempts = ocg_event_source_get_attempts (source);
  g_object_notify (G_OBJECT (window), "is-active");
  g_assert_cmpuint (ocg_event_source_get_attempts (source), ==, attempts + 1);
  g_assert_true (app_test_wait (is_connected, connection, 10000));

  gtk_window_destroy (GTK_WINDOW (window));
  ocg_connection_stop (connection);
}

typedef struct
{
  GDBusConnection *bus;
  OcgEventSource  *source;
  guint            attempts;
  gint64           said;
} Wake;

static gboolean
keep_looping (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* logind says the machine woke up; again now and then until the app, which
 * subscribes when its bus connection is up, has heard it */
static gboolean
woke_up (gpointer data)
{
  Wake *wake = data;

  if (ocg_event_source_get_attempts (wake->source) > wake->attempts)
    return TRUE;
  if (g_get_monotonic_time () - wake->said >= 200 * 1000)
    {
      wake->said = g_get_monotonic_time ();
      g_dbus_connection_emit_signal (wake->bus, NULL, "/org/freedesktop/login1", "org.freedesktop.login1.Manager",
                                     "PrepareForSleep", g_variant_new ("(b)", FALSE), NULL);
    }
  return FALSE;
}

static void
test_resume_reconnects (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(OcgApplication) app = NULL;
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, NULL, "/home/user/demo");
  OcgWindow *window;
  Wake wake = { bus, NULL, 0, 0 };
  guint name_id, tick;

  /* A stand-in for logind: the session bus plays the system bus */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_getenv ("DBUS_SESSION_BUS_ADDRESS"), TRUE);
  name_id = g_bus_own_name_on_connection (bus, "org.freedesktop.login1", G_BUS_NAME_OWNER_FLAGS_NONE,
                                          NULL, NULL, NULL, NULL);
  app = app_new ("Resume");
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  window = open_window (app, connection, FALSE);
  g_assert_true (app_test_wait (is_connected, connection, 10000));
  wake.source = event_source (connection);
  ocg_event_source_set_backoff (wake.source, 60000, 60000);
  fake_server_set_status (server, "/event", 503, "{\"message\":\"restarting\"}");
  fake_server_end_streams (server);
  g_assert_true (app_test_wait (is_waiting, wake.source, 10000));
  fake_server_set_status (server, "/event", 0, NULL);

  /* Awake again: an attempt at once, not in a minute */
  wake.attempts = ocg_event_source_get_attempts (wake.source);
  tick = g_timeout_add (50, keep_looping, NULL);
  g_assert_true (app_test_wait (woke_up, &wake, 10000));
  g_source_remove (tick);
  g_assert_true (app_test_wait (is_connected, connection, 10000));

  gtk_window_destroy (GTK_WINDOW (window));
  ocg_connection_stop (connection);
  g_bus_unown_name (name_id);
  g_unsetenv ("DBUS_SYSTEM_BUS_ADDRESS");
}

int
main (int   argc,
      char *argv[])
{
  app_test_init (&argc, &argv);

  g_test_add_func ("/connection/unreachable-page", test_unreachable_page);
  g_test_add_func ("/connection/garbage-session-list-page", test_garbage_session_list_page);
  g_test_add_func ("/connection/silent-server-page", test_silent_server_page);
  g_test_add_func ("/connection/wrong-password-then-fixed", test_wrong_password_then_fixed);
  g_test_add_func ("/connection/quick-return-while-seen", test_quick_return_while_seen);
  g_test_add_func ("/connection/network-change-reconnects", test_network_change_reconnects);
  g_test_add_func ("/connection/back-to-window-reconnects", test_back_to_window_reconnects);
  /* Last: it makes the session bus stand for the system bus */
  g_test_add_func ("/connection/resume-reconnects", test_resume_reconnects);

  return g_test_run ();
}
