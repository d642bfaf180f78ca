/* install.h - notmuch kith install-hook and uninstall-hook
 *
 * Copyright © 2026 the kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef KITH_INSTALL_H
#define KITH_INSTALL_H

#include <glib.h>

/* The comment line that marks a hook script as kith's. */
#define KITH_HOOK_MARKER \
    "# installed by notmuch kith install-hook; remove with notmuch kith uninstall-hook"

/* The suffix a hook that was there before kith is moved to. */
#define KITH_HOOK_CHAINED_SUFFIX ".kith-chained"

/* Install kith into the notmuch hooks in HOOK_DIR (post-new and
 * post-insert), creating HOOK_DIR if needed.  KITH_COMMAND is how the
 * hook script runs kith (e.g. the absolute path of the running
 * notmuch-kith, so the hook works without PATH).  An executable hook
 * already there is chained: moved to NAME.kith-chained and run first
 * by kith's script.  Nothing is changed when either hook cannot be
 * installed.  With DRY_RUN, only says what it would do.  Prints what
 * it did to stdout; errors as "Error: ..." on stderr.  Returns an exit
 * status (0/1). */
int kith_install_hooks (const char *hook_dir, const char *kith_command, gboolean dry_run);

/* Remove kith's hook scripts from HOOK_DIR and move chained hooks
 * back, leaving what was there before kith_install_hooks.  A hook
 * that is not kith's is left alone.  Same output and status as
 * kith_install_hooks. */
int kith_uninstall_hooks (const char *hook_dir, gboolean dry_run);

#endif
