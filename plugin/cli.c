/* cli.c - the verbs of notmuch-kith
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One function per verb, dispatched from a table (as git.c does).
 * Results go to stdout, diagnostics to stderr as "Error: ...".  Exit
 * status: 0, 1 on failure, 75 (EX_TEMPFAIL) when the notmuch database
 * or the store stayed locked: run it again later.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "cli.h"
#include "install.h"
#include "vcard.h"

typedef enum {
    FORMAT_TEXT,
    FORMAT_JSON,
    FORMAT_SEXP,
} format_t;

static char *opt_format = NULL;

static GOptionEntry format_entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format,
      "Output format: text (default), json or sexp", "FORMAT" },
    { NULL }
};

static gboolean
parse_format (format_t *format)
{
    if (opt_format == NULL || strcmp (opt_format, "text") == 0)
	*format = FORMAT_TEXT;
    else if (strcmp (opt_format, "json") == 0)
	*format = FORMAT_JSON;
    else if (strcmp (opt_format, "sexp") == 0)
	*format = FORMAT_SEXP;
    else {
	g_printerr ("Error: unknown format '%s' (use text, json or sexp)\n", opt_format);
	return FALSE;
    }
    return TRUE;
}

static int
exit_status (kith_status_t status)
{
    if (status == KITH_STATUS_SUCCESS)
	return KITH_EXIT_OK;
    if (status == KITH_STATUS_DATABASE_LOCKED)
	return KITH_EXIT_TEMPFAIL;
    return KITH_EXIT_FAILURE;
}

/* Print "Error: ..." for STATUS and return the exit status. */
static int
report (kith_status_t status, char *message)
{
    g_printerr ("Error: %s\n", message ? message : kith_status_to_string (status));
    free (message);
    return exit_status (status);
}

static kith_status_t
open_session (const kith_cli_globals_t *globals, unsigned int flags, kith_t **kith, int *exit_code)
{
    char *message = NULL;
    kith_status_t status = kith_open (globals->config_path, globals->profile, flags, kith, &message);

    if (status)
	*exit_code = report (status, message);
    return status;
}

/* Show the manual page of VERB (notmuch-kith-VERB, or notmuch-kith) with
 * man(1) if man finds it; returns only if it does not. */
static void
show_manual (const char *verb)
{
    g_autofree char *page = verb ? g_strdup_printf ("notmuch-kith-%s", verb) : g_strdup ("notmuch-kith");
    const char *where[] = { "man", "-w", page, NULL };
    int wait_status = 0;

    if (! g_spawn_sync (NULL, (char **) where, NULL,
			G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
			NULL, NULL, NULL, NULL, &wait_status, NULL) ||
	! g_spawn_check_wait_status (wait_status, NULL))
	return;
    fflush (stdout);
    execlp ("man", "man", page, (char *) NULL);
}

/* Parse the options of a verb; on --help or an error, set *EXIT_CODE.
 * --help shows the verb's manual page when man finds it (as notmuch
 * does), else the summary of the options that -h always shows. */
static gboolean
parse_options (const char *verb, const char *params, const char *summary,
	       GOptionEntry *entries, int *argc, char ***argv, int *exit_code)
{
    g_autoptr (GError) error = NULL;
    g_autofree char *name = g_strdup_printf ("notmuch kith %s", verb);
    GOptionContext *context = NULL;

    for (int i = 1; i < *argc && strcmp ((*argv)[i], "--") != 0; i++)
	if (strcmp ((*argv)[i], "--help") == 0)
	    show_manual (verb);
    context = g_option_context_new (params);

    g_set_prgname (name);
    g_option_context_set_summary (context, summary);
    if (entries)
	g_option_context_add_main_entries (context, entries, NULL);
    g_option_context_add_main_entries (context, format_entries, NULL);
    if (! g_option_context_parse (context, argc, argv, &error)) {
	g_printerr ("Error: %s (see 'notmuch kith %s --help')\n", error->message, verb);
	g_option_context_free (context);
	*exit_code = KITH_EXIT_FAILURE;
	return FALSE;
    }
    g_option_context_free (context);
    return TRUE;
}

