/* ocg-prompt-dock.c
 *
 * Above the composer: what the agent asks of the user in the open session
 * and in any session it delegated to (a `task` runs in a child session, and
 * its requests would otherwise go unseen). A card goes away when the server
 * says the request is answered, whoever answered it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ocg-a11y.h"
#include "ocg-json.h"
#include "ocg-prompt-dock.h"
#include "ocg-text.h"

struct _OcgPromptDock
{
  GtkWidget  parent_instance;

  OcgStore  *store;
  OcgClient *client;
  char      *session_id;
  GtkWidget *box;
  guint      n_prompts;
};

G_DEFINE_FINAL_TYPE (OcgPromptDock, ocg_prompt_dock, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_N_PROMPTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Whether @session_id is the open session or one of its descendants */
static gboolean
in_family (OcgPromptDock *self,
           const char    *session_id)
{
  guint depth = 0;

  while (session_id != NULL && depth++ < 32)
    {
      OcgSession *session;

      if (g_strcmp0 (session_id, self->session_id) == 0)
        return TRUE;
      session = ocg_store_lookup_session (self->store, session_id);
      session_id = session != NULL ? ocg_session_get_parent_id (session) : NULL;
    }
  return FALSE;
}

typedef struct
{
  OcgPromptDock *dock;
  GtkWidget     *card;
} Reply;

static void
set_card_busy (GtkWidget  *card,
               gboolean    busy,
               const char *error)
{
  GtkWidget *buttons = g_object_get_data (G_OBJECT (card), "buttons");
  GtkWidget *error_label = g_object_get_data (G_OBJECT (card), "error");

  gtk_widget_set_sensitive (buttons, !busy);
  gtk_label_set_text (GTK_LABEL (error_label), error != NULL ? error : "");
  gtk_widget_set_visible (error_label, error != NULL);
}

static void
on_replied (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Reply *reply = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ocg_client_call_finish (OCG_CLIENT (source), result, NULL, &error);

  /* On success the card goes when the server's event arrives */
  if (node == NULL && gtk_widget_get_parent (reply->card) != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not send the answer: %s"), error->message);

      set_card_busy (reply->card, FALSE, text);
    }
  g_object_unref (reply->card);
  g_object_unref (reply->dock);
  g_free (reply);
}

static Reply *
reply_new (OcgPromptDock *self,
           GtkWidget     *card)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->dock = g_object_ref (self);
  reply->card = g_object_ref (card);
  set_card_busy (card, TRUE, NULL);
  return reply;
}

static void
on_permission_button (GtkButton     *button,
                      OcgPromptDock *self)
{
  GtkWidget *card = g_object_get_data (G_OBJECT (button), "card");
  const char *answer = g_object_get_data (G_OBJECT (button), "reply");
  const char *request_id = g_object_get_data (G_OBJECT (card), "request-id");

  if (self->client == NULL)
    return;
  ocg_client_reply_permission_async (self->client, request_id, answer, NULL,
                                     on_replied, reply_new (self, card));
}

static GtkWidget *
card_new (const char *icon,
          const char *title,
          const char *subtitle)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *error = gtk_label_new (NULL);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "prompt-card");
  gtk_box_append (GTK_BOX (header), gtk_image_new_from_icon_name (icon));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (titles), label);
  if (subtitle != NULL)
    {
      GtkWidget *sub = gtk_label_new (subtitle);

      gtk_label_set_xalign (GTK_LABEL (sub), 0);
      gtk_label_set_ellipsize (GTK_LABEL (sub), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (sub, "dim-label");
      gtk_widget_add_css_class (sub, "caption");
      gtk_box_append (GTK_BOX (titles), sub);
    }
  gtk_box_append (GTK_BOX (header), titles);
  gtk_box_append (GTK_BOX (card), header);

  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_label_set_wrap (GTK_LABEL (error), TRUE);
  gtk_widget_add_css_class (error, "error");
  gtk_widget_set_visible (error, FALSE);
  g_object_set_data (G_OBJECT (card), "error", error);
  return card;
}

