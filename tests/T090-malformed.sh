#!/usr/bin/env bash
# T090-malformed: hostile and broken mail (tests/fixtures/malformed/ and
# tests/malformed-gen.py) among a generated mailbox.  notmuch new, kith
# index and the hook complete; each bad message (one whose file cannot
# be read or names no author kith can read) is warned about once, by
# file name; every other message is judged exactly as in the same
# mailbox without the malformed mail.
. "$(dirname "$0")/lib.sh"

FIX=$TESTS_DIR/fixtures/malformed
# The bad ones: no From kith can use, or no file at all.
BAD="empty-from enormous-header-block from-no-domain from-quoted-local garbage-from group-from
no-from nul-bytes gone"

"$TESTS_DIR/gen-mailbox" --seed 90 --messages 1500 --new-batch 150 "$TMP/clean" >/dev/null
python3 "$TESTS_DIR/malformed-gen.py" "$TMP/big"

# copy_bad DIR SUFFIX: every malformed message into the Maildir folder
# DIR, as NAME-SUFFIX, its ids and addresses moved to SUFFIX.malformed.example
# (so that a second batch holds new messages), plus one ordinary
# message, gone-SUFFIX, that a notmuch hook deletes before kith runs.
copy_bad () {
    mkdir -p "$1/cur" "$1/new" "$1/tmp"
    python3 - "$1" "$2" "$FIX" "$TMP/big" <<'PY'
import os, sys
out, suffix, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
for d in dirs:
    for f in sorted(os.listdir(d)):
        if not f.endswith(".eml"):
            continue
        data = open(os.path.join(d, f), "rb").read()
        data = data.replace(b"@malformed.example>", b"@%s.malformed.example>" % suffix.encode())
        open(os.path.join(out, "cur", "%s-%s:2,S" % (f[:-4], suffix)), "wb").write(data)
open(os.path.join(out, "cur", "gone-%s:2,S" % suffix), "w").write(
    "From: Gone Soon <gone@%s.malformed.example>\nTo: robin@home.example\n"
    "Subject: deleted before kith reads it\nDate: Mon, 03 Aug 2026 12:00:00 +0000\n"
    "Message-ID: <gone@%s.malformed.example>\n\nbye\n" % (suffix, suffix))
PY
}

# setup NAME: a copy of the clean mailbox in $TMP/NAME.
setup () {
    [ "$1" = clean ] && return
    cp -a "$TMP/clean" "$TMP/$1"
    sed -i "s|$TMP/clean|$TMP/$1|" "$TMP/$1/notmuch-config"
}
setup dirty
copy_bad "$TMP/dirty/mail/bad" hist

# A user's post-new hook that deletes the "gone" message of the batch
# (as a filter moving mail would); kith's hook runs after it.
for s in clean dirty; do
    mkdir -p "$TMP/$s/mail/.notmuch/hooks"
    printf '#!/bin/sh\nrm -f "%s"/mail/bad/cur/gone-batch*\n' "$TMP/$s" >"$TMP/$s/mail/.notmuch/hooks/post-new"
    chmod +x "$TMP/$s/mail/.notmuch/hooks/post-new"
done

# warned STDERR NAME...: for each NAME, how many warning lines name its
# file; then how many warning lines there are in all (but for the one
# about the message with 20000 recipients: group mail, not bad mail).
warned () {
    local err=$1 n
    shift
    for n in "$@"; do
	printf '%s=%s ' "$n" "$(grep '^Warning: kith: ' "$err" | grep -c -F "/$n:2,S")"
    done
    grep '^Warning: kith: ' "$err" | grep -v -c 'kith.max_recipients'
}
expect_warned () { # SUFFIX: every bad message once
    local n
    for n in $BAD; do printf '%s=1 ' "$n-$1"; done
    echo "$BAD" | wc -w
}

