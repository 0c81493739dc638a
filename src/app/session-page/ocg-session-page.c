/* ocg-session-page.c: one open session
 *
 * The page owns everything that belongs to the session it shows: the
 * transcript, the prompts waiting for an answer, the composer with its
 * draft, the messages on their way to the server, and the commands on the
 * session. Those are actions in the "session" group (session.send,
 * session.stop, session.retry-send, session.rename, session.delete,
 * session.open-child, session.back, session.load-older), which the widgets inside the page
 * reach by activating them; the window that hosts the page adds the same
 * group for its header and its shortcuts.
 *
 * The page's calls to the server are cancelled when it goes, except the
 * sending of a message: once the user has sent it, closing the page must
 * not take it back halfway.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ocg-chat-view.h"
#include "ocg-client.h"
#include "ocg-composer.h"
#include "ocg-ids.h"
#include "ocg-prompt-dock.h"
#include "ocg-session-page.h"
#include "ocg-store.h"
#include "ocg-sync.h"
#include "ocg-text.h"

struct _OcgSessionPage
{
  GtkWidget           parent_instance;

  OcgConnection      *connection;
  OcgStore           *store;
  char               *session_id;
  OcgSession         *session;        /* followed for busy and title */
  char               *title;
  GHashTable         *pending_texts;  /* message id -> text, until the send succeeds */
  GCancellable       *cancellable;
  OcgSync            *watched_sync;   /* whose "messages-loaded" we follow (weak) */
  OcgSync            *held_sync;      /* where the sessions below are held (weak) */
  GPtrArray          *held;           /* the session shown and the subagents' it shows */
  GSimpleActionGroup *actions;
  GPtrArray          *back;           /* session ids, the parent last: Alt+Left */

  GtkWidget          *back_bar;
  GtkWidget          *back_label;
  GtkWidget          *chat_view;
  GtkWidget          *prompt_dock;
  GtkWidget          *composer;
};

