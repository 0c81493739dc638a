/* ocg-timeline.c
 *
 * The steps come from a GtkFlattenListModel over a GtkMapListModel that maps
 * each assistant message to its parts, filtered to tools and reasoning that
 * has text. The step widgets follow that model one for one; runs of read and
 * search steps are moved into group rows. A GtkListView is not used: the
 * timeline lives inside a row of the transcript's own list view.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ocg-json.h"
#include "ocg-timeline.h"
#include "ocg-text.h"
#include "ocg-timeline-step.h"

struct _OcgTimeline
{
  GtkWidget        parent_instance;

  /* Owned references */
  OcgStore        *store;
  GListModel      *turn;           /* OcgMessage: the turn's assistant messages */
  GListModel      *steps;          /* OcgPart: their tool and reasoning parts */
  GPtrArray       *step_widgets;   /* OcgTimelineStep, one per item of steps */
  GHashTable      *groups;         /* first grouped step -> group step */
  GPtrArray       *messages;       /* OcgMessage whose notify we watch */
  GListModel      *last_parts;     /* parts of the newest message */
  OcgSession      *session;        /* whose turn this is; NULL: unknown */

  /* State */
  gboolean         busy;
  int              busy_hint;      /* -1 when the caller never said */
  gboolean         latest;         /* the session's newest turn */
  gboolean         interrupted;    /* unfinished, and the server is not working on it */
  gboolean         expand_finished;
  gboolean         load_asked;     /* a nested session's messages were asked for */
  char            *nested_session; /* the session of a task's nested steps */
  gboolean         expanded;
  gboolean         show_header;
  gint64           start_ms;
  gint64           end_ms;
  guint            tick_id;
  char            *status_text;

  /* Widgets */
  GtkWidget       *box;
  GtkWidget       *header;
  GtkWidget       *header_spinner;
  GtkWidget       *header_arrow;
  GtkWidget       *header_label;
  GtkWidget       *header_time;
  GtkWidget       *revealer;
  GtkWidget       *steps_box;
};

