/* hook.c - judging new mail: no-history, requests, introductions
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The post-new hook (kith_hook) brings the store up to date, then
 * judges each message new to the store; kith_tag judges the messages of
 * a query the same way, after the fact.  A judgement uses only the
 * history *before* the message (the aggregator's cutoff), so judging
 * old mail retroactively gives what the hook gave when it arrived.
 *
 *   request     a rule of rules.c matched (a LinkedIn invitation, ...).
 *               The person behind it is matched by name against the
 *               people I shared history with before the message
 *               (tier weak or better at its date):
 *               one match: verdict "known"; none: "no-history" (and the
 *               no-history tag); several: "ambiguous" (reported, not
 *               guessed).  A rule marked strangers_only (calendar
 *               invitations) makes a request only of a no-history
 *               sender.
 *   message     a rule of kind message matched (a LinkedIn InMail): a
 *               person writing through a platform, judged by name as a
 *               request is (verdict, no-history tag), without the
 *               request tag.
 *   no-history  otherwise, for mail that is not mine, not automated and
 *               not list mail (unless it names me in To or Cc, as a bug
 *               report to a maintainer does): the sender had no shared history with
 *               me, did not reply to my mail (nor does this message),
 *               and I had not written to them first.
 *   introduced  a no-history sender with someone I know on To/Cc, or
 *               replying into a thread that such a person started with
 *               me.
 *
 * Every decision is first computed from the store, then written in one
 * short read-write session of the notmuch database: kith's own tags are
 * added or removed and its kith.* properties replaced; nothing else of
 * the message is touched (kith.candidate lists the people an ambiguous
 * request could be from).  The property kith.tag lists the tags kith
 * itself added, and only those are ever removed.
 */

#include <string.h>

#include "kith-private.h"

typedef struct {
    char *message_id;
    gint64 date;
    char *sender;
    gboolean no_history;
    gboolean request;
    gboolean introduced;
    char *platform;
    char *person;
    char *verdict;
    char *match;
    char *introducer;
    char *evidence;
    GPtrArray *candidates;   /* char*: for an ambiguous request, the people */
    char *tier_tag;          /* kith.tier_tags: PREFIX<tier>, or NULL */
    GPtrArray *add;          /* char*: kith tags to add */
    GPtrArray *remove;       /* char*: tags removed (filled in by apply) */
} judgement_t;

