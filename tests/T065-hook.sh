#!/usr/bin/env bash
# T065-hook: the post-new / post-insert hook on hand-written mail, with
# the real `notmuch new` and `notmuch insert` running it: every verdict,
# every request platform, user tags untouched, --no-hooks, retro tagging.
. "$(dirname "$0")/lib.sh"

write_config
known_with () { # ADDRESS NAME DATE: a real exchange (they write, I reply, they reply)
    local a m
    a=$(add_message from="$2 <$1>" subject="Hello from $2" date="$3")
    m=$(add_message from="Me Myself <$ME>" to="$2 <$1>" subject="Re: Hello from $2" reply="$a" date="$3")
    add_message from="$2 <$1>" subject="Re: Hello from $2" reply="$m" date="$3" >/dev/null
}
known_with alice@wonder.example "Alice Liddell" 2023-03-01
known_with j.mueller@firma.example '"Müller, Jürgen"' 2023-04-01
known_with chris.smith@one.example "Chris Smith" 2023-05-01
known_with csmith@two.example "Chris Smith" 2023-06-01
known_with anna@schmidt.example "Anna Maria Schmidt" 2023-07-01
known_with dev@octo.example "Octavia Butler" 2023-08-01
# Letters Unicode does not decompose: the platform strips them.
known_with lukasz@poczta.example "Łukasz Wałęsa" 2023-08-02
known_with orjan@post.example "Ørjan Lindstrøm" 2023-08-03
known_with olindstrom@firma.example "Orjan Lindstrom" 2023-08-04
# Jennifer's mail carries no display name, only her address.
jm=$(add_message from="jennifer.mcquade@corp.example" subject="Budget" date=2023-08-05)
jm=$(add_message from="Me Myself <$ME>" to="jennifer.mcquade@corp.example" subject="Re: Budget" reply="$jm" date=2023-08-06)
add_message from="jennifer.mcquade@corp.example" subject="Re: Budget" reply="$jm" date=2023-08-07 >/dev/null
# I wrote to Una, she never answered (yet).
unanswered=$(add_message from="Me Myself <$ME>" to="Una Answered <una@later.example>" subject="Question" date=2023-09-01)
# A thread Alice started with me, for introductions by thread.
alice_thread=$(add_message from="Alice Liddell <alice@wonder.example>" subject="Meet my colleague" date=2023-10-01)
# Dora wrote first, I answered a week later: her first mail was, at the
# time, from someone with no history (retro tagging must say so).
dora=$(add_message from="Dora Early <dora@early.example>" subject="Hi from Dora" date=2023-01-05)
add_message from="Me Myself <$ME>" to="Dora Early <dora@early.example>" subject="Re: Hi from Dora" reply="$dora" date=2023-01-12 >/dev/null
# Gina wrote to me in person twenty times (never answered); lately she
# sends a daily report (below, in the new batch).
for d in $(seq -w 1 20); do
    add_message from="Gina Switch <gina@shift.example>" subject="Thought number $d: $RANDOM" date="2023-02-$d" >/dev/null
done
# A list post of mine.
my_post=$(add_message from="Me Myself <$ME>" to="dev@lists.example" list=dev@lists.example subject="RFC: a patch" date=2023-10-02)
notmuch_new
kith index

mkdir -p "$MAIL_DIR/.notmuch/hooks"
printf '#!/bin/sh\nexec notmuch-kith hook\n' >"$MAIL_DIR/.notmuch/hooks/post-new"
printf '#!/bin/sh\nexec notmuch-kith hook\n' >"$MAIL_DIR/.notmuch/hooks/post-insert"
chmod +x "$MAIL_DIR/.notmuch/hooks/post-new" "$MAIL_DIR/.notmuch/hooks/post-insert"