for s in clean dirty; do
    export NOTMUCH_CONFIG=$TMP/$s/notmuch-config
    notmuch new --quiet --no-hooks >"$TMP/$s-new.out" 2>"$TMP/$s-new.err"
    echo $? >"$TMP/$s-new.rc"
    notmuch count path:bad/** >"$TMP/$s-count"
    rm -f "$TMP/$s"/mail/bad/cur/gone-hist*
    kith index --format=json >"$TMP/$s-index.json" 2>"$TMP/$s-index.err"
    echo $? >"$TMP/$s-index.rc"
    kith install-hook >/dev/null
    notmuch tag +user-kept -- '*'
    # The new batch: the generator's new mail, plus (dirty) the
    # malformed messages again, as new ones.
    mv "$TMP/$s/new-mail" "$TMP/$s/mail/incoming"
    [ $s = dirty ] && copy_bad "$TMP/dirty/mail/bad" batch
    notmuch new --quiet >"$TMP/$s-hook.out" 2>"$TMP/$s-hook.err"
    echo $? >"$TMP/$s-hook.rc"
    kith who --format=json >"$TMP/$s-who.json" 2>&1
    kith who --all --format=json >"$TMP/$s-who-all.json" 2>&1
    notmuch dump --include=tags --include=properties >"$TMP/$s-dump"
    kith index --rebuild --format=json >"$TMP/$s-rebuild.json" 2>"$TMP/$s-rebuild.err"
    echo $? >"$TMP/$s-rebuild.rc"
done

test_begin "notmuch new indexes every malformed message (none skipped as non-mail)"
n_fix=$(( $(ls "$FIX"/*.eml | wc -l) + $(ls "$TMP/big" | wc -l) + 1 ))
test_expect_equal "0 $n_fix" "$(cat "$TMP/dirty-new.rc") $(cat "$TMP/dirty-count")"

test_begin "kith index on the mailbox with malformed mail exits 0"
test_expect_equal "0" "$(cat "$TMP/dirty-index.rc")"
[ "$(cat "$TMP/dirty-index.rc")" = 0 ] || echo "# $(head -5 "$TMP/dirty-index.err")"

test_begin "kith index warns once per bad message, naming its file, and about nothing else"
test_expect_equal "$(expect_warned hist)" "$(warned "$TMP/dirty-index.err" $(for n in $BAD; do echo "$n-hist"; done))"

test_begin "kith index counts the bad messages as broken (JSON 'broken')"
test_expect_equal "$(echo "$BAD" | wc -w)" "$(json_eval "$TMP/dirty-index.json" "j['broken']")"

test_begin "the deleted file's warning says it cannot be read"
test_expect_equal "1" "$(grep -c "cannot read '.*/gone-hist:2,S': No such file" "$TMP/dirty-index.err")"

test_begin "the malformed messages kith copes with are not warned about"
cope=$(ls "$FIX" "$TMP/big" | sed -n 's/\.eml$//p' | grep -v -x -F "$(echo "$BAD" | tr ' ' '\n')")
test_expect_equal "0" "$(for n in $cope; do grep -v "^Note: kith: " "$TMP/dirty-index.err" | grep -F "/$n-hist:2,S"; done | wc -l)"

# Exchange-style addresses (k..allen@corp.example, in the generated
# mailbox) are no malformed mail: kith reads them, and says so in notes
# (the first ten messages by name, then one line counting the rest).
test_begin "without malformed mail, kith index warns about nothing"
test_expect_equal "0 0" "$(cat "$TMP/clean-index.rc") $(grep -v "^Note: kith: .*that GMime's address parser drops" "$TMP/clean-index.err" | grep -c .)"

test_begin "kith index names ten messages with addresses GMime's parser drops, and counts the rest"
test_expect_equal "10 1" "$(grep -c "^Note: kith: '.*': read [0-9]* address.* that GMime's address parser drops (.*\.\..*@corp.example)\$" "$TMP/clean-index.err") $(grep -c "^Note: kith: and [0-9]* more messages with addresses that GMime's address parser drops, first '.*' (.*\.\..*@corp.example)" "$TMP/clean-index.err")"

test_begin "notmuch new with the hook, on a batch holding malformed mail, exits 0"
test_expect_equal "0" "$(cat "$TMP/dirty-hook.rc")"
[ "$(cat "$TMP/dirty-hook.rc")" = 0 ] || echo "# $(head -5 "$TMP/dirty-hook.err")"

test_begin "the hook warns once per bad message of the batch, naming its file, and about nothing else"
test_expect_equal "$(expect_warned batch)" "$(warned "$TMP/dirty-hook.err" $(for n in $BAD; do echo "$n-batch"; done))"

test_begin "the hook names the message with 20000 recipients once: group mail past kith.max_recipients"
test_expect_equal "1" "$(grep -c '^Warning: kith: message <many-recipients@batch.malformed.example> has more than kith.max_recipients' "$TMP/dirty-hook.err")"

