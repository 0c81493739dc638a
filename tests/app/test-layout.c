/* test-layout.c: every kind of timeline step, expanded, and the rows and
 * cards beside it, ask no more height for a width than without one, where
 * nothing needs to wrap
 *
 * GTK 4.8 relies on this. A vertical box that shares out a height measures
 * its children for ever larger widths, and when even the largest width needs
 * more height than the child's minimum without a width, it warns ("Expect
 * overlapping widgets") and lays the children out overlapping. A horizontal
 * box in GTK 4.8 adds up its children's baselines only when it is measured
 * for a width, so a wrapping label beside a button or an icon can make it
 * taller for every width than without one, by a pixel or two, depending on
 * the fonts: the test measures at several sizes of the fonts installed, and
 * also looks for such boxes, whatever the fonts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <string.h>

#include "app-test-util.h"
#include "ocg-prompt-dock.h"
#include "ocg-store.h"
#include "ocg-timeline.h"
#include "ocg-timeline-step.h"
#include "ocg-turn.h"
#include "ocg-turn-row.h"

#define T0 G_GINT64_CONSTANT (1795246000000)

/* GTK's own limit when it looks for a width that fits */
#define MAX_WIDTH (1 << 20)

static gint64 fake_now;

static gint64
fake_clock (void)
{
  return fake_now;
}

/* The warnings GTK gives when sizes disagree: counted where a test asks,
 * fatal everywhere else */

static gboolean counting;
static guint overlaps;

static gboolean
is_overlap_warning (const char *message)
{
  return message != NULL && strstr (message, "Expect overlapping widgets") != NULL;
}

static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  if (counting)
    for (gsize i = 0; i < n_fields; i++)
      if (strcmp (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0 && is_overlap_warning (fields[i].value))
        {
          overlaps++;
          g_test_message ("%s", (const char *) fields[i].value);
          return G_LOG_WRITER_HANDLED;
        }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* The same for messages through the older g_log(), whose fatality is
 * decided before they reach the writer */
static gboolean
fatal_handler (const char     *log_domain,
               GLogLevelFlags  log_level,
               const char     *message,
               gpointer        user_data)
{
  return !(counting && is_overlap_warning (message));
}

/* The store */

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
static void
put_part (OcgStore   *store,
          const char *format,
          ...)
{
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, format);
  json = g_strdup_vprintf (format, args);
  va_end (args);

  object = parse_object (json);
  ocg_store_upsert_part (store, object, &error);
  g_assert_no_error (error);
}

static OcgMessage *
put_message (OcgStore   *store,
             const char *session_id,
             const char *id,
             gboolean    completed)
{
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  OcgMessage *message;

  json = g_strdup_printf ("{\"id\": \"%s\", \"sessionID\": \"%s\", \"role\": \"assistant\", \"parentID\": \"msg_0\","
                          " \"path\": {\"cwd\": \"/proj\", \"root\": \"/proj\"}, \"time\": {\"created\": %" G_GINT64_FORMAT
                          "%s}%s}",
                          id, session_id, T0, completed ? ", \"completed\": 1795246009000" : "",
                          completed ? ", \"finish\": \"tool-calls\"" : "");
  object = parse_object (json);
  message = ocg_store_upsert_message (store, object, &error);
  g_assert_no_error (error);
  return message;
}

#define DONE(start, end) "\"time\": {\"start\": " #start ", \"end\": " #end "}"
#define RUNNING "\"time\": {\"start\": 1795246001000}"

/* Every tool the step knows, some unknown, reasoning, in every state: the
 * finished ones in msg_1, the running ones in msg_2 */
