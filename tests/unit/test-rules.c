/* test-rules.c - unit tests of plugin/rules.c: recognising requests
 * (LinkedIn invitations, calendar invitations, ...) and the person
 * behind them, and loading the rules files.
 *
 * The fixtures are in tests/fixtures/requests/, found relative to the
 * source tree: $KITH_SRCDIR (default ".", the repository root, where
 * the Makefile runs the tests).
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>
#include <glib/gstdio.h>

#include "kith-private.h"

#define RANDOM_SEED 4242
#define RANDOM_ITERATIONS 2000

/* ------------------------------------------------------------------ */
/* Helpers */

static char *
fixture_path (const char *name)
{
    const char *srcdir = g_getenv ("KITH_SRCDIR");

    return g_build_filename (srcdir && *srcdir ? srcdir : ".", "tests", "fixtures",
			     "requests", name, NULL);
}

/* The built-in rules (and nothing else: $XDG_CONFIG_HOME is a private
 * directory, see main). */
static _kith_rules_t *
default_rules (void)
{
    g_autoptr (GError) error = NULL;
    _kith_rules_t *rules = _kith_rules_load (NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (rules);
    return rules;
}

static _kith_rules_t *
rules_from (const char *text)
{
    g_autoptr (GError) error = NULL;
    _kith_rules_t *rules = _kith_rules_load_data (text, strlen (text), "test.conf", &error);

    g_assert_no_error (error);
    g_assert_nonnull (rules);
    return rules;
}

static _kith_request_t *
match_text (_kith_rules_t *rules, const char *text)
{
    return _kith_rules_match_data (rules, text, strlen (text));
}

/* A message from FROM with SUBJECT, EXTRA header lines (may be NULL)
 * and a text/plain BODY (may be NULL). */
static char *
message (const char *from, const char *subject, const char *extra, const char *body)
{
    return g_strdup_printf ("From: %s\n"
			    "To: Carol Example <carol@example.org>\n"
			    "Subject: %s\n"
			    "Date: Mon, 6 May 2024 10:00:00 +0000\n"
			    "Message-ID: <test@example.org>\n"
			    "%s"
			    "MIME-Version: 1.0\n"
			    "Content-Type: text/plain; charset=UTF-8\n"
			    "\n"
			    "%s",
			    from, subject, extra ? extra : "", body ? body : "Hello.\n");
}

/* Load the rules from TEXT, expecting an error whose message contains
 * each of the NULL-terminated strings after CODE. */
static void
expect_load_error (const char *text, int code, ...)
{
    g_autoptr (GError) error = NULL;
    g_autoptr (_kith_rules_t) rules = NULL;
    const char *part;
    va_list args;

    rules = _kith_rules_load_data (text, strlen (text), "my-rules.conf", &error);
    g_assert_null (rules);
    g_assert_error (error, KITH_ERROR, code);
    g_test_message ("%s", error->message);
    va_start (args, code);
    while ((part = va_arg (args, const char *)))
	g_assert_nonnull (strstr (error->message, part));
    va_end (args);
}

static void
write_file (const char *path, const char *text)
{
    g_autoptr (GError) error = NULL;

    g_file_set_contents (path, text, -1, &error);
    g_assert_no_error (error);
}

/* ------------------------------------------------------------------ */
/* The fixtures */

typedef struct {
    const char *file;
    const char *rule; /* NULL: not a request */
    const char *platform;
    const char *person;
    const char *login;
    const char *address;
    gboolean strangers_only;
    gboolean message; /* kind=message: a person writing, not a request */
} fixture_t;

static const fixture_t fixtures[] = {
    { "linkedin-invitation-via-linkedin.eml", "linkedin-invitation", "LinkedIn",
      "Jane Doe", NULL, NULL, FALSE },
    { "linkedin-invitation-last-first.eml", "linkedin-invitation", "LinkedIn",
      "Müller, Jürgen", NULL, NULL, FALSE },
    { "linkedin-invitation-member-2010.eml", "linkedin-invitation", "LinkedIn",
      "Priya Raman", NULL, NULL, FALSE },
    /* The subject's "Carol" is the recipient, not the person. */
    { "linkedin-please-add-me.eml", "linkedin-invitation", "LinkedIn",
      "Dmitri Volkov", NULL, NULL, FALSE },
    { "linkedin-reminder.eml", "linkedin-invitation", "LinkedIn",
      "Zoë Ångström", NULL, NULL, FALSE },
    { "linkedin-job-alert.eml", NULL, NULL, NULL, NULL, NULL, FALSE },
    { "linkedin-network-digest.eml", NULL, NULL, NULL, NULL, NULL, FALSE },
    { "linkedin-invitation-accepted.eml", NULL, NULL, NULL, NULL, NULL, FALSE },
    { "xing-contact-request-de.eml", "xing-contact-request", "XING",
      "Jörg Weiß", NULL, NULL, FALSE },
    { "facebook-friend-request.eml", "facebook-friend-request", "Facebook",
      "Sam Okafor", NULL, NULL, FALSE },
    { "facebook-new-friend-request.eml", "facebook-friend-request", "Facebook",
      "Léna Fischer", NULL, NULL, FALSE },
    { "meetup-invitation.eml", "meetup-invitation", "Meetup",
      "Marco Rossi", NULL, NULL, FALSE },
    { "github-org-invitation.eml", "github-invitation", "GitHub",
      "José Álvarez", "jalvarez", NULL, FALSE },
    { "github-repo-invitation.eml", "github-invitation", "GitHub",
      NULL, "bobsmith", NULL, FALSE },
    { "github-issue-comment.eml", NULL, NULL, NULL, NULL, NULL, FALSE },
    { "calendar-invitation-outlook.eml", "calendar-invitation", "Calendar",
      "Doe, Jane", NULL, "jane@corp.example", TRUE },
    { "calendar-invitation-ics-attachment.eml", "calendar-invitation", "Calendar",
      "Ravi Shankar", NULL, "ravi.shankar@example.org", TRUE },
    { "calendar-invitation-toplevel.eml", "calendar-invitation", "Calendar",
      NULL, NULL, "kim@example.net", TRUE },
    { "calendar-reply.eml", NULL, NULL, NULL, NULL, NULL, FALSE },
    { "personal-wants-to-connect.eml", NULL, NULL, NULL, NULL, NULL, FALSE },
    /* Issue 26: the formats of 2008 to 2026, one fixture each. */
    { "linkedin-join-network-2008.eml", "linkedin-invitation", "LinkedIn",
      "Kwame Mensah", NULL, NULL, FALSE },
    { "linkedin-invite-guest-2009.eml", "linkedin-invitation", "LinkedIn",
      "Tomás Ruiz", NULL, NULL, FALSE },
    { "linkedin-reminder-invited-you.eml", "linkedin-invitation", "LinkedIn",
      "Şebnem Yılmaz", NULL, NULL, FALSE },
    { "linkedin-i-want-to-connect.eml", "linkedin-invitation", "LinkedIn",
      "Aiyana Redcloud", NULL, NULL, FALSE },
    { "linkedin-connection-request-via.eml", "linkedin-invitation", "LinkedIn",
      "Nguyễn Thị Mai", NULL, NULL, FALSE },
    /* From "LinkedIn": the person is in the body, accents stripped. */
    { "linkedin-you-have-an-invitation.eml", "linkedin-invitation", "LinkedIn",
      "Francois Lefevre", NULL, NULL, FALSE },
    { "facebook-added-you-2008.eml", "facebook-friend-request", "Facebook",
      "Wei Zhang", NULL, NULL, FALSE },
    { "facebook-friend-request-de.eml", "facebook-friend-request", "Facebook",
      "Jürgen Weiß", NULL, NULL, FALSE },
    { "facebook-friend-request-fr.eml", "facebook-friend-request", "Facebook",
      "Amélie Dubois", NULL, NULL, FALSE },
    { "facebook-friend-request-es.eml", "facebook-friend-request", "Facebook",
      "José Núñez", NULL, NULL, FALSE },
    { "facebook-friend-request-pt.eml", "facebook-friend-request", "Facebook",
      "João Conceição", NULL, NULL, FALSE },
    { "facebook-friend-request-it.eml", "facebook-friend-request", "Facebook",
      "Giulia Ricci", NULL, NULL, FALSE },
    { "facebook-friend-request-ru.eml", "facebook-friend-request", "Facebook",
      "Ольга Смирнова", NULL, NULL, FALSE },
    { "facebook-friend-request-pl.eml", "facebook-friend-request", "Facebook",
      "Małgorzata Wójcik", NULL, NULL, FALSE },
    { "facebook-friend-request-tr.eml", "facebook-friend-request", "Facebook",
      "Çağlar Öztürk", NULL, NULL, FALSE },
    /* A subject no rule knows (Dutch): the header decides, the display
     * name is the person. */
    { "facebook-notify-friend-header.eml", "facebook-friend-request", "Facebook",
      "Pieter de Vries", NULL, NULL, FALSE },
    { "facebook-request-accepted-de.eml", NULL, NULL, NULL, NULL, NULL, FALSE },
    { "xing-contact-request-en.eml", "xing-contact-request", "XING",
      "Ingrid Bjørnstad", NULL, NULL, FALSE },
    { "xing-contact-request-vernetzen.eml", "xing-contact-request", "XING",
      "Stefan Koenig", NULL, NULL, FALSE },
    { "meetup-wants-to-connect.eml", "meetup-invitation", "Meetup",
      "Aiko Tanaka", NULL, NULL, FALSE },
    { "github-repo-collaborate.eml", "github-invitation", "GitHub",
      "Ngozi Eze", "ngozi-eze", NULL, FALSE },
    /* LinkedIn InMail and messages: a person writing, no request. */
    { "linkedin-inmail.eml", "linkedin-inmail", "LinkedIn", "Rahul Mehta", NULL, NULL,
      FALSE, TRUE },
    { "linkedin-message-notification.eml", "linkedin-message", "LinkedIn", "Sofía Herrera",
      NULL, NULL, FALSE, TRUE },
    /* Nobody behind it: the platform's own mail. */
    { "linkedin-messaging-digest.eml", NULL, NULL, NULL, NULL, NULL, FALSE },
};

static void
assert_request (const _kith_request_t *request, const fixture_t *f)
{
    if (f->rule == NULL) {
	g_assert_null (request);
	return;
    }
    g_assert_nonnull (request);
    g_assert_cmpstr (request->rule, ==, f->rule);
    g_assert_cmpstr (request->platform, ==, f->platform);
    g_assert_cmpstr (request->person, ==, f->person);
    g_assert_cmpstr (request->login, ==, f->login);
    g_assert_cmpstr (request->person_address, ==, f->address);
    g_assert_cmpint (request->strangers_only, ==, f->strangers_only);
    g_assert_cmpint (request->message, ==, f->message);
}

static void
test_fixture (gconstpointer data)
{
    const fixture_t *f = data;
    g_autoptr (_kith_rules_t) rules = default_rules ();
    g_autofree char *path = fixture_path (f->file);
    g_autofree char *contents = NULL;
    g_autoptr (GError) error = NULL;
    g_autoptr (_kith_request_t) request = NULL;
    g_autoptr (_kith_request_t) again = NULL;
    gsize len;

    request = _kith_rules_match_file (rules, path, &error);
    g_assert_no_error (error);
    assert_request (request, f);

    /* The same from memory. */
    g_assert_true (g_file_get_contents (path, &contents, &len, &error));
    again = _kith_rules_match_data (rules, contents, len);
    assert_request (again, f);
}

/* ------------------------------------------------------------------ */
/* Subject and sender forms, in memory */

typedef struct {
    const char *from;
    const char *subject;
    const char *extra;
    const char *body;
    const char *rule; /* NULL: not a request */
    const char *person;
    const char *login;
} form_t;

static const form_t forms[] = {
    /* LinkedIn, from "LinkedIn": the person comes from the subject. */
    { "LinkedIn <messages-noreply@linkedin.com>", "Reminder: Jane Doe wants to connect",
      NULL, NULL, "linkedin-invitation", "Jane Doe", NULL },
    { "LinkedIn <invitations@linkedin.com>", "Jane Doe has invited you to connect",
      NULL, NULL, "linkedin-invitation", "Jane Doe", NULL },
    { "LinkedIn <invitations@linkedin.com>", "Jane Doe would like to stay in touch",
      NULL, NULL, "linkedin-invitation", "Jane Doe", NULL },
    { "LinkedIn <invitations@linkedin.com>", "Invitation from Jane Doe",
      NULL, NULL, "linkedin-invitation", "Jane Doe", NULL },
    { "LinkedIn <invitations@linkedin.com>", "Invitation from Jane Doe on LinkedIn",
      NULL, NULL, "linkedin-invitation", "Jane Doe", NULL },
    { "LinkedIn <messages-noreply@linkedin.com>",
      "Reminder about your invitation from Jane Doe", NULL, NULL,
      "linkedin-invitation", "Jane Doe", NULL },
    /* The display name wins over the subject. */
    { "\"Jane Doe via LinkedIn\" <invitations@linkedin.com>",
      "Invitation to connect on LinkedIn", NULL, NULL, "linkedin-invitation",
      "Jane Doe", NULL },
    { "\"Jane Doe (via LinkedIn)\" <invitations@linkedin.com>",
      "Jane Doe wants to connect", NULL, NULL, "linkedin-invitation", "Jane Doe", NULL },
    { "\"'Jane   Doe'\" <member@linkedin.com>",
      "I'd like to add you to my professional network", NULL, NULL,
      "linkedin-invitation", "Jane Doe", NULL },
    { "Jane Doe <invitations@eu1.linkedin.com>", "Jane Doe wants to connect",
      NULL, NULL, "linkedin-invitation", "Jane Doe", NULL },
    /* Robot display names are rejected: the next source is tried. */
    { "LinkedIn Member <member@linkedin.com>", "Invitation from Jane Doe",
      NULL, NULL, "linkedin-invitation", "Jane Doe", NULL },
    /* No person anywhere: a request without a person. */
    { "LinkedIn <invitations@linkedin.com>", "Invitation to connect on LinkedIn",
      NULL, NULL, "linkedin-invitation", NULL, NULL },
    /* "please add me": the first name is the recipient's; with no display
     * name the body names the person. */
    { "invitations@linkedin.com", "Carol, please add me to your LinkedIn network",
      NULL, "Hi Carol,\n\nI'd like to join your LinkedIn network.\n\nDmitri Volkov\n"
	    "Engineer\n",
      "linkedin-invitation", "Dmitri Volkov", NULL },
    /* A header alone makes a request. */
    { "Jane Doe <invitations@linkedin.com>", "Jane Doe sent you a message",
      "X-LinkedIn-Class: INVITATION\n", NULL, "linkedin-invitation", "Jane Doe", NULL },
    /* Issue 26: subjects of every era, with and without a display name. */
    { "LinkedIn <invitations@linkedin.com>", "Reminder: Jane Doe invited you to connect",
      NULL, NULL, "linkedin-invitation", "Jane Doe", NULL },
    { "LinkedIn <invitations@linkedin.com>", "You have an invitation", NULL,
      "Jane Doe is waiting for your response\n", "linkedin-invitation", "Jane Doe", NULL },
    { "LinkedIn <invitations@linkedin.com>", "Jane Doe is waiting for your response",
      NULL, NULL, "linkedin-invitation", "Jane Doe", NULL },
    { "\"Jane Doe (via LinkedIn)\" <messages-noreply@linkedin.com>", "I want to connect",
      NULL, NULL, "linkedin-invitation", "Jane Doe", NULL },
    { "Jane Doe <invitations@linkedin.com>", "I’ve sent you a connection request",
      NULL, NULL, "linkedin-invitation", "Jane Doe", NULL },
    { "Jane Doe <member@linkedin.com>", "Hello", "X-LinkedIn-Template: invite_guest_59\n",
      NULL, "linkedin-invitation", "Jane Doe", NULL },
    { "Jane Doe <member@linkedin.com>", "Hello", "X-LinkedIn-Class: INVITE-GUEST\n",
      NULL, "linkedin-invitation", "Jane Doe", NULL },
    { "Jane Doe <invitations@linkedin.com>", "Hello",
      "X-LinkedIn-Template: email_m2m_invite_single_01\n", NULL, "linkedin-invitation",
      "Jane Doe", NULL },
    { "Jane Doe <member@linkedin.com>", "Hello", NULL,
      "Carol,\n\nI'd like to add you to my professional network on LinkedIn.\n\n- Jane\n",
      "linkedin-invitation", "Jane Doe", NULL },
    { "LinkedIn <invitations@linkedin.com>", "Hello", "X-LinkedIn-Template: email_m2m_invite_accepted_01\n",
      NULL, NULL, NULL, NULL },
    { "LinkedIn <invitations@linkedin.com>", "Hello", "X-LinkedIn-Template: email_reinvite_digest\n",
      NULL, NULL, NULL, NULL },
    /* Facebook's other phrasings, per language. */
    { "Facebook <notification@facebookmail.com>", "Jürgen möchte mit dir befreundet sein",
      NULL, NULL, "facebook-friend-request", "Jürgen", NULL },
    { "Facebook <notification@facebookmail.com>", "Amélie Dubois veut être votre ami(e) sur Facebook",
      NULL, NULL, "facebook-friend-request", "Amélie Dubois", NULL },
    { "Facebook <notification@facebookmail.com>", "José Núñez quiere ser tu amigo en Facebook",
      NULL, NULL, "facebook-friend-request", "José Núñez", NULL },
    { "Facebook <notification@facebookmail.com>", "Joao Conceicao te enviou uma solicitação de amizade",
      NULL, NULL, "facebook-friend-request", "Joao Conceicao", NULL },
    { "Facebook <notification@facebookmail.com>", "Giulia Ricci vuole essere tua amica su Facebook",
      NULL, NULL, "facebook-friend-request", "Giulia Ricci", NULL },
    { "Facebook <notification@facebookmail.com>", "Иван Петров хочет добавить вас в друзья на Facebook",
      NULL, NULL, "facebook-friend-request", "Иван Петров", NULL },
    { "Facebook <notification@facebookmail.com>", "Malgorzata Wojcik zaprasza Cię do grona znajomych",
      NULL, NULL, "facebook-friend-request", "Malgorzata Wojcik", NULL },
    { "Facebook <notification@facebookmail.com>", "Çağlar Öztürk, Facebook'ta seninle arkadaş olmak istiyor",
      NULL, NULL, "facebook-friend-request", "Çağlar Öztürk", NULL },
    { "Facebook <notification@facebookmail.com>", "Ольга Смирнова приняла ваш запрос на добавление в друзья",
      "X-Facebook-Notify: friend_confirmation; mailid=x\n", NULL, NULL, NULL, NULL },
    /* XING's other phrasings. */
    { "XING <mailrobot@mail.xing.com>", "Anna Schmidt möchte Sie zu ihren Kontakten hinzufügen",
      NULL, NULL, "xing-contact-request", "Anna Schmidt", NULL },
    { "XING <mailrobot@mail.xing.com>", "Neue Kontaktanfrage von Anna Schmidt",
      NULL, NULL, "xing-contact-request", "Anna Schmidt", NULL },
    { "XING <mailrobot@mail.xing.com>", "Anna Schmidt hat deine Kontaktanfrage angenommen",
      NULL, NULL, NULL, NULL, NULL },
    /* LinkedIn messages (kind=message). */
    { "LinkedIn <messages-noreply@linkedin.com>", "New message from Jane Doe", NULL, NULL,
      "linkedin-message", "Jane Doe", NULL },
    { "\"Jane Doe via LinkedIn\" <messages-noreply@linkedin.com>", "Quick question",
      "X-LinkedIn-Class: INMAIL\n", NULL, "linkedin-message", "Jane Doe", NULL },
    { "Jane Doe <inmail-hit-reply@linkedin.com>", "Quick question", NULL, NULL,
      "linkedin-inmail", "Jane Doe", NULL },
    { "LinkedIn <inmail-hit-reply@linkedin.com>", "Quick question", NULL, NULL, NULL, NULL,
      NULL },
    /* Not requests. */
    { "Jane Doe <invitations@linkedin.com>", "Jane Doe accepted your invitation",
      "X-LinkedIn-Class: INVITATION\n", NULL, NULL, NULL, NULL },
    { "Jane Doe <jane@example.com>", "Jane Doe wants to connect", NULL, NULL,
      NULL, NULL, NULL },
    { "LinkedIn <messages-noreply@linkedin.com>", "Your weekly network update",
      "X-LinkedIn-Class: EMAIL-DIGEST\n", NULL, NULL, NULL, NULL },
    { "LinkedIn <invitations@linkedin.com>", "You appeared in 9 searches this week",
      NULL, NULL, NULL, NULL, NULL },
    /* XING */
    { "XING <mailrobot@mail.xing.com>", "Kontaktanfrage von Anna Schmidt",
      NULL, NULL, "xing-contact-request", "Anna Schmidt", NULL },
    { "XING <mailrobot@mail.xing.com>", "Jane Doe wants to add you as a contact on XING",
      NULL, NULL, "xing-contact-request", "Jane Doe", NULL },
    { "XING <mailrobot@xing.com>",
      "=?ISO-8859-1?Q?Erinnerung:_Bj=F6rn_K=F6hler_m=F6chte_dich_als_Kontakt_hinzuf=FCgen?=",
      NULL, NULL, "xing-contact-request", "Björn Köhler", NULL },
    { "XING <mailrobot@mail.xing.com>", "Anna Schmidt hat Ihre Kontaktanfrage bestätigt",
      NULL, NULL, NULL, NULL, NULL },
    /* Facebook */
    { "Facebook <notification+abc123@facebookmail.com>",
      "Sam Okafor sent you a friend request", NULL, NULL, "facebook-friend-request",
      "Sam Okafor", NULL },
    { "Facebook <notification@facebookmail.com>", "Sam Okafor commented on your post",
      NULL, NULL, NULL, NULL, NULL },
    /* Meetup */
    { "Meetup <info@meetup.com>", "Marco Rossi wants to connect on Meetup",
      NULL, NULL, "meetup-invitation", "Marco Rossi", NULL },
    { "Berlin Rust Hack and Learn <info@email.meetup.com>",
      "Marco Rossi invited you to an event", NULL, NULL, "meetup-invitation",
      "Marco Rossi", NULL },
    { "Meetup <info@meetup.com>", "Marco Rossi invited you to RSVP", NULL, NULL,
      NULL, NULL, NULL },
    /* GitHub */
    { "GitHub <noreply@github.com>", "Invitation to join acme/widgets from janedoe",
      NULL, NULL, "github-invitation", NULL, "janedoe" },
    { "GitHub <noreply@github.com>",
      "[GitHub] @janedoe has invited you to join the acme organization",
      "X-GitHub-Sender: janedoe\n", NULL, "github-invitation", NULL, "janedoe" },
    /* A display name that is the login is no name. */
    { "janedoe <noreply@github.com>", "janedoe invited you to acme/widgets",
      "X-GitHub-Sender: janedoe\n", NULL, "github-invitation", NULL, "janedoe" },
    { "Jane Doe <notifications@github.com>", "Re: [acme/widgets] Fix the build (#12)",
      "X-GitHub-Sender: janedoe\n", NULL, NULL, NULL, NULL },
};

static void
test_forms (void)
{
    g_autoptr (_kith_rules_t) rules = default_rules ();

    for (gsize i = 0; i < G_N_ELEMENTS (forms); i++) {
	const form_t *f = &forms[i];
	g_autofree char *text = message (f->from, f->subject, f->extra, f->body);
	g_autoptr (_kith_request_t) request = match_text (rules, text);

	g_test_message ("%s / %s", f->from, f->subject);
	if (f->rule == NULL) {
	    g_assert_null (request);
	    continue;
	}
	g_assert_nonnull (request);
	g_assert_cmpstr (request->rule, ==, f->rule);
	g_assert_cmpstr (request->person, ==, f->person);
	g_assert_cmpstr (request->login, ==, f->login);
    }
}

/* ------------------------------------------------------------------ */
/* The person: groups, cleaning */

static void
test_person_first_name (void)
{
    g_autoptr (_kith_rules_t) rules = rules_from (
	"[acme]\n"
	"platform=Acme\n"
	"from=*@acme.example\n"
	"subject=wants to connect\n"
	"person_subject=^(?<first>\\w+) wants to connect\n");
    g_autofree char *full = message ("Jane Doe <robot@acme.example>",
				     "Jane wants to connect", NULL, NULL);
    g_autofree char *other = message ("Bob Smith <robot@acme.example>",
				      "Jane wants to connect", NULL, NULL);
    g_autofree char *none = message ("robot@acme.example", "Jane wants to connect",
				     NULL, NULL);
    g_autofree char *accents = message ("=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <robot@acme.example>",
					"Jurgen wants to connect", NULL, NULL);
    g_autoptr (_kith_request_t) a = match_text (rules, full);
    g_autoptr (_kith_request_t) b = match_text (rules, other);
    g_autoptr (_kith_request_t) c = match_text (rules, none);
    g_autoptr (_kith_request_t) d = match_text (rules, accents);

    /* The display name starts with the first name: it is the person. */
    g_assert_cmpstr (a->person, ==, "Jane Doe");
    /* It does not: the first name is all there is. */
    g_assert_cmpstr (b->person, ==, "Jane");
    g_assert_cmpstr (c->person, ==, "Jane");
    /* Compared folded. */
    g_assert_cmpstr (d->person, ==, "Jürgen Müller");
}

static void
test_person_repeated_key (void)
{
    g_autoptr (_kith_rules_t) rules = rules_from (
	"[acme]\n"
	"platform=Acme\n"
	"from=*@acme.example\n"
	"person_body=^Name: (?<last>[^,\\n]+), (?<first>[^\\n]+)$\n"
	"person_body=^Handle: (?<login>\\S+)$\n");
    g_autofree char *text = message ("Acme <robot@acme.example>", "Someone",
				     NULL, "Name: Doe, Jane\nHandle: @jdoe\n");
    g_autoptr (_kith_request_t) request = match_text (rules, text);

    /* A rule with only from matches everything from there; the last
     * person_body wins (GKeyFile keeps the last of repeated keys). */
    g_assert_nonnull (request);
    g_assert_null (request->person);
    g_assert_cmpstr (request->login, ==, "jdoe");
}

static void
test_person_first_last_groups (void)
{
    g_autoptr (_kith_rules_t) rules = rules_from (
	"[acme]\n"
	"platform=Acme\n"
	"from=*@acme.example\n"
	"person_body=^Name: (?<last>[^,\\n]+), (?<first>[^\\n]+)$;^Handle: (?<login>\\S+)$\n");
    g_autofree char *text = message ("Acme <robot@acme.example>", "Someone",
				     NULL, "Name: Doe, Jane\nHandle: @jdoe\n");
    g_autoptr (_kith_request_t) request = match_text (rules, text);

    g_assert_nonnull (request);
    g_assert_cmpstr (request->person, ==, "Jane Doe");
    g_assert_cmpstr (request->login, ==, "jdoe");
    g_assert_false (request->strangers_only);
}

/* Keys are tried in the order they are written. */
static void
test_person_order (void)
{
    const char *rule_text = "[acme]\n"
			    "platform=Acme\n"
			    "from=*@acme.example\n"
			    "%s\n%s\n";
    const char *by_subject = "person_subject=^(?<person>.+) invited you$";
    const char *by_name = "person_from_name=^(?<person>.+)$";
    g_autofree char *text = message ("Acme Group Robot <robot@acme.example>",
				     "Jane Doe invited you", NULL, NULL);
    g_autofree char *subject_first = g_strdup_printf (rule_text, by_subject, by_name);
    g_autofree char *name_first = g_strdup_printf (rule_text, by_name, by_subject);
    g_autoptr (_kith_rules_t) a = rules_from (subject_first);
    g_autoptr (_kith_rules_t) b = rules_from (name_first);
    g_autoptr (_kith_request_t) ra = match_text (a, text);
    g_autoptr (_kith_request_t) rb = match_text (b, text);

    g_assert_cmpstr (ra->person, ==, "Jane Doe");
    g_assert_cmpstr (rb->person, ==, "Acme Group Robot");
}

static void
test_person_cleaning (void)
{
    static const struct {
	const char *from;
	const char *person;
    } cases[] = {
	{ "\"  Jane \t Doe  \" <robot@acme.example>", "Jane Doe" },
	{ "=?UTF-8?Q?=E2=80=9CJane_Doe=E2=80=9D?= <robot@acme.example>", "Jane Doe" },
	{ "\"Jane Doe via Acme\" <robot@acme.example>", "Jane Doe" },
	{ "\"Jane Doe (via Acme)\" <robot@acme.example>", "Jane Doe" },
	{ "\"Jane Doe via LinkedIn\" <robot@acme.example>", "Jane Doe" },
	{ "\"'Doe, Jane' via Acme\" <robot@acme.example>", "Doe, Jane" },
	{ "\"Jane Doe (Acme)\" <robot@acme.example>", "Jane Doe" },
	{ "\"Jane Doe über Acme\" <robot@acme.example>", "Jane Doe" },
	{ "\"Doe, Jane\" <robot@acme.example>", "Doe, Jane" },
	{ "=?UTF-8?B?55Sw5Lit5oSb5a2Q?= <robot@acme.example>", "田中愛子" },
	/* Not names. */
	{ "Acme <robot@acme.example>", NULL },
	{ "ACME Team <robot@acme.example>", NULL },
	{ "The Acme Notifications Team <robot@acme.example>", NULL },
	{ "LinkedIn <robot@acme.example>", NULL },
	{ "Google Calendar <robot@acme.example>", NULL },
	{ "\"jane@example.com\" <robot@acme.example>", NULL },
	{ "\"\" <robot@acme.example>", NULL },
	{ "\"- , .\" <robot@acme.example>", NULL },
	{ "\"via Acme\" <robot@acme.example>", NULL },
	{ "robot@acme.example", NULL },
    };
    g_autoptr (_kith_rules_t) rules = rules_from (
	"[acme]\n"
	"platform=Acme\n"
	"from=robot@acme.example\n"
	"person_from_name=^(?<person>.+)$\n");

    for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
	g_autofree char *text = message (cases[i].from, "Hello", NULL, NULL);
	g_autoptr (_kith_request_t) request = match_text (rules, text);

	g_test_message ("%s", cases[i].from);
	g_assert_nonnull (request);
	g_assert_cmpstr (request->person, ==, cases[i].person);
    }
}

