#!/usr/bin/env python3
"""check-truth.py - recompute gen-mailbox's ground truth from the files alone.

Usage:
    tests/check-truth.py OUTDIR

Reads every message under OUTDIR/mail/ (the history) and OUTDIR/new-mail/
(the batch of --new-batch, if any) with Python's email package, and
recomputes, without any of gen-mailbox's internal state:

  - the label of every address (the truth rule of gen-mailbox's
    docstring: the rule label, column 2; the intent columns are the
    generator's story and cannot be recomputed from the files), compared
    with OUTDIR/truth.tsv;
  - for each new message, in date order, from the mail before it:
    no_history, request, introduced, platform, person, verdict, match and
    introducer, compared with OUTDIR/truth-new.tsv.

Addresses are read leniently (k..allen@corp.example, as Exchange
writes them, is an address), and the author of list mail whose From the
list rewrote is the person in X-Original-From, else Reply-To.

Prints a summary and every difference; exits 1 if there is one.
"""

import base64
import collections
import email
import email.header
import email.parser
import email.policy
import email.utils
import os
import re
import sys
import unicodedata

OUT, IN, AUTO, REPLIED = 1, 2, 4, 8
NOREPLY_RE = re.compile(r"^(no-?reply|do-?not-?reply|notifications?|"
                        r"mailer-daemon|bounces?)([-+._].*)?@")
REPLY_RE = re.compile(r"^\s*(?:re|aw|sv|antw|odp|fwd?)\s*:\s*", re.I)


def base_subject(s):
    while True:
        m = REPLY_RE.match(s)
        if not m:
            return s
        s = s[m.end():]


def decode(raw):
    """An unstructured header or a display name, RFC 2047 decoded (the
    whitespace between adjacent encoded-words dropped, RFC 2047 6.2;
    Python's email.policy.default keeps it in address headers)."""
    return str(email.header.make_header(email.header.decode_header(raw)))


ADDR_RE = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*"|[^<,"]*?)\s*<([^<>@\s]+@[^<>\s]+)>'
                     r'|([^\s<>,"]+@[^\s<>,"]+))\s*(?:,|$)')


def tolerant_addresses(value):
    """(name, address) pairs of an address list, read leniently: a local
    part with consecutive dots (k..allen@corp.example, as Exchange
    writes) is kept as it is, where a strict RFC 5322 parser (Python's
    since 3.12.6/3.11.10) drops or mangles the address."""
    out, pos = [], 0
    while pos < len(value):
        m = ADDR_RE.match(value, pos)
        if not m or m.end() == pos:
            return None
        pos = m.end()
        if m.group(2):
            name = (m.group(1) or "").strip()
            if name.startswith('"') and name.endswith('"'):
                name = re.sub(r"\\(.)", r"\1", name[1:-1])
            out.append((name, m.group(2)))
        else:
            out.append(("", m.group(3)))
    return out


def addrs(msg, field):
    vals = msg.get_all(field)
    if not vals:
        return []
    out = []
    for v in vals:
        v = re.sub(r"\r?\n[ \t]", " ", v).strip()
        pairs = tolerant_addresses(v)
        if pairs is None:        # groups, comments: the email package
            pairs = email.utils.getaddresses([v])
        out.extend((decode(n) if n else "", a.strip().lower())
                   for n, a in pairs if "@" in a)
    return out


class Rec:
    __slots__ = ("path", "msgid", "date", "frm", "to", "cc", "bcc", "irt",
                 "tindex", "subject", "webmail", "hdr", "parent", "auto",
                 "msg")


def mid(v):
    m = re.search(r"<([^>]+)>", v or "")
    return m.group(1) if m else None


