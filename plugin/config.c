/* config.c - kith's settings, read from the notmuch configuration
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything kith can be told lives in notmuch's own configuration
 * (the config file or the database), under keys starting with "kith."
 * (set them with `notmuch config set kith.KEY VALUE`).  The README's
 * "Configuration" section is the reference; keep the two in step.
 */

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kith-private.h"

static void
add_address (GPtrArray *list, const char *raw)
{
    g_autofree char *address = _kith_address_normalise (raw);

    if (address == NULL)
	return;
    for (guint i = 0; i < list->len; i++)
	if (strcmp (list->pdata[i], address) == 0)
	    return;
    g_ptr_array_add (list, g_steal_pointer (&address));
}

/* Add the members of a ';'-separated list to LIST, via ADD. */
static void
split_list (const char *value, void (*add) (GPtrArray *, const char *),
	    GPtrArray *list)
{
    g_auto (GStrv) parts = NULL;

    if (value == NULL)
	return;
    parts = g_strsplit (value, ";", -1);
    for (char **p = parts; *p; p++) {
	g_strstrip (*p);
	if (**p)
	    add (list, *p);
    }
}

static void
add_string (GPtrArray *list, const char *value)
{
    g_ptr_array_add (list, g_strdup (value));
}

static void
add_pattern (GPtrArray *list, const char *value)
{
    g_autofree char *lower = g_utf8_strdown (value, -1);

    g_ptr_array_add (list, g_pattern_spec_new (lower));
}

/* A kith.robots pattern: one holding an '@' matches the address (kept
 * lower-cased), any other the folded display name (each piece between
 * the wildcards folded as names are). */
static void
add_robot (GPtrArray *list, const char *value)
{
    g_autoptr (GString) pattern = g_string_new (NULL);
    const char *p = value;

    if (strchr (value, '@')) {
	g_ptr_array_add (list, g_utf8_strdown (value, -1));
	return;
    }
    while (*p) {
	gsize len = strcspn (p, "*?");
	g_autofree char *piece = g_strndup (p, len);
	g_autofree char *folded = _kith_name_fold (piece);

	g_string_append (pattern, folded);
	p += len;
	if (*p)
	    g_string_append_c (pattern, *p++);
    }
    if (pattern->len > 0)
	g_ptr_array_add (list, g_string_free (g_steal_pointer (&pattern), FALSE));
}

/* Every kith.* setting, in the order of the README's Configuration
 * section: `notmuch kith help config` prints this table, and the
 * reader checks each numeric key against its range.  The ranges keep
 * every conversion in bounds: lock_timeout * 1000 (SQLite's busy
 * timeout, an int of milliseconds) and reply_window_days * 86400 (a
 * gint64 of seconds). */
