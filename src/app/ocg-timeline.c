/* ocg-timeline.c (placeholder, being written)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-timeline.h"

struct _OcgTimeline
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (OcgTimeline, ocg_timeline, GTK_TYPE_WIDGET)

static void
ocg_timeline_class_init (OcgTimelineClass *klass)
{
}

static void
ocg_timeline_init (OcgTimeline *self)
{
}
