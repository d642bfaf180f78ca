/* rules.c - recognising requests and the person behind them
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A request is mail asking the user to accept someone: a LinkedIn
 * invitation, a GitHub organisation invitation, a calendar invitation.
 * A rule of kind "message" recognises the other mail a platform relays
 * for a person (a LinkedIn InMail): the person is found the same way,
 * but the message is no request.
 * Such mail comes from the platform, not from the person, so kith's
 * history of the sender says nothing; what matters is the person
 * behind it.  This module decides, from rules kept in GKeyFile files
 * (plugin/rules.conf documents the format), whether a message is a
 * request, of which platform, and who the person is.
 *
 * Rules are compiled once when loaded.  A message is parsed whole with
 * GMime (at most KITH_MAX_REQUEST_BYTES of it); its body and calendar
 * parts are decoded only when a rule needs them.  Input is hostile:
 * every text handed to a regex is valid UTF-8 of bounded length, and
 * nothing here aborts on bad mail.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kith-private.h"
#include "kith-rules-default.h"

#ifndef KITH_SYSCONF_RULES
#define KITH_SYSCONF_RULES "/etc/kith/rules.conf"
#endif

/* How much of each text a regex sees. */
#define MAX_LINE_TEXT (4 * 1024)      /* display name, subject, header value */
#define MAX_BODY_TEXT (64 * 1024)     /* decoded body */
#define MAX_CALENDAR_TEXT (64 * 1024) /* all calendar parts together */
#define MAX_HTML_INPUT (256 * 1024)   /* HTML read before stripping tags */

/* A longer "name" is not a name. */
#define MAX_PERSON 256
#define MAX_LOGIN 100

/* MIME nesting kith walks into. */
#define MAX_MIME_DEPTH 32
/* A rules file larger than this is refused (the built-in rules are ~10 KiB). */
#define MAX_RULES_FILE (1024 * 1024)

/* Case-insensitive; ^ and $ at every line; a group name may be used in
 * several alternatives.  Not G_REGEX_OPTIMIZE: the texts are bounded,
 * so PCRE2's JIT measured no faster here, and its generated code makes
 * valgrind (make valgrind) report uninitialised reads that cannot be
 * suppressed narrowly. */
#define REGEX_FLAGS (G_REGEX_CASELESS | G_REGEX_MULTILINE | G_REGEX_DUPNAMES)

/* Every rule's pattern runs under these PCRE2 limits (set in the
 * pattern: GRegex has no other way), so that a rule with catastrophic
 * backtracking costs milliseconds per text, not seconds; a match that
 * reaches them is no match.  They hold at each starting position, and
 * the texts are bounded (MAX_*_TEXT). */
#define REGEX_LIMITS "(*LIMIT_MATCH=100000)(*LIMIT_DEPTH=10000)"

#define BUILTIN_ORIGIN "built-in rules"

/* ------------------------------------------------------------------ */
/* Rules */

typedef enum {
    SRC_FROM_NAME,
    SRC_SUBJECT,
    SRC_HEADER,
    SRC_BODY,
    SRC_CALENDAR,
    SRC_LAST
} source_t;

static const char *const source_names[SRC_LAST] = {
    [SRC_FROM_NAME] = "from_name",
    [SRC_SUBJECT] = "subject",
    [SRC_HEADER] = "header",
    [SRC_BODY] = "body",
    [SRC_CALENDAR] = "calendar",
};

/* One regex applied to one source. */
typedef struct {
    source_t source;
    char *header;  /* SRC_HEADER: the header's name */
    GRegex *regex; /* NULL only for SRC_HEADER: presence / whole value */
} matcher_t;

typedef struct {
    char *name;
    char *platform;
    gboolean enabled;
    gboolean strangers_only;
    gboolean message;  /* kind=message: a person writing, not a request */
    gboolean bulk;     /* kind=bulk: template mail to many, never judged */
    GPtrArray *from;   /* GPatternSpec*: lower-case address globs */
    GPtrArray *from_text; /* char*: the same globs as written (lower-case) */
    GPtrArray *tests;  /* matcher_t*: any one makes a request */
    GPtrArray *vetoes; /* matcher_t*: any one makes it not */
    GPtrArray *person; /* matcher_t*: where the person is, in order */
} rule_t;

struct _kith_rules {
    GPtrArray *rules;    /* rule_t*, in order */
    GHashTable *by_name; /* rule name -> index + 1 (GUINT_TO_POINTER) */
};

static void
matcher_free (matcher_t *m)
{
    if (m == NULL)
	return;
    g_free (m->header);
    if (m->regex)
	g_regex_unref (m->regex);
    g_free (m);
}

static void
rule_free (rule_t *rule)
{
    if (rule == NULL)
	return;
    g_free (rule->name);
    g_free (rule->platform);
    g_ptr_array_unref (rule->from);
    g_ptr_array_unref (rule->from_text);
    g_ptr_array_unref (rule->tests);
    g_ptr_array_unref (rule->vetoes);
    g_ptr_array_unref (rule->person);
    g_free (rule);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (rule_t, rule_free)

static rule_t *
rule_new (const char *name)
{
    rule_t *rule = g_new0 (rule_t, 1);

    rule->name = g_strdup (name);
    rule->enabled = TRUE;
    rule->from = g_ptr_array_new_with_free_func ((GDestroyNotify) g_pattern_spec_free);
    rule->from_text = g_ptr_array_new_with_free_func (g_free);
    rule->tests = g_ptr_array_new_with_free_func ((GDestroyNotify) matcher_free);
    rule->vetoes = g_ptr_array_new_with_free_func ((GDestroyNotify) matcher_free);
    rule->person = g_ptr_array_new_with_free_func ((GDestroyNotify) matcher_free);
    return rule;
}

static _kith_rules_t *
rules_new (void)
{
    _kith_rules_t *rules = g_new0 (_kith_rules_t, 1);

    rules->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
    rules->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    return rules;
}

void
_kith_rules_free (_kith_rules_t *rules)
{
    if (rules == NULL)
	return;
    g_ptr_array_unref (rules->rules);
    g_hash_table_unref (rules->by_name);
    g_free (rules);
}

void
_kith_request_free (_kith_request_t *request)
{
    if (request == NULL)
	return;
    g_free (request->rule);
    g_free (request->platform);
    g_free (request->person);
    g_free (request->login);
    g_free (request->person_address);
    g_free (request);
}

/* Add RULE (taken) to RULES: it replaces, in place, an earlier rule of
 * the same name, or goes last. */
static void
rules_add (_kith_rules_t *rules, rule_t *rule)
{
    gpointer index;

    if (g_hash_table_lookup_extended (rules->by_name, rule->name, NULL, &index)) {
	guint i = GPOINTER_TO_UINT (index) - 1;

	rule_free (rules->rules->pdata[i]);
	rules->rules->pdata[i] = rule;
	return;
    }
    g_ptr_array_add (rules->rules, rule);
    g_hash_table_insert (rules->by_name, g_strdup (rule->name),
			 GUINT_TO_POINTER (rules->rules->len));
}

/* ------------------------------------------------------------------ */
/* Parsing rules files */

static void set_rule_error (GError **error, const char *origin, const char *group,
			    const char *key, const char *format, ...) G_GNUC_PRINTF (5, 6);

/* Set ERROR to "ORIGIN: rule [GROUP], key 'KEY': message". */
static void
set_rule_error (GError **error, const char *origin, const char *group,
		const char *key, const char *format, ...)
{
    g_autofree char *message = NULL;
    va_list args;

    va_start (args, format);
    message = g_strdup_vprintf (format, args);
    va_end (args);
    g_set_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT,
		 "%s: rule [%s], key '%s': %s", origin, group, key, message);
}

