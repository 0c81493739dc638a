/* ocg-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ocg-application.h"

G_BEGIN_DECLS

#define OCG_TYPE_WINDOW (ocg_window_get_type ())
G_DECLARE_FINAL_TYPE (OcgWindow, ocg_window, OCG, WINDOW, AdwApplicationWindow)

OcgWindow *ocg_window_new (OcgApplication *application);

G_END_DECLS
