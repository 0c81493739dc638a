/* ocg-ids.c
 *
 * An ascending id is the prefix, then 12 hex digits of (milliseconds since
 * the epoch * 4096 + a counter) kept to 48 bits, then 14 random letters and
 * digits: ids made later sort after ids made earlier, here and on the server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-ids.h"

static const char alphabet[] =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

char *
ocg_id_ascending (const char *prefix)
{
  static GMutex lock;
  static gint64 last_ms;
  static guint counter;
  GString *id;
  guint64 value;
  gint64 now_ms = g_get_real_time () / 1000;

  g_return_val_if_fail (prefix != NULL, NULL);

  g_mutex_lock (&lock);
  if (now_ms != last_ms)
    {
      last_ms = now_ms;
      counter = 0;
    }
  counter++;
  value = ((guint64) now_ms * 0x1000 + counter) & G_GUINT64_CONSTANT (0xFFFFFFFFFFFF);
  g_mutex_unlock (&lock);

  id = g_string_new (prefix);
  if (!g_str_has_suffix (prefix, "_"))
    g_string_append_c (id, '_');
  g_string_append_printf (id, "%012" G_GINT64_MODIFIER "x", value);
  for (int i = 0; i < 14; i++)
    g_string_append_c (id, alphabet[g_random_int_range (0, sizeof alphabet - 1)]);
  return g_string_free (id, FALSE);
}
