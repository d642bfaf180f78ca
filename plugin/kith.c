/* kith.c - the public libkith API: sessions, contacts, queries
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kith-private.h"

struct _kith_contact {
    char *address;
    char *name;
    GPtrArray *addresses;  /* char* */
    GPtrArray *names;      /* char*, most used first */
    GArray *name_counts;   /* unsigned long, parallel to names */
    GPtrArray *similar;    /* char* */
    _kith_stats_t stats;
    double score;
    double term[KITH_SCORE_N_TERMS];   /* the score's terms, adding up to it */
    double amount[KITH_SCORE_N_TERMS]; /* what each term counts */
    kith_tier_t tier;
    kith_cap_t cap;        /* what lowered the tier, if anything did */
    double complete;       /* the completion order's value (kith_complete) */
    _kith_evidence_t evidence;
    int first_year;
    GArray *activity;      /* unsigned long per year from first_year */
};

struct _kith_contacts {
    GPtrArray *contacts;   /* kith_contact_t* */
    guint position;
};

/* ------------------------------------------------------------------ */
/* Opening */

static kith_status_t
fail (char **error_message, kith_status_t status, const char *format, ...) G_GNUC_PRINTF (3, 4);

static kith_status_t
fail (char **error_message, kith_status_t status, const char *format, ...)
{
    va_list args;

    if (error_message) {
	g_autofree char *text = NULL;
	va_start (args, format);
	text = g_strdup_vprintf (format, args);
	va_end (args);
	*error_message = strdup (text);
    }
    return status;
}

static gboolean
is_lock_error (const char *message)
{
    return message && (strstr (message, "lock") || strstr (message, "Lock"));
}

/* Open the notmuch database, waiting up to TIMEOUT seconds while
 * another process holds the write lock (only a read-write open can
 * notice the lock). */
static kith_status_t
open_notmuch (const char *config_path, const char *profile, notmuch_database_mode_t mode,
	      int timeout, notmuch_database_t **db, char **error_message)
{
    gint64 deadline = g_get_monotonic_time () + (gint64) timeout * G_USEC_PER_SEC;

    for (;;) {
	char *msg = NULL;
	notmuch_status_t st = notmuch_database_open_with_config (NULL, mode, config_path,
								 profile, db, &msg);
	g_autofree char *text = msg ? g_strdup (msg) : NULL;

	free (msg);
	if (st == NOTMUCH_STATUS_SUCCESS)
	    return KITH_STATUS_SUCCESS;
	if (text) {
	    g_strchomp (text);
	    /* notmuch's own messages start with "Error: "; ours will too. */
	    if (g_str_has_prefix (text, "Error: "))
		memmove (text, text + 7, strlen (text + 7) + 1);
	}
	if (st == NOTMUCH_STATUS_NO_CONFIG)
	    return fail (error_message, KITH_STATUS_NO_CONFIG,
			 "no notmuch configuration found (NOTMUCH_CONFIG, "
			 "~/.config/notmuch/default/config or ~/.notmuch-config): "
			 "run 'notmuch setup' first");
	if (st == NOTMUCH_STATUS_XAPIAN_EXCEPTION && is_lock_error (text)) {
	    if (g_get_monotonic_time () < deadline) {
		g_usleep (G_USEC_PER_SEC / 10);
		continue;
	    }
	    return fail (error_message, KITH_STATUS_DATABASE_LOCKED,
			 "the notmuch database is still locked by another process "
			 "(a running 'notmuch new'?) after %d s; try again later "
			 "(kith.lock_timeout sets the wait)", timeout);
	}
	return fail (error_message, KITH_STATUS_NO_DATABASE,
		     "cannot open the notmuch database: %s%s",
		     text && *text ? text : notmuch_status_to_string (st),
		     st == NOTMUCH_STATUS_NO_DATABASE || st == NOTMUCH_STATUS_FILE_ERROR
			 ? " (has 'notmuch new' been run?)" : "");
    }
}

/* Xapian takes the notmuch write lock with fcntl on a "flintlock" file
 * in the Xapian directory.  Debian's libnotmuch then blocks in a
 * read-write open for as long as another writer runs, so kith asks the
 * kernel instead (F_GETLK never blocks) and gives up after TIMEOUT
 * seconds. */