G_DEFINE_FINAL_TYPE (OcgTimeline, ocg_timeline, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_TURN,
  PROP_BUSY,
  PROP_EXPANDED,
  PROP_SHOW_HEADER,
  PROP_N_STEPS,
  PROP_STATUS_TEXT,
  PROP_SESSION,
  PROP_LATEST,
  PROP_INTERRUPTED,
  PROP_EXPAND_FINISHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_state   (OcgTimeline *self);
static void update_header  (OcgTimeline *self);
static void update_ticking (OcgTimeline *self);
static void on_session_notify (OcgTimeline *self,
                               GParamSpec  *pspec,
                               OcgSession  *session);

/* Which parts are steps */

static gboolean
is_step_part (gpointer item,
              gpointer user_data)
{
  const char *type = ocg_record_get_string (OCG_RECORD (item), "type");

  if (g_strcmp0 (type, "tool") == 0)
    return TRUE;
  return g_strcmp0 (type, "reasoning") == 0 &&
         ocg_record_get_string_length (OCG_RECORD (item), "text") > 0;
}

/* Reasoning arrives empty and grows: it becomes a step with its first text */
static void
on_reasoning_text (OcgPart    *part,
                   GParamSpec *pspec,
                   GtkFilter  *filter)
{
  if (ocg_record_get_string_length (OCG_RECORD (part), "text") == 0)
    return;
  g_signal_handlers_disconnect_by_func (part, on_reasoning_text, filter);
  gtk_filter_changed (filter, GTK_FILTER_CHANGE_LESS_STRICT);
}

static void
watch_empty_reasoning (GListModel *parts,
                       guint       position,
                       guint       n,
                       GtkFilter  *filter)
{
  for (guint i = position; i < position + n; i++)
    {
      g_autoptr(OcgRecord) part = g_list_model_get_item (parts, i);

      if (g_strcmp0 (ocg_record_get_string (part, "type"), "reasoning") == 0 &&
          ocg_record_get_string_length (part, "text") == 0)
        g_signal_connect_object (part, "notify::text", G_CALLBACK (on_reasoning_text), filter, 0);
    }
}

static void
on_parts_changed (GListModel *parts,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GtkFilter  *filter)
{
  watch_empty_reasoning (parts, position, added, filter);
}

static gpointer
map_message (gpointer item,
             gpointer user_data)
{
  g_autoptr(OcgMessage) message = item;
  OcgTimeline *self = user_data;
  GListModel *parts = ocg_store_get_parts (self->store, ocg_record_get_id (message));
  GtkFilter *filter = GTK_FILTER (gtk_custom_filter_new (is_step_part, NULL, NULL));

  watch_empty_reasoning (parts, 0, g_list_model_get_n_items (parts), filter);
  g_signal_connect_object (parts, "items-changed", G_CALLBACK (on_parts_changed), filter, 0);
  return gtk_filter_list_model_new (g_object_ref (parts), filter);
}

static gboolean
is_assistant (gpointer item,
              gpointer user_data)
{
  return g_strcmp0 (ocg_record_get_string (OCG_RECORD (item), "role"), "assistant") == 0;
}

/* Layout: steps and groups */

static void
place (GtkWidget *box,
       GtkWidget *child,
       GtkWidget *after)
{
  GtkWidget *parent = gtk_widget_get_parent (child);

  if (parent == box)
    {
      if (gtk_widget_get_prev_sibling (child) != after)
        gtk_box_reorder_child_after (GTK_BOX (box), child, after);
      return;
    }

  g_object_ref (child);
  if (parent != NULL)
    gtk_box_remove (GTK_BOX (parent), child);
  gtk_box_insert_child_after (GTK_BOX (box), child, after);
  g_object_unref (child);
}

static void
set_edges (GtkWidget *box)
{
  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    ocg_timeline_step_set_edges (OCG_TIMELINE_STEP (child),
                                 gtk_widget_get_prev_sibling (child) == NULL,
                                 gtk_widget_get_next_sibling (child) == NULL);
}

static gboolean
is_context (OcgTimeline *self,
            guint        i)
{
  return ocg_timeline_step_is_context (g_ptr_array_index (self->step_widgets, i));
}

/* Puts every step where it belongs, reusing widgets: groups are known by
 * their first step, so that they keep their state as they grow. */
static void
relayout (OcgTimeline *self)
{
  GHashTable *groups = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  GHashTableIter iter;
  gpointer value;
  GtkWidget *prev = NULL;
  guint n = self->step_widgets->len;

  for (guint i = 0; i < n;)
    {
      GtkWidget *step = g_ptr_array_index (self->step_widgets, i);
      guint j = i;

      while (j < n && is_context (self, j))
        j++;

      if (j - i >= 2)
        {
          GtkWidget *group;
          GtkWidget *inner = NULL;
          GtkBox *group_box;

          if (!g_hash_table_steal_extended (self->groups, step, NULL, (gpointer *) &group))
            {
              group = g_object_ref_sink (ocg_timeline_step_new_group ());
              ocg_timeline_step_set_interrupted (OCG_TIMELINE_STEP (group), self->interrupted);
            }
          place (self->steps_box, group, prev);
          prev = group;

          group_box = ocg_timeline_step_get_group_box (OCG_TIMELINE_STEP (group));
          for (guint k = i; k < j; k++)
            {
              GtkWidget *member = g_ptr_array_index (self->step_widgets, k);

              place (GTK_WIDGET (group_box), member, inner);
              inner = member;
            }
          g_hash_table_insert (groups, step, group);
          i = j;
          continue;
        }

      place (self->steps_box, step, prev);
      prev = step;
      i++;
    }

  g_hash_table_iter_init (&iter, self->groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (gtk_widget_get_parent (value) == self->steps_box)
      gtk_box_remove (GTK_BOX (self->steps_box), value);
  g_hash_table_unref (self->groups);
  self->groups = groups;

  set_edges (self->steps_box);
  g_hash_table_iter_init (&iter, self->groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      set_edges (GTK_WIDGET (ocg_timeline_step_get_group_box (value)));
      ocg_timeline_step_update_group (value);
    }
}

/* Steps */

static void
on_step_state (OcgTimeline     *self,
               GParamSpec      *pspec,
               OcgTimelineStep *step)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (step));

  if (parent != NULL && parent != self->steps_box)
    {
      GtkWidget *group = gtk_widget_get_ancestor (parent, OCG_TYPE_TIMELINE_STEP);

      if (group != NULL)
        ocg_timeline_step_update_group (OCG_TIMELINE_STEP (group));
    }
  update_state (self);
}

static void
on_step_label (OcgTimeline *self)
{
  if (self->busy)
    update_header (self);
}