#define STR(x) #x
#define XSTR(x) STR (x)
static const kith_setting_t settings[] = {
    { "kith.other_email", "list", 0, 0, "",
      "more of your addresses, besides user.primary_email and user.other_email" },
    { "kith.me_patterns", "list", 0, 0, "",
      "glob patterns of your addresses, e.g. me+*@example.org;*@me.example" },
    { "kith.alias.NAME", "list", 0, 0, "",
      "addresses of one person, merged into one entry; an address in one group only" },
    { "kith.tier.weak", "number", 0, 1e6, XSTR (KITH_DEFAULT_TIER_WEAK),
      "the score from which a contact is weak" },
    { "kith.tier.known", "number", 0, 1e6, XSTR (KITH_DEFAULT_TIER_KNOWN),
      "the score from which a contact is known" },
    { "kith.tier.close", "number", 0, 1e6, XSTR (KITH_DEFAULT_TIER_CLOSE),
      "the score from which a contact is close" },
    { "kith.reply_window_days", "number", 0, 3650, XSTR (KITH_DEFAULT_REPLY_WINDOW_DAYS),
      "days back a reply without reply headers may find the message it answers" },
    { "kith.lock_timeout", "integer", 0, 3600, XSTR (KITH_DEFAULT_LOCK_TIMEOUT),
      "seconds to wait for another process's notmuch write lock or store lock" },
    /* From a crowd up: a smaller limit would make a crowd's mail direct. */
    { "kith.max_recipients", "integer", KITH_CROWD_PEOPLE, 100000, XSTR (KITH_DEFAULT_MAX_RECIPIENTS),
      "a message naming more people is group mail: nobody on it is credited" },
    { "kith.hook_budget", "number", 0.001, 86400, XSTR (KITH_DEFAULT_HOOK_BUDGET),
      "seconds the hook may spend judging; the rest of the new mail waits for the next run" },
    { "kith.rejudge_days", "integer", 0, 3650, XSTR (KITH_DEFAULT_REJUDGE_DAYS),
      "days back mail that arrives late re-judges its people's no-history verdicts (0: never)" },
    { "kith.store", "path", 0, 0, "", "another path for the store (default: beside the database)" },
    { "kith.tag.no_history", "tag", 0, 0, "no-history", "the tag the hook sets on mail from people without shared history" },
    { "kith.tag.request", "tag", 0, 0, "request", "the tag the hook sets on invitations and requests" },
    { "kith.tag.introduced", "tag", 0, 0, "introduced", "the tag the hook sets on introductions by people you know" },
    { "kith.tier_tags", "boolean", 0, 0, "false", "also tag each judged message with the sender's tier" },
    { "kith.tier_tag_prefix", "tag", 0, 0, "kith/", "the prefix of those tier tags" },
    { "kith.rules", "path", 0, 0, "~/.config/kith/rules.conf", "your request rules file: a regular file of 1 MiB at most" },
    { "kith.robots", "list", 0, 0, "", "more senders that are robots: globs of addresses (with an @) or names" },
    { "kith.complete.others", "choice", 0, 0, "last",
      "last or hide: hide leaves robots, and people without shared history I never wrote to, out of completion" },
    { "kith.org.NAME", "list", 0, 0, "",
      "mail domains of one organisation, for 'at' (subdomains included); a domain in one key only" },
    { "kith.freemail_domains", "list", 0, 0, "(built in)",
      "free-mail domains, which name no organisation ('at'); replaces the built-in list" },
};
#undef XSTR
#undef STR

KITH_EXPORT const kith_setting_t *
kith_settings (unsigned int *count)
{
    if (count)
	*count = G_N_ELEMENTS (settings);
    return settings;
}

static const kith_setting_t *
find_setting (const char *key)
{
    for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
	if (strcmp (settings[i].key, key) == 0)
	    return &settings[i];
    return NULL;
}

/* A value or alias entry as it can be shown in a message: control
 * characters replaced, at most 60 bytes (and its length when longer). */
static char *
entry_for_message (const char *entry)
{
    gsize len = strlen (entry);
    g_autofree char *head = g_utf8_make_valid (entry, MIN (len, 60));
    GString *out = g_string_new ("'");

    for (const char *p = head; *p; p++)
	g_string_append_c (out, (guchar) *p < ' ' || *p == 0x7f ? '?' : *p);
    if (len > 60)
	g_string_append_printf (out, "...' (%" G_GSIZE_FORMAT " bytes)", len);
    else
	g_string_append_c (out, '\'');
    return g_string_free (out, FALSE);
}

/* The distance between A and B: the fewest insertions, deletions and
 * substitutions of one byte, and swaps of two neighbours, that turn
 * one into the other.  Only for short strings (setting keys). */
