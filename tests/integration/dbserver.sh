# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/dbserver.sh - throwaway PostgreSQL and MariaDB servers
#
# Sourced after lib.sh by the PGSQL and MYSQL tests and by bench/sql-rate.
# Each server gets a data directory under the test's $T, listens on
# 127.0.0.1 only (a free port picked at random) and on a unix socket in its
# data directory. It runs in network namespace $DB_NS: by default the lab's
# gateway when lab_up ran before (nfpiped runs there, and loopback is per
# namespace), else the init namespace. The unix sockets work from any
# namespace, and the helpers below use them.
# Servers are started and stopped by PID (never through systemd, whose
# policy-rc.d keeps the packages' own services down), stopped fast at the
# end of the test whatever way it ends, and their directories go with $T.
#
#   db_install            install the server packages when missing
#   pg_start / my_start   initdb or mariadb-install-db on first use, then
#                         start; wait until the server takes connections
#   pg_stop / my_stop     stop (fast shutdown) and wait for the exit
#   pg_kill / my_kill     SIGKILL: a crash, for the tests of reconnects
#   pg_sql SQL / my_sql SQL
#                         run SQL as the superuser in database nfpipe,
#                         print rows unaligned, '|' (PostgreSQL) or a tab
#                         (MariaDB) between columns
#   pg_sql_nfpipe SQL     the same as nfpipe (the tables it makes are its)
#   pg_wait / my_wait SECONDS SQL VALUE
#                         poll until SQL prints VALUE; false on timeout
#   pg_conf / my_conf     the connection options of an nfpiped section
#                         (user nfpipe, password $DB_PASS, TCP or socket)
#   db_tls_certs          a CA and a server certificate for 127.0.0.1 in
#                         $T/tls (ca.pem, server.pem, server.key, and
#                         other-ca.pem, a CA that signed nothing); then
#                         PG_TLS=1 / MY_TLS=1 before *_start turn TLS on
#
# After pg_start: PG_PORT, PG_SOCK (directory), PG_PID. After my_start:
# MY_PORT, MY_SOCK (socket file), MY_PID. The role/user "nfpipe" with
# password $DB_PASS owns database "nfpipe" on both. Server settings:
# PG_OPTS / MY_OPTS replace the defaults below, PG_EXTRA_OPTS /
# MY_EXTRA_OPTS add to them (set before sourcing this file). Stopping a
# server and starting it again keeps its data and port.

DB_PASS=${DB_PASS:-nfpt-Secr3t-pw}
PG_PID=""
MY_PID=""
DB_NS=${DB_NS-}

# _db_exec COMMAND...: exec COMMAND in $DB_NS (or here); keeps the PID.
_db_exec()
{
	local ns=${DB_NS:-}

	[ -z "$ns" ] && [ -n "${NFPT_NETNS:-}" ] && ns=$NS_G
	if [ -n "$ns" ]; then
		exec ip netns exec "$ns" "$@"
	fi
	exec "$@"
}

# The server processes run as postgres / mysql: they must reach $T.
chmod 0711 "$T"

_db_cleanup()
{
	[ -n "$PG_PID" ] && pg_stop >/dev/null 2>&1
	[ -n "$MY_PID" ] && my_stop >/dev/null 2>&1
	nfpt_cleanup
}
trap _db_cleanup EXIT

# Install what the servers and clients need (Debian package names).
db_install()
{
	local need=""

	command -v psql >/dev/null 2>&1 || need="$need postgresql-client"
	ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 ||
		need="$need postgresql"
	command -v mariadbd >/dev/null 2>&1 || need="$need mariadb-server"
	command -v mariadb >/dev/null 2>&1 || need="$need mariadb-client"
	command -v openssl >/dev/null 2>&1 || need="$need openssl"
	[ -z "$need" ] && return 0
	diag "installing$need"
	# A fresh machine may have stale package lists: update once, retry.
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need \
		>"$T/apt.log" 2>&1 ||
	{ apt-get update -q >>"$T/apt.log" 2>&1 &&
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need \
		>>"$T/apt.log" 2>&1; } || {
		diag_file "$T/apt.log"
		bail_out "cannot install$need"
	}
}

