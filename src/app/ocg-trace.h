/* ocg-trace.h: what the window showed when, for the benchmarks
 *
 * With OCG_TRACE_FILE set, the app writes a line for every frame it paints
 * and for every Markdown text it rendered in that frame (its last bytes),
 * with the monotonic time of the frame's paint. With OCG_TRACE_WATCH too,
 * it writes when a label holding that text was first painted in view.
 * Without them, nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void     ocg_trace_rendered (const char *text,
                             gsize       len);
void     ocg_trace_painted  (GtkWidget  *view);

G_END_DECLS
