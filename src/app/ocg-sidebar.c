/* ocg-sidebar.c
 *
 * Root sessions, newest activity first, each with the sessions it delegated
 * to (`task`) beneath it. The window pages older sessions in as the list
 * nears its end. Searching shows every session whose title matches, flat:
 * those paged in, and those the server finds. Each row shows the title,
 * how long ago it last changed, and whether the agent is working, failed,
 * or waits for the user.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include <adwaita.h>

#include "ocg-sidebar.h"
#include "ocg-text.h"

struct _OcgSidebar
{
  GtkWidget           parent_instance;

  OcgStore           *store;
  GtkWidget          *box;
  GtkWidget          *search_entry;
  GtkWidget          *list_view;
  GtkWidget          *stack;
  GtkWidget          *empty;
  gboolean            offline;

  GtkFilterListModel *visible;      /* not archived */
  GtkFilterListModel *roots;
  GtkSortListModel   *sorted;
  GtkTreeListModel   *tree;
  GtkFilterListModel *search;       /* the flat search results */
  GtkSortListModel   *search_sorted;
  GtkSingleSelection *selection;
  GtkStringFilter    *title_filter;
  GtkFilter          *root_filter;
  GtkSorter          *root_sorter;
  GHashTable         *parents;     /* ids of the visible sessions' parents; NULL: to list again */
  GPtrArray          *bound;        /* GtkListItem on screen */
  char               *selected;
  gboolean            searching;
  guint               settle_frames; /* the list view places new rows */
  guint               settle_id;
  guint               clock_id;
  guint               reselect_id;
  guint               resync_id;
};

G_DEFINE_FINAL_TYPE (OcgSidebar, ocg_sidebar, GTK_TYPE_WIDGET)

