/* ocg-memory.c
 *
 * Opening a session parses its messages, lays out and throws away many
 * texts, and drops the session it replaces: megabytes that glibc's malloc
 * keeps in the middle of its heap, where they cannot be returned on free,
 * and that would count against the app for as long as it runs. Once
 * things have settled, malloc_trim() hands the free pages back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ocg-memory.h"

#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

/* Long enough for the rows of a session just opened to be laid out */
#define SETTLE_MS 1500

static guint release_id;

static gboolean
release (gpointer data)
{
  release_id = 0;
#ifdef HAVE_MALLOC_TRIM
  malloc_trim (0);
#endif
  return G_SOURCE_REMOVE;
}

/* After a burst of work that freed much: once the app has been quiet for a
 * moment (each call starts the wait again) */
void
ocg_memory_release_soon (void)
{
  g_clear_handle_id (&release_id, g_source_remove);
  release_id = g_timeout_add_full (G_PRIORITY_LOW, SETTLE_MS, release, NULL, NULL);
  g_source_set_name_by_id (release_id, "[ocg] release memory");
}
