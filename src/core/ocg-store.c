/* ocg-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-store.h"
#include "ocg-json.h"

#include <string.h>

struct _OcgStore
{
  GObject         parent_instance;

  OcgRecordStore *sessions;
  OcgRecordStore *messages;     /* grouped by session id */
  OcgRecordStore *parts;        /* grouped by message id */
  OcgRecordStore *requests[2];  /* grouped by session id */

  GHashTable     *status;       /* session id -> JsonObject, busy or retry only */
  GHashTable     *todo;         /* session id -> JsonArray */
  GHashTable     *diff;         /* session id -> JsonArray */
  GHashTable     *error;        /* session id -> JsonObject */
};

G_DEFINE_FINAL_TYPE (OcgStore, ocg_store, G_TYPE_OBJECT)

enum {
  SESSION_DATA_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GQuark ocg_store_error_quark (void);
G_DEFINE_QUARK (ocg-store-error-quark, ocg_store_error)
#define OCG_STORE_ERROR (ocg_store_error_quark ())

static void
ocg_store_dispose (GObject *object)
{
  OcgStore *self = OCG_STORE (object);

  g_clear_object (&self->sessions);
  g_clear_object (&self->messages);
  g_clear_object (&self->parts);
  g_clear_object (&self->requests[0]);
  g_clear_object (&self->requests[1]);
  g_clear_pointer (&self->status, g_hash_table_unref);
  g_clear_pointer (&self->todo, g_hash_table_unref);
  g_clear_pointer (&self->diff, g_hash_table_unref);
  g_clear_pointer (&self->error, g_hash_table_unref);

  G_OBJECT_CLASS (ocg_store_parent_class)->dispose (object);
}

static void
ocg_store_class_init (OcgStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ocg_store_dispose;

  /**
   * OcgStore::session-data-changed:
   * @session_id: the session
   * @what: "status", "todo", "diff", "error", "permission" or "question"
   */
  signals[SESSION_DATA_CHANGED] =
    g_signal_new ("session-data-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
ocg_store_init (OcgStore *self)
{
  self->sessions = ocg_record_store_new (OCG_TYPE_SESSION);
  self->messages = ocg_record_store_new (OCG_TYPE_MESSAGE);
  self->parts = ocg_record_store_new (OCG_TYPE_PART);
  self->requests[OCG_REQUEST_PERMISSION] = ocg_record_store_new (OCG_TYPE_REQUEST);
  self->requests[OCG_REQUEST_QUESTION] = ocg_record_store_new (OCG_TYPE_REQUEST);
  self->status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) json_object_unref);
  self->todo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) json_array_unref);
  self->diff = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) json_array_unref);
  self->error = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) json_object_unref);
}

OcgStore *
ocg_store_new (void)
{
  return g_object_new (OCG_TYPE_STORE, NULL);
}

OcgRecordStore *
ocg_store_get_session_store (OcgStore *self)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return self->sessions;
}

OcgRecordStore *
ocg_store_get_message_store (OcgStore *self)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return self->messages;
}

OcgRecordStore *
ocg_store_get_part_store (OcgStore *self)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return self->parts;
}

OcgRecordStore *
ocg_store_get_request_store (OcgStore       *self,
                             OcgRequestKind  kind)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return self->requests[kind];
}

/* Every session, in id order (newest first, as session ids descend) */
GListModel *
ocg_store_get_sessions (OcgStore *self)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return G_LIST_MODEL (ocg_record_store_get_list (self->sessions, ""));
}

GListModel *
ocg_store_get_messages (OcgStore   *self,
                        const char *session_id)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return G_LIST_MODEL (ocg_record_store_get_list (self->messages, session_id));
}

GListModel *
ocg_store_get_parts (OcgStore   *self,
                     const char *message_id)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return G_LIST_MODEL (ocg_record_store_get_list (self->parts, message_id));
}

GListModel *
ocg_store_get_requests (OcgStore       *self,
                        OcgRequestKind  kind,
                        const char     *session_id)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return G_LIST_MODEL (ocg_record_store_get_list (self->requests[kind], session_id));
}

OcgSession *
ocg_store_lookup_session (OcgStore   *self,
                          const char *session_id)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return ocg_record_store_lookup (self->sessions, session_id);
}

OcgMessage *
ocg_store_lookup_message (OcgStore   *self,
                          const char *message_id)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return ocg_record_store_lookup (self->messages, message_id);
}

OcgPart *
ocg_store_lookup_part (OcgStore   *self,
                       const char *part_id)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return ocg_record_store_lookup (self->parts, part_id);
}

