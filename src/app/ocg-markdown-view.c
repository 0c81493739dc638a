/* ocg-markdown-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Renders Markdown with native widgets, one child per top-level block:
 * labels with Pango markup for prose, GtkSourceView for code, GtkGrid for
 * tables. md4c parses the text into a small tree of Nodes; widgets are made
 * from, or updated to match, those nodes.
 *
 * While an answer streams, the text grows a few bytes at a time. Only the
 * text from the last "restart point" (the start of a top-level block that
 * no later text can change) is parsed again; the blocks before it, and their
 * widgets, are left alone. The new nodes are compared with the old ones so
 * that an unchanged block keeps its widget and a changed one is updated in
 * place where it can be.
 */
#include "ocg-markdown-view.h"
#include "ocg-prose-bin.h"
#include "ocg-trace.h"
#include "ocg-link-opener.h"
#include "ocg-link-policy.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>
#include <md4c.h>
#include <string.h>

#include "ocg-text.h"

#define BLOCK_SPACING   12
#define COPIED_TIMEOUT  1500
#define TOOLTIP_TARGET_CHARS 300

#define CODE_SPAN_OPEN  "<span bgcolor=\"#888888\" bgalpha=\"22%\"><tt>"
#define CODE_SPAN_CLOSE "</tt></span>"

typedef enum
{
  NODE_PARAGRAPH,
  NODE_HEADING,
  NODE_QUOTE,
  NODE_LIST,
  NODE_ITEM,
  NODE_CODE,
  NODE_HTML,
  NODE_RULE,
  NODE_TABLE,
  NODE_ROW,
  NODE_CELL,
} NodeKind;

typedef enum
{
  MARKER_BULLET,
  MARKER_NUMBER,
  MARKER_TASK,
  MARKER_TASK_DONE,
} MarkerKind;

typedef struct _Node Node;

struct _Node
{
  NodeKind   kind;
  guint      n;             /* heading level, list start, table columns */
  guint8     align;         /* MD_ALIGN of a cell */
  guint8     marker_kind;   /* MarkerKind of an item */
  guint8     marker_width;  /* in characters, the same for all items of a list */
  char       delimiter;     /* '.' or ')' of an ordered list */
  char       fence_char;    /* 0 for an indented code block */
  gboolean   header : 1;    /* table header row and its cells */
  gboolean   tight : 1;     /* list */
  gboolean   ordered : 1;   /* list */
  char      *marker;        /* item: "•", "12.", "☐" */
  char      *lang;          /* code: the fence's language, or NULL */
  GString   *text;          /* Pango markup; for NODE_CODE the code itself */
  GPtrArray *children;

  /* Top-level blocks: the span of source their content came from */
  gsize      first;
  gsize      last;
  gboolean   has_content : 1;
  gboolean   leading_empty : 1;  /* something without source came before the content */
  gboolean   has_info : 1;       /* code: the fence line has an info string */
};

struct _OcgMarkdownView
{
  GtkWidget  parent_instance;

  GString   *text;
  gsize      dirty_from;      /* text before this offset is unchanged since the last render */
  guint      tick_id;

  /* Child i of the view shows blocks[i] */
  GPtrArray *blocks;

  /* A top-level block begins at restart_offset (blocks[restart_block]), and
   * parsing from there gives the same blocks as parsing the whole text, as
   * long as the first stable_len bytes do not change. */
  gsize      restart_offset;
  guint      restart_block;
  gsize      stable_len;

  /* Link reference definitions apply to the whole document, before and
   * after them, so their presence disables partial parsing. */
  gsize      refs_scanned;
  gboolean   has_refs;

  guint      n_renders;
  gsize      last_parse_len;

  /* While a link is activated: what it reads */
  char      *link_text;
};

