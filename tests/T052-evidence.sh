#!/usr/bin/env bash
# T052-evidence: what real headers hold where GMime gives up, each case
# on a hand-written mailbox run through the real notmuch: Exchange
# addresses with consecutive dots (one of them mine), a list that
# rewrote From (Mailman with Reply-To, Google Groups with
# X-Original-From), placeholder and future dates, an invitation my
# client accepted by itself, a quoted local part.
. "$(dirname "$0")/lib.sh"

write_config
DOTTED_ME="robin..example@corp.example"
notmuch config set user.other_email "$ME2;$DOTTED_ME"

# 1. Exchange: both addresses with consecutive dots, no reply headers.
m=$(add_message from="\"Example, Robin\" <$DOTTED_ME>" to="\"Allen, Phillip K.\" <phillip.k..allen@corp.example>" subject="Gas curves" date=2001-03-01)
add_message from="\"Allen, Phillip K.\" <phillip.k..allen@corp.example>" to="\"Example, Robin\" <$DOTTED_ME>" subject="RE: Gas curves" date=2001-03-02 >/dev/null

# 2. Mailman rewrote From (DMARC): the person is in Reply-To.
LIST='List-Id: Foo development <foo-dev.lists.example>\nList-Post: <mailto:foo-dev@lists.example>\nPrecedence: list'
p=$(add_message from="Pat Roe via Foo-dev <foo-dev@lists.example>" to="$ME" cc="foo-dev@lists.example" subject="[PATCH] foo: fix" date=2024-02-01 header="Reply-To: Pat Roe <pat@strict.example>\n$LIST")
add_message from="Me Myself <$ME>" to="Pat Roe <pat@strict.example>" cc="foo-dev@lists.example" subject="Re: [PATCH] foo: fix" reply="$p" date=2024-02-02 >/dev/null

# 3. Google Groups: the person in X-Original-From, Reply-To the group.
GROUP='List-Id: <bar.googlegroups.example>\nList-Post: <mailto:bar@googlegroups.example>'
g=$(add_message from="Gus Strict via Bar <bar@googlegroups.example>" to="$ME" subject="Question" date=2024-03-01 header="X-Original-From: Gus Strict <gus@strict2.example>\nReply-To: bar@googlegroups.example\n$GROUP")
add_message from="Me Myself <$ME>" to="gus@strict2.example" subject="Re: Question" reply="$g" date=2024-03-02 >/dev/null

# 4. A broken client's placeholder date (Received has the real one) and
#    a date in 2090 without Received.
d=$(add_message from="Me Myself <$ME>" to="Dee Dates <dee@dates.example>" subject="Dinner" date=2024-04-01)
add_message from="Dee Dates <dee@dates.example>" to="$ME" subject="Re: Dinner" reply="$d" date="Mon, 31 Dec 1979 16:00:00 -0800" header="Received: from mx by mail; Tue, 02 Apr 2024 09:00:00 +0000" >/dev/null
add_message from="Dee Dates <dee@dates.example>" to="$ME" subject="Re: Dinner" reply="$d" date="Sat, 01 Jan 2090 10:00:00 +0000" >/dev/null

# 5. An invitation from a stranger that my client accepted by itself.
i=$(add_message from="Stan Ger <stan@ger.example>" to="$ME" subject="Invitation: Sync" date=2024-05-01)
add_message from="Me Myself <$ME>" to="Stan Ger <stan@ger.example>" subject="Accepted: Sync" reply="$i" date=2024-05-01 header="Content-Class: urn:content-classes:calendarmessage" >/dev/null
# ... and one answered by a client that only says text/calendar; method=REPLY.
j=$(add_message from="Ivy Vite <ivy@vite.example>" to="$ME" subject="Planning" date=2024-05-02)
{
    printf 'From: Me Myself <%s>\nTo: Ivy Vite <ivy@vite.example>\nSubject: Planning\n' "$ME"
    printf 'Date: Thu, 02 May 2024 13:00:00 +0000\nMessage-ID: <cal-reply@test.example>\n'
    printf 'In-Reply-To: <%s>\nMIME-Version: 1.0\n' "$j"
    printf 'Content-Type: text/calendar; method=REPLY; charset=utf-8\n\n'
    printf 'BEGIN:VCALENDAR\nMETHOD:REPLY\nEND:VCALENDAR\n'
} >"$MAIL_DIR/cur/cal-reply.test:2,S"

