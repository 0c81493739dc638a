/* ocg-record-store.c
 *
 * A group's list is held by the store while it has records, or while nobody
 * removed any since it was asked for (a view binds to it before its records
 * arrive). Once a removal leaves it empty, the store keeps it only as long as
 * someone else holds it (a view of a deleted session's messages, say): a
 * record that comes back to the group then lands in the list that view
 * shows. Otherwise it goes, with its name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-record-store.h"

#include <string.h>

typedef struct
{
  OcgRecord *record;  /* owned */
  char      *group;   /* owned */
} Entry;

typedef struct
{
  char           *name;
  OcgIdList      *list;
  gboolean        held;   /* a reference of the store's; else a weak one */
  OcgRecordStore *store;
} Group;

struct _OcgRecordStore
{
  GObject     parent_instance;

  GType       record_type;
  GHashTable *by_id;   /* id (owned by the record) -> Entry */
  GHashTable *groups;  /* name (owned by the group) -> Group */
};

G_DEFINE_FINAL_TYPE (OcgRecordStore, ocg_record_store, G_TYPE_OBJECT)

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_object_unref (entry->record);
  g_free (entry->group);
  g_free (entry);
}

static void group_gone (gpointer data, GObject *where_the_list_was);

static void
group_free (gpointer data)
{
  Group *group = data;

  if (group->held)
    g_object_unref (group->list);
  else if (group->list != NULL)
    g_object_weak_unref (G_OBJECT (group->list), group_gone, group);
  g_free (group->name);
  g_free (group);
}

/* The last reference to an empty list went */
static void
group_gone (gpointer  data,
            GObject  *where_the_list_was)
{
  Group *group = data;

  group->list = NULL;
  g_hash_table_remove (group->store->groups, group->name);
}

static void
hold_group (Group *group)
{
  if (group->held)
    return;
  g_object_ref (group->list);
  g_object_weak_unref (G_OBJECT (group->list), group_gone, group);
  group->held = TRUE;
}

/* After a removal: an empty list stays only while someone else holds it */
static void
release_if_empty (OcgRecordStore *self,
                  const char     *name)
{
  Group *group = g_hash_table_lookup (self->groups, name);
  OcgIdList *list;

  if (group == NULL || !group->held || ocg_id_list_get_size (group->list) > 0)
    return;
  list = group->list;
  group->held = FALSE;
  g_object_weak_ref (G_OBJECT (list), group_gone, group);
  /* May finalize the list, and free @group */
  g_object_unref (list);
}

static void
ocg_record_store_finalize (GObject *object)
{
  OcgRecordStore *self = OCG_RECORD_STORE (object);

  g_clear_pointer (&self->groups, g_hash_table_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);

  G_OBJECT_CLASS (ocg_record_store_parent_class)->finalize (object);
}

static void
ocg_record_store_class_init (OcgRecordStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ocg_record_store_finalize;
}

static void
ocg_record_store_init (OcgRecordStore *self)
{
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, group_free);
}

OcgRecordStore *
ocg_record_store_new (GType record_type)
{
  OcgRecordStore *self;

  g_return_val_if_fail (g_type_is_a (record_type, OCG_TYPE_RECORD), NULL);

  self = g_object_new (OCG_TYPE_RECORD_STORE, NULL);
  self->record_type = record_type;
  return self;
}

gpointer
ocg_record_store_lookup (OcgRecordStore *self,
                         const char     *id)
{
  Entry *entry;

  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), NULL);

  if (id == NULL || !(entry = g_hash_table_lookup (self->by_id, id)))
    return NULL;
  return entry->record;
}

const char *
ocg_record_store_get_group_of (OcgRecordStore *self,
                               const char     *id)
{
  Entry *entry;

  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), NULL);

  if (id == NULL || !(entry = g_hash_table_lookup (self->by_id, id)))
    return NULL;
  return entry->group;
}

static Group *
ensure_group (OcgRecordStore *self,
              const char     *name)
{
  Group *group = g_hash_table_lookup (self->groups, name);

  if (group == NULL)
    {
      group = g_new0 (Group, 1);
      group->name = g_strdup (name);
      group->list = ocg_id_list_new (self->record_type, ocg_record_get_id);
      group->held = TRUE;
      group->store = self;
      g_hash_table_insert (self->groups, group->name, group);
    }
  return group;
}

/* The list of @group, created empty when there is none yet, so that a view
 * can bind to it before the records arrive. */
OcgIdList *
ocg_record_store_get_list (OcgRecordStore *self,
                           const char     *group)
{
  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), NULL);
  g_return_val_if_fail (group != NULL, NULL);

  return ensure_group (self, group)->list;
}

