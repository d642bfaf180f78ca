/* test-config.c - unit tests of plugin/config.c: who "me" is, the kith.*
 * keys, and which settings force a rebuild of the store (the
 * fingerprint) and which are read at query time.
 *
 * Each case writes a notmuch config file and opens a real (empty)
 * notmuch database with it, as kith_open does.
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "kith-private.h"

static char *tmp_dir;
static char *mail_dir;
static char *config_file;

/* Write the notmuch config file: database path, [user] with
 * USER_LINES (primary_email=me@example.org when NULL), [search] with
 * exclude_tags EXCLUDE (deleted;spam when NULL), and [kith] with
 * KITH_LINES (may be NULL). */
static void
write_config (const char *user_lines, const char *exclude, const char *kith_lines)
{
    g_autofree char *text = g_strdup_printf (
	"[database]\npath=%s\n"
	"[user]\nname=Me Myself\n%s\n"
	"[search]\nexclude_tags=%s\n"
	"[kith]\n%s\n",
	mail_dir, user_lines ? user_lines : "primary_email=me@example.org",
	exclude ? exclude : "deleted;spam;", kith_lines ? kith_lines : "");
    g_autoptr (GError) error = NULL;

    g_file_set_contents (config_file, text, -1, &error);
    g_assert_no_error (error);
}

/* Load kith's config from the current config file; NULL with ERROR set
 * on failure. */
static _kith_config_t *
load (GError **error)
{
    notmuch_database_t *db = NULL;
    char *msg = NULL;
    notmuch_status_t st;
    _kith_config_t *config;

    st = notmuch_database_open_with_config (NULL, NOTMUCH_DATABASE_MODE_READ_ONLY, config_file,
					    NULL, &db, &msg);
    if (st != NOTMUCH_STATUS_SUCCESS)
	g_test_message ("notmuch: %s", msg ? msg : notmuch_status_to_string (st));
    free (msg);
    g_assert_cmpint (st, ==, NOTMUCH_STATUS_SUCCESS);
    config = _kith_config_load (db, FALSE, error);
    notmuch_database_destroy (db);
    return config;
}

/* Load the config written with these lines; it must load. */
static _kith_config_t *
load_ok (const char *user_lines, const char *exclude, const char *kith_lines)
{
    g_autoptr (GError) error = NULL;
    _kith_config_t *config;

    write_config (user_lines, exclude, kith_lines);
    config = load (&error);
    g_assert_no_error (error);
    g_assert_nonnull (config);
    return config;
}

static char *
fingerprint (const char *user_lines, const char *exclude, const char *kith_lines)
{
    g_autoptr (_kith_config_t) config = load_ok (user_lines, exclude, kith_lines);

    return g_strdup (config->fingerprint);
}

/* ------------------------------------------------------------------ */

static void
test_identity (void)
{
    g_autoptr (_kith_config_t) config = load_ok (
	"primary_email=Me@Example.ORG\nother_email=me.work@example.net;  <Old@Example.COM> ;",
	NULL, "other_email=alias@example.org;me@example.org");

    /* normalised, no duplicates */
    g_assert_cmpuint (config->me->len, ==, 4);
    g_assert_true (_kith_config_is_me (config, "me@example.org"));
    g_assert_true (_kith_config_is_me (config, "me.work@example.net"));
    g_assert_true (_kith_config_is_me (config, "old@example.com"));
    g_assert_true (_kith_config_is_me (config, "alias@example.org"));
    g_assert_false (_kith_config_is_me (config, "alice@example.org"));
    g_assert_false (_kith_config_is_me (config, "me@example.org.evil"));
    g_assert_false (_kith_config_is_me (config, NULL));
}

static void
test_identity_missing (void)
{
    g_autoptr (GError) error = NULL;
    g_autoptr (_kith_config_t) config = NULL;

    /* libnotmuch fills in a guess (username@hostname) for a missing
     * user.primary_email; kith must not take that guess for "me". */
    write_config ("name=Nobody", NULL, NULL);
    config = load (&error);
    if (config)
	g_test_message ("loaded with me = %s", (char *) config->me->pdata[0]);
    g_assert_null (config);
    g_assert_error (error, KITH_ERROR, KITH_STATUS_NO_IDENTITY);
    if (error)
	g_assert_nonnull (strstr (error->message, "user.primary_email"));
}

