/* test-reasoning.c: a reasoning part's heading, found as it streams, and
 * its preview
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ocg-reasoning.h"

/* The heading of @text read whole, or NULL */
static char *
heading_of (const char *text)
{
  gsize scanned = 0;
  char *heading = NULL;

  ocg_reasoning_find_heading (text, strlen (text), &scanned, &heading);
  return heading;
}

static void
assert_heading (const char *text,
                const char *expected)
{
  g_autofree char *heading = heading_of (text);

  g_assert_cmpstr (heading, ==, expected);
}

static void
test_atx (void)
{
  assert_heading ("## Reading the build log\nThe error mentions a header.", "Reading the build log");
  assert_heading ("# One\n", "One");
  assert_heading ("  ### Closed ###  \nrest", "Closed");
  assert_heading ("First a line.\n#### Later heading\n", "Later heading");
  /* Not headings */
  assert_heading ("#hashtag\n", NULL);
  assert_heading ("####### seven\n", NULL);
  assert_heading ("##\n", NULL);
  /* An ATX heading counts once its line has ended */
  assert_heading ("## Still being writ", NULL);
}

static void
test_bold (void)
{
  assert_heading ("**Planning the fix**\n\nFirst...", "Planning the fix");
  assert_heading ("**  Spaced  ** and more", "Spaced");
  /* Bold counts as soon as it closes, even on an unfinished line */
  assert_heading ("**Checking paths** now", "Checking paths");
  assert_heading ("**Not closed yet", NULL);
  assert_heading ("****\n", NULL);
  assert_heading ("** **\n", NULL);
}

/* Streamed in pieces of any size, the heading found is the one of the whole */
static void
test_any_chunking (void)
{
  static const char *texts[] = {
    "Let me think.\n## Reading the log\nIt says a header is missing.\n",
    "**Bold heading** first\nthen text\n",
    "no heading at all\njust lines\n",
    "## Partial\n**Later**\n",
  };

  for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
    {
      const char *text = texts[t];
      gsize len = strlen (text);
      g_autofree char *whole = heading_of (text);

      for (gsize step = 1; step <= len; step++)
        {
          gsize scanned = 0;
          g_autofree char *heading = NULL;

          for (gsize shown = step; heading == NULL; shown = MIN (shown + step, len))
            {
              if (ocg_reasoning_find_heading (text, shown, &scanned, &heading))
                g_assert_nonnull (heading);
              else
                g_assert_null (heading);
              g_assert_cmpuint (scanned, <=, shown);
              if (shown == len)
                break;
            }
          g_assert_cmpstr (heading, ==, whole);
        }
    }
}

static void
test_preview (void)
{
  const char *text = "First line.\n**Second** line.\n## Third line\n\n";
  g_autofree char *preview = ocg_reasoning_preview (text, strlen (text), 240);
  g_autofree char *cut = NULL;
  g_autofree char *one = ocg_reasoning_preview ("only *one* line", 15, 240);

  /* The last two lines, without emphasis or heading marks */
  g_assert_cmpstr (preview, ==, "Second line.\nThird line");
  g_assert_cmpstr (one, ==, "only one line");

  /* Read from the end only: an ellipsis says it began further back */
  cut = ocg_reasoning_preview ("a very long line of reasoning without any break", 47, 10);
  g_assert_true (g_str_has_prefix (cut, "…"));
  g_assert_true (g_str_has_suffix (cut, "any break"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reasoning/heading-atx", test_atx);
  g_test_add_func ("/reasoning/heading-bold", test_bold);
  g_test_add_func ("/reasoning/same-in-any-chunking", test_any_chunking);
  g_test_add_func ("/reasoning/preview", test_preview);
  return g_test_run ();
}
