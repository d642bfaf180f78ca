/* fuzz-header-block.c - _kith_mime_parse_headers on hostile header blocks
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a message (header block, maybe a body).  Every field of
 * the result is touched and checked against what kith-private.h
 * promises: never NULL, strings valid UTF-8 without control characters,
 * addresses normalised, message-ids without white space, Thread-Index
 * lower-case hex, flags only the header signals.  One input in
 * FILE_EVERY (chosen by a hash of its bytes, so that a replay makes
 * the same choice) is also read as a file (one memfd, made once and
 * rewritten for such input) with _kith_mime_parse_file, the indexer's
 * path, which reads in growing chunks: it must give the same result.
 * Every input, as before, cost a third more time (a second parse and
 * three system calls) for a path that differs only in how it reads.
 */

#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-common.h"

#define HEADER_FLAGS                                                          \
    (KITH_MSG_AUTO_SUBMITTED | KITH_MSG_PRECEDENCE_BULK | KITH_MSG_LIST_ID |  \
     KITH_MSG_LIST_POST | KITH_MSG_PRECEDENCE_LIST | KITH_MSG_LIST_UNSUBSCRIBE | \
     KITH_MSG_NOREPLY_SENDER | KITH_MSG_REPLY_SUBJECT | KITH_MSG_AUTO_RESPONSE | \
     KITH_MSG_FROM_REWRITTEN | KITH_MSG_HIDDEN_RCPTS)

static void
check_addr (const _kith_addr_t *addr)
{
    FUZZ_CHECK (addr != NULL);
    FUZZ_CHECK (fuzz_is_normalised_address (addr->address));
    if (addr->name) {
	FUZZ_CHECK (*addr->name != '\0');
	FUZZ_CHECK (fuzz_is_clean (addr->name));
    }
}

/* A message-id: non-empty, clean, no white space. */
static void
check_msgid (const char *id)
{
    FUZZ_CHECK (id != NULL);
    FUZZ_CHECK (*id != '\0');
    FUZZ_CHECK (fuzz_is_clean_word (id));
}

/* Text from clean_text: non-empty, clean, no white space at either
 * end. */
static void
check_line (const char *s)
{
    size_t len = strlen (s);

    FUZZ_CHECK (len > 0);
    FUZZ_CHECK (fuzz_is_clean (s));
    FUZZ_CHECK (s[0] != ' ' && s[len - 1] != ' ');
}

static gboolean
str_equal0 (const char *a, const char *b)
{
    return g_strcmp0 (a, b) == 0;
}

static gboolean
addr_equal (const _kith_addr_t *a, const _kith_addr_t *b)
{
    if (a == NULL || b == NULL)
	return a == b;
    return str_equal0 (a->address, b->address) && str_equal0 (a->name, b->name) &&
	   a->kind == b->kind;
}

static gboolean
msg_equal (const _kith_msg_t *a, const _kith_msg_t *b)
{
    if (! addr_equal (a->from, b->from) || a->rcpts->len != b->rcpts->len ||
	a->references->len != b->references->len)
	return FALSE;
    for (guint i = 0; i < a->rcpts->len; i++)
	if (! addr_equal (a->rcpts->pdata[i], b->rcpts->pdata[i]))
	    return FALSE;
    for (guint i = 0; i < a->references->len; i++)
	if (! str_equal0 (a->references->pdata[i], b->references->pdata[i]))
	    return FALSE;
    return str_equal0 (a->subject, b->subject) &&
	   str_equal0 (a->subject_base, b->subject_base) &&
	   str_equal0 (a->message_id, b->message_id) &&
	   str_equal0 (a->in_reply_to, b->in_reply_to) &&
	   str_equal0 (a->thread_index, b->thread_index) &&
	   str_equal0 (a->thread_topic, b->thread_topic) && a->date == b->date &&
	   a->flags == b->flags;
}

/* The memfd that holds an input as a file, made once (-1: none to
 * be had, the comparison is skipped). */
static int memfd = -1;

/* One input in FILE_EVERY is also parsed as a file. */
#define FILE_EVERY 8

/* Is DATA one of the inputs also parsed as a file?  FNV-1a of its
 * size and its last (up to) 64 bytes (a bounded cost, whatever the
 * size): the same answer for the same input in every run. */
static gboolean
want_file (const uint8_t *data, size_t size)
{
    guint32 h = 2166136261u ^ (guint32) size;

    for (size_t i = size > 64 ? size - 64 : 0; i < size; i++)
	h = (h ^ data[i]) * 16777619u;
    return h % FILE_EVERY == 0;
}

/* DATA as a file: the memfd, emptied and rewritten, read through
 * /proc/self/fd. */
