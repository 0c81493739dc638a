/* ocg-trace.c
 *
 * Lines of the trace (times in microseconds of CLOCK_MONOTONIC, as Python's
 * time.monotonic() reads it):
 *
 *   frame TIME            a frame was painted
 *   text TIME TAIL        a Markdown text rendered for that frame ended
 *                         with TAIL (its last bytes, line breaks as spaces)
 *   shown TIME            the first frame in which a label holding
 *                         $OCG_TRACE_WATCH was drawn, at least in part
 *                         inside the conversation's visible area
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-trace.h"

#include <stdio.h>
#include <string.h>

#define TAIL_BYTES 48

static FILE      *trace_file;
static GPtrArray *rendered;
static char      *watch;     /* until it is shown */

static gboolean
trace_open (void)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      const char *path = g_getenv ("OCG_TRACE_FILE");

      if (path != NULL && *path != '\0')
        {
          trace_file = fopen (path, "w");
          if (trace_file == NULL)
            g_warning ("Cannot write the trace to %s", path);
          rendered = g_ptr_array_new_with_free_func (g_free);
          watch = g_strdup (g_getenv ("OCG_TRACE_WATCH"));
        }
      g_once_init_leave (&once, 1);
    }
  return trace_file != NULL;
}

/* A Markdown view rendered @text for the coming frame */
void
ocg_trace_rendered (const char *text,
                    gsize       len)
{
  char *tail;

  if (!trace_open ())
    return;
  tail = g_strndup (text + len - MIN (len, TAIL_BYTES), MIN (len, TAIL_BYTES));
  g_strdelimit (tail, "\n\r\t", ' ');
  g_ptr_array_add (rendered, tail);
}

/* Whether a label below @widget that holds the watched text lies, at
 * least in part, inside @view */
static gboolean
watched_in_view (GtkWidget *widget,
                 GtkWidget *view)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t bounds;

      if (!gtk_widget_is_drawable (child))
        continue;
      if (GTK_IS_LABEL (child) && strstr (gtk_label_get_text (GTK_LABEL (child)), watch) != NULL &&
          gtk_widget_compute_bounds (child, view, &bounds) &&
          bounds.size.width > 0 && bounds.size.height > 0 &&
          bounds.origin.x < gtk_widget_get_width (view) && bounds.origin.x + bounds.size.width > 0 &&
          bounds.origin.y < gtk_widget_get_height (view) && bounds.origin.y + bounds.size.height > 0)
        return TRUE;
      if (watched_in_view (child, view))
        return TRUE;
    }
  return FALSE;
}

/* A frame was painted in @view, the conversation: the texts rendered for
 * it are on screen */
void
ocg_trace_painted (GtkWidget *view)
{
  gint64 now;

  if (!trace_open ())
    return;
  now = g_get_monotonic_time ();
  fprintf (trace_file, "frame %" G_GINT64_FORMAT "\n", now);
  for (guint i = 0; i < rendered->len; i++)
    fprintf (trace_file, "text %" G_GINT64_FORMAT " %s\n", now, (const char *) rendered->pdata[i]);
  g_ptr_array_set_size (rendered, 0);
  if (watch != NULL && *watch != '\0' && watched_in_view (view, view))
    {
      fprintf (trace_file, "shown %" G_GINT64_FORMAT "\n", now);
      g_clear_pointer (&watch, g_free);
    }
  fflush (trace_file);
}