static void
test_person_header (void)
{
    g_autoptr (_kith_rules_t) rules = rules_from (
	"[acme]\n"
	"platform=Acme\n"
	"from=robot@acme.example\n"
	"header=X-Acme-Kind:^invite$\n"
	"person_header=X-Acme-Inviter\n");
    g_autofree char *yes = message ("Acme <robot@acme.example>", "Hi",
				    "X-Acme-Kind: other\nX-Acme-Kind: INVITE\n"
				    "X-Acme-Inviter: =?UTF-8?Q?Zo=C3=AB?= Doe\n",
				    NULL);
    g_autofree char *no = message ("Acme <robot@acme.example>", "Hi",
				   "X-Acme-Kind: other\n", NULL);
    g_autoptr (_kith_request_t) a = match_text (rules, yes);
    g_autoptr (_kith_request_t) b = match_text (rules, no);

    /* Every header of the name is tried; values are decoded. */
    g_assert_nonnull (a);
    g_assert_cmpstr (a->person, ==, "Zoë Doe");
    g_assert_null (b);
}

/* Calendar parts however they come. */
static void
test_calendar_forms (void)
{
    static const struct {
	const char *type;   /* the calendar part's header lines */
	const char *method; /* the calendar's METHOD line */
	const char *organizer;
	const char *person;
	const char *address;
    } cases[] = {
	{ "Content-Type: application/octet-stream; name=\"Invite.ICS\"\n"
	  "Content-Disposition: attachment\n",
	  "METHOD:REQUEST", "ORGANIZER;CN=Jane Doe:MAILTO:Jane.Doe@Corp.Example",
	  "Jane Doe", "jane.doe@corp.example" },
	{ "Content-Type: text/calendar; method=REQUEST\n", "method:request",
	  "ORGANIZER;ROLE=CHAIR;CN=\"Doe; Jane: PhD\";LANGUAGE=en:mailto:jd@corp.example",
	  "Doe; Jane: PhD", "jd@corp.example" },
	/* A CN that is an address is no name. */
	{ "Content-Type: text/calendar\n", "METHOD:REQUEST",
	  "ORGANIZER;CN=jane@corp.example:mailto:jane@corp.example", NULL,
	  "jane@corp.example" },
	/* Not requests. */
	{ "Content-Type: text/calendar\n", "METHOD:CANCEL",
	  "ORGANIZER;CN=Jane Doe:mailto:jane@corp.example", NULL, NULL },
	{ "Content-Type: text/calendar\n", "METHOD:PUBLISH",
	  "ORGANIZER;CN=Jane Doe:mailto:jane@corp.example", NULL, NULL },
	{ "Content-Type: text/plain; name=\"notes.txt\"\n", "METHOD:REQUEST",
	  "ORGANIZER;CN=Jane Doe:mailto:jane@corp.example", NULL, NULL },
    };
    g_autoptr (_kith_rules_t) rules = default_rules ();

    for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
	g_autofree char *text = g_strdup_printf (
	    "From: Someone <someone@example.net>\n"
	    "To: carol@example.org\n"
	    "Subject: Meeting\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"sep\"\n"
	    "\n"
	    "--sep\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "See the invitation.\n"
	    "--sep\n"
	    "%s"
	    "\n"
	    "BEGIN:VCALENDAR\r\n%s\r\nBEGIN:VEVENT\r\n%s\r\nEND:VEVENT\r\n"
	    "END:VCALENDAR\r\n"
	    "--sep--\n",
	    cases[i].type, cases[i].method, cases[i].organizer);
	g_autoptr (_kith_request_t) request = match_text (rules, text);
	gboolean is_request = cases[i].person || cases[i].address;

	g_test_message ("%s / %s", cases[i].method, cases[i].organizer);
	if (! is_request) {
	    g_assert_null (request);
	    continue;
	}
	g_assert_nonnull (request);
	g_assert_cmpstr (request->rule, ==, "calendar-invitation");
	g_assert_cmpstr (request->platform, ==, "Calendar");
	g_assert_cmpstr (request->person, ==, cases[i].person);
	g_assert_cmpstr (request->person_address, ==, cases[i].address);
	g_assert_true (request->strangers_only);
    }
}

