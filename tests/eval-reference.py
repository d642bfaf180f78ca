#!/usr/bin/env python3
"""eval-reference - who a mailbox's owner corresponded with, read off the mail (make eval).

Usage:
    tests/eval-reference.py mailboxes README.md
        the table of ../shared/corpora/real/README.md as TSV lines:
        name, folder, owner's addresses (';'-separated), owner
    tests/eval-reference.py owners NOTMUCH-CONFIG
        user.primary_email and user.other_email as one ';'-separated line
    tests/eval-reference.py reference MAILDIR OWNERS OUT.json
        the reference of one mailbox (OWNERS: ';'-separated addresses)
    tests/eval-reference.py report NAME REF.json ALL.json TOP.txt ROW.tsv
        the block of one mailbox on stdout, its row of the final table in ROW.tsv
        (ALL.json: `who --tier=none --format=json`; TOP.txt: `who --limit=20`)
    tests/eval-reference.py generated TRUTH.tsv ALL.json
        precision/recall against tests/gen-mailbox's truth by intent
    tests/eval-reference.py split MAILDIR FRACTION HIST-DIR LATER-DIR
        copy the mail files in date order: the first FRACTION to HIST-DIR,
        the rest to LATER-DIR (the hook mode of eval.sh)
    tests/eval-reference.py hookreport HIST-REF.json SENDERS.txt COUNTS HOOK.tsv
        the hook mode's lines: no-history verdicts against the reference of
        the history part (SENDERS.txt: `notmuch address --output=sender
        tag:no-history`; COUNTS: new, tagged and request counts)
    tests/eval-reference.py summary ROW.tsv...
        the final table, one row per mailbox, then the micro-averaged total

The reference is independent of kith on purpose: it reads every file with
Python's email package (compat32, the lenient policy), reads addresses with
its own tolerant parser and decides with its own rules, never with kith's
code, rules or tests.  Real headers are read as they are: local parts with
consecutive dots (k..allen@enron.com) and quoted local parts ("j.doe"@x is
j.doe@x) are kept, addresses are lower-cased, and a From rewritten by a list
for DMARC ("Name via Foo <foo@lists.example>", or From equal to the list's
List-Post address) is read as X-Original-From, else as Reply-To unless that
is the list.  The same mail filed twice is counted once: messages are keyed
on Message-ID and on (from, Date header, subject, To).

A message is
  mine          when its author is one of the owner's addresses;
  automated     when it has Auto-Submitted other than "no", Precedence
                bulk/junk/auto_reply, X-Autoreply/X-Autorespond,
                List-Unsubscribe without List-Post (a newsletter), an author
                whose local part is noreply/no-reply/donotreply/mailer-daemon/
                postmaster/notification(s), contains "bounce" or is a bot (see below), a
                robot's display name, a text/calendar part with
                method=REPLY, or a subject starting Accepted:, Declined:,
                Tentative:, Automatic reply:, Out of Office, Auto-reply,
                Undeliverable:, Returned mail:, Delivery Status Notification;
  through a list when it has List-Id or List-Post (list mail is not
                automated).
The list addresses are the List-Post mailto addresses and, for each List-Id
<foo.lists.example>, foo@lists.example, each with its -request, -owner and
-bounces siblings, and every address at a list host (lists.*, listserv.*,
googlegroups.com).  Robots are also known by their local part (-bot, bot+)
or display name ("kernel test robot").  An automated sender is an address
all of whose messages are automated.

An address X (not the owner's, not a list's) is in the reference "all" when
the owner wrote at least one message that is not automated with X in To,
Cc or Bcc (only the sender's copy has a Bcc), and X wrote at least one
message that is not automated with one of the owner's addresses in To or
Cc (through a list or not: a review sent To: the maintainer, Cc: the list,
is direct; a reply on the list that names only the list is not).  It is
"strong" when there are at least two such messages each way and the first
and last of them are more than seven days apart.  Dates before 1990 or in the future are ignored.

Scores of kith (tier weak or better is "listed"; a contact counts with all
the addresses kith merged into it):
  recall strong = strong addresses listed / strong
  recall all    = "all" addresses listed / all
  precision     = listed contacts with an address in "all" / listed contacts
"""

