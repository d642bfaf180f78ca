/* mime.c - reading and parsing the header block of a message
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * kith only ever needs the header block of a message: who wrote it,
 * to whom, about what, in reply to what, and whether it looks like
 * automated or bulk mail.  This module reads that block from a file
 * (never the body), hands it to GMime and turns the result into a
 * _kith_msg_t whose strings are all valid UTF-8 without control
 * characters.  Input is treated as hostile: whatever cannot be parsed
 * is left out, nothing here aborts on bad mail.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "kith-private.h"

/* Size of the first read of a message file.  Almost every header block
 * fits, so the usual cost of a message is one open, one read and one
 * close. */
#define HEADER_CHUNK (16 * 1024)

/* Decoded Thread-Index values longer than this are not plausible
 * (22 bytes plus 5 per reply: this is about 800 replies deep). */
#define MAX_THREAD_INDEX 4096

/* Groups cannot nest in RFC 5322, but GMime's object model allows it. */
#define MAX_GROUP_DEPTH 8

/* ------------------------------------------------------------------ */
/* Small string helpers */

/* Decode the character at P if it is valid UTF-8.  Returns
 * (gunichar) -1 for invalid or truncated sequences and 0 at the end
 * of the string. */
static gunichar
get_char (const char *p)
{
    gunichar c;

    if ((guchar) *p < 0x80)
	return (guchar) *p;
    c = g_utf8_get_char_validated (p, -1);
    if (c == (gunichar) -2)
	return (gunichar) -1;
    return c;
}

/* Is C white space or a control character (Unicode categories Cc, Zs,
 * Zl, Zp)? */
static gboolean
is_space_or_control (gunichar c)
{
    return g_unichar_isspace (c) || g_unichar_iscntrl (c);
}

/* Return a newly allocated copy of TEXT that is valid UTF-8 and in
 * which every run of white space and control characters is replaced by
 * one space, with nothing left at either end.  Returns NULL if TEXT is
 * NULL or nothing is left. */
static char *
clean_text (const char *text)
{
    g_autofree char *valid = NULL;
    GString *out;
    const char *p;
    gboolean pending_space = FALSE;

    if (text == NULL)
	return NULL;

    valid = g_utf8_make_valid (text, -1);
    out = g_string_sized_new (strlen (valid));
    for (p = valid; *p; p = g_utf8_next_char (p)) {
	gunichar c = g_utf8_get_char (p);

	if (is_space_or_control (c)) {
	    pending_space = TRUE;
	    continue;
	}
	if (pending_space && out->len > 0)
	    g_string_append_c (out, ' ');
	pending_space = FALSE;
	g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }

    if (out->len == 0) {
	g_string_free (out, TRUE);
	return NULL;
    }
    return g_string_free (out, FALSE);
}

/* Return the first word of VALUE, lower-cased: up to white space, ';'
 * or a comment.  Returns NULL if VALUE is NULL (the header is absent)
 * and "" if it is empty.  Used for the one-word headers Precedence,
 * Auto-Submitted and ("NO") List-Post. */
static char *
header_word (const char *value)
{
    size_t len;

    if (value == NULL)
	return NULL;
    while (g_ascii_isspace (*value))
	value++;
    len = strcspn (value, " \t\r\n;(");
    return g_ascii_strdown (value, len);
}

/* ------------------------------------------------------------------ */
/* Message-ids */

/* Advance past white space and (nested, backslash-escaped) RFC 5322
 * comments. */
static const char *
skip_cfws (const char *s)
{
    while (g_ascii_isspace (*s) || *s == '(') {
	while (g_ascii_isspace (*s))
	    s++;
	if (*s == '(') {
	    int nesting = 1;

	    s++;
	    while (*s && nesting) {
		if (*s == '(')
		    nesting++;
		else if (*s == ')')
		    nesting--;
		else if (*s == '\\' && s[1])
		    s++;
		s++;
	    }
	}
    }
    return s;
}

/* Copy the message-id between START and END (exclusive) as valid
 * UTF-8, dropping white space and control characters.  NULL if nothing
 * is left. */
static char *
copy_msgid (const char *start, const char *end)
{
    g_autofree char *valid = g_utf8_make_valid (start, end - start);
    char *r = valid;
    const char *p, *next;

    /* In place: R never passes P, but may overwrite P's first byte. */
    for (p = valid; *p; p = next) {
	next = g_utf8_next_char (p);
	if ((guchar) *p < 0x80 ? (guchar) *p <= ' ' || *p == 0x7f
			       : is_space_or_control (g_utf8_get_char (p)))
	    continue;
	memmove (r, p, next - p);
	r += next - p;
    }
    *r = '\0';
    if (r == valid)
	return NULL;
    return g_steal_pointer (&valid);
}

/* Parse the next "<message-id>" from *S the way notmuch does (so that
 * kith's ids match notmuch's): skip comments and any unstructured text
 * up to '<', take everything up to '>' and drop the white space in it.
 * Advances *S past what was consumed.  Returns NULL (with *S at the
 * end of the string) when no further id can be found; may return NULL
 * with *S advanced for an empty "<>". */
static char *
next_msgid (const char **s)
{
    const char *p = skip_cfws (*s);
    const char *end;

    while (*p && *p != '<')
	p++;
    if (*p == '\0') {
	*s = p;
	return NULL;
    }
    p = skip_cfws (p + 1);
    end = strchr (p, '>');
    if (end == NULL) {
	end = p + strlen (p);
	*s = end;
    } else {
	*s = end + 1;
    }
    return copy_msgid (p, end);
}

/* Narrow [*START, *END) to drop surrounding white space and one pair of
 * angle brackets around the rest. */
static void
trim_brackets (const char **start, const char **end)
{
    while (*start < *end && g_ascii_isspace (**start))
	(*start)++;
    while (*end > *start && g_ascii_isspace ((*end)[-1]))
	(*end)--;
    if (*end - *start >= 2 && **start == '<' && (*end)[-1] == '>') {
	(*start)++;
	(*end)--;
    }
}

/* The Message-Id: the whole value without <> when it is a plain id,
 * otherwise the first "<...>" in it. */
