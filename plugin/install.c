/* install.c - notmuch kith install-hook and uninstall-hook
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * notmuch runs HOOK_DIR/post-new after "notmuch new" and
 * HOOK_DIR/post-insert after "notmuch insert", if access (X_OK)
 * allows it (a hook that exists but is not executable makes the
 * command fail; a missing one, or a dangling symbolic link, is
 * skipped).  install-hook writes there a small shell script that runs
 * "notmuch-kith hook".  An executable hook that was already there
 * (afew's "afew --tag --new", say) is chained: it is moved to
 * NAME.kith-chained and kith's script runs it first, with the same
 * arguments and standard input, and fails when it failed.
 * uninstall-hook removes kith's scripts and moves chained hooks back.
 *
 * Every change is atomic for a notmuch running at the same time: a
 * script is written to a temporary file in the hook directory, synced
 * and renamed over the hook; a hook to chain is first hard-linked to
 * its new name, then replaced by kith's script; uninstalling renames
 * the chained hook back over kith's script.  notmuch always finds
 * either the old hook or kith's whole script.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "install.h"

#define SCRIPT_MODE 0755
#define HOOK_DIR_MODE 0755
/* kith's scripts are a few hundred bytes: a bigger file is not one. */
#define MAX_SCRIPT_SIZE (64 * 1024)

static const char *const hook_names[] = { "post-new", "post-insert" };

#define N_HOOKS G_N_ELEMENTS (hook_names)

typedef enum {
    HOOK_ABSENT,  /* nothing by that name */
    HOOK_KITH,    /* kith's script */
    HOOK_FOREIGN, /* another hook that notmuch runs: to chain */
    HOOK_NOT_RUN, /* another file that notmuch does not run */
} hook_kind_t;

typedef struct {
    const char *name; /* "post-new" */
    char *path;       /* HOOK_DIR/post-new */
    char *chained;    /* HOOK_DIR/post-new.kith-chained */
    hook_kind_t kind;
    const char *not_run;  /* HOOK_NOT_RUN: why notmuch does not run it */
    mode_t mode;          /* HOOK_KITH: permission bits */
    char *script;         /* HOOK_KITH: its text */
    gboolean has_chained; /* CHAINED exists */
} hook_t;

static void
hook_clear (hook_t *hook)
{
    g_free (hook->path);
    g_free (hook->chained);
    g_free (hook->script);
}

/* Does PATH exist (without following a symbolic link)?  FALSE with
 * *ERRNUM set when it cannot be told. */
static gboolean
path_exists (const char *path, gboolean *exists, int *errnum)
{
    struct stat st;

    if (lstat (path, &st) == 0) {
	*exists = TRUE;
	return TRUE;
    }
    *errnum = errno;
    if (errno == ENOENT) {
	*exists = FALSE;
	return TRUE;
    }
    return FALSE;
}

/* Read the regular file PATH, at most MAX_SCRIPT_SIZE bytes (a longer
 * file gives an empty string).  NULL with errno set on error. */
static char *
read_script (const char *path)
{
    char *text = g_malloc (MAX_SCRIPT_SIZE + 1);
    size_t len = 0;
    int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0) {
	g_free (text);
	return NULL;
    }
    while (len <= MAX_SCRIPT_SIZE) {
	ssize_t n = read (fd, text + len, MAX_SCRIPT_SIZE + 1 - len);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0) {
	    int errnum = errno;
	    close (fd);
	    g_free (text);
	    errno = errnum;
	    return NULL;
	}
	if (n == 0)
	    break;
	len += (size_t) n;
    }
    close (fd);
    if (len > MAX_SCRIPT_SIZE)
	len = 0;
    text[len] = '\0';
    return text;
}

static gboolean
is_kith_script (const char *text)
{
    return strstr (text, "\n" KITH_HOOK_MARKER "\n") != NULL;
}

/* Find out what HOOK_DIR/NAME is (HOOK_DIR_EXISTS: whether there is a
 * hook directory at all).  FALSE after printing an error. */