/* Split the raw value RAW at each ';' not written "\;", turning "\;"
 * into ';' and leaving every other backslash pair as it is (so "\\;"
 * is a regex backslash-backslash followed by a separator).  Items are
 * trimmed; empty ones are dropped. */
static GPtrArray *
split_list (const char *raw)
{
    GPtrArray *items = g_ptr_array_new_with_free_func (g_free);
    g_autoptr (GString) item = g_string_new (NULL);
    const char *p;

    for (p = raw ? raw : "";; p++) {
	if (*p == '\\' && p[1]) {
	    if (p[1] != ';')
		g_string_append_c (item, '\\');
	    g_string_append_c (item, p[1]);
	    p++;
	    continue;
	}
	if (*p == ';' || *p == '\0') {
	    char *s = g_strstrip (g_strdup (item->str));

	    if (*s)
		g_ptr_array_add (items, s);
	    else
		g_free (s);
	    g_string_truncate (item, 0);
	    if (*p == '\0')
		break;
	    continue;
	}
	g_string_append_c (item, *p);
    }
    return items;
}

static gboolean
parse_bool (const char *raw, gboolean *value)
{
    g_autofree char *s = g_strstrip (g_strdup (raw ? raw : ""));
    static const char *const yes[] = { "true", "yes", "on", "1" };
    static const char *const no[] = { "false", "no", "off", "0" };

    for (gsize i = 0; i < G_N_ELEMENTS (yes); i++) {
	if (g_ascii_strcasecmp (s, yes[i]) == 0) {
	    *value = TRUE;
	    return TRUE;
	}
	if (g_ascii_strcasecmp (s, no[i]) == 0) {
	    *value = FALSE;
	    return TRUE;
	}
    }
    return FALSE;
}

/* Is NAME a plausible header field name (RFC 5322 ftext)? */
static gboolean
is_header_name (const char *name)
{
    if (*name == '\0')
	return FALSE;
    for (const char *p = name; *p; p++)
	if ((guchar) *p <= ' ' || (guchar) *p >= 0x7f || *p == ':')
	    return FALSE;
    return TRUE;
}

/* Does REGEX have a group of any of the names a person_* key uses? */
static gboolean
has_person_group (const GRegex *regex)
{
    static const char *const names[] = { "person", "first", "last", "login", "address" };

    for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
	if (g_regex_get_string_number (regex, names[i]) >= 0)
	    return TRUE;
    return FALSE;
}

/* Compile the items of key KEY (of SOURCE) into matchers appended to
 * LIST.  PERSON: the regexes must capture something. */
static gboolean
parse_matchers (GPtrArray *list, source_t source, gboolean person, const char *raw,
		const char *origin, const char *group, const char *key, GError **error)
{
    g_autoptr (GPtrArray) items = split_list (raw);

    for (guint i = 0; i < items->len; i++) {
	const char *item = items->pdata[i];
	const char *pattern = item;
	g_autoptr (GError) local = NULL;
	g_autofree char *header = NULL;
	matcher_t *m;
	GRegex *regex = NULL;

	if (source == SRC_HEADER) {
	    const char *colon = strchr (item, ':');

	    header = colon ? g_strndup (item, colon - item) : g_strdup (item);
	    g_strstrip (header);
	    if (! is_header_name (header)) {
		set_rule_error (error, origin, group, key,
				"'%s' does not start with a header name "
				"(write Name:REGEX)",
				item);
		return FALSE;
	    }
	    pattern = colon ? colon + 1 : "";
	    while (g_ascii_isspace (*pattern))
		pattern++;
	}
	if (*pattern) {
	    g_autofree char *limited = g_strconcat (REGEX_LIMITS, pattern, NULL);

	    /* Compiled as written first, for errors in the user's terms. */
	    regex = g_regex_new (pattern, REGEX_FLAGS, 0, &local);
	    if (regex) {
		g_regex_unref (regex);
		regex = g_regex_new (limited, REGEX_FLAGS, 0, &local);
	    }
	    if (regex == NULL) {
		set_rule_error (error, origin, group, key,
				"invalid regular expression '%s': %s",
				pattern, local->message);
		return FALSE;
	    }
	    if (person && ! has_person_group (regex)) {
		g_regex_unref (regex);
		set_rule_error (error, origin, group, key,
				"regular expression '%s' captures none of "
				"(?<person>), (?<first>), (?<last>), (?<login>), "
				"(?<address>)",
				pattern);
		return FALSE;
	    }
	} else if (source != SRC_HEADER) {
	    continue; /* cannot happen: split_list drops empty items */
	}

	m = g_new0 (matcher_t, 1);
	m->source = source;
	m->header = g_steal_pointer (&header);
	m->regex = regex;
	g_ptr_array_add (list, m);
    }
    return TRUE;
}

/* Parse the globs of a from key into RULE->from. */
static gboolean
parse_from (rule_t *rule, const char *raw, const char *origin, GError **error)
{
    g_autoptr (GPtrArray) items = split_list (raw);

    for (guint i = 0; i < items->len; i++) {
	g_autofree char *lower = g_utf8_strdown (items->pdata[i], -1);

	if (strchr (lower, '@') == NULL && strcmp (lower, "*") != 0) {
	    set_rule_error (error, origin, rule->name, "from",
			    "'%s' is not an address glob (no '@')",
			    (const char *) items->pdata[i]);
	    return FALSE;
	}
	g_ptr_array_add (rule->from, g_pattern_spec_new (lower));
	g_ptr_array_add (rule->from_text, g_steal_pointer (&lower));
    }
    return TRUE;
}

/* The source named by KEY after an optional prefix, or SRC_LAST. */
static source_t
source_of_key (const char *key, const char *prefix)
{
    size_t len = strlen (prefix);

    if (strncmp (key, prefix, len) != 0)
	return SRC_LAST;
    for (int s = 0; s < SRC_LAST; s++)
	if (strcmp (key + len, source_names[s]) == 0)
	    return s;
    return SRC_LAST;
}

static gboolean
value_is_clean (const char *value)
{
    if (! g_utf8_validate (value, -1, NULL))
	return FALSE;
    for (const char *p = value; *p; p = g_utf8_next_char (p))
	if (g_unichar_iscntrl (g_utf8_get_char (p)))
	    return FALSE;
    return TRUE;
}

