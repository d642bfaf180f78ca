#!/usr/bin/env bash
# T020-properties: the properties of the score, through the real
# pipeline (hand-written mail -> notmuch new -> kith index -> who/show).
#
# Each property gets its own mailbox (new_mailbox), so that one
# property's mail can never make another's pass or fail.
. "$(dirname "$0")/lib.sh"

# new_mailbox NAME: a fresh Maildir, notmuch config and database (me =
# $ME and $ME2, exclude_tags deleted;spam) for the commands that follow.
new_mailbox () {
    MAIL_DIR="$TMP/$1/mail"
    NOTMUCH_CONFIG="$TMP/$1/notmuch-config"
    export MAIL_DIR NOTMUCH_CONFIG
    mkdir -p "$MAIL_DIR/cur" "$MAIL_DIR/new" "$MAIL_DIR/tmp"
    write_config
}

# reindex: notmuch new, then an incremental kith index whose JSON
# report is left in $TMP/index.json.  Returns kith's status.
reindex () {
    notmuch_new && kith index --format=json >"$TMP/index.json" 2>"$TMP/index.err"
}

# who_all: refresh $TMP/who.json (every contact, tier none included)
# and $TMP/who.tsv, one "ADDRESS<TAB>KEY<TAB>VALUE" line per field, the
# value as python's str() prints it (python starts slowly: run it once).
who_all () {
    kith who --all --format=json >"$TMP/who.json" 2>"$TMP/who.err"
    python3 - "$TMP/who.json" >"$TMP/who.tsv" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1])):
    for k, v in c.items():
        print('%s\t%s\t%s' % (c['address'], k, v))
PY
}

# get ADDRESS KEY...: the values of KEYs of the who entry of ADDRESS,
# separated by spaces ("absent" if there is none, "several" if it is
# listed more than once).
get () {
    local address=$1
    shift
    awk -F '\t' -v a="$address" -v keys="$*" '
	BEGIN { n = split(keys, k, " ") }
	$1 == a && $2 == "address" { hits++ }
	$1 == a { v[$2] = $3 }
	END {
	    if (hits == 0) { print "absent"; exit }
	    if (hits > 1) { print "several"; exit }
	    out = ""
	    for (i = 1; i <= n; i++) out = out (i > 1 ? " " : "") (k[i] in v ? v[k[i]] : "missing:" k[i])
	    print out
	}' "$TMP/who.tsv"
}

# listed ADDRESS: is ADDRESS anywhere in $TMP/who.tsv (as a contact's
# address or among its addresses)?  Prints True or False.
listed () {
    awk -F '\t' -v a="$1" '
	$1 == a || ($2 == "addresses" && index($3, "\047" a "\047")) { found = 1 }
	END { print found ? "True" : "False" }' "$TMP/who.tsv"
}

# pycmp A OP B: compare two numbers; prints True or False.
pycmp () {
    awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN {
	a += 0; b += 0
	r = op == "<" ? a < b : op == "<=" ? a <= b : op == ">" ? a > b : op == ">=" ? a >= b : a == b
	print r ? "True" : "False"
    }'
}

# weak_or_better TIER: True if TIER is weak, known or close.
weak_or_better () {
    case "$1" in weak|known|close) echo True ;; *) echo False ;; esac
}

# day DATE N: the date N days after DATE (YYYY-MM-DD).
day () {
    date -u -d "$1 + $2 days" +%F
}

# b64 HEX: base64 of the bytes HEX (for Thread-Index).
b64 () {
    python3 -c "import base64, sys; print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())" "$1"
}

# conversation CONTACT DATE SUBJECT: a new thread in which I write to
# CONTACT, CONTACT replies (In-Reply-To/References), and I reply again.
conversation () {
    local m t
    m=$(add_message from="Me Myself <$ME>" to="$1" subject="$3" date="$2")
    t=$(add_message from="$1" to="$ME" subject="Re: $3" reply="$m" date="$(day "$2" 1)")
    add_message from="Me Myself <$ME>" to="$1" subject="Re: $3" reply="$t" date="$(day "$2" 2)" >/dev/null
}

