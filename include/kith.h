/* kith.h - the public interface of libkith
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/**
 * @mainpage libkith
 *
 * libkith mines a notmuch mail database for the *shared history*
 * between its owner ("me") and each person in it: who wrote to whom,
 * who replied to whom, in how many conversations, over how long, how
 * recently.  Mailing-list co-presence, newsletters and notifications
 * are not shared history.
 *
 * The facts live in a small SQLite store beside the notmuch database
 * (kith.db).  kith_index() brings the store up to date with notmuch,
 * incrementally through notmuch's lastmod revisions; the query
 * functions read it.  Scores and tiers are computed when read, so they
 * follow the clock and the configured thresholds without a re-index.
 *
 * Usage sketch:
 *
 * @code
 *   kith_t *kith;
 *   kith_contacts_t *who;
 *   char *msg = NULL;
 *
 *   if (kith_open (NULL, NULL, KITH_OPEN_WRITE, &kith, &msg))
 *       ... report msg, free (msg) ...
 *   kith_index (kith, 0, NULL, NULL, NULL, &msg);
 *   kith_who (kith, NULL, &who, &msg);
 *   for (; kith_contacts_valid (who); kith_contacts_move_to_next (who))
 *       puts (kith_contact_get_address (kith_contacts_get (who)));
 *   kith_contacts_destroy (who);
 *   kith_destroy (kith);
 * @endcode
 *
 * Conventions, as in notmuch.h: functions that can fail return a
 * kith_status_t; output parameters are set to NULL on failure; an
 * optional @c error_message receives a malloc'ed explanation that the
 * caller frees with free(3).  Strings returned as <tt>const char *</tt>
 * are owned by the object they came from and stay valid until that
 * object is destroyed.
 */

#ifndef KITH_H
#define KITH_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KITH_MAJOR_VERSION 0
#define KITH_MINOR_VERSION 1
#define KITH_MICRO_VERSION 0

/**
 * True when the libkith these headers describe is at least
 * major.minor.micro.
 */
#define KITH_CHECK_VERSION(major, minor, micro)                          \
    (KITH_MAJOR_VERSION > (major) ||                                     \
     (KITH_MAJOR_VERSION == (major) && KITH_MINOR_VERSION > (minor)) ||  \
     (KITH_MAJOR_VERSION == (major) && KITH_MINOR_VERSION == (minor) &&  \
      KITH_MICRO_VERSION >= (micro)))

/**
 * Status codes returned by libkith functions.
 *
 * @since libkith 0.1
 */
typedef enum {
    /** No error. */
    KITH_STATUS_SUCCESS = 0,
    /** Out of memory. */
    KITH_STATUS_OUT_OF_MEMORY,
    /** A required pointer argument was NULL. */
    KITH_STATUS_NULL_POINTER,
    /** An argument had an invalid value (unknown tier, bad date, ...). */
    KITH_STATUS_BAD_ARGUMENT,
    /** A file could not be read or written. */
    KITH_STATUS_FILE_ERROR,
    /** No notmuch configuration was found. */
    KITH_STATUS_NO_CONFIG,
    /** The notmuch database does not exist or cannot be opened. */
    KITH_STATUS_NO_DATABASE,
    /** user.primary_email is not configured: kith cannot tell who "me" is. */
    KITH_STATUS_NO_IDENTITY,
    /** The notmuch database stayed locked by another writer past the timeout. */
    KITH_STATUS_DATABASE_LOCKED,
    /** libnotmuch reported an error (the message says which). */
    KITH_STATUS_NOTMUCH_ERROR,
    /** SQLite reported an error on the store (disk full, permissions, ...). */
    KITH_STATUS_STORE_ERROR,
    /** The store file is damaged or is not a kith store. */
    KITH_STATUS_STORE_CORRUPT,
    /** The store was written by a newer kith with an unknown schema, or
     *  (read-only) by an older kith: kith_index() upgrades it. */
    KITH_STATUS_STORE_VERSION,
    /** The store does not exist yet: run kith_index() first. */
    KITH_STATUS_NOT_INDEXED,
    /** No contact matches the given address or name. */
    KITH_STATUS_UNKNOWN_CONTACT,
    /** Several contacts match the given name. */
    KITH_STATUS_AMBIGUOUS_CONTACT,
    /** Not a status: the number of status values. */
    KITH_STATUS_LAST_STATUS
} kith_status_t;

/**
 * A short English description of a status code.
 *
 * @returns a static string, never NULL.
 * @since libkith 0.1
 */
const char *
kith_status_to_string (kith_status_t status);

/**
 * Relationship tiers, from the score (see the README for the exact
 * definition and the thresholds, which the notmuch config keys
 * kith.tier.weak, kith.tier.known and kith.tier.close override).
 *
 * @since libkith 0.1
 */
typedef enum {
    /** No shared history: one-way, automated or list co-presence only. */
    KITH_TIER_NONE = 0,
    /** Some reciprocal exchange. */
    KITH_TIER_WEAK,
    /** Repeated conversations. */
    KITH_TIER_KNOWN,
    /** A sustained relationship. */
    KITH_TIER_CLOSE,
} kith_tier_t;

/**
 * The name of a tier: "none", "weak", "known" or "close".
 *
 * @returns a static string, or NULL for an out-of-range value.
 * @since libkith 0.1
 */
