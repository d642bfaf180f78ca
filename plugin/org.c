/* org.c - the organisation an address belongs to
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `notmuch kith at` answers "who do I really know at Acme?".  An
 * organisation is either one the user names, with its mail domains
 * (kith.org.NAME = acme.example;acme-corp.example), or a mail domain
 * reduced to the part an organisation registers: its last two labels
 * ("mail.acme.example" is "acme.example"), three under a country's
 * second-level domain ("acme.co.uk", "acme.com.au").  There is no
 * public suffix list here (kith never uses the network): the rule is
 * right for the domains people work at, and kith.org.NAME mends the
 * rest.  Subdomains always belong to their domain's organisation.
 *
 * Free-mail domains say nothing about an employer: an address there
 * belongs to no organisation, and `at` refuses to look one up.  The
 * list is built in and replaced by kith.freemail_domains.
 */

#include <string.h>

#include "kith-private.h"

/* Free-mail and consumer ISP domains, as users meet them; a domain
 * here covers its subdomains. */
static const char *const freemail_builtin[] = {
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de",
    "yahoo.co.jp", "ymail.com", "rocketmail.com", "hotmail.com", "hotmail.co.uk",
    "hotmail.fr", "hotmail.de", "hotmail.it", "outlook.com", "live.com", "msn.com",
    "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com",
    "protonmail.ch", "pm.me", "tutanota.com", "tuta.io", "fastmail.com", "fastmail.fm",
    "hey.com", "zoho.com", "mail.com", "email.com", "gmx.com", "gmx.net", "gmx.de",
    "gmx.at", "gmx.ch", "web.de", "t-online.de", "freenet.de", "posteo.de",
    "mailbox.org", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr",
    "libero.it", "virgilio.it", "tiscali.it", "seznam.cz", "wp.pl", "o2.pl",
    "interia.pl", "onet.pl", "mail.ru", "bk.ru", "inbox.ru", "list.ru", "yandex.ru",
    "yandex.com", "ya.ru", "rambler.ru", "ukr.net", "qq.com", "163.com", "126.com",
    "sina.com", "naver.com", "hanmail.net", "daum.net", "rediffmail.com",
    "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "earthlink.net",
    "cox.net", "charter.net", "btinternet.com", "sky.com", "virginmedia.com",
    "bigpond.com", "shaw.ca", "rogers.com", "sympatico.ca", "uol.com.br",
    "bol.com.br", "terra.com.br",
};

/* Second-level labels under which a country's registrations sit. */
static const char *const country_slds[] = {
    "ac", "co", "com", "edu", "gov", "go", "gv", "id", "ltd", "ne", "net", "nhs", "or",
    "org", "plc", "sch",
};

/* DOMAIN is PARENT or one of its subdomains (both lower-case). */
gboolean
_kith_domain_under (const char *domain, const char *parent)
{
    size_t d = strlen (domain), p = strlen (parent);

    if (p == 0 || d < p || strcmp (domain + d - p, parent) != 0)
	return FALSE;
    return d == p || domain[d - p - 1] == '.';
}

/* A usable mail domain: two labels at least, of letters, digits and
 * hyphens (and UTF-8: an IDN as the user typed it). */
gboolean
_kith_domain_is_valid (const char *domain)
{
    size_t len = domain ? strlen (domain) : 0;

    if (len == 0 || len > 253 || domain[0] == '.' || domain[len - 1] == '.' ||
	strstr (domain, "..") || strchr (domain, '.') == NULL || ! g_utf8_validate (domain, -1, NULL))
	return FALSE;
    for (const char *p = domain; *p; p++)
	if (! (g_ascii_isalnum (*p) || *p == '-' || *p == '.' || (guchar) *p >= 0x80))
	    return FALSE;
    return TRUE;
}

/* The part of DOMAIN (lower-case) an organisation registers. */
char *
_kith_org_registrable (const char *domain)
{
    g_auto (GStrv) labels = g_strsplit (domain, ".", -1);
    guint n = g_strv_length (labels), keep = 2;

    if (n >= 3 && strlen (labels[n - 1]) == 2)
	for (guint i = 0; i < G_N_ELEMENTS (country_slds); i++)
	    if (strcmp (labels[n - 2], country_slds[i]) == 0)
		keep = 3;
    if (n <= keep)
	return g_strdup (domain);
    return g_strjoinv (".", labels + n - keep);
}

gboolean
_kith_org_is_freemail (const _kith_config_t *config, const char *domain)
{
    if (config->freemail) {
	for (guint i = 0; i < config->freemail->len; i++)
	    if (_kith_domain_under (domain, config->freemail->pdata[i]))
		return TRUE;
	return FALSE;
    }
    for (guint i = 0; i < G_N_ELEMENTS (freemail_builtin); i++)
	if (_kith_domain_under (domain, freemail_builtin[i]))
	    return TRUE;
    return FALSE;
}

/* The domain of ADDRESS (normalised: lower-case), or NULL. */
static const char *
domain_of (const char *address)
{
    const char *at = address ? strrchr (address, '@') : NULL;

    return at && at[1] ? at + 1 : NULL;
}

char *
_kith_org_of (const _kith_config_t *config, const char *address)
{
    const char *domain = domain_of (address);

    if (domain == NULL)
	return NULL;
    for (guint i = 0; i < config->orgs->len; i++) {
	const _kith_org_t *org = config->orgs->pdata[i];
	for (guint d = 0; d < org->domains->len; d++)
	    if (_kith_domain_under (domain, org->domains->pdata[d]))
		return g_strdup (org->name);
    }
    if (_kith_org_is_freemail (config, domain) || ! _kith_domain_is_valid (domain))
	return NULL;
    return _kith_org_registrable (domain);
}

GPtrArray *
_kith_org_domains (const _kith_config_t *config, const char *org, GError **error)
{
    g_autofree char *lower = g_utf8_strdown (org, -1);
    GPtrArray *domains;

    g_strstrip (lower);
    for (guint i = 0; i < config->orgs->len; i++) {
	const _kith_org_t *named = config->orgs->pdata[i];
	if (g_ascii_strcasecmp (named->name, lower) == 0)
	    return g_ptr_array_ref (named->domains);
    }
    if (*lower == '@')
	memmove (lower, lower + 1, strlen (lower));
    if (! _kith_domain_is_valid (lower)) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT,
		     "'%s' is neither a mail domain (acme.example) nor an organisation a "
		     "kith.org.NAME key names",
		     org);
	return NULL;
    }
    if (_kith_org_is_freemail (config, lower)) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT,
		     "%s is a free-mail domain: it says nothing about where anyone works "
		     "(kith.freemail_domains lists such domains)",
		     lower);
	return NULL;
    }
    domains = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (domains, g_steal_pointer (&lower));
    return domains;
}

void
_kith_org_free (_kith_org_t *org)
{
    if (org == NULL)
	return;
    g_free (org->name);
    g_free (org->key);
    g_ptr_array_unref (org->domains);
    g_free (org);
}
