/* ocg-record-store.c
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

struct _OcgRecordStore
{
  GObject     parent_instance;

  GType       record_type;
  GHashTable *by_id;   /* id (owned by the record) -> Entry */
  GHashTable *groups;  /* group -> OcgIdList */
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
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
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

/* The list of @group, created empty when there is none yet, so that a view
 * can bind to it before the records arrive. */
OcgIdList *
ocg_record_store_get_list (OcgRecordStore *self,
                           const char     *group)
{
  OcgIdList *list;

  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), NULL);
  g_return_val_if_fail (group != NULL, NULL);

  list = g_hash_table_lookup (self->groups, group);
  if (list == NULL)
    {
      list = ocg_id_list_new (self->record_type, ocg_record_get_id);
      g_hash_table_insert (self->groups, g_strdup (group), list);
    }
  return list;
}

OcgIdList *
ocg_record_store_peek_list (OcgRecordStore *self,
                            const char     *group)
{
  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), NULL);
  return group != NULL ? g_hash_table_lookup (self->groups, group) : NULL;
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
  Entry *entry;

  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), NULL);
  g_return_val_if_fail (group != NULL && id != NULL && json != NULL, NULL);

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
      ocg_record_replace (entry->record, json);
      return entry->record;
    }

  entry = g_new0 (Entry, 1);
  entry->record = ocg_record_new (self->record_type, id, json);
  entry->group = g_strdup (group);
  g_hash_table_insert (self->by_id, (gpointer) ocg_record_get_id (entry->record), entry);
  ocg_id_list_insert (ocg_record_store_get_list (self, group), entry->record);
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

  if ((list = g_hash_table_lookup (self->groups, group)) != NULL)
    ocg_id_list_remove (list, ocg_record_get_id (record));
  return TRUE;
}

/* Removes every record of @group; returns their ids (owned by the caller),
 * for removals that cascade. The group's list stays, empty. */
GPtrArray *
ocg_record_store_remove_group (OcgRecordStore *self,
                               const char     *group)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  OcgIdList *list;

  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), ids);

  if (group == NULL || !(list = g_hash_table_lookup (self->groups, group)))
    return ids;

  for (guint i = 0; i < ocg_id_list_get_size (list); i++)
    {
      const char *id = ocg_record_get_id (ocg_id_list_peek (list, i));

      g_ptr_array_add (ids, g_strdup (id));
      g_hash_table_remove (self->by_id, id);
    }
  ocg_id_list_remove_all (list);
  return ids;
}

guint
ocg_record_store_get_size (OcgRecordStore *self)
{
  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), 0);
  return g_hash_table_size (self->by_id);
}

/* The groups that have a list, in no order; free with g_list_free() */
GList *
ocg_record_store_get_groups (OcgRecordStore *self)
{
  g_return_val_if_fail (OCG_IS_RECORD_STORE (self), NULL);
  return g_hash_table_get_keys (self->groups);
}
