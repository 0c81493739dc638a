/* ocg-prose-bin.c
 *
 * A paragraph that grows with every streamed delta costs what laying its
 * whole text out costs, on every update. OcgProseBin holds its label and
 * cuts that cost twice:
 *
 * - GTK 4.8 measures a wrapping label's width (two layouts of its whole
 *   text: wrapped at its minimum width, and on one line) before each height
 *   it is asked for, and containers on the way up to the window ask for its
 *   height at no width in particular (the text on one line again). Above a
 *   size the bin answers the width from the font's character width (the
 *   minimum the label's width-chars ask for; the natural width of the text
 *   on one line), which is what the label's own answer comes to for text
 *   that long, and asks the label only for its height at the width it
 *   gets, which the label answers from the layout it then draws.
 *
 * - While the text grows, the lines that can no longer change move to a
 *   label of their own, cut where a line of the laid out paragraph starts,
 *   outside any markup element: laid out at the same width it breaks into
 *   the same lines, so nothing shows the seam. Each update then lays out
 *   and draws only the last lines. When the width changes, when text before
 *   the last lines changes (Markdown read differently as more arrives), and
 *   a second after the last update, the pieces are one label again, so that
 *   a selection can span the whole paragraph.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-prose-bin.h"

#include <string.h>

/* Text below this many bytes is measured by the label itself */
#define EXACT_BELOW 2048
/* A growing last label with this much text is cut... */
#define CUT_FROM 3072
/* ...before its last lines, which the next text may still change */
#define KEEP_LINES 2
/* Candidate lines tried for a cut outside markup elements */
#define CUT_TRIES 8
/* The pieces are joined this long after the last update */
#define JOIN_AFTER_MS 1000

struct _OcgProseBin
{
  GtkWidget         parent_instance;

  GtkWidget        *label;       /* the first of the labels, children of the bin */
  OcgProseLabelNew  new_label;

  /* Once cut: the whole markup, where each label after the first starts
   * in it, and the width the cuts were made at */
  GString          *markup;
  GArray           *cuts;        /* gsize */
  int               cut_width;
  guint             join_id;
  guint             join_tick_id;

  /* The character width of the label's font, for its Pango context's
   * serial */
  PangoContext     *metrics_context;
  guint             metrics_serial;
  int               char_pixels;
};

G_DEFINE_FINAL_TYPE (OcgProseBin, ocg_prose_bin, GTK_TYPE_WIDGET)

/* Measuring */

static int
char_pixels (OcgProseBin *self)
{
  PangoContext *context = gtk_widget_get_pango_context (self->label);
  guint serial = pango_context_get_serial (context);

  if (context != self->metrics_context || serial != self->metrics_serial)
    {
      PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);

      self->char_pixels = MAX (pango_font_metrics_get_approximate_char_width (metrics),
                               pango_font_metrics_get_approximate_digit_width (metrics));
      self->char_pixels = MAX (PANGO_PIXELS_CEIL (self->char_pixels), 1);
      pango_font_metrics_unref (metrics);
      /* Compared, never dereferenced: the label keeps its context */
      self->metrics_context = context;
      self->metrics_serial = serial;
    }
  return self->char_pixels;
}

/* What a label's CSS adds around its text */
static GtkBorder
css_extra (GtkWidget *label)
{
  GtkBorder extra = { 0 }, margin, border, padding;
  GtkStyleContext *context;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (label);
  gtk_style_context_get_margin (context, &margin);
  gtk_style_context_get_border (context, &border);
  gtk_style_context_get_padding (context, &padding);
  G_GNUC_END_IGNORE_DEPRECATIONS

  extra.left = margin.left + border.left + padding.left;
  extra.right = margin.right + border.right + padding.right;
  extra.top = margin.top + border.top + padding.top;
  extra.bottom = margin.bottom + border.bottom + padding.bottom;
  return extra;
}

