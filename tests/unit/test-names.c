/* test-names.c - unit tests of plugin/names.c: folding display names
 * and splitting them into sorted words, for matching people by name.
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "kith-private.h"

#define RANDOM_SEED 4242
#define RANDOM_ITERATIONS 10000

/* ------------------------------------------------------------------ */
/* Helpers */

static void
check_fold (const char *name, const char *expected)
{
    g_autofree char *folded = _kith_name_fold (name);

    g_assert_cmpstr (folded, ==, expected);
}

typedef struct {
    const char *name;
    const char *folded;
} fold_case_t;

/* Each case's name folds to its folded. */
static void
check_folds (const fold_case_t *cases, gsize n)
{
    for (gsize i = 0; i < n; i++)
	check_fold (cases[i].name, cases[i].folded);
}

/* FOLDED is what _kith_name_fold may return: valid UTF-8, only letters,
 * digits and single spaces between words (none at either end), no
 * accents or other combining marks. */
static void
assert_folded_shape (const char *folded)
{
    gsize len;

    g_assert_nonnull (folded);
    g_assert_true (g_utf8_validate (folded, -1, NULL));
    len = strlen (folded);
    if (len > 0) {
	g_assert_cmpint (folded[0], !=, ' ');
	g_assert_cmpint (folded[len - 1], !=, ' ');
    }
    g_assert_null (strstr (folded, "  "));
    for (const char *p = folded; *p; p = g_utf8_next_char (p)) {
	gunichar c = g_utf8_get_char (p);
	GUnicodeType type = g_unichar_type (c);

	g_assert_false (g_unichar_iscntrl (c));
	/* Latin/Greek/Cyrillic diacritics are dropped; other marks
	 * (kana voicing, Indic vowel signs) carry meaning and stay. */
	g_assert_false (c >= 0x0300 && c <= 0x036F);
	g_assert_false (c >= 0x1DC0 && c <= 0x1DFF);
	if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_SPACING_MARK ||
	    type == G_UNICODE_ENCLOSING_MARK)
	    continue;
	g_assert_true (c == ' ' || g_unichar_isalnum (c));
    }
}

/* The words of the folded NAME, joined by "|". */
static char *
words_of (const char *name)
{
    g_autofree char *folded = _kith_name_fold (name);
    g_auto (GStrv) words = _kith_name_words (folded);

    return g_strjoinv ("|", words);
}

/* ------------------------------------------------------------------ */
/* _kith_name_fold */

/* Indic vowel signs are marks, but not accents: they stay. */
static void
test_fold_indic (void)
{
    g_autofree char *a = _kith_name_fold ("नमिता");
    g_autofree char *b = _kith_name_fold ("नमता");

    g_assert_cmpstr (a, !=, b);
    assert_folded_shape (a);
}

static void
test_fold_accents (void)
{
    check_fold ("Müller, Jürgen", "muller jurgen");
    check_fold ("ZOË", "zoe");
    check_fold ("Zoë", "zoe");
    check_fold ("José García", "jose garcia");
    check_fold ("François Lefèvre", "francois lefevre");
    check_fold ("Ångström", "angstrom");
    check_fold ("Dvořák", "dvorak");
    check_fold ("Łukasz", "lukasz"); /* Ł has no decomposition: letter_folds */
    /* decomposed input folds like precomposed input */
    check_fold ("Zoe\xcc\x88", "zoe");
    check_fold ("M\x75\xcc\x88ller", "muller");
}

static void
test_fold_case (void)
{
    check_fold ("ALICE LIDDELL", "alice liddell");
    check_fold ("alice liddell", "alice liddell");
    check_fold ("StraßE", "strasse");
    check_fold ("STRASSE", "strasse");
    check_fold ("ẞ", "ss"); /* capital sharp s */
    /* Greek: capital, small and final sigma fold alike */
    {
	g_autofree char *a = _kith_name_fold ("ΣΩΚΡΆΤΗΣ");
	g_autofree char *b = _kith_name_fold ("Σωκράτης");
	g_assert_cmpstr (a, ==, b);
	g_assert_cmpstr (a, ==, "σωκρατησ");
    }
    check_fold ("ИВАН Петров", "иван петров");
}

