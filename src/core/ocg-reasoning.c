/* ocg-reasoning.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-reasoning.h"

#include <string.h>

static gboolean
heading_of_line (const char  *line,
                 gsize        len,
                 gboolean     complete,
                 char       **heading)
{
  const char *end = line + len;
  const char *close;

  while (line < end && (*line == ' ' || *line == '\t'))
    line++;

  if (line < end && *line == '#')
    {
      const char *p = line;

      if (!complete)
        return FALSE;
      while (p < end && *p == '#')
        p++;
      if (p - line > 6 || p >= end || (*p != ' ' && *p != '\t'))
        return FALSE;
      while (p < end && (*p == ' ' || *p == '\t'))
        p++;
      while (end > p && (end[-1] == ' ' || end[-1] == '#' || end[-1] == '\r'))
        end--;
      if (end <= p)
        return FALSE;
      *heading = g_strndup (p, (gsize) (end - p));
      return TRUE;
    }

  if (end - line > 4 && line[0] == '*' && line[1] == '*')
    {
      close = g_strstr_len (line + 2, end - line - 2, "**");
      if (close == NULL || close == line + 2)
        return FALSE;
      *heading = g_strndup (line + 2, (gsize) (close - line - 2));
      g_strstrip (*heading);
      if (**heading == '\0')
        {
          g_clear_pointer (heading, g_free);
          return FALSE;
        }
      return TRUE;
    }

  return FALSE;
}

/**
 * ocg_reasoning_find_heading:
 * @text: reasoning so far (it only grows between calls)
 * @len: its length in bytes
 * @scanned: (inout): how much of @text earlier calls have read; 0 at first
 * @heading: (out): the heading, when one is found
 *
 * Looks for the first heading (a Markdown ATX heading, or a line that
 * starts with bold text) in what arrived since the last call. An ATX
 * heading counts once its line has ended; bold text as soon as it closes.
 *
 * Returns: whether a heading was found
 */
gboolean
ocg_reasoning_find_heading (const char  *text,
                            gsize        len,
                            gsize       *scanned,
                            char       **heading)
{
  const char *p;
  const char *end = text + len;

  *heading = NULL;
  if (*scanned > len)
    *scanned = 0;

  for (p = text + *scanned; p < end;)
    {
      const char *nl = memchr (p, '\n', (gsize) (end - p));

      if (nl == NULL)
        return heading_of_line (p, (gsize) (end - p), FALSE, heading);
      if (heading_of_line (p, (gsize) (nl - p), TRUE, heading))
        return TRUE;
      p = nl + 1;
      *scanned = (gsize) (p - text);
    }
  return FALSE;
}

/**
 * ocg_reasoning_preview:
 * @text: reasoning so far
 * @len: its length in bytes
 * @limit_bytes: how far back from the end to look
 *
 * The last line or two, without Markdown emphasis or heading marks, read
 * from the end only; "…" first when the lines began further back.
 *
 * Returns: (transfer full): the preview
 */
char *
ocg_reasoning_preview (const char *text,
                       gsize       len,
                       gsize       limit_bytes)
{
  gsize end = len;
  gsize start;
  gsize limit;
  guint lines = 0;
  GString *out;

  while (end > 0 && g_ascii_isspace (text[end - 1]))
    end--;
  limit = end > limit_bytes ? end - limit_bytes : 0;
  for (start = end; start > limit; start--)
    if (text[start - 1] == '\n' && ++lines == 2)
      break;
  while (start < end && ((guchar) text[start] & 0xc0) == 0x80)
    start++;

  out = g_string_new (start == limit && limit > 0 ? "…" : NULL);
  for (gsize i = start; i < end; i++)
    {
      if (text[i] == '*')
        continue;
      /* A heading's marks, and the spaces after them */
      if (text[i] == '#' && (i == start || text[i - 1] == '\n'))
        {
          while (i + 1 < end && text[i + 1] == '#')
            i++;
          while (i + 1 < end && text[i + 1] == ' ')
            i++;
          continue;
        }
      if (text[i] == '\n')
        {
          if (out->len > 0 && out->str[out->len - 1] != '\n')
            g_string_append_c (out, '\n');
          continue;
        }
      g_string_append_c (out, text[i]);
    }
  return g_string_free (out, FALSE);
}