G_DEFINE_FINAL_TYPE (OcgMarkdownView, ocg_markdown_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

enum {
  LINK_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GtkWidget *create_widget      (Node       *node);
static void       reconcile_children (GtkWidget  *parent,
                                      GtkWidget  *child,
                                      Node      **old_nodes,
                                      guint       n_old,
                                      Node      **new_nodes,
                                      guint       n_new);

/* Nodes */

static Node *
node_new (NodeKind kind)
{
  Node *node = g_new0 (Node, 1);

  node->kind = kind;
  return node;
}

static void
node_free (gpointer data)
{
  Node *node = data;

  if (node == NULL)
    return;
  g_clear_pointer (&node->children, g_ptr_array_unref);
  if (node->text != NULL)
    g_string_free (node->text, TRUE);
  g_free (node->marker);
  g_free (node->lang);
  g_free (node);
}

static void
node_add_child (Node *parent,
                Node *child)
{
  if (parent->children == NULL)
    parent->children = g_ptr_array_new_with_free_func (node_free);
  g_ptr_array_add (parent->children, child);
}

static GString *
node_get_text (Node *node)
{
  if (node->text == NULL)
    node->text = g_string_new (NULL);
  return node->text;
}

static const char *
node_text (const Node *node)
{
  return node->text != NULL ? node->text->str : "";
}

static guint
node_n_children (const Node *node)
{
  return node->children != NULL ? node->children->len : 0;
}

static Node *
node_child (const Node *node,
            guint       i)
{
  return g_ptr_array_index (node->children, i);
}

static gboolean
node_equal (const Node *a,
            const Node *b)
{
  if (a->kind != b->kind ||
      a->n != b->n ||
      a->align != b->align ||
      a->marker_kind != b->marker_kind ||
      a->marker_width != b->marker_width ||
      a->header != b->header ||
      a->tight != b->tight ||
      g_strcmp0 (a->marker, b->marker) != 0 ||
      g_strcmp0 (a->lang, b->lang) != 0 ||
      strcmp (node_text (a), node_text (b)) != 0 ||
      node_n_children (a) != node_n_children (b))
    return FALSE;

  for (guint i = 0; i < node_n_children (a); i++)
    if (!node_equal (node_child (a, i), node_child (b, i)))
      return FALSE;

  return TRUE;
}

/* Markup */

static void
append_escaped (GString    *out,
                const char *text,
                gsize       len)
{
  const char *run = text;
  const char *end = text + len;
  const char *p;

  for (p = text; p < end; p++)
    {
      const char *replacement;

      switch (*p)
        {
        case '&': replacement = "&amp;"; break;
        case '<': replacement = "&lt;"; break;
        case '>': replacement = "&gt;"; break;
        case '"': replacement = "&quot;"; break;
        case '\'': replacement = "&#39;"; break;
        default:
          /* Control characters are not allowed in markup */
          if ((guchar) *p >= 0x20 || *p == '\t' || *p == '\n')
            continue;
          replacement = "";
          break;
        }
      g_string_append_len (out, run, p - run);
      g_string_append (out, replacement);
      run = p + 1;
    }
  g_string_append_len (out, run, p - run);
}

static void
append_entity (GString    *out,
               const char *text,
               gsize       len)
{
  static const struct {
    const char *name;
    const char *utf8;
  } named[] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
    { "&apos;", "'" }, { "&nbsp;", "\302\240" }, { "&copy;", "©" },
    { "&reg;", "®" }, { "&trade;", "™" }, { "&hellip;", "…" },
    { "&mdash;", "—" }, { "&ndash;", "–" }, { "&laquo;", "«" },
    { "&raquo;", "»" }, { "&larr;", "←" }, { "&rarr;", "→" },
    { "&uarr;", "↑" }, { "&darr;", "↓" }, { "&times;", "×" },
    { "&deg;", "°" }, { "&middot;", "·" }, { "&bull;", "•" },
    { "&euro;", "€" }, { "&check;", "✓" },
  };

  if (len > 3 && text[1] == '#')
    {
      gboolean hex = text[2] == 'x' || text[2] == 'X';
      gunichar c = 0;

      for (gsize i = hex ? 3 : 2; i < len - 1 && c <= 0x10FFFF; i++)
        c = hex ? c * 16 + g_ascii_xdigit_value (text[i])
                : c * 10 + g_ascii_digit_value (text[i]);
      if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        c = 0xFFFD;
      g_string_append_unichar (out, c);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (named); i++)
    if (strlen (named[i].name) == len && memcmp (named[i].name, text, len) == 0)
      {
        g_string_append (out, named[i].utf8);
        return;
      }

  g_string_append_len (out, text, len);
}

static void
append_attribute (GString            *out,
                  const MD_ATTRIBUTE *attr)
{
  for (guint i = 0; attr->substr_offsets[i] < attr->size; i++)
    {
      const char *text = attr->text + attr->substr_offsets[i];
      gsize len = attr->substr_offsets[i + 1] - attr->substr_offsets[i];

      switch (attr->substr_types[i])
        {
        case MD_TEXT_ENTITY:
          append_entity (out, text, len);
          break;
        case MD_TEXT_NULLCHAR:
          g_string_append (out, "\357\277\275");
          break;
        default:
          g_string_append_len (out, text, len);
          break;
        }
    }
}

/* A table shows at most this many columns, and as many rows as keep it
 * under this many cells: tens of thousands of labels would stall the
 * window for minutes. The rest stays reachable: the footer says what is
 * left out, and copies the whole table. */
#define TABLE_MAX_COLUMNS 100
#define TABLE_MAX_CELLS   4000
/* How wide a cell's text may be before it wraps, and at least once it does */
#define TABLE_CELL_MAX_CHARS 48
#define TABLE_CELL_MIN_CHARS 24

/* The rows of a table of @n_columns that are shown, header included */
static guint
table_shown_rows (guint n_columns)
{
  return MAX (1, TABLE_MAX_CELLS / MAX (MIN (n_columns, TABLE_MAX_COLUMNS), 1));
}

/* Parsing */

typedef struct
{
  const char *base;       /* the whole text */
  gsize       len;
  gsize       offset;     /* where md4c started */
  GPtrArray  *blocks;     /* top-level Nodes */
  GPtrArray  *stack;      /* open Nodes, not owned */
  Node       *top;        /* the open top-level Node */
  Node       *implicit;   /* paragraph of a tight list item's text */
  guint       link_depth;
  gsize       image_text_from;  /* where an image's alternative text begins */
  /* Cells a table does not show are read, not kept, unless the whole
   * table is asked for (to copy it) */
  gboolean    whole_tables;
  gboolean    skip_cell;
} Parser;

static gboolean
is_leaf (NodeKind kind)
{
  return kind == NODE_PARAGRAPH || kind == NODE_HEADING || kind == NODE_CODE ||
         kind == NODE_HTML || kind == NODE_CELL;
}

static Node *
parser_current (Parser *p)
{
  return p->stack->len > 0 ? g_ptr_array_index (p->stack, p->stack->len - 1) : NULL;
}

/* Records where the current top-level block's content lies in the source */
static void
parser_note (Parser     *p,
             const char *text,
             gsize       size,
             gboolean    is_attribute)
{
  Node *top = p->top;
  guintptr start = (guintptr) p->base;
  guintptr ptr = (guintptr) text;

  if (top == NULL)
    return;

  if (text != NULL && size > 0 && ptr >= start && ptr + size <= start + p->len)
    {
      gsize first = ptr - start;

      if (!top->has_content || first < top->first)
        top->first = first;
      if (!top->has_content || first + size > top->last)
        top->last = first + size;
      top->has_content = TRUE;
    }
  else if (!is_attribute && !top->has_content)
    top->leading_empty = TRUE;
}

static Node *
parser_inline_target (Parser *p)
{
  Node *current = parser_current (p);

  g_assert (current != NULL);

  if (is_leaf (current->kind))
    return current;

  if (p->implicit == NULL)
    {
      p->implicit = node_new (NODE_PARAGRAPH);
      node_add_child (current, p->implicit);
    }
  return p->implicit;
}

static void
parser_push (Parser *p,
             Node   *node)
{
  Node *parent = parser_current (p);

  if (parent == NULL)
    {
      g_ptr_array_add (p->blocks, node);
      p->top = node;
    }
  else
    node_add_child (parent, node);
  g_ptr_array_add (p->stack, node);
}

static guint
count_digits (guint n)
{
  guint digits = 1;

  while (n >= 10)
    {
      n /= 10;
      digits++;
    }
  return digits;
}

static guint
parser_list_depth (Parser *p)
{
  guint depth = 0;

  for (guint i = 0; i < p->stack->len; i++)
    if (((Node *) g_ptr_array_index (p->stack, i))->kind == NODE_LIST)
      depth++;
  return depth;
}

static void
finish_list (Node  *list,
             guint  depth)
{
  static const char * const bullets[] = { "•", "◦", "▪" };
  guint n_items = node_n_children (list);
  guint width = list->ordered ? count_digits (list->n + MAX (n_items, 1) - 1) + 1 : 1;

  for (guint i = 0; i < n_items; i++)
    {
      Node *item = node_child (list, i);

      g_free (item->marker);
      if (item->marker_kind == MARKER_TASK)
        item->marker = g_strdup ("☐");
      else if (item->marker_kind == MARKER_TASK_DONE)
        item->marker = g_strdup ("☑");
      else if (list->ordered)
        {
          item->marker_kind = MARKER_NUMBER;
          item->marker = g_strdup_printf ("%u%c", list->n + i, list->delimiter);
        }
      else
        {
          item->marker_kind = MARKER_BULLET;
          item->marker = g_strdup (bullets[depth % G_N_ELEMENTS (bullets)]);
        }
      item->marker_width = width;
    }
}

static int
on_enter_block (MD_BLOCKTYPE  type,
                void         *detail,
                void         *user_data)
{
  Parser *p = user_data;
  Node *node = NULL;

  switch (type)
    {
    case MD_BLOCK_DOC:
    case MD_BLOCK_THEAD:
    case MD_BLOCK_TBODY:
      return 0;

    case MD_BLOCK_QUOTE:
      node = node_new (NODE_QUOTE);
      break;

    case MD_BLOCK_UL:
      {
        const MD_BLOCK_UL_DETAIL *ul = detail;

        node = node_new (NODE_LIST);
        node->tight = ul->is_tight != 0;
      }
      break;

    case MD_BLOCK_OL:
      {
        const MD_BLOCK_OL_DETAIL *ol = detail;

        node = node_new (NODE_LIST);
        node->ordered = TRUE;
        node->n = ol->start;
        node->delimiter = ol->mark_delimiter;
        node->tight = ol->is_tight != 0;
      }
      break;

    case MD_BLOCK_LI:
      {
        const MD_BLOCK_LI_DETAIL *li = detail;

        node = node_new (NODE_ITEM);
        if (li->is_task)
          {
            node->marker_kind = (li->task_mark == ' ') ? MARKER_TASK : MARKER_TASK_DONE;
            parser_note (p, p->base + p->offset + li->task_mark_offset, 1, TRUE);
          }
      }
      break;

    case MD_BLOCK_HR:
      node = node_new (NODE_RULE);
      break;

    case MD_BLOCK_H:
      node = node_new (NODE_HEADING);
      node->n = ((const MD_BLOCK_H_DETAIL *) detail)->level;
      break;

    case MD_BLOCK_CODE:
      {
        const MD_BLOCK_CODE_DETAIL *code = detail;

        node = node_new (NODE_CODE);
        node->fence_char = code->fence_char;
        if (code->lang.size > 0)
          {
            g_autoptr(GString) lang = g_string_new (NULL);

            append_attribute (lang, &code->lang);
            node->lang = g_string_free (g_steal_pointer (&lang), FALSE);
          }
        node_get_text (node);
        parser_push (p, node);
        if (code->info.size > 0)
          {
            node->has_info = TRUE;
            parser_note (p, code->info.text, code->info.size, TRUE);
          }
        p->implicit = NULL;
        return 0;
      }

    case MD_BLOCK_HTML:
      node = node_new (NODE_HTML);
      break;

    case MD_BLOCK_P:
      node = node_new (NODE_PARAGRAPH);
      break;

    case MD_BLOCK_TABLE:
      node = node_new (NODE_TABLE);
      node->n = ((const MD_BLOCK_TABLE_DETAIL *) detail)->col_count;
      break;

    case MD_BLOCK_TR:
      node = node_new (NODE_ROW);
      /* md4c gives tables exactly one header row */
      node->header = node_n_children (parser_current (p)) == 0;
      break;

    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      if (!p->whole_tables)
        {
          Node *row = parser_current (p);
          Node *table = p->stack->len >= 2 ? g_ptr_array_index (p->stack, p->stack->len - 2) : NULL;

          if (table != NULL && table->kind == NODE_TABLE &&
              (node_n_children (row) >= TABLE_MAX_COLUMNS ||
               node_n_children (table) > table_shown_rows (table->n)))
            {
              p->skip_cell = TRUE;
              return 0;
            }
        }
      node = node_new (NODE_CELL);
      node->align = ((const MD_BLOCK_TD_DETAIL *) detail)->align;
      node->header = type == MD_BLOCK_TH;
      if (node->header)
        g_string_append (node_get_text (node), "<b>");
      break;

    default:
      return 0;
    }

  p->implicit = NULL;
  parser_push (p, node);
  return 0;
}

static int
on_leave_block (MD_BLOCKTYPE  type,
                void         *detail,
                void         *user_data)
{
  Parser *p = user_data;
  Node *node;

  if (type == MD_BLOCK_DOC || type == MD_BLOCK_THEAD || type == MD_BLOCK_TBODY)
    return 0;
  if (p->skip_cell)
    {
      p->skip_cell = FALSE;
      return 0;
    }

  node = g_ptr_array_steal_index (p->stack, p->stack->len - 1);
  p->implicit = NULL;

  switch (node->kind)
    {
    case NODE_LIST:
      finish_list (node, parser_list_depth (p));
      break;

    case NODE_CELL:
      if (node->header)
        g_string_append (node_get_text (node), "</b>");
      break;

    case NODE_HTML:
    case NODE_CODE:
      if (node->text != NULL && node->text->len > 0 &&
          node->text->str[node->text->len - 1] == '\n')
        g_string_truncate (node->text, node->text->len - 1);
      break;

    case NODE_PARAGRAPH:
    case NODE_HEADING:
    case NODE_QUOTE:
    case NODE_ITEM:
    case NODE_RULE:
    case NODE_TABLE:
    case NODE_ROW:
    default:
      break;
    }

  if (p->stack->len == 0)
    p->top = NULL;
  else if (!p->top->has_content)
    p->top->leading_empty = TRUE;

  return 0;
}

static int
on_enter_span (MD_SPANTYPE  type,
               void        *detail,
               void        *user_data)
{
  Parser *p = user_data;
  GString *out;

  if (p->skip_cell)
    return 0;
  out = node_get_text (parser_inline_target (p));

  switch (type)
    {
    case MD_SPAN_EM:
      g_string_append (out, "<i>");
      break;
    case MD_SPAN_STRONG:
      g_string_append (out, "<b>");
      break;
    case MD_SPAN_DEL:
      g_string_append (out, "<s>");
      break;
    case MD_SPAN_U:
      g_string_append (out, "<u>");
      break;
    case MD_SPAN_CODE:
      g_string_append (out, CODE_SPAN_OPEN);
      break;
    case MD_SPAN_A:
    case MD_SPAN_IMG:
      {
        const MD_ATTRIBUTE *href;
        g_autoptr(GString) target = g_string_new (NULL);
        g_autoptr(GString) tooltip = g_string_new (NULL);
        g_autofree char *shown = NULL;

        if (type == MD_SPAN_A)
          href = &((const MD_SPAN_A_DETAIL *) detail)->href;
        else
          href = &((const MD_SPAN_IMG_DETAIL *) detail)->src;
        parser_note (p, href->text, href->size, TRUE);

        /* Links cannot nest in a label */
        if (p->link_depth++ > 0)
          break;
        /* The tooltip (markup) names the real target, not a title the
         * text chose */
        append_attribute (target, href);
        shown = ocg_link_display_short (target->str, TOOLTIP_TARGET_CHARS);
        append_escaped (tooltip, shown, strlen (shown));
        g_string_append (out, "<a href=\"");
        append_escaped (out, target->str, target->len);
        g_string_append (out, "\" title=\"");
        append_escaped (out, tooltip->str, tooltip->len);
        g_string_append (out, "\">");
        /* An image is never fetched: its alternative text stands for it */
        p->image_text_from = type == MD_SPAN_IMG ? out->len : G_MAXSIZE;
      }
      break;
    case MD_SPAN_LATEXMATH:
    case MD_SPAN_LATEXMATH_DISPLAY:
    case MD_SPAN_WIKILINK:
    default:
      break;
    }
  return 0;
}

static int
on_leave_span (MD_SPANTYPE  type,
               void        *detail,
               void        *user_data)
{
  Parser *p = user_data;
  GString *out;

  if (p->skip_cell)
    return 0;
  out = node_get_text (parser_inline_target (p));

  switch (type)
    {
    case MD_SPAN_EM:
      g_string_append (out, "</i>");
      break;
    case MD_SPAN_STRONG:
      g_string_append (out, "</b>");
      break;
    case MD_SPAN_DEL:
      g_string_append (out, "</s>");
      break;
    case MD_SPAN_U:
      g_string_append (out, "</u>");
      break;
    case MD_SPAN_CODE:
      g_string_append (out, CODE_SPAN_CLOSE);
      break;
    case MD_SPAN_A:
    case MD_SPAN_IMG:
      if (--p->link_depth == 0)
        {
          if (p->image_text_from == out->len)
            append_escaped (out, _("image"), strlen (_("image")));
          g_string_append (out, "</a>");
        }
      break;
    case MD_SPAN_LATEXMATH:
    case MD_SPAN_LATEXMATH_DISPLAY:
    case MD_SPAN_WIKILINK:
    default:
      break;
    }
  return 0;
}

static int
on_text (MD_TEXTTYPE  type,
         const char  *text,
         MD_SIZE      size,
         void        *user_data)
{
  Parser *p = user_data;
  Node *target;
  GString *out;

  parser_note (p, text, size, FALSE);
  if (p->skip_cell)
    return 0;

  target = parser_inline_target (p);
  out = node_get_text (target);

  /* Code is kept as is; everything else becomes markup */
  if (target->kind == NODE_CODE)
    {
      g_string_append_len (out, text, size);
      return 0;
    }

  switch (type)
    {
    case MD_TEXT_NULLCHAR:
      g_string_append (out, "\357\277\275");
      break;
    case MD_TEXT_BR:
      g_string_append_c (out, '\n');
      break;
    case MD_TEXT_SOFTBR:
      g_string_append_c (out, ' ');
      break;
    case MD_TEXT_ENTITY:
      {
        g_autoptr(GString) decoded = g_string_new (NULL);

        append_entity (decoded, text, size);
        append_escaped (out, decoded->str, decoded->len);
      }
      break;
    case MD_TEXT_NORMAL:
    case MD_TEXT_CODE:
    case MD_TEXT_HTML:
    case MD_TEXT_LATEXMATH:
    default:
      append_escaped (out, text, size);
      break;
    }
  return 0;
}

static GPtrArray *
parse (const char *text,
       gsize       len,
       gsize       offset,
       gboolean    whole_tables)
{
  const MD_PARSER parser = {
    .abi_version = 0,
    .flags = MD_DIALECT_GITHUB,
    .enter_block = on_enter_block,
    .leave_block = on_leave_block,
    .enter_span = on_enter_span,
    .leave_span = on_leave_span,
    .text = on_text,
  };
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  Parser p = {
    .base = text,
    .len = len,
    .offset = offset,
    .blocks = g_ptr_array_new_with_free_func (node_free),
    .stack = stack,
    .whole_tables = whole_tables,
  };

  g_assert (offset <= len);
  g_assert (len <= G_MAXUINT);

  if (md_parse (text + offset, len - offset, &parser, &p) != 0)
    g_debug ("md4c failed to parse %" G_GSIZE_FORMAT " bytes", len - offset);

  return p.blocks;
}

/* Where parsing may start again */

static gboolean
is_blank_line (const char *p,
               const char *end)
{
  for (; p < end; p++)
    if (*p != ' ' && *p != '\t' && *p != '\r')
      return FALSE;
  return TRUE;
}

/* Whether @node, the first block with content on or after the line
 * [@line, @eol), begins at @line. */
static gboolean
block_begins_at (const char *text,
                 gsize       len,
                 gsize       line,
                 gsize       eol,
                 const Node *node)
{
  if (node->leading_empty)
    return FALSE;

  /* A bare fence line could also close an earlier block: it opens this
   * one only when this one's code starts on the next line. */
  if (node->kind == NODE_CODE && node->fence_char != 0 && !node->has_info)
    {
      const char *next;
      gsize next_eol;
      char c = node->fence_char;

      if (eol - line < 3 || text[line] != c || text[line + 1] != c || text[line + 2] != c)
        return FALSE;
      next = memchr (text + eol + 1, '\n', len - eol - 1);
      next_eol = next != NULL ? (gsize) (next - text) : len;
      return node->first > eol && node->first < next_eol;
    }

  return node->first >= line && node->first < eol;
}

/* Finds the last line after @from_offset that begins a top-level block
 * which nothing before or after it can change: it follows a blank line, is
 * complete, is not indented, and its own content begins on it (so it does
 * not continue a list, a fence or an HTML block). */
static void
ocg_markdown_view_find_restart (OcgMarkdownView *self,
                                gsize            from_offset,
                                guint            from_block)
{
  const char *text = self->text->str;
  gsize len = self->text->len;
  GPtrArray *blocks = self->blocks;
  gsize line = from_offset;
  gboolean prev_blank = FALSE;
  guint j = from_block;

  if (self->has_refs)
    {
      self->restart_offset = 0;
      self->restart_block = 0;
      self->stable_len = 0;
      return;
    }

  while (line < len)
    {
      const char *nl = memchr (text + line, '\n', len - line);
      gsize eol;

      if (nl == NULL)
        break;
      eol = nl - text;

      if (prev_blank && !g_ascii_isspace (text[line]))
        {
          while (j < blocks->len)
            {
              const Node *node = g_ptr_array_index (blocks, j);

              if (node->has_content && node->last > line)
                break;
              j++;
            }
          if (j == blocks->len)
            break;

          if (j > from_block && block_begins_at (text, len, line, eol, g_ptr_array_index (blocks, j)))
            {
              self->restart_offset = line;
              self->restart_block = j;
              self->stable_len = eol + 1;
            }
        }

      prev_blank = is_blank_line (text + line, text + eol);
      line = eol + 1;
    }
}

static gboolean
line_may_define_reference (const char *p,
                           const char *end)
{
  /* Skip block quote and list markers */
  for (;;)
    {
      const char *q;

      while (p < end && (*p == ' ' || *p == '\t' || *p == '>'))
        p++;
      if (end - p >= 2 && (*p == '-' || *p == '+' || *p == '*') && (p[1] == ' ' || p[1] == '\t'))
        {
          p += 2;
          continue;
        }
      for (q = p; q < end && g_ascii_isdigit (*q); q++)
        ;
      if (q > p && end - q >= 2 && (*q == '.' || *q == ')') && (q[1] == ' ' || q[1] == '\t'))
        {
          p = q + 2;
          continue;
        }
      break;
    }
  return p < end && *p == '[';
}

static void
ocg_markdown_view_scan_references (OcgMarkdownView *self)
{
  const char *text = self->text->str;
  gsize len = self->text->len;
  gsize from = self->refs_scanned;

  if (self->dirty_from < from)
    {
      if (self->has_refs)
        {
          self->has_refs = FALSE;
          from = 0;
        }
      else
        from = self->dirty_from;
    }

  from = MIN (from, len);
  while (from > 0 && text[from - 1] != '\n')
    from--;

  for (gsize i = from; !self->has_refs && i + 1 < len; i++)
    {
      const char *p = memchr (text + i, ']', len - i - 1);
      gsize line;

      if (p == NULL)
        break;
      i = p - text;
      if (text[i + 1] != ':')
        continue;
      for (line = i; line > 0 && text[line - 1] != '\n'; line--)
        ;
      self->has_refs = line_may_define_reference (text + line, p);
    }

  self->refs_scanned = len;
}

/* Widgets */

static gboolean
on_label_activate_link (GtkLabel   *label,
                        const char *uri,
                        gpointer    user_data)
{
  GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (label), OCG_TYPE_MARKDOWN_VIEW);
  OcgMarkdownView *self;
  g_autofree char *previous = NULL;
  gboolean handled = FALSE;

  /* Nothing from an answer opens without the link policy */
  if (view == NULL)
    return TRUE;

  /* What the link reads, for the default handler to compare with where
   * it leads */
  self = OCG_MARKDOWN_VIEW (view);
  previous = g_steal_pointer (&self->link_text);
  self->link_text = ocg_link_texts_in_markup (gtk_label_get_label (label), uri);
  g_signal_emit (view, signals[LINK_ACTIVATED], 0, uri, &handled);
  g_free (self->link_text);
  self->link_text = g_steal_pointer (&previous);
  return TRUE;
}

