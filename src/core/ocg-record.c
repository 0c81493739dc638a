/* ocg-record.c
 *
 * Memory: a record keeps the server's object as compact JSON text, not as a
 * json-glib tree (which costs several times the text), plus the values of the
 * properties its class declares, read once when the object arrives. The tree
 * is built again only when someone asks for the whole object, and then kept
 * for as long as the record is in use that way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-record.h"
#include "ocg-json.h"

#include <string.h>

typedef struct
{
  char       *id;
  char       *text;       /* compact JSON of the object, without the grown field */
  JsonObject *tree;       /* parsed, when asked for; NULL otherwise */
  GValue     *values;     /* the declared properties, in class order */

  /* The field growing by deltas, kept outside the JSON until asked for */
  char       *grow_field;
  GString    *grow;
  gboolean    grow_dirty; /* the tree lacks the latest grown text */
} OcgRecordPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (OcgRecord, ocg_record, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GQuark path_quark;
static GQuark index_quark;
static GQuark props_quark;

/* The JSON-backed properties of @type */
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

static void
clear_values (OcgRecord *self)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  GPtrArray *pspecs = get_json_pspecs (G_OBJECT_TYPE (self));

  if (priv->values == NULL)
    return;
  for (guint i = 0; i < pspecs->len; i++)
    g_value_unset (&priv->values[i]);
  g_clear_pointer (&priv->values, g_free);
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

static void
ocg_record_finalize (GObject *object)
{
  OcgRecord *self = OCG_RECORD (object);
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);

  clear_values (self);
  drop_grow (self);
  g_clear_pointer (&priv->id, g_free);
  g_clear_pointer (&priv->text, g_free);
  g_clear_pointer (&priv->tree, json_object_unref);

  G_OBJECT_CLASS (ocg_record_parent_class)->finalize (object);
}

static void
ocg_record_class_init (OcgRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ocg_record_finalize;

  /**
   * OcgRecord::changed:
   *
   * The server's object was replaced by a different one, whether or not a
   * declared property changed (a tool's output, say)
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  path_quark = g_quark_from_static_string ("ocg-record-json-path");
  index_quark = g_quark_from_static_string ("ocg-record-json-index");
  props_quark = g_quark_from_static_string ("ocg-record-json-properties");
}

static void
ocg_record_init (OcgRecord *self)
{
}

void
ocg_record_class_install_json_property (GObjectClass *klass,
                                        guint         property_id,
                                        GParamSpec   *pspec,
                                        const char   *json_path)
{
  GPtrArray *pspecs;
  GType type;

  g_return_if_fail (g_type_is_a (G_OBJECT_CLASS_TYPE (klass), OCG_TYPE_RECORD));
  g_return_if_fail (json_path != NULL);

  type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  g_return_if_fail (type == G_TYPE_STRING || type == G_TYPE_INT64 ||
                    type == G_TYPE_DOUBLE || type == G_TYPE_BOOLEAN);

  pspecs = get_json_pspecs (G_OBJECT_CLASS_TYPE (klass));
  g_param_spec_set_qdata (pspec, path_quark, (gpointer) g_intern_string (json_path));
  g_param_spec_set_qdata (pspec, index_quark, GUINT_TO_POINTER (pspecs->len + 1));
  g_object_class_install_property (klass, property_id, pspec);
  g_ptr_array_add (pspecs, pspec);
}

/* Reads the declared properties of @self's class from @json into @values */
static GValue *
read_values (OcgRecord  *self,
             JsonObject *json)
{
  GPtrArray *pspecs = get_json_pspecs (G_OBJECT_TYPE (self));
  GValue *values = g_new0 (GValue, MAX (pspecs->len, 1));

  for (guint i = 0; i < pspecs->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (pspecs, i);
      const char *path = g_param_spec_get_qdata (pspec, path_quark);
      GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

      g_value_init (&values[i], type);
      if (type == G_TYPE_STRING)
        g_value_set_string (&values[i], ocg_json_get_string (json, path));
      else if (type == G_TYPE_INT64)
        g_value_set_int64 (&values[i], ocg_json_get_int (json, path, 0));
      else if (type == G_TYPE_DOUBLE)
        g_value_set_double (&values[i], ocg_json_get_double (json, path, 0.0));
      else
        g_value_set_boolean (&values[i], ocg_json_has_path (json, path));
    }
  return values;
}

static char *
serialize (JsonObject *json)
{
  g_autoptr(GString) out = g_string_new (NULL);

  ocg_json_append_object (out, json);
  return g_strndup (out->str, out->len);
}

static JsonObject *
ensure_tree (OcgRecord *self)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);

  if (priv->tree == NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      /* The text is our own serialization: it parses */
      if (!json_parser_load_from_data (parser, priv->text, -1, &error))
        g_error ("Cannot parse a record's own JSON: %s", error->message);
      priv->tree = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
      priv->grow_dirty = priv->grow != NULL;
    }

  if (priv->grow_dirty)
    {
      json_object_set_string_member (priv->tree, priv->grow_field, priv->grow->str);
      priv->grow_dirty = FALSE;
    }
  return priv->tree;
}

static guint
pspec_index (GParamSpec *pspec)
{
  return GPOINTER_TO_UINT (g_param_spec_get_qdata (pspec, index_quark));
}

const char *
ocg_record_get_string (OcgRecord  *self,
                       const char *json_path)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  GPtrArray *pspecs;

  g_return_val_if_fail (OCG_IS_RECORD (self), NULL);

  if (priv->grow_field != NULL && strcmp (priv->grow_field, json_path) == 0)
    return priv->grow->str;

  pspecs = get_json_pspecs (G_OBJECT_TYPE (self));
  for (guint i = 0; i < pspecs->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (pspecs, i);

      if (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_STRING &&
          strcmp (g_param_spec_get_qdata (pspec, path_quark), json_path) == 0)
        return g_value_get_string (&priv->values[i]);
    }

  return ocg_json_get_string (ensure_tree (self), json_path);
}

