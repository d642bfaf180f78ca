/* score.c - the score and tier of a contact
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The score is documented in the README ("The score"); this file is
 * its only implementation.  In short:
 *
 *   gate      no score at all (0, tier none) unless mail went both ways:
 *             I wrote to them or replied to them, AND they wrote to me
 *             directly or replied to me; and they are not an automated
 *             sender.
 *   history   10 per conversation (5 if it happened only on a list)
 *           +  2 per reciprocated message   (min (mine, theirs))
 *           +  1 per reciprocated 1:1 message (min (sent 1:1, received))
 *           +  3 per month with an exchange
 *           +  4 * log2 (1 + duration in months)
 *   recency   5 / (1 + idle / H): idle is the time since the last
 *             exchange; H, the idle time at which recency has halved,
 *             is four times the contact's own rhythm (the mean gap
 *             between the months we exchanged mail, 90 days when there
 *             was only one month), clamped to 30 days..2 years.  The
 *             decay is hyperbolic, not exponential, so that it stays
 *             visible next to a large history even decades later.
 *   score     history + recency
 *
 *   tier      the tier of the score (kith.tier.*), lowered to a cap
 *             when the evidence shows no direct dialogue, whatever the
 *             score (_kith_cap):
 *             - crowd: every message of theirs to me was a crowd's (8
 *               or more people on it, and me not one of at most five in
 *               From and To), we did not each reply to the other, and
 *               the exchange was not repeated (2 messages each way):
 *               none (a bystander of a big reply-all thread, even one
 *               whose message my reply-all answered);
 *             - list only: they never wrote to me, or I never wrote to
 *               them, other than through a list (we only replied to each
 *               other's posts): at most weak;
 *             - not direct: in one direction or the other there is
 *               neither a one-to-few message (3 people at most, the
 *               author included, or the addressee in To, one of at most
 *               5 in From and To) nor a reply: at most weak (group mail alone,
 *               however much of it);
 *             - not repeated: in one direction or the other, mail
 *               addressed to the other (To or Cc) came once at most (the
 *               rest, if any, through a list): at most weak, as `known`
 *               is repeated direct dialogue.
 *
 * Why recency is an added, bounded term and not a factor: adding a
 * conversation adds at least 5 to history and can lower recency by at
 * most 5 (a denser rhythm decays faster), so more shared history never
 * lowers a score, while the same history further in the past always
 * scores lower.
 */

#include <math.h>
#include <string.h>

#include "kith-private.h"

#define DAY 86400.0

gboolean
_kith_score_gate (const _kith_stats_t *s)
{
    const unsigned long *c = s->count;

    return ! s->automated &&
	   c[KITH_COUNT_SENT_DIRECT] + c[KITH_COUNT_SENT_GROUP] + c[KITH_COUNT_REPLIES_TO] > 0 &&
	   c[KITH_COUNT_RECEIVED] + c[KITH_COUNT_REPLIES_FROM] > 0;
}

