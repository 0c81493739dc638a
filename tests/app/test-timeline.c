/* test-timeline.c: the progress timeline, fed from scripted parts and from
 * the recorded stream of a real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <string.h>

#include "app-test-util.h"
#include "ocg-json.h"
#include "ocg-resources.h"
#include "ocg-sse-parser.h"
#include "ocg-store.h"
#include "ocg-sync.h"
#include "ocg-timeline.h"
#include "ocg-timeline-step.h"

#define T0 G_GINT64_CONSTANT (1795246000000)

#define TOOLS_SESSION "ses_e02ff560dffeTxcjcz256LiHVM"
#define TASK_SESSION  "ses_e02ff4fc3ffeKBNxrzbLnahkdE"
#define CHILD_SESSION "ses_e02ff4f37ffeHgRsJlG4WXLMKK"

/* Clock */

static gint64 fake_now;

static gint64
fake_clock (void)
{
  return fake_now;
}

/* Feeding the store */

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

G_GNUC_PRINTF (2, 3)
static OcgPart *
put_part (OcgStore   *store,
          const char *format,
          ...)
{
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  OcgPart *part;
  va_list args;

  va_start (args, format);
  json = g_strdup_vprintf (format, args);
  va_end (args);

  object = parse_object (json);
  part = ocg_store_upsert_part (store, object, &error);
  g_assert_no_error (error);
  return part;
}

/* An assistant message of session ses_1 answering msg_0, in /proj */
static OcgMessage *
put_message (OcgStore   *store,
             const char *id,
             gint64      created,
             gint64      completed,
             const char *finish)
{
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *time = completed > 0
    ? g_strdup_printf ("{\"created\": %" G_GINT64_FORMAT ", \"completed\": %" G_GINT64_FORMAT "}", created, completed)
    : g_strdup_printf ("{\"created\": %" G_GINT64_FORMAT "}", created);
  g_autofree char *finish_member = finish != NULL ? g_strdup_printf (", \"finish\": \"%s\"", finish) : g_strdup ("");
  OcgMessage *message;

  json = g_strdup_printf ("{\"id\": \"%s\", \"sessionID\": \"ses_1\", \"role\": \"assistant\", "
                          "\"parentID\": \"msg_0\", \"path\": {\"cwd\": \"/proj\", \"root\": \"/proj\"}, "
                          "\"time\": %s%s}", id, time, finish_member);
  object = parse_object (json);
  message = ocg_store_upsert_message (store, object, &error);
  g_assert_no_error (error);
  return message;
}

static GListModel *
turn_of (OcgMessage *message)
{
  GListStore *turn = g_list_store_new (OCG_TYPE_MESSAGE);

  g_list_store_append (turn, message);
  return G_LIST_MODEL (turn);
}

static void
on_frame (const char *type,
          const char *data,
          gsize       len,
          const char *last_event_id,
          gpointer    user_data)
{
  ocg_sync_apply_frame (user_data, data, len);
}

static GBytes *
read_fixture (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("OCG_TEST_DATA"), "opencode-1.18.33", "events.sse", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, &error);

  g_assert_no_error (error);
  return g_mapped_file_get_bytes (file);
}

static OcgStore *
load_fixture (void)
{
  OcgStore *store = ocg_store_new ();
  g_autoptr(OcgSync) sync = ocg_sync_new (store, NULL);
  g_autoptr(OcgSseParser) parser = ocg_sse_parser_new (on_frame, sync);
  g_autoptr(GBytes) bytes = read_fixture ();
  gsize len;
  const char *events = g_bytes_get_data (bytes, &len);

  ocg_sse_parser_feed (parser, events, len);
  ocg_sse_parser_end_of_stream (parser);
  return store;
}

/* Looking at widgets */

static const char *
text_of (GtkWidget  *root,
         const char *css_class)
{
  GtkWidget *label = app_test_find_by_css (root, css_class, 0);

  g_assert_nonnull (label);
  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

static gboolean
shown (GtkWidget *root,
       const char *css_class)
{
  GtkWidget *widget = app_test_find_by_css (root, css_class, 0);

  return widget != NULL && gtk_widget_get_visible (widget);
}

static OcgTimelineStep *
step_of_kind (GtkWidget  *root,
              const char *kind,
              guint       nth)
{
  for (guint i = 0;; i++)
    {
      GtkWidget *step = app_test_find_by_type (root, OCG_TYPE_TIMELINE_STEP, i);

      if (step == NULL)
        return NULL;
      if (gtk_widget_has_css_class (step, kind) && nth-- == 0)
        return OCG_TIMELINE_STEP (step);
    }
}

static GtkWidget *
header_of (OcgTimelineStep *step)
{
  return app_test_find_by_css (GTK_WIDGET (step), "step-header", 0);
}

/* The text of the @nth output block: a label, a text view, or a label per line */
static char *
block_text (GtkWidget *root,
            guint      nth)
{
  GtkWidget *block = app_test_find_by_css (root, "step-output", nth);
  GtkWidget *child;

  g_assert_nonnull (block);
  child = gtk_widget_get_first_child (block);
  g_assert_nonnull (child);

  if (GTK_IS_LABEL (child))
    return g_strdup (gtk_label_get_text (GTK_LABEL (child)));

  if (GTK_IS_SCROLLED_WINDOW (child))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (child))));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }

  {
    GString *text = g_string_new (NULL);

    g_assert_true (gtk_widget_has_css_class (child, "diff-lines"));
    for (GtkWidget *line = gtk_widget_get_first_child (child); line != NULL; line = gtk_widget_get_next_sibling (line))
      g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", gtk_label_get_text (GTK_LABEL (line)));
    return g_string_free (text, FALSE);
  }
}

typedef struct
{
  GtkWidget  *root;
  const char *css_class;
  const char *text;
} LabelIs;

static gboolean
label_is (gpointer data)
{
  LabelIs *check = data;
  GtkWidget *label = app_test_find_by_css (check->root, check->css_class, 0);

  return label != NULL && g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), check->text) == 0;
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static void
on_clicked (GtkButton *button,
            gboolean  *clicked)
{
  *clicked = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* As Enter or Space would: a button's activation clicks it a moment later,
 * once it is on screen (one just revealed needs a frame) */
static void
activate (GtkWidget *button)
{
  gboolean clicked = FALSE;
  gulong id = g_signal_connect (button, "clicked", G_CALLBACK (on_clicked), &clicked);

  g_assert_true (app_test_wait (is_mapped, button, 30000));
  g_assert_true (gtk_widget_activate (button));
  g_assert_true (app_test_wait (is_true, &clicked, 30000));
  g_signal_handler_disconnect (button, id);
}

static GtkWidget *
show_sized (GtkWidget *child,
            int        width)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), child);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  return app_test_window (scroller, width, 600);
}

static GtkWidget *
show (GtkWidget *child)
{
  return show_sized (child, 800);
}

/* Tests */

