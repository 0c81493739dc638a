/* ocg-markdown-view.c (placeholder, being written)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-markdown-view.h"

struct _OcgMarkdownView
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (OcgMarkdownView, ocg_markdown_view, GTK_TYPE_WIDGET)

static void
ocg_markdown_view_class_init (OcgMarkdownViewClass *klass)
{
}

static void
ocg_markdown_view_init (OcgMarkdownView *self)
{
}
