#!/usr/bin/env bash
# T096-injection: addresses, names, subjects and tag names are data,
# never code.  People whose addresses and names hold quotes,
# parentheses, and/or/not, '*', '%', '_', newlines and escapes, SQL
# (DROP TABLE) and shell ($(...), backticks, |, &) go through index,
# who, show, the hook, tag and requests: no file is created, every
# lookup finds exactly the right person, the store stays sound, and
# the store files are 0600 whatever the umask.  The source itself runs
# no shell, system(), popen() or spawn with message data and builds no
# SQL from it (checked below by grep: SQL is only ever literal text and
# bound parameters).
. "$(dirname "$0")/lib.sh"

write_config
STORE=$MAIL_DIR/.notmuch/kith.db
mkdir -p "$TMP/work"
cd "$TMP/work" || exit 1

# ADDRESS|FROM HEADER VALUE, one per line: people I have real history with.
cat >"$TMP/people" <<'EOF2'
bobby.tables@evil.example|"Robert'); DROP TABLE contact; --" <bobby.tables@evil.example>
`touch${IFS}pwned1`@evil.example|"$(touch pwned2) `touch pwned3`" <`touch${IFS}pwned1`@evil.example>
a*b@evil.example|"Star * Wildcard" <a*b@evil.example>
and@or.example|"not \"quoted\" (and) or" <and@or.example>
o'neil@evil.example|"O'Neil %s%n%x" <o'neil@evil.example>
100%_sure@evil.example|"Percent_Under" <100%_sure@evil.example>
esc@evil.example|=?utf-8?Q?Esc=1B=5D0=3Bpwned4=07_Line=0ANext?= <esc@evil.example>
EOF2
n=0
while IFS='|' read -r addr from; do
    n=$((n + 1))
    a=$(add_message from="$from" subject="Hello \$(touch pwned5) $n" date="2023-0$n-01")
    m=$(add_message from="Me Myself <$ME>" to="$from" subject="Re: Hello $n" reply="$a" date="2023-0$n-02")
    add_message from="$from" subject="Re: Hello $n" reply="$m" date="2023-0$n-03" >/dev/null
done <"$TMP/people"
# Someone I know, to tell a query that matches everything from one that
# matches the right person.
a=$(add_message from="Plain Person <plain@good.example>" subject="Hi" date=2023-09-01)
m=$(add_message from="Me Myself <$ME>" to="plain@good.example" subject="Re: Hi" reply="$a" date=2023-09-02)
notmuch_new
kith index >"$TMP/index.out" 2>&1

test_begin "index of hostile addresses and names: exit 0, nothing on stderr"
test_expect_equal "0 " "$? $(cat "$TMP/index.out")"

test_begin "who lists exactly the hostile people (and Plain Person), addresses intact"
kith who --all --format=json >"$TMP/who.json"
python3 - "$TMP/who.json" "$TMP/people" >"$TMP/who.check" <<'PY'
import json, sys
who = sorted(c["address"] for c in json.load(open(sys.argv[1])) if c["tier"] != "none")
want = sorted([l.split("|")[0].lower() for l in open(sys.argv[2]).read().splitlines()] + ["plain@good.example"])
print("same" if who == want else "who %s want %s" % (who, want))
PY
test_expect_equal "same" "$(cat "$TMP/who.check")"

test_begin "show each hostile address: exit 0, that very contact"
fails=""
while IFS='|' read -r addr from; do
    kith show --format=json "$addr" >"$TMP/show.json" 2>"$TMP/show.err" || fails="$fails [$addr: exit $?]"
    got=$(json_eval "$TMP/show.json" "j['address']" 2>/dev/null)
    # (kith lower-cases addresses: ${IFS} is ${ifs})
    [ "$got" = "${addr,,}" ] || fails="$fails [$addr: got $got]"
done <"$TMP/people"
test_expect_equal "" "$fails"

test_begin "show by the SQL name finds Robert, by the star name finds a*b"
kith show --format=json "Robert'); DROP TABLE contact; --" >"$TMP/s1.json" 2>&1
kith show --format=json "Star * Wildcard" >"$TMP/s2.json" 2>&1
test_expect_equal "bobby.tables@evil.example a*b@evil.example" \
    "$(json_eval "$TMP/s1.json" "j['address']" 2>&1) $(json_eval "$TMP/s2.json" "j['address']" 2>&1)"

test_begin "show '*', show '%', show '_' and show \"' OR 1=1 --\" match nobody (exit 1)"
codes=""
for q in '*' '%' '_' "' OR 1=1 --" '%" --' 'a*' '%@evil.example'; do
    kith show "$q" >/dev/null 2>&1
    codes="$codes$?"
done
test_expect_equal "1111111" "$codes"

test_begin "names lose their control characters: no escape, no newline in who or show"
kith who --all >"$TMP/who.txt"
kith show esc@evil.example >"$TMP/show-esc.txt"
test_expect_equal "0 0 1" "$(grep -c $'\e' "$TMP/who.txt" "$TMP/show-esc.txt" | awk -F: '{s += $2} END {print s}') \
$(grep -c $'\a' "$TMP/who.txt" | head -1) $(grep -c 'Esc \]0;pwned4 Line Next' "$TMP/show-esc.txt" | sed 's/^[1-9][0-9]*$/1/')"

# The hook, with a request tag whose name is a query of its own.
notmuch config set kith.tag.request 'req"x"(or)*'
kith install-hook >/dev/null
while IFS='|' read -r addr from; do
    add_message from="$from" subject="Again \`touch pwned6\` and \$(touch pwned7)" date=2024-02-01 >/dev/null