static char *
parse_message_id (const char *value)
{
    const char *start, *end, *p;

    if (value == NULL)
	return NULL;

    start = value;
    end = value + strlen (value);
    trim_brackets (&start, &end);
    for (p = start; p < end; p++)
	if ((guchar) *p <= ' ' || *p == 0x7f || *p == '<' || *p == '>')
	    break;
    if (p == end && start < end)
	return copy_msgid (start, end);

    p = value;
    while (*p) {
	char *id = next_msgid (&p);

	if (id)
	    return id;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Addresses */

char *
_kith_address_normalise (const char *address)
{
    const char *start, *end, *p, *at = NULL;
    gboolean ascii = TRUE;

    if (address == NULL)
	return NULL;

    start = address;
    end = address + strlen (address);
    trim_brackets (&start, &end);
    while (start < end && g_ascii_isspace (*start))
	start++;
    while (end > start && g_ascii_isspace (end[-1]))
	end--;
    if (start == end || ! g_utf8_validate (start, end - start, NULL))
	return NULL;
    /* A quoted local part ("j.doe"@x.example) is the same address as
     * the bare one when nothing in it needs the quotes. */
    if (*start == '"') {
	const char *close = memchr (start + 1, '"', end - start - 1);

	if (close && close > start + 1 && close + 1 < end && close[1] == '@') {
	    g_autofree char *local = g_strndup (start + 1, close - start - 1);
	    g_autofree char *rest = g_strndup (close + 1, end - close - 1);
	    g_autofree char *bare = g_strconcat (local, rest, NULL);

	    if (strpbrk (local, "\\\"@") == NULL)
		return _kith_address_normalise (bare);
	}
	return NULL;
    }

    for (p = start; p < end; p = g_utf8_next_char (p)) {
	guchar b = *p;

	if (b >= 0x80) {
	    ascii = FALSE;
	    if (is_space_or_control (g_utf8_get_char (p)))
		return NULL;
	    continue;
	}
	if (b <= ' ' || b == 0x7f || strchr ("<>,;\"()", b))
	    return NULL;
	if (b == '@') {
	    /* Quoted local parts are rejected above ('"'), so a second
	     * '@' cannot be part of a plausible address. */
	    if (at)
		return NULL;
	    at = p;
	}
    }
    if (at == NULL || at == start || at == end - 1)
	return NULL;

    return ascii ? g_ascii_strdown (start, end - start)
		 : g_utf8_strdown (start, end - start);
}

/* Local parts of automated senders.  Matching is case-insensitive and
 * ignores a "+detail" sub-address (noreply+abc@, list-bounces+x=y@).
 * "info", "support", "contact" and the like are deliberately absent:
 * people answer from those. */
static const struct {
    const char *word;
    enum { NR_EXACT, NR_PREFIX, NR_SUFFIX } how;
} noreply_locals[] = {
    { "noreply", NR_PREFIX },		/* noreply, noreply-xyz, noreplyabc */
    { "no-reply", NR_PREFIX },
    { "no_reply", NR_PREFIX },
    { "donotreply", NR_PREFIX },
    { "do-not-reply", NR_PREFIX },
    { "do_not_reply", NR_PREFIX },
    { "-noreply", NR_SUFFIX },		/* gmail-noreply@, calendar-noreply@ */
    { "_noreply", NR_SUFFIX },
    { ".noreply", NR_SUFFIX },
    { "-no-reply", NR_SUFFIX },
    { "mailer-daemon", NR_EXACT },
    { "postmaster", NR_EXACT },
    { "bounce", NR_EXACT },
    { "bounces", NR_EXACT },
    { "bounce-", NR_PREFIX },		/* VERP bounce addresses */
    { "bounces-", NR_PREFIX },
    { "-bounces", NR_SUFFIX },		/* Mailman list-bounces@ */
    { "notifications", NR_EXACT },
    { "notification", NR_EXACT },
    { "notify", NR_EXACT },
    { "alerts", NR_EXACT },
    { "automated", NR_EXACT },
    { "newsletter", NR_EXACT },
    { "news", NR_EXACT },
};

gboolean
_kith_address_is_noreply (const char *address)
{
    const char *at, *plus;
    size_t len;
    size_t i;

    if (address == NULL)
	return FALSE;
    at = strrchr (address, '@');
    len = at ? (size_t) (at - address) : strlen (address);
    plus = memchr (address, '+', len);
    if (plus)
	len = plus - address;
    if (len == 0)
	return FALSE;

    for (i = 0; i < G_N_ELEMENTS (noreply_locals); i++) {
	const char *word = noreply_locals[i].word;
	size_t wlen = strlen (word);

	switch (noreply_locals[i].how) {
	case NR_EXACT:
	    if (len == wlen && g_ascii_strncasecmp (address, word, len) == 0)
		return TRUE;
	    break;
	case NR_PREFIX:
	    if (len >= wlen && g_ascii_strncasecmp (address, word, wlen) == 0)
		return TRUE;
	    break;
	case NR_SUFFIX:
	    if (len > wlen &&
		g_ascii_strncasecmp (address + len - wlen, word, wlen) == 0)
		return TRUE;
	    break;
	}
    }
    return FALSE;
}

/* ------------------------------------------------------------------ */
/* Subjects */

/* Reply markers in many languages, lower case.  Longer markers need
 * not come first: a marker only matches when followed by its colon. */
static const char *const reply_markers[] = {
    "re", "aw", "sv", "antw", "antwort", "vs", "ynt", "odp", "réf",
    "ref", "r", "rif", "atb", "vá", "svar", "回复", "答复", NULL
};

/* Forward markers (English, German, French, Spanish, Portuguese, Dutch,
 * Swedish, Chinese), lower case. */
static const char *const forward_markers[] = {
    "fwd", "fw", "wg", "tr", "rv", "doorst", "enc", "vb", "转发", NULL
};

/* Skip white space (ASCII and Unicode) at P. */
static const char *
skip_space (const char *p)
{
    for (;;) {
	gunichar c = get_char (p);

	if (c == 0 || c == (gunichar) -1 || ! is_space_or_control (c))
	    return p;
	p = g_utf8_next_char (p);
    }
}

/* If P starts with a "[tag]" block, return the position after it. */
static const char *
skip_tag (const char *p)
{
    const char *close;

    if (*p != '[')
	return NULL;
    close = strchr (p + 1, ']');
    return close ? close + 1 : NULL;
}

/* If P starts with MARKER (lower case), compared case-insensitively
 * character by character, return the position after it. */
static const char *
match_word (const char *p, const char *marker)
{
    while (*marker) {
	gunichar c = get_char (p);

	if (c == 0 || c == (gunichar) -1 ||
	    g_unichar_tolower (c) != g_utf8_get_char (marker))
	    return NULL;
	p = g_utf8_next_char (p);
	marker = g_utf8_next_char (marker);
    }
    return p;
}

/* If P starts with one of MARKERS, optionally followed by a count
 * "[N]" or "(N)" and by spaces, then by ':' or a full-width colon,
 * return the position after the colon. */
static const char *
match_marker (const char *p, const char *const *markers)
{
    for (; *markers; markers++) {
	const char *q = match_word (p, *markers);

	if (q == NULL)
	    continue;
	if (*q == '[' || *q == '(') {
	    const char *d = q + 1;
	    char close = *q == '[' ? ']' : ')';

	    while (g_ascii_isdigit (*d))
		d++;
	    if (d > q + 1 && *d == close)
		q = d + 1;
	}
	while (*q == ' ')
	    q++;
	if (*q == ':')
	    return q + 1;
	if (strncmp (q, "：", strlen ("：")) == 0)
	    return q + strlen ("：");
    }
    return NULL;
}

gboolean
_kith_subject_is_reply (const char *subject)
{
    const char *p, *q;

    if (subject == NULL)
	return FALSE;
    p = skip_space (subject);
    while ((q = skip_tag (p)))
	p = skip_space (q);
    return match_marker (p, reply_markers) != NULL;
}

/* Subject prefixes of mail a client writes by itself: calendar
 * responses (Outlook, Exchange, Thunderbird, Google Calendar, in the
 * languages they ship) and out-of-office replies.  Lower case, matched
 * at the start of the subject, case-insensitively. */
static const char *const auto_response_prefixes[] = {
    "accepted:", "declined:", "tentative:", "tentatively accepted:",
    "updated invitation", "invitation accepted", "invitation declined",
    "angenommen:", "abgelehnt:", "mit vorbehalt angenommen:", "vorläufig angenommen:",
    "accepté:", "accepté :", "refusé:", "refusé :", "provisoire:", "provisoire :",
    "aceptado:", "rechazado:", "provisional:", "accettato:", "rifiutato:",
    "geaccepteerd:", "geweigerd:", "voorlopig:", "godkänd:", "avböjd:", "preliminär:",
    "zaakceptowano:", "odrzucono:", "aceito:", "recusado:",
    "automatic reply:", "auto reply:", "autoreply:", "auto-reply:", "auto:",
    "out of office", "out of the office", "automatische antwort:", "abwesenheitsnotiz",
    "abwesend:", "réponse automatique", "respuesta automática", "risposta automatica",
    "automatisch antwoord", "autosvar:", "automatisk svar", "automaattinen vastaus",
    "odpowiedź automatyczna", "resposta automática",
};

gboolean
_kith_subject_is_auto_response (const char *subject)
{
    const char *p = subject;

    if (subject == NULL)
	return FALSE;
    while (g_ascii_isspace (*p))
	p++;
    for (guint i = 0; i < G_N_ELEMENTS (auto_response_prefixes); i++)
	if (match_word (p, auto_response_prefixes[i]))
	    return TRUE;
    return FALSE;
}

/* Words that make a sender a robot when they are a whole word of its
 * address's local part (split at . _ - +): test and build robots write
 * like people (no Auto-Submitted, a person's kind of name) and people
 * answer them now and then.  The display name is held to the words
 * nobody is named (a "Cindy Build-Smith" or a "Travis" is a person).
 * Lower case. */
static const char *const robot_words[] = {
    "autobuild", "autobuilder", "bot", "bugzilla", "build", "buildbot", "builder",
    "buildfarm", "builds", "ci", "cron", "daemon", "dependabot", "gerrit", "jenkins",
    "kbuild", "patchwork", "renovate", "robot", "syzbot", "testbot", "zuul",
};
static const char *const robot_name_words[] = {
    "autobuilder", "bot", "buildbot", "dependabot", "jenkins", "patchwork",
    "robot", "syzbot", "testbot",
};

static gboolean
is_word_of (const char *word, gsize len, const char *const *words, guint n)
{
    for (guint i = 0; i < n; i++)
	if (strlen (words[i]) == len && g_ascii_strncasecmp (word, words[i], len) == 0)
	    return TRUE;
    return FALSE;
}

gboolean
_kith_sender_is_robot (GPtrArray *patterns, const char *address, const char *name)
{
    g_autofree char *folded = name ? _kith_name_fold (name) : NULL;
    const char *at;

    if (address == NULL)
	return FALSE;
    if (patterns) {
	for (guint i = 0; i < patterns->len; i++) {
	    const char *pattern = patterns->pdata[i];
	    if (strchr (pattern, '@') ? g_pattern_match_simple (pattern, address)
				      : folded && g_pattern_match_simple (pattern, folded))
		return TRUE;
	}
    }
    at = strrchr (address, '@');
    for (const char *p = address; at && p < at;) {
	gsize len = strcspn (p, "._-+@");
	if (is_word_of (p, len, robot_words, G_N_ELEMENTS (robot_words)))
	    return TRUE;
	p += len;
	if (p < at)
	    p++;
    }
    if (folded) {
	g_auto (GStrv) words = g_strsplit (folded, " ", -1);
	for (guint i = 0; words[i]; i++)
	    if (is_word_of (words[i], strlen (words[i]), robot_name_words,
			    G_N_ELEMENTS (robot_name_words)))
		return TRUE;
    }
    return FALSE;
}

/* ------------------------------------------------------------------ */
/* Dates */

gboolean
_kith_date_plausible (gint64 date, gint64 received, gint64 now)
{
    gint64 limit = (received > 0 ? received : now) + 86400;

    return date >= KITH_DATE_MIN && date <= limit;
}

gint64
_kith_msg_date (const _kith_msg_t *msg, gint64 fallback, gint64 now)
{
    gint64 date = msg && msg->date ? msg->date : fallback;
    gint64 received = msg ? msg->received : 0;

    if (_kith_date_plausible (date, received, now))
	return date;
    if (received > 0 && _kith_date_plausible (received, 0, now))
	return received;
    return 0;
}

char *
_kith_subject_skeleton (const char *base)
{
    GString *out;

    if (base == NULL)
	return NULL;
    out = g_string_sized_new (strlen (base));
    for (const char *p = base; *p; p++) {
	if (g_ascii_isdigit (*p)) {
	    while (g_ascii_isdigit (p[1]))
		p++;
	    g_string_append_c (out, '#');
	} else {
	    g_string_append_c (out, *p);
	}
    }
    return g_string_free (out, FALSE);
}

char *
_kith_subject_base (const char *subject)
{
    g_autofree char *valid = NULL;
    g_autofree char *normal = NULL;
    g_autofree char *clean = NULL;
    g_autofree char *folded = NULL;
    const char *p, *q;
    gboolean ascii = TRUE;
    char *base;

    if (subject == NULL)
	return NULL;

    for (p = subject; *p && ascii; p++)
	ascii = (guchar) *p < 0x80;

    /* NFKC first, so that full-width markers and brackets are seen.
     * ASCII (most subjects) is its own NFKC form. */
    if (ascii) {
	p = subject;
    } else {
	valid = g_utf8_make_valid (subject, -1);
	normal = g_utf8_normalize (valid, -1, G_NORMALIZE_NFKC);
	p = normal ? normal : valid;
    }
    for (;;) {
	p = skip_space (p);
	if ((q = skip_tag (p)) ||
	    (q = match_marker (p, reply_markers)) ||
	    (q = match_marker (p, forward_markers)))
	    p = q;
	else
	    break;
    }

    clean = clean_text (p);
    if (clean == NULL)
	return g_strdup ("");
    if (ascii)
	return g_ascii_strdown (clean, -1);
    folded = g_utf8_casefold (clean, -1);
    base = g_utf8_normalize (folded, -1, G_NORMALIZE_NFKC);
    return base ? base : g_strdup ("");
}

/* ------------------------------------------------------------------ */
/* The message */

static void
addr_free (_kith_addr_t *addr)
{
    if (addr == NULL)
	return;
    g_free (addr->address);
    g_free (addr->name);
    g_free (addr);
}

void
_kith_addr_free (_kith_addr_t *addr)
{
    addr_free (addr);
}

void
_kith_msg_free (_kith_msg_t *msg)
{
    if (msg == NULL)
	return;
    addr_free (msg->from);
    if (msg->rcpts)
	g_ptr_array_unref (msg->rcpts);
    g_free (msg->subject);
    g_free (msg->subject_base);
    g_free (msg->message_id);
    g_free (msg->in_reply_to);
    if (msg->references)
	g_ptr_array_unref (msg->references);
    g_free (msg->thread_index);
    g_free (msg->thread_topic);
    g_free (msg->list_address);
    g_free (msg->recovered_example);
    g_free (msg);
}

/* A message with nothing in it.  RCPTS and REFERENCES always exist
 * (possibly empty) and own their elements. */
static _kith_msg_t *
msg_new (void)
{
    _kith_msg_t *msg = g_new0 (_kith_msg_t, 1);

    msg->rcpts = g_ptr_array_new_with_free_func ((GDestroyNotify) addr_free);
    msg->references = g_ptr_array_new_with_free_func (g_free);
    return msg;
}

/* NAME (owned, cleaned by clean_text, or NULL) as the display name of
 * the mailbox ADDRESS, or NULL (NAME freed) when it is no name but an
 * address: the mailbox's own, whatever its case, spacing or quotes
 * ("linux-kernel@vger.kernel.org" <linux-kernel@vger.kernel.org>,
 * 'ann@example.com', "linux-mmc @ vger . kernel . org"), or any other
 * written as one word with an '@' inside.  Clients write these where
 * they know no name; taken for names, they would be shown, completed
 * and matched as if someone were called so.  A name with an '@'
 * among words ("Ann @ Work") stays a name. */
static char *
mailbox_name (char *name, const char *address)
{
    g_autoptr (GString) bare = NULL;
    const char *at;

    if (name == NULL)
	return NULL;
    bare = g_string_new (NULL);
    for (const char *p = name; *p; p++)
	if (! strchr (" \t'\"<>", *p))
	    g_string_append_c (bare, *p);
    at = strchr (bare->str, '@');
    if ((address && g_ascii_strcasecmp (bare->str, address) == 0) ||
	(at && at > bare->str && at[1] && ! strchr (name, ' '))) {
	g_free (name);
	return NULL;
    }
    return name;
}

/* Make a _kith_addr_t from a GMime mailbox, or NULL if its address
 * does not normalise. */
static _kith_addr_t *
addr_from_mailbox (InternetAddressMailbox *mailbox, int kind)
{
    char *address = _kith_address_normalise (
	internet_address_mailbox_get_addr (mailbox));
    _kith_addr_t *addr;

    if (address == NULL)
	return NULL;
    addr = g_new (_kith_addr_t, 1);
    addr->address = address;
    addr->name = mailbox_name (clean_text (internet_address_get_name (INTERNET_ADDRESS (mailbox))),
			       address);
    addr->kind = kind;
    return addr;
}

const char *
_kith_msg_parent_keys (const _kith_msg_t *msg, char **ti_parent)
{
    size_t len = msg->thread_index ? strlen (msg->thread_index) : 0;

    *ti_parent = len > KITH_TI_ROOT_HEX ? g_strndup (msg->thread_index, len - KITH_TI_REPLY_HEX) : NULL;
    if (msg->in_reply_to)
	return msg->in_reply_to;
    if (msg->references && msg->references->len > 0)
	return msg->references->pdata[msg->references->len - 1];
    return NULL;
}

/* Decode a base64 Thread-Index to lower-case hex; NULL unless it
 * decodes to a plausible length. */
static char *
parse_thread_index (const char *value)
{
    g_autofree char *b64 = NULL;
    g_autofree guchar *data = NULL;
    gsize len = 0, i;
    char *p, *hex;

    if (value == NULL)
	return NULL;

    /* Keep the base64 alphabet only: white space from folding and any
     * junk would otherwise confuse the decoder. */
    b64 = g_malloc (strlen (value) + 1);
    for (p = b64; *value; value++)
	if (g_ascii_isalnum (*value) || *value == '+' || *value == '/' ||
	    *value == '=')
	    *p++ = *value;
    *p = '\0';
    if (p - b64 < 4 || (gsize) (p - b64) > (MAX_THREAD_INDEX / 3 + 1) * 4)
	return NULL;

    data = g_base64_decode (b64, &len);
    if (data == NULL || len < 22 || len > MAX_THREAD_INDEX)
	return NULL;

    hex = g_malloc (2 * len + 1);
    for (i = 0; i < len; i++) {
	hex[2 * i] = "0123456789abcdef"[data[i] >> 4];
	hex[2 * i + 1] = "0123456789abcdef"[data[i] & 0xf];
    }
    hex[2 * len] = '\0';
    return hex;
}

/* ------------------------------------------------------------------ */
/* Splitting the header block */

/* The headers kith reads.  All others (DKIM-Signature, ARC-*,
 * most X-*: the bulk of a modern header block) are skipped unread, and
 * so are lines that are not headers at all (an mbox "From " line,
 * garbage), which lets the parse recover from them. */
typedef enum {
    H_FROM,
    H_SENDER,
    H_TO,
    H_CC,
    H_BCC,
    H_SUBJECT,
    H_DATE,
    H_MESSAGE_ID,
    H_IN_REPLY_TO,
    H_REFERENCES,
    H_THREAD_INDEX,
    H_THREAD_TOPIC,
    H_AUTO_SUBMITTED,
    H_X_AUTOREPLY,
    H_X_AUTORESPOND,
    H_PRECEDENCE,
    H_LIST_ID,
    H_LIST_POST,
    H_LIST_UNSUBSCRIBE,
    H_FEEDBACK_ID,
    H_REPLY_TO,
    H_X_ORIGINAL_FROM,
    H_RECEIVED,
    H_CONTENT_TYPE,
    H_LAST
} header_id_t;

static const char *const wanted_headers[H_LAST] = {
    [H_FROM] = "From",
    [H_SENDER] = "Sender",
    [H_TO] = "To",
    [H_CC] = "Cc",
    [H_BCC] = "Bcc",
    [H_SUBJECT] = "Subject",
    [H_DATE] = "Date",
    [H_MESSAGE_ID] = "Message-Id",
    [H_IN_REPLY_TO] = "In-Reply-To",
    [H_REFERENCES] = "References",
    [H_THREAD_INDEX] = "Thread-Index",
    [H_THREAD_TOPIC] = "Thread-Topic",
    [H_AUTO_SUBMITTED] = "Auto-Submitted",
    [H_X_AUTOREPLY] = "X-Autoreply",
    [H_X_AUTORESPOND] = "X-Autorespond",
    [H_PRECEDENCE] = "Precedence",
    [H_LIST_ID] = "List-Id",
    [H_LIST_POST] = "List-Post",
    [H_LIST_UNSUBSCRIBE] = "List-Unsubscribe",
    [H_FEEDBACK_ID] = "Feedback-ID",
    [H_REPLY_TO] = "Reply-To",
    [H_X_ORIGINAL_FROM] = "X-Original-From",
    [H_RECEIVED] = "Received",
    [H_CONTENT_TYPE] = "Content-Type",
};

/* Which wanted header NAME (LEN bytes, any case) is, or -1. */
static int
header_id (const char *name, gsize len)
{
    for (int i = 0; i < H_LAST; i++)
	if (g_ascii_strncasecmp (name, wanted_headers[i], len) == 0 && wanted_headers[i][len] == '\0')
	    return i;
    return -1;
}

/* One wanted header field of the block.  Its raw value runs from just
 * after the colon to the end of its last continuation line, newline
 * included: what GMime's parser keeps as the raw value. */
typedef struct {
    int id;
    const char *value;
    gsize len;
} field_t;

typedef struct {
    field_t *field; /* in the order of the block */
    guint n, size;
    int first[H_LAST]; /* index of the first field of each kind, -1: none */
    int last[H_LAST];  /* and of the last */
} headers_t;

/* Split the header block BUF (LEN bytes, no body) into the fields kith
 * wants.  A line starting with a space or tab continues the field
 * before it; a line "Name:" (or, obsolete, "Name :") starts a field;
 * any other line ends the field before it. */
static void
split_headers (const char *buf, gsize len, headers_t *h)
{
    const char *p = buf, *end = buf + len;
    field_t *cur = NULL;

    h->field = NULL;
    h->n = h->size = 0;
    for (int i = 0; i < H_LAST; i++)
	h->first[i] = h->last[i] = -1;
    while (p < end) {
	const char *nl = memchr (p, '\n', end - p);
	const char *next = nl ? nl + 1 : end;

	if (*p == ' ' || *p == '\t') {
	    if (cur)
		cur->len = next - cur->value;
	} else {
	    const char *name_end = p, *colon;
	    int id = -1;

	    while (name_end < next && *name_end != ':' && (guchar) *name_end > ' ')
		name_end++;
	    colon = name_end;
	    while (colon < next && (*colon == ' ' || *colon == '\t'))
		colon++;
	    if (colon < next && *colon == ':')
		id = header_id (p, name_end - p);
	    cur = NULL;
	    if (id >= 0) {
		if (h->n == h->size) {
		    h->size = MAX (16, 2 * h->size);
		    h->field = g_renew (field_t, h->field, h->size);
		}
		cur = &h->field[h->n];
		cur->id = id;
		cur->value = colon + 1;
		cur->len = next - cur->value;
		if (h->first[id] < 0)
		    h->first[id] = h->n;
		h->last[id] = h->n;
		h->n++;
	    }
	}
	p = next;
    }
}

/* The raw value of field I as a string: like GMime's, it ends at a NUL
 * byte. */
static char *
field_raw (const headers_t *h, int i)
{
    return g_strndup (h->field[i].value, h->field[i].len);
}

/* ---- Adjacent base64 encoded-words ----
 *
 * GMime 3.2 decodes adjacent "B" encoded-words of one charset as one
 * base64 stream (so that a character split between them survives), but
 * the '=' padding at the end of the first stops the decoder: of
 * "=?UTF-8?B?...aW56dWY=?= =?UTF-8?B?w7xnZW4=?=" only "...hinzuf" is
 * left.  Python's email package encodes long headers exactly so.  Such
 * runs are joined here first: each payload decoded, the bytes put
 * together, and encoded again as one word. */

/* Length of the encoded-word at P ("=?charset?B?payload?="), 0 if there
 * is none; its charset and payload are returned. */
static gsize
b_word (const char *p, const char **charset, gsize *charset_len, const char **payload,
	gsize *payload_len)
{
    const char *q, *end;

    if (p[0] != '=' || p[1] != '?')
	return 0;
    q = p + 2;
    *charset = q;
    while (*q && *q != '?' && ! g_ascii_isspace (*q))
	q++;
    if (*q != '?' || q == *charset || (q[1] != 'B' && q[1] != 'b') || q[2] != '?')
	return 0;
    *charset_len = q - *charset;
    *payload = q + 3;
    /* Linear: a payload is a run of base64 characters, and no other
     * encoded-word can start inside it. */
    for (end = *payload; g_ascii_isalnum (*end) || *end == '+' || *end == '/' || *end == '='; end++)
	;
    if (end[0] != '?' || end[1] != '=')
	return 0;
    *payload_len = end - *payload;
    return end + 2 - p;
}

/* Append the bytes of base64 PAYLOAD (LEN) to OUT. */
static void
append_base64 (GByteArray *out, const char *payload, gsize len)
{
    /* g_base64_decode wants whole quanta. */
    g_autofree char *copy = g_strndup (payload, len - len % 4);
    gsize n = 0;
    g_autofree guchar *bytes = g_base64_decode (copy, &n);

    g_byte_array_append (out, bytes, n);
}

char *
_kith_rfc2047_join (const char *text)
{
    GString *out = g_string_new (NULL);
    const char *p = text;

    while (*p) {
	const char *cs, *pl, *next, *cs2, *pl2;
	gsize cs_len, pl_len, cs2_len, pl2_len, n = b_word (p, &cs, &cs_len, &pl, &pl_len), n2 = 0;
	g_autoptr (GByteArray) bytes = NULL;
	g_autofree char *encoded = NULL;
	guint words = 1;

	if (n == 0) {
	    /* No encoded-word starts before the next "=?": the text up
	     * to it in one piece. */
	    const char *e = strstr (p + 1, "=?");
	    gsize run = e ? (gsize) (e - p) : strlen (p);

	    g_string_append_len (out, p, run);
	    p += run;
	    continue;
	}
	bytes = g_byte_array_new ();
	append_base64 (bytes, pl, pl_len);
	next = p + n;
	for (;;) {
	    const char *q = next;
	    while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
		q++;
	    if ((n2 = b_word (q, &cs2, &cs2_len, &pl2, &pl2_len)) == 0 ||
		cs2_len != cs_len || g_ascii_strncasecmp (cs, cs2, cs_len) != 0)
		break;
	    append_base64 (bytes, pl2, pl2_len);
	    next = q + n2;
	    words++;
	}
	if (words == 1) {
	    g_string_append_len (out, p, n);
	} else {
	    encoded = g_base64_encode (bytes->data, bytes->len);
	    g_string_append (out, "=?");
	    g_string_append_len (out, cs, cs_len);
	    g_string_append_printf (out, "?B?%s?=", encoded);
	}
	p = next;
    }
    return g_string_free (out, FALSE);
}

char *
_kith_header_decode_text (const char *raw)
{
    g_autofree char *unfolded = raw ? g_mime_utils_header_unfold (raw) : NULL;
    g_autofree char *joined = unfolded ? _kith_rfc2047_join (unfolded) : NULL;

    return joined ? g_mime_utils_header_decode_text (NULL, joined) : NULL;
}

/* The value of field I (-1: NULL) as GMime's g_mime_header_get_value
 * gives it: unfolded, encoded words decoded, valid UTF-8. */
static char *
field_value (const headers_t *h, int i)
{
    g_autofree char *raw = NULL;

    if (i < 0)
	return NULL;
    raw = field_raw (h, i);
    return _kith_header_decode_text (raw);
}

/* ---- Addresses GMime drops ----
 *
 * GMime's address parser leaves out, without a word, every mailbox
 * whose local part is not a valid dot-atom: consecutive dots
 * ("k..allen@corp.example", everywhere in Exchange exports), a leading
 * or trailing dot; and a list holding one of them may come back with
 * the other mailboxes only, or none.  So each address field is also
 * read here, tolerantly: split at the commas (and group colons and
 * semicolons) outside quotes, comments and angle brackets, and take
 * from each piece the address in <...> (else the bare address) and the
 * display name before it.  When this finds more mailboxes than GMime,
 * the tolerant reading of that field is used and the message counts
 * the addresses recovered, for the indexer to warn about. */

/* Make an address record from a raw address and a raw display name (an
 * RFC 5322 phrase, possibly quoted and encoded), or NULL. */
static _kith_addr_t *
addr_new (const char *raw_address, const char *raw_name, int kind)
{
    char *address = _kith_address_normalise (raw_address);
    _kith_addr_t *addr;

    if (address == NULL)
	return NULL;
    addr = g_new (_kith_addr_t, 1);
    addr->address = address;
    addr->name = NULL;
    addr->kind = kind;
    if (raw_name) {
	g_autofree char *joined = _kith_rfc2047_join (raw_name);
	g_autofree char *decoded = g_mime_utils_header_decode_phrase (NULL, joined);
	g_autofree char *clean = clean_text (decoded);

	/* What decode_phrase leaves of quoting: one pair of quotes
	 * around the whole name. */
	if (clean && strlen (clean) >= 2 && clean[0] == '"' && clean[strlen (clean) - 1] == '"') {
	    clean[strlen (clean) - 1] = '\0';
	    addr->name = mailbox_name (clean_text (clean + 1), address);
	} else {
	    addr->name = mailbox_name (g_steal_pointer (&clean), address);
	}
    }
    return addr;
}

/* Read the mailbox in PIECE (LEN bytes: one element of an address list,
 * no top-level comma) into OUT. */
static void
tolerant_piece (const char *piece, gsize len, int kind, GPtrArray *out)
{
    g_autoptr (GString) bare = g_string_new (NULL);
    g_autoptr (GString) comment = g_string_new (NULL);
    const char *lt = NULL, *gt = NULL;
    int depth = 0;
    gboolean quoted = FALSE;
    _kith_addr_t *addr;

    for (gsize i = 0; i < len; i++) {
	char c = piece[i];

	if (c == '\\' && (quoted || depth > 0) && i + 1 < len) {
	    if (depth > 0)
		g_string_append_c (comment, piece[i + 1]);
	    else
		g_string_append_len (bare, piece + i, 2);
	    i++;
	} else if (quoted) {
	    g_string_append_c (bare, c);
	    if (c == '"')
		quoted = FALSE;
	} else if (depth > 0) {
	    if (c == '(')
		depth++;
	    else if (c == ')')
		depth--;
	    if (depth > 0)
		g_string_append_c (comment, c);
	} else if (c == '(') {
	    depth = 1;
	    if (comment->len > 0)
		g_string_append_c (comment, ' ');
	} else if (c == '"') {
	    quoted = TRUE;
	    g_string_append_c (bare, c);
	} else if (c == '<' && lt == NULL) {
	    lt = piece + i;
	} else if (c == '>' && lt && gt == NULL) {
	    gt = piece + i;
	} else if (lt == NULL) {
	    g_string_append_c (bare, c);
	}
    }
    if (lt && gt) {
	g_autofree char *inside = g_strndup (lt + 1, gt - lt - 1);
	g_autofree char *name = g_strndup (piece, lt - piece);
	const char *address = inside;
	const char *colon;

	/* An obsolete source route, "<@relay.example:user@host>". */
	if (*address == '@' && (colon = strchr (address, ':')))
	    address = colon + 1;
	addr = addr_new (address, g_strstrip (name)[0] ? name : NULL, kind);
    } else {
	addr = addr_new (g_strstrip (bare->str), comment->len ? comment->str : NULL, kind);
    }
    if (addr)
	g_ptr_array_add (out, addr);
}

/* The mailboxes of the address list VALUE (unfolded, not decoded), read
 * tolerantly, appended to OUT. */
static void
tolerant_mailboxes (const char *value, int kind, GPtrArray *out)
{
    const char *start = value;
    int depth = 0;
    gboolean quoted = FALSE, angle = FALSE;

    for (const char *p = value;; p++) {
	char c = *p;

	if (c == '\0' || (! quoted && depth == 0 && ! angle && (c == ',' || c == ';'))) {
	    tolerant_piece (start, p - start, kind, out);
	    if (c == '\0')
		break;
	    start = p + 1;
	} else if (c == '\\' && (quoted || depth > 0) && p[1]) {
	    p++;
	} else if (quoted) {
	    quoted = c != '"';
	} else if (depth > 0) {
	    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
	} else if (c == '(') {
	    depth = 1;
	} else if (c == '"') {
	    quoted = TRUE;
	} else if (c == '<') {
	    angle = TRUE;
	} else if (c == '>') {
	    angle = FALSE;
	} else if (c == ':' && ! angle) {
	    start = p + 1; /* "group name:" starts a group: skip the name */
	}
    }
}

/* The mailboxes GMime finds in LIST (groups flattened), appended to OUT. */
static void
gmime_mailboxes (InternetAddressList *list, int kind, int depth, GPtrArray *out)
{
    int n;

    if (list == NULL || depth > MAX_GROUP_DEPTH)
	return;
    n = internet_address_list_length (list);
    for (int i = 0; i < n; i++) {
	InternetAddress *ia = internet_address_list_get_address (list, i);
	_kith_addr_t *addr;

	if (INTERNET_ADDRESS_IS_GROUP (ia)) {
	    gmime_mailboxes (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)),
			     kind, depth + 1, out);
	    continue;
	}
	if (! INTERNET_ADDRESS_IS_MAILBOX (ia))
	    continue;
	addr = addr_from_mailbox (INTERNET_ADDRESS_MAILBOX (ia), kind);
	if (addr)
	    g_ptr_array_add (out, addr);
    }
}

