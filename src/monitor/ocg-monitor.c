/* ocg-monitor.c: opencode-gtk-monitor, the stores on a terminal
 *
 * Watches an opencode server (or replays a recorded stream), mirrors it with
 * the same core as the app, and prints what it was asked for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "ocg-json.h"
#include "ocg-sse-parser.h"
#include "ocg-sync.h"

typedef struct
{
  /* Options */
  char           *server;
  char           *username;
  char           *password;
  char           *directory;
  char           *replay;
  char           *record;
  gboolean        raw;
  gboolean        once;
  gboolean        dump_state;
  gboolean        stats;
  gboolean        global;
  int             heartbeat_timeout;
  int             max_event_mb;

  /* State */
  GMainLoop      *loop;
  OcgStore       *store;
  OcgSync        *sync;
  OcgClient      *client;
  OcgEventSource *source;
  FILE           *record_file;
  GString        *line;
  gboolean        ever_connected;
  gboolean        stream_ended;
  guint           ending_id;   /* asked to end, waiting for fetches */
  int             status;
  guint64         n_events;
  guint64         n_bytes;
  gint64          retry;
  gint64          start_time;
} Monitor;

static void
print_raw_event (Monitor    *monitor,
                 const char *type,
                 const char *data,
                 gsize       len,
                 const char *last_event_id)
{
  GString *line = monitor->line;

  g_string_truncate (line, 0);
  g_string_append (line, "{\"event\": ");
  ocg_json_append_string (line, type, strlen (type));
  g_string_append (line, ", \"data\": ");
  ocg_json_append_string (line, data, len);
  g_string_append (line, ", \"id\": ");
  ocg_json_append_string (line, last_event_id, strlen (last_event_id));
  g_string_append (line, "}\n");
  fwrite (line->str, 1, line->len, stdout);
}

static void
handle_event (Monitor    *monitor,
              const char *type,
              const char *data,
              gsize       len,
              const char *last_event_id)
{
  monitor->n_events++;
  if (monitor->raw)
    print_raw_event (monitor, type, data, len, last_event_id);
  else if (strcmp (type, "message") == 0)
    ocg_sync_apply_frame (monitor->sync, data, len);
}

static void
on_parser_event (const char *type,
                 const char *data,
                 gsize       len,
                 const char *last_event_id,
                 gpointer    user_data)
{
  handle_event (user_data, type, data, len, last_event_id);
}

static void
on_source_event (OcgEventSource *source,
                 const char     *type,
                 const char     *data,
                 guint64         len,
                 const char     *last_event_id,
                 Monitor        *monitor)
{
  /* In network mode the sync applies frames itself; count and print here */
  monitor->n_events++;
  if (monitor->raw)
    print_raw_event (monitor, type, data, (gsize) len, last_event_id);
}

static void
on_received (OcgEventSource *source,
             gconstpointer   bytes,
             guint64         len,
             Monitor        *monitor)
{
  monitor->n_bytes += len;
  /* Flushed at once: what was received is on disk even if the monitor is
   * killed, and a reader of the file sees it as it arrives */
  if (monitor->record_file != NULL &&
      (fwrite (bytes, 1, (size_t) len, monitor->record_file) != len ||
       fflush (monitor->record_file) != 0))
    {
      g_printerr ("opencode-gtk-monitor: cannot write the recording: %s\n", g_strerror (errno));
      g_clear_pointer (&monitor->record_file, fclose);
    }
}

static void
quit (Monitor *monitor,
      int      status)
{
  if (monitor->status == 0)
    monitor->status = status;
  g_main_loop_quit (monitor->loop);
}

static void
maybe_finish_once (Monitor *monitor)
{
  /* --once: the stream has ended; wait for fetches still under way */
  if (monitor->stream_ended && (monitor->raw || ocg_sync_get_synced (monitor->sync)))
    quit (monitor, 0);
}

