/* test-links.c: links in answers open only when they are what they say
 *
 * A plain web page or e-mail address opens at once; anything else shows a
 * dialog that names the real target, and nothing opens before the user
 * says so. "Opened" is the window's win.open-uri action, which the test
 * window provides itself. Images are never fetched.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"

#include <adwaita.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ocg-link-policy.h"
#include "ocg-markdown-view.h"

/* The policy alone */

typedef struct
{
  const char     *uri;
  const char     *text;
  OcgLinkVerdict  verdict;
  OcgLinkFlags    flags;    /* that must be among the reasons */
} Case;

static void
test_policy (void)
{
  static const Case cases[] = {
    { "https://example.org/docs", "the docs", OCG_LINK_OPEN, 0 },
    { "http://www.gtk.org", "www.gtk.org", OCG_LINK_OPEN, 0 },
    { "https://gnome.org", "https://gnome.org", OCG_LINK_OPEN, 0 },
    { "https://example.com/page", "example.com", OCG_LINK_OPEN, 0 },
    { "https://github.com/o/r/blob/main/README.md", "README.md", OCG_LINK_OPEN, 0 },
    { "https://example.org:8080/a?b=c#d", "see e.g. the API", OCG_LINK_OPEN, 0 },
    { "http://127.0.0.1:8080/", "local", OCG_LINK_OPEN, 0 },
    { "mailto:someone@example.org", "someone@example.org", OCG_LINK_OPEN, 0 },
    { "javascript:alert(1)", "run", OCG_LINK_REFUSE, OCG_LINK_SCRIPT },
    { "JavaScript:alert(1)", "run", OCG_LINK_REFUSE, OCG_LINK_SCRIPT },
    { "data:text/html;base64,PHNjcmlwdD4=", "page", OCG_LINK_REFUSE, OCG_LINK_SCRIPT },
    { "notes/todo.md", "notes", OCG_LINK_REFUSE, OCG_LINK_RELATIVE },
    { "//evil.example.net/x", "x", OCG_LINK_REFUSE, OCG_LINK_RELATIVE },
    { "file:///etc/passwd", "passwords", OCG_LINK_CONFIRM, OCG_LINK_FILE },
    { "ocgtest://run?cmd=id", "test", OCG_LINK_CONFIRM, OCG_LINK_SCHEME },
    { "file:///home/u/evil.desktop", "https://docs.example.com/safe", OCG_LINK_CONFIRM, OCG_LINK_TEXT | OCG_LINK_FILE },
    { "https://evil.example.net/safe", "https://docs.example.com/safe", OCG_LINK_CONFIRM, OCG_LINK_TEXT },
    { "https://evil.example.net/", "docs.example.com", OCG_LINK_CONFIRM, OCG_LINK_TEXT },
    { "https://evil.example.net/", "example.com", OCG_LINK_CONFIRM, OCG_LINK_TEXT },
    { "https://docs.example.com/evil", "docs.example.com/safe", OCG_LINK_CONFIRM, OCG_LINK_TEXT },
    { "http://docs.example.com/safe", "https://docs.example.com/safe", OCG_LINK_CONFIRM, OCG_LINK_TEXT },
    { "https://evil.example.net/", "Visit (https://docs.example.com) now", OCG_LINK_CONFIRM, OCG_LINK_TEXT },
    { "mailto:thief@evil.example.net", "support@example.com", OCG_LINK_CONFIRM, OCG_LINK_TEXT },
    { "https://good.example.com@evil.example.net/", "good", OCG_LINK_CONFIRM, OCG_LINK_USERINFO },
    { "https://\xd0\xb0pple.com/", "apple", OCG_LINK_CONFIRM, OCG_LINK_HOST },
    { "https://xn--pple-43d.com/", "apple", OCG_LINK_CONFIRM, OCG_LINK_HOST },
    { "https://apple.com/", "\xd0\xb0pple.com", OCG_LINK_CONFIRM, OCG_LINK_TEXT },
    { "https://example.org/\xe2\x80\xae" "gnp.exe", "invoice", OCG_LINK_CONFIRM, OCG_LINK_CHARACTERS },
    { "https://example.org/a b", "x", OCG_LINK_CONFIRM, OCG_LINK_CHARACTERS },
    { "https://exa%6Dple.org/", "x", OCG_LINK_CONFIRM, OCG_LINK_HOST },
    { "mailto:a@example.org?attach=/etc/passwd", "mail", OCG_LINK_CONFIRM, OCG_LINK_MAIL },
    { "mailto:a@example.org,b@evil.example.net", "mail", OCG_LINK_CONFIRM, OCG_LINK_HOST },
    { "https:///etc/passwd", "x", OCG_LINK_REFUSE, OCG_LINK_MALFORMED },
    { "", "x", OCG_LINK_REFUSE, OCG_LINK_MALFORMED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(OcgLink) link = ocg_link_check (cases[i].uri, cases[i].text);

      g_test_message ("%s (%s)", cases[i].uri, cases[i].text);
      g_assert_cmpint (link->verdict, ==, cases[i].verdict);
      g_assert_cmpint (link->flags & cases[i].flags, ==, cases[i].flags);
    }

  /* What the user is shown: the real host, and what cannot be seen */
  {
    g_autoptr(OcgLink) idn = ocg_link_check ("https://\xd0\xb0pple.com/login", NULL);
    g_autoptr(OcgLink) bidi = ocg_link_check ("https://example.org/\xe2\x80\xae" "gnp.exe", NULL);
    g_autoptr(OcgLink) userinfo = ocg_link_check ("https://good.example.com@evil.example.net/", NULL);
    g_autofree char *shortened = ocg_link_display_short ("https://example.org/0123456789abcdefghij", 20);

    g_assert_cmpstr (idn->display, ==, "https://xn--pple-43d.com/login");
    g_assert_cmpstr (idn->host, ==, "xn--pple-43d.com");
    g_assert_cmpstr (bidi->display, ==, "https://example.org/%E2%80%AEgnp.exe");
    g_assert_cmpstr (userinfo->host, ==, "evil.example.net");
    g_assert_cmpuint (g_utf8_strlen (shortened, -1), ==, 20);
    g_assert_true (g_str_has_prefix (shortened, "https://exa"));
    g_assert_nonnull (strstr (shortened, "…"));
    g_assert_true (g_str_has_suffix (shortened, "fghij"));
  }

  /* Which texts a label's links show */
  {
    g_autofree char *texts =
      ocg_link_texts_in_markup ("a <a href=\"https://x.example\" title=\"t\"><b>one</b> &amp; two</a> "
                                "<a href=\"https://y.example\">other</a> <a href=\"https://x.example\">three</a>",
                                "https://x.example");

    g_assert_cmpstr (texts, ==, "one & two\nthree");
  }
}

/* Links in an answer */

typedef struct
{
  GtkWidget       *window;
  OcgMarkdownView *view;
  GPtrArray       *opened;
} Fixture;

static void
on_open_uri (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GPtrArray *opened = user_data;

  g_ptr_array_add (opened, g_variant_dup_string (parameter, NULL));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) action = g_simple_action_new ("open-uri", G_VARIANT_TYPE_STRING);

  fixture->opened = g_ptr_array_new_with_free_func (g_free);
  fixture->view = OCG_MARKDOWN_VIEW (ocg_markdown_view_new ());
  fixture->window = app_test_window (GTK_WIDGET (fixture->view), 700, 500);

  /* What the app's window does with win.open-uri, observed */
  g_signal_connect (action, "activate", G_CALLBACK (on_open_uri), fixture->opened);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
  gtk_widget_insert_action_group (fixture->window, "win", G_ACTION_GROUP (group));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_ptr_array_unref (fixture->opened);
}

