/* fuzz-request-match.c - the built-in request rules on hostile messages
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The built-in rules are loaded once ($XDG_CONFIG_HOME is an empty
 * temporary directory, so no user rules; the fuzz build points
 * KITH_SYSCONF_RULES at a file that does not exist), then each input
 * is matched as a whole message with _kith_rules_match_data.  A
 * request must have the shape kith-private.h and rules.c promise.
 */

#include <glib/gstdio.h>

#include "fuzz-common.h"

static _kith_rules_t *rules;
static char *config_home;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
cleanup (void)
{
    _kith_rules_free (rules);
    if (config_home) {
	g_rmdir (config_home);
	g_free (config_home);
    }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    GError *error = NULL;

    fuzz_setup ();
    /* Before GLib first reads it (g_get_user_config_dir caches). */
    config_home = g_dir_make_tmp ("kith-fuzz-XXXXXX", &error);
    if (config_home == NULL) {
	fprintf (stderr, "cannot make a temporary directory: %s\n", error->message);
	abort ();
    }
    g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
    rules = _kith_rules_load (NULL, &error);
    if (rules == NULL) {
	fprintf (stderr, "cannot load the built-in rules: %s\n", error->message);
	abort ();
    }
    atexit (cleanup);
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    _kith_request_t *request;

    if (size > FUZZ_MAX_INPUT)
	return 0;
    request = _kith_rules_match_data (rules, (const char *) data, size);
    if (request == NULL)
	return 0;
    FUZZ_CHECK (request->rule != NULL && fuzz_is_clean (request->rule));
    /* A bulk rule (a newsletter's template) names no platform; every
     * other rule does. */
    if (request->bulk)
	FUZZ_CHECK (request->platform == NULL || fuzz_is_clean (request->platform));
    else
	FUZZ_CHECK (request->platform != NULL && fuzz_is_clean (request->platform));
    if (request->person) {
	size_t len = strlen (request->person);

	FUZZ_CHECK_STR (fuzz_is_clean (request->person), request->person, NULL);
	FUZZ_CHECK (len > 0 && len <= 256);
	FUZZ_CHECK (request->person[0] != ' ' && request->person[len - 1] != ' ');
	FUZZ_CHECK (request->login == NULL ||
		    g_ascii_strcasecmp (request->person, request->login) != 0);
    }
    if (request->login) {
	size_t len = strlen (request->login);

	FUZZ_CHECK (len > 0 && len <= 100);
	FUZZ_CHECK (strspn (request->login, "abcdefghijklmnopqrstuvwxyz"
					    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == len);
    }
    if (request->person_address)
	FUZZ_CHECK_STR (fuzz_is_normalised_address (request->person_address),
			request->person_address, NULL);
    _kith_request_free (request);
    return 0;
}
