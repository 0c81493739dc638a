/* ocg-turn-row.h: one turn of the transcript
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ocg-store.h"
#include "ocg-turn.h"

G_BEGIN_DECLS

#define OCG_TYPE_TURN_ROW (ocg_turn_row_get_type ())
G_DECLARE_FINAL_TYPE (OcgTurnRow, ocg_turn_row, OCG, TURN_ROW, GtkWidget)

typedef enum {
  OCG_TURN_ROW_HEAD,   /* the user's message and the timeline */
  OCG_TURN_ROW_FOOT,   /* the figures and the error that ended the turn */
} OcgTurnRowSection;

GtkWidget *ocg_turn_row_new           (OcgStore          *store,
                                       OcgTurnRowSection  section);
void       ocg_turn_row_set_turn      (OcgTurnRow *self,
                                       OcgTurn    *turn);
OcgTurn   *ocg_turn_row_get_turn      (OcgTurnRow *self);
void       ocg_turn_row_set_send_error (OcgTurnRow *self,
                                        const char *error);

G_END_DECLS
