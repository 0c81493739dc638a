/* ocg-timeline.h (placeholder, being written)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OCG_TYPE_TIMELINE (ocg_timeline_get_type ())
G_DECLARE_FINAL_TYPE (OcgTimeline, ocg_timeline, OCG, TIMELINE, GtkWidget)

G_END_DECLS
