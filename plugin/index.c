/* index.c - bringing the store up to date with notmuch
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run is one SQLite transaction: either the store moves to the new
 * notmuch revision as a whole, or it stays as it was.
 *
 * Full run (first run, --rebuild, another notmuch database UUID, or a
 * change of the settings in the config fingerprint): every message is
 * mined, then every contact is computed.
 *
 * Incremental run: the messages matching lastmod:REV+1.. (notmuch
 * bumps a message's lastmod when it is added, retagged or gets another
 * file) are handled one by one:
 *   - known message, same file: only the excluded flag (a tag
 *     change) and the thread id (notmuch merged two threads) can
 *     change, so no file is read;
 *   - otherwise its header block is mined again.
 * Removed messages are noticed by counting: once the changed messages
 * are in, the store holds every message notmuch has, so if it holds
 * more, some were removed; only then are all message ids compared.
 * Every contact that a touched row can influence is computed again
 * (_kith_aggr_dependents), before and after the change.
 */

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "kith-private.h"

#define EXCLUDED_FLAGS_MASK KITH_MSG_EXCLUDED

/* The SQLite page cache of an indexing run, in KiB; the environment
 * variable KITH_INDEX_CACHE_KB overrides it (the tests use a small one
 * to see a run that spills into the WAL before its commit). */
#define KITH_INDEX_CACHE_KB 8192

typedef struct {
    kith_t *kith;
    sqlite3_stmt *find;
    sqlite3_stmt *insert_message;
    sqlite3_stmt *insert_rcpt;
    sqlite3_stmt *delete_message;
    sqlite3_stmt *delete_rcpts;
    sqlite3_stmt *update_flags;
    _kith_aggr_t *aggr;
    GHashTable *affected; /* addresses whose contact rows must be recomputed */
    GHashTable *fresh;    /* address -> GArray of rowids: only new messages of theirs */
    GPtrArray *added;     /* message ids new to the store, or NULL */
    gboolean full;
    kith_index_stats_t *stats;
    gint64 now;           /* when the run started: the future of _kith_msg_date */
    guint recovered_named; /* of stats->recovered, named one by one */
    guint recovered_addresses;
    char *recovered_first; /* "'FILE' (ADDRESS)" of the first of them */
    gboolean verbose;     /* KITH_INDEX_VERBOSE */
    guint many;           /* messages with more than kith.max_recipients */
    char *many_first;     /* "<ID>" of the first of them */
    guint mine_added;     /* messages of mine new to the store */
} run_t;

/* Addresses GMime's parser drops and kith read (mime.c) are never
 * silent, and each such message is named once, when kith first reads
 * it: `notmuch kith index` names the first KITH_RECOVERED_NAMED and
 * ends with a line counting the rest (an Exchange export has them in
 * thousands; --verbose names them all); the hook, whose stderr notmuch
 * new shows, names the first and counts the others in one line. */
#define KITH_RECOVERED_NAMED 10

static void
note_recovered (run_t *run, const char *filename, const _kith_msg_t *msg)
{
    g_autofree char *display = g_filename_display_name (filename);

    run->stats->recovered++;
    run->recovered_addresses += msg->recovered;
    if (run->added == NULL && (run->verbose || run->recovered_named < KITH_RECOVERED_NAMED)) {
	run->recovered_named++;
	g_printerr ("Note: kith: '%s': read %u address%s that GMime's address parser drops (%s)\n",
		    display, msg->recovered, msg->recovered == 1 ? "" : "es",
		    msg->recovered_example ? msg->recovered_example : "?");
    } else if (run->recovered_first == NULL) {
	run->recovered_first = g_strdup_printf ("'%s' (%s)", display,
						msg->recovered_example ? msg->recovered_example : "?");
    }
}

static void
run_clear (run_t *run)
{
    if (run->recovered_first && run->added)
	g_printerr ("Note: kith: read %u address%s in %lu new message%s that GMime's address parser "
		    "drops, first %s\n",
		    run->recovered_addresses, run->recovered_addresses == 1 ? "" : "es",
		    run->stats->recovered, run->stats->recovered == 1 ? "" : "s", run->recovered_first);
    else if (run->recovered_first)
	g_printerr ("Note: kith: and %lu more message%s with addresses that GMime's address parser "
		    "drops, first %s (notmuch kith index --verbose names each)\n",
		    run->stats->recovered - run->recovered_named,
		    run->stats->recovered - run->recovered_named == 1 ? "" : "s", run->recovered_first);
    g_clear_pointer (&run->recovered_first, g_free);
    if (run->many > 0)
	g_printerr ("kith: %u message%s had more than kith.max_recipients (%u) recipients, counted "
		    "as group mail with nobody credited, first %s\n",
		    run->many, run->many == 1 ? "" : "s", run->kith->config->max_recipients, run->many_first);
    g_clear_pointer (&run->many_first, g_free);
    sqlite3_finalize (run->find);
    sqlite3_finalize (run->insert_message);
    sqlite3_finalize (run->insert_rcpt);
    sqlite3_finalize (run->delete_message);
    sqlite3_finalize (run->delete_rcpts);
    sqlite3_finalize (run->update_flags);
    _kith_aggr_free (run->aggr);
    if (run->affected)
	g_hash_table_unref (run->affected);
    if (run->fresh)
	g_hash_table_unref (run->fresh);
}

static gboolean
step_done (run_t *run, sqlite3_stmt *stmt, GError **error)
{
    int rc = sqlite3_step (stmt);

    sqlite3_reset (stmt);
    sqlite3_clear_bindings (stmt);
    if (rc != SQLITE_DONE) {
	_kith_store_set_error (run->kith->store, error, "cannot write the kith store");
	return FALSE;
    }
    return TRUE;
}

static gboolean
has_excluded_tag (run_t *run, notmuch_message_t *message)
{
    GPtrArray *exclude = run->kith->config->exclude_tags;
    g_autoptr (notmuch_tags_t) tags = NULL;

    if (exclude->len == 0)
	return FALSE;
    for (tags = notmuch_message_get_tags (message); notmuch_tags_valid (tags);
	 notmuch_tags_move_to_next (tags)) {
	const char *tag = notmuch_tags_get (tags);
	for (guint i = 0; i < exclude->len; i++)
	    if (strcmp (tag, exclude->pdata[i]) == 0)
		return TRUE;
    }
    return FALSE;
}

