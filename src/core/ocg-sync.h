/* ocg-sync.h: keeps an OcgStore equal to the server's own view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ocg-client.h"
#include "ocg-event-source.h"
#include "ocg-store.h"

G_BEGIN_DECLS

#define OCG_TYPE_SYNC (ocg_sync_get_type ())
G_DECLARE_FINAL_TYPE (OcgSync, ocg_sync, OCG, SYNC, GObject)

OcgSync        *ocg_sync_new                (OcgStore       *store,
                                             OcgClient      *client);
OcgStore       *ocg_sync_get_store          (OcgSync        *self);
OcgClient      *ocg_sync_get_client         (OcgSync        *self);
OcgEventSource *ocg_sync_get_event_source   (OcgSync        *self);
void            ocg_sync_set_mirror_all     (OcgSync        *self,
                                             gboolean        mirror_all);
void            ocg_sync_start              (OcgSync        *self);
void            ocg_sync_stop               (OcgSync        *self);
void            ocg_sync_track_session      (OcgSync        *self,
                                             const char     *session_id);
void            ocg_sync_untrack_session    (OcgSync        *self,
                                             const char     *session_id);
void            ocg_sync_hold_session       (OcgSync        *self,
                                             const char     *session_id);
void            ocg_sync_release_session    (OcgSync        *self,
                                             const char     *session_id);
void            ocg_sync_set_keep           (OcgSync        *self,
                                             guint           keep);
guint           ocg_sync_get_n_tracked      (OcgSync        *self);
gboolean        ocg_sync_get_synced         (OcgSync        *self);
gboolean        ocg_sync_get_messages_loaded (OcgSync       *self,
                                             const char     *session_id);
gboolean        ocg_sync_has_older          (OcgSync        *self,
                                             const char     *session_id);
void            ocg_sync_load_older         (OcgSync        *self,
                                             const char     *session_id);
gboolean        ocg_sync_has_more_sessions  (OcgSync        *self);
void            ocg_sync_load_more_sessions (OcgSync        *self);
void            ocg_sync_search_sessions    (OcgSync        *self,
                                             const char     *text);

void            ocg_sync_apply_frame        (OcgSync        *self,
                                             const char     *data,
                                             gsize           len);
guint64         ocg_sync_get_n_events       (OcgSync        *self);
guint64         ocg_sync_get_n_malformed    (OcgSync        *self);

G_END_DECLS