static void
test_fold_punctuation (void)
{
    check_fold ("O'Brien", "obrien");
    check_fold ("O’Brien", "obrien"); /* U+2019 apostrophe */
    check_fold ("OBrien", "obrien");
    check_fold ("Smith-Jones, Dr. Mary", "smith jones dr mary");
    check_fold ("\"Bob\" (work)", "bob work");
    check_fold ("Anna_Maria", "anna maria");
    check_fold ("R2-D2", "r2 d2");
    check_fold ("Anna \xf0\x9f\x99\x82", "anna"); /* an emoji is not a letter */
}

static void
test_fold_space (void)
{
    check_fold ("  Anna   Maria  ", "anna maria");
    check_fold ("Anna\tMaria\nSmith\r", "anna maria smith");
    check_fold ("Anna\xc2\xa0Maria", "anna maria");     /* no-break space */
    check_fold ("Anna\xe3\x80\x80Maria", "anna maria"); /* ideographic space */
    check_fold ("", "");
    check_fold ("   ", "");
    check_fold ("--- ,,, ...", "");
}

/* NFC of the folded NAME (NFKD splits Hangul syllables into jamo). */
static char *
fold_nfc (const char *name)
{
    g_autofree char *folded = _kith_name_fold (name);

    return g_utf8_normalize (folded, -1, G_NORMALIZE_NFC);
}

static void
test_fold_cjk (void)
{
    check_fold ("山田 太郎", "山田 太郎");
    check_fold ("王小明", "王小明");
    check_fold ("Yamada 山田", "yamada 山田");
    check_fold ("タナカ", "タナカ");
    {
	/* Hangul is kept (up to normalisation) */
	g_autofree char *hangul = fold_nfc ("김민준");
	g_autofree char *jamo = g_utf8_normalize ("김민준", -1, G_NORMALIZE_NFD);
	g_autofree char *from_jamo = fold_nfc (jamo);
	g_assert_cmpstr (hangul, ==, "김민준");
	g_assert_cmpstr (from_jamo, ==, "김민준");
    }
}

/* The kana voicing marks (dakuten, handakuten) are not accents: they
 * make another syllable, so "Yamada" and "Yamata" are different names. */
static void
test_fold_kana_voicing (void)
{
    g_autofree char *yamada = fold_nfc ("やまだ");
    g_autofree char *yamata = fold_nfc ("やまた");
    g_autofree char *gundam = fold_nfc ("ガンダム");
    g_autofree char *pan = fold_nfc ("パン");

    g_assert_cmpstr (yamada, ==, "やまだ");
    g_assert_cmpstr (yamada, !=, yamata);
    g_assert_cmpstr (gundam, ==, "ガンダム");
    g_assert_cmpstr (pan, ==, "パン");
}

static void
test_fold_compatibility (void)
{
    check_fold ("ＡＢＣ", "abc");            /* full-width */
    check_fold ("\xef\xac\x81lip", "filip"); /* the fi ligature */
    check_fold ("Ⅻ", "xii");                 /* roman numeral twelve */
}

/* Latin letters with no Unicode decomposition (stroke, bar, hook,
 * ligatures, ...) are spelled plain, one table per language. */
static void
test_fold_polish (void)
{
    static const fold_case_t cases[] = {
	{ "Łukasz Kowalski", "lukasz kowalski" },
	{ "ŁUKASZ KOWALSKI", "lukasz kowalski" },
	{ "Żółć", "zolc" },
	{ "Michał Wałęsa", "michal walesa" },
	{ "Łódź", "lodz" },
    };

    check_folds (cases, G_N_ELEMENTS (cases));
}

static void
test_fold_norwegian_danish (void)
{
    static const fold_case_t cases[] = {
	{ "Ørjan Lindstrøm", "orjan lindstrom" },
	{ "ØRJAN LINDSTRØM", "orjan lindstrom" },
	{ "Æsa Bjørnsdóttir", "aesa bjornsdottir" },
	{ "Søren Kierkegård", "soren kierkegard" },
	{ "Ǿsterbø", "osterbo" }, /* Ǿ is Ø + acute */
	{ "Ǽrø", "aero" },        /* Ǽ is Æ + acute */
    };

    check_folds (cases, G_N_ELEMENTS (cases));
}