const char *
kith_tier_to_string (kith_tier_t tier);

/**
 * Parse a tier name as printed by kith_tier_to_string().
 *
 * @param[in] name the tier name
 * @param[out] tier the tier
 * @retval KITH_STATUS_SUCCESS the name was recognised.
 * @retval KITH_STATUS_NULL_POINTER name or tier is NULL.
 * @retval KITH_STATUS_BAD_ARGUMENT the name is not a tier.
 * @since libkith 0.1
 */
kith_status_t
kith_tier_from_string (const char *name, kith_tier_t *tier);

/**
 * One setting kith reads from the notmuch configuration (a "kith.*"
 * key), as listed by kith_settings().
 *
 * @since libkith 0.1
 */
typedef struct {
    /** The key, e.g. "kith.lock_timeout"; "kith.alias.NAME" stands for
     *  a family of keys. */
    const char *key;
    /** "integer" or "number" (checked against @a min and @a max),
     *  "boolean", "choice", "list" (";"-separated), "tag", "path". */
    const char *type;
    /** The smallest value allowed (integer and number only). */
    double min;
    /** The largest value allowed (integer and number only). */
    double max;
    /** The default, as text; "" when there is none. */
    const char *default_value;
    /** What the setting does, one line. */
    const char *doc;
} kith_setting_t;

/**
 * The settings kith reads, in the order of the README's Configuration
 * section.  A numeric setting outside its range, or not a finite
 * number, makes kith_open() fail with KITH_STATUS_BAD_ARGUMENT and a
 * message naming the key, the value and the range.
 *
 * @param[out] count if not NULL, the number of entries
 * @returns a static array of *count entries, owned by libkith.
 * @since libkith 0.1
 */
const kith_setting_t *
kith_settings (unsigned int *count);

/**
 * An open kith session: the notmuch database (read-only), its
 * configuration and kith's store.
 *
 * @since libkith 0.1
 */
typedef struct _kith kith_t;

/** Flags for kith_open(). */
typedef enum {
    /** Open the store for writing (needed by kith_index()); creating it
     *  if it does not exist. */
    KITH_OPEN_WRITE = 1 << 0,
    /** With KITH_OPEN_WRITE: if the store is damaged (not readable as
     *  SQLite, or a kith store with a broken schema), move it aside to
     *  PATH.damaged-DATE and start a new one.  A valid SQLite file that is
     *  not a kith store is never touched. */
    KITH_OPEN_RECREATE = 1 << 1,
    /** Do not open the store at all, whatever state it is in (missing,
     *  damaged, locked, foreign): for what needs only the notmuch
     *  configuration, such as kith_get_hook_dir().  Queries then fail
     *  with KITH_STATUS_NOT_INDEXED.  The kith.* settings are read
     *  but not checked (an invalid one keeps its default), and
     *  user.primary_email need not be set.  Not with KITH_OPEN_WRITE. */
    KITH_OPEN_NO_STORE = 1 << 2,
} kith_open_flags_t;

/**
 * Open the notmuch database and kith's store.
 *
 * The notmuch configuration is found as notmuch itself finds it: from
 * @a config_path if not NULL, otherwise from NOTMUCH_CONFIG, the XDG
 * location or ~/.notmuch-config; @a profile (or NOTMUCH_PROFILE) selects
 * a profile.  "Me" is user.primary_email, user.other_email and
 * kith.other_email, plus the glob patterns in kith.me_patterns.
 *
 * Without KITH_OPEN_WRITE a missing store is not an error here:
 * queries then fail with KITH_STATUS_NOT_INDEXED.
 *
 * @param[in] config_path a notmuch config file, or NULL
 * @param[in] profile a notmuch profile name, or NULL
 * @param[in] flags a combination of kith_open_flags_t
 * @param[out] kith the session; destroy it with kith_destroy()
 * @param[out] error_message if not NULL, an explanation on failure
 *             (free it with free(3))
 * @retval KITH_STATUS_SUCCESS the session is open.
 * @retval KITH_STATUS_NULL_POINTER kith is NULL.
 * @retval KITH_STATUS_BAD_ARGUMENT a kith.* setting is invalid (the
 *         message names it), or KITH_OPEN_NO_STORE with KITH_OPEN_WRITE.
 * @retval KITH_STATUS_NO_CONFIG no notmuch configuration was found.
 * @retval KITH_STATUS_NO_DATABASE the notmuch database cannot be opened.
 * @retval KITH_STATUS_NO_IDENTITY user.primary_email is not set.
 * @retval KITH_STATUS_STORE_ERROR the store cannot be opened or created.
 * @retval KITH_STATUS_STORE_CORRUPT the store is damaged or foreign.
 * @retval KITH_STATUS_STORE_VERSION the store has a newer schema, or (a
 *         read-only session) an older one that the next kith_index()
 *         upgrades.
 * @since libkith 0.1
 */
kith_status_t
kith_open (const char *config_path,
	   const char *profile,
	   unsigned int flags,
	   kith_t **kith,
	   char **error_message);

/**
 * Close the session and free everything it owns, including every
 * contact and iterator obtained from it.  NULL is ignored.
 *
 * @since libkith 0.1
 */
void
kith_destroy (kith_t *kith);