static GtkWidget *
code_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "prompt-code");
  return label;
}

static char *
origin (OcgPromptDock *self,
        const char    *session_id)
{
  OcgSession *session;
  g_autofree char *title = NULL;

  if (g_strcmp0 (session_id, self->session_id) == 0)
    return NULL;
  session = ocg_store_lookup_session (self->store, session_id);
  title = session != NULL ? ocg_text_record_string (OCG_RECORD (session), "title") : NULL;
  /* Translators: the request comes from a subagent's session, named here */
  return g_strdup_printf (_("From the subagent “%s”"), title != NULL ? title : session_id);
}

static GtkWidget *
permission_card (OcgPromptDock *self,
                 OcgRequest    *request)
{
  JsonObject *json = ocg_text_record_json (OCG_RECORD (request));
  const char *permission = ocg_json_get_string (json, "permission");
  const char *command = ocg_json_get_string (json, "metadata.command");
  JsonArray *patterns = ocg_json_get_array (json, "patterns");
  g_autofree char *from = origin (self, ocg_record_get_string (OCG_RECORD (request), "sessionID"));
  g_autofree char *title = NULL;
  GtkWidget *card, *buttons;
  static const struct { const char *label; const char *reply; const char *style; } actions[] = {
    { N_("_Reject"), "reject", "destructive-action" },
    { N_("Allow _Always"), "always", NULL },
    { N_("Allow _Once"), "once", "suggested-action" },
  };

  /* Translators: %s is what the agent wants to do, e.g. "bash" or "edit" */
  title = g_strdup_printf (_("The agent asks permission to use %s"), permission != NULL ? permission : _("a tool"));
  card = card_new ("dialog-password-symbolic", title, from);

  if (command != NULL)
    gtk_box_append (GTK_BOX (card), code_label (command));
  else if (patterns != NULL)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (patterns); i++)
        {
          const char *pattern = json_array_get_string_element (patterns, i);

          if (pattern == NULL)
            continue;
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, pattern);
        }
      if (text->len > 0)
        gtk_box_append (GTK_BOX (card), code_label (text->str));
    }

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GtkWidget *button = ocg_a11y_button_new_with_mnemonic (_(actions[i].label));

      if (actions[i].style != NULL)
        gtk_widget_add_css_class (button, actions[i].style);
      g_object_set_data (G_OBJECT (button), "card", card);
      g_object_set_data (G_OBJECT (button), "reply", (gpointer) actions[i].reply);
      g_signal_connect (button, "clicked", G_CALLBACK (on_permission_button), self);
      gtk_box_append (GTK_BOX (buttons), button);
    }
  g_object_set_data (G_OBJECT (card), "buttons", buttons);
  gtk_box_append (GTK_BOX (card), g_object_get_data (G_OBJECT (card), "error"));
  gtk_box_append (GTK_BOX (card), buttons);
  return card;
}

/* Questions: each question's chosen labels, plus the free answer if any */
static JsonArray *
collect_answers (GtkWidget *card)
{
  GPtrArray *questions = g_object_get_data (G_OBJECT (card), "questions");
  JsonArray *answers = json_array_new ();

  for (guint i = 0; i < questions->len; i++)
    {
      GPtrArray *widgets = g_ptr_array_index (questions, i);
      JsonArray *chosen = json_array_new ();

      for (guint j = 0; j < widgets->len; j++)
        {
          GtkWidget *widget = g_ptr_array_index (widgets, j);

          if (GTK_IS_CHECK_BUTTON (widget) && gtk_check_button_get_active (GTK_CHECK_BUTTON (widget)))
            json_array_add_string_element (chosen, g_object_get_data (G_OBJECT (widget), "label"));
          else if (GTK_IS_ENTRY (widget))
            {
              g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget))));

              if (*text != '\0')
                json_array_add_string_element (chosen, text);
            }
        }
      json_array_add_array_element (answers, chosen);
    }
  return answers;
}