static GtkWidget *
text_label_new (GtkAccessibleRole role)
{
  GtkWidget *label = g_object_new (GTK_TYPE_LABEL,
                                   "accessible-role", role,
                                   "use-markup", TRUE,
                                   "wrap", TRUE,
                                   "wrap-mode", PANGO_WRAP_WORD_CHAR,
                                   "xalign", 0.0f,
                                   "selectable", TRUE,
                                   NULL);

  g_signal_connect (label, "activate-link", G_CALLBACK (on_label_activate_link), NULL);
  return label;
}

/* Without a width, GTK measures the minimum width of a wrapping label with
 * a layout one character wide, which is slow for long paragraphs. */
static GtkWidget *
prose_label_new (GtkAccessibleRole role)
{
  GtkWidget *label = text_label_new (role);

  gtk_label_set_width_chars (GTK_LABEL (label), 12);
  return label;
}

/* A piece of a long paragraph (see ocg-prose-bin.c) */
static GtkWidget *
prose_piece_new (void)
{
  return prose_label_new (GTK_ACCESSIBLE_ROLE_LABEL);
}

static const char *
heading_css_class (guint level)
{
  static const char * const classes[] = {
    "title-1", "title-2", "title-3", "title-4", "heading", "heading",
  };

  return classes[CLAMP (level, 1, 6) - 1];
}

