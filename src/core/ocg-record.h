/* ocg-record.h: base class of the mirrored server objects
 *
 * A record keeps the server's JSON object as its truth. Subclasses declare
 * which GObject properties read which JSON paths; replacing the JSON notifies
 * exactly the properties whose values changed. A string field can grow in
 * place (message.part.delta) without copying what is already there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A declared top-level string this long is kept once, outside the text */
#define OCG_RECORD_DETACH_SIZE (64 * 1024)

#define OCG_TYPE_RECORD (ocg_record_get_type ())
G_DECLARE_DERIVABLE_TYPE (OcgRecord, ocg_record, OCG, RECORD, GObject)

struct _OcgRecordClass
{
  GObjectClass parent_class;
};

void        ocg_record_class_install_json_property (GObjectClass *klass,
                                                    guint         property_id,
                                                    GParamSpec   *pspec,
                                                    const char   *json_path);
void        ocg_record_get_json_property           (GObject      *object,
                                                    guint         property_id,
                                                    GValue       *value,
                                                    GParamSpec   *pspec);

gpointer    ocg_record_new                         (GType         type,
                                                    const char   *id,
                                                    JsonObject   *json);
const char *ocg_record_get_id                      (gpointer      record);
JsonObject *ocg_record_get_json                    (OcgRecord    *self);
gboolean    ocg_record_holds_nul                   (OcgRecord    *self);
void        ocg_record_append_json                 (OcgRecord    *self,
                                                    GString      *out);
gboolean    ocg_record_replace                     (OcgRecord    *self,
                                                    JsonObject   *json);
gboolean    ocg_record_take                        (OcgRecord    *self,
                                                    OcgRecord    *fresh);
void        ocg_record_append                      (OcgRecord    *self,
                                                    const char   *field,
                                                    const char   *delta,
                                                    gsize         len);
const char *ocg_record_get_string                  (OcgRecord    *self,
                                                    const char   *json_path);
gsize       ocg_record_get_string_length           (OcgRecord    *self,
                                                    const char   *json_path);

G_END_DECLS
