/* ocg-timeline-step.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ocg-ansi.h"
#include "ocg-json.h"
#include "ocg-reasoning.h"
#include "ocg-text.h"
#include "ocg-timeline.h"
#include "ocg-timeline-step.h"
#include "ocg-utf8.h"

/* Command output is shown from its end, files from their start */
#define TEXT_LIMIT      (64 * 1024)
#define PREVIEW_LIMIT   240
/* Longer text scrolls in a box this high */
#define OUTPUT_SHORT_LINES 16
#define OUTPUT_SHORT_BYTES 3000
#define OUTPUT_HEIGHT      320

typedef enum {
  KIND_OTHER,
  KIND_BASH,
  KIND_READ,
  KIND_SEARCH,
  KIND_EDIT,
  KIND_WEB,
  KIND_TODO,
  KIND_TASK,
  KIND_QUESTION,
  KIND_REASONING,
  KIND_GROUP,
} Kind;

static const struct {
  const char *css;
  const char *icon;
  const char *phrase;
} kinds[] = {
  [KIND_OTHER]     = { "other",     "emblem-system-symbolic",      NULL },
  [KIND_BASH]      = { "bash",      "utilities-terminal-symbolic", N_("Running commands") },
  [KIND_READ]      = { "read",      "document-open-symbolic",      N_("Gathering context") },
  [KIND_SEARCH]    = { "search",    "system-search-symbolic",      N_("Searching the codebase") },
  [KIND_EDIT]      = { "edit",      "document-edit-symbolic",      N_("Making edits") },
  [KIND_WEB]       = { "web",       "web-browser-symbolic",        N_("Searching the web") },
  [KIND_TODO]      = { "todo",      "view-list-symbolic",          N_("Planning next steps") },
  [KIND_TASK]      = { "task",      "system-users-symbolic",       N_("Delegating work") },
  [KIND_QUESTION]  = { "question",  "dialog-question-symbolic",    N_("Asking a question") },
  [KIND_REASONING] = { "reasoning", "emoji-objects-symbolic",      N_("Thinking") },
  [KIND_GROUP]     = { "group",     "system-search-symbolic",      N_("Gathered context") },
};

static const struct {
  const char *tool;
  Kind        kind;
} tools[] = {
  { "bash", KIND_BASH },
  { "read", KIND_READ },
  { "grep", KIND_SEARCH },
  { "glob", KIND_SEARCH },
  { "list", KIND_SEARCH },
  { "edit", KIND_EDIT },
  { "write", KIND_EDIT },
  { "apply_patch", KIND_EDIT },
  { "multiedit", KIND_EDIT },
  { "webfetch", KIND_WEB },
  { "websearch", KIND_WEB },
  { "todowrite", KIND_TODO },
  { "todoread", KIND_TODO },
  { "task", KIND_TASK },
  { "question", KIND_QUESTION },
};

struct _OcgTimelineStep
{
  GtkWidget      parent_instance;

  /* Owned references */
  OcgPart       *part;
  OcgStore      *store;
  char          *root;
  JsonObject    *shown_json;     /* the JSON the details were built from */

  /* State */
  Kind           kind;
  OcgStepState   state;
  char          *label;
  char          *heading;        /* reasoning: first heading or bold line */
  gsize          heading_scanned;
  gint64         start_ms;
  gint64         end_ms;
  guint          tick_id;
  gboolean       expanded;
  gboolean       interrupted;    /* the turn will not go on: unfinished is interrupted */

  /* Rail and header */
  GtkWidget     *rail;
  GtkWidget     *node;
  GtkWidget     *icon;
  GtkWidget     *main_box;
  GtkWidget     *header;
  GtkWidget     *title_label;
  GtkWidget     *subject_label;
  GtkWidget     *adds_label;
  GtkWidget     *dels_label;
  GtkWidget     *preview_label;
  GtkWidget     *error_label;
  GtkWidget     *spinner;
  GtkWidget     *status_icon;
  GtkWidget     *duration_label;
  GtkWidget     *time_label;
  GtkWidget     *arrow;
  GtkWidget     *revealer;

  /* Details, built on first expansion (the group box at once) */
  GtkWidget     *content;
  GtkWidget     *group_box;
  GtkWidget     *command_label;
  GtkWidget     *output_note;
  GtkWidget     *output_block;
  GtkWidget     *copy_button;
  GtkWidget     *content_error;
  GtkWidget     *nested;
  GtkWidget     *open_button;
  GtkTextBuffer *diff_buffer;
  GtkWidget     *reasoning_block;
  gsize          reasoning_shown;
};

