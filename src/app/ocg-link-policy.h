/* ocg-link-policy.h: what to do with a link found in untrusted text (GTK-free)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  OCG_LINK_OPEN,      /* a web page or an e-mail address: open it at once */
  OCG_LINK_CONFIRM,   /* say where it really leads, and ask first */
  OCG_LINK_REFUSE,    /* nothing to open: show where it leads, offer a copy */
} OcgLinkVerdict;

/* Why a link is not opened at once; several may hold */
typedef enum
{
  OCG_LINK_TEXT       = 1 << 0,  /* its text names another address */
  OCG_LINK_SCHEME     = 1 << 1,  /* not http, https or mailto: another application gets it */
  OCG_LINK_FILE       = 1 << 2,  /* a file on this computer */
  OCG_LINK_USERINFO   = 1 << 3,  /* "https://good.example@evil.example" */
  OCG_LINK_HOST       = 1 << 4,  /* a host in other scripts (IDN), or not well formed */
  OCG_LINK_CHARACTERS = 1 << 5,  /* control, invisible, direction or space characters */
  OCG_LINK_MAIL       = 1 << 6,  /* mailto with headers, a body or attachments */
  OCG_LINK_RELATIVE   = 1 << 7,  /* no scheme: relative to nothing the app knows */
  OCG_LINK_SCRIPT     = 1 << 8,  /* javascript:, vbscript:, data: */
  OCG_LINK_MALFORMED  = 1 << 9,  /* not a URI */
} OcgLinkFlags;

typedef struct
{
  OcgLinkVerdict verdict;
  OcgLinkFlags   flags;
  char          *scheme;    /* lower case; %NULL when there is none */
  char          *host;      /* the real host, in ASCII; %NULL when there is none */
  char          *display;   /* the whole target as shown to the user */
  char          *claimed;   /* with OCG_LINK_TEXT: the address the text names */
} OcgLink;

OcgLink *ocg_link_check        (const char *uri,
                                const char *text);
void     ocg_link_free         (OcgLink    *link);
char    *ocg_link_display      (const char *uri);
char    *ocg_link_display_short (const char *uri,
                                 gsize       max_chars);
char    *ocg_link_texts_in_markup (const char *markup,
                                   const char *uri);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OcgLink, ocg_link_free)

G_END_DECLS