static rule_t *
parse_rule (GKeyFile *keyfile, const char *group, const char *origin, GError **error)
{
    g_autoptr (rule_t) rule = NULL;
    g_auto (GStrv) keys = NULL;

    if (! value_is_clean (group)) {
	g_autofree char *shown = g_utf8_make_valid (group, -1);
	g_set_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT,
		     "%s: rule [%s]: the name is not valid UTF-8, or holds control characters",
		     origin, shown);
	return NULL;
    }
    rule = rule_new (group);
    keys = g_key_file_get_keys (keyfile, group, NULL, NULL);

    for (guint i = 0; keys && keys[i]; i++) {
	const char *key = keys[i];
	g_autofree char *raw = g_key_file_get_value (keyfile, group, key, NULL);
	source_t source;
	gboolean ok;

	/* Everything below (PCRE2 in UTF mode, glob patterns) needs valid
	 * UTF-8 without control characters. */
	if (raw && ! value_is_clean (raw)) {
	    set_rule_error (error, origin, group, key, "not valid UTF-8, or holds control characters");
	    return NULL;
	}
	if (strcmp (key, "platform") == 0) {
	    g_free (rule->platform);
	    rule->platform = g_strstrip (g_strdup (raw ? raw : ""));
	    if (*rule->platform == '\0' || ! g_utf8_validate (rule->platform, -1, NULL)) {
		set_rule_error (error, origin, group, key, "empty or not UTF-8");
		return NULL;
	    }
	    continue;
	}
	if (strcmp (key, "enabled") == 0 || strcmp (key, "strangers_only") == 0) {
	    gboolean *value = key[0] == 'e' ? &rule->enabled : &rule->strangers_only;

	    if (! parse_bool (raw, value)) {
		set_rule_error (error, origin, group, key,
				"'%s' is not true or false", raw ? raw : "");
		return NULL;
	    }
	    continue;
	}
	if (strcmp (key, "kind") == 0) {
	    g_autofree char *kind = g_strstrip (g_strdup (raw ? raw : ""));

	    rule->message = g_ascii_strcasecmp (kind, "message") == 0;
	    rule->bulk = g_ascii_strcasecmp (kind, "bulk") == 0;
	    if (! rule->message && ! rule->bulk && g_ascii_strcasecmp (kind, "request") != 0) {
		set_rule_error (error, origin, group, key, "'%s' is not request, message or bulk", kind);
		return NULL;
	    }
	    continue;
	}
	if (strcmp (key, "from") == 0) {
	    if (! parse_from (rule, raw, origin, error))
		return NULL;
	    continue;
	}

	if ((source = source_of_key (key, "")) != SRC_LAST)
	    ok = parse_matchers (rule->tests, source, FALSE, raw, origin, group, key, error);
	else if ((source = source_of_key (key, "not_")) != SRC_LAST)
	    ok = parse_matchers (rule->vetoes, source, FALSE, raw, origin, group, key, error);
	else if ((source = source_of_key (key, "person_")) != SRC_LAST)
	    ok = parse_matchers (rule->person, source, TRUE, raw, origin, group, key, error);
	else {
	    set_rule_error (error, origin, group, key, "unknown key");
	    return NULL;
	}
	if (! ok)
	    return NULL;
    }

    if (rule->enabled) {
	if (rule->platform == NULL && ! rule->bulk) {
	    set_rule_error (error, origin, group, "platform",
			    "missing: an enabled rule names its platform");
	    return NULL;
	}
	if (rule->from->len == 0 && rule->tests->len == 0) {
	    set_rule_error (error, origin, group, "from",
			    "a rule needs from or a test (subject, header, body, "
			    "calendar, from_name): this one would match every message");
	    return NULL;
	}
    }
    return g_steal_pointer (&rule);
}

/* Parse the GKeyFile text DATA (LEN bytes) named ORIGIN into RULES. */
static gboolean
load_keyfile (_kith_rules_t *rules, const char *data, gsize len, const char *origin,
	      GError **error)
{
    g_autoptr (GKeyFile) keyfile = g_key_file_new ();
    g_autoptr (GError) local = NULL;
    g_auto (GStrv) groups = NULL;

    if (data == NULL) {
	data = "";
	len = 0;
    }
    if (! g_key_file_load_from_data (keyfile, data, len, G_KEY_FILE_KEEP_TRANSLATIONS,
				     &local)) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT, "%s: %s",
		     origin, local->message);
	return FALSE;
    }
    groups = g_key_file_get_groups (keyfile, NULL);
    for (guint i = 0; groups[i]; i++) {
	rule_t *rule = parse_rule (keyfile, groups[i], origin, error);

	if (rule == NULL)
	    return FALSE;
	rules_add (rules, rule);
    }
    return TRUE;
}

/* What a file that is not a regular file is, for messages. */
static const char *
file_kind (mode_t mode)
{
    if (S_ISDIR (mode))
	return "a directory";
    if (S_ISFIFO (mode))
	return "a FIFO";
    if (S_ISCHR (mode))
	return "a character device";
    if (S_ISBLK (mode))
	return "a block device";
    if (S_ISSOCK (mode))
	return "a socket";
    return "not a regular file";
}

/* Read the rules file PATH: a regular file of at most MAX_RULES_FILE
 * bytes.  Opened without blocking (a FIFO would wait for a writer for
 * ever) and checked on the open descriptor, so that nothing can swap
 * the file between the check and the read. */
static char *
read_rules_file (const char *path, const char *display, gsize *len, GError **error)
{
    g_autofree char *data = NULL;
    struct stat st;
    gsize got = 0;
    int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

    if (fd < 0) {
	int saved = errno;
	g_set_error (error, KITH_ERROR, KITH_STATUS_FILE_ERROR,
		     "cannot read rules file '%s': %s", display, g_strerror (saved));
	return NULL;
    }
    if (fstat (fd, &st) != 0) {
	int saved = errno;
	g_set_error (error, KITH_ERROR, KITH_STATUS_FILE_ERROR,
		     "cannot read rules file '%s': %s", display, g_strerror (saved));
	close (fd);
	return NULL;
    }
    if (! S_ISREG (st.st_mode)) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_FILE_ERROR,
		     "rules file '%s' is %s: kith reads only a regular file", display,
		     file_kind (st.st_mode));
	close (fd);
	return NULL;
    }
    if (st.st_size > MAX_RULES_FILE) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_FILE_ERROR,
		     "rules file '%s' is larger than %d MiB (kith's limit for a rules file)",
		     display, MAX_RULES_FILE / (1024 * 1024));
	close (fd);
	return NULL;
    }
    /* One byte more than the limit: a file growing while read is caught too. */
    data = g_malloc (MAX_RULES_FILE + 2);
    while (got <= MAX_RULES_FILE) {
	ssize_t n = read (fd, data + got, MAX_RULES_FILE + 1 - got);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0) {
	    int saved = errno;
	    g_set_error (error, KITH_ERROR, KITH_STATUS_FILE_ERROR,
			 "cannot read rules file '%s': %s", display, g_strerror (saved));
	    close (fd);
	    return NULL;
	}
	if (n == 0)
	    break;
	got += (gsize) n;
    }
    close (fd);
    if (got > MAX_RULES_FILE) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_FILE_ERROR,
		     "rules file '%s' is larger than %d MiB (kith's limit for a rules file)",
		     display, MAX_RULES_FILE / (1024 * 1024));
	return NULL;
    }
    data[got] = '\0';
    *len = got;
    return g_steal_pointer (&data);
}

static gboolean
load_file (_kith_rules_t *rules, const char *path, GError **error)
{
    g_autofree char *display = g_filename_display_name (path);
    g_autofree char *data = NULL;
    gsize len = 0;

    data = read_rules_file (path, display, &len, error);
    if (data == NULL)
	return FALSE;
    return load_keyfile (rules, data, len, display, error);
}