G_DEFINE_FINAL_TYPE (OcgTimelineStep, ocg_timeline_step, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PART,
  PROP_STORE,
  PROP_ROOT,
  PROP_EXPANDED,
  PROP_LABEL,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_header   (OcgTimelineStep *self);
static void update_content  (OcgTimelineStep *self);
static void update_ticking  (OcgTimelineStep *self);
static void text_block_append (GtkWidget  *card,
                               const char *text,
                               gsize       len,
                               gsize      *shown);

/* Clock */

static OcgTimelineClock clock_func;

gint64
ocg_timeline_now (void)
{
  if (clock_func != NULL)
    return clock_func ();
  return g_get_real_time () / 1000;
}

void
ocg_timeline_set_clock (OcgTimelineClock clock)
{
  clock_func = clock;
}

guint
ocg_timeline_ms_to_next_tick (gint64 start_ms)
{
  gint64 elapsed = ocg_timeline_now () - start_ms;

  if (start_ms <= 0 || elapsed < 0)
    return 1000;
  return (guint) (1000 - elapsed % 1000);
}

/* Text helpers */

char *
ocg_timeline_format_duration (gint64   ms,
                              gboolean running)
{
  gint64 s;

  ms = MAX (ms, 0);
  if (!running && ms < 50)
    return g_strdup (_("<0.1 s"));
  if (!running && ms < 10000)
    return g_strdup_printf (_("%.1f s"), ms / 1000.0);

  s = running ? ms / 1000 : (ms + 500) / 1000;
  if (s < 60)
    return g_strdup_printf (_("%d s"), (int) s);
  if (s < 3600)
    {
      if (s % 60 == 0)
        return g_strdup_printf (_("%d min"), (int) (s / 60));
      return g_strdup_printf (_("%d min %d s"), (int) (s / 60), (int) (s % 60));
    }
  return g_strdup_printf (_("%d h %d min"), (int) (s / 3600), (int) (s % 3600 / 60));
}

char *
ocg_timeline_format_clock (gint64 ms)
{
  g_autoptr(GDateTime) time = NULL;

  if (ms <= 0 || !(time = g_date_time_new_from_unix_local (ms / 1000)))
    return g_strdup ("");
  return g_date_time_format (time, "%H:%M:%S");
}

static Kind
kind_of_tool (const char *tool)
{
  if (tool == NULL)
    return KIND_OTHER;
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    if (strcmp (tools[i].tool, tool) == 0)
      return tools[i].kind;
  return KIND_OTHER;
}

const char *
ocg_timeline_tool_phrase (const char *tool)
{
  const char *phrase = kinds[kind_of_tool (tool)].phrase;

  return phrase != NULL ? _(phrase) : NULL;
}

static gboolean
is_blank (const char *s)
{
  return s == NULL || *s == '\0';
}

static char *
first_line (const char *text)
{
  const char *nl;

  if (text == NULL)
    return NULL;
  while (*text == '\n')
    text++;
  if ((nl = strchr (text, '\n')) == NULL)
    return g_strdup (text);
  return g_strdup_printf ("%.*s …", (int) (nl - text), text);
}

/* "src/app/ocg-window.c" under the project root gives "ocg-window.c" and
 * "src/app"; outside of it the directory stays absolute. */
static void
split_path (const char  *root,
            const char  *path,
            char       **base,
            char       **dir)
{
  const char *rel = path;
  gsize root_len = root != NULL ? strlen (root) : 0;
  g_autofree char *dirname = NULL;

  while (root_len > 1 && root[root_len - 1] == '/')
    root_len--;
  if (root_len > 0 && strncmp (path, root, root_len) == 0)
    {
      if (path[root_len] == '\0')
        {
          *base = g_path_get_basename (path);
          *dir = NULL;
          return;
        }
      if (path[root_len] == '/')
        rel = path + root_len + 1;
    }

  *base = g_path_get_basename (rel);
  dirname = g_path_get_dirname (rel);
  *dir = strcmp (dirname, ".") == 0 ? NULL : g_steal_pointer (&dirname);
}

/* Reasoning */

/* Looks for the first heading in what arrived since the last call */
static gboolean
scan_heading (OcgTimelineStep *self,
              const char      *text,
              gsize            len)
{
  if (self->heading != NULL)
    return FALSE;
  return ocg_reasoning_find_heading (text, len, &self->heading_scanned, &self->heading);
}

/* Reading the part */

/* With any U+0000 of the server's strings shown, not ending them */
static JsonObject *
part_json (OcgTimelineStep *self)
{
  return ocg_text_record_json (OCG_RECORD (self->part));
}

static gboolean
message_completed (OcgTimelineStep *self)
{
  const char *message_id = ocg_record_get_string (OCG_RECORD (self->part), "messageID");
  OcgMessage *message = self->store != NULL ? ocg_store_lookup_message (self->store, message_id) : NULL;
  gboolean completed = FALSE;

  if (message != NULL)
    g_object_get (message, "completed", &completed, NULL);
  return completed;
}

static OcgStepState
read_part_state (OcgTimelineStep *self,
                 JsonObject      *json)
{
  const char *status;

  if (self->kind == KIND_REASONING)
    {
      if (ocg_json_get_int (json, "time.end", 0) > 0 || message_completed (self))
        return OCG_STEP_COMPLETED;
      return OCG_STEP_RUNNING;
    }

  status = ocg_json_get_string (json, "state.status");
  if (g_strcmp0 (status, "running") == 0)
    return OCG_STEP_RUNNING;
  if (g_strcmp0 (status, "completed") == 0)
    return OCG_STEP_COMPLETED;
  if (g_strcmp0 (status, "error") == 0)
    return OCG_STEP_ERROR;
  return OCG_STEP_PENDING;
}

/* A step the server stopped working on (it was stopped or restarted
 * mid-turn) stays unfinished for ever: it is interrupted, not running */
static OcgStepState
read_state (OcgTimelineStep *self,
            JsonObject      *json)
{
  OcgStepState state = read_part_state (self, json);

  if (self->interrupted && (state == OCG_STEP_PENDING || state == OCG_STEP_RUNNING))
    return OCG_STEP_INTERRUPTED;
  return state;
}

static const char *
input_string (JsonObject *json,
              const char *member)
{
  g_autofree char *path = g_strconcat ("state.input.", member, NULL);

  return ocg_json_get_string (json, path);
}

static void
append_path_markup (GString    *markup,
                    const char *root,
                    const char *path)
{
  g_autofree char *base = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base_escaped = NULL;

  split_path (root, path, &base, &dir);
  base_escaped = g_markup_escape_text (base, -1);
  g_string_append (markup, base_escaped);
  if (dir != NULL)
    {
      g_autofree char *dir_escaped = g_markup_escape_text (dir, -1);

      g_string_append_printf (markup, "  <span alpha=\"60%%\">%s</span>", dir_escaped);
    }
}

static void
append_escaped (GString    *markup,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append (markup, escaped);
}

/* "*** Update File: src/a.c" in an apply_patch patch */
static char *
patch_first_file (const char *patch)
{
  static const char *prefixes[] = { "*** Update File: ", "*** Add File: ", "*** Delete File: " };

  for (const char *line = patch; line != NULL && *line != '\0';)
    {
      const char *nl = strchr (line, '\n');

      for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
        if (g_str_has_prefix (line, prefixes[i]))
          {
            const char *path = line + strlen (prefixes[i]);
            gsize len = nl != NULL ? (gsize) (nl - path) : strlen (path);

            while (len > 0 && g_ascii_isspace (path[len - 1]))
              len--;
            return len > 0 ? g_strndup (path, len) : NULL;
          }
      line = nl != NULL ? nl + 1 : NULL;
    }
  return NULL;
}

/* The subject as Pango markup, and whether it is code */
static char *
subject_markup (OcgTimelineStep *self,
                JsonObject      *json,
                gboolean        *code)
{
  GString *markup = g_string_new (NULL);
  const char *tool = ocg_json_get_string (json, "tool");
  const char *s;

  *code = FALSE;
  switch (self->kind)
    {
    case KIND_BASH:
      if (!is_blank (s = input_string (json, "command")))
        {
          g_autofree char *line = first_line (s);

          append_escaped (markup, line);
          *code = TRUE;
        }
      break;

    case KIND_READ:
    case KIND_EDIT:
      if (!is_blank (s = input_string (json, "filePath")) ||
          !is_blank (s = input_string (json, "path")))
        append_path_markup (markup, self->root, s);
      else if (!is_blank (s = input_string (json, "patchText")))
        {
          g_autofree char *path = patch_first_file (s);

          if (path != NULL)
            append_path_markup (markup, self->root, path);
        }
      break;

    case KIND_SEARCH:
      if (g_strcmp0 (tool, "list") == 0)
        {
          if (!is_blank (s = input_string (json, "path")))
            append_path_markup (markup, self->root, s);
          break;
        }
      if (!is_blank (s = input_string (json, "pattern")))
        {
          append_escaped (markup, s);
          *code = TRUE;
          if (!is_blank (s = input_string (json, "path")) && g_strcmp0 (s, self->root) != 0)
            {
              g_autofree char *base = NULL;
              g_autofree char *dir = NULL;
              g_autofree char *where = NULL;

              split_path (self->root, s, &base, &dir);
              where = dir != NULL ? g_build_filename (dir, base, NULL) : g_strdup (base);
              g_string_append (markup, "  <span alpha=\"60%\">");
              append_escaped (markup, where);
              g_string_append (markup, "</span>");
            }
        }
      break;

    case KIND_WEB:
      if (!is_blank (s = input_string (json, "url")) || !is_blank (s = input_string (json, "query")))
        append_escaped (markup, s);
      break;

    case KIND_TODO:
      {
        JsonArray *todos = ocg_json_get_array (json, "state.input.todos");

        if (todos != NULL)
          {
            guint n = json_array_get_length (todos);
            g_autofree char *text = g_strdup_printf (ngettext ("%u todo", "%u todos", n), n);

            append_escaped (markup, text);
          }
      }
      break;

    case KIND_TASK:
      if (!is_blank (s = input_string (json, "description")))
        append_escaped (markup, s);
      if (!is_blank (s = input_string (json, "subagent_type")))
        {
          g_string_append (markup, "  <span alpha=\"60%\">@");
          append_escaped (markup, s);
          g_string_append (markup, "</span>");
        }
      break;

    case KIND_QUESTION:
      {
        JsonArray *questions = ocg_json_get_array (json, "state.input.questions");

        if (questions != NULL && json_array_get_length (questions) > 0 &&
            JSON_NODE_HOLDS_OBJECT (json_array_get_element (questions, 0)) &&
            !is_blank (s = ocg_json_get_string (json_array_get_object_element (questions, 0), "question")))
          append_escaped (markup, s);
      }
      break;

    case KIND_OTHER:
    case KIND_REASONING:
    case KIND_GROUP:
    default:
      break;
    }

  if (markup->len == 0 && self->kind != KIND_REASONING && !is_blank (s = ocg_json_get_string (json, "state.title")))
    append_escaped (markup, s);

  return g_string_free (markup, FALSE);
}

static char *
make_label (OcgTimelineStep *self,
            JsonObject      *json)
{
  const char *phrase = kinds[self->kind].phrase;

  if (self->kind == KIND_REASONING && self->heading != NULL)
    return g_strdup_printf (_("Thinking: %s"), self->heading);
  if (phrase != NULL)
    return g_strdup (_(phrase));
  return g_strdup_printf (_("Called %s"), json != NULL ? ocg_json_get_string (json, "tool") : "?");
}

static void
set_label (OcgTimelineStep *self,
           char            *label)
{
  if (g_strcmp0 (self->label, label) == 0)
    {
      g_free (label);
      return;
    }
  g_free (self->label);
  self->label = label;
  gtk_label_set_text (GTK_LABEL (self->title_label), label);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  if (is_blank (text))
    return 0;
  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n')
      n++;
  return text[strlen (text) - 1] == '\n' ? n : n + 1;
}

static void
update_diff_stats (OcgTimelineStep *self,
                   JsonObject      *json)
{
  gint64 adds = ocg_json_get_int (json, "state.metadata.filediff.additions", -1);
  gint64 dels = ocg_json_get_int (json, "state.metadata.filediff.deletions", -1);
  const char *tool = ocg_json_get_string (json, "tool");

  if (adds < 0 && g_strcmp0 (tool, "write") == 0 && self->state == OCG_STEP_COMPLETED)
    {
      adds = count_lines (input_string (json, "content"));
      dels = 0;
    }

  if (adds > 0)
    {
      g_autofree char *text = g_strdup_printf ("+%" G_GINT64_FORMAT, adds);

      gtk_label_set_text (GTK_LABEL (self->adds_label), text);
    }
  if (dels > 0)
    {
      g_autofree char *text = g_strdup_printf ("−%" G_GINT64_FORMAT, dels);

      gtk_label_set_text (GTK_LABEL (self->dels_label), text);
    }
  gtk_widget_set_visible (self->adds_label, adds > 0);
  gtk_widget_set_visible (self->dels_label, dels > 0);
}

static void
set_state_class (OcgTimelineStep *self,
                 OcgStepState     state)
{
  static const char *classes[] = { "pending", "running", "completed", "failed", "interrupted" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      if (i == state)
        gtk_widget_add_css_class (GTK_WIDGET (self), classes[i]);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self), classes[i]);
    }
}