static GtkWidget *
create_step (OcgTimeline *self,
             OcgPart     *part)
{
  const char *message_id = ocg_record_get_string (OCG_RECORD (part), "messageID");
  OcgMessage *message = ocg_store_lookup_message (self->store, message_id);
  const char *root = message != NULL ? ocg_record_get_string (OCG_RECORD (message), "path.root") : NULL;
  GtkWidget *step = ocg_timeline_step_new (self->store, part, root);

  ocg_timeline_step_set_interrupted (OCG_TIMELINE_STEP (step), self->interrupted);
  g_signal_connect_object (step, "notify::state", G_CALLBACK (on_step_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (step, "notify::label", G_CALLBACK (on_step_label), self, G_CONNECT_SWAPPED);
  return g_object_ref_sink (step);
}

static void
destroy_step (gpointer data)
{
  GtkWidget *step = data;
  GtkWidget *parent = gtk_widget_get_parent (step);

  g_signal_handlers_disconnect_matched (step, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_step_state, NULL);
  g_signal_handlers_disconnect_matched (step, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_step_label, NULL);
  if (parent != NULL)
    gtk_box_remove (GTK_BOX (parent), step);
  g_object_unref (step);
}

static void
on_steps_changed (OcgTimeline *self,
                  guint        position,
                  guint        removed,
                  guint        added,
                  GListModel  *steps)
{
  if (removed > 0)
    g_ptr_array_remove_range (self->step_widgets, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(OcgPart) part = g_list_model_get_item (steps, position + i);

      g_ptr_array_insert (self->step_widgets, (int) (position + i), create_step (self, part));
    }

  relayout (self);

  /* A new step means the one before it is over, reasoning included, which
   * notifies nothing when it ends */
  if (position > 0 && position <= self->step_widgets->len)
    ocg_timeline_step_update (g_ptr_array_index (self->step_widgets, position - 1));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STEPS]);
  update_state (self);
}

/* Messages */

static void
on_message_notify (OcgTimeline *self,
                   GParamSpec  *pspec,
                   OcgMessage  *message)
{
  if (strcmp (pspec->name, "completed") == 0)
    {
      const char *id = ocg_record_get_id (message);

      /* Its reasoning is over, whether or not it said so */
      for (guint i = 0; i < self->step_widgets->len; i++)
        {
          OcgTimelineStep *step = g_ptr_array_index (self->step_widgets, i);
          OcgPart *part = ocg_timeline_step_get_part (step);

          if (part != NULL && ocg_timeline_step_get_state (step) == OCG_STEP_RUNNING &&
              g_strcmp0 (ocg_record_get_string (OCG_RECORD (part), "messageID"), id) == 0)
            ocg_timeline_step_update (step);
        }
    }
  update_state (self);
}

static void
unwatch_messages (OcgTimeline *self)
{
  for (guint i = 0; i < self->messages->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->messages, i), on_message_notify, self);
  g_ptr_array_set_size (self->messages, 0);
}

static void
on_last_parts_changed (OcgTimeline *self)
{
  update_header (self);
}

static void
watch_last_parts (OcgTimeline *self)
{
  guint n = self->messages->len;
  GListModel *parts = NULL;

  if (n > 0)
    parts = ocg_store_get_parts (self->store, ocg_record_get_id (g_ptr_array_index (self->messages, n - 1)));
  if (parts == self->last_parts)
    return;

  if (self->last_parts != NULL)
    g_signal_handlers_disconnect_by_func (self->last_parts, on_last_parts_changed, self);
  g_set_object (&self->last_parts, parts);
  if (parts != NULL)
    g_signal_connect_swapped (parts, "items-changed", G_CALLBACK (on_last_parts_changed), self);
}

static void
on_turn_changed (OcgTimeline *self)
{
  guint n = self->turn != NULL ? g_list_model_get_n_items (self->turn) : 0;

  unwatch_messages (self);
  for (guint i = 0; i < n; i++)
    {
      OcgMessage *message = g_list_model_get_item (self->turn, i);

      g_signal_connect_swapped (message, "notify", G_CALLBACK (on_message_notify), self);
      g_ptr_array_add (self->messages, message);
    }
  watch_last_parts (self);
  update_state (self);
}

/* Busy, header */

/* Whether a message is unfinished or a tool pending or running; unless
 * @strict, a step that ended by calling tools counts too (the next one
 * follows) */
static gboolean
compute_unfinished (OcgTimeline *self,
                    gboolean     strict)
{
  JsonObject *last = NULL;

  for (guint i = 0; i < self->messages->len; i++)
    {
      JsonObject *json = ocg_record_get_json (g_ptr_array_index (self->messages, i));

      if (!ocg_json_has_path (json, "time.completed"))
        return TRUE;
      last = json;
    }

  for (guint i = 0; i < self->step_widgets->len; i++)
    {
      OcgStepState state = ocg_timeline_step_get_state (g_ptr_array_index (self->step_widgets, i));

      if (state == OCG_STEP_PENDING || state == OCG_STEP_RUNNING || state == OCG_STEP_INTERRUPTED)
        return TRUE;
    }

  return !strict && last != NULL &&
         g_strcmp0 (ocg_json_get_string (last, "finish"), "tool-calls") == 0 &&
         !ocg_json_has_path (last, "error");
}

/* Whether the server may still be working on this turn: its session is not
 * idle and this is the session's newest turn. Without a session, nobody
 * said: the messages alone tell. */
static gboolean
is_live (OcgTimeline *self)
{
  if (self->session == NULL)
    return TRUE;
  return self->latest && g_strcmp0 (ocg_session_get_status (self->session), "idle") != 0;
}

