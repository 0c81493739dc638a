/* ocg-link-policy.c: what to do with a link found in untrusted text
 *
 * Answers and file contents come from a model, so any link in them may lie.
 * A web page (http, https) or an e-mail address (mailto) with a plain,
 * well-formed host opens at once; anything else is shown to the user with
 * its real target first: other schemes (another application would get
 * them), files, user names before the host, hosts in other scripts,
 * invisible characters, and any link whose text names another address.
 * Script and data URIs and relative links are not opened at all.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ocg-link-policy.h"

#include <string.h>

/* Top-level domains that make a bare "name.tld" in a link's text read as an
 * address. Bare names with other endings are more often file names
 * (README.md, setup.py); with a path, or "www." or a scheme, any name counts. */
static const char * const common_tlds[] = {
  "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io", "dev", "app", "ai",
  "co", "me", "us", "uk", "de", "fr", "eu", "nl", "ru", "cn", "jp", "br", "au", "ca", "ch",
  "it", "es", "se", "no", "be", "at", "cz", "xyz", "site", "online", "tech", "cloud", "page",
  "blog", "shop", "store", "news", "live", "gg", "tv", "ly", "fm",
};

/* Characters a reader cannot see, or that reorder what is shown */
static gboolean
is_hidden (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  return type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT ||
         type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR ||
         g_unichar_isspace (c) || c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0;
}

static void
append_percent_encoded (GString    *out,
                        const char *bytes,
                        gsize       len)
{
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%%%02X", (guint) (guchar) bytes[i]);
}

/* Where the host lies in an "scheme://[userinfo@]host[:port]/..." URI */
static gboolean
find_host (const char  *uri,
           const char **host_start,
           const char **host_end,
           const char **rest)
{
  const char *p = uri;
  const char *authority_end;
  const char *at = NULL;

  if (!g_ascii_isalpha (*p))
    return FALSE;
  while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  if (!g_str_has_prefix (p, "://"))
    return FALSE;
  p += 3;

  authority_end = p + strcspn (p, "/?#");
  for (const char *q = p; q < authority_end; q++)
    if (*q == '@')
      at = q;
  if (at != NULL)
    p = at + 1;

  *host_start = p;
  if (*p == '[')
    {
      const char *close = memchr (p, ']', (gsize) (authority_end - p));

      *host_end = close != NULL ? close + 1 : authority_end;
    }
  else
    {
      const char *colon = memchr (p, ':', (gsize) (authority_end - p));

      *host_end = colon != NULL ? colon : authority_end;
    }
  *rest = authority_end;
  return TRUE;
}

static void
append_visible (GString    *out,
                const char *text,
                gsize       len)
{
  const char *end = text + len;
  const char *p = text;

  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          append_percent_encoded (out, p, 1);
          p++;
          continue;
        }
      if (is_hidden (c))
        append_percent_encoded (out, p, (gsize) (g_utf8_next_char (p) - p));
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
}

/**
 * ocg_link_display:
 * @uri: a link's target, as written
 *
 * The target as the user should see it: every character that cannot be
 * seen, or that reorders the text, percent-encoded, and the host in the
 * ASCII form that is really looked up (xn--...), so that lookalike letters
 * of other scripts show as what they are.
 */
char *
ocg_link_display (const char *uri)
{
  GString *out = g_string_new (NULL);
  const char *host_start, *host_end, *rest;

  g_return_val_if_fail (uri != NULL, NULL);

  if (find_host (uri, &host_start, &host_end, &rest) &&
      g_utf8_validate (host_start, host_end - host_start, NULL))
    {
      g_autofree char *host = g_strndup (host_start, (gsize) (host_end - host_start));
      g_autofree char *ascii = g_str_is_ascii (host) ? NULL : g_hostname_to_ascii (host);

      append_visible (out, uri, (gsize) (host_start - uri));
      append_visible (out, ascii != NULL ? ascii : host, strlen (ascii != NULL ? ascii : host));
      append_visible (out, host_end, strlen (host_end));
    }
  else
    append_visible (out, uri, strlen (uri));

  return g_string_free (out, FALSE);
}

