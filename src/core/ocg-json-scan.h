/* ocg-json-scan.h: a small JSON scanner over text, without a tree
 *
 * Used where json-glib would cost too much (the event decoder's fast path)
 * or lose too much: json-glib's strings end at their first U+0000, these
 * keep their length. The scanner accepts JSON only (no comments, no other
 * escapes); anything else makes it stop with FALSE.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <string.h>

typedef struct
{
  const char *p;
  const char *end;
} OcgJsonScanner;

static inline void
ocg_json_scan_ws (OcgJsonScanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static inline gboolean
ocg_json_scan_expect (OcgJsonScanner *s,
                      char            c)
{
  ocg_json_scan_ws (s);
  if (s->p < s->end && *s->p == c)
    {
      s->p++;
      return TRUE;
    }
  return FALSE;
}

static inline gboolean
ocg_json_scan_hex4 (OcgJsonScanner *s,
                    gunichar       *out)
{
  gunichar v = 0;

  if (s->end - s->p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int h = g_ascii_xdigit_value (s->p[i]);

      if (h < 0)
        return FALSE;
      v = (v << 4) | (gunichar) h;
    }
  s->p += 4;
  *out = v;
  return TRUE;
}

/* Scans a string at s->p (after skipping whitespace). When @out is not NULL
 * the decoded value is appended to it, U+0000 as a NUL byte. The input is
 * valid UTF-8 already. A lone surrogate escape is refused. */
static inline gboolean
ocg_json_scan_string (OcgJsonScanner *s,
                      GString        *out)
{
  ocg_json_scan_ws (s);
  if (s->p >= s->end || *s->p != '"')
    return FALSE;
  s->p++;

  for (;;)
    {
      const char *start = s->p;

      while (s->p < s->end && *s->p != '"' && *s->p != '\\' && (guchar) *s->p >= 0x20)
        s->p++;
      if (out != NULL && s->p > start)
        g_string_append_len (out, start, s->p - start);
      if (s->p >= s->end || (guchar) *s->p < 0x20)
        return FALSE;
      if (*s->p == '"')
        {
          s->p++;
          return TRUE;
        }

      /* An escape */
      s->p++;
      if (s->p >= s->end)
        return FALSE;
      {
        char c = *s->p++;
        char simple = 0;

        switch (c)
          {
          case '"': simple = '"'; break;
          case '\\': simple = '\\'; break;
          case '/': simple = '/'; break;
          case 'b': simple = '\b'; break;
          case 'f': simple = '\f'; break;
          case 'n': simple = '\n'; break;
          case 'r': simple = '\r'; break;
          case 't': simple = '\t'; break;
          case 'u':
            {
              gunichar u;

              if (!ocg_json_scan_hex4 (s, &u))
                return FALSE;
              if (u >= 0xD800 && u <= 0xDBFF)
                {
                  gunichar lo;

                  /* Only a proper pair */
                  if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u')
                    return FALSE;
                  s->p += 2;
                  if (!ocg_json_scan_hex4 (s, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    return FALSE;
                  u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                }
              else if (u >= 0xDC00 && u <= 0xDFFF)
                return FALSE;
              if (out != NULL)
                {
                  if (u == 0)
                    g_string_append_c (out, '\0');
                  else
                    g_string_append_unichar (out, u);
                }
            }
            break;
          default:
            return FALSE;
          }
        if (simple != 0 && out != NULL)
          g_string_append_c (out, simple);
      }
    }
}

static inline gboolean ocg_json_scan_skip_value (OcgJsonScanner *s, int depth);

static inline gboolean
ocg_json_scan_skip_container (OcgJsonScanner *s,
                              char            close,
                              int             depth)
{
  gboolean is_object = close == '}';

  if (depth > 64)
    return FALSE;
  if (ocg_json_scan_expect (s, close))
    return TRUE;
  for (;;)
    {
      if (is_object && (!ocg_json_scan_string (s, NULL) || !ocg_json_scan_expect (s, ':')))
        return FALSE;
      if (!ocg_json_scan_skip_value (s, depth + 1))
        return FALSE;
      if (ocg_json_scan_expect (s, close))
        return TRUE;
      if (!ocg_json_scan_expect (s, ','))
        return FALSE;
    }
}

static inline gboolean
ocg_json_scan_literal (OcgJsonScanner *s,
                       const char     *word)
{
  gsize len = strlen (word);

  if ((gsize) (s->end - s->p) < len || memcmp (s->p, word, len) != 0)
    return FALSE;
  s->p += len;
  return TRUE;
}

static inline gboolean
ocg_json_scan_number (OcgJsonScanner *s)
{
  const char *start = s->p;

  if (s->p < s->end && *s->p == '-')
    s->p++;
  if (s->p >= s->end || !g_ascii_isdigit (*s->p))
    return FALSE;
  if (*s->p == '0')
    s->p++;
  else
    while (s->p < s->end && g_ascii_isdigit (*s->p))
      s->p++;
  if (s->p < s->end && *s->p == '.')
    {
      s->p++;
      if (s->p >= s->end || !g_ascii_isdigit (*s->p))
        return FALSE;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (s->p >= s->end || !g_ascii_isdigit (*s->p))
        return FALSE;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
    }
  return s->p > start;
}

/* Skips one value; containers nest at most 64 deep below @depth */
static inline gboolean
ocg_json_scan_skip_value (OcgJsonScanner *s,
                          int             depth)
{
  ocg_json_scan_ws (s);
  if (s->p >= s->end)
    return FALSE;
  switch (*s->p)
    {
    case '"':
      return ocg_json_scan_string (s, NULL);
    case '{':
      s->p++;
      return ocg_json_scan_skip_container (s, '}', depth);
    case '[':
      s->p++;
      return ocg_json_scan_skip_container (s, ']', depth);
    case 't':
      return ocg_json_scan_literal (s, "true");
    case 'f':
      return ocg_json_scan_literal (s, "false");
    case 'n':
      return ocg_json_scan_literal (s, "null");
    default:
      return ocg_json_scan_number (s);
    }
}
