#!/usr/bin/env bash
# T050-conformance: a conformance test, not a measure of judgement.  On
# the generated 10k-message mailbox, `who` must list exactly the addresses
# whose truth.tsv rule label is 1 (precision and recall 1.000): the label
# is computed by the same rule as kith's gate (OUT and IN, see
# gen-mailbox), so this checks that kith implements the rule.  Whether
# the rule is right is T051-judgement's question (the intent classes).
# Plus the who filters and orders on it.
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
generated_mailbox --messages 10000

# check MODE ARGS...: the checks in python (modes below).
cat >"$TMP/check.py" <<'PY'
import json, sys, unicodedata

def load(path):
    with open(path) as f:
        return json.load(f)

# The intent classes (truth.tsv column 4) the rule label no longer
# describes: the hard cases where kith departs from OUT-and-IN on
# purpose (calendar acceptances and out-of-office replies are not
# exchanges; reply-all crowds, robots and list-only conversations count
# for less).  The conformance check leaves these addresses out, on both
# sides; T051-judgement measures them against their intent.
OUT_OF_SCOPE = set("""calendar-stranger autoreply crowd-bystander crowd-replier
    crowd-starter robot patch-cc-replied list-conversant""".split())

def truth(path):
    t = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            addr, label, cat, intent = line.rstrip("\n").split("\t")[:4]
            t[addr] = (int(label), cat, intent)
    return t

# Letters without a Unicode decomposition, spelled plain (as kith's fold).
PLAIN = {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae",
         "œ": "oe", "ß": "ss", "þ": "th", "ð": "d", "ŧ": "t", "ŋ": "n",
         "ŀ": "l", "ĸ": "k"}

def plain(s):
    return "".join(PLAIN.get(c.lower(), c) for c in s)

def fold(name):
    """Python rendering of kith's name fold (plugin/names.c)."""
    out, space = [], True
    for ch in plain(unicodedata.normalize("NFKD", plain(name)).casefold()):
        if unicodedata.category(ch) in ("Mn", "Mc", "Me"):
            continue
        if ch.isalnum():
            out.append(ch); space = False
        elif ch in ("'", "\u2019"):
            continue
        elif not space:
            out.append(" "); space = True
    return "".join(out).rstrip(" ")

def first_disorder(keys):
    """Index of the first key smaller than its predecessor, or -1."""
    for i in range(1, len(keys)):
        if keys[i] < keys[i - 1]:
            return i
    return -1

mode, args = sys.argv[1], sys.argv[2:]

if mode == "accuracy":            # TRUTH WHO.json -> P, R, FP, FN lines
    t, who = truth(args[0]), load(args[1])
    listed = [c["address"] for c in who
              if t.get(c["address"], (0, "", ""))[2] not in OUT_OF_SCOPE]
    pos = {a for a, (l, _, i) in t.items() if l == 1 and i not in OUT_OF_SCOPE}
    tp = len(set(listed) & pos)
    p = tp / len(listed) if listed else 0.0
    r = tp / len(pos) if pos else 0.0
    print("precision %.4f" % p)
    print("recall %.4f" % r)
    print("listed %d unique %d positives %d true-positives %d (out of scope: %s)"
          % (len(listed), len(set(listed)), len(pos), tp,
             " ".join(sorted(OUT_OF_SCOPE)) or "none"))
    for a in sorted(set(listed) - pos):
        print("FP %s %s" % (a, t[a][1] if a in t else "(not in truth.tsv)"))
    for a in sorted(pos - set(listed)):
        print("FN %s %s" % (a, t[a][1]))

elif mode == "forbidden":         # TRUTH WHO.json -> label-0 bulk/one-way people listed
    t, who = truth(args[0]), load(args[1])
    bad = ("newsletter", "notification", "list-poster", "list-address", "cold", "unanswered")
    for c in who:
        label, cat, _ = t.get(c["address"], (0, "(not in truth.tsv)", ""))
        if label == 0 and cat in bad:
            print("%s %s" % (c["address"], cat))