static GtkWidget *
heading_new (Node *node)
{
  GtkWidget *label = prose_label_new (GTK_ACCESSIBLE_ROLE_HEADING);

  gtk_widget_add_css_class (label, "md-heading");
  gtk_widget_add_css_class (label, heading_css_class (node->n));
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LEVEL, (int) node->n,
                                  -1);
  gtk_label_set_markup (GTK_LABEL (label), node_text (node));
  return ocg_prose_bin_new (GTK_LABEL (label), prose_piece_new);
}

static void
heading_update (GtkWidget *bin,
                Node      *old,
                Node      *node)
{
  GtkWidget *label = GTK_WIDGET (ocg_prose_bin_get_label (OCG_PROSE_BIN (bin)));

  if (old->n != node->n)
    {
      gtk_widget_remove_css_class (label, heading_css_class (old->n));
      gtk_widget_add_css_class (label, heading_css_class (node->n));
      gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                      GTK_ACCESSIBLE_PROPERTY_LEVEL, (int) node->n,
                                      -1);
    }
  ocg_prose_bin_set_markup (OCG_PROSE_BIN (bin), node_text (node));
}

/* Paragraphs and headings grow with every streamed delta: their labels are
 * laid out only at the width they get (see ocg-prose-bin.c) */
static GtkWidget *
paragraph_new (Node *node)
{
  GtkWidget *label = prose_label_new (GTK_ACCESSIBLE_ROLE_LABEL);

  gtk_widget_add_css_class (label, node->kind == NODE_HTML ? "md-html" : "md-paragraph");
  gtk_label_set_markup (GTK_LABEL (label), node_text (node));
  return ocg_prose_bin_new (GTK_LABEL (label), prose_piece_new);
}

/* Code blocks: a header (language, copy button) over a GtkSourceView */

