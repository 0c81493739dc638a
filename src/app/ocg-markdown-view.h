/* ocg-markdown-view.h (placeholder, being written)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OCG_TYPE_MARKDOWN_VIEW (ocg_markdown_view_get_type ())
G_DECLARE_FINAL_TYPE (OcgMarkdownView, ocg_markdown_view, OCG, MARKDOWN_VIEW, GtkWidget)

G_END_DECLS