enum {
  SESSION_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The local time zone, read once a minute rather than for every row: a
 * GDateTime made with g_date_time_new_from_unix_local() reads the zone's
 * file each time, which thousands of sessions pay for */
static GDateTime *
date_time_local (gint64 seconds)
{
  static GTimeZone *zone;
  static gint64 read_at;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (seconds);

  if (zone == NULL || now - read_at > 60 * G_USEC_PER_SEC)
    {
      g_clear_pointer (&zone, g_time_zone_unref);
      zone = g_time_zone_new_local ();
      read_at = now;
    }
  return utc != NULL ? g_date_time_to_timezone (utc, zone) : NULL;
}

/* "now", "5 min", "3 h", "yesterday", "Mon", "12 Mar" */
char *
ocg_sidebar_format_time (gint64 ms,
                         gint64 now_ms)
{
  gint64 seconds = (now_ms - ms) / 1000;
  g_autoptr(GDateTime) then = NULL;
  g_autoptr(GDateTime) now = NULL;
  int days;

  if (ms <= 0)
    return g_strdup ("");
  if (seconds < 60)
    return g_strdup (_("now"));
  if (seconds < 3600)
    return g_strdup_printf (_("%d min"), (int) (seconds / 60));

  then = date_time_local (ms / 1000);
  now = date_time_local (now_ms / 1000);
  if (then == NULL || now == NULL)
    return g_strdup ("");
  days = g_date_time_get_day_of_year (now) - g_date_time_get_day_of_year (then) +
         365 * (g_date_time_get_year (now) - g_date_time_get_year (then));
  if (days == 0)
    return g_strdup_printf (_("%d h"), (int) (seconds / 3600));
  if (days == 1)
    return g_strdup (_("yesterday"));
  if (days < 7)
    return g_date_time_format (then, "%a");
  return g_date_time_format (then, "%e %b");
}

typedef struct
{
  OcgSession *session;   /* bound, with our notify handler */
  GtkWidget *expander;
  GtkWidget *title;
  GtkWidget *time;
  GtkWidget *spinner;
  GtkWidget *retry;
  GtkWidget *error;
  GtkWidget *waiting;
} Row;

static OcgSession *
item_session (GtkListItem *item)
{
  gpointer object = gtk_list_item_get_item (item);

  if (GTK_IS_TREE_LIST_ROW (object))
    return gtk_tree_list_row_get_item (object);  /* full */
  return object != NULL ? g_object_ref (object) : NULL;
}

static void
update_row (GtkListItem *item,
            OcgSidebar  *self)
{
  Row *row = g_object_get_data (G_OBJECT (item), "row");
  OcgSession *session = row->session;
  g_autofree char *title = NULL;
  gint64 updated;
  g_autofree char *when = NULL;
  gboolean busy, failed, waiting, retrying;

  if (session == NULL)
    return;

  title = ocg_text_record_string (OCG_RECORD (session), "title");
  g_object_get (session, "time-updated", &updated, NULL);
  when = ocg_sidebar_format_time (updated, g_get_real_time () / 1000);
  busy = g_strcmp0 (ocg_session_get_status (session), "idle") != 0;
  failed = ocg_store_get_error (self->store, ocg_record_get_id (session)) != NULL && !busy;
  waiting = ocg_session_get_n_requests (session) > 0;
  retrying = g_strcmp0 (ocg_session_get_status (session), "retry") == 0;

  gtk_label_set_text (GTK_LABEL (row->title), title != NULL && *title ? title : _("Untitled session"));
  gtk_label_set_text (GTK_LABEL (row->time), when);
  gtk_widget_set_visible (row->spinner, busy && !waiting && !retrying);
  gtk_spinner_set_spinning (GTK_SPINNER (row->spinner), busy && !waiting && !retrying);
  gtk_widget_set_visible (row->retry, retrying && !waiting);
  if (retrying)
    {
      const char *message = ocg_session_get_retry_message (session);
      g_autofree char *tooltip = NULL;

      /* Translators: the server retries a failed call to the model's
       * provider; %u is the number of the retry, %s the provider's error */
      tooltip = g_strdup_printf (_("Retrying (attempt %u): %s"), ocg_session_get_retry_attempt (session),
                                 message != NULL && *message ? message : _("the model’s provider did not answer"));
      gtk_widget_set_tooltip_text (row->retry, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row->retry), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
    }
  gtk_widget_set_visible (row->error, failed);
  gtk_widget_set_visible (row->waiting, waiting);
  gtk_widget_set_tooltip_text (row->waiting, waiting ? _("Waiting for your answer") : NULL);

  /* What a screen reader says for the row: its title, then what the marks
   * show, then when */
  {
    g_autoptr(GString) name = g_string_new (gtk_label_get_text (GTK_LABEL (row->title)));
    GtkWidget *item_widget = gtk_widget_get_parent (row->expander);

    if (waiting)
      g_string_append_printf (name, ", %s", _("Waiting for your answer"));
    else if (retrying)
      g_string_append_printf (name, ", %s", _("Retrying"));
    else if (busy)
      g_string_append_printf (name, ", %s", _("Working"));
    else if (failed)
      g_string_append_printf (name, ", %s", _("The last turn failed"));
    if (*when != '\0')
      g_string_append_printf (name, ", %s", when);
    gtk_accessible_update_property (GTK_ACCESSIBLE (row->expander), GTK_ACCESSIBLE_PROPERTY_LABEL, name->str, -1);
    if (item_widget != NULL)
      gtk_accessible_update_property (GTK_ACCESSIBLE (item_widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name->str, -1);
  }
}

static void
on_session_notify (OcgSession  *session,
                   GParamSpec  *pspec,
                   GtkListItem *item)
{
  update_row (item, g_object_get_data (G_OBJECT (item), "sidebar"));
}

static void
row_free (gpointer data)
{
  Row *row = data;

  g_clear_object (&row->session);
  g_free (row);
}

/* A middle click opens the row's session in a tab of its own */
static void
on_row_middle_click (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     GtkListItem     *item)
{
  Row *row = g_object_get_data (G_OBJECT (item), "row");

  if (row->session == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_activate_action (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture)),
                              "win.open-in-new-tab", "s", ocg_record_get_id (row->session));
}

static gboolean
unparent_later (gpointer data)
{
  gtk_widget_unparent (data);
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static void
on_row_menu_closed (GtkPopover *popover)
{
  g_idle_add (unparent_later, g_object_ref (popover));
}

/* A right click: where else the row's session can be opened */
static void
on_row_right_click (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    GtkListItem     *item)
{
  Row *row = g_object_get_data (G_OBJECT (item), "row");
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  g_autoptr(GMenu) menu = NULL;
  g_autoptr(GMenuItem) tab = NULL;
  g_autoptr(GMenuItem) right = NULL;
  GtkWidget *popover;
  const char *id;

  if (row->session == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  id = ocg_record_get_id (row->session);
  menu = g_menu_new ();
  tab = g_menu_item_new (_("Open in New _Tab"), NULL);
  g_menu_item_set_action_and_target_value (tab, "win.open-in-new-tab", g_variant_new_string (id));
  g_menu_append_item (menu, tab);
  right = g_menu_item_new (_("Open to the _Right"), NULL);
  g_menu_item_set_action_and_target_value (right, "win.open-to-right", g_variant_new_string (id));
  g_menu_append_item (menu, right);

  popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_widget_set_parent (popover, widget);
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  g_signal_connect (popover, "closed", G_CALLBACK (on_row_menu_closed), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           OcgSidebar               *self)
{
  Row *row = g_new0 (Row, 1);
  GtkWidget *box, *labels;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (box, "session-row");
  labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (labels, TRUE);

  row->title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row->title), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (labels), row->title);
  gtk_box_append (GTK_BOX (box), labels);

  row->time = gtk_label_new (NULL);
  gtk_widget_add_css_class (row->time, "dim-label");
  gtk_widget_add_css_class (row->time, "caption");
  gtk_box_append (GTK_BOX (box), row->time);

  row->spinner = gtk_spinner_new ();
  gtk_widget_set_tooltip_text (row->spinner, _("Working"));
  gtk_box_append (GTK_BOX (box), row->spinner);
  row->retry = gtk_image_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_add_css_class (row->retry, "warning");
  gtk_widget_add_css_class (row->retry, "retry-mark");
  gtk_box_append (GTK_BOX (box), row->retry);
  row->error = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  gtk_widget_add_css_class (row->error, "error");
  gtk_widget_add_css_class (row->error, "error-mark");
  gtk_widget_set_tooltip_text (row->error, _("The last turn failed"));
  gtk_box_append (GTK_BOX (box), row->error);
  row->waiting = gtk_image_new_from_icon_name ("dialog-question-symbolic");
  gtk_widget_add_css_class (row->waiting, "warning");
  gtk_box_append (GTK_BOX (box), row->waiting);

  row->expander = gtk_tree_expander_new ();
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (row->expander), box);
  {
    GtkGesture *middle = gtk_gesture_click_new ();

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (middle), GDK_BUTTON_MIDDLE);
    g_signal_connect (middle, "pressed", G_CALLBACK (on_row_middle_click), item);
    gtk_widget_add_controller (row->expander, GTK_EVENT_CONTROLLER (middle));
    middle = gtk_gesture_click_new ();
    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (middle), GDK_BUTTON_SECONDARY);
    g_signal_connect (middle, "pressed", G_CALLBACK (on_row_right_click), item);
    gtk_widget_add_controller (row->expander, GTK_EVENT_CONTROLLER (middle));
  }
  gtk_list_item_set_child (item, row->expander);
  g_object_set_data_full (G_OBJECT (item), "row", row, row_free);
  g_object_set_data (G_OBJECT (item), "sidebar", self);
}

