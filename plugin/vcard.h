/* vcard.h - vCard 4.0 (RFC 6350) output of notmuch-kith
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef KITH_VCARD_H
#define KITH_VCARD_H

#include <glib.h>

#include "kith.h"

/* The components of a structured name (the N property), in the order
 * RFC 6350 gives them.  Additional names, prefixes and suffixes may
 * hold several words, separated by single spaces. */
typedef enum {
    KITH_VCARD_FAMILY = 0,
    KITH_VCARD_GIVEN,
    KITH_VCARD_ADDITIONAL,
    KITH_VCARD_PREFIX,
    KITH_VCARD_SUFFIX,
    KITH_VCARD_N_PARTS
} kith_vcard_part_t;

/* Append TEXT to OUT escaped as a vCard text value: backslash, comma,
 * semicolon and newline become \\, \, \; and \n; other control
 * characters become spaces. */
void kith_vcard_escape (GString *out, const char *text);

/* Append the content line LINE (escaped, without line break) to OUT,
 * folded so that no line exceeds 75 octets and no UTF-8 sequence is
 * split, each line ending in CRLF. */
void kith_vcard_append_line (GString *out, const char *line);

/* Split a display name into PARTS (each a newly allocated string,
 * possibly empty): "Last, First" and "First Middle Last", with titles
 * (Dr., Prof.), suffixes (Jr., III) and family-name particles (van,
 * de).  Returns FALSE, leaving PARTS empty, when NAME has no words or
 * is an address. */
gboolean kith_vcard_split_name (const char *name, char *parts[KITH_VCARD_N_PARTS]);

/* The UID of the card of ADDRESS: a name-based (version 5) UUID of
 * "mailto:ADDRESS" in the URL namespace, as "urn:uuid:...". */
char *kith_vcard_uid (const char *address);

/* Append the card of CONTACT to OUT; REV is the time of the export. */
void kith_vcard_append_contact (GString *out, kith_contact_t *contact, time_t rev);

#endif
