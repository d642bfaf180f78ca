/* sprinter.h - structured output for the notmuch-kith command
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same calls print JSON or S-expressions (property lists, as
 * notmuch's --format=sexp does).  Part of the command, not of libkith.
 */

#ifndef KITH_SPRINTER_H
#define KITH_SPRINTER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
    SPRINTER_JSON,
    SPRINTER_SEXP,
} sprinter_format_t;

typedef struct sprinter sprinter_t;

sprinter_t *sprinter_new (FILE *out, sprinter_format_t format);
/* Ends the output with a newline and frees the printer. */
void sprinter_free (sprinter_t *sp);

void sprinter_begin_map (sprinter_t *sp);
void sprinter_begin_list (sprinter_t *sp);
void sprinter_end (sprinter_t *sp);
void sprinter_key (sprinter_t *sp, const char *key);
void sprinter_string (sprinter_t *sp, const char *value); /* NULL prints null/nil */
void sprinter_integer (sprinter_t *sp, int64_t value);
void sprinter_double (sprinter_t *sp, double value);
void sprinter_boolean (sprinter_t *sp, bool value);
void sprinter_null (sprinter_t *sp);

#endif