# ------------------------------------------------------------------
# a. One-way mail never lifts a contact above none.

new_mailbox one-way
X="Xavier Out <x@oneway.example>"
prev=""
for i in $(seq 0 19); do
    # 20 messages over three years, each a follow-up to my previous one
    prev=$(add_message from="Me Myself <$ME>" to="$X" subject="Status $i" \
	date="$(day 2021-01-10 $((i * 55)))" ${prev:+reply=$prev})
done
for i in $(seq 0 19); do
    add_message from="Yvonne In <y@oneway.example>" to="$ME" subject="Offer $i" \
	date="$(day 2021-02-03 $((i * 50)))" >/dev/null
done
# Reply headers in one direction only.  X2 writes to others (I only see
# it), I reply to X2 every time, X2 never answers me.
for i in $(seq 0 9); do
    x=$(add_message from="Xena Lurk <x2@oneway.example>" to="team@oneway.example" \
	subject="Plan $i" date="$(day 2022-01-05 $((i * 40)))")
    add_message from="Me Myself <$ME>" to="x2@oneway.example" subject="Re: Plan $i" reply="$x" \
	date="$(day 2022-01-06 $((i * 40)))" >/dev/null
done
# Y2 answers, directly to me, my messages to somebody else; I never
# write to Y2 nor reply to Y2.
for i in $(seq 0 9); do
    m=$(add_message from="Me Myself <$ME>" to="colleague@oneway.example" subject="Draft $i" \
	date="$(day 2022-02-07 $((i * 40)))")
    add_message from="Yann Reply <y2@oneway.example>" to="$ME" subject="Re: Draft $i" reply="$m" \
	date="$(day 2022-02-08 $((i * 40)))" >/dev/null
done
reindex
who_all

test_begin "one-way out: 20 messages to X over 3 years, X never writes -> none, score 0"
test_expect_equal "none 0.0 20 0" "$(get x@oneway.example tier score sent received)"

test_begin "one-way in: Y writes 20 direct messages, I never write -> none, score 0"
test_expect_equal "none 0.0 0 20" "$(get y@oneway.example tier score sent received)"

test_begin "one-way with reply headers: I reply to X2 ten times, X2 never writes to me -> none"
test_expect_equal "none 0.0 10 0 0" "$(get x2@oneway.example tier score replies_to received replies_from)"

test_begin "one-way with reply headers: Y2 replies to my mail ten times, I never write to Y2 -> none"
test_expect_equal "none 0.0 10 0 0" "$(get y2@oneway.example tier score replies_from sent replies_to)"

test_begin "one-way: nobody of the one-way mailbox is listed by plain who"
kith who --format=json >"$TMP/who-default.json"
test_expect_equal "[]" "$(json_eval "$TMP/who-default.json" "[c['address'] for c in j]")"

# ------------------------------------------------------------------
# b. List co-presence alone stays none.

new_mailbox list
L=dev@lists.example
for i in $(seq 0 9); do
    d=$(day 2023-01-02 $((i * 30)))
    p=$(add_message from="Poster P <p@list.example>" to="$L" list="$L" subject="Topic $i" date="$d")
    # I take part in the same thread (replying to P) ...
    add_message from="Me Myself <$ME>" to="$L" list="$L" subject="Re: Topic $i" reply="$p" \
	date="$(day "$d" 1)" >/dev/null
    q=$(add_message from="Quinn Q <q@list.example>" to="$L" list="$L" subject="Re: Topic $i" \
	reply="$p" date="$(day "$d" 1)")
    # ... and Z posts three times per thread, never to me or replying to me.
    add_message from="Zed Zulu <z@list.example>" to="$L" list="$L" subject="Re: Topic $i" \
	reply="$p" date="$(day "$d" 2)" >/dev/null
    add_message from="Zed Zulu <z@list.example>" to="$L" list="$L" subject="Re: Topic $i" \
	reply="$q" date="$(day "$d" 3)" >/dev/null
    add_message from="Zed Zulu <z@list.example>" to="$L" list="$L" subject="Also $i" \
	date="$(day "$d" 4)" >/dev/null