static void
on_question_submit (GtkButton     *button,
                    OcgPromptDock *self)
{
  GtkWidget *card = g_object_get_data (G_OBJECT (button), "card");
  g_autoptr(JsonArray) answers = collect_answers (card);

  if (self->client == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (answers); i++)
    if (json_array_get_length (json_array_get_array_element (answers, i)) == 0)
      {
        set_card_busy (card, FALSE, _("Choose an answer for every question, or dismiss them"));
        return;
      }
  ocg_client_reply_question_async (self->client, g_object_get_data (G_OBJECT (card), "request-id"),
                                   answers, NULL, on_replied, reply_new (self, card));
}

static void
on_question_dismiss (GtkButton     *button,
                     OcgPromptDock *self)
{
  GtkWidget *card = g_object_get_data (G_OBJECT (button), "card");

  if (self->client == NULL)
    return;
  ocg_client_reject_question_async (self->client, g_object_get_data (G_OBJECT (card), "request-id"),
                                    NULL, on_replied, reply_new (self, card));
}

/* The record's object with U+0000 kept in its strings (as %OCG_JSON_NUL,
 * which ocg_json_to_string() sends back as such); NULL when it has none */
static JsonParser *
exact_tree (OcgRecord *record)
{
  g_autoptr(GString) text = NULL;
  g_autoptr(JsonParser) parser = NULL;

  if (!ocg_record_holds_nul (record))
    return NULL;
  text = g_string_new (NULL);
  ocg_record_append_json (record, text);
  parser = json_parser_new ();
  if (!ocg_json_parse (parser, text->str, text->len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return g_steal_pointer (&parser);
}

static const char *
exact_option_label (JsonArray *questions,
                    guint      question,
                    guint      option)
{
  JsonObject *object;
  JsonArray *options;

  if (questions == NULL || question >= json_array_get_length (questions))
    return NULL;
  object = json_array_get_object_element (questions, question);
  options = object != NULL ? ocg_json_get_array (object, "options") : NULL;
  if (options == NULL || option >= json_array_get_length (options))
    return NULL;
  object = json_array_get_object_element (options, option);
  return object != NULL ? ocg_json_get_string (object, "label") : NULL;
}

static GtkWidget *
question_card (OcgPromptDock *self,
               OcgRequest    *request)
{
  JsonObject *json = ocg_text_record_json (OCG_RECORD (request));
  JsonArray *questions = ocg_json_get_array (json, "questions");
  /* The answer repeats an option's label exactly, U+0000 included */
  g_autoptr(JsonParser) exact = exact_tree (OCG_RECORD (request));
  JsonArray *exact_questions = ocg_json_get_array (exact != NULL ? json_node_get_object (json_parser_get_root (exact))
                                                                 : ocg_record_get_json (OCG_RECORD (request)),
                                                   "questions");
  g_autofree char *from = origin (self, ocg_record_get_string (OCG_RECORD (request), "sessionID"));
  GPtrArray *per_question = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GtkWidget *card, *buttons, *submit, *dismiss;
  guint n = questions != NULL ? json_array_get_length (questions) : 0;

  card = card_new ("dialog-question-symbolic",
                   g_dngettext (GETTEXT_PACKAGE, "The agent has a question", "The agent has questions", n),
                   from);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *question = json_array_get_object_element (questions, i);
      JsonArray *options = question != NULL ? ocg_json_get_array (question, "options") : NULL;
      gboolean multiple = question != NULL && json_object_get_boolean_member_with_default (question, "multiple", FALSE);
      gboolean custom = question == NULL || json_object_get_boolean_member_with_default (question, "custom", TRUE);
      GPtrArray *widgets = g_ptr_array_new ();
      GtkWidget *label, *group = NULL, *entry;
      const char *text = question != NULL ? ocg_json_get_string (question, "question") : NULL;

      label = gtk_label_new (text != NULL ? text : "");
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_box_append (GTK_BOX (card), label);

      for (guint j = 0; options != NULL && j < json_array_get_length (options); j++)
        {
          JsonObject *option = json_array_get_object_element (options, j);
          const char *option_label = option != NULL ? ocg_json_get_string (option, "label") : NULL;
          const char *exact_label = option_label != NULL ? exact_option_label (exact_questions, i, j) : NULL;
          const char *description = option != NULL ? ocg_json_get_string (option, "description") : NULL;
          g_autofree char *shown = NULL;
          GtkWidget *check;

          if (option_label == NULL)
            continue;
          shown = description != NULL && *description != '\0'
            ? g_strdup_printf ("%s — %s", option_label, description)
            : g_strdup (option_label);
          /* One answer of several: radio buttons, also for screen readers
           * (GTK 4.8 keeps a grouped check button a check box for them) */
          check = g_object_new (GTK_TYPE_CHECK_BUTTON, "label", shown,
                                "accessible-role", multiple ? GTK_ACCESSIBLE_ROLE_CHECKBOX : GTK_ACCESSIBLE_ROLE_RADIO,
                                NULL);
          g_object_set_data_full (G_OBJECT (check), "label", g_strdup (exact_label != NULL ? exact_label : option_label), g_free);
          if (!multiple)
            {
              if (group == NULL)
                group = check;
              else
                gtk_check_button_set_group (GTK_CHECK_BUTTON (check), GTK_CHECK_BUTTON (group));
            }
          g_ptr_array_add (widgets, check);
          gtk_box_append (GTK_BOX (card), check);
        }

      if (custom)
        {
          entry = gtk_entry_new ();
          ocg_a11y_set_name (entry, _("Or type your own answer"));
          gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Or type your own answer"));
          g_ptr_array_add (widgets, entry);
          gtk_box_append (GTK_BOX (card), entry);
        }
      g_ptr_array_add (per_question, widgets);
    }
  g_object_set_data_full (G_OBJECT (card), "questions", per_question, (GDestroyNotify) g_ptr_array_unref);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  dismiss = ocg_a11y_button_new_with_mnemonic (_("_Dismiss"));
  g_object_set_data (G_OBJECT (dismiss), "card", card);
  g_signal_connect (dismiss, "clicked", G_CALLBACK (on_question_dismiss), self);
  submit = ocg_a11y_button_new_with_mnemonic (_("_Submit"));
  gtk_widget_add_css_class (submit, "suggested-action");
  g_object_set_data (G_OBJECT (submit), "card", card);
  g_signal_connect (submit, "clicked", G_CALLBACK (on_question_submit), self);
  gtk_box_append (GTK_BOX (buttons), dismiss);
  gtk_box_append (GTK_BOX (buttons), submit);
  g_object_set_data (G_OBJECT (card), "buttons", buttons);
  gtk_box_append (GTK_BOX (card), g_object_get_data (G_OBJECT (card), "error"));
  gtk_box_append (GTK_BOX (card), buttons);
  return card;
}

static GtkWidget *
find_card (OcgPromptDock *self,
           const char    *request_id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (self->box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (child), "request-id"), request_id) == 0)
      return child;
  return NULL;
}

