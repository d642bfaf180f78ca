#!/usr/bin/env bash
# T077-pkg-config: the installed kith.pc lets a C program find kith.h
# and link libkith, shared and static, under PREFIX and under DESTDIR.
. "$(dirname "$0")/lib.sh"

write_config
a1=$(add_message from="Alice Liddell <alice@wonder.example>" subject="Tea?" date=2024-03-01)
add_message from="Me Myself <$ME>" to="alice@wonder.example" subject="Re: Tea?" reply="$a1" date=2024-03-02 >/dev/null
notmuch_new
kith index

PREFIX_DIR="$TMP/prefix"
make -s -C "$SRC_DIR" BUILD="$(basename "$BUILD_DIR")" install PREFIX="$PREFIX_DIR" >"$TMP/inst.out" 2>&1
export PKG_CONFIG_PATH="$PREFIX_DIR/lib/pkgconfig"

# A libkith client: the version, a status string, and who from the store.
cat >"$TMP/client.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <kith.h>

int
main (void)
{
    kith_t *kith = NULL;
    kith_contacts_t *who = NULL;
    char *message = NULL;

    if (! KITH_CHECK_VERSION (0, 1, 0))
	return 2;
    printf ("%s\n", kith_status_to_string (KITH_STATUS_NOT_INDEXED));
    if (kith_open (NULL, NULL, 0, &kith, &message) ||
	kith_who (kith, NULL, &who, &message)) {
	fprintf (stderr, "%s\n", message ? message : "failed");
	free (message);
	return 1;
    }
    for (; kith_contacts_valid (who); kith_contacts_move_to_next (who))
	printf ("%s %s\n", kith_tier_to_string (kith_contact_get_tier (kith_contacts_get (who))),
		kith_contact_get_address (kith_contacts_get (who)));
    kith_contacts_destroy (who);
    kith_destroy (kith);
    return 0;
}
EOF
# Under make asan the library is instrumented: so must its clients be.
SAN=""
if nm "$BUILD_DIR/libkith.a" 2>/dev/null | grep -q ' U __asan_'; then
    SAN="-fsanitize=address,undefined"
fi
kith_status_text=$(grep -A2 'KITH_STATUS_NOT_INDEXED' "$SRC_DIR/plugin/status.c" | grep -o '"[^"]*"' | head -1 | tr -d '"')

test_begin "pkg-config finds kith: version, cflags, libs"
test_expect_equal "0.1.0|-I$PREFIX_DIR/include|-L$PREFIX_DIR/lib -lkith" \
    "$(pkg-config --modversion kith)|$(pkg-config --cflags kith | cut -d' ' -f1)|$(pkg-config --libs kith | sed 's/ *$//')"

test_begin "kith.pc validates, and names its private dependencies"
pkg-config --validate kith >"$TMP/validate" 2>&1
s=$?
static=$(pkg-config --static --libs kith)
test_expect_equal "0 yes yes yes yes" "$s $(for l in -lnotmuch -lgmime-3.0 -lglib-2.0 -lsqlite3; do case " $static " in *" $l "*) printf yes ;; *) printf "no($l)" ;; esac; done | sed 's/yes/yes /g; s/ $//')"

test_begin "a C program compiles and links against the installed shared library with pkg-config, and runs"
cc $SAN -Wall -Werror -o "$TMP/client" "$TMP/client.c" $(pkg-config --cflags --libs kith) 2>"$TMP/cc.err"
LD_LIBRARY_PATH="$PREFIX_DIR/lib" "$TMP/client" >"$TMP/client.out" 2>&1
test_expect_equal "0|$kith_status_text|weak alice@wonder.example" "$?|$(head -1 "$TMP/client.out")|$(sed -n 2p "$TMP/client.out")"

test_begin "the program uses the installed libkith.so.0"
LD_LIBRARY_PATH="$PREFIX_DIR/lib" ldd "$TMP/client" >"$TMP/ldd.out"
test_expect_equal "1" "$(grep -c "libkith.so.0 => $PREFIX_DIR/lib/libkith.so.0" "$TMP/ldd.out")"

test_begin "libkith.a links with what kith.pc says it needs (Requires.private, Libs.private)"
private_libs=$(sed -n 's/^Libs.private: //p' "$PREFIX_DIR/lib/pkgconfig/kith.pc")
cc $SAN -Wall -Werror -o "$TMP/client-static" "$TMP/client.c" $(pkg-config --cflags kith) \
    -L"$PREFIX_DIR/lib" -Wl,-Bstatic -lkith -Wl,-Bdynamic \
    $(pkg-config --libs $(pkg-config --print-requires-private kith)) $private_libs 2>"$TMP/cc-static.err"
"$TMP/client-static" >"$TMP/static.out" 2>&1
test_expect_equal "0 0 weak alice@wonder.example" "$? $(ldd "$TMP/client-static" | grep -c libkith) $(sed -n 2p "$TMP/static.out")"

test_begin "make install DESTDIR=...: pkg-config with a sysroot compiles and links the program"
make -s -C "$SRC_DIR" BUILD="$(basename "$BUILD_DIR")" install DESTDIR="$TMP/dest" PREFIX=/opt/kith >>"$TMP/inst.out" 2>&1
export PKG_CONFIG_PATH="$TMP/dest/opt/kith/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$TMP/dest"
cc $SAN -Wall -Werror -o "$TMP/client-dest" "$TMP/client.c" $(pkg-config --cflags --libs kith) 2>"$TMP/cc-dest.err"
LD_LIBRARY_PATH="$TMP/dest/opt/kith/lib" "$TMP/client-dest" >"$TMP/dest.out" 2>&1
test_expect_equal "0 prefix=/opt/kith" "$? $(grep '^prefix=' "$TMP/dest/opt/kith/lib/pkgconfig/kith.pc")"
unset PKG_CONFIG_SYSROOT_DIR

test_begin "LIBDIR outside PREFIX is written as is into kith.pc"
make -s -C "$SRC_DIR" BUILD="$(basename "$BUILD_DIR")" install DESTDIR="$TMP/dest2" PREFIX=/opt/kith LIBDIR=/usr/lib64 \
    >>"$TMP/inst.out" 2>&1
test_expect_equal "libdir=/usr/lib64 includedir=\${prefix}/include" \
    "$(grep -E '^(libdir|includedir)=' "$TMP/dest2/usr/lib64/pkgconfig/kith.pc" | tr '\n' ' ' | sed 's/ $//')"

test_done