static const struct {
  const char *message;
  const char *json;
} parts[] = {
  /* bash: one line, two lines, a long line, running, failed, waiting */
  { "msg_1", "\"type\": \"tool\", \"tool\": \"bash\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"command\": \"ls -la\", \"description\": \"Lists files\"}, \"output\": \"a\\nb\\n\","
             " \"metadata\": {\"output\": \"a\\nb\\n\", \"exit\": 0}, " DONE (1795246000100, 1795246000400) "}" },
  { "msg_1", "\"type\": \"tool\", \"tool\": \"bash\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"command\": \"meson setup _build\\nninja -C _build\"}, \"output\": \"ninja: no work to do.\","
             " " DONE (1795246000400, 1795246002000) "}" },
  { "msg_1", "\"type\": \"tool\", \"tool\": \"bash\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"command\": \"for f in src/app/*.c src/core/*.c tests/*.c; do echo \\\"$f\\\";"
             " grep -n 'g_return_val_if_fail' \\\"$f\\\" | wc -l; done | sort -k2 -n | tail -20 && echo done\"},"
             " \"output\": \"\", " DONE (1795246002000, 1795246002100) "}" },
  { "msg_1", "\"type\": \"tool\", \"tool\": \"bash\", \"state\": {\"status\": \"error\","
             " \"input\": {\"command\": \"make check\"}, \"error\": \"make: *** No rule to make target 'check'.  Stop.\","
             " " DONE (1795246002100, 1795246002200) "}" },
  { "msg_2", "\"type\": \"tool\", \"tool\": \"bash\", \"state\": {\"status\": \"running\","
             " \"input\": {\"command\": \"cd tests\\n./run.sh --all\", \"description\": \"Runs the tests\"},"
             " \"metadata\": {\"output\": \"1..4\\nok 1\\n\"}, " RUNNING "}" },
  { "msg_2", "\"type\": \"tool\", \"tool\": \"bash\", \"state\": {\"status\": \"pending\", \"input\": {}, \"raw\": \"\"}" },
  /* read, and searches: a group of context steps */
  { "msg_1", "\"type\": \"tool\", \"tool\": \"read\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"filePath\": \"/proj/src/main.c\", \"offset\": 10, \"limit\": 5},"
             " \"output\": \"10 int\\n11 main (void)\\n12 {\","
             " \"metadata\": {\"preview\": \"int\\nmain (void)\\n{\"}, " DONE (1795246003000, 1795246003100) "}" },
  { "msg_1", "\"type\": \"tool\", \"tool\": \"grep\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"pattern\": \"g_autoptr\", \"path\": \"/proj/src\"}, \"output\": \"Found 2 matches\\nsrc/a.c:1: x\","
             " " DONE (1795246003100, 1795246003200) "}" },
  { "msg_1", "\"type\": \"tool\", \"tool\": \"glob\", \"state\": {\"status\": \"error\","
             " \"input\": {\"pattern\": \"**/*.md\"}, \"error\": \"ripgrep execution failed\","
             " " DONE (1795246003200, 1795246003300) "}" },
  { "msg_1", "\"type\": \"tool\", \"tool\": \"list\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"path\": \"/proj/tests\"}, \"output\": \"tests/\\n  app/\\n  data/\","
             " " DONE (1795246003300, 1795246003400) "}" },
  /* edits: a short diff, from strings, a tall diff, a new file, a patch */
  { "msg_1", "\"type\": \"tool\", \"tool\": \"edit\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"filePath\": \"/proj/notes.txt\", \"oldString\": \"beta\", \"newString\": \"gamma\"},"
             " \"metadata\": {\"diff\": \"Index: notes.txt\\n--- notes.txt\\n+++ notes.txt\\n@@ -1,2 +1,2 @@\\n alpha\\n-beta\\n+gamma\\n\","
             " \"filediff\": {\"additions\": 1, \"deletions\": 1}}, \"output\": \"\", " DONE (1795246004000, 1795246004100) "}" },
  { "msg_1", "\"type\": \"tool\", \"tool\": \"edit\", \"state\": {\"status\": \"error\","
             " \"input\": {\"filePath\": \"/elsewhere/x.c\", \"oldString\": \"a\", \"newString\": \"b\"},"
             " \"error\": \"oldString not found in content\", " DONE (1795246004100, 1795246004200) "}" },
  { "msg_1", "\"type\": \"tool\", \"tool\": \"edit\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"filePath\": \"/proj/long.txt\"}, \"metadata\": {\"diff\": \"@@ -1,20 +1,20 @@\\n-1\\n+1\\n-2\\n+2\\n"
             "-3\\n+3\\n-4\\n+4\\n-5\\n+5\\n-6\\n+6\\n-7\\n+7\\n-8\\n+8\\n-9\\n+9\\n-10\\n+10\\n\"},"
             " " DONE (1795246004200, 1795246004300) "}" },
  { "msg_1", "\"type\": \"tool\", \"tool\": \"write\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"filePath\": \"/proj/new.txt\", \"content\": \"one\\ntwo\\n\"},"
             " \"metadata\": {\"exists\": false}, " DONE (1795246004300, 1795246004400) "}" },
  { "msg_1", "\"type\": \"tool\", \"tool\": \"apply_patch\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"patchText\": \"*** Begin Patch\\n*** Update File: src/x.c\\n@@\\n-a\\n+b\\n*** End Patch\"},"
             " " DONE (1795246004400, 1795246004500) "}" },
  { "msg_2", "\"type\": \"tool\", \"tool\": \"write\", \"state\": {\"status\": \"running\","
             " \"input\": {\"filePath\": \"/proj/wip.txt\"}, " RUNNING "}" },
  /* the web */
  { "msg_1", "\"type\": \"tool\", \"tool\": \"webfetch\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"url\": \"https://example.org/a/rather/long/path/to/a/page.html?with=query\"},"
             " \"output\": \"# A page\\nSome text.\", " DONE (1795246005000, 1795246005100) "}" },
  { "msg_1", "\"type\": \"tool\", \"tool\": \"websearch\", \"state\": {\"status\": \"error\","
             " \"input\": {\"query\": \"gtk 4.8 revealer\"}, \"error\": \"The search service could not be reached: "
             "connection refused while resolving the provider's address\", " DONE (1795246005100, 1795246005200) "}" },
  /* plans, questions, delegation */
  { "msg_1", "\"type\": \"tool\", \"tool\": \"todowrite\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"todos\": [{\"content\": \"Read the code\", \"status\": \"completed\"},"
             " {\"content\": \"Fix the layout of every step so that it measures the same for a width as without one\","
             " \"status\": \"in_progress\"}, {\"content\": \"Test it\", \"status\": \"pending\"},"
             " {\"content\": \"Give up\", \"status\": \"cancelled\"}]}, " DONE (1795246006000, 1795246006100) "}" },
  { "msg_1", "\"type\": \"tool\", \"tool\": \"question\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"questions\": [{\"question\": \"Which colour should the rail be?\", \"options\": []},"
             " {\"question\": \"And the nodes?\", \"options\": []}]},"
             " \"metadata\": {\"answers\": [[\"Blue\", \"Grey\"], [\"Round\"]]}, " DONE (1795246006100, 1795246006200) "}" },
  { "msg_1", "\"type\": \"tool\", \"tool\": \"task\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"description\": \"Count files\", \"prompt\": \"p\", \"subagent_type\": \"general\"},"
             " \"metadata\": {\"sessionId\": \"ses_child\"}, \"output\": \"4\", " DONE (1795246006200, 1795246006900) "}" },
  { "msg_2", "\"type\": \"tool\", \"tool\": \"task\", \"state\": {\"status\": \"running\","
             " \"input\": {\"description\": \"Look around\", \"subagent_type\": \"explore\"}, " RUNNING "}" },
  /* a tool the app does not know */
  { "msg_1", "\"type\": \"tool\", \"tool\": \"frobnicate\", \"state\": {\"status\": \"completed\","
             " \"input\": {\"level\": 3, \"target\": \"everything\"}, \"output\": \"frobnicated\","
             " \"title\": \"Frobnicated everything\", " DONE (1795246007000, 1795246007100) "}" },
  { "msg_1", "\"type\": \"tool\", \"tool\": \"mcp_lookup\", \"state\": {\"status\": \"error\","
             " \"input\": {}, \"error\": \"Unknown tool\", " DONE (1795246007100, 1795246007200) "}" },
  /* reasoning: done with a heading, and running */
  { "msg_1", "\"type\": \"reasoning\", \"text\": \"**Planning the fix**\\n\\nFirst the layout, then the test.\\n"
             "Then the release build.\", " DONE (1795246008000, 1795246008500) },
  { "msg_2", "\"type\": \"reasoning\", \"text\": \"Looking at the box layout of GTK 4.8\", \"time\": {\"start\": 1795246008600}" },
};