static gboolean
is_retrying (OcgTimeline *self)
{
  return self->busy && self->session != NULL && self->latest &&
         g_strcmp0 (ocg_session_get_status (self->session), "retry") == 0;
}

static void
update_times (OcgTimeline *self)
{
  self->start_ms = 0;
  self->end_ms = 0;
  for (guint i = 0; i < self->messages->len; i++)
    {
      JsonObject *json = ocg_record_get_json (g_ptr_array_index (self->messages, i));
      gint64 created = ocg_json_get_int (json, "time.created", 0);

      if (created > 0 && (self->start_ms == 0 || created < self->start_ms))
        self->start_ms = created;
      self->end_ms = MAX (self->end_ms, ocg_json_get_int (json, "time.completed", 0));
    }
}

static OcgTimelineStep *
find_step (OcgTimeline *self,
           OcgPart     *part)
{
  for (guint i = self->step_widgets->len; i > 0; i--)
    {
      OcgTimelineStep *step = g_ptr_array_index (self->step_widgets, i - 1);

      if (ocg_timeline_step_get_part (step) == part)
        return step;
    }
  return NULL;
}

/* What the newest part of the newest step says the turn is doing, worded as
 * the official app does */
static const char *
current_phrase (OcgTimeline *self)
{
  if (self->messages->len > 0)
    {
      OcgMessage *message = g_ptr_array_index (self->messages, self->messages->len - 1);
      GListModel *parts = ocg_store_get_parts (self->store, ocg_record_get_id (message));

      for (guint j = g_list_model_get_n_items (parts); j > 0; j--)
        {
          g_autoptr(OcgPart) part = g_list_model_get_item (parts, j - 1);
          const char *type = ocg_record_get_string (OCG_RECORD (part), "type");
          const char *phrase;

          if (g_strcmp0 (type, "tool") == 0)
            {
              if ((phrase = ocg_timeline_tool_phrase (ocg_record_get_string (OCG_RECORD (part), "tool"))))
                return phrase;
            }
          else if (g_strcmp0 (type, "reasoning") == 0)
            {
              OcgTimelineStep *step = find_step (self, part);

              return step != NULL ? ocg_timeline_step_get_label (step) : _("Thinking");
            }
          else if (g_strcmp0 (type, "text") == 0)
            return _("Gathering thoughts");
        }
    }
  return _("Considering next steps");
}

static void
set_status_text (OcgTimeline *self,
                 const char  *text)
{
  if (g_strcmp0 (self->status_text, text) == 0)
    return;
  g_free (self->status_text);
  self->status_text = g_strdup (text);
  gtk_label_set_text (GTK_LABEL (self->header_label), text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
}

/* "Attempt 3 failed: Rate limit exceeded", "next try in 12 s" */
static void
retry_texts (OcgTimeline  *self,
             char        **status,
             char        **countdown)
{
  const char *message = ocg_session_get_retry_message (self->session);
  guint attempt = ocg_session_get_retry_attempt (self->session);
  gint64 left = (ocg_session_get_retry_next (self->session) - ocg_timeline_now () + 999) / 1000;

  if (message == NULL || *message == '\0')
    message = _("the model’s provider did not answer");
  /* Translators: the server retries a failed call to the model; %u is the
   * number of the retry, %s the provider's error */
  *status = g_strdup_printf (_("Retry %u: %s"), attempt, message);
  if (left > 0)
    /* Translators: %d is a number of seconds */
    *countdown = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "next try in %d second", "next try in %d seconds",
                                               (gulong) left), (int) left);
  else
    *countdown = g_strdup (_("trying again now"));
}

