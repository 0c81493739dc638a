/* ocg-client.h: asynchronous REST calls to an opencode server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define OCG_CLIENT_ERROR (ocg_client_error_quark ())

/* Seconds a call waits for the server's next bytes, unless told otherwise */
#define OCG_CLIENT_DEFAULT_TIMEOUT 30

typedef enum {
  OCG_CLIENT_ERROR_UNAUTHORIZED,     /* 401: wrong or missing password */
  OCG_CLIENT_ERROR_NOT_FOUND,        /* 404 */
  OCG_CLIENT_ERROR_BAD_REQUEST,      /* other 4xx */
  OCG_CLIENT_ERROR_SERVER,           /* 5xx */
  OCG_CLIENT_ERROR_UNREACHABLE,      /* no connection could be made */
  OCG_CLIENT_ERROR_TLS,              /* the certificate or handshake failed */
  OCG_CLIENT_ERROR_INVALID_RESPONSE, /* not the JSON that was expected */
  OCG_CLIENT_ERROR_REFUSED,          /* nothing listens at the address */
  OCG_CLIENT_ERROR_HOST_NOT_FOUND,   /* the server's name could not be resolved */
  OCG_CLIENT_ERROR_TIMED_OUT,        /* the server did not answer in time */
} OcgClientError;

#define OCG_TYPE_CLIENT (ocg_client_get_type ())
G_DECLARE_FINAL_TYPE (OcgClient, ocg_client, OCG, CLIENT, GObject)

GQuark       ocg_client_error_quark      (void);
OcgClient   *ocg_client_new              (const char          *base_url,
                                          const char          *username,
                                          const char          *password,
                                          const char          *directory);
const char  *ocg_client_get_base_url     (OcgClient           *self);
gboolean     ocg_client_is_loopback      (OcgClient           *self);
const char  *ocg_client_get_directory    (OcgClient           *self);
void         ocg_client_set_timeout      (OcgClient           *self,
                                          guint                seconds);
guint        ocg_client_get_timeout      (OcgClient           *self);
SoupMessage *ocg_client_new_message      (OcgClient           *self,
                                          const char          *method,
                                          const char          *path);
GError      *ocg_client_error_from_status (SoupMessage        *message,
                                           GBytes             *body);
GError      *ocg_client_error_from_transport (OcgClient       *self,
                                              const GError    *error);
GError      *ocg_client_error_timed_out  (OcgClient           *self);

void         ocg_client_call_async       (OcgClient           *self,
                                          const char          *method,
                                          const char          *path,
                                          JsonNode            *body,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
JsonNode    *ocg_client_call_finish      (OcgClient           *self,
                                          GAsyncResult        *result,
                                          char               **next_cursor,
                                          GError             **error);

/* Shorthands for the server's calls; each finishes with ocg_client_call_finish() */
void ocg_client_health_async            (OcgClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_list_sessions_async     (OcgClient *self, gboolean roots, guint limit, gint64 start, const char *search, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_get_session_async       (OcgClient *self, const char *session_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_create_session_async    (OcgClient *self, JsonObject *body, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_update_session_async    (OcgClient *self, const char *session_id, JsonObject *body, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_delete_session_async    (OcgClient *self, const char *session_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_list_messages_async     (OcgClient *self, const char *session_id, guint limit, const char *before, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_prompt_async            (OcgClient *self, const char *session_id, JsonObject *body, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_abort_async             (OcgClient *self, const char *session_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_session_status_async    (OcgClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_session_children_async  (OcgClient *self, const char *session_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_session_diff_async      (OcgClient *self, const char *session_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_session_todo_async      (OcgClient *self, const char *session_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_list_permissions_async  (OcgClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_reply_permission_async  (OcgClient *self, const char *request_id, const char *reply, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_list_questions_async    (OcgClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_reply_question_async    (OcgClient *self, const char *request_id, JsonArray *answers, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_reject_question_async   (OcgClient *self, const char *request_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_config_providers_async  (OcgClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_list_agents_async       (OcgClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_list_commands_async     (OcgClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void ocg_client_find_file_async         (OcgClient *self, const char *query, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
