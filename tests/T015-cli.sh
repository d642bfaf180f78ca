#!/usr/bin/env bash
# T015-cli: notmuch's config lookup (--config, NOTMUCH_PROFILE), the
# manual page, progress on a terminal, tier tags, install/uninstall
# (DESTDIR and PREFIX=~/.local).
. "$(dirname "$0")/lib.sh"

write_config
a1=$(add_message from="Alice Liddell <alice@wonder.example>" subject="Tea?" date=2024-03-01)
add_message from="Me Myself <$ME>" to="alice@wonder.example" subject="Re: Tea?" reply="$a1" date=2024-03-02 >/dev/null
notmuch_new

test_begin "notmuch --config=FILE kith uses that configuration"
cp "$NOTMUCH_CONFIG" "$TMP/other-config"
mv "$NOTMUCH_CONFIG" "$NOTMUCH_CONFIG.away"
notmuch --config="$TMP/other-config" kith index >"$TMP/out" 2>&1
notmuch --config="$TMP/other-config" kith who --format=json >"$TMP/who.json" 2>&1
test_expect_equal "['alice@wonder.example']" "$(json_eval "$TMP/who.json" "[c['address'] for c in j]")"
mv "$NOTMUCH_CONFIG.away" "$NOTMUCH_CONFIG"

test_begin "notmuch-kith --config=FILE works when run directly"
kith --config="$TMP/other-config" status --format=json >"$TMP/st.json"
test_expect_equal "2" "$(json_eval "$TMP/st.json" "j['messages']")"

test_begin "NOTMUCH_PROFILE selects the profile's configuration (and its store)"
mkdir -p "$HOME/.config/notmuch/work" "$TMP/workmail/cur"
sed "s#path=$MAIL_DIR#path=$TMP/workmail#" "$NOTMUCH_CONFIG" >"$HOME/.config/notmuch/work/config"
cp "$MAIL_DIR"/cur/* "$TMP/workmail/cur/"
add_message from="Bob Work <bob@work.example>" subject="Report" date=2024-04-01 folder=../workmail >/dev/null
(
    unset NOTMUCH_CONFIG
    export NOTMUCH_PROFILE=work
    notmuch new --quiet && kith index && kith status --format=json >"$TMP/work.json"
)
test_expect_equal "3 $TMP/workmail/.notmuch/kith.db" "$(json_eval "$TMP/work.json" "str(j['messages'])+' '+j['store']")"

test_begin "notmuch help kith shows the manual page"
MANPATH="$SRC_DIR/plugin/man:" notmuch help kith >"$TMP/man.txt" 2>&1
test_expect_equal "1" "$(grep -c '^NAME' "$TMP/man.txt")"

test_begin "index shows progress on a terminal (counts, rate)"
script -qec "$BUILD_DIR/notmuch-kith index --rebuild" /dev/null >"$TMP/tty.txt" 2>&1
test_expect_equal "1" "$(grep -c 'kith: .*messages, .*/s' "$TMP/tty.txt" | sed 's/^[1-9][0-9]*$/1/')"

test_begin "kith.tier_tags adds kith/<tier> to judged mail"
notmuch config set kith.tier_tags true
mkdir -p "$MAIL_DIR/.notmuch/hooks"
printf '#!/bin/sh\nexec notmuch-kith hook\n' >"$MAIL_DIR/.notmuch/hooks/post-new"
chmod +x "$MAIL_DIR/.notmuch/hooks/post-new"
add_message from="Alice Liddell <alice@wonder.example>" subject="Again" date=2024-05-01 >/dev/null
add_message from="Cold Caller <cold@sales.example>" subject="Offer" date=2024-05-02 >/dev/null
notmuch new --quiet
test_expect_equal "1 1" "$(notmuch count subject:Again and tag:kith/weak) $(notmuch count subject:Offer and tag:kith/none and tag:no-history)"

test_begin "custom tag names (kith.tag.no_history)"
notmuch config set kith.tag.no_history stranger
add_message from="Cold Two <cold2@sales.example>" subject="Offer 2" date=2024-05-03 >/dev/null
notmuch new --quiet
test_expect_equal "1 0" "$(notmuch count from:cold2@sales.example and tag:stranger) $(notmuch count from:cold2@sales.example and tag:no-history)"