static void
judgement_free (judgement_t *j)
{
    g_free (j->message_id);
    g_free (j->sender);
    g_free (j->platform);
    g_free (j->person);
    g_free (j->verdict);
    g_free (j->match);
    g_free (j->introducer);
    g_free (j->evidence);
    g_free (j->tier_tag);
    if (j->candidates)
	g_ptr_array_unref (j->candidates);
    g_ptr_array_unref (j->add);
    g_ptr_array_unref (j->remove);
    g_free (j);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (judgement_t, judgement_free)

/* A person I share history with, for matching names. */
typedef struct {
    char *address;     /* the address (or an alias group's first) */
    GPtrArray *names;  /* char**: sorted word lists of folded names */
} known_t;

static void
known_free (known_t *k)
{
    g_free (k->address);
    g_ptr_array_unref (k->names);
    g_free (k);
}

typedef struct {
    kith_t *kith;
    _kith_aggr_t *aggr;
    _kith_rules_t *rules; /* the session's */
    GPtrArray *known;  /* known_t*, built on first need */
    sqlite3_stmt *row; /* one message row by message id */
    sqlite3_stmt *rcpts;
    sqlite3_stmt *thread_start;
    sqlite3_stmt *template; /* a sender's earlier subjects, prepared on first need */
    sqlite3_stmt *wrote;    /* my mail to an address, prepared on first need */
    gint64 now;
} judge_t;

static void
judge_clear (judge_t *ctx)
{
    _kith_aggr_free (ctx->aggr);
    if (ctx->known)
	g_ptr_array_unref (ctx->known);
    sqlite3_finalize (ctx->row);
    sqlite3_finalize (ctx->rcpts);
    sqlite3_finalize (ctx->thread_start);
    sqlite3_finalize (ctx->template);
    sqlite3_finalize (ctx->wrote);
}

/* LENIENT (the hook): a broken rules file is a warning, and the
 * valid rules (built-in, system) judge; notmuch new must not fail
 * over a typo in the user's rules. */
static gboolean
judge_init (judge_t *ctx, kith_t *kith, gboolean lenient, GError **error)
{
    memset (ctx, 0, sizeof (*ctx));
    ctx->kith = kith;
    ctx->now = g_get_real_time () / G_USEC_PER_SEC;
    ctx->rules = _kith_session_rules (kith, lenient, error);
    if (ctx->rules == NULL)
	return FALSE;
    ctx->aggr = _kith_aggr_new (kith->store, kith->config, error);
    if (ctx->aggr == NULL)
	return FALSE;
    ctx->row = _kith_store_prepare (kith->store,
				    "SELECT id, author, flags, date, thread_id, filename, parent "
				    "FROM message WHERE message_id = ?", error);
    ctx->rcpts = ctx->row ? _kith_store_prepare (kith->store,
						 "SELECT address, kind FROM recipient WHERE message = ? AND kind < 4 "
						 "ORDER BY rowid", error)
			  : NULL;
    /* The first message of a thread written to me by someone else. */
    ctx->thread_start = ctx->rcpts ? _kith_store_prepare (kith->store,
							  "SELECT author FROM message WHERE thread_id = ? "
							  "AND date < ? AND (flags & 1024) = 0 "
							  "ORDER BY date, id LIMIT 1", error)
				   : NULL;
    return ctx->thread_start != NULL;
}

/* Stats of the person behind ADDRESS from the messages before BEFORE
 * (0: all of them). */
static gboolean
stats_before (judge_t *ctx, const char *address, gint64 before, _kith_stats_t *s, GError **error)
{
    g_autoptr (GPtrArray) addresses = _kith_config_person (ctx->kith->config, address);
    gboolean ok;

    _kith_aggr_set_cutoff (ctx->aggr, before);
    ok = _kith_aggr_compute (ctx->aggr, addresses, s, NULL, error);
    _kith_aggr_set_cutoff (ctx->aggr, 0);
    return ok;
}

/* The one predicate of shared history (score.c), at time AT. */
static gboolean
has_history (judge_t *ctx, const _kith_stats_t *s, gint64 at)
{
    return _kith_contact_tier (ctx->kith->config, s, at, NULL, NULL) >= KITH_TIER_WEAK;
}

/* Is ADDRESS someone I share history with now? */
static gboolean
is_known_now (judge_t *ctx, const char *address, double *score, kith_tier_t *tier_out,
	      GError **error)
{
    _kith_stats_t s;
    kith_tier_t tier;
    double sc;

    if (! stats_before (ctx, address, 0, &s, error))
	return FALSE;
    tier = _kith_contact_tier (ctx->kith->config, &s, ctx->now, &sc, NULL);
    if (score)
	*score = sc;
    if (tier_out)
	*tier_out = tier;
    return tier >= KITH_TIER_WEAK;
}

static char *
evidence_of (const _kith_stats_t *s)
{
    g_autoptr (GDateTime) first = g_date_time_new_from_unix_utc (s->first);
    g_autoptr (GDateTime) last = g_date_time_new_from_unix_utc (s->last);
    unsigned long conv = s->count[KITH_COUNT_CONVERSATIONS];
    g_autofree char *last_month = last ? g_date_time_format (last, "%Y-%m") : g_strdup ("?");
    int y0 = first ? g_date_time_get_year (first) : 0, y1 = last ? g_date_time_get_year (last) : 0;

    if (y0 == y1)
	return g_strdup_printf ("%lu conversation%s %d, last %s", conv, conv == 1 ? "" : "s", y0, last_month);
    return g_strdup_printf ("%lu conversation%s %d–%d, last %s", conv, conv == 1 ? "" : "s",
			    y0, y1, last_month);
}

/* ------------------------------------------------------------------ */
/* Matching the person behind a request by name */

static gboolean
is_initial (const char *w)
{
    return g_utf8_strlen (w, -1) == 1;
}

/* Can word A stand for word B (equal, or an initial of it)? */
static gboolean
word_compatible (const char *a, const char *b, gboolean *exact)
{
    if (strcmp (a, b) == 0) {
	*exact = ! is_initial (a);
	return TRUE;
    }
    *exact = FALSE;
    if (is_initial (a) && g_utf8_get_char (a) == g_utf8_get_char (b))
	return TRUE;
    if (is_initial (b) && g_utf8_get_char (a) == g_utf8_get_char (b))
	return TRUE;
    return FALSE;
}

/* Do the word lists A and B (sorted, folded) name the same person?
 * Every word of the shorter list must stand for a distinct word of the
 * longer one (middle names may be missing, initials stand for names),
 * at least two words must be compared (one when both are single
 * names), and at least one of them must match in full. */
static gboolean
names_compatible (char **a, char **b)
{
    guint na = g_strv_length (a), nb = g_strv_length (b);
    char **shorter = na <= nb ? a : b, **longer = na <= nb ? b : a;
    guint ns = MIN (na, nb), nl = MAX (na, nb);
    g_autofree gboolean *used = g_new0 (gboolean, nl + 1);
    g_autofree gboolean *matched = g_new0 (gboolean, ns + 1);
    gboolean any_exact = FALSE;

    if (ns == 0 || (ns == 1 && nl > 1))
	return FALSE;
    /* exact words first, then initials */
    for (int pass = 0; pass < 2; pass++) {
	for (guint i = 0; i < ns; i++) {
	    if (matched[i])
		continue;
	    for (guint j = 0; j < nl && ! matched[i]; j++) {
		gboolean exact;
		if (used[j] || ! word_compatible (shorter[i], longer[j], &exact))
		    continue;
		if (pass == 0 && ! exact)
		    continue;
		used[j] = matched[i] = TRUE;
		any_exact = any_exact || exact;
	    }
	    if (pass == 1 && ! matched[i])
		return FALSE;
	}
    }
    return any_exact;
}

/* Every contact with a name (a display name, or for one seen with
 * none the name its address spells: _kith_name_of_address), an alias
 * group as one person, whatever the history: who was known is decided
 * per request, at its date. */
static gboolean
build_known (judge_t *ctx, GError **error)
{
    kith_t *kith = ctx->kith;
    g_autoptr (sqlite3_stmt) stmt = NULL;
    g_autoptr (sqlite3_stmt) names = NULL;
    g_autoptr (GHashTable) groups_done = g_hash_table_new (g_direct_hash, g_direct_equal);
    int rc;

    ctx->known = g_ptr_array_new_with_free_func ((GDestroyNotify) known_free);
    stmt = _kith_store_prepare (kith->store, "SELECT address FROM contact", error);
    names = _kith_store_prepare (kith->store, "SELECT name FROM contact_name WHERE address = ?", error);
    if (stmt == NULL || names == NULL)
	return FALSE;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
	const char *address = (const char *) sqlite3_column_text (stmt, 0);
	GPtrArray *group = g_hash_table_lookup (kith->config->alias, address);
	g_autoptr (GPtrArray) members = NULL;
	known_t *k;

	if (group) {
	    /* an alias group is judged as one person */
	    if (g_hash_table_contains (groups_done, group))
		continue;
	    g_hash_table_add (groups_done, group);
	    members = g_ptr_array_ref (group);
	} else {
	    members = g_ptr_array_new ();
	    g_ptr_array_add (members, (gpointer) address);
	}
	k = g_new0 (known_t, 1);
	k->address = g_strdup (members->pdata[0]);
	k->names = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
	for (guint i = 0; i < members->len; i++) {
	    sqlite3_bind_text (names, 1, members->pdata[i], -1, SQLITE_STATIC);
	    while (sqlite3_step (names) == SQLITE_ROW) {
		g_autofree char *folded = _kith_name_fold ((const char *) sqlite3_column_text (names, 0));
		g_ptr_array_add (k->names, _kith_name_words (folded));
	    }
	    sqlite3_reset (names);
	}
	for (guint i = 0; i < members->len && k->names->len == 0; i++) {
	    g_autofree char *spelled = _kith_name_of_address (members->pdata[i]);
	    g_autofree char *folded = spelled ? _kith_name_fold (spelled) : NULL;
	    if (folded)
		g_ptr_array_add (k->names, _kith_name_words (folded));
	}
	if (k->names->len == 0) {
	    known_free (k);
	    continue;
	}
	g_ptr_array_add (ctx->known, k);
    }
    if (rc != SQLITE_DONE) {
	_kith_store_set_error (kith->store, error, "cannot read the kith store");
	return FALSE;
    }
    return TRUE;
}

/* The people whose names match PERSON and with whom I shared history
 * before BEFORE (known_t*, borrowed): who becomes known only after a
 * request does not make it known, even judged afterwards. */
static GPtrArray *
match_person (judge_t *ctx, const char *person, gint64 before, GError **error)
{
    g_autofree char *folded = _kith_name_fold (person);
    g_auto (GStrv) words = _kith_name_words (folded);
    g_autoptr (GPtrArray) matches = g_ptr_array_new ();

    if (ctx->known == NULL && ! build_known (ctx, error))
	return NULL;
    for (guint i = 0; i < ctx->known->len; i++) {
	known_t *k = ctx->known->pdata[i];
	for (guint n = 0; n < k->names->len; n++) {
	    _kith_stats_t s;

	    if (! names_compatible (words, k->names->pdata[n]))
		continue;
	    if (! stats_before (ctx, k->address, before, &s, error))
		return NULL;
	    if (has_history (ctx, &s, before))
		g_ptr_array_add (matches, k);
	    break;
	}
    }
    return g_steal_pointer (&matches);
}

/* ------------------------------------------------------------------ */
/* Judging one message */

static void
add_tag (judgement_t *j, const char *tag)
{
    g_ptr_array_add (j->add, g_strdup (tag));
}