static const char *
require_string (JsonObject  *object,
                const char  *member,
                const char  *what,
                GError     **error)
{
  const char *value = object != NULL ? ocg_json_get_string (object, member) : NULL;

  if (value == NULL || *value == '\0')
    {
      g_set_error (error, OCG_STORE_ERROR, 0, "%s without a string “%s”", what, member);
      return NULL;
    }
  return value;
}

static void
emit_changed (OcgStore   *self,
              const char *session_id,
              const char *what)
{
  g_signal_emit (self, signals[SESSION_DATA_CHANGED], 0, session_id, what);
}

static const char *
status_type (JsonObject *status)
{
  const char *type = status != NULL ? ocg_json_get_string (status, "type") : NULL;

  return type != NULL ? type : "idle";
}

static void
update_n_requests (OcgStore   *self,
                   const char *session_id)
{
  OcgSession *session = ocg_record_store_lookup (self->sessions, session_id);
  guint n = 0;

  if (session == NULL)
    return;
  for (guint k = 0; k < G_N_ELEMENTS (self->requests); k++)
    {
      OcgIdList *list = ocg_record_store_peek_list (self->requests[k], session_id);

      n += list != NULL ? ocg_id_list_get_size (list) : 0;
    }
  ocg_session_set_n_requests (session, n);
}

OcgSession *
ocg_store_upsert_session (OcgStore    *self,
                          JsonObject  *info,
                          GError     **error)
{
  const char *id;
  OcgSession *session;
  gboolean created;

  g_return_val_if_fail (OCG_IS_STORE (self), NULL);

  if (!(id = require_string (info, "id", "session", error)))
    return NULL;

  session = ocg_record_store_upsert (self->sessions, "", id, info, &created);
  if (created)
    {
      /* What arrived for the session before the session itself */
      ocg_session_set_status (session, g_hash_table_lookup (self->status, id));
      update_n_requests (self, id);
    }
  return session;
}

/**
 * ocg_store_freeze_sessions:
 *
 * Sessions upserted until ocg_store_thaw_sessions() come into the list of
 * sessions all at once (see ocg_id_list_freeze()); none may be removed
 * meanwhile.
 */
void
ocg_store_freeze_sessions (OcgStore *self)
{
  g_return_if_fail (OCG_IS_STORE (self));
  ocg_id_list_freeze (ocg_record_store_get_list (self->sessions, ""));
}

void
ocg_store_thaw_sessions (OcgStore *self)
{
  g_return_if_fail (OCG_IS_STORE (self));
  ocg_id_list_thaw (ocg_record_store_get_list (self->sessions, ""));
}

static void
remove_message_parts (OcgStore   *self,
                      const char *message_id)
{
  g_ptr_array_unref (ocg_record_store_remove_group (self->parts, message_id));
}

/* Drops the messages of @session_id and their parts, keeping the session,
 * its status and its requests: what a session no window shows needs */
void
ocg_store_release_messages (OcgStore   *self,
                            const char *session_id)
{
  g_autoptr(GPtrArray) message_ids = NULL;

  g_return_if_fail (OCG_IS_STORE (self));
  g_return_if_fail (session_id != NULL);

  message_ids = ocg_record_store_remove_group (self->messages, session_id);
  for (guint i = 0; i < message_ids->len; i++)
    remove_message_parts (self, g_ptr_array_index (message_ids, i));
}

gboolean
ocg_store_remove_session (OcgStore   *self,
                          const char *session_id)
{
  gboolean removed;

  g_return_val_if_fail (OCG_IS_STORE (self), FALSE);
  g_return_val_if_fail (session_id != NULL, FALSE);

  removed = ocg_record_store_remove (self->sessions, session_id);
  ocg_store_release_messages (self, session_id);

  for (guint k = 0; k < G_N_ELEMENTS (self->requests); k++)
    g_ptr_array_unref (ocg_record_store_remove_group (self->requests[k], session_id));
  g_hash_table_remove (self->status, session_id);
  g_hash_table_remove (self->todo, session_id);
  g_hash_table_remove (self->diff, session_id);
  g_hash_table_remove (self->error, session_id);

  return removed;
}

OcgMessage *
ocg_store_upsert_message (OcgStore    *self,
                          JsonObject  *info,
                          GError     **error)
{
  return ocg_store_upsert_message_prepared (self, info, NULL, error);
}

/* ocg_store_upsert_message() with the record ocg_record_new() made of
 * @info beforehand (see ocg_record_store_upsert_prepared()) */
