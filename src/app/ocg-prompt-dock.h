/* ocg-prompt-dock.h: the agent's permission requests and questions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ocg-client.h"
#include "ocg-store.h"

G_BEGIN_DECLS

#define OCG_TYPE_PROMPT_DOCK (ocg_prompt_dock_get_type ())
G_DECLARE_FINAL_TYPE (OcgPromptDock, ocg_prompt_dock, OCG, PROMPT_DOCK, GtkWidget)

GtkWidget *ocg_prompt_dock_new          (OcgStore      *store);
void       ocg_prompt_dock_set_client   (OcgPromptDock *self,
                                         OcgClient     *client);
void       ocg_prompt_dock_set_session  (OcgPromptDock *self,
                                         const char    *session_id);
guint      ocg_prompt_dock_get_n_prompts (OcgPromptDock *self);

G_END_DECLS
