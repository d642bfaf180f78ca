/* aggr.c - from mined message rows to one person's shared history
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A contact's counts are a pure function of the message rows in the
 * store, computed here and nowhere else, for a full rebuild and for an
 * incremental run alike.  That is what makes "any sequence of
 * incremental runs equals a rebuild" hold by construction: an
 * incremental run only has to find every contact whose rows it touched
 * (_kith_aggr_dependents) and compute them again.  One exception keeps
 * a flood's sender cheap: new mail of a one-way sender is added to
 * their stored history (add_one_way, below), which gives what the
 * computation would.
 *
 * Reply edges.  A message's parent is found, in this order:
 *   1. In-Reply-To (else the last References entry) naming a message
 *      in the store;
 *   2. Outlook's Thread-Index: a reply's index is its parent's plus
 *      five bytes, so the parent is the message whose index is the
 *      longest existing prefix;
 *   3. only for a message carrying no reply headers at all and a reply
 *      subject ("Re:", "AW:", "SV:", "Antw:", ...): the latest earlier
 *      message, within kith.reply_window_days and among the
 *      KITH_SUBJECT_NEIGHBOURS closest earlier ones, with the same base
 *      subject and between the same two people (if the reply is mine,
 *      written by one of its recipients; if theirs, written by me to
 *      them).  The neighbour bound keeps the look-up constant when a
 *      sender repeats a subject thousands of times; it is symmetric, so
 *      the children of a message are found among its closest later
 *      neighbours as exactly.
 * Excluded messages (search.exclude_tags) are skipped everywhere, and
 * an automated message is never one end of a reply edge.
 */

#include <string.h>

#include "kith-private.h"

typedef struct {
    gint64 id;
    char *message_id;
    char *thread_id;
    char *author;
    char *subject;
    char *subject_base;
    char *parent;
    char *thread_index;
    char *ti_parent;
    gint64 date;
    guint flags;
    gboolean has_reply_headers;
    GPtrArray *rcpts; /* char*: recipient addresses, loaded lazily */
    guint32 to_mask;  /* bit i: rcpts[i] is in To (the first 32) */
} row_t;

enum {
    Q_BY_ID,
    Q_BY_MESSAGE_ID,
    Q_BY_THREAD_INDEX,
    Q_BY_SUBJECT_BEFORE,
    Q_RCPTS,
    Q_AUTHORED,
    Q_ADDRESSED,
    Q_CHILDREN_PARENT,
    Q_CHILDREN_TI,
    Q_BY_SUBJECT_AFTER,
    Q_APPEARS,
    Q_NAMES,
    Q_LIST_ADDRESS,
    Q_TO_THEM,
    Q_DELETE_CONTACT,
    Q_DELETE_NAMES,
    Q_INSERT_NAME,
    Q_DELETE_WORDS,
    Q_INSERT_WORD,
    Q_AUTHOR_NAME,
    Q_ADD_NAME,
    Q_CONTACT_NAME,
    Q_EVENT_IN_MONTH,
    Q_LAST
};

#define ROW_COLUMNS "id, message_id, thread_id, author, subject, subject_base, parent, " \
		    "thread_index, ti_parent, date, flags, has_reply_headers"
#define ROW_COLUMNS_M "m.id, m.message_id, m.thread_id, m.author, m.subject, m.subject_base, " \
		      "m.parent, m.thread_index, m.ti_parent, m.date, m.flags, m.has_reply_headers"
#define N_ROW_COLUMNS 12
#define NOT_EXCLUDED "(flags & 1024) = 0"

/* The look-ups of message rows return whole rows, which go to the row
 * cache: the rows they find are almost always read next. */
static const char *const queries[Q_LAST] = {
    [Q_BY_ID] = "SELECT " ROW_COLUMNS " FROM message WHERE id = ?",
    [Q_BY_MESSAGE_ID] = "SELECT " ROW_COLUMNS " FROM message WHERE message_id = ? AND " NOT_EXCLUDED,
    [Q_BY_THREAD_INDEX] = "SELECT " ROW_COLUMNS " FROM message WHERE thread_index = ? AND " NOT_EXCLUDED
			  " ORDER BY date, id LIMIT 1",
    /* The neighbours of a message by subject: the closest same-subject
     * rows on one side in (date, id) order, KITH_SUBJECT_NEIGHBOURS at
     * most, whatever their flags, so that P is among C's neighbours
     * before iff C is among P's neighbours after; then only those in the
     * reply window.  Ids only: most neighbours are not read further. */
    [Q_BY_SUBJECT_BEFORE] = "SELECT id FROM (SELECT id, date, flags FROM message WHERE subject_base = ?1 "
			    "AND (date < ?2 OR (date = ?2 AND id < ?4)) ORDER BY date DESC, id DESC LIMIT "
			    G_STRINGIFY (KITH_SUBJECT_NEIGHBOURS) ") "
			    "WHERE date < ?2 AND date >= ?3 AND " NOT_EXCLUDED " ORDER BY date DESC, id DESC",
    [Q_RCPTS] = "SELECT address, kind FROM recipient WHERE message = ? AND kind < 4 ORDER BY rowid",
    [Q_AUTHORED] = "SELECT " ROW_COLUMNS " FROM message WHERE author = ? AND " NOT_EXCLUDED,
    [Q_ADDRESSED] = "SELECT " ROW_COLUMNS_M " FROM recipient r JOIN message m ON m.id = r.message "
		    "WHERE r.address = ? AND r.kind < 4 AND (m.flags & 1024) = 0 AND (m.flags & 256) != 0",
    [Q_CHILDREN_PARENT] = "SELECT " ROW_COLUMNS " FROM message WHERE parent = ?",
    [Q_CHILDREN_TI] = "SELECT " ROW_COLUMNS " FROM message WHERE ti_parent = ?",
    [Q_BY_SUBJECT_AFTER] = "SELECT id FROM (SELECT id, date, has_reply_headers FROM message WHERE subject_base = ?1 "
			   "AND (date > ?2 OR (date = ?2 AND id > ?4)) ORDER BY date, id LIMIT "
			   G_STRINGIFY (KITH_SUBJECT_NEIGHBOURS) ") "
			   "WHERE date > ?2 AND date <= ?3 AND has_reply_headers = 0",
    /* A list's own address (a KITH_RCPT_LIST row) is never a contact. */
    [Q_APPEARS] = "SELECT (EXISTS (SELECT 1 FROM message WHERE author = ?1 AND " NOT_EXCLUDED ") "
		  "OR EXISTS (SELECT 1 FROM recipient r JOIN message m ON m.id = r.message "
		  "WHERE r.address = ?1 AND r.kind < 4 AND (m.flags & 1024) = 0)) "
		  "AND NOT EXISTS (SELECT 1 FROM recipient WHERE address = ?1 AND kind = 4)",
    [Q_NAMES] = "SELECT name, sum(n) FROM ("
		" SELECT author_name AS name, count(*) AS n FROM message WHERE author = ?1"
		"  AND author_name IS NOT NULL AND " NOT_EXCLUDED " GROUP BY author_name"
		" UNION ALL"
		" SELECT r.name AS name, count(*) AS n FROM recipient r JOIN message m ON m.id = r.message"
		"  WHERE r.address = ?1 AND r.kind < 4 AND r.name IS NOT NULL AND (m.flags & 1024) = 0 GROUP BY r.name)"
		" GROUP BY name ORDER BY sum(n) DESC, name",
    [Q_DELETE_CONTACT] = "DELETE FROM contact WHERE address = ?",
    [Q_DELETE_NAMES] = "DELETE FROM contact_name WHERE address = ?",
    [Q_INSERT_NAME] = "INSERT INTO contact_name (address, name, count) VALUES (?, ?, ?)",
    [Q_DELETE_WORDS] = "DELETE FROM contact_word WHERE address = ?",
    [Q_INSERT_WORD] = "INSERT OR IGNORE INTO contact_word (word, address) VALUES (?, ?)",
    [Q_LIST_ADDRESS] = "SELECT address FROM recipient WHERE message = ? AND kind = 4",
    /* One more message of a one-way sender (add_one_way). */
    [Q_AUTHOR_NAME] = "SELECT author_name FROM message WHERE id = ?",
    [Q_ADD_NAME] = "INSERT INTO contact_name (address, name, count) VALUES (?1, ?2, 1) "
		   "ON CONFLICT (address, name) DO UPDATE SET count = count + 1 RETURNING count",
    [Q_CONTACT_NAME] = "SELECT c.name, n.count FROM contact c LEFT JOIN contact_name n "
		       "ON n.address = c.address AND n.name = c.name WHERE c.address = ?",
    /* Index message_event: the same terms as its WHERE. */
    [Q_EVENT_IN_MONTH] = "SELECT EXISTS (SELECT 1 FROM message WHERE author = ?1 AND date >= ?2 "
			 "AND date < ?3 AND id < ?4 AND " KITH_MSG_EVENT_SQL ")",
    /* Messages naming an address in To or Cc, whoever wrote them. */
    [Q_TO_THEM] = "SELECT " ROW_COLUMNS_M " FROM recipient r JOIN message m ON m.id = r.message "
		  "WHERE r.address = ? AND r.kind IN (1, 2) AND (m.flags & 1024) = 0",
};