/* Makes the row show the session its item holds now. A child's item is
 * found by its position in its parent's list of children, which a change
 * of the session list reaches after the rows are rebound: what an item
 * holds is read again once every list has taken the change in. */
static void
sync_row (GtkListItem *item,
          OcgSidebar  *self)
{
  Row *row = g_object_get_data (G_OBJECT (item), "row");
  g_autoptr(OcgSession) session = item_session (item);

  if (row->session != session)
    {
      if (row->session != NULL)
        g_signal_handlers_disconnect_by_func (row->session, on_session_notify, item);
      g_set_object (&row->session, session);
      if (session != NULL)
        g_signal_connect (session, "notify", G_CALLBACK (on_session_notify), item);
    }
  update_row (item, self);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          OcgSidebar               *self)
{
  Row *row = g_object_get_data (G_OBJECT (item), "row");
  gpointer object = gtk_list_item_get_item (item);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (row->expander),
                                  GTK_IS_TREE_LIST_ROW (object) ? object : NULL);
  g_ptr_array_add (self->bound, item);
  sync_row (item, self);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            OcgSidebar               *self)
{
  Row *row = g_object_get_data (G_OBJECT (item), "row");

  /* The row's item may be gone already (a rebuilt tree): use what we bound */
  if (row->session != NULL)
    g_signal_handlers_disconnect_by_func (row->session, on_session_notify, item);
  g_clear_object (&row->session);
  g_ptr_array_remove_fast (self->bound, item);
}

