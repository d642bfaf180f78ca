#!/usr/bin/env bash
# T042-settings: whatever a user sets or leaves lying around, kith fails
# clearly and at once, never hangs, never runs on a nonsense value:
# numeric settings are finite and in range (naming the key, the value
# and the range), the rules file is a regular file of bounded size, the
# store stays 0600 and its own user's, an unknown kith.* key is named in
# a warning (with the key meant, when one is close) and changes nothing,
# install-hook and uninstall-hook work whatever the settings say, and
# `notmuch kith help config` lists every setting.
. "$(dirname "$0")/lib.sh"

STORE=$MAIL_DIR/.notmuch/kith.db

# run NAME ARGS...: run kith ARGS under a timeout, keeping the exit
# status in $rc and stdout/stderr in $TMP/NAME.out and $TMP/NAME.err.
run () {
    local name=$1
    shift
    timeout -k 2 "${RUN_TIMEOUT:-30}" "$BUILD_DIR/notmuch-kith" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    rc=$?
}


write_config
a=$(add_message from="Alice Liddell <alice@wonder.example>" subject="Tea?" date=2024-04-01)
m=$(add_message from="Me Myself <$ME>" to="alice@wonder.example" subject="Re: Tea?" reply="$a" date=2024-04-02)
a=$(add_message from="Alice Liddell <alice@wonder.example>" subject="Re: Tea?" reply="$m" date=2024-04-03)
# a second message of mine: direct dialogue repeated each way (known
# once its score allows it)
add_message from="Me Myself <$ME>" to="alice@wonder.example" subject="Re: Tea?" reply="$a" date=2024-04-04 >/dev/null
notmuch_new

# ---------------------------------------------------------------------
# Numbers out of range or not numbers at all.

# bad KEY VALUE RANGE: index and who with KEY=VALUE exit 1 with one
# "Error:" line naming the key, the value and the range.
bad () {
    local key=$1 value=$2 range=$3 n
    test_begin "$key=$value: index and who exit 1 naming the key, the value and the range $range"
    notmuch config set "$key" "$value"
    n=$(echo "$key-$value" | tr -c 'a-z0-9\n' _)
    run "$n" index
    local index_rc=$rc index_has
    index_has=$(has "$n" "Error: config key $key" "'$value'" "$range")
    run "$n-who" who
    test_expect_equal "1 yes 1 yes" "$index_rc $index_has $rc $(has "$n-who" "Error: config key $key" "$range")"
    notmuch config set "$key"
}

bad kith.lock_timeout nan "0 to 3600"
bad kith.lock_timeout inf "0 to 3600"
bad kith.lock_timeout -inf "0 to 3600"
bad kith.lock_timeout 1e12 "0 to 3600"
bad kith.lock_timeout 3000000 "0 to 3600"
bad kith.lock_timeout 2.5 "0 to 3600"
bad kith.reply_window_days 1e300 "0 to 3650"
bad kith.reply_window_days 1e999 "0 to 3650"
bad kith.reply_window_days nan "0 to 3650"
bad kith.tier.known nan "0 to 1000000"
bad kith.tier.close infinity "0 to 1000000"
bad kith.tier.weak -1 "0 to 1000000"

test_begin "no store was created by any refused setting"
test_expect_equal "0" "$(find "$MAIL_DIR" "$HOME" -name 'kith.db*' | wc -l)"

test_begin "the hook fails too (a bad setting is a configuration error, not a verdict)"
notmuch config set kith.lock_timeout nan
run hook hook
test_expect_equal "1 yes" "$rc $(has hook 'kith.lock_timeout' 'nan')"
notmuch config set kith.lock_timeout

# ---------------------------------------------------------------------
# Values at and inside the range still work.

test_begin "kith.lock_timeout=3600 (the largest) and reply_window_days=3650: index works"
notmuch config set kith.lock_timeout 3600
notmuch config set kith.reply_window_days 3650
run ok index
test_expect_equal "0 " "$rc $(cat "$TMP/ok.err")"

