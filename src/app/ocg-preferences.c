/* ocg-preferences.c
 *
 * Appearance, and the servers: the app's own server (started in the project
 * folder) or remote ones the user adds by URL, with a password kept in the
 * keyring. A server can be tested before it is used; a wrong password, an
 * unreachable host and a failed secure connection each say so in words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ocg-client.h"
#include "ocg-a11y.h"
#include "ocg-json.h"
#include "ocg-keyring.h"
#include "ocg-preferences.h"

#include <string.h>

struct _OcgPreferences
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;     /* nullable */
  OcgConnection        *connection;   /* nullable: the window's */
  GCancellable         *cancellable;

  GtkWidget            *servers_group;
  GtkWidget            *url_row;
  GtkWidget            *password_row;
  GtkWidget            *test_button;
  GtkWidget            *add_button;
  GtkWidget            *result_label;
  GPtrArray            *server_rows;
  char                 *test_result;
};

G_DEFINE_FINAL_TYPE (OcgPreferences, ocg_preferences, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  TESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void rebuild_servers (OcgPreferences *self);

static void
set_result (OcgPreferences *self,
            const char     *text,
            gboolean        ok)
{
  g_free (self->test_result);
  self->test_result = g_strdup (text);
  gtk_label_set_text (GTK_LABEL (self->result_label), text != NULL ? text : "");
  gtk_widget_set_visible (self->result_label, text != NULL);
  gtk_widget_remove_css_class (self->result_label, "error");
  gtk_widget_remove_css_class (self->result_label, "success");
  if (text != NULL)
    gtk_widget_add_css_class (self->result_label, ok ? "success" : "error");
}

static char *
describe_error (const GError *error)
{
  if (g_error_matches (error, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_UNAUTHORIZED))
    return g_strdup (_("The server refused the password"));
  if (g_error_matches (error, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_TLS))
    return g_strdup_printf (_("The secure connection failed: %s"), error->message);
  if (g_error_matches (error, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_UNREACHABLE) ||
      g_error_matches (error, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_REFUSED) ||
      g_error_matches (error, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_HOST_NOT_FOUND) ||
      g_error_matches (error, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_TIMED_OUT))
    return g_strdup_printf (_("The server cannot be reached: %s"), error->message);
  return g_strdup_printf (_("The server answered with an error: %s"), error->message);
}

static void
on_tested (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(OcgPreferences) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ocg_client_call_finish (OCG_CLIENT (source), result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->test_button, TRUE);

  if (node != NULL)
    {
      const char *version = JSON_NODE_HOLDS_OBJECT (node)
        ? ocg_json_get_string (json_node_get_object (node), "version") : NULL;
      g_autofree char *text = version != NULL
        ? g_strdup_printf (_("Connected to opencode %s"), version)
        : g_strdup (_("Connected"));

      set_result (self, text, TRUE);
    }
  else
    {
      g_autofree char *text = describe_error (error);

      set_result (self, text, FALSE);
    }
  g_signal_emit (self, signals[TESTED], 0);
}

/* Tries @url with @password and shows what happened */
void
ocg_preferences_test_server (OcgPreferences *self,
                             const char     *url,
                             const char     *password)
{
  g_autoptr(OcgClient) client = NULL;

  g_return_if_fail (OCG_IS_PREFERENCES (self));

  if (url == NULL || (!g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://")))
    {
      set_result (self, _("Enter an address that starts with http:// or https://"), FALSE);
      g_signal_emit (self, signals[TESTED], 0);
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  client = ocg_client_new (url, NULL, password, NULL);
  gtk_widget_set_sensitive (self->test_button, FALSE);
  set_result (self, _("Testing…"), TRUE);
  ocg_client_health_async (client, self->cancellable, on_tested, g_object_ref (self));
}

const char *
ocg_preferences_get_test_result (OcgPreferences *self)
{
  g_return_val_if_fail (OCG_IS_PREFERENCES (self), NULL);
  return self->test_result;
}

static char *
entered_url (OcgPreferences *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  gsize len = strlen (url);

  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';
  return g_steal_pointer (&url);
}

static void
on_test_clicked (GtkButton      *button,
                 OcgPreferences *self)
{
  g_autofree char *url = entered_url (self);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  ocg_preferences_test_server (self, url, *password != '\0' ? password : NULL);
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(OcgPreferences) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ocg_keyring_store_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The password could not be saved in the keyring: %s"),
                                               error->message);

      set_result (self, text, FALSE);
    }
}

static void
on_add_clicked (GtkButton      *button,
                OcgPreferences *self)
{
  g_autofree char *url = entered_url (self);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  g_auto(GStrv) servers = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  if (self->settings == NULL)
    return;
  if (!g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://"))
    {
      set_result (self, _("Enter an address that starts with http:// or https://"), FALSE);
      return;
    }

  servers = g_settings_get_strv (self->settings, "servers");
  for (guint i = 0; servers[i] != NULL; i++)
    if (g_strcmp0 (servers[i], url) != 0)
      g_strv_builder_add (builder, servers[i]);
  g_strv_builder_add (builder, url);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "servers", (const char * const *) updated);

  if (*password != '\0')
    ocg_keyring_store_async (url, password, NULL, on_stored, g_object_ref (self));
  /* The window's own server, with a new password: use it now */
  if (*password != '\0' && self->connection != NULL && !ocg_connection_is_embedded (self->connection) &&
      g_strcmp0 (ocg_connection_get_url (self->connection), url) == 0)
    ocg_connection_set_password (self->connection, password);

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  set_result (self, NULL, TRUE);
  rebuild_servers (self);
}

static void
on_window_password_stored (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(OcgPreferences) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ocg_keyring_store_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The password could not be saved in the keyring: %s"),
                                               error->message);
      g_autofree char *markup = g_markup_escape_text (text, -1);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (markup));
    }
}