struct _kith_aggr {
    _kith_store_t *store;
    const _kith_config_t *config;
    sqlite3_stmt *q[Q_LAST];
    GHashTable *rows; /* id -> row_t*, valid during one computation */
    gint64 cutoff;    /* ignore messages dated at or after this, 0: none */
    const _kith_rules_t *rules; /* platforms' addresses, or NULL */
};

void
_kith_aggr_set_rules (_kith_aggr_t *aggr, const _kith_rules_t *rules)
{
    aggr->rules = rules;
}

void
_kith_aggr_set_cutoff (_kith_aggr_t *aggr, gint64 before)
{
    aggr->cutoff = before;
}

#define AFTER_CUTOFF(aggr, row) ((aggr)->cutoff != 0 && (row)->date >= (aggr)->cutoff)

static void
row_free (row_t *row)
{
    g_free (row->message_id);
    g_free (row->thread_id);
    g_free (row->author);
    g_free (row->subject);
    g_free (row->subject_base);
    g_free (row->parent);
    g_free (row->thread_index);
    g_free (row->ti_parent);
    if (row->rcpts)
	g_ptr_array_unref (row->rcpts);
    g_free (row);
}

void
_kith_aggr_free (_kith_aggr_t *aggr)
{
    if (aggr == NULL)
	return;
    for (int i = 0; i < Q_LAST; i++)
	sqlite3_finalize (aggr->q[i]);
    g_hash_table_unref (aggr->rows);
    g_free (aggr);
}

_kith_aggr_t *
_kith_aggr_new (_kith_store_t *store, const _kith_config_t *config, GError **error)
{
    g_autoptr (_kith_aggr_t) aggr = g_new0 (_kith_aggr_t, 1);

    aggr->store = store;
    aggr->config = config;
    aggr->rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
					(GDestroyNotify) row_free);
    /* The contact_word statements are prepared when first needed: only
     * writers need them, and a schema 1 store opened read-only has no
     * contact_word table. */
    for (int i = 0; i < Q_DELETE_WORDS; i++) {
	aggr->q[i] = _kith_store_prepare (store, queries[i], error);
	if (aggr->q[i] == NULL)
	    return NULL;
    }
    return g_steal_pointer (&aggr);
}

static char *
column_strdup (sqlite3_stmt *stmt, int i)
{
    const unsigned char *text = sqlite3_column_text (stmt, i);

    return text ? g_strdup ((const char *) text) : NULL;
}

/* Put the row in the current result of STMT (ROW_COLUMNS) in the row
 * cache, and return it. */
static row_t *
cache_row (_kith_aggr_t *aggr, sqlite3_stmt *stmt)
{
    row_t *row = g_new0 (row_t, 1);

    row->id = sqlite3_column_int64 (stmt, 0);
    row->message_id = column_strdup (stmt, 1);
    row->thread_id = column_strdup (stmt, 2);
    row->author = column_strdup (stmt, 3);
    row->subject = column_strdup (stmt, 4);
    row->subject_base = column_strdup (stmt, 5);
    row->parent = column_strdup (stmt, 6);
    row->thread_index = column_strdup (stmt, 7);
    row->ti_parent = column_strdup (stmt, 8);
    row->date = sqlite3_column_int64 (stmt, 9);
    row->flags = (guint) sqlite3_column_int64 (stmt, 10);
    row->has_reply_headers = sqlite3_column_int (stmt, 11);
    g_hash_table_insert (aggr->rows, &row->id, row);
    return row;
}

/* Run query Q (already bound) and append the int64 of column 0 of each
 * row to IDS; a query returning whole rows (ROW_COLUMNS) also fills the
 * row cache. */
static gboolean
collect_ids (_kith_aggr_t *aggr, sqlite3_stmt *stmt, GArray *ids, GError **error)
{
    int rc;

    gboolean rows = sqlite3_column_count (stmt) == N_ROW_COLUMNS;

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
	gint64 id = sqlite3_column_int64 (stmt, 0);
	g_array_append_val (ids, id);
	if (rows && ! g_hash_table_contains (aggr->rows, &id))
	    cache_row (aggr, stmt);
    }
    sqlite3_reset (stmt);
    sqlite3_clear_bindings (stmt);
    if (rc != SQLITE_DONE) {
	_kith_store_set_error (aggr->store, error, "cannot read the kith store");
	return FALSE;
    }
    return TRUE;
}

static gboolean
ids_by_text (_kith_aggr_t *aggr, int q, const char *text, GArray *ids, GError **error)
{
    sqlite3_bind_text (aggr->q[q], 1, text, -1, SQLITE_STATIC);
    return collect_ids (aggr, aggr->q[q], ids, error);
}

/* The row with rowid ID, from the cache or the store; NULL on error or
 * if there is none. */
static row_t *
get_row (_kith_aggr_t *aggr, gint64 id, GError **error)
{
    sqlite3_stmt *stmt = aggr->q[Q_BY_ID];
    row_t *row = g_hash_table_lookup (aggr->rows, &id);
    int rc;

    if (row)
	return row;
    sqlite3_bind_int64 (stmt, 1, id);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW) {
	row = cache_row (aggr, stmt);
    } else if (rc != SQLITE_DONE) {
	_kith_store_set_error (aggr->store, error, "cannot read the kith store");
    }
    sqlite3_reset (stmt);
    return row;
}

static GPtrArray *
get_rcpts (_kith_aggr_t *aggr, row_t *row, GError **error)
{
    sqlite3_stmt *stmt = aggr->q[Q_RCPTS];
    int rc;

    if (row->rcpts)
	return row->rcpts;
    row->rcpts = g_ptr_array_new_with_free_func (g_free);
    row->to_mask = 0;
    sqlite3_bind_int64 (stmt, 1, row->id);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
	if (row->rcpts->len < 32 && sqlite3_column_int (stmt, 1) == KITH_RCPT_TO)
	    row->to_mask |= 1u << row->rcpts->len;
	g_ptr_array_add (row->rcpts, column_strdup (stmt, 0));
    }
    sqlite3_reset (stmt);
    if (rc != SQLITE_DONE) {
	_kith_store_set_error (aggr->store, error, "cannot read the kith store");
	g_clear_pointer (&row->rcpts, g_ptr_array_unref);
	return NULL;
    }
    return row->rcpts;
}

