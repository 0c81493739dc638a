/* test-ansi.c: a command's output as a terminal shows it, and cutting
 * UTF-8 text at character boundaries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ocg-ansi.h"
#include "ocg-utf8.h"

static void
assert_strip (const char *in,
              const char *expected)
{
  g_autofree char *out = ocg_ansi_strip (in, strlen (in));

  g_assert_cmpstr (out, ==, expected);
}

/* Colours, cursor moves and erases leave the text alone */
static void
test_csi (void)
{
  assert_strip ("\x1b[1;31merror\x1b[0m: missing \x1b[4mheader\x1b[24m", "error: missing header");
  assert_strip ("\x1b[2K\x1b[1Gdone", "done");
  assert_strip ("plain text", "plain text");
  assert_strip ("", "");
}

/* Window titles and hyperlinks end with BEL or with ESC \ */
static void
test_string_sequences (void)
{
  assert_strip ("\x1b]0;title\x07" "after", "after");
  assert_strip ("\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\ text", "link text");
  assert_strip ("\x1bPdevice control\x1b\\" "x", "x");
  /* Character set selection takes one more byte */
  assert_strip ("\x1b(Bascii", "ascii");
}

/* A progress bar redrawn with carriage returns shows its last state; a
 * line ending in CR LF is kept */
static void
test_carriage_return (void)
{
  assert_strip ("10%\r50%\r100%\ndone\n", "100%\ndone\n");
  assert_strip ("first\r\nsecond", "first\nsecond");
  assert_strip ("line\rLINE", "LINE");
}

/* A backspace takes back one character, whole when it is multibyte, and
 * never reaches into the line before */
static void
test_backspace (void)
{
  assert_strip ("abc\b\bX", "aX");
  assert_strip ("caf\xc3\xa9\bE", "cafE");
  assert_strip ("one\n\b\btwo", "one\ntwo");
}

/* Other control characters go; tabs and newlines stay; an escape cut off
 * at the end is dropped, not read past */
static void
test_controls_and_truncation (void)
{
  assert_strip ("a\x01" "b\x7f" "c\td\n", "abc\td\n");
  assert_strip ("text\x1b", "text");
  assert_strip ("text\x1b[31", "text");
  assert_strip ("text\x1b]0;never ended", "text");
}

static void
test_utf8_head (void)
{
  /* "aé" + "€": 1 + 2 + 3 bytes */
  const char *text = "a\xc3\xa9\xe2\x82\xac";
  gsize len = strlen (text);

  g_assert_cmpuint (ocg_utf8_head_length (text, len, 100), ==, len);
  g_assert_cmpuint (ocg_utf8_head_length (text, len, 6), ==, 6);
  g_assert_cmpuint (ocg_utf8_head_length (text, len, 5), ==, 3);
  g_assert_cmpuint (ocg_utf8_head_length (text, len, 4), ==, 3);
  g_assert_cmpuint (ocg_utf8_head_length (text, len, 3), ==, 3);
  g_assert_cmpuint (ocg_utf8_head_length (text, len, 2), ==, 1);
  g_assert_cmpuint (ocg_utf8_head_length (text, len, 0), ==, 0);
}

static void
test_utf8_tail (void)
{
  const char *text = "a\xc3\xa9\xe2\x82\xac";
  gsize len = strlen (text);
  g_autoptr(GString) lines = g_string_new (NULL);
  const char *tail;
  gsize tail_len;

  /* Short enough: all of it */
  tail = ocg_utf8_tail (text, len, 100, &tail_len);
  g_assert_true (tail == text);
  g_assert_cmpuint (tail_len, ==, len);

  /* Never from inside a character */
  tail = ocg_utf8_tail (text, len, 4, &tail_len);
  g_assert_cmpuint (tail_len, ==, 3);
  g_assert_cmpstr (tail, ==, "\xe2\x82\xac");
  tail = ocg_utf8_tail (text, len, 2, &tail_len);
  g_assert_cmpuint (tail_len, ==, 0);

  /* From the start of a line when one is near */
  for (guint i = 0; i < 100; i++)
    g_string_append_printf (lines, "line %03u\n", i);
  tail = ocg_utf8_tail (lines->str, lines->len, 95, &tail_len);
  g_assert_true (g_str_has_prefix (tail, "line 09"));
  g_assert_cmpuint (tail_len, <=, 95);
  g_assert_true (g_str_has_suffix (tail, "line 099\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ansi/csi", test_csi);
  g_test_add_func ("/ansi/string-sequences", test_string_sequences);
  g_test_add_func ("/ansi/carriage-return", test_carriage_return);
  g_test_add_func ("/ansi/backspace", test_backspace);
  g_test_add_func ("/ansi/controls-and-truncation", test_controls_and_truncation);
  g_test_add_func ("/utf8/head", test_utf8_head);
  g_test_add_func ("/utf8/tail", test_utf8_tail);
  return g_test_run ();
}
