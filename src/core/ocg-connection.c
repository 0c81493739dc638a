/* ocg-connection.c
 *
 * The store outlives reconnections and server restarts: what is on screen
 * stays while the sync fetches what changed. An embedded server that dies is
 * restarted once by itself; after that the user is asked (state FAILED with
 * the reason, and ocg_connection_retry()).
 *
 * Without the list of sessions there is no project to show: when it cannot
 * be fetched or read, the connection counts as failed and is tried again
 * like one that broke, so that the reason shows instead of an empty project.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-connection.h"

struct _OcgConnection
{
  GObject             parent_instance;

  char               *url;
  char               *username;
  char               *password;
  char               *directory;
  char               *opencode;
  gboolean            embedded;

  OcgServer          *server;
  OcgClient          *client;
  OcgStore           *store;
  OcgSync            *sync;
  GCancellable       *cancellable;

  OcgConnectionState  state;
  GError             *error;
  guint               restarts;
  guint               timeout;
  guint               delay_cap_ms;
};

G_DEFINE_FINAL_TYPE (OcgConnection, ocg_connection, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (OcgConnectionState, ocg_connection_state,
  G_DEFINE_ENUM_VALUE (OCG_CONNECTION_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (OCG_CONNECTION_STARTING_SERVER, "starting-server"),
  G_DEFINE_ENUM_VALUE (OCG_CONNECTION_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (OCG_CONNECTION_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (OCG_CONNECTION_RECONNECTING, "reconnecting"),
  G_DEFINE_ENUM_VALUE (OCG_CONNECTION_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (OCG_CONNECTION_SERVER_MISSING, "server-missing"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_ERROR,
  PROP_RECONNECT_TIME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
same_error (const GError *a,
            const GError *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->domain == b->domain && a->code == b->code && g_strcmp0 (a->message, b->message) == 0;
}

static void
set_state (OcgConnection      *self,
           OcgConnectionState  state,
           const GError       *error)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (!same_error (self->error, error))
    {
      g_clear_error (&self->error);
      if (error != NULL)
        self->error = g_error_copy (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_source_state (OcgEventSource *source,
                 GParamSpec     *pspec,
                 OcgConnection  *self)
{
  const GError *error = ocg_event_source_get_error (source);

  switch (ocg_event_source_get_state (source))
    {
    case OCG_EVENT_SOURCE_CONNECTING:
      set_state (self, OCG_CONNECTION_CONNECTING, NULL);
      break;
    case OCG_EVENT_SOURCE_CONNECTED:
      self->restarts = 0;
      set_state (self, OCG_CONNECTION_CONNECTED, NULL);
      break;
    case OCG_EVENT_SOURCE_RECONNECTING:
      set_state (self, OCG_CONNECTION_RECONNECTING, error);
      break;
    case OCG_EVENT_SOURCE_FAILED:
      set_state (self, OCG_CONNECTION_FAILED, error);
      break;
    case OCG_EVENT_SOURCE_STOPPED:
    default:
      break;
    }
}

static void
on_reconnect_time (OcgEventSource *source,
                   GParamSpec     *pspec,
                   OcgConnection  *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_TIME]);
}

static void
on_fetch_failed (OcgSync       *sync,
                 const char    *what,
                 const GError  *error,
                 OcgConnection *self)
{
  if (g_strcmp0 (what, "sessions") == 0)
    ocg_event_source_fail (ocg_sync_get_event_source (sync), error);
}

static void
disconnect_sync (OcgConnection *self)
{
  if (self->sync == NULL)
    return;
  g_signal_handlers_disconnect_by_data (ocg_sync_get_event_source (self->sync), self);
  g_signal_handlers_disconnect_by_data (self->sync, self);
  ocg_sync_stop (self->sync);
}

static void
connect_sync (OcgConnection *self,
              const char    *url,
              const char    *password)
{
  OcgEventSource *source;

  disconnect_sync (self);
  g_clear_object (&self->sync);
  g_clear_object (&self->client);

  self->client = ocg_client_new (url, self->username, password, self->directory);
  ocg_client_set_timeout (self->client, self->timeout);
  self->sync = ocg_sync_new (self->store, self->client);
  g_signal_connect (self->sync, "fetch-failed", G_CALLBACK (on_fetch_failed), self);
  source = ocg_sync_get_event_source (self->sync);
  ocg_event_source_set_delay_cap (source, self->delay_cap_ms);
  g_signal_connect (source, "notify::state", G_CALLBACK (on_source_state), self);
  g_signal_connect (source, "notify::reconnect-time", G_CALLBACK (on_reconnect_time), self);
  ocg_sync_start (self->sync);
}

static void start_server (OcgConnection *self);

static void
on_server_exited (OcgServer     *server,
                  const char    *why,
                  OcgConnection *self)
{
  g_autoptr(GError) error = g_error_new (OCG_SERVER_ERROR, OCG_SERVER_ERROR_FAILED,
                                         "The opencode server stopped: %s", why);

  g_message ("%s", error->message);
  if (self->sync != NULL)
    ocg_event_source_stop (ocg_sync_get_event_source (self->sync));

  /* Once by ourselves; after that, the user decides */
  if (self->restarts++ == 0)
    start_server (self);
  else
    set_state (self, OCG_CONNECTION_FAILED, error);
}

