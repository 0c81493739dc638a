/* ocg-transcript.c
 *
 * A long answer in one row would be laid out and drawn whole on every frame
 * while it streams, and a list view keeps a couple of hundred rows alive:
 * the cost of a frame, and of opening a long session, would grow with the
 * text. So each turn becomes a head row (user message, timeline), rows of
 * at most a few KB of Markdown each, and a foot row. Chunks end at blank
 * lines outside code fences, where a Markdown block ends; a finished chunk
 * never changes again, so only the last, growing one is re-rendered. The
 * scan of a growing text is incremental: each delta is looked at once.
 *
 * A GTK 4.8 list view realizes up to 200 rows around what is on screen
 * whatever their size, so a model of thousands of rows would be opened at
 * the cost of 200 rows. The transcript therefore starts with only the
 * newest turns and shows older ones a screenful at a time as the reader
 * scrolls up (ocg_transcript_reveal_older()); a hidden turn costs nothing
 * but its place in an array: no items, no scan of its text, no handlers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-transcript.h"
#include "ocg-record.h"

#include <string.h>

#define CHUNK_BYTES 2048

/* A text part shows its first SHOWN_BYTES, and each "Show More" as much
 * again and more: GTK 4.8's list view lays out up to 200 rows whether or
 * not they are on screen, so a megabyte answer would be laid out whole
 * (seconds) when its session opens. The rest is one row that says how
 * much is left, shows more, and copies the whole text. */
#define SHOWN_BYTES (64 * 1024)
#define MORE_BYTES  (256 * 1024)

/* Items */

struct _OcgTranscriptItem
{
  GObject            parent_instance;

  OcgTranscriptKind  kind;
  OcgTurn           *turn;
  OcgPart           *part;
  gsize              start;
  gsize              end;    /* G_MAXSIZE: to the end of the text */
};

G_DEFINE_FINAL_TYPE (OcgTranscriptItem, ocg_transcript_item, G_TYPE_OBJECT)

enum {
  ITEM_CHANGED,
  N_ITEM_SIGNALS
};

static guint item_signals[N_ITEM_SIGNALS];

static void
ocg_transcript_item_finalize (GObject *object)
{
  OcgTranscriptItem *self = OCG_TRANSCRIPT_ITEM (object);

  g_clear_object (&self->turn);
  g_clear_object (&self->part);

  G_OBJECT_CLASS (ocg_transcript_item_parent_class)->finalize (object);
}