test_begin "kith.lock_timeout=0, reply_window_days=0.5, tier.known=1.5: who works and applies the tiers"
notmuch config set kith.lock_timeout 0
notmuch config set kith.reply_window_days 0.5
notmuch config set kith.tier.known 1.5
run ok2 index
run ok2who who
test_expect_equal "0 known" "$rc $(awk '/alice@wonder.example/ { print $1 }' "$TMP/ok2who.out")"
notmuch config set kith.lock_timeout
notmuch config set kith.reply_window_days
notmuch config set kith.tier.known

# ---------------------------------------------------------------------
# kith.rules naming something that is not a regular file, or too big:
# an error naming the file, at once (never a hang, never gigabytes).

run index-first index
mkdir -p "$TMP/rules.d"
mkfifo "$TMP/rules.fifo"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' '#' >"$TMP/big.conf"

# bad_rules FILE WHAT: tag --dry-run with kith.rules=FILE exits 1 within
# 10 s (ulimit -v: no unbounded read), naming the file and WHAT.  An
# ASan build reserves terabytes of address space: no ulimit -v there.
VMEM=1000000
if nm "$BUILD_DIR/notmuch-kith" 2>/dev/null | grep -q __asan_init; then
    VMEM=unlimited
fi
bad_rules () {
    local file=$1 what=$2 n
    n=rules-$(basename "$file" | tr -c 'a-z0-9\n' _)
    test_begin "kith.rules = $file ($what): tag exits 1 at once, naming the file"
    notmuch config set kith.rules "$file"
    (ulimit -v $VMEM; RUN_TIMEOUT=10 run "$n" tag --dry-run '*'; echo "$rc" >"$TMP/rc")
    test_expect_equal "1 yes" "$(cat "$TMP/rc") $(has "$n" "Error: rules file '$file'" "$what")"
    notmuch config set kith.rules
}
bad_rules "$TMP/rules.fifo" "a FIFO"
bad_rules /dev/zero "a character device"
bad_rules "$TMP/rules.d" "a directory"
bad_rules "$TMP/big.conf" "larger than 1 MiB"

test_begin "kith.rules = a FIFO: notmuch new with the hook ends within 10 s, the hook's error naming the file"
mkdir -p "$MAIL_DIR/.notmuch/hooks"
printf '#!/bin/sh\nexec notmuch-kith hook\n' >"$MAIL_DIR/.notmuch/hooks/post-new"
chmod +x "$MAIL_DIR/.notmuch/hooks/post-new"
add_message from="Bob Newman <bob@new.example>" subject="Hello" date=2024-05-01 >/dev/null
notmuch config set kith.rules "$TMP/rules.fifo"
timeout -k 2 10 notmuch new --quiet >"$TMP/new-fifo.out" 2>"$TMP/new-fifo.err"
rc=$?
test_expect_equal "not-timeout yes" "$([ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] && echo not-timeout || echo "timeout $rc") $(has new-fifo "rules file '$TMP/rules.fifo'" "a FIFO")"

test_begin "a regular rules file of normal size is read (the hook then judges the new message)"
printf '# my rules: none\n' >"$TMP/my-rules.conf"
notmuch config set kith.rules "$TMP/my-rules.conf"
run hook-ok hook
test_expect_equal "0 " "$rc $(cat "$TMP/hook-ok.err")"
notmuch config set kith.rules
rm -f "$MAIL_DIR/.notmuch/hooks/post-new"

# ---------------------------------------------------------------------
# Aliases: an address belongs to one person; an entry is an address.

test_begin "an address in two kith.alias.* groups: index and who exit 1 naming both keys and the address"
notmuch config set kith.alias.alice "alice@wonder.example;alice@work.example"
notmuch config set kith.alias.liddell "alice@home.example;Alice@Wonder.example"
run alias-two index
index_rc=$rc
index_has=$(has alias-two kith.alias.alice kith.alias.liddell alice@wonder.example)
run alias-two-who who
test_expect_equal "1 yes 1 yes" "$index_rc $index_has $rc $(has alias-two-who kith.alias.alice kith.alias.liddell)"
notmuch config set kith.alias.liddell