/**
 * ocg_preferences_set_window_password:
 * @password: the new password of the window's server
 *
 * What the window's Password row does when applied: keeps the password in
 * the keyring and connects the window again with it.
 */
void
ocg_preferences_set_window_password (OcgPreferences *self,
                                     const char     *password)
{
  const char *url;

  g_return_if_fail (OCG_IS_PREFERENCES (self));
  g_return_if_fail (password != NULL);

  if (self->connection == NULL || ocg_connection_is_embedded (self->connection))
    return;
  url = ocg_connection_get_url (self->connection);
  ocg_connection_set_password (self->connection, *password != '\0' ? password : NULL);
  if (*password != '\0')
    ocg_keyring_store_async (url, password, NULL, on_window_password_stored, g_object_ref (self));
  else
    ocg_keyring_clear_async (url, NULL, NULL, NULL);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (_("Connecting with the new password…")));
}

static void
on_window_password_apply (AdwEntryRow    *row,
                          OcgPreferences *self)
{
  ocg_preferences_set_window_password (self, gtk_editable_get_text (GTK_EDITABLE (row)));
}

static void
on_default_toggled (GtkCheckButton *check,
                    OcgPreferences *self)
{
  if (gtk_check_button_get_active (check) && self->settings != NULL)
    g_settings_set_string (self->settings, "default-server", g_object_get_data (G_OBJECT (check), "url"));
}

static void
on_remove_clicked (GtkButton      *button,
                   OcgPreferences *self)
{
  const char *url = g_object_get_data (G_OBJECT (button), "url");
  g_auto(GStrv) servers = g_settings_get_strv (self->settings, "servers");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  g_autofree char *current = g_settings_get_string (self->settings, "default-server");

  for (guint i = 0; servers[i] != NULL; i++)
    if (g_strcmp0 (servers[i], url) != 0)
      g_strv_builder_add (builder, servers[i]);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "servers", (const char * const *) updated);
  if (g_strcmp0 (current, url) == 0)
    g_settings_set_string (self->settings, "default-server", "");
  ocg_keyring_clear_async (url, NULL, NULL, NULL);
  rebuild_servers (self);
}

/* libadwaita 1.2 leaves some of its own controls without a name a screen
 * reader can say: the search button and field, a password's peek button */
