/* ocg-server.c
 *
 * Starts `opencode serve --hostname 127.0.0.1 --port 0` in the project
 * folder with a fresh random password, reads the URL it prints, and waits
 * until GET /global/health answers. Stopping sends SIGTERM, then SIGKILL
 * after a grace period, so that no server outlives the app. Inside a
 * Flatpak sandbox the host's opencode runs through `flatpak-spawn --host`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ocg-server.h"
#include "ocg-client.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define START_TIMEOUT_SECONDS 60
#define STOP_GRACE_MS 3000
#define LOG_TAIL_SIZE 4096
/* 192 bits; a multiple of 3, so that Base64 needs no padding */
#define PASSWORD_BYTES 24

struct _OcgServer
{
  GObject       parent_instance;

  char         *opencode;
  char         *directory;
  char         *password;
  char         *url;
  GSubprocess  *process;
  GString      *log_tail;
  gboolean      running;
  gboolean      stopping;
  GTask        *start_task;
  guint         timeout_id;
  OcgClient    *health_client;
  guint         health_attempts;
};

G_DEFINE_FINAL_TYPE (OcgServer, ocg_server, G_TYPE_OBJECT)

G_DEFINE_QUARK (ocg-server-error-quark, ocg_server_error)

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

enum {
  EXITED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
in_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

/**
 * ocg_server_find_opencode:
 *
 * Which opencode to run: $OPENCODE_BIN, the one on PATH, or the copy the
 * project's run command installed. %NULL when there is none.
 */
char *
ocg_server_find_opencode (void)
{
  const char *env = g_getenv ("OPENCODE_BIN");
  g_autofree char *cached = NULL;
  char *found;

  if (env != NULL && *env != '\0' && g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (env);

  if (in_flatpak ())
    {
      /* The host's: on its PATH, or the copy the run command installs */
      static const char probe[] =
        "command -v opencode || { f=\"${XDG_CACHE_HOME:-$HOME/.cache}/opencode-gtk/opencode-"
        OPENCODE_VERSION "/node_modules/opencode-linux-x64/bin/opencode\"; [ -x \"$f\" ] && echo \"$f\"; }";
      const char *argv[] = { "flatpak-spawn", "--host", "sh", "-lc", probe, NULL };
      g_autofree char *out = NULL;
      int status = 0;

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                         NULL, NULL, &out, NULL, &status, NULL) ||
          !g_spawn_check_wait_status (status, NULL) || out == NULL)
        return NULL;
      g_strstrip (out);
      return *out != '\0' ? g_steal_pointer (&out) : NULL;
    }

  if ((found = g_find_program_in_path ("opencode")) != NULL)
    return found;

