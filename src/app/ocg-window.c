/* ocg-window.c
 *
 * One window per project: the sessions on the left, the open ones on the
 * right, folding into one pane on a narrow window. The window is a shell:
 * each open session is an OcgSessionPage, in a tab (AdwTabView) or in the
 * pane to the right of the tabs, and the window follows the active one (the
 * selected tab's, or the right pane's while the focus is there) for its
 * title, the sidebar's selection, its header menu and its shortcuts. It
 * follows the connection's state in its header (and a banner when something
 * is wrong), but never empties a transcript while reconnecting: the store
 * keeps what is known and the sync corrects it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ocg-a11y.h"
#include "ocg-chat-view.h"
#include "ocg-composer.h"
#include "ocg-ids.h"
#include "ocg-json.h"
#include "ocg-prompt-dock.h"
#include "ocg-session-page.h"
#include "ocg-sidebar.h"
#include "ocg-text.h"
#include "ocg-window.h"

struct _OcgWindow
{
  AdwApplicationWindow  parent_instance;

  OcgConnection        *connection;
  OcgStore             *store;
  GHashTable           *was_busy;      /* session ids that were busy, for notifications */
  GSettings            *settings;      /* NULL without an installed schema */
  gboolean              restoring;     /* the tabs of last time are being opened */
  guint                 countdown_id;

  /* Template widgets */
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar_box;
  GtkWidget            *sidebar_handle;
  GtkWidget            *content_box;
  int                   drag_start_width;
  AdwWindowTitle       *window_title;
  AdwWindowTitle       *sidebar_title;
  GtkWidget            *back_button;
  GtkWidget            *session_menu_button;
  GtkWidget            *connection_box;
  GtkWidget            *connection_spinner;
  GtkWidget            *connection_icon;
  GtkWidget            *connection_label;
  GtkRevealer          *banner;
  GtkWidget            *banner_label;
  GtkWidget            *banner_button;
  GtkStack             *content_stack;
  gint64                page_since;    /* when its page last changed */
  AdwStatusPage        *status_page;
  GtkWidget            *status_button;
  GtkWidget            *chat_box;
  AdwTabView           *tab_view;
  AdwTabBar            *tab_bar;
  GtkWidget            *tabs_box;
  GtkWidget            *split_box;
  GtkLabel             *split_title;
  OcgSessionPage       *split_page;    /* the right pane's, when there is one */
  AdwStatusPage        *unreachable_page;
  GtkLabel             *unreachable_address;
  GtkLabel             *unreachable_countdown;
  GtkWidget            *unreachable_retry;
  GtkWidget            *unreachable_preferences;

  /* Made in code: they need the store */
  GtkWidget            *sidebar;
  OcgSessionPage       *page;          /* the active one: the selected tab's, or the right
                                        * pane's while the focus is there (NULL while
                                        * the window goes) */
  GSignalGroup         *page_signals;
};

G_DEFINE_FINAL_TYPE (OcgWindow, ocg_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_connection (OcgWindow *self);
static void save_tabs         (OcgWindow *self);

static void
toast (OcgWindow  *self,
       const char *message)
{
  /* Failures show in the banner, with the connection's */
  gtk_label_set_text (GTK_LABEL (self->banner_label), message);
  gtk_widget_set_visible (self->banner_button, FALSE);
  gtk_revealer_set_reveal_child (self->banner, TRUE);
}

static const char *
project_name (OcgWindow *self)
{
  const char *directory = ocg_connection_get_directory (self->connection);

  return directory != NULL ? directory : ocg_connection_get_url (self->connection);
}

static void
update_title (OcgWindow *self)
{
  g_autofree char *base = NULL;
  const char *project = project_name (self);

  if (project != NULL && g_path_is_absolute (project))
    base = g_path_get_basename (project);
  else
    base = g_strdup (project);

  adw_window_title_set_title (self->window_title, self->page != NULL ? ocg_session_page_get_title (self->page) : "");
  adw_window_title_set_subtitle (self->window_title, base != NULL ? base : "");
  adw_window_title_set_subtitle (self->sidebar_title, base != NULL ? base : "");
  {
    g_autofree char *window_title = base != NULL
      ? g_strdup_printf ("%s — %s", base, _("Opencode GTK"))
      : g_strdup (_("Opencode GTK"));

    gtk_window_set_title (GTK_WINDOW (self), window_title);
  }
}

static const char *
session_id (OcgWindow *self)
{
  return self->page != NULL ? ocg_session_page_get_session (self->page) : NULL;
}

/* A page that was up for less than this goes without a fade */
#define PAGE_FLASH_US (400 * G_TIME_SPAN_MILLISECOND)

/* Shows the content page @name. A page shown only a moment ago (the
 * status while the first connection is made, say) is left at once: a
 * crossfade would show it longer than it was up, and costs full-window
 * frames while a session is being opened. */
static void
show_page (OcgWindow  *self,
           const char *name)
{
  gint64 now = g_get_monotonic_time ();

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), name) == 0)
    return;
  gtk_stack_set_visible_child_full (self->content_stack, name,
                                    now - self->page_since < PAGE_FLASH_US ? GTK_STACK_TRANSITION_TYPE_NONE
                                                                          : GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  self->page_since = now;
}

static void
show_content (OcgWindow *self)
{
  show_page (self, "chat");
}

/* The page's session changed: what the window shows of it follows */
static void
on_page_session_changed (OcgWindow *self)
{
  const char *id = session_id (self);

  ocg_sidebar_select (OCG_SIDEBAR (self->sidebar), id);
  gtk_widget_set_sensitive (self->session_menu_button, id != NULL);
  update_title (self);
  update_connection (self);
  save_tabs (self);
}

/* Tabs: each holds a session page */

static OcgSessionPage *
page_of (AdwTabPage *tab)
{
  return OCG_SESSION_PAGE (adw_tab_page_get_child (tab));
}

