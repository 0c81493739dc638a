/* ocg-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ocg-client.h"
#include "ocg-json.h"

#include <string.h>

struct _OcgClient
{
  GObject      parent_instance;

  SoupSession *session;
  char        *base_url;     /* without a trailing slash */
  char        *authorization;
  char        *directory;
  char        *directory_header;
  guint        timeout;
};

G_DEFINE_FINAL_TYPE (OcgClient, ocg_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (ocg-client-error-quark, ocg_client_error)

static void
ocg_client_finalize (GObject *object)
{
  OcgClient *self = OCG_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->authorization, g_free);
  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->directory_header, g_free);

  G_OBJECT_CLASS (ocg_client_parent_class)->finalize (object);
}

static void
ocg_client_class_init (OcgClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ocg_client_finalize;
}

static void
ocg_client_init (OcgClient *self)
{
  /* A server that accepts connections and never answers is as good as gone */
  self->timeout = OCG_CLIENT_DEFAULT_TIMEOUT;
  self->session = soup_session_new_with_options ("max-conns-per-host", 8,
                                                 "timeout", self->timeout,
                                                 "user-agent", "opencode-gtk/" PACKAGE_VERSION " ",
                                                 NULL);
}

static gboolean
is_ascii (const char *str)
{
  for (; *str != '\0'; str++)
    if ((guchar) *str >= 0x80)
      return FALSE;
  return TRUE;
}

/**
 * ocg_client_new:
 * @base_url: the server, e.g. "http://127.0.0.1:4096"
 * @username: (nullable): user for HTTP Basic ("opencode" when %NULL)
 * @password: (nullable): the server's password, or %NULL when it has none
 * @directory: (nullable): the project directory the calls are about
 */
OcgClient *
ocg_client_new (const char *base_url,
                const char *username,
                const char *password,
                const char *directory)
{
  OcgClient *self;
  gsize len;

  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (OCG_TYPE_CLIENT, NULL);
  len = strlen (base_url);
  while (len > 0 && base_url[len - 1] == '/')
    len--;
  self->base_url = g_strndup (base_url, len);
  /* A server on this machine is reached directly: no proxy is asked for a
   * route to it (with libproxy, a lookup in a thread for each connection) */
  if (ocg_client_is_loopback (self))
    g_object_set (self->session, "proxy-resolver", NULL, NULL);

  if (password != NULL && *password != '\0')
    {
      g_autofree char *pair = g_strdup_printf ("%s:%s", username && *username ? username : "opencode", password);
      g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

      self->authorization = g_strdup_printf ("Basic %s", encoded);
    }

  if (directory != NULL && *directory != '\0')
    {
      self->directory = g_strdup (directory);
      self->directory_header = is_ascii (directory)
        ? g_strdup (directory)
        : g_uri_escape_string (directory, "/", FALSE);
    }

  return self;
}

/* Whether the server is on this machine: its host is a loopback address
 * or "localhost" */