static void
teardown_row (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              OcgSidebar               *self)
{
  Row *row = g_object_get_data (G_OBJECT (item), "row");

  if (row != NULL && row->session != NULL)
    g_signal_handlers_disconnect_by_func (row->session, on_session_notify, item);
  g_ptr_array_remove_fast (self->bound, item);
}

static gboolean
is_visible (gpointer item,
            gpointer user_data)
{
  gboolean archived;

  g_object_get (item, "archived", &archived, NULL);
  return !archived;
}

/* A root: no parent, or a parent we do not know */
static gboolean
is_root (gpointer item,
         gpointer user_data)
{
  OcgSidebar *self = user_data;
  const char *parent = ocg_session_get_parent_id (item);

  return parent == NULL || ocg_store_lookup_session (self->store, parent) == NULL;
}

static gboolean
is_child_of (gpointer item,
             gpointer user_data)
{
  return g_strcmp0 (ocg_session_get_parent_id (item), user_data) == 0;
}

static GtkSorter *
newest_first (void)
{
  GtkExpression *updated = gtk_property_expression_new (OCG_TYPE_SESSION, NULL, "time-updated");
  GtkSorter *sorter = GTK_SORTER (gtk_numeric_sorter_new (updated));

  gtk_numeric_sorter_set_sort_order (GTK_NUMERIC_SORTER (sorter), GTK_SORT_DESCENDING);
  return sorter;
}

/* Every row asks whether it has children: the parents of the visible
 * sessions are listed once after each change of that list, not scanned
 * for each row (with 100,000 sessions, that took minutes) */
static gboolean
has_children (OcgSidebar *self,
              const char *session_id)
{
  if (self->parents == NULL)
    {
      GListModel *sessions = G_LIST_MODEL (self->visible);
      guint n = g_list_model_get_n_items (sessions);

      self->parents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(OcgSession) session = g_list_model_get_item (sessions, i);
          const char *parent = ocg_session_get_parent_id (session);

          if (parent != NULL)
            g_hash_table_add (self->parents, g_strdup (parent));
        }
    }
  return g_hash_table_contains (self->parents, session_id);
}

static void
on_visible_changed (GListModel *sessions,
                    guint       position,
                    guint       removed,
                    guint       added,
                    OcgSidebar *self)
{
  g_clear_pointer (&self->parents, g_hash_table_unref);
}

/* Rows without children show no expander: a model only where there are
 * children; a new child makes the tree again (see on_sessions_changed) */
