/* ocg-chat-view.h: the transcript of one session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ocg-store.h"
#include "ocg-turn-model.h"

G_BEGIN_DECLS

#define OCG_TYPE_CHAT_VIEW (ocg_chat_view_get_type ())
G_DECLARE_FINAL_TYPE (OcgChatView, ocg_chat_view, OCG, CHAT_VIEW, GtkWidget)

GtkWidget    *ocg_chat_view_new             (OcgStore    *store);
void          ocg_chat_view_set_session     (OcgChatView *self,
                                             const char  *session_id);
const char   *ocg_chat_view_get_session     (OcgChatView *self);
void          ocg_chat_view_set_loading     (OcgChatView *self,
                                             gboolean     loading);
gboolean      ocg_chat_view_get_loading     (OcgChatView *self);
void          ocg_chat_view_set_load_error  (OcgChatView *self,
                                             const char  *error);
OcgTurnModel *ocg_chat_view_get_turns       (OcgChatView *self);
void          ocg_chat_view_scroll_to_bottom (OcgChatView *self);
gboolean      ocg_chat_view_get_at_bottom   (OcgChatView *self);
void          ocg_chat_view_set_send_error  (OcgChatView *self,
                                             const char  *message_id,
                                             const char  *error);
GtkListView  *ocg_chat_view_get_list_view   (OcgChatView *self);

G_END_DECLS