static gboolean
examine_hook (const char *hook_dir, gboolean hook_dir_exists, const char *name, hook_t *hook)
{
    struct stat st;
    int errnum = 0;

    hook->name = name;
    hook->path = g_build_filename (hook_dir, name, NULL);
    hook->chained = g_strconcat (hook->path, KITH_HOOK_CHAINED_SUFFIX, NULL);
    hook->kind = HOOK_ABSENT;
    if (! hook_dir_exists)
	return TRUE;
    if (! path_exists (hook->chained, &hook->has_chained, &errnum)) {
	g_printerr ("Error: cannot access '%s': %s\n", hook->chained, g_strerror (errnum));
	return FALSE;
    }
    if (lstat (hook->path, &st) != 0) {
	if (errno == ENOENT)
	    return TRUE;
	g_printerr ("Error: cannot access '%s': %s\n", hook->path, g_strerror (errno));
	return FALSE;
    }
    if (S_ISREG (st.st_mode)) {
	char *text = read_script (hook->path);
	if (text == NULL) {
	    g_printerr ("Error: cannot read '%s': %s\n", hook->path, g_strerror (errno));
	    return FALSE;
	}
	if (is_kith_script (text)) {
	    hook->kind = HOOK_KITH;
	    hook->mode = st.st_mode & 07777;
	    hook->script = text;
	    return TRUE;
	}
	g_free (text);
    }
    /* As notmuch decides whether to run it (hooks.c). */
    if (S_ISDIR (st.st_mode)) {
	hook->kind = HOOK_NOT_RUN;
	hook->not_run = "it is a directory (move it away)";
    } else if (access (hook->path, X_OK) == 0) {
	hook->kind = HOOK_FOREIGN;
    } else if (errno == ENOENT) {
	hook->kind = HOOK_NOT_RUN;
	hook->not_run = "it is a dangling symbolic link, which notmuch skips (remove it)";
    } else if (errno == EACCES) {
	hook->kind = HOOK_NOT_RUN;
	hook->not_run = "it is not executable, so notmuch cannot run it (make it "
			"executable to have kith run it first, or remove it)";
    } else {
	g_printerr ("Error: cannot access '%s': %s\n", hook->path, g_strerror (errno));
	return FALSE;
    }
    return TRUE;
}

/* The hook directory: FALSE after printing an error. */
static gboolean
examine_hook_dir (const char *hook_dir, gboolean *exists)
{
    struct stat st;

    if (stat (hook_dir, &st) != 0) {
	if (errno == ENOENT) {
	    *exists = FALSE;
	    return TRUE;
	}
	g_printerr ("Error: cannot access '%s': %s\n", hook_dir, g_strerror (errno));
	return FALSE;
    }
    if (! S_ISDIR (st.st_mode)) {
	g_printerr ("Error: cannot use '%s' as the hook directory: %s\n", hook_dir,
		    g_strerror (ENOTDIR));
	return FALSE;
    }
    *exists = TRUE;
    return TRUE;
}

/* Make the renames and unlinks in DIR durable. */
static gboolean
sync_dir (const char *dir)
{
    int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0 || (fsync (fd) != 0 && errno != EINVAL)) {
	g_printerr ("Error: cannot sync directory '%s': %s\n", dir, g_strerror (errno));
	if (fd >= 0)
	    close (fd);
	return FALSE;
    }
    close (fd);
    return TRUE;
}

static gboolean
write_all (int fd, const char *data, size_t len)
{
    while (len > 0) {
	ssize_t n = write (fd, data, len);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0)
	    return FALSE;
	data += n;
	len -= (size_t) n;
    }
    return TRUE;
}

/* Replace (or create) PATH in DIR by an executable file holding TEXT:
 * a temporary file in DIR, synced, then renamed over PATH. */
static gboolean
write_script (const char *dir, const char *name, const char *path, const char *text)
{
    g_autofree char *base = g_strdup_printf (".%s.kith-XXXXXX", name);
    g_autofree char *tmp = g_build_filename (dir, base, NULL);
    int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
    int errnum;

    if (fd < 0) {
	g_printerr ("Error: cannot create '%s': %s\n", tmp, g_strerror (errno));
	return FALSE;
    }
    if (fchmod (fd, SCRIPT_MODE) != 0 || ! write_all (fd, text, strlen (text)) || fsync (fd) != 0) {
	errnum = errno;
	close (fd);
	g_unlink (tmp);
	g_printerr ("Error: cannot write '%s': %s\n", tmp, g_strerror (errnum));
	return FALSE;
    }
    if (close (fd) != 0) {
	errnum = errno;
	g_unlink (tmp);
	g_printerr ("Error: cannot write '%s': %s\n", tmp, g_strerror (errnum));
	return FALSE;
    }
    if (rename (tmp, path) != 0) {
	errnum = errno;
	g_unlink (tmp);
	g_printerr ("Error: cannot rename '%s' to '%s': %s\n", tmp, path, g_strerror (errnum));
	return FALSE;
    }
    return sync_dir (dir);
}

/* kith's script for hook NAME, running KITH_COMMAND; with CHAINED, it
 * first runs NAME.kith-chained. */