/* How ROW is addressed to WHOM (is_whom tells a recipient address is
 * WHOM's): is it one-to-few to them (KITH_FEW_PEOPLE at most on it, its
 * author included; or WHOM in To with at most KITH_FEW_TO_PEOPLE in
 * From and To: a patch to the maintainers Cc'd to many), and is it a crowd's
 * (KITH_CROWD_PEOPLE or more on it, and not one-to-few)?  FALSE on
 * error. */
static gboolean
addressing (_kith_aggr_t *aggr, row_t *row, gboolean (*is_whom) (_kith_aggr_t *, GPtrArray *, const char *),
	    GPtrArray *whom, gboolean *few, gboolean *crowd, GError **error)
{
    GPtrArray *rcpts = get_rcpts (aggr, row, error);
    guint people = 1, people_to = 1;
    gboolean whom_in_to = FALSE;

    if (rcpts == NULL)
	return FALSE;
    if (row->flags & KITH_MSG_MANY_RCPTS) {
	*few = FALSE, *crowd = TRUE;
	return TRUE;
    }
    for (guint r = 0; r < rcpts->len; r++) {
	gboolean to = r < 32 && (row->to_mask & (1u << r));

	if (g_strcmp0 (rcpts->pdata[r], row->author) == 0)
	    continue;
	people++;
	if (to) {
	    people_to++;
	    if (is_whom (aggr, whom, rcpts->pdata[r]))
		whom_in_to = TRUE;
	}
    }
    *few = people <= KITH_FEW_PEOPLE || (whom_in_to && people_to <= KITH_FEW_TO_PEOPLE);
    *crowd = people >= KITH_CROWD_PEOPLE && ! *few;
    return TRUE;
}

static gboolean
is_me (_kith_aggr_t *aggr, GPtrArray *unused, const char *address)
{
    return _kith_config_is_me (aggr->config, address);
}

static gboolean
strv_contains (GPtrArray *list, const char *s)
{
    if (s == NULL)
	return FALSE;
    for (guint i = 0; i < list->len; i++)
	if (g_strcmp0 (list->pdata[i], s) == 0)
	    return TRUE;
    return FALSE;
}

static gboolean
is_them (_kith_aggr_t *aggr, GPtrArray *addresses, const char *address)
{
    return strv_contains (addresses, address);
}

#define IS_EXCLUDED(row) (((row)->flags & KITH_MSG_EXCLUDED) != 0)
#define IS_MINE(row) (((row)->flags & KITH_MSG_MINE) != 0)

/* The message ROW replies to (see the comment at the top), or NULL.
 * *FAILED is set on a store error. */
static row_t *
resolve_parent (_kith_aggr_t *aggr, row_t *row, gboolean *failed, GError **error)
{
    g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    row_t *parent;

    if (row->parent) {
	if (! ids_by_text (aggr, Q_BY_MESSAGE_ID, row->parent, ids, error))
	    goto FAIL;
	if (ids->len > 0 && (parent = get_row (aggr, g_array_index (ids, gint64, 0), error)))
	    return parent;
    }
    if (row->ti_parent) {
	g_autofree char *prefix = g_strdup (row->ti_parent);
	size_t len = strlen (prefix);

	/* the nearest ancestor in the store, down to the thread's root */
	while (len >= KITH_TI_ROOT_HEX) {
	    g_array_set_size (ids, 0);
	    if (! ids_by_text (aggr, Q_BY_THREAD_INDEX, prefix, ids, error))
		goto FAIL;
	    if (ids->len > 0 && (parent = get_row (aggr, g_array_index (ids, gint64, 0), error)) &&
		parent->id != row->id)
		return parent;
	    len -= KITH_TI_REPLY_HEX;
	    prefix[len] = '\0';
	}
    }
    if (! row->has_reply_headers && (row->flags & KITH_MSG_REPLY_SUBJECT) &&
	row->subject_base && *row->subject_base && row->author) {
	sqlite3_stmt *stmt = aggr->q[Q_BY_SUBJECT_BEFORE];
	GPtrArray *rcpts = NULL;

	g_array_set_size (ids, 0);
	sqlite3_bind_text (stmt, 1, row->subject_base, -1, SQLITE_STATIC);
	sqlite3_bind_int64 (stmt, 2, row->date);
	sqlite3_bind_int64 (stmt, 3, row->date - aggr->config->reply_window);
	sqlite3_bind_int64 (stmt, 4, row->id);
	if (! collect_ids (aggr, stmt, ids, error))
	    goto FAIL;
	if (IS_MINE (row) && ! (rcpts = get_rcpts (aggr, row, error)))
	    goto FAIL;
	for (guint i = 0; i < ids->len; i++) {
	    row_t *cand = get_row (aggr, g_array_index (ids, gint64, i), error);

	    if (cand == NULL)
		goto FAIL;
	    if (cand->id == row->id || cand->author == NULL)
		continue;
	    if (IS_MINE (row)) {
		if (! IS_MINE (cand) && strv_contains (rcpts, cand->author))
		    return cand;
	    } else if (IS_MINE (cand)) {
		GPtrArray *cand_rcpts = get_rcpts (aggr, cand, error);
		if (cand_rcpts == NULL)
		    goto FAIL;
		if (strv_contains (cand_rcpts, row->author))
		    return cand;
	    }
	}
    }
    return NULL;

FAIL:
    *failed = TRUE;
    return NULL;
}

/* Rows that may reply to ROW: by reply header, Thread-Index or subject. */
static gboolean
children_ids (_kith_aggr_t *aggr, row_t *row, GArray *ids, GError **error)
{
    if (row->message_id && ! ids_by_text (aggr, Q_CHILDREN_PARENT, row->message_id, ids, error))
	return FALSE;
    if (row->thread_index && ! ids_by_text (aggr, Q_CHILDREN_TI, row->thread_index, ids, error))
	return FALSE;
    if (row->subject_base && *row->subject_base) {
	sqlite3_stmt *stmt = aggr->q[Q_BY_SUBJECT_AFTER];
	sqlite3_bind_text (stmt, 1, row->subject_base, -1, SQLITE_STATIC);
	sqlite3_bind_int64 (stmt, 2, row->date);
	sqlite3_bind_int64 (stmt, 3, row->date + aggr->config->reply_window);
	sqlite3_bind_int64 (stmt, 4, row->id);
	if (! collect_ids (aggr, stmt, ids, error))
	    return FALSE;
    }
    return TRUE;
}

/* ---- union-find over thread ids, for counting conversations ---- */

typedef struct {
    GHashTable *parent; /* thread id -> thread id (both owned by rows) */
} uf_t;

static const char *
uf_find (uf_t *uf, const char *t)
{
    const char *p;

    while ((p = g_hash_table_lookup (uf->parent, t)) && strcmp (p, t) != 0)
	t = p;
    if (p == NULL)
	g_hash_table_insert (uf->parent, (gpointer) t, (gpointer) t);
    return t;
}

