/* ocg-turn-row.c
 *
 * The head of a turn (the user's message and the timeline of the agent's
 * steps) or its foot (a line of figures and the error that ended it); the
 * answer between them is rows of Markdown of its own (see ocg-transcript.c).
 * Rows are recycled by the transcript's list view: everything here follows
 * the turn it is given through property notifications and list models, and
 * lets go of it on ocg_turn_row_set_turn (self, NULL).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ocg-application.h"
#include "ocg-a11y.h"
#include "ocg-json.h"
#include "ocg-text.h"
#include "ocg-timeline.h"
#include "ocg-turn-row.h"

struct _OcgTurnRow
{
  GtkWidget     parent_instance;

  OcgStore          *store;
  OcgTurn           *turn;
  OcgSession        *session;      /* the turn's, while bound */
  OcgTurnRowSection  section;
  gboolean           expand_finished;

  /* Children */
  GtkWidget    *box;
  GtkWidget    *user_bubble;
  GtkWidget    *user_text;
  GtkWidget    *user_files;
  GtkWidget    *send_error;
  GtkWidget    *send_error_label;
  GtkWidget    *timeline;
  GtkWidget    *error;
  GtkWidget    *footer;

  /* What we follow */
  GListModel   *user_parts;
  GPtrArray    *watched;       /* objects with our handlers */
  guint         refresh_id;
};

G_DEFINE_FINAL_TYPE (OcgTurnRow, ocg_turn_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_EXPAND_FINISHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_refresh (OcgTurnRow *self);

static void
on_notify_refresh (GObject    *object,
                   GParamSpec *pspec,
                   OcgTurnRow *self)
{
  schedule_refresh (self);
}

static void
on_items_refresh (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  OcgTurnRow *self)
{
  schedule_refresh (self);
}

static void
unwatch_all (OcgTurnRow *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

static void
watch (OcgTurnRow *self,
       gpointer    object,
       gboolean    is_model)
{
  if (is_model)
    g_signal_connect (object, "items-changed", G_CALLBACK (on_items_refresh), self);
  else
    g_signal_connect (object, "notify", G_CALLBACK (on_notify_refresh), self);
  g_ptr_array_add (self->watched, g_object_ref (object));
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    gtk_box_remove (GTK_BOX (box), child);
}

/* The user's words and attachments */
static void
refresh_user (OcgTurnRow *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = self->user_parts != NULL ? g_list_model_get_n_items (self->user_parts) : 0;

  clear_box (self->user_files);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OcgPart) part = g_list_model_get_item (self->user_parts, i);
      const char *type = ocg_record_get_string (OCG_RECORD (part), "type");

      if (g_strcmp0 (type, "text") == 0)
        {
          JsonObject *json = ocg_record_get_json (OCG_RECORD (part));
          g_autofree char *value = ocg_text_record_string (OCG_RECORD (part), "text");

          /* What opencode adds by itself is not what the user typed */
          if (value == NULL || json_object_get_boolean_member_with_default (json, "synthetic", FALSE))
            continue;
          if (text->len > 0)
            g_string_append (text, "\n\n");
          g_string_append (text, value);
        }
      else if (g_strcmp0 (type, "file") == 0)
        {
          JsonObject *json = ocg_text_record_json (OCG_RECORD (part));
          const char *name = ocg_json_get_string (json, "filename");
          GtkWidget *chip = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

          gtk_widget_add_css_class (chip, "file-chip");
          gtk_box_append (GTK_BOX (chip), gtk_image_new_from_icon_name ("text-x-generic-symbolic"));
          gtk_box_append (GTK_BOX (chip), gtk_label_new (name != NULL ? name : ocg_json_get_string (json, "url")));
          gtk_box_append (GTK_BOX (self->user_files), chip);
        }
    }

  gtk_label_set_text (GTK_LABEL (self->user_text), text->str);
  gtk_widget_set_visible (self->user_text, text->len > 0);
  gtk_widget_set_visible (self->user_files, gtk_widget_get_first_child (self->user_files) != NULL);
  gtk_widget_set_visible (self->user_bubble, text->len > 0 || gtk_widget_get_first_child (self->user_files) != NULL);
}