gsize
ocg_record_get_string_length (OcgRecord  *self,
                              const char *json_path)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  const char *str;

  g_return_val_if_fail (OCG_IS_RECORD (self), 0);

  if (priv->grow_field != NULL && strcmp (priv->grow_field, json_path) == 0)
    return priv->grow->len;
  str = ocg_record_get_string (self, json_path);
  return str != NULL ? strlen (str) : 0;
}

static void
read_value (OcgRecord  *self,
            GParamSpec *pspec,
            GValue     *value)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  guint index = pspec_index (pspec);

  g_assert (index > 0);
  if (priv->grow_field != NULL &&
      G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_STRING &&
      strcmp (g_param_spec_get_qdata (pspec, path_quark), priv->grow_field) == 0)
    g_value_set_string (value, priv->grow->str);
  else
    g_value_copy (&priv->values[index - 1], value);
}

void
ocg_record_get_json_property (GObject    *object,
                              guint       property_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  if (pspec_index (pspec) == 0)
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
  priv->text = serialize (json);
  priv->values = read_values (self, json);
  return self;
}

const char *
ocg_record_get_id (gpointer record)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (OCG_RECORD (record));

  return priv->id;
}

/**
 * ocg_record_get_json:
 *
 * The server's object, with any grown field written in. Owned by @self and
 * valid until the record changes; the record keeps the tree from now on.
 */
JsonObject *
ocg_record_get_json (OcgRecord *self)
{
  g_return_val_if_fail (OCG_IS_RECORD (self), NULL);
  return ensure_tree (self);
}

/* Appends the object as compact JSON, without building a tree when the
 * record has none */
void
ocg_record_append_json (OcgRecord *self,
                        GString   *out)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);

  g_return_if_fail (OCG_IS_RECORD (self));

  if (priv->grow == NULL)
    g_string_append (out, priv->text);
  else
    ocg_json_append_object (out, ensure_tree (self));
}

/* Replaces the object and notifies the properties that changed. Returns
 * whether any did. */
gboolean
ocg_record_replace (OcgRecord  *self,
                    JsonObject *json)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  GPtrArray *pspecs;
  GValue *values;
  g_autofree char *text = NULL;
  gboolean changed = FALSE;

  g_return_val_if_fail (OCG_IS_RECORD (self), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  text = serialize (json);
  if (priv->grow == NULL && strcmp (text, priv->text) == 0)
    return FALSE;

  pspecs = get_json_pspecs (G_OBJECT_TYPE (self));
  values = read_values (self, json);

  /* What the properties read before, the grown field included */
  if (priv->grow != NULL)
    {
      for (guint i = 0; i < pspecs->len; i++)
        {
          GParamSpec *pspec = g_ptr_array_index (pspecs, i);

          if (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_STRING &&
              strcmp (g_param_spec_get_qdata (pspec, path_quark), priv->grow_field) == 0)
            g_value_set_string (&priv->values[i], priv->grow->str);
        }
    }

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < pspecs->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (pspecs, i);

      if (g_param_values_cmp (pspec, &priv->values[i], &values[i]) != 0)
        {
          g_object_notify_by_pspec (G_OBJECT (self), pspec);
          changed = TRUE;
        }
    }

  clear_values (self);
  priv->values = values;
  drop_grow (self);
  g_free (priv->text);
  priv->text = g_steal_pointer (&text);
  /* A record read in full stays readable without parsing again */
  if (priv->tree != NULL)
    {
      json_object_unref (priv->tree);
      priv->tree = json_object_ref (json);
    }
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[CHANGED], 0);

  return changed;
}

static GParamSpec *
find_pspec_for_path (OcgRecord  *self,
                     const char *path,
                     guint      *index)
{
  GPtrArray *pspecs = get_json_pspecs (G_OBJECT_TYPE (self));

  for (guint i = 0; i < pspecs->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (pspecs, i);

      if (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_STRING &&
          strcmp (g_param_spec_get_qdata (pspec, path_quark), path) == 0)
        {
          *index = i;
          return pspec;
        }
    }
  return NULL;
}

/* Writes the grown field into the text and stops growing it */
static void
fold_grow (OcgRecord *self)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  GParamSpec *pspec;
  guint index;

  if (priv->grow == NULL)
    return;

  ensure_tree (self);
  g_free (priv->text);
  priv->text = serialize (priv->tree);
  if ((pspec = find_pspec_for_path (self, priv->grow_field, &index)) != NULL)
    g_value_set_string (&priv->values[index], priv->grow->str);
  drop_grow (self);
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
  guint index;

  g_return_if_fail (OCG_IS_RECORD (self));
  g_return_if_fail (field != NULL && *field != '\0');

  pspec = find_pspec_for_path (self, field, &index);

  if (priv->grow_field == NULL || strcmp (priv->grow_field, field) != 0)
    {
      const char *current = NULL;

      fold_grow (self);
      if (pspec != NULL)
        current = g_value_get_string (&priv->values[index]);
      else
        {
          JsonNode *node = json_object_get_member (ensure_tree (self), field);

          if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
            current = json_node_get_string (node);
        }
      priv->grow_field = g_strdup (field);
      priv->grow = g_string_new (current != NULL ? current : "");
      /* The cached value would only duplicate the growing text */
      if (pspec != NULL)
        g_value_set_string (&priv->values[index], NULL);
    }

  g_string_append_len (priv->grow, delta, (gssize) len);
  priv->grow_dirty = priv->tree != NULL;

  if (len > 0 && pspec != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), pspec);
}
