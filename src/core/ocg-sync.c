/* ocg-sync.c
 *
 * The one place that knows the server's event types. Events are applied to
 * the store as they come, always, also while a snapshot is being fetched.
 * After every (re)connection the sync fetches what the store holds again,
 * since the server replays nothing. A snapshot must not undo what events
 * applied after it was asked for, so every event marks the ids it touches
 * with a sequence number; when a snapshot arrives, ids touched after its
 * request keep the event's version (and are not removed), the rest take the
 * snapshot's. A part that only grew by deltas keeps its text when the
 * snapshot's text is a prefix of it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-sync.h"
#include "ocg-event.h"
#include "ocg-json.h"

#include <string.h>

typedef enum {
  TOUCH_NONE,
  TOUCH_FULL,
  TOUCH_DELTA,
  TOUCH_DELETED,
} Touch;

typedef struct
{
  guint64 seq;
  Touch   touch;
} Touched;

struct _OcgSync
{
  GObject         parent_instance;

  OcgStore       *store;
  OcgClient      *client;
  OcgEventSource *source;
  gboolean        mirror_all;
  GHashTable     *tracked;       /* session ids whose messages are mirrored */
  GHashTable     *holds;         /* session id -> how many views show it */
  GQueue          unheld;        /* tracked ids no view shows, least recently shown first */
  guint           keep;          /* how many of those keep their messages */
  GHashTable     *history;       /* session id -> History, for the app's paging */

  /* The app's window on the sessions (see SESSION_PAGE) */
  guint           window_size;   /* sessions in the last answer; 0: none yet */
  gint64          floor;         /* time.updated of the window's oldest; NO_FLOOR: all are here */
  gboolean        loading_more;
  char           *search;
  guint           search_serial;
  GHashTable     *found;         /* ids in the store because a search found them */

  /* Bookkeeping of fetches */
  GCancellable   *cancellable;
  guint           pending;
  gboolean        synced;
  guint64         seq;
  GHashTable     *touched;       /* id -> Touched */

  /* Statistics */
  guint64         n_events;
  guint64         n_malformed;
  GHashTable     *malformed_logged;
};

G_DEFINE_FINAL_TYPE (OcgSync, ocg_sync, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SYNCED,
  N_PROPS
};

