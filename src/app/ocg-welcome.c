/* ocg-welcome.c
 *
 * Started from the launcher, the app has no project yet: this window lists
 * the recent project folders and opens another one through the file chooser
 * portal. Choosing one emits "open-project" with the folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "ocg-a11y.h"
#include "ocg-welcome.h"

struct _OcgWelcome
{
  AdwApplicationWindow  parent_instance;

  GtkWidget            *recent_group;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (OcgWelcome, ocg_welcome, ADW_TYPE_APPLICATION_WINDOW)

enum {
  OPEN_PROJECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_recent_activated (AdwActionRow *row,
                     OcgWelcome   *self)
{
  g_signal_emit (self, signals[OPEN_PROJECT], 0, g_object_get_data (G_OBJECT (row), "path"));
}

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     OcgWelcome      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = folder != NULL ? g_file_get_path (folder) : NULL;

      if (path != NULL)
        g_signal_emit (self, signals[OPEN_PROJECT], 0, path);
    }
  g_clear_object (&self->chooser);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  OcgWelcome *self = OCG_WELCOME (widget);

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Open Project Folder"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
ocg_welcome_dispose (GObject *object)
{
  OcgWelcome *self = OCG_WELCOME (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  G_OBJECT_CLASS (ocg_welcome_parent_class)->dispose (object);
}

static void
ocg_welcome_class_init (OcgWelcomeClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ocg_welcome_dispose;

  /* The folder the user chose */
  signals[OPEN_PROJECT] =
    g_signal_new ("open-project", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "welcome.open-folder", NULL, open_folder_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "welcome.open-folder", NULL);
}

static char *
display_path (const char *path)
{
  const char *home = g_get_home_dir ();

  if (home != NULL && g_str_has_prefix (path, home) && (path[strlen (home)] == '/' || path[strlen (home)] == '\0'))
    return g_strconcat ("~", path + strlen (home), NULL);
  return g_strdup (path);
}

static void
ocg_welcome_init (OcgWelcome *self)
{
  GtkWidget *box, *header, *status, *clamp, *content, *button;

  gtk_window_set_title (GTK_WINDOW (self), _("Opencode GTK"));
  gtk_window_set_default_size (GTK_WINDOW (self), 640, 620);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (_("Opencode GTK"), NULL));
  gtk_box_append (GTK_BOX (box), header);

  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  status = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), APPLICATION_ID);
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("Open a Project"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                   _("The agent works in a project folder: it reads, runs and edits what is there"));
  gtk_widget_add_css_class (status, "compact");

  button = ocg_a11y_button_new_with_mnemonic (_("_Open Folder…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "welcome.open-folder");
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (content), button);

  self->recent_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->recent_group), _("Recent Projects"));
  gtk_box_append (GTK_BOX (content), self->recent_group);

  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 520);
  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  adw_status_page_set_child (ADW_STATUS_PAGE (status), clamp);
  gtk_widget_set_vexpand (status, TRUE);
  gtk_box_append (GTK_BOX (box), status);

  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), box);
}

GtkWidget *
ocg_welcome_new (GtkApplication     *application,
                 const char * const *recent)
{
  OcgWelcome *self = g_object_new (OCG_TYPE_WELCOME, "application", application, NULL);
  guint n = 0;

  for (guint i = 0; recent != NULL && recent[i] != NULL; i++)
    {
      GtkWidget *row;
      g_autofree char *shown = NULL;
      g_autofree char *name = NULL;

      if (!g_file_test (recent[i], G_FILE_TEST_IS_DIR))
        continue;
      name = g_path_get_basename (recent[i]);
      shown = display_path (recent[i]);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), shown);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "path", g_strdup (recent[i]), g_free);
      g_signal_connect (row, "activated", G_CALLBACK (on_recent_activated), self);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->recent_group), row);
      n++;
    }
  gtk_widget_set_visible (self->recent_group, n > 0);
  return GTK_WIDGET (self);
}
