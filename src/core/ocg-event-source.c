/* ocg-event-source.c
 *
 * One streaming GET, read in 64 KiB chunks on the main loop and fed to the
 * SSE parser. When it ends or fails it is made again after a delay that
 * doubles (with jitter) up to a cap; a watchdog drops a connection that has
 * been silent for several heartbeat periods, and one that sends nothing
 * within the client's time-out after the request counts as not answering.
 * Authentication failures and answers that are not an event stream stop the
 * source: trying again would not help. The owner may cap the delay (while
 * someone is looking) and skip the wait when there is reason to think the
 * server is back (the network changed, the machine woke up).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-event-source.h"
#include "ocg-sse-parser.h"

#include <string.h>

#define READ_SIZE (64 * 1024)
/* Floor of a server's "retry:", so that "retry: 0" cannot make a busy loop */
#define MIN_RETRY_MS 250

struct _OcgEventSource
{
  GObject              parent_instance;

  OcgClient           *client;
  SoupSession         *session;
  char                *path;
  OcgSseParser        *parser;

  OcgEventSourceState  state;
  GError              *error;
  gboolean             reconnect;
  guint                watchdog_seconds;
  guint                initial_backoff_ms;
  guint                max_backoff_ms;
  guint                delay_cap_ms;
  gsize                max_event_size;

  /* The current connection */
  GCancellable        *cancellable;
  SoupMessage         *message;
  GInputStream        *stream;
  guint8              *buffer;
  gint64               last_activity;
  gboolean             got_event;
  gboolean             got_bytes;
  guint                watchdog_id;
  guint                answer_id;

  /* Between connections */
  guint                attempt;
  guint                reconnect_id;
  gint64               reconnect_time;
  guint                delay_ms;
  guint                n_attempts;
};

