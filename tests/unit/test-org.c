/* test-org.c - unit tests of plugin/org.c: the organisation an address
 * belongs to, for `notmuch kith at`.
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "kith-private.h"

/* A configuration with only what org.c reads: no kith.org keys, the
 * built-in free-mail list. */
static _kith_config_t *
config_new (void)
{
    _kith_config_t *config = g_new0 (_kith_config_t, 1);

    config->orgs = g_ptr_array_new_with_free_func ((GDestroyNotify) _kith_org_free);
    return config;
}

static void
config_free (_kith_config_t *config)
{
    g_ptr_array_unref (config->orgs);
    g_clear_pointer (&config->freemail, g_ptr_array_unref);
    g_free (config);
}

static void
add_org (_kith_config_t *config, const char *name, const char *domain, ...)
{
    _kith_org_t *org = g_new0 (_kith_org_t, 1);
    va_list ap;

    org->name = g_strdup (name);
    org->key = g_strconcat ("kith.org.", name, NULL);
    org->domains = g_ptr_array_new_with_free_func (g_free);
    va_start (ap, domain);
    for (const char *d = domain; d; d = va_arg (ap, const char *))
	g_ptr_array_add (org->domains, g_strdup (d));
    va_end (ap);
    g_ptr_array_add (config->orgs, org);
}

static void
check_org (const _kith_config_t *config, const char *address, const char *expected)
{
    g_autofree char *org = _kith_org_of (config, address);

    g_assert_cmpstr (org, ==, expected);
}

static void
test_domain_under (void)
{
    g_assert_true (_kith_domain_under ("acme.example", "acme.example"));
    g_assert_true (_kith_domain_under ("mail.acme.example", "acme.example"));
    g_assert_true (_kith_domain_under ("a.b.acme.example", "acme.example"));
    g_assert_false (_kith_domain_under ("notacme.example", "acme.example"));
    g_assert_false (_kith_domain_under ("acme.example.org", "acme.example"));
    g_assert_false (_kith_domain_under ("example", "acme.example"));
    g_assert_false (_kith_domain_under ("acme.example", ""));
}

static void
test_domain_valid (void)
{
    g_assert_true (_kith_domain_is_valid ("acme.example"));
    g_assert_true (_kith_domain_is_valid ("xn--mller-kva.example"));
    g_assert_true (_kith_domain_is_valid ("müller.example"));
    g_assert_false (_kith_domain_is_valid ("localhost"));
    g_assert_false (_kith_domain_is_valid ("@@"));
    g_assert_false (_kith_domain_is_valid ("a..example"));
    g_assert_false (_kith_domain_is_valid (".acme.example"));
    g_assert_false (_kith_domain_is_valid ("acme.example."));
    g_assert_false (_kith_domain_is_valid ("ac me.example"));
    g_assert_false (_kith_domain_is_valid ("a@acme.example"));
    g_assert_false (_kith_domain_is_valid (""));
    g_assert_false (_kith_domain_is_valid (NULL));
}

static void
test_registrable (void)
{
    static const char *const cases[][2] = {
	{ "acme.example", "acme.example" },
	{ "mail.acme.example", "acme.example" },
	{ "a.b.c.acme.com", "acme.com" },
	{ "mx.acme.co.uk", "acme.co.uk" },
	{ "acme.co.uk", "acme.co.uk" },
	{ "lists.acme.com.au", "acme.com.au" },
	{ "cs.ox.ac.uk", "ox.ac.uk" },
	{ "jms.id.au", "jms.id.au" },
	{ "mail.acme.de", "acme.de" },
	/* "co" is a second level only under a country's two letters. */
	{ "mail.co.example", "co.example" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
	g_autofree char *got = _kith_org_registrable (cases[i][0]);
	g_assert_cmpstr (got, ==, cases[i][1]);
    }
}

static void
test_org_of (void)
{
    _kith_config_t *config = config_new ();

    check_org (config, "alice@mail.acme.example", "acme.example");
    check_org (config, "pat@gmail.com", NULL);
    check_org (config, "pat@eu.mail.yahoo.co.uk", NULL);
    check_org (config, "no-at-sign", NULL);
    check_org (config, "odd@localhost", NULL);
    add_org (config, "Acme", "acme.example", "acme-corp.example", NULL);
    check_org (config, "alice@mail.acme.example", "Acme");
    check_org (config, "carol@acme-corp.example", "Acme");
    check_org (config, "erin@notacme.example", "notacme.example");
    /* kith.freemail_domains replaces the built-in list. */
    config->freemail = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (config->freemail, g_strdup ("isp.example"));
    check_org (config, "pat@gmail.com", "gmail.com");
    check_org (config, "pat@mx.isp.example", NULL);
    config_free (config);
}

static void
test_org_domains (void)
{
    _kith_config_t *config = config_new ();
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) domains = NULL;

    add_org (config, "Acme", "acme.example", "acme-corp.example", NULL);
    domains = _kith_org_domains (config, " ACME ", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (domains->len, ==, 2);
    g_clear_pointer (&domains, g_ptr_array_unref);
    domains = _kith_org_domains (config, "@Other.Example", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (domains->pdata[0], ==, "other.example");
    g_clear_pointer (&domains, g_ptr_array_unref);
    g_assert_null (_kith_org_domains (config, "googlemail.com", &error));
    g_assert_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "free-mail"));
    g_clear_error (&error);
    g_assert_null (_kith_org_domains (config, "Initech", &error));
    g_assert_error (error, KITH_ERROR, KITH_STATUS_BAD_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "'Initech'"));
    config_free (config);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/org/domain-under", test_domain_under);
    g_test_add_func ("/org/domain-valid", test_domain_valid);
    g_test_add_func ("/org/registrable", test_registrable);
    g_test_add_func ("/org/of", test_org_of);
    g_test_add_func ("/org/domains", test_org_domains);
    return g_test_run ();
}
