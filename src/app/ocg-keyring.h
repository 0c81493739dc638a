/* ocg-keyring.h: servers' passwords in the user's keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     ocg_keyring_store_async   (const char          *url,
                                    const char          *password,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean ocg_keyring_store_finish  (GAsyncResult        *result,
                                    GError             **error);
void     ocg_keyring_lookup_async  (const char          *url,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
char    *ocg_keyring_lookup_finish (GAsyncResult        *result,
                                    GError             **error);
void     ocg_keyring_clear_async   (const char          *url,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);

G_END_DECLS