# 6. A quoted local part is the bare address.
q=$(add_message from="\"j.doe\"@quoted.example" to="$ME" subject="Hi" date=2024-06-01)
add_message from="Me Myself <$ME>" to="j.doe@quoted.example" subject="Re: Hi" reply="$q" date=2024-06-02 >/dev/null

# 7. Names: Kay's client writes her address as her name, mine calls her
#    Kay Lee; Nora's mail carries no name at all, and a mail of hers
#    from home does.
k=$(add_message from="\"kay.lee@names.example\" <kay.lee@names.example>" to="$ME" subject="Plans" date=2024-06-10)
add_message from="\"kay.lee@names.example\" <kay.lee@names.example>" to="$ME" subject="More plans" date=2024-06-11 >/dev/null
add_message from="Me Myself <$ME>" to="Kay Lee <kay.lee@names.example>" subject="Re: Plans" reply="$k" date=2024-06-12 >/dev/null
n=$(add_message from="nora.nameless@corp.example" to="$ME" subject="Report" date=2024-06-10)
add_message from="Me Myself <$ME>" to="nora.nameless@corp.example" subject="Re: Report" reply="$n" date=2024-06-11 >/dev/null
add_message from="Nora Nameless <nora@home.example>" to="$ME" subject="From home" date=2024-06-12 >/dev/null

notmuch_new
test_begin "kith index reads it all and names each message with addresses GMime drops"
kith index >"$TMP/index.out" 2>"$TMP/index.err"
test_expect_equal "0 2 000001 000002 0" "$? $(grep -c "^Note: kith: '.*': read 2 addresses that GMime's address parser drops (.*\.\..*@corp.example)\$" "$TMP/index.err") $(sed -n "s|^Note: kith: '.*/\(0*[0-9]*\)\.test:2,S'.*|\1|p" "$TMP/index.err" | sort | tr '\n' ' ')$(grep -v -c "^Note: kith: " "$TMP/index.err")"
kith who --all --format=json >"$TMP/all.json"

# tier ADDRESS: the contact's tier, or "absent".
tier () {
    json_eval "$TMP/all.json" "next((c['tier'] for c in j if c['address'] == '$1'), 'absent')"
}
field () {
    json_eval "$TMP/all.json" "next((str(c['$2']) for c in j if c['address'] == '$1'), 'absent')"
}
listed () {
    case "$(tier "$1")" in weak | known | close) echo yes ;; *) echo no ;; esac
}

test_begin "Exchange: k..allen, written to and from my dotted address, is a correspondent"
test_expect_equal "yes" "$(listed phillip.k..allen@corp.example)"

test_begin "Exchange: my dotted address is me, never a contact"
test_expect_equal "absent" "$(tier "$DOTTED_ME")"

test_begin "Mailman rewrote From: the person in Reply-To is the correspondent, the list is not"
test_expect_equal "yes no" "$(listed pat@strict.example) $(listed foo-dev@lists.example)"

test_begin "a list's own address is no contact in any verb: who --all, complete, show"
kith complete --all foo-dev >"$TMP/complete-list.out" 2>&1
kith show foo-dev@lists.example >"$TMP/show-list.out" 2>&1
show_rc=$?
test_expect_equal "absent 0 1" "$(tier foo-dev@lists.example) $(grep -c foo-dev@lists.example "$TMP/complete-list.out") $show_rc"