static GtkSourceLanguage *
lookup_language (const char *name)
{
  static const struct {
    const char *alias;
    const char *id;
  } aliases[] = {
    { "javascript", "js" }, { "mjs", "js" }, { "cjs", "js" }, { "node", "js" },
    { "ts", "typescript" }, { "mts", "typescript" }, { "tsx", "typescript-jsx" },
    { "py", "python3" }, { "python", "python3" }, { "py3", "python3" },
    { "python2", "python" }, { "py2", "python" },
    { "bash", "sh" }, { "shell", "sh" }, { "zsh", "sh" }, { "ksh", "sh" },
    { "console", "sh" }, { "shellsession", "sh" }, { "terminal", "sh" },
    { "h", "chdr" }, { "c++", "cpp" }, { "cc", "cpp" }, { "cxx", "cpp" },
    { "hpp", "cpphdr" }, { "hh", "cpphdr" },
    { "rs", "rust" }, { "golang", "go" }, { "yml", "yaml" },
    { "patch", "diff" }, { "udiff", "diff" }, { "htm", "html" }, { "xhtml", "html" },
    { "md", "markdown" }, { "cs", "c-sharp" }, { "csharp", "c-sharp" },
    { "c#", "c-sharp" }, { "rb", "ruby" }, { "kt", "kotlin" }, { "kts", "kotlin" },
    { "dockerfile", "docker" }, { "containerfile", "docker" },
    { "make", "makefile" }, { "mk", "makefile" }, { "jsonc", "json" },
    { "json5", "json" }, { "ps1", "powershell" }, { "pwsh", "powershell" },
    { "objective-c", "objc" }, { "objectivec", "objc" }, { "hs", "haskell" },
    { "pl", "perl" }, { "tf", "terraform" }, { "hcl", "terraform" },
    { "svg", "xml" }, { "ml", "ocaml" }, { "fs", "fsharp" }, { "bat", "dosbatch" },
    { "cmd", "dosbatch" }, { "proto", "protobuf" }, { "jl", "julia" },
    { "tex", "latex" }, { "vb", "vbnet" }, { "gd", "gdscript" }, { "sol", "solidity" },
  };
  GtkSourceLanguageManager *manager = gtk_source_language_manager_get_default ();
  g_autofree char *lower = NULL;
  g_autofree char *filename = NULL;
  GtkSourceLanguage *language;
  const char *id;

  if (name == NULL || name[0] == '\0')
    return NULL;

  lower = g_ascii_strdown (name, -1);
  id = lower;
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (strcmp (aliases[i].alias, lower) == 0)
      {
        id = aliases[i].id;
        break;
      }

  if ((language = gtk_source_language_manager_get_language (manager, id)) != NULL)
    return language;

  filename = g_strconcat ("code.", lower, NULL);
  return gtk_source_language_manager_guess_language (manager, filename, NULL);
}

static GtkSourceStyleScheme *
current_style_scheme (void)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  return gtk_source_style_scheme_manager_get_scheme (gtk_source_style_scheme_manager_get_default (),
                                                     dark ? "Adwaita-dark" : "Adwaita");
}

static GtkLabel *
code_block_get_title (GtkWidget *block)
{
  return GTK_LABEL (gtk_widget_get_first_child (gtk_widget_get_first_child (block)));
}

static GtkTextBuffer *
code_block_get_buffer (GtkWidget *block)
{
  GtkWidget *scroller = gtk_widget_get_last_child (block);
  GtkWidget *view = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));

  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
}

static void
code_block_set_language (GtkWidget  *block,
                         const char *name)
{
  GtkTextBuffer *buffer = code_block_get_buffer (block);
  g_autofree char *accessible = NULL;

  gtk_source_buffer_set_language (GTK_SOURCE_BUFFER (buffer), lookup_language (name));
  gtk_label_set_text (code_block_get_title (block), name != NULL ? name : _("Code"));

  if (name != NULL)
    /* Translators: the accessible name of a code block, %s is its language */
    accessible = g_strdup_printf (_("Code block, %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (block),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible != NULL ? accessible : _("Code block"),
                                  -1);
}

/* A text view knows its height only once it has laid its lines out, in idle
 * time, and a list view lays rows out at their minimum height: without a
 * minimum, a code block that grows while it streams shows empty for a
 * while. All lines have the same height in monospace, so ask for that. */
static void
code_block_fit (GtkWidget *block)
{
  GtkWidget *scroller = gtk_widget_get_last_child (block);
  GtkWidget *view = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  PangoFontMetrics *metrics = pango_context_get_metrics (gtk_widget_get_pango_context (view), NULL, NULL);
  int line_height = PANGO_PIXELS_CEIL (pango_font_metrics_get_height (metrics));
  int lines = gtk_text_buffer_get_line_count (buffer);

  pango_font_metrics_unref (metrics);
  gtk_widget_set_size_request (view, -1,
                               lines * line_height +
                               gtk_text_view_get_top_margin (GTK_TEXT_VIEW (view)) +
                               gtk_text_view_get_bottom_margin (GTK_TEXT_VIEW (view)));
}

static void
code_block_set_code (GtkWidget  *block,
                     const char *old_code,
                     const char *code)
{
  GtkTextBuffer *buffer = code_block_get_buffer (block);
  gsize old_len = old_code != NULL ? strlen (old_code) : 0;

  /* While streaming, code only grows at the end: don't highlight it all again */
  if (old_code != NULL && strncmp (old_code, code, old_len) == 0)
    {
      GtkTextIter end;

      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_insert (buffer, &end, code + old_len, -1);
    }
  else
    gtk_text_buffer_set_text (buffer, code, -1);

  code_block_fit (block);
}

static gboolean
restore_copy_button (gpointer data)
{
  GtkWidget *button = data;

  g_object_set_data (G_OBJECT (button), "ocg-copied-source", NULL);
  gtk_button_set_icon_name (GTK_BUTTON (button), "edit-copy-symbolic");
  gtk_widget_set_tooltip_text (button, _("Copy"));
  return G_SOURCE_REMOVE;
}

static void
on_copy_clicked (GtkButton *button,
                 gpointer   user_data)
{
  GtkWidget *block = gtk_widget_get_parent (gtk_widget_get_parent (GTK_WIDGET (button)));
  GtkTextBuffer *buffer = code_block_get_buffer (block);
  g_autofree char *code = NULL;
  GtkTextIter start, end;
  guint source;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  code = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), code);

  gtk_button_set_icon_name (button, "object-select-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), _("Copied"));

  if ((source = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "ocg-copied-source"))) != 0)
    g_source_remove (source);
  source = g_timeout_add_full (G_PRIORITY_DEFAULT, COPIED_TIMEOUT, restore_copy_button,
                               g_object_ref (button), g_object_unref);
  g_object_set_data (G_OBJECT (button), "ocg-copied-source", GUINT_TO_POINTER (source));
}

static gboolean
on_code_scroll (GtkEventControllerScroll *controller,
                double                    dx,
                double                    dy,
                gpointer                  user_data)
{
  GtkWidget *scroller = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  GtkAdjustment *adjustment;

  if (!(state & GDK_SHIFT_MASK))
    return GDK_EVENT_PROPAGATE;

  adjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));
  if (gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL)
    dy *= 50;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + dy);
  return GDK_EVENT_STOP;
}

/* A scrolled window for code and tables: it scrolls sideways only, as tall
 * as @child. A GtkScrolledWindow that scrolls only horizontally still takes
 * vertical wheel events, and the conversation would not scroll while the
 * pointer is over it. Its scroll controller is limited to horizontal
 * deltas; Shift and the wheel still scroll it sideways. */
static GtkWidget *
sideways_scroller_new (GtkWidget *child)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (scroller);
  GtkEventController *shift_scroll;

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller),
                                  GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), child);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_SCROLL (controller))
        gtk_event_controller_scroll_set_flags (GTK_EVENT_CONTROLLER_SCROLL (controller),
                                               GTK_EVENT_CONTROLLER_SCROLL_HORIZONTAL |
                                               GTK_EVENT_CONTROLLER_SCROLL_KINETIC);
    }

  shift_scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (shift_scroll, "scroll", G_CALLBACK (on_code_scroll), NULL);
  gtk_widget_add_controller (scroller, shift_scroll);
  return scroller;
}

static GtkWidget *
code_block_new (Node *node)
{
  g_autoptr(GtkSourceBuffer) buffer = gtk_source_buffer_new (NULL);
  GtkWidget *block, *header, *title, *copy, *view;

  block = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (block, "md-code-block");
  gtk_widget_set_overflow (block, GTK_OVERFLOW_HIDDEN);

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (header, "md-code-header");
  gtk_box_append (GTK_BOX (block), header);

  title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "md-code-language");
  gtk_box_append (GTK_BOX (header), title);

  copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  gtk_widget_set_tooltip_text (copy, _("Copy"));
  gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (copy, "flat");
  gtk_widget_add_css_class (copy, "md-code-copy");
  gtk_accessible_update_property (GTK_ACCESSIBLE (copy),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy"),
                                  -1);
  g_signal_connect (copy, "clicked", G_CALLBACK (on_copy_clicked), NULL);
  gtk_box_append (GTK_BOX (header), copy);

  gtk_source_buffer_set_highlight_matching_brackets (buffer, FALSE);
  gtk_source_buffer_set_style_scheme (buffer, current_style_scheme ());

  view = gtk_source_view_new_with_buffer (buffer);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Code"), -1);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_NONE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  /* Room for the overlay scrollbar under the last line */
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 12);

  gtk_box_append (GTK_BOX (block), sideways_scroller_new (view));

  code_block_set_language (block, node->lang);
  code_block_set_code (block, NULL, node_text (node));
  return block;
}

