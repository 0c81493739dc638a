/* ocg-trace.c
 *
 * Lines of the trace (times in microseconds of CLOCK_MONOTONIC, as Python's
 * time.monotonic() reads it):
 *
 *   frame TIME            a frame was painted
 *   text TIME TAIL        a Markdown text rendered for that frame ended
 *                         with TAIL (its last bytes, line breaks as spaces)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-trace.h"

#include <stdio.h>
#include <string.h>

#define TAIL_BYTES 48

static FILE      *trace_file;
static GPtrArray *rendered;

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
        }
      g_once_init_leave (&once, 1);
    }
  return trace_file != NULL;
}

gboolean
ocg_trace_enabled (void)
{
  return trace_open ();
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

/* A frame was painted: the texts rendered for it are on screen */
void
ocg_trace_painted (void)
{
  gint64 now;

  if (!trace_open ())
    return;
  now = g_get_monotonic_time ();
  fprintf (trace_file, "frame %" G_GINT64_FORMAT "\n", now);
  for (guint i = 0; i < rendered->len; i++)
    fprintf (trace_file, "text %" G_GINT64_FORMAT " %s\n", now, (const char *) rendered->pdata[i]);
  g_ptr_array_set_size (rendered, 0);
  fflush (trace_file);
}
