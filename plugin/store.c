/* store.c - kith's SQLite store
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One file, kith.db, beside the notmuch database (per profile).  It is
 * created 0600, and every open for writing makes it and its -wal and
 * -shm files 0600 again and refuses them if another user owns them:
 * it is the user's social graph.  WAL mode, so readers
 * (kith who, a mail client's completion) never wait for an indexer.
 *
 * Schema version 1:
 *
 *   meta         key/value: schema_version, notmuch_uuid, revision (the
 *                notmuch lastmod the rows reflect), fingerprint (of the
 *                settings the rows depend on), indexed_at.
 *   message      one row per notmuch message: the facts mined from its
 *                header block (author, subject, reply headers, Outlook
 *                Thread-Index, bulk signals and my/excluded flags).
 *   recipient    To/Cc/Bcc of each message row.
 *   contact      per address: the counts of aggr.c, derived from the
 *                message rows only, so any sequence of incremental runs
 *                leaves the same rows as a rebuild.
 *   contact_name the display names seen per address, with counts.
 *                Schema 5 added pull, the completion order's decayed
 *                sum of our mail (score.c), and an index of the message
 *                rows by date; a version 4 store gains both when opened
 *                for writing and is mined again.  Schema 7 added
 *                pull_long, the same sum over a longer half-life; a
 *                version 6 store gains it likewise.  Schema 8 keeps
 *                five such sums instead (pull_7 ... pull_1792, over
 *                7 * 4^j days), of which the memory the replay picks
 *                uses two; a version 7 store trades its two for them.
 *   contact_word (schema 2) the words completion looks a prefix up in,
 *                per address: the address, the folded words of its
 *                local part and of its display names (names.c).  A
 *                version 1 store gains it in place when opened for
 *                writing.
 *
 * PRAGMA application_id marks the file as kith's ('kith' in ASCII);
 * PRAGMA user_version holds the schema version.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kith-private.h"

#define KITH_APPLICATION_ID 0x6b697468

#define CONTACT_WORD_SQL                            \
    "CREATE TABLE contact_word ("                   \
    "  word TEXT NOT NULL, address TEXT NOT NULL,"  \
    "  PRIMARY KEY (word, address)) WITHOUT ROWID;" \
    "CREATE INDEX contact_word_address ON contact_word (address);"

/* The contact columns of schema 3 (directness, score.c's caps). */
#define CONTACT_DIRECT_SQL                                 \
    "direct_out INTEGER NOT NULL DEFAULT 0,"             \
    "  direct_in INTEGER NOT NULL DEFAULT 0,"            \
    "  crowd_in INTEGER NOT NULL DEFAULT 0"

/* The contact column of schema 5 (score.c: the completion order), gone
 * in schema 8. */
#define CONTACT_PULL_SQL "pull REAL NOT NULL DEFAULT 0"

/* The contact column of schema 7 (score.c: the completion order's long
 * memory), gone in schema 8. */
#define CONTACT_PULL_LONG_SQL "pull_long REAL NOT NULL DEFAULT 0"

/* The contact columns of schema 8 (score.c: the completion order's sums
 * over 7, 28, 112, 448 and 1792 days; KITH_CONTACT_PULL_COLUMNS). */
#define CONTACT_PULL_N_SQL(days) "pull_" #days " REAL NOT NULL DEFAULT 0"
#define CONTACT_PULLS_SQL  \
    CONTACT_PULL_N_SQL (7) \
    ", " CONTACT_PULL_N_SQL (28) ", " CONTACT_PULL_N_SQL (112) ", " CONTACT_PULL_N_SQL (448) ", " CONTACT_PULL_N_SQL (1792)

/* The secondary indexes of the message rows: dropped during a full run
 * and made again after the load (sorting once is cheaper than keeping
 * them up to date row by row). */
#define INDEX_SQL                                                   \
    "CREATE INDEX message_author ON message (author, date);"        \
    "CREATE INDEX message_parent ON message (parent);"              \
    "CREATE INDEX message_thread_index ON message (thread_index);"  \
    "CREATE INDEX message_ti_parent ON message (ti_parent);"        \
    "CREATE INDEX message_subject ON message (subject_base, date);" \
    "CREATE INDEX message_thread ON message (thread_id, date);"     \
    "CREATE INDEX message_date ON message (date);"                  \
    "CREATE INDEX recipient_message ON recipient (message);"        \
    "CREATE INDEX recipient_address ON recipient (address);"        \
    MESSAGE_EVENT_SQL ";"

/* Schema 6: the messages of a one-way sender that count in their
 * history (aggr.c: one more message of a one-way sender), by author and
 * date, so that "another such message of theirs that month" is one
 * look-up however much they sent. */
#define MESSAGE_EVENT_SQL \
    "CREATE INDEX IF NOT EXISTS message_event ON message (author, date) WHERE " KITH_MSG_EVENT_SQL

