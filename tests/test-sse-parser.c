/* test-sse-parser.c: tests for the text/event-stream parser and UTF-8 repair
 *
 * Every table case is parsed three ways: fed whole, byte by byte, and in 200
 * random chunkings (from the test seed, so --seed reproduces a failure). All
 * must give exactly the expected events, last event ID and retry. Each chunk
 * is copied into its own allocation so that sanitizers see any read past it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "ocg-sse-parser.h"
#include "ocg-utf8.h"

#define N_RANDOM_CHUNKINGS 200
#define MAX_EVENTS 8

/* U+FFFD REPLACEMENT CHARACTER */
#define R "\xEF\xBF\xBD"

/* ---------------------------------------------------------------------- */
/* Recording events */

typedef struct
{
  char  *type;
  char  *data;
  gsize  data_len;
  char  *id;
} Event;

static void
event_free (gpointer pointer)
{
  Event *event = pointer;

  g_free (event->type);
  g_free (event->data);
  g_free (event->id);
  g_free (event);
}

static void
record_event (const char *type,
              const char *data,
              gsize       data_len,
              const char *last_event_id,
              gpointer    user_data)
{
  GPtrArray *events = user_data;
  Event *event;

  g_assert_nonnull (type);
  g_assert_nonnull (data);
  g_assert_nonnull (last_event_id);
  g_assert_cmpint (data[data_len], ==, '\0');
  g_assert_true (ocg_utf8_is_valid (data, data_len));
  g_assert_true (ocg_utf8_is_valid (type, strlen (type)));
  g_assert_true (g_utf8_validate (last_event_id, -1, NULL));
  g_assert_cmpstr (type, !=, "");

  event = g_new0 (Event, 1);
  event->type = g_strdup (type);
  event->data = g_memdup2 (data, data_len + 1);
  event->data_len = data_len;
  event->id = g_strdup (last_event_id);
  g_ptr_array_add (events, event);
}

typedef enum {
  FEED_WHOLE,
  FEED_BYTES,
  FEED_RANDOM,
} FeedMode;

static const char *feed_mode_names[] = { "whole", "byte by byte", "random" };

/* Feeds a private copy of @bytes so reads past the chunk are caught */
static void
feed_copy (OcgSseParser *parser,
           const char   *bytes,
           gsize         len)
{
  g_autofree char *copy = len > 0 ? g_memdup2 (bytes, len) : NULL;

  ocg_sse_parser_feed (parser, copy, len);
}

static void
feed_chunked (OcgSseParser *parser,
              const char   *input,
              gsize         len,
              FeedMode      mode)
{
  static const guint max_chunks[] = { 1, 2, 3, 4, 7, 16, 64, G_MAXINT };
  gsize max_chunk = 1;
  gsize offset = 0;

  if (mode == FEED_WHOLE)
    {
      feed_copy (parser, input, len);
      return;
    }

  if (mode == FEED_RANDOM)
    max_chunk = max_chunks[g_test_rand_int_range (0, G_N_ELEMENTS (max_chunks))];

  while (offset < len)
    {
      gsize n = 1;

      if (mode == FEED_RANDOM)
        {
          /* Sometimes an empty chunk, which must change nothing */
          if (g_test_rand_int_range (0, 10) == 0)
            {
              ocg_sse_parser_feed (parser, g_test_rand_bit () ? NULL : input, 0);
              continue;
            }
          n = 1 + (gsize) g_test_rand_int_range (0, (gint32) MIN (max_chunk, len - offset));
        }

      feed_copy (parser, input + offset, n);
      offset += n;
    }
}

typedef struct
{
  GPtrArray *events;
  gint64     retry;
  char      *last_id;
} ParseResult;