static guint
edit_distance (const char *a, const char *b)
{
    gsize la = strlen (a), lb = strlen (b);
    g_autofree guint *rows = g_new (guint, 3 * (lb + 1));
    guint *before = rows, *prev = rows + lb + 1, *cur = rows + 2 * (lb + 1);

    for (gsize j = 0; j <= lb; j++)
	prev[j] = j;
    for (gsize i = 1; i <= la; i++) {
	cur[0] = i;
	for (gsize j = 1; j <= lb; j++) {
	    guint cost = a[i - 1] != b[j - 1];

	    cur[j] = MIN (MIN (prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
	    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
		cur[j] = MIN (cur[j], before[j - 2] + 1);
	}
	{
	    guint *t = before;
	    before = prev, prev = cur, cur = t;
	}
    }
    return prev[lb];
}

/* The known key closest to the unknown KEY, if one is close enough to
 * be what was meant; NULL if none is (or KEY, long or holding control
 * characters or invalid UTF-8, is no typing mistake to be shown). */
static char *
closest_key (const char *key)
{
    g_autofree char *best = NULL;
    guint best_distance = MAX (2, strlen (key) / 6) + 1;

    if (strlen (key) > 100 || ! g_utf8_validate (key, -1, NULL))
	return NULL;
    for (const char *p = key; *p; p++)
	if ((guchar) *p < ' ' || *p == 0x7f)
	    return NULL;
    for (guint i = 0; i < G_N_ELEMENTS (settings); i++) {
	g_autofree char *candidate = NULL;
	guint d;

	if (g_str_has_suffix (settings[i].key, ".NAME")) {
	    /* kith.alias.NAME: offer the key with this key's NAME. */
	    const char *dot = strchr (key + strlen ("kith."), '.');
	    g_autofree char *stem = g_strndup (settings[i].key,
					       strlen (settings[i].key) - strlen ("NAME"));

	    if (dot == NULL || dot[1] == '\0')
		continue;
	    candidate = g_strconcat (stem, dot + 1, NULL);
	} else {
	    candidate = g_strdup (settings[i].key);
	}
	d = edit_distance (key, candidate);
	if (d < best_distance) {
	    best_distance = d;
	    g_free (best);
	    best = g_steal_pointer (&candidate);
	}
    }
    return g_steal_pointer (&best);
}

/* KEY is none of kith's settings: a misspelling, most likely.  Say so
 * on stderr, once per key and process (sessions may be opened more
 * than once), and go on: an unknown key changes nothing. */
static void
warn_unknown_key (const char *key)
{
    G_LOCK_DEFINE_STATIC (warned);
    static GHashTable *warned;
    g_autofree char *shown = NULL;
    g_autofree char *guess = NULL;
    gboolean first;

    G_LOCK (warned);
    if (warned == NULL)
	warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    first = g_hash_table_add (warned, g_strdup (key));
    G_UNLOCK (warned);
    if (! first)
	return;
    shown = entry_for_message (key);
    guess = closest_key (key);
    if (guess)
	g_printerr ("kith: warning: unknown setting %s is ignored (did you mean %s?)\n",
		    shown, guess);
    else
	g_printerr ("kith: warning: unknown setting %s is ignored "
		    "(notmuch kith help config lists the settings)\n",
		    shown);
}

/* Parse VALUE for the numeric setting KEY: a finite number (a whole
 * one for an integer) within the setting's range. */
static gboolean
parse_number (const char *key, const char *value, double *out, GError **error)
{
    const kith_setting_t *setting = find_setting (key);
    gboolean integer;
    char *end = NULL;
    double d;

    g_assert (setting != NULL);
    integer = strcmp (setting->type, "integer") == 0;
    errno = 0;
    d = g_ascii_strtod (value, &end);
    if (end == value || *end != '\0' || errno == ERANGE || ! isfinite (d) ||
	d < setting->min || d > setting->max || (integer && d != floor (d))) {
	g_autofree char *shown = entry_for_message (value);
	g_set_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT,
		     "config key %s: %s is not %s from %.15g to %.15g", key, shown,
		     integer ? "a whole number" : "a number", setting->min, setting->max);
	return FALSE;
    }
    *out = d;
    return TRUE;
}

/* Add the group of the alias key KEY (";"-separated addresses in
 * VALUE) to CONFIG.  Every entry must be an address of at most
 * MAX_ALIAS_ADDRESS bytes (the longest line RFC 5322 allows), and in
 * no other group (ALIAS_KEYS: address -> the key of its group). */
/* ENTRY of the group setting KEY: KEYS maps each entry already named
 * to its key.  An entry of another key is an error saying WHY it must
 * not be; FRESH says whether it was new (a repeat in KEY is not). */
static gboolean
claim_entry (GHashTable *keys, const char *key, const char *entry, const char *why,
	     gboolean *fresh, GError **error)
{
    const char *other = g_hash_table_lookup (keys, entry);

    if (other && strcmp (other, key) != 0) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT,
		     "config keys %s and %s both name %s: %s", other, key, entry, why);
	return FALSE;
    }
    *fresh = other == NULL;
    if (*fresh)
	g_hash_table_insert (keys, g_strdup (entry), g_strdup (key));
    return TRUE;
}