static void
code_block_update (GtkWidget *block,
                   Node      *old,
                   Node      *node)
{
  if (g_strcmp0 (old->lang, node->lang) != 0)
    code_block_set_language (block, node->lang);
  if (strcmp (node_text (old), node_text (node)) != 0)
    code_block_set_code (block, node_text (old), node_text (node));
}

static void
update_style_schemes (GtkWidget            *widget,
                      GtkSourceStyleScheme *scheme)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_SOURCE_IS_VIEW (child))
        gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (child))),
                                            scheme);
      else
        update_style_schemes (child, scheme);
    }
}

/* Tables: a grid whose 1px gaps show its background as cell borders */

static void
table_cell_update (GtkWidget *label,
                   Node      *cell)
{
  gboolean wrap;
  float xalign = cell->align == MD_ALIGN_CENTER ? 0.5f :
                 cell->align == MD_ALIGN_RIGHT ? 1.0f : 0.0f;

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_justify (GTK_LABEL (label),
                         cell->align == MD_ALIGN_CENTER ? GTK_JUSTIFY_CENTER :
                         cell->align == MD_ALIGN_RIGHT ? GTK_JUSTIFY_RIGHT : GTK_JUSTIFY_LEFT);
  gtk_label_set_markup (GTK_LABEL (label), node_text (cell));
  /* A short cell is one line, so that a column is never narrower than its
   * words (the table scrolls sideways instead); a long one wraps between
   * TABLE_CELL_MIN_CHARS and TABLE_CELL_MAX_CHARS characters */
  wrap = g_utf8_strlen (gtk_label_get_text (GTK_LABEL (label)), -1) > TABLE_CELL_MAX_CHARS;
  gtk_label_set_wrap (GTK_LABEL (label), wrap);
  gtk_label_set_width_chars (GTK_LABEL (label), wrap ? TABLE_CELL_MIN_CHARS : -1);
}

static GtkWidget *
table_cell_new (Node *cell)
{
  GtkWidget *label = text_label_new (GTK_ACCESSIBLE_ROLE_LABEL);

  gtk_widget_add_css_class (label, "md-table-cell");
  gtk_label_set_max_width_chars (GTK_LABEL (label), TABLE_CELL_MAX_CHARS);
  if (cell->header)
    gtk_widget_add_css_class (label, "md-table-header");
  table_cell_update (label, cell);
  return label;
}


/* The whole table as tab-separated text, the cells' text as shown */
static char *
table_as_text (Node *node)
{
  GString *out = g_string_new (NULL);

  for (guint r = 0; r < node_n_children (node); r++)
    {
      Node *row = node_child (node, r);

      for (guint c = 0; c < node_n_children (row); c++)
        {
          g_autofree char *plain = NULL;

          if (c > 0)
            g_string_append_c (out, '\t');
          if (pango_parse_markup (node_text (node_child (row, c)), -1, 0, NULL, &plain, NULL, NULL))
            g_string_append (out, plain);
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* How many tables come before @table among @root and what it holds, in
 * document order; -1 while @table is not found */
static int
table_widget_index (GtkWidget *root,
                    GtkWidget *table,
                    guint     *n_before)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (child == table)
        return (int) *n_before;
      if (g_object_get_data (G_OBJECT (child), "grid") != NULL)
        (*n_before)++;
      else if (table_widget_index (child, table, n_before) >= 0)
        return (int) *n_before;
    }
  return -1;
}

/* The @index-th table among @nodes and their descendants */
static Node *
nth_table_node (Node  **nodes,
                guint   n_nodes,
                guint  *index)
{
  for (guint i = 0; i < n_nodes; i++)
    {
      Node *found;

      if (nodes[i]->kind == NODE_TABLE && (*index)-- == 0)
        return nodes[i];
      if (nodes[i]->children != NULL &&
          (found = nth_table_node ((Node **) nodes[i]->children->pdata, nodes[i]->children->len, index)) != NULL)
        return found;
    }
  return NULL;
}

/* The whole table is copied from the text, parsed again when asked: what
 * the grid leaves out is nowhere else, and keeping it ready would cost
 * every update of a streamed table */
static void
on_copy_table (GtkButton *button,
               GtkWidget *table)
{
  OcgMarkdownView *view = OCG_MARKDOWN_VIEW (gtk_widget_get_ancestor (table, OCG_TYPE_MARKDOWN_VIEW));
  g_autoptr(GPtrArray) blocks = NULL;
  g_autofree char *text = NULL;
  guint n_before = 0;
  int index;
  Node *node;

  if (view == NULL || (index = table_widget_index (GTK_WIDGET (view), table, &n_before)) < 0)
    return;
  blocks = parse (view->text->str, view->text->len, 0, TRUE);
  n_before = (guint) index;
  node = nth_table_node ((Node **) blocks->pdata, blocks->len, &n_before);
  if (node == NULL)
    return;
  text = table_as_text (node);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), text);
}

static void
table_fill (GtkWidget *table,
            Node      *old,
            Node      *node)
{
  GtkWidget *grid = g_object_get_data (G_OBJECT (table), "grid");
  GPtrArray *cells = g_object_get_data (G_OBJECT (table), "cells");
  guint n_columns = MIN (node->n, TABLE_MAX_COLUMNS);
  guint n_rows_all = node_n_children (node);
  guint n_rows = MIN (n_rows_all, table_shown_rows (node->n));
  guint n_old_rows = cells->len / MAX (n_columns, 1);
  guint n_old_nodes = old != NULL ? node_n_children (old) : 0;
  gboolean cut = node->n > n_columns || n_rows_all > n_rows;

  /* Cells by row and column: GtkGrid finds a child by scanning them all */
  for (guint r = n_old_rows; r > n_rows; r--)
    gtk_grid_remove_row (GTK_GRID (grid), r - 1);
  g_ptr_array_set_size (cells, n_rows * n_columns);

  for (guint r = 0; r < n_rows; r++)
    {
      Node *row = node_child (node, r);
      Node *old_row = r < n_old_nodes ? node_child (old, r) : NULL;

      for (guint c = 0; c < MIN (n_columns, node_n_children (row)); c++)
        {
          Node *cell = node_child (row, c);
          Node *old_cell = old_row != NULL && c < node_n_children (old_row) ? node_child (old_row, c) : NULL;
          GtkWidget *label = g_ptr_array_index (cells, r * n_columns + c);

          if (label == NULL)
            {
              label = table_cell_new (cell);
              gtk_grid_attach (GTK_GRID (grid), label, c, r, 1, 1);
              g_ptr_array_index (cells, r * n_columns + c) = label;
            }
          else if (old_cell == NULL || !node_equal (old_cell, cell))
            table_cell_update (label, cell);
        }
    }

  gtk_widget_set_visible (g_object_get_data (G_OBJECT (table), "footer"), cut);
  if (cut)
    {
      g_autofree char *columns = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u column", "%u of %u columns", node->n),
                                                  n_columns, node->n);
      g_autofree char *rows = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u row", "%u of %u rows", n_rows_all),
                                               n_rows, n_rows_all);
      g_autofree char *what = NULL;

      /* Only what is cut: "Showing 100 of 10000 columns and 40 of 90 rows" */
      if (node->n > n_columns && n_rows_all > n_rows)
        what = g_strdup_printf (_("Showing %s and %s"), columns, rows);
      else
        what = g_strdup_printf (_("Showing %s"), node->n > n_columns ? columns : rows);
      gtk_label_set_text (g_object_get_data (G_OBJECT (table), "footer-label"), what);
    }
}

static GtkWidget *
table_new (Node *node)
{
  GtkWidget *table = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *footer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *copy = gtk_button_new_with_mnemonic (_("_Copy Table"));
  GtkWidget *scroller;

  gtk_widget_set_halign (table, GTK_ALIGN_START);
  gtk_widget_add_css_class (grid, "md-table");
  gtk_widget_set_halign (grid, GTK_ALIGN_START);
  gtk_widget_set_overflow (grid, GTK_OVERFLOW_HIDDEN);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 1);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 1);
  /* A table wider than the conversation scrolls sideways, as code does,
   * with its columns as wide as their text asks (up to a limit), rather
   * than squeezed into the window's width one character a line */
  scroller = sideways_scroller_new (grid);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrollable_set_hscroll_policy (GTK_SCROLLABLE (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller))),
                                     GTK_SCROLL_NATURAL);
  gtk_box_append (GTK_BOX (table), scroller);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (copy, "flat");
  gtk_widget_set_tooltip_text (copy, _("Copy the whole table as tab-separated text"));
  g_signal_connect (copy, "clicked", G_CALLBACK (on_copy_table), table);
  gtk_box_append (GTK_BOX (footer), label);
  gtk_box_append (GTK_BOX (footer), copy);
  gtk_widget_add_css_class (footer, "md-table-footer");
  gtk_box_append (GTK_BOX (table), footer);

  g_object_set_data (G_OBJECT (table), "grid", grid);
  g_object_set_data (G_OBJECT (table), "footer", footer);
  g_object_set_data (G_OBJECT (table), "footer-label", label);
  g_object_set_data_full (G_OBJECT (table), "cells", g_ptr_array_new (), (GDestroyNotify) g_ptr_array_unref);
  table_fill (table, NULL, node);
  return table;
}

