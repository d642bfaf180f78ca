/* vcard.c - vCard 4.0 (RFC 6350) output of notmuch-kith
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "notmuch kith who --format=vcard" writes one card per person: the
 * display name (FN, and N split as well as a name allows), every address
 * of the person (several when kith.alias merges them), a UID stable
 * across exports, and the tier and score as X-KITH- properties.
 */

#include <string.h>

#include "vcard.h"

void
kith_vcard_escape (GString *out, const char *text)
{
    g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);

    for (const char *p = valid; *p; p = g_utf8_next_char (p)) {
	gunichar c = g_utf8_get_char (p);

	switch (c) {
	case '\\':
	    g_string_append (out, "\\\\");
	    break;
	case ',':
	    g_string_append (out, "\\,");
	    break;
	case ';':
	    g_string_append (out, "\\;");
	    break;
	case '\n':
	    g_string_append (out, "\\n");
	    break;
	case '\r':
	    if (p[1] != '\n')
		g_string_append (out, "\\n");
	    break;
	default:
	    if (g_unichar_iscntrl (c))
		g_string_append_c (out, ' ');
	    else
		g_string_append_len (out, p, g_utf8_next_char (p) - p);
	}
    }
}

void
kith_vcard_append_line (GString *out, const char *line)
{
    size_t len = strlen (line), pos = 0;
    gboolean first = TRUE;

    for (;;) {
	size_t max = first ? 75 : 74; /* a continuation starts with a space */
	size_t cut;

	if (! first)
	    g_string_append_c (out, ' ');
	if (len - pos <= max) {
	    g_string_append_len (out, line + pos, len - pos);
	    g_string_append (out, "\r\n");
	    return;
	}
	cut = pos + max;
	while (cut > pos && ((guchar) line[cut] & 0xC0) == 0x80)
	    cut--; /* never split a UTF-8 sequence */
	if (cut == pos)
	    cut = pos + max;
	g_string_append_len (out, line + pos, cut - pos);
	g_string_append (out, "\r\n");
	pos = cut;
	first = FALSE;
    }
}

/* WORD without dots, lower-cased (ASCII), is one of LIST. */
static gboolean
word_in (const char *word, const char *const *list)
{
    g_autoptr (GString) bare = g_string_new (NULL);

    for (const char *p = word; *p; p++)
	if (*p != '.' && *p != ',')
	    g_string_append_c (bare, g_ascii_tolower (*p));
    for (; *list; list++)
	if (strcmp (bare->str, *list) == 0)
	    return TRUE;
    return FALSE;
}

static const char *const name_prefixes[] = {
    "dr", "prof", "mr", "mrs", "ms", "mx", "sir", "dame", "rev", NULL
};
static const char *const name_suffixes[] = {
    "jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", NULL
};
/* Lower-case words that belong to the family name that follows. */
static const char *const family_particles[] = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le",
    "dos", "das", "do", "ter", "ten", "bin", "ibn", "al", "zu", "vom", "zum", "zur", NULL
};

static gboolean
has_alnum (const char *word)
{
    for (const char *p = word; *p; p = g_utf8_next_char (p))
	if (g_unichar_isalnum (g_utf8_get_char (p)))
	    return TRUE;
    return FALSE;
}

/* The words of TEXT: split at white space and commas, without words
 * holding an '@' (an address in the name) and without comments in
 * parentheses or brackets, and without words of punctuation only. */
static GPtrArray *
name_words (const char *text)
{
    g_autofree char *valid = g_utf8_make_valid (text, -1);
    GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
    g_autoptr (GString) word = g_string_new (NULL);
    int depth = 0;

    for (const char *p = valid;; p++) {
	if (*p == '(' || *p == '[') {
	    depth++;
	} else if ((*p == ')' || *p == ']') && depth > 0) {
	    depth--;
	} else if (*p == '\0' || g_ascii_isspace (*p) || *p == ',' || *p == '"') {
	    if (has_alnum (word->str) && strchr (word->str, '@') == NULL)
		g_ptr_array_add (words, g_strdup (word->str));
	    g_string_truncate (word, 0);
	    if (*p == '\0')
		break;
	} else if (depth == 0 && ! (word->len == 0 && *p == '\'')) {
	    g_string_append_c (word, *p);
	}
    }
    /* a closing quote of 'Bob Smith' */
    for (guint i = 0; i < words->len; i++) {
	char *w = words->pdata[i];
	size_t n = strlen (w);
	if (n > 1 && w[n - 1] == '\'')
	    w[n - 1] = '\0';
    }
    return words;
}