static void
update_header (OcgTimeline *self)
{
  guint n = self->step_widgets->len;
  gboolean retrying = is_retrying (self);

  update_times (self);

  if (retrying)
    {
      g_autofree char *status = NULL;
      g_autofree char *countdown = NULL;
      g_autofree char *spoken = NULL;

      retry_texts (self, &status, &countdown);
      /* Translators: "Retry 3: Rate limit exceeded, next try in 12 seconds" */
      spoken = g_strdup_printf (_("%s, %s"), status, countdown);
      set_status_text (self, spoken);
      gtk_label_set_text (GTK_LABEL (self->header_label), status);
      ocg_text_set_tooltip (self->header_label, status);
      gtk_label_set_text (GTK_LABEL (self->header_time), countdown);
      gtk_widget_set_visible (self->header_time, TRUE);
    }
  else if (self->busy)
    {
      g_autofree char *elapsed = NULL;

      set_status_text (self, current_phrase (self));
      ocg_text_set_tooltip (self->header_label, NULL);
      if (self->start_ms > 0)
        elapsed = ocg_timeline_format_duration (ocg_timeline_now () - self->start_ms, TRUE);
      gtk_label_set_text (GTK_LABEL (self->header_time), elapsed != NULL ? elapsed : "");
      gtk_widget_set_visible (self->header_time, elapsed != NULL);
    }
  else if (self->interrupted)
    {
      g_autofree char *text = n > 0
        /* Translators: a turn the server stopped working on (stopped or restarted) */
        ? g_strdup_printf (ngettext ("Interrupted after %u step", "Interrupted after %u steps", n), n)
        : g_strdup (_("Interrupted"));

      set_status_text (self, text);
      ocg_text_set_tooltip (self->header_label, _("The server stopped working on this turn before it ended; "
                                                         "what it had done is kept"));
      gtk_widget_set_visible (self->header_time, FALSE);
    }
  else
    {
      g_autofree char *steps = g_strdup_printf (ngettext ("%u step", "%u steps", n), n);
      g_autofree char *summary = NULL;

      if (self->start_ms > 0 && self->end_ms >= self->start_ms)
        {
          g_autofree char *duration = ocg_timeline_format_duration (self->end_ms - self->start_ms, FALSE);

          /* Translators: "7 steps, 12 s" */
          summary = g_strdup_printf (_("%s, %s"), steps, duration);
        }
      set_status_text (self, summary != NULL ? summary : steps);
      ocg_text_set_tooltip (self->header_label, NULL);
      gtk_widget_set_visible (self->header_time, FALSE);
    }

  gtk_widget_set_visible (self->header_spinner, self->busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->header_spinner), self->busy);
  gtk_widget_set_visible (self->header_arrow, !self->busy);
  gtk_widget_set_visible (self->header, self->show_header);
  gtk_widget_set_visible (self->box, n > 0 || ((self->busy || self->interrupted) && self->show_header));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->header),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->status_text,
                                  -1);
  if (self->busy)
    gtk_widget_add_css_class (GTK_WIDGET (self), "busy");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "busy");
  if (retrying)
    gtk_widget_add_css_class (GTK_WIDGET (self), "retrying");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "retrying");
  if (self->interrupted)
    gtk_widget_add_css_class (GTK_WIDGET (self), "interrupted");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "interrupted");
}

static void
set_interrupted (OcgTimeline *self,
                 gboolean     interrupted)
{
  GHashTableIter iter;
  gpointer group;

  if (self->interrupted == interrupted)
    return;
  /* First, so that the steps' notifications see it */
  self->interrupted = interrupted;
  for (guint i = 0; i < self->step_widgets->len; i++)
    ocg_timeline_step_set_interrupted (g_ptr_array_index (self->step_widgets, i), interrupted);
  g_hash_table_iter_init (&iter, self->groups);
  while (g_hash_table_iter_next (&iter, NULL, &group))
    ocg_timeline_step_set_interrupted (group, interrupted);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERRUPTED]);
}

static void
update_state (OcgTimeline *self)
{
  gboolean busy, live = is_live (self), unfinished;

  if (self->busy_hint == TRUE)
    busy = TRUE;
  else if (self->busy_hint == FALSE)
    busy = compute_unfinished (self, TRUE);
  else if (self->session != NULL)
    busy = live;
  else
    busy = compute_unfinished (self, FALSE);

  unfinished = compute_unfinished (self, TRUE);
  set_interrupted (self, !busy && !live && unfinished);

  if (busy != self->busy)
    {
      self->busy = busy;
      /* Shown while busy; when done, summed up or not as the user prefers */
      if (self->show_header)
        ocg_timeline_set_expanded (self, busy || self->expand_finished);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }

  update_header (self);
  update_ticking (self);
}

static gboolean
on_tick (gpointer data)
{
  OcgTimeline *self = data;

  self->tick_id = 0;
  update_header (self);
  update_ticking (self);
  return G_SOURCE_REMOVE;
}

static void
update_ticking (OcgTimeline *self)
{
  gboolean tick = self->busy && self->show_header && gtk_widget_get_mapped (GTK_WIDGET (self));

  if (tick && self->tick_id == 0)
    self->tick_id = g_timeout_add (ocg_timeline_ms_to_next_tick (self->start_ms), on_tick, self);
  else if (!tick)
    g_clear_handle_id (&self->tick_id, g_source_remove);
}

static void
on_header_clicked (OcgTimeline *self)
{
  ocg_timeline_set_expanded (self, !self->expanded);
}

/* GObject */

static void
clear_turn (OcgTimeline *self)
{
  if (self->steps != NULL)
    g_signal_handlers_disconnect_by_func (self->steps, on_steps_changed, self);
  g_clear_object (&self->steps);
  if (self->turn != NULL)
    g_signal_handlers_disconnect_by_func (self->turn, on_turn_changed, self);
  g_clear_object (&self->turn);
  unwatch_messages (self);
  if (self->last_parts != NULL)
    g_signal_handlers_disconnect_by_func (self->last_parts, on_last_parts_changed, self);
  g_clear_object (&self->last_parts);
  g_ptr_array_set_size (self->step_widgets, 0);
  relayout (self);
}

