/* ocg-application.c
 *
 * One instance: launching the app again opens (or raises) a window in the
 * running one. Each window is one project on one server: with --server (or
 * $OPENCODE_SERVER_URL) the app connects there, otherwise it runs its own
 * `opencode serve` in the project folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>

#include "ocg-application.h"
#include "ocg-keyring.h"
#include "ocg-preferences.h"
#include "ocg-resources.h"
#include "ocg-welcome.h"
#include "ocg-window.h"

#define MAX_RECENT 12

struct _OcgApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;  /* NULL when the schema is not installed */

  /* What makes the windows reconnect at once */
  GNetworkMonitor *network_monitor;
  GCancellable    *cancellable;
  GDBusConnection *system_bus;
  guint            sleep_watch;
};

G_DEFINE_FINAL_TYPE (OcgApplication, ocg_application, ADW_TYPE_APPLICATION)

static OcgWindow *
find_window (OcgApplication *self,
             const char     *server,
             const char     *directory)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      OcgConnection *connection;

      if (!OCG_IS_WINDOW (l->data))
        continue;
      connection = ocg_window_get_connection (l->data);
      if (g_strcmp0 (ocg_connection_get_directory (connection), directory) == 0 &&
          (server == NULL ? ocg_connection_is_embedded (connection)
                          : g_strcmp0 (ocg_connection_get_url (connection), server) == 0))
        return l->data;
    }
  return NULL;
}

/* The most recent first, each once */
static void
remember_project (OcgApplication *self,
                  const char     *directory)
{
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  if (self->settings == NULL || directory == NULL)
    return;

  old = g_settings_get_strv (self->settings, "recent-projects");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, directory);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT; i++)
    if (g_strcmp0 (old[i], directory) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-projects", (const char * const *) recent);
}

static void
open_window (OcgApplication *self,
             const char     *server,
             const char     *username,
             const char     *password,
             const char     *directory)
{
  OcgWindow *window = find_window (self, server, directory);

  if (window == NULL)
    {
      g_autoptr(OcgConnection) connection = NULL;

      if (server != NULL)
        connection = ocg_connection_new_remote (server, username, password, directory);
      else
        connection = ocg_connection_new_embedded (NULL, directory);
      window = ocg_window_new (self, connection);
      ocg_connection_start (connection);
    }
  gtk_window_present (GTK_WINDOW (window));
}

typedef struct
{
  OcgApplication *self;
  char           *server;
  char           *directory;
} Pending;

static void
on_password (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = ocg_keyring_lookup_finish (result, &error);

  /* Without a keyring the server may still need no password: try */
  if (error != NULL)
    g_message ("No password from the keyring for %s: %s", pending->server, error->message);
  open_window (pending->self, pending->server, NULL, password, pending->directory);
  g_application_release (G_APPLICATION (pending->self));
  g_object_unref (pending->self);
  g_free (pending->server);
  g_free (pending->directory);
  g_free (pending);
}

/* @server: %NULL for the default server (Preferences), whose password is in
 * the keyring */
static void
open_project (OcgApplication *self,
              const char     *server,
              const char     *username,
              const char     *password,
              const char     *directory)
{
  g_autofree char *default_server = NULL;

  remember_project (self, directory);

  if (server == NULL && self->settings != NULL)
    {
      default_server = g_settings_get_string (self->settings, "default-server");
      if (*default_server != '\0' && find_window (self, default_server, directory) == NULL)
        {
          Pending *pending = g_new0 (Pending, 1);

          pending->self = g_object_ref (self);
          pending->server = g_strdup (default_server);
          pending->directory = g_strdup (directory);
          g_application_hold (G_APPLICATION (self));
          ocg_keyring_lookup_async (default_server, NULL, on_password, pending);
          return;
        }
      if (*default_server != '\0')
        server = default_server;
    }

  open_window (self, server, username, password, directory);
}

static const char *
option_string (GVariantDict *options,
               const char   *name)
{
  const char *value = NULL;

  g_variant_dict_lookup (options, name, "&s", &value);
  return value != NULL && *value != '\0' ? value : NULL;
}