done <"$TMP/people"
cold=$(add_message from='"Cold $(touch pwned8)" <x|rm-rf&@cold.example>' subject='; rm -rf / #' date=2024-02-02)
invite=$(add_message from="\"Robert'); DROP TABLE contact; -- via LinkedIn\" <invitations@linkedin.com>" \
    subject="Robert'); DROP TABLE contact; -- wants to connect" date=2024-02-03 \
    header='X-LinkedIn-Class: INVITATION\nList-Unsubscribe: <mailto:unsub@linkedin.com>')
notmuch new --quiet 2>"$TMP/hook.err"
hook_rc=$?

test_begin "the hook over hostile mail: exit 0, nothing on stderr"
test_expect_equal "0 " "$hook_rc $(cat "$TMP/hook.err")"

test_begin "the hook: the hostile people I know are not no-history; the cold one is"
test_expect_equal "0 1" "$(notmuch count -- tag:no-history and subject:Again) $(notmuch count -- tag:no-history and "id:$cold")"

test_begin "the hook: the invitation carries the odd request tag and the verdict known (Robert)"
test_expect_equal "1 known bobby.tables@evil.example" \
    "$(notmuch count -- 'tag:"req""x""(or)*"') $(notmuch dump --include=properties "id:$invite" |
	python3 -c 'import sys, urllib.parse
p = dict(urllib.parse.unquote(x).split("=", 1) for l in sys.stdin if l.startswith("#=") for x in l.split()[2:])
print(p.get("kith.verdict"), p.get("kith.match"))')"

test_begin "requests --all (a query built from that tag name) lists exactly the one invitation"
kith requests --all --format=json >"$TMP/req.json" 2>"$TMP/req.err"
test_expect_equal "0 1" "$? $(json_eval "$TMP/req.json" "len(j)" 2>&1)"

test_begin "kith tag over everything: exit 0; tags the invitation again, nothing else request"
kith tag '*' >"$TMP/tag.out" 2>&1
test_expect_equal "0 1" "$? $(notmuch count -- 'tag:"req""x""(or)*"')"

test_begin "the store is sound (status runs quick_check) and every table is there"
kith status >/dev/null 2>"$TMP/status.err"
test_expect_equal "0 contact contact_name contact_word message meta recipient" \
    "$? $(python3 -c 'import sqlite3, sys; print(" ".join(r[0] for r in sqlite3.connect(sys.argv[1]).execute("SELECT name FROM sqlite_master WHERE type = \"table\" ORDER BY name")))' "$STORE")"

test_begin "no file named pwned* was created anywhere (shell, backticks, \$(...) never ran)"
test_expect_equal "" "$(find "$TMP" "$SRC_DIR" /tmp -maxdepth 3 -name 'pwned*' 2>/dev/null | head -3)"

# modes: the modes of the store, its -wal and its -shm while a reader
# holds it open (they exist then).
modes () {
    python3 -c 'import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("SELECT count(*) FROM contact").fetchone()
print(" ".join("%o" % (os.stat(sys.argv[1] + s).st_mode & 0o777) for s in ("", "-wal", "-shm")))' "$STORE" 2>&1
}
test_begin "store, -wal and -shm are 0600, also when rebuilt under umask 000"
before=$(modes)
(umask 000; "$BUILD_DIR/notmuch-kith" index --rebuild >/dev/null 2>&1)
test_expect_equal "600 600 600 | 600 600 600" "$before | $(modes)"

test_begin "source: no system(), popen(), g_spawn or exec but 'man' with constant arguments"
# Both run man on a page name built from a verb name: 'man -w PAGE'
# (is it installed?), then 'man PAGE'.
test_expect_equal "plugin/cli.c: if (! g_spawn_sync (NULL, (char **) where, NULL,
plugin/cli.c: execlp (\"man\", \"man\", page, (char *) NULL);" \
    "$(cd "$SRC_DIR" && grep -n -E '\b(system|popen|execl|execlp|execle|execv|execvp|execve|g_spawn_(sync|async[a-z_]*|command_line[a-z_]*))[[:space:]]*\(' plugin/*.c include/*.h |
	sed 's/:[0-9]*:[[:space:]]*/: /')"

test_begin "source: SQL is never built with printf but from the constant column list; no sqlite3_mprintf"
# Every printf-like call whose format holds SQL, with its arguments
# (up to the end of the statement): the only argument allowed is the
# constant KITH_CONTACT_COLUMNS, and the integer (clamped) of the
# index run's cache_size pragma, which takes no bound parameter.
sql_printf=$(cd "$SRC_DIR" && python3 - <<'PY'
import glob, re
for path in sorted(glob.glob("plugin/*.c")):
    text = open(path).read()
    for m in re.finditer(r'\b(g_strdup_printf|g_string_append_printf|g_string_printf|sqlite3_v?s?n?mprintf|snprintf|sprintf)\s*\(([^;]*);', text):
        call = m.group(2)
        if re.search(r'"[^"]*\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|PRAGMA)\b', call):
            args = re.sub(r'"(?:[^"\\]|\\.)*"', "", call)
            print(path, " ".join(re.findall(r'[A-Za-z_][A-Za-z_0-9>.-]*', args)))
PY
)
test_expect_equal "plugin/index.c G_GINT64_FORMAT CLAMP kb
plugin/store.c KITH_CONTACT_COLUMNS
0" "$sql_printf
$(cd "$SRC_DIR" && cat plugin/*.c | grep -c 'sqlite3_[vs]*n*mprintf')"

test_done
