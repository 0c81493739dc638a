/* ocg-ansi.h: a command's output as a terminal shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *ocg_ansi_strip (const char *text,
                      gsize       len);

G_END_DECLS