static void
on_state (OcgEventSource *source,
          GParamSpec     *pspec,
          Monitor        *monitor)
{
  const GError *error = ocg_event_source_get_error (source);

  switch (ocg_event_source_get_state (source))
    {
    case OCG_EVENT_SOURCE_CONNECTED:
      monitor->ever_connected = TRUE;
      break;

    case OCG_EVENT_SOURCE_FAILED:
      g_printerr ("opencode-gtk-monitor: %s\n", error != NULL ? error->message : "connection failed");
      quit (monitor, 1);
      break;

    case OCG_EVENT_SOURCE_RECONNECTING:
      if (!monitor->ever_connected)
        {
          g_printerr ("opencode-gtk-monitor: %s\n", error != NULL ? error->message : "cannot connect");
          quit (monitor, 1);
        }
      else if (error != NULL)
        g_printerr ("opencode-gtk-monitor: reconnecting: %s\n", error->message);
      break;

    case OCG_EVENT_SOURCE_STOPPED:
      monitor->stream_ended = TRUE;
      maybe_finish_once (monitor);
      break;

    case OCG_EVENT_SOURCE_CONNECTING:
    default:
      break;
    }
}

static void
on_synced (OcgSync    *sync,
           GParamSpec *pspec,
           Monitor    *monitor)
{
  /* Asked to end while fetches were under way: now the state is whole */
  if (monitor->ending_id != 0 && ocg_sync_get_synced (sync))
    quit (monitor, 0);
  maybe_finish_once (monitor);
}

static void
on_fetch_failed (OcgSync      *sync,
                 const char   *what,
                 const GError *error,
                 Monitor      *monitor)
{
  g_printerr ("opencode-gtk-monitor: fetching %s failed: %s\n", what, error->message);
  if (g_error_matches (error, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_UNAUTHORIZED))
    quit (monitor, 1);
}

static gboolean
on_ending_timeout (gpointer user_data)
{
  Monitor *monitor = user_data;

  monitor->ending_id = 0;
  g_printerr ("opencode-gtk-monitor: fetches still under way; the state may be incomplete\n");
  quit (monitor, 0);
  return G_SOURCE_REMOVE;
}

static gboolean
on_signal (gpointer user_data)
{
  Monitor *monitor = user_data;

  /* The dump is the server's state: let fetches under way (after a
   * reconnection, say) finish first, for a while; a second signal ends at
   * once */
  if (monitor->dump_state && monitor->sync != NULL && !monitor->raw &&
      !ocg_sync_get_synced (monitor->sync) && monitor->ending_id == 0)
    {
      monitor->ending_id = g_timeout_add_seconds (10, on_ending_timeout, monitor);
      return G_SOURCE_CONTINUE;
    }
  quit (monitor, 0);
  return G_SOURCE_CONTINUE;
}

static gboolean
replay_file (Monitor  *monitor,
             GError  **error)
{
  g_autoptr(OcgSseParser) parser = ocg_sse_parser_new (on_parser_event, monitor);
  g_autofree char *buffer = g_malloc (1 << 20);
  FILE *file;
  size_t n;

  file = strcmp (monitor->replay, "-") == 0 ? stdin : g_fopen (monitor->replay, "rb");
  if (file == NULL)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot open %s: %s", monitor->replay, g_strerror (saved));
      return FALSE;
    }

  while ((n = fread (buffer, 1, 1 << 20, file)) > 0)
    {
      monitor->n_bytes += n;
      ocg_sse_parser_feed (parser, buffer, n);
    }
  if (ferror (file))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "Cannot read %s", monitor->replay);
      if (file != stdin)
        fclose (file);
      return FALSE;
    }
  ocg_sse_parser_end_of_stream (parser);
  monitor->retry = ocg_sse_parser_get_retry (parser);
  if (file != stdin)
    fclose (file);
  return TRUE;
}