static void
ocg_transcript_item_class_init (OcgTranscriptItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ocg_transcript_item_finalize;

  /* An answer chunk's text changed (the last chunk of a growing part) */
  item_signals[ITEM_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
ocg_transcript_item_init (OcgTranscriptItem *self)
{
}

static OcgTranscriptItem *
item_new (OcgTranscriptKind  kind,
          OcgTurn           *turn,
          OcgPart           *part,
          gsize              start,
          gsize              end)
{
  OcgTranscriptItem *self = g_object_new (OCG_TYPE_TRANSCRIPT_ITEM, NULL);

  self->kind = kind;
  self->turn = g_object_ref (turn);
  self->part = part != NULL ? g_object_ref (part) : NULL;
  self->start = start;
  self->end = end;
  return self;
}

OcgTranscriptKind
ocg_transcript_item_get_kind (OcgTranscriptItem *self)
{
  g_return_val_if_fail (OCG_IS_TRANSCRIPT_ITEM (self), OCG_TRANSCRIPT_HEAD);
  return self->kind;
}

OcgTurn *
ocg_transcript_item_get_turn (OcgTranscriptItem *self)
{
  g_return_val_if_fail (OCG_IS_TRANSCRIPT_ITEM (self), NULL);
  return self->turn;
}

OcgPart *
ocg_transcript_item_get_part (OcgTranscriptItem *self)
{
  g_return_val_if_fail (OCG_IS_TRANSCRIPT_ITEM (self), NULL);
  return self->part;
}

/**
 * ocg_transcript_item_same_place:
 *
 * Whether @self and @other stand for the same place in the conversation:
 * the same row of the same turn (the same chunk of the same part, for an
 * answer), though the transcript may have made a new item for it when the
 * turn changed.
 */
gboolean
ocg_transcript_item_same_place (OcgTranscriptItem *self,
                                OcgTranscriptItem *other)
{
  g_return_val_if_fail (OCG_IS_TRANSCRIPT_ITEM (self), FALSE);
  g_return_val_if_fail (OCG_IS_TRANSCRIPT_ITEM (other), FALSE);

  if (self == other)
    return TRUE;
  return self->kind == other->kind &&
         self->part == other->part &&
         self->start == other->start &&
         g_strcmp0 (ocg_turn_get_key (self->turn), ocg_turn_get_key (other->turn)) == 0;
}

/* A "more" item: how much of its part is not shown */
gsize
ocg_transcript_item_get_n_hidden_bytes (OcgTranscriptItem *self)
{
  gsize total;

  g_return_val_if_fail (OCG_IS_TRANSCRIPT_ITEM (self), 0);

  if (self->kind != OCG_TRANSCRIPT_MORE || self->part == NULL)
    return 0;
  total = ocg_record_get_string_length (OCG_RECORD (self->part), "text");
  return total > self->start ? total - self->start : 0;
}

/* The chunk's Markdown source (not NUL-terminated at @len) */
const char *
ocg_transcript_item_get_text (OcgTranscriptItem *self,
                              gsize             *len)
{
  const char *text;
  gsize total, end;

  g_return_val_if_fail (OCG_IS_TRANSCRIPT_ITEM (self), NULL);

  *len = 0;
  if (self->part == NULL || !(text = ocg_record_get_string (OCG_RECORD (self->part), "text")))
    return "";
  total = ocg_record_get_string_length (OCG_RECORD (self->part), "text");
  end = MIN (self->end, total);
  if (self->start >= end)
    return "";
  *len = end - self->start;
  return text + self->start;
}

/* Where a text part may be cut: after a blank line, outside a code fence,
 * before a line that does not continue the previous block */
typedef struct
{
  GArray  *cuts;        /* gsize: chunk starts after 0 */
  gsize    scanned;     /* bytes looked at */
  gsize    line_start;
  gboolean in_fence;
  char     fence_char;
  guint    fence_len;
  gboolean blank_before;
} Chunks;

static void
chunks_free (gpointer data)
{
  Chunks *chunks = data;

  g_array_unref (chunks->cuts);
  g_free (chunks);
}

static Chunks *
chunks_new (void)
{
  Chunks *chunks = g_new0 (Chunks, 1);

  chunks->cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
  return chunks;
}

static gboolean
starts_fence (const char *line,
              gsize       len,
              char       *fence_char,
              guint      *fence_len)
{
  gsize i = 0, n = 0;

  while (i < len && i < 3 && line[i] == ' ')
    i++;
  if (i >= len || (line[i] != '`' && line[i] != '~'))
    return FALSE;
  while (i + n < len && line[i + n] == line[i])
    n++;
  if (n < 3)
    return FALSE;
  *fence_char = line[i];
  *fence_len = (guint) n;
  return TRUE;
}

static gboolean
is_blank (const char *line,
          gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
      return FALSE;
  return TRUE;
}

/* A line that may continue what came before the blank line: indented (list
 * item content, indented code) */
static gboolean
continues_block (const char *line,
                 gsize       len)
{
  return len > 0 && (line[0] == ' ' || line[0] == '\t');
}

/* One line of many kilobytes (a paragraph without a line break, as models
 * write them) is cut too, after a space, every LONG_LINE_CUT bytes: a
 * single label of a megabyte takes seconds to lay out, and rows are what
 * the list view leaves out when they are off screen. Inline markup that
 * spans such a cut shows as written; the text stays whole. Table rows are
 * never cut. */
#define LONG_LINE_BYTES (16 * 1024)
#define LONG_LINE_CUT   (8 * 1024)

static gsize
last_cut_of (Chunks *chunks)
{
  return chunks->cuts->len > 0 ? g_array_index (chunks->cuts, gsize, chunks->cuts->len - 1) : 0;
}

static void
cut_long_line (Chunks     *chunks,
               const char *text,
               gsize       line_start,
               gsize       line_end)
{
  gsize from = MAX (last_cut_of (chunks), line_start);

  if (chunks->in_fence || line_end <= line_start || text[line_start] == '|')
    return;
  while (line_end - from > LONG_LINE_BYTES)
    {
      const char *space = memchr (text + from + LONG_LINE_CUT, ' ', line_end - from - LONG_LINE_CUT);
      gsize cut;

      if (space == NULL)
        break;
      cut = (gsize) (space - text) + 1;
      g_array_append_val (chunks->cuts, cut);
      from = cut;
    }
}

/* Looks at the complete lines added since the last call, and at the
 * length of the last one so far */
static void
chunks_scan (Chunks     *chunks,
             const char *text,
             gsize       len)
{
  gsize last_cut = last_cut_of (chunks);
  const char *nl;

  while (chunks->scanned < len &&
         (nl = memchr (text + chunks->scanned, '\n', len - chunks->scanned)) != NULL)
    {
      const char *line = text + chunks->line_start;
      gsize line_len = (gsize) (nl - line);
      char fence_char;
      guint fence_len;

      cut_long_line (chunks, text, chunks->line_start, chunks->line_start + line_len);
      last_cut = last_cut_of (chunks);

      if (chunks->in_fence)
        {
          if (starts_fence (line, line_len, &fence_char, &fence_len) &&
              fence_char == chunks->fence_char && fence_len >= chunks->fence_len)
            chunks->in_fence = FALSE;
          chunks->blank_before = FALSE;
        }
      else if (is_blank (line, line_len))
        chunks->blank_before = TRUE;
      else
        {
          if (chunks->blank_before && !continues_block (line, line_len) &&
              chunks->line_start >= last_cut && chunks->line_start - last_cut >= CHUNK_BYTES)
            {
              g_array_append_val (chunks->cuts, chunks->line_start);
              last_cut = chunks->line_start;
            }
          if (starts_fence (line, line_len, &fence_char, &fence_len))
            {
              chunks->in_fence = TRUE;
              chunks->fence_char = fence_char;
              chunks->fence_len = fence_len;
            }
          chunks->blank_before = FALSE;
        }

      chunks->scanned = (gsize) (nl - text) + 1;
      chunks->line_start = chunks->scanned;
    }

  /* The line still being written */
  cut_long_line (chunks, text, chunks->line_start, len);
}

/* The model */

typedef struct
{
  OcgTurn   *turn;
  GPtrArray *items;     /* OcgTranscriptItem */
  GPtrArray *watched;   /* part lists and parts with our handlers */
} TurnItems;

struct _OcgTranscript
{
  GObject       parent_instance;

  OcgStore     *store;
  OcgTurnModel *turns;
  GPtrArray    *per_turn;   /* TurnItems, in turn order */
  GHashTable   *chunks;     /* OcgPart -> Chunks */
  GHashTable   *shown;      /* OcgPart -> bytes shown, when more than SHOWN_BYTES */
  GHashTable   *owner;      /* watched object -> TurnItems */
  guint         n_items;
  guint         n_hidden;   /* the oldest turns, not (yet) shown: no items */
  guint         min_items;  /* rows shown at first, 0: all */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OcgTranscript, ocg_transcript, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return OCG_TYPE_TRANSCRIPT_ITEM;
}

static guint
get_n_items (GListModel *model)
{
  return OCG_TRANSCRIPT (model)->n_items;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  OcgTranscript *self = OCG_TRANSCRIPT (model);

  for (guint i = self->n_hidden; i < self->per_turn->len; i++)
    {
      TurnItems *ti = g_ptr_array_index (self->per_turn, i);

      if (position < ti->items->len)
        return g_object_ref (g_ptr_array_index (ti->items, position));
      position -= ti->items->len;
    }
  return NULL;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void turn_changed (OcgTranscript *self, TurnItems *ti);

static void
unwatch (TurnItems     *ti,
         OcgTranscript *self)
{
  for (guint i = 0; i < ti->watched->len; i++)
    {
      gpointer object = g_ptr_array_index (ti->watched, i);

      g_signal_handlers_disconnect_by_data (object, self);
      if (g_hash_table_lookup (self->owner, object) == ti)
        g_hash_table_remove (self->owner, object);
    }
  g_ptr_array_set_size (ti->watched, 0);
}

static void
turn_items_free (gpointer data)
{
  TurnItems *ti = data;

  g_object_unref (ti->turn);
  g_ptr_array_unref (ti->items);
  g_ptr_array_unref (ti->watched);
  g_free (ti);
}

static TurnItems *
find_turn_items (OcgTranscript *self,
                 gpointer       instance,
                 guint         *position)
{
  TurnItems *owner = g_hash_table_lookup (self->owner, instance);
  guint pos = 0;

  for (guint i = self->n_hidden; i < self->per_turn->len; i++)
    {
      TurnItems *ti = g_ptr_array_index (self->per_turn, i);

      if (ti == owner || ti->turn == instance)
        {
          if (position != NULL)
            *position = pos;
          return ti;
        }
      pos += ti->items->len;
    }
  return NULL;
}

static void
on_watched_changed (gpointer       instance,
                    OcgTranscript *self)
{
  TurnItems *ti = find_turn_items (self, instance, NULL);

  if (ti != NULL)
    turn_changed (self, ti);
}

static void
on_parts_changed (GListModel    *parts,
                  guint          position,
                  guint          removed,
                  guint          added,
                  OcgTranscript *self)
{
  on_watched_changed (parts, self);
}

static void
on_text_changed (OcgPart       *part,
                 GParamSpec    *pspec,
                 OcgTranscript *self)
{
  on_watched_changed (part, self);
}

static void
watch (TurnItems     *ti,
       OcgTranscript *self,
       gpointer       object,
       gboolean       is_model)
{
  if (g_hash_table_lookup (self->owner, object) == ti)
    return;
  if (is_model)
    g_signal_connect (object, "items-changed", G_CALLBACK (on_parts_changed), self);
  else
    g_signal_connect (object, "notify::text", G_CALLBACK (on_text_changed), self);
  /* Held: the store keeps an emptied list only while someone does */
  g_ptr_array_add (ti->watched, g_object_ref (object));
  g_hash_table_insert (self->owner, object, ti);
}

static Chunks *
chunks_for (OcgTranscript *self,
            OcgPart       *part)
{
  Chunks *chunks = g_hash_table_lookup (self->chunks, part);
  gsize len = ocg_record_get_string_length (OCG_RECORD (part), "text");

  if (chunks == NULL || len < chunks->scanned)
    {
      /* New, or replaced by a shorter text: scan again */
      chunks = chunks_new ();
      g_hash_table_replace (self->chunks, g_object_ref (part), chunks);
    }
  chunks_scan (chunks, ocg_record_get_string (OCG_RECORD (part), "text") ?: "", len);
  return chunks;
}

/* The items a turn should have now, reusing the ones it has */
static GPtrArray *
compute_items (OcgTranscript *self,
               TurnItems     *ti)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *assistant = ocg_turn_get_assistant (ti->turn);
  guint reuse = 1;

  g_ptr_array_add (items, ti->items->len > 0 ? g_object_ref (g_ptr_array_index (ti->items, 0))
                                             : item_new (OCG_TRANSCRIPT_HEAD, ti->turn, NULL, 0, 0));

  watch (ti, self, assistant, TRUE);
  for (guint i = 0; i < g_list_model_get_n_items (assistant); i++)
    {
      g_autoptr(OcgMessage) message = g_list_model_get_item (assistant, i);
      GListModel *parts = ocg_store_get_parts (self->store, ocg_record_get_id (message));

      watch (ti, self, parts, TRUE);
      for (guint j = 0; j < g_list_model_get_n_items (parts); j++)
        {
          g_autoptr(OcgPart) part = g_list_model_get_item (parts, j);
          Chunks *chunks;
          gsize shown;

          if (g_strcmp0 (ocg_record_get_string (OCG_RECORD (part), "type"), "text") != 0)
            continue;
          watch (ti, self, part, FALSE);
          chunks = chunks_for (self, part);

          shown = GPOINTER_TO_SIZE (g_hash_table_lookup (self->shown, part));
          if (shown == 0)
            shown = SHOWN_BYTES;
          for (guint c = 0; c <= chunks->cuts->len; c++)
            {
              gsize start = c == 0 ? 0 : g_array_index (chunks->cuts, gsize, c - 1);
              gsize end = c < chunks->cuts->len ? g_array_index (chunks->cuts, gsize, c) : G_MAXSIZE;
              OcgTranscriptItem *old = reuse < ti->items->len ? g_ptr_array_index (ti->items, reuse) : NULL;

              /* The rest, as one row */
              if (start >= shown)
                {
                  if (old != NULL && old->kind == OCG_TRANSCRIPT_MORE && old->part == part && old->start == start)
                    {
                      g_ptr_array_add (items, g_object_ref (old));
                      reuse++;
                      g_signal_emit (old, item_signals[ITEM_CHANGED], 0);
                    }
                  else
                    g_ptr_array_add (items, item_new (OCG_TRANSCRIPT_MORE, ti->turn, part, start, G_MAXSIZE));
                  break;
                }

              if (old != NULL && old->kind == OCG_TRANSCRIPT_ANSWER && old->part == part && old->start == start)
                {
                  gboolean grew = old->end != end || end == G_MAXSIZE;

                  old->end = end;
                  g_ptr_array_add (items, g_object_ref (old));
                  reuse++;
                  if (grew)
                    g_signal_emit (old, item_signals[ITEM_CHANGED], 0);
                }
              else
                g_ptr_array_add (items, item_new (OCG_TRANSCRIPT_ANSWER, ti->turn, part, start, end));
            }
        }
    }

  {
    OcgTranscriptItem *old = ti->items->len > 0 ? g_ptr_array_index (ti->items, ti->items->len - 1) : NULL;

    g_ptr_array_add (items, old != NULL && old->kind == OCG_TRANSCRIPT_FOOT
                            ? g_object_ref (old)
                            : item_new (OCG_TRANSCRIPT_FOOT, ti->turn, NULL, 0, 0));
  }
  return items;
}

/* Replaces a turn's items and tells the views about the ones that differ */
static void
turn_changed (OcgTranscript *self,
              TurnItems     *ti)
{
  g_autoptr(GPtrArray) items = compute_items (self, ti);
  guint offset = 0, prefix = 0, suffix = 0, n_old = ti->items->len;

  find_turn_items (self, ti->turn, &offset);
  while (prefix < n_old && prefix < items->len &&
         g_ptr_array_index (ti->items, prefix) == g_ptr_array_index (items, prefix))
    prefix++;
  while (suffix < n_old - prefix && suffix < items->len - prefix &&
         g_ptr_array_index (ti->items, n_old - 1 - suffix) == g_ptr_array_index (items, items->len - 1 - suffix))
    suffix++;

  g_ptr_array_unref (ti->items);
  ti->items = g_steal_pointer (&items);
  self->n_items = self->n_items - n_old + ti->items->len;
  if (prefix != n_old || prefix != ti->items->len)
    g_list_model_items_changed (G_LIST_MODEL (self), offset + prefix,
                                n_old - prefix - suffix, ti->items->len - prefix - suffix);
}

/* Gives a hidden turn its items, and watches what they show */
static void
turn_items_show (OcgTranscript *self,
                 TurnItems     *ti)
{
  g_autoptr(GPtrArray) items = compute_items (self, ti);

  g_ptr_array_unref (ti->items);
  ti->items = g_steal_pointer (&items);
}

static TurnItems *
turn_items_new (OcgTranscript *self,
                OcgTurn       *turn,
                gboolean       shown)
{
  TurnItems *ti = g_new0 (TurnItems, 1);

  ti->turn = g_object_ref (turn);
  ti->items = g_ptr_array_new_with_free_func (g_object_unref);
  ti->watched = g_ptr_array_new_with_free_func (g_object_unref);
  if (shown)
    turn_items_show (self, ti);
  return ti;
}

/* The first turns of an empty transcript (a session opened before its
 * messages came) are shown as at creation: the newest, the rest hidden.
 * Later, turns inserted among the hidden ones stay hidden; those after them
 * (new turns, or older history the reader asked for once everything was
 * shown) are shown. */
static void
on_turns_changed (GListModel    *turns,
                  guint          position,
                  guint          removed,
                  guint          added,
                  OcgTranscript *self)
{
  guint offset = 0, n_removed = 0, n_added = 0;
  gboolean hidden;

  if (self->per_turn->len == 0 && self->min_items > 0)
    {
      for (guint i = 0; i < added; i++)
        {
          g_autoptr(OcgTurn) turn = g_list_model_get_item (turns, position + i);

          g_ptr_array_add (self->per_turn, turn_items_new (self, turn, FALSE));
        }
      self->n_hidden = added;
      ocg_transcript_reveal_older (self, self->min_items);
      return;
    }

  for (guint i = self->n_hidden; i < position; i++)
    offset += ((TurnItems *) g_ptr_array_index (self->per_turn, i))->items->len;

  for (guint i = 0; i < removed; i++)
    {
      TurnItems *ti = g_ptr_array_index (self->per_turn, position + i);

      n_removed += ti->items->len;
      unwatch (ti, self);
    }
  g_ptr_array_remove_range (self->per_turn, position, removed);
  if (position < self->n_hidden)
    self->n_hidden -= MIN (removed, self->n_hidden - position);

  hidden = position < self->n_hidden;
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(OcgTurn) turn = g_list_model_get_item (turns, position + i);
      TurnItems *ti = turn_items_new (self, turn, !hidden);

      n_added += ti->items->len;
      g_ptr_array_insert (self->per_turn, (int) (position + i), ti);
    }
  if (hidden)
    self->n_hidden += added;

  self->n_items = self->n_items - n_removed + n_added;
  if (n_removed > 0 || n_added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), offset, n_removed, n_added);
}