# The new batch.  ID=expected tags, checked below.
declare -A expect
new () { # EXPECTED-TAGS add_message-args...
    local tags=$1 id
    shift
    id=$(add_message "$@")
    expect[$id]=$tags
}
LI='header=X-LinkedIn-Class: INVITATION\nList-Unsubscribe: <mailto:unsub@linkedin.com>'
new "no-history" from="Cold Caller <cold@sales.example>" subject="Opportunity" date=2024-01-02
new "no-history" from="Cold Caller <cold@sales.example>" subject="Following up" date=2024-01-09
new "" from="Alice Liddell <alice@wonder.example>" subject="Lunch?" date=2024-01-03
new "" from="Una Answered <una@later.example>" subject="Re: Question" reply="$unanswered" date=2024-01-04
new "" from="Lister New <lister@new.example>" to="dev@lists.example" list=dev@lists.example subject="Re: RFC: a patch" reply="$my_post" date=2024-01-05
new "" from="Other Lister <other@new.example>" to="dev@lists.example" list=dev@lists.example subject="Unrelated" date=2024-01-05
new "no-history" from="Bug Reporter <reporter@new.example>" to="Me Myself <$ME>" cc="dev@lists.example" list=dev@lists.example subject="Bug: crash at start" date=2024-01-05
new "" from="Shop <news@shop.example>" subject="Deals" date=2024-01-06 header="List-Unsubscribe: <mailto:u@shop.example>\nPrecedence: bulk"
# A newsletter whose List-* and Precedence headers an export stripped:
# its template's words say what it is.  A person asking how to
# unsubscribe is still a person.
new "" from="Deals Weekly <hello@deals-weekly.example>" subject="Five deals for you" date=2024-01-06 \
    body="Having trouble viewing this email? View it in your browser. Five deals this week. You are receiving this email because you signed up at deals-weekly.example. Unsubscribe from this list."
new "" from="Word of the Day <doctor@words.example>" subject="probity: Word of the Day" date=2024-01-06 \
    body="To unsubscribe via email, send a blank message to leave@words.example"
new "no-history" from="Curious Reader <curious@readers.example>" subject="Your newsletter" date=2024-01-06 \
    body="Hi, I read your newsletter but cannot find how to unsubscribe. Could you take me off it? Thanks, C."
# Stripped newsletters of 2002: "reply with remove", mail to undisclosed
# recipients (everyone a Bcc).
new "" from="Kitchen Shop <customerservice.1556092.3@service.kitchen.example>" subject="Fresh ideas for Easter" date=2024-01-06 \
    body="Celebrate with our plates. If you prefer not to receive promotional email messages from us, please reply to this message with \"remove\" on the subject line."
new "" from="Hot Stocks <tips@stocks.example>" to="undisclosed-recipients:;" subject="This stock will triple" date=2024-01-06
# One sender repeating a template, but for its numbers: judged until the
# fourth, then a robot writing as a person, not judged.  A sender whose
# subjects differ is judged every time.
for h in 1 2 3 4; do
    new "$( [ $h -lt 4 ] && echo no-history)" from="Pete Davids <pete@ops.example>" \
	subject="Start Date: 1/0$h/24; HourAhead hour: 1$h; <CODESITE>" date="2024-01-0$h 0$h:00"
    idea=(- "A garden plan" "About the bridge" "Your talk in May" "One more question")
    new "no-history" from="Chatty Stranger <chatty@far.example>" subject="${idea[$h]}" date="2024-01-0$h 0$h:30"
done
# Gina's reports: what she sends now counts, not her first twenty
# messages: judged until three reports came before, then not judged.
for h in 1 2 3 4; do
    new "$( [ $h -lt 4 ] && echo no-history)" from="Gina Switch <gina@shift.example>" \
	subject="Daily load 1/0$h/24: 1${h}00 MW" date="2024-01-0$h 0$h:10"
done
# One sender broadcasting to a distribution list, never naming me: judged
# until two such messages came before, then an announcement, not judged.
for h in 1 2 3; do
    notice=(- "Floor meeting" "Parking garage closed" "Fire drill on Friday")
    new "$( [ $h -lt 3 ] && echo no-history)" from="Office Notices <notices@corp.example>" to="all-staff@corp.example" \
	subject="${notice[$h]}" date="2024-01-0$h 0$h:40"
