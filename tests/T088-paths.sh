#!/usr/bin/env bash
# T088-paths: `notmuch kith paths`, who could introduce me to someone, on
# a hand-written mailbox: reply edges and direct mail between a person I
# know and the target count; co-presence in a crowd or on a list, robots,
# people I do not know and platforms do not.
. "$(dirname "$0")/lib.sh"

write_config
monthly_exchanges juergen@uni.example "Jürgen Müller" 6
monthly_exchanges ann@firm.example "Ann Arbor" 1
monthly_exchanges bob@firm.example "Bob Brown" 6
monthly_exchanges carl@firm.example "Carl Cox" 6
PAT="Pat Target <pat@acme.example>"

# Pat writes to Jürgen, Cc me; Jürgen answers, Pat answers him.
p1=$(add_message from="$PAT" to="Jürgen Müller <juergen@uni.example>" cc="Me Myself <$ME>" subject="Sensor data" date=2024-08-01)
j1=$(add_message from="Jürgen Müller <juergen@uni.example>" to="$PAT" cc="Me Myself <$ME>" subject="Re: Sensor data" reply="$p1" date=2024-08-02)
add_message from="$PAT" to="Jürgen Müller <juergen@uni.example>" cc="Me Myself <$ME>" subject="Re: Sensor data" reply="$j1" date=2024-08-03 >/dev/null
# Ann writes to Pat directly, Cc me.
add_message from="Ann Arbor <ann@firm.example>" to="$PAT" cc="Me Myself <$ME>" subject="Meet Pat" date=2024-08-04 >/dev/null
# A crowd thread: Pat and Bob both write to twelve people, never to each
# other, nor reply to each other.
crowd="Me Myself <$ME>"
for i in $(seq 1 10); do crowd="$crowd, person$i@many.example"; done
c1=$(add_message from="Org <org@many.example>" to="$crowd, $PAT, Bob Brown <bob@firm.example>" subject="All hands" date=2024-08-05)
add_message from="$PAT" to="$crowd, Bob Brown <bob@firm.example>, Org <org@many.example>" subject="Re: All hands" reply="$c1" date=2024-08-06 >/dev/null
add_message from="Bob Brown <bob@firm.example>" to="$crowd, $PAT, Org <org@many.example>" subject="Re: All hands" reply="$c1" date=2024-08-06 >/dev/null
# A list thread: Pat and Carl both post, each answering the list's root.
l1=$(add_message from="Lister <lister@lists.example>" to="dev@lists.example" list=dev@lists.example subject="RFC" date=2024-08-07)
add_message from="$PAT" to="dev@lists.example" list=dev@lists.example subject="Re: RFC" reply="$l1" date=2024-08-08 >/dev/null
add_message from="Carl Cox <carl@firm.example>" to="dev@lists.example" list=dev@lists.example subject="Re: RFC" reply="$l1" date=2024-08-08 >/dev/null
# A robot answers Pat, and so does someone I never corresponded with.
add_message from="CI Bot <ci-bot@build.example>" to="$PAT" cc="Me Myself <$ME>" subject="Re: Sensor data" reply="$p1" date=2024-08-09 >/dev/null
add_message from="Stranger Sam <sam@far.example>" to="$PAT" cc="Me Myself <$ME>" subject="Re: Sensor data" reply="$p1" date=2024-08-10 >/dev/null
# Quinn only ever wrote to me.
add_message from="Quinn Alone <quinn@alone.example>" subject="Hello" date=2024-08-11 >/dev/null
notmuch_new
kith index

addresses () { # JSON: the paths' addresses, in order
    json_eval "$1" "' '.join(p['address'] for p in j['paths'])"
}

test_begin "paths: Jürgen (known to me, replies both ways with Pat) first, then Ann (weak, wrote to Pat directly)"
kith paths --format=json pat@acme.example >"$TMP/paths.json"
test_expect_equal "juergen@uni.example ann@firm.example" "$(addresses "$TMP/paths.json")"

test_begin "paths: co-presence in a crowd (Bob) or on a list (Carl) is no tie; robots and strangers are no way in"
test_expect_equal "" "$(json_eval "$TMP/paths.json" "' '.join(p['address'] for p in j['paths'] if p['address'].split('@')[0] in ('bob', 'carl', 'ci-bot', 'sam'))")"

test_begin "paths JSON: the target, and each way in with its counts, threads and dates"
test_expect_equal "pat@acme.example none 1 1 1 2 2 2024-08-03 | 0 0 1 0 1" \
    "$(json_eval "$TMP/paths.json" "' '.join(str(x) for x in (j['target']['address'], j['target']['tier'], j['paths'][0]['replies_to_target'], j['paths'][0]['replies_from_target'], j['paths'][0]['direct_to_target'], j['paths'][0]['direct_from_target'], len(j['paths'][0]['threads']) + 1, j['paths'][0]['last'][:10])) + ' | ' + ' '.join(str(j['paths'][1][k]) for k in ('replies_to_target', 'replies_from_target', 'direct_to_target', 'direct_from_target')) + ' ' + str(len(j['paths'][1]['threads']))")"