static gboolean
table_update (GtkWidget *table,
              Node      *old,
              Node      *node)
{
  if (old->n != node->n || node_n_children (old) == 0 || node_n_children (node) == 0)
    return FALSE;
  table_fill (table, old, node);
  return TRUE;
}

/* Containers: block quotes, lists and list items hold child blocks */

static GtkWidget *
container_new (GtkAccessibleRole  role,
               int                spacing,
               const char        *css_class,
               Node              *node)
{
  GtkWidget *box = g_object_new (GTK_TYPE_BOX,
                                 "accessible-role", role,
                                 "orientation", GTK_ORIENTATION_VERTICAL,
                                 "spacing", spacing,
                                 NULL);

  gtk_widget_add_css_class (box, css_class);
  for (guint i = 0; i < node_n_children (node); i++)
    gtk_box_append (GTK_BOX (box), create_widget (node_child (node, i)));
  return box;
}

static int
list_spacing (Node *list)
{
  return list->tight ? 4 : 10;
}

static void
list_marker_update (GtkWidget *marker,
                    Node      *item)
{
  gtk_label_set_text (GTK_LABEL (marker), item->marker);
  gtk_label_set_width_chars (GTK_LABEL (marker), item->marker_width);
  gtk_label_set_xalign (GTK_LABEL (marker), item->marker_kind == MARKER_NUMBER ? 1.0f : 0.5f);

  if (item->marker_kind == MARKER_NUMBER)
    gtk_widget_add_css_class (marker, "md-list-number");
  else
    gtk_widget_remove_css_class (marker, "md-list-number");

  if (item->marker_kind == MARKER_TASK || item->marker_kind == MARKER_TASK_DONE)
    gtk_widget_add_css_class (marker, "md-task");
  else
    gtk_widget_remove_css_class (marker, "md-task");

  if (item->marker_kind == MARKER_TASK_DONE)
    gtk_widget_add_css_class (marker, "md-task-done");
  else
    gtk_widget_remove_css_class (marker, "md-task-done");
}

static GtkWidget *
list_item_new (Node *node)
{
  GtkWidget *item, *marker, *content;

  item = g_object_new (GTK_TYPE_BOX,
                       "accessible-role", GTK_ACCESSIBLE_ROLE_LIST_ITEM,
                       "orientation", GTK_ORIENTATION_HORIZONTAL,
                       "spacing", 6,
                       NULL);
  gtk_widget_add_css_class (item, "md-list-item");

  marker = gtk_label_new (NULL);
  gtk_widget_set_valign (marker, GTK_ALIGN_START);
  gtk_widget_add_css_class (marker, "md-list-marker");
  list_marker_update (marker, node);
  gtk_box_append (GTK_BOX (item), marker);

  content = container_new (GTK_ACCESSIBLE_ROLE_GROUP, 6, "md-list-item-content", node);
  gtk_widget_set_hexpand (content, TRUE);
  gtk_box_append (GTK_BOX (item), content);

  return item;
}

static GtkWidget *
create_widget (Node *node)
{
  switch (node->kind)
    {
    case NODE_PARAGRAPH:
    case NODE_HTML:
      return paragraph_new (node);

    case NODE_HEADING:
      return heading_new (node);

    case NODE_QUOTE:
      return container_new (GTK_ACCESSIBLE_ROLE_GROUP, 8, "md-blockquote", node);

    case NODE_LIST:
      return container_new (GTK_ACCESSIBLE_ROLE_LIST, list_spacing (node), "md-list", node);

    case NODE_ITEM:
      return list_item_new (node);

    case NODE_CODE:
      return code_block_new (node);

    case NODE_RULE:
      {
        GtkWidget *separator = gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);

        gtk_widget_add_css_class (separator, "md-rule");
        return separator;
      }

    case NODE_TABLE:
      return table_new (node);

    case NODE_ROW:
    case NODE_CELL:
    default:
      g_assert_not_reached ();
    }
  return NULL;
}

/* Makes @widget, which shows @old, show @node instead. Returns FALSE when
 * it cannot, and a new widget is needed. */
static gboolean
update_widget (GtkWidget *widget,
               Node      *old,
               Node      *node)
{
  if (old->kind != node->kind)
    return FALSE;

  switch (node->kind)
    {
    case NODE_PARAGRAPH:
    case NODE_HTML:
      ocg_prose_bin_set_markup (OCG_PROSE_BIN (widget), node_text (node));
      return TRUE;

    case NODE_HEADING:
      heading_update (widget, old, node);
      return TRUE;

    case NODE_CODE:
      code_block_update (widget, old, node);
      return TRUE;

    case NODE_LIST:
      gtk_box_set_spacing (GTK_BOX (widget), list_spacing (node));
      G_GNUC_FALLTHROUGH;
    case NODE_QUOTE:
      reconcile_children (widget, gtk_widget_get_first_child (widget),
                          old->children != NULL ? (Node **) old->children->pdata : NULL,
                          node_n_children (old),
                          node->children != NULL ? (Node **) node->children->pdata : NULL,
                          node_n_children (node));
      return TRUE;

    case NODE_ITEM:
      {
        GtkWidget *marker = gtk_widget_get_first_child (widget);
        GtkWidget *content = gtk_widget_get_last_child (widget);

        list_marker_update (marker, node);
        reconcile_children (content, gtk_widget_get_first_child (content),
                            old->children != NULL ? (Node **) old->children->pdata : NULL,
                            node_n_children (old),
                            node->children != NULL ? (Node **) node->children->pdata : NULL,
                            node_n_children (node));
        return TRUE;
      }

    case NODE_TABLE:
      return table_update (widget, old, node);

    case NODE_RULE:
      return TRUE;

    case NODE_ROW:
    case NODE_CELL:
    default:
      return FALSE;
    }
}

static void
container_insert_after (GtkWidget *parent,
                        GtkWidget *child,
                        GtkWidget *sibling)
{
  if (GTK_IS_BOX (parent))
    gtk_box_insert_child_after (GTK_BOX (parent), child, sibling);
  else
    gtk_widget_insert_after (child, parent, sibling);
}

static void
container_remove (GtkWidget *parent,
                  GtkWidget *child)
{
  if (GTK_IS_BOX (parent))
    gtk_box_remove (GTK_BOX (parent), child);
  else
    gtk_widget_unparent (child);
}

/* @child and its next siblings show @old_nodes; makes them show @new_nodes,
 * keeping the widgets of equal nodes and updating the others in place when
 * possible. */
static void
reconcile_children (GtkWidget  *parent,
                    GtkWidget  *child,
                    Node      **old_nodes,
                    guint       n_old,
                    Node      **new_nodes,
                    guint       n_new)
{
  GtkWidget *prev = child != NULL ? gtk_widget_get_prev_sibling (child)
                                  : gtk_widget_get_last_child (parent);

  for (guint i = 0; i < MAX (n_old, n_new); i++)
    {
      if (i < n_old && i < n_new)
        {
          GtkWidget *next = gtk_widget_get_next_sibling (child);

          if (!node_equal (old_nodes[i], new_nodes[i]) &&
              !update_widget (child, old_nodes[i], new_nodes[i]))
            {
              GtkWidget *widget = create_widget (new_nodes[i]);

              container_insert_after (parent, widget, prev);
              container_remove (parent, child);
              child = widget;
            }
          prev = child;
          child = next;
        }
      else if (i < n_new)
        {
          GtkWidget *widget = create_widget (new_nodes[i]);

          container_insert_after (parent, widget, prev);
          prev = widget;
        }
      else
        {
          GtkWidget *next = gtk_widget_get_next_sibling (child);

          container_remove (parent, child);
          child = next;
        }
    }
}

/* Rendering */