test_begin "make install DESTDIR=... PREFIX=... installs the command, library, header, pkg-config file, manuals, completion and contrib/; uninstall removes them"
make -s -C "$SRC_DIR" BUILD="$(basename "$BUILD_DIR")" install DESTDIR="$TMP/dest" PREFIX=/opt/kith >"$TMP/inst.out" 2>&1
files=$(cd "$TMP/dest" && find . -type f -o -type l | sort | tr '\n' ' ')
modes=$(cd "$TMP/dest" && find . -type f -printf '%m %p\n' | awk '$1 != ($2 ~ /\/bin\/|\/contrib\/afew\/post-new$|\/contrib\/emacs\/notmuch-kith-address$/ ? 755 : 644)' | tr '\n' ' ')
make -s -C "$SRC_DIR" BUILD="$(basename "$BUILD_DIR")" uninstall DESTDIR="$TMP/dest" PREFIX=/opt/kith >>"$TMP/inst.out" 2>&1
left=$(cd "$TMP/dest" && find . -type f -o -type l | wc -l)
pages=$(cd "$SRC_DIR/plugin/man/man1" && ls *.1 | sed 's|^|./opt/kith/share/man/man1/|' | tr '\n' ' ')
test_expect_equal "./opt/kith/bin/notmuch-kith ./opt/kith/bin/notmuch-kith-address ./opt/kith/include/kith.h ./opt/kith/lib/libkith.a ./opt/kith/lib/libkith.so ./opt/kith/lib/libkith.so.0 ./opt/kith/lib/libkith.so.0.1.0 ./opt/kith/lib/pkgconfig/kith.pc ./opt/kith/share/bash-completion/completions/notmuch-kith ./opt/kith/share/bash-completion/completions/notmuch.bash ./opt/kith/share/emacs/site-lisp/notmuch-kith.el ./opt/kith/share/kith/contrib/aerc/aerc.conf ./opt/kith/share/kith/contrib/aerc/binds.conf ./opt/kith/share/kith/contrib/afew/README.md ./opt/kith/share/kith/contrib/afew/post-new ./opt/kith/share/kith/contrib/alot/config ./opt/kith/share/kith/contrib/emacs/notmuch-kith-address ./opt/kith/share/kith/contrib/emacs/notmuch-kith.el ./opt/kith/share/kith/contrib/neomutt/kith.neomuttrc ./opt/kith/share/kith/rules.conf.example ${pages}|modes:|left:0" "$files|modes:$modes|left:$left"

test_begin "at least ten manual pages are installed"
test_expect_equal "yes" "$([ "$(echo "$pages" | wc -w)" -ge 10 ] && echo yes)"

test_begin "make install PREFIX=~/.local: notmuch finds notmuch-kith on PATH and man finds its pages"
make -s -C "$SRC_DIR" BUILD="$(basename "$BUILD_DIR")" install PREFIX="$HOME/.local" >>"$TMP/inst.out" 2>&1
(
    export PATH="$HOME/.local/bin:/usr/local/bin:/usr/bin:/bin"
    unset MANPATH
    notmuch kith status --format=json >"$TMP/local-status.json" 2>&1
    command -v notmuch-kith >"$TMP/local-which"
    man -w notmuch-kith-who >"$TMP/local-man" 2>&1
)
kith status --format=json >"$TMP/build-status.json"
test_expect_equal "$HOME/.local/bin/notmuch-kith|$HOME/.local/share/man/man1/notmuch-kith-who.1|$(json_eval "$TMP/build-status.json" "j['messages']")" \
    "$(cat "$TMP/local-which")|$(cat "$TMP/local-man")|$(json_eval "$TMP/local-status.json" "j['messages']")"

test_begin "make uninstall PREFIX=~/.local leaves no file behind"
make -s -C "$SRC_DIR" BUILD="$(basename "$BUILD_DIR")" uninstall PREFIX="$HOME/.local" >>"$TMP/inst.out" 2>&1
test_expect_equal "0" "$(find "$HOME/.local" -type f -o -type l | wc -l)"

test_done
