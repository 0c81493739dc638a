/* ocg-utf8.c: UTF-8 validation and WHATWG-style repair
 *
 * Well-formed UTF-8 (Unicode table 3-7, the same set the WHATWG decoder
 * accepts) by lead byte:
 *
 *   00..7F                      one byte (NUL included)
 *   C2..DF  80..BF
 *   E0      A0..BF  80..BF      (no overlongs)
 *   E1..EC  80..BF  80..BF
 *   ED      80..9F  80..BF      (no surrogates)
 *   EE..EF  80..BF  80..BF
 *   F0      90..BF  80..BF  80..BF
 *   F1..F3  80..BF  80..BF  80..BF
 *   F4      80..8F  80..BF  80..BF   (nothing above U+10FFFF)
 *
 * The WHATWG decoder replaces an ill-formed sequence one "maximal subpart" at a
 * time: a lead byte plus as many following bytes as are still in range become
 * one U+FFFD, and the first out-of-range byte is decoded afresh. A byte that
 * cannot start a sequence (80..C1, F5..FF) is one U+FFFD on its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-utf8.h"

#include <string.h>

#define REPLACEMENT_CHARACTER "\xEF\xBF\xBD"

/* Range of the first continuation byte allowed after @lead, and how many
 * continuation bytes it needs. Returns FALSE if @lead cannot start a sequence.
 */
static inline gboolean
lead_byte_info (guchar  lead,
                gsize  *needed,
                guchar *lower,
                guchar *upper)
{
  *lower = 0x80;
  *upper = 0xBF;

  if (lead >= 0xC2 && lead <= 0xDF)
    {
      *needed = 1;
    }
  else if (lead >= 0xE0 && lead <= 0xEF)
    {
      *needed = 2;
      if (lead == 0xE0)
        *lower = 0xA0;
      else if (lead == 0xED)
        *upper = 0x9F;
    }
  else if (lead >= 0xF0 && lead <= 0xF4)
    {
      *needed = 3;
      if (lead == 0xF0)
        *lower = 0x90;
      else if (lead == 0xF4)
        *upper = 0x8F;
    }
  else
    {
      return FALSE;
    }

  return TRUE;
}

#define IS_CONTINUATION(b) (((b) & 0xC0) == 0x80)

/* Length of the longest well-formed prefix of @s. */
static gsize
valid_prefix_len (const guchar *s,
                  gsize         len)
{
  gsize i = 0;

  while (i < len)
    {
      gsize needed;
      guchar lower, upper;

      if (s[i] < 0x80)
        {
          i++;

          /* ASCII comes in runs: skip them eight bytes at a time */
          while (len - i >= 8)
            {
              guint64 word;

              memcpy (&word, s + i, sizeof word);
              if (word & G_GUINT64_CONSTANT (0x8080808080808080))
                break;
              i += 8;
            }

          continue;
        }

      if (!lead_byte_info (s[i], &needed, &lower, &upper) ||
          len - i <= needed ||
          s[i + 1] < lower || s[i + 1] > upper)
        return i;

      if (needed >= 2 && !IS_CONTINUATION (s[i + 2]))
        return i;
      if (needed >= 3 && !IS_CONTINUATION (s[i + 3]))
        return i;

      i += needed + 1;
    }

  return len;
}

/* @s starts with an ill-formed sequence: the number of bytes that the WHATWG
 * decoder turns into a single U+FFFD (always at least 1).
 */
static gsize
invalid_subpart_len (const guchar *s,
                     gsize         len)
{
  gsize needed, i;
  guchar lower, upper;

  if (!lead_byte_info (s[0], &needed, &lower, &upper))
    return 1;

  /* Since the sequence is ill-formed, this stops before i == needed + 1 */
  for (i = 1; i <= needed && i < len; i++)
    {
      if (s[i] < lower || s[i] > upper)
        break;
      lower = 0x80;
      upper = 0xBF;
    }

  return i;
}

/**
 * ocg_utf8_is_valid:
 * @bytes: (array length=len): bytes to check
 * @len: length of @bytes
 *
 * Whether @bytes is well-formed UTF-8. NUL bytes are allowed.
 *
 * Returns: %TRUE if ocg_utf8_make_valid_whatwg() would return @bytes unchanged
 */