enum {
  MALFORMED,
  FETCH_FAILED,
  MESSAGES_LOADED,
  MESSAGES_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef void (*Handler) (OcgSync  *self,
                         OcgEvent *event);

/* Marks @id as changed by an event now */
static void
touch (OcgSync    *self,
       const char *id,
       Touch       kind)
{
  Touched *t;

  if (self->pending == 0 || id == NULL)
    return;

  t = g_hash_table_lookup (self->touched, id);
  if (t == NULL)
    {
      t = g_new0 (Touched, 1);
      g_hash_table_insert (self->touched, g_strdup (id), t);
    }
  /* A delta after a full update does not make the object less complete */
  if (!(kind == TOUCH_DELTA && t->touch == TOUCH_FULL && t->seq > 0))
    t->touch = kind;
  t->seq = self->seq;
}

/* What happened to @id since the fetch that started at @since */
static Touch
touched_since (OcgSync    *self,
               const char *id,
               guint64     since)
{
  Touched *t = g_hash_table_lookup (self->touched, id);

  return t != NULL && t->seq > since ? t->touch : TOUCH_NONE;
}

static void
malformed (OcgSync    *self,
           const char *type,
           const char *what)
{
  const char *key = type != NULL ? type : "(no type)";

  self->n_malformed++;
  /* Logged once per event type, counted always */
  if (!g_hash_table_contains (self->malformed_logged, key))
    {
      g_hash_table_add (self->malformed_logged, g_strdup (key));
      g_message ("Skipping a malformed %s event: %s", key, what);
    }
  g_signal_emit (self, signals[MALFORMED], 0, key, what);
}

static void
drop_unheld (OcgSync    *self,
             const char *session_id)
{
  GList *link = g_queue_find_custom (&self->unheld, session_id, (GCompareFunc) g_strcmp0);

  if (link != NULL)
    {
      g_free (link->data);
      g_queue_delete_link (&self->unheld, link);
    }
}

static void
forget_session (OcgSync    *self,
                const char *session_id)
{
  ocg_store_remove_session (self->store, session_id);
  drop_unheld (self, session_id);
  g_hash_table_remove (self->tracked, session_id);
  g_hash_table_remove (self->history, session_id);
  g_hash_table_remove (self->found, session_id);
}

static const char *
prop_string (OcgEvent   *event,
             const char *name)
{
  return ocg_json_get_string (event->properties, name);
}

static void
on_session_upsert (OcgSync  *self,
                   OcgEvent *event)
{
  g_autoptr(GError) error = NULL;
  JsonObject *info = ocg_json_get_object (event->properties, "info");

  if (!ocg_store_upsert_session (self->store, info, &error))
    return malformed (self, event->type, error->message);
  touch (self, ocg_json_get_string (info, "id"), TOUCH_FULL);
}

static void
on_session_deleted (OcgSync  *self,
                    OcgEvent *event)
{
  const char *id = ocg_json_get_string (event->properties, "info.id");

  if (id == NULL)
    id = prop_string (event, "sessionID");
  if (id == NULL)
    return malformed (self, event->type, "no session id");
  forget_session (self, id);
  touch (self, id, TOUCH_DELETED);
}

static void
on_session_status (OcgSync  *self,
                   OcgEvent *event)
{
  const char *session_id = prop_string (event, "sessionID");
  JsonObject *status = ocg_json_get_object (event->properties, "status");
  g_autofree char *key = NULL;

  if (session_id == NULL || status == NULL || ocg_json_get_string (status, "type") == NULL)
    return malformed (self, event->type, "no sessionID or status.type");
  /* A new turn: the error of an earlier one is history (this one's will
   * come as an event of its own) */
  if (g_strcmp0 (ocg_json_get_string (status, "type"), "busy") == 0 &&
      ocg_store_get_status (self->store, session_id) == NULL &&
      ocg_store_get_error (self->store, session_id) != NULL)
    ocg_store_set_error (self->store, session_id, NULL);
  ocg_store_set_status (self->store, session_id, status);
  key = g_strconcat ("status:", session_id, NULL);
  touch (self, key, TOUCH_FULL);
}

static void
on_session_idle (OcgSync  *self,
                 OcgEvent *event)
{
  const char *session_id = prop_string (event, "sessionID");
  g_autofree char *key = NULL;

  if (session_id == NULL)
    return malformed (self, event->type, "no sessionID");
  ocg_store_set_status (self->store, session_id, NULL);
  key = g_strconcat ("status:", session_id, NULL);
  touch (self, key, TOUCH_FULL);
}

static void
on_session_error (OcgSync  *self,
                  OcgEvent *event)
{
  const char *session_id = prop_string (event, "sessionID");
  JsonObject *error = ocg_json_get_object (event->properties, "error");

  /* An error without a session concerns the server as a whole; a stop the
   * user asked for is no error */
  if (session_id != NULL && error != NULL &&
      g_strcmp0 (ocg_json_get_string (error, "name"), "MessageAbortedError") != 0)
    ocg_store_set_error (self->store, session_id, error);
}

static void
on_session_diff (OcgSync  *self,
                 OcgEvent *event)
{
  const char *session_id = prop_string (event, "sessionID");
  JsonArray *diff = ocg_json_get_array (event->properties, "diff");

  if (session_id == NULL || diff == NULL)
    return malformed (self, event->type, "no sessionID or diff");
  ocg_store_set_diff (self->store, session_id, diff);
}

static void
on_todo_updated (OcgSync  *self,
                 OcgEvent *event)
{
  const char *session_id = prop_string (event, "sessionID");
  JsonArray *todos = ocg_json_get_array (event->properties, "todos");
  g_autofree char *key = NULL;

  if (session_id == NULL || todos == NULL)
    return malformed (self, event->type, "no sessionID or todos");
  ocg_store_set_todo (self->store, session_id, todos);
  key = g_strconcat ("todo:", session_id, NULL);
  touch (self, key, TOUCH_FULL);
}

static void
on_message_updated (OcgSync  *self,
                    OcgEvent *event)
{
  g_autoptr(GError) error = NULL;
  JsonObject *info = ocg_json_get_object (event->properties, "info");

  if (!ocg_store_upsert_message (self->store, info, &error))
    return malformed (self, event->type, error->message);
  touch (self, ocg_json_get_string (info, "id"), TOUCH_FULL);
}

static void
on_message_removed (OcgSync  *self,
                    OcgEvent *event)
{
  const char *id = prop_string (event, "messageID");

  if (id == NULL)
    return malformed (self, event->type, "no messageID");
  ocg_store_remove_message (self->store, id);
  touch (self, id, TOUCH_DELETED);
}

static void
on_part_updated (OcgSync  *self,
                 OcgEvent *event)
{
  g_autoptr(GError) error = NULL;
  JsonObject *part = ocg_json_get_object (event->properties, "part");

  if (!ocg_store_upsert_part (self->store, part, &error))
    return malformed (self, event->type, error->message);
  touch (self, ocg_json_get_string (part, "id"), TOUCH_FULL);
}

static void
on_part_delta (OcgSync  *self,
               OcgEvent *event)
{
  /* The decoder checked the members; an unknown part is not an error: its
   * message.part.updated brings the whole text */
  if (ocg_store_append_delta (self->store, event->message_id, event->part_id,
                              event->field, event->delta, event->delta_len))
    touch (self, event->part_id, TOUCH_DELTA);
}

static void
on_part_removed (OcgSync  *self,
                 OcgEvent *event)
{
  const char *id = prop_string (event, "partID");

  if (id == NULL)
    return malformed (self, event->type, "no partID");
  ocg_store_remove_part (self->store, id);
  touch (self, id, TOUCH_DELETED);
}

static void
add_request (OcgSync        *self,
             OcgEvent       *event,
             OcgRequestKind  kind)
{
  g_autoptr(GError) error = NULL;

  if (!ocg_store_add_request (self->store, kind, event->properties, &error))
    return malformed (self, event->type, error->message);
  touch (self, prop_string (event, "id"), TOUCH_FULL);
}

static void
remove_request (OcgSync        *self,
                OcgEvent       *event,
                OcgRequestKind  kind)
{
  const char *id = prop_string (event, "requestID");

  if (id == NULL)
    return malformed (self, event->type, "no requestID");
  ocg_store_remove_request (self->store, kind, id);
  touch (self, id, TOUCH_DELETED);
}

static void
on_permission_asked (OcgSync  *self,
                     OcgEvent *event)
{
  add_request (self, event, OCG_REQUEST_PERMISSION);
}

static void
on_permission_replied (OcgSync  *self,
                       OcgEvent *event)
{
  remove_request (self, event, OCG_REQUEST_PERMISSION);
}

static void
on_question_asked (OcgSync  *self,
                   OcgEvent *event)
{
  add_request (self, event, OCG_REQUEST_QUESTION);
}

static void
on_question_answered (OcgSync  *self,
                      OcgEvent *event)
{
  remove_request (self, event, OCG_REQUEST_QUESTION);
}

/* Event type -> what it does to the store */
static const struct {
  const char *type;
  Handler     handler;
} handler_table[] = {
  { "session.created", on_session_upsert },
  { "session.updated", on_session_upsert },
  { "session.deleted", on_session_deleted },
  { "session.status", on_session_status },
  { "session.idle", on_session_idle },
  { "session.error", on_session_error },
  { "session.diff", on_session_diff },
  { "todo.updated", on_todo_updated },
  { "message.updated", on_message_updated },
  { "message.removed", on_message_removed },
  { "message.part.updated", on_part_updated },
  { "message.part.delta", on_part_delta },
  { "message.part.removed", on_part_removed },
  { "permission.asked", on_permission_asked },
  { "permission.replied", on_permission_replied },
  { "question.asked", on_question_asked },
  { "question.replied", on_question_answered },
  { "question.rejected", on_question_answered },
};

static GHashTable *handlers;

/**
 * ocg_sync_apply_frame:
 * @data: one event frame's data (valid UTF-8)
 *
 * Applies one event. Unknown types are ignored; malformed events are counted,
 * logged once per type, and skipped.
 */
void
ocg_sync_apply_frame (OcgSync    *self,
                      const char *data,
                      gsize       len)
{
  g_autoptr(OcgEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  Handler handler;

  g_return_if_fail (OCG_IS_SYNC (self));

  self->n_events++;
  self->seq++;

  if (!(event = ocg_event_decode (data, len, &error)))
    return malformed (self, NULL, error->message);

  if ((handler = g_hash_table_lookup (handlers, event->type)) != NULL)
    handler (self, event);
}

static void
on_event (OcgEventSource *source,
          const char     *type,
          const char     *data,
          guint64         len,
          const char     *last_event_id,
          OcgSync        *self)
{
  /* opencode sends every frame as a default "message" event */
  if (strcmp (type, "message") == 0)
    ocg_sync_apply_frame (self, data, (gsize) len);
}

/* Fetching */

typedef struct
{
  OcgSync *self;
  guint64  since;
  char    *session_id;
  GError  *error;     /* why it failed, if it did */
} Fetch;

static Fetch *
fetch_new (OcgSync    *self,
           const char *session_id)
{
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->self = g_object_ref (self);
  fetch->since = self->seq;
  fetch->session_id = g_strdup (session_id);
  self->pending++;
  if (self->synced)
    {
      self->synced = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCED]);
    }
  return fetch;
}