static void
uf_union (uf_t *uf, const char *a, const char *b)
{
    const char *ra = uf_find (uf, a), *rb = uf_find (uf, b);

    /* The smaller id becomes the root, so the result does not depend
     * on the order edges are seen in. */
    if (strcmp (ra, rb) < 0)
	g_hash_table_insert (uf->parent, (gpointer) rb, (gpointer) ra);
    else if (strcmp (ra, rb) > 0)
	g_hash_table_insert (uf->parent, (gpointer) ra, (gpointer) rb);
}

typedef struct {
    row_t *child, *parent;
} edge_t;

typedef struct {
    gint64 date;
    gboolean mine;
    row_t *row;
} event_t;

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

    return x < y ? -1 : x > y;
}

/* The events (sorted by date) of the two-way part of a history: those
 * of a reply edge between us (EDGES), and those with a message of the
 * other side within KITH_TWO_WAY_DAYS (unthreaded mail).  My one-way
 * mail (Cc's, patch series, unanswered reminders) adds nothing to
 * months, span or recency; their mail to me always does.  NULL when no
 * event is two-way: then every event counts, so that a history always
 * has a span. */
static GHashTable *
two_way_events (GArray *events, GArray *edges)
{
    const gint64 window = (gint64) KITH_TWO_WAY_DAYS * 86400;
    g_autoptr (GHashTable) in_edge = g_hash_table_new (g_direct_hash, g_direct_equal);
    GHashTable *two_way = g_hash_table_new (g_direct_hash, g_direct_equal);
    gint64 last[2] = { G_MININT64, G_MININT64 }; /* by mine: the last date seen */

    for (guint i = 0; i < edges->len; i++) {
	edge_t *e = &g_array_index (edges, edge_t, i);
	g_hash_table_add (in_edge, e->child);
	g_hash_table_add (in_edge, e->parent);
    }
    /* forwards: an opposite message at most WINDOW before */
    for (guint i = 0; i < events->len; i++) {
	event_t *e = &g_array_index (events, event_t, i);

	if (g_hash_table_contains (in_edge, e->row) ||
	    (last[! e->mine] != G_MININT64 && e->date - last[! e->mine] <= window))
	    g_hash_table_add (two_way, e);
	last[e->mine ? 1 : 0] = e->date;
    }
    /* backwards: at most WINDOW after */
    last[0] = last[1] = G_MAXINT64;
    for (guint i = events->len; i-- > 0;) {
	event_t *e = &g_array_index (events, event_t, i);

	if (last[! e->mine] != G_MAXINT64 && last[! e->mine] - e->date <= window)
	    g_hash_table_add (two_way, e);
	last[e->mine ? 1 : 0] = e->date;
    }
    if (g_hash_table_size (two_way) == 0)
	g_clear_pointer (&two_way, g_hash_table_unref);
    return two_way;
}

static int
compare_events (gconstpointer a, gconstpointer b)
{
    const event_t *x = a, *y = b;

    if (x->date != y->date)
	return x->date < y->date ? -1 : 1;
    if (x->mine != y->mine)
	return x->mine ? -1 : 1;
    return x->row->id < y->row->id ? -1 : x->row->id > y->row->id;
}

static gint64
median (GArray *samples)
{
    if (samples->len == 0)
	return -1;
    g_array_sort (samples, compare_gint64);
    return g_array_index (samples, gint64, (samples->len - 1) / 2);
}

void
_kith_evidence_clear (_kith_evidence_t *ev)
{
    if (ev->conversations) {
	for (guint i = 0; i < ev->conversations->len; i++) {
	    _kith_conv_t *c = &g_array_index (ev->conversations, _kith_conv_t, i);
	    g_free (c->thread_id);
	    g_free (c->subject);
	}
	g_array_unref (ev->conversations);
    }
    if (ev->years)
	g_hash_table_unref (ev->years);
    memset (ev, 0, sizeof (*ev));
}

static int
compare_convs (gconstpointer a, gconstpointer b)
{
    const _kith_conv_t *x = a, *y = b;

    if (x->first != y->first)
	return x->first < y->first ? -1 : 1;
    return strcmp (x->thread_id, y->thread_id);
}

static void
build_evidence (_kith_evidence_t *ev, uf_t *uf, GArray *edges, GArray *events)
{
    g_autoptr (GHashTable) by_root = g_hash_table_new (g_str_hash, g_str_equal);

    ev->conversations = g_array_new (FALSE, TRUE, sizeof (_kith_conv_t));
    ev->years = g_hash_table_new (g_direct_hash, g_direct_equal);
    for (guint i = 0; i < edges->len; i++) {
	edge_t *e = &g_array_index (edges, edge_t, i);
	const char *root = uf_find (uf, e->parent->thread_id);
	gpointer idx;
	_kith_conv_t *c;
	gboolean on_list = KITH_MSG_IS_LIST (e->child->flags) || KITH_MSG_IS_LIST (e->parent->flags);

	if (! g_hash_table_lookup_extended (by_root, root, NULL, &idx)) {
	    _kith_conv_t fresh = { 0 };
	    fresh.thread_id = g_strdup (e->parent->thread_id);
	    fresh.subject = g_strdup (e->parent->subject ? e->parent->subject : "");
	    fresh.first = e->parent->date > 0 ? e->parent->date : e->child->date;
	    fresh.last = e->child->date;
	    fresh.on_list = TRUE;
	    g_array_append_val (ev->conversations, fresh);
	    idx = GUINT_TO_POINTER (ev->conversations->len);
	    g_hash_table_insert (by_root, (gpointer) root, idx);
	}
	c = &g_array_index (ev->conversations, _kith_conv_t, GPOINTER_TO_UINT (idx) - 1);
	if (e->parent->date > 0 && (c->first <= 0 || e->parent->date < c->first)) {
	    c->first = e->parent->date;
	    g_free (c->thread_id);
	    g_free (c->subject);
	    c->thread_id = g_strdup (e->parent->thread_id);
	    c->subject = g_strdup (e->parent->subject ? e->parent->subject : "");
	}
	c->last = MAX (c->last, e->child->date);
	c->on_list = c->on_list && on_list;
    }
    for (guint i = 0; i < events->len; i++) {
	event_t *e = &g_array_index (events, event_t, i);
	gpointer idx = g_hash_table_lookup (by_root, uf_find (uf, e->row->thread_id));
	g_autoptr (GDateTime) dt = e->date > 0 ? g_date_time_new_from_unix_utc (e->date) : NULL;
	int year = dt ? g_date_time_get_year (dt) : 0;

	if (idx)
	    g_array_index (ev->conversations, _kith_conv_t, GPOINTER_TO_UINT (idx) - 1).messages++;
	if (year == 0)
	    continue; /* undated */
	g_hash_table_insert (ev->years, GINT_TO_POINTER (year),
			     GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (ev->years, GINT_TO_POINTER (year))) + 1));
    }
    g_array_sort (ev->conversations, compare_convs);
}

/* Append ID to IDS unless SEEN (a set of gint64*) has it already. */
static void
add_id_once (GArray *ids, GHashTable *seen, gint64 id)
{
    if (g_hash_table_contains (seen, &id))
	return;
    g_array_append_val (ids, id);
    g_hash_table_add (seen, g_memdup2 (&id, sizeof (id)));
}

/* A contact is automated when one of its N ADDRESSES is no-reply style,
 * or when all the mail of theirs that S counts is automated (NONAUTO of
 * their messages are not). */
static gboolean
is_automated (const char *const *addresses, guint n, const _kith_stats_t *s, unsigned long nonauto)
{
    for (guint a = 0; a < n; a++)
	if (_kith_address_is_noreply (addresses[a]))
	    return TRUE;
    return s->count[KITH_COUNT_AUTOMATED] > 0 && nonauto == 0;
}