static void
update_times (OcgTimelineStep *self)
{
  g_autofree char *duration = NULL;
  g_autofree char *clock = ocg_timeline_format_clock (self->start_ms);

  if (self->state == OCG_STEP_RUNNING && self->start_ms > 0)
    duration = ocg_timeline_format_duration (ocg_timeline_now () - self->start_ms, TRUE);
  else if (self->state != OCG_STEP_PENDING && self->start_ms > 0 && self->end_ms >= self->start_ms)
    duration = ocg_timeline_format_duration (self->end_ms - self->start_ms, FALSE);

  gtk_label_set_text (GTK_LABEL (self->duration_label), duration != NULL ? duration : "");
  gtk_widget_set_visible (self->duration_label, duration != NULL);
  gtk_label_set_text (GTK_LABEL (self->time_label), clock);
  gtk_widget_set_visible (self->time_label, *clock != '\0');
}

static void
update_status (OcgTimelineStep *self,
               OcgStepState     state)
{
  gboolean running = state == OCG_STEP_RUNNING;

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  set_state_class (self, state);
  gtk_widget_set_visible (self->spinner, running);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), running);
  gtk_widget_set_visible (self->status_icon, state == OCG_STEP_ERROR);
}

static void
update_accessible (OcgTimelineStep *self)
{
  static const char *states[] = { N_("pending"), N_("running"), N_("done"), N_("failed"), N_("interrupted") };
  const char *subject = gtk_label_get_text (GTK_LABEL (self->subject_label));
  g_autofree char *text = NULL;

  /* "Ran a command ls -la, done"; a step without a subject reads "Thinking, done" */
  if (subject[0] != '\0')
    text = g_strdup_printf (C_("step accessible label", "%s %s, %s"), self->label != NULL ? self->label : "",
                            subject, _(states[self->state]));
  else
    text = g_strdup_printf (C_("step accessible label", "%s, %s"), self->label != NULL ? self->label : "",
                            _(states[self->state]));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->header),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);
}

static void
update_preview (OcgTimelineStep *self,
                const char      *text,
                gsize            len)
{
  g_autofree char *preview = ocg_reasoning_preview (text, len, PREVIEW_LIMIT);

  gtk_label_set_text (GTK_LABEL (self->preview_label), preview);
  gtk_widget_set_visible (self->preview_label, !self->expanded && *preview != '\0');
}

/* A delta: only what depends on the text, without copying it */
static void
update_reasoning_text (OcgTimelineStep *self)
{
  const char *text = ocg_record_get_string (OCG_RECORD (self->part), "text");
  gsize len = ocg_record_get_string_length (OCG_RECORD (self->part), "text");
  g_autofree char *visible = NULL;

  if (text == NULL)
    text = "";
  else if (memchr (text, '\0', len) != NULL)
    {
      /* Grows as the text does: what was shown stays a prefix */
      visible = ocg_text_visible (text, (gssize) len);
      text = visible;
      len = strlen (visible);
    }
  if (scan_heading (self, text, len))
    set_label (self, make_label (self, NULL));
  update_preview (self, text, len);

  if (self->reasoning_block != NULL)
    text_block_append (self->reasoning_block, text, len, &self->reasoning_shown);
}

static void
update_header (OcgTimelineStep *self)
{
  JsonObject *json;
  g_autofree char *markup = NULL;
  const char *error;
  gboolean code;

  if (self->kind == KIND_GROUP)
    {
      ocg_timeline_step_update_group (self);
      return;
    }

  /* Whoever hears of a change sees all of it */
  g_object_freeze_notify (G_OBJECT (self));

  json = part_json (self);
  update_status (self, read_state (self, json));

  if (self->kind == KIND_REASONING)
    {
      self->start_ms = ocg_json_get_int (json, "time.start", 0);
      self->end_ms = ocg_json_get_int (json, "time.end", 0);
      update_reasoning_text (self);
    }
  else
    {
      self->start_ms = ocg_json_get_int (json, "state.time.start", 0);
      self->end_ms = ocg_json_get_int (json, "state.time.end", 0);
    }

  set_label (self, make_label (self, json));

  markup = subject_markup (self, json, &code);
  gtk_label_set_markup (GTK_LABEL (self->subject_label), markup);
  gtk_widget_set_visible (self->subject_label, *markup != '\0');
  if (code)
    gtk_widget_add_css_class (self->subject_label, "monospace");
  else
    gtk_widget_remove_css_class (self->subject_label, "monospace");
  ocg_text_set_tooltip (self->subject_label,
                        self->kind == KIND_BASH ? input_string (json, "description") : NULL);

  if (self->kind == KIND_EDIT)
    update_diff_stats (self, json);

  error = self->state == OCG_STEP_ERROR ? ocg_json_get_string (json, "state.error") : NULL;
  gtk_label_set_text (GTK_LABEL (self->error_label), error != NULL ? error : "");
  gtk_widget_set_visible (self->error_label, !self->expanded && !is_blank (error));

  update_times (self);
  update_accessible (self);
  update_ticking (self);
  update_content (self);

  g_object_thaw_notify (G_OBJECT (self));
}

/* Ticking */

static gboolean
on_tick (gpointer data)
{
  OcgTimelineStep *self = data;

  self->tick_id = 0;

  update_header (self);

  update_ticking (self);
  return G_SOURCE_REMOVE;
}

static void
update_ticking (OcgTimelineStep *self)
{
  gboolean tick = self->state == OCG_STEP_RUNNING && gtk_widget_get_mapped (GTK_WIDGET (self));

  if (tick && self->tick_id == 0)
    self->tick_id = g_timeout_add (ocg_timeline_ms_to_next_tick (self->start_ms), on_tick, self);
  else if (!tick)
    g_clear_handle_id (&self->tick_id, g_source_remove);
}

/* Details */

static GtkWidget *
add_label (GtkWidget  *box,
           const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (GTK_BOX (box), label);
  return label;
}

static void
add_caption (GtkWidget  *box,
             const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
}

static GtkWidget *
add_note (GtkWidget  *box,
          const char *text)
{
  GtkWidget *note = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (note), 0);
  gtk_widget_add_css_class (note, "caption");
  gtk_widget_add_css_class (note, "dim-label");
  gtk_widget_add_css_class (note, "truncation-note");
  gtk_box_append (GTK_BOX (box), note);
  return note;
}

/* Text blocks: text on a card, in a selectable label while it is short, in a
 * text view scrolling in a box of fixed height once it is long. Lists
 * allocate minimum heights, and neither a scrolled window's (its scrollbar's)
 * nor a text view's (which lags behind its layout) fits the text. */

static gboolean
is_tall (const char *text,
         gsize       len)
{
  const char *end = text + len;
  guint lines = 0;

  if (len > OUTPUT_SHORT_BYTES)
    return TRUE;
  for (const char *p = text; p < end && (p = memchr (p, '\n', (gsize) (end - p))) != NULL; p++)
    if (++lines >= OUTPUT_SHORT_LINES)
      return TRUE;
  return FALSE;
}