_kith_rules_t *
_kith_rules_load_data (const char *data, gsize len, const char *origin, GError **error)
{
    g_autoptr (_kith_rules_t) rules = rules_new ();

    if (! load_keyfile (rules, data, len, origin ? origin : "rules", error))
	return NULL;
    return g_steal_pointer (&rules);
}

_kith_rules_t *
_kith_rules_load (const char *user_path, GError **error)
{
    g_autoptr (_kith_rules_t) rules = rules_new ();
    g_autofree char *default_path = NULL;

    if (! load_keyfile (rules, kith_rules_default, sizeof (kith_rules_default) - 1,
			BUILTIN_ORIGIN, error))
	return NULL;
    if (g_file_test (KITH_SYSCONF_RULES, G_FILE_TEST_EXISTS) &&
	! load_file (rules, KITH_SYSCONF_RULES, error))
	return NULL;
    if (user_path == NULL) {
	default_path = g_build_filename (g_get_user_config_dir (), "kith",
					 "rules.conf", NULL);
	if (g_file_test (default_path, G_FILE_TEST_EXISTS))
	    user_path = default_path;
    }
    if (user_path && ! load_file (rules, user_path, error))
	return NULL;
    return g_steal_pointer (&rules);
}

_kith_rules_t *
_kith_rules_load_fallback (void)
{
    g_autoptr (_kith_rules_t) rules = rules_new ();
    g_autoptr (GError) error = NULL;

    if (g_file_test (KITH_SYSCONF_RULES, G_FILE_TEST_EXISTS) &&
	load_keyfile (rules, kith_rules_default, sizeof (kith_rules_default) - 1, BUILTIN_ORIGIN,
		      &error) &&
	load_file (rules, KITH_SYSCONF_RULES, &error))
	return g_steal_pointer (&rules);
    g_clear_pointer (&rules, _kith_rules_free);
    g_clear_error (&error);
    rules = rules_new ();
    if (! load_keyfile (rules, kith_rules_default, sizeof (kith_rules_default) - 1, BUILTIN_ORIGIN,
			&error))
	g_error ("kith: the built-in rules do not load: %s", error->message);
    return g_steal_pointer (&rules);
}

/* ------------------------------------------------------------------ */
/* Platform senders */

/* Does the glob G name one domain's senders (a platform's), rather than
 * everyone?  Its domain, past a leading "*." for subdomains, must be
 * literal and hold a dot: "*@linkedinmail.com" and
 * "invitations@*.linkedin.com" do, "*", "*@*" and "*@*.com" do not. */

static gboolean
is_sender_glob (const char *g)
{
    const char *at = strrchr (g, '@');
    const char *domain = at ? at + 1 : NULL;

    if (domain == NULL)
	return FALSE;
    if (g_str_has_prefix (domain, "*."))
	domain += 2;
    return strpbrk (domain, "*?") == NULL && strchr (domain, '.') != NULL && domain[0] != '.';
}

const char *
_kith_rules_platform_of (const _kith_rules_t *rules, const char *address)
{
    g_autofree char *lower = NULL;

    if (rules == NULL || address == NULL)
	return NULL;
    lower = g_utf8_strdown (address, -1);
    for (guint i = 0; i < rules->rules->len; i++) {
	const rule_t *rule = rules->rules->pdata[i];

	if (! rule->enabled || rule->platform == NULL)
	    continue;
	for (guint k = 0; k < rule->from->len; k++)
	    if (is_sender_glob (rule->from_text->pdata[k]) &&
		g_pattern_spec_match_string (rule->from->pdata[k], lower))
		return rule->platform;
    }
    return NULL;
}

char *
_kith_rules_platform_senders (const _kith_rules_t *rules)
{
    g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
    GString *out = g_string_new (NULL);

    for (guint i = 0; rules && i < rules->rules->len; i++) {
	const rule_t *rule = rules->rules->pdata[i];

	if (! rule->enabled || rule->platform == NULL)
	    continue;
	for (guint k = 0; k < rule->from_text->len; k++)
	    if (is_sender_glob (rule->from_text->pdata[k]))
		g_ptr_array_add (lines, g_strdup_printf ("%s\t%s", (const char *) rule->from_text->pdata[k],
							 rule->platform));
    }
    g_ptr_array_sort (lines, _kith_compare_strings);
    for (guint i = 0; i < lines->len; i++)
	if (i == 0 || strcmp (lines->pdata[i], lines->pdata[i - 1]) != 0)
	    g_string_append_printf (out, "%s\n", (const char *) lines->pdata[i]);
    return g_string_free (out, FALSE);
}

void
_kith_rules_platform_globs (const char *senders, GPtrArray *globs)
{
    g_auto (GStrv) lines = g_strsplit (senders ? senders : "", "\n", -1);

    for (guint i = 0; lines[i]; i++) {
	char *tab = strchr (lines[i], '\t');
	if (tab) {
	    *tab = '\0';
	    g_ptr_array_add (globs, g_pattern_spec_new (lines[i]));
	}
    }
}

/* ------------------------------------------------------------------ */
/* Texts */

/* At most MAX bytes of TEXT (LEN bytes, or NUL-terminated if LEN < 0)
 * as valid, NFC-normalised UTF-8 without NUL bytes.  A character cut
 * at the limit becomes U+FFFD. */
static char *
valid_text (const char *text, gssize len, gsize max)
{
    g_autofree char *valid = NULL;
    gsize n;

    if (text == NULL)
	return NULL;
    n = MIN (len < 0 ? strlen (text) : (gsize) len, max);
    /* ASCII without NUL bytes (most mail) is valid and its own NFC:
     * a copy, without a normalisation pass over up to 64 KiB. */
    for (gsize i = 0;; i++) {
	if (i == n)
	    return g_strndup (text, n);
	if (text[i] == '\0' || (guchar) text[i] >= 0x80)
	    break;
    }
    valid = g_utf8_make_valid (text, n);
    return g_utf8_normalize (valid, -1, G_NORMALIZE_NFC);
}

/* TEXT as one line: every run of white space and control characters
 * becomes one space, none at either end.  NULL if nothing is left. */
static char *
line_text (const char *text)
{
    g_autofree char *valid = valid_text (text, -1, MAX_LINE_TEXT);
    GString *out;
    gboolean space = FALSE;

    if (valid == NULL)
	return NULL;
    out = g_string_sized_new (strlen (valid));
    for (const char *p = valid; *p; p = g_utf8_next_char (p)) {
	gunichar c = g_utf8_get_char (p);

	if (g_unichar_isspace (c) || g_unichar_iscntrl (c)) {
	    space = TRUE;
	    continue;
	}
	if (space && out->len)
	    g_string_append_c (out, ' ');
	space = FALSE;
	g_string_append_unichar (out, c);
    }
    if (out->len == 0) {
	g_string_free (out, TRUE);
	return NULL;
    }
    return g_string_free (out, FALSE);
}

/* LEN bytes of TEXT as multi-line text for body and calendar regexes:
 * valid UTF-8, line ends "\n", other control characters but tabs
 * turned into spaces; with UNFOLD, iCalendar folding (a line end
 * followed by one space or tab) is undone. */
