/* ocg-record.c
 *
 * Memory: a record keeps the server's object as compact JSON text, not as a
 * json-glib tree (which costs several times the text), plus the values of the
 * properties its class declares, read once when the object arrives. The tree
 * is built again only when someone asks for the whole object, and then kept
 * for as long as the record is in use that way.
 *
 * U+0000: json-glib's strings end at a NUL, so a tree cannot hold a string
 * with U+0000 whole. The text keeps it ("\u0000"), the declared properties'
 * values keep it with their lengths, the grown field is a GString, and
 * ocg_record_get_string() reads other paths from the text when it has one.
 * The tree and the GObject properties read such strings up to the NUL.
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
  gsize      *lengths;    /* of their string values, NUL bytes included;
                           * NULL while none holds a NUL */
  GHashTable *exact;      /* path -> GString, read from the text when it has */

  /* The field growing by deltas, kept outside the JSON until asked for */
  char       *grow_field;
  GString    *grow;
  guint       grow_dirty : 1; /* the tree lacks the latest grown text */
  guint       has_nul : 1;    /* the text may hold a U+0000 */
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
  g_clear_pointer (&priv->lengths, g_free);
}

/* The text changed; @has_nul: whether it may hold a U+0000 */
static void
adopt_text (OcgRecord *self,
            char      *text,
            gboolean   has_nul)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);

  g_free (priv->text);
  priv->text = text;
  priv->has_nul = has_nul;
  if (priv->exact != NULL)
    g_hash_table_remove_all (priv->exact);
}