G_DEFINE_FINAL_TYPE (OcgEventSource, ocg_event_source, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (OcgEventSourceState, ocg_event_source_state,
  G_DEFINE_ENUM_VALUE (OCG_EVENT_SOURCE_STOPPED, "stopped"),
  G_DEFINE_ENUM_VALUE (OCG_EVENT_SOURCE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (OCG_EVENT_SOURCE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (OCG_EVENT_SOURCE_RECONNECTING, "reconnecting"),
  G_DEFINE_ENUM_VALUE (OCG_EVENT_SOURCE_FAILED, "failed"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_ERROR,
  PROP_RECONNECT_TIME,
  PROP_DELAY,
  PROP_DELAY_CAP,
  PROP_ATTEMPTS,
  N_PROPS
};

enum {
  EVENT,
  CONNECTED,
  RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void connect_now (OcgEventSource *self);

static void
set_state (OcgEventSource      *self,
           OcgEventSourceState  state,
           const GError        *error)
{
  gboolean error_changed = FALSE;

  if (error != self->error)
    {
      g_clear_error (&self->error);
      if (error != NULL)
        self->error = g_error_copy (error);
      error_changed = TRUE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (error_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_sse_event (const char *type,
              const char *data,
              gsize       data_len,
              const char *last_event_id,
              gpointer    user_data)
{
  OcgEventSource *self = user_data;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  self->got_event = TRUE;
  g_signal_emit (self, signals[EVENT], 0, type, data, (guint64) data_len, last_event_id);
}

static void
drop_connection (OcgEventSource *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->message);
  g_clear_object (&self->stream);
  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  g_clear_handle_id (&self->answer_id, g_source_remove);
  ocg_sse_parser_end_of_stream (self->parser);
}

static guint
max_delay (OcgEventSource *self)
{
  return self->delay_cap_ms > 0 ? MIN (self->delay_cap_ms, self->max_backoff_ms) : self->max_backoff_ms;
}

static void
set_delay (OcgEventSource *self,
           guint           delay_ms)
{
  if (self->delay_ms == delay_ms)
    return;
  self->delay_ms = delay_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELAY]);
}

static void
on_reconnect_timeout (gpointer user_data)
{
  OcgEventSource *self = user_data;

  self->reconnect_id = 0;
  connect_now (self);
}

static void
wait_before_reconnecting (OcgEventSource *self,
                          guint           delay)
{
  self->reconnect_time = g_get_monotonic_time () + (gint64) delay * 1000;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  self->reconnect_id = g_timeout_add_once (delay, on_reconnect_timeout, self);
  set_delay (self, delay);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_TIME]);
}

/* Ends the current connection; reconnects later unless @fatal */
static void
connection_lost (OcgEventSource *self,
                 const GError   *error,
                 gboolean        fatal)
{
  guint delay;
  gint64 retry;
  guint base;
  guint max = max_delay (self);

  drop_connection (self);

  if (fatal || !self->reconnect)
    {
      set_state (self, error != NULL ? OCG_EVENT_SOURCE_FAILED : OCG_EVENT_SOURCE_STOPPED, error);
      return;
    }

  if (self->got_event)
    self->attempt = 0;

  retry = ocg_sse_parser_get_retry (self->parser);
  base = retry >= 0 ? (guint) CLAMP (retry, MIN_RETRY_MS, (gint64) max) : MIN (self->initial_backoff_ms, max);
  delay = base;
  for (guint i = 0; i < self->attempt && delay < max; i++)
    delay *= 2;
  delay = MIN (delay, max);
  /* Jitter: somewhere in the upper half, so that clients do not return in step */
  delay = delay / 2 + (guint) g_random_int_range (0, (gint32) (delay / 2) + 1);
  self->attempt++;

  wait_before_reconnecting (self, delay);
  set_state (self, OCG_EVENT_SOURCE_RECONNECTING, error);
}

static gboolean
on_watchdog (gpointer user_data)
{
  OcgEventSource *self = user_data;
  gint64 silent = g_get_monotonic_time () - self->last_activity;

  /* Before the first bytes the time-out for an answer decides, when sooner */
  if (self->answer_id != 0 && ocg_client_get_timeout (self->client) <= self->watchdog_seconds)
    return G_SOURCE_CONTINUE;

  if (silent >= (gint64) self->watchdog_seconds * G_USEC_PER_SEC)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                             "The server sent nothing for %u seconds",
                                             self->watchdog_seconds);

      self->watchdog_id = 0;
      connection_lost (self, error, FALSE);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Headers or first bytes did not come within the client's time-out */
static gboolean
on_answer_timeout (gpointer user_data)
{
  OcgEventSource *self = user_data;
  g_autoptr(GError) error = ocg_client_error_timed_out (self->client);

  self->answer_id = 0;
  connection_lost (self, error, FALSE);
  return G_SOURCE_REMOVE;
}

static void read_next (OcgEventSource *self);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(OcgEventSource) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || G_INPUT_STREAM (source) != self->stream)
    return;

  if (n < 0)
    {
      g_autoptr(GError) lost = g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                            "The event stream broke: %s", error->message);
      connection_lost (self, lost, FALSE);
      return;
    }
  if (n == 0)
    {
      g_autoptr(GError) ended = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                                     "The server closed the event stream");
      connection_lost (self, self->reconnect ? ended : NULL, FALSE);
      return;
    }

  self->last_activity = g_get_monotonic_time ();
  self->got_bytes = TRUE;
  g_clear_handle_id (&self->answer_id, g_source_remove);
  g_signal_emit (self, signals[RECEIVED], 0, self->buffer, (guint64) n);
  ocg_sse_parser_feed (self->parser, (const char *) self->buffer, (gsize) n);

  /* A server that never ends its event would take all the memory there is */
  if (G_INPUT_STREAM (source) == self->stream &&
      ocg_sse_parser_get_pending_size (self->parser) > self->max_event_size)
    {
      g_autoptr(GError) huge = g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                            "The server sent an event of more than %" G_GSIZE_FORMAT " MB",
                                            self->max_event_size / (1024 * 1024));

      connection_lost (self, huge, FALSE);
      return;
    }

  /* A handler may have stopped or restarted us */
  if (G_INPUT_STREAM (source) == self->stream)
    read_next (self);
}

static void
read_next (OcgEventSource *self)
{
  g_input_stream_read_async (self->stream, self->buffer, READ_SIZE, G_PRIORITY_DEFAULT,
                             self->cancellable, on_read, g_object_ref (self));
}

static void
on_refusal_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(OcgEventSource) self = user_data;
  g_autoptr(GBytes) body = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  g_autoptr(GError) refused = NULL;
  guint status;
  gboolean fatal;

  if (G_INPUT_STREAM (source) != self->stream || self->message == NULL)
    return;

  status = soup_message_get_status (self->message);
  refused = ocg_client_error_from_status (self->message, body);
  fatal = g_error_matches (refused, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_UNAUTHORIZED) ||
          g_error_matches (refused, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_NOT_FOUND);

  /* "Not Found" alone would not say what is missing */
  if (status == SOUP_STATUS_NOT_FOUND)
    {
      g_clear_error (&refused);
      refused = g_error_new (OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_NOT_FOUND,
                             "%s has no event stream at %s (HTTP 404): is it an opencode server?",
                             ocg_client_get_base_url (self->client), self->path);
    }

  connection_lost (self, refused, fatal);
}

