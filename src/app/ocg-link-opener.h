/* ocg-link-opener.h: opens links from untrusted text, or asks first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void ocg_link_activate (GtkWidget  *source,
                        const char *uri,
                        const char *text);

G_END_DECLS
