#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/mysql-tls.sh - MYSQL over TLS
#
# A throwaway MariaDB with TLS on (a test CA and a certificate for
# 127.0.0.1, dbserver.sh) and the user nfpipe created REQUIRE SSL, so that
# only an encrypted connection gets in. nfpiped connects with ssl=1,
# ssl_verify=1, ssl_ca=CA: the rows land. A second run trusts another CA:
# the server's certificate is refused, the log says so, nothing is
# written, nfpiped keeps running and spooling.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dbserver.sh"

require_root
require_cmd ip nft openssl
require_nfpiped
require_kernel_logging
db_install
db_tls_certs
lab_up
MY_TLS=1 my_start
my_sql_file "$top_srcdir/etc/sql/mysql.sql" ||
	bail_out "cannot load etc/sql/mysql.sql"
my_sql "ALTER USER 'nfpipe'@'127.0.0.1' REQUIRE SSL" ||
	bail_out "cannot require TLS of nfpipe"
is "$(my_sql "SHOW GLOBAL VARIABLES LIKE 'have_ssl'" | cut -f2)" "YES" \
	"the server speaks TLS"

nft_gw "table inet nfpt {
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		udp dport 7301 log group 1 prefix \"tls\"
	}
}"

conf()
{
	write_conf "$1" <<EOF
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,my1:MYSQL

[log1]
group=1

[my1]
$(my_conf tcp)
ssl=1
ssl_verify=1
ssl_ca="$T/tls/$2"
table="ulog_pkt"
spool_dir="$T/spool-$1"
schema_file="$top_srcdir/etc/sql/mysql.sql"
EOF
}

conf tls ca.pem
nfpiped_start tls || bail_out "nfpiped did not start"
wait_for 5 nflog_bound 1 || bail_out "NFLOG group 1 not bound"
nsx "$NS_C" "$PKTSEND" udp 10.77.1.2 10.77.2.2 --dport 7301 --count 20 ||
	diag "pktsend failed"
my_wait 15 "SELECT COUNT(*) FROM ulog_pkt" 20
is "$(my_sql "SELECT COUNT(*) FROM ulog_pkt WHERE oob_prefix = 'tls'")" \
	"20" "20 packets over TLS (the user may only use TLS): 20 rows"
nfpiped_stop
is "$?" "0" "nfpiped stops cleanly"

# A CA that did not sign the server's certificate: refused.
conf badca other-ca.pem
nfpiped_start badca
ok $? "a certificate the client refuses: nfpiped still starts (and spools)"
nsx "$NS_C" "$PKTSEND" udp 10.77.1.2 10.77.2.2 --dport 7301 --count 5 ||
	diag "pktsend failed"
spooled()
{
	kill -USR1 "$NFPIPED_PID"
	sleep 0.2
	grep -q '\[my1\] counters:.* written=0 .*spooled=5 ' "$T/badca.log"
}
wait_for 10 spooled
ok $? "the 5 rows wait in the spool"
check "the log says why the server was refused" \
	grep -q "certificate" "$T/badca.log" "$T/badca.err"
is "$(my_sql "SELECT COUNT(*) FROM ulog_pkt")" "20" \
	"nothing written over an untrusted connection"
nfpiped_stop
! grep -qF "$DB_PASS" "$T"/*.log "$T"/*.err 2>/dev/null
ok $? "no password in anything nfpiped wrote"

done_testing
