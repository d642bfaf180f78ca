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
        history's store) and each query's values in ROW.tsv.json
    tests/eval-complete.py roll MAILDIR OWNERS OUT-DIR
        the kept-current measurement: the mail by date in slices
        (OUT-DIR/slice-NN/: the first 30 %, then 5 % at a time) and
        OUT-DIR/cut-NN.json, the history of slices 0..NN and the owner's mail
        of slice NN+1 as queries (eval.sh indexes slice after slice and writes
        OUT-DIR/cut-NN.complete.json and a copy of the store, cut-NN.kith.db)
    tests/eval-complete.py roll-report NAME OUT-DIR ROW.tsv
        report, summed over the cuts of OUT-DIR
    tests/eval-complete.py summary ROW.tsv...
        the table of every mailbox and the overall rows; with each
        ROW.tsv.json (report and roll-report write it), a bootstrap of
        kith's lead over the two baselines on the real mailboxes
    tests/eval-complete.py lomo OUT...
        leave one mailbox out (OUT: a mailbox's directory of eval.sh, with
        complete/queries.json, complete/complete.json and the store
        complete/mail/.notmuch/kith.db): kith's completion value computed
        again from the store, first at the shipped weights against kith's
        own order (the conformance check), then over a grid of its three
        weights; each real mailbox is scored with the weights best on the
        other real mailboxes, beside the shipped weights and the baselines;
        then MRR by the days from the cut to the query
    tests/eval-complete.py lomo-roll OUT...
        lomo on the kept-current cuts (OUT/roll/), each mailbox's cuts
        measured together

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
over every query of the real mailboxes (the generated mailbox apart);
beside each row file, ROW.json keeps every query's values, from which
summary bootstraps kith's lead over each baseline (see bootstrap ()).
"""

import collections
import datetime
import email
import email.policy
import importlib.util
import json
import math
import os
import random
import shutil
import sys

_spec = importlib.util.spec_from_file_location(
    "eval_reference", os.path.join(os.path.dirname(os.path.abspath(__file__)), "eval-reference.py"))
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)

IR_HALF_LIVES = (3, 7, 14, 30, 60, 120, 240, 365, 730)  # days
IR_WEIGHT_MINE, IR_WEIGHT_THEIRS = 2.0, 1.0
TOP = 5
# The kept-current measurement (roll): the first 30 % of the mail by date,
# then 5 % at a time, 14 cuts.
ROLL_FIRST, ROLL_STEP, ROLL_CUTS = 0.30, 0.05, 14
# Mailing-list hosts tests/eval-reference.py does not know by name (LKML
# and the kernel's other lists carry no List-Id in a list's archive).
LIST_HOSTS = ("vger.kernel.org",)


def message_date(msg):
    """The date kith gives a message (plugin/mime.c: _kith_msg_date): its
    Date, or when that is absent or implausible (a client's placeholder
    such as 1979-12-31, or a day after its delivery) the date of the
    first Received field, the hop that delivered it; None without either.  The cut must date mail as
    kith does, or mail of after the cut lands in the history."""
    date = ref.parse_date(msg.get("Date"))
    received = ref.raw_text(msg.get("Received"))
    received = ref.parse_date(received.rsplit(";", 1)[1]) if ";" in received else None
    if received is not None and (date is None or date > received + datetime.timedelta(days=1)):
        return received
    return date


def read_all(maildir):
    """(date or None, path, msg) of every distinct message, and the list addresses."""
    seen_ids, seen_keys, out, lists = set(), set(), [], set()
    for path in ref.mail_files(maildir):
        try:
            with open(path, "rb") as f:
                msg = email.message_from_binary_file(f, policy=email.policy.compat32)
        except Exception:
            continue
        date = message_date(msg)
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


def interactions(msgs, lists, owners, hist_end, q_lo, q_hi):
    """The history of MSGS[:HIST_END] (the interactions the baselines count)
    and the queries, one per message of the owner's in MSGS[Q_LO:Q_HI]."""
    mine = collections.defaultdict(list)    # X -> dates of my messages to X (history)
    theirs = collections.defaultdict(list)  # X -> dates of X's messages to me (history)
    queries, dates = [], []  # dates: each query's, for the horizon
    for i, (date, path, msg, dup) in enumerate(msgs[:max(hist_end, q_hi)]):
        if dup or (hist_end <= i < q_lo):
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
            if i < hist_end:
                for a in rcpts:
                    mine[a].append(date)
            if q_lo <= i < q_hi:
                queries.append(rcpts)
                dates.append(date)
        elif i < hist_end and author and author not in lists and \
                set(ref.addresses(msg, "To", "Cc")) & owners:
            theirs[author].append(date)
    cut = max([m[0] for m in msgs[:hist_end]] or [0.0])
    return {"cut": cut, "mine": mine, "theirs": theirs, "queries": queries,
            "dates": dates, "lists": sorted(lists)}