gboolean
_kith_score_terms (const _kith_stats_t *s, gint64 now, double value[KITH_SCORE_N_TERMS],
		   double amount[KITH_SCORE_N_TERMS])
{
    const unsigned long *c = s->count;
    unsigned long conv, list_conv, months, recip, one_to_one;
    double rhythm, half_life, idle, span_months;
    double unused[KITH_SCORE_N_TERMS];

    if (amount == NULL)
	amount = unused;
    for (int t = 0; t < KITH_SCORE_N_TERMS; t++)
	value[t] = amount[t] = 0.0;
    if (! _kith_score_gate (s))
	return FALSE;

    conv = c[KITH_COUNT_CONVERSATIONS];
    list_conv = MIN (c[KITH_COUNT_LIST_CONVERSATIONS], conv);
    months = c[KITH_COUNT_MONTHS];
    recip = MIN (s->out_msgs, s->in_msgs);
    one_to_one = MIN (c[KITH_COUNT_SENT_DIRECT], c[KITH_COUNT_RECEIVED]);
    span_months = s->last > s->first ? (double) (s->last - s->first) / (30.0 * DAY) : 0.0;

    amount[KITH_SCORE_CONVERSATIONS] = (double) conv;
    value[KITH_SCORE_CONVERSATIONS] = 10.0 * (double) (conv - list_conv) + 5.0 * (double) list_conv;
    amount[KITH_SCORE_RECIPROCATED] = (double) recip;
    value[KITH_SCORE_RECIPROCATED] = 2.0 * (double) recip;
    amount[KITH_SCORE_ONE_TO_ONE] = (double) one_to_one;
    value[KITH_SCORE_ONE_TO_ONE] = 1.0 * (double) one_to_one;
    amount[KITH_SCORE_MONTHS] = (double) months;
    value[KITH_SCORE_MONTHS] = 3.0 * (double) months;
    amount[KITH_SCORE_DURATION] = span_months;
    value[KITH_SCORE_DURATION] = 4.0 * log2 (1.0 + span_months);

    if (months >= 2)
	rhythm = (double) (s->last - s->first) / (double) (months - 1);
    else
	rhythm = 90.0 * DAY;
    half_life = CLAMP (4.0 * rhythm, 30.0 * DAY, 730.0 * DAY);
    idle = now > s->last ? (double) (now - s->last) : 0.0;
    amount[KITH_SCORE_RECENCY] = idle / DAY;
    value[KITH_SCORE_RECENCY] = 5.0 / (1.0 + idle / half_life);
    return TRUE;
}

double
_kith_score (const _kith_stats_t *s, gint64 now)
{
    double value[KITH_SCORE_N_TERMS], score = 0.0;

    _kith_score_terms (s, now, value, NULL);
    for (int t = 0; t < KITH_SCORE_N_TERMS; t++)
	score += value[t];
    return score;
}

kith_tier_t
_kith_tier (const _kith_config_t *config, double score)
{
    double weak = config ? config->tier_threshold[KITH_TIER_WEAK] : KITH_DEFAULT_TIER_WEAK;
    double known = config ? config->tier_threshold[KITH_TIER_KNOWN] : KITH_DEFAULT_TIER_KNOWN;
    double close = config ? config->tier_threshold[KITH_TIER_CLOSE] : KITH_DEFAULT_TIER_CLOSE;

    if (score <= 0.0 || score < weak)
	return KITH_TIER_NONE;
    if (score >= close)
	return KITH_TIER_CLOSE;
    if (score >= known)
	return KITH_TIER_KNOWN;
    return KITH_TIER_WEAK;
}

gboolean
_kith_stats_one_way (const _kith_stats_t *s)
{
    const unsigned long *n = s->count;

    return n[KITH_COUNT_SENT_DIRECT] + n[KITH_COUNT_SENT_GROUP] + n[KITH_COUNT_REPLIES_TO] +
	       n[KITH_COUNT_REPLIES_FROM] + n[KITH_COUNT_CONVERSATIONS] + s->out_msgs ==
	   0;
}

kith_cap_t
_kith_cap (const _kith_stats_t *s, kith_tier_t *max)
{
    const unsigned long *c = s->count;
    gboolean dialogue = c[KITH_COUNT_REPLIES_FROM] > 0 && c[KITH_COUNT_REPLIES_TO] > 0;
    gboolean direct_in = s->direct_in > 0 || c[KITH_COUNT_REPLIES_FROM] > 0;
    gboolean direct_out = s->direct_out > 0 || c[KITH_COUNT_REPLIES_TO] > 0;
    /* Crowd mail repeated each way is more than a bystander's one
     * message: that is left to the not-direct cap.  (Not by span:
     * first and last are those of the two-way part, aggr.c.) */
    gboolean repeated = s->out_msgs >= 2 && s->in_msgs >= 2;
    kith_cap_t cap = KITH_CAP_NONE;
    kith_tier_t tier = KITH_TIER_CLOSE;

    if (s->in_msgs > 0 && s->crowd_in >= s->in_msgs && ! dialogue && ! repeated) {
	cap = KITH_CAP_CROWD;
	tier = KITH_TIER_NONE;
    } else if (c[KITH_COUNT_RECEIVED] == 0 ||
	       c[KITH_COUNT_SENT_DIRECT] + c[KITH_COUNT_SENT_GROUP] == 0) {
	cap = KITH_CAP_LIST_ONLY;
	tier = KITH_TIER_WEAK;
    } else if (! direct_in || ! direct_out) {
	cap = KITH_CAP_NOT_DIRECT;
	tier = KITH_TIER_WEAK;
    } else if (c[KITH_COUNT_RECEIVED] < 2 || c[KITH_COUNT_SENT_DIRECT] + c[KITH_COUNT_SENT_GROUP] < 2) {
	cap = KITH_CAP_NOT_REPEATED;
	tier = KITH_TIER_WEAK;
    }
    if (max)
	*max = tier;
    return cap;
}