static const char drop_index_sql[] =
    "DROP INDEX IF EXISTS message_author;"
    "DROP INDEX IF EXISTS message_parent;"
    "DROP INDEX IF EXISTS message_thread_index;"
    "DROP INDEX IF EXISTS message_ti_parent;"
    "DROP INDEX IF EXISTS message_subject;"
    "DROP INDEX IF EXISTS message_thread;"
    "DROP INDEX IF EXISTS message_date;"
    "DROP INDEX IF EXISTS recipient_message;"
    "DROP INDEX IF EXISTS recipient_address;"
    "DROP INDEX IF EXISTS message_event;";

static const char schema_sql[] =
    "PRAGMA application_id = 1802073192;"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE message ("
    "  id INTEGER PRIMARY KEY,"
    "  message_id TEXT NOT NULL UNIQUE,"
    "  thread_id TEXT NOT NULL,"
    "  filename TEXT NOT NULL,"
    "  date INTEGER NOT NULL,"
    "  author TEXT,"
    "  author_name TEXT,"
    "  subject TEXT,"
    "  subject_base TEXT,"
    "  parent TEXT,"
    "  has_reply_headers INTEGER NOT NULL,"
    "  thread_index TEXT,"
    "  ti_parent TEXT,"
    "  flags INTEGER NOT NULL);"
    "CREATE TABLE recipient ("
    "  message INTEGER NOT NULL,"
    "  address TEXT NOT NULL,"
    "  name TEXT,"
    "  kind INTEGER NOT NULL);"
    "CREATE TABLE contact ("
    "  address TEXT PRIMARY KEY,"
    "  name TEXT,"
    "  sent_direct INTEGER NOT NULL, sent_group INTEGER NOT NULL,"
    "  received INTEGER NOT NULL, seen INTEGER NOT NULL,"
    "  automated_msgs INTEGER NOT NULL,"
    "  replies_from INTEGER NOT NULL, replies_to INTEGER NOT NULL,"
    "  conversations INTEGER NOT NULL, list_conversations INTEGER NOT NULL,"
    "  months INTEGER NOT NULL,"
    "  out_msgs INTEGER NOT NULL, in_msgs INTEGER NOT NULL,"
    "  first INTEGER NOT NULL, last INTEGER NOT NULL,"
    "  latency_them INTEGER NOT NULL, latency_me INTEGER NOT NULL,"
    "  i_wrote_first INTEGER NOT NULL, automated INTEGER NOT NULL,"
    "  " CONTACT_DIRECT_SQL ","
    "  " CONTACT_PULLS_SQL
    ") WITHOUT ROWID;"
    "CREATE TABLE contact_name ("
    "  address TEXT NOT NULL, name TEXT NOT NULL, count INTEGER NOT NULL,"
    "  PRIMARY KEY (address, name)) WITHOUT ROWID;" CONTACT_WORD_SQL INDEX_SQL
    "PRAGMA user_version = " G_STRINGIFY (KITH_SCHEMA_VERSION) ";";

void
_kith_store_set_error (_kith_store_t *store, GError **error, const char *context)
{
    int code = store->db ? sqlite3_errcode (store->db) : SQLITE_ERROR;
    int errnum = store->db ? sqlite3_system_errno (store->db) : 0;
    kith_status_t status = KITH_STATUS_STORE_ERROR;
    g_autofree char *why = NULL;

    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
	status = KITH_STATUS_STORE_CORRUPT;
    /* A full disk, a file size limit, an I/O error: say what the
     * system said too. */
    if (errnum && (code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_CANTOPEN))
	why = g_strdup_printf ("%s: %s", sqlite3_errmsg (store->db), g_strerror (errnum));
    g_set_error (error, KITH_ERROR, status, "%s: %s (store %s)%s", context,
		 why ? why : store->db ? sqlite3_errmsg (store->db) : "cannot open",
		 store->path,
		 status == KITH_STATUS_STORE_CORRUPT
		     ? "; run 'notmuch kith index --rebuild' to recreate it"
		     : "");
}

gboolean
_kith_store_exec (_kith_store_t *store, const char *sql, GError **error)
{
    if (sqlite3_exec (store->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
	_kith_store_set_error (store, error, "cannot write the kith store");
	return FALSE;
    }
    return TRUE;
}

sqlite3_stmt *
_kith_store_prepare (_kith_store_t *store, const char *sql, GError **error)
{
    sqlite3_stmt *stmt = NULL;

    if (sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK) {
	_kith_store_set_error (store, error, "cannot read the kith store");
	return NULL;
    }
    return stmt;
}

char *
_kith_store_get_meta (_kith_store_t *store, const char *key)
{
    g_autoptr (sqlite3_stmt) stmt = NULL;

    if (sqlite3_prepare_v2 (store->db, "SELECT value FROM meta WHERE key = ?", -1, &stmt, NULL) != SQLITE_OK)
	return NULL;
    sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step (stmt) != SQLITE_ROW)
	return NULL;
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

gboolean
_kith_store_set_meta (_kith_store_t *store, const char *key, const char *value,
		      GError **error)
{
    g_autoptr (sqlite3_stmt) stmt = NULL;

    if (sqlite3_prepare_v2 (store->db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
			    -1, &stmt, NULL) != SQLITE_OK) {
	_kith_store_set_error (store, error, "cannot write the kith store");
	return FALSE;
    }
    sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
    if (sqlite3_step (stmt) != SQLITE_DONE) {
	_kith_store_set_error (store, error, "cannot write the kith store");
	return FALSE;
    }
    return TRUE;
}

gboolean
_kith_store_drop_indexes (_kith_store_t *store, GError **error)
{
    return _kith_store_exec (store, drop_index_sql, error);
}

gboolean
_kith_store_create_indexes (_kith_store_t *store, GError **error)
{
    return _kith_store_exec (store, INDEX_SQL, error);
}

/* KITH_DEBUG=work: the SQLite virtual machine steps of each statement
 * as it finishes, summed, and printed on stderr when the store closes.
 * The tests of cost (T093) count work with it: unlike time, it does
 * not vary with the machine. */
static int
count_work (unsigned int event, void *data, void *stmt, void *unused)
{
    _kith_store_t *store = data;

    store->work += (guint64) sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_VM_STEP, 1);
    return 0;
}

static gboolean
debug_work (void)
{
    const char *debug = g_getenv ("KITH_DEBUG");

    return debug && strstr (debug, "work");
}

void
_kith_store_close (_kith_store_t *store)
{
    if (store == NULL)
	return;
    if (store->db && debug_work ()) {
	for (sqlite3_stmt *stmt = NULL; (stmt = sqlite3_next_stmt (store->db, stmt));)
	    count_work (0, store, stmt, NULL);
	g_printerr ("kith: work: %" G_GUINT64_FORMAT " SQLite steps in %s\n", store->work, store->path);
    }
    sqlite3_finalize (store->write_contact);
    if (store->db)
	sqlite3_close_v2 (store->db);
    g_free (store->path);
    g_free (store);
}

static gboolean
pragma_int (_kith_store_t *store, const char *sql, sqlite3_int64 *out)
{
    g_autoptr (sqlite3_stmt) stmt = NULL;

    if (sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
	return FALSE;
    if (sqlite3_step (stmt) != SQLITE_ROW)
	return FALSE;
    *out = sqlite3_column_int64 (stmt, 0);
    return TRUE;
}

/* Create an empty file 0600, so that SQLite (which gives its -wal and
 * -shm files the database's permissions) never makes a readable one. */
static gboolean
create_private_file (const char *path, GError **error)
{
    int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

    if (fd < 0) {
	int saved = errno;
	g_set_error (error, KITH_ERROR, KITH_STATUS_STORE_ERROR,
		     "cannot create the kith store '%s': %s", path, g_strerror (saved));
	return FALSE;
    }
    close (fd);
    return TRUE;
}

/* Make one file of the store (PATH: the store or its -wal or -shm
 * file; a symbolic link is followed) private before writing: refuse it
 * unless it is a regular file of mine, and take away any permission of
 * the group and others.  A file that does not exist is fine. */
static gboolean
secure_file (const char *path, GError **error)
{
    struct stat st;
    int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    gboolean ok = FALSE;
    int rc;

    if (fd < 0 && errno == ENOENT)
	return TRUE;
    /* Unreadable (mode 0200, say): by its path, as well as can be done. */
    rc = fd >= 0 ? fstat (fd, &st) : stat (path, &st);
    if (rc != 0) {
	ok = errno == ENOENT;
	if (! ok)
	    g_set_error (error, KITH_ERROR, KITH_STATUS_STORE_ERROR,
			 "cannot check the kith store file '%s': %s", path, g_strerror (errno));
    } else if (! S_ISREG (st.st_mode)) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_STORE_ERROR,
		     "the kith store file '%s' is not a regular file; move it away "
		     "or set kith.store to another path",
		     path);
    } else if (st.st_uid != geteuid ()) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_STORE_ERROR,
		     "the kith store file '%s' belongs to another user (uid %u, not %u): "
		     "kith writes only a store of its own user",
		     path, (unsigned) st.st_uid, (unsigned) geteuid ());
    } else if ((st.st_mode & (S_IRWXG | S_IRWXO)) &&
	       (fd >= 0 ? fchmod (fd, st.st_mode & S_IRWXU) : chmod (path, st.st_mode & S_IRWXU)) != 0) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_STORE_ERROR,
		     "cannot make the kith store file '%s' private (mode %04o): %s",
		     path, (unsigned) (st.st_mode & 07777), g_strerror (errno));
    } else {
	ok = TRUE;
    }
    if (fd >= 0)
	close (fd);
    return ok;
}