static _kith_addr_t *addr_copy (const _kith_addr_t *a);

/* How many times each address occurs in LIST: a table from the
 * address (borrowed from LIST) to its count. */
static GHashTable *
count_addresses (GPtrArray *list)
{
    GHashTable *counts = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < list->len; i++) {
	const char *address = ((_kith_addr_t *) list->pdata[i])->address;
	g_hash_table_insert (counts, (char *) address,
			     GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, address)) + 1));
    }
    return counts;
}

/* The reading of one field to use, given GMime's and the tolerant one
 * (both emptied into it; freed by the caller): GMime's, unless the
 * tolerant reading found more; then the tolerant one, followed by
 * whatever GMime found that it did not (a mailbox both read, but
 * differently), so that falling back never loses an address: an
 * address GMime read K times and the tolerant reader M < K times is
 * added K - M times, at its first K - M places in GMime's reading.  The
 * first address recovered is kept in *EXAMPLE if that is NULL.  Linear:
 * the counts are hash tables (a list of thousands of addresses is one
 * header line). */
static GPtrArray *
choose_reading (GPtrArray *gmime, GPtrArray *tolerant, char **example)
{
    GPtrArray *use = g_ptr_array_new_with_free_func ((GDestroyNotify) addr_free);
    g_autoptr (GHashTable) in_gmime = NULL;
    g_autoptr (GHashTable) in_use = NULL;

    if (tolerant->len <= gmime->len) {
	for (guint i = 0; i < gmime->len; i++)
	    g_ptr_array_add (use, g_steal_pointer (&gmime->pdata[i]));
	return use;
    }
    in_gmime = count_addresses (gmime);
    for (guint i = 0; i < tolerant->len; i++) {
	_kith_addr_t *a = tolerant->pdata[i];
	if (*example == NULL && ! g_hash_table_contains (in_gmime, a->address))
	    *example = g_strdup (a->address);
	g_ptr_array_add (use, g_steal_pointer (&tolerant->pdata[i]));
    }
    in_use = count_addresses (use); /* keys borrowed from USE, which outlives it */
    for (guint i = 0; i < gmime->len; i++) {
	_kith_addr_t *a = gmime->pdata[i];
	guint have = GPOINTER_TO_UINT (g_hash_table_lookup (in_use, a->address));

	if (have < GPOINTER_TO_UINT (g_hash_table_lookup (in_gmime, a->address))) {
	    _kith_addr_t *copy = addr_copy (a);
	    g_ptr_array_add (use, copy);
	    g_hash_table_insert (in_use, copy->address, GUINT_TO_POINTER (have + 1));
	}
    }
    return use;
}