#define MAX_ALIAS_ADDRESS 998
static gboolean
add_alias_group (_kith_config_t *config, GHashTable *alias_keys, const char *key,
		 const char *value, GError **error)
{
    g_autoptr (GPtrArray) group = g_ptr_array_new_with_free_func (g_free);
    g_auto (GStrv) parts = g_strsplit (value, ";", -1);

    for (char **p = parts; *p; p++) {
	g_autofree char *address = NULL;
	gboolean fresh;

	g_strstrip (*p);
	if (**p == '\0')
	    continue;
	if (strlen (*p) <= MAX_ALIAS_ADDRESS)
	    address = _kith_address_normalise (*p);
	if (address == NULL) {
	    g_autofree char *shown = entry_for_message (*p);
	    g_set_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT,
			 "config key %s: %s is not an email address%s", key, shown,
			 strlen (*p) > MAX_ALIAS_ADDRESS ? " (longer than 998 bytes)" : "");
	    return FALSE;
	}
	if (! claim_entry (alias_keys, key, address, "an address belongs to one person (one kith.alias.* key)",
			   &fresh, error))
	    return FALSE;
	if (fresh)
	    g_ptr_array_add (group, g_steal_pointer (&address));
    }
    if (group->len == 0)
	return TRUE;
    for (guint i = 0; i < group->len; i++)
	g_hash_table_insert (config->alias, g_strdup (group->pdata[i]), group);
    g_ptr_array_add (config->alias_groups, g_steal_pointer (&group));
    return TRUE;
}

/* ENTRY of KEY as a mail domain (lower-case, without a leading @). */
static char *
domain_entry (const char *key, const char *entry, const char *example, GError **error)
{
    g_autofree char *domain = g_utf8_strdown (*entry == '@' ? entry + 1 : entry, -1);

    if (! _kith_domain_is_valid (domain)) {
	g_autofree char *shown = entry_for_message (entry);
	g_set_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT,
		     "config key %s: %s is not a mail domain (%s)", key, shown, example);
	return NULL;
    }
    return g_steal_pointer (&domain);
}

/* kith.org.NAME = VALUE: the domains of one organisation.  ORG_KEYS
 * maps each domain already named to its key. */
static gboolean
add_org (_kith_config_t *config, GHashTable *org_keys, const char *key, const char *value,
	 GError **error)
{
    g_autoptr (_kith_org_t) org = g_new0 (_kith_org_t, 1);
    g_auto (GStrv) parts = g_strsplit (value, ";", -1);

    org->name = g_strdup (key + strlen ("kith.org."));
    org->key = g_strdup (key);
    org->domains = g_ptr_array_new_with_free_func (g_free);
    if (*org->name == '\0') {
	g_set_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT,
		     "config key %s: the organisation needs a name (kith.org.NAME)", key);
	return FALSE;
    }
    for (char **p = parts; *p; p++) {
	g_autofree char *domain = NULL;
	gboolean fresh;

	if (*g_strstrip (*p) == '\0')
	    continue;
	if ((domain = domain_entry (key, *p, "acme.example", error)) == NULL ||
	    ! claim_entry (org_keys, key, domain, "a domain belongs to one organisation (one kith.org.* key)",
			   &fresh, error))
	    return FALSE;
	if (fresh)
	    g_ptr_array_add (org->domains, g_steal_pointer (&domain));
    }
    if (org->domains->len > 0)
	g_ptr_array_add (config->orgs, g_steal_pointer (&org));
    return TRUE;
}