gboolean
_kith_aggr_compute (_kith_aggr_t *aggr, GPtrArray *addresses, _kith_stats_t *s,
		    _kith_evidence_t *evidence, GError **error)
{
    const _kith_config_t *config = aggr->config;
    g_autoptr (GArray) theirs = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr (GArray) mine = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr (GHashTable) mine_seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
    g_autoptr (GArray) edges = g_array_new (FALSE, FALSE, sizeof (edge_t));
    g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (event_t));
    g_autoptr (GArray) lat_them = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr (GArray) lat_me = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr (GHashTable) months = g_hash_table_new (g_direct_hash, g_direct_equal);
    g_autoptr (GHashTable) uf_table = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr (GHashTable) conv_list = g_hash_table_new (g_str_hash, g_str_equal);
    uf_t uf = { uf_table };
    g_autoptr (GHashTable) two_way = NULL;
    unsigned long nonauto_theirs = 0;
    gboolean failed = FALSE;

    memset (s, 0, sizeof (*s));
    s->latency_them = s->latency_me = -1;
    g_hash_table_remove_all (aggr->rows);

    for (guint a = 0; a < addresses->len; a++) {
	g_autoptr (GArray) addressed = g_array_new (FALSE, FALSE, sizeof (gint64));
	if (! ids_by_text (aggr, Q_AUTHORED, addresses->pdata[a], theirs, error) ||
	    ! ids_by_text (aggr, Q_ADDRESSED, addresses->pdata[a], addressed, error))
	    return FALSE;
	for (guint i = 0; i < addressed->len; i++)
	    add_id_once (mine, mine_seen, g_array_index (addressed, gint64, i));
    }
    g_array_sort (theirs, compare_gint64);

    /* Their messages, and my replies to them found from their side. */
    for (guint i = 0; i < theirs->len; i++) {
	row_t *t = get_row (aggr, g_array_index (theirs, gint64, i), error);
	row_t *p;
	gboolean reply_to_me, to_me;
	g_autoptr (GArray) kids = g_array_new (FALSE, FALSE, sizeof (gint64));

	if (t == NULL)
	    return FALSE;
	if (IS_MINE (t) || AFTER_CUTOFF (aggr, t))
	    continue; /* an alias listing one of my own addresses, or too late */
	if (KITH_MSG_IS_AUTOMATED (t->flags)) {
	    s->count[KITH_COUNT_AUTOMATED]++;
	    continue;
	}
	nonauto_theirs++;
	to_me = (t->flags & KITH_MSG_TO_ME) != 0;
	p = resolve_parent (aggr, t, &failed, error);
	if (failed)
	    return FALSE;
	reply_to_me = p && IS_MINE (p) && ! KITH_MSG_IS_AUTOMATED (p->flags) && ! AFTER_CUTOFF (aggr, p);
	s->count[to_me ? KITH_COUNT_RECEIVED : KITH_COUNT_SEEN]++;
	if (reply_to_me) {
	    edge_t e = { t, p };
	    s->count[KITH_COUNT_REPLIES_FROM]++;
	    g_array_append_val (edges, e);
	    if (t->date >= p->date && p->date > 0) {
		gint64 d = t->date - p->date;
		g_array_append_val (lat_them, d);
	    }
	}
	if (to_me || reply_to_me) {
	    event_t ev = { t->date, FALSE, t };
	    gboolean few, crowd;

	    if (! addressing (aggr, t, is_me, NULL, &few, &crowd, error))
		return FALSE;
	    if (to_me && few)
		s->direct_in++;
	    if (crowd)
		s->crowd_in++;
	    s->in_msgs++;
	    g_array_append_val (events, ev);
	}
	if (! children_ids (aggr, t, kids, error))
	    return FALSE;
	for (guint k = 0; k < kids->len; k++) {
	    gint64 kid = g_array_index (kids, gint64, k);
	    row_t *c;
	    if (g_hash_table_contains (mine_seen, &kid))
		continue;
	    if (! (c = get_row (aggr, kid, error)))
		return FALSE;
	    if (IS_MINE (c) && ! IS_EXCLUDED (c))
		add_id_once (mine, mine_seen, kid);
	}
    }
    g_array_sort (mine, compare_gint64);

    /* My messages to them or replying to them. */
    for (guint i = 0; i < mine->len; i++) {
	row_t *m = get_row (aggr, g_array_index (mine, gint64, i), error);
	GPtrArray *rcpts;
	row_t *p;
	gboolean to_them = FALSE, reply_to_them;
	unsigned others = 0;

	if (m == NULL || ! (rcpts = get_rcpts (aggr, m, error)))
	    return FALSE;
	if (! IS_MINE (m) || IS_EXCLUDED (m) || KITH_MSG_IS_AUTOMATED (m->flags) || AFTER_CUTOFF (aggr, m))
	    continue;
	for (guint r = 0; r < rcpts->len; r++) {
	    const char *addr = rcpts->pdata[r];
	    if (strv_contains (addresses, addr))
		to_them = TRUE;
	    else if (! _kith_config_is_me (config, addr))
		others++;
	}
	p = resolve_parent (aggr, m, &failed, error);
	if (failed)
	    return FALSE;
	reply_to_them = p && ! IS_MINE (p) && strv_contains (addresses, p->author) &&
			! KITH_MSG_IS_AUTOMATED (p->flags) && ! AFTER_CUTOFF (aggr, p);
	if (to_them)
	    s->count[others == 0 ? KITH_COUNT_SENT_DIRECT : KITH_COUNT_SENT_GROUP]++;
	if (reply_to_them) {
	    edge_t e = { m, p };
	    s->count[KITH_COUNT_REPLIES_TO]++;
	    g_array_append_val (edges, e);
	    if (m->date >= p->date && p->date > 0) {
		gint64 d = m->date - p->date;
		g_array_append_val (lat_me, d);
	    }
	}
	if (to_them || reply_to_them) {
	    event_t ev = { m->date, TRUE, m };
	    gboolean few, crowd; /* my crowd mail makes nobody a bystander */

	    if (! addressing (aggr, m, is_them, addresses, &few, &crowd, error))
		return FALSE;
	    if (to_them && few)
		s->direct_out++;
	    s->out_msgs++;
	    g_array_append_val (events, ev);
	}
    }

    /* Conversations: connected thread groups holding an edge. */
    for (guint i = 0; i < edges->len; i++) {
	edge_t *e = &g_array_index (edges, edge_t, i);
	uf_union (&uf, e->child->thread_id, e->parent->thread_id);
    }
    for (guint i = 0; i < edges->len; i++) {
	edge_t *e = &g_array_index (edges, edge_t, i);
	const char *root = uf_find (&uf, e->parent->thread_id);
	gboolean on_list = KITH_MSG_IS_LIST (e->child->flags) || KITH_MSG_IS_LIST (e->parent->flags);
	gpointer was;

	if (! g_hash_table_lookup_extended (conv_list, root, NULL, &was))
	    g_hash_table_insert (conv_list, (gpointer) root, GINT_TO_POINTER (on_list));
	else if (! on_list)
	    g_hash_table_insert (conv_list, (gpointer) root, GINT_TO_POINTER (FALSE));
    }
    s->count[KITH_COUNT_CONVERSATIONS] = g_hash_table_size (conv_list);
    {
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init (&it, conv_list);
	while (g_hash_table_iter_next (&it, NULL, &value))
	    if (GPOINTER_TO_INT (value))
		s->count[KITH_COUNT_LIST_CONVERSATIONS]++;
    }

    /* Span, months, who wrote first: from the dated messages (an
     * undated one, date 0, has only a placeholder; see _kith_msg_date):
     * theirs, and mine of the two-way part of our history. */
    g_array_sort (events, compare_events);
    {
	/* The completion order's decayed sum, in date order (score.c). */
	_kith_pull_acc_t acc = _KITH_PULL_INIT;
	for (guint i = 0; i < events->len; i++) {
	    event_t *e = &g_array_index (events, event_t, i);
	    _kith_pull_add (&acc, e->date, e->mine);
	}
	_kith_pull_store (&acc, s);
    }
    two_way = two_way_events (events, edges);
    for (guint i = 0; i < events->len; i++) {
	event_t *e = &g_array_index (events, event_t, i);
	g_autoptr (GDateTime) dt = NULL;

	if (e->date <= 0 || (e->mine && two_way && ! g_hash_table_contains (two_way, e)))
	    continue;
	dt = g_date_time_new_from_unix_utc (e->date);
	if (dt)
	    g_hash_table_add (months, GINT_TO_POINTER (g_date_time_get_year (dt) * 12 +
						       g_date_time_get_month (dt)));
	if (s->first == 0) {
	    s->first = e->date;
	    s->i_wrote_first = e->mine;
	}
	s->last = e->date;
    }
    s->count[KITH_COUNT_MONTHS] = g_hash_table_size (months);
    s->latency_them = median (lat_them);
    s->latency_me = median (lat_me);

    s->automated = is_automated ((const char *const *) addresses->pdata, addresses->len, s, nonauto_theirs);

    if (evidence)
	build_evidence (evidence, &uf, edges, events);
    return TRUE;
}