gboolean
ocg_client_is_loopback (OcgClient *self)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  g_return_val_if_fail (OCG_IS_CLIENT (self), FALSE);

  uri = g_uri_parse (self->base_url, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

const char *
ocg_client_get_base_url (OcgClient *self)
{
  g_return_val_if_fail (OCG_IS_CLIENT (self), NULL);
  return self->base_url;
}

const char *
ocg_client_get_directory (OcgClient *self)
{
  g_return_val_if_fail (OCG_IS_CLIENT (self), NULL);
  return self->directory;
}

/**
 * ocg_client_set_timeout:
 * @seconds: how long a call waits for the server to connect or send its
 *   next bytes before it fails with %OCG_CLIENT_ERROR_TIMED_OUT; 0 for ever
 *
 * Also how long the event stream waits for its first bytes.
 */
void
ocg_client_set_timeout (OcgClient *self,
                        guint      seconds)
{
  g_return_if_fail (OCG_IS_CLIENT (self));

  self->timeout = seconds;
  g_object_set (self->session, "timeout", seconds, NULL);
}

guint
ocg_client_get_timeout (OcgClient *self)
{
  g_return_val_if_fail (OCG_IS_CLIENT (self), 0);
  return self->timeout;
}

/* A message to @path (which may hold a query) with the auth and directory
 * headers set; for the event stream too. NULL when the URL is invalid. */
SoupMessage *
ocg_client_new_message (OcgClient  *self,
                        const char *method,
                        const char *path)
{
  g_autofree char *url = NULL;
  SoupMessage *message;
  SoupMessageHeaders *headers;

  g_return_val_if_fail (OCG_IS_CLIENT (self), NULL);

  url = g_strconcat (self->base_url, path, NULL);
  message = soup_message_new (method, url);
  if (message == NULL)
    return NULL;

  headers = soup_message_get_request_headers (message);
  if (self->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", self->authorization);
  if (self->directory_header != NULL)
    soup_message_headers_replace (headers, "x-opencode-directory", self->directory_header);
  soup_message_headers_replace (headers, "Accept", "application/json");
  return message;
}

/* The server's own words from an error body: {"data": {"message"}},
 * {"message"}, {"error": "..."} or {"error": {"message"}}; else the body's
 * text when it is short. */
static char *
server_message (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;
  g_autofree char *fixed = NULL;
  static const char * const paths[] = {
    "data.message", "message", "error.message", "error", "name",
  };

  if (size == 0)
    return NULL;

  if (ocg_json_precheck (data, size, &fixed, NULL) &&
      json_parser_load_from_data (parser, fixed != NULL ? fixed : data, (gssize) size, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *root = json_node_get_object (json_parser_get_root (parser));

      for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
        {
          const char *str = ocg_json_get_string (root, paths[i]);

          if (str != NULL && *str != '\0')
            return g_strdup (str);
        }
      return NULL;
    }

  if (size <= 200 && g_utf8_validate_len (data, size, NULL))
    return g_strstrip (g_strndup (data, size));
  return NULL;
}

/* The error for a response with a status that is not 2xx */
GError *
ocg_client_error_from_status (SoupMessage *message,
                              GBytes      *body)
{
  guint status = soup_message_get_status (message);
  g_autofree char *detail = server_message (body);
  const char *reason = soup_message_get_reason_phrase (message);
  const char *what = detail != NULL ? detail : (reason != NULL && *reason ? reason : soup_status_get_phrase (status));
  int code;

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    return g_error_new (OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_UNAUTHORIZED,
                        "The server refused the password (HTTP %u)", status);

  if (status == SOUP_STATUS_NOT_FOUND)
    code = OCG_CLIENT_ERROR_NOT_FOUND;
  else if (status >= 400 && status < 500)
    code = OCG_CLIENT_ERROR_BAD_REQUEST;
  else if (status >= 500)
    code = OCG_CLIENT_ERROR_SERVER;
  else
    code = OCG_CLIENT_ERROR_INVALID_RESPONSE;

  return g_error_new (OCG_CLIENT_ERROR, code, "%s (HTTP %u)", what, status);
}

/* The server took longer than the time-out to connect or answer */
GError *
ocg_client_error_timed_out (OcgClient *self)
{
  return g_error_new (OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_TIMED_OUT,
                      "%s did not answer in %u s", self->base_url, self->timeout);
}

/* A transport failure, with words a user can act on */
GError *
ocg_client_error_from_transport (OcgClient    *self,
                                 const GError *error)
{
  OcgClientError code;

  if (error->domain == G_TLS_ERROR)
    return g_error_new (OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_TLS,
                        "Secure connection to %s failed: %s", self->base_url, error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return ocg_client_error_timed_out (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    code = OCG_CLIENT_ERROR_REFUSED;
  else if (error->domain == G_RESOLVER_ERROR || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND))
    code = OCG_CLIENT_ERROR_HOST_NOT_FOUND;
  else
    code = OCG_CLIENT_ERROR_UNREACHABLE;
  return g_error_new (OCG_CLIENT_ERROR, code, "Cannot reach %s: %s", self->base_url, error->message);
}

typedef struct
{
  SoupMessage  *message;
  GBytes       *body;
  char         *next_cursor;

  /* The body as it is read */
  GInputStream *stream;
  guint8       *data;
  gsize         len;
  gsize         size;
  gboolean      sized;    /* by the Content-Length header */
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_clear_object (&call->message);
  g_clear_object (&call->stream);
  g_free (call->data);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_clear_pointer (&call->next_cursor, g_free);
  g_free (call);
}

/* Parsing a long session's messages takes a while: off the main thread */
static void
parse_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Call *call = task_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (call->body, &size);

  if (size == 0)
    {
      g_task_return_pointer (task, json_node_new (JSON_NODE_NULL), (GDestroyNotify) json_node_unref);
      return;
    }

  /* The stores keep a U+0000 of the answer whole */
  if (!ocg_json_parse (parser, data, size, &error))
    {
      g_task_return_new_error (task, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_INVALID_RESPONSE,
                               "The server's answer is not JSON: %s", error->message);
      return;
    }
  /* Only the tree is needed from here on: a long body goes now */
  g_clear_pointer (&call->body, g_bytes_unref);
  g_task_return_pointer (task, json_node_ref (json_parser_get_root (parser)),
                         (GDestroyNotify) json_node_unref);
}

/* Reads of a body go on from the main loop, a bounded piece at a time.
 * At the default priority, not below the frames': a window that animates
 * (a spinner) on a slow renderer always has a frame due, and a read below
 * it would wait for ever. */
#define READ_PIECE (1024 * 1024)
#define MAX_PREALLOCATION (256 * 1024 * 1024)

static void read_body (GTask *task);

static void
on_body_done (GTask *task)
{
  Call *call = g_task_get_task_data (task);
  guint status = soup_message_get_status (call->message);

  /* Without the room it had left (a shrink in place) */
  if (call->data != NULL)
    call->data = g_realloc (call->data, call->len + 1);
  call->body = g_bytes_new_take (g_steal_pointer (&call->data), call->len);
  g_clear_object (&call->stream);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, ocg_client_error_from_status (call->message, call->body));
      return;
    }

  call->next_cursor = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (call->message),
                                                              "x-next-cursor"));
  g_task_run_in_thread (task, parse_in_thread);
}

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OcgClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n < 0)
    {
      g_task_return_error (task, ocg_client_error_from_transport (self, error));
      return;
    }
  if (n == 0)
    {
      on_body_done (task);
      return;
    }
  call->len += (gsize) n;
  read_body (g_steal_pointer (&task));
}