/* kith.freemail_domains = VALUE. */
static gboolean
set_freemail (_kith_config_t *config, const char *value, GError **error)
{
    g_auto (GStrv) parts = g_strsplit (value, ";", -1);

    g_clear_pointer (&config->freemail, g_ptr_array_unref);
    config->freemail = g_ptr_array_new_with_free_func (g_free);
    for (char **p = parts; *p; p++) {
	char *domain;

	if (*g_strstrip (*p) == '\0')
	    continue;
	if ((domain = domain_entry ("kith.freemail_domains", *p, "gmail.com", error)) == NULL)
	    return FALSE;
	g_ptr_array_add (config->freemail, domain);
    }
    return TRUE;
}

void
_kith_config_free (_kith_config_t *config)
{
    if (config == NULL)
	return;
    g_ptr_array_unref (config->me);
    g_ptr_array_unref (config->me_patterns);
    g_ptr_array_unref (config->exclude_tags);
    g_hash_table_unref (config->alias);
    g_ptr_array_unref (config->alias_groups);
    g_free (config->store_path);
    g_free (config->tag_no_history);
    g_free (config->tag_request);
    g_free (config->tag_introduced);
    g_free (config->tier_tag_prefix);
    g_free (config->rules_path);
    g_clear_pointer (&config->robots, g_ptr_array_unref);
    g_clear_pointer (&config->orgs, g_ptr_array_unref);
    g_clear_pointer (&config->freemail, g_ptr_array_unref);
    g_free (config->fingerprint);
    g_free (config);
}


/* A digest of the settings that change what the mined message rows
 * contain: when it changes the store must be rebuilt. */
static char *
compute_fingerprint (_kith_config_t *config, GPtrArray *pattern_strings)
{
    g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
    g_autoptr (GPtrArray) me = g_ptr_array_copy (config->me, NULL, NULL);
    g_autoptr (GPtrArray) tags = g_ptr_array_copy (config->exclude_tags, NULL, NULL);
    char window[32];

    /* The copies borrow the strings (g_ptr_array_copy keeps the free function). */
    g_ptr_array_set_free_func (me, NULL);
    g_ptr_array_set_free_func (tags, NULL);

    g_ptr_array_sort (me, _kith_compare_strings);
    g_ptr_array_sort (tags, _kith_compare_strings);
    g_ptr_array_sort (pattern_strings, _kith_compare_strings);
    for (guint i = 0; i < me->len; i++)
	g_checksum_update (sum, (const guchar *) me->pdata[i], -1), g_checksum_update (sum, (const guchar *) "\n", 1);
    g_checksum_update (sum, (const guchar *) "--patterns\n", -1);
    for (guint i = 0; i < pattern_strings->len; i++)
	g_checksum_update (sum, (const guchar *) pattern_strings->pdata[i], -1), g_checksum_update (sum, (const guchar *) "\n", 1);
    g_checksum_update (sum, (const guchar *) "--exclude\n", -1);
    for (guint i = 0; i < tags->len; i++)
	g_checksum_update (sum, (const guchar *) tags->pdata[i], -1), g_checksum_update (sum, (const guchar *) "\n", 1);
    g_snprintf (window, sizeof (window), "--window %" G_GINT64_FORMAT "\n", config->reply_window);
    g_checksum_update (sum, (const guchar *) window, -1);
    g_checksum_update (sum, (const guchar *) "--robots\n", -1);
    for (guint i = 0; i < config->robots->len; i++)
	g_checksum_update (sum, (const guchar *) config->robots->pdata[i], -1), g_checksum_update (sum, (const guchar *) "\n", 1);
    g_snprintf (window, sizeof (window), "--max-recipients %u\n", config->max_recipients);
    g_checksum_update (sum, (const guchar *) window, -1);
    g_snprintf (window, sizeof (window), "--miner %d\n", KITH_MINER_VERSION);
    g_checksum_update (sum, (const guchar *) window, -1);
    return g_strdup (g_checksum_get_string (sum));
}