def read_sorted(maildir, owners_arg):
    owners = {ref.normalize(a) for a in owners_arg.split(";") if ref.normalize(a)}
    msgs, lists = read_all(maildir)
    msgs.sort(key=lambda m: (m[0], m[1]))
    return msgs, lists, owners


def split(maildir, owners_arg, fraction, hist_dir, queries_path):
    msgs, lists, owners = read_sorted(maildir, owners_arg)
    cut_at = int(len(msgs) * float(fraction))
    for i, (date, path, msg, dup) in enumerate(msgs[:cut_at]):
        shutil.copyfile(path, os.path.join(hist_dir, "m%07d" % i))
    with open(queries_path, "w") as f:
        json.dump(interactions(msgs, lists, owners, cut_at, cut_at, len(msgs)), f)


def roll(maildir, owners_arg, out_dir):
    """The kept-current measurement: the mail by date in slices (the first
    ROLL_FIRST of it, then ROLL_STEP at a time), written to
    OUT-DIR/slice-NN/; OUT-DIR/cut-NN.json holds the history of slices
    0..NN and, as queries, the owner's mail of slice NN+1 (eval.sh indexes
    slice after slice and asks kith after each)."""
    msgs, lists, owners = read_sorted(maildir, owners_arg)
    n = len(msgs)
    bounds = [int(n * (ROLL_FIRST + k * ROLL_STEP)) for k in range(ROLL_CUTS)] + [n]
    lo = 0
    for k, hi in enumerate(bounds):
        d = os.path.join(out_dir, "slice-%02d" % k)
        os.makedirs(d, exist_ok=True)
        for i in range(lo, hi):
            shutil.copyfile(msgs[i][1], os.path.join(d, "m%07d" % i))
        lo = hi
    for k in range(len(bounds) - 1):
        with open(os.path.join(out_dir, "cut-%02d.json" % k), "w") as f:
            json.dump(interactions(msgs, lists, owners, bounds[k], bounds[k], bounds[k + 1]), f)


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


def per_query(ranking, queries):
    """(reciprocal rank, recall@5, reciprocal rank with one letter typed)
    of RANKING on each of QUERIES."""
    pos = {a: i + 1 for i, a in enumerate(ranking)}
    out = []
    for rcpts in queries:
        ranks = [pos[a] for a in rcpts if a in pos]
        rr = 1.0 / min(ranks) if ranks else 0.0
        rec = sum(1 for r in ranks if r <= TOP) / len(rcpts)
        rr1, first = 0.0, rcpts[0]
        if first in pos:
            letter = first[0]
            rr1 = 1.0 / (1 + sum(1 for a in ranking[:pos[first] - 1] if a[0] == letter))
        out.append((rr, rec, rr1))
    return out


def measure(ranking, queries):
    """Sums over the queries: MRR, recall@5, MRR-1."""
    return tuple(math.fsum(q[j] for q in per_query(ranking, queries)) for j in range(3))


def kith_ranking(complete, lists):
    """The addresses of `kith complete`'s list, in order, lists left out."""
    kith = []
    for c in complete:
        for a in c.get("addresses") or [c["address"]]:
            if a.lower() not in kith and a.lower() not in lists:
                kith.append(a.lower())
    return kith


def measure_all(q, complete):
    """per_query of kith, count and IR at each half-life on the queries of Q."""
    queries = q["queries"]
    rows = [per_query(kith_ranking(complete, set(q["lists"])), queries),
            per_query(rank_count(q), queries)]
    return rows + [per_query(rank_ir(q, h), queries) for h in IR_HALF_LIVES]


def sums(rows):
    """The sums over the queries of each ranking's per_query."""
    return [[math.fsum(x[j] for x in r) for j in range(3)] for r in rows]


