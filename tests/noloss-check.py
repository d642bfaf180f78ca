#!/usr/bin/env python3
"""noloss-check.py - nothing but kith's own tags and properties changed

Usage: noloss-check.py BEFORE AFTER [NEW-TAGS]
       noloss-check.py --kept BEFORE AFTER

BEFORE and AFTER are `notmuch dump --include=tags --include=properties`
outputs.  For every message in BEFORE: it is still in AFTER; every tag
added is one kith recorded in AFTER's kith.tag properties, every tag
removed one recorded in BEFORE's; every property outside kith.* is
unchanged.  For every message only in AFTER (new mail), the tags of
NEW-TAGS (`;`-separated, notmuch's new.tags) are all there (but unread,
which notmuch's maildir flags may take off), every other tag is
recorded in kith.tag or one notmuch sets by itself (attachment, signed,
encrypted), and it has no property outside kith.*.
With --kept, only: every message of BEFORE still has its tags other
than those recorded in kith.tag, and its properties outside kith.*.
Prints one line per violation (at most 20) and "checked N messages";
exit status 1 on any violation.  python3 standard library only.
"""

import sys
import urllib.parse


NOTMUCH_TAGS = {"attachment", "signed", "encrypted"}


def load(path):
    msgs = {}
    for line in open(path, encoding="utf-8", errors="surrogateescape"):
        line = line.rstrip("\n")
        if line.startswith("#="):
            _, mid, *props = line.split(" ")
            m = msgs.setdefault(urllib.parse.unquote(mid), [set(), []])
            for p in props:
                k, _, v = p.partition("=")
                m[1].append((urllib.parse.unquote(k), urllib.parse.unquote(v)))
        elif line.startswith("#") or " -- " not in line:
            continue
        else:
            tags, _, query = line.partition(" -- ")
            mid = query[3:] if query.startswith("id:") else query
            if mid.startswith('"') and mid.endswith('"') and len(mid) > 1:
                mid = mid[1:-1].replace('""', '"')
            m = msgs.setdefault(mid, [set(), []])
            m[0].update(urllib.parse.unquote(t[1:]) for t in tags.split() if t.startswith("+"))
    return msgs


def kept(before, after):
    bad = []
    for mid, (tags, props) in before.items():
        tags_a, props_a = after.get(mid, (set(), []))
        user = tags - {v for k, v in props if k == "kith.tag"}
        if not user <= tags_a:
            bad.append("%s: lost %s" % (mid, sorted(user - tags_a)))
        if sorted(p for p in props if not p[0].startswith("kith.")) != \
                sorted(p for p in props_a if not p[0].startswith("kith.")):
            bad.append("%s: properties changed" % mid)
    return bad


def main():
    if sys.argv[1] == "--kept":
        bad = kept(load(sys.argv[2]), load(sys.argv[3]))
        for line in bad[:20]:
            print(line)
        print("checked %d messages" % len(load(sys.argv[2])))
        sys.exit(1 if bad else 0)
    before, after = load(sys.argv[1]), load(sys.argv[2])
    new_tags = set(t for t in (sys.argv[3] if len(sys.argv) > 3 else "").split(";") if t)
    bad = []
    for mid, (tags_a, props_a) in after.items():
        rec_a = {v for k, v in props_a if k == "kith.tag"}
        other_a = sorted(p for p in props_a if not p[0].startswith("kith."))
        if mid in before:
            tags_b, props_b = before[mid]
            rec_b = {v for k, v in props_b if k == "kith.tag"}
            other_b = sorted(p for p in props_b if not p[0].startswith("kith."))
            for t in sorted(tags_a - tags_b - rec_a):
                bad.append("%s: tag %s added, not recorded in kith.tag" % (mid, t))
            for t in sorted(tags_b - tags_a - rec_b):
                bad.append("%s: tag %s removed, not kith's" % (mid, t))
            if other_a != other_b:
                bad.append("%s: properties %s became %s" % (mid, other_b, other_a))
        else:
            for t in sorted(new_tags - tags_a - {"unread"}):
                bad.append("%s: new mail lost its new.tags tag %s" % (mid, t))
            for t in sorted(tags_a - new_tags - rec_a - NOTMUCH_TAGS):
                bad.append("%s: new mail got tag %s, not recorded in kith.tag" % (mid, t))
            if other_a:
                bad.append("%s: new mail got properties %s" % (mid, other_a))
    for mid in before:
        if mid not in after:
            bad.append("%s: message gone" % mid)
    for line in bad[:20]:
        print(line)
    print("checked %d messages" % len(after))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