/* The author as notmuch stored it, or NULL. */
static _kith_addr_t *
from_notmuch (notmuch_message_t *message)
{
    const char *from = notmuch_message_get_header (message, "from");
    g_autofree char *headers = NULL;
    g_autoptr (_kith_msg_t) parsed = NULL;

    if (from == NULL || *from == '\0')
	return NULL;
    headers = g_strdup_printf ("From: %s\n\n", from);
    parsed = _kith_mime_parse_headers (headers, strlen (headers));
    return parsed ? g_steal_pointer (&parsed->from) : NULL;
}

/* When the file cannot be read, fall back on what notmuch keeps in its
 * own database (From and Subject), so that the message still counts as
 * mine or theirs. */
static _kith_msg_t *
facts_from_notmuch (notmuch_message_t *message)
{
    _kith_msg_t *msg = g_new0 (_kith_msg_t, 1);
    const char *subject = notmuch_message_get_header (message, "subject");

    msg->rcpts = g_ptr_array_new ();
    msg->references = g_ptr_array_new_with_free_func (g_free);
    msg->from = from_notmuch (message);
    if (subject) {
	msg->subject = g_utf8_make_valid (subject, -1);
	msg->subject_base = _kith_subject_base (msg->subject);
    }
    msg->flags = KITH_MSG_BROKEN;
    return msg;
}

/* One message of a full run whose file a reader thread parses (see
 * "Reading beside the notmuch iteration" below). */
typedef struct {
    notmuch_message_t *message; /* touched by the main thread only */
    char *filename;             /* NULL: notmuch knows no file */
    _kith_msg_t *msg;           /* the parse, NULL if the file is unreadable */
    GError *error;              /* why it is unreadable */
    gboolean done;              /* under reader_t.lock */
} job_t;

/* Does MSG name more distinct people (not counting Bcc on mail that is
 * not MINE) than kith.max_recipients? */
/* ------------------------------------------------------------------ */
/* What the store keeps of a message */

static gboolean
too_many_recipients (const _kith_config_t *config, const _kith_msg_t *msg, gboolean mine)
{
    g_autoptr (GHashTable) seen = NULL;

    if (msg->rcpts->len <= config->max_recipients)
	return FALSE;
    seen = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint r = 0; r < msg->rcpts->len; r++) {
	const _kith_addr_t *a = msg->rcpts->pdata[r];
	if (a->kind == KITH_RCPT_BCC && ! mine)
	    continue;
	g_hash_table_add (seen, a->address);
	if (g_hash_table_size (seen) > config->max_recipients)
	    return TRUE;
    }
    return FALSE;
}

void
_kith_msg_row (const _kith_config_t *config, const _kith_msg_t *msg, gboolean excluded, _kith_msg_row_t *row)
{
    gboolean mine = msg->from && _kith_config_is_me (config, msg->from->address);

    memset (row, 0, sizeof (*row));
    row->author = msg->from ? msg->from->address : NULL;
    row->author_name = msg->from ? msg->from->name : NULL;
    row->flags = msg->flags;
    if (mine)
	row->flags |= KITH_MSG_MINE;
    else if (msg->from && _kith_sender_is_robot (config->robots, msg->from->address, msg->from->name))
	row->flags |= KITH_MSG_ROBOT_SENDER;
    if (excluded)
	row->flags |= KITH_MSG_EXCLUDED;
    for (guint r = 0; r < msg->rcpts->len; r++) {
	const _kith_addr_t *a = msg->rcpts->pdata[r];
	if (a->kind != KITH_RCPT_BCC && _kith_config_is_me (config, a->address))
	    row->flags |= KITH_MSG_TO_ME;
    }
    /* A crowd's message, whoever is on it, and one whose recipients
     * would each cost a recomputation: nobody is credited. */
    if (too_many_recipients (config, msg, mine))
	row->flags |= KITH_MSG_MANY_RCPTS;
    row->parent = _kith_msg_parent_keys (msg, &row->ti_parent);
    row->has_reply_headers = msg->in_reply_to != NULL || (msg->references && msg->references->len > 0);
    row->rcpts = g_ptr_array_new ();
    for (guint r = 0; r < msg->rcpts->len && ! (row->flags & KITH_MSG_MANY_RCPTS); r++) {
	_kith_addr_t *a = msg->rcpts->pdata[r];
	/* Bcc counts only on my own sent copies. */
	if (a->kind != KITH_RCPT_BCC || mine)
	    g_ptr_array_add (row->rcpts, a);
    }
    row->list_address = msg->list_address;
}

void
_kith_msg_row_clear (_kith_msg_row_t *row)
{
    g_clear_pointer (&row->ti_parent, g_free);
    g_clear_pointer (&row->rcpts, g_ptr_array_unref);
}

/* Mine the file of MESSAGE (already parsed by a reader when JOB is not
 * NULL) into a new message row.  A bad message is warned about unless
 * QUIET (it was bad already when its file was last read). */
