#!/usr/bin/env bash
# tests/compare-peers.sh - how well do kith and its peers answer "who have
# I actually corresponded with"?  A manual measurement for the README, not
# run by `make check`.
#
#   tests/compare-peers.sh [OUTDIR]
#
# OUTDIR is a mailbox written by tests/gen-mailbox (OUTDIR/mail,
# OUTDIR/notmuch-config, OUTDIR/truth.tsv); without it a default
# 10000-message mailbox is generated into a temporary directory.  The
# notmuch database and the kith store are created in OUTDIR/mail when
# missing (kith index is always run, so the store is up to date); mu gets a
# temporary --muhome.  Build first (make); BUILD names the build directory.
#
# Each tool's list of addresses (lower-cased, my own addresses and the
# neutral ones dropped) is scored against the truth by intent (truth.tsv
# column listed: the relationship gen-mailbox made each person with, not
# a rule that kith or a peer implements):
#   precision = listed positives / listed,  recall = listed positives / positives
# and a markdown table "tool | listed | precision | recall" is printed,
# then the false positives of each tool by intent class.
. "$(dirname "$0")/lib.sh"

ME_HOME=robin@home.example
ME_WORK=robin.example@work.example
PYTHON=$(python3 -c 'import sys; print(sys.executable)')

say () {
    printf '%s\n' "$*" >&2
}