elif mode == "tiers":             # WHO.json -> contacts with a bad tier or score
    who = load(args[0])
    rank = {"weak": 1, "known": 2, "close": 3}
    for c in who:
        if c["tier"] not in rank or not c["score"] > 0:
            print("%s tier=%s score=%s" % (c["address"], c["tier"], c["score"]))
    # a capped tier is at most the cap's (crowd: none, the others weak)
    for c in who:
        if c.get("cap") is not None and (c["cap"] == "crowd" or c["tier"] != "weak"):
            print("%s tier=%s cap=%s" % (c["address"], c["tier"], c["cap"]))
    # among the uncapped, a higher tier never has a lower score
    for lo, hi in (("weak", "known"), ("known", "close")):
        los = [c["score"] for c in who if c["tier"] == lo and c.get("cap") is None]
        his = [c["score"] for c in who if c["tier"] == hi and c.get("cap") is None]
        if los and his and max(los) > min(his):
            print("max %s score %s > min %s score %s" % (lo, max(los), hi, min(his)))

elif mode == "counts":            # WHO.json -> how many per tier
    who = load(args[0])
    print(" ".join("%s=%d" % (k, sum(c["tier"] == k for c in who))
                   for k in ("weak", "known", "close")))

elif mode == "subset":            # A.json B.json ... -> addresses of one not in the next
    lists = [{c["address"] for c in load(a)} for a in args]
    for i in range(len(lists) - 1):
        extra = sorted(lists[i] - lists[i + 1])
        if extra:
            print("%d of %s not in %s: %s" % (len(extra), args[i], args[i + 1], " ".join(extra[:20])))

elif mode == "tier-filter":       # WHO.json FILTERED.json TIER -> difference, if any
    want = {"weak": ("weak", "known", "close"), "known": ("known", "close"),
            "close": ("close",)}[args[2]]
    expect = sorted(c["address"] for c in load(args[0]) if c["tier"] in want)
    got = sorted(c["address"] for c in load(args[1]))
    if expect != got:
        print("missing: %s" % " ".join(sorted(set(expect) - set(got))[:20]))
        print("extra: %s" % " ".join(sorted(set(got) - set(expect))[:20]))
    else:
        print("same")

elif mode == "order":             # WHO.json score|recent|name -> first disorder or "sorted"
    who, key = load(args[0]), args[1]
    if key == "score":             # best first: tier, then score
        rank = {"none": 0, "weak": 1, "known": 2, "close": 3}
        keys = [(-rank[c["tier"]], -c["score"]) for c in who]
    elif key == "recent":
        keys = [tuple(-ord(ch) for ch in c["last"]) for c in who]
    else:
        keys = [fold(c["name"] or c["address"]) for c in who]
    i = first_disorder(keys)
    if i < 0:
        print("%d sorted" % len(who))
    else:
        f = "score" if key == "score" else "last" if key == "recent" else "name"
        print("out of order at %d: %s %s=%r after %s %s=%r"
              % (i, who[i]["address"], f, who[i][f], who[i - 1]["address"], f, who[i - 1][f]))

elif mode == "since":             # WHO.json SINCE.json DATE -> problems, if any
    date = args[2]
    full, since = load(args[0]), load(args[1])
    early = ["%s (last %s)" % (c["address"], c["last"]) for c in since if c["last"] < date]
    expect = {c["address"] for c in full if c["last"] >= date}
    got = {c["address"] for c in since}
    for what, items in (("listed with last < %s" % date, early),
                        ("missing", sorted(expect - got)), ("not in who", sorted(got - expect))):
        if items:
            print("%s (%d): %s" % (what, len(items), " ".join(items[:20])))

elif mode == "len":               # WHO.json -> number of contacts
    print(len(load(args[0])))

elif mode == "head":              # WHO.json N -> addresses of the first N
    print(" ".join(c["address"] for c in load(args[0])[: int(args[1])]))
PY
check () {
    "$PYTHON" "$TMP/check.py" "$@"
}

test_begin "kith index on the generated mailbox"
t0=$(date +%s)
if [ "${KITH_VALGRIND:-}" = 1 ]; then
    # about 100 s under valgrind: index natively, check the who runs below
    echo "# kith index runs without valgrind here (too slow on 10000 messages)"
    test_expect_success "$BUILD_DIR/notmuch-kith" index
