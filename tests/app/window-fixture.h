/* window-fixture.h: a chat window connected to a scripted server that holds
 * the recorded sessions of tests/data, for the widget tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "fake-server.h"
#include "ocg-connection.h"
#include "ocg-window.h"

G_BEGIN_DECLS

/* Sessions of the recording */
#define FIXTURE_TOOLS      "ses_e02ff560dffeTxcjcz256LiHVM"
#define FIXTURE_TASK       "ses_e02ff4fc3ffeKBNxrzbLnahkdE"
#define FIXTURE_TASK_CHILD "ses_e02ff4f37ffeHgRsJlG4WXLMKK"

typedef struct
{
  FakeServer    *server;
  OcgConnection *connection;
  OcgWindow     *window;
  JsonObject    *state;     /* the recording's state.json */
  JsonArray     *sessions;  /* what GET /session answers */
} WindowFixture;

JsonNode *window_fixture_load_json (const char    *name);
void      window_fixture_setup     (WindowFixture *fixture,
                                    gconstpointer  data);
void      window_fixture_teardown  (WindowFixture *fixture,
                                    gconstpointer  data);
void      window_fixture_connect   (WindowFixture *fixture);
gboolean  window_fixture_connected (gpointer       fixture);
char     *window_fixture_row_title (GListModel    *rows,
                                    guint          i);
/* Pushes one event of @type with @properties_json (printf-style) */
void      window_fixture_push      (WindowFixture *fixture,
                                    const char    *type,
                                    const char    *properties_format,
                                    ...) G_GNUC_PRINTF (3, 4);

void      window_fixture_add_session (WindowFixture *fixture,
                                      const char    *info_json);
const char *window_fixture_session_title (WindowFixture *fixture,
                                          const char    *session_id);

/* A request to wait for: one whose line starts with @prefix */
typedef struct
{
  FakeServer *server;
  const char *prefix;
} WindowRequest;

gboolean  window_fixture_has_request    (gpointer    request);
gboolean  window_fixture_page_loaded    (gpointer    page);
gboolean  window_fixture_page_not_loading (gpointer  page);
guint     window_fixture_count_requests (FakeServer *server,
                                         const char *prefix);

G_END_DECLS
