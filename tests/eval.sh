#!/usr/bin/env bash
# tests/eval.sh - kith's yardstick (issue 21): kith against a reference read
# off real mailboxes, one block per mailbox and a final table.  Run by
# `make eval`; not part of `make check`.
#
#   tests/eval.sh [--generated]
#
# Every mailbox in the table of $KITH_EVAL_CORPORA/README.md (default
# ../shared/corpora/real beside the source tree) is copied into a temporary
# directory, indexed by the real notmuch under its owner's addresses from
# that table (in a temporary HOME; nothing is written into the corpora),
# then kith index, kith who --tier=none --format=json and kith who
# --limit=20 are run, the hook mode (hook_mode below), the complete
# mode (complete_mode: tests/eval-complete.py) and the kept-current
# complete mode (roll_mode).
# tests/eval-reference.py reads the same mail with
# Python's email package and its own rules (never kith's) and prints the
# block: contacts per tier, the reference ("all": direct mail both ways,
# not automated, not a list; "strong": at least 2 each way over more than
# a week), recall and precision of tier weak+, the violations read off the
# mail, the findings and the top 20 of `who` with the reference's direct
# counts beside each.  With --generated (make eval GENERATED=1) a
# 10000-message tests/gen-mailbox mailbox is measured too, also against the
# generator's truth by intent (truth.tsv: listed yes/no, known_ok).
#
# Each mailbox runs in the background as `eval.sh --one OUT MAILDIR OWNERS
# [CONFIG]` under `timeout 600` (KITH_EVAL_TIMEOUT); one failing does not
# stop the others, and then the logs are kept and named (KITH_KEEP_TMP=1
# keeps everything).  Without the corpora the script says so and exits 0.
# Build first (make); BUILD names the build directory.

set -u

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=$(dirname "$TESTS_DIR")
BUILD_DIR="$SRC_DIR/${BUILD:-build}"
KITH="$BUILD_DIR/notmuch-kith"
REF="$TESTS_DIR/eval-reference.py"
CM="$TESTS_DIR/eval-complete.py"
PYTHON=${PYTHON:-python3}
MAILBOX_TIMEOUT=${KITH_EVAL_TIMEOUT:-600}

unset NOTMUCH_PROFILE NOTMUCH_DATABASE XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME
unset XDG_RUNTIME_DIR MAILDIR
export TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8

say () {
    printf '%s\n' "$*" >&2
}

