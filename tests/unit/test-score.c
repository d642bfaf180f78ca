/* test-score.c - unit tests of plugin/score.c: the gate, the history
 * and recency terms, the tiers, and the two properties the score
 * promises (more conversations never lower it, the same history
 * further in the past always lowers it), checked on random stats.
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include "kith-private.h"

#define DAY ((gint64) 86400)
#define YEAR ((gint64) 365 * DAY)
#define TEN_YEARS ((gint64) 3652 * DAY)

/* 2026-01-01T00:00:00Z: every test scores at this fixed time. */
#define NOW ((gint64) 1767225600)
/* 1990-01-01T00:00:00Z: the earliest exchange the random stats use. */
#define EPOCH_1990 ((gint64) 631152000)

#ifndef RANDOM_ITERATIONS
#define RANDOM_ITERATIONS 20000
#endif
#ifndef RANDOM_SEED
#define RANDOM_SEED 20260101
#endif

/* ------------------------------------------------------------------ */
/* Helpers */

static _kith_stats_t
empty_stats (void)
{
    _kith_stats_t s;

    memset (&s, 0, sizeof (s));
    s.latency_them = s.latency_me = -1;
    return s;
}

/* A plain two-way history: N conversations, each one message of mine
 * and one reply of theirs, one per month, the last one LAST. */
static _kith_stats_t
two_way (unsigned long n, gint64 last)
{
    _kith_stats_t s = empty_stats ();

    s.count[KITH_COUNT_SENT_DIRECT] = n;
    s.count[KITH_COUNT_RECEIVED] = n;
    s.count[KITH_COUNT_REPLIES_FROM] = n;
    s.count[KITH_COUNT_CONVERSATIONS] = n;
    s.count[KITH_COUNT_MONTHS] = n;
    s.out_msgs = n;
    s.in_msgs = n;
    s.last = last;
    s.first = last - (gint64) (n - 1) * 30 * DAY;
    s.i_wrote_first = TRUE;
    return s;
}

static char *
describe (const _kith_stats_t *s)
{
    const unsigned long *c = s->count;

    return g_strdup_printf (
	"sent_direct %lu sent_group %lu received %lu seen %lu automated_msgs %lu "
	"replies_from %lu replies_to %lu conversations %lu list_conversations %lu "
	"months %lu out %lu in %lu first %" G_GINT64_FORMAT " last %" G_GINT64_FORMAT
	" automated %d",
	c[KITH_COUNT_SENT_DIRECT], c[KITH_COUNT_SENT_GROUP], c[KITH_COUNT_RECEIVED],
	c[KITH_COUNT_SEEN], c[KITH_COUNT_AUTOMATED], c[KITH_COUNT_REPLIES_FROM],
	c[KITH_COUNT_REPLIES_TO], c[KITH_COUNT_CONVERSATIONS],
	c[KITH_COUNT_LIST_CONVERSATIONS], c[KITH_COUNT_MONTHS], s->out_msgs, s->in_msgs,
	s->first, s->last, s->automated);
}

/* A uniformly random gint64 in [LO, HI]. */
static gint64
rand_time (GRand *rand, gint64 lo, gint64 hi)
{
    if (hi <= lo)
	return lo;
    return lo + (gint64) (g_rand_double (rand) * (double) (hi - lo + 1)) % (hi - lo + 1);
}

/* A random count in [0, MAX], zero one time in ZERO_ONE_IN. */
static unsigned long
rand_count (GRand *rand, unsigned long max, int zero_one_in)
{
    if (zero_one_in > 0 && g_rand_int_range (rand, 0, zero_one_in) == 0)
	return 0;
    return (unsigned long) g_rand_int_range (rand, 0, (gint32) max + 1);
}

/* The most calendar months an exchange span FIRST..LAST can touch. */
static unsigned long
max_months (gint64 first, gint64 last)
{
    return (unsigned long) ((last - first) / (28 * DAY)) + 2;
}

/* Random stats as aggr.c can produce them: first <= last <= NOW, at
 * least one month when there was an exchange, list conversations <=
 * conversations.  With TWO_WAY the gate is open (and not automated). */
static _kith_stats_t
random_stats (GRand *rand, gboolean two_way)
{
    _kith_stats_t s = empty_stats ();
    unsigned long *c = s.count;
    unsigned long months_max;

    c[KITH_COUNT_SENT_DIRECT] = rand_count (rand, 400, 3);
    c[KITH_COUNT_SENT_GROUP] = rand_count (rand, 400, 3);
    c[KITH_COUNT_RECEIVED] = rand_count (rand, 400, 3);
    c[KITH_COUNT_SEEN] = rand_count (rand, 400, 2);
    c[KITH_COUNT_AUTOMATED] = rand_count (rand, 50, 2);
    c[KITH_COUNT_REPLIES_FROM] = rand_count (rand, 400, 3);
    c[KITH_COUNT_REPLIES_TO] = rand_count (rand, 400, 3);
    c[KITH_COUNT_CONVERSATIONS] = rand_count (rand, 300, 4);
    c[KITH_COUNT_LIST_CONVERSATIONS] =
	rand_count (rand, c[KITH_COUNT_CONVERSATIONS], 2);
    if (two_way) {
	if (c[KITH_COUNT_SENT_DIRECT] + c[KITH_COUNT_SENT_GROUP] + c[KITH_COUNT_REPLIES_TO] == 0)
	    c[g_rand_boolean (rand) ? KITH_COUNT_SENT_DIRECT : KITH_COUNT_REPLIES_TO] = 1;
	if (c[KITH_COUNT_RECEIVED] + c[KITH_COUNT_REPLIES_FROM] == 0)
	    c[g_rand_boolean (rand) ? KITH_COUNT_RECEIVED : KITH_COUNT_REPLIES_FROM] = 1;
    } else {
	s.automated = g_rand_int_range (rand, 0, 20) == 0;
    }
    s.out_msgs = c[KITH_COUNT_SENT_DIRECT] + c[KITH_COUNT_SENT_GROUP] + rand_count (rand, 50, 2);
    s.in_msgs = c[KITH_COUNT_RECEIVED] + rand_count (rand, 50, 2);

    if (two_way || s.out_msgs + s.in_msgs > 0) {
	s.first = rand_time (rand, EPOCH_1990, NOW);
	/* often short, sometimes long */
	if (g_rand_boolean (rand))
	    s.last = rand_time (rand, s.first, MIN (NOW, s.first + 90 * DAY));
	else
	    s.last = rand_time (rand, s.first, NOW);
	months_max = MIN (max_months (s.first, s.last), 600);
	c[KITH_COUNT_MONTHS] = (unsigned long) g_rand_int_range (rand, 1, (gint32) months_max + 1);
	s.i_wrote_first = g_rand_boolean (rand);
    }
    return s;
}

/* S with one more conversation, as kith would count it after one more
 * thread with a reply edge: conversations + 1 (on a list or not), and
 * any non-negative increase of the other counts, months, out and in,
 * a later or equal last and an earlier or equal first. */
static _kith_stats_t
add_conversation (GRand *rand, const _kith_stats_t *s)
{
    _kith_stats_t t = *s;
    unsigned long *c = t.count;

    c[KITH_COUNT_CONVERSATIONS]++;
    if (g_rand_boolean (rand))
	c[KITH_COUNT_LIST_CONVERSATIONS]++;
    for (int k = 0; k < KITH_COUNT_LAST; k++) {
	if (k == KITH_COUNT_CONVERSATIONS || k == KITH_COUNT_LIST_CONVERSATIONS)
	    continue;
	c[k] += rand_count (rand, 5, 2);
    }
    t.out_msgs += rand_count (rand, 10, 2);
    t.in_msgs += rand_count (rand, 10, 2);
    if (t.first == 0) {
	/* the first exchange ever */
	t.first = rand_time (rand, EPOCH_1990, NOW);
	t.last = rand_time (rand, t.first, NOW);
	if (c[KITH_COUNT_MONTHS] == 0)
	    c[KITH_COUNT_MONTHS] = 1;
    } else {
	switch (g_rand_int_range (rand, 0, 4)) {
	case 0: /* after the history */
	    t.last = rand_time (rand, t.last, NOW);
	    break;
	case 1: /* before it */
	    t.first = rand_time (rand, EPOCH_1990, t.first);
	    break;
	case 2: /* in the middle: dates unchanged */
	    break;
	default: /* both ends move */
	    t.first = rand_time (rand, EPOCH_1990, t.first);
	    t.last = rand_time (rand, t.last, NOW);
	    break;
	}
	c[KITH_COUNT_MONTHS] = MIN (c[KITH_COUNT_MONTHS], MAX (s->count[KITH_COUNT_MONTHS], max_months (t.first, t.last)));
    }
    return t;
}