static kith_status_t
wait_for_write_lock (notmuch_database_t *db, int timeout, char **error_message)
{
    const char *path = notmuch_config_get (db, NOTMUCH_CONFIG_DATABASE_PATH);
    gint64 deadline = g_get_monotonic_time () + (gint64) timeout * G_USEC_PER_SEC;
    g_autofree char *lock = NULL;
    const char *const candidates[] = { ".notmuch/xapian/flintlock", "xapian/flintlock" };
    int fd = -1;

    if (path == NULL)
	path = notmuch_database_get_path (db);
    for (guint i = 0; i < G_N_ELEMENTS (candidates) && fd < 0; i++) {
	g_free (lock);
	lock = g_build_filename (path, candidates[i], NULL);
	fd = open (lock, O_RDWR | O_CLOEXEC);
    }
    if (fd < 0)
	return KITH_STATUS_SUCCESS; /* no lock file: nobody holds it */
    for (;;) {
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	if (fcntl (fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK)
	    break;
	if (g_get_monotonic_time () >= deadline) {
	    close (fd);
	    return fail (error_message, KITH_STATUS_DATABASE_LOCKED,
			 "the notmuch database is still locked by another process "
			 "(a running 'notmuch new'?) after %d s; try again later "
			 "(kith.lock_timeout sets the wait)", timeout);
	}
	g_usleep (G_USEC_PER_SEC / 10);
    }
    close (fd);
    return KITH_STATUS_SUCCESS;
}

char *
_kith_read_notmuch_state (notmuch_database_t *db)
{
    /* notmuch opens the database NOTMUCH_DATABASE names before the one
     * of database.path, but reports database.path if the file has one. */
    const char *env = g_getenv ("NOTMUCH_DATABASE");
    const char *path = env && *env ? env : notmuch_config_get (db, NOTMUCH_CONFIG_DATABASE_PATH);
    /* Where notmuch looks for the Xapian directory, in its order. */
    const char *const candidates[] = { "xapian/iamglass", ".notmuch/xapian/iamglass" };

    const char *uuid = NULL;
    g_autoptr (GString) want = g_string_new (NULL);

    if (path == NULL)
	path = notmuch_database_get_path (db);
    notmuch_database_get_revision (db, &uuid);
    for (const char *p = uuid; p && *p; p++)
	if (*p != '-')
	    g_string_append_c (want, g_ascii_tolower (*p));
    if (want->len != 32)
	return NULL;
    for (guint i = 0; i < G_N_ELEMENTS (candidates); i++) {
	g_autofree char *file = g_build_filename (path, candidates[i], NULL);
	g_autofree char *contents = NULL;
	g_autofree char *found = NULL;
	gsize length = 0;

	if (! g_file_get_contents (file, &contents, &length, NULL))
	    continue;
	/* The file must be this database's: after the 14 bytes of magic
	 * and 2 of format version come the 16 bytes of its UUID. */
	if (length < 32)
	    return NULL;
	found = g_malloc (33);
	for (int k = 0; k < 16; k++)
	    g_snprintf (found + 2 * k, 3, "%02x", (guchar) contents[16 + k]);
	if (strcmp (found, want->str) != 0)
	    return NULL;
	return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
    }
    return NULL;
}

static char *
default_store_path (notmuch_database_t *db)
{
    const char *path = notmuch_config_get (db, NOTMUCH_CONFIG_DATABASE_PATH);
    g_autofree char *dot = NULL;

    if (path == NULL)
	path = notmuch_database_get_path (db);
    dot = g_build_filename (path, ".notmuch", NULL);
    if (g_file_test (dot, G_FILE_TEST_IS_DIR))
	return g_build_filename (dot, "kith.db", NULL);
    return g_build_filename (path, "kith.db", NULL);
}

KITH_EXPORT kith_status_t
kith_open (const char *config_path, const char *profile, unsigned int flags,
	   kith_t **out, char **error_message)
{
    g_autoptr (GError) error = NULL;
    kith_t *kith;
    kith_status_t status;

    if (out == NULL)
	return KITH_STATUS_NULL_POINTER;
    *out = NULL;
    if ((flags & KITH_OPEN_NO_STORE) && (flags & KITH_OPEN_WRITE))
	return fail (error_message, KITH_STATUS_BAD_ARGUMENT,
		     "kith_open: KITH_OPEN_NO_STORE cannot be combined with KITH_OPEN_WRITE");
    _kith_mime_init ();
    kith = g_new0 (kith_t, 1);
    kith->writable = (flags & KITH_OPEN_WRITE) != 0;
    kith->config_path = g_strdup (config_path);
    kith->profile = g_strdup (profile);

    status = open_notmuch (config_path, profile, NOTMUCH_DATABASE_MODE_READ_ONLY, 0,
			   &kith->db, error_message);
    if (status)
	goto FAIL;
    /* The hook must be removable whatever the settings say: without
     * the store, settings are not checked. */
    kith->config = _kith_config_load (kith->db, (flags & KITH_OPEN_NO_STORE) != 0, &error);
    if (kith->config == NULL) {
	status = _kith_status_from_error (error, error_message);
	goto FAIL;
    }
    if (kith->writable) {
	/* Wait for a running 'notmuch new' to finish, so that the
	 * snapshot indexed is the state it leaves behind, then read the
	 * database afresh. */
	status = wait_for_write_lock (kith->db, kith->config->lock_timeout, error_message);
	if (status)
	    goto FAIL;
	/* Before opening: a commit in between makes it look older, never newer. */
	kith->notmuch_state = _kith_read_notmuch_state (kith->db);
	notmuch_database_destroy (kith->db);
	kith->db = NULL;
	status = open_notmuch (config_path, profile, NOTMUCH_DATABASE_MODE_READ_ONLY, 0,
			       &kith->db, error_message);
	if (status)
	    goto FAIL;
    }
    kith->store_path = kith->config->store_path ? g_strdup (kith->config->store_path)
						: default_store_path (kith->db);
    if (flags & KITH_OPEN_NO_STORE) {
	*out = kith;
	return KITH_STATUS_SUCCESS;
    }
    kith->store = _kith_store_open (kith->store_path, kith->writable,
				    kith->config->lock_timeout * 1000, &error);
    /* A damaged page can hide behind a readable header: with
     * KITH_OPEN_RECREATE (index --rebuild) check the whole file. */
    if (kith->writable && (flags & KITH_OPEN_RECREATE) &&
	(kith->store != NULL || g_error_matches (error, KITH_ERROR, KITH_STATUS_STORE_CORRUPT)) &&
	_kith_store_is_damaged (kith->store_path)) {
	g_clear_pointer (&kith->store, _kith_store_close);
	g_clear_error (&error);
	if (! _kith_store_move_aside (kith->store_path, &error)) {
	    status = _kith_status_from_error (error, error_message);
	    goto FAIL;
	}
	g_printerr ("kith: the damaged store was moved aside (%s.damaged-*); building a new one\n",
		    kith->store_path);
	kith->store = _kith_store_open (kith->store_path, TRUE,
					kith->config->lock_timeout * 1000, &error);
    }
    if (kith->store == NULL) {
	if (g_error_matches (error, KITH_ERROR, KITH_STATUS_NOT_INDEXED) && ! kith->writable) {
	    g_clear_error (&error);
	} else {
	    status = _kith_status_from_error (error, error_message);
	    goto FAIL;
	}
    }
    *out = kith;
    return KITH_STATUS_SUCCESS;

FAIL:
    kith_destroy (kith);
    return status;
}

kith_status_t
_kith_open_notmuch_rw (kith_t *kith, notmuch_database_t **db, char **error_message)
{
    kith_status_t status;

    *db = NULL;
    status = wait_for_write_lock (kith->db, kith->config->lock_timeout, error_message);
    if (status)
	return status;
    return open_notmuch (kith->config_path, kith->profile, NOTMUCH_DATABASE_MODE_READ_WRITE,
			 kith->config->lock_timeout, db, error_message);
}

kith_status_t
_kith_reopen_notmuch (kith_t *kith, char **error_message)
{
    g_clear_pointer (&kith->notmuch_state, g_free);
    if (kith->db) {
	kith->notmuch_state = _kith_read_notmuch_state (kith->db);
	notmuch_database_destroy (kith->db);
    }
    kith->db = NULL;
    return open_notmuch (kith->config_path, kith->profile, NOTMUCH_DATABASE_MODE_READ_ONLY, 0,
			 &kith->db, error_message);
}

char *
_kith_quote_term (const char *term)
{
    GString *out = g_string_new ("\"");

    for (const char *p = term; *p; p++) {
	if (*p == '"')
	    g_string_append_c (out, '"');
	g_string_append_c (out, *p);
    }
    g_string_append_c (out, '"');
    return g_string_free (out, FALSE);
}

KITH_EXPORT void
kith_destroy (kith_t *kith)
{
    if (kith == NULL)
	return;
    _kith_store_close (kith->store);
    if (kith->db)
	notmuch_database_destroy (kith->db);
    _kith_config_free (kith->config);
    g_free (kith->notmuch_state);
    _kith_rules_free (kith->rules);
    g_clear_error (&kith->rules_error);
    g_free (kith->store_path);
    g_free (kith->config_path);
    g_free (kith->profile);
    g_free (kith);
}

_kith_rules_t *
_kith_session_rules (kith_t *kith, gboolean lenient, GError **error)
{
    if (kith->rules == NULL) {
	kith->rules = _kith_rules_load (kith->config->rules_path, &kith->rules_error);
	if (kith->rules == NULL)
	    kith->rules = _kith_rules_load_fallback ();
    }
    if (kith->rules_error && ! lenient) {
	g_propagate_error (error, g_error_copy (kith->rules_error));
	return NULL;
    }
    if (kith->rules_error && ! kith->rules_warned) {
	g_printerr ("Warning: kith: %s; judging with the built-in rules until it is fixed\n",
		    kith->rules_error->message);
	kith->rules_warned = TRUE;
    }
    return kith->rules;
}

KITH_EXPORT const char *
kith_get_store_path (kith_t *kith)
{
    return kith ? kith->store_path : NULL;
}

KITH_EXPORT const char *
kith_get_hook_dir (kith_t *kith)
{
    return kith && kith->db ? notmuch_config_get (kith->db, NOTMUCH_CONFIG_HOOK_DIR) : NULL;
}

KITH_EXPORT kith_status_t
kith_index (kith_t *kith, unsigned int flags, kith_progress_fn progress, void *user_data,
	    kith_index_stats_t *stats, char **error_message)
{
    g_autoptr (GError) error = NULL;
    kith_index_stats_t local;

    if (kith == NULL)
	return KITH_STATUS_NULL_POINTER;
    if (! kith->writable || kith->store == NULL)
	return fail (error_message, KITH_STATUS_BAD_ARGUMENT,
		     "kith_index needs a session opened with KITH_OPEN_WRITE");
    /* KITH_INDEX_NO_SWEEP is kith's own, not the caller's. */
    if (! _kith_index_run (kith, flags & ~KITH_INDEX_NO_SWEEP, progress, user_data,
			   stats ? stats : &local, NULL, &error))
	return _kith_status_from_error (error, error_message);
    return KITH_STATUS_SUCCESS;
}

static kith_status_t
need_store (kith_t *kith, char **error_message)
{
    if (kith->store == NULL)
	return fail (error_message, KITH_STATUS_NOT_INDEXED,
		     "there is no kith store at '%s' yet: run 'notmuch kith index'",
		     kith->store_path);
    return KITH_STATUS_SUCCESS;
}

KITH_EXPORT kith_status_t
kith_get_store_info (kith_t *kith, kith_store_info_t *info, char **error_message)
{
    g_autoptr (GError) error = NULL;
    g_autoptr (sqlite3_stmt) stmt = NULL;
    g_autofree char *rev = NULL, *uuid = NULL, *at = NULL;
    const char *nm_uuid = NULL;
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;
    kith_status_t status;

    if (kith == NULL || info == NULL)
	return KITH_STATUS_NULL_POINTER;
    memset (info, 0, sizeof (*info));
    if ((status = need_store (kith, error_message)))
	return status;
    info->notmuch_revision = notmuch_database_get_revision (kith->db, &nm_uuid);
    rev = _kith_store_get_meta (kith->store, "revision");
    uuid = _kith_store_get_meta (kith->store, "notmuch_uuid");
    at = _kith_store_get_meta (kith->store, "indexed_at");
    info->revision = rev ? strtoul (rev, NULL, 10) : 0;
    info->same_database = g_strcmp0 (uuid, nm_uuid) == 0;
    info->indexed_at = at ? (time_t) g_ascii_strtoll (at, NULL, 10) : 0;
    info->rebuild_pending = _kith_index_is_full (kith->store, kith->config, nm_uuid);
    {
	g_autofree char *memory = _kith_store_get_meta (kith->store, KITH_META_PULL_MEMORY);
	info->completion_memory_days = (unsigned int) _kith_pull_sum_days (_kith_pull_choice_parse (memory));
    }

    stmt = _kith_store_prepare (kith->store,
				"SELECT (SELECT count(*) FROM message), (SELECT count(*) FROM contact)", &error);
    if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW) {
	if (error == NULL)
	    _kith_store_set_error (kith->store, &error, "cannot read the kith store");
	return _kith_status_from_error (error, error_message);
    }
    info->messages = sqlite3_column_int64 (stmt, 0);
    info->contacts = sqlite3_column_int64 (stmt, 1);
    g_clear_pointer (&stmt, sqlite3_finalize);
    if (! _kith_store_check (kith->store, &error))
	return _kith_status_from_error (error, error_message);
    stmt = _kith_store_prepare (kith->store, "SELECT " KITH_CONTACT_COLUMNS " FROM contact", &error);
    if (stmt == NULL)
	return _kith_status_from_error (error, error_message);
    while (sqlite3_step (stmt) == SQLITE_ROW) {
	_kith_stats_t s;
	_kith_store_stats_from_row (stmt, 0, &s);
	if (_kith_contact_tier (kith->config, &s, now, NULL, NULL) >= KITH_TIER_WEAK)
	    info->correspondents++;
    }
    return KITH_STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Contacts */

static kith_contact_t *
contact_new (const char *address)
{
    kith_contact_t *c = g_new0 (kith_contact_t, 1);

    c->address = g_strdup (address);
    c->addresses = g_ptr_array_new_with_free_func (g_free);
    c->names = g_ptr_array_new_with_free_func (g_free);
    c->name_counts = g_array_new (FALSE, FALSE, sizeof (unsigned long));
    c->similar = g_ptr_array_new_with_free_func (g_free);
    c->activity = g_array_new (FALSE, TRUE, sizeof (unsigned long));
    c->stats.latency_them = c->stats.latency_me = -1;
    return c;
}

KITH_EXPORT void
kith_contact_destroy (kith_contact_t *c)
{
    if (c == NULL)
	return;
    g_free (c->address);
    g_free (c->name);
    g_ptr_array_unref (c->addresses);
    g_ptr_array_unref (c->names);
    g_array_unref (c->name_counts);
    g_ptr_array_unref (c->similar);
    g_array_unref (c->activity);
    _kith_evidence_clear (&c->evidence);
    g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (kith_contact_t, kith_contact_destroy)

static void
contact_add_name (kith_contact_t *c, const char *name, unsigned long count)
{
    for (guint i = 0; i < c->names->len; i++) {
	if (strcmp (c->names->pdata[i], name) == 0) {
	    g_array_index (c->name_counts, unsigned long, i) += count;
	    return;
	}
    }
    g_ptr_array_add (c->names, g_strdup (name));
    g_array_append_val (c->name_counts, count);
}

static void
contact_sort_names (kith_contact_t *c)
{
    /* insertion sort: few names, stable, most used first */
    for (guint i = 1; i < c->names->len; i++) {
	for (guint j = i; j > 0; j--) {
	    unsigned long *n = (unsigned long *) c->name_counts->data;
	    if (n[j] <= n[j - 1])
		break;
	    unsigned long tn = n[j];
	    gpointer tp = c->names->pdata[j];
	    n[j] = n[j - 1];
	    c->names->pdata[j] = c->names->pdata[j - 1];
	    n[j - 1] = tn;
	    c->names->pdata[j - 1] = tp;
	}
    }
    g_free (c->name);
    c->name = c->names->len ? g_strdup (c->names->pdata[0]) : NULL;
}

static gboolean
load_names (kith_t *kith, kith_contact_t *c, GError **error)
{
    g_autoptr (sqlite3_stmt) stmt = _kith_store_prepare (
	kith->store, "SELECT name, count FROM contact_name WHERE address = ?", error);

    if (stmt == NULL)
	return FALSE;
    for (guint i = 0; i < c->addresses->len; i++) {
	sqlite3_bind_text (stmt, 1, c->addresses->pdata[i], -1, SQLITE_STATIC);
	while (sqlite3_step (stmt) == SQLITE_ROW)
	    contact_add_name (c, (const char *) sqlite3_column_text (stmt, 0),
			      sqlite3_column_int64 (stmt, 1));
	sqlite3_reset (stmt);
    }
    contact_sort_names (c);
    return TRUE;
}

static void
contact_finish (kith_t *kith, kith_contact_t *c, gint64 now)
{
    c->tier = _kith_contact_tier (kith->config, &c->stats, now, &c->score, &c->cap);
    _kith_score_terms (&c->stats, now, c->term, c->amount);
}

/* The contact for the alias group GROUP: its counts are computed from
 * the message rows of all its addresses together. */
static kith_contact_t *
merged_contact (kith_t *kith, _kith_aggr_t *aggr, GPtrArray *group,
		_kith_evidence_t *evidence, gint64 now, GError **error)
{
    g_autoptr (kith_contact_t) c = NULL;
    g_autoptr (sqlite3_stmt) stmt = _kith_store_prepare (
	kith->store, "SELECT out_msgs + in_msgs FROM contact WHERE address = ?", error);
    gint64 best = -1;
    const char *main_address = group->pdata[0];

    if (stmt == NULL)
	return NULL;
    for (guint i = 0; i < group->len; i++) {
	sqlite3_bind_text (stmt, 1, group->pdata[i], -1, SQLITE_STATIC);
	if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) > best) {
	    best = sqlite3_column_int64 (stmt, 0);
	    main_address = group->pdata[i];
	}
	sqlite3_reset (stmt);
    }
    c = contact_new (main_address);
    for (guint i = 0; i < group->len; i++)
	g_ptr_array_add (c->addresses, g_strdup (group->pdata[i]));
    if (! _kith_aggr_compute (aggr, group, &c->stats, evidence, error))
	return NULL;
    if (! load_names (kith, c, error))
	return NULL;
    contact_finish (kith, c, now);
    return g_steal_pointer (&c);
}

