/* ocg-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ocg-application.h"
#include "ocg-window.h"

struct _OcgApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (OcgApplication, ocg_application, ADW_TYPE_APPLICATION)

static void
ocg_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (ocg_window_new (OCG_APPLICATION (app)));
  gtk_window_present (window);
}

static void
ocg_application_class_init (OcgApplicationClass *klass)
{
  G_APPLICATION_CLASS (klass)->activate = ocg_application_activate;
}

static void
on_quit (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
ocg_application_init (OcgApplication *self)
{
  static const GActionEntry actions[] = {
    { "quit", on_quit },
  };
  static const char *quit_accels[] = { "<Control>q", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}

OcgApplication *
ocg_application_new (void)
{
  return g_object_new (OCG_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/opencodegtk/OpencodeGtk",
                       NULL);
}