/* One address field (RAW, as written) read both ways, as KIND: the
 * reading to use (choose_reading), GMime's count in *N_GMIME, and a
 * copy of GMime's reading appended to GMIME_COPY unless that is NULL. */
static GPtrArray *
read_address_field (const char *raw, int kind, guint *n_gmime, GPtrArray *gmime_copy,
		    char **example)
{
    g_autofree char *joined = _kith_rfc2047_join (raw);
    g_autofree char *unfolded = g_mime_utils_header_unfold (raw);
    g_autoptr (InternetAddressList) list = internet_address_list_parse (NULL, joined);
    g_autoptr (GPtrArray) gmime = g_ptr_array_new_with_free_func ((GDestroyNotify) addr_free);
    g_autoptr (GPtrArray) tolerant = g_ptr_array_new_with_free_func ((GDestroyNotify) addr_free);

    gmime_mailboxes (list, kind, 0, gmime);
    if (unfolded)
	tolerant_mailboxes (unfolded, kind, tolerant);
    *n_gmime = gmime->len;
    for (guint i = 0; gmime_copy && i < gmime->len; i++)
	g_ptr_array_add (gmime_copy, addr_copy (gmime->pdata[i]));
    return choose_reading (gmime, tolerant, example);
}

void
_kith_mime_read_address_list (const char *raw, GPtrArray *gmime, GPtrArray *used)
{
    g_autofree char *example = NULL;
    guint n_gmime;
    g_autoptr (GPtrArray) use = read_address_field (raw, KITH_RCPT_TO, &n_gmime, gmime, &example);

    for (guint i = 0; i < use->len; i++)
	g_ptr_array_add (used, g_steal_pointer (&use->pdata[i]));
}

