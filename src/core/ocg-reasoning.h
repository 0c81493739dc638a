/* ocg-reasoning.h: a reasoning part's heading and preview
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  ocg_reasoning_find_heading (const char  *text,
                                      gsize        len,
                                      gsize       *scanned,
                                      char       **heading);
char     *ocg_reasoning_preview      (const char  *text,
                                      gsize        len,
                                      gsize        limit_bytes);

G_END_DECLS
