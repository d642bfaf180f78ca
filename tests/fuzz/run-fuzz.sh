#!/bin/sh
# run-fuzz.sh - build kith's libFuzzer targets and run each for a while
#
# Copyright © 2026 the kith developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   tests/fuzz/run-fuzz.sh [SECONDS [TARGET...]]
#
# Builds every target (tests/fuzz/fuzz-<name>.c with the library
# sources it needs, clang -fsanitize=fuzzer,address,undefined) into
# build-fuzz/, replays tests/fuzz/regressions/<name>/, then fuzzes each
# target for SECONDS (default 60) starting from a scratch copy of
# tests/fuzz/corpus/<name>/ (the repository is never written).  After a
# crash the target is restarted for the rest of its time, up to
# FUZZ_MAX_CRASHES (3) times.  Ends with a table of the targets: the
# executions, the seconds, the executions per second and the outcome of
# each; exits 1 if any target crashed, timed out or ran out of memory.
# Crash inputs and logs are kept in build-fuzz/crashes/.
#
# Environment: FUZZ_BUILD (build-fuzz, or build-fuzz-ubsan when
# FUZZ_SANITIZE=undefined), FUZZ_CC (clang), FUZZ_SANITIZE (the
# sanitizers besides fuzzer: address,undefined; "undefined" builds
# without ASan, which runs the slow targets 3 to 4 times faster but
# sees no memory error that does not fault), FUZZ_RUNS (run each
# target until it has made this many executions, all workers together;
# SECONDS is then a cap, 0 for none, the default), FUZZ_WORKERS (1:
# libFuzzer processes per target, sharing one corpus), FUZZ_TIMEOUT
# (seconds one input may take, 10), FUZZ_RSS_MB (2048),
# FUZZ_MAX_CRASHES (3, per worker), FUZZ_NO_BUILD=1 (run what is
# built), FUZZ_VALGRIND=1 (also run the final corpus of each target,
# which holds the regressions that pass, under valgrind, built without
# sanitizers and with DWARF 4, which Debian 12's valgrind reads: ASan
# does not see reads past a buffer inside GLib, GMime or PCRE2,
# valgrind does).

set -eu

ALL_TARGETS="header-block address address-list subject names rules-file request-match"

cd "$(dirname "$0")/../.."
TOP=$(pwd)
RUNS=${FUZZ_RUNS:-0}
WORKERS=${FUZZ_WORKERS:-1}
if [ "$RUNS" -gt 0 ] 2> /dev/null; then
	SECS=${1:-0}
else
	SECS=${1:-60}
fi
[ $# -gt 0 ] && shift
TARGETS=${*:-$ALL_TARGETS}

SANITIZE=${FUZZ_SANITIZE:-address,undefined}
case $SANITIZE in
*address*) OUT=${FUZZ_BUILD:-build-fuzz} ;;
*) OUT=${FUZZ_BUILD:-build-fuzz-ubsan} ;;
esac
FUZZ_CC=${FUZZ_CC:-clang}
TIMEOUT=${FUZZ_TIMEOUT:-10}
RSS_MB=${FUZZ_RSS_MB:-2048}
MAX_CRASHES=${FUZZ_MAX_CRASHES:-3}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

for n in "$SECS" "$RUNS" "$WORKERS"; do
	case $n in
	'' | *[!0-9]*)
		echo "usage: $0 [SECONDS [TARGET...]] (SECONDS, FUZZ_RUNS and FUZZ_WORKERS: numbers)" >&2
		exit 2
		;;
	esac
done
if [ "$SECS" -eq 0 ] && [ "$RUNS" -eq 0 ]; then
	echo "$0: SECONDS 0 (no time limit) needs FUZZ_RUNS" >&2
	exit 2
fi
[ "$WORKERS" -gt 0 ] || WORKERS=1
for t in $TARGETS; do
	case " $ALL_TARGETS " in
	*" $t "*) ;;
	*)
		echo "$0: unknown target '$t' (targets: $ALL_TARGETS)" >&2
		exit 2
		;;
	esac
done

# The library sources each target links.  status.c: the KITH_ERROR quark.
LIB_SRCS="status mime names rules"

# -O1 -g as libFuzzer recommends; recover from nothing, so that UBSan
# findings count as crashes.  KITH_SYSCONF_RULES points nowhere: the
# rules of the machine running the fuzzer must not change the targets.
CFLAGS="-std=gnu11 -g -O1 -fsanitize=fuzzer,$SANITIZE \
-fno-sanitize-recover=all -fno-omit-frame-pointer \
-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
-Iinclude -Iplugin -I$OUT $($PKG_CONFIG --cflags glib-2.0 gmime-3.0)"
SYSCONF='-DKITH_SYSCONF_RULES="/nonexistent/kith-fuzz/rules.conf"'
LIBS="$($PKG_CONFIG --libs glib-2.0 gmime-3.0)"
REPLAY_CFLAGS="-std=gnu11 -gdwarf-4 -O1 -Iinclude -Iplugin -I$OUT \
$($PKG_CONFIG --cflags glib-2.0 gmime-3.0)"