# bad_alias ENTRY SHOWN: kith.alias.alice with ENTRY among good
# addresses: who exits 1 naming the key and the entry (as SHOWN).
bad_alias () {
    test_begin "kith.alias.alice with the entry ${2:0:40}: exit 1 naming the key and the entry"
    notmuch config set kith.alias.alice "alice@wonder.example;$1;alice@work.example"
    run bad-alias who
    test_expect_equal "1 yes 1" "$rc $(has bad-alias "Error: config key kith.alias.alice" "$2") $(wc -l <"$TMP/bad-alias.err")"
}
bad_alias '@@' "'@@'"
bad_alias '<>' "'<>'"
bad_alias 'alice' "'alice'"
bad_alias "$(printf 'a%.0s' $(seq 1000))@x.example" "(1010 bytes)"
bad_alias "$(head -c 100000 /dev/zero | tr '\0' b)@x.example" "(100010 bytes)"

test_begin "a valid alias group still merges (who lists one person)"
notmuch config set kith.alias.alice "alice@wonder.example;alice@work.example"
run alias-ok who
test_expect_equal "0 1" "$rc $(grep -c 'alice@' "$TMP/alias-ok.out")"
notmuch config set kith.alias.alice

# ---------------------------------------------------------------------
# The store is private whatever it was left as: every open for writing
# makes the store and its -wal and -shm files 0600 (through a symbolic
# link too), and refuses files another user owns.

# modes: the modes of the store and of its -wal and -shm files ("-" for
# a file that is not there).
modes () {
    local f out=""
    for f in "$1" "$1-wal" "$1-shm"; do
	out="$out $( [ -e "$f" ] && stat -L -c %a "$f" || echo -)"
    done
    echo "${out# }"
}

umask 022
run index-mode index
test_begin "chmod 0644 on the store, -wal and -shm: index makes them 0600 again"
# A reader holding the store open keeps its -wal and -shm files after
# kith exits, so their modes can be seen.
python3 -c '
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
db.execute("BEGIN")
db.execute("SELECT count(*) FROM meta").fetchall()
print("open", flush=True)
time.sleep(60)
' "$STORE" >"$TMP/reader.out" 2>&1 &
reader=$!
for i in $(seq 100); do grep -q open "$TMP/reader.out" && break; sleep 0.1; done
chmod 0644 "$STORE" "$STORE-wal" "$STORE-shm"
before=$(modes "$STORE")
add_message from="Alice Liddell <alice@wonder.example>" subject="Cake" date=2024-06-01 >/dev/null
notmuch_new
run mode-index index
test_expect_equal "644 644 644 0 600 600 600" "$before $rc $(modes "$STORE")"
kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null

test_begin "chmod 0664 on the store: index --rebuild makes it 0600 again"
chmod 0664 "$STORE"
run mode-rebuild index --rebuild
test_expect_equal "0 600" "$rc $(stat -c %a "$STORE")"

test_begin "chmod 0644 on the store: the hook makes it 0600 again"
chmod 0644 "$STORE"
run mode-hook hook
test_expect_equal "0 600" "$rc $(stat -c %a "$STORE")"

test_begin "a read-only verb (who) leaves the mode alone (it cannot write)"
chmod 0640 "$STORE"
run mode-who who
test_expect_equal "0 640" "$rc $(stat -c %a "$STORE")"
chmod 0600 "$STORE"

test_begin "kith.store a symbolic link to a 0644 store: index makes the target 0600"
cp "$STORE" "$TMP/real.db"
chmod 0644 "$TMP/real.db"
ln -s "$TMP/real.db" "$TMP/link.db"
notmuch config set kith.store "$TMP/link.db"
run mode-link index
test_expect_equal "0 600 $TMP/real.db" "$rc $(stat -c %a "$TMP/real.db") $(readlink "$TMP/link.db")"

test_begin "kith.store naming a FIFO: index exits 1 at once, naming it"
rm -f "$TMP/link.db"
mkfifo "$TMP/link.db"
RUN_TIMEOUT=10 run mode-fifo index
test_expect_equal "1 yes" "$rc $(has mode-fifo "'$TMP/link.db'" "not a regular file")"
notmuch config set kith.store

