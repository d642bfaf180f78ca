#!/usr/bin/env bash
# tests/bench.sh - how fast is kith next to the notmuch tools it sits beside?
# A manual measurement (make bench), not run by `make check`.
#
#   tests/bench.sh            10k and 100k messages
#   BIG=1 tests/bench.sh      also 1M messages (the rebuild row only)
#
# For each size, side by side in the same run, each command BENCH_REPEAT
# times (default 3), the median reported:
#   rebuild  notmuch kith index --rebuild
#            vs notmuch address --output=sender --output=recipients
#               --output=count --deduplicate=address '*'
#   hook     notmuch kith hook, run by itself right after the
#            notmuch new --no-hooks that added a batch of 100 new messages
#            vs that notmuch new --no-hooks;
#            plus, for reference, notmuch new with the hook installed
#            (install-hook) doing both, and notmuch kith hook with no new
#            mail at all (its fixed cost)
#   who      notmuch kith who vs notmuch-addrlookup PREFIX
#   complete notmuch kith complete PREFIX vs notmuch-addrlookup PREFIX,
#            only if the notmuch-kith under test has that verb
#   walk     for reference, beside the rebuild: tests/bench-notmuch-walk.c
#            (built with cc), which only walks notmuch asking each message
#            for what kith's indexer asks (id, thread, file name, date,
#            tags): the floor of any indexer reading notmuch message by
#            message
# Wall time (s), CPU time (user + sys, s) and peak RSS (MB) come from
# /usr/bin/time -f '%e %U %S %M' (wall from bash's EPOCHREALTIME, finer);
# without /usr/bin/time, bash's `time` gives the times and RSS is "n/a".
# The table of ratios (kith / peer) is printed and written, with the
# machine (nproc, CPU, kernel, notmuch version, load, date), to
# bench-cache/results.md; every single measurement goes to
# bench-cache/raw.tsv.
#
# The mailboxes (tests/gen-mailbox --seed 1 --messages N --attach-percent 5
# --new-batch 100) and their notmuch databases are made once and cached in
# bench-cache/m<N>-a5-n100-s1-g<sha256 of gen-mailbox>/ (a changed
# generator makes new ones; old ones are listed, never removed: delete
# them by hand).  Here (2 busy cores) 10k took 20 s and 240 MB, 100k 3
# minutes (30 s gen-mailbox, 2.5 min notmuch new) and 2.3 GB; expect 1M
# to take most of an hour and ~23 GB.
# Layout of one entry:
#   gen/mail/             the Maildir, its notmuch database in gen/mail/.notmuch
#   gen/new-mail/         the batch of 100 new messages, never moved
#   gen/notmuch-config    rewritten on every run (database.path follows
#                         the checkout)
#   db-clean/             a copy of gen/mail/.notmuch without the batch:
#                         history, kith store, kith's hooks
# How the hook measurement is repeated: before each repetition
# gen/mail/.notmuch is replaced by a copy of db-clean/ and the batch is
# copied afresh from gen/new-mail/ into gen/mail/incoming/, so every
# repetition starts from byte-identical state (deleting the 100 messages
# with `notmuch new` would leave the Xapian database, its lastmod counter
# and the kith store different from one repetition to the next).  After the
# last repetition the clean state is restored; a run that was interrupted
# leaves a marker (.dirty) and the next run restores the clean state first.
#
# Everything runs with HOME in bench-cache/home, TZ=UTC, C.UTF-8, a copy of
# $BUILD/notmuch-kith first on PATH (a `make` during the run changes
# nothing), and NOTMUCH_CONFIG naming the generated
# configuration: your own mail and configuration are never read.  Page
# cache warm (the files were just written or copied); the machine's load
# is recorded, since a busy machine makes the numbers noisy.
#
# Environment:
#   BUILD=build           the build directory (make first)
#   BENCH_REPEAT=3        repetitions per command
#   BENCH_SIZES="10000 100000"   sizes (BIG=1 appends 1000000)
#   BIG=1                 also the 1M mailbox, rebuild row only
#   BENCH_PREFIX=...      the notmuch-addrlookup search string (default: the
#                         first 3 letters of the address of kith's top contact)
#   BENCH_INSTALL=1       apt-get install notmuch-addrlookup and time if missing
#   BENCH_CACHE=DIR       the cache directory (default bench-cache/ at the top)
#   BENCH_PROFILE=1       afterwards, profile `kith index --rebuild` on the
#                         smallest size with callgrind (~50x slower) and perf
#                         (cpu-clock sampling) into bench-cache/profile/,
#                         summary.md splitting it into GMime parsing, file
#                         reading, SQLite inserts, per-contact aggregation,
#                         notmuch iteration; BENCH_PROFILE=only: the profile
#                         alone, no benchmark
set -u -o pipefail

SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TESTS_DIR="$SRC_DIR/tests"
BUILD_DIR=$(cd "$SRC_DIR/${BUILD:-build}" 2>/dev/null && pwd) || BUILD_DIR="$SRC_DIR/${BUILD:-build}"
CACHE=${BENCH_CACHE:-$SRC_DIR/bench-cache}
REPEAT=${BENCH_REPEAT:-3}
SIZES=${BENCH_SIZES:-"10000 100000"}
[ "${BIG:-0}" = 1 ] && SIZES="$SIZES 1000000"
SEED=1
ATTACH=5
BATCH=100

say () {
    printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2
}
die () {
    say "error: $*"
    exit 1
}

case "${1:-}" in
-h | --help)
    sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//p}' "$0"
    exit 0
    ;;
"") ;;
*) die "no arguments expected (see --help); settings come from the environment" ;;
esac
case "$REPEAT" in
'' | *[!0-9]* | 0) die "BENCH_REPEAT must be a positive integer" ;;
esac

# ------------------------------------------------------------------
# Tools

if [ "${BENCH_INSTALL:-0}" = 1 ]; then
    missing=""
    command -v notmuch-addrlookup >/dev/null 2>&1 || missing="$missing notmuch-addrlookup"
    [ -x /usr/bin/time ] || missing="$missing time"
    if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	say "installing$missing (BENCH_INSTALL=1)"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq $missing >/dev/null ||
	    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq $missing >/dev/null; } ||
	    die "apt-get install$missing failed"
    fi
fi

[ -x "$BUILD_DIR/notmuch-kith" ] || die "$BUILD_DIR/notmuch-kith is missing: run make first"
command -v notmuch >/dev/null 2>&1 || die "notmuch is not installed"
command -v python3 >/dev/null 2>&1 || die "python3 is not installed"
if [ -x /usr/bin/time ] && /usr/bin/time -f '%M' -o /dev/null true 2>/dev/null; then
    TIME_BIN=/usr/bin/time
else
    TIME_BIN=""
    say "/usr/bin/time (GNU time) is missing: times from bash, NO PEAK MEMORY (apt-get install time, or BENCH_INSTALL=1)"
fi
if command -v notmuch-addrlookup >/dev/null 2>&1; then
    ADDRLOOKUP=$(command -v notmuch-addrlookup)
else
    ADDRLOOKUP=""
    say "notmuch-addrlookup is missing: skipping the who row (apt-get install notmuch-addrlookup, or BENCH_INSTALL=1)"
fi

# ------------------------------------------------------------------
# Environment: nothing of the user's

mkdir -p "$CACHE/home" || die "cannot create $CACHE"
CACHE=$(cd "$CACHE" && pwd)
export HOME="$CACHE/home"
unset NOTMUCH_PROFILE NOTMUCH_DATABASE XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME MAILDIR
export TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kith-bench.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$WORK"' EXIT
# A copy of the binary: a `make` in the checkout during the run must not
# change the program under test halfway.
mkdir -p "$WORK/bin" || die "mktemp failed"
cp "$BUILD_DIR/notmuch-kith" "$WORK/bin/" || die "cannot copy notmuch-kith"
KITH_SUM=$(sha256sum "$WORK/bin/notmuch-kith" | cut -c1-12)
KITH_REV=$(git -C "$SRC_DIR" describe --always --dirty 2>/dev/null || echo '?')
export PATH="$WORK/bin:$PATH"

# The notmuch part of a rebuild alone (tests/bench-notmuch-walk.c), timed
# beside it as a floor.
WALK=""
if ${CC:-cc} -O2 -o "$WORK/bin/notmuch-walk" "$TESTS_DIR/bench-notmuch-walk.c" -lnotmuch \
    >"$WORK/walk.log" 2>&1; then
    WALK="$WORK/bin/notmuch-walk"