/**
 * The path of the store file (kith.db beside the notmuch database, or
 * the kith.store config key).
 *
 * @returns a string owned by @a kith.
 * @since libkith 0.1
 */
const char *
kith_get_store_path (kith_t *kith);

/**
 * The directory notmuch runs its hooks from (database.hook_dir, by
 * default the database's .notmuch/hooks).
 *
 * @returns a string owned by @a kith.
 * @since libkith 0.1
 */
const char *
kith_get_hook_dir (kith_t *kith);

/** Flags for kith_index(). */
typedef enum {
    /** Forget the store's content and mine every message again. */
    KITH_INDEX_REBUILD = 1 << 0,
    /** Name on stderr every message holding addresses that GMime's
     *  parser drops and kith read (by default: the first ten, then a
     *  count of the rest). */
    KITH_INDEX_VERBOSE = 1 << 1,
} kith_index_flags_t;

/**
 * Progress callback for kith_index() (@a done of @a total messages
 * were mined) and kith_tag_with_progress() (judged).  @a total may be 0
 * when unknown.
 *
 * @since libkith 0.1
 */
typedef void (*kith_progress_fn) (unsigned long done, unsigned long total,
				  void *user_data);

/**
 * What one kith_index() run did.
 *
 * @since libkith 0.1
 */
typedef struct {
    /** True if this run mined every message (asked for, first run,
     *  notmuch database replaced, or kith configuration changed). */
    bool rebuilt;
    /** Messages whose headers were read from their files. */
    unsigned long mined;
    /** Messages whose tags changed and whose rows were updated. */
    unsigned long retagged;
    /** Messages removed from the store because notmuch no longer has them. */
    unsigned long removed;
    /** Messages whose file could not be read or names no author kith can
     *  read (each warned about once, kept as broken). */
    unsigned long broken;
    /** Contacts whose counts were recomputed. */
    unsigned long contacts_updated;
    /** The notmuch revision the store now reflects. */
    unsigned long revision;
    /** Messages holding addresses that GMime's parser drops and kith
     *  read with its tolerant reader (each named on stderr, see
     *  KITH_INDEX_VERBOSE). */
    unsigned long recovered;
} kith_index_stats_t;

/**
 * Bring the store up to date with the notmuch database.
 *
 * Only messages changed since the stored lastmod revision are read,
 * removed messages are noticed, and the whole store is rebuilt when the
 * notmuch database UUID or kith's identity/exclusion configuration
 * changed.  Everything is written in one transaction: on any failure
 * the store is left as it was.
 *
 * @param[in] kith a session opened with KITH_OPEN_WRITE
 * @param[in] flags a combination of kith_index_flags_t
 * @param[in] progress called now and then, or NULL
 * @param[in] user_data passed to @a progress
 * @param[out] stats if not NULL, filled in on success
 * @param[out] error_message if not NULL, an explanation on failure
 * @retval KITH_STATUS_SUCCESS the store is up to date.
 * @retval KITH_STATUS_NULL_POINTER kith is NULL.
 * @retval KITH_STATUS_BAD_ARGUMENT the session was opened read-only.
 * @retval KITH_STATUS_NOTMUCH_ERROR reading notmuch failed.
 * @retval KITH_STATUS_STORE_ERROR writing the store failed (unchanged).
 * @since libkith 0.1
 */
kith_status_t
kith_index (kith_t *kith,
	    unsigned int flags,
	    kith_progress_fn progress,
	    void *user_data,
	    kith_index_stats_t *stats,
	    char **error_message);

/**
 * The state of the store, for "notmuch kith status".
 *
 * @since libkith 0.1
 */
typedef struct {
    /** Messages in the store (including excluded and automated ones). */
    unsigned long messages;
    /** Distinct addresses other than mine. */
    unsigned long contacts;
    /** Contacts of tier weak or better. */
    unsigned long correspondents;
    /** The notmuch revision the store reflects. */
    unsigned long revision;
    /** The notmuch database's current revision. */
    unsigned long notmuch_revision;
    /** False if the notmuch database UUID differs from the store's. */
    bool same_database;
    /** When the store was last written (0 if never). */
    time_t indexed_at;
    /** True if the next index mines all the mail again, not only what
     *  changed: another notmuch database, a store never indexed in full,
     *  or since its last index a change of the settings that decide
     *  what is read from a message (your addresses, kith.me_patterns,
     *  search.exclude_tags, kith.reply_window_days, kith.robots,
     *  kith.max_recipients) or of the kith that reads it. */
    bool rebuild_pending;
    /** The half-life in days of completion's memory (7, 28 or 112):
     *  the one the replay of your own mail picked (README: "Completion"),
     *  28 until it has run. */
    unsigned int completion_memory_days;
} kith_store_info_t;

/**
 * Describe the store.
 *
 * @param[in] kith the session
 * @param[out] info filled in on success
 * @param[out] error_message if not NULL, an explanation on failure
 * @retval KITH_STATUS_SUCCESS @a info is filled in.
 * @retval KITH_STATUS_NULL_POINTER kith or info is NULL.
 * @retval KITH_STATUS_NOT_INDEXED there is no store yet.
 * @retval KITH_STATUS_STORE_ERROR reading the store failed.
 * @retval KITH_STATUS_STORE_CORRUPT a page of the store is damaged
 *         (SQLite's quick_check, which reads the whole file); the
 *         message names the store and says to run index --rebuild.
 * @since libkith 0.1
 */