done
# The office manager's notices to the whole floor, me among them: judged
# until two such messages came before.  Her message to me and two
# others is her own approach, judged every time.
floor="Me Myself <$ME>, a1@corp.example, a2@corp.example, a3@corp.example, a4@corp.example, a5@corp.example, a6@corp.example, a7@corp.example"
for h in 1 2 3; do
    notice=(- "All employee meeting" "Timekeeping process" "Billing your time")
    new "$( [ $h -lt 3 ] && echo no-history)" from="Floor Manager <floor@corp.example>" to="$floor" \
	subject="${notice[$h]}" date="2024-01-0$h 0$h:50"
done
new "no-history" from="Floor Manager <floor@corp.example>" to="Me Myself <$ME>, a1@corp.example" subject="Your badge" date="2024-01-04 04:50"
new "no-history introduced" from="Newbie One <newbie1@x.example>" cc="Alice Liddell <alice@wonder.example>" subject="Alice said I should write" date=2024-01-07
new "no-history introduced" from="Newbie Two <newbie2@x.example>" subject="Re: Meet my colleague" reply="$alice_thread" date=2024-01-08
new "request" from="Alice Liddell via LinkedIn <invitations@linkedin.com>" subject="Alice Liddell wants to connect" date=2024-01-10 "$LI"
new "request" from="Jurgen Muller via LinkedIn <invitations@linkedin.com>" subject="Jurgen Muller wants to connect" date=2024-01-10 "$LI"
new "request" from="=?UTF-8?Q?M=C3=BCller=2C_J=C3=BCrgen?= <member@linkedin.com>" subject="Invitation to connect on LinkedIn" date=2024-01-10 "$LI"
new "request" from="Anna Schmidt <invitations@linkedin.com>" subject="Anna, please add me to your LinkedIn network" date=2024-01-10 "$LI"
new "request no-history" from="Bob Stranger via LinkedIn <invitations@linkedin.com>" subject="Bob Stranger wants to connect" date=2024-01-11 "$LI" \
    body="Bob Stranger wants to connect. You are receiving invitation emails. Manage your email preferences or unsubscribe from these emails."
new "request" from="Jennifer McQuade via LinkedIn <invitations@linkedin.com>" subject="Jennifer McQuade wants to connect" date=2024-01-11 "$LI"
new "request" from="Chris Smith via LinkedIn <invitations@linkedin.com>" subject="Chris Smith wants to connect" date=2024-01-11 "$LI"
new "request" from="Lukasz Walesa via LinkedIn <invitations@linkedin.com>" subject="Lukasz Walesa wants to connect" date=2024-01-11 "$LI"
new "request" from="Orjan Lindstrom via LinkedIn <invitations@linkedin.com>" subject="Orjan Lindstrom wants to connect" date=2024-01-11 "$LI"
new "request no-history" from="XING <invitations@mail.xing.com>" subject="Karl Fremd möchte Sie als Kontakt hinzufügen" date=2024-01-12
new "request" from="Facebook <notification@facebookmail.com>" subject="Alice Liddell wants to be friends on Facebook" date=2024-01-12
new "request no-history" from="Meetup <info@email.meetup.com>" subject="Mia Meet invited you to Hiking Club" date=2024-01-12
new "request" from="Octavia Butler <noreply@github.com>" subject="[GitHub] @obutler has invited you to join the acme organization" date=2024-01-13 header="X-GitHub-Sender: obutler"
# LinkedIn InMail: a person writing, judged by name, never a request.
new "no-history" from="Rahul Mehta via LinkedIn <inmail-hit-reply@linkedin.com>" subject="A role at Example Robotics" date=2024-01-13 header="X-LinkedIn-Class: INMAIL"
new "" from="Alice Liddell via LinkedIn <inmail-hit-reply@linkedin.com>" subject="Quick question about Lisbon" date=2024-01-13 header="X-LinkedIn-Class: INMAIL"
# calendar_invite ID NAME ADDRESS: a text/calendar METHOD:REQUEST message.
calendar_invite () {
    cat >"$MAIL_DIR/cur/cal-$1:2,S" <<CAL
From: $2 <$3>
To: $ME
Subject: Invitation: Sync
Date: Sun, 14 Jan 2024 12:00:00 +0000
Message-ID: <$1>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

You are invited to Sync.
--b1
Content-Type: text/calendar; method=REQUEST; charset=utf-8

BEGIN:VCALENDAR
METHOD:REQUEST
BEGIN:VEVENT
ORGANIZER;CN="$2":mailto:$3
SUMMARY:Sync
END:VEVENT
END:VCALENDAR
--b1--
CAL
}
calendar_invite cal-stranger@test.example "Stan Ger" stan@ger.example
expect[cal-stranger@test.example]="request no-history"
calendar_invite cal-alice@test.example "Alice Liddell" alice@wonder.example
expect[cal-alice@test.example]=""