/* The mailboxes of every field of kind ID, in order, as KIND (GMime
 * joins the fields into one list too).  Mailboxes recovered by the
 * tolerant reading are counted in MSG. */
static GPtrArray *
field_addrs (const headers_t *h, int id, int kind, _kith_msg_t *msg)
{
    GPtrArray *addrs = g_ptr_array_new_with_free_func ((GDestroyNotify) addr_free);

    if (h->first[id] < 0)
	return addrs;
    for (int i = h->first[id]; i <= h->last[id]; i++) {
	g_autofree char *raw = NULL;
	g_autoptr (GPtrArray) use = NULL;
	guint n_gmime;

	if (h->field[i].id != id)
	    continue;
	raw = field_raw (h, i);
	use = read_address_field (raw, kind, &n_gmime, NULL, &msg->recovered_example);
	msg->recovered += use->len - n_gmime;
	for (guint j = 0; j < use->len; j++)
	    g_ptr_array_add (addrs, g_steal_pointer (&use->pdata[j]));
    }
    return addrs;
}

static _kith_addr_t *
addr_copy (const _kith_addr_t *a)
{
    _kith_addr_t *copy = g_new (_kith_addr_t, 1);

    copy->address = g_strdup (a->address);
    copy->name = g_strdup (a->name);
    copy->kind = a->kind;
    return copy;
}