OcgMessage *
ocg_store_upsert_message_prepared (OcgStore    *self,
                                   JsonObject  *info,
                                   OcgMessage  *prepared,
                                   GError     **error)
{
  const char *id;
  const char *session_id;

  g_return_val_if_fail (OCG_IS_STORE (self), NULL);

  if (!(id = require_string (info, "id", "message", error)) ||
      !(session_id = require_string (info, "sessionID", "message", error)))
    return NULL;

  return ocg_record_store_upsert_prepared (self->messages, session_id, id, info, OCG_RECORD (prepared), NULL);
}

gboolean
ocg_store_remove_message (OcgStore   *self,
                          const char *message_id)
{
  gboolean removed;

  g_return_val_if_fail (OCG_IS_STORE (self), FALSE);
  g_return_val_if_fail (message_id != NULL, FALSE);

  removed = ocg_record_store_remove (self->messages, message_id);
  remove_message_parts (self, message_id);
  return removed;
}

OcgPart *
ocg_store_upsert_part (OcgStore    *self,
                       JsonObject  *part,
                       GError     **error)
{
  return ocg_store_upsert_part_prepared (self, part, NULL, error);
}

/* ocg_store_upsert_part() with the record ocg_record_new() made of @part
 * beforehand */
OcgPart *
ocg_store_upsert_part_prepared (OcgStore    *self,
                                JsonObject  *part,
                                OcgPart     *prepared,
                                GError     **error)
{
  const char *id;
  const char *message_id;

  g_return_val_if_fail (OCG_IS_STORE (self), NULL);

  if (!(id = require_string (part, "id", "part", error)) ||
      !(message_id = require_string (part, "messageID", "part", error)))
    return NULL;

  return ocg_record_store_upsert_prepared (self->parts, message_id, id, part, OCG_RECORD (prepared), NULL);
}

gboolean
ocg_store_remove_part (OcgStore   *self,
                       const char *part_id)
{
  g_return_val_if_fail (OCG_IS_STORE (self), FALSE);
  g_return_val_if_fail (part_id != NULL, FALSE);

  return ocg_record_store_remove (self->parts, part_id);
}

/* Appends a message.part.delta. Returns FALSE when the part is unknown (its
 * message.part.updated will bring the whole text). */
gboolean
ocg_store_append_delta (OcgStore   *self,
                        const char *message_id,
                        const char *part_id,
                        const char *field,
                        const char *delta,
                        gsize       delta_len)
{
  OcgPart *part;
  const char *group;

  g_return_val_if_fail (OCG_IS_STORE (self), FALSE);

  if (part_id == NULL || field == NULL || *field == '\0' || delta == NULL)
    return FALSE;
  if (!(part = ocg_record_store_lookup (self->parts, part_id)))
    return FALSE;
  group = ocg_record_store_get_group_of (self->parts, part_id);
  if (message_id != NULL && g_strcmp0 (group, message_id) != 0)
    return FALSE;

  ocg_record_append (OCG_RECORD (part), field, delta, delta_len);
  return TRUE;
}

void
ocg_store_set_status (OcgStore   *self,
                      const char *session_id,
                      JsonObject *status)
{
  OcgSession *session;
  const char *type = status_type (status);

  g_return_val_if_fail (OCG_IS_STORE (self), (void) 0);
  g_return_val_if_fail (session_id != NULL, (void) 0);

  /* The server, too, keeps only the sessions that are not idle */
  if (strcmp (type, "idle") == 0)
    g_hash_table_remove (self->status, session_id);
  else
    g_hash_table_replace (self->status, g_strdup (session_id), json_object_ref (status));

  if ((session = ocg_record_store_lookup (self->sessions, session_id)))
    ocg_session_set_status (session, strcmp (type, "idle") != 0 ? status : NULL);
  emit_changed (self, session_id, "status");
}

JsonObject *
ocg_store_get_status (OcgStore   *self,
                      const char *session_id)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return g_hash_table_lookup (self->status, session_id);
}

static void
set_array (OcgStore   *self,
           GHashTable *table,
           const char *session_id,
           JsonArray  *array,
           const char *what)
{
  g_return_if_fail (session_id != NULL);

  if (array != NULL && json_array_get_length (array) > 0)
    g_hash_table_replace (table, g_strdup (session_id), json_array_ref (array));
  else
    g_hash_table_remove (table, session_id);
  emit_changed (self, session_id, what);
}

