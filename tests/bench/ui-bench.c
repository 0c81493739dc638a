/* ui-bench.c: what the window costs while it streams and when it opens a
 * long session. Run by tests/bench/run-ui.sh under Xvfb; prints ratios.
 *
 *   streaming   CPU time per 1,000 deltas into a visible Markdown answer
 *               while it grows to 1 KB, and while it grows to 100 KB
 *   frames      99th percentile of frame times (update to after-paint)
 *               while 200 deltas a second stream into an answer with code
 *   opening     time to the first complete frame and RSS growth when a
 *               session of 2,000 messages is opened, against one of 20
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"
#include "fake-server.h"
#include "ocg-chat-view.h"
#include "ocg-json.h"
#include "ocg-window.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static OcgWindow *window;
static OcgConnection *connection;
static OcgStore *store;
static OcgSync *sync_;

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static long
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + 6, NULL, 10) : 0;
}

static void
apply (const char *json)
{
  ocg_sync_apply_frame (sync_, json, strlen (json));
}

static void
apply_delta (const char *session,
             const char *message,
             const char *part,
             const char *delta)
{
  g_autoptr(GString) frame = g_string_new ("{\"type\":\"message.part.delta\",\"properties\":{\"sessionID\":");

  ocg_json_append_string (frame, session, strlen (session));
  g_string_append (frame, ",\"messageID\":");
  ocg_json_append_string (frame, message, strlen (message));
  g_string_append (frame, ",\"partID\":");
  ocg_json_append_string (frame, part, strlen (part));
  g_string_append (frame, ",\"field\":\"text\",\"delta\":");
  ocg_json_append_string (frame, delta, strlen (delta));
  g_string_append (frame, "}}");
  apply (frame->str);
}

/* A session with @n_turns turns: user text, assistant with reasoning, a
 * tool and a Markdown answer with a code block */
static void
make_session (const char *session,
              guint       n_turns)
{
  g_autofree char *created = g_strdup_printf ("{\"type\":\"session.created\",\"properties\":{\"info\":{\"id\":\"%s\",\"title\":\"%s\",\"time\":{\"created\":1,\"updated\":1}}}}", session, session);

  apply (created);
  for (guint t = 0; t < n_turns; t++)
    {
      g_autofree char *user = g_strdup_printf ("{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"msg_%s_%06u_u\",\"sessionID\":\"%s\",\"role\":\"user\",\"time\":{\"created\":1000}}}}", session, t, session);
      g_autofree char *user_part = g_strdup_printf ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_%s_%06u_u\",\"messageID\":\"msg_%s_%06u_u\",\"sessionID\":\"%s\",\"type\":\"text\",\"text\":\"Question number %u: how does the parser handle CRLF?\"}}}", session, t, session, t, session, t);
      g_autofree char *assistant = g_strdup_printf ("{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"msg_%s_%06u_v\",\"sessionID\":\"%s\",\"role\":\"assistant\",\"parentID\":\"msg_%s_%06u_u\",\"modelID\":\"m\",\"time\":{\"created\":1000,\"completed\":3000}}}}", session, t, session, session, t);
      g_autofree char *tool = g_strdup_printf ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_%s_%06u_v1\",\"messageID\":\"msg_%s_%06u_v\",\"sessionID\":\"%s\",\"type\":\"tool\",\"tool\":\"bash\",\"callID\":\"c\",\"state\":{\"status\":\"completed\",\"input\":{\"command\":\"ls -la\"},\"output\":\"total 0\",\"time\":{\"start\":1000,\"end\":1500}}}}}", session, t, session, t, session);
      g_autofree char *answer = g_strdup_printf ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_%s_%06u_v2\",\"messageID\":\"msg_%s_%06u_v\",\"sessionID\":\"%s\",\"type\":\"text\",\"text\":\"## Answer %u\\n\\nIt treats **CR**, **LF** and `CRLF` alike:\\n\\n- one\\n- two\\n\\n```c\\nint x = %u;\\n```\\n\"}}}", session, t, session, t, session, t, t);

      apply (user);
      apply (user_part);
      apply (assistant);
      apply (tool);
      apply (answer);
    }
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