else
    say "cannot build tests/bench-notmuch-walk.c (needs cc and libnotmuch-dev): no notmuch walk row"
fi

if notmuch-kith complete --help >/dev/null 2>&1; then
    HAVE_COMPLETE=1
else
    HAVE_COMPLETE=0
    say "notmuch-kith has no complete verb: skipping the complete row"
fi

GENSUM=$(sha256sum "$TESTS_DIR/gen-mailbox" | cut -c1-12)
NOTMUCH_VERSION=$(notmuch --version 2>/dev/null | sed 's/^notmuch //')
RAW="$WORK/raw.tsv"
printf 'size\trow\ttool\trep\twall\tcpu\trss_kb\n' >"$RAW"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')

# ------------------------------------------------------------------
# Measuring

# measure SIZE ROW TOOL REP COMMAND...: run COMMAND (stdout and stderr
# to $WORK/out, $WORK/err), append one line to $RAW.  A failing command
# ends the benchmark: its numbers would mean nothing.
measure () {
    local size=$1 row=$2 tool=$3 rep=$4 t0 t1 rc wall cpu rss u s
    shift 4
    if [ -n "$TIME_BIN" ]; then
	t0=$EPOCHREALTIME
	"$TIME_BIN" -o "$WORK/time" -f '%e %U %S %M' "$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	t1=$EPOCHREALTIME
	# the last line: GNU time may write "Command exited with ..." before it
	read -r _ u s rss < <(tail -n 1 "$WORK/time")
    else
	local TIMEFORMAT='%3R %3U %3S'
	t0=$EPOCHREALTIME
	{ time "$@" >"$WORK/out" 2>"$WORK/err"; } 2>"$WORK/time"
	rc=$?
	t1=$EPOCHREALTIME
	read -r _ u s < <(tail -n 1 "$WORK/time")
	rss=""
    fi
    if [ "$rc" -ne 0 ]; then
	say "$* failed (exit $rc):"
	tail -n 20 "$WORK/err" >&2
	exit 1
    fi
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
    cpu=$(awk -v a="$u" -v b="$s" 'BEGIN { printf "%.2f", a + b }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$row" "$tool" "$rep" "$wall" "$cpu" "$rss" >>"$RAW"
    say "  $tool: ${wall}s wall, ${cpu}s cpu${rss:+, $((rss / 1024)) MB}"
}

# copy_dir SRC DEST: DEST becomes an exact copy of SRC
copy_dir () {
    rm -rf "$2" && cp -a --reflink=auto "$1" "$2"
}

# ------------------------------------------------------------------
# The cached mailboxes

# prepare SIZE: sets DIR, GEN, MAIL; makes the mailbox and its notmuch
# database when missing, restores the clean state after an interrupted run
prepare () {
    local size=$1 key
    key="m$size-a$ATTACH-n$BATCH-s$SEED-g$GENSUM"
    DIR="$CACHE/$key"
    GEN="$DIR/gen"
    MAIL="$GEN/mail"
    for old in "$CACHE"/m"$size"-*; do
	[ -d "$old" ] && [ "$old" != "$DIR" ] &&
	    say "note: $old is from another generator (or settings): rm -rf it to free the space"
    done
    if [ ! -e "$DIR/generated" ]; then
	say "generating the $size-message mailbox (once; cached in $DIR) ..."
	rm -rf "$DIR"
	mkdir -p "$DIR" || die "cannot create $DIR"
	local t0=$SECONDS
	python3 "$TESTS_DIR/gen-mailbox" --seed "$SEED" --messages "$size" \
	    --attach-percent "$ATTACH" --new-batch "$BATCH" "$GEN" >"$DIR/gen.log" 2>&1 ||
	    { tail -n 5 "$DIR/gen.log" >&2; die "gen-mailbox failed"; }
	echo "$((SECONDS - t0))" >"$DIR/generated"
	say "  generated in $((SECONDS - t0)) s, $(du -sh "$MAIL" | cut -f1)"
    fi
    # The configuration names the database by absolute path: follow the checkout.
    sed -i "s|^path=.*|path=$MAIL|" "$GEN/notmuch-config"
    export NOTMUCH_CONFIG="$GEN/notmuch-config"
    if [ -e "$DIR/dirty" ]; then
	say "an earlier run was interrupted: restoring the clean database"
	[ -d "$DIR/db-clean" ] || die "$DIR/db-clean is missing: rm -rf $DIR and run again"
	rm -rf "$MAIL/incoming"
	copy_dir "$DIR/db-clean" "$MAIL/.notmuch" || die "cannot restore $MAIL/.notmuch"
	rm -f "$DIR/dirty"
    fi
    if [ "$(cat "$DIR/indexed" 2>/dev/null)" != "$NOTMUCH_VERSION" ]; then
	say "notmuch new on the $size-message mailbox (once; cached) ..."
	rm -rf "$MAIL/.notmuch" "$MAIL/incoming" "$DIR/db-clean"
	local t0=$SECONDS
	notmuch new --quiet --no-hooks >"$DIR/new.log" 2>&1 ||
	    { tail -n 5 "$DIR/new.log" >&2; die "notmuch new failed"; }
	echo "$NOTMUCH_VERSION" >"$DIR/indexed"
	say "  indexed in $((SECONDS - t0)) s, database $(du -sh "$MAIL/.notmuch" | cut -f1)"
    fi
    MESSAGES=$(notmuch count '*')
}

# ------------------------------------------------------------------
# The rows

bench_rebuild () {
    local size=$1 i
    say "[$size] rebuild: notmuch kith index --rebuild vs notmuch address ($REPEAT times each)"
    for i in $(seq "$REPEAT"); do
	measure "$size" rebuild kith "$i" notmuch kith index --rebuild --quiet
	measure "$size" rebuild peer "$i" notmuch address --output=sender --output=recipients \
	    --output=count --deduplicate=address '*'
	[ -n "$WALK" ] && measure "$size" walk ref "$i" "$WALK"
    done
}

bench_hook () {
    local size=$1 i before after
    say "[$size] hook: notmuch kith hook after notmuch new --no-hooks adding $BATCH messages"
    [ -d "$GEN/new-mail" ] || die "$GEN/new-mail is missing"
    # kith's hooks into this database's hook directory, then the clean state
    notmuch kith install-hook >"$WORK/install.log" 2>&1 ||
	{ cat "$WORK/install.log" >&2; die "notmuch kith install-hook failed"; }
    notmuch kith index --quiet || die "notmuch kith index failed"
    copy_dir "$MAIL/.notmuch" "$DIR/db-clean" || die "cannot copy the database"
    touch "$DIR/dirty"
    for i in $(seq "$REPEAT"); do
	copy_dir "$DIR/db-clean" "$MAIL/.notmuch" || die "cannot restore the database"
	copy_dir "$GEN/new-mail" "$MAIL/incoming" || die "cannot copy the batch"
	sync
	before=$(notmuch count '*')
	measure "$size" hook peer "$i" notmuch new --no-hooks --quiet
	after=$(notmuch count '*')
	[ "$((after - before))" -eq "$BATCH" ] ||
	    die "notmuch new added $((after - before)) messages, not $BATCH"
	measure "$size" hook kith "$i" notmuch kith hook
	grep -q 'indexed all' "$WORK/err" &&
	    say "warning: the hook rebuilt the store instead of indexing the batch"
	notmuch count tag:no-history >"$WORK/judged"
	# the whole of it, as the user sees it: notmuch new running kith's hook
	copy_dir "$DIR/db-clean" "$MAIL/.notmuch" || die "cannot restore the database"
	copy_dir "$GEN/new-mail" "$MAIL/incoming" || die "cannot copy the batch"
	sync
	measure "$size" hook-total ref "$i" notmuch new --quiet
	[ "$(notmuch count tag:no-history)" = "$(cat "$WORK/judged")" ] ||
	    say "warning: notmuch new with the hook tagged differently from the hook by itself"
	# the hook's fixed cost: no new mail at all
	copy_dir "$DIR/db-clean" "$MAIL/.notmuch" || die "cannot restore the database"
	rm -rf "$MAIL/incoming"
	sync
	measure "$size" hook-idle ref "$i" notmuch kith hook
    done
    copy_dir "$DIR/db-clean" "$MAIL/.notmuch" || die "cannot restore the database"
    rm -rf "$MAIL/incoming"
    rm -f "$DIR/dirty"
}

bench_who () {
    local size=$1 i prefix
    if [ -z "$ADDRLOOKUP" ]; then
	say "[$size] who: notmuch-addrlookup is missing, skipped"
	return
    fi
    prefix=${BENCH_PREFIX:-}
    if [ -z "$prefix" ]; then
	prefix=$(notmuch kith who --format=json --limit=1 |
	    python3 -c 'import json,sys; c=json.load(sys.stdin); print(c[0]["address"][:3] if c else "a")')
    fi
    echo "$prefix" >"$WORK/prefix-$size"
    say "[$size] who: notmuch kith who vs notmuch-addrlookup '$prefix'"
    for i in $(seq "$REPEAT"); do
	measure "$size" who kith "$i" notmuch kith who
	measure "$size" who peer "$i" "$ADDRLOOKUP" "$prefix"
    done
    # completion, if this notmuch-kith has the verb
    if [ "$HAVE_COMPLETE" = 1 ]; then
	say "[$size] complete: notmuch kith complete '$prefix' vs notmuch-addrlookup '$prefix'"
	for i in $(seq "$REPEAT"); do
	    measure "$size" complete kith "$i" notmuch kith complete "$prefix"
	    measure "$size" complete peer "$i" "$ADDRLOOKUP" "$prefix"
	done
    fi
}

# ------------------------------------------------------------------
# The report

report () {
    {
	echo "date	$STARTED"
	echo "host_nproc	$(nproc)"
	echo "cpu	$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "memory	$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "kernel	$(uname -sr)"
	echo "notmuch	$NOTMUCH_VERSION"
	echo "kith	$("$WORK/bin/notmuch-kith" --version 2>/dev/null | head -n 1), checkout $KITH_REV, binary sha256 $KITH_SUM"
	echo "addrlookup	$([ -n "$ADDRLOOKUP" ] && dpkg-query -W -f='${Version}' notmuch-addrlookup 2>/dev/null || echo missing)"
	[ "$HAVE_COMPLETE" = 1 ] || echo "complete	missing"
	echo "time	${TIME_BIN:-bash time (no RSS)}"
	echo "load	$LOAD_BEFORE (before), $(cut -d' ' -f1-3 /proc/loadavg) (after)"
	echo "repeat	$REPEAT"
	echo "generator	gen-mailbox --seed $SEED --attach-percent $ATTACH --new-batch $BATCH (sha256 $GENSUM)"
	for size in $SIZES; do
	    echo "messages-$size	$(cat "$WORK/messages-$size" 2>/dev/null)"
	    [ -e "$WORK/prefix-$size" ] && echo "prefix-$size	$(cat "$WORK/prefix-$size")"
	done
    } >"$WORK/info.tsv"
    cp "$RAW" "$CACHE/raw.tsv"
    python3 "$TESTS_DIR/bench-report.py" "$WORK/info.tsv" "$RAW" >"$CACHE/results.md" ||
	die "bench-report.py failed"
    cat "$CACHE/results.md"
    say "written: $CACHE/results.md, $CACHE/raw.tsv"
}

# ------------------------------------------------------------------
# The profile (BENCH_PROFILE): where a full rebuild spends, on the
# smallest size.  callgrind counts instructions (repeatable, blind to the
# kernel); perf, where it can sample (cpu-clock: this VM has no hardware
# counters), gives CPU time with the kernel's part.

profile () {
    local size=${SIZES%% *} dir="$CACHE/profile" out
    prepare "$size"
    mkdir -p "$dir"
    {
	echo "# Profile of \`notmuch kith index --rebuild\`, $MESSAGES messages"
	echo
	echo "kith $KITH_REV (binary sha256 $KITH_SUM), $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
    } >"$dir/summary.md"
    if command -v valgrind >/dev/null 2>&1 && command -v callgrind_annotate >/dev/null 2>&1; then
	out="$dir/callgrind.$size.out"
	say "[$size] callgrind: notmuch-kith index --rebuild (about 50 times slower) ..."
	valgrind --tool=callgrind --callgrind-out-file="$out" \
	    "$WORK/bin/notmuch-kith" index --rebuild --quiet 2>"$dir/valgrind.$size.log" ||
	    die "valgrind failed: see $dir/valgrind.$size.log"
	callgrind_annotate --inclusive=yes "$out" >"$dir/inclusive.$size.txt" 2>/dev/null
	callgrind_annotate --inclusive=yes --tree=calling "$out" >"$dir/tree.$size.txt" 2>/dev/null
	{
	    echo
	    echo "## callgrind (instructions, inclusive)"
	    echo
	    python3 "$TESTS_DIR/bench-report.py" --callgrind "$dir/tree.$size.txt"
	} >>"$dir/summary.md" || die "bench-report.py --callgrind failed"
    else
	say "valgrind (callgrind) is not installed: no instruction profile"
    fi
    if command -v perf >/dev/null 2>&1 && perf record -q -e cpu-clock -o "$WORK/perf.test" true >/dev/null 2>&1; then
	out="$dir/perf.$size.data"
	say "[$size] perf record -e cpu-clock: notmuch-kith index --rebuild ..."
	perf record -q -e cpu-clock -F 999 --call-graph dwarf,16384 -o "$out" \
	    "$WORK/bin/notmuch-kith" index --rebuild --quiet >/dev/null 2>"$dir/perf.$size.log" ||
	    die "perf record failed: see $dir/perf.$size.log"
	perf script -i "$out" -F comm,period,ip,sym 2>/dev/null >"$dir/perf-script.$size.txt"
	perf report -i "$out" --children --stdio -g none --percent-limit 2 2>/dev/null \
	    >"$dir/perf-report.$size.txt"
	{
	    echo
	    echo "## perf (cpu-clock samples, inclusive)"
	    echo
	    python3 "$TESTS_DIR/bench-report.py" --perf "$dir/perf-script.$size.txt"
	} >>"$dir/summary.md" || die "bench-report.py --perf failed"
    else
	say "perf cannot sample here: no time profile"
    fi
    for size in $SIZES; do
	[ "$size" -lt 1000000 ] && profile_hook "$size"
    done
    cat "$dir/summary.md"
    say "written: $dir/ (summary.md, callgrind and perf data)"
}

# profile_hook SIZE: callgrind `notmuch-kith hook` after the notmuch new
# --no-hooks that added the batch, as in the hook row
profile_hook () {
    local size=$1 dir="$CACHE/profile" out
    command -v valgrind >/dev/null 2>&1 || return 0
    prepare "$size"
    notmuch kith install-hook >/dev/null 2>&1 || die "notmuch kith install-hook failed"
    notmuch kith index --quiet || die "notmuch kith index failed"
    copy_dir "$MAIL/.notmuch" "$DIR/db-clean" || die "cannot copy the database"
    touch "$DIR/dirty"
    copy_dir "$GEN/new-mail" "$MAIL/incoming" || die "cannot copy the batch"
    notmuch new --no-hooks --quiet || die "notmuch new failed"
    out="$dir/callgrind-hook.$size.out"
    say "[$size] callgrind: notmuch-kith hook after a batch of $BATCH ..."
    valgrind --tool=callgrind --callgrind-out-file="$out" \
	"$WORK/bin/notmuch-kith" hook >/dev/null 2>"$dir/valgrind-hook.$size.log" ||
	die "valgrind failed: see $dir/valgrind-hook.$size.log"
    copy_dir "$DIR/db-clean" "$MAIL/.notmuch" || die "cannot restore the database"
    rm -rf "$MAIL/incoming"
    rm -f "$DIR/dirty"
    callgrind_annotate --inclusive=yes "$out" >"$dir/inclusive-hook.$size.txt" 2>/dev/null
    {
	echo
	echo "## callgrind: \`notmuch kith hook\` on $MESSAGES + $BATCH messages (instructions, inclusive)"
	echo
	python3 "$TESTS_DIR/bench-report.py" --top "$dir/inclusive-hook.$size.txt"
    } >>"$dir/summary.md" || die "bench-report.py --top failed"
}

# ------------------------------------------------------------------

if [ "${BENCH_PROFILE:-0}" != only ]; then
    for size in $SIZES; do
	case "$size" in
	'' | *[!0-9]*) die "BENCH_SIZES: '$size' is not a number" ;;
	esac
	prepare "$size"
	echo "$MESSAGES" >"$WORK/messages-$size"
	bench_rebuild "$size"
	if [ "$size" -lt 1000000 ]; then
	    bench_hook "$size"
	    bench_who "$size"
	fi
    done
    report
fi
case "${BENCH_PROFILE:-0}" in
1 | only) profile ;;
esac