/**
 * ocg_link_display_short:
 *
 * ocg_link_display(), with the middle left out when it is longer than
 * @max_chars characters: for tooltips.
 */
char *
ocg_link_display_short (const char *uri,
                        gsize       max_chars)
{
  g_autofree char *display = ocg_link_display (uri);
  glong len = g_utf8_strlen (display, -1);
  glong head, tail;
  const char *cut, *resume;

  if (max_chars < 3 || (gsize) len <= max_chars)
    return g_steal_pointer (&display);

  head = (glong) (max_chars * 2 / 3);
  tail = (glong) max_chars - head - 1;
  cut = g_utf8_offset_to_pointer (display, head);
  resume = g_utf8_offset_to_pointer (display, len - tail);
  return g_strdup_printf ("%.*s…%s", (int) (cut - display), display, resume);
}

/* A DNS name of letters, digits and hyphens, or an IP address */
static gboolean
is_plain_host (const char *host)
{
  g_auto(GStrv) labels = NULL;
  gsize len = strlen (host);
  guint n;

  if (len == 0 || len > 254)
    return FALSE;
  if (host[0] == '[')
    {
      g_autofree char *inner = NULL;

      if (host[len - 1] != ']')
        return FALSE;
      inner = g_strndup (host + 1, len - 2);
      return g_hostname_is_ip_address (inner);
    }
  if (g_hostname_is_ip_address (host))
    return TRUE;

  labels = g_strsplit (host, ".", -1);
  n = g_strv_length (labels);
  /* One trailing dot is the root */
  if (n > 1 && labels[n - 1][0] == '\0')
    n--;
  for (guint i = 0; i < n; i++)
    {
      const char *label = labels[i];
      gsize label_len = strlen (label);

      if (label_len == 0 || label_len > 63 || label[0] == '-' || label[label_len - 1] == '-')
        return FALSE;
      for (const char *p = label; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '-')
          return FALSE;
    }
  return TRUE;
}

static gboolean
has_idn_label (const char *host)
{
  g_autofree char *lower = g_ascii_strdown (host, -1);

  return g_str_has_prefix (lower, "xn--") || strstr (lower, ".xn--") != NULL;
}

static char *
normalize_host (const char *host)
{
  g_autofree char *ascii = g_hostname_to_ascii (host);
  gsize len;

  if (ascii == NULL)
    return NULL;
  len = strlen (ascii);
  if (len > 1 && ascii[len - 1] == '.')
    ascii[len - 1] = '\0';
  return g_ascii_strdown (ascii, -1);
}

/* What follows the host and port; "" for none or "/" */
static const char *
rest_of (const char *uri)
{
  const char *host_start, *host_end, *rest;

  if (!find_host (uri, &host_start, &host_end, &rest))
    return NULL;
  return g_strcmp0 (rest, "/") == 0 ? "" : rest;
}

static gboolean
same_rest (const char *a,
           const char *b)
{
  gsize la = strlen (a), lb = strlen (b);

  if (la > 0 && a[la - 1] == '/')
    la--;
  if (lb > 0 && b[lb - 1] == '/')
    lb--;
  return la == lb && strncmp (a, b, la) == 0;
}

/* "name.tld" with at least two labels of letters, digits and hyphens (any
 * script), the last of letters only */
