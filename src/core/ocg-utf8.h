/* ocg-utf8.h: UTF-8 validation and WHATWG-style repair
 *
 * The repair follows the WHATWG Encoding standard "UTF-8 decoder" with
 * replacement: every maximal subpart of an ill-formed sequence becomes one
 * U+FFFD, exactly as browsers decode a text/event-stream. Unlike
 * g_utf8_validate(), NUL bytes are accepted: U+0000 is a valid scalar value.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  ocg_utf8_is_valid            (const char *bytes,
                                        gsize       len);
char     *ocg_utf8_make_valid_whatwg   (const char *bytes,
                                        gsize       len,
                                        gsize      *out_len);
void      ocg_utf8_append_valid_whatwg (GString    *string,
                                        const char *bytes,
                                        gsize       len);
const char *ocg_utf8_tail              (const char *text,
                                        gsize       len,
                                        gsize       limit,
                                        gsize      *out_len);
gsize     ocg_utf8_head_length         (const char *text,
                                        gsize       len,
                                        gsize       limit);

G_END_DECLS