/* Reads the body into one buffer: sized by Content-Length when the server
 * says it, doubled otherwise; never zero-filled or copied piece by piece
 * (soup_session_send_and_read() does both, which for a 50 MB answer held
 * the main loop for a tenth of a second) */
static void
read_body (GTask *task)
{
  Call *call = g_task_get_task_data (task);

  /* A body of the length it said leaves a byte free for the end */
  if (call->len == call->size || (!call->sized && call->size - call->len < 4096))
    {
      call->size = MAX (call->size * 2, 64 * 1024);
      call->data = g_realloc (call->data, call->size);
    }
  g_input_stream_read_async (call->stream, call->data + call->len,
                             MIN (call->size - call->len, READ_PIECE),
                             G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_body_read, task);
}

static void
on_call_sent (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  OcgClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  goffset length;

  call->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (call->stream == NULL)
    {
      g_task_return_error (task, ocg_client_error_from_transport (self, error));
      g_object_unref (task);
      return;
    }

  /* What the server says it sends is only a hint: a wrong or huge length
   * costs no more than the body itself */
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (call->message));
  if (length > 0 && length <= MAX_PREALLOCATION &&
      (call->data = g_try_malloc ((gsize) length + 1)) != NULL)
    {
      call->size = (gsize) length + 1;
      call->sized = TRUE;
    }
  read_body (task);
}

