/* ocg-timeline.h: the progress timeline of one assistant turn
 *
 * Shows, live and in order, the tool and reasoning parts of a turn's
 * assistant messages as OcgTimelineSteps on a vertical rail, with a header
 * that says what the turn is doing while it is busy ("Running commands",
 * ticking) and sums it up when it is done ("7 steps, 12 s").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ocg-store.h"

G_BEGIN_DECLS

#define OCG_TYPE_TIMELINE (ocg_timeline_get_type ())
G_DECLARE_FINAL_TYPE (OcgTimeline, ocg_timeline, OCG, TIMELINE, GtkWidget)

GtkWidget  *ocg_timeline_new              (OcgStore    *store);
OcgStore   *ocg_timeline_get_store        (OcgTimeline *self);
void        ocg_timeline_set_turn         (OcgTimeline *self,
                                           GListModel  *assistant_messages);
GListModel *ocg_timeline_get_turn         (OcgTimeline *self);
void        ocg_timeline_set_session      (OcgTimeline *self,
                                           const char  *session_id);
gboolean    ocg_timeline_get_busy         (OcgTimeline *self);
void        ocg_timeline_set_busy         (OcgTimeline *self,
                                           gboolean     busy);
gboolean    ocg_timeline_get_expanded     (OcgTimeline *self);
void        ocg_timeline_set_expanded     (OcgTimeline *self,
                                           gboolean     expanded);
gboolean    ocg_timeline_get_show_header  (OcgTimeline *self);
void        ocg_timeline_set_show_header  (OcgTimeline *self,
                                           gboolean     show_header);
void        ocg_timeline_set_owner_session (OcgTimeline *self,
                                           OcgSession  *session);
OcgSession *ocg_timeline_get_owner_session (OcgTimeline *self);
void        ocg_timeline_set_latest       (OcgTimeline *self,
                                           gboolean     latest);
gboolean    ocg_timeline_get_interrupted  (OcgTimeline *self);
void        ocg_timeline_set_expand_finished (OcgTimeline *self,
                                           gboolean     expand_finished);
gboolean    ocg_timeline_get_expand_finished (OcgTimeline *self);
guint       ocg_timeline_get_n_steps      (OcgTimeline *self);
const char *ocg_timeline_get_status_text  (OcgTimeline *self);

G_END_DECLS