static void
parse_result_clear (ParseResult *result)
{
  g_clear_pointer (&result->events, g_ptr_array_unref);
  g_clear_pointer (&result->last_id, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ParseResult, parse_result_clear)

static void
parse (const char  *input,
       gsize        len,
       FeedMode     mode,
       ParseResult *result)
{
  g_autoptr(OcgSseParser) parser = NULL;

  result->events = g_ptr_array_new_with_free_func (event_free);
  parser = ocg_sse_parser_new (record_event, result->events);
  feed_chunked (parser, input, len, mode);
  ocg_sse_parser_end_of_stream (parser);
  result->retry = ocg_sse_parser_get_retry (parser);
  result->last_id = g_strdup (ocg_sse_parser_get_last_event_id (parser));
}

/* ---------------------------------------------------------------------- */
/* Table-driven cases */

typedef struct
{
  const char *type;
  const char *data;
  gsize       data_len;
  const char *id;
} ExpectedEvent;

typedef struct
{
  const char    *path;
  const char    *input;
  gsize          input_len;
  ExpectedEvent  events[MAX_EVENTS];  /* up to the first with type NULL */
  const char    *retry;               /* NULL: none (-1) */
  const char    *last_id;             /* NULL: "" */
} SseCase;

/* String literals only: their size gives the length, NULs included */
#define INPUT(s) .input = (s), .input_len = sizeof (s) - 1
#define EV(type, data, id) { (type), (data), sizeof (data) - 1, (id) }
#define NO_EVENTS { { 0 } }

static const SseCase cases[] = {
  /* Line ends */
  { "/sse/line-endings/lf", INPUT ("data: a\n\ndata: b\n\n"),
    { EV ("message", "a", ""), EV ("message", "b", "") } },
  { "/sse/line-endings/cr", INPUT ("data: a\r\rdata: b\r\r"),
    { EV ("message", "a", ""), EV ("message", "b", "") } },
  { "/sse/line-endings/crlf", INPUT ("data: a\r\n\r\ndata: b\r\n\r\n"),
    { EV ("message", "a", ""), EV ("message", "b", "") } },
  { "/sse/line-endings/mixed", INPUT ("data: a\rdata: b\r\n\ndata: c\n\r"),
    { EV ("message", "a\nb", ""), EV ("message", "c", "") } },
  { "/sse/line-endings/crlf-is-one", INPUT ("data: a\r\ndata: b\r\n\r\n"),
    { EV ("message", "a\nb", "") } },
  { "/sse/line-endings/lf-cr-is-two", INPUT ("data: a\n\rdata: b\n\n"),
    { EV ("message", "a", ""), EV ("message", "b", "") } },
  { "/sse/line-endings/cr-lf-lf", INPUT ("data: a\r\n\ndata: b\r\r\n"),
    { EV ("message", "a", ""), EV ("message", "b", "") } },
  { "/sse/line-endings/blank-lines-only", INPUT ("\n\n\r\n\r\r\n\r"),
    NO_EVENTS },

  /* BOM */
  { "/sse/bom/stripped", INPUT ("\xEF\xBB\xBF" "data: a\n\n"),
    { EV ("message", "a", "") } },
  { "/sse/bom/only-once",
    INPUT ("\xEF\xBB\xBF\xEF\xBB\xBF" "data: a\n\ndata: b\n\n"),
    /* The second BOM is U+FEFF in the field name: unknown field */
    { EV ("message", "b", "") } },
  { "/sse/bom/mid-stream", INPUT ("data: a\n\n\xEF\xBB\xBF" "data: b\n\n"),
    { EV ("message", "a", "") } },
  { "/sse/bom/partial", INPUT ("\xEF\xBB" "data: a\n\ndata: b\n\n"),
    /* EF BB is an incomplete sequence: U+FFFD starts the field name */
    { EV ("message", "b", "") } },
  { "/sse/bom/then-blank-line", INPUT ("\xEF\xBB\xBF\ndata: a\n\n"),
    { EV ("message", "a", "") } },
  { "/sse/bom/alone", INPUT ("\xEF\xBB\xBF"),
    NO_EVENTS },

  /* Comments */
  { "/sse/comments",
    INPUT (":hello\ndata: a\n:\n: data: x\n\n:only a comment\n\n"),
    { EV ("message", "a", "") } },
  { "/sse/comments/invalid-utf8", INPUT (":\xFF\xC0\ndata: a\n\n"),
    { EV ("message", "a", "") } },

  /* Field syntax */
  { "/sse/field/no-colon", INPUT ("data\n\n"),
    { EV ("message", "", "") } },
  { "/sse/field/no-colon-twice", INPUT ("data\ndata\n\n"),
    { EV ("message", "\n", "") } },
  { "/sse/field/one-space-stripped",
    INPUT ("data:x\n\ndata: x\n\ndata:  x\n\ndata: \n\n"),
    { EV ("message", "x", ""), EV ("message", "x", ""),
      EV ("message", " x", ""), EV ("message", "", "") } },
  { "/sse/field/tab-kept", INPUT ("data:\tx\n\n"),
    { EV ("message", "\tx", "") } },
  { "/sse/field/colon-in-value", INPUT ("data: a:b: c\n\n"),
    { EV ("message", "a:b: c", "") } },
  { "/sse/field/space-in-name", INPUT ("data : x\n\n data: y\n\n"),
    NO_EVENTS },
  { "/sse/field/case-sensitive",
    INPUT ("Data: x\nDATA: y\nEvent: e\nID: 1\ndata: z\n\n"),
    { EV ("message", "z", "") } },
  { "/sse/field/unknown",
    INPUT ("foo: bar\nfoo\ndat: x\ndataa: y\nretryy: 5\nidd: 9\nevents: e\n"
           "data: z\n\n"),
    { EV ("message", "z", "") } },

  /* Data */
  { "/sse/data/multi-line", INPUT ("data: a\ndata: b\ndata\ndata: c\n\n"),
    { EV ("message", "a\nb\n\nc", "") } },
  { "/sse/data/empty-value", INPUT ("data:\n\n"),
    { EV ("message", "", "") } },
  { "/sse/data/no-data-not-dispatched",
    INPUT ("event: x\n\nid: 1\n\n:c\n\nretry: 5\n\n"),
    NO_EVENTS, "5", "1" },
  { "/sse/data/nul", INPUT ("data: a\0b\n\n"),
    { EV ("message", "a\0b", "") } },

  /* Event type */
  { "/sse/event/type", INPUT ("event: add\ndata: 1\n\n"),
    { EV ("add", "1", "") } },
  { "/sse/event/type-reset", INPUT ("event: add\ndata: 1\n\ndata: 2\n\n"),
    { EV ("add", "1", ""), EV ("message", "2", "") } },
  { "/sse/event/type-reset-without-dispatch", INPUT ("event: x\n\ndata: y\n\n"),
    { EV ("message", "y", "") } },
  { "/sse/event/last-wins", INPUT ("event: a\nevent: b\ndata\n\n"),
    { EV ("b", "", "") } },
  { "/sse/event/empty", INPUT ("event: x\nevent\ndata: y\n\n"),
    { EV ("message", "y", "") } },
  { "/sse/event/after-data", INPUT ("data: y\nevent: x\n\n"),
    { EV ("x", "y", "") } },

  /* Last event ID */
  { "/sse/id/persists", INPUT ("id: 1\ndata: a\n\ndata: b\n\n"),
    { EV ("message", "a", "1"), EV ("message", "b", "1") }, NULL, "1" },
  { "/sse/id/nul-ignored", INPUT ("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"),
    { EV ("message", "a", "1"), EV ("message", "b", "1") }, NULL, "1" },
  { "/sse/id/empty-resets",
    INPUT ("id: 1\ndata: a\n\nid\ndata: b\n\nid: 2\ndata: c\n\nid:\ndata: d\n\n"),
    { EV ("message", "a", "1"), EV ("message", "b", ""),
      EV ("message", "c", "2"), EV ("message", "d", "") }, NULL, "" },
  { "/sse/id/blank-line-commits", INPUT ("id: 5\n\ndata: a\n\n"),
    { EV ("message", "a", "5") }, NULL, "5" },
  { "/sse/id/after-data", INPUT ("data: a\nid: 3\nid: 4\n\n"),
    { EV ("message", "a", "4") }, NULL, "4" },
  { "/sse/id/incomplete-event-not-committed",
    INPUT ("id: 1\ndata: a\n\nid: 2\ndata: b\n"),
    { EV ("message", "a", "1") }, NULL, "1" },
  { "/sse/id/one-space-stripped", INPUT ("id:  7\ndata\n\n"),
    { EV ("message", "", " 7") }, NULL, " 7" },
  { "/sse/id/invalid-utf8", INPUT ("id: \xFF\ndata\n\n"),
    { EV ("message", "", R) }, NULL, R },

  /* Reconnection time */
  { "/sse/retry/digits", INPUT ("retry: 1000\n"), NO_EVENTS, "1000" },
  { "/sse/retry/leading-zeros", INPUT ("retry: 007\n"), NO_EVENTS, "7" },
  { "/sse/retry/many-leading-zeros",
    INPUT ("retry: 000000000000000000000000000012\n"), NO_EVENTS, "12" },
  { "/sse/retry/zero", INPUT ("retry: 0\n"), NO_EVENTS, "0" },
  { "/sse/retry/invalid",
    INPUT ("retry: 10a\nretry:\nretry\nretry: -5\nretry:  5\nretry: 5.0\n"
           "retry: +5\nretry: 1e3\nretry: \xD9\xA1\nretry: 5 \n"),
    NO_EVENTS, NULL },
  { "/sse/retry/invalid-keeps-previous",
    INPUT ("retry: 100\nretry: x\nretry:\n"), NO_EVENTS, "100" },
  { "/sse/retry/last-wins", INPUT ("retry: 1\nretry: 2\n"), NO_EVENTS, "2" },
  { "/sse/retry/max", INPUT ("retry: 2147483647\n"), NO_EVENTS, "2147483647" },
  { "/sse/retry/overflow-ignored",
    INPUT ("retry: 5\nretry: 2147483648\nretry: 99999999999999999999999999\n"),
    NO_EVENTS, "5" },
  { "/sse/retry/unterminated-line", INPUT ("retry: 5"), NO_EVENTS, NULL },
  { "/sse/retry/without-dispatch", INPUT ("retry: 5\ndata: a\n"),
    NO_EVENTS, "5" },
  { "/sse/retry/with-events", INPUT ("data: a\nretry: 3000\n\n"),
    { EV ("message", "a", "") }, "3000" },

  /* End of stream */
  { "/sse/eos/unterminated-event", INPUT ("data: a\n\ndata: b\n"),
    { EV ("message", "a", "") } },
  { "/sse/eos/unterminated-line", INPUT ("data: a\n\ndata: b"),
    { EV ("message", "a", "") } },
  { "/sse/eos/no-line-end", INPUT ("data: a"), NO_EVENTS },
  { "/sse/eos/trailing-cr", INPUT ("data: a\r\r"),
    { EV ("message", "a", "") } },
  { "/sse/eos/trailing-lf-cr", INPUT ("data: a\n\r"),
    { EV ("message", "a", "") } },

  /* UTF-8 decoding, as the WHATWG UTF-8 decoder */
  { "/sse/utf8/truncated", INPUT ("data: \xE2\x82" "A\n\n"),
    { EV ("message", R "A", "") } },
  { "/sse/utf8/truncated-at-line-end",
    INPUT ("data: \xE2\x82\n\ndata: \xF0\x9F\x98\r\n\r\ndata: \xC3\r\r"),
    { EV ("message", R, ""), EV ("message", R, ""), EV ("message", R, "") } },
  { "/sse/utf8/truncated-4-byte", INPUT ("data: \xF0\x9F\x98" "A\n\n"),
    { EV ("message", R "A", "") } },
  { "/sse/utf8/lone-continuation",
    INPUT ("data: \x80\n\ndata: a\x80\xBF" "b\n\n"),
    { EV ("message", R, ""), EV ("message", "a" R R "b", "") } },
  { "/sse/utf8/overlong",
    INPUT ("data: \xC0\x80\n\ndata: \xE0\x80\x80\n\ndata: \xC1\xBF\n\n"
           "data: \xF0\x80\x80\x80\n\n"),
    { EV ("message", R R, ""), EV ("message", R R R, ""),
      EV ("message", R R, ""), EV ("message", R R R R, "") } },
  { "/sse/utf8/surrogate",
    INPUT ("data: \xED\xA0\x80\n\ndata: \xED\xBF\xBF" "x\n\n"),
    { EV ("message", R R R, ""), EV ("message", R R R "x", "") } },
  { "/sse/utf8/out-of-range",
    INPUT ("data: \xF5\x80\x80\x80\n\ndata: \xFF\xFE\n\n"
           "data: \xF4\x90\x80\x80\n\ndata: \xF8\x88\x80\x80\x80\n\n"),
    { EV ("message", R R R R, ""), EV ("message", R R, ""),
      EV ("message", R R R R, ""), EV ("message", R R R R R, "") } },
  { "/sse/utf8/maximal-subparts",
    /* Unicode 15 table 3-8 */
    INPUT ("data: a\xF1\x80\x80\xE1\x80\xC2" "b\x80" "c\x80\xBF" "d\n\n"),
    { EV ("message", "a" R R R "b" R "c" R R "d", "") } },
  { "/sse/utf8/valid-multibyte",
    INPUT ("data: \xF0\x9F\x98\x80 \xE2\x82\xAC \xC3\xA9 \xF4\x8F\xBF\xBF\n\n"),
    { EV ("message", "\xF0\x9F\x98\x80 \xE2\x82\xAC \xC3\xA9 \xF4\x8F\xBF\xBF", "") } },
  { "/sse/utf8/noncharacters-kept", INPUT ("data: \xEF\xBF\xBE" R "\n\n"),
    { EV ("message", "\xEF\xBF\xBE" R, "") } },
  { "/sse/utf8/sequence-cut-by-cr", INPUT ("data: \xE2\r\x82\xAC\n\n"),
    /* "\x82\xAC" becomes a line of its own: an unknown field */
    { EV ("message", R, "") } },
  { "/sse/utf8/in-field-name",
    INPUT ("d\xC3\xA1ta: x\ndata\xFF: y\ndata\xC3: y\ndata: z\n\n"),
    { EV ("message", "z", "") } },
  { "/sse/utf8/in-event-type", INPUT ("event: \xC3\xA9v\xC3\ndata\n\n"),
    { EV ("\xC3\xA9v" R, "", "") } },
};

static char *
escape_bytes (const char *bytes,
              gsize       len)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = bytes[i];

      if (c >= 0x20 && c < 0x7F && c != '\\' && c != '"')
        g_string_append_c (s, c);
      else
        g_string_append_printf (s, "\\x%02X", c);
    }

  return g_string_free (s, FALSE);
}

