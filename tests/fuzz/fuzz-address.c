/* fuzz-address.c - _kith_address_normalise, _kith_address_is_noreply
 * and _kith_name_of_address
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input (as a NUL-terminated string) is an address as it comes out
 * of GMime, i.e. anything.  A normalised address must be plausible
 * (see fuzz_is_normalised_address), and normalising it again must give
 * it back: the store keys people by it.  The name an address spells
 * is two or more runs of letters joined by single spaces, or none.
 */

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

FUZZ_DEFINE_INITIALIZE ()

static int
check_input (const uint8_t *data, size_t size)
{
    g_autofree char *input = fuzz_strndup (data, size);
    g_autofree char *address = _kith_address_normalise (input);

    /* On anything (the API wants a normalised address, but it must not
     * read out of bounds on others). */
    (void) _kith_address_is_noreply (input);

    if (address) {
	g_autofree char *again = _kith_address_normalise (address);

	FUZZ_CHECK_STR (fuzz_is_normalised_address (address), input, address);
	FUZZ_CHECK_STR (again != NULL && strcmp (again, address) == 0, address, again);
	/* Case does not matter to no-reply detection. */
	{
	    g_autofree char *upper = g_ascii_strup (address, -1);

	    FUZZ_CHECK_STR (_kith_address_is_noreply (address) ==
				_kith_address_is_noreply (upper),
			    address, upper);
	}
    }
    /* On anything, and on the normalised address. */
    for (int k = 0; k < 2; k++) {
	g_autofree char *spelled = _kith_name_of_address (k ? address : input);
	guint words = 1;

	if (spelled == NULL)
	    continue;
	FUZZ_CHECK_STR (g_utf8_validate (spelled, -1, NULL), input, spelled);
	FUZZ_CHECK_STR (spelled[0] != ' ' && strstr (spelled, "  ") == NULL, input, spelled);
	for (const char *p = spelled; *p; p = g_utf8_next_char (p)) {
	    gunichar c = g_utf8_get_char (p);
	    words += c == ' ';
	    FUZZ_CHECK_STR (c == ' ' || g_unichar_isalpha (c), input, spelled);
	}
	FUZZ_CHECK_STR (words >= 2 && spelled[strlen (spelled) - 1] != ' ', input, spelled);
    }
    (void) _kith_address_normalise (NULL);
    (void) _kith_address_is_noreply (NULL);
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    return size > FUZZ_MAX_INPUT ? 0 : check_input (data, size);
}