/* The store and its -wal and -shm files, made private (secure_file). */
static gboolean
secure_store_files (const char *path, GError **error)
{
    static const char *const suffixes[] = { "", "-wal", "-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++) {
	g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
	if (! secure_file (file, error))
	    return FALSE;
    }
    return TRUE;
}

gboolean
_kith_store_write_words (_kith_store_t *store, const char *address, GPtrArray *names,
			 GError **error)
{
    g_autoptr (sqlite3_stmt) del = NULL;
    g_autoptr (sqlite3_stmt) ins = NULL;
    g_autoptr (GPtrArray) words = NULL;

    del = _kith_store_prepare (store, "DELETE FROM contact_word WHERE address = ?", error);
    if (del == NULL)
	return FALSE;
    sqlite3_bind_text (del, 1, address, -1, SQLITE_STATIC);
    if (sqlite3_step (del) != SQLITE_DONE) {
	_kith_store_set_error (store, error, "cannot write the kith store");
	return FALSE;
    }
    if (names == NULL)
	return TRUE;
    ins = _kith_store_prepare (store, "INSERT OR IGNORE INTO contact_word (word, address) VALUES (?, ?)", error);
    if (ins == NULL)
	return FALSE;
    words = _kith_completion_words (address, names);
    for (guint i = 0; i < words->len; i++) {
	sqlite3_bind_text (ins, 1, words->pdata[i], -1, SQLITE_STATIC);
	sqlite3_bind_text (ins, 2, address, -1, SQLITE_STATIC);
	if (sqlite3_step (ins) != SQLITE_DONE) {
	    _kith_store_set_error (store, error, "cannot write the kith store");
	    return FALSE;
	}
	sqlite3_reset (ins);
    }
    return TRUE;
}