/* libnotmuch invents user.primary_email (from $EMAIL, or the user and
 * host names) when it is not configured.  A guess would make kith
 * misjudge every message, so accept only an address the user gave: in
 * $EMAIL, in the database's own configuration (notmuch config set
 * --database), or in the config file. */
static gboolean
primary_email_is_explicit (notmuch_database_t *db, const char *primary)
{
    const char *path = notmuch_config_path (db);
    const char *env = g_getenv ("EMAIL");
    notmuch_config_list_t *list = NULL;
    g_autoptr (GKeyFile) file = NULL;
    g_autofree char *value = NULL;
    gboolean in_database = FALSE;

    if (env && g_ascii_strcasecmp (env, primary) == 0)
	return TRUE;
    if (notmuch_database_get_config_list (db, "user.primary_email", &list) == NOTMUCH_STATUS_SUCCESS) {
	for (; notmuch_config_list_valid (list); notmuch_config_list_move_to_next (list)) {
	    const char *v = notmuch_config_list_value (list);
	    if (strcmp (notmuch_config_list_key (list), "user.primary_email") == 0 && v && *v)
		in_database = TRUE;
	}
	notmuch_config_list_destroy (list);
    }
    if (in_database)
	return TRUE;
    if (path == NULL)
	return FALSE;
    file = g_key_file_new ();
    if (! g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL))
	return FALSE;
    value = g_key_file_get_string (file, "user", "primary_email", NULL);
    return value != NULL && *g_strstrip (value) != '\0';
}

/* KEY is one of kith's settings (kith.alias.NAME: with any NAME). */
static gboolean
is_known_key (const char *key)
{
    return find_setting (key) != NULL || g_str_has_prefix (key, "kith.alias.") ||
	   g_str_has_prefix (key, "kith.org.");
}

/* Read the setting KEY (a known key) with VALUE into CONFIG.
 * PATTERN_STRINGS collects the kith.me_patterns for the fingerprint,
 * ALIAS_KEYS the addresses named by kith.alias.* keys, ORG_KEYS the
 * domains named by kith.org.* keys. */
