#!/usr/bin/env bash
# T040-errors: every error is clear ("Error: ..." on stderr), exits as
# documented (1 failure, 75 lock timeout) and never leaves a
# half-written store.
. "$(dirname "$0")/lib.sh"

STORE=$MAIL_DIR/.notmuch/kith.db

# A lock holder still running when the script ends is stopped first,
# then lib.sh's own clean-up runs.
holder=""
eval "set -- $(trap -p EXIT)"
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; '"${3:-}" EXIT

# run NAME ARGS...: run kith ARGS, keeping the exit status in $rc and
# stdout/stderr in $TMP/NAME.out and $TMP/NAME.err.  It never hangs: a
# kith still running after $RUN_TIMEOUT s (x3 under valgrind) is
# stopped (status 124).
SLOW=1
KITH_CMD=("$BUILD_DIR/notmuch-kith")
if [ "${KITH_VALGRIND:-}" = 1 ]; then
    SLOW=3
    KITH_CMD=(valgrind -q --error-exitcode=126 --leak-check=full --errors-for-leak-kinds=definite
	      --suppressions="$TESTS_DIR/valgrind.supp" "$BUILD_DIR/notmuch-kith")
fi
run () {
    local name=$1
    shift
    timeout -k 2 $(( ${RUN_TIMEOUT:-20} * SLOW )) "${KITH_CMD[@]}" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    rc=$?
}

# err NAME: the first line of stderr of run NAME.
err () {
    head -1 "$TMP/$1.err"
}


sum () {
    md5sum <"$1" | cut -d' ' -f1
}

# No kith store file (nor -wal/-shm) anywhere in the mail tree.
no_store () {
    local found
    found=$(find "$MAIL_DIR" "$TMP/home" -name 'kith.db*' 2>/dev/null)
    echo "${found:-none}"
}

# now_ms: the time in milliseconds (no process started).
now_ms () {
    local t=${EPOCHREALTIME/./}
    echo $(( t / 1000 ))
}