static void
fetch_done (Fetch *fetch)
{
  OcgSync *self = fetch->self;

  g_assert (self->pending > 0);
  if (--self->pending == 0)
    {
      g_hash_table_remove_all (self->touched);
      self->synced = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCED]);
    }
  g_free (fetch->session_id);
  g_clear_error (&fetch->error);
  g_object_unref (fetch->self);
  g_free (fetch);
}

/* Returns the answer, or NULL when the fetch is to be dropped */
static JsonNode *
fetch_finish (Fetch         *fetch,
              GAsyncResult  *result,
              const char    *what,
              char         **next_cursor)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = ocg_client_call_finish (OCG_CLIENT (fetch->self->client), result, next_cursor, &error);

  if (node == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("Fetching %s failed: %s", what, error->message);
      g_signal_emit (fetch->self, signals[FETCH_FAILED], 0, what, error);
      g_clear_error (&fetch->error);
      fetch->error = g_steal_pointer (&error);
    }
  return node;
}

static void fetch_session_data (OcgSync *self, const char *session_id);

static GHashTable *
id_set (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Adds to @gone the ids in @list that a snapshot (@seen) lacks and that no
 * event touched since it was asked for: removed while we were away. Ids
 * below @keep_before are outside what was fetched and stay. */
static void
collect_missing (OcgSync    *self,
                 OcgIdList  *list,
                 GHashTable *seen,
                 guint64     since,
                 const char *keep_before,
                 GPtrArray  *gone)
{
  for (guint i = 0; list != NULL && i < ocg_id_list_get_size (list); i++)
    {
      const char *id = ocg_record_get_id (ocg_id_list_peek (list, i));

      if (keep_before != NULL && strcmp (id, keep_before) < 0)
        continue;
      if (!g_hash_table_contains (seen, id) && touched_since (self, id, since) == TOUCH_NONE)
        g_ptr_array_add (gone, g_strdup (id));
    }
}

/* The sessions. The monitor takes them all. The app holds a window: the
 * newest sessions (by time.updated, the server's order) down to a floor,
 * paged in as the sidebar nears its end, plus the sessions it has open and
 * those the current search found. GET /session has no cursor, only `limit`
 * (the newest N) and `start` (updated at or after): a page further is the
 * newest N + page, and a refetch asks for everything since the floor. */
#define SESSION_PAGE 200
#define ALL_SESSIONS 1000000
#define NO_FLOOR G_MININT64

typedef enum {
  SESSIONS_WINDOW,   /* the window again, after a (re)connection */
  SESSIONS_MORE,     /* the window and a page of older sessions */
  SESSIONS_SEARCH,   /* the newest matches of the search */
} SessionsKind;

typedef struct
{
  Fetch        *fetch;
  SessionsKind  kind;
  guint         limit;
  gint64        start;   /* 0: from the newest */
  guint         serial;  /* of the search */
} SessionsFetch;

static gint64
session_updated (OcgSession *session)
{
  gint64 updated = 0;

  g_object_get (session, "time-updated", &updated, NULL);
  return updated;
}

/* Puts the sessions of @array that no event changed since the fetch into the
 * store in one change; adds their ids to @seen, and those that were not in
 * the store to @added (when given) */
static void
upsert_sessions (OcgSync    *self,
                 Fetch      *fetch,
                 JsonArray  *array,
                 GHashTable *seen,
                 GHashTable *added)
{
  ocg_store_freeze_sessions (self->store);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *info;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !(id = ocg_json_get_string ((info = json_node_get_object (element)), "id")))
        continue;
      g_hash_table_add (seen, g_strdup (id));
      if (touched_since (self, id, fetch->since) != TOUCH_NONE)
        continue;
      if (added != NULL && ocg_store_lookup_session (self->store, id) == NULL)
        g_hash_table_add (added, g_strdup (id));
      ocg_store_upsert_session (self->store, info, NULL);
    }
  ocg_store_thaw_sessions (self->store);
}

/* Removes what earlier searches brought that is outside the window, not
 * open, and not in @keep */
static void
forget_found (OcgSync    *self,
              GHashTable *keep)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  const char *id;

  g_hash_table_iter_init (&iter, self->found);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      OcgSession *session = ocg_store_lookup_session (self->store, id);

      if (keep != NULL && g_hash_table_contains (keep, id))
        continue;
      if (session != NULL && session_updated (session) < self->floor)
        {
          if (!g_hash_table_contains (self->tracked, id))
            g_ptr_array_add (gone, g_strdup (id));
          continue;
        }
      g_hash_table_iter_remove (&iter);
    }
  for (guint i = 0; i < gone->len; i++)
    forget_session (self, g_ptr_array_index (gone, i));
}

static void fetch_sessions (OcgSync *self, SessionsKind kind);

static void
on_session_checked (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Fetch *fetch = user_data;
  OcgSync *self = fetch->self;
  g_autoptr(JsonNode) node = fetch_finish (fetch, result, "session", NULL);

  if (touched_since (self, fetch->session_id, fetch->since) == TOUCH_NONE)
    {
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        ocg_store_upsert_session (self->store, json_node_get_object (node), NULL);
      /* Deleted while we were away; one the store never had stays followed
       * (a session just made may not be listed yet) */
      else if (g_error_matches (fetch->error, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_NOT_FOUND) &&
               ocg_store_lookup_session (self->store, fetch->session_id) != NULL)
        forget_session (self, fetch->session_id);
    }
  fetch_done (fetch);
}

/* The answer is the newest sessions: all of those updated since @start
 * when it is not full, else those down to its last one. A session the store
 * holds and the answer lacks was deleted if it must have been in the answer
 * (its time.updated only grows); otherwise it is outside the window now:
 * dropped, or, when open, asked for by itself. */
