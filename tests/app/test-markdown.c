/* test-markdown.c: OcgMarkdownView renders Markdown as native widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"

#include <adwaita.h>
#include <gtksourceview/gtksource.h>
#include <string.h>

#include "ocg-markdown-view.h"
#include "ocg-prose-bin.h"
#include "ocg-resources.h"

static OcgMarkdownView *
render (const char *markdown)
{
  OcgMarkdownView *view = g_object_ref_sink (OCG_MARKDOWN_VIEW (ocg_markdown_view_new ()));

  ocg_markdown_view_set_text (view, markdown, -1);
  ocg_markdown_view_flush (view);
  return view;
}

/* Paragraphs and headings are labels in a bin: the label */
static GtkWidget *
unwrap (GtkWidget *widget)
{
  return OCG_IS_PROSE_BIN (widget) ? GTK_WIDGET (ocg_prose_bin_get_label (OCG_PROSE_BIN (widget))) : widget;
}

static GtkWidget *
nth_block (OcgMarkdownView *view,
           guint            n)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (view));

  while (child != NULL && n-- > 0)
    child = gtk_widget_get_next_sibling (child);
  g_assert_nonnull (child);
  return unwrap (child);
}

static GPtrArray *
block_widgets (OcgMarkdownView *view)
{
  GPtrArray *widgets = g_ptr_array_new ();

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    g_ptr_array_add (widgets, child);
  return widgets;
}

static const char *
label_markup (GtkWidget *widget)
{
  widget = unwrap (widget);
  g_assert_true (GTK_IS_LABEL (widget));
  return gtk_label_get_label (GTK_LABEL (widget));
}

static char *
buffer_text (GtkWidget *source_view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (source_view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static const char *
language_id (GtkWidget *source_view)
{
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (source_view)));
  GtkSourceLanguage *language = gtk_source_buffer_get_language (buffer);

  return language != NULL ? gtk_source_language_get_id (language) : NULL;
}

static const char *
scheme_id (GtkWidget *source_view)
{
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (source_view)));

  return gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buffer));
}

static gboolean
is_dark (gpointer source_view)
{
  return g_strcmp0 (scheme_id (source_view), "Adwaita-dark") == 0;
}

static gboolean
is_light (gpointer source_view)
{
  return g_strcmp0 (scheme_id (source_view), "Adwaita") == 0;
}

/* A description of everything a user could see, to compare two views */

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static void dump_widget (GtkWidget *widget, GString *out, guint depth);

static void
dump_grid (GtkWidget *grid,
           GString   *out,
           guint      depth)
{
  int rows = 0, cols = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (grid); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int col, row;

      gtk_grid_query_child (GTK_GRID (grid), child, &col, &row, NULL, NULL);
      rows = MAX (rows, row + 1);
      cols = MAX (cols, col + 1);
    }

  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++)
      {
        GtkWidget *cell = gtk_grid_get_child_at (GTK_GRID (grid), c, r);

        g_string_append_printf (out, "%*s(%d,%d)\n", depth * 2, "", r, c);
        if (cell != NULL)
          dump_widget (cell, out, depth + 1);
      }
}

static void
dump_widget (GtkWidget *widget,
             GString   *out,
             guint      depth)
{
  g_auto(GStrv) classes = NULL;

  /* They differ between realized and unrealized scrolled windows */
  if (GTK_IS_SCROLLBAR (widget))
    return;

  classes = gtk_widget_get_css_classes (widget);
  g_string_append_printf (out, "%*s%s", depth * 2, "", G_OBJECT_TYPE_NAME (widget));
  qsort (classes, g_strv_length (classes), sizeof (char *), compare_strings);
  for (guint i = 0; classes[i] != NULL; i++)
    g_string_append_printf (out, " .%s", classes[i]);
  if (!gtk_widget_get_visible (widget))
    g_string_append (out, " hidden");
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, " xalign=%.2f width=%d markup=[%s]",
                            gtk_label_get_xalign (GTK_LABEL (widget)),
                            gtk_label_get_width_chars (GTK_LABEL (widget)),
                            gtk_label_get_label (GTK_LABEL (widget)));
  if (GTK_IS_BOX (widget))
    g_string_append_printf (out, " spacing=%d", gtk_box_get_spacing (GTK_BOX (widget)));
  if (GTK_IS_BUTTON (widget))
    g_string_append_printf (out, " icon=%s", gtk_button_get_icon_name (GTK_BUTTON (widget)));
  if (GTK_SOURCE_IS_VIEW (widget))
    {
      g_autofree char *text = buffer_text (widget);

      g_string_append_printf (out, " language=%s code=[%s]\n", language_id (widget), text);
      return;
    }
  g_string_append_c (out, '\n');

  if (GTK_IS_GRID (widget))
    {
      dump_grid (widget, out, depth + 1);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    dump_widget (child, out, depth + 1);
}

static char *
dump (OcgMarkdownView *view)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "%u blocks\n", ocg_markdown_view_get_n_blocks (view));
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    dump_widget (child, out, 0);
  return g_string_free (out, FALSE);
}

static char *
dump_fresh (const char *markdown,
            gssize      len)
{
  OcgMarkdownView *view = g_object_ref_sink (OCG_MARKDOWN_VIEW (ocg_markdown_view_new ()));
  char *ret;

  ocg_markdown_view_set_text (view, markdown, len);
  ocg_markdown_view_flush (view);
  ret = dump (view);
  g_assert_finalize_object (view);
  return ret;
}

/* Tests */

static void
test_empty (void)
{
  OcgMarkdownView *view = OCG_MARKDOWN_VIEW (ocg_markdown_view_new ());
  GtkWidget *window = app_test_window (GTK_WIDGET (view), 600, 400);

  g_object_ref (view);

  ocg_markdown_view_flush (view);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 0);
  g_assert_cmpstr (ocg_markdown_view_get_text (view), ==, "");
  g_assert_cmpuint (ocg_markdown_view_get_n_renders (view), ==, 0);

  ocg_markdown_view_set_text (view, "", 0);
  ocg_markdown_view_flush (view);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 0);

  ocg_markdown_view_set_text (view, "   \n\n \t \n\n", -1);
  ocg_markdown_view_flush (view);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 0);
  g_assert_null (gtk_widget_get_first_child (GTK_WIDGET (view)));

  ocg_markdown_view_set_text (view, "Hello", -1);
  ocg_markdown_view_flush (view);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 1);

  ocg_markdown_view_set_text (view, NULL, 0);
  ocg_markdown_view_flush (view);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 0);
  g_assert_null (gtk_widget_get_first_child (GTK_WIDGET (view)));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