/* NULL if @result is what @test_case expects, else what differs */
static char *
compare_result (const SseCase     *test_case,
                const ParseResult *result)
{
  gint64 expected_retry = -1;
  const char *expected_id = test_case->last_id ? test_case->last_id : "";
  guint n_expected = 0;

  while (n_expected < MAX_EVENTS && test_case->events[n_expected].type != NULL)
    n_expected++;

  for (guint i = 0; i < MAX (n_expected, result->events->len); i++)
    {
      const ExpectedEvent *want = i < n_expected ? &test_case->events[i] : NULL;
      const Event *got = i < result->events->len ? result->events->pdata[i] : NULL;

      if (want == NULL || got == NULL ||
          strcmp (want->type, got->type) != 0 ||
          want->data_len != got->data_len ||
          memcmp (want->data, got->data, got->data_len) != 0 ||
          strcmp (want->id, got->id) != 0)
        {
          g_autofree char *want_data = want ? escape_bytes (want->data, want->data_len) : NULL;
          g_autofree char *got_data = got ? escape_bytes (got->data, got->data_len) : NULL;

          return g_strdup_printf ("event %u: expected %s \"%s\" id \"%s\", got %s \"%s\" id \"%s\"",
                                  i,
                                  want ? want->type : "(none)", want_data ? want_data : "",
                                  want ? want->id : "",
                                  got ? got->type : "(none)", got_data ? got_data : "",
                                  got ? got->id : "");
        }
    }

  if (test_case->retry != NULL)
    expected_retry = g_ascii_strtoll (test_case->retry, NULL, 10);
  if (result->retry != expected_retry)
    return g_strdup_printf ("retry: expected %" G_GINT64_FORMAT ", got %" G_GINT64_FORMAT,
                            expected_retry, result->retry);

  if (strcmp (result->last_id, expected_id) != 0)
    return g_strdup_printf ("last event ID: expected \"%s\", got \"%s\"",
                            expected_id, result->last_id);

  return NULL;
}

