/* fuzz-address-list.c - kith's tolerant address reader against GMime's
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is the raw value of an address header (To, Cc, From).  The
 * indexer reads it twice: with GMime, and tolerantly, for the mailboxes
 * GMime drops (k..allen@corp.example), and uses the tolerant reading
 * when it finds more (_kith_mime_read_address_list gives GMime's reading
 * and the one used).  Differential invariants:
 *
 *   - every address of either is a normalised one;
 *   - the reading used holds every address GMime found, as often as
 *     GMime found it: falling back never loses a person GMime could read
 *     (the first run of this target found three inputs where it did);
 *   - on a list GMime reads whole (a plain "Name <a@b>, c@d" list with
 *     dot-atom local parts, generated from the input), the reading used
 *     is GMime's: the same addresses in the same order.
 */

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

FUZZ_DEFINE_INITIALIZE ()

/* How many of the addresses in LIST equal ADDRESS. */
static guint
count (GPtrArray *list, const char *address)
{
    guint n = 0;

    for (guint i = 0; i < list->len; i++)
	n += strcmp (((_kith_addr_t *) list->pdata[i])->address, address) == 0;
    return n;
}

static void
check_readings (const char *raw)
{
    g_autoptr (GPtrArray) gmime = g_ptr_array_new_with_free_func ((GDestroyNotify) _kith_addr_free);
    g_autoptr (GPtrArray) used = g_ptr_array_new_with_free_func ((GDestroyNotify) _kith_addr_free);

    _kith_mime_read_address_list (raw, gmime, used);
    for (guint i = 0; i < gmime->len; i++)
	FUZZ_CHECK_STR (fuzz_is_normalised_address (((_kith_addr_t *) gmime->pdata[i])->address), raw,
			((_kith_addr_t *) gmime->pdata[i])->address);
    for (guint i = 0; i < used->len; i++)
	FUZZ_CHECK_STR (fuzz_is_normalised_address (((_kith_addr_t *) used->pdata[i])->address), raw,
			((_kith_addr_t *) used->pdata[i])->address);
    for (guint i = 0; i < gmime->len; i++) {
	const char *a = ((_kith_addr_t *) gmime->pdata[i])->address;
	FUZZ_CHECK_STR (count (used, a) >= count (gmime, a), raw, a);
    }
}

/* A plain address list made of the input's letters and digits: words
 * of [a-z0-9] joined by single dots as local parts and domains, some
 * with a display name.  GMime reads such lists whole, and so must the
 * tolerant reader, to the same addresses. */
static char *
plain_list (const uint8_t *data, size_t size)
{
    GString *out = g_string_new (NULL);
    size_t i = 0;

    for (int n = 0; n < 8 && i < size; n++) {
	char local[24], domain[24];
	size_t l = 0, d = 0;
	gboolean named = data[i++] & 1;

	while (i < size && l < sizeof (local) - 2) {
	    char c = "abcdefghijklmnopqrstuvwxyz0123456789."[data[i++] % 37];
	    if (c == '.' && (l == 0 || local[l - 1] == '.'))
		break;
	    local[l++] = c;
	}
	while (l > 0 && local[l - 1] == '.')
	    l--;
	while (i < size && d < sizeof (domain) - 2) {
	    char c = "abcdefghijklmnopqrstuvwxyz0123456789"[data[i++] % 36];
	    domain[d++] = c;
	    if (data[i - 1] & 0x80)
		break;
	}
	if (l == 0 || d == 0)
	    continue;
	local[l] = domain[d] = '\0';
	if (out->len)
	    g_string_append (out, ", ");
	if (named)
	    g_string_append_printf (out, "Person %d <%s@%s.example>", n, local, domain);
	else
	    g_string_append_printf (out, "%s@%s.example", local, domain);
    }
    return g_string_free (out, FALSE);
}

static int
check_input (const uint8_t *data, size_t size)
{
    g_autofree char *raw = fuzz_strndup (data, size);
    g_autofree char *plain = plain_list (data, size);

    check_readings (raw);
    {
	g_autoptr (GPtrArray) gmime = g_ptr_array_new_with_free_func ((GDestroyNotify) _kith_addr_free);
	g_autoptr (GPtrArray) used = g_ptr_array_new_with_free_func ((GDestroyNotify) _kith_addr_free);

	_kith_mime_read_address_list (plain, gmime, used);
	FUZZ_CHECK_STR (gmime->len == used->len, plain, "different counts");
	for (guint i = 0; i < gmime->len; i++)
	    FUZZ_CHECK_STR (strcmp (((_kith_addr_t *) gmime->pdata[i])->address,
				    ((_kith_addr_t *) used->pdata[i])->address) == 0,
			    ((_kith_addr_t *) gmime->pdata[i])->address,
			    ((_kith_addr_t *) used->pdata[i])->address);
    }
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    return size > FUZZ_MAX_INPUT ? 0 : check_input (data, size);
}