static char *
join_words (GPtrArray *words, guint from, guint to)
{
    g_autoptr (GString) out = g_string_new (NULL);

    for (guint i = from; i < to; i++) {
	if (out->len)
	    g_string_append_c (out, ' ');
	g_string_append (out, words->pdata[i]);
    }
    return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Move the titles at the front and the suffixes at the back of WORDS
 * (keeping at least one word) into PARTS; set [*from, *to). */
static void
take_titles (GPtrArray *words, char *parts[], guint *from, guint *to)
{
    *from = 0;
    *to = words->len;
    while (*to - *from > 1 && word_in (words->pdata[*from], name_prefixes))
	(*from)++;
    while (*to - *from > 1 && word_in (words->pdata[*to - 1], name_suffixes))
	(*to)--;
    g_free (parts[KITH_VCARD_PREFIX]);
    parts[KITH_VCARD_PREFIX] = join_words (words, 0, *from);
    g_free (parts[KITH_VCARD_SUFFIX]);
    parts[KITH_VCARD_SUFFIX] = join_words (words, *to, words->len);
}

gboolean
kith_vcard_split_name (const char *name, char *parts[KITH_VCARD_N_PARTS])
{
    g_autoptr (GPtrArray) words = NULL;
    const char *comma;
    guint from, to;

    for (int i = 0; i < KITH_VCARD_N_PARTS; i++)
	parts[i] = g_strdup ("");
    if (name == NULL)
	return FALSE;

    comma = strchr (name, ',');
    if (comma) {
	g_autofree char *before = g_strndup (name, comma - name);
	g_autoptr (GPtrArray) family = name_words (before);
	g_autoptr (GPtrArray) rest = name_words (comma + 1);
	gboolean only_suffixes = rest->len > 0;

	for (guint i = 0; i < rest->len; i++)
	    only_suffixes = only_suffixes && word_in (rest->pdata[i], name_suffixes);
	if (family->len > 0 && rest->len > 0 && ! only_suffixes) {
	    /* "Last, First Middle" */
	    take_titles (rest, parts, &from, &to);
	    g_free (parts[KITH_VCARD_FAMILY]);
	    parts[KITH_VCARD_FAMILY] = join_words (family, 0, family->len);
	    g_free (parts[KITH_VCARD_GIVEN]);
	    parts[KITH_VCARD_GIVEN] = join_words (rest, from, from + 1);
	    g_free (parts[KITH_VCARD_ADDITIONAL]);
	    parts[KITH_VCARD_ADDITIONAL] = join_words (rest, from + 1, to);
	    return TRUE;
	}
    }

    /* "First Middle Last", "Dr. First Last, Jr." */
    words = name_words (name);
    if (words->len == 0)
	return FALSE;
    take_titles (words, parts, &from, &to);
    g_free (parts[KITH_VCARD_GIVEN]);
    parts[KITH_VCARD_GIVEN] = join_words (words, from, from + 1);
    if (to - from > 1) {
	guint family = to - 1;
	while (family > from + 1 && word_in (words->pdata[family - 1], family_particles) &&
	       g_ascii_islower (((char *) words->pdata[family - 1])[0]))
	    family--;
	g_free (parts[KITH_VCARD_FAMILY]);
	parts[KITH_VCARD_FAMILY] = join_words (words, family, to);
	g_free (parts[KITH_VCARD_ADDITIONAL]);
	parts[KITH_VCARD_ADDITIONAL] = join_words (words, from + 1, family);
    }
    return TRUE;
}

char *
kith_vcard_uid (const char *address)
{
    /* RFC 4122's URL namespace, 6ba7b811-9dad-11d1-80b4-00c04fd430c8 */
    static const guint8 url_namespace[16] = {
	0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
	0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8
    };
    g_autoptr (GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
    guint8 digest[20];
    gsize len = sizeof (digest);

    g_checksum_update (sha1, url_namespace, sizeof (url_namespace));
    g_checksum_update (sha1, (const guchar *) "mailto:", 7);
    g_checksum_update (sha1, (const guchar *) address, strlen (address));
    g_checksum_get_digest (sha1, digest, &len);
    digest[6] = (digest[6] & 0x0f) | 0x50;
    digest[8] = (digest[8] & 0x3f) | 0x80;
    return g_strdup_printf ("urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			    "%02x%02x%02x%02x%02x%02x",
			    digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
			    digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
			    digest[12], digest[13], digest[14], digest[15]);
}

/* Append the list value of the space-separated WORDS, comma-separated. */
static void
append_list (GString *line, const char *words)
{
    g_auto (GStrv) list = g_strsplit (words, " ", -1);

    for (int i = 0; list[i]; i++) {
	if (i)
	    g_string_append_c (line, ',');
	kith_vcard_escape (line, list[i]);
    }
}

static void
append_time (GString *out, const char *property, time_t t)
{
    g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);
    g_autofree char *text = dt ? g_date_time_format (dt, "%Y%m%dT%H%M%SZ") : NULL;
    g_autofree char *line = g_strdup_printf ("%s:%s", property, text);

    if (text)
	kith_vcard_append_line (out, line);
}

void
kith_vcard_append_contact (GString *out, kith_contact_t *c, time_t rev)
{
    g_autoptr (GString) line = g_string_new (NULL);
    const char *name = kith_contact_get_name (c);
    const char *address = kith_contact_get_address (c);
    const char *first = kith_contact_get_address_at (c, 0);
    g_autofree char *uid = kith_vcard_uid (first ? first : address);
    char *parts[KITH_VCARD_N_PARTS];
    char score[G_ASCII_DTOSTR_BUF_SIZE];

    kith_vcard_append_line (out, "BEGIN:VCARD");
    kith_vcard_append_line (out, "VERSION:4.0");
    g_string_printf (line, "PRODID:-//kith//notmuch-kith %d.%d.%d//EN", KITH_MAJOR_VERSION,
		     KITH_MINOR_VERSION, KITH_MICRO_VERSION);
    kith_vcard_append_line (out, line->str);
    g_string_printf (line, "UID:%s", uid);
    kith_vcard_append_line (out, line->str);

    g_string_assign (line, "FN:");
    kith_vcard_escape (line, name && *name ? name : address);
    kith_vcard_append_line (out, line->str);
    if (kith_vcard_split_name (name, parts)) {
	g_string_assign (line, "N:");
	kith_vcard_escape (line, parts[KITH_VCARD_FAMILY]);
	g_string_append_c (line, ';');
	kith_vcard_escape (line, parts[KITH_VCARD_GIVEN]);
	g_string_append_c (line, ';');
	append_list (line, parts[KITH_VCARD_ADDITIONAL]);
	g_string_append_c (line, ';');
	append_list (line, parts[KITH_VCARD_PREFIX]);
	g_string_append_c (line, ';');
	append_list (line, parts[KITH_VCARD_SUFFIX]);
	kith_vcard_append_line (out, line->str);
    }
    for (int i = 0; i < KITH_VCARD_N_PARTS; i++)
	g_free (parts[i]);

    /* the address used most first, then the others of an alias */
    g_string_assign (line, "EMAIL;PREF=1:");
    kith_vcard_escape (line, address);
    kith_vcard_append_line (out, line->str);
    for (unsigned i = 0; i < kith_contact_count_addresses (c); i++) {
	const char *other = kith_contact_get_address_at (c, i);
	if (strcmp (other, address) == 0)
	    continue;
	g_string_assign (line, "EMAIL:");
	kith_vcard_escape (line, other);
	kith_vcard_append_line (out, line->str);
    }

    g_string_printf (line, "X-KITH-TIER:%s", kith_tier_to_string (kith_contact_get_tier (c)));
    kith_vcard_append_line (out, line->str);
    g_ascii_formatd (score, sizeof (score), "%.1f", kith_contact_get_score (c));
    g_string_printf (line, "X-KITH-SCORE:%s", score);
    kith_vcard_append_line (out, line->str);
    g_string_printf (line, "X-KITH-CONVERSATIONS:%lu",
		     kith_contact_get_count (c, KITH_COUNT_CONVERSATIONS));
    kith_vcard_append_line (out, line->str);
    if (kith_contact_get_first (c))
	append_time (out, "X-KITH-FIRST", kith_contact_get_first (c));
    if (kith_contact_get_last (c))
	append_time (out, "X-KITH-LAST", kith_contact_get_last (c));
    append_time (out, "REV", rev);
    kith_vcard_append_line (out, "END:VCARD");
}