kith_status_t
kith_get_store_info (kith_t *kith, kith_store_info_t *info, char **error_message);

/**
 * One contact: an address, or several addresses the user declared to be
 * one person (kith.alias.* config keys).  Owned by the iterator or
 * session it came from.
 *
 * @since libkith 0.1
 */
typedef struct _kith_contact kith_contact_t;

/**
 * An iterator over contacts, in the order asked for.
 *
 * @since libkith 0.1
 */
typedef struct _kith_contacts kith_contacts_t;

/** Sort orders for kith_who(). */
typedef enum {
    /** Highest score first. */
    KITH_SORT_SCORE = 0,
    /** Most recent exchange first. */
    KITH_SORT_RECENT,
    /** By display name (then address), case-insensitively. */
    KITH_SORT_NAME,
} kith_sort_t;

/**
 * Options for kith_who(); zero-initialise, then set what you need.
 *
 * @since libkith 0.1
 */
typedef struct {
    /** Lowest tier listed.  0 (KITH_TIER_NONE) means the default, weak;
     *  set @a include_none to list everyone. */
    kith_tier_t min_tier;
    /** List contacts of tier none too. */
    bool include_none;
    /** Only contacts whose last exchange is at or after this time (0: any). */
    time_t since;
    /** At most this many contacts (0: no limit). */
    unsigned int limit;
    /** Sort order. */
    kith_sort_t sort;
} kith_who_options_t;

/**
 * The people "me" has actually corresponded with.
 *
 * @param[in] kith the session
 * @param[in] options the selection, or NULL for the defaults
 * @param[out] contacts the iterator; destroy with kith_contacts_destroy()
 * @param[out] error_message if not NULL, an explanation on failure
 * @retval KITH_STATUS_SUCCESS @a contacts is set.
 * @retval KITH_STATUS_NULL_POINTER kith or contacts is NULL.
 * @retval KITH_STATUS_NOT_INDEXED there is no store yet.
 * @retval KITH_STATUS_STORE_ERROR reading the store failed.
 * @since libkith 0.1
 */
kith_status_t
kith_who (kith_t *kith,
	  const kith_who_options_t *options,
	  kith_contacts_t **contacts,
	  char **error_message);

/**
 * The people "me" has corresponded with at an organisation: kith_who()'s
 * selection and order, limited to the contacts with an address at one
 * of its mail domains or their subdomains.
 *
 * @param[in] kith the session
 * @param[in] org a mail domain ("acme.example") or the NAME of a
 *            kith.org.NAME setting, which lists the domains
 * @param[in] options as for kith_who(), or NULL for the defaults
 * @param[out] contacts the iterator; destroy with kith_contacts_destroy()
 * @param[out] error_message if not NULL, an explanation on failure
 * @retval KITH_STATUS_SUCCESS @a contacts is set (maybe empty).
 * @retval KITH_STATUS_NULL_POINTER kith, org or contacts is NULL.
 * @retval KITH_STATUS_BAD_ARGUMENT @a org is a free-mail domain (which
 *         says nothing about an employer), or neither a domain nor a name.
 * @retval KITH_STATUS_NOT_INDEXED there is no store yet.
 * @retval KITH_STATUS_STORE_ERROR reading the store failed.
 * @since libkith 0.1
 */
kith_status_t
kith_at (kith_t *kith,
	 const char *org,
	 const kith_who_options_t *options,
	 kith_contacts_t **contacts,
	 char **error_message);

/**
 * The organisation @a address belongs to: the NAME of the kith.org.NAME
 * setting that lists its domain, else the part of its domain an
 * organisation registers ("acme.example" for "mail.acme.example",
 * "acme.co.uk" for "mx.acme.co.uk").
 *
 * @return a string the caller frees with free(3), or NULL for an
 *         address at a free-mail domain (kith.freemail_domains), no
 *         address, or a NULL argument.
 * @since libkith 0.1
 */
char *
kith_org_of (kith_t *kith, const char *address);

/**
 * One way in to a person: someone I know who has visible shared history
 * with them in my own mail.  Passed to a kith_path_fn; valid during the
 * call only.
 *
 * @since libkith 0.1
 */
typedef struct {
    /** The person I know (tier weak at least), with my history with them. */
    kith_contact_t *intermediary;
    /** Their replies to the target's messages. */
    unsigned int replies_to_target;
    /** The target's replies to theirs. */
    unsigned int replies_from_target;
    /** Their messages to the target, one-to-few (no crowd, no list to many). */
    unsigned int direct_to_target;
    /** The target's messages to them, one-to-few. */
    unsigned int direct_from_target;
    /** The notmuch thread ids of that mail, sorted, NULL-terminated. */
    const char *const *threads;
    /** How many @a threads. */
    unsigned int n_threads;
    /** The first and last of that mail. */
    time_t first, last;
} kith_path_t;

/** Called by kith_paths() for each way in, best first. */
typedef void (*kith_path_fn) (const kith_path_t *path, void *user_data);