static void
ocg_transcript_dispose (GObject *object)
{
  OcgTranscript *self = OCG_TRANSCRIPT (object);

  if (self->turns != NULL)
    g_signal_handlers_disconnect_by_data (self->turns, self);
  for (guint i = 0; self->per_turn != NULL && i < self->per_turn->len; i++)
    unwatch (g_ptr_array_index (self->per_turn, i), self);
  g_clear_pointer (&self->per_turn, g_ptr_array_unref);
  g_clear_pointer (&self->chunks, g_hash_table_unref);
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_pointer (&self->owner, g_hash_table_unref);
  g_clear_object (&self->turns);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ocg_transcript_parent_class)->dispose (object);
}

static void
ocg_transcript_class_init (OcgTranscriptClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ocg_transcript_dispose;
}

static void
ocg_transcript_init (OcgTranscript *self)
{
  self->per_turn = g_ptr_array_new_with_free_func (turn_items_free);
  self->chunks = g_hash_table_new_full (NULL, NULL, g_object_unref, chunks_free);
  self->shown = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->owner = g_hash_table_new (NULL, NULL);
}

/* Shows hidden turns, newest first, until at least @min_items more rows
 * are shown or none is hidden. Returns the number of rows added at the top. */
guint
ocg_transcript_reveal_older (OcgTranscript *self,
                             guint          min_items)
{
  guint n_added = 0;

  g_return_val_if_fail (OCG_IS_TRANSCRIPT (self), 0);

  while (self->n_hidden > 0 && n_added < min_items)
    {
      TurnItems *ti = g_ptr_array_index (self->per_turn, self->n_hidden - 1);

      turn_items_show (self, ti);
      self->n_hidden--;
      n_added += ti->items->len;
    }
  self->n_items += n_added;
  if (n_added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, n_added);
  return n_added;
}

