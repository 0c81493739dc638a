/* ocg-timeline-step.c (placeholder, being written)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-timeline-step.h"

struct _OcgTimelineStep
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (OcgTimelineStep, ocg_timeline_step, GTK_TYPE_WIDGET)

static void
ocg_timeline_step_class_init (OcgTimelineStepClass *klass)
{
}

static void
ocg_timeline_step_init (OcgTimelineStep *self)
{
}