/* What each cap is called (the API's and JSON's word) and says. */
static const struct {
    const char *name;
    const char *reason;
} caps[] = {
    [KITH_CAP_CROWD] = { "crowd", "only crowd mail (8 or more people), no reply each way: none" },
    [KITH_CAP_LIST_ONLY] = { "list-only",
			     "one of us wrote to the other only through a list: at most weak" },
    [KITH_CAP_NOT_DIRECT] = { "not-direct", "group mail only, no one-to-few message or reply "
					    "each way: at most weak" },
    [KITH_CAP_NOT_REPEATED] = { "not-repeated", "one of us wrote to the other directly only once "
						"(known needs repeated direct dialogue): at most weak" },
};

const char *
_kith_cap_name (kith_cap_t cap)
{
    return cap > KITH_CAP_NONE && (guint) cap < G_N_ELEMENTS (caps) ? caps[cap].name : NULL;
}

const char *
_kith_cap_to_string (kith_cap_t cap)
{
    return cap > KITH_CAP_NONE && (guint) cap < G_N_ELEMENTS (caps) ? caps[cap].reason : NULL;
}

kith_tier_t
_kith_contact_tier (const _kith_config_t *config, const _kith_stats_t *s, gint64 now,
		    double *score, kith_cap_t *cap)
{
    double sc = _kith_score (s, now);
    kith_tier_t tier = _kith_tier (config, sc), max;
    kith_cap_t why = _kith_cap (s, &max);

    if (score)
	*score = sc;
    if (cap)
	*cap = tier > max ? why : KITH_CAP_NONE;
    return MIN (tier, max);
}

/* ------------------------------------------------------------------ */
/* The completion order (README: "Completion") */

G_STATIC_ASSERT (1 << (2 * KITH_PULL_LONG_STEP) == KITH_PULL_LONG_RATIO);

/* The half-life of stored sum J, in seconds: 7 days * 4^J. */
static double
sum_half_life (guint j)
{
    return (double) ((gint64) KITH_PULL_CHOICE_SHORTEST_DAYS << (2 * j)) * DAY;
}

double
_kith_pull_sum_days (guint j)
{
    g_return_val_if_fail (j < KITH_PULL_N_SUMS, 0.0);
    return sum_half_life (j) / DAY;
}

guint
_kith_pull_choice_parse (const char *text)
{
    for (guint k = 0; text && k < KITH_PULL_N_CHOICES; k++) {
	g_autofree char *days = g_strdup_printf ("%.0f", _kith_pull_sum_days (k));
	if (strcmp (text, days) == 0)
	    return k;
    }
    return KITH_PULL_CHOICE_DEFAULT;
}

/* The exponent of one message's term: log2 (weight * 2^(date / half-life)). */
static double
pull_exponent (gint64 date, gboolean mine, double half_life)
{
    return (double) date / half_life + log2 (mine ? KITH_PULL_WEIGHT_MINE : KITH_PULL_WEIGHT_THEIRS);
}

static void
sum_add (_kith_pull_sum_t *acc, double x)
{
    if (acc->sum == 0.0) {
	acc->max = x;
	acc->sum = 1.0;
    } else if (x > acc->max) {
	acc->sum = acc->sum * exp2 (acc->max - x) + 1.0;
	acc->max = x;
    } else {
	acc->sum += exp2 (x - acc->max);
    }
}