static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  OcgSidebar *self = user_data;
  GtkFilter *filter;
  GtkFilterListModel *children;

  if (!has_children (self, ocg_record_get_id (item)))
    return NULL;

  filter = GTK_FILTER (gtk_custom_filter_new (is_child_of, g_strdup (ocg_record_get_id (item)), g_free));
  children = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->visible)), filter);
  /* An empty model means "no expander"; NULL would too, but children may come */
  return G_LIST_MODEL (gtk_sort_list_model_new (G_LIST_MODEL (children), newest_first ()));
}

static void
on_selection_changed (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      OcgSidebar         *self)
{
  gpointer object = gtk_single_selection_get_selected_item (selection);
  g_autoptr(OcgSession) session = NULL;

  if (object == NULL)
    return;
  session = GTK_IS_TREE_LIST_ROW (object) ? gtk_tree_list_row_get_item (object) : g_object_ref (object);
  if (g_strcmp0 (self->selected, ocg_record_get_id (session)) == 0)
    return;
  g_free (self->selected);
  self->selected = g_strdup (ocg_record_get_id (session));
  g_signal_emit (self, signals[SESSION_SELECTED], 0, self->selected);
}

static void
update_empty (OcgSidebar *self)
{
  GListModel *model = gtk_single_selection_get_model (self->selection);

  gtk_stack_set_visible_child (GTK_STACK (self->stack),
                               g_list_model_get_n_items (model) > 0 ? gtk_widget_get_parent (self->list_view) : self->empty);
}

static void
on_reselect (gpointer user_data)
{
  OcgSidebar *self = user_data;

  self->reselect_id = 0;
  if (self->selected != NULL)
    ocg_sidebar_select (self, self->selected);
}

static gboolean
on_resync (gpointer user_data)
{
  OcgSidebar *self = user_data;

  self->resync_id = 0;
  for (guint i = 0; i < self->bound->len; i++)
    sync_row (g_ptr_array_index (self->bound, i), self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_settle_tick (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  OcgSidebar *self = OCG_SIDEBAR (widget);

  if (self->settle_frames > 0 && --self->settle_frames > 0)
    return G_SOURCE_CONTINUE;
  self->settle_id = 0;
  return G_SOURCE_REMOVE;
}

/* Shows @model's rows: the tree, or the search results */
static void
show_rows (OcgSidebar *self,
           GListModel *model)
{
  gtk_single_selection_set_model (self->selection, model);
  self->settle_frames = 3;
  if (self->settle_id == 0)
    self->settle_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_settle_tick, NULL, NULL);
}

/* Sessions after those paged in, which the window fetches when there are
 * any: when the user scrolls to within a screen of the end, and when the
 * rows would not fill a screen */
#define FEW_ROWS 40

static void
on_scrolled (GtkAdjustment *adjustment,
             OcgSidebar    *self)
{
  double page = gtk_adjustment_get_page_size (adjustment);
  double value = gtk_adjustment_get_value (adjustment);

  /* Not at 0 (the list was scrolled), nor while the list view places the
   * rows of a new model (it may move them to where the old ones were) */
  if (!self->searching && self->settle_frames == 0 && value > 0 && gtk_adjustment_get_upper (adjustment) - value - page < page)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.more-sessions", NULL);
}

static void
want_rows (OcgSidebar *self)
{
  if (!self->searching && g_list_model_get_n_items (G_LIST_MODEL (self->tree)) < FEW_ROWS)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.more-sessions", NULL);
}

static void
on_rows_changed (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 OcgSidebar *self)
{
  if (model != gtk_single_selection_get_model (self->selection))
    return;
  update_empty (self);
  want_rows (self);
  /* Before the next frame is drawn */
  if (self->resync_id == 0)
    self->resync_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, on_resync, self, NULL);
  /* Keep the selection on the same session when rows move; not from within
   * the model's signal, which the list view is handling too */
  if (self->selected != NULL && self->reselect_id == 0)
    self->reselect_id = g_idle_add_once (on_reselect, self);
}