# one_mailbox OUT MAILDIR OWNERS [CONFIG]: index one mailbox and write
# OUT/block.txt and OUT/row.tsv (run as `eval.sh --one ...` under timeout).
# Without CONFIG, MAILDIR is copied to OUT/mail and a notmuch config is
# written for OWNERS; with CONFIG (a generated mailbox) MAILDIR is used as is.
one_mailbox () {
    local out=$1 maildir=$2 owners=$3 config=${4:-} primary others
    export HOME="$out/home"
    mkdir -p "$HOME" || return 1
    if [ -z "$config" ]; then
	echo "== copy $maildir"
	cp -R "$maildir" "$out/mail" || return 1
	primary=${owners%%;*}
	others=${owners#"$primary"}
	others=${others#;}
	config="$out/notmuch-config"
	cat >"$config" <<CONF || return 1
[database]
path=$out/mail
[user]
primary_email=$primary
other_email=$others
[new]
tags=unread;inbox;
ignore=
[search]
exclude_tags=deleted;spam;
[maildir]
synchronize_flags=false
CONF
    fi
    export NOTMUCH_CONFIG="$config"
    echo "== notmuch new" && notmuch new --quiet &&
	echo "== kith index" && "$KITH" index &&
	echo "== kith who --tier=none --format=json" &&
	"$KITH" who --tier=none --format=json >"$out/all.json" &&
	echo "== kith who --limit=20" && "$KITH" who --limit=20 >"$out/top.txt" &&
	echo "== reference" && "$PYTHON" "$REF" reference "$maildir" "$owners" "$out/ref.json" &&
	echo "== report" &&
	"$PYTHON" "$REF" report "$(basename "$out")" "$out/ref.json" "$out/all.json" \
	    "$out/top.txt" "$out/row.tsv" >"$out/block.txt" &&
	hook_mode "$out" "$maildir" "$owners" "$config" &&
	complete_mode "$out" "$maildir" "$owners" "$config" &&
	roll_mode "$out" "$maildir" "$owners" "$config"
}

# hook_mode OUT MAILDIR OWNERS CONFIG: the triage of a real mailbox as it
# arrives.  The first 85 % of the mail by date is the history (notmuch
# new, kith index, install-hook); the rest arrives through notmuch new,
# which runs the hook.  A no-history verdict on someone with a strong
# reference history in the first part is wrong.  Appends to the block.
hook_mode () {
    local out=$1 maildir=$2 owners=$3 config=$4 hook=$1/hook
    mkdir -p "$hook/mail/cur" "$hook/mail/new" "$hook/mail/tmp" "$hook/history" "$hook/later" || return 1
    echo "== hook mode: split" &&
	"$PYTHON" "$REF" split "$maildir" 0.85 "$hook/history" "$hook/later" &&
	cp "$hook/history/"* "$hook/mail/cur/" &&
	sed "s|^path=.*|path=$hook/mail|" "$config" >"$hook/notmuch-config" || return 1
    (
	export NOTMUCH_CONFIG="$hook/notmuch-config"
	echo "== hook mode: history" && notmuch new --quiet --no-hooks &&
	    "$KITH" index && "$KITH" install-hook >/dev/null &&
	    echo "== hook mode: notmuch new with the hook" &&
	    later=$(ls "$hook/later" | wc -l) &&
	    mv "$hook/later/"* "$hook/mail/new/" && notmuch new --quiet 2>"$hook/new.err" &&
	    echo "== hook mode: verdicts" &&
	    echo "$later $(notmuch count tag:no-history) $(notmuch count tag:request)" >"$hook/counts" &&
	    notmuch address --output=sender --deduplicate=address tag:no-history >"$hook/senders.txt"
    ) || return 1
    "$PYTHON" "$REF" reference "$hook/history" "$owners" "$hook/ref.json" &&
	"$PYTHON" "$REF" hookreport "$hook/ref.json" "$hook/senders.txt" "$hook/counts" \
	    "$out/hook.tsv" >>"$out/block.txt" &&
	NOTMUCH_CONFIG="$hook/notmuch-config" ways_in "$hook/senders.txt" >>"$out/block.txt"
}

# ways_in SENDERS: `at` and `paths` on the whole mailbox: the
# organisations known best, and how many of the hook's no-history
# SENDERS someone I know could introduce me to, with the top way in to
# three of them.
ways_in () {
    local address shown=0 with=0 all=0
    echo "--- at: the organisations known best (kith at --limit=5)"
    "$KITH" at --limit=5 | sed 's/^/  /'
    echo "--- paths: the top way in to no-history senders of the hook mode"
    while read -r address; do
	all=$((all + 1))
	"$KITH" paths --limit=1 "$address" >"$WORK_PATHS" 2>/dev/null || continue
	grep -q '^ask ' "$WORK_PATHS" || continue
	with=$((with + 1))
	[ $shown -lt 3 ] || continue
	shown=$((shown + 1))
	sed 's/^/  /' "$WORK_PATHS"
    done < <(grep -o '[^<> ]*@[^<> ]*' "$1" | sort -u)
    echo "  $with of $all no-history senders have a way in"
}

# complete_mode OUT MAILDIR OWNERS CONFIG: does `complete` offer the
# person I am about to write to?  The first 80 % of the mail by date is
# indexed; the owner's later mail asks for its recipients
# (tests/eval-complete.py, beside the two baselines).  Appends to the block.
complete_mode () {
    local out=$1 maildir=$2 owners=$3 config=$4 cm=$1/complete
    mkdir -p "$cm/mail/cur" "$cm/mail/new" "$cm/mail/tmp" || return 1
    echo "== complete mode: split" &&
	"$PYTHON" "$CM" split "$maildir" "$owners" 0.80 "$cm/mail/cur" "$cm/queries.json" &&
	sed "s|^path=.*|path=$cm/mail|" "$config" >"$cm/notmuch-config" || return 1
    (
	export NOTMUCH_CONFIG="$cm/notmuch-config"
	echo "== complete mode: history" && notmuch new --quiet --no-hooks &&
	    "$KITH" index && "$KITH" complete --format=json --limit=0 "" >"$cm/complete.json"
    ) || return 1
    "$PYTHON" "$CM" report "$(basename "$out")" "$cm/queries.json" "$cm/complete.json" \
	"$out/complete.tsv" >>"$out/block.txt"
}

# roll_mode OUT MAILDIR OWNERS CONFIG: completion asked of a store kept
# current.  The mail arrives by date in slices (the first 30 %, then 5 %
# at a time: tests/eval-complete.py roll); after each, notmuch new, kith
# index and complete, whose order (and a copy of the store, for lomo) is
# asked for the owner's mail of the next slice.  Appends to the block.
roll_mode () {
    local out=$1 maildir=$2 owners=$3 config=$4 rd=$1/roll
    mkdir -p "$rd/mail/cur" "$rd/mail/new" "$rd/mail/tmp" || return 1
    echo "== kept-current mode: slices" &&
	"$PYTHON" "$CM" roll "$maildir" "$owners" "$rd" &&
	sed "s|^path=.*|path=$rd/mail|" "$config" >"$rd/notmuch-config" || return 1
    (
	export NOTMUCH_CONFIG="$rd/notmuch-config"
	for slice in "$rd"/slice-*; do
	    k=${slice##*-}
	    find "$slice" -type f -exec mv -t "$rd/mail/cur/" {} + && rmdir "$slice" || exit 1
	    [ -f "$rd/cut-$k.json" ] || continue # the last slice is only asked about
	    notmuch new --quiet --no-hooks && "$KITH" index &&
		"$KITH" complete --format=json --limit=0 "" >"$rd/cut-$k.complete.json" &&
		cp "$rd/mail/.notmuch/kith.db" "$rd/cut-$k.kith.db" || exit 1
	done
    ) || return 1
    "$PYTHON" "$CM" roll-report "$(basename "$out")" "$rd" "$out/roll.tsv" >>"$out/block.txt"
}

if [ "${1:-}" = "--one" ]; then
    shift
    WORK_PATHS=$1/paths.txt
    one_mailbox "$@"
    exit
fi

generated=
case "${1:-}" in
--generated) generated=1 ;;
"") ;;
*) sed -n '2,29s/^# \{0,1\}//p' "$0"; exit 2 ;;
esac