static gboolean
check_parse (const SseCase *test_case,
             FeedMode       mode,
             guint          round)
{
  g_auto(ParseResult) result = { 0 };
  g_autofree char *difference = NULL;

  parse (test_case->input, test_case->input_len, mode, &result);
  difference = compare_result (test_case, &result);
  if (difference != NULL)
    {
      g_test_fail_printf ("fed %s (round %u): %s",
                          feed_mode_names[mode], round, difference);
      return FALSE;
    }

  return TRUE;
}

static void
test_case_run (gconstpointer data)
{
  const SseCase *test_case = data;

  if (!check_parse (test_case, FEED_WHOLE, 0) ||
      !check_parse (test_case, FEED_BYTES, 0))
    return;

  for (guint round = 0; round < N_RANDOM_CHUNKINGS; round++)
    {
      if (!check_parse (test_case, FEED_RANDOM, round))
        return;
    }
}

/* ---------------------------------------------------------------------- */
/* Cases that need more than one stream or a specific chunking */

typedef struct
{
  GPtrArray    *events;
  OcgSseParser *parser;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data G_GNUC_UNUSED)
{
  fixture->events = g_ptr_array_new_with_free_func (event_free);
  fixture->parser = ocg_sse_parser_new (record_event, fixture->events);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data G_GNUC_UNUSED)
{
  g_clear_pointer (&fixture->parser, ocg_sse_parser_free);
  g_clear_pointer (&fixture->events, g_ptr_array_unref);
}