OcgIdList *
ocg_record_store_peek_list (OcgRecordStore *self,
                            const char     *group)
{
  Group *found;

  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), NULL);

  found = group != NULL ? g_hash_table_lookup (self->groups, group) : NULL;
  return found != NULL ? found->list : NULL;
}

/* Inserts a record for @json, or replaces the JSON of the record with that id.
 * Returns the record (owned by the store). */
gpointer
ocg_record_store_upsert (OcgRecordStore *self,
                         const char     *group,
                         const char     *id,
                         JsonObject     *json,
                         gboolean       *created)
{
  return ocg_record_store_upsert_prepared (self, group, id, json, NULL, created);
}

/**
 * ocg_record_store_upsert_prepared:
 * @prepared: (nullable): the record ocg_record_new() made of @json
 *   beforehand, in another thread say; it goes into the store, or what it
 *   holds goes into the record already there
 *
 * ocg_record_store_upsert() without reading @json again on this thread
 */
gpointer
ocg_record_store_upsert_prepared (OcgRecordStore *self,
                                  const char     *group,
                                  const char     *id,
                                  JsonObject     *json,
                                  OcgRecord      *prepared,
                                  gboolean       *created)
{
  Entry *entry;

  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), NULL);
  g_return_val_if_fail (group != NULL && id != NULL && json != NULL, NULL);
  g_return_val_if_fail (prepared == NULL || (G_OBJECT_TYPE (prepared) == self->record_type &&
                                             g_strcmp0 (ocg_record_get_id (prepared), id) == 0), NULL);

  entry = g_hash_table_lookup (self->by_id, id);
  if (entry != NULL && strcmp (entry->group, group) != 0)
    {
      /* The record moved to another group: take it out of the old one */
      ocg_record_store_remove (self, id);
      entry = NULL;
    }

  if (created != NULL)
    *created = entry == NULL;

  if (entry != NULL)
    {
      if (prepared != NULL)
        ocg_record_take (entry->record, prepared);
      else
        ocg_record_replace (entry->record, json);
      return entry->record;
    }

  entry = g_new0 (Entry, 1);
  entry->record = prepared != NULL ? g_object_ref (prepared) : ocg_record_new (self->record_type, id, json);
  entry->group = g_strdup (group);
  g_hash_table_insert (self->by_id, (gpointer) ocg_record_get_id (entry->record), entry);
  {
    Group *g = ensure_group (self, group);

    hold_group (g);
    ocg_id_list_insert (g->list, entry->record);
  }
  return entry->record;
}

gboolean
ocg_record_store_remove (OcgRecordStore *self,
                         const char     *id)
{
  Entry *entry;
  OcgIdList *list;
  g_autoptr(OcgRecord) record = NULL;
  g_autofree char *group = NULL;

  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), FALSE);

  if (id == NULL || !(entry = g_hash_table_lookup (self->by_id, id)))
    return FALSE;

  record = g_object_ref (entry->record);
  group = g_strdup (entry->group);
  g_hash_table_remove (self->by_id, id);

  if ((list = ocg_record_store_peek_list (self, group)) != NULL)
    ocg_id_list_remove (list, ocg_record_get_id (record));
  release_if_empty (self, group);
  return TRUE;
}

/* Removes every record of @group; returns their ids (owned by the caller),
 * for removals that cascade. The group's list stays only while someone
 * else holds it. */
GPtrArray *
ocg_record_store_remove_group (OcgRecordStore *self,
                               const char     *group)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;
  OcgIdList *list;

  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), ids);

  if (group == NULL || !(list = ocg_record_store_peek_list (self, group)))
    return ids;

  /* @group may be the name of an entry that goes */
  name = g_strdup (group);
  for (guint i = 0; i < ocg_id_list_get_size (list); i++)
    {
      const char *id = ocg_record_get_id (ocg_id_list_peek (list, i));

      g_ptr_array_add (ids, g_strdup (id));
      g_hash_table_remove (self->by_id, id);
    }
  ocg_id_list_remove_all (list);
  release_if_empty (self, name);
  return ids;
}

guint
ocg_record_store_get_size (OcgRecordStore *self)
{
  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), 0);
  return g_hash_table_size (self->by_id);
}

/* How many groups have a list: those with records, and empty lists that
 * were asked for, or that someone holds */
guint
ocg_record_store_get_n_lists (OcgRecordStore *self)
{
  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), 0);
  return g_hash_table_size (self->groups);
}

/* The groups that have a list, in no order; free with g_list_free() */
GList *
ocg_record_store_get_groups (OcgRecordStore *self)
{
  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), NULL);
  return g_hash_table_get_keys (self->groups);
}