static AdwTabPage *
find_tab (OcgWindow  *self,
          const char *session_id)
{
  for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
    {
      AdwTabPage *tab = adw_tab_view_get_nth_page (self->tab_view, i);

      if (g_strcmp0 (ocg_session_page_get_session (page_of (tab)), session_id) == 0)
        return tab;
    }
  return NULL;
}

/* A tab not looked at is marked when its turn ends, or when its session (or
 * a subagent of it) waits for the user or failed */
static void
mark_unseen (OcgWindow  *self,
             AdwTabPage *tab)
{
  if (tab != NULL && !adw_tab_page_get_selected (tab))
    adw_tab_page_set_needs_attention (tab, TRUE);
}

static void
on_page_busy (OcgSessionPage *page,
              GParamSpec     *pspec,
              OcgWindow      *self)
{
  if (!ocg_session_page_get_busy (page))
    mark_unseen (self, adw_tab_view_get_page (self->tab_view, GTK_WIDGET (page)));
}

static AdwTabPage *
add_tab (OcgWindow  *self,
         const char *session_id,
         gboolean    select)
{
  GtkWidget *page = ocg_session_page_new (self->connection);
  AdwTabPage *tab;

  gtk_widget_set_vexpand (page, TRUE);
  tab = adw_tab_view_append (self->tab_view, page);
  g_object_bind_property (page, "title", tab, "title", G_BINDING_SYNC_CREATE);
  g_object_bind_property (page, "busy", tab, "loading", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (page, "failed", G_CALLBACK (toast), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "notify::busy", G_CALLBACK (on_page_busy), self, 0);
  if (self->settings != NULL)
    /* Finished turns show their steps or a summary, as the user prefers */
    g_settings_bind (self->settings, "timeline-expanded", page, "expand-finished", G_SETTINGS_BIND_GET);
  ocg_session_page_set_session (OCG_SESSION_PAGE (page), session_id);
  if (select)
    adw_tab_view_set_selected_page (self->tab_view, tab);
  return tab;
}

/* The tabs of a project window are kept for the next start: the sessions
 * they show, and which one is in front. The other projects' are left as
 * they are, at most MAX_PROJECTS of them. */
#define MAX_PROJECTS 50

static void
save_tabs (OcgWindow *self)
{
  const char *project = project_name (self);
  g_autoptr(GVariant) old = NULL;
  GVariantBuilder builder, ids;
  GVariantIter iter;
  const char *key;
  GVariant *value;
  guint kept = 0;
  AdwTabPage *selected;

  if (self->settings == NULL || project == NULL || self->restoring || self->tab_view == NULL)
    return;

  g_variant_builder_init (&ids, G_VARIANT_TYPE ("as"));
  for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
    {
      const char *id = ocg_session_page_get_session (page_of (adw_tab_view_get_nth_page (self->tab_view, i)));

      g_variant_builder_add (&ids, "s", id != NULL ? id : "");
    }
  selected = adw_tab_view_get_selected_page (self->tab_view);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(asis)}"));
  g_variant_builder_add (&builder, "{s(asis)}", project, &ids,
                         selected != NULL ? adw_tab_view_get_page_position (self->tab_view, selected) : 0,
                         self->split_page != NULL && ocg_session_page_get_session (self->split_page) != NULL
                           ? ocg_session_page_get_session (self->split_page) : "");
  old = g_settings_get_value (self->settings, "open-tabs");
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&s@(asis)}", &key, &value))
    {
      if (strcmp (key, project) != 0 && kept++ < MAX_PROJECTS - 1)
        g_variant_builder_add (&builder, "{s@(asis)}", key, value);
      g_variant_unref (value);
    }
  g_settings_set_value (self->settings, "open-tabs", g_variant_builder_end (&builder));
}

static void
restore_tabs (OcgWindow *self)
{
  const char *project = project_name (self);
  g_autoptr(GVariant) all = NULL;
  g_autoptr(GVariant) ids = NULL;
  int selected = 0;
  const char *split = NULL;

  if (self->settings == NULL || project == NULL ||
      !g_variant_lookup ((all = g_settings_get_value (self->settings, "open-tabs")), project, "(@asi&s)", &ids, &selected, &split))
    {
      self->restoring = FALSE;
      return;
    }

  for (gsize i = 0; i < g_variant_n_children (ids); i++)
    {
      const char *id;

      g_variant_get_child (ids, i, "&s", &id);
      if (i == 0)
        ocg_session_page_set_session (self->page, *id != '\0' ? id : NULL);
      else
        add_tab (self, *id != '\0' ? id : NULL, FALSE);
    }
  if (selected >= 0 && selected < adw_tab_view_get_n_pages (self->tab_view))
    adw_tab_view_set_selected_page (self->tab_view, adw_tab_view_get_nth_page (self->tab_view, selected));
  if (split != NULL && *split != '\0')
    ocg_window_open_to_right (self, split);
  self->restoring = FALSE;
}

/* The tab bar shows with two tabs or more. Not AdwTabBar's autohide: a
 * hidden bar of libadwaita 1.2 stays in the accessibility tree, with
 * unnamed parts */
static void
on_n_pages_changed (OcgWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->tab_bar), adw_tab_view_get_n_pages (self->tab_view) > 1);
  save_tabs (self);
}

/* The window follows the selected tab: its title, its session in the
 * sidebar, its actions for the header menu and the shortcuts */
static void
set_active_page (OcgWindow      *self,
                 OcgSessionPage *page)
{
  if (self->page == page)
    return;
  self->page = page;
  g_signal_group_set_target (self->page_signals, page);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "session",
                                  page != NULL ? ocg_session_page_get_actions (page) : NULL);
  if (page != NULL)
    on_page_session_changed (self);
}

static void
on_selected_page_changed (OcgWindow *self)
{
  AdwTabPage *tab = adw_tab_view_get_selected_page (self->tab_view);

  /* The window follows it (set_active_page() says so) */
  set_active_page (self, tab != NULL ? page_of (tab) : NULL);
  if (tab != NULL)
    adw_tab_page_set_needs_attention (tab, FALSE);
}

