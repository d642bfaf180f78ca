/* replay-main.c - run a fuzz target on files, without libFuzzer
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   replay-<name> FILE|DIR...
 *
 * Linked with a target and the library built without sanitizers, for
 * running the corpus and the regressions under valgrind: ASan sees only
 * instrumented code, so a read past a buffer inside GLib, GMime or
 * PCRE2 (which kith hands its strings to) goes unnoticed by the fuzzer
 * unless it faults.  Valgrind sees those.  (run-fuzz.sh, FUZZ_VALGRIND=1)
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv) __attribute__ ((weak));
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
run_file (const char *path)
{
    char *data = NULL;
    gsize len = 0;
    GError *error = NULL;
    uint8_t *copy;

    fprintf (stderr, "replay: %s\n", path);
    if (! g_file_get_contents (path, &data, &len, &error)) {
	fprintf (stderr, "replay: %s\n", error->message);
	exit (2);
    }
    /* An exactly sized copy, as libFuzzer gives (no trailing NUL). */
    copy = g_memdup2 (data, len ? len : 1);
    LLVMFuzzerTestOneInput (copy, len);
    g_free (copy);
    g_free (data);
}

int
main (int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
	LLVMFuzzerInitialize (&argc, &argv);
    for (int i = 1; i < argc; i++) {
	if (g_file_test (argv[i], G_FILE_TEST_IS_DIR)) {
	    GDir *dir = g_dir_open (argv[i], 0, NULL);
	    const char *name;

	    while (dir && (name = g_dir_read_name (dir))) {
		char *path = g_build_filename (argv[i], name, NULL);

		if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
		    run_file (path);
		g_free (path);
	    }
	    if (dir)
		g_dir_close (dir);
	} else {
	    run_file (argv[i]);
	}
    }
    return 0;
}