done
# Z2: I even reply to Z2 on the list, but Z2 never replies to me.
for i in $(seq 0 4); do
    z=$(add_message from="Zoe Two <z2@list.example>" to="$L" list="$L" subject="Idea $i" \
	date="$(day 2023-03-01 $((i * 20)))")
    add_message from="Me Myself <$ME>" to="$L" list="$L" subject="Re: Idea $i" reply="$z" \
	date="$(day 2023-03-02 $((i * 20)))" >/dev/null
done
reindex
who_all

test_begin "list co-presence: Z posts 30 list messages in the threads I post in -> none, score 0"
test_expect_equal "none 0.0 30 0" "$(get z@list.example tier score seen conversations)"

test_begin "list co-presence: my list replies to Z2, no answer from Z2 -> none"
test_expect_equal "none 0.0 5" "$(get z2@list.example tier score replies_to)"

test_begin "list co-presence: the list address itself is no contact at all"
test_expect_equal "absent" "$(get $L tier)"

# ------------------------------------------------------------------
# c. Automated senders stay none, even in an exchange.

new_mailbox automated
n=$(add_message from="Shop News <news@shop.example>" subject="Deals of the week" date=2024-02-01 \
    header="List-Unsubscribe: <mailto:unsub@shop.example>\nPrecedence: bulk")
m=$(add_message from="Me Myself <$ME>" to="news@shop.example" subject="Re: Deals of the week" \
    reply="$n" date=2024-02-02)
add_message from="Shop News <news@shop.example>" to="$ME" subject="Re: Deals of the week" reply="$m" \
    date=2024-02-03 header="List-Unsubscribe: <mailto:unsub@shop.example>\nPrecedence: bulk" >/dev/null
n=$(add_message from="Bank <noreply@bank.example>" subject="Your statement" date=2024-02-05)
m=$(add_message from="Me Myself <$ME>" to="noreply@bank.example" subject="Re: Your statement" \
    reply="$n" date=2024-02-06)
add_message from="Bank <noreply@bank.example>" to="$ME" subject="Re: Your statement" reply="$m" \
    date=2024-02-07 >/dev/null
n=$(add_message from="Tracker <jira@tracker.example>" subject="[JIRA] KITH-1 created" date=2024-02-10 \
    header="Auto-Submitted: auto-generated")
m=$(add_message from="Me Myself <$ME>" to="jira@tracker.example" subject="Re: [JIRA] KITH-1 created" \
    reply="$n" date=2024-02-11)
add_message from="Tracker <jira@tracker.example>" to="$ME" subject="Re: [JIRA] KITH-1 created" \
    reply="$m" date=2024-02-12 header="Auto-Submitted: auto-generated" >/dev/null
reindex
who_all

test_begin "automated: a newsletter (List-Unsubscribe, Precedence: bulk) I exchanged replies with -> none"
test_expect_equal "none 0.0 True 0" "$(get news@shop.example tier score automated conversations)"

test_begin "automated: a noreply@ sender I exchanged replies with -> none"
test_expect_equal "none 0.0 True 0" "$(get noreply@bank.example tier score automated conversations)"

test_begin "automated: an Auto-Submitted: auto-generated sender I exchanged replies with -> none"
test_expect_equal "none 0.0 True 0" "$(get jira@tracker.example tier score automated conversations)"

# ------------------------------------------------------------------
# d. Adding a conversation never lowers the score.

new_mailbox monotone
W="Wanda Worth <w@mono.example>"
conversation "$W" 2022-03-07 "Kickoff"
conversation "$W" 2022-09-12 "Budget review"
conversation "$W" 2023-06-05 "Summer plans"
conversation "$W" 2024-02-19 "Annual report"
reindex
who_all
read -r score0 conv0 <<<"$(get w@mono.example score conversations)"

test_begin "monotone: the history with W is known, 4 conversations"
test_expect_equal "known 4" "$(get w@mono.example tier conversations)"