/* Is the first mailbox of ADDRS a no-reply address? */
static gboolean
addrs_are_noreply (GPtrArray *addrs)
{
    return addrs->len > 0 && _kith_address_is_noreply (((_kith_addr_t *) addrs->pdata[0])->address);
}

/* Is header ID present (with a value, as GMime sees it)? */
static gboolean
has_header (const headers_t *h, int id)
{
    g_autofree char *value = field_value (h, h->first[id]);

    return value != NULL;
}

/* The first word of the first header ID, see header_word. */
static char *
first_word (const headers_t *h, int id)
{
    g_autofree char *value = field_value (h, h->first[id]);

    return header_word (value);
}

/* The header signals of automated, bulk and list mail. */
static guint
header_flags (const headers_t *h, GPtrArray *from, GPtrArray *sender)
{
    g_autofree char *auto_submitted = first_word (h, H_AUTO_SUBMITTED);
    g_autofree char *precedence = first_word (h, H_PRECEDENCE);
    g_autofree char *list_post = first_word (h, H_LIST_POST);
    guint flags = 0;

    if (auto_submitted && strcmp (auto_submitted, "no") != 0)
	flags |= KITH_MSG_AUTO_SUBMITTED;
    if (has_header (h, H_X_AUTOREPLY) || has_header (h, H_X_AUTORESPOND))
	flags |= KITH_MSG_AUTO_SUBMITTED;

    if (precedence) {
	if (strcmp (precedence, "bulk") == 0 || strcmp (precedence, "junk") == 0)
	    flags |= KITH_MSG_PRECEDENCE_BULK;
	else if (strcmp (precedence, "list") == 0)
	    flags |= KITH_MSG_PRECEDENCE_LIST;
	else if (strcmp (precedence, "auto_reply") == 0)
	    flags |= KITH_MSG_AUTO_SUBMITTED;
    }

    if (has_header (h, H_LIST_ID))
	flags |= KITH_MSG_LIST_ID;
    /* RFC 2369: "List-Post: NO" marks a list nobody can post to, i.e.
     * an announcement list, which is not a discussion. */
    if (list_post && strcmp (list_post, "no") != 0)
	flags |= KITH_MSG_LIST_POST;
    if (has_header (h, H_LIST_UNSUBSCRIBE)) {
	flags |= KITH_MSG_LIST_UNSUBSCRIBE;
	/* Feedback-ID is set by bulk senders (ESPs) for complaint
	 * feedback loops. */
	if (has_header (h, H_FEEDBACK_ID))
	    flags |= KITH_MSG_PRECEDENCE_BULK;
    }

    if (addrs_are_noreply (from) || addrs_are_noreply (sender))
	flags |= KITH_MSG_NOREPLY_SENDER;

    /* A calendar response (text/calendar; method=REPLY) as the whole
     * message: what a client sends by itself when an invitation is
     * accepted.  The usual multipart one is known by its subject. */
    {
	g_autofree char *type = field_value (h, h->first[H_CONTENT_TYPE]);
	g_autofree char *lower = type ? g_ascii_strdown (type, -1) : NULL;

	if (lower && strstr (lower, "text/calendar") && strstr (lower, "method") &&
	    strstr (lower, "reply"))
	    flags |= KITH_MSG_AUTO_RESPONSE;
    }

    return flags;
}