static void
feed_str (Fixture    *fixture,
          const char *str)
{
  feed_copy (fixture->parser, str, strlen (str));
}

static void
assert_event (Fixture    *fixture,
              guint       index,
              const char *type,
              const char *data,
              const char *id)
{
  const Event *event;

  g_assert_cmpuint (index, <, fixture->events->len);
  event = fixture->events->pdata[index];
  g_assert_cmpstr (event->type, ==, type);
  g_assert_cmpstr (event->data, ==, data);
  g_assert_cmpuint (event->data_len, ==, strlen (data));
  g_assert_cmpstr (event->id, ==, id);
}

static void
test_crlf_split (Fixture       *fixture,
                 gconstpointer  user_data G_GNUC_UNUSED)
{
  /* CR ends the line at once; the LF of the next chunk is not a blank line */
  feed_str (fixture, "data: a\r");
  feed_str (fixture, "\ndata: b\r");
  feed_str (fixture, "\n\r");
  g_assert_cmpuint (fixture->events->len, ==, 1);
  assert_event (fixture, 0, "message", "a\nb", "");

  /* A lone CR at the end of a chunk followed by a non-LF */
  feed_str (fixture, "data: c\r");
  feed_str (fixture, "\r");
  g_assert_cmpuint (fixture->events->len, ==, 2);
  assert_event (fixture, 1, "message", "c", "");
}

static void
test_cr_then_empty_feed (Fixture       *fixture,
                         gconstpointer  user_data G_GNUC_UNUSED)
{
  /* Empty feeds between CR and LF must not lose the pending CR */
  feed_str (fixture, "data: a\r");
  ocg_sse_parser_feed (fixture->parser, "", 0);
  ocg_sse_parser_feed (fixture->parser, NULL, 0);
  feed_str (fixture, "\ndata: b\r\n\r\n");
  g_assert_cmpuint (fixture->events->len, ==, 1);
  assert_event (fixture, 0, "message", "a\nb", "");
}

static void
test_bom_split (Fixture       *fixture,
                gconstpointer  user_data G_GNUC_UNUSED)
{
  feed_str (fixture, "\xEF");
  ocg_sse_parser_feed (fixture->parser, "", 0);
  feed_str (fixture, "\xBB");
  feed_str (fixture, "\xBF" "da");
  feed_str (fixture, "ta: a\n\n\xEF\xBB\xBF" "data: b\n\ndata: c\n\n");
  g_assert_cmpuint (fixture->events->len, ==, 2);
  assert_event (fixture, 0, "message", "a", "");
  assert_event (fixture, 1, "message", "c", "");
}

static void
test_bom_split_mismatch (Fixture       *fixture,
                         gconstpointer  user_data G_GNUC_UNUSED)
{
  /* EF BB then not BF: the held bytes go back into the stream */
  feed_str (fixture, "\xEF");
  feed_str (fixture, "\xBB");
  feed_str (fixture, ":comment\n");
  feed_str (fixture, "\xEF\xBB");
  feed_str (fixture, "\n");   /* U+FFFD alone: an unknown field */
  feed_str (fixture, "data: a\n\n");
  g_assert_cmpuint (fixture->events->len, ==, 1);
  assert_event (fixture, 0, "message", "a", "");
}

static void
test_bom_after_restart (Fixture       *fixture,
                        gconstpointer  user_data G_GNUC_UNUSED)
{
  feed_str (fixture, "\xEF\xBB\xBF" "data: a\n\n");
  ocg_sse_parser_restart (fixture->parser);
  feed_str (fixture, "\xEF\xBB");
  feed_str (fixture, "\xBF" "data: b\n\n");
  ocg_sse_parser_end_of_stream (fixture->parser);
  feed_str (fixture, "\xEF\xBB\xBF" "data: c\n\n");
  g_assert_cmpuint (fixture->events->len, ==, 3);
  assert_event (fixture, 0, "message", "a", "");
  assert_event (fixture, 1, "message", "b", "");
  assert_event (fixture, 2, "message", "c", "");
}

static void
test_restart_keeps_id_and_retry (Fixture       *fixture,
                                 gconstpointer  user_data G_GNUC_UNUSED)
{
  feed_str (fixture, "id: 7\nretry: 300\ndata: a\n\n"
                     "data: partial\nevent: x\nid: 8\n");
  g_assert_cmpstr (ocg_sse_parser_get_last_event_id (fixture->parser), ==, "7");
  ocg_sse_parser_restart (fixture->parser);
  g_assert_cmpstr (ocg_sse_parser_get_last_event_id (fixture->parser), ==, "7");
  g_assert_cmpint (ocg_sse_parser_get_retry (fixture->parser), ==, 300);

  feed_str (fixture, "data: b\n\n");
  g_assert_cmpuint (fixture->events->len, ==, 2);
  assert_event (fixture, 0, "message", "a", "7");
  /* Not "partial\nb", not type "x", not id "8" */
  assert_event (fixture, 1, "message", "b", "7");
  g_assert_cmpint (ocg_sse_parser_get_retry (fixture->parser), ==, 300);
}