static gboolean
insert_message (run_t *run, notmuch_message_t *message, const char *filename,
		gboolean excluded, gboolean quiet, job_t *job, gint64 *rowid, GError **error)
{
    const _kith_config_t *config = run->kith->config;
    g_autoptr (GError) parse_error = NULL;
    g_autoptr (_kith_msg_t) msg = NULL;
    sqlite3_stmt *stmt = run->insert_message;
    g_auto (_kith_msg_row_t) row = { 0 };
    int i = 1;

    if (job) {
	msg = g_steal_pointer (&job->msg);
	parse_error = g_steal_pointer (&job->error);
    } else if (filename) {
	msg = _kith_mime_parse_file (filename, &parse_error);
    }
    if (msg == NULL) {
	if (! quiet) {
	    g_printerr ("Warning: kith: %s; using what notmuch knows of message <%s>\n",
			parse_error ? parse_error->message : "message has no file",
			notmuch_message_get_message_id (message));
	    run->stats->broken++;
	}
	msg = facts_from_notmuch (message);
    } else if (msg->from == NULL && quiet) {
	msg->from = from_notmuch (message);
	msg->flags |= KITH_MSG_BROKEN;
    } else if (msg->from == NULL) {
	/* A bad message too (one warning each): no author kith can
	 * read, so it counts for nobody, unless notmuch knows one. */
	g_autofree char *display = g_filename_display_name (filename);
	g_printerr ("Warning: kith: '%s' has no From address kith can read; using what notmuch "
		    "knows of message <%s>\n",
		    display, notmuch_message_get_message_id (message));
	msg->from = from_notmuch (message);
	msg->flags |= KITH_MSG_BROKEN;
	run->stats->broken++;
    }
    if (msg->recovered > 0 && ! quiet && filename)
	note_recovered (run, filename, msg);
    _kith_msg_row (config, msg, excluded, &row);
    if (row.flags & KITH_MSG_MINE)
	run->mine_added++;
    if (row.flags & KITH_MSG_MANY_RCPTS) {
	if (run->added && ! quiet)
	    g_printerr ("Warning: kith: message <%s> has more than kith.max_recipients (%u) "
			"recipients: counted as group mail, nobody credited\n",
			notmuch_message_get_message_id (message), config->max_recipients);
	else if (! quiet && run->many++ == 0)
	    run->many_first = g_strdup_printf ("<%s>", notmuch_message_get_message_id (message));
    }

    sqlite3_bind_text (stmt, i++, notmuch_message_get_message_id (message), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, i++, notmuch_message_get_thread_id (message), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, i++, filename ? filename : "", -1, SQLITE_TRANSIENT);
    /* The date kith counts: the Date header unless it is a placeholder
     * or in the future, then the Received date (mime.c). */
    sqlite3_bind_int64 (stmt, i++,
			_kith_msg_date (msg, (gint64) notmuch_message_get_date (message), run->now));
    sqlite3_bind_text (stmt, i++, row.author, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, i++, row.author_name, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, i++, msg->subject, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, i++, msg->subject_base, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, i++, row.parent, -1, SQLITE_STATIC);
    sqlite3_bind_int (stmt, i++, row.has_reply_headers);
    sqlite3_bind_text (stmt, i++, msg->thread_index, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, i++, row.ti_parent, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, i++, row.flags);
    if (! step_done (run, stmt, error))
	return FALSE;
    *rowid = sqlite3_last_insert_rowid (run->kith->store->db);

    for (guint r = 0; r < row.rcpts->len; r++) {
	const _kith_addr_t *a = row.rcpts->pdata[r];
	stmt = run->insert_rcpt;
	sqlite3_bind_int64 (stmt, 1, *rowid);
	sqlite3_bind_text (stmt, 2, a->address, -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 3, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_int (stmt, 4, a->kind);
	if (! step_done (run, stmt, error))
	    return FALSE;
    }
    if (row.list_address) {
	stmt = run->insert_rcpt;
	sqlite3_bind_int64 (stmt, 1, *rowid);
	sqlite3_bind_text (stmt, 2, row.list_address, -1, SQLITE_STATIC);
	sqlite3_bind_null (stmt, 3);
	sqlite3_bind_int (stmt, 4, KITH_RCPT_LIST);
	if (! step_done (run, stmt, error))
	    return FALSE;
    }
    run->stats->mined++;
    return TRUE;
}

static gboolean
delete_row (run_t *run, gint64 rowid, GError **error)
{
    sqlite3_bind_int64 (run->delete_rcpts, 1, rowid);
    if (! step_done (run, run->delete_rcpts, error))
	return FALSE;
    sqlite3_bind_int64 (run->delete_message, 1, rowid);
    return step_done (run, run->delete_message, error);
}

static gboolean
note_dependents (run_t *run, gint64 rowid, GError **error)
{
    if (run->full)
	return TRUE;
    return _kith_aggr_dependents (run->aggr, rowid, run->affected, NULL, error);
}

/* The same for a message new to the store: its author, when nothing
 * else about it names them, goes to run->fresh with the row (for
 * _kith_aggr_update_contact). */
static gboolean
note_new_dependents (run_t *run, gint64 rowid, GError **error)
{
    g_autofree char *author = NULL;
    GArray *rows;

    if (run->full)
	return TRUE;
    if (! _kith_aggr_dependents (run->aggr, rowid, run->affected, &author, error))
	return FALSE;
    if (author == NULL)
	return TRUE;
    rows = g_hash_table_lookup (run->fresh, author);
    if (rows == NULL) {
	rows = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_hash_table_insert (run->fresh, g_steal_pointer (&author), rows);
    }
    g_array_append_val (rows, rowid);
    return TRUE;
}

/* Handle one message that notmuch reports as new or changed. */
static gboolean
index_message (run_t *run, notmuch_message_t *message, job_t *job, GError **error)
{
    const char *message_id = notmuch_message_get_message_id (message);
    const char *filename = job ? job->filename : notmuch_message_get_filename (message);
    gboolean excluded = has_excluded_tag (run, message);
    gboolean known = FALSE, quiet = FALSE;
    gint64 rowid = 0;
    int rc;

    if (message_id == NULL) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_NOTMUCH_ERROR,
		     "notmuch returned a message without id (is the database being rewritten?)");
	return FALSE;
    }
    if (! run->full) {
	sqlite3_stmt *find = run->find;
	gboolean same_file = FALSE, same_thread = FALSE;
	guint flags = 0;

	sqlite3_bind_text (find, 1, message_id, -1, SQLITE_STATIC);
	rc = sqlite3_step (find);
	if (rc == SQLITE_ROW) {
	    rowid = sqlite3_column_int64 (find, 0);
	    same_file = g_strcmp0 ((const char *) sqlite3_column_text (find, 1), filename ? filename : "") == 0;
	    flags = (guint) sqlite3_column_int64 (find, 2);
	    same_thread = g_strcmp0 ((const char *) sqlite3_column_text (find, 3),
				     notmuch_message_get_thread_id (message)) == 0;
	}
	sqlite3_reset (find);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
	    _kith_store_set_error (run->kith->store, error, "cannot read the kith store");
	    return FALSE;
	}
	/* Same file: only the tags (excluded or not) and the thread
	 * (notmuch merges threads when a message links two) can have
	 * changed; no need to read the file again. */
	if (rowid && same_file && ! (flags & KITH_MSG_BROKEN)) {
	    guint now = excluded ? (flags | KITH_MSG_EXCLUDED) : (flags & ~KITH_MSG_EXCLUDED);
	    if (now != flags || ! same_thread) {
		if (! note_dependents (run, rowid, error))
		    return FALSE;
		sqlite3_bind_int64 (run->update_flags, 1, now);
		sqlite3_bind_text (run->update_flags, 2, notmuch_message_get_thread_id (message), -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64 (run->update_flags, 3, rowid);
		if (! step_done (run, run->update_flags, error))
		    return FALSE;
		run->stats->retagged++;
	    }
	    return TRUE;
	}
	if (rowid) {
	    known = TRUE;
	    /* A bad message read again (notmuch retagged it, say): it
	     * was warned about when it was first read. */
	    quiet = same_file && (flags & KITH_MSG_BROKEN);
	    if (! note_dependents (run, rowid, error) || ! delete_row (run, rowid, error))
		return FALSE;
	}
    }
    if (! insert_message (run, message, filename, excluded, quiet, job, &rowid, error))
	return FALSE;
    if (run->added && ! run->full && ! known)
	g_ptr_array_add (run->added, g_strdup (message_id));
    return known ? note_dependents (run, rowid, error) : note_new_dependents (run, rowid, error);
}