if [ "$(id -u)" = 0 ]; then
    test_begin "a store owned by another user: index refuses it, naming the file and the owner, and leaves it alone"
    chown 65534 "$STORE"
    chmod 0644 "$STORE"
    run mode-owner index
    test_expect_equal "1 yes 644 65534" "$rc $(has mode-owner "'$STORE'" "belongs to another user" "uid 65534") $(stat -c '%a %u' "$STORE")"
    chown 0 "$STORE"
    chmod 0600 "$STORE"

    test_begin "a -wal file owned by another user: index refuses it"
    : >"$STORE-wal"
    chown 65534 "$STORE-wal"
    run mode-owner-wal index
    test_expect_equal "1 yes" "$rc $(has mode-owner-wal "'$STORE-wal'" "belongs to another user")"
    rm -f "$STORE-wal"
else
    echo "# not root: the tests of a store owned by another user are skipped"
fi

# ---------------------------------------------------------------------
# A store in a directory kith cannot write (a read-only file system,
# snapshot or share) is read as it is; a write names the cause.
RO=$TMP/ro
mkdir -p "$RO"
ro_mode=""
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=4m kith-ro "$RO" 2>/dev/null; then
    eval "set -- $(trap -p EXIT)"
    trap 'umount "'"$RO"'" 2>/dev/null; '"${3:-}" EXIT
    cp "$STORE" "$RO/kith.db"
    mount -o remount,ro "$RO" && ro_mode="read-only tmpfs"
elif [ "$(id -u)" != 0 ]; then
    cp "$STORE" "$RO/kith.db"
    chmod 555 "$RO" && ro_mode="directory mode 555"
fi
if [ -n "$ro_mode" ]; then
    echo "# read-only store: $ro_mode"
    notmuch config set kith.store "$RO/kith.db"

    test_begin "store in a read-only directory: who, complete and status read it"
    run ro-who who --all
    who_rc=$rc
    run ro-complete complete ali
    complete_rc=$rc
    run ro-status status
    test_expect_equal "0 0 0 yes yes" "$who_rc $complete_rc $rc $(grep -q alice@wonder.example "$TMP/ro-who.out" && echo yes) $(grep -q alice@wonder.example "$TMP/ro-complete.out" && echo yes)"

    test_begin "store in a read-only directory: json who works too, and no -wal or -shm was left"
    run ro-json who --format=json
    test_expect_equal "0 kith.db" "$rc $(ls "$RO" | tr '\n' ' ' | sed 's/ $//')"

    test_begin "store in a read-only directory: index exits 1 naming the directory and the cause"
    run ro-index index
    test_expect_equal "1 yes" "$rc $(has ro-index "'$RO'" "cannot be written")"
    notmuch config set kith.store
else
    echo "# no read-only directory to be had: the read-only store tests are skipped"
fi

# ---------------------------------------------------------------------
# Unknown kith.* keys: a warning naming the key (and the key meant, when
# one is close), once per run, and nothing fails.

# unknown KEY GUESS: who with KEY set exits 0 and warns once, naming
# KEY and (if GUESS is not empty) "did you mean GUESS?".
unknown () {
    local key=$1 guess=$2 n want
    test_begin "unknown key $key: who exits 0, warning once${guess:+ (did you mean $guess?)}"
    notmuch config set "$key" 5
    n=unknown-$(echo "$key" | tr -c 'a-z0-9\n' _)
    run "$n" who
    want="unknown setting '$key'"
    test_expect_equal "0 yes 1" \
	"$rc $(has "$n" "kith: warning: $want" "${guess:+did you mean $guess?}") $(grep -c -F "$want" "$TMP/$n.err")"
    notmuch config set "$key"
}
unknown kith.max_recipient kith.max_recipients
unknown kith.tier.knwon kith.tier.known
unknown kith.Lock_timeout kith.lock_timeout
unknown kith.alais.bob kith.alias.bob
unknown kith.frobnicate ""

test_begin "a key nothing is close to points to help config"
test_expect_equal "yes" "$(has unknown-kith_frobnicate "notmuch kith help config")"

test_begin "known keys, kith.alias.NAME with any NAME and kith.tag.*: no warning"
notmuch config set kith.alias.bob "bob@new.example"
notmuch config set kith.alias.Carol_2 "carol@new.example"
notmuch config set kith.tag.request request
notmuch config set kith.tier.known 30
notmuch config set kith.complete.others last
run known-keys who
test_expect_equal "0 " "$rc $(cat "$TMP/known-keys.err")"
for k in kith.alias.bob kith.alias.Carol_2 kith.tag.request kith.tier.known kith.complete.others; do
    notmuch config set "$k"