/* ------------------------------------------------------------------ */
/* Loading */

static void
test_load_defaults (void)
{
    g_autoptr (_kith_rules_t) rules = default_rules ();
    g_autoptr (GError) error = NULL;
    g_autoptr (_kith_rules_t) empty = _kith_rules_load_data ("", 0, NULL, &error);
    g_autoptr (_kith_rules_t) comments = NULL;
    g_autofree char *text = message ("Jane Doe <invitations@linkedin.com>",
				     "Jane Doe wants to connect", NULL, NULL);
    g_autoptr (_kith_request_t) request = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (empty);
    /* No rules: nothing is a request. */
    request = match_text (empty, text);
    g_assert_null (request);
    comments = rules_from ("# nothing but a comment\n\n");
    request = match_text (comments, text);
    g_assert_null (request);
    request = match_text (rules, text);
    g_assert_nonnull (request);
}

static void
test_load_errors (void)
{
    /* A bad regex names the file, the rule and the key. */
    expect_load_error ("[good]\nplatform=Good\nsubject=fine\n"
		       "[broken]\nplatform=Broken\nsubject=ok;(unclosed\n",
		       KITH_STATUS_BAD_ARGUMENT, "my-rules.conf", "[broken]", "'subject'",
		       "(unclosed", NULL);
    expect_load_error ("[broken]\nplatform=Broken\nfrom=*@x.example\nperson_body=^(?<person\n",
		       KITH_STATUS_BAD_ARGUMENT, "my-rules.conf", "[broken]", "'person_body'",
		       NULL);
    expect_load_error ("[broken]\nplatform=Broken\nheader=X-Foo:[z-a]\n",
		       KITH_STATUS_BAD_ARGUMENT, "my-rules.conf", "[broken]", "'header'", NULL);
    /* kind is request or message. */
    expect_load_error ("[kind]\nplatform=Kind\nsubject=x\nkind=invitation\n",
		       KITH_STATUS_BAD_ARGUMENT, "[kind]", "'kind'", "invitation", NULL);
    /* A missing platform. */
    expect_load_error ("[noplatform]\nsubject=wants to connect\n",
		       KITH_STATUS_BAD_ARGUMENT, "my-rules.conf", "[noplatform]",
		       "'platform'", NULL);
    expect_load_error ("[emptyplatform]\nplatform=  \nsubject=x\n",
		       KITH_STATUS_BAD_ARGUMENT, "[emptyplatform]", "'platform'", NULL);
    /* Unknown keys (typos). */
    expect_load_error ("[typo]\nplatform=Typo\nsubjet=x\n",
		       KITH_STATUS_BAD_ARGUMENT, "[typo]", "'subjet'", "unknown", NULL);
    expect_load_error ("[locale]\nplatform=L\nsubject[de]=x\n",
		       KITH_STATUS_BAD_ARGUMENT, "[locale]", "'subject[de]'", NULL);
    /* A person regex that captures nothing. */
    expect_load_error ("[nogroup]\nplatform=N\nsubject=x\nperson_subject=^(.+) wants\n",
		       KITH_STATUS_BAD_ARGUMENT, "[nogroup]", "'person_subject'",
		       "(?<person>)", NULL);
    /* Booleans. */
    expect_load_error ("[bool]\nplatform=B\nsubject=x\nenabled=maybe\n",
		       KITH_STATUS_BAD_ARGUMENT, "[bool]", "'enabled'", "maybe", NULL);
    expect_load_error ("[bool]\nplatform=B\nsubject=x\nstrangers_only=2\n",
		       KITH_STATUS_BAD_ARGUMENT, "[bool]", "'strangers_only'", NULL);
    /* Header items need a header name. */
    expect_load_error ("[hdr]\nplatform=H\nheader=:^x\n",
		       KITH_STATUS_BAD_ARGUMENT, "[hdr]", "'header'", NULL);
    expect_load_error ("[hdr]\nplatform=H\nheader=Bad Name:^x\n",
		       KITH_STATUS_BAD_ARGUMENT, "[hdr]", "'header'", NULL);
    /* from takes address globs. */
    expect_load_error ("[from]\nplatform=F\nfrom=linkedin.com\n",
		       KITH_STATUS_BAD_ARGUMENT, "[from]", "'from'", NULL);
    /* A rule that would match every message. */
    expect_load_error ("[everything]\nplatform=E\nperson_from_name=^(?<person>.+)$\n",
		       KITH_STATUS_BAD_ARGUMENT, "[everything]", NULL);
    /* Not a key file. */
    expect_load_error ("this is not a rules file\n",
		       KITH_STATUS_BAD_ARGUMENT, "my-rules.conf", NULL);
    expect_load_error ("platform=outside any group\n",
		       KITH_STATUS_BAD_ARGUMENT, "my-rules.conf", NULL);
}