/**
 * The people who could introduce me to @a target: those I have shared
 * history with (tier weak or better) who, in threads I was part of,
 * replied to the target or were replied to, or wrote to each other
 * directly (one-to-few).  Co-presence on a list or in a crowd's thread
 * is no tie; robots, lists and platforms are never intermediaries.
 * Best first: my tier with them, then how much they and the target
 * exchanged, then my score with them.  Computed from the store at the
 * time of the call (the target's own mail, its replies, the mail naming
 * them): nothing is kept for it, and the hook pays nothing.
 *
 * @param[in] kith the session
 * @param[in] target the person, from kith_find()
 * @param[in] fn called for each way in, or NULL
 * @param[in] user_data passed to @a fn
 * @param[out] error_message if not NULL, an explanation on failure
 * @retval KITH_STATUS_SUCCESS done (maybe no way in).
 * @retval KITH_STATUS_NULL_POINTER kith or target is NULL.
 * @retval KITH_STATUS_NOT_INDEXED there is no store yet.
 * @retval KITH_STATUS_STORE_ERROR reading the store failed.
 * @since libkith 0.1
 */
kith_status_t
kith_paths (kith_t *kith,
	    kith_contact_t *target,
	    kith_path_fn fn,
	    void *user_data,
	    char **error_message);

/**
 * Find one contact by address (exact, case-insensitive) or by display
 * name (case- and accent-insensitive, every word must match a word of
 * a name the contact used), with the evidence needed by "kith show":
 * names, other likely addresses, conversations and yearly activity.
 *
 * @param[in] kith the session
 * @param[in] address_or_name what the user typed
 * @param[out] contact the contact; destroy with kith_contact_destroy()
 * @param[out] error_message if not NULL, an explanation on failure
 *             (for KITH_STATUS_AMBIGUOUS_CONTACT, the candidates)
 * @retval KITH_STATUS_SUCCESS @a contact is set.
 * @retval KITH_STATUS_NULL_POINTER an argument is NULL.
 * @retval KITH_STATUS_UNKNOWN_CONTACT nothing matches.
 * @retval KITH_STATUS_AMBIGUOUS_CONTACT a name matches several addresses.
 * @retval KITH_STATUS_NOT_INDEXED there is no store yet.
 * @retval KITH_STATUS_STORE_ERROR reading the store failed.
 * @since libkith 0.1
 */
kith_status_t
kith_find (kith_t *kith,
	   const char *address_or_name,
	   kith_contact_t **contact,
	   char **error_message);

/**
 * Options for kith_complete(); zero-initialise, then set what you need.
 *
 * @since libkith 0.1
 */
typedef struct {
    /** At most this many contacts (0: no limit). */
    unsigned int limit;
    /** Include automated senders and the contacts of tier none I
     *  never wrote to even when the notmuch config key
     *  kith.complete.others is "hide".  By default ("last") every
     *  contact is listed, automated senders last. */
    bool all;
} kith_complete_options_t;

/**
 * Address completion: the contacts matching what the user typed so
 * far, the person the user is about to write to first.
 *
 * @a prefix matches the start of a contact's address (and so of its
 * local part), the start of any word of the local part
 * ("muller" matches jurgen.muller@example.org) and the start of any
 * word of any display name seen for the contact, case- and
 * accent-insensitively ("jur" and "mull" match "Jürgen Müller").  With
 * several words, each must match the start of a word.  An empty @a
 * prefix matches everyone.  Every lookup is a single indexed query on
 * the store.
 *
 * The order (README: "Completion: whom I write to next") is not that
 * of kith_who(): automated senders last; before them, by the value
 * pull * (1 + 0.1 * log2 (1 + score)), where pull sums my mail to the
 * contact and a quarter of theirs to me, each message
 * 2^(-age / m) + 1/16 * 2^(-age / 16 m), the age counted from the newest
 * message in the store and the memory m (7, 28 or 112 days) the one the
 * index picked by replaying my own latest mail (kith_store_info_t); 0
 * below the pull of one message of mine some 3.7 years old; equal
 * values (no recent mail) by tier, then score, then the last exchange
 * (most recent first).  The addresses of a person merged
 * by kith.alias.* keys yield one contact, with the merged score; its
 * address is the one the prefix matched when the prefix matched an
 * address, otherwise the person's most used address.
 *
 * @param[in] kith the session
 * @param[in] prefix what the user typed (UTF-8)
 * @param[in] options the selection, or NULL for the defaults
 * @param[out] contacts the iterator; destroy with kith_contacts_destroy()
 * @param[out] error_message if not NULL, an explanation on failure
 * @retval KITH_STATUS_SUCCESS @a contacts is set (possibly empty).
 * @retval KITH_STATUS_NULL_POINTER kith, prefix or contacts is NULL.
 * @retval KITH_STATUS_NOT_INDEXED there is no store yet, or the store
 *         was written by an older kith and needs one kith_index() run.
 * @retval KITH_STATUS_STORE_ERROR reading the store failed.
 * @since libkith 0.1
 */
kith_status_t
kith_complete (kith_t *kith,
	       const char *prefix,
	       const kith_complete_options_t *options,
	       kith_contacts_t **contacts,
	       char **error_message);

/** Destroy a contact obtained from kith_find().  NULL is ignored. */
void
kith_contact_destroy (kith_contact_t *contact);

/** Is the iterator on a contact? @since libkith 0.1 */
bool
kith_contacts_valid (kith_contacts_t *contacts);