static void
test_format (void)
{
  struct { gint64 ms; gboolean running; const char *text; } cases[] = {
    { 0, FALSE, "<0.1 s" },
    { 49, FALSE, "<0.1 s" },
    { 50, FALSE, "0.1 s" },
    { 400, FALSE, "0.4 s" },
    { 800, FALSE, "0.8 s" },
    { 9940, FALSE, "9.9 s" },
    { 12000, FALSE, "12 s" },
    { 12600, FALSE, "13 s" },
    { 65000, FALSE, "1 min 5 s" },
    { 120000, FALSE, "2 min" },
    { 3900000, FALSE, "1 h 5 min" },
    { 400, TRUE, "0 s" },
    { 3999, TRUE, "3 s" },
    { 65999, TRUE, "1 min 5 s" },
    { -5, TRUE, "0 s" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = ocg_timeline_format_duration (cases[i].ms, cases[i].running);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_step_states (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  OcgMessage *message = put_message (store, "msg_1", T0, 0, NULL);
  g_autoptr(GListModel) turn = turn_of (message);
  GtkWidget *timeline = ocg_timeline_new (store);
  GtkWidget *window = show (timeline);
  GtkWidget *step;
  GtkWidget *spinner;
  g_autofree char *clock = ocg_timeline_format_clock (T0 + 1000);
  LabelIs five = { NULL, "step-duration", "5 s" };

  fake_now = T0 + 4000;
  ocg_timeline_set_turn (OCG_TIMELINE (timeline), turn);

  /* pending: dim, no spinner, no time */
  put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"bash\", \"callID\": \"c1\", \"state\": {\"status\": \"pending\", \"input\": {}, \"raw\": \"\"}}");
  step = GTK_WIDGET (step_of_kind (timeline, "bash", 0));
  g_assert_nonnull (step);
  g_assert_cmpstr (text_of (step, "step-title"), ==, "Running commands");
  g_assert_true (gtk_widget_has_css_class (step, "pending"));
  g_assert_false (shown (step, "step-spinner"));
  g_assert_false (shown (step, "step-duration"));
  g_assert_false (shown (step, "step-time"));

  /* running: a spinner and a duration from now */
  put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"bash\", \"callID\": \"c1\", \"state\": {\"status\": \"running\","
                   " \"input\": {\"command\": \"make check\", \"description\": \"Run the tests\"},"
                   " \"time\": {\"start\": %" G_GINT64_FORMAT "}}}", T0 + 1000);
  g_assert_true (gtk_widget_has_css_class (step, "running"));
  g_assert_cmpstr (text_of (step, "step-subject"), ==, "make check");
  spinner = app_test_find_by_css (step, "step-spinner", 0);
  g_assert_true (gtk_widget_get_visible (spinner));
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (spinner)));
  g_assert_cmpstr (text_of (step, "step-duration"), ==, "3 s");
  g_assert_cmpstr (text_of (step, "step-time"), ==, clock);
  g_assert_true (gtk_widget_get_mapped (step));

  /* it ticks */
  fake_now += 2000;
  five.root = step;
  g_assert_true (app_test_wait (label_is, &five, 30000));

  /* completed */
  put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"bash\", \"callID\": \"c1\", \"state\": {\"status\": \"completed\","
                   " \"input\": {\"command\": \"make check\"}, \"output\": \"ok\\n\", \"title\": \"make check\","
                   " \"metadata\": {\"output\": \"ok\\n\", \"exit\": 0},"
                   " \"time\": {\"start\": %" G_GINT64_FORMAT ", \"end\": %" G_GINT64_FORMAT "}}}",
           T0 + 1000, T0 + 1400);
  g_assert_true (gtk_widget_has_css_class (step, "completed"));
  g_assert_false (gtk_widget_get_visible (spinner));
  g_assert_false (shown (step, "step-status"));
  g_assert_false (shown (step, "step-error"));
  g_assert_cmpstr (text_of (step, "step-duration"), ==, "0.4 s");
  g_assert_cmpstr (text_of (step, "step-time"), ==, clock);

  /* error: an icon and the message, in the error colour */
  put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"bash\", \"callID\": \"c1\", \"state\": {\"status\": \"error\","
                   " \"input\": {\"command\": \"make check\"}, \"error\": \"make: *** No rule to make target 'check'.  Stop.\","
                   " \"time\": {\"start\": %" G_GINT64_FORMAT ", \"end\": %" G_GINT64_FORMAT "}}}",
           T0 + 1000, T0 + 13000);
  g_assert_true (gtk_widget_has_css_class (step, "failed"));
  g_assert_false (gtk_widget_get_visible (spinner));
  g_assert_true (shown (step, "step-status"));
  g_assert_true (shown (step, "step-error"));
  g_assert_cmpstr (text_of (step, "step-error"), ==, "make: *** No rule to make target 'check'.  Stop.");
  g_assert_true (gtk_widget_has_css_class (app_test_find_by_css (step, "step-error", 0), "error"));
  g_assert_cmpstr (text_of (step, "step-duration"), ==, "12 s");

  /* Expanded, the details say it in full */
  ocg_timeline_step_set_expanded (OCG_TIMELINE_STEP (step), TRUE);
  g_assert_false (shown (step, "step-error"));
  g_assert_nonnull (app_test_find_label (app_test_find_by_css (step, "step-content", 0), "No rule to make target"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_step_labels (void)
{
  static const struct {
    const char *tool;
    const char *input;
    const char *label;
    const char *icon;
    const char *subject;
  } cases[] = {
    { "bash", "{\"command\": \"ls -la\\nrm x\"}", "Running commands", "utilities-terminal-symbolic", "ls -la …" },
    { "read", "{\"filePath\": \"/proj/src/main.c\"}", "Gathering context", "document-open-symbolic", "main.c  src" },
    { "read", "{\"filePath\": \"/proj/README.md\"}", "Gathering context", "document-open-symbolic", "README.md" },
    { "grep", "{\"pattern\": \"TODO\", \"path\": \"/proj/src\"}", "Searching the codebase", "system-search-symbolic", "TODO  src" },
    { "glob", "{\"pattern\": \"**/*.c\"}", "Searching the codebase", "system-search-symbolic", "**/*.c" },
    { "list", "{\"path\": \"/proj/tests\"}", "Searching the codebase", "system-search-symbolic", "tests" },
    { "edit", "{\"filePath\": \"/proj/a/b.txt\", \"oldString\": \"x\", \"newString\": \"y\"}", "Making edits", "document-edit-symbolic", "b.txt  a" },
    { "write", "{\"filePath\": \"/elsewhere/n.txt\", \"content\": \"1\\n2\\n\"}", "Making edits", "document-edit-symbolic", "n.txt  /elsewhere" },
    { "apply_patch", "{\"patchText\": \"*** Begin Patch\"}", "Making edits", "document-edit-symbolic", "" },
    { "apply_patch", "{\"patchText\": \"*** Begin Patch\\n*** Update File: src/x.c\\n@@\\n-a\\n+b\"}", "Making edits", "document-edit-symbolic", "x.c  src" },
    { "webfetch", "{\"url\": \"https://example.org/a\"}", "Searching the web", "web-browser-symbolic", "https://example.org/a" },
    { "websearch", "{\"query\": \"gtk 4.8 revealer\"}", "Searching the web", "web-browser-symbolic", "gtk 4.8 revealer" },
    { "todowrite", "{\"todos\": [{\"content\": \"a\", \"status\": \"pending\"}, {\"content\": \"b\", \"status\": \"completed\"}]}", "Planning next steps", "view-list-symbolic", "2 todos" },
    { "task", "{\"description\": \"Count files\", \"prompt\": \"p\", \"subagent_type\": \"general\"}", "Delegating work", "system-users-symbolic", "Count files  @general" },
    { "question", "{\"questions\": [{\"question\": \"Which color?\", \"options\": []}]}", "Asking a question", "dialog-question-symbolic", "Which color?" },
    { "frobnicate", "{\"level\": 3}", "Called frobnicate", "emblem-system-symbolic", "" },
  };
  g_autoptr(OcgStore) store = ocg_store_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *window;
  char *accessible_label = NULL;

  put_message (store, "msg_1", T0, T0 + 9000, "stop");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      OcgPart *part = put_part (store, "{\"id\": \"prt_%02u\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\","
                                       " \"type\": \"tool\", \"tool\": \"%s\", \"callID\": \"c%u\", \"state\":"
                                       " {\"status\": \"completed\", \"input\": %s, \"output\": \"\", \"title\": \"\","
                                       " \"metadata\": {}, \"time\": {\"start\": 1, \"end\": 2}}}",
                                i, cases[i].tool, i, cases[i].input);

      gtk_box_append (GTK_BOX (box), ocg_timeline_step_new (store, part, "/proj"));
    }
  window = show (box);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GtkWidget *step = app_test_find_by_type (box, OCG_TYPE_TIMELINE_STEP, i);
      GtkWidget *node = app_test_find_by_css (step, "node", 0);

      g_test_message ("%s", cases[i].tool);
      g_assert_cmpstr (ocg_timeline_step_get_label (OCG_TIMELINE_STEP (step)), ==, cases[i].label);
      g_assert_cmpstr (text_of (step, "step-title"), ==, cases[i].label);
      g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (gtk_widget_get_first_child (node))), ==, cases[i].icon);
      g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                              cases[i].icon));
      g_assert_cmpstr (text_of (step, "step-subject"), ==, cases[i].subject);
      g_assert_cmpint (shown (step, "step-subject"), ==, *cases[i].subject != '\0');

      /* What a screen reader says: the label, the subject if there is one, the state */
      if (*cases[i].subject != '\0')
        accessible_label = g_strdup_printf ("%s %s, done", cases[i].label, cases[i].subject);
      else
        accessible_label = g_strdup_printf ("%s, done", cases[i].label);
      gtk_test_accessible_assert_property (GTK_ACCESSIBLE (app_test_find_by_css (step, "step-header", 0)),
                                           GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label);
      g_clear_pointer (&accessible_label, g_free);
    }

  /* The write step counts what it added */
  g_assert_cmpstr (text_of (app_test_find_by_type (box, OCG_TYPE_TIMELINE_STEP, 7), "diff-added"), ==, "+2");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_lazy_details (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  OcgPart *part;
  GtkWidget *step;
  GtkWidget *window;
  GtkWidget *header;

  put_message (store, "msg_1", T0, T0 + 9000, "stop");
  part = put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                          " \"tool\": \"grep\", \"callID\": \"c1\", \"state\": {\"status\": \"completed\","
                          " \"input\": {\"pattern\": \"x\"}, \"output\": \"Found 1 match\\nsrc/a.c:1: x\","
                          " \"time\": {\"start\": 1, \"end\": 2}}}");
  step = ocg_timeline_step_new (store, part, "/proj");
  window = show (step);
  header = header_of (OCG_TIMELINE_STEP (step));

  g_assert_null (app_test_find_by_css (step, "step-content", 0));
  g_assert_null (app_test_find_by_type (step, GTK_TYPE_TEXT_VIEW, 0));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_STATE_EXPANDED, FALSE);

  /* Enter and Space activate the header, as a click does */
  activate (header);
  g_assert_true (ocg_timeline_step_get_expanded (OCG_TIMELINE_STEP (step)));
  g_assert_true (gtk_widget_has_css_class (step, "expanded"));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_STATE_EXPANDED, TRUE);
  g_assert_nonnull (app_test_find_by_css (step, "step-content", 0));
  {
    g_autofree char *output = block_text (step, 0);

    g_assert_cmpstr (output, ==, "Found 1 match\nsrc/a.c:1: x");
  }

  activate (header);
  g_assert_false (ocg_timeline_step_get_expanded (OCG_TIMELINE_STEP (step)));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_STATE_EXPANDED, FALSE);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The command of a bash step is laid out on several lines */
