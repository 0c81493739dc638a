/* ocg-keyring.c
 *
 * A remote server's password is kept by the Secret Service (GNOME Keyring,
 * or the portal inside a sandbox), under the server's URL; settings only
 * hold the URL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "ocg-keyring.h"

static const SecretSchema *
server_schema (void)
{
  static const SecretSchema schema = {
    APPLICATION_ID ".Server", SECRET_SCHEMA_NONE,
    {
      { "url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

void
ocg_keyring_store_async (const char          *url,
                         const char          *password,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autofree char *label = g_strdup_printf (_("Password of the opencode server %s"), url);

  secret_password_store (server_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                         cancellable, callback, user_data, "url", url, NULL);
}

gboolean
ocg_keyring_store_finish (GAsyncResult  *result,
                          GError       **error)
{
  return secret_password_store_finish (result, error);
}

void
ocg_keyring_lookup_async (const char          *url,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  secret_password_lookup (server_schema (), cancellable, callback, user_data, "url", url, NULL);
}

/* Returns: (transfer full) (nullable): the password, or %NULL when none */
char *
ocg_keyring_lookup_finish (GAsyncResult  *result,
                           GError       **error)
{
  return secret_password_lookup_finish (result, error);
}

void
ocg_keyring_clear_async (const char          *url,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  secret_password_clear (server_schema (), cancellable, callback, user_data, "url", url, NULL);
}