/* Schema 1 -> 2: add contact_word and fill it from the contact and
 * contact_name rows, in one transaction; no re-index needed. */
static gboolean
migrate_to_2 (_kith_store_t *store, GError **error)
{
    g_autoptr (sqlite3_stmt) contacts = NULL;
    g_autoptr (sqlite3_stmt) names = NULL;
    int rc;

    if (! _kith_store_exec (store, "BEGIN IMMEDIATE", error))
	return FALSE;
    if (! _kith_store_exec (store, CONTACT_WORD_SQL, error))
	goto FAIL;
    contacts = _kith_store_prepare (store, "SELECT address FROM contact", error);
    names = _kith_store_prepare (store, "SELECT name FROM contact_name WHERE address = ?", error);
    if (contacts == NULL || names == NULL)
	goto FAIL;
    while ((rc = sqlite3_step (contacts)) == SQLITE_ROW) {
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
	const char *address = (const char *) sqlite3_column_text (contacts, 0);

	sqlite3_bind_text (names, 1, address, -1, SQLITE_STATIC);
	while (sqlite3_step (names) == SQLITE_ROW)
	    g_ptr_array_add (list, g_strdup ((const char *) sqlite3_column_text (names, 0)));
	sqlite3_reset (names);
	if (! _kith_store_write_words (store, address, list, error))
	    goto FAIL;
    }
    if (rc != SQLITE_DONE) {
	_kith_store_set_error (store, error, "cannot read the kith store");
	goto FAIL;
    }
    g_clear_pointer (&contacts, sqlite3_finalize);
    g_clear_pointer (&names, sqlite3_finalize);
    if (! _kith_store_exec (store, "PRAGMA user_version = 2", error) ||
	! _kith_store_set_meta (store, "schema_version", "2", error) ||
	! _kith_store_exec (store, "COMMIT", error))
	goto FAIL;
    return TRUE;

FAIL:
    g_clear_pointer (&contacts, sqlite3_finalize);
    g_clear_pointer (&names, sqlite3_finalize);
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
}

/* In a transaction: add each of COLUMNS (pairs of constant SQL: is it
 * there, add it) that contact lacks, and forget the fingerprint, so
 * that the next index, which fills them, is a full one whatever the
 * settings. */
static gboolean
add_contact_columns (_kith_store_t *store, const char *const (*columns)[2], guint n_columns,
		     GError **error)
{
    for (guint i = 0; i < n_columns; i++) {
	sqlite3_int64 n = 0;

	if (! pragma_int (store, columns[i][0], &n)) {
	    _kith_store_set_error (store, error, "cannot read the kith store");
	    return FALSE;
	}
	if (n == 0 && ! _kith_store_exec (store, columns[i][1], error))
	    return FALSE;
    }
    return _kith_store_set_meta (store, "fingerprint", "", error);
}

/* One schema step, whole or not at all: the contact COLUMNS (N_COLUMNS
 * pairs, see add_contact_columns; may be none), then SQL (may be NULL),
 * then the store marked with PRAGMA (constant SQL setting user_version)
 * and VERSION. */
static gboolean
migrate (_kith_store_t *store, const char *const (*columns)[2], guint n_columns, const char *sql,
	 const char *pragma, const char *version, GError **error)
{
    if (! _kith_store_exec (store, "BEGIN IMMEDIATE", error))
	return FALSE;
    if ((n_columns > 0 && ! add_contact_columns (store, columns, n_columns, error)) ||
	(sql && ! _kith_store_exec (store, sql, error)) || ! _kith_store_exec (store, pragma, error) ||
	! _kith_store_set_meta (store, "schema_version", version, error) ||
	! _kith_store_exec (store, "COMMIT", error)) {
	sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
	return FALSE;
    }
    return TRUE;
}

/* Schema 3 -> 4: the thread index also orders by date, so that the
 * first message of a thread is one look-up however long the thread
 * (hook.c: who started it). */
static gboolean
migrate_to_4 (_kith_store_t *store, GError **error)
{
    return migrate (store, NULL, 0,
		    "DROP INDEX IF EXISTS message_thread;"
		    "CREATE INDEX message_thread ON message (thread_id, date)",
		    "PRAGMA user_version = 4", "4", error);
}

