#!/usr/bin/env bash
# T098-fuzz-replay: every fuzz target, built without libFuzzer by the
# normal compiler (with the build's sanitizers when the build under test
# has them, under valgrind with KITH_VALGRIND=1), replays its seed
# corpus and its regressions (tests/fuzz/corpus/, tests/fuzz/regressions/;
# header-block also tests/fixtures/malformed/), so that each fuzzing
# finding stays a test in every make check, which needs no clang.
. "$(dirname "$0")/lib.sh"

FUZZ=$TESTS_DIR/fuzz
CC=${CC:-cc}
SAN=""
if nm "$BUILD_DIR/notmuch-kith" 2>/dev/null | grep -q __asan_init; then
    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
fi
PKGS="glib-2.0 gmime-3.0"
CFLAGS="-std=gnu11 -g -O1 $SAN -I$SRC_DIR/include -I$SRC_DIR/plugin -I$BUILD_DIR $(pkg-config --cflags $PKGS)"
SYSCONF='-DKITH_SYSCONF_RULES="/nonexistent/kith-fuzz/rules.conf"'
export G_SLICE=always-malloc G_DEBUG=gc-friendly

test_begin "the library sources of the fuzz targets compile${SAN:+ (with ASan and UBSan)}"
ok=1
objs=""
for s in status mime names rules; do
    # shellcheck disable=SC2086
    $CC $CFLAGS "$SYSCONF" -c "$SRC_DIR/plugin/$s.c" -o "$TMP/$s.o" 2>>"$TMP/cc.err" || ok=0
    objs="$objs $TMP/$s.o"
done
# shellcheck disable=SC2086
$CC $CFLAGS -c "$FUZZ/replay-main.c" -o "$TMP/replay-main.o" 2>>"$TMP/cc.err" || ok=0
test_expect_equal "1" "$ok$(head -5 "$TMP/cc.err")"

for t in $(cd "$FUZZ" && ls fuzz-*.c | sed 's/^fuzz-//; s/\.c$//'); do
    test_begin "fuzz target $t replays its corpus and regressions without a failure"
    # shellcheck disable=SC2086
    if ! $CC $CFLAGS "$SYSCONF" -o "$TMP/replay-$t" "$FUZZ/fuzz-$t.c" "$TMP/replay-main.o" $objs \
	$(pkg-config --libs $PKGS) >"$TMP/cc-$t.err" 2>&1; then
	test_fail "cannot build: $(head -5 "$TMP/cc-$t.err")"
	continue
    fi
    inputs=("$FUZZ/corpus/$t")
    [ -d "$FUZZ/regressions/$t" ] && inputs+=("$FUZZ/regressions/$t")
    # The malformed mail of T090 is header-block input too.
    [ "$t" = header-block ] && inputs+=("$TESTS_DIR/fixtures/malformed")
    n=$(find "${inputs[@]}" -type f | wc -l)
    if [ "${KITH_VALGRIND:-}" = 1 ]; then
	valgrind -q --error-exitcode=126 --leak-check=full --errors-for-leak-kinds=definite \
	    --suppressions="$TESTS_DIR/valgrind.supp" "$TMP/replay-$t" "${inputs[@]}" >"$TMP/replay.log" 2>&1
    else
	"$TMP/replay-$t" "${inputs[@]}" >"$TMP/replay.log" 2>&1
    fi
    rc=$?
    replayed=$(grep -c '^replay: /' "$TMP/replay.log")
    if [ "$rc" = 0 ] && [ "$replayed" = "$n" ] && [ "$n" -gt 0 ]; then
	test_ok
	echo "# $t: $n inputs"
    else
	test_fail "exit $rc, $replayed of $n inputs replayed" "$(grep -v '^replay: /' "$TMP/replay.log" | head -20)"
    fi
done

test_done