# The user's own tags on some new mail before kith sees it: set by a
# post-new hook that runs... no: by hand, below, after a --no-hooks run.
test_begin "notmuch new --no-hooks does not run kith"
notmuch new --quiet --no-hooks
test_expect_equal "0" "$(notmuch count tag:no-history or tag:request or tag:introduced)"

# The user (or afew) tags some of the new mail, including a tag that
# happens to be called like one of kith's.
notmuch tag +work +request -- from:alice@wonder.example and subject:Lunch
notmuch tag +todo -- from:cold@sales.example
notmuch dump >"$TMP/dump-before"

test_begin "the next notmuch new runs the hook, which judges the mail added without hooks"
add_message from="Late Cold <late@cold.example>" subject="Hi" date=2024-01-20 >/dev/null
expect[msg-late]=""
notmuch new --quiet 2>"$TMP/new.err"
test_expect_equal "0 " "$? $(cat "$TMP/new.err")"

test_begin "every message got exactly the expected kith tags"
bad=""
for id in "${!expect[@]}"; do
    [ "$id" = msg-late ] && continue
    got=$(notmuch search --output=tags "id:$id" | grep -xE 'no-history|request|introduced' | sort | tr '\n' ' ')
    want=$(printf '%s\n' ${expect[$id]} | grep . | sort | tr '\n' ' ')
    # Alice's lunch mail carries the user's own "request" tag.
    [ "$(notmuch search --output=files "id:$id" | xargs grep -l 'Subject: Lunch' 2>/dev/null)" ] && want="request "
    [ "$got" = "$want" ] || bad="$bad id:$id want [$want] got [$got];"
done
test_expect_equal "" "$bad"

test_begin "the late cold sender is no-history too"
test_expect_equal "1" "$(notmuch count from:late@cold.example and tag:no-history)"

# prop ID KEY: the value of a message property ("-" if none), via notmuch dump.
prop () {
    notmuch dump --include=properties "id:$1" >"$TMP/prop.dump"
    python3 -c 'import sys, urllib.parse
for line in open(sys.argv[1]):
    if line.startswith("#= "):
        for kv in line.split()[2:]:
            k, _, v = kv.partition("=")
            if urllib.parse.unquote(k) == sys.argv[2]:
                print(urllib.parse.unquote(v)); sys.exit(0)
print("-")' "$TMP/prop.dump" "$2"
}
id_of () { notmuch search --output=messages "$@" | head -1 | sed 's/^id://'; }

test_begin "a known inviter: kith.verdict known, kith.match her address, kith.person the name"
id=$(id_of subject:"Alice Liddell wants to connect")
test_expect_equal "known alice@wonder.example Alice Liddell LinkedIn" "$(prop "$id" kith.verdict) $(prop "$id" kith.match) $(prop "$id" kith.person) $(prop "$id" kith.platform)"

test_begin "an accent-less name matches the accented one"
id=$(id_of subject:"Jurgen Muller wants to connect")
test_expect_equal "known j.mueller@firma.example" "$(prop "$id" kith.verdict) $(prop "$id" kith.match)"

test_begin "a 'Last, First' RFC 2047 name matches"
id=$(id_of from:member@linkedin.com)
test_expect_equal "known j.mueller@firma.example" "$(prop "$id" kith.verdict) $(prop "$id" kith.match)"