static int
ocg_application_command_line (GApplication            *app,
                              GApplicationCommandLine *command_line)
{
  OcgApplication *self = OCG_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_auto(GStrv) argv = NULL;
  g_autofree char *directory = NULL;
  const char *server, *password, *username, *dir_option;
  int argc;

  argv = g_application_command_line_get_arguments (command_line, &argc);
  server = option_string (options, "server");
  if (server == NULL)
    server = g_application_command_line_getenv (command_line, "OPENCODE_SERVER_URL");
  if (server != NULL && *server == '\0')
    server = NULL;
  password = option_string (options, "password");
  if (password == NULL)
    password = g_application_command_line_getenv (command_line, "OPENCODE_SERVER_PASSWORD");
  username = option_string (options, "username");
  if (username == NULL)
    username = g_application_command_line_getenv (command_line, "OPENCODE_SERVER_USERNAME");
  dir_option = option_string (options, "directory");

  if (argc > 1)
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, argv[1]);

      directory = g_file_get_path (file);
    }
  else if (dir_option != NULL)
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, dir_option);

      directory = g_file_get_path (file);
    }
  else if (server == NULL)
    directory = g_strdup (g_application_command_line_get_cwd (command_line));

  if (directory != NULL && !g_file_test (directory, G_FILE_TEST_IS_DIR))
    {
      g_application_command_line_printerr (command_line, _("%s is not a folder\n"), directory);
      return 1;
    }

  open_project (self, server, username, password, directory);
  return 0;
}

static void
on_welcome_open (OcgWelcome     *welcome,
                 const char     *directory,
                 OcgApplication *self)
{
  open_project (self, NULL, NULL, NULL, directory);
  gtk_window_destroy (GTK_WINDOW (welcome));
}

/* From the launcher: no project yet, so the welcome window asks for one */
static void
ocg_application_activate (GApplication *app)
{
  OcgApplication *self = OCG_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_auto(GStrv) recent = NULL;

  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  recent = self->settings != NULL ? g_settings_get_strv (self->settings, "recent-projects") : NULL;
  window = GTK_WINDOW (ocg_welcome_new (GTK_APPLICATION (app), (const char * const *) recent));
  g_signal_connect (window, "open-project", G_CALLBACK (on_welcome_open), self);
  gtk_window_present (window);
}

/* Reconnecting at once: when the network comes back or changes, and when
 * the machine wakes up (connections made before are likely dead, and the
 * wait before the next attempt may have grown long) */

static void
reconnect_windows (OcgApplication *self,
                   guint           quiet_seconds)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (OCG_IS_WINDOW (l->data))
      ocg_connection_reconnect_if_quiet (ocg_window_get_connection (l->data), quiet_seconds);
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    OcgApplication  *self)
{
  if (available)
    reconnect_windows (self, OCG_CONNECTION_SUSPECT_SILENCE);
}

static void
on_prepare_for_sleep (GDBusConnection *bus,
                      const char      *sender,
                      const char      *path,
                      const char      *interface,
                      const char      *signal,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  gboolean sleeping = TRUE;

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    g_variant_get (parameters, "(b)", &sleeping);
  if (!sleeping)
    reconnect_windows (user_data, 0);
}

static void
on_system_bus (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(OcgApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);

  /* No system bus (a container, a test): no resume signal, nothing wrong */
  if (bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No system bus, so no reconnecting after a resume: %s", error->message);
      return;
    }
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  /* The system bus going away is no reason to quit */
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  self->system_bus = g_steal_pointer (&bus);
  self->sleep_watch = g_dbus_connection_signal_subscribe (self->system_bus, "org.freedesktop.login1",
                                                          "org.freedesktop.login1.Manager", "PrepareForSleep",
                                                          "/org/freedesktop/login1", NULL,
                                                          G_DBUS_SIGNAL_FLAGS_NONE,
                                                          on_prepare_for_sleep, self, NULL);
}

static void
watch_for_reconnecting (OcgApplication *self)
{
  self->network_monitor = g_object_ref (g_network_monitor_get_default ());
  g_signal_connect (self->network_monitor, "network-changed", G_CALLBACK (on_network_changed), self);

  self->cancellable = g_cancellable_new ();
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_system_bus, g_object_ref (self));
}

static void
unwatch_for_reconnecting (OcgApplication *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->network_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->network_monitor, self);
  g_clear_object (&self->network_monitor);
  if (self->sleep_watch != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_watch);
  self->sleep_watch = 0;
  g_clear_object (&self->system_bus);
}