static gboolean
read_setting (_kith_config_t *config, GHashTable *alias_keys, GHashTable *org_keys,
	      GPtrArray *pattern_strings, const char *key, const char *value, GError **error)
{
    double d;

    if (strcmp (key, "kith.other_email") == 0) {
	split_list (value, add_address, config->me);
    } else if (strcmp (key, "kith.me_patterns") == 0) {
	split_list (value, add_pattern, config->me_patterns);
	split_list (value, add_string, pattern_strings);
    } else if (strcmp (key, "kith.tier.weak") == 0 ||
	       strcmp (key, "kith.tier.known") == 0 ||
	       strcmp (key, "kith.tier.close") == 0) {
	kith_tier_t tier;
	if (! parse_number (key, value, &d, error))
	    return FALSE;
	kith_tier_from_string (key + strlen ("kith.tier."), &tier);
	config->tier_threshold[tier] = d;
    } else if (strcmp (key, "kith.reply_window_days") == 0) {
	if (! parse_number (key, value, &d, error))
	    return FALSE;
	config->reply_window = (gint64) (d * 86400);
    } else if (strcmp (key, "kith.max_recipients") == 0) {
	if (! parse_number (key, value, &d, error))
	    return FALSE;
	config->max_recipients = (guint) d;
    } else if (strcmp (key, "kith.rejudge_days") == 0) {
	if (! parse_number (key, value, &d, error))
	    return FALSE;
	config->rejudge_days = (guint) d;
    } else if (strcmp (key, "kith.hook_budget") == 0) {
	if (! parse_number (key, value, &d, error))
	    return FALSE;
	config->hook_budget = d;
    } else if (strcmp (key, "kith.lock_timeout") == 0) {
	if (! parse_number (key, value, &d, error))
	    return FALSE;
	config->lock_timeout = (int) d;
    } else if (strcmp (key, "kith.store") == 0) {
	g_free (config->store_path);
	config->store_path = *value ? g_strdup (value) : NULL;
    } else if (strcmp (key, "kith.tag.no_history") == 0 || strcmp (key, "kith.tag.request") == 0 ||
	       strcmp (key, "kith.tag.introduced") == 0 || strcmp (key, "kith.tier_tag_prefix") == 0) {
	char **slot = strcmp (key, "kith.tag.no_history") == 0   ? &config->tag_no_history
		      : strcmp (key, "kith.tag.request") == 0    ? &config->tag_request
		      : strcmp (key, "kith.tag.introduced") == 0 ? &config->tag_introduced
								 : &config->tier_tag_prefix;
	if (*value == '\0' || strchr (value, ' ')) {
	    g_set_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT,
			 "config key %s: '%s' is not a usable tag", key, value);
	    return FALSE;
	}
	g_free (*slot);
	*slot = g_strdup (value);
    } else if (strcmp (key, "kith.tier_tags") == 0) {
	config->tier_tags = g_ascii_strcasecmp (value, "true") == 0 || strcmp (value, "1") == 0 ||
			    g_ascii_strcasecmp (value, "yes") == 0;
    } else if (strcmp (key, "kith.complete.others") == 0) {
	if (g_ascii_strcasecmp (value, "hide") == 0)
	    config->complete_hide_others = TRUE;
	else if (g_ascii_strcasecmp (value, "last") == 0 || *value == '\0')
	    config->complete_hide_others = FALSE;
	else {
	    g_set_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT,
			 "config key kith.complete.others: '%s' is neither 'last' nor 'hide'", value);
	    return FALSE;
	}
    } else if (strcmp (key, "kith.robots") == 0) {
	split_list (value, add_robot, config->robots);
    } else if (strcmp (key, "kith.rules") == 0) {
	g_free (config->rules_path);
	config->rules_path = *value ? g_strdup (value) : NULL;
    } else if (strcmp (key, "kith.freemail_domains") == 0) {
	if (! set_freemail (config, value, error))
	    return FALSE;
    } else if (g_str_has_prefix (key, "kith.org.")) {
	if (! add_org (config, org_keys, key, value, error))
	    return FALSE;
    } else {
	/* kith.alias.NAME: is_known_key lets no other key through. */
	if (! add_alias_group (config, alias_keys, key, value, error))
	    return FALSE;
    }
    return TRUE;
}

/* Load kith's settings from DB's configuration.  With LENIENT, for
 * what needs no settings (install-hook and uninstall-hook, which must
 * work whatever the settings say): an invalid value keeps its default,
 * an unknown key goes unmentioned and user.primary_email may be
 * missing. */