static gboolean
is_event_stream (SoupMessage *message)
{
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (message), NULL);

  return type != NULL && g_ascii_strcasecmp (type, "text/event-stream") == 0;
}

static void
on_send (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(OcgEventSource) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  SoupMessage *message;
  guint status;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || message != self->message)
    return;

  if (stream == NULL)
    {
      g_autoptr(GError) lost = ocg_client_error_from_transport (self->client, error);

      connection_lost (self, lost, FALSE);
      return;
    }

  status = soup_message_get_status (message);
  if (status != SOUP_STATUS_OK)
    {
      /* The body says why, in the server's words; read a little of it */
      self->stream = g_steal_pointer (&stream);
      g_input_stream_read_bytes_async (self->stream, 4096, G_PRIORITY_DEFAULT, self->cancellable,
                                       on_refusal_read, g_object_ref (self));
      return;
    }

  if (!is_event_stream (message))
    {
      g_autoptr(GError) wrong = g_error_new (OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_INVALID_RESPONSE,
                                             "%s does not answer with an event stream: is it an opencode server?",
                                             ocg_client_get_base_url (self->client));

      connection_lost (self, wrong, TRUE);
      return;
    }

  self->stream = g_steal_pointer (&stream);
  self->last_activity = g_get_monotonic_time ();
  set_state (self, OCG_EVENT_SOURCE_CONNECTED, NULL);
  g_signal_emit (self, signals[CONNECTED], 0);

  if (self->stream != NULL)
    read_next (self);
}

static void
connect_now (OcgEventSource *self)
{
  const char *last_id;

  drop_connection (self);
  ocg_sse_parser_restart (self->parser);
  self->got_event = FALSE;
  self->got_bytes = FALSE;
  self->n_attempts++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPTS]);
  set_delay (self, 0);

  self->message = ocg_client_new_message (self->client, "GET", self->path);
  if (self->message == NULL)
    {
      g_autoptr(GError) error = g_error_new (OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_UNREACHABLE,
                                             "“%s” is not a valid server address",
                                             ocg_client_get_base_url (self->client));

      connection_lost (self, error, TRUE);
      return;
    }

  {
    SoupMessageHeaders *headers = soup_message_get_request_headers (self->message);

    soup_message_headers_replace (headers, "Accept", "text/event-stream");
    soup_message_headers_replace (headers, "Cache-Control", "no-cache");
    last_id = ocg_sse_parser_get_last_event_id (self->parser);
    if (last_id != NULL && *last_id != '\0')
      soup_message_headers_replace (headers, "Last-Event-ID", last_id);
  }

  self->cancellable = g_cancellable_new ();
  self->last_activity = g_get_monotonic_time ();
  self->watchdog_id = g_timeout_add_seconds (1, on_watchdog, self);
  if (ocg_client_get_timeout (self->client) > 0)
    self->answer_id = g_timeout_add_seconds (ocg_client_get_timeout (self->client), on_answer_timeout, self);

  set_state (self,
             self->attempt > 0 ? OCG_EVENT_SOURCE_RECONNECTING : OCG_EVENT_SOURCE_CONNECTING,
             self->attempt > 0 ? self->error : NULL);
  soup_session_send_async (self->session, self->message, G_PRIORITY_DEFAULT, self->cancellable,
                           on_send, g_object_ref (self));
}

static void
ocg_event_source_dispose (GObject *object)
{
  OcgEventSource *self = OCG_EVENT_SOURCE (object);

  drop_connection (self);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_clear_object (&self->client);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (ocg_event_source_parent_class)->dispose (object);
}