static gboolean
is_domain_like (const char *name,
                gboolean    any_tld)
{
  g_auto(GStrv) labels = g_strsplit (name, ".", -1);
  guint n = g_strv_length (labels);
  const char *tld;

  if (n < 2)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (labels[i][0] == '\0')
        return FALSE;
      for (const char *p = labels[i]; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (!g_unichar_isalnum (c) && c != '-')
            return FALSE;
        }
    }
  tld = labels[n - 1];
  if (g_utf8_strlen (tld, -1) < 2)
    return FALSE;
  for (const char *p = tld; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isalpha (g_utf8_get_char (p)))
      return FALSE;
  if (any_tld)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (common_tlds); i++)
    if (g_ascii_strcasecmp (tld, common_tlds[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_opening (gunichar c)
{
  if (c > 0 && c < 0x80)
    return strchr ("([{<\"'", (int) c) != NULL;
  return c == 0x201C || c == 0x2018 || c == 0x00AB || c == 0x201E;
}

static gboolean
is_closing (gunichar c)
{
  if (c > 0 && c < 0x80)
    return strchr (")]}>\"'.,;:!?", (int) c) != NULL;
  return c == 0x201D || c == 0x2019 || c == 0x00BB;
}

static char *
strip_punctuation (const char *token)
{
  const char *start = token;
  const char *end = token + strlen (token);

  while (start < end && is_opening (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);

      if (!is_closing (g_utf8_get_char (prev)))
        break;
      end = prev;
    }
  return g_strndup (start, (gsize) (end - start));
}

/* The mail address of a mailto: URI or of "someone@host", lower case,
 * domain in ASCII; %NULL when it is not one plain address */
static char *
mail_address (const char *address)
{
  const char *at = strchr (address, '@');
  g_autofree char *local = NULL;
  g_autofree char *domain = NULL;

  if (at == NULL || at == address || strchr (at + 1, '@') != NULL ||
      strpbrk (address, ",;?&/ ") != NULL)
    return NULL;
  local = g_ascii_strdown (address, at - address);
  domain = normalize_host (at + 1);
  if (domain == NULL || !is_plain_host (domain) || strchr (domain, '.') == NULL)
    return NULL;
  return g_strconcat (local, "@", domain, NULL);
}

/* Whether @token, a word of a link's text, names an address other than
 * the link's target */
static gboolean
token_disagrees (OcgLink    *link,
                 const char *uri,
                 const char *token)
{
  g_autofree char *with_scheme = NULL;
  g_autofree char *host = NULL;
  const char *scheme = NULL;
  g_autoptr(GUri) parsed = NULL;
  const char *rest;
  const char *target_rest;

  if (strcmp (token, uri) == 0)
    return FALSE;

  /* An e-mail address */
  if (g_ascii_strncasecmp (token, "mailto:", 7) == 0 ||
      (strchr (token, '@') != NULL && strstr (token, "://") == NULL && strchr (token, '/') == NULL))
    {
      const char *address = g_ascii_strncasecmp (token, "mailto:", 7) == 0 ? token + 7 : token;
      g_autofree char *claimed = mail_address (address);
      g_autofree char *target = NULL;

      if (claimed == NULL)
        return g_ascii_strncasecmp (token, "mailto:", 7) == 0;
      if (g_strcmp0 (link->scheme, "mailto") == 0)
        target = mail_address (uri + 7);
      return g_strcmp0 (claimed, target) != 0;
    }

  if (strstr (token, "://") != NULL)
    {
      scheme = g_uri_peek_scheme (token);
      if (scheme == NULL)
        return FALSE;
      with_scheme = g_strdup (token);
    }
  else if (g_ascii_strncasecmp (token, "www.", 4) == 0)
    with_scheme = g_strconcat ("http://", token, NULL);
  else
    {
      gsize name_len = strcspn (token, "/?#");
      g_autofree char *name = g_strndup (token, name_len);
      char *colon = strrchr (name, ':');

      if (colon != NULL)
        *colon = '\0';
      if (!is_domain_like (name, token[name_len] != '\0'))
        return FALSE;
      with_scheme = g_strconcat ("http://", token, NULL);
    }

  /* It reads as an address: it must lead where the link leads */
  parsed = g_uri_parse (with_scheme, G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS | G_URI_FLAGS_PARSE_RELAXED, NULL);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL || link->host == NULL)
    return TRUE;
  host = normalize_host (g_uri_get_host (parsed));
  if (host == NULL || g_ascii_strcasecmp (host, link->host) != 0)
    return TRUE;
  if (scheme != NULL && g_strcmp0 (scheme, link->scheme) != 0)
    return TRUE;

  rest = rest_of (with_scheme);
  target_rest = rest_of (uri);
  if (rest != NULL && *rest != '\0' && (target_rest == NULL || !same_rest (rest, target_rest)))
    return TRUE;
  return FALSE;
}

static void
check_text (OcgLink    *link,
            const char *uri,
            const char *text)
{
  g_auto(GStrv) tokens = NULL;

  if (text == NULL || strcmp (text, uri) == 0 || !g_utf8_validate (text, -1, NULL))
    return;

  tokens = g_strsplit_set (text, " \t\n\r\f\v", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      g_autofree char *token = strip_punctuation (tokens[i]);

      if (*token != '\0' && token_disagrees (link, uri, token))
        {
          link->flags |= OCG_LINK_TEXT;
          link->claimed = g_steal_pointer (&token);
          return;
        }
    }
}

static void
check_web (OcgLink    *link,
           GUri       *parsed,
           const char *uri)
{
  const char *host_start, *host_end, *rest;
  g_autofree char *host = NULL;

  /* The host as written: GUri would decode %-escapes in it */
  if (!find_host (uri, &host_start, &host_end, &rest) || host_end == host_start)
    {
      link->flags |= OCG_LINK_MALFORMED;
      return;
    }
  host = g_strndup (host_start, (gsize) (host_end - host_start));
  if (g_uri_get_userinfo (parsed) != NULL)
    link->flags |= OCG_LINK_USERINFO;

  if (!g_str_is_ascii (host) || !is_plain_host (host) || has_idn_label (host))
    link->flags |= OCG_LINK_HOST;

  if (host[0] == '[')
    link->host = g_ascii_strdown (host, -1);
  else
    link->host = normalize_host (host);
  if (link->host == NULL)
    link->flags |= OCG_LINK_MALFORMED;
}

static void
check_mail (OcgLink    *link,
            GUri       *parsed,
            const char *uri)
{
  const char *address = uri + strlen ("mailto:");
  const char *at;

  if (g_uri_get_query (parsed) != NULL || strchr (address, '?') != NULL)
    link->flags |= OCG_LINK_MAIL;

  at = strchr (address, '@');
  if (at != NULL)
    {
      g_autofree char *domain = g_strndup (at + 1, strcspn (at + 1, "?"));

      link->host = normalize_host (domain);
      if (link->host == NULL || !g_str_is_ascii (domain) || !is_plain_host (domain) || has_idn_label (domain))
        link->flags |= OCG_LINK_HOST;
    }
  if (at == NULL || strpbrk (address, ",;") != NULL)
    link->flags |= OCG_LINK_HOST;
}

/**
 * ocg_link_check:
 * @uri: the link's target
 * @text: (nullable): the link's visible text; several links' texts may be
 *   given, one per line
 *
 * Returns: (transfer full): what to do with the link, and why
 */
OcgLink *
ocg_link_check (const char *uri,
                const char *text)
{
  OcgLink *link = g_new0 (OcgLink, 1);
  g_autoptr(GUri) parsed = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  link->display = ocg_link_display (uri);

  if (!g_utf8_validate (uri, -1, NULL))
    link->flags |= OCG_LINK_CHARACTERS | OCG_LINK_MALFORMED;
  else
    for (const char *p = uri; *p != '\0'; p = g_utf8_next_char (p))
      if (is_hidden (g_utf8_get_char (p)))
        link->flags |= OCG_LINK_CHARACTERS;

  link->scheme = g_strdup (g_uri_peek_scheme (uri));
  if (link->scheme == NULL)
    link->flags |= *uri == '\0' || (link->flags & OCG_LINK_MALFORMED) ? OCG_LINK_MALFORMED : OCG_LINK_RELATIVE;
  else if (g_str_equal (link->scheme, "javascript") || g_str_equal (link->scheme, "vbscript") ||
           g_str_equal (link->scheme, "data"))
    link->flags |= OCG_LINK_SCRIPT;
  else if (!(link->flags & OCG_LINK_MALFORMED))
    {
      parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS, NULL);
      if (parsed == NULL)
        link->flags |= OCG_LINK_MALFORMED;
      else if (g_str_equal (link->scheme, "http") || g_str_equal (link->scheme, "https"))
        check_web (link, parsed, uri);
      else if (g_str_equal (link->scheme, "mailto"))
        check_mail (link, parsed, uri);
      else if (g_str_equal (link->scheme, "file"))
        link->flags |= OCG_LINK_FILE;
      else
        {
          const char *host = g_uri_get_host (parsed);

          link->flags |= OCG_LINK_SCHEME;
          if (host != NULL && *host != '\0')
            link->host = normalize_host (host);
        }
    }

  check_text (link, uri, text);

  if (link->flags & (OCG_LINK_RELATIVE | OCG_LINK_SCRIPT | OCG_LINK_MALFORMED))
    link->verdict = OCG_LINK_REFUSE;
  else if (link->flags != 0)
    link->verdict = OCG_LINK_CONFIRM;
  else
    link->verdict = OCG_LINK_OPEN;
  return link;
}

void
ocg_link_free (OcgLink *link)
{
  if (link == NULL)
    return;
  g_free (link->scheme);
  g_free (link->host);
  g_free (link->display);
  g_free (link->claimed);
  g_free (link);
}

typedef struct
{
  const char *uri;
  guint       depth;    /* inside a link to @uri */
  GString    *texts;
} TextScan;

static void
scan_start (GMarkupParseContext  *context,
            const char           *element,
            const char          **names,
            const char          **values,
            gpointer              user_data,
            GError              **error)
{
  TextScan *scan = user_data;

  if (scan->depth > 0)
    {
      scan->depth++;
      return;
    }
  if (strcmp (element, "a") != 0)
    return;
  for (guint i = 0; names[i] != NULL; i++)
    if (strcmp (names[i], "href") == 0 && strcmp (values[i], scan->uri) == 0)
      {
        if (scan->texts->len > 0)
          g_string_append_c (scan->texts, '\n');
        scan->depth = 1;
      }
}

static void
scan_end (GMarkupParseContext  *context,
          const char           *element,
          gpointer              user_data,
          GError              **error)
{
  TextScan *scan = user_data;

  if (scan->depth > 0)
    scan->depth--;
}

static void
scan_text (GMarkupParseContext  *context,
           const char           *text,
           gsize                 len,
           gpointer              user_data,
           GError              **error)
{
  TextScan *scan = user_data;

  if (scan->depth > 0)
    g_string_append_len (scan->texts, text, len);
}

/**
 * ocg_link_texts_in_markup:
 * @markup: Pango markup with `<a href>` links, as a GtkLabel takes it
 * @uri: a link's target
 *
 * Returns: (transfer full): the visible text of every link to @uri in
 *   @markup, one per line; %NULL when the markup cannot be read
 */
char *
ocg_link_texts_in_markup (const char *markup,
                          const char *uri)
{
  static const GMarkupParser parser = { scan_start, scan_end, scan_text, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GString) texts = g_string_new (NULL);
  TextScan scan = { uri, 0, texts };

  g_return_val_if_fail (markup != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &scan, NULL);
  if (!g_markup_parse_context_parse (context, "<markup>", -1, NULL) ||
      !g_markup_parse_context_parse (context, markup, -1, NULL) ||
      !g_markup_parse_context_parse (context, "</markup>", -1, NULL) ||
      !g_markup_parse_context_end_parse (context, NULL))
    return NULL;
  return g_string_free (g_steal_pointer (&texts), FALSE);
}
