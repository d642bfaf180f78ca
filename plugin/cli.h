/* cli.h - the notmuch-kith command: shared declarations
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef KITH_CLI_H
#define KITH_CLI_H

#include <glib.h>

#include "kith.h"
#include "sprinter.h"

/* Exit codes, as notmuch: EX_TEMPFAIL asks to run again later. */
#define KITH_EXIT_OK 0
#define KITH_EXIT_FAILURE 1
#define KITH_EXIT_TEMPFAIL 75

typedef struct {
    const char *config_path; /* --config, or NULL */
    const char *profile;     /* --profile, or NULL */
} kith_cli_globals_t;

typedef int (*kith_cli_verb_fn) (const kith_cli_globals_t *globals, int argc, char **argv);

typedef struct {
    const char *name;
    kith_cli_verb_fn run;
    const char *summary;
} kith_cli_verb_t;

int kith_cli_main (int argc, char **argv);

#endif