static char *
format_duration (gint64 ms)
{
  if (ms < 1000)
    return g_strdup_printf (_("%.1f s"), ms / 1000.0);
  if (ms < 60000)
    return g_strdup_printf (_("%d s"), (int) (ms / 1000));
  return g_strdup_printf (_("%d min %d s"), (int) (ms / 60000), (int) (ms / 1000 % 60));
}

static char *
format_count (gint64 n)
{
  if (n >= 1000000)
    return g_strdup_printf ("%.1fM", n / 1e6);
  if (n >= 1000)
    return g_strdup_printf ("%.1fk", n / 1e3);
  return g_strdup_printf ("%" G_GINT64_FORMAT, n);
}

/* Agent, model, duration, tokens and cost; and the error that ended the turn */
static void
refresh_footer (OcgTurnRow *self)
{
  GListModel *assistant = ocg_turn_get_assistant (self->turn);
  guint n = g_list_model_get_n_items (assistant);
  g_autoptr(GPtrArray) bits = g_ptr_array_new_with_free_func (g_free);
  gint64 start = 0, end = 0, input = 0, output = 0, reasoning = 0;
  double cost = 0;
  const char *agent = NULL, *model = NULL, *error_name = NULL, *error_message = NULL;
  gboolean done = TRUE, live;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OcgMessage) message = g_list_model_get_item (assistant, i);
      JsonObject *json = ocg_record_get_json (OCG_RECORD (message));
      gint64 created = ocg_json_get_int (json, "time.created", 0);
      gint64 completed = ocg_json_get_int (json, "time.completed", 0);

      if (start == 0 || (created > 0 && created < start))
        start = created;
      end = MAX (end, completed);
      done = done && completed > 0;
      input += ocg_json_get_int (json, "tokens.input", 0);
      output += ocg_json_get_int (json, "tokens.output", 0);
      reasoning += ocg_json_get_int (json, "tokens.reasoning", 0);
      cost += ocg_json_get_double (json, "cost", 0);
      agent = ocg_json_get_string (json, "agent") ?: ocg_json_get_string (json, "mode") ?: agent;
      model = ocg_json_get_string (json, "modelID") ?: model;
      if (ocg_json_get_string (json, "error.name") != NULL)
        {
          error_name = ocg_json_get_string (json, "error.name");
          error_message = ocg_json_get_string (json, "error.data.message");
        }
    }

  if (self->user_parts != NULL && ocg_turn_get_user_message (self->turn) != NULL)
    {
      JsonObject *json = ocg_record_get_json (OCG_RECORD (ocg_turn_get_user_message (self->turn)));

      if (ocg_json_get_int (json, "time.created", 0) > 0)
        start = ocg_json_get_int (json, "time.created", 0);
    }

  if (agent != NULL)
    g_ptr_array_add (bits, g_strdup (agent));
  if (model != NULL)
    g_ptr_array_add (bits, g_strdup (model));
  if (done && n > 0 && start > 0 && end >= start)
    g_ptr_array_add (bits, format_duration (end - start));
  if (input + output > 0)
    {
      g_autofree char *in = format_count (input);
      g_autofree char *out = format_count (output + reasoning);

      /* Translators: token counts, "in" for the prompt, "out" for the answer */
      g_ptr_array_add (bits, g_strdup_printf (_("%s in, %s out"), in, out));
    }
  if (cost > 0)
    g_ptr_array_add (bits, g_strdup_printf ("$%.4f", cost));
  g_ptr_array_add (bits, NULL);

  {
    g_autofree char *line = g_strjoinv (" · ", (char **) bits->pdata);

    gtk_label_set_text (GTK_LABEL (self->footer), line);
    gtk_widget_set_visible (self->footer, n > 0 && *line != '\0');
  }

  /* A turn that will not go on, though its last step never ended: the
   * server was stopped or restarted while it worked */
  live = self->session == NULL ||
         (ocg_turn_get_latest (self->turn) && g_strcmp0 (ocg_session_get_status (self->session), "idle") != 0);
  if (error_name == NULL && !done && n > 0 && !live)
    {
      gtk_label_set_text (GTK_LABEL (self->error), _("Interrupted: the server stopped working on this turn before it ended"));
      gtk_widget_remove_css_class (self->error, "error");
      gtk_widget_add_css_class (self->error, "dim-label");
      gtk_widget_set_visible (self->error, TRUE);
      return;
    }

  if (error_name != NULL)
    {
      gboolean aborted = g_strcmp0 (error_name, "MessageAbortedError") == 0;
      g_autofree char *text = aborted
        ? g_strdup (_("Stopped"))
        : g_strdup_printf ("%s: %s", error_name, error_message != NULL ? error_message : _("unknown error"));

      gtk_label_set_text (GTK_LABEL (self->error), text);
      if (aborted)
        {
          gtk_widget_remove_css_class (self->error, "error");
          gtk_widget_add_css_class (self->error, "dim-label");
        }
      else
        {
          gtk_widget_add_css_class (self->error, "error");
          gtk_widget_remove_css_class (self->error, "dim-label");
        }
    }
  gtk_widget_set_visible (self->error, error_name != NULL);
  /* The timeline tells busy from its messages and tools itself: it knows
   * that a step ending in tool calls is followed by another */
}