static void
set_text (OcgRecord *self,
          char      *text)
{
  adopt_text (self, text, strstr (text, "\\u0000") != NULL);
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
  g_clear_pointer (&priv->exact, g_hash_table_unref);

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

/* The lengths of @values' strings, for when one holds a NUL */
static gsize *
new_lengths (GPtrArray *pspecs,
             GValue    *values)
{
  gsize *lengths = g_new0 (gsize, MAX (pspecs->len, 1));

  for (guint i = 0; i < pspecs->len; i++)
    if (G_VALUE_HOLDS_STRING (&values[i]) && g_value_get_string (&values[i]) != NULL)
      lengths[i] = strlen (g_value_get_string (&values[i]));
  return lengths;
}

static inline gsize
value_length (const GValue *value,
              gsize        *lengths,
              guint         index)
{
  const char *str = g_value_get_string (value);

  if (lengths != NULL)
    return lengths[index];
  return str != NULL ? strlen (str) : 0;
}

/* Reads the declared properties of @self's class from @json into @values,
 * and the lengths of the strings into @lengths when one holds a NUL */
static GValue *
read_values (OcgRecord   *self,
             JsonObject  *json,
             const char  *detached,
             gsize      **lengths)
{
  GPtrArray *pspecs = get_json_pspecs (G_OBJECT_TYPE (self));
  GValue *values = g_new0 (GValue, MAX (pspecs->len, 1));
  gsize *nul_lengths = g_newa (gsize, MAX (pspecs->len, 1));
  gboolean any_nul = FALSE;

  *lengths = NULL;
  for (guint i = 0; i < pspecs->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (pspecs, i);
      const char *path = g_param_spec_get_qdata (pspec, path_quark);
      GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

      g_value_init (&values[i], type);
      nul_lengths[i] = 0;
      if (detached != NULL && strcmp (path, detached) == 0)
        continue;
      if (type == G_TYPE_STRING)
        {
          const char *str = ocg_json_get_string (json, path);

          if (str != NULL && strstr (str, OCG_JSON_NUL) != NULL)
            {
              g_value_take_string (&values[i], ocg_json_decode_string (str, &nul_lengths[i]));
              any_nul = TRUE;
            }
          else
            g_value_set_string (&values[i], str);
        }
      else if (type == G_TYPE_INT64)
        g_value_set_int64 (&values[i], ocg_json_get_int (json, path, 0));
      else if (type == G_TYPE_DOUBLE)
        g_value_set_double (&values[i], ocg_json_get_double (json, path, 0.0));
      else
        g_value_set_boolean (&values[i], ocg_json_has_path (json, path));
    }

  if (any_nul)
    {
      *lengths = new_lengths (pspecs, values);
      for (guint i = 0; i < pspecs->len; i++)
        if (nul_lengths[i] > 0)
          (*lengths)[i] = nul_lengths[i];
    }
  return values;
}

static char *
serialize (JsonObject *json)
{
  GString *out = g_string_new (NULL);
  gsize len;

  ocg_json_append_object (out, json);
  /* Without the room the string grew into */
  len = out->len;
  return g_realloc (g_string_free (out, FALSE), len + 1);
}

/* The top-level string member among @self's declared properties that is
 * longest, when it is long enough to be kept outside the text; its length
 * in @len */
static const char *
find_long_member (OcgRecord  *self,
                  JsonObject *json,
                  gsize      *len)
{
  GPtrArray *pspecs = get_json_pspecs (G_OBJECT_TYPE (self));
  const char *longest = NULL;

  *len = 0;
  for (guint i = 0; i < pspecs->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (pspecs, i);
      const char *path = g_param_spec_get_qdata (pspec, path_quark);
      JsonNode *node;
      gsize n;

      if (G_PARAM_SPEC_VALUE_TYPE (pspec) != G_TYPE_STRING || strchr (path, '.') != NULL ||
          !(node = json_object_get_member (json, path)) ||
          json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      n = strlen (json_node_get_string (node));
      if (n >= OCG_RECORD_DETACH_SIZE && n > *len)
        {
          longest = path;
          *len = n;
        }
    }
  return longest;
}

/* Writes @json into @self's text, a record that holds nothing yet. A long
 * string (a 50 MB answer) is kept once: outside the text, as a grown field
 * is, rather than escaped in the text and copied again as a property's
 * value. Returns the path of that string, if any, for read_values(). */
static const char *
fill_text (OcgRecord  *self,
           JsonObject *json)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  const char *detached;
  gsize len;

  g_assert (priv->text == NULL && priv->values == NULL && priv->grow == NULL);

  detached = find_long_member (self, json, &len);
  if (detached != NULL)
    {
      g_autoptr(JsonObject) shallow = json_object_new ();
      const char *str = json_object_get_string_member (json, detached);
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      /* The member stays in its place, empty */
      json_object_iter_init_ordered (&iter, json);
      while (json_object_iter_next_ordered (&iter, &name, &node))
        if (strcmp (name, detached) == 0)
          json_object_set_string_member (shallow, name, "");
        else
          json_object_set_member (shallow, name, json_node_ref (node));
      set_text (self, serialize (shallow));

      priv->grow_field = g_strdup (detached);
      if (strstr (str, OCG_JSON_NUL) != NULL)
        {
          char *decoded = ocg_json_decode_string (str, &len);

          priv->grow = g_string_new_len (decoded, (gssize) len);
          g_free (decoded);
        }
      else
        priv->grow = g_string_new_len (str, (gssize) len);
    }
  else
    set_text (self, serialize (json));
  return detached;
}

/* Reads @json into @self, a record that holds nothing yet */
static void
fill (OcgRecord  *self,
      JsonObject *json)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  const char *detached = fill_text (self, json);

  priv->values = read_values (self, json, detached, &priv->lengths);
}

/* The tree of the text; with the grown field written in when @whole (it
 * may be long, and most readers ask for another member) */
static JsonObject *
ensure_tree (OcgRecord *self,
             gboolean   whole)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);

  if (priv->tree == NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      /* The text is our own serialization: it parses (json-glib reads a
       * string up to its U+0000, if any) */
      if (!json_parser_load_from_data (parser, priv->text, -1, &error))
        g_error ("Cannot parse a record's own JSON: %s", error->message);
      priv->tree = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
      priv->grow_dirty = priv->grow != NULL;
    }

  if (whole && priv->grow_dirty)
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

static void
free_exact (gpointer data)
{
  if (data != NULL)
    g_string_free (data, TRUE);
}

/* The string at @json_path, whole: from the grown field, a declared
 * property, or (when the text may hold a U+0000) the text itself */
