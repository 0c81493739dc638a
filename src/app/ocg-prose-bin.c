/* ocg-prose-bin.c
 *
 * GTK 4.8 measures a wrapping GtkLabel's width with two layouts of its
 * whole text: one wrapped at its minimum width (every line a few characters
 * long) and one not wrapped at all. Then it lays the text out again at the
 * width it is given. For a paragraph that grows with every streamed delta,
 * that is three layouts of the whole paragraph per update where one is
 * needed, and the two that are not needed are the slowest.
 *
 * OcgProseBin holds one such label. Below a size the label measures itself,
 * exactly. Above it the bin answers the width request from the font's
 * character width (the minimum the label's width-chars ask for, the
 * natural width of the text on one line), which is what the label's own
 * answer would come to for text that long: it wraps at any width a window
 * can have. Heights are the label's own, measured at the width it is
 * given, which GtkLabel answers from the layout it draws.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-prose-bin.h"

#include <string.h>

/* Text below this many bytes is measured by the label itself */
#define EXACT_BELOW 2048

struct _OcgProseBin
{
  GtkWidget     parent_instance;

  GtkWidget    *label;

  /* The character width of the label's font, for its Pango context's
   * serial */
  PangoContext *metrics_context;
  guint         metrics_serial;
  int           char_pixels;
};

G_DEFINE_FINAL_TYPE (OcgProseBin, ocg_prose_bin, GTK_TYPE_WIDGET)

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

/* What the label's CSS adds around its text */
static GtkBorder
label_css_extra (OcgProseBin *self)
{
  GtkBorder extra = { 0 }, margin, border, padding;
  GtkStyleContext *context;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (self->label);
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
ocg_prose_bin_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  OcgProseBin *self = OCG_PROSE_BIN (widget);
  GtkLabel *label = GTK_LABEL (self->label);
  const char *text = gtk_label_get_text (label);
  gsize len = strlen (text);
  GtkBorder extra;

  if (len < EXACT_BELOW || !gtk_label_get_wrap (label))
    {
      gtk_widget_measure (self->label, orientation, for_size,
                          minimum, natural, minimum_baseline, natural_baseline);
      return;
    }

  /* gtk_widget_measure() would measure the label's width before its
   * height for a width, whatever the width: so the label is asked
   * directly. Its allocation ends its pending resize, as it would. */
  extra = label_css_extra (self);
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
        width = gtk_widget_get_width (self->label) > 0 ? gtk_widget_get_width (self->label) : -1;
      else
        width = MAX (width, 1);

      GTK_WIDGET_GET_CLASS (self->label)->measure (self->label, orientation, width,
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

static GtkSizeRequestMode
ocg_prose_bin_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
ocg_prose_bin_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  OcgProseBin *self = OCG_PROSE_BIN (widget);

  gtk_widget_allocate (self->label, width, height, baseline, NULL);
}

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

  g_clear_pointer (&self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (ocg_prose_bin_parent_class)->dispose (object);
}

static void
ocg_prose_bin_class_init (OcgProseBinClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ocg_prose_bin_dispose;
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
}

/**
 * ocg_prose_bin_new:
 * @label: (transfer floating): a wrapping label with no parent
 *
 * Returns: (transfer floating): a bin showing @label
 */
GtkWidget *
ocg_prose_bin_new (GtkLabel *label)
{
  OcgProseBin *self = g_object_new (OCG_TYPE_PROSE_BIN, NULL);

  g_return_val_if_fail (GTK_IS_LABEL (label), NULL);
  g_return_val_if_fail (gtk_widget_get_parent (GTK_WIDGET (label)) == NULL, NULL);

  self->label = GTK_WIDGET (label);
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
  return GTK_WIDGET (self);
}

GtkLabel *
ocg_prose_bin_get_label (OcgProseBin *self)
{
  g_return_val_if_fail (OCG_IS_PROSE_BIN (self), NULL);

  return GTK_LABEL (self->label);
}