static void
fill_store (OcgStore *store)
{
  put_message (store, "ses_1", "msg_1", TRUE);
  put_message (store, "ses_1", "msg_2", FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    put_part (store, "{\"id\": \"prt_%02u\", \"messageID\": \"%s\", \"sessionID\": \"ses_1\", \"callID\": \"c%u\", %s}",
              i, parts[i].message, i, parts[i].json);

  /* The task's child session */
  put_message (store, "ses_child", "msg_c1", TRUE);
  put_part (store, "{\"id\": \"prt_c1\", \"messageID\": \"msg_c1\", \"sessionID\": \"ses_child\", \"callID\": \"cc1\","
                   " \"type\": \"tool\", \"tool\": \"bash\", \"state\": {\"status\": \"completed\","
                   " \"input\": {\"command\": \"ls | wc -l\"}, \"output\": \"4\", " DONE (1795246006300, 1795246006400) "}}");
}

/* Waiting */

static gboolean
all_revealed (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_REVEALER (child) &&
          gtk_revealer_get_reveal_child (GTK_REVEALER (child)) != gtk_revealer_get_child_revealed (GTK_REVEALER (child)))
        return FALSE;
      if (!all_revealed (child))
        return FALSE;
    }
  return TRUE;
}

static gboolean
revealed (gpointer data)
{
  return all_revealed (data);
}

