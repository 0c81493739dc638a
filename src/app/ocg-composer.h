/* ocg-composer.h: where the user writes to the agent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OCG_TYPE_COMPOSER (ocg_composer_get_type ())
G_DECLARE_FINAL_TYPE (OcgComposer, ocg_composer, OCG, COMPOSER, GtkWidget)

GtkWidget *ocg_composer_new              (void);
char      *ocg_composer_get_text         (OcgComposer *self);
void       ocg_composer_set_text         (OcgComposer *self,
                                          const char  *text);
void       ocg_composer_set_busy         (OcgComposer *self,
                                          gboolean     busy);
gboolean   ocg_composer_get_busy         (OcgComposer *self);
void       ocg_composer_set_disabled_reason (OcgComposer *self,
                                             const char  *reason);
void       ocg_composer_send             (OcgComposer *self);
GtkTextView *ocg_composer_get_text_view  (OcgComposer *self);

G_END_DECLS