import collections
import configparser
import datetime
import email
import email.header
import email.policy
import email.utils
import json
import os
import re
import shutil
import sys

WEAK_PLUS = ("weak", "known", "close")
KNOWN_PLUS = ("known", "close")
SHOW = 5  # examples listed per finding
NOW = datetime.datetime.now(datetime.timezone.utc)
FLOOR = datetime.datetime(1990, 1, 1, tzinfo=datetime.timezone.utc)


# --- reading headers ---------------------------------------------------------

def header_text(value):
    """A header value (str or email.header.Header) as text, encoded words decoded."""
    if value is None:
        return ""
    try:
        text = str(email.header.make_header(email.header.decode_header(str(value))))
    except Exception:
        text = str(value)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def raw_text(value):
    """A header value as text, encoded words left alone (addresses live outside them)."""
    if value is None:
        return ""
    return str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def split_mailboxes(value):
    """Split an address-list header into (display name, address) pairs.

    Tolerant on purpose: comments are dropped, commas inside quotes and
    angle brackets do not split, group syntax (undisclosed-recipients:;) is
    skipped, and whatever holds an '@' is taken as the address."""
    items, cur, i, n = [], [], 0, len(value)
    angle = False
    while i < n:
        ch = value[i]
        if ch == '"':
            j = i + 1
            while j < n and value[j] != '"':
                j += 2 if value[j] == "\\" else 1
            cur.append(value[i:j + 1])
            i = j + 1
            continue
        if ch == "(" and not angle:
            depth, i = 1, i + 1
            while i < n and depth:
                if value[i] == "\\":
                    i += 1
                elif value[i] == "(":
                    depth += 1
                elif value[i] == ")":
                    depth -= 1
                i += 1
            cur.append(" ")
            continue
        if ch == "<":
            angle = True
        elif ch == ">":
            angle = False
        elif ch in ",;" and not angle:
            items.append("".join(cur))
            cur = []
            i += 1
            continue
        elif ch == ":" and not angle and "@" not in "".join(cur) and "<" not in "".join(cur):
            cur = []          # a group's name
            i += 1
            continue
        cur.append(ch)
        i += 1
    items.append("".join(cur))
    out = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        m = re.search(r"<([^<>]*)>[^<>]*$", item)
        if m:
            spec, name = m.group(1), item[:m.start()]
        else:
            tokens = [t for t in re.split(r"\s+", item) if "@" in t]
            spec, name = (tokens[-1] if tokens else ""), ""
        addr = normalize(spec)
        if addr:
            out.append((unquote_name(name), addr))
    return out


def unquote_name(name):
    name = name.strip()
    if len(name) >= 2 and name[0] == '"' and name[-1] == '"':
        name = name[1:-1]
    return re.sub(r"\\(.)", r"\1", name).strip()


def normalize(spec):
    """An addr-spec, read tolerantly, lower-cased; '' when it is not one."""
    spec = "".join(spec.split())
    if spec.lower().startswith("mailto:"):
        spec = spec[7:].split("?", 1)[0]
    if spec.startswith("@") and ":" in spec:      # obsolete route
        spec = spec.split(":", 1)[1]
    if not re.match(r'^".*"@', spec):
        spec = spec.strip("'\"`,;")
    if "@" not in spec:
        return ""
    local, domain = spec.rsplit("@", 1)
    if len(local) >= 2 and local[0] == '"' and local[-1] == '"':
        local = re.sub(r"\\(.)", r"\1", local[1:-1])
    local = local.strip("'\"`")
    domain = domain.strip("'\"`.,;[]").rstrip(".")
    if not local or not domain:
        return ""
    return (local + "@" + domain).lower()


def addresses(msg, *names):
    out = []
    for name in names:
        for v in msg.get_all(name) or []:
            out.extend(a for _, a in split_mailboxes(raw_text(v)))
    return out