test_begin "a name without the middle name matches (please add me to your network)"
id=$(id_of subject:"please add me")
test_expect_equal "known anna@schmidt.example" "$(prop "$id" kith.verdict) $(prop "$id" kith.match)"

test_begin "a known inviter whose mail has no display name: her address spells the name"
id=$(id_of subject:"Jennifer McQuade wants to connect")
test_expect_equal "known jennifer.mcquade@corp.example" "$(prop "$id" kith.verdict) $(prop "$id" kith.match)"

test_begin "show finds her by that name too"
test_expect_equal "jennifer.mcquade@corp.example" "$(notmuch kith show "Jennifer McQuade" | head -1)"

test_begin "two known people with the same name: ambiguous, reported, not guessed"
id=$(id_of subject:"Chris Smith wants to connect")
test_expect_equal "ambiguous -" "$(prop "$id" kith.verdict) $(prop "$id" kith.match)"

test_begin "an inviter's name without ł matches Łukasz Wałęsa"
id=$(id_of subject:"Lukasz Walesa wants to connect")
test_expect_equal "known lukasz@poczta.example" "$(prop "$id" kith.verdict) $(prop "$id" kith.match)"

test_begin "Ørjan Lindstrøm and Orjan Lindstrom fold alike: ambiguous, not guessed"
id=$(id_of subject:"Orjan Lindstrom wants to connect")
test_expect_equal "ambiguous -" "$(prop "$id" kith.verdict) $(prop "$id" kith.match)"

test_begin "a stranger's invitation: verdict no-history"
id=$(id_of subject:"Bob Stranger")
test_expect_equal "no-history Bob Stranger" "$(prop "$id" kith.verdict) $(prop "$id" kith.person)"

test_begin "GitHub: the person is the display name, matched"
id=$(id_of from:noreply@github.com)
test_expect_equal "GitHub known dev@octo.example" "$(prop "$id" kith.platform) $(prop "$id" kith.verdict) $(prop "$id" kith.match)"

test_begin "an InMail from a stranger: no-history, kith.person set, no request"
id=$(id_of subject:"A role at Example Robotics")
test_expect_equal "no-history Rahul Mehta LinkedIn -" "$(prop "$id" kith.verdict) $(prop "$id" kith.person) $(prop "$id" kith.platform) $(notmuch search --output=tags "id:$id" | grep -x request || echo -)"

test_begin "an InMail from a friend: known, matched by name, not no-history"
id=$(id_of subject:"Quick question about Lisbon")
test_expect_equal "known alice@wonder.example Alice Liddell -" "$(prop "$id" kith.verdict) $(prop "$id" kith.match) $(prop "$id" kith.person) $(notmuch search --output=tags "id:$id" | grep -xE 'request|no-history' || echo -)"

test_begin "tag --dry-run --verbose shows the person behind an InMail"
kith tag --dry-run --verbose subject:"Quick question about Lisbon" >"$TMP/inmail-dry.out"
test_expect_equal "1" "$(grep -c '\[LinkedIn: Alice Liddell, known\]' "$TMP/inmail-dry.out")"

test_begin "introduced: kith.introducer names the person I know"
id=$(id_of from:newbie1@x.example)
id2=$(id_of from:newbie2@x.example)
test_expect_equal "alice@wonder.example alice@wonder.example" "$(prop "$id" kith.introducer) $(prop "$id2" kith.introducer)"

test_begin "tag:request and not tag:no-history lists exactly the invitations from people I know (and ambiguous ones)"
notmuch search --output=messages tag:request and not tag:no-history and not from:alice@wonder.example >"$TMP/known-req"
test_expect_equal "10" "$(wc -l <"$TMP/known-req")"

