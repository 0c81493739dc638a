/* ocg-request.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ocg-record.h"

G_BEGIN_DECLS

#define OCG_TYPE_REQUEST (ocg_request_get_type ())
G_DECLARE_FINAL_TYPE (OcgRequest, ocg_request, OCG, REQUEST, OcgRecord)

G_END_DECLS