/* The split: a second session in a pane to the right, live as the tabs
 * are. The window's title, header menu and shortcuts follow the pane
 * the focus is in. */

static void
on_tabs_focus (OcgWindow *self)
{
  AdwTabPage *tab = adw_tab_view_get_selected_page (self->tab_view);

  if (tab != NULL)
    set_active_page (self, page_of (tab));
}

static void
on_split_focus (OcgWindow *self)
{
  if (self->split_page != NULL)
    set_active_page (self, self->split_page);
}

static void
close_split (OcgWindow *self)
{
  GtkWidget *page = GTK_WIDGET (self->split_page);

  if (page == NULL)
    return;
  self->split_page = NULL;
  if (self->page == OCG_SESSION_PAGE (page))
    on_tabs_focus (self);
  gtk_box_remove (GTK_BOX (self->split_box), page);
  gtk_widget_set_visible (self->split_box, FALSE);
  save_tabs (self);
  if (self->page != NULL)
    ocg_session_page_focus_composer (self->page);
}

/* Shows @session_id (NULL: a new session) in the pane to the right, made
 * when there is none */
void
ocg_window_open_to_right (OcgWindow  *self,
                          const char *session_id)
{
  g_return_if_fail (OCG_IS_WINDOW (self));

  if (self->split_page == NULL)
    {
      GtkWidget *page = ocg_session_page_new (self->connection);
      int width = gtk_widget_get_width (self->chat_box);

      gtk_widget_set_vexpand (page, TRUE);
      self->split_page = OCG_SESSION_PAGE (page);
      g_object_bind_property (page, "title", self->split_title, "label", G_BINDING_SYNC_CREATE);
      g_signal_connect_object (page, "failed", G_CALLBACK (toast), self, G_CONNECT_SWAPPED);
      if (self->settings != NULL)
        g_settings_bind (self->settings, "timeline-expanded", page, "expand-finished", G_SETTINGS_BIND_GET);
      gtk_box_append (GTK_BOX (self->split_box), page);
      gtk_widget_set_visible (self->split_box, TRUE);
      if (width > 0)
        gtk_paned_set_position (GTK_PANED (self->chat_box), width / 2);
    }
  ocg_session_page_set_session (self->split_page, session_id);
  show_content (self);
  if (!self->restoring)
    {
      ocg_session_page_focus_composer (self->split_page);
      set_active_page (self, self->split_page);
    }
  save_tabs (self);
}

GtkWidget *
ocg_window_get_split_page (OcgWindow *self)
{
  g_return_val_if_fail (OCG_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->split_page);
}

/* The last tab is not closed: it becomes a new session */
static gboolean
on_close_page (OcgWindow  *self,
               AdwTabPage *tab)
{
  gboolean last = adw_tab_view_get_n_pages (self->tab_view) == 1;

  adw_tab_view_close_page_finish (self->tab_view, tab, !last);
  if (last)
    {
      ocg_session_page_set_session (page_of (tab), NULL);
      on_page_session_changed (self);
    }
  return GDK_EVENT_STOP;
}

void
ocg_window_open_session (OcgWindow  *self,
                         const char *session_id)
{
  AdwTabPage *tab;

  g_return_if_fail (OCG_IS_WINDOW (self));

  /* A session open in a tab already is shown there; another replaces the
   * selected tab's, as a link followed in a browser does */
  if (session_id != NULL && (tab = find_tab (self, session_id)) != NULL)
    adw_tab_view_set_selected_page (self->tab_view, tab);
  else
    ocg_session_page_set_session (self->page, session_id);
  if (session_id != NULL)
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  on_page_session_changed (self);
}

/* Whether @page is a new session with nothing written yet: what a new tab
 * shows, which the next session opened takes over */
static gboolean
page_is_blank (OcgSessionPage *page)
{
  g_autofree char *draft = NULL;

  if (page == NULL || ocg_session_page_get_session (page) != NULL)
    return FALSE;
  draft = ocg_composer_get_text (OCG_COMPOSER (ocg_session_page_get_composer (page)));
  return draft == NULL || *draft == '\0';
}

/* Opens @session_id in a tab of its own, beside the others (or in the tab
 * in front, when it is blank) */
