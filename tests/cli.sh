#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/cli.sh - the nfpipe command line: dispatch, help, exit codes, check
#
# What every subcommand relies on: the table in reports/main.c drives
# --help, --commands and dispatch; a mistyped subcommand gets a "did you
# mean" and exit 1; messages are one line prefixed "nfpipe CMD:"; `nfpipe
# check` gives the daemon's own verdict with file:line. Needs no root.

. "$(dirname "$0")/integration/lib.sh"

require_nfpiped
NFPIPE=${NFPIPE:-$top_builddir/nfpipe}
[ -x "$NFPIPE" ] || bail_out "no nfpipe at $NFPIPE"

"$NFPIPE" --help >"$T/help" 2>&1
is "$?" 0 "nfpipe --help exits 0"
"$NFPIPE" --commands >"$T/cmds"
is "$?" 0 "nfpipe --commands exits 0"
# Every subcommand --commands lists is in --help, and runs its own --help.
for c in $(cat "$T/cmds"); do
	check "--help lists $c" grep -q "^  $c " "$T/help"
	[ "$c" = help ] && continue
	"$NFPIPE" "$c" --help >"$T/sub" 2>&1
	is "$?" 0 "nfpipe $c --help exits 0"
	check "nfpipe $c --help starts with its usage" \
		grep -q "^Usage: nfpipe $c" "$T/sub"
	NFPIPE_NO_MAN=1 "$NFPIPE" help "$c" >"$T/helpc" 2>&1
	check "nfpipe help $c falls back to its --help" cmp -s "$T/sub" "$T/helpc"
done
check "check is a subcommand" grep -qx check "$T/cmds"

"$NFPIPE" >/dev/null 2>"$T/err"
is "$?" 1 "no subcommand: exit 1"
check "no subcommand: usage on stderr" grep -q '^Usage: nfpipe' "$T/err"

"$NFPIPE" chek 2>"$T/err"
is "$?" 1 "a mistyped subcommand: exit 1"
is "$(head -1 "$T/err")" \
	'nfpipe: no subcommand "chek"; did you mean "check"?' \
	"a mistyped subcommand gets a suggestion"

"$NFPIPE" nosuchthing 2>"$T/err"
is "$?" 1 "an unknown subcommand: exit 1"
is "$(head -1 "$T/err")" 'nfpipe: no subcommand "nosuchthing"' \
	"an unknown subcommand is named"

"$NFPIPE" check --bogus >/dev/null 2>"$T/err"
is "$?" 1 "an unknown option: exit 1"
check "an unknown option points at --help" \
	grep -q "^Try 'nfpipe check --help'" "$T/err"

"$NFPIPE" --version >"$T/ver"
is "$?" 0 "--version exits 0"
check "--version names the package" grep -q '^nfpipe [0-9]' "$T/ver"

# nfpipe check runs the daemon's check: a good config passes, a bad one
# fails at its line with the daemon's hint.
cat >"$T/good.conf" <<'CONF'
[global]
stack=log1:NFLOG,base1:BASE,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU

[log1]
group=1

[emu1]
file="/dev/null"
CONF
NFPIPED=$NFPIPED "$NFPIPE" check -c "$T/good.conf" >"$T/out" 2>&1
is "$?" 0 "nfpipe check: a good config passes"
sed 's/^file=.*/fiel="\/dev\/null"/' "$T/good.conf" >"$T/bad.conf"
NFPIPED=$NFPIPED "$NFPIPE" check -c "$T/bad.conf" >"$T/out" 2>&1
is "$?" 1 "nfpipe check: a bad config fails"
check "nfpipe check: the error names file:line and a hint" \
	grep -q "bad.conf:8: .*did you mean \"file\"" "$T/out"
NFPIPED=$T/none "$NFPIPE" check -c "$T/good.conf" 2>"$T/err"
is "$?" 1 "nfpipe check without a daemon binary: exit 1"
check "nfpipe check without a daemon binary says so in one line" \
	grep -q "^nfpipe check: cannot run $T/none: " "$T/err"

done_testing