# wait_for FILE TEXT: wait up to 10 s for TEXT to appear in FILE.
wait_for () {
    local i
    for i in $(seq 100); do
	grep -q -F "$2" "$1" 2>/dev/null && return 0
	sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------------
# No notmuch configuration at all.

test_begin "no config (NOTMUCH_CONFIG names a missing file): exit 1 and 'Error:' saying to set notmuch up"
NOTMUCH_CONFIG=$TMP/missing-config run noconf who
test_expect_equal "1 Error: yes" "$rc $(err noconf | cut -c1-6) $(has noconf 'notmuch setup' config)"

test_begin "no config: index fails the same way and creates nothing"
NOTMUCH_CONFIG=$TMP/missing-config run noconf-index index
test_expect_equal "1 Error: yes none" "$rc $(err noconf-index | cut -c1-6) $(has noconf-index 'notmuch setup') $(no_store)"

test_begin "no config (NOTMUCH_CONFIG unset, empty HOME): exit 1, same message"
(unset NOTMUCH_CONFIG; run noconf-home status; echo "$rc" >"$TMP/rc")
test_expect_equal "1 Error: yes" "$(cat "$TMP/rc") $(err noconf-home | cut -c1-6) $(has noconf-home 'notmuch setup')"

# ---------------------------------------------------------------------
# A config, but no notmuch database yet.
write_config
# Two people called Chris Smith, both with shared history; a third
# Chris without; Alice for the rest.
for chris in "Chris Smith <chris@one.example>" "Chris Smith <csmith@two.example>"; do
    a=$(add_message from="$chris" subject="Lunch with $chris" date=2024-03-01)
    m=$(add_message from="Me Myself <$ME>" to="$chris" subject="Re: Lunch" reply="$a" date=2024-03-02)
    add_message from="$chris" subject="Re: Lunch" reply="$m" date=2024-03-03 >/dev/null
done
add_message from="Chris Jones <cj@three.example>" subject="Hi" date=2024-03-04 >/dev/null
a=$(add_message from="Alice Liddell <alice@wonder.example>" subject="Tea?" date=2024-04-01)
m=$(add_message from="Me Myself <$ME>" to="Alice Liddell <alice@wonder.example>" subject="Re: Tea?" reply="$a" date=2024-04-02)
add_message from="Alice Liddell <alice@wonder.example>" subject="Re: Tea?" reply="$m" date=2024-04-03 >/dev/null

test_begin "no database yet: index exits 1 saying to run 'notmuch new', creates nothing"
run nodb index
test_expect_equal "1 Error: yes none" "$rc $(err nodb | cut -c1-6) $(has nodb 'notmuch new') $(no_store)"

test_begin "no database yet: who exits 1 saying to run 'notmuch new'"
run nodb-who who
test_expect_equal "1 yes" "$rc $(has nodb-who 'notmuch new')"

test_begin "no database yet: the message is one line with one 'Error:' prefix"
test_expect_equal "1 1" "$(wc -l <"$TMP/nodb.err") $(grep -o 'Error:' "$TMP/nodb.err" | wc -l)"

notmuch_new

# ---------------------------------------------------------------------
# No user.primary_email.

test_begin "user.primary_email empty: exit 1 naming 'notmuch config set user.primary_email', no store"
sed -i 's/^primary_email=.*/primary_email=/' "$NOTMUCH_CONFIG"
run noid index
test_expect_equal "1 Error: yes none" "$rc $(err noid | cut -c1-6) $(has noid 'notmuch config set user.primary_email') $(no_store)"

test_begin "user.primary_email not set at all: exit 1 naming 'notmuch config set user.primary_email', no store"
sed -i '/^primary_email=/d' "$NOTMUCH_CONFIG"
(unset EMAIL; run noid2 index; echo "$rc" >"$TMP/rc")
test_expect_equal "1 yes none" "$(cat "$TMP/rc") $(has noid2 'notmuch config set user.primary_email') $(no_store)"
rm -f "$STORE" "$STORE-wal" "$STORE-shm" "$MAIL_DIR/kith.db"

test_begin "user.primary_email set in the notmuch database only (config set --database): accepted"
notmuch config set --database user.primary_email "$ME"
(unset EMAIL; run dbid index; echo "$rc" >"$TMP/rc")
test_expect_equal "0 $ME" "$(cat "$TMP/rc") $(notmuch config get user.primary_email)"
[ "$(cat "$TMP/rc")" = 0 ] || echo "# (index said: $(cat "$TMP/dbid.err"))"
notmuch config set --database user.primary_email
rm -f "$STORE" "$STORE-wal" "$STORE-shm" "$MAIL_DIR/kith.db"
write_config

# ---------------------------------------------------------------------
# Unknown and ambiguous contacts.
kith index >"$TMP/out" 2>&1 || echo "# setup: kith index failed: $(cat "$TMP/out")"

test_begin "show of an unknown address: exit 1, names it"
run unknown show nobody@nowhere.example
test_expect_equal "1 Error: yes" "$rc $(err unknown | cut -c1-6) $(has unknown nobody@nowhere.example)"

test_begin "show of an unknown name: exit 1, names it"
run unknown-name show "Zebedee Nobody"
test_expect_equal "1 yes" "$rc $(has unknown-name 'Zebedee Nobody')"

test_begin "show of an ambiguous name: exit 1, lists both addresses (not the namesake without history)"
run ambiguous show "Chris Smith"
test_expect_equal "1 yes 0" "$rc $(has ambiguous chris@one.example csmith@two.example) $(grep -c cj@three.example "$TMP/ambiguous.err")"

test_begin "show of one of them by address works"
run chris1 show csmith@two.example
test_expect_equal "0 Chris Smith <csmith@two.example>" "$rc $(head -1 "$TMP/chris1.out")"

# ---------------------------------------------------------------------
# The notmuch database write-locked by another process.
cat >"$TMP/holdlock.c" <<'EOF'
/* holdlock: open the notmuch database read-write (taking its lock),
 * say "locked", and sleep until killed. */
#include <notmuch.h>
#include <stdio.h>
#include <unistd.h>

int
main (void)
{
    notmuch_database_t *db = NULL;
    char *msg = NULL;
    notmuch_status_t st = notmuch_database_open_with_config (
	NULL, NOTMUCH_DATABASE_MODE_READ_WRITE, NULL, NULL, &db, &msg);

    if (st) {
	fprintf (stderr, "holdlock: %s\n", msg ? msg : notmuch_status_to_string (st));
	return 1;
    }
    printf ("locked\n");
    fflush (stdout);
    for (;;)
	pause ();
}
EOF
notmuch config set kith.lock_timeout 2
kith index >/dev/null 2>&1
# A stranger's message notmuch has and kith has not judged yet.
add_message from="Mallory Stranger <mallory@far.example>" to="$ME" subject="Never met" \
    date=2024-05-02 id=mallory@far.example >/dev/null
notmuch_new --no-hooks
store_sum=$(sum "$STORE")

test_begin "the lock holder helper compiles and takes the notmuch lock"
cc -o "$TMP/holdlock" "$TMP/holdlock.c" -lnotmuch >"$TMP/cc.err" 2>&1
"$TMP/holdlock" >"$TMP/holdlock.out" 2>&1 &
holder=$!
wait_for "$TMP/holdlock.out" locked
test_expect_equal "locked" "$(cat "$TMP/holdlock.out" "$TMP/cc.err")"

test_begin "notmuch locked: index waits kith.lock_timeout (2 s), then exits 75 naming the lock"
add_message from="Alice Liddell <alice@wonder.example>" subject="While locked" date=2024-05-01 >/dev/null
start=$(now_ms)
RUN_TIMEOUT=8 run locked index
elapsed=$(( $(now_ms) - start ))
test_expect_equal "75 1 yes" "$rc $(( elapsed >= 2000 && elapsed <= 5000 * SLOW )) $(has locked lock)"
[ "$rc" = 75 ] || echo "# (exit $rc after $elapsed ms)"

test_begin "notmuch locked: the store was not touched"
test_expect_equal "$store_sum" "$(sum "$STORE")"

test_begin "notmuch locked: who still answers"
run locked-who who
test_expect_equal "0 1" "$rc $(grep -c alice@wonder.example "$TMP/locked-who.out")"

test_begin "notmuch locked: the hook waits, then exits 0 (notmuch new must not fail) saying the mail is left unjudged"
RUN_TIMEOUT=8 run locked-hook hook
test_expect_equal "0 yes" "$rc $(has locked-hook lock unjudged)"

kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
holder=""

test_begin "lock released: the next hook run judges what the locked one left"
run released-hook hook
test_expect_equal "0 1" "$rc $(notmuch count id:mallory@far.example and tag:no-history)"

test_begin "lock released: index succeeds"
notmuch_new
run unlocked index
test_expect_equal "0" "$rc"

# ---------------------------------------------------------------------
# The store write-locked by another writer (an uncommitted transaction).
store_sum=$(sum "$STORE")
python3 -c '
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("DELETE FROM contact")
print("locked", flush=True)
time.sleep(120)' "$STORE" >"$TMP/storelock.out" 2>&1 &
holder=$!
wait_for "$TMP/storelock.out" locked

test_begin "store locked: index waits kith.lock_timeout, then exits 75 naming the lock and the store"
start=$(now_ms)
run storelocked index --rebuild
elapsed=$(( $(now_ms) - start ))
test_expect_equal "75 1 yes" "$rc $(( elapsed >= 2000 && elapsed <= 5000 * SLOW )) $(has storelocked locked "$STORE")"

test_begin "store locked: readers are not blocked (WAL)"
run storelocked-who who
test_expect_equal "0 1" "$rc $(grep -c alice@wonder.example "$TMP/storelocked-who.out")"

test_begin "store locked: the hook waits, then exits 0 (notmuch new must not fail) saying the mail is left unjudged"
RUN_TIMEOUT=8 run storelocked-hook hook
test_expect_equal "0 yes" "$rc $(has storelocked-hook lock unjudged)"

kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
holder=""

test_begin "store locked: the store is as it was"
test_expect_equal "$store_sum" "$(sum "$STORE")"

# ---------------------------------------------------------------------
# Damaged, foreign and newer stores.
kith index >/dev/null 2>&1
cp "$STORE" "$TMP/good.db"
[ -s "$STORE-wal" ] && echo "# warning: the store has a non-empty WAL after index"
# One python run makes the bad files: a foreign SQLite database, a kith
# store of schema version 99, and a kith store whose contact table's
# root page is garbage (valid header, schema and meta).
python3 - "$TMP" <<'EOF'
import os, shutil, sqlite3, sys
tmp = sys.argv[1]
db = sqlite3.connect(os.path.join(tmp, "foreign.db"))
db.execute("CREATE TABLE notes (text TEXT)")
db.execute("INSERT INTO notes VALUES ('not kith')")
db.commit()
db.close()
shutil.copy(os.path.join(tmp, "good.db"), os.path.join(tmp, "newer.db"))
db = sqlite3.connect(os.path.join(tmp, "newer.db"), isolation_level=None)
db.execute("PRAGMA journal_mode = DELETE")
db.execute("PRAGMA user_version = 99")
db.close()
shutil.copy(os.path.join(tmp, "good.db"), os.path.join(tmp, "page.db"))
db = sqlite3.connect(os.path.join(tmp, "page.db"), isolation_level=None)
db.execute("PRAGMA journal_mode = DELETE")
size = db.execute("PRAGMA page_size").fetchone()[0]
root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'contact'").fetchone()[0]
db.close()
with open(os.path.join(tmp, "page.db"), "r+b") as f:
    f.seek((root - 1) * size)
    f.write(b"garbage!" * (size // 8))
EOF

# put_store FILE: make FILE the store (no -wal/-shm left over).
put_store () {
    rm -f "$STORE" "$STORE-wal" "$STORE-shm" "$STORE".damaged-*
    cp "$1" "$STORE"
}

yes 'garbage' | head -c 65536 >"$TMP/garbage.db"
head -c $(( $(stat -c %s "$TMP/good.db") / 2 )) "$TMP/good.db" >"$TMP/half.db"

for kind in garbage half page; do
    case $kind in
    garbage) what="garbage bytes" ;;
    half) what="truncated to half" ;;
    page) what="a garbage data page" ;;
    esac
    put_store "$TMP/$kind.db"
    bad_sum=$(sum "$STORE")

    test_begin "store of $what: who exits 1 naming the store and '--rebuild'"
    run bad-who who
    test_expect_equal "1 Error: yes" "$rc $(err bad-who | cut -c1-6) $(has bad-who "$STORE" 'notmuch kith index --rebuild')"

    # (With only a data page damaged an incremental run that does not
    # read that page cannot notice; only --rebuild is asked to cope.)
    if [ $kind != page ]; then
	test_begin "store of $what: index (no --rebuild) exits 1 saying '--rebuild', file untouched"
	run bad-index index
	test_expect_equal "1 yes $bad_sum" "$rc $(has bad-index '--rebuild') $(sum "$STORE")"
    fi

    test_begin "store of $what: index --rebuild recovers, keeping the damaged file as kith.db.damaged-DATE"
    run bad-rebuild index --rebuild
    kept=$(ls "$STORE".damaged-* 2>/dev/null | grep -v -- '-wal$\|-shm$' | head -1)
    damaged=$( [ -n "$kept" ] && sum "$kept")
    test_expect_equal "0 $bad_sum" "$rc ${damaged:-no-damaged-file}"
    [ "$rc" = 0 ] || echo "# (index --rebuild said: $(cat "$TMP/bad-rebuild.err"))"

    test_begin "store of $what: after the rebuild who works again"
    run bad-after who
    test_expect_equal "0 1" "$rc $(grep -c alice@wonder.example "$TMP/bad-after.out")"