static void
test_load_disabled_needs_nothing (void)
{
    /* A disabled rule needs no platform and no test, but its regexes
     * must still be valid. */
    g_autoptr (_kith_rules_t) rules = rules_from ("[off]\nenabled=false\n");

    expect_load_error ("[off]\nenabled=false\nsubject=(\n",
		       KITH_STATUS_BAD_ARGUMENT, "[off]", "'subject'", NULL);
    g_assert_nonnull (rules);
}

static void
test_load_lists (void)
{
    /* "\;" is a ';' inside an item; other backslashes stay; white space
     * around items goes. */
    g_autoptr (_kith_rules_t) rules = rules_from (
	"[semi]\n"
	"platform=Semi\n"
	"from = *@semi.example ; other@semi.example \n"
	"subject=  ^a\\;b$  ; ^\\d+ items$ ;;\n");
    const char *subjects[] = { "a;b", "12 items" };
    g_autofree char *no = message ("x@semi.example", "a", NULL, NULL);
    g_autoptr (_kith_request_t) none = match_text (rules, no);

    for (gsize i = 0; i < G_N_ELEMENTS (subjects); i++) {
	g_autofree char *text = message ("Semi <x@SEMI.example>", subjects[i], NULL, NULL);
	g_autoptr (_kith_request_t) request = match_text (rules, text);

	g_assert_nonnull (request);
	g_assert_cmpstr (request->platform, ==, "Semi");
    }
    g_assert_null (none);
}