static void
test_restart_drops_partial_line (Fixture       *fixture,
                                 gconstpointer  user_data G_GNUC_UNUSED)
{
  feed_str (fixture, "data: a\n\ndata: par");
  ocg_sse_parser_restart (fixture->parser);
  feed_str (fixture, "tial\n\ndata: b\n\n");
  g_assert_cmpuint (fixture->events->len, ==, 2);
  assert_event (fixture, 0, "message", "a", "");
  assert_event (fixture, 1, "message", "b", "");
}

static void
test_restart_drops_pending_cr (Fixture       *fixture,
                               gconstpointer  user_data G_GNUC_UNUSED)
{
  feed_str (fixture, "data: a\r");
  ocg_sse_parser_restart (fixture->parser);
  feed_str (fixture, "\ndata: b\n\n");
  g_assert_cmpuint (fixture->events->len, ==, 1);
  assert_event (fixture, 0, "message", "b", "");
}

static void
restart_on_event (const char *type,
                  const char *data,
                  gsize       data_len,
                  const char *last_event_id,
                  gpointer    user_data)
{
  Fixture *fixture = user_data;

  record_event (type, data, data_len, last_event_id, fixture->events);
  if (strcmp (data, "restart") == 0)
    ocg_sse_parser_restart (fixture->parser);
}

static void
test_restart_from_callback (Fixture       *fixture,
                            gconstpointer  user_data G_GNUC_UNUSED)
{
  g_clear_pointer (&fixture->parser, ocg_sse_parser_free);
  fixture->parser = ocg_sse_parser_new (restart_on_event, fixture);

  /* The rest of the chunk belongs to the old stream and is dropped */
  feed_str (fixture, "id: 1\ndata: restart\n\ndata: dropped\n\n");
  feed_str (fixture, "data: b\n\n");
  g_assert_cmpuint (fixture->events->len, ==, 2);
  assert_event (fixture, 0, "message", "restart", "1");
  assert_event (fixture, 1, "message", "b", "1");
}

static void
test_eos_then_reuse (Fixture       *fixture,
                     gconstpointer  user_data G_GNUC_UNUSED)
{
  feed_str (fixture, "id: 3\nretry: 10\ndata: a\n\ndata: lost\nid: 4\n");
  ocg_sse_parser_end_of_stream (fixture->parser);
  g_assert_cmpstr (ocg_sse_parser_get_last_event_id (fixture->parser), ==, "3");
  g_assert_cmpint (ocg_sse_parser_get_retry (fixture->parser), ==, 10);

  feed_str (fixture, "data: b\n\n");
  g_assert_cmpuint (fixture->events->len, ==, 2);
  assert_event (fixture, 0, "message", "a", "3");
  assert_event (fixture, 1, "message", "b", "3");
}

static void
test_dispatch_immediate (Fixture       *fixture,
                         gconstpointer  user_data G_GNUC_UNUSED)
{
  /* Events come out during feed(), not at the end of the stream */
  feed_str (fixture, "data: a\n");
  g_assert_cmpuint (fixture->events->len, ==, 0);
  feed_str (fixture, "\n");
  g_assert_cmpuint (fixture->events->len, ==, 1);
  feed_str (fixture, "data: b\r");
  feed_str (fixture, "\r");
  g_assert_cmpuint (fixture->events->len, ==, 2);
  assert_event (fixture, 1, "message", "b", "");
}

static void
test_initial_state (Fixture       *fixture,
                    gconstpointer  user_data G_GNUC_UNUSED)
{
  g_assert_cmpstr (ocg_sse_parser_get_last_event_id (fixture->parser), ==, "");
  g_assert_cmpint (ocg_sse_parser_get_retry (fixture->parser), ==, -1);
  ocg_sse_parser_end_of_stream (fixture->parser);
  ocg_sse_parser_restart (fixture->parser);
  g_assert_cmpuint (fixture->events->len, ==, 0);
}

static void
test_long_line (Fixture       *fixture,
                gconstpointer  user_data G_GNUC_UNUSED)
{
  /* 10 MiB of data on one line, with 3-byte characters cut by chunk ends */
  const gsize data_len = 10 * 1024 * 1024;
  static const char pattern[] = "0123456789\xE2\x82\xAC"; /* 13 bytes */
  g_autoptr(GString) stream = g_string_sized_new (data_len + 16);
  g_autofree char *expected = NULL;
  const Event *event;
  gint64 start, elapsed;
  gint64 limit = G_USEC_PER_SEC;

#if defined(__SANITIZE_ADDRESS__)
  limit *= 10;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  limit *= 10;
#endif
#endif

  g_string_append (stream, "data: ");
  while (stream->len - 6 + sizeof pattern - 1 <= data_len)
    g_string_append (stream, pattern);
  g_string_append_len (stream, "xxxxxxxxxxxxxxxxxxxx", data_len - (stream->len - 6));
  expected = g_strndup (stream->str + 6, data_len);
  g_string_append (stream, "\r\n\r\n");

  start = g_get_monotonic_time ();
  for (gsize offset = 0; offset < stream->len; offset += 4096)
    ocg_sse_parser_feed (fixture->parser, stream->str + offset,
                         MIN (4096, stream->len - offset));
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("10 MiB line in 4 KiB chunks: %.1f ms", elapsed / 1000.0);

  g_assert_cmpuint (fixture->events->len, ==, 1);
  event = fixture->events->pdata[0];
  g_assert_cmpuint (event->data_len, ==, data_len);
  g_assert_true (memcmp (event->data, expected, data_len) == 0);
  g_assert_cmpint (elapsed, <, limit);
}