/* S with first and last ten years earlier. */
static _kith_stats_t
ten_years_earlier (const _kith_stats_t *s)
{
    _kith_stats_t t = *s;

    t.first -= TEN_YEARS;
    t.last -= TEN_YEARS;
    return t;
}

/* ------------------------------------------------------------------ */
/* The terms */

/* The named terms add up to the score, exactly, on any history; with
 * the gate closed every term is 0. */
static void
test_terms_add_up (void)
{
    g_autoptr (GRand) rand = g_rand_new_with_seed (24);
    _kith_stats_t closed = empty_stats ();
    double value[KITH_SCORE_N_TERMS], amount[KITH_SCORE_N_TERMS];

    for (int i = 0; i < 2000; i++) {
	_kith_stats_t s = random_stats (rand, i % 4 != 0);
	double sum = 0.0;
	gboolean open = _kith_score_terms (&s, NOW, value, amount);

	for (int t = 0; t < KITH_SCORE_N_TERMS; t++)
	    sum += value[t];
	g_assert_cmpfloat (sum, ==, _kith_score (&s, NOW));
	g_assert_true (open == (_kith_score (&s, NOW) > 0.0));
	if (open) {
	    g_assert_cmpfloat (amount[KITH_SCORE_CONVERSATIONS], ==, (double) s.count[KITH_COUNT_CONVERSATIONS]);
	    g_assert_cmpfloat (amount[KITH_SCORE_MONTHS], ==, (double) s.count[KITH_COUNT_MONTHS]);
	    g_assert_cmpfloat (value[KITH_SCORE_MONTHS], ==, 3.0 * (double) s.count[KITH_COUNT_MONTHS]);
	}
    }
    closed.count[KITH_COUNT_SENT_DIRECT] = 3;
    g_assert_false (_kith_score_terms (&closed, NOW, value, amount));
    for (int t = 0; t < KITH_SCORE_N_TERMS; t++)
	g_assert_cmpfloat (value[t], ==, 0.0);
}

/* The gate in SQL (kith_who's filter) is the gate in C, on random rows
 * with each count 0 or not. */
static void
test_gate_sql (void)
{
    g_autoptr (GRand) rand = g_rand_new_with_seed (7);
    sqlite3 *db = NULL;
    sqlite3_stmt *insert = NULL, *select = NULL;
    g_autoptr (GHashTable) open_c = g_hash_table_new (g_direct_hash, g_direct_equal);
    guint n_open = 0;

    g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE contact (id INTEGER PRIMARY KEY, automated, "
				       "sent_direct, sent_group, replies_to, received, replies_from)",
				   NULL, NULL, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO contact VALUES (?,?,?,?,?,?,?)", -1, &insert, NULL),
		     ==, SQLITE_OK);
    for (int id = 1; id <= 640; id++) {
	_kith_stats_t st = empty_stats ();
	static const kith_count_t keys[] = { KITH_COUNT_SENT_DIRECT, KITH_COUNT_SENT_GROUP,
					     KITH_COUNT_REPLIES_TO, KITH_COUNT_RECEIVED,
					     KITH_COUNT_REPLIES_FROM };

	st.automated = g_rand_int_range (rand, 0, 4) == 0;
	sqlite3_bind_int (insert, 1, id);
	sqlite3_bind_int (insert, 2, st.automated);
	for (guint k = 0; k < G_N_ELEMENTS (keys); k++) {
	    st.count[keys[k]] = g_rand_boolean (rand) ? 0 : (unsigned long) g_rand_int_range (rand, 1, 5);
	    sqlite3_bind_int64 (insert, 3 + (int) k, (sqlite3_int64) st.count[keys[k]]);
	}
	g_assert_cmpint (sqlite3_step (insert), ==, SQLITE_DONE);
	sqlite3_reset (insert);
	if (_kith_score_gate (&st))
	    g_hash_table_add (open_c, GINT_TO_POINTER (id));
    }
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM contact WHERE " KITH_GATE_SQL, -1, &select, NULL),
		     ==, SQLITE_OK);
    while (sqlite3_step (select) == SQLITE_ROW) {
	g_assert_true (g_hash_table_contains (open_c, GINT_TO_POINTER (sqlite3_column_int (select, 0))));
	n_open++;
    }
    g_assert_cmpuint (n_open, ==, g_hash_table_size (open_c));
    g_assert_cmpuint (n_open, >, 20); /* both outcomes were tried */
    g_assert_cmpuint (n_open, <, 620);
    sqlite3_finalize (insert);
    sqlite3_finalize (select);
    sqlite3_close (db);
}

/* The event condition in SQL (the partial index message_event) is the
 * C rule, on every combination of the flags it reads. */
static void
test_event_sql (void)
{
    static const guint bits[] = {
	KITH_MSG_AUTO_SUBMITTED, KITH_MSG_PRECEDENCE_BULK, KITH_MSG_LIST_POST,
	KITH_MSG_LIST_UNSUBSCRIBE, KITH_MSG_NOREPLY_SENDER, KITH_MSG_MINE, KITH_MSG_TO_ME,
	KITH_MSG_EXCLUDED, KITH_MSG_AUTO_RESPONSE, KITH_MSG_ROBOT_SENDER, KITH_MSG_LIST_ID,
    };
    sqlite3 *db = NULL;
    sqlite3_stmt *select = NULL;
    guint n_events = 0;

    g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT " KITH_MSG_EVENT_SQL " FROM (SELECT ? AS flags)", -1,
					 &select, NULL),
		     ==, SQLITE_OK);
    for (guint combo = 0; combo < 1u << G_N_ELEMENTS (bits); combo++) {
	guint flags = 0;
	gboolean event;

	for (guint b = 0; b < G_N_ELEMENTS (bits); b++)
	    if (combo & (1u << b))
		flags |= bits[b];
	event = (flags & KITH_MSG_TO_ME) && ! (flags & (KITH_MSG_MINE | KITH_MSG_EXCLUDED)) &&
		! KITH_MSG_IS_AUTOMATED (flags);
	sqlite3_bind_int64 (select, 1, flags);
	g_assert_cmpint (sqlite3_step (select), ==, SQLITE_ROW);
	g_assert_cmpint (sqlite3_column_int (select, 0), ==, event);
	sqlite3_reset (select);
	n_events += event;
    }
    g_assert_cmpuint (n_events, >, 0);
    sqlite3_finalize (select);
    sqlite3_close (db);
}

static int
compare_int64 (gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

    return x < y ? -1 : x > y;
}

/* One more message added to the stored forms is, up to the last bits,
 * the sums made again in date order, whatever the order it comes in. */
static void
test_pull_log_add (void)
{
    g_autoptr (GRand) rand = g_rand_new_with_seed (11);

    for (int trial = 0; trial < 200; trial++) {
	_kith_pull_acc_t acc = _KITH_PULL_INIT;
	_kith_stats_t incremental = { 0 }, again = { 0 };
	guint n = (guint) g_rand_int_range (rand, 1, 30);
	g_autoptr (GArray) dates = g_array_new (FALSE, FALSE, sizeof (gint64));

	for (guint i = 0; i < n; i++) {
	    /* now and then undated (0): no term */
	    gint64 d = g_rand_int_range (rand, 0, 8) == 0 ? 0 : NOW - g_rand_int_range (rand, 0, 3 * 365) * DAY;
	    gboolean mine = g_rand_boolean (rand);
	    g_array_append_val (dates, d);
	    _kith_pull_stats_add (&incremental, d, mine);
	    /* the same messages in date order, from scratch */
	    g_array_index (dates, gint64, i) = d * 2 + mine;
	}
	g_array_sort (dates, compare_int64);
	for (guint i = 0; i < n; i++) {
	    gint64 v = g_array_index (dates, gint64, i);
	    _kith_pull_add (&acc, v / 2, v % 2);
	}
	_kith_pull_store (&acc, &again);
	for (guint j = 0; j < KITH_PULL_N_SUMS; j++) {
	    g_assert_cmpfloat_with_epsilon (incremental.pull[j], again.pull[j], 1e-9);
	    /* none in one sum: none in any */
	    g_assert_true ((again.pull[j] == 0.0) == (again.pull[0] == 0.0));
	    g_assert_true ((incremental.pull[j] == 0.0) == (again.pull[0] == 0.0));
	}
	for (guint k = 0; k < KITH_PULL_N_CHOICES; k++)
	    g_assert_cmpfloat_with_epsilon (_kith_pull (&incremental, NOW, k), _kith_pull (&again, NOW, k), 1e-9);
    }
}

