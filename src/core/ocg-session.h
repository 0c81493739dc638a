/* ocg-session.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ocg-record.h"

G_BEGIN_DECLS

#define OCG_TYPE_SESSION (ocg_session_get_type ())
G_DECLARE_FINAL_TYPE (OcgSession, ocg_session, OCG, SESSION, OcgRecord)

const char *ocg_session_get_title        (OcgSession *self);
const char *ocg_session_get_parent_id    (OcgSession *self);
const char *ocg_session_get_status       (OcgSession *self);
void        ocg_session_set_status       (OcgSession *self,
                                          JsonObject *status);
guint       ocg_session_get_retry_attempt (OcgSession *self);
const char *ocg_session_get_retry_message (OcgSession *self);
gint64      ocg_session_get_retry_next   (OcgSession *self);
guint       ocg_session_get_n_requests   (OcgSession *self);
void        ocg_session_set_n_requests   (OcgSession *self,
                                          guint       n_requests);

G_END_DECLS
