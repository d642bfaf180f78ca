/* fuzz-names.c - _kith_name_fold and _kith_name_words
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input (as a NUL-terminated string) is a display name.  The folded
 * name has the shape test-names.c documents (valid UTF-8, letters,
 * digits, kept marks and single spaces, none at either end), folding is
 * idempotent (fold (fold (x)) == fold (x): names are compared folded,
 * and a folded name must match itself), folding ignores case
 * (fold (strdown (x)) == fold (x)), and the words are the non-empty
 * space-separated parts, sorted.
 */

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

FUZZ_DEFINE_INITIALIZE ()

static void
check_folded_shape (const char *name, const char *folded)
{
    size_t len = strlen (folded);

    FUZZ_CHECK_STR (g_utf8_validate (folded, -1, NULL), name, folded);
    if (len > 0)
	FUZZ_CHECK_STR (folded[0] != ' ' && folded[len - 1] != ' ', name, folded);
    FUZZ_CHECK_STR (strstr (folded, "  ") == NULL, name, folded);
    for (const char *p = folded; *p; p = g_utf8_next_char (p)) {
	gunichar c = g_utf8_get_char (p);
	GUnicodeType type = g_unichar_type (c);

	FUZZ_CHECK_STR (! g_unichar_iscntrl (c), name, folded);
	FUZZ_CHECK_STR (! (c >= 0x0300 && c <= 0x036F), name, folded);
	if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_SPACING_MARK ||
	    type == G_UNICODE_ENCLOSING_MARK)
	    continue;
	FUZZ_CHECK_STR (c == ' ' || g_unichar_isalnum (c), name, folded);
    }
}

static int
check_input (const uint8_t *data, size_t size)
{
    g_autofree char *name = fuzz_strndup (data, size);
    g_autofree char *folded = _kith_name_fold (name);
    g_autofree char *again = NULL;
    g_auto (GStrv) words = NULL;
    g_auto (GStrv) raw_words = NULL;
    g_autoptr (GString) joined = g_string_new (NULL);

    FUZZ_CHECK (folded != NULL);
    check_folded_shape (name, folded);

    again = _kith_name_fold (folded);
    FUZZ_CHECK_STR (again != NULL && strcmp (again, folded) == 0, folded, again);

    /* Lower case folds as the name does ("JÜRGEN", "jürgen").  (Not
     * upper case: "ı" upper-cases to "I", which folds to "i".) */
    {
	g_autofree char *valid = g_utf8_make_valid (name, -1);
	g_autofree char *lower = g_utf8_strdown (valid, -1);
	g_autofree char *lower_folded = _kith_name_fold (lower);

	FUZZ_CHECK_STR (lower_folded != NULL && strcmp (lower_folded, folded) == 0, folded,
			lower_folded);
    }

    /* An ASCII name takes a shorter path: it must fold as the Unicode
     * path folds it, which " é" (folding to " e") sends it down. */
    {
	gboolean ascii = TRUE;

	for (const char *p = name; *p && ascii; p++)
	    ascii = (guchar) *p < 0x80;
	if (ascii) {
	    g_autofree char *longer = g_strconcat (name, " \xc3\xa9", NULL);
	    g_autofree char *longer_folded = _kith_name_fold (longer);
	    g_autofree char *want = g_strconcat (folded, *folded ? " e" : "e", NULL);

	    FUZZ_CHECK_STR (longer_folded != NULL && strcmp (longer_folded, want) == 0, want,
			    longer_folded);
	}
    }

    words = _kith_name_words (folded);
    FUZZ_CHECK (words != NULL);
    for (guint i = 0; words[i]; i++) {
	FUZZ_CHECK (*words[i] != '\0');
	FUZZ_CHECK (strchr (words[i], ' ') == NULL);
	if (i > 0)
	    FUZZ_CHECK (strcmp (words[i - 1], words[i]) <= 0);
	g_string_append_len (joined, words[i], strlen (words[i]));
    }
    /* The words are all of the folded name, nothing else: the same
     * bytes once the spaces are gone (sorted: compare lengths). */
    {
	size_t n = 0;

	for (const char *p = folded; *p; p++)
	    n += *p != ' ';
	FUZZ_CHECK (joined->len == n);
    }

    /* On unfolded input too (must not crash), and on NULL. */
    raw_words = _kith_name_words (name);
    FUZZ_CHECK (raw_words != NULL);
    FUZZ_CHECK (_kith_name_fold (NULL) == NULL);
    {
	g_auto (GStrv) none = _kith_name_words (NULL);

	FUZZ_CHECK (none != NULL && none[0] == NULL);
    }
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    return size > FUZZ_MAX_INPUT ? 0 : check_input (data, size);
}
