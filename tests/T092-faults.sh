#!/usr/bin/env bash
# T092-faults: notmuch kith index killed (SIGKILL) at random points of
# incremental runs over batches of new, retagged and deleted mail and of
# rebuilds: the next run always leaves the store identical to a clean
# rebuild.  A full disk (a tiny tmpfs, else a file size limit): a clear
# error naming the store, the previous store intact, the hook failing
# notmuch new without losing mail.  A truncated or page-damaged store:
# status detects it, explains, and index --rebuild recovers.
. "$(dirname "$0")/lib.sh"

TRIALS=${KITH_FAULT_TRIALS:-24}      # incremental runs killed
REBUILD_TRIALS=${KITH_FAULT_REBUILDS:-8}
if [ "${KITH_VALGRIND:-}" = 1 ]; then   # (each run is 20 times slower)
    TRIALS=${KITH_FAULT_TRIALS:-6}
    REBUILD_TRIALS=${KITH_FAULT_REBUILDS:-3}
fi
RANDOM=92

GEN=$TMP/gen
"$TESTS_DIR/gen-mailbox" --seed 92 --messages 1500 --new-batch 300 "$GEN" >/dev/null
export NOTMUCH_CONFIG=$GEN/notmuch-config
STORE=$GEN/mail/.notmuch/kith.db
notmuch new --quiet
kith index >/dev/null

mkdir -p "$TMP/pending"
# The first 240 new messages arrive in small batches (change_mail), the
# last 60 in the hook's batch.
find "$GEN/new-mail" -type f | sort >"$TMP/new.list"
head -240 "$TMP/new.list" >"$TMP/pending.list"
tail -60 "$TMP/new.list" >"$TMP/hook.list"

coproc DUMPER { python3 "$TESTS_DIR/store-dump.py" --serve; }
dump () { # STORE OUT
    local reply=""
    printf '%s\t%s\n' "$2" "$1" >&"${DUMPER[1]}"
    read -r reply <&"${DUMPER[0]}"
    [ "$reply" = ok ] || echo "store-dump.py: ${reply:-no answer}" >"$2"
}

# reference: a clean rebuild from nothing into $TMP/ref.db, dumped to
# $TMP/dump-ref.
{ cat "$NOTMUCH_CONFIG"; printf '\n[kith]\nstore=%s\n' "$TMP/ref.db"; } >"$TMP/ref-config"
reference () {
    rm -f "$TMP/ref.db" "$TMP/ref.db-wal" "$TMP/ref.db-shm"
    "$BUILD_DIR/notmuch-kith" --config="$TMP/ref-config" index >/dev/null 2>&1
    dump "$TMP/ref.db" "$TMP/dump-ref"
}

