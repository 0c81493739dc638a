/* ocg-record-store.h: records of one kind, by id, grouped in ordered lists
 *
 * The session store has one list; the message store a list per session; the
 * part store a list per message. Every list is a GListModel in id order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ocg-id-list.h"
#include "ocg-record.h"

G_BEGIN_DECLS

#define OCG_TYPE_RECORD_STORE (ocg_record_store_get_type ())
G_DECLARE_FINAL_TYPE (OcgRecordStore, ocg_record_store, OCG, RECORD_STORE, GObject)

OcgRecordStore *ocg_record_store_new              (GType           record_type);
gpointer        ocg_record_store_lookup           (OcgRecordStore *self,
                                                   const char     *id);
const char     *ocg_record_store_get_group_of     (OcgRecordStore *self,
                                                   const char     *id);
gpointer        ocg_record_store_upsert           (OcgRecordStore *self,
                                                   const char     *group,
                                                   const char     *id,
                                                   JsonObject     *json,
                                                   gboolean       *created);
gpointer        ocg_record_store_upsert_prepared  (OcgRecordStore *self,
                                                   const char     *group,
                                                   const char     *id,
                                                   JsonObject     *json,
                                                   OcgRecord      *prepared,
                                                   gboolean       *created);
gboolean        ocg_record_store_remove           (OcgRecordStore *self,
                                                   const char     *id);
OcgIdList      *ocg_record_store_get_list         (OcgRecordStore *self,
                                                   const char     *group);
OcgIdList      *ocg_record_store_peek_list        (OcgRecordStore *self,
                                                   const char     *group);
GPtrArray      *ocg_record_store_remove_group     (OcgRecordStore *self,
                                                   const char     *group);
guint           ocg_record_store_get_size         (OcgRecordStore *self);
guint           ocg_record_store_get_n_lists      (OcgRecordStore *self);
GList          *ocg_record_store_get_groups       (OcgRecordStore *self);

G_END_DECLS