static void
test_load_case_insensitive (void)
{
    g_autoptr (_kith_rules_t) rules = rules_from (
	"[ci]\n"
	"platform=CI\n"
	"from=Robot@CI.example\n"
	"subject=^HELLO WORLD$\n");
    g_autofree char *text = message ("ROBOT@ci.EXAMPLE", "hello world", NULL, NULL);
    g_autoptr (_kith_request_t) request = match_text (rules, text);

    g_assert_nonnull (request);
}

static void
test_load_missing_file (void)
{
    g_autoptr (GError) error = NULL;
    g_autoptr (_kith_rules_t) rules = _kith_rules_load ("/nonexistent/kith/rules.conf",
							&error);

    g_assert_null (rules);
    g_assert_error (error, KITH_ERROR, KITH_STATUS_FILE_ERROR);
    g_assert_nonnull (strstr (error->message, "/nonexistent/kith/rules.conf"));
}

/* ------------------------------------------------------------------ */
/* User overrides */

static void
test_override_disable (void)
{
    g_autofree char *dir = g_dir_make_tmp ("kith-rules-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "rules.conf", NULL);
    g_autofree char *linkedin = fixture_path ("linkedin-invitation-via-linkedin.eml");
    g_autofree char *meetup = fixture_path ("meetup-invitation.eml");
    g_autoptr (GError) error = NULL;
    g_autoptr (_kith_rules_t) rules = NULL;
    g_autoptr (_kith_request_t) a = NULL;
    g_autoptr (_kith_request_t) b = NULL;

    write_file (path, "# I do not want LinkedIn triaged\n"
		      "[linkedin-invitation]\n"
		      "enabled=false\n");
    rules = _kith_rules_load (path, &error);
    g_assert_no_error (error);
    a = _kith_rules_match_file (rules, linkedin, &error);
    g_assert_no_error (error);
    g_assert_null (a);
    /* The other built-in rules are still there. */
    b = _kith_rules_match_file (rules, meetup, &error);
    g_assert_no_error (error);
    g_assert_nonnull (b);
    g_assert_cmpstr (b->rule, ==, "meetup-invitation");

    g_unlink (path);
    g_rmdir (dir);
}

static void
test_override_add_and_replace (void)
{
    g_autofree char *dir = g_dir_make_tmp ("kith-rules-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "rules.conf", NULL);
    g_autofree char *linkedin = fixture_path ("linkedin-invitation-via-linkedin.eml");
    g_autofree char *mastodon = message ("Mastodon <notifications@social.example>",
					 "Jane Doe requested to follow you", NULL, NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (_kith_rules_t) rules = NULL;
    g_autoptr (_kith_request_t) a = NULL;
    g_autoptr (_kith_request_t) b = NULL;

    write_file (path, "[mastodon-follow-request]\n"
		      "platform=Mastodon\n"
		      "from=notifications@*\n"
		      "subject=\\brequested to follow you$\n"
		      "person_subject=^(?<person>.+?) requested to follow you$\n"
		      "strangers_only=yes\n"
		      "\n"
		      "[linkedin-invitation]\n"
		      "platform=LinkedIn (mine)\n"
		      "from=invitations@linkedin.com\n"
		      "subject=^(?<person>.+) wants to connect$\n"
		      "person_subject=^(?<person>.+) wants to connect$\n");
    rules = _kith_rules_load (path, &error);
    g_assert_no_error (error);

    a = match_text (rules, mastodon);
    g_assert_nonnull (a);
    g_assert_cmpstr (a->rule, ==, "mastodon-follow-request");
    g_assert_cmpstr (a->platform, ==, "Mastodon");
    g_assert_cmpstr (a->person, ==, "Jane Doe");
    g_assert_true (a->strangers_only);

    /* The replaced rule is the user's, whole (no person_from_name). */
    b = _kith_rules_match_file (rules, linkedin, &error);
    g_assert_no_error (error);
    g_assert_nonnull (b);
    g_assert_cmpstr (b->rule, ==, "linkedin-invitation");
    g_assert_cmpstr (b->platform, ==, "LinkedIn (mine)");
    g_assert_cmpstr (b->person, ==, "Jane Doe");

    g_unlink (path);
    g_rmdir (dir);
}

/* Without a path, $XDG_CONFIG_HOME/kith/rules.conf is read if it
 * exists ($XDG_CONFIG_HOME is a private directory, see main). */
static void
test_override_xdg (void)
{
    g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "kith", NULL);
    g_autofree char *path = g_build_filename (dir, "rules.conf", NULL);
    g_autofree char *linkedin = fixture_path ("linkedin-invitation-via-linkedin.eml");
    g_autoptr (GError) error = NULL;
    g_autoptr (_kith_rules_t) rules = NULL;
    g_autoptr (_kith_rules_t) broken = NULL;
    g_autoptr (_kith_request_t) request = NULL;

    g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
    write_file (path, "[linkedin-invitation]\nenabled=false\n");
    rules = _kith_rules_load (NULL, &error);
    g_assert_no_error (error);
    request = _kith_rules_match_file (rules, linkedin, &error);
    g_assert_no_error (error);
    g_assert_null (request);

    /* An error in the user's file names it. */
    write_file (path, "[mine]\nplatform=Mine\nbody=[\n");
    broken = _kith_rules_load (NULL, &error);
    g_assert_null (broken);
    g_assert_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT);
    g_assert_nonnull (strstr (error->message, path));
    g_assert_nonnull (strstr (error->message, "[mine]"));
    g_assert_nonnull (strstr (error->message, "'body'"));

    g_unlink (path);
    g_rmdir (dir);
}

/* ------------------------------------------------------------------ */
/* Matching: files and hostile input */

static void
test_match_file_errors (void)
{
    g_autoptr (_kith_rules_t) rules = default_rules ();
    g_autofree char *dir = g_dir_make_tmp ("kith-rules-XXXXXX", NULL);
    g_autofree char *empty = g_build_filename (dir, "empty.eml", NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (_kith_request_t) request = NULL;

    request = _kith_rules_match_file (rules, "/nonexistent/message.eml", &error);
    g_assert_null (request);
    g_assert_error (error, KITH_ERROR, KITH_STATUS_FILE_ERROR);
    g_assert_nonnull (strstr (error->message, "/nonexistent/message.eml"));
    g_clear_error (&error);

    /* A directory. */
    request = _kith_rules_match_file (rules, dir, &error);
    g_assert_null (request);
    g_assert_error (error, KITH_ERROR, KITH_STATUS_FILE_ERROR);
    g_clear_error (&error);

    /* An empty file is no request, and no error. */
    write_file (empty, "");
    request = _kith_rules_match_file (rules, empty, &error);
    g_assert_no_error (error);
    g_assert_null (request);

    /* NULL error */
    g_assert_null (_kith_rules_match_file (rules, "/nonexistent/message.eml", NULL));

    g_unlink (empty);
    g_rmdir (dir);
}

/* Whatever DATA is, matching neither crashes nor returns junk. */
static void
check_hostile (_kith_rules_t *rules, const char *data, gsize len)
{
    g_autoptr (_kith_request_t) request = _kith_rules_match_data (rules, data, len);

    if (request == NULL)
	return;
    g_assert_nonnull (request->rule);
    g_assert_nonnull (request->platform);
    if (request->person) {
	g_assert_true (g_utf8_validate (request->person, -1, NULL));
	g_assert_cmpuint (strlen (request->person), <=, 256);
	g_assert_cmpuint (strlen (request->person), >, 0);
    }
    if (request->login)
	g_assert_true (g_utf8_validate (request->login, -1, NULL));
}

static void
test_hostile_small (void)
{
    g_autoptr (_kith_rules_t) rules = default_rules ();
    static const char nul_message[] =
	"From: Jane\0Doe <invitations@linkedin.com>\n"
	"Subject: Jane Doe\0 wants to connect\n"
	"X-LinkedIn-Class: INVI\0TATION\n"
	"\n"
	"I'd like to join your LinkedIn network.\n\n\0\0\0\n";
    static const char *const texts[] = {
	"",
	"\n",
	"\n\n\n",
	"From:",
	"From: <>\nSubject:\n\n",
	"From: invitations@linkedin.com\n",
	"From: \"\" <invitations@linkedin.com>\nSubject: wants to connect\n",
	"From: invitations@linkedin.com\nSubject: \xff\xfe wants to connect\n\n\xff",
	"From: x@y\nContent-Type: multipart/mixed; boundary=\n\n--\n--\n",
	"From: x@y\nContent-Type: multipart/mixed\n\n--x\n",
	"From: x@y\nContent-Type: text/calendar\n\nMETHOD:REQUEST\nORGANIZER;CN=\n",
	"From: x@y\nContent-Type: text/calendar\n\nMETHOD:REQUEST\nORGANIZER;CN=\"unclosed:mailto:\n",
	"From: x@y\nContent-Type: text/calendar\n\nMETHOD:REQUEST\nORGANIZER;CN=Jane;CN=Doe:mailto:\n",
	"From: x@y\nContent-Type: text/calendar; charset=x-unknown\n"
	"Content-Transfer-Encoding: base64\n\n!!!notbase64",
	"From: Facebook <notification@facebookmail.com>\nSubject: You have a new friend request\n"
	"Content-Type: text/html\n\n<script>unclosed <style> <!-- <b",
	"From: Facebook <notification@facebookmail.com>\nSubject: You have a new friend request\n"
	"Content-Type: text/html\n\n&#0; &#xffffffff; &#99999999999; &; &amp sent you a friend request",
    };

    _kith_rules_match_data (rules, NULL, 0);
    check_hostile (rules, "", 0);
    check_hostile (rules, nul_message, sizeof (nul_message) - 1);
    for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
	check_hostile (rules, texts[i], strlen (texts[i]));
}

static void
test_hostile_random (void)
{
    g_autoptr (_kith_rules_t) rules = default_rules ();
    g_autoptr (GRand) rand = g_rand_new_with_seed (RANDOM_SEED);
    static const char *const pieces[] = {
	"From: ",
	"Jane Doe",
	" via LinkedIn",
	" <invitations@linkedin.com>",
	"\n",
	"Subject: ",
	" wants to connect",
	"Reminder: ",
	"=?UTF-8?B?w6k=?=",
	"=?",
	"X-LinkedIn-Class: INVITATION\n",
	"Content-Type: multipart/mixed; boundary=b\n",
	"--b\n",
	"--b--\n",
	"Content-Type: text/calendar\n",
	"METHOD:REQUEST\n",
	"ORGANIZER;CN=\"Doe, Jane\":mailto:jane@corp.example\n",
	"\r\n",
	" ",
	"\t",
	"Content-Transfer-Encoding: base64\n",
	"Content-Type: text/html\n",
	"<p>",
	"&#233;",
	"\0",
	"\xc3",
	"\xff",
	";",
	"\\",
	"\"",
	":",
    };

    for (int i = 0; i < RANDOM_ITERATIONS; i++) {
	g_autoptr (GString) text = g_string_new (NULL);
	int n = g_rand_int_range (rand, 0, 40);

	for (int j = 0; j < n; j++) {
	    if (g_rand_boolean (rand)) {
		const char *piece = pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))];

		g_string_append_len (text, piece, *piece ? (gssize) strlen (piece) : 1);
	    } else {
		g_string_append_c (text, (char) g_rand_int_range (rand, 0, 256));
	    }
	}
	check_hostile (rules, text->str, text->len);
    }
}

