/* ocg-part.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ocg-record.h"

G_BEGIN_DECLS

#define OCG_TYPE_PART (ocg_part_get_type ())
G_DECLARE_FINAL_TYPE (OcgPart, ocg_part, OCG, PART, OcgRecord)

G_END_DECLS