static int
compare_by_score (gconstpointer a, gconstpointer b)
{
    const kith_contact_t *x = *(kith_contact_t *const *) a, *y = *(kith_contact_t *const *) b;

    /* Tier first: a capped tier outranks the score that was capped. */
    if (x->tier != y->tier)
	return x->tier > y->tier ? -1 : 1;
    if (x->score != y->score)
	return x->score > y->score ? -1 : 1;
    if (x->stats.last != y->stats.last)
	return x->stats.last > y->stats.last ? -1 : 1;
    return strcmp (x->address, y->address);
}

static int
compare_by_recent (gconstpointer a, gconstpointer b)
{
    const kith_contact_t *x = *(kith_contact_t *const *) a, *y = *(kith_contact_t *const *) b;

    if (x->stats.last != y->stats.last)
	return x->stats.last > y->stats.last ? -1 : 1;
    return strcmp (x->address, y->address);
}

/* who --sort=name: by the name's fold (so Łukasz sorts with Lukasz and
 * Ørjan with Orjan, not after Z), in the reader's collation
 * (g_utf8_collate_key of the fold: Greek and Cyrillic in their own
 * alphabet's order), ties broken by the fold itself, then the address.
 * The keys are made once per contact, not once per comparison. */
typedef struct {
    char *collate;
    char *fold;
    kith_contact_t *contact;
} name_key_t;

