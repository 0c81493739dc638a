/* ocg-timeline-step.h (placeholder, being written)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OCG_TYPE_TIMELINE_STEP (ocg_timeline_step_get_type ())
G_DECLARE_FINAL_TYPE (OcgTimelineStep, ocg_timeline_step, OCG, TIMELINE_STEP, GtkWidget)

G_END_DECLS