static gboolean
command_wrapped (gpointer data)
{
  GtkWidget *command = app_test_find_by_css (data, "step-command", 0);

  return command != NULL && gtk_widget_get_height (command) > 60;
}

static void
test_bash_output (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  OcgPart *part;
  GtkWidget *step;
  GtkWidget *window;
  g_autofree char *output = NULL;
  g_autofree char *command = NULL;

  put_message (store, "msg_1", T0, T0 + 9000, "stop");
  part = put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                          " \"tool\": \"bash\", \"callID\": \"c1\", \"state\": {\"status\": \"completed\","
                          " \"input\": {\"command\": \"ninja\"},"
                          " \"output\": \"\\u001b[1;31mred\\u001b[0m plain \\u001b]0;title\\u0007done\\n"
                          "progress 10%%\\rprogress 100%%\\nab\\bc\\r\\n\","
                          " \"time\": {\"start\": 1, \"end\": 2}}}");
  step = ocg_timeline_step_new (store, part, "/proj");
  window = show (step);

  ocg_timeline_step_set_expanded (OCG_TIMELINE_STEP (step), TRUE);
  command = g_strdup (text_of (step, "step-command"));
  g_assert_cmpstr (command, ==, "$ ninja");
  output = block_text (step, 0);
  g_assert_cmpstr (output, ==, "red plain done\nprogress 100%\nac");
  g_assert_false (shown (step, "truncation-note"));
  /* Short: a selectable monospace label */
  g_assert_null (app_test_find_by_type (step, GTK_TYPE_TEXT_VIEW, 0));
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_first_child (app_test_find_by_css (step, "step-output", 0)),
                                           "monospace"));
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (gtk_widget_get_first_child (app_test_find_by_css (step, "step-output", 0)))));

  gtk_window_destroy (GTK_WINDOW (window));

  /* A long command wraps, without upsetting the size requests */
  part = put_part (store, "{\"id\": \"prt_2\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                          " \"tool\": \"bash\", \"callID\": \"c2\", \"state\": {\"status\": \"completed\","
                          " \"input\": {\"command\": \"for f in src/app/*.c src/core/*.c tests/*.c; do echo \\\"$f\\\";"
                          " grep -n 'g_return_val_if_fail\\\\|g_return_if_fail' \\\"$f\\\" | wc -l; done | sort -k2 -n | tail -20"
                          " && echo done\\nexit 0\"}, \"output\": \"x\", \"time\": {\"start\": 1, \"end\": 2}}}");
  step = ocg_timeline_step_new (store, part, "/proj");
  window = show_sized (step, 360);
  ocg_timeline_step_set_expanded (OCG_TIMELINE_STEP (step), TRUE);
  g_assert_true (app_test_wait (command_wrapped, step, 30000));
  g_assert_cmpint (gtk_widget_get_height (app_test_find_by_css (step, "step-command", 0)), >, 60);
  g_assert_true (g_str_has_suffix (text_of (step, "step-command"), "&& echo done\nexit 0"));
  g_assert_cmpstr (text_of (step, "step-subject"), ==, "for f in src/app/*.c src/core/*.c tests/*.c; do echo \"$f\";"
                   " grep -n 'g_return_val_if_fail\\|g_return_if_fail' \"$f\" | wc -l; done | sort -k2 -n | tail -20"
                   " && echo done …");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_bash_huge_output (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  GString *big = g_string_sized_new (11 * 1024 * 1024);
  JsonObject *state;
  OcgPart *part;
  GtkWidget *step;
  GtkWidget *window;
  g_autofree char *shown_text = NULL;
  guint i;

  for (i = 0; big->len < 10 * 1024 * 1024; i++)
    g_string_append_printf (big, "\033[32mline %u\033[0m of a long build log\n", i);

  put_message (store, "msg_1", T0, T0 + 9000, "stop");
  object = parse_object ("{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                         " \"tool\": \"bash\", \"callID\": \"c1\", \"state\": {\"status\": \"completed\","
                         " \"input\": {\"command\": \"make V=1\"}, \"time\": {\"start\": 1, \"end\": 2}}}");
  state = json_object_get_object_member (object, "state");
  json_object_set_string_member (state, "output", big->str);
  g_string_free (big, TRUE);
  part = ocg_store_upsert_part (store, object, &error);
  g_assert_no_error (error);

  step = ocg_timeline_step_new (store, part, "/proj");
  window = show (step);
  ocg_timeline_step_set_expanded (OCG_TIMELINE_STEP (step), TRUE);
  g_assert_true (app_test_wait (is_mapped, app_test_find_by_css (step, "step-output", 0), 30000));

  g_assert_true (shown (step, "truncation-note"));
  g_assert_cmpstr (text_of (step, "truncation-note"), ==, "Showing the last 64 KB");
  shown_text = block_text (step, 0);
  g_assert_cmpuint (strlen (shown_text), <=, 64 * 1024);
  /* 64 KB of the raw output, less its escape sequences */
  g_assert_cmpuint (strlen (shown_text), >, 48 * 1024);
  g_assert_true (g_str_has_prefix (shown_text, "line "));
  {
    g_autofree char *last = g_strdup_printf ("line %u of a long build log", i - 1);

    g_assert_true (g_str_has_suffix (shown_text, last));
  }
  g_assert_null (strchr (shown_text, '\033'));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_edit_diff (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  OcgPart *part;
  GtkWidget *step;
  GtkWidget *window;
  g_autofree char *diff = NULL;
  GtkWidget *lines;
  GString *long_diff = g_string_new ("Index: a.c\n--- a.c\n+++ a.c\n@@ -1,40 +1,40 @@\n");
  g_autoptr(JsonObject) object = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter iter;
  GtkTextTag *added;

  put_message (store, "msg_1", T0, T0 + 9000, "stop");
  part = put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                          " \"tool\": \"edit\", \"callID\": \"c1\", \"state\": {\"status\": \"completed\","
                          " \"input\": {\"filePath\": \"/proj/notes.txt\", \"oldString\": \"beta\\nx\", \"newString\": \"gamma\"},"
                          " \"output\": \"Edit applied successfully.\", \"time\": {\"start\": 1, \"end\": 2}}}");
  step = ocg_timeline_step_new (store, part, "/proj");
  window = show (step);
  ocg_timeline_step_set_expanded (OCG_TIMELINE_STEP (step), TRUE);

  /* Without the server's diff: from oldString and newString, a line each */
  diff = block_text (step, 0);
  g_assert_cmpstr (diff, ==, "-beta\n-x\n+gamma");
  lines = app_test_find_by_css (step, "diff-lines", 0);
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_first_child (lines), "removed"));
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_last_child (lines), "added"));
  gtk_window_destroy (GTK_WINDOW (window));

  /* A long one scrolls in a text view, coloured by tags */
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (long_diff, "%sline %u\n", i % 2 ? "+" : "-", i);
  object = parse_object ("{\"id\": \"prt_2\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                         " \"tool\": \"edit\", \"callID\": \"c2\", \"state\": {\"status\": \"completed\","
                         " \"input\": {\"filePath\": \"/proj/a.c\"}, \"metadata\": {},"
                         " \"output\": \"Edit applied successfully.\", \"time\": {\"start\": 1, \"end\": 2}}}");
  json_object_set_string_member (json_object_get_object_member (json_object_get_object_member (object, "state"), "metadata"),
                                 "diff", long_diff->str);
  g_string_free (long_diff, TRUE);
  part = ocg_store_upsert_part (store, object, NULL);
  step = ocg_timeline_step_new (store, part, "/proj");
  window = show (step);
  ocg_timeline_step_set_expanded (OCG_TIMELINE_STEP (step), TRUE);
  g_clear_pointer (&diff, g_free);
  diff = block_text (step, 0);
  g_assert_true (g_str_has_prefix (diff, "@@ -1,40 +1,40 @@\n-line 0\n+line 1\n"));
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (app_test_find_by_type (step, GTK_TYPE_TEXT_VIEW, 0)));
  added = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "added");
  gtk_text_buffer_get_iter_at_line (buffer, &iter, 2);
  g_assert_true (gtk_text_iter_has_tag (&iter, added));
  gtk_text_buffer_get_iter_at_line (buffer, &iter, 1);
  g_assert_false (gtk_text_iter_has_tag (&iter, added));
  /* A fixed height, whatever the text view thinks */
  g_assert_cmpint (gtk_scrolled_window_get_min_content_height (GTK_SCROLLED_WINDOW (
                     gtk_widget_get_first_child (app_test_find_by_css (step, "step-output", 0)))), ==, 320);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The `tools` scenario: reasoning, read + glob + grep (two failed), todowrite,
 * write, edit, over five assistant messages */
