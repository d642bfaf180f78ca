#!/usr/bin/env bash
# T060-install-hook: install-hook and uninstall-hook put kith into
# notmuch's post-new and post-insert hooks, chain a hook already there
# (afew's, say), and put everything back.
. "$(dirname "$0")/lib.sh"

umask 022
write_config
add_message from="Alice Liddell <alice@wonder.example>" subject="Tea?" date=2024-03-01 >/dev/null
notmuch_new
kith index >"$TMP/out" 2>&1 || echo "# kith index failed: $(cat "$TMP/out")"

HOOKS="$MAIL_DIR/.notmuch/hooks"
MARKER="# installed by notmuch kith install-hook; remove with notmuch kith uninstall-hook"
KITH_EXE=$(readlink -f "$BUILD_DIR/notmuch-kith")

# snapshot DIR: every entry under DIR with its type, mode, link target
# and checksum, to compare a directory before and after.
snapshot () {
    if [ -d "$1" ]; then
	(cd "$1" && find . -printf '%p %y %m %l\n' | sort && find . -type f -exec md5sum {} + | sort)
    else
	echo "no $1"
    fi
}

# stale: whether kith's store is behind the notmuch database.
stale () {
    kith status --format=json >"$TMP/status.json" 2>"$TMP/status.err"
    json_eval "$TMP/status.json" "j['stale']"
}

# afew_hook FILE [MODE]: a pre-existing hook, as afew users have, that
# logs its arguments and (asked with "stdin") its input, and whether
# kith's store was up to date when it ran.
afew_hook () {
    cat >"$1" <<EOF
#!/bin/sh
# afew --tag --new, as it were
echo "afew \$# \$*" >>"$TMP/afew.log"
if [ "\${1:-}" = stdin ]; then cat >>"$TMP/afew.log"; fi
notmuch kith status --format=json >"$TMP/afew-status.json"
EOF
    chmod "${2:-755}" "$1"
}

test_begin "install-hook --dry-run on a fresh database changes nothing"
kith install-hook --dry-run >"$TMP/out" 2>&1
test_expect_equal "0 no $HOOKS" "$? $(snapshot "$HOOKS")"

test_begin "install-hook --dry-run says it would install both hooks"
test_expect_equal "2" "$(grep -c "^Would install '$HOOKS/post-\(new\|insert\)'" "$TMP/out")"

test_begin "install-hook creates the hook directory, mode 0755"
kith install-hook >"$TMP/out" 2>&1
test_expect_equal "0 755" "$? $(stat -c %a "$HOOKS")"

test_begin "install-hook writes post-new and post-insert: executable, marked, running this kith"
ok=1
for h in post-new post-insert; do
    [ "$(stat -c '%F %a' "$HOOKS/$h")" = "regular file 755" ] || ok=0
    [ "$(head -1 "$HOOKS/$h")" = "#!/bin/sh" ] || ok=0
    grep -qxF "$MARKER" "$HOOKS/$h" || ok=0
    grep -qF "'$KITH_EXE' hook" "$HOOKS/$h" || ok=0
done
test_expect_equal "1 post-insert post-new" "$ok $(ls "$HOOKS" | tr '\n' ' ' | sed 's/ $//')"

test_begin "notmuch new with new mail runs kith's post-new hook: the store is up to date"
add_message from="Alice Liddell <alice@wonder.example>" subject="More tea" date=2024-03-05 >/dev/null
notmuch new >"$TMP/out" 2>&1
rc=$?
test_expect_equal "0 False" "$rc $(stale)"

test_begin "notmuch insert runs kith's post-insert hook"
printf 'From: Bob <bob@builder.example>\nTo: %s\nSubject: Inserted\nDate: %s\nMessage-ID: <inserted@test.example>\n\nHi.\n' \
    "$ME" "$(date -u -R -d 2024-03-06)" >"$TMP/insert.eml"
notmuch insert <"$TMP/insert.eml" >"$TMP/out" 2>&1
rc=$?
test_expect_equal "0 False" "$rc $(stale)"

test_begin "install-hook twice changes nothing and says it is already installed"
snapshot "$HOOKS" >"$TMP/before"
kith install-hook >"$TMP/out" 2>&1
rc=$?
snapshot "$HOOKS" >"$TMP/after"
test_expect_equal "0 2 $(cat "$TMP/before")" "$rc $(grep -c 'already installed' "$TMP/out") $(cat "$TMP/after")"