static int
compare_name_keys (gconstpointer a, gconstpointer b)
{
    const name_key_t *x = a, *y = b;
    int r = strcmp (x->collate, y->collate);

    if (r == 0)
	r = strcmp (x->fold, y->fold);
    return r ? r : strcmp (x->contact->address, y->contact->address);
}

static void
sort_by_name (GPtrArray *contacts)
{
    g_autofree name_key_t *keys = g_new (name_key_t, contacts->len);

    for (guint i = 0; i < contacts->len; i++) {
	kith_contact_t *c = contacts->pdata[i];

	keys[i].contact = c;
	keys[i].fold = _kith_name_fold (c->name ? c->name : c->address);
	keys[i].collate = g_utf8_collate_key (keys[i].fold, -1);
    }
    qsort (keys, contacts->len, sizeof (name_key_t), compare_name_keys);
    for (guint i = 0; i < contacts->len; i++) {
	contacts->pdata[i] = keys[i].contact;
	g_free (keys[i].fold);
	g_free (keys[i].collate);
    }
}

KITH_EXPORT kith_status_t
kith_who (kith_t *kith, const kith_who_options_t *options, kith_contacts_t **out,
	  char **error_message)
{
    g_autoptr (GError) error = NULL;
    g_autoptr (sqlite3_stmt) stmt = NULL;
    g_autoptr (_kith_aggr_t) aggr = NULL;
    g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_contact_destroy);
    kith_who_options_t defaults = { 0 };
    kith_tier_t min_tier;
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;
    kith_contacts_t *contacts;
    kith_status_t status;
    int rc;

    if (kith == NULL || out == NULL)
	return KITH_STATUS_NULL_POINTER;
    *out = NULL;
    if ((status = need_store (kith, error_message)))
	return status;
    if (options == NULL)
	options = &defaults;
    min_tier = options->include_none ? KITH_TIER_NONE
				     : (options->min_tier == KITH_TIER_NONE ? KITH_TIER_WEAK
									    : options->min_tier);

    /* Any tier above none needs a score above 0, which needs the gate
     * open (score.c): let SQLite skip the other rows, most of a large
     * store. */
    stmt = _kith_store_prepare (kith->store,
				min_tier > KITH_TIER_NONE
				    ? "SELECT address, name, " KITH_CONTACT_COLUMNS " FROM contact "
				      "WHERE " KITH_GATE_SQL " AND last >= ?"
				    : "SELECT address, name, " KITH_CONTACT_COLUMNS " FROM contact "
				      "WHERE last >= ?",
				&error);
    if (stmt == NULL)
	return _kith_status_from_error (error, error_message);
    sqlite3_bind_int64 (stmt, 1, options->since ? (gint64) options->since : G_MININT64);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
	const char *address = (const char *) sqlite3_column_text (stmt, 0);
	const char *name = (const char *) sqlite3_column_text (stmt, 1);
	kith_contact_t *c;
	_kith_stats_t stats;

	if (g_hash_table_contains (kith->config->alias, address))
	    continue; /* merged below */
	/* Judge the row before making a contact of it. */
	_kith_store_stats_from_row (stmt, 2, &stats);
	if (_kith_contact_tier (kith->config, &stats, now, NULL, NULL) < min_tier)
	    continue;
	c = contact_new (address);
	c->name = g_strdup (name);
	g_ptr_array_add (c->addresses, g_strdup (address));
	c->stats = stats;
	contact_finish (kith, c, now);
	g_ptr_array_add (list, c);
    }
    if (rc != SQLITE_DONE) {
	_kith_store_set_error (kith->store, &error, "cannot read the kith store");
	return _kith_status_from_error (error, error_message);
    }
    if (kith->config->alias_groups->len > 0) {
	aggr = _kith_aggr_new (kith->store, kith->config, &error);
	if (aggr == NULL)
	    return _kith_status_from_error (error, error_message);
	for (guint i = 0; i < kith->config->alias_groups->len; i++) {
	    kith_contact_t *c = merged_contact (kith, aggr, kith->config->alias_groups->pdata[i],
						NULL, now, &error);
	    if (c == NULL)
		return _kith_status_from_error (error, error_message);
	    g_ptr_array_add (list, c);
	}
    }

    contacts = g_new0 (kith_contacts_t, 1);
    contacts->contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_contact_destroy);
    for (guint i = 0; i < list->len; i++) {
	kith_contact_t *c = list->pdata[i];
	if (c->tier < min_tier)
	    continue;
	if (options->since && c->stats.last < options->since)
	    continue;
	g_ptr_array_add (contacts->contacts, g_steal_pointer (&list->pdata[i]));
    }
    if (options->sort == KITH_SORT_NAME)
	sort_by_name (contacts->contacts);
    else
	g_ptr_array_sort (contacts->contacts, options->sort == KITH_SORT_RECENT ? compare_by_recent
										: compare_by_score);
    if (options->limit && contacts->contacts->len > options->limit)
	g_ptr_array_set_size (contacts->contacts, options->limit);
    *out = contacts;
    return KITH_STATUS_SUCCESS;
}

/* C has an address at one of DOMAINS (or a subdomain). */
static gboolean
contact_at (const kith_contact_t *c, GPtrArray *domains)
{
    for (guint a = 0; a < c->addresses->len; a++) {
	const char *at = strrchr (c->addresses->pdata[a], '@');
	for (guint d = 0; at && d < domains->len; d++)
	    if (_kith_domain_under (at + 1, domains->pdata[d]))
		return TRUE;
    }
    return FALSE;
}

