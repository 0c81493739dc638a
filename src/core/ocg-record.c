/* ocg-record.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-record.h"
#include "ocg-json.h"

#include <string.h>

typedef struct
{
  char       *id;
  JsonObject *json;

  /* The field growing by deltas, kept outside the JSON until asked for */
  char       *grow_field;
  GString    *grow;
  gboolean    grow_dirty;
} OcgRecordPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (OcgRecord, ocg_record, G_TYPE_OBJECT)

static GQuark path_quark;
static GQuark props_quark;

static void
ocg_record_finalize (GObject *object)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (OCG_RECORD (object));

  g_clear_pointer (&priv->id, g_free);
  g_clear_pointer (&priv->json, json_object_unref);
  g_clear_pointer (&priv->grow_field, g_free);
  if (priv->grow != NULL)
    g_string_free (priv->grow, TRUE);

  G_OBJECT_CLASS (ocg_record_parent_class)->finalize (object);
}

static void
ocg_record_class_init (OcgRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ocg_record_finalize;

  path_quark = g_quark_from_static_string ("ocg-record-json-path");
  props_quark = g_quark_from_static_string ("ocg-record-json-properties");
}

static void
ocg_record_init (OcgRecord *self)
{
}

/* The JSON-backed properties of @type and its ancestors */
static GPtrArray *
get_json_pspecs (GType type)
{
  GPtrArray *pspecs = g_type_get_qdata (type, props_quark);

  if (pspecs == NULL)
    {
      pspecs = g_ptr_array_new ();
      g_type_set_qdata (type, props_quark, pspecs);
    }
  return pspecs;
}

void
ocg_record_class_install_json_property (GObjectClass *klass,
                                        guint         property_id,
                                        GParamSpec   *pspec,
                                        const char   *json_path)
{
  g_return_if_fail (g_type_is_a (G_OBJECT_CLASS_TYPE (klass), OCG_TYPE_RECORD));
  g_return_if_fail (json_path != NULL);

  g_param_spec_set_qdata (pspec, path_quark, (gpointer) g_intern_string (json_path));
  g_object_class_install_property (klass, property_id, pspec);
  g_ptr_array_add (get_json_pspecs (G_OBJECT_CLASS_TYPE (klass)), pspec);
}

static void
materialize (OcgRecord *self)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);

  if (priv->grow_dirty)
    {
      json_object_set_string_member (priv->json, priv->grow_field, priv->grow->str);
      priv->grow_dirty = FALSE;
    }
}

static void
drop_grow (OcgRecord *self)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);

  g_clear_pointer (&priv->grow_field, g_free);
  if (priv->grow != NULL)
    {
      g_string_free (priv->grow, TRUE);
      priv->grow = NULL;
    }
  priv->grow_dirty = FALSE;
}

const char *
ocg_record_get_string (OcgRecord  *self,
                       const char *json_path)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);

  if (priv->grow_field != NULL && strcmp (priv->grow_field, json_path) == 0)
    return priv->grow->str;
  return ocg_json_get_string (priv->json, json_path);
}

gsize
ocg_record_get_string_length (OcgRecord  *self,
                              const char *json_path)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  const char *str;

  if (priv->grow_field != NULL && strcmp (priv->grow_field, json_path) == 0)
    return priv->grow->len;
  str = ocg_json_get_string (priv->json, json_path);
  return str != NULL ? strlen (str) : 0;
}

static void
read_value (OcgRecord  *self,
            GParamSpec *pspec,
            GValue     *value)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  const char *path = g_param_spec_get_qdata (pspec, path_quark);
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

  if (type == G_TYPE_STRING)
    g_value_set_string (value, ocg_record_get_string (self, path));
  else if (type == G_TYPE_INT64)
    g_value_set_int64 (value, ocg_json_get_int (priv->json, path, 0));
  else if (type == G_TYPE_DOUBLE)
    g_value_set_double (value, ocg_json_get_double (priv->json, path, 0.0));
  else if (type == G_TYPE_BOOLEAN)
    g_value_set_boolean (value, ocg_json_has_path (priv->json, path));
  else
    g_assert_not_reached ();
}