/* A task's nested steps come from its child session, whose messages nobody
 * may have fetched yet (after a restart, say): once the steps are shown,
 * the window is asked to follow that session too */
static void
ask_for_messages (OcgTimeline *self)
{
  if (self->nested_session == NULL || self->load_asked || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  self->load_asked = gtk_widget_activate_action (GTK_WIDGET (self), "session.load-child", "s", self->nested_session);
}

static void
ocg_timeline_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (ocg_timeline_parent_class)->map (widget);
  update_ticking (OCG_TIMELINE (widget));
  ask_for_messages (OCG_TIMELINE (widget));
}

static void
ocg_timeline_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (ocg_timeline_parent_class)->unmap (widget);
  update_ticking (OCG_TIMELINE (widget));
}

static void
ocg_timeline_dispose (GObject *object)
{
  OcgTimeline *self = OCG_TIMELINE (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, on_session_notify, self);
  g_clear_object (&self->session);
  if (self->step_widgets != NULL)
    clear_turn (self);
  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (ocg_timeline_parent_class)->dispose (object);
}

static void
ocg_timeline_finalize (GObject *object)
{
  OcgTimeline *self = OCG_TIMELINE (object);

  g_clear_pointer (&self->step_widgets, g_ptr_array_unref);
  g_clear_pointer (&self->groups, g_hash_table_unref);
  g_clear_pointer (&self->messages, g_ptr_array_unref);
  g_clear_pointer (&self->status_text, g_free);
  g_clear_pointer (&self->nested_session, g_free);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ocg_timeline_parent_class)->finalize (object);
}