static char *
block_text (const char *text, gsize len, gsize max, gboolean unfold)
{
    char *valid = valid_text (text, len, max);
    char *out;
    const char *p;

    if (valid == NULL)
	return NULL;
    /* In place: the text only shrinks (a CR LF becomes one "\n", an
     * unfolded line end two bytes less), so OUT never passes P. */
    out = valid;
    for (p = valid; *p; p++) {
	char c = *p;

	if (c == '\r') {
	    if (p[1] == '\n')
		p++;
	    c = '\n';
	}
	if (c == '\n' && unfold && (p[1] == ' ' || p[1] == '\t')) {
	    p++;
	    continue;
	}
	if (c != '\n' && c != '\t' && (guchar) c < ' ')
	    c = ' ';
	*out++ = c == 0x7f ? ' ' : c;
    }
    *out = '\0';
    return valid;
}

/* Case-insensitive (ASCII) search for NEEDLE in HAYSTACK. */
static const char *
find_ci (const char *haystack, const char *needle)
{
    size_t n = strlen (needle);

    for (const char *p = haystack; *p; p++)
	if (g_ascii_strncasecmp (p, needle, n) == 0)
	    return p;
    return NULL;
}

/* Is the tag name at NAME (LEN bytes) one of the space-separated
 * words of LIST? */
static gboolean
tag_in (const char *name, size_t len, const char *list)
{
    const char *p = list;

    while (*p) {
	size_t n = strcspn (p, " ");

	if (n == len && g_ascii_strncasecmp (p, name, len) == 0)
	    return TRUE;
	p += n;
	while (*p == ' ')
	    p++;
    }
    return FALSE;
}

/* Append the character reference at *P ("&amp;", "&#39;", ...) to OUT
 * and advance past it; a lone '&' is copied. */
static void
append_entity (GString *out, const char **p)
{
    static const struct {
	const char *name;
	const char *text;
    } entities[] = {
	{ "amp", "&" },
	{ "lt", "<" },
	{ "gt", ">" },
	{ "quot", "\"" },
	{ "apos", "'" },
	{ "nbsp", " " },
	{ "rsquo", "\u2019" },
	{ "lsquo", "\u2018" },
	{ "ldquo", "\u201c" },
	{ "rdquo", "\u201d" },
	{ "ndash", "\u2013" },
	{ "mdash", "\u2014" },
	{ "hellip", "\u2026" },
    };
    const char *s = *p + 1;
    const char *semi;

    semi = s;
    while (g_ascii_isalnum (*semi) || *semi == '#')
	semi++;
    if (*semi == ';' && semi > s && semi - s < 12) {
	if (*s == '#') {
	    gunichar c;
	    char *end;

	    if (s[1] == 'x' || s[1] == 'X')
		c = (gunichar) g_ascii_strtoull (s + 2, &end, 16);
	    else
		c = (gunichar) g_ascii_strtoull (s + 1, &end, 10);
	    if (end == semi && c > 0 && g_unichar_validate (c)) {
		g_string_append_unichar (out, c == 0xa0 ? ' ' : c);
		*p = semi + 1;
		return;
	    }
	} else {
	    for (gsize i = 0; i < G_N_ELEMENTS (entities); i++) {
		if ((size_t) (semi - s) == strlen (entities[i].name) &&
		    strncmp (s, entities[i].name, semi - s) == 0) {
		    g_string_append (out, entities[i].text);
		    *p = semi + 1;
		    return;
		}
	    }
	}
    }
    g_string_append_c (out, '&');
    (*p)++;
}

/* The text of HTML: tags, comments, scripts and styles dropped, block
 * elements on lines of their own, white space collapsed, character
 * references decoded.  Linear in the input, whatever its shape. */
static char *
html_to_text (const char *html)
{
    GString *out = g_string_sized_new (strlen (html) / 2);
    gboolean space = FALSE, can_skip_script = TRUE, can_skip_style = TRUE;
    const char *p = html;

    while (*p) {
	if (*p == '<') {
	    const char *q = p + 1, *name, *end;
	    gboolean closing = FALSE;
	    size_t len;

	    if (strncmp (p, "<!--", 4) == 0) {
		end = strstr (p + 4, "-->");
		p = end ? end + 3 : p + strlen (p);
		continue;
	    }
	    if (*q == '/') {
		closing = TRUE;
		q++;
	    }
	    name = q;
	    while (g_ascii_isalnum (*q))
		q++;
	    len = q - name;
	    end = strchr (q, '>');
	    if (end == NULL)
		break; /* an unfinished tag: the rest is not text */
	    p = end + 1;
	    if (! closing && len == 6 && g_ascii_strncasecmp (name, "script", 6) == 0 &&
		can_skip_script) {
		const char *close = find_ci (p, "</script");

		if (close)
		    p = close;
		else
		    can_skip_script = FALSE; /* never search again */
	    } else if (! closing && len == 5 &&
		       g_ascii_strncasecmp (name, "style", 5) == 0 && can_skip_style) {
		const char *close = find_ci (p, "</style");

		if (close)
		    p = close;
		else
		    can_skip_style = FALSE;
	    }
	    if (len && tag_in (name, len, "br p div tr li ul ol table h1 h2 h3 h4 h5 h6 "
					  "blockquote hr title td th")) {
		while (out->len && out->str[out->len - 1] == ' ')
		    g_string_truncate (out, out->len - 1);
		if (out->len && out->str[out->len - 1] != '\n')
		    g_string_append_c (out, '\n');
		space = FALSE;
	    }
	    continue;
	}
	if (g_ascii_isspace (*p)) {
	    space = TRUE;
	    p++;
	    continue;
	}
	if (space && out->len && out->str[out->len - 1] != '\n')
	    g_string_append_c (out, ' ');
	space = FALSE;
	if (*p == '&')
	    append_entity (out, &p);
	else
	    g_string_append_c (out, *p++);
    }
    return g_string_free (out, FALSE);
}

/* The decoded content of PART (transfer encoding undone, converted
 * from its charset to UTF-8), at most MAX bytes, as raw bytes. */
static GByteArray *
part_bytes (GMimePart *part, gsize max)
{
    GMimeDataWrapper *content = g_mime_part_get_content (part);
    g_autoptr (GMimeStream) mem = NULL;
    g_autoptr (GMimeStream) filtered = NULL;
    GByteArray *bytes, *copy;
    const char *charset;

    if (content == NULL)
	return NULL;
    mem = g_mime_stream_mem_new ();
    filtered = g_mime_stream_filter_new (mem);
    charset = g_mime_object_get_content_type_parameter (GMIME_OBJECT (part), "charset");
    if (charset && g_ascii_strcasecmp (charset, "utf-8") != 0 &&
	g_ascii_strcasecmp (charset, "us-ascii") != 0) {
	GMimeFilter *filter = g_mime_filter_charset_new (charset, "UTF-8");

	if (filter) {
	    g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), filter);
	    g_object_unref (filter);
	}
    }
    if (g_mime_data_wrapper_write_to_stream (content, filtered) < 0)
	return NULL;
    g_mime_stream_flush (filtered);
    bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
    copy = g_byte_array_sized_new (MIN (bytes->len, max) + 1);
    g_byte_array_append (copy, bytes->data, MIN (bytes->len, max));
    return copy;
}