static char *
hook_script (const char *name, const char *kith_command, gboolean chained)
{
    g_autofree char *command = g_shell_quote (kith_command);

    if (! chained)
	return g_strdup_printf ("#!/bin/sh\n" KITH_HOOK_MARKER "\n"
				"exec %s hook\n",
				command);
    return g_strdup_printf ("#!/bin/sh\n" KITH_HOOK_MARKER "\n"
			    "# The %s hook that was here before kith runs first, with the same\n"
			    "# arguments and input; the hook fails when either fails.\n"
			    "\"$(dirname \"$0\")/%s" KITH_HOOK_CHAINED_SUFFIX "\" \"$@\"\n"
			    "chained=$?\n"
			    "%s hook\n"
			    "kith=$?\n"
			    "if [ \"$chained\" -ne 0 ]; then\n"
			    "    exit \"$chained\"\n"
			    "fi\n"
			    "exit \"$kith\"\n",
			    name, name, command);
}

/* Move the foreign hook at HOOK->path to HOOK->chained, then write
 * SCRIPT in its place; on failure, put the old hook back. */
static gboolean
chain_hook (const char *hook_dir, hook_t *hook, const char *script)
{
    gboolean linked = TRUE;

    /* A hard link (to a symbolic link itself, not its target) keeps
     * the old hook in place until kith's script replaces it, and
     * fails if the new name is taken. */
    if (linkat (AT_FDCWD, hook->path, AT_FDCWD, hook->chained, 0) != 0) {
	gboolean exists = FALSE;
	int errnum = errno;
	if (errnum == EEXIST) {
	    g_printerr ("Error: cannot chain '%s': '%s' already exists\n", hook->path,
			hook->chained);
	    return FALSE;
	}
	if (errnum != EPERM && errnum != EOPNOTSUPP && errnum != EMLINK && errnum != EXDEV) {
	    g_printerr ("Error: cannot link '%s' to '%s': %s\n", hook->path, hook->chained,
			g_strerror (errnum));
	    return FALSE;
	}
	/* No hard links on this file system: rename. */
	if (! path_exists (hook->chained, &exists, &errnum) || exists) {
	    g_printerr ("Error: cannot chain '%s': '%s' %s\n", hook->path, hook->chained,
			exists ? "already exists" : g_strerror (errnum));
	    return FALSE;
	}
	if (rename (hook->path, hook->chained) != 0) {
	    g_printerr ("Error: cannot rename '%s' to '%s': %s\n", hook->path, hook->chained,
			g_strerror (errno));
	    return FALSE;
	}
	linked = FALSE;
    }
    if (! write_script (hook_dir, hook->name, hook->path, script)) {
	if (linked ? g_unlink (hook->chained) != 0 : rename (hook->chained, hook->path) != 0)
	    g_printerr ("Error: cannot restore '%s' from '%s': %s\n", hook->path, hook->chained,
			g_strerror (errno));
	return FALSE;
    }
    return TRUE;
}

