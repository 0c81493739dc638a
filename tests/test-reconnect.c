/* test-reconnect.c: what a connection says when the server cannot be
 * reached, answers nothing or garbage, or refuses the password; how soon it
 * tries again (the delay cap, "reconnect if quiet"); and a new password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fake-server.h"
#include "ocg-connection.h"

#include <string.h>

static gboolean
is_connected (gpointer data)
{
  return ocg_connection_get_state (data) == OCG_CONNECTION_CONNECTED &&
         ocg_sync_get_synced (ocg_connection_get_sync (data));
}

typedef struct
{
  OcgConnection *connection;
  int            code;
} Failure;

/* Down (reconnecting or failed) for a client error of that kind */
static gboolean
has_failed_with (gpointer data)
{
  Failure *f = data;
  OcgConnectionState state = ocg_connection_get_state (f->connection);

  return (state == OCG_CONNECTION_RECONNECTING || state == OCG_CONNECTION_FAILED) &&
         g_error_matches (ocg_connection_get_failure (f->connection), OCG_CLIENT_ERROR, f->code);
}

static OcgEventSource *
event_source (OcgConnection *connection)
{
  return ocg_sync_get_event_source (ocg_connection_get_sync (connection));
}

/* An address where nothing listens */
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
test_refused_and_not_found (void)
{
  g_autofree char *url = refused_url ();
  g_autoptr(OcgConnection) refused = ocg_connection_new_remote (url, NULL, NULL, "/tmp");
  g_autoptr(OcgConnection) unknown = ocg_connection_new_remote ("http://no-such-host.invalid:4096", NULL, NULL, "/tmp");
  Failure f1 = { refused, OCG_CLIENT_ERROR_REFUSED };
  Failure f2 = { unknown, OCG_CLIENT_ERROR_HOST_NOT_FOUND };

  ocg_connection_start (refused);
  ocg_connection_start (unknown);
  spin_until (has_failed_with, &f1, 10000);
  spin_until (has_failed_with, &f2, 10000);
  /* The server's address is in the words too */
  g_assert_nonnull (strstr (ocg_connection_get_error (refused), url));
  ocg_connection_stop (refused);
  ocg_connection_stop (unknown);
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
test_silent_server_times_out (void)
{
  g_autoptr(GSocketService) silent = g_socket_service_new ();
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  guint16 port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (silent), NULL, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, NULL, "/tmp");
  Failure timed_out = { connection, OCG_CLIENT_ERROR_TIMED_OUT };

  g_signal_connect (silent, "incoming", G_CALLBACK (on_silent_incoming), held);
  g_socket_service_start (silent);
  g_assert_cmpuint (ocg_connection_get_timeout (connection), >=, 15);
  g_assert_cmpuint (ocg_connection_get_timeout (connection), <=, 30);
  ocg_connection_set_timeout (connection, 1);
  ocg_connection_start (connection);

  /* Not "connecting" for ever: a time-out, in words that say so */
  spin_until (has_failed_with, &timed_out, 10000);
  g_assert_cmpuint (held->len, >=, 1);
  g_assert_nonnull (strstr (ocg_connection_get_error (connection), "did not answer in 1 s"));
  ocg_connection_stop (connection);
  g_socket_service_stop (silent);
}

static void
test_garbage_session_list (void)
{
  static const char *answers[] = { "<html>Bad Gateway</html>", "{\"sessions\":[]}" };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(FakeServer) server = fake_server_new ();
      g_autofree char *url = fake_server_get_url (server);
      g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, NULL, "/tmp");
      Failure garbage = { connection, OCG_CLIENT_ERROR_INVALID_RESPONSE };

      /* Not an empty list: an error, and the connection is tried again */
      fake_server_set (server, "/session", answers[i]);
      ocg_connection_start (connection);
      spin_until (has_failed_with, &garbage, 10000);
      g_assert_cmpint (ocg_connection_get_state (connection), ==, OCG_CONNECTION_RECONNECTING);
      g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_sessions (ocg_connection_get_store (connection))), ==, 0);

      /* Once the answer is right, the sessions come */
      fake_server_set (server, "/session", "[{\"id\":\"ses_1\",\"title\":\"Back\",\"time\":{\"created\":1,\"updated\":1}}]");
      ocg_connection_retry (connection);
      spin_until (is_connected, connection, 10000);
      g_assert_nonnull (ocg_store_lookup_session (ocg_connection_get_store (connection), "ses_1"));
      g_assert_null (ocg_connection_get_error (connection));
      ocg_connection_stop (connection);
    }
}