G_DEFINE_FINAL_TYPE (OcgSessionPage, ocg_session_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_SESSION_ID,
  PROP_TITLE,
  PROP_BUSY,
  PROP_EXPAND_FINISHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
fail (OcgSessionPage *self,
      const char     *message)
{
  g_signal_emit (self, signals[FAILED], 0, message);
}

static void
set_action_enabled (OcgSessionPage *self,
                    const char     *name,
                    gboolean        enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* The session's state */

/* The way back from a child session: the parent's title */
static void
update_back (OcgSessionPage *self)
{
  const char *parent = self->back->len > 0 ? g_ptr_array_index (self->back, self->back->len - 1) : NULL;
  OcgSession *session = parent != NULL ? ocg_store_lookup_session (self->store, parent) : NULL;
  g_autofree char *title = session != NULL ? ocg_text_record_string (OCG_RECORD (session), "title") : NULL;

  gtk_widget_set_visible (self->back_bar, parent != NULL);
  set_action_enabled (self, "back", parent != NULL);
  gtk_label_set_text (GTK_LABEL (self->back_label),
                      title != NULL && *title != '\0' ? title : parent != NULL ? parent : "");
}

static void
update_title (OcgSessionPage *self)
{
  g_autofree char *title = self->session != NULL ? ocg_text_record_string (OCG_RECORD (self->session), "title") : NULL;
  const char *shown = title != NULL && *title != '\0' ? title : _("New Session");

  if (g_strcmp0 (shown, self->title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (shown);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

gboolean
ocg_session_page_get_busy (OcgSessionPage *self)
{
  g_return_val_if_fail (OCG_IS_SESSION_PAGE (self), FALSE);
  return self->session != NULL && g_strcmp0 (ocg_session_get_status (self->session), "idle") != 0;
}

static void
update_composer (OcgSessionPage *self)
{
  OcgComposer *composer = OCG_COMPOSER (self->composer);
  const char *reason = NULL;
  gboolean was_busy = ocg_composer_get_busy (composer);

  switch (ocg_connection_get_state (self->connection))
    {
    case OCG_CONNECTION_CONNECTED:
      break;
    case OCG_CONNECTION_RECONNECTING:
      reason = _("Not connected: messages can be sent again once the connection is back");
      break;
    case OCG_CONNECTION_STARTING_SERVER:
    case OCG_CONNECTION_CONNECTING:
    case OCG_CONNECTION_IDLE:
      reason = _("Connecting to the server…");
      break;
    case OCG_CONNECTION_FAILED:
    case OCG_CONNECTION_SERVER_MISSING:
    default:
      reason = _("Not connected to a server");
      break;
    }
  ocg_composer_set_disabled_reason (composer, reason);
  ocg_composer_set_busy (composer, ocg_session_page_get_busy (self));
  set_action_enabled (self, "stop", ocg_composer_get_busy (composer));
  if (was_busy != ocg_composer_get_busy (composer))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
on_session_notify (OcgSession     *session,
                   GParamSpec     *pspec,
                   OcgSessionPage *self)
{
  update_title (self);
  update_composer (self);
}

static void
follow_session (OcgSessionPage *self,
                OcgSession     *session)
{
  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect (session, "notify", G_CALLBACK (on_session_notify), self);
  update_title (self);
  update_composer (self);
}

static void
on_sessions_changed (GListModel     *sessions,
                     guint           position,
                     guint           removed,
                     guint           added,
                     OcgSessionPage *self)
{
  OcgSession *session = self->session_id != NULL ? ocg_store_lookup_session (self->store, self->session_id) : NULL;

  /* The session was deleted (here or elsewhere) */
  if (self->session != NULL && session == NULL)
    ocg_session_page_set_session (self, NULL);
  else
    follow_session (self, session);
  update_back (self);
}

/* Loading */

static void
on_messages_loaded (OcgSync        *sync,
                    const char     *session_id,
                    OcgSessionPage *self)
{
  if (g_strcmp0 (session_id, self->session_id) == 0)
    {
      ocg_chat_view_set_load_error (OCG_CHAT_VIEW (self->chat_view), NULL);
      ocg_chat_view_set_loading (OCG_CHAT_VIEW (self->chat_view), FALSE);
    }
}

static void
on_messages_failed (OcgSync        *sync,
                    const char     *session_id,
                    const GError   *error,
                    OcgSessionPage *self)
{
  if (g_strcmp0 (session_id, self->session_id) == 0)
    {
      ocg_chat_view_set_load_error (OCG_CHAT_VIEW (self->chat_view), error->message);
      ocg_chat_view_set_loading (OCG_CHAT_VIEW (self->chat_view), FALSE);
    }
}

/* The sessions the page shows are held (ocg_sync_hold_session()): their
 * messages stay while it shows them, and a while after */

static void
release_all (OcgSessionPage *self)
{
  if (self->held_sync != NULL)
    for (guint i = 0; i < self->held->len; i++)
      ocg_sync_release_session (self->held_sync, g_ptr_array_index (self->held, i));
  g_ptr_array_set_size (self->held, 0);
}

static void
hold (OcgSessionPage *self,
      const char     *session_id)
{
  OcgSync *sync = ocg_connection_get_sync (self->connection);

  if (sync == NULL)
    return;
  /* A restarted server comes with a new sync */
  if (sync != self->held_sync)
    {
      release_all (self);
      g_set_weak_pointer (&self->held_sync, sync);
    }
  for (guint i = 0; i < self->held->len; i++)
    if (g_str_equal (g_ptr_array_index (self->held, i), session_id))
      {
        ocg_sync_track_session (sync, session_id);
        return;
      }
  g_ptr_array_add (self->held, g_strdup (session_id));
  ocg_sync_hold_session (sync, session_id);
}

/* The connection's sync, whose "messages-loaded" ends the loading state; a
 * restarted server comes with a new one */
static OcgSync *
watch_sync (OcgSessionPage *self)
{
  OcgSync *sync = ocg_connection_get_sync (self->connection);

  if (sync != NULL && sync != self->watched_sync)
    {
      g_signal_connect_object (sync, "messages-loaded", G_CALLBACK (on_messages_loaded), self, 0);
      g_signal_connect_object (sync, "messages-failed", G_CALLBACK (on_messages_failed), self, 0);
      /* Weak: a sync made later may take the same address */
      g_set_weak_pointer (&self->watched_sync, sync);
    }
  return sync;
}

static void
on_connection_notify (OcgConnection  *connection,
                      GParamSpec     *pspec,
                      OcgSessionPage *self)
{
  watch_sync (self);
  if (ocg_connection_get_state (connection) == OCG_CONNECTION_CONNECTED && self->session_id != NULL)
    hold (self, self->session_id);
  update_composer (self);
  ocg_prompt_dock_set_client (OCG_PROMPT_DOCK (self->prompt_dock), ocg_connection_get_client (connection));
}

static void show_session (OcgSessionPage *self, const char *session_id);

/* Shows @session_id; the way back to a parent is forgotten */
void
ocg_session_page_set_session (OcgSessionPage *self,
                              const char     *session_id)
{
  g_return_if_fail (OCG_IS_SESSION_PAGE (self));

  g_ptr_array_set_size (self->back, 0);
  show_session (self, session_id);
}

static void
show_session (OcgSessionPage *self,
              const char     *session_id)
{
  OcgSync *sync;

  /* The transcript being left takes its rows with it: a focus in them (the
   * "Open Session" button of a task step, say) moves to the composer
   * instead of staying on a widget that is no longer in the window */
  {
    GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
    GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

    if (focus != NULL && g_strcmp0 (session_id, ocg_chat_view_get_session (OCG_CHAT_VIEW (self->chat_view))) != 0 &&
        gtk_widget_is_ancestor (focus, self->chat_view))
      gtk_widget_grab_focus (self->composer);
  }

  if (g_strcmp0 (session_id, self->session_id) != 0)
    {
      g_free (self->session_id);
      self->session_id = g_strdup (session_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_ID]);
    }

  sync = watch_sync (self);
  /* What was shown is let go after what is shown now is held: a session
   * shown again is not released in between */
  {
    g_autoptr(GPtrArray) before = g_ptr_array_copy (self->held, (GCopyFunc) g_strdup, NULL);
    OcgSync *before_sync = self->held_sync;

    g_ptr_array_set_free_func (before, g_free);
    g_ptr_array_set_size (self->held, 0);
    if (session_id != NULL)
      hold (self, session_id);
    if (before_sync != NULL && before_sync == self->held_sync)
      for (guint i = 0; i < before->len; i++)
        ocg_sync_release_session (before_sync, g_ptr_array_index (before, i));
  }

  /* Until its messages are here, the session says it is loading; not that
   * it is empty */
  ocg_chat_view_set_load_error (OCG_CHAT_VIEW (self->chat_view), NULL);
  ocg_chat_view_set_loading (OCG_CHAT_VIEW (self->chat_view),
                             session_id != NULL && (sync == NULL || !ocg_sync_get_messages_loaded (sync, session_id)));
  ocg_chat_view_set_session (OCG_CHAT_VIEW (self->chat_view), session_id);
  ocg_prompt_dock_set_session (OCG_PROMPT_DOCK (self->prompt_dock), session_id);
  follow_session (self, session_id != NULL ? ocg_store_lookup_session (self->store, session_id) : NULL);
  set_action_enabled (self, "rename", session_id != NULL);
  set_action_enabled (self, "delete", session_id != NULL);
  update_back (self);
}

const char *
ocg_session_page_get_session (OcgSessionPage *self)
{
  g_return_val_if_fail (OCG_IS_SESSION_PAGE (self), NULL);
  return self->session_id;
}

const char *
ocg_session_page_get_title (OcgSessionPage *self)
{
  g_return_val_if_fail (OCG_IS_SESSION_PAGE (self), NULL);
  return self->title;
}

/* Sending */

typedef struct
{
  OcgSessionPage *self;
  char           *message_id;
} Send;

static void
on_prompt_sent (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Send *send = user_data;
  OcgSessionPage *self = send->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ocg_client_call_finish (OCG_CLIENT (source), result, NULL, &error);

  if (node == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Not sent: %s"), error->message);

      ocg_chat_view_set_send_error (OCG_CHAT_VIEW (self->chat_view), send->message_id, text);
    }
  else
    {
      g_hash_table_remove (self->pending_texts, send->message_id);
      ocg_chat_view_set_send_error (OCG_CHAT_VIEW (self->chat_view), send->message_id, NULL);
    }
  g_object_unref (send->self);
  g_free (send->message_id);
  g_free (send);
}

/* Shows the user's message at once under the id the server will keep, then
 * sends it: the server's events upsert the same objects */
static void
send_to_session (OcgSessionPage *self,
                 const char     *session_id,
                 const char     *text,
                 const char     *message_id)
{
  g_autofree char *new_message_id = NULL;
  g_autofree char *part_id = ocg_id_ascending ("prt");
  JsonObject *body, *part;
  JsonArray *parts;
  Send *send;
  OcgClient *client = ocg_connection_get_client (self->connection);

  if (message_id == NULL)
    message_id = new_message_id = ocg_id_ascending ("msg");
  g_hash_table_replace (self->pending_texts, g_strdup (message_id), g_strdup (text));

  /* The echo */
  if (ocg_store_lookup_message (self->store, message_id) == NULL)
    {
      g_autoptr(JsonObject) echo = json_object_new ();
      g_autoptr(JsonObject) echo_part = json_object_new ();
      JsonObject *time = json_object_new ();

      json_object_set_string_member (echo, "id", message_id);
      json_object_set_string_member (echo, "sessionID", session_id);
      json_object_set_string_member (echo, "role", "user");
      json_object_set_int_member (time, "created", g_get_real_time () / 1000);
      json_object_set_object_member (echo, "time", time);
      ocg_store_upsert_message (self->store, echo, NULL);

      json_object_set_string_member (echo_part, "id", part_id);
      json_object_set_string_member (echo_part, "sessionID", session_id);
      json_object_set_string_member (echo_part, "messageID", message_id);
      json_object_set_string_member (echo_part, "type", "text");
      json_object_set_string_member (echo_part, "text", text);
      ocg_store_upsert_part (self->store, echo_part, NULL);
    }
  ocg_chat_view_set_send_error (OCG_CHAT_VIEW (self->chat_view), message_id, NULL);
  ocg_chat_view_scroll_to_bottom (OCG_CHAT_VIEW (self->chat_view));

  if (client == NULL)
    {
      ocg_chat_view_set_send_error (OCG_CHAT_VIEW (self->chat_view), message_id, _("Not sent: not connected"));
      return;
    }

  body = json_object_new ();
  parts = json_array_new ();
  part = json_object_new ();
  json_object_set_string_member (part, "id", part_id);
  json_object_set_string_member (part, "type", "text");
  json_object_set_string_member (part, "text", text);
  json_array_add_object_element (parts, part);
  json_object_set_string_member (body, "messageID", message_id);
  json_object_set_array_member (body, "parts", parts);

  send = g_new0 (Send, 1);
  send->self = g_object_ref (self);
  send->message_id = g_strdup (message_id);
  /* Not cancelled with the page: see the top of the file */
  ocg_client_prompt_async (client, session_id, body, NULL, on_prompt_sent, send);
  json_object_unref (body);
}

typedef struct
{
  OcgSessionPage *self;
  char           *text;
} Create;

static void
on_session_created (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Create *create = user_data;
  OcgSessionPage *self = create->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ocg_client_call_finish (OCG_CLIENT (source), result, NULL, &error);

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *info = json_node_get_object (node);
      OcgSession *session = ocg_store_upsert_session (self->store, info, NULL);

      if (session != NULL)
        {
          ocg_session_page_set_session (self, ocg_record_get_id (session));
          if (create->text != NULL)
            send_to_session (self, ocg_record_get_id (session), create->text, NULL);
        }
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("Could not create a session: %s"),
                                                  error != NULL ? error->message : _("unexpected answer"));

      fail (self, message);
      if (create->text != NULL)
        ocg_composer_set_text (OCG_COMPOSER (self->composer), create->text);
    }

  g_object_unref (create->self);
  g_free (create->text);
  g_free (create);
}

static void
create_session (OcgSessionPage *self,
                const char     *then_send)
{
  Create *create;
  OcgClient *client = ocg_connection_get_client (self->connection);

  if (client == NULL)
    {
      fail (self, _("Not connected to a server"));
      if (then_send != NULL)
        ocg_composer_set_text (OCG_COMPOSER (self->composer), then_send);
      return;
    }
  /* Made for a message the user sent: not cancelled either */
  create = g_new0 (Create, 1);
  create->self = g_object_ref (self);
  create->text = g_strdup (then_send);
  ocg_client_create_session_async (client, NULL, NULL, on_session_created, create);
}

void
ocg_session_page_send (OcgSessionPage *self,
                       const char     *text)
{
  g_return_if_fail (OCG_IS_SESSION_PAGE (self));

  if (self->session_id == NULL)
    create_session (self, text);
  else
    send_to_session (self, self->session_id, text, NULL);
}

static void
on_composer_send (OcgComposer    *composer,
                  const char     *text,
                  OcgSessionPage *self)
{
  ocg_session_page_send (self, text);
}

/* Calls made for the user, cancelled with the page */

typedef struct
{
  OcgSessionPage *self;     /* not held: valid unless the call was cancelled */
  const char     *failure;  /* a format with one %s for the reason */
} Call;

static Call *
call_new (OcgSessionPage *self,
          const char     *failure)
{
  Call *call = g_new0 (Call, 1);

  call->self = self;
  call->failure = failure;
  return call;
}

/* Finishes a call; when it failed, says so. Returns the answer, or NULL
 * (and then the page may be gone: touch nothing). */
static JsonNode *
call_finish (GObject       *source,
             GAsyncResult  *result,
             Call          *call,
             OcgSessionPage **self)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = ocg_client_call_finish (OCG_CLIENT (source), result, NULL, &error);

  *self = call->self;
  if (node == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (call->failure, error->message);

      fail (call->self, message);
    }
  g_free (call);
  return node;
}

/* A call whose answer says nothing more than that it worked */
static void
on_call_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  OcgSessionPage *self;
  JsonNode *node = call_finish (source, result, user_data, &self);

  g_clear_pointer (&node, json_node_unref);
}

static void
stop (OcgSessionPage *self)
{
  OcgClient *client = ocg_connection_get_client (self->connection);

  if (client != NULL && self->session_id != NULL)
    ocg_client_abort_async (client, self->session_id, self->cancellable, on_call_done,
                            call_new (self, _("Could not stop the agent: %s")));
}

static void
on_composer_stop (OcgComposer    *composer,
                  OcgSessionPage *self)
{
  stop (self);
}

static void
on_renamed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  OcgSessionPage *self;
  g_autoptr(JsonNode) node = call_finish (source, result, user_data, &self);

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    ocg_store_upsert_session (self->store, json_node_get_object (node), NULL);
}

