/* test-server.c: the embedded server's password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-server.h"

#include <string.h>

#define SAMPLES 200

static void
test_password (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean has_dash = FALSE, has_underscore = FALSE;

  for (guint i = 0; i < SAMPLES; i++)
    {
      g_autoptr(GError) error = NULL;
      char *password = ocg_server_make_password (&error);
      gsize len;

      g_assert_no_error (error);
      g_assert_nonnull (password);

      /* At least 128 bits, in characters that need no escaping in a URL,
       * a header or a shell word */
      len = strlen (password);
      g_assert_cmpuint (len * 6, >=, 128);
      g_assert_cmpuint (strspn (password, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                        ==, len);
      has_dash |= strchr (password, '-') != NULL;
      has_underscore |= strchr (password, '_') != NULL;

      /* Never the same twice */
      g_assert_false (g_hash_table_contains (seen, password));
      g_hash_table_add (seen, password);
    }

  /* The whole URL-safe alphabet is in use (200 x 32 characters of 64
   * kinds: missing either of these two by chance is about 1e-44) */
  g_assert_true (has_dash);
  g_assert_true (has_underscore);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/password", test_password);

  return g_test_run ();
}