/* The pull at NOW is the two decayed sums of the memory, weighted,
 * whatever is stored: one message of mine and one of theirs, each some
 * days old, under each memory (7, 28, 112 days; 16 times as long). */
static void
test_pull_value (void)
{
    static const int ages[] = { 0, 1, 14, 30, 100, 224, 500, 1000, 1343, 1345, 1500, 4000 };
    static const double memory[] = { 7, 28, 112 };

    for (guint k = 0; k < KITH_PULL_N_CHOICES; k++) {
	double h = memory[k], far = 16 * memory[k], floor = _kith_pull_floor (k);

	g_assert_cmpfloat (_kith_pull_sum_days (k), ==, h);
	g_assert_cmpfloat (_kith_pull_sum_days (k + 2), ==, far);
	/* the floor: one message of mine 1344 days (3.7 years) old, whatever the memory */
	g_assert_cmpfloat_with_epsilon (floor, exp2 (-1344 / h) + exp2 (-1344 / far) / 16, 1e-15);
	for (guint i = 0; i < G_N_ELEMENTS (ages); i++) {
	    for (guint j = 0; j < G_N_ELEMENTS (ages); j++) {
		_kith_pull_acc_t acc = _KITH_PULL_INIT;
		_kith_stats_t s = { 0 };
		double a = ages[i], b = ages[j], want;

		_kith_pull_add (&acc, NOW - ages[i] * DAY, TRUE);
		_kith_pull_add (&acc, NOW - ages[j] * DAY, FALSE);
		_kith_pull_store (&acc, &s);
		want = exp2 (-a / h) + 0.25 * exp2 (-b / h) + (exp2 (-a / far) + 0.25 * exp2 (-b / far)) / 16;
		g_assert_cmpfloat_with_epsilon (_kith_pull (&s, NOW, k), want, 1e-9 * want);
		g_assert_cmpfloat_with_epsilon (_kith_complete_value (&s, 0.0, NOW, k),
						want < floor ? 0.0 : want, 1e-9 * want);
		g_assert_cmpfloat_with_epsilon (_kith_complete_value (&s, 3.0, NOW, k),
						want < floor ? 0.0 : want * 1.2, 1e-9 * want);
	    }
	}
    }
    /* The store's meta names the memory by its days. */
    g_assert_cmpuint (_kith_pull_choice_parse ("7"), ==, 0);
    g_assert_cmpuint (_kith_pull_choice_parse ("28"), ==, 1);
    g_assert_cmpuint (_kith_pull_choice_parse ("112"), ==, 2);
    g_assert_cmpuint (_kith_pull_choice_parse (NULL), ==, KITH_PULL_CHOICE_DEFAULT);
    g_assert_cmpuint (_kith_pull_choice_parse ("14"), ==, KITH_PULL_CHOICE_DEFAULT);
    g_assert_cmpuint (_kith_pull_choice_parse ("7 "), ==, KITH_PULL_CHOICE_DEFAULT);
    /* The long memory: a correspondent of many messages a year ago comes
     * before a single message of mine five weeks ago, which the recent
     * sum alone would put first with the shorter memories. */
    {
	_kith_pull_acc_t old_acc = _KITH_PULL_INIT, new_acc = _KITH_PULL_INIT;
	_kith_stats_t old = { 0 }, recent = { 0 };

	for (int k = 0; k < 40; k++)
	    _kith_pull_add (&old_acc, NOW - (300 + k) * DAY, TRUE);
	_kith_pull_add (&new_acc, NOW - 35 * DAY, TRUE);
	_kith_pull_store (&old_acc, &old);
	_kith_pull_store (&new_acc, &recent);
	for (guint k = 0; k < KITH_PULL_N_CHOICES; k++) {
	    double h = _kith_pull_sum_days (k) * DAY;
	    g_assert_cmpfloat (_kith_pull (&old, NOW, k), >, _kith_pull (&recent, NOW, k));
	    if (k < 2) /* 7 or 28 days alone: the recent one first */
		g_assert_cmpfloat (exp2 (old.pull[k] - (double) NOW / h), <,
				   exp2 (recent.pull[k] - (double) NOW / h));
	}
    }
}

/* The replay, worked by hand: A had one message of mine 10 days before
 * (the day before the query), B three 60 days before; the query goes
 * to B.  With a 7-day memory A is ahead (0.43 to 0.14), with 28 days B
 * just is (0.85 to 0.84), with 112 days by far: reciprocal ranks 1/2,
 * 1, 1, and the tie goes to the default, 28 days. */
static void
test_replay_by_hand (void)
{
    gint64 then = NOW - DAY;
    _kith_replay_event_t ev[] = {
	{ then - 10 * DAY, 0, TRUE },
	{ then - 60 * DAY, 1, TRUE },
	{ then - 60 * DAY, 1, TRUE },
	{ then - 60 * DAY, 1, TRUE },
    };
    guint to_b = 1;
    _kith_replay_query_t q = { NOW, &to_b, 1 };
    double mrr[KITH_PULL_N_CHOICES];

    g_assert_cmpuint (_kith_pull_replay (ev, G_N_ELEMENTS (ev), 2, &q, 1, mrr), ==, 1);
    g_assert_cmpfloat_with_epsilon (mrr[0], 0.5, 1e-12);
    g_assert_cmpfloat_with_epsilon (mrr[1], 1.0, 1e-12);
    g_assert_cmpfloat_with_epsilon (mrr[2], 1.0, 1e-12);
    g_assert_cmpfloat (_kith_pull_sum_days (0), ==, 7.0);
    g_assert_cmpfloat (_kith_pull_sum_days (1), ==, 28.0);
    g_assert_cmpfloat (_kith_pull_sum_days (2), ==, 112.0);

    /* Nothing to replay, or nobody it went to with any pull: the
     * default, every choice 0. */
    g_assert_cmpuint (_kith_pull_replay (ev, G_N_ELEMENTS (ev), 2, NULL, 0, mrr), ==,
		      KITH_PULL_CHOICE_DEFAULT);
    g_assert_cmpfloat (mrr[0] + mrr[1] + mrr[2], ==, 0.0);
    q.date = then - 100 * DAY; /* before all of it */
    g_assert_cmpuint (_kith_pull_replay (ev, G_N_ELEMENTS (ev), 2, &q, 1, mrr), ==,
		      KITH_PULL_CHOICE_DEFAULT);
    g_assert_cmpfloat (mrr[0] + mrr[1] + mrr[2], ==, 0.0);
    /* The message of the day before does not vote: B's three are the
     * day before the query, A's one ten days before: without the gap
     * the short memory would win. */
    for (guint i = 1; i < 4; i++)
	ev[i].date = NOW - DAY / 2;
    q.date = NOW;
    _kith_pull_replay (ev, G_N_ELEMENTS (ev), 2, &q, 1, mrr);
    g_assert_cmpfloat (mrr[0] + mrr[1] + mrr[2], ==, 0.0);
}

/* A simulated owner, over three years, each message of theirs a query
 * (SENT: its date and contact).  STEADY: twenty regular correspondents,
 * each written to at a rhythm of their own (every week to every two
 * months, give or take a fifth) the whole time, half the messages
 * answered; the person to expect is one of those written to most often,
 * and the one written to yesterday is the least due, which only a long
 * memory sees past.  Else BURSTY: each week a project with two new
 * people, several messages each way over the week, never again; the
 * people to expect are this week's, which a short memory finds. */