static const char *
find_string (OcgRecord  *self,
             const char *json_path,
             gsize      *len)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  GPtrArray *pspecs;
  const char *str;
  GString *exact;

  if (priv->grow_field != NULL && strcmp (priv->grow_field, json_path) == 0)
    {
      *len = priv->grow->len;
      return priv->grow->str;
    }

  pspecs = get_json_pspecs (G_OBJECT_TYPE (self));
  for (guint i = 0; i < pspecs->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (pspecs, i);

      if (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_STRING &&
          strcmp (g_param_spec_get_qdata (pspec, path_quark), json_path) == 0)
        {
          *len = value_length (&priv->values[i], priv->lengths, i);
          return g_value_get_string (&priv->values[i]);
        }
    }

  if (!priv->has_nul)
    {
      /* Not the grown field: the tree need not hold it */
      str = ocg_json_get_string (ensure_tree (self, FALSE), json_path);
      *len = str != NULL ? strlen (str) : 0;
      return str;
    }

  if (priv->exact == NULL)
    priv->exact = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_exact);
  if (!g_hash_table_lookup_extended (priv->exact, json_path, NULL, (gpointer *) &exact))
    {
      exact = g_string_new (NULL);
      if (!ocg_json_text_get_string (priv->text, strlen (priv->text), json_path, exact))
        g_clear_pointer (&exact, free_exact);
      g_hash_table_insert (priv->exact, g_strdup (json_path), exact);
    }
  *len = exact != NULL ? exact->len : 0;
  return exact != NULL ? exact->str : NULL;
}

/**
 * ocg_record_get_string:
 *
 * The string at @json_path (as ocg_json_lookup() reads it), owned by @self
 * and valid until the record changes. It may hold NUL bytes (U+0000): its
 * length is ocg_record_get_string_length().
 */
const char *
ocg_record_get_string (OcgRecord  *self,
                       const char *json_path)
{
  gsize len;

  g_return_val_if_fail (OCG_IS_RECORD (self), NULL);
  g_return_val_if_fail (json_path != NULL, NULL);

  return find_string (self, json_path, &len);
}

gsize
ocg_record_get_string_length (OcgRecord  *self,
                              const char *json_path)
{
  gsize len = 0;

  g_return_val_if_fail (OCG_IS_RECORD (self), 0);
  g_return_val_if_fail (json_path != NULL, 0);

  find_string (self, json_path, &len);
  return len;
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

/**
 * ocg_record_new:
 *
 * A record of @type for @json. It may be made in any thread once @type's
 * class exists, and handed to ocg_record_take() or a store.
 */
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
  fill (self, json);
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
 * Its strings end at a U+0000, as json-glib's do: ocg_record_get_string()
 * reads them whole.
 */
JsonObject *
ocg_record_get_json (OcgRecord *self)
{
  g_return_val_if_fail (OCG_IS_RECORD (self), NULL);
  return ensure_tree (self, TRUE);
}

/**
 * ocg_record_holds_nul:
 *
 * Whether a string of the object may hold a U+0000, which
 * ocg_record_get_json()'s tree cannot show
 */
gboolean
ocg_record_holds_nul (OcgRecord *self)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);

  g_return_val_if_fail (OCG_IS_RECORD (self), FALSE);

  return priv->has_nul ||
         (priv->grow != NULL && memchr (priv->grow->str, '\0', priv->grow->len) != NULL);
}

/* Appends the text with the grown field written in */
static void
append_grown_text (OcgRecord *self,
                   GString   *out)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  gsize len = strlen (priv->text);
  gsize start, end;

  if (ocg_json_text_find_member (priv->text, len, priv->grow_field, &start, &end))
    {
      g_string_append_len (out, priv->text, (gssize) start);
      ocg_json_append_string (out, priv->grow->str, priv->grow->len);
      g_string_append_len (out, priv->text + end, (gssize) (len - end));
    }
  else
    {
      /* Where json-glib puts a new member: last */
      g_assert (len >= 2 && priv->text[len - 1] == '}');
      g_string_append_len (out, priv->text, (gssize) len - 1);
      if (len > 2)
        g_string_append_c (out, ',');
      ocg_json_append_string (out, priv->grow_field, strlen (priv->grow_field));
      g_string_append_c (out, ':');
      ocg_json_append_string (out, priv->grow->str, priv->grow->len);
      g_string_append_c (out, '}');
    }
}

/* Appends the object as compact JSON, without building a tree */
void
ocg_record_append_json (OcgRecord *self,
                        GString   *out)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);

  g_return_if_fail (OCG_IS_RECORD (self));

  if (priv->grow == NULL)
    g_string_append (out, priv->text);
  else
    append_grown_text (self, out);
}