done

test_begin "a SQLite database that is not kith's: refused by who, index and index --rebuild"
put_store "$TMP/foreign.db"
foreign_sum=$(sum "$STORE")
codes=""
for verb in who index "index --rebuild"; do
    run foreign $verb
    codes="$codes $rc $(has foreign 'not a kith store' "$STORE")"
done
test_expect_equal " 1 yes 1 yes 1 yes" "$codes"

test_begin "a SQLite database that is not kith's: left untouched, not moved aside"
test_expect_equal "$foreign_sum no-damaged" "$(sum "$STORE") $([ -e "$STORE.damaged" ] && echo damaged || echo no-damaged)"

test_begin "a store with a newer schema (user_version 99): refused as 'newer' by who, index and index --rebuild"
put_store "$TMP/newer.db"
newer_sum=$(sum "$STORE")
codes=""
for verb in who status index "index --rebuild"; do
    run newer $verb
    codes="$codes $rc $(has newer newer 99)"
done
test_expect_equal " 1 yes 1 yes 1 yes 1 yes" "$codes"

test_begin "a store with a newer schema: the file is untouched, not moved aside"
test_expect_equal "$newer_sum no-damaged" "$(sum "$STORE") $([ -e "$STORE.damaged" ] && echo damaged || echo no-damaged)"

