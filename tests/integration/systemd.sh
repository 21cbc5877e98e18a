#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/integration/systemd.sh - the shipped unit and the notify protocol
#
# etc/nfpiped.service passes `systemd-analyze verify` without a word (its
# binaries pointed at the build tree; a bad value is only a warning there,
# so any output fails). Then nfpiped runs in the lab's gateway with a
# NOTIFY_SOCKET the test makes (a python3 datagram receiver) and
# WATCHDOG_USEC=400000: READY=1 comes once the NFLOG group is bound,
# WATCHDOG=1 every ~200 ms, STATUS= with the record rate, RELOADING=1 with
# MONOTONIC_USEC then READY=1 on SIGHUP, STOPPING=1 on SIGTERM.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip nft python3 systemd-analyze
require_nfpiped
require_kernel_logging

UNIT=$top_srcdir/etc/nfpiped.service
sed "s|/usr/sbin/nfpiped|$NFPIPED|g" "$UNIT" >"$T/nfpiped.service"
systemd-analyze verify --man=no "$T/nfpiped.service" >"$T/verify.out" 2>&1
rc=$?
is "$rc" 0 "systemd-analyze verify passes"
is "$(wc -c <"$T/verify.out")" 0 "systemd-analyze verify has nothing to say" ||
	diag_file "$T/verify.out"
check "the unit is Type=notify" grep -qx "Type=notify" "$UNIT"
check "the unit bounds the capabilities" \
	grep -qx "CapabilityBoundingSet=CAP_NET_ADMIN CAP_SETUID CAP_SETGID CAP_CHOWN" "$UNIT"
for d in ProtectSystem=strict PrivateTmp=true RuntimeDirectory=nfpipe \
	StateDirectory=nfpipe LogsDirectory=nfpipe NoNewPrivileges=true; do
	check "the unit sets $d" grep -qx "$d" "$UNIT"
done

if ! ldd "$NFPIPED" 2>/dev/null | grep -q libsystemd; then
	ok 1 "nfpiped is built without libsystemd (configure found none)"
	done_testing
	exit 0
fi

lab_up
write_conf sd <<EOF2
control_socket=$T/ctl.sock
stack=log1:NFLOG,base1:BASE,js1:JSON

[log1]
group=1
netlink_qthreshold=1

[js1]
file="$T/out.json"
EOF2

# One datagram a line, its newlines as '|', for 15 s at most.
cat >"$T/recv.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(0.2)
out = open(sys.argv[2], 'w')
end = time.time() + 15
while time.time() < end:
    try:
        d = s.recv(4096).decode()
    except socket.timeout:
        continue
    out.write('%.3f %s\n' % (time.monotonic(), d.replace('\n', '|')))
    out.flush()
    if d.startswith('STOPPING=1'):
        break
PY
python3 "$T/recv.py" "$T/notify.sock" "$T/notify.txt" &
NFPT_PIDS="$NFPT_PIDS $!"
RECV_PID=$!
wait_for 5 test -S "$T/notify.sock" || bail_out "no notify socket"

# Not nfpiped_start: READY=1 is what says it started.
NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=400000 \
	bg_ns "$NS_G" "$NFPIPED" -c "$T/sd.conf"
NFPIPED_PID=$BG_PID
wait_for 10 grep -q "READY=1" "$T/notify.txt"
ok $? "READY=1 arrives"
check "when READY=1 arrives the NFLOG group is bound" nflog_bound 1
check "READY=1 names the main PID" grep -q "READY=1|MAINPID=$NFPIPED_PID" "$T/notify.txt"
nft_log_hooks 'udp dport 7777 log group 1'
psend_c udp 10.77.1.2 10.77.2.2 --dport 7777 --count 20
sleep 1.2
w=$(grep -c "WATCHDOG=1" "$T/notify.txt")
check "WATCHDOG=1 every ~200 ms ($w so far)" test "$w" -ge 4
wait_for 6 grep -q "STATUS=[0-9]* records/s" "$T/notify.txt"
ok $? "STATUS= says the record rate"

n=$(wc -l <"$T/notify.txt")
kill -HUP "$NFPIPED_PID"
wait_for 5 grep -q "STATUS=reloaded" "$T/notify.txt"
ok $? "SIGHUP: a reload"
tail -n +$((n + 1)) "$T/notify.txt" | grep -v WATCHDOG >"$T/reload.txt"
check "SIGHUP: RELOADING=1 with MONOTONIC_USEC first" \
	grep -Eq "^[0-9.]+ RELOADING=1\|MONOTONIC_USEC=[0-9]+$" <(head -1 "$T/reload.txt")
check "SIGHUP: then READY=1" grep -q "^[0-9.]* READY=1|STATUS=reloaded" <(sed -n 2p "$T/reload.txt")

kill -TERM "$NFPIPED_PID"
wait_for 10 grep -q "STOPPING=1" "$T/notify.txt"
ok $? "SIGTERM: STOPPING=1"
nfpiped_stop
is "$?" 0 "nfpiped exits 0"
wait "$RECV_PID" 2>/dev/null
done_testing