/* Every revealer at rest, and laid out after that */
static void
settle (GtkWidget *root)
{
  g_assert_true (app_test_wait (revealed, root, 60000));
  app_test_wait_frames (root, 2);
}

/* Expands every step, also those that appear when another one expands (a
 * task's child steps); returns how many there are */
static guint
expand_all (GtkWidget *root)
{
  guint expanded;
  guint n;

  do
    {
      GtkWidget *step;

      expanded = 0;
      for (n = 0; (step = app_test_find_by_type (root, OCG_TYPE_TIMELINE_STEP, n)) != NULL; n++)
        if (!ocg_timeline_step_get_expanded (OCG_TIMELINE_STEP (step)))
          {
            ocg_timeline_step_set_expanded (OCG_TIMELINE_STEP (step), TRUE);
            expanded++;
          }
    }
  while (expanded > 0);
  return n;
}

/* Measuring */

static void
describe (GtkWidget *widget,
          GtkWidget *root,
          GString   *out)
{
  g_autoptr(GPtrArray) path = g_ptr_array_new ();

  for (GtkWidget *w = widget; w != NULL && w != root; w = gtk_widget_get_parent (w))
    g_ptr_array_insert (path, 0, w);
  for (guint i = 0; i < path->len; i++)
    {
      GtkWidget *w = g_ptr_array_index (path, i);
      g_auto(GStrv) classes = gtk_widget_get_css_classes (w);

      g_string_append_printf (out, "%s%s", i > 0 ? " > " : "", G_OBJECT_TYPE_NAME (w));
      for (guint j = 0; classes[j] != NULL; j++)
        g_string_append_printf (out, ".%s", classes[j]);
    }
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, " “%s”", gtk_label_get_text (GTK_LABEL (widget)));
}

typedef struct
{
  GtkWidget *root;
  GString   *problems;
  guint      checked;
  guint      inconsistent;
} Check;