static void
on_rename_response (AdwMessageDialog *dialog,
                    const char       *response,
                    OcgSessionPage   *self)
{
  GtkWidget *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  const char *session_id = g_object_get_data (G_OBJECT (dialog), "session-id");
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  OcgClient *client = ocg_connection_get_client (self->connection);

  if (g_strcmp0 (response, "rename") == 0 && *title != '\0' && client != NULL)
    {
      g_autoptr(JsonObject) body = json_object_new ();

      json_object_set_string_member (body, "title", title);
      ocg_client_update_session_async (client, session_id, body, self->cancellable, on_renamed,
                                       call_new (self, _("Could not rename the session: %s")));
    }
}

/* A dialog about the page's session, gone with the page */
static GtkWidget *
session_dialog (OcgSessionPage *self,
                const char     *heading)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, NULL);

  g_object_set_data_full (G_OBJECT (dialog), "session-id", g_strdup (self->session_id), g_free);
  g_signal_connect_object (self, "destroy", G_CALLBACK (gtk_window_destroy), dialog, G_CONNECT_SWAPPED);
  return dialog;
}

static void
rename_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  OcgSessionPage *self = user_data;
  GtkWidget *dialog, *entry;

  if (self->session == NULL)
    return;

  dialog = session_dialog (self, _("Rename Session"));
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), ocg_session_get_title (self->session) ?: "");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_rename_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    OcgSessionPage   *self)
{
  const char *session_id = g_object_get_data (G_OBJECT (dialog), "session-id");
  OcgClient *client = ocg_connection_get_client (self->connection);

  if (g_strcmp0 (response, "delete") == 0 && client != NULL)
    ocg_client_delete_session_async (client, session_id, self->cancellable, on_call_done,
                                     call_new (self, _("Could not delete the session: %s")));
}