def list_addresses(msg):
    """The list's own addresses named by List-Post and List-Id."""
    found = set()
    for v in msg.get_all("List-Post") or []:
        for m in re.finditer(r"mailto:([^>?,\s]+)", raw_text(v), re.I):
            a = normalize(m.group(1))
            if a:
                found.add(a)
    for v in msg.get_all("List-Id") or []:
        m = re.search(r"<([^<>@\s]+)>", raw_text(v))
        if m and "." in m.group(1):
            local, domain = m.group(1).lower().split(".", 1)
            found.add(local + "@" + domain)
    more = set()
    for a in found:
        local, domain = a.split("@", 1)
        for tail in ("-request", "-owner", "-bounces"):
            more.add(local + tail + "@" + domain)
    return found | more


def parse_date(value):
    """The Date header as an aware datetime, None when absent, unreadable or implausible."""
    if not value:
        return None
    try:
        d = email.utils.parsedate_to_datetime(raw_text(value).strip())
    except Exception:
        return None
    if d is None:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    if d < FLOOR or d > NOW + datetime.timedelta(days=1):
        return None
    return d


# --- judging a message -------------------------------------------------------

AUTO_SUBJECT = re.compile(
    r"\s*(accepted|declined|tentative(ly accepted)?|automatic reply|auto[- ]?reply|"
    r"out of (the )?office|undeliverable|returned mail|delivery status notification|"
    r"undelivered mail)\b", re.I)
AUTO_LOCAL = ("noreply", "donotreply", "mailerdaemon", "postmaster", "notification")


def robot_address(addr):
    local = addr.split("@", 1)[0].split("+", 1)[0]
    squashed = re.sub(r"[^a-z0-9]", "", local)
    return squashed.startswith(AUTO_LOCAL) or "bounce" in local or \
        re.search(r"(^|[-_.])bot([-_.]|$)", local) is not None


def robot_name(name):
    """A display name that says it is a robot ("kernel test robot", "ci-bot")."""
    name = re.sub(r"\s+via\s+.*$", "", name or "").lower()
    return re.search(r"(^|[\s\-_\[])(ro)?bot(\]|\s|$)", name) is not None


def list_domain(addr):
    """An address at a mailing-list host (lists.example, listserv.example, googlegroups)."""
    domain = addr.split("@", 1)[1] if "@" in addr else ""
    return domain.startswith(("lists.", "listserv.", "list.")) or \
        domain in ("googlegroups.com", "groups.io")


def automated(msg, author, name=""):
    auto = raw_text(msg.get("Auto-Submitted")).strip().lower()
    if auto and not auto.startswith("no"):
        return True
    prec = raw_text(msg.get("Precedence")).strip().lower()
    if prec in ("bulk", "junk", "auto_reply", "auto-reply"):
        return True
    if msg.get("X-Autoreply") or msg.get("X-Autorespond"):
        return True
    if msg.get("List-Unsubscribe") and not msg.get("List-Post"):
        return True
    if author and robot_address(author) or robot_name(name):
        return True
    if AUTO_SUBJECT.match(header_text(msg.get("Subject"))):
        return True
    try:
        for part in msg.walk():
            if part.get_content_type() == "text/calendar" and \
               str(part.get_param("method") or "").upper() == "REPLY":
                return True
    except Exception:
        pass
    return False


def author_of(msg, lists):
    """The address of the person who wrote the message (see DMARC above)."""
    frm = split_mailboxes(raw_text(msg.get("From")))
    if not frm:
        return "", None
    name, addr = frm[0]
    name = header_text(name)
    if re.search(r"\svia\s+\S", " " + name) or addr in lists:
        for header in ("X-Original-From", "Reply-To"):
            cands = [(n, a) for n, a in split_mailboxes(raw_text(msg.get(header)))
                     if a not in lists]
            if cands:
                return header_text(cands[0][0]) or name, cands[0][1]
    return name, addr


# --- the reference -----------------------------------------------------------

def mail_files(top):
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if not f.startswith("."):
                yield os.path.join(dirpath, f)