static void
apply_window (OcgSync       *self,
              SessionsFetch *sf,
              JsonArray     *array)
{
  Fetch *fetch = sf->fetch;
  g_autoptr(GHashTable) seen = id_set ();
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) check = g_ptr_array_new_with_free_func (g_free);
  guint n = json_array_get_length (array);
  gboolean full = n >= sf->limit;
  OcgIdList *sessions = OCG_ID_LIST (ocg_store_get_sessions (self->store));
  gint64 floor = NO_FLOOR;

  upsert_sessions (self, fetch, array, seen, NULL);
  if (full)
    floor = ocg_json_get_int (json_array_get_object_element (array, n - 1), "time.updated", 0);
  else if (sf->start > 0)
    floor = sf->start;

  for (guint i = 0; i < ocg_id_list_get_size (sessions); i++)
    {
      OcgSession *session = ocg_id_list_peek (sessions, i);
      const char *id = ocg_record_get_id (OCG_RECORD (session));
      gint64 updated = session_updated (session);

      if (g_hash_table_contains (seen, id) || touched_since (self, id, fetch->since) != TOUCH_NONE)
        continue;
      if ((full ? updated > floor : updated >= floor) || !g_hash_table_contains (self->tracked, id))
        g_ptr_array_add (gone, g_strdup (id));
      else
        g_ptr_array_add (check, g_strdup (id));
    }
  for (guint i = 0; i < gone->len; i++)
    forget_session (self, g_ptr_array_index (gone, i));
  for (guint i = 0; i < check->len; i++)
    ocg_client_get_session_async (self->client, g_ptr_array_index (check, i), self->cancellable,
                                  on_session_checked, fetch_new (self, g_ptr_array_index (check, i)));

  self->floor = floor;
  self->window_size = n;
  forget_found (self, NULL);
  /* What the search found outside the window went with it */
  if (self->search != NULL && self->floor != NO_FLOOR)
    fetch_sessions (self, SESSIONS_SEARCH);
}

static void
on_sessions_fetched (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SessionsFetch *sf = user_data;
  Fetch *fetch = sf->fetch;
  OcgSync *self = fetch->self;
  const char *what = sf->kind == SESSIONS_WINDOW ? "sessions"
                   : sf->kind == SESSIONS_MORE ? "older sessions" : "session search";
  g_autoptr(JsonNode) node = fetch_finish (fetch, result, what, NULL);

  if (sf->kind == SESSIONS_MORE)
    self->loading_more = FALSE;

  if (node == NULL)
    ;
  /* Not an empty list: an answer that cannot be read is an error */
  else if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autoptr(GError) error = g_error_new (OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_INVALID_RESPONSE,
                                             "The server's list of sessions is not a list");

      g_debug ("Fetching %s failed: %s", what, error->message);
      g_signal_emit (self, signals[FETCH_FAILED], 0, what, error);
    }
  else if (sf->kind == SESSIONS_SEARCH)
    {
      g_autoptr(GHashTable) seen = id_set ();

      /* An answer to an older search is of no use */
      if (sf->serial == self->search_serial && self->search != NULL)
        {
          upsert_sessions (self, fetch, json_node_get_array (node), seen, self->found);
          forget_found (self, seen);
        }
    }
  else
    {
      GHashTableIter iter;
      const char *id;

      apply_window (self, sf, json_node_get_array (node));
      if (self->mirror_all)
        {
          GListModel *sessions = ocg_store_get_sessions (self->store);

          for (guint i = 0; i < g_list_model_get_n_items (sessions); i++)
            g_hash_table_add (self->tracked,
                              g_strdup (ocg_record_get_id (ocg_id_list_peek (OCG_ID_LIST (sessions), i))));
        }
      /* The monitor follows every session the list names; the app's
       * followed sessions were asked for with it (see refetch()) */
      if (sf->kind == SESSIONS_WINDOW && self->mirror_all)
        {
          g_hash_table_iter_init (&iter, self->tracked);
          while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
            fetch_session_data (self, id);
        }
    }

  g_free (sf);
  fetch_done (fetch);
}

static void
fetch_sessions (OcgSync      *self,
                SessionsKind  kind)
{
  SessionsFetch *sf = g_new0 (SessionsFetch, 1);

  sf->fetch = fetch_new (self, NULL);
  sf->kind = kind;
  if (self->mirror_all)
    sf->limit = ALL_SESSIONS;
  else if (kind == SESSIONS_SEARCH)
    {
      sf->limit = SESSION_PAGE;
      sf->serial = self->search_serial;
    }
  else if (kind == SESSIONS_MORE)
    sf->limit = self->window_size + SESSION_PAGE;
  else if (self->window_size == 0)
    sf->limit = SESSION_PAGE;
  else
    {
      /* What was paged in, and room for what came meanwhile */
      sf->limit = 2 * self->window_size + SESSION_PAGE;
      sf->start = self->floor != NO_FLOOR ? self->floor : 0;
    }
  ocg_client_list_sessions_async (self->client, FALSE, sf->limit, sf->start,
                                  kind == SESSIONS_SEARCH ? self->search : NULL,
                                  self->cancellable, on_sessions_fetched, sf);
}

static void
on_status_fetched (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Fetch *fetch = user_data;
  OcgSync *self = fetch->self;
  g_autoptr(JsonNode) node = fetch_finish (fetch, result, "session status", NULL);
  g_autoptr(GPtrArray) idle = g_ptr_array_new_with_free_func (g_free);
  GListModel *sessions;
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return fetch_done (fetch);

  object = json_node_get_object (node);
  {
    g_autoptr(GList) members = json_object_get_members (object);

    for (GList *l = members; l != NULL; l = l->next)
      {
        g_autofree char *key = g_strconcat ("status:", l->data, NULL);
        JsonObject *status = ocg_json_get_object (object, l->data);

        if (status != NULL && touched_since (self, key, fetch->since) == TOUCH_NONE)
          ocg_store_set_status (self->store, l->data, status);
      }
  }

  /* Sessions the snapshot does not list are idle */
  sessions = ocg_store_get_sessions (self->store);
  for (guint i = 0; i < g_list_model_get_n_items (sessions); i++)
    {
      const char *id = ocg_record_get_id (ocg_id_list_peek (OCG_ID_LIST (sessions), i));
      g_autofree char *key = g_strconcat ("status:", id, NULL);

      if (!json_object_has_member (object, id) && ocg_store_get_status (self->store, id) != NULL &&
          touched_since (self, key, fetch->since) == TOUCH_NONE)
        g_ptr_array_add (idle, g_strdup (id));
    }
  for (guint i = 0; i < idle->len; i++)
    ocg_store_set_status (self->store, g_ptr_array_index (idle, i), NULL);

  fetch_done (fetch);
}

static void
apply_requests (OcgSync        *self,
                Fetch          *fetch,
                JsonNode       *node,
                OcgRequestKind  kind)
{
  OcgRecordStore *requests = ocg_store_get_request_store (self->store, kind);
  g_autoptr(GHashTable) seen = id_set ();
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GList) groups = NULL;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *request;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !(id = ocg_json_get_string ((request = json_node_get_object (element)), "id")))
        continue;
      g_hash_table_add (seen, g_strdup (id));
      if (touched_since (self, id, fetch->since) == TOUCH_NONE)
        ocg_store_add_request (self->store, kind, request, NULL);
    }

  groups = ocg_record_store_get_groups (requests);
  for (GList *l = groups; l != NULL; l = l->next)
    collect_missing (self, ocg_record_store_peek_list (requests, l->data), seen, fetch->since, NULL, gone);
  for (guint i = 0; i < gone->len; i++)
    ocg_store_remove_request (self->store, kind, g_ptr_array_index (gone, i));
}