/* Schema 4 -> 5: the pull column of contact (the completion order), 0
 * until the next index mines the store again, which it does in full,
 * and the date index of the message rows (the newest message, index.c). */
static gboolean
migrate_to_5 (_kith_store_t *store, GError **error)
{
    static const char *const columns[][2] = {
	{ "SELECT count(*) FROM pragma_table_info('contact') WHERE name = 'pull'",
	  "ALTER TABLE contact ADD COLUMN " CONTACT_PULL_SQL },
    };

    return migrate (store, columns, G_N_ELEMENTS (columns),
		    "CREATE INDEX IF NOT EXISTS message_date ON message (date)", "PRAGMA user_version = 5", "5",
		    error);
}

/* Schema 5 -> 6: the index of a one-way sender's messages, and the
 * author index by date too (hook.c: a sender's later messages); nothing
 * to mine again. */
static gboolean
migrate_to_6 (_kith_store_t *store, GError **error)
{
    return migrate (store, NULL, 0,
		    MESSAGE_EVENT_SQL ";"
		    "DROP INDEX IF EXISTS message_author;"
		    "CREATE INDEX message_author ON message (author, date)",
		    "PRAGMA user_version = 6", "6", error);
}

/* Schema 6 -> 7: the pull_long column of contact (the completion
 * order's long memory), 0 until the next index mines the store again,
 * which it does in full. */
static gboolean
migrate_to_7 (_kith_store_t *store, GError **error)
{
    static const char *const columns[][2] = {
	{ "SELECT count(*) FROM pragma_table_info('contact') WHERE name = 'pull_long'",
	  "ALTER TABLE contact ADD COLUMN " CONTACT_PULL_LONG_SQL },
    };

    return migrate (store, columns, G_N_ELEMENTS (columns), NULL, "PRAGMA user_version = 7", "7", error);
}

/* Schema 7 -> 8: the completion order's five sums (a memory the replay
 * picks among three) in place of its two, 0 until the next index mines
 * the store again, which it does in full. */
static gboolean
migrate_to_8 (_kith_store_t *store, GError **error)
{
#define PULL_COLUMN(days)                                                                  \
    {                                                                                      \
	"SELECT count(*) FROM pragma_table_info('contact') WHERE name = 'pull_" #days "'", \
	    "ALTER TABLE contact ADD COLUMN " CONTACT_PULL_N_SQL (days)                    \
    }
    static const char *const columns[][2] = {
	PULL_COLUMN (7),
	PULL_COLUMN (28),
	PULL_COLUMN (112),
	PULL_COLUMN (448),
	PULL_COLUMN (1792),
    };
#undef PULL_COLUMN

    return migrate (store, columns, G_N_ELEMENTS (columns),
		    "ALTER TABLE contact DROP COLUMN pull; ALTER TABLE contact DROP COLUMN pull_long",
		    "PRAGMA user_version = 8", "8", error);
}

/* Schema 2 -> 3: the directness columns of contact, 0 until the next
 * index mines the store again, which it does in full. */
static gboolean
migrate_to_3 (_kith_store_t *store, GError **error)
{
    /* Constant SQL, one pair per column: is it there, add it. */
    static const char *const columns[][2] = {
	{ "SELECT count(*) FROM pragma_table_info('contact') WHERE name = 'direct_out'",
	  "ALTER TABLE contact ADD COLUMN direct_out INTEGER NOT NULL DEFAULT 0" },
	{ "SELECT count(*) FROM pragma_table_info('contact') WHERE name = 'direct_in'",
	  "ALTER TABLE contact ADD COLUMN direct_in INTEGER NOT NULL DEFAULT 0" },
	{ "SELECT count(*) FROM pragma_table_info('contact') WHERE name = 'crowd_in'",
	  "ALTER TABLE contact ADD COLUMN crowd_in INTEGER NOT NULL DEFAULT 0" },
    };

    return migrate (store, columns, G_N_ELEMENTS (columns), NULL, "PRAGMA user_version = 3", "3", error);
}

/* The directory SQLite makes the -wal and -shm files of PATH in (that
 * of the file a symbolic link names), if kith cannot write it: a
 * read-only file system, snapshot or share.  NULL if it can; else
 * *ERRNO_OUT says why. */
static char *
unwritable_dir (const char *path, int *errno_out)
{
    g_autofree char *real = realpath (path, NULL);
    g_autofree char *dir = g_path_get_dirname (real ? real : path);

    if (access (dir, W_OK) == 0)
	return NULL;
    *errno_out = errno;
    return g_steal_pointer (&dir);
}

/* A read-only open of PATH in a directory kith cannot write: SQLite
 * cannot make the -shm file WAL mode reads through, so open the file
 * as immutable (no locks, no -shm) when there is no -shm file already
 * and no -wal file with changes that the store itself does not hold
 * (a store closed cleanly has neither).  Sets *URI to the URI to open,
 * or leaves it NULL for an ordinary open. */
