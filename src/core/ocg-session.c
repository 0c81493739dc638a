/* ocg-session.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-session.h"

#include <string.h>

struct _OcgSession
{
  OcgRecord  parent_instance;

  /* Kept by the store from session.status and the pending requests */
  const char *status;
  guint       n_requests;
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
    default:
      ocg_record_get_json_property (object, prop_id, value, pspec);
    }
}

static void
ocg_session_class_init (OcgSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = ocg_session_get_property;

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

void
ocg_session_set_status (OcgSession *self,
                        const char *status)
{
  gboolean was_busy;

  g_return_if_fail (OCG_IS_SESSION (self));

  status = g_intern_string (status != NULL ? status : "idle");
  if (status == self->status)
    return;

  was_busy = strcmp (self->status, "idle") != 0;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  if (was_busy != (strcmp (status, "idle") != 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
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
