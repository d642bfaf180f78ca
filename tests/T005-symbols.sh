#!/usr/bin/env bash
# T005-symbols: libkith exports exactly the functions include/kith.h
# declares, and plugin/kith.sym (the linker version script) lists exactly
# those: a function added to kith.h must be added to kith.sym.
. "$(dirname "$0")/lib.sh"

grep -oE '^kith_[a-z_]+ \(' "$SRC_DIR/include/kith.h" | sed 's/ ($//' | sort >"$TMP/declared"
sed -n '/^global:/,/^local:/p' "$SRC_DIR/plugin/kith.sym" | grep -oE '^[[:space:]]*[a-z_]+;' |
    tr -d ' \t;' | sort >"$TMP/listed"

test_begin "the header declares functions (the check is not vacuous)"
test_expect_equal "yes" "$([ "$(wc -l <"$TMP/declared")" -gt 30 ] && echo yes)"

test_begin "plugin/kith.sym lists exactly the functions kith.h declares"
test_expect_equal_file "$TMP/declared" "$TMP/listed"

test_begin "the shared library's dynamic symbols are the header's functions"
nm -D --defined-only "$BUILD_DIR"/libkith.so.* | awk '$2 == "T" { print $3 }' | sort >"$TMP/exported"
test_expect_equal_file "$TMP/declared" "$TMP/exported"

test_begin "the library exports no data or other symbols"
nm -D --defined-only "$BUILD_DIR"/libkith.so.* | awk '$2 != "T" && $2 != "A" { print }' >"$TMP/other"
test_expect_equal "" "$(cat "$TMP/other")"

test_begin "the version script is applied: a kith.h function left out of kith.sym is not exported"
sed '/^[[:space:]]*kith_tier_to_string;/d' "$SRC_DIR/plugin/kith.sym" >"$TMP/less.sym"
cc -shared -Wl,--version-script="$TMP/less.sym" -o "$TMP/libless.so" \
    -Wl,--whole-archive "$BUILD_DIR/libkith.a" -Wl,--no-whole-archive \
    $(pkg-config --libs glib-2.0 gmime-3.0 sqlite3) -lnotmuch -lm 2>"$TMP/ld.err"
nm -D --defined-only "$TMP/libless.so" >"$TMP/less.nm"
test_expect_equal "0 1" "$(grep -c ' kith_tier_to_string$' "$TMP/less.nm") $(grep -c ' kith_open$' "$TMP/less.nm")"

test_begin "the header compiles on its own, as C and as C++-safe C"
printf '#include "kith.h"\nint main (void) { return kith_tier_to_string (KITH_TIER_CLOSE) == 0; }\n' >"$TMP/h.c"
cc -std=c99 -Wall -Wextra -Werror -I"$SRC_DIR/include" -c "$TMP/h.c" -o "$TMP/h.o" 2>"$TMP/cc.err"
test_expect_equal "0 " "$? $(head -5 "$TMP/cc.err")"

test_done