test_begin "no tag other than kith's changed (notmuch dump before/after)"
notmuch dump >"$TMP/dump-after"
strip () { sed -E 's/ \+(no-history|request|introduced)( |$)/\2/g; s/ \+(no-history|request|introduced)( |$)/\2/g' "$1" | grep -v '^#' | sort; }
# The user's own "request" tag on Alice's lunch mail must still be there.
grep -q '+request.*' "$TMP/dump-before" && true
strip "$TMP/dump-before" >"$TMP/b"
strip "$TMP/dump-after" | grep -v 'late@cold\|msg-[0-9]*@test.example' >/dev/null
# compare tag by tag for the messages that existed before
ok=1
while read -r line; do
    id=${line##* -- }
    after=$(grep -F -- " -- $id" "$TMP/dump-after")
    for t in $(echo "${line%% -- *}" | tr ' ' '\n' | grep '^+'); do
	case "$after" in *"$t "*|*"$t -- "*) ;; *) ok=0; echo "# lost $t on $id" ;; esac
    done
done < <(grep -v '^#' "$TMP/dump-before")
test_expect_equal 1 "$ok"

test_begin "the user's own tag named 'request' survives a retro kith tag"
kith tag 'from:alice@wonder.example and subject:Lunch' >"$TMP/retro.out"
test_expect_equal "1" "$(notmuch count from:alice@wonder.example and subject:Lunch and tag:request and tag:work)"

test_begin "retro tag --dry-run changes nothing"
notmuch dump --include=tags --include=properties >"$TMP/d1"
kith tag --dry-run '*' >"$TMP/dry.out"
notmuch dump --include=tags --include=properties >"$TMP/d2"
test_expect_equal_file "$TMP/d1" "$TMP/d2"

test_begin "retro tag --dry-run says what it would do (Dora's first mail, before I answered)"
test_expect_equal "1" "$(grep -c "would tag +no-history -- id:$dora " "$TMP/dry.out")"

test_begin "retro tag --dry-run ends with how many messages would gain or lose each tag"
# The count of each "+TAG" / "-TAG" in the summary equals the number of
# "would tag" lines that name it, and the messages the number of lines.
expect_tally=$(grep '^would tag ' "$TMP/dry.out" | sed 's/ -- id:.*//; s/^would tag //' | tr ' ' '\n' |
    grep . | sort | uniq -c | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ": "), $2, $1 }')
last=$(tail -1 "$TMP/dry.out")
total=$(echo "$last" | sed -n 's/^would change [0-9]* of \([0-9]*\) messages.*/\1/p')
test_expect_equal "would change $(grep -c '^would tag ' "$TMP/dry.out") of $total messages$expect_tally 1" \
    "$last $(( total >= 40 && total <= $(notmuch count not from:$ME) ))"

test_begin "retro tag on a terminal shows its progress on stderr, --quiet does not"
# script(1) gives the command a terminal; --dry-run keeps it read-only.
count=$(notmuch count '*')
script -qec "notmuch kith tag --dry-run '*' >/dev/null" /dev/null >"$TMP/tty.out" 2>&1
script -qec "notmuch kith tag --dry-run --quiet '*' >/dev/null" /dev/null >"$TMP/tty-quiet.out" 2>&1
test_expect_equal "1 0" "$(tr '\r' '\n' <"$TMP/tty.out" | grep -c "^kith: $count/$count messages") $(grep -c 'kith: ' "$TMP/tty-quiet.out")"

test_begin "requests lists pending invitations with person, verdict and evidence"
kith requests --format=json >"$TMP/req.json"
test_expect_equal "14" "$(json_eval "$TMP/req.json" "len(j)")"

test_begin "requests JSON has the contract keys"
test_expect_equal "True" "$(json_eval "$TMP/req.json" "all(all(k in r for k in ('message_id','date','platform','person','verdict','match')) for r in j)")"

test_begin "requests text shows the evidence of a known inviter"
kith requests >"$TMP/req.txt"
test_expect_equal "2" "$(grep -c 'Alice Liddell .*known .*conversation' "$TMP/req.txt")"

test_begin "requests --all includes those archived out of the inbox"
notmuch tag -inbox -- subject:"Bob Stranger"
kith requests --format=json >"$TMP/req2.json"
kith requests --all --format=json >"$TMP/req3.json"
test_expect_equal "13 14" "$(json_eval "$TMP/req2.json" "len(j)") $(json_eval "$TMP/req3.json" "len(j)")"

