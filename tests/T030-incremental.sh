#!/usr/bin/env bash
# T030-incremental: any sequence of incremental index runs leaves the
# store exactly as a full rebuild would.
#
# Two configs share one notmuch database: config A uses the default
# store (beside the database) and is only ever indexed incrementally;
# config B points kith.store at a side file that is rebuilt from
# scratch after every batch of changes.  After every batch the
# canonical dumps (tests/store-dump.py: contacts, names, messages and
# recipients, not the meta table) of the two must be byte-identical.
#
# Process start-ups are kept few on purpose (no per-file commands, one
# store-dump.py for the whole test): the test should stay well under a
# minute even where starting a process is slow.
. "$(dirname "$0")/lib.sh"

GEN=$TMP/gen
HELD=$TMP/held
"$TESTS_DIR/gen-mailbox" --seed 30 --messages 1500 "$GEN" >/dev/null
MAIL=$GEN/mail
MAIL_DIR=$MAIL # add_message writes here
CFG_A=$TMP/config-a
CFG_B=$TMP/config-b
cp "$GEN/notmuch-config" "$CFG_A"
{ cat "$GEN/notmuch-config"; printf '\n[kith]\nstore=%s\n' "$TMP/rebuilt.db"; } >"$CFG_B"
export NOTMUCH_CONFIG=$CFG_A
ME_ROBIN=$(notmuch config get user.primary_email)
STORE_A=$MAIL/.notmuch/kith.db
STORE_B=$TMP/rebuilt.db
: >"$TMP/errors"

# sample SEED K: K of the lines of stdin, chosen at random but the same
# on every run, sorted.
sample () {
    sort | awk -v seed="$1" 'BEGIN { srand(seed) } NF { printf "%.9f\t%s\n", rand(), $0 }' |
	sort -k1,1 | head -n "$2" | cut -f2- | sort
}

# mail_files: every message file of the Maildir tree, sorted.
mail_files () {
    find "$MAIL" -path "$MAIL/.notmuch" -prune -o -type f -print | sort
}