static void
test_paragraph (void)
{
  OcgMarkdownView *view = render ("Hello **bold**, *italic*, ~~gone~~ and `x < y`,\n"
                                  "see [the site](https://example.com/a?b=1&c=2 \"Title\").\n\n"
                                  "Second *paragraph*  \nwith a hard `break`.");
  GtkWidget *label;
  const char *markup;

  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 2);

  label = nth_block (view, 0);
  markup = label_markup (label);
  g_assert_true (strstr (markup, "<b>bold</b>") != NULL);
  g_assert_true (strstr (markup, "<i>italic</i>") != NULL);
  g_assert_true (strstr (markup, "<s>gone</s>") != NULL);
  g_assert_true (strstr (markup, "<tt>x &lt; y</tt>") != NULL);
  /* The tooltip (title) names the real target, not the title the text chose */
  g_assert_true (strstr (markup, "<a href=\"https://example.com/a?b=1&amp;c=2\" title=\"https://example.com/a?b=1&amp;amp;c=2\">the site</a>") != NULL);
  /* A soft break is a space */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==,
                   "Hello bold, italic, gone and x < y, see the site.");

  g_assert_true (gtk_label_get_selectable (GTK_LABEL (label)));
  g_assert_true (gtk_label_get_wrap (GTK_LABEL (label)));
  g_assert_cmpint (gtk_label_get_wrap_mode (GTK_LABEL (label)), ==, PANGO_WRAP_WORD_CHAR);
  g_assert_cmpfloat (gtk_label_get_xalign (GTK_LABEL (label)), ==, 0.0);

  label = nth_block (view, 1);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "Second paragraph\nwith a hard break.");
  /* Inline code has a subtle background */
  g_assert_true (strstr (label_markup (label), "bgalpha=\"22%\"><tt>break</tt></span>") != NULL);

  g_assert_finalize_object (view);
}

static void
test_headings (void)
{
  static const char * const classes[] = {
    "title-1", "title-2", "title-3", "title-4", "heading", "heading",
  };
  OcgMarkdownView *view = render ("# One\n## Two\n### Three\n#### Four\n##### Five\n###### Six\n\n"
                                  "Setext\n======\n");

  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 7);
  for (guint i = 0; i < 6; i++)
    {
      GtkWidget *label = nth_block (view, i);

      g_assert_true (GTK_IS_LABEL (label));
      g_assert_true (gtk_widget_has_css_class (label, classes[i]));
      g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (label)), ==,
                       GTK_ACCESSIBLE_ROLE_HEADING);
      gtk_test_accessible_assert_property (label, GTK_ACCESSIBLE_PROPERTY_LEVEL, (int) i + 1);
    }
  g_assert_true (gtk_widget_has_css_class (nth_block (view, 6), "title-1"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (nth_block (view, 6))), ==, "Setext");

  g_assert_finalize_object (view);
}

static GtkWidget *
item_marker (GtkWidget *item)
{
  g_assert_true (gtk_widget_has_css_class (item, "md-list-item"));
  return gtk_widget_get_first_child (item);
}

static GtkWidget *
item_content (GtkWidget *item)
{
  return gtk_widget_get_last_child (item);
}

static void
test_lists (void)
{
  OcgMarkdownView *view = render ("- one\n"
                                  "- two\n"
                                  "  - nested **a**\n"
                                  "    - deeper\n"
                                  "  - nested b\n"
                                  "\n"
                                  "9. nine\n"
                                  "10. ten\n"
                                  "\n"
                                  "- [ ] todo\n"
                                  "- [x] done\n"
                                  "\n"
                                  "3) three\n"
                                  "\n"
                                  "   more three\n"
                                  "4) four\n");
  GtkWidget *list, *item, *nested, *deeper;

  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 4);

  /* Bullets, nested with different bullets */
  list = nth_block (view, 0);
  g_assert_true (GTK_IS_BOX (list));
  g_assert_true (gtk_widget_has_css_class (list, "md-list"));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (list)), ==, GTK_ACCESSIBLE_ROLE_LIST);
  item = gtk_widget_get_first_child (list);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (item_marker (item))), ==, "•");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (unwrap (gtk_widget_get_first_child (item_content (item))))), ==, "one");
  item = gtk_widget_get_next_sibling (item);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (item_marker (item))), ==, "•");
  nested = gtk_widget_get_last_child (item_content (item));
  g_assert_true (gtk_widget_has_css_class (nested, "md-list"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (item_marker (gtk_widget_get_first_child (nested)))), ==, "◦");
  g_assert_cmpstr (label_markup (gtk_widget_get_first_child (item_content (gtk_widget_get_first_child (nested)))), ==,
                   "nested <b>a</b>");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (item_marker (gtk_widget_get_last_child (nested)))), ==, "◦");
  deeper = gtk_widget_get_last_child (item_content (gtk_widget_get_first_child (nested)));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (item_marker (gtk_widget_get_first_child (deeper)))), ==, "▪");
  g_assert_nonnull (app_test_find_label (deeper, "deeper"));

  /* Numbers keep the list's start, and line up on the widest */
  list = nth_block (view, 1);
  item = gtk_widget_get_first_child (list);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (item_marker (item))), ==, "9.");
  g_assert_cmpint (gtk_label_get_width_chars (GTK_LABEL (item_marker (item))), ==, 3);
  g_assert_cmpfloat (gtk_label_get_xalign (GTK_LABEL (item_marker (item))), ==, 1.0);
  item = gtk_widget_get_next_sibling (item);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (item_marker (item))), ==, "10.");
  g_assert_cmpint (gtk_label_get_width_chars (GTK_LABEL (item_marker (item))), ==, 3);

  /* Tasks */
  list = nth_block (view, 2);
  item = gtk_widget_get_first_child (list);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (item_marker (item))), ==, "☐");
  g_assert_true (gtk_widget_has_css_class (item_marker (item), "md-task"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (unwrap (gtk_widget_get_first_child (item_content (item))))), ==, "todo");
  item = gtk_widget_get_next_sibling (item);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (item_marker (item))), ==, "☑");
  g_assert_true (gtk_widget_has_css_class (item_marker (item), "md-task-done"));

  /* A loose list: paragraphs in items, more space between items */
  list = nth_block (view, 3);
  item = gtk_widget_get_first_child (list);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (item_marker (item))), ==, "3)");
  g_assert_cmpuint (app_test_count_by_type (item_content (item), GTK_TYPE_LABEL), ==, 2);
  g_assert_cmpint (gtk_box_get_spacing (GTK_BOX (list)), >, 4);

  g_assert_finalize_object (view);
}