typedef struct {
    gint64 date;
    guint contact;
} sent_t;

static int
compare_sent (gconstpointer a, gconstpointer b)
{
    const sent_t *x = a, *y = b;

    return x->date < y->date ? -1 : x->date > y->date;
}

static void
simulate_owner (GRand *rand, gboolean steady, GArray *events, GArray *sent)
{
    gint64 start = NOW - 3 * YEAR;

    if (steady) {
	for (guint c = 0; c < 20; c++) {
	    double period = 7 + c * (60 - 7) / 19.0;
	    double day = g_rand_double_range (rand, 0, period);

	    for (; day < 3 * 365; day += period * g_rand_double_range (rand, 0.8, 1.2)) {
		_kith_replay_event_t e = { start + (gint64) (day * DAY), c, TRUE };
		_kith_replay_event_t r = { e.date + 6 * 3600, c, FALSE };

		g_array_append_val (events, e);
		if (g_rand_boolean (rand))
		    g_array_append_val (events, r);
		g_array_append_val (sent, ((sent_t){ e.date, c }));
	    }
	}
    } else {
	for (guint week = 0; week < 3 * 52; week++) {
	    for (guint p = 0; p < 2; p++) {
		guint c = week * 2 + p;

		for (int day = 0; day < 7; day++) {
		    _kith_replay_event_t e = { start + (week * 7 + day) * DAY + (gint64) p * 60, c, TRUE };
		    _kith_replay_event_t r = { e.date + 3 * 3600, c, FALSE };

		    if (g_rand_double (rand) < 0.6) {
			g_array_append_val (events, e);
			g_array_append_val (events, r);
			g_array_append_val (sent, ((sent_t){ e.date, c }));
		    }
		}
	    }
	}
    }
}

/* The replay picks the memory the owner's mail shows (the simulation's
 * intent, not the replay's rule): long for the steady owner, short for
 * the bursty one, on each of five seeds. */
static void
test_replay_owners (void)
{
    for (guint32 seed = 1; seed <= 5; seed++) {
	for (int steady = 0; steady < 2; steady++) {
	    g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
	    g_autoptr (GArray) events = g_array_new (FALSE, FALSE, sizeof (_kith_replay_event_t));
	    g_autoptr (GArray) sent = g_array_new (FALSE, FALSE, sizeof (sent_t));
	    g_autoptr (GArray) queries = g_array_new (FALSE, FALSE, sizeof (_kith_replay_query_t));
	    guint n_contacts = 0, from;
	    double mrr[KITH_PULL_N_CHOICES];
	    guint choice;

	    simulate_owner (rand, steady, events, sent);
	    g_array_sort (sent, compare_sent);
	    for (guint i = 0; i < events->len; i++)
		n_contacts = MAX (n_contacts, g_array_index (events, _kith_replay_event_t, i).contact + 1);
	    /* the latest messages, as the index asks them */
	    from = sent->len > KITH_PULL_REPLAY_QUERIES ? sent->len - KITH_PULL_REPLAY_QUERIES : 0;
	    for (guint i = from; i < sent->len; i++) {
		sent_t *m = &g_array_index (sent, sent_t, i);
		_kith_replay_query_t q = { m->date, &m->contact, 1 };
		g_array_append_val (queries, q);
	    }
	    choice = _kith_pull_replay ((_kith_replay_event_t *) events->data, events->len, n_contacts,
					(_kith_replay_query_t *) queries->data, queries->len, mrr);
	    if (g_test_verbose ())
		g_printerr ("seed %u %s: %.3f %.3f %.3f -> %u\n", seed, steady ? "steady" : "bursty",
			    mrr[0], mrr[1], mrr[2], choice);
	    g_assert_cmpuint (choice, ==, steady ? KITH_PULL_N_CHOICES - 1 : 0);
	}
    }
}

/* ------------------------------------------------------------------ */
/* The gate */

static void
test_gate_nothing (void)
{
    _kith_stats_t s = empty_stats ();

    g_assert_cmpfloat (_kith_score (&s, NOW), ==, 0.0);
    g_assert_cmpint (_kith_tier (NULL, _kith_score (&s, NOW)), ==, KITH_TIER_NONE);
}

/* I write 20 messages over 3 years; they never write. */
static void
test_gate_one_way_out (void)
{
    _kith_stats_t s = empty_stats ();

    s.count[KITH_COUNT_SENT_DIRECT] = 15;
    s.count[KITH_COUNT_SENT_GROUP] = 5;
    s.count[KITH_COUNT_REPLIES_TO] = 19; /* replies to my own thread */
    s.count[KITH_COUNT_MONTHS] = 20;
    s.out_msgs = 20;
    s.first = NOW - 3 * YEAR;
    s.last = NOW - 30 * DAY;
    s.i_wrote_first = TRUE;
    g_assert_cmpfloat (_kith_score (&s, NOW), ==, 0.0);
    g_assert_cmpint (_kith_tier (NULL, _kith_score (&s, NOW)), ==, KITH_TIER_NONE);

    /* Conversations cannot open the gate by themselves either. */
    s.count[KITH_COUNT_CONVERSATIONS] = 10;
    g_assert_cmpfloat (_kith_score (&s, NOW), ==, 0.0);
}

/* They write 20 direct messages, and reply to my mail to others; I
 * never write to them. */
static void
test_gate_one_way_in (void)
{
    _kith_stats_t s = empty_stats ();

    s.count[KITH_COUNT_RECEIVED] = 20;
    s.count[KITH_COUNT_REPLIES_FROM] = 10;
    s.count[KITH_COUNT_CONVERSATIONS] = 10;
    s.count[KITH_COUNT_MONTHS] = 20;
    s.in_msgs = 20;
    s.first = NOW - 3 * YEAR;
    s.last = NOW - DAY;
    g_assert_cmpfloat (_kith_score (&s, NOW), ==, 0.0);
    g_assert_cmpint (_kith_tier (NULL, _kith_score (&s, NOW)), ==, KITH_TIER_NONE);
}

/* List co-presence: their list messages are only seen. */
static void
test_gate_list_only (void)
{
    _kith_stats_t s = empty_stats ();

    s.count[KITH_COUNT_SEEN] = 30;
    g_assert_cmpfloat (_kith_score (&s, NOW), ==, 0.0);

    /* and my list replies to them, unanswered */
    s.count[KITH_COUNT_REPLIES_TO] = 5;
    s.count[KITH_COUNT_CONVERSATIONS] = 5;
    s.count[KITH_COUNT_LIST_CONVERSATIONS] = 5;
    s.count[KITH_COUNT_MONTHS] = 2;
    s.out_msgs = 5;
    s.first = NOW - 60 * DAY;
    s.last = NOW - 10 * DAY;
    g_assert_cmpfloat (_kith_score (&s, NOW), ==, 0.0);
}

/* Every way of opening both directions opens the gate. */
static void
test_gate_two_way (void)
{
    static const int mine[] = { KITH_COUNT_SENT_DIRECT, KITH_COUNT_SENT_GROUP, KITH_COUNT_REPLIES_TO };
    static const int theirs[] = { KITH_COUNT_RECEIVED, KITH_COUNT_REPLIES_FROM };

    for (guint i = 0; i < G_N_ELEMENTS (mine); i++) {
	for (guint j = 0; j < G_N_ELEMENTS (theirs); j++) {
	    _kith_stats_t s = empty_stats ();
	    double score;

	    s.count[mine[i]] = 1;
	    s.count[theirs[j]] = 1;
	    s.count[KITH_COUNT_MONTHS] = 1;
	    s.out_msgs = s.in_msgs = 1;
	    s.first = NOW - 20 * DAY;
	    s.last = NOW - 10 * DAY;
	    score = _kith_score (&s, NOW);
	    g_assert_cmpfloat (score, >, 0.0);
	    g_assert_cmpint (_kith_tier (NULL, score), ==, KITH_TIER_WEAK);
	}
    }
}