test_begin "the hook prints nothing else on stderr but one note counting addresses GMime drops"
test_expect_equal "1 1" "$(grep -v '^Warning: kith: ' "$TMP/dirty-hook.err" | grep -c .) $(grep -v '^Warning: kith: ' "$TMP/dirty-hook.err" | grep -c "^Note: kith: read [0-9]* address.* in [0-9]* new messages* that GMime's address parser drops, first '.*/bad/cur/.*-batch:2,S' (.*)\$")"
[ "$(grep -v '^Warning: kith: ' "$TMP/dirty-hook.err" | grep -c .)" = 1 ] || grep -v '^Warning: kith: ' "$TMP/dirty-hook.err" | head -5

test_begin "who: the same people, in the same order, with the same counts"
who_facts "$TMP/clean-who.json" >"$TMP/clean-who.facts"
who_facts "$TMP/dirty-who.json" >"$TMP/dirty-who.facts"
test_expect_equal_file "$TMP/clean-who.facts" "$TMP/dirty-who.facts"

test_begin "who --all: every contact of the clean mailbox has the same counts"
python3 - "$TMP/clean-who-all.json" "$TMP/dirty-who-all.json" >"$TMP/who-all.diff" <<'PY'
import json, sys
clean = {c["address"]: c for c in json.load(open(sys.argv[1]))}
dirty = {c["address"]: c for c in json.load(open(sys.argv[2]))}
for c in list(clean.values()) + list(dirty.values()):
    c.pop("score", None)  # follows the clock (who_facts)
for a, c in sorted(clean.items()):
    if dirty.get(a) != c:
        print(a, c, dirty.get(a))
extra = [a for a in dirty if a not in clean and not a.endswith("malformed.example")]
if extra:
    print("new contacts outside malformed.example:", extra[:10])
PY
test_expect_equal "" "$(head -5 "$TMP/who-all.diff")"

test_begin "the hook's tags and properties on every good message are the same"
python3 - "$TMP/clean-dump" "$TMP/dirty-dump" >"$TMP/dump.diff" <<'PY'
import sys, urllib.parse
def load(path):
    d = {}
    for l in open(path, encoding="utf-8", errors="surrogateescape"):
        l = l.rstrip("\n")
        if l.startswith("#="):
            _, mid, prop = l.split(" ", 2)
            d.setdefault(urllib.parse.unquote(mid), [set(), set()])[1].update(prop.split())
        elif " -- id:" in l:
            tags, _, mid = l.partition(" -- id:")
            d.setdefault(urllib.parse.unquote(mid.strip('"')), [set(), set()])[0].update(tags.split())
    return d
clean, dirty = load(sys.argv[1]), load(sys.argv[2])
judged = sum(1 for m in clean.values() if any(t in m[0] for t in ("+no-history", "+request")))
print("judged", judged)
for mid, v in sorted(clean.items()):
    if dirty.get(mid) != v:
        print(mid, v, dirty.get(mid))
PY
test_expect_equal "judged ok" "$(head -1 "$TMP/dump.diff" | sed 's/judged [1-9][0-9]*/judged ok/')$(sed 1d "$TMP/dump.diff" | head -3)"

test_begin "the hook did tag the malformed messages that have a sender (no-history)"
test_expect_equal "1" "$(NOTMUCH_CONFIG=$TMP/dirty/notmuch-config notmuch count tag:no-history and id:no-date@batch.malformed.example)"

# (gone-hist is no longer in notmuch: the batch's notmuch new noticed.)
test_begin "index --rebuild over the malformed mail exits 0 and warns once per bad message"
test_expect_equal "0 $(( $(echo "$BAD" | wc -w) * 2 - 1 ))" \
    "$(cat "$TMP/dirty-rebuild.rc") $(grep -c '^Warning: kith: ' "$TMP/dirty-rebuild.err")"

test_begin "after the rebuild who is unchanged"
NOTMUCH_CONFIG=$TMP/dirty/notmuch-config kith who --format=json >"$TMP/dirty-who2.json" 2>&1
who_facts "$TMP/dirty-who2.json" >"$TMP/dirty-who2.facts"
test_expect_equal_file "$TMP/clean-who.facts" "$TMP/dirty-who2.facts"

test_done
