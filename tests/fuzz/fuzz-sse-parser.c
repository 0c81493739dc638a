/* fuzz-sse-parser.c: libFuzzer target for the SSE parser and UTF-8 repair
 *
 * For each input:
 * - ocg_utf8_make_valid_whatwg() must agree with a literal transcription of
 *   the WHATWG "UTF-8 decoder" (code point by code point), give valid UTF-8,
 *   and ocg_utf8_is_valid() must agree with both it and g_utf8_validate_len();
 * - the parser is fed the input whole, in chunks whose sizes are derived from
 *   the first bytes of the input, and byte by byte; all three must dispatch
 *   the same events (compared through a running hash) and end with the same
 *   last event ID and retry, which must also match a simple reference parser
 *   that decodes the whole stream first and then splits it into lines.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "ocg-sse-parser.h"
#include "ocg-utf8.h"
#include "fuzz-check.h"

int LLVMFuzzerTestOneInput (const uint8_t *input,
                            size_t         size);

#define REPLACEMENT_CHARACTER 0xFFFD

/* ---------------------------------------------------------------------- */
/* Event traces */

typedef struct
{
  guint64  hash;
  guint    n_events;
  gint64   retry;
  char    *last_id;
} Trace;

static void
trace_clear (Trace *trace)
{
  g_clear_pointer (&trace->last_id, g_free);
}

static guint64
hash_bytes (guint64     hash,
            const void *bytes,
            gsize       len)
{
  const guchar *p = bytes;

  /* FNV-1a, length first so that field boundaries count */
  for (gsize i = 0; i < sizeof len; i++)
    hash = (hash ^ ((len >> (8 * i)) & 0xFF)) * G_GUINT64_CONSTANT (0x100000001B3);
  for (gsize i = 0; i < len; i++)
    hash = (hash ^ p[i]) * G_GUINT64_CONSTANT (0x100000001B3);

  return hash;
}

static void
trace_event (Trace      *trace,
             const char *type,
             const char *data,
             gsize       data_len,
             const char *last_event_id)
{
  trace->hash = hash_bytes (trace->hash, type, strlen (type));
  trace->hash = hash_bytes (trace->hash, data, data_len);
  trace->hash = hash_bytes (trace->hash, last_event_id, strlen (last_event_id));
  trace->n_events++;
}

static void
check_same_trace (const Trace *a,
                  const Trace *b)
{
  CHECK (a->n_events == b->n_events);
  CHECK (a->hash == b->hash);
  CHECK (a->retry == b->retry);
  CHECK (strcmp (a->last_id, b->last_id) == 0);
}

