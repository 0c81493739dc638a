/* ocg-event-source.h: the server's event stream, kept connected
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ocg-client.h"

G_BEGIN_DECLS

typedef enum {
  OCG_EVENT_SOURCE_STOPPED,
  OCG_EVENT_SOURCE_CONNECTING,
  OCG_EVENT_SOURCE_CONNECTED,
  OCG_EVENT_SOURCE_RECONNECTING,
  OCG_EVENT_SOURCE_FAILED,
} OcgEventSourceState;

GType ocg_event_source_state_get_type (void);
#define OCG_TYPE_EVENT_SOURCE_STATE (ocg_event_source_state_get_type ())

#define OCG_TYPE_EVENT_SOURCE (ocg_event_source_get_type ())
G_DECLARE_FINAL_TYPE (OcgEventSource, ocg_event_source, OCG, EVENT_SOURCE, GObject)

OcgEventSource      *ocg_event_source_new                (OcgClient      *client,
                                                          const char     *path);
void                 ocg_event_source_start              (OcgEventSource *self);
void                 ocg_event_source_stop               (OcgEventSource *self);
void                 ocg_event_source_reconnect_now      (OcgEventSource *self);
gboolean             ocg_event_source_reconnect_if_quiet (OcgEventSource *self,
                                                          guint           quiet_seconds);
void                 ocg_event_source_fail               (OcgEventSource *self,
                                                          const GError   *error);
OcgEventSourceState  ocg_event_source_get_state          (OcgEventSource *self);
const GError        *ocg_event_source_get_error          (OcgEventSource *self);
gint64               ocg_event_source_get_reconnect_time (OcgEventSource *self);
gint64               ocg_event_source_get_retry          (OcgEventSource *self);
void                 ocg_event_source_set_reconnect      (OcgEventSource *self,
                                                          gboolean        reconnect);
void                 ocg_event_source_set_watchdog       (OcgEventSource *self,
                                                          guint           seconds);
void                 ocg_event_source_set_max_event_size (OcgEventSource *self,
                                                          gsize           bytes);
void                 ocg_event_source_set_backoff        (OcgEventSource *self,
                                                          guint           initial_ms,
                                                          guint           max_ms);
void                 ocg_event_source_set_delay_cap      (OcgEventSource *self,
                                                          guint           cap_ms);
guint                ocg_event_source_get_delay_cap      (OcgEventSource *self);
guint                ocg_event_source_get_delay          (OcgEventSource *self);
guint                ocg_event_source_get_attempts       (OcgEventSource *self);

G_END_DECLS
