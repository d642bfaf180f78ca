#!/usr/bin/env bash
# tests/run-tests.sh - run every unit test binary and shell test, count
# TAP results, print "N passed, M failed" last; exit non-zero if M > 0.
#
# A test program that crashes, exits non-zero, or prints no plan
# counts as one more failure.  BUILD names the build directory
# (default build); KITH_VALGRIND=1 runs everything under valgrind;
# arguments restrict the run to the named tests (e.g. T010-index).

set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:fast_unwind_on_malloc=0:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one () {
    local name=$1; shift
    local rc
    echo "== $name"
    "$@" >"$log" 2>&1
    rc=$?
    cat "$log"
    local ok notok plan
    ok=$(grep -c '^ok ' "$log")
    notok=$(grep -c '^not ok ' "$log")
    plan=$(grep -cE '^1\.\.[0-9]+' "$log")
    passed=$((passed + ok))
    failed=$((failed + notok))
    if [ "$rc" -ne 0 ] && [ "$notok" -eq 0 ]; then
	echo "not ok - $name exited with status $rc"
	failed=$((failed + 1))
    elif [ "$plan" -eq 0 ]; then
	echo "not ok - $name printed no TAP plan"
	failed=$((failed + 1))
    fi
}

selected () {
    [ $# -eq 0 ] && return 0
    local want
    for want in "${ARGS[@]}"; do
	case "$1" in *"$want"*) return 0 ;; esac
    done
    return 1
}

ARGS=("$@")
for t in "$BUILD"/tests/test-*; do
    [ -x "$t" ] || continue
    case "$t" in *.d|*.o) continue ;; esac
    [ ${#ARGS[@]} -eq 0 ] || selected "$(basename "$t")" "${ARGS[@]}" || continue
    if [ "${KITH_VALGRIND:-}" = 1 ]; then
	run_one "$(basename "$t")" valgrind -q --error-exitcode=126 --leak-check=full \
	    --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp "$t"
    else
	run_one "$(basename "$t")" "$t"
    fi
done
for t in tests/T[0-9]*.sh; do
    [ -f "$t" ] || continue
    [ ${#ARGS[@]} -eq 0 ] || selected "$(basename "$t")" "${ARGS[@]}" || continue
    run_one "$(basename "$t" .sh)" bash "$t"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