/* Valid UTF-8 where NUL bytes (U+0000) are allowed */
static gboolean
valid_with_nuls (const char *s,
                 gsize       len)
{
  const char *end = s + len;

  while (s < end)
    {
      const char *stop;

      if (g_utf8_validate (s, end - s, &stop))
        return TRUE;
      if (*stop != '\0')
        return FALSE;
      s = stop + 1;
    }

  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Reference UTF-8 decoder: the WHATWG Encoding standard algorithm, step by
 * step, code point by code point. */

static void
append_code_point (GString  *out,
                   gunichar  c)
{
  char buf[6];

  g_string_append_len (out, buf, g_unichar_to_utf8 (c, buf));
}

static GString *
reference_decode (const guint8 *in,
                  gsize         len)
{
  GString *out = g_string_new (NULL);
  gunichar code_point = 0;
  guint bytes_seen = 0, bytes_needed = 0;
  guint8 lower = 0x80, upper = 0xBF;
  gsize i = 0;

  while (i < len)
    {
      guint8 byte = in[i];

      if (bytes_needed == 0)
        {
          i++;
          if (byte <= 0x7F)
            {
              append_code_point (out, byte);
            }
          else if (byte >= 0xC2 && byte <= 0xDF)
            {
              bytes_needed = 1;
              code_point = byte & 0x1F;
            }
          else if (byte >= 0xE0 && byte <= 0xEF)
            {
              if (byte == 0xE0)
                lower = 0xA0;
              if (byte == 0xED)
                upper = 0x9F;
              bytes_needed = 2;
              code_point = byte & 0xF;
            }
          else if (byte >= 0xF0 && byte <= 0xF4)
            {
              if (byte == 0xF0)
                lower = 0x90;
              if (byte == 0xF4)
                upper = 0x8F;
              bytes_needed = 3;
              code_point = byte & 0x7;
            }
          else
            {
              append_code_point (out, REPLACEMENT_CHARACTER);
            }
          continue;
        }

      if (byte < lower || byte > upper)
        {
          /* Error; the byte is restored to the stream (i not advanced) */
          code_point = bytes_needed = bytes_seen = 0;
          lower = 0x80;
          upper = 0xBF;
          append_code_point (out, REPLACEMENT_CHARACTER);
          continue;
        }

      i++;
      lower = 0x80;
      upper = 0xBF;
      code_point = (code_point << 6) | (byte & 0x3F);
      bytes_seen++;
      if (bytes_seen == bytes_needed)
        {
          append_code_point (out, code_point);
          code_point = bytes_needed = bytes_seen = 0;
        }
    }

  if (bytes_needed != 0)
    append_code_point (out, REPLACEMENT_CHARACTER);

  return out;
}

/* ---------------------------------------------------------------------- */
/* Reference parser: decode everything, then the spec's line rules */

typedef struct
{
  GString *data;
  GString *type;
  GString *id_buffer;
  GString *last_id;
  gint64   retry;
  Trace   *trace;
} Reference;

static gboolean
field_is (const char *name,
          gsize       name_len,
          const char *wanted)
{
  return name_len == strlen (wanted) && memcmp (name, wanted, name_len) == 0;
}

static void
reference_line (Reference  *ref,
                const char *line,
                gsize       len)
{
  const char *colon, *name, *value;
  gsize name_len, value_len;

  if (len == 0)
    {
      g_string_assign (ref->last_id, ref->id_buffer->str);
      if (ref->data->len == 0)
        {
          g_string_truncate (ref->type, 0);
          return;
        }
      g_string_truncate (ref->data, ref->data->len - 1);
      trace_event (ref->trace, ref->type->len ? ref->type->str : "message",
                   ref->data->str, ref->data->len, ref->last_id->str);
      g_string_truncate (ref->data, 0);
      g_string_truncate (ref->type, 0);
      return;
    }

  if (line[0] == ':')
    return;

  colon = memchr (line, ':', len);
  name = line;
  if (colon != NULL)
    {
      name_len = colon - line;
      value = colon + 1;
      value_len = len - name_len - 1;
      if (value_len > 0 && value[0] == ' ')
        value++, value_len--;
    }
  else
    {
      name_len = len;
      value = "";
      value_len = 0;
    }

  if (field_is (name, name_len, "event"))
    {
      g_string_truncate (ref->type, 0);
      g_string_append_len (ref->type, value, value_len);
    }
  else if (field_is (name, name_len, "data"))
    {
      g_string_append_len (ref->data, value, value_len);
      g_string_append_c (ref->data, '\n');
    }
  else if (field_is (name, name_len, "id"))
    {
      if (memchr (value, '\0', value_len) == NULL)
        {
          g_string_truncate (ref->id_buffer, 0);
          g_string_append_len (ref->id_buffer, value, value_len);
        }
    }
  else if (field_is (name, name_len, "retry"))
    {
      guint64 ms = 0;
      gboolean ok = value_len > 0;

      for (gsize i = 0; ok && i < value_len; i++)
        {
          ok = value[i] >= '0' && value[i] <= '9';
          if (ms <= G_MAXINT32)
            ms = ms * 10 + (value[i] - '0');
        }
      if (ok && ms <= G_MAXINT32)
        ref->retry = ms;
    }
}

static void
reference_parse (const guint8 *input,
                 gsize         size,
                 Trace        *trace)
{
  Reference ref = { 0 };
  GString *text;
  gsize pos = 0;

  ref.data = g_string_new (NULL);
  ref.type = g_string_new (NULL);
  ref.id_buffer = g_string_new (NULL);
  ref.last_id = g_string_new (NULL);
  ref.retry = -1;
  ref.trace = trace;

  if (size >= 3 && memcmp (input, "\xEF\xBB\xBF", 3) == 0)
    {
      input += 3;
      size -= 3;
    }
  text = reference_decode (input, size);

  while (pos < text->len)
    {
      gsize eol = pos;

      while (eol < text->len && text->str[eol] != '\r' && text->str[eol] != '\n')
        eol++;
      if (eol == text->len)
        break;  /* Unterminated last line: discarded */

      reference_line (&ref, text->str + pos, eol - pos);
      pos = eol + 1;
      if (text->str[eol] == '\r' && pos < text->len && text->str[pos] == '\n')
        pos++;
    }

  trace->retry = ref.retry;
  trace->last_id = g_strdup (ref.last_id->str);

  g_string_free (text, TRUE);
  g_string_free (ref.data, TRUE);
  g_string_free (ref.type, TRUE);
  g_string_free (ref.id_buffer, TRUE);
  g_string_free (ref.last_id, TRUE);
}

/* ---------------------------------------------------------------------- */
/* The parser under test */

static void
on_event (const char *type,
          const char *data,
          gsize       data_len,
          const char *last_event_id,
          gpointer    user_data)
{
  Trace *trace = user_data;

  CHECK (type != NULL && data != NULL && last_event_id != NULL);
  CHECK (data[data_len] == '\0');
  CHECK (valid_with_nuls (data, data_len));
  CHECK (g_utf8_validate (type, -1, NULL));
  CHECK (g_utf8_validate (last_event_id, -1, NULL));

  trace_event (trace, type, data, data_len, last_event_id);
}

typedef struct
{
  guint64 state;
  gsize   max_chunk;  /* 0: all at once */
} Chunker;

static gsize
chunker_next (Chunker *chunker,
              gsize    remaining)
{
  if (chunker->max_chunk == 0)
    return remaining;

  /* xorshift64 */
  chunker->state ^= chunker->state << 13;
  chunker->state ^= chunker->state >> 7;
  chunker->state ^= chunker->state << 17;

  /* One chunk in eight is empty */
  if ((chunker->state & 7) == 0)
    return 0;

  return MIN (remaining, 1 + (chunker->state >> 3) % chunker->max_chunk);
}

static void
parse (const guint8 *input,
       gsize         size,
       Chunker      *chunker,
       Trace        *trace)
{
  OcgSseParser *parser = ocg_sse_parser_new (on_event, trace);
  gsize offset = 0;

  while (offset < size)
    {
      gsize n = chunker_next (chunker, size - offset);
      /* Own allocation per chunk, so a read past it is caught */
      char *chunk = n > 0 ? g_memdup2 (input + offset, n) : NULL;

      ocg_sse_parser_feed (parser, chunk, n);
      g_free (chunk);
      offset += n;
    }

  ocg_sse_parser_end_of_stream (parser);
  trace->retry = ocg_sse_parser_get_retry (parser);
  trace->last_id = g_strdup (ocg_sse_parser_get_last_event_id (parser));
  ocg_sse_parser_free (parser);
}

/* ---------------------------------------------------------------------- */

static void
fuzz_utf8 (const guint8 *input,
           gsize         size)
{
  const char *bytes = (const char *) input;
  GString *expected = reference_decode (input, size);
  gsize out_len = G_MAXSIZE, again_len;
  char *out, *again;
  gboolean valid;

  out = ocg_utf8_make_valid_whatwg (bytes, size, &out_len);
  CHECK (out_len == expected->len);
  CHECK (memcmp (out, expected->str, out_len) == 0);
  CHECK (out[out_len] == '\0');
  CHECK (valid_with_nuls (out, out_len));
  CHECK (ocg_utf8_is_valid (out, out_len));

  valid = out_len == size && memcmp (out, bytes, size) == 0;
  CHECK (ocg_utf8_is_valid (bytes, size) == valid);
  if (memchr (bytes, '\0', size) == NULL)
    CHECK (g_utf8_validate_len (bytes, size, NULL) == valid);

  /* Repair is idempotent */
  again = ocg_utf8_make_valid_whatwg (out, out_len, &again_len);
  CHECK (again_len == out_len && memcmp (again, out, out_len) == 0);

  g_free (again);
  g_free (out);
  g_string_free (expected, TRUE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *input,
                        size_t         size)
{
  static const gsize max_chunks[] = { 1, 2, 3, 5, 16, 64, 512, 4096 };
  Trace reference = { 0 }, whole = { 0 }, chunked = { 0 }, bytewise = { 0 };
  Chunker chunker = { 0 };
  guint64 seed = 0;

  fuzz_utf8 (input, size);

  reference_parse (input, size, &reference);

  chunker.max_chunk = 0;
  parse (input, size, &chunker, &whole);
  check_same_trace (&reference, &whole);

  /* Chunk sizes from the first bytes (which are part of the stream too) */
  for (gsize i = 0; i < MIN (size, 8); i++)
    seed = (seed << 8) | input[i];
  chunker.state = seed * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) + 1;
  if (chunker.state == 0)
    chunker.state = 1;  /* The one fixed point of xorshift */
  chunker.max_chunk = max_chunks[seed % G_N_ELEMENTS (max_chunks)];
  parse (input, size, &chunker, &chunked);
  check_same_trace (&whole, &chunked);

  chunker.max_chunk = 1;
  parse (input, size, &chunker, &bytewise);
  check_same_trace (&whole, &bytewise);

  trace_clear (&reference);
  trace_clear (&whole);
  trace_clear (&chunked);
  trace_clear (&bytewise);

  return 0;
}
