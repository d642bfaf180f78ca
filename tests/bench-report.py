#!/usr/bin/env python3
"""bench-report.py - the reports of tests/bench.sh.

Usage:
    tests/bench-report.py INFO.tsv RAW.tsv > results.md
    tests/bench-report.py --callgrind TREE.txt    (callgrind_annotate
                          --inclusive=yes --tree=calling output)
    tests/bench-report.py --perf SCRIPT.txt       (perf script -F
                          comm,period,ip,sym output, call graphs)
    tests/bench-report.py --top INCLUSIVE.txt     (callgrind_annotate
                          --inclusive=yes output: kith's costliest functions)

INFO.tsv: KEY<TAB>VALUE lines (machine, versions, load, sizes).
RAW.tsv:  size, row, tool (kith|peer|ref), rep, wall (s), cpu (user+sys,
          s), rss_kb (empty without GNU time), one line per measurement.
Each cell is the median of the repetitions; ratios are kith / peer.

--callgrind and --perf split a profile of `notmuch-kith index --rebuild`
into the parts of a full run: GMime parsing (mime.c parse_block and
everything it calls), file reading (the rest of _kith_mime_parse_file:
open, read, filter_headers; callgrind sees no kernel time), SQLite
inserts (the sqlite3_* calls of the indexing loop), per-contact
aggregation (_kith_aggr_update_contact: aggr.c queries, scores, contact
writes), notmuch iteration (the notmuch_* calls of the indexing loop:
metadata, date, file name, tags) and the rest.
"""

import collections
import re
import statistics
import sys

PARTS = ["GMime parsing", "file reading", "SQLite inserts", "per-contact aggregation",
         "notmuch iteration", "other"]


def callgrind_parts(path):
    """Inclusive instruction counts per part, from a callgrind tree."""
    line_re = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+([*>< ])\s+(\S+)")
    blocks, current, total = {}, None, None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if "PROGRAM TOTALS" in line and total is None:
                total = int(line.split()[0].replace(",", ""))
                continue
            m = line_re.match(line)
            if not m:
                if not line.strip():
                    current = None
                continue
            cost, mark, name = int(m.group(1).replace(",", "")), m.group(2), m.group(3)
            fn = name.rsplit(":", 1)[-1]
            if mark == "*":
                current = blocks.setdefault(fn, {"incl": 0, "callees": collections.Counter()})
                current["incl"] = max(current["incl"], cost)
            elif mark == ">" and current is not None:
                current["callees"][fn] += cost
    if total is None or "_kith_index_run" not in blocks:
        sys.exit("bench-report.py: %s: not a callgrind tree of kith index" % path)

    def incl(fn):
        return blocks.get(fn, {"incl": 0})["incl"]
    run = blocks["_kith_index_run"]["callees"]
    parts = collections.OrderedDict()
    parts["GMime parsing"] = incl("parse_block")
    parts["file reading"] = incl("_kith_mime_parse_file") - incl("parse_block")
    parts["SQLite inserts"] = sum(c for fn, c in run.items() if fn.startswith("sqlite3_"))
    parts["per-contact aggregation"] = sum(c for fn, c in run.items()
                                           if fn.startswith("_kith_aggr_"))
    parts["notmuch iteration"] = sum(c for fn, c in run.items() if fn.startswith("notmuch_"))
    parts["other"] = total - sum(parts.values())
    return parts, total


def perf_part(frames):
    def has(*names):
        return any(f.startswith(n) for f in frames for n in names)
    if has("_kith_aggr_update_contact", "_kith_aggr_compute", "_kith_store_write_contact"):
        return "per-contact aggregation"
    if has("parse_block", "g_mime_", "internet_address_"):
        return "GMime parsing"
    if has("_kith_mime_parse_file"):
        return "file reading"
    if has("notmuch_"):
        return "notmuch iteration"
    if has("sqlite3_step", "sqlite3_bind", "sqlite3_reset", "sqlite3_clear"):
        return "SQLite inserts"
    return "other"


