/* app-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"
#include "ocg-prose-bin.h"
#include "ocg-resources.h"

#include <adwaita.h>
#include <gtksourceview/gtksource.h>
#include <string.h>

void
app_test_init (int    *argc,
               char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  /* The resources live in a static library: make sure they are linked in */
  (void) ocg_get_resource ();
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/io/github/opencodegtk/OpencodeGtk/icons");
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (provider, "/io/github/opencodegtk/OpencodeGtk/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  gtk_source_init ();
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
app_test_wait (gboolean (*predicate) (gpointer),
               gpointer   data,
               guint      timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, on_timeout, &timed_out);

  while (!predicate (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return !timed_out;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
app_test_run_for (guint ms)
{
  app_test_wait (never, NULL, ms);
}

typedef struct
{
  guint seen;
  guint wanted;
} Frames;

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  Frames *frames = data;

  return ++frames->seen < frames->wanted ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
enough_frames (gpointer data)
{
  Frames *frames = data;

  return frames->seen >= frames->wanted;
}

void
app_test_wait_frames (GtkWidget *widget,
                      guint      n)
{
  Frames frames = { 0, n };

  g_assert_true (gtk_widget_get_realized (widget));
  gtk_widget_add_tick_callback (widget, count_frame, &frames, NULL);
  /* A bound for a machine that hangs, not a delay */
  g_assert_true (app_test_wait (enough_frames, &frames, 60000));
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

GtkWidget *
app_test_window (GtkWidget *child,
                 int        width,
                 int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (app_test_wait (is_mapped, window, 60000));
  app_test_wait_frames (window, 2);
  return window;
}

static GtkWidget *
find (GtkWidget *root,
      gboolean (*match) (GtkWidget *, gconstpointer),
      gconstpointer data,
      guint       *nth)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (match (child, data))
        {
          if (*nth == 0)
            return child;
          (*nth)--;
        }
      if ((found = find (child, match, data, nth)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
match_type (GtkWidget     *widget,
            gconstpointer  data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

GtkWidget *
app_test_find_by_type (GtkWidget *root,
                       GType      type,
                       guint      nth)
{
  return find (root, match_type, GSIZE_TO_POINTER (type), &nth);
}

guint
app_test_count_by_type (GtkWidget *root,
                        GType      type)
{
  guint n = 0;

  while (app_test_find_by_type (root, type, n) != NULL)
    n++;
  return n;
}

static gboolean
match_label (GtkWidget     *widget,
             gconstpointer  data)
{
  const char *text;

  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_text (GTK_LABEL (widget));
  else if (GTK_IS_INSCRIPTION (widget))
    text = gtk_inscription_get_text (GTK_INSCRIPTION (widget));
  else
    return FALSE;
  return text != NULL && strstr (text, data) != NULL;
}

GtkWidget *
app_test_find_label (GtkWidget  *root,
                     const char *text_substring)
{
  return app_test_find_nth_label (root, text_substring, 0);
}

/* The @nth (from 0) label under @root whose text holds @text_substring */
GtkWidget *
app_test_find_nth_label (GtkWidget  *root,
                         const char *text_substring,
                         guint       nth)
{
  return find (root, match_label, text_substring, &nth);
}

/* The first toplevel window of @type (only a visible one when
 * @visible_only), or NULL */
GtkWindow *
app_test_find_toplevel (GType    type,
                        gboolean visible_only)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) &&
          (!visible_only || gtk_widget_get_visible (GTK_WIDGET (window))))
        return window;
    }
  return NULL;
}

static gboolean
match_css (GtkWidget     *widget,
           gconstpointer  data)
{
  return gtk_widget_has_css_class (widget, data);
}

GtkWidget *
app_test_find_by_css (GtkWidget  *root,
                      const char *css_class,
                      guint       nth)
{
  return find (root, match_css, css_class, &nth);
}

static void
collect (GtkWidget *root,
         GString   *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *text = NULL;
      g_autofree char *paragraph = NULL;

      if (!gtk_widget_get_visible (child))
        continue;
      /* A paragraph shown in pieces is one text */
      if (OCG_IS_PROSE_BIN (child))
        {
          paragraph = ocg_prose_bin_dup_text (OCG_PROSE_BIN (child), FALSE);
          if (*paragraph != '\0')
            {
              if (out->len > 0)
                g_string_append_c (out, '\n');
              g_string_append (out, paragraph);
            }
          continue;
        }
      if (GTK_IS_LABEL (child))
        text = gtk_label_get_text (GTK_LABEL (child));
      else if (GTK_IS_INSCRIPTION (child))
        text = gtk_inscription_get_text (GTK_INSCRIPTION (child));
      if (text != NULL && *text != '\0')
        {
          if (out->len > 0)
            g_string_append_c (out, '\n');
          g_string_append (out, text);
        }
      collect (child, out);
    }
}

char *
app_test_collect_text (GtkWidget *root)
{
  GString *out = g_string_new (NULL);

  collect (root, out);
  return g_string_free (out, FALSE);
}

static void
on_clipboard_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
clipboard_is_read (gpointer data)
{
  return *(char **) data != NULL;
}

char *
app_test_read_clipboard (GdkClipboard *clipboard)
{
  char *text = NULL;

  gdk_clipboard_read_text_async (clipboard, NULL, on_clipboard_read, &text);
  g_assert_true (app_test_wait (clipboard_is_read, &text, 30000));
  return text;
}