/* ------------------------------------------------------------------ */
/* Reading beside the notmuch iteration
 *
 * In a full run every message's file is read and parsed, a third of the
 * run.  Reader threads do that while the main thread walks notmuch and
 * writes the store: the main thread hands the file name of each message
 * to the pool in notmuch's order and takes the parses back in the same
 * order, so the rows are written exactly as without threads.  Only the
 * main thread calls notmuch or SQLite; the readers only call
 * _kith_mime_parse_file. */

/* How many messages may be handed out ahead of the one being written. */
#define READ_AHEAD 256
#define MAX_READERS 3

/* Plain POSIX threads, so that helgrind and ThreadSanitizer can check
 * them. */
typedef struct {
    pthread_t thread[MAX_READERS];
    int n_threads;
    pthread_mutex_t lock;
    pthread_cond_t work; /* a job was queued, or stop was set */
    pthread_cond_t done; /* a job was parsed */
    GQueue todo;         /* of job_t*, not started yet; under lock */
    gboolean stop;       /* under lock */
    GQueue jobs;         /* of job_t*: handed out, not written yet, oldest first;
			  * the main thread's */
} reader_t;

static void
job_free (job_t *job)
{
    notmuch_message_destroy (job->message);
    g_free (job->filename);
    _kith_msg_free (job->msg);
    g_clear_error (&job->error);
    g_free (job);
}

static void *
reader_main (void *data)
{
    reader_t *reader = data;

    pthread_mutex_lock (&reader->lock);
    for (;;) {
	GError *error = NULL;
	_kith_msg_t *msg = NULL;
	job_t *job;

	while (! reader->stop && g_queue_is_empty (&reader->todo))
	    pthread_cond_wait (&reader->work, &reader->lock);
	if (reader->stop)
	    break;
	job = g_queue_pop_head (&reader->todo);
	pthread_mutex_unlock (&reader->lock);
	if (job->filename)
	    msg = _kith_mime_parse_file (job->filename, &error);
	pthread_mutex_lock (&reader->lock);
	job->msg = msg;
	job->error = error;
	job->done = TRUE;
	pthread_cond_broadcast (&reader->done);
    }
    pthread_mutex_unlock (&reader->lock);
    return NULL;
}

static void reader_stop (reader_t *reader);

/* Start the readers: one fewer than the processors (the main thread is
 * busy too), at most MAX_READERS.  FALSE on a single processor, or when
 * no thread can be started: then the main thread reads the files. */
static gboolean
reader_start (reader_t *reader)
{
    int n = MIN ((int) g_get_num_processors () - 1, MAX_READERS);

    memset (reader, 0, sizeof (*reader));
    if (n < 1)
	return FALSE;
    pthread_mutex_init (&reader->lock, NULL);
    pthread_cond_init (&reader->work, NULL);
    pthread_cond_init (&reader->done, NULL);
    g_queue_init (&reader->todo);
    g_queue_init (&reader->jobs);
    _kith_mime_init (); /* once, before any thread parses */
    for (int i = 0; i < n; i++)
	if (pthread_create (&reader->thread[reader->n_threads], NULL, reader_main, reader) == 0)
	    reader->n_threads++;
    if (reader->n_threads == 0) {
	reader_stop (reader);
	return FALSE;
    }
    return TRUE;
}

/* Stop the readers (the files they have not started on are dropped)
 * and free every job not written. */
static void
reader_stop (reader_t *reader)
{
    pthread_mutex_lock (&reader->lock);
    reader->stop = TRUE;
    pthread_cond_broadcast (&reader->work);
    pthread_mutex_unlock (&reader->lock);
    for (int i = 0; i < reader->n_threads; i++)
	pthread_join (reader->thread[i], NULL);
    g_queue_clear (&reader->todo); /* its jobs are in jobs too */
    g_queue_clear_full (&reader->jobs, (GDestroyNotify) job_free);
    pthread_cond_destroy (&reader->done);
    pthread_cond_destroy (&reader->work);
    pthread_mutex_destroy (&reader->lock);
}

/* Hand the file of MESSAGE (which JOBS takes) to the readers. */
static void
reader_push (reader_t *reader, notmuch_message_t *message)
{
    job_t *job = g_new0 (job_t, 1);

    job->message = message;
    job->filename = g_strdup (notmuch_message_get_filename (message));
    g_queue_push_tail (&reader->jobs, job);
    pthread_mutex_lock (&reader->lock);
    g_queue_push_tail (&reader->todo, job);
    pthread_cond_signal (&reader->work);
    pthread_mutex_unlock (&reader->lock);
}

/* Is the oldest job parsed? */
static gboolean
reader_head_done (reader_t *reader)
{
    job_t *job = g_queue_peek_head (&reader->jobs);
    gboolean done;

    if (job == NULL)
	return FALSE;
    pthread_mutex_lock (&reader->lock);
    done = job->done;
    pthread_mutex_unlock (&reader->lock);
    return done;
}

/* Write the message of the oldest job, waiting for its parse. */
static gboolean
reader_write_one (reader_t *reader, run_t *run, GError **error)
{
    job_t *job = g_queue_pop_head (&reader->jobs);
    gboolean ok;

    pthread_mutex_lock (&reader->lock);
    while (! job->done)
	pthread_cond_wait (&reader->done, &reader->lock);
    pthread_mutex_unlock (&reader->lock);
    ok = index_message (run, job->message, job, error);
    job_free (job);
    return ok;
}

static gboolean
nm_error (notmuch_status_t st, GError **error, const char *what)
{
    g_set_error (error, KITH_ERROR, KITH_STATUS_NOTMUCH_ERROR, "%s: %s", what,
		 notmuch_status_to_string (st));
    return FALSE;
}

