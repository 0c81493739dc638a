/* ocg-ansi.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-ansi.h"

#include <string.h>

/**
 * ocg_ansi_strip:
 * @text: a command's output, not nul-terminated
 * @len: its length in bytes
 *
 * Removes terminal escape sequences (CSI, and OSC and the other string
 * sequences ended by BEL or ESC \), applies carriage returns and
 * backspaces the way a terminal would show them, and drops the other
 * control characters but tab and newline.
 *
 * Returns: (transfer full): what a terminal would show
 */
char *
ocg_ansi_strip (const char *text,
                gsize       len)
{
  GString *out = g_string_sized_new (len);
  const char *p = text;
  const char *end = text + len;
  gsize line_start = 0;

  while (p < end)
    {
      guchar c = (guchar) *p;

      if (c == 0x1b)
        {
          if (++p >= end)
            break;
          if (*p == '[')
            {
              for (p++; p < end && !(*p >= 0x40 && *p <= 0x7e); p++)
                ;
              if (p < end)
                p++;
            }
          else if (*p == ']' || *p == 'P' || *p == '_' || *p == '^' || *p == 'X')
            {
              /* String sequences end with BEL or ESC \ */
              for (p++; p < end; p++)
                {
                  if (*p == 0x07)
                    {
                      p++;
                      break;
                    }
                  if (*p == 0x1b && p + 1 < end && p[1] == '\\')
                    {
                      p += 2;
                      break;
                    }
                }
            }
          else if (strchr ("()*+-./#%", *p) != NULL)
            p = MIN (p + 2, end);
          else
            p++;
          continue;
        }
      if (c == '\r')
        {
          if (p + 1 < end && p[1] != '\n')
            g_string_truncate (out, line_start);
          p++;
          continue;
        }
      if (c == '\n')
        {
          g_string_append_c (out, '\n');
          line_start = out->len;
          p++;
          continue;
        }
      if (c == '\b')
        {
          if (out->len > line_start)
            {
              const char *prev = g_utf8_find_prev_char (out->str + line_start, out->str + out->len);

              g_string_truncate (out, prev != NULL ? (gsize) (prev - out->str) : line_start);
            }
          p++;
          continue;
        }
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        {
          p++;
          continue;
        }
      g_string_append_c (out, (char) c);
      p++;
    }

  return g_string_free (out, FALSE);
}
