#!/usr/bin/env bash
# T005-symbols: libkith exports exactly the functions include/kith.h declares.
. "$(dirname "$0")/lib.sh"

test_begin "the shared library's dynamic symbols are the header's functions"
nm -D --defined-only "$BUILD_DIR"/libkith.so.* | awk '$2 == "T" { print $3 }' | sort >"$TMP/exported"
grep -oE '^kith_[a-z_]+ \(' "$SRC_DIR/include/kith.h" | sed 's/ ($//' | sort >"$TMP/declared"
test_expect_equal_file "$TMP/declared" "$TMP/exported"

test_begin "the header compiles on its own, as C and as C++-safe C"
printf '#include "kith.h"\nint main (void) { return kith_tier_to_string (KITH_TIER_CLOSE) == 0; }\n' >"$TMP/h.c"
cc -std=c99 -Wall -Wextra -Werror -I"$SRC_DIR/include" -c "$TMP/h.c" -o "$TMP/h.o" 2>"$TMP/cc.err"
test_expect_equal "0 " "$? $(head -5 "$TMP/cc.err")"

test_done
