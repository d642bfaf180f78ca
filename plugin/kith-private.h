/* kith-private.h - internal declarations shared by libkith's modules
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Nothing here is public API: include/kith.h is the only installed
 * header.  Names shared between modules start with _kith_, everything
 * else is static.
 *
 * Module map
 * ----------
 *   status.c   kith_status_to_string, GError <-> kith_status_t
 *   config.c   reading kith's settings and "who am I" from notmuch config
 *   mime.c     reading the header block of a message file, GMime parsing,
 *              address / subject normalisation, bulk detection
 *   store.c    the SQLite store (schema, meta, message and contact rows)
 *   aggr.c     turning the mined message rows of one person into counts
 *   score.c    score and tier from the counts (pure functions)
 *   index.c    walking notmuch (full or since a lastmod revision)
 *   kith.c     the public kith_* API on top of the above
 *   cli.c, main.c   the notmuch-kith command (not in the library)
 */

#ifndef KITH_PRIVATE_H
#define KITH_PRIVATE_H

#include <glib.h>
#include <gmime/gmime.h>
#include <notmuch.h>
#include <sqlite3.h>

#include "kith.h"

G_BEGIN_DECLS

#define KITH_EXPORT __attribute__ ((visibility ("default")))

/* ------------------------------------------------------------------ */
/* Errors (status.c) */

#define KITH_ERROR (_kith_error_quark ())
GQuark _kith_error_quark (void);

/* The GError codes of KITH_ERROR are kith_status_t values. */
kith_status_t _kith_status_from_error (const GError *error, char **error_message);

/* ------------------------------------------------------------------ */
/* Automatic cleanups for the C libraries we use. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (notmuch_database_t, notmuch_database_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (notmuch_query_t, notmuch_query_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (notmuch_messages_t, notmuch_messages_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (notmuch_message_t, notmuch_message_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (notmuch_tags_t, notmuch_tags_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (notmuch_config_values_t, notmuch_config_values_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (notmuch_config_pairs_t, notmuch_config_pairs_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InternetAddressList, g_object_unref)

/* ------------------------------------------------------------------ */
/* Mined message facts (mime.c) */

/* Flags describing one message.  Stored as an integer in the store. */
typedef enum {
    /* Header signals of automated or bulk mail. */
    KITH_MSG_AUTO_SUBMITTED = 1 << 0, /* Auto-Submitted: anything but "no" */
    KITH_MSG_PRECEDENCE_BULK = 1 << 1, /* Precedence: bulk or junk */
    KITH_MSG_LIST_ID = 1 << 2,  /* List-Id present */
    KITH_MSG_LIST_POST = 1 << 3, /* List-Post present */
    KITH_MSG_PRECEDENCE_LIST = 1 << 4, /* Precedence: list */
    KITH_MSG_LIST_UNSUBSCRIBE = 1 << 5, /* List-Unsubscribe present */
    KITH_MSG_NOREPLY_SENDER = 1 << 6, /* From (or Sender) is no-reply style */
    KITH_MSG_REPLY_SUBJECT = 1 << 7, /* Subject starts with Re:/AW:/SV:/... */
    /* Set from notmuch and the identity, not from the headers. */
    KITH_MSG_MINE = 1 << 8,     /* author is one of my addresses */
    KITH_MSG_TO_ME = 1 << 9,    /* one of my addresses is in To or Cc */
    KITH_MSG_EXCLUDED = 1 << 10, /* carries a search.exclude_tags tag */
    KITH_MSG_BROKEN = 1 << 11,  /* file unreadable or unparsable */
    /* Mail a client wrote by itself: a calendar response ("Accepted:",
     * text/calendar; method=REPLY) or an out-of-office reply. */
    KITH_MSG_AUTO_RESPONSE = 1 << 12,
    /* The author is a robot (_kith_sender_is_robot; set by the indexer,
     * which knows kith.robots). */
    KITH_MSG_ROBOT_SENDER = 1 << 13,
    /* The list rewrote From (DMARC); the author is the person it names. */
    KITH_MSG_FROM_REWRITTEN = 1 << 14,
    /* More recipients than kith.max_recipients: group mail, whose
     * recipients are not stored (index.c); a crowd's in aggr.c. */
    KITH_MSG_MANY_RCPTS = 1 << 15,
    /* To and Cc name nobody: no such field, or only empty groups
     * ("undisclosed-recipients:;").  Everyone got it as a Bcc: mail to
     * many, nobody's approach to me (hook.c). */
    KITH_MSG_HIDDEN_RCPTS = 1 << 16,
} _kith_msg_flag_t;

/* Automated or bulk: never shared history.  A discussion list
 * (List-Post present) is not bulk by itself. */
#define KITH_MSG_IS_AUTOMATED(f)                                             \
    (((f) & (KITH_MSG_AUTO_SUBMITTED | KITH_MSG_NOREPLY_SENDER |             \
	     KITH_MSG_AUTO_RESPONSE | KITH_MSG_ROBOT_SENDER)) ||              \
     (((f) & (KITH_MSG_PRECEDENCE_BULK | KITH_MSG_LIST_UNSUBSCRIBE)) &&      \
      ! ((f) & KITH_MSG_LIST_POST)))

/* Over the store's flags column, for SQL: KITH_MSG_IS_AUTOMATED's
 * negation, and the messages of someone else that count in a one-way
 * history with me (to me, not mine, not excluded, not automated as
 * above; aggr.c: one more message of a one-way sender; the partial
 * index message_event; index.c: the replay).  The numbers are
 * the flags above, checked when compiling, and test-score checks it
 * against KITH_MSG_IS_AUTOMATED. */
#define KITH_MSG_NOT_AUTOMATED_SQL "(flags & 12353) = 0 AND ((flags & 34) = 0 OR (flags & 8) != 0)"
#define KITH_MSG_EVENT_SQL "(flags & 1792) = 512 AND " KITH_MSG_NOT_AUTOMATED_SQL
G_STATIC_ASSERT ((KITH_MSG_AUTO_SUBMITTED | KITH_MSG_NOREPLY_SENDER | KITH_MSG_AUTO_RESPONSE |
		  KITH_MSG_ROBOT_SENDER) == 12353);