static void
measure_label (OcgProseBin    *self,
               GtkWidget      *widget,
               GtkOrientation  orientation,
               int             for_size,
               int            *minimum,
               int            *natural,
               int            *minimum_baseline,
               int            *natural_baseline)
{
  GtkLabel *label = GTK_LABEL (widget);
  const char *text = gtk_label_get_text (label);
  gsize len = strlen (text);
  GtkBorder extra;

  if (len < EXACT_BELOW || !gtk_label_get_wrap (label))
    {
      gtk_widget_measure (widget, orientation, for_size,
                          minimum, natural, minimum_baseline, natural_baseline);
      return;
    }

  /* gtk_widget_measure() would measure the label's width before its
   * height for a width, whatever the width: so the label is asked
   * directly. Its allocation ends its pending resize, as it would. */
  extra = css_extra (widget);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int pixels = char_pixels (self);
      int least = MAX (gtk_label_get_width_chars (label), 1);
      /* Characters are fewer than bytes; the estimate is capped well
       * below overflow */
      glong chars = MIN (g_utf8_strlen (text, (gssize) len), G_MAXINT / 4 / pixels);

      *minimum = least * pixels + extra.left + extra.right;
      *natural = MAX (*minimum, (int) chars * pixels + extra.left + extra.right);
    }
  else
    {
      int width = for_size - extra.left - extra.right;

      /* A height for no width in particular (containers ask it on the way
       * up to the window) is the height at the width it has, not that of
       * the text on one line */
      if (for_size < 0)
        width = gtk_widget_get_width (widget) > 0 ? gtk_widget_get_width (widget) : -1;
      else
        width = MAX (width, 1);

      GTK_WIDGET_GET_CLASS (widget)->measure (widget, orientation, width,
                                              minimum, natural,
                                              minimum_baseline, natural_baseline);
      *minimum += extra.top + extra.bottom;
      *natural += extra.top + extra.bottom;
      if (*minimum_baseline >= 0)
        *minimum_baseline += extra.top;
      if (*natural_baseline >= 0)
        *natural_baseline += extra.top;
    }
}

static void
ocg_prose_bin_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  OcgProseBin *self = OCG_PROSE_BIN (widget);

  if (self->cuts->len == 0)
    {
      measure_label (self, self->label, orientation, for_size,
                     minimum, natural, minimum_baseline, natural_baseline);
      return;
    }

  /* The pieces, one under the other */
  *minimum = *natural = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_min, child_nat, child_min_baseline = -1, child_nat_baseline = -1;

      measure_label (self, child, orientation, for_size, &child_min, &child_nat,
                     &child_min_baseline, &child_nat_baseline);
      if (orientation == GTK_ORIENTATION_VERTICAL)
        {
          *minimum += child_min;
          *natural += child_nat;
        }
      else
        {
          *minimum = MAX (*minimum, child_min);
          *natural = MAX (*natural, child_nat);
        }
    }
}

static GtkSizeRequestMode
ocg_prose_bin_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static gboolean join_on_tick (GtkWidget     *widget,
                              GdkFrameClock *clock,
                              gpointer       data);

static void
ocg_prose_bin_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  OcgProseBin *self = OCG_PROSE_BIN (widget);
  int y = 0;

  if (self->cuts->len == 0)
    {
      gtk_widget_allocate (self->label, width, height, baseline, NULL);
      return;
    }

  /* At another width the cuts are no longer where lines start: one label
   * again, before the next frame (not while allocating) */
  if (width != self->cut_width && self->join_tick_id == 0)
    self->join_tick_id = gtk_widget_add_tick_callback (widget, join_on_tick, NULL, NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_height, unused, no_baseline = -1;

      measure_label (self, child, GTK_ORIENTATION_VERTICAL, width,
                     &child_height, &unused, &no_baseline, &no_baseline);
      gtk_widget_size_allocate (child, &(GtkAllocation) { 0, y, width, child_height }, -1);
      y += child_height;
    }
}

/* Cutting and joining */

/* Where, in @markup, the text that the label shows reaches @text_offset
 * with no element open (closing tags there belong before it): 0 when it
 * is inside an element, or not at a character's start. */
static gsize
markup_offset_for_text (const char *markup,
                        gsize       len,
                        gsize       text_offset)
{
  gsize text = 0;
  int depth = 0;
  gsize i = 0;

  while (i < len)
    {
      if (markup[i] == '<')
        {
          const char *end = memchr (markup + i, '>', len - i);

          if (end == NULL)
            return 0;
          if (markup[i + 1] == '/')
            depth--;
          else if (end[-1] != '/')
            {
              if (text == text_offset)
                break;
              depth++;
            }
          i = (gsize) (end - markup) + 1;
          continue;
        }
      if (text == text_offset)
        break;
      if (markup[i] == '&')
        {
          const char *end = memchr (markup + i, ';', len - i);
          char utf8[6];

          if (end == NULL)
            return 0;
          if (markup[i + 1] == '#')
            {
              gunichar c = markup[i + 2] == 'x'
                           ? (gunichar) g_ascii_strtoull (markup + i + 3, NULL, 16)
                           : (gunichar) g_ascii_strtoull (markup + i + 2, NULL, 10);

              text += (gsize) g_unichar_to_utf8 (c, utf8);
            }
          else
            text++;   /* &amp; &lt; &gt; &quot; &apos; */
          i = (gsize) (end - markup) + 1;
        }
      else
        {
          text++;
          i++;
        }
      if (text > text_offset)
        return 0;
    }
  return text == text_offset && depth == 0 ? i : 0;
}