static void
check_tools_turn (GtkWidget *timeline)
{
  OcgTimelineStep *group;
  OcgTimelineStep *edit;
  OcgTimelineStep *write;
  OcgTimelineStep *glob;
  g_autofree char *diff = NULL;

  g_assert_cmpuint (ocg_timeline_get_n_steps (OCG_TIMELINE (timeline)), ==, 9);
  g_assert_false (ocg_timeline_get_busy (OCG_TIMELINE (timeline)));
  /* 1795246043173 - 1795246041614 */
  g_assert_cmpstr (ocg_timeline_get_status_text (OCG_TIMELINE (timeline)), ==, "9 steps, 1.6 s");

  group = step_of_kind (timeline, "group", 0);
  g_assert_nonnull (group);
  g_assert_null (step_of_kind (timeline, "group", 1));
  g_assert_cmpstr (ocg_timeline_step_get_label (group), ==, "Gathered context");
  g_assert_cmpstr (text_of (GTK_WIDGET (group), "step-subject"), ==, "1 read, 2 searches");
  g_assert_true (shown (GTK_WIDGET (group), "step-status"));
  g_assert_cmpuint (app_test_count_by_type (GTK_WIDGET (group), OCG_TYPE_TIMELINE_STEP), ==, 3);

  /* The group's steps, in order */
  g_assert_true (gtk_widget_has_css_class (app_test_find_by_type (GTK_WIDGET (group), OCG_TYPE_TIMELINE_STEP, 0), "read"));
  glob = OCG_TIMELINE_STEP (app_test_find_by_type (GTK_WIDGET (group), OCG_TYPE_TIMELINE_STEP, 1));
  g_assert_cmpstr (text_of (GTK_WIDGET (glob), "step-subject"), ==, "*.md");
  g_assert_cmpstr (text_of (GTK_WIDGET (glob), "step-error"), ==, "ripgrep execution failed");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (glob), "failed"));
  g_assert_cmpstr (text_of (app_test_find_by_type (GTK_WIDGET (group), OCG_TYPE_TIMELINE_STEP, 0), "step-subject"),
                   ==, "README.md");

  g_assert_cmpstr (ocg_timeline_step_get_label (step_of_kind (timeline, "reasoning", 0)), ==, "Thinking");
  g_assert_cmpstr (text_of (GTK_WIDGET (step_of_kind (timeline, "reasoning", 0)), "step-preview"),
                   ==, "Reading the project first.");
  g_assert_cmpstr (text_of (GTK_WIDGET (step_of_kind (timeline, "todo", 0)), "step-subject"), ==, "2 todos");

  write = step_of_kind (timeline, "edit", 0);
  g_assert_cmpstr (text_of (GTK_WIDGET (write), "step-subject"), ==, "notes.txt");
  g_assert_cmpstr (text_of (GTK_WIDGET (write), "diff-added"), ==, "+2");

  edit = step_of_kind (timeline, "edit", 1);
  g_assert_cmpstr (text_of (GTK_WIDGET (edit), "diff-added"), ==, "+1");
  g_assert_cmpstr (text_of (GTK_WIDGET (edit), "diff-removed"), ==, "−1");
  g_assert_null (app_test_find_by_css (GTK_WIDGET (edit), "step-content", 0));
  ocg_timeline_step_set_expanded (edit, TRUE);
  diff = block_text (GTK_WIDGET (edit), 0);
  g_assert_cmpstr (diff, ==, "@@ -1,2 +1,2 @@\n alpha\n-beta\n+gamma");
}

static void
test_fixture_tools (void)
{
  g_autoptr(OcgStore) store = load_fixture ();
  GtkWidget *timeline = ocg_timeline_new (store);
  GtkWidget *window = show (timeline);

  ocg_timeline_set_session (OCG_TIMELINE (timeline), TOOLS_SESSION);
  check_tools_turn (timeline);

  /* Done: collapsed to its summary, which expands */
  g_assert_false (ocg_timeline_get_expanded (OCG_TIMELINE (timeline)));
  activate (app_test_find_by_css (timeline, "timeline-header", 0));
  g_assert_true (ocg_timeline_get_expanded (OCG_TIMELINE (timeline)));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (app_test_find_by_css (timeline, "timeline-header", 0)),
                                    GTK_ACCESSIBLE_STATE_EXPANDED, TRUE);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  OcgTimeline *timeline;
  gboolean     was_busy;
  guint        max_steps;
  GPtrArray   *phrases;
} Watch;