static void
name_inner_controls (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SEARCH_ENTRY (child))
        ocg_a11y_set_name (child, _("Search preferences"));
      else if (GTK_IS_BUTTON (child) && gtk_widget_get_ancestor (child, ADW_TYPE_PASSWORD_ENTRY_ROW) != NULL)
        ocg_a11y_set_name (child, _("Show Password"));
      else if (GTK_IS_TOGGLE_BUTTON (child) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (child)), "edit-find-symbolic") == 0)
        ocg_a11y_set_name (child, _("Search"));
      name_inner_controls (child);
    }
}

static GtkWidget *
server_row (OcgPreferences *self,
            const char     *url,
            const char     *title,
            const char     *subtitle,
            GtkWidget      *group_leader,
            gboolean        active)
{
  GtkWidget *row = adw_action_row_new ();
  /* One server of several: a radio button, also for screen readers */
  GtkWidget *check = g_object_new (GTK_TYPE_CHECK_BUTTON, "accessible-role", GTK_ACCESSIBLE_ROLE_RADIO, NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (group_leader != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), GTK_CHECK_BUTTON (group_leader));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), active);
  g_object_set_data_full (G_OBJECT (check), "url", g_strdup (url), g_free);
  g_signal_connect (check, "toggled", G_CALLBACK (on_default_toggled), self);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);

  if (*url != '\0')
    {
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      g_autofree char *name = NULL;

      gtk_widget_set_tooltip_text (remove, _("Remove"));
      /* Translators: the name of the button that removes the server at %s */
      name = g_strdup_printf (_("Remove %s"), url);
      ocg_a11y_set_name (remove, name);
      g_object_set_data_full (G_OBJECT (remove), "url", g_strdup (url), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
    }
  g_object_set_data (G_OBJECT (row), "check", check);
  return row;
}

static void
rebuild_servers (OcgPreferences *self)
{
  g_auto(GStrv) servers = NULL;
  g_autofree char *current = NULL;
  GtkWidget *leader;

  for (guint i = 0; i < self->server_rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->servers_group),
                                  g_ptr_array_index (self->server_rows, i));
  g_ptr_array_set_size (self->server_rows, 0);

  if (self->settings == NULL)
    return;

  servers = g_settings_get_strv (self->settings, "servers");
  current = g_settings_get_string (self->settings, "default-server");

  leader = server_row (self, "", _("This Computer"),
                       _("Opencode GTK starts an opencode server in each project folder"),
                       NULL, *current == '\0');
  g_ptr_array_add (self->server_rows, leader);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->servers_group), leader);
  for (guint i = 0; servers[i] != NULL; i++)
    {
      GtkWidget *row = server_row (self, servers[i], servers[i], NULL,
                                   g_object_get_data (G_OBJECT (leader), "check"),
                                   g_strcmp0 (current, servers[i]) == 0);

      g_ptr_array_add (self->server_rows, row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->servers_group), row);
    }
}

static void
on_color_scheme_changed (GtkDropDown *drop_down,
                         GParamSpec  *pspec,
                         gpointer     user_data)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK,
  };
  guint selected = gtk_drop_down_get_selected (drop_down);

  if (selected < G_N_ELEMENTS (schemes))
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), schemes[selected]);
}

static GtkWidget *
info_row (const char *title,
          const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value != NULL ? value : _("None"));
  return row;
}

static void
ocg_preferences_dispose (GObject *object)
{
  OcgPreferences *self = OCG_PREFERENCES (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->server_rows, g_ptr_array_unref);
  g_clear_pointer (&self->test_result, g_free);

  G_OBJECT_CLASS (ocg_preferences_parent_class)->dispose (object);
}