static void
add_dependent (_kith_aggr_t *aggr, GHashTable *set, const char *address)
{
    if (address && ! _kith_config_is_me (aggr->config, address) &&
	! g_hash_table_contains (set, address))
	g_hash_table_add (set, g_strdup (address));
}

static gboolean
add_row_addresses (_kith_aggr_t *aggr, row_t *row, gboolean author, GHashTable *set, GError **error)
{
    GPtrArray *rcpts = get_rcpts (aggr, row, error);

    if (rcpts == NULL)
	return FALSE;
    if (author)
	add_dependent (aggr, set, row->author);
    for (guint i = 0; i < rcpts->len; i++)
	add_dependent (aggr, set, rcpts->pdata[i]);
    return TRUE;
}

gboolean
_kith_aggr_dependents (_kith_aggr_t *aggr, gint64 rowid, GHashTable *set, char **author_only,
		       GError **error)
{
    g_autoptr (GArray) kids = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr (GHashTable) others = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    gboolean failed = FALSE;
    row_t *row, *parent;
    GHashTableIter it;
    gpointer key;
    int rc;

    if (author_only)
	*author_only = NULL;
    g_hash_table_remove_all (aggr->rows);
    row = get_row (aggr, rowid, error);
    if (row == NULL)
	return FALSE;
    /* Everyone but the author first: the author is only the author
     * when nothing else on or around the message names them. */
    if (! add_row_addresses (aggr, row, FALSE, others, error))
	return FALSE;
    /* The list the message names: whether it is a contact depends on it. */
    sqlite3_bind_int64 (aggr->q[Q_LIST_ADDRESS], 1, rowid);
    while ((rc = sqlite3_step (aggr->q[Q_LIST_ADDRESS])) == SQLITE_ROW)
	add_dependent (aggr, others, (const char *) sqlite3_column_text (aggr->q[Q_LIST_ADDRESS], 0));
    sqlite3_reset (aggr->q[Q_LIST_ADDRESS]);
    if (rc != SQLITE_DONE) {
	_kith_store_set_error (aggr->store, error, "cannot read the kith store");
	return FALSE;
    }
    parent = resolve_parent (aggr, row, &failed, error);
    if (failed)
	return FALSE;
    if (parent)
	add_dependent (aggr, others, parent->author);
    if (! children_ids (aggr, row, kids, error))
	return FALSE;
    for (guint i = 0; i < kids->len; i++) {
	row_t *kid = get_row (aggr, g_array_index (kids, gint64, i), error);
	if (kid == NULL || ! add_row_addresses (aggr, kid, TRUE, others, error))
	    return FALSE;
    }
    if (author_only && row->author && ! _kith_config_is_me (aggr->config, row->author) &&
	! g_hash_table_contains (others, row->author))
	*author_only = g_strdup (row->author);
    else
	add_dependent (aggr, set, row->author);
    g_hash_table_iter_init (&it, others);
    while (g_hash_table_iter_next (&it, &key, NULL))
	add_dependent (aggr, set, key);
    g_hash_table_remove_all (aggr->rows);
    return TRUE;
}

static gboolean
step_done (_kith_aggr_t *aggr, sqlite3_stmt *stmt, GError **error)
{
    int rc = sqlite3_step (stmt);

    sqlite3_reset (stmt);
    sqlite3_clear_bindings (stmt);
    if (rc != SQLITE_DONE) {
	_kith_store_set_error (aggr->store, error, "cannot write the kith store");
	return FALSE;
    }
    return TRUE;
}

/* Add the words completion finds ADDRESS by, with NAMES (char*), to
 * those it has. */
static gboolean
insert_words (_kith_aggr_t *aggr, const char *address, GPtrArray *names, GError **error)
{
    g_autoptr (GPtrArray) words = _kith_completion_words (address, names);

    for (guint i = 0; i < words->len; i++) {
	sqlite3_stmt *stmt = aggr->q[Q_INSERT_WORD];
	sqlite3_bind_text (stmt, 1, words->pdata[i], -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 2, address, -1, SQLITE_STATIC);
	if (! step_done (aggr, stmt, error))
	    return FALSE;
    }
    return TRUE;
}

/* ---- one more message of a one-way sender ----
 *
 * Computing a contact again costs its mail: a stranger who has sent
 * thousands of messages would make each next one cost thousands of
 * look-ups in every `notmuch new`.  But when the only change to a
 * contact in a run is new messages of theirs, when the stored history
 * is one-way from them (no mail of mine to them and no reply either
 * way, so no conversation, latency or two-way part), and when none of
 * the new messages replies to mine or is replied to by mine, then
 * _kith_aggr_compute would find the stored history plus the terms of
 * each new message alone: its count, directness, first and last, pull,
 * its month unless another message of theirs to me is dated in it
 * (index message_event), its author name.  Each is a few look-ups
 * whatever they sent before; anything else is computed in full.  The
 * result is the full computation's but for the last bits of pull,
 * which depend on the order the terms are added in. */

/* Is the month of ROW's date one in which no message of theirs to me
 * that counts (KITH_MSG_EVENT_SQL) came before ROW (a smaller rowid:
 * every older row, and the new ones added before it)? */
static gboolean
month_is_new (_kith_aggr_t *aggr, const char *address, const row_t *row, gboolean *is_new,
	      GError **error)
{
    sqlite3_stmt *stmt = aggr->q[Q_EVENT_IN_MONTH];
    g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (row->date);
    g_autoptr (GDateTime) start = NULL;
    g_autoptr (GDateTime) end = NULL;
    int rc;

    *is_new = FALSE;
    if (dt == NULL)
	return TRUE; /* no month, as in _kith_aggr_compute */
    start = g_date_time_new_utc (g_date_time_get_year (dt), g_date_time_get_month (dt), 1, 0, 0, 0);
    end = start ? g_date_time_add_months (start, 1) : NULL;
    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 2, start ? g_date_time_to_unix (start) : row->date);
    sqlite3_bind_int64 (stmt, 3, end ? g_date_time_to_unix (end) : G_MAXINT64);
    sqlite3_bind_int64 (stmt, 4, row->id);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
	*is_new = sqlite3_column_int (stmt, 0) == 0;
    sqlite3_reset (stmt);
    sqlite3_clear_bindings (stmt);
    if (rc != SQLITE_ROW) {
	_kith_store_set_error (aggr->store, error, "cannot read the kith store");
	return FALSE;
    }
    return TRUE;
}