static GtkWidget *
show (Fixture    *fixture,
      const char *markdown,
      const char *visible)
{
  GtkWidget *label;

  ocg_markdown_view_set_text (fixture->view, markdown, -1);
  ocg_markdown_view_flush (fixture->view);
  label = app_test_find_label (GTK_WIDGET (fixture->view), visible);
  g_assert_nonnull (label);
  return label;
}

/* What GtkLabel does when a link is clicked, or Enter pressed on it, or
 * "Open Link" chosen in its menu */
static void
click (GtkWidget  *label,
       const char *uri)
{
  gboolean handled = FALSE;

  g_signal_emit_by_name (label, "activate-link", uri, &handled);
  g_assert_true (handled);
}

static AdwMessageDialog *
find_dialog (void)
{
  return (AdwMessageDialog *) app_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, TRUE);
}

static gboolean
no_dialog (gpointer data)
{
  return find_dialog () == NULL;
}

static gboolean
dialog_mapped (gpointer data)
{
  AdwMessageDialog *dialog = find_dialog ();

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static const char *
dialog_target (AdwMessageDialog *dialog)
{
  GtkWidget *label = adw_message_dialog_get_extra_child (dialog);

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

/* Clicks the dialog's button for @response, as the user would */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_autofree char *label = g_strdup (adw_message_dialog_get_response_label (dialog, response));
  g_autofree char *text = NULL;
  GtkWidget *button;
  char *underscore;

  while ((underscore = strchr (label, '_')) != NULL)
    memmove (underscore, underscore + 1, strlen (underscore));
  text = g_steal_pointer (&label);
  button = app_test_find_label (GTK_WIDGET (dialog), text);
  g_assert_nonnull (button);
  button = gtk_widget_get_ancestor (button, GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  g_assert_true (app_test_wait (no_dialog, NULL, 5000));
}

static void
test_web_opens (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *label = show (fixture,
                           "See [the docs](https://example.org/docs), www.gtk.org, "
                           "[example.com](https://example.com/page) or [write](mailto:someone@example.org).",
                           "See the docs");

  click (label, "https://example.org/docs");
  click (label, "http://www.gtk.org");
  click (label, "https://example.com/page");
  click (label, "mailto:someone@example.org");
  g_assert_null (find_dialog ());
  g_assert_cmpuint (fixture->opened->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (fixture->opened, 0), ==, "https://example.org/docs");
  g_assert_cmpstr (g_ptr_array_index (fixture->opened, 1), ==, "http://www.gtk.org");
  g_assert_cmpstr (g_ptr_array_index (fixture->opened, 2), ==, "https://example.com/page");
  g_assert_cmpstr (g_ptr_array_index (fixture->opened, 3), ==, "mailto:someone@example.org");
}

typedef struct
{
  const char *markdown;
  const char *visible;   /* a piece of the paragraph's text */
  const char *uri;       /* what GtkLabel passes on */
  const char *shown;     /* the target as the dialog names it */
  const char *says;      /* a piece of what the dialog says */
  gboolean    can_open;
} Asked;

static void
test_others_ask_first (Fixture       *fixture,
                       gconstpointer  data)
{
  static const Asked cases[] = {
    { "[passwords](file:///etc/passwd)", "passwords", "file:///etc/passwd",
      "file:///etc/passwd", "a file on this computer", TRUE },
    { "[test](ocgtest://run?cmd=id)", "test", "ocgtest://run?cmd=id",
      "ocgtest://run?cmd=id", "“ocgtest:” links", TRUE },
    { "[https://docs.example.com/safe](file:///home/u/.local/share/applications/evil.desktop)",
      "https://docs.example.com/safe", "file:///home/u/.local/share/applications/evil.desktop",
      "file:///home/u/.local/share/applications/evil.desktop", "reads “https://docs.example.com/safe”", TRUE },
    { "[docs.example.com](https://evil.example.net/)", "docs.example.com", "https://evil.example.net/",
      "https://evil.example.net/", "reads “docs.example.com”", TRUE },
    { "[good](https://good.example.com@evil.example.net/)", "good", "https://good.example.com@evil.example.net/",
      "https://good.example.com@evil.example.net/", "the site is evil.example.net", TRUE },
    { "[apple](https://\xd0\xb0pple.com/login)", "apple", "https://\xd0\xb0pple.com/login",
      "https://xn--pple-43d.com/login", "Its real name is xn--pple-43d.com", TRUE },
    { "[invoice](https://example.org/\xe2\x80\xae" "gnp.exe)", "invoice", "https://example.org/\xe2\x80\xae" "gnp.exe",
      "https://example.org/%E2%80%AEgnp.exe", "percent codes", TRUE },
    { "[mail](mailto:a@example.org?attach=/etc/passwd)", "mail", "mailto:a@example.org?attach=/etc/passwd",
      "mailto:a@example.org?attach=/etc/passwd", "attached files", TRUE },
    { "[run](javascript:alert(1))", "run", "javascript:alert(1)",
      "javascript:alert(1)", "never opened", FALSE },
    { "[page](data:text/html;base64,PHNjcmlwdD4=)", "page", "data:text/html;base64,PHNjcmlwdD4=",
      "data:text/html;base64,PHNjcmlwdD4=", "never opened", FALSE },
    { "[notes](notes/todo.md)", "notes", "notes/todo.md",
      "notes/todo.md", "no scheme", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Asked *c = &cases[i];
      GtkWidget *label = show (fixture, c->markdown, c->visible);
      AdwMessageDialog *dialog;

      g_test_message ("%s", c->markdown);
      click (label, c->uri);

      /* Asked, not opened */
      dialog = find_dialog ();
      g_assert_nonnull (dialog);
      g_assert_cmpuint (fixture->opened->len, ==, 0);
      g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture->window));
      g_assert_cmpstr (dialog_target (dialog), ==, c->shown);
      g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), c->says));
      g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
      g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");
      g_assert_true (adw_message_dialog_has_response (dialog, "copy"));
      g_assert_cmpint (adw_message_dialog_has_response (dialog, "open"), ==, c->can_open);

      /* The tooltip names the real target too */
      g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)), "title=\""));
      g_assert_true (gtk_widget_get_has_tooltip (label));

      respond (dialog, "cancel");
      g_assert_cmpuint (fixture->opened->len, ==, 0);
    }

  /* Confirmed: opened, exactly as written */
  {
    GtkWidget *label = show (fixture, "[test](ocgtest://run?cmd=id)", "test");

    click (label, "ocgtest://run?cmd=id");
    respond (find_dialog (), "open");
    g_assert_cmpuint (fixture->opened->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (fixture->opened, 0), ==, "ocgtest://run?cmd=id");
  }
}