void
ocg_window_open_session_in_tab (OcgWindow  *self,
                                const char *session_id)
{
  AdwTabPage *tab;

  g_return_if_fail (OCG_IS_WINDOW (self));

  tab = session_id != NULL ? find_tab (self, session_id) : NULL;
  if (tab == NULL && session_id != NULL && page_is_blank (self->page))
    {
      ocg_session_page_set_session (self->page, session_id);
      tab = adw_tab_view_get_page (self->tab_view, GTK_WIDGET (self->page));
    }
  if (tab == NULL)
    tab = add_tab (self, session_id, TRUE);
  adw_tab_view_set_selected_page (self->tab_view, tab);
  show_content (self);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

AdwTabView *
ocg_window_get_tab_view (OcgWindow *self)
{
  g_return_val_if_fail (OCG_IS_WINDOW (self), NULL);
  return self->tab_view;
}

const char *
ocg_window_get_session (OcgWindow *self)
{
  g_return_val_if_fail (OCG_IS_WINDOW (self), NULL);
  return session_id (self);
}

static void
on_sidebar_selected (OcgSidebar *sidebar,
                     const char *session_id,
                     OcgWindow  *self)
{
  ocg_window_open_session (self, session_id);
}

/* Connection state */

/* The page shown instead of an empty project while the server cannot be
 * reached: why, in plain words, where, when the next try is, and Retry */

static char *
describe_failure (OcgWindow    *self,
                  const GError *error)
{
  if (error != NULL && error->domain == OCG_CLIENT_ERROR)
    switch ((OcgClientError) error->code)
      {
      case OCG_CLIENT_ERROR_REFUSED:
        return g_strdup (_("The server refused the connection"));
      case OCG_CLIENT_ERROR_HOST_NOT_FOUND:
        return g_strdup (_("The server’s name could not be found"));
      case OCG_CLIENT_ERROR_TLS:
        return g_strdup (_("The secure connection failed"));
      case OCG_CLIENT_ERROR_TIMED_OUT:
        /* Translators: %u is a number of seconds */
        return g_strdup_printf (_("The server did not answer in %u s"), ocg_connection_get_timeout (self->connection));
      case OCG_CLIENT_ERROR_UNAUTHORIZED:
        return g_strdup (_("The server refused the password"));
      case OCG_CLIENT_ERROR_INVALID_RESPONSE:
        return g_strdup (_("The server sent an answer that could not be read"));
      case OCG_CLIENT_ERROR_UNREACHABLE:
        return g_strdup (_("The server cannot be reached"));
      case OCG_CLIENT_ERROR_NOT_FOUND:
      case OCG_CLIENT_ERROR_BAD_REQUEST:
      case OCG_CLIENT_ERROR_SERVER:
      default:
        break;
      }
  return g_strdup (error != NULL ? error->message : _("The server cannot be reached"));
}

static gboolean
show_unreachable_page (OcgWindow          *self,
                       OcgConnectionState  state)
{
  const GError *error = ocg_connection_get_failure (self->connection);
  const char *url = ocg_connection_get_url (self->connection);
  gboolean password = g_error_matches (error, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_UNAUTHORIZED);
  g_autofree char *reason = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *countdown = NULL;

  /* An open session stays on screen, with the banner */
  if (session_id (self) != NULL || error == NULL ||
      (state != OCG_CONNECTION_RECONNECTING && state != OCG_CONNECTION_FAILED))
    return FALSE;

  reason = describe_failure (self, error);
  markup = g_markup_escape_text (reason, -1);
  adw_status_page_set_description (self->unreachable_page, markup);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->unreachable_page), error->message);
  gtk_label_set_text (self->unreachable_address, url != NULL ? url : "");
  gtk_widget_set_visible (GTK_WIDGET (self->unreachable_address), url != NULL);

  if (state == OCG_CONNECTION_RECONNECTING)
    {
      gint64 left = (ocg_connection_get_reconnect_time (self->connection) - g_get_monotonic_time ()) / G_USEC_PER_SEC;

      countdown = left > 0
        /* Translators: %d is a number of seconds */
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Next try in %d second", "Next try in %d seconds", (gulong) left), (int) left)
        : g_strdup (_("Trying again…"));
    }
  gtk_label_set_text (self->unreachable_countdown, countdown != NULL ? countdown : "");
  gtk_widget_set_visible (GTK_WIDGET (self->unreachable_countdown), countdown != NULL);

  /* A wrong password is fixed in Preferences; trying again alone would not help */
  gtk_widget_set_visible (self->unreachable_preferences, password);
  if (password)
    {
      gtk_widget_remove_css_class (self->unreachable_retry, "suggested-action");
      gtk_widget_add_css_class (self->unreachable_preferences, "suggested-action");
    }
  else
    {
      gtk_widget_add_css_class (self->unreachable_retry, "suggested-action");
      gtk_widget_remove_css_class (self->unreachable_preferences, "suggested-action");
    }

  show_page (self, "unreachable");
  return TRUE;
}

/* Reconnecting: at once when there is reason to think the server is back,
 * and after short waits while someone looks */

#define VISIBLE_DELAY_CAP_MS 5000

static void
update_delay_cap (OcgWindow *self)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self));
  gboolean seen;

  if (self->connection == NULL)
    return;
  seen = gtk_widget_get_mapped (GTK_WIDGET (self)) &&
                  GDK_IS_TOPLEVEL (surface) &&
                  !(gdk_toplevel_get_state (GDK_TOPLEVEL (surface)) & GDK_TOPLEVEL_STATE_MINIMIZED);

  ocg_connection_set_delay_cap (self->connection, seen ? VISIBLE_DELAY_CAP_MS : 0);
}

static void
on_mapped (OcgWindow *self)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self));

  g_signal_handlers_disconnect_by_func (surface, update_delay_cap, self);
  g_signal_connect_object (surface, "notify::state", G_CALLBACK (update_delay_cap), self, G_CONNECT_SWAPPED);
  update_delay_cap (self);
}

static void
on_unmapped (OcgWindow *self)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self));

  if (surface != NULL)
    g_signal_handlers_disconnect_by_func (surface, update_delay_cap, self);
  update_delay_cap (self);
}

/* The user is back: a connection that is down or has gone quiet is tried
 * at once */
static void
on_active_changed (OcgWindow *self)
{
  if (self->connection != NULL && gtk_window_is_active (GTK_WINDOW (self)))
    ocg_connection_reconnect_if_quiet (self->connection, OCG_CONNECTION_SUSPECT_SILENCE);
}

static gboolean
on_countdown (gpointer user_data)
{
  update_connection (user_data);
  return G_SOURCE_CONTINUE;
}

