/* ocg-turn-model.h: a session's messages grouped into turns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ocg-turn.h"

G_BEGIN_DECLS

#define OCG_TYPE_TURN_MODEL (ocg_turn_model_get_type ())
G_DECLARE_FINAL_TYPE (OcgTurnModel, ocg_turn_model, OCG, TURN_MODEL, GObject)

OcgTurnModel *ocg_turn_model_new          (GListModel   *messages);

G_END_DECLS