static void
delete_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  OcgSessionPage *self = user_data;
  GtkWidget *dialog;
  g_autofree char *title = NULL;

  if (self->session == NULL)
    return;

  title = ocg_text_record_string (OCG_RECORD (self->session), "title");
  dialog = session_dialog (self, _("Delete Session?"));
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” and all its messages will be deleted from the server. This cannot be undone."),
                                  title != NULL ? title : self->session_id);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The other actions */

static void
send_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  OcgSessionPage *self = user_data;

  ocg_composer_send (OCG_COMPOSER (self->composer));
}

static void
stop_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  stop (user_data);
}

static void
retry_send_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  OcgSessionPage *self = user_data;
  const char *message_id = g_variant_get_string (parameter, NULL);
  const char *text = g_hash_table_lookup (self->pending_texts, message_id);
  OcgMessage *message = ocg_store_lookup_message (self->store, message_id);
  const char *session_id = message != NULL ? ocg_record_get_string (OCG_RECORD (message), "sessionID") : NULL;

  if (text != NULL && session_id != NULL)
    {
      g_autofree char *copy = g_strdup (text);
      g_autofree char *session_copy = g_strdup (session_id);

      send_to_session (self, session_copy, copy, message_id);
    }
}

/* A subagent's session, in place of its parent's, with a way back */
static void
open_child_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  OcgSessionPage *self = user_data;
  const char *session_id = g_variant_get_string (parameter, NULL);

  if (*session_id == '\0' || g_strcmp0 (session_id, self->session_id) == 0)
    return;
  if (self->session_id != NULL)
    g_ptr_array_add (self->back, g_strdup (self->session_id));
  show_session (self, session_id);
}

