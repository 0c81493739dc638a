/* ocg-welcome.h: the first window when no project was given
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define OCG_TYPE_WELCOME (ocg_welcome_get_type ())
G_DECLARE_FINAL_TYPE (OcgWelcome, ocg_welcome, OCG, WELCOME, AdwApplicationWindow)

GtkWidget *ocg_welcome_new (GtkApplication *application,
                            const char * const *recent);

G_END_DECLS
