#!/usr/bin/env bash
# T080-complete: notmuch kith complete - matching on addresses and on
# every name seen, the likeliest recipient first, automated senders last or
# hidden, aliases, every output format, and the store's word index
# (kept up to date incrementally, and added to a schema 1 store).
. "$(dirname "$0")/lib.sh"

write_config
# conv FROM DATE: they write, I reply, they reply (one conversation).
conv () {
    local a m
    a=$(add_message from="$1" subject="Topic $2" date="$2")
    m=$(add_message from="Me Myself <$ME>" to="$1" subject="Re: Topic $2" reply="$a" date="$2")
    add_message from="$1" subject="Re: Topic $2" reply="$m" date="$2" >/dev/null
}
for d in 2023-01-10 2023-03-10 2023-05-10 2023-07-10 2023-09-10 2023-11-10 2024-01-10; do
    conv "Jürgen Müller <jurgen.muller@uni.example>" $d
done
conv "\"Müller, Jürgen\" <jurgen.muller@uni.example>" 2024-02-10
conv "Julia Roberts <julia@films.example>" 2024-02-11
conv "\"O'Brien, Seán\" <sean@ie.example>" 2024-02-12
conv "Judith Work <judith@work.example>" 2024-02-13
conv "Judith Home <judith@home.example>" 2024-02-14
add_message from="Jules Cold <jules@cold.example>" subject="Buy" date=2024-03-01 >/dev/null
add_message from="Jurassic Newsletter <news@jurassic.example>" subject="Deals" date=2024-03-02 \
    header="List-Unsubscribe: <mailto:unsub@jurassic.example>\nPrecedence: bulk" >/dev/null
add_message from="Me Myself <$ME>" to="plain.person@plain.example" subject="Hi" date=2024-02-02 >/dev/null
add_message from="Plain Person <plain.person@plain.example>" subject="Re: Hi" date=2024-02-03 >/dev/null
notmuch_new
kith index

test_begin "a prefix of a name's first word, accent-insensitive: the known person before the newsletter"
kith complete jur >"$TMP/out"
printf '%s\n' "Jürgen Müller <jurgen.muller@uni.example>" "Jurassic Newsletter <news@jurassic.example>" >"$TMP/exp"
test_expect_equal_file "$TMP/exp" "$TMP/out"

test_begin "a prefix of the second word of a name, any case and accents"
kith complete mull >"$TMP/a"; kith complete MÜLL >"$TMP/b"; kith complete Jürg >"$TMP/c"
test_expect_equal "Jürgen Müller <jurgen.muller@uni.example> x3" \
    "$(cat "$TMP/a") x$(cat "$TMP/a" "$TMP/b" "$TMP/c" | grep -c 'jurgen.muller@uni.example')"

test_begin "a prefix of the address, and of a word of its local part"
kith complete jurgen.mu >"$TMP/a"; kith complete muller@ >"$TMP/b"; kith complete "<JURGEN.MULLER@UNI" >"$TMP/c"
test_expect_equal "jurgen.muller@uni.example jurgen.muller@uni.example jurgen.muller@uni.example" \
    "$(cat "$TMP/a" "$TMP/b" "$TMP/c" | sed 's/.*<//; s/>//' | tr '\n' ' ' | sed 's/ $//')"

test_begin "a local-part word is matched at the start of a word only"
kith complete uller >"$TMP/out"
test_expect_equal "" "$(cat "$TMP/out")"

test_begin "several words: each must start a word of the same name, in any order"
kith complete "mü jur" >"$TMP/a"; kith complete "jul rob" >"$TMP/b"; kith complete "jur rob" >"$TMP/c"
test_expect_equal "Jürgen Müller <jurgen.muller@uni.example>|Julia Roberts <julia@films.example>|" \
    "$(cat "$TMP/a")|$(cat "$TMP/b")|$(cat "$TMP/c")"

