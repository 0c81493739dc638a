/* ocg-connection.h: one server to talk to, for one project: a remote one, or
 * an embedded `opencode serve`, with the client, store and sync over it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ocg-client.h"
#include "ocg-server.h"
#include "ocg-store.h"
#include "ocg-sync.h"

G_BEGIN_DECLS

/* Seconds without a byte (the server sends a heartbeat every 10) after
 * which a connection is suspect when there is another reason to doubt it */
#define OCG_CONNECTION_SUSPECT_SILENCE 15

typedef enum {
  OCG_CONNECTION_IDLE,
  OCG_CONNECTION_STARTING_SERVER,
  OCG_CONNECTION_CONNECTING,
  OCG_CONNECTION_CONNECTED,
  OCG_CONNECTION_RECONNECTING,
  OCG_CONNECTION_FAILED,
  OCG_CONNECTION_SERVER_MISSING,
} OcgConnectionState;

GType ocg_connection_state_get_type (void);
#define OCG_TYPE_CONNECTION_STATE (ocg_connection_state_get_type ())

#define OCG_TYPE_CONNECTION (ocg_connection_get_type ())
G_DECLARE_FINAL_TYPE (OcgConnection, ocg_connection, OCG, CONNECTION, GObject)

OcgConnection      *ocg_connection_new_remote      (const char    *url,
                                                    const char    *username,
                                                    const char    *password,
                                                    const char    *directory);
OcgConnection      *ocg_connection_new_embedded    (const char    *opencode,
                                                    const char    *directory);
void                ocg_connection_start           (OcgConnection *self);
void                ocg_connection_retry           (OcgConnection *self);
void                ocg_connection_stop            (OcgConnection *self);
OcgConnectionState  ocg_connection_get_state       (OcgConnection *self);
const char         *ocg_connection_get_error       (OcgConnection *self);
const GError       *ocg_connection_get_failure     (OcgConnection *self);
void                ocg_connection_set_timeout     (OcgConnection *self,
                                                    guint          seconds);
guint               ocg_connection_get_timeout     (OcgConnection *self);
void                ocg_connection_set_delay_cap   (OcgConnection *self,
                                                    guint          cap_ms);
gboolean            ocg_connection_reconnect_if_quiet (OcgConnection *self,
                                                    guint          quiet_seconds);
void                ocg_connection_set_password    (OcgConnection *self,
                                                    const char    *password);
gint64              ocg_connection_get_reconnect_time (OcgConnection *self);
const char         *ocg_connection_get_directory   (OcgConnection *self);
const char         *ocg_connection_get_url         (OcgConnection *self);
gboolean            ocg_connection_is_embedded     (OcgConnection *self);
OcgStore           *ocg_connection_get_store       (OcgConnection *self);
OcgSync            *ocg_connection_get_sync        (OcgConnection *self);
OcgClient          *ocg_connection_get_client      (OcgConnection *self);
OcgServer          *ocg_connection_get_server      (OcgConnection *self);

G_END_DECLS