def reference(maildir, owners_arg, out_path):
    owners = {normalize(a) for a in owners_arg.split(";") if normalize(a)}
    seen_ids, seen_keys = set(), set()
    files = messages = mine = auto = through_list = unreadable = 0
    lists = set()
    authored = collections.Counter()           # author -> messages
    authored_auto = collections.Counter()      # author -> automated messages
    to_them = collections.defaultdict(list)    # X -> dates of my direct messages to X
    to_me = collections.defaultdict(list)      # X -> dates of X's direct messages to me
    parsed = []
    for path in mail_files(maildir):
        files += 1
        try:
            with open(path, "rb") as f:
                msg = email.message_from_binary_file(f, policy=email.policy.compat32)
        except Exception:
            unreadable += 1
            continue
        mid = raw_text(msg.get("Message-ID")).strip().strip("<>").strip().lower()
        key = (raw_text(msg.get("From")).strip().lower(), raw_text(msg.get("Date")).strip(),
               " ".join(header_text(msg.get("Subject")).split()),
               tuple(sorted(addresses(msg, "To"))))
        if (mid and mid in seen_ids) or key in seen_keys:
            continue
        if mid:
            seen_ids.add(mid)
        seen_keys.add(key)
        messages += 1
        lists |= list_addresses(msg)
        parsed.append(msg)
    # Lists first (a From equal to a list address needs them), then the messages.
    # Each list host's addresses are lists too (a list in Cc has no List-Post here).
    for msg in parsed:
        for a in addresses(msg, "From", "To", "Cc"):
            if list_domain(a):
                lists.add(a)
    for msg in parsed:
        name, author = author_of(msg, lists)
        is_auto = automated(msg, author, name)
        is_list = bool(msg.get("List-Id") or msg.get("List-Post"))
        auto += is_auto
        through_list += is_list
        date = parse_date(msg.get("Date"))
        rcpts = set(addresses(msg, "To", "Cc"))
        if author in owners:
            mine += 1
            if not is_auto:
                # Bcc survives only in the sender's copy: mine to them too.
                for x in rcpts.union(addresses(msg, "Bcc")) - owners - lists:
                    to_them[x].append(date)
            continue
        if not author:
            continue
        authored[author] += 1
        authored_auto[author] += is_auto
        if not is_auto and rcpts & owners and author not in lists:
            to_me[author].append(date)
    robots = sorted(a for a, n in authored.items() if authored_auto[a] == n)
    direct = {}
    for x in set(to_them) | set(to_me):
        dates = [d for d in to_them.get(x, []) + to_me.get(x, []) if d]
        direct[x] = {"to_them": len(to_them.get(x, [])), "to_me": len(to_me.get(x, [])),
                     "first": min(dates).isoformat() if dates else None,
                     "last": max(dates).isoformat() if dates else None}
    both = sorted(x for x, d in direct.items() if d["to_them"] and d["to_me"])
    strong = []
    for x in both:
        d = direct[x]
        if d["to_them"] >= 2 and d["to_me"] >= 2 and d["first"] and \
           (datetime.datetime.fromisoformat(d["last"]) -
                datetime.datetime.fromisoformat(d["first"])).total_seconds() > 7 * 86400:
            strong.append(x)
    ref = {"owners": sorted(owners), "files": files, "messages": messages,
           "unreadable": unreadable, "mine": mine, "automated": auto,
           "through_list": through_list, "lists": sorted(lists),
           "automated_senders": robots, "direct": direct, "all": both, "strong": strong}
    with open(out_path, "w") as f:
        json.dump(ref, f, indent=1, sort_keys=True)


# --- the report of one mailbox -----------------------------------------------

def load_json(path):
    with open(path) as f:
        return json.load(f)


def ratio(a, b):
    return "%.3f (%d/%d)" % (a / b, a, b) if b else "-     (0/0)"


