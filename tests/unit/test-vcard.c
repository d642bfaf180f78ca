/* test-vcard.c - unit tests of plugin/vcard.c: escaping, line folding,
 * structured names and UIDs of the vCard export.
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "vcard.h"

static char *
escaped (const char *text)
{
    GString *out = g_string_new (NULL);

    kith_vcard_escape (out, text);
    return g_string_free (out, FALSE);
}

static void
test_escape (void)
{
    static const struct {
	const char *in, *out;
    } cases[] = {
	{ "Plain Name", "Plain Name" },
	{ "Müller, Jürgen", "Müller\\, Jürgen" },
	{ "a;b", "a\\;b" },
	{ "back\\slash", "back\\\\slash" },
	{ "two\nlines", "two\\nlines" },
	{ "crlf\r\nline", "crlf\\nline" },
	{ "bare\rcr", "bare\\ncr" },
	{ "tab\there\x01", "tab here " },
	{ "\"quoted\" 'name'", "\"quoted\" 'name'" },
	{ "", "" },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++) {
	g_autofree char *got = escaped (cases[i].in);
	g_assert_cmpstr (got, ==, cases[i].out);
    }
}

/* Unfold OUT (CRLF + space), checking each physical line. */
static char *
unfold_checked (const char *out)
{
    g_autoptr (GString) logical = g_string_new (NULL);
    g_auto (GStrv) lines = NULL;
    gsize n;

    g_assert_true (g_str_has_suffix (out, "\r\n"));
    lines = g_strsplit (out, "\r\n", -1);
    n = g_strv_length (lines);
    g_assert_cmpstr (lines[n - 1], ==, "");
    for (gsize i = 0; i + 1 < n; i++) {
	g_assert_null (strchr (lines[i], '\n'));
	g_assert_cmpuint (strlen (lines[i]), <=, 75);
	g_assert_cmpuint (strlen (lines[i]), >, 0);
	g_assert_true (g_utf8_validate (lines[i], -1, NULL));
	if (i == 0) {
	    g_assert_cmpint (lines[i][0], !=, ' ');
	    g_string_append (logical, lines[i]);
	} else {
	    g_assert_cmpint (lines[i][0], ==, ' ');
	    g_string_append (logical, lines[i] + 1);
	}
    }
    return g_string_free (g_steal_pointer (&logical), FALSE);
}

static void
test_fold (void)
{
    static const char *const pieces[] = { "a", "é", "€", "𝄞", "Ж", "漢" };
    GRand *rand = g_rand_new_with_seed (75);

    for (int round = 0; round < 2000; round++) {
	g_autoptr (GString) line = g_string_new ("FN:");
	g_autoptr (GString) out = g_string_new (NULL);
	g_autofree char *back = NULL;
	int len = g_rand_int_range (rand, 0, 400);

	for (int i = 0; i < len; i++)
	    g_string_append (line, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
	kith_vcard_append_line (out, line->str);
	back = unfold_checked (out->str);
	g_assert_cmpstr (back, ==, line->str);
    }
    g_rand_free (rand);
}

static void
test_fold_exact (void)
{
    g_autoptr (GString) out = g_string_new (NULL);
    char line[151];

    memset (line, 'x', 150);
    line[150] = '\0';
    kith_vcard_append_line (out, line);
    /* 75 + " " 74 + " " 1 */
    g_assert_cmpuint (out->len, ==, 75 + 2 + 1 + 74 + 2 + 1 + 1 + 2);
    g_assert_true (strncmp (out->str + 75, "\r\n x", 4) == 0);
}

static void
check_split (const char *name, const char *family, const char *given, const char *additional,
	     const char *prefix, const char *suffix)
{
    char *parts[KITH_VCARD_N_PARTS];
    gboolean ok = kith_vcard_split_name (name, parts);

    g_assert_true (ok || ! *family);
    g_assert_cmpstr (parts[KITH_VCARD_FAMILY], ==, family);
    g_assert_cmpstr (parts[KITH_VCARD_GIVEN], ==, given);
    g_assert_cmpstr (parts[KITH_VCARD_ADDITIONAL], ==, additional);
    g_assert_cmpstr (parts[KITH_VCARD_PREFIX], ==, prefix);
    g_assert_cmpstr (parts[KITH_VCARD_SUFFIX], ==, suffix);
    for (int i = 0; i < KITH_VCARD_N_PARTS; i++)
	g_free (parts[i]);
}

static void
test_split_name (void)
{
    char *parts[KITH_VCARD_N_PARTS];

    check_split ("Jürgen Müller", "Müller", "Jürgen", "", "", "");
    check_split ("Müller, Jürgen", "Müller", "Jürgen", "", "", "");
    check_split ("Smith, John Paul", "Smith", "John", "Paul", "", "");
    check_split ("John Ronald Reuel Tolkien", "Tolkien", "John", "Ronald Reuel", "", "");
    check_split ("Dr. Jane Doe, Jr.", "Doe", "Jane", "", "Dr.", "Jr.");
    check_split ("Prof. Dr. Hans Meier", "Meier", "Hans", "", "Prof. Dr.", "");
    check_split ("Ludwig van Beethoven", "van Beethoven", "Ludwig", "", "", "");
    check_split ("Jan van der Berg", "van der Berg", "Jan", "", "", "");
    check_split ("\"Olivia Stewart\"", "Stewart", "Olivia", "", "", "");
    check_split ("'Bob O'Brien'", "O'Brien", "Bob", "", "", "");
    check_split ("Alice Liddell (Wonderland Inc.)", "Liddell", "Alice", "", "", "");
    check_split ("Сергей Иванов", "Иванов", "Сергей", "", "", "");
    check_split ("Plato", "", "Plato", "", "", "");
    check_split ("Jr.", "", "Jr.", "", "", "");
    check_split ("alice@example.org", "", "", "", "", "");
    g_assert_false (kith_vcard_split_name ("alice@example.org", parts));
    for (int i = 0; i < KITH_VCARD_N_PARTS; i++)
	g_free (parts[i]);
    g_assert_false (kith_vcard_split_name (NULL, parts));
    for (int i = 0; i < KITH_VCARD_N_PARTS; i++)
	g_free (parts[i]);
    g_assert_false (kith_vcard_split_name (" ; , ", parts));
    for (int i = 0; i < KITH_VCARD_N_PARTS; i++)
	g_free (parts[i]);
}

static void
test_uid (void)
{
    /* python3 -c 'import uuid; print (uuid.uuid5 (uuid.NAMESPACE_URL, "mailto:alice@example.org"))' */
    g_autofree char *alice = kith_vcard_uid ("alice@example.org");
    g_autofree char *bob = kith_vcard_uid ("bob@example.com");

    g_assert_cmpstr (alice, ==, "urn:uuid:3ae999cd-2c05-5ccd-bde3-c40b035252c9");
    g_assert_cmpstr (bob, ==, "urn:uuid:b1c51b78-4720-546f-b8b4-b7d925d6b1b9");
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/vcard/escape", test_escape);
    g_test_add_func ("/vcard/fold-random-utf8", test_fold);
    g_test_add_func ("/vcard/fold-exact", test_fold_exact);
    g_test_add_func ("/vcard/split-name", test_split_name);
    g_test_add_func ("/vcard/uid", test_uid);
    return g_test_run ();
}