static void
on_permissions_fetched (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(JsonNode) node = fetch_finish (fetch, result, "permissions", NULL);

  if (node != NULL)
    apply_requests (fetch->self, fetch, node, OCG_REQUEST_PERMISSION);
  fetch_done (fetch);
}

static void
on_questions_fetched (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(JsonNode) node = fetch_finish (fetch, result, "questions", NULL);

  if (node != NULL)
    apply_requests (fetch->self, fetch, node, OCG_REQUEST_QUESTION);
  fetch_done (fetch);
}

static void
on_todo_fetched (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fetch *fetch = user_data;
  OcgSync *self = fetch->self;
  g_autoptr(JsonNode) node = fetch_finish (fetch, result, "todos", NULL);
  g_autofree char *key = g_strconcat ("todo:", fetch->session_id, NULL);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node) &&
      touched_since (self, key, fetch->since) == TOUCH_NONE)
    ocg_store_set_todo (self->store, fetch->session_id, json_node_get_array (node));
  fetch_done (fetch);
}

/* Whether a part only grown by deltas is ahead of the snapshot's @part */
static gboolean
part_is_ahead (OcgSync    *self,
               JsonObject *part,
               OcgPart    *prepared)
{
  OcgPart *current = ocg_store_lookup_part (self->store, ocg_json_get_string (part, "id"));
  const char *snapshot_text = ocg_json_get_string (part, "text");
  g_autofree char *decoded = NULL;
  const char *snapshot;
  const char *text;
  gsize snapshot_len, len;

  if (current == NULL || snapshot_text == NULL)
    return FALSE;
  /* Whole strings, U+0000 included */
  if (prepared != NULL)
    {
      snapshot = ocg_record_get_string (OCG_RECORD (prepared), "text");
      snapshot_len = ocg_record_get_string_length (OCG_RECORD (prepared), "text");
    }
  else
    snapshot = decoded = ocg_json_decode_string (snapshot_text, &snapshot_len);
  text = ocg_record_get_string (OCG_RECORD (current), "text");
  len = ocg_record_get_string_length (OCG_RECORD (current), "text");
  return text != NULL && len >= snapshot_len && memcmp (text, snapshot, snapshot_len) == 0;
}

/* The pages of one session's messages: the newest page first, each page in
 * ascending order */
typedef struct
{
  Fetch     *fetch;
  GPtrArray *pages;
  guint      limit;   /* 0: every page */
  gboolean   older;   /* a page of older history */
  char      *cursor;  /* of the next older page, from the last answer */
} MessagesFetch;

/* How far back a tracked session's messages go (the app loads the newest
 * page, and older ones as the user scrolls up) */
typedef struct
{
  char     *cursor;   /* for the next older page; NULL when all are here */
  gboolean  loading;
  gboolean  loaded;   /* the newest page has been applied once */
  gboolean  fetching; /* the newest page is on its way */
} History;

#define PAGE_SIZE 60

static void
history_free (gpointer data)
{
  History *history = data;

  g_free (history->cursor);
  g_free (history);
}

static History *
history_for (OcgSync    *self,
             const char *session_id)
{
  History *history = g_hash_table_lookup (self->history, session_id);

  if (history == NULL)
    {
      history = g_new0 (History, 1);
      g_hash_table_insert (self->history, g_strdup (session_id), history);
    }
  return history;
}

/* @keep_before: messages with smaller ids are outside what was fetched and
 * stay (NULL: everything was fetched) */
static void
apply_messages (OcgSync    *self,
                Fetch      *fetch,
                GPtrArray  *pages,
                GHashTable *prepared,
                gboolean    remove_missing,
                const char *keep_before)
{
  const char *session_id = fetch->session_id;
  g_autoptr(GHashTable) seen_messages = id_set ();
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  GListModel *messages = ocg_store_get_messages (self->store, session_id);

  /* The page comes into the lists in one change each: a change per
   * message made the window group the turns again for every one */
  ocg_id_list_freeze (OCG_ID_LIST (messages));
  for (guint page = pages->len; page > 0; page--)
  for (guint i = 0; i < json_array_get_length (g_ptr_array_index (pages, page - 1)); i++)
    {
      JsonNode *element = json_array_get_element (g_ptr_array_index (pages, page - 1), i);
      JsonObject *entry, *info;
      JsonArray *parts;
      const char *message_id;
      g_autoptr(GHashTable) seen_parts = id_set ();
      GListModel *current_parts;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      entry = json_node_get_object (element);
      if (!(info = ocg_json_get_object (entry, "info")) ||
          !(message_id = ocg_json_get_string (info, "id")) ||
          g_strcmp0 (ocg_json_get_string (info, "sessionID"), session_id) != 0)
        continue;

      g_hash_table_add (seen_messages, g_strdup (message_id));
      switch (touched_since (self, message_id, fetch->since))
        {
        case TOUCH_DELETED:
          continue;
        case TOUCH_NONE:
          ocg_store_upsert_message_prepared (self->store, info, g_hash_table_lookup (prepared, info), NULL);
          break;
        case TOUCH_FULL:
        case TOUCH_DELTA:
        default:
          break;
        }

      parts = ocg_json_get_array (entry, "parts");
      current_parts = ocg_store_get_parts (self->store, message_id);
      ocg_id_list_freeze (OCG_ID_LIST (current_parts));
      for (guint j = 0; parts != NULL && j < json_array_get_length (parts); j++)
        {
          JsonNode *part_node = json_array_get_element (parts, j);
          JsonObject *part;
          OcgPart *ready;
          const char *part_id;
          Touch t;

          if (!JSON_NODE_HOLDS_OBJECT (part_node) ||
              !(part_id = ocg_json_get_string ((part = json_node_get_object (part_node)), "id")))
            continue;
          g_hash_table_add (seen_parts, g_strdup (part_id));
          ready = g_hash_table_lookup (prepared, part);
          t = touched_since (self, part_id, fetch->since);
          if (t == TOUCH_NONE || (t == TOUCH_DELTA && !part_is_ahead (self, part, ready)))
            ocg_store_upsert_part_prepared (self->store, part, ready, NULL);
        }

      ocg_id_list_thaw (OCG_ID_LIST (current_parts));

      /* Parts removed while we were away */
      collect_missing (self, OCG_ID_LIST (current_parts), seen_parts, fetch->since, NULL, gone);
      for (guint j = 0; j < gone->len; j++)
        ocg_store_remove_part (self->store, g_ptr_array_index (gone, j));
      g_ptr_array_set_size (gone, 0);
    }

  ocg_id_list_thaw (OCG_ID_LIST (messages));

  /* Messages removed while we were away */
  if (remove_missing)
    collect_missing (self, OCG_ID_LIST (messages), seen_messages, fetch->since, keep_before, gone);
  for (guint i = 0; i < gone->len; i++)
    ocg_store_remove_message (self->store, g_ptr_array_index (gone, i));
}

