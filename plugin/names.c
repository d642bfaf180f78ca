/* names.c - folding display names for matching people by name
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "kith-private.h"

char *
_kith_name_fold (const char *name)
{
    g_autofree char *valid = NULL;
    g_autofree char *decomposed = NULL;
    g_autofree char *folded = NULL;
    GString *out;
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
	GUnicodeType type = g_unichar_type (c);

	if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_SPACING_MARK ||
	    type == G_UNICODE_ENCLOSING_MARK)
	    continue; /* accents */
	if (c == 0x00DF) { /* ß survives casefold in some GLib versions */
	    g_string_append (out, "ss");
	    space = FALSE;
	} else if (g_unichar_isalnum (c)) {
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
    return g_string_free (out, FALSE);
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
