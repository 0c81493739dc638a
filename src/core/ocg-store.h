/* ocg-store.h: the mirror of one server: sessions, messages, parts, and what
 * the server keeps per session (status, todos, diffs, pending requests)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ocg-id-list.h"
#include "ocg-message.h"
#include "ocg-part.h"
#include "ocg-record-store.h"
#include "ocg-request.h"
#include "ocg-session.h"

G_BEGIN_DECLS

typedef enum {
  OCG_REQUEST_PERMISSION,
  OCG_REQUEST_QUESTION,
} OcgRequestKind;

#define OCG_TYPE_STORE (ocg_store_get_type ())
G_DECLARE_FINAL_TYPE (OcgStore, ocg_store, OCG, STORE, GObject)

OcgStore       *ocg_store_new                (void);

OcgRecordStore *ocg_store_get_session_store  (OcgStore       *self);
OcgRecordStore *ocg_store_get_message_store  (OcgStore       *self);
OcgRecordStore *ocg_store_get_part_store     (OcgStore       *self);
OcgRecordStore *ocg_store_get_request_store  (OcgStore       *self,
                                              OcgRequestKind  kind);
GListModel     *ocg_store_get_sessions       (OcgStore       *self);
GListModel     *ocg_store_get_messages       (OcgStore       *self,
                                              const char     *session_id);
GListModel     *ocg_store_get_parts          (OcgStore       *self,
                                              const char     *message_id);
GListModel     *ocg_store_get_requests       (OcgStore       *self,
                                              OcgRequestKind  kind,
                                              const char     *session_id);
OcgSession     *ocg_store_lookup_session     (OcgStore       *self,
                                              const char     *session_id);
OcgMessage     *ocg_store_lookup_message     (OcgStore       *self,
                                              const char     *message_id);
OcgPart        *ocg_store_lookup_part        (OcgStore       *self,
                                              const char     *part_id);

OcgSession     *ocg_store_upsert_session     (OcgStore       *self,
                                              JsonObject     *info,
                                              GError        **error);
void            ocg_store_freeze_sessions  (OcgStore    *self);
void            ocg_store_thaw_sessions    (OcgStore    *self);
gboolean        ocg_store_remove_session     (OcgStore       *self,
                                              const char     *session_id);
void            ocg_store_release_messages   (OcgStore       *self,
                                              const char     *session_id);
OcgMessage     *ocg_store_upsert_message     (OcgStore       *self,
                                              JsonObject     *info,
                                              GError        **error);
OcgMessage     *ocg_store_upsert_message_prepared (OcgStore    *self,
                                                   JsonObject  *info,
                                                   OcgMessage  *prepared,
                                                   GError     **error);
gboolean        ocg_store_remove_message     (OcgStore       *self,
                                              const char     *message_id);
OcgPart        *ocg_store_upsert_part        (OcgStore       *self,
                                              JsonObject     *part,
                                              GError        **error);
OcgPart        *ocg_store_upsert_part_prepared (OcgStore    *self,
                                                JsonObject  *part,
                                                OcgPart     *prepared,
                                                GError     **error);
gboolean        ocg_store_remove_part        (OcgStore       *self,
                                              const char     *part_id);
gboolean        ocg_store_append_delta       (OcgStore       *self,
                                              const char     *message_id,
                                              const char     *part_id,
                                              const char     *field,
                                              const char     *delta,
                                              gsize           delta_len);

void            ocg_store_set_status         (OcgStore       *self,
                                              const char     *session_id,
                                              JsonObject     *status);
JsonObject     *ocg_store_get_status         (OcgStore       *self,
                                              const char     *session_id);
void            ocg_store_set_todo           (OcgStore       *self,
                                              const char     *session_id,
                                              JsonArray      *todo);
JsonArray      *ocg_store_get_todo           (OcgStore       *self,
                                              const char     *session_id);
void            ocg_store_set_diff           (OcgStore       *self,
                                              const char     *session_id,
                                              JsonArray      *diff);
JsonArray      *ocg_store_get_diff           (OcgStore       *self,
                                              const char     *session_id);
void            ocg_store_set_error          (OcgStore       *self,
                                              const char     *session_id,
                                              JsonObject     *error);
JsonObject     *ocg_store_get_error          (OcgStore       *self,
                                              const char     *session_id);
OcgRequest     *ocg_store_add_request        (OcgStore       *self,
                                              OcgRequestKind  kind,
                                              JsonObject     *request,
                                              GError        **error);
gboolean        ocg_store_remove_request     (OcgStore       *self,
                                              OcgRequestKind  kind,
                                              const char     *request_id);

JsonNode       *ocg_store_dump               (OcgStore       *self);
gboolean        ocg_store_write_dump         (OcgStore       *self,
                                              GOutputStream  *stream,
                                              GError        **error);

G_END_DECLS