static void
back_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  OcgSessionPage *self = user_data;
  g_autofree char *parent = NULL;

  if (self->back->len == 0)
    return;
  parent = g_ptr_array_steal_index (self->back, self->back->len - 1);
  show_session (self, parent);
}

/* A subagent's steps shown in a task step: its session is held too */
static void
load_child_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  const char *session_id = g_variant_get_string (parameter, NULL);

  if (*session_id != '\0')
    hold (user_data, session_id);
}

static void
load_older_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  OcgSessionPage *self = user_data;
  OcgSync *sync = ocg_connection_get_sync (self->connection);
  const char *session_id = g_variant_get_string (parameter, NULL);

  /* A request from a transcript that has moved on is dropped */
  if (sync != NULL && g_strcmp0 (session_id, self->session_id) == 0)
    ocg_sync_load_older (sync, session_id);
}

static const GActionEntry action_entries[] = {
  { .name = "send", .activate = send_action },
  { .name = "stop", .activate = stop_action },
  { .name = "retry-send", .activate = retry_send_action, .parameter_type = "s" },
  { .name = "rename", .activate = rename_action },
  { .name = "delete", .activate = delete_action },
  { .name = "open-child", .activate = open_child_action, .parameter_type = "s" },
  { .name = "back", .activate = back_action },
  { .name = "load-older", .activate = load_older_action, .parameter_type = "s" },
  { .name = "load-child", .activate = load_child_action, .parameter_type = "s" },
};