static void
ocg_timeline_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  OcgTimeline *self = OCG_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_TURN:
      g_value_set_object (value, self->turn);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_EXPANDED:
      g_value_set_boolean (value, self->expanded);
      break;
    case PROP_SHOW_HEADER:
      g_value_set_boolean (value, self->show_header);
      break;
    case PROP_N_STEPS:
      g_value_set_uint (value, self->step_widgets->len);
      break;
    case PROP_STATUS_TEXT:
      g_value_set_string (value, self->status_text);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_LATEST:
      g_value_set_boolean (value, self->latest);
      break;
    case PROP_INTERRUPTED:
      g_value_set_boolean (value, self->interrupted);
      break;
    case PROP_EXPAND_FINISHED:
      g_value_set_boolean (value, self->expand_finished);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_timeline_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  OcgTimeline *self = OCG_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_TURN:
      ocg_timeline_set_turn (self, g_value_get_object (value));
      break;
    case PROP_BUSY:
      ocg_timeline_set_busy (self, g_value_get_boolean (value));
      break;
    case PROP_EXPANDED:
      ocg_timeline_set_expanded (self, g_value_get_boolean (value));
      break;
    case PROP_SHOW_HEADER:
      ocg_timeline_set_show_header (self, g_value_get_boolean (value));
      break;
    case PROP_SESSION:
      ocg_timeline_set_owner_session (self, g_value_get_object (value));
      break;
    case PROP_LATEST:
      ocg_timeline_set_latest (self, g_value_get_boolean (value));
      break;
    case PROP_EXPAND_FINISHED:
      ocg_timeline_set_expand_finished (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_timeline_class_init (OcgTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ocg_timeline_dispose;
  object_class->finalize = ocg_timeline_finalize;
  object_class->get_property = ocg_timeline_get_property;
  object_class->set_property = ocg_timeline_set_property;

  widget_class->map = ocg_timeline_map;
  widget_class->unmap = ocg_timeline_unmap;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, OCG_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The turn's assistant messages (OcgMessage) */
  properties[PROP_TURN] =
    g_param_spec_object ("turn", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Whether the turn is in progress: a message is unfinished, a tool pending
   * or running, or the last step called tools; setting it tells what the
   * session's status says (TRUE keeps it busy, FALSE trusts the messages) */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Whether the steps are shown; follows busy unless set */
  properties[PROP_EXPANDED] =
    g_param_spec_boolean ("expanded", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* FALSE for a task's nested steps: no header, always expanded */
  properties[PROP_SHOW_HEADER] =
    g_param_spec_boolean ("show-header", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_STEPS] =
    g_param_spec_uint ("n-steps", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The header's text: the current phrase, or the summary */
  properties[PROP_STATUS_TEXT] =
    g_param_spec_string ("status-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The session whose turn this is: its status says whether the server is
   * still working on the turn, and whether it is retrying */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, OCG_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Whether this is the newest turn of its session */
  properties[PROP_LATEST] =
    g_param_spec_boolean ("latest", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Unfinished, and the server is not working on it any more */
  properties[PROP_INTERRUPTED] =
    g_param_spec_boolean ("interrupted", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The user's preference: finished turns show their steps */
  properties[PROP_EXPAND_FINISHED] =
    g_param_spec_boolean ("expand-finished", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "timeline");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ocg_timeline_init (OcgTimeline *self)
{
  GtkWidget *row;
  GtkWidget *node;

  self->busy_hint = -1;
  self->show_header = TRUE;
  self->step_widgets = g_ptr_array_new_with_free_func (destroy_step);
  self->groups = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->messages = g_ptr_array_new_with_free_func (g_object_unref);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->header = gtk_button_new ();
  gtk_widget_add_css_class (self->header, "flat");
  gtk_widget_add_css_class (self->header, "timeline-header");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->header), GTK_ACCESSIBLE_STATE_EXPANDED, FALSE, -1);
  g_signal_connect_swapped (self->header, "clicked", G_CALLBACK (on_header_clicked), self);
  gtk_box_append (GTK_BOX (self->box), self->header);

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_button_set_child (GTK_BUTTON (self->header), row);

  node = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (node, "header-node");
  gtk_box_append (GTK_BOX (row), node);
  gtk_widget_set_valign (node, GTK_ALIGN_CENTER);
  self->header_spinner = gtk_spinner_new ();
  gtk_widget_set_halign (self->header_spinner, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (node), self->header_spinner);
  self->header_arrow = gtk_image_new_from_icon_name ("pan-end-symbolic");
  gtk_widget_set_halign (self->header_arrow, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->header_arrow, "disclosure");
  gtk_box_append (GTK_BOX (node), self->header_arrow);

  self->header_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->header_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->header_label), PANGO_ELLIPSIZE_END);

  gtk_widget_add_css_class (self->header_label, "timeline-status");
  gtk_box_append (GTK_BOX (row), self->header_label);

  self->header_time = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->header_time, "numeric");
  gtk_widget_add_css_class (self->header_time, "timeline-elapsed");
  gtk_box_append (GTK_BOX (row), self->header_time);

  self->revealer = gtk_revealer_new ();
  gtk_revealer_set_transition_type (GTK_REVEALER (self->revealer), GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_box_append (GTK_BOX (self->box), self->revealer);

  self->steps_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (self->steps_box, "timeline-steps");
  gtk_revealer_set_child (GTK_REVEALER (self->revealer), self->steps_box);

  update_header (self);
}

/* Public */

GtkWidget *
ocg_timeline_new (OcgStore *store)
{
  g_return_val_if_fail (OCG_IS_STORE (store), NULL);

  return g_object_new (OCG_TYPE_TIMELINE, "store", store, NULL);
}

OcgStore *
ocg_timeline_get_store (OcgTimeline *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE (self), NULL);
  return self->store;
}

/* Binds the timeline to @assistant_messages (OcgMessage, live), or unbinds
 * it with NULL. A finished turn starts collapsed, a busy one expanded. */
void
ocg_timeline_set_turn (OcgTimeline *self,
                       GListModel  *assistant_messages)
{
  GtkMapListModel *map;

  g_return_if_fail (OCG_IS_TIMELINE (self));
  g_return_if_fail (assistant_messages == NULL || G_IS_LIST_MODEL (assistant_messages));

  if (assistant_messages == self->turn)
    return;

  clear_turn (self);

  if (assistant_messages != NULL)
    {
      self->turn = g_object_ref (assistant_messages);
      g_signal_connect_object (self->turn, "items-changed", G_CALLBACK (on_turn_changed),
                               self, G_CONNECT_SWAPPED);

      map = gtk_map_list_model_new (g_object_ref (assistant_messages), map_message, self, NULL);
      self->steps = G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (map)));
      g_signal_connect_swapped (self->steps, "items-changed", G_CALLBACK (on_steps_changed), self);
    }

  /* Without animations and before the first state change; what the caller
   * said of the busy state was said of the previous turn */
  self->busy = FALSE;
  self->busy_hint = -1;
  on_turn_changed (self);
  if (self->steps != NULL)
    on_steps_changed (self, 0, 0, g_list_model_get_n_items (self->steps), self->steps);
  ocg_timeline_set_expanded (self, self->busy || !self->show_header || self->expand_finished);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TURN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STEPS]);
}

GListModel *
ocg_timeline_get_turn (OcgTimeline *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE (self), NULL);
  return self->turn;
}

/* Binds the timeline to every assistant message of a session, as a task's
 * nested steps are */