else
    # exact malloc stacks (fast_unwind_on_malloc=0) make an ASan index of
    # 10000 messages ~6x slower (45 s): fast unwinding for this one run
    asan=${ASAN_OPTIONS:-}
    ASAN_OPTIONS=${asan//fast_unwind_on_malloc=0/fast_unwind_on_malloc=1} \
	test_expect_success kith index
fi
echo "# kith index took $(($(date +%s) - t0)) s"

test_begin "notmuch kith who --format=json"
test_expect_success notmuch kith who --format=json
cp "$TMP/stdout" "$TMP/who.json"

check accuracy "$TRUTH" "$TMP/who.json" >"$TMP/acc"
sed 's/^/# /' "$TMP/acc"
precision=$(sed -n 's/^precision //p' "$TMP/acc")
recall=$(sed -n 's/^recall //p' "$TMP/acc")
at_least () {
    "$PYTHON" -c 'import sys; print(float(sys.argv[1] or 0) >= float(sys.argv[2]))' "$1" "$2"
}

test_begin "precision against the rule label is 1.000 ($precision)"
test_expect_equal "True" "$(at_least "$precision" 1.0)"

test_begin "recall against the rule label is 1.000 ($recall)"
test_expect_equal "True" "$(at_least "$recall" 1.0)"

test_begin "who --format=json equals notmuch kith who --format=json (scores aside: they follow the clock)"
kith who --format=json >"$TMP/who2.json"
who_facts "$TMP/who.json" >"$TMP/who.facts"
who_facts "$TMP/who2.json" >"$TMP/who2.facts"
test_expect_equal_file "$TMP/who.facts" "$TMP/who2.facts"

test_begin "no newsletter, notification, list-only, cold or unanswered address is listed"
test_expect_equal "" "$(check forbidden "$TRUTH" "$TMP/who.json")"

test_begin "every listed contact is weak, known or close with a score > 0, uncapped tiers ordered by score"
test_expect_equal "" "$(check tiers "$TMP/who.json")"

counts=$(check counts "$TMP/who.json")
echo "# tiers: $counts"
test_begin "every tier is used"
case " $counts" in
*=0\ * | *=0) test_fail "$counts" ;;
*) test_ok ;;
esac

test_begin "who --tier=known lists exactly the known and close contacts of who"
kith who --tier=known --format=json >"$TMP/known.json"
test_expect_equal "same" "$(check tier-filter "$TMP/who.json" "$TMP/known.json" known)"

test_begin "who --tier=close lists exactly the close contacts of who"
kith who --tier=close --format=json >"$TMP/close.json"
test_expect_equal "same" "$(check tier-filter "$TMP/who.json" "$TMP/close.json" close)"

test_begin "who --tier=close is a subset of --tier=known, a subset of who"
test_expect_equal "" "$(check subset "$TMP/close.json" "$TMP/known.json" "$TMP/who.json")"

test_begin "who is sorted best first: by tier, then score, descending"
test_expect_equal "$(check len "$TMP/who.json") sorted" "$(check order "$TMP/who.json" score)"

test_begin "who --limit=5 lists the 5 best, by tier and score"
kith who --limit=5 --format=json >"$TMP/limit.json"
test_expect_equal "5 sorted $(check head "$TMP/who.json" 5)" \
    "$(check order "$TMP/limit.json" score) $(check head "$TMP/limit.json" 5)"

test_begin "who --sort=recent is sorted by last exchange, descending"
kith who --sort=recent --format=json >"$TMP/recent.json"
test_expect_equal "$(check len "$TMP/who.json") sorted" "$(check order "$TMP/recent.json" recent)"

test_begin "who --sort=name is sorted by (folded) name"
kith who --sort=name --format=json >"$TMP/name.json"
test_expect_equal "$(check len "$TMP/who.json") sorted" "$(check order "$TMP/name.json" name)"

test_begin "who --since=2026-01-01 lists exactly the contacts with a last exchange since then"
kith who --since=2026-01-01 --format=json >"$TMP/since.json"
test_expect_equal "" "$(check since "$TMP/who.json" "$TMP/since.json" 2026-01-01)"

test_begin "who --since=2026-01-01 is not empty and lists fewer than who"
n_since=$(check len "$TMP/since.json")
n_who=$(check len "$TMP/who.json")
if [ "$n_since" -gt 0 ] && [ "$n_since" -lt "$n_who" ]; then
    test_ok
else
    test_fail "--since lists $n_since of $n_who"
fi
echo "# --since=2026-01-01 lists $n_since of $n_who"

echo "# T050-conformance took $(($(date +%s) - start)) s"
test_done
