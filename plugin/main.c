/* main.c - main() of notmuch-kith
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * notmuch (0.37 and later) runs notmuch-kith from PATH for
 * "notmuch kith ...", with NOTMUCH_CONFIG set to the configuration it
 * uses (so "notmuch --config=FILE kith" works too).
 */

#include <locale.h>

#include "cli.h"

int
main (int argc, char **argv)
{
    setlocale (LC_ALL, "");
    return kith_cli_main (argc, argv);
}