KITH_EXPORT kith_status_t
kith_at (kith_t *kith, const char *org, const kith_who_options_t *options, kith_contacts_t **out,
	 char **error_message)
{
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) domains = NULL;
    kith_who_options_t every = { 0 };
    kith_contacts_t *contacts = NULL;
    kith_status_t status;

    if (kith == NULL || org == NULL || out == NULL)
	return KITH_STATUS_NULL_POINTER;
    *out = NULL;
    if ((domains = _kith_org_domains (kith->config, org, &error)) == NULL)
	return _kith_status_from_error (error, error_message);
    /* who's selection and order, then the people at ORG of it. */
    if (options)
	every = *options;
    every.limit = 0;
    if ((status = kith_who (kith, &every, &contacts, error_message)))
	return status;
    for (guint i = contacts->contacts->len; i-- > 0;)
	if (! contact_at (contacts->contacts->pdata[i], domains))
	    g_ptr_array_remove_index (contacts->contacts, i);
    if (options && options->limit && contacts->contacts->len > options->limit)
	g_ptr_array_set_size (contacts->contacts, options->limit);
    *out = contacts;
    return KITH_STATUS_SUCCESS;
}

KITH_EXPORT char *
kith_org_of (kith_t *kith, const char *address)
{
    g_autofree char *normal = NULL;
    char *org, *copy;

    if (kith == NULL || address == NULL || (normal = _kith_address_normalise (address)) == NULL)
	return NULL;
    if ((org = _kith_org_of (kith->config, normal)) == NULL)
	return NULL;
    copy = strdup (org); /* the caller frees it with free(3) */
    g_free (org);
    return copy;
}

/* One intermediary of kith_paths: the person I know and their tie to
 * the target, merged over the person's addresses. */
typedef struct {
    kith_contact_t *contact;
    _kith_tie_t tie; /* address unused */
} path_entry_t;

static void
path_entry_free (path_entry_t *e)
{
    kith_contact_destroy (e->contact);
    g_ptr_array_unref (e->tie.threads);
    g_free (e);
}

static guint
tie_events (const _kith_tie_t *t)
{
    return t->replies_to_target + t->replies_from_target + t->direct_to_target + t->direct_from_target;
}

/* My tie first (tier), then theirs to the target, then my score. */
static int
compare_paths (gconstpointer a, gconstpointer b)
{
    const path_entry_t *x = *(path_entry_t *const *) a, *y = *(path_entry_t *const *) b;

    if (x->contact->tier != y->contact->tier)
	return x->contact->tier > y->contact->tier ? -1 : 1;
    if (tie_events (&x->tie) != tie_events (&y->tie))
	return tie_events (&x->tie) > tie_events (&y->tie) ? -1 : 1;
    if (x->contact->score != y->contact->score)
	return x->contact->score > y->contact->score ? -1 : 1;
    return strcmp (x->contact->address, y->contact->address);
}

KITH_EXPORT kith_status_t
kith_paths (kith_t *kith, kith_contact_t *target, kith_path_fn fn, void *user_data, char **error_message)
{
    g_autoptr (GError) error = NULL;
    g_autoptr (_kith_aggr_t) aggr = NULL;
    g_autoptr (GHashTable) ties = NULL;
    g_autoptr (GHashTable) people = NULL; /* the contact's address -> path_entry_t* */
    g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
    const _kith_rules_t *rules;
    GHashTableIter iter;
    gpointer value;
    kith_status_t status;

    if (kith == NULL || target == NULL)
	return KITH_STATUS_NULL_POINTER;
    if ((status = need_store (kith, error_message)))
	return status;
    if ((aggr = _kith_aggr_new (kith->store, kith->config, &error)) == NULL)
	return _kith_status_from_error (error, error_message);
    /* A platform's address is nobody's end of a tie; a broken rules
     * file was warned about where it matters. */
    if ((rules = _kith_session_rules (kith, TRUE, NULL)))
	_kith_aggr_set_rules (aggr, rules);
    ties = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _kith_tie_free);
    if (! _kith_aggr_ties (aggr, target->addresses, ties, &error))
	return _kith_status_from_error (error, error_message);

    /* Each third party as the person I know: tier weak at least. */
    people = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) path_entry_free);
    g_hash_table_iter_init (&iter, ties);
    while (g_hash_table_iter_next (&iter, NULL, &value)) {
	const _kith_tie_t *t = value;
	kith_contact_t *c = NULL;
	path_entry_t *e;

	if (kith_find (kith, t->address, &c, NULL) != KITH_STATUS_SUCCESS)
	    continue;
	if (c->tier < KITH_TIER_WEAK) {
	    kith_contact_destroy (c);
	    continue;
	}
	if ((e = g_hash_table_lookup (people, c->address)) == NULL) {
	    e = g_new0 (path_entry_t, 1);
	    e->contact = c;
	    e->tie.threads = g_ptr_array_new_with_free_func (g_free);
	    g_hash_table_insert (people, c->address, e);
	} else {
	    kith_contact_destroy (c);
	}
	e->tie.replies_to_target += t->replies_to_target;
	e->tie.replies_from_target += t->replies_from_target;
	e->tie.direct_to_target += t->direct_to_target;
	e->tie.direct_from_target += t->direct_from_target;
	for (guint i = 0; i < t->threads->len; i++)
	    if (! g_ptr_array_find_with_equal_func (e->tie.threads, t->threads->pdata[i], g_str_equal, NULL))
		g_ptr_array_add (e->tie.threads, g_strdup (t->threads->pdata[i]));
	if (e->tie.first == 0 || (t->first && t->first < e->tie.first))
	    e->tie.first = t->first;
	e->tie.last = MAX (e->tie.last, t->last);
    }
    g_hash_table_iter_init (&iter, people);
    while (g_hash_table_iter_next (&iter, NULL, &value))
	g_ptr_array_add (sorted, value);
    g_ptr_array_sort (sorted, compare_paths);
    for (guint i = 0; fn && i < sorted->len; i++) {
	path_entry_t *e = sorted->pdata[i];
	kith_path_t path = { 0 };

	g_ptr_array_sort (e->tie.threads, _kith_compare_strings);
	g_ptr_array_add (e->tie.threads, NULL);
	path.intermediary = e->contact;
	path.replies_to_target = e->tie.replies_to_target;
	path.replies_from_target = e->tie.replies_from_target;
	path.direct_to_target = e->tie.direct_to_target;
	path.direct_from_target = e->tie.direct_from_target;
	path.threads = (const char *const *) e->tie.threads->pdata;
	path.n_threads = e->tie.threads->len - 1;
	path.first = (time_t) e->tie.first;
	path.last = (time_t) e->tie.last;
	fn (&path, user_data);
	g_ptr_array_set_size (e->tie.threads, e->tie.threads->len - 1);
    }
    return KITH_STATUS_SUCCESS;
}

KITH_EXPORT bool
kith_contacts_valid (kith_contacts_t *contacts)
{
    return contacts && contacts->position < contacts->contacts->len;
}

KITH_EXPORT kith_contact_t *
kith_contacts_get (kith_contacts_t *contacts)
{
    if (! kith_contacts_valid (contacts))
	return NULL;
    return contacts->contacts->pdata[contacts->position];
}

KITH_EXPORT void
kith_contacts_move_to_next (kith_contacts_t *contacts)
{
    if (kith_contacts_valid (contacts))
	contacts->position++;
}

KITH_EXPORT void
kith_contacts_destroy (kith_contacts_t *contacts)
{
    if (contacts == NULL)
	return;
    g_ptr_array_unref (contacts->contacts);
    g_free (contacts);
}

/* ------------------------------------------------------------------ */
/* Finding one person */

/* Does every word of QUERY_WORDS occur among NAME_WORDS? */
static gboolean
words_match (char **query_words, char **name_words)
{
    for (char **q = query_words; *q; q++)
	if (! g_strv_contains ((const char *const *) name_words, *q))
	    return FALSE;
    return query_words[0] != NULL;
}

static gboolean
contact_exists (kith_t *kith, const char *address, GError **error)
{
    _kith_stats_t s;

    return _kith_store_read_contact (kith->store, address, &s, error);
}

