/* fake-server.h: a scripted opencode server on loopback, for core tests
 *
 * It answers the REST calls the sync makes from JSON the test sets, streams
 * /event frames the test pushes, can end the stream (a dropped connection),
 * and can hold the answers to one path until the test releases them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _FakeServer FakeServer;

FakeServer *fake_server_new          (void);
void        fake_server_free         (FakeServer *self);
char       *fake_server_get_url      (FakeServer *self);
void        fake_server_set          (FakeServer *self,
                                      const char *path,
                                      const char *json);
void        fake_server_set_status   (FakeServer *self,
                                      const char *path,
                                      guint       status,
                                      const char *body);
void        fake_server_push         (FakeServer *self,
                                      const char *frame_json);
void        fake_server_push_raw     (FakeServer *self,
                                      const char *bytes,
                                      gsize       len);
void        fake_server_end_streams  (FakeServer *self);
guint       fake_server_n_streams    (FakeServer *self);
guint       fake_server_n_connections (FakeServer *self);
void        fake_server_hold         (FakeServer *self,
                                      const char *path);
guint       fake_server_n_held       (FakeServer *self);
void        fake_server_release      (FakeServer *self);
const char *fake_server_last_header  (FakeServer *self,
                                      const char *name);
/* Every request other than /event, as "METHOD /path BODY" */
GPtrArray  *fake_server_get_requests (FakeServer *self);
gboolean    fake_server_has_request  (FakeServer *self,
                                      const char *prefix);

void        spin_until               (gboolean  (*predicate) (gpointer),
                                      gpointer    data,
                                      guint       timeout_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeServer, fake_server_free)

G_END_DECLS
