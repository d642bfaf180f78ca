#!/usr/bin/env bash
# T093-complexity: what a stranger sends cannot make one more message
# cost the hook more.  Work is counted, not timed: KITH_DEBUG=work makes
# kith print the SQLite virtual-machine steps it ran, which do not
# depend on the machine.  Each flood is compared with the same mailbox
# without it: the hook's work for one more message may grow by a small
# constant, never with the flood.
#
#   same subject   FLOOD messages from one sender, one reply subject and
#                  no reply headers, 5 minutes apart (subject-only reply
#                  matching once looked at every one of them)
#   recipients     one message "from me" to FLOOD people (each of them
#                  once cost a recomputation reading every recipient)
#   thread         FLOOD messages in one thread, each from someone new
#                  (who started it was a sort of the whole thread)
#   one sender     FLOOD messages from one sender, subjects all different:
#                  others' mail costs the same; the sender's own next
#                  message is judged in one look-up, and the index's
#                  recomputation of the sender stays linear (bounded
#                  per message)
#
# And the bound on subject matching keeps "incremental == rebuild": a
# subject thread larger than the bound, delivered in shuffled batches,
# leaves the store a rebuild would.
. "$(dirname "$0")/lib.sh"

FLOOD=${KITH_FLOOD:-3000}
PYTHON=$(python3 -c 'import sys; print(sys.executable)')