  cached = g_build_filename (g_get_user_cache_dir (), "opencode-gtk",
                             "opencode-" OPENCODE_VERSION, "node_modules",
                             "opencode-linux-x64", "bin", "opencode", NULL);
  if (g_file_test (cached, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&cached);
  return NULL;
}

static void
append_log (OcgServer  *self,
            const char *line)
{
  g_string_append (self->log_tail, line);
  g_string_append_c (self->log_tail, '\n');
  if (self->log_tail->len > LOG_TAIL_SIZE)
    g_string_erase (self->log_tail, 0, self->log_tail->len - LOG_TAIL_SIZE);
}

static void
finish_start (OcgServer *self,
              GError    *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_object (&self->health_client);
  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    {
      ocg_server_stop (self);
      g_task_return_error (task, error);
      return;
    }
  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_task_return_boolean (task, TRUE);
}

static void check_health (OcgServer *self);

static void
on_health_retry (gpointer user_data)
{
  OcgServer *self = user_data;

  if (self->start_task != NULL)
    check_health (self);
  g_object_unref (self);
}

static void
on_health (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(OcgServer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = ocg_client_call_finish (OCG_CLIENT (source), result, NULL, &error);

  if (self->start_task == NULL)
    return;
  if (node != NULL)
    {
      finish_start (self, NULL);
      return;
    }
  if (g_error_matches (error, OCG_CLIENT_ERROR, OCG_CLIENT_ERROR_UNAUTHORIZED))
    {
      finish_start (self, g_error_new (OCG_SERVER_ERROR, OCG_SERVER_ERROR_FAILED,
                                       "The server refused its own password"));
      return;
    }
  /* Not ready yet */
  self->health_attempts++;
  g_timeout_add_once (MIN (50 * self->health_attempts, 500), on_health_retry, g_object_ref (self));
}

static void
check_health (OcgServer *self)
{
  if (self->health_client == NULL)
    self->health_client = ocg_client_new (self->url, NULL, self->password, NULL);
  ocg_client_health_async (self->health_client, g_task_get_cancellable (self->start_task),
                           on_health, g_object_ref (self));
}

/* Finds "... listening on http://HOST:PORT" */
static char *
parse_url (const char *line)
{
  const char *at = strstr (line, "listening on ");
  const char *end;

  if (at == NULL)
    return NULL;
  at += strlen ("listening on ");
  if (!g_str_has_prefix (at, "http://") && !g_str_has_prefix (at, "https://"))
    return NULL;
  for (end = at; *end != '\0' && !g_ascii_isspace (*end); end++)
    ;
  return g_strndup (at, (gsize) (end - at));
}

typedef struct
{
  OcgServer        *self;
  GDataInputStream *stream;
} Reader;

static void read_line (Reader *reader);

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reader *reader = user_data;
  OcgServer *self = reader->self;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (reader->stream, result, NULL, NULL);

  if (line == NULL)
    {
      g_object_unref (reader->stream);
      g_object_unref (reader->self);
      g_free (reader);
      return;
    }

  append_log (self, line);
  if (self->url == NULL && self->start_task != NULL && (self->url = parse_url (line)) != NULL)
    check_health (self);
  read_line (reader);
}

static void
read_line (Reader *reader)
{
  g_data_input_stream_read_line_async (reader->stream, G_PRIORITY_DEFAULT, NULL, on_line, reader);
}

static void
follow (OcgServer    *self,
        GInputStream *stream)
{
  Reader *reader = g_new0 (Reader, 1);

  reader->self = g_object_ref (self);
  reader->stream = g_data_input_stream_new (stream);
  read_line (reader);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(OcgServer) self = user_data;
  GSubprocess *process = G_SUBPROCESS (source);
  g_autofree char *why = NULL;
  gboolean was_running;

  g_subprocess_wait_finish (process, result, NULL);
  if (process != self->process)
    return;

  if (g_subprocess_get_if_signaled (process))
    why = g_strdup_printf ("opencode was killed by signal %d", g_subprocess_get_term_sig (process));
  else
    why = g_strdup_printf ("opencode exited with status %d", g_subprocess_get_exit_status (process));

  g_clear_object (&self->process);
  was_running = self->running;
  self->running = FALSE;

  if (self->start_task != NULL)
    {
      finish_start (self, g_error_new (OCG_SERVER_ERROR, OCG_SERVER_ERROR_FAILED,
                                       "%s before it was ready", why));
      return;
    }
  if (was_running)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  if (was_running && !self->stopping)
    g_signal_emit (self, signals[EXITED], 0, why);
}

static void
on_start_timeout (gpointer user_data)
{
  OcgServer *self = user_data;

  self->timeout_id = 0;
  finish_start (self, g_error_new (OCG_SERVER_ERROR, OCG_SERVER_ERROR_TIMED_OUT,
                                   "opencode did not start within %d seconds", START_TIMEOUT_SECONDS));
}

/**
 * ocg_server_make_password:
 *
 * A fresh password for the server: PASSWORD_BYTES from the system's
 * cryptographic generator (getrandom), in URL-safe Base64 without padding.
 *
 * Returns: (transfer full): the password, or %NULL when the system gave no
 *   random bytes
 */
char *
ocg_server_make_password (GError **error)
{
  guint8 bytes[PASSWORD_BYTES];
  gsize filled = 0;
  char *password;

  while (filled < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + filled, sizeof bytes - filled, 0);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, OCG_SERVER_ERROR, OCG_SERVER_ERROR_FAILED,
                       "Cannot make a password for the server: the system's random generator failed (%s)",
                       g_strerror (saved_errno));
          return NULL;
        }
      filled += (gsize) n;
    }

  password = g_base64_encode (bytes, sizeof bytes);
  memset (bytes, 0, sizeof bytes);
  g_strdelimit (password, "+", '-');
  g_strdelimit (password, "/", '_');
  return password;
}