def perf_parts(path):
    """Sampled time per part (incl. kernel), from perf script output."""
    parts = collections.OrderedDict((p, 0) for p in PARTS)
    frames, period, total = [], 0, 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in list(f) + [""]:
            line = line.rstrip("\n")
            if not line.strip():
                if frames:
                    parts[perf_part(frames)] += period
                    total += period
                frames, period = [], 0
            elif not line[0].isspace():
                last = line.split()[-1]
                period = int(last) if last.isdigit() else 1
            else:
                fields = line.split(None, 1)
                if len(fields) == 2:
                    frames.append(fields[1].split("+")[0].replace(" (inlined)", ""))
    return parts, total


def callgrind_top(path, limit=30):
    """The costliest functions of kith (and the notmuch and SQLite entry
    points it calls), inclusive, from callgrind_annotate --inclusive=yes."""
    line_re = re.compile(r"^\s*([\d,]+) \(\s*([\d.]+)%\)\s+(\S+)")
    best = collections.OrderedDict()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("-- Auto-annotated source"):
                break
            m = line_re.match(line)
            if not m:
                continue
            where, fn = m.group(3).rsplit(":", 1) if ":" in m.group(3) else ("", m.group(3))
            if not ("plugin/" in where or fn.startswith(("notmuch_", "sqlite3_step", "g_mime_parser_"))):
                continue
            fn = re.sub(r"\.(part|constprop|isra)\.\d+", "", fn)
            cost = int(m.group(1).replace(",", ""))
            if cost > best.get(fn, (0, ""))[0]:
                best[fn] = (cost, m.group(2))
    print("| function (inclusive) | instructions | share |")
    print("|---|---:|---:|")
    for fn, (cost, pct) in sorted(best.items(), key=lambda kv: -kv[1][0])[:limit]:
        print("| %s | {:,} | %s %% |".format(cost) % (fn, pct))


def profile_main(mode, path):
    if mode == "--top":
        callgrind_top(path)
        return
    parts, total = callgrind_parts(path) if mode == "--callgrind" else perf_parts(path)
    unit = "instructions (Ir)" if mode == "--callgrind" else "sampled CPU time, incl. kernel"
    print("| part of `kith index --rebuild` | %s | share |" % unit)
    print("|---|---:|---:|")
    for name, cost in parts.items():
        shown = "{:,}".format(cost) if mode == "--callgrind" else "%.2f s" % (cost / 1e9)
        print("| %s | %s | %.1f %% |" % (name, shown, 100.0 * cost / total if total else 0))
    print("| total | %s | |" % ("{:,}".format(total) if mode == "--callgrind"
                                  else "%.2f s" % (total / 1e9)))

ROWS = [
    # row, kith command, peer command, wall target, rss target
    ("rebuild", "notmuch kith index --rebuild",
     "notmuch address --output=sender --output=recipients --output=count "
     "--deduplicate=address '*'", 0.25, 2.0),
    ("hook", "notmuch kith hook (after the batch)",
     "notmuch new --no-hooks (adding 100 messages)", 0.2, None),
    ("who", "notmuch kith who", "notmuch-addrlookup PREFIX", 1.0, None),
    # only when the notmuch-kith under test has the verb
    ("complete", "notmuch kith complete PREFIX", "notmuch-addrlookup PREFIX", 1.0, None),
]
# reference only (tool "ref"): notmuch new with kith's hook against the
# same notmuch new --no-hooks (both adding the batch); the hook with no
# new mail (its fixed cost)
TOTAL = ("hook-total", "notmuch new with kith's hook (adding 100 messages)")
IDLE = ("hook-idle", "notmuch kith hook (no new mail)")
WALK = ("walk", "tests/bench-notmuch-walk.c (notmuch alone)")


def fmt_s(x):
    if x is None:
        return "n/a"
    return "%.3f" % x if x < 10 else "%.1f" % x


def fmt_mb(kb):
    return "n/a" if kb is None else "%.0f" % (kb / 1024)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(r):
    return "n/a" if r is None else "%.2f" % r


def verdict(r, target):
    if target is None:
        return ""
    if r is None:
        return "?"
    return "✓" if r <= target else "✗"