static void
test_fold_icelandic (void)
{
    static const fold_case_t cases[] = {
	{ "Þórður Ðaníelsson", "thordur danielsson" },
	{ "ÞÓRÐUR ÐANÍELSSON", "thordur danielsson" },
	{ "Guðrún Þorsteinsdóttir", "gudrun thorsteinsdottir" },
    };

    check_folds (cases, G_N_ELEMENTS (cases));
}

static void
test_fold_croatian_serbian (void)
{
    static const fold_case_t cases[] = {
	{ "Đorđe Đoković", "dorde dokovic" },
	{ "ĐORĐE ĐOKOVIĆ", "dorde dokovic" },
	{ "Željko Šimić", "zeljko simic" },
    };

    check_folds (cases, G_N_ELEMENTS (cases));
}

static void
test_fold_maltese (void)
{
    static const fold_case_t cases[] = {
	{ "Ħal Saflieni", "hal saflieni" },
	{ "ħal", "hal" },
	{ "Ġorġ Żammit", "gorg zammit" },
    };

    check_folds (cases, G_N_ELEMENTS (cases));
}

static void
test_fold_turkish (void)
{
    static const fold_case_t cases[] = {
	{ "Işıl Yılmaz", "isil yilmaz" },
	{ "IŞIL YILMAZ", "isil yilmaz" },
	{ "İstanbul", "istanbul" }, /* not "i" + combining dot */
	{ "İSTANBUL", "istanbul" },
	{ "Ağaoğlu Çelik", "agaoglu celik" },
    };

    check_folds (cases, G_N_ELEMENTS (cases));
}

static void
test_fold_french (void)
{
    static const fold_case_t cases[] = {
	{ "Œuvre", "oeuvre" },
	{ "Cœur de Lion", "coeur de lion" },
	{ "Lætitia Cœurdevey", "laetitia coeurdevey" },
	{ "ŒDIPE", "oedipe" },
    };

    check_folds (cases, G_N_ELEMENTS (cases));
}

static void
test_fold_german (void)
{
    static const fold_case_t cases[] = {
	{ "Straße", "strasse" },
	{ "STRAẞE", "strasse" }, /* capital sharp s */
	{ "ẞ", "ss" },
	{ "Weiß, Jürgen", "weiss jurgen" },
	{ "Meſſer", "messer" }, /* long s */
    };

    check_folds (cases, G_N_ELEMENTS (cases));
}

static void
test_fold_sami (void)
{
    static const fold_case_t cases[] = {
	{ "Ŋuolga Ŧiina", "nuolga tiina" },
	{ "ŋuolga ŧiina", "nuolga tiina" },
	{ "Áŋŋel Đuolgá", "annel duolga" },
	{ "Ǥuoǥǥ", "guogg" }, /* Skolt Sámi */
    };

    check_folds (cases, G_N_ELEMENTS (cases));
}

static void
test_fold_catalan (void)
{
    check_fold ("Coŀlell", "collell"); /* ŀ, not l + middle dot */
    check_fold ("COĿLELL", "collell");
}

static void
test_fold_african (void)
{
    static const fold_case_t cases[] = {
	{ "Ɓello Ɗanjuma", "bello danjuma" }, /* Hausa */
	{ "ɓello ɗanjuma", "bello danjuma" },
	{ "Ƙano Ƴar'adua", "kano yaradua" },
	{ "Ɖoɖo Ƒiaƒe", "dodo fiafe" }, /* Ewe */
    };

    check_folds (cases, G_N_ELEMENTS (cases));
}

/* Every letter of letter_folds, small and capital. */
static void
test_fold_plain_letters (void)
{
    static const fold_case_t cases[] = {
	{ "ø ł đ ħ ı æ œ ß þ ð ŧ ŀ ĸ ŋ ſ ƒ ɨ ʉ ǥ ƀ ɍ ȼ ɇ ɉ",
	  "o l d h i ae oe ss th d t l k n s f i u g b r c e j" },
	{ "Ø Ł Đ Ħ I Æ Œ ẞ Þ Ð Ŧ Ŀ Ŋ Ƒ Ɨ Ʉ Ǥ Ƀ Ɍ Ȼ Ɇ Ɉ",
	  "o l d h i ae oe ss th d t l n f i u g b r c e j" },
	{ "Ɓ ɓ Ɗ ɗ Ɖ ɖ Ƙ ƙ Ƴ ƴ Ƶ ƶ Ɏ ɏ", "b b d d d d k k y y z z y y" },
	{ "Ǿ ǿ Ǣ ǣ Ǽ ǽ", "o o ae ae ae ae" },
    };

    check_folds (cases, G_N_ELEMENTS (cases));
}