static void
refresh (OcgTurnRow *self)
{
  if (self->turn == NULL)
    return;
  if (self->section == OCG_TURN_ROW_HEAD)
    {
      refresh_user (self);
      ocg_timeline_set_latest (OCG_TIMELINE (self->timeline), ocg_turn_get_latest (self->turn));
    }
  else
    refresh_footer (self);
}

/* The session the turn belongs to, as its messages say */
static OcgSession *
find_session (OcgTurnRow *self,
              OcgTurn    *turn)
{
  OcgMessage *user = ocg_turn_get_user_message (turn);
  g_autoptr(OcgMessage) first = NULL;
  const char *session_id = NULL;

  if (user != NULL)
    session_id = ocg_record_get_string (OCG_RECORD (user), "sessionID");
  else if ((first = g_list_model_get_item (ocg_turn_get_assistant (turn), 0)) != NULL)
    session_id = ocg_record_get_string (OCG_RECORD (first), "sessionID");
  return session_id != NULL ? ocg_store_lookup_session (self->store, session_id) : NULL;
}

static gboolean
on_refresh (gpointer user_data)
{
  OcgTurnRow *self = user_data;

  self->refresh_id = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

/* Many changes arrive at once while a turn streams: one refresh per frame */
static void
schedule_refresh (OcgTurnRow *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add_full (GDK_PRIORITY_REDRAW - 1, on_refresh, self, NULL);
}

static void
on_assistant_changed (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      OcgTurnRow *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(OcgMessage) message = g_list_model_get_item (model, i);

      watch (self, message, FALSE);
    }
  schedule_refresh (self);
}

static void
on_send_error_changed (OcgTurn    *turn,
                       GParamSpec *pspec,
                       OcgTurnRow *self)
{
  ocg_turn_row_set_send_error (self, ocg_turn_get_send_error (turn));
}