def load(path, full):
    with open(path, "rb") as f:
        parser = (email.parser.BytesParser if full
                  else email.parser.BytesHeaderParser)(policy=email.policy.compat32)
        msg = parser.parse(f)
    r = Rec()
    r.path = path
    r.msgid = mid(msg["Message-ID"])
    r.date = email.utils.parsedate_to_datetime(msg["Date"]).timestamp()
    fr = addrs(msg, "From")
    r.frm = fr[0] if fr else ("", "")
    # a list that rewrote From (DMARC: "Name via List <list@...>"): the
    # author is the person in X-Original-From, else in Reply-To
    lp = re.search(r"mailto:([^>\s]+)", str(msg["List-Post"] or ""))
    if lp and r.frm[1] == lp.group(1).lower():
        for field in ("X-Original-From", "Reply-To"):
            cand = [x for x in addrs(msg, field) if x[1] != r.frm[1]]
            if cand:
                r.frm = cand[0]
                break
    r.to, r.cc, r.bcc = addrs(msg, "To"), addrs(msg, "Cc"), addrs(msg, "Bcc")
    irt = mid(msg["In-Reply-To"])
    if irt is None and msg["References"]:
        refs = re.findall(r"<([^>]+)>", str(msg["References"]))
        irt = refs[-1] if refs else None
    r.irt = irt
    ti = msg["Thread-Index"]
    r.tindex = base64.b64decode(ti) if ti else None
    r.subject = decode(re.sub(r"\r?\n[ \t]", " ", msg["Subject"] or "")).strip()
    ua = str(msg["User-Agent"] or "")
    r.webmail = (irt is None and r.tindex is None and "Roundcube" in ua
                 and REPLY_RE.match(r.subject) is not None)
    r.hdr = dict((k.lower(), re.sub(r"\r?\n[ \t]", " ", v).strip())
                 for k, v in msg.items())
    r.parent = None
    h = r.hdr
    r.auto = (("auto-submitted" in h and h["auto-submitted"].lower() != "no")
              or h.get("precedence", "").lower() in ("bulk", "junk")
              or ("list-unsubscribe" in h and "list-post" not in h)
              or NOREPLY_RE.match(r.frm[1]) is not None)
    r.msg = msg if full else None
    return r


def files(top):
    out = []
    for d, _, fs in os.walk(top):
        if os.path.basename(d) in ("cur", "new"):
            out.extend(os.path.join(d, f) for f in fs)
    return sorted(out)


# -- names ------------------------------------------------------------------

# Letters without a Unicode decomposition, spelled plain (written out
# here, not taken from gen-mailbox).
PLAIN = {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae",
         "œ": "oe", "ß": "ss", "þ": "th", "ð": "d", "ŧ": "t", "ŋ": "n",
         "ŀ": "l", "ĸ": "k"}


def plain_letters(s):
    return "".join(PLAIN.get(c.lower(), c) for c in s)


def fold(name):
    """Folded words: letters without a decomposition spelled plain (ø o,
    ł l, æ ae, þ th, ...), compatibility-decomposed, case-folded,
    Latin/Greek/Cyrillic accents dropped (U+0300..U+036F), apostrophes
    dropped."""
    s = unicodedata.normalize("NFKD", plain_letters(name)).casefold()
    s = plain_letters(s)
    s = "".join(c for c in s if not 0x300 <= ord(c) <= 0x36F)
    s = s.replace("'", "").replace("\u2019", "")
    s = "".join(c if (c.isalnum() or unicodedata.category(c).startswith("M"))
                else " " for c in s)
    return [unicodedata.normalize("NFC", w) for w in s.split()]


def same_person(a, b):
    """Name match, written differently from gen-mailbox's: take the equal
    full words out first, then every word left of the shorter name must be
    an initial of one left of the other (or the other way round)."""
    if not a or not b:
        return False
    if len(a) == 1 or len(b) == 1:
        return sorted(a) == sorted(b)
    s, l = (a, b) if len(a) <= len(b) else (b, a)
    s, l = list(s), list(l)
    equal = 0
    for w in list(s):
        if len(w) > 1 and w in l:
            s.remove(w)
            l.remove(w)
            equal += 1
    if not equal:
        return False
    for w in sorted(s, key=len, reverse=True):
        hit = [x for x in l if (len(w) == 1 and x.startswith(w))
               or (len(x) == 1 and w.startswith(x))]
        if not hit:
            return False
        l.remove(hit[0])
    return True


# -- requests -------------------------------------------------------------------

def calendar_organizer(msg):
    for part in msg.walk():
        if part.get_content_type() != "text/calendar":
            continue
        if (part.get_param("method") or "").upper() != "REQUEST":
            continue
        body = part.get_payload(decode=True).decode("utf-8")
        body = re.sub(r"\r?\n[ \t]", "", body)        # unfold
        if not re.search(r"^METHOD:REQUEST\r?$", body, re.M):
            continue
        m = re.search(r'^ORGANIZER;CN=("([^"]*)"|[^:;]*)[^:]*:mailto:(\S+?)\r?$',
                      body, re.M)
        if m:
            return m.group(2) if m.group(2) is not None else m.group(1)
    return None