done

test_begin "an unknown key in the hook: notmuch new succeeds, the warning is printed once"
mkdir -p "$MAIL_DIR/.notmuch/hooks"
printf '#!/bin/sh\nexec "%s" hook\n' "$BUILD_DIR/notmuch-kith" >"$MAIL_DIR/.notmuch/hooks/post-new"
chmod +x "$MAIL_DIR/.notmuch/hooks/post-new"
add_message from="Dora Explorer <dora@new.example>" subject="Map" date=2024-05-02 >/dev/null
notmuch config set kith.hook_budgte 5
notmuch new --quiet >"$TMP/new-unknown.out" 2>"$TMP/new-unknown.err"
new_rc=$?
run hook-unknown hook
test_expect_equal "0 1 0 1" \
    "$new_rc $(grep -c -F "unknown setting 'kith.hook_budgte'" "$TMP/new-unknown.err") $rc $(
	grep -c -F "did you mean kith.hook_budget?" "$TMP/hook-unknown.err")"
notmuch config set kith.hook_budgte
rm -f "$MAIL_DIR/.notmuch/hooks/post-new"

# ---------------------------------------------------------------------
# install-hook and uninstall-hook work whatever the settings say: a
# user must always be able to remove the hook.

test_begin "kith.lock_timeout=nan: install-hook exits 0 and installs the hooks, who still refuses"
notmuch config set kith.lock_timeout nan
run install-bad install-hook
install_rc=$rc
run who-bad who
test_expect_equal "0 yes yes 1 yes" \
    "$install_rc $(grep -q -F 'notmuch kith install-hook' "$MAIL_DIR/.notmuch/hooks/post-new" 2>/dev/null && echo yes) $(
	[ -x "$MAIL_DIR/.notmuch/hooks/post-insert" ] && echo yes) $rc $(has who-bad "Error: config key kith.lock_timeout" "'nan'")"

test_begin "kith.lock_timeout=nan: uninstall-hook exits 0 and removes the hooks"
run uninstall-bad uninstall-hook
test_expect_equal "0 none" "$rc $(ls "$MAIL_DIR/.notmuch/hooks" | grep -E '^post-(new|insert)' || echo none)"
notmuch config set kith.lock_timeout

test_begin "a bad alias and no user.primary_email: install-hook and uninstall-hook still exit 0"
notmuch config set kith.alias.alice "not an address"
primary=$(notmuch config get user.primary_email)
notmuch config set user.primary_email
run install-noid install-hook
install_rc=$rc
run uninstall-noid uninstall-hook
test_expect_equal "0 0" "$install_rc $rc"
notmuch config set user.primary_email "$primary"
notmuch config set kith.alias.alice

# ---------------------------------------------------------------------
# help config

test_begin "notmuch kith help config lists every setting the README's Configuration table has"
run help help config
sed -n '/^## Configuration/,/^## /p' "$SRC_DIR/README.md" | awk -F'|' '/^\| `kith\./ { print $2 }' |
    grep -oE 'kith\.[a-zA-Z_.]+' | sort >"$TMP/readme-keys"
grep -oE '^  kith\.[a-zA-Z_.]+' "$TMP/help.out" | sed 's/^  //' | sort >"$TMP/help-keys"
test_expect_equal "0 yes" "$rc $( [ -s "$TMP/help-keys" ] && cmp -s "$TMP/readme-keys" "$TMP/help-keys" && echo yes || diff "$TMP/readme-keys" "$TMP/help-keys")"

test_begin "help config gives each numeric setting its range and default"
test_expect_equal "yes yes yes" "$(grep -q -F 'kith.lock_timeout  (integer 0..3600, default 30)' "$TMP/help.out" && echo yes) $(grep -q -F 'kith.reply_window_days  (number 0..3650, default 60)' "$TMP/help.out" && echo yes) $(grep -q -F 'kith.tier.known  (number 0..1000000, default 30)' "$TMP/help.out" && echo yes)"

test_done
