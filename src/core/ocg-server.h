/* ocg-server.h: an `opencode serve` of our own, on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OCG_SERVER_ERROR (ocg_server_error_quark ())

typedef enum {
  OCG_SERVER_ERROR_NOT_FOUND,   /* no opencode binary */
  OCG_SERVER_ERROR_FAILED,      /* it exited or never listened */
  OCG_SERVER_ERROR_TIMED_OUT,
} OcgServerError;

#define OCG_TYPE_SERVER (ocg_server_get_type ())
G_DECLARE_FINAL_TYPE (OcgServer, ocg_server, OCG, SERVER, GObject)

GQuark      ocg_server_error_quark   (void);
char       *ocg_server_find_opencode (void);
char       *ocg_server_make_password (GError             **error);
OcgServer  *ocg_server_new           (const char          *opencode,
                                      const char          *directory);
void        ocg_server_start_async   (OcgServer           *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean    ocg_server_start_finish  (OcgServer           *self,
                                      GAsyncResult        *result,
                                      GError             **error);
void        ocg_server_stop          (OcgServer           *self);
gboolean    ocg_server_get_running   (OcgServer           *self);
const char *ocg_server_get_url       (OcgServer           *self);
const char *ocg_server_get_password  (OcgServer           *self);
const char *ocg_server_get_directory (OcgServer           *self);
const char *ocg_server_get_log_tail  (OcgServer           *self);
int         ocg_server_get_pid       (OcgServer           *self);

G_END_DECLS