/* As GTK checks it: the minimum height without a width is at least the
 * minimum height for a width where nothing needs to wrap, up to the largest
 * width GTK tries. (Narrower, text wraps and takes more lines.) */
static void
check_widget (GtkWidget *widget,
              Check     *check)
{
  int min_height;
  int natural_width;

  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return;

  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, -1, &min_height, NULL, NULL, NULL);
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural_width, NULL, NULL);
  check->checked++;
  {
    int widths[] = { natural_width, natural_width * 2, 4000, MAX_WIDTH };

    for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
      {
        int height;

        gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, widths[i], &height, NULL, NULL, NULL);
        if (height > min_height)
          {
            check->inconsistent++;
            g_string_append (check->problems, "\n  ");
            describe (widget, check->root, check->problems);
            g_string_append_printf (check->problems, ": %d px high for a width of %d, %d px without one",
                                    height, widths[i], min_height);
            break;
          }
      }
  }

  /* Whatever the fonts: a row of a box that changes height with its width
   * adds up the baselines of two children or more only for a width */
  if (GTK_IS_BOX (widget) &&
      gtk_orientable_get_orientation (GTK_ORIENTABLE (widget)) == GTK_ORIENTATION_HORIZONTAL &&
      gtk_widget_get_request_mode (widget) == GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH)
    {
      guint with_baseline = 0;

      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int baseline = -1;

          if (gtk_widget_get_visible (child))
            gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, -1, NULL, NULL, &baseline, NULL);
          if (baseline >= 0)
            with_baseline++;
        }
      if (with_baseline > 1)
        {
          check->inconsistent++;
          g_string_append (check->problems, "\n  ");
          describe (widget, check->root, check->problems);
          g_string_append_printf (check->problems, ": a box that wraps, lining up %u baselines only for a width",
                                  with_baseline);
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_widget (child, check);
}

/* Checks @root and everything in it shown, and fails naming each widget
 * that measures inconsistently */
static void
assert_consistent (GtkWidget  *root,
                   const char *what)
{
  Check check = { root, g_string_new (NULL), 0, 0 };

  check_widget (root, &check);
  g_test_message ("%s: %u widgets measured", what, check.checked);
  g_assert_cmpuint (check.checked, >, 0);
  if (check.inconsistent > 0)
    {
      g_test_message ("%s: %u of %u widgets ask more height for a width than without one:%s",
                      what, check.inconsistent, check.checked, check.problems->str);
      g_test_fail ();
    }
  g_string_free (check.problems, TRUE);
}

/* Showing */

static GtkWidget *
show (GtkWidget *child,
      int        width)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), child);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  return app_test_window (scroller, width, 700);
}

/* A timeline of a turn with every kind of step, as the window shows it */
static GtkWidget *
timeline_of_everything (OcgStore *store)
{
  GtkWidget *timeline = ocg_timeline_new (store);
  g_autoptr(GListStore) turn = g_list_store_new (OCG_TYPE_MESSAGE);

  g_list_store_append (turn, ocg_store_lookup_message (store, "msg_1"));
  g_list_store_append (turn, ocg_store_lookup_message (store, "msg_2"));
  ocg_timeline_set_turn (OCG_TIMELINE (timeline), G_LIST_MODEL (turn));
  ocg_timeline_set_expanded (OCG_TIMELINE (timeline), TRUE);
  return timeline;
}

static void
set_font_size (int points)
{
  GtkSettings *settings = gtk_settings_get_default ();
  g_autofree char *name = NULL;
  g_autoptr(PangoFontDescription) font = NULL;
  g_autofree char *sized = NULL;

  g_object_get (settings, "gtk-font-name", &name, NULL);
  font = pango_font_description_from_string (name);
  pango_font_description_set_size (font, points * PANGO_SCALE);
  sized = pango_font_description_to_string (font);
  g_object_set (settings, "gtk-font-name", sized, NULL);
}

/* Tests */

