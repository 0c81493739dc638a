/* ocg-message.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-message.h"

struct _OcgMessage
{
  OcgRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (OcgMessage, ocg_message, OCG_TYPE_RECORD)

enum {
  PROP_0,
  PROP_SESSION_ID,
  PROP_ROLE,
  PROP_PARENT_ID,
  PROP_AGENT,
  PROP_MODEL_ID,
  PROP_PROVIDER_ID,
  PROP_TIME_CREATED,
  PROP_TIME_COMPLETED,
  PROP_COMPLETED,
  PROP_ERROR_NAME,
  PROP_ERROR_MESSAGE,
  PROP_COST,
  N_PROPS
};

static void
ocg_message_class_init (OcgMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = ocg_record_get_json_property;

  /* The session */
  ocg_record_class_install_json_property (object_class, PROP_SESSION_ID,
    g_param_spec_string ("session-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "sessionID");
  /* user or assistant */
  ocg_record_class_install_json_property (object_class, PROP_ROLE,
    g_param_spec_string ("role", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "role");
  /* The user message an assistant message answers */
  ocg_record_class_install_json_property (object_class, PROP_PARENT_ID,
    g_param_spec_string ("parent-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "parentID");
  /* The agent */
  ocg_record_class_install_json_property (object_class, PROP_AGENT,
    g_param_spec_string ("agent", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "agent");
  /* Model of an assistant message */
  ocg_record_class_install_json_property (object_class, PROP_MODEL_ID,
    g_param_spec_string ("model-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "modelID");
  /* Provider of an assistant message */
  ocg_record_class_install_json_property (object_class, PROP_PROVIDER_ID,
    g_param_spec_string ("provider-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "providerID");
  /* Creation, ms since the epoch */
  ocg_record_class_install_json_property (object_class, PROP_TIME_CREATED,
    g_param_spec_int64 ("time-created", NULL, NULL, G_MININT64, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "time.created");
  /* Completion, ms since the epoch */
  ocg_record_class_install_json_property (object_class, PROP_TIME_COMPLETED,
    g_param_spec_int64 ("time-completed", NULL, NULL, G_MININT64, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "time.completed");
  /* Whether the assistant message is finished */
  ocg_record_class_install_json_property (object_class, PROP_COMPLETED,
    g_param_spec_boolean ("completed", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "time.completed");
  /* Name of the error that ended the message */
  ocg_record_class_install_json_property (object_class, PROP_ERROR_NAME,
    g_param_spec_string ("error-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "error.name");
  /* Message of the error that ended the message */
  ocg_record_class_install_json_property (object_class, PROP_ERROR_MESSAGE,
    g_param_spec_string ("error-message", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "error.data.message");
  /* Cost in dollars */
  ocg_record_class_install_json_property (object_class, PROP_COST,
    g_param_spec_double ("cost", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "cost");
}

static void
ocg_message_init (OcgMessage *self)
{
}