def request_of(r):
    """(platform, person, strangers_only) of a request, else None."""
    a, name, s = r.frm[1], r.frm[0], r.subject
    if a in ("invitations@linkedin.com", "member@linkedin.com"):
        if (r.hdr.get("x-linkedin-class") == "INVITATION"
                or re.search(r"wants to connect$|^Invitation to connect|"
                             r"add me to your LinkedIn network$|"
                             r"professional network$", s)):
            return ("LinkedIn", re.sub(r" via LinkedIn$", "", name), False)
    if a.endswith("@mail.xing.com"):
        m = re.match(r"^(.+) (möchte Sie als Kontakt hinzufügen|wants to add "
                     r"you as a contact on XING)$", s)
        if m:
            return ("XING", m.group(1), False)
    if a == "notification@facebookmail.com":
        m = re.match(r"^(.+) wants to be friends on Facebook$", s)
        if m:
            return ("Facebook", m.group(1), False)
    if a == "info@email.meetup.com":
        m = re.match(r"^(.+) invited you to .+$", s)
        if m:
            return ("Meetup", m.group(1), False)
    if a == "noreply@github.com":
        if re.match(r"^\[GitHub\] @\S+ has invited you to join the \S+ "
                    r"organization$", s) and r.hdr.get("x-github-sender"):
            return ("GitHub", name, False)
    if "multipart" in r.hdr.get("content-type", ""):
        cn = calendar_organizer(r.msg)
        if cn:
            return ("Calendar", cn, True)
    return None


# -- the state ------------------------------------------------------------------

