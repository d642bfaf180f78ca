/* fuzz-address.c - _kith_address_normalise and _kith_address_is_noreply
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input (as a NUL-terminated string) is an address as it comes out
 * of GMime, i.e. anything.  A normalised address must be plausible
 * (see fuzz_is_normalised_address), and normalising it again must give
 * it back: the store keys people by it.
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
    (void) _kith_address_normalise (NULL);
    (void) _kith_address_is_noreply (NULL);
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    return size > FUZZ_MAX_INPUT ? 0 : check_input (data, size);
}
