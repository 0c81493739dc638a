/* ocg-turn-model.c
 *
 * Every step of an agent's answer is an assistant message of its own, with
 * the user message it answers as parentID. The transcript shows one row per
 * turn, so that the timeline of a turn is one widget. The grouping is
 * recomputed when messages are inserted or removed (not on deltas, which do
 * not change the list), and turns keep their identity, so rows are rebound
 * only for the turns that really changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-turn-model.h"
#include "ocg-record.h"

#include <string.h>

struct _OcgTurnModel
{
  GObject     parent_instance;

  GListModel *messages;
  GPtrArray  *turns;     /* OcgTurn */
  GHashTable *by_key;    /* key -> OcgTurn (borrowed from turns) */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OcgTurnModel, ocg_turn_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return OCG_TYPE_TURN;
}

static guint
get_n_items (GListModel *model)
{
  return OCG_TURN_MODEL (model)->turns->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  OcgTurnModel *self = OCG_TURN_MODEL (model);

  if (position >= self->turns->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->turns, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static const char *
role_of (OcgMessage *message)
{
  const char *role = ocg_record_get_string (OCG_RECORD (message), "role");

  return role != NULL ? role : "";
}

static void
regroup (OcgTurnModel *self)
{
  g_autoptr(GPtrArray) turns = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);  /* user id -> position */
  guint n = g_list_model_get_n_items (self->messages);
  guint n_old = self->turns->len, prefix = 0, suffix = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OcgMessage) message = g_list_model_get_item (self->messages, i);
      const char *id = ocg_record_get_id (message);

      if (strcmp (role_of (message), "user") == 0)
        {
          OcgTurn *turn = g_hash_table_lookup (self->by_key, id);

          if (turn == NULL)
            turn = ocg_turn_new (id);
          else
            g_object_ref (turn);
          ocg_turn_set_user_message (turn, message);
          g_hash_table_insert (index, (gpointer) ocg_turn_get_key (turn), GUINT_TO_POINTER (turns->len + 1));
          g_ptr_array_add (turns, turn);
          g_ptr_array_add (groups, g_ptr_array_new ());
        }
      else
        {
          const char *parent = ocg_record_get_string (OCG_RECORD (message), "parentID");
          guint pos = parent != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (index, parent)) : 0;

          if (pos == 0 && turns->len > 0)
            pos = turns->len;
          if (pos == 0)
            {
              /* An answer whose question is not (yet) here */
              OcgTurn *turn = g_hash_table_lookup (self->by_key, id);

              turn = turn != NULL ? g_object_ref (turn) : ocg_turn_new (id);
              ocg_turn_set_user_message (turn, NULL);
              g_ptr_array_add (turns, turn);
              g_ptr_array_add (groups, g_ptr_array_new ());
              pos = turns->len;
            }
          g_ptr_array_add (g_ptr_array_index (groups, pos - 1), message);
        }
    }

  for (guint i = 0; i < turns->len; i++)
    {
      ocg_turn_set_assistant (g_ptr_array_index (turns, i), g_ptr_array_index (groups, i));
      ocg_turn_set_latest (g_ptr_array_index (turns, i), i + 1 == turns->len);
    }

  /* Tell views only about the turns that came or went */
  while (prefix < n_old && prefix < turns->len &&
         g_ptr_array_index (self->turns, prefix) == g_ptr_array_index (turns, prefix))
    prefix++;
  while (suffix < n_old - prefix && suffix < turns->len - prefix &&
         g_ptr_array_index (self->turns, n_old - 1 - suffix) == g_ptr_array_index (turns, turns->len - 1 - suffix))
    suffix++;

  g_hash_table_remove_all (self->by_key);
  for (guint i = 0; i < turns->len; i++)
    {
      OcgTurn *turn = g_ptr_array_index (turns, i);

      g_hash_table_insert (self->by_key, (gpointer) ocg_turn_get_key (turn), turn);
    }

  g_ptr_array_unref (self->turns);
  self->turns = g_steal_pointer (&turns);

  if (prefix != n_old || prefix != self->turns->len)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix,
                                n_old - prefix - suffix, self->turns->len - prefix - suffix);
}

static void
on_messages_changed (GListModel   *messages,
                     guint         position,
                     guint         removed,
                     guint         added,
                     OcgTurnModel *self)
{
  regroup (self);
}

static void
ocg_turn_model_dispose (GObject *object)
{
  OcgTurnModel *self = OCG_TURN_MODEL (object);

  if (self->messages != NULL)
    g_signal_handlers_disconnect_by_data (self->messages, self);
  g_clear_object (&self->messages);

  G_OBJECT_CLASS (ocg_turn_model_parent_class)->dispose (object);
}

static void
ocg_turn_model_finalize (GObject *object)
{
  OcgTurnModel *self = OCG_TURN_MODEL (object);

  g_hash_table_unref (self->by_key);
  g_ptr_array_unref (self->turns);

  G_OBJECT_CLASS (ocg_turn_model_parent_class)->finalize (object);
}

static void
ocg_turn_model_class_init (OcgTurnModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ocg_turn_model_dispose;
  object_class->finalize = ocg_turn_model_finalize;
}

static void
ocg_turn_model_init (OcgTurnModel *self)
{
  self->turns = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
}

OcgTurnModel *
ocg_turn_model_new (GListModel *messages)
{
  OcgTurnModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (messages), NULL);

  self = g_object_new (OCG_TYPE_TURN_MODEL, NULL);
  self->messages = g_object_ref (messages);
  g_signal_connect (messages, "items-changed", G_CALLBACK (on_messages_changed), self);
  regroup (self);
  return self;
}