static gboolean
read_only_uri (const char *path, char **uri, GError **error)
{
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *dir = NULL;
    g_autofree char *escaped = NULL;
    GStatBuf st;
    int why = 0;

    *uri = NULL;
    dir = unwritable_dir (path, &why);
    if (dir == NULL || g_file_test (shm, G_FILE_TEST_EXISTS))
	return TRUE;
    if (g_stat (wal, &st) == 0 && st.st_size > 0) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_STORE_ERROR,
		     "cannot read the kith store '%s': its directory '%s' cannot be "
		     "written (%s) and its -wal file holds changes not yet in the "
		     "store; run 'notmuch kith status' once where it can be written",
		     path, dir, g_strerror (why));
	return FALSE;
    }
    escaped = g_uri_escape_string (path, "/", FALSE);
    *uri = g_strdup_printf ("file:%s?immutable=1", escaped);
    return TRUE;
}

_kith_store_t *
_kith_store_open (const char *path, gboolean create, int busy_timeout_ms, GError **error)
{
    g_autoptr (_kith_store_t) store = g_new0 (_kith_store_t, 1);
    gboolean fresh = FALSE;
    sqlite3_int64 app_id = 0, version = 0;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    g_autofree char *uri = NULL;

    store->path = g_strdup (path);
    if (! g_file_test (path, G_FILE_TEST_EXISTS)) {
	if (! create) {
	    g_set_error (error, KITH_ERROR, KITH_STATUS_NOT_INDEXED,
			 "there is no kith store at '%s' yet: run 'notmuch kith index'", path);
	    return NULL;
	}
	if (! create_private_file (path, error))
	    return NULL;
	fresh = TRUE;
    }
    if (! create) {
	flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
	if (! read_only_uri (path, &uri, error))
	    return NULL;
	if (uri)
	    flags |= SQLITE_OPEN_URI;
    } else if (! fresh) {
	int why = 0;
	g_autofree char *dir = unwritable_dir (path, &why);

	if (dir) {
	    g_set_error (error, KITH_ERROR, KITH_STATUS_STORE_ERROR,
			 "cannot write the kith store '%s': its directory '%s' cannot "
			 "be written (%s); the store can only be read there",
			 path, dir, g_strerror (why));
	    return NULL;
	}
    }
    /* Writing: the store is mine and private, whatever mode it was
     * left with (SQLite gives new -wal and -shm files its mode). */
    if (create && ! secure_store_files (path, error))
	return NULL;
    if (sqlite3_open_v2 (uri ? uri : path, &store->db, flags, NULL) != SQLITE_OK) {
	_kith_store_set_error (store, error, "cannot open the kith store");
	return NULL;
    }
    sqlite3_extended_result_codes (store->db, 0);
    if (debug_work ())
	sqlite3_trace_v2 (store->db, SQLITE_TRACE_PROFILE, count_work, store);
    sqlite3_busy_timeout (store->db, busy_timeout_ms);

    if (! pragma_int (store, "PRAGMA application_id", &app_id) ||
	! pragma_int (store, "PRAGMA user_version", &version)) {
	_kith_store_set_error (store, error, "cannot read the kith store");
	if (sqlite3_errcode (store->db) == SQLITE_CORRUPT || sqlite3_errcode (store->db) == SQLITE_NOTADB)
	    g_prefix_error (error, "the kith store is damaged: ");
	return NULL;
    }
    if (app_id == 0 && version == 0 && create) {
	sqlite3_int64 tables = -1;
	if (! pragma_int (store, "SELECT count(*) FROM sqlite_master", &tables) || tables != 0) {
	    g_set_error (error, KITH_ERROR, KITH_STATUS_STORE_CORRUPT,
			 "'%s' is not a kith store; move it away or set kith.store "
			 "to another path", path);
	    return NULL;
	}
	if (! _kith_store_exec (store, "PRAGMA journal_mode = WAL", error))
	    return NULL;
	if (! _kith_store_exec (store, "BEGIN", error) ||
	    ! _kith_store_exec (store, schema_sql, error) ||
	    ! _kith_store_set_meta (store, "schema_version", G_STRINGIFY (KITH_SCHEMA_VERSION), error) ||
	    ! _kith_store_exec (store, "COMMIT", error)) {
	    if (fresh)
		g_unlink (path);
	    return NULL;
	}
	app_id = KITH_APPLICATION_ID;
	version = KITH_SCHEMA_VERSION;
    }
    if (app_id != KITH_APPLICATION_ID) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_STORE_CORRUPT,
		     "'%s' is not a kith store; move it away or set kith.store "
		     "to another path", path);
	return NULL;
    }
    if (version > KITH_SCHEMA_VERSION) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_STORE_VERSION,
		     "the kith store '%s' has schema version %" G_GINT64_FORMAT
		     ", newer than this kith understands (%d): upgrade kith, "
		     "or remove the file to start over",
		     path, (gint64) version, KITH_SCHEMA_VERSION);
	return NULL;
    }
    if (version < 1) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_STORE_CORRUPT,
		     "the kith store '%s' is damaged (no schema); run "
		     "'notmuch kith index --rebuild' to recreate it", path);
	return NULL;
    }
    if (create && ! _kith_store_exec (store, "PRAGMA synchronous = NORMAL", error))
	return NULL;
    /* The -wal and -shm files exist now: private too. */
    if (create && ! secure_store_files (path, error))
	return NULL;
    if (create && version == 1 && ! migrate_to_2 (store, error))
	return NULL;
    if (create && version <= 2 && ! migrate_to_3 (store, error))
	return NULL;
    if (create && version <= 3 && ! migrate_to_4 (store, error))
	return NULL;
    if (create && version <= 4 && ! migrate_to_5 (store, error))
	return NULL;
    if (create && version <= 5 && ! migrate_to_6 (store, error))
	return NULL;
    if (create && version <= 6 && ! migrate_to_7 (store, error))
	return NULL;
    if (create && version <= 7 && ! migrate_to_8 (store, error))
	return NULL;
    if (! create && version < KITH_SCHEMA_READABLE) {
	g_set_error (error, KITH_ERROR, KITH_STATUS_STORE_VERSION,
		     "the kith store '%s' was written by an older kith: run "
		     "'notmuch kith index' once to update it",
		     path);
	return NULL;
    }
    return g_steal_pointer (&store);
}