static void
ocg_markdown_view_render (OcgMarkdownView *self)
{
  g_autoptr(GPtrArray) tail = NULL;
  GtkWidget *child;
  gsize from_offset;
  guint from_block;

  self->n_renders++;

  ocg_markdown_view_scan_references (self);

  if (self->has_refs || self->dirty_from < self->stable_len)
    {
      from_offset = 0;
      from_block = 0;
    }
  else
    {
      from_offset = self->restart_offset;
      from_block = self->restart_block;
    }
  self->dirty_from = G_MAXSIZE;

  g_assert (from_block <= self->blocks->len);

  self->last_parse_len = self->text->len - from_offset;
  tail = parse (self->text->str, self->text->len, from_offset, FALSE);

  child = gtk_widget_get_last_child (GTK_WIDGET (self));
  for (guint i = self->blocks->len; child != NULL && i > from_block + 1; i--)
    child = gtk_widget_get_prev_sibling (child);
  if (from_block == self->blocks->len)
    child = NULL;

  /* An empty array has no storage: no pointer arithmetic on it */
  reconcile_children (GTK_WIDGET (self), child,
                      from_block < self->blocks->len ? (Node **) self->blocks->pdata + from_block : NULL,
                      self->blocks->len - from_block,
                      (Node **) tail->pdata,
                      tail->len);

  g_ptr_array_remove_range (self->blocks, from_block, self->blocks->len - from_block);
  for (guint i = 0; i < tail->len; i++)
    g_ptr_array_add (self->blocks, g_steal_pointer (&tail->pdata[i]));

  ocg_trace_rendered (self->text->str, self->text->len);

  if (from_offset == 0)
    {
      self->restart_offset = 0;
      self->restart_block = 0;
      self->stable_len = 0;
    }
  ocg_markdown_view_find_restart (self, from_offset, from_block);
}

static gboolean
ocg_markdown_view_tick (GtkWidget     *widget,
                        GdkFrameClock *frame_clock,
                        gpointer       user_data)
{
  OcgMarkdownView *self = OCG_MARKDOWN_VIEW (widget);

  self->tick_id = 0;
  ocg_markdown_view_render (self);
  return G_SOURCE_REMOVE;
}

static void
on_dark_changed (OcgMarkdownView *self)
{
  update_style_schemes (GTK_WIDGET (self), current_style_scheme ());
}

static gboolean
ocg_markdown_view_real_link_activated (OcgMarkdownView *self,
                                       const char      *uri)
{
  ocg_link_activate (GTK_WIDGET (self), uri, self->link_text);
  return TRUE;
}

static void
ocg_markdown_view_dispose (GObject *object)
{
  OcgMarkdownView *self = OCG_MARKDOWN_VIEW (object);
  GtkWidget *child;

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_ptr_array_set_size (self->blocks, 0);

  G_OBJECT_CLASS (ocg_markdown_view_parent_class)->dispose (object);
}

static void
ocg_markdown_view_finalize (GObject *object)
{
  OcgMarkdownView *self = OCG_MARKDOWN_VIEW (object);

  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_string_free (self->text, TRUE);
  g_free (self->link_text);

  G_OBJECT_CLASS (ocg_markdown_view_parent_class)->finalize (object);
}

static void
ocg_markdown_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  OcgMarkdownView *self = OCG_MARKDOWN_VIEW (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, ocg_markdown_view_get_text (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_markdown_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  OcgMarkdownView *self = OCG_MARKDOWN_VIEW (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      ocg_markdown_view_set_text (self, g_value_get_string (value), -1);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_markdown_view_class_init (OcgMarkdownViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ocg_markdown_view_dispose;
  object_class->finalize = ocg_markdown_view_finalize;
  object_class->get_property = ocg_markdown_view_get_property;
  object_class->set_property = ocg_markdown_view_set_property;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OcgMarkdownView::link-activated:
   * @uri: the link's target
   *
   * Emitted when the user activates a link. The default handler opens it,
   * or asks first when the link is not plainly a web page or an e-mail
   * address, or its text names another address (ocg_link_activate()).
   *
   * Returns: %TRUE if the link was handled
   */
  signals[LINK_ACTIVATED] =
    g_signal_new_class_handler ("link-activated",
                                G_TYPE_FROM_CLASS (klass),
                                G_SIGNAL_RUN_LAST,
                                G_CALLBACK (ocg_markdown_view_real_link_activated),
                                g_signal_accumulator_true_handled, NULL,
                                NULL,
                                G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  gtk_widget_class_set_css_name (widget_class, "markdownview");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
ocg_markdown_view_init (OcgMarkdownView *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), BLOCK_SPACING);

  self->text = g_string_new (NULL);
  self->blocks = g_ptr_array_new_with_free_func (node_free);
  self->dirty_from = G_MAXSIZE;

  g_signal_connect_object (adw_style_manager_get_default (),
                           "notify::dark",
                           G_CALLBACK (on_dark_changed),
                           self,
                           G_CONNECT_SWAPPED);
}

GtkWidget *
ocg_markdown_view_new (void)
{
  return g_object_new (OCG_TYPE_MARKDOWN_VIEW, NULL);
}

static gsize
common_prefix (const char *a,
               gsize       a_len,
               const char *b,
               gsize       b_len)
{
  gsize n = MIN (a_len, b_len);
  gsize i = 0;

  if (memcmp (a, b, n) == 0)
    return n;
  while (a[i] == b[i])
    i++;
  return i;
}

/**
 * ocg_markdown_view_set_text:
 * @self: a #OcgMarkdownView
 * @text: (nullable): Markdown, valid UTF-8
 * @len: length of @text in bytes, or -1 if it is nul-terminated
 *
 * Sets the Markdown to show. It is rendered on the next frame, so that
 * several calls within a frame cost one render; when @text extends the
 * previous text, only its last block is rendered again.
 */
void
ocg_markdown_view_set_text (OcgMarkdownView *self,
                            const char      *text,
                            gssize           len)
{
  g_autofree char *visible = NULL;
  gsize common;

  g_return_if_fail (OCG_IS_MARKDOWN_VIEW (self));
  g_return_if_fail (text != NULL || len <= 0);

  if (text == NULL)
    text = "";
  if (len < 0)
    len = strlen (text);
  /* A U+0000 of the server's text shows (md4c would make it U+FFFD); as
   * the text grows, what it became stays a prefix */
  if (memchr (text, '\0', (gsize) len) != NULL)
    {
      visible = ocg_text_visible (text, len);
      text = visible;
      len = (gssize) strlen (visible);
    }

  common = common_prefix (self->text->str, self->text->len, text, len);
  if (common == self->text->len && common == (gsize) len)
    return;

  g_string_truncate (self->text, common);
  g_string_append_len (self->text, text + common, len - common);
  self->dirty_from = MIN (self->dirty_from, common);

  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self),
                                                  ocg_markdown_view_tick,
                                                  NULL, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

const char *
ocg_markdown_view_get_text (OcgMarkdownView *self)
{
  g_return_val_if_fail (OCG_IS_MARKDOWN_VIEW (self), NULL);

  return self->text->str;
}

/**
 * ocg_markdown_view_flush:
 * @self: a #OcgMarkdownView
 *
 * Renders the text now rather than on the next frame.
 */
void
ocg_markdown_view_flush (OcgMarkdownView *self)
{
  g_return_if_fail (OCG_IS_MARKDOWN_VIEW (self));

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }

  if (self->dirty_from != G_MAXSIZE)
    ocg_markdown_view_render (self);
}

guint
ocg_markdown_view_get_n_blocks (OcgMarkdownView *self)
{
  g_return_val_if_fail (OCG_IS_MARKDOWN_VIEW (self), 0);

  return self->blocks->len;
}

/**
 * ocg_markdown_view_get_n_renders:
 * @self: a #OcgMarkdownView
 *
 * For tests: how many times the text was parsed and the widgets updated.
 */
guint
ocg_markdown_view_get_n_renders (OcgMarkdownView *self)
{
  g_return_val_if_fail (OCG_IS_MARKDOWN_VIEW (self), 0);

  return self->n_renders;
}

/**
 * ocg_markdown_view_get_last_parse_length:
 * @self: a #OcgMarkdownView
 *
 * For tests: how many bytes of the text the last render parsed again, which
 * is what an update costs.
 */
gsize
ocg_markdown_view_get_last_parse_length (OcgMarkdownView *self)
{
  g_return_val_if_fail (OCG_IS_MARKDOWN_VIEW (self), 0);

  return self->last_parse_len;
}