/* Remove the rows of messages notmuch no longer has. */
static gboolean
sweep_removed (run_t *run, GError **error)
{
    kith_t *kith = run->kith;
    g_autoptr (notmuch_query_t) query = NULL;
    g_autoptr (notmuch_messages_t) messages = NULL;
    g_autoptr (GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr (GArray) gone = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr (sqlite3_stmt) all = NULL;
    notmuch_status_t st;
    int rc;

    st = notmuch_query_create_with_syntax (kith->db, "*", NOTMUCH_QUERY_SYNTAX_XAPIAN, &query);
    if (st)
	return nm_error (st, error, "cannot query the notmuch database");
    notmuch_query_set_sort (query, NOTMUCH_SORT_UNSORTED);
    st = notmuch_query_search_messages (query, &messages);
    if (st)
	return nm_error (st, error, "cannot query the notmuch database");
    for (; notmuch_messages_valid (messages); notmuch_messages_move_to_next (messages)) {
	g_autoptr (notmuch_message_t) m = notmuch_messages_get (messages);
	g_hash_table_add (present, g_strdup (notmuch_message_get_message_id (m)));
    }
    all = _kith_store_prepare (kith->store, "SELECT id, message_id FROM message", error);
    if (all == NULL)
	return FALSE;
    while ((rc = sqlite3_step (all)) == SQLITE_ROW) {
	if (! g_hash_table_contains (present, sqlite3_column_text (all, 1))) {
	    gint64 id = sqlite3_column_int64 (all, 0);
	    g_array_append_val (gone, id);
	}
    }
    if (rc != SQLITE_DONE) {
	_kith_store_set_error (kith->store, error, "cannot read the kith store");
	return FALSE;
    }
    for (guint i = 0; i < gone->len; i++) {
	gint64 id = g_array_index (gone, gint64, i);
	if (! note_dependents (run, id, error) || ! delete_row (run, id, error))
	    return FALSE;
	run->stats->removed++;
    }
    return TRUE;
}

static gboolean
store_count (_kith_store_t *store, const char *sql, gint64 *count, GError **error)
{
    g_autoptr (sqlite3_stmt) stmt = _kith_store_prepare (store, sql, error);

    if (stmt == NULL)
	return FALSE;
    if (sqlite3_step (stmt) != SQLITE_ROW) {
	_kith_store_set_error (store, error, "cannot read the kith store");
	return FALSE;
    }
    *count = sqlite3_column_int64 (stmt, 0);
    return TRUE;
}

/* Every contact address of the store, or with GLOBS (GPatternSpec*)
 * those matching one of them, to be recomputed. */
static gboolean
collect_addresses (run_t *run, GPtrArray *globs, GError **error)
{
    g_autoptr (sqlite3_stmt) stmt = _kith_store_prepare (
	run->kith->store,
	"SELECT author FROM message WHERE author IS NOT NULL UNION SELECT address FROM recipient "
	"WHERE kind < 4", error);
    int rc;

    if (stmt == NULL)
	return FALSE;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
	const char *a = (const char *) sqlite3_column_text (stmt, 0);
	guint i = 0;

	if (a == NULL || _kith_config_is_me (run->kith->config, a))
	    continue;
	if (globs) {
	    g_autofree char *lower = g_utf8_strdown (a, -1);
	    for (i = 0; i < globs->len; i++)
		if (g_pattern_spec_match_string (globs->pdata[i], lower))
		    break;
	}
	if (globs == NULL || i < globs->len)
	    g_hash_table_add (run->affected, g_strdup (a));
    }
    if (rc != SQLITE_DONE) {
	_kith_store_set_error (run->kith->store, error, "cannot read the kith store");
	return FALSE;
    }
    return TRUE;
}

/* Whose address is a platform's, and so no contact, follows the rules
 * (_kith_rules_platform_of), which the user may edit between runs: the
 * store keeps the platform senders it was computed with (meta
 * platform_senders, "GLOB\tPLATFORM" lines), and when they change, the
 * addresses matching an old or a new one are recomputed; no re-mining. */
static gboolean
follow_platform_senders (run_t *run, const char *senders, GError **error)
{
    g_autofree char *stored = _kith_store_get_meta (run->kith->store, "platform_senders");
    g_autoptr (GPtrArray) globs = NULL;

    if (run->full || g_strcmp0 (stored, senders) == 0)
	return TRUE;
    globs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_pattern_spec_free);
    _kith_rules_platform_globs (stored, globs);
    _kith_rules_platform_globs (senders, globs);
    return collect_addresses (run, globs, error);
}


/* meta "newest": the date of the newest message in the store, the
 * "now" of the completion order (kith.c), so that it depends on the
 * mail alone.  One look-up (index message_date); no date in the store
 * is in the future (_kith_msg_date reads one as undated, 0). */
static gboolean
store_newest (_kith_store_t *store, GError **error)
{
    g_autoptr (sqlite3_stmt) stmt = _kith_store_prepare (
	store, "SELECT coalesce (max (date), 0) FROM message", error);
    g_autofree char *text = NULL;

    if (stmt == NULL)
	return FALSE;
    if (sqlite3_step (stmt) != SQLITE_ROW) {
	_kith_store_set_error (store, error, "cannot read the kith store");
	return FALSE;
    }
    text = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 0));
    return _kith_store_set_meta (store, KITH_META_NEWEST, text, error);
}

/* The replay (score.c: _kith_pull_replay) over the store: my latest
 * KITH_PULL_REPLAY_QUERIES messages to contacts (not automated ones:
 * completion offers them last) ask for their recipients; the mail
 * between me and those contacts answers, as completion counts it but
 * read from the rows alone (mine to them, theirs to me; not the replies
 * to me that do not name me, which only aggr.c's threading finds).
 * Automated and excluded messages count in neither.  The contacts are
 * looked up in memory, not joined: one pass over my messages'
 * recipients and one over the index of messages to me (message_event). */
#define REPLAY_MINE "(flags & 1280) = 256 AND " KITH_MSG_NOT_AUTOMATED_SQL " AND date > 0"
G_STATIC_ASSERT ((KITH_MSG_MINE | KITH_MSG_EXCLUDED) == 1280 && KITH_MSG_MINE == 256);

typedef struct {
    gint64 id, date;
    guint contact;
} sent_rcpt_t;