/* Other scripts keep their letters: only case and accents fold. */
static void
test_fold_other_scripts (void)
{
    static const fold_case_t cases[] = {
	{ "Αλέξανδρος Παπαδόπουλος", "αλεξανδροσ παπαδοπουλοσ" },
	{ "ΑΛΈΞΑΝΔΡΟΣ", "αλεξανδροσ" },
	{ "Дмитрий Шостакович", "дмитрии шостакович" }, /* й is и + breve */
	{ "ЁЛКИН", "елкин" },
	{ "Ђорђе Ђоковић", "ђорђе ђоковић" }, /* Serbian Cyrillic ђ, ћ stay */
	{ "Љубица Њежић", "љубица њежић" },
	{ "李小龍", "李小龍" },
	{ "渡辺 健", "渡辺 健" },
	{ "محمد", "محمد" },
	{ "דוד", "דוד" },
    };

    check_folds (cases, G_N_ELEMENTS (cases));
}

/* Names sorted by their fold (as who --sort=name does). */
static int
compare_folded (gconstpointer a, gconstpointer b)
{
    g_autofree char *x = _kith_name_fold (*(const char *const *) a);
    g_autofree char *y = _kith_name_fold (*(const char *const *) b);

    return strcmp (x, y);
}

static void
test_fold_sort (void)
{
    const char *names[] = {
	"Zygmunt",
	"Peter",
	"Ørjan",
	"Maria",
	"Łukasz",
	"Olga",
	"Lena",
	"Þóra",
	"Ðaníel",
	"Anna",
    };
    static const char *const sorted[] = {
	"Anna",
	"Ðaníel",
	"Lena",
	"Łukasz",
	"Maria",
	"Olga",
	"Ørjan",
	"Peter",
	"Þóra",
	"Zygmunt",
    };

    qsort (names, G_N_ELEMENTS (names), sizeof (names[0]), compare_folded);
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
	g_assert_cmpstr (names[i], ==, sorted[i]);
}

static void
test_fold_null (void)
{
    g_assert_null (_kith_name_fold (NULL));
}

/* Invalid UTF-8 must not crash and must give valid UTF-8. */
static void
test_fold_invalid_utf8 (void)
{
    static const char *const inputs[] = {
	"Jos\351 Garc\355a", /* Latin-1 é, í */
	"\xff\xfe\xfd",
	"M\xc3",                    /* truncated sequence */
	"A\300\257B",               /* overlong '/' */
	"\xed\xa0\x80 surrogate",   /* UTF-16 surrogate */
	"\xf4\x90\x80\x80 too big", /* beyond U+10FFFF */
	"\x80\x80\x80",             /* lone continuation bytes */
    };

    for (guint i = 0; i < G_N_ELEMENTS (inputs); i++) {
	g_autofree char *folded = _kith_name_fold (inputs[i]);
	assert_folded_shape (folded);
    }
    {
	g_autofree char *folded = _kith_name_fold ("Jos\351 Garc\355a");
	/* what is valid survives */
	g_assert_nonnull (strstr (folded, "jos"));
	g_assert_nonnull (strstr (folded, "garc"));
    }
    {
	g_autofree char *folded = _kith_name_fold ("A\300\257B");
	g_assert_nonnull (strchr (folded, 'a'));
	g_assert_nonnull (strchr (folded, 'b'));
    }
}

/* Folding a folded name changes nothing. */
static void
test_fold_idempotent (void)
{
    static const char *const names[] = {
	"Müller, Jürgen",
	"ZOË",
	"O'Brien",
	"山田 太郎",
	"StraßE",
	"ΣΩΚΡΆΤΗΣ",
	"ＡＢＣ",
	"\xef\xac\x81lip",
	"Smith-Jones, Dr. Mary",
	"Jos\351 Garc\355a",
	"ᾳ",
	"İstanbul",
	"Ǆemal",
	"ǅ",
	"ﬀ",
	"Ⅻ",
	"Łukasz Ørjan",
	"Þórður Ðaníelsson",
	"Işıl",
	"Œuvre",
	"STRAẞE",
	"Coŀlell",
	"Ǿsterbø",
    };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
	g_autofree char *once = _kith_name_fold (names[i]);
	g_autofree char *twice = _kith_name_fold (once);
	g_assert_cmpstr (once, ==, twice);
	assert_folded_shape (once);
    }
}