/* Sets a declared string property's value to @len bytes of @str */
static void
set_string_value (OcgRecord  *self,
                  guint       index,
                  const char *str,
                  gsize       len)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  char *copy = NULL;

  if (str != NULL)
    {
      copy = g_malloc (len + 1);
      memcpy (copy, str, len);
      copy[len] = '\0';
    }
  g_value_take_string (&priv->values[index], copy);
  if (priv->lengths == NULL && copy != NULL && strlen (copy) != len)
    priv->lengths = new_lengths (get_json_pspecs (G_OBJECT_TYPE (self)), priv->values);
  if (priv->lengths != NULL)
    priv->lengths[index] = str != NULL ? len : 0;
}

/* The string the declared property @pspec (at @index) reads, with its
 * length: the grown field's, when it is that one */
static const char *
property_string (OcgRecord  *self,
                 GParamSpec *pspec,
                 guint       index,
                 gsize      *len)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);

  if (priv->grow_field != NULL && strcmp (g_param_spec_get_qdata (pspec, path_quark), priv->grow_field) == 0)
    {
      *len = priv->grow->len;
      return priv->grow->str;
    }
  *len = value_length (&priv->values[index], priv->lengths, index);
  return g_value_get_string (&priv->values[index]);
}

static gboolean
property_equal (OcgRecord  *a,
                OcgRecord  *b,
                GParamSpec *pspec,
                guint       index)
{
  OcgRecordPrivate *pa = ocg_record_get_instance_private (a);
  OcgRecordPrivate *pb = ocg_record_get_instance_private (b);
  const char *sa, *sb;
  gsize la, lb;

  if (G_PARAM_SPEC_VALUE_TYPE (pspec) != G_TYPE_STRING)
    return g_param_values_cmp (pspec, &pa->values[index], &pb->values[index]) == 0;

  /* With the NUL bytes they may hold */
  sa = property_string (a, pspec, index, &la);
  sb = property_string (b, pspec, index, &lb);
  if (sa == NULL || sb == NULL)
    return sa == sb;
  return la == lb && memcmp (sa, sb, la) == 0;
}

/* Whether @a and @b hold the same object; without writing a long grown
 * field into a copy of the text when both keep it outside */
static gboolean
same_object (OcgRecord *a,
             OcgRecord *b)
{
  OcgRecordPrivate *pa = ocg_record_get_instance_private (a);
  OcgRecordPrivate *pb = ocg_record_get_instance_private (b);
  g_autoptr(GString) ta = NULL;
  g_autoptr(GString) tb = NULL;

  if (pa->grow == NULL && pb->grow == NULL)
    return strcmp (pa->text, pb->text) == 0;

  if (pa->grow != NULL && pb->grow != NULL && strcmp (pa->grow_field, pb->grow_field) == 0)
    {
      gsize la = strlen (pa->text), lb = strlen (pb->text);
      gsize as, ae, bs, be;

      if (!g_string_equal (pa->grow, pb->grow))
        return FALSE;
      /* The texts, but for the grown member's value */
      if (ocg_json_text_find_member (pa->text, la, pa->grow_field, &as, &ae) &&
          ocg_json_text_find_member (pb->text, lb, pb->grow_field, &bs, &be))
        return as == bs && memcmp (pa->text, pb->text, as) == 0 &&
               la - ae == lb - be && memcmp (pa->text + ae, pb->text + be, la - ae) == 0;
    }

  ta = g_string_new (NULL);
  tb = g_string_new (NULL);
  ocg_record_append_json (a, ta);
  ocg_record_append_json (b, tb);
  return g_string_equal (ta, tb);
}

/* Moves what @fresh holds into @self, a different object (see
 * same_object()), and notifies the properties whose values changed. @json is
 * the object @fresh was read from, if at hand. */