G_STATIC_ASSERT ((KITH_MSG_PRECEDENCE_BULK | KITH_MSG_LIST_UNSUBSCRIBE) == 34);
G_STATIC_ASSERT (KITH_MSG_LIST_POST == 8);
G_STATIC_ASSERT ((KITH_MSG_MINE | KITH_MSG_TO_ME | KITH_MSG_EXCLUDED) == 1792 && KITH_MSG_TO_ME == 512);

/* Mail that went through a mailing list. */
#define KITH_MSG_IS_LIST(f)                                                  \
    ((f) & (KITH_MSG_LIST_ID | KITH_MSG_LIST_POST | KITH_MSG_PRECEDENCE_LIST))

typedef enum {
    KITH_RCPT_TO = 1,
    KITH_RCPT_CC = 2,
    KITH_RCPT_BCC = 3,
    /* Not a recipient: the list's own address (List-Post, or the From a
     * list rewrote), stored with its message so that a list is never a
     * contact (aggr.c) and the store stays a function of the mail. */
    KITH_RCPT_LIST = 4,
} _kith_rcpt_kind_t;

typedef struct {
    char *address; /* normalised: trimmed, lower-cased; never NULL */
    char *name;    /* decoded display name, NULL if none */
    int kind;      /* _kith_rcpt_kind_t; 0 for the author */
} _kith_addr_t;

void _kith_addr_free (_kith_addr_t *addr);

/* Everything kith mines from the header block of one message.
 * Produced by _kith_mime_parse_*; freed with _kith_msg_free. */
typedef struct {
    _kith_addr_t *from;     /* first From mailbox, or NULL */
    GPtrArray *rcpts;       /* of _kith_addr_t*: To, Cc, Bcc in order */
    char *subject;          /* decoded Subject, NULL if none */
    char *subject_base;     /* see _kith_subject_base; NULL if none */
    char *message_id;       /* without <>, NULL if none */
    char *in_reply_to;      /* first message-id of In-Reply-To, no <> */
    GPtrArray *references;  /* of char*: message-ids of References, no <> */
    char *thread_index;     /* Thread-Index decoded to lower-case hex */
    char *thread_topic;     /* decoded Thread-Topic */
    gint64 date;            /* Date header as time_t, 0 if none/unparsable */
    gint64 received;        /* date of the first Received field, 0 if none */
    char *list_address;     /* the list's own address (List-Post, or a
			     * From the list rewrote), NULL if none */
    guint recovered;        /* mailboxes GMime dropped and kith read */
    char *recovered_example; /* the first of them */
    guint flags;            /* _kith_msg_flag_t header signals */
} _kith_msg_t;