static void
test_tooltip_names_target (Fixture       *fixture,
                           gconstpointer  data)
{
  GtkWidget *label = show (fixture,
                           "[https://docs.example.com/safe](https://evil.example.net/x \"https://docs.example.com/safe\") "
                           "and [apple](https://\xd0\xb0pple.com/)",
                           "apple");
  const char *markup = gtk_label_get_label (GTK_LABEL (label));

  g_assert_nonnull (strstr (markup, "title=\"https://evil.example.net/x\""));
  g_assert_null (strstr (markup, "title=\"https://docs.example.com/safe\""));
  g_assert_nonnull (strstr (markup, "title=\"https://xn--pple-43d.com/\""));
  g_assert_true (gtk_widget_get_has_tooltip (label));
}



static gboolean
target_laid_out (gpointer data)
{
  AdwMessageDialog *dialog = find_dialog ();
  GtkWidget *label = dialog != NULL ? adw_message_dialog_get_extra_child (dialog) : NULL;

  return label != NULL && gtk_widget_get_mapped (label) && gtk_widget_get_width (label) > 0;
}

static void
test_long_link (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GString) uri = g_string_new ("ocgtest://run?cmd=");
  g_autofree char *markdown = NULL;
  g_autofree char *copied = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *target;
  GtkWidget *label;

  for (guint i = 0; i < 500; i++)
    g_string_append (uri, "0123456789");
  g_string_append (uri, "END");
  markdown = g_strdup_printf ("[a long one](%s)", uri->str);
  label = show (fixture, markdown, "a long one");

  click (label, uri->str);
  g_assert_true (app_test_wait (dialog_mapped, NULL, 5000));
  g_assert_true (app_test_wait (target_laid_out, NULL, 5000));
  dialog = find_dialog ();

  /* Shown whole but for its middle, so that the dialog stays on screen */
  target = adw_message_dialog_get_extra_child (dialog);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (target)), ==, uri->str);
  g_assert_true (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (target))));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (dialog)), <, 1000);

  /* Copied whole */
  respond (dialog, "copy");
  g_assert_cmpuint (fixture->opened->len, ==, 0);
  copied = app_test_read_clipboard (gtk_widget_get_clipboard (fixture->window));
  g_assert_cmpstr (copied, ==, uri->str);
}