step=0
for when in 2025-05-12:after 2023-01-16:in_the_middle_of 2020-04-06:before; do
    d=${when%%:*}
    where=${when##*:}
    where=${where//_/ }
    step=$((step + 1))
    conversation "$W" "$d" "Extra topic $step"
    reindex
    who_all
    read -r score1 conv1 <<<"$(get w@mono.example score conversations)"
    test_begin "monotone: a conversation $where the history ($d), incremental, adds one conversation"
    test_expect_equal "False $((conv0 + 1))" "$(json_eval "$TMP/index.json" "j['rebuilt']") $conv1"
    test_begin "monotone: a conversation $where the history ($d) does not lower the score ($score0 -> $score1)"
    test_expect_equal "True" "$(pycmp "$score1" '>=' "$score0")"
    score0=$score1
    conv0=$conv1
done

test_begin "monotone: the incremental result equals a full rebuild"
incremental=$(get w@mono.example score conversations months sent received replies_from replies_to)
kith index --rebuild --format=json >"$TMP/index.json" 2>"$TMP/index.err"
who_all
test_expect_equal "$incremental" "$(get w@mono.example score conversations months sent received replies_from replies_to)"

# ------------------------------------------------------------------
# e. The same history ten years older scores lower.

new_mailbox older
for y in 0 10; do
    # the same pattern for V (2020-2022) and U (ten years earlier)
    c="Val $y <v$y@old.example>"
    conversation "$c" "$((2020 - y))-02-10" "Plan A $y"
    conversation "$c" "$((2020 - y))-09-14" "Plan B $y"
    conversation "$c" "$((2021 - y))-05-17" "Plan C $y"
    conversation "$c" "$((2022 - y))-01-10" "Plan D $y"
    add_message from="$c" to="$ME" subject="Thanks $y" date="$((2022 - y))-03-01" >/dev/null
done
reindex
who_all

test_begin "older: both histories have the same counts"
keys="conversations sent received sent_direct replies_from replies_to months list_conversations"
test_expect_equal "$(get v0@old.example $keys)" "$(get v10@old.example $keys)"

test_begin "older: the history ten years older scores strictly lower"
s_new=$(get v0@old.example score)
s_old=$(get v10@old.example score)
test_expect_equal "True ($s_old < $s_new)" "$(pycmp "$s_old" '<' "$s_new") ($s_old < $s_new)"

test_begin "older: first and last of the older history are ten years earlier"
test_expect_equal "2010-02-10T12:00:00Z 2012-03-01T12:00:00Z" "$(get v10@old.example first last)"

# ------------------------------------------------------------------
# f. - j. How exchanges are recognised.

new_mailbox signals
# f. direct mail both ways, no reply headers at all.
add_message from="Me Myself <$ME>" to="Fay Direct <f@sig.example>" subject="Lunch on Friday" \
    date=2024-03-04 >/dev/null
add_message from="Fay Direct <f@sig.example>" to="$ME" subject="Photos from the trip" \
    date=2024-03-20 >/dev/null

# g. an Outlook reply linked only by Thread-Index.
root=0102030405060708090a0b0c0d0e0f10111213141516 # 22 bytes
child=${root}a1b2c3d4e5
add_message from="Me Myself <$ME>" to="Gus Outlook <g@sig.example>" subject="Budget" \
    date=2024-04-02 header="Thread-Index: $(b64 "$root")\nThread-Topic: Budget" >/dev/null
add_message from="Gus Outlook <g@sig.example>" to="$ME" subject="Numbers" date=2024-04-03 \
    header="Thread-Index: $(b64 "$child")\nThread-Topic: Budget" >/dev/null
# control: the same, but the reply's Thread-Index extends another root
other=ffeeddccbbaa99887766554433221100ffeeddccbbaa
add_message from="Me Myself <$ME>" to="Gil Outlook <g2@sig.example>" subject="Forecast" \
    date=2024-04-02 header="Thread-Index: $(b64 "${root:0:40}0000")\nThread-Topic: Forecast" >/dev/null
add_message from="Gil Outlook <g2@sig.example>" to="$ME" subject="Figures" date=2024-04-03 \
    header="Thread-Index: $(b64 "${other}a1b2c3d4e5")\nThread-Topic: Forecast" >/dev/null

# h. webmail replies: a reply-marked subject and no reply headers.
hreply () { # CONTACT MARKER SUBJECT DAYS-LATER
    add_message from="Me Myself <$ME>" to="$1" subject="$3" date=2024-05-06 >/dev/null
    add_message from="$1" to="$ME" subject="$2 $3" date="$(day 2024-05-06 "$4")" >/dev/null
}
hreply "Hans <h1@sig.example>" "AW:" "Quarterly plan" 3
hreply "Sven <h2@sig.example>" "SV:" "Midsummer party" 5
hreply "Joost <h3@sig.example>" "Antw:" "Delivery schedule" 10
hreply "Heidi <h4@sig.example>" "AW:" "Offsite agenda" 200
hreply "Hanna <h5@sig.example>" "AW:" "Server move" 59
hreply "Horst <h6@sig.example>" "AW:" "Printer issue" 61
# ... to a message of mine to somebody else: not a reply to me.
add_message from="Me Myself <$ME>" to="other@sig.example" subject="Venue booking" date=2024-05-06 >/dev/null
add_message from="Hugo <h7@sig.example>" to="$ME" subject="AW: Venue booking" date=2024-05-08 >/dev/null

# i. Bcc on my sent copy counts; a Bcc header on someone else's does not.
add_message from="Me Myself <$ME>" to="team@sig.example" bcc="Iris Bcc <i@sig.example>" \
    subject="Team news" date=2024-06-03 >/dev/null
add_message from="Iris Bcc <i@sig.example>" to="$ME" subject="Thanks for the news" date=2024-06-10 >/dev/null
add_message from="Kurt Sender <k@sig.example>" to="team@sig.example" bcc="$ME, Kim Hidden <kim@sig.example>" \
    subject="Team lunch" date=2024-06-04 >/dev/null
add_message from="Me Myself <$ME>" to="Kurt Sender <k@sig.example>" subject="Question" date=2024-06-05 >/dev/null

# j. mail from my other address is mine.
m=$(add_message from="Me at work <$ME2>" to="Jo Work <j@sig.example>" subject="Contract" date=2024-07-01)
add_message from="Jo Work <j@sig.example>" to="$ME2" subject="Re: Contract" reply="$m" date=2024-07-02 >/dev/null
# r. a short exchange, twice each way, one month: weak by its score
# alone (no cap), for the thresholds below.
m=$(add_message from="Me Myself <$ME>" to="Rae Twice <r@sig.example>" subject="Keys" date=2024-07-03)
m=$(add_message from="Rae Twice <r@sig.example>" to="$ME" subject="Re: Keys" reply="$m" date=2024-07-04)
m=$(add_message from="Me Myself <$ME>" to="Rae Twice <r@sig.example>" subject="Re: Keys" reply="$m" date=2024-07-05)
add_message from="Rae Twice <r@sig.example>" to="$ME" subject="Re: Keys" reply="$m" date=2024-07-06 >/dev/null
reindex
who_all

test_begin "direct both ways without reply headers is shared history (weak or better)"
test_expect_equal "1 1 0 0 True" \
    "$(get f@sig.example sent_direct received replies_from replies_to) $(weak_or_better "$(get f@sig.example tier)")"

test_begin "Thread-Index alone links an Outlook reply: one reply, one conversation"
test_expect_equal "1 0 1 weak" "$(get g@sig.example replies_from replies_to conversations tier)"

test_begin "Thread-Index of another thread links nothing"
test_expect_equal "0 0" "$(get g2@sig.example replies_from conversations)"

test_begin "subject-only reply 'AW:' within the window counts as a reply"
test_expect_equal "1 1" "$(get h1@sig.example replies_from conversations)"

test_begin "subject-only reply 'SV:' within the window counts as a reply"
test_expect_equal "1 1" "$(get h2@sig.example replies_from conversations)"

test_begin "subject-only reply 'Antw:' within the window counts as a reply"
test_expect_equal "1 1" "$(get h3@sig.example replies_from conversations)"

test_begin "subject-only reply 200 days later (window 60 days) is not a reply"
test_expect_equal "0 0 1 1" "$(get h4@sig.example replies_from conversations sent received)"

test_begin "subject-only reply 59 days later is a reply, 61 days later is not"
test_expect_equal "1 0" "$(get h5@sig.example replies_from) $(get h6@sig.example replies_from)"

test_begin "subject-only reply to my message to somebody else is not a reply to me"
test_expect_equal "0 0" "$(get h7@sig.example replies_from conversations)"

test_begin "Bcc on my sent copy counts as sent to them: they write back -> weak or better"
test_expect_equal "1 1 True" \
    "$(get i@sig.example sent_group received) $(weak_or_better "$(get i@sig.example tier)")"

test_begin "a Bcc header naming me on someone else's message does not make it addressed to me"
test_expect_equal "none 0 1 1" "$(get k@sig.example tier received seen sent)"

test_begin "a Bcc header on someone else's message adds no contact"
test_expect_equal "False" "$(listed kim@sig.example)"

test_begin "mail from my other address (user.other_email) is mine"
test_expect_equal "weak 1 1 1" "$(get j@sig.example tier sent replies_from conversations)"

test_begin "my other address is not a contact"
test_expect_equal "False" "$(listed "$ME2")"

# n. tier thresholds are read when queried: no re-index needed.
test_begin "kith.tier.known=1 turns a weak contact into known without a re-index"
rev_before=$(kith status --format=json | python3 -c "import json,sys; print(json.load(sys.stdin)['revision'])")
r_before=$(get r@sig.example tier cap)
notmuch config set kith.tier.known 1
who_all
rev_after=$(kith status --format=json | python3 -c "import json,sys; print(json.load(sys.stdin)['revision'])")
test_expect_equal "weak None known None $rev_before" "$r_before $(get r@sig.example tier cap) $rev_after"

test_begin "... but one message each way is not repeated direct dialogue: weak, capped (not-repeated)"
test_expect_equal "weak not-repeated weak not-repeated" "$(get f@sig.example tier cap) $(get j@sig.example tier cap)"

test_begin "kith.tier.weak above a score turns that contact into none"
score_f=$(get f@sig.example score)
notmuch config set kith.tier.known
notmuch config set kith.tier.weak "$(awk -v s="$score_f" 'BEGIN { print s + 0.5 }')"
who_all
test_expect_equal "none" "$(get f@sig.example tier)"
notmuch config set kith.tier.weak

test_begin "kith.tier.close=1 turns a weak contact into close"
notmuch config set kith.tier.close 1
who_all
test_expect_equal "close" "$(get r@sig.example tier)"
notmuch config set kith.tier.close

# ------------------------------------------------------------------
# k. kith.me_patterns.

new_mailbox patterns
m=$(add_message from="Me on lists <me+lists@example.org>" to="Pat Pattern <pat@pat.example>" \
    subject="Mirror setup" date=2024-08-05)
add_message from="Pat Pattern <pat@pat.example>" to="me+lists@example.org" subject="Re: Mirror setup" \
    reply="$m" date=2024-08-06 >/dev/null
reindex
who_all

test_begin "me_patterns: without the pattern, me+lists@ is somebody else and Pat is none"
test_expect_equal "none True" "$(get pat@pat.example tier) $(listed me+lists@example.org)"

test_begin "me_patterns: setting kith.me_patterns makes the next index a rebuild"
notmuch config set kith.me_patterns 'me+*@example.org'
kith index --format=json >"$TMP/index.json" 2>"$TMP/index.err"
test_expect_equal "True" "$(json_eval "$TMP/index.json" "j['rebuilt']")"

test_begin "me_patterns: mail from me+lists@example.org now counts as mine"
who_all
test_expect_equal "weak 1 1 1 False" \
    "$(get pat@pat.example tier sent received replies_from) $(listed me+lists@example.org)"

test_begin "me_patterns: the index after that is incremental again"
kith index --format=json >"$TMP/index.json" 2>"$TMP/index.err"
test_expect_equal "False" "$(json_eval "$TMP/index.json" "j['rebuilt']")"

# ------------------------------------------------------------------
# l. Excluded (spam) messages never count.

new_mailbox spam
m=$(add_message from="Me Myself <$ME>" to="Sam Spam <s@spam.example>" subject="Your invoice" date=2024-09-02)
r=$(add_message from="Sam Spam <s@spam.example>" to="$ME" subject="Re: Your invoice" reply="$m" date=2024-09-03)
reindex
who_all

test_begin "spam: before tagging, Sam's reply makes Sam weak"
test_expect_equal "weak 1 1" "$(get s@spam.example tier replies_from conversations)"

test_begin "spam: after tagging Sam's only reply spam, Sam is none"
notmuch tag +spam "id:$r"
kith index --format=json >"$TMP/index.json" 2>"$TMP/index.err"
who_all
test_expect_equal "none 0.0 0 0 0" "$(get s@spam.example tier score replies_from received conversations)"

test_begin "spam: retagging is incremental (one message retagged, no rebuild)"
test_expect_equal "False 1" "$(json_eval "$TMP/index.json" "str(j['rebuilt'])+' '+str(j['retagged'])")"

test_begin "spam: removing the tag brings Sam back"
notmuch tag -spam "id:$r"
kith index >/dev/null 2>&1
who_all
test_expect_equal "weak 1" "$(get s@spam.example tier replies_from)"

test_begin "spam: a spam-tagged message of mine does not count either"
notmuch tag +spam "id:$m"
kith index >/dev/null 2>&1
who_all
test_expect_equal "none 0 0" "$(get s@spam.example tier sent replies_from)"

# ------------------------------------------------------------------
# m. Aliases merge addresses into one person.

new_mailbox alias
# home only, work only, and one thread in which both take part
conversation "Bob <bob@home.example>" 2024-01-08 "Holiday"
conversation "Bob <bob@work.example>" 2024-03-11 "Quarterly numbers"
m=$(add_message from="Me Myself <$ME>" to="Bob <bob@home.example>" subject="Move" date=2024-05-06)
r=$(add_message from="Bob <bob@home.example>" to="$ME" subject="Re: Move" reply="$m" date=2024-05-07)
m=$(add_message from="Me Myself <$ME>" to="Bob <bob@home.example>" subject="Re: Move" reply="$r" date=2024-05-08)
add_message from="Bob <bob@work.example>" to="$ME" subject="Re: Move" reply="$m" date=2024-05-09 >/dev/null
reindex
who_all

test_begin "alias: before, home and work are two contacts with 2 conversations each"
test_expect_equal "2 2" "$(get bob@home.example conversations) $(get bob@work.example conversations)"

notmuch config set kith.alias.bob 'bob@home.example;bob@work.example'
who_all

test_begin "alias: who lists one person with both addresses"
test_expect_equal "1 ['bob@home.example', 'bob@work.example']" \
    "$(json_eval "$TMP/who.json" "str(len([c for c in j if 'bob@home.example' in c['addresses'] or 'bob@work.example' in c['addresses'] or c['address'].startswith('bob@')]))+' '+str(sorted([c for c in j if c['address'].startswith('bob@')][0]['addresses']))")"

test_begin "alias: the person's conversations are the union (3), not the sum (4)"
bob=$(json_eval "$TMP/who.json" "[c['address'] for c in j if c['address'].startswith('bob@')][0]")
test_expect_equal "3" "$(get "$bob" conversations)"

test_begin "alias: the merged counts add up the two addresses (sent 2+2+2, received 1+1+2)"
test_expect_equal "6 4" "$(get "$bob" sent received)"

test_begin "alias: show by either address gives the merged person"
kith show --format=json bob@home.example >"$TMP/show-home.json" 2>"$TMP/show.err"
kith show --format=json bob@work.example >"$TMP/show-work.json" 2>>"$TMP/show.err"
test_expect_equal "['bob@home.example', 'bob@work.example'] 3 3" \
    "$(json_eval "$TMP/show-home.json" "str(sorted(j['addresses']))+' '+str(j['conversations'])+' '+str(len(j['conversation_list']))")"

test_begin "alias: show by the other address is identical"
test_expect_equal_file "$TMP/show-home.json" "$TMP/show-work.json"

test_begin "alias: the merged person scores at least as high as either address alone"
# (scores of the separate addresses from before the alias was set)
notmuch config set kith.alias.bob
who_all
s_home=$(get bob@home.example score)
s_work=$(get bob@work.example score)
notmuch config set kith.alias.bob 'bob@home.example;bob@work.example'
who_all
s_bob=$(get "$bob" score)
test_expect_equal "True True" "$(pycmp "$s_bob" '>=' "$s_home") $(pycmp "$s_bob" '>=' "$s_work")"

# ------------------------------------------------------------------
# n. Directness caps the tier (score.c): crowd mail, group mail, lists.

new_mailbox caps
crowd="a1@crowd.example, a2@crowd.example, a3@crowd.example, a4@crowd.example, a5@crowd.example, a6@crowd.example"
# crowd_thread MONTH BYSTANDER: a big reply-all thread: Sue starts it,
# BYSTANDER answers all, I answer that message (to all).
crowd_thread () {
    local s b
    s=$(add_message from="Sue Starter <sue@crowd.example>" to="$ME, $crowd, $2" subject="Status $1" date="2024-$1-02")
    b=$(add_message from="$2" to="Sue Starter <sue@crowd.example>" cc="$ME, $crowd" subject="Re: Status $1" reply="$s" date="2024-$1-03")
    add_message from="Me Myself <$ME>" to="$2" cc="Sue Starter <sue@crowd.example>, $crowd" subject="Re: Status $1" reply="$b" date="2024-$1-04" >/dev/null
}
# Bea in one such thread; Ric in one every month of a year.
crowd_thread 03 "Bea Bystander <bea@crowd.example>"
for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
    crowd_thread $m "Ric Regular <ric@crowd.example>"
done
# Group mail with Gil among seven people, all in To, much of it, never
# one-to-few, Gil never replying to me.
team="h1@team.example, h2@team.example, h3@team.example, h4@team.example, h5@team.example"
for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
    add_message from="Me Myself <$ME>" to="Gil Group <gil@team.example>, $team" subject="Plan $m" date="2023-$m-05" >/dev/null
    add_message from="Gil Group <gil@team.example>" to="$ME, $team" subject="Idea $m" date="2023-$m-09" >/dev/null
done
reindex
who_all

test_begin "caps: a bystander of a big reply-all thread is none, capped as crowd, though I answered her"
test_expect_equal "none crowd" "$(get bea@crowd.example tier cap)"

test_begin "caps: crowd mail each way every month for a year is weak at most (not-direct)"
test_expect_equal "weak not-direct" "$(get ric@crowd.example tier cap)"

test_begin "caps: a year of group mail without one-to-few mail or replies each way is weak, capped"
test_expect_equal "weak not-direct" "$(get gil@team.example tier cap)"

test_begin "caps: show says what capped the tier"
kith show gil@team.example >"$TMP/show.txt"
test_expect_equal "1" "$(grep -c '^  capped .*at most weak' "$TMP/show.txt")"

test_begin "caps: one one-to-few message each way lifts the cap"
add_message from="Me Myself <$ME>" to="Gil Group <gil@team.example>" subject="Just us" date="2024-01-10" >/dev/null
add_message from="Gil Group <gil@team.example>" to="$ME" subject="Just us too" date="2024-01-11" >/dev/null
reindex
who_all
test_expect_equal "None" "$(get gil@team.example cap)"

# ------------------------------------------------------------------
# o. My one-way mail adds nothing to months, span or recency.

new_mailbox oneway
# A pull request a month for two years to Lin, who answers two of them.
for y in 2022 2023; do
    for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
	p=$(add_message from="Me Myself <$ME>" to="Lin Upstream <lin@up.example>" subject="[GIT PULL] fixes $y-$m" date="$y-$m-03")
	[ "$y-$m" = 2022-06 ] || [ "$y-$m" = 2023-06 ] &&
	    add_message from="Lin Upstream <lin@up.example>" to="$ME" subject="Re: [GIT PULL] fixes $y-$m" reply="$p" date="$y-$m-04" >/dev/null
    done
done
reindex
who_all

test_begin "one-way: 24 pull requests, 2 answered: months and span are those of the 2 exchanges"
test_expect_equal "2 2022-06-03T12:00:00Z 2023-06-04T12:00:00Z" "$(get lin@up.example months first last)"

test_done