/* Cards for the family's pending requests: new ones added, answered ones
 * removed, the others left as they are (with what the user chose so far) */
static void
rebuild (OcgPromptDock *self)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  GListModel *sessions = ocg_store_get_sessions (self->store);
  guint n_sessions = g_list_model_get_n_items (sessions);
  GtkWidget *child;
  guint n = 0;

  for (guint s = 0; self->session_id != NULL && s <= n_sessions; s++)
    {
      g_autoptr(OcgSession) session = s < n_sessions ? g_list_model_get_item (sessions, s) : NULL;
      const char *session_id = session != NULL ? ocg_record_get_id (session) : self->session_id;

      /* The open session itself comes last, in case the store lacks it */
      if (session != NULL && (!in_family (self, session_id) || g_strcmp0 (session_id, self->session_id) == 0))
        continue;

      for (OcgRequestKind kind = OCG_REQUEST_PERMISSION; kind <= OCG_REQUEST_QUESTION; kind++)
        {
          GListModel *requests = ocg_store_get_requests (self->store, kind, session_id);

          for (guint i = 0; i < g_list_model_get_n_items (requests); i++)
            {
              g_autoptr(OcgRequest) request = g_list_model_get_item (requests, i);
              const char *id = ocg_record_get_id (request);

              g_hash_table_add (wanted, (gpointer) id);
              if (find_card (self, id) == NULL)
                {
                  GtkWidget *card = kind == OCG_REQUEST_PERMISSION
                    ? permission_card (self, request)
                    : question_card (self, request);

                  g_object_set_data_full (G_OBJECT (card), "request-id", g_strdup (id), g_free);
                  gtk_box_append (GTK_BOX (self->box), card);
                }
            }
        }
    }

  child = gtk_widget_get_first_child (self->box);
  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (!g_hash_table_contains (wanted, g_object_get_data (G_OBJECT (child), "request-id")))
        gtk_box_remove (GTK_BOX (self->box), child);
      else
        n++;
      child = next;
    }

  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);
  if (n != self->n_prompts)
    {
      self->n_prompts = n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PROMPTS]);
    }
}