/** The current contact, owned by the iterator. @since libkith 0.1 */
kith_contact_t *
kith_contacts_get (kith_contacts_t *contacts);

/** Advance the iterator. @since libkith 0.1 */
void
kith_contacts_move_to_next (kith_contacts_t *contacts);

/** Destroy the iterator and its contacts.  NULL is ignored. @since libkith 0.1 */
void
kith_contacts_destroy (kith_contacts_t *contacts);

/**
 * The contact's address (for a merged person, the address used most
 * in exchanges).
 * @since libkith 0.1
 */
const char *
kith_contact_get_address (kith_contact_t *contact);

/**
 * The display name used most often for this contact, or NULL.
 * @since libkith 0.1
 */
const char *
kith_contact_get_name (kith_contact_t *contact);

/** The contact's score (0 when there is no shared history). @since libkith 0.1 */
double
kith_contact_get_score (kith_contact_t *contact);

/** The contact's tier. @since libkith 0.1 */
kith_tier_t
kith_contact_get_tier (kith_contact_t *contact);

/**
 * What lowered the contact's tier below the tier of its score, or NULL
 * when nothing did: "crowd" (only mail with 8 or more people on it and
 * no reply each way: none), "list-only" (one of us wrote to the other
 * only through a list: at most weak), "not-direct" (no one-to-few
 * message or reply in each direction: at most weak), "not-repeated"
 * (one of us wrote to the other directly only once: at most weak).
 * @since libkith 0.1
 */
const char *
kith_contact_get_cap (kith_contact_t *contact);

/**
 * The rule behind kith_contact_get_cap() as a sentence for people, or
 * NULL.  @since libkith 0.1
 */
const char *
kith_contact_get_cap_reason (kith_contact_t *contact);

/**
 * The named terms of a score (README: "The score"); a contact's terms
 * add up to its score.
 *
 * @since libkith 0.1
 */
typedef enum {
    /** 10 per conversation, 5 if it happened only on a mailing list. */
    KITH_SCORE_CONVERSATIONS,
    /** 2 per reciprocated message (min of mine and theirs). */
    KITH_SCORE_RECIPROCATED,
    /** 1 per reciprocated one-to-one message. */
    KITH_SCORE_ONE_TO_ONE,
    /** 3 per month with an exchange. */
    KITH_SCORE_MONTHS,
    /** 4 × log2 (1 + duration in months). */
    KITH_SCORE_DURATION,
    /** 5 / (1 + idle / H), H following the contact's own rhythm. */
    KITH_SCORE_RECENCY,
    KITH_SCORE_N_TERMS
} kith_score_term_t;

/**
 * The term's name as JSON and `show` write it ("conversations",
 * "reciprocated", "one_to_one", "months", "duration", "recency"), or
 * NULL when out of range.
 * @since libkith 0.1
 */
const char *
kith_score_term_to_string (kith_score_term_t term);

/**
 * The value of one term of the contact's score; all are 0 when the gate
 * is closed (no mail both ways, or an automated sender).  @a amount, if
 * not NULL, receives what the term counts: conversations, messages,
 * months, the duration in months, or for recency the idle time in days.
 * @since libkith 0.1
 */
double
kith_contact_get_score_term (kith_contact_t *contact, kith_score_term_t term, double *amount);

/**
 * The counts kept per contact; their exact definitions are in the
 * README ("What kith counts").
 *
 * @since libkith 0.1
 */
typedef enum {
    /** Messages I sent with the contact as the only recipient. */
    KITH_COUNT_SENT_DIRECT = 0,
    /** Messages I sent with the contact among several recipients. */
    KITH_COUNT_SENT_GROUP,
    /** Their non-automated messages with me in To or Cc. */
    KITH_COUNT_RECEIVED,
    /** Their non-automated messages I only saw (lists, Bcc). */
    KITH_COUNT_SEEN,
    /** Their automated or bulk messages. */
    KITH_COUNT_AUTOMATED,
    /** Their messages replying to one of mine. */
    KITH_COUNT_REPLIES_FROM,
    /** My messages replying to one of theirs. */
    KITH_COUNT_REPLIES_TO,
    /** Conversations: threads with a reply edge between us. */
    KITH_COUNT_CONVERSATIONS,
    /** Conversations that happened only on mailing lists. */
    KITH_COUNT_LIST_CONVERSATIONS,
    /** Distinct calendar months (UTC) with an exchange. */
    KITH_COUNT_MONTHS,
    /** Not a count: the number of counts. */
    KITH_COUNT_LAST
} kith_count_t;

/** One of the contact's counts (0 for an unknown @a which). @since libkith 0.1 */
unsigned long
kith_contact_get_count (kith_contact_t *contact, kith_count_t which);

/** First exchange, 0 if none. @since libkith 0.1 */
time_t
kith_contact_get_first (kith_contact_t *contact);

/** Last exchange, 0 if none. @since libkith 0.1 */
time_t
kith_contact_get_last (kith_contact_t *contact);

/**
 * Median reply latency in seconds: of their replies to me when
 * @a theirs is true, of mine to them otherwise; -1 when there is no
 * reply in that direction.
 * @since libkith 0.1
 */
int64_t
kith_contact_get_median_latency (kith_contact_t *contact, bool theirs);

/** Whether I wrote first in our earliest exchange. @since libkith 0.1 */
bool
kith_contact_get_i_wrote_first (kith_contact_t *contact);

