/* ocg-id-list.c
 *
 * Items are strong references in a GPtrArray sorted by id. Ids of messages and
 * parts grow with time, so the common insertion is an append, checked first;
 * anything else is placed by binary search.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-id-list.h"

#include <string.h>

struct _OcgIdList
{
  GObject    parent_instance;

  GType      item_type;
  OcgIdFunc  get_id;
  GPtrArray *items;
  GPtrArray *pending;    /* inserted while frozen, not in items yet */
  guint      freeze_count;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OcgIdList, ocg_id_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
ocg_id_list_get_item_type (GListModel *model)
{
  return OCG_ID_LIST (model)->item_type;
}

static guint
ocg_id_list_get_n_items (GListModel *model)
{
  return OCG_ID_LIST (model)->items->len;
}

static gpointer
ocg_id_list_get_item (GListModel *model,
                      guint       position)
{
  OcgIdList *self = OCG_ID_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ocg_id_list_get_item_type;
  iface->get_n_items = ocg_id_list_get_n_items;
  iface->get_item = ocg_id_list_get_item;
}

static void
ocg_id_list_finalize (GObject *object)
{
  OcgIdList *self = OCG_ID_LIST (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  G_OBJECT_CLASS (ocg_id_list_parent_class)->finalize (object);
}

static void
ocg_id_list_class_init (OcgIdListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ocg_id_list_finalize;
}

static void
ocg_id_list_init (OcgIdList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

OcgIdList *
ocg_id_list_new (GType     item_type,
                 OcgIdFunc get_id)
{
  OcgIdList *self;

  g_return_val_if_fail (g_type_is_a (item_type, G_TYPE_OBJECT), NULL);
  g_return_val_if_fail (get_id != NULL, NULL);

  self = g_object_new (OCG_TYPE_ID_LIST, NULL);
  self->item_type = item_type;
  self->get_id = get_id;
  return self;
}

/* Returns the position of @id, or where it would be inserted. */
static guint
bsearch_position (OcgIdList  *self,
                  const char *id,
                  gboolean   *found)
{
  guint lo = 0;
  guint hi = self->items->len;

  *found = FALSE;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int cmp = strcmp (self->get_id (g_ptr_array_index (self->items, mid)), id);

      if (cmp == 0)
        {
          *found = TRUE;
          return mid;
        }
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

gpointer
ocg_id_list_find (OcgIdList  *self,
                  const char *id,
                  guint      *position)
{
  gboolean found;
  guint pos;

  g_return_val_if_fail (OCG_IS_ID_LIST (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  pos = bsearch_position (self, id, &found);
  if (!found)
    return NULL;
  if (position != NULL)
    *position = pos;
  return g_ptr_array_index (self->items, pos);
}

/* Inserts @item (adding a reference) at its place. An item with the same id
 * must not be in the list already. Returns the position. */
guint
ocg_id_list_insert (OcgIdList *self,
                    gpointer   item)
{
  const char *id;
  guint len;
  guint pos;

  g_return_val_if_fail (OCG_IS_ID_LIST (self), 0);
  g_return_val_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (item, self->item_type), 0);

  /* Frozen: placed all at once when thawed */
  if (self->freeze_count > 0)
    {
      g_ptr_array_add (self->pending, g_object_ref (item));
      return G_MAXUINT;
    }

  id = self->get_id (item);
  len = self->items->len;

  if (len == 0 || strcmp (self->get_id (g_ptr_array_index (self->items, len - 1)), id) < 0)
    {
      pos = len;
    }
  else
    {
      gboolean found;

      pos = bsearch_position (self, id, &found);
      g_return_val_if_fail (!found, pos);
    }

  g_ptr_array_insert (self->items, (int) pos, g_object_ref (item));
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, 1);
  return pos;
}

gboolean
ocg_id_list_remove (OcgIdList  *self,
                    const char *id)
{
  gpointer item;
  guint pos;

  g_return_val_if_fail (OCG_IS_ID_LIST (self), FALSE);

  g_return_val_if_fail (self->freeze_count == 0, FALSE);

  if (!(item = ocg_id_list_find (self, id, &pos)))
    return FALSE;

  /* Keep the item alive until listeners have seen the removal */
  item = g_ptr_array_steal_index (self->items, pos);
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 0);
  g_object_unref (item);
  return TRUE;
}

void
ocg_id_list_remove_all (OcgIdList *self)
{
  g_autoptr(GPtrArray) old = NULL;
  guint n;

  g_return_if_fail (OCG_IS_ID_LIST (self));

  n = self->items->len;
  if (n == 0)
    return;
  old = g_steal_pointer (&self->items);
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
}

guint
ocg_id_list_get_size (OcgIdList *self)
{
  g_return_val_if_fail (OCG_IS_ID_LIST (self), 0);
  return self->items->len;
}

gpointer
ocg_id_list_peek (OcgIdList *self,
                  guint      position)
{
  g_return_val_if_fail (OCG_IS_ID_LIST (self), NULL);
  g_return_val_if_fail (position < self->items->len, NULL);
  return g_ptr_array_index (self->items, position);
}

/**
 * ocg_id_list_freeze:
 *
 * Until as many ocg_id_list_thaw(), ocg_id_list_insert() only collects its
 * items, and the list does not change: many items then take their places
 * in one pass, with one #GListModel::items-changed, instead of one each
 * (for thousands of sessions, a change each made every model above the
 * list do work in the size of the list each time). Nothing else may change
 * the list while it is frozen.
 */
void
ocg_id_list_freeze (OcgIdList *self)
{
  g_return_if_fail (OCG_IS_ID_LIST (self));

  if (self->freeze_count++ == 0 && self->pending == NULL)
    self->pending = g_ptr_array_new_with_free_func (g_object_unref);
}

static int
compare_by_id (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  OcgIdList *self = user_data;

  return strcmp (self->get_id (*(gpointer *) a), self->get_id (*(gpointer *) b));
}

void
ocg_id_list_thaw (OcgIdList *self)
{
  GPtrArray *merged;
  GPtrArray *old;
  guint from, i = 0, j = 0, old_len;
  gboolean found;

  g_return_if_fail (OCG_IS_ID_LIST (self));
  g_return_if_fail (self->freeze_count > 0);

  if (--self->freeze_count > 0 || self->pending->len == 0)
    return;

  g_ptr_array_sort_with_data (self->pending, compare_by_id, self);
  old = self->items;
  old_len = old->len;
  /* Everything before the first new item stays where it is */
  from = bsearch_position (self, self->get_id (g_ptr_array_index (self->pending, 0)), &found);
  g_return_if_fail (!found);

  merged = g_ptr_array_new_full (old_len + self->pending->len, g_object_unref);
  for (guint k = 0; k < from; k++)
    g_ptr_array_add (merged, g_object_ref (g_ptr_array_index (old, k)));
  i = from;
  while (i < old_len || j < self->pending->len)
    {
      gboolean take_old;

      if (i == old_len)
        take_old = FALSE;
      else if (j == self->pending->len)
        take_old = TRUE;
      else
        take_old = strcmp (self->get_id (g_ptr_array_index (old, i)),
                           self->get_id (g_ptr_array_index (self->pending, j))) < 0;
      if (take_old)
        g_ptr_array_add (merged, g_object_ref (g_ptr_array_index (old, i++)));
      else
        g_ptr_array_add (merged, g_object_ref (g_ptr_array_index (self->pending, j++)));
    }

  self->items = merged;
  g_ptr_array_unref (old);
  g_ptr_array_set_size (self->pending, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), from, old_len - from, self->items->len - from);
}