static void
on_status_text (OcgTimeline *timeline,
                GParamSpec  *pspec,
                Watch       *watch)
{
  const char *text = ocg_timeline_get_status_text (timeline);

  if (ocg_timeline_get_busy (timeline) &&
      (watch->phrases->len == 0 || strcmp (g_ptr_array_index (watch->phrases, watch->phrases->len - 1), text) != 0))
    g_ptr_array_add (watch->phrases, g_strdup (text));
}

static void
on_busy (OcgTimeline *timeline,
         GParamSpec  *pspec,
         Watch       *watch)
{
  watch->was_busy |= ocg_timeline_get_busy (timeline);
  /* Steps are shown while busy */
  g_assert_true (ocg_timeline_get_expanded (timeline) == ocg_timeline_get_busy (timeline));
}

/* Bound before anything arrives, then fed event by event */
static void
test_fixture_live (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgSync) sync = ocg_sync_new (store, NULL);
  g_autoptr(OcgSseParser) parser = ocg_sse_parser_new (on_frame, sync);
  GtkWidget *timeline = ocg_timeline_new (store);
  GtkWidget *window = show (timeline);
  Watch watch = { OCG_TIMELINE (timeline), FALSE, 0, g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(GBytes) bytes = read_fixture ();
  gsize len;
  const char *events = g_bytes_get_data (bytes, &len);
  gsize pos = 0;

  ocg_timeline_set_session (OCG_TIMELINE (timeline), TOOLS_SESSION);
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_first_child (timeline)));
  g_signal_connect (timeline, "notify::busy", G_CALLBACK (on_busy), &watch);
  g_signal_connect (timeline, "notify::status-text", G_CALLBACK (on_status_text), &watch);

  while (pos < len)
    {
      const char *next = g_strstr_len (events + pos, (gssize) (len - pos), "\n\n");
      gsize n = next != NULL ? (gsize) (next - (events + pos)) + 2 : len - pos;

      ocg_sse_parser_feed (parser, events + pos, n);
      pos += n;
      g_main_context_iteration (NULL, FALSE);
    }
  ocg_sse_parser_end_of_stream (parser);

  g_assert_true (watch.was_busy);
  for (guint i = 0; i < watch.phrases->len; i++)
    g_test_message ("phrase: %s", (char *) g_ptr_array_index (watch.phrases, i));
  g_assert_true (g_ptr_array_find_with_equal_func (watch.phrases, "Thinking", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (watch.phrases, "Gathering thoughts", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (watch.phrases, "Gathering context", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (watch.phrases, "Planning next steps", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (watch.phrases, "Making edits", g_str_equal, NULL));
  check_tools_turn (timeline);
  g_assert_false (ocg_timeline_get_expanded (OCG_TIMELINE (timeline)));

  /* Every reasoning step ended, though no property said so */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (ocg_timeline_step_get_state (step_of_kind (timeline, "reasoning", i)), ==, OCG_STEP_COMPLETED);

  g_signal_handlers_disconnect_by_data (timeline, &watch);
  g_ptr_array_unref (watch.phrases);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_reasoning_live (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  OcgMessage *message = put_message (store, "msg_1", T0, 0, NULL);
  g_autoptr(GListModel) turn = turn_of (message);
  GtkWidget *timeline = ocg_timeline_new (store);
  GtkWidget *window = show (timeline);
  OcgTimelineStep *step;
  g_autofree char *full = NULL;
  const char *delta;

  fake_now = T0 + 2000;
  ocg_timeline_set_turn (OCG_TIMELINE (timeline), turn);
  g_assert_true (ocg_timeline_get_busy (OCG_TIMELINE (timeline)));
  g_assert_cmpstr (ocg_timeline_get_status_text (OCG_TIMELINE (timeline)), ==, "Considering next steps");

  /* Empty reasoning is no step yet, but the header says it */
  put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"reasoning\","
                   " \"text\": \"\", \"time\": {\"start\": %" G_GINT64_FORMAT "}}", T0 + 500);
  g_assert_cmpuint (ocg_timeline_get_n_steps (OCG_TIMELINE (timeline)), ==, 0);
  g_assert_cmpstr (ocg_timeline_get_status_text (OCG_TIMELINE (timeline)), ==, "Thinking");

  delta = "**Planning the";
  ocg_store_append_delta (store, "msg_1", "prt_1", "text", delta, strlen (delta));
  g_assert_cmpuint (ocg_timeline_get_n_steps (OCG_TIMELINE (timeline)), ==, 1);
  step = step_of_kind (timeline, "reasoning", 0);
  g_assert_cmpstr (ocg_timeline_step_get_label (step), ==, "Thinking");
  g_assert_cmpint (ocg_timeline_step_get_state (step), ==, OCG_STEP_RUNNING);
  g_assert_true (shown (GTK_WIDGET (step), "step-spinner"));
  g_assert_cmpstr (text_of (GTK_WIDGET (step), "step-duration"), ==, "1 s");

  delta = " fix**\n\nLooking at the parser";
  ocg_store_append_delta (store, "msg_1", "prt_1", "text", delta, strlen (delta));
  g_assert_cmpstr (ocg_timeline_step_get_label (step), ==, "Thinking: Planning the fix");
  g_assert_cmpstr (text_of (GTK_WIDGET (step), "step-title"), ==, "Thinking: Planning the fix");
  g_assert_cmpstr (text_of (GTK_WIDGET (step), "step-preview"), ==, "Looking at the parser");
  g_assert_cmpstr (ocg_timeline_get_status_text (OCG_TIMELINE (timeline)), ==, "Thinking: Planning the fix");

  delta = " first.\nThen the lexer.";
  ocg_store_append_delta (store, "msg_1", "prt_1", "text", delta, strlen (delta));
  g_assert_cmpstr (text_of (GTK_WIDGET (step), "step-preview"), ==, "Looking at the parser first.\nThen the lexer.");

  /* Expanded: the full text, still growing */
  ocg_timeline_step_set_expanded (step, TRUE);
  g_assert_false (shown (GTK_WIDGET (step), "step-preview"));
  full = block_text (GTK_WIDGET (step), 0);
  g_assert_cmpstr (full, ==, "**Planning the fix**\n\nLooking at the parser first.\nThen the lexer.");
  g_clear_pointer (&full, g_free);
  delta = " Done.";
  ocg_store_append_delta (store, "msg_1", "prt_1", "text", delta, strlen (delta));
  full = block_text (GTK_WIDGET (step), 0);
  g_assert_true (g_str_has_suffix (full, "Then the lexer. Done."));

  /* Growing long, it moves to a text view, and keeps growing there */
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *line = g_strdup_printf ("\nStep %u.", i);

      ocg_store_append_delta (store, "msg_1", "prt_1", "text", line, strlen (line));
    }
  g_assert_nonnull (app_test_find_by_type (GTK_WIDGET (step), GTK_TYPE_TEXT_VIEW, 0));
  g_clear_pointer (&full, g_free);
  full = block_text (GTK_WIDGET (step), 0);
  g_assert_true (g_str_has_prefix (full, "**Planning the fix**\n\nLooking at"));
  g_assert_true (g_str_has_suffix (full, "Done.\nStep 0.\nStep 1.\nStep 2.\nStep 3.\nStep 4.\nStep 5.\nStep 6."
                                         "\nStep 7.\nStep 8.\nStep 9.\nStep 10.\nStep 11.\nStep 12.\nStep 13.\nStep 14."
                                         "\nStep 15.\nStep 16.\nStep 17.\nStep 18.\nStep 19."));
  delta = " End.";
  ocg_store_append_delta (store, "msg_1", "prt_1", "text", delta, strlen (delta));
  g_clear_pointer (&full, g_free);
  full = block_text (GTK_WIDGET (step), 0);
  g_assert_true (g_str_has_suffix (full, "Step 19. End."));

  /* The final update ends it: no property changes, the message's end tells */
  put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"reasoning\","
                   " \"text\": \"**Planning the fix**\\n\\nAll of it.\","
                   " \"time\": {\"start\": %" G_GINT64_FORMAT ", \"end\": %" G_GINT64_FORMAT "}}", T0 + 500, T0 + 1700);
  put_message (store, "msg_1", T0, T0 + 2500, "stop");
  g_assert_cmpint (ocg_timeline_step_get_state (step), ==, OCG_STEP_COMPLETED);
  g_assert_cmpstr (text_of (GTK_WIDGET (step), "step-duration"), ==, "1.2 s");
  g_assert_false (ocg_timeline_get_busy (OCG_TIMELINE (timeline)));
  g_assert_cmpstr (ocg_timeline_get_status_text (OCG_TIMELINE (timeline)), ==, "1 step, 2.5 s");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_header_busy (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  OcgMessage *message = put_message (store, "msg_1", T0, 0, NULL);
  g_autoptr(GListStore) turn = G_LIST_STORE (turn_of (message));
  GtkWidget *timeline = ocg_timeline_new (store);
  GtkWidget *window = show (timeline);
  LabelIs seven = { timeline, "timeline-elapsed", "7 s" };

  fake_now = T0 + 5000;
  ocg_timeline_set_turn (OCG_TIMELINE (timeline), G_LIST_MODEL (turn));
  put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"bash\", \"callID\": \"c1\", \"state\": {\"status\": \"running\","
                   " \"input\": {\"command\": \"sleep 9\"}, \"time\": {\"start\": %" G_GINT64_FORMAT "}}}", T0 + 100);

  g_assert_true (ocg_timeline_get_busy (OCG_TIMELINE (timeline)));
  g_assert_true (ocg_timeline_get_expanded (OCG_TIMELINE (timeline)));
  g_assert_cmpstr (ocg_timeline_get_status_text (OCG_TIMELINE (timeline)), ==, "Running commands");
  g_assert_cmpstr (text_of (timeline, "timeline-status"), ==, "Running commands");
  g_assert_cmpstr (text_of (timeline, "timeline-elapsed"), ==, "5 s");
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (app_test_find_by_type (
                   app_test_find_by_css (timeline, "timeline-header", 0), GTK_TYPE_SPINNER, 0))));
  fake_now += 2000;
  g_assert_true (app_test_wait (label_is, &seven, 30000));

  /* Text after the tool: the newest part speaks */
  put_part (store, "{\"id\": \"prt_2\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"text\","
                   " \"text\": \"Waiting\"}");
  g_assert_cmpstr (ocg_timeline_get_status_text (OCG_TIMELINE (timeline)), ==, "Gathering thoughts");

  /* The step ends with tool calls: the next step is coming, still busy */
  put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"bash\", \"callID\": \"c1\", \"state\": {\"status\": \"completed\","
                   " \"input\": {\"command\": \"sleep 9\"}, \"output\": \"\", \"time\": {\"start\": %" G_GINT64_FORMAT
                   ", \"end\": %" G_GINT64_FORMAT "}}}", T0 + 100, T0 + 900);
  g_assert_true (ocg_timeline_get_busy (OCG_TIMELINE (timeline)));
  put_message (store, "msg_1", T0, T0 + 1000, "tool-calls");
  g_assert_true (ocg_timeline_get_busy (OCG_TIMELINE (timeline)));

  /* The next step, and the end */
  g_list_store_append (turn, put_message (store, "msg_2", T0 + 1100, 0, NULL));
  g_assert_true (ocg_timeline_get_busy (OCG_TIMELINE (timeline)));
  g_assert_cmpstr (ocg_timeline_get_status_text (OCG_TIMELINE (timeline)), ==, "Considering next steps");
  put_message (store, "msg_2", T0 + 1100, T0 + 12400, "stop");
  g_assert_false (ocg_timeline_get_busy (OCG_TIMELINE (timeline)));
  g_assert_false (ocg_timeline_get_expanded (OCG_TIMELINE (timeline)));
  g_assert_cmpstr (ocg_timeline_get_status_text (OCG_TIMELINE (timeline)), ==, "1 step, 12 s");
  g_assert_false (shown (timeline, "timeline-elapsed"));

  /* The caller knows better: the session is still busy */
  ocg_timeline_set_busy (OCG_TIMELINE (timeline), TRUE);
  g_assert_true (ocg_timeline_get_busy (OCG_TIMELINE (timeline)));
  g_assert_true (ocg_timeline_get_expanded (OCG_TIMELINE (timeline)));
  ocg_timeline_set_busy (OCG_TIMELINE (timeline), FALSE);
  g_assert_false (ocg_timeline_get_busy (OCG_TIMELINE (timeline)));

  /* The app forces it open */
  ocg_timeline_set_expanded (OCG_TIMELINE (timeline), TRUE);
  g_assert_true (ocg_timeline_get_expanded (OCG_TIMELINE (timeline)));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_group_running (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  OcgMessage *message = put_message (store, "msg_1", T0, 0, NULL);
  g_autoptr(GListModel) turn = turn_of (message);
  GtkWidget *timeline = ocg_timeline_new (store);
  GtkWidget *window = show (timeline);
  OcgTimelineStep *group;
  OcgTimelineStep *read;

  fake_now = T0 + 3000;
  ocg_timeline_set_turn (OCG_TIMELINE (timeline), turn);
  put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"read\", \"callID\": \"c1\", \"state\": {\"status\": \"completed\","
                   " \"input\": {\"filePath\": \"/proj/a.c\"}, \"output\": \"x\", \"time\": {\"start\": %" G_GINT64_FORMAT
                   ", \"end\": %" G_GINT64_FORMAT "}}}", T0 + 100, T0 + 200);
  read = step_of_kind (timeline, "read", 0);
  ocg_timeline_step_set_expanded (read, TRUE);

  /* One read is no group */
  g_assert_null (step_of_kind (timeline, "group", 0));
  g_assert_cmpstr (ocg_timeline_get_status_text (OCG_TIMELINE (timeline)), ==, "Gathering context");

  put_part (store, "{\"id\": \"prt_2\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"grep\", \"callID\": \"c2\", \"state\": {\"status\": \"running\","
                   " \"input\": {\"pattern\": \"main\"}, \"time\": {\"start\": %" G_GINT64_FORMAT "}}}", T0 + 300);
  group = step_of_kind (timeline, "group", 0);
  g_assert_nonnull (group);
  g_assert_cmpstr (ocg_timeline_step_get_label (group), ==, "Gathering context");
  g_assert_cmpstr (text_of (GTK_WIDGET (group), "step-subject"), ==, "1 read, 1 search");
  g_assert_true (shown (GTK_WIDGET (group), "step-spinner"));
  g_assert_cmpstr (text_of (GTK_WIDGET (group), "step-duration"), ==, "2 s");
  g_assert_cmpstr (ocg_timeline_get_status_text (OCG_TIMELINE (timeline)), ==, "Searching the codebase");
  /* The read moved into the group as it was */
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (read), GTK_WIDGET (group)));
  g_assert_true (ocg_timeline_step_get_expanded (read));

  put_part (store, "{\"id\": \"prt_2\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"grep\", \"callID\": \"c2\", \"state\": {\"status\": \"completed\","
                   " \"input\": {\"pattern\": \"main\"}, \"output\": \"Found 2 matches\", \"time\": {\"start\": %"
                   G_GINT64_FORMAT ", \"end\": %" G_GINT64_FORMAT "}}}", T0 + 300, T0 + 700);
  g_assert_cmpstr (ocg_timeline_step_get_label (group), ==, "Gathered context");
  g_assert_false (shown (GTK_WIDGET (group), "step-spinner"));
  g_assert_cmpstr (text_of (GTK_WIDGET (group), "step-duration"), ==, "0.6 s");

  /* A step of another kind ends the run; the next search starts no group */
  put_part (store, "{\"id\": \"prt_3\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"bash\", \"callID\": \"c3\", \"state\": {\"status\": \"pending\", \"input\": {}}}");
  put_part (store, "{\"id\": \"prt_4\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"glob\", \"callID\": \"c4\", \"state\": {\"status\": \"pending\", \"input\": {}}}");
  g_assert_null (step_of_kind (timeline, "group", 1));
  g_assert_cmpuint (ocg_timeline_get_n_steps (OCG_TIMELINE (timeline)), ==, 4);

  /* Removing the grep dissolves the group */
  ocg_store_remove_part (store, "prt_2");
  g_assert_null (step_of_kind (timeline, "group", 0));
  g_assert_cmpuint (ocg_timeline_get_n_steps (OCG_TIMELINE (timeline)), ==, 3);
  g_assert_true (gtk_widget_get_parent (GTK_WIDGET (read)) == app_test_find_by_css (timeline, "timeline-steps", 0));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
