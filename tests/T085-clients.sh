#!/usr/bin/env bash
# T085-clients: the contrib/ integrations, each driven by the real client
# or its exact calling convention: notmuch-emacs (emacs --batch with
# Debian's elpa-notmuch), neomutt's query_command and pipe-message
# macro, alot's shellcommand address book (alot's own code), aerc's
# address-book-cmd, and afew in the same post-new hook as kith.  A client
# that is not installed is skipped with the reason printed (not counted
# as a pass); .ci/run installs them all.
. "$(dirname "$0")/lib.sh"

CONTRIB="$SRC_DIR/contrib"

skip () {
    echo "# skip: $*"
}

write_config
conv () {
    local a m
    a=$(add_message from="$1" subject="Topic $2" date="$2")
    m=$(add_message from="Me Myself <$ME>" to="$1" subject="Re: Topic $2" reply="$a" date="$2")
    add_message from="$1" subject="Re: Topic $2" reply="$m" date="$2" >/dev/null
}
for d in 2023-01-10 2023-03-10 2023-05-10 2023-07-10 2023-09-10 2023-11-10; do
    conv "Jürgen Müller <jurgen.muller@uni.example>" $d
done
conv "Julia Roberts <julia@films.example>" 2024-02-11
conv "\"O'Brien, Seán\" <sean@ie.example>" 2024-02-12
add_message from="Jurassic Newsletter <news@jurassic.example>" subject="Deals" date=2024-03-02 \
    header="List-Unsubscribe: <mailto:unsub@jurassic.example>\nPrecedence: bulk" >/dev/null
jurgen_msg=$(add_message from="Jürgen Müller <jurgen.muller@uni.example>" subject="Lunch" date=2024-03-05)
notmuch_new
kith index

# ------------------------------------------------------------------
# neomutt