/* Someone I know on To/Cc, or who started this thread with me. */
static gboolean
find_introducer (judge_t *ctx, gint64 rowid, const char *sender, const char *thread_id,
		 gint64 date, char **introducer, GError **error)
{
    const _kith_config_t *config = ctx->kith->config;
    g_autoptr (GPtrArray) rcpts = g_ptr_array_new_with_free_func (g_free);
    double best = 0.0;
    int rc;

    sqlite3_bind_int64 (ctx->rcpts, 1, rowid);
    while ((rc = sqlite3_step (ctx->rcpts)) == SQLITE_ROW)
	if (sqlite3_column_int (ctx->rcpts, 1) != KITH_RCPT_BCC)
	    g_ptr_array_add (rcpts, g_strdup ((const char *) sqlite3_column_text (ctx->rcpts, 0)));
    sqlite3_reset (ctx->rcpts);
    for (guint i = 0; i < rcpts->len; i++) {
	const char *a = rcpts->pdata[i];
	double score;
	if (_kith_config_is_me (config, a) || g_strcmp0 (a, sender) == 0)
	    continue;
	if (is_known_now (ctx, a, &score, NULL, error) && score > best) {
	    best = score;
	    g_free (*introducer);
	    *introducer = g_strdup (a);
	}
	if (error && *error)
	    return FALSE;
    }
    if (*introducer)
	return TRUE;
    sqlite3_bind_text (ctx->thread_start, 1, thread_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (ctx->thread_start, 2, date);
    rc = sqlite3_step (ctx->thread_start);
    if (rc == SQLITE_ROW) {
	const char *starter = (const char *) sqlite3_column_text (ctx->thread_start, 0);
	if (starter && ! _kith_config_is_me (config, starter) && g_strcmp0 (starter, sender) != 0 &&
	    is_known_now (ctx, starter, NULL, NULL, error))
	    *introducer = g_strdup (starter);
    }
    sqlite3_reset (ctx->thread_start);
    return ! (error && *error);
}

/* The stored history of SENDER (all of it, this run's mail included)
 * bounds their history before any date: every count only grows with
 * mail.  Never written to by me, never answering me (and no alias
 * group's): no history before any of their messages, and no reply to
 * me in any; a stranger's thousandth message costs one look-up. */
static gboolean
never_two_way (kith_t *kith, const char *sender)
{
    _kith_stats_t all;

    return g_hash_table_lookup (kith->config->alias, sender) == NULL &&
	   _kith_store_read_contact (kith->store, sender, &all, NULL) && _kith_stats_one_way (&all);
}

/* Did I write to the person behind SENDER before DATE: a message of mine
 * naming one of their addresses, neither excluded nor automated, dated
 * before?  Exactly when their history before DATE counts mail I sent
 * them (aggr.c), which no-history excludes; a look-up over my mail to
 * them instead of computing their whole history. */
static gboolean
wrote_before (judge_t *ctx, const char *sender, gint64 date, gboolean *wrote, GError **error)
{
    g_autoptr (GPtrArray) person = _kith_config_person (ctx->kith->config, sender);
    int rc = SQLITE_DONE;

    *wrote = FALSE;
    if (ctx->wrote == NULL &&
	(ctx->wrote = _kith_store_prepare (
	     ctx->kith->store,
	     "SELECT m.flags FROM recipient r JOIN message m ON m.id = r.message WHERE r.address = ?1 "
	     "AND r.kind < 4 AND (m.flags & 1280) = 256 AND m.date < ?2",
	     error)) == NULL)
	return FALSE;
    G_STATIC_ASSERT ((KITH_MSG_MINE | KITH_MSG_EXCLUDED) == 1280 && KITH_MSG_MINE == 256 &&
		     KITH_RCPT_LIST == 4);
    for (guint a = 0; a < person->len && ! *wrote; a++) {
	sqlite3_bind_text (ctx->wrote, 1, person->pdata[a], -1, SQLITE_STATIC);
	sqlite3_bind_int64 (ctx->wrote, 2, date);
	while (! *wrote && (rc = sqlite3_step (ctx->wrote)) == SQLITE_ROW)
	    *wrote = ! KITH_MSG_IS_AUTOMATED ((guint) sqlite3_column_int64 (ctx->wrote, 0));
	sqlite3_reset (ctx->wrote);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
	    _kith_store_set_error (ctx->kith->store, error, "cannot read the kith store");
	    return FALSE;
	}
    }
    return TRUE;
}

/* Did the sender have no history before DATE, and does this message not
 * reply to me?  (The message itself counts for the reply test only.) */
static gboolean
sender_no_history (judge_t *ctx, const char *sender, gint64 date, gboolean *no_history,
		   GError **error)
{
    _kith_stats_t before, with;
    gboolean wrote;

    if (never_two_way (ctx->kith, sender)) {
	*no_history = TRUE;
	return TRUE;
    }
    /* Someone I wrote to before is no stranger, whatever else. */
    if (date > 0) {
	if (! wrote_before (ctx, sender, date, &wrote, error))
	    return FALSE;
	if (wrote) {
	    *no_history = FALSE;
	    return TRUE;
	}
    }
    if (! stats_before (ctx, sender, date, &before, error))
	return FALSE;
    *no_history = ! has_history (ctx, &before, date) &&
		  before.count[KITH_COUNT_SENT_DIRECT] + before.count[KITH_COUNT_SENT_GROUP] +
			  before.count[KITH_COUNT_REPLIES_TO] ==
		      0;
    /* Only then does the message itself matter: computing the history
     * once more, up to and including it, is the costly part. */
    if (*no_history) {
	if (! stats_before (ctx, sender, date + 1, &with, error))
	    return FALSE;
	*no_history = with.count[KITH_COUNT_REPLIES_FROM] == 0;
    }
    return TRUE;
}

/* One sender repeating a template ("Start Date: 4/30/01; HourAhead
 * hour: 19", the same subject but for its numbers), at least
 * KITH_TEMPLATE_REPEATS times among the latest KITH_TEMPLATE_LOOK of
 * their earlier messages: a robot writing as a person, or a report
 * nobody answers.
 * Or one broadcasting: this message reaches me only in a crowd (it does
 * not name me in To or Cc, or names KITH_CROWD_PEOPLE or more), and so
 * did each of those earlier ones, KITH_BROADCAST_EARLIER at least
 * (an office-wide announcement, a distribution list, the office
 * manager's notices to the whole floor).  Nobody's approach to me,
 * either.  What a sender does now is what counts: someone who once
 * wrote to me in person and has since sent only a template or
 * broadcasts is judged by the latter.  Asked only of a no-history
 * sender, in a bounded look-up: at most KITH_TEMPLATE_LOOK messages
 * (the index message_author, read backwards from the date),
 * KITH_CROWD_PEOPLE recipients each. */
#define KITH_TEMPLATE_LOOK 20
#define KITH_TEMPLATE_REPEATS 3
#define KITH_BROADCAST_EARLIER 2