on_open_child (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  char **out = user_data;

  g_free (*out);
  *out = g_variant_dup_string (parameter, NULL);
}

/* What a session page does for the timeline it shows: "session.open-child"
 * records the session asked for in @out */
static void
add_session_actions (GtkWidget  *window,
                     char      **out)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  const GActionEntry entries[] = {
    { .name = "open-child", .activate = on_open_child, .parameter_type = "s" },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries), out);
  gtk_widget_insert_action_group (window, "session", G_ACTION_GROUP (group));
}

static void
test_fixture_task (void)
{
  g_autoptr(OcgStore) store = load_fixture ();
  GtkWidget *timeline = ocg_timeline_new (store);
  GtkWidget *window = show (timeline);
  OcgTimelineStep *task;
  GtkWidget *nested;
  OcgTimelineStep *child_bash;
  GtkWidget *button;
  g_autofree char *opened = NULL;
  g_autofree char *output = NULL;

  ocg_timeline_set_session (OCG_TIMELINE (timeline), TASK_SESSION);
  ocg_timeline_set_expanded (OCG_TIMELINE (timeline), TRUE);
  add_session_actions (window, &opened);

  g_assert_cmpuint (ocg_timeline_get_n_steps (OCG_TIMELINE (timeline)), ==, 2);
  task = step_of_kind (timeline, "task", 0);
  g_assert_cmpstr (ocg_timeline_step_get_label (task), ==, "Delegating work");
  g_assert_cmpstr (text_of (GTK_WIDGET (task), "step-subject"), ==, "Count files  @general");
  g_assert_cmpstr (text_of (GTK_WIDGET (task), "step-duration"), ==, "0.5 s");

  /* Nested steps are built on expansion */
  g_assert_null (app_test_find_by_type (GTK_WIDGET (task), OCG_TYPE_TIMELINE, 0));
  ocg_timeline_step_set_expanded (task, TRUE);
  nested = app_test_find_by_type (GTK_WIDGET (task), OCG_TYPE_TIMELINE, 0);
  g_assert_nonnull (nested);
  g_assert_false (ocg_timeline_get_show_header (OCG_TIMELINE (nested)));
  g_assert_true (ocg_timeline_get_expanded (OCG_TIMELINE (nested)));
  g_assert_cmpuint (ocg_timeline_get_n_steps (OCG_TIMELINE (nested)), ==, 2);
  child_bash = step_of_kind (nested, "bash", 0);
  g_assert_nonnull (child_bash);
  g_assert_cmpstr (text_of (GTK_WIDGET (child_bash), "step-title"), ==, "Running commands");
  g_assert_cmpstr (text_of (GTK_WIDGET (child_bash), "step-subject"), ==, "ls | wc -l");
  g_assert_cmpstr (ocg_timeline_step_get_label (step_of_kind (nested, "reasoning", 0)), ==, "Thinking");

  ocg_timeline_step_set_expanded (child_bash, TRUE);
  output = block_text (GTK_WIDGET (child_bash), 0);
  g_assert_cmpstr (output, ==, "4");

  button = GTK_WIDGET (app_test_find_label (GTK_WIDGET (task), "Open Session"));
  button = gtk_widget_get_ancestor (button, GTK_TYPE_BUTTON);
  g_assert_true (gtk_widget_get_sensitive (button));
  activate (button);
  g_assert_cmpstr (opened, ==, CHILD_SESSION);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A task's child steps arrive after the task step was expanded */
static void
test_task_live (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  OcgMessage *message = put_message (store, "msg_1", T0, 0, NULL);
  g_autoptr(GListModel) turn = turn_of (message);
  GtkWidget *timeline = ocg_timeline_new (store);
  GtkWidget *window = show (timeline);
  OcgTimelineStep *task;
  GtkWidget *nested;
  g_autoptr(JsonObject) child_message = NULL;
  g_autofree char *opened = NULL;

  fake_now = T0 + 3000;
  ocg_timeline_set_turn (OCG_TIMELINE (timeline), turn);
  add_session_actions (window, &opened);
  put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"task\", \"callID\": \"c1\", \"state\": {\"status\": \"pending\", \"input\": {}}}");
  task = step_of_kind (timeline, "task", 0);
  ocg_timeline_step_set_expanded (task, TRUE);
  g_assert_null (app_test_find_by_type (GTK_WIDGET (task), OCG_TYPE_TIMELINE, 0));
  g_assert_false (gtk_widget_get_sensitive (gtk_widget_get_ancestor (
                    GTK_WIDGET (app_test_find_label (GTK_WIDGET (task), "Open Session")), GTK_TYPE_BUTTON)));

  put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"task\", \"callID\": \"c1\", \"state\": {\"status\": \"running\","
                   " \"input\": {\"description\": \"Look around\", \"subagent_type\": \"explore\"},"
                   " \"metadata\": {\"sessionId\": \"ses_child\"}, \"time\": {\"start\": %" G_GINT64_FORMAT "}}}", T0 + 100);
  nested = app_test_find_by_type (GTK_WIDGET (task), OCG_TYPE_TIMELINE, 0);
  g_assert_nonnull (nested);
  g_assert_cmpuint (ocg_timeline_get_n_steps (OCG_TIMELINE (nested)), ==, 0);

  child_message = parse_object ("{\"id\": \"msg_c1\", \"sessionID\": \"ses_child\", \"role\": \"assistant\","
                                " \"parentID\": \"msg_c0\", \"time\": {\"created\": 1795246000200}}");
  ocg_store_upsert_message (store, child_message, NULL);
  put_part (store, "{\"id\": \"prt_c1\", \"messageID\": \"msg_c1\", \"sessionID\": \"ses_child\", \"type\": \"tool\","
                   " \"tool\": \"task\", \"callID\": \"c1\", \"state\": {\"status\": \"completed\","
                   " \"input\": {\"description\": \"Deeper\"}, \"metadata\": {\"sessionId\": \"ses_grandchild\"},"
                   " \"time\": {\"start\": 1, \"end\": 2}}}");
  g_assert_cmpuint (ocg_timeline_get_n_steps (OCG_TIMELINE (nested)), ==, 1);

  /* Open Session of a nested task reaches the page as well */
  ocg_timeline_step_set_expanded (step_of_kind (nested, "task", 0), TRUE);
  activate (gtk_widget_get_ancestor (GTK_WIDGET (app_test_find_label (
                         GTK_WIDGET (step_of_kind (nested, "task", 0)), "Open Session")), GTK_TYPE_BUTTON));
  g_assert_cmpstr (opened, ==, "ses_grandchild");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_finalize (void)
{
  OcgStore *store = load_fixture ();
  GtkWidget *timeline = g_object_ref_sink (ocg_timeline_new (store));

  ocg_timeline_set_session (OCG_TIMELINE (timeline), TASK_SESSION);
  ocg_timeline_step_set_expanded (step_of_kind (timeline, "task", 0), TRUE);
  ocg_timeline_set_session (OCG_TIMELINE (timeline), TOOLS_SESSION);
  for (guint i = 0; step_of_kind (timeline, "edit", i) != NULL; i++)
    ocg_timeline_step_set_expanded (step_of_kind (timeline, "edit", i), TRUE);
  g_assert_finalize_object (timeline);
  g_assert_finalize_object (store);
}