/* Every name a contact is matched by, a row (address, name) each, the
 * most used first: its display names, and for a contact seen with none
 * a NULL that names_row turns into the name its address spells
 * (_kith_name_of_address). */
#define NAMES_SQL                                                \
    "SELECT address, name, count FROM contact_name UNION ALL "   \
    "SELECT c.address, NULL, 0 FROM contact c WHERE NOT EXISTS " \
    "(SELECT 1 FROM contact_name n WHERE n.address = c.address) ORDER BY 3 DESC, 1"

/* The folded name of the current row of a NAMES_SQL statement, NULL
 * when it has none. */
static char *
names_row (sqlite3_stmt *stmt)
{
    const char *name = (const char *) sqlite3_column_text (stmt, 1);
    g_autofree char *spelled = NULL;

    if (name == NULL && (name = spelled = _kith_name_of_address ((const char *) sqlite3_column_text (stmt, 0))) == NULL)
	return NULL;
    return _kith_name_fold (name);
}

/* Addresses sharing one of C's names (two words or more, folded): its
 * display names, or with none the names its addresses spell. */
static gboolean
find_similar (kith_t *kith, kith_contact_t *c, GError **error)
{
    g_autoptr (sqlite3_stmt) stmt = _kith_store_prepare (kith->store, NAMES_SQL, error);
    g_autoptr (GHashTable) folded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

    if (stmt == NULL)
	return FALSE;
    for (guint i = 0; i < c->names->len; i++) {
	char *f = _kith_name_fold (c->names->pdata[i]);
	if (strchr (f, ' '))
	    g_hash_table_add (folded, f);
	else
	    g_free (f);
    }
    for (guint i = 0; c->names->len == 0 && i < c->addresses->len; i++) {
	g_autofree char *spelled = _kith_name_of_address (c->addresses->pdata[i]);
	if (spelled)
	    g_hash_table_add (folded, _kith_name_fold (spelled));
    }
    if (g_hash_table_size (folded) == 0)
	return TRUE;
    while (sqlite3_step (stmt) == SQLITE_ROW) {
	const char *address = (const char *) sqlite3_column_text (stmt, 0);
	g_autofree char *f = names_row (stmt);
	gboolean known = FALSE;

	if (f == NULL || ! g_hash_table_contains (folded, f) || _kith_config_is_me (kith->config, address))
	    continue;
	for (guint i = 0; i < c->addresses->len && ! known; i++)
	    known = strcmp (c->addresses->pdata[i], address) == 0;
	for (guint i = 0; i < c->similar->len && ! known; i++)
	    known = strcmp (c->similar->pdata[i], address) == 0;
	if (! known)
	    g_ptr_array_add (c->similar, g_strdup (address));
    }
    return TRUE;
}

