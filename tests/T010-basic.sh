#!/usr/bin/env bash
# T010-basic: index, who, show and status on a tiny hand-written mailbox.
. "$(dirname "$0")/lib.sh"

write_config
# Alice: a real exchange (she writes, I reply, she replies).
a1=$(add_message from="Alice Liddell <alice@wonder.example>" subject="Tea?" date=2024-03-01)
m1=$(add_message from="Me Myself <$ME>" to="Alice Liddell <alice@wonder.example>" subject="Re: Tea?" reply="$a1" date=2024-03-02)
add_message from="Alice Liddell <Alice@Wonder.EXAMPLE>" subject="Re: Tea?" reply="$m1" date=2024-03-03 >/dev/null
# A cold sender and a newsletter.
add_message from="Cold Caller <cold@sales.example>" subject="Opportunity" date=2024-04-01 >/dev/null
add_message from="News <news@shop.example>" subject="Deals" date=2024-04-02 \
    header="List-Unsubscribe: <mailto:unsub@shop.example>\nPrecedence: bulk" >/dev/null
notmuch_new

test_begin "index creates the store beside the database, mode 0600"
kith index >"$TMP/out" 2>&1
test_expect_equal "600" "$(stat -c %a "$MAIL_DIR/.notmuch/kith.db")"

test_begin "index is quiet when not on a terminal"
test_expect_equal "" "$(cat "$TMP/out")"

test_begin "who lists Alice and nobody else"
kith who --format=json >"$TMP/who.json"
test_expect_equal "['alice@wonder.example']" "$(json_eval "$TMP/who.json" "[c['address'] for c in j]")"

test_begin "who JSON has the contract keys"
test_expect_equal "True" "$(json_eval "$TMP/who.json" "all(k in j[0] for k in ('address','name','tier','score','conversations','sent','received','first','last'))")"

test_begin "counts and dates of Alice"
test_expect_equal "Alice Liddell weak 1 1 2 2024-03-01T12:00:00Z 2024-03-03T12:00:00Z" \
    "$(json_eval "$TMP/who.json" "' '.join(str(x) for x in (j[0]['name'], j[0]['tier'], j[0]['conversations'], j[0]['sent'], j[0]['received'], j[0]['first'], j[0]['last']))")"

test_begin "who --all lists the cold sender and the newsletter as none"
kith who --all --format=json >"$TMP/all.json"
test_expect_equal "cold@sales.example none;news@shop.example none" \
    "$(json_eval "$TMP/all.json" "';'.join(sorted(c['address']+' '+c['tier'] for c in j if c['tier']=='none'))")"

test_begin "the newsletter is an automated sender"
test_expect_equal "True" "$(json_eval "$TMP/all.json" "[c for c in j if c['address']=='news@shop.example'][0]['automated']")"

test_begin "notmuch kith (through notmuch) runs the command"
notmuch kith who >"$TMP/who.txt" 2>&1
test_expect_equal "1" "$(grep -c 'alice@wonder.example' "$TMP/who.txt")"

test_begin "who --format=sexp prints a property list"
kith who --format=sexp >"$TMP/who.sexp"
test_expect_equal '((:address "alice@wonder.example"' "$(cut -c1-33 "$TMP/who.sexp")"

test_begin "show by address"
kith show ALICE@wonder.example >"$TMP/show.txt"
test_expect_equal "Alice Liddell <alice@wonder.example>" "$(head -1 "$TMP/show.txt")"

test_begin "show by name, case and accent insensitive"
kith show "alíce" >"$TMP/show2.txt"
test_expect_equal_file "$TMP/show.txt" "$TMP/show2.txt"

test_begin "show lists the conversation with its thread id, in the score's terms and below"
tid=$(notmuch search --output=threads "id:$a1")
test_expect_equal "1 1" "$(grep -c "^  score terms .*conversations: 1 (10 each, 5 on a list only): $tid\$" "$TMP/show.txt") $(grep -c "^  2024-03-01..2024-03-03 .*$tid  Tea?\$" "$TMP/show.txt")"

