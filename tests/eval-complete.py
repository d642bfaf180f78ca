#!/usr/bin/env python3
"""eval-complete - does `kith complete` offer the person I am about to write to? (make eval)

Usage:
    tests/eval-complete.py split MAILDIR OWNERS FRACTION HIST-DIR QUERIES.json
        copy the first FRACTION of the mail files by date into HIST-DIR (the
        history kith indexes) and write QUERIES.json: the cut date, the
        history's interactions per address (for the baselines) and the
        queries, one per later message of the owner's
    tests/eval-complete.py report NAME QUERIES.json COMPLETE.json ROW.tsv
        the lines of one mailbox on stdout and its row in ROW.tsv
        (COMPLETE.json: `kith complete --format=json --limit=0 ""` on the
        history's store)
    tests/eval-complete.py summary ROW.tsv...
        the table of every mailbox and the overall rows

The measurement of recipient prediction (Carvalho & Cohen, ECIR 2008),
cut in time: the first FRACTION of the mail by date is the history; each
later message of the owner's that is not automated is a query whose
answers are its recipients (To, Cc, Bcc), the owner's own addresses and
mailing-list addresses left out (a list address is one the whole mailbox
shows to be a list: tests/eval-reference.py).  A ranking is scored on
each query by
  MRR        1 / the rank of the best-ranked recipient, no letter typed;
  recall@5   the share of the recipients in the top five;
  MRR-1      1 / the rank of the first recipient (To, then Cc) among the
             candidates whose address starts with its first letter: what
             completion offers once that letter is typed;
averaged over the queries (a recipient a ranking does not hold counts as
rank infinity).  List addresses are left out of every ranking too, as
they are of the answers (kith offers them; the baselines never do).  The rankings, all from the history alone:
  kith       the order of `kith complete` (its empty-prefix list, which is
             the order every prefix filters);
  count      the addresses I wrote to, by how many of my messages named
             them, ties by the latest;
  IR         Interactions Rank (Roth et al., KDD 2010): the sum over the
             mail each way of weight * 2^(-age / half-life), my mail
             weight 2, theirs to me 1, age from the cut; the half-life is
             swept (IR_HALF_LIVES), tuned on the answers as in the issue:
             each mailbox's block shows its own best, the summary the one
             half-life best over the real mailboxes together (and, for
             information, the oracle of each mailbox's own best).
The rows hold the sums over queries so that the overall row is pooled
over every query of the real mailboxes (the generated mailbox apart).
"""

import collections
import datetime
import email
import email.policy
import importlib.util
import json
import os
import shutil
import sys

_spec = importlib.util.spec_from_file_location(
    "eval_reference", os.path.join(os.path.dirname(os.path.abspath(__file__)), "eval-reference.py"))
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)

IR_HALF_LIVES = (3, 7, 14, 30, 60, 120, 240, 365, 730)  # days
IR_WEIGHT_MINE, IR_WEIGHT_THEIRS = 2.0, 1.0
TOP = 5
# Mailing-list hosts tests/eval-reference.py does not know by name (LKML
# and the kernel's other lists carry no List-Id in a list's archive).
LIST_HOSTS = ("vger.kernel.org",)


def read_all(maildir):
    """(date or None, path, msg) of every distinct message, and the list addresses."""
    seen_ids, seen_keys, out, lists = set(), set(), [], set()
    for path in ref.mail_files(maildir):
        try:
            with open(path, "rb") as f:
                msg = email.message_from_binary_file(f, policy=email.policy.compat32)
        except Exception:
            continue
        date = ref.parse_date(msg.get("Date"))
        mid = ref.raw_text(msg.get("Message-ID")).strip().strip("<>").strip().lower()
        key = (ref.raw_text(msg.get("From")).strip().lower(), ref.raw_text(msg.get("Date")).strip(),
               " ".join(ref.header_text(msg.get("Subject")).split()),
               tuple(sorted(ref.addresses(msg, "To"))))
        dup = (mid and mid in seen_ids) or key in seen_keys
        if mid:
            seen_ids.add(mid)
        seen_keys.add(key)
        lists |= ref.list_addresses(msg)
        out.append((date.timestamp() if date else 0.0, path, msg, dup))
    for _, _, msg, _ in out:
        for a in ref.addresses(msg, "From", "To", "Cc"):
            if ref.list_domain(a) or a.split("@", 1)[-1] in LIST_HOSTS:
                lists.add(a)
    return out, lists


def split(maildir, owners_arg, fraction, hist_dir, queries_path):
    owners = {ref.normalize(a) for a in owners_arg.split(";") if ref.normalize(a)}
    msgs, lists = read_all(maildir)
    msgs.sort(key=lambda m: (m[0], m[1]))
    cut_at = int(len(msgs) * float(fraction))
    cut = max([m[0] for m in msgs[:cut_at]] or [0.0])
    mine = collections.defaultdict(list)    # X -> dates of my messages to X (history)
    theirs = collections.defaultdict(list)  # X -> dates of X's messages to me (history)
    queries = []
    for i, (date, path, msg, dup) in enumerate(msgs):
        if i < cut_at:
            shutil.copyfile(path, os.path.join(hist_dir, "m%07d" % i))
        if dup:
            continue
        name, author = ref.author_of(msg, lists)
        if ref.automated(msg, author, name):
            continue
        if author in owners:
            rcpts = []
            for a in ref.addresses(msg, "To", "Cc", "Bcc"):
                if a and a not in owners and a not in lists and a not in rcpts:
                    rcpts.append(a)
            if not rcpts:
                continue
            if i < cut_at:
                for a in rcpts:
                    mine[a].append(date)
            else:
                queries.append(rcpts)
        elif i < cut_at and author and author not in lists and \
                set(ref.addresses(msg, "To", "Cc")) & owners:
            theirs[author].append(date)
    with open(queries_path, "w") as f:
        json.dump({"cut": cut, "mine": mine, "theirs": theirs, "queries": queries,
                   "lists": sorted(lists)}, f)