def report(name, ref_path, all_path, top_path, row_path):
    ref, who = load_json(ref_path), load_json(all_path)
    owners, lists = set(ref["owners"]), set(ref["lists"])
    robots, direct = set(ref["automated_senders"]), ref["direct"]
    ref_all, strong = set(ref["all"]), set(ref["strong"])
    by_addr = {}
    for c in who:
        for a in [c["address"]] + list(c.get("addresses") or []):
            by_addr.setdefault(a.lower(), c)

    def addrs(c):
        return {a.lower() for a in [c["address"]] + list(c.get("addresses") or [])}

    def counts(c):
        ds = [direct.get(a, {}) for a in addrs(c)]
        return sum(d.get("to_them", 0) for d in ds), sum(d.get("to_me", 0) for d in ds)

    def desc(c):
        t, m = counts(c)
        return "%s (%s; me->them %d, them->me %d)" % (c["address"], c["tier"], t, m)

    tiers = collections.Counter(c["tier"] for c in who)
    listed = [c for c in who if c["tier"] in WEAK_PLUS]
    listed_addrs = set().union(*(addrs(c) for c in listed)) if listed else set()
    tp_strong = len(strong & listed_addrs)
    tp_all = len(ref_all & listed_addrs)
    correct = [c for c in listed if addrs(c) & ref_all]
    wrong = [c for c in listed if not addrs(c) & ref_all]

    def bad_date(s):
        return bool(s) and (s < "1990" or s > NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))

    violations = [
        ("a list's own address listed (weak+)",
         [desc(c) for c in listed if addrs(c) & lists]),
        ("an automated sender listed (weak+)",
         [desc(c) for c in listed if addrs(c) & robots and not addrs(c) & lists]),
        ("known+ without direct mail both ways",
         [desc(c) for c in listed if c["tier"] in KNOWN_PLUS and 0 in counts(c)]),
        ("one of the owner's addresses a contact (any tier)",
         [desc(c) for c in who if addrs(c) & owners]),
        ("first/last before 1990 or in the future (any tier)",
         ["%s (%s; %s..%s)" % (c["address"], c["tier"], c.get("first"), c.get("last"))
          for c in who if bad_date(c.get("first")) or bad_date(c.get("last"))]),
    ]
    nviol = sum(len(v) for _, v in violations)

    print("mail       %d files, %d messages after dedup: %d mine, %d automated, "
          "%d through a list%s" % (ref["files"], ref["messages"], ref["mine"], ref["automated"],
                                   ref["through_list"],
                                   ", %d unreadable" % ref["unreadable"] if ref["unreadable"] else ""))
    print("           %d list addresses, %d automated senders (by the reference)"
          % (len(lists), len(robots)))
    print("kith       %d contacts: none %d, weak %d, known %d, close %d  (weak+ %d)"
          % (len(who), tiers["none"], tiers["weak"], tiers["known"], tiers["close"], len(listed)))
    print("reference  all %d, strong %d" % (len(ref_all), len(strong)))
    print("recall     weak+ vs strong %s, vs all %s" % (ratio(tp_strong, len(strong)),
                                                       ratio(tp_all, len(ref_all))))
    print("precision  weak+ vs all    %s" % ratio(len(correct), len(listed)))

    def show(title, items):
        print("  %-52s %d%s" % (title + ":", len(items), "" if items else ""))
        for item in items[:SHOW]:
            print("      " + item)
        if len(items) > SHOW:
            print("      ... and %d more" % (len(items) - SHOW))

    def ref_desc(x):
        d = direct[x]
        c = by_addr.get(x)
        return "%s (me->them %d, them->me %d; kith %s)" % (
            x, d["to_them"], d["to_me"], c["tier"] if c else "not a contact")

    def rank(x):
        return (-min(direct[x]["to_them"], direct[x]["to_me"]), x)

    print("violations %d" % nviol)
    for title, items in violations:
        show(title, items)
    print("findings")
    show("strong but not listed", [ref_desc(x) for x in sorted(strong - listed_addrs, key=rank)])
    show("all but not listed", [ref_desc(x) for x in
                                sorted(ref_all - strong - listed_addrs, key=rank)])
    show("listed, not in the reference",
         [desc(c) for c in sorted(wrong, key=lambda c: -float(c.get("score") or 0))])
    print("top 20 of `who`        [reference: me->them / them->me]")
    with open(top_path, encoding="utf-8", errors="replace") as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    if not lines:
        print("  (empty)")
    width = min(max((len(l) for l in lines), default=0), 120)
    for line in lines:
        m = re.search(r"<?([^\s<>]+@[^\s<>,]+)>?", line)
        note = ""
        if m:
            a = m.group(1).lower()
            c = by_addr.get(a)
            t, me = counts(c) if c else (direct.get(a, {}).get("to_them", 0),
                                         direct.get(a, {}).get("to_me", 0))
            flags = [f for f, s in (("list", lists), ("robot", robots), ("me", owners))
                     if (addrs(c) if c else {a}) & s]
            note = "[%d/%d]%s" % (t, me, " " + ",".join(flags) if flags else "")
        print("  %-*s  %s" % (width, line[:120], note))
    with open(row_path, "w") as f:
        f.write("\t".join(str(v) for v in (
            name, ref["files"], ref["messages"], len(listed), len(ref_all), len(strong),
            tp_strong, tp_all, len(correct), nviol)) + "\n")


