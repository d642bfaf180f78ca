#!/usr/bin/env bash
# T076-man: every verb has a manual page that renders without warnings,
# the pages and the options each verb parses agree (both ways), and
# `VERB --help` and `help VERB` show the verb's page.
. "$(dirname "$0")/lib.sh"

MAN_SRC="$SRC_DIR/plugin/man"
mkdir -p "$TMP/nomanpath"

kith help >"$TMP/help.txt"
awk '/^Verbs:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }' \
    "$TMP/help.txt" >"$TMP/verbs"

# page VERB: the source of the verb's manual page.
page () {
    if [ "$1" = help ]; then
	echo "$MAN_SRC/man1/notmuch-kith.1"
    else
	echo "$MAN_SRC/man1/notmuch-kith-$1.1"
    fi
}

# source_text FILE: the page's roff source as plain text (following .so).
source_text () {
    local f=$1
    if head -1 "$f" | grep -q '^\.so '; then
	f="$MAN_SRC/$(head -1 "$f" | cut -d' ' -f2)"
    fi
    sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\(dq/"/g' "$f"
}

test_begin "notmuch kith help lists the verbs (at least the nine of the first release)"
test_expect_equal "yes" "$([ "$(wc -l <"$TMP/verbs")" -ge 10 ] && grep -qx uninstall-hook "$TMP/verbs" && echo yes)"

test_begin "every verb listed by notmuch kith help has a manual page"
missing=""
while read -r verb; do
    [ -f "$(page "$verb")" ] || missing="$missing $verb"
done <"$TMP/verbs"
test_expect_equal "" "$missing"

test_begin "every page renders with man -l without a warning"
bad=""
for f in "$MAN_SRC"/man1/*.1; do
    (cd "$MAN_SRC" && MANWIDTH=80 man --warnings -l "man1/$(basename "$f")") >"$TMP/render.txt" 2>"$TMP/render.err"
    if [ -s "$TMP/render.err" ] || ! grep -q '^NAME' "$TMP/render.txt"; then
	bad="$bad $(basename "$f"): $(head -3 "$TMP/render.err")"
    fi
done
test_expect_equal "" "$bad"

test_begin "the render check can fail: an unknown macro is a warning"
printf '.TH X 1\n.SH NAME\nx \\- y\n.XY unknown\n' >"$TMP/bad.1"
MANWIDTH=80 man --warnings -l "$TMP/bad.1" >/dev/null 2>"$TMP/bad.err"
test_expect_equal "yes" "$([ -s "$TMP/bad.err" ] && echo yes)"

# missing_options VERB PAGE-TEXT: the options VERB -h lists that PAGE-TEXT never mentions.
missing_options () {
    local opt
    kith "$1" -h >"$TMP/h.txt" 2>&1
    for opt in $(grep -oE '^  +(-[a-zA-Z], )?--[a-z][a-z-]*' "$TMP/h.txt" | tr -d ' ,' | sed 's/\(-[a-zA-Z]\)\(--\)/\1 \2/'); do
	grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" "$2" || printf ' %s:%s' "$1" "$opt"
    done
}

test_begin "each page mentions every option its verb parses (from VERB -h)"
drift=""
while read -r verb; do
    [ "$verb" = help ] && continue
    source_text "$(page "$verb")" >"$TMP/page.txt"
    drift="$drift$(missing_options "$verb" "$TMP/page.txt")"
done <"$TMP/verbs"
test_expect_equal "" "$drift"

test_begin "each option in a page's synopsis is parsed by its verb, each --format value named in its -h"
drift=""
while read -r verb; do
    [ "$verb" = help ] && continue
    kith "$verb" -h >"$TMP/h.txt" 2>&1
    source_text "$(page "$verb")" | sed -n '/^\.SH SYNOPSIS/,/^\.SH DESC/p' >"$TMP/synopsis.txt"
    for opt in $(grep -oE -- '--[a-z][a-z-]*' "$TMP/synopsis.txt" | sort -u); do
	grep -qE -- "$opt\\b" "$TMP/h.txt" || drift="$drift $verb:$opt"
    done
    for value in $(grep -oE -- '--format=[a-z|]+' "$TMP/synopsis.txt" | head -1 | cut -d= -f2 | tr '|' ' '); do
	grep -E -- '--format' "$TMP/h.txt" | grep -qw "$value" || drift="$drift $verb:--format=$value"
    done
done <"$TMP/verbs"
test_expect_equal "" "$drift"

test_begin "the drift check can fail: options missing from a page are found"
source_text "$(page tag)" | sed 's/dry-run/dry-walk/g; s/\\-n\b//g; s/ -n\b//g' >"$TMP/page.txt"
test_expect_equal " tag:-n tag:--dry-run" "$(missing_options tag "$TMP/page.txt")"

test_begin "VERB --help shows the verb's manual page when man finds it"
bad=""
while read -r verb; do
    [ "$verb" = help ] && continue
    MANPATH="$MAN_SRC" MANWIDTH=80 kith "$verb" --help >"$TMP/out.txt" 2>&1
    want=$(echo "notmuch-kith-$verb" | tr a-z A-Z)
    [ "$verb" = uninstall-hook ] && want=NOTMUCH-KITH-INSTALL-HOOK
    head -1 "$TMP/out.txt" | grep -q "^$want(1)" || bad="$bad $verb"
done <"$TMP/verbs"
test_expect_equal "" "$bad"

test_begin "VERB --help without the page falls back to the option summary"
MANPATH="$TMP/nomanpath" kith who --help >"$TMP/out.txt" 2>&1
test_expect_equal "0 1" "$? $(grep -c -- '--since=DATE' "$TMP/out.txt")"

test_begin "VERB -h is always the option summary"
MANPATH="$MAN_SRC" kith tag -h >"$TMP/out.txt" 2>&1
test_expect_equal "1" "$(grep -c -- '--dry-run' "$TMP/out.txt")"

test_begin "notmuch kith help VERB shows the verb's page; help help the main page"
MANPATH="$MAN_SRC" MANWIDTH=80 notmuch kith help show >"$TMP/show.txt" 2>&1
MANPATH="$MAN_SRC" MANWIDTH=80 notmuch kith help help >"$TMP/main.txt" 2>&1
test_expect_equal "NOTMUCH-KITH-SHOW(1) NOTMUCH-KITH(1)" "$(head -1 "$TMP/show.txt" | cut -d' ' -f1) $(head -1 "$TMP/main.txt" | cut -d' ' -f1)"

test_begin "notmuch kith help VERB without man pages prints the options; an unknown verb fails"
MANPATH="$TMP/nomanpath" kith help status >"$TMP/out.txt" 2>&1
s1=$?
kith help no-such-verb >"$TMP/err.txt" 2>&1
s2=$?
test_expect_equal "0 1 1" "$s1 $(grep -c '^Usage:' "$TMP/out.txt") $s2"

test_begin "notmuch help kith still shows the main page"
MANPATH="$MAN_SRC" notmuch help kith >"$TMP/man.txt" 2>&1
test_expect_equal "1" "$(grep -c '^NOTMUCH-KITH(1)' "$TMP/man.txt" | sed 's/^[1-9][0-9]*$/1/')"

test_done
