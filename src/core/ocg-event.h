/* ocg-event.h: decoding one event frame of the opencode stream
 *
 * A frame's data is {"id", "type", "properties"} (or, on /global/event,
 * {"directory", "payload": {"type", "properties"}}). The decoder parses it
 * once. The hot event, message.part.delta, takes a fast path that reads its
 * few fields without building a JSON tree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define OCG_EVENT_ERROR (ocg_event_error_quark ())

typedef enum {
  OCG_EVENT_ERROR_INVALID_JSON,
  OCG_EVENT_ERROR_INVALID_SHAPE,
} OcgEventError;

typedef struct {
  char       *type;        /* never NULL on success */
  char       *directory;   /* /global/event only, else NULL */
  JsonObject *properties;  /* NULL for the delta fast path; read by
                            * ocg_json_parse(), U+0000 as OCG_JSON_NUL */

  /* Filled for message.part.delta, by either path. The delta may hold
   * NUL bytes (U+0000): use delta_len. */
  char       *session_id;
  char       *message_id;
  char       *part_id;
  char       *field;
  char       *delta;
  gsize       delta_len;
} OcgEvent;

GQuark    ocg_event_error_quark (void);
OcgEvent *ocg_event_decode      (const char  *data,
                                 gsize        len,
                                 GError     **error);
void      ocg_event_free        (OcgEvent    *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OcgEvent, ocg_event_free)

G_END_DECLS