# -max_len per target, at most FUZZ_MAX_INPUT (64 KiB, fuzz-common.h),
# beyond which a target returns at once.  Bounded by what the code
# under test reads: an address, a subject or a name is one short
# string (kith treats a display name, a subject or a header value as
# at most 4 KiB of text, MAX_LINE_TEXT in rules.c); a header block or
# an address list of 16 KiB holds hundreds of fields or addresses; a
# rules file of 16 KiB is larger than the built-in rules (~10 KiB).
# request-match keeps 64 KiB: a body is cut at 64 KiB (MAX_BODY_TEXT),
# and only an input that long reaches the cut.  libFuzzer grows its
# length limit towards these slowly (-len_control), so short runs
# stay well below them.
max_len () {
	case $1 in
	address) echo 1024 ;;
	subject | names) echo 4096 ;;
	header-block | address-list | rules-file) echo 16384 ;;
	*) echo 65536 ;;
	esac
}

build () {
	mkdir -p "$OUT/obj" "$OUT/crashes"
	# Everything in build-fuzz/ is generated: keep it out of git.
	echo '*' > "$OUT/.gitignore"
	# The built-in rules as a C string, by the Makefile's own rule.
	make -s BUILD="$OUT" "$OUT/kith-rules-default.h"
	objs=
	for s in $LIB_SRCS; do
		echo "  CC      plugin/$s.c"
		# shellcheck disable=SC2086
		$FUZZ_CC $CFLAGS "$SYSCONF" -c "plugin/$s.c" -o "$OUT/obj/$s.o"
		objs="$objs $OUT/obj/$s.o"
	done
	for t in $TARGETS; do
		echo "  CCLD    $OUT/fuzz-$t"
		# shellcheck disable=SC2086
		$FUZZ_CC $CFLAGS "$SYSCONF" -o "$OUT/fuzz-$t" "tests/fuzz/fuzz-$t.c" $objs $LIBS
	done
	if [ -n "${FUZZ_VALGRIND:-}" ]; then
		srcs=
		for s in $LIB_SRCS; do
			srcs="$srcs plugin/$s.c"
		done
		for t in $TARGETS; do
			echo "  CCLD    $OUT/replay-$t (for valgrind)"
			# shellcheck disable=SC2086
			$FUZZ_CC $REPLAY_CFLAGS "$SYSCONF" -o "$OUT/replay-$t" "tests/fuzz/fuzz-$t.c" \
				tests/fuzz/replay-main.c $srcs $LIBS
		done
	fi
}

# Sanitizers: report, then exit (libFuzzer keeps the input); GLib: no
# slice allocator hiding use-after-free, freed memory cleared.  A 32 MB
# quarantine, not ASan's 256 MB: one input frees far less, so a use
# after free within an input is still caught, and the runs measured a
# third faster (fewer fresh pages to fault in) in a third of the memory.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:symbolize=1:detect_stack_use_after_return=1:check_initialization_order=1:quarantine_size_mb=32}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$TOP/tests/lsan.supp:print_suppressions=0}"
export G_SLICE=always-malloc
export G_DEBUG=gc-friendly

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/kith-fuzz.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
trap 'exit 130' INT TERM

# fuzz_worker NAME N WANT: one libFuzzer process after another on
# NAME's corpus until WANT executions (0: no count) or the time is up,
# restarting after a crash up to MAX_CRASHES times.  Writes its
# executions to $SCRATCH/NAME/execs-N and what went wrong (nothing if
# all went well) to $SCRATCH/NAME/status-N.
fuzz_worker () {
	t=$1
	w=$2
	want=$3
	bin=$OUT/fuzz-$t
	corpus=$SCRATCH/$t/corpus
	crashdir=$OUT/crashes/$t
	execs=0
	crashes=0
	status=
	while :; do
		limit=
		if [ "$SECS" -gt 0 ]; then
			left=$((START + SECS - $(date +%s)))
			[ "$left" -gt 0 ] || break
			limit="-max_total_time=$left"
		fi
		runs=
		if [ "$want" -gt 0 ]; then
			[ "$execs" -lt "$want" ] || break
			runs="-runs=$((want - execs))"
		fi
		log=$SCRATCH/$t/run-$w-$crashes.log
		rc=0
		# shellcheck disable=SC2086
		"$bin" "$corpus" $limit $runs -max_len="$(max_len "$t")" \
			-timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" -print_final_stats=1 \
			-artifact_prefix="$crashdir/" $dict > "$log" 2>&1 || rc=$?
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		execs=$((execs + ${n:-0}))
		[ "$rc" -eq 0 ] && break
		crashes=$((crashes + 1))
		kind=$(grep -o -m 1 -E 'Test unit written to [^ ]+' "$log" |
			sed 's/Test unit written to //') || true
		if [ -n "$kind" ]; then
			cp "$log" "$kind.log"
			status="$status $kind;"
		else
			cp "$log" "$crashdir/failure-$START-$w-$crashes.log"
			status="$status failure (exit $rc), see $crashdir/failure-$START-$w-$crashes.log;"
		fi
		[ "$crashes" -lt "$MAX_CRASHES" ] || break
	done
	echo "$execs" > "$SCRATCH/$t/execs-$w"
	printf '%s' "$status" > "$SCRATCH/$t/status-$w"
}