/* Random byte strings and random code points: never a crash, always
 * the shape of a folded name. */
static void
test_fold_random (void)
{
    static const gunichar ranges[][2] = {
	{ 0x20, 0x7e },
	{ 0xa0, 0x24f },
	{ 0x300, 0x36f },
	{ 0x370, 0x52f },
	{ 0x1e00, 0x1fff },
	{ 0x2000, 0x206f },
	{ 0x2150, 0x218f },
	{ 0x3000, 0x30ff },
	{ 0x4e00, 0x4fff },
	{ 0xac00, 0xacff },
	{ 0xfb00, 0xfb4f },
	{ 0xff00, 0xffef },
	{ 0x1f300, 0x1f64f },
    };
    GRand *rand = g_rand_new_with_seed (RANDOM_SEED);

    for (int i = 0; i < RANDOM_ITERATIONS; i++) {
	g_autoptr (GString) s = g_string_new (NULL);
	int len = g_rand_int_range (rand, 0, 24);
	g_autofree char *folded = NULL;

	if (i % 2 == 0) {
	    for (int k = 0; k < len; k++)
		g_string_append_c (s, (char) g_rand_int_range (rand, 1, 256));
	} else {
	    for (int k = 0; k < len; k++) {
		const gunichar *r = ranges[g_rand_int_range (rand, 0, G_N_ELEMENTS (ranges))];
		g_string_append_unichar (s, (gunichar) g_rand_int_range (rand, (gint32) r[0], (gint32) r[1] + 1));
	    }
	}
	folded = _kith_name_fold (s->str);
	assert_folded_shape (folded);
	if (g_test_failed ()) {
	    g_autofree char *escaped = g_strescape (s->str, NULL);
	    g_test_message ("input \"%s\"", escaped);
	    break;
	}
    }
    g_rand_free (rand);
}

/* ------------------------------------------------------------------ */
/* _kith_name_words */

static void
test_words_sorted (void)
{
    g_auto (GStrv) words = _kith_name_words ("muller jurgen");

    g_assert_cmpuint (g_strv_length (words), ==, 2);
    g_assert_cmpstr (words[0], ==, "jurgen");
    g_assert_cmpstr (words[1], ==, "muller");
}

static void
test_words_last_first (void)
{
    g_autofree char *a = words_of ("Müller, Jürgen");
    g_autofree char *b = words_of ("Jürgen Müller");
    g_autofree char *c = words_of ("JÜRGEN MUELLER");
    g_autofree char *d = words_of ("Liddell, Alice P.");
    g_autofree char *e = words_of ("Alice P. Liddell");

    g_assert_cmpstr (a, ==, "jurgen|muller");
    g_assert_cmpstr (a, ==, b);
    g_assert_cmpstr (c, ==, "jurgen|mueller"); /* spelled differently: another name */
    g_assert_cmpstr (d, ==, "alice|liddell|p");
    g_assert_cmpstr (d, ==, e);
}

static void
test_words_plain_letters (void)
{
    g_autofree char *a = words_of ("Lindstrøm, Ørjan");
    g_autofree char *b = words_of ("Orjan Lindstrom");
    g_autofree char *c = words_of ("Kowalski, Łukasz");

    g_assert_cmpstr (a, ==, "lindstrom|orjan");
    g_assert_cmpstr (a, ==, b);
    g_assert_cmpstr (c, ==, "kowalski|lukasz");
}

static void
test_words_empty (void)
{
    g_auto (GStrv) none = _kith_name_words (NULL);
    g_auto (GStrv) empty = _kith_name_words ("");
    g_auto (GStrv) spaces = _kith_name_words ("   ");
    g_auto (GStrv) gaps = _kith_name_words (" b  a ");

    g_assert_nonnull (none);
    g_assert_null (none[0]);
    g_assert_nonnull (empty);
    g_assert_null (empty[0]);
    g_assert_nonnull (spaces);
    g_assert_null (spaces[0]);
    g_assert_cmpuint (g_strv_length (gaps), ==, 2);
    g_assert_cmpstr (gaps[0], ==, "a");
    g_assert_cmpstr (gaps[1], ==, "b");
}