static gboolean
take_from (OcgRecord  *self,
           OcgRecord  *fresh,
           JsonObject *json)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  OcgRecordPrivate *fpriv = ocg_record_get_instance_private (fresh);
  GPtrArray *pspecs = get_json_pspecs (G_OBJECT_TYPE (self));
  gboolean changed = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < pspecs->len; i++)
    {
      GParamSpec *pspec = g_ptr_array_index (pspecs, i);

      if (!property_equal (self, fresh, pspec, i))
        {
          g_object_notify_by_pspec (G_OBJECT (self), pspec);
          changed = TRUE;
        }
    }

  clear_values (self);
  drop_grow (self);
  priv->values = g_steal_pointer (&fpriv->values);
  priv->lengths = g_steal_pointer (&fpriv->lengths);
  priv->grow_field = g_steal_pointer (&fpriv->grow_field);
  priv->grow = g_steal_pointer (&fpriv->grow);
  adopt_text (self, g_steal_pointer (&fpriv->text), fpriv->has_nul);

  /* A record read in full stays readable without parsing again, unless
   * @json holds a U+0000 the way ocg_json_parse() writes it */
  if (priv->tree != NULL)
    {
      json_object_unref (priv->tree);
      priv->tree = json != NULL && !ocg_record_holds_nul (self) ? json_object_ref (json) : NULL;
    }
  priv->grow_dirty = FALSE;

  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[CHANGED], 0);

  return changed;
}

/* Replaces the object and notifies the properties that changed. Returns
 * whether any did. */
gboolean
ocg_record_replace (OcgRecord  *self,
                    JsonObject *json)
{
  g_autoptr(OcgRecord) fresh = NULL;
  OcgRecordPrivate *fpriv;
  const char *detached;

  g_return_val_if_fail (OCG_IS_RECORD (self), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  /* The same object again (the usual case) costs its text only */
  fresh = g_object_new (G_OBJECT_TYPE (self), NULL);
  detached = fill_text (fresh, json);
  if (same_object (self, fresh))
    return FALSE;
  fpriv = ocg_record_get_instance_private (fresh);
  fpriv->values = read_values (fresh, json, detached, &fpriv->lengths);
  return take_from (self, fresh, json);
}

/**
 * ocg_record_take:
 * @fresh: a record of the same type and id, made with ocg_record_new()
 *   (in any thread): what it holds moves to @self, and it is left empty
 *
 * ocg_record_replace() with an object read beforehand: the main thread
 * only compares and notifies. Returns whether a property changed.
 */
gboolean
ocg_record_take (OcgRecord *self,
                 OcgRecord *fresh)
{
  g_return_val_if_fail (OCG_IS_RECORD (self), FALSE);
  g_return_val_if_fail (OCG_IS_RECORD (fresh) && G_OBJECT_TYPE (fresh) == G_OBJECT_TYPE (self), FALSE);
  g_return_val_if_fail (g_strcmp0 (ocg_record_get_id (self), ocg_record_get_id (fresh)) == 0, FALSE);

  if (same_object (self, fresh))
    return FALSE;
  return take_from (self, fresh, NULL);
}

/* Writes the grown field into the text and stops growing it */
static void
fold_grow (OcgRecord *self)
{
  OcgRecordPrivate *priv = ocg_record_get_instance_private (self);
  g_autoptr(GString) text = NULL;
  guint index;

  if (priv->grow == NULL)
    return;

  text = g_string_sized_new (strlen (priv->text) + priv->grow->len + 16);
  append_grown_text (self, text);
  set_text (self, g_strndup (text->str, text->len));
  if (find_pspec_for_path (self, priv->grow_field, &index) != NULL)
    set_string_value (self, index, priv->grow->str, priv->grow->len);
  if (priv->tree != NULL)
    ensure_tree (self, TRUE);
  drop_grow (self);
}

/* Appends @delta (@len bytes, NUL bytes included) to the string member
 * @field, as message.part.delta does. Amortized O(len): the text already
 * there is neither copied nor scanned. */
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
      fold_grow (self);
      priv->grow = g_string_new (NULL);
      if (pspec != NULL)
        {
          const char *current = g_value_get_string (&priv->values[index]);

          if (current != NULL)
            g_string_append_len (priv->grow, current, (gssize) value_length (&priv->values[index], priv->lengths, index));
          /* The cached value would only duplicate the growing text */
          set_string_value (self, index, NULL, 0);
        }
      else
        ocg_json_text_get_string (priv->text, strlen (priv->text), field, priv->grow);
      priv->grow_field = g_strdup (field);
    }

  g_string_append_len (priv->grow, delta, (gssize) len);
  priv->grow_dirty = priv->tree != NULL;

  if (len > 0 && pspec != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), pspec);
}