/* ------------------------------------------------------------------ */
/* The message being matched */

typedef struct {
    GMimeMessage *message;
    char *from_address; /* normalised, or NULL */
    char *from_name;    /* line_text of the display name, or NULL */
    char *subject;      /* line_text of the subject, or NULL */
    /* The MIME tree, walked on first need. */
    gboolean walked;
    GMimePart *plain, *html;   /* first inline text/plain, text/html */
    GPtrArray *calendar_parts; /* GMimePart* (borrowed) */
    gboolean body_done, calendar_done;
    char *body, *calendar;
} msg_ctx_t;

static void
ctx_clear (msg_ctx_t *ctx)
{
    g_free (ctx->from_address);
    g_free (ctx->from_name);
    g_free (ctx->subject);
    if (ctx->calendar_parts)
	g_ptr_array_unref (ctx->calendar_parts);
    g_free (ctx->body);
    g_free (ctx->calendar);
}

static gboolean
is_calendar_part (GMimePart *part, GMimeContentType *type)
{
    const char *filename;
    size_t len;

    if (g_mime_content_type_is_type (type, "text", "calendar") ||
	g_mime_content_type_is_type (type, "application", "ics"))
	return TRUE;
    filename = g_mime_part_get_filename (part);
    if (filename == NULL)
	return FALSE;
    len = strlen (filename);
    return len >= 4 && g_ascii_strcasecmp (filename + len - 4, ".ics") == 0;
}

static void
walk_parts (msg_ctx_t *ctx, GMimeObject *object, int depth)
{
    GMimeContentType *type;
    GMimeContentDisposition *disposition;
    GMimePart *part;
    gboolean attachment;

    if (object == NULL || depth > MAX_MIME_DEPTH)
	return;
    if (GMIME_IS_MULTIPART (object)) {
	GMimeMultipart *multipart = GMIME_MULTIPART (object);
	int n = g_mime_multipart_get_count (multipart);

	for (int i = 0; i < n; i++)
	    walk_parts (ctx, g_mime_multipart_get_part (multipart, i), depth + 1);
	return;
    }
    /* Not into attached messages: a forwarded request is not one. */
    if (! GMIME_IS_PART (object))
	return;
    part = GMIME_PART (object);
    type = g_mime_object_get_content_type (object);
    if (type == NULL)
	return;
    if (is_calendar_part (part, type)) {
	g_ptr_array_add (ctx->calendar_parts, part);
	return;
    }
    disposition = g_mime_object_get_content_disposition (object);
    attachment = disposition && g_mime_content_disposition_is_attachment (disposition);
    if (attachment)
	return;
    if (ctx->plain == NULL && g_mime_content_type_is_type (type, "text", "plain"))
	ctx->plain = part;
    else if (ctx->html == NULL && g_mime_content_type_is_type (type, "text", "html"))
	ctx->html = part;
}

static void
ctx_walk (msg_ctx_t *ctx)
{
    if (ctx->walked)
	return;
    ctx->walked = TRUE;
    ctx->calendar_parts = g_ptr_array_new ();
    walk_parts (ctx, g_mime_message_get_mime_part (ctx->message), 0);
}

static const char *
ctx_body (msg_ctx_t *ctx)
{
    g_autoptr (GByteArray) bytes = NULL;

    if (ctx->body_done)
	return ctx->body;
    ctx->body_done = TRUE;
    ctx_walk (ctx);
    if (ctx->plain) {
	bytes = part_bytes (ctx->plain, MAX_BODY_TEXT);
	if (bytes)
	    ctx->body = block_text ((const char *) bytes->data, bytes->len,
				    MAX_BODY_TEXT, FALSE);
    } else if (ctx->html) {
	bytes = part_bytes (ctx->html, MAX_HTML_INPUT);
	if (bytes) {
	    g_autofree char *html = block_text ((const char *) bytes->data, bytes->len,
						MAX_HTML_INPUT, FALSE);
	    g_autofree char *text = html_to_text (html);

	    ctx->body = valid_text (text, -1, MAX_BODY_TEXT);
	}
    }
    return ctx->body;
}

static const char *
ctx_calendar (msg_ctx_t *ctx)
{
    g_autoptr (GString) all = NULL;

    if (ctx->calendar_done)
	return ctx->calendar;
    ctx->calendar_done = TRUE;
    ctx_walk (ctx);
    if (ctx->calendar_parts->len == 0)
	return NULL;
    all = g_string_new (NULL);
    for (guint i = 0; i < ctx->calendar_parts->len && all->len < MAX_CALENDAR_TEXT; i++) {
	g_autoptr (GByteArray) bytes = part_bytes (ctx->calendar_parts->pdata[i],
						   MAX_CALENDAR_TEXT - all->len);
	g_autofree char *text = NULL;

	if (bytes == NULL)
	    continue;
	text = block_text ((const char *) bytes->data, bytes->len,
			   MAX_CALENDAR_TEXT, TRUE);
	g_string_append (all, text);
	g_string_append_c (all, '\n');
    }
    ctx->calendar = g_string_free (g_steal_pointer (&all), FALSE);
    return ctx->calendar;
}

/* The raw value of MESSAGE's first header NAME, or NULL. */
static const char *
raw_header (GMimeMessage *message, const char *name)
{
    GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
    GMimeHeader *header = headers ? g_mime_header_list_get_header (headers, name) : NULL;

    return header ? g_mime_header_get_raw_value (header) : NULL;
}

static void
ctx_init (msg_ctx_t *ctx, GMimeMessage *message)
{
    /* From and Subject from their raw values: GMime's own decoding
     * loses the text after a padded base64 encoded-word
     * (_kith_rfc2047_join). */
    const char *raw_from = raw_header (message, "From");
    const char *raw_subject = raw_header (message, "Subject");
    g_autofree char *joined = raw_from ? _kith_rfc2047_join (raw_from) : NULL;
    g_autoptr (InternetAddressList) list = joined ? internet_address_list_parse (NULL, joined) : NULL;
    int n = list ? internet_address_list_length (list) : 0;

    memset (ctx, 0, sizeof (*ctx));
    ctx->message = message;
    for (int i = 0; i < n; i++) {
	InternetAddress *ia = internet_address_list_get_address (list, i);

	if (INTERNET_ADDRESS_IS_MAILBOX (ia)) {
	    ctx->from_address = _kith_address_normalise (
		internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)));
	    ctx->from_name = line_text (internet_address_get_name (ia));
	    break;
	}
    }
    if (raw_subject) {
	g_autofree char *subject = _kith_header_decode_text (raw_subject);
	ctx->subject = line_text (subject);
    }
}

/* The text of SOURCE (not SRC_HEADER), or NULL. */
static const char *
ctx_text (msg_ctx_t *ctx, source_t source)
{
    switch (source) {
    case SRC_FROM_NAME:
	return ctx->from_name;
    case SRC_SUBJECT:
	return ctx->subject;
    case SRC_BODY:
	return ctx_body (ctx);
    case SRC_CALENDAR:
	return ctx_calendar (ctx);
    case SRC_HEADER:
    case SRC_LAST:
	break;
    }
    return NULL;
}

/* Called with each text of a matcher; TRUE stops. */
typedef gboolean (*text_fn) (const matcher_t *m, const char *text, gpointer data);