/* Not a test: a window to take screenshots of, with OCG_SCREENSHOT=light or
 * dark, and OCG_SCREENSHOT_SCENE=turns (the fixture's `tools` and `task`
 * turns, expanded), live (a busy turn under finished ones) or all (every
 * step's details) */
static GtkWidget *
live_turn (OcgStore *store)
{
  gint64 now = ocg_timeline_now ();
  OcgMessage *message = put_message (store, "msg_1", now - 14000, 0, NULL);
  g_autoptr(GListModel) turn = turn_of (message);
  GtkWidget *live = ocg_timeline_new (store);

  put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"reasoning\","
                   " \"text\": \"**Planning the fix**\\n\\nThe parser drops the last token when the input has no"
                   " trailing newline; the lexer needs a look too.\", \"time\": {\"start\": %" G_GINT64_FORMAT
                   ", \"end\": %" G_GINT64_FORMAT "}}", now - 13000, now - 9800);
  put_part (store, "{\"id\": \"prt_2\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"read\", \"callID\": \"c0\", \"state\": {\"status\": \"completed\","
                   " \"input\": {\"filePath\": \"/proj/src/parser.c\", \"offset\": 120, \"limit\": 80}, \"output\": \"...\","
                   " \"time\": {\"start\": %" G_GINT64_FORMAT ", \"end\": %" G_GINT64_FORMAT "}}}",
           now - 9700, now - 9650);
  put_part (store, "{\"id\": \"prt_3\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"bash\", \"callID\": \"c1\", \"state\": {\"status\": \"error\","
                   " \"input\": {\"command\": \"make -C build check\"},"
                   " \"error\": \"make: *** No rule to make target 'check'.  Stop.\","
                   " \"time\": {\"start\": %" G_GINT64_FORMAT ", \"end\": %" G_GINT64_FORMAT "}}}",
           now - 9500, now - 9300);
  put_part (store, "{\"id\": \"prt_4\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"bash\", \"callID\": \"c2\", \"state\": {\"status\": \"running\","
                   " \"input\": {\"command\": \"meson test -C _build --print-errorlogs\"},"
                   " \"metadata\": {\"output\": \"\\u001b[1m1/4\\u001b[0m test-sse-parser   \\u001b[32mOK\\u001b[0m   0.12s\\n"
                   "\\u001b[1m2/4\\u001b[0m test-event        \\u001b[32mOK\\u001b[0m   0.08s\\n"
                   "\\u001b[1m3/4\\u001b[0m test-stores       \\u001b[32mOK\\u001b[0m   0.31s\\n\"},"
                   " \"time\": {\"start\": %" G_GINT64_FORMAT "}}}", now - 9000);
  put_part (store, "{\"id\": \"prt_5\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"type\": \"tool\","
                   " \"tool\": \"edit\", \"callID\": \"c3\", \"state\": {\"status\": \"pending\", \"input\": {}}}");

  ocg_timeline_set_turn (OCG_TIMELINE (live), turn);
  ocg_timeline_step_set_expanded (step_of_kind (live, "bash", 1), TRUE);
  return live;
}