/* GObject */

static void
ocg_session_page_constructed (GObject *object)
{
  OcgSessionPage *self = OCG_SESSION_PAGE (object);
  GtkWidget *clamp, *bottom;

  G_OBJECT_CLASS (ocg_session_page_parent_class)->constructed (object);

  g_assert (self->connection != NULL);
  self->store = g_object_ref (ocg_connection_get_store (self->connection));

  /* The way back from a child session */
  {
    GtkWidget *button = gtk_button_new ();
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

    gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("go-previous-symbolic"));
    self->back_label = gtk_label_new (NULL);
    gtk_label_set_ellipsize (GTK_LABEL (self->back_label), PANGO_ELLIPSIZE_END);
    gtk_box_append (GTK_BOX (box), self->back_label);
    gtk_button_set_child (GTK_BUTTON (button), box);
    gtk_widget_add_css_class (button, "flat");
    gtk_widget_set_halign (button, GTK_ALIGN_START);
    gtk_widget_set_tooltip_text (button, _("Back to the parent session (Alt+Left)"));
    gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "session.back");
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Back to the parent session"), -1);
    self->back_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
    gtk_widget_add_css_class (self->back_bar, "session-back");
    gtk_box_append (GTK_BOX (self->back_bar), button);
    gtk_widget_set_visible (self->back_bar, FALSE);
    gtk_widget_set_parent (self->back_bar, GTK_WIDGET (self));
  }

  self->chat_view = ocg_chat_view_new (self->store);
  gtk_widget_set_vexpand (self->chat_view, TRUE);
  gtk_widget_set_parent (self->chat_view, GTK_WIDGET (self));

  bottom = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_add_css_class (bottom, "composer-area");
  self->prompt_dock = ocg_prompt_dock_new (self->store);
  gtk_box_append (GTK_BOX (bottom), self->prompt_dock);
  self->composer = ocg_composer_new ();
  g_signal_connect (self->composer, "send", G_CALLBACK (on_composer_send), self);
  g_signal_connect (self->composer, "stop", G_CALLBACK (on_composer_stop), self);
  gtk_box_append (GTK_BOX (bottom), self->composer);
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  adw_clamp_set_child (ADW_CLAMP (clamp), bottom);
  gtk_widget_set_parent (clamp, GTK_WIDGET (self));

  g_signal_connect_object (self->connection, "notify", G_CALLBACK (on_connection_notify), self, 0);
  g_signal_connect_object (ocg_store_get_sessions (self->store), "items-changed",
                           G_CALLBACK (on_sessions_changed), self, 0);

  on_connection_notify (self->connection, NULL, self);
  ocg_session_page_set_session (self, NULL);
  update_title (self);
}