test_begin "ranking: the likeliest recipient first (recent mail times the relationship); automated last"
kith complete --format=json ju >"$TMP/ju.json"
test_expect_equal "jurgen.muller@uni.example:close judith@home.example:weak judith@work.example:weak julia@films.example:weak jules@cold.example:none news@jurassic.example:none" \
    "$(json_eval "$TMP/ju.json" "' '.join(c['address']+':'+c['tier'] for c in j)")"

test_begin "JSON has the contract keys, and last as an ISO date"
test_expect_equal "True 2024-02-10T12:00:00Z True" \
    "$(json_eval "$TMP/ju.json" "all(k in c for c in j for k in ('address','name','tier','score','last')), j[0]['last'], j[-1]['automated']")"

test_begin "--limit"
kith complete --limit=2 ju >"$TMP/out"
test_expect_equal "2" "$(wc -l <"$TMP/out")"

test_begin "the default limit is 20"
for i in $(seq 1 25); do
    add_message from="Zed Person$i <zed$i@many.example>" subject="Hi $i" date=2024-04-01 >/dev/null
done
notmuch_new
kith index
kith complete zed >"$TMP/out"
kith complete --limit=0 zed >"$TMP/all"
test_expect_equal "20 25" "$(wc -l <"$TMP/out") $(wc -l <"$TMP/all")"

test_begin "words of a new contact are indexed incrementally"
test_expect_equal "Zed Person7 <zed7@many.example>" "$(kith complete person7)"

test_begin "a name that needs quoting is quoted (RFC 5322)"
kith complete "o'b" >"$TMP/a"; kith complete sean >"$TMP/b"
test_expect_equal "\"O'Brien, Seán\" <sean@ie.example>|\"O'Brien, Seán\" <sean@ie.example>" "$(cat "$TMP/a")|$(cat "$TMP/b")"

test_begin "kith.complete.others=hide hides no-history and automated senders; --all shows them"
notmuch config set kith.complete.others hide
kith complete ju >"$TMP/hide"
kith complete --all ju >"$TMP/all"
test_expect_equal "4 0 6" "$(wc -l <"$TMP/hide") $(grep -c -e jules -e jurassic "$TMP/hide") $(wc -l <"$TMP/all")"

test_begin "kith.complete.others=last is the default order; a bad value is an error"
notmuch config set kith.complete.others last
kith complete ju >"$TMP/last"
notmuch config set kith.complete.others sometimes
kith complete ju >"$TMP/out" 2>"$TMP/err"
rc=$?
notmuch config set kith.complete.others
test_expect_equal "6 1 1" "$(wc -l <"$TMP/last") $rc $(grep -c "kith.complete.others" "$TMP/err")"

test_begin "an alias group is one entry with the merged score"
notmuch config set kith.alias.judith "judith@work.example;judith@home.example"
kith complete --format=json jud >"$TMP/jud.json"
test_expect_equal "1 known ['judith@work.example', 'judith@home.example']" \
    "$(json_eval "$TMP/jud.json" "len(j), j[0]['tier'], j[0]['addresses']" | tr -d '(),' | sed "s/' '/', '/")"

test_begin "an alias group offers the address the prefix names"
kith complete judith@h >"$TMP/a"; kith complete "judith home" >"$TMP/b"
test_expect_equal "judith@home.example 1" "$(sed 's/.*<//; s/>//' "$TMP/a") $(wc -l <"$TMP/b")"
notmuch config set kith.alias.judith

test_begin "mutt: a status line, then address TAB name TAB tier and evidence"
kith complete --format=mutt jur >"$TMP/mutt"
rc=$?
printf '%s\n' "kith: 2 matches for 'jur', likeliest recipient first" \
    "jurgen.muller@uni.example	Jürgen Müller	close, 8 conversations, last 2024-02" \
    "news@jurassic.example	Jurassic Newsletter	none, automated sender" >"$TMP/exp"
test_expect_equal_file "$TMP/exp" "$TMP/mutt"

test_begin "mutt: no match is exit status 1 with a message on the first line"
kith complete --format=mutt qqq >"$TMP/mutt" 2>/dev/null
rc=$?
test_expect_equal "1 kith: no match for 'qqq'" "$rc $(cat "$TMP/mutt")"

