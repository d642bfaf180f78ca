#!/usr/bin/env bash
# T094-noloss: across hooks over several batches, hooks killed with
# SIGKILL, retro tagging (and its dry run) and uninstall-hook, notmuch
# dump shows that no tag or property other than kith's own (the tags
# recorded in kith.tag, the kith.* properties) ever changes, even
# where the user has tags called request, no-history, introduced or
# kith/..., and properties of their own; and no new message goes
# unjudged because a hook was killed.
. "$(dirname "$0")/lib.sh"

GEN=$TMP/gen
"$TESTS_DIR/gen-mailbox" --seed 94 --messages 1500 --new-batch 240 "$GEN" >/dev/null
export NOTMUCH_CONFIG=$GEN/notmuch-config
notmuch new --quiet
kith index >/dev/null
# Only mail delivered from here on is kith/new: the user's steps below
# retag kith/new mail, never the old mail their own tags are on.
NEW_TAGS="unread;inbox;kith/new"
notmuch config set new.tags "$NEW_TAGS"
RANDOM=94

# The user's own tags and properties, on about one old message in ten,
# with the names of kith's tags among them.
notmuch search --output=messages '*' | awk 'NR % 10 == 3' | sed 's/^id://' >"$TMP/user.ids"
python3 - "$TMP/user.ids" >"$TMP/user.restore" <<'PY'
import sys, urllib.parse
tags = ["request", "no-history", "introduced", "kith/close", "kith/none", "kith/", "todo", "request/linkedin"]
for i, mid in enumerate(open(sys.argv[1]).read().split()):
    q = urllib.parse.quote(mid, safe="")
    print("+%s +%s +mine -- id:\"%s\"" % (urllib.parse.quote(tags[i % len(tags)], safe=""),
                                        urllib.parse.quote(tags[(i * 3 + 1) % len(tags)], safe=""),
                                        mid.replace('"', '""')))
    print("#= %s note=%s kith-user=%d kithtag=request" % (q, urllib.parse.quote("keep me; ok"), i))
PY
notmuch restore --accumulate --include=tags --include=properties <"$TMP/user.restore"

test_begin "the user's tags and properties are set (setup)"
test_expect_equal "$(wc -l <"$TMP/user.ids") $(wc -l <"$TMP/user.ids")" \
    "$(notmuch count -- tag:mine) $(notmuch dump --include=properties | grep -c 'kithtag=request')"

kith install-hook >/dev/null
find "$GEN/new-mail" -type f | sort >"$TMP/new.list"
batch_start=1
# deliver N: the next N new messages into the Maildir.
deliver () {
    sed -n "${batch_start},$((batch_start + $1 - 1))p" "$TMP/new.list" | while read -r f; do
	mv "$f" "$GEN/mail/INBOX/cur/"
    done
    batch_start=$((batch_start + $1))
}

n_steps=0
bad_steps=""
snap () { notmuch dump --include=tags --include=properties >"$1"; }
# step NAME COMMAND...: run COMMAND between two dumps and check that
# nothing but kith's own tags and properties changed.
step () {
    local name=$1
    shift
    snap "$TMP/before"
    "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    step_rc=$?
    snap "$TMP/after"
    n_steps=$((n_steps + 1))
    if ! python3 "$TESTS_DIR/noloss-check.py" "$TMP/before" "$TMP/after" "$NEW_TAGS" >"$TMP/$name.check"; then
	bad_steps="$bad_steps $name"
	sed 's/^/# /' "$TMP/$name.check" | head -5
    fi
}

snap "$TMP/dump-start"

# Batch 1 through notmuch new and the installed hook.
deliver 60
step batch1 notmuch new --quiet

test_begin "a batch through notmuch new and the hook: kith tagged some mail"
test_expect_equal "0 1" "$step_rc $(( $(notmuch count -- tag:no-history and tag:kith/new) > 0 ))"