void
_kith_pull_add (_kith_pull_acc_t *acc, gint64 date, gboolean mine)
{
    if (date <= 0)
	return; /* undated: no age */
    for (guint j = 0; j < KITH_PULL_N_SUMS; j++)
	sum_add (&acc->sums[j], pull_exponent (date, mine, sum_half_life (j)));
}

static double
sum_log (const _kith_pull_sum_t *acc)
{
    return acc->sum > 0.0 ? acc->max + log2 (acc->sum) : 0.0;
}

void
_kith_pull_store (const _kith_pull_acc_t *acc, _kith_stats_t *s)
{
    for (guint j = 0; j < KITH_PULL_N_SUMS; j++)
	s->pull[j] = sum_log (&acc->sums[j]);
}

/* log2 (2^PULL + 2^X), PULL 0 standing for none. */
static double
log_add (double pull, double x)
{
    double hi, lo;

    if (pull == 0.0)
	return x;
    hi = MAX (pull, x), lo = MIN (pull, x);
    return hi + log1p (exp2 (lo - hi)) / G_LN2;
}

void
_kith_pull_stats_add (_kith_stats_t *s, gint64 date, gboolean mine)
{
    if (date <= 0)
	return;
    for (guint j = 0; j < KITH_PULL_N_SUMS; j++)
	s->pull[j] = log_add (s->pull[j], pull_exponent (date, mine, sum_half_life (j)));
}

/* The value at NOW of the stored form PULL of the sum over HALF_LIFE. */
static double
sum_at (double pull, gint64 now, double half_life)
{
    return pull == 0.0 ? 0.0 : exp2 (pull - (double) now / half_life);
}

/* The pull at NOW of memory choice CHOICE from the stored forms NEAR
 * and FAR of its two sums (a contact's, or the replay's). */
static double
pull_at (double near, double far, gint64 now, guint choice)
{
    return sum_at (near, now, sum_half_life (choice)) +
	   KITH_PULL_LONG_WEIGHT * sum_at (far, now, sum_half_life (choice + KITH_PULL_LONG_STEP));
}

double
_kith_pull (const _kith_stats_t *s, gint64 now, guint choice)
{
    g_return_val_if_fail (choice < KITH_PULL_N_CHOICES, 0.0);
    return pull_at (s->pull[choice], s->pull[choice + KITH_PULL_LONG_STEP], now, choice);
}

double
_kith_pull_floor (guint choice)
{
    /* Once: completion compares every match with it. */
    static double floors[KITH_PULL_N_CHOICES];
    static gsize ready = 0;

    g_return_val_if_fail (choice < KITH_PULL_N_CHOICES, 1.0);
    if (g_once_init_enter (&ready)) {
	for (guint k = 0; k < KITH_PULL_N_CHOICES; k++) {
	    double far = sum_half_life (k + KITH_PULL_LONG_STEP);
	    floors[k] = KITH_PULL_WEIGHT_MINE *
			(exp2 (-(double) KITH_PULL_FLOOR_DAYS * DAY / sum_half_life (k)) +
			 KITH_PULL_LONG_WEIGHT * exp2 (-(double) KITH_PULL_FLOOR_DAYS * DAY / far));
	}
	g_once_init_leave (&ready, 1);
    }
    return floors[choice];
}

double
_kith_complete_value (const _kith_stats_t *s, double score, gint64 now, guint choice)
{
    double pull = _kith_pull (s, now, choice);

    if (pull < _kith_pull_floor (choice))
	return 0.0;
    return pull * (1.0 + KITH_PULL_RELATIONSHIP * log2 (1.0 + MAX (score, 0.0)));
}

/* ------------------------------------------------------------------ */
/* The replay: how fast the owner's correspondence moves */

static int
compare_replay_events (gconstpointer a, gconstpointer b)
{
    const _kith_replay_event_t *x = a, *y = b;

    if (x->date != y->date)
	return x->date < y->date ? -1 : 1;
    if (x->contact != y->contact)
	return x->contact < y->contact ? -1 : 1;
    return (int) y->mine - (int) x->mine;
}