/**
 * ocg_client_call_async:
 * @path: the path and query, e.g. "/session?roots=true"
 * @body: (nullable): a JSON body to send
 *
 * Calls the server; finish with ocg_client_call_finish(), which gives the
 * parsed JSON answer (a JSON null for an empty one).
 */
void
ocg_client_call_async (OcgClient           *self,
                       const char          *method,
                       const char          *path,
                       JsonNode            *body,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  g_return_if_fail (OCG_IS_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ocg_client_call_async);
  call = g_new0 (Call, 1);
  g_task_set_task_data (task, call, call_free);

  call->message = ocg_client_new_message (self, method, path);
  if (call->message == NULL)
    {
      g_task_return_new_error (task, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_UNREACHABLE,
                               "“%s%s” is not a valid address", self->base_url, path);
      return;
    }

  if (body != NULL)
    {
      g_autofree char *json = ocg_json_to_string (body, FALSE);
      gsize len = strlen (json);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&json), len);

      soup_message_set_request_body_from_bytes (call->message, "application/json", bytes);
    }

  soup_session_send_async (self->session, call->message, G_PRIORITY_DEFAULT,
                           cancellable, on_call_sent, g_steal_pointer (&task));
}

/**
 * ocg_client_call_finish:
 * @next_cursor: (out) (optional): the x-next-cursor header, for paging
 *
 * Returns: (transfer full): the answer
 */
JsonNode *
ocg_client_call_finish (OcgClient     *self,
                        GAsyncResult  *result,
                        char         **next_cursor,
                        GError       **error)
{
  Call *call;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  call = g_task_get_task_data (G_TASK (result));
  if (next_cursor != NULL)
    *next_cursor = g_task_had_error (G_TASK (result)) ? NULL : g_strdup (call->next_cursor);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
escape (const char *segment)
{
  return g_uri_escape_string (segment, NULL, TRUE);
}

static void
call_on (OcgClient           *self,
         const char          *method,
         const char          *format,
         const char          *id,
         const char          *query,
         JsonNode            *body,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  g_autofree char *escaped = id != NULL ? escape (id) : NULL;
  g_autofree char *path = NULL;

  path = g_strdup_printf (format, escaped != NULL ? escaped : "");
  if (query != NULL && *query != '\0')
    {
      char *with_query = g_strconcat (path, "?", query, NULL);

      g_free (path);
      path = with_query;
    }
  ocg_client_call_async (self, method, path, body, cancellable, callback, user_data);
  /* The body was ours */
  g_clear_pointer (&body, json_node_unref);
}

static JsonNode *
object_body (JsonObject *object)
{
  return object != NULL ? ocg_json_node_new_object (json_object_ref (object))
                        : ocg_json_node_new_object (json_object_new ());
}

void
ocg_client_health_async (OcgClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "GET", "/global/health%s", NULL, NULL, NULL, cancellable, callback, user_data);
}

void
ocg_client_list_sessions_async (OcgClient *self, gboolean roots, guint limit, gint64 start, const char *search, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GString) query = g_string_new (roots ? "roots=true" : "");

  /* The directory header does not filter the list; the query does */
  if (self->directory != NULL)
    {
      g_autofree char *escaped = escape (self->directory);

      g_string_append_printf (query, "%sdirectory=%s", query->len ? "&" : "", escaped);
    }
  if (limit > 0)
    g_string_append_printf (query, "%slimit=%u", query->len ? "&" : "", limit);
  /* Sessions updated at @start or later (ms since the epoch) */
  if (start > 0)
    g_string_append_printf (query, "%sstart=%" G_GINT64_FORMAT, query->len ? "&" : "", start);
  if (search != NULL && *search != '\0')
    {
      g_autofree char *escaped = escape (search);

      g_string_append_printf (query, "%ssearch=%s", query->len ? "&" : "", escaped);
    }
  call_on (self, "GET", "/session%s", NULL, query->str, NULL, cancellable, callback, user_data);
}

void
ocg_client_get_session_async (OcgClient *self, const char *session_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "GET", "/session/%s", session_id, NULL, NULL, cancellable, callback, user_data);
}

