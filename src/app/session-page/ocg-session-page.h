/* ocg-session-page.h: one open session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ocg-connection.h"

G_BEGIN_DECLS

#define OCG_TYPE_SESSION_PAGE (ocg_session_page_get_type ())
G_DECLARE_FINAL_TYPE (OcgSessionPage, ocg_session_page, OCG, SESSION_PAGE, GtkWidget)

GtkWidget    *ocg_session_page_new             (OcgConnection  *connection);
OcgConnection *ocg_session_page_get_connection (OcgSessionPage *self);
void          ocg_session_page_set_session     (OcgSessionPage *self,
                                                const char     *session_id);
const char   *ocg_session_page_get_session     (OcgSessionPage *self);
const char   *ocg_session_page_get_title       (OcgSessionPage *self);
gboolean      ocg_session_page_get_busy        (OcgSessionPage *self);
GActionGroup *ocg_session_page_get_actions     (OcgSessionPage *self);
void          ocg_session_page_send            (OcgSessionPage *self,
                                                const char     *text);
void          ocg_session_page_focus_composer  (OcgSessionPage *self);
GtkWidget    *ocg_session_page_get_chat_view   (OcgSessionPage *self);
GtkWidget    *ocg_session_page_get_composer    (OcgSessionPage *self);
GtkWidget    *ocg_session_page_get_prompt_dock (OcgSessionPage *self);

G_END_DECLS