static void
test_words_duplicates (void)
{
    g_auto (GStrv) words = _kith_name_words ("anna maria anna");

    g_assert_cmpuint (g_strv_length (words), ==, 3);
    g_assert_cmpstr (words[0], ==, "anna");
    g_assert_cmpstr (words[1], ==, "anna");
    g_assert_cmpstr (words[2], ==, "maria");
}

static void
test_words_cjk (void)
{
    g_autofree char *a = words_of ("山田 太郎");
    g_autofree char *b = words_of ("太郎 山田");

    g_assert_cmpstr (a, ==, b);
    g_assert_nonnull (strstr (a, "山田"));
    g_assert_nonnull (strstr (a, "太郎"));
}

/* Any order of the same words gives the same sorted list. */
static void
test_words_random_order (void)
{
    static const char *const pool[] = {
	"anna",
	"bob",
	"carla",
	"de",
	"van",
	"der",
	"berg",
	"o",
	"muller",
	"zoe",
	"山田",
	"σωκρατησ",
    };
    GRand *rand = g_rand_new_with_seed (RANDOM_SEED + 1);

    for (int i = 0; i < RANDOM_ITERATIONS; i++) {
	int n = g_rand_int_range (rand, 1, 6);
	const char *picked[6];
	g_autoptr (GString) forward = g_string_new (NULL);
	g_autoptr (GString) shuffled = g_string_new (NULL);
	g_auto (GStrv) a = NULL;
	g_auto (GStrv) b = NULL;

	for (int k = 0; k < n; k++)
	    picked[k] = pool[g_rand_int_range (rand, 0, G_N_ELEMENTS (pool))];
	for (int k = 0; k < n; k++)
	    g_string_append_printf (forward, "%s%s", k ? " " : "", picked[k]);
	for (int k = n - 1; k > 0; k--) {
	    int j = g_rand_int_range (rand, 0, k + 1);
	    const char *t = picked[k];
	    picked[k] = picked[j];
	    picked[j] = t;
	}
	for (int k = 0; k < n; k++)
	    g_string_append_printf (shuffled, "%s%s", k ? "  " : " ", picked[k]);

	a = _kith_name_words (forward->str);
	b = _kith_name_words (shuffled->str);
	g_assert_cmpuint (g_strv_length (a), ==, (guint) n);
	g_assert_true (g_strv_equal ((const char *const *) a, (const char *const *) b));
	for (int k = 1; k < n; k++)
	    g_assert_cmpint (strcmp (a[k - 1], a[k]), <=, 0);
	if (g_test_failed ())
	    break;
    }
    g_rand_free (rand);
}

/* WORDS joined with '|'; frees WORDS. */
static char *
joined_words (GPtrArray *words)
{
    char *text;

    g_ptr_array_add (words, NULL);
    text = g_strjoinv ("|", (char **) words->pdata);
    g_ptr_array_unref (words);
    return text;
}

static void
test_completion_words (void)
{
    g_autoptr (GPtrArray) names = g_ptr_array_new ();
    g_autoptr (GPtrArray) words = NULL;
    g_autofree char *text = NULL;

    g_ptr_array_add (names, "Jürgen Müller");
    g_ptr_array_add (names, "Müller, Jürgen");
    g_ptr_array_add (names, "Dr. J. O'Brien-Müller");
    words = _kith_completion_words ("jurgen.muller+kith@uni.example", names);
    text = joined_words (g_steal_pointer (&words));
    /* the address, then its local part's words, then each name's new
     * words, without repeats */
    g_assert_cmpstr (text, ==, "jurgen.muller+kith@uni.example|jurgen|muller|kith|dr|j|obrien");
}

static void
test_completion_words_plain_letters (void)
{
    g_autoptr (GPtrArray) names = g_ptr_array_new ();
    g_autoptr (GPtrArray) words = NULL;
    g_autofree char *text = NULL;

    g_ptr_array_add (names, "Łukasz Kowalski");
    g_ptr_array_add (names, "Ørjan Østergård");
    words = _kith_completion_words ("lukasz.kowalski@uni.example", names);
    text = joined_words (g_steal_pointer (&words));
    g_assert_cmpstr (text, ==, "lukasz.kowalski@uni.example|lukasz|kowalski|orjan|ostergard");
}