static GtkWidget *
text_block_new (GtkWidget *box,
                gboolean   monospace)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_widget_add_css_class (card, "step-output");
  g_object_set_data (G_OBJECT (card), "monospace", GINT_TO_POINTER (monospace));
  gtk_box_append (GTK_BOX (box), card);
  return card;
}

static GtkTextView *
text_block_get_view (GtkWidget *card)
{
  GtkWidget *child = gtk_widget_get_first_child (card);

  if (GTK_IS_SCROLLED_WINDOW (child))
    return GTK_TEXT_VIEW (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (child)));
  return NULL;
}

/* Gives the block a label, or a text view when @tall; TRUE when it changed */
static gboolean
text_block_prepare (GtkWidget *card,
                    gboolean   tall)
{
  GtkWidget *child = gtk_widget_get_first_child (card);
  gboolean monospace = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (card), "monospace"));

  if (child != NULL && tall == GTK_IS_SCROLLED_WINDOW (child))
    return FALSE;
  if (child != NULL)
    gtk_box_remove (GTK_BOX (card), child);

  if (tall)
    {
      GtkWidget *view = gtk_text_view_new ();

      gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
      gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), FALSE);
      gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), monospace);
      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
      gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
      gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 10);
      gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 10);
      gtk_widget_add_css_class (view, "step-text");

      child = gtk_scrolled_window_new ();
      gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (child), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
      gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (child), OUTPUT_HEIGHT);
      gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (child), OUTPUT_HEIGHT);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (child), view);
    }
  else
    {
      child = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (child), 0);
      gtk_label_set_yalign (GTK_LABEL (child), 0);
      gtk_label_set_wrap (GTK_LABEL (child), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (child), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (child), TRUE);
      gtk_widget_add_css_class (child, "step-text");
      if (monospace)
        gtk_widget_add_css_class (child, "monospace");
    }
  gtk_box_append (GTK_BOX (card), child);
  return TRUE;
}

static void
scroll_to_end (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
  gtk_text_view_scroll_to_mark (view, gtk_text_buffer_get_insert (buffer), 0, FALSE, 0, 1);
}

/* Sets the text; with @follow, a view scrolled to its end stays there */
static void
text_block_set_text (GtkWidget  *card,
                     const char *text,
                     gsize       len,
                     gboolean    follow)
{
  gboolean fresh = text_block_prepare (card, is_tall (text, len));
  GtkTextView *view = text_block_get_view (card);

  if (view != NULL)
    {
      GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
      gboolean at_end = fresh || gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
                                 gtk_adjustment_get_upper (adjustment) - 1;

      gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, (int) len);
      if (follow && at_end)
        scroll_to_end (view);
    }
  else
    {
      g_autofree char *copy = g_strndup (text, len);

      gtk_label_set_text (GTK_LABEL (gtk_widget_get_first_child (card)), copy);
    }
}

/* Text that only grows, @shown bytes of which the block has */
static void
text_block_append (GtkWidget  *card,
                   const char *text,
                   gsize       len,
                   gsize      *shown)
{
  GtkTextView *view;

  if (text_block_prepare (card, is_tall (text, len)) || len < *shown)
    *shown = 0;

  if ((view = text_block_get_view (card)) != NULL)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
      GtkTextIter end;

      if (*shown == 0)
        gtk_text_buffer_set_text (buffer, "", 0);
      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_insert (buffer, &end, text + *shown, (int) (len - *shown));
    }
  else
    {
      g_autofree char *copy = g_strndup (text, len);

      gtk_label_set_text (GTK_LABEL (gtk_widget_get_first_child (card)), copy);
    }
  *shown = len;
}

static gsize
trim_newlines (const char *text,
               gsize       len)
{
  while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
    len--;
  return len;
}

/* A block of file text or tool output: the first 64 KB */
static void
add_text_block (GtkWidget  *box,
                const char *text,
                gboolean    monospace)
{
  gsize len = trim_newlines (text, strlen (text));
  gsize n = ocg_utf8_head_length (text, len, TEXT_LIMIT);

  if (n < len)
    add_note (box, _("Showing the first 64 KB"));
  text_block_set_text (text_block_new (box, monospace), text, n, FALSE);
}

static const char *
bash_output (JsonObject *json)
{
  const char *output = ocg_json_get_string (json, "state.output");

  return output != NULL ? output : ocg_json_get_string (json, "state.metadata.output");
}

static void
on_copy_clicked (OcgTimelineStep *self)
{
  const char *output = bash_output (part_json (self));
  g_autofree char *text = output != NULL ? ocg_ansi_strip (output, strlen (output)) : g_strdup ("");

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

/* The command and its Copy button sit in a grid, not a box: GTK 4.8's box
 * lines up its children's baselines when it is measured for a width, but
 * not without one, so beside the button the label made it taller for every
 * width than its minimum height (and GTK warned of overlapping widgets). A
 * grid measures both ways alike. */
static void
build_bash (OcgTimelineStep *self)
{
  GtkWidget *bar = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (bar), 6);

  self->command_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->command_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->command_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->command_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (self->command_label), TRUE);
  gtk_widget_set_hexpand (self->command_label, TRUE);
  gtk_widget_add_css_class (self->command_label, "monospace");
  gtk_widget_add_css_class (self->command_label, "step-command");
  gtk_grid_attach (GTK_GRID (bar), self->command_label, 0, 0, 1, 1);

  self->copy_button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  gtk_widget_set_valign (self->copy_button, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (self->copy_button, _("Copy Output"));
  gtk_widget_add_css_class (self->copy_button, "flat");
  gtk_widget_add_css_class (self->copy_button, "circular");
  g_signal_connect_swapped (self->copy_button, "clicked", G_CALLBACK (on_copy_clicked), self);
  gtk_grid_attach (GTK_GRID (bar), self->copy_button, 1, 0, 1, 1);
  gtk_box_append (GTK_BOX (self->content), bar);

  self->output_note = add_note (self->content, _("Showing the last 64 KB"));
  self->output_block = text_block_new (self->content, TRUE);
}

static void
update_bash (OcgTimelineStep *self,
             JsonObject      *json)
{
  const char *command = input_string (json, "command");
  const char *output = bash_output (json);
  g_autofree char *line = g_strdup_printf ("$ %s", command != NULL ? command : "");
  g_autofree char *stripped = NULL;
  gsize len = output != NULL ? strlen (output) : 0;
  gsize tail_len;
  const char *tail;

  gtk_label_set_text (GTK_LABEL (self->command_label), line);

  tail = ocg_utf8_tail (output != NULL ? output : "", len, TEXT_LIMIT, &tail_len);
  stripped = ocg_ansi_strip (tail, tail_len);
  gtk_widget_set_visible (self->output_note, tail_len < len);
  gtk_widget_set_visible (self->output_block, *stripped != '\0');
  gtk_widget_set_visible (self->copy_button, len > 0);
  text_block_set_text (self->output_block, stripped, trim_newlines (stripped, strlen (stripped)), TRUE);
}

static void
apply_diff_colors (OcgTimelineStep *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  GtkTextTagTable *table;
  GdkRGBA added = { 0.15, 0.64, 0.41, 1 };
  GdkRGBA removed = { 0.75, 0.11, 0.16, 1 };
  GdkRGBA hunk = { 0.21, 0.52, 0.89, 1 };

  if (self->diff_buffer == NULL)
    return;

  gtk_style_context_lookup_color (context, "success_color", &added);
  gtk_style_context_lookup_color (context, "error_color", &removed);
  gtk_style_context_lookup_color (context, "accent_color", &hunk);
  added.alpha = 0.16;
  removed.alpha = 0.16;

  table = gtk_text_buffer_get_tag_table (self->diff_buffer);
  g_object_set (gtk_text_tag_table_lookup (table, "added"), "paragraph-background-rgba", &added, NULL);
  g_object_set (gtk_text_tag_table_lookup (table, "removed"), "paragraph-background-rgba", &removed, NULL);
  g_object_set (gtk_text_tag_table_lookup (table, "hunk"), "foreground-rgba", &hunk, NULL);
}

/* Without a unified diff from the server, every old line goes and every new
 * line comes. */