gboolean
ocg_utf8_is_valid (const char *bytes,
                   gsize       len)
{
  g_return_val_if_fail (bytes != NULL || len == 0, FALSE);

  return valid_prefix_len ((const guchar *) bytes, len) == len;
}

/**
 * ocg_utf8_append_valid_whatwg:
 * @string: where to append
 * @bytes: (array length=len): bytes to decode
 * @len: length of @bytes
 *
 * Appends @bytes to @string, replacing ill-formed sequences by U+FFFD as the
 * WHATWG UTF-8 decoder does. @bytes is taken as a complete input: a sequence
 * truncated by its end becomes U+FFFD too. Well-formed input is copied once,
 * without an intermediate buffer.
 */
void
ocg_utf8_append_valid_whatwg (GString    *string,
                              const char *bytes,
                              gsize       len)
{
  const guchar *s = (const guchar *) bytes;

  g_return_if_fail (string != NULL);
  g_return_if_fail (bytes != NULL || len == 0);

  while (len > 0)
    {
      gsize valid = valid_prefix_len (s, len);
      gsize skip;

      g_string_append_len (string, (const char *) s, valid);
      if (valid == len)
        break;

      skip = invalid_subpart_len (s + valid, len - valid);
      g_string_append_len (string, REPLACEMENT_CHARACTER,
                           sizeof REPLACEMENT_CHARACTER - 1);
      s += valid + skip;
      len -= valid + skip;
    }
}

/**
 * ocg_utf8_make_valid_whatwg:
 * @bytes: (array length=len): bytes to decode
 * @len: length of @bytes
 * @out_len: (out) (optional): length of the result, without the final NUL
 *
 * Decodes @bytes as the WHATWG Encoding standard "UTF-8 decoder" does with
 * error mode "replacement" (without BOM handling), and encodes the result
 * back to UTF-8.
 *
 * Returns: (transfer full): well-formed UTF-8, NUL-terminated. It may contain
 *   NUL bytes when @bytes does; use @out_len then.
 */
char *
ocg_utf8_make_valid_whatwg (const char *bytes,
                            gsize       len,
                            gsize      *out_len)
{
  GString *string;

  g_return_val_if_fail (bytes != NULL || len == 0, NULL);

  if (ocg_utf8_is_valid (bytes, len))
    {
      char *copy = g_malloc (len + 1);

      if (len > 0)
        memcpy (copy, bytes, len);
      copy[len] = '\0';
      if (out_len != NULL)
        *out_len = len;
      return copy;
    }

  /* Each invalid byte grows to at most three */
  string = g_string_sized_new (len + len / 2 + 3);
  ocg_utf8_append_valid_whatwg (string, bytes, len);
  if (out_len != NULL)
    *out_len = string->len;

  return g_string_free (string, FALSE);
}

/**
 * ocg_utf8_tail:
 * @text: UTF-8 text
 * @len: its length in bytes
 * @limit: the most bytes wanted
 * @out_len: (out): the length of the tail
 *
 * The last @limit bytes of @text or fewer: from a line start when one is
 * within the first 4 KB of them, and never from the middle of a character.
 *
 * Returns: where the tail starts, in @text
 */
const char *
ocg_utf8_tail (const char *text,
               gsize       len,
               gsize       limit,
               gsize      *out_len)
{
  const char *start;
  const char *nl;

  if (len <= limit)
    {
      *out_len = len;
      return text;
    }
  start = text + len - limit;
  if ((nl = memchr (start, '\n', MIN (4096, limit))) != NULL)
    start = nl + 1;
  while (start < text + len && ((guchar) *start & 0xc0) == 0x80)
    start++;
  *out_len = (gsize) (text + len - start);
  return start;
}

/**
 * ocg_utf8_head_length:
 * @text: UTF-8 text
 * @len: its length in bytes
 * @limit: the most bytes wanted
 *
 * Returns: the length of the first @limit bytes of @text or fewer, ending
 *   at a character boundary
 */
gsize
ocg_utf8_head_length (const char *text,
                      gsize       len,
                      gsize       limit)
{
  gsize n;

  if (len <= limit)
    return len;
  n = limit;
  while (n > 0 && ((guchar) text[n] & 0xc0) == 0x80)
    n--;
  return n;
}