static void
test_me_patterns (void)
{
    g_autoptr (_kith_config_t) config = load_ok (NULL, NULL, "me_patterns=Me+*@Example.org; *@me.example");

    g_assert_true (_kith_config_is_me (config, "me+lists@example.org"));
    g_assert_true (_kith_config_is_me (config, "me+@example.org"));
    g_assert_true (_kith_config_is_me (config, "anything@me.example"));
    g_assert_true (_kith_config_is_me (config, "me@example.org")); /* primary */
    g_assert_false (_kith_config_is_me (config, "mee+lists@example.org"));
    g_assert_false (_kith_config_is_me (config, "me+lists@example.org.evil"));
    g_assert_false (_kith_config_is_me (config, "someone@notme.example"));
}

static void
test_robots (void)
{
    g_autoptr (_kith_config_t) config =
	load_ok (NULL, NULL, "robots=Tester@*.Example; The Örácle* ;;*Łab Bot?");

    g_assert_cmpuint (config->robots->len, ==, 3);
    g_assert_cmpstr (config->robots->pdata[0], ==, "tester@*.example");
    g_assert_cmpstr (config->robots->pdata[1], ==, "the oracle*");
    g_assert_cmpstr (config->robots->pdata[2], ==, "*lab bot?");
    g_assert_true (_kith_sender_is_robot (config->robots, "tester@lab.example", NULL));
    g_assert_true (_kith_sender_is_robot (config->robots, "x@y.example", "The Oracle of Build"));
    g_assert_false (_kith_sender_is_robot (config->robots, "ann@y.example", "Ann Oracle"));
}

static void
test_exclude_tags (void)
{
    g_autoptr (_kith_config_t) config = load_ok (NULL, "deleted;spam;muted", NULL);

    g_assert_cmpuint (config->exclude_tags->len, ==, 3);
    g_assert_cmpstr (config->exclude_tags->pdata[1], ==, "spam");
}

static void
test_defaults (void)
{
    g_autoptr (_kith_config_t) config = load_ok (NULL, NULL, NULL);

    g_assert_cmpfloat (config->tier_threshold[KITH_TIER_WEAK], ==, KITH_DEFAULT_TIER_WEAK);
    g_assert_cmpfloat (config->tier_threshold[KITH_TIER_KNOWN], ==, KITH_DEFAULT_TIER_KNOWN);
    g_assert_cmpfloat (config->tier_threshold[KITH_TIER_CLOSE], ==, KITH_DEFAULT_TIER_CLOSE);
    g_assert_cmpint (config->reply_window, ==, (gint64) KITH_DEFAULT_REPLY_WINDOW_DAYS * 86400);
    g_assert_cmpint (config->lock_timeout, ==, KITH_DEFAULT_LOCK_TIMEOUT);
    g_assert_null (config->store_path);
    g_assert_cmpuint (config->alias_groups->len, ==, 0);
    g_assert_cmpuint (config->me_patterns->len, ==, 0);
}

static void
test_tiers (void)
{
    g_autoptr (_kith_config_t) config = load_ok (NULL, NULL, "tier.weak=2.5\ntier.known=1\ntier.close=200");
    g_autoptr (_kith_config_t) zero = load_ok (NULL, NULL, "tier.weak=0");

    g_assert_cmpfloat (config->tier_threshold[KITH_TIER_WEAK], ==, 2.5);
    g_assert_cmpfloat (config->tier_threshold[KITH_TIER_KNOWN], ==, 1.0);
    g_assert_cmpfloat (config->tier_threshold[KITH_TIER_CLOSE], ==, 200.0);
    /* known below weak: a score between them is known */
    g_assert_cmpint (_kith_tier (config, 2.0), ==, KITH_TIER_NONE);
    g_assert_cmpint (_kith_tier (config, 3.0), ==, KITH_TIER_KNOWN);
    g_assert_cmpint (_kith_tier (config, 199.0), ==, KITH_TIER_KNOWN);
    g_assert_cmpint (_kith_tier (config, 200.0), ==, KITH_TIER_CLOSE);

    /* weak = 0 still leaves a score of 0 at none */
    g_assert_cmpint (_kith_tier (zero, 0.0), ==, KITH_TIER_NONE);
    g_assert_cmpint (_kith_tier (zero, 0.01), ==, KITH_TIER_WEAK);
}

