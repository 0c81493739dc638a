/* ocg-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ocg-window.h"

struct _OcgWindow
{
  AdwApplicationWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (OcgWindow, ocg_window, ADW_TYPE_APPLICATION_WINDOW)

static void
ocg_window_class_init (OcgWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/opencodegtk/OpencodeGtk/ocg-window.ui");
}

static void
ocg_window_init (OcgWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

OcgWindow *
ocg_window_new (OcgApplication *application)
{
  return g_object_new (OCG_TYPE_WINDOW, "application", application, NULL);
}
