#!/usr/bin/env python3
"""Check the vCard export of `notmuch kith who --format=vcard`.

    check-vcard.py CARDS.vcf WHO.json [EXPECTED-NAME...]

CARDS.vcf is the export, WHO.json the JSON output of `who` with the same
options.  Checks RFC 6350 syntax (CRLF only, lines of at most 75 octets
that are each valid UTF-8, folding, escaping) and the content: one card
per person of WHO.json in the same order, FN the display name (or the
address), every address of a merged person as an EMAIL, the address
used most with PREF=1, a UID derived from the person's first address,
the tier and score.  Every EXPECTED-NAME must be the FN of one card.
Prints "ok" or one line per problem and exits 1.
"""

import json
import re
import sys
import uuid

problems = []


def problem(text):
    problems.append(text)


def unescape(value):
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            n = value[i + 1]
            out.append("\n" if n in "nN" else n)
            i += 2
            continue
        if c == "\\":
            problem("dangling backslash in %r" % value)
        out.append(c)
        i += 1
    return "".join(out)


def split_unescaped(value, sep):
    """Split at SEP characters that are not escaped by a backslash."""
    parts, cur, i = [], [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            cur.append(value[i : i + 2])
            i += 2
            continue
        if c == sep:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


def check_text_value(value, where):
    """An unescaped ',' or ';' or a raw control character in a single text value."""
    for sep in ",;":
        if len(split_unescaped(value, sep)) > 1:
            problem("%s: unescaped %r in %r" % (where, sep, value))
    if re.search(r"[\x00-\x08\x0a-\x1f\x7f]", value):
        problem("%s: control character in %r" % (where, value))


def parse(data):
    if b"\r\n" not in data or not data.endswith(b"\r\n"):
        problem("the export does not end in CRLF")
    physical = data.split(b"\r\n")
    if physical[-1] != b"":
        problem("text after the last CRLF")
    physical = physical[:-1]
    logical = []
    for n, raw in enumerate(physical, 1):
        if b"\n" in raw or b"\r" in raw:
            problem("line %d: a bare LF or CR" % n)
        if len(raw) > 75:
            problem("line %d: %d octets (more than 75)" % (n, len(raw)))
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            problem("line %d: not valid UTF-8 on its own (split sequence?)" % n)
            line = raw.decode("utf-8", "replace")
        if line.startswith((" ", "\t")):
            if not logical:
                problem("line %d: continuation without a line" % n)
                continue
            logical[-1] += line[1:]
        else:
            if line == "":
                problem("line %d: empty line" % n)
            logical.append(line)
    cards, card = [], None
    for line in logical:
        m = re.match(r"([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)\Z", line, re.S)
        if not m:
            problem("not a content line: %r" % line)
            continue
        name, params, value = m.group(1).upper(), m.group(2), m.group(3)
        if name == "BEGIN" and value.upper() == "VCARD":
            if card is not None:
                problem("BEGIN inside a card")
            card = []
            continue
        if card is None:
            problem("%s outside a card" % name)
            continue
        if name == "END" and value.upper() == "VCARD":
            cards.append(card)
            card = None
            continue
        card.append((name, params, value))
    if card is not None:
        problem("the last card has no END")
    return cards


def main():
    data = open(sys.argv[1], "rb").read()
    who = json.load(open(sys.argv[2]))
    expected_names = sys.argv[3:]
    cards = parse(data)
    if len(cards) != len(who):
        problem("%d cards for %d people" % (len(cards), len(who)))
    fns = []
    seen_uids = set()
    for i, (card, person) in enumerate(zip(cards, who)):
        where = "card %d (%s)" % (i + 1, person["address"])
        props = {}
        for name, params, value in card:
            props.setdefault(name, []).append((params, value))
        if not card or card[0] != ("VERSION", "", "4.0"):
            problem("%s: VERSION:4.0 does not follow BEGIN" % where)
        for single in ("FN", "UID", "REV", "X-KITH-TIER", "X-KITH-SCORE"):
            if len(props.get(single, [])) != 1:
                problem("%s: %d %s properties" % (where, len(props.get(single, [])), single))
        fn_raw = props.get("FN", [("", "")])[0][1]
        check_text_value(fn_raw, where + " FN")
        fn = unescape(fn_raw)
        fns.append(fn)
        want = person["name"] or person["address"]
        if fn != want:
            problem("%s: FN %r, expected %r" % (where, fn, want))
        if person["name"]:
            if len(props.get("N", [])) != 1:
                problem("%s: no N for a named person" % where)
            else:
                comps = split_unescaped(props["N"][0][1], ";")
                if len(comps) != 5:
                    problem("%s: N has %d components" % (where, len(comps)))
                words = []
                for comp in comps:
                    for v in split_unescaped(comp, ","):
                        words += unescape(v).split()
                if not words:
                    problem("%s: N is empty" % where)
                for w in words:
                    if w not in fn:
                        problem("%s: N word %r is not in FN %r" % (where, w, fn))
        emails = [(p, unescape(v)) for p, v in props.get("EMAIL", [])]
        for p, v in props.get("EMAIL", []):
            check_text_value(v, where + " EMAIL")
        addresses = person["addresses"]
        if sorted(e for _, e in emails) != sorted(addresses):
            problem("%s: EMAIL %r, expected %r" % (where, [e for _, e in emails], addresses))
        pref = [e for p, e in emails if "PREF=1" in p.upper()]
        if pref != [person["address"]]:
            problem("%s: PREF=1 on %r, expected %r" % (where, pref, person["address"]))
        uid = props.get("UID", [("", "")])[0][1]
        want_uid = "urn:uuid:%s" % uuid.uuid5(uuid.NAMESPACE_URL, "mailto:" + addresses[0])
        if uid != want_uid:
            problem("%s: UID %s, expected %s" % (where, uid, want_uid))
        if uid in seen_uids:
            problem("%s: UID %s twice" % (where, uid))
        seen_uids.add(uid)
        tier = props.get("X-KITH-TIER", [("", "")])[0][1]
        if tier != person["tier"]:
            problem("%s: tier %r, expected %r" % (where, tier, person["tier"]))
        score = props.get("X-KITH-SCORE", [("", "nan")])[0][1]
        if not re.fullmatch(r"[0-9]+\.[0-9]", score) or abs(float(score) - person["score"]) > 0.05:
            problem("%s: score %r, expected %.1f" % (where, score, person["score"]))
        rev = props.get("REV", [("", "")])[0][1]
        if not re.fullmatch(r"\d{8}T\d{6}Z", rev):
            problem("%s: REV %r is not a UTC timestamp" % (where, rev))
    for name in expected_names:
        if fns.count(name) != 1:
            problem("FN %r appears %d times" % (name, fns.count(name)))

    try:
        import vobject
    except ImportError:
        vobject = None
    if vobject is not None:
        parsed = list(vobject.readComponents(data.decode("utf-8")))
        if len(parsed) != len(cards):
            problem("vobject reads %d cards, expected %d" % (len(parsed), len(cards)))
        for card, person in zip(parsed, who):
            want = person["name"] or person["address"]
            if card.fn.value != want:
                problem("vobject: FN %r, expected %r" % (card.fn.value, want))
            got = sorted(e.value for e in card.contents.get("email", []))
            if got != sorted(person["addresses"]):
                problem("vobject: EMAIL %r, expected %r" % (got, person["addresses"]))

    if problems:
        for p in problems[:40]:
            print(p)
        sys.exit(1)
    print("ok")


main()
