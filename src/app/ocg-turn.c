/* ocg-turn.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-turn.h"

struct _OcgTurn
{
  GObject     parent_instance;

  char       *key;
  OcgMessage *user_message;
  GListStore *assistant;
  gboolean    latest;
  char       *send_error;
};

G_DEFINE_FINAL_TYPE (OcgTurn, ocg_turn, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_USER_MESSAGE,
  PROP_LATEST,
  PROP_SEND_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ocg_turn_finalize (GObject *object)
{
  OcgTurn *self = OCG_TURN (object);

  g_free (self->key);
  g_free (self->send_error);
  g_clear_object (&self->user_message);
  g_clear_object (&self->assistant);

  G_OBJECT_CLASS (ocg_turn_parent_class)->finalize (object);
}

static void
ocg_turn_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  OcgTurn *self = OCG_TURN (object);

  switch (prop_id)
    {
    case PROP_USER_MESSAGE:
      g_value_set_object (value, self->user_message);
      break;
    case PROP_LATEST:
      g_value_set_boolean (value, self->latest);
      break;
    case PROP_SEND_ERROR:
      g_value_set_string (value, self->send_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_turn_class_init (OcgTurnClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ocg_turn_finalize;
  object_class->get_property = ocg_turn_get_property;

  properties[PROP_USER_MESSAGE] =
    g_param_spec_object ("user-message", NULL, NULL, OCG_TYPE_MESSAGE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* The newest turn of its session: the only one the server can still be
   * working on */
  properties[PROP_LATEST] =
    g_param_spec_boolean ("latest", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Why the user's message did not reach the server, for the user; NULL
   * once it did */
  properties[PROP_SEND_ERROR] =
    g_param_spec_string ("send-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ocg_turn_init (OcgTurn *self)
{
  self->assistant = g_list_store_new (OCG_TYPE_MESSAGE);
}

/* @key: the user message's id, or the first assistant message's when the
 * turn has no user message (yet) */
OcgTurn *
ocg_turn_new (const char *key)
{
  OcgTurn *self = g_object_new (OCG_TYPE_TURN, NULL);

  self->key = g_strdup (key);
  return self;
}

const char *
ocg_turn_get_key (OcgTurn *self)
{
  g_return_val_if_fail (OCG_IS_TURN (self), NULL);
  return self->key;
}

OcgMessage *
ocg_turn_get_user_message (OcgTurn *self)
{
  g_return_val_if_fail (OCG_IS_TURN (self), NULL);
  return self->user_message;
}

void
ocg_turn_set_user_message (OcgTurn    *self,
                           OcgMessage *message)
{
  g_return_if_fail (OCG_IS_TURN (self));

  if (g_set_object (&self->user_message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_MESSAGE]);
}

gboolean
ocg_turn_get_latest (OcgTurn *self)
{
  g_return_val_if_fail (OCG_IS_TURN (self), FALSE);
  return self->latest;
}

void
ocg_turn_set_latest (OcgTurn  *self,
                     gboolean  latest)
{
  g_return_if_fail (OCG_IS_TURN (self));

  latest = !!latest;
  if (self->latest == latest)
    return;
  self->latest = latest;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATEST]);
}

/* The turn's assistant messages, in id order; grows live */
GListModel *
ocg_turn_get_assistant (OcgTurn *self)
{
  g_return_val_if_fail (OCG_IS_TURN (self), NULL);
  return G_LIST_MODEL (self->assistant);
}

/* Makes the assistant list equal @messages, touching only what differs */
void
ocg_turn_set_assistant (OcgTurn   *self,
                        GPtrArray *messages)
{
  guint n_old, prefix = 0, suffix = 0;

  g_return_if_fail (OCG_IS_TURN (self));

  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->assistant));
  while (prefix < n_old && prefix < messages->len)
    {
      g_autoptr(OcgMessage) old = g_list_model_get_item (G_LIST_MODEL (self->assistant), prefix);

      if (old != g_ptr_array_index (messages, prefix))
        break;
      prefix++;
    }
  while (suffix < n_old - prefix && suffix < messages->len - prefix)
    {
      g_autoptr(OcgMessage) old = g_list_model_get_item (G_LIST_MODEL (self->assistant), n_old - 1 - suffix);

      if (old != g_ptr_array_index (messages, messages->len - 1 - suffix))
        break;
      suffix++;
    }

  if (prefix == n_old && prefix == messages->len)
    return;

  g_list_store_splice (self->assistant, prefix, n_old - prefix - suffix,
                       prefix < messages->len ? messages->pdata + prefix : NULL,
                       messages->len - prefix - suffix);
}

const char *
ocg_turn_get_send_error (OcgTurn *self)
{
  g_return_val_if_fail (OCG_IS_TURN (self), NULL);
  return self->send_error;
}

void
ocg_turn_set_send_error (OcgTurn    *self,
                         const char *error)
{
  g_return_if_fail (OCG_IS_TURN (self));

  if (g_strcmp0 (self->send_error, error) == 0)
    return;
  g_free (self->send_error);
  self->send_error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEND_ERROR]);
}