static void
on_search_changed (GtkSearchEntry *entry,
                   OcgSidebar     *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  gboolean searching = text != NULL && *text != '\0';
  GListModel *model;

  gtk_string_filter_set_search (self->title_filter, text);
  /* The server finds what was not paged in */
  gtk_widget_activate_action (GTK_WIDGET (self), "win.search-sessions", "s", text != NULL ? text : "");
  if (searching != self->searching)
    {
      self->searching = searching;
      model = searching ? G_LIST_MODEL (self->search_sorted) : G_LIST_MODEL (self->tree);
      show_rows (self, model);
    }
  update_empty (self);
  if (self->selected != NULL)
    ocg_sidebar_select (self, self->selected);
}

static gboolean
on_clock (gpointer user_data)
{
  OcgSidebar *self = user_data;

  /* Relative times age: refresh the rows on screen */
  for (guint i = 0; i < self->bound->len; i++)
    update_row (g_ptr_array_index (self->bound, i), self);
  return G_SOURCE_CONTINUE;
}

static void
ocg_sidebar_dispose (GObject *object)
{
  OcgSidebar *self = OCG_SIDEBAR (object);

  g_clear_handle_id (&self->clock_id, g_source_remove);
  g_clear_handle_id (&self->reselect_id, g_source_remove);
  g_clear_handle_id (&self->resync_id, g_source_remove);
  if (self->settle_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->settle_id);
  self->settle_id = 0;
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_clear_object (&self->sorted);
  g_clear_object (&self->roots);
  g_clear_object (&self->search_sorted);
  g_clear_object (&self->search);
  if (self->visible != NULL)
    g_signal_handlers_disconnect_by_func (self->visible, on_visible_changed, self);
  g_clear_object (&self->visible);
  g_clear_pointer (&self->parents, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_pointer (&self->selected, g_free);
  g_clear_pointer (&self->bound, g_ptr_array_unref);

  G_OBJECT_CLASS (ocg_sidebar_parent_class)->dispose (object);
}

/* The list is one stop for Tab, at the open session's row; Up and Down move
 * in it */
static gboolean
focus_selected_row (OcgSidebar *self)
{
  for (guint i = 0; i < self->bound->len; i++)
    {
      GtkListItem *item = g_ptr_array_index (self->bound, i);

      if (gtk_list_item_get_selected (item) && gtk_list_item_get_child (item) != NULL)
        return gtk_widget_grab_focus (gtk_list_item_get_child (item));
    }
  return FALSE;
}

static gboolean
ocg_sidebar_focus (GtkWidget        *widget,
                   GtkDirectionType  direction)
{
  OcgSidebar *self = OCG_SIDEBAR (widget);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));
  gboolean in_list = focus != NULL && gtk_widget_is_ancestor (focus, self->list_view);
  gboolean in_sidebar = focus != NULL && gtk_widget_is_ancestor (focus, widget);

  if (direction == GTK_DIR_TAB_FORWARD && in_list)
    return FALSE;
  if (direction == GTK_DIR_TAB_BACKWARD && in_list)
    return gtk_widget_grab_focus (self->search_entry);
  if (((direction == GTK_DIR_TAB_FORWARD && in_sidebar) || (direction == GTK_DIR_TAB_BACKWARD && !in_sidebar)) &&
      gtk_widget_get_mapped (self->list_view) && focus_selected_row (self))
    return TRUE;
  return GTK_WIDGET_CLASS (ocg_sidebar_parent_class)->focus (widget, direction);
}