_kith_config_t *
_kith_config_load (notmuch_database_t *db, gboolean lenient, GError **error)
{
    g_autoptr (_kith_config_t) config = g_new0 (_kith_config_t, 1);
    g_autoptr (GPtrArray) pattern_strings = g_ptr_array_new_with_free_func (g_free);
    g_autoptr (notmuch_config_values_t) values = NULL;
    g_autoptr (notmuch_config_pairs_t) pairs = NULL;
    /* address -> the kith.alias.* key that names it */
    g_autoptr (GHashTable) alias_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    /* domain -> the kith.org.* key that names it */
    g_autoptr (GHashTable) org_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    const char *primary;

    config->me = g_ptr_array_new_with_free_func (g_free);
    config->me_patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) g_pattern_spec_free);
    config->exclude_tags = g_ptr_array_new_with_free_func (g_free);
    config->robots = g_ptr_array_new_with_free_func (g_free);
    config->alias = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    config->alias_groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
    config->orgs = g_ptr_array_new_with_free_func ((GDestroyNotify) _kith_org_free);
    config->tier_threshold[KITH_TIER_WEAK] = KITH_DEFAULT_TIER_WEAK;
    config->tier_threshold[KITH_TIER_KNOWN] = KITH_DEFAULT_TIER_KNOWN;
    config->tier_threshold[KITH_TIER_CLOSE] = KITH_DEFAULT_TIER_CLOSE;
    config->reply_window = (gint64) KITH_DEFAULT_REPLY_WINDOW_DAYS * 86400;
    config->lock_timeout = KITH_DEFAULT_LOCK_TIMEOUT;
    config->max_recipients = KITH_DEFAULT_MAX_RECIPIENTS;
    config->hook_budget = KITH_DEFAULT_HOOK_BUDGET;
    config->rejudge_days = KITH_DEFAULT_REJUDGE_DAYS;
    config->tag_no_history = g_strdup ("no-history");
    config->tag_request = g_strdup ("request");
    config->tag_introduced = g_strdup ("introduced");
    config->tier_tag_prefix = g_strdup ("kith/");

    primary = notmuch_config_get (db, NOTMUCH_CONFIG_PRIMARY_EMAIL);
    if (lenient) {
	if (primary && *primary)
	    add_address (config->me, primary);
    } else if (primary == NULL || *primary == '\0' || ! primary_email_is_explicit (db, primary)) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_NO_IDENTITY,
		     "kith needs to know your address: run "
		     "'notmuch config set user.primary_email you@example.org' "
		     "(and user.other_email for your other addresses)");
	return NULL;
    } else {
	add_address (config->me, primary);
    }
    values = notmuch_config_get_values (db, NOTMUCH_CONFIG_OTHER_EMAIL);
    for (; notmuch_config_values_valid (values); notmuch_config_values_move_to_next (values))
	add_address (config->me, notmuch_config_values_get (values));
    g_clear_pointer (&values, notmuch_config_values_destroy);
    values = notmuch_config_get_values (db, NOTMUCH_CONFIG_EXCLUDE_TAGS);
    for (; notmuch_config_values_valid (values); notmuch_config_values_move_to_next (values)) {
	const char *tag = notmuch_config_values_get (values);
	if (tag && *tag)
	    g_ptr_array_add (config->exclude_tags, g_strdup (tag));
    }

    pairs = notmuch_config_get_pairs (db, "kith.");
    for (; notmuch_config_pairs_valid (pairs); notmuch_config_pairs_move_to_next (pairs)) {
	const char *key = notmuch_config_pairs_key (pairs);
	const char *value = notmuch_config_pairs_value (pairs);

	if (key == NULL || value == NULL)
	    continue;
	if (! is_known_key (key)) {
	    if (! lenient)
		warn_unknown_key (key);
	} else if (! read_setting (config, alias_keys, org_keys, pattern_strings, key, value,
				   lenient ? NULL : error)) {
	    if (! lenient)
		return NULL;
	}
    }
    if (config->tier_threshold[KITH_TIER_WEAK] <= 0)
	config->tier_threshold[KITH_TIER_WEAK] = 1e-9;
    config->fingerprint = compute_fingerprint (config, pattern_strings);
    return g_steal_pointer (&config);
}

gboolean
_kith_config_is_me (const _kith_config_t *config, const char *address)
{
    if (address == NULL)
	return FALSE;
    for (guint i = 0; i < config->me->len; i++)
	if (strcmp (config->me->pdata[i], address) == 0)
	    return TRUE;
    for (guint i = 0; i < config->me_patterns->len; i++)
	if (g_pattern_spec_match_string (config->me_patterns->pdata[i], address))
	    return TRUE;
    return FALSE;
}

GPtrArray *
_kith_config_person (const _kith_config_t *config, const char *address)
{
    GPtrArray *group = g_hash_table_lookup (config->alias, address);
    GPtrArray *single;

    if (group)
	return g_ptr_array_ref (group);
    single = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (single, g_strdup (address));
    return single;
}