static void
test_blockquote (void)
{
  OcgMarkdownView *view = render ("> A *quote*\nlazily continued\n>\n> - with a list\n\nafter");
  GtkWidget *quote;

  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 2);
  quote = nth_block (view, 0);
  g_assert_true (GTK_IS_BOX (quote));
  g_assert_true (gtk_widget_has_css_class (quote, "md-blockquote"));
  g_assert_cmpstr (label_markup (unwrap (gtk_widget_get_first_child (quote))), ==, "A <i>quote</i> lazily continued");
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_last_child (quote), "md-list"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (nth_block (view, 1))), ==, "after");

  g_assert_finalize_object (view);
}

static void
test_table (void)
{
  OcgMarkdownView *view = render ("| Name | Qty | Note |\n"
                                  "|:-----|----:|:----:|\n"
                                  "| `a` | 1 | x |\n"
                                  "| b | 22 |\n");
  GtkWidget *grid, *cell;

  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 1);
  grid = app_test_find_by_type (nth_block (view, 0), GTK_TYPE_GRID, 0);
  g_assert_nonnull (grid);
  g_assert_true (gtk_widget_has_css_class (grid, "md-table"));
  g_assert_cmpuint (app_test_count_by_type (grid, GTK_TYPE_LABEL), ==, 9);
  /* Whole: no footer */
  g_assert_false (gtk_widget_get_visible (app_test_find_by_css (nth_block (view, 0), "md-table-footer", 0)));

  cell = gtk_grid_get_child_at (GTK_GRID (grid), 0, 0);
  g_assert_cmpstr (label_markup (cell), ==, "<b>Name</b>");
  g_assert_true (gtk_widget_has_css_class (cell, "md-table-header"));
  g_assert_cmpfloat (gtk_label_get_xalign (GTK_LABEL (cell)), ==, 0.0);

  cell = gtk_grid_get_child_at (GTK_GRID (grid), 1, 0);
  g_assert_cmpstr (label_markup (cell), ==, "<b>Qty</b>");
  g_assert_cmpfloat (gtk_label_get_xalign (GTK_LABEL (cell)), ==, 1.0);
  cell = gtk_grid_get_child_at (GTK_GRID (grid), 2, 0);
  g_assert_cmpfloat (gtk_label_get_xalign (GTK_LABEL (cell)), ==, 0.5);

  cell = gtk_grid_get_child_at (GTK_GRID (grid), 0, 1);
  g_assert_true (strstr (label_markup (cell), "<tt>a</tt>") != NULL);
  g_assert_false (gtk_widget_has_css_class (cell, "md-table-header"));
  g_assert_true (gtk_widget_has_css_class (cell, "md-table-cell"));
  cell = gtk_grid_get_child_at (GTK_GRID (grid), 1, 2);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (cell)), ==, "22");
  g_assert_cmpfloat (gtk_label_get_xalign (GTK_LABEL (cell)), ==, 1.0);
  /* A short row is padded */
  cell = gtk_grid_get_child_at (GTK_GRID (grid), 2, 2);
  g_assert_nonnull (cell);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (cell)), ==, "");

  g_assert_finalize_object (view);
}



/* A table of 10,000 columns shows its first 100, says so, and copies whole;
 * one of 5,000 rows shows as many as keep it under 4,000 cells */