put_store "$TMP/good.db"

test_begin "an unwritable store path (kith.store in /proc): index exits 1 naming the path"
notmuch config set kith.store /proc/nonexistent/kith.db
run unwritable index
test_expect_equal "1 Error: yes" "$rc $(err unwritable | cut -c1-6) $(has unwritable /proc/nonexistent/kith.db)"

test_begin "an unwritable store path: who exits 1 saying to run 'notmuch kith index'"
run unwritable-who who
test_expect_equal "1 yes" "$rc $(has unwritable-who 'notmuch kith index')"
notmuch config set kith.store

# ---------------------------------------------------------------------
# Atomicity: kith index --rebuild killed (SIGKILL) at five points of its
# run leaves the store exactly as it was before (or, killed after its
# commit, as the finished run leaves it): never anything in between.
GEN=$TMP/gen
"$TESTS_DIR/gen-mailbox" --seed 40 --messages 3000 "$GEN" >/dev/null
# A page cache smaller than this store, so that the rebuild writes into
# the WAL before it commits (with kith's usual 8 MB it all stays in
# memory until the commit) and a kill can hit it while it writes.
export KITH_INDEX_CACHE_KB=256
export NOTMUCH_CONFIG=$GEN/notmuch-config
BIG=$GEN/mail/.notmuch/kith.db
notmuch_new
kith index >/dev/null 2>&1
# The store that the killed runs must leave alone is out of date, so a
# finished rebuild is told apart from an untouched store.
notmuch tag +spam -- "$(notmuch search --output=messages '*' | awk 'NR % 7 == 0' | sed '$!s/$/ or/' | tr '\n' ' ')"
cp "$BIG" "$TMP/old.db"

