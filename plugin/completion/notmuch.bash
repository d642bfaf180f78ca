# bash completion for notmuch, with kith among its verbs    -*- shell-script -*-
#
# Copyright © 2026 the kith developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bash-completion looks for the completion of the command notmuch in
# ~/.local/share/bash-completion/completions, then in
# /usr/local/share/..., then /usr/share/...: installed in one of the
# first two, this file is found before notmuch's own.  It loads
# notmuch's own completion from the directories after it, then kith's
# (the file notmuch-kith beside it), and completes `notmuch` with both.

_notmuch_kith_load_notmuch () {
    local self=${BASH_SOURCE[0]} dir f
    local -a dirs more
    dirs=("${BASH_COMPLETION_USER_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/bash-completion}/completions")
    IFS=: read -ra more <<<"${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
    for dir in "${more[@]}"; do
	dirs+=("$dir/bash-completion/completions")
    done
    dirs+=(/usr/share/bash-completion/completions)
    for dir in "${dirs[@]}"; do
	for f in "$dir/notmuch" "$dir/notmuch.bash" "$dir/_notmuch"; do
	    if [ -f "$f" ] && ! [ "$f" -ef "$self" ] && ! grep -q _notmuch_kith_load_notmuch "$f"; then
		. "$f"
		return 0
	    fi
	done
    done
    return 1
}

_notmuch_kith_load_notmuch
. "${BASH_SOURCE[0]%/*}/notmuch-kith"
complete -F _notmuch_with_kith notmuch
