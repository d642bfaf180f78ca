#!/usr/bin/env bash
# T082-complete-memory: completion's memory is the owner's own (README:
# "Completion: whom I write to next"): the index replays the owner's
# latest mail and keeps the half-life (7, 28 or 112 days) under which the
# people written to ranked best.  Two simulated owners, each labelled by
# the rhythm the simulation gave them, not by kith's rule: one who works
# in weekly bursts with new people (a short memory), one who writes to the
# same people at a steady rhythm for years (a long one).
. "$(dirname "$0")/lib.sh"

write_config

# owner KIND FIRST_N: write KIND's mail (bursty or steady) into the
# Maildir, message numbers from FIRST_N; prints the number of the last.
owner () {
    python3 - "$MAIL_DIR" "$ME" "$1" "$2" <<'EOF'
import os, random, sys, email.utils
mail, me, kind, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
os.makedirs(os.path.join(mail, "cur"), exist_ok=True)
rng = random.Random(7)
start = 1700000000  # 2023-11-14
def write(date, frm, to, subject, reply=None):
    global n
    n += 1
    mid = "%s-%d@memory.test" % (kind, n)
    head = ["From: %s" % frm, "To: %s" % to, "Subject: %s" % subject,
            "Date: %s" % email.utils.formatdate(date), "Message-ID: <%s>" % mid]
    if reply:
        head += ["In-Reply-To: <%s>" % reply, "References: <%s>" % reply]
    with open(os.path.join(mail, "cur", "%s%06d:2,S" % (kind, n)), "w") as f:
        f.write("\n".join(head) + "\nMIME-Version: 1.0\nContent-Type: text/plain\n\nHi.\n")
    return mid
day = 86400
if kind == "bursty":
    # 40 weeks, each a project with two new people: I write to each on
    # most days of the week, they answer; never again after the week.
    for week in range(40):
        for p in range(2):
            who = "P%d.%d <p%d.%d@bursts.example>" % (week, p, week, p)
            for d in range(7):
                if rng.random() < 0.6:
                    t = start + (week * 7 + d) * day + p * 600
                    m = write(t, "Me Myself <%s>" % me, who, "Project %d" % week)
                    write(t + 3 * 3600, who, me, "Re: Project %d" % week, m)
else:
    # three years; twenty people, each written to at a rhythm of their
    # own (every week to every two months, give or take a fifth), half
    # of the messages answered.
    for c in range(20):
        period = 7 + c * (60 - 7) / 19.0
        who = "Regular %d <r%d@steady.example>" % (c, c)
        d = rng.uniform(0, period)
        while d < 3 * 365:
            t = start + int(d * day) + c * 60
            m = write(t, "Me Myself <%s>" % me, who, "News %d" % c)
            if rng.random() < 0.5:
                write(t + 6 * 3600, who, me, "Re: News %d" % c, m)
            d += period * rng.uniform(0.8, 1.2)
print(n)
EOF
}

memory () {
    kith status --format=json >"$TMP/status.json"
    json_eval "$TMP/status.json" "j['completion_memory_days']"
}
meta () {
    python3 -c 'import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute("SELECT value FROM meta WHERE key = ?", (sys.argv[2],)).fetchone()
print(r[0] if r else "")' "$MAIL_DIR/.notmuch/kith.db" "$1"
}

test_begin "a mailbox with nothing to replay (one message of mine, to someone new) gets the default, 28 days"
add_message from="Me Myself <$ME>" to="Ann <ann@example.com>" date=2020-01-01 >/dev/null
notmuch_new
kith index
test_expect_equal "28 28" "$(memory) $(meta pull_memory)"

test_begin "an owner who works in weekly bursts with new people gets the short memory, 7 days"
rm -rf "$MAIL_DIR/cur" "$MAIL_DIR/new"
last=$(owner bursty 0)
notmuch_new
kith index
test_expect_equal "7 0" "$(memory) $(meta pull_unreplayed)"

test_begin "status says so in its text too"
kith status >"$TMP/status.txt"
test_expect_equal "1" "$(grep -c '^completion     remembers 7 days' "$TMP/status.txt")"

test_begin "an owner who writes to the same people at a steady rhythm gets the long memory, 112 days"
rm -rf "$MAIL_DIR/cur"
owner steady "$last" >/dev/null
notmuch_new
kith index
test_expect_equal "112" "$(memory)"

test_begin "a rebuild picks the same"
kith index --rebuild >/dev/null
test_expect_equal "112" "$(memory)"

test_begin "new messages of mine wait for ten, or a fiftieth of those the replay read; then it runs again"
read=$(meta pull_replayed)
due=$((read / 50 > 10 ? read / 50 : 10))
for i in $(seq 1 $((due - 1))); do
    add_message from="Me Myself <$ME>" to="Regular 0 <r0@steady.example>" subject="More $i" \
	date="$(printf '2026-10-%02d' "$i")" >/dev/null
done
add_message from="Someone <someone@else.example>" subject="Not mine" date=2026-10-30 >/dev/null
notmuch_new
kith index
waiting=$(meta pull_unreplayed)
add_message from="Me Myself <$ME>" to="Regular 0 <r0@steady.example>" subject="More, due" \
    date=2026-10-31 >/dev/null
notmuch_new
kith index
# (the steady owner wrote some 650 messages: a fiftieth is more than ten)
test_expect_equal "1 $((due - 1)) 0 $((read + due))" \
    "$((due > 10)) $waiting $(meta pull_unreplayed) $(meta pull_replayed)"

test_done