int
kith_install_hooks (const char *hook_dir, const char *kith_command, gboolean dry_run)
{
    hook_t hooks[N_HOOKS] = { 0 };
    gboolean dir_exists = FALSE;
    gboolean ok = TRUE;
    size_t i;

    g_return_val_if_fail (hook_dir != NULL && kith_command != NULL, 1);

    if (*kith_command == '\0' || (strchr (kith_command, '/') != NULL && ! g_path_is_absolute (kith_command))) {
	g_printerr ("Error: the hook cannot run kith as '%s': give an absolute path\n",
		    kith_command);
	return 1;
    }
    if (! examine_hook_dir (hook_dir, &dir_exists))
	return 1;

    /* Find out everything first: if either hook cannot be installed,
     * change nothing. */
    for (i = 0; i < N_HOOKS; i++) {
	hook_t *hook = &hooks[i];
	if (! examine_hook (hook_dir, dir_exists, hook_names[i], hook)) {
	    ok = FALSE;
	} else if (hook->kind == HOOK_NOT_RUN) {
	    g_printerr ("Error: cannot install kith's %s hook: '%s' is in the way, and kith "
			"does not chain it: %s\n",
			hook->name, hook->path, hook->not_run);
	    ok = FALSE;
	} else if (hook->kind == HOOK_FOREIGN && hook->has_chained) {
	    g_printerr ("Error: cannot chain '%s': '%s' already exists (move one of them away)\n",
			hook->path, hook->chained);
	    ok = FALSE;
	}
    }
    if (! ok)
	goto DONE;

    if (! dir_exists) {
	if (dry_run) {
	    printf ("Would create directory '%s'\n", hook_dir);
	} else if (g_mkdir_with_parents (hook_dir, HOOK_DIR_MODE) != 0) {
	    g_printerr ("Error: cannot create directory '%s': %s\n", hook_dir, g_strerror (errno));
	    ok = FALSE;
	    goto DONE;
	} else {
	    printf ("Created directory '%s'\n", hook_dir);
	}
    }

    for (i = 0; i < N_HOOKS && ok; i++) {
	hook_t *hook = &hooks[i];
	gboolean chained = hook->kind == HOOK_FOREIGN || hook->has_chained;
	g_autofree char *script = hook_script (hook->name, kith_command, chained);
	g_autofree char *runs_first = g_strdup_printf (chained ? " (it runs '%s' first)" : "%.0s",
						       hook->chained);

	switch (hook->kind) {
	case HOOK_ABSENT:
	    if (! dry_run)
		ok = write_script (hook_dir, hook->name, hook->path, script);
	    if (ok)
		printf ("%s '%s'%s\n", dry_run ? "Would install" : "Installed", hook->path,
			runs_first);
	    break;
	case HOOK_KITH:
	    if (hook->mode == SCRIPT_MODE && strcmp (hook->script, script) == 0) {
		printf ("kith's %s hook is already installed: '%s'\n", hook->name, hook->path);
		break;
	    }
	    if (! dry_run)
		ok = write_script (hook_dir, hook->name, hook->path, script);
	    if (ok)
		printf ("%s '%s'%s\n", dry_run ? "Would update" : "Updated", hook->path,
			runs_first);
	    break;
	case HOOK_FOREIGN:
	    if (! dry_run)
		ok = chain_hook (hook_dir, hook, script);
	    if (ok) {
		printf ("%s '%s' to '%s'\n", dry_run ? "Would move" : "Moved", hook->path,
			hook->chained);
		printf ("%s '%s'%s\n", dry_run ? "Would install" : "Installed", hook->path,
			runs_first);
	    }
	    break;
	case HOOK_NOT_RUN:
	    g_assert_not_reached ();
	}
    }

DONE:
    for (i = 0; i < N_HOOKS; i++)
	hook_clear (&hooks[i]);
    return ok ? 0 : 1;
}

int
kith_uninstall_hooks (const char *hook_dir, gboolean dry_run)
{
    gboolean dir_exists = FALSE;
    gboolean ok = TRUE;
    size_t i;

    g_return_val_if_fail (hook_dir != NULL, 1);

    if (! examine_hook_dir (hook_dir, &dir_exists))
	return 1;
    for (i = 0; i < N_HOOKS; i++) {
	hook_t hook = { 0 };

	if (! examine_hook (hook_dir, dir_exists, hook_names[i], &hook)) {
	    ok = FALSE;
	} else if (hook.kind == HOOK_FOREIGN || hook.kind == HOOK_NOT_RUN) {
	    printf ("Left '%s' alone: it is not kith's hook\n", hook.path);
	    if (hook.has_chained) {
		g_printerr ("Error: cannot restore '%s' from '%s': '%s' is not kith's hook "
			    "(move it away to restore the chained hook)\n",
			    hook.path, hook.chained, hook.path);
		ok = FALSE;
	    }
	} else if (hook.has_chained) {
	    /* Over kith's script, if any, in one step. */
	    if (! dry_run && rename (hook.chained, hook.path) != 0) {
		g_printerr ("Error: cannot rename '%s' to '%s': %s\n", hook.chained, hook.path,
			    g_strerror (errno));
		ok = FALSE;
	    } else if (! dry_run && ! sync_dir (hook_dir)) {
		ok = FALSE;
	    } else {
		printf ("%s '%s' from '%s'\n", dry_run ? "Would restore" : "Restored", hook.path,
			hook.chained);
	    }
	} else if (hook.kind == HOOK_KITH) {
	    if (! dry_run && g_unlink (hook.path) != 0) {
		g_printerr ("Error: cannot remove '%s': %s\n", hook.path, g_strerror (errno));
		ok = FALSE;
	    } else if (! dry_run && ! sync_dir (hook_dir)) {
		ok = FALSE;
	    } else {
		printf ("%s '%s'\n", dry_run ? "Would remove" : "Removed", hook.path);
	    }
	} else {
	    printf ("kith's %s hook is not installed: '%s'\n", hook.name, hook.path);
	}
	hook_clear (&hook);
    }
    return ok ? 0 : 1;
}
