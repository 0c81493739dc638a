/* ocg-ids.h: identifiers in the server's own format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *ocg_id_ascending (const char *prefix);

G_END_DECLS
