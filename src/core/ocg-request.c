/* ocg-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-request.h"

struct _OcgRequest
{
  OcgRecord parent_instance;
};

G_DEFINE_FINAL_TYPE (OcgRequest, ocg_request, OCG_TYPE_RECORD)

enum {
  PROP_0,
  PROP_SESSION_ID,
  N_PROPS
};

static void
ocg_request_class_init (OcgRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = ocg_record_get_json_property;

  /* The session that asks */
  ocg_record_class_install_json_property (object_class, PROP_SESSION_ID,
    g_param_spec_string ("session-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY),
    "sessionID");
}

static void
ocg_request_init (OcgRequest *self)
{
}