void
ocg_store_set_todo (OcgStore   *self,
                    const char *session_id,
                    JsonArray  *todo)
{
  g_return_if_fail (OCG_IS_STORE (self));
  set_array (self, self->todo, session_id, todo, "todo");
}

JsonArray *
ocg_store_get_todo (OcgStore   *self,
                    const char *session_id)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return g_hash_table_lookup (self->todo, session_id);
}

void
ocg_store_set_diff (OcgStore   *self,
                    const char *session_id,
                    JsonArray  *diff)
{
  g_return_if_fail (OCG_IS_STORE (self));
  set_array (self, self->diff, session_id, diff, "diff");
}

JsonArray *
ocg_store_get_diff (OcgStore   *self,
                    const char *session_id)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return g_hash_table_lookup (self->diff, session_id);
}

void
ocg_store_set_error (OcgStore   *self,
                     const char *session_id,
                     JsonObject *error)
{
  g_return_if_fail (OCG_IS_STORE (self));
  g_return_if_fail (session_id != NULL);

  if (error != NULL)
    g_hash_table_replace (self->error, g_strdup (session_id), json_object_ref (error));
  else
    g_hash_table_remove (self->error, session_id);
  emit_changed (self, session_id, "error");
}

JsonObject *
ocg_store_get_error (OcgStore   *self,
                     const char *session_id)
{
  g_return_val_if_fail (OCG_IS_STORE (self), NULL);
  return g_hash_table_lookup (self->error, session_id);
}

static const char * const request_names[] = { "permission", "question" };

OcgRequest *
ocg_store_add_request (OcgStore        *self,
                       OcgRequestKind   kind,
                       JsonObject      *request,
                       GError         **error)
{
  const char *id;
  const char *session_id;
  OcgRequest *record;

  g_return_val_if_fail (OCG_IS_STORE (self), NULL);

  if (!(id = require_string (request, "id", request_names[kind], error)) ||
      !(session_id = require_string (request, "sessionID", request_names[kind], error)))
    return NULL;

  record = ocg_record_store_upsert (self->requests[kind], session_id, id, request, NULL);
  update_n_requests (self, session_id);
  emit_changed (self, session_id, request_names[kind]);
  return record;
}

gboolean
ocg_store_remove_request (OcgStore       *self,
                          OcgRequestKind  kind,
                          const char     *request_id)
{
  g_autofree char *session_id = NULL;

  g_return_val_if_fail (OCG_IS_STORE (self), FALSE);

  session_id = g_strdup (ocg_record_store_get_group_of (self->requests[kind], request_id));
  if (session_id == NULL)
    return FALSE;

  ocg_record_store_remove (self->requests[kind], request_id);
  update_n_requests (self, session_id);
  emit_changed (self, session_id, request_names[kind]);
  return TRUE;
}

static JsonObject *
dump_table (GHashTable *table,
            gboolean    arrays)
{
  JsonObject *object = json_object_new ();
  g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (table), (GCompareFunc) strcmp);

  for (GList *l = keys; l != NULL; l = l->next)
    {
      gpointer value = g_hash_table_lookup (table, l->data);

      if (arrays)
        json_object_set_array_member (object, l->data, json_array_ref (value));
      else
        json_object_set_object_member (object, l->data, json_object_ref (value));
    }
  return object;
}

/* Writing the dump piece by piece keeps a large mirror from being copied
 * into one string (or a second tree) at exit */
typedef struct
{
  GOutputStream *stream;
  GString       *buffer;
  GError       **error;
  gboolean       failed;
} DumpWriter;

static void
dump_flush (DumpWriter *writer,
            gsize       threshold)
{
  if (writer->failed || writer->buffer->len < threshold)
    return;
  if (!g_output_stream_write_all (writer->stream, writer->buffer->str, writer->buffer->len,
                                  NULL, NULL, writer->error))
    writer->failed = TRUE;
  g_string_truncate (writer->buffer, 0);
}

static void
dump_write_list (DumpWriter *writer,
                 OcgIdList  *list)
{
  g_string_append_c (writer->buffer, '[');
  for (guint i = 0; list != NULL && i < ocg_id_list_get_size (list); i++)
    {
      if (i > 0)
        g_string_append_c (writer->buffer, ',');
      ocg_record_append_json (ocg_id_list_peek (list, i), writer->buffer);
      dump_flush (writer, 1 << 16);
    }
  g_string_append_c (writer->buffer, ']');
}