# A TCP port nothing listens on, in 20000..59999.
_free_port()
{
	local p i

	for ((i = 0; i < 50; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		(_db_exec ss -Hltn "sport = :$p") 2>/dev/null | grep -q . || {
			echo $p
			return 0
		}
	done
	return 1
}

# _wait_gone PID SECONDS: wait for a process we did not fork to exit.
_wait_gone()
{
	local n=0

	while kill -0 "$1" 2>/dev/null; do
		n=$((n + 1))
		[ $n -ge $(($2 * 20)) ] && return 1
		sleep 0.05
	done
	return 0
}

# --- TLS -------------------------------------------------------------------

db_tls_certs()
{
	local d=$T/tls

	mkdir -p "$d"
	(
		cd "$d" &&
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
			-subj "/CN=nfpt test CA" -keyout ca.key -out ca.pem &&
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
			-subj "/CN=nfpt other CA" -keyout other-ca.key \
			-out other-ca.pem &&
		openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
			-keyout server.key -out server.csr &&
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext &&
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
			-CAcreateserial -days 2 -extfile san.ext -out server.pem
	) >"$T/tls.log" 2>&1 || {
		diag_file "$T/tls.log"
		bail_out "cannot make TLS certificates"
	}
	chmod 0755 "$d"
	chmod 0644 "$d"/*.pem
}

# --- PostgreSQL ----------------------------------------------------------

PG_BIN=""
PG_DATA=$T/pg
PG_SOCK=$T/pg
PG_PORT=""
# Server settings. fsync off: the tests kill servers, not the machine, so
# what a commit wrote to the kernel survives. synchronous_commit stays on:
# with it off a killed server forgets commits it has acknowledged.
PG_OPTS=${PG_OPTS:-"-c fsync=off -c full_page_writes=off"}
# More settings a test needs, after those.
PG_EXTRA_OPTS=${PG_EXTRA_OPTS:-}

_pg_bin()
{
	[ -n "$PG_BIN" ] && return 0
	PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V |
		tail -n 1)
	[ -x "$PG_BIN/postgres" ] ||
		bail_out "no PostgreSQL server (apt-get install postgresql)"
}

_pg_as()
{
	setpriv --reuid=postgres --regid=postgres --init-groups \
		--reset-env "$@"
}

pg_sql()
{
	PGCONNECT_TIMEOUT=5 psql -X -q -A -t -v ON_ERROR_STOP=1 \
		-h "$PG_SOCK" -p "$PG_PORT" -U postgres -d "${PG_DB:-nfpipe}" \
		-c "$1"
}

pg_sql_nfpipe()
{
	PGCONNECT_TIMEOUT=5 psql -X -q -A -t -v ON_ERROR_STOP=1 \
		-h "$PG_SOCK" -p "$PG_PORT" -U nfpipe -d nfpipe -c "$1"
}

_db_is()
{
	[ "$("$1" "$2" 2>/dev/null)" = "$3" ]
}

pg_wait()
{
	wait_for "$1" _db_is pg_sql "$2" "$3"
}

my_wait()
{
	wait_for "$1" _db_is my_sql "$2" "$3"
}

# pg_sql_file FILE: run a script as the superuser.
pg_sql_file()
{
	PGCONNECT_TIMEOUT=5 psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" \
		-p "$PG_PORT" -U postgres -d "${PG_DB:-nfpipe}" -f "$1"
}

# pg_sql_file_nfpipe FILE: run a script as nfpipe, the database's owner
# (tables it makes belong to nfpipe then; the socket needs no password).
pg_sql_file_nfpipe()
{
	PGCONNECT_TIMEOUT=5 psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" \
		-p "$PG_PORT" -U nfpipe -d nfpipe -f "$1"
}

_pg_ready()
{
	PGCONNECT_TIMEOUT=1 psql -X -q -A -t -h "$PG_SOCK" -p "$PG_PORT" \
		-U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1
}

pg_start()
{
	local first=0

	_pg_bin
	if [ ! -e "$PG_DATA/PG_VERSION" ]; then
		first=1
		mkdir -p "$PG_DATA"
		chown postgres: "$PG_DATA"
		chmod 0700 "$PG_DATA"
		# Superuser through the socket without a password; nfpipe
		# over TCP with one, as a real deployment would.
		_pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 \
			--locale=C --auth-local=trust \
			--auth-host=scram-sha-256 >"$T/pg-initdb.log" 2>&1 || {
			diag_file "$T/pg-initdb.log"
			bail_out "initdb failed"
		}
	fi
	[ -n "$PG_PORT" ] || PG_PORT=$(_free_port) ||
		bail_out "no free TCP port"
	local tls=""
	if [ "${PG_TLS:-0}" = 1 ]; then
		# The key must belong to the server's user, mode 0600.
		install -o postgres -g postgres -m 0600 "$T/tls/server.key" \
			"$PG_DATA/server.key"
		install -o postgres -g postgres -m 0644 "$T/tls/server.pem" \
			"$PG_DATA/server.pem"
		tls="-c ssl=on -c ssl_cert_file=server.pem -c ssl_key_file=server.key"
	fi
	(_db_exec setpriv --reuid=postgres --regid=postgres --init-groups \
		--reset-env "$PG_BIN/postgres" -D "$PG_DATA" -k "$PG_SOCK" -p "$PG_PORT" \
		-c listen_addresses=127.0.0.1 -c max_connections=40 \
		-c logging_collector=off $tls $PG_OPTS $PG_EXTRA_OPTS) \
		>>"$T/pgserver.log" 2>&1 &
	PG_PID=$!
	NFPT_PIDS="$NFPT_PIDS $PG_PID"
	wait_for 30 _pg_ready || {
		diag_file "$T/pgserver.log"
		bail_out "PostgreSQL did not start"
	}
	if [ $first = 1 ]; then
		PG_DB=postgres pg_sql "CREATE ROLE nfpipe LOGIN PASSWORD '$DB_PASS'" &&
		PG_DB=postgres pg_sql "CREATE DATABASE nfpipe OWNER nfpipe" ||
			bail_out "cannot create the nfpipe role and database"
	fi
	return 0
}

# Fast shutdown: clients are disconnected, as when a server goes away.
pg_stop()
{
	[ -n "$PG_PID" ] || return 0
	kill -INT "$PG_PID" 2>/dev/null
	_wait_gone "$PG_PID" 30 || kill -KILL "$PG_PID" 2>/dev/null
	wait "$PG_PID" 2>/dev/null
	PG_PID=""
	return 0
}

pg_kill()
{
	[ -n "$PG_PID" ] || return 0
	kill -KILL "$PG_PID" 2>/dev/null
	wait "$PG_PID" 2>/dev/null
	PG_PID=""
	# The backends notice that their postmaster died and exit; a new
	# postmaster waits for them (shared memory still attached) by itself.
}

# pg_conf [tcp|socket]: connection lines for an nfpiped [pgsql] section.
pg_conf()
{
	if [ "${1:-tcp}" = socket ]; then
		printf 'host="%s"\nport=%s\n' "$PG_SOCK" "$PG_PORT"
	else
		printf 'host="127.0.0.1"\nport=%s\n' "$PG_PORT"
	fi
	printf 'db="nfpipe"\nuser="nfpipe"\npass="%s"\n' "$DB_PASS"
}

# --- MariaDB -------------------------------------------------------------

MY_DATA=$T/my
MY_TMP=$T/mytmp
MY_SOCK=$T/my/mysqld.sock
MY_PORT=""
# innodb_flush_log_at_trx_commit=2: a commit is written to the kernel, not
# synced; it survives a killed server (not a crashed machine), like above.
MY_OPTS=${MY_OPTS:-"--innodb-flush-log-at-trx-commit=2 --innodb-buffer-pool-size=256M"}
MY_EXTRA_OPTS=${MY_EXTRA_OPTS:-}

my_sql()
{
	mariadb --no-defaults -S "$MY_SOCK" -u root -N -B \
		--connect-timeout=5 "${MY_DB:-nfpipe}" -e "$1"
}

my_sql_file()
{
	mariadb --no-defaults -S "$MY_SOCK" -u root --connect-timeout=5 \
		"${MY_DB:-nfpipe}" <"$1"
}

_my_ready()
{
	mariadb --no-defaults -S "$MY_SOCK" -u root -N -B --connect-timeout=1 \
		-e 'SELECT 1' >/dev/null 2>&1
}

my_start()
{
	local first=0

	command -v mariadbd >/dev/null 2>&1 ||
		bail_out "no MariaDB server (apt-get install mariadb-server)"
	if [ ! -d "$MY_DATA/mysql" ]; then
		first=1
		mkdir -p "$MY_DATA" "$MY_TMP"
		chown mysql: "$MY_DATA" "$MY_TMP"
		# A tmpdir of its own: two bootstraps running at once (make
		# -j2) name their temporary tables alike in a shared /tmp.
		mariadb-install-db --no-defaults --user=mysql \
			--datadir="$MY_DATA" --tmpdir="$MY_TMP" \
			--auth-root-authentication-method=socket \
			--skip-test-db >"$T/my-install.log" 2>&1 || {
			diag_file "$T/my-install.log"
			bail_out "mariadb-install-db failed"
		}
	fi
	[ -n "$MY_PORT" ] || MY_PORT=$(_free_port) ||
		bail_out "no free TCP port"
	local tls=""
	if [ "${MY_TLS:-0}" = 1 ]; then
		install -o mysql -g mysql -m 0600 "$T/tls/server.key" \
			"$MY_DATA/server.key"
		tls="--ssl-ca=$T/tls/ca.pem --ssl-cert=$T/tls/server.pem --ssl-key=$MY_DATA/server.key"
	fi
	(_db_exec mariadbd --no-defaults --user=mysql --datadir="$MY_DATA" \
		--tmpdir="$MY_TMP" --socket="$MY_SOCK" --port="$MY_PORT" --bind-address=127.0.0.1 \
		--pid-file="$MY_DATA/mariadbd.pid" --log-error="$T/myserver.log" \
		--skip-log-bin --max-connections=40 $tls $MY_OPTS \
		$MY_EXTRA_OPTS) \
		>>"$T/myserver.out" 2>&1 &
	MY_PID=$!
	NFPT_PIDS="$NFPT_PIDS $MY_PID"
	wait_for 30 _my_ready || {
		diag_file "$T/myserver.log"
		bail_out "MariaDB did not start"
	}
	if [ $first = 1 ]; then
		MY_DB=mysql my_sql "CREATE DATABASE nfpipe;
			CREATE USER 'nfpipe'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
			CREATE USER 'nfpipe'@'localhost' IDENTIFIED BY '$DB_PASS';
			GRANT ALL ON nfpipe.* TO 'nfpipe'@'127.0.0.1';
			GRANT ALL ON nfpipe.* TO 'nfpipe'@'localhost';" ||
			bail_out "cannot create the nfpipe user and database"
	fi
	return 0
}

my_stop()
{
	[ -n "$MY_PID" ] || return 0
	kill -TERM "$MY_PID" 2>/dev/null
	_wait_gone "$MY_PID" 60 || kill -KILL "$MY_PID" 2>/dev/null
	wait "$MY_PID" 2>/dev/null
	MY_PID=""
	return 0
}

my_kill()
{
	[ -n "$MY_PID" ] || return 0
	kill -KILL "$MY_PID" 2>/dev/null
	wait "$MY_PID" 2>/dev/null
	MY_PID=""
}

# my_conf [tcp|socket]: connection lines for an nfpiped [mysql] section.
my_conf()
{
	if [ "${1:-tcp}" = socket ]; then
		printf 'host="localhost"\nsocket="%s"\n' "$MY_SOCK"
	else
		printf 'host="127.0.0.1"\nport=%s\n' "$MY_PORT"
	fi
	printf 'db="nfpipe"\nuser="nfpipe"\npass="%s"\n' "$DB_PASS"
}
