/* sprinter.c - JSON and S-expression output
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib.h>
#include <string.h>

#include "sprinter.h"

#define MAX_DEPTH 32

struct sprinter {
    FILE *out;
    sprinter_format_t format;
    int depth;
    bool is_map[MAX_DEPTH];
    bool first[MAX_DEPTH]; /* nothing printed yet at this level */
    bool after_key;
};

sprinter_t *
sprinter_new (FILE *out, sprinter_format_t format)
{
    sprinter_t *sp = g_new0 (sprinter_t, 1);

    sp->out = out;
    sp->format = format;
    sp->first[0] = true;
    return sp;
}

void
sprinter_free (sprinter_t *sp)
{
    if (sp == NULL)
	return;
    fputc ('\n', sp->out);
    g_free (sp);
}

/* Print the separator due before a value (or a key). */
static void
separate (sprinter_t *sp)
{
    if (sp->after_key) {
	sp->after_key = false;
	return;
    }
    if (! sp->first[sp->depth])
	fputs (sp->format == SPRINTER_JSON ? ", " : " ", sp->out);
    sp->first[sp->depth] = false;
}

static void
begin (sprinter_t *sp, bool map)
{
    separate (sp);
    if (sp->format == SPRINTER_JSON)
	fputc (map ? '{' : '[', sp->out);
    else
	fputc ('(', sp->out);
    if (sp->depth + 1 < MAX_DEPTH)
	sp->depth++;
    sp->is_map[sp->depth] = map;
    sp->first[sp->depth] = true;
}

void
sprinter_begin_map (sprinter_t *sp)
{
    begin (sp, true);
}

void
sprinter_begin_list (sprinter_t *sp)
{
    begin (sp, false);
}

void
sprinter_end (sprinter_t *sp)
{
    if (sp->format == SPRINTER_JSON)
	fputc (sp->is_map[sp->depth] ? '}' : ']', sp->out);
    else
	fputc (')', sp->out);
    if (sp->depth > 0)
	sp->depth--;
}

static void
quoted (sprinter_t *sp, const char *s)
{
    fputc ('"', sp->out);
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
	switch (*p) {
	case '"':
	    fputs ("\\\"", sp->out);
	    break;
	case '\\':
	    fputs ("\\\\", sp->out);
	    break;
	case '\n':
	    fputs ("\\n", sp->out);
	    break;
	case '\t':
	    fputs ("\\t", sp->out);
	    break;
	case '\r':
	    fputs ("\\r", sp->out);
	    break;
	default:
	    if (*p < 0x20)
		fprintf (sp->out, sp->format == SPRINTER_JSON ? "\\u%04x" : "\\%03o", *p);
	    else
		fputc (*p, sp->out);
	}
    }
    fputc ('"', sp->out);
}

void
sprinter_key (sprinter_t *sp, const char *key)
{
    separate (sp);
    if (sp->format == SPRINTER_JSON) {
	quoted (sp, key);
	fputs (": ", sp->out);
    } else {
	fprintf (sp->out, ":%s ", key);
    }
    sp->after_key = true;
}

void
sprinter_string (sprinter_t *sp, const char *value)
{
    if (value == NULL) {
	sprinter_null (sp);
	return;
    }
    separate (sp);
    if (g_utf8_validate (value, -1, NULL)) {
	quoted (sp, value);
    } else {
	g_autofree char *valid = g_utf8_make_valid (value, -1);
	quoted (sp, valid);
    }
}

void
sprinter_integer (sprinter_t *sp, int64_t value)
{
    separate (sp);
    fprintf (sp->out, "%" G_GINT64_FORMAT, (gint64) value);
}

void
sprinter_double (sprinter_t *sp, double value)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    separate (sp);
    fputs (g_ascii_formatd (buf, sizeof (buf), "%.2f", value), sp->out);
}

void
sprinter_boolean (sprinter_t *sp, bool value)
{
    separate (sp);
    if (sp->format == SPRINTER_JSON)
	fputs (value ? "true" : "false", sp->out);
    else
	fputs (value ? "t" : "nil", sp->out);
}

void
sprinter_null (sprinter_t *sp)
{
    separate (sp);
    fputs (sp->format == SPRINTER_JSON ? "null" : "nil", sp->out);
}