/* Call FN with each text M looks at: the one text of its source, or
 * the value of every header of its name. */
static gboolean
for_each_text (msg_ctx_t *ctx, const matcher_t *m, text_fn fn, gpointer data)
{
    GMimeHeaderList *headers;
    int n;

    if (m->source != SRC_HEADER) {
	const char *text = ctx_text (ctx, m->source);

	return text && fn (m, text, data);
    }
    headers = g_mime_object_get_header_list (GMIME_OBJECT (ctx->message));
    n = headers ? g_mime_header_list_get_count (headers) : 0;
    for (int i = 0; i < n; i++) {
	GMimeHeader *header = g_mime_header_list_get_header_at (headers, i);
	const char *name = g_mime_header_get_name (header);
	g_autofree char *value = NULL;

	if (name == NULL || g_ascii_strcasecmp (name, m->header) != 0)
	    continue;
	{
	    g_autofree char *decoded = _kith_header_decode_text (g_mime_header_get_raw_value (header));
	    value = line_text (decoded);
	}
	if (fn (m, value ? value : "", data))
	    return TRUE;
    }
    return FALSE;
}

static gboolean
regex_match (const GRegex *regex, const char *text, GMatchInfo **info)
{
    g_autoptr (GError) error = NULL;

    /* A failure (PCRE2 match or JIT limits on hostile text) is no match. */
    return g_regex_match_full (regex, text, -1, 0, 0, info, &error) && error == NULL;
}

static gboolean
test_text (const matcher_t *m, const char *text, G_GNUC_UNUSED gpointer data)
{
    return m->regex == NULL || regex_match (m->regex, text, NULL);
}