if [ $# -gt 1 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    sed -n '2,19s/^# \{0,1\}//p' "$0"
    exit 2
fi
if [ $# -eq 1 ]; then
    OUT=$(cd "$1" && pwd) || exit 1
else
    OUT="$TMP/gen"
    say "generating a 10000-message mailbox into $OUT ..."
    "$PYTHON" "$TESTS_DIR/gen-mailbox" --messages 10000 "$OUT" >/dev/null || exit 1
fi
for f in mail notmuch-config truth.tsv; do
    [ -e "$OUT/$f" ] || { say "error: $OUT/$f is missing (not a gen-mailbox output?)"; exit 1; }
done
export NOTMUCH_CONFIG="$OUT/notmuch-config"
[ -x "$BUILD_DIR/notmuch-kith" ] || { say "error: $BUILD_DIR/notmuch-kith is missing: run make"; exit 1; }

LISTS="$TMP/lists"
mkdir -p "$LISTS"
: >"$TMP/timings"

# timed NAME COMMAND...: run COMMAND, note its wall time under NAME.
timed () {
    local name=$1 t0=$EPOCHREALTIME rc
    shift
    "$@"
    rc=$?
    echo "$name	$t0	$EPOCHREALTIME" >>"$TMP/timings"
    return $rc
}

if [ -d "$OUT/mail/.notmuch" ]; then
    timed "notmuch new (update)" notmuch new --quiet || exit 1
else
    say "notmuch new ..."
    timed "notmuch new" notmuch new --quiet || exit 1
fi

# kith
say "notmuch kith index ..."
timed "notmuch kith index" notmuch kith index || exit 1
notmuch kith who --format=json >"$TMP/kith.json" || exit 1
"$PYTHON" -c 'import json,sys
for c in json.load(open(sys.argv[1])): print(c["address"])' "$TMP/kith.json" >"$LISTS/1 notmuch kith who"

# mu cfind --personal
if command -v mu >/dev/null 2>&1; then
    MUHOME="$TMP/muhome"
    say "mu init + mu index ..."
    if mu init --quiet --muhome="$MUHOME" --maildir="$OUT/mail" \
	    --my-address="$ME_HOME" --my-address="$ME_WORK" >"$TMP/mu.log" 2>&1 &&
	timed "mu index" mu index --quiet --muhome="$MUHOME" >>"$TMP/mu.log" 2>&1 &&
	mu cfind --muhome="$MUHOME" --personal --format=csv >"$TMP/mu.csv" 2>>"$TMP/mu.log"; then
	"$PYTHON" -c 'import csv,sys
for row in csv.reader(open(sys.argv[1], newline="")):
    if len(row) >= 2: print(row[1])' "$TMP/mu.csv" >"$LISTS/2 mu cfind --personal"
    else
	say "mu failed; skipping it:"
	sed 's/^/  /' "$TMP/mu.log" | tail -5 >&2
    fi
else
    say "mu is not installed (maildir-utils): skipping mu cfind"
fi

# notmuch address: everyone I wrote to, and everyone at all
notmuch address --format=json --output=recipients --deduplicate=address \
    from:"$ME_HOME" or from:"$ME_WORK" >"$TMP/recipients.json" || exit 1
notmuch address --format=json --output=sender --output=recipients --deduplicate=address \
    '*' >"$TMP/everyone.json" || exit 1
for f in recipients everyone; do
    "$PYTHON" -c 'import json,sys
for a in json.load(open(sys.argv[1])): print(a["address"])' "$TMP/$f.json" >"$TMP/$f.list"
done
mv "$TMP/recipients.list" "$LISTS/3 notmuch address --output=recipients from:me"
mv "$TMP/everyone.list" "$LISTS/4 notmuch address --output=sender --output=recipients *"

# versions and the table
echo "Mailbox: $OUT ($(sed -n 's/^# gen-mailbox statistics: //p' "$OUT/stats.txt" 2>/dev/null))"
echo "Versions: $(notmuch --version), $("$BUILD_DIR/notmuch-kith" --version 2>/dev/null || echo notmuch-kith)$(
    command -v mu >/dev/null 2>&1 && echo ", mu $(mu --version | sed -n '1s/.*version //p')")"
echo
"$PYTHON" - "$OUT/truth.tsv" "$LISTS" "$ME_HOME" "$ME_WORK" <<'PY'
import collections, os, sys

truth_path, lists_dir, mine = sys.argv[1], sys.argv[2], {a.lower() for a in sys.argv[3:]}
# The truth by intent (gen-mailbox: the relationship each person was
# made with): listed yes (positive), no (negative) or neutral (either
# answer is right: left out of both precision and recall).
truth, neutral = {}, set()
with open(truth_path) as f:
    for line in f:
        if line.startswith("#") or not line.strip():
            continue
        addr, label, cat, intent, listed = line.rstrip("\n").split("\t")[:5]
        truth[addr] = (1 if listed == "yes" else 0, intent)
        if listed == "neutral":
            neutral.add(addr)
pos = {a for a, (l, _) in truth.items() if l == 1}

rows, fps = [], []
for name in sorted(os.listdir(lists_dir)):
    tool = name.split(" ", 1)[1]
    with open(os.path.join(lists_dir, name)) as f:
        listed = {l.strip().lower() for l in f if l.strip()} - mine - neutral
    tp = len(listed & pos)
    p = tp / len(listed) if listed else 0.0
    r = tp / len(pos) if pos else 0.0
    rows.append((tool, len(listed), p, r))
    cats = collections.Counter(truth[a][1] if a in truth else "not in truth.tsv"
                               for a in listed - pos)
    unknown = sorted(listed - set(truth))
    if unknown:  # not author, To, Cc or Bcc of any message, e.g. Reply-To only
        cats["not in truth.tsv (e.g. %s)" % unknown[0]] = cats.pop("not in truth.tsv")
    fps.append((tool, cats, len(pos - listed)))

print("| tool | listed | precision | recall |")
print("|---|---:|---:|---:|")
for tool, n, p, r in rows:
    print("| `%s` | %d | %.3f | %.3f |" % (tool, n, p, r))
print()
print("Ground truth by intent: %d addresses, %d to be listed, %d neutral (left out)."
      % (len(truth), len(pos), len(neutral)))
print()
print("| tool | false positives by category | missed positives |")
print("|---|---|---:|")
for tool, cats, fn in fps:
    text = ", ".join("%s %d" % (c, n) for c, n in cats.most_common()) or "none"
    print("| `%s` | %s | %d |" % (tool, text, fn))
PY
echo
echo "Timings (s): $(awk -F'\t' '{ printf "%s%s %.1f", sep, $1, $3 - $2; sep = ", " } END { print "" }' "$TMP/timings")"