test_begin "install-hook updates a kith hook that runs another kith command, in place"
cp "$HOOKS/post-new" "$TMP/post-new.kith"
sed -i "s|'$KITH_EXE'|'/elsewhere/notmuch-kith'|" "$HOOKS/post-new"
kith install-hook >"$TMP/out" 2>&1
rc=$?
test_expect_equal "0 1 1" "$rc $(grep -c "^Updated '$HOOKS/post-new'" "$TMP/out") $(cmp -s "$TMP/post-new.kith" "$HOOKS/post-new" && echo 1)"

test_begin "install-hook makes a kith hook that lost its mode executable again"
chmod 644 "$HOOKS/post-insert"
kith install-hook >"$TMP/out" 2>&1
rc=$?
test_expect_equal "0 1 755" "$rc $(grep -c "^Updated '$HOOKS/post-insert'" "$TMP/out") $(stat -c %a "$HOOKS/post-insert")"

test_begin "uninstall-hook removes kith's hooks"
kith uninstall-hook >"$TMP/out" 2>&1
test_expect_equal "0 ." "$? $(cd "$HOOKS" && find . | sort | tr '\n' ' ' | sed 's/ $//')"

test_begin "uninstall-hook with nothing installed succeeds and changes nothing"
kith uninstall-hook >"$TMP/out" 2>&1
test_expect_equal "0 2" "$? $(grep -c 'not installed' "$TMP/out")"

# An afew user: post-new runs afew, post-insert is absent.
afew_hook "$HOOKS/post-new" 750
cp -p "$HOOKS/post-new" "$TMP/afew-hook.orig"
snapshot "$HOOKS" >"$TMP/orig"

test_begin "install-hook --dry-run with an existing hook changes nothing"
kith install-hook --dry-run >"$TMP/out" 2>&1
rc=$?
snapshot "$HOOKS" >"$TMP/after"
test_expect_equal "0 1 $(cat "$TMP/orig")" "$rc $(grep -c "^Would move '$HOOKS/post-new' to '$HOOKS/post-new.kith-chained'" "$TMP/out") $(cat "$TMP/after")"

test_begin "install-hook chains an existing hook: moved to post-new.kith-chained, mode kept"
kith install-hook >"$TMP/out" 2>&1
rc=$?
test_expect_equal "0 750 1" "$rc $(stat -c %a "$HOOKS/post-new.kith-chained") $(cmp -s "$TMP/afew-hook.orig" "$HOOKS/post-new.kith-chained" && echo 1)"

test_begin "the chaining hook is kith's, runs this kith and the chained hook"
test_expect_equal "755 1 1 1" "$(stat -c %a "$HOOKS/post-new") $(grep -cxF "$MARKER" "$HOOKS/post-new") $(grep -cF "'$KITH_EXE' hook" "$HOOKS/post-new") $(grep -c 'post-new.kith-chained' "$HOOKS/post-new")"

test_begin "post-insert, which did not exist, is kith's plain hook"
test_expect_equal "1 no" "$(grep -cF "exec '$KITH_EXE' hook" "$HOOKS/post-insert") $([ -e "$HOOKS/post-insert.kith-chained" ] && echo yes || echo no)"

test_begin "notmuch new runs both hooks, the chained one first"
rm -f "$TMP/afew.log" "$TMP/afew-status.json"
add_message from="Alice Liddell <alice@wonder.example>" subject="Scones" date=2024-03-07 >/dev/null
notmuch new >"$TMP/out" 2>&1
rc=$?
# afew saw the store stale (kith had not run yet); after notmuch new it is not.
test_expect_equal "0 afew 0  True False" \
    "$rc $(cat "$TMP/afew.log") $(json_eval "$TMP/afew-status.json" "j['stale']") $(stale)"

test_begin "the chained hook gets the same arguments and input"
rm -f "$TMP/afew.log"
echo "the input" >"$TMP/input"
"$HOOKS/post-new" stdin "two words" <"$TMP/input" >"$TMP/out" 2>&1
rc=$?
test_expect_equal "0 afew 2 stdin two words
the input" "$rc $(cat "$TMP/afew.log")"

test_begin "install-hook again with a chained hook changes nothing"
snapshot "$HOOKS" >"$TMP/before"
kith install-hook >"$TMP/out" 2>&1
rc=$?
snapshot "$HOOKS" >"$TMP/after"
test_expect_equal "0 2 $(cat "$TMP/before")" "$rc $(grep -c 'already installed' "$TMP/out") $(cat "$TMP/after")"

