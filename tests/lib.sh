# tests/lib.sh - shared setup for kith's shell tests (sourced)
#
# Each tests/T<NNN>-<topic>.sh script sources this file, then:
#
#   test_begin "what this subtest shows"
#   ... commands writing to files, never piping the tested binary ...
#   test_expect_equal "$expected" "$actual"        (or _file A B, or test_ok/test_fail)
#   ...
#   test_done
#
# Every script gets its own temporary directory $TMP with HOME, the
# Maildir $MAIL_DIR and NOTMUCH_CONFIG inside it; NOTMUCH_PROFILE,
# NOTMUCH_DATABASE and XDG_* are unset, TZ is UTC, and the build
# directory comes first on PATH so that `notmuch kith` finds the
# notmuch-kith under test.  Output is TAP.

set -u

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=$(dirname "$TESTS_DIR")
BUILD_DIR=$(cd "$SRC_DIR/${BUILD:-build}" && pwd)
TEST_NAME=$(basename "$0" .sh)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kith-$TEST_NAME.XXXXXX")
trap 'if [ "${KITH_KEEP_TMP:-}" ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi' EXIT

export HOME="$TMP/home"
export MAIL_DIR="$TMP/mail"
export NOTMUCH_CONFIG="$HOME/.notmuch-config"
unset NOTMUCH_PROFILE NOTMUCH_DATABASE XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME
unset XDG_RUNTIME_DIR MAILDIR
export TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8
export PATH="$BUILD_DIR:$PATH"
mkdir -p "$HOME" "$MAIL_DIR/cur" "$MAIL_DIR/new" "$MAIL_DIR/tmp"

ME=me@example.org
ME2=me.work@example.net

test_count=0
test_failed=0
test_subject=""

test_begin () {
    test_subject="$1"
}

test_ok () {
    test_count=$((test_count + 1))
    echo "ok $test_count - $test_subject"
}

# test_fail [DETAIL...]
test_fail () {
    test_count=$((test_count + 1))
    test_failed=$((test_failed + 1))
    echo "not ok $test_count - $test_subject"
    local line
    for line in "$@"; do
	printf '%s\n' "$line" | sed 's/^/# /'
    done
}

# test_expect_equal EXPECTED ACTUAL
test_expect_equal () {
    if [ "$1" = "$2" ]; then
	test_ok
    else
	test_fail "expected: $1" "actual:   $2"
    fi
}

# test_expect_equal_file EXPECTED-FILE ACTUAL-FILE
test_expect_equal_file () {
    if cmp -s "$1" "$2"; then
	test_ok
    else
	test_fail "$(diff -u "$1" "$2" | head -40)"
    fi
}

# test_expect_success COMMAND...: the command exits 0.
test_expect_success () {
    if "$@" >"$TMP/stdout" 2>"$TMP/stderr"; then
	test_ok
    else
	test_fail "command failed ($?): $*" "$(head -20 "$TMP/stderr")"
    fi
}

test_done () {
    echo "1..$test_count"
    [ "$test_failed" -eq 0 ]
}

# kith ARGS...: run the notmuch-kith under test (under valgrind when
# KITH_VALGRIND=1, failing with status 126 on any valgrind report).
kith () {
    if [ "${KITH_VALGRIND:-}" = 1 ]; then
	valgrind -q --error-exitcode=126 --leak-check=full --errors-for-leak-kinds=definite \
	    --suppressions="$TESTS_DIR/valgrind.supp" "$BUILD_DIR/notmuch-kith" "$@"
    else
	"$BUILD_DIR/notmuch-kith" "$@"
    fi
}

# write_config: a notmuch config for $MAIL_DIR, me = $ME and $ME2.
write_config () {
    cat >"$NOTMUCH_CONFIG" <<CONF
[database]
path=$MAIL_DIR
[user]
name=Me Myself
primary_email=$ME
other_email=$ME2
[new]
tags=inbox;unread;
ignore=
[search]
exclude_tags=deleted;spam;
[maildir]
synchronize_flags=false
CONF
}

msg_counter=0