/* Reading a page into records takes a while for a long one (a 50 MB
 * answer): a worker thread makes the records of every message and part,
 * keyed by their JSON objects, and the main thread only puts them in */
static void
prepare_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GPtrArray *pages = task_data;
  GHashTable *prepared = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);

  for (guint page = 0; page < pages->len; page++)
  for (guint i = 0; i < json_array_get_length (g_ptr_array_index (pages, page)); i++)
    {
      JsonNode *element = json_array_get_element (g_ptr_array_index (pages, page), i);
      JsonObject *entry, *info;
      JsonArray *parts;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      entry = json_node_get_object (element);
      if ((info = ocg_json_get_object (entry, "info")) && (id = ocg_json_get_string (info, "id")))
        g_hash_table_insert (prepared, info, ocg_record_new (OCG_TYPE_MESSAGE, id, info));

      parts = ocg_json_get_array (entry, "parts");
      for (guint j = 0; parts != NULL && j < json_array_get_length (parts); j++)
        {
          JsonNode *node = json_array_get_element (parts, j);
          JsonObject *part;

          if (JSON_NODE_HOLDS_OBJECT (node) &&
              (id = ocg_json_get_string ((part = json_node_get_object (node)), "id")))
            g_hash_table_insert (prepared, part, ocg_record_new (OCG_TYPE_PART, id, part));
        }
    }
  g_task_return_pointer (task, prepared, (GDestroyNotify) g_hash_table_unref);
}

static void
messages_fetch_free (MessagesFetch *mf)
{
  OcgSync *self = mf->fetch->self;
  History *history;

  if (!mf->older && (history = g_hash_table_lookup (self->history, mf->fetch->session_id)) != NULL)
    history->fetching = FALSE;

  g_ptr_array_unref (mf->pages);
  g_free (mf->cursor);
  fetch_done (mf->fetch);
  g_free (mf);
}

static void
on_messages_prepared (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  MessagesFetch *mf = user_data;
  Fetch *fetch = mf->fetch;
  OcgSync *self = fetch->self;
  g_autoptr(GHashTable) prepared = g_task_propagate_pointer (G_TASK (result), NULL);
  JsonArray *page = g_ptr_array_index (mf->pages, mf->pages->len - 1);
  gboolean more = mf->cursor != NULL && *mf->cursor != '\0' && json_array_get_length (page) > 0;
  History *history;

  if (g_hash_table_contains (self->tracked, fetch->session_id))
    {
      const char *first = NULL;

      if (more)
        first = ocg_json_get_string (json_array_get_object_element (page, 0), "info.id");
      apply_messages (self, fetch, mf->pages, prepared, !mf->older, more ? first : NULL);
      if (!mf->older && !history_for (self, fetch->session_id)->loaded)
        {
          history_for (self, fetch->session_id)->loaded = TRUE;
          g_signal_emit (self, signals[MESSAGES_LOADED], 0, fetch->session_id);
        }

      if (mf->limit > 0)
        {
          history = history_for (self, fetch->session_id);

          /* A refetch of the newest messages says nothing of older ones */
          if (mf->older || history->cursor == NULL || !more)
            {
              g_free (history->cursor);
              history->cursor = more ? g_strdup (mf->cursor) : NULL;
            }
          if (mf->older)
            history->loading = FALSE;
        }
    }

  messages_fetch_free (mf);
}

static void
on_messages_fetched (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  MessagesFetch *mf = user_data;
  Fetch *fetch = mf->fetch;
  OcgSync *self = fetch->self;
  g_autofree char *cursor = NULL;
  g_autoptr(JsonNode) node = fetch_finish (fetch, result, "messages", &cursor);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *page = json_node_get_array (node);
      gboolean more = cursor != NULL && *cursor != '\0' && json_array_get_length (page) > 0;
      g_autoptr(GTask) task = NULL;

      g_ptr_array_add (mf->pages, json_array_ref (page));
      if (more && mf->limit == 0 && g_hash_table_contains (self->tracked, fetch->session_id))
        {
          ocg_client_list_messages_async (self->client, fetch->session_id, 0, cursor,
                                          self->cancellable, on_messages_fetched, mf);
          return;
        }
      if (g_hash_table_contains (self->tracked, fetch->session_id))
        {
          /* The pages stay untouched on this thread until the records are
           * made */
          mf->cursor = g_steal_pointer (&cursor);
          task = g_task_new (NULL, NULL, on_messages_prepared, mf);
          g_task_set_source_tag (task, on_messages_fetched);
          g_task_set_task_data (task, g_ptr_array_ref (mf->pages), (GDestroyNotify) g_ptr_array_unref);
          g_task_run_in_thread (task, prepare_in_thread);
          return;
        }
    }
  else if (mf->older)
    history_for (self, fetch->session_id)->loading = FALSE;
  else if (g_hash_table_contains (self->tracked, fetch->session_id) && (node != NULL || fetch->error != NULL))
    {
      g_autoptr(GError) unreadable = NULL;

      if (fetch->error == NULL)
        unreadable = g_error_new (OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_INVALID_RESPONSE,
                                  "The server's list of messages is not a list");
      g_signal_emit (self, signals[MESSAGES_FAILED], 0, fetch->session_id,
                     fetch->error != NULL ? fetch->error : unreadable);
    }

  messages_fetch_free (mf);
}

static void
fetch_session_data (OcgSync    *self,
                    const char *session_id)
{
  MessagesFetch *mf = g_new0 (MessagesFetch, 1);

  mf->fetch = fetch_new (self, session_id);
  mf->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_array_unref);
  /* The monitor mirrors everything; the app the newest page, or as many
   * messages as it already shows */
  if (!self->mirror_all)
    mf->limit = MAX (PAGE_SIZE, g_list_model_get_n_items (ocg_store_get_messages (self->store, session_id)));
  history_for (self, session_id)->fetching = TRUE;
  ocg_client_list_messages_async (self->client, session_id, mf->limit, NULL, self->cancellable,
                                  on_messages_fetched, mf);
  ocg_client_session_todo_async (self->client, session_id, self->cancellable,
                                 on_todo_fetched, fetch_new (self, session_id));
}

static void
refetch (OcgSync *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  self->loading_more = FALSE;
  fetch_sessions (self, SESSIONS_WINDOW);
  /* The sessions the app follows are known already: their messages are
   * asked for at once, not a round trip later */
  if (!self->mirror_all)
    {
      GHashTableIter iter;
      const char *id;

      g_hash_table_iter_init (&iter, self->tracked);
      while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
        fetch_session_data (self, id);
    }
  ocg_client_session_status_async (self->client, self->cancellable,
                                   on_status_fetched, fetch_new (self, NULL));
  ocg_client_list_permissions_async (self->client, self->cancellable,
                                     on_permissions_fetched, fetch_new (self, NULL));
  ocg_client_list_questions_async (self->client, self->cancellable,
                                   on_questions_fetched, fetch_new (self, NULL));
}

