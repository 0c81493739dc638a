/* ocg-sse-parser.c: incremental parser for the text/event-stream format
 *
 * WHATWG HTML, "9.2.6 Interpreting an event stream". Notes on how the
 * algorithm maps onto a byte-at-a-time incremental parser:
 *
 * - Decoding. The stream is UTF-8 decoded with replacement, after stripping
 *   one leading BOM. CR and LF are ASCII and can never be part of a multi-byte
 *   sequence (the decoder ends a pending sequence with U+FFFD when it meets
 *   them), so decoding each line on its own gives the same characters as
 *   decoding the whole stream, a sequence cut by a line end included. The
 *   same holds for the ':' between field name and value, so lines are split
 *   and field names matched on the raw bytes and only the values that are
 *   kept get decoded, straight into their buffer (one pass to validate, one
 *   copy; invalid input takes the slow path in ocg-utf8.c).
 *
 * - Lines. Each chunk is searched with memchr() for CR and LF; a line that
 *   lies whole inside the chunk is processed in place. Only an unterminated
 *   tail is copied into the line buffer, which then collects the rest of the
 *   line from later chunks. A CR at the very end of a chunk ends the line at
 *   once; pending_cr remembers to swallow an LF that starts the next chunk.
 *
 * - Last event ID. The spec has a last event ID *buffer*, set by "id" fields,
 *   and a last event ID *string*, copied from the buffer whenever a blank
 *   line is seen (even when nothing is dispatched). Events carry the string
 *   and it is what a reconnection sends as Last-Event-ID, so
 *   ocg_sse_parser_get_last_event_id() returns the string. An "id" field in
 *   an event that never completed therefore does not change it.
 *
 * - Reconnection. The spec starts each stream with empty buffers, which would
 *   reset the last event ID buffer; like Chromium we instead start the new
 *   stream's buffer from the last event ID string, so the ID survives
 *   restart() and end_of_stream(), and so does the reconnection time.
 *
 * - Reentrancy. The callback may call ocg_sse_parser_restart() or
 *   ocg_sse_parser_end_of_stream() (the rest of the chunk being fed is then
 *   dropped, as it belongs to the old stream), but not feed() or free().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-sse-parser.h"
#include "ocg-utf8.h"

#include <string.h>

/* Buffers that grew beyond this for one huge line or event are given back */
#define BUFFER_KEEP_SIZE (64 * 1024)
#define BUFFER_INITIAL_SIZE 256

/* bom_state: how many bytes of a leading BOM were seen, or BOM_DONE once
 * the stream is known to start with or without one.
 */
#define BOM_DONE 3
static const char utf8_bom[] = "\xEF\xBB\xBF";

struct _OcgSseParser
{
  OcgSseEventFunc func;
  gpointer        user_data;

  GString        *line;         /* unterminated line carried between chunks */
  GString        *data;         /* data buffer */
  GString        *type;         /* event type buffer */
  GString        *last_id;      /* last event ID string */
  GString        *id_buffer;    /* last event ID buffer, if id_pending */

  gint64          retry;        /* reconnection time in ms, or -1 */
  guint           serial;       /* bumped by restart(), to stop a feed() */
  guint           bom_state;
  guint           pending_cr : 1;
  guint           id_pending : 1;  /* id_buffer differs from last_id */
  guint           in_callback : 1;
};

static void
buffer_clear (GString **buffer)
{
  if ((*buffer)->allocated_len > BUFFER_KEEP_SIZE)
    {
      g_string_free (*buffer, TRUE);
      *buffer = g_string_sized_new (BUFFER_INITIAL_SIZE);
    }
  else
    {
      g_string_truncate (*buffer, 0);
    }
}

/**
 * ocg_sse_parser_new:
 * @func: called for each dispatched event
 * @user_data: closure for @func
 *
 * Returns: (transfer full): a parser at the start of a stream
 */
OcgSseParser *
ocg_sse_parser_new (OcgSseEventFunc func,
                    gpointer        user_data)
{
  OcgSseParser *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_new0 (OcgSseParser, 1);
  self->func = func;
  self->user_data = user_data;
  self->line = g_string_sized_new (BUFFER_INITIAL_SIZE);
  self->data = g_string_sized_new (BUFFER_INITIAL_SIZE);
  self->type = g_string_new (NULL);
  self->last_id = g_string_new (NULL);
  self->id_buffer = g_string_new (NULL);
  self->retry = -1;

  return self;
}

