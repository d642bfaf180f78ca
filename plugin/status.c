/* status.c - status codes, tiers and the GError bridge
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include "kith-private.h"

G_DEFINE_QUARK (kith-error-quark, _kith_error)

KITH_EXPORT const char *
kith_status_to_string (kith_status_t status)
{
    switch (status) {
    case KITH_STATUS_SUCCESS:
	return "No error occurred";
    case KITH_STATUS_OUT_OF_MEMORY:
	return "Out of memory";
    case KITH_STATUS_NULL_POINTER:
	return "Erroneous NULL pointer";
    case KITH_STATUS_BAD_ARGUMENT:
	return "Invalid argument";
    case KITH_STATUS_FILE_ERROR:
	return "Something went wrong trying to read or write a file";
    case KITH_STATUS_NO_CONFIG:
	return "No notmuch configuration found";
    case KITH_STATUS_NO_DATABASE:
	return "The notmuch database cannot be opened";
    case KITH_STATUS_NO_IDENTITY:
	return "Your own address is not configured";
    case KITH_STATUS_DATABASE_LOCKED:
	return "The notmuch database is locked by another process";
    case KITH_STATUS_NOTMUCH_ERROR:
	return "libnotmuch reported an error";
    case KITH_STATUS_STORE_ERROR:
	return "The kith store cannot be read or written";
    case KITH_STATUS_STORE_CORRUPT:
	return "The kith store is damaged or not a kith store";
    case KITH_STATUS_STORE_VERSION:
	return "The kith store was written by a newer kith";
    case KITH_STATUS_NOT_INDEXED:
	return "The kith store does not exist yet";
    case KITH_STATUS_UNKNOWN_CONTACT:
	return "No such contact";
    case KITH_STATUS_AMBIGUOUS_CONTACT:
	return "Several contacts match";
    case KITH_STATUS_LAST_STATUS:
	break;
    }
    return "Unknown error status value";
}

static const char *const tier_names[] = { "none", "weak", "known", "close" };

KITH_EXPORT const char *
kith_tier_to_string (kith_tier_t tier)
{
    if ((unsigned) tier >= G_N_ELEMENTS (tier_names))
	return NULL;
    return tier_names[tier];
}

KITH_EXPORT kith_status_t
kith_tier_from_string (const char *name, kith_tier_t *tier)
{
    if (name == NULL || tier == NULL)
	return KITH_STATUS_NULL_POINTER;
    for (unsigned i = 0; i < G_N_ELEMENTS (tier_names); i++) {
	if (g_ascii_strcasecmp (name, tier_names[i]) == 0) {
	    *tier = (kith_tier_t) i;
	    return KITH_STATUS_SUCCESS;
	}
    }
    return KITH_STATUS_BAD_ARGUMENT;
}

/* Convert ERROR to a status at the API boundary, handing its message to
 * the caller (malloc'ed, as notmuch does) when asked for. */
kith_status_t
_kith_status_from_error (const GError *error, char **error_message)
{
    kith_status_t status = KITH_STATUS_STORE_ERROR;

    if (error == NULL)
	return KITH_STATUS_SUCCESS;
    if (error->domain == KITH_ERROR && error->code > 0 &&
	error->code < KITH_STATUS_LAST_STATUS)
	status = (kith_status_t) error->code;
    else if (error->domain == G_FILE_ERROR)
	status = KITH_STATUS_FILE_ERROR;
    if (error_message)
	*error_message = strdup (error->message);
    return status;
}

/* For g_ptr_array_sort of strings: strcmp of the pointed-to char*. */
int
_kith_compare_strings (gconstpointer a, gconstpointer b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}