void
ocg_server_start_async (OcgServer           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_return_if_fail (OCG_IS_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ocg_server_start_async);

  if (self->process != NULL || self->start_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "The server is already started");
      return;
    }
  if (self->opencode == NULL)
    {
      g_task_return_new_error (task, OCG_SERVER_ERROR, OCG_SERVER_ERROR_NOT_FOUND,
                               "opencode is not installed");
      return;
    }

  g_free (self->password);
  self->password = ocg_server_make_password (&error);
  if (self->password == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&self->url, g_free);
  g_string_truncate (self->log_tail, 0);
  self->health_attempts = 0;
  self->stopping = FALSE;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                        (in_flatpak () ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0));
  g_subprocess_launcher_set_cwd (launcher, self->directory);
  /* Its own process group, so that stopping it stops what it started too */
  g_subprocess_launcher_set_child_setup (launcher, (GSpawnChildSetupFunc) (void (*) (void)) setsid, NULL, NULL);

  if (in_flatpak ())
    {
      g_ptr_array_add (argv, g_strdup ("flatpak-spawn"));
      g_ptr_array_add (argv, g_strdup ("--host"));
      g_ptr_array_add (argv, g_strdup ("--watch-bus"));
      g_ptr_array_add (argv, g_strdup_printf ("--directory=%s", self->directory));
      /* Not on a command line, where any user on the host could read it:
       * the password goes through standard input */
      g_ptr_array_add (argv, g_strdup ("sh"));
      g_ptr_array_add (argv, g_strdup ("-c"));
      g_ptr_array_add (argv, g_strdup ("IFS= read -r OPENCODE_SERVER_PASSWORD && export OPENCODE_SERVER_PASSWORD && exec \"$0\" \"$@\""));
    }
  else
    g_subprocess_launcher_setenv (launcher, "OPENCODE_SERVER_PASSWORD", self->password, TRUE);

  g_ptr_array_add (argv, g_strdup (self->opencode));
  g_ptr_array_add (argv, g_strdup ("serve"));
  g_ptr_array_add (argv, g_strdup ("--hostname"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1"));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup ("0"));
  g_ptr_array_add (argv, NULL);

  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  if (self->process == NULL)
    {
      g_task_return_new_error (task, OCG_SERVER_ERROR, OCG_SERVER_ERROR_NOT_FOUND,
                               "Cannot run %s: %s", self->opencode, error->message);
      return;
    }

  if (in_flatpak ())
    {
      GOutputStream *in = g_subprocess_get_stdin_pipe (self->process);
      g_autofree char *line = g_strconcat (self->password, "\n", NULL);

      g_output_stream_write_all (in, line, strlen (line), NULL, NULL, NULL);
      g_output_stream_close (in, NULL, NULL);
    }

  self->start_task = g_steal_pointer (&task);
  self->timeout_id = g_timeout_add_once (START_TIMEOUT_SECONDS * 1000, on_start_timeout, self);
  follow (self, g_subprocess_get_stdout_pipe (self->process));
  follow (self, g_subprocess_get_stderr_pipe (self->process));
  g_subprocess_wait_async (self->process, NULL, on_exited, g_object_ref (self));
}

gboolean
ocg_server_start_finish (OcgServer     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The server and whatever it started (it leads its own process group) */
static void
signal_group (GSubprocess *process,
              int          signum)
{
  const char *identifier = g_subprocess_get_identifier (process);
  pid_t pid;

  /* Once reaped, the id may belong to someone else */
  if (identifier == NULL)
    return;
  pid = (pid_t) g_ascii_strtoll (identifier, NULL, 10);
  if (pid <= 0 || kill (-pid, signum) != 0)
    g_subprocess_send_signal (process, signum);
}

static void
on_kill_timeout (gpointer user_data)
{
  GSubprocess *process = user_data;

  signal_group (process, SIGKILL);
  g_object_unref (process);
}

/**
 * ocg_server_stop:
 *
 * SIGTERM now, SIGKILL if it is still there after a grace period. Also
 * called at exit, where the main loop may not run again: then the process
 * is waited for here, for at most the grace period.
 */
void
ocg_server_stop (OcgServer *self)
{
  GSubprocess *process;

  g_return_if_fail (OCG_IS_SERVER (self));

  if (self->process == NULL)
    return;

  self->stopping = TRUE;
  process = g_steal_pointer (&self->process);
  signal_group (process, SIGTERM);

  {
    gint64 deadline = g_get_monotonic_time () + (gint64) STOP_GRACE_MS * 1000;

    /* Wait here: the app may be on its way out */
    while (g_subprocess_get_identifier (process) != NULL && g_get_monotonic_time () < deadline)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
      }
  }
  if (g_subprocess_get_identifier (process) != NULL)
    signal_group (process, SIGKILL);
  g_timeout_add_once (STOP_GRACE_MS, on_kill_timeout, process);

  if (self->running)
    {
      self->running = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
    }
}

static void
ocg_server_dispose (GObject *object)
{
  OcgServer *self = OCG_SERVER (object);

  ocg_server_stop (self);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_object (&self->health_client);

  G_OBJECT_CLASS (ocg_server_parent_class)->dispose (object);
}

static void
ocg_server_finalize (GObject *object)
{
  OcgServer *self = OCG_SERVER (object);

  g_free (self->opencode);
  g_free (self->directory);
  g_free (self->password);
  g_free (self->url);
  g_string_free (self->log_tail, TRUE);

  G_OBJECT_CLASS (ocg_server_parent_class)->finalize (object);
}

static void
ocg_server_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  OcgServer *self = OCG_SERVER (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ocg_server_class_init (OcgServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ocg_server_dispose;
  object_class->finalize = ocg_server_finalize;
  object_class->get_property = ocg_server_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The server went away without being asked to; the argument says how */
  signals[EXITED] =
    g_signal_new ("exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ocg_server_init (OcgServer *self)
{
  self->log_tail = g_string_new (NULL);
}

/**
 * ocg_server_new:
 * @opencode: (nullable): the binary, or %NULL to look for it
 * @directory: the project folder the server works in
 */
OcgServer *
ocg_server_new (const char *opencode,
                const char *directory)
{
  OcgServer *self;

  g_return_val_if_fail (directory != NULL, NULL);

  self = g_object_new (OCG_TYPE_SERVER, NULL);
  self->opencode = opencode != NULL ? g_strdup (opencode) : ocg_server_find_opencode ();
  self->directory = g_strdup (directory);
  return self;
}

gboolean
ocg_server_get_running (OcgServer *self)
{
  g_return_val_if_fail (OCG_IS_SERVER (self), FALSE);
  return self->running;
}

const char *
ocg_server_get_url (OcgServer *self)
{
  g_return_val_if_fail (OCG_IS_SERVER (self), NULL);
  return self->url;
}

const char *
ocg_server_get_password (OcgServer *self)
{
  g_return_val_if_fail (OCG_IS_SERVER (self), NULL);
  return self->password;
}

const char *
ocg_server_get_directory (OcgServer *self)
{
  g_return_val_if_fail (OCG_IS_SERVER (self), NULL);
  return self->directory;
}

const char *
ocg_server_get_log_tail (OcgServer *self)
{
  g_return_val_if_fail (OCG_IS_SERVER (self), NULL);
  return self->log_tail->str;
}

/* The server's process id (it leads its own process group), 0 when none */
int
ocg_server_get_pid (OcgServer *self)
{
  const char *identifier;

  g_return_val_if_fail (OCG_IS_SERVER (self), 0);

  identifier = self->process != NULL ? g_subprocess_get_identifier (self->process) : NULL;
  return identifier != NULL ? (int) g_ascii_strtoll (identifier, NULL, 10) : 0;
}