/* Direct mail both ways, no reply at all (no conversation): weak. */
static void
test_gate_direct_no_replies (void)
{
    _kith_stats_t s = empty_stats ();
    double score;

    s.count[KITH_COUNT_SENT_DIRECT] = 1;
    s.count[KITH_COUNT_RECEIVED] = 1;
    s.count[KITH_COUNT_MONTHS] = 1;
    s.out_msgs = s.in_msgs = 1;
    s.first = NOW - 5 * YEAR - 16 * DAY;
    s.last = NOW - 5 * YEAR;
    score = _kith_score (&s, NOW);
    g_assert_cmpfloat (score, >=, KITH_DEFAULT_TIER_WEAK);
    g_assert_cmpint (_kith_tier (NULL, score), >=, KITH_TIER_WEAK);
}

/* Automated senders score 0 whatever their history. */
static void
test_automated (void)
{
    _kith_stats_t s = two_way (40, NOW - DAY);

    g_assert_cmpfloat (_kith_score (&s, NOW), >=, KITH_DEFAULT_TIER_CLOSE);
    s.automated = TRUE;
    g_assert_cmpfloat (_kith_score (&s, NOW), ==, 0.0);
    g_assert_cmpint (_kith_tier (NULL, _kith_score (&s, NOW)), ==, KITH_TIER_NONE);
}

static void
test_automated_random (void)
{
    GRand *rand = g_rand_new_with_seed (RANDOM_SEED + 1);

    for (int i = 0; i < RANDOM_ITERATIONS; i++) {
	_kith_stats_t s = random_stats (rand, TRUE);
	s.automated = TRUE;
	g_assert_cmpfloat (_kith_score (&s, NOW), ==, 0.0);
    }
    g_rand_free (rand);
}

/* ------------------------------------------------------------------ */
/* The value: the formula of score.c's top comment. */

static void
test_value_formula (void)
{
    _kith_stats_t s = empty_stats ();
    double expected;

    s.count[KITH_COUNT_SENT_DIRECT] = 2;
    s.count[KITH_COUNT_SENT_GROUP] = 1;
    s.count[KITH_COUNT_RECEIVED] = 4;
    s.count[KITH_COUNT_SEEN] = 7;
    s.count[KITH_COUNT_REPLIES_FROM] = 2;
    s.count[KITH_COUNT_REPLIES_TO] = 1;
    s.count[KITH_COUNT_CONVERSATIONS] = 3;
    s.count[KITH_COUNT_LIST_CONVERSATIONS] = 1;
    s.count[KITH_COUNT_MONTHS] = 3;
    s.out_msgs = 3;
    s.in_msgs = 5;
    s.first = NOW - 360 * DAY;
    s.last = NOW - 240 * DAY;

    /* 10 * 2 + 5 * 1 conversations, 2 * min (3, 5), 1 * min (2, 4),
     * 3 * 3 months, 4 * log2 (1 + 120/30 months); the rhythm is
     * 120 days / 2 = 60 days, H = 240 days, idle 240 days: recency
     * has halved. */
    expected = 20.0 + 5.0 + 6.0 + 2.0 + 9.0 + 4.0 * log2 (5.0) + 2.5;
    g_assert_cmpfloat_with_epsilon (_kith_score (&s, NOW), expected, 1e-9);

    /* Right now, recency is its full 5. */
    s.last = NOW;
    s.first = NOW - 120 * DAY;
    expected = 20.0 + 5.0 + 6.0 + 2.0 + 9.0 + 4.0 * log2 (5.0) + 5.0;
    g_assert_cmpfloat_with_epsilon (_kith_score (&s, NOW), expected, 1e-9);
    /* A last exchange in the future (clock skew) is not better than now. */
    g_assert_cmpfloat_with_epsilon (_kith_score (&s, NOW - DAY), expected, 1e-9);
}

/* One month of exchanges: the rhythm is 90 days, H = 360 days. */
static void
test_value_one_month (void)
{
    _kith_stats_t s = empty_stats ();
    double expected;

    s.count[KITH_COUNT_REPLIES_TO] = 1;
    s.count[KITH_COUNT_REPLIES_FROM] = 1;
    s.count[KITH_COUNT_CONVERSATIONS] = 1;
    s.count[KITH_COUNT_MONTHS] = 1;
    s.out_msgs = s.in_msgs = 1;
    s.first = s.last = NOW - 360 * DAY;
    expected = 10.0 + 2.0 + 0.0 + 3.0 + 0.0 + 2.5;
    g_assert_cmpfloat_with_epsilon (_kith_score (&s, NOW), expected, 1e-9);
}

/* H is four times the rhythm, clamped to 30 days .. 2 years: after
 * H idle, recency has halved. */
static void
test_value_half_life (void)
{
    /* 20 months in 19 * 30 days: rhythm 30 days, H = 120 days */
    _kith_stats_t s = two_way (20, NOW - 120 * DAY);

    g_assert_cmpfloat_with_epsilon (_kith_score (&s, s.last) - _kith_score (&s, NOW), 2.5, 1e-9);

    /* 20 months within 40 days (rhythm 2 days): H clamped to 30 days */
    s.first = s.last - 40 * DAY;
    g_assert_cmpfloat_with_epsilon (_kith_score (&s, s.last) - _kith_score (&s, s.last + 30 * DAY),
				    2.5, 1e-9);

    /* two months 20 years apart: H clamped to 730 days */
    s = two_way (2, NOW - 730 * DAY);
    s.first = s.last - 20 * YEAR;
    g_assert_cmpfloat_with_epsilon (_kith_score (&s, s.last) - _kith_score (&s, NOW), 2.5, 1e-9);
}

/* ------------------------------------------------------------------ */
/* Adding a conversation never lowers the score. */

static void
test_monotone_conversation (void)
{
    gint64 lasts[] = { NOW, NOW - 30 * DAY, NOW - YEAR, NOW - 10 * YEAR, NOW - 30 * YEAR };

    for (guint i = 0; i < G_N_ELEMENTS (lasts); i++) {
	for (unsigned long n = 1; n < 50; n++) {
	    _kith_stats_t a = two_way (n, lasts[i]);
	    _kith_stats_t b = a;

	    /* one more conversation, in a month already counted */
	    b.count[KITH_COUNT_CONVERSATIONS]++;
	    g_assert_cmpfloat (_kith_score (&b, NOW), >, _kith_score (&a, NOW));

	    /* one more conversation, in a new month between the others:
	     * the denser rhythm decays faster */
	    b.count[KITH_COUNT_MONTHS]++;
	    b.count[KITH_COUNT_SENT_DIRECT]++;
	    b.count[KITH_COUNT_REPLIES_FROM]++;
	    b.out_msgs++;
	    g_assert_cmpfloat (_kith_score (&b, NOW), >=, _kith_score (&a, NOW));

	    /* one more list-only conversation, a month after the last */
	    b = a;
	    b.count[KITH_COUNT_CONVERSATIONS]++;
	    b.count[KITH_COUNT_LIST_CONVERSATIONS]++;
	    b.count[KITH_COUNT_MONTHS]++;
	    b.last = MIN (NOW, a.last + 30 * DAY);
	    g_assert_cmpfloat (_kith_score (&b, NOW), >=, _kith_score (&a, NOW));
	}
    }
}

/* The worst case for recency: one month (H = 360 days) right now,
 * and a second conversation a day earlier in the previous month
 * (H = 30 days).  Recency is still 5 (idle 0): fine.  Idle 100 days:
 * recency drops from 4.1 to 0.5, the conversation adds at least 5. */
static void
test_monotone_rhythm (void)
{
    _kith_stats_t a = two_way (1, NOW - 100 * DAY);
    _kith_stats_t b = a;

    b.count[KITH_COUNT_CONVERSATIONS]++;
    b.count[KITH_COUNT_LIST_CONVERSATIONS]++;
    b.count[KITH_COUNT_MONTHS]++;
    b.first = a.first - DAY;
    g_assert_cmpfloat (_kith_score (&b, NOW), >=, _kith_score (&a, NOW));
}

