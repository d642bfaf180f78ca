#!/usr/bin/env bash
# tests/demo.sh - kith on a generated sample mailbox (make demo).
#
# Everything happens in a temporary directory with its own HOME and
# NOTMUCH_CONFIG: your own mail and notmuch configuration are never
# read or touched.  KITH_DEMO_MESSAGES sets the mailbox size (3000).

set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BUILD_DIR=$(cd "$BUILD" && pwd)
demo=$(mktemp -d "${TMPDIR:-/tmp}/kith-demo.XXXXXX")
trap 'rm -rf "$demo"' EXIT
export HOME="$demo/home" TZ=UTC
mkdir -p "$HOME"
unset NOTMUCH_PROFILE NOTMUCH_DATABASE XDG_CONFIG_HOME XDG_DATA_HOME
export PATH="$BUILD_DIR:$PATH"

say () { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

n=${KITH_DEMO_MESSAGES:-3000}
echo "Generating a sample mailbox of $n messages in $demo ..."
tests/gen-mailbox --messages "$n" --new-batch 150 "$demo/gen" >/dev/null
export NOTMUCH_CONFIG="$demo/gen/notmuch-config"
notmuch new --quiet

say notmuch kith index
notmuch kith index
say notmuch kith status
notmuch kith status

say "notmuch address --output=sender --output=recipients --deduplicate=address '*' | wc -l"
notmuch address --output=sender --output=recipients --deduplicate=address '*' | wc -l
echo "(every address in the mailbox: a link is not a relationship)"

say notmuch kith who --limit=15
notmuch kith who --limit=15
say "notmuch kith who | wc -l"
notmuch kith who | wc -l

top=$(notmuch kith who --limit=1 --format=json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
say notmuch kith show "$top"
notmuch kith show "$top" | head -30

cold=$(notmuch kith who --all --sort=recent --format=json |
       python3 -c 'import json,sys; print(next(c["address"] for c in json.load(sys.stdin) if c["tier"]=="none" and c["received"]>0 and not c["automated"]))')
say notmuch kith show "$cold"
notmuch kith show "$cold" | head -12
echo
echo "Now new mail arrives, with kith installed as notmuch's post-new hook:"
say notmuch kith install-hook
notmuch kith install-hook
mv "$demo/gen/new-mail" "$demo/gen/mail/incoming"
say notmuch new
notmuch new
say "notmuch count tag:no-history; notmuch count tag:request; notmuch count tag:introduced"
printf '%s no-history, %s requests, %s introductions among %s new messages\n' \
    "$(notmuch count tag:no-history)" "$(notmuch count tag:request)" \
    "$(notmuch count tag:introduced)" "$(notmuch count folder:incoming)"
say "notmuch search tag:request and not tag:no-history   # invitations from people you know"
notmuch search tag:request and not tag:no-history | head -8
say notmuch kith requests
notmuch kith requests | head -15
echo
echo "The sample mailbox is deleted on exit.  On your own mail: notmuch kith index && notmuch kith who"