/* The stream answers, the list of sessions does not */
static void
test_session_list_times_out (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, NULL, "/tmp");
  Failure timed_out = { connection, OCG_CLIENT_ERROR_TIMED_OUT };

  fake_server_hold (server, "/session");
  ocg_connection_set_timeout (connection, 1);
  ocg_connection_start (connection);
  spin_until (has_failed_with, &timed_out, 10000);
  g_assert_cmpuint (g_list_model_get_n_items (ocg_store_get_sessions (ocg_connection_get_store (connection))), ==, 0);

  /* It answers again: connected, with its sessions */
  fake_server_release (server);
  fake_server_set (server, "/session", "[{\"id\":\"ses_1\",\"title\":\"Back\",\"time\":{\"created\":1,\"updated\":1}}]");
  ocg_connection_retry (connection);
  spin_until (is_connected, connection, 10000);
  g_assert_nonnull (ocg_store_lookup_session (ocg_connection_get_store (connection), "ses_1"));
  ocg_connection_stop (connection);
}

static void
test_new_password_connects (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, "wrong", "/tmp");
  Failure refused = { connection, OCG_CLIENT_ERROR_UNAUTHORIZED };

  fake_server_set_status (server, "/event", 401, "");
  ocg_connection_start (connection);
  spin_until (has_failed_with, &refused, 10000);
  g_assert_cmpint (ocg_connection_get_state (connection), ==, OCG_CONNECTION_FAILED);

  /* No restart: the new password is used at once */
  fake_server_set_status (server, "/event", 0, NULL);
  ocg_connection_set_password (connection, "right");
  spin_until (is_connected, connection, 10000);
  g_assert_cmpstr (fake_server_last_header (server, "Authorization"), ==, "Basic b3BlbmNvZGU6cmlnaHQ=");
  ocg_connection_stop (connection);
}

typedef struct
{
  OcgEventSource *source;
  guint           attempts;
} Attempts;

static gboolean
has_attempts (gpointer data)
{
  Attempts *a = data;

  return ocg_event_source_get_attempts (a->source) >= a->attempts;
}

static void
on_delay (OcgEventSource *source,
          GParamSpec     *pspec,
          guint          *longest)
{
  *longest = MAX (*longest, ocg_event_source_get_delay (source));
}

static gboolean
is_waiting (gpointer data)
{
  return ocg_event_source_get_delay (data) > 0;
}

static void
test_delay_cap (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, NULL, "/tmp");
  OcgEventSource *source;
  Attempts ten = { NULL, 10 };
  guint longest = 0;

  ocg_connection_start (connection);
  spin_until (is_connected, connection, 10000);
  source = event_source (connection);
  ten.source = source;
  ocg_event_source_set_backoff (source, 40, 60000);
  g_signal_connect (source, "notify::delay", G_CALLBACK (on_delay), &longest);

  /* The server goes away for a while: with a cap of 100 ms the delays stay
   * short however many attempts fail (without, the tenth would be 20 s) */
  ocg_connection_set_delay_cap (connection, 100);
  g_assert_cmpuint (ocg_event_source_get_delay_cap (source), ==, 100);
  fake_server_set_status (server, "/event", 503, "{\"message\":\"restarting\"}");
  fake_server_end_streams (server);
  ten.attempts += ocg_event_source_get_attempts (source);
  spin_until (has_attempts, &ten, 10000);
  g_assert_cmpuint (longest, >, 0);
  g_assert_cmpuint (longest, <=, 100);

  /* Back: connected within the cap */
  fake_server_set_status (server, "/event", 0, NULL);
  spin_until (is_connected, connection, 10000);

  /* A long wait under way ends sooner when a cap comes */
  ocg_connection_set_delay_cap (connection, 0);
  ocg_event_source_set_backoff (source, 60000, 60000);
  fake_server_set_status (server, "/event", 503, "{\"message\":\"restarting\"}");
  fake_server_end_streams (server);
  spin_until (is_waiting, source, 10000);
  g_assert_cmpuint (ocg_event_source_get_delay (source), >=, 30000);
  fake_server_set_status (server, "/event", 0, NULL);
  ocg_connection_set_delay_cap (connection, 50);
  g_assert_cmpuint (ocg_event_source_get_delay (source), ==, 50);
  spin_until (is_connected, connection, 10000);

  g_signal_handlers_disconnect_by_data (source, &longest);
  ocg_connection_stop (connection);
}