/* The address of a List-Post header ("<mailto:foo-dev@lists.example>"),
 * or NULL. */
static char *
list_post_address (const headers_t *h)
{
    g_autofree char *value = field_value (h, h->first[H_LIST_POST]);
    const char *p, *end;
    g_autofree char *address = NULL;

    if (value == NULL || (p = strstr (value, "mailto:")) == NULL)
	return NULL;
    p += strlen ("mailto:");
    end = p + strcspn (p, ">?, \t");
    address = g_strndup (p, end - p);
    return _kith_address_normalise (address);
}

/* The List-Id without its description and brackets, lower-cased. */
static char *
list_id (const headers_t *h)
{
    g_autofree char *value = field_value (h, h->first[H_LIST_ID]);
    const char *lt, *gt;

    if (value == NULL || (lt = strrchr (value, '<')) == NULL || (gt = strchr (lt, '>')) == NULL)
	return NULL;
    return g_ascii_strdown (lt + 1, gt - lt - 1);
}

/* Letters and digits of S, lower-cased (to compare "Foo-dev" with
 * "foo-dev@" and "foo_dev"). */
static char *
alnum_key (const char *s, gsize len)
{
    GString *out = g_string_new (NULL);

    for (gsize i = 0; i < len && s[i]; i++)
	if (g_ascii_isalnum (s[i]))
	    g_string_append_c (out, g_ascii_tolower (s[i]));
    return g_string_free (out, FALSE);
}

/* If NAME ends in " via LIST" (how lists and Google Groups rewrite the
 * From of senders whose domain forbids relaying: DMARC), the offset of
 * " via ", else -1. */
static gssize
via_offset (const char *name)
{
    const char *p, *last = NULL;

    if (name == NULL)
	return -1;
    for (p = name; (p = strstr (p, " via ")); p++)
	last = p;
    return last && last > name && last[5] ? last - name : -1;
}

/* Is FROM the list's own address: the List-Post address, the address
 * List-Id names ("foo-dev.lists.example" for foo-dev@lists.example), or
 * "Name via List" where List is the list's name? */
static gboolean
from_is_list (const _kith_addr_t *from, const char *post, const char *id)
{
    const char *at = strchr (from->address, '@');
    gssize via = via_offset (from->name);

    if (post && strcmp (from->address, post) == 0)
	return TRUE;
    if (id && at) {
	g_autofree char *dotted = g_strdup (from->address);
	dotted[at - from->address] = '.';
	if (strcmp (dotted, id) == 0)
	    return TRUE;
    }
    if (via >= 0 && (post || id) && at) {
	g_autofree char *list_name = alnum_key (from->name + via + 5, strlen (from->name));
	g_autofree char *local = alnum_key (from->address, at - from->address);
	g_autofree char *id_key = id ? alnum_key (id, strcspn (id, ".")) : NULL;

	return *list_name && (strcmp (list_name, local) == 0 || g_strcmp0 (list_name, id_key) == 0);
    }
    return FALSE;
}

/* The first Received field's date (the hop that delivered the message
 * here: it is at the top), 0 if none. */
static gint64
received_date (const headers_t *h)
{
    g_autofree char *value = field_value (h, h->first[H_RECEIVED]);
    const char *semi;
    g_autoptr (GDateTime) date = NULL;

    if (value == NULL || (semi = strrchr (value, ';')) == NULL)
	return 0;
    date = g_mime_utils_header_decode_date (semi + 1);
    return date ? g_date_time_to_unix (date) : 0;
}

/* Fill MSG from the fields H.
 *
 * This gives what GMime gives for a message made of these headers (the
 * tests compare the two), without building a GMimeMessage, which was
 * most of the indexer's time: like GMime, the addresses are those of
 * every From (To, Cc, ...) field together, the Subject and Date are
 * those of the last field, any other header is the first of its name.
 * GMime itself still parses the address lists, dates and encoded words.
 * Two readings go beyond GMime's, on purpose: addresses GMime drops are
 * recovered (field_addrs), and the author of list mail whose From the
 * list rewrote is the person in X-Original-From or Reply-To. */
