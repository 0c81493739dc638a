/* ocg-timeline-step.h: one step of a turn's progress timeline
 *
 * A step shows one tool or reasoning part: an icon on the timeline's rail, a
 * label for what the tool does ("Running commands"), its subject (the command,
 * the file, the pattern), its status and a live duration. Clicking it reveals
 * the details (output, diff, full reasoning, a task's nested steps), built on
 * first expansion only.
 *
 * A step can also be a group: consecutive read and search steps collapsed
 * into one row ("Gathered context") whose details are the steps themselves.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ocg-part.h"
#include "ocg-store.h"

G_BEGIN_DECLS

#define OCG_TYPE_TIMELINE_STEP (ocg_timeline_step_get_type ())
G_DECLARE_FINAL_TYPE (OcgTimelineStep, ocg_timeline_step, OCG, TIMELINE_STEP, GtkWidget)

typedef enum {
  OCG_STEP_PENDING,
  OCG_STEP_RUNNING,
  OCG_STEP_COMPLETED,
  OCG_STEP_ERROR,
  OCG_STEP_INTERRUPTED,   /* never finished, and the server has stopped working on it */
} OcgStepState;

GtkWidget    *ocg_timeline_step_new              (OcgStore        *store,
                                                  OcgPart         *part,
                                                  const char      *root);
GtkWidget    *ocg_timeline_step_new_group        (void);

OcgPart      *ocg_timeline_step_get_part         (OcgTimelineStep *self);
OcgStepState  ocg_timeline_step_get_state        (OcgTimelineStep *self);
const char   *ocg_timeline_step_get_label        (OcgTimelineStep *self);
gboolean      ocg_timeline_step_get_expanded     (OcgTimelineStep *self);
void          ocg_timeline_step_set_expanded     (OcgTimelineStep *self,
                                                  gboolean         expanded);
gboolean      ocg_timeline_step_is_context       (OcgTimelineStep *self);
void          ocg_timeline_step_set_interrupted  (OcgTimelineStep *self,
                                                  gboolean         interrupted);
void          ocg_timeline_step_update           (OcgTimelineStep *self);
void          ocg_timeline_step_set_edges        (OcgTimelineStep *self,
                                                  gboolean         first,
                                                  gboolean         last);

/* Groups: the box holding the grouped steps, and the header recomputed from them */
GtkBox       *ocg_timeline_step_get_group_box    (OcgTimelineStep *self);
void          ocg_timeline_step_update_group     (OcgTimelineStep *self);

/* Shared with OcgTimeline */
typedef gint64 (*OcgTimelineClock) (void);

const char   *ocg_timeline_tool_phrase           (const char      *tool);
char         *ocg_timeline_format_duration       (gint64           ms,
                                                  gboolean         running);
char         *ocg_timeline_format_clock          (gint64           ms);
gint64        ocg_timeline_now                   (void);
/* For tests: milliseconds since the epoch come from @clock (NULL: the real one) */
void          ocg_timeline_set_clock             (OcgTimelineClock clock);
/* Milliseconds until the next whole second since @start_ms */
guint         ocg_timeline_ms_to_next_tick       (gint64           start_ms);

G_END_DECLS