static void
ocg_sidebar_class_init (OcgSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ocg_sidebar_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sidebar");
  widget_class->focus = ocg_sidebar_focus;

  signals[SESSION_SELECTED] =
    g_signal_new ("session-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ocg_sidebar_init (OcgSidebar *self)
{
  self->bound = g_ptr_array_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->search_entry = gtk_search_entry_new ();
  g_object_set (self->search_entry, "placeholder-text", _("Search sessions"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search sessions"), -1);
  gtk_widget_set_margin_start (self->search_entry, 8);
  gtk_widget_set_margin_end (self->search_entry, 8);
  gtk_widget_set_margin_top (self->search_entry, 6);
  gtk_widget_set_margin_bottom (self->search_entry, 6);
  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self);
  gtk_box_append (GTK_BOX (self->box), self->search_entry);

  self->stack = gtk_stack_new ();
  gtk_widget_set_vexpand (self->stack, TRUE);
  gtk_box_append (GTK_BOX (self->box), self->stack);
}

static void
on_store_data_changed (OcgStore   *store,
                       const char *session_id,
                       const char *what,
                       OcgSidebar *self)
{
  if (g_str_equal (what, "error"))
    on_clock (self);
}

static void
on_session_time (OcgSession *session,
                 GParamSpec *pspec,
                 OcgSidebar *self)
{
  gtk_sorter_changed (self->root_sorter, GTK_SORTER_CHANGE_DIFFERENT);
}

/* Sessions came or went: a child may have found its parent, and new
 * sessions must be followed to keep the order by activity */
static void
make_tree (OcgSidebar *self)
{
  if (self->tree != NULL)
    g_signal_handlers_disconnect_by_func (self->tree, on_rows_changed, self);
  g_clear_object (&self->tree);
  self->tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->sorted)), FALSE, FALSE,
                                        create_children, self, NULL);
  g_signal_connect (self->tree, "items-changed", G_CALLBACK (on_rows_changed), self);
  if (self->selection != NULL && !self->searching)
    {
      show_rows (self, G_LIST_MODEL (self->tree));
      update_empty (self);
    }
}

static void
on_sessions_changed (GListModel *sessions,
                     guint       position,
                     guint       removed,
                     guint       added,
                     OcgSidebar *self)
{
  gboolean new_child = FALSE;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(OcgSession) session = g_list_model_get_item (sessions, i);

      g_signal_connect_object (session, "notify::time-updated", G_CALLBACK (on_session_time), self, 0);
      new_child |= ocg_session_get_parent_id (session) != NULL;
    }
  gtk_filter_changed (self->root_filter, GTK_FILTER_CHANGE_DIFFERENT);
  if (new_child && self->tree != NULL)
    make_tree (self);
}

GtkWidget *
ocg_sidebar_new (OcgStore *store)
{
  OcgSidebar *self;
  GtkListItemFactory *factory;
  GtkWidget *scrolled;
  GtkExpression *title;

  g_return_val_if_fail (OCG_IS_STORE (store), NULL);

  self = g_object_new (OCG_TYPE_SIDEBAR, NULL);
  self->store = g_object_ref (store);

  self->visible = gtk_filter_list_model_new (g_object_ref (ocg_store_get_sessions (store)),
                                             GTK_FILTER (gtk_custom_filter_new (is_visible, NULL, NULL)));
  g_signal_connect (self->visible, "items-changed", G_CALLBACK (on_visible_changed), self);
  self->root_filter = GTK_FILTER (gtk_custom_filter_new (is_root, self, NULL));
  self->roots = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->visible)), self->root_filter);
  self->root_sorter = newest_first ();
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->roots)), self->root_sorter);
  make_tree (self);

  title = gtk_property_expression_new (OCG_TYPE_SESSION, NULL, "title");
  self->title_filter = gtk_string_filter_new (title);
  self->search = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->visible)),
                                            GTK_FILTER (self->title_filter));
  self->search_sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->search)), newest_first ());
  g_signal_connect (self->search_sorted, "items-changed", G_CALLBACK (on_rows_changed), self);

  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->tree)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_row), self);
  self->list_view = gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)), factory);
  gtk_widget_add_css_class (self->list_view, "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sessions"), -1);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->list_view);
  {
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

    g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_scrolled), self, 0);
  }
  gtk_stack_add_child (GTK_STACK (self->stack), scrolled);

  self->empty = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->empty), "view-list-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (self->empty), _("No Sessions"));
  adw_status_page_set_description (ADW_STATUS_PAGE (self->empty), _("Start one with the + button"));
  gtk_widget_add_css_class (self->empty, "compact");
  gtk_stack_add_child (GTK_STACK (self->stack), self->empty);

  g_signal_connect_object (store, "session-data-changed", G_CALLBACK (on_store_data_changed), self, 0);
  g_signal_connect_object (ocg_store_get_sessions (store), "items-changed", G_CALLBACK (on_sessions_changed), self, 0);
  on_sessions_changed (ocg_store_get_sessions (store), 0, 0, g_list_model_get_n_items (ocg_store_get_sessions (store)), self);
  self->clock_id = g_timeout_add_seconds (60, on_clock, self);
  update_empty (self);
  return GTK_WIDGET (self);
}