void
ocg_sse_parser_free (OcgSseParser *self)
{
  if (self == NULL)
    return;

  g_return_if_fail (!self->in_callback);

  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  g_string_free (self->type, TRUE);
  g_string_free (self->last_id, TRUE);
  g_string_free (self->id_buffer, TRUE);
  g_free (self);
}

static void
dispatch (OcgSseParser *self)
{
  /* last event ID string := last event ID buffer */
  if (self->id_pending)
    {
      GString *tmp = self->last_id;

      self->last_id = self->id_buffer;
      self->id_buffer = tmp;
      self->id_pending = FALSE;
    }

  if (self->data->len == 0)
    {
      g_string_truncate (self->type, 0);
      return;
    }

  /* Drop the final LF */
  g_string_truncate (self->data, self->data->len - 1);

  self->in_callback = TRUE;
  self->func (self->type->len > 0 ? self->type->str : "message",
              self->data->str,
              self->data->len,
              self->last_id->str,
              self->user_data);
  self->in_callback = FALSE;

  buffer_clear (&self->data);
  g_string_truncate (self->type, 0);
}

static void
set_retry (OcgSseParser *self,
           const char   *value,
           gsize         len)
{
  gint64 ms = 0;

  if (len == 0)
    return;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (value[i]))
        return;
      /* Stop accumulating once out of range, but keep checking digits */
      if (ms <= G_MAXINT32)
        ms = ms * 10 + (value[i] - '0');
    }

  if (ms <= G_MAXINT32)
    self->retry = ms;
}

/* @line: raw bytes of one line, without its line end */
static void
process_line (OcgSseParser *self,
              const char   *line,
              gsize         len)
{
  const char *colon;
  const char *value;
  gsize name_len, value_len;

  if (len == 0)
    {
      dispatch (self);
      return;
    }

  /* Comment. (A line decodes to one starting with ':' iff it starts with
   * the byte ':', so a comment needs no decoding.) */
  if (line[0] == ':')
    return;

  colon = memchr (line, ':', len);
  if (colon != NULL)
    {
      name_len = colon - line;
      value = colon + 1;
      value_len = len - name_len - 1;
      if (value_len > 0 && value[0] == ' ')
        {
          value++;
          value_len--;
        }
    }
  else
    {
      name_len = len;
      value = "";
      value_len = 0;
    }

  /* A raw name equals one of these ASCII names iff its decoded form does */
  switch (name_len)
    {
    case 4:
      if (memcmp (line, "data", 4) == 0)
        {
          ocg_utf8_append_valid_whatwg (self->data, value, value_len);
          g_string_append_c (self->data, '\n');
        }
      break;

    case 5:
      if (memcmp (line, "event", 5) == 0)
        {
          g_string_truncate (self->type, 0);
          ocg_utf8_append_valid_whatwg (self->type, value, value_len);
        }
      else if (memcmp (line, "retry", 5) == 0)
        {
          set_retry (self, value, value_len);
        }
      break;

    case 2:
      /* A NUL byte is exactly what decodes to U+0000 */
      if (memcmp (line, "id", 2) == 0 && memchr (value, '\0', value_len) == NULL)
        {
          g_string_truncate (self->id_buffer, 0);
          ocg_utf8_append_valid_whatwg (self->id_buffer, value, value_len);
          self->id_pending = TRUE;
        }
      break;

    default:
      /* Unknown field: ignored */
      break;
    }
}

/**
 * ocg_sse_parser_feed:
 * @self: a parser
 * @bytes: (array length=len): the next bytes of the stream
 * @len: length of @bytes
 *
 * Parses @bytes, dispatching every event that they complete.
 */