# move FROM TO: move the files named on stdin (all under FROM) to the
# same relative path under TO, one mv per directory.
move () {
    local from=$1 to=$2 f rel dir
    local -A bydir=()
    while IFS= read -r f; do
	[ -n "$f" ] || continue
	rel=${f#"$from"/}
	dir=${rel%/*}
	bydir[$dir]+="$f"$'\n'
    done
    for dir in "${!bydir[@]}"; do
	mkdir -p "$to/$dir"
	printf '%s' "${bydir[$dir]}" | xargs -d '\n' mv -t "$to/$dir" --
    done
}

# files_of QUERY: the files of the messages matching QUERY.
files_of () {
    notmuch search --exclude=false --output=files "$@"
}

# total: the number of messages in the notmuch database.
total () {
    notmuch count --exclude=false '*'
}

# parents: ids of messages present that a present message replies to
# (In-Reply-To), sorted.
parents () {
    grep -rh --exclude-dir=.notmuch -m1 -i '^In-Reply-To:' "$MAIL" |
	sed -n 's/^[^<]*<\([^>]*\)>.*/\1/p' | sort -u >"$TMP/replied"
    notmuch search --exclude=false --output=messages '*' | sed 's/^id://' | sort >"$TMP/present"
    comm -12 "$TMP/replied" "$TMP/present"
}

# files_of_ids: the files of the message ids on stdin.
files_of_ids () {
    files_of "$(sed 's/^\(.*\)$/id:"\1"/' | or_query)"
}

# or_query: the "id:X" lines of stdin joined with " or " (a query).
or_query () {
    sed '$!s/$/ or/' | tr '\n' ' '
}

# One store-dump.py serves every dump of the test.
coproc DUMPER { python3 "$TESTS_DIR/store-dump.py" --serve; }

# dump STORE OUT: the canonical dump of STORE into OUT.
dump () {
    local reply=""
    printf '%s\t%s\n' "$2" "$1" >&"${DUMPER[1]}"
    read -r reply <&"${DUMPER[0]}"
    if [ "$reply" != ok ]; then
	echo "store-dump.py: ${reply:-no answer}" >>"$TMP/errors"
	echo "store-dump.py: ${reply:-no answer}" >"$2"
    fi
}

# dump_a: dump store A to $TMP/dump-a (the previous dump is kept as
# $TMP/dump-a.prev).
dump_a () {
    [ -f "$TMP/dump-a" ] && cp "$TMP/dump-a" "$TMP/dump-a.prev"
    dump "$STORE_A" "$TMP/dump-a"
}

# index_both: an incremental run on store A (its JSON in $TMP/inc.json),
# a rebuild of store B, and the dumps of both ($TMP/dump-a, dump-b).
index_both () {
    kith index --format=json >"$TMP/inc.json" 2>"$TMP/inc.err" ||
	echo "index A failed: $(cat "$TMP/inc.err")" >>"$TMP/errors"
    kith --config="$CFG_B" index --rebuild --format=json >"$TMP/full.json" 2>"$TMP/full.err" ||
	echo "index B failed: $(cat "$TMP/full.err")" >>"$TMP/errors"
    dump_a
    dump "$STORE_B" "$TMP/dump-b"
}

# jget FILE KEY...: the named number or boolean values of the flat
# one-line JSON object that "kith index/status --format=json" print.
jget () {
    local file=$1 k out=""
    shift
    for k in "$@"; do
	out="$out $(sed -n "s/.*\"$k\": \([a-z0-9]*\).*/\1/p" "$file")"
    done
    echo ${out# }
}

# stats KEY...: the named values of the last incremental run.
stats () {
    jget "$TMP/inc.json" "$@"
}

same_dumps () {
    cmp -s "$TMP/dump-b" "$TMP/dump-a" && echo same || echo different
}

# ---------------------------------------------------------------------
# Start with 60 % of the mail.
mail_files | sample 1 $(( $(mail_files | wc -l) * 40 / 100 )) >"$TMP/held-list"
move "$MAIL" "$HELD" <"$TMP/held-list"
notmuch_new

test_begin "first run on 60 % of the mail is a full run"
kith index --format=json >"$TMP/inc.json" 2>"$TMP/err"
test_expect_equal "true $(total) 0" "$(stats rebuilt mined removed)"

test_begin "an index run without changes reads nothing"
kith index --format=json >"$TMP/inc.json" 2>"$TMP/err"
test_expect_equal "false 0 0 0 0" "$(stats rebuilt mined retagged removed contacts_updated)"

# ---------------------------------------------------------------------
# Batch 1: a quarter of the held-back mail arrives.
find "$HELD" -type f | sample 11 $(( $(wc -l <"$TMP/held-list") / 4 )) >"$TMP/in1"
before=$(total)
move "$HELD" "$MAIL" <"$TMP/in1"
notmuch_new
added=$(( $(total) - before ))
index_both

test_begin "batch 1 (new mail): the run is incremental and mines only the new messages"
test_expect_equal "false $added 0" "$(stats rebuilt mined removed)"

test_begin "batch 1 (new mail): over 100 messages were added"
test_expect_equal "1" "$(( added > 100 ))"

test_begin "batch 1 (new mail): incremental store equals a rebuild"
test_expect_equal_file "$TMP/dump-b" "$TMP/dump-a"

# ---------------------------------------------------------------------
# Batch 2: mail is deleted, among it parents of replies and the mail of
# the two closest contacts.
kith who --tier=close --format=json >"$TMP/close.json"
grep -o '"address": "[^"]*"' "$TMP/close.json" | cut -d'"' -f4 >"$TMP/close.list"
close1=$(sed -n 1p "$TMP/close.list")
close2=$(sed -n 2p "$TMP/close.list")
{
    files_of "from:$close1" | sample 21 4
    files_of "to:$close2" | sample 22 3
    parents | sample 23 12 | files_of_ids
    mail_files | sample 24 30
} | sort -u >"$TMP/del2"
grep "^('$close1'," "$TMP/dump-a" >"$TMP/close1.before"
before=$(total)
xargs -d '\n' rm -f <"$TMP/del2"
notmuch_new
deleted=$(( before - $(total) ))
index_both

test_begin "batch 2 (deletions): the run is incremental and notices the removals"
test_expect_equal "false 0 $deleted" "$(stats rebuilt mined removed)"

test_begin "batch 2 (deletions): over 40 messages went, and the closest contact changed"
grep "^('$close1'," "$TMP/dump-a" >"$TMP/close1.after"
test_expect_equal "1 changed" \
    "$(( deleted > 40 )) $(cmp -s "$TMP/close1.before" "$TMP/close1.after" && echo unchanged || echo changed)"

test_begin "batch 2 (deletions): incremental store equals a rebuild"
test_expect_equal_file "$TMP/dump-b" "$TMP/dump-a"

# ---------------------------------------------------------------------
# Batch 3: some mail is tagged spam (in search.exclude_tags), among it
# the mail of close contacts and replied-to messages.
{
    notmuch search --output=messages "from:$close1" | sample 31 3
    notmuch search --output=messages "from:$close2 or to:$close2" | sample 32 3
    parents | sample 33 6 | sed 's/^/id:/'
    notmuch search --output=messages '*' | sample 34 20
} | sort -u >"$TMP/spam3"
spam3=$(notmuch count --exclude=false -- "$(or_query <"$TMP/spam3")")
notmuch tag +spam -- "$(or_query <"$TMP/spam3")"
index_both

test_begin "batch 3 (spam): the run only retags, reads no file"
test_expect_equal "false 0 $spam3 0" "$(stats rebuilt mined retagged removed)"

test_begin "batch 3 (spam): the store content changed"
test_expect_equal "changed" "$(cmp -s "$TMP/dump-a.prev" "$TMP/dump-a" && echo unchanged || echo changed)"

test_begin "batch 3 (spam): incremental store equals a rebuild"
test_expect_equal_file "$TMP/dump-b" "$TMP/dump-a"

# ---------------------------------------------------------------------
# Batch 4: half of the spam is untagged again; new mail arrives too
# (and may merge threads: "retagged" counts those messages too).
notmuch search --output=messages tag:spam | sample 41 $(( spam3 / 2 )) >"$TMP/unspam4"
notmuch tag -spam -- "$(or_query <"$TMP/unspam4")"
unspam4=$(wc -l <"$TMP/unspam4")
find "$HELD" -type f | sample 42 50 >"$TMP/in4"
before=$(total)
move "$HELD" "$MAIL" <"$TMP/in4"
notmuch_new
added=$(( $(total) - before ))
index_both

test_begin "batch 4 (unspam + new mail): incremental, mines only the new mail, retags the rest"
read -r rebuilt mined retagged removed < <(stats rebuilt mined retagged removed)
test_expect_equal "false $added 1 0" "$rebuilt $mined $(( retagged >= unspam4 )) $removed"

test_begin "batch 4 (unspam + new mail): incremental store equals a rebuild"
test_expect_equal_file "$TMP/dump-b" "$TMP/dump-a"

# ---------------------------------------------------------------------
# Batch 5: everything at once - new mail, deletions (parents again),
# spam and unspam, a renamed file (Maildir flags changed) and a second
# copy of a message - then two runs without any change.
find "$HELD" -type f | sample 51 80 >"$TMP/in5"
move "$HELD" "$MAIL" <"$TMP/in5"
{
    parents | sample 52 8 | files_of_ids
    files_of "from:$close2" | sample 53 2
    mail_files | sample 54 20
} | sort -u >"$TMP/del5"
xargs -d '\n' rm -f <"$TMP/del5"
renamed=$(mail_files | grep '/cur/.*:2,S$' | sample 55 1)
mv "$renamed" "${renamed%:2,*}:2,RS"
copied=$(mail_files | sample 56 1)
mkdir -p "$MAIL/copies/cur" "$MAIL/copies/new" "$MAIL/copies/tmp"
cp "$copied" "$MAIL/copies/cur/copy:2,S"
notmuch tag +spam -- "$(notmuch search --output=messages "from:$close1" | sample 57 2 | or_query)"
notmuch tag -spam -- "$(notmuch search --output=messages tag:spam | sample 58 3 | or_query)"
notmuch_new
index_both

test_begin "batch 5 (mixed): the run is incremental, mines, retags and removes"
read -r rebuilt mined retagged removed < <(stats rebuilt mined retagged removed)
test_expect_equal "false 1 1 1" "$rebuilt $(( mined > 0 )) $(( retagged > 0 )) $(( removed > 0 ))"

test_begin "batch 5 (mixed): incremental store equals a rebuild"
test_expect_equal_file "$TMP/dump-b" "$TMP/dump-a"

test_begin "batch 5: a second run without changes does nothing"
kith index --format=json >"$TMP/inc.json" 2>"$TMP/err"
test_expect_equal "false 0 0 0 0" "$(stats rebuilt mined retagged removed contacts_updated)"

test_begin "batch 5: a third run without changes does nothing, store still equals a rebuild"
kith index --format=json >"$TMP/inc.json" 2>"$TMP/err"
dump_a
test_expect_equal "false 0 0 0 0 same" "$(stats rebuilt mined retagged removed contacts_updated) $(same_dumps)"

test_begin "batch 5: status says the incremental store is up to date"
kith status --format=json >"$TMP/status.json"
test_expect_equal "false true" "$(jget "$TMP/status.json" stale same_database)"

# ---------------------------------------------------------------------
# Batch 6: the copy goes away again (its message keeps its first file),
# the renamed file gets its old name back, and all the remaining
# held-back mail arrives: many parents after their replies.
rm -f "$MAIL/copies/cur/copy:2,S"
mv "${renamed%:2,*}:2,RS" "$renamed"
find "$HELD" -type f >"$TMP/in6"
move "$HELD" "$MAIL" <"$TMP/in6"
notmuch_new
index_both

test_begin "batch 6 (the rest of the mail): incremental, and no mail is held back any more"
test_expect_equal "false 0" "$(stats rebuilt) $(find "$HELD" -type f | wc -l)"

test_begin "batch 6 (the rest of the mail): incremental store equals a rebuild"
test_expect_equal_file "$TMP/dump-b" "$TMP/dump-a"

# ---------------------------------------------------------------------
# Batch 7: messages deleted and restored again between two runs, and
# all spam cleared.
mail_files | sample 71 5 >"$TMP/gone7"
move "$MAIL" "$TMP/aside" <"$TMP/gone7"
notmuch_new
find "$TMP/aside" -type f | move "$TMP/aside" "$MAIL"
notmuch_new
notmuch tag -spam -- tag:spam
index_both

test_begin "batch 7 (delete + restore, spam cleared): incremental store equals a rebuild"
test_expect_equal_file "$TMP/dump-b" "$TMP/dump-a"

# ---------------------------------------------------------------------
# Batch 8: a thread merge, made on purpose.  C replies to B (and names
# only B), B replies to A; A and C arrive first, in two threads, then B
# links them and notmuch merges the threads of messages kith knows.
pat="Pat Merge <pat@merge.example>"
add_message folder=merge from="$pat" to="$ME_ROBIN" subject="Plans" date=2024-02-01 id=merge-a@test.example >/dev/null
add_message folder=merge from="$pat" to="$ME_ROBIN" subject="Re: Plans" date=2024-02-03 id=merge-c@test.example \
    reply=merge-b@test.example >/dev/null
notmuch_new
kith index --format=json >"$TMP/inc.json" 2>"$TMP/err"
threads_before=$(notmuch search --output=threads 'id:merge-a@test.example or id:merge-c@test.example' | wc -l)
add_message folder=merge from="Robin Example <$ME_ROBIN>" to="$pat" subject="Re: Plans" date=2024-02-02 \
    id=merge-b@test.example reply=merge-a@test.example >/dev/null
notmuch_new
index_both

test_begin "batch 8 (thread merge): two threads became one in notmuch"
test_expect_equal "2 1" "$threads_before $(notmuch search --output=threads 'id:merge-a@test.example or id:merge-c@test.example' | wc -l)"

test_begin "batch 8 (thread merge): incremental store equals a rebuild"
test_expect_equal_file "$TMP/dump-b" "$TMP/dump-a"

test_begin "batch 8 (thread merge): show names the thread notmuch has now"
kith show --format=json pat@merge.example >"$TMP/show.json"
test_expect_equal "$(notmuch search --output=threads id:merge-a@test.example | sed 's/^thread://')" \
    "$(grep -o '"thread": "[^"]*"' "$TMP/show.json" | cut -d'"' -f4)"

# ---------------------------------------------------------------------
# Batch 9: one message removed and nothing else, right after runs that
# found notmuch unchanged (and so skipped counting its messages).  The
# message is alone in its thread: notmuch leaves no ghost behind, and its
# revision (lastmod) does not move.
add_message folder=lone from="Lee Lone <lee@lone.example>" to="$ME_ROBIN" subject="Alone" \
    date=2024-03-01 id=lone9@test.example >/dev/null
notmuch_new
kith index --format=json >"$TMP/inc.json" 2>"$TMP/err"
kith index --format=json >"$TMP/inc.json" 2>"$TMP/err"
notmuch search --output=files id:lone9@test.example >"$TMP/gone9"
before=$(total)
xargs -d '\n' rm -f <"$TMP/gone9"
notmuch_new
index_both

test_begin "batch 9 (one removal alone, after unchanged runs): noticed, store equals a rebuild"
test_expect_equal "1 false 1 same" "$(( before - $(total) )) $(stats rebuilt removed) $(same_dumps)"

# ---------------------------------------------------------------------
test_begin "no index run or dump failed"
test_expect_equal "" "$(cat "$TMP/errors")"

test_begin "a changed kith setting (kith.reply_window_days) makes the next run a rebuild"
notmuch config set kith.reply_window_days 30
notmuch --config="$CFG_B" config set kith.reply_window_days 30
index_both
test_expect_equal "true same" "$(stats rebuilt) $(same_dumps)"

test_begin "another notmuch database (new UUID) makes the next run a rebuild by itself"
rm -rf "$MAIL/.notmuch/xapian"
notmuch_new
kith index --format=json >"$TMP/inc.json" 2>"$TMP/err"
test_expect_equal "true $(total)" "$(stats rebuilt mined)"

test_begin "after the new database the store equals a rebuild"
kith --config="$CFG_B" index --rebuild --format=json >"$TMP/full.json" 2>"$TMP/err"
dump_a
dump "$STORE_B" "$TMP/dump-b"
test_expect_equal_file "$TMP/dump-b" "$TMP/dump-a"

test_done
