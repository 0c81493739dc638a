/* ocg-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ocg-application.h"
#include "ocg-connection.h"

G_BEGIN_DECLS

#define OCG_TYPE_WINDOW (ocg_window_get_type ())
G_DECLARE_FINAL_TYPE (OcgWindow, ocg_window, OCG, WINDOW, AdwApplicationWindow)

OcgWindow     *ocg_window_new              (OcgApplication *application,
                                            OcgConnection  *connection);
OcgConnection *ocg_window_get_connection   (OcgWindow      *self);
void           ocg_window_open_session     (OcgWindow      *self,
                                            const char     *session_id);
void           ocg_window_open_session_in_tab (OcgWindow   *self,
                                               const char  *session_id);
AdwTabView    *ocg_window_get_tab_view     (OcgWindow      *self);
void           ocg_window_open_to_right    (OcgWindow      *self,
                                            const char     *session_id);
GtkWidget     *ocg_window_get_split_page   (OcgWindow      *self);
const char    *ocg_window_get_session      (OcgWindow      *self);
GtkWidget     *ocg_window_get_composer     (OcgWindow      *self);
GtkWidget     *ocg_window_get_chat_view    (OcgWindow      *self);
GtkWidget     *ocg_window_get_sidebar      (OcgWindow      *self);
GtkWidget     *ocg_window_get_prompt_dock  (OcgWindow      *self);
void           ocg_window_send             (OcgWindow      *self,
                                            const char     *text);

G_END_DECLS