static void
test_table_huge (void)
{
  /* A small table first: the copy is of the table whose button it is */
  g_autoptr(GString) md = g_string_new ("| x |\n|---|\n| 1 |\n\n|");
  OcgMarkdownView *view;
  GtkWidget *block, *grid, *footer, *copy, *window;
  g_autofree char *copied = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) cells = NULL;

  for (guint c = 0; c < 10000; c++)
    g_string_append_printf (md, " h%u |", c);
  g_string_append (md, "\n|");
  for (guint c = 0; c < 10000; c++)
    g_string_append (md, "---|");
  for (guint r = 0; r < 3; r++)
    {
      g_string_append (md, "\n|");
      for (guint c = 0; c < 10000; c++)
        g_string_append_printf (md, " %u |", r * 10000 + c);
    }
  g_string_append_c (md, '\n');

  view = OCG_MARKDOWN_VIEW (ocg_markdown_view_new ());
  window = app_test_window (GTK_WIDGET (view), 800, 600);
  ocg_markdown_view_set_text (view, md->str, md->len);
  ocg_markdown_view_flush (view);
  app_test_wait_frames (window, 1);

  g_assert_false (gtk_widget_get_visible (app_test_find_by_css (nth_block (view, 0), "md-table-footer", 0)));
  block = nth_block (view, 1);
  grid = app_test_find_by_type (block, GTK_TYPE_GRID, 0);
  g_assert_cmpuint (app_test_count_by_type (grid, GTK_TYPE_LABEL), ==, 4 * 100);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (grid), 99, 3))), ==, "20099");
  g_assert_null (gtk_grid_get_child_at (GTK_GRID (grid), 100, 0));
  footer = app_test_find_by_css (block, "md-table-footer", 0);
  g_assert_true (gtk_widget_get_visible (footer));
  g_assert_nonnull (app_test_find_label (footer, "Showing 100 of 10000 columns"));

  /* What is left out stays reachable, exactly */
  copy = app_test_find_by_type (footer, GTK_TYPE_BUTTON, 0);
  g_signal_emit_by_name (copy, "clicked");
  copied = app_test_read_clipboard (gtk_widget_get_clipboard (copy));
  lines = g_strsplit (copied, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  cells = g_strsplit (lines[3], "\t", -1);
  g_assert_cmpuint (g_strv_length (cells), ==, 10000);
  g_assert_cmpstr (cells[9999], ==, "29999");

  /* Many rows: cut at 4,000 cells, and growing row by row keeps the cells
   * already there */
  g_string_assign (md, "| a | b | c |\n|---|---|---|\n");
  for (guint r = 0; r < 5000; r++)
    g_string_append_printf (md, "| %u | x | y |\n", r);
  ocg_markdown_view_set_text (view, md->str, md->len);
  ocg_markdown_view_flush (view);
  block = nth_block (view, 0);
  grid = app_test_find_by_type (block, GTK_TYPE_GRID, 0);
  g_assert_cmpuint (app_test_count_by_type (grid, GTK_TYPE_LABEL), ==, 1333 * 3);
  g_assert_nonnull (app_test_find_label (block, "Showing 1333 of 5001 rows"));
  {
    GtkWidget *kept = gtk_grid_get_child_at (GTK_GRID (grid), 0, 1000);

    g_string_append (md, "| 5000 | x | y |\n");
    ocg_markdown_view_set_text (view, md->str, md->len);
    ocg_markdown_view_flush (view);
    g_assert_true (nth_block (view, 0) == block);
    g_assert_true (gtk_grid_get_child_at (GTK_GRID (grid), 0, 1000) == kept);
    g_assert_nonnull (app_test_find_label (block, "Showing 1333 of 5002 rows"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *
code_view (GtkWidget *block)
{
  g_assert_true (gtk_widget_has_css_class (block, "md-code-block"));
  return app_test_find_by_type (block, GTK_SOURCE_TYPE_VIEW, 0);
}

static void
test_code_languages (void)
{
  static const struct {
    const char *fence;
    const char *id;
  } cases[] = {
    { "python", "python3" }, { "py", "python3" }, { "js", "js" },
    { "javascript", "js" }, { "ts", "typescript" }, { "sh", "sh" },
    { "bash", "sh" }, { "shell", "sh" }, { "c", "c" }, { "cpp", "cpp" },
    { "rust", "rust" }, { "go", "go" }, { "json", "json" }, { "yaml", "yaml" },
    { "yml", "yaml" }, { "diff", "diff" }, { "html", "html" }, { "css", "css" },
    { "markdown", "markdown" }, { "Python", "python3" }, { "no-such-language", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markdown = g_strdup_printf ("```%s extra info\nline 1\n  line 2\n```\n", cases[i].fence);
      g_autofree char *accessible = g_strdup_printf ("Code block, %s", cases[i].fence);
      OcgMarkdownView *view = render (markdown);
      GtkWidget *block = nth_block (view, 0);
      GtkWidget *source = code_view (block);
      g_autofree char *code = buffer_text (source);

      g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 1);
      g_assert_cmpstr (code, ==, "line 1\n  line 2");
      g_assert_cmpstr (language_id (source), ==, cases[i].id);
      g_assert_nonnull (app_test_find_label (block, cases[i].fence));
      gtk_test_accessible_assert_property (block, GTK_ACCESSIBLE_PROPERTY_LABEL, accessible);

      g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (source)));
      g_assert_false (gtk_text_view_get_cursor_visible (GTK_TEXT_VIEW (source)));
      g_assert_true (gtk_text_view_get_monospace (GTK_TEXT_VIEW (source)));
      g_assert_cmpint (gtk_text_view_get_wrap_mode (GTK_TEXT_VIEW (source)), ==, GTK_WRAP_NONE);

      g_assert_finalize_object (view);
    }
}

static void
test_code_indented (void)
{
  OcgMarkdownView *view = render ("Text:\n\n    indented <code>\n      more\n\nafter");
  GtkWidget *source;
  g_autofree char *code = NULL;

  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 3);
  source = code_view (nth_block (view, 1));
  code = buffer_text (source);
  g_assert_cmpstr (code, ==, "indented <code>\n  more");
  g_assert_null (language_id (source));
  gtk_test_accessible_assert_property (nth_block (view, 1), GTK_ACCESSIBLE_PROPERTY_LABEL, "Code block");

  g_assert_finalize_object (view);
}

static gboolean
shows_copy_icon (gpointer button)
{
  return g_strcmp0 (gtk_button_get_icon_name (button), "edit-copy-symbolic") == 0;
}

static void
test_code_copy (void)
{
  OcgMarkdownView *view = OCG_MARKDOWN_VIEW (ocg_markdown_view_new ());
  GtkWidget *window = app_test_window (GTK_WIDGET (view), 600, 400);
  const char *code = "for i in range(3):\n    print(\"<%d>\" % i)";
  g_autofree char *markdown = g_strdup_printf ("Run this:\n\n```python\n%s\n```\n", code);
  g_autofree char *copied = NULL;
  GtkWidget *block, *button;
  GdkClipboard *clipboard;

  ocg_markdown_view_set_text (view, markdown, -1);
  ocg_markdown_view_flush (view);
  block = nth_block (view, 1);
  button = app_test_find_by_css (block, "md-code-copy", 0);
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (button)), ==, "edit-copy-symbolic");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Copy");

  clipboard = gtk_widget_get_clipboard (button);
  gdk_clipboard_set_text (clipboard, "something else");

  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (button)), ==, "object-select-symbolic");

  copied = app_test_read_clipboard (clipboard);
  g_assert_cmpstr (copied, ==, code);

  /* The check mark goes back to a copy icon */
  g_assert_true (app_test_wait (shows_copy_icon, button, 30000));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_code_dark (void)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  OcgMarkdownView *view = OCG_MARKDOWN_VIEW (ocg_markdown_view_new ());
  GtkWidget *window = app_test_window (GTK_WIDGET (view), 600, 400);
  GtkWidget *source;

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  ocg_markdown_view_set_text (view, "```c\nint x;\n```\n\n- ```sh\n  ls\n  ```", -1);
  ocg_markdown_view_flush (view);
  source = code_view (nth_block (view, 0));
  g_assert_cmpstr (scheme_id (source), ==, "Adwaita");

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (app_test_wait (is_dark, source, 30000));
  g_assert_true (adw_style_manager_get_dark (style_manager));
  g_assert_cmpstr (scheme_id (source), ==, "Adwaita-dark");
  /* Nested ones too */
  g_assert_cmpstr (scheme_id (app_test_find_by_type (nth_block (view, 1), GTK_SOURCE_TYPE_VIEW, 0)), ==,
                   "Adwaita-dark");

  /* New blocks start dark */
  ocg_markdown_view_set_text (view, "```c\nint x;\n```\n\nnew\n\n```\ny\n```", -1);
  ocg_markdown_view_flush (view);
  g_assert_cmpstr (scheme_id (code_view (nth_block (view, 2))), ==, "Adwaita-dark");

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_true (app_test_wait (is_light, source, 30000));
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
on_link_activated (OcgMarkdownView *view,
                   const char      *uri,
                   GPtrArray       *uris)
{
  g_ptr_array_add (uris, g_strdup (uri));
  return TRUE;
}