def print_row(name, rows, row_path, what):
    """Print and write (ROW_PATH) the sums of ROWS (measure_all's, the
    queries of every cut together); ROW_PATH.json keeps each query's
    values for summary's bootstrap."""
    n, total = len(rows[0]), sums(rows)
    best = max(range(len(IR_HALF_LIVES)), key=lambda i: (total[2 + i][0], -i))
    print("complete   %d queries (%s)" % (n, what))
    for label, m in (("kith", total[0]), ("count", total[1]),
                     ("IR (best: %d d)" % IR_HALF_LIVES[best], total[2 + best])):
        print("           %-22s MRR %s  recall@5 %s  MRR-1 %s" % (
            label, *("%.3f" % (x / n) if n else "-    " for x in m)))
    with open(row_path, "w") as f:
        f.write("\t".join([name, str(n)] + ["%.6f" % x for m in total for x in m]) + "\n")
    with open(row_path + ".json", "w") as f:
        json.dump({"name": name, "rows": rows}, f)


def report(name, queries_path, complete_path, row_path):
    with open(queries_path) as f:
        q = json.load(f)
    with open(complete_path) as f:
        complete = json.load(f)
    cut = datetime.datetime.fromtimestamp(q["cut"], datetime.timezone.utc).strftime("%Y-%m-%d")
    print_row(name, measure_all(q, complete), row_path,
              "the owner's mail after the cut, %s; history %d addresses written to, %d writing "
              "to me" % (cut, len(q["mine"]), len(q["theirs"])))


def roll_cuts(roll_dir):
    """The cuts of a kept-current run: (queries, complete, store) paths."""
    k, out = 0, []
    while os.path.exists(os.path.join(roll_dir, "cut-%02d.json" % k)):
        base = os.path.join(roll_dir, "cut-%02d" % k)
        if os.path.exists(base + ".complete.json"):
            out.append((base + ".json", base + ".complete.json", base + ".kith.db"))
        k += 1
    return out


def roll_report(name, roll_dir, row_path):
    """report, the queries of every cut of a kept-current run together."""
    rows, cuts = [[] for _ in range(2 + len(IR_HALF_LIVES))], roll_cuts(roll_dir)
    for qp, cp, _ in cuts:
        with open(qp) as f:
            q = json.load(f)
        with open(cp) as f:
            for acc, r in zip(rows, measure_all(q, json.load(f))):
                acc.extend(r)
    print_row(name, rows, row_path,
              "kept current: %d cuts from %d %% of the mail by date, each asked for the owner's "
              "mail of the next %d %%" % (len(cuts), ROLL_FIRST * 100, ROLL_STEP * 100))


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
    if real:
        boot = []
        for path in paths:
            if os.path.exists(path + ".json"):
                with open(path + ".json") as f:
                    b = json.load(f)
                if not b["name"].startswith("generated"):
                    boot.append(b["rows"])
        if len(boot) == len(real):
            bootstrap(boot)


BOOT_ROUNDS, BOOT_SEED = 2000, 30