static void
test_monotone_random (void)
{
    GRand *rand = g_rand_new_with_seed (RANDOM_SEED);
    unsigned long lifted = 0;

    for (int i = 0; i < RANDOM_ITERATIONS; i++) {
	_kith_stats_t a = random_stats (rand, g_rand_boolean (rand));
	_kith_stats_t b = add_conversation (rand, &a);
	double sa = _kith_score (&a, NOW), sb = _kith_score (&b, NOW);

	if (! (sb >= sa)) {
	    g_autofree char *da = describe (&a);
	    g_autofree char *db = describe (&b);
	    g_test_message ("iteration %d: %.17g -> %.17g\n  before: %s\n  after:  %s", i, sa, sb, da, db);
	}
	g_assert_cmpfloat (sb, >=, sa);
	/* ... and several conversations in a row */
	for (int k = 0; k < 3; k++) {
	    _kith_stats_t c = add_conversation (rand, &b);
	    double sc = _kith_score (&c, NOW);
	    g_assert_cmpfloat (sc, >=, sb);
	    b = c;
	    sb = sc;
	}
	if (sb > sa)
	    lifted++;
    }
    /* the check is not vacuous: most histories pass the gate */
    g_assert_cmpuint (lifted, >, RANDOM_ITERATIONS / 4);
    g_rand_free (rand);
}

/* One more message, in no conversation, never lowers the score either:
 * it adds at most one month (+3), and the shorter half-life of the
 * denser rhythm must not cost more than that. */
static void
test_monotone_message (void)
{
    /* I wrote on the 31st, they wrote the same day, 100 days ago; then
     * one more message of theirs, the next day (a new month): H goes
     * from 360 days (one month) to the 30-day minimum. */
    _kith_stats_t a = empty_stats ();
    _kith_stats_t b;

    a.count[KITH_COUNT_SENT_DIRECT] = 1;
    a.count[KITH_COUNT_RECEIVED] = 1;
    a.count[KITH_COUNT_MONTHS] = 1;
    a.out_msgs = a.in_msgs = 1;
    a.first = a.last = NOW - 101 * DAY;
    b = a;
    b.count[KITH_COUNT_RECEIVED]++;
    b.count[KITH_COUNT_MONTHS]++;
    b.in_msgs++;
    b.last = a.last + DAY;
    g_assert_cmpfloat (_kith_score (&b, NOW), >=, _kith_score (&a, NOW));
}

static void
test_monotone_message_random (void)
{
    GRand *rand = g_rand_new_with_seed (RANDOM_SEED + 3);

    for (int i = 0; i < RANDOM_ITERATIONS; i++) {
	_kith_stats_t a = random_stats (rand, TRUE);
	_kith_stats_t b = a;
	double sa, sb;

	/* one message, mine or theirs, direct or not */
	if (g_rand_boolean (rand)) {
	    b.count[g_rand_boolean (rand) ? KITH_COUNT_SENT_DIRECT : KITH_COUNT_SENT_GROUP]++;
	    b.out_msgs++;
	} else {
	    b.count[KITH_COUNT_RECEIVED]++;
	    b.in_msgs++;
	}
	switch (g_rand_int_range (rand, 0, 3)) {
	case 0: /* in a month already counted, dates unchanged */
	    break;
	case 1: /* a new month between the first and the last */
	    b.count[KITH_COUNT_MONTHS]++;
	    break;
	default: /* a new month after the last */
	    b.count[KITH_COUNT_MONTHS]++;
	    b.last = rand_time (rand, a.last, NOW);
	    break;
	}
	sa = _kith_score (&a, NOW);
	sb = _kith_score (&b, NOW);
	if (! (sb >= sa)) {
	    g_autofree char *da = describe (&a);
	    g_autofree char *db = describe (&b);
	    g_test_message ("iteration %d: %.17g -> %.17g\n  before: %s\n  after:  %s", i, sa, sb, da, db);
	    g_assert_cmpfloat (sb, >=, sa);
	    break;
	}
    }
    g_rand_free (rand);
}

/* ------------------------------------------------------------------ */
/* The same history ten years older scores lower. */

static void
test_older_is_lower (void)
{
    gint64 lasts[] = { NOW, NOW - 30 * DAY, NOW - YEAR, NOW - 5 * YEAR };

    for (guint i = 0; i < G_N_ELEMENTS (lasts); i++) {
	for (unsigned long n = 1; n < 40; n += 3) {
	    _kith_stats_t a = two_way (n, lasts[i]);
	    _kith_stats_t b = ten_years_earlier (&a);

	    g_assert_cmpfloat (_kith_score (&b, NOW), <, _kith_score (&a, NOW));
	}
    }
}

/* Histories far enough in the past that the recency term, 5 * 2^(-idle
 * / H), falls below the rounding unit of the history term: the same
 * history ten years older must still score lower. */
static void
test_older_is_lower_long_idle (void)
{
    /* a two-week burst across a month boundary, last 2011-01-10:
     * H = 4 * 14 days, idle 15 years */
    _kith_stats_t burst = two_way (2, (gint64) 1294660800);
    /* a monthly correspondent, 120 conversations, last 16 years ago */
    _kith_stats_t monthly = two_way (120, NOW - 16 * YEAR);
    _kith_stats_t *cases[] = { &burst, &monthly };

    burst.first = burst.last - 14 * DAY;
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
	_kith_stats_t older = ten_years_earlier (cases[i]);
	double s = _kith_score (cases[i], NOW), s_older = _kith_score (&older, NOW);

	g_test_message ("case %u: score %.17g, ten years earlier %.17g", i, s, s_older);
	g_assert_cmpfloat (s_older, <, s);
    }
}

static void
test_older_random (void)
{
    GRand *rand = g_rand_new_with_seed (RANDOM_SEED + 2);
    int failures = 0;

    for (int i = 0; i < RANDOM_ITERATIONS; i++) {
	_kith_stats_t a = random_stats (rand, TRUE);
	_kith_stats_t b = ten_years_earlier (&a);
	double sa = _kith_score (&a, NOW), sb = _kith_score (&b, NOW);

	g_assert_cmpfloat (sa, >, 0.0);
	if (! (sb < sa)) {
	    g_autofree char *da = describe (&a);
	    if (failures++ < 3)
		g_test_message ("iteration %d: %.17g, ten years earlier %.17g\n  stats: %s", i, sa, sb, da);
	}
    }
    if (failures)
	g_test_message ("%d of %d histories did not score lower ten years earlier", failures, RANDOM_ITERATIONS);
    g_assert_cmpint (failures, ==, 0);
    g_rand_free (rand);
}

/* Older is lower, and the history part does not depend on the date. */
static void
test_older_same_history (void)
{
    _kith_stats_t a = two_way (12, NOW - 2 * YEAR);
    _kith_stats_t b = ten_years_earlier (&a);

    /* at the time of their own last exchange both score the same */
    g_assert_cmpfloat_with_epsilon (_kith_score (&a, a.last), _kith_score (&b, b.last), 1e-9);
}

/* ------------------------------------------------------------------ */
/* Tiers */

static void
test_tier_defaults (void)
{
    g_assert_cmpint (_kith_tier (NULL, 0.0), ==, KITH_TIER_NONE);
    g_assert_cmpint (_kith_tier (NULL, -1.0), ==, KITH_TIER_NONE);
    g_assert_cmpint (_kith_tier (NULL, 0.999), ==, KITH_TIER_NONE);
    g_assert_cmpint (_kith_tier (NULL, KITH_DEFAULT_TIER_WEAK), ==, KITH_TIER_WEAK);
    g_assert_cmpint (_kith_tier (NULL, 29.99), ==, KITH_TIER_WEAK);
    g_assert_cmpint (_kith_tier (NULL, KITH_DEFAULT_TIER_KNOWN), ==, KITH_TIER_KNOWN);
    g_assert_cmpint (_kith_tier (NULL, 119.99), ==, KITH_TIER_KNOWN);
    g_assert_cmpint (_kith_tier (NULL, KITH_DEFAULT_TIER_CLOSE), ==, KITH_TIER_CLOSE);
    g_assert_cmpint (_kith_tier (NULL, 1e9), ==, KITH_TIER_CLOSE);
}

