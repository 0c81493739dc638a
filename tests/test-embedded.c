/* test-embedded.c: the embedded server, for real. Run by
 * tests/e2e/test_embedded_e2e.py, which prepares a HOME whose opencode
 * config points at the scripted upstream, and a project folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fake-server.h"
#include "ocg-connection.h"
#include "ocg-json.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

static gboolean
is_connected (gpointer data)
{
  return ocg_connection_get_state (data) == OCG_CONNECTION_CONNECTED &&
         ocg_sync_get_synced (ocg_connection_get_sync (data));
}

static gboolean
is_final (gpointer data)
{
  OcgConnectionState state = ocg_connection_get_state (data);

  return state == OCG_CONNECTION_SERVER_MISSING || state == OCG_CONNECTION_FAILED;
}

static gboolean
group_alive (int pid)
{
  return pid > 0 && (kill (-pid, 0) == 0 || errno != ESRCH);
}

typedef struct
{
  OcgStore   *store;
  const char *session_id;
} Turn;

static guint
n_completed_answers (Turn *turn)
{
  GListModel *messages = ocg_store_get_messages (turn->store, turn->session_id);
  guint n = g_list_model_get_n_items (messages);
  guint completed_answers = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OcgMessage) message = g_list_model_get_item (messages, i);
      gboolean completed;

      g_object_get (message, "completed", &completed, NULL);
      if (completed && g_strcmp0 (ocg_record_get_string (OCG_RECORD (message), "role"), "assistant") == 0)
        completed_answers++;
    }
  return completed_answers;
}

/* A tool call, then the answer after it */
static gboolean
tool_turn_answered (gpointer data)
{
  return n_completed_answers (data) >= 2;
}

