/* ocg-message.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ocg-record.h"

G_BEGIN_DECLS

#define OCG_TYPE_MESSAGE (ocg_message_get_type ())
G_DECLARE_FINAL_TYPE (OcgMessage, ocg_message, OCG, MESSAGE, OcgRecord)

G_END_DECLS
