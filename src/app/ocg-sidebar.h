/* ocg-sidebar.h: the sessions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ocg-store.h"

G_BEGIN_DECLS

#define OCG_TYPE_SIDEBAR (ocg_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (OcgSidebar, ocg_sidebar, OCG, SIDEBAR, GtkWidget)

GtkWidget  *ocg_sidebar_new              (OcgStore   *store);
const char *ocg_sidebar_get_selected     (OcgSidebar *self);
void        ocg_sidebar_select           (OcgSidebar *self,
                                          const char *session_id);
void        ocg_sidebar_focus_search     (OcgSidebar *self);
void        ocg_sidebar_set_offline      (OcgSidebar *self,
                                          gboolean    offline);
GListModel *ocg_sidebar_get_rows         (OcgSidebar *self);
char       *ocg_sidebar_format_time      (gint64      ms,
                                          gint64      now_ms);

G_END_DECLS