def rank_count(q):
    return sorted(q["mine"], key=lambda a: (-len(q["mine"][a]), -max(q["mine"][a]), a))


def rank_ir(q, half_life_days):
    h = half_life_days * 86400.0
    score = collections.Counter()
    for weight, table in ((IR_WEIGHT_MINE, q["mine"]), (IR_WEIGHT_THEIRS, q["theirs"])):
        for a, dates in table.items():
            for d in dates:
                score[a] += weight * 2.0 ** (-max(q["cut"] - d, 0.0) / h)
    return sorted(score, key=lambda a: (-score[a], a))


def measure(ranking, queries):
    """Sums over the queries: MRR, recall@5, MRR-1."""
    pos = {a: i + 1 for i, a in enumerate(ranking)}
    mrr = rec = mrr1 = 0.0
    for rcpts in queries:
        ranks = [pos[a] for a in rcpts if a in pos]
        if ranks:
            mrr += 1.0 / min(ranks)
        rec += sum(1 for r in ranks if r <= TOP) / len(rcpts)
        first = rcpts[0]
        if first in pos:
            letter = first[0]
            mrr1 += 1.0 / (1 + sum(1 for a in ranking[:pos[first] - 1] if a[0] == letter))
    return mrr, rec, mrr1


def report(name, queries_path, complete_path, row_path):
    with open(queries_path) as f:
        q = json.load(f)
    with open(complete_path) as f:
        complete = json.load(f)
    lists = set(q["lists"])
    kith = []
    for c in complete:
        for a in c.get("addresses") or [c["address"]]:
            if a.lower() not in kith and a.lower() not in lists:
                kith.append(a.lower())
    queries = q["queries"]
    n = len(queries)
    rows = [measure(kith, queries), measure(rank_count(q), queries)]
    rows += [measure(rank_ir(q, h), queries) for h in IR_HALF_LIVES]
    best = max(range(len(IR_HALF_LIVES)), key=lambda i: (rows[2 + i][0], -i))
    cut = datetime.datetime.fromtimestamp(q["cut"], datetime.timezone.utc).strftime("%Y-%m-%d")
    print("complete   %d queries (the owner's mail after the cut, %s), history %d addresses "
          "written to, %d writing to me" % (n, cut, len(q["mine"]), len(q["theirs"])))
    for label, m in (("kith", rows[0]), ("count", rows[1]),
                     ("IR (best: %d d)" % IR_HALF_LIVES[best], rows[2 + best])):
        print("           %-22s MRR %s  recall@5 %s  MRR-1 %s" % (
            label, *("%.3f" % (x / n) if n else "-    " for x in m)))
    with open(row_path, "w") as f:
        f.write("\t".join([name, str(n)] + ["%.6f" % x for m in rows for x in m]) + "\n")


def summary(paths):
    """One line per mailbox, then the real mailboxes pooled; IR with the
    one half-life best over the real mailboxes (by pooled MRR), and the
    oracle line: IR with each mailbox's own best half-life."""
    table = []
    for path in paths:
        with open(path) as f:
            for line in f:
                cells = line.rstrip("\n").split("\t")
                if len(cells) != 2 + 3 * (2 + len(IR_HALF_LIVES)):
                    continue
                v = [float(x) for x in cells[2:]]
                table.append((cells[0], int(cells[1]), [v[i:i + 3] for i in range(0, len(v), 3)]))
    real = [t for t in table if not t[0].startswith("generated")]
    nq = sum(t[1] for t in real)

    def pooled(k):
        return [sum(t[2][k][j] for t in real) for j in range(3)]
    h = max(range(len(IR_HALF_LIVES)), key=lambda i: (pooled(2 + i)[0], -i)) if real else 0

    def cell(ms, n, j):
        return "/".join("%.3f" % (m[j] / n) if n else "-" for m in ms)
    print("IR: half-life %d d (the best over the real mailboxes, by MRR)" % IR_HALF_LIVES[h])
    print("%-16s %7s  %-20s %-20s %-20s" % ("mailbox", "queries", "MRR kith/count/IR",
                                            "recall@5", "MRR-1"))
    for name, n, ms in table:
        pick = [ms[0], ms[1], ms[2 + h]]
        print("%-16s %7d  %-20s %-20s %-20s" % (name, n, *(cell(pick, n, j) for j in range(3))))
    if real:
        pick = [pooled(0), pooled(1), pooled(2 + h)]
        print("%-16s %7d  %-20s %-20s %-20s" % ("overall (real)", nq,
                                                *(cell(pick, nq, j) for j in range(3))))
        oracle = [sum(max((t[2][2 + i] for i in range(len(IR_HALF_LIVES))),
                          key=lambda m: m[0])[j] for t in real) for j in range(3)]
        print("%-16s %7d  IR with each mailbox's own best half-life: MRR %.3f  recall@5 %.3f  "
              "MRR-1 %.3f" % ("  (oracle)", nq, *(x / nq for x in oracle)))
    print("(each cell: kith / count / IR)")


def main(argv):
    cmds = {"split": (split, 5), "report": (report, 4)}
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