static _kith_msg_t *
parse_as_file (const uint8_t *data, size_t size)
{
    char path[64];
    GError *error = NULL;
    _kith_msg_t *msg;
    size_t done = 0;

    if (memfd < 0 || ftruncate (memfd, 0) != 0)
	return NULL;
    while (done < size) {
	ssize_t n = pwrite (memfd, data + done, size - done, done);

	if (n <= 0)
	    return NULL;
	done += n;
    }
    g_snprintf (path, sizeof (path), "/proc/self/fd/%d", memfd);
    msg = _kith_mime_parse_file (path, &error);
    FUZZ_CHECK (msg != NULL && error == NULL);
    return msg;
}

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    fuzz_setup ();
    memfd = memfd_create ("kith-fuzz-message", MFD_CLOEXEC);
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    _kith_msg_t *msg;
    GHashTable *seen;

    if (size > FUZZ_MAX_INPUT)
	return 0;
    msg = _kith_mime_parse_headers ((const char *) data, size);
    FUZZ_CHECK (msg != NULL); /* only a file error gives NULL */

    if (msg->from) {
	check_addr (msg->from);
	FUZZ_CHECK (msg->from->kind == 0);
    }

    FUZZ_CHECK (msg->rcpts != NULL);
    seen = g_hash_table_new (g_str_hash, g_str_equal);
    for (guint i = 0; i < msg->rcpts->len; i++) {
	const _kith_addr_t *addr = msg->rcpts->pdata[i];

	check_addr (addr);
	FUZZ_CHECK (addr->kind == KITH_RCPT_TO || addr->kind == KITH_RCPT_CC ||
		    addr->kind == KITH_RCPT_BCC);
	/* To, then Cc, then Bcc, each address once. */
	if (i > 0)
	    FUZZ_CHECK (addr->kind >= ((const _kith_addr_t *) msg->rcpts->pdata[i - 1])->kind);
	FUZZ_CHECK (g_hash_table_add (seen, addr->address));
    }
    g_hash_table_unref (seen);

    if (msg->subject) {
	check_line (msg->subject);
	FUZZ_CHECK (msg->subject_base != NULL);
	FUZZ_CHECK (fuzz_is_clean (msg->subject_base));
	FUZZ_CHECK (! ! (msg->flags & KITH_MSG_REPLY_SUBJECT) ==
		    ! ! _kith_subject_is_reply (msg->subject));
    } else {
	FUZZ_CHECK (msg->subject_base == NULL);
	FUZZ_CHECK (! (msg->flags & KITH_MSG_REPLY_SUBJECT));
    }

    if (msg->message_id)
	check_msgid (msg->message_id);
    if (msg->in_reply_to)
	check_msgid (msg->in_reply_to);
    FUZZ_CHECK (msg->references != NULL);
    for (guint i = 0; i < msg->references->len; i++)
	check_msgid (msg->references->pdata[i]);

    if (msg->thread_index) {
	size_t len = strlen (msg->thread_index);

	FUZZ_CHECK (len % 2 == 0 && len >= 2 * 22 && len <= 2 * 4096);
	FUZZ_CHECK (strspn (msg->thread_index, "0123456789abcdef") == len);
    }
    if (msg->thread_topic)
	check_line (msg->thread_topic);

    FUZZ_CHECK ((msg->flags & ~(guint) HEADER_FLAGS) == 0);
    (void) msg->date; /* any value: a time_t from GMime */
    (void) msg->received;

    /* What kith reads beyond GMime: the list's address is an address;
     * a rewritten From names someone else than the list. */
    if (msg->list_address) {
	check_line (msg->list_address);
	FUZZ_CHECK (strchr (msg->list_address, '@') != NULL);
    }
    /* Hidden recipients: To and Cc name nobody. */
    if (msg->flags & KITH_MSG_HIDDEN_RCPTS)
	for (guint i = 0; i < msg->rcpts->len; i++)
	    FUZZ_CHECK (((const _kith_addr_t *) msg->rcpts->pdata[i])->kind == KITH_RCPT_BCC);
    if (msg->flags & KITH_MSG_FROM_REWRITTEN)
	FUZZ_CHECK (msg->from && msg->list_address &&
		    strcmp (msg->from->address, msg->list_address) != 0);
    if (msg->recovered_example) {
	FUZZ_CHECK (msg->recovered > 0);
	check_line (msg->recovered_example);
    }

    if (want_file (data, size)) {
	_kith_msg_t *from_file = parse_as_file (data, size);

	if (from_file) {
	    FUZZ_CHECK (msg_equal (msg, from_file));
	    _kith_msg_free (from_file);
	}
    }
    _kith_msg_free (msg);
    return 0;
}