static void
test_links (void)
{
  OcgMarkdownView *view = OCG_MARKDOWN_VIEW (ocg_markdown_view_new ());
  GtkWidget *window = app_test_window (GTK_WIDGET (view), 600, 400);
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *label;
  gboolean handled = FALSE;

  g_signal_connect (view, "link-activated", G_CALLBACK (on_link_activated), uris);
  ocg_markdown_view_set_text (view,
                              "See [the docs](https://example.org/docs), <https://gnome.org> "
                              "and www.gtk.org, or [![logo](logo.png)](https://img.example).\n\n"
                              "- in a [list](https://list.example)\n",
                              -1);
  ocg_markdown_view_flush (view);

  label = nth_block (view, 0);
  g_assert_true (strstr (label_markup (label), "<a href=\"https://example.org/docs\" title=\"https://example.org/docs\">the docs</a>") != NULL);
  g_assert_true (strstr (label_markup (label), "<a href=\"https://gnome.org\" title=\"https://gnome.org\">https://gnome.org</a>") != NULL);
  g_assert_true (strstr (label_markup (label), "<a href=\"http://www.gtk.org\" title=\"http://www.gtk.org\">www.gtk.org</a>") != NULL);
  /* An image in a link: one link, the image's alternative text */
  g_assert_true (strstr (label_markup (label), "<a href=\"https://img.example\" title=\"https://img.example\">logo</a>") != NULL);

  /* What GtkLabel does when a link is clicked */
  g_signal_emit_by_name (label, "activate-link", "https://example.org/docs", &handled);
  g_assert_true (handled);
  g_assert_cmpuint (uris->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (uris, 0), ==, "https://example.org/docs");

  label = app_test_find_label (nth_block (view, 1), "in a list");
  g_signal_emit_by_name (label, "activate-link", "https://list.example", &handled);
  g_assert_cmpuint (uris->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (uris, 1), ==, "https://list.example");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_html (void)
{
  OcgMarkdownView *view = render ("<div onclick=\"evil()\">\n<b>not bold</b>\n</div>\n\n"
                                  "Inline <span style=\"color:red\">html</span> &amp; <script>x</script> "
                                  "&copy; &#x41; &bogus; \x01\n\n"
                                  "---\n\n"
                                  "end");
  GtkWidget *label;

  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 4);

  label = nth_block (view, 0);
  g_assert_true (gtk_widget_has_css_class (label, "md-html"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==,
                   "<div onclick=\"evil()\">\n<b>not bold</b>\n</div>");

  label = nth_block (view, 1);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==,
                   "Inline <span style=\"color:red\">html</span> & <script>x</script> © A &bogus; ");
  g_assert_null (strstr (label_markup (label), "<span style"));

  g_assert_true (GTK_IS_SEPARATOR (nth_block (view, 2)));

  g_assert_finalize_object (view);
}

static const char streaming_document[] =
  "# Streaming answer\n"
  "\n"
  "Here is an overview with **bold**, *italic* and `inline code`, followed by\n"
  "a second line of the same paragraph and a [link](https://example.com).\n"
  "\n"
  "## Steps\n"
  "To install it:\n"
  "1. Download the archive\n"
  "2. Unpack it with `tar xf`\n"
  "3. Run the installer\n"
  "\n"
  "- Item with a nested list\n"
  "  - nested one\n"
  "  - nested two\n"
  "- [x] a finished task\n"
  "- [ ] an open task\n"
  "\n"
  "> A quoted remark\n"
  "> over two lines.\n"
  "\n"
  "| Column | Value |\n"
  "|--------|------:|\n"
  "| alpha  |     1 |\n"
  "| beta   |    22 |\n"
  "\n"
  "---\n"
  "\n"
  "Some closing words before the code, with ünïcödé ✓ text.\n"
  "\n"
  "```python\n"
  "def greet(name):\n"
  "    \"\"\"Say hello.\"\"\"\n"
  "    print(f\"Hello, {name}!\")\n"
  "\n"
  "\n"
  "for n in range(3):\n"
  "    greet(str(n))\n"
  "```\n";

static void
test_streaming (void)
{
  OcgMarkdownView *view = OCG_MARKDOWN_VIEW (ocg_markdown_view_new ());
  GtkWidget *window = app_test_window (GTK_WIDGET (view), 800, 600);
  g_autoptr(GPtrArray) previous = g_ptr_array_new ();
  g_autofree char *streamed = NULL;
  g_autofree char *fresh = NULL;
  GtkWidget *code = NULL;
  guint n_steps = 0;

  for (const char *end = streaming_document; *end != '\0'; end = g_utf8_next_char (end))
    {
      g_autoptr(GPtrArray) current = NULL;

      ocg_markdown_view_set_text (view, streaming_document, g_utf8_next_char (end) - streaming_document);
      ocg_markdown_view_flush (view);
      n_steps++;

      current = block_widgets (view);
      g_assert_cmpuint (current->len, ==, ocg_markdown_view_get_n_blocks (view));

      /* Blocks before the one that was growing keep their widgets */
      for (guint i = 0; i + 1 < previous->len; i++)
        {
          g_assert_cmpuint (i, <, current->len);
          g_assert_true (g_ptr_array_index (current, i) == g_ptr_array_index (previous, i));
        }

      /* The growing code block is updated, not rebuilt */
      if (code != NULL)
        g_assert_true (gtk_widget_get_last_child (GTK_WIDGET (view)) == code);
      else if (gtk_widget_has_css_class (gtk_widget_get_last_child (GTK_WIDGET (view)), "md-code-block"))
        code = gtk_widget_get_last_child (GTK_WIDGET (view));

      g_ptr_array_set_size (previous, 0);
      g_ptr_array_extend (previous, current, NULL, NULL);
    }

  g_assert_cmpuint (ocg_markdown_view_get_n_renders (view), ==, n_steps);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 11);

  /* The same as rendering it all at once */
  streamed = dump (view);
  fresh = dump_fresh (streaming_document, -1);
  g_assert_cmpstr (streamed, ==, fresh);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  OcgMarkdownView *view;
  guint            n_renders;
} RenderWait;

static gboolean
rendered (gpointer data)
{
  RenderWait *wait = data;

  return ocg_markdown_view_get_n_renders (wait->view) > wait->n_renders;
}