void
ocg_turn_row_set_turn (OcgTurnRow *self,
                       OcgTurn    *turn)
{
  g_return_if_fail (OCG_IS_TURN_ROW (self));

  if (self->turn == turn)
    return;

  unwatch_all (self);
  self->user_parts = NULL;
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->turn != NULL)
    g_signal_handlers_disconnect_by_func (self->turn, on_send_error_changed, self);
  g_set_object (&self->turn, turn);
  g_clear_object (&self->session);
  ocg_turn_row_set_send_error (self, turn != NULL ? ocg_turn_get_send_error (turn) : NULL);
  if (turn != NULL)
    g_signal_connect (turn, "notify::send-error", G_CALLBACK (on_send_error_changed), self);

  if (turn == NULL)
    {
      if (self->timeline != NULL)
        {
          ocg_timeline_set_turn (OCG_TIMELINE (self->timeline), NULL);
          ocg_timeline_set_owner_session (OCG_TIMELINE (self->timeline), NULL);
        }
      return;
    }

  self->session = find_session (self, turn);
  if (self->session != NULL)
    g_object_ref (self->session);

  {
    OcgMessage *user = ocg_turn_get_user_message (turn);
    GListModel *assistant = ocg_turn_get_assistant (turn);

    watch (self, turn, FALSE);
    if (user != NULL)
      {
        self->user_parts = ocg_store_get_parts (self->store, ocg_record_get_id (user));
        watch (self, self->user_parts, TRUE);
        watch (self, user, FALSE);
      }

    if (self->section == OCG_TURN_ROW_FOOT)
      {
        if (self->session != NULL)
          watch (self, self->session, FALSE);
        g_signal_connect (assistant, "items-changed", G_CALLBACK (on_assistant_changed), self);
        g_ptr_array_add (self->watched, g_object_ref (assistant));
        on_assistant_changed (assistant, 0, 0, g_list_model_get_n_items (assistant), self);
      }
    else
      {
        /* The session and whether the turn is its newest first, so that
         * the timeline tells busy from interrupted from the start */
        ocg_timeline_set_owner_session (OCG_TIMELINE (self->timeline), self->session);
        ocg_timeline_set_latest (OCG_TIMELINE (self->timeline), ocg_turn_get_latest (turn));
        ocg_timeline_set_turn (OCG_TIMELINE (self->timeline), assistant);
      }
  }

  refresh (self);
}

OcgTurn *
ocg_turn_row_get_turn (OcgTurnRow *self)
{
  g_return_val_if_fail (OCG_IS_TURN_ROW (self), NULL);
  return self->turn;
}

/* A send that failed: the error under the user's message, with Retry */
void
ocg_turn_row_set_send_error (OcgTurnRow *self,
                             const char *error)
{
  g_return_if_fail (OCG_IS_TURN_ROW (self));

  /* Only a head shows it */
  if (self->send_error == NULL)
    return;
  gtk_label_set_text (GTK_LABEL (self->send_error_label), error != NULL ? error : "");
  gtk_widget_set_visible (self->send_error, error != NULL);
}

static void
on_retry_clicked (GtkButton  *button,
                  OcgTurnRow *self)
{
  /* The page that shows the transcript sends it again; the turn's key is
   * its message's id */
  if (self->turn != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "session.retry-send", "s", ocg_turn_get_key (self->turn));
}

static void
ocg_turn_row_dispose (GObject *object)
{
  OcgTurnRow *self = OCG_TURN_ROW (object);

  ocg_turn_row_set_turn (self, NULL);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ocg_turn_row_parent_class)->dispose (object);
}