static void
test_reconnect_if_quiet (void)
{
  g_autoptr(FakeServer) server = fake_server_new ();
  g_autofree char *url = fake_server_get_url (server);
  g_autoptr(OcgConnection) connection = ocg_connection_new_remote (url, NULL, NULL, "/tmp");
  OcgEventSource *source;
  guint attempts;

  ocg_connection_start (connection);
  spin_until (is_connected, connection, 10000);
  source = event_source (connection);
  ocg_event_source_set_backoff (source, 60000, 60000);

  /* Connected and lively: nothing to do */
  attempts = ocg_event_source_get_attempts (source);
  g_assert_false (ocg_connection_reconnect_if_quiet (connection, OCG_CONNECTION_SUSPECT_SILENCE));
  g_assert_cmpuint (ocg_event_source_get_attempts (source), ==, attempts);

  /* Down and waiting a long time: an attempt at once */
  fake_server_set_status (server, "/event", 503, "{\"message\":\"restarting\"}");
  fake_server_end_streams (server);
  spin_until (is_waiting, source, 10000);
  attempts = ocg_event_source_get_attempts (source);
  fake_server_set_status (server, "/event", 0, NULL);
  g_assert_true (ocg_connection_reconnect_if_quiet (connection, OCG_CONNECTION_SUSPECT_SILENCE));
  g_assert_cmpuint (ocg_event_source_get_attempts (source), ==, attempts + 1);
  g_assert_cmpuint (ocg_event_source_get_delay (source), ==, 0);
  spin_until (is_connected, connection, 10000);

  /* Trusting no silence (after a resume): the connection is made again */
  attempts = ocg_event_source_get_attempts (source);
  g_assert_true (ocg_connection_reconnect_if_quiet (connection, 0));
  g_assert_cmpuint (ocg_event_source_get_attempts (source), ==, attempts + 1);
  spin_until (is_connected, connection, 10000);

  /* A refused password stays refused */
  ocg_event_source_set_backoff (source, 20, 20);
  fake_server_set_status (server, "/event", 401, "");
  fake_server_end_streams (server);
  {
    Failure refused = { connection, OCG_CLIENT_ERROR_UNAUTHORIZED };

    spin_until (has_failed_with, &refused, 10000);
  }
  attempts = ocg_event_source_get_attempts (source);
  g_assert_false (ocg_connection_reconnect_if_quiet (connection, 0));
  g_assert_cmpuint (ocg_event_source_get_attempts (source), ==, attempts);
  ocg_connection_stop (connection);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reconnect/refused-and-not-found", test_refused_and_not_found);
  g_test_add_func ("/reconnect/silent-server-times-out", test_silent_server_times_out);
  g_test_add_func ("/reconnect/garbage-session-list", test_garbage_session_list);
  g_test_add_func ("/reconnect/session-list-times-out", test_session_list_times_out);
  g_test_add_func ("/reconnect/new-password-connects", test_new_password_connects);
  g_test_add_func ("/reconnect/delay-cap", test_delay_cap);
  g_test_add_func ("/reconnect/reconnect-if-quiet", test_reconnect_if_quiet);

  return g_test_run ();
}