static void
test_one_render_per_frame (void)
{
  OcgMarkdownView *view = OCG_MARKDOWN_VIEW (ocg_markdown_view_new ());
  GtkWidget *window = app_test_window (GTK_WIDGET (view), 800, 600);
  gsize len = strlen (streaming_document);
  RenderWait wait = { view, 0 };
  g_autofree char *streamed = NULL;
  g_autofree char *fresh = NULL;

  g_assert_cmpuint (ocg_markdown_view_get_n_renders (view), ==, 0);

  /* Many updates within one frame */
  for (gsize i = 1; i <= len / 2; i++)
    ocg_markdown_view_set_text (view, streaming_document, i);
  g_assert_cmpuint (ocg_markdown_view_get_n_renders (view), ==, 0);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 0);

  g_assert_true (app_test_wait (rendered, &wait, 30000));
  /* Once: later frames render nothing more */
  app_test_wait_frames (GTK_WIDGET (view), 2);
  g_assert_cmpuint (ocg_markdown_view_get_n_renders (view), ==, 1);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), >, 3);

  /* And the rest, on the next frame */
  wait.n_renders = 1;
  for (gsize i = len / 2; i <= len; i++)
    ocg_markdown_view_set_text (view, streaming_document, i);
  g_assert_true (app_test_wait (rendered, &wait, 30000));
  app_test_wait_frames (GTK_WIDGET (view), 2);
  g_assert_cmpuint (ocg_markdown_view_get_n_renders (view), ==, 2);

  streamed = dump (view);
  fresh = dump_fresh (streaming_document, -1);
  g_assert_cmpstr (streamed, ==, fresh);

  /* Setting the same text again does nothing */
  ocg_markdown_view_set_text (view, streaming_document, -1);
  app_test_wait_frames (GTK_WIDGET (view), 2);
  ocg_markdown_view_flush (view);
  g_assert_cmpuint (ocg_markdown_view_get_n_renders (view), ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_unterminated_fence (void)
{
  OcgMarkdownView *view = OCG_MARKDOWN_VIEW (ocg_markdown_view_new ());
  GtkWidget *window = app_test_window (GTK_WIDGET (view), 600, 400);
  GtkWidget *block, *source;
  g_autofree char *code1 = NULL;
  g_autofree char *code2 = NULL;
  g_autofree char *code3 = NULL;

  ocg_markdown_view_set_text (view, "```py\nprint(", -1);
  ocg_markdown_view_flush (view);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 1);
  block = nth_block (view, 0);
  source = code_view (block);
  code1 = buffer_text (source);
  g_assert_cmpstr (code1, ==, "print(");
  g_assert_cmpstr (language_id (source), ==, "python3");

  ocg_markdown_view_set_text (view, "```py\nprint(\"hi\")\n``", -1);
  ocg_markdown_view_flush (view);
  g_assert_true (nth_block (view, 0) == block);
  code2 = buffer_text (source);
  g_assert_cmpstr (code2, ==, "print(\"hi\")\n``");

  ocg_markdown_view_set_text (view, "```py\nprint(\"hi\")\n```\n\nDone.", -1);
  ocg_markdown_view_flush (view);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 2);
  g_assert_true (nth_block (view, 0) == block);
  code3 = buffer_text (source);
  g_assert_cmpstr (code3, ==, "print(\"hi\")");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (nth_block (view, 1))), ==, "Done.");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Documents where a naive "parse from the last block" would go wrong */
static const char * const tricky_documents[] = {
  "para\n***bold*** text\n\nnext\n",
  "- a\n\n- b\n\n-\n\n- c\n\npara\n\n-\n\n- d\n",
  "```\ncode\n\n```\nafter\n\n```\n\nx\n```\n\ny\n",
  "Title\n===\n\ntext\n---\n\n> q\n\n> r\nlazy\n\nend\n",
  "<pre>\n\nfoo\n\n</pre>\n\nbar\n\n<!--\n\nhidden\n\n-->\nz\n",
  "[ref] and [other]\n\ntext\n\n[ref]: https://example.com\n\n[other]: /x \"T\"\n",
  "| a | b |\n|---|---|\n| 1 | 2 |\n\n| c |\n|:-:|\n| 3 |\n",
  "1. a\n\n2. b\n\n10. c\n\nx\n\n3) d\n",
  "~~~py\nx\n\n~~~\n\n    indented\n\n    more\n\nend\n",
  "# h\ntext\n## h2\n- list\n```\ncode\n```\npara\n* * *\nlast",
  "> ```\n> code\n>\n> ```\n\n```js\nlet a\n\n```\n\n```\n\n```\ntext\n",
  "* a\n\n  * b\n\n    c\n\n* d\n\ne\n\n  f\n",
  "text\n\n<div>\n\n*not html*\n</div>\n\nend",
  "para\n\n-\n\n- d\n\nmore\n",
  "text\n\n1.\n\n2. two\n\nend\n",
};

static void
test_streaming_tricky (void)
{
  for (guint d = 0; d < G_N_ELEMENTS (tricky_documents); d++)
    {
      const char *document = tricky_documents[d];
      OcgMarkdownView *view = g_object_ref_sink (OCG_MARKDOWN_VIEW (ocg_markdown_view_new ()));

      for (gsize len = 1; len <= strlen (document); len++)
        {
          g_autofree char *streamed = NULL;
          g_autofree char *fresh = NULL;

          ocg_markdown_view_set_text (view, document, len);
          ocg_markdown_view_flush (view);
          streamed = dump (view);
          fresh = dump_fresh (document, len);
          if (g_strcmp0 (streamed, fresh) != 0)
            g_test_message ("Document %u differs at %" G_GSIZE_FORMAT ": [%.*s]", d, len, (int) len, document);
          g_assert_cmpstr (streamed, ==, fresh);
        }

      g_assert_finalize_object (view);
    }
}

static void
test_replaced_text (void)
{
  OcgMarkdownView *view = render ("# Title\n\nfirst\n\nsecond\n\n```\ncode\n```\n");
  GtkWidget *title = nth_block (view, 0);
  GtkWidget *second = nth_block (view, 2);
  g_autofree char *streamed = NULL;
  g_autofree char *fresh = NULL;
  const char *replaced = "# Title\n\nchanged\n\nsecond\n\n```\ncode\n```\n\nmore";

  /* Not an extension: everything is parsed again, unchanged blocks keep their widgets */
  ocg_markdown_view_set_text (view, replaced, -1);
  ocg_markdown_view_flush (view);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 5);
  g_assert_true (nth_block (view, 0) == title);
  g_assert_true (nth_block (view, 2) == second);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (nth_block (view, 1))), ==, "changed");

  streamed = dump (view);
  fresh = dump_fresh (replaced, -1);
  g_assert_cmpstr (streamed, ==, fresh);

  ocg_markdown_view_set_text (view, "Short", -1);
  ocg_markdown_view_flush (view);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 1);

  g_assert_finalize_object (view);
}