/* Count one more use of ROW's author name, if it has one, keeping
 * *TOP (and *TOP_COUNT) the most used name, ties by byte order as
 * Q_NAMES sorts; a name used for the first time adds its words. */
static gboolean
add_name (_kith_aggr_t *aggr, const char *address, const row_t *row, char **top, gint64 *top_count,
	  GError **error)
{
    sqlite3_stmt *stmt = aggr->q[Q_AUTHOR_NAME];
    g_autofree char *name = NULL;
    gint64 count = 0;
    int rc;

    sqlite3_bind_int64 (stmt, 1, row->id);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
	name = column_strdup (stmt, 0);
    sqlite3_reset (stmt);
    if (rc != SQLITE_ROW) {
	_kith_store_set_error (aggr->store, error, "cannot read the kith store");
	return FALSE;
    }
    if (name == NULL)
	return TRUE;
    stmt = aggr->q[Q_ADD_NAME];
    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
	count = sqlite3_column_int64 (stmt, 0);
    sqlite3_reset (stmt);
    sqlite3_clear_bindings (stmt);
    if (rc != SQLITE_DONE) {
	_kith_store_set_error (aggr->store, error, "cannot write the kith store");
	return FALSE;
    }
    if (count == 1) {
	g_autoptr (GPtrArray) names = g_ptr_array_new ();

	g_ptr_array_add (names, name);
	if (! insert_words (aggr, address, names, error))
	    return FALSE;
    }
    if (*top == NULL || g_strcmp0 (name, *top) == 0 || count > *top_count ||
	(count == *top_count && strcmp (name, *top) < 0)) {
	g_free (*top);
	*top = g_steal_pointer (&name);
	*top_count = count;
    }
    return TRUE;
}

/* The stored contact's name and that name's count. */
static gboolean
stored_name (_kith_aggr_t *aggr, const char *address, char **top, gint64 *top_count, GError **error)
{
    sqlite3_stmt *stmt = aggr->q[Q_CONTACT_NAME];
    int rc;

    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW) {
	*top = column_strdup (stmt, 0);
	*top_count = sqlite3_column_int64 (stmt, 1);
    }
    sqlite3_reset (stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
	_kith_store_set_error (aggr->store, error, "cannot read the kith store");
	return FALSE;
    }
    return TRUE;
}

/* Add the new rows FRESH (rowids, all ADDRESS's) to ADDRESS's stored
 * one-way history; *DONE FALSE when that is not the case (see above),
 * with nothing written. */
static gboolean
add_one_way (_kith_aggr_t *aggr, const char *address, GArray *fresh, gboolean *done, GError **error)
{
    g_autoptr (GError) local = NULL;
    g_autofree char *top = NULL;
    gint64 top_count = 0;
    _kith_stats_t s;
    gboolean failed = FALSE;

    *done = FALSE;
    if (aggr->cutoff != 0)
	return TRUE;
    if (! _kith_store_read_contact (aggr->store, address, &s, &local)) {
	if (local) {
	    g_propagate_error (error, g_steal_pointer (&local));
	    return FALSE;
	}
	return TRUE; /* no contact yet */
    }
    if (! _kith_stats_one_way (&s))
	return TRUE;
    g_array_sort (fresh, compare_gint64);
    g_hash_table_remove_all (aggr->rows);
    for (guint i = 0; i < fresh->len; i++) {
	g_autoptr (GArray) kids = g_array_new (FALSE, FALSE, sizeof (gint64));
	row_t *row = get_row (aggr, g_array_index (fresh, gint64, i), &local), *parent;

	if (row == NULL) {
	    if (local) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	    }
	    return TRUE;
	}
	if (IS_MINE (row) || IS_EXCLUDED (row) || g_strcmp0 (row->author, address) != 0)
	    return TRUE;
	parent = resolve_parent (aggr, row, &failed, error);
	if (failed)
	    return FALSE;
	if (parent && IS_MINE (parent))
	    return TRUE;
	if (! children_ids (aggr, row, kids, error))
	    return FALSE;
	for (guint k = 0; k < kids->len; k++) {
	    row_t *kid = get_row (aggr, g_array_index (kids, gint64, k), error);
	    if (kid == NULL)
		return FALSE;
	    if (IS_MINE (kid))
		return TRUE;
	}
    }

    if (! stored_name (aggr, address, &top, &top_count, error))
	return FALSE;
    for (guint i = 0; i < fresh->len; i++) {
	row_t *row = get_row (aggr, g_array_index (fresh, gint64, i), error);
	gboolean to_me, few, crowd, new_month;

	if (row == NULL || ! add_name (aggr, address, row, &top, &top_count, error))
	    return FALSE;
	if (KITH_MSG_IS_AUTOMATED (row->flags)) {
	    s.count[KITH_COUNT_AUTOMATED]++;
	    continue;
	}
	to_me = (row->flags & KITH_MSG_TO_ME) != 0;
	s.count[to_me ? KITH_COUNT_RECEIVED : KITH_COUNT_SEEN]++;
	if (! to_me)
	    continue;
	if (! addressing (aggr, row, is_me, NULL, &few, &crowd, error))
	    return FALSE;
	s.direct_in += few;
	s.crowd_in += crowd;
	s.in_msgs++;
	if (row->date <= 0)
	    continue;
	_kith_pull_stats_add (&s, row->date, FALSE);
	if (! month_is_new (aggr, address, row, &new_month, error))
	    return FALSE;
	s.count[KITH_COUNT_MONTHS] += new_month;
	if (s.first == 0 || row->date < s.first) {
	    s.first = row->date;
	    s.i_wrote_first = FALSE;
	}
	s.last = MAX (s.last, row->date);
    }
    /* Each non-automated message of theirs is received or seen. */
    s.automated = is_automated (&address, 1, &s, s.count[KITH_COUNT_RECEIVED] + s.count[KITH_COUNT_SEEN]);
    g_hash_table_remove_all (aggr->rows);
    *done = TRUE;
    return _kith_store_write_contact (aggr->store, address, top, &s, error);
}