static char *
iso_date (time_t t)
{
    g_autoptr (GDateTime) dt = t ? g_date_time_new_from_unix_utc (t) : NULL;

    return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

static char *
short_date (time_t t)
{
    g_autoptr (GDateTime) dt = t ? g_date_time_new_from_unix_utc (t) : NULL;
    int y, m, d;

    if (dt == NULL)
	return g_strdup ("-");
    /* What g_date_time_format's %Y-%m-%d gives, much faster (who prints
     * two dates per contact). */
    g_date_time_get_ymd (dt, &y, &m, &d);
    if (y >= 1000 && y <= 9999)
	return g_strdup_printf ("%d-%02d-%02d", y, m, d);
    return g_date_time_format (dt, "%Y-%m-%d");
}

static void
print_date (sprinter_t *sp, const char *key, time_t t)
{
    g_autofree char *iso = iso_date (t);

    sprinter_key (sp, key);
    sprinter_string (sp, iso);
}

/* ------------------------------------------------------------------ */
/* index */

typedef struct {
    gint64 started;
    gint64 last_print;
    gboolean shown; /* a progress line is on the terminal */
} progress_t;

/* Wipe the progress line, for other output to take its place. */
static void
progress_clear (progress_t *p)
{
    if (p && p->shown)
	g_printerr ("\r%60s\r", "");
    if (p)
	p->shown = FALSE;
}

static void
print_progress (unsigned long done, unsigned long total, void *data)
{
    progress_t *p = data;
    gint64 now = g_get_monotonic_time ();
    double secs = (double) (now - p->started) / G_USEC_PER_SEC;
    double rate = secs > 0 ? (double) done / secs : 0;

    if (done != total && now - p->last_print < G_USEC_PER_SEC / 5)
	return;
    p->last_print = now;
    p->shown = TRUE;
    if (total && rate > 0 && done < total) {
	unsigned long eta = (unsigned long) ((double) (total - done) / rate);
	g_printerr ("\rkith: %lu/%lu messages, %.0f/s, ETA %lu:%02lu   ", done, total, rate,
		    eta / 60, eta % 60);
    } else {
	g_printerr ("\rkith: %lu/%lu messages, %.0f/s            ", done, total, rate);
    }
}

static int
verb_index (const kith_cli_globals_t *globals, int argc, char **argv)
{
    gboolean rebuild = FALSE, quiet = FALSE, verbose = FALSE;
    GOptionEntry entries[] = {
	{ "rebuild", 0, 0, G_OPTION_ARG_NONE, &rebuild, "Forget the store and mine every message again", NULL },
	{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress, even on a terminal", NULL },
	{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
	  "Name every message with addresses GMime's parser drops (not only the first ten)", NULL },
	{ NULL }
    };
    kith_index_stats_t stats;
    progress_t progress = { g_get_monotonic_time (), 0 };
    gboolean tty = isatty (STDERR_FILENO) && ! quiet;
    kith_t *kith = NULL;
    char *message = NULL;
    kith_status_t status;
    format_t format;
    int code = 0;

    if (! parse_options ("index", "", "Bring kith's store up to date with the notmuch database.",
			 entries, &argc, &argv, &code) || ! parse_format (&format))
	return code ? code : KITH_EXIT_FAILURE;
    if (argc > 1) {
	g_printerr ("Error: 'notmuch kith index' takes no arguments\n");
	return KITH_EXIT_FAILURE;
    }
    if (open_session (globals, KITH_OPEN_WRITE | (rebuild ? KITH_OPEN_RECREATE : 0), &kith, &code))
	return code;
    status = kith_index (kith, (rebuild ? KITH_INDEX_REBUILD : 0) | (verbose ? KITH_INDEX_VERBOSE : 0),
			 tty ? print_progress : NULL,
			 &progress, &stats, &message);
    if (tty)
	g_printerr ("\n");
    if (status) {
	kith_destroy (kith);
	return report (status, message);
    }
    if (format != FORMAT_TEXT) {
	sprinter_t *sp = sprinter_new (stdout, format == FORMAT_JSON ? SPRINTER_JSON : SPRINTER_SEXP);
	sprinter_begin_map (sp);
	sprinter_key (sp, "rebuilt");
	sprinter_boolean (sp, stats.rebuilt);
	sprinter_key (sp, "mined");
	sprinter_integer (sp, stats.mined);
	sprinter_key (sp, "retagged");
	sprinter_integer (sp, stats.retagged);
	sprinter_key (sp, "removed");
	sprinter_integer (sp, stats.removed);
	sprinter_key (sp, "broken");
	sprinter_integer (sp, stats.broken);
	sprinter_key (sp, "recovered");
	sprinter_integer (sp, stats.recovered);
	sprinter_key (sp, "contacts_updated");
	sprinter_integer (sp, stats.contacts_updated);
	sprinter_key (sp, "revision");
	sprinter_integer (sp, stats.revision);
	sprinter_end (sp);
	sprinter_free (sp);
    } else if (tty) {
	double secs = (double) (g_get_monotonic_time () - progress.started) / G_USEC_PER_SEC;
	g_printerr ("kith: %s%lu messages read, %lu retagged, %lu removed, %lu contacts "
		    "updated in %.1f s (revision %lu)\n",
		    stats.rebuilt ? "rebuilt: " : "", stats.mined, stats.retagged, stats.removed,
		    stats.contacts_updated, secs, stats.revision);
    }
    kith_destroy (kith);
    return KITH_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* who */

/* YYYY-MM-DD, YYYY-MM, YYYY, or a span ago: 30d, 6w, 18m, 2y. */
static gboolean
parse_since (const char *text, time_t *out)
{
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr (GDateTime) dt = NULL;
    int y = 0, m = 1, d = 1, n = 0;
    char unit = 0, extra = 0;

    if (sscanf (text, "%d%c%c", &n, &unit, &extra) == 2 && n >= 0 && strchr ("dwmy", unit)) {
	switch (unit) {
	case 'd': dt = g_date_time_add_days (now, -n); break;
	case 'w': dt = g_date_time_add_weeks (now, -n); break;
	case 'm': dt = g_date_time_add_months (now, -n); break;
	default: dt = g_date_time_add_years (now, -n); break;
	}
    } else if ((sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3) ||
	       (sscanf (text, "%4d-%2d%c", &y, &m, &extra) == 2 && (d = 1)) ||
	       (sscanf (text, "%4d%c", &y, &extra) == 1 && strlen (text) == 4 && (m = 1) && (d = 1))) {
	dt = g_date_time_new_utc (y, m, d, 0, 0, 0);
    }
    if (dt == NULL)
	return FALSE;
    *out = (time_t) g_date_time_to_unix (dt);
    return TRUE;
}

static void
display_name (GString *out, kith_contact_t *c)
{
    const char *name = kith_contact_get_name (c);

    if (name && *name)
	g_string_append_printf (out, "%s <%s>", name, kith_contact_get_address (c));
    else
	g_string_append (out, kith_contact_get_address (c));
}

/* KEY and the NULL-terminated STRINGS (NULL: none) as a list. */
static void
print_string_list (sprinter_t *sp, const char *key, const char *const *strings)
{
    sprinter_key (sp, key);
    sprinter_begin_list (sp);
    for (const char *const *s = strings; s && *s; s++)
	sprinter_string (sp, *s);
    sprinter_end (sp);
}

/* The keys every object of a person starts with: address, name, tier,
 * score (who, show, paths). */
static void
print_contact_head (sprinter_t *sp, kith_contact_t *c)
{
    sprinter_key (sp, "address");
    sprinter_string (sp, kith_contact_get_address (c));
    sprinter_key (sp, "name");
    sprinter_string (sp, kith_contact_get_name (c));
    sprinter_key (sp, "tier");
    sprinter_string (sp, kith_tier_to_string (kith_contact_get_tier (c)));
    sprinter_key (sp, "score");
    sprinter_double (sp, kith_contact_get_score (c));
}

static void
print_contact_map (sprinter_t *sp, kith_contact_t *c)
{
    sprinter_begin_map (sp);
    print_contact_head (sp, c);
    sprinter_key (sp, "cap");
    if (kith_contact_get_cap (c))
	sprinter_string (sp, kith_contact_get_cap (c));
    else
	sprinter_null (sp);
    sprinter_key (sp, "conversations");
    sprinter_integer (sp, kith_contact_get_count (c, KITH_COUNT_CONVERSATIONS));
    sprinter_key (sp, "sent");
    sprinter_integer (sp, kith_contact_get_count (c, KITH_COUNT_SENT_DIRECT) +
			      kith_contact_get_count (c, KITH_COUNT_SENT_GROUP));
    sprinter_key (sp, "received");
    sprinter_integer (sp, kith_contact_get_count (c, KITH_COUNT_RECEIVED));
    print_date (sp, "first", kith_contact_get_first (c));
    print_date (sp, "last", kith_contact_get_last (c));
    sprinter_key (sp, "sent_direct");
    sprinter_integer (sp, kith_contact_get_count (c, KITH_COUNT_SENT_DIRECT));
    sprinter_key (sp, "sent_group");
    sprinter_integer (sp, kith_contact_get_count (c, KITH_COUNT_SENT_GROUP));
    sprinter_key (sp, "seen");
    sprinter_integer (sp, kith_contact_get_count (c, KITH_COUNT_SEEN));
    sprinter_key (sp, "automated_messages");
    sprinter_integer (sp, kith_contact_get_count (c, KITH_COUNT_AUTOMATED));
    sprinter_key (sp, "replies_from");
    sprinter_integer (sp, kith_contact_get_count (c, KITH_COUNT_REPLIES_FROM));
    sprinter_key (sp, "replies_to");
    sprinter_integer (sp, kith_contact_get_count (c, KITH_COUNT_REPLIES_TO));
    sprinter_key (sp, "list_conversations");
    sprinter_integer (sp, kith_contact_get_count (c, KITH_COUNT_LIST_CONVERSATIONS));
    sprinter_key (sp, "months");
    sprinter_integer (sp, kith_contact_get_count (c, KITH_COUNT_MONTHS));
    sprinter_key (sp, "median_reply_them");
    if (kith_contact_get_median_latency (c, true) >= 0)
	sprinter_integer (sp, kith_contact_get_median_latency (c, true));
    else
	sprinter_null (sp);
    sprinter_key (sp, "median_reply_me");
    if (kith_contact_get_median_latency (c, false) >= 0)
	sprinter_integer (sp, kith_contact_get_median_latency (c, false));
    else
	sprinter_null (sp);
    sprinter_key (sp, "i_wrote_first");
    sprinter_boolean (sp, kith_contact_get_i_wrote_first (c));
    sprinter_key (sp, "automated");
    sprinter_boolean (sp, kith_contact_get_automated (c));
    sprinter_key (sp, "addresses");
    sprinter_begin_list (sp);
    for (unsigned i = 0; i < kith_contact_count_addresses (c); i++)
	sprinter_string (sp, kith_contact_get_address_at (c, i));
    sprinter_end (sp);
}

/* at's overview: one organisation and how many people I know there. */
typedef struct {
    char *name;
    unsigned int people[KITH_TIER_CLOSE + 1]; /* by tier */
} org_row_t;

static void
org_row_free (org_row_t *row)
{
    g_free (row->name);
    g_free (row);
}

/* Most close people first, then known, weak, none; then by name. */
static int
compare_org_rows (gconstpointer a, gconstpointer b)
{
    const org_row_t *x = *(org_row_t *const *) a, *y = *(org_row_t *const *) b;

    for (int t = KITH_TIER_CLOSE; t >= KITH_TIER_NONE; t--)
	if (x->people[t] != y->people[t])
	    return x->people[t] > y->people[t] ? -1 : 1;
    return strcmp (x->name, y->name);
}

/* `at` without an organisation: the organisations of CONTACTS (each
 * person counted once at each), best known first. */
static void
print_orgs (kith_t *kith, kith_contacts_t *contacts, format_t format, unsigned int limit)
{
    g_autoptr (GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) org_row_free);
    g_autoptr (GPtrArray) sorted = NULL;

    for (; kith_contacts_valid (contacts); kith_contacts_move_to_next (contacts)) {
	kith_contact_t *c = kith_contacts_get (contacts);
	g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

	for (unsigned int i = 0; i < kith_contact_count_addresses (c); i++) {
	    char *org = kith_org_of (kith, kith_contact_get_address_at (c, i));
	    org_row_t *row;

	    if (org == NULL || ! g_hash_table_add (seen, g_strdup (org))) {
		free (org);
		continue;
	    }
	    if ((row = g_hash_table_lookup (rows, org)) == NULL) {
		row = g_new0 (org_row_t, 1);
		row->name = g_strdup (org);
		g_hash_table_insert (rows, row->name, row);
	    }
	    row->people[kith_contact_get_tier (c)]++;
	    free (org);
	}
    }
    {
	GHashTableIter iter;
	gpointer row;
	sorted = g_ptr_array_new ();
	g_hash_table_iter_init (&iter, rows);
	while (g_hash_table_iter_next (&iter, NULL, &row))
	    g_ptr_array_add (sorted, row);
    }
    g_ptr_array_sort (sorted, compare_org_rows);
    if (limit && sorted->len > limit)
	g_ptr_array_set_size (sorted, limit);
    if (format == FORMAT_TEXT) {
	for (guint i = 0; i < sorted->len; i++) {
	    const org_row_t *row = sorted->pdata[i];
	    g_autoptr (GString) line = g_string_new (row->name);
	    for (int t = KITH_TIER_CLOSE; t >= KITH_TIER_NONE; t--)
		if (row->people[t])
		    g_string_append_printf (line, "%s%u %s", line->len == strlen (row->name) ? "  " : ", ",
					    row->people[t], kith_tier_to_string (t));
	    puts (line->str);
	}
	return;
    }
    {
	sprinter_t *sp = sprinter_new (stdout, format == FORMAT_JSON ? SPRINTER_JSON : SPRINTER_SEXP);
	sprinter_begin_list (sp);
	for (guint i = 0; i < sorted->len; i++) {
	    const org_row_t *row = sorted->pdata[i];
	    unsigned int people = 0;
	    sprinter_begin_map (sp);
	    sprinter_key (sp, "org");
	    sprinter_string (sp, row->name);
	    for (int t = KITH_TIER_CLOSE; t >= KITH_TIER_NONE; t--) {
		sprinter_key (sp, kith_tier_to_string (t));
		sprinter_integer (sp, row->people[t]);
		people += row->people[t];
	    }
	    sprinter_key (sp, "people");
	    sprinter_integer (sp, people);
	    sprinter_end (sp);
	}
	sprinter_end (sp);
	sprinter_free (sp);
    }
}

static int list_people (const kith_cli_globals_t *globals, int argc, char **argv, gboolean at);

static int
verb_who (const kith_cli_globals_t *globals, int argc, char **argv)
{
    return list_people (globals, argc, argv, FALSE);
}

static int
verb_at (const kith_cli_globals_t *globals, int argc, char **argv)
{
    return list_people (globals, argc, argv, TRUE);
}

/* who, and at (ORG: the people there; none: the organisations). */
static int
list_people (const kith_cli_globals_t *globals, int argc, char **argv, gboolean at)
{
    g_autofree char *tier = NULL, *since = NULL, *sort = NULL;
    int limit = 0;
    gboolean all = FALSE;
    GOptionEntry entries[] = {
	{ "tier", 0, 0, G_OPTION_ARG_STRING, &tier, "Lowest tier to list: none, weak (default), known, close", "T" },
	{ "all", 0, 0, G_OPTION_ARG_NONE, &all, "List every contact, tier none included", NULL },
	{ "since", 0, 0, G_OPTION_ARG_STRING, &since, "Only people with an exchange since DATE (YYYY-MM-DD, YYYY-MM, YYYY, or 30d, 6w, 18m, 2y ago)", "DATE" },
	{ "limit", 0, 0, G_OPTION_ARG_INT, &limit, "List at most N people", "N" },
	{ "sort", 0, 0, G_OPTION_ARG_STRING, &sort, "Order: score (default), recent or name", "ORDER" },
	{ NULL }
    };
    kith_who_options_t options = { 0 };
    kith_contacts_t *contacts = NULL;
    kith_t *kith = NULL;
    char *message = NULL;
    kith_status_t status;
    format_t format = FORMAT_TEXT;
    gboolean vcard;
    sprinter_t *sp = NULL;
    int code = 0;

    format_entries[0].description = "Output format: text (default), json, sexp or vcard";
    if (! (at ? parse_options ("at", "[ORG]",
			       "The people you have actually corresponded with at an organisation (a mail "
			       "domain or a kith.org.NAME); without ORG, the organisations you know best.",
			       entries, &argc, &argv, &code)
	      : parse_options ("who", "", "List the people you have actually corresponded with.",
			       entries, &argc, &argv, &code)))
	return code ? code : KITH_EXIT_FAILURE;
    vcard = opt_format && strcmp (opt_format, "vcard") == 0;
    if (opt_format && ! vcard && strcmp (opt_format, "text") && strcmp (opt_format, "json") &&
	strcmp (opt_format, "sexp")) {
	g_printerr ("Error: unknown format '%s' (use text, json, sexp or vcard)\n", opt_format);
	return KITH_EXIT_FAILURE;
    }
    if (! vcard && ! parse_format (&format))
	return KITH_EXIT_FAILURE;
    if (argc > (at ? 2 : 1)) {
	g_printerr ("Error: unexpected argument '%s'\n", argv[at ? 2 : 1]);
	return KITH_EXIT_FAILURE;
    }
    if (at && argc == 1 && vcard) {
	g_printerr ("Error: 'at' without an organisation lists organisations: no vCards\n");
	return KITH_EXIT_FAILURE;
    }
    if (tier) {
	if (kith_tier_from_string (tier, &options.min_tier)) {
	    g_printerr ("Error: unknown tier '%s' (use none, weak, known or close)\n", tier);
	    return KITH_EXIT_FAILURE;
	}
	options.include_none = options.min_tier == KITH_TIER_NONE;
    }
    if (all)
	options.include_none = TRUE;
    if (since && ! parse_since (since, &options.since)) {
	g_printerr ("Error: cannot understand the date '%s' (use YYYY-MM-DD, or 6m for six months ago)\n", since);
	return KITH_EXIT_FAILURE;
    }
    if (limit < 0) {
	g_printerr ("Error: --limit must not be negative\n");
	return KITH_EXIT_FAILURE;
    }
    options.limit = (unsigned) limit;
    if (sort == NULL || strcmp (sort, "score") == 0)
	options.sort = KITH_SORT_SCORE;
    else if (strcmp (sort, "recent") == 0)
	options.sort = KITH_SORT_RECENT;
    else if (strcmp (sort, "name") == 0)
	options.sort = KITH_SORT_NAME;
    else {
	g_printerr ("Error: unknown sort order '%s' (use score, recent or name)\n", sort);
	return KITH_EXIT_FAILURE;
    }

    if (open_session (globals, 0, &kith, &code))
	return code;
    if (at && argc == 2) {
	status = kith_at (kith, argv[1], &options, &contacts, &message);
    } else if (at) {
	unsigned int orgs = options.limit;
	options.limit = 0;
	status = kith_who (kith, &options, &contacts, &message);
	if (status == KITH_STATUS_SUCCESS)
	    print_orgs (kith, contacts, format, orgs);
	kith_contacts_destroy (contacts);
	kith_destroy (kith);
	return status ? report (status, message) : KITH_EXIT_OK;
    } else {
	status = kith_who (kith, &options, &contacts, &message);
    }
    if (status) {
	kith_destroy (kith);
	return report (status, message);
    }
    if (format != FORMAT_TEXT) {
	sp = sprinter_new (stdout, format == FORMAT_JSON ? SPRINTER_JSON : SPRINTER_SEXP);
	sprinter_begin_list (sp);
    }
    for (; kith_contacts_valid (contacts); kith_contacts_move_to_next (contacts)) {
	kith_contact_t *c = kith_contacts_get (contacts);
	if (vcard) {
	    g_autoptr (GString) card = g_string_new (NULL);
	    kith_vcard_append_contact (card, c, time (NULL));
	    fwrite (card->str, 1, card->len, stdout);
	} else if (sp) {
	    print_contact_map (sp, c);
	    sprinter_end (sp);
	} else {
	    g_autoptr (GString) line = g_string_new (NULL);
	    g_autofree char *first = short_date (kith_contact_get_first (c));
	    g_autofree char *last = short_date (kith_contact_get_last (c));
	    unsigned long conv = kith_contact_get_count (c, KITH_COUNT_CONVERSATIONS);
	    g_string_printf (line, "%-5s %7.1f  ", kith_tier_to_string (kith_contact_get_tier (c)),
			     kith_contact_get_score (c));
	    display_name (line, c);
	    g_string_append_printf (line, "  %lu conversation%s, %s..%s", conv, conv == 1 ? "" : "s",
				    first, last);
	    puts (line->str);
	}
    }
    if (sp) {
	sprinter_end (sp);
	sprinter_free (sp);
    }
    kith_contacts_destroy (contacts);
    kith_destroy (kith);
    return KITH_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* complete */

typedef enum {
    COMPLETE_TEXT,
    COMPLETE_JSON,
    COMPLETE_SEXP,
    COMPLETE_MUTT,
    COMPLETE_AERC,
    COMPLETE_EMACS,
} complete_format_t;

/* Does a display name need quoting in a header (RFC 5322: anything but
 * atext, white space and, per RFC 6532, non-ASCII)? */
static gboolean
name_needs_quotes (const char *name)
{
    const char *n = name;

    if (*name == ' ' || (*name && name[strlen (name) - 1] == ' '))
	return TRUE;
    for (; *n; n++) {
	unsigned char ch = (unsigned char) *n;
	if (ch >= 0x80 || g_ascii_isalnum (ch) || ch == ' ' || strchr ("!#$%&'*+-/=?^_`{|}~", ch))
	    continue;
	return TRUE;
    }
    return FALSE;
}

/* "Name <address>", the name quoted when it has to be; just the address
 * when there is no name. */
static char *
mailbox_string (const char *name, const char *address)
{
    GString *out;

    if (name == NULL || *name == '\0')
	return g_strdup (address);
    out = g_string_new (NULL);
    if (name_needs_quotes (name)) {
	g_string_append_c (out, '"');
	for (const char *n = name; *n; n++) {
	    if (*n == '"' || *n == '\\')
		g_string_append_c (out, '\\');
	    g_string_append_c (out, *n == '\n' || *n == '\r' || *n == '\t' ? ' ' : *n);
	}
	g_string_append_c (out, '"');
    } else {
	g_string_append (out, name);
    }
    g_string_append_printf (out, " <%s>", address);
    return g_string_free (out, FALSE);
}

/* A field of a tab-separated line: no tab or newline inside. */
static char *
tsv_field (const char *text)
{
    char *copy = g_strdup (text ? text : "");

    for (char *p = copy; *p; p++)
	if (*p == '\t' || *p == '\n' || *p == '\r')
	    *p = ' ';
    return copy;
}

/* The short evidence shown beside a completion: "known, 4 conversations,
 * last 2024-08". */
static char *
complete_evidence (kith_contact_t *c)
{
    kith_tier_t tier = kith_contact_get_tier (c);
    unsigned long conv = kith_contact_get_count (c, KITH_COUNT_CONVERSATIONS);
    g_autofree char *last = short_date (kith_contact_get_last (c));

    if (tier == KITH_TIER_NONE)
	return g_strdup (kith_contact_get_automated (c) ? "none, automated sender"
							: "none, no shared history");
    last[7] = '\0'; /* YYYY-MM */
    return g_strdup_printf ("%s, %lu conversation%s, last %s", kith_tier_to_string (tier), conv,
			    conv == 1 ? "" : "s", last);
}

static int
verb_complete (const kith_cli_globals_t *globals, int argc, char **argv)
{
    int limit = 20;
    gboolean all = FALSE;
    GOptionEntry entries[] = {
	{ "limit", 0, 0, G_OPTION_ARG_INT, &limit, "At most N addresses (default 20, 0: no limit)", "N" },
	{ "all", 0, 0, G_OPTION_ARG_NONE, &all, "Include automated senders and people without shared history I never wrote to, even with kith.complete.others=hide", NULL },
	{ NULL }
    };
    kith_complete_options_t options = { 0 };
    kith_contacts_t *contacts = NULL;
    kith_t *kith = NULL;
    char *message = NULL;
    g_autofree char *prefix = NULL;
    complete_format_t format;
    kith_status_t status;
    sprinter_t *sp = NULL;
    g_autoptr (GString) mutt = g_string_new (NULL);
    unsigned n = 0;
    int code = 0;

    format_entries[0].description = "Output format: text (default), json, sexp, mutt, aerc or emacs";
    if (! parse_options ("complete", "[PREFIX...]",
			 "Complete an address: the contacts whose address or any name starts with PREFIX,\n"
			 "likeliest recipient first.  Formats: text (Name <address> per line), json, sexp,\n"
			 "mutt (neomutt's query_command), aerc (address-book-cmd; also alot), emacs (a list\n"
			 "of \"Name <address>\" strings).",
			 entries, &argc, &argv, &code))
	return code ? code : KITH_EXIT_FAILURE;
    if (opt_format == NULL || strcmp (opt_format, "text") == 0)
	format = COMPLETE_TEXT;
    else if (strcmp (opt_format, "json") == 0)
	format = COMPLETE_JSON;
    else if (strcmp (opt_format, "sexp") == 0)
	format = COMPLETE_SEXP;
    else if (strcmp (opt_format, "mutt") == 0)
	format = COMPLETE_MUTT;
    else if (strcmp (opt_format, "aerc") == 0)
	format = COMPLETE_AERC;
    else if (strcmp (opt_format, "emacs") == 0)
	format = COMPLETE_EMACS;
    else {
	g_printerr ("Error: unknown format '%s' (use text, json, sexp, mutt, aerc or emacs)\n", opt_format);
	return KITH_EXIT_FAILURE;
    }
    if (limit < 0) {
	g_printerr ("Error: --limit must not be negative\n");
	return KITH_EXIT_FAILURE;
    }
    options.limit = (unsigned) limit;
    options.all = all;
    prefix = g_strjoinv (" ", argv + 1);

    status = kith_open (globals->config_path, globals->profile, 0, &kith, &message);
    if (status == KITH_STATUS_SUCCESS)
	status = kith_complete (kith, prefix, &options, &contacts, &message);
    if (status) {
	/* neomutt shows the first line of the output as the message. */
	if (format == COMPLETE_MUTT)
	    printf ("kith: %s\n", message ? message : kith_status_to_string (status));
	kith_destroy (kith);
	return report (status, message);
    }

    if (format == COMPLETE_JSON || format == COMPLETE_SEXP || format == COMPLETE_EMACS) {
	sp = sprinter_new (stdout, format == COMPLETE_JSON ? SPRINTER_JSON : SPRINTER_SEXP);
	sprinter_begin_list (sp);
    }
    for (; kith_contacts_valid (contacts); kith_contacts_move_to_next (contacts), n++) {
	kith_contact_t *c = kith_contacts_get (contacts);
	const char *address = kith_contact_get_address (c);
	const char *name = kith_contact_get_name (c);
	g_autofree char *mailbox = mailbox_string (name, address);

	switch (format) {
	case COMPLETE_TEXT:
	    puts (mailbox);
	    break;
	case COMPLETE_EMACS:
	    sprinter_string (sp, mailbox);
	    break;
	case COMPLETE_JSON:
	case COMPLETE_SEXP:
	    sprinter_begin_map (sp);
	    sprinter_key (sp, "address");
	    sprinter_string (sp, address);
	    sprinter_key (sp, "name");
	    sprinter_string (sp, name);
	    sprinter_key (sp, "mailbox");
	    sprinter_string (sp, mailbox);
	    sprinter_key (sp, "tier");
	    sprinter_string (sp, kith_tier_to_string (kith_contact_get_tier (c)));
	    sprinter_key (sp, "score");
	    sprinter_double (sp, kith_contact_get_score (c));
	    print_date (sp, "last", kith_contact_get_last (c));
	    sprinter_key (sp, "conversations");
	    sprinter_integer (sp, kith_contact_get_count (c, KITH_COUNT_CONVERSATIONS));
	    sprinter_key (sp, "automated");
	    sprinter_boolean (sp, kith_contact_get_automated (c));
	    sprinter_key (sp, "addresses");
	    sprinter_begin_list (sp);
	    for (unsigned i = 0; i < kith_contact_count_addresses (c); i++)
		sprinter_string (sp, kith_contact_get_address_at (c, i));
	    sprinter_end (sp);
	    sprinter_end (sp);
	    break;
	case COMPLETE_MUTT: {
	    /* neomutt splits on runs of tabs: an empty name would let the
	     * comment pass for the name, so a nameless line has no comment. */
	    g_autofree char *n_field = tsv_field (name);
	    g_autofree char *evidence = complete_evidence (c);
	    if (*n_field)
		g_string_append_printf (mutt, "%s\t%s\t%s\n", address, n_field, evidence);
	    else
		g_string_append_printf (mutt, "%s\n", address);
	    break;
	}
	case COMPLETE_AERC: {
	    g_autofree char *n_field = tsv_field (name);
	    if (*n_field)
		printf ("%s\t%s\n", address, n_field);
	    else
		printf ("%s\n", address);
	    break;
	}
	}
    }
    if (sp) {
	sprinter_end (sp);
	sprinter_free (sp);
    }
    if (format == COMPLETE_MUTT) {
	/* The first line is a message neomutt shows; the matches follow. */
	if (n == 0)
	    printf ("kith: no match for '%s'\n", prefix);
	else
	    printf ("kith: %u match%s for '%s', likeliest recipient first\n", n, n == 1 ? "" : "es",
		    prefix);
	fputs (mutt->str, stdout);
    }
    kith_contacts_destroy (contacts);
    kith_destroy (kith);
    /* Like lbdbq and abook --mutt-query: no match is exit status 1 for
     * neomutt (it then shows the first line as an error). */
    return format == COMPLETE_MUTT && n == 0 ? KITH_EXIT_FAILURE : KITH_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* show */

static char *
sparkline (const unsigned long *counts, unsigned n)
{
    static const char *const bars[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
    GString *out = g_string_new (NULL);
    unsigned long max = 1;

    for (unsigned i = 0; i < n; i++)
	max = MAX (max, counts[i]);
    for (unsigned i = 0; i < n; i++) {
	if (counts[i] == 0)
	    g_string_append (out, " ");
	else
	    g_string_append (out, bars[MIN (7, (counts[i] * 8 - 1) / max)]);
    }
    return g_string_free (out, FALSE);
}

static char *
duration (gint64 secs)
{
    if (secs < 0)
	return g_strdup ("-");
    if (secs < 3600)
	return g_strdup_printf ("%" G_GINT64_FORMAT "m", secs / 60);
    if (secs < 2 * 86400)
	return g_strdup_printf ("%" G_GINT64_FORMAT "h", secs / 3600);
    return g_strdup_printf ("%" G_GINT64_FORMAT "d", secs / 86400);
}

/* The score as the sum of its named terms (README: "The score"), the
 * conversations with their thread: ids. */
#define SCORE_THREADS_SHOWN 5

static void
show_score_terms (kith_contact_t *c)
{
    static const char *const what[KITH_SCORE_N_TERMS] = {
	[KITH_SCORE_CONVERSATIONS] = "conversations: %.0f (10 each, 5 on a list only)",
	[KITH_SCORE_RECIPROCATED] = "reciprocated: %.0f messages each way (2 each)",
	[KITH_SCORE_ONE_TO_ONE] = "one-to-one: %.0f messages each way (1 each)",
	[KITH_SCORE_MONTHS] = "months: %.0f with an exchange (3 each)",
	[KITH_SCORE_DURATION] = "duration: %.1f months, first to last (4 x log2 (1 + months))",
	[KITH_SCORE_RECENCY] = "recency: last exchange %.0f days ago (5 / (1 + idle / rhythm))",
    };
    const char *label = "  score terms    ";
    double amount;
    gboolean any = FALSE;

    for (int t = 0; t < KITH_SCORE_N_TERMS; t++)
	any = any || kith_contact_get_score_term (c, t, NULL) != 0.0;
    if (! any) {
	printf ("%s0: %s\n", label,
		kith_contact_get_automated (c) ? "an automated sender"
					       : "mail did not go both ways (one of us never wrote or replied to the other)");
	return;
    }
    for (int t = 0; t < KITH_SCORE_N_TERMS; t++) {
	double value = kith_contact_get_score_term (c, t, &amount);
	g_autofree char *text = NULL;
	g_autoptr (GString) threads = g_string_new (NULL);

	if (value == 0.0 && t != KITH_SCORE_RECENCY)
	    continue;
	text = g_strdup_printf (what[t], amount);
	if (t == KITH_SCORE_CONVERSATIONS) {
	    unsigned n = kith_contact_count_conversations (c);
	    for (unsigned i = 0; i < n && i < SCORE_THREADS_SHOWN; i++) {
		kith_conversation_t conv;
		kith_contact_get_conversation (c, i, &conv);
		g_string_append_printf (threads, "%sthread:%s", i ? " " : ": ", conv.thread_id);
	    }
	    if (n > SCORE_THREADS_SHOWN)
		g_string_append_printf (threads, " and %u more below", n - SCORE_THREADS_SHOWN);
	}
	printf ("%s%6.1f  %s%s\n", label, value, text, threads->str);
	label = "                 ";
    }
}

static void
show_text (kith_contact_t *c)
{
    g_autoptr (GString) line = g_string_new (NULL);
    g_autofree char *first = short_date (kith_contact_get_first (c));
    g_autofree char *last = short_date (kith_contact_get_last (c));
    g_autofree char *lat_them = duration (kith_contact_get_median_latency (c, true));
    g_autofree char *lat_me = duration (kith_contact_get_median_latency (c, false));
    const unsigned long *years;
    unsigned n_years;
    int first_year;

    display_name (line, c);
    puts (line->str);
    printf ("  tier           %s (score %.1f)%s\n", kith_tier_to_string (kith_contact_get_tier (c)),
	    kith_contact_get_score (c), kith_contact_get_automated (c) ? ", automated sender" : "");
    if (kith_contact_get_cap_reason (c))
	printf ("  capped         %s\n", kith_contact_get_cap_reason (c));
    show_score_terms (c);
    if (kith_contact_count_names (c) > 0) {
	g_string_truncate (line, 0);
	for (unsigned i = 0; i < kith_contact_count_names (c); i++) {
	    unsigned long count;
	    const char *name = kith_contact_get_name_at (c, i, &count);
	    g_string_append_printf (line, "%s\"%s\" (%lu)", i ? ", " : "", name, count);
	}
	printf ("  names          %s\n", line->str);
    }
    if (kith_contact_count_addresses (c) > 1) {
	g_string_truncate (line, 0);
	for (unsigned i = 0; i < kith_contact_count_addresses (c); i++)
	    g_string_append_printf (line, "%s%s", i ? ", " : "", kith_contact_get_address_at (c, i));
	printf ("  addresses      %s (kith.alias)\n", line->str);
    }
    if (kith_contact_count_similar (c) > 0) {
	g_string_truncate (line, 0);
	for (unsigned i = 0; i < kith_contact_count_similar (c); i++)
	    g_string_append_printf (line, "%s%s", i ? ", " : "", kith_contact_get_similar_at (c, i));
	printf ("  likely also    %s (same name; merge with notmuch config set kith.alias.NAME 'a;b')\n",
		line->str);
    }
    printf ("  exchanges      %s .. %s, in %lu month%s; %s wrote first\n", first, last,
	    kith_contact_get_count (c, KITH_COUNT_MONTHS),
	    kith_contact_get_count (c, KITH_COUNT_MONTHS) == 1 ? "" : "s",
	    kith_contact_get_first (c) ? (kith_contact_get_i_wrote_first (c) ? "I" : "they") : "nobody");
    printf ("  sent           %lu to them alone, %lu to them and others\n",
	    kith_contact_get_count (c, KITH_COUNT_SENT_DIRECT),
	    kith_contact_get_count (c, KITH_COUNT_SENT_GROUP));
    printf ("  received       %lu addressed to me, %lu only seen (lists, Bcc), %lu automated\n",
	    kith_contact_get_count (c, KITH_COUNT_RECEIVED), kith_contact_get_count (c, KITH_COUNT_SEEN),
	    kith_contact_get_count (c, KITH_COUNT_AUTOMATED));
    printf ("  replies        %lu from them (median %s), %lu from me (median %s)\n",
	    kith_contact_get_count (c, KITH_COUNT_REPLIES_FROM), lat_them,
	    kith_contact_get_count (c, KITH_COUNT_REPLIES_TO), lat_me);
    printf ("  conversations  %lu (%lu only on mailing lists)\n",
	    kith_contact_get_count (c, KITH_COUNT_CONVERSATIONS),
	    kith_contact_get_count (c, KITH_COUNT_LIST_CONVERSATIONS));
    kith_contact_get_activity (c, &first_year, &n_years, &years);
    if (n_years > 0) {
	g_autofree char *spark = sparkline (years, n_years);
	unsigned long peak = 0;
	int peak_year = first_year;
	for (unsigned i = 0; i < n_years; i++)
	    if (years[i] > peak)
		peak = years[i], peak_year = first_year + (int) i;
	printf ("  per year       %d %s %d (most: %lu in %d)\n", first_year, spark,
		first_year + (int) n_years - 1, peak, peak_year);
    }
    if (kith_contact_count_conversations (c) > 0) {
	printf ("\nConversations:\n");
	for (unsigned i = 0; i < kith_contact_count_conversations (c); i++) {
	    kith_conversation_t conv;
	    g_autofree char *a = NULL, *b = NULL;
	    kith_contact_get_conversation (c, i, &conv);
	    a = short_date (conv.first);
	    b = short_date (conv.last);
	    printf ("  %s..%s %3u msg%s  thread:%s  %s%s\n", a, b, conv.messages,
		    conv.messages == 1 ? " " : "s", conv.thread_id, conv.subject,
		    conv.on_list ? " [list]" : "");
	}
    }
}

static void
show_structured (kith_contact_t *c, format_t format)
{
    sprinter_t *sp = sprinter_new (stdout, format == FORMAT_JSON ? SPRINTER_JSON : SPRINTER_SEXP);
    const unsigned long *years;
    unsigned n_years;
    int first_year;

    print_contact_map (sp, c);
    sprinter_key (sp, "names");
    sprinter_begin_list (sp);
    for (unsigned i = 0; i < kith_contact_count_names (c); i++) {
	unsigned long count;
	const char *name = kith_contact_get_name_at (c, i, &count);
	sprinter_begin_map (sp);
	sprinter_key (sp, "name");
	sprinter_string (sp, name);
	sprinter_key (sp, "count");
	sprinter_integer (sp, count);
	sprinter_end (sp);
    }
    sprinter_end (sp);
    sprinter_key (sp, "similar");
    sprinter_begin_list (sp);
    for (unsigned i = 0; i < kith_contact_count_similar (c); i++)
	sprinter_string (sp, kith_contact_get_similar_at (c, i));
    sprinter_end (sp);
    sprinter_key (sp, "per_year");
    sprinter_begin_map (sp);
    kith_contact_get_activity (c, &first_year, &n_years, &years);
    for (unsigned i = 0; i < n_years; i++) {
	char year[16];
	g_snprintf (year, sizeof (year), "%d", first_year + (int) i);
	sprinter_key (sp, year);
	sprinter_integer (sp, years[i]);
    }
    sprinter_end (sp);
    sprinter_key (sp, "score_terms");
    sprinter_begin_map (sp);
    for (int t = 0; t < KITH_SCORE_N_TERMS; t++) {
	double amount, value = kith_contact_get_score_term (c, t, &amount);
	sprinter_key (sp, kith_score_term_to_string (t));
	sprinter_begin_map (sp);
	sprinter_key (sp, "value");
	sprinter_double (sp, value);
	sprinter_key (sp, "amount");
	sprinter_double (sp, amount);
	if (t == KITH_SCORE_CONVERSATIONS) {
	    sprinter_key (sp, "threads");
	    sprinter_begin_list (sp);
	    for (unsigned i = 0; i < kith_contact_count_conversations (c); i++) {
		kith_conversation_t conv;
		kith_contact_get_conversation (c, i, &conv);
		sprinter_string (sp, conv.thread_id);
	    }
	    sprinter_end (sp);
	}
	sprinter_end (sp);
    }
    sprinter_end (sp);
    sprinter_key (sp, "conversation_list");
    sprinter_begin_list (sp);
    for (unsigned i = 0; i < kith_contact_count_conversations (c); i++) {
	kith_conversation_t conv;
	kith_contact_get_conversation (c, i, &conv);
	sprinter_begin_map (sp);
	sprinter_key (sp, "thread");
	sprinter_string (sp, conv.thread_id);
	sprinter_key (sp, "subject");
	sprinter_string (sp, conv.subject);
	print_date (sp, "first", conv.first);
	print_date (sp, "last", conv.last);
	sprinter_key (sp, "messages");
	sprinter_integer (sp, conv.messages);
	sprinter_key (sp, "on_list");
	sprinter_boolean (sp, conv.on_list);
	sprinter_end (sp);
    }
    sprinter_end (sp);
    sprinter_end (sp);
    sprinter_free (sp);
}

/* The addresses of a message read from standard input (a mail client's
 * "pipe message"): From first, then To and Cc. */
static GPtrArray *
message_addresses_from_stdin (void)
{
    GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
    GMimeStream *stream = g_mime_stream_pipe_new (STDIN_FILENO);
    GMimeParser *parser;
    GMimeMessage *msg;

    g_mime_stream_pipe_set_owner (GMIME_STREAM_PIPE (stream), FALSE);
    parser = g_mime_parser_new_with_stream (stream);
    msg = g_mime_parser_construct_message (parser, NULL);
    if (msg) {
	InternetAddressList *lists[] = { g_mime_message_get_from (msg), g_mime_message_get_to (msg),
					 g_mime_message_get_cc (msg) };
	for (guint l = 0; l < G_N_ELEMENTS (lists); l++) {
	    for (int i = 0; lists[l] && i < internet_address_list_length (lists[l]); i++) {
		InternetAddress *a = internet_address_list_get_address (lists[l], i);
		if (INTERNET_ADDRESS_IS_MAILBOX (a))
		    g_ptr_array_add (out, g_strdup (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (a))));
	    }
	}
	g_object_unref (msg);
    }
    g_object_unref (parser);
    g_object_unref (stream);
    return out;
}

static int show_platform (kith_t *kith, const char *address, const char *platform, format_t format);

static int
verb_show (const kith_cli_globals_t *globals, int argc, char **argv)
{
    kith_contact_t *contact = NULL;
    kith_t *kith = NULL;
    char *message = NULL;
    kith_status_t status = KITH_STATUS_SUCCESS;
    format_t format;
    g_autofree char *query = NULL;
    const char *platform = NULL;
    gboolean from_message = FALSE;
    GOptionEntry entries[] = {
	{ "message", 0, 0, G_OPTION_ARG_NONE, &from_message,
	  "Read a message on standard input and show its sender (or, for my own message, its first recipient)", NULL },
	{ NULL }
    };
    int code = 0;

    if (! parse_options ("show", "ADDRESS-OR-NAME", "Show the shared history with one person: the evidence behind the tier.",
			 entries, &argc, &argv, &code) ||
	! parse_format (&format))
	return code ? code : KITH_EXIT_FAILURE;
    if (argc < 2 && ! from_message) {
	g_printerr ("Error: 'notmuch kith show' needs an address or a name\n");
	return KITH_EXIT_FAILURE;
    }
    if (open_session (globals, 0, &kith, &code))
	return code;
    if (from_message) {
	/* kith_open has initialised GMime. */
	g_autoptr (GPtrArray) addresses = message_addresses_from_stdin ();
	status = KITH_STATUS_UNKNOWN_CONTACT;
	message = strdup ("no sender address in the message on standard input");
	/* Mine is refused as a bad argument: then try the recipients. */
	for (guint i = 0; i < addresses->len && (i == 0 || status == KITH_STATUS_BAD_ARGUMENT); i++) {
	    free (message);
	    message = NULL;
	    if ((platform = kith_platform_of (kith, addresses->pdata[i]))) {
		query = g_strdup (addresses->pdata[i]);
		break;
	    }
	    status = kith_find (kith, addresses->pdata[i], &contact, &message);
	}
    } else {
	query = g_strjoinv (" ", argv + 1);
	if (! strchr (query, '@') || ! (platform = kith_platform_of (kith, query)))
	    status = kith_find (kith, query, &contact, &message);
    }
    /* A platform's address is no person: who is behind its mail. */
    if (platform) {
	code = show_platform (kith, query, platform, format);
	kith_destroy (kith);
	return code;
    }
    if (status) {
	kith_destroy (kith);
	return report (status, message);
    }
    if (format == FORMAT_TEXT)
	show_text (contact);
    else
	show_structured (contact, format);
    kith_contact_destroy (contact);
    kith_destroy (kith);
    return KITH_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* status */

static int
verb_status (const kith_cli_globals_t *globals, int argc, char **argv)
{
    kith_store_info_t info;
    kith_t *kith = NULL;
    char *message = NULL;
    kith_status_t status;
    format_t format;
    int code = 0;

    if (! parse_options ("status", "", "Describe kith's store: where it is, what it holds, how fresh it is.",
			 NULL, &argc, &argv, &code) || ! parse_format (&format))
	return code ? code : KITH_EXIT_FAILURE;
    if (open_session (globals, 0, &kith, &code))
	return code;
    status = kith_get_store_info (kith, &info, &message);
    if (status == KITH_STATUS_NOT_INDEXED && format == FORMAT_TEXT) {
	printf ("store          %s (not created yet: run 'notmuch kith index')\n",
		kith_get_store_path (kith));
	free (message);
	kith_destroy (kith);
	return KITH_EXIT_OK;
    }
    if (status) {
	kith_destroy (kith);
	return report (status, message);
    }
    if (format == FORMAT_TEXT) {
	g_autofree char *at = iso_date (info.indexed_at);
	printf ("store          %s\n", kith_get_store_path (kith));
	printf ("messages       %lu\n", info.messages);
	printf ("contacts       %lu (%lu with shared history)\n", info.contacts, info.correspondents);
	printf ("revision       %lu of notmuch's %lu", info.revision, info.notmuch_revision);
	if (! info.same_database)
	    printf (" (another notmuch database: the next 'notmuch kith index' rebuilds)\n");
	else if (info.rebuild_pending)
	    printf (" (the settings that decide what kith reads, or kith itself, changed since: "
		    "the next 'notmuch kith index' mines all the mail again)\n");
	else if (info.revision < info.notmuch_revision)
	    printf (" (%lu behind: run 'notmuch kith index')\n", info.notmuch_revision - info.revision);
	else
	    printf (" (up to date)\n");
	printf ("indexed        %s\n", at ? at : "never");
	printf ("completion     remembers %u days (the replay of your own mail picked it)\n",
		info.completion_memory_days);
    } else {
	sprinter_t *sp = sprinter_new (stdout, format == FORMAT_JSON ? SPRINTER_JSON : SPRINTER_SEXP);
	sprinter_begin_map (sp);
	sprinter_key (sp, "store");
	sprinter_string (sp, kith_get_store_path (kith));
	sprinter_key (sp, "messages");
	sprinter_integer (sp, info.messages);
	sprinter_key (sp, "contacts");
	sprinter_integer (sp, info.contacts);
	sprinter_key (sp, "correspondents");
	sprinter_integer (sp, info.correspondents);
	sprinter_key (sp, "revision");
	sprinter_integer (sp, info.revision);
	sprinter_key (sp, "notmuch_revision");
	sprinter_integer (sp, info.notmuch_revision);
	sprinter_key (sp, "same_database");
	sprinter_boolean (sp, info.same_database);
	sprinter_key (sp, "stale");
	sprinter_boolean (sp, ! info.same_database || info.revision < info.notmuch_revision ||
				  info.rebuild_pending);
	sprinter_key (sp, "rebuild");
	sprinter_boolean (sp, info.rebuild_pending);
	print_date (sp, "indexed_at", info.indexed_at);
	sprinter_key (sp, "completion_memory_days");
	sprinter_integer (sp, info.completion_memory_days);
	sprinter_end (sp);
	sprinter_free (sp);
    }
    kith_destroy (kith);
    return KITH_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* paths */

typedef struct {
    format_t format;
    sprinter_t *sp;
    const char *target_name; /* how the text names the target */
    const char *indent;      /* before each text line, or NULL */
    unsigned int count;
    unsigned int limit;
} paths_out_t;

/* How text names a person: the given name ("Pat" of "Pat Target" or of
 * "Target, Pat"), else the address. */
static char *
first_name_of (kith_contact_t *c)
{
    const char *name = kith_contact_get_name (c), *comma;
    g_autofree char *given = NULL;
    g_auto (GStrv) words = NULL;

    if (name == NULL || *name == '\0')
	return g_strdup (kith_contact_get_address (c));
    comma = strchr (name, ',');
    given = g_strstrip (g_strdup (comma ? comma + 1 : name));
    words = g_strsplit (given, " ", 2);
    return g_strdup (words[0] && *words[0] ? words[0] : kith_contact_get_address (c));
}

static void
print_path (const kith_path_t *path, void *data)
{
    paths_out_t *out = data;
    kith_contact_t *c = path->intermediary;
    unsigned long conv = kith_contact_get_count (c, KITH_COUNT_CONVERSATIONS);

    if (out->limit && out->count >= out->limit)
	return;
    out->count++;
    if (out->sp) {
	sprinter_t *sp = out->sp;
	sprinter_begin_map (sp);
	print_contact_head (sp, c);
	sprinter_key (sp, "conversations");
	sprinter_integer (sp, conv);
	sprinter_key (sp, "replies_to_target");
	sprinter_integer (sp, path->replies_to_target);
	sprinter_key (sp, "replies_from_target");
	sprinter_integer (sp, path->replies_from_target);
	sprinter_key (sp, "direct_to_target");
	sprinter_integer (sp, path->direct_to_target);
	sprinter_key (sp, "direct_from_target");
	sprinter_integer (sp, path->direct_from_target);
	print_string_list (sp, "threads", path->threads);
	print_date (sp, "first", path->first);
	print_date (sp, "last", path->last);
	sprinter_end (sp);
    } else {
	g_autoptr (GString) line = g_string_new (out->indent);
	g_autofree char *last = short_date (path->last);
	const char *sep = "; ";
	struct {
	    unsigned int n;
	    const char *what;
	} parts[] = {
	    { path->replies_to_target, "replied to %s %u time%s" },
	    { path->replies_from_target, "%s replied %u time%s" },
	    { path->direct_to_target, "wrote to %s directly %u time%s" },
	    { path->direct_from_target, "%s wrote to them directly %u time%s" },
	};

	g_string_append (line, "ask ");
	display_name (line, c);
	g_string_append_printf (line, " \u2014 %s to you, %lu conversation%s",
				kith_tier_to_string (kith_contact_get_tier (c)), conv, conv == 1 ? "" : "s");
	for (guint i = 0; i < G_N_ELEMENTS (parts); i++) {
	    if (parts[i].n == 0)
		continue;
	    g_string_append (line, sep);
	    g_string_append_printf (line, parts[i].what, out->target_name, parts[i].n, parts[i].n == 1 ? "" : "s");
	    sep = ", ";
	}
	g_string_append_printf (line, " in %u thread%s, last %s", path->n_threads,
				path->n_threads == 1 ? "" : "s", last);
	puts (line->str);
	g_string_assign (line, out->indent);
	g_string_append (line, "   ");
	for (const char *const *t = path->threads; *t; t++)
	    g_string_append_printf (line, " thread:%s", *t);
	puts (line->str);
    }
}

static int
verb_paths (const kith_cli_globals_t *globals, int argc, char **argv)
{
    int limit = 0;
    GOptionEntry entries[] = {
	{ "limit", 0, 0, G_OPTION_ARG_INT, &limit, "At most N ways in", "N" },
	{ NULL }
    };
    paths_out_t out = { 0 };
    g_autofree char *query = NULL, *first_name = NULL;
    const char *platform;
    kith_contact_t *target = NULL;
    kith_t *kith = NULL;
    char *message = NULL;
    kith_status_t status;
    int code = 0;

    if (! parse_options ("paths", "ADDRESS-OR-NAME",
			 "Who could introduce you to someone: the people you know who have visible shared "
			 "history with them in your mail.",
			 entries, &argc, &argv, &code) ||
	! parse_format (&out.format))
	return code ? code : KITH_EXIT_FAILURE;
    if (argc < 2) {
	g_printerr ("Error: 'notmuch kith paths' needs an address or a name\n");
	return KITH_EXIT_FAILURE;
    }
    if (limit < 0) {
	g_printerr ("Error: --limit must not be negative\n");
	return KITH_EXIT_FAILURE;
    }
    out.limit = (unsigned) limit;
    query = g_strjoinv (" ", argv + 1);
    if (open_session (globals, 0, &kith, &code))
	return code;
    if (strchr (query, '@') && (platform = kith_platform_of (kith, query))) {
	g_printerr ("Error: %s is %s's address, a platform, not a person: 'notmuch kith show %s' "
		    "lists the people behind its mail\n",
		    query, platform, query);
	kith_destroy (kith);
	return KITH_EXIT_FAILURE;
    }
    if ((status = kith_find (kith, query, &target, &message))) {
	kith_destroy (kith);
	return report (status, message);
    }
    if (kith_contact_get_automated (target)) {
	g_printerr ("Error: %s sends automated mail (a robot, a list, a newsletter): nobody to be "
		    "introduced to\n",
		    kith_contact_get_address (target));
	kith_contact_destroy (target);
	kith_destroy (kith);
	return KITH_EXIT_FAILURE;
    }
    first_name = first_name_of (target);
    out.target_name = first_name;
    out.indent = "";
    if (out.format != FORMAT_TEXT) {
	out.sp = sprinter_new (stdout, out.format == FORMAT_JSON ? SPRINTER_JSON : SPRINTER_SEXP);
	sprinter_begin_map (out.sp);
	sprinter_key (out.sp, "target");
	print_contact_map (out.sp, target);
	sprinter_end (out.sp);
	sprinter_key (out.sp, "paths");
	sprinter_begin_list (out.sp);
    } else {
	g_autoptr (GString) line = g_string_new ("Ways in to ");
	display_name (line, target);
	g_string_append_printf (line, " (%s to you):", kith_tier_to_string (kith_contact_get_tier (target)));
	puts (line->str);
    }
    status = kith_paths (kith, target, print_path, &out, &message);
    if (out.sp) {
	sprinter_end (out.sp);
	sprinter_end (out.sp);
	sprinter_free (out.sp);
    } else if (status == KITH_STATUS_SUCCESS && out.count == 0) {
	printf ("No path: nobody you know has visible shared history with %s in your mail.\n", out.target_name);
    }
    kith_contact_destroy (target);
    kith_destroy (kith);
    return status ? report (status, message) : KITH_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* hook, tag, requests */

typedef struct {
    format_t format;
    sprinter_t *sp;
    gboolean dry_run;
    gboolean verbose;
    gboolean requests_view;
    gboolean quiet; /* the hook: nothing on stdout unless asked */
    unsigned long count;
    unsigned long changed;  /* messages whose tags changed (would change) */
    GHashTable *tally;      /* "+TAG" / "-TAG" -> messages, for tag's summary */
    progress_t *progress;   /* tag's progress line on a terminal, or NULL */
    kith_t *kith;           /* requests: for the ways in to the person */
} judged_out_t;

/* The requests view: the best ways in to the person behind a request
 * from someone I have no history with (kith_paths), at most LIMIT. */
static void
print_request_paths (judged_out_t *out, const kith_judgement_t *j, unsigned int limit)
{
    kith_contact_t *target = NULL;
    g_autofree char *first_name = NULL;
    paths_out_t po = { 0 };

    if (out->kith == NULL || j->person == NULL || g_strcmp0 (j->verdict, "no-history") != 0 ||
	kith_find (out->kith, j->person, &target, NULL) != KITH_STATUS_SUCCESS)
	return;
    if (! kith_contact_get_automated (target) && ! kith_platform_of (out->kith, kith_contact_get_address (target))) {
	first_name = first_name_of (target);
	po.format = out->format;
	po.sp = out->sp;
	po.target_name = first_name;
	po.indent = "    way in: ";
	po.limit = limit;
	kith_paths (out->kith, target, print_path, &po, NULL);
    }
    kith_contact_destroy (target);
}

/* Append S to LINE, padded with spaces to WIDTH terminal columns (wide
 * East Asian characters take two). */
static void
append_padded (GString *line, const char *s, int width)
{
    int cols = 0;

    for (const char *p = s; *p; p = g_utf8_next_char (p)) {
	gunichar c = g_utf8_get_char (p);
	if (g_unichar_type (c) == G_UNICODE_NON_SPACING_MARK)
	    continue;
	cols += g_unichar_iswide (c) ? 2 : 1;
    }
    g_string_append (line, s);
    for (; cols < width; cols++)
	g_string_append_c (line, ' ');
    g_string_append_c (line, ' ');
}

static void
print_tags (GString *line, const char *const *tags, char sign)
{
    for (; tags && *tags; tags++)
	g_string_append_printf (line, "%c%s ", sign, *tags);
}

static void
print_judgement (const kith_judgement_t *j, void *data)
{
    judged_out_t *out = data;
    g_autofree char *date = short_date (j->date);

    out->count++;
    progress_clear (out->progress);
    if (out->tally) {
	const char *const *lists[] = { j->tags_added, j->tags_removed };
	gboolean changed = FALSE;

	for (int l = 0; l < 2; l++)
	    for (const char *const *t = lists[l]; t && *t; t++) {
		g_autofree char *key = g_strdup_printf ("%c%s", l ? '-' : '+', *t);
		gpointer n = g_hash_table_lookup (out->tally, key);
		g_hash_table_insert (out->tally, g_steal_pointer (&key),
				     GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
		changed = TRUE;
	    }
	out->changed += changed;
    }
    if (out->sp) {
	sprinter_t *sp = out->sp;
	sprinter_begin_map (sp);
	sprinter_key (sp, "message_id");
	sprinter_string (sp, j->message_id);
	print_date (sp, "date", j->date);
	sprinter_key (sp, "sender");
	sprinter_string (sp, j->sender);
	sprinter_key (sp, "platform");
	sprinter_string (sp, j->platform);
	sprinter_key (sp, "person");
	sprinter_string (sp, j->person);
	sprinter_key (sp, "verdict");
	sprinter_string (sp, j->verdict);
	sprinter_key (sp, "match");
	sprinter_string (sp, j->match);
	sprinter_key (sp, "introducer");
	sprinter_string (sp, j->introducer);
	sprinter_key (sp, "evidence");
	sprinter_string (sp, j->evidence);
	if (out->requests_view) {
	    sprinter_key (sp, "paths");
	    sprinter_begin_list (sp);
	    print_request_paths (out, j, 3);
	    sprinter_end (sp);
	} else {
	    sprinter_key (sp, "no_history");
	    sprinter_boolean (sp, j->no_history);
	    sprinter_key (sp, "request");
	    sprinter_boolean (sp, j->request);
	    sprinter_key (sp, "introduced");
	    sprinter_boolean (sp, j->introduced);
	    print_string_list (sp, "tags_added", j->tags_added);
	    print_string_list (sp, "tags_removed", j->tags_removed);
	}
	sprinter_end (sp);
	return;
    }
    if (out->requests_view) {
	g_autoptr (GString) line = g_string_new (date);
	g_string_append_c (line, ' ');
	append_padded (line, j->platform ? j->platform : "?", 9);
	append_padded (line, j->person ? j->person : "(unknown)", 28);
	append_padded (line, j->verdict ? j->verdict : "?", 10);
	g_string_append (line, j->evidence ? j->evidence : "");
	puts (line->str);
	print_request_paths (out, j, 1);
	return;
    }
    {
	g_autoptr (GString) line = g_string_new (NULL);
	gboolean changes = (j->tags_added && *j->tags_added) || (j->tags_removed && *j->tags_removed);
	if (out->quiet || (! changes && ! out->verbose))
	    return;
	if (out->dry_run)
	    g_string_append (line, "would tag ");
	print_tags (line, j->tags_added, '+');
	print_tags (line, j->tags_removed, '-');
	if (! changes)
	    g_string_append (line, "(no change) ");
	g_string_append_printf (line, "-- id:%s  %s %s", j->message_id, date, j->sender ? j->sender : "");
	/* A request, or a message relayed for a person (LinkedIn InMail). */
	if (j->request || j->platform)
	    g_string_append_printf (line, "  [%s: %s, %s]", j->platform ? j->platform : "?",
				    j->person ? j->person : "?", j->verdict ? j->verdict : "?");
	if (j->introducer)
	    g_string_append_printf (line, "  [introduced by %s]", j->introducer);
	puts (line->str);
    }
}

/* Structured output of judgements is one list. */
static void
judged_out_begin (judged_out_t *out)
{
    if (out->format == FORMAT_TEXT)
	return;
    out->sp = sprinter_new (stdout, out->format == FORMAT_JSON ? SPRINTER_JSON : SPRINTER_SEXP);
    sprinter_begin_list (out->sp);
}

static void
judged_out_end (judged_out_t *out)
{
    if (out->sp == NULL)
	return;
    sprinter_end (out->sp);
    sprinter_free (out->sp);
    out->sp = NULL;
}

/* The hook never fails notmuch new over what a later run recovers
 * from: with the notmuch database or the store locked past
 * kith.lock_timeout, the new mail stays unjudged (the store's revision,
 * or its hook_pending list, remembers it) and the next run judges it;
 * with the store damaged, nothing is judged until it is rebuilt.  Either
 * way one line on stderr, exit 0.  Anything else (kith itself broken, a
 * full disk) fails notmuch new. */
static int
hook_report (kith_status_t status, char *message)
{
    if (status != KITH_STATUS_DATABASE_LOCKED && status != KITH_STATUS_STORE_CORRUPT)
	return report (status, message);
    g_printerr ("Warning: kith: %s; %s\n", message ? message : kith_status_to_string (status),
		status == KITH_STATUS_DATABASE_LOCKED ? "the new mail is left unjudged for the next run"
						      : "new mail is not judged until then");
    free (message);
    return KITH_EXIT_OK;
}

static int
verb_hook (const kith_cli_globals_t *globals, int argc, char **argv)
{
    gboolean dry_run = FALSE, verbose = FALSE;
    GOptionEntry entries[] = {
	{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Judge the new mail but tag nothing", NULL },
	{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print every judgement", NULL },
	{ NULL }
    };
    judged_out_t out = { 0 };
    kith_index_stats_t stats;
    kith_t *kith = NULL;
    char *message = NULL;
    kith_status_t status;
    int code = 0;

    if (! parse_options ("hook", "", "The notmuch post-new / post-insert hook: index the new mail, then tag mail from people with no shared history, requests and introductions.",
			 entries, &argc, &argv, &code) || ! parse_format (&out.format))
	return code ? code : KITH_EXIT_FAILURE;
    out.dry_run = dry_run;
    out.verbose = verbose;
    out.quiet = ! verbose && ! dry_run; /* notmuch new shows a hook's output */
    status = kith_open (globals->config_path, globals->profile, KITH_OPEN_WRITE, &kith, &message);
    if (status)
	return hook_report (status, message);
    judged_out_begin (&out);
    status = kith_hook (kith, dry_run ? KITH_JUDGE_DRY_RUN : 0, print_judgement, &out, &stats, &message);
    judged_out_end (&out);
    if (status == KITH_STATUS_SUCCESS && stats.rebuilt)
	g_printerr ("kith: indexed all %lu messages; mail arriving from now on will be judged\n",
		    stats.mined);
    kith_destroy (kith);
    return status ? hook_report (status, message) : KITH_EXIT_OK;
}

/* tag's last line: how many of the judged messages gain or lose (or,
 * with --dry-run, would gain or lose) each tag, e.g.
 * "would change 3 of 40 messages: +no-history 2, +request 1, -no-history 1". */
static void
print_tally (const judged_out_t *out)
{
    g_autoptr (GList) keys = g_hash_table_get_keys (out->tally);
    g_autoptr (GString) line = g_string_new (NULL);

    keys = g_list_sort (keys, (GCompareFunc) strcmp);
    g_string_append_printf (line, "%s %lu of %lu message%s", out->dry_run ? "would change" : "changed",
			    out->changed, out->count, out->count == 1 ? "" : "s");
    for (GList *k = keys; k; k = k->next)
	g_string_append_printf (line, "%s %s %u", k == keys ? ":" : ",", (const char *) k->data,
				GPOINTER_TO_UINT (g_hash_table_lookup (out->tally, k->data)));
    puts (line->str);
}

static int
verb_tag (const kith_cli_globals_t *globals, int argc, char **argv)
{
    gboolean dry_run = FALSE, verbose = FALSE, quiet = FALSE, tty;
    GOptionEntry entries[] = {
	{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Print what would change, change nothing", NULL },
	{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Also list messages whose tags stay as they are", NULL },
	{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress, even on a terminal", NULL },
	{ NULL }
    };
    progress_t progress = { g_get_monotonic_time (), 0 };
    judged_out_t out = { 0 };
    g_autofree char *query = NULL;
    kith_t *kith = NULL;
    char *message = NULL;
    kith_status_t status;
    int code = 0;

    if (! parse_options ("tag", "QUERY", "Judge the messages matching a notmuch query as the hook would have, and tag them.",
			 entries, &argc, &argv, &code) || ! parse_format (&out.format))
	return code ? code : KITH_EXIT_FAILURE;
    if (argc < 2) {
	g_printerr ("Error: 'notmuch kith tag' needs a notmuch query, e.g. from:linkedin.com\n");
	return KITH_EXIT_FAILURE;
    }
    query = g_strjoinv (" ", argv + 1);
    out.dry_run = dry_run;
    out.verbose = verbose;
    if (open_session (globals, KITH_OPEN_WRITE, &kith, &code))
	return code;
    out.tally = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    /* Progress on a terminal while judging; the first judgement printed
     * wipes it, the last call prints the total. */
    tty = isatty (STDERR_FILENO) && ! quiet;
    out.progress = tty ? &progress : NULL;
    judged_out_begin (&out);
    status = kith_tag_with_progress (kith, query, dry_run ? KITH_JUDGE_DRY_RUN : 0, print_judgement, &out,
				     tty ? print_progress : NULL, &progress, &message);
    if (progress.shown)
	g_printerr ("\n");
    judged_out_end (&out);
    kith_destroy (kith);
    if (status == KITH_STATUS_SUCCESS && out.format == FORMAT_TEXT)
	print_tally (&out);
    g_hash_table_unref (out.tally);
    return status ? report (status, message) : KITH_EXIT_OK;
}

static int
verb_requests (const kith_cli_globals_t *globals, int argc, char **argv)
{
    gboolean all = FALSE;
    GOptionEntry entries[] = {
	{ "all", 0, 0, G_OPTION_ARG_NONE, &all, "Also requests no longer in the inbox", NULL },
	{ NULL }
    };
    judged_out_t out = { 0 };
    kith_t *kith = NULL;
    char *message = NULL;
    kith_status_t status;
    int code = 0;

    if (! parse_options ("requests", "", "The triage view: invitations and requests, with the person behind each and your history with them.",
			 entries, &argc, &argv, &code) || ! parse_format (&out.format))
	return code ? code : KITH_EXIT_FAILURE;
    out.requests_view = TRUE;
    if (open_session (globals, 0, &kith, &code))
	return code;
    out.kith = kith;
    judged_out_begin (&out);
    status = kith_requests (kith, all, print_judgement, &out, &message);
    judged_out_end (&out);
    kith_destroy (kith);
    return status ? report (status, message) : KITH_EXIT_OK;
}

/* show of a platform's address: what it is, and the people behind its
 * mail as the requests view shows them. */
static int
show_platform (kith_t *kith, const char *address, const char *platform, format_t format)
{
    judged_out_t out = { 0 };
    char *message = NULL;
    kith_status_t status;

    out.requests_view = TRUE;
    out.format = format;
    if (format == FORMAT_TEXT) {
	printf ("%s is %s's address: a platform, not a person.\n", address, platform);
	printf ("Its mail is from the people behind it, judged by their own history:\n");
    } else {
	out.sp = sprinter_new (stdout, format == FORMAT_JSON ? SPRINTER_JSON : SPRINTER_SEXP);
	sprinter_begin_map (out.sp);
	sprinter_key (out.sp, "address");
	sprinter_string (out.sp, address);
	sprinter_key (out.sp, "platform");
	sprinter_string (out.sp, platform);
	sprinter_key (out.sp, "person");
	sprinter_boolean (out.sp, FALSE);
	sprinter_key (out.sp, "mail");
	sprinter_begin_list (out.sp);
    }
    status = kith_platform_mail (kith, address, print_judgement, &out, &message);
    if (out.sp) {
	sprinter_end (out.sp);
	sprinter_end (out.sp);
	sprinter_free (out.sp);
    } else if (status == KITH_STATUS_SUCCESS && out.count == 0) {
	printf ("  (none judged yet: the hook judges new mail, 'notmuch kith tag' older mail)\n");
    }
    return status ? report (status, message) : KITH_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* install-hook, uninstall-hook */

static int
install_verb (const kith_cli_globals_t *globals, int argc, char **argv, gboolean install)
{
    gboolean dry_run = FALSE;
    GOptionEntry entries[] = {
	{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Say what would be done, change nothing", NULL },
	{ NULL }
    };
    g_autoptr (GError) error = NULL;
    g_autofree char *exe = NULL;
    g_autofree char *hook_dir = NULL;
    kith_t *kith = NULL;
    int code = 0;

    if (! parse_options (install ? "install-hook" : "uninstall-hook", "",
			 install ? "Run kith from notmuch's post-new and post-insert hooks, after any hook already there."
				 : "Remove kith from notmuch's hooks, restoring the hooks it chained.",
			 entries, &argc, &argv, &code))
	return code ? code : KITH_EXIT_FAILURE;
    if (argc > 1) {
	g_printerr ("Error: unexpected argument '%s'\n", argv[1]);
	return KITH_EXIT_FAILURE;
    }
    /* Only notmuch's hook directory is needed: a damaged store must not
     * keep anyone from removing the hook that fails on it. */
    if (open_session (globals, KITH_OPEN_NO_STORE, &kith, &code))
	return code;
    hook_dir = g_strdup (kith_get_hook_dir (kith));
    kith_destroy (kith);
    if (hook_dir == NULL) {
	g_printerr ("Error: notmuch names no hook directory (database.hook_dir)\n");
	return KITH_EXIT_FAILURE;
    }
    if (! install)
	return kith_uninstall_hooks (hook_dir, dry_run);
    exe = g_file_read_link ("/proc/self/exe", &error);
    if (exe == NULL) {
	g_printerr ("Error: cannot find the notmuch-kith program: %s\n", error->message);
	return KITH_EXIT_FAILURE;
    }
    return kith_install_hooks (hook_dir, exe, dry_run);
}

static int
verb_install_hook (const kith_cli_globals_t *globals, int argc, char **argv)
{
    return install_verb (globals, argc, argv, TRUE);
}

static int
verb_uninstall_hook (const kith_cli_globals_t *globals, int argc, char **argv)
{
    return install_verb (globals, argc, argv, FALSE);
}

/* ------------------------------------------------------------------ */
/* dispatch */

static int verb_help (const kith_cli_globals_t *globals, int argc, char **argv);

static const kith_cli_verb_t verbs[] = {
    { "index", verb_index, "bring the store up to date (--rebuild: from scratch)" },
    { "who", verb_who, "the people you have actually corresponded with" },
    { "at", verb_at, "the people you know at an organisation, or the organisations you know best" },
    { "paths", verb_paths, "who could introduce you to someone, by evidence in your mail" },
    { "show", verb_show, "the shared history with one person" },
    { "complete", verb_complete, "address completion, likeliest recipient first, for mail clients" },
    { "status", verb_status, "where the store is and how fresh" },
    { "hook", verb_hook, "the notmuch post-new/post-insert hook: judge and tag new mail" },
    { "tag", verb_tag, "judge and tag the messages of a query after the fact (--dry-run)" },
    { "requests", verb_requests, "invitations and requests, with the person behind each" },
    { "install-hook", verb_install_hook, "run kith from notmuch's post-new and post-insert hooks" },
    { "uninstall-hook", verb_uninstall_hook, "remove kith from the hooks, restoring chained ones" },
    { "help", verb_help, "this list, the manual of a verb, or (help config) the settings" },
};

static void
usage (FILE *out)
{
    fprintf (out, "Usage: notmuch kith [--config=FILE] [--profile=NAME] VERB [OPTION...]\n\n"
		  "kith knows who you have actually corresponded with.\n\nVerbs:\n");
    for (unsigned i = 0; i < G_N_ELEMENTS (verbs); i++)
	fprintf (out, "  %-15s %s\n", verbs[i].name, verbs[i].summary);
    fprintf (out, "\nEvery verb takes --help (its manual page; -h: its options) and\n"
		  "--format=text|json|sexp.  See 'notmuch help kith' and 'notmuch kith help VERB'.\n");
}

/* help config: every kith.* setting, its type, range and default. */
static void
print_settings (FILE *out)
{
    unsigned int count = 0;
    const kith_setting_t *settings = kith_settings (&count);

    fprintf (out, "Settings (notmuch config set KEY VALUE):\n\n");
    for (unsigned int i = 0; i < count; i++) {
	const kith_setting_t *s = &settings[i];
	g_autofree char *range = NULL;

	if (strcmp (s->type, "integer") == 0 || strcmp (s->type, "number") == 0)
	    range = g_strdup_printf (" %.15g..%.15g", s->min, s->max);
	fprintf (out, "  %s  (%s%s%s%s)\n      %s\n", s->key, s->type, range ? range : "",
		 *s->default_value ? ", default " : "", s->default_value, s->doc);
    }
}

/* help [VERB]: the list of verbs, or the manual page of VERB (without
 * man, or without the page, the summary of its options); help config:
 * the settings. */
static int
verb_help (const kith_cli_globals_t *globals, int argc, char **argv)
{
    if (argc > 1 && strcmp (argv[1], "config") == 0) {
	print_settings (stdout);
	return KITH_EXIT_OK;
    }
    if (argc > 1) {
	for (unsigned v = 0; v < G_N_ELEMENTS (verbs); v++) {
	    if (strcmp (argv[1], verbs[v].name) == 0) {
		char *help_argv[] = { argv[1], (char *) "-h", NULL };
		if (verbs[v].run == verb_help) {
		    show_manual (NULL);
		    usage (stdout);
		    return KITH_EXIT_OK;
		}
		show_manual (argv[1]);
		return verbs[v].run (globals, 2, help_argv);
	    }
	}
	g_printerr ("Error: unknown verb '%s'\n", argv[1]);
	usage (stderr);
	return KITH_EXIT_FAILURE;
    }
    usage (stdout);
    return KITH_EXIT_OK;
}

int
kith_cli_main (int argc, char **argv)
{
    kith_cli_globals_t globals = { NULL, NULL };
    int i = 1;

    for (; i < argc && argv[i][0] == '-'; i++) {
	if (g_str_has_prefix (argv[i], "--config="))
	    globals.config_path = argv[i] + strlen ("--config=");
	else if (strcmp (argv[i], "--config") == 0 && i + 1 < argc)
	    globals.config_path = argv[++i];
	else if (g_str_has_prefix (argv[i], "--profile="))
	    globals.profile = argv[i] + strlen ("--profile=");
	else if (strcmp (argv[i], "--profile") == 0 && i + 1 < argc)
	    globals.profile = argv[++i];
	else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0) {
	    usage (stdout);
	    return KITH_EXIT_OK;
	} else if (strcmp (argv[i], "--version") == 0) {
	    printf ("notmuch-kith %d.%d.%d\n", KITH_MAJOR_VERSION, KITH_MINOR_VERSION, KITH_MICRO_VERSION);
	    return KITH_EXIT_OK;
	} else {
	    g_printerr ("Error: unknown option '%s'\n", argv[i]);
	    usage (stderr);
	    return KITH_EXIT_FAILURE;
	}
    }
    if (i >= argc) {
	usage (stderr);
	return KITH_EXIT_FAILURE;
    }
    for (unsigned v = 0; v < G_N_ELEMENTS (verbs); v++)
	if (strcmp (argv[i], verbs[v].name) == 0)
	    return verbs[v].run (&globals, argc - i, argv + i);
    g_printerr ("Error: unknown verb '%s'\n", argv[i]);
    usage (stderr);
    return KITH_EXIT_FAILURE;
}