static void
on_server_started (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(OcgConnection) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ocg_server_start_finish (OCG_SERVER (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, OCG_SERVER_ERROR, OCG_SERVER_ERROR_NOT_FOUND))
        set_state (self, OCG_CONNECTION_SERVER_MISSING, error);
      else
        {
          g_autofree char *tail = g_strstrip (g_strdup (ocg_server_get_log_tail (OCG_SERVER (source))));

          if (*tail != '\0')
            {
              g_autofree char *message = g_strdup_printf ("%s\n%s", error->message, tail);

              g_free (error->message);
              error->message = g_steal_pointer (&message);
            }
          set_state (self, OCG_CONNECTION_FAILED, error);
        }
      return;
    }

  connect_sync (self, ocg_server_get_url (self->server), ocg_server_get_password (self->server));
}

static void
start_server (OcgConnection *self)
{
  if (self->server == NULL)
    {
      self->server = ocg_server_new (self->opencode, self->directory);
      g_signal_connect (self->server, "exited", G_CALLBACK (on_server_exited), self);
    }
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();

  set_state (self, OCG_CONNECTION_STARTING_SERVER, NULL);
  ocg_server_start_async (self->server, self->cancellable, on_server_started, g_object_ref (self));
}

static void
ocg_connection_dispose (GObject *object)
{
  OcgConnection *self = OCG_CONNECTION (object);

  ocg_connection_stop (self);
  g_clear_object (&self->sync);
  g_clear_object (&self->client);
  g_clear_object (&self->store);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (ocg_connection_parent_class)->dispose (object);
}

static void
ocg_connection_finalize (GObject *object)
{
  OcgConnection *self = OCG_CONNECTION (object);

  g_free (self->url);
  g_free (self->username);
  g_free (self->password);
  g_free (self->directory);
  g_free (self->opencode);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (ocg_connection_parent_class)->finalize (object);
}