static void
on_connected (OcgEventSource *source,
              OcgSync        *self)
{
  refetch (self);
}

/* GObject */

static void
ocg_sync_dispose (GObject *object)
{
  OcgSync *self = OCG_SYNC (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->source != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->source, self);
      ocg_event_source_stop (self->source);
    }
  g_clear_object (&self->source);
  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ocg_sync_parent_class)->dispose (object);
}

static void
ocg_sync_finalize (GObject *object)
{
  OcgSync *self = OCG_SYNC (object);

  g_clear_pointer (&self->tracked, g_hash_table_unref);
  g_clear_pointer (&self->holds, g_hash_table_unref);
  g_queue_clear_full (&self->unheld, g_free);
  g_clear_pointer (&self->history, g_hash_table_unref);
  g_clear_pointer (&self->found, g_hash_table_unref);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->touched, g_hash_table_unref);
  g_clear_pointer (&self->malformed_logged, g_hash_table_unref);

  G_OBJECT_CLASS (ocg_sync_parent_class)->finalize (object);
}

static void
ocg_sync_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  OcgSync *self = OCG_SYNC (object);

  switch (prop_id)
    {
    case PROP_SYNCED:
      g_value_set_boolean (value, self->synced);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_sync_class_init (OcgSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ocg_sync_dispose;
  object_class->finalize = ocg_sync_finalize;
  object_class->get_property = ocg_sync_get_property;

  /* Whether every fetch since the last connection has come back */
  properties[PROP_SYNCED] =
    g_param_spec_boolean ("synced", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[MALFORMED] =
    g_signal_new ("malformed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* A fetch failed or its answer could not be read: what ("sessions",
   * "session status", ...) and why. Without "sessions" the store does not
   * know the project. */
  signals[FETCH_FAILED] =
    g_signal_new ("fetch-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
  /* The newest messages of a tracked session are in the store, for the
   * first time: until then, an empty list says nothing */
  signals[MESSAGES_LOADED] =
    g_signal_new ("messages-loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /* The newest messages of a tracked session could not be fetched, and why;
   * the next connection tries again */
  signals[MESSAGES_FAILED] =
    g_signal_new ("messages-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);

  handlers = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < G_N_ELEMENTS (handler_table); i++)
    g_hash_table_insert (handlers, (gpointer) handler_table[i].type, handler_table[i].handler);
}

static void
ocg_sync_init (OcgSync *self)
{
  self->tracked = id_set ();
  self->holds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->unheld);
  self->keep = G_MAXUINT;
  self->history = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, history_free);
  self->found = id_set ();
  self->floor = NO_FLOOR;
  self->touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->malformed_logged = id_set ();
}

/**
 * ocg_sync_new:
 * @store: the store to keep
 * @client: (nullable): the server, or %NULL to apply frames by hand (replay)
 */
OcgSync *
ocg_sync_new (OcgStore  *store,
              OcgClient *client)
{
  OcgSync *self;

  g_return_val_if_fail (OCG_IS_STORE (store), NULL);
  g_return_val_if_fail (client == NULL || OCG_IS_CLIENT (client), NULL);

  self = g_object_new (OCG_TYPE_SYNC, NULL);
  self->store = g_object_ref (store);
  if (client != NULL)
    {
      self->client = g_object_ref (client);
      self->source = ocg_event_source_new (client, "/event");
      g_signal_connect (self->source, "event", G_CALLBACK (on_event), self);
      g_signal_connect (self->source, "connected", G_CALLBACK (on_connected), self);
    }
  return self;
}

OcgStore *
ocg_sync_get_store (OcgSync *self)
{
  g_return_val_if_fail (OCG_IS_SYNC (self), NULL);
  return self->store;
}

OcgClient *
ocg_sync_get_client (OcgSync *self)
{
  g_return_val_if_fail (OCG_IS_SYNC (self), NULL);
  return self->client;
}

OcgEventSource *
ocg_sync_get_event_source (OcgSync *self)
{
  g_return_val_if_fail (OCG_IS_SYNC (self), NULL);
  return self->source;
}

/* Mirror the messages of every session (the monitor) rather than of the
 * tracked ones only (the app) */
void
ocg_sync_set_mirror_all (OcgSync  *self,
                         gboolean  mirror_all)
{
  g_return_if_fail (OCG_IS_SYNC (self));
  self->mirror_all = !!mirror_all;
}

void
ocg_sync_start (OcgSync *self)
{
  g_return_if_fail (OCG_IS_SYNC (self));
  g_return_if_fail (self->source != NULL);

  ocg_event_source_start (self->source);
}

void
ocg_sync_stop (OcgSync *self)
{
  g_return_if_fail (OCG_IS_SYNC (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->source != NULL)
    ocg_event_source_stop (self->source);
}

/* Mirror the messages of @session_id from now on, and after each reconnect */
void
ocg_sync_track_session (OcgSync    *self,
                        const char *session_id)
{
  g_return_if_fail (OCG_IS_SYNC (self));
  g_return_if_fail (session_id != NULL);

  if (g_hash_table_contains (self->tracked, session_id))
    {
      History *history = g_hash_table_lookup (self->history, session_id);

      /* Followed already; but its messages never came (the fetch failed):
       * whoever asks again gets another try */
      if (history != NULL && (history->loaded || history->fetching))
        return;
    }
  else
    g_hash_table_add (self->tracked, g_strdup (session_id));
  if (self->client != NULL && self->cancellable != NULL &&
      ocg_event_source_get_state (self->source) == OCG_EVENT_SOURCE_CONNECTED)
    {
      /* Opened from outside the window (a notification, a task step) */
      if (ocg_store_lookup_session (self->store, session_id) == NULL)
        ocg_client_get_session_async (self->client, session_id, self->cancellable,
                                      on_session_checked, fetch_new (self, session_id));
      fetch_session_data (self, session_id);
    }
}

/**
 * ocg_sync_untrack_session:
 *
 * Stops mirroring the messages of @session_id, and drops those the store
 * has: the half of ocg_sync_track_session() that a view that no longer
 * shows a session needs. The session itself stays, with its status and
 * requests.
 */
void
ocg_sync_untrack_session (OcgSync    *self,
                          const char *session_id)
{
  g_return_if_fail (OCG_IS_SYNC (self));
  g_return_if_fail (session_id != NULL);

  drop_unheld (self, session_id);
  if (!g_hash_table_remove (self->tracked, session_id))
    return;
  g_hash_table_remove (self->history, session_id);
  ocg_store_release_messages (self->store, session_id);
}

/* A session still at work, or waiting for the user, keeps its messages */
static gboolean
can_release (OcgSync    *self,
             const char *session_id)
{
  return ocg_store_get_status (self->store, session_id) == NULL &&
         g_list_model_get_n_items (ocg_store_get_requests (self->store, OCG_REQUEST_PERMISSION, session_id)) == 0 &&
         g_list_model_get_n_items (ocg_store_get_requests (self->store, OCG_REQUEST_QUESTION, session_id)) == 0;
}

/* Releases the least recently shown sessions beyond the number kept */
static void
trim (OcgSync *self)
{
  GList *link = self->unheld.head;

  while (link != NULL && self->unheld.length > self->keep)
    {
      GList *next = link->next;
      g_autofree char *id = NULL;

      if (can_release (self, link->data))
        {
          id = link->data;
          g_queue_delete_link (&self->unheld, link);
          ocg_sync_untrack_session (self, id);
        }
      link = next;
    }
}

/**
 * ocg_sync_hold_session:
 *
 * A view shows @session_id: it is tracked, and kept until as many
 * ocg_sync_release_session() calls
 */
void
ocg_sync_hold_session (OcgSync    *self,
                       const char *session_id)
{
  guint holds;

  g_return_if_fail (OCG_IS_SYNC (self));
  g_return_if_fail (session_id != NULL);

  holds = GPOINTER_TO_UINT (g_hash_table_lookup (self->holds, session_id));
  g_hash_table_replace (self->holds, g_strdup (session_id), GUINT_TO_POINTER (holds + 1));
  drop_unheld (self, session_id);
  ocg_sync_track_session (self, session_id);
}

/**
 * ocg_sync_release_session:
 *
 * A view no longer shows @session_id. Once none does, the session's
 * messages stay for a while: the "keep" most recently shown sessions no view
 * shows keep theirs, and older ones are released (ocg_sync_untrack_session())
 * unless they are busy or wait for the user.
 */
void
ocg_sync_release_session (OcgSync    *self,
                          const char *session_id)
{
  guint holds;

  g_return_if_fail (OCG_IS_SYNC (self));
  g_return_if_fail (session_id != NULL);

  holds = GPOINTER_TO_UINT (g_hash_table_lookup (self->holds, session_id));
  g_return_if_fail (holds > 0);
  if (holds > 1)
    {
      g_hash_table_replace (self->holds, g_strdup (session_id), GUINT_TO_POINTER (holds - 1));
      return;
    }
  g_hash_table_remove (self->holds, session_id);
  if (g_hash_table_contains (self->tracked, session_id))
    g_queue_push_tail (&self->unheld, g_strdup (session_id));
  trim (self);
}

/* How many sessions no view shows keep their messages (G_MAXUINT: all) */
void
ocg_sync_set_keep (OcgSync *self,
                   guint    keep)
{
  g_return_if_fail (OCG_IS_SYNC (self));

  self->keep = keep;
  trim (self);
}

guint
ocg_sync_get_n_tracked (OcgSync *self)
{
  g_return_val_if_fail (OCG_IS_SYNC (self), 0);
  return g_hash_table_size (self->tracked);
}

gboolean
ocg_sync_get_synced (OcgSync *self)
{
  g_return_val_if_fail (OCG_IS_SYNC (self), FALSE);
  return self->synced;
}

guint64
ocg_sync_get_n_events (OcgSync *self)
{
  g_return_val_if_fail (OCG_IS_SYNC (self), 0);
  return self->n_events;
}

guint64
ocg_sync_get_n_malformed (OcgSync *self)
{
  g_return_val_if_fail (OCG_IS_SYNC (self), 0);
  return self->n_malformed;
}

/* Whether the newest messages of @session_id have been fetched once (see
 * the "messages-loaded" signal) */
gboolean
ocg_sync_get_messages_loaded (OcgSync    *self,
                              const char *session_id)
{
  History *history;

  g_return_val_if_fail (OCG_IS_SYNC (self), FALSE);

  history = session_id != NULL ? g_hash_table_lookup (self->history, session_id) : NULL;
  return history != NULL && history->loaded;
}

/* Whether @session_id has messages older than those in the store */
gboolean
ocg_sync_has_older (OcgSync    *self,
                    const char *session_id)
{
  History *history;

  g_return_val_if_fail (OCG_IS_SYNC (self), FALSE);

  history = session_id != NULL ? g_hash_table_lookup (self->history, session_id) : NULL;
  return history != NULL && history->cursor != NULL;
}

/* Fetches the page of messages before the oldest one in the store */
void
ocg_sync_load_older (OcgSync    *self,
                     const char *session_id)
{
  History *history;
  MessagesFetch *mf;

  g_return_if_fail (OCG_IS_SYNC (self));
  g_return_if_fail (session_id != NULL);

  history = g_hash_table_lookup (self->history, session_id);
  if (history == NULL || history->cursor == NULL || history->loading ||
      self->client == NULL || self->cancellable == NULL)
    return;

  history->loading = TRUE;
  mf = g_new0 (MessagesFetch, 1);
  mf->fetch = fetch_new (self, session_id);
  mf->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_array_unref);
  mf->limit = PAGE_SIZE;
  mf->older = TRUE;
  ocg_client_list_messages_async (self->client, session_id, PAGE_SIZE, history->cursor, self->cancellable,
                                  on_messages_fetched, mf);
}

/* Whether the server has sessions older than those paged in */
gboolean
ocg_sync_has_more_sessions (OcgSync *self)
{
  g_return_val_if_fail (OCG_IS_SYNC (self), FALSE);
  return !self->mirror_all && self->window_size > 0 && self->floor != NO_FLOOR;
}

/* Fetches the page of sessions after those paged in (the sidebar nears its
 * end); one at a time */
void
ocg_sync_load_more_sessions (OcgSync *self)
{
  g_return_if_fail (OCG_IS_SYNC (self));

  if (!ocg_sync_has_more_sessions (self) || self->loading_more ||
      self->client == NULL || self->cancellable == NULL)
    return;
  self->loading_more = TRUE;
  fetch_sessions (self, SESSIONS_MORE);
}

/* Asks the server for the newest sessions whose title contains @text, when
 * not all sessions are here, and keeps them while the search lasts; %NULL
 * or "" ends the search */
void
ocg_sync_search_sessions (OcgSync    *self,
                          const char *text)
{
  g_return_if_fail (OCG_IS_SYNC (self));

  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (text, self->search) == 0)
    return;
  g_free (self->search);
  self->search = g_strdup (text);
  self->search_serial++;
  if (self->search == NULL)
    forget_found (self, NULL);
  else if (ocg_sync_has_more_sessions (self) && self->client != NULL && self->cancellable != NULL)
    fetch_sessions (self, SESSIONS_SEARCH);
}