class State:
    def __init__(self, mine):
        self.mine = mine
        self.flags = collections.defaultdict(int)
        self.names = collections.defaultdict(set)
        self.lists = set()
        self.by_id = {}
        self.by_tindex = {}
        self.by_subject = {}

    def label(self, a):
        f = self.flags.get(a, 0)
        return int(bool(f & OUT and f & IN and not f & AUTO
                        and a not in self.lists))

    def resolve(self, r):
        if r.irt is not None:
            r.parent = self.by_id.get(r.irt)
        elif r.tindex is not None and len(r.tindex) > 22:
            r.parent = self.by_tindex.get(r.tindex[:-5])
        elif r.webmail:
            r.parent = self.by_subject.get(base_subject(r.subject).lower())

    def index(self, r):
        self.by_id.setdefault(r.msgid, r)
        if r.tindex is not None:
            self.by_tindex.setdefault(r.tindex, r)
        self.by_subject[base_subject(r.subject).lower()] = r

    def apply(self, r):
        """The truth rule's flags from R."""
        a = r.frm[1]
        for n, x in [r.frm] + r.to + r.cc + r.bcc:
            if n and x not in self.mine:
                self.names[x].add(n)
            self.flags[x] |= 0
        if "list-post" in r.hdr:
            m = re.search(r"mailto:([^>\s]+)", r.hdr["list-post"])
            if m:
                self.lists.add(m.group(1).lower())
        pa = r.parent.frm[1] if r.parent is not None else None
        if a in self.mine:
            if not r.auto:
                for _, x in r.to + r.cc + r.bcc:
                    if x not in self.mine:
                        self.flags[x] |= OUT
                if pa is not None and pa not in self.mine:
                    self.flags[pa] |= OUT
        elif r.auto:
            self.flags[a] |= AUTO
        elif pa in self.mine or any(x in self.mine for _, x in r.to + r.cc):
            self.flags[a] |= IN
            if pa in self.mine:
                self.flags[a] |= REPLIED

    def judge(self, r):
        row = {"no_history": "0", "request": "0", "introduced": "0",
               "platform": "-", "person": "-", "verdict": "-", "match": "-",
               "introducer": "-"}
        a = r.frm[1]
        if a in self.mine:
            return row
        req = request_of(r)
        if req and not req[2]:
            platform, person, _ = req
            words = fold(person)
            hits = sorted(x for x, ns in self.names.items()
                          if self.label(x)
                          and any(same_person(words, fold(n)) for n in ns))
            row.update(request="1", platform=platform, person=person)
            if len(hits) == 1:
                row.update(verdict="known", match=hits[0])
            elif hits:
                row.update(verdict="ambiguous")
            else:
                row.update(verdict="no-history", no_history="1")
            return row
        if r.auto or "list-post" in r.hdr or "list-id" in r.hdr:
            return row
        f = self.flags.get(a, 0)
        if f & (OUT | REPLIED):
            return row
        if r.parent is not None and r.parent.frm[1] in self.mine:
            return row
        row["no_history"] = "1"
        if req:
            row.update(request="1", platform=req[0], person=req[1],
                       verdict="no-history")
        for _, x in r.to + r.cc:
            if x != a and x not in self.mine and self.label(x):
                row.update(introduced="1", introducer=x)
                return row
        root = r
        while root.parent is not None:
            root = root.parent
        ra = root.frm[1]
        if (root is not r and ra not in self.mine and self.label(ra)
                and any(x in self.mine for _, x in root.to + root.cc)):
            row.update(introduced="1", introducer=ra)
        return row


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    top = sys.argv[1]
    mine = set()
    with open(os.path.join(top, "notmuch-config")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            if k in ("primary_email", "other_email"):
                mine.update(x.strip().lower() for x in v.split(";") if x.strip())
    st = State(mine)
    bad = 0

    hist = [load(p, False) for p in files(os.path.join(top, "mail"))]
    hist.sort(key=lambda r: (r.date, r.path))
    for r in hist:              # ids first: a reply may be older than its parent
        st.by_id.setdefault(r.msgid, r)
    for r in hist:
        st.resolve(r)
        st.index(r)
        st.apply(r)
    truth = {}
    with open(os.path.join(top, "truth.tsv")) as f:
        for line in f:
            if not line.startswith("#"):
                a, label = line.rstrip("\n").split("\t")[:2]
                truth[a] = int(label)
    seen = set(a for a in st.flags if a not in mine)
    for a in sorted(seen | set(truth)):
        if truth.get(a) != (st.label(a) if a in seen else None):
            bad += 1
            print("truth.tsv %s: file says %s, recomputed %s" % (
                a, truth.get(a), st.label(a) if a in seen else "absent"))
    print("history: %d messages, %d addresses, %d positive, truth.tsv %s" % (
        len(hist), len(seen), sum(st.label(a) for a in seen),
        "agrees" if not bad else "DIFFERS"))

    newdir = os.path.join(top, "new-mail")
    if not os.path.isdir(newdir):
        return 1 if bad else 0
    batch = [load(p, True) for p in files(newdir)]
    batch.sort(key=lambda r: (r.date, r.path))
    last_hist = max(r.date for r in hist)
    early = [r.msgid for r in batch if r.date <= last_hist]
    if early:
        bad += 1
        print("new messages not after the history: %s" % " ".join(early[:5]))
    if len(set(r.date for r in batch)) != len(batch):
        print("note: new messages share a Date (order between them undefined)")
    cols = ("no_history", "request", "introduced", "platform", "person",
            "verdict", "match", "introducer")
    expect = {}
    with open(os.path.join(top, "truth-new.tsv")) as f:
        head = f.readline().lstrip("# ").rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(head, line.rstrip("\n").split("\t")))
            expect[row["message_id"]] = row
    for r in batch:
        st.by_id.setdefault(r.msgid, r)
    counts = collections.Counter()
    kinds = collections.Counter()
    for r in batch:
        st.resolve(r)
        got = st.judge(r)
        st.index(r)
        st.apply(r)
        want = expect.pop(r.msgid, None)
        if want is None:
            bad += 1
            print("%s: not in truth-new.tsv" % r.msgid)
            continue
        if want["sender"] != r.frm[1]:
            bad += 1
            print("%s: sender %s, file says %s" % (r.msgid, r.frm[1],
                                                   want["sender"]))
        diff = [c for c in cols if got[c] != want[c]]
        if diff:
            bad += 1
            print("%s (%s): %s" % (r.msgid, want["kind"], ", ".join(
                "%s recomputed %r, file %r" % (c, got[c], want[c]) for c in diff)))
        for c in ("no_history", "request", "introduced"):
            counts[c] += int(got[c])
        kinds[want["kind"].split(":")[0]] += 1
    for m in expect:
        bad += 1
        print("%s: in truth-new.tsv, no such new message" % m)
    print("new batch: %d messages (%s); no_history %d, request %d, "
          "introduced %d; truth-new.tsv %s" % (
              len(batch), ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
              counts["no_history"], counts["request"], counts["introduced"],
              "agrees" if not bad else "DIFFERS"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
