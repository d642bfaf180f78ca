#!/usr/bin/env python3
"""hook-accuracy.py - score kith's hook against the generator's truth.

Usage: hook-accuracy.py OUTDIR DUMP

OUTDIR is a generated mailbox (tests/gen-mailbox --new-batch N) whose
new-mail/ batch has been delivered through `notmuch new` with kith's
hook; DUMP is `notmuch dump --include=tags --include=properties` taken
afterwards.  Prints one "key value" line per measure:

  no_history_precision / no_history_recall   the no-history tag
  request_recall / request_precision         every invitation tagged request
  introduced_precision / introduced_recall
  verdict_accuracy                           requests whose kith.verdict
                                             (and kith.match) are right
and, for comparison, the precision and recall of two naive hooks on the
same batch: "first contact" (never received mail from this address
before, as Microsoft 365 flags it) and "never sent" (I never wrote to
this address, as SaneBox-style filters do).  Mistakes are printed as
"# ..." lines.
"""
import email
import email.policy
import email.utils
import os
import sys
import urllib.parse

outdir, dump = sys.argv[1], sys.argv[2]

truth = {}
with open(os.path.join(outdir, "truth-new.tsv"), encoding="utf-8") as f:
    for line in f:
        if line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        truth[cols[0]] = dict(zip(["message_id", "sender", "kind", "no_history", "request",
                                   "introduced", "platform", "person", "verdict", "match",
                                   "introducer"], cols))

tags, props = {}, {}
with open(dump, encoding="utf-8") as f:
    for line in f:
        line = line.rstrip("\n")
        if line.startswith("#= "):
            parts = line.split(" ")
            mid = urllib.parse.unquote(parts[1])
            for kv in parts[2:]:
                k, _, v = kv.partition("=")
                props.setdefault(mid, {}).setdefault(urllib.parse.unquote(k), []).append(urllib.parse.unquote(v))
        elif line and not line.startswith("#"):
            t, _, mid = line.partition(" -- ")
            mid = mid[3:] if mid.startswith("id:") else mid
            if mid.startswith('"') and mid.endswith('"'):
                mid = mid[1:-1].replace('""', '"')
            tags[urllib.parse.unquote(mid)] = {urllib.parse.unquote(x[1:]) for x in t.split() if x.startswith("+")}


def pr(name, got, want):
    tp = len(got & want)
    p = tp / len(got) if got else 1.0
    r = tp / len(want) if want else 1.0
    print(f"{name}_precision {p:.4f}")
    print(f"{name}_recall {r:.4f}")
    for m in sorted(got - want):
        print(f"# {name}: false positive {m} ({truth[m]['kind']})")
    for m in sorted(want - got):
        print(f"# {name}: missed {m} ({truth[m]['kind']})")


missing = [m for m in truth if m not in tags]
for m in missing:
    print(f"# not in notmuch: {m}")
ids = [m for m in truth if m in tags]
for tag in ("no_history", "request", "introduced"):
    name = tag.replace("_", "-")
    got = {m for m in ids if name in tags[m]}
    want = {m for m in ids if truth[m][tag] == "1"}
    pr(tag, got, want)

requests = [m for m in ids if truth[m]["request"] == "1"]
right = 0
for m in requests:
    p = props.get(m, {})
    verdict = (p.get("kith.verdict") or ["-"])[0]
    match = (p.get("kith.match") or ["-"])[0]
    if verdict == truth[m]["verdict"] and match == truth[m]["match"]:
        right += 1
    else:
        print(f"# verdict: {m} person {truth[m]['person']!r}: want {truth[m]['verdict']} {truth[m]['match']}, "
              f"got {verdict} {match} (person {(p.get('kith.person') or ['-'])[0]!r})")
print(f"verdict_accuracy {right / len(requests) if requests else 1.0:.4f}")
print(f"requests {len(requests)}")

# The naive hooks, computed from the files: every message dated before.
me = set()
for line in open(os.path.join(outdir, "notmuch-config"), encoding="utf-8"):
    if line.startswith("primary_email=") or line.startswith("other_email="):
        me |= {a.strip().lower() for a in line.split("=", 1)[1].split(";") if a.strip()}
events = []
for root, _, files in os.walk(os.path.join(outdir, "mail")):
    if os.sep + ".notmuch" in root:
        continue
    for name in files:
        with open(os.path.join(root, name), "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.compat32)
        try:
            date = email.utils.parsedate_to_datetime(msg["Date"]).timestamp()
        except Exception:
            continue
        frm = email.utils.parseaddr(str(msg.get("From", "")))[1].lower()
        rcpts = [a.lower() for _, a in email.utils.getaddresses(
            [str(v) for h in ("To", "Cc", "Bcc") for v in msg.get_all(h, [])])]
        mid = str(msg.get("Message-ID", "")).strip().strip("<>")
        events.append((date, frm, rcpts, mid))
events.sort()
received_from, sent_to = set(), set()
first_contact, never_sent = set(), set()
judged = {m for m in ids if truth[m]["sender"] not in me}
for date, frm, rcpts, mid in events:
    if mid in truth and mid in judged:
        if frm not in received_from:
            first_contact.add(mid)
        if frm not in sent_to:
            never_sent.add(mid)
    if frm in me:
        sent_to.update(rcpts)
    else:
        received_from.add(frm)
want = {m for m in ids if truth[m]["no_history"] == "1"}
for name, got in (("naive_first_contact", first_contact), ("naive_never_sent", never_sent)):
    tp = len(got & want)
    print(f"{name}_precision {tp / len(got) if got else 1.0:.4f}")
    print(f"{name}_recall {tp / len(want) if want else 1.0:.4f}")