static char *
diff_from_strings (const char *old_text,
                   const char *new_text)
{
  GString *diff = g_string_new (NULL);
  g_auto(GStrv) old_lines = g_strsplit (old_text != NULL ? old_text : "", "\n", -1);
  g_auto(GStrv) new_lines = g_strsplit (new_text != NULL ? new_text : "", "\n", -1);

  for (guint i = 0; old_text != NULL && *old_text != '\0' && old_lines[i] != NULL; i++)
    g_string_append_printf (diff, "-%s\n", old_lines[i]);
  for (guint i = 0; new_text != NULL && *new_text != '\0' && new_lines[i] != NULL; i++)
    g_string_append_printf (diff, "+%s\n", new_lines[i]);
  return g_string_free (diff, FALSE);
}

static void
add_diff (OcgTimelineStep *self,
          const char      *diff)
{
  gsize len = trim_newlines (diff, strlen (diff));
  gsize n = ocg_utf8_head_length (diff, len, TEXT_LIMIT);
  const char *p = diff;
  const char *end = diff + n;
  GtkWidget *card;
  GtkWidget *lines = NULL;
  GtkTextIter iter;

  if (n < len)
    add_note (self->content, _("Showing the first 64 KB"));
  card = text_block_new (self->content, TRUE);
  gtk_widget_add_css_class (card, "diff");

  /* Short diffs: a label per line, coloured by CSS across the whole width */
  if (is_tall (diff, n))
    {
      text_block_prepare (card, TRUE);
      self->diff_buffer = gtk_text_view_get_buffer (text_block_get_view (card));
      gtk_text_buffer_create_tag (self->diff_buffer, "added", NULL);
      gtk_text_buffer_create_tag (self->diff_buffer, "removed", NULL);
      gtk_text_buffer_create_tag (self->diff_buffer, "hunk", NULL);
      gtk_text_buffer_create_tag (self->diff_buffer, "meta", "foreground-rgba", &(GdkRGBA) { 0.5, 0.5, 0.5, 1 }, NULL);
      apply_diff_colors (self);
      gtk_text_buffer_get_end_iter (self->diff_buffer, &iter);
    }
  else
    {
      lines = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      gtk_widget_add_css_class (lines, "diff-lines");
      gtk_box_append (GTK_BOX (card), lines);
    }

  while (p < end)
    {
      const char *nl = memchr (p, '\n', (gsize) (end - p));
      const char *line_end = nl != NULL ? nl : end;
      int line_len = (int) (line_end - p);
      const char *tag = NULL;

      if (g_str_has_prefix (p, "Index: ") || g_str_has_prefix (p, "====") ||
          g_str_has_prefix (p, "--- ") || g_str_has_prefix (p, "+++ ") ||
          g_str_has_prefix (p, "diff ") || g_str_has_prefix (p, "index "))
        {
          p = nl != NULL ? nl + 1 : end;
          continue;
        }
      if (*p == '+')
        tag = "added";
      else if (*p == '-')
        tag = "removed";
      else if (g_str_has_prefix (p, "@@"))
        tag = "hunk";
      else if (*p == '\\')
        tag = "meta";

      if (lines != NULL)
        {
          g_autofree char *text = g_strndup (p, (gsize) line_len);
          GtkWidget *label = gtk_label_new (text);

          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
          gtk_label_set_selectable (GTK_LABEL (label), TRUE);
          gtk_widget_add_css_class (label, "diff-line");
          gtk_widget_add_css_class (label, "monospace");
          if (tag != NULL)
            gtk_widget_add_css_class (label, tag);
          gtk_box_append (GTK_BOX (lines), label);
        }
      else
        {
          if (gtk_text_iter_get_offset (&iter) > 0)
            gtk_text_buffer_insert (self->diff_buffer, &iter, "\n", 1);
          if (tag != NULL)
            gtk_text_buffer_insert_with_tags_by_name (self->diff_buffer, &iter, p, line_len, tag, NULL);
          else
            gtk_text_buffer_insert (self->diff_buffer, &iter, p, line_len);
        }
      p = nl != NULL ? nl + 1 : end;
    }
}

static void
build_edit (OcgTimelineStep *self,
            JsonObject      *json)
{
  const char *tool = ocg_json_get_string (json, "tool");
  const char *diff = ocg_json_get_string (json, "state.metadata.diff");
  const char *s;

  if (g_strcmp0 (tool, "write") == 0 && (s = input_string (json, "content")) != NULL)
    {
      JsonNode *exists = ocg_json_lookup (json, "state.metadata.exists");
      gboolean existed = exists != NULL && JSON_NODE_HOLDS_VALUE (exists) &&
                         json_node_get_value_type (exists) == G_TYPE_BOOLEAN &&
                         json_node_get_boolean (exists);

      add_caption (self->content, existed ? _("File content") : _("New file"));
      add_text_block (self->content, s, TRUE);
    }
  else if (!is_blank (diff))
    add_diff (self, diff);
  else if (input_string (json, "oldString") != NULL || input_string (json, "newString") != NULL)
    {
      g_autofree char *made = diff_from_strings (input_string (json, "oldString"),
                                                 input_string (json, "newString"));
      add_diff (self, made);
    }
  else if (!is_blank (s = input_string (json, "patchText")))
    add_diff (self, s);
}

static void
build_read (OcgTimelineStep *self,
            JsonObject      *json)
{
  const char *path = input_string (json, "filePath");
  const char *preview = ocg_json_get_string (json, "state.metadata.preview");
  gint64 start = ocg_json_get_int (json, "state.metadata.display.lineStart", 0);
  gint64 end = ocg_json_get_int (json, "state.metadata.display.lineEnd", 0);
  gint64 total = ocg_json_get_int (json, "state.metadata.display.totalLines", 0);
  gint64 offset = ocg_json_get_int (json, "state.input.offset", 0);
  gint64 limit = ocg_json_get_int (json, "state.input.limit", 0);
  g_autofree char *range = NULL;

  /* Line numbers fit an int; a format gettext can extract */
  if (start > 0 && end >= start && total > 0)
    range = g_strdup_printf (_("Lines %d–%d of %d"), (int) start, (int) end, (int) total);
  else if (offset > 0 && limit > 0)
    range = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d line from line %d", "%d lines from line %d", (gulong) limit),
                             (int) limit, (int) offset);
  else if (offset > 0)
    range = g_strdup_printf (_("From line %d"), (int) offset);
  else if (limit > 0)
    range = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "First line", "First %d lines", (gulong) limit), (int) limit);

  if (path != NULL)
    {
      g_autofree char *text = range != NULL ? g_strdup_printf ("%s · %s", path, range) : g_strdup (path);

      add_label (self->content, text, "dim-label");
    }
  if (preview == NULL)
    preview = ocg_json_get_string (json, "state.output");
  if (!is_blank (preview))
    add_text_block (self->content, preview, TRUE);
}

static void
build_todos (OcgTimelineStep *self,
             JsonObject      *json)
{
  JsonArray *todos = ocg_json_get_array (json, "state.input.todos");
  guint n = todos != NULL ? json_array_get_length (todos) : 0;
  /* A grid, so that a todo's text can wrap beside its icon: see build_bash() */
  GtkWidget *list = gtk_grid_new ();

  gtk_grid_set_row_spacing (GTK_GRID (list), 4);
  gtk_grid_set_column_spacing (GTK_GRID (list), 8);
  gtk_widget_add_css_class (list, "step-todos");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (todos, i);
      JsonObject *todo;
      const char *status;
      const char *icon = "checkbox-symbolic";
      GtkWidget *image;
      GtkWidget *label;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      todo = json_node_get_object (node);
      status = ocg_json_get_string (todo, "status");
      if (g_strcmp0 (status, "completed") == 0)
        icon = "checkbox-checked-symbolic";
      else if (g_strcmp0 (status, "in_progress") == 0)
        icon = "checkbox-mixed-symbolic";

      image = gtk_image_new_from_icon_name (icon);
      gtk_widget_set_valign (image, GTK_ALIGN_START);
      gtk_grid_attach (GTK_GRID (list), image, 0, (int) i, 1, 1);
      label = gtk_label_new (ocg_json_get_string (todo, "content"));
      gtk_widget_set_valign (label, GTK_ALIGN_START);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      if (g_strcmp0 (status, "completed") == 0 || g_strcmp0 (status, "cancelled") == 0)
        gtk_widget_add_css_class (label, "dim-label");
      gtk_grid_attach (GTK_GRID (list), label, 1, (int) i, 1, 1);
    }
  gtk_box_append (GTK_BOX (self->content), list);
}