static const char large_section[] =
  "## Section\n"
  "\n"
  "A paragraph with **strong** text, `code`, a [link](https://example.com) and enough words "
  "to wrap over a couple of lines in a normal window, which is what answers look like.\n"
  "\n"
  "- first point\n"
  "- second point with *emphasis*\n"
  "\n"
  "| a | b |\n"
  "|---|---|\n"
  "| 1 | 2 |\n"
  "\n";

static void
test_large (void)
{
  OcgMarkdownView *view = OCG_MARKDOWN_VIEW (ocg_markdown_view_new ());
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *window;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) code = g_string_new ("```c\n");
  guint n_sections = 0;
  GtkWidget *first, *last;

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (view));
  window = app_test_window (scroller, 800, 600);

  while (text->len < 1024 * 1024)
    {
      g_string_append (text, large_section);
      n_sections++;
    }

  ocg_markdown_view_set_text (view, text->str, text->len);
  ocg_markdown_view_flush (view);
  g_assert_cmpuint (ocg_markdown_view_get_last_parse_length (view), ==, text->len);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, n_sections * 4);
  app_test_wait_frames (window, 1);

  /* Typing at the end of 1 MB parses only the last block again, and keeps
   * the widgets of the blocks before it */
  first = nth_block (view, 0);
  last = nth_block (view, n_sections * 4 - 1);
  g_string_append (text, "A new paragraph");
  for (guint i = 0; i < 10; i++)
    {
      gsize renders = ocg_markdown_view_get_n_renders (view);

      g_string_append_c (text, 'x');
      ocg_markdown_view_set_text (view, text->str, text->len);
      ocg_markdown_view_flush (view);
      g_assert_cmpuint (ocg_markdown_view_get_n_renders (view), ==, renders + 1);
      g_assert_cmpuint (ocg_markdown_view_get_last_parse_length (view), <=, strlen (large_section) + 32);
      g_assert_cmpuint (ocg_markdown_view_get_last_parse_length (view), >=, strlen ("A new paragraph") + i + 1);
    }
  g_assert_true (nth_block (view, n_sections * 4 - 1) == last);
  g_assert_true (nth_block (view, 0) == first);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, n_sections * 4 + 1);

  /* One huge code block */
  while (code->len < 1024 * 1024)
    g_string_append (code, "static int value = 42; /* some C code on a line */\n");
  ocg_markdown_view_set_text (view, code->str, code->len);
  ocg_markdown_view_flush (view);
  g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 1);
  app_test_wait_frames (window, 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A paragraph too long for the label to measure its width is laid out at
 * the width it gets and is as tall as its lines. While it grows its first
 * lines move to labels of their own, which must not show: the lines are
 * those of the whole paragraph in one layout, and its text is whole. */
static void
assert_label_fits (GtkLabel *label)
{
  PangoLayout *layout = gtk_label_get_layout (label);
  int width = gtk_widget_get_width (GTK_WIDGET (label));
  int text_width, text_height;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (pango_layout_get_width (layout), ==, width * PANGO_SCALE);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  g_assert_cmpint (text_width, <=, width);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (label)), >=, text_height);
  /* and not taller than a line more */
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (label)), <,
                   text_height + text_height / pango_layout_get_line_count (layout));
}

static void
append_lines (PangoLayout *layout,
              GPtrArray   *lines)
{
  const char *text = pango_layout_get_text (layout);

  for (GSList *l = pango_layout_get_lines_readonly (layout); l != NULL; l = l->next)
    {
      PangoLayoutLine *line = l->data;

      g_ptr_array_add (lines, g_strndup (text + line->start_index, (gsize) line->length));
    }
}

static void
assert_prose_seamless (GtkWidget  *bin,
                       const char *markup)
{
  GtkLabel *first = ocg_prose_bin_get_label (OCG_PROSE_BIN (bin));
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) whole = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(PangoLayout) reference = NULL;
  g_autofree char *text = ocg_prose_bin_dup_text (OCG_PROSE_BIN (bin), FALSE);
  int height = 0;

  g_assert_cmpint (gtk_widget_get_width (bin), ==, gtk_widget_get_width (gtk_widget_get_parent (bin)));
  for (GtkWidget *child = gtk_widget_get_first_child (bin); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      assert_label_fits (GTK_LABEL (child));
      g_assert_cmpint (gtk_widget_get_width (child), ==, gtk_widget_get_width (GTK_WIDGET (first)));
      append_lines (gtk_label_get_layout (GTK_LABEL (child)), shown);
      height += gtk_widget_get_height (child);
    }
  g_assert_cmpint (height, <=, gtk_widget_get_height (bin));

  /* The whole paragraph, laid out once at that width */
  reference = pango_layout_copy (gtk_label_get_layout (first));
  pango_layout_set_markup (reference, markup, -1);
  append_lines (reference, whole);
  g_assert_cmpuint (shown->len, ==, whole->len);
  for (guint i = 0; i < whole->len; i++)
    g_assert_cmpstr (shown->pdata[i], ==, whole->pdata[i]);
  g_assert_cmpstr (text, ==, pango_layout_get_text (reference));
}

static gboolean
is_one_label (gpointer bin)
{
  return ocg_prose_bin_get_n_pieces (bin) == 1;
}

