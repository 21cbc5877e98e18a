#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/examples.sh - the shipped configs pass `nfpiped --check`
#
# etc/nfpiped.conf and every etc/examples/*.conf must name plugins and
# options that exist and stacks whose keys bind. The SQL schemas are read
# from the source tree (the installed copies are not there before `make
# install`) and no database server runs, so the SQL outputs take their
# columns from the schema files, as they do when a server is down at start.
# Needs no root and touches nothing outside its temporary directory.

. "$(dirname "$0")/integration/lib.sh"

require_nfpiped
sql=$top_srcdir/etc/sql

# The config with the SQL outputs' schema options pointing at this tree:
# the plugin of each section comes from the stack= lines before it.
localize()
{
	awk -v sql="$sql" '
	/^stack=/ {
		n = split(substr($0, 7), el, ",")
		for (i = 1; i <= n; i++) {
			split(el[i], ip, ":")
			plugin[ip[1]] = ip[2]
		}
	}
	{ print }
	/^\[.*\]/ {
		p = plugin[substr($0, 2, length($0) - 2)]
		if (p == "SQLITE3")
			print "schema=\"" sql "/sqlite3.sql\""
		else if (p == "PGSQL")
			print "schema_file=\"" sql "/pgsql.sql\""
		else if (p == "MYSQL")
			print "schema_file=\"" sql "/mysql.sql\""
	}' "$1" |
	# BLACKLIST lists: the sample list of the tree, not the installed one
	sed "s|/usr/share/doc/nfpipe/examples/blocklist.txt|$top_srcdir/etc/examples/blocklist.txt|"
}

for f in "$top_srcdir/etc/nfpiped.conf" "$top_srcdir"/etc/examples/*.conf; do
	name=$(basename "$f")
	# l7.conf needs the L7 plugin, built only where libndpi is.
	# (--help-plugin loads that one module; --list-plugins loads them
	# all, and LeakSanitizer of GCC 12 can crash at its exit when that
	# many modules with thread-local storage are loaded.)
	if [ "$name" = l7.conf ] &&
		! "$NFPIPED" --help-plugin L7 >/dev/null 2>&1; then
		diag "L7 is not built here: $name not checked"
		continue
	fi
	localize "$f" >"$T/$name"
	out=$("$NFPIPED" --check -c "$T/$name" 2>&1)
	ok $? "$name passes nfpiped --check" || diag "$out"
	is "$(grep -c ': error:' <<<"$out")" 0 "$name: no error line"
done
done_testing