static void
test_tier_thresholds (void)
{
    _kith_config_t config;

    memset (&config, 0, sizeof (config));
    config.tier_threshold[KITH_TIER_WEAK] = KITH_DEFAULT_TIER_WEAK;
    config.tier_threshold[KITH_TIER_KNOWN] = KITH_DEFAULT_TIER_KNOWN;
    config.tier_threshold[KITH_TIER_CLOSE] = KITH_DEFAULT_TIER_CLOSE;

    /* the defaults, through a config */
    g_assert_cmpint (_kith_tier (&config, 5.0), ==, KITH_TIER_WEAK);
    g_assert_cmpint (_kith_tier (&config, 50.0), ==, KITH_TIER_KNOWN);
    g_assert_cmpint (_kith_tier (&config, 150.0), ==, KITH_TIER_CLOSE);

    /* kith.tier.known = 1: a weak contact becomes known */
    config.tier_threshold[KITH_TIER_KNOWN] = 1.0;
    g_assert_cmpint (_kith_tier (&config, 5.0), ==, KITH_TIER_KNOWN);
    g_assert_cmpint (_kith_tier (&config, 0.5), ==, KITH_TIER_NONE);

    /* kith.tier.weak = 10 */
    config.tier_threshold[KITH_TIER_WEAK] = 10.0;
    config.tier_threshold[KITH_TIER_KNOWN] = KITH_DEFAULT_TIER_KNOWN;
    g_assert_cmpint (_kith_tier (&config, 9.99), ==, KITH_TIER_NONE);
    g_assert_cmpint (_kith_tier (&config, 10.0), ==, KITH_TIER_WEAK);

    /* kith.tier.close = 50 */
    config.tier_threshold[KITH_TIER_CLOSE] = 50.0;
    g_assert_cmpint (_kith_tier (&config, 49.0), ==, KITH_TIER_KNOWN);
    g_assert_cmpint (_kith_tier (&config, 50.0), ==, KITH_TIER_CLOSE);

    /* a threshold of (almost) 0 never lifts a gated score */
    config.tier_threshold[KITH_TIER_WEAK] = 1e-9;
    g_assert_cmpint (_kith_tier (&config, 0.0), ==, KITH_TIER_NONE);
    g_assert_cmpint (_kith_tier (&config, 0.001), ==, KITH_TIER_WEAK);
    config.tier_threshold[KITH_TIER_WEAK] = 0.0;
    g_assert_cmpint (_kith_tier (&config, 0.0), ==, KITH_TIER_NONE);
}

/* The tier never goes down as the score goes up. */
static void
test_tier_monotone (void)
{
    kith_tier_t prev = KITH_TIER_NONE;

    for (double score = 0.0; score < 200.0; score += 0.25) {
	kith_tier_t tier = _kith_tier (NULL, score);
	g_assert_cmpint (tier, >=, prev);
	prev = tier;
    }
    g_assert_cmpint (prev, ==, KITH_TIER_CLOSE);
}

/* Some history levels, as the README describes the tiers. */
static void
test_tier_examples (void)
{
    _kith_stats_t one = two_way (1, NOW - 7 * DAY);
    _kith_stats_t few = two_way (4, NOW - 7 * DAY);
    _kith_stats_t many = two_way (24, NOW - 7 * DAY);

    g_assert_cmpint (_kith_tier (NULL, _kith_score (&one, NOW)), ==, KITH_TIER_WEAK);
    g_assert_cmpint (_kith_tier (NULL, _kith_score (&few, NOW)), ==, KITH_TIER_KNOWN);
    g_assert_cmpint (_kith_tier (NULL, _kith_score (&many, NOW)), ==, KITH_TIER_CLOSE);
}

/* ------------------------------------------------------------------ */
/* Caps: directness lowers the tier, whatever the score */

/* A history that would be close by its score: N conversations of
 * group mail, people messages each (me, them and PEOPLE - 2 others),
 * with replies each way when REPLIES. */
static _kith_stats_t
group_history (unsigned long n, unsigned people, gboolean replies, gint64 last)
{
    _kith_stats_t s = empty_stats ();

    s.count[KITH_COUNT_SENT_GROUP] = n;
    s.count[KITH_COUNT_RECEIVED] = n;
    s.count[KITH_COUNT_CONVERSATIONS] = n;
    s.count[KITH_COUNT_MONTHS] = n;
    if (replies) {
	s.count[KITH_COUNT_REPLIES_FROM] = n;
	s.count[KITH_COUNT_REPLIES_TO] = n;
    }
    s.out_msgs = n;
    s.in_msgs = n;
    if (people <= KITH_FEW_PEOPLE) {
	s.direct_out = n;
	s.direct_in = n;
    }
    if (people >= KITH_CROWD_PEOPLE)
	s.crowd_in = n;
    s.last = last;
    s.first = last - (gint64) (n - 1) * 30 * DAY;
    return s;
}

static void
check_cap (const _kith_stats_t *s, kith_cap_t cap, kith_tier_t max, kith_tier_t tier)
{
    kith_tier_t got_max;
    kith_cap_t why = KITH_CAP_NONE;
    double score;

    g_assert_cmpint (_kith_cap (s, &got_max), ==, cap);
    g_assert_cmpint (got_max, ==, max);
    g_assert_cmpint (_kith_contact_tier (NULL, s, NOW, &score, &why), ==, tier);
    g_assert_cmpfloat (score, ==, _kith_score (s, NOW));
    /* the cap is reported only when it lowered the tier */
    g_assert_cmpint (why, ==, _kith_tier (NULL, score) > tier ? cap : KITH_CAP_NONE);
    if (why != KITH_CAP_NONE)
	g_assert_nonnull (_kith_cap_to_string (why));
}

static void
test_cap_direct (void)
{
    /* one-to-few mail both ways: not capped */
    _kith_stats_t s = group_history (30, 3, FALSE, NOW - DAY);
    g_assert_cmpint (_kith_tier (NULL, _kith_score (&s, NOW)), ==, KITH_TIER_CLOSE);
    check_cap (&s, KITH_CAP_NONE, KITH_TIER_CLOSE, KITH_TIER_CLOSE);
    /* plain two-way mail: not capped */
    s = two_way (10, NOW - DAY);
    s.direct_out = s.direct_in = 10;
    check_cap (&s, KITH_CAP_NONE, KITH_TIER_CLOSE, _kith_tier (NULL, _kith_score (&s, NOW)));
}

static void
test_cap_group_only (void)
{
    /* group mail alone, however much, no reply each way: at most weak */
    _kith_stats_t s = group_history (30, 5, FALSE, NOW - DAY);
    g_assert_cmpint (_kith_tier (NULL, _kith_score (&s, NOW)), ==, KITH_TIER_CLOSE);
    check_cap (&s, KITH_CAP_NOT_DIRECT, KITH_TIER_WEAK, KITH_TIER_WEAK);
    /* replies one way only: still at most weak */
    s.count[KITH_COUNT_REPLIES_TO] = 30;
    check_cap (&s, KITH_CAP_NOT_DIRECT, KITH_TIER_WEAK, KITH_TIER_WEAK);
    /* replies each way: dialogue, not capped */
    s.count[KITH_COUNT_REPLIES_FROM] = 1;
    check_cap (&s, KITH_CAP_NONE, KITH_TIER_CLOSE, KITH_TIER_CLOSE);
    /* one one-to-few message of theirs and my replies: not capped */
    s.count[KITH_COUNT_REPLIES_FROM] = 0;
    s.direct_in = 1;
    check_cap (&s, KITH_CAP_NONE, KITH_TIER_CLOSE, KITH_TIER_CLOSE);
}

static void
test_cap_crowd (void)
{
    /* a bystander of a big thread: none, even with my reply-all to them */
    _kith_stats_t s = group_history (1, 12, FALSE, NOW - DAY);
    g_assert_cmpint (_kith_tier (NULL, _kith_score (&s, NOW)), >=, KITH_TIER_WEAK);
    check_cap (&s, KITH_CAP_CROWD, KITH_TIER_NONE, KITH_TIER_NONE);
    s.count[KITH_COUNT_REPLIES_TO] = 1;
    check_cap (&s, KITH_CAP_CROWD, KITH_TIER_NONE, KITH_TIER_NONE);
    /* one message of theirs that was not a crowd's: not a bystander */
    s.crowd_in--;
    g_assert_cmpint (_kith_cap (&s, NULL), ==, KITH_CAP_NOT_DIRECT);
    /* crowd mail each way in threads months apart: more than a bystander,
     * still at most weak */
    s = group_history (3, 12, FALSE, NOW - DAY);
    check_cap (&s, KITH_CAP_NOT_DIRECT, KITH_TIER_WEAK, KITH_TIER_WEAK);
    /* replies each way in crowd threads: dialogue */
    s = group_history (30, 12, TRUE, NOW - DAY);
    check_cap (&s, KITH_CAP_NONE, KITH_TIER_CLOSE, KITH_TIER_CLOSE);
}