test_begin "notmuch new --no-hooks runs neither hook"
rm -f "$TMP/afew.log"
add_message from="Alice Liddell <alice@wonder.example>" subject="Jam" date=2024-03-08 >/dev/null
notmuch new --no-hooks >"$TMP/out" 2>&1
rc=$?
test_expect_equal "0 no True" "$rc $([ -e "$TMP/afew.log" ] && echo yes || echo no) $(stale)"

test_begin "uninstall-hook --dry-run changes nothing"
snapshot "$HOOKS" >"$TMP/before"
kith uninstall-hook --dry-run >"$TMP/out" 2>&1
rc=$?
snapshot "$HOOKS" >"$TMP/after"
test_expect_equal "0 1 $(cat "$TMP/before")" "$rc $(grep -c "^Would restore '$HOOKS/post-new'" "$TMP/out") $(cat "$TMP/after")"

test_begin "uninstall-hook restores the original hook byte for byte, with its mode"
kith uninstall-hook >"$TMP/out" 2>&1
rc=$?
snapshot "$HOOKS" >"$TMP/after"
test_expect_equal "0 $(cat "$TMP/orig")" "$rc $(cat "$TMP/after")"

test_begin "a failing chained hook still fails notmuch new, and kith still runs"
printf '#!/bin/sh\nexit 3\n' >"$HOOKS/post-new"
chmod 755 "$HOOKS/post-new"
kith install-hook >"$TMP/out" 2>&1 || echo "# install-hook failed: $(cat "$TMP/out")"
add_message from="Alice Liddell <alice@wonder.example>" subject="Crumpets" date=2024-03-09 >/dev/null
notmuch new >"$TMP/out" 2>&1
rc=$?
test_expect_equal "1 False" "$rc $(stale)"

test_begin "kith's chaining script exits with the chained hook's status"
"$HOOKS/post-new" >"$TMP/out" 2>&1
test_expect_equal "3" "$?"
kith uninstall-hook >"$TMP/out" 2>&1
rm -f "$HOOKS/post-new"

test_begin "a symbolic link hook is chained as the link itself, and restored"
afew_hook "$TMP/shared-hook"
ln -s "$TMP/shared-hook" "$HOOKS/post-insert"
snapshot "$HOOKS" >"$TMP/orig"
kith install-hook >"$TMP/out" 2>&1
rc=$?
chained=$(readlink "$HOOKS/post-insert.kith-chained")
kith uninstall-hook >"$TMP/out" 2>&1
rc2=$?
snapshot "$HOOKS" >"$TMP/after"
test_expect_equal "0 $TMP/shared-hook 0 $(cat "$TMP/orig")" "$rc $chained $rc2 $(cat "$TMP/after")"
rm -f "$HOOKS/post-insert"

test_begin "a hook that is not executable is not chained: install-hook fails and changes nothing"
afew_hook "$HOOKS/post-new" 644
snapshot "$HOOKS" >"$TMP/orig"
kith install-hook >"$TMP/out" 2>"$TMP/err"
rc=$?
snapshot "$HOOKS" >"$TMP/after"
test_expect_equal "1 1 $(cat "$TMP/orig")" "$rc $(grep -c "^Error: .*'$HOOKS/post-new'.*not executable" "$TMP/err") $(cat "$TMP/after")"

test_begin "install-hook refuses to chain over an existing .kith-chained file"
chmod 755 "$HOOKS/post-new"
echo "something else" >"$HOOKS/post-new.kith-chained"
snapshot "$HOOKS" >"$TMP/orig"
kith install-hook >"$TMP/out" 2>"$TMP/err"
rc=$?
snapshot "$HOOKS" >"$TMP/after"
test_expect_equal "1 1 $(cat "$TMP/orig")" "$rc $(grep -c "^Error: cannot chain '$HOOKS/post-new': '$HOOKS/post-new.kith-chained' already exists" "$TMP/err") $(cat "$TMP/after")"
rm -f "$HOOKS/post-new.kith-chained"

test_begin "uninstall-hook leaves a hook that is not kith's alone, and says so"
kith uninstall-hook >"$TMP/out" 2>&1
rc=$?
snapshot "$HOOKS" >"$TMP/after"
test_expect_equal "0 1 $(cat "$TMP/orig" | grep -v kith-chained)" \
    "$rc $(grep -c "'$HOOKS/post-new'.*not kith's" "$TMP/out") $(cat "$TMP/after")"