static void
ocg_preferences_class_init (OcgPreferencesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ocg_preferences_dispose;

  /* A server test finished; ocg_preferences_get_test_result() says how */
  signals[TESTED] =
    g_signal_new ("tested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
ocg_preferences_init (OcgPreferences *self)
{
  self->server_rows = g_ptr_array_new ();
}

GtkWidget *
ocg_preferences_new (GSettings     *settings,
                     OcgConnection *connection)
{
  OcgPreferences *self = g_object_new (OCG_TYPE_PREFERENCES, NULL);
  GtkWidget *page, *group, *row, *drop_down, *buttons;
  static const char *schemes[] = { N_("Follow System"), N_("Light"), N_("Dark"), NULL };
  const char *translated[4];
  AdwColorScheme current = adw_style_manager_get_color_scheme (adw_style_manager_get_default ());

  self->settings = settings != NULL ? g_object_ref (settings) : NULL;
  self->connection = connection != NULL ? g_object_ref (connection) : NULL;
  for (guint i = 0; i < 4; i++)
    translated[i] = schemes[i] != NULL ? _(schemes[i]) : NULL;

  /* General */
  page = adw_preferences_page_new ();
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("General"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "preferences-system-symbolic");
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Appearance"));
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Style"));
  drop_down = gtk_drop_down_new_from_strings (translated);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (drop_down),
                              current == ADW_COLOR_SCHEME_FORCE_LIGHT ? 1 : current == ADW_COLOR_SCHEME_FORCE_DARK ? 2 : 0);
  gtk_widget_set_valign (drop_down, GTK_ALIGN_CENTER);
  ocg_a11y_set_name (drop_down, _("Style"));
  /* And the button inside it, which screen readers reach too */
  if (GTK_IS_BUTTON (gtk_widget_get_first_child (drop_down)))
    ocg_a11y_set_name (gtk_widget_get_first_child (drop_down), _("Style"));
  g_signal_connect (drop_down, "notify::selected", G_CALLBACK (on_color_scheme_changed), NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), drop_down);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  if (settings != NULL)
    {
      GtkWidget *toggle = gtk_switch_new ();

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Show the steps of finished turns"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Otherwise a finished turn shows a one-line summary"));
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      g_settings_bind (settings, "timeline-expanded", toggle, "active", G_SETTINGS_BIND_DEFAULT);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  if (connection != NULL)
    {
      group = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("This Window"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 info_row (_("Server"), ocg_connection_get_url (connection)));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 info_row (_("Started by Opencode GTK"),
                                           ocg_connection_is_embedded (connection) ? _("Yes") : _("No")));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 info_row (_("Project folder"), ocg_connection_get_directory (connection)));
      if (!ocg_connection_is_embedded (connection))
        {
          /* A wrong password is fixed here, and the window connects again */
          row = adw_password_entry_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Password"));
          adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
          g_signal_connect (row, "apply", G_CALLBACK (on_window_password_apply), self);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
    }
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));

  /* Servers */
  page = adw_preferences_page_new ();
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Servers"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "network-server-symbolic");

  self->servers_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->servers_group), _("Default Server"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->servers_group),
                                         _("New windows use this server; a window that is open keeps its own"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (self->servers_group));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Add a Server"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("A server started with “opencode serve”; the password is kept in the keyring"));
  self->url_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->url_row), _("Address, e.g. http://192.0.2.10:4096"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->url_row);
  self->password_row = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row), _("Password (optional)"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->password_row);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_top (buttons, 12);
  self->result_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->result_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->result_label), 0);
  gtk_widget_set_hexpand (self->result_label, TRUE);
  gtk_label_set_selectable (GTK_LABEL (self->result_label), TRUE);
  gtk_widget_set_visible (self->result_label, FALSE);
  gtk_box_append (GTK_BOX (buttons), self->result_label);
  self->test_button = ocg_a11y_button_new_with_mnemonic (_("_Test"));
  g_signal_connect (self->test_button, "clicked", G_CALLBACK (on_test_clicked), self);
  gtk_box_append (GTK_BOX (buttons), self->test_button);
  self->add_button = ocg_a11y_button_new_with_mnemonic (_("_Add"));
  gtk_widget_add_css_class (self->add_button, "suggested-action");
  gtk_widget_set_sensitive (self->add_button, settings != NULL);
  g_signal_connect (self->add_button, "clicked", G_CALLBACK (on_add_clicked), self);
  gtk_box_append (GTK_BOX (buttons), self->add_button);
  gtk_widget_set_valign (self->test_button, GTK_ALIGN_START);
  gtk_widget_set_valign (self->add_button, GTK_ALIGN_START);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), buttons);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));
  rebuild_servers (self);
  name_inner_controls (GTK_WIDGET (self));
  return GTK_WIDGET (self);
}