/** Whether the contact only ever sent automated or bulk mail. @since libkith 0.1 */
bool
kith_contact_get_automated (kith_contact_t *contact);

/**
 * The addresses this contact stands for (1 unless merged by an alias).
 * @since libkith 0.1
 */
unsigned int
kith_contact_count_addresses (kith_contact_t *contact);

/** Address @a i (0-based), NULL if out of range. @since libkith 0.1 */
const char *
kith_contact_get_address_at (kith_contact_t *contact, unsigned int i);

/**
 * The display names seen for this contact, most used first.
 * @since libkith 0.1
 */
unsigned int
kith_contact_count_names (kith_contact_t *contact);

/**
 * Display name @a i (0-based) and, if @a count is not NULL, how many
 * times it was seen.  NULL if out of range.
 * @since libkith 0.1
 */
const char *
kith_contact_get_name_at (kith_contact_t *contact, unsigned int i, unsigned long *count);

/**
 * Likely other addresses of the same person, filled in by kith_find()
 * only: addresses seen with the same display name, or in the same
 * conversations as this contact, that no alias already merges.
 * @since libkith 0.1
 */
unsigned int
kith_contact_count_similar (kith_contact_t *contact);

/** Similar address @a i (0-based), NULL if out of range. @since libkith 0.1 */
const char *
kith_contact_get_similar_at (kith_contact_t *contact, unsigned int i);

/**
 * A conversation with the contact, as filled in by kith_find().
 * The strings belong to the contact.
 *
 * @since libkith 0.1
 */
typedef struct {
    /** The notmuch thread id (search for "thread:ID" to open it). */
    const char *thread_id;
    /** The subject of its first message. */
    const char *subject;
    /** Date of its first and last message between us. */
    time_t first;
    time_t last;
    /** Messages of the thread between us. */
    unsigned int messages;
    /** Whether it happened only on a mailing list. */
    bool on_list;
} kith_conversation_t;

/** Number of conversations kith_find() filled in. @since libkith 0.1 */
unsigned int
kith_contact_count_conversations (kith_contact_t *contact);

/**
 * Conversation @a i (0-based, oldest first).
 *
 * @retval KITH_STATUS_SUCCESS @a conversation is filled in.
 * @retval KITH_STATUS_NULL_POINTER an argument is NULL.
 * @retval KITH_STATUS_BAD_ARGUMENT @a i is out of range.
 * @since libkith 0.1
 */
kith_status_t
kith_contact_get_conversation (kith_contact_t *contact,
			       unsigned int i,
			       kith_conversation_t *conversation);

/**
 * Exchanges per calendar year, as filled in by kith_find(): @a first_year
 * receives the first year with an exchange and @a counts an array of
 * @a n_years counts (owned by the contact).  @a n_years is 0 when there
 * is no exchange.
 *
 * @since libkith 0.1
 */
void
kith_contact_get_activity (kith_contact_t *contact,
			   int *first_year,
			   unsigned int *n_years,
			   const unsigned long **counts);

/**
 * What kith decided about one message: in the post-new hook, in a
 * retroactive kith_tag(), or as recorded for kith_requests().  Every
 * pointer is owned by kith and valid during the callback only.
 *
 * @since libkith 0.1
 */
typedef struct {
    /** The Message-Id (without angle brackets). */
    const char *message_id;
    /** The date of the message. */
    time_t date;
    /** The sender's normalised address. */
    const char *sender;
    /** No shared history with the sender (or, for a request, with the
     *  person behind it). */
    bool no_history;
    /** A connection request or invitation. */
    bool request;
    /** A no-history sender brought in by someone I know. */
    bool introduced;
    /** For a request: the platform ("LinkedIn", "GitHub", ...). */
    const char *platform;
    /** For a request: the person behind it, as the platform names them. */
    const char *person;
    /** For a request: "known", "no-history" or "ambiguous". */
    const char *verdict;
    /** For a known request: the matched address. */
    const char *match;
    /** For an introduction: the address of the person I know. */
    const char *introducer;
    /** The evidence in words ("14 conversations 2015-2025, last 2025-03"). */
    const char *evidence;
    /** kith's tags added and removed (NULL-terminated arrays). */
    const char *const *tags_added;
    const char *const *tags_removed;
} kith_judgement_t;

/**
 * Called once per judged message.
 *
 * @since libkith 0.1
 */
typedef void (*kith_judgement_fn) (const kith_judgement_t *judgement, void *user_data);

/** Flags for kith_hook() and kith_tag(). */
typedef enum {
    /** Decide, report, but change nothing in the notmuch database. */
    KITH_JUDGE_DRY_RUN = 1 << 0,
} kith_judge_flags_t;

