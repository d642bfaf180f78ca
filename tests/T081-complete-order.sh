#!/usr/bin/env bash
# T081-complete-order: the order of notmuch kith complete is whom I am
# about to write to (README: "Completion: whom I write to next"), not the
# relationship ranking of who: my recent mail counts first, the
# relationship multiplies it, and contacts with no recent mail follow in
# the order of who.  "Now" is the newest message in the store.
. "$(dirname "$0")/lib.sh"

write_config
# conv FROM DATE: they write, I reply, they reply (one conversation).
conv () {
    local a m
    a=$(add_message from="$1" subject="Topic $2" date="$2")
    m=$(add_message from="Me Myself <$ME>" to="$1" subject="Re: Topic $2" reply="$a" date="$2")
    add_message from="$1" subject="Re: Topic $2" reply="$m" date="$2" >/dev/null
}
# A close contact of years ago: two years of monthly conversations.
for y in 2015 2016; do
    for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
	conv "Carl Close <carl@old.example>" "$y-$m-10"
    done
done
# A weak contact of ten years ago: one conversation.
conv "Wes Weak <wes@old.example>" 2014-03-10
# An old one-way contact: I wrote once, five years ago, no answer.
add_message from="Me Myself <$ME>" to="Olga Old <olga@old.example>" subject="Hello" date=2019-05-05 >/dev/null
# Last week: I wrote three times to Una, who has not answered, and three
# times to Cora, who answered each time.
for d in 2024-06-20 2024-06-22 2024-06-24; do
    add_message from="Me Myself <$ME>" to="Una Unanswered <una@new.example>" subject="Draft $d" date=$d >/dev/null
    m=$(add_message from="Me Myself <$ME>" to="Cora Correspondent <cora@new.example>" subject="Plan $d" date=$d)
    add_message from="Cora Correspondent <cora@new.example>" to="$ME" subject="Re: Plan $d" reply="$m" date=$d >/dev/null
done
# A stranger who wrote to me once last week; I never wrote back.
add_message from="Sid Stranger <sid@new.example>" subject="Offer" date=2024-06-23 >/dev/null
notmuch_new
kith index

kith complete --format=json --limit=0 "" >"$TMP/all.json"
# order WHO...: the positions of these addresses' local parts in the list, in list order
order () {
    json_eval "$TMP/all.json" "' '.join(a for a in [c['address'].split('@')[0] for c in j] if a in '$*'.split())"
}

test_begin "the mailbox is what it claims: close, weak, and three people of tier none"
test_expect_equal "carl:close cora:known olga:none sid:none una:none wes:weak" \
    "$(json_eval "$TMP/all.json" "' '.join(sorted(c['address'].split('@')[0] + ':' + c['tier'] for c in j))")"

test_begin "someone I wrote to three times last week, unanswered, comes before a weak contact of ten years ago"
test_expect_equal "una wes" "$(order una wes)"

test_begin "a real correspondent of the same recency comes before the unanswered recipient, both before a close contact of years ago"
test_expect_equal "cora una carl" "$(order cora una carl)"

test_begin "contacts with no recent mail follow in the order of who; the old one-way contact comes last"
test_expect_equal "cora una carl wes olga" "$(order cora una carl wes olga)"

test_begin "the same order with the first letter typed"
kith complete --format=json --limit=0 "c" >"$TMP/c.json"
test_expect_equal "cora carl" "$(json_eval "$TMP/c.json" "' '.join(c['address'].split('@')[0] for c in j)")"

test_begin "kith.complete.others=hide still offers a recipient of mine who has not answered, not a stranger"
notmuch config set kith.complete.others hide
kith complete --format=json --limit=0 "" >"$TMP/hide.json"
notmuch config set kith.complete.others
test_expect_equal "cora una carl wes olga" \
    "$(json_eval "$TMP/hide.json" "' '.join(c['address'].split('@')[0] for c in j)")"

test_begin "now is the newest message in the store (meta newest), not the clock"
test_expect_equal "$(date -u -d "2024-06-24 12:00:00" +%s)" \
    "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT value FROM meta WHERE key = 'newest'\").fetchone()[0])" "$MAIL_DIR/.notmuch/kith.db")"

test_begin "a message dated in the future is read as undated: it adds no pull and is not now"
add_message from="Fritz Future <fritz@new.example>" subject="Later" date=2037-01-01 >/dev/null
notmuch_new
kith index
kith complete --format=json --limit=0 "" >"$TMP/all.json"
test_expect_equal "cora una carl fritz $(date -u -d "2024-06-24 12:00:00" +%s)" \
    "$(order cora una carl fritz) $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT value FROM meta WHERE key = 'newest'\").fetchone()[0])" "$MAIL_DIR/.notmuch/kith.db")"

test_done