static void
update_connection (OcgWindow *self)
{
  OcgConnectionState state = ocg_connection_get_state (self->connection);
  const char *error = ocg_connection_get_error (self->connection);
  g_autofree char *label = NULL;
  const char *icon = NULL;
  gboolean spinning = FALSE, banner = FALSE, retry = FALSE, countdown = FALSE;
  const char *status_title = NULL, *status_icon = "network-server-symbolic";
  g_autofree char *status_description = NULL;

  switch (state)
    {
    case OCG_CONNECTION_CONNECTED:
      icon = "network-transmit-receive-symbolic";
      label = g_strdup (_("Connected"));
      break;
    case OCG_CONNECTION_STARTING_SERVER:
      spinning = TRUE;
      label = g_strdup (_("Starting opencode…"));
      status_title = _("Starting opencode");
      status_description = g_strdup (project_name (self));
      break;
    case OCG_CONNECTION_CONNECTING:
    case OCG_CONNECTION_IDLE:
      spinning = TRUE;
      label = g_strdup (_("Connecting…"));
      status_title = _("Connecting");
      status_description = g_strdup (ocg_connection_get_url (self->connection));
      break;
    case OCG_CONNECTION_RECONNECTING:
      {
        gint64 left = (ocg_connection_get_reconnect_time (self->connection) - g_get_monotonic_time ()) / G_USEC_PER_SEC;

        spinning = TRUE;
        countdown = TRUE;
        banner = TRUE;
        retry = TRUE;
        label = left > 0
          /* Translators: the connection was lost; %d is a number of seconds */
          ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reconnecting in %d second…", "Reconnecting in %d seconds…", (gulong) left), (int) left)
          : g_strdup (_("Reconnecting…"));
      }
      break;
    case OCG_CONNECTION_FAILED:
      icon = "network-error-symbolic";
      label = g_strdup (_("Not connected"));
      banner = TRUE;
      retry = TRUE;
      status_title = _("Cannot Connect");
      status_icon = "network-error-symbolic";
      status_description = g_strdup (error);
      break;
    case OCG_CONNECTION_SERVER_MISSING:
    default:
      icon = "dialog-warning-symbolic";
      label = g_strdup (_("No server"));
      status_title = _("opencode Is Not Installed");
      status_icon = "system-software-install-symbolic";
      status_description = g_strdup (_("Opencode GTK runs the opencode server for you. Install it with "
                                        "“npm install -g opencode-ai”, or see opencode.ai, then try again."));
      break;
    }

  gtk_spinner_set_spinning (GTK_SPINNER (self->connection_spinner), spinning);
  gtk_widget_set_visible (self->connection_spinner, spinning);
  gtk_widget_set_visible (self->connection_icon, icon != NULL);
  if (icon != NULL)
    gtk_image_set_from_icon_name (GTK_IMAGE (self->connection_icon), icon);
  gtk_label_set_text (GTK_LABEL (self->connection_label), label);
  gtk_widget_set_tooltip_text (self->connection_box, error);
  if (state == OCG_CONNECTION_CONNECTED)
    gtk_widget_add_css_class (self->connection_box, "connected");
  else
    gtk_widget_remove_css_class (self->connection_box, "connected");

  if (banner)
    {
      g_autofree char *text = error != NULL
        ? g_strdup_printf ("%s: %s", label, error)
        : g_strdup (label);

      gtk_label_set_text (GTK_LABEL (self->banner_label), text);
      gtk_widget_set_visible (self->banner_button, retry);
    }
  gtk_revealer_set_reveal_child (self->banner, banner && session_id (self) != NULL);

  ocg_sidebar_set_offline (OCG_SIDEBAR (self->sidebar), state != OCG_CONNECTION_CONNECTED);

  /* Without a session to show, the page says what is going on */
  if (show_unreachable_page (self, state))
    ;
  else if (session_id (self) == NULL && state != OCG_CONNECTION_CONNECTED && status_title != NULL)
    {
      adw_status_page_set_title (self->status_page, status_title);
      adw_status_page_set_icon_name (self->status_page, status_icon);
      adw_status_page_set_description (self->status_page, status_description);
      gtk_widget_set_visible (self->status_button, retry || state == OCG_CONNECTION_SERVER_MISSING);
      gtk_button_set_label (GTK_BUTTON (self->status_button), _("_Try Again"));
      gtk_button_set_use_underline (GTK_BUTTON (self->status_button), TRUE);
      ocg_a11y_fix_mnemonic (self->status_button);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->status_button), "win.retry-connection");
      show_page (self, "status");
    }
  else
    show_content (self);

  if (countdown && self->countdown_id == 0)
    self->countdown_id = g_timeout_add (500, on_countdown, self);
  else if (!countdown)
    g_clear_handle_id (&self->countdown_id, g_source_remove);
}

static void
on_connection_notify (OcgConnection *connection,
                      GParamSpec    *pspec,
                      OcgWindow     *self)
{
  OcgSync *sync = ocg_connection_get_sync (connection);

  /* How many sessions no tab shows keep their messages */
  if (sync != NULL && self->settings != NULL)
    ocg_sync_set_keep (sync, (guint) MAX (0, g_settings_get_int (self->settings, "kept-sessions")));
  update_connection (self);
}

/* Actions */

static void
new_session_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  OcgWindow *self = OCG_WINDOW (widget);

  /* A new session is made on the server with the first message */
  ocg_window_open_session (self, NULL);
  show_content (self);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  ocg_session_page_focus_composer (self->page);
}

static void
new_tab_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  OcgWindow *self = OCG_WINDOW (widget);

  ocg_window_open_session_in_tab (self, NULL);
  ocg_session_page_focus_composer (self->page);
}

static void
close_tab_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  OcgWindow *self = OCG_WINDOW (widget);
  AdwTabPage *tab = adw_tab_view_get_selected_page (self->tab_view);

  /* In the right pane, it is that pane that closes */
  if (self->split_page != NULL && self->page == self->split_page)
    close_split (self);
  else if (tab != NULL)
    adw_tab_view_close_page (self->tab_view, tab);
}

/* Ctrl+\: the session in front, to the right as well; again, back to one */
static void
split_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  OcgWindow *self = OCG_WINDOW (widget);

  if (self->split_page != NULL)
    close_split (self);
  else
    ocg_window_open_to_right (self, session_id (self));
}

static void
close_split_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  close_split (OCG_WINDOW (widget));
}

static void
open_to_right_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  const char *id = g_variant_get_string (parameter, NULL);

  ocg_window_open_to_right (OCG_WINDOW (widget), *id != '\0' ? id : NULL);
}

/* A sidebar row's middle click */
static void
open_in_new_tab_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  const char *session_id = g_variant_get_string (parameter, NULL);

  if (*session_id != '\0')
    ocg_window_open_session_in_tab (OCG_WINDOW (widget), session_id);
}

/* The sidebar nears its end: the sessions after those paged in */
static void
more_sessions_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  OcgSync *sync = ocg_connection_get_sync (OCG_WINDOW (widget)->connection);

  if (sync != NULL)
    ocg_sync_load_more_sessions (sync);
}