# change_mail: the next 5 new messages arrive, 3 messages are tagged
# spam (excluded), 1 spam message is untagged, 1 message file is
# deleted; then notmuch new (without hooks).
batch=0
change_mail () {
    local f
    batch=$((batch + 1))
    sed -n "$(( (batch - 1) * 5 + 1 )),$(( batch * 5 ))p" "$TMP/pending.list" | while read -r f; do
	case $f in
	*/new/*) mv "$f" "$GEN/mail/INBOX/new/" ;;
	*) mv "$f" "$GEN/mail/INBOX/cur/" ;;
	esac
    done
    notmuch search --output=messages --sort=oldest-first -- not tag:spam |
	awk -v s=$RANDOM 'BEGIN { srand(s) } rand() < 0.002' | head -3 >"$TMP/to-spam"
    [ -s "$TMP/to-spam" ] && notmuch tag +spam -- $(sed 's/$/ or/; $s/ or$//' "$TMP/to-spam")
    notmuch search --output=messages -- tag:spam | head -1 >"$TMP/un-spam"
    [ $((batch % 2)) = 0 ] && [ -s "$TMP/un-spam" ] && notmuch tag -spam -- "$(cat "$TMP/un-spam")"
    f=$(notmuch search --output=files --sort=oldest-first -- "*" | sed -n "$((RANDOM % 1400 + 1))p")
    [ -n "$f" ] && rm -f "$f"
    notmuch new --quiet --no-hooks
}

# ms TEXT: milliseconds as a sleep argument.
secs () { printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )); }
now_ms () { local t=${EPOCHREALTIME/./}; echo $(( t / 1000 )); }

# How long an incremental run over one batch and a rebuild take.
change_mail
# (The binary itself, as the killed runs: not under valgrind.)
start=$(now_ms); "$BUILD_DIR/notmuch-kith" index >/dev/null; inc_ms=$(( $(now_ms) - start ))
start=$(now_ms); "$BUILD_DIR/notmuch-kith" index --rebuild >/dev/null; reb_ms=$(( $(now_ms) - start ))
echo "# an incremental run takes $inc_ms ms, a rebuild $reb_ms ms"

# kill_run MIN-MS MAX-MS ARGS...: start kith index ARGS, SIGKILL it
# after a random delay of MIN-MS..MAX-MS; sets $status (137 if killed)
# and $wal (bytes in the WAL just after the kill).
kill_run () {
    local min=$1 max=$2 delay pid
    shift 2
    delay=$(( min + (RANDOM * 32768 + RANDOM) % (max - min + 1) ))
    "$BUILD_DIR/notmuch-kith" index "$@" >/dev/null 2>&1 &
    pid=$!
    sleep "$(secs "$delay")"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    status=$?
    wal=$(stat -c %s "$STORE-wal" 2>/dev/null || echo 0)
}

killed=0 writing=0 bad=0 failed_runs=0
for trial in $(seq "$TRIALS"); do
    change_mail
    # (An incremental run writes at its end: aim at its later part.)
    # (Under valgrind inc_ms is not updated: aim at its earlier part.)
    if [ "${KITH_VALGRIND:-}" = 1 ]; then
	kill_run 0 $(( inc_ms / 2 ))
    else
	kill_run $(( inc_ms / 3 )) "$inc_ms"
    fi
    [ "$status" = 137 ] && killed=$((killed + 1))
    [ "$status" = 137 ] && [ "$wal" -gt 32 ] && writing=$((writing + 1))
    # The run that completes does the killed run's work: its time aims
    # the next kill.
    start=$(now_ms)
    kith index >/dev/null 2>"$TMP/after.err" || failed_runs=$((failed_runs + 1))
    [ "${KITH_VALGRIND:-}" = 1 ] || inc_ms=$(( $(now_ms) - start ))
    dump "$STORE" "$TMP/dump-store"
    reference
    if ! cmp -s "$TMP/dump-ref" "$TMP/dump-store"; then
	bad=$((bad + 1))
	echo "# trial $trial: store differs from a rebuild:"
	diff "$TMP/dump-ref" "$TMP/dump-store" | head -5 | sed 's/^/#   /'
    fi
done
echo "# incremental: $TRIALS trials, $killed killed mid-run ($writing with writes in the WAL)"

test_begin "incremental runs killed at $TRIALS random points: the next run always succeeds"
test_expect_equal "0" "$failed_runs"

test_begin "incremental runs killed at random points: the next run leaves the store identical to a rebuild"
test_expect_equal "0" "$bad"

test_begin "the kills hit incremental runs mid-way (>= 1/4 of them)"
test_expect_equal "1" "$(( killed * 4 >= TRIALS ))"

killed=0 bad=0 failed_runs=0
for trial in $(seq "$REBUILD_TRIALS"); do
    change_mail
    kill_run 0 "$reb_ms" --rebuild
    [ "$status" = 137 ] && killed=$((killed + 1))
    [ "$status" = 137 ] && [ "$wal" -gt 32 ] && writing=$((writing + 1))
    kith index >/dev/null 2>"$TMP/after.err" || failed_runs=$((failed_runs + 1))
    dump "$STORE" "$TMP/dump-store"
    reference
    cmp -s "$TMP/dump-ref" "$TMP/dump-store" || bad=$((bad + 1))
done
# (Kills with uncommitted frames in the WAL are reported, not required:
# a store this small is written at commit only, a short moment.
# T040 requires one, killing rebuilds of a bigger store.)
echo "# rebuild: $REBUILD_TRIALS trials, $killed killed mid-run (in all $writing kills with writes in the WAL)"

test_begin "rebuilds killed at $REBUILD_TRIALS random points: the next run succeeds, store identical to a rebuild"
test_expect_equal "0 0 1" "$failed_runs $bad $(( killed * 4 >= REBUILD_TRIALS ))"

# ---------------------------------------------------------------------
# A full disk.
FULL=$TMP/full
mkdir -p "$FULL"
if [ "$(id -u)" = 0 ] && [ -z "${KITH_FULL_NO_TMPFS:-}" ] && mount -t tmpfs -o size=4m kith-full "$FULL" 2>/dev/null; then
    mode=tmpfs
    eval "set -- $(trap -p EXIT)"
    trap 'umount "'"$FULL"'" 2>/dev/null; '"${3:-}" EXIT
else
    mode=ulimit
fi
echo "# full disk: $mode"
cp "$STORE" "$FULL/kith.db"
chmod 600 "$FULL/kith.db"
notmuch config set kith.store "$FULL/kith.db"
kith index >/dev/null
dump "$FULL/kith.db" "$TMP/dump-before-full"
sum_before=$(md5sum <"$FULL/kith.db")

# filled COMMAND...: run COMMAND with the store's file system full
# (tmpfs: a filler file takes all but 8 KB; otherwise: a 16 KB file size
# limit, SIGXFSZ ignored, which the WAL soon reaches).
filled () {
    if [ $mode = tmpfs ]; then
	dd if=/dev/zero of="$FULL/filler" bs=4k 2>/dev/null
	truncate -s -8k "$FULL/filler"
	"$@"
	rc=$?
	rm -f "$FULL/filler"
    else
	( trap '' XFSZ; ulimit -f 16; exec "$@" )
	rc=$?
    fi
}

# A big batch needs room in the WAL.
for i in 1 2 3 4 5 6 7 8; do change_mail; done 2>/dev/null
filled "$BUILD_DIR/notmuch-kith" index >"$TMP/full.out" 2>"$TMP/full.err"

test_begin "full disk: index exits 1 with 'Error:' naming the store and why"
case $mode in
tmpfs) why="disk is full|No space left on device" ;;
*) why="File too large" ;;
esac
test_expect_equal "1 Error: 1 1" "$rc $(head -c 6 "$TMP/full.err") $(grep -c -F "$FULL/kith.db" "$TMP/full.err") $(grep -c -E "$why" "$TMP/full.err")"
echo "# $(head -1 "$TMP/full.err")"

test_begin "full disk: the previous store is intact (same facts) and who answers"
dump "$FULL/kith.db" "$TMP/dump-after-full"
kith who --format=json >"$TMP/who-full.json" 2>&1
test_expect_equal "same 0" "$(cmp -s "$TMP/dump-before-full" "$TMP/dump-after-full" && echo same || echo different) $?"

test_begin "full disk: status still works and says the store is behind"
kith status --format=json >"$TMP/st.json" 2>"$TMP/st.err"
test_expect_equal "0 True" "$? $(json_eval "$TMP/st.json" "j['stale']")"

test_begin "space again: index succeeds and the store equals a rebuild"
kith index >/dev/null 2>"$TMP/index.err"
rc=$?
dump "$FULL/kith.db" "$TMP/dump-store"
reference
test_expect_equal "0 same" "$rc $(cmp -s "$TMP/dump-ref" "$TMP/dump-store" && echo same || echo different)"

# The hook on a full disk: notmuch new fails (the hook's error is
# shown), the mail is in notmuch, and the next notmuch new with room
# judges it, exactly as a run that never failed.
kith install-hook >/dev/null
notmuch tag +user -- '*'
before=$(notmuch count '*')
grep -h -i -m1 '^Message-ID:' $(cat "$TMP/hook.list") | sed 's/^[^<]*<//; s/>.*//' >"$TMP/hook.ids"
while read -r f; do mv "$f" "$GEN/mail/INBOX/cur/"; done <"$TMP/hook.list"
if [ $mode = tmpfs ]; then
    filled notmuch new --quiet >"$TMP/hook-full.out" 2>"$TMP/hook-full.err"
else
    # (notmuch itself would hit the limit: only the hook runs under it.)
    notmuch new --quiet --no-hooks
    filled "$BUILD_DIR/notmuch-kith" hook >"$TMP/hook-full.out" 2>"$TMP/hook-full.err"
fi

test_begin "full disk: notmuch new with kith's hook fails, showing kith's error naming the store"
test_expect_equal "1 1" "$(( rc != 0 )) $(grep -c -F "$FULL/kith.db" "$TMP/hook-full.err")"

test_begin "full disk: the new mail is in notmuch all the same"
test_expect_equal "60 0" "$(( $(notmuch count '*') - before )) $(notmuch count -- tag:no-history or tag:request)"

test_begin "space again: the next notmuch new judges the mail the failed hook missed (as the generator's truth says)"
notmuch new --quiet 2>"$TMP/hook-again.err"
rc=$?
notmuch search --output=messages -- tag:no-history | sed 's/^id://' | sort >"$TMP/tagged"
awk -F'\t' 'NR == FNR { want[$1] = 1; next } ($1 in want) && $4 == 1 { print $1 }' \
    "$TMP/hook.ids" "$GEN/truth-new.tsv" | sort >"$TMP/truth"
test_expect_equal "0 $(wc -l <"$TMP/truth")" "$rc $(comm -12 "$TMP/tagged" "$TMP/truth" | wc -l)"
echo "# $(wc -l <"$TMP/truth") no-history messages by the truth, $(wc -l <"$TMP/tagged") tagged"

# ---------------------------------------------------------------------
# A truncated or page-damaged store.
[ $mode = tmpfs ] && umount "$FULL"
notmuch config set kith.store
kith index >/dev/null
cp "$STORE" "$TMP/good.db"
python3 - "$TMP" <<'PY'
import os, shutil, sqlite3, sys
tmp = sys.argv[1]
good = os.path.join(tmp, "good.db")
db = sqlite3.connect(good)
size = db.execute("PRAGMA page_size").fetchone()[0]
# A leaf page of the message table: not its root, never read by who.
pages = [r[0] for r in db.execute(
    "SELECT pageno FROM dbstat WHERE name = 'message' AND pagetype = 'leaf' ORDER BY pageno")] \
    if db.execute("SELECT count(*) FROM pragma_compile_options WHERE compile_options = 'ENABLE_DBSTAT_VTAB'").fetchone()[0] else []
db.close()
n = os.path.getsize(good) // size
target = pages[len(pages) // 2] if pages else n // 2
shutil.copy(good, os.path.join(tmp, "page.db"))
with open(os.path.join(tmp, "page.db"), "r+b") as f:
    f.seek((target - 1) * size)
    f.write(bytes([0x0d]) + b"\xff" * (size - 1))
with open(good, "rb") as f:
    data = f.read()
open(os.path.join(tmp, "truncated.db"), "wb").write(data[: (n * 2 // 3) * size])
PY

for kind in truncated page; do
    rm -f "$STORE" "$STORE-wal" "$STORE-shm" "$STORE".damaged-*
    cp "$TMP/$kind.db" "$STORE"
    test_begin "a $kind store: status exits 1, says it is damaged, names the store and 'index --rebuild'"
    kith status >"$TMP/st.out" 2>"$TMP/st.err"
    rc=$?
    test_expect_equal "1 1 1 1" "$rc $(grep -c damaged "$TMP/st.err") $(grep -c -F "$STORE" "$TMP/st.err") $(grep -c -F 'notmuch kith index --rebuild' "$TMP/st.err")"
    echo "# $(head -1 "$TMP/st.err")"

    test_begin "a $kind store: index --rebuild recovers it; the result equals a clean rebuild; status is happy"
    kith index --rebuild >/dev/null 2>"$TMP/rb.err"
    rc=$?
    dump "$STORE" "$TMP/dump-store"
    reference
    kith status >/dev/null 2>&1
    test_expect_equal "0 same 0 1" "$rc $(cmp -s "$TMP/dump-ref" "$TMP/dump-store" && echo same || echo different) $? $(ls "$STORE".damaged-* | grep -c -v -- '-wal$\|-shm$')"
done

test_begin "a sound store: status exits 0 (quick_check passes)"
kith status >/dev/null 2>"$TMP/st.err"
test_expect_equal "0 " "$? $(cat "$TMP/st.err")"

test_done
