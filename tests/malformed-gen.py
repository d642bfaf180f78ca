#!/usr/bin/env python3
"""malformed-gen.py - the large and binary malformed messages of T090

Usage: malformed-gen.py OUTDIR

Writes into OUTDIR (created) the malformed messages too big or too
binary to keep in tests/fixtures/malformed/: a 1 MB header line, a
header block longer than kith reads (4 MB of filler before From),
thousands of duplicated headers, a To with 20000 addresses, a
References with 40000 ids, NUL bytes, invalid UTF-8 and raw 8-bit
bytes, bare CRs, binary garbage inside the header block.  Every sender
and recipient is at malformed.example, and each message is addressed
to robin@home.example (the "me" of tests/gen-mailbox).  Deterministic.
python3 standard library only.
"""

import os
import random
import sys

ME = b"robin@home.example"


def head(name, sender, subject=None, extra=b""):
    subject = subject if subject is not None else b"Malformed: " + name.encode()
    return (b"From: " + sender + b"\n"
            b"To: " + ME + b"\n"
            b"Subject: " + subject + b"\n"
            b"Date: Mon, 03 Aug 2026 11:00:00 +0000\n"
            b"Message-ID: <" + name.encode() + b"@malformed.example>\n" + extra)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(90)
    msgs = {}

    # One header line of 1 MB (a Subject without folding).
    msgs["huge-header-line"] = head(
        "huge-header-line", b"Huge Line <hugeline@malformed.example>",
        b"x" * (1024 * 1024)) + b"\nbody\n"

    # 5 MB of filler before From: kith reads the first 4 MB of a header
    # block only, so it never sees this From.
    filler = b"".join(b"X-Filler-%07d: %s\n" % (i, b"f" * 60) for i in range(70000))
    msgs["enormous-header-block"] = (
        filler + head("enormous-header-block", b"Far Away <faraway@malformed.example>")
        + b"\nbody\n")

    # Thousands of duplicated headers.
    dups = b"".join(b"Subject: duplicate %d\nReceived: from relay%d.malformed.example\n"
                    % (i, i) for i in range(5000))
    msgs["many-duplicate-headers"] = head(
        "many-duplicate-headers", b"Dup Many <dupmany@malformed.example>", extra=dups) + b"\nbody\n"

    # A To with 20000 addresses, folded.
    rcpts = b",\n ".join(b"r%05d@malformed.example" % i for i in range(20000))
    msgs["many-recipients"] = (
        b"From: Many Rcpts <manyrcpts@malformed.example>\n"
        b"To: " + ME + b",\n " + rcpts + b"\n"
        b"Subject: To everyone\n"
        b"Date: Mon, 03 Aug 2026 11:00:00 +0000\n"
        b"Message-ID: <many-recipients@malformed.example>\n\nbody\n")

    # A References header of 40000 ids (1.3 MB), one of them itself.
    refs = b" ".join(b"<ref%05d@malformed.example>" % i for i in range(40000))
    msgs["huge-references"] = head(
        "huge-references", b"Ref Heavy <refheavy@malformed.example>", b"Re: refs",
        b"References: " + refs + b" <huge-references@malformed.example>\n"
        b"In-Reply-To: <ref39999@malformed.example>\n") + b"\nbody\n"

    # NUL bytes in the name, the subject and a recipient.
    msgs["nul-bytes"] = (
        b"From: Nul\x00Name <nulbytes@malformed.example>\n"
        b"To: " + ME + b", nul\x00rcpt@malformed.example\n"
        b"Subject: NUL \x00 in \x00 the subject\n"
        b"Date: Mon, 03 Aug 2026 11:00:00 +0000\n"
        b"Message-ID: <nul-bytes@malformed.example>\n\nbody \x00 too\n")

    # Invalid UTF-8: raw Latin-1, an overlong encoding, a lone
    # continuation byte, a surrogate, 0xff.
    msgs["invalid-utf8"] = head(
        "invalid-utf8", b"J\xfcrgen \xc0\xafM\x80ller \xed\xa0\x80 <invalidutf8@malformed.example>",
        b"Gr\xfc\xdfe \xff\xfe caf\xe9 \xe2\x82") + b"\nbody \xff\n"

    # Bare CRs and CRLF mixed.
    msgs["bare-cr"] = (
        b"From: Bare CR <barecr@malformed.example>\r\n"
        b"To: " + ME + b"\r"
        b"Subject: carriage\rreturns\r\n"
        b"Date: Mon, 03 Aug 2026 11:00:00 +0000\r\n"
        b"Message-ID: <bare-cr@malformed.example>\r\n\r\nbody\r\n")

    # Binary garbage (no empty line) right after a valid From.
    garbage = bytes(rnd.randrange(256) for _ in range(65536)).replace(b"\n\n", b"\n.")
    msgs["binary-garbage"] = head(
        "binary-garbage", b"Binary Junk <binaryjunk@malformed.example>") + garbage

    for name, data in msgs.items():
        with open(os.path.join(out, name + ".eml"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