/* Which fonts the measures below were made with */
static void
log_fonts (void)
{
  g_autofree char *name = NULL;
  g_autofree char *mono = NULL;
  GtkWidget *label = g_object_ref_sink (gtk_label_new (NULL));
  PangoFontDescription *description = pango_font_description_from_string ("monospace");
  PangoFont *font = pango_context_load_font (gtk_widget_get_pango_context (label), description);
  PangoFontDescription *loaded = pango_font_describe (font);

  g_object_get (gtk_settings_get_default (), "gtk-font-name", &name, NULL);
  mono = pango_font_description_to_string (loaded);
  g_test_message ("fonts: %s, monospace is %s", name, mono);
  pango_font_description_free (loaded);
  pango_font_description_free (description);
  g_object_unref (font);
  g_object_unref (label);
}

/* Checks @root, shown in @window, at the default font and at a few sizes
 * around it (other machines, other settings), and that GTK had nothing to
 * warn about while laying it out. @window is destroyed. */
static void
check_window (GtkWidget  *window,
              GtkWidget  *root,
              const char *what)
{
  static const int sizes[] = { 0, 9, 10, 11, 12, 14 };
  g_autofree char *font = NULL;

  settle (window);
  g_object_get (gtk_settings_get_default (), "gtk-font-name", &font, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *at = sizes[i] > 0 ? g_strdup_printf ("%s at %d pt", what, sizes[i]) : g_strdup (what);

      if (sizes[i] > 0)
        set_font_size (sizes[i]);
      settle (window);
      assert_consistent (root, at);
    }
  g_object_set (gtk_settings_get_default (), "gtk-font-name", font, NULL);
  settle (window);
  gtk_window_destroy (GTK_WINDOW (window));

  counting = FALSE;
  if (overlaps > 0)
    {
      g_test_message ("%s: GTK warned %u times of overlapping widgets", what, overlaps);
      g_test_fail ();
    }
}

/* Counts GTK's warnings from here to check_window() */
static void
start_counting (void)
{
  counting = TRUE;
  overlaps = 0;
}

/* Every kind of step, expanded */
static void
test_steps (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  GtkWidget *timeline;
  GtkWidget *window;

  log_fonts ();
  start_counting ();
  fill_store (store);
  timeline = timeline_of_everything (store);
  window = show (timeline, 800);
  /* Every part, the task's child and the group, which is a step too */
  g_assert_cmpuint (expand_all (timeline), ==, G_N_ELEMENTS (parts) + 2);
  check_window (window, timeline, "steps");
}

/* The head of a turn: the user's message with an attachment, a message that
 * could not be sent, the timeline; and its foot */
static void
test_turn_rows (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(OcgTurn) turn = ocg_turn_new ("msg_0");
  g_autoptr(GPtrArray) assistant = g_ptr_array_new ();
  g_autoptr(JsonObject) user = parse_object ("{\"id\": \"msg_0\", \"sessionID\": \"ses_1\", \"role\": \"user\","
                                             " \"time\": {\"created\": 1795246000000}}");
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *head;
  GtkWidget *foot;
  GtkWidget *window;

  start_counting ();
  fill_store (store);
  ocg_turn_set_user_message (turn, ocg_store_upsert_message (store, user, NULL));
  put_part (store, "{\"id\": \"prt_u1\", \"messageID\": \"msg_0\", \"sessionID\": \"ses_1\", \"type\": \"text\","
                   " \"text\": \"Please make the timeline measure the same with and without a width.\"}");
  put_part (store, "{\"id\": \"prt_u2\", \"messageID\": \"msg_0\", \"sessionID\": \"ses_1\", \"type\": \"file\","
                   " \"filename\": \"gtkboxlayout.c\", \"mime\": \"text/plain\", \"url\": \"file:///proj/gtkboxlayout.c\"}");
  g_ptr_array_add (assistant, ocg_store_lookup_message (store, "msg_1"));
  g_ptr_array_add (assistant, ocg_store_lookup_message (store, "msg_2"));
  ocg_turn_set_assistant (turn, assistant);

  head = ocg_turn_row_new (store, OCG_TURN_ROW_HEAD);
  ocg_turn_row_set_turn (OCG_TURN_ROW (head), turn);
  ocg_turn_row_set_send_error (OCG_TURN_ROW (head), "Could not send the message: the server refused the connection");
  gtk_box_append (GTK_BOX (box), head);
  foot = ocg_turn_row_new (store, OCG_TURN_ROW_FOOT);
  ocg_turn_row_set_turn (OCG_TURN_ROW (foot), turn);
  gtk_box_append (GTK_BOX (box), foot);

  window = show (box, 800);
  g_assert_nonnull (app_test_find_label (head, "gtkboxlayout.c"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (app_test_find_label (head, "the server refused"))));
  expand_all (head);
  check_window (window, box, "turn rows");
}