/* Images */

static void
on_request (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  guint *requests = user_data;

  (*requests)++;
  soup_server_message_set_status (message, 404, NULL);
}

typedef struct
{
  GtkWidget *widget;
  guint      frames;
} Frames;

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Frames *frames = user_data;

  frames->frames++;
  return frames->frames < 5 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
drawn (gpointer data)
{
  Frames *frames = data;

  return frames->frames >= 5 && gtk_widget_get_mapped (frames->widget);
}

static void
test_images_not_fetched (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSList) uris = NULL;
  g_autofree char *image = NULL;
  g_autofree char *markdown = NULL;
  GtkWidget *label;
  guint requests = 0;
  Frames frames = { NULL, 0 };

  soup_server_add_handler (server, NULL, on_request, &requests, NULL);
  soup_server_listen (server, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  image = g_strdup_printf ("http://127.0.0.1:%d/img.png", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  markdown = g_strdup_printf ("Before ![a diagram](%s) after, and ![](%s?2).\n\n![logo](%s?3)\n",
                              image, image, image);
  label = show (fixture, markdown, "Before");

  /* On screen for a few frames */
  frames.widget = label;
  gtk_widget_add_tick_callback (label, on_tick, &frames, NULL);
  g_assert_true (app_test_wait (drawn, &frames, 5000));

  /* In its place: its alternative text, or a word that says what it was */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "Before a diagram after, and image.");
  g_assert_nonnull (app_test_find_label (GTK_WIDGET (fixture->view), "logo"));
  g_assert_cmpuint (requests, ==, 0);

  /* A click is a link like any other */
  click (label, image);
  g_assert_cmpuint (fixture->opened->len, ==, 1);
  g_assert_cmpuint (requests, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  app_test_init (&argc, &argv);

  g_test_add_func ("/links/policy", test_policy);
  g_test_add ("/links/web-opens", Fixture, NULL, fixture_set_up, test_web_opens, fixture_tear_down);
  g_test_add ("/links/others-ask-first", Fixture, NULL, fixture_set_up, test_others_ask_first, fixture_tear_down);
  g_test_add ("/links/tooltip-names-target", Fixture, NULL, fixture_set_up, test_tooltip_names_target,
              fixture_tear_down);
  g_test_add ("/links/long-link", Fixture, NULL, fixture_set_up, test_long_link, fixture_tear_down);
  g_test_add ("/links/images-not-fetched", Fixture, NULL, fixture_set_up, test_images_not_fetched,
              fixture_tear_down);

  return g_test_run ();
}