static void
build_question (OcgTimelineStep *self,
                JsonObject      *json)
{
  JsonArray *questions = ocg_json_get_array (json, "state.input.questions");
  JsonArray *answers = ocg_json_get_array (json, "state.metadata.answers");
  guint n = questions != NULL ? json_array_get_length (questions) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (questions, i);
      GString *answer = g_string_new (NULL);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_string_free (answer, TRUE);
          continue;
        }
      add_label (self->content, ocg_json_get_string (json_node_get_object (node), "question"), "step-question");
      if (answers != NULL && i < json_array_get_length (answers) &&
          JSON_NODE_HOLDS_ARRAY (json_array_get_element (answers, i)))
        {
          JsonArray *chosen = json_array_get_array_element (answers, i);

          for (guint j = 0; j < json_array_get_length (chosen); j++)
            {
              const char *s = json_node_get_string (json_array_get_element (chosen, j));

              if (s != NULL)
                g_string_append_printf (answer, "%s%s", answer->len > 0 ? ", " : "", s);
            }
        }
      if (answer->len > 0)
        {
          g_autofree char *text = g_strdup_printf ("→ %s", answer->str);

          add_label (self->content, text, NULL);
        }
      g_string_free (answer, TRUE);
    }
}

static void
build_generic (OcgTimelineStep *self,
               JsonObject      *json)
{
  JsonNode *input = ocg_json_lookup (json, "state.input");
  const char *output = ocg_json_get_string (json, "state.output");
  const char *url = input_string (json, "url");

  gboolean with_input = FALSE;

  /* The header says what a known tool was asked; for others, the input */
  if (self->kind == KIND_WEB && url != NULL)
    add_label (self->content, url, "dim-label");
  else if (self->kind == KIND_OTHER && input != NULL && JSON_NODE_HOLDS_OBJECT (input) &&
           json_object_get_size (json_node_get_object (input)) > 0)
    {
      g_autofree char *pretty = ocg_json_to_string (input, TRUE);

      add_caption (self->content, _("Input"));
      add_text_block (self->content, pretty, TRUE);
      with_input = TRUE;
    }
  if (!is_blank (output))
    {
      if (with_input)
        add_caption (self->content, _("Output"));
      add_text_block (self->content, output, TRUE);
    }
}

/* Ctrl+click and middle click open the child session in a tab of its own */
static void
on_open_button_pressed (GtkGestureClick *gesture,
                        int              n_press,
                        double           x,
                        double           y,
                        OcgTimelineStep *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  const char *session_id = ocg_json_get_string (part_json (self), "state.metadata.sessionId");

  if (is_blank (session_id) || !(button == GDK_BUTTON_MIDDLE || (button == GDK_BUTTON_PRIMARY && (state & GDK_CONTROL_MASK))))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_activate_action (self->open_button, "win.open-in-new-tab", "s", session_id);
}

static void
build_task (OcgTimelineStep *self)
{
  self->open_button = gtk_button_new_with_label (_("Open Session"));
  gtk_widget_set_halign (self->open_button, GTK_ALIGN_START);
  gtk_widget_add_css_class (self->open_button, "open-session");
  /* The page that shows the transcript opens it (in place, with a way back) */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->open_button), "session.open-child");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->open_button), "s", "");
  {
    GtkGesture *click = gtk_gesture_click_new ();

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
    gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
    g_signal_connect (click, "pressed", G_CALLBACK (on_open_button_pressed), self);
    gtk_widget_add_controller (self->open_button, GTK_EVENT_CONTROLLER (click));
  }
  gtk_box_append (GTK_BOX (self->content), self->open_button);
}

static void
update_task (OcgTimelineStep *self,
             JsonObject      *json)
{
  const char *session_id = ocg_json_get_string (json, "state.metadata.sessionId");

  gtk_widget_set_sensitive (self->open_button, !is_blank (session_id));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->open_button), "s", is_blank (session_id) ? "" : session_id);
  if (self->nested == NULL && !is_blank (session_id) && self->store != NULL)
    {
      self->nested = ocg_timeline_new (self->store);
      ocg_timeline_set_show_header (OCG_TIMELINE (self->nested), FALSE);
      ocg_timeline_set_session (OCG_TIMELINE (self->nested), session_id);
      gtk_box_prepend (GTK_BOX (self->content), self->nested);
    }
}

static void
clear_content (OcgTimelineStep *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->content)) != NULL)
    gtk_box_remove (GTK_BOX (self->content), child);
  self->diff_buffer = NULL;
  self->output_block = NULL;
  self->output_note = NULL;
  self->command_label = NULL;
  self->copy_button = NULL;
  self->content_error = NULL;
}

/* Built once for commands, reasoning and tasks, which update in place;
 * rebuilt for the others, which change only when their status does. */
static void
update_content (OcgTimelineStep *self)
{
  JsonObject *json;
  const char *error;

  if (self->content == NULL || self->kind == KIND_GROUP)
    return;

  if (self->kind == KIND_REASONING)
    {
      if (self->reasoning_block == NULL)
        {
          self->reasoning_block = text_block_new (self->content, FALSE);
          gtk_widget_add_css_class (self->reasoning_block, "reasoning-text");
          self->reasoning_shown = 0;
          update_reasoning_text (self);
        }
      return;
    }

  json = part_json (self);
  if (json == self->shown_json)
    return;
  g_clear_pointer (&self->shown_json, json_object_unref);
  self->shown_json = json_object_ref (json);

  switch (self->kind)
    {
    case KIND_BASH:
      if (self->output_block == NULL)
        build_bash (self);
      update_bash (self, json);
      break;

    case KIND_TASK:
      if (self->open_button == NULL)
        build_task (self);
      update_task (self, json);
      break;

    case KIND_EDIT:
      clear_content (self);
      build_edit (self, json);
      break;

    case KIND_READ:
      clear_content (self);
      build_read (self, json);
      break;

    case KIND_TODO:
      clear_content (self);
      build_todos (self, json);
      break;

    case KIND_QUESTION:
      clear_content (self);
      build_question (self, json);
      break;

    case KIND_SEARCH:
    case KIND_WEB:
    case KIND_OTHER:
    case KIND_REASONING:
    case KIND_GROUP:
    default:
      clear_content (self);
      build_generic (self, json);
      break;
    }

  error = self->state == OCG_STEP_ERROR ? ocg_json_get_string (json, "state.error") : NULL;
  if (self->content_error == NULL && !is_blank (error))
    self->content_error = add_label (self->content, NULL, "error");
  if (self->content_error != NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->content_error), error != NULL ? error : "");
      gtk_widget_set_visible (self->content_error, !is_blank (error));
    }

  if (gtk_widget_get_first_child (self->content) == NULL)
    add_label (self->content, self->state == OCG_STEP_PENDING ? _("Waiting to start") : _("No details"),
               "dim-label");
}

static void
build_content (OcgTimelineStep *self)
{
  g_assert (self->content == NULL);

  self->content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class (self->content, "step-content");
  gtk_revealer_set_child (GTK_REVEALER (self->revealer), self->content);
  update_content (self);
}

/* Expansion */

static void
on_header_clicked (OcgTimelineStep *self)
{
  ocg_timeline_step_set_expanded (self, !self->expanded);
}

void
ocg_timeline_step_set_expanded (OcgTimelineStep *self,
                                gboolean         expanded)
{
  g_return_if_fail (OCG_IS_TIMELINE_STEP (self));

  expanded = !!expanded;
  if (self->expanded == expanded)
    return;
  self->expanded = expanded;

  if (expanded && self->content == NULL && self->kind != KIND_GROUP)
    build_content (self);

  gtk_revealer_set_reveal_child (GTK_REVEALER (self->revealer), expanded);
  if (expanded)
    gtk_widget_add_css_class (GTK_WIDGET (self), "expanded");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "expanded");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->header),
                               GTK_ACCESSIBLE_STATE_EXPANDED, expanded,
                               -1);

  /* The details say it in full */
  gtk_widget_set_visible (self->preview_label,
                          !expanded && *gtk_label_get_text (GTK_LABEL (self->preview_label)) != '\0');
  gtk_widget_set_visible (self->error_label,
                          !expanded && *gtk_label_get_text (GTK_LABEL (self->error_label)) != '\0');

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPANDED]);
}