/* A permission and questions of one and of several choices */
static void
test_prompt_dock (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  g_autoptr(JsonObject) permission = parse_object (
    "{\"id\": \"per_1\", \"sessionID\": \"ses_1\", \"permission\": \"bash\", \"patterns\": [\"rm -f scratch.tmp\"],"
    " \"metadata\": {\"command\": \"rm -f scratch.tmp && git clean -fdx -- build/ tests/tmp/\"}, \"always\": [\"rm *\"]}");
  g_autoptr(JsonObject) patterns = parse_object (
    "{\"id\": \"per_2\", \"sessionID\": \"ses_1\", \"permission\": \"edit\","
    " \"patterns\": [\"src/app/ocg-timeline-step.c\", \"src/app/ocg-turn-row.c\"]}");
  g_autoptr(JsonObject) question = parse_object (
    "{\"id\": \"que_1\", \"sessionID\": \"ses_1\", \"questions\": ["
    "{\"question\": \"Which colour should the rail of the timeline have, now that it lines up?\", \"header\": \"Colour\","
    " \"options\": [{\"label\": \"Red\", \"description\": \"warm, and seen from afar\"}, {\"label\": \"Blue\"}]},"
    "{\"question\": \"Which checks?\", \"multiple\": true, \"custom\": false,"
    " \"options\": [{\"label\": \"Layout\"}, {\"label\": \"Release build\", \"description\": \"with warnings as errors\"}]}]}");
  GtkWidget *dock;
  GtkWidget *window;

  start_counting ();
  g_assert_nonnull (ocg_store_add_request (store, OCG_REQUEST_PERMISSION, permission, NULL));
  g_assert_nonnull (ocg_store_add_request (store, OCG_REQUEST_PERMISSION, patterns, NULL));
  g_assert_nonnull (ocg_store_add_request (store, OCG_REQUEST_QUESTION, question, NULL));
  dock = ocg_prompt_dock_new (store);
  ocg_prompt_dock_set_session (OCG_PROMPT_DOCK (dock), "ses_1");
  g_assert_cmpuint (ocg_prompt_dock_get_n_prompts (OCG_PROMPT_DOCK (dock)), ==, 3);

  window = show (dock, 800);
  check_window (window, dock, "prompts");
}

static gboolean
expanded (gpointer step)
{
  return ocg_timeline_step_get_expanded (step);
}

