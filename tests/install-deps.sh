#!/bin/sh
# tests/install-deps.sh - install kith's build and test dependencies
# with apt-get when they are missing (Debian, Ubuntu).  Elsewhere, or
# when everything is present, it only checks and says what is missing.
#
#   KITH_EXTRA_PACKAGES="valgrind ..."  also install these (make fuzz:
#                                       clang libclang-rt-14-dev)

set -e

PACKAGES="notmuch libnotmuch-dev libgmime-3.0-dev libglib2.0-dev libsqlite3-dev \
pkg-config gcc make python3 man-db groff-base bash-completion python3-vobject ${KITH_EXTRA_PACKAGES:-}"

if ! command -v dpkg-query >/dev/null 2>&1; then
    for tool in notmuch pkg-config cc python3; do
	command -v $tool >/dev/null 2>&1 || echo "kith: please install $tool (and libnotmuch, GMime 3, GLib, SQLite headers)" >&2
    done
    exit 0
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
	missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "kith: installing missing packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "kith: run as root: apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
