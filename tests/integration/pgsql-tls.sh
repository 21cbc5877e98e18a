#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/pgsql-tls.sh - PGSQL over TLS, through libpq's own
# connection-string settings
#
# A throwaway PostgreSQL with TLS on (a test CA and a certificate for
# 127.0.0.1, dbserver.sh). nfpiped connects with
# connstring="... sslmode=verify-full sslrootcert=CA" and the password in
# `pass`: the rows land and pg_stat_ssl shows its connection encrypted.
# A second run trusts another CA: libpq refuses the server's certificate,
# the log says so, nothing is written, nfpiped keeps running and spooling.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dbserver.sh"

require_root
require_cmd ip nft openssl
require_nfpiped
require_kernel_logging
db_install
db_tls_certs
# libpq makes its OpenSSL BIO method once and keeps it for the life of
# the process; nfpiped unloads the module at exit, so LeakSanitizer (CI's
# sanitizer build) would take those bytes for a leak of nfpiped's.
printf 'leak:libcrypto.so\n' >"$T/lsan.supp"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$T/lsan.supp"
lab_up
PG_TLS=1 pg_start
pg_sql_file_nfpipe "$top_srcdir/etc/sql/pgsql.sql" >/dev/null ||
	bail_out "cannot load etc/sql/pgsql.sql"

nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		udp dport 7301 log group 1 prefix \"tls\"
	}
}"

conf()
{
	write_conf "$1" <<EOF
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,pg1:PGSQL

[log1]
group=1

[pg1]
connstring="host=127.0.0.1 port=$PG_PORT dbname=nfpipe user=nfpipe sslmode=verify-full sslrootcert=$T/tls/$2"
pass="$DB_PASS"
table="ulog_pkt"
spool_dir="$T/spool-$1"
schema_file="$top_srcdir/etc/sql/pgsql.sql"
EOF
}

conf tls ca.pem
nfpiped_start tls || bail_out "nfpiped did not start"
wait_for 5 nflog_bound 1 || bail_out "NFLOG group 1 not bound"
nsx "$NS_C" "$PKTSEND" udp 10.77.1.2 10.77.2.2 --dport 7301 --count 20 ||
	diag "pktsend failed"
pg_wait 15 "SELECT count(*) FROM ulog_pkt" 20
is "$(pg_sql "SELECT count(*) FROM ulog_pkt WHERE oob_prefix = 'tls'")" \
	"20" "20 packets over TLS: 20 rows"
is "$(pg_sql "SELECT bool_and(s.ssl) FROM pg_stat_ssl s
	JOIN pg_stat_activity a USING (pid)
	WHERE a.application_name = 'nfpiped'")" "t" \
	"nfpiped's connection is encrypted (pg_stat_ssl)"
nfpiped_stop
is "$?" "0" "nfpiped stops cleanly"

# A CA that did not sign the server's certificate: refused.
conf badca other-ca.pem
nfpiped_start badca
ok $? "a certificate libpq refuses: nfpiped still starts (and spools)"
nsx "$NS_C" "$PKTSEND" udp 10.77.1.2 10.77.2.2 --dport 7301 --count 5 ||
	diag "pktsend failed"
wait_for 10 grep -q "certificate verify failed" "$T/badca.log"
check "the log says the certificate was not trusted" \
	grep -q "certificate verify failed" "$T/badca.log"
sleep 1
is "$(pg_sql "SELECT count(*) FROM ulog_pkt")" "20" \
	"nothing written over an untrusted connection"
# The batch is handed over after flush_interval (1 s), then spooled.
spooled()
{
	kill -USR1 "$NFPIPED_PID"
	sleep 0.2
	grep -q '\[pg1\] counters:.* written=0 .*spooled=5 ' "$T/badca.log"
}
wait_for 10 spooled
ok $? "the 5 rows wait in the spool"
nfpiped_stop
! grep -qF "$DB_PASS" "$T"/*.log "$T"/*.err 2>/dev/null
ok $? "no password in anything nfpiped wrote"

done_testing