void
_kith_store_stats_from_row (sqlite3_stmt *stmt, int i, _kith_stats_t *s)
{
    static const kith_count_t counts[] = {
	KITH_COUNT_SENT_DIRECT, KITH_COUNT_SENT_GROUP, KITH_COUNT_RECEIVED,
	KITH_COUNT_SEEN, KITH_COUNT_AUTOMATED, KITH_COUNT_REPLIES_FROM,
	KITH_COUNT_REPLIES_TO, KITH_COUNT_CONVERSATIONS,
	KITH_COUNT_LIST_CONVERSATIONS, KITH_COUNT_MONTHS,
    };

    memset (s, 0, sizeof (*s));
    for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
	s->count[counts[c]] = sqlite3_column_int64 (stmt, i++);
    s->out_msgs = sqlite3_column_int64 (stmt, i++);
    s->in_msgs = sqlite3_column_int64 (stmt, i++);
    s->first = sqlite3_column_int64 (stmt, i++);
    s->last = sqlite3_column_int64 (stmt, i++);
    s->latency_them = sqlite3_column_int64 (stmt, i++);
    s->latency_me = sqlite3_column_int64 (stmt, i++);
    s->i_wrote_first = sqlite3_column_int (stmt, i++);
    s->automated = sqlite3_column_int (stmt, i++);
    s->direct_out = sqlite3_column_int64 (stmt, i++);
    s->direct_in = sqlite3_column_int64 (stmt, i++);
    s->crowd_in = sqlite3_column_int64 (stmt, i++);
    for (guint j = 0; j < KITH_PULL_N_SUMS; j++)
	s->pull[j] = sqlite3_column_double (stmt, i++);
}

gboolean
_kith_store_read_contact (_kith_store_t *store, const char *address,
			  _kith_stats_t *s, GError **error)
{
    g_autoptr (sqlite3_stmt) stmt = NULL;
    g_autofree char *sql = g_strdup_printf ("SELECT %s FROM contact WHERE address = ?",
					    KITH_CONTACT_COLUMNS);
    int rc;

    memset (s, 0, sizeof (*s));
    stmt = _kith_store_prepare (store, sql, error);
    if (stmt == NULL)
	return FALSE;
    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
    rc = sqlite3_step (stmt);
    if (rc != SQLITE_ROW) {
	if (rc != SQLITE_DONE)
	    _kith_store_set_error (store, error, "cannot read the kith store");
	return FALSE;
    }
    _kith_store_stats_from_row (stmt, 0, s);
    return TRUE;
}

gboolean
_kith_store_write_contact (_kith_store_t *store, const char *address, const char *name,
			   const _kith_stats_t *s, GError **error)
{
    sqlite3_stmt *stmt = store->write_contact;
    int i = 1, rc;

    if (stmt == NULL) {
	stmt = store->write_contact = _kith_store_prepare (
	    store,
	    "INSERT OR REPLACE INTO contact (address, name, " KITH_CONTACT_COLUMNS
	    ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	    error);
	if (stmt == NULL)
	    return FALSE;
    }
    sqlite3_bind_text (stmt, i++, address, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, i++, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, i++, s->count[KITH_COUNT_SENT_DIRECT]);
    sqlite3_bind_int64 (stmt, i++, s->count[KITH_COUNT_SENT_GROUP]);
    sqlite3_bind_int64 (stmt, i++, s->count[KITH_COUNT_RECEIVED]);
    sqlite3_bind_int64 (stmt, i++, s->count[KITH_COUNT_SEEN]);
    sqlite3_bind_int64 (stmt, i++, s->count[KITH_COUNT_AUTOMATED]);
    sqlite3_bind_int64 (stmt, i++, s->count[KITH_COUNT_REPLIES_FROM]);
    sqlite3_bind_int64 (stmt, i++, s->count[KITH_COUNT_REPLIES_TO]);
    sqlite3_bind_int64 (stmt, i++, s->count[KITH_COUNT_CONVERSATIONS]);
    sqlite3_bind_int64 (stmt, i++, s->count[KITH_COUNT_LIST_CONVERSATIONS]);
    sqlite3_bind_int64 (stmt, i++, s->count[KITH_COUNT_MONTHS]);
    sqlite3_bind_int64 (stmt, i++, s->out_msgs);
    sqlite3_bind_int64 (stmt, i++, s->in_msgs);
    sqlite3_bind_int64 (stmt, i++, s->first);
    sqlite3_bind_int64 (stmt, i++, s->last);
    sqlite3_bind_int64 (stmt, i++, s->latency_them);
    sqlite3_bind_int64 (stmt, i++, s->latency_me);
    sqlite3_bind_int (stmt, i++, s->i_wrote_first);
    sqlite3_bind_int (stmt, i++, s->automated);
    sqlite3_bind_int64 (stmt, i++, s->direct_out);
    sqlite3_bind_int64 (stmt, i++, s->direct_in);
    sqlite3_bind_int64 (stmt, i++, s->crowd_in);
    for (guint j = 0; j < KITH_PULL_N_SUMS; j++)
	sqlite3_bind_double (stmt, i++, s->pull[j]);
    rc = sqlite3_step (stmt);
    sqlite3_reset (stmt);
    sqlite3_clear_bindings (stmt);
    if (rc != SQLITE_DONE) {
	_kith_store_set_error (store, error, "cannot write the kith store");
	return FALSE;
    }
    return TRUE;
}