/* Where to cut @tail, whose markup was @old and is becoming @markup: the
 * start of one of its last lines but KEEP_LINES, laid out at the width it
 * has, that both markups share. 0: not now. */
static gsize
find_cut (OcgProseBin *self,
          GtkWidget   *tail,
          const char  *old,
          const char  *markup,
          gsize        len)
{
  GtkLabel *label = GTK_LABEL (tail);
  int width = gtk_widget_get_width (tail);
  g_autoptr(GArray) starts = NULL;
  PangoLayout *layout;
  gsize old_len;

  if (width <= 0 || strlen (gtk_label_get_text (label)) < CUT_FROM ||
      (self->cuts->len > 0 && gtk_widget_get_width (GTK_WIDGET (self)) != self->cut_width))
    return 0;

  /* The layout it was last drawn with */
  layout = gtk_label_get_layout (label);
  if (pango_layout_get_width (layout) != width * PANGO_SCALE)
    return 0;

  starts = g_array_new (FALSE, FALSE, sizeof (int));
  for (GSList *l = pango_layout_get_lines_readonly (layout); l != NULL; l = l->next)
    {
      PangoLayoutLine *line = l->data;

      /* Lines laid out right to left may be reordered by the text after
       * them */
      if (line->resolved_dir != PANGO_DIRECTION_LTR)
        return 0;
      g_array_append_val (starts, line->start_index);
    }

  old_len = strlen (old);
  for (int i = (int) starts->len - KEEP_LINES, tries = 0; i >= 1 && tries < CUT_TRIES; i--, tries++)
    {
      gsize cut = markup_offset_for_text (old, old_len, (gsize) g_array_index (starts, int, i));

      if (cut > 0 && cut < len && memcmp (old, markup, cut) == 0)
        return cut;
    }
  return 0;
}

static void
join_with (OcgProseBin *self,
           const char  *markup)
{
  GtkWidget *child;

  g_clear_handle_id (&self->join_id, g_source_remove);
  if (self->join_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->join_tick_id);
      self->join_tick_id = 0;
    }
  while ((child = gtk_widget_get_last_child (GTK_WIDGET (self))) != self->label)
    gtk_widget_unparent (child);
  g_array_set_size (self->cuts, 0);
  g_string_truncate (self->markup, 0);
  gtk_label_set_markup (GTK_LABEL (self->label), markup);
}

static gboolean
join_on_tick (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       data)
{
  OcgProseBin *self = OCG_PROSE_BIN (widget);

  self->join_tick_id = 0;
  ocg_prose_bin_join (self);
  return G_SOURCE_REMOVE;
}

static gboolean
join_on_timeout (gpointer data)
{
  OcgProseBin *self = data;

  self->join_id = 0;
  ocg_prose_bin_join (self);
  return G_SOURCE_REMOVE;
}

/* GObject */

static gboolean
ocg_prose_bin_grab_focus (GtkWidget *widget)
{
  OcgProseBin *self = OCG_PROSE_BIN (widget);

  return self->label != NULL && gtk_widget_grab_focus (self->label);
}

static void
ocg_prose_bin_dispose (GObject *object)
{
  OcgProseBin *self = OCG_PROSE_BIN (object);
  GtkWidget *child;

  g_clear_handle_id (&self->join_id, g_source_remove);
  if (self->join_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->join_tick_id);
  self->join_tick_id = 0;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->label = NULL;

  G_OBJECT_CLASS (ocg_prose_bin_parent_class)->dispose (object);
}

static void
ocg_prose_bin_finalize (GObject *object)
{
  OcgProseBin *self = OCG_PROSE_BIN (object);

  g_string_free (self->markup, TRUE);
  g_array_unref (self->cuts);

  G_OBJECT_CLASS (ocg_prose_bin_parent_class)->finalize (object);
}

static void
ocg_prose_bin_class_init (OcgProseBinClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ocg_prose_bin_dispose;
  object_class->finalize = ocg_prose_bin_finalize;
  widget_class->measure = ocg_prose_bin_measure;
  widget_class->get_request_mode = ocg_prose_bin_get_request_mode;
  widget_class->size_allocate = ocg_prose_bin_size_allocate;
  widget_class->grab_focus = ocg_prose_bin_grab_focus;
  gtk_widget_class_set_css_name (widget_class, "prose");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
}

static void
ocg_prose_bin_init (OcgProseBin *self)
{
  self->markup = g_string_new (NULL);
  self->cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
}

/**
 * ocg_prose_bin_new:
 * @label: (transfer floating): a wrapping label with no parent
 * @new_label: makes the labels for pieces of a long paragraph; they get
 *   @label's style classes
 *
 * Returns: (transfer floating): a bin showing @label
 */