coproc DUMPER { python3 "$TESTS_DIR/store-dump.py" --serve; }
# dump STORE OUT: the canonical dump of STORE into OUT.
dump () {
    local reply=""
    printf '%s\t%s\n' "$2" "$1" >&"${DUMPER[1]}"
    read -r reply <&"${DUMPER[0]}"
    [ "$reply" = ok ] || echo "store-dump.py: ${reply:-no answer}" >"$2"
}
dump "$BIG" "$TMP/dump-old"

# The finished rebuild, on a copy, and how long it takes.
cp "$TMP/old.db" "$TMP/new.db"
{ cat "$NOTMUCH_CONFIG"; printf '\n[kith]\nstore=%s\n' "$TMP/new.db"; } >"$TMP/new-config"
start=$(now_ms)
"$BUILD_DIR/notmuch-kith" --config="$TMP/new-config" index --rebuild >/dev/null 2>&1
runtime=$(( $(now_ms) - start ))
dump "$TMP/new.db" "$TMP/dump-new"

test_begin "atomicity: the old and the rebuilt store differ (so the kills below can tell them apart)"
test_expect_equal "different" "$(cmp -s "$TMP/dump-old" "$TMP/dump-new" && echo same || echo different)"

killed_mid=0     # killed before the end, store untouched
killed_writing=0 # of those, with uncommitted frames in the WAL (more than its 32-byte header)
for percent in 10 25 40 60 80; do
    rm -f "$BIG-wal" "$BIG-shm"
    cp "$TMP/old.db" "$BIG"
    delay=$(( runtime * percent / 100 ))
    # The binary itself, not the kith function: $! must be its pid.
    "$BUILD_DIR/notmuch-kith" index --rebuild >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $(( delay / 1000 )) $(( delay % 1000 )))"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    status=$?
    wal=$(stat -c %s "$BIG-wal" 2>/dev/null || echo 0)
    dump "$BIG" "$TMP/dump-killed"
    if cmp -s "$TMP/dump-old" "$TMP/dump-killed"; then
	state=old
    elif cmp -s "$TMP/dump-new" "$TMP/dump-killed"; then
	state=new
    else
	state=neither
    fi
    [ "$status" = 137 ] && [ "$state" = old ] && killed_mid=$((killed_mid + 1))
    [ "$status" = 137 ] && [ "$state" = old ] && [ "$wal" -gt 32 ] && killed_writing=$((killed_writing + 1))
    echo "# kill at ${delay} ms: exit $status, WAL $wal bytes, store $state"

    test_begin "atomicity: killed at $percent % of the run (${delay} ms), the store is the old or the new one"
    if [ "$status" = 137 ]; then
	test_expect_equal "old-or-new" "$(case $state in old|new) echo old-or-new ;; *) echo "$state" ;; esac)"
    else
	test_expect_equal "new" "$state"
    fi

    test_begin "atomicity: killed at $percent %, the store still works"
    run killed-who who
    test_expect_equal "0" "$rc"
done

test_begin "atomicity: two or more kills hit the run mid-way, one while it was writing"
test_expect_equal "1 1" "$(( killed_mid >= 2 )) $(( killed_writing >= 1 ))"

test_begin "atomicity: an incremental index then brings the store to the rebuilt state"
run after-kill index
dump "$BIG" "$TMP/dump-final"
test_expect_equal "0 same" "$rc $(cmp -s "$TMP/dump-new" "$TMP/dump-final" && echo same || echo different)"

test_done