# Hooks killed at random points: notmuch new without hooks, the user's
# filter (afew, say) tags some new mail request/no-history, then kith's
# hook, killed.
now_ms () { local t=${EPOCHREALTIME/./}; echo $(( t / 1000 )); }
killed=0
# How long a hook over such a batch takes (a step of its own).
deliver 15
notmuch new --quiet --no-hooks
# check_step NAME: nothing but kith's own changed from $TMP/before to now.
check_step () {
    snap "$TMP/after"
    n_steps=$((n_steps + 1))
    python3 "$TESTS_DIR/noloss-check.py" "$TMP/before" "$TMP/after" "$NEW_TAGS" >"$TMP/$1.check" ||
	{ bad_steps="$bad_steps $1"; sed 's/^/# /' "$TMP/$1.check" | head -5; }
}
snap "$TMP/before"
start=$(now_ms)
"$BUILD_DIR/notmuch-kith" hook >/dev/null 2>&1
hook_ms=$(( $(now_ms) - start ))
check_step hook-timed
echo "# a hook over 15 messages takes about $hook_ms ms"
for trial in $(seq 8); do
    deliver 15
    notmuch new --quiet --no-hooks
    notmuch tag +request -- tag:kith/new and subject:invitation and not tag:user-seen
    notmuch tag +user-seen -- tag:kith/new
    delay=$(( RANDOM % (hook_ms + 1) ))
    snap "$TMP/before"
    "$BUILD_DIR/notmuch-kith" hook >/dev/null 2>"$TMP/kill.err" &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -KILL $pid 2>/dev/null
    wait $pid 2>/dev/null
    [ $? = 137 ] && killed=$((killed + 1))
    check_step "kill$trial"
done
echo "# $killed of 8 hooks killed mid-run"

# With no new mail, the next notmuch new's hook catches up.
step catchup notmuch new --quiet

test_begin "hooks killed at random points: at least a third were killed mid-run"
test_expect_equal "1" "$(( killed * 3 >= 8 ))"

test_begin "after the killed hooks, the next run judged every delivered message the truth calls no-history"
delivered=$(head -$((batch_start - 1)) "$TMP/new.list")
grep -h -i -m1 '^Message-ID:' $(for f in $delivered; do echo "$GEN/mail/INBOX/cur/$(basename "$f")"; done) |
    sed 's/^[^<]*<//; s/>.*//' >"$TMP/delivered.ids"
awk -F'\t' 'NR == FNR { d[$1] = 1; next } ($1 in d) && $4 == 1 { print $1 }' "$TMP/delivered.ids" "$GEN/truth-new.tsv" | sort >"$TMP/truth"
notmuch search --output=messages -- tag:no-history and tag:kith/new | sed 's/^id://' | sort >"$TMP/tagged"
test_expect_equal "$(wc -l <"$TMP/truth") missed: " "$(comm -12 "$TMP/truth" "$TMP/tagged" | wc -l) missed: $(comm -23 "$TMP/truth" "$TMP/tagged" | head -3 | tr '\n' ' ')"

test_begin "the user's filter tagged new mail request before kith's hook (and those tags stayed)"
n_user_req=$(notmuch count -- tag:request and tag:user-seen and subject:invitation)
test_expect_equal "1" "$(( n_user_req > 0 ))"

# Retro tagging: the dry run changes nothing at all, the real run only
# kith's own.
snap "$TMP/dry-before"
kith tag --dry-run '*' >"$TMP/dry.out" 2>"$TMP/dry.err"
dry_rc=$?
snap "$TMP/dry-after"

test_begin "kith tag --dry-run '*': exit 0, lists changes, and notmuch dump is byte-identical"
test_expect_equal "0 1 same" "$dry_rc $(( $(wc -l <"$TMP/dry.out") > 0 )) $(cmp -s "$TMP/dry-before" "$TMP/dry-after" && echo same || echo different)"

step retro kith tag '*'
test_begin "kith tag '*' exits 0"
test_expect_equal "0" "$step_rc"

# The user takes some of kith's tags off and puts some of their own on
# kith-judged mail; retro tagging again.
notmuch tag -no-history +introduced -- tag:no-history and tag:kith/new and subject:a
notmuch tag +request +kith/close -- tag:kith/new and subject:e
step retro2 kith tag 'tag:kith/new'

# A last batch, then uninstall-hook.
deliver 30
step batch2 notmuch new --quiet
step uninstall kith uninstall-hook

test_begin "uninstall-hook leaves no kith hook behind and changes no tag or property"
test_expect_equal "0 0" "$step_rc $(grep -l -r notmuch-kith "$GEN/mail/.notmuch/hooks" 2>/dev/null | wc -l)"

test_begin "across $n_steps steps, nothing but kith's own tags and properties changed"
test_expect_equal "" "$bad_steps"

test_begin "from start to end: the user's tags and properties on old mail are all still there"
python3 "$TESTS_DIR/noloss-check.py" --kept "$TMP/dump-start" "$TMP/after" >"$TMP/final.check"
final_rc=$?
[ "$final_rc" = 0 ] || sed 's/^/# /' "$TMP/final.check" | head -20
test_expect_equal "0 checked" "$final_rc $(tail -1 "$TMP/final.check" | cut -d' ' -f1)"


test_done
