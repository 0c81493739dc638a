/* ocg-markdown-view.h: native rendering of an assistant's Markdown answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OCG_TYPE_MARKDOWN_VIEW (ocg_markdown_view_get_type ())
G_DECLARE_FINAL_TYPE (OcgMarkdownView, ocg_markdown_view, OCG, MARKDOWN_VIEW, GtkWidget)

GtkWidget  *ocg_markdown_view_new          (void);
void        ocg_markdown_view_set_text     (OcgMarkdownView *self,
                                            const char      *text,
                                            gssize           len);
const char *ocg_markdown_view_get_text     (OcgMarkdownView *self);
void        ocg_markdown_view_flush        (OcgMarkdownView *self);
guint       ocg_markdown_view_get_n_blocks (OcgMarkdownView *self);
guint       ocg_markdown_view_get_n_renders (OcgMarkdownView *self);
gsize       ocg_markdown_view_get_last_parse_length (OcgMarkdownView *self);

G_END_DECLS