/* A long todo shows all its words, on as many lines as it needs */
static void
test_todo_wraps (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  OcgPart *part;
  GtkWidget *step;
  GtkWidget *window;
  GtkWidget *long_todo;
  GtkWidget *short_todo;
  g_autoptr(JsonObject) object = parse_object (
    "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"callID\": \"c1\", \"type\": \"tool\","
    " \"tool\": \"todowrite\", \"state\": {\"status\": \"completed\", \"input\": {\"todos\": ["
    "{\"content\": \"Test it\", \"status\": \"pending\"},"
    " {\"content\": \"Lay out every step so that it asks the same height for a width as without one, at every size\","
    " \"status\": \"in_progress\"}]}, " DONE (1795246006000, 1795246006100) "}}");

  start_counting ();
  put_message (store, "ses_1", "msg_1", TRUE);
  part = ocg_store_upsert_part (store, object, NULL);
  step = ocg_timeline_step_new (store, part, "/proj");
  window = show (step, 360);
  ocg_timeline_step_set_expanded (OCG_TIMELINE_STEP (step), TRUE);
  settle (window);

  long_todo = GTK_WIDGET (app_test_find_label (step, "at every size"));
  short_todo = GTK_WIDGET (app_test_find_label (step, "Test it"));
  g_assert_nonnull (long_todo);
  g_assert_nonnull (short_todo);
  g_assert_true (gtk_widget_get_mapped (long_todo));
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (long_todo))));
  g_assert_cmpint (gtk_widget_get_height (long_todo), >=, 2 * gtk_widget_get_height (short_todo));
  check_window (window, step, "todos");
}

/* A running command of two lines, expanded as the user does it: GTK has
 * nothing to warn about while the details slide open and after */
static void
test_expand_running_command (void)
{
  g_autoptr(OcgStore) store = ocg_store_new ();
  OcgMessage *message = put_message (store, "ses_1", "msg_1", FALSE);
  g_autoptr(GListStore) turn = g_list_store_new (OCG_TYPE_MESSAGE);
  GtkWidget *timeline = ocg_timeline_new (store);
  GtkWidget *window;
  GtkWidget *step;

  g_list_store_append (turn, message);
  ocg_timeline_set_turn (OCG_TIMELINE (timeline), G_LIST_MODEL (turn));
  put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"callID\": \"c1\","
                   " \"type\": \"tool\", \"tool\": \"bash\", \"state\": {\"status\": \"running\","
                   " \"input\": {\"command\": \"meson setup _build\\nninja -C _build\", \"description\": \"Builds\"},"
                   " \"metadata\": {\"output\": \"The Meson build system\\nVersion: 1.0.1\\n\"}, " RUNNING "}}");
  window = show (timeline, 800);
  settle (window);
  step = app_test_find_by_type (timeline, OCG_TYPE_TIMELINE_STEP, 0);
  g_assert_true (gtk_widget_get_mapped (step));

  counting = TRUE;
  overlaps = 0;
  g_assert_true (gtk_widget_activate (app_test_find_by_css (step, "step-header", 0)));
  g_assert_true (app_test_wait (expanded, step, 60000));
  settle (window);
  /* The output grows while it is open */
  put_part (store, "{\"id\": \"prt_1\", \"messageID\": \"msg_1\", \"sessionID\": \"ses_1\", \"callID\": \"c1\","
                   " \"type\": \"tool\", \"tool\": \"bash\", \"state\": {\"status\": \"running\","
                   " \"input\": {\"command\": \"meson setup _build\\nninja -C _build\", \"description\": \"Builds\"},"
                   " \"metadata\": {\"output\": \"The Meson build system\\nVersion: 1.0.1\\n[1/80] Compiling\\n\"}, "
                   RUNNING "}}");
  settle (window);
  counting = FALSE;

  g_assert_nonnull (app_test_find_by_css (step, "step-command", 0));
  g_assert_true (gtk_widget_get_mapped (app_test_find_by_css (step, "step-command", 0)));
  g_assert_cmpuint (overlaps, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_log_set_writer_func (log_writer, NULL, NULL);
  app_test_init (&argc, &argv);
  g_test_log_set_fatal_handler (fatal_handler, NULL);
  ocg_timeline_set_clock (fake_clock);
  fake_now = T0 + 4000;

  g_test_add_func ("/layout/steps", test_steps);
  g_test_add_func ("/layout/turn-rows", test_turn_rows);
  g_test_add_func ("/layout/prompt-dock", test_prompt_dock);
  g_test_add_func ("/layout/todo-wraps", test_todo_wraps);
  g_test_add_func ("/layout/expand-running-command", test_expand_running_command);

  return g_test_run ();
}
