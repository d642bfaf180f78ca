#!/usr/bin/env bash
# T075-vcard: who --format=vcard exports the people you know as vCard
# 4.0: one card per person (aliases merged), hostile names escaped,
# long non-ASCII names folded without splitting UTF-8, the same
# selection as who; checked by tests/check-vcard.py (and python3-vobject
# when installed).
. "$(dirname "$0")/lib.sh"

write_config

# exchange FROM-HEADER ADDRESS DATE: they write, I reply, they reply.
exchange () {
    local a m
    a=$(add_message from="$1" subject="Hello from $2" date="$3")
    m=$(add_message from="Me Myself <$ME>" to="$2" subject="Re: Hello from $2" reply="$a" date="$3")
    add_message from="$1" subject="Re: Hello from $2" reply="$m" date="$3" >/dev/null
}

# An RFC 2047 encoded display name (base64, one word per 30 characters).
encoded () {
    python3 -c 'import sys
from email.header import Header
print(Header(sys.argv[1], "utf-8").encode())' "$1"
}

long_name="Αλεξάνδρα Παπαδοπούλου-Καραγιαννοπούλου 山田太郎 Ёжиков-Щербаков 🎻"
exchange "\"O'Hara, \\\"Ace\\\"; Smith\" <ace@hostile.example>" ace@hostile.example 2024-01-10
exchange "\"Back\\\\slash, Comma\" <bs@hostile.example>" bs@hostile.example 2024-02-10
exchange "$(encoded "$long_name") <long@hostile.example>" long@hostile.example 2024-03-10
exchange "=?utf-8?q?Line=0AFeed?= <nl@hostile.example>" nl@hostile.example 2024-04-10
exchange "\"Müller, Jürgen\" <jm@example.de>" jm@example.de 2024-05-10
exchange "Carol Home <carol@home.example>" carol@home.example 2023-01-10
exchange "Carol Work <carol@work.example>" carol@work.example 2024-06-10
exchange "Carol Work <carol@work.example>" carol@work.example 2024-07-10
exchange "dave@plain.example" dave@plain.example 2022-01-10
add_message from="Cold Caller <cold@sales.example>" subject="Offer" date=2024-08-01 >/dev/null
notmuch_new
notmuch config set kith.alias.carol "carol@home.example;carol@work.example"
kith index

# export OPTIONS...: the vCard and the JSON of who with the same options.
export_both () {
    kith who --format=vcard "$@" >"$TMP/cards.vcf" 2>"$TMP/err"
    kith who --format=json "$@" >"$TMP/who.json"
}

test_begin "who --format=vcard: valid vCard 4.0, one card per person, names and addresses as who has them"
export_both
python3 "$TESTS_DIR/check-vcard.py" "$TMP/cards.vcf" "$TMP/who.json" \
    "O'Hara, \"Ace\"; Smith" "Back\\slash, Comma" "$long_name" "Müller, Jürgen" "Carol Work" \
    "dave@plain.example" >"$TMP/check.out" 2>&1
test_expect_equal "ok" "$(cat "$TMP/check.out")"
cp "$TMP/cards.vcf" "$TMP/full.vcf"
cp "$TMP/who.json" "$TMP/full.json"

test_begin "seven people, nothing on stderr"
test_expect_equal "7 " "$(grep -c '^BEGIN:VCARD' "$TMP/cards.vcf") $(cat "$TMP/err")"

test_begin "the aliased addresses make one card with both EMAILs, the one used most preferred"
tr -d '\r' <"$TMP/cards.vcf" | awk '/^BEGIN/ { n = "" } /^EMAIL/ { n = n $0 " " } /^END/ && n ~ /carol/ { print n }' >"$TMP/carol"
test_expect_equal "EMAIL;PREF=1:carol@work.example EMAIL:carol@home.example " "$(cat "$TMP/carol")"

test_begin "commas, semicolons and backslashes are escaped in FN and N"
tr -d '\r' <"$TMP/cards.vcf" | grep -E '^(FN|N):(O|Back)' | sort >"$TMP/hostile"
printf '%s\n' "FN:O'Hara\\, \"Ace\"\\; Smith" "N:O'Hara;Ace;Smith;;" 'FN:Back\\slash\, Comma' 'N:Back\\slash;Comma;;;' | sort >"$TMP/hostile.expected"
test_expect_equal_file "$TMP/hostile.expected" "$TMP/hostile"

test_begin "the long non-ASCII name is folded at 75 octets (continuation lines exist)"
test_expect_equal "yes" "$(grep -q $'^ ' "$TMP/cards.vcf" && echo yes)"

test_begin "a newline in an encoded name never reaches the card"
test_expect_equal "1" "$(grep -c '^FN:Line Feed' "$TMP/cards.vcf")"

test_begin "\"Last, First\" fills N as family;given"
test_expect_equal "1" "$(grep -c '^N:Müller;Jürgen;;;' "$TMP/cards.vcf")"

test_begin "--all also exports tier none (the cold sender)"
export_both --all
python3 "$TESTS_DIR/check-vcard.py" "$TMP/cards.vcf" "$TMP/who.json" "Cold Caller" >"$TMP/check.out" 2>&1
test_expect_equal "ok 8" "$(cat "$TMP/check.out") $(grep -c '^BEGIN:VCARD' "$TMP/cards.vcf")"

test_begin "--limit, --since and --sort select as who does"
export_both --limit=2 --since=2024-03 --sort=name
python3 "$TESTS_DIR/check-vcard.py" "$TMP/cards.vcf" "$TMP/who.json" >"$TMP/check.out" 2>&1
test_expect_equal "ok 2" "$(cat "$TMP/check.out") $(grep -c '^BEGIN:VCARD' "$TMP/cards.vcf")"

test_begin "--tier=close exports nobody here: empty output"
kith who --format=vcard --tier=close >"$TMP/none.vcf"
test_expect_equal "0" "$(wc -c <"$TMP/none.vcf")"

test_begin "the checker catches a broken export (a bare LF, an unescaped comma)"
sed 's/^FN:Back\\\\slash\\, Comma/FN:Back\\\\slash, Comma/' "$TMP/full.vcf" >"$TMP/bad.vcf"
printf 'X-BAD:1\n' >>"$TMP/bad.vcf"
python3 "$TESTS_DIR/check-vcard.py" "$TMP/bad.vcf" "$TMP/full.json" >"$TMP/check.out" 2>&1
test_expect_equal "1 yes yes" "$? $(grep -q 'unescaped' "$TMP/check.out" && echo yes) $(grep -q 'CRLF\|bare LF' "$TMP/check.out" && echo yes)"

test_begin "vcard is a format of who only"
kith status --format=vcard >"$TMP/out" 2>&1
test_expect_equal "1" "$?"

test_done