def main():
    info = collections.OrderedDict()
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            info[k] = v
    data = collections.defaultdict(list)  # (size, row, tool) -> [(wall, cpu, rss)]
    sizes = []
    with open(sys.argv[2], encoding="utf-8") as f:
        next(f)
        for line in f:
            size, row, tool, _rep, wall, cpu, rss = line.rstrip("\n").split("\t")
            size = int(size)
            if size not in sizes:
                sizes.append(size)
            data[(size, row, tool)].append(
                (float(wall), float(cpu), int(rss) if rss else None))

    def med(size, row, tool, i):
        vals = [m[i] for m in data.get((size, row, tool), []) if m[i] is not None]
        return statistics.median(vals) if vals else None

    def spread(size, row, tool):
        vals = [m[0] for m in data.get((size, row, tool), [])]
        return "%s–%s" % (fmt_s(min(vals)), fmt_s(max(vals))) if vals else ""

    out = []
    w = out.append
    w("# kith benchmark")
    w("")
    w("Generated by `tests/bench.sh` (`make bench`).  Each number is the median "
      "of %s runs; ratios are kith / peer (lower is better for kith).  "
      "Wall and CPU (user + sys) in seconds, peak RSS in MB.  Warm page cache.  "
      "On a shared, busy machine wall times are noisy: compare the CPU "
      "column and the spread below." % info.get("repeat", "?"))
    w("")
    w("| | |")
    w("|---|---|")
    for key, label in (("date", "date"), ("host_nproc", "nproc"), ("cpu", "CPU"),
                       ("memory", "memory"), ("kernel", "kernel"),
                       ("notmuch", "notmuch"), ("kith", "kith"),
                       ("addrlookup", "notmuch-addrlookup"), ("time", "timer"),
                       ("load", "load average (1, 5, 15 min)"),
                       ("generator", "mailboxes")):
        if key in info:
            w("| %s | %s |" % (label, info[key].replace("|", "\\|")))
    w("")

    w("| messages | row | kith wall | peer wall | **wall ratio** | kith cpu | peer cpu "
      "| cpu ratio | kith RSS | peer RSS | **RSS ratio** | target |")
    w("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for size in sizes:
        shown = info.get("messages-%d" % size) or str(size)
        for row, _kc, _pc, wt, rt in ROWS:
            if (size, row, "kith") not in data:
                continue
            kw, pw = med(size, row, "kith", 0), med(size, row, "peer", 0)
            kc, pc = med(size, row, "kith", 1), med(size, row, "peer", 1)
            kr, pr = med(size, row, "kith", 2), med(size, row, "peer", 2)
            rw, rc, rr = ratio(kw, pw), ratio(kc, pc), ratio(kr, pr)
            target = "wall ≤ %g %s" % (wt, verdict(rw, wt))
            if rt is not None:
                target += ", RSS ≤ %g %s" % (rt, verdict(rr, rt))
            label = row
            if row in ("who", "complete") and "prefix-%d" % size in info:
                label += " (`%s`)" % info["prefix-%d" % size]
            w("| %s | %s | %s | %s | **%s** | %s | %s | %s | %s | %s | **%s** | %s |" % (
                shown, label, fmt_s(kw), fmt_s(pw), fmt_ratio(rw), fmt_s(kc), fmt_s(pc),
                fmt_ratio(rc), fmt_mb(kr), fmt_mb(pr), fmt_ratio(rr), target))
        if (size, WALK[0], "ref") in data:
            ww, pw = med(size, WALK[0], "ref", 0), med(size, "rebuild", "peer", 0)
            wc, pc = med(size, WALK[0], "ref", 1), med(size, "rebuild", "peer", 1)
            wr, pr = med(size, WALK[0], "ref", 2), med(size, "rebuild", "peer", 2)
            w("| %s | notmuch walk | %s | %s | %s | %s | %s | %s | %s | %s | %s | "
              "reference: notmuch alone, the floor of the rebuild |" % (
                  shown, fmt_s(ww), fmt_s(pw), fmt_ratio(ratio(ww, pw)), fmt_s(wc),
                  fmt_s(pc), fmt_ratio(ratio(wc, pc)), fmt_mb(wr), fmt_mb(pr),
                  fmt_ratio(ratio(wr, pr))))
        if (size, IDLE[0], "ref") in data:
            iw, pw = med(size, IDLE[0], "ref", 0), med(size, "hook", "peer", 0)
            ic, pc = med(size, IDLE[0], "ref", 1), med(size, "hook", "peer", 1)
            ir, pr = med(size, IDLE[0], "ref", 2), med(size, "hook", "peer", 2)
            w("| %s | hook, no new mail | %s | %s | %s | %s | %s | %s | %s | %s | %s | "
              "reference: the hook's fixed cost |" % (
                  shown, fmt_s(iw), fmt_s(pw), fmt_ratio(ratio(iw, pw)), fmt_s(ic),
                  fmt_s(pc), fmt_ratio(ratio(ic, pc)), fmt_mb(ir), fmt_mb(pr),
                  fmt_ratio(ratio(ir, pr))))
        if (size, TOTAL[0], "ref") in data:
            tw, pw = med(size, TOTAL[0], "ref", 0), med(size, "hook", "peer", 0)
            tc, pc = med(size, TOTAL[0], "ref", 1), med(size, "hook", "peer", 1)
            tr, pr = med(size, TOTAL[0], "ref", 2), med(size, "hook", "peer", 2)
            w("| %s | new + hook | %s | %s | %s | %s | %s | %s | %s | %s | %s | "
              "reference (≤ 1.2 if the hook meets its target) |" % (
                  shown, fmt_s(tw), fmt_s(pw), fmt_ratio(ratio(tw, pw)), fmt_s(tc),
                  fmt_s(pc), fmt_ratio(ratio(tc, pc)), fmt_mb(tr), fmt_mb(pr),
                  fmt_ratio(ratio(tr, pr))))
    w("")

    if info.get("addrlookup") == "missing":
        w("The who row is missing: notmuch-addrlookup is not installed "
          "(apt-get install notmuch-addrlookup, or BENCH_INSTALL=1).")
        w("")
    if info.get("complete") == "missing":
        w("The complete row is missing: this notmuch-kith has no `complete` verb.")
        w("")
    if info.get("time", "").startswith("bash"):
        w("No peak memory: /usr/bin/time (GNU time) is not installed "
          "(apt-get install time, or BENCH_INSTALL=1).")
        w("")
    hooks = [(s, med(s, "hook", "kith", 0), med(s, "hook", "kith", 1))
             for s in sizes if (s, "hook", "kith") in data]
    if len(hooks) > 1:
        (s0, w0, c0), (s1, w1, c1) = hooks[0], hooks[-1]
        w("Hook flatness (target: about 1, the hook's cost follows the new mail, "
          "not the mailbox): hook at %d / at %d messages = %s wall, %s cpu." % (
              s1, s0, fmt_ratio(ratio(w1, w0)), fmt_ratio(ratio(c1, c0))))
        w("")

    w("Commands: " + "; ".join(
        "**%s**: kith = `%s`, peer = `%s`" % (r, kc, pc) for r, kc, pc, _w, _r in ROWS
        if any((s, r, "kith") in data for s in sizes))
      + ("; **notmuch walk**: `tests/bench-notmuch-walk.c`, which walks notmuch asking "
         "every message only for what kith's indexer asks (id, thread, file name, date, "
         "tags), against the same `notmuch address`"
         if any((s, WALK[0], "ref") in data for s in sizes) else "")
      + "; **hook, no new mail**: `notmuch kith hook` on the state before the batch, "
      "against the same `notmuch new --no-hooks`"
      + "; **new + hook**: `notmuch new` with kith's hook installed (adding 100 messages) "
      "against the same `notmuch new --no-hooks`.")
    w("")
    w("Spread of the wall times (min–max over the runs):")
    w("")
    w("| messages | row | kith | peer |")
    w("|---:|---|---|---|")
    for size in sizes:
        for row in [r[0] for r in ROWS]:
            if (size, row, "kith") in data or (size, row, "peer") in data:
                w("| %s | %s | %s | %s |" % (
                    info.get("messages-%d" % size) or size, row,
                    spread(size, row, "kith"), spread(size, row, "peer")))
        for row in (WALK[0], IDLE[0], TOTAL[0]):
            if (size, row, "ref") in data:
                w("| %s | %s | %s | |" % (info.get("messages-%d" % size) or size, row,
                                          spread(size, row, "ref")))
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("--callgrind", "--perf", "--top"):
        profile_main(sys.argv[1], sys.argv[2])
    elif len(sys.argv) == 3:
        main()
    else:
        sys.exit(__doc__)