gboolean
_kith_aggr_update_contact (_kith_aggr_t *aggr, const char *address, GArray *fresh, GError **error)
{
    sqlite3_stmt *stmt;
    g_autoptr (GPtrArray) addresses = g_ptr_array_new ();
    g_autofree char *name = NULL;
    _kith_stats_t stats;
    gboolean appears, done = FALSE;
    int rc;

    for (int i = Q_DELETE_WORDS; i < Q_LAST; i++)
	if (aggr->q[i] == NULL && (aggr->q[i] = _kith_store_prepare (aggr->store, queries[i], error)) == NULL)
	    return FALSE;
    if (fresh && ! add_one_way (aggr, address, fresh, &done, error))
	return FALSE;
    if (done)
	return TRUE;

    stmt = aggr->q[Q_DELETE_NAMES];
    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
    if (! step_done (aggr, stmt, error))
	return FALSE;
    stmt = aggr->q[Q_DELETE_WORDS];
    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
    if (! step_done (aggr, stmt, error))
	return FALSE;

    stmt = aggr->q[Q_APPEARS];
    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
    rc = sqlite3_step (stmt);
    appears = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0);
    sqlite3_reset (stmt);
    if (rc != SQLITE_ROW) {
	_kith_store_set_error (aggr->store, error, "cannot read the kith store");
	return FALSE;
    }
    /* A platform's address is no person, whatever its mail says. */
    if (_kith_rules_platform_of (aggr->rules, address))
	appears = FALSE;
    if (! appears) {
	stmt = aggr->q[Q_DELETE_CONTACT];
	sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
	return step_done (aggr, stmt, error);
    }

    /* Names, most used first. */
    stmt = aggr->q[Q_NAMES];
    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
    {
	g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GArray) counts = g_array_new (FALSE, FALSE, sizeof (gint64));
	while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
	    gint64 n = sqlite3_column_int64 (stmt, 1);
	    g_ptr_array_add (names, column_strdup (stmt, 0));
	    g_array_append_val (counts, n);
	}
	sqlite3_reset (stmt);
	if (rc != SQLITE_DONE) {
	    _kith_store_set_error (aggr->store, error, "cannot read the kith store");
	    return FALSE;
	}
	for (guint i = 0; i < names->len; i++) {
	    stmt = aggr->q[Q_INSERT_NAME];
	    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
	    sqlite3_bind_text (stmt, 2, names->pdata[i], -1, SQLITE_STATIC);
	    sqlite3_bind_int64 (stmt, 3, g_array_index (counts, gint64, i));
	    if (! step_done (aggr, stmt, error))
		return FALSE;
	}
	if (names->len > 0)
	    name = g_strdup (names->pdata[0]);
	if (! insert_words (aggr, address, names, error))
	    return FALSE;
    }

    g_ptr_array_add (addresses, (gpointer) address);
    if (! _kith_aggr_compute (aggr, addresses, &stats, NULL, error))
	return FALSE;
    g_hash_table_remove_all (aggr->rows);
    return _kith_store_write_contact (aggr->store, address, name, &stats, error);
}

/* ---- third-party ties, for `notmuch kith paths` ---- */

void
_kith_tie_free (_kith_tie_t *tie)
{
    if (tie == NULL)
	return;
    g_free (tie->address);
    g_ptr_array_unref (tie->threads);
    g_free (tie);
}

/* The tie of ADDRESS in TIES, made on first use. */
static _kith_tie_t *
tie_of (GHashTable *ties, const char *address)
{
    _kith_tie_t *tie = g_hash_table_lookup (ties, address);

    if (tie == NULL) {
	tie = g_new0 (_kith_tie_t, 1);
	tie->address = g_strdup (address);
	tie->threads = g_ptr_array_new_with_free_func (g_free);
	g_hash_table_insert (ties, tie->address, tie);
    }
    return tie;
}

/* Count one event of ROW in TIE: *COUNTER, the thread, the dates. */
static void
tie_count (_kith_tie_t *tie, guint *counter, const row_t *row)
{
    (*counter)++;
    if (row->thread_id && ! strv_contains (tie->threads, row->thread_id))
	g_ptr_array_add (tie->threads, g_strdup (row->thread_id));
    if (tie->first == 0 || row->date < tie->first)
	tie->first = row->date;
    if (row->date > tie->last)
	tie->last = row->date;
}

/* ADDRESS can be the other end of a tie: not me, not the target, not a
 * list's or a platform's address, and ROW (theirs or to them) is no
 * automated mail. */
static gboolean
tie_end (_kith_aggr_t *aggr, GPtrArray *target, const char *address, const row_t *row)
{
    return address && ! _kith_config_is_me (aggr->config, address) && ! strv_contains (target, address) &&
	   ! KITH_MSG_IS_AUTOMATED (row->flags) && ! IS_EXCLUDED (row) &&
	   ! (aggr->rules && _kith_rules_platform_of (aggr->rules, address));
}

gboolean
_kith_aggr_ties (_kith_aggr_t *aggr, GPtrArray *target, GHashTable *ties, GError **error)
{
    g_autoptr (GArray) theirs = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr (GArray) to_them = g_array_new (FALSE, FALSE, sizeof (gint64));
    gboolean failed = FALSE;

    g_hash_table_remove_all (aggr->rows);
    for (guint a = 0; a < target->len; a++)
	if (! ids_by_text (aggr, Q_AUTHORED, target->pdata[a], theirs, error) ||
	    ! ids_by_text (aggr, Q_TO_THEM, target->pdata[a], to_them, error))
	    return FALSE;

    /* The target's messages: whom they reply to, whom they write to
     * directly, who replies to them. */
    for (guint i = 0; i < theirs->len; i++) {
	row_t *t = get_row (aggr, g_array_index (theirs, gint64, i), error);
	g_autoptr (GArray) kids = g_array_new (FALSE, FALSE, sizeof (gint64));
	row_t *p;
	GPtrArray *rcpts;

	if (t == NULL || KITH_MSG_IS_AUTOMATED (t->flags))
	    continue;
	p = resolve_parent (aggr, t, &failed, error);
	if (failed)
	    return FALSE;
	if (p && tie_end (aggr, target, p->author, p)) {
	    _kith_tie_t *tie = tie_of (ties, p->author);
	    tie_count (tie, &tie->replies_from_target, t);
	}
	if ((rcpts = get_rcpts (aggr, t, error)) == NULL)
	    return FALSE;
	for (guint r = 0; r < rcpts->len; r++) {
	    g_autoptr (GPtrArray) whom = g_ptr_array_new ();
	    gboolean few, crowd;
	    const char *x = rcpts->pdata[r];

	    /* Past KITH_FEW_PEOPLE on it, only someone in To can be
	     * written to one-to-few (addressing()): a bounded number of
	     * calls, whatever the number of Cc's. */
	    if (! tie_end (aggr, target, x, t) ||
		(rcpts->len > KITH_FEW_PEOPLE && ! (r < 32 && (t->to_mask & (1u << r)))))
		continue;
	    g_ptr_array_add (whom, (gpointer) x);
	    if (! addressing (aggr, t, is_them, whom, &few, &crowd, error))
		return FALSE;
	    if (few) {
		_kith_tie_t *tie = tie_of (ties, x);
		tie_count (tie, &tie->direct_from_target, t);
	    }
	}
	if (! children_ids (aggr, t, kids, error))
	    return FALSE;
	for (guint k = 0; k < kids->len; k++) {
	    row_t *c = get_row (aggr, g_array_index (kids, gint64, k), error);
	    row_t *cp;

	    if (c == NULL || ! tie_end (aggr, target, c->author, c))
		continue;
	    cp = resolve_parent (aggr, c, &failed, error);
	    if (failed)
		return FALSE;
	    if (cp == t) {
		_kith_tie_t *tie = tie_of (ties, c->author);
		tie_count (tie, &tie->replies_to_target, c);
	    }
	}
    }
    /* Others' messages to the target, directly. */
    for (guint i = 0; i < to_them->len; i++) {
	row_t *m = get_row (aggr, g_array_index (to_them, gint64, i), error);
	gboolean few, crowd;

	if (m == NULL || ! tie_end (aggr, target, m->author, m))
	    continue;
	if (! addressing (aggr, m, is_them, target, &few, &crowd, error))
	    return FALSE;
	if (few) {
	    _kith_tie_t *tie = tie_of (ties, m->author);
	    tie_count (tie, &tie->direct_to_target, m);
	}
    }
    return TRUE;
}
