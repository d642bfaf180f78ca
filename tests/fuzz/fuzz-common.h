/* fuzz-common.h - helpers shared by kith's libFuzzer targets
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every target links the real library objects (plugin/ sources built with
 * -fsanitize=fuzzer,address,undefined, see tests/fuzz/run-fuzz.sh).
 * A broken invariant is reported with FUZZ_CHECK, which prints what
 * failed and traps, so libFuzzer keeps the input as a crash.
 */

#ifndef KITH_FUZZ_COMMON_H
#define KITH_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kith-private.h"

/* The largest input a target looks at (run-fuzz.sh passes -max_len
 * no larger): a bigger one, from a corpus or a crash file, returns at
 * once, so that it cannot stall a run or a replay. */
#define FUZZ_MAX_INPUT (64 * 1024)

#define FUZZ_CHECK(cond)                                                      \
    do {                                                                      \
	if (! (cond)) {                                                       \
	    fprintf (stderr, "%s:%d: invariant failed: %s\n", __FILE__,       \
		     __LINE__, #cond);                                        \
	    __builtin_trap ();                                                \
	}                                                                     \
    } while (0)

/* As FUZZ_CHECK, also printing the strings A and B (escaped). */
#define FUZZ_CHECK_STR(cond, a, b)                                            \
    do {                                                                      \
	if (! (cond)) {                                                       \
	    g_autofree char *ea_ = g_strescape ((a) ? (a) : "(null)", NULL);  \
	    g_autofree char *eb_ = g_strescape ((b) ? (b) : "(null)", NULL);  \
	    fprintf (stderr, "%s:%d: invariant failed: %s\n  a = \"%s\"\n"    \
		     "  b = \"%s\"\n", __FILE__, __LINE__, #cond, ea_, eb_);  \
	    __builtin_trap ();                                                \
	}                                                                     \
    } while (0)

/* A g_critical (a g_return_if_fail in GLib or GMime that kith's call
 * tripped) or a g_error is a bug: make it fatal.  Warnings (GMime's
 * notes about odd charsets and the like) stay warnings, but quiet. */
static void
fuzz_log_handler (const char *domain, GLogLevelFlags level, const char *message,
		  gpointer data)
{
    if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_FLAG_FATAL)) {
	fprintf (stderr, "fatal GLib log message (%s): %s\n", domain ? domain : "?",
		 message ? message : "");
	__builtin_trap ();
    }
}

static inline void
fuzz_setup (void)
{
    g_log_set_default_handler (fuzz_log_handler, NULL);
    _kith_mime_init ();
}

/* The LLVMFuzzerInitialize of a target that needs nothing but
 * fuzz_setup (); a target with more to set up writes its own. */
#define FUZZ_DEFINE_INITIALIZE()                             \
    int LLVMFuzzerInitialize (int *argc, char ***argv);      \
    int LLVMFuzzerInitialize (int *argc, char ***argv)       \
    {                                                        \
	fuzz_setup ();                                       \
	return 0;                                            \
    }

/* A NUL-terminated heap copy of the input (so that ASan sees a read
 * past its end).  Free with g_free. */
static inline char *
fuzz_strndup (const uint8_t *data, size_t size)
{
    char *s = g_malloc (size + 1);

    memcpy (s, data, size);
    s[size] = '\0';
    return s;
}

/* S is valid UTF-8 without control characters (Unicode Cc). */
static inline gboolean
fuzz_is_clean (const char *s)
{
    if (! g_utf8_validate (s, -1, NULL))
	return FALSE;
    for (const char *p = s; *p; p = g_utf8_next_char (p))
	if (g_unichar_iscntrl (g_utf8_get_char (p)))
	    return FALSE;
    return TRUE;
}

/* ... and without white space either. */
static inline gboolean
fuzz_is_clean_word (const char *s)
{
    if (! fuzz_is_clean (s))
	return FALSE;
    for (const char *p = s; *p; p = g_utf8_next_char (p))
	if (g_unichar_isspace (g_utf8_get_char (p)))
	    return FALSE;
    return TRUE;
}

/* What _kith_address_normalise promises of a non-NULL result: clean,
 * no white space, exactly one '@', neither first nor last, none of
 * <>,;"(). */
static inline gboolean
fuzz_is_normalised_address (const char *s)
{
    const char *at;

    if (s == NULL || ! fuzz_is_clean_word (s))
	return FALSE;
    at = strchr (s, '@');
    if (at == NULL || at == s || at[1] == '\0' || strchr (at + 1, '@'))
	return FALSE;
    return strpbrk (s, "<>,;\"()") == NULL;
}

#endif /* KITH_FUZZ_COMMON_H */