static void
test_bad_numbers (void)
{
    static const char *const bad[] = {
	"tier.weak=abc",
	"tier.known=-1",
	"tier.close=12x",
	"reply_window_days=soon",
	"lock_timeout=-5",
	"tier.known=",
	"max_recipients=7",
	"max_recipients=lots",
	"max_recipients=12.5",
	"max_recipients=1e9",
	"hook_budget=0",
	"hook_budget=nan",
	"hook_budget=-1",
	"hook_budget=1e9",
	/* not finite, or out of range (lock_timeout * 1000 must fit an int) */
	"lock_timeout=nan",
	"lock_timeout=inf",
	"lock_timeout=1e12",
	"lock_timeout=3000000",
	"lock_timeout=3601",
	"lock_timeout=2.5",
	"reply_window_days=1e300",
	"reply_window_days=3651",
	"reply_window_days=NAN",
	"tier.known=nan",
	"tier.close=-inf",
	"tier.weak=1e7",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
	g_autoptr (GError) error = NULL;
	g_autoptr (_kith_config_t) config = NULL;
	g_autofree char *key = g_strndup (bad[i], strchr (bad[i], '=') - bad[i]);

	write_config (NULL, NULL, bad[i]);
	config = load (&error);
	g_assert_null (config);
	g_assert_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT);
	/* the message names the key, the value and the range */
	g_assert_nonnull (strstr (error->message, key));
	g_assert_nonnull (strstr (error->message, strchr (bad[i], '=') + 1));
	g_assert_nonnull (strstr (error->message, " from "));
	g_assert_nonnull (strstr (error->message, " to "));
    }
}

/* The table kith_settings() returns: every numeric key has a range,
 * and its default is inside it. */
static void
test_settings_table (void)
{
    unsigned int count = 0;
    const kith_setting_t *settings = kith_settings (&count);
    guint numeric = 0;

    g_assert_nonnull (settings);
    g_assert_cmpuint (count, >=, 17);
    for (unsigned int i = 0; i < count; i++) {
	g_assert_true (g_str_has_prefix (settings[i].key, "kith."));
	g_assert_nonnull (settings[i].doc);
	if (strcmp (settings[i].type, "integer") == 0 || strcmp (settings[i].type, "number") == 0) {
	    double d = g_ascii_strtod (settings[i].default_value, NULL);
	    numeric++;
	    g_assert_cmpfloat (settings[i].min, <, settings[i].max);
	    g_assert_cmpfloat (d, >=, settings[i].min);
	    g_assert_cmpfloat (d, <=, settings[i].max);
	}
    }
    g_assert_cmpuint (numeric, ==, 8); /* with kith.rejudge_days */
}

/* A huge or binary value is not repeated whole in the message. */
static void
test_bad_number_shown (void)
{
    g_autofree char *digits = g_strnfill (100000, '9');
    g_autofree char *lines = g_strdup_printf ("lock_timeout=%s", digits);
    g_autoptr (GError) error = NULL;
    g_autoptr (_kith_config_t) config = NULL;

    write_config (NULL, NULL, lines);
    config = load (&error);
    g_assert_null (config);
    g_assert_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT);
    if (error) {
	g_assert_cmpuint (strlen (error->message), <, 200);
	g_assert_nonnull (strstr (error->message, "(100000 bytes)"));
	g_assert_nonnull (strstr (error->message, "kith.lock_timeout"));
    }
}

static void
test_good_numbers (void)
{
    g_autoptr (_kith_config_t) top = load_ok (NULL, NULL, "lock_timeout=3600\nreply_window_days=3650\ntier.close=1e6");
    g_autoptr (_kith_config_t) zero = load_ok (NULL, NULL, "lock_timeout=0\nreply_window_days=0");

    g_assert_cmpint (top->lock_timeout, ==, 3600);
    g_assert_cmpint (top->reply_window, ==, (gint64) 3650 * 86400);
    g_assert_cmpfloat (top->tier_threshold[KITH_TIER_CLOSE], ==, 1e6);
    g_assert_cmpint (zero->lock_timeout, ==, 0);
    g_assert_cmpint (zero->reply_window, ==, 0);
}

static void
test_reply_window (void)
{
    g_autoptr (_kith_config_t) config = load_ok (NULL, NULL, "reply_window_days=30");
    g_autoptr (_kith_config_t) half = load_ok (NULL, NULL, "reply_window_days=0.5");

    g_assert_cmpint (config->reply_window, ==, 30 * 86400);
    g_assert_cmpint (half->reply_window, ==, 43200);
}

