#!/usr/bin/env bash
# T095-stall: the hook never stalls or fails notmuch new over what a
# later run can recover from.
#
#   kith.hook_budget   past it the hook stops judging, says so, and the
#                      next run judges the rest
#   a broken rules file  a warning naming it; the built-in rules judge
#                      (kith tag, run by hand, still refuses it)
#   a catastrophic rule  a user regex with exponential backtracking
#                      runs under PCRE2 limits: no match, milliseconds
. "$(dirname "$0")/lib.sh"

write_config
notmuch_new
# Some history: a friend I wrote to and who answered.
add_message from="Me Myself <$ME>" to="Friend <friend@pals.example>" subject="Lunch" \
    date=2024-01-10 id=lunch@me >/dev/null
add_message from="Friend <friend@pals.example>" to="$ME" subject="Re: Lunch" \
    date=2024-01-11 reply=lunch@me >/dev/null
notmuch_new --no-hooks
kith index >/dev/null

# strangers N FIRST: N messages from strangers, one each.
strangers () {
    local i
    for i in $(seq "$2" $(($2 + $1 - 1))); do
	add_message from="Stranger $i <stranger$i@far.example>" to="$ME" subject="Hello $i" \
	    date=2024-03-01 id="stranger$i@far.example" folder=new-mail >/dev/null
    done
}
judged () { # how many stranger messages carry kith's verdict
    notmuch count from:far.example and tag:no-history
}

test_begin "kith.hook_budget past: the hook judges one message, exits 0 and says the rest is left"
strangers 12 1
notmuch_new --no-hooks
notmuch config set kith.hook_budget 0.001
kith hook >"$TMP/out" 2>"$TMP/err"
test_expect_equal "0 1 1" "$? $(judged) $(grep -c 'kith.hook_budget.*11 new messages are left unjudged' "$TMP/err")"

test_begin "the next run (budget back to its default) judges the 11 left, and nothing else is lost"
notmuch config set kith.hook_budget
kith hook >"$TMP/out" 2>"$TMP/err"
test_expect_equal "0 12 0" "$? $(judged) $(notmuch count from:friend@pals.example and tag:no-history)"

test_begin "kith.hook_budget 0, -1, nan or 1e9: an error naming the key"
bad=""
for v in 0 -1 nan 1e9; do
    notmuch config set kith.hook_budget "$v"
    kith who >/dev/null 2>"$TMP/err" && bad="$bad $v(exit 0)"
    grep -q kith.hook_budget "$TMP/err" || bad="$bad $v(no key)"
done
notmuch config set kith.hook_budget
test_expect_equal "" "$bad"

# A broken rules file.
mkdir -p "$HOME/.config/kith"
cat >"$HOME/.config/kith/rules.conf" <<'EOF'
[my-rule]
platform=Mine
subject=(unclosed
EOF

test_begin "a broken rules file: the hook warns naming it, exits 0 and judges with the built-in rules"
add_message from="Pat Roe <invitations@linkedin.com>" to="$ME" \
    subject="Pat Roe wants to connect" body="I'd like to add you to my professional network on LinkedIn." \
    date=2024-03-02 id=invite@linkedin.example folder=new-mail >/dev/null
strangers 1 20
notmuch_new --no-hooks
kith hook >"$TMP/out" 2>"$TMP/err"
test_expect_equal "0 1 1 1" \
    "$? $(grep -c "rules.conf.*built-in rules" "$TMP/err") $(notmuch count id:invite@linkedin.example and tag:request) $(notmuch count id:stranger20@far.example and tag:no-history)"

test_begin "a broken rules file: kith tag, run by hand, refuses it naming the file"
kith tag id:stranger20@far.example >"$TMP/out" 2>"$TMP/err"
test_expect_equal "1 1" "$? $(grep -c "rules.conf" "$TMP/err")"

# A rule with catastrophic backtracking, on subjects made to trigger it.
cat >"$HOME/.config/kith/rules.conf" <<'EOF'
[slow-rule]
platform=Slow
subject=^(\w+\s?)*$
body=^(\w+\s?)*$
from_name=^(\w+\s?)*$
EOF
slow=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!
for i in $(seq 1 8); do
    add_message from="$slow <slow$i@far.example>" to="$ME" subject="$slow" body="$slow" \
	date=2024-03-03 id="slow$i@far.example" folder=new-mail >/dev/null
done
notmuch_new --no-hooks

# Without the limits each of the three texts costs PCRE2's default
# backtracking limit, about 0.4 s here: 10 s for the 8 messages.
test_begin "a catastrophic rule: 8 messages judged in seconds (PCRE2 limits), none a request, all no-history"
start=$(date +%s)
timeout 120 "$BUILD_DIR/notmuch-kith" hook >"$TMP/out" 2>"$TMP/err"
rc=$?
elapsed=$(( $(date +%s) - start ))
test_expect_equal "0 0 8 1" \
    "$rc $(notmuch count 'from:"/slow[0-9]@far/"' and tag:request) $(notmuch count 'from:"/slow[0-9]@far/"' and tag:no-history) $(( elapsed < 5 ))"
[ "$elapsed" -lt 5 ] || echo "# took $elapsed s"

test_begin "... and the rule still matches what it should (a subject of words)"
add_message from="Words <words@far.example>" to="$ME" subject="plain words here" \
    date=2024-03-04 id=words@far.example folder=new-mail >/dev/null
notmuch_new --no-hooks
kith hook >"$TMP/out" 2>"$TMP/err"
test_expect_equal "1" "$(notmuch count id:words@far.example and property:kith.platform=Slow)"

test_done