static void
ocg_turn_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  OcgTurnRow *self = OCG_TURN_ROW (object);

  switch (prop_id)
    {
    case PROP_EXPAND_FINISHED:
      g_value_set_boolean (value, self->expand_finished);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_turn_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  OcgTurnRow *self = OCG_TURN_ROW (object);

  switch (prop_id)
    {
    case PROP_EXPAND_FINISHED:
      if (self->expand_finished != g_value_get_boolean (value))
        {
          self->expand_finished = g_value_get_boolean (value);
          if (self->timeline != NULL)
            ocg_timeline_set_expand_finished (OCG_TIMELINE (self->timeline), self->expand_finished);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_turn_row_finalize (GObject *object)
{
  OcgTurnRow *self = OCG_TURN_ROW (object);

  g_ptr_array_unref (self->watched);

  G_OBJECT_CLASS (ocg_turn_row_parent_class)->finalize (object);
}

static void
ocg_turn_row_class_init (OcgTurnRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ocg_turn_row_dispose;
  object_class->finalize = ocg_turn_row_finalize;
  object_class->get_property = ocg_turn_row_get_property;
  object_class->set_property = ocg_turn_row_set_property;

  /* The user's preference: finished turns show their steps */
  properties[PROP_EXPAND_FINISHED] =
    g_param_spec_boolean ("expand-finished", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "turn");
}

static void
ocg_turn_row_init (OcgTurnRow *self)
{
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
}

/* The user's message to the right, a failed send under it, the timeline */
static void
build_head (OcgTurnRow *self)
{
  GtkWidget *retry;

  self->user_bubble = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class (self->user_bubble, "user-message");
  gtk_widget_set_halign (self->user_bubble, GTK_ALIGN_END);
  gtk_widget_set_margin_start (self->user_bubble, 48);
  self->user_text = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->user_text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->user_text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (self->user_text), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->user_text), 0);
  gtk_box_append (GTK_BOX (self->user_bubble), self->user_text);
  self->user_files = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (self->user_bubble), self->user_files);
  gtk_box_append (GTK_BOX (self->box), self->user_bubble);

  /* A grid, not a box: GTK 4.8's box lines up the baselines of the icon,
   * the wrapping label and the button only when it is measured for a width,
   * and is then taller for every width than without one (GTK warns of
   * overlapping widgets). A grid measures both ways alike. */
  self->send_error = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (self->send_error), 6);
  gtk_widget_set_halign (self->send_error, GTK_ALIGN_END);
  gtk_widget_add_css_class (self->send_error, "send-error");
  gtk_grid_attach (GTK_GRID (self->send_error), gtk_image_new_from_icon_name ("dialog-warning-symbolic"), 0, 0, 1, 1);
  self->send_error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->send_error_label), TRUE);
  gtk_widget_add_css_class (self->send_error_label, "error");
  gtk_grid_attach (GTK_GRID (self->send_error), self->send_error_label, 1, 0, 1, 1);
  retry = ocg_a11y_button_new_with_mnemonic (_("_Retry"));
  gtk_widget_add_css_class (retry, "pill");
  g_signal_connect (retry, "clicked", G_CALLBACK (on_retry_clicked), self);
  gtk_grid_attach (GTK_GRID (self->send_error), retry, 2, 0, 1, 1);
  gtk_widget_set_visible (self->send_error, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->send_error);

  self->timeline = ocg_timeline_new (self->store);
  ocg_timeline_set_expand_finished (OCG_TIMELINE (self->timeline), self->expand_finished);
  gtk_box_append (GTK_BOX (self->box), self->timeline);
}

/* The error that ended the turn, and its figures */
static void
build_foot (OcgTurnRow *self)
{
  self->error = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error), TRUE);
  gtk_label_set_selectable (GTK_LABEL (self->error), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->error), 0);
  gtk_widget_add_css_class (self->error, "turn-error");
  gtk_box_append (GTK_BOX (self->box), self->error);

  self->footer = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->footer), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->footer), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (self->footer, "turn-footer");
  gtk_widget_add_css_class (self->footer, "dim-label");
  gtk_widget_add_css_class (self->footer, "caption");
  gtk_box_append (GTK_BOX (self->box), self->footer);
}

GtkWidget *
ocg_turn_row_new (OcgStore          *store,
                  OcgTurnRowSection  section)
{
  OcgTurnRow *self;

  g_return_val_if_fail (OCG_IS_STORE (store), NULL);

  self = g_object_new (OCG_TYPE_TURN_ROW, NULL);
  self->store = g_object_ref (store);
  self->section = section;
  if (section == OCG_TURN_ROW_HEAD)
    build_head (self);
  else
    build_foot (self);
  return GTK_WIDGET (self);
}