test_begin "Google Groups: the person in X-Original-From is the correspondent, the group is not"
test_expect_equal "yes no" "$(listed gus@strict2.example) $(listed bar@googlegroups.example)"

test_begin "dates: the 1979 placeholder counts at its Received date, the 2090 one moves nothing"
test_expect_equal "yes 2024-04-01T12:00:00Z 2024-04-02T09:00:00Z" \
    "$(listed dee@dates.example) $(field dee@dates.example first) $(field dee@dates.example last)"

test_begin "an invitation my client accepted by itself (\"Accepted:\") is no exchange"
test_expect_equal "no" "$(listed stan@ger.example)"

test_begin "a calendar reply (text/calendar; method=REPLY) is no exchange"
test_expect_equal "no" "$(listed ivy@vite.example)"

test_begin "a quoted local part (\"j.doe\"@quoted.example) is the bare address, a correspondent"
test_expect_equal "yes absent" "$(listed j.doe@quoted.example) $(tier '"j.doe"@quoted.example')"

test_begin "a display name that is the address is no name: Kay is named as my mail names her"
test_expect_equal "Kay Lee" "$(field kay.lee@names.example name)"

test_begin "a nameless correspondent is found by the name her address spells, the named address 'likely also' her"
kith show --format=json "Nora Nameless" >"$TMP/nora.json"
test_expect_equal "nora.nameless@corp.example None ['nora@home.example']" \
    "$(json_eval "$TMP/nora.json" "'%s %s %s' % (j['address'], j['name'], j['similar'])")"

# Past ten messages, one line counts the rest; --verbose names them all;
# the hook counts them in one line.
for n in $(seq 1 11); do
    add_message from="Dot $n <dot..$n@corp.example>" to="$ME" subject="Note $n" date=2024-07-0$((n % 9 + 1)) >/dev/null
done
notmuch_new --no-hooks
test_begin "kith index names the first ten such messages and counts the rest in one line"
kith index --format=json >"$TMP/many.json" 2>"$TMP/many.err"
test_expect_equal "10 1 11" "$(grep -c "^Note: kith: '.*': read 1 address that" "$TMP/many.err") $(grep -c "^Note: kith: and 1 more message with addresses that GMime's address parser drops, first '.*' (dot\.\.[0-9]*@corp.example) (notmuch kith index --verbose names each)\$" "$TMP/many.err") $(json_eval "$TMP/many.json" "j['recovered']")"

test_begin "kith index --verbose names every one of them"
kith index --rebuild --verbose >/dev/null 2>"$TMP/verbose.err"
test_expect_equal "13 0" "$(grep -c "^Note: kith: '.*': read [0-9]* address.* that GMime" "$TMP/verbose.err") $(grep -c "more message" "$TMP/verbose.err")"

test_begin "the hook counts the new ones in one line naming the first"
add_message from="Dot Hook <dot..hook@corp.example>" to="$ME" subject="Hooked" date=2024-08-01 >/dev/null
add_message from="Dot Hook2 <dot..hook2@corp.example>" to="$ME" subject="Hooked" date=2024-08-02 >/dev/null
notmuch_new --no-hooks
kith hook >/dev/null 2>"$TMP/hook.err"
test_expect_equal "0 1 1" "$? $(grep -c . "$TMP/hook.err") $(grep -c "^Note: kith: read 2 addresses in 2 new messages that GMime's address parser drops, first '.*' (dot\.\.hook2*@corp.example)\$" "$TMP/hook.err")"
[ "$(grep -c . "$TMP/hook.err")" = 1 ] || cat "$TMP/hook.err"

test_begin "incremental equals rebuild"
kith who --all --format=json >"$TMP/incremental.json"
kith index --rebuild >/dev/null 2>&1
kith who --all --format=json >"$TMP/rebuilt.json"
test_expect_equal_file "$TMP/incremental.json" "$TMP/rebuilt.json"

test_done