static void
ocg_session_page_dispose (GObject *object)
{
  OcgSessionPage *self = OCG_SESSION_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  release_all (self);
  g_clear_weak_pointer (&self->held_sync);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_weak_pointer (&self->watched_sync);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->chat_view = self->prompt_dock = self->composer = self->back_bar = self->back_label = NULL;
  g_clear_object (&self->store);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (ocg_session_page_parent_class)->dispose (object);
}

static void
ocg_session_page_finalize (GObject *object)
{
  OcgSessionPage *self = OCG_SESSION_PAGE (object);

  g_free (self->session_id);
  g_free (self->title);
  g_hash_table_unref (self->pending_texts);
  g_ptr_array_unref (self->back);
  g_ptr_array_unref (self->held);
  g_object_unref (self->cancellable);
  g_object_unref (self->actions);

  G_OBJECT_CLASS (ocg_session_page_parent_class)->finalize (object);
}

static void
ocg_session_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  OcgSessionPage *self = OCG_SESSION_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->composer != NULL && ocg_composer_get_busy (OCG_COMPOSER (self->composer)));
      break;
    case PROP_EXPAND_FINISHED:
      g_object_get_property (G_OBJECT (self->chat_view), "expand-finished", value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_session_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  OcgSessionPage *self = OCG_SESSION_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    case PROP_SESSION_ID:
      ocg_session_page_set_session (self, g_value_get_string (value));
      break;
    case PROP_EXPAND_FINISHED:
      g_object_set_property (G_OBJECT (self->chat_view), "expand-finished", value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_session_page_class_init (OcgSessionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ocg_session_page_constructed;
  object_class->dispose = ocg_session_page_dispose;
  object_class->finalize = ocg_session_page_finalize;
  object_class->get_property = ocg_session_page_get_property;
  object_class->set_property = ocg_session_page_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, OCG_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* NULL: a new session, made on the server with the first message */
  properties[PROP_SESSION_ID] =
    g_param_spec_string ("session-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_EXPAND_FINISHED] =
    g_param_spec_boolean ("expand-finished", NULL, NULL, FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OcgSessionPage::failed:
   * @message: what went wrong, for the user
   *
   * A command on the session failed
   */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sessionpage");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "session.back", NULL);
}

static void
ocg_session_page_init (OcgSessionPage *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  self->pending_texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->back = g_ptr_array_new_with_free_func (g_free);
  self->held = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), action_entries,
                                   G_N_ELEMENTS (action_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "session", G_ACTION_GROUP (self->actions));
}

GtkWidget *
ocg_session_page_new (OcgConnection *connection)
{
  g_return_val_if_fail (OCG_IS_CONNECTION (connection), NULL);
  return g_object_new (OCG_TYPE_SESSION_PAGE, "connection", connection, NULL);
}

OcgConnection *
ocg_session_page_get_connection (OcgSessionPage *self)
{
  g_return_val_if_fail (OCG_IS_SESSION_PAGE (self), NULL);
  return self->connection;
}

GActionGroup *
ocg_session_page_get_actions (OcgSessionPage *self)
{
  g_return_val_if_fail (OCG_IS_SESSION_PAGE (self), NULL);
  return G_ACTION_GROUP (self->actions);
}

void
ocg_session_page_focus_composer (OcgSessionPage *self)
{
  g_return_if_fail (OCG_IS_SESSION_PAGE (self));
  gtk_widget_grab_focus (self->composer);
}

GtkWidget *
ocg_session_page_get_chat_view (OcgSessionPage *self)
{
  g_return_val_if_fail (OCG_IS_SESSION_PAGE (self), NULL);
  return self->chat_view;
}

GtkWidget *
ocg_session_page_get_composer (OcgSessionPage *self)
{
  g_return_val_if_fail (OCG_IS_SESSION_PAGE (self), NULL);
  return self->composer;
}

GtkWidget *
ocg_session_page_get_prompt_dock (OcgSessionPage *self)
{
  g_return_val_if_fail (OCG_IS_SESSION_PAGE (self), NULL);
  return self->prompt_dock;
}