static void
ocg_connection_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  OcgConnection *self = OCG_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR:
      g_value_set_string (value, ocg_connection_get_error (self));
      break;
    case PROP_RECONNECT_TIME:
      g_value_set_int64 (value, ocg_connection_get_reconnect_time (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_connection_class_init (OcgConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = ocg_connection_dispose;
  object_class->finalize = ocg_connection_finalize;
  object_class->get_property = ocg_connection_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, OCG_TYPE_CONNECTION_STATE, OCG_CONNECTION_IDLE, flags);
  /* Why it is reconnecting or failed, for the user */
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, flags);
  /* Monotonic time of the next attempt while reconnecting */
  properties[PROP_RECONNECT_TIME] =
    g_param_spec_int64 ("reconnect-time", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ocg_connection_init (OcgConnection *self)
{
  self->store = ocg_store_new ();
  self->timeout = OCG_CLIENT_DEFAULT_TIMEOUT;
}

OcgConnection *
ocg_connection_new_remote (const char *url,
                           const char *username,
                           const char *password,
                           const char *directory)
{
  OcgConnection *self;

  g_return_val_if_fail (url != NULL, NULL);

  self = g_object_new (OCG_TYPE_CONNECTION, NULL);
  self->url = g_strdup (url);
  self->username = g_strdup (username);
  self->password = g_strdup (password);
  self->directory = g_strdup (directory);
  return self;
}

/**
 * ocg_connection_new_embedded:
 * @opencode: (nullable): the binary, or %NULL to look for it
 * @directory: the project folder
 */
OcgConnection *
ocg_connection_new_embedded (const char *opencode,
                             const char *directory)
{
  OcgConnection *self;

  g_return_val_if_fail (directory != NULL, NULL);

  self = g_object_new (OCG_TYPE_CONNECTION, NULL);
  self->embedded = TRUE;
  self->opencode = g_strdup (opencode);
  self->directory = g_strdup (directory);
  return self;
}

void
ocg_connection_start (OcgConnection *self)
{
  g_return_if_fail (OCG_IS_CONNECTION (self));

  if (self->embedded)
    start_server (self);
  else
    connect_sync (self, self->url, self->password);
}

/* The Retry button: reconnect now, or start the server again */
void
ocg_connection_retry (OcgConnection *self)
{
  g_return_if_fail (OCG_IS_CONNECTION (self));

  if (self->embedded && (self->server == NULL || !ocg_server_get_running (self->server)))
    {
      self->restarts = 0;
      start_server (self);
    }
  else if (self->sync != NULL && self->state != OCG_CONNECTION_FAILED)
    ocg_event_source_reconnect_now (ocg_sync_get_event_source (self->sync));
  else
    ocg_connection_start (self);
}

void
ocg_connection_stop (OcgConnection *self)
{
  g_return_if_fail (OCG_IS_CONNECTION (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  disconnect_sync (self);
  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      ocg_server_stop (self->server);
    }
}

OcgConnectionState
ocg_connection_get_state (OcgConnection *self)
{
  g_return_val_if_fail (OCG_IS_CONNECTION (self), OCG_CONNECTION_IDLE);
  return self->state;
}

const char *
ocg_connection_get_error (OcgConnection *self)
{
  g_return_val_if_fail (OCG_IS_CONNECTION (self), NULL);
  return self->error != NULL ? self->error->message : NULL;
}

/* The error behind ocg_connection_get_error(), to tell its kinds apart
 * (%OCG_CLIENT_ERROR_REFUSED, ..._UNAUTHORIZED, ...); notified with "error" */
const GError *
ocg_connection_get_failure (OcgConnection *self)
{
  g_return_val_if_fail (OCG_IS_CONNECTION (self), NULL);
  return self->error;
}

/**
 * ocg_connection_set_timeout:
 * @seconds: how long calls and the event stream wait for the server to
 *   answer (%OCG_CLIENT_DEFAULT_TIMEOUT unless set)
 */
void
ocg_connection_set_timeout (OcgConnection *self,
                            guint          seconds)
{
  g_return_if_fail (OCG_IS_CONNECTION (self));

  self->timeout = seconds;
  if (self->client != NULL)
    ocg_client_set_timeout (self->client, seconds);
}

guint
ocg_connection_get_timeout (OcgConnection *self)
{
  g_return_val_if_fail (OCG_IS_CONNECTION (self), 0);
  return self->timeout;
}

/**
 * ocg_connection_set_delay_cap:
 * @cap_ms: the longest wait before the next attempt to connect, in ms; 0
 *   for the backoff's own (tens of seconds)
 *
 * A window sets a short one while it can be seen, so that a server that
 * comes back shows soon.
 */
void
ocg_connection_set_delay_cap (OcgConnection *self,
                              guint          cap_ms)
{
  g_return_if_fail (OCG_IS_CONNECTION (self));

  self->delay_cap_ms = cap_ms;
  if (self->sync != NULL)
    ocg_event_source_set_delay_cap (ocg_sync_get_event_source (self->sync), cap_ms);
}

/**
 * ocg_connection_reconnect_if_quiet:
 * @quiet_seconds: see ocg_event_source_reconnect_if_quiet()
 *
 * The network changed, the machine woke up or the user came back: try at
 * once if the connection is down (or has been quiet that long).
 *
 * Returns: whether an attempt was started
 */
gboolean
ocg_connection_reconnect_if_quiet (OcgConnection *self,
                                   guint          quiet_seconds)
{
  g_return_val_if_fail (OCG_IS_CONNECTION (self), FALSE);

  return self->sync != NULL &&
         ocg_event_source_reconnect_if_quiet (ocg_sync_get_event_source (self->sync), quiet_seconds);
}

/**
 * ocg_connection_set_password:
 * @password: (nullable): the remote server's new password
 *
 * Connects again with it, whatever the state (a refused password stops
 * the connection). The store stays. Does nothing for an embedded server,
 * which has a password of its own.
 */
void
ocg_connection_set_password (OcgConnection *self,
                             const char    *password)
{
  g_return_if_fail (OCG_IS_CONNECTION (self));

  if (self->embedded)
    return;
  g_free (self->password);
  self->password = g_strdup (password);
  if (self->sync != NULL)
    connect_sync (self, self->url, self->password);
}

gint64
ocg_connection_get_reconnect_time (OcgConnection *self)
{
  g_return_val_if_fail (OCG_IS_CONNECTION (self), 0);
  return self->sync != NULL ? ocg_event_source_get_reconnect_time (ocg_sync_get_event_source (self->sync)) : 0;
}

const char *
ocg_connection_get_directory (OcgConnection *self)
{
  g_return_val_if_fail (OCG_IS_CONNECTION (self), NULL);
  return self->directory;
}

const char *
ocg_connection_get_url (OcgConnection *self)
{
  g_return_val_if_fail (OCG_IS_CONNECTION (self), NULL);
  if (self->embedded)
    return self->server != NULL ? ocg_server_get_url (self->server) : NULL;
  return self->url;
}

gboolean
ocg_connection_is_embedded (OcgConnection *self)
{
  g_return_val_if_fail (OCG_IS_CONNECTION (self), FALSE);
  return self->embedded;
}

OcgStore *
ocg_connection_get_store (OcgConnection *self)
{
  g_return_val_if_fail (OCG_IS_CONNECTION (self), NULL);
  return self->store;
}

OcgSync *
ocg_connection_get_sync (OcgConnection *self)
{
  g_return_val_if_fail (OCG_IS_CONNECTION (self), NULL);
  return self->sync;
}

OcgClient *
ocg_connection_get_client (OcgConnection *self)
{
  g_return_val_if_fail (OCG_IS_CONNECTION (self), NULL);
  return self->client;
}

OcgServer *
ocg_connection_get_server (OcgConnection *self)
{
  g_return_val_if_fail (OCG_IS_CONNECTION (self), NULL);
  return self->server;
}