/* {SESSION: [request, ...]}, sessions with requests only */
static void
dump_write_requests (DumpWriter     *writer,
                     OcgRecordStore *store)
{
  g_autoptr(GList) groups = g_list_sort (ocg_record_store_get_groups (store), (GCompareFunc) strcmp);
  gboolean first = TRUE;

  g_string_append_c (writer->buffer, '{');
  for (GList *l = groups; l != NULL; l = l->next)
    {
      OcgIdList *list = ocg_record_store_peek_list (store, l->data);

      if (ocg_id_list_get_size (list) == 0)
        continue;
      if (!first)
        g_string_append_c (writer->buffer, ',');
      first = FALSE;
      ocg_json_append_string (writer->buffer, l->data, strlen (l->data));
      g_string_append_c (writer->buffer, ':');
      dump_write_list (writer, list);
    }
  g_string_append_c (writer->buffer, '}');
}

/**
 * ocg_store_write_dump:
 *
 * Writes the same document as ocg_store_dump(), compact, to @stream.
 */
gboolean
ocg_store_write_dump (OcgStore       *self,
                      GOutputStream  *stream,
                      GError        **error)
{
  DumpWriter writer = { stream, g_string_sized_new (1 << 17), error, FALSE };
  OcgIdList *session_list;

  g_return_val_if_fail (OCG_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  g_string_append (writer.buffer, "{\"sessions\":{");
  session_list = ocg_record_store_get_list (self->sessions, "");
  for (guint i = 0; i < ocg_id_list_get_size (session_list); i++)
    {
      OcgRecord *session = ocg_id_list_peek (session_list, i);
      const char *session_id = ocg_record_get_id (session);
      OcgIdList *messages = ocg_record_store_peek_list (self->messages, session_id);

      if (i > 0)
        g_string_append_c (writer.buffer, ',');
      ocg_json_append_string (writer.buffer, session_id, strlen (session_id));
      g_string_append (writer.buffer, ":{\"info\":");
      ocg_record_append_json (session, writer.buffer);
      g_string_append (writer.buffer, ",\"messages\":[");
      for (guint j = 0; messages != NULL && j < ocg_id_list_get_size (messages); j++)
        {
          OcgRecord *message = ocg_id_list_peek (messages, j);

          if (j > 0)
            g_string_append_c (writer.buffer, ',');
          g_string_append (writer.buffer, "{\"info\":");
          ocg_record_append_json (message, writer.buffer);
          g_string_append (writer.buffer, ",\"parts\":");
          dump_write_list (&writer, ocg_record_store_peek_list (self->parts, ocg_record_get_id (message)));
          g_string_append_c (writer.buffer, '}');
        }
      g_string_append (writer.buffer, "]}");
      dump_flush (&writer, 1 << 16);
    }
  g_string_append (writer.buffer, "},");

  {
    /* The small tables go through the tree (ocg_json_parse()'s, so that a
     * U+0000 in them is written back) */
    g_autoptr(JsonNode) status = ocg_json_node_new_object (dump_table (self->status, FALSE));
    g_autoptr(JsonNode) todo = ocg_json_node_new_object (dump_table (self->todo, TRUE));

    g_string_append (writer.buffer, "\"status\":");
    ocg_json_append_node (writer.buffer, status);
    g_string_append (writer.buffer, ",\"todo\":");
    ocg_json_append_node (writer.buffer, todo);
  }
  g_string_append (writer.buffer, ",\"permission\":");
  dump_write_requests (&writer, self->requests[OCG_REQUEST_PERMISSION]);
  g_string_append (writer.buffer, ",\"question\":");
  dump_write_requests (&writer, self->requests[OCG_REQUEST_QUESTION]);
  g_string_append (writer.buffer, "}\n");
  dump_flush (&writer, 0);

  g_string_free (writer.buffer, TRUE);
  return !writer.failed;
}

/* The whole mirror as one JSON document, in the monitor's --dump-state form:
 * {"sessions": {ID: {"info", "messages": [{"info", "parts"}]}}, "status",
 *  "todo", "permission", "question"}. The same text as
 * ocg_store_write_dump(), as a tree read by ocg_json_parse() (a U+0000 in a
 * string reads as OCG_JSON_NUL). */
JsonNode *
ocg_store_dump (OcgStore *self)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (OCG_IS_STORE (self), NULL);

  /* Writing to memory cannot fail, and our own output parses */
  if (!ocg_store_write_dump (self, out, &error) ||
      !g_output_stream_close (out, NULL, &error) ||
      !ocg_json_parse (parser,
                       g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)),
                       g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)),
                       &error))
    g_error ("Cannot build the store's dump: %s", error->message);

  return json_node_ref (json_parser_get_root (parser));
}