KITH_EXPORT kith_status_t
kith_find (kith_t *kith, const char *query, kith_contact_t **out, char **error_message)
{
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) group = NULL;
    g_autoptr (_kith_aggr_t) aggr = NULL;
    g_autoptr (kith_contact_t) c = NULL;
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;
    kith_status_t status;

    if (kith == NULL || query == NULL || out == NULL)
	return KITH_STATUS_NULL_POINTER;
    *out = NULL;
    if ((status = need_store (kith, error_message)))
	return status;

    if (strchr (query, '@')) {
	g_autofree char *address = _kith_address_normalise (query);
	if (address == NULL)
	    return fail (error_message, KITH_STATUS_BAD_ARGUMENT, "'%s' is not a mail address", query);
	if (_kith_config_is_me (kith->config, address))
	    return fail (error_message, KITH_STATUS_BAD_ARGUMENT, "'%s' is one of your own addresses", query);
	group = _kith_config_person (kith->config, address);
	if (! contact_exists (kith, address, &error)) {
	    if (error)
		return _kith_status_from_error (error, error_message);
	    return fail (error_message, KITH_STATUS_UNKNOWN_CONTACT,
			 "no mail from or to '%s' is indexed", query);
	}
    } else {
	g_autoptr (sqlite3_stmt) stmt = NULL;
	g_autofree char *folded = _kith_name_fold (query);
	g_auto (GStrv) qwords = _kith_name_words (folded);
	g_autoptr (GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
	g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
	g_autoptr (GHashTable) seen_single = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr (GPtrArray) with_history = g_ptr_array_new ();

	if (qwords[0] == NULL)
	    return fail (error_message, KITH_STATUS_BAD_ARGUMENT, "'%s' is neither an address nor a name", query);
	stmt = _kith_store_prepare (kith->store, NAMES_SQL, &error);
	if (stmt == NULL)
	    return _kith_status_from_error (error, error_message);
	while (sqlite3_step (stmt) == SQLITE_ROW) {
	    const char *address = (const char *) sqlite3_column_text (stmt, 0);
	    g_autofree char *f = names_row (stmt);
	    g_auto (GStrv) words = NULL;
	    GPtrArray *alias;

	    if (f == NULL)
		continue;
	    words = _kith_name_words (f);
	    if (! words_match (qwords, words) || _kith_config_is_me (kith->config, address))
		continue;
	    alias = g_hash_table_lookup (kith->config->alias, address);
	    if (alias) {
		if (g_hash_table_contains (seen, alias))
		    continue;
		g_hash_table_add (seen, alias);
	    } else {
		if (g_hash_table_contains (seen_single, address))
		    continue;
		g_hash_table_add (seen_single, g_strdup (address));
	    }
	    g_ptr_array_add (candidates, _kith_config_person (kith->config, address));
	}
	if (candidates->len == 0)
	    return fail (error_message, KITH_STATUS_UNKNOWN_CONTACT,
			 "nobody called '%s' is indexed", query);
	/* Prefer the one person with shared history among namesakes. */
	for (guint i = 0; i < candidates->len; i++) {
	    GPtrArray *g = candidates->pdata[i];
	    for (guint j = 0; j < g->len; j++) {
		_kith_stats_t s;
		if (_kith_store_read_contact (kith->store, g->pdata[j], &s, NULL) &&
		    _kith_contact_tier (kith->config, &s, now, NULL, NULL) >= KITH_TIER_WEAK) {
		    g_ptr_array_add (with_history, g);
		    break;
		}
	    }
	}
	if (candidates->len == 1)
	    group = g_ptr_array_ref (candidates->pdata[0]);
	else if (with_history->len == 1)
	    group = g_ptr_array_ref (with_history->pdata[0]);
	else {
	    GPtrArray *list = with_history->len > 1 ? with_history : candidates;
	    g_autoptr (GString) text = g_string_new (NULL);
	    g_string_printf (text, "'%s' matches %u people; name one by address:", query, list->len);
	    for (guint i = 0; i < list->len && i < 20; i++)
		g_string_append_printf (text, " %s", (const char *) ((GPtrArray *) list->pdata[i])->pdata[0]);
	    if (list->len > 20)
		g_string_append (text, " ...");
	    return fail (error_message, KITH_STATUS_AMBIGUOUS_CONTACT, "%s", text->str);
	}
    }

    aggr = _kith_aggr_new (kith->store, kith->config, &error);
    if (aggr == NULL)
	return _kith_status_from_error (error, error_message);
    {
	_kith_evidence_t ev = { 0 };
	c = merged_contact (kith, aggr, group, &ev, now, &error);
	if (c == NULL) {
	    _kith_evidence_clear (&ev);
	    return _kith_status_from_error (error, error_message);
	}
	c->evidence = ev;
    }
    if (! find_similar (kith, c, &error))
	return _kith_status_from_error (error, error_message);
    if (c->evidence.years && g_hash_table_size (c->evidence.years) > 0) {
	GHashTableIter it;
	gpointer key, value;
	int lo = G_MAXINT, hi = G_MININT;
	g_hash_table_iter_init (&it, c->evidence.years);
	while (g_hash_table_iter_next (&it, &key, NULL)) {
	    lo = MIN (lo, GPOINTER_TO_INT (key));
	    hi = MAX (hi, GPOINTER_TO_INT (key));
	}
	c->first_year = lo;
	g_array_set_size (c->activity, hi - lo + 1);
	g_hash_table_iter_init (&it, c->evidence.years);
	while (g_hash_table_iter_next (&it, &key, &value))
	    g_array_index (c->activity, unsigned long, GPOINTER_TO_INT (key) - lo) = GPOINTER_TO_UINT (value);
    }
    *out = g_steal_pointer (&c);
    return KITH_STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Completion */

/* At most this many words of a prefix are looked up (the rest would
 * only narrow an already short list). */
#define COMPLETE_MAX_WORDS 6

/* Automated senders last; then the completion value (score.c:
 * _kith_complete_value); then as `who`. */
static int
compare_for_completion (gconstpointer a, gconstpointer b)
{
    const kith_contact_t *x = *(kith_contact_t *const *) a, *y = *(kith_contact_t *const *) b;

    if (x->stats.automated != y->stats.automated)
	return x->stats.automated ? 1 : -1;
    if (x->complete != y->complete)
	return x->complete > y->complete ? -1 : 1;
    return compare_by_score (a, b);
}

/* The "others" kith.complete.others hides: automated senders and people
 * without shared history, unless I wrote to them (recipients of mine
 * who have not answered are no strangers). */
static gboolean
is_other (const kith_contact_t *c)
{
    const unsigned long *n = c->stats.count;

    return c->stats.automated ||
	   (c->tier == KITH_TIER_NONE &&
	    n[KITH_COUNT_SENT_DIRECT] + n[KITH_COUNT_SENT_GROUP] + n[KITH_COUNT_REPLIES_TO] == 0);
}

/* The "now" of the completion order: the newest message of the store
 * (meta, written by each index run), so that the order depends on the
 * mail alone; the clock if the store has none.  And its memory choice
 * (meta pull_memory, the replay's).  One look-up for both: completion
 * runs on every keystroke. */
static gint64
completion_now (kith_t *kith, gint64 clock, guint *choice)
{
    sqlite3_stmt *stmt = NULL;
    gint64 newest = 0;

    *choice = KITH_PULL_CHOICE_DEFAULT;
    if (sqlite3_prepare_v2 (kith->store->db, "SELECT key, value FROM meta WHERE key IN (?, ?)", -1, &stmt,
			    NULL) != SQLITE_OK)
	return clock;
    sqlite3_bind_text (stmt, 1, KITH_META_NEWEST, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, KITH_META_PULL_MEMORY, -1, SQLITE_STATIC);
    while (sqlite3_step (stmt) == SQLITE_ROW) {
	const char *key = (const char *) sqlite3_column_text (stmt, 0);
	const char *value = (const char *) sqlite3_column_text (stmt, 1);

	if (g_strcmp0 (key, KITH_META_NEWEST) == 0)
	    newest = value ? g_ascii_strtoll (value, NULL, 10) : 0;
	else
	    *choice = _kith_pull_choice_parse (value);
    }
    sqlite3_finalize (stmt);
    return newest > 0 ? newest : clock;
}

/* "WHERE word >= ?N AND word < ?N+1": the words starting with WORD. */
static void
bind_prefix (sqlite3_stmt *stmt, int *i, const char *word)
{
    sqlite3_bind_text (stmt, (*i)++, word, -1, SQLITE_TRANSIENT);
    /* 0xff never occurs in UTF-8: every word with the prefix sorts below. */
    sqlite3_bind_text (stmt, (*i)++, g_strconcat (word, "\xff", NULL), -1, g_free);
}

KITH_EXPORT kith_status_t
kith_complete (kith_t *kith, const char *prefix, const kith_complete_options_t *options,
	       kith_contacts_t **out, char **error_message)
{
    static const char word_range[] = "SELECT address FROM contact_word WHERE word >= ? AND word < ?";
    g_autoptr (GError) error = NULL;
    g_autoptr (sqlite3_stmt) stmt = NULL;
    g_autoptr (GString) sql = g_string_new ("SELECT address, name, " KITH_CONTACT_COLUMNS " FROM contact");
    g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_contact_destroy);
    g_autoptr (GHashTable) groups = g_hash_table_new (g_direct_hash, g_direct_equal);
    g_autofree char *raw = NULL, *folded = NULL;
    g_auto (GStrv) words = NULL;
    kith_complete_options_t defaults = { 0 };
    gint64 now = g_get_real_time () / G_USEC_PER_SEC, then;
    guint choice;
    gboolean hide_others;
    guint n_words = 0;
    kith_contacts_t *contacts;
    kith_status_t status;
    int rc, param = 1;

    if (kith == NULL || prefix == NULL || out == NULL)
	return KITH_STATUS_NULL_POINTER;
    *out = NULL;
    if ((status = need_store (kith, error_message)))
	return status;
    if (options == NULL)
	options = &defaults;
    hide_others = kith->config->complete_hide_others && ! options->all;

    /* What was typed, as an address prefix (lower case, no leading
     * '<' or quote) and as name words. */
    {
	g_autofree char *valid = g_utf8_make_valid (prefix, -1);
	char *p;
	raw = g_utf8_strdown (valid, -1);
	g_strstrip (raw);
	for (p = raw; *p == '<' || *p == '"' || *p == '\''; p++)
	    ;
	memmove (raw, p, strlen (p) + 1);
	if (strpbrk (raw, " \t"))
	    raw[0] = '\0'; /* several words: no address has white space */
    }
    folded = _kith_name_fold (prefix);
    words = g_strsplit (folded, " ", -1);
    for (guint i = 0; words[i]; i++)
	if (*words[i] && n_words < COMPLETE_MAX_WORDS)
	    n_words++;

    if (n_words > 0 || *raw) {
	g_string_append (sql, " WHERE address IN (");
	for (guint i = 0; i < n_words; i++)
	    g_string_append_printf (sql, "%s%s", i ? " INTERSECT " : "", word_range);
	if (*raw)
	    g_string_append_printf (sql, "%s%s", n_words ? " UNION " : "", word_range);
	g_string_append (sql, ")");
    }
    if (sqlite3_prepare_v2 (kith->store->db, sql->str, -1, &stmt, NULL) != SQLITE_OK) {
	if (strstr (sqlite3_errmsg (kith->store->db), "contact_word"))
	    return fail (error_message, KITH_STATUS_NOT_INDEXED,
			 "the kith store '%s' was written by an older kith: run "
			 "'notmuch kith index' once to update it",
			 kith->store_path);
	_kith_store_set_error (kith->store, &error, "cannot read the kith store");
	return _kith_status_from_error (error, error_message);
    }
    for (guint i = 0, n = 0; words[i] && n < n_words; i++) {
	if (*words[i]) {
	    bind_prefix (stmt, &param, words[i]);
	    n++;
	}
    }
    if (*raw)
	bind_prefix (stmt, &param, raw);

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
	const char *address = (const char *) sqlite3_column_text (stmt, 0);
	GPtrArray *group;
	kith_contact_t *c;

	if (_kith_config_is_me (kith->config, address))
	    continue;
	group = g_hash_table_lookup (kith->config->alias, address);
	if (group) {
	    g_hash_table_add (groups, group); /* merged below */
	    continue;
	}
	c = contact_new (address);
	c->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
	g_ptr_array_add (c->addresses, g_strdup (address));
	_kith_store_stats_from_row (stmt, 2, &c->stats);
	contact_finish (kith, c, now);
	g_ptr_array_add (list, c);
    }
    if (rc != SQLITE_DONE) {
	_kith_store_set_error (kith->store, &error, "cannot read the kith store");
	return _kith_status_from_error (error, error_message);
    }
    if (g_hash_table_size (groups) > 0) {
	g_autoptr (_kith_aggr_t) aggr = _kith_aggr_new (kith->store, kith->config, &error);
	GHashTableIter it;
	gpointer key;

	if (aggr == NULL)
	    return _kith_status_from_error (error, error_message);
	g_hash_table_iter_init (&it, groups);
	while (g_hash_table_iter_next (&it, &key, NULL)) {
	    GPtrArray *group = key;
	    kith_contact_t *c = merged_contact (kith, aggr, group, NULL, now, &error);
	    const char *named = NULL;
	    guint n_named = 0;

	    if (c == NULL)
		return _kith_status_from_error (error, error_message);
	    /* The address the prefix names, if it names exactly one. */
	    for (guint i = 0; *raw && i < group->len; i++) {
		if (g_str_has_prefix (group->pdata[i], raw)) {
		    named = group->pdata[i];
		    n_named++;
		}
	    }
	    if (n_named == 1) {
		g_free (c->address);
		c->address = g_strdup (named);
	    }
	    g_ptr_array_add (list, c);
	}
    }

    contacts = g_new0 (kith_contacts_t, 1);
    contacts->contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_contact_destroy);
    for (guint i = 0; i < list->len; i++) {
	kith_contact_t *c = list->pdata[i];
	if (hide_others && is_other (c))
	    continue;
	g_ptr_array_add (contacts->contacts, g_steal_pointer (&list->pdata[i]));
    }
    then = completion_now (kith, now, &choice);
    for (guint i = 0; i < contacts->contacts->len; i++) {
	kith_contact_t *c = contacts->contacts->pdata[i];
	c->complete = _kith_complete_value (&c->stats, c->score, then, choice);
    }
    g_ptr_array_sort (contacts->contacts, compare_for_completion);
    if (options->limit && contacts->contacts->len > options->limit)
	g_ptr_array_set_size (contacts->contacts, options->limit);
    *out = contacts;
    return KITH_STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Getters */