void
ocg_timeline_set_session (OcgTimeline *self,
                          const char  *session_id)
{
  g_autoptr(GtkFilterListModel) assistant = NULL;

  g_return_if_fail (OCG_IS_TIMELINE (self));

  if (session_id == NULL)
    {
      ocg_timeline_set_turn (self, NULL);
      return;
    }

  assistant = gtk_filter_list_model_new (g_object_ref (ocg_store_get_messages (self->store, session_id)),
                                         GTK_FILTER (gtk_custom_filter_new (is_assistant, NULL, NULL)));
  ocg_timeline_set_turn (self, G_LIST_MODEL (assistant));
  /* The whole session is one turn: live while the session works */
  ocg_timeline_set_latest (self, TRUE);
  ocg_timeline_set_owner_session (self, ocg_store_lookup_session (self->store, session_id));
  if (g_strcmp0 (self->nested_session, session_id) != 0)
    {
      g_free (self->nested_session);
      self->nested_session = g_strdup (session_id);
      self->load_asked = FALSE;
    }
  ask_for_messages (self);
}

static void
on_session_notify (OcgTimeline *self,
                   GParamSpec  *pspec,
                   OcgSession  *session)
{
  update_state (self);
}

/* The session whose turn this is (see the "session" property) */
void
ocg_timeline_set_owner_session (OcgTimeline *self,
                                OcgSession  *session)
{
  g_return_if_fail (OCG_IS_TIMELINE (self));
  g_return_if_fail (session == NULL || OCG_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, on_session_notify, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_swapped (session, "notify::status", G_CALLBACK (on_session_notify), self);
      g_signal_connect_swapped (session, "notify::retry-attempt", G_CALLBACK (on_session_notify), self);
      g_signal_connect_swapped (session, "notify::retry-next", G_CALLBACK (on_session_notify), self);
      g_signal_connect_swapped (session, "notify::retry-message", G_CALLBACK (on_session_notify), self);
    }
  if (self->step_widgets != NULL)
    update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

OcgSession *
ocg_timeline_get_owner_session (OcgTimeline *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE (self), NULL);
  return self->session;
}

void
ocg_timeline_set_latest (OcgTimeline *self,
                         gboolean     latest)
{
  g_return_if_fail (OCG_IS_TIMELINE (self));

  latest = !!latest;
  if (self->latest == latest)
    return;
  self->latest = latest;
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATEST]);
}

gboolean
ocg_timeline_get_interrupted (OcgTimeline *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE (self), FALSE);
  return self->interrupted;
}

/* The user's preference: whether finished turns show their steps. Applies
 * at once to a finished timeline; a busy one shows its steps anyway. */
void
ocg_timeline_set_expand_finished (OcgTimeline *self,
                                  gboolean     expand_finished)
{
  g_return_if_fail (OCG_IS_TIMELINE (self));

  expand_finished = !!expand_finished;
  if (self->expand_finished == expand_finished)
    return;
  self->expand_finished = expand_finished;
  if (self->show_header && !self->busy)
    ocg_timeline_set_expanded (self, expand_finished);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPAND_FINISHED]);
}

gboolean
ocg_timeline_get_expand_finished (OcgTimeline *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE (self), FALSE);
  return self->expand_finished;
}

gboolean
ocg_timeline_get_busy (OcgTimeline *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE (self), FALSE);
  return self->busy;
}

void
ocg_timeline_set_busy (OcgTimeline *self,
                       gboolean     busy)
{
  g_return_if_fail (OCG_IS_TIMELINE (self));

  self->busy_hint = !!busy;
  update_state (self);
}

gboolean
ocg_timeline_get_expanded (OcgTimeline *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE (self), FALSE);
  return self->expanded;
}

void
ocg_timeline_set_expanded (OcgTimeline *self,
                           gboolean     expanded)
{
  g_return_if_fail (OCG_IS_TIMELINE (self));

  expanded = !!expanded;
  if (self->expanded == expanded)
    return;
  self->expanded = expanded;

  gtk_revealer_set_reveal_child (GTK_REVEALER (self->revealer), expanded);
  if (expanded)
    gtk_widget_add_css_class (GTK_WIDGET (self), "expanded");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "expanded");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->header), GTK_ACCESSIBLE_STATE_EXPANDED, expanded, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPANDED]);
}

gboolean
ocg_timeline_get_show_header (OcgTimeline *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE (self), FALSE);
  return self->show_header;
}

void
ocg_timeline_set_show_header (OcgTimeline *self,
                              gboolean     show_header)
{
  g_return_if_fail (OCG_IS_TIMELINE (self));

  show_header = !!show_header;
  if (self->show_header == show_header)
    return;
  self->show_header = show_header;
  if (show_header)
    gtk_widget_remove_css_class (GTK_WIDGET (self), "nested");
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "nested");
      ocg_timeline_set_expanded (self, TRUE);
    }
  update_header (self);
  update_ticking (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_HEADER]);
}

guint
ocg_timeline_get_n_steps (OcgTimeline *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE (self), 0);
  return self->step_widgets->len;
}

const char *
ocg_timeline_get_status_text (OcgTimeline *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE (self), NULL);
  return self->status_text;
}