void
ocg_sse_parser_feed (OcgSseParser *self,
                     const char   *bytes,
                     gsize         len)
{
  const char *p, *end;
  const char *next_cr = NULL;  /* NULL: not searched yet; end: none */
  const char *next_lf = NULL;
  guint serial;

  g_return_if_fail (self != NULL);
  g_return_if_fail (bytes != NULL || len == 0);
  g_return_if_fail (!self->in_callback);

  if (len == 0)
    return;

  p = bytes;
  end = bytes + len;

  if (G_UNLIKELY (self->bom_state < BOM_DONE))
    {
      while (p < end && self->bom_state < BOM_DONE &&
             *p == utf8_bom[self->bom_state])
        {
          p++;
          self->bom_state++;
        }

      if (self->bom_state < BOM_DONE)
        {
          if (p == end)
            return;  /* Still undecided */

          /* Not a BOM after all: the bytes held back are stream content */
          g_string_append_len (self->line, utf8_bom, self->bom_state);
          self->bom_state = BOM_DONE;
        }
    }

  if (self->pending_cr && p < end)
    {
      self->pending_cr = FALSE;
      if (*p == '\n')
        p++;
    }

  serial = self->serial;

  while (p < end)
    {
      const char *eol;
      gboolean is_cr;

      /* Each search goes from p to the next hit, so the chunk is scanned
       * about once per character whatever its line ends. */
      if (next_cr == NULL || next_cr < p)
        {
          next_cr = memchr (p, '\r', end - p);
          if (next_cr == NULL)
            next_cr = end;
        }
      if (next_lf == NULL || next_lf < p)
        {
          next_lf = memchr (p, '\n', end - p);
          if (next_lf == NULL)
            next_lf = end;
        }

      eol = MIN (next_cr, next_lf);
      if (eol == end)
        {
          g_string_append_len (self->line, p, end - p);
          break;
        }

      is_cr = *eol == '\r';

      if (self->line->len > 0)
        {
          g_string_append_len (self->line, p, eol - p);
          process_line (self, self->line->str, self->line->len);
          buffer_clear (&self->line);
        }
      else
        {
          process_line (self, p, eol - p);
        }

      /* The callback started a new stream: the rest is from the old one */
      if (G_UNLIKELY (self->serial != serial))
        return;

      p = eol + 1;
      if (is_cr)
        {
          if (p == end)
            self->pending_cr = TRUE;
          else if (*p == '\n')
            p++;
        }
    }
}

/**
 * ocg_sse_parser_restart:
 * @self: a parser
 *
 * Prepares for a new stream (a reconnection): drops any partial line and
 * undispatched event and expects an optional BOM again. The last event ID
 * and the reconnection time are kept.
 */
void
ocg_sse_parser_restart (OcgSseParser *self)
{
  g_return_if_fail (self != NULL);

  buffer_clear (&self->line);
  if (self->in_callback)
    g_string_truncate (self->data, 0);  /* The callback may still hold it */
  else
    buffer_clear (&self->data);
  g_string_truncate (self->type, 0);
  self->id_pending = FALSE;  /* The buffer starts from the string again */
  self->pending_cr = FALSE;
  self->bom_state = 0;
  self->serial++;
}

/**
 * ocg_sse_parser_end_of_stream:
 * @self: a parser
 *
 * Ends the stream: an unterminated last line and an event without its
 * closing blank line are discarded, not dispatched. The parser is then ready
 * for a new stream, as after ocg_sse_parser_restart().
 */
void
ocg_sse_parser_end_of_stream (OcgSseParser *self)
{
  g_return_if_fail (self != NULL);

  ocg_sse_parser_restart (self);
}

/**
 * ocg_sse_parser_get_last_event_id:
 * @self: a parser
 *
 * Returns: the last event ID string ("" when none), to send as Last-Event-ID
 *   on reconnection
 */
const char *
ocg_sse_parser_get_last_event_id (OcgSseParser *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->last_id->str;
}

/**
 * ocg_sse_parser_get_retry:
 * @self: a parser
 *
 * Returns: the reconnection time in milliseconds set by the stream, or -1
 */
gint64
ocg_sse_parser_get_retry (OcgSseParser *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->retry;
}

/**
 * ocg_sse_parser_get_pending_size:
 *
 * Bytes held for the event being received (its unfinished line and its
 * data so far), so that a caller can refuse events beyond a size.
 */
gsize
ocg_sse_parser_get_pending_size (OcgSseParser *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->line->len + self->data->len;
}