static void
test_hostile_big (void)
{
    g_autoptr (_kith_rules_t) rules = default_rules ();
    const gsize mb = 1024 * 1024;
    g_autoptr (GString) text = NULL;
    g_autoptr (_kith_request_t) request = NULL;

    /* A 1 MB subject: only its start is looked at. */
    text = g_string_new ("From: Jane Doe <invitations@linkedin.com>\nSubject: ");
    for (gsize i = 0; i < mb; i++)
	g_string_append_c (text, "ab "[i % 3]);
    g_string_append (text, " wants to connect\n\nbody\n");
    check_hostile (rules, text->str, text->len);

    /* A 1 MB header value, a 1 MB display name. */
    g_string_assign (text, "From: invitations@linkedin.com\nX-LinkedIn-Class: ");
    for (gsize i = 0; i < mb; i++)
	g_string_append_c (text, 'I');
    g_string_append (text, "\n\n");
    check_hostile (rules, text->str, text->len);
    g_string_assign (text, "From: \"");
    for (gsize i = 0; i < mb - 4096; i++) /* the whole within the limit */
	g_string_append_c (text, "Jane Doe "[i % 9]);
    g_string_append (text, "\" <invitations@linkedin.com>\nSubject: Invitation to connect on LinkedIn\n\n");
    request = _kith_rules_match_data (rules, text->str, text->len);
    g_assert_nonnull (request);
    g_assert_null (request->person); /* far too long to be a name */
    g_clear_pointer (&request, _kith_request_free);

    /* A 1 MB body line, and a body of many short lines: a request,
     * found fast. */
    g_string_assign (text, "From: Facebook <notification@facebookmail.com>\n"
			   "Subject: You have a new friend request\n\n");
    for (gsize i = 0; i < mb; i++)
	g_string_append_c (text, 'x');
    g_string_append (text, " sent you a friend request\n");
    check_hostile (rules, text->str, text->len);
    g_string_assign (text, "From: Facebook <notification@facebookmail.com>\n"
			   "Subject: You have a new friend request\n\n");
    for (gsize i = 0; i < mb / 2; i++)
	g_string_append (text, "x\n");
    check_hostile (rules, text->str, text->len);

    /* A 1 MB line without any line end at all. */
    g_string_truncate (text, 0);
    for (gsize i = 0; i < mb; i++)
	g_string_append_c (text, 'A' + i % 26);
    check_hostile (rules, text->str, text->len);

    /* More than KITH_MAX_REQUEST_BYTES: the rest is ignored. */
    g_string_assign (text, "From: Jane Doe <invitations@linkedin.com>\n"
			   "Subject: Jane Doe wants to connect\n\n");
    for (gsize i = 0; i < 2 * mb; i++)
	g_string_append_c (text, i % 80 ? 'y' : '\n');
    request = _kith_rules_match_data (rules, text->str, text->len);
    g_assert_nonnull (request);
    g_assert_cmpstr (request->person, ==, "Jane Doe");
    g_clear_pointer (&request, _kith_request_free);

    /* A big HTML body of unclosed scripts and comments (linear time). */
    g_string_assign (text, "From: Facebook <notification@facebookmail.com>\n"
			   "Subject: You have a new friend request\n"
			   "Content-Type: text/html\n\n");
    while (text->len < mb)
	g_string_append (text, "<script>x<style>y<p>&amp;<br>");
    check_hostile (rules, text->str, text->len);

    /* A calendar of a 1 MB folded line. */
    g_string_assign (text, "From: x@example.org\nContent-Type: text/calendar\n\n"
			   "METHOD:REQUEST\nORGANIZER;CN=");
    for (gsize i = 0; i < mb / 2; i++)
	g_string_append (text, "a\n ");
    g_string_append (text, ":mailto:x@example.org\n");
    check_hostile (rules, text->str, text->len);
}