void
ocg_record_get_json_property (GObject    *object,
                              guint       property_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  if (g_param_spec_get_qdata (pspec, path_quark) == NULL)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, property_id, pspec);
      return;
    }
  read_value (OCG_RECORD (object), pspec, value);
}

gpointer
ocg_record_new (GType       type,
                const char *id,
                JsonObject *json)
{
  OcgRecord *self;
  OcgRecordPrivate *priv;

  g_return_val_if_fail (g_type_is_a (type, OCG_TYPE_RECORD), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (json != NULL, NULL);

  self = g_object_new (type, NULL);
  priv = ocg_record_get_instance_private (self);
  priv->id = g_strdup (id);
  priv->json = json_object_ref (json);
  return self;
}

const char *
ocg_record_get_id (gpointer record)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (OCG_RECORD (record));

  return priv->id;
}

/* The server's object, with any grown field written back. Owned by @self. */
JsonObject *
ocg_record_get_json (OcgRecord *self)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);

  g_return_val_if_fail (OCG_IS_RECORD (self), NULL);

  materialize (self);
  return priv->json;
}

/* Replaces the JSON (adding a reference) and notifies the properties that
 * changed. Returns whether any did. */
gboolean
ocg_record_replace (OcgRecord  *self,
                    JsonObject *json)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  GPtrArray *pspecs;
  guint n;
  gboolean changed = FALSE;

  g_return_val_if_fail (OCG_IS_RECORD (self), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  if (json == priv->json)
    return FALSE;

  pspecs = get_json_pspecs (G_OBJECT_TYPE (self));
  n = pspecs->len;

  {
    g_autofree GValue *old = g_new0 (GValue, n);

    for (guint i = 0; i < n; i++)
      {
        GParamSpec *pspec = g_ptr_array_index (pspecs, i);

        g_value_init (&old[i], G_PARAM_SPEC_VALUE_TYPE (pspec));
        read_value (self, pspec, &old[i]);
      }

    drop_grow (self);
    json_object_ref (json);
    g_clear_pointer (&priv->json, json_object_unref);
    priv->json = json;

    g_object_freeze_notify (G_OBJECT (self));
    for (guint i = 0; i < n; i++)
      {
        GParamSpec *pspec = g_ptr_array_index (pspecs, i);
        GValue now = G_VALUE_INIT;

        g_value_init (&now, G_PARAM_SPEC_VALUE_TYPE (pspec));
        read_value (self, pspec, &now);
        if (g_param_values_cmp (pspec, &old[i], &now) != 0)
          {
            g_object_notify_by_pspec (G_OBJECT (self), pspec);
            changed = TRUE;
          }
        g_value_unset (&now);
        g_value_unset (&old[i]);
      }
    g_object_thaw_notify (G_OBJECT (self));
  }

  return changed;
}

static GParamSpec *
find_pspec_for_path (OcgRecord  *self,
                     const char *path)
{
  GPtrArray *pspecs = get_json_pspecs (G_OBJECT_TYPE (self));

  for (guint i = 0; i < pspecs->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (pspecs, i);

      if (strcmp (g_param_spec_get_qdata (pspec, path_quark), path) == 0)
        return pspec;
    }
  return NULL;
}

/* Appends @delta to the string member @field, as message.part.delta does.
 * Amortized O(len): the text already there is neither copied nor scanned. */
void
ocg_record_append (OcgRecord  *self,
                   const char *field,
                   const char *delta,
                   gsize       len)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  GParamSpec *pspec;

  g_return_if_fail (OCG_IS_RECORD (self));
  g_return_if_fail (field != NULL && *field != '\0');

  if (priv->grow_field == NULL || strcmp (priv->grow_field, field) != 0)
    {
      JsonNode *node;
      const char *current = NULL;

      materialize (self);
      drop_grow (self);
      node = json_object_get_member (priv->json, field);
      if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
        current = json_node_get_string (node);
      priv->grow_field = g_strdup (field);
      priv->grow = g_string_new (current != NULL ? current : "");
    }

  g_string_append_len (priv->grow, delta, (gssize) len);
  priv->grow_dirty = TRUE;

  if (len > 0 && (pspec = find_pspec_for_path (self, field)) != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), pspec);
}
