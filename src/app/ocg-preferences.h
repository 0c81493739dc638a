/* ocg-preferences.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ocg-connection.h"

G_BEGIN_DECLS

#define OCG_TYPE_PREFERENCES (ocg_preferences_get_type ())
G_DECLARE_FINAL_TYPE (OcgPreferences, ocg_preferences, OCG, PREFERENCES, AdwPreferencesWindow)

GtkWidget *ocg_preferences_new            (GSettings     *settings,
                                           OcgConnection *connection);
void       ocg_preferences_test_server    (OcgPreferences *self,
                                           const char     *url,
                                           const char     *password);
const char *ocg_preferences_get_test_result (OcgPreferences *self);
void       ocg_preferences_set_window_password (OcgPreferences *self,
                                                const char     *password);

G_END_DECLS