test_begin "aerc: address TAB name"
kith complete --format=aerc julia >"$TMP/aerc"
printf 'julia@films.example\tJulia Roberts\n' >"$TMP/exp"
test_expect_equal_file "$TMP/exp" "$TMP/aerc"

test_begin "emacs: one list of mailbox strings, quotes escaped"
kith complete --format=emacs "o'brien" >"$TMP/emacs"
test_expect_equal '("\"O'"'"'Brien, Seán\" <sean@ie.example>")' "$(cat "$TMP/emacs")"

test_begin "text and aerc print nothing and succeed when nothing matches"
kith complete qqq >"$TMP/a"; r1=$?; kith complete --format=aerc qqq >"$TMP/b"; r2=$?
test_expect_equal "0 0 0" "$r1 $r2 $(cat "$TMP/a" "$TMP/b" | wc -c)"

test_begin "an empty prefix lists everyone, automated senders last"
kith complete --limit=0 "" >"$TMP/out"
test_expect_equal "33 Jurassic Newsletter <news@jurassic.example>" "$(wc -l <"$TMP/out") $(tail -1 "$TMP/out")"

test_begin "an unknown format is refused"
kith complete --format=xml ju >/dev/null 2>"$TMP/err"
test_expect_equal "1" "$?"

store="$MAIL_DIR/.notmuch/kith.db"
# sql QUERY: the first column of QUERY's rows on the store, joined by commas.
sql () {
    python3 -c 'import sqlite3, sys
print(",".join(str(r[0]) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])))' "$store" "$1"
}
# downgrade VERSION SQL: make the store one of schema VERSION (SQL: the
# statements that undo the later steps).
downgrade () {
    python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript(sys.argv[3])
db.execute("PRAGMA user_version = %d" % int(sys.argv[2]))
db.execute("UPDATE meta SET value = ? WHERE key = \"schema_version\"", (sys.argv[2],))
db.commit()' "$store" "$1" "$2"
}
# asks_for_index FILE: 1 if FILE asks for one index run.
asks_for_index () {
    grep -c "run 'notmuch kith index' once" "$1"
}
# migrate_and_rebuild: index (which upgrades the store) into
# $TMP/index.json, dump the store into $TMP/migrated, then rebuild and
# dump it into $TMP/rebuilt.
migrate_and_rebuild () {
    kith index --format=json >"$TMP/index.json"
    python3 "$TESTS_DIR/store-dump.py" "$store" >"$TMP/migrated"
    kith index --rebuild >/dev/null
    python3 "$TESTS_DIR/store-dump.py" "$store" >"$TMP/rebuilt"
}
# expect_asks VERSION SQL: downgrade, then read-only completion asks for
# one index run.
expect_asks () {
    downgrade "$1" "$2"
    kith complete mull >"$TMP/out$1" 2>&1
    test_expect_equal "1" "$(asks_for_index "$TMP/out$1")"
}
# expect_migrated: migrate_and_rebuild, then the store is of schema 8,
# mined in full, completes as before and equals a rebuild.
expect_migrated () {
    migrate_and_rebuild
    test_expect_equal "8 True Jürgen Müller <jurgen.muller@uni.example> $(md5sum <"$TMP/rebuilt")" \
	"$(sql 'PRAGMA user_version') $(json_eval "$TMP/index.json" "j['rebuilt']") $(kith complete mull) $(md5sum <"$TMP/migrated")"
}

# The SQL that drops schema 8's columns (the completion order's five sums).
drop_pulls="ALTER TABLE contact DROP COLUMN pull_7; ALTER TABLE contact DROP COLUMN pull_28;
ALTER TABLE contact DROP COLUMN pull_112; ALTER TABLE contact DROP COLUMN pull_448;
ALTER TABLE contact DROP COLUMN pull_1792;"
add_pull="ALTER TABLE contact ADD COLUMN pull REAL NOT NULL DEFAULT 0;"
add_pull_long="ALTER TABLE contact ADD COLUMN pull_long REAL NOT NULL DEFAULT 0;"

