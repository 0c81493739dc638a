/* ocg-link-opener.c: opens a link from an answer or a file, or asks first
 *
 * The policy (ocg-link-policy.c) says whether a link opens at once. When it
 * does not, a dialog names the real target in full and says what opening
 * it would do; Cancel is the default. Opening itself is the window's
 * `win.open-uri` action, the one place that hands a URI to the desktop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ocg-link-opener.h"
#include "ocg-link-policy.h"

#include <adwaita.h>
#include <glib/gi18n.h>

/* Lines of the target shown before its middle is left out */
#define TARGET_LINES 8

typedef struct
{
  GtkWindow *window;
  char      *uri;
} Pending;

static void
pending_free (gpointer data,
              GClosure *closure)
{
  Pending *pending = data;

  g_object_unref (pending->window);
  g_free (pending->uri);
  g_free (pending);
}

static void
open_uri (GtkWindow  *window,
          const char *uri)
{
  if (!gtk_widget_activate_action (GTK_WIDGET (window), "win.open-uri", "s", uri))
    g_debug ("Nothing opens links in this window");
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             gpointer          user_data)
{
  Pending *pending = user_data;

  if (g_strcmp0 (response, "open") == 0)
    open_uri (pending->window, pending->uri);
  else if (g_strcmp0 (response, "copy") == 0)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (pending->window)), pending->uri);
}

static char *
describe (OcgLink *link)
{
  GString *body = g_string_new (NULL);

#define PARAGRAPH(text) G_STMT_START { \
    if (body->len > 0) \
      g_string_append (body, "\n\n"); \
    g_string_append (body, (text)); \
  } G_STMT_END

  if (link->flags & OCG_LINK_TEXT)
    {
      g_autofree char *shown = ocg_link_display_short (link->claimed, 200);
      g_autofree char *text = g_strdup_printf (_("The link reads “%s”, but it leads somewhere else."), shown);

      PARAGRAPH (text);
    }
  if (link->flags & OCG_LINK_SCRIPT)
    PARAGRAPH (_("It is a script or embedded data, not an address, and is never opened."));
  else if (link->flags & OCG_LINK_RELATIVE)
    PARAGRAPH (_("It has no scheme such as “https:”: it is relative to a page or folder the app does not know."));
  else if (link->flags & OCG_LINK_MALFORMED)
    PARAGRAPH (_("It is not a well-formed address."));
  else if (link->flags & OCG_LINK_FILE)
    PARAGRAPH (_("It opens a file on this computer with the application set for that kind of file, which may run it."));
  else if (link->flags & OCG_LINK_SCHEME)
    {
      g_autofree char *text =
        g_strdup_printf (_("It is not a web page: it is handed to whichever application handles “%s:” links on this computer, which may do whatever the link asks."),
                         link->scheme);

      PARAGRAPH (text);
    }
  if (link->flags & OCG_LINK_USERINFO)
    {
      g_autofree char *text = g_strdup_printf (_("The part before “@” is a user name, not the site: the site is %s."),
                                               link->host);

      PARAGRAPH (text);
    }
  if ((link->flags & OCG_LINK_HOST) && link->host != NULL)
    {
      g_autofree char *text =
        g_strdup_printf (_("The site’s name is not written in plain letters and digits, so it may imitate another. Its real name is %s."),
                         link->host);

      PARAGRAPH (text);
    }
  else if (link->flags & OCG_LINK_HOST)
    PARAGRAPH (_("The address is not well formed."));
  if (link->flags & OCG_LINK_MAIL)
    PARAGRAPH (_("It fills in a message in the mail application, possibly with other recipients or attached files."));
  if (link->flags & OCG_LINK_CHARACTERS)
    PARAGRAPH (_("It contains characters that cannot be seen or that change the order of the text; they are shown as percent codes."));

#undef PARAGRAPH

  return g_string_free (body, FALSE);
}

static GtkWidget *
target_label_new (OcgLink *link)
{
  GtkWidget *label = gtk_label_new (link->display);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_label_set_lines (GTK_LABEL (label), TARGET_LINES);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "link-target");
  return label;
}

static void
ask (GtkWindow  *window,
     const char *uri,
     OcgLink    *link)
{
  g_autofree char *body = describe (link);
  AdwMessageDialog *dialog;
  Pending *pending;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window,
                                                       link->verdict == OCG_LINK_REFUSE
                                                         ? _("This Link Cannot Be Opened")
                                                         : _("Open This Link?"),
                                                       body));
  adw_message_dialog_set_extra_child (dialog, target_label_new (link));
  adw_message_dialog_add_response (dialog, "cancel",
                                   link->verdict == OCG_LINK_REFUSE ? _("_Close") : _("_Cancel"));
  adw_message_dialog_add_response (dialog, "copy", _("_Copy Link"));
  if (link->verdict == OCG_LINK_CONFIRM)
    adw_message_dialog_add_response (dialog, "open", _("_Open Link"));
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");

  pending = g_new0 (Pending, 1);
  pending->window = g_object_ref (window);
  pending->uri = g_strdup (uri);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_response), pending, pending_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * ocg_link_activate:
 * @source: the widget that showed the link
 * @uri: the link's target
 * @text: (nullable): what the link's text reads (several texts one per line)
 *
 * Opens a link from untrusted text through the window's `win.open-uri`
 * action: at once when it is a plain web page or e-mail address, otherwise
 * after a dialog that names its real target and what opening it would do.
 */
void
ocg_link_activate (GtkWidget  *source,
                   const char *uri,
                   const char *text)
{
  GtkRoot *root;
  g_autoptr(OcgLink) link = NULL;

  g_return_if_fail (GTK_IS_WIDGET (source));
  g_return_if_fail (uri != NULL);

  root = gtk_widget_get_root (source);
  if (!GTK_IS_WINDOW (root))
    return;

  link = ocg_link_check (uri, text);
  if (link->verdict == OCG_LINK_OPEN)
    open_uri (GTK_WINDOW (root), uri);
  else
    ask (GTK_WINDOW (root), uri, link);
}
