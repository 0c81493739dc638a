/* ocg-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define OCG_TYPE_APPLICATION (ocg_application_get_type ())
G_DECLARE_FINAL_TYPE (OcgApplication, ocg_application, OCG, APPLICATION, AdwApplication)

OcgApplication *ocg_application_new          (void);
GSettings      *ocg_application_get_settings (OcgApplication *self);

G_END_DECLS
