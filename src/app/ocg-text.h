/* ocg-text.h: server text as widgets show it
 *
 * The server's strings may hold U+0000. A widget would end the text there
 * (GTK and Pango take C strings), so it shows as U+2400 SYMBOL FOR NULL
 * instead, and nothing after it is lost.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ocg-record.h"

G_BEGIN_DECLS

/* U+2400 SYMBOL FOR NULL */
#define OCG_TEXT_NUL_SYMBOL "\xe2\x90\x80"

void        ocg_text_append_visible    (GString    *out,
                                        const char *text,
                                        gsize       len);
char       *ocg_text_visible           (const char *text,
                                        gssize      len);
char       *ocg_text_record_string     (OcgRecord  *record,
                                        const char *json_path);
JsonObject *ocg_text_record_json       (OcgRecord  *record);

void        ocg_text_set_tooltip       (GtkWidget  *widget,
                                        const char *text);

G_END_DECLS