# A platform's address is never a person: no contact, no names, in no
# verb; show says what it is and who is behind its mail.
platform_listed () { # the @linkedin.com addresses who --all and complete list
    kith who --all --format=json >"$TMP/pl-who.json"
    { json_eval "$TMP/pl-who.json" "' '.join(c['address'] for c in j)"; echo
      for p in a al inv lin mem Alice Bob Jurgen; do kith complete "$p"; done; } |
	tr ' ' '\n' | grep -c '@linkedin\.com' || true
}
test_begin "a platform's address is in neither who --all nor complete"
test_expect_equal "0" "$(platform_listed)"

test_begin "no platform address is 'likely also' someone (it collects no names)"
add_message from="Alice Liddell <messages-noreply@linkedin.com>" subject="Alice Liddell sent you a message" date=2024-01-14 header="X-LinkedIn-Class: MESSAGE" >/dev/null
notmuch_new --no-hooks
kith index >/dev/null
kith show alice@wonder.example >"$TMP/alice-show.txt"
test_expect_equal "0 0" "$? $(grep -c 'linkedin' "$TMP/alice-show.txt")"

test_begin "show of a platform's address says it is one and lists the people behind its mail"
kith show invitations@linkedin.com >"$TMP/pl-show.txt"
test_expect_equal "0 1 1 1" "$? $(grep -c "^invitations@linkedin.com is LinkedIn's address: a platform, not a person\.\$" "$TMP/pl-show.txt") $(grep -c 'LinkedIn  *Bob Stranger  *no-history' "$TMP/pl-show.txt") $(grep -c 'LinkedIn  *Alice Liddell  *known .*conversation' "$TMP/pl-show.txt")"

test_begin "show --format=json of a platform's address: person false, its judged mail"
kith show --format=json inmail-hit-reply@linkedin.com >"$TMP/pl-show.json"
test_expect_equal "LinkedIn False Alice Liddell:known Rahul Mehta:no-history" \
    "$(json_eval "$TMP/pl-show.json" "j['platform'], j['person'], ' '.join(sorted(m['person'] + ':' + m['verdict'] for m in j['mail']))" | tr -d "(),'")"

# The rules decide what a platform is: with LinkedIn's rules switched
# off, its addresses are contacts again (no re-mining), and back.
printf '[linkedin-invitation]\nenabled=false\n[linkedin-message]\nenabled=false\n[linkedin-inmail]\nenabled=false\n' >"$TMP/no-li.conf"
test_begin "a rules change makes an address a platform's, or a person's, at the next index"
notmuch config set kith.rules "$TMP/no-li.conf"
kith index --format=json >"$TMP/pl-idx1.json"
off=$(platform_listed)
notmuch config set kith.rules
kith index --format=json >"$TMP/pl-idx2.json"
test_expect_equal "yes False 0 False" "$([ "$off" -gt 0 ] && echo yes || echo "no ($off)") $(json_eval "$TMP/pl-idx1.json" "j['rebuilt']") $(platform_listed) $(json_eval "$TMP/pl-idx2.json" "j['rebuilt']")"

test_begin "after the rules changed twice, the store is the one a rebuild makes"
kith who --all --format=json >"$TMP/pl-inc.json"
kith index --rebuild >/dev/null 2>&1
kith who --all --format=json >"$TMP/pl-reb.json"
test_expect_equal_file "$TMP/pl-inc.json" "$TMP/pl-reb.json"

test_begin "an invitation from someone I do not know yet: no-history"
add_message from="Pat Later via LinkedIn <invitations@linkedin.com>" subject="Pat Later wants to connect" date=2024-01-20 "$LI" >/dev/null
notmuch new --quiet
id=$(id_of subject:"Pat Later wants to connect")
test_expect_equal "no-history Pat Later" "$(prop "$id" kith.verdict) $(prop "$id" kith.person)"

test_begin "judged again after Pat became known: still no-history (history before the invitation)"
known_with pat@later.example "Pat Later" 2024-03-01
notmuch new --quiet
kith tag subject:"Pat Later wants to connect" >"$TMP/retro-pat.out"
test_expect_equal "no-history - no-history request" "$(prop "$id" kith.verdict) $(prop "$id" kith.match) $(notmuch search --output=tags "id:$id" | grep -xE 'request|no-history' | sort | tr '\n' ' ' | sed 's/ $//')"

