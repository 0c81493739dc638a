/* ocg-part.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-part.h"

struct _OcgPart
{
  OcgRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (OcgPart, ocg_part, OCG_TYPE_RECORD)

enum {
  PROP_0,
  PROP_SESSION_ID,
  PROP_MESSAGE_ID,
  PROP_PART_TYPE,
  PROP_TEXT,
  PROP_TOOL,
  PROP_CALL_ID,
  PROP_STATUS,
  PROP_TITLE,
  PROP_ERROR,
  PROP_TIME_START,
  PROP_TIME_END,
  N_PROPS
};

static void
ocg_part_class_init (OcgPartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = ocg_record_get_json_property;

  /* The session */
  ocg_record_class_install_json_property (object_class, PROP_SESSION_ID,
    g_param_spec_string ("session-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "sessionID");
  /* The message */
  ocg_record_class_install_json_property (object_class, PROP_MESSAGE_ID,
    g_param_spec_string ("message-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "messageID");
  /* text, reasoning, tool, step-start, ... */
  ocg_record_class_install_json_property (object_class, PROP_PART_TYPE,
    g_param_spec_string ("part-type", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "type");
  /* Text of text and reasoning parts */
  ocg_record_class_install_json_property (object_class, PROP_TEXT,
    g_param_spec_string ("text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "text");
  /* Tool name of tool parts */
  ocg_record_class_install_json_property (object_class, PROP_TOOL,
    g_param_spec_string ("tool", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "tool");
  /* Tool call id */
  ocg_record_class_install_json_property (object_class, PROP_CALL_ID,
    g_param_spec_string ("call-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "callID");
  /* Tool state: pending, running, completed, error */
  ocg_record_class_install_json_property (object_class, PROP_STATUS,
    g_param_spec_string ("status", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "state.status");
  /* Tool title */
  ocg_record_class_install_json_property (object_class, PROP_TITLE,
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "state.title");
  /* Tool error */
  ocg_record_class_install_json_property (object_class, PROP_ERROR,
    g_param_spec_string ("error", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "state.error");
  /* Tool start, ms since the epoch */
  ocg_record_class_install_json_property (object_class, PROP_TIME_START,
    g_param_spec_int64 ("time-start", NULL, NULL, G_MININT64, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "state.time.start");
  /* Tool end, ms since the epoch */
  ocg_record_class_install_json_property (object_class, PROP_TIME_END,
    g_param_spec_int64 ("time-end", NULL, NULL, G_MININT64, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "state.time.end");
}

static void
ocg_part_init (OcgPart *self)
{
}