/* The number of turns not shown yet */
guint
ocg_transcript_get_n_hidden (OcgTranscript *self)
{
  g_return_val_if_fail (OCG_IS_TRANSCRIPT (self), 0);
  return self->n_hidden;
}

/* A transcript of @turns showing the newest turns that make at least
 * @min_items rows (all of them when 0) */
OcgTranscript *
ocg_transcript_new (OcgStore     *store,
                    OcgTurnModel *turns,
                    guint         min_items)
{
  OcgTranscript *self;

  g_return_val_if_fail (OCG_IS_STORE (store), NULL);
  g_return_val_if_fail (OCG_IS_TURN_MODEL (turns), NULL);

  self = g_object_new (OCG_TYPE_TRANSCRIPT, NULL);
  self->store = g_object_ref (store);
  self->turns = g_object_ref (turns);
  self->min_items = min_items;
  g_signal_connect (turns, "items-changed", G_CALLBACK (on_turns_changed), self);

  /* As the first turns of an empty transcript */
  on_turns_changed (G_LIST_MODEL (turns), 0, 0, g_list_model_get_n_items (G_LIST_MODEL (turns)), self);
  return self;
}

OcgTurnModel *
ocg_transcript_get_turns (OcgTranscript *self)
{
  g_return_val_if_fail (OCG_IS_TRANSCRIPT (self), NULL);
  return self->turns;
}

/**
 * ocg_transcript_show_more:
 * @more: an item of kind %OCG_TRANSCRIPT_MORE
 *
 * Shows more of the text part that @more stands for.
 */
void
ocg_transcript_show_more (OcgTranscript     *self,
                          OcgTranscriptItem *more)
{
  TurnItems *ti;

  g_return_if_fail (OCG_IS_TRANSCRIPT (self));
  g_return_if_fail (OCG_IS_TRANSCRIPT_ITEM (more));

  if (more->kind != OCG_TRANSCRIPT_MORE || more->part == NULL)
    return;
  g_hash_table_replace (self->shown, g_object_ref (more->part), GSIZE_TO_POINTER (more->start + MORE_BYTES));
  ti = find_turn_items (self, more->turn, NULL);
  if (ti != NULL && ti->items->len > 0)
    turn_changed (self, ti);
}