static void
test_long_comment_and_field (Fixture       *fixture,
                             gconstpointer  user_data G_GNUC_UNUSED)
{
  /* Long lines that are not data, fed in odd chunks */
  g_autoptr(GString) stream = g_string_new (":");
  const Event *event;

  for (guint i = 0; i < 100000; i++)
    g_string_append (stream, "comment ");
  g_string_append (stream, "\nevent: ");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (stream, 'a' + i % 26);
  g_string_append (stream, "\ndata: x\n\n");

  for (gsize offset = 0; offset < stream->len; offset += 999)
    ocg_sse_parser_feed (fixture->parser, stream->str + offset,
                         MIN (999, stream->len - offset));

  g_assert_cmpuint (fixture->events->len, ==, 1);
  event = fixture->events->pdata[0];
  g_assert_cmpuint (strlen (event->type), ==, 100000);
  g_assert_cmpstr (event->data, ==, "x");
}

static guint n_counted;
static gsize bytes_counted;

static void
count_event (const char *type G_GNUC_UNUSED,
             const char *data G_GNUC_UNUSED,
             gsize       data_len,
             const char *last_event_id G_GNUC_UNUSED,
             gpointer    user_data G_GNUC_UNUSED)
{
  n_counted++;
  bytes_counted += data_len;
}

static void
test_throughput (void)
{
  const guint n_events = 200000;
  const guint n_rounds = g_test_perf () ? 20 : 1;
  g_autoptr(GString) stream = g_string_new (NULL);
  g_autoptr(OcgSseParser) parser = ocg_sse_parser_new (count_event, NULL);
  gint64 start, elapsed;

  for (guint i = 0; i < n_events; i++)
    g_string_append_printf (stream,
                            "data: {\"type\":\"message.part.delta\",\"properties\":"
                            "{\"sessionID\":\"ses_%08u\",\"messageID\":\"msg_%08u\","
                            "\"partID\":\"prt_%08u\",\"field\":\"text\","
                            "\"delta\":\"h\\u00e9llo w\xC3\xB6rld %u\"}}\n\n",
                            i / 1000, i / 10, i, i);

  n_counted = 0;
  bytes_counted = 0;
  start = g_get_monotonic_time ();
  for (guint round = 0; round < n_rounds; round++)
    {
      for (gsize offset = 0; offset < stream->len; offset += 16384)
        ocg_sse_parser_feed (parser, stream->str + offset,
                             MIN (16384, stream->len - offset));
    }
  elapsed = MAX (g_get_monotonic_time () - start, 1);

  g_assert_cmpuint (n_counted, ==, n_events * n_rounds);
  g_assert_cmpuint (bytes_counted + n_events * n_rounds * 8, ==, stream->len * n_rounds);
  g_test_message ("%u events (%.1f MB) in %.1f ms: %.0f events/s",
                  n_counted, stream->len * n_rounds / 1e6, elapsed / 1000.0,
                  n_counted * (double) G_USEC_PER_SEC / elapsed);
  if (g_test_perf ())
    g_test_minimized_result (elapsed / (double) G_USEC_PER_SEC,
                             "parsed %u events", n_counted);
}

/* ---------------------------------------------------------------------- */
/* ocg-utf8 */

typedef struct
{
  const char *input;
  gsize       input_len;
  const char *output;
  gsize       output_len;
} Utf8Case;

#define U8(in, out) { (in), sizeof (in) - 1, (out), sizeof (out) - 1 }

static const Utf8Case utf8_cases[] = {
  U8 ("", ""),
  U8 ("abc", "abc"),
  U8 ("a\0b", "a\0b"),
  U8 ("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"),
  U8 ("\xEF\xBB\xBF", "\xEF\xBB\xBF"),          /* No BOM handling here */
  U8 ("\xEF\xBF\xBE\xEF\xBF\xBF", "\xEF\xBF\xBE\xEF\xBF\xBF"),
  U8 ("\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"),  /* U+10FFFF */
  U8 ("\xED\x9F\xBF", "\xED\x9F\xBF"),          /* U+D7FF */
  U8 ("\xEE\x80\x80", "\xEE\x80\x80"),          /* U+E000 */
  U8 ("\x80", R),
  U8 ("\xBF\x80", R R),
  U8 ("\xC2", R),
  U8 ("\xC2" "A", R "A"),
  U8 ("\xE2\x82" "A", R "A"),
  U8 ("\xE2\x82", R),
  U8 ("\xE2", R),
  U8 ("\xF0\x9F\x98", R),
  U8 ("\xF0\x9F\x98" "\xF0\x9F\x98\x80", R "\xF0\x9F\x98\x80"),
  U8 ("\xC0\x80", R R),
  U8 ("\xC1\xBF", R R),
  U8 ("\xE0\x80\x80", R R R),
  U8 ("\xE0\x9F\xBF", R R R),
  U8 ("\xE0\xA0", R),
  U8 ("\xF0\x80\x80\x80", R R R R),
  U8 ("\xF0\x8F\xBF\xBF", R R R R),
  U8 ("\xED\xA0\x80", R R R),
  U8 ("\xED\xBF\xBF", R R R),
  U8 ("\xED\xA0\x80\xED\xB0\x80", R R R R R R),  /* CESU-8 pair */
  U8 ("\xF4\x90\x80\x80", R R R R),
  U8 ("\xF5\x80\x80\x80", R R R R),
  U8 ("\xF8\x88\x80\x80\x80", R R R R R),
  U8 ("\xFC\x84\x80\x80\x80\x80", R R R R R R),
  U8 ("\xFE", R),
  U8 ("\xFF", R),
  U8 ("\xC3\xC3\xA9", R "\xC3\xA9"),
  U8 ("a\xF1\x80\x80\xE1\x80\xC2" "b\x80" "c\x80\xBF" "d",
      "a" R R R "b" R "c" R R "d"),
  U8 ("\xE1\x80\x0A", R "\n"),
  U8 ("0123456789abcde\x80" "0123456789abcdef", "0123456789abcde" R "0123456789abcdef"),
};