test_begin "paths text: who to ask, my tie to them, theirs to Pat, the thread to open"
kith paths "Pat Target" >"$TMP/paths.txt"
head -2 "$TMP/paths.txt" >"$TMP/head.txt"
grep -q '^Ways in to Pat Target <pat@acme.example> (none to you):$' "$TMP/head.txt" &&
    grep -q '^ask Jürgen Müller <juergen@uni.example> — known to you, 6 conversations; replied to Pat 1 time, Pat replied 1 time' "$TMP/head.txt" &&
    [ "$(sed -n 3p "$TMP/paths.txt" | grep -c '^    thread:')" = 1 ] && test_ok || test_fail "$(cat "$TMP/paths.txt")"

test_begin "paths --limit=1: the best way in only"
kith paths --format=json --limit=1 pat@acme.example >"$TMP/one.json"
test_expect_equal "juergen@uni.example" "$(addresses "$TMP/one.json")"

test_begin "no path: said plainly, exit 0"
kith paths quinn@alone.example >"$TMP/none.txt"
test_expect_equal "No path: nobody you know has visible shared history with Quinn in your mail." "$(tail -1 "$TMP/none.txt")"

test_begin "a platform's address is no person to be introduced to: exit 1, saying so"
kith paths invitations@linkedin.com >/dev/null 2>"$TMP/err"
rc=$?
[ $rc = 1 ] && grep -q "a platform, not a person" "$TMP/err" && test_ok || test_fail "exit $rc: $(cat "$TMP/err")"

test_begin "paths after mail arriving in two runs equal paths after a rebuild"
add_message from="$PAT" to="Ann Arbor <ann@firm.example>" subject="Thanks Ann" date=2024-08-12 >/dev/null
notmuch_new
kith index
kith paths --format=json pat@acme.example >"$TMP/incremental.json"
kith index --rebuild
kith paths --format=json pat@acme.example >"$TMP/rebuilt.json"
test_expect_equal "$(cat "$TMP/incremental.json") 1" "$(cat "$TMP/rebuilt.json") $(json_eval "$TMP/rebuilt.json" "[p['direct_from_target'] for p in j['paths'] if p['address'] == 'ann@firm.example'][0]")"

test_begin "aliases: Jürgen's two addresses are one way in, their ties to Pat added up"
add_message from="Jürgen Müller <jm@home.example>" to="$PAT" subject="From home" date=2024-08-13 >/dev/null
notmuch_new
kith index
kith paths --format=json pat@acme.example >"$TMP/before.json"
notmuch config set kith.alias.juergen "juergen@uni.example;jm@home.example"
kith paths --format=json pat@acme.example >"$TMP/alias.json"
notmuch config set kith.alias.juergen
test_expect_equal "juergen@uni.example ann@firm.example|1 2" \
    "$(addresses "$TMP/alias.json")|$(json_eval "$TMP/before.json" "[p['direct_to_target'] for p in j['paths'] if p['address'] == 'juergen@uni.example'][0]") $(json_eval "$TMP/alias.json" "j['paths'][0]['direct_to_target']")"

test_begin "aliases: at counts the person once, at each organisation of theirs"
notmuch config set kith.alias.juergen "juergen@uni.example;jm@home.example"
kith at >"$TMP/orgs.txt"
notmuch config set kith.alias.juergen
test_expect_equal "1" "$(grep -c '^uni.example  1 known' "$TMP/orgs.txt")"

test_begin "requests: an invitation from Pat, whom I have no history with, shows the best way in"
add_message from="Pat Target via LinkedIn <invitations@linkedin.com>" subject="Pat Target wants to connect" date=2024-09-01 \
    header="X-LinkedIn-Class: INVITATION" >/dev/null
notmuch_new
kith tag from:linkedin.com >/dev/null
kith requests >"$TMP/requests.txt"
kith requests --format=json >"$TMP/requests.json"
grep -q "Pat Target.*no-history" "$TMP/requests.txt" &&
    grep -q "^    way in: ask Jürgen Müller <juergen@uni.example> — known to you" "$TMP/requests.txt" &&
    [ "$(json_eval "$TMP/requests.json" "' '.join(p['address'] for p in j[0]['paths'])")" = "juergen@uni.example ann@firm.example" ] &&
    test_ok || test_fail "$(cat "$TMP/requests.txt" "$TMP/requests.json")"

test_done
