/* ocg-session.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-session.h"
#include "ocg-json.h"

#include <string.h>

struct _OcgSession
{
  OcgRecord  parent_instance;

  /* Kept by the store from session.status and the pending requests */
  const char *status;
  guint       n_requests;
  /* While the server retries a failed call to the provider */
  guint       retry_attempt;
  char       *retry_message;
  gint64      retry_next;
};

G_DEFINE_FINAL_TYPE (OcgSession, ocg_session, OCG_TYPE_RECORD)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_PARENT_ID,
  PROP_DIRECTORY,
  PROP_TIME_CREATED,
  PROP_TIME_UPDATED,
  PROP_ARCHIVED,
  PROP_STATUS,
  PROP_BUSY,
  PROP_N_REQUESTS,
  PROP_RETRY_ATTEMPT,
  PROP_RETRY_MESSAGE,
  PROP_RETRY_NEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define JSON_PROP(name, path) \
  ocg_record_class_install_json_property (object_class, PROP_##name, properties[PROP_##name], path)

static void
ocg_session_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  OcgSession *self = OCG_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_string (value, ocg_session_get_status (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, g_strcmp0 (self->status, "idle") != 0);
      break;
    case PROP_N_REQUESTS:
      g_value_set_uint (value, self->n_requests);
      break;
    case PROP_RETRY_ATTEMPT:
      g_value_set_uint (value, self->retry_attempt);
      break;
    case PROP_RETRY_MESSAGE:
      g_value_set_string (value, self->retry_message);
      break;
    case PROP_RETRY_NEXT:
      g_value_set_int64 (value, self->retry_next);
      break;
    default:
      ocg_record_get_json_property (object, prop_id, value, pspec);
    }
}

static void
ocg_session_finalize (GObject *object)
{
  OcgSession *self = OCG_SESSION (object);

  g_free (self->retry_message);

  G_OBJECT_CLASS (ocg_session_parent_class)->finalize (object);
}

static void
ocg_session_class_init (OcgSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = ocg_session_get_property;
  object_class->finalize = ocg_session_finalize;

  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_PARENT_ID] = g_param_spec_string ("parent-id", NULL, NULL, NULL, flags);
  properties[PROP_DIRECTORY] = g_param_spec_string ("directory", NULL, NULL, NULL, flags);
  properties[PROP_TIME_CREATED] = g_param_spec_int64 ("time-created", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_TIME_UPDATED] = g_param_spec_int64 ("time-updated", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_ARCHIVED] = g_param_spec_boolean ("archived", NULL, NULL, FALSE, flags);
  JSON_PROP (TITLE, "title");
  JSON_PROP (PARENT_ID, "parentID");
  JSON_PROP (DIRECTORY, "directory");
  JSON_PROP (TIME_CREATED, "time.created");
  JSON_PROP (TIME_UPDATED, "time.updated");
  JSON_PROP (ARCHIVED, "time.archived");

  /* "idle", "busy" or "retry" */
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, "idle", flags);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, flags);
  /* Pending permission requests and questions of this session */
  properties[PROP_N_REQUESTS] = g_param_spec_uint ("n-requests", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_property (object_class, PROP_STATUS, properties[PROP_STATUS]);
  g_object_class_install_property (object_class, PROP_BUSY, properties[PROP_BUSY]);
  g_object_class_install_property (object_class, PROP_N_REQUESTS, properties[PROP_N_REQUESTS]);
  /* While the status is "retry": the how-manieth retry, the provider's
   * error, and when (ms since the epoch) the server tries again */
  properties[PROP_RETRY_ATTEMPT] = g_param_spec_uint ("retry-attempt", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_RETRY_MESSAGE] = g_param_spec_string ("retry-message", NULL, NULL, NULL, flags);
  properties[PROP_RETRY_NEXT] = g_param_spec_int64 ("retry-next", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_property (object_class, PROP_RETRY_ATTEMPT, properties[PROP_RETRY_ATTEMPT]);
  g_object_class_install_property (object_class, PROP_RETRY_MESSAGE, properties[PROP_RETRY_MESSAGE]);
  g_object_class_install_property (object_class, PROP_RETRY_NEXT, properties[PROP_RETRY_NEXT]);
}

static void
ocg_session_init (OcgSession *self)
{
  self->status = "idle";
}

const char *
ocg_session_get_title (OcgSession *self)
{
  g_return_val_if_fail (OCG_IS_SESSION (self), NULL);
  return ocg_record_get_string (OCG_RECORD (self), "title");
}

const char *
ocg_session_get_parent_id (OcgSession *self)
{
  g_return_val_if_fail (OCG_IS_SESSION (self), NULL);
  return ocg_record_get_string (OCG_RECORD (self), "parentID");
}

const char *
ocg_session_get_status (OcgSession *self)
{
  g_return_val_if_fail (OCG_IS_SESSION (self), NULL);
  return self->status;
}

/* @status: the server's `session.status` object, or %NULL for idle */
void
ocg_session_set_status (OcgSession *self,
                        JsonObject *status)
{
  const char *type = status != NULL ? ocg_json_get_string (status, "type") : NULL;
  gboolean retry, was_busy;
  const char *message = NULL;
  g_autofree char *decoded = NULL;
  gint64 attempt = 0, next = 0;

  g_return_if_fail (OCG_IS_SESSION (self));

  type = g_intern_string (type != NULL ? type : "idle");
  retry = strcmp (type, "retry") == 0;
  if (retry)
    {
      attempt = ocg_json_get_int (status, "attempt", 0);
      message = ocg_json_get_string (status, "message");
      next = ocg_json_get_int (status, "next", 0);
      /* The tree's U+0000 (OCG_JSON_NUL) is not UTF-8: the property, a C
       * string, ends there */
      if (message != NULL)
        {
          gsize len;

          message = decoded = ocg_json_decode_string (message, &len);
        }
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (type != self->status)
    {
      was_busy = strcmp (self->status, "idle") != 0;
      self->status = type;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
      if (was_busy != (strcmp (type, "idle") != 0))
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
  if (self->retry_attempt != (guint) CLAMP (attempt, 0, G_MAXUINT))
    {
      self->retry_attempt = (guint) CLAMP (attempt, 0, G_MAXUINT);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_ATTEMPT]);
    }
  if (g_strcmp0 (self->retry_message, message) != 0)
    {
      g_free (self->retry_message);
      self->retry_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_MESSAGE]);
    }
  if (self->retry_next != MAX (next, 0))
    {
      self->retry_next = MAX (next, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_NEXT]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

guint
ocg_session_get_retry_attempt (OcgSession *self)
{
  g_return_val_if_fail (OCG_IS_SESSION (self), 0);
  return self->retry_attempt;
}

const char *
ocg_session_get_retry_message (OcgSession *self)
{
  g_return_val_if_fail (OCG_IS_SESSION (self), NULL);
  return self->retry_message;
}

gint64
ocg_session_get_retry_next (OcgSession *self)
{
  g_return_val_if_fail (OCG_IS_SESSION (self), 0);
  return self->retry_next;
}

guint
ocg_session_get_n_requests (OcgSession *self)
{
  g_return_val_if_fail (OCG_IS_SESSION (self), 0);
  return self->n_requests;
}

void
ocg_session_set_n_requests (OcgSession *self,
                            guint       n_requests)
{
  g_return_if_fail (OCG_IS_SESSION (self));

  if (self->n_requests == n_requests)
    return;
  self->n_requests = n_requests;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_REQUESTS]);
}