static void
ocg_event_source_finalize (GObject *object)
{
  OcgEventSource *self = OCG_EVENT_SOURCE (object);

  g_clear_pointer (&self->parser, ocg_sse_parser_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->buffer, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (ocg_event_source_parent_class)->finalize (object);
}

static void
ocg_event_source_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  OcgEventSource *self = OCG_EVENT_SOURCE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_RECONNECT_TIME:
      g_value_set_int64 (value, self->reconnect_time);
      break;
    case PROP_DELAY:
      g_value_set_uint (value, self->delay_ms);
      break;
    case PROP_DELAY_CAP:
      g_value_set_uint (value, self->delay_cap_ms);
      break;
    case PROP_ATTEMPTS:
      g_value_set_uint (value, self->n_attempts);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_event_source_class_init (OcgEventSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = ocg_event_source_dispose;
  object_class->finalize = ocg_event_source_finalize;
  object_class->get_property = ocg_event_source_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, OCG_TYPE_EVENT_SOURCE_STATE,
                       OCG_EVENT_SOURCE_STOPPED, flags);
  /* Why the last connection ended, while reconnecting or failed */
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, flags);
  /* Monotonic time of the next attempt, while reconnecting */
  properties[PROP_RECONNECT_TIME] =
    g_param_spec_int64 ("reconnect-time", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /* The wait before the next attempt in ms, 0 while none is planned */
  properties[PROP_DELAY] = g_param_spec_uint ("delay", NULL, NULL, 0, G_MAXUINT, 0, flags);
  /* The longest wait there may be between attempts, in ms; 0 for the backoff's own */
  properties[PROP_DELAY_CAP] = g_param_spec_uint ("delay-cap", NULL, NULL, 0, G_MAXUINT, 0, flags);
  /* How many connections were tried so far */
  properties[PROP_ATTEMPTS] = g_param_spec_uint ("attempts", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OcgEventSource::event:
   * @type: the SSE event type
   * @data: the data, valid UTF-8 (only valid during the emission)
   * @length: its length in bytes
   * @last_event_id: the last event id, "" when none
   */
  signals[EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_UINT64,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /* Each time the stream is (re)established: what was missed must be fetched */
  signals[CONNECTED] =
    g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /* The raw bytes, as received (for recording) */
  signals[RECEIVED] =
    g_signal_new ("received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT64);
}

static void
ocg_event_source_init (OcgEventSource *self)
{
  self->parser = ocg_sse_parser_new (on_sse_event, self);
  self->buffer = g_malloc (READ_SIZE);
  /* No I/O timeout: the watchdog decides when a quiet stream is dead */
  self->session = soup_session_new_with_options ("timeout", 0, "idle-timeout", 0, NULL);
  self->reconnect = TRUE;
  self->watchdog_seconds = 30;
  self->initial_backoff_ms = 1000;
  self->max_event_size = 256 * 1024 * 1024;
  self->max_backoff_ms = 30000;
}

/**
 * ocg_event_source_new:
 * @client: the server
 * @path: "/event" or "/global/event"
 */
OcgEventSource *
ocg_event_source_new (OcgClient  *client,
                      const char *path)
{
  OcgEventSource *self;

  g_return_val_if_fail (OCG_IS_CLIENT (client), NULL);

  self = g_object_new (OCG_TYPE_EVENT_SOURCE, NULL);
  self->client = g_object_ref (client);
  if (ocg_client_is_loopback (client))
    g_object_set (self->session, "proxy-resolver", NULL, NULL);
  self->path = g_strdup (path != NULL ? path : "/event");
  return self;
}

void
ocg_event_source_start (OcgEventSource *self)
{
  g_return_if_fail (OCG_IS_EVENT_SOURCE (self));

  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  self->attempt = 0;
  connect_now (self);
}

void
ocg_event_source_stop (OcgEventSource *self)
{
  g_return_if_fail (OCG_IS_EVENT_SOURCE (self));

  drop_connection (self);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  set_delay (self, 0);
  set_state (self, OCG_EVENT_SOURCE_STOPPED, NULL);
}

/* Skips the wait before the next attempt (a Retry button) */
void
ocg_event_source_reconnect_now (OcgEventSource *self)
{
  g_return_if_fail (OCG_IS_EVENT_SOURCE (self));

  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  connect_now (self);
}

/**
 * ocg_event_source_reconnect_if_quiet:
 * @quiet_seconds: how long a connection may have been silent and still be
 *   trusted; 0 trusts none
 *
 * When there is reason to think that the server can be reached again (the
 * network changed, the machine woke up, the user came back): skips the wait
 * before the next attempt, or makes a connection that has been quiet for
 * @quiet_seconds again. Leaves an attempt under way, a stopped source and a
 * failed one (a wrong password stays wrong) alone.
 *
 * Returns: whether an attempt was started
 */
gboolean
ocg_event_source_reconnect_if_quiet (OcgEventSource *self,
                                     guint           quiet_seconds)
{
  g_return_val_if_fail (OCG_IS_EVENT_SOURCE (self), FALSE);

  switch (self->state)
    {
    case OCG_EVENT_SOURCE_RECONNECTING:
      if (self->reconnect_id == 0)
        return FALSE;
      break;
    case OCG_EVENT_SOURCE_CONNECTED:
      if (g_get_monotonic_time () - self->last_activity < (gint64) quiet_seconds * G_USEC_PER_SEC)
        return FALSE;
      break;
    case OCG_EVENT_SOURCE_STOPPED:
    case OCG_EVENT_SOURCE_CONNECTING:
    case OCG_EVENT_SOURCE_FAILED:
    default:
      return FALSE;
    }

  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  connect_now (self);
  return TRUE;
}

/**
 * ocg_event_source_fail:
 * @error: why
 *
 * Ends a connection that is of no use, e.g. when the server's answers to
 * what the stream is for cannot be read: it counts as a failed attempt, so
 * the next one waits longer. A refused password stops the source.
 */
void
ocg_event_source_fail (OcgEventSource *self,
                       const GError   *error)
{
  g_return_if_fail (OCG_IS_EVENT_SOURCE (self));
  g_return_if_fail (error != NULL);

  if (self->state != OCG_EVENT_SOURCE_CONNECTED)
    return;
  self->got_event = FALSE;
  connection_lost (self, error,
                   g_error_matches (error, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_UNAUTHORIZED));
}

OcgEventSourceState
ocg_event_source_get_state (OcgEventSource *self)
{
  g_return_val_if_fail (OCG_IS_EVENT_SOURCE (self), OCG_EVENT_SOURCE_STOPPED);
  return self->state;
}

const GError *
ocg_event_source_get_error (OcgEventSource *self)
{
  g_return_val_if_fail (OCG_IS_EVENT_SOURCE (self), NULL);
  return self->error;
}

gint64
ocg_event_source_get_reconnect_time (OcgEventSource *self)
{
  g_return_val_if_fail (OCG_IS_EVENT_SOURCE (self), 0);
  return self->reconnect_time;
}

gint64
ocg_event_source_get_retry (OcgEventSource *self)
{
  g_return_val_if_fail (OCG_IS_EVENT_SOURCE (self), -1);
  return ocg_sse_parser_get_retry (self->parser);
}

void
ocg_event_source_set_reconnect (OcgEventSource *self,
                                gboolean        reconnect)
{
  g_return_if_fail (OCG_IS_EVENT_SOURCE (self));
  self->reconnect = !!reconnect;
}

void
ocg_event_source_set_watchdog (OcgEventSource *self,
                               guint           seconds)
{
  g_return_if_fail (OCG_IS_EVENT_SOURCE (self));
  self->watchdog_seconds = MAX (seconds, 1);
}

/**
 * ocg_event_source_set_delay_cap:
 * @cap_ms: the longest wait between attempts, in ms; 0 for no cap
 *
 * A wait under way that is longer ends sooner.
 */
void
ocg_event_source_set_delay_cap (OcgEventSource *self,
                                guint           cap_ms)
{
  gint64 left;

  g_return_if_fail (OCG_IS_EVENT_SOURCE (self));

  if (self->delay_cap_ms == cap_ms)
    return;
  self->delay_cap_ms = cap_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELAY_CAP]);

  if (self->reconnect_id == 0 || cap_ms == 0)
    return;
  left = (self->reconnect_time - g_get_monotonic_time ()) / 1000;
  if (left > (gint64) cap_ms)
    wait_before_reconnecting (self, cap_ms);
}

guint
ocg_event_source_get_delay_cap (OcgEventSource *self)
{
  g_return_val_if_fail (OCG_IS_EVENT_SOURCE (self), 0);
  return self->delay_cap_ms;
}

guint
ocg_event_source_get_delay (OcgEventSource *self)
{
  g_return_val_if_fail (OCG_IS_EVENT_SOURCE (self), 0);
  return self->delay_ms;
}

guint
ocg_event_source_get_attempts (OcgEventSource *self)
{
  g_return_val_if_fail (OCG_IS_EVENT_SOURCE (self), 0);
  return self->n_attempts;
}

void
ocg_event_source_set_backoff (OcgEventSource *self,
                              guint           initial_ms,
                              guint           max_ms)
{
  g_return_if_fail (OCG_IS_EVENT_SOURCE (self));
  self->initial_backoff_ms = MAX (initial_ms, 1);
  self->max_backoff_ms = MAX (max_ms, self->initial_backoff_ms);
}

/* Events larger than @bytes end the connection with an error (default 256 MB) */
void
ocg_event_source_set_max_event_size (OcgEventSource *self,
                                     gsize           bytes)
{
  g_return_if_fail (OCG_IS_EVENT_SOURCE (self));
  self->max_event_size = MAX (bytes, 1024);
}
