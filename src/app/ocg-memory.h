/* ocg-memory.h: giving freed memory back to the system
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void ocg_memory_release_soon (void);

G_END_DECLS