static void
msg_fill (_kith_msg_t *msg, const headers_t *h)
{
    g_autoptr (GPtrArray) from_addrs = NULL;
    g_autoptr (GPtrArray) sender_addrs = NULL;
    g_autoptr (GHashTable) seen = NULL;
    g_autofree char *subject = NULL;
    g_autofree char *message_id = NULL;
    g_autofree char *in_reply_to = NULL;
    g_autofree char *references = NULL;
    g_autofree char *thread_index = NULL;
    g_autofree char *thread_topic = NULL;
    g_autofree char *post = NULL;
    g_autofree char *id = NULL;
    static const int rcpt_kinds[][2] = {
	{ H_TO, KITH_RCPT_TO }, { H_CC, KITH_RCPT_CC }, { H_BCC, KITH_RCPT_BCC }
    };
    const char *value;

    from_addrs = field_addrs (h, H_FROM, 0, msg);
    if (from_addrs->len > 0)
	msg->from = addr_copy (from_addrs->pdata[0]);

    seen = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint k = 0; k < G_N_ELEMENTS (rcpt_kinds); k++) {
	g_autoptr (GPtrArray) addrs = field_addrs (h, rcpt_kinds[k][0], rcpt_kinds[k][1], msg);

	for (guint i = 0; i < addrs->len; i++) {
	    _kith_addr_t *addr = addrs->pdata[i];

	    if (g_hash_table_contains (seen, addr->address))
		continue;
	    addrs->pdata[i] = NULL; /* the array's free function skips NULL */
	    g_hash_table_add (seen, addr->address);
	    g_ptr_array_add (msg->rcpts, addr);
	}
    }
    /* "To: undisclosed-recipients:;": a To or Cc naming nobody.  (No To
     * at all is not enough: exports and drafts lose it.) */
    if (h->first[H_TO] >= 0 || h->first[H_CC] >= 0) {
	msg->flags |= KITH_MSG_HIDDEN_RCPTS;
	for (guint i = 0; i < msg->rcpts->len; i++)
	    if (((_kith_addr_t *) msg->rcpts->pdata[i])->kind != KITH_RCPT_BCC)
		msg->flags &= ~KITH_MSG_HIDDEN_RCPTS;
    }

    /* The list's own address, and the person behind a rewritten From. */
    post = list_post_address (h);
    id = list_id (h);
    if (msg->from && from_is_list (msg->from, post, id)) {
	g_autoptr (GPtrArray) original = field_addrs (h, H_X_ORIGINAL_FROM, 0, msg);
	g_autoptr (GPtrArray) reply_to = field_addrs (h, H_REPLY_TO, 0, msg);
	_kith_addr_t *person = NULL;

	msg->list_address = g_strdup (msg->from->address);
	if (original->len > 0)
	    person = original->pdata[0];
	for (guint i = 0; person == NULL && i < reply_to->len; i++) {
	    _kith_addr_t *r = reply_to->pdata[i];
	    if (strcmp (r->address, msg->from->address) != 0 && g_strcmp0 (r->address, post) != 0)
		person = r;
	}
	if (person && strcmp (person->address, msg->from->address) != 0) {
	    _kith_addr_t *author = addr_copy (person);
	    gssize via = via_offset (msg->from->name);

	    if (author->name == NULL && via > 0)
		author->name = mailbox_name (g_strndup (msg->from->name, via), author->address);
	    addr_free (msg->from);
	    msg->from = author;
	    msg->flags |= KITH_MSG_FROM_REWRITTEN;
	}
    } else if (post) {
	msg->list_address = g_steal_pointer (&post);
    }

    subject = field_value (h, h->last[H_SUBJECT]);
    msg->subject = clean_text (subject);
    if (msg->subject)
	msg->subject_base = _kith_subject_base (msg->subject);

    message_id = field_value (h, h->first[H_MESSAGE_ID]);
    msg->message_id = parse_message_id (message_id);

    in_reply_to = field_value (h, h->first[H_IN_REPLY_TO]);
    value = in_reply_to;
    while (value && *value && msg->in_reply_to == NULL)
	msg->in_reply_to = next_msgid (&value);

    references = field_value (h, h->first[H_REFERENCES]);
    value = references;
    while (value && *value) {
	char *ref = next_msgid (&value);

	if (ref)
	    g_ptr_array_add (msg->references, ref);
    }

    thread_index = field_value (h, h->first[H_THREAD_INDEX]);
    msg->thread_index = parse_thread_index (thread_index);
    thread_topic = field_value (h, h->first[H_THREAD_TOPIC]);
    msg->thread_topic = clean_text (thread_topic);

    /* The last Date field with a value decides, parsable or not. */
    for (int i = h->last[H_DATE]; i >= 0 && i >= h->first[H_DATE]; i--) {
	g_autofree char *date_value = NULL;

	if (h->field[i].id != H_DATE || ! (date_value = field_value (h, i)))
	    continue;
	{
	    g_autoptr (GDateTime) date = g_mime_utils_header_decode_date (date_value);
	    if (date)
		msg->date = g_date_time_to_unix (date);
	}
	break;
    }
    msg->received = received_date (h);

    sender_addrs = field_addrs (h, H_SENDER, 0, msg);
    msg->flags |= header_flags (h, from_addrs, sender_addrs);
    if (_kith_subject_is_reply (msg->subject))
	msg->flags |= KITH_MSG_REPLY_SUBJECT;
    if (_kith_subject_is_auto_response (msg->subject))
	msg->flags |= KITH_MSG_AUTO_RESPONSE;
}

/* Parse the header block BUF (LEN bytes, no body). */
static _kith_msg_t *
parse_block (const char *buf, gsize len)
{
    _kith_msg_t *msg = msg_new ();
    headers_t h;

    _kith_mime_init ();
    split_headers (buf, len, &h);
    if (h.n > 0) /* else no header kith wants */
	msg_fill (msg, &h);
    g_free (h.field);
    return msg;
}

/* Find the end of the header block in BUF: the offset just past the
 * empty line ("\n\n" or "\n\r\n", which also covers "\r\n\r\n"), or
 * -1 if there is none yet.  A header block may also be empty (BUF
 * starts with an empty line).  Searching starts at FROM so that a
 * growing buffer is scanned only once. */
static gssize
header_end (const char *buf, gsize len, gsize from)
{
    const char *p, *end = buf + len;

    if (from == 0) {
	if (len >= 1 && buf[0] == '\n')
	    return 1;
	if (len >= 2 && buf[0] == '\r' && buf[1] == '\n')
	    return 2;
    }
    for (p = buf + from; p < end && (p = memchr (p, '\n', end - p)); p++) {
	if (p + 1 < end && p[1] == '\n')
	    return p + 2 - buf;
	if (p + 2 < end && p[1] == '\r' && p[2] == '\n')
	    return p + 3 - buf;
    }
    return -1;
}

_kith_msg_t *
_kith_mime_parse_headers (const char *buf, gsize len)
{
    gssize end;

    if (buf == NULL) {
	buf = "";
	len = 0;
    }
    end = header_end (buf, len, 0);
    if (end >= 0)
	len = end;
    return parse_block (buf, len);
}

_kith_msg_t *
_kith_mime_parse_file (const char *filename, GError **error)
{
    g_autoptr (GByteArray) buf = NULL;
    gsize len = 0;
    int fd, saved_errno = 0;

    g_return_val_if_fail (filename != NULL, NULL);

    /* O_NONBLOCK: a FIFO in the mail store must not hang the indexer;
     * it has no effect on regular files. */
    fd = open (filename, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
	saved_errno = errno;
	goto FAIL;
    }

    buf = g_byte_array_sized_new (HEADER_CHUNK);
    g_byte_array_set_size (buf, HEADER_CHUNK);
    for (;;) {
	gssize n, end;

	if (len == buf->len) {
	    if (buf->len >= KITH_MAX_HEADER_BLOCK)
		break;		/* cut the block here */
	    g_byte_array_set_size (buf, MIN (2 * (gsize) buf->len,
					     KITH_MAX_HEADER_BLOCK));
	}
	n = read (fd, buf->data + len, buf->len - len);
	if (n < 0) {
	    if (errno == EINTR)
		continue;
	    saved_errno = errno;
	    close (fd);
	    goto FAIL;
	}
	if (n == 0)
	    break;		/* end of file: no body */

	/* A terminator may straddle the previous read: rescan its last
	 * two bytes. */
	end = header_end ((const char *) buf->data, len + n,
			  len >= 2 ? len - 2 : 0);
	len += n;
	if (end >= 0) {
	    len = end;
	    break;
	}
    }
    close (fd);

    return parse_block ((const char *) buf->data, len);

  FAIL:
    {
	g_autofree char *display = g_filename_display_name (filename);

	g_set_error (error, KITH_ERROR, KITH_STATUS_FILE_ERROR,
		     "cannot read '%s': %s", display, g_strerror (saved_errno));
    }
    return NULL;
}

/* The character sets of most non-UTF-8 mail.  glibc loads each
 * converter from a shared object when a conversion is opened and
 * unloads it soon after the last one is closed, so that reading one
 * windows-1252 body per message would load and unload CP1252.so per
 * message.  A conversion from each, held open for the life of the
 * process, keeps them loaded; nothing reads through them. */
static const char *const resident_charsets[] = {
    "ISO-8859-1",
    "CP1252",
    "ISO-8859-15",
    "UTF-7",
};
static GIConv resident_converters[G_N_ELEMENTS (resident_charsets)];

void
_kith_mime_init (void)
{
    static gsize initialised = 0;

    if (g_once_init_enter (&initialised)) {
	g_mime_init ();
	for (gsize i = 0; i < G_N_ELEMENTS (resident_charsets); i++)
	    resident_converters[i] = g_iconv_open ("UTF-8", resident_charsets[i]);
	g_once_init_leave (&initialised, 1);
    }
}