# add_message [key=value]...: write one message into the Maildir.
#   from to cc bcc subject date (RFC 5322 or "YYYY-MM-DD") id (without <>)
#   reply (message-id it replies to: In-Reply-To and References)
#   list (a list id: adds List-Id/List-Post, Precedence: list)
#   header (one extra raw header line; may be given several times
#   separated by a literal \n) body folder (a Maildir subfolder)
# Prints the message id.
add_message () {
    local from="Someone <someone@example.com>" to="$ME" cc="" bcc="" subject="Hello"
    local date="2024-01-15" id="" reply="" list="" header="" body="Hello there." folder=""
    local kv
    for kv in "$@"; do
	case "$kv" in
	from=*) from=${kv#from=} ;;
	to=*) to=${kv#to=} ;;
	cc=*) cc=${kv#cc=} ;;
	bcc=*) bcc=${kv#bcc=} ;;
	subject=*) subject=${kv#subject=} ;;
	date=*) date=${kv#date=} ;;
	id=*) id=${kv#id=} ;;
	reply=*) reply=${kv#reply=} ;;
	list=*) list=${kv#list=} ;;
	header=*) header=${kv#header=} ;;
	body=*) body=${kv#body=} ;;
	folder=*) folder=${kv#folder=} ;;
	*) echo "add_message: bad argument $kv" >&2; return 1 ;;
	esac
    done
    # add_message usually runs in $(...): keep the counter in a file.
    msg_counter=$(($(cat "$TMP/.msg-counter" 2>/dev/null || echo 0) + 1))
    echo "$msg_counter" >"$TMP/.msg-counter"
    [ -n "$id" ] || id="msg-$msg_counter@test.example"
    case "$date" in
    [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) date=$(date -u -d "$date 12:00:00" -R) ;;
    esac
    local dir="$MAIL_DIR${folder:+/$folder}"
    mkdir -p "$dir/cur" "$dir/new" "$dir/tmp"
    {
	printf 'From: %s\n' "$from"
	[ -n "$to" ] && printf 'To: %s\n' "$to"
	[ -n "$cc" ] && printf 'Cc: %s\n' "$cc"
	[ -n "$bcc" ] && printf 'Bcc: %s\n' "$bcc"
	printf 'Subject: %s\n' "$subject"
	printf 'Date: %s\n' "$date"
	printf 'Message-ID: <%s>\n' "$id"
	if [ -n "$reply" ]; then
	    printf 'In-Reply-To: <%s>\nReferences: <%s>\n' "$reply" "$reply"
	fi
	if [ -n "$list" ]; then
	    printf 'List-Id: <%s>\nList-Post: <mailto:%s>\nPrecedence: list\n' "$list" "$list"
	fi
	[ -n "$header" ] && printf '%b\n' "$header"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n%s\n' "$body"
    } >"$dir/cur/$(printf '%06d' $msg_counter).test:2,S"
    printf '%s\n' "$id"
}

# has NAME TEXT...: "yes" if $TMP/NAME.err (the stderr a test kept of a
# command it called NAME) contains every TEXT (fixed strings), else
# that stderr itself, for the test's report.
has () {
    local name=$1 t
    shift
    for t in "$@"; do
	grep -q -F -- "$t" "$TMP/$name.err" || { echo "stderr: $(cat "$TMP/$name.err")"; return; }
    done
    echo yes
}

# generated_mailbox ARGS...: tests/gen-mailbox ARGS into $TMP/gen,
# indexed by notmuch; sets GEN, TRUTH and NOTMUCH_CONFIG, and PYTHON to
# the real interpreter (not a slow pyenv-style shim, for many calls).
# Bails out of the test when either step fails.
generated_mailbox () {
    local start
    start=$(date +%s)
    PYTHON=$(python3 -c 'import sys; print(sys.executable)')
    GEN="$TMP/gen"
    "$PYTHON" "$TESTS_DIR/gen-mailbox" "$@" "$GEN" >"$TMP/gen.out" 2>&1 ||
	{ echo "Bail out! gen-mailbox failed: $(head -5 "$TMP/gen.out")"; exit 1; }
    export NOTMUCH_CONFIG="$GEN/notmuch-config"
    TRUTH="$GEN/truth.tsv"
    notmuch_new || { echo "Bail out! notmuch new failed"; exit 1; }
    echo "# generated and indexed by notmuch in $(($(date +%s) - start)) s"
}

# notmuch_new: index new mail quietly (fails the caller on error).
notmuch_new () {
    notmuch new --quiet "$@"
}

# who_facts FILE: `who --format=json` output FILE, one contact a line,
# without its score: a score's recency term follows the clock, so two
# runs seconds apart may differ in its last printed decimal; everything
# else (the people, their order, tiers and counts) must not.
who_facts () {
    python3 -c 'import json, sys
for c in json.load(open(sys.argv[1])):
    c.pop("score", None)
    print(json.dumps(c, ensure_ascii=False, sort_keys=True))' "$1"
}

# json_get FILE PYTHON-EXPRESSION: evaluate an expression over the
# parsed JSON in variable j (python3 is a test dependency).
# monthly_exchanges ADDRESS NAME N: N conversations a month apart from 2024-01
# (they write, I reply, they reply), each directly between us.
monthly_exchanges () {
    local a m i
    for i in $(seq 1 "$3"); do
	a=$(add_message from="$2 <$1>" subject="Plan $i from $2" date="2024-0$i-03")
	m=$(add_message from="Me Myself <$ME>" to="$2 <$1>" subject="Re: Plan $i from $2" reply="$a" date="2024-0$i-04")
	add_message from="$2 <$1>" subject="Re: Plan $i from $2" reply="$m" date="2024-0$i-05" >/dev/null
    done
}

json_eval () {
    python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"
}
