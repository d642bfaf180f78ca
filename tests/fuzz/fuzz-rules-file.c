/* fuzz-rules-file.c - _kith_rules_load_data on hostile rules files
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a rules file.  Loading must never crash: it gives rules
 * or an error (never both, never neither).  Rules that load are then
 * matched against a few fixed messages, so that what the parser
 * accepted (header matchers without a regex, person regexes capturing
 * any group, odd globs) is exercised too.  The messages are parsed
 * once, in LLVMFuzzerInitialize, and matched with
 * _kith_rules_match_message: parsing them for every input took more
 * than half of each run.
 */

#include "fuzz-common.h"

static const char *const messages[] = {
    "From: Jane Doe via LinkedIn <invitations@linkedin.com>\n"
    "To: Carol Example <carol@example.org>\n"
    "Subject: Jane Doe wants to connect\n"
    "X-LinkedIn-Class: INVITATION\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "\n"
    "I'd like to join your LinkedIn network.\n"
    "Jane Doe\n",

    "From: GitHub <noreply@github.com>\n"
    "Subject: [GitHub] @octo-dev has invited you to join the @example-org organization\n"
    "X-GitHub-Sender: octo-dev\n"
    "X-GitHub-Sender: second\n"
    "Content-Type: multipart/alternative; boundary=b\n"
    "\n"
    "--b\n"
    "Content-Type: text/html; charset=ISO-8859-1\n"
    "\n"
    "<p>J&ouml;rg &amp; <b>Kim</b> invited you<br>&#x263a;</p><script>x</script>\n"
    "--b--\n",

    "From: Kim Lee <kim@example.net>\n"
    "Subject: Coffee\n"
    "Content-Type: text/calendar; method=REQUEST\n"
    "\n"
    "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nORGANIZER;CN=\"Lee, Kim\":mailto:kim@exa\r\n mple.net\r\nEND:VCALENDAR\r\n",
};


static GMimeMessage *parsed[G_N_ELEMENTS (messages)];

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
cleanup (void)
{
    for (gsize i = 0; i < G_N_ELEMENTS (parsed); i++)
	g_clear_object (&parsed[i]);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    fuzz_setup ();
    for (gsize i = 0; i < G_N_ELEMENTS (messages); i++) {
	g_autoptr (GMimeStream) stream =
	    g_mime_stream_mem_new_with_buffer (messages[i], strlen (messages[i]));
	g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);

	g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
	parsed[i] = g_mime_parser_construct_message (parser, NULL);
	if (parsed[i] == NULL) {
	    fprintf (stderr, "cannot parse fixed message %u\n", (unsigned) i);
	    abort ();
	}
    }
    atexit (cleanup);
    return 0;
}

static void
check_request (const _kith_request_t *request)
{
    FUZZ_CHECK (request->rule != NULL && fuzz_is_clean (request->rule));
    FUZZ_CHECK (request->platform != NULL && fuzz_is_clean (request->platform));
    if (request->person)
	FUZZ_CHECK (fuzz_is_clean (request->person) && strlen (request->person) <= 256);
    if (request->login)
	FUZZ_CHECK (fuzz_is_clean_word (request->login) && strlen (request->login) <= 100);
    if (request->person_address)
	FUZZ_CHECK (fuzz_is_normalised_address (request->person_address));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    GError *error = NULL;
    _kith_rules_t *rules;

    if (size > FUZZ_MAX_INPUT)
	return 0;
    rules = _kith_rules_load_data ((const char *) data, size, "fuzz.conf", &error);
    if (rules == NULL) {
	FUZZ_CHECK (error != NULL);
	FUZZ_CHECK (error->message != NULL);
	g_error_free (error);
	return 0;
    }
    FUZZ_CHECK (error == NULL);
    for (gsize i = 0; i < G_N_ELEMENTS (messages); i++) {
	_kith_request_t *request = _kith_rules_match_message (rules, parsed[i]);

	if (request) {
	    check_request (request);
	    _kith_request_free (request);
	}
    }
    _kith_rules_free (rules);
    return 0;
}
