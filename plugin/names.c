/* names.c - folding display names for matching people by name
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "kith-private.h"

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

char *
_kith_name_fold (const char *name)
{
    g_autofree char *valid = NULL;
    g_autofree char *decomposed = NULL;
    g_autofree char *folded = NULL;
    g_autoptr (GString) out = NULL;
    char *result;
    gboolean space = TRUE;

    if (name == NULL)
	return NULL;
    valid = g_utf8_make_valid (name, -1);
    decomposed = g_utf8_normalize (valid, -1, G_NORMALIZE_NFKD);
    if (decomposed == NULL)
	return g_strdup ("");
    folded = g_utf8_casefold (decomposed, -1);
    out = g_string_sized_new (strlen (folded));
    for (const char *p = folded; *p; p = g_utf8_next_char (p)) {
	gunichar c = g_utf8_get_char (p);
	GUnicodeType type;

	/* GLib folds Cherokee capitals to small letters and small letters
	 * to capitals: settle on the capitals, so both cases match. */
	if ((c >= 0xAB70 && c <= 0xABBF) || (c >= 0x13F8 && c <= 0x13FD))
	    c = g_unichar_toupper (c);
	type = g_unichar_type (c);

	if (is_droppable_accent (c))
	    continue;
	if (c == 0x00DF) { /* ß survives casefold in some GLib versions */
	    g_string_append (out, "ss");
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