static void
print_state (Monitor *monitor)
{
  g_autoptr(GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  g_autoptr(GError) error = NULL;

  fflush (stdout);
  if (!ocg_store_write_dump (monitor->store, out, &error))
    {
      g_printerr ("opencode-gtk-monitor: cannot write the state: %s\n", error->message);
      monitor->status = 1;
    }
}

static void
print_stats (Monitor *monitor)
{
  struct rusage usage;
  double seconds = (double) (g_get_monotonic_time () - monitor->start_time) / G_USEC_PER_SEC;

  getrusage (RUSAGE_SELF, &usage);
  g_printerr ("events: %" G_GUINT64_FORMAT "\n"
              "bytes: %" G_GUINT64_FORMAT "\n"
              "seconds: %.3f\n"
              "events_per_second: %.0f\n"
              "peak_rss_kb: %ld\n",
              monitor->n_events, monitor->n_bytes, seconds,
              seconds > 0 ? (double) monitor->n_events / seconds : 0.0,
              usage.ru_maxrss);
  if (monitor->sync != NULL && ocg_sync_get_n_malformed (monitor->sync) > 0)
    g_printerr ("malformed: %" G_GUINT64_FORMAT "\n", ocg_sync_get_n_malformed (monitor->sync));
}

static void
monitor_clear (Monitor *monitor)
{
  g_clear_pointer (&monitor->record_file, fclose);
  g_clear_object (&monitor->sync);
  g_clear_object (&monitor->source);
  g_clear_object (&monitor->client);
  g_clear_object (&monitor->store);
  g_clear_pointer (&monitor->loop, g_main_loop_unref);
  if (monitor->line != NULL)
    g_string_free (monitor->line, TRUE);
  g_free (monitor->server);
  g_free (monitor->username);
  g_free (monitor->password);
  g_free (monitor->directory);
  g_free (monitor->replay);
  g_free (monitor->record);
}

static gboolean
start_network (Monitor  *monitor,
               GError  **error)
{
  monitor->client = ocg_client_new (monitor->server, monitor->username, monitor->password,
                                    monitor->directory);

  if (monitor->record != NULL && !(monitor->record_file = g_fopen (monitor->record, "wb")))
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot write %s: %s", monitor->record, g_strerror (saved));
      return FALSE;
    }

  if (monitor->raw)
    {
      monitor->source = ocg_event_source_new (monitor->client,
                                              monitor->global ? "/global/event" : "/event");
    }
  else
    {
      monitor->sync = ocg_sync_new (monitor->store, monitor->client);
      ocg_sync_set_mirror_all (monitor->sync, TRUE);
      monitor->source = g_object_ref (ocg_sync_get_event_source (monitor->sync));
      g_signal_connect (monitor->sync, "notify::synced", G_CALLBACK (on_synced), monitor);
      g_signal_connect (monitor->sync, "fetch-failed", G_CALLBACK (on_fetch_failed), monitor);
    }

  ocg_event_source_set_reconnect (monitor->source, !monitor->once);
  ocg_event_source_set_watchdog (monitor->source, (guint) monitor->heartbeat_timeout);
  if (monitor->max_event_mb > 0)
    ocg_event_source_set_max_event_size (monitor->source, (gsize) monitor->max_event_mb * 1024 * 1024);
  g_signal_connect (monitor->source, "event", G_CALLBACK (on_source_event), monitor);
  g_signal_connect (monitor->source, "received", G_CALLBACK (on_received), monitor);
  g_signal_connect (monitor->source, "notify::state", G_CALLBACK (on_state), monitor);

  if (monitor->sync != NULL)
    ocg_sync_start (monitor->sync);
  else
    ocg_event_source_start (monitor->source);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  Monitor monitor = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &monitor.server,
      "Server URL (default: $OPENCODE_SERVER_URL, else http://127.0.0.1:4096)", "URL" },
    { "username", 'u', 0, G_OPTION_ARG_STRING, &monitor.username,
      "User name for the server (default: opencode)", "NAME" },
    { "password", 'p', 0, G_OPTION_ARG_STRING, &monitor.password,
      "The server's password (default: $OPENCODE_SERVER_PASSWORD)", "PASSWORD" },
    { "directory", 'd', 0, G_OPTION_ARG_FILENAME, &monitor.directory,
      "Project directory to watch", "DIR" },
    { "raw", 0, 0, G_OPTION_ARG_NONE, &monitor.raw,
      "Print every SSE event as a JSON line, without interpreting it", NULL },
    { "once", 0, 0, G_OPTION_ARG_NONE, &monitor.once,
      "Do not reconnect; exit when the stream ends", NULL },
    { "replay", 0, 0, G_OPTION_ARG_FILENAME, &monitor.replay,
      "Read the stream from FILE (- for standard input) instead of a server", "FILE" },
    { "record", 0, 0, G_OPTION_ARG_FILENAME, &monitor.record,
      "Write the bytes received to FILE", "FILE" },
    { "dump-state", 0, 0, G_OPTION_ARG_NONE, &monitor.dump_state,
      "At exit, print the mirrored state as one JSON document", NULL },
    { "stats", 0, 0, G_OPTION_ARG_NONE, &monitor.stats,
      "At exit, print statistics on standard error", NULL },
    { "global", 0, 0, G_OPTION_ARG_NONE, &monitor.global,
      "With --raw, follow /global/event (every directory)", NULL },
    { "heartbeat-timeout", 0, 0, G_OPTION_ARG_INT, &monitor.heartbeat_timeout,
      "Seconds of silence after which the connection counts as dead (default: 30)", "SECONDS" },
    { "max-event-size", 0, 0, G_OPTION_ARG_INT, &monitor.max_event_mb,
      "Refuse events larger than this many MB (default: 256)", "MB" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  monitor.heartbeat_timeout = 30;
  monitor.retry = -1;

  context = g_option_context_new ("- watch an opencode server's sessions");
  g_option_context_set_summary (context,
    "Mirrors an opencode server's sessions, messages and parts from its event stream,\n"
    "and prints the events or the final state.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("opencode-gtk-monitor: %s\n", error->message);
      monitor_clear (&monitor);
      return 2;
    }
  if (monitor.heartbeat_timeout < 1)
    monitor.heartbeat_timeout = 1;

  if (monitor.server == NULL)
    monitor.server = g_strdup (g_getenv ("OPENCODE_SERVER_URL"));
  if (monitor.server == NULL || *monitor.server == '\0')
    {
      g_free (monitor.server);
      monitor.server = g_strdup ("http://127.0.0.1:4096");
    }
  if (monitor.password == NULL && g_getenv ("OPENCODE_SERVER_PASSWORD") != NULL)
    monitor.password = g_strdup (g_getenv ("OPENCODE_SERVER_PASSWORD"));
  if (monitor.username == NULL && g_getenv ("OPENCODE_SERVER_USERNAME") != NULL)
    monitor.username = g_strdup (g_getenv ("OPENCODE_SERVER_USERNAME"));

  monitor.loop = g_main_loop_new (NULL, FALSE);
  monitor.store = ocg_store_new ();
  monitor.line = g_string_sized_new (4096);
  monitor.start_time = g_get_monotonic_time ();

  if (monitor.replay != NULL)
    {
      monitor.sync = ocg_sync_new (monitor.store, NULL);
      if (!replay_file (&monitor, &error))
        {
          g_printerr ("opencode-gtk-monitor: %s\n", error->message);
          monitor.status = 1;
        }
    }
  else
    {
      guint sigint = g_unix_signal_add (SIGINT, on_signal, &monitor);
      guint sigterm = g_unix_signal_add (SIGTERM, on_signal, &monitor);

      if (start_network (&monitor, &error))
        g_main_loop_run (monitor.loop);
      else
        {
          g_printerr ("opencode-gtk-monitor: %s\n", error->message);
          monitor.status = 1;
        }
      g_source_remove (sigint);
      g_source_remove (sigterm);
      g_clear_handle_id (&monitor.ending_id, g_source_remove);
      if (monitor.source != NULL)
        {
          monitor.retry = ocg_event_source_get_retry (monitor.source);
          g_signal_handlers_disconnect_by_data (monitor.source, &monitor);
        }
      if (monitor.sync != NULL)
        {
          g_signal_handlers_disconnect_by_data (monitor.sync, &monitor);
          ocg_sync_stop (monitor.sync);
        }
    }

  if (monitor.raw)
    {
      if (monitor.retry >= 0)
        printf ("{\"retry\": %" G_GINT64_FORMAT "}\n", monitor.retry);
      else
        printf ("{\"retry\": null}\n");
    }
  else if (monitor.dump_state)
    print_state (&monitor);
  fflush (stdout);

  if (monitor.stats)
    print_stats (&monitor);

  {
    int status = monitor.status;

    monitor_clear (&monitor);
    return status;
  }
}