static void
test_long_paragraph (void)
{
  OcgMarkdownView *view = OCG_MARKDOWN_VIEW (ocg_markdown_view_new ());
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *window;
  g_autoptr(GString) text = g_string_new ("A <i>long</i> answer:");
  g_autoptr(GString) markdown = g_string_new ("A *long* answer:");
  GtkWidget *bin;
  guint most_pieces = 0;
  int height = 0;

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (view));
  window = app_test_window (scroller, 700, 500);

  for (guint step = 0; step < 50; step++)
    {
      /* Words, some marked up, some escaped */
      for (guint i = 0; i < 20; i++)
        {
          guint n = step * 20 + i;

          if (n % 7 == 3)
            {
              g_string_append_printf (markdown, " **word%u**", n);
              g_string_append_printf (text, " <b>word%u</b>", n);
            }
          else if (n % 11 == 5)
            {
              g_string_append_printf (markdown, " a&b<%u>", n);
              g_string_append_printf (text, " a&amp;b&lt;%u&gt;", n);
            }
          else
            {
              g_string_append_printf (markdown, " word%u", n);
              g_string_append_printf (text, " word%u", n);
            }
        }
      ocg_markdown_view_set_text (view, markdown->str, -1);
      app_test_wait_frames (window, 2);

      g_assert_cmpuint (ocg_markdown_view_get_n_blocks (view), ==, 1);
      bin = gtk_widget_get_first_child (GTK_WIDGET (view));
      g_assert_true (OCG_IS_PROSE_BIN (bin));
      assert_prose_seamless (bin, text->str);
      most_pieces = MAX (most_pieces, ocg_prose_bin_get_n_pieces (OCG_PROSE_BIN (bin)));
      /* It grows */
      g_assert_cmpint (gtk_widget_get_height (bin), >=, height);
      height = gtk_widget_get_height (bin);
    }
  /* Past the size at which the label no longer measures its own width,
   * and cut while it grew */
  g_assert_cmpuint (text->len, >, 8192);
  g_assert_cmpuint (most_pieces, >, 2);

  /* Narrower: one label again, more lines, taller */
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 500);
  app_test_wait_frames (window, 3);
  g_assert_cmpuint (ocg_prose_bin_get_n_pieces (OCG_PROSE_BIN (bin)), ==, 1);
  assert_prose_seamless (bin, text->str);
  g_assert_cmpint (gtk_widget_get_width (bin), <=, 400);
  g_assert_cmpint (gtk_widget_get_height (bin), >, height);

  /* Cut again as it grows, then one label once it stops */
  for (guint step = 0; step < 6; step++)
    {
      g_string_append (markdown, " more words to read");
      g_string_append (text, " more words to read");
      ocg_markdown_view_set_text (view, markdown->str, -1);
      app_test_wait_frames (window, 2);
      assert_prose_seamless (bin, text->str);
    }
  g_assert_cmpuint (ocg_prose_bin_get_n_pieces (OCG_PROSE_BIN (bin)), >, 1);

  /* What is selected in a piece is what copies */
  {
    GtkWidget *second = gtk_widget_get_next_sibling (gtk_widget_get_first_child (bin));
    g_autofree char *selected = NULL;
    g_autofree char *expected = g_strdup_printf ("%.6s", gtk_label_get_text (GTK_LABEL (second)));

    gtk_label_select_region (GTK_LABEL (second), 0, 6);
    selected = ocg_prose_bin_dup_text (OCG_PROSE_BIN (bin), TRUE);
    g_assert_cmpstr (selected, ==, expected);
    gtk_label_select_region (GTK_LABEL (second), 0, 0);
  }

  g_assert_true (app_test_wait (is_one_label, bin, 10000));
  app_test_wait_frames (window, 2);
  assert_prose_seamless (bin, text->str);

  /* Text before the last lines changing makes it one label at once */
  g_string_append (markdown, " x");
  ocg_markdown_view_set_text (view, markdown->str, -1);
  app_test_wait_frames (window, 2);
  g_string_prepend (markdown, "Changed ");
  g_string_prepend (text, "Changed ");
  ocg_markdown_view_set_text (view, markdown->str, -1);
  g_string_append (text, " x");
  app_test_wait_frames (window, 2);
  g_assert_cmpuint (ocg_prose_bin_get_n_pieces (OCG_PROSE_BIN (bin)), ==, 1);
  assert_prose_seamless (bin, text->str);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A table wider than the window scrolls sideways: the window keeps its
 * width, and no column is squeezed to a character a line */
static void
test_table_wide (void)
{
  OcgMarkdownView *view = OCG_MARKDOWN_VIEW (ocg_markdown_view_new ());
  g_autoptr(GString) text = g_string_new ("|");
  GtkWidget *window, *scroller, *cell;
  GtkAdjustment *adjustment;
  PangoLayout *layout;

  for (guint c = 0; c < 40; c++)
    g_string_append_printf (text, " column %u |", c);
  g_string_append (text, "\n|");
  for (guint c = 0; c < 40; c++)
    g_string_append (text, "---|");
  g_string_append (text, "\n|");
  for (guint c = 0; c < 40; c++)
    g_string_append_printf (text, " %u |", 100000 + c);
  g_string_append (text, "\n");
  ocg_markdown_view_set_text (view, text->str, -1);
  window = app_test_window (GTK_WIDGET (view), 600, 400);
  app_test_wait_frames (window, 2);

  g_assert_cmpint (gtk_widget_get_width (window), ==, 600);
  scroller = app_test_find_by_type (nth_block (view, 0), GTK_TYPE_SCROLLED_WINDOW, 0);
  g_assert_cmpint (gtk_widget_get_width (scroller), <=, 600);
  adjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment) * 4);

  cell = app_test_find_label (scroller, "100039");
  g_assert_nonnull (cell);
  layout = gtk_label_get_layout (GTK_LABEL (cell));
  g_assert_cmpint (pango_layout_get_line_count (layout), ==, 1);
  cell = app_test_find_label (scroller, "column 7");
  layout = gtk_label_get_layout (GTK_LABEL (cell));
  g_assert_cmpint (pango_layout_get_line_count (layout), ==, 1);
  /* The table is no taller than its rows */
  g_assert_cmpint (gtk_widget_get_height (scroller), <, 4 * gtk_widget_get_height (cell) + 40);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkCssProvider) provider = NULL;

  app_test_init (&argc, &argv);

  /* Links the resources in; they register themselves */
  g_assert_nonnull (ocg_get_resource ());
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/opencodegtk/OpencodeGtk/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_test_add_func ("/markdown/empty", test_empty);
  g_test_add_func ("/markdown/paragraph", test_paragraph);
  g_test_add_func ("/markdown/headings", test_headings);
  g_test_add_func ("/markdown/lists", test_lists);
  g_test_add_func ("/markdown/blockquote", test_blockquote);
  g_test_add_func ("/markdown/table", test_table);
  g_test_add_func ("/markdown/table/huge", test_table_huge);
  g_test_add_func ("/markdown/code/languages", test_code_languages);
  g_test_add_func ("/markdown/code/indented", test_code_indented);
  g_test_add_func ("/markdown/code/copy", test_code_copy);
  g_test_add_func ("/markdown/code/dark", test_code_dark);
  g_test_add_func ("/markdown/links", test_links);
  g_test_add_func ("/markdown/html", test_html);
  g_test_add_func ("/markdown/streaming/append", test_streaming);
  g_test_add_func ("/markdown/streaming/one-render-per-frame", test_one_render_per_frame);
  g_test_add_func ("/markdown/streaming/unterminated-fence", test_unterminated_fence);
  g_test_add_func ("/markdown/streaming/tricky", test_streaming_tricky);
  g_test_add_func ("/markdown/streaming/replaced", test_replaced_text);
  g_test_add_func ("/markdown/streaming/long-paragraph", test_long_paragraph);
  g_test_add_func ("/markdown/table/wide", test_table_wide);
  g_test_add_func ("/markdown/large", test_large);

  return g_test_run ();
}