static void
on_session_data_changed (OcgStore      *store,
                         const char    *session_id,
                         const char    *what,
                         OcgPromptDock *self)
{
  if ((g_str_equal (what, "permission") || g_str_equal (what, "question")) && in_family (self, session_id))
    rebuild (self);
}

void
ocg_prompt_dock_set_client (OcgPromptDock *self,
                            OcgClient     *client)
{
  g_return_if_fail (OCG_IS_PROMPT_DOCK (self));
  g_set_object (&self->client, client);
}

void
ocg_prompt_dock_set_session (OcgPromptDock *self,
                             const char    *session_id)
{
  g_return_if_fail (OCG_IS_PROMPT_DOCK (self));

  g_free (self->session_id);
  self->session_id = g_strdup (session_id);

  /* Another session's cards go */
  while (gtk_widget_get_first_child (self->box) != NULL)
    gtk_box_remove (GTK_BOX (self->box), gtk_widget_get_first_child (self->box));
  rebuild (self);
}

guint
ocg_prompt_dock_get_n_prompts (OcgPromptDock *self)
{
  g_return_val_if_fail (OCG_IS_PROMPT_DOCK (self), 0);
  return self->n_prompts;
}

static void
ocg_prompt_dock_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_N_PROMPTS:
      g_value_set_uint (value, OCG_PROMPT_DOCK (object)->n_prompts);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_prompt_dock_dispose (GObject *object)
{
  OcgPromptDock *self = OCG_PROMPT_DOCK (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_pointer (&self->session_id, g_free);

  G_OBJECT_CLASS (ocg_prompt_dock_parent_class)->dispose (object);
}

static void
ocg_prompt_dock_class_init (OcgPromptDockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ocg_prompt_dock_dispose;
  object_class->get_property = ocg_prompt_dock_get_property;

  properties[PROP_N_PROMPTS] =
    g_param_spec_uint ("n-prompts", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "promptdock");
}

static void
ocg_prompt_dock_init (OcgPromptDock *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
ocg_prompt_dock_new (OcgStore *store)
{
  OcgPromptDock *self;

  g_return_val_if_fail (OCG_IS_STORE (store), NULL);

  self = g_object_new (OCG_TYPE_PROMPT_DOCK, NULL);
  self->store = g_object_ref (store);
  g_signal_connect (store, "session-data-changed", G_CALLBACK (on_session_data_changed), self);
  return GTK_WIDGET (self);
}