static void
test_screenshot (void)
{
  const char *mode = g_getenv ("OCG_SCREENSHOT");
  const char *scene = g_getenv ("OCG_SCREENSHOT_SCENE");
  g_autoptr(OcgStore) store = NULL;
  GtkWidget *window;
  GtkWidget *box;
  GtkWidget *clamp;
  GtkWidget *scroller;
  GtkWidget *tools;
  GtkWidget *task;

  if (mode == NULL)
    {
      g_test_skip ("set OCG_SCREENSHOT=light or dark");
      return;
    }

  ocg_timeline_set_clock (NULL);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      strcmp (mode, "dark") == 0 ? ADW_COLOR_SCHEME_FORCE_DARK
                                                                 : ADW_COLOR_SCHEME_FORCE_LIGHT);
  store = load_fixture ();

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);

  tools = ocg_timeline_new (store);
  ocg_timeline_set_session (OCG_TIMELINE (tools), TOOLS_SESSION);
  gtk_box_append (GTK_BOX (box), tools);

  if (g_strcmp0 (scene, "all") == 0)
    {
      GtkWidget *question = ocg_timeline_new (store);

      ocg_timeline_set_expanded (OCG_TIMELINE (tools), TRUE);
      for (guint i = 0;; i++)
        {
          GtkWidget *step = app_test_find_by_type (tools, OCG_TYPE_TIMELINE_STEP, i);

          if (step == NULL)
            break;
          if (!gtk_widget_has_css_class (step, "edit"))
            ocg_timeline_step_set_expanded (OCG_TIMELINE_STEP (step), TRUE);
        }
      ocg_timeline_set_session (OCG_TIMELINE (question), "ses_e02ff4acbffec0DcnlUmN67u0N");
      ocg_timeline_set_expanded (OCG_TIMELINE (question), TRUE);
      ocg_timeline_step_set_expanded (step_of_kind (question, "question", 0), TRUE);
      gtk_box_append (GTK_BOX (box), question);
    }
  else if (g_strcmp0 (scene, "live") == 0)
    {
      task = ocg_timeline_new (store);
      ocg_timeline_set_session (OCG_TIMELINE (task), TASK_SESSION);
      gtk_box_append (GTK_BOX (box), task);
      gtk_box_append (GTK_BOX (box), live_turn (store));
    }
  else
    {
      ocg_timeline_set_expanded (OCG_TIMELINE (tools), TRUE);
      ocg_timeline_step_set_expanded (step_of_kind (tools, "group", 0), TRUE);
      ocg_timeline_step_set_expanded (step_of_kind (tools, "edit", 1), TRUE);

      task = ocg_timeline_new (store);
      ocg_timeline_set_session (OCG_TIMELINE (task), TASK_SESSION);
      ocg_timeline_set_expanded (OCG_TIMELINE (task), TRUE);
      ocg_timeline_step_set_expanded (step_of_kind (task, "task", 0), TRUE);
      ocg_timeline_step_set_expanded (step_of_kind (task, "bash", 0), TRUE);
      gtk_box_append (GTK_BOX (box), task);
    }

  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 860);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);

  window = app_test_window (scroller, 1000, 880);
  gtk_widget_add_css_class (scroller, "view");
  gtk_window_set_title (GTK_WINDOW (window), "Timeline");
  app_test_run_for ((guint) g_ascii_strtoull (g_getenv ("OCG_SCREENSHOT_MS") ?: "4000", NULL, 10));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
load_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  /* The app's resources: linked in, registered by their constructor */
  g_assert_nonnull (ocg_get_resource ());
  gtk_css_provider_load_from_resource (provider, "/io/github/opencodegtk/OpencodeGtk/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

int
main (int   argc,
      char *argv[])
{
  app_test_init (&argc, &argv);
  load_style ();
  ocg_timeline_set_clock (fake_clock);
  fake_now = T0;

  g_test_add_func ("/timeline/format/duration", test_format);
  g_test_add_func ("/timeline/step/states", test_step_states);
  g_test_add_func ("/timeline/step/labels", test_step_labels);
  g_test_add_func ("/timeline/step/lazy-details", test_lazy_details);
  g_test_add_func ("/timeline/step/bash-output", test_bash_output);
  g_test_add_func ("/timeline/step/bash-huge-output", test_bash_huge_output);
  g_test_add_func ("/timeline/step/edit-diff", test_edit_diff);
  g_test_add_func ("/timeline/reasoning/live", test_reasoning_live);
  g_test_add_func ("/timeline/header/busy", test_header_busy);
  g_test_add_func ("/timeline/group/running", test_group_running);
  g_test_add_func ("/timeline/fixture/tools", test_fixture_tools);
  g_test_add_func ("/timeline/fixture/live", test_fixture_live);
  g_test_add_func ("/timeline/fixture/task", test_fixture_task);
  g_test_add_func ("/timeline/task/live", test_task_live);
  g_test_add_func ("/timeline/finalize", test_finalize);
  g_test_add_func ("/timeline/screenshot", test_screenshot);

  return g_test_run ();
}