void _kith_msg_free (_kith_msg_t *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (_kith_msg_t, _kith_msg_free)

/* Make sure g_mime_init has run (idempotent, thread-safe). */
void _kith_mime_init (void);

/* Read the header block of FILENAME (up to the first empty line, never
 * the body) and parse it.  At most KITH_MAX_HEADER_BLOCK bytes are read;
 * a longer block is cut there.  Returns NULL and sets ERROR (naming the
 * file) only when the file cannot be read at all; a file with garbage
 * headers yields a _kith_msg_t with whatever could be recovered. */
#define KITH_MAX_HEADER_BLOCK (4 * 1024 * 1024)
_kith_msg_t *_kith_mime_parse_file (const char *filename, GError **error);

/* Parse a header block held in memory (the body, if any, is ignored). */
_kith_msg_t *_kith_mime_parse_headers (const char *buf, gsize len);

/* Outlook's Thread-Index, in hex: the thread's root is 22 bytes, each
 * reply adds 5 to its parent's. */
#define KITH_TI_ROOT_HEX 44
#define KITH_TI_REPLY_HEX 10

/* What MSG names as its parent, for aggr.c's reply edges: the returned
 * message-id (In-Reply-To, else the last of References; NULL: none,
 * owned by MSG) and in *TI_PARENT its parent's Thread-Index (its own
 * less one reply; NULL for a root or none; free with g_free). */
const char *_kith_msg_parent_keys (const _kith_msg_t *msg, char **ti_parent);

/* TEXT (a header value, unfolded) with each run of adjacent base64
 * encoded-words of one charset joined into one word, which GMime 3.2
 * decodes whole (it stops at the padding of the first otherwise).  Free
 * with g_free. */
char *_kith_rfc2047_join (const char *text);

/* RAW (a header value as written) unfolded, joined as above, and
 * decoded: what g_mime_header_get_value should give. */
char *_kith_header_decode_text (const char *raw);

/* One raw address-list header value read as the indexer reads it
 * (mime.c, "Addresses GMime drops"): GMime's reading appended to GMIME,
 * the one kith uses to USED, as _kith_addr_t* (arrays freeing with
 * _kith_addr_free).  For the fuzz target address-list, which checks
 * that USED keeps everything GMime found. */
void _kith_mime_read_address_list (const char *raw, GPtrArray *gmime, GPtrArray *used);

/* Normalise one mail address: trim white space and angle brackets,
 * lower-case it.  Returns NULL when the result is not plausibly an
 * address (empty, no '@', contains white space or control characters).
 * Free with g_free. */
char *_kith_address_normalise (const char *address);

/* Is this address no-reply style (noreply@, no-reply@, donotreply@,
 * mailer-daemon@, notifications@, bounce...@, ...)?  ADDRESS must be
 * normalised. */
gboolean _kith_address_is_noreply (const char *address);

/* Does SUBJECT start with a reply marker (Re:, RE:, Aw:, AW:, SV:, Antw:,
 * Ynt:, Odp:, R:, Réf:, also "Re[2]:" and "Re: Re:")? */
gboolean _kith_subject_is_reply (const char *subject);

/* Is SUBJECT that of a calendar response ("Accepted:", "Declined:",
 * "Tentative:", in several languages) or an out-of-office reply
 * ("Automatic reply:", "Out of Office", ...)? */
gboolean _kith_subject_is_auto_response (const char *subject);

/* Is the sender ADDRESS (normalised) with display NAME (may be NULL) a
 * robot?  A robot word (robot, bot, ci, jenkins, patchwork, build, ...)
 * as a whole word of the local part, a word nobody is named (robot,
 * bot, jenkins, ...) as a word of the folded name, or one of PATTERNS
 * (kith.robots globs; may be NULL): a pattern holding an '@' matches
 * the address, any other the folded display name. */
gboolean _kith_sender_is_robot (GPtrArray *patterns, const char *address, const char *name);

/* Dates before this (1980-01-02 UTC) are placeholders: the Unix epoch
 * and 1980-01-01 (DOS) in every time zone. */
#define KITH_DATE_MIN G_GINT64_CONSTANT (315619200)

/* Is DATE plausible for a message received at RECEIVED (0: unknown;
 * then NOW): not a placeholder, not more than a day later? */
gboolean _kith_date_plausible (gint64 date, gint64 received, gint64 now);

/* The date a message counts at: its Date (else FALLBACK, notmuch's)
 * when plausible, else its first Received date, else 0 (undated: it
 * sets no first, last or month). */
gint64 _kith_msg_date (const _kith_msg_t *msg, gint64 fallback, gint64 now);

/* The subject stripped of any reply and forward markers (Re:, Fwd:, Fw:,
 * WG:, TR:, ...) and leading "[list-tag]" parts, white space collapsed,
 * case-folded.  NULL for NULL.  Free with g_free. */
char *_kith_subject_base (const char *subject);

/* A subject base (above) with every run of digits one '#': what a
 * template keeps from message to message ("start date: #/#/#; hour:
 * #").  NULL for NULL.  Free with g_free. */
char *_kith_subject_skeleton (const char *base);


/* ------------------------------------------------------------------ */
/* Configuration (config.c) */

/* Defaults of the kith.* notmuch config keys (README: Configuration). */
#define KITH_DEFAULT_TIER_WEAK 1
#define KITH_DEFAULT_TIER_KNOWN 30
#define KITH_DEFAULT_TIER_CLOSE 120
#define KITH_DEFAULT_REPLY_WINDOW_DAYS 60
#define KITH_DEFAULT_LOCK_TIMEOUT 30
#define KITH_DEFAULT_MAX_RECIPIENTS 1000
#define KITH_DEFAULT_HOOK_BUDGET 60
#define KITH_DEFAULT_REJUDGE_DAYS 30

/* The version of what the indexer reads from a message (addresses,
 * author, flags): part of the config fingerprint, so a kith that reads
 * mail differently mines the store again.  2: addresses GMime drops,
 * lists that rewrite From, client-written mail, robots.  3: directness
 * (one-to-few and crowd messages).  4: span and months of the two-way
 * part only.  5: kith.max_recipients.  6: the lists' own addresses.
 * 7: hidden recipients.  8: a display name that is an address is no
 * name (mime.c: mailbox_name). */
#define KITH_MINER_VERSION 8

typedef struct {
    GPtrArray *me;            /* char*: my normalised addresses */
    GPtrArray *me_patterns;   /* GPatternSpec*: kith.me_patterns globs */
    GPtrArray *exclude_tags;  /* char*: search.exclude_tags */
    double tier_threshold[4]; /* indexed by kith_tier_t; [0] unused */
    gint64 reply_window;      /* seconds, for subject-only reply matching */
    int lock_timeout;         /* seconds to wait for a notmuch write lock */
    guint max_recipients;     /* more on one message: group mail (index.c) */
    double hook_budget;       /* seconds the hook may spend judging */
    guint rejudge_days;       /* how far back late mail re-judges (hook.c), 0: never */
    GHashTable *alias;        /* address -> GPtrArray* of its group (shared) */
    GPtrArray *alias_groups;  /* GPtrArray* (of char*): one per kith.alias.* key */
    char *store_path;         /* kith.store, NULL for the default */
    char *tag_no_history;     /* kith.tag.no_history: "no-history" */
    char *tag_request;        /* kith.tag.request: "request" */
    char *tag_introduced;     /* kith.tag.introduced: "introduced" */
    gboolean tier_tags;       /* kith.tier_tags: also tag PREFIX<tier> */
    char *tier_tag_prefix;    /* kith.tier_tag_prefix: "kith/" */
    char *rules_path;         /* kith.rules: the user's rules file, or NULL */
    GPtrArray *robots;        /* char*: kith.robots globs (address or folded name) */
    gboolean complete_hide_others; /* kith.complete.others = hide */
    GPtrArray *orgs;          /* _kith_org_t*: one per kith.org.* key */
    GPtrArray *freemail;      /* char*: kith.freemail_domains; NULL: built in */
    char *fingerprint;        /* what the store's mined rows depend on */
} _kith_config_t;

/* What the store keeps of one message besides notmuch's ids, its file,
 * subject, Thread-Index and date (index.c writes it, aggr.c computes
 * histories from it): the facts about the people on it.  Strings are
 * borrowed from the message, but TI_PARENT. */
typedef struct {
    const char *author;      /* normalised From address, or NULL */
    const char *author_name; /* its display name, or NULL */
    /* The message's flags and the identity's: MINE (the author is me),
     * ROBOT_SENDER (not mine, _kith_sender_is_robot under kith.robots),
     * TO_ME (me in To or Cc; a Bcc copy is not addressed to me),
     * EXCLUDED (as asked), MANY_RCPTS (more distinct recipients than
     * kith.max_recipients, Bcc counted on my mail only). */
    guint flags;
    const char *parent;      /* _kith_msg_parent_keys */
    char *ti_parent;         /* its parent's Thread-Index (owned), or NULL */
    gboolean has_reply_headers; /* In-Reply-To or References present */
    /* const _kith_addr_t*: the recipient rows, in order: To, Cc and,
     * on my mail only, Bcc; none for MANY_RCPTS. */
    GPtrArray *rcpts;
    const char *list_address; /* the list's own row, or NULL */
} _kith_msg_row_t;

/* The row of MSG, excluded (search.exclude_tags) or not, under CONFIG
 * (index.c; pure).  Release with _kith_msg_row_clear. */
void _kith_msg_row (const _kith_config_t *config, const _kith_msg_t *msg, gboolean excluded,
		    _kith_msg_row_t *row);
void _kith_msg_row_clear (_kith_msg_row_t *row);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (_kith_msg_row_t, _kith_msg_row_clear)

/* For g_ptr_array_sort of strings (status.c). */
int _kith_compare_strings (gconstpointer a, gconstpointer b);

/* ------------------------------------------------------------------ */
/* Organisations (org.c) */

/* One kith.org.NAME key. */
typedef struct {
    char *name;         /* NAME, as written */
    char *key;          /* the whole key, for messages */
    GPtrArray *domains; /* char*: its mail domains, lower-case */
} _kith_org_t;

void _kith_org_free (_kith_org_t *org);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (_kith_org_t, _kith_org_free)
/* DOMAIN is PARENT or one of its subdomains (both lower-case). */
gboolean _kith_domain_under (const char *domain, const char *parent);
/* Two labels at least, of letters, digits, hyphens (or UTF-8). */
gboolean _kith_domain_is_valid (const char *domain);
/* The part of DOMAIN an organisation registers: "acme.example" of
 * "mail.acme.example", "acme.co.uk" of "mx.acme.co.uk". */
char *_kith_org_registrable (const char *domain);
/* DOMAIN is a free-mail domain (or under one). */
gboolean _kith_org_is_freemail (const _kith_config_t *config, const char *domain);
/* The organisation of ADDRESS: the NAME of the kith.org.* key naming
 * its domain, else its registrable domain; NULL for free mail. */
char *_kith_org_of (const _kith_config_t *config, const char *address);
/* The domains of ORG, a kith.org NAME or a mail domain; an error for a
 * free-mail domain or what is neither. */
GPtrArray *_kith_org_domains (const _kith_config_t *config, const char *org, GError **error);

_kith_config_t *_kith_config_load (notmuch_database_t *db, gboolean lenient, GError **error);
void _kith_config_free (_kith_config_t *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (_kith_config_t, _kith_config_free)

/* The addresses of the person ADDRESS stands for: its kith.alias group,
 * or just itself.  Release with g_ptr_array_unref. */
GPtrArray *_kith_config_person (const _kith_config_t *config, const char *address);

/* Is ADDRESS (normalised) one of mine? */
gboolean _kith_config_is_me (const _kith_config_t *config, const char *address);

/* ------------------------------------------------------------------ */
/* Per-contact statistics (aggr.c, score.c) */

/* The completion order's memories (score.c): KITH_PULL_N_CHOICES
 * half-lives of 7 * 4^k days (7, 28, 112), the one in use picked by the
 * replay (KITH_PULL_CHOICE_DEFAULT, 28 days, until it has run), each
 * with its long memory KITH_PULL_LONG_RATIO times as long; each contact
 * keeps KITH_PULL_N_SUMS sums, 7 * 4^j days (7 to 1792), so that choice
 * K is sums K and K + 2 and a new choice needs no mail read again. */
#define KITH_PULL_CHOICE_SHORTEST_DAYS 7
#define KITH_PULL_N_CHOICES 3
#define KITH_PULL_CHOICE_DEFAULT 1
#define KITH_PULL_LONG_RATIO 16
#define KITH_PULL_LONG_STEP 2 /* 4^2 = KITH_PULL_LONG_RATIO */
#define KITH_PULL_N_SUMS (KITH_PULL_N_CHOICES + KITH_PULL_LONG_STEP)

typedef struct {
    unsigned long count[KITH_COUNT_LAST];
    unsigned long out_msgs;  /* distinct messages of mine in exchanges with them */
    unsigned long in_msgs;   /* distinct messages of theirs in exchanges with me */
    gint64 first, last;      /* first and last exchange, 0 if none */
    gint64 latency_them;     /* median seconds, -1 if none */
    gint64 latency_me;
    gboolean i_wrote_first;
    gboolean automated;
    /* Directness (score.c: the caps).  A one-to-few message has at
     * most three people on it, author included: me, them and one
     * other at most. */
    unsigned long direct_out; /* my one-to-few messages to them */
    unsigned long direct_in;  /* their one-to-few messages to me */
    unsigned long crowd_in;   /* their messages to me that are a crowd's */
    /* Schema 8 (score.c: the completion order): my mail to them and
     * theirs to me, each message weighted and growing by half every
     * _kith_pull_sum_days (j) days, as log2 of the sum of
     * weight * 2^(date / half-life); 0 when there is none.  Stored in
     * this form so that it needs no "now": _kith_pull gives its value
     * at any time. */
    double pull[KITH_PULL_N_SUMS];
} _kith_stats_t;

/* People on a message (author and distinct recipients) up to which it is
 * one-to-few, and from which it is a crowd's.  A message is one-to-few
 * to someone also when it names them in To with at most
 * KITH_FEW_TO_PEOPLE in From and To together (a patch To: its author's
 * alias and three maintainers, Cc'd to many); a crowd's message is one
 * with KITH_CROWD_PEOPLE or more on it that is not one-to-few
 * (aggr.c). */
/* Messages each way at most this many days apart are the two-way part
 * of a history even without a reply edge (aggr.c: two_way_events). */
#define KITH_TWO_WAY_DAYS 14

#define KITH_FEW_PEOPLE 3
#define KITH_FEW_TO_PEOPLE 5
#define KITH_CROWD_PEOPLE 8

/* Subject-only reply matching (aggr.c) looks at no more than this many
 * same-subject messages next to a message, whatever their dates: a
 * sender repeating one subject cannot make it cost more. */
#define KITH_SUBJECT_NEIGHBOURS 32

/* Score of STATS at time NOW (README: "The score"): the sum of its
 * terms. */
double _kith_score (const _kith_stats_t *stats, gint64 now);

/* A one-way history: no mail of mine to them and no reply either way
 * (so no conversation and nothing of mine counted).  Every count only
 * grows with mail, so a one-way history has been one-way at every date:
 * the hook's shortcut for a stranger's later mail, and the index's
 * adding one more message of theirs (aggr.c) rest on it. */
gboolean _kith_stats_one_way (const _kith_stats_t *stats);

/* The gate of the score: mail went both ways (I wrote to them or
 * replied, and they wrote to me or replied) and the contact is not
 * automated.  Closed: score 0, tier none. */
gboolean _kith_score_gate (const _kith_stats_t *stats);

/* The same gate over the contact table's columns, for a query that
 * should not read rows that cannot pass it (kith_who).  test-score
 * checks on random rows that the two agree. */
#define KITH_GATE_SQL                                                          \
    "(automated = 0 AND sent_direct + sent_group + replies_to > 0 "            \
    "AND received + replies_from > 0)"

/* The terms of that score (VALUE) and what each counts (AMOUNT, may be
 * NULL; see kith_contact_get_score_term).  FALSE, every value 0, when
 * the gate is closed. */
gboolean _kith_score_terms (const _kith_stats_t *stats, gint64 now,
			    double value[KITH_SCORE_N_TERMS], double amount[KITH_SCORE_N_TERMS]);

/* Tier of SCORE under the thresholds of CONFIG (NULL: defaults), with no
 * cap: for a contact use _kith_contact_tier. */
kith_tier_t _kith_tier (const _kith_config_t *config, double score);

/* Why a contact's tier is capped below what its score gives. */
typedef enum {
    KITH_CAP_NONE = 0,   /* not capped */
    KITH_CAP_CROWD,      /* only crowd mail (8+ people), no reply each way: none */
    KITH_CAP_LIST_ONLY,  /* one of us never wrote to the other, only to a list: weak */
    KITH_CAP_NOT_DIRECT, /* no one-to-few message or reply in each direction: weak */
    KITH_CAP_NOT_REPEATED, /* mail addressed to the other once at most, one way: weak */
} kith_cap_t;

/* The cap the evidence of STATS puts on the tier (pure; README: "The
 * score"), and the highest tier it allows in *MAX (may be NULL). */
kith_cap_t _kith_cap (const _kith_stats_t *stats, kith_tier_t *max);

/* The cap's word ("crowd", "list-only", "not-direct", "not-repeated"),
 * NULL for none. */
const char *_kith_cap_name (kith_cap_t cap);

/* What the cap says, for show: "group mail only: at most weak"; NULL
 * for none. */
const char *_kith_cap_to_string (kith_cap_t cap);

/* The tier of a contact: the tier of its score (stored in *SCORE if not
 * NULL) under CONFIG, lowered to its cap (stored in *CAP if not NULL
 * when it did lower the tier, else KITH_CAP_NONE).  The one predicate
 * of shared history: a contact has it when this is weak or better. */
kith_tier_t _kith_contact_tier (const _kith_config_t *config, const _kith_stats_t *stats,
				gint64 now, double *score, kith_cap_t *cap);

/* The completion order (README: "Completion"): whom I am about to write
 * to.  My mail to someone (to them or replying to them) and theirs to
 * me (to me or replying to me) count, automated mail not, each message
 * weight * 2^(-age / half-life), mine with weight 1, theirs 1/4, summed
 * twice: over the memory the replay picked (below: 7, 28 or 112 days;
 * recency) and over KITH_PULL_LONG_RATIO times as long (the long memory
 * that keeps a long-standing correspondent above a one-off of last week
 * once that fades), the second counting KITH_PULL_LONG_WEIGHT as much; a
 * pull below that of a single message of mine KITH_PULL_FLOOR_DAYS old
 * (some 3.7 years, whatever the memory) is none.  The relationship
 * multiplies it by 1 + KITH_PULL_RELATIONSHIP * log2 (1 + score). */
#define KITH_PULL_LONG_WEIGHT (1.0 / 16)
#define KITH_PULL_WEIGHT_MINE 1.0
#define KITH_PULL_WEIGHT_THEIRS 0.25
#define KITH_PULL_FLOOR_DAYS 1344
#define KITH_PULL_RELATIONSHIP 0.1

/* Sums of weight * 2^(date / half-life) kept in log2 form (the
 * exponents reach a few thousand), one per half-life: start from
 * _KITH_PULL_INIT, add each message with _kith_pull_add, store them
 * with _kith_pull_store.  Adding the same messages in the same order
 * gives the same bits (aggr.c adds them in date order). */
typedef struct {
    double max; /* the largest exponent added */
    double sum; /* the sum of 2^(exponent - max) */
} _kith_pull_sum_t;
typedef struct {
    _kith_pull_sum_t sums[KITH_PULL_N_SUMS]; /* half-life _kith_pull_sum_days (j) */
} _kith_pull_acc_t;
#define _KITH_PULL_INIT  \
    {                    \
	{                \
	    {            \
		0.0, 0.0 \
	    }            \
	}                \
    }
void _kith_pull_add (_kith_pull_acc_t *acc, gint64 date, gboolean mine);
/* The stored forms of ACC into STATS (pull; 0: none). */
void _kith_pull_store (const _kith_pull_acc_t *acc, _kith_stats_t *stats);
/* STATS's stored forms with one more message added: what
 * _kith_pull_add gives up to rounding in the last bits, whatever the
 * order (aggr.c: one more message of a one-way sender). */
void _kith_pull_stats_add (_kith_stats_t *stats, gint64 date, gboolean mine);
/* The half-life in days of stored sum J: 7 * 4^J (that of memory
 * choice J too). */
double _kith_pull_sum_days (guint j);
/* The memory choice a store's meta pull_memory (TEXT, may be NULL)
 * names; KITH_PULL_CHOICE_DEFAULT if none. */
guint _kith_pull_choice_parse (const char *text);

/* The pull of STATS at time NOW with memory choice CHOICE (below
 * KITH_PULL_N_CHOICES): the sum over its half-life plus
 * KITH_PULL_LONG_WEIGHT times the one over KITH_PULL_LONG_RATIO times
 * it. */
double _kith_pull (const _kith_stats_t *stats, gint64 now, guint choice);

/* The least pull that is some under memory choice CHOICE: that of a
 * single message of mine KITH_PULL_FLOOR_DAYS old. */
double _kith_pull_floor (guint choice);

/* The completion value of a contact at NOW with memory choice CHOICE:
 * its pull (0 below the floor) times the relationship's factor for
 * SCORE; higher is offered first, equal values (no pull) in the order
 * of `who`. */
double _kith_complete_value (const _kith_stats_t *stats, double score, gint64 now, guint choice);

/* The replay (README: "Completion"): how long the completion order's
 * memory should be for this owner, asked of the owner's own mail.  The
 * choices are the stored sums' half-lives (7, 28 and 112 days), each
 * with its long memory KITH_PULL_LONG_RATIO times longer counting
 * KITH_PULL_LONG_WEIGHT.  For each of the owner's messages (a query:
 * its date and the contacts it went to), the
 * contacts are ranked by their pull with each choice, from the messages
 * more than KITH_PULL_REPLAY_GAP older (a reply's recipients are the
 * mail client's to fill, not completion's, so the message answered
 * does not vote), and the choice whose first recipient ranks best on
 * average wins: a steady rhythm over years asks for a long memory,
 * bursts of new people for a short one.  A tie goes to the choice
 * nearer KITH_PULL_CHOICE_DEFAULT, which also stands when there is
 * nothing to replay. */
#define KITH_PULL_REPLAY_GAP ((gint64) 24 * 3600)
/* The owner's latest messages the replay asks. */
#define KITH_PULL_REPLAY_QUERIES 200

/* One message of the replay between the owner and contact CONTACT (an
 * index below the replay's number of contacts): the owner's to them
 * (MINE) or theirs to the owner; undated (DATE 0) adds nothing. */
typedef struct {
    gint64 date;
    guint contact;
    gboolean mine;
} _kith_replay_event_t;

/* One message of the owner's the replay asks for its recipients. */
typedef struct {
    gint64 date;
    const guint *rcpts; /* contact indexes */
    guint n_rcpts;
} _kith_replay_query_t;

/* The memory choice (below KITH_PULL_N_CHOICES) under which the first
 * recipients of QUERIES rank best given EVENTS (either in any order)
 * among N_CONTACTS contacts; MRR, if not NULL, gets each choice's mean
 * reciprocal rank (a query none of whose recipients has any pull
 * counting 0). */
guint _kith_pull_replay (const _kith_replay_event_t *events, guint n_events, guint n_contacts,
			 const _kith_replay_query_t *queries, guint n_queries, double *mrr);

/* ------------------------------------------------------------------ */
/* The store (store.c) */

#define KITH_SCHEMA_VERSION 8
/* The oldest schema a read-only session can use as it is (8 changed the
 * contact columns of the completion order). */
#define KITH_SCHEMA_READABLE 8

typedef struct {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *write_contact; /* prepared on first use */
    guint64 work;                /* SQLite VM steps, with KITH_DEBUG=work */
} _kith_store_t;

/* Open (and with CREATE, create 0600 with the current schema) the store
 * at PATH.  Checks it is a kith store of a known schema version. */
_kith_store_t *_kith_store_open (const char *path, gboolean create,
				 int busy_timeout_ms, GError **error);
void _kith_store_close (_kith_store_t *store);

/* PRAGMA quick_check over the whole store: FALSE with a
 * KITH_STATUS_STORE_CORRUPT error naming the store, the first problem
 * and the remedy (index --rebuild) if any page is damaged. */
gboolean _kith_store_check (_kith_store_t *store, GError **error);

/* Is the file at PATH damaged (unreadable as SQLite, or a kith store
 * whose schema cannot be read), as opposed to healthy or foreign? */
gboolean _kith_store_is_damaged (const char *path);

/* Move a damaged store (and its -wal/-shm files) to PATH.damaged. */
gboolean _kith_store_move_aside (const char *path, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (_kith_store_t, _kith_store_close)

gboolean _kith_store_exec (_kith_store_t *store, const char *sql, GError **error);

/* Drop the secondary indexes of the message and recipient rows before
 * a bulk load, and make them again after it. */
gboolean _kith_store_drop_indexes (_kith_store_t *store, GError **error);
gboolean _kith_store_create_indexes (_kith_store_t *store, GError **error);
sqlite3_stmt *_kith_store_prepare (_kith_store_t *store, const char *sql, GError **error);
/* Set ERROR from the store's last SQLite error, with CONTEXT. */
void _kith_store_set_error (_kith_store_t *store, GError **error, const char *context);
char *_kith_store_get_meta (_kith_store_t *store, const char *key);
gboolean _kith_store_set_meta (_kith_store_t *store, const char *key,
			       const char *value, GError **error);

/* Replace the completion words of ADDRESS (contact_word rows) by those
 * of _kith_completion_words (ADDRESS, NAMES); NAMES NULL only deletes. */
gboolean _kith_store_write_words (_kith_store_t *store, const char *address,
				  GPtrArray *names, GError **error);

/* ------------------------------------------------------------------ */
/* Aggregation (aggr.c) */

/* Prepared lookups over the store's message rows. */
typedef struct _kith_rules _kith_rules_t; /* rules.c, below */
typedef struct _kith_aggr _kith_aggr_t;

_kith_aggr_t *_kith_aggr_new (_kith_store_t *store, const _kith_config_t *config,
			      GError **error);
void _kith_aggr_free (_kith_aggr_t *aggr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (_kith_aggr_t, _kith_aggr_free)

/* Evidence collected for kith_find (conversations, yearly activity). */
typedef struct {
    GArray *conversations; /* of _kith_conv_t, oldest first */
    GHashTable *years;     /* year (GINT_TO_POINTER) -> count */
} _kith_evidence_t;

typedef struct {
    char *thread_id;
    char *subject;
    gint64 first, last;
    unsigned int messages;
    gboolean on_list;
} _kith_conv_t;

void _kith_evidence_clear (_kith_evidence_t *ev);

/* Ignore every message dated at or after BEFORE (0: none), to judge a
 * message by the history that came before it. */
void _kith_aggr_set_cutoff (_kith_aggr_t *aggr, gint64 before);

/* Compute STATS for the person whose addresses are ADDRESSES (char*,
 * normalised).  EVIDENCE may be NULL. */
gboolean _kith_aggr_compute (_kith_aggr_t *aggr, GPtrArray *addresses,
			     _kith_stats_t *stats, _kith_evidence_t *evidence,
			     GError **error);

/* Addresses whose contact rows may depend on the message row ROWID:
 * its author, recipients, the author of the message it replies to and
 * the authors and recipients of the messages replying to it.  Added to
 * SET (char* -> NULL, strings owned by the set).  With AUTHOR_ONLY not
 * NULL (a message new to the store), an author that nothing else on or
 * around the message names is not added but returned there (free it),
 * for _kith_aggr_update_contact's FRESH. */
gboolean _kith_aggr_dependents (_kith_aggr_t *aggr, gint64 rowid,
				GHashTable *set, char **author_only, GError **error);

/* The rules telling a platform's address (never a contact) from a
 * person's, for _kith_aggr_update_contact; NULL: none (borrowed). */
void _kith_aggr_set_rules (_kith_aggr_t *aggr, const _kith_rules_t *rules);

/* A third party's visible tie to a target person, in my mail: each of
 * them replied to the other, or wrote to the other one-to-few. */
typedef struct {
    char *address;            /* the third party */
    guint replies_to_target;  /* their replies to the target's messages */
    guint replies_from_target; /* the target's replies to theirs */
    guint direct_to_target;   /* their one-to-few messages to the target */
    guint direct_from_target; /* the target's one-to-few messages to them */
    GPtrArray *threads;       /* char*: the threads of those messages */
    gint64 first, last;       /* their dates */
} _kith_tie_t;

void _kith_tie_free (_kith_tie_t *tie);
/* Add to TIES (address -> _kith_tie_t*, owning) everyone with a visible
 * tie to the person whose addresses are TARGET: never me, the target,
 * a list's or platform's address, nor through automated mail; a crowd's
 * message (or a list's to many) makes no direct tie.  Cost: the
 * target's own mail, its replies, the mail naming them. */
gboolean _kith_aggr_ties (_kith_aggr_t *aggr, GPtrArray *target, GHashTable *ties, GError **error);

/* Recompute and store (or delete, when it no longer appears anywhere
 * or is a platform's) the contact row and names of ADDRESS.  FRESH
 * (gint64 rowids, may be NULL): when nothing but these new messages of
 * ADDRESS changed their history, which may then be brought up to date
 * by adding them alone (aggr.c: one more message of a one-way sender). */
gboolean _kith_aggr_update_contact (_kith_aggr_t *aggr, const char *address,
				    GArray *fresh, GError **error);

/* The contact columns of the stored sums of the completion order
 * (schema 8), sum j holding the one over 7 * 4^j days. */
#define KITH_CONTACT_PULL_COLUMNS "pull_7, pull_28, pull_112, pull_448, pull_1792"
G_STATIC_ASSERT (KITH_PULL_N_SUMS == 5);

/* The columns of a contact row after address and name, in the order
 * _kith_store_stats_from_row reads them. */
#define KITH_CONTACT_COLUMNS                                                     \
    "sent_direct, sent_group, received, seen, automated_msgs, replies_from, "    \
    "replies_to, conversations, list_conversations, months, out_msgs, "          \
    "in_msgs, first, last, latency_them, latency_me, i_wrote_first, automated, " \
    "direct_out, direct_in, crowd_in, " KITH_CONTACT_PULL_COLUMNS

/* Fill STATS from KITH_CONTACT_COLUMNS starting at column FIRST. */
void _kith_store_stats_from_row (sqlite3_stmt *stmt, int first, _kith_stats_t *stats);

gboolean _kith_store_write_contact (_kith_store_t *store, const char *address,
				    const char *name, const _kith_stats_t *stats,
				    GError **error);

/* Read a stored contact row into STATS; FALSE if there is none (ERROR
 * is set only for a real failure). */
gboolean _kith_store_read_contact (_kith_store_t *store, const char *address,
				   _kith_stats_t *stats, GError **error);

/* ------------------------------------------------------------------ */
/* Names (names.c) */

/* Fold a display name for matching: Unicode compatibility-decomposed,
 * accents dropped, case-folded, Latin letters without a decomposition
 * spelled plain (ø -> o, ł -> l, æ -> ae, ß -> ss, ...), punctuation
 * turned into spaces, white space collapsed.  "Müller, Jürgen" ->
 * "muller jurgen", "Łukasz Øberg" -> "lukasz oberg". */
char *_kith_name_fold (const char *name);

/* The words of a folded name, sorted (so "Last, First" and "First
 * Last" give the same list).  Free with g_strfreev. */
char **_kith_name_words (const char *folded);

/* The name ADDRESS spells, for a contact seen with no display name:
 * its local part (before any "+tag") when it splits at '.', '_' or '-'
 * into two or more runs of letters, one of them two letters or more:
 * "jennifer.mcquade@x" -> "jennifer mcquade", "a..shankman@x" ->
 * "a shankman"; NULL for "jmcquade", "info", "j2.doe".  What corporate
 * mail without names (exports that kept only the address) still says
 * about who someone is; matched as a name is (show NAME, the person
 * behind an invitation), never shown as one.  Free with g_free. */
char *_kith_name_of_address (const char *address);

/* The words completion looks PREFIXes up in, for ADDRESS seen with the
 * display names NAMES (char*, may be NULL): the address itself, the
 * folded words of its local part ("jurgen.muller" -> "jurgen",
 * "muller") and of every name.  No duplicates.  Free with
 * g_ptr_array_unref. */
GPtrArray *_kith_completion_words (const char *address, GPtrArray *names);

/* ------------------------------------------------------------------ */
/* Request rules (rules.c) */

/* Requests (connection requests, invitations) are recognised by rules
 * kept in GKeyFile files: the built-in defaults (plugin/rules.conf,
 * compiled in), then the system file KITH_SYSCONF_RULES if it exists,
 * then the user's file; a later group with the same name replaces an
 * earlier one, and "enabled=false" switches a rule off. */

/* Load the rules.  USER_PATH may be NULL (then
 * $XDG_CONFIG_HOME/kith/rules.conf is used if it exists).  An error in
 * any file names the file, the group and the key. */
_kith_rules_t *_kith_rules_load (const char *user_path, GError **error);

/* Parse rules from DATA only (tests, fuzzing): the built-in defaults
 * are not loaded. */
_kith_rules_t *_kith_rules_load_data (const char *data, gsize len, const char *origin,
				      GError **error);
void _kith_rules_free (_kith_rules_t *rules);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (_kith_rules_t, _kith_rules_free)

/* The rules without the user's file, for the hook when that file is
 * broken: the built-in and system rules, or the built-in ones alone
 * when the system file is broken too. */
_kith_rules_t *_kith_rules_load_fallback (void);

/* A platform's address is never a person (no contact, no names, in
 * no verb): it is an address an enabled rule's `from` names, with a
 * glob of one domain (see rules.c).  The platform's name, or NULL. */
const char *_kith_rules_platform_of (const _kith_rules_t *rules, const char *address);

/* Every such glob, "GLOB\tPLATFORM\n", sorted: what the store keeps to
 * notice a change of the rules. */
char *_kith_rules_platform_senders (const _kith_rules_t *rules);
/* Add to GLOBS (of GPatternSpec*) the globs of SENDERS, such a text
 * (NULL: none). */
void _kith_rules_platform_globs (const char *senders, GPtrArray *globs);

typedef struct {
    char *rule;     /* the rule's group name, e.g. "linkedin-invitation" */
    char *platform; /* e.g. "LinkedIn" */
    char *person;   /* the person behind the request, cleaned, or NULL */
    char *login;    /* a platform user name (X-GitHub-Sender), or NULL */
    char *person_address; /* an address given for the person (calendar ORGANIZER), or NULL */
    gboolean strangers_only; /* a request only when the sender has no history (calendar) */
    gboolean message;        /* kind=message: a person writing through the platform
			      * (LinkedIn InMail), judged by name but no request */
    gboolean bulk;           /* kind=bulk: template mail to many (a newsletter whose
			      * List-* headers were stripped): never judged */
} _kith_request_t;

void _kith_request_free (_kith_request_t *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (_kith_request_t, _kith_request_free)

/* Match the message in FILENAME (parsed whole with GMime, at most the
 * first KITH_MAX_REQUEST_BYTES) against RULES.  Returns NULL when no
 * rule matches (ERROR unset) or the file cannot be read (ERROR set). */
#define KITH_MAX_REQUEST_BYTES (1024 * 1024)
_kith_request_t *_kith_rules_match_file (_kith_rules_t *rules, const char *filename,
					 GError **error);

/* The same on a message held in memory. */
_kith_request_t *_kith_rules_match_data (_kith_rules_t *rules, const char *data, gsize len);

/* The same on a message GMime has parsed (not changed: it can be
 * matched again, against other rules). */
_kith_request_t *_kith_rules_match_message (_kith_rules_t *rules, GMimeMessage *message);

/* ------------------------------------------------------------------ */
/* The session (kith.c) and the indexer (index.c) */

struct _kith {
    notmuch_database_t *db;
    _kith_config_t *config;
    _kith_store_t *store; /* NULL when read-only and not indexed yet */
    char *store_path;
    char *config_path;
    char *profile;
    gboolean writable;
    /* The committed state of the notmuch database as read just before
     * db was opened (see _kith_read_notmuch_state), or NULL. */
    char *notmuch_state;
    _kith_rules_t *rules;   /* _kith_session_rules: loaded on first need */
    GError *rules_error;    /* why the user's rules did not load */
    gboolean rules_warned;
};

/* The session's rules (built-in, system, the user's), loaded on first
 * need.  When the user's file is broken: with LENIENT, a warning (once
 * a session) and the rules without that file (the hook, and the index
 * telling platforms' addresses from people's, must not fail over a
 * typo); without, NULL and the error naming the file and key. */
_kith_rules_t *_kith_session_rules (kith_t *kith, gboolean lenient, GError **error);

/* Open the notmuch database read-write for tagging, waiting for another
 * writer's lock up to kith.lock_timeout. */
kith_status_t _kith_open_notmuch_rw (kith_t *kith, notmuch_database_t **db,
				     char **error_message);

/* Close and reopen the session's read-only notmuch database, to see
 * what was written since it was opened. */
kith_status_t _kith_reopen_notmuch (kith_t *kith, char **error_message);

/* A digest of Xapian's version file (iamglass) of DB's database, which
 * Xapian rewrites on every commit: two equal digests mean that nothing
 * was written to the notmuch database in between (no message added,
 * retagged or removed).  NULL when there is no such file (another
 * Xapian backend) or it does not carry DB's UUID: then states cannot
 * be told apart. */
char *_kith_read_notmuch_state (notmuch_database_t *db);

/* TERM quoted for a notmuch query ("tag:" TERM): in double quotes, with
 * inner double quotes doubled.  Free with g_free. */
char *_kith_quote_term (const char *term);

/* A private flag of _kith_index_run, beside the kith_index_flags_t: do
 * not look for messages removed from notmuch (which costs counting
 * every message of the database).  For the run right after kith's own
 * tagging, which removes nothing; a removal made meanwhile by someone
 * else is found by the next run, which compares the counts again. */
#define KITH_INDEX_NO_SWEEP (1u << 30)

/* The meta key of the store that names the last notmuch state whose
 * messages were counted (or rebuilt) and found all in the store: while
 * notmuch stays in that state, nothing can have been removed and the
 * count is skipped.  Its value is "REVISION DIGEST". */
#define KITH_META_COUNTED_STATE "counted_state"

/* The meta key of the store holding the date (Unix seconds) of its
 * newest message, written by every index run: the "now" of the
 * completion order. */
#define KITH_META_NEWEST "newest"

/* The meta keys of the replay (score.c, index.c): the half-life in days
 * of the completion order's memory it picked ("7", "28" or "112"), how
 * many messages of mine it read, and how many have come since. */
#define KITH_META_PULL_MEMORY "pull_memory"
#define KITH_META_PULL_REPLAYED "pull_replayed"
#define KITH_META_PULL_UNREPLAYED "pull_unreplayed"
/* The replay runs again once this many messages of mine have come, or
 * a fiftieth of those it last read if more. */
#define KITH_PULL_REPLAY_EVERY 10

/* Bring the store up to date.  If ADDED is not NULL, the ids of the
 * messages this (incremental) run added to the store are appended to it
 * (a full run adds none: nothing is "new" on a rebuild), followed by
 * those still awaiting the hook's judgement from an earlier run that
 * did not finish (meta hook_pending, kept in the same transaction). */
gboolean _kith_index_run (kith_t *kith, unsigned int flags, kith_progress_fn progress,
			  void *user_data, kith_index_stats_t *stats, GPtrArray *added,
			  GError **error);

/* Would the next run (without --rebuild) mine all the mail again?  Yes
 * when the store was never indexed, reflects another notmuch database
 * than NOTMUCH_UUID, or was mined under another config fingerprint (the
 * settings that decide what a message's row holds, and the miner's
 * version). */
gboolean _kith_index_is_full (_kith_store_t *store, const _kith_config_t *config,
			      const char *notmuch_uuid);

/* Replace the ids awaiting the hook's judgement (meta hook_pending) by
 * IDS (char*; empty: none). */
gboolean _kith_index_set_pending (_kith_store_t *store, GPtrArray *ids, GError **error);

G_END_DECLS

#endif /* KITH_PRIVATE_H */