# run_target NAME: sets RESULT_EXECS, RESULT_SECS (the seconds spent
# fuzzing, wall clock, all workers together) and RESULT_STATUS,
# returns 1 on any failure.
run_target () {
	t=$1
	bin=$OUT/fuzz-$t
	corpus=$SCRATCH/$t/corpus
	crashdir=$OUT/crashes/$t
	failed=0
	status=
	mkdir -p "$corpus" "$crashdir"
	if [ -d "tests/fuzz/corpus/$t" ]; then
		cp -R "tests/fuzz/corpus/$t/." "$corpus/"
	fi

	# Regressions first, one by one: one that still fails is reported
	# and kept out of the fuzzing corpus (it would stop every run).
	if [ -d "tests/fuzz/regressions/$t" ]; then
		for f in "tests/fuzz/regressions/$t"/*; do
			[ -f "$f" ] || continue
			if "$bin" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" "$f" \
				> "$SCRATCH/$t/replay.log" 2>&1; then
				cp "$f" "$corpus/"
			else
				failed=1
				cp "$SCRATCH/$t/replay.log" "$crashdir/regression-$(basename "$f").log"
				status="$status regression $(basename "$f") FAILS;"
			fi
		done
	fi

	dict=
	if [ -f "tests/fuzz/dict/$t.dict" ]; then
		dict="-dict=tests/fuzz/dict/$t.dict"
	fi

	# WORKERS processes on one corpus (libFuzzer reloads it every
	# second, so each sees what the others found), each making its
	# share of RUNS.
	START=$(date +%s)
	w=1
	pids=
	while [ "$w" -le "$WORKERS" ]; do
		share=0
		if [ "$RUNS" -gt 0 ]; then
			share=$(((RUNS + WORKERS - w) / WORKERS))
		fi
		fuzz_worker "$t" "$w" "$share" &
		pids="$pids $!"
		w=$((w + 1))
	done
	for pid in $pids; do
		wait "$pid" || true
	done
	RESULT_SECS=$(($(date +%s) - START))

	execs=0
	w=1
	while [ "$w" -le "$WORKERS" ]; do
		n=$(cat "$SCRATCH/$t/execs-$w" 2> /dev/null) || n=0
		execs=$((execs + ${n:-0}))
		ws=$(cat "$SCRATCH/$t/status-$w" 2> /dev/null) || ws="worker $w: no result;"
		if [ -n "$ws" ]; then
			failed=1
			status="$status$ws"
		fi
		w=$((w + 1))
	done

	vnote=
	if [ -n "${FUZZ_VALGRIND:-}" ]; then
		vlog=$SCRATCH/$t/valgrind.log
		# The corpus holds the regressions that pass under ASan.
		if valgrind -q --error-exitcode=126 --leak-check=full \
			--errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp \
			"$OUT/replay-$t" "$corpus" > "$vlog" 2>&1; then
			vnote=" (valgrind: clean)"
		else
			failed=1
			cp "$vlog" "$crashdir/valgrind.log"
			status="$status VALGRIND ERRORS, see $crashdir/valgrind.log;"
		fi
	fi
	RESULT_EXECS=$execs
	status=${status# }
	RESULT_STATUS=${status:-ok}$vnote
	return $failed
}

if [ -z "${FUZZ_NO_BUILD:-}" ]; then
	echo "building the fuzz targets in $OUT/"
	build
fi

if [ "$RUNS" -gt 0 ]; then
	what="$RUNS executions"
	[ "$SECS" -eq 0 ] || what="$what (at most ${SECS}s)"
else
	what="${SECS}s"
fi
echo "sanitizers: fuzzer,$SANITIZE; $WORKERS worker(s) per target"
any_failed=0
SUMMARY=
ALL_START=$(date +%s)
for t in $TARGETS; do
	echo "fuzzing $t for $what ..."
	if run_target "$t"; then :; else any_failed=1; fi
	[ "$RESULT_SECS" -gt 0 ] || RESULT_SECS=1
	line=$(printf '%-14s %12s %8s %10s  %s' "$t" "$RESULT_EXECS" "$RESULT_SECS" \
		"$((RESULT_EXECS / RESULT_SECS))" "$RESULT_STATUS")
	echo "  $line"
	SUMMARY="$SUMMARY$line
"
done

echo
echo "sanitizers: fuzzer,$SANITIZE; $WORKERS worker(s) per target; $(($(date +%s) - ALL_START))s in all"
printf '%-14s %12s %8s %10s  %s\n' target execs seconds execs/s result
printf '%s' "$SUMMARY"
if [ "$any_failed" -ne 0 ]; then
	echo "FAILED: crash inputs and logs are in $OUT/crashes/" >&2
	exit 1
fi