/* Latest first. */
static int
compare_sent_rcpts (gconstpointer a, gconstpointer b)
{
    const sent_rcpt_t *x = a, *y = b;

    if (x->date != y->date)
	return x->date > y->date ? -1 : 1;
    return x->id > y->id ? -1 : x->id < y->id;
}

/* Run the replay; *MINE gets the number of my messages it read. */
static gboolean
replay_memory (_kith_store_t *store, guint64 *mine, GError **error)
{
    g_autoptr (sqlite3_stmt) people =
	_kith_store_prepare (store, "SELECT address FROM contact WHERE automated = 0", error);
    g_autoptr (sqlite3_stmt) sent = NULL, received = NULL;
    g_autoptr (GHashTable) contacts = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr (GStringChunk) names = g_string_chunk_new (4096);
    g_autoptr (GArray) ev = g_array_new (FALSE, FALSE, sizeof (_kith_replay_event_t));
    g_autoptr (GArray) rcpts = g_array_new (FALSE, FALSE, sizeof (sent_rcpt_t));
    g_autoptr (GArray) qs = g_array_new (FALSE, FALSE, sizeof (_kith_replay_query_t));
    g_autoptr (GArray) to = g_array_new (FALSE, FALSE, sizeof (guint));
    g_autoptr (GArray) starts = g_array_new (FALSE, FALSE, sizeof (guint));
    g_autofree char *days = NULL;
    gint64 last_id = -1;
    guint choice, first = 0;
    int rc;

    *mine = 0;
    if (people == NULL)
	return FALSE;
    while ((rc = sqlite3_step (people)) == SQLITE_ROW) {
	const char *address = (const char *) sqlite3_column_text (people, 0);
	if (address)
	    g_hash_table_insert (contacts, g_string_chunk_insert (names, address),
				 GUINT_TO_POINTER (g_hash_table_size (contacts)));
    }
    if (rc != SQLITE_DONE)
	goto FAIL;

    /* My messages in id order (the table's own), each recipient a
     * contact once (To and Cc may name one twice). */
    sent = _kith_store_prepare (store,
				"SELECT m.id, m.date, r.address FROM message m JOIN recipient r "
				"ON r.message = m.id AND r.kind < 4 WHERE " REPLAY_MINE " ORDER BY m.id",
				error);
    if (sent == NULL)
	return FALSE;
    while ((rc = sqlite3_step (sent)) == SQLITE_ROW) {
	gpointer index;
	sent_rcpt_t r = { sqlite3_column_int64 (sent, 0), sqlite3_column_int64 (sent, 1), 0 };
	gboolean again = FALSE;

	if (r.id != last_id) {
	    (*mine)++, last_id = r.id;
	    first = rcpts->len;
	}
	if (sqlite3_column_text (sent, 2) == NULL ||
	    ! g_hash_table_lookup_extended (contacts, sqlite3_column_text (sent, 2), NULL, &index))
	    continue;
	r.contact = GPOINTER_TO_UINT (index);
	for (guint i = first; i < rcpts->len && ! again; i++)
	    again = g_array_index (rcpts, sent_rcpt_t, i).contact == r.contact;
	if (again)
	    continue;
	g_array_append_val (rcpts, r);
	g_array_append_val (ev, ((_kith_replay_event_t){ r.date, r.contact, TRUE }));
    }
    if (rc != SQLITE_DONE)
	goto FAIL;

    /* Theirs to me (the partial index message_event covers it). */
    received = _kith_store_prepare (store, "SELECT date, author FROM message WHERE " KITH_MSG_EVENT_SQL, error);
    if (received == NULL)
	return FALSE;
    while ((rc = sqlite3_step (received)) == SQLITE_ROW) {
	gpointer index;

	/* (a message whose author kith could not read has none) */
	if (sqlite3_column_int64 (received, 0) > 0 && sqlite3_column_text (received, 1) &&
	    g_hash_table_lookup_extended (contacts, sqlite3_column_text (received, 1), NULL, &index))
	    g_array_append_val (ev, ((_kith_replay_event_t){ sqlite3_column_int64 (received, 0),
							     GPOINTER_TO_UINT (index), FALSE }));
    }
    if (rc != SQLITE_DONE)
	goto FAIL;

    /* The queries: my latest messages to contacts, their recipients. */
    g_array_sort (rcpts, compare_sent_rcpts);
    last_id = -1;
    for (guint i = 0; i < rcpts->len; i++) {
	sent_rcpt_t *r = &g_array_index (rcpts, sent_rcpt_t, i);

	if (r->id != last_id) {
	    if (qs->len == KITH_PULL_REPLAY_QUERIES)
		break;
	    g_array_append_val (qs, ((_kith_replay_query_t){ r->date, NULL, 0 }));
	    g_array_append_val (starts, to->len);
	    last_id = r->id;
	}
	g_array_append_val (to, r->contact);
	g_array_index (qs, _kith_replay_query_t, qs->len - 1).n_rcpts++;
    }
    for (guint q = 0; q < qs->len; q++)
	g_array_index (qs, _kith_replay_query_t, q).rcpts =
	    &g_array_index (to, guint, g_array_index (starts, guint, q));

    choice = _kith_pull_replay ((const _kith_replay_event_t *) ev->data, ev->len, g_hash_table_size (contacts),
				(const _kith_replay_query_t *) qs->data, qs->len, NULL);
    days = g_strdup_printf ("%.0f", _kith_pull_sum_days (choice));
    return _kith_store_set_meta (store, KITH_META_PULL_MEMORY, days, error);

FAIL:
    _kith_store_set_error (store, error, "cannot read the kith store");
    return FALSE;
}

/* The replay again when the store was mined in full, has never had
 * one, or enough messages of mine have come since the last: ten, or a
 * fiftieth of those it read if more (a habit of years does not change
 * in a week, and the replay reads all my mail); else count this run's. */
static gboolean
update_memory (run_t *run, GError **error)
{
    _kith_store_t *store = run->kith->store;
    g_autofree char *memory = _kith_store_get_meta (store, KITH_META_PULL_MEMORY);
    g_autofree char *text = _kith_store_get_meta (store, KITH_META_PULL_UNREPLAYED);
    g_autofree char *seen_text = _kith_store_get_meta (store, KITH_META_PULL_REPLAYED);
    g_autofree char *pending = NULL;
    guint64 n = (text ? g_ascii_strtoull (text, NULL, 10) : 0) + run->mine_added;
    guint64 seen = seen_text ? g_ascii_strtoull (seen_text, NULL, 10) : 0;

    if (run->full || memory == NULL || n >= MAX (KITH_PULL_REPLAY_EVERY, seen / 50)) {
	g_autofree char *count = NULL;

	if (! replay_memory (store, &seen, error))
	    return FALSE;
	count = g_strdup_printf ("%" G_GUINT64_FORMAT, seen);
	return _kith_store_set_meta (store, KITH_META_PULL_REPLAYED, count, error) &&
	       _kith_store_set_meta (store, KITH_META_PULL_UNREPLAYED, "0", error);
    }
    pending = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
    return _kith_store_set_meta (store, KITH_META_PULL_UNREPLAYED, pending, error);
}