/* The sidebar's search: the server searches the sessions not paged in */
static void
search_sessions_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  OcgSync *sync = ocg_connection_get_sync (OCG_WINDOW (widget)->connection);

  if (sync != NULL)
    ocg_sync_search_sessions (sync, g_variant_get_string (parameter, NULL));
}

/* The keyboard shortcuts window, built each time it is asked for: it is
 * large, and seldom opened */
static void
shortcuts_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/opencodegtk/OpencodeGtk/shortcuts.ui");
  GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));

  gtk_window_set_transient_for (shortcuts, GTK_WINDOW (widget));
  gtk_window_present (shortcuts);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OcgWindow *self = OCG_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  ocg_sidebar_focus_search (OCG_SIDEBAR (self->sidebar));
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ocg_connection_retry (OCG_WINDOW (widget)->connection);
}

/* The one place that hands a link to the desktop; links from answers reach
 * it through ocg_link_activate(), which asks first when it should */
static void
open_uri_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  gtk_show_uri (GTK_WINDOW (widget), g_variant_get_string (parameter, NULL), GDK_CURRENT_TIME);
}

static void
on_back_clicked (OcgWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
on_folded_changed (OcgWindow *self)
{
  if (!adw_leaflet_get_folded (self->leaflet))
    return;
  adw_leaflet_set_visible_child (self->leaflet,
                                 session_id (self) != NULL ? self->content_box : self->sidebar_box);
}

/* Notifications: when a turn ends, fails, or waits for the user while the
 * window is not in front */
static void
notify_user (OcgWindow  *self,
             const char *session_id,
             const char *kind,
             const char *title)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  OcgSession *session = ocg_store_lookup_session (self->store, session_id);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;
  g_autofree char *body = NULL;

  if (app == NULL || gtk_window_is_active (GTK_WINDOW (self)))
    return;

  body = session != NULL ? ocg_text_record_string (OCG_RECORD (session), "title") : NULL;
  notification = g_notification_new (title);
  g_notification_set_body (notification, body != NULL ? body : project_name (self));
  g_notification_set_default_action_and_target (notification, "app.open-session", "(ss)",
                                                ocg_connection_get_directory (self->connection) ?: "",
                                                session_id);
  id = g_strdup_printf ("%s-%s", kind, session_id);
  g_application_send_notification (app, id, notification);
}

/* A tab whose session (or a subagent of it) waits for the user or failed
 * is marked while another tab is in front */
static void
mark_tab_of (OcgWindow  *self,
             OcgStore   *store,
             const char *session_id,
             const char *what)
{
  OcgSession *session = ocg_store_lookup_session (store, session_id);
  const char *parent = session != NULL ? ocg_session_get_parent_id (session) : NULL;
  gboolean waiting = FALSE;

  if (g_str_equal (what, "permission") || g_str_equal (what, "question"))
    waiting = g_list_model_get_n_items (ocg_store_get_requests (store, g_str_equal (what, "permission")
                                                                       ? OCG_REQUEST_PERMISSION : OCG_REQUEST_QUESTION,
                                                                session_id)) > 0;
  else if (g_str_equal (what, "error"))
    waiting = ocg_store_get_error (store, session_id) != NULL;
  if (!waiting)
    return;
  mark_unseen (self, find_tab (self, session_id));
  if (parent != NULL)
    mark_unseen (self, find_tab (self, parent));
}

static void
on_session_data_changed (OcgStore   *store,
                         const char *session_id,
                         const char *what,
                         OcgWindow  *self)
{
  OcgSession *session = ocg_store_lookup_session (store, session_id);

  mark_tab_of (self, store, session_id, what);

  /* Subagents report through their parent */
  if (session != NULL && ocg_session_get_parent_id (session) != NULL)
    return;

  if (g_str_equal (what, "status"))
    {
      gboolean busy = ocg_store_get_status (store, session_id) != NULL;
      gboolean was = g_hash_table_contains (self->was_busy, session_id);

      if (busy && !was)
        g_hash_table_add (self->was_busy, g_strdup (session_id));
      else if (!busy && was)
        {
          g_hash_table_remove (self->was_busy, session_id);
          if (ocg_store_get_error (store, session_id) == NULL)
            notify_user (self, session_id, "done", _("The agent has finished"));
        }
    }
  else if (g_str_equal (what, "error") && ocg_store_get_error (store, session_id) != NULL)
    notify_user (self, session_id, "error", _("The agent stopped with an error"));
  else if (g_str_equal (what, "permission") || g_str_equal (what, "question"))
    {
      GListModel *requests = ocg_store_get_requests (store, g_str_equal (what, "permission") ? OCG_REQUEST_PERMISSION
                                                                                              : OCG_REQUEST_QUESTION,
                                                     session_id);

      if (g_list_model_get_n_items (requests) > 0)
        notify_user (self, session_id, what,
                     g_str_equal (what, "permission") ? _("The agent needs your permission")
                                                      : _("The agent asks you something"));
    }
}

static void
on_permission_in_child (OcgStore   *store,
                        const char *session_id,
                        const char *what,
                        OcgWindow  *self)
{
  OcgSession *session = ocg_store_lookup_session (store, session_id);
  const char *parent = session != NULL ? ocg_session_get_parent_id (session) : NULL;

  /* A subagent's request: tell the user about its root session */
  if (parent != NULL && (g_str_equal (what, "permission") || g_str_equal (what, "question")) &&
      g_list_model_get_n_items (ocg_store_get_requests (store, g_str_equal (what, "permission")
                                                               ? OCG_REQUEST_PERMISSION : OCG_REQUEST_QUESTION,
                                                        session_id)) > 0)
    notify_user (self, parent, what,
                 g_str_equal (what, "permission") ? _("The agent needs your permission")
                                                  : _("The agent asks you something"));
}

/* The sidebar's width: dragged by the line between the panes, kept */
#define SIDEBAR_MIN 220
#define SIDEBAR_MAX 560

static void
set_sidebar_width (OcgWindow *self,
                   int        width)
{
  gtk_widget_set_size_request (self->sidebar_box, CLAMP (width, SIDEBAR_MIN, SIDEBAR_MAX), -1);
}

