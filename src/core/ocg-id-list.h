/* ocg-id-list.h: a GListModel of objects kept in ascending id order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OCG_TYPE_ID_LIST (ocg_id_list_get_type ())
G_DECLARE_FINAL_TYPE (OcgIdList, ocg_id_list, OCG, ID_LIST, GObject)

typedef const char *(*OcgIdFunc) (gpointer item);

OcgIdList *ocg_id_list_new        (GType        item_type,
                                   OcgIdFunc    get_id);
gpointer   ocg_id_list_find       (OcgIdList   *self,
                                   const char  *id,
                                   guint       *position);
guint      ocg_id_list_insert     (OcgIdList   *self,
                                   gpointer     item);
gboolean   ocg_id_list_remove     (OcgIdList   *self,
                                   const char  *id);
void       ocg_id_list_remove_all (OcgIdList   *self);
guint      ocg_id_list_get_size   (OcgIdList   *self);
gpointer   ocg_id_list_peek       (OcgIdList   *self,
                                   guint        position);
void       ocg_id_list_freeze     (OcgIdList   *self);
void       ocg_id_list_thaw       (OcgIdList   *self);

G_END_DECLS
