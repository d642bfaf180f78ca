#!/usr/bin/env bash
# T078-bash-completion: the installed bash completion, driven as bash
# drives it (COMP_WORDS split at COMP_WORDBREAKS, COMP_CWORD, COMP_LINE,
# COMP_POINT), with bash-completion's loader finding it under
# PREFIX=$HOME/.local, in front of notmuch's own completion.
. "$(dirname "$0")/lib.sh"

write_config
a1=$(add_message from="Alice Liddell <alice@wonder.example>" subject="Tea?" date=2024-03-01)
add_message from="Me Myself <$ME>" to="alice@wonder.example" subject="Re: Tea?" reply="$a1" date=2024-03-02 >/dev/null
notmuch_new
kith index

make -s -C "$SRC_DIR" BUILD="$(basename "$BUILD_DIR")" install PREFIX="$HOME/.local" >"$TMP/inst.out" 2>&1

# complete LINE: what the completion registered for LINE's command offers
# at the end of LINE, one per line, sorted.  Runs in a fresh bash with
# bash-completion and its loader, as an interactive shell has them.
# PRE runs before the completion is loaded, POST after (both optional).
complete_line () {
    local line=$1 pre=${2:-} post=${3:-}
    bash -c '
	. /usr/share/bash-completion/bash_completion
	eval "$2"
	line=$1
	# split as bash does: at blanks, and at "=" and ":" kept as words
	read -ra blanks <<<"$line"
	COMP_WORDS=()
	for w in "${blanks[@]}"; do
	    while [[ $w == *[=:]* ]]; do
		head=${w%%[=:]*}
		[ -n "$head" ] && COMP_WORDS+=("$head")
		COMP_WORDS+=("${w:${#head}:1}")
		w=${w:${#head}+1}
	    done
	    [ -n "$w" ] && COMP_WORDS+=("$w")
	done
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	cmd=${COMP_WORDS[0]}
	declare -F __load_completion >/dev/null && __load_completion "$cmd"
	eval "$3"
	spec=$(complete -p "$cmd" 2>/dev/null) || { echo "no completion for $cmd"; exit 1; }
	func=${spec##*-F }; func=${func%% *}
	COMPREPLY=()
	"$func" "$cmd" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	printf "%s\n" "${COMPREPLY[@]}" | sort -u
    ' complete-line "$line" "$pre" "$post" 2>"$TMP/complete.err"
}

test_begin "make install PREFIX=~/.local puts the completion where bash-completion looks"
test_expect_equal "notmuch-kith notmuch.bash" "$(ls "$HOME/.local/share/bash-completion/completions" | tr '\n' ' ' | sed 's/ $//')"

test_begin "notmuch <TAB> offers kith beside notmuch's own verbs"
complete_line "notmuch " >"$TMP/out"
test_expect_equal "kith search" "$(grep -xE 'kith|search' "$TMP/out" | tr '\n' ' ' | sed 's/ $//')"

test_begin "notmuch k<TAB> completes kith"
test_expect_equal "kith" "$(complete_line "notmuch k")"

test_begin "notmuch sea<TAB>: notmuch's own completion still works"
test_expect_equal "search" "$(complete_line "notmuch sea")"

test_begin "notmuch kith <TAB> offers every verb notmuch kith help lists"
complete_line "notmuch kith " >"$TMP/out"
kith help | awk '/^Verbs:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }' | sort >"$TMP/verbs"
test_expect_equal_file "$TMP/verbs" "$TMP/out"

test_begin "notmuch kith wh<TAB> completes who"
test_expect_equal "who" "$(complete_line "notmuch kith wh")"

test_begin "notmuch kith who --<TAB> offers the options who parses"
complete_line "notmuch kith who --" >"$TMP/out"
test_expect_equal "--all --format= --help --limit= --since= --sort= --tier=" "$(tr '\n' ' ' <"$TMP/out" | sed 's/ $//')"

test_begin "notmuch kith tag --d<TAB> completes --dry-run"
test_expect_equal "--dry-run" "$(complete_line "notmuch kith tag --d")"

test_begin "--tier=k<TAB>, --tier k<TAB> and --sort=<TAB> complete the values"
test_expect_equal "known|known|name recent score" \
    "$(complete_line "notmuch kith who --tier=k")|$(complete_line "notmuch kith who --tier k")|$(complete_line "notmuch kith who --sort=" | tr '\n' ' ' | sed 's/ $//')"

test_begin "--format=<TAB> offers each verb's formats"
test_expect_equal "json sexp text vcard|json sexp text" \
    "$(complete_line "notmuch kith who --format=" | tr '\n' ' ' | sed 's/ $//')|$(complete_line "notmuch kith status --format=" | tr '\n' ' ' | sed 's/ $//')"

test_begin "notmuch kith help un<TAB> completes uninstall-hook"
test_expect_equal "uninstall-hook" "$(complete_line "notmuch kith help un")"

test_begin "notmuch kith tag sub<TAB> and tag:in<TAB>: notmuch's search terms"
test_expect_equal "subject:|inbox" "$(complete_line "notmuch kith tag sub")|$(complete_line "notmuch kith tag tag:in")"

test_begin "notmuch --config=FILE kith sh<TAB>: notmuch's global options before kith"
test_expect_equal "show" "$(complete_line "notmuch --config=$NOTMUCH_CONFIG kith sh")"

test_begin "notmuch-kith st<TAB>: the command itself"
test_expect_equal "status" "$(complete_line "notmuch-kith st")"

test_begin "without notmuch.bash: notmuch's own completion hands kith to _notmuch_kith"
test_expect_equal "who" "$(complete_line "notmuch kith wh" "BASH_COMPLETION_USER_DIR=$TMP/none; __load_completion notmuch; . $HOME/.local/share/bash-completion/completions/notmuch-kith")"

test_begin "show <TAB> takes the addresses from complete's \"Name <address>\" lines"
complete_line "notmuch kith show ma" "" '_notmuch_kith_run () { [ "$1" = complete ] && printf "%s\n" "Max Mustermann <max@example.de>" "marta@example.org" "Bad, \"Quote\" <mb@example.com>" || command notmuch-kith "$@"; }' >"$TMP/out"
test_expect_equal "marta@example.org max@example.de mb@example.com" "$(tr '\n' ' ' <"$TMP/out" | sed 's/ $//')"

if grep -qx complete "$TMP/verbs"; then
    test_begin "show al<TAB> and complete ali<TAB> complete Alice's address from notmuch kith complete"
    test_expect_equal "alice@wonder.example|alice@wonder.example" \
	"$(complete_line "notmuch kith show al")|$(complete_line "notmuch kith complete Ali")"
else
    echo "# notmuch kith complete is not built: the address completion against it was not run"
fi

test_begin "uninstall removes the completion"
make -s -C "$SRC_DIR" BUILD="$(basename "$BUILD_DIR")" uninstall PREFIX="$HOME/.local" >>"$TMP/inst.out" 2>&1
test_expect_equal "0" "$(find "$HOME/.local" -type f | wc -l)"

test_done