static void
on_handle_drag_begin (GtkGestureDrag *gesture,
                      double          x,
                      double          y,
                      OcgWindow      *self)
{
  gtk_widget_get_size_request (self->sidebar_box, &self->drag_start_width, NULL);
}

static void
on_handle_drag_update (GtkGestureDrag *gesture,
                       double          dx,
                       double          dy,
                       OcgWindow      *self)
{
  set_sidebar_width (self, self->drag_start_width + (int) dx);
}

static void
on_handle_drag_end (GtkGestureDrag *gesture,
                    double          dx,
                    double          dy,
                    OcgWindow      *self)
{
  int width;

  gtk_widget_get_size_request (self->sidebar_box, &width, NULL);
  if (self->settings != NULL)
    g_settings_set_int (self->settings, "sidebar-width", width);
}

static gboolean
on_close_request (GtkWindow *window,
                  OcgWindow *self)
{
  int width, height;

  if (self->settings != NULL)
    {
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }
  return FALSE;
}

static void
ocg_window_dispose (GObject *object)
{
  OcgWindow *self = OCG_WINDOW (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->settings);
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (ocg_store_get_sessions (self->store), self);
  if (self->tab_view != NULL)
    g_signal_handlers_disconnect_by_data (self->tab_view, self);
  self->page = NULL;
  self->split_page = NULL;
  g_clear_object (&self->page_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), OCG_TYPE_WINDOW);
  g_clear_object (&self->connection);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ocg_window_parent_class)->dispose (object);
}

static void
ocg_window_finalize (GObject *object)
{
  OcgWindow *self = OCG_WINDOW (object);

  g_hash_table_unref (self->was_busy);

  G_OBJECT_CLASS (ocg_window_parent_class)->finalize (object);
}

/* F6 and Shift+F6 go from region to region, as in GNOME's apps: the
 * sidebar, the transcript, the prompts waiting for an answer, the composer.
 * A region is entered as Tab enters it, the sidebar at its list. */
static void
cycle_region_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  OcgWindow *self = OCG_WINDOW (widget);
  AdwTabPage *tab = adw_tab_view_get_selected_page (self->tab_view);
  OcgSessionPage *pages[] = { tab != NULL ? page_of (tab) : NULL, self->split_page };
  GtkWidget *regions[7] = { self->sidebar };
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  gboolean backward = g_str_equal (action_name, "win.previous-region");
  guint n = 1, current;

  /* The tab's, then the right pane's */
  for (guint p = 0; p < G_N_ELEMENTS (pages); p++)
    if (pages[p] != NULL)
      {
        regions[n++] = ocg_session_page_get_chat_view (pages[p]);
        regions[n++] = ocg_session_page_get_prompt_dock (pages[p]);
        regions[n++] = ocg_session_page_get_composer (pages[p]);
      }
  current = n;

  for (guint i = 0; i < n; i++)
    if (focus != NULL && (focus == regions[i] || gtk_widget_is_ancestor (focus, regions[i])))
      current = i;
  for (guint step = 1; step <= n; step++)
    {
      guint next = current == n
        ? (backward ? n - step : step - 1)
        : (backward ? current + n - step : current + step) % n;
      GtkWidget *region = regions[next];

      if (next == current)
        break;
      if (!gtk_widget_is_drawable (region) || !gtk_widget_is_sensitive (region))
        continue;
      if (gtk_widget_child_focus (region, GTK_DIR_TAB_FORWARD))
        {
          /* In the sidebar, on past the search field to the open session's
           * row, where Up and Down work; the field when there is none */
          if (region == self->sidebar)
            gtk_widget_child_focus (region, GTK_DIR_TAB_FORWARD);
          return;
        }
    }
}

/* The template's buttons with a mnemonic, named without its underscore */
static void
fix_mnemonics (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && gtk_button_get_use_underline (GTK_BUTTON (child)) &&
          gtk_button_get_label (GTK_BUTTON (child)) != NULL)
        ocg_a11y_fix_mnemonic (child);
      fix_mnemonics (child);
    }
}

static void
ocg_window_class_init (OcgWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ocg_window_dispose;
  object_class->finalize = ocg_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/opencodegtk/OpencodeGtk/ocg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, sidebar_box);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, sidebar_handle);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, session_menu_button);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, connection_box);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, connection_spinner);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, connection_icon);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, connection_label);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, banner_button);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, status_button);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, chat_box);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, tab_view);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, tab_bar);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, tabs_box);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, split_box);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, split_title);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, unreachable_page);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, unreachable_address);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, unreachable_countdown);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, unreachable_retry);
  gtk_widget_class_bind_template_child (widget_class, OcgWindow, unreachable_preferences);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_folded_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_selected_page_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_close_page);
  gtk_widget_class_bind_template_callback (widget_class, on_n_pages_changed);

  gtk_widget_class_install_action (widget_class, "win.new-session", NULL, new_session_action);
  gtk_widget_class_install_action (widget_class, "win.new-tab", NULL, new_tab_action);
  gtk_widget_class_install_action (widget_class, "win.close-tab", NULL, close_tab_action);
  gtk_widget_class_install_action (widget_class, "win.open-in-new-tab", "s", open_in_new_tab_action);
  gtk_widget_class_install_action (widget_class, "win.split", NULL, split_action);
  gtk_widget_class_install_action (widget_class, "win.close-split", NULL, close_split_action);
  gtk_widget_class_install_action (widget_class, "win.open-to-right", "s", open_to_right_action);
  gtk_widget_class_install_action (widget_class, "win.next-region", NULL, cycle_region_action);
  gtk_widget_class_install_action (widget_class, "win.previous-region", NULL, cycle_region_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, shortcuts_action);
  gtk_widget_class_install_action (widget_class, "win.more-sessions", NULL, more_sessions_action);
  gtk_widget_class_install_action (widget_class, "win.search-sessions", "s", search_sessions_action);
  gtk_widget_class_install_action (widget_class, "win.retry-connection", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "win.open-uri", "s", open_uri_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-session", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "win.new-tab", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "win.close-tab", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_backslash, GDK_CONTROL_MASK, "win.split", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F6, 0, "win.next-region", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F6, GDK_SHIFT_MASK, "win.previous-region", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "session.send", NULL);
  /* Only while the agent works (the action is disabled otherwise) */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "session.stop", NULL);
}