GtkWidget *
ocg_prose_bin_new (GtkLabel         *label,
                   OcgProseLabelNew  new_label)
{
  OcgProseBin *self;

  g_return_val_if_fail (GTK_IS_LABEL (label), NULL);
  g_return_val_if_fail (gtk_widget_get_parent (GTK_WIDGET (label)) == NULL, NULL);
  g_return_val_if_fail (new_label != NULL, NULL);

  self = g_object_new (OCG_TYPE_PROSE_BIN, NULL);
  self->label = GTK_WIDGET (label);
  self->new_label = new_label;
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
  return GTK_WIDGET (self);
}

/* The first label: the whole paragraph, unless it is cut */
GtkLabel *
ocg_prose_bin_get_label (OcgProseBin *self)
{
  g_return_val_if_fail (OCG_IS_PROSE_BIN (self), NULL);

  return GTK_LABEL (self->label);
}

/**
 * ocg_prose_bin_set_markup:
 * @markup: Pango markup, as for gtk_label_set_markup()
 *
 * Shows @markup. When it continues what is shown, only the last lines are
 * laid out again.
 */
void
ocg_prose_bin_set_markup (OcgProseBin *self,
                          const char  *markup)
{
  GtkWidget *tail;
  gsize tail_from, len, cut;

  g_return_if_fail (OCG_IS_PROSE_BIN (self));
  g_return_if_fail (markup != NULL);

  len = strlen (markup);
  tail = gtk_widget_get_last_child (GTK_WIDGET (self));
  tail_from = self->cuts->len > 0 ? g_array_index (self->cuts, gsize, self->cuts->len - 1) : 0;

  /* Text before the last label changed */
  if (self->cuts->len > 0 && (len < tail_from || memcmp (markup, self->markup->str, tail_from) != 0))
    {
      join_with (self, markup);
      return;
    }

  cut = find_cut (self, tail, gtk_label_get_label (GTK_LABEL (tail)), markup + tail_from, len - tail_from);
  if (cut > 0)
    {
      GtkWidget *piece = self->new_label ();
      g_auto(GStrv) classes = gtk_widget_get_css_classes (self->label);
      g_autofree char *head = g_strndup (markup + tail_from, cut);

      /* The tail keeps its lines before the cut; a new label after it
       * shows the rest */
      gtk_label_set_markup (GTK_LABEL (tail), head);
      gtk_widget_set_css_classes (piece, (const char **) classes);
      gtk_widget_insert_after (piece, GTK_WIDGET (self), tail);
      tail = piece;
      if (self->cuts->len == 0)
        self->cut_width = gtk_widget_get_width (GTK_WIDGET (self));
      tail_from += cut;
      g_array_append_val (self->cuts, tail_from);
    }

  if (self->cuts->len > 0)
    {
      g_string_assign (self->markup, markup);
      g_clear_handle_id (&self->join_id, g_source_remove);
      self->join_id = g_timeout_add (JOIN_AFTER_MS, join_on_timeout, self);
    }
  gtk_label_set_markup (GTK_LABEL (tail), markup + tail_from);
}

/* How many labels show the paragraph now */
guint
ocg_prose_bin_get_n_pieces (OcgProseBin *self)
{
  g_return_val_if_fail (OCG_IS_PROSE_BIN (self), 0);

  return self->cuts->len + 1;
}

/**
 * ocg_prose_bin_dup_text:
 * @selected_only: only what is selected
 *
 * Returns: (nullable): the paragraph's text, or what is selected of it
 *   (%NULL when nothing is)
 */
char *
ocg_prose_bin_dup_text (OcgProseBin *self,
                        gboolean     selected_only)
{
  g_autoptr(GString) text = NULL;

  g_return_val_if_fail (OCG_IS_PROSE_BIN (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *piece = gtk_label_get_text (GTK_LABEL (child));
      int start = 0, end = -1;

      if (selected_only && !gtk_label_get_selection_bounds (GTK_LABEL (child), &start, &end))
        continue;
      if (text == NULL)
        text = g_string_new (NULL);
      if (end < 0)
        g_string_append (text, piece);
      else
        {
          const char *from = g_utf8_offset_to_pointer (piece, start);

          g_string_append_len (text, from, g_utf8_offset_to_pointer (from, end - start) - from);
        }
    }
  return text != NULL ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/* Makes the pieces one label again */
void
ocg_prose_bin_join (OcgProseBin *self)
{
  g_autofree char *markup = NULL;

  g_return_if_fail (OCG_IS_PROSE_BIN (self));

  if (self->cuts->len == 0)
    return;
  markup = g_strdup (self->markup->str);
  join_with (self, markup);
}