static gboolean
turn_answered (gpointer data)
{
  return n_completed_answers (data) >= 1;
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static JsonNode *
call (OcgClient  *client,
      const char *method,
      const char *path,
      const char *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  if (body != NULL)
    g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
  ocg_client_call_async (client, method, path, body != NULL ? json_parser_get_root (parser) : NULL,
                         NULL, on_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  node = ocg_client_call_finish (client, result, NULL, &error);
  g_assert_no_error (error);
  return node;
}

static void
test_turn_restart_and_quit (void)
{
  const char *directory = g_getenv ("OCG_E2E_DIRECTORY");
  g_autoptr(OcgConnection) connection = ocg_connection_new_embedded (NULL, directory);
  OcgServer *server;
  OcgClient *client;
  g_autoptr(JsonNode) session = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *first_url = NULL;
  g_autofree char *prompt = NULL;
  g_autoptr(JsonNode) sent = NULL;
  int pid;

  ocg_connection_start (connection);
  spin_until (is_connected, connection, 90000);

  server = ocg_connection_get_server (connection);
  g_assert_true (ocg_server_get_running (server));
  g_assert_true (g_str_has_prefix (ocg_server_get_url (server), "http://127.0.0.1:"));
  /* A fresh random password, and the server wants it */
  g_assert_cmpuint (strlen (ocg_server_get_password (server)), >=, 24);
  {
    g_autoptr(OcgClient) anonymous = ocg_client_new (ocg_server_get_url (server), NULL, NULL, directory);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = NULL;

    ocg_client_health_async (anonymous, NULL, on_result, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    node = ocg_client_call_finish (anonymous, result, NULL, &error);
    g_assert_error (error, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_UNAUTHORIZED);
  }

  /* A turn */
  client = ocg_connection_get_client (connection);
  session = call (client, "POST", "/session", "{}");
  session_id = g_strdup (ocg_json_get_string (json_node_get_object (session), "id"));
  ocg_sync_track_session (ocg_connection_get_sync (connection), session_id);
  prompt = g_strdup_printf ("/session/%s/prompt_async", session_id);
  sent = call (client, "POST", prompt, "{\"parts\":[{\"type\":\"text\",\"text\":\"Please run SCENARIO:default now\"}]}");
  {
    Turn turn = { ocg_connection_get_store (connection), session_id };

    spin_until (turn_answered, &turn, 120000);
  }

  /* Killed under our feet: restarted once by itself, and connected again */
  pid = ocg_server_get_pid (server);
  first_url = g_strdup (ocg_server_get_url (server));
  g_assert_cmpint (pid, >, 0);
  kill (-pid, SIGKILL);
  while (ocg_connection_get_state (connection) == OCG_CONNECTION_CONNECTED)
    g_main_context_iteration (NULL, TRUE);
  spin_until (is_connected, connection, 90000);
  g_assert_cmpint (ocg_server_get_pid (server), !=, pid);
  /* The transcript is still there, fetched again from the new server */
  g_assert_nonnull (ocg_store_lookup_session (ocg_connection_get_store (connection), session_id));

  /* Quitting leaves nothing behind */
  pid = ocg_server_get_pid (server);
  g_assert_true (group_alive (pid));
  ocg_connection_stop (connection);
  g_assert_false (group_alive (pid));
}

/* What a command run by the agent sees. opencode 1.18.33 takes its password
 * only from OPENCODE_SERVER_PASSWORD (no flag, no config key, no other
 * variable) and hands its whole environment to the tools' commands, so they
 * see the password; the README's security notes say so. Should a later
 * opencode stop passing it on, this fails, and the notes must change. */
static void
test_tool_environment (void)
{
  const char *directory = g_getenv ("OCG_E2E_DIRECTORY");
  g_autoptr(OcgConnection) connection = ocg_connection_new_embedded (NULL, directory);
  OcgClient *client;
  g_autoptr(JsonNode) session = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autoptr(JsonNode) messages = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *prompt = NULL;
  g_autofree char *path = NULL;
  g_autofree char *transcript = NULL;
  g_autofree char *seen = NULL;

  ocg_connection_start (connection);
  spin_until (is_connected, connection, 90000);

  client = ocg_connection_get_client (connection);
  session = call (client, "POST", "/session", "{}");
  session_id = g_strdup (ocg_json_get_string (json_node_get_object (session), "id"));
  ocg_sync_track_session (ocg_connection_get_sync (connection), session_id);
  prompt = g_strdup_printf ("/session/%s/prompt_async", session_id);
  sent = call (client, "POST", prompt, "{\"parts\":[{\"type\":\"text\",\"text\":\"Please run SCENARIO:env now\"}]}");
  {
    Turn turn = { ocg_connection_get_store (connection), session_id };

    spin_until (tool_turn_answered, &turn, 120000);
  }

  /* The bash tool ran `env`: its output is in the transcript */
  path = g_strdup_printf ("/session/%s/message", session_id);
  messages = call (client, "GET", path, NULL);
  transcript = json_to_string (messages, FALSE);
  g_assert_nonnull (strstr (transcript, "OPENCODE_PID="));
  seen = g_strdup_printf ("OPENCODE_SERVER_PASSWORD=%s", ocg_server_get_password (ocg_connection_get_server (connection)));
  g_assert_nonnull (strstr (transcript, seen));

  ocg_connection_stop (connection);
}

static void
test_missing_binary (void)
{
  g_autoptr(OcgConnection) connection = ocg_connection_new_embedded ("/nonexistent/bin/opencode",
                                                                     g_getenv ("OCG_E2E_DIRECTORY"));

  ocg_connection_start (connection);
  spin_until (is_final, connection, 10000);
  g_assert_cmpint (ocg_connection_get_state (connection), ==, OCG_CONNECTION_SERVER_MISSING);
  g_assert_nonnull (strstr (ocg_connection_get_error (connection), "/nonexistent/bin/opencode"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/embedded/turn-restart-and-quit", test_turn_restart_and_quit);
  g_test_add_func ("/embedded/tool-environment", test_tool_environment);
  g_test_add_func ("/embedded/missing-binary", test_missing_binary);

  return g_test_run ();
}