/* Groups */

static gboolean
step_is_context (OcgTimelineStep *self)
{
  return self->kind == KIND_READ ||
         (self->kind == KIND_SEARCH);
}

void
ocg_timeline_step_update_group (OcgTimelineStep *self)
{
  guint reads = 0, searches = 0, failed = 0, n = 0;
  gint64 start = 0, end = 0;
  OcgStepState state = OCG_STEP_COMPLETED;
  OcgTimelineStep *last = NULL;
  g_autofree char *reads_text = NULL;
  g_autofree char *searches_text = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *tooltip = NULL;

  g_return_if_fail (OCG_IS_TIMELINE_STEP (self));
  g_return_if_fail (self->kind == KIND_GROUP);

  for (GtkWidget *child = gtk_widget_get_first_child (self->group_box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      OcgTimelineStep *step = OCG_TIMELINE_STEP (child);

      n++;
      last = step;
      if (step->kind == KIND_READ)
        reads++;
      else
        searches++;
      if (step->state == OCG_STEP_ERROR)
        failed++;
      if (step->state == OCG_STEP_RUNNING || step->state == OCG_STEP_PENDING)
        state = OCG_STEP_RUNNING;
      else if (step->state == OCG_STEP_INTERRUPTED && state != OCG_STEP_RUNNING)
        state = OCG_STEP_INTERRUPTED;
      if (step->start_ms > 0 && (start == 0 || step->start_ms < start))
        start = step->start_ms;
      end = MAX (end, step->end_ms);
    }

  self->start_ms = start;
  self->end_ms = end;
  update_status (self, state);
  gtk_widget_set_visible (self->status_icon, failed > 0);
  if (failed > 0)
    tooltip = g_strdup_printf (ngettext ("%u step failed", "%u steps failed", failed), failed);
  ocg_text_set_tooltip (self->status_icon, tooltip);

  set_label (self, g_strdup (last != NULL && last->state == OCG_STEP_RUNNING ? _("Gathering context")
                                                                              : _("Gathered context")));

  reads_text = g_strdup_printf (ngettext ("%u read", "%u reads", reads), reads);
  searches_text = g_strdup_printf (ngettext ("%u search", "%u searches", searches), searches);
  if (reads > 0 && searches > 0)
    subject = g_strdup_printf ("%s, %s", reads_text, searches_text);
  else
    subject = g_strdup (reads > 0 ? reads_text : searches_text);
  gtk_label_set_text (GTK_LABEL (self->subject_label), n > 0 ? subject : "");
  gtk_widget_set_visible (self->subject_label, n > 0);

  update_times (self);
  update_accessible (self);
  update_ticking (self);
}

GtkBox *
ocg_timeline_step_get_group_box (OcgTimelineStep *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE_STEP (self), NULL);
  return self->group_box != NULL ? GTK_BOX (self->group_box) : NULL;
}

/* GObject */

static void
on_part_notify (OcgTimelineStep *self,
                GParamSpec      *pspec,
                OcgPart         *part)
{
  if (self->kind == KIND_REASONING && strcmp (pspec->name, "text") == 0)
    update_reasoning_text (self);
  else
    update_header (self);
}

static void
ocg_timeline_step_constructed (GObject *object)
{
  OcgTimelineStep *self = OCG_TIMELINE_STEP (object);

  G_OBJECT_CLASS (ocg_timeline_step_parent_class)->constructed (object);

  if (self->part == NULL)
    {
      self->kind = KIND_GROUP;
      self->group_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      gtk_widget_add_css_class (self->group_box, "group-steps");
      gtk_revealer_set_child (GTK_REVEALER (self->revealer), self->group_box);
    }
  else if (g_strcmp0 (ocg_record_get_string (OCG_RECORD (self->part), "type"), "reasoning") == 0)
    self->kind = KIND_REASONING;
  else
    self->kind = kind_of_tool (ocg_record_get_string (OCG_RECORD (self->part), "tool"));

  gtk_widget_add_css_class (GTK_WIDGET (self), kinds[self->kind].css);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->icon), kinds[self->kind].icon);

  if (self->part != NULL)
    {
      g_signal_connect_object (self->part, "notify", G_CALLBACK (on_part_notify), self, G_CONNECT_SWAPPED);
      /* Every new version of the part (a command's growing output, say),
       * also when no declared property changed */
      g_signal_connect_object (self->part, "changed", G_CALLBACK (update_header), self, G_CONNECT_SWAPPED);
    }
  update_header (self);
}

static void
ocg_timeline_step_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (ocg_timeline_step_parent_class)->map (widget);
  update_ticking (OCG_TIMELINE_STEP (widget));
}

static void
ocg_timeline_step_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (ocg_timeline_step_parent_class)->unmap (widget);
  update_ticking (OCG_TIMELINE_STEP (widget));
}

static void
ocg_timeline_step_css_changed (GtkWidget         *widget,
                               GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (ocg_timeline_step_parent_class)->css_changed (widget, change);
  apply_diff_colors (OCG_TIMELINE_STEP (widget));
}

static void
ocg_timeline_step_dispose (GObject *object)
{
  OcgTimelineStep *self = OCG_TIMELINE_STEP (object);
  GtkWidget *child;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->part != NULL)
    g_signal_handlers_disconnect_by_data (self->part, self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->content = NULL;
  self->group_box = NULL;
  self->nested = NULL;
  self->output_block = NULL;
  self->diff_buffer = NULL;
  self->reasoning_block = NULL;

  G_OBJECT_CLASS (ocg_timeline_step_parent_class)->dispose (object);
}

static void
ocg_timeline_step_finalize (GObject *object)
{
  OcgTimelineStep *self = OCG_TIMELINE_STEP (object);

  g_clear_object (&self->part);
  g_clear_object (&self->store);
  g_clear_pointer (&self->root, g_free);
  g_clear_pointer (&self->shown_json, json_object_unref);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->heading, g_free);

  G_OBJECT_CLASS (ocg_timeline_step_parent_class)->finalize (object);
}

