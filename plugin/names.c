/* names.c - folding display names for matching people by name
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include "kith-private.h"

/* Latin letters that Unicode gives no canonical or compatibility
 * decomposition into a base letter and accents: letters with a
 * stroke, bar or hook (ø, ł, đ, ħ, ɓ, ...), the dotless i, ligatures
 * and old letters written as two letters in plain text (æ, œ, ß, þ).
 * NFKD and dropping accents leave them as they are, so without this
 * "Łukasz" would not match "Lukasz" nor sort next to it.  ŀ is here
 * too: NFKD makes it l + middle dot, which would split the word.
 * Both cases are listed as the table is applied before decomposition
 * (for ŀ) and again after case folding (ǿ is ø + accent, ẞ and ß may
 * survive casefold).  Letters that are no variant of one base letter
 * (ə, ɛ, ɔ, ʒ, ...) are left alone.  Sorted by code point, for
 * bsearch.
 *
 * Why a table of our own and not ICU's "Latin-ASCII" transform
 * (libicu72, a Debian package), measured on 21 names of Polish,
 * Norwegian, Turkish, Icelandic, Croatian, Maltese, German, Greek,
 * Cyrillic and CJK: both fold the Latin names alike (ICU spells ĸ as
 * q, the table as k); ICU adds a 31 MB data library to every process
 * that loads libkith (libnotmuch does not use ICU), takes 15 ms to
 * open the transform in each process (the hook, each completion) and
 * 3.6 us per name against 1.2 us here for the whole fold.  Latin has
 * no more letters of this kind to add, so the table does not age. */
typedef struct {
    gunichar letter;
    const char *plain;
} letter_fold_t;

static const letter_fold_t letter_folds[] = {
    { 0x00C6, "ae" }, /* Æ */
    { 0x00D0, "d" },  /* Ð */
    { 0x00D8, "o" },  /* Ø */
    { 0x00DE, "th" }, /* Þ */
    { 0x00DF, "ss" }, /* ß */
    { 0x00E6, "ae" }, /* æ */
    { 0x00F0, "d" },  /* ð */
    { 0x00F8, "o" },  /* ø */
    { 0x00FE, "th" }, /* þ */
    { 0x0110, "d" },  /* Đ */
    { 0x0111, "d" },  /* đ */
    { 0x0126, "h" },  /* Ħ */
    { 0x0127, "h" },  /* ħ */
    { 0x0131, "i" },  /* ı dotless i */
    { 0x0138, "k" },  /* ĸ kra */
    { 0x013F, "l" },  /* Ŀ */
    { 0x0140, "l" },  /* ŀ */
    { 0x0141, "l" },  /* Ł */
    { 0x0142, "l" },  /* ł */
    { 0x014A, "n" },  /* Ŋ */
    { 0x014B, "n" },  /* ŋ */
    { 0x0152, "oe" }, /* Œ */
    { 0x0153, "oe" }, /* œ */
    { 0x0166, "t" },  /* Ŧ */
    { 0x0167, "t" },  /* ŧ */
    { 0x0180, "b" },  /* ƀ */
    { 0x0181, "b" },  /* Ɓ */
    { 0x0189, "d" },  /* Ɖ African D */
    { 0x018A, "d" },  /* Ɗ */
    { 0x0191, "f" },  /* Ƒ */
    { 0x0192, "f" },  /* ƒ */
    { 0x0197, "i" },  /* Ɨ */
    { 0x0198, "k" },  /* Ƙ */
    { 0x0199, "k" },  /* ƙ */
    { 0x01B3, "y" },  /* Ƴ */
    { 0x01B4, "y" },  /* ƴ */
    { 0x01B5, "z" },  /* Ƶ */
    { 0x01B6, "z" },  /* ƶ */
    { 0x01E4, "g" },  /* Ǥ */
    { 0x01E5, "g" },  /* ǥ */
    { 0x023B, "c" },  /* Ȼ */
    { 0x023C, "c" },  /* ȼ */
    { 0x0243, "b" },  /* Ƀ */
    { 0x0244, "u" },  /* Ʉ */
    { 0x0246, "e" },  /* Ɇ */
    { 0x0247, "e" },  /* ɇ */
    { 0x0248, "j" },  /* Ɉ */
    { 0x0249, "j" },  /* ɉ */
    { 0x024C, "r" },  /* Ɍ */
    { 0x024D, "r" },  /* ɍ */
    { 0x024E, "y" },  /* Ɏ */
    { 0x024F, "y" },  /* ɏ */
    { 0x0253, "b" },  /* ɓ */
    { 0x0256, "d" },  /* ɖ */
    { 0x0257, "d" },  /* ɗ */
    { 0x0268, "i" },  /* ɨ */
    { 0x0289, "u" },  /* ʉ */
    { 0x1E9E, "ss" }, /* ẞ capital sharp s */
};

