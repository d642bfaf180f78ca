#!/usr/bin/env python3
"""store-dump.py - canonical text dump of kith stores

Usage:
    store-dump.py STORE.db                 dump to stdout
    store-dump.py [-o OUT] STORE.db [[-o OUT] STORE.db]...
    store-dump.py --serve                  read "OUT<TAB>STORE" lines on
                                           stdin, answer "ok" or "error: ..."
                                           on stdout after each (a test
                                           can keep one running as a
                                           coprocess: python start-ups
                                           are slow on some machines)

Prints what kith mined and derived, in an order that does not depend on
how the rows were written, so that two stores holding the same facts
give byte-identical dumps:

  contact        every row, all columns, sorted by address (the pull sums
                 rounded to 6 decimals);
  contact_name   every row, sorted by (address, name);
  message        every row without the store-local columns id and
                 filename, sorted by message_id, each followed by its
                 recipients (address, name, kind), sorted;
  orphans        the number of recipient rows whose message row is
                 missing (always 0 in a sound store).

The meta table (revision, UUID, timestamps) is left out on purpose.
Each store is opened read-only and dumped to stdout, or to OUT when
preceded by -o OUT.  Exit status 1 if a store cannot be read.  python3
standard library only.
"""

import os
import sqlite3
import sys
import urllib.parse


def fmt(row):
    # repr() of a tuple of str/int/None is canonical and unambiguous.
    return repr(tuple(row))


def dump(path):
    uri = "file:%s?mode=ro" % urllib.parse.quote(os.path.abspath(path))
    db = sqlite3.connect(uri, uri=True)
    # Invalid UTF-8 in a TEXT column must not stop the dump.
    db.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
    out = []
    cols = [r[1] for r in db.execute("PRAGMA table_info(contact)")]
    out.append("# contact " + " ".join(cols))
    # The pull sums (pull_7 ... pull_1792; pull and pull_long before
    # schema 8), float sums, are the same up to their last bits
    # whatever order their terms were added in (one more message of a
    # one-way sender is added to the stored sums, a rebuild sums in date
    # order): 6 decimals of their log2 form, a millionth of a half-life.
    pulls = [i for i, c in enumerate(cols) if c == "pull" or c.startswith("pull_")]
    for row in db.execute("SELECT * FROM contact ORDER BY address"):
        row = list(row)
        for i in pulls:
            if isinstance(row[i], float):
                row[i] = round(row[i], 6)
        out.append(fmt(row))

    out.append("# contact_name address name count")
    for row in db.execute("SELECT address, name, count FROM contact_name "
                          "ORDER BY address, name"):
        out.append(fmt(row))

    mcols = [r[1] for r in db.execute("PRAGMA table_info(message)")
             if r[1] not in ("id", "filename")]
    out.append("# message " + " ".join(mcols))
    rcpts = {}
    for mid, addr, name, kind in db.execute(
            "SELECT message, address, name, kind FROM recipient"):
        rcpts.setdefault(mid, []).append((addr, name, kind))
    sql = "SELECT id, %s FROM message ORDER BY message_id" % ", ".join(mcols)
    for row in db.execute(sql):
        out.append(fmt(row[1:]))
        for r in sorted(rcpts.get(row[0], []),
                        key=lambda t: tuple("" if x is None else str(x) for x in t)):
            out.append("  rcpt " + fmt(r))

    (orphans,) = db.execute(
        "SELECT count(*) FROM recipient WHERE message NOT IN (SELECT id FROM message)"
    ).fetchone()
    out.append("# orphan recipients %d" % orphans)
    db.close()
    # repr() escapes every lone surrogate, so this never fails.
    return ("\n".join(out) + "\n").encode("utf-8")


def serve():
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        out, _, path = line.partition("\t")
        try:
            text = dump(path)
            with open(out, "wb") as f:
                f.write(text)
            reply = "ok"
        except (sqlite3.Error, OSError) as e:
            reply = "error: %s: %s" % (path, e)
        sys.stdout.write(reply + "\n")
        sys.stdout.flush()
    return 0


def main(argv):
    if argv[1:] == ["--serve"]:
        return serve()
    jobs, out = [], None
    args = argv[1:]
    while args:
        if args[0] == "-o" and len(args) >= 2:
            out = args[1]
            args = args[2:]
        elif args[0].startswith("-") and args[0] != "-":
            jobs = []
            break
        else:
            jobs.append((args[0], out))
            out = None
            args = args[1:]
    if not jobs or out is not None:
        sys.stderr.write("usage: store-dump.py [-o OUT] STORE.db [[-o OUT] STORE.db]...\n")
        return 2
    status = 0
    for path, out in jobs:
        try:
            text = dump(path)
        except sqlite3.Error as e:
            sys.stderr.write("store-dump.py: %s: %s\n" % (path, e))
            status = 1
            continue
        if out is None:
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            with open(out, "wb") as f:
                f.write(text)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