static void
ocg_timeline_step_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  OcgTimelineStep *self = OCG_TIMELINE_STEP (object);

  switch (prop_id)
    {
    case PROP_PART:
      g_value_set_object (value, self->part);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_ROOT:
      g_value_set_string (value, self->root);
      break;
    case PROP_EXPANDED:
      g_value_set_boolean (value, self->expanded);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_timeline_step_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  OcgTimelineStep *self = OCG_TIMELINE_STEP (object);

  switch (prop_id)
    {
    case PROP_PART:
      self->part = g_value_dup_object (value);
      break;
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_ROOT:
      self->root = g_value_dup_string (value);
      break;
    case PROP_EXPANDED:
      ocg_timeline_step_set_expanded (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_timeline_step_class_init (OcgTimelineStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ocg_timeline_step_constructed;
  object_class->dispose = ocg_timeline_step_dispose;
  object_class->finalize = ocg_timeline_step_finalize;
  object_class->get_property = ocg_timeline_step_get_property;
  object_class->set_property = ocg_timeline_step_set_property;

  widget_class->map = ocg_timeline_step_map;
  widget_class->unmap = ocg_timeline_step_unmap;
  widget_class->css_changed = ocg_timeline_step_css_changed;

  /* The tool or reasoning part; none for a group */
  properties[PROP_PART] =
    g_param_spec_object ("part", NULL, NULL, OCG_TYPE_PART,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Where a task's child session is found */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, OCG_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The project folder, which paths are shown relative to */
  properties[PROP_ROOT] =
    g_param_spec_string ("root", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EXPANDED] =
    g_param_spec_boolean ("expanded", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* "Running commands", "Thinking: Planning the fix", ... */
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* An OcgStepState */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, OCG_STEP_PENDING, OCG_STEP_INTERRUPTED, OCG_STEP_PENDING,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "timelinestep");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
}

static GtkWidget *
header_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
ocg_timeline_step_init (OcgTimelineStep *self)
{
  GtkWidget *row;
  GtkWidget *texts;
  GtkWidget *line;
  GtkWidget *top;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_HORIZONTAL);

  /* The rail: a line, the node, a line to the next step */
  self->rail = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (self->rail, "rail");
  top = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (top, "line");
  gtk_widget_add_css_class (top, "line-top");
  gtk_widget_set_halign (top, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (self->rail), top);
  self->node = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (self->node, "node");
  gtk_widget_set_halign (self->node, GTK_ALIGN_CENTER);
  self->icon = gtk_image_new ();
  gtk_widget_set_halign (self->icon, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->icon, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (self->node), self->icon);
  gtk_box_append (GTK_BOX (self->rail), self->node);
  line = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (line, "line");
  gtk_widget_add_css_class (line, "line-bottom");
  gtk_widget_set_halign (line, GTK_ALIGN_CENTER);
  gtk_widget_set_vexpand (line, TRUE);
  gtk_box_append (GTK_BOX (self->rail), line);
  gtk_widget_set_parent (self->rail, GTK_WIDGET (self));

  self->main_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (self->main_box, TRUE);
  gtk_widget_add_css_class (self->main_box, "step-main");
  gtk_widget_set_parent (self->main_box, GTK_WIDGET (self));

  /* The header: the whole row toggles the details */
  self->header = gtk_button_new ();
  gtk_widget_add_css_class (self->header, "flat");
  gtk_widget_add_css_class (self->header, "step-header");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->header), GTK_ACCESSIBLE_STATE_EXPANDED, FALSE, -1);
  g_signal_connect_swapped (self->header, "clicked", G_CALLBACK (on_header_clicked), self);
  gtk_box_append (GTK_BOX (self->main_box), self->header);

  /* A grid, not a box: beside the wrapping preview, the labels and icons
   * would make a box taller for a width than without one (see build_bash) */
  row = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (row), 6);
  gtk_button_set_child (GTK_BUTTON (self->header), row);

  texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_grid_attach_next_to (GTK_GRID (row), texts, NULL, GTK_POS_RIGHT, 1, 1);

  line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_box_append (GTK_BOX (texts), line);
  self->title_label = header_label ("step-title");
  gtk_label_set_ellipsize (GTK_LABEL (self->title_label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (line), self->title_label);
  self->subject_label = header_label ("step-subject");
  gtk_label_set_ellipsize (GTK_LABEL (self->subject_label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (self->subject_label), TRUE);
  gtk_widget_set_hexpand (self->subject_label, TRUE);
  gtk_box_append (GTK_BOX (line), self->subject_label);
  self->adds_label = header_label ("diff-added");
  gtk_widget_add_css_class (self->adds_label, "numeric");
  gtk_widget_set_visible (self->adds_label, FALSE);
  gtk_box_append (GTK_BOX (line), self->adds_label);
  self->dels_label = header_label ("diff-removed");
  gtk_widget_add_css_class (self->dels_label, "numeric");
  gtk_widget_set_visible (self->dels_label, FALSE);
  gtk_box_append (GTK_BOX (line), self->dels_label);

  self->preview_label = header_label ("step-preview");
  gtk_label_set_wrap (GTK_LABEL (self->preview_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->preview_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (self->preview_label), 2);
  gtk_label_set_ellipsize (GTK_LABEL (self->preview_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_visible (self->preview_label, FALSE);
  gtk_box_append (GTK_BOX (texts), self->preview_label);

  self->error_label = header_label ("step-error");
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->error_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (self->error_label), 3);
  gtk_label_set_ellipsize (GTK_LABEL (self->error_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_visible (self->error_label, FALSE);
  gtk_box_append (GTK_BOX (texts), self->error_label);

  self->spinner = gtk_spinner_new ();
  gtk_widget_set_valign (self->spinner, GTK_ALIGN_START);
  gtk_widget_add_css_class (self->spinner, "step-spinner");
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_grid_attach_next_to (GTK_GRID (row), self->spinner, NULL, GTK_POS_RIGHT, 1, 1);

  self->status_icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  gtk_widget_set_valign (self->status_icon, GTK_ALIGN_START);
  gtk_widget_add_css_class (self->status_icon, "error");
  gtk_widget_add_css_class (self->status_icon, "step-status");
  gtk_widget_set_visible (self->status_icon, FALSE);
  gtk_grid_attach_next_to (GTK_GRID (row), self->status_icon, NULL, GTK_POS_RIGHT, 1, 1);

  self->duration_label = header_label ("step-duration");
  gtk_widget_set_valign (self->duration_label, GTK_ALIGN_START);
  gtk_widget_add_css_class (self->duration_label, "numeric");
  gtk_grid_attach_next_to (GTK_GRID (row), self->duration_label, NULL, GTK_POS_RIGHT, 1, 1);

  self->time_label = header_label ("step-time");
  gtk_widget_set_valign (self->time_label, GTK_ALIGN_START);
  gtk_widget_add_css_class (self->time_label, "numeric");
  gtk_grid_attach_next_to (GTK_GRID (row), self->time_label, NULL, GTK_POS_RIGHT, 1, 1);

  self->arrow = gtk_image_new_from_icon_name ("pan-end-symbolic");
  gtk_widget_set_valign (self->arrow, GTK_ALIGN_START);
  gtk_widget_add_css_class (self->arrow, "disclosure");
  gtk_grid_attach_next_to (GTK_GRID (row), self->arrow, NULL, GTK_POS_RIGHT, 1, 1);

  self->revealer = gtk_revealer_new ();
  gtk_revealer_set_transition_type (GTK_REVEALER (self->revealer), GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_box_append (GTK_BOX (self->main_box), self->revealer);
}

/* Public */

GtkWidget *
ocg_timeline_step_new (OcgStore   *store,
                       OcgPart    *part,
                       const char *root)
{
  g_return_val_if_fail (store == NULL || OCG_IS_STORE (store), NULL);
  g_return_val_if_fail (OCG_IS_PART (part), NULL);

  return g_object_new (OCG_TYPE_TIMELINE_STEP,
                       "store", store,
                       "part", part,
                       "root", root,
                       NULL);
}

GtkWidget *
ocg_timeline_step_new_group (void)
{
  return g_object_new (OCG_TYPE_TIMELINE_STEP, NULL);
}

OcgPart *
ocg_timeline_step_get_part (OcgTimelineStep *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE_STEP (self), NULL);
  return self->part;
}

OcgStepState
ocg_timeline_step_get_state (OcgTimelineStep *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE_STEP (self), OCG_STEP_PENDING);
  return self->state;
}

const char *
ocg_timeline_step_get_label (OcgTimelineStep *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE_STEP (self), NULL);
  return self->label;
}

gboolean
ocg_timeline_step_get_expanded (OcgTimelineStep *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE_STEP (self), FALSE);
  return self->expanded;
}

gboolean
ocg_timeline_step_is_context (OcgTimelineStep *self)
{
  g_return_val_if_fail (OCG_IS_TIMELINE_STEP (self), FALSE);
  return step_is_context (self);
}

/* Whether the turn of this step will not go on (its session is idle, or a
 * newer turn began): an unfinished step is then shown as interrupted, and
 * nothing ticks. A group passes it to its steps. */
void
ocg_timeline_step_set_interrupted (OcgTimelineStep *self,
                                   gboolean         interrupted)
{
  g_return_if_fail (OCG_IS_TIMELINE_STEP (self));

  interrupted = !!interrupted;
  if (self->interrupted == interrupted)
    return;
  self->interrupted = interrupted;
  if (self->kind == KIND_GROUP)
    {
      for (GtkWidget *child = gtk_widget_get_first_child (self->group_box); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        ocg_timeline_step_set_interrupted (OCG_TIMELINE_STEP (child), interrupted);
    }
  update_header (self);
}

/* Re-reads the part: for what changes without a notification (a reasoning
 * ends when its message does) */
void
ocg_timeline_step_update (OcgTimelineStep *self)
{
  g_return_if_fail (OCG_IS_TIMELINE_STEP (self));
  update_header (self);
}

void
ocg_timeline_step_set_edges (OcgTimelineStep *self,
                             gboolean         first,
                             gboolean         last)
{
  g_return_if_fail (OCG_IS_TIMELINE_STEP (self));

  if (first)
    gtk_widget_add_css_class (GTK_WIDGET (self), "first");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "first");
  if (last)
    gtk_widget_add_css_class (GTK_WIDGET (self), "last");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "last");
}