/* Where a frame's time goes: GTK's own handlers run before ours, so each of
 * ours marks the end of that phase */
static gint64 phase_mark;
static double phase_totals[3];
static gboolean phase_on;

static void
on_phase (GdkFrameClock *clock,
          gpointer       data)
{
  gint64 now = g_get_monotonic_time ();
  int phase = GPOINTER_TO_INT (data);

  if (phase_on && phase > 0 && phase_mark > 0)
    phase_totals[phase - 1] += (now - phase_mark) / 1e6;
  phase_mark = now;
}

/* Frame timing */
static GArray *frame_times;
static gint64 frame_start;

static void
on_update (GdkFrameClock *clock,
           gpointer       data)
{
  frame_start = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  if (frame_start > 0 && frame_times != NULL)
    {
      double ms = (g_get_monotonic_time () - frame_start) / 1000.0;

      g_array_append_val (frame_times, ms);
    }
  frame_start = 0;
}

static const char *only;

static gboolean
runs (const char *part)
{
  return only == NULL || strcmp (only, part) == 0;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Streams deltas into a new turn until its text reaches @target bytes.
 * Up to @measure_from bytes it streams as fast as it can, letting a frame
 * happen now and then; from there on it streams @rate deltas a second in
 * real time, as a server would, so that every measured delta shares in the
 * same number of frames whatever the size of the answer. Returns the CPU
 * seconds per 1,000 measured deltas. */
/* Deltas a second while measuring, as in the frame-time test */
#define STREAM_RATE 200

static gboolean prose_only;
static guint stream_turn;

static double
stream_cost (const char *session,
             gsize       measure_from,
             gsize       target,
             guint       rate,
             guint      *out_measured)
{
  g_autofree char *message = g_strdup_printf ("msg_%s_zz%04u", session, ++stream_turn);
  g_autofree char *part = g_strdup_printf ("prt_%s_zz%04u", session, stream_turn);
  g_autofree char *info = g_strdup_printf ("{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"%s\",\"sessionID\":\"%s\",\"role\":\"assistant\",\"time\":{\"created\":1}}}}", message, session);
  g_autofree char *empty = g_strdup_printf ("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"%s\",\"messageID\":\"%s\",\"sessionID\":\"%s\",\"type\":\"text\",\"text\":\"\"}}}", part, message, session);
  /* An answer like an agent's: prose with some emphasis and inline code,
   * a list now and then, a code block every couple of KB */
  static const char *words[] = {
    "The ", "parser ", "reads ", "each ", "`line` ", "and ", "keeps ", "the ", "**state** ", "between ",
    "chunks, ", "so ", "that ", "a ", "CRLF ", "split ", "across ", "reads ", "is ", "one ", "line ",
    "end. ", "It ", "never ", "copies ", "what ", "it ", "has ", "already ", "seen.\n\n",
  };
  static const char *list = "- the first point\n- the second point, with `code`\n\n";
  static const char *code = "```c\nstatic void\nfeed (Parser *p, const char *bytes, gsize len)\n{\n  scan (p, bytes, len);\n}\n```\n\n";
  gsize size = 0;
  guint n = 0, measured = 0;
  double start_cpu = 0;
  gint64 start_wall = 0;

  apply (info);
  apply (empty);
  while (size < target)
    {
      const char *word = n % 300 == 299 && !prose_only ? code : n % 100 == 99 ? list : words[n % G_N_ELEMENTS (words)];

      if (start_wall == 0 && size >= measure_from)
        {
          start_cpu = cpu_seconds ();
          start_wall = g_get_monotonic_time ();
        }
      if (start_wall != 0)
        {
          /* Wait, running the main loop, until this delta is due */
          gint64 due = start_wall + (gint64) measured * G_USEC_PER_SEC / rate;

          while (g_get_monotonic_time () < due)
            {
              g_main_context_iteration (NULL, FALSE);
              g_usleep (500);
            }
          measured++;
        }
      else if (n % 5 == 0)
        {
          g_main_context_iteration (NULL, FALSE);
        }
      apply_delta (session, message, part, word);
      size += strlen (word);
      n++;
    }
  /* What the last deltas still have to do */
  for (guint i = 0; i < 100 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
  *out_measured = measured;
  g_debug ("measured %u deltas: %.3f s CPU in %.3f s", measured, cpu_seconds () - start_cpu,
           (g_get_monotonic_time () - start_wall) / 1e6);
  return measured > 0 ? (cpu_seconds () - start_cpu) / measured * 1000.0 : 0;
}

typedef struct
{
  gboolean painted;
} Painted;

static void
on_first_paint (GdkFrameClock *clock,
                Painted       *painted)
{
  painted->painted = TRUE;
}

static gboolean
is_painted (gpointer data)
{
  return ((Painted *) data)->painted;
}

static void
open_and_measure (const char *session,
                  double     *seconds,
                  long       *rss_open)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  Painted painted = { FALSE };
  gint64 start;
  gulong handler;

  ocg_window_open_session (window, NULL);
  app_test_wait (never, NULL, 300);
  start = g_get_monotonic_time ();
  ocg_window_open_session (window, session);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_first_paint), &painted);
  app_test_wait (is_painted, &painted, 30000);
  *seconds = (g_get_monotonic_time () - start) / 1e6;
  g_signal_handler_disconnect (clock, handler);
  app_test_wait (never, NULL, 300);
  *rss_open = rss_kb ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FakeServer) server = NULL;
  g_autofree char *url = NULL;
  GdkFrameClock *clock;

  app_test_init (&argc, &argv);
  /* OCG_BENCH_PROSE=1: answers without code blocks, to tell their cost apart */
  prose_only = g_getenv ("OCG_BENCH_PROSE") != NULL;
  /* OCG_BENCH_ONLY=open|stream|frames: one part alone, for a profiler */
  only = g_getenv ("OCG_BENCH_ONLY");

  server = fake_server_new ();
  url = fake_server_get_url (server);
  connection = ocg_connection_new_remote (url, NULL, NULL, "/bench");
  store = ocg_connection_get_store (connection);
  window = ocg_window_new (NULL, connection);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  sync_ = ocg_sync_new (store, NULL);

  /* Opening: 20 against 2,000 messages (10 and 1,000 turns) */
  make_session ("ses_small", 10);
  if (runs ("open"))
    {
      double open_small, open_large, open_warm;
      long rss_small, rss_large, rss_warm, rss_none;

      make_session ("ses_large", 1000);
      make_session ("ses_warm", 10);
      app_test_wait (never, NULL, 300);
      rss_none = rss_kb ();
      /* Once first, so that neither pays for what is loaded once (fonts,
       * the highlighting languages, icons) */
      open_and_measure ("ses_warm", &open_warm, &rss_warm);
      open_and_measure ("ses_small", &open_small, &rss_small);
      open_and_measure ("ses_large", &open_large, &rss_large);
      printf ("opening: the first session of 20 messages %.3f s (with what is loaded once)\n", open_warm);
      printf ("opening: 20 messages %.3f s, 2000 messages %.3f s: time ratio %.2f (goal < 3)\n",
              open_small, open_large, open_small > 0 ? open_large / open_small : 0);
      printf ("opening: RSS over the window with no session open: 20 messages +%.1f MB, 2000 messages +%.1f MB: growth %.1f MB (goal < 60)\n",
              (rss_small - rss_none) / 1024.0, (rss_large - rss_none) / 1024.0, (rss_large - rss_small) / 1024.0);
    }

  ocg_window_open_session (window, "ses_small");
  app_test_wait (never, NULL, 300);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  /* Streaming cost per delta, small answer against a large one: about
   * 1,000 deltas each, six answers growing to 1 KB, and the last 6 KB of
   * one growing to 100 KB */
  if (runs ("stream"))
    {
      double small, large, total = 0;
      guint n_small = 0, n;

      g_signal_connect (clock, "update", G_CALLBACK (on_phase), GINT_TO_POINTER (0));
      g_signal_connect (clock, "layout", G_CALLBACK (on_phase), GINT_TO_POINTER (1));
      g_signal_connect (clock, "paint", G_CALLBACK (on_phase), GINT_TO_POINTER (2));
      g_signal_connect (clock, "after-paint", G_CALLBACK (on_phase), GINT_TO_POINTER (3));
      phase_on = TRUE;
      for (guint i = 0; i < 6; i++)
        {
          total += stream_cost ("ses_small", 0, 1024, STREAM_RATE, &n) * n / 1000.0;
          n_small += n;
        }
      small = total / n_small * 1000.0;
      g_printerr ("while streaming to 1 KB: layout %.3f s, paint %.3f s, after-paint %.3f s\n",
                  phase_totals[0], phase_totals[1], phase_totals[2]);
      memset (phase_totals, 0, sizeof phase_totals);
      large = stream_cost ("ses_small", 94 * 1024, 100 * 1024, STREAM_RATE, &n);
      g_printerr ("while streaming to 100 KB: layout %.3f s, paint %.3f s, after-paint %.3f s\n",
                  phase_totals[0], phase_totals[1], phase_totals[2]);
      phase_on = FALSE;
      printf ("streaming: CPU per 1000 deltas at 1 KB: %.1f ms, at 100 KB: %.1f ms, ratio %.2f (goal < 1.5)\n",
              small * 1000, large * 1000, small > 0 ? large / small : 0);
    }

  /* Frame times at 200 deltas a second, for 10 seconds */
  if (runs ("frames"))
    {
      gint64 start;
      guint sent = 0, unused;
      g_autofree char *message = NULL;
      g_autofree char *part = NULL;

      stream_cost ("ses_small", 0, 1, STREAM_RATE, &unused);
      message = g_strdup_printf ("msg_ses_small_zz%04u", stream_turn);
      part = g_strdup_printf ("prt_ses_small_zz%04u", stream_turn);
      frame_times = g_array_new (FALSE, FALSE, sizeof (double));
      g_signal_connect (clock, "update", G_CALLBACK (on_update), NULL);
      g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
      start = g_get_monotonic_time ();
      while (g_get_monotonic_time () - start < 10 * G_USEC_PER_SEC)
        {
          guint due = (guint) ((g_get_monotonic_time () - start) * STREAM_RATE / G_USEC_PER_SEC);

          for (; sent < due; sent++)
            apply_delta ("ses_small", message, part,
                         sent % 300 == 299 ? "\n```c\nint y = x + 1;\nreturn y;\n```\n\n" : sent % 30 == 29 ? "word.\n\n" : "word ");
          g_main_context_iteration (NULL, FALSE);
          g_usleep (1000);
        }
      g_array_sort (frame_times, compare_double);
      if (frame_times->len > 0)
        printf ("frames: %u frames while streaming %u deltas/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms (goal: p99 < 16 ms)\n",
                frame_times->len, STREAM_RATE,
                g_array_index (frame_times, double, frame_times->len / 2),
                g_array_index (frame_times, double, MIN (frame_times->len - 1, frame_times->len * 99 / 100)),
                g_array_index (frame_times, double, frame_times->len - 1));
      g_array_unref (frame_times);
      frame_times = NULL;
    }

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (sync_);
  g_object_unref (connection);
  return 0;
}