/* Killed politely (a session ending, Ctrl+C in a terminal): quit the normal
 * way, which stops the servers we started */
static gboolean
on_quit_signal (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

static void
ocg_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (ocg_application_parent_class)->startup (app);

  g_unix_signal_add (SIGTERM, on_quit_signal, app);
  g_unix_signal_add (SIGINT, on_quit_signal, app);
  g_unix_signal_add (SIGHUP, on_quit_signal, app);

  watch_for_reconnecting (OCG_APPLICATION (app));
}

static void
ocg_application_shutdown (GApplication *app)
{
  /* No server of ours outlives the app */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (OCG_IS_WINDOW (l->data))
      ocg_connection_stop (ocg_window_get_connection (l->data));

  G_APPLICATION_CLASS (ocg_application_parent_class)->shutdown (app);
}

static void
ocg_application_dispose (GObject *object)
{
  unwatch_for_reconnecting (OCG_APPLICATION (object));
  g_clear_object (&OCG_APPLICATION (object)->settings);

  G_OBJECT_CLASS (ocg_application_parent_class)->dispose (object);
}

static void
ocg_application_class_init (OcgApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ocg_application_dispose;

  app_class->activate = ocg_application_activate;
  app_class->command_line = ocg_application_command_line;
  app_class->startup = ocg_application_startup;
  app_class->shutdown = ocg_application_shutdown;

  /* The resources live in a static library: make sure they are linked in */
  (void) ocg_get_resource ();
}

static void
on_quit (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
on_about (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  static const char *developers[] = { "The Opencode GTK developers", NULL };

  adw_show_about_window (parent,
                         "application-name", _("Opencode GTK"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", "The Opencode GTK developers",
                         "developers", developers,
                         "version", PACKAGE_VERSION,
                         "comments", _("A native desktop client for the opencode coding agent"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
on_preferences (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  OcgApplication *self = OCG_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *window = ocg_preferences_new (self->settings,
                                           OCG_IS_WINDOW (parent) ? ocg_window_get_connection (OCG_WINDOW (parent)) : NULL);

  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_present (GTK_WINDOW (window));
}

/* A notification was clicked: show that session */
static void
on_open_session (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  const char *directory, *session_id;

  g_variant_get (parameter, "(&s&s)", &directory, &session_id);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (user_data)); l != NULL; l = l->next)
    if (OCG_IS_WINDOW (l->data) &&
        g_strcmp0 (ocg_connection_get_directory (ocg_window_get_connection (l->data)), directory) == 0)
      {
        /* Beside what the window shows, unless that is a blank new session */
        ocg_window_open_session_in_tab (l->data, session_id);
        gtk_window_present (l->data);
        return;
      }
}

static void
ocg_application_init (OcgApplication *self)
{
  GSettingsSchema *schema;
  static const GActionEntry actions[] = {
    { "quit", on_quit },
    { "about", on_about },
    { "preferences", on_preferences },
    { "open-session", on_open_session, "(ss)" },
  };
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };
  static const GOptionEntry options[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, NULL,
      N_("Connect to this opencode server instead of starting one"), N_("URL") },
    { "username", 'u', 0, G_OPTION_ARG_STRING, NULL, N_("User name for the server"), N_("NAME") },
    { "password", 'p', 0, G_OPTION_ARG_STRING, NULL, N_("The server's password"), N_("PASSWORD") },
    { "directory", 'd', 0, G_OPTION_ARG_STRING, NULL, N_("The project folder"), N_("DIR") },
    { NULL }
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);

  /* Run from the build tree the schema may not be installed: then nothing
   * is remembered, and nothing fails */
  schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APPLICATION_ID, TRUE);
  if (schema != NULL)
    {
      self->settings = g_settings_new_full (schema, NULL, NULL);
      g_settings_schema_unref (schema);
    }
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", shortcuts_accels);
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[PROJECT-FOLDER]"));
}

OcgApplication *
ocg_application_new (void)
{
  return g_object_new (OCG_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/opencodegtk/OpencodeGtk",
                       NULL);
}

/* The app's settings, or %NULL when its schema is not installed */
GSettings *
ocg_application_get_settings (OcgApplication *self)
{
  g_return_val_if_fail (OCG_IS_APPLICATION (self), NULL);
  return self->settings;
}
