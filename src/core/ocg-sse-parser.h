/* ocg-sse-parser.h: incremental parser for the text/event-stream format
 *
 * Implements the WHATWG HTML "interpreting an event stream" rules. It does no
 * I/O: bytes go in through ocg_sse_parser_feed(), events come out through the
 * callback. Feeding the same bytes in any chunking dispatches the same events.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _OcgSseParser OcgSseParser;

/**
 * OcgSseEventFunc:
 * @type: the event type ("message" when the stream gave none)
 * @data: the event's data, valid UTF-8, NUL-terminated, without the final LF
 * @data_len: length of @data in bytes
 * @last_event_id: the last event ID in force ("" when none)
 * @user_data: closure
 *
 * Called once per dispatched event. The strings belong to the parser and are
 * only valid during the call.
 */
typedef void (*OcgSseEventFunc) (const char *type,
                                 const char *data,
                                 gsize       data_len,
                                 const char *last_event_id,
                                 gpointer    user_data);

OcgSseParser *ocg_sse_parser_new                (OcgSseEventFunc  func,
                                                 gpointer         user_data);
void          ocg_sse_parser_free               (OcgSseParser    *self);
void          ocg_sse_parser_feed               (OcgSseParser    *self,
                                                 const char      *bytes,
                                                 gsize            len);
void          ocg_sse_parser_end_of_stream      (OcgSseParser    *self);
void          ocg_sse_parser_restart            (OcgSseParser    *self);
const char   *ocg_sse_parser_get_last_event_id  (OcgSseParser    *self);
gint64        ocg_sse_parser_get_retry          (OcgSseParser    *self);
gsize         ocg_sse_parser_get_pending_size   (OcgSseParser    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OcgSseParser, ocg_sse_parser_free)

G_END_DECLS