test_begin "a later invitation from Pat is known"
add_message from="Pat Later via LinkedIn <invitations@linkedin.com>" subject="Reminder: Pat Later invited you to connect" date=2024-04-01 "$LI" >/dev/null
notmuch new --quiet
id=$(id_of subject:"Reminder: Pat Later invited you to connect")
test_expect_equal "known pat@later.example" "$(prop "$id" kith.verdict) $(prop "$id" kith.match)"

# Verdicts that stay right: my sent copy, dated before the reply to it,
# arrives in a later notmuch new than the reply.
late_pair () { # NAME ADDRESS: their reply now, my message it answers later
    add_message from="$1 <$2>" to="$ME" subject="Re: Proposal $1" reply="sent-$1@late.example" \
	date="$(date -u -R -d '-2 days')" >/dev/null
    notmuch new --quiet
    notmuch tag +user-kept -- from:"$2"
    add_message from="Me Myself <$ME>" to="$1 <$2>" subject="Proposal $1" id="sent-$1@late.example" \
	date="$(date -u -R -d '-3 days')" >/dev/null
}
test_begin "a reply judged no-history before my message arrived is judged again when it does"
late_pair Quinn quinn@late.example
before=$(notmuch search --output=tags from:quinn@late.example | grep -c -x no-history)
notmuch new --quiet
test_expect_equal "1 0 1" "$before $(notmuch count from:quinn@late.example and tag:no-history) $(notmuch count from:quinn@late.example and tag:user-kept)"

test_begin "and when my message arrives through notmuch insert (post-insert hook)"
add_message from="Sid Insert <sid@late.example>" to="$ME" subject="Re: Proposal Sid" reply="sent-sid@late.example" \
    date="$(date -u -R -d '-2 days')" >/dev/null
notmuch new --quiet
before=$(notmuch count from:sid@late.example and tag:no-history)
printf 'From: Me Myself <%s>\nTo: Sid Insert <sid@late.example>\nSubject: Proposal Sid\nDate: %s\nMessage-ID: <sent-sid@late.example>\n\nHi\n' \
    "$ME" "$(date -u -R -d '-3 days')" | notmuch insert
test_expect_equal "1 0" "$before $(notmuch count from:sid@late.example and tag:no-history)"

test_begin "with kith.rejudge_days=0 it is not"
notmuch config set kith.rejudge_days 0
late_pair Rory rory@late.example
notmuch new --quiet
notmuch config set kith.rejudge_days
test_expect_equal "1" "$(notmuch count from:rory@late.example and tag:no-history)"

test_begin "nor when the verdict is older than kith.rejudge_days"
add_message from="Old Timer <old@late.example>" to="$ME" subject="Re: Proposal Old" reply="sent-old@late.example" \
    date="$(date -u -R -d '-60 days')" >/dev/null
notmuch new --quiet
add_message from="Me Myself <$ME>" to="Old Timer <old@late.example>" subject="Proposal Old" id="sent-old@late.example" \
    date="$(date -u -R -d '-61 days')" >/dev/null
notmuch new --quiet
test_expect_equal "1" "$(notmuch count from:old@late.example and tag:no-history)"

test_begin "notmuch insert runs the post-insert hook"
{
    printf 'From: Insert Cold <insert@cold.example>\nTo: %s\nSubject: Inserted\nDate: %s\nMessage-ID: <inserted@test.example>\n\nHi\n' "$ME" "$(date -u -R -d 2024-02-01)"
} | notmuch insert
test_expect_equal "1" "$(notmuch count id:inserted@test.example and tag:no-history)"

test_begin "an unreadable message is a warning, not a failed notmuch new"
add_message from="Odd <odd@example.com>" subject="odd" date=2024-02-02 >/dev/null
printf 'From: \001\002\377\n\n' >"$MAIL_DIR/cur/zz-garbage:2,S"
notmuch new --quiet >"$TMP/out" 2>"$TMP/err"
test_expect_equal "0" "$?"

test_done