const char *
ocg_sidebar_get_selected (OcgSidebar *self)
{
  g_return_val_if_fail (OCG_IS_SIDEBAR (self), NULL);
  return self->selected;
}

/* Selects the row of @session_id, expanding its parents */
void
ocg_sidebar_select (OcgSidebar *self,
                    const char *session_id)
{
  GListModel *model;
  guint n;

  g_return_if_fail (OCG_IS_SIDEBAR (self));

  if (session_id != self->selected)
    {
      g_free (self->selected);
      self->selected = g_strdup (session_id);
    }
  if (session_id == NULL)
    {
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      return;
    }

  model = gtk_single_selection_get_model (self->selection);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) object = g_list_model_get_item (model, i);
      g_autoptr(OcgSession) session = GTK_IS_TREE_LIST_ROW (object)
        ? gtk_tree_list_row_get_item (GTK_TREE_LIST_ROW (object))
        : g_object_ref (OCG_SESSION (object));

      if (g_strcmp0 (ocg_record_get_id (session), session_id) == 0)
        {
          if (gtk_single_selection_get_selected (self->selection) != i)
            gtk_single_selection_set_selected (self->selection, i);
          return;
        }

      /* Expand the parent on the way down to a child */
      if (GTK_IS_TREE_LIST_ROW (object) && !gtk_tree_list_row_get_expanded (GTK_TREE_LIST_ROW (object)))
        {
          OcgSession *target = ocg_store_lookup_session (self->store, session_id);
          const char *parent = target != NULL ? ocg_session_get_parent_id (target) : NULL;

          if (g_strcmp0 (parent, ocg_record_get_id (session)) == 0)
            {
              gtk_tree_list_row_set_expanded (GTK_TREE_LIST_ROW (object), TRUE);
              n = g_list_model_get_n_items (model);
            }
        }
    }
}

void
ocg_sidebar_focus_search (OcgSidebar *self)
{
  g_return_if_fail (OCG_IS_SIDEBAR (self));
  gtk_widget_grab_focus (self->search_entry);
}

/* Without a connection the sessions are unknown, not absent: the empty
 * list says so instead of "No Sessions" */
void
ocg_sidebar_set_offline (OcgSidebar *self,
                         gboolean    offline)
{
  AdwStatusPage *empty;

  g_return_if_fail (OCG_IS_SIDEBAR (self));

  offline = !!offline;
  if (self->offline == offline)
    return;
  self->offline = offline;
  empty = ADW_STATUS_PAGE (self->empty);
  /* The content pane shows the big picture and the reason */
  adw_status_page_set_icon_name (empty, offline ? NULL : "view-list-symbolic");
  adw_status_page_set_title (empty, offline ? _("Not Connected") : _("No Sessions"));
  adw_status_page_set_description (empty, offline ? _("The sessions show once the server answers")
                                                  : _("Start one with the + button"));
}

/* The rows as shown (GtkTreeListRow items, or sessions while searching) */
GListModel *
ocg_sidebar_get_rows (OcgSidebar *self)
{
  g_return_val_if_fail (OCG_IS_SIDEBAR (self), NULL);
  return gtk_single_selection_get_model (self->selection);
}