static int
compare_replay_queries (gconstpointer a, gconstpointer b)
{
    const _kith_replay_query_t *x = a, *y = b;

    return x->date < y->date ? -1 : x->date > y->date;
}

/* The summed reciprocal rank of QUERIES (sorted by date) with memory
 * choice K, from EVENTS (sorted by date). */
static double
replay_choice (const _kith_replay_event_t *events, guint n_events, guint n_contacts,
	       const _kith_replay_query_t *queries, guint n_queries, guint k)
{
    double h = sum_half_life (k), far_h = sum_half_life (k + KITH_PULL_LONG_STEP);
    g_autofree double *near = g_new0 (double, n_contacts);
    g_autofree double *far = g_new0 (double, n_contacts);
    g_autofree guint *active = g_new (guint, n_contacts);
    g_autofree double *value = g_new0 (double, n_contacts);
    guint n_active = 0, e = 0;
    double total = 0.0, floor = _kith_pull_floor (k);

    for (guint q = 0; q < n_queries; q++) {
	const _kith_replay_query_t *query = &queries[q];
	gint64 then = query->date - KITH_PULL_REPLAY_GAP;
	double best = 0.0;
	guint above = 0;

	for (; e < n_events && events[e].date < then; e++) {
	    const _kith_replay_event_t *ev = &events[e];

	    if (ev->date <= 0 || ev->contact >= n_contacts)
		continue;
	    if (near[ev->contact] == 0.0)
		active[n_active++] = ev->contact;
	    near[ev->contact] = log_add (near[ev->contact], pull_exponent (ev->date, ev->mine, h));
	    far[ev->contact] = log_add (far[ev->contact], pull_exponent (ev->date, ev->mine, far_h));
	}
	for (guint i = 0; i < n_active; i++) {
	    guint c = active[i];
	    double v = pull_at (near[c], far[c], then, k);
	    value[c] = v < floor ? 0.0 : v;
	}
	for (guint r = 0; r < query->n_rcpts; r++)
	    if (query->rcpts[r] < n_contacts)
		best = MAX (best, value[query->rcpts[r]]);
	if (best == 0.0)
	    continue; /* nobody it went to has any pull: rank unknown */
	for (guint i = 0; i < n_active; i++)
	    if (value[active[i]] > best)
		above++;
	total += 1.0 / (1.0 + above);
    }
    return total;
}

guint
_kith_pull_replay (const _kith_replay_event_t *events, guint n_events, guint n_contacts,
		   const _kith_replay_query_t *queries, guint n_queries, double *mrr)
{
    g_autofree _kith_replay_event_t *ev = g_memdup2 (events, sizeof (*events) * n_events);
    g_autofree _kith_replay_query_t *qs = g_memdup2 (queries, sizeof (*queries) * n_queries);
    double sums[KITH_PULL_N_CHOICES];
    guint best = KITH_PULL_CHOICE_DEFAULT;

    if (n_events > 0)
	qsort (ev, n_events, sizeof (*ev), compare_replay_events);
    if (n_queries > 0)
	qsort (qs, n_queries, sizeof (*qs), compare_replay_queries);
    for (guint k = 0; k < KITH_PULL_N_CHOICES; k++) {
	sums[k] = n_queries > 0 ? replay_choice (ev, n_events, n_contacts, qs, n_queries, k) : 0.0;
	if (mrr)
	    mrr[k] = n_queries > 0 ? sums[k] / n_queries : 0.0;
    }
    /* The best; on a tie the one nearer the default, then the shorter. */
    for (guint k = 0; k < KITH_PULL_N_CHOICES; k++)
	if (sums[k] > sums[best] + 1e-9 ||
	    (fabs (sums[k] - sums[best]) <= 1e-9 &&
	     ABS ((int) k - KITH_PULL_CHOICE_DEFAULT) < ABS ((int) best - KITH_PULL_CHOICE_DEFAULT)))
	    best = k;
    return best;
}
