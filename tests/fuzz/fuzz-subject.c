/* fuzz-subject.c - _kith_subject_is_reply and _kith_subject_base
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input (as a NUL-terminated string) is a subject.  Besides memory
 * safety: the base is clean text, and a reply's base is the base of
 * what it replies to ("Re: " + S and S have the same base), which is
 * what subject-only threading relies on.
 */

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

FUZZ_DEFINE_INITIALIZE ()

static int
check_input (const uint8_t *data, size_t size)
{
    g_autofree char *subject = fuzz_strndup (data, size);
    g_autofree char *base = NULL;
    g_autofree char *reply = NULL;
    g_autofree char *reply_base = NULL;
    g_autofree char *forward = NULL;
    g_autofree char *forward_base = NULL;

    (void) _kith_subject_is_reply (subject);
    base = _kith_subject_base (subject);
    FUZZ_CHECK (base != NULL);
    FUZZ_CHECK_STR (fuzz_is_clean (base), subject, base);

    reply = g_strconcat ("Re: ", subject, NULL);
    FUZZ_CHECK_STR (_kith_subject_is_reply (reply), reply, NULL);
    reply_base = _kith_subject_base (reply);
    FUZZ_CHECK_STR (reply_base != NULL && strcmp (reply_base, base) == 0, base, reply_base);

    forward = g_strconcat ("Fwd: ", subject, NULL);
    forward_base = _kith_subject_base (forward);
    FUZZ_CHECK_STR (forward_base != NULL && strcmp (forward_base, base) == 0, base,
		    forward_base);

    FUZZ_CHECK (! _kith_subject_is_reply (NULL));
    FUZZ_CHECK (_kith_subject_base (NULL) == NULL);
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    return size > FUZZ_MAX_INPUT ? 0 : check_input (data, size);
}