CORPORA=${KITH_EVAL_CORPORA:-$SRC_DIR/../shared/corpora/real}
if [ ! -f "$CORPORA/README.md" ]; then
    echo "The real mailboxes are absent: there is no $CORPORA/README.md."
    echo "It needs ../shared/corpora/real beside the source tree (or KITH_EVAL_CORPORA=DIR):"
    echo "a README.md whose table names each mailbox's folder and its owner's addresses."
    [ -n "$generated" ] || exit 0
    echo "Measuring the generated mailbox only."
    CORPORA=
fi
for tool in notmuch "$PYTHON" timeout; do
    command -v "$tool" >/dev/null || { say "error: $tool not found"; exit 1; }
done
[ -x "$KITH" ] || { say "error: $KITH is missing: run make"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kith-eval.XXXXXX") || exit 1
LOGS=
failed=0
cleanup () {
    if [ "$failed" -gt 0 ] || [ -n "${KITH_KEEP_TMP:-}" ]; then
	# keep the logs (and with KITH_KEEP_TMP everything), drop the mail copies
	[ -n "${KITH_KEEP_TMP:-}" ] || rm -rf "$WORK"/*/mail "$WORK"/*/home "$WORK"/gen/mail
	echo "logs kept in $WORK"
    else
	rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_block NAME TITLE MAILDIR OWNERS [CONFIG]: index and measure one
# mailbox in the background (eval.sh --one under timeout), into $WORK/NAME.
start_block () {
    local name=$1 title=$2 maildir=$3 owners=$4 config=${5:-} out
    out="$WORK/$name"
    mkdir -p "$out"
    printf '%s\n' "$name" >>"$WORK/order"
    printf '=== %s: %s <%s>\n' "$name" "$title" "${owners//;/, }" >"$out/title"
    (
	start=$(date +%s)
	timeout "$MAILBOX_TIMEOUT" "$0" --one "$out" "$maildir" "$owners" ${config:+"$config"} \
	    >"$out/log" 2>&1
	echo $? >"$out/rc"
	echo $(($(date +%s) - start)) >"$out/seconds"
    ) &
}

# print_block NAME: the block of a finished mailbox, or its error.
print_block () {
    local name=$1 out="$WORK/$1" rc step
    rc=$(cat "$out/rc" 2>/dev/null || echo 1)
    echo
    cat "$out/title"
    if [ "$rc" -eq 0 ] && [ -s "$out/row.tsv" ]; then
	cat "$out/block.txt"
	echo "($(cat "$out/seconds") s)"
	cat "$out/row.tsv" >>"$WORK/rows.tsv"
	return 0
    fi
    failed=$((failed + 1))
    step=$(grep '^== ' "$out/log" | tail -1)
    if [ "$rc" -eq 124 ]; then
	echo "error: timed out after $MAILBOX_TIMEOUT s${step:+ in ${step#== }}"
    elif [ -n "$step" ]; then
	echo "error: failed (exit status $rc) in ${step#== }"
    fi
    grep -v '^== ' "$out/log" | tail -5 | sed 's/^/  | /'
    echo "log: $out/log"
    printf '%s\tfailed\n' "$name" >>"$WORK/rows.tsv"
    return 1
}

: >"$WORK/rows.tsv"
: >"$WORK/order"
if [ -n "$CORPORA" ]; then
    "$PYTHON" "$REF" mailboxes "$CORPORA/README.md" >"$WORK/mailboxes.tsv" ||
	{ say "error: cannot read the table of $CORPORA/README.md"; failed=1; exit 1; }
    [ -s "$WORK/mailboxes.tsv" ] ||
	{ say "error: no mailbox in the table of $CORPORA/README.md"; failed=1; exit 1; }
    echo "$("$KITH" --version 2>/dev/null | head -1) on $(wc -l <"$WORK/mailboxes.tsv")" \
	"mailboxes of $CORPORA"
    while IFS=$'\t' read -r name folder owners owner; do
	if [ ! -d "$CORPORA/$folder" ]; then
	    mkdir -p "$WORK/$name"
	    printf '%s\n' "$name" >>"$WORK/order"
	    printf '=== %s: %s\n' "$name" "$owner" >"$WORK/$name/title"
	    echo "error: $CORPORA/$folder is missing" >"$WORK/$name/log"
	    echo 1 >"$WORK/$name/rc"
	    continue
	fi
	start_block "$name" "$owner" "$CORPORA/$folder" "$owners"
    done <"$WORK/mailboxes.tsv"
fi

gen="$WORK/gen"
if [ -n "$generated" ]; then
    if "$PYTHON" "$TESTS_DIR/gen-mailbox" --messages 10000 "$gen" >"$WORK/gen.log" 2>&1; then
	start_block generated-10k "tests/gen-mailbox --messages 10000" "$gen/mail" \
	    "$("$PYTHON" "$REF" owners "$gen/notmuch-config")" "$gen/notmuch-config"
    else
	failed=$((failed + 1))
	echo "error: tests/gen-mailbox failed; log: $WORK/gen.log"
    fi
fi
wait

while read -r name; do
    if print_block "$name" && [ "$name" = generated-10k ]; then
	echo "--- against the generator's truth by intent ($gen/truth.tsv)"
	"$PYTHON" "$REF" generated "$gen/truth.tsv" "$WORK/$name/all.json" || failed=$((failed + 1))
    fi
done <"$WORK/order"

echo
echo "=== summary (recall and precision of kith's tier weak+ against the reference;" \
    "total: micro-averaged over the real mailboxes)"
"$PYTHON" "$REF" summary "$WORK/rows.tsv"
echo
echo "=== hook mode (the last 15 % of each mailbox by date through notmuch new and the hook;" \
    "wrong: no-history on a sender with a strong reference history in the first 85 %)"
printf '%-16s %8s %11s %8s %6s\n' mailbox later no-history senders wrong
while read -r name; do
    [ -s "$WORK/$name/hook.tsv" ] &&
	printf '%-16s %8s %11s %8s %6s\n' "$name" $(cat "$WORK/$name/hook.tsv")
done <"$WORK/order"
echo
echo "=== complete (the first 80 % of each mailbox by date indexed, the owner's later mail" \
    "as queries; tests/eval-complete.py)"
"$PYTHON" "$CM" summary "$WORK"/*/complete.tsv
echo
echo "=== complete, leave one mailbox out (the completion weights picked on the other real" \
    "mailboxes; tests/eval-complete.py lomo)"
dirs=()
while read -r name; do
    [ -s "$WORK/$name/complete.tsv" ] && dirs+=("$WORK/$name")
done <"$WORK/order"
[ ${#dirs[@]} -eq 0 ] || "$PYTHON" "$CM" lomo "${dirs[@]}" || failed=$((failed + 1))
echo
echo "=== complete, kept current (the mail by date in slices, the first 30 % then 5 % at a" \
    "time; after each, kith asked for the owner's mail of the next; tests/eval-complete.py roll)"
"$PYTHON" "$CM" summary "$WORK"/*/roll.tsv
echo
echo "=== complete, kept current, leave one mailbox out (tests/eval-complete.py lomo-roll)"
dirs=()
while read -r name; do
    [ -s "$WORK/$name/roll.tsv" ] && dirs+=("$WORK/$name")
done <"$WORK/order"
[ ${#dirs[@]} -eq 0 ] || "$PYTHON" "$CM" lomo-roll "${dirs[@]}" || failed=$((failed + 1))
[ "$failed" -eq 0 ]