gboolean
_kith_store_check (_kith_store_t *store, GError **error)
{
    g_autoptr (sqlite3_stmt) stmt = NULL;
    g_autofree char *problem = NULL;
    int rc;

    if (sqlite3_prepare_v2 (store->db, "PRAGMA quick_check(1)", -1, &stmt, NULL) != SQLITE_OK) {
	_kith_store_set_error (store, error, "cannot check the kith store");
	return FALSE;
    }
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW) {
	const char *text = (const char *) sqlite3_column_text (stmt, 0);
	if (g_strcmp0 (text, "ok") == 0)
	    return TRUE;
	problem = g_strdup (text ? text : "unknown damage");
	g_strdelimit (problem, "\n", ';'); /* one line */
    } else if (sqlite3_errcode (store->db) == SQLITE_CORRUPT ||
	       sqlite3_errcode (store->db) == SQLITE_NOTADB) {
	problem = g_strdup (sqlite3_errmsg (store->db));
    } else {
	_kith_store_set_error (store, error, "cannot check the kith store");
	return FALSE;
    }
    g_set_error (error, KITH_ERROR, KITH_STATUS_STORE_CORRUPT,
		 "the kith store '%s' is damaged (%s); run 'notmuch kith index --rebuild' "
		 "to recreate it (the damaged file is kept as %s.damaged-DATE)",
		 store->path, problem, store->path);
    return FALSE;
}

gboolean
_kith_store_is_damaged (const char *path)
{
    g_autoptr (sqlite3) db = NULL;
    g_autoptr (sqlite3_stmt) stmt = NULL;
    sqlite3_int64 app_id;

    if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
	return TRUE;
    if (sqlite3_prepare_v2 (db, "PRAGMA application_id", -1, &stmt, NULL) != SQLITE_OK ||
	sqlite3_step (stmt) != SQLITE_ROW)
	return sqlite3_errcode (db) == SQLITE_NOTADB || sqlite3_errcode (db) == SQLITE_CORRUPT;
    app_id = sqlite3_column_int64 (stmt, 0);
    g_clear_pointer (&stmt, sqlite3_finalize);
    if (app_id != KITH_APPLICATION_ID)
	return FALSE; /* someone else's database: never touch it */
    if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM meta", -1, &stmt, NULL) != SQLITE_OK ||
	sqlite3_step (stmt) != SQLITE_ROW)
	return TRUE;
    g_clear_pointer (&stmt, sqlite3_finalize);
    if (sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL) != SQLITE_OK ||
	sqlite3_step (stmt) != SQLITE_ROW)
	return TRUE;
    return g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0;
}

gboolean
_kith_store_move_aside (const char *path, GError **error)
{
    static const char *const suffixes[] = { "", "-wal", "-shm" };
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%S");
    g_autofree char *base = NULL;

    /* A new name each time, so that an earlier damaged copy and its
     * WAL are never mixed with this one. */
    for (int n = 0; base == NULL || g_file_test (base, G_FILE_TEST_EXISTS); n++) {
	g_free (base);
	base = n ? g_strdup_printf ("%s.damaged-%s.%d", path, stamp, n)
		 : g_strdup_printf ("%s.damaged-%s", path, stamp);
    }
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++) {
	g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
	g_autofree char *to = g_strconcat (base, suffixes[i], NULL);
	if (g_file_test (from, G_FILE_TEST_EXISTS) && g_rename (from, to) != 0) {
	    int saved = errno;
	    g_set_error (error, KITH_ERROR, KITH_STATUS_STORE_ERROR,
			 "cannot move the damaged store '%s' aside: %s", from, g_strerror (saved));
	    return FALSE;
	}
    }
    return TRUE;
}