static void
test_utf8_whatwg (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (utf8_cases); i++)
    {
      const Utf8Case *c = &utf8_cases[i];
      g_autofree char *copy = g_memdup2 (c->input, c->input_len + 1);
      g_autofree char *out = NULL;
      g_autofree char *again = NULL;
      g_autoptr(GString) appended = g_string_new ("x");
      gsize out_len = G_MAXSIZE, again_len;
      gboolean valid;

      /* Not NUL-terminated, so a read past the end is caught */
      if (c->input_len > 0)
        copy = g_realloc (copy, c->input_len);

      out = ocg_utf8_make_valid_whatwg (copy, c->input_len, &out_len);
      g_assert_cmpmem (out, out_len, c->output, c->output_len);
      g_assert_cmpint (out[out_len], ==, '\0');

      valid = c->input_len == c->output_len &&
              memcmp (c->input, c->output, c->input_len) == 0;
      g_assert_cmpint (ocg_utf8_is_valid (copy, c->input_len), ==, valid);
      g_assert_true (ocg_utf8_is_valid (out, out_len));

      again = ocg_utf8_make_valid_whatwg (out, out_len, &again_len);
      g_assert_cmpmem (again, again_len, out, out_len);

      ocg_utf8_append_valid_whatwg (appended, copy, c->input_len);
      g_assert_cmpmem (appended->str + 1, appended->len - 1, c->output, c->output_len);
    }
}

static void
test_utf8_agrees_with_glib (void)
{
  /* On NUL-free input, validity must match g_utf8_validate_len() */
  for (guint round = 0; round < 20000; round++)
    {
      guchar buf[8];
      gsize len = g_test_rand_int_range (0, sizeof buf + 1);

      for (gsize i = 0; i < len; i++)
        {
          /* Bias towards bytes that matter to UTF-8 */
          static const guchar interesting[] = {
            'a', 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2,
            0xDF, 0xE0, 0xE1, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF,
          };
          buf[i] = g_test_rand_bit ()
                     ? interesting[g_test_rand_int_range (0, G_N_ELEMENTS (interesting))]
                     : (guchar) g_test_rand_int_range (1, 256);
        }

      g_assert_cmpint (ocg_utf8_is_valid ((const char *) buf, len), ==,
                       g_utf8_validate_len ((const char *) buf, len, NULL));
    }
}

static void
test_utf8_null_output_len (void)
{
  g_autofree char *a = ocg_utf8_make_valid_whatwg ("ok", 2, NULL);
  g_autofree char *b = ocg_utf8_make_valid_whatwg ("\xFF", 1, NULL);
  g_autofree char *c = ocg_utf8_make_valid_whatwg (NULL, 0, NULL);

  g_assert_cmpstr (a, ==, "ok");
  g_assert_cmpstr (b, ==, R);
  g_assert_cmpstr (c, ==, "");
  g_assert_true (ocg_utf8_is_valid (NULL, 0));
}

/* ---------------------------------------------------------------------- */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].path, &cases[i], test_case_run);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/sse/line-endings/crlf-split", test_crlf_split);
  ADD ("/sse/line-endings/cr-then-empty-feed", test_cr_then_empty_feed);
  ADD ("/sse/bom/split", test_bom_split);
  ADD ("/sse/bom/split-mismatch", test_bom_split_mismatch);
  ADD ("/sse/bom/after-restart", test_bom_after_restart);
  ADD ("/sse/restart/keeps-id-and-retry", test_restart_keeps_id_and_retry);
  ADD ("/sse/restart/drops-partial-line", test_restart_drops_partial_line);
  ADD ("/sse/restart/drops-pending-cr", test_restart_drops_pending_cr);
  ADD ("/sse/restart/from-callback", test_restart_from_callback);
  ADD ("/sse/eos/then-reuse", test_eos_then_reuse);
  ADD ("/sse/dispatch/immediate", test_dispatch_immediate);
  ADD ("/sse/initial-state", test_initial_state);
  ADD ("/sse/long-line/10mb", test_long_line);
  ADD ("/sse/long-line/comment-and-event", test_long_comment_and_field);

#undef ADD

  g_test_add_func ("/sse/perf/throughput", test_throughput);
  g_test_add_func ("/utf8/whatwg", test_utf8_whatwg);
  g_test_add_func ("/utf8/agrees-with-glib", test_utf8_agrees_with_glib);
  g_test_add_func ("/utf8/null-output-len", test_utf8_null_output_len);

  return g_test_run ();
}