static gboolean
index_in_transaction (run_t *run, unsigned int flags, kith_progress_fn progress,
		      void *user_data, GError **error)
{
    kith_t *kith = run->kith;
    _kith_store_t *store = kith->store;
    g_autoptr (notmuch_query_t) query = NULL;
    g_autoptr (notmuch_messages_t) messages = NULL;
    g_autofree char *stored_rev = _kith_store_get_meta (store, "revision");
    g_autofree char *counted = _kith_store_get_meta (store, KITH_META_COUNTED_STATE);
    g_autofree char *state = NULL;
    g_autofree char *query_string = NULL;
    g_autofree char *rev_string = NULL;
    g_autofree char *now_string = NULL;
    g_autoptr (GPtrArray) addresses = NULL;
    g_autofree char *senders = NULL;
    _kith_rules_t *rules;
    reader_t reader;
    const char *uuid = NULL;
    unsigned long revision, done = 0;
    unsigned int total = 0, nm_count = 0;
    gint64 rows = 0;
    notmuch_status_t st;
    GHashTableIter it;
    gpointer key;

    revision = notmuch_database_get_revision (kith->db, &uuid);
    if (kith->notmuch_state)
	state = g_strdup_printf ("%lu %s", revision, kith->notmuch_state);
    run->full = (flags & KITH_INDEX_REBUILD) || _kith_index_is_full (store, kith->config, uuid);
    run->stats->rebuilt = run->full;
    if (run->full) {
	if (! _kith_store_exec (store, "DELETE FROM recipient; DELETE FROM message; "
				       "DELETE FROM contact; DELETE FROM contact_name; "
				       "DELETE FROM contact_word;",
				error) ||
	    ! _kith_store_drop_indexes (store, error))
	    return FALSE;
	query_string = g_strdup ("*");
    } else {
	query_string = g_strdup_printf ("lastmod:%lu..%lu",
					strtoul (stored_rev, NULL, 10) + 1, revision);
    }

    st = notmuch_query_create_with_syntax (kith->db, query_string, NOTMUCH_QUERY_SYNTAX_XAPIAN, &query);
    if (st)
	return nm_error (st, error, "cannot query the notmuch database");
    notmuch_query_set_sort (query, NOTMUCH_SORT_UNSORTED);
    if (progress) {
	notmuch_query_count_messages (query, &total);
	progress (0, total, user_data);
    }
    st = notmuch_query_search_messages (query, &messages);
    if (st)
	return nm_error (st, error, "cannot query the notmuch database");
    if (run->full && reader_start (&reader)) {
	for (; notmuch_messages_valid (messages); notmuch_messages_move_to_next (messages)) {
	    reader_push (&reader, notmuch_messages_get (messages));
	    /* Write whatever is parsed already, and keep the window. */
	    while (reader.jobs.length > READ_AHEAD || reader_head_done (&reader)) {
		if (! reader_write_one (&reader, run, error)) {
		    reader_stop (&reader);
		    return FALSE;
		}
		if (progress && (++done % 500) == 0)
		    progress (done, total, user_data);
	    }
	}
	while (reader.jobs.length > 0) {
	    if (! reader_write_one (&reader, run, error)) {
		reader_stop (&reader);
		return FALSE;
	    }
	    if (progress && (++done % 500) == 0)
		progress (done, total, user_data);
	}
	reader_stop (&reader);
    } else {
	for (; notmuch_messages_valid (messages); notmuch_messages_move_to_next (messages)) {
	    g_autoptr (notmuch_message_t) message = notmuch_messages_get (messages);
	    if (! index_message (run, message, NULL, error))
		return FALSE;
	    if (progress && (++done % 500) == 0)
		progress (done, total, user_data);
	}
    }
    if (progress)
	progress (done, total, user_data);

    if (run->full) {
	if (! _kith_store_create_indexes (store, error) || ! collect_addresses (run, NULL, error))
	    return FALSE;
    } else if (! (flags & KITH_INDEX_NO_SWEEP) &&
	       ! (state && g_strcmp0 (state, counted) == 0 &&
		  strtoul (stored_rev, NULL, 10) == revision)) {
	/* Counting every message costs a pass over the whole database:
	 * skip it while notmuch is still in the state last counted. */
	g_autoptr (notmuch_query_t) all = NULL;
	st = notmuch_query_create_with_syntax (kith->db, "*", NOTMUCH_QUERY_SYNTAX_XAPIAN, &all);
	if (st == NOTMUCH_STATUS_SUCCESS)
	    st = notmuch_query_count_messages (all, &nm_count);
	if (st)
	    return nm_error (st, error, "cannot count the notmuch messages");
	if (! store_count (store, "SELECT count(*) FROM message", &rows, error))
	    return FALSE;
	if ((gint64) nm_count != rows && ! sweep_removed (run, error))
	    return FALSE;
    }

    rules = _kith_session_rules (kith, TRUE, NULL);
    _kith_aggr_set_rules (run->aggr, rules);
    senders = _kith_rules_platform_senders (rules);
    if (! follow_platform_senders (run, senders, error))
	return FALSE;

    /* Recompute the touched contacts, in a stable order: those touched
     * only by new messages of theirs given those rows. */
    addresses = g_ptr_array_new ();
    g_hash_table_iter_init (&it, run->affected);
    while (g_hash_table_iter_next (&it, &key, NULL))
	g_ptr_array_add (addresses, key);
    g_hash_table_iter_init (&it, run->fresh);
    while (g_hash_table_iter_next (&it, &key, NULL))
	if (! g_hash_table_contains (run->affected, key))
	    g_ptr_array_add (addresses, key);
    g_ptr_array_sort (addresses, _kith_compare_strings);
    for (guint i = 0; i < addresses->len; i++) {
	const char *a = addresses->pdata[i];
	GArray *fresh = g_hash_table_contains (run->affected, a) ? NULL : g_hash_table_lookup (run->fresh, a);
	if (! _kith_aggr_update_contact (run->aggr, a, fresh, error))
	    return FALSE;
    }
    run->stats->contacts_updated = addresses->len;

    rev_string = g_strdup_printf ("%lu", revision);
    now_string = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
    if (! store_newest (store, error) || ! update_memory (run, error))
	return FALSE;
    /* The store now holds exactly the messages of this state (unless
     * the removals were not looked for). */
    if (! (flags & KITH_INDEX_NO_SWEEP) &&
	! _kith_store_set_meta (store, KITH_META_COUNTED_STATE, state ? state : "", error))
	return FALSE;
    if (! _kith_store_set_meta (store, "notmuch_uuid", uuid ? uuid : "", error) ||
	! _kith_store_set_meta (store, "revision", rev_string, error) ||
	! _kith_store_set_meta (store, "fingerprint", kith->config->fingerprint, error) ||
	! _kith_store_set_meta (store, "platform_senders", senders, error) ||
	! _kith_store_set_meta (store, "indexed_at", now_string, error))
	return FALSE;
    run->stats->revision = revision;
    return TRUE;
}

