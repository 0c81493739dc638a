/* ocg-turn.h: a user message and the assistant messages that answer it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ocg-message.h"

G_BEGIN_DECLS

#define OCG_TYPE_TURN (ocg_turn_get_type ())
G_DECLARE_FINAL_TYPE (OcgTurn, ocg_turn, OCG, TURN, GObject)

OcgTurn    *ocg_turn_new                (const char *key);
const char *ocg_turn_get_key            (OcgTurn    *self);
OcgMessage *ocg_turn_get_user_message   (OcgTurn    *self);
void        ocg_turn_set_user_message   (OcgTurn    *self,
                                         OcgMessage *message);
gboolean    ocg_turn_get_latest         (OcgTurn    *self);
void        ocg_turn_set_latest         (OcgTurn    *self,
                                         gboolean    latest);
GListModel *ocg_turn_get_assistant      (OcgTurn    *self);
void        ocg_turn_set_assistant      (OcgTurn    *self,
                                         GPtrArray  *messages);
const char *ocg_turn_get_send_error     (OcgTurn    *self);
void        ocg_turn_set_send_error     (OcgTurn    *self,
                                         const char *error);

G_END_DECLS