static void
test_alias (void)
{
    g_autoptr (_kith_config_t) config = load_ok (
	NULL, NULL,
	"alias.bob=Bob@Home.example; bob@work.example;\n"
	"alias.ann=ann@one.example;ann@two.example;ann@three.example\n"
	"alias.empty= ; ");
    GPtrArray *bob, *ann;

    g_assert_cmpuint (config->alias_groups->len, ==, 2);
    bob = g_hash_table_lookup (config->alias, "bob@home.example");
    g_assert_nonnull (bob);
    g_assert_true (bob == g_hash_table_lookup (config->alias, "bob@work.example"));
    g_assert_cmpuint (bob->len, ==, 2);
    ann = g_hash_table_lookup (config->alias, "ann@three.example");
    g_assert_nonnull (ann);
    g_assert_true (ann != bob);
    g_assert_cmpuint (ann->len, ==, 3);
    g_assert_null (g_hash_table_lookup (config->alias, "Bob@Home.example"));
    g_assert_null (g_hash_table_lookup (config->alias, "carol@example.org"));
}

/* An address in two groups, or an entry that is not an address, is an
 * error naming the keys or the entry. */
static void
test_alias_errors (void)
{
    g_autofree char *long_local = g_strnfill (1000, 'a');
    g_autofree char *too_long = g_strdup_printf ("alias.long=%s@x.example", long_local);
    struct {
	const char *lines;
	const char *names[3];
    } bad[] = {
	{ "alias.bob=bob@home.example;bob@work.example\nalias.robert=Bob@Work.example",
	  { "kith.alias.bob", "kith.alias.robert", "bob@work.example" } },
	{ "alias.bob=bob@home.example;@@", { "kith.alias.bob", "'@@'", NULL } },
	{ "alias.bob=<>;bob@home.example", { "kith.alias.bob", "'<>'", NULL } },
	{ "alias.bob=bob@home.example;no-at-sign", { "kith.alias.bob", "'no-at-sign'", NULL } },
	{ "alias.bob=bob@home.example;a@b@c.example", { "kith.alias.bob", "'a@b@c.example'", NULL } },
	{ too_long, { "kith.alias.long", "(1010 bytes)", "longer than 998" } },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
	g_autoptr (GError) error = NULL;
	g_autoptr (_kith_config_t) config = NULL;

	write_config (NULL, NULL, bad[i].lines);
	config = load (&error);
	g_assert_null (config);
	g_assert_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT);
	for (guint k = 0; error && k < G_N_ELEMENTS (bad[i].names) && bad[i].names[k]; k++)
	    if (strstr (error->message, bad[i].names[k]) == NULL)
		g_test_fail_printf ("'%s' does not name %s", error->message, bad[i].names[k]);
	/* a 1000-byte entry is not repeated whole */
	if (error)
	    g_assert_cmpuint (strlen (error->message), <, 300);
    }

    /* the same address twice in one group is one address */
    {
	g_autoptr (_kith_config_t) config = load_ok (NULL, NULL, "alias.bob=bob@home.example;Bob@Home.example;bob@work.example");
	GPtrArray *bob = g_hash_table_lookup (config->alias, "bob@home.example");
	g_assert_nonnull (bob);
	if (bob)
	    g_assert_cmpuint (bob->len, ==, 2);
    }
}

static void
test_store_path (void)
{
    g_autoptr (_kith_config_t) config = load_ok (NULL, NULL, "store=/srv/kith/store.db");
    g_autoptr (_kith_config_t) empty = load_ok (NULL, NULL, "store=");

    g_assert_cmpstr (config->store_path, ==, "/srv/kith/store.db");
    g_assert_null (empty->store_path);
}

/* What the mined rows depend on changes the fingerprint (so the next
 * index rebuilds); what is read at query time does not. */