static int
compare_letter_fold (const void *key, const void *entry)
{
    gunichar c = *(const gunichar *) key;
    gunichar letter = ((const letter_fold_t *) entry)->letter;

    return c < letter ? -1 : c > letter;
}

/* What the letter C is spelled as in plain Latin letters, or NULL if
 * it is not in letter_folds. */
static const char *
letter_plain (gunichar c)
{
    const letter_fold_t *fold;

    if (c < letter_folds[0].letter)
	return NULL; /* ASCII and the start of Latin-1 */
    fold = bsearch (&c, letter_folds, G_N_ELEMENTS (letter_folds), sizeof (letter_folds[0]),
		    compare_letter_fold);
    return fold ? fold->plain : NULL;
}

/* TEXT (valid UTF-8) with the letters of letter_folds spelled plain. */
static char *
replace_letters (const char *text)
{
    GString *out = g_string_sized_new (strlen (text));

    for (const char *p = text; *p; p = g_utf8_next_char (p)) {
	const char *plain = letter_plain (g_utf8_get_char (p));

	if (plain)
	    g_string_append (out, plain);
	else
	    g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
    return g_string_free (out, FALSE);
}

/* Is C a combining accent of the kind "accent-insensitive" means to
 * ignore (Latin, Greek, Cyrillic diacritics)?  Other marks carry
 * meaning and stay: kana voicing marks, Indic vowel signs, ... */
static gboolean
is_droppable_accent (gunichar c)
{
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
	   (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
	   (c >= 0xFE20 && c <= 0xFE2F);
}

/* NAME, all ASCII (most names), folded as _kith_name_fold folds it,
 * without the Unicode tables: ASCII letters and digits only lower-cased,
 * apostrophes dropped, anything else a space. */
static char *
fold_ascii (const char *name)
{
    GString *out = g_string_sized_new (strlen (name));
    gboolean space = TRUE;

    for (const char *p = name; *p; p++) {
	if (g_ascii_isalnum (*p)) {
	    g_string_append_c (out, g_ascii_tolower (*p));
	    space = FALSE;
	} else if (*p != '\'' && ! space) {
	    g_string_append_c (out, ' ');
	    space = TRUE;
	}
    }
    if (out->len > 0 && out->str[out->len - 1] == ' ')
	g_string_truncate (out, out->len - 1);
    return g_string_free (out, FALSE);
}

char *
_kith_name_fold (const char *name)
{
    g_autofree char *valid = NULL;
    g_autofree char *plain = NULL;
    g_autofree char *decomposed = NULL;
    g_autofree char *folded = NULL;
    g_autoptr (GString) out = NULL;
    char *result;
    gboolean space = TRUE;

    if (name == NULL)
	return NULL;
    for (const char *p = name; (guchar) *p < 0x80; p++)
	if (*p == '\0')
	    return fold_ascii (name);
    valid = g_utf8_make_valid (name, -1);
    plain = replace_letters (valid);
    decomposed = g_utf8_normalize (plain, -1, G_NORMALIZE_NFKD);
    if (decomposed == NULL)
	return g_strdup ("");
    folded = g_utf8_casefold (decomposed, -1);
    out = g_string_sized_new (strlen (folded));
    for (const char *p = folded; *p; p = g_utf8_next_char (p)) {
	gunichar c = g_utf8_get_char (p);
	const char *letter;
	GUnicodeType type;

	/* GLib folds Cherokee capitals to small letters and small letters
	 * to capitals: settle on the capitals, so both cases match. */
	if ((c >= 0xAB70 && c <= 0xABBF) || (c >= 0x13F8 && c <= 0x13FD))
	    c = g_unichar_toupper (c);
	type = g_unichar_type (c);

	if (is_droppable_accent (c))
	    continue;
	/* letter_folds again, for what decomposition and casefold made */
	if ((letter = letter_plain (c))) {
	    g_string_append (out, letter);
	    space = FALSE;
	} else if (g_unichar_isalnum (c) || type == G_UNICODE_NON_SPACING_MARK ||
		   type == G_UNICODE_SPACING_MARK || type == G_UNICODE_ENCLOSING_MARK) {
	    g_string_append_unichar (out, c);
	    space = FALSE;
	} else if (c == '\'' || c == 0x2019) {
	    continue; /* O'Brien = OBrien */
	} else if (! space) {
	    g_string_append_c (out, ' ');
	    space = TRUE;
	}
    }
    if (out->len > 0 && out->str[out->len - 1] == ' ')
	g_string_truncate (out, out->len - 1);
    /* Recompose what decomposition split and we kept (kana with voicing
     * marks, Hangul syllables). */
    result = g_utf8_normalize (out->str, -1, G_NORMALIZE_NFC);
    return result;
}

static int
compare_words (gconstpointer a, gconstpointer b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

char **
_kith_name_words (const char *folded)
{
    char **words = g_strsplit (folded ? folded : "", " ", -1);
    guint n = 0;

    /* drop empty words */
    for (guint i = 0; words[i]; i++) {
	if (*words[i])
	    words[n++] = words[i];
	else
	    g_free (words[i]);
    }
    words[n] = NULL;
    qsort (words, n, sizeof (char *), compare_words);
    return words;
}

static void
add_word (GPtrArray *words, GHashTable *seen, const char *word)
{
    if (*word == '\0' || g_hash_table_contains (seen, word))
	return;
    g_ptr_array_add (words, g_strdup (word));
    g_hash_table_add (seen, words->pdata[words->len - 1]);
}

static void
add_folded_words (GPtrArray *words, GHashTable *seen, const char *text)
{
    g_autofree char *folded = _kith_name_fold (text);
    g_auto (GStrv) split = g_strsplit (folded ? folded : "", " ", -1);

    for (char **w = split; *w; w++)
	add_word (words, seen, *w);
}

GPtrArray *
_kith_completion_words (const char *address, GPtrArray *names)
{
    GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
    g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
    const char *at = strrchr (address, '@');
    g_autofree char *local = g_strndup (address, at ? (gsize) (at - address) : strlen (address));

    add_word (words, seen, address);
    add_folded_words (words, seen, local);
    for (guint i = 0; names && i < names->len; i++)
	add_folded_words (words, seen, names->pdata[i]);
    return words;
}

char *
_kith_name_of_address (const char *address)
{
    const char *at = address ? strrchr (address, '@') : NULL;
    g_autofree char *local = NULL;
    g_auto (GStrv) parts = NULL;
    g_autoptr (GString) name = g_string_new (NULL);
    guint n = 0;
    gboolean full = FALSE;
    char *plus;

    if (at == NULL || at == address)
	return NULL;
    local = g_strndup (address, at - address);
    if ((plus = strchr (local, '+')))
	*plus = '\0'; /* a sub-address: ann.lee+lists */
    if (! g_utf8_validate (local, -1, NULL))
	return NULL;
    parts = g_strsplit_set (local, "._-", -1);
    for (char **p = parts; *p; p++) {
	glong len = g_utf8_strlen (*p, -1);

	if (len == 0)
	    continue; /* a..shankman */
	for (const char *c = *p; *c; c = g_utf8_next_char (c))
	    if (! g_unichar_isalpha (g_utf8_get_char (c)))
		return NULL;
	if (name->len > 0)
	    g_string_append_c (name, ' ');
	g_string_append (name, *p);
	full |= len >= 2;
	n++;
    }
    return n >= 2 && full ? g_string_free (g_steal_pointer (&name), FALSE) : NULL;
}