/**
 * The post-new / post-insert hook: bring the store up to date, then
 * judge every message new to it that is not mine, by the history
 * before that message, and set kith's tags and properties (kith.person,
 * kith.match, kith.verdict, kith.platform, kith.introducer) on it.  No
 * other tag or property is ever touched.  On the first run (no store
 * yet) or a rebuild nothing is judged.  An unreadable message is a
 * warning on stderr, not a failure.  Messages of an earlier run that
 * failed or was killed after updating the store but before its tags
 * were saved (or of a dry run) are judged by the next run.
 *
 * @param[in] kith a session opened with KITH_OPEN_WRITE
 * @param[in] flags KITH_JUDGE_DRY_RUN or 0
 * @param[in] judged called for each judged message, or NULL
 * @param[in] user_data passed to @a judged
 * @param[out] stats if not NULL, what the index step did
 * @param[out] error_message if not NULL, an explanation on failure
 * @retval KITH_STATUS_SUCCESS done.
 * @retval KITH_STATUS_NULL_POINTER kith is NULL.
 * @retval KITH_STATUS_BAD_ARGUMENT the session was opened read-only, or
 *         the rules file is invalid.
 * @retval KITH_STATUS_DATABASE_LOCKED the notmuch database stayed locked.
 * @retval KITH_STATUS_NOTMUCH_ERROR reading or tagging failed.
 * @retval KITH_STATUS_STORE_ERROR writing the store failed (unchanged).
 * @since libkith 0.1
 */
kith_status_t
kith_hook (kith_t *kith,
	   unsigned int flags,
	   kith_judgement_fn judged,
	   void *user_data,
	   kith_index_stats_t *stats,
	   char **error_message);

/**
 * Judge the messages matching a notmuch query retroactively, exactly as
 * the hook would have when they arrived, and (unless dry run) bring
 * kith's tags and properties on them in line.
 *
 * @param[in] kith a session opened with KITH_OPEN_WRITE
 * @param[in] query a notmuch query string
 * @param[in] flags KITH_JUDGE_DRY_RUN or 0
 * @param[in] judged called for each judged message, or NULL
 * @param[in] user_data passed to @a judged
 * @param[out] error_message if not NULL, an explanation on failure
 * @retval KITH_STATUS_SUCCESS done.
 * @retval KITH_STATUS_NULL_POINTER kith or query is NULL.
 * @retval KITH_STATUS_BAD_ARGUMENT read-only session, bad query or rules.
 * @retval KITH_STATUS_DATABASE_LOCKED the notmuch database stayed locked.
 * @retval KITH_STATUS_NOTMUCH_ERROR reading or tagging failed.
 * @retval KITH_STATUS_STORE_ERROR the store could not be read or updated.
 * @since libkith 0.1
 */
kith_status_t
kith_tag (kith_t *kith,
	  const char *query,
	  unsigned int flags,
	  kith_judgement_fn judged,
	  void *user_data,
	  char **error_message);

/**
 * kith_tag(), telling @a progress how far it got: called with the number
 * of messages judged so far (every hundred) and the number the query
 * matched, and once more with both equal when every change is written.
 *
 * @param[in] kith a session opened with KITH_OPEN_WRITE
 * @param[in] query a notmuch query string
 * @param[in] flags KITH_JUDGE_DRY_RUN or 0
 * @param[in] judged called for each judged message, or NULL
 * @param[in] user_data passed to @a judged
 * @param[in] progress called now and then, or NULL
 * @param[in] progress_data passed to @a progress
 * @param[out] error_message if not NULL, an explanation on failure
 * @return as kith_tag()
 * @since libkith 0.1
 */
kith_status_t
kith_tag_with_progress (kith_t *kith,
			const char *query,
			unsigned int flags,
			kith_judgement_fn judged,
			void *user_data,
			kith_progress_fn progress,
			void *progress_data,
			char **error_message);

/**
 * The requests kith has tagged, newest first, as recorded in their
 * properties, with fresh evidence: only those still in the inbox unless
 * @a all.
 *
 * @retval KITH_STATUS_SUCCESS done.
 * @retval KITH_STATUS_NULL_POINTER kith is NULL.
 * @retval KITH_STATUS_NOTMUCH_ERROR the query failed.
 * @retval KITH_STATUS_NOT_INDEXED there is no store yet.
 * @since libkith 0.1
 */
kith_status_t
kith_requests (kith_t *kith,
	       bool all,
	       kith_judgement_fn judged,
	       void *user_data,
	       char **error_message);

/**
 * The platform whose address @a address is ("LinkedIn", "Facebook"), as
 * kith's rules say (an enabled rule's @c from names it, by a glob of one
 * domain), or NULL.  A platform's address is never a person: it is no
 * contact in any verb and collects no names; the people behind its mail
 * are found by kith_platform_mail().
 *
 * @return a string owned by the session, or NULL (also when @a kith or
 *         @a address is NULL or no address).
 * @since libkith 0.1
 */
const char *
kith_platform_of (kith_t *kith, const char *address);

/**
 * The messages from the platform address @a address that kith judged
 * (requests, and people writing through the platform), newest first,
 * with the person behind each, the verdict and fresh evidence, as
 * recorded in their properties.
 *
 * @retval KITH_STATUS_SUCCESS done.
 * @retval KITH_STATUS_NULL_POINTER kith or address is NULL.
 * @retval KITH_STATUS_BAD_ARGUMENT @a address is no platform's.
 * @retval KITH_STATUS_NOTMUCH_ERROR the query failed.
 * @retval KITH_STATUS_NOT_INDEXED there is no store yet.
 * @since libkith 0.1
 */
kith_status_t
kith_platform_mail (kith_t *kith,
		    const char *address,
		    kith_judgement_fn judged,
		    void *user_data,
		    char **error_message);

#ifdef __cplusplus
}
#endif

#endif /* KITH_H */