static void
test_hostile_nesting (void)
{
    g_autoptr (_kith_rules_t) rules = default_rules ();
    g_autoptr (GString) text = g_string_new ("From: x@example.org\n");
    int depth = 2000;

    for (int i = 0; i < depth; i++)
	g_string_append_printf (text, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n",
				i, i);
    g_string_append (text, "Content-Type: text/calendar\n\nMETHOD:REQUEST\n"
			   "ORGANIZER;CN=Deep:mailto:deep@example.org\n");
    /* Too deep to be looked at, but no crash. */
    check_hostile (rules, text->str, text->len);
}

/* Found by fuzzing: invalid UTF-8 reached PCRE2 (a crash in
 * pcre2_compile) and glob patterns; control characters reached the
 * platform and rule names.  All are load errors now. */
static void
test_load_unclean (void)
{
    static const char *const files[] = {
	"[i]\nbody=\xff\n",
	"[i]\nplatform=x\nfrom=a@\xf0\n",
	"[i]\nplatform=\x01\nbody=.\n",
	"[i]\nplatform=a\tb\nbody=.\n",
	"[g\xff\xff]\nplatform=GitHub\nfrom=noreply@github.com\n",
    };

    for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
	g_autoptr (GError) error = NULL;
	g_autoptr (_kith_rules_t) rules = _kith_rules_load_data (files[i], strlen (files[i]), "fuzzed.conf", &error);
	g_assert_null (rules);
	g_assert_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT);
	g_assert_nonnull (strstr (error->message, "fuzzed.conf"));
    }
}