static void
test_cap_list_only (void)
{
    /* they only replied to my list posts (never To/Cc me): at most weak */
    _kith_stats_t s = group_history (30, 3, TRUE, NOW - DAY);
    s.count[KITH_COUNT_SEEN] = s.count[KITH_COUNT_RECEIVED];
    s.count[KITH_COUNT_RECEIVED] = 0;
    s.direct_in = 0;
    check_cap (&s, KITH_CAP_LIST_ONLY, KITH_TIER_WEAK, KITH_TIER_WEAK);
    /* I only answered their posts on the list: at most weak too */
    s = group_history (30, 3, TRUE, NOW - DAY);
    s.count[KITH_COUNT_SENT_GROUP] = 0;
    s.direct_out = 0;
    check_cap (&s, KITH_CAP_LIST_ONLY, KITH_TIER_WEAK, KITH_TIER_WEAK);
}

/* A list conversant: three threads on a list over a year, each of us
 * replying to the other, and one reply-all each way (To: me, To: them):
 * a score of known, but direct only once each way. */
static void
test_cap_not_repeated (void)
{
    _kith_stats_t s = two_way (3, NOW - 30 * DAY);

    s.first = NOW - YEAR;
    s.count[KITH_COUNT_SENT_DIRECT] = 0;
    s.count[KITH_COUNT_SENT_GROUP] = 1;
    s.count[KITH_COUNT_RECEIVED] = 1;
    s.count[KITH_COUNT_SEEN] = 2;
    s.count[KITH_COUNT_REPLIES_TO] = 3;
    s.count[KITH_COUNT_LIST_CONVERSATIONS] = 3;
    s.direct_in = s.direct_out = 1;
    g_assert_cmpint (_kith_tier (NULL, _kith_score (&s, NOW)), ==, KITH_TIER_KNOWN);
    check_cap (&s, KITH_CAP_NOT_REPEATED, KITH_TIER_WEAK, KITH_TIER_WEAK);
    /* a second message addressed to me: still once the other way */
    s.count[KITH_COUNT_RECEIVED] = 2;
    check_cap (&s, KITH_CAP_NOT_REPEATED, KITH_TIER_WEAK, KITH_TIER_WEAK);
    /* and a second of mine to them: repeated direct dialogue */
    s.count[KITH_COUNT_SENT_DIRECT] = 1;
    check_cap (&s, KITH_CAP_NONE, KITH_TIER_CLOSE, KITH_TIER_KNOWN);
    g_assert_cmpstr (_kith_cap_name (KITH_CAP_NOT_REPEATED), ==, "not-repeated");
}

static void
test_cap_monotone (void)
{
    /* adding a one-to-few message each way never lowers the tier */
    GRand *rand = g_rand_new_with_seed (24);

    for (int n = 0; n < 2000; n++) {
	_kith_stats_t s = group_history (g_rand_int_range (rand, 1, 40),
					 g_rand_int_range (rand, 2, 20), g_rand_boolean (rand),
					 NOW - g_rand_int_range (rand, 1, 3000) * (gint64) DAY);
	_kith_stats_t t = s;
	t.direct_in++;
	t.direct_out++;
	t.in_msgs++;
	t.out_msgs++;
	t.count[KITH_COUNT_SENT_DIRECT]++;
	t.count[KITH_COUNT_RECEIVED]++;
	g_assert_cmpint (_kith_contact_tier (NULL, &t, NOW, NULL, NULL), >=,
			 _kith_contact_tier (NULL, &s, NOW, NULL, NULL));
    }
    g_rand_free (rand);
}

/* One-way: their mail to me only, however much; any mail of mine, any
 * reply either way, is two-way evidence and ends it. */
static void
test_one_way (void)
{
    static const kith_count_t two_way[] = {
	KITH_COUNT_SENT_DIRECT,
	KITH_COUNT_SENT_GROUP,
	KITH_COUNT_REPLIES_TO,
	KITH_COUNT_REPLIES_FROM,
	KITH_COUNT_CONVERSATIONS,
    };
    _kith_stats_t s = { 0 };

    g_assert_true (_kith_stats_one_way (&s));
    s.count[KITH_COUNT_RECEIVED] = 500;
    s.count[KITH_COUNT_SEEN] = 700;
    s.count[KITH_COUNT_AUTOMATED] = 3;
    s.count[KITH_COUNT_MONTHS] = 12;
    s.in_msgs = 500;
    s.direct_in = 400;
    s.pull[0] = 1234.5;
    g_assert_true (_kith_stats_one_way (&s));
    for (guint i = 0; i < G_N_ELEMENTS (two_way); i++) {
	_kith_stats_t t = s;
	t.count[two_way[i]] = 1;
	g_assert_false (_kith_stats_one_way (&t));
    }
    s.out_msgs = 1;
    g_assert_false (_kith_stats_one_way (&s));
    /* A one-way history never has a tier. */
    s.out_msgs = 0;
    g_assert_cmpint (_kith_contact_tier (NULL, &s, NOW, NULL, NULL), ==, KITH_TIER_NONE);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    /* report every failing test, not only the first */
    g_test_set_nonfatal_assertions ();

    g_test_add_func ("/score/terms/add-up", test_terms_add_up);
    g_test_add_func ("/score/gate/sql", test_gate_sql);
    g_test_add_func ("/score/gate/nothing", test_gate_nothing);
    g_test_add_func ("/score/gate/one-way-out", test_gate_one_way_out);
    g_test_add_func ("/score/gate/one-way-in", test_gate_one_way_in);
    g_test_add_func ("/score/gate/list-only", test_gate_list_only);
    g_test_add_func ("/score/gate/two-way", test_gate_two_way);
    g_test_add_func ("/score/gate/direct-no-replies", test_gate_direct_no_replies);
    g_test_add_func ("/score/automated", test_automated);
    g_test_add_func ("/score/automated/random", test_automated_random);
    g_test_add_func ("/score/value/formula", test_value_formula);
    g_test_add_func ("/score/value/one-month", test_value_one_month);
    g_test_add_func ("/score/value/half-life", test_value_half_life);
    g_test_add_func ("/score/monotone/conversation", test_monotone_conversation);
    g_test_add_func ("/score/monotone/rhythm", test_monotone_rhythm);
    g_test_add_func ("/score/monotone/random", test_monotone_random);
    g_test_add_func ("/score/monotone/message", test_monotone_message);
    g_test_add_func ("/score/monotone/message-random", test_monotone_message_random);
    g_test_add_func ("/score/older-is-lower", test_older_is_lower);
    g_test_add_func ("/score/older-is-lower/long-idle", test_older_is_lower_long_idle);
    g_test_add_func ("/score/older-is-lower/random", test_older_random);
    g_test_add_func ("/score/older-is-lower/same-history", test_older_same_history);
    g_test_add_func ("/score/tier/defaults", test_tier_defaults);
    g_test_add_func ("/score/tier/thresholds", test_tier_thresholds);
    g_test_add_func ("/score/tier/monotone", test_tier_monotone);
    g_test_add_func ("/score/tier/examples", test_tier_examples);
    g_test_add_func ("/score/cap/direct", test_cap_direct);
    g_test_add_func ("/score/cap/group-only", test_cap_group_only);
    g_test_add_func ("/score/cap/crowd", test_cap_crowd);
    g_test_add_func ("/score/cap/list-only", test_cap_list_only);
    g_test_add_func ("/score/cap/not-repeated", test_cap_not_repeated);
    g_test_add_func ("/score/cap/monotone", test_cap_monotone);
    g_test_add_func ("/score/one-way", test_one_way);
    g_test_add_func ("/score/event-sql", test_event_sql);
    g_test_add_func ("/score/pull/log-add", test_pull_log_add);
    g_test_add_func ("/score/pull/value", test_pull_value);
    g_test_add_func ("/score/pull/replay-by-hand", test_replay_by_hand);
    g_test_add_func ("/score/pull/replay-owners", test_replay_owners);

    return g_test_run ();
}