static gboolean
rule_matches (const rule_t *rule, msg_ctx_t *ctx)
{
    guint i;

    if (rule->from->len) {
	if (ctx->from_address == NULL)
	    return FALSE;
	for (i = 0; i < rule->from->len; i++)
	    if (g_pattern_spec_match_string (rule->from->pdata[i], ctx->from_address))
		break;
	if (i == rule->from->len)
	    return FALSE;
    }
    if (rule->tests->len) {
	for (i = 0; i < rule->tests->len; i++)
	    if (for_each_text (ctx, rule->tests->pdata[i], test_text, NULL))
		break;
	if (i == rule->tests->len)
	    return FALSE;
    }
    for (i = 0; i < rule->vetoes->len; i++)
	if (for_each_text (ctx, rule->vetoes->pdata[i], test_text, NULL))
	    return FALSE;
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* The person */

/* Remove SUFFIX (ASCII case-insensitive) from the end of S; TRUE if
 * it was there. */
static gboolean
strip_suffix (GString *s, const char *suffix)
{
    size_t n = strlen (suffix);

    if (s->len <= n || g_ascii_strcasecmp (s->str + s->len - n, suffix) != 0)
	return FALSE;
    g_string_truncate (s, s->len - n);
    while (s->len && s->str[s->len - 1] == ' ')
	g_string_truncate (s, s->len - 1);
    return TRUE;
}

/* Remove one pair of surrounding quotes from S; TRUE if there was one. */
static gboolean
strip_quotes (GString *s)
{
    static const char *const pairs[][2] = {
	{ "\"", "\"" },
	{ "'", "'" },
	{ "\u201c", "\u201d" },
	{ "\u201e", "\u201c" },
	{ "\u00ab", "\u00bb" },
	{ "\u00bb", "\u00ab" },
	{ "\u2018", "\u2019" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++) {
	size_t open = strlen (pairs[i][0]), close = strlen (pairs[i][1]);

	if (s->len >= open + close && strncmp (s->str, pairs[i][0], open) == 0 &&
	    strcmp (s->str + s->len - close, pairs[i][1]) == 0) {
	    g_string_truncate (s, s->len - close);
	    g_string_erase (s, 0, open);
	    g_strstrip (s->str);
	    g_string_set_size (s, strlen (s->str));
	    return TRUE;
	}
    }
    return FALSE;
}

/* Words that make up the names of platforms and their robots, never a
 * person's whole name ("LinkedIn Member", "Google Calendar"). */
static const char *const robot_words[] = {
    "linkedin",
    "github",
    "xing",
    "facebook",
    "meetup",
    "calendar",
    "google",
    "microsoft",
    "outlook",
    "office",
    "invitation",
    "invitations",
    "invite",
    "invites",
    "member",
    "members",
    "message",
    "messages",
    "notification",
    "notifications",
    "noreply",
    "team",
    "support",
    "update",
    "updates",
    "network",
    "the",
    "via",
    "friend",
    "friends",
    "request",
    "requests",
    "contact",
    "contacts",
    "info",
    "mail",
    "email",
    "service",
    "reminder",
    "reminders",
};

/* Is the (cleaned) NAME only a platform or robot name, given PLATFORM? */
static gboolean
is_robot_name (const char *name, const char *platform)
{
    g_autofree char *folded = _kith_name_fold (name);
    g_autofree char *folded_platform = _kith_name_fold (platform);
    g_auto (GStrv) words = _kith_name_words (folded);
    g_auto (GStrv) platform_words = _kith_name_words (folded_platform);

    if (words[0] == NULL)
	return TRUE; /* nothing but punctuation */
    for (guint i = 0; words[i]; i++) {
	gboolean robot = g_strv_contains ((const char *const *) platform_words, words[i]);

	for (gsize j = 0; ! robot && j < G_N_ELEMENTS (robot_words); j++)
	    robot = strcmp (words[i], robot_words[j]) == 0;
	if (! robot)
	    return FALSE;
    }
    return TRUE;
}

/* Remove a trailing " via PLATFORM", " (via PLATFORM)", " über
 * PLATFORM" or " (PLATFORM)" from S; TRUE if there was one. */
static gboolean
strip_via (GString *s, const char *platform)
{
    static const char *const formats[] = { " via %s", "(via %s)", " über %s", " (%s)" };

    for (gsize i = 0; i < G_N_ELEMENTS (formats); i++) {
	g_autofree char *suffix = g_strdup_printf (formats[i], platform);

	if (strip_suffix (s, suffix))
	    return TRUE;
    }
    return FALSE;
}

/* RAW cleaned into a person's name for a request of PLATFORM, or NULL
 * if it is not one. */
static char *
clean_person (const char *raw, const char *platform)
{
    g_autofree char *line = line_text (raw);
    g_autoptr (GString) s = NULL;
    gboolean changed;

    if (line == NULL)
	return NULL;
    s = g_string_new (line);
    do {
	changed = strip_quotes (s);
	/* LinkedIn's form turns up in other platforms' mail too. */
	changed |= strip_via (s, platform) || strip_via (s, "LinkedIn");
    } while (changed && s->len);

    if (s->len == 0 || s->len > MAX_PERSON)
	return NULL;
    if (strchr (s->str, '@')) {
	g_autofree char *address = _kith_address_normalise (s->str);

	if (address)
	    return NULL; /* an address is not a name */
    }
    if (is_robot_name (s->str, platform))
	return NULL;
    return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
clean_login (const char *raw)
{
    g_autofree char *s = g_strstrip (g_strdup (raw));
    const char *p = s;

    if (*p == '@')
	p++;
    if (*p == '\0' || strlen (p) > MAX_LOGIN)
	return NULL;
    for (const char *q = p; *q; q++)
	if (! g_ascii_isalnum (*q) && ! strchr ("-_.", *q))
	    return NULL;
    return g_strdup (p);
}

static char *
clean_address (const char *raw)
{
    g_autofree char *s = g_strstrip (g_strdup (raw));
    char *p = s;
    size_t len;

    if (g_ascii_strncasecmp (p, "mailto:", 7) == 0)
	p += 7;
    len = strlen (p);
    if (len >= 2 && p[0] == '"' && p[len - 1] == '"') {
	p[len - 1] = '\0';
	p++;
    }
    return _kith_address_normalise (p);
}

typedef struct {
    const rule_t *rule;
    char *person;
    char *first_only; /* a first name without a last name */
    char *login;
    char *address;
} found_t;

/* A named group of INFO, NULL if it does not exist or is empty. */
static char *
fetch_group (const GMatchInfo *info, const char *name)
{
    char *value = g_match_info_fetch_named (info, name);

    if (value && *value == '\0')
	g_clear_pointer (&value, g_free);
    return value;
}

static gboolean
extract_text (const matcher_t *m, const char *text, gpointer data)
{
    found_t *found = data;
    const char *platform = found->rule->platform;
    g_autoptr (GMatchInfo) info = NULL;
    g_autofree char *person = NULL;
    g_autofree char *first = NULL;
    g_autofree char *last = NULL;
    g_autofree char *login = NULL;
    g_autofree char *address = NULL;

    if (m->regex == NULL) {
	/* person_header=Name: the whole value. */
	if (found->person == NULL)
	    found->person = clean_person (text, platform);
	return FALSE;
    }
    if (! regex_match (m->regex, text, &info))
	return FALSE;
    person = fetch_group (info, "person");
    first = fetch_group (info, "first");
    last = fetch_group (info, "last");
    login = fetch_group (info, "login");
    address = fetch_group (info, "address");

    if (found->person == NULL) {
	if (person) {
	    found->person = clean_person (person, platform);
	} else if (first && last) {
	    g_autofree char *name = g_strconcat (first, " ", last, NULL);

	    found->person = clean_person (name, platform);
	} else if ((first || last) && found->first_only == NULL) {
	    found->first_only = clean_person (first ? first : last, platform);
	}
    }
    if (found->login == NULL && login)
	found->login = clean_login (login);
    if (found->address == NULL && address)
	found->address = clean_address (address);
    return FALSE; /* on to the next text: other fields may be there */
}

/* Does the folded NAME start with the folded word(s) FIRST? */
static gboolean
name_starts_with (const char *name, const char *first)
{
    g_autofree char *a = _kith_name_fold (name);
    g_autofree char *b = _kith_name_fold (first);
    size_t n = strlen (b);

    return n && strncmp (a, b, n) == 0 && a[n] == ' ';
}

static _kith_request_t *
make_request (const rule_t *rule, msg_ctx_t *ctx)
{
    found_t found = { .rule = rule };
    _kith_request_t *request;

    for (guint i = 0; i < rule->person->len; i++)
	for_each_text (ctx, rule->person->pdata[i], extract_text, &found);

    if (found.person == NULL && found.first_only) {
	/* "Jane, ..." from "Jane Doe": the display name says more. */
	g_autofree char *display = clean_person (ctx->from_name, rule->platform);

	if (display && name_starts_with (display, found.first_only))
	    found.person = g_steal_pointer (&display);
	else
	    found.person = g_steal_pointer (&found.first_only);
    }
    /* A login shown as the display name is no name. */
    if (found.person && found.login && g_ascii_strcasecmp (found.person, found.login) == 0)
	g_clear_pointer (&found.person, g_free);

    request = g_new0 (_kith_request_t, 1);
    request->rule = g_strdup (rule->name);
    request->platform = g_strdup (rule->platform);
    request->person = found.person;
    request->login = found.login;
    request->person_address = found.address;
    request->strangers_only = rule->strangers_only;
    request->message = rule->message;
    request->bulk = rule->bulk;
    g_free (found.first_only);
    return request;
}

/* ------------------------------------------------------------------ */
/* Matching */

_kith_request_t *
_kith_rules_match_data (_kith_rules_t *rules, const char *data, gsize len)
{
    g_autoptr (GMimeStream) stream = NULL;
    g_autoptr (GMimeParser) parser = NULL;
    g_autoptr (GMimeMessage) message = NULL;

    g_return_val_if_fail (rules != NULL, NULL);
    if (data == NULL || len == 0)
	return NULL;

    _kith_mime_init ();
    stream = g_mime_stream_mem_new_with_buffer (data, MIN (len, KITH_MAX_REQUEST_BYTES));
    parser = g_mime_parser_new_with_stream (stream);
    g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
    message = g_mime_parser_construct_message (parser, NULL);
    if (message == NULL)
	return NULL;
    return _kith_rules_match_message (rules, message);
}

_kith_request_t *
_kith_rules_match_message (_kith_rules_t *rules, GMimeMessage *message)
{
    _kith_request_t *request = NULL;
    msg_ctx_t ctx;

    g_return_val_if_fail (rules != NULL, NULL);
    g_return_val_if_fail (GMIME_IS_MESSAGE (message), NULL);

    ctx_init (&ctx, message);
    /* Bulk rules last, whatever their place: an invitation carries an
     * unsubscribe link too. */
    for (guint i = 0; i < 2 * rules->rules->len && request == NULL; i++) {
	const rule_t *rule = rules->rules->pdata[i % rules->rules->len];

	if (rule->bulk != (i >= rules->rules->len))
	    continue;
	if (rule->enabled && rule_matches (rule, &ctx))
	    request = make_request (rule, &ctx);
	/* A message rule is about the person writing: without one, it
	 * does not match. */
	if (request && request->message && request->person == NULL && request->login == NULL)
	    g_clear_pointer (&request, _kith_request_free);
    }
    ctx_clear (&ctx);
    return request;
}

_kith_request_t *
_kith_rules_match_file (_kith_rules_t *rules, const char *filename, GError **error)
{
    g_autofree char *buf = NULL;
    gsize len = 0;
    int fd, saved_errno = 0;

    g_return_val_if_fail (rules != NULL, NULL);
    g_return_val_if_fail (filename != NULL, NULL);

    /* O_NONBLOCK: a FIFO in the mail store must not hang the hook. */
    fd = open (filename, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
	saved_errno = errno;
	goto FAIL;
    }
    buf = g_malloc (KITH_MAX_REQUEST_BYTES);
    while (len < KITH_MAX_REQUEST_BYTES) {
	gssize n = read (fd, buf + len, KITH_MAX_REQUEST_BYTES - len);

	if (n < 0) {
	    if (errno == EINTR)
		continue;
	    saved_errno = errno;
	    close (fd);
	    goto FAIL;
	}
	if (n == 0)
	    break;
	len += n;
    }
    close (fd);
    return _kith_rules_match_data (rules, buf, len);

FAIL : {
    g_autofree char *display = g_filename_display_name (filename);

    g_set_error (error, KITH_ERROR, KITH_STATUS_FILE_ERROR,
		 "cannot read '%s': %s", display, g_strerror (saved_errno));
}
    return NULL;
}