static void
test_completion_words_bare (void)
{
    g_autoptr (GPtrArray) words = _kith_completion_words ("x@y.example", NULL);
    g_autofree char *text = joined_words (g_steal_pointer (&words));

    g_assert_cmpstr (text, ==, "x@y.example|x");
}

/* The name an address spells, for a contact without a display name. */
static void
test_name_of_address (void)
{
    static const struct {
	const char *address, *name;
    } cases[] = {
	{ "jennifer.mcquade@enron.com", "jennifer mcquade" },
	{ "a..shankman@enron.com", "a shankman" },
	{ "j.mueller@firma.example", "j mueller" },
	{ "Anne_Marie-Dupont@x.example", "Anne Marie Dupont" },
	{ "ann.lee+lists@x.example", "ann lee" },
	{ "jürgen.müller@x.example", "jürgen müller" },
	{ "jmcquade@enron.com", NULL }, /* one part */
	{ "info@x.example", NULL },
	{ "j2.doe@x.example", NULL }, /* not all letters */
	{ "a.b@x.example", NULL },    /* initials only */
	{ ".@x.example", NULL },
	{ "@x.example", NULL },
	{ "nodomain", NULL },
	{ "", NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
	g_autofree char *name = _kith_name_of_address (cases[i].address);
	g_assert_cmpstr (name, ==, cases[i].name);
    }
    g_assert_null (_kith_name_of_address (NULL));
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_set_nonfatal_assertions ();

    g_test_add_func ("/names/fold/accents", test_fold_accents);
    g_test_add_func ("/names/fold/case", test_fold_case);
    g_test_add_func ("/names/fold/punctuation", test_fold_punctuation);
    g_test_add_func ("/names/fold/space", test_fold_space);
    g_test_add_func ("/names/fold/cjk", test_fold_cjk);
    g_test_add_func ("/names/fold/kana-voicing", test_fold_kana_voicing);
    g_test_add_func ("/names/fold/compatibility", test_fold_compatibility);
    g_test_add_func ("/names/fold/polish", test_fold_polish);
    g_test_add_func ("/names/fold/norwegian-danish", test_fold_norwegian_danish);
    g_test_add_func ("/names/fold/icelandic", test_fold_icelandic);
    g_test_add_func ("/names/fold/croatian-serbian", test_fold_croatian_serbian);
    g_test_add_func ("/names/fold/maltese", test_fold_maltese);
    g_test_add_func ("/names/fold/turkish", test_fold_turkish);
    g_test_add_func ("/names/fold/french", test_fold_french);
    g_test_add_func ("/names/fold/german", test_fold_german);
    g_test_add_func ("/names/fold/sami", test_fold_sami);
    g_test_add_func ("/names/fold/catalan", test_fold_catalan);
    g_test_add_func ("/names/fold/african", test_fold_african);
    g_test_add_func ("/names/fold/plain-letters", test_fold_plain_letters);
    g_test_add_func ("/names/fold/other-scripts", test_fold_other_scripts);
    g_test_add_func ("/names/fold/sort", test_fold_sort);
    g_test_add_func ("/names/fold/null", test_fold_null);
    g_test_add_func ("/names/fold/invalid-utf8", test_fold_invalid_utf8);
    g_test_add_func ("/names/fold/idempotent", test_fold_idempotent);
    g_test_add_func ("/names/fold/random", test_fold_random);
    g_test_add_func ("/names/fold/indic", test_fold_indic);
    g_test_add_func ("/names/words/sorted", test_words_sorted);
    g_test_add_func ("/names/words/last-first", test_words_last_first);
    g_test_add_func ("/names/words/plain-letters", test_words_plain_letters);
    g_test_add_func ("/names/words/empty", test_words_empty);
    g_test_add_func ("/names/words/duplicates", test_words_duplicates);
    g_test_add_func ("/names/words/cjk", test_words_cjk);
    g_test_add_func ("/names/words/random-order", test_words_random_order);
    g_test_add_func ("/names/completion-words/names", test_completion_words);
    g_test_add_func ("/names/completion-words/plain-letters", test_completion_words_plain_letters);
    g_test_add_func ("/names/completion-words/bare", test_completion_words_bare);
    g_test_add_func ("/names/of-address", test_name_of_address);

    return g_test_run ();
}