void
ocg_client_create_session_async (OcgClient *self, JsonObject *body, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "POST", "/session%s", NULL, NULL, object_body (body), cancellable, callback, user_data);
}

void
ocg_client_update_session_async (OcgClient *self, const char *session_id, JsonObject *body, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "PATCH", "/session/%s", session_id, NULL, object_body (body), cancellable, callback, user_data);
}

void
ocg_client_delete_session_async (OcgClient *self, const char *session_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "DELETE", "/session/%s", session_id, NULL, NULL, cancellable, callback, user_data);
}

void
ocg_client_list_messages_async (OcgClient *self, const char *session_id, guint limit, const char *before, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GString) query = g_string_new (NULL);

  if (limit > 0)
    g_string_append_printf (query, "limit=%u", limit);
  if (before != NULL)
    {
      g_autofree char *cursor = escape (before);

      g_string_append_printf (query, "%sbefore=%s", query->len ? "&" : "", cursor);
    }
  call_on (self, "GET", "/session/%s/message", session_id, query->str, NULL, cancellable, callback, user_data);
}

void
ocg_client_prompt_async (OcgClient *self, const char *session_id, JsonObject *body, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "POST", "/session/%s/prompt_async", session_id, NULL, object_body (body), cancellable, callback, user_data);
}

void
ocg_client_abort_async (OcgClient *self, const char *session_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "POST", "/session/%s/abort", session_id, NULL, NULL, cancellable, callback, user_data);
}

void
ocg_client_session_status_async (OcgClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "GET", "/session/status%s", NULL, NULL, NULL, cancellable, callback, user_data);
}

void
ocg_client_session_children_async (OcgClient *self, const char *session_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "GET", "/session/%s/children", session_id, NULL, NULL, cancellable, callback, user_data);
}

void
ocg_client_session_diff_async (OcgClient *self, const char *session_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "GET", "/session/%s/diff", session_id, NULL, NULL, cancellable, callback, user_data);
}

void
ocg_client_session_todo_async (OcgClient *self, const char *session_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "GET", "/session/%s/todo", session_id, NULL, NULL, cancellable, callback, user_data);
}

void
ocg_client_list_permissions_async (OcgClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "GET", "/permission%s", NULL, NULL, NULL, cancellable, callback, user_data);
}

void
ocg_client_reply_permission_async (OcgClient *self, const char *request_id, const char *reply, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "reply", reply);
  call_on (self, "POST", "/permission/%s/reply", request_id, NULL, ocg_json_node_new_object (body),
           cancellable, callback, user_data);
}

void
ocg_client_list_questions_async (OcgClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "GET", "/question%s", NULL, NULL, NULL, cancellable, callback, user_data);
}

void
ocg_client_reply_question_async (OcgClient *self, const char *request_id, JsonArray *answers, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  JsonObject *body = json_object_new ();

  json_object_set_array_member (body, "answers", json_array_ref (answers));
  call_on (self, "POST", "/question/%s/reply", request_id, NULL, ocg_json_node_new_object (body),
           cancellable, callback, user_data);
}

void
ocg_client_reject_question_async (OcgClient *self, const char *request_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "POST", "/question/%s/reject", request_id, NULL, NULL, cancellable, callback, user_data);
}

void
ocg_client_config_providers_async (OcgClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "GET", "/config/providers%s", NULL, NULL, NULL, cancellable, callback, user_data);
}

void
ocg_client_list_agents_async (OcgClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "GET", "/agent%s", NULL, NULL, NULL, cancellable, callback, user_data);
}

void
ocg_client_list_commands_async (OcgClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  call_on (self, "GET", "/command%s", NULL, NULL, NULL, cancellable, callback, user_data);
}

void
ocg_client_find_file_async (OcgClient *self, const char *query, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *escaped = escape (query != NULL ? query : "");
  g_autofree char *q = g_strconcat ("query=", escaped, NULL);

  call_on (self, "GET", "/find/file%s", NULL, q, NULL, cancellable, callback, user_data);
}
