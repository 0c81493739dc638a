/* app-test-util.h: helpers shared by the widget tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* gtk_test_init + libadwaita + the app's resources and style */
void       app_test_init          (int      *argc,
                                   char   ***argv);
/* Runs the main loop until @predicate is true or @timeout_ms passes */
gboolean   app_test_wait          (gboolean (*predicate) (gpointer),
                                   gpointer   data,
                                   guint      timeout_ms);
/* Iterates the main loop for @ms milliseconds: for pictures, not tests,
 * which wait for what they check */
void       app_test_run_for       (guint      ms);
/* Runs the main loop until @widget's window has drawn @n more frames: what
 * was queued before is laid out and drawn, however long that takes */
void       app_test_wait_frames   (GtkWidget *widget,
                                   guint      n);
/* A window holding @child, shown, sized @width x @height, and drawn */
GtkWidget *app_test_window        (GtkWidget *child,
                                   int        width,
                                   int        height);
/* Depth-first search of descendants */
GtkWidget *app_test_find_by_type  (GtkWidget *root,
                                   GType      type,
                                   guint      nth);
guint      app_test_count_by_type (GtkWidget *root,
                                   GType      type);
GtkWidget *app_test_find_label    (GtkWidget *root,
                                   const char *text_substring);
GtkWidget *app_test_find_nth_label (GtkWidget  *root,
                                    const char *text_substring,
                                    guint       nth);
GtkWindow *app_test_find_toplevel (GType      type,
                                   gboolean   visible_only);
GtkWidget *app_test_find_by_css   (GtkWidget *root,
                                   const char *css_class,
                                   guint       nth);
/* The text on @clipboard, read as a paste would; fails the test when
 * there is none */
char      *app_test_read_clipboard (GdkClipboard *clipboard);
/* All visible label texts below @root, joined by "\n" */
char      *app_test_collect_text  (GtkWidget *root);

G_END_DECLS