static gboolean
repeats_template (judge_t *ctx, const char *sender, gint64 rowid, gint64 date, gboolean *repeats,
		  GError **error)
{
    g_autofree char *mine = NULL;
    guint same = 0, earlier = 0, personal = 0;
    gboolean this_personal = TRUE;
    int rc;

    *repeats = FALSE;
    /* Column 3: the message's To and Cc, counted up to a crowd. */
    G_STATIC_ASSERT (KITH_RCPT_TO == 1 && KITH_RCPT_CC == 2);
#define RCPTS_SQL                                                                      \
    "(SELECT count(*) FROM (SELECT 1 FROM recipient r WHERE r.message = m.id AND "    \
    "r.kind IN (1, 2) LIMIT " G_STRINGIFY (KITH_CROWD_PEOPLE) "))"
    if (ctx->template == NULL &&
	(ctx->template = _kith_store_prepare (
	     ctx->kith->store,
	     "SELECT id, subject_base, flags, " RCPTS_SQL " FROM message m WHERE id = ?3 UNION ALL "
	     "SELECT * FROM (SELECT id, subject_base, flags, " RCPTS_SQL " FROM message m "
	     "WHERE author = ?1 AND date < ?2 AND id != ?3 AND (flags & 1024) = 0 "
	     "ORDER BY date DESC, id DESC LIMIT " G_STRINGIFY (KITH_TEMPLATE_LOOK) ")",
	     error)) == NULL)
	return FALSE;
#undef RCPTS_SQL
    sqlite3_bind_text (ctx->template, 1, sender, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (ctx->template, 2, date);
    sqlite3_bind_int64 (ctx->template, 3, rowid);
    while ((rc = sqlite3_step (ctx->template)) == SQLITE_ROW) {
	g_autofree char *skeleton = _kith_subject_skeleton ((const char *) sqlite3_column_text (ctx->template, 1));
	gint64 flags = sqlite3_column_int64 (ctx->template, 2);
	/* Addressed to me, among few: the sender's own approach. */
	gboolean to_me_among_few = (flags & KITH_MSG_TO_ME) && ! (flags & KITH_MSG_MANY_RCPTS) &&
				   sqlite3_column_int64 (ctx->template, 3) < KITH_CROWD_PEOPLE;

	if (sqlite3_column_int64 (ctx->template, 0) == rowid && mine == NULL) {
	    mine = skeleton ? g_steal_pointer (&skeleton) : g_strdup ("");
	    this_personal = to_me_among_few;
	    continue;
	}
	earlier++;
	personal += to_me_among_few;
	if (mine && *mine && skeleton && strcmp (mine, skeleton) == 0)
	    same++;
    }
    sqlite3_reset (ctx->template);
    if (rc != SQLITE_DONE) {
	_kith_store_set_error (ctx->kith->store, error, "cannot read the kith store");
	return FALSE;
    }
    *repeats = same >= KITH_TEMPLATE_REPEATS ||
	       (! this_personal && earlier >= KITH_BROADCAST_EARLIER && personal == 0);
    return TRUE;
}

/* Judge the message MESSAGE_ID.  Returns NULL with ERROR unset when
 * there is nothing to judge (mine, automated, unknown to the store). */
static judgement_t *
judge_message (judge_t *ctx, const char *message_id, GError **error)
{
    const _kith_config_t *config = ctx->kith->config;
    g_autoptr (judgement_t) j = NULL;
    g_autoptr (_kith_request_t) req = NULL;
    g_autoptr (GError) rules_error = NULL;
    g_autofree char *thread_id = NULL, *filename = NULL;
    gint64 rowid;
    guint flags;
    int rc;

    sqlite3_bind_text (ctx->row, 1, message_id, -1, SQLITE_STATIC);
    rc = sqlite3_step (ctx->row);
    if (rc != SQLITE_ROW) {
	sqlite3_reset (ctx->row);
	if (rc != SQLITE_DONE)
	    _kith_store_set_error (ctx->kith->store, error, "cannot read the kith store");
	return NULL;
    }
    j = g_new0 (judgement_t, 1);
    j->add = g_ptr_array_new_with_free_func (g_free);
    j->remove = g_ptr_array_new_with_free_func (g_free);
    j->message_id = g_strdup (message_id);
    rowid = sqlite3_column_int64 (ctx->row, 0);
    j->sender = g_strdup ((const char *) sqlite3_column_text (ctx->row, 1));
    flags = (guint) sqlite3_column_int64 (ctx->row, 2);
    j->date = sqlite3_column_int64 (ctx->row, 3);
    thread_id = g_strdup ((const char *) sqlite3_column_text (ctx->row, 4));
    filename = g_strdup ((const char *) sqlite3_column_text (ctx->row, 5));
    sqlite3_reset (ctx->row);

    if ((flags & (KITH_MSG_MINE | KITH_MSG_EXCLUDED)) || j->sender == NULL)
	return NULL;

    /* A broken message was warned about when it was indexed. */
    if (filename && *filename && ! (flags & KITH_MSG_BROKEN)) {
	req = _kith_rules_match_file (ctx->rules, filename, &rules_error);
	if (rules_error)
	    g_printerr ("Warning: kith: %s; judging message <%s> by its headers only\n",
			rules_error->message, message_id);
    }
    /* Template mail to many, whatever its headers say: like list and
     * automated mail, nobody's approach to me. */
    if (req && req->bulk)
	return NULL;
    if (req && req->strangers_only) {
	gboolean stranger;
	if (! sender_no_history (ctx, j->sender, j->date, &stranger, error))
	    return NULL;
	if (! stranger)
	    g_clear_pointer (&req, _kith_request_free); /* an invitation from someone I know */
    }

    if (req) {
	g_autoptr (GPtrArray) matches = NULL;
	/* A message (LinkedIn InMail) is judged by its person like a
	 * request, but is none. */
	j->request = ! req->message;
	j->platform = g_strdup (req->platform);
	j->person = g_strdup (req->person ? req->person : req->login);
	if (j->request)
	    add_tag (j, config->tag_request);
	if (req->strangers_only) {
	    j->verdict = g_strdup ("no-history");
	    j->no_history = TRUE;
	} else if (j->person) {
	    matches = match_person (ctx, j->person, j->date, error);
	    if (matches == NULL)
		return NULL;
	    if (matches->len == 1) {
		_kith_stats_t s;
		known_t *k = matches->pdata[0];
		j->verdict = g_strdup ("known");
		j->match = g_strdup (k->address);
		if (! stats_before (ctx, k->address, j->date, &s, error))
		    return NULL;
		j->evidence = evidence_of (&s);
	    } else if (matches->len > 1) {
		g_autoptr (GString) who = g_string_new (NULL);
		j->verdict = g_strdup ("ambiguous");
		j->candidates = g_ptr_array_new_with_free_func (g_free);
		for (guint i = 0; i < matches->len; i++) {
		    const char *address = ((known_t *) matches->pdata[i])->address;
		    g_string_append_printf (who, "%s%s", i ? ", " : "", address);
		    g_ptr_array_add (j->candidates, g_strdup (address));
		}
		j->evidence = g_strdup_printf ("%u people with that name: %s", matches->len, who->str);
	    } else {
		j->verdict = g_strdup ("no-history");
		j->no_history = TRUE;
	    }
	} else {
	    j->verdict = g_strdup ("no-history");
	    j->no_history = TRUE;
	}
	if (j->no_history) {
	    add_tag (j, config->tag_no_history);
	    if (j->evidence == NULL)
		j->evidence = g_strdup ("no shared history");
	}
    } else if (KITH_MSG_IS_AUTOMATED (flags) || (flags & KITH_MSG_HIDDEN_RCPTS) ||
	       (KITH_MSG_IS_LIST (flags) && ! (flags & KITH_MSG_TO_ME))) {
	/* Plain list traffic is nobody's approach to me; a list message
	 * naming me in To or Cc (a bug report or a patch to the
	 * maintainer, Cc the list) is, and is judged like any other.
	 * Neither is mail to undisclosed recipients, sent to many. */
	return NULL;
    } else {
	gboolean template = FALSE;

	if (! sender_no_history (ctx, j->sender, j->date, &j->no_history, error) ||
	    (j->no_history && ! repeats_template (ctx, j->sender, rowid, j->date, &template, error)))
	    return NULL;
	if (template)
	    return NULL; /* not judged, like automated mail */
	if (j->no_history) {
	    add_tag (j, config->tag_no_history);
	    if (! find_introducer (ctx, rowid, j->sender, thread_id, j->date, &j->introducer, error))
		return NULL;
	    if (j->introducer) {
		j->introduced = TRUE;
		add_tag (j, config->tag_introduced);
		j->evidence = g_strdup_printf ("no shared history; introduced by %s", j->introducer);
	    } else {
		j->evidence = g_strdup ("no shared history");
	    }
	}
    }
    if (config->tier_tags) {
	kith_tier_t tier = KITH_TIER_NONE;
	const char *who = j->match ? j->match : j->sender;
	is_known_now (ctx, who, NULL, &tier, error);
	if (error && *error)
	    return NULL;
	j->tier_tag = g_strconcat (config->tier_tag_prefix, kith_tier_to_string (tier), NULL);
	add_tag (j, j->tier_tag);
    }
    return g_steal_pointer (&j);
}

/* ------------------------------------------------------------------ */
/* Writing the judgements */

static gboolean
has_tag (notmuch_message_t *message, const char *tag)
{
    notmuch_tags_t *tags;
    gboolean found = FALSE;

    for (tags = notmuch_message_get_tags (message); notmuch_tags_valid (tags) && ! found;
	 notmuch_tags_move_to_next (tags))
	found = strcmp (notmuch_tags_get (tags), tag) == 0;
    notmuch_tags_destroy (tags);
    return found;
}

/* The values of MESSAGE's property KEY (kith.tag: the tags kith set). */
static GPtrArray *
property_values (notmuch_message_t *message, const char *key)
{
    GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
    notmuch_message_properties_t *props;

    for (props = notmuch_message_get_properties (message, key, TRUE);
	 notmuch_message_properties_valid (props); notmuch_message_properties_move_to_next (props))
	g_ptr_array_add (values, g_strdup (notmuch_message_properties_value (props)));
    notmuch_message_properties_destroy (props);
    return values;
}

/* Does MESSAGE hold the property KEY=VALUE? */
static gboolean
has_property (notmuch_message_t *message, const char *key, const char *value)
{
    g_autoptr (GPtrArray) values = property_values (message, key);

    return g_ptr_array_find_with_equal_func (values, value, g_str_equal, NULL);
}

static void
set_property (notmuch_message_t *message, const char *key, const char *value)
{
    if (value)
	notmuch_message_add_property (message, key, value);
}

/* Bring MESSAGE's kith tags and properties in line with J, and record
 * in J which tags really changed.  kith remembers the tags it added in
 * the property kith.tag: only those are ever removed again, so a tag
 * the user (or another tool) set is never taken away, even when it has
 * the same name as one of kith's. */
static notmuch_status_t
apply (notmuch_message_t *message, judgement_t *j, gboolean dry_run)
{
    g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (g_free);
    g_autoptr (GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
    g_autoptr (GPtrArray) recorded = property_values (message, "kith.tag");
    g_autoptr (GPtrArray) record = g_ptr_array_new_with_free_func (g_free);
    notmuch_status_t st = NOTMUCH_STATUS_SUCCESS;

    for (guint i = 0; i < j->add->len; i++) {
	const char *tag = j->add->pdata[i];
	if (! has_tag (message, tag)) {
	    g_ptr_array_add (added, g_strdup (tag));
	    g_ptr_array_add (record, g_strdup (tag));
	} else if (g_ptr_array_find_with_equal_func (recorded, tag, g_str_equal, NULL)) {
	    g_ptr_array_add (record, g_strdup (tag));
	}
    }
    for (guint i = 0; i < recorded->len; i++) {
	const char *tag = recorded->pdata[i];
	if (! g_ptr_array_find_with_equal_func (j->add, tag, g_str_equal, NULL) && has_tag (message, tag))
	    g_ptr_array_add (removed, g_strdup (tag));
    }
    if (! dry_run) {
	st = notmuch_message_freeze (message);
	for (guint i = 0; st == NOTMUCH_STATUS_SUCCESS && i < added->len; i++)
	    st = notmuch_message_add_tag (message, added->pdata[i]);
	for (guint i = 0; st == NOTMUCH_STATUS_SUCCESS && i < removed->len; i++)
	    st = notmuch_message_remove_tag (message, removed->pdata[i]);
	if (st == NOTMUCH_STATUS_SUCCESS)
	    st = notmuch_message_remove_all_properties_with_prefix (message, "kith.");
	if (st == NOTMUCH_STATUS_SUCCESS) {
	    set_property (message, "kith.verdict", j->verdict);
	    set_property (message, "kith.person", j->person);
	    set_property (message, "kith.match", j->match);
	    set_property (message, "kith.platform", j->platform);
	    set_property (message, "kith.introducer", j->introducer);
	    for (guint i = 0; j->candidates && i < j->candidates->len; i++)
		set_property (message, "kith.candidate", j->candidates->pdata[i]);
	    for (guint i = 0; i < record->len; i++)
		set_property (message, "kith.tag", record->pdata[i]);
	}
	if (st == NOTMUCH_STATUS_SUCCESS)
	    st = notmuch_message_thaw (message);
    }
    g_ptr_array_unref (j->add);
    g_ptr_array_unref (j->remove);
    j->add = g_steal_pointer (&added);
    j->remove = g_steal_pointer (&removed);
    return st;
}

static void
report (judgement_t *j, kith_judgement_fn fn, void *data)
{
    kith_judgement_t out = { 0 };

    if (fn == NULL)
	return;
    g_ptr_array_add (j->add, NULL);
    g_ptr_array_add (j->remove, NULL);
    out.message_id = j->message_id;
    out.date = (time_t) j->date;
    out.sender = j->sender;
    out.no_history = j->no_history;
    out.request = j->request;
    out.introduced = j->introduced;
    out.platform = j->platform;
    out.person = j->person;
    out.verdict = j->verdict;
    out.match = j->match;
    out.introducer = j->introducer;
    out.evidence = j->evidence;
    out.tags_added = (const char *const *) j->add->pdata;
    out.tags_removed = (const char *const *) j->remove->pdata;
    fn (&out, data);
    g_ptr_array_set_size (j->add, j->add->len - 1);
    g_ptr_array_set_size (j->remove, j->remove->len - 1);
}

/* Judge every message of IDS and write the results.  With DEADLINE
 * (monotonic, 0: none) passed, the messages not judged yet go to LEFT.
 * LEFT non-NULL also makes a broken rules file a warning (the hook).
 * PROGRESS, if not NULL, hears of every KITH_TAG_PROGRESS_STEP messages
 * judged, and of the last once they are tagged too. */
#define KITH_TAG_PROGRESS_STEP 100

static gboolean
judge_and_apply (kith_t *kith, GPtrArray *ids, unsigned int flags, kith_judgement_fn fn,
		 void *data, kith_progress_fn progress, void *progress_data, gint64 deadline,
		 GPtrArray *left, char **error_message, kith_status_t *status)
{
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) judged = g_ptr_array_new_with_free_func ((GDestroyNotify) judgement_free);
    notmuch_database_t *rw = NULL;
    judge_t ctx;
    gboolean dry_run = (flags & KITH_JUDGE_DRY_RUN) != 0;

    if (! judge_init (&ctx, kith, left != NULL, &error)) {
	judge_clear (&ctx);
	*status = _kith_status_from_error (error, error_message);
	return FALSE;
    }
    /* Judging only reads the store: one read transaction for all of it,
     * not one (and its file locks) per statement. */
    sqlite3_exec (kith->store->db, "BEGIN", NULL, NULL, NULL);
    for (guint i = 0; i < ids->len; i++) {
	judgement_t *j;

	/* Past the budget (after one message at least, so that every
	 * run makes progress), the rest waits for the next run. */
	if (deadline && i > 0 && g_get_monotonic_time () > deadline) {
	    for (; i < ids->len; i++)
		g_ptr_array_add (left, g_strdup (ids->pdata[i]));
	    break;
	}
	if (progress && i % KITH_TAG_PROGRESS_STEP == 0)
	    progress (i, ids->len, progress_data);
	j = judge_message (&ctx, ids->pdata[i], &error);
	if (error) {
	    judge_clear (&ctx);
	    sqlite3_exec (kith->store->db, "ROLLBACK", NULL, NULL, NULL);
	    *status = _kith_status_from_error (error, error_message);
	    return FALSE;
	}
	if (j)
	    g_ptr_array_add (judged, j);
    }
    judge_clear (&ctx);
    sqlite3_exec (kith->store->db, "COMMIT", NULL, NULL, NULL);
    if (judged->len == 0)
	goto DONE;

    if (! dry_run) {
	*status = _kith_open_notmuch_rw (kith, &rw, error_message);
	if (*status)
	    return FALSE;
    }
    for (guint i = 0; i < judged->len; i++) {
	judgement_t *j = judged->pdata[i];
	notmuch_message_t *message = NULL;
	notmuch_database_t *db = rw ? rw : kith->db;
	notmuch_status_t st = notmuch_database_find_message (db, j->message_id, &message);

	if (st || message == NULL) {
	    g_printerr ("Warning: kith: message <%s> is no longer in the notmuch database\n",
			j->message_id);
	    continue;
	}
	st = apply (message, j, dry_run);
	notmuch_message_destroy (message);
	if (st) {
	    if (rw)
		notmuch_database_destroy (rw);
	    *status = KITH_STATUS_NOTMUCH_ERROR;
	    if (error_message)
		*error_message = g_strdup_printf ("cannot tag message <%s>: %s", j->message_id,
						  notmuch_status_to_string (st));
	    return FALSE;
	}
	report (j, fn, data);
    }
    if (rw) {
	notmuch_status_t st = notmuch_database_close (rw);
	notmuch_database_destroy (rw);
	if (st) {
	    *status = KITH_STATUS_NOTMUCH_ERROR;
	    if (error_message)
		*error_message = g_strdup_printf ("cannot save kith's tags: %s", notmuch_status_to_string (st));
	    return FALSE;
	}
    }
DONE:
    if (progress)
	progress (ids->len, ids->len, progress_data);
    return TRUE;
}

/* Tagging moved notmuch to a newer revision: read the database afresh
 * and index again (only the retagged messages, which costs no file
 * reads), so that the store is not left looking stale. */
static kith_status_t
catch_up (kith_t *kith, char **error_message)
{
    g_autoptr (GError) error = NULL;
    kith_index_stats_t stats;
    kith_status_t status = _kith_reopen_notmuch (kith, error_message);

    if (status)
	return status;
    if (! _kith_index_run (kith, 0, NULL, NULL, &stats, NULL, &error))
	return _kith_status_from_error (error, error_message);
    return KITH_STATUS_SUCCESS;
}

/* The messages of ADDRESS dated after SINCE that kith tagged no-history
 * (kith.tag records that) and SEEN lacks, to IDS and SEEN; LATER is the
 * store's look-up of them. */
static void
add_later_verdicts (kith_t *kith, sqlite3_stmt *later, const char *address, gint64 since,
		    GPtrArray *ids, GHashTable *seen)
{
    const char *tag = kith->config->tag_no_history;

    sqlite3_bind_text (later, 1, address, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (later, 2, since);
    while (sqlite3_step (later) == SQLITE_ROW) {
	const char *id = (const char *) sqlite3_column_text (later, 0);
	g_autoptr (notmuch_message_t) m = NULL;

	if (id == NULL || g_hash_table_contains (seen, id) ||
	    notmuch_database_find_message (kith->db, id, &m) != NOTMUCH_STATUS_SUCCESS || m == NULL)
	    continue;
	if (! has_tag (m, tag) || ! has_property (m, "kith.tag", tag))
	    continue;
	g_ptr_array_add (ids, g_strdup (id));
	g_hash_table_add (seen, ids->pdata[ids->len - 1]);
    }
    sqlite3_reset (later);
}

/* Verdicts that stay right.  A verdict is given on the history before
 * its message; mail dated before it can arrive later (my sent copy
 * synced from another machine after the reply to it, notmuch insert
 * racing notmuch new).  Then the no-history verdicts that mail may have
 * been missing from (those of its author, or for my mail its
 * recipients, on messages dated after it and in the last
 * kith.rejudge_days) are judged again with the new mail, which changes
 * only kith's own tags.  Appended to IDS; at most KITH_REJUDGE_PEOPLE
 * people a message. */
#define KITH_REJUDGE_PEOPLE 50

static gboolean
add_rejudged (kith_t *kith, GPtrArray *ids, GError **error)
{
    const _kith_config_t *config = kith->config;
    gint64 floor_date = g_get_real_time () / G_USEC_PER_SEC - (gint64) config->rejudge_days * 86400;
    g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr (GHashTable) since = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr (sqlite3_stmt) row = NULL;
    g_autoptr (sqlite3_stmt) rcpts = NULL;
    g_autoptr (sqlite3_stmt) later = NULL;
    guint n = ids->len;
    GHashTableIter it;
    gpointer key, value;

    if (config->rejudge_days == 0 || n == 0)
	return TRUE;
    row = _kith_store_prepare (kith->store, "SELECT id, author, flags, date FROM message WHERE message_id = ?",
			       error);
    rcpts = row ? _kith_store_prepare (kith->store,
				       "SELECT address FROM recipient WHERE message = ? AND kind < 4 ORDER BY rowid",
				       error)
		: NULL;
    if (rcpts == NULL)
	return FALSE;
    for (guint i = 0; i < n; i++)
	g_hash_table_add (seen, ids->pdata[i]);
    /* Who each new message may have given history to, from when. */
    for (guint i = 0; i < n; i++) {
	gint64 rowid, date;
	guint flags, people = 0;

	sqlite3_bind_text (row, 1, ids->pdata[i], -1, SQLITE_STATIC);
	if (sqlite3_step (row) != SQLITE_ROW) {
	    sqlite3_reset (row);
	    continue;
	}
	rowid = sqlite3_column_int64 (row, 0);
	flags = (guint) sqlite3_column_int (row, 2);
	date = MAX (sqlite3_column_int64 (row, 3), floor_date);
	if (! KITH_MSG_IS_AUTOMATED (flags) && ! (flags & KITH_MSG_EXCLUDED)) {
	    GPtrArray *who = g_ptr_array_new_with_free_func (g_free);

	    /* Someone else's mail changes their later verdicts only if
	     * they have history with me at all (a flood's sender's older
	     * message re-judges none of the flood). */
	    if (! (flags & KITH_MSG_MINE) && sqlite3_column_text (row, 1)) {
		const char *author = (const char *) sqlite3_column_text (row, 1);
		if (! never_two_way (kith, author))
		    g_ptr_array_add (who, g_strdup (author));
	    } else if (flags & KITH_MSG_MINE) {
		sqlite3_bind_int64 (rcpts, 1, rowid);
		while (sqlite3_step (rcpts) == SQLITE_ROW && people++ < KITH_REJUDGE_PEOPLE)
		    g_ptr_array_add (who, g_strdup ((const char *) sqlite3_column_text (rcpts, 0)));
		sqlite3_reset (rcpts);
	    }
	    for (guint k = 0; k < who->len; k++) {
		gint64 *was = g_hash_table_lookup (since, who->pdata[k]);
		if (_kith_config_is_me (config, who->pdata[k]))
		    continue;
		if (was == NULL)
		    g_hash_table_insert (since, g_strdup (who->pdata[k]), g_memdup2 (&date, sizeof (date)));
		else
		    *was = MIN (*was, date);
	    }
	    g_ptr_array_unref (who);
	}
	sqlite3_reset (row);
    }
    /* Their later messages in the store (an indexed look-up: usually
     * none, new mail being the newest), with kith's no-history. */
    later = _kith_store_prepare (kith->store,
				 "SELECT message_id FROM message WHERE author = ?1 AND date > ?2 "
				 "AND (flags & 1024) = 0",
				 error);
    if (later == NULL)
	return FALSE;
    g_hash_table_iter_init (&it, since);
    while (g_hash_table_iter_next (&it, &key, &value)) {
	g_autoptr (GPtrArray) person = _kith_config_person (config, key); /* an alias group whole */

	for (guint a = 0; a < person->len; a++)
	    add_later_verdicts (kith, later, person->pdata[a], *(gint64 *) value, ids, seen);
    }
    return TRUE;
}

KITH_EXPORT kith_status_t
kith_hook (kith_t *kith, unsigned int flags, kith_judgement_fn judged, void *user_data,
	   kith_index_stats_t *stats, char **error_message)
{
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (g_free);
    kith_index_stats_t local;
    kith_status_t status = KITH_STATUS_SUCCESS;
    gint64 deadline;

    if (kith == NULL)
	return KITH_STATUS_NULL_POINTER;
    if (! kith->writable || kith->store == NULL) {
	if (error_message)
	    *error_message = g_strdup ("the hook needs a session opened with KITH_OPEN_WRITE");
	return KITH_STATUS_BAD_ARGUMENT;
    }
    if (stats == NULL)
	stats = &local;
    deadline = g_get_monotonic_time () + (gint64) (kith->config->hook_budget * G_USEC_PER_SEC);
    if (! _kith_index_run (kith, 0, NULL, NULL, stats, added, &error))
	return _kith_status_from_error (error, error_message);
    if (stats->rebuilt)
	return KITH_STATUS_SUCCESS;
    /* Tagging moves notmuch to a newer revision: index again afterwards
     * (the retagged messages cost no file reads) so that the store is
     * not left stale, and judge whatever arrived meanwhile too. */
    for (int round = 0; added->len > 0 && round < 5; round++) {
	kith_index_stats_t again;
	g_autoptr (GPtrArray) left = g_ptr_array_new_with_free_func (g_free);

	if (! add_rejudged (kith, added, &error))
	    return _kith_status_from_error (error, error_message);
	if (! judge_and_apply (kith, added, flags, judged, user_data, NULL, NULL, deadline, left, error_message,
			       &status))
	    return status;
	if (left->len > 0)
	    g_printerr ("Warning: kith: the hook ran past kith.hook_budget (%g s): %u new message%s "
			"left unjudged for the next run\n",
			kith->config->hook_budget, left->len, left->len == 1 ? " is" : "s are");
	if (flags & KITH_JUDGE_DRY_RUN)
	    break;
	/* notmuch has their tags: they no longer await judgement; those
	 * past the budget still do (the next run judges them first). */
	if (! _kith_index_set_pending (kith->store, left, &error))
	    return _kith_status_from_error (error, error_message);
	if (left->len > 0)
	    break; /* the store catches up with the new tags next run */
	status = _kith_reopen_notmuch (kith, error_message);
	if (status)
	    return status;
	g_ptr_array_set_size (added, 0);
	if (! _kith_index_run (kith, KITH_INDEX_NO_SWEEP, NULL, NULL, &again, added, &error))
	    return _kith_status_from_error (error, error_message);
    }
    return KITH_STATUS_SUCCESS;
}

KITH_EXPORT kith_status_t
kith_tag (kith_t *kith, const char *query_string, unsigned int flags, kith_judgement_fn judged,
	  void *user_data, char **error_message)
{
    return kith_tag_with_progress (kith, query_string, flags, judged, user_data, NULL, NULL, error_message);
}

KITH_EXPORT kith_status_t
kith_tag_with_progress (kith_t *kith, const char *query_string, unsigned int flags,
			kith_judgement_fn judged, void *user_data, kith_progress_fn progress,
			void *progress_data, char **error_message)
{
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
    g_autoptr (notmuch_query_t) query = NULL;
    g_autoptr (notmuch_messages_t) messages = NULL;
    kith_index_stats_t stats;
    kith_status_t status = KITH_STATUS_SUCCESS;
    notmuch_status_t st;

    if (kith == NULL || query_string == NULL)
	return KITH_STATUS_NULL_POINTER;
    if (! kith->writable || kith->store == NULL) {
	if (error_message)
	    *error_message = g_strdup ("kith_tag needs a session opened with KITH_OPEN_WRITE");
	return KITH_STATUS_BAD_ARGUMENT;
    }
    /* Run by hand, a broken rules file is an error, before anything. */
    if (_kith_session_rules (kith, FALSE, &error) == NULL ||
	! _kith_index_run (kith, 0, NULL, NULL, &stats, NULL, &error))
	return _kith_status_from_error (error, error_message);
    st = notmuch_query_create_with_syntax (kith->db, query_string, NOTMUCH_QUERY_SYNTAX_XAPIAN, &query);
    if (st == NOTMUCH_STATUS_SUCCESS) {
	notmuch_query_set_sort (query, NOTMUCH_SORT_OLDEST_FIRST);
	st = notmuch_query_search_messages (query, &messages);
    }
    if (st) {
	if (error_message)
	    *error_message = g_strdup_printf ("cannot search for '%s': %s", query_string,
					      notmuch_status_to_string (st));
	return st == NOTMUCH_STATUS_BAD_QUERY_SYNTAX ? KITH_STATUS_BAD_ARGUMENT : KITH_STATUS_NOTMUCH_ERROR;
    }
    for (; notmuch_messages_valid (messages); notmuch_messages_move_to_next (messages)) {
	g_autoptr (notmuch_message_t) m = notmuch_messages_get (messages);
	g_ptr_array_add (ids, g_strdup (notmuch_message_get_message_id (m)));
    }
    g_clear_pointer (&messages, notmuch_messages_destroy);
    g_clear_pointer (&query, notmuch_query_destroy);
    if (! judge_and_apply (kith, ids, flags, judged, user_data, progress, progress_data, 0, NULL,
			   error_message, &status))
	return status;
    return (flags & KITH_JUDGE_DRY_RUN) ? KITH_STATUS_SUCCESS : catch_up (kith, error_message);
}

/* The judgements recorded (properties) on the messages of QUERY_STRING,
 * newest first, with fresh evidence. */
static kith_status_t
recorded_judgements (kith_t *kith, const char *query_string, kith_judgement_fn fn, void *user_data,
		     char **error_message)
{
    g_autoptr (GError) error = NULL;
    g_autoptr (notmuch_query_t) query = NULL;
    g_autoptr (notmuch_messages_t) messages = NULL;
    judge_t ctx;
    notmuch_status_t st;

    if (kith->store == NULL) {
	if (error_message)
	    *error_message = g_strdup_printf ("there is no kith store at '%s' yet: run 'notmuch kith index'",
					      kith->store_path);
	return KITH_STATUS_NOT_INDEXED;
    }
    st = notmuch_query_create_with_syntax (kith->db, query_string, NOTMUCH_QUERY_SYNTAX_XAPIAN, &query);
    if (st == NOTMUCH_STATUS_SUCCESS) {
	notmuch_query_set_sort (query, NOTMUCH_SORT_NEWEST_FIRST);
	st = notmuch_query_search_messages (query, &messages);
    }
    if (st) {
	if (error_message)
	    *error_message = g_strdup_printf ("cannot search for requests: %s", notmuch_status_to_string (st));
	return KITH_STATUS_NOTMUCH_ERROR;
    }
    memset (&ctx, 0, sizeof (ctx));
    ctx.kith = kith;
    ctx.now = g_get_real_time () / G_USEC_PER_SEC;
    ctx.aggr = _kith_aggr_new (kith->store, kith->config, &error);
    if (ctx.aggr == NULL)
	return _kith_status_from_error (error, error_message);
    for (; notmuch_messages_valid (messages); notmuch_messages_move_to_next (messages)) {
	g_autoptr (notmuch_message_t) m = notmuch_messages_get (messages);
	g_autoptr (judgement_t) j = g_new0 (judgement_t, 1);
	const char *value = NULL;
	const char *from = notmuch_message_get_header (m, "from");
	g_autoptr (InternetAddressList) list = from ? internet_address_list_parse (NULL, from) : NULL;

	j->add = g_ptr_array_new ();
	j->remove = g_ptr_array_new ();
	j->message_id = g_strdup (notmuch_message_get_message_id (m));
	j->date = notmuch_message_get_date (m);
	j->request = has_tag (m, kith->config->tag_request);
	if (list && internet_address_list_length (list) > 0) {
	    InternetAddress *a = internet_address_list_get_address (list, 0);
	    if (INTERNET_ADDRESS_IS_MAILBOX (a))
		j->sender = _kith_address_normalise (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (a)));
	}
#define PROP(key, field)                                                     \
    if (notmuch_message_get_property (m, key, &value) == NOTMUCH_STATUS_SUCCESS && value) \
	j->field = g_strdup (value);
	PROP ("kith.platform", platform)
	PROP ("kith.person", person)
	PROP ("kith.verdict", verdict)
	PROP ("kith.match", match)
	PROP ("kith.introducer", introducer)
#undef PROP
	j->no_history = g_strcmp0 (j->verdict, "no-history") == 0;
	if (j->match) {
	    _kith_stats_t s;
	    if (! stats_before (&ctx, j->match, 0, &s, &error)) {
		judge_clear (&ctx);
		return _kith_status_from_error (error, error_message);
	    }
	    j->evidence = evidence_of (&s);
	} else if (j->no_history) {
	    j->evidence = g_strdup ("no shared history");
	} else if (g_strcmp0 (j->verdict, "ambiguous") == 0) {
	    notmuch_message_properties_t *props;
	    g_autoptr (GString) who = g_string_new (NULL);
	    guint n = 0;
	    for (props = notmuch_message_get_properties (m, "kith.candidate", TRUE);
		 notmuch_message_properties_valid (props); notmuch_message_properties_move_to_next (props))
		g_string_append_printf (who, "%s%s", n++ ? ", " : "", notmuch_message_properties_value (props));
	    notmuch_message_properties_destroy (props);
	    j->evidence = n ? g_strdup_printf ("%u people with that name: %s", n, who->str)
			    : g_strdup ("several people with that name");
	}
	report (j, fn, user_data);
    }
    judge_clear (&ctx);
    return KITH_STATUS_SUCCESS;
}

KITH_EXPORT kith_status_t
kith_requests (kith_t *kith, bool all, kith_judgement_fn fn, void *user_data, char **error_message)
{
    g_autofree char *query_string = NULL;
    g_autofree char *quoted = NULL;

    if (kith == NULL)
	return KITH_STATUS_NULL_POINTER;
    /* Only what kith judged: a user's own tag of the same name is not a
     * request kith knows anything about. */
    quoted = _kith_quote_term (kith->config->tag_request);
    query_string = g_strdup_printf ("tag:%s and (property:kith.verdict=known or "
				    "property:kith.verdict=no-history or "
				    "property:kith.verdict=ambiguous)%s",
				    quoted, all ? "" : " and tag:inbox");
    return recorded_judgements (kith, query_string, fn, user_data, error_message);
}

KITH_EXPORT const char *
kith_platform_of (kith_t *kith, const char *address)
{
    g_autofree char *normal = address ? _kith_address_normalise (address) : NULL;

    if (kith == NULL || normal == NULL)
	return NULL;
    return _kith_rules_platform_of (_kith_session_rules (kith, TRUE, NULL), normal);
}

KITH_EXPORT kith_status_t
kith_platform_mail (kith_t *kith, const char *address, kith_judgement_fn fn, void *user_data,
		    char **error_message)
{
    g_autofree char *normal = NULL;
    g_autofree char *quoted = NULL;
    g_autofree char *query_string = NULL;

    if (kith == NULL || address == NULL)
	return KITH_STATUS_NULL_POINTER;
    normal = _kith_address_normalise (address);
    if (normal == NULL || _kith_rules_platform_of (_kith_session_rules (kith, TRUE, NULL), normal) == NULL) {
	if (error_message)
	    *error_message = g_strdup_printf ("'%s' is no platform's address", address);
	return KITH_STATUS_BAD_ARGUMENT;
    }
    quoted = _kith_quote_term (normal);
    query_string = g_strdup_printf ("from:%s and (property:kith.verdict=known or "
				    "property:kith.verdict=no-history or "
				    "property:kith.verdict=ambiguous)",
				    quoted);
    return recorded_judgements (kith, query_string, fn, user_data, error_message);
}