test_begin "a schema 1 store: read-only completion and who ask for one index run"
# schema 2's word index; schema 3's and 8's columns
downgrade 1 "DROP TABLE contact_word;
ALTER TABLE contact DROP COLUMN direct_out; ALTER TABLE contact DROP COLUMN direct_in;
ALTER TABLE contact DROP COLUMN crowd_in; $drop_pulls"
kith complete jur >"$TMP/out" 2>"$TMP/err"
rc=$?
kith who >"$TMP/who" 2>&1
rc_who=$?
# who too: the tiers of an older store lack the evidence schema 3 added
test_expect_equal "1 1 1 1" "$rc $(asks_for_index "$TMP/err") $rc_who $(asks_for_index "$TMP/who")"

test_begin "the next index upgrades the store in place to schema 8, then mines it in full"
kith index --format=json >"$TMP/index.json"
kith complete mull >"$TMP/out"
test_expect_equal "8 True Jürgen Müller <jurgen.muller@uni.example>" \
    "$(sql 'PRAGMA user_version') $(json_eval "$TMP/index.json" "j['rebuilt']") $(cat "$TMP/out")"

test_begin "the migrated word index equals a rebuilt one"
sql "SELECT word || ' ' || address FROM contact_word ORDER BY word, address" >"$TMP/migrated"
kith index --rebuild >/dev/null
sql "SELECT word || ' ' || address FROM contact_word ORDER BY word, address" >"$TMP/rebuilt"
test_expect_equal_file "$TMP/rebuilt" "$TMP/migrated"

test_begin "a schema 4 store (before the completion order's pull): read-only completion asks for one index run"
expect_asks 4 "$drop_pulls DROP INDEX message_date"

test_begin "the next index adds the column in place and mines in full, equal to a rebuild"
expect_migrated

test_begin "a schema 5 store (before the index of one-way senders' mail): the next index adds both in place"
downgrade 5 "DROP INDEX message_event; DROP INDEX message_author;
CREATE INDEX message_author ON message (author); $drop_pulls $add_pull"
kith complete mull >"$TMP/out5" 2>&1
kith index --format=json >"$TMP/index.json"
test_expect_equal "1 8 True 1 author,date" \
    "$(asks_for_index "$TMP/out5") $(sql 'PRAGMA user_version') $(json_eval "$TMP/index.json" "j['rebuilt']") $(sql "SELECT count(*) FROM sqlite_master WHERE name = 'message_event'") $(sql "SELECT name FROM pragma_index_info('message_author') ORDER BY seqno")"

test_begin "a schema 6 store (before the completion order's long memory): read-only completion asks for one index run"
expect_asks 6 "$drop_pulls $add_pull"

test_begin "the next index adds pull_long in place and mines in full, equal to a rebuild"
expect_migrated

test_begin "a schema 7 store (two sums, before the replay's memories): read-only completion asks for one index run"
expect_asks 7 "$drop_pulls $add_pull $add_pull_long"

test_begin "the next index trades the two sums for five in place and mines in full, equal to a rebuild"
expect_migrated

test_begin "the two old columns are gone, every contact with a sum has all five, and the replay ran"
test_expect_equal "0 0 28" "$(sql "SELECT count(*) FROM pragma_table_info('contact') WHERE name IN ('pull', 'pull_long')") $(sql 'SELECT count(*) FROM contact WHERE pull_28 != 0 AND (pull_7 = 0 OR pull_112 = 0 OR pull_448 = 0 OR pull_1792 = 0)') $(sql "SELECT value FROM meta WHERE key = 'pull_memory'")"

test_begin "removed mail takes its words with it"
rm -f "$(notmuch search --output=files from:jules@cold.example)"
notmuch_new
kith index
test_expect_equal "" "$(kith complete --all jules)"

test_begin "before any index: a clear error"
rm -f "$store" "$store-wal" "$store-shm"
kith complete jur >/dev/null 2>"$TMP/err"
test_expect_equal "1 1" "$? $(grep -c "notmuch kith index" "$TMP/err")"

test_done