/* kind=bulk: no platform needed, tried after every other rule. */
static void
test_bulk_kind (void)
{
    g_autoptr (_kith_rules_t) rules = rules_from ("[b]\nkind=bulk\nbody=unsubscribe from this list\n"
						  "[r]\nplatform=P\nsubject=wants to connect\n");
    g_autoptr (_kith_request_t) invite = match_text (rules, "From: a@p.example\nSubject: Al wants to connect\n\n"
							    "Unsubscribe from this list.\n");
    g_autoptr (_kith_request_t) news = match_text (rules, "From: n@news.example\nSubject: News\n\n"
							  "Deals.  Unsubscribe from this list.\n");
    g_autoptr (_kith_request_t) person = match_text (rules, "From: c@x.example\nSubject: Hi\n\n"
							    "How do I unsubscribe?\n");
    g_autoptr (GError) error = NULL;
    const char *digest = "[x]\nkind=digest\nsubject=a\nplatform=P\n";
    g_autoptr (_kith_rules_t) bad = _kith_rules_load_data (digest, strlen (digest), "bad.conf", &error);

    g_assert_nonnull (invite);
    g_assert_cmpstr (invite->rule, ==, "r");
    g_assert_false (invite->bulk);
    g_assert_nonnull (news);
    g_assert_cmpstr (news->rule, ==, "b");
    g_assert_true (news->bulk);
    g_assert_null (person);
    g_assert_null (bad);
    g_assert_nonnull (strstr (error->message, "is not request, message or bulk"));
}

/* A platform's address: an enabled rule's from glob of one domain. */
static void
test_platform_of (void)
{
    g_autoptr (_kith_rules_t) rules = rules_from ("[a]\nplatform=Linky\n"
						  "from=invitations@linky.example;*@*.mail.linky.example;*;*@*;*@*.com;x@*\n"
						  "subject=wants\n"
						  "[b]\nplatform=Off\nenabled=false\nfrom=*@off.example\nsubject=x\n"
						  "[c]\nplatform=Cal\ncalendar=^METHOD:REQUEST\n");
    g_autofree char *senders = _kith_rules_platform_senders (rules);

    g_assert_cmpstr (_kith_rules_platform_of (rules, "invitations@linky.example"), ==, "Linky");
    g_assert_cmpstr (_kith_rules_platform_of (rules, "Invitations@Linky.example"), ==, "Linky");
    g_assert_cmpstr (_kith_rules_platform_of (rules, "robot@eu.mail.linky.example"), ==, "Linky");
    /* "*", "*@*", "*@*.com" and "x@*" name everyone: no platform */
    g_assert_null (_kith_rules_platform_of (rules, "pat@people.com"));
    g_assert_null (_kith_rules_platform_of (rules, "x@people.example"));
    g_assert_null (_kith_rules_platform_of (rules, "pat@linky.example"));
    /* a disabled rule names none */
    g_assert_null (_kith_rules_platform_of (rules, "a@off.example"));
    g_assert_null (_kith_rules_platform_of (NULL, "invitations@linky.example"));
    g_assert_cmpstr (senders, ==, "*@*.mail.linky.example\tLinky\ninvitations@linky.example\tLinky\n");
}

int
main (int argc, char **argv)
{
    g_autofree char *config_home = NULL;
    int status;

    /* The user's own rules must not get in: a private, empty
     * $XDG_CONFIG_HOME, set before GLib first reads it.  (Not
     * G_TEST_OPTION_ISOLATE_DIRS: it leaks in GLib 2.74.) */
    config_home = g_dir_make_tmp ("kith-test-rules-XXXXXX", NULL);
    g_assert_nonnull (config_home);
    g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);

    g_test_init (&argc, &argv, NULL);
    _kith_mime_init ();

    for (gsize i = 0; i < G_N_ELEMENTS (fixtures); i++) {
	g_autofree char *name = g_strdup (fixtures[i].file);
	g_autofree char *path = NULL;

	*strrchr (name, '.') = '\0';
	path = g_strconcat ("/rules/fixture/", name, NULL);
	g_test_add_data_func (path, &fixtures[i], test_fixture);
    }
    g_test_add_func ("/rules/forms", test_forms);
    g_test_add_func ("/rules/platform-of", test_platform_of);
    g_test_add_func ("/rules/bulk-kind", test_bulk_kind);
    g_test_add_func ("/rules/person/first-name", test_person_first_name);
    g_test_add_func ("/rules/person/repeated-key", test_person_repeated_key);
    g_test_add_func ("/rules/person/first-last", test_person_first_last_groups);
    g_test_add_func ("/rules/person/order", test_person_order);
    g_test_add_func ("/rules/person/cleaning", test_person_cleaning);
    g_test_add_func ("/rules/person/header", test_person_header);
    g_test_add_func ("/rules/calendar/forms", test_calendar_forms);
    g_test_add_func ("/rules/load/defaults", test_load_defaults);
    g_test_add_func ("/rules/load/errors", test_load_errors);
    g_test_add_func ("/rules/load/disabled", test_load_disabled_needs_nothing);
    g_test_add_func ("/rules/load/lists", test_load_lists);
    g_test_add_func ("/rules/load/case-insensitive", test_load_case_insensitive);
    g_test_add_func ("/rules/load/missing-file", test_load_missing_file);
    g_test_add_func ("/rules/override/disable", test_override_disable);
    g_test_add_func ("/rules/override/add-and-replace", test_override_add_and_replace);
    g_test_add_func ("/rules/override/xdg", test_override_xdg);
    g_test_add_func ("/rules/match/file-errors", test_match_file_errors);
    g_test_add_func ("/rules/hostile/small", test_hostile_small);
    g_test_add_func ("/rules/hostile/random", test_hostile_random);
    g_test_add_func ("/rules/hostile/big", test_hostile_big);
    g_test_add_func ("/rules/hostile/nesting", test_hostile_nesting);

    g_test_add_func ("/rules/load/unclean", test_load_unclean);
    status = g_test_run ();
    g_rmdir (config_home);
    return status;
}