def bootstrap(boxes):
    """How sure the pooled comparison is: BOOT_ROUNDS resamples of the
    queries (each mailbox's own, with replacement, as many as it has),
    each scored as summary scores the real mailboxes: kith against the
    count and against IR at the half-life best on that resample (so the
    tuning on the answers is redone, not taken for free).  Prints the
    differences kith - baseline, MRR and MRR-1, with their 95 % interval,
    and the share of resamples in which kith is above both baselines.
    BOXES: per mailbox, measure_all's per-query rows."""
    rnd = random.Random(BOOT_SEED)
    nq = sum(len(b[0]) for b in boxes)
    if nq == 0:
        return

    def score(picks):
        """Pooled [MRR, MRR-1] of kith, count and the tuned IR for PICKS
        (per mailbox, the query indices)."""
        tot = [[0.0, 0.0] for _ in boxes[0]]
        for rows, idx in zip(boxes, picks):
            for k, r in enumerate(rows):
                tot[k][0] += math.fsum(r[i][0] for i in idx)
                tot[k][1] += math.fsum(r[i][2] for i in idx)
        ir = max(tot[2:], key=lambda m: m[0])
        return [[x / nq for x in m] for m in (tot[0], tot[1], ir)]

    seen = score([range(len(b[0])) for b in boxes])
    diffs, above = [[], [], [], []], [0, 0]
    for _ in range(BOOT_ROUNDS):
        kith, count, ir = score([[rnd.randrange(len(b[0])) for _ in b[0]] for b in boxes])
        for j in range(2):
            diffs[j].append(kith[j] - count[j])
            diffs[2 + j].append(kith[j] - ir[j])
            above[j] += kith[j] > max(count[j], ir[j])

    def interval(xs):
        xs = sorted(xs)
        return xs[int(0.025 * len(xs))], xs[min(len(xs) - 1, int(0.975 * len(xs)))]
    print("bootstrap (%d resamples of each real mailbox's queries; IR's half-life picked again on "
          "each; 95 %% intervals):" % BOOT_ROUNDS)
    for k, label in ((0, "count"), (2, "IR (tuned)")):
        cells = []
        for j, metric in enumerate(("MRR", "MRR-1")):
            lo, hi = interval(diffs[k + j])
            cells.append("%s %+.3f [%+.3f, %+.3f]" % (
                metric, seen[0][j] - seen[1 + k // 2][j], lo, hi))
        print("  kith - %-11s %s" % (label, "   ".join(cells)))
    print("  kith above both baselines in %.0f %% of the resamples by MRR, %.0f %% by MRR-1" % (
        100.0 * above[0] / BOOT_ROUNDS, 100.0 * above[1] / BOOT_ROUNDS))


# ---- lomo: leave one mailbox out ------------------------------------------
#
# kith's completion value re-computed offline from each run's store (the
# message and recipient tables of kith.db, read the way plugin/aggr.c reads
# them for the pull), so that its three weights can be varied:
#   value = pull * (1 + RELATIONSHIP * log2 (1 + score)), 0 below the floor
#           (the pull of one message of mine FLOOR_DAYS old),
#   pull  = sum (HALF_LIFE) + LONG_WEIGHT * sum (LONG_RATIO * HALF_LIFE),
#   sum (h) = sum over my mail to the person (or replying to them) of
#           2^(-age / h), and over theirs to me (or replying to me)
#           of THEIRS * 2^(-age / h), age from the store's newest message;
# ties (no pull) in the order of `who`: tier, score, last, address.
# The score and the tier are those kith printed (complete.json).  The grid
# varies HALF_LIFE (the long half-life with it), THEIRS and RELATIONSHIP;
# kith's own HALF_LIFE is the memory its replay picked for the store (meta
# pull_memory, 28 days if none), so "shipped" is one per store.

PULL_WEIGHTS = (0.25, 0.1)  # plugin/kith-private.h: KITH_PULL_WEIGHT_THEIRS, _RELATIONSHIP
PULL_DEFAULT_MEMORY = 28.0  # KITH_PULL_CHOICE_DEFAULT
PULL_LONG_RATIO, PULL_LONG_WEIGHT = 16, 1.0 / 16  # KITH_PULL_LONG_*
PULL_FLOOR_DAYS = 1344.0  # KITH_PULL_FLOOR_DAYS
LOMO_DEFAULT = (14.0, 0.25, 0.1)  # the grid's tie-break


def pull_floor(half_life):
    """score.c: _kith_pull_floor."""
    return 2.0 ** (-PULL_FLOOR_DAYS / half_life) + \
        PULL_LONG_WEIGHT * 2.0 ** (-PULL_FLOOR_DAYS / (half_life * PULL_LONG_RATIO))
LOMO_HALF_LIVES = (3, 7, 14, 30, 60, 120, 240)
LOMO_THEIRS = (0.0, 0.0625, 0.125, 0.25, 0.5, 1.0)
LOMO_RELATIONSHIP = (0.0, 0.05, 0.1, 0.2, 0.4, 1.0)
TIERS = {"none": 0, "weak": 1, "known": 2, "close": 3}
F_AUTO_SUBMITTED, F_BULK, F_LIST_POST, F_UNSUB, F_NOREPLY = 1, 2, 8, 32, 64
F_REPLY_SUBJECT, F_MINE, F_TO_ME, F_EXCLUDED = 128, 256, 512, 1024
F_AUTO_RESPONSE, F_ROBOT = 4096, 8192
TI_ROOT_HEX, TI_REPLY_HEX, SUBJECT_NEIGHBOURS = 44, 10, 32
REPLY_WINDOW = 60 * 86400  # KITH_DEFAULT_REPLY_WINDOW_DAYS


def automated(flags):
    return bool(flags & (F_AUTO_SUBMITTED | F_NOREPLY | F_AUTO_RESPONSE | F_ROBOT)) or \
        bool(flags & (F_BULK | F_UNSUB) and not flags & F_LIST_POST)


class Store:
    """The message rows of a kith.db and the look-ups of plugin/aggr.c."""

    def __init__(self, path):
        import sqlite3
        con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        self.rows = {}
        self.by_mid, self.by_ti, self.by_subject = {}, {}, collections.defaultdict(list)
        self.kids_parent, self.kids_ti = collections.defaultdict(list), collections.defaultdict(list)
        self.authored, self.addressed = collections.defaultdict(list), collections.defaultdict(list)
        for r in con.execute("SELECT id, message_id, author, subject_base, parent, thread_index, "
                             "ti_parent, date, flags, has_reply_headers FROM message ORDER BY id"):
            row = dict(zip(("id", "mid", "author", "subject", "parent", "ti", "ti_parent", "date",
                            "flags", "reply_headers"), r))
            self.rows[row["id"]] = row
            ok = not row["flags"] & F_EXCLUDED
            if ok:
                self.by_mid[row["mid"]] = row["id"]
                if row["ti"] and (row["ti"] not in self.by_ti or
                                  (row["date"], row["id"]) < self.rows[self.by_ti[row["ti"]]]["date_id"]):
                    self.by_ti[row["ti"]] = row["id"]
                if row["author"]:
                    self.authored[row["author"]].append(row["id"])
            row["date_id"] = (row["date"], row["id"])
            if row["subject"]:
                self.by_subject[row["subject"]].append(row["date_id"])
            if row["parent"]:
                self.kids_parent[row["parent"]].append(row["id"])
            if row["ti_parent"]:
                self.kids_ti[row["ti_parent"]].append(row["id"])
        for v in self.by_subject.values():
            v.sort()
        self.rcpts = collections.defaultdict(list)
        for m, a in con.execute("SELECT message, address FROM recipient WHERE kind < 4 ORDER BY rowid"):
            self.rcpts[m].append(a)
            if self.rows[m]["flags"] & F_MINE and not self.rows[m]["flags"] & F_EXCLUDED:
                if m not in self.addressed[a]:
                    self.addressed[a].append(m)
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        self.newest = int(meta.get("newest", 0))
        self.memory = float(meta.get("pull_memory", PULL_DEFAULT_MEMORY))
        near, far = "pull_%d" % self.memory, "pull_%d" % (self.memory * PULL_LONG_RATIO)
        self.pull = {a: (p, q) for a, p, q in con.execute(
            "SELECT address, %s, %s FROM contact" % (near, far))}
        con.close()

    def parent(self, row):
        if row["parent"] and row["parent"] in self.by_mid:
            return self.rows[self.by_mid[row["parent"]]]
        if row["ti_parent"]:
            prefix = row["ti_parent"]
            while len(prefix) >= TI_ROOT_HEX:
                i = self.by_ti.get(prefix)
                if i is not None and i != row["id"]:
                    return self.rows[i]
                prefix = prefix[:len(prefix) - TI_REPLY_HEX]
        if not row["reply_headers"] and row["flags"] & F_REPLY_SUBJECT and row["subject"] and \
                row["author"]:
            near = [d for d in self.by_subject[row["subject"]] if d < row["date_id"]]
            near = near[-SUBJECT_NEIGHBOURS:][::-1]
            mine = row["flags"] & F_MINE
            for date, i in near:
                cand = self.rows[i]
                if not (row["date"] - REPLY_WINDOW <= date < row["date"]) or \
                        cand["flags"] & F_EXCLUDED or cand["author"] is None:
                    continue
                if mine:
                    if not cand["flags"] & F_MINE and cand["author"] in self.rcpts[row["id"]]:
                        return cand
                elif cand["flags"] & F_MINE and row["author"] in self.rcpts[i]:
                    return cand
        return None

    def children(self, row):
        ids = list(self.kids_parent.get(row["mid"], ())) if row["mid"] else []
        if row["ti"]:
            ids += self.kids_ti.get(row["ti"], ())
        if row["subject"]:
            after = [d for d in self.by_subject[row["subject"]] if d > row["date_id"]]
            ids += [i for date, i in after[:SUBJECT_NEIGHBOURS]
                    if row["date"] < date <= row["date"] + REPLY_WINDOW and
                    not self.rows[i]["reply_headers"]]
        return ids

    def events(self, address):
        """(date, mine) of the messages the pull of ADDRESS adds up, in aggr.c's order."""
        mine, seen, events = [], set(), []
        for i in self.addressed.get(address, ()):
            if i not in seen:
                seen.add(i)
                mine.append(i)
        for i in sorted(self.authored.get(address, ())):
            t = self.rows[i]
            if t["flags"] & F_MINE or automated(t["flags"]):
                continue
            p = self.parent(t)
            if t["flags"] & F_TO_ME or (p and p["flags"] & F_MINE and not automated(p["flags"])):
                events.append((t["date"], False, i))
            for k in self.children(t):
                c = self.rows[k]
                if k not in seen and c["flags"] & F_MINE and not c["flags"] & F_EXCLUDED:
                    seen.add(k)
                    mine.append(k)
        for i in sorted(mine):
            m = self.rows[i]
            if not m["flags"] & F_MINE or m["flags"] & F_EXCLUDED or automated(m["flags"]):
                continue
            p = self.parent(m)
            if address in self.rcpts[i] or (p and not p["flags"] & F_MINE and
                                            p["author"] == address and not automated(p["flags"])):
                events.append((m["date"], True, i))
        events.sort(key=lambda e: (e[0], not e[1], e[2]))
        return [(d, m) for d, m, _ in events if d > 0]


def stored_pull(events, half_life_days, theirs):
    """A stored form of the pull (score.c: _kith_pull_add, _kith_pull_store)."""
    h = half_life_days * 86400.0
    top = total = 0.0
    for date, mine in events:
        x = date / h + math.log2(1.0 if mine else theirs)
        if total == 0.0:
            top, total = x, 1.0
        elif x > top:
            total, top = total * 2.0 ** (top - x) + 1.0, x
        else:
            total += 2.0 ** (x - top)
    return top + math.log2(total) if total > 0 else 0.0


def iso_time(text):
    if not text:
        return 0.0
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class Mailbox:
    """One history (a cut) of a mailbox: its queries, kith's order and store."""

    def __init__(self, name, queries_path, complete_path, store_path):
        with open(queries_path) as f:
            q = json.load(f)
        with open(complete_path) as f:
            self.complete = json.load(f)
        self.name, self.q, self.queries = name, q, q["queries"]
        self.lists = set(q["lists"])
        self.store = Store(store_path)
        # per contact of complete.json: the ages (days) of my mail and of theirs
        self.ages, self.same = [], 0
        now = self.store.newest
        for c in self.complete:
            mine, theirs = [], []
            for a in c.get("addresses") or [c["address"]]:
                ev = self.store.events(a)
                want = self.store.pull.get(a, (0.0, 0.0))
                got = (stored_pull(ev, self.store.memory, PULL_WEIGHTS[0]),
                       stored_pull(ev, self.store.memory * PULL_LONG_RATIO, PULL_WEIGHTS[0]))
                if all(abs(x - y) <= 1e-9 * max(1.0, abs(y)) for x, y in zip(got, want)):
                    self.same += 1
                for d, m in ev:
                    (mine if m else theirs).append((now - d) / 86400.0)
            self.ages.append((mine, theirs))
        who = sorted(range(len(self.complete)), key=lambda i: (
            -TIERS.get(self.complete[i]["tier"], 0), -self.complete[i]["score"],
            -iso_time(self.complete[i].get("last")),
            self.complete[i]["address"]))
        self.who_pos = {i: n for n, i in enumerate(who)}
        self._sums = {}
        self.shipped = (self.store.memory,) + PULL_WEIGHTS
        self.store = None  # the ages are all lomo needs of it

    def expand(self, order):
        out, seen = [], set()
        for i in order:
            c = self.complete[i]
            for a in c.get("addresses") or [c["address"]]:
                a = a.lower()
                if a not in seen and a not in self.lists:
                    seen.add(a)
                    out.append(a)
        return out

    def kith_order(self):
        return self.expand(range(len(self.complete)))

    def sums(self, half_life):
        """(mine, theirs) per contact: the sums at HALF_LIFE, plus
        PULL_LONG_WEIGHT times those at PULL_LONG_RATIO times it."""
        if half_life not in self._sums:
            far = half_life * PULL_LONG_RATIO
            self._sums[half_life] = [
                (sum(2.0 ** (-a / half_life) + PULL_LONG_WEIGHT * 2.0 ** (-a / far) for a in mine),
                 sum(2.0 ** (-a / half_life) + PULL_LONG_WEIGHT * 2.0 ** (-a / far) for a in th))
                for mine, th in self.ages]
        return self._sums[half_life]

    def ranking(self, half_life, theirs, relationship):
        value = []
        for i, (sm, st) in enumerate(self.sums(half_life)):
            c = self.complete[i]
            pull = sm + theirs * st
            v = 0.0 if pull < pull_floor(half_life) else \
                pull * (1.0 + relationship * math.log2(1.0 + max(c["score"], 0.0)))
            value.append(v)
        order = sorted(range(len(self.complete)), key=lambda i: (
            bool(self.complete[i].get("automated")), -value[i], self.who_pos[i]))
        return self.expand(order)


class Box:
    """A mailbox for lomo: one or more histories (Mailbox), measured together
    (the sums over all their queries)."""

    def __init__(self, name, parts):
        self.name, self.parts = name, parts
        self.n = sum(len(p.queries) for p in parts)

    def measure(self, rank):
        """The sums of measure () over the parts, RANK (part) ranking each."""
        total = [0.0, 0.0, 0.0]
        for p in self.parts:
            total = [x + y for x, y in zip(total, measure(rank(p), p.queries))]
        return total


def load_boxes(dirs, rolling):
    """A Box per mailbox directory of eval.sh: its 80 % cut (complete/), or
    with ROLLING the cuts of its kept-current run (roll/)."""
    boxes = []
    for d in dirs:
        name = os.path.basename(os.path.normpath(d))
        if rolling:
            cuts = roll_cuts(os.path.join(d, "roll"))
            parts = [Mailbox(name, *c) for c in cuts if os.path.exists(c[2])]
        else:
            cm = os.path.join(d, "complete")
            parts = [Mailbox(name, os.path.join(cm, "queries.json"), os.path.join(cm, "complete.json"),
                             os.path.join(cm, "mail", ".notmuch", "kith.db"))] \
                if os.path.exists(os.path.join(cm, "complete.json")) else []
        if parts:
            boxes.append(Box(name, parts))
    return boxes


def lomo(dirs, rolling=False):
    """Leave one mailbox out: for each real mailbox the weights best (pooled
    MRR) on the other real mailboxes, scored on it; the generated mailbox
    with the weights best on all the real ones."""
    boxes = load_boxes(dirs, rolling)
    if not boxes:
        print("lomo: no mailbox")
        return
    grid = [(h, t, r) for h in LOMO_HALF_LIVES for t in LOMO_THEIRS for r in LOMO_RELATIONSHIP]
    print("conformance: the re-computation at the shipped weights (the half-life the store's replay picked, the long one 16 times it "
          "counting 1/16, theirs %g, relationship %g) against kith's own order" % PULL_WEIGHTS)
    score, ir, shipped = {}, {}, {}
    for b in boxes:
        n = b.n
        kith = b.measure(lambda p: p.kith_order())
        again = b.measure(lambda p: p.ranking(*p.shipped))
        same = sum(p.same for p in b.parts)
        addresses = sum(len(c.get("addresses") or [1]) for p in b.parts for c in p.complete)
        moved = total = 0
        for p in b.parts:
            order, order_again = p.kith_order(), p.ranking(*p.shipped)
            moved += sum(1 for x, y in zip(order, order_again) if x != y) + abs(len(order) - len(order_again))
            total += len(order)
        print("  %-16s pull of %d/%d addresses as stored; %d of %d ranks differ (equal printed "
              "scores); MRR %.4f/%.4f, MRR-1 %.4f/%.4f; memory %s d" % (
                  b.name, same, addresses, moved, total, kith[0] / n, again[0] / n,
                  kith[2] / n, again[2] / n, "/".join("%g" % p.shipped[0] for p in b.parts)))
        shipped[b.name] = again
        for p in grid:
            score[b.name, p] = b.measure(lambda part: part.ranking(*p))
        for h in IR_HALF_LIVES:
            ir[b.name, h] = b.measure(lambda part: rank_ir(part.q, h))
    real = [b for b in boxes if not b.name.startswith("generated")]

    def best(train, table, keys, default):
        if not train:
            return default
        return max(keys, key=lambda k: (sum(table[b.name, k][0] for b in train),
                                        sum(table[b.name, k][2] for b in train),
                                        k == default))
    rows, pooled = [], [[0.0, 0.0] for _ in range(4)]
    for b in boxes:
        train = [o for o in real if o is not b]
        p = best(train, score, grid, LOMO_DEFAULT)
        h = best(train, ir, IR_HALF_LIVES, 14)
        ms = [score[b.name, p], shipped[b.name], b.measure(lambda part: rank_count(part.q)),
              ir[b.name, h]]
        rows.append((b, p, h, ms))
        if b in real:
            for i, m in enumerate(ms):
                pooled[i][0] += m[0]
                pooled[i][1] += m[2]
    print("leave one mailbox out (weights picked by pooled MRR on the other real mailboxes; "
          "grid: half-life %s d, theirs %s, relationship %s; IR's half-life likewise)" % (
              "/".join("%g" % x for x in LOMO_HALF_LIVES), "/".join("%g" % x for x in LOMO_THEIRS),
              "/".join("%g" % x for x in LOMO_RELATIONSHIP)))
    print("%-16s %7s  %-27s %-27s %s" % ("mailbox", "queries", "MRR lomo/shipped/count/IR",
                                          "MRR-1 lomo/shipped/count/IR", "picked: kith; IR"))
    for b, p, h, ms in rows:
        n = b.n
        print("%-16s %7d  %-27s %-27s %g d, %g, %g; %d d" % (
            b.name, n, "/".join("%.3f" % (m[0] / n) for m in ms),
            "/".join("%.3f" % (m[2] / n) for m in ms), p[0], p[1], p[2], h))
    nq = sum(b.n for b in real)
    if nq:
        print("%-16s %7d  %-27s %s" % ("overall (real)", nq,
                                       "/".join("%.3f" % (m[0] / nq) for m in pooled),
                                       "/".join("%.3f" % (m[1] / nq) for m in pooled)))
        p = best(real, score, grid, LOMO_DEFAULT)
        m = [sum(score[b.name, p][j] for b in real) / nq for j in range(3)]
        print("  (in-sample: the weights best on all the real mailboxes, %g d, %g, %g: MRR %.3f  "
              "recall@5 %.3f  MRR-1 %.3f)" % (p[0], p[1], p[2], *m))
    if not rolling:
        horizon([b.parts[0] for b in boxes], [b.parts[0] for b in real])


HORIZONS = ((0, 30), (30, 180), (180, None))  # days after the cut


def horizon(boxes, real):
    """MRR by how long after the cut a query was written: the history is
    the cut's, so a query a year later asks completion a question it never
    meets when the store is kept current (the hook indexes new mail)."""
    if not all("dates" in b.q for b in boxes):
        return
    print("by horizon (days from the cut to the query; MRR kith / count / IR 14 d / IR 240 d)")
    print("%-16s %s" % ("mailbox", "  ".join("%-30s" % ("%d-%s d" % (lo, hi or "")) for lo, hi in HORIZONS)))
    pooled = collections.defaultdict(lambda: [0, [0.0] * 4])
    for b in boxes:
        rankings = [b.kith_order(), rank_count(b.q), rank_ir(b.q, 14), rank_ir(b.q, 240)]
        cells = []
        for lo, hi in HORIZONS:
            qs = [r for r, d in zip(b.queries, b.q["dates"])
                  if lo * 86400 <= d - b.q["cut"] and (hi is None or d - b.q["cut"] < hi * 86400)]
            ms = [measure(r, qs)[0] for r in rankings]
            if b in real:
                pooled[lo][0] += len(qs)
                pooled[lo][1] = [x + y for x, y in zip(pooled[lo][1], ms)]
            cells.append("%3d: %s" % (len(qs), "/".join("%.3f" % (m / len(qs)) for m in ms))
                         if qs else "  0")
        print("%-16s %s" % (b.name, "  ".join("%-30s" % c for c in cells)))
    print("%-16s %s" % ("overall (real)", "  ".join(
        "%-30s" % ("%3d: %s" % (pooled[lo][0], "/".join("%.3f" % (m / pooled[lo][0])
                                                          for m in pooled[lo][1]))
                   if pooled[lo][0] else "  0") for lo, _ in HORIZONS)))


def main(argv):
    cmds = {"split": (split, 5), "report": (report, 4), "roll": (roll, 3),
            "roll-report": (roll_report, 3)}
    if len(argv) >= 2 and argv[1] == "summary":
        summary(argv[2:])
        return 0
    if len(argv) >= 2 and argv[1] == "lomo":
        lomo(argv[2:])
        return 0
    if len(argv) >= 2 and argv[1] == "lomo-roll":
        lomo(argv[2:], rolling=True)
        return 0
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        sys.stderr.write(__doc__.split("\n\n", 2)[1] + "\n")
        return 2
    cmds[argv[1]][0](*argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