KITH_EXPORT const char *
kith_contact_get_address (kith_contact_t *c)
{
    return c ? c->address : NULL;
}

KITH_EXPORT const char *
kith_contact_get_name (kith_contact_t *c)
{
    return c ? c->name : NULL;
}

KITH_EXPORT double
kith_contact_get_score (kith_contact_t *c)
{
    return c ? c->score : 0.0;
}

KITH_EXPORT const char *
kith_score_term_to_string (kith_score_term_t term)
{
    static const char *const names[KITH_SCORE_N_TERMS] = {
	[KITH_SCORE_CONVERSATIONS] = "conversations",
	[KITH_SCORE_RECIPROCATED] = "reciprocated",
	[KITH_SCORE_ONE_TO_ONE] = "one_to_one",
	[KITH_SCORE_MONTHS] = "months",
	[KITH_SCORE_DURATION] = "duration",
	[KITH_SCORE_RECENCY] = "recency",
    };

    return (guint) term < KITH_SCORE_N_TERMS ? names[term] : NULL;
}

KITH_EXPORT double
kith_contact_get_score_term (kith_contact_t *c, kith_score_term_t term, double *amount)
{
    if (c == NULL || (guint) term >= KITH_SCORE_N_TERMS) {
	if (amount)
	    *amount = 0.0;
	return 0.0;
    }
    if (amount)
	*amount = c->amount[term];
    return c->term[term];
}

KITH_EXPORT kith_tier_t
kith_contact_get_tier (kith_contact_t *c)
{
    return c ? c->tier : KITH_TIER_NONE;
}

KITH_EXPORT const char *
kith_contact_get_cap (kith_contact_t *c)
{
    return c ? _kith_cap_name (c->cap) : NULL;
}

KITH_EXPORT const char *
kith_contact_get_cap_reason (kith_contact_t *c)
{
    return c ? _kith_cap_to_string (c->cap) : NULL;
}

KITH_EXPORT unsigned long
kith_contact_get_count (kith_contact_t *c, kith_count_t which)
{
    if (c == NULL || (unsigned) which >= KITH_COUNT_LAST)
	return 0;
    return c->stats.count[which];
}

KITH_EXPORT time_t
kith_contact_get_first (kith_contact_t *c)
{
    return c ? (time_t) c->stats.first : 0;
}

KITH_EXPORT time_t
kith_contact_get_last (kith_contact_t *c)
{
    return c ? (time_t) c->stats.last : 0;
}

KITH_EXPORT int64_t
kith_contact_get_median_latency (kith_contact_t *c, bool theirs)
{
    if (c == NULL)
	return -1;
    return theirs ? c->stats.latency_them : c->stats.latency_me;
}

KITH_EXPORT bool
kith_contact_get_i_wrote_first (kith_contact_t *c)
{
    return c && c->stats.i_wrote_first;
}

KITH_EXPORT bool
kith_contact_get_automated (kith_contact_t *c)
{
    return c && c->stats.automated;
}

KITH_EXPORT unsigned int
kith_contact_count_addresses (kith_contact_t *c)
{
    return c ? c->addresses->len : 0;
}

KITH_EXPORT const char *
kith_contact_get_address_at (kith_contact_t *c, unsigned int i)
{
    return c && i < c->addresses->len ? c->addresses->pdata[i] : NULL;
}

KITH_EXPORT unsigned int
kith_contact_count_names (kith_contact_t *c)
{
    return c ? c->names->len : 0;
}

KITH_EXPORT const char *
kith_contact_get_name_at (kith_contact_t *c, unsigned int i, unsigned long *count)
{
    if (c == NULL || i >= c->names->len)
	return NULL;
    if (count)
	*count = g_array_index (c->name_counts, unsigned long, i);
    return c->names->pdata[i];
}

KITH_EXPORT unsigned int
kith_contact_count_similar (kith_contact_t *c)
{
    return c ? c->similar->len : 0;
}

KITH_EXPORT const char *
kith_contact_get_similar_at (kith_contact_t *c, unsigned int i)
{
    return c && i < c->similar->len ? c->similar->pdata[i] : NULL;
}

KITH_EXPORT unsigned int
kith_contact_count_conversations (kith_contact_t *c)
{
    return c && c->evidence.conversations ? c->evidence.conversations->len : 0;
}

KITH_EXPORT kith_status_t
kith_contact_get_conversation (kith_contact_t *c, unsigned int i, kith_conversation_t *conv)
{
    _kith_conv_t *src;

    if (c == NULL || conv == NULL)
	return KITH_STATUS_NULL_POINTER;
    if (i >= kith_contact_count_conversations (c))
	return KITH_STATUS_BAD_ARGUMENT;
    src = &g_array_index (c->evidence.conversations, _kith_conv_t, i);
    conv->thread_id = src->thread_id;
    conv->subject = src->subject;
    conv->first = (time_t) src->first;
    conv->last = (time_t) src->last;
    conv->messages = src->messages;
    conv->on_list = src->on_list;
    return KITH_STATUS_SUCCESS;
}

KITH_EXPORT void
kith_contact_get_activity (kith_contact_t *c, int *first_year, unsigned int *n_years,
			   const unsigned long **counts)
{
    if (first_year)
	*first_year = c ? c->first_year : 0;
    if (n_years)
	*n_years = c ? c->activity->len : 0;
    if (counts)
	*counts = c ? (const unsigned long *) c->activity->data : NULL;
}