gboolean
_kith_index_set_pending (_kith_store_t *store, GPtrArray *ids, GError **error)
{
    g_autoptr (GString) text = g_string_new (NULL);

    for (guint i = 0; i < ids->len; i++)
	g_string_append_printf (text, "%s%s", i ? "\n" : "", (const char *) ids->pdata[i]);
    return _kith_store_set_meta (store, "hook_pending", text->str, error);
}

/* The hook's messages awaiting judgement (meta hook_pending, one id a
 * line): this run's new messages, plus those of an earlier hook run
 * that ended (killed, say) after its store commit and before notmuch
 * had their tags, which are added to ADDED.  Written in the run's own
 * transaction; the hook clears it once the tags are saved.  A full run
 * judges nothing, and forgets them. */
static gboolean
keep_pending (run_t *run, GPtrArray *added, GError **error)
{
    _kith_store_t *store = run->kith->store;
    g_autofree char *old = _kith_store_get_meta (store, "hook_pending");
    g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
    g_auto (GStrv) ids = NULL;
    guint n = added->len;

    if (run->full)
	return _kith_store_set_meta (store, "hook_pending", "", error);
    for (guint i = 0; i < n; i++)
	g_hash_table_add (seen, added->pdata[i]);
    ids = g_strsplit (old ? old : "", "\n", -1);
    for (char **id = ids; *id; id++)
	if (**id && ! g_hash_table_contains (seen, *id)) {
	    g_hash_table_add (seen, *id);
	    g_ptr_array_add (added, g_strdup (*id));
	}
    if (added->len == 0 && (old == NULL || *old == '\0'))
	return TRUE; /* nothing to write */
    return _kith_index_set_pending (store, added, error);
}

gboolean
_kith_index_is_full (_kith_store_t *store, const _kith_config_t *config, const char *notmuch_uuid)
{
    g_autofree char *stored_uuid = _kith_store_get_meta (store, "notmuch_uuid");
    g_autofree char *stored_rev = _kith_store_get_meta (store, "revision");
    g_autofree char *stored_fp = _kith_store_get_meta (store, "fingerprint");

    return stored_rev == NULL || g_strcmp0 (stored_uuid, notmuch_uuid) != 0 ||
	   g_strcmp0 (stored_fp, config->fingerprint) != 0;
}

gboolean
_kith_index_run (kith_t *kith, unsigned int flags, kith_progress_fn progress,
		 void *user_data, kith_index_stats_t *stats, GPtrArray *added,
		 GError **error)
{
    _kith_store_t *store = kith->store;
    run_t run = { 0 };
    gboolean ok;

    memset (stats, 0, sizeof (*stats));
    run.kith = kith;
    run.stats = stats;
    run.added = added;
    run.verbose = (flags & KITH_INDEX_VERBOSE) != 0;
    run.now = g_get_real_time () / G_USEC_PER_SEC;
    run.affected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    run.fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
    /* SQLite's default page cache (2 MB) is much smaller than the
     * store of a large mailbox; a larger one saves most re-reads. */
    {
	const char *env = g_getenv ("KITH_INDEX_CACHE_KB");
	gint64 kb = env && *env ? g_ascii_strtoll (env, NULL, 10) : KITH_INDEX_CACHE_KB;
	g_autofree char *sql = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT,
						-CLAMP (kb, 64, 1024 * 1024));
	sqlite3_exec (store->db, sql, NULL, NULL, NULL);
    }
    if (sqlite3_exec (store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
	int busy = sqlite3_errcode (store->db) == SQLITE_BUSY;
	_kith_store_set_error (store, error, "cannot start writing the kith store");
	if (busy && error && *error)
	    (*error)->code = KITH_STATUS_DATABASE_LOCKED;
	run_clear (&run);
	return FALSE;
    }
    ok = (run.find = _kith_store_prepare (store, "SELECT id, filename, flags, thread_id FROM message WHERE message_id = ?", error)) &&
	 (run.insert_message = _kith_store_prepare (
	      store,
	      "INSERT INTO message (message_id, thread_id, filename, date, author, author_name, "
	      "subject, subject_base, parent, has_reply_headers, thread_index, ti_parent, flags) "
	      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", error)) &&
	 (run.insert_rcpt = _kith_store_prepare (
	      store, "INSERT INTO recipient (message, address, name, kind) VALUES (?,?,?,?)", error)) &&
	 (run.delete_message = _kith_store_prepare (store, "DELETE FROM message WHERE id = ?", error)) &&
	 (run.delete_rcpts = _kith_store_prepare (store, "DELETE FROM recipient WHERE message = ?", error)) &&
	 (run.update_flags = _kith_store_prepare (store, "UPDATE message SET flags = ?, thread_id = ? WHERE id = ?", error)) &&
	 (run.aggr = _kith_aggr_new (store, kith->config, error)) &&
	 index_in_transaction (&run, flags, progress, user_data, error) &&
	 (added == NULL || keep_pending (&run, added, error));
    run_clear (&run);
    if (! ok) {
	sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
	return FALSE;
    }
    if (sqlite3_exec (store->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
	_kith_store_set_error (store, error, "cannot commit to the kith store");
	sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
	return FALSE;
    }
    return TRUE;
}