rm -f "$HOOKS/post-new"

test_begin "database.hook_dir is honoured"
notmuch config set database.hook_dir "$TMP/my hooks"
kith install-hook >"$TMP/out" 2>&1
rc=$?
test_expect_equal "0 755 755 ." \
    "$rc $(stat -c %a "$TMP/my hooks/post-new") $(stat -c %a "$TMP/my hooks/post-insert") $(cd "$HOOKS" && find . | tr '\n' ' ' | sed 's/ $//')"

test_begin "notmuch new runs the hook in database.hook_dir"
add_message from="Alice Liddell <alice@wonder.example>" subject="Muffins" date=2024-03-10 >/dev/null
notmuch new >"$TMP/out" 2>&1
rc=$?
test_expect_equal "0 False" "$rc $(stale)"

test_begin "uninstall-hook empties database.hook_dir"
kith uninstall-hook >"$TMP/out" 2>&1
test_expect_equal "0 ." "$? $(cd "$TMP/my hooks" && find . | tr '\n' ' ' | sed 's/ $//')"
notmuch config set database.hook_dir

# ---------------------------------------------------------------------
# Whatever state the store is in, the hook can be installed and removed
# (the hook failing on a damaged store must not be stuck there).
STORE=$MAIL_DIR/.notmuch/kith.db

# damaged_store_round KIND: with the store made KIND, uninstall-hook
# removes the hooks and install-hook puts them back, both exiting 0;
# the store is left as it was.
damaged_store_round () {
    local before after rc1 rc2 gone back
    before=$(snapshot "$MAIL_DIR/.notmuch" | grep 'kith\.db')
    timeout 20 "$BUILD_DIR/notmuch-kith" uninstall-hook >"$TMP/un.out" 2>"$TMP/un.err"
    rc1=$?
    gone=$(ls "$HOOKS" | tr '\n' ' ')
    timeout 20 "$BUILD_DIR/notmuch-kith" install-hook >"$TMP/in.out" 2>"$TMP/in.err"
    rc2=$?
    back=$(ls "$HOOKS" | tr '\n' ' ')
    after=$(snapshot "$MAIL_DIR/.notmuch" | grep 'kith\.db')
    echo "$rc1 [$gone] $rc2 [$back] $([ "$before" = "$after" ] && echo same || echo changed)" \
	"$(cat "$TMP/un.err" "$TMP/in.err")"
}

kith install-hook >/dev/null 2>&1
kith index >/dev/null 2>&1
cp "$STORE" "$TMP/good.db"

test_begin "store overwritten with garbage: the store is refused (the hook fails), uninstall-hook and install-hook work"
head -c 8192 /dev/urandom >"$STORE"
rm -f "$STORE-wal" "$STORE-shm"
kith who >/dev/null 2>"$TMP/who.err"
test_expect_equal "1 0 [] 0 [post-insert post-new ] same " "$? $(damaged_store_round)"

test_begin "store with a valid SQLite header and garbage after it: uninstall-hook and install-hook work"
{ head -c 100 "$TMP/good.db"; head -c 8192 /dev/urandom; } >"$STORE"
test_expect_equal "0 [] 0 [post-insert post-new ] same " "$(damaged_store_round)"

test_begin "store truncated to 10 bytes: uninstall-hook and install-hook work"
head -c 10 "$TMP/good.db" >"$STORE"
test_expect_equal "0 [] 0 [post-insert post-new ] same " "$(damaged_store_round)"

test_begin "store path is a directory: uninstall-hook and install-hook work"
rm -f "$STORE"
mkdir "$STORE"
test_expect_equal "0 [] 0 [post-insert post-new ] same " "$(damaged_store_round)"
rmdir "$STORE"

test_begin "store unreadable (mode 000): uninstall-hook and install-hook work"
cp "$TMP/good.db" "$STORE"
chmod 000 "$STORE"
test_expect_equal "0 [] 0 [post-insert post-new ] same " "$(damaged_store_round)"
chmod 600 "$STORE"

test_begin "after uninstall-hook on a damaged store, notmuch new succeeds again"
head -c 8192 /dev/urandom >"$STORE"
kith uninstall-hook >/dev/null 2>&1
add_message from="Alice Liddell <alice@wonder.example>" subject="Scones" date=2024-03-11 >/dev/null
notmuch new >"$TMP/out" 2>&1
test_expect_equal "0 " "$? $(ls "$HOOKS")"

test_done
