#!/usr/bin/env bash
# T070-hook-accuracy: a generated history, then a later batch of new
# mail delivered through `notmuch new` with kith's hook installed; the
# tags and verdicts are scored against the generator's truth.
. "$(dirname "$0")/lib.sh"

gen="$TMP/gen"
"$TESTS_DIR/gen-mailbox" --messages 3000 --new-batch 400 "$gen" >/dev/null
export NOTMUCH_CONFIG="$gen/notmuch-config"
notmuch new --quiet
kith index

test_begin "install-hook installs into the database's hook directory"
kith install-hook >"$TMP/install.out"
test_expect_equal "1" "$(find "$gen/mail/.notmuch/hooks" -name post-new -perm -u+x | wc -l)"

notmuch tag +user-kept -- '*'   # a user tag on every old message
notmuch dump >"$TMP/dump-before"
mv "$gen/new-mail" "$gen/mail/incoming"

# The batch has Exchange-style addresses (k..allen@corp.example): the
# one line the hook prints counts them.
test_begin "notmuch new with the new batch succeeds, the hook printing only its note on addresses GMime drops"
notmuch new --quiet 2>"$TMP/new.err"
test_expect_equal "0 " "$? $(grep -v "^Note: kith: read [0-9]* address.* in [0-9]* new messages* that GMime's address parser drops, first '.*' (.*)\$" "$TMP/new.err" | head -c 300)"

notmuch dump --include=tags --include=properties >"$TMP/dump-after"
python3 "$TESTS_DIR/hook-accuracy.py" "$gen" "$TMP/dump-after" >"$TMP/acc"
grep '^#' "$TMP/acc" | head -40
grep -v '^#' "$TMP/acc" | sed 's/^/# /'
val () { awk -v k="$1" '$1 == k { print $2 }' "$TMP/acc"; }
atleast () { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)" "$1" "$2"; }

test_begin "no-history: precision >= 0.98"
atleast "$(val no_history_precision)" 0.98 && test_ok || test_fail "precision $(val no_history_precision)"
test_begin "no-history: recall >= 0.98"
atleast "$(val no_history_recall)" 0.98 && test_ok || test_fail "recall $(val no_history_recall)"
test_begin "every invitation gets request (recall 1.0)"
test_expect_equal "1.0000" "$(val request_recall)"
test_begin "request is never set on other mail (precision >= 0.98)"
atleast "$(val request_precision)" 0.98 && test_ok || test_fail "precision $(val request_precision)"
test_begin ">= 95 % of inviter verdicts are right"
atleast "$(val verdict_accuracy)" 0.95 && test_ok || test_fail "accuracy $(val verdict_accuracy)"
test_begin "introduced: precision and recall >= 0.9"
atleast "$(val introduced_precision)" 0.9 && atleast "$(val introduced_recall)" 0.9 && test_ok ||
    test_fail "precision $(val introduced_precision) recall $(val introduced_recall)"
test_begin "kith beats both naive hooks on the no-history F1 (first contact, never sent)"
python3 - "$TMP/acc" <<'PY' && test_ok || test_fail "$(grep -E 'precision|recall' "$TMP/acc")"
import sys
v = dict(l.split() for l in open(sys.argv[1]) if not l.startswith("#"))
f1 = lambda p, r: 2 * float(p) * float(r) / (float(p) + float(r)) if float(p) + float(r) else 0
k = f1(v["no_history_precision"], v["no_history_recall"])
sys.exit(0 if all(k > f1(v[n + "_precision"], v[n + "_recall"]) for n in ("naive_first_contact", "naive_never_sent")) else 1)
PY

test_begin "no old message lost a tag (notmuch dump before, after)"
lost=$(python3 - "$TMP/dump-before" "$TMP/dump-after" <<'PY'
import sys
def load(p):
    d = {}
    for l in open(p, encoding="utf-8"):
        if l.startswith("#") or " -- " not in l: continue
        t, _, m = l.rstrip("\n").partition(" -- ")
        d[m] = {x for x in t.split() if x.startswith("+")}
    return d
b, a = load(sys.argv[1]), load(sys.argv[2])
print(sum(1 for m in b if not b[m] <= a.get(m, set())))
PY
)
test_expect_equal "0" "$lost"

test_begin "the hook's cost: a second notmuch new with nothing new leaves the store up to date"
notmuch new --quiet
kith status --format=json >"$TMP/st.json"
test_expect_equal "False" "$(json_eval "$TMP/st.json" "j['stale']")"

test_done