static void
ocg_window_init (OcgWindow *self)
{
  self->was_busy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  fix_mnemonics (GTK_WIDGET (self));
  /* Ctrl+Page Up/Down, Ctrl+Shift+Page Up/Down and Alt+1…9 go through the
   * tabs; Ctrl+Tab, Ctrl+Home and Ctrl+End stay with the text being edited */
  adw_tab_view_set_shortcuts (self->tab_view, ADW_TAB_VIEW_SHORTCUT_CONTROL_PAGE_UP |
                                              ADW_TAB_VIEW_SHORTCUT_CONTROL_PAGE_DOWN |
                                              ADW_TAB_VIEW_SHORTCUT_CONTROL_SHIFT_PAGE_UP |
                                              ADW_TAB_VIEW_SHORTCUT_CONTROL_SHIFT_PAGE_DOWN |
                                              ADW_TAB_VIEW_SHORTCUT_ALT_DIGITS |
                                              ADW_TAB_VIEW_SHORTCUT_ALT_ZERO);
  self->page_since = g_get_monotonic_time ();
}

OcgWindow *
ocg_window_new (OcgApplication *application,
                OcgConnection  *connection)
{
  OcgWindow *self;
  g_return_val_if_fail (OCG_IS_CONNECTION (connection), NULL);

  self = g_object_new (OCG_TYPE_WINDOW, "application", application, NULL);
  self->connection = g_object_ref (connection);
  self->store = g_object_ref (ocg_connection_get_store (connection));

  self->sidebar = ocg_sidebar_new (self->store);
  gtk_widget_set_vexpand (self->sidebar, TRUE);
  g_signal_connect (self->sidebar, "session-selected", G_CALLBACK (on_sidebar_selected), self);
  gtk_box_append (GTK_BOX (self->sidebar_box), self->sidebar);

  self->page_signals = g_signal_group_new (OCG_TYPE_SESSION_PAGE);
  g_signal_group_connect_swapped (self->page_signals, "notify::title", G_CALLBACK (update_title), self);
  g_signal_group_connect_swapped (self->page_signals, "notify::session-id", G_CALLBACK (on_page_session_changed), self);
  /* F6 before the split's GtkPaned, whose own F6 would take it */
  {
    GtkEventController *keys = gtk_shortcut_controller_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_F6, 0),
                                                            gtk_named_action_new ("win.next-region")));
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_F6, GDK_SHIFT_MASK),
                                                            gtk_named_action_new ("win.previous-region")));
    gtk_widget_add_controller (GTK_WIDGET (self), keys);
  }
  {
    GtkEventController *focus = gtk_event_controller_focus_new ();

    g_signal_connect_swapped (focus, "enter", G_CALLBACK (on_tabs_focus), self);
    gtk_widget_add_controller (self->tabs_box, focus);
    focus = gtk_event_controller_focus_new ();
    g_signal_connect_swapped (focus, "enter", G_CALLBACK (on_split_focus), self);
    gtk_widget_add_controller (self->split_box, focus);
  }

  g_signal_connect (connection, "notify", G_CALLBACK (on_connection_notify), self);
  g_signal_connect (self, "map", G_CALLBACK (on_mapped), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (on_unmapped), NULL);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_active_changed), NULL);
  g_signal_connect (self->store, "session-data-changed", G_CALLBACK (on_session_data_changed), self);
  g_signal_connect (self->store, "session-data-changed", G_CALLBACK (on_permission_in_child), self);

  /* The size it had last time */
  if (application != NULL && (self->settings = ocg_application_get_settings (application)) != NULL)
    {
      g_object_ref (self->settings);
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), self);
  if (self->settings != NULL)
    set_sidebar_width (self, g_settings_get_int (self->settings, "sidebar-width"));
  /* Nothing is saved before what was saved is read */
  self->restoring = TRUE;
  add_tab (self, NULL, TRUE);
  restore_tabs (self);
  {
    GtkGesture *drag = gtk_gesture_drag_new ();

    g_signal_connect (drag, "drag-begin", G_CALLBACK (on_handle_drag_begin), self);
    g_signal_connect (drag, "drag-update", G_CALLBACK (on_handle_drag_update), self);
    g_signal_connect (drag, "drag-end", G_CALLBACK (on_handle_drag_end), self);
    gtk_widget_add_controller (self->sidebar_handle, GTK_EVENT_CONTROLLER (drag));
  }

  on_page_session_changed (self);
  ocg_session_page_focus_composer (self->page);
  return self;
}

OcgConnection *
ocg_window_get_connection (OcgWindow *self)
{
  g_return_val_if_fail (OCG_IS_WINDOW (self), NULL);
  return self->connection;
}

GtkWidget *
ocg_window_get_composer (OcgWindow *self)
{
  g_return_val_if_fail (OCG_IS_WINDOW (self), NULL);
  return ocg_session_page_get_composer (self->page);
}

GtkWidget *
ocg_window_get_chat_view (OcgWindow *self)
{
  g_return_val_if_fail (OCG_IS_WINDOW (self), NULL);
  return ocg_session_page_get_chat_view (self->page);
}

GtkWidget *
ocg_window_get_sidebar (OcgWindow *self)
{
  g_return_val_if_fail (OCG_IS_WINDOW (self), NULL);
  return self->sidebar;
}

GtkWidget *
ocg_window_get_prompt_dock (OcgWindow *self)
{
  g_return_val_if_fail (OCG_IS_WINDOW (self), NULL);
  return ocg_session_page_get_prompt_dock (self->page);
}

void
ocg_window_send (OcgWindow  *self,
                 const char *text)
{
  g_return_if_fail (OCG_IS_WINDOW (self));
  ocg_session_page_send (self->page, text);
}