# neomutt_query QUERY: run query_command exactly as neomutt does: the
# query single-quoted by mutt_file_quote_filename (' and ` escaped as
# '\'' and '\`'), put where %s is, the result run by sh -c.
neomutt_query () {
    local quoted cmd
    quoted="'$(printf '%s' "$1" | sed "s/'/'\\\\''/g; s/\`/'\\\\\`'/g")'"
    cmd=${QUERY_COMMAND//%s/$quoted}
    sh -c "$cmd"
}

# neomutt_parse FILE: what neomutt makes of the output: the first line
# is a message, then each line split with strtok on tabs into address,
# name and extra.
neomutt_parse () {
    python3 - "$1" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
print("message=" + lines[0])
for line in lines[1:]:
    fields = [f for f in line.split("\t") if f]   # strtok skips empty fields
    if fields:
        print("|".join(fields[:3]))
PY
}

QUERY_COMMAND=$(sed -n 's/^set query_command = "\(.*\)"$/\1/p' "$CONTRIB/neomutt/kith.neomuttrc")

test_begin "neomutt: the snippet's query_command is what neomutt reads from it"
if command -v neomutt >/dev/null 2>&1; then
    neomutt -n -F "$CONTRIB/neomutt/kith.neomuttrc" -Q query_command >"$TMP/q" 2>"$TMP/err"
    test_expect_equal "set query_command = \"notmuch kith complete --format=mutt %s\"" "$(cat "$TMP/q")"
else
    skip "neomutt is not installed (apt-get install neomutt)"
fi

test_begin "neomutt: the query, quoted and run as neomutt does, parses into ranked entries"
neomutt_query "jur" >"$TMP/mutt"
echo "rc=$?" >>"$TMP/mutt.rc"
neomutt_parse "$TMP/mutt" >"$TMP/parsed"
printf '%s\n' "message=kith: 2 matches for 'jur', likeliest recipient first" \
    "jurgen.muller@uni.example|Jürgen Müller|known, 6 conversations, last 2024-03" \
    "news@jurassic.example|Jurassic Newsletter|none, automated sender" >"$TMP/exp"
test_expect_equal_file "$TMP/exp" "$TMP/parsed"

test_begin "neomutt: two words and an apostrophe survive neomutt's quoting"
neomutt_query "jür mü" >"$TMP/a"; neomutt_query "o'brien" >"$TMP/b"
test_expect_equal "jurgen.muller@uni.example|sean@ie.example|O'Brien, Seán" \
    "$(sed -n 2p "$TMP/a" | cut -f1)|$(sed -n 2p "$TMP/b" | cut -f1-2 | tr '\t' '|')"

test_begin "neomutt: no match exits 1, the first line saying so"
neomutt_query "qqq" >"$TMP/none"
test_expect_equal "1 kith: no match for 'qqq'" "$? $(cat "$TMP/none")"

test_begin "neomutt: the K macro pipes the message to kith show --message (as neomutt's pipe-message does)"
macro_cmd=$(sed -n 's/^macro index,pager K "<pipe-message>\(.*\)<enter>".*/\1/p' "$CONTRIB/neomutt/kith.neomuttrc")
sh -c "$macro_cmd" <"$(notmuch search --output=files "id:$jurgen_msg")" >"$TMP/show"
test_expect_equal "Jürgen Müller <jurgen.muller@uni.example> 1" \
    "$(head -1 "$TMP/show") $(grep -c 'conversations  6' "$TMP/show")"

test_begin "neomutt: the macro on my own message shows its recipient"
sh -c "$macro_cmd" <"$(notmuch search --output=files --limit=1 from:"$ME" to:julia@films.example)" >"$TMP/show"
test_expect_equal "Julia Roberts <julia@films.example>" "$(head -1 "$TMP/show")"

# ------------------------------------------------------------------
# alot

test_begin "alot: its shellcommand address book, read from contrib/alot/config, completes ranked"
# alot's own interpreter (not a python3 that may come first on PATH).
ALOT_PYTHON=$(sed -n '1s/^#!//p' /usr/bin/alot 2>/dev/null)
if [ -d /usr/share/alot/alot ] && [ -n "$ALOT_PYTHON" ] && "$ALOT_PYTHON" -c 'import configobj, urwid' 2>/dev/null; then
    "$ALOT_PYTHON" - "$CONTRIB/alot/config" >"$TMP/alot" 2>"$TMP/alot.err" <<'PY'
import sys
sys.path.insert(0, "/usr/share/alot")
from alot.settings.manager import SettingsManager
from alot.completion.abooks import AbooksCompleter
settings = SettingsManager()
settings.read_config(sys.argv[1])
books = settings.get_addressbooks()
completer = AbooksCompleter(books)
for query in ("jur", "mül", "o'b"[:1] + "br", "jul rob", "qqq"):
    print(query + " -> " + " ; ".join(text for text, _ in completer.complete(query, len(query))))
PY
    printf '%s\n' "jur -> Jürgen Müller <jurgen.muller@uni.example> ; Jurassic Newsletter <news@jurassic.example>" \
	"mül -> Jürgen Müller <jurgen.muller@uni.example>" \
	"obr -> \"O'Brien, Seán\" <sean@ie.example>" \
	"jul rob -> Julia Roberts <julia@films.example>" \
	"qqq -> " >"$TMP/exp"
    test_expect_equal_file "$TMP/exp" "$TMP/alot"
else
    skip "alot is not installed (apt-get install alot)"
fi

test_begin "alot: every output line matches the configured regexp, nameless contacts too"
add_message from="Me Myself <$ME>" to="plain@nameless.example" subject="Hi" date=2024-04-01 >/dev/null
add_message from="plain@nameless.example" subject="Re: Hi" date=2024-04-02 >/dev/null
notmuch_new
kith index
kith complete --format=aerc --all "" >"$TMP/all.tsv"
regexp=$(sed -n "s/^ *regexp = '\(.*\)'$/\1/p" "$CONTRIB/alot/config")
python3 - "$regexp" "$TMP/all.tsv" >"$TMP/re" <<'PY'
import re, sys
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
bad = [l for l in lines if not re.match(sys.argv[1], l, re.IGNORECASE)]
nameless = [re.match(sys.argv[1], l).groupdict() for l in lines if "nameless" in l]
print(len(lines), len(bad), nameless)
PY
test_expect_equal "5 0 [{'email': 'plain@nameless.example', 'name': ''}]" "$(cat "$TMP/re")"

# ------------------------------------------------------------------
# aerc

AERC_CMD=$(sed -n 's/^address-book-cmd = //p' "$CONTRIB/aerc/aerc.conf")

# aerc_query TYPED: aerc puts the text typed where %s is, then (0.14)
# splits the line shell-like and runs it; later versions run it with
# sh -c.  Both are tried; their outputs must agree.
aerc_query () {
    local line=${AERC_CMD//%s/$1}
    python3 -c 'import shlex, subprocess, sys; sys.stdout.write(subprocess.run(shlex.split(sys.argv[1]), capture_output=True, text=True).stdout)' "$line" >"$TMP/aerc.shlex"
    sh -c "$line" >"$TMP/aerc.sh"
    cmp -s "$TMP/aerc.shlex" "$TMP/aerc.sh" || echo "MISMATCH"
    cat "$TMP/aerc.sh"
}

test_begin "aerc: address TAB name, best first, as address-book-cmd runs it"
aerc_query "jür mü" >"$TMP/aerc"
aerc_query "jur" >>"$TMP/aerc"
printf '%s\n' "jurgen.muller@uni.example	Jürgen Müller" "jurgen.muller@uni.example	Jürgen Müller" \
    "news@jurassic.example	Jurassic Newsletter" >"$TMP/exp"
test_expect_equal_file "$TMP/exp" "$TMP/aerc"

test_begin "aerc: every line has an address first, at most a name after it"
python3 - "$TMP/all.tsv" >"$TMP/fields" <<'PY'
import sys
from email.utils import parseaddr
ok = 0
for line in open(sys.argv[1], encoding="utf-8").read().splitlines():
    f = line.split("\t")
    if 1 <= len(f) <= 2 and "@" in parseaddr(f[0])[1] and parseaddr(f[0])[1] == f[0]:
        ok += 1
print(ok)
PY
test_expect_equal "5" "$(cat "$TMP/fields")"

# ------------------------------------------------------------------
# notmuch-emacs

if command -v emacs >/dev/null 2>&1 && ls -d /usr/share/emacs/site-lisp/elpa/notmuch-* >/dev/null 2>&1; then
    notmuch config set kith.tag.request invitation
    NOTMUCH_EL=$(ls -d /usr/share/emacs/site-lisp/elpa/notmuch-* | tail -1)
    KITH_TEST_MESSAGE=$jurgen_msg timeout 120 emacs --batch -Q -L "$NOTMUCH_EL" -L "$CONTRIB/emacs" \
	-l "$TESTS_DIR/clients/notmuch-kith-test.el" >"$TMP/emacs.out" 2>"$TMP/emacs.err"
    echo "# emacs exited with $?"
    grep -v '^$' "$TMP/emacs.err" | grep -v 'Looking for completion' | head -5 | sed 's/^/# /'
    emacs_get () { sed -n "s/^$1: //p" "$TMP/emacs.out"; }

    test_begin "emacs: notmuch-kith.el byte-compiles without a warning"
    mkdir -p "$TMP/elc"
    cp "$CONTRIB/emacs/notmuch-kith.el" "$TMP/elc/"
    timeout 60 emacs --batch -Q -L "$NOTMUCH_EL" -L "$TMP/elc" --eval '(setq byte-compile-error-on-warn t)' \
	-f batch-byte-compile "$TMP/elc/notmuch-kith.el" >"$TMP/elc.out" 2>&1
    test_expect_equal "0 " "$? $(grep -i -e warning -e error "$TMP/elc.out" | head -3)"

    test_begin "emacs: notmuch-kith-address-candidates reads --format=emacs, ranked, UTF-8 intact"
    test_expect_equal "Jürgen Müller <jurgen.muller@uni.example> | Jurassic Newsletter <news@jurassic.example>" \
	"$(emacs_get candidates)"

    test_begin "emacs: a name needing quotes comes quoted; no match is nil"
    test_expect_equal "\"O'Brien, Seán\" <sean@ie.example> nil" "$(emacs_get quoted) $(emacs_get none)"

    test_begin "emacs: notmuch-kith-setup makes notmuch-address-command the helper"
    test_expect_equal "notmuch-kith-address" "$(emacs_get address-command)"

    test_begin "emacs: notmuch's own notmuch-address-options completes through kith"
    test_expect_equal "Jürgen Müller <jurgen.muller@uni.example>" "$(emacs_get notmuch-address-options)"

    test_begin "emacs: completing in a To: header of a message buffer inserts the mailbox"
    test_expect_equal "To: Someone <some@one.example>, Jürgen Müller <jurgen.muller@uni.example>" \
	"$(emacs_get expanded)"

    test_begin "emacs: on a message in notmuch-show, the sender's history in its own buffer"
    test_expect_equal "(notmuch-show-mode $jurgen_msg)|*notmuch-kith: jurgen.muller@uni.example*|Jürgen Müller <jurgen.muller@uni.example>|6|notmuch-kith-show-mode" \
	"$(emacs_get in-show)|$(emacs_get show-buffer)|$(emacs_get show-first-line)|$(emacs_get show-conversations)|$(emacs_get show-mode)"

    test_begin "emacs: each conversation is a button that opens its thread"
    test_expect_equal "6 (notmuch-show-mode t) notmuch-kith-show-sender" \
	"$(emacs_get show-buttons) $(emacs_get button-opens) $(emacs_get show-key)"

    test_begin "emacs: notmuch-kith-paths-sender shows who could introduce me to the sender"
    test_expect_equal "*notmuch-kith paths: jurgen.muller@uni.example*|Ways in to Jürgen Müller <jurgen.muller@uni.example> (known to you):" \
	"$(emacs_get paths-buffer)|$(emacs_get paths-first-line)"

    test_begin "emacs: saved searches follow kith.tag.* names"
    test_expect_equal "tag:invitation tag:no-history tag:introduced" "$(emacs_get saved-searches)"
    notmuch config set kith.tag.request

    test_begin "emacs: as make install lays it out (site-lisp, helper on PATH), the README's three lines work"
    mkdir -p "$TMP/prefix/share/emacs/site-lisp" "$TMP/prefix/bin"
    cp "$CONTRIB/emacs/notmuch-kith.el" "$TMP/prefix/share/emacs/site-lisp/"
    cp -p "$CONTRIB/emacs/notmuch-kith-address" "$TMP/prefix/bin/"
    PATH="$TMP/prefix/bin:$PATH" timeout 60 emacs --batch -Q -L "$NOTMUCH_EL" --eval "(progn
	(add-to-list 'load-path \"$TMP/prefix/share/emacs/site-lisp\")
	(require 'notmuch-kith)
	(notmuch-kith-setup)
	(princ (format \"%s|%s\n\" notmuch-address-command (car (notmuch-address-options \"mull\")))))" \
	>"$TMP/emacs2.out" 2>"$TMP/emacs2.err"
    test_expect_equal "$TMP/prefix/bin/notmuch-kith-address|Jürgen Müller <jurgen.muller@uni.example>" \
	"$(cat "$TMP/emacs2.out")"
else
    skip "emacs or elpa-notmuch is not installed (apt-get install emacs-nox elpa-notmuch): the notmuch-emacs tests did not run"
fi

# ------------------------------------------------------------------
# afew

if command -v afew >/dev/null 2>&1; then
    HOOKS="$MAIL_DIR/.notmuch/hooks"
    notmuch config set new.tags new
    mkdir -p "$HOME/.config/afew" "$HOOKS"
    printf '[SpamFilter]\n[InboxFilter]\n' >"$HOME/.config/afew/config"
    # afew's hook, as an afew user has it, then install-hook chains it.
    printf '#!/bin/sh\nexec afew --tag --new\n' >"$HOOKS/post-new"
    chmod 755 "$HOOKS/post-new"
    kith install-hook >/dev/null

    test_begin "afew: install-hook keeps afew's hook and runs it first"
    test_expect_equal "post-new.kith-chained exec afew --tag --new" \
	"$(ls "$HOOKS" | grep chained) $(tail -1 "$HOOKS/post-new.kith-chained")"

    stranger=$(add_message from="Bob Stranger <bob@strange.example>" subject="Hi" date=2024-05-01)
    spam=$(add_message from="Win Big <win@strange.example>" subject="Win" date=2024-05-01 header="X-Spam-Flag: YES")
    friend=$(add_message from="Julia Roberts <julia@films.example>" subject="Dinner" date=2024-05-02)
    notmuch new >"$TMP/new.out" 2>&1
    new_rc=$?
    tags_of () { notmuch search --exclude=false --output=tags "id:$1" | sort | tr '\n' ' ' | sed 's/ $//'; }

    test_begin "afew: one notmuch new runs afew's filters and kith's triage"
    test_expect_equal "0|inbox no-history|spam|inbox" \
	"$new_rc|$(tags_of "$stranger")|$(tags_of "$spam")|$(tags_of "$friend")"

    test_begin "afew: mail afew tagged spam is neither judged nor history"
    kith complete --all win >"$TMP/win"
    test_expect_equal "" "$(cat "$TMP/win")"

    test_begin "afew: contrib/afew/post-new by hand does the same"
    kith uninstall-hook >/dev/null
    install -m 755 "$CONTRIB/afew/post-new" "$HOOKS/post-new"
    stranger2=$(add_message from="Carol Cold <carol@strange.example>" subject="Hello" date=2024-05-03)
    notmuch new >"$TMP/new.out" 2>&1
    test_expect_equal "0|inbox no-history" "$?|$(tags_of "$stranger2")"

    test_begin "afew: a failing afew fails notmuch new, and kith does not run"
    printf '[SpamFilter]\n[NoSuchFilter]\n' >"$HOME/.config/afew/config"
    stranger3=$(add_message from="Dan Cold <dan@strange.example>" subject="Hello" date=2024-05-04)
    notmuch new >"$TMP/new.out" 2>&1
    rc=$?
    test_expect_equal "nonzero|new" "$([ $rc -ne 0 ] && echo nonzero)|$(tags_of "$stranger3")"
else
    skip "afew is not installed (apt-get install afew): the afew tests did not run"
fi

test_done