static void
test_fingerprint (void)
{
    g_autofree char *base = fingerprint (NULL, NULL, NULL);
    g_autofree char *same = fingerprint (NULL, NULL, NULL);

    g_assert_nonnull (base);
    g_assert_cmpstr (base, ==, same);

    /* rebuild: identity, patterns, exclusions, reply window */
    {
	g_autofree char *f = fingerprint ("primary_email=me@example.org\nother_email=me.work@example.net", NULL, NULL);
	g_assert_cmpstr (f, !=, base);
    }
    {
	g_autofree char *f = fingerprint (NULL, NULL, "other_email=me.work@example.net");
	g_assert_cmpstr (f, !=, base);
    }
    {
	g_autofree char *f = fingerprint (NULL, NULL, "me_patterns=me+*@example.org");
	g_assert_cmpstr (f, !=, base);
    }
    {
	g_autofree char *f = fingerprint (NULL, "deleted;spam;muted", NULL);
	g_assert_cmpstr (f, !=, base);
    }
    {
	g_autofree char *f = fingerprint (NULL, NULL, "reply_window_days=30");
	g_assert_cmpstr (f, !=, base);
    }
    {
	g_autofree char *f = fingerprint (NULL, NULL, "max_recipients=500");
	g_assert_cmpstr (f, !=, base);
    }
    {
	g_autofree char *f = fingerprint (NULL, NULL, "robots=tester@*.example");
	g_assert_cmpstr (f, !=, base);
    }
    /* no rebuild: thresholds, aliases, lock timeout */
    {
	g_autofree char *f = fingerprint (NULL, NULL, "tier.known=1\ntier.weak=3\ntier.close=50");
	g_assert_cmpstr (f, ==, base);
    }
    {
	g_autofree char *f = fingerprint (NULL, NULL, "alias.bob=bob@home.example;bob@work.example");
	g_assert_cmpstr (f, ==, base);
    }
    {
	g_autofree char *f = fingerprint (NULL, NULL, "lock_timeout=5");
	g_assert_cmpstr (f, ==, base);
    }
    /* the order of addresses, patterns and tags does not matter */
    {
	g_autofree char *a = fingerprint ("primary_email=me@example.org\nother_email=a@x.example;b@x.example", "spam;deleted", "me_patterns=p1*@x.example;p2*@x.example");
	g_autofree char *b = fingerprint ("primary_email=me@example.org\nother_email=b@x.example;a@x.example", "deleted;spam", "me_patterns=p2*@x.example;p1*@x.example");
	g_assert_cmpstr (a, ==, b);
    }
    /* a pattern is not an address */
    {
	g_autofree char *a = fingerprint (NULL, NULL, "me_patterns=x@y.example");
	g_autofree char *b = fingerprint (NULL, NULL, "other_email=x@y.example");
	g_assert_cmpstr (a, !=, b);
    }
}

int
main (int argc, char **argv)
{
    g_autoptr (GError) error = NULL;
    notmuch_database_t *db = NULL;
    char *msg = NULL;
    int ret;

    g_test_init (&argc, &argv, NULL);
    g_test_set_nonfatal_assertions ();
    /* only the config file written here says who "me" is */
    g_unsetenv ("EMAIL");
    g_unsetenv ("NAME");

    tmp_dir = g_dir_make_tmp ("kith-test-config.XXXXXX", &error);
    g_assert_no_error (error);
    mail_dir = g_build_filename (tmp_dir, "mail", NULL);
    config_file = g_build_filename (tmp_dir, "notmuch-config", NULL);
    g_assert_cmpint (g_mkdir_with_parents (mail_dir, 0700), ==, 0);
    write_config (NULL, NULL, NULL);
    if (notmuch_database_create_with_config (mail_dir, config_file, NULL, &db, &msg)) {
	g_printerr ("cannot create a notmuch database in %s: %s\n", mail_dir, msg ? msg : "");
	return 1;
    }
    notmuch_database_destroy (db);

    g_test_add_func ("/config/identity", test_identity);
    g_test_add_func ("/config/identity/missing", test_identity_missing);
    g_test_add_func ("/config/me-patterns", test_me_patterns);
    g_test_add_func ("/config/exclude-tags", test_exclude_tags);
    g_test_add_func ("/config/robots", test_robots);
    g_test_add_func ("/config/defaults", test_defaults);
    g_test_add_func ("/config/tiers", test_tiers);
    g_test_add_func ("/config/bad-numbers", test_bad_numbers);
    g_test_add_func ("/config/bad-numbers/shown", test_bad_number_shown);
    g_test_add_func ("/config/good-numbers", test_good_numbers);
    g_test_add_func ("/config/settings-table", test_settings_table);
    g_test_add_func ("/config/reply-window", test_reply_window);
    g_test_add_func ("/config/alias", test_alias);
    g_test_add_func ("/config/alias/errors", test_alias_errors);
    g_test_add_func ("/config/store-path", test_store_path);
    g_test_add_func ("/config/fingerprint", test_fingerprint);

    ret = g_test_run ();

    {
	g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp_dir);
	if (system (cmd) != 0)
	    g_printerr ("could not remove %s\n", tmp_dir);
    }
    g_free (tmp_dir);
    g_free (mail_dir);
    g_free (config_file);
    return ret;
}
