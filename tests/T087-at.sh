#!/usr/bin/env bash
# T087-at: `notmuch kith at`, who I really know at an organisation, on a
# hand-written mailbox: mail domains and their subdomains, organisations
# named by kith.org.NAME, free-mail domains refused, the overview.
. "$(dirname "$0")/lib.sh"

write_config
monthly_exchanges alice@acme.example "Alice Ames" 6
# Cleo at acme too: two conversations a month for three years.
for y in 2021 2022 2023; do
    for mo in 01 02 03 04 05 06 07 08 09 10 11 12; do
	for d in 03 17; do
	    a=$(add_message from="Cleo Close <cleo@acme.example>" subject="Week $y-$mo-$d" date="$y-$mo-$d")
	    m=$(add_message from="Me Myself <$ME>" to="Cleo Close <cleo@acme.example>" subject="Re: Week $y-$mo-$d" reply="$a" date="$y-$mo-$d 12:00")
	    add_message from="Cleo Close <cleo@acme.example>" subject="Re: Week $y-$mo-$d" reply="$m" date="$y-$mo-$d 18:00" >/dev/null
	done
    done
done
monthly_exchanges bob@mail.acme.example "Bob Baker" 1
monthly_exchanges carol@acme-corp.example "Carol Cole" 1
monthly_exchanges dave@gmail.com "Dave Dunn" 1
monthly_exchanges erin@notacme.example "Erin Eng" 1
# At acme.example, but no shared history: a cold sender, a newsletter.
add_message from="Cold Caller <cold@acme.example>" subject="Opportunity" date=2024-04-01 >/dev/null
add_message from="Acme News <news@news.acme.example>" subject="Deals" date=2024-04-02 \
    header="List-Unsubscribe: <mailto:unsub@acme.example>\nPrecedence: bulk" >/dev/null
notmuch_new
kith index

# fails NAME ARGS...: run kith, expecting exit 1; stderr in $TMP/NAME.err.
fails () {
    local name=$1 rc
    shift
    kith "$@" >/dev/null 2>"$TMP/$name.err"
    rc=$?
    [ $rc -eq 1 ] || echo "exit $rc" >>"$TMP/$name.err"
    return $(( rc != 1 ))
}

addresses () { # JSON: the addresses, in order
    json_eval "$1" "' '.join(c['address'] for c in j)"
}

test_begin "at DOMAIN: the people with shared history there and at its subdomains, best first"
kith at --format=json acme.example >"$TMP/at.json"
test_expect_equal "cleo@acme.example alice@acme.example bob@mail.acme.example" "$(addresses "$TMP/at.json")"

test_begin "at DOMAIN: nobody at a domain that merely ends the same (notacme.example)"
test_expect_equal "" "$(kith at --format=json acme.example | python3 -c 'import json,sys; print(" ".join(c["address"] for c in json.load(sys.stdin) if "notacme" in c["address"]))')"

test_begin "at JSON has who's contract keys"
test_expect_equal "True" "$(json_eval "$TMP/at.json" "all(k in c for c in j for k in ('address','name','tier','score','conversations','first','last'))")"

test_begin "at --tier=known: Cleo (close) and Alice (known) only"
kith at --format=json --tier=known acme.example >"$TMP/known.json"
test_expect_equal "cleo@acme.example close alice@acme.example known" "$(json_eval "$TMP/known.json" "' '.join(c['address'] + ' ' + c['tier'] for c in j)")"

test_begin "at --all: the cold sender at tier none too; the newsletter is automated, never a person there"
kith at --format=json --all acme.example >"$TMP/all.json"
test_expect_equal "cleo@acme.example alice@acme.example bob@mail.acme.example cold@acme.example none" \
    "$(json_eval "$TMP/all.json" "' '.join([c['address'] for c in j if not c.get('automated')] + [c['tier'] for c in j if c['address'] == 'cold@acme.example'])")"

test_begin "at text: who's line for each person"
kith at acme.example >"$TMP/at.txt"
test_expect_equal "3 close" "$(wc -l <"$TMP/at.txt") $(head -1 "$TMP/at.txt" | awk '{ print $1 }')"

test_begin "at a free-mail domain: exit 1, saying why"
fails err at gmail.com && grep -q "gmail.com is a free-mail domain" "$TMP/err.err" && test_ok ||
    test_fail "$(cat "$TMP/err.err")"

test_begin "at something that is neither a domain nor a kith.org name: exit 1, naming it"
fails err at "Acme Corp" && grep -q "'Acme Corp' is neither a mail domain" "$TMP/err.err" && test_ok ||
    test_fail "$(cat "$TMP/err.err")"

test_begin "kith.org.NAME: at NAME lists the people at each of its domains (any case)"
notmuch config set kith.org.Acme "acme.example;acme-corp.example"
kith at --format=json acme >"$TMP/org.json"
test_expect_equal "cleo@acme.example alice@acme.example bob@mail.acme.example carol@acme-corp.example" "$(addresses "$TMP/org.json")"

test_begin "at without ORG: the organisations I know best, by tier, free mail left out"
kith at >"$TMP/orgs.txt"
test_expect_equal "Acme  1 close, 1 known, 2 weak
notacme.example  1 weak" "$(cat "$TMP/orgs.txt")"

test_begin "at --format=json without ORG: org, a count per tier, people"
kith at --format=json >"$TMP/orgs.json"
test_expect_equal "Acme 1 1 2 0 4" "$(json_eval "$TMP/orgs.json" "' '.join(str(j[0][k]) for k in ('org','close','known','weak','none','people'))")"

test_begin "kith.freemail_domains replaces the built-in list: gmail.com is an organisation then"
notmuch config set kith.freemail_domains "example.net"
kith at --format=json gmail.com >"$TMP/gmail.json"
test_expect_equal "dave@gmail.com" "$(addresses "$TMP/gmail.json")"
notmuch config set kith.freemail_domains

test_begin "kith.org.NAME naming no mail domain: an error naming the key and the entry"
notmuch config set kith.org.Broken "broken.example;@@"
fails err at acme && grep -q "config key kith.org.Broken: '@@' is not a mail domain" "$TMP/err.err" && test_ok ||
    test_fail "$(cat "$TMP/err.err")"
notmuch config set kith.org.Broken

test_begin "a domain in two kith.org keys: an error naming both"
notmuch config set kith.org.Other "acme-corp.example"
fails err at acme && grep -E -q "config keys kith.org.(Acme and kith.org.Other|Other and kith.org.Acme) both name acme-corp.example" "$TMP/err.err" &&
    test_ok || test_fail "$(cat "$TMP/err.err")"
notmuch config set kith.org.Other

test_done