# mailbox DIR: a Maildir with a little real history (a friend, a
# colleague), its notmuch config and database.
mailbox () {
    local dir=$1
    mkdir -p "$dir/mail/cur" "$dir/mail/new" "$dir/mail/tmp"
    NOTMUCH_CONFIG=$dir/config MAIL_DIR=$dir/mail write_config
    "$PYTHON" - "$dir/mail" "$ME" <<'EOF'
import sys, email.utils
mail, me = sys.argv[1], sys.argv[2]
t0 = 1700000000 - 40 * 86400
for i in range(40):
    mine = i % 2 == 0
    who = ("friend@pals.example", "colleague@work.example")[i // 20]
    h = ["From: %s" % (me if mine else who), "To: %s" % (who if mine else me),
         "Subject: %splan %d" % ("" if mine else "Re: ", i // 2),
         "Date: %s" % email.utils.formatdate(t0 + i * 3600),
         "Message-ID: <h%d@hist.example>" % i]
    if not mine:
        h.append("In-Reply-To: <h%d@hist.example>" % (i - 1))
    open("%s/cur/h%04d:2,S" % (mail, i), "w").write("\n".join(h) + "\n\nhello\n")
EOF
}

# flood_subject DIR N: N messages from flood@spam.example, all "Re:
# hello", no reply headers, 5 minutes apart, after the history.
flood_subject () {
    "$PYTHON" - "$1/mail" "$2" "$ME" <<'EOF'
import sys, email.utils
mail, n, me = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(n):
    h = ["From: Flood <flood@spam.example>", "To: %s" % me, "Subject: Re: hello",
         "Date: %s" % email.utils.formatdate(1700000000 + i * 300),
         "Message-ID: <f%d@spam.example>" % i]
    open("%s/cur/f%06d:2,S" % (mail, i), "w").write("\n".join(h) + "\n\nbuy\n")
EOF
}

# one_more DIR FROM SUBJECT: one new message, dated after any flood;
# its id is in $DIR/last-id.
one_more () {
    local n
    n=$(ls "$1/mail/new" | wc -l)
    echo "more$n.$RANDOM@new.example" >"$1/last-id"
    printf 'From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <%s>\n\nhi\n' \
	"$2" "$ME" "$3" "$(date -u -R -d @$((1700000000 + FLOOD * 300 + 600)))" "$(cat "$1/last-id")" \
	>"$1/mail/new/more$n:2,"
}

# hook_work DIR: notmuch new, then the hook; prints its SQLite steps.
hook_work () {
    NOTMUCH_CONFIG=$1/config notmuch new --quiet --no-hooks >/dev/null 2>&1
    NOTMUCH_CONFIG=$1/config KITH_DEBUG=work "$BUILD_DIR/notmuch-kith" hook 2>"$1/hook.err" >/dev/null
    sed -n 's/^kith: work: \([0-9]*\) SQLite steps.*/\1/p' "$1/hook.err" | awk '{ s += $1 } END { print s + 0 }'
}

# at_most A B: A <= 2 * B + 20000 (a small constant over the baseline).
at_most () {
    [ "$1" -le $(( 2 * $2 + 20000 )) ]
}

mailbox "$TMP/base"
mailbox "$TMP/flood"
flood_subject "$TMP/flood" "$FLOOD"
for d in base flood; do
    NOTMUCH_CONFIG=$TMP/$d/config notmuch new --quiet --no-hooks >/dev/null 2>&1
    NOTMUCH_CONFIG=$TMP/$d/config "$BUILD_DIR/notmuch-kith" index >/dev/null 2>&1
done

test_begin "KITH_DEBUG=work reports the work of a run"
one_more "$TMP/base" "Newcomer <newcomer@new.example>" "Re: hello"
base=$(hook_work "$TMP/base")
test_expect_success test "$base" -gt 0

test_begin "same-subject flood ($FLOOD): a newcomer's message on that subject costs what it costs without the flood"
one_more "$TMP/flood" "Newcomer <newcomer@new.example>" "Re: hello"
flood=$(hook_work "$TMP/flood")
at_most "$flood" "$base" && test_ok || test_fail "work $flood with the flood, $base without"

test_begin "same-subject flood: a friend's message costs what it costs without the flood"
one_more "$TMP/base" "Friend <friend@pals.example>" "Re: hello"
one_more "$TMP/flood" "Friend <friend@pals.example>" "Re: hello"
base=$(hook_work "$TMP/base")
flood=$(hook_work "$TMP/flood")
at_most "$flood" "$base" && test_ok || test_fail "work $flood with the flood, $base without"

# Judgement survives the bound: the flood's sender is still judged
# (no-history) on a new subject; on the flood's own subject it repeats a
# template (hook.c) and is not judged at all; the friend is known.
test_begin "same-subject flood: the flood's sender is judged (no-history) on a new subject, not on its template; the friend is known"
one_more "$TMP/flood" "Flood <flood@spam.example>" "Re: hello"
same=$(cat "$TMP/flood/last-id")
hook_work "$TMP/flood" >/dev/null
one_more "$TMP/flood" "Flood <flood@spam.example>" "A new offer"
hook_work "$TMP/flood" >/dev/null
test_expect_equal "0 0 1 0" "$(NOTMUCH_CONFIG=$TMP/flood/config notmuch count id:"$same" and tag:no-history) $(NOTMUCH_CONFIG=$TMP/flood/config notmuch count id:"$same" and property:kith.tag=no-history) $(NOTMUCH_CONFIG=$TMP/flood/config notmuch count id:"$(cat "$TMP/flood/last-id")" and tag:no-history) $(NOTMUCH_CONFIG=$TMP/flood/config notmuch count from:friend@pals.example and tag:no-history)"

# many_rcpts DIR N ID: a new message "from me" (forged, as a stranger
# can) to N addresses.
many_rcpts () {
    "$PYTHON" - "$1/mail" "$2" "$ME" "$3" <<'EOF'
import sys, email.utils
mail, n, me, mid = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
to = ",\n ".join("Person %d <p%d@r%d.example>" % (j, j, j % 97) for j in range(n))
h = ["From: Me Myself <%s>" % me, "To: " + to, "Subject: hello all",
     "Date: %s" % email.utils.formatdate(1700000000 + 3600), "Message-ID: <%s>" % mid]
open("%s/new/%s:2," % (mail, mid), "w").write("\n".join(h) + "\n\nhi all\n")
EOF
}

test_begin "many recipients ($FLOOD on one message): it costs the hook what a message to 5 costs"
many_rcpts "$TMP/base" 5 five@rcpts.example
base=$(hook_work "$TMP/base")
many_rcpts "$TMP/base" "$FLOOD" many@rcpts.example
many=$(hook_work "$TMP/base")
at_most "$many" "$base" && test_ok || test_fail "work $many for $FLOOD recipients, $base for 5"

test_begin "many recipients: a warning names the message and kith.max_recipients"
grep -c "many@rcpts.example.*kith.max_recipients" "$TMP/base/hook.err" >"$TMP/count" 2>&1
test_expect_equal 1 "$(cat "$TMP/count")"

test_begin "many recipients: nobody on it becomes a contact; the five are"
NOTMUCH_CONFIG=$TMP/base/config "$BUILD_DIR/notmuch-kith" who --tier=none --format=json >"$TMP/who.json" 2>&1
test_expect_equal "0 5" "$(grep -c '"p7@r7.example"' "$TMP/who.json") $(grep -o '"p[0-4]@r[0-4].example"' "$TMP/who.json" | sort -u | wc -l)"

test_begin "kith.max_recipients raised: the store is mined again and all $FLOOD are contacts"
NOTMUCH_CONFIG=$TMP/base/config notmuch config set kith.max_recipients $((FLOOD + 1))
NOTMUCH_CONFIG=$TMP/base/config "$BUILD_DIR/notmuch-kith" index >/dev/null 2>&1
NOTMUCH_CONFIG=$TMP/base/config "$BUILD_DIR/notmuch-kith" who --tier=none --format=json >"$TMP/who.json" 2>&1
test_expect_equal "1" "$(grep -c '"p7@r7.example"' "$TMP/who.json")"

test_begin "kith.max_recipients below a crowd (7) or not a number: an error naming the key"
NOTMUCH_CONFIG=$TMP/base/config notmuch config set kith.max_recipients 7
NOTMUCH_CONFIG=$TMP/base/config "$BUILD_DIR/notmuch-kith" who >/dev/null 2>"$TMP/err7"
rc7=$?
NOTMUCH_CONFIG=$TMP/base/config notmuch config set kith.max_recipients lots
NOTMUCH_CONFIG=$TMP/base/config "$BUILD_DIR/notmuch-kith" who >/dev/null 2>"$TMP/errlots"
test_expect_equal "1 1 1 1" "$rc7 $? $(grep -c kith.max_recipients "$TMP/err7") $(grep -c kith.max_recipients "$TMP/errlots")"
NOTMUCH_CONFIG=$TMP/base/config notmuch config set kith.max_recipients

# thread_flood DIR N: a thread of N messages, each from someone new,
# each replying to the one before.  thread_reply DIR ID: a newcomer's
# reply to the last of them (or, with N 1, to the only one).
thread_flood () {
    "$PYTHON" - "$1/mail" "$2" "$ME" <<'EOF'
import sys, email.utils
mail, n, me = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(n):
    h = ["From: Poster %d <poster%d@thread.example>" % (i, i), "To: %s" % me,
         "Subject: Re: long thread", "Date: %s" % email.utils.formatdate(1690000000 + i * 60),
         "Message-ID: <t%d@thread.example>" % i]
    if i:
        h += ["In-Reply-To: <t%d@thread.example>" % (i - 1), "References: <t0@thread.example> <t%d@thread.example>" % (i - 1)]
    open("%s/cur/t%06d:2,S" % (mail, i), "w").write("\n".join(h) + "\n\nmore\n")
EOF
}
thread_reply () {
    printf 'From: Newcomer <late@thread.example>\nTo: %s\nSubject: Re: long thread\nDate: %s\nMessage-ID: <%s>\nIn-Reply-To: <t%d@thread.example>\nReferences: <t0@thread.example> <t%d@thread.example>\n\nme too\n' \
	"$ME" "$(date -u -R -d @1699000000)" "$2" "$(($3 - 1))" "$(($3 - 1))" >"$1/mail/new/$2:2,"
}

mailbox "$TMP/thread"
thread_flood "$TMP/thread" "$FLOOD"
thread_flood "$TMP/base" 1
for d in base thread; do
    NOTMUCH_CONFIG=$TMP/$d/config notmuch new --quiet --no-hooks >/dev/null 2>&1
    NOTMUCH_CONFIG=$TMP/$d/config "$BUILD_DIR/notmuch-kith" index >/dev/null 2>&1
done
test_begin "a $FLOOD-message thread: a reply into it costs what a reply into a one-message thread costs"
thread_reply "$TMP/base" late1@thread.example 1
base=$(hook_work "$TMP/base")
thread_reply "$TMP/thread" late1@thread.example "$FLOOD"
long=$(hook_work "$TMP/thread")
at_most "$long" "$base" && test_ok || test_fail "work $long in the long thread, $base in a short one"

# one_sender DIR N: N messages from one sender, each its own subject,
# 5 minutes apart, none answered.
one_sender () {
    "$PYTHON" - "$1/mail" "$2" "$ME" <<'EOF'
import sys, email.utils
mail, n, me = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(n):
    h = ["From: Pest <pest@spam.example>", "To: %s" % me, "Subject: offer %d" % i,
         "Date: %s" % email.utils.formatdate(1680000000 + i * 300),
         "Message-ID: <o%d@pest.example>" % i]
    open("%s/cur/o%06d:2,S" % (mail, i), "w").write("\n".join(h) + "\n\nbuy\n")
EOF
}
mailbox "$TMP/sender"
one_sender "$TMP/sender" "$FLOOD"
NOTMUCH_CONFIG=$TMP/sender/config notmuch new --quiet --no-hooks >/dev/null 2>&1
NOTMUCH_CONFIG=$TMP/sender/config "$BUILD_DIR/notmuch-kith" index >/dev/null 2>&1

test_begin "one sender's $FLOOD messages: a friend's next message costs what it costs without them"
one_more "$TMP/base" "Friend <friend@pals.example>" "Re: plan 1"
base=$(hook_work "$TMP/base")
one_more "$TMP/sender" "Friend <friend@pals.example>" "Re: plan 1"
flood=$(hook_work "$TMP/sender")
at_most "$flood" "$base" && test_ok || test_fail "work $flood with the flood, $base without"

# The sender's own next message: judging it is one look-up (a sender I
# never wrote to nor heard back from has no history before any date),
# and the index adds it to their stored one-way history (aggr.c: one
# more message of a one-way sender) instead of computing it again from
# all their mail (once 267, then 105 steps a message of theirs).
test_begin "one sender's $FLOOD messages: their next one costs what a newcomer's first costs"
one_more "$TMP/base" "Pest <pest@spam.example>" "offer again"
base=$(hook_work "$TMP/base")
one_more "$TMP/sender" "Pest <pest@spam.example>" "offer again"
own=$(hook_work "$TMP/sender")
at_most "$own" "$base" && test_ok || test_fail "work $own after $FLOOD messages of theirs, $base for a newcomer"
echo "# the sender's next message: $own steps after $FLOOD messages of theirs, $base for a newcomer's first"

# older DIR FROM DATE: like one_more, dated DATE (seconds).
older () {
    local n
    n=$(ls "$1/mail/new" | wc -l)
    printf 'From: %s\nTo: %s\nSubject: old %s\nDate: %s\nMessage-ID: <old%s.%s@new.example>\n\nhi\n' \
	"$2" "$ME" "$n" "$(date -u -R -d @"$3")" "$n" "$RANDOM" >"$1/mail/new/old$n:2,"
}
test_begin "one sender's $FLOOD messages: one of theirs dated years before the rest costs the same"
older "$TMP/base" "Pest <pest@spam.example>" 1500000000
base=$(hook_work "$TMP/base")
older "$TMP/sender" "Pest <pest@spam.example>" 1500000000
own=$(hook_work "$TMP/sender")
at_most "$own" "$base" && test_ok || test_fail "work $own after $FLOOD messages of theirs, $base for a newcomer"

# Mail forged in the name of someone I correspond with: their history is
# two-way, so the index computes it again from all their mail (linear,
# README: Reliability), but judging it is one look-up of my mail to
# them (someone I wrote to before is no stranger), not a second
# computation of their history (once about 80 steps a message of theirs).
mailbox "$TMP/forged"
"$PYTHON" - "$TMP/forged/mail" "$FLOOD" "$ME" <<'EOF'
import sys, email.utils
mail, n, me = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(n):
    h = ["From: Friend <friend@pals.example>", "To: %s" % me, "Subject: forged %d" % i,
         "Date: %s" % email.utils.formatdate(1690000000 + i * 300),
         "Message-ID: <g%d@forged.example>" % i]
    open("%s/cur/g%06d:2,S" % (mail, i), "w").write("\n".join(h) + "\n\nbuy\n")
EOF
NOTMUCH_CONFIG=$TMP/forged/config notmuch new --quiet --no-hooks >/dev/null 2>&1
NOTMUCH_CONFIG=$TMP/forged/config "$BUILD_DIR/notmuch-kith" index >/dev/null 2>&1
test_begin "$FLOOD messages forged in a friend's name: the next one costs at most 120 steps per message of theirs, and is not no-history"
one_more "$TMP/forged" "Friend <friend@pals.example>" "one more"
own=$(hook_work "$TMP/forged")
if [ "$own" -le $(( 120 * FLOOD + 20000 )) ] &&
    [ "$(NOTMUCH_CONFIG=$TMP/forged/config notmuch count id:"$(cat "$TMP/forged/last-id")" and tag:no-history)" = 0 ]; then
    test_ok
else
    test_fail "work $own for $FLOOD messages"
fi
echo "# a friend's next message after $FLOOD forged in their name: $own steps"

# Incremental == rebuild across the subject bound: 120 messages of one
# subject between me and two people (mine and theirs interleaved, some
# an hour apart, some in the same second), delivered in shuffled
# batches of 30 with an incremental index after each; then the store
# must dump as a rebuild does.
mailbox "$TMP/inc"
"$PYTHON" - "$TMP/inc" "$ME" <<'EOF'
import sys, os, random, email.utils
d, me = sys.argv[1], sys.argv[2]
os.makedirs(d + "/held", exist_ok=True)
rnd = random.Random(93)
files = []
for i in range(120):
    mine = rnd.random() < 0.5
    who = rnd.choice(["ann@a.example", "bob@b.example"])
    date = 1700000000 + (i // 3) * 3600  # three at a time share a second
    h = ["From: %s" % (me if mine else who), "To: %s" % (who if mine else me),
         "Subject: %s" % rnd.choice(["Re: budget", "RE: Budget", "budget"]),
         "Date: %s" % email.utils.formatdate(date), "Message-ID: <b%d@inc.example>" % i]
    files.append(("b%04d:2,S" % i, "\n".join(h) + "\n\nnumbers\n"))
rnd.shuffle(files)
for k, (name, text) in enumerate(files):
    os.makedirs("%s/held/%d" % (d, k // 30), exist_ok=True)
    open("%s/held/%d/%s" % (d, k // 30, name), "w").write(text)
EOF
{ cat "$TMP/inc/config"; printf '\n[kith]\nstore=%s\n' "$TMP/inc/rebuilt.db"; } >"$TMP/inc/config-b"
for batch in 0 1 2 3; do
    mv "$TMP/inc/held/$batch/"* "$TMP/inc/mail/cur/"
    NOTMUCH_CONFIG=$TMP/inc/config notmuch new --quiet --no-hooks >/dev/null 2>&1
    NOTMUCH_CONFIG=$TMP/inc/config "$BUILD_DIR/notmuch-kith" index >/dev/null 2>&1
done
NOTMUCH_CONFIG=$TMP/inc/config-b "$BUILD_DIR/notmuch-kith" index >/dev/null 2>&1
test_begin "a subject thread beyond the bound, in shuffled batches: incremental == rebuild"
"$PYTHON" "$TESTS_DIR/store-dump.py" "$TMP/inc/mail/.notmuch/kith.db" >"$TMP/inc/dump-a" 2>&1
"$PYTHON" "$TESTS_DIR/store-dump.py" "$TMP/inc/rebuilt.db" >"$TMP/inc/dump-b" 2>&1
test_expect_equal_file "$TMP/inc/dump-b" "$TMP/inc/dump-a"

test_begin "... and the thread made replies: ann and bob each have a conversation with me"
NOTMUCH_CONFIG=$TMP/inc/config "$BUILD_DIR/notmuch-kith" show --format=json ann@a.example >"$TMP/inc/ann.json" 2>&1
test_expect_success "$PYTHON" -c 'import json, sys
c = json.load(open(sys.argv[1]))
c = c[0] if isinstance(c, list) else c
sys.exit(0 if c["replies_from"] + c["replies_to"] > 0 else 1)' "$TMP/inc/ann.json"

# One-way senders' mail added message by message equals a rebuild:
# names that change, automated mail, mail naming me only in Cc or not at
# all, a crowd's, months crossed, dates out of order or missing, one
# reply to mine, and a sender I answer (after which their history is
# two-way and computed in full).  Batches in order, an incremental index
# after each and a rebuild to compare with.
mailbox "$TMP/ow"
"$PYTHON" - "$TMP/ow" "$ME" <<'EOF'
import sys, os, email.utils
d, me = sys.argv[1], sys.argv[2]
day = 86400
t0 = 1700000000
batches = [[] for _ in range(5)]
def msg(batch, mid, frm, date, to=None, cc=None, extra=()):
    h = ["From: %s" % frm, "To: %s" % (to or me), "Subject: note %s" % mid,
         "Message-ID: <%s@ow.example>" % mid]
    if date is not None:
        h.append("Date: %s" % email.utils.formatdate(date))
    if cc:
        h.append("Cc: %s" % cc)
    h += list(extra)
    batches[batch].append((mid, "\n".join(h) + "\n\nhello\n"))
crowd = ", ".join("p%d@crowd.example" % i for i in range(9))
names = ["Pest <pest@spam.example>", "P. Est <pest@spam.example>", "Pest <pest@spam.example>",
         "pest@spam.example", "Zed <pest@spam.example>"]
for b in range(5):
    base = t0 + b * 20 * day
    msg(b, "pest%d" % b, names[b], base + 3600)
    msg(b, "pestold%d" % b, "Pest <pest@spam.example>", base - 400 * day + b * 3 * day)
    msg(b, "bulk%d" % b, "Editor <editor@letters.example>", base + 7200,
        extra=["Precedence: bulk", "List-Unsubscribe: <mailto:u@bulk.example>"] if b < 3 else [])
    msg(b, "cc%d" % b, "Carol <carol@cc.example>", base + 9000, to="dan@cc.example",
        cc=me if b % 2 == 0 else None)
    msg(b, "crowd%d" % b, "Crowd <crowd@many.example>", base + 10000, cc=crowd)
    msg(b, "ann%d" % b, "Ann <ann@answered.example>", base + 12000)
msg(1, "nodate", "Pest <pest@spam.example>", None)
# a reply to my message, and a sender I answer in batch 3
msg(0, "mine0", "Me <%s>" % me, t0 - day, to="rita@reply.example")
msg(2, "rita0", "Rita <rita@reply.example>", t0 + 41 * day, extra=["In-Reply-To: <mine0@ow.example>"])
msg(3, "toann", "Me <%s>" % me, t0 + 61 * day, to="ann@answered.example",
    extra=["In-Reply-To: <ann3@ow.example>"])
for b, batch in enumerate(batches):
    os.makedirs("%s/held/%d" % (d, b), exist_ok=True)
    for mid, text in batch:
        open("%s/held/%d/%s:2,S" % (d, b, mid), "w").write(text)
EOF
{ cat "$TMP/ow/config"; printf '\n[kith]\nstore=%s\n' "$TMP/ow/rebuilt.db"; } >"$TMP/ow/config-b"
same=""
for batch in 0 1 2 3 4; do
    mv "$TMP/ow/held/$batch/"* "$TMP/ow/mail/cur/"
    NOTMUCH_CONFIG=$TMP/ow/config notmuch new --quiet --no-hooks >/dev/null 2>&1
    NOTMUCH_CONFIG=$TMP/ow/config "$BUILD_DIR/notmuch-kith" index >/dev/null 2>&1
    rm -f "$TMP/ow/rebuilt.db"*
    NOTMUCH_CONFIG=$TMP/ow/config-b "$BUILD_DIR/notmuch-kith" index >/dev/null 2>&1
    "$PYTHON" "$TESTS_DIR/store-dump.py" -o "$TMP/ow/dump-a$batch" "$TMP/ow/mail/.notmuch/kith.db" \
	-o "$TMP/ow/dump-b$batch" "$TMP/ow/rebuilt.db" >/dev/null 2>&1
    cmp -s "$TMP/ow/dump-a$batch" "$TMP/ow/dump-b$batch" && same="$same $batch"
done
test_begin "one-way senders' mail, batch by batch: incremental == rebuild after every batch"
test_expect_equal " 0 1 2 3 4" "$same"

test_begin "... and that history is what it should be: Pest's count, name and months; the newsletter no longer automated once it writes plainly"
NOTMUCH_CONFIG=$TMP/ow/config "$BUILD_DIR/notmuch-kith" show --format=json pest@spam.example >"$TMP/ow/pest.json" 2>&1
NOTMUCH_CONFIG=$TMP/ow/config "$BUILD_DIR/notmuch-kith" show --format=json editor@letters.example >"$TMP/ow/news.json" 2>&1
test_expect_success "$PYTHON" -c 'import json, sys
p, n = (json.load(open(f)) for f in sys.argv[1:3])
p = p[0] if isinstance(p, list) else p
n = n[0] if isinstance(n, list) else n
print(p.get("received"), p.get("name"), p.get("months"), n.get("automated"))
sys.exit(0 if (p["received"], p["name"], n["automated"]) == (11, "Pest", False) and p["months"] >= 4 else 1)' "$TMP/ow/pest.json" "$TMP/ow/news.json"

test_done