test_begin "show explains the score as named terms that add up to it (JSON)"
kith show --format=json alice@wonder.example >"$TMP/terms.json"
test_expect_equal "conversations duration months one_to_one recency reciprocated / True / 10.0 / ${tid#thread:}" \
    "$(json_eval "$TMP/terms.json" "' / '.join((' '.join(sorted(j['score_terms'])), str(abs(sum(t['value'] for t in j['score_terms'].values()) - j['score']) < 0.02), str(j['score_terms']['conversations']['value']), ' '.join(j['score_terms']['conversations']['threads'])))")"

test_begin "show of a one-way contact says why it has no score"
kith show cold@sales.example >"$TMP/cold.txt"
test_expect_equal "1" "$(grep -c '^  score terms    0: mail did not go both ways' "$TMP/cold.txt")"

test_begin "show JSON has the conversation and per-year activity"
kith show --format=json alice@wonder.example >"$TMP/show.json"
test_expect_equal "1 {'2024': 3}" "$(json_eval "$TMP/show.json" "str(len(j['conversation_list']))+' '+str(j['per_year'])")"

test_begin "show of an unknown person fails with a clear message"
kith show nobody@nowhere.example >"$TMP/out" 2>"$TMP/err"
rc=$?
test_expect_equal "1 Error: no mail from or to 'nobody@nowhere.example' is indexed" "$rc $(cat "$TMP/err")"

test_begin "status reports the store and that it is up to date"
kith status >"$TMP/status.txt"
test_expect_equal "1 1" "$(grep -c 'messages       5' "$TMP/status.txt") $(grep -c 'up to date' "$TMP/status.txt")"

test_begin "status JSON says stale after new mail"
add_message from="Alice Liddell <alice@wonder.example>" subject="Again" date=2024-05-01 >/dev/null
notmuch_new
kith status --format=json >"$TMP/status.json"
test_expect_equal "True" "$(json_eval "$TMP/status.json" "j['stale']")"

test_begin "an incremental index picks the new message up"
kith index --format=json >"$TMP/index.json"
test_expect_equal "False 1" "$(json_eval "$TMP/index.json" "str(j['rebuilt'])+' '+str(j['mined'])")"

test_begin "status says when a setting that decides what kith reads changed: the next index mines all again"
notmuch config set kith.reply_window_days 30
kith status >"$TMP/status.txt"
kith status --format=json >"$TMP/status.json"
kith index --format=json >"$TMP/index.json"
kith status --format=json >"$TMP/status2.json"
test_expect_equal "1 True True True False False" \
    "$(grep -c "changed since: the next 'notmuch kith index' mines all the mail again" "$TMP/status.txt") $(json_eval "$TMP/status.json" "'%s %s' % (j['rebuild'], j['stale'])") $(json_eval "$TMP/index.json" "j['rebuilt']") $(json_eval "$TMP/status2.json" "'%s %s' % (j['rebuild'], j['stale'])")"
notmuch config set kith.reply_window_days
kith index >/dev/null

test_begin "--help works on every verb"
ok=1
for verb in index who show status; do
    kith $verb --help >"$TMP/help" 2>&1 || ok=0
    grep -q "notmuch kith $verb" "$TMP/help" || ok=0
done
test_expect_equal 1 $ok

test_begin "an unknown option is an error naming it"
kith who --bogus >"$TMP/out" 2>"$TMP/err"
test_expect_equal "1 1" "$? $(grep -c -- '--bogus' "$TMP/err")"

test_begin "a bad --tier is an error"
kith who --tier=best >"$TMP/out" 2>"$TMP/err"
test_expect_equal "1 Error: unknown tier 'best' (use none, weak, known or close)" "$? $(cat "$TMP/err")"

test_done