# --- the generated mailbox: truth by intent ----------------------------------

def generated(truth_path, all_path):
    truth = {}
    with open(truth_path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            a, label, cat, intent, listed, known_ok = line.rstrip("\n").split("\t")
            truth[a.lower()] = {"intent": intent, "listed": listed, "known_ok": known_ok}
    who = load_json(all_path)
    tier = {c["address"].lower(): c["tier"] for c in who if c["tier"] in WEAK_PLUS}
    yes = {a for a, r in truth.items() if r["listed"] == "yes"}
    no = {a for a, r in truth.items() if r["listed"] == "no"}
    listed = set(tier)
    unknown = listed - set(truth)
    judged = listed & (yes | no)
    tp = len(listed & yes)
    kp = [a for a in listed if tier[a] in KNOWN_PLUS]
    kok = [a for a in kp if truth.get(a, {}).get("known_ok") == "yes"]
    print("truth      %d addresses: listed=yes %d, no %d, neutral %d (ignored)"
          % (len(truth), len(yes), len(no), len(truth) - len(yes) - len(no)))
    print("by intent  weak+ precision %s, recall %s; known+ precision %s"
          % (ratio(tp, len(judged) + len(unknown)), ratio(tp, len(yes)), ratio(len(kok), len(kp))))
    per = collections.OrderedDict()
    for a in sorted(truth, key=lambda a: (truth[a]["listed"], truth[a]["intent"])):
        r = truth[a]
        c = per.setdefault(r["intent"], [r["listed"], r["known_ok"], 0, 0, 0])
        c[2] += 1
        c[3] += a in listed
        c[4] += tier.get(a) in KNOWN_PLUS
    print("  %-22s %-7s %-8s %6s %6s %6s" % ("class", "listed", "known_ok", "addrs",
                                             "weak+", "known+"))
    for k, (l, ko, n, li, kn) in per.items():
        flag = "  <-" if (l == "yes" and li < n) or (l == "no" and li) or \
            (ko == "no" and kn) else ""
        print("  %-22s %-7s %-8s %6d %6d %6d%s" % (k, l, ko, n, li, kn, flag))
    if unknown:
        print("  listed but not in truth.tsv: %d, e.g. %s"
              % (len(unknown), ", ".join(sorted(unknown)[:SHOW])))


# --- the final table ---------------------------------------------------------

def summary(paths):
    rows = []
    for p in paths:
        with open(p) as f:
            for line in f:
                if line.strip():
                    rows.append(line.rstrip("\n").split("\t"))
    head = ("mailbox", "files", "messages", "kith weak+", "ref all", "ref strong",
            "recall strong", "recall all", "precision", "violations")
    fmt = "%-16s %6s %8s %10s %7s %10s %13s %10s %9s %10s"
    print(fmt % head)
    total = [0] * 9

    def r(a, b):
        return "%.3f" % (a / b) if b else "-"
    for row in rows:
        if len(row) < 10:
            print(fmt % ((row[0],) + ("-",) * 8 + ((row[1] if len(row) > 1 else "failed"),)))
            continue
        name, v = row[0], [int(x) for x in row[1:10]]
        files, msgs, listed, nall, nstrong, tps, tpa, corr, viol = v
        if not name.startswith("generated"):
            total = [t + x for t, x in zip(total, v)]
        print(fmt % (name, files, msgs, listed, nall, nstrong, r(tps, nstrong), r(tpa, nall),
                     r(corr, listed), viol))
    files, msgs, listed, nall, nstrong, tps, tpa, corr, viol = total
    print(fmt % ("total (real)", files, msgs, listed, nall, nstrong, r(tps, nstrong),
                 r(tpa, nall), r(corr, listed), viol))


# --- hook mode: history first, the rest through notmuch new and the hook ------

def split(maildir, fraction, hist_dir, later_dir):
    """Copy the mail files of MAILDIR, in date order, the first FRACTION into
    HIST_DIR and the rest into LATER_DIR (undated files count as oldest)."""
    dated = []
    for path in mail_files(maildir):
        try:
            with open(path, "rb") as f:
                msg = email.message_from_binary_file(f, policy=email.policy.compat32)
            d = parse_date(msg.get("Date"))
        except Exception:
            d = None
        dated.append((d.timestamp() if d else 0.0, path))
    dated.sort()
    cut = int(len(dated) * float(fraction))
    for i, (_, path) in enumerate(dated):
        shutil.copyfile(path, os.path.join(hist_dir if i < cut else later_dir, "m%07d" % i))


def hookreport(ref_path, senders_path, counts_path, row_path):
    """The no-history verdicts of the hook run against the reference read
    off the history part: a sender with a strong history before the cut
    tagged no-history is wrong."""
    with open(ref_path) as f:
        ref = json.load(f)
    strong = set(ref["strong"])
    both = set(ref["all"])
    senders = set()
    with open(senders_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            for a in addresses_in(line):
                senders.add(a)
    with open(counts_path) as f:
        new, tagged, requests = (int(x) for x in f.read().split())
    wrong = sorted(senders & strong)
    doubtful = sorted((senders & both) - strong)
    print("hook mode  %d later messages through notmuch new: %d tagged no-history (%d senders), "
          "%d requests" % (new, tagged, len(senders), requests))
    print("           no-history on a strong history before the cut: %d%s" %
          (len(wrong), (" (" + ", ".join(wrong[:10]) + ")") if wrong else ""))
    print("           on direct mail both ways before the cut (not strong): %d%s" %
          (len(doubtful), (" (" + ", ".join(doubtful[:10]) + ")") if doubtful else ""))
    with open(row_path, "w") as f:
        f.write("%d\t%d\t%d\t%d\n" % (new, tagged, len(senders), len(wrong)))


def addresses_in(line):
    return [a for _, a in split_mailboxes(line) if a]


def mailboxes(readme):
    with open(readme, encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 3 or not line.lstrip().startswith("|"):
                continue
            folder = cells[0].strip("`").strip()
            if not folder or folder == "folder" or set(folder) <= set("-: "):
                continue
            addrs = [a.strip() for a in cells[2].split(";") if "@" in a]
            if not addrs:
                continue
            name = folder.split("/")[0]
            print("\t".join((name, folder, ";".join(addrs), cells[1])))


def owners(config):
    cp = configparser.ConfigParser(interpolation=None, strict=False)
    cp.read(config)
    addrs = [cp.get("user", "primary_email", fallback="")]
    addrs += cp.get("user", "other_email", fallback="").split(";")
    print(";".join(a.strip() for a in addrs if a.strip()))


def main(argv):
    cmds = {"mailboxes": (mailboxes, 1), "owners": (owners, 1), "reference": (reference, 3),
            "report": (report, 5), "generated": (generated, 2), "split": (split, 4),
            "hookreport": (hookreport, 4)}
    if len(argv) >= 2 and argv[1] == "summary":
        summary(argv[2:])
        return 0
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        sys.stderr.write(__doc__.split("\n\n", 2)[1] + "\n")
        return 2
    cmds[argv[1]][0](*argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
