-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- etc/sql/sqlite3.sql - nfpipe's SQLite schema: packets, flows, nfacct
--
-- The SQLITE3 output runs this script when its `db` file does not exist
-- yet (it is installed as $(pkgdatadir)/sql/sqlite3.sql); to make a
-- database by hand: sqlite3 /var/lib/nfpipe/nfpipe.db < sqlite3.sql
-- Running it again on an existing database changes nothing.
--
-- Column names are key names with '.' written '_', as ulogd2 has them
-- (ip_saddr_str is the key ip.saddr.str); SQLITE3 fills every column of
-- its `table` whose name does not start with '_'. Tables are flat (one row
-- per packet or flow, no joins needed) and indexed on time and addresses.
-- Columns of the interpreters' keys (l7_*, geoip_*, blacklist_*, scan_*)
-- are optional: NULL in the rows of a stack without L7, GEOIP or
-- BLACKLIST; any other column needs a key in the stack (or null_columns=1).
-- A database made before these columns existed: l7-sqlite3.sql and
-- geoip-blacklist-sqlite3.sql add them.
--
-- How values are stored:
--   integers          as INTEGER; unsigned 32-bit values stay positive
--                     (ulogd2 stored marks and addresses >= 2^31 negative)
--   u64 > 2^63-1      as TEXT in decimal (no SQLite integer holds them)
--   *_str addresses   as TEXT: "192.0.2.1", "2001:db8::1"
--   addresses         in INTEGER columns: IPv4 as its number (10.0.0.1 is
--                     167772161), IPv6 as a 16-byte BLOB; in BLOB columns
--                     as 4 or 16 bytes; in TEXT columns as text
--   raw bytes         BLOB, or "aa:bb:..." hex in TEXT columns (raw_mac)
--   flags             0 or 1
--   times             the *_sec columns: seconds since 1970-01-01 UTC
--
-- Needs SQLite 3.8.3 or later (common table expressions in the views).

PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS nfpipe_schema (
	version		INTEGER NOT NULL	-- layout of these tables
);
INSERT INTO nfpipe_schema (version)
	SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM nfpipe_schema);

-- ---- packets logged by NFLOG rules -----------------------------------------
--
-- Filled by stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,
-- sql1:SQLITE3 with table=ulog_pkt. A column for a protocol the packet does
-- not have is NULL (tcp_* of a UDP packet).
-- The l7_*, geoip_* and blacklist_* columns at the end are the labels of
-- L7, GEOIP and BLACKLIST: NULL in the rows of a stack without them.

CREATE TABLE IF NOT EXISTS ulog_pkt (
	_id		INTEGER PRIMARY KEY,	-- arrival order
	oob_time_sec	INTEGER,	-- packet time, seconds (UTC)
	oob_time_usec	INTEGER,	-- and microseconds
	oob_prefix	TEXT,		-- the rule's log prefix
	oob_hook	INTEGER,	-- 0 prerouting, 1 input, 2 forward,
					-- 3 output, 4 postrouting
	oob_mark	INTEGER,	-- packet mark
	oob_family	INTEGER,	-- 2 IPv4, 10 IPv6, 7 bridge
	oob_protocol	INTEGER,	-- ethertype: 2048 IPv4, 34525 IPv6
	oob_in		TEXT,		-- input interface, '' if none
	oob_out		TEXT,		-- output interface, '' if none
	oob_uid		INTEGER,	-- socket owner (local packets)
	oob_gid		INTEGER,
	raw_pktlen	INTEGER,	-- bytes from the network header on
	raw_mac		TEXT,		-- link-layer header, hex
	ip_saddr_str	TEXT,		-- source address
	ip_daddr_str	TEXT,		-- destination address
	ip_protocol	INTEGER,	-- 1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6...
	ip_tos		INTEGER,
	ip_ttl		INTEGER,
	ip_totlen	INTEGER,
	ip_ihl		INTEGER,
	ip_csum		INTEGER,
	ip_id		INTEGER,
	ip_fragoff	INTEGER,	-- the whole field: flags and offset
	ip6_payloadlen	INTEGER,
	ip6_priority	INTEGER,
	ip6_flowlabel	INTEGER,
	ip6_hoplimit	INTEGER,
	ip6_fragoff	INTEGER,
	ip6_fragid	INTEGER,
	ip6_exthdrs	TEXT,		-- extension headers, e.g. "FRAG"
	tcp_sport	INTEGER,
	tcp_dport	INTEGER,
	tcp_seq		INTEGER,
	tcp_ackseq	INTEGER,
	tcp_window	INTEGER,
	tcp_urg		INTEGER,
	tcp_urgp	INTEGER,
	tcp_ack		INTEGER,
	tcp_psh		INTEGER,
	tcp_rst		INTEGER,
	tcp_syn		INTEGER,
	tcp_fin		INTEGER,
	udp_sport	INTEGER,
	udp_dport	INTEGER,
	udp_len		INTEGER,
	sctp_sport	INTEGER,
	sctp_dport	INTEGER,
	sctp_csum	INTEGER,
	icmp_type	INTEGER,
	icmp_code	INTEGER,
	icmp_echoid	INTEGER,
	icmp_echoseq	INTEGER,
	icmp_gateway	INTEGER,	-- redirect gateway, as a number
	icmp_fragmtu	INTEGER,
	icmpv6_type	INTEGER,
	icmpv6_code	INTEGER,
	icmpv6_echoid	INTEGER,
	icmpv6_echoseq	INTEGER,
	icmpv6_csum	INTEGER,
	ahesp_spi	INTEGER,
	l7_proto	TEXT,		-- TLS, HTTP, DNS, Unknown
	l7_app		TEXT,		-- Google in TLS.Google
	l7_category	TEXT,		-- Web, Network, ...
	l7_host		TEXT,		-- Host, SNI, DNS name
	l7_risk		TEXT,		-- nDPI's risks, a,b,c
	l7_guessed	INTEGER,	-- 1: by port only
	l7_pattern	TEXT,		-- the .pat that matched
	geoip_src_country TEXT,		-- ISO 3166 code: DE, US
	geoip_dst_country TEXT,
	geoip_src_asn	INTEGER,	-- autonomous system number
	geoip_dst_asn	INTEGER,
	geoip_src_asname TEXT,		-- its name
	geoip_dst_asname TEXT,
	geoip_src_flags	TEXT,		-- anonymous-proxy,anycast,...
	geoip_dst_flags	TEXT,
	blacklist_src	TEXT,		-- the list holding the source
	blacklist_dst	TEXT,		-- the list holding the destination
	blacklist_src_desc TEXT,	-- the list's text for that entry
	blacklist_dst_desc TEXT
);
CREATE INDEX IF NOT EXISTS ulog_pkt_by_time ON ulog_pkt (oob_time_sec);
CREATE INDEX IF NOT EXISTS ulog_pkt_by_saddr ON ulog_pkt (ip_saddr_str);
CREATE INDEX IF NOT EXISTS ulog_pkt_by_daddr ON ulog_pkt (ip_daddr_str);
-- For `nfpipe report` (bench/RESULTS.md has the figures): each holds every
-- column its report reads, in GROUP BY order, so a report over millions of
-- rows reads one index front to back and sorts nothing. They cost the
-- daemon some insert speed; drop those whose report you never run.
CREATE INDEX IF NOT EXISTS ulog_pkt_rep_time ON ulog_pkt
	(oob_time_sec, raw_pktlen);			-- timeline
CREATE INDEX IF NOT EXISTS ulog_pkt_rep_prefix ON ulog_pkt
	(oob_prefix, oob_time_sec, raw_pktlen);		-- summary, prefixes
CREATE INDEX IF NOT EXISTS ulog_pkt_rep_saddr ON ulog_pkt
	(ip_saddr_str, oob_time_sec, raw_pktlen);	-- top-sources
CREATE INDEX IF NOT EXISTS ulog_pkt_rep_daddr ON ulog_pkt
	(ip_daddr_str, oob_time_sec, raw_pktlen);	-- top-destinations
CREATE INDEX IF NOT EXISTS ulog_pkt_rep_port ON ulog_pkt
	(ip_protocol, tcp_dport, udp_dport, sctp_dport, oob_time_sec,
	 raw_pktlen);					-- top-ports

-- ---- connection-tracking flows (NFCT) --------------------------------------
--
-- Filled by stack=ct1:NFCT,ip2str1:IP2STR,sql2:SQLITE3 with table=ulog_ct;
-- with NFCT's hash_enable a DESTROY event carries the flow's start and end.
-- The l7_*, geoip_* and blacklist_* columns at the end: as in ulog_pkt.

CREATE TABLE IF NOT EXISTS ulog_ct (
	_id			INTEGER PRIMARY KEY,
	oob_family		INTEGER,	-- 2 IPv4, 10 IPv6
	oob_protocol		INTEGER,	-- layer-4 protocol number
	orig_ip_saddr_str	TEXT,		-- who opened the connection
	orig_ip_daddr_str	TEXT,
	orig_ip_protocol	INTEGER,
	orig_l4_sport		INTEGER,
	orig_l4_dport		INTEGER,
	orig_raw_pktlen		INTEGER,	-- bytes sent by the opener
	orig_raw_pktcount	INTEGER,	-- packets sent by the opener
	reply_ip_saddr_str	TEXT,		-- differs from orig_ip_daddr_str
	reply_ip_daddr_str	TEXT,		-- under NAT
	reply_ip_protocol	INTEGER,
	reply_l4_sport		INTEGER,
	reply_l4_dport		INTEGER,
	reply_raw_pktlen	INTEGER,	-- bytes of the replies
	reply_raw_pktcount	INTEGER,
	icmp_type		INTEGER,
	icmp_code		INTEGER,
	ct_mark			INTEGER,
	ct_id			INTEGER,
	ct_event		INTEGER,	-- 1 NEW, 2 UPDATE, 4 DESTROY
	flow_start_sec		INTEGER,	-- UTC seconds
	flow_start_usec		INTEGER,
	flow_end_sec		INTEGER,
	flow_end_usec		INTEGER,
	l7_proto		TEXT,
	l7_app			TEXT,
	l7_category		TEXT,
	l7_host			TEXT,
	l7_risk			TEXT,
	l7_guessed		INTEGER,
	l7_pattern		TEXT,
	l7_end			TEXT,		-- L7's flows: fin, rst, idle...
	geoip_src_country	TEXT,		-- of orig_ip_saddr_str
	geoip_dst_country	TEXT,
	geoip_src_asn		INTEGER,
	geoip_dst_asn		INTEGER,
	geoip_src_asname	TEXT,
	geoip_dst_asname	TEXT,
	geoip_src_flags		TEXT,
	geoip_dst_flags		TEXT,
	blacklist_src		TEXT,
	blacklist_dst		TEXT,
	blacklist_src_desc	TEXT,
	blacklist_dst_desc	TEXT
);
CREATE INDEX IF NOT EXISTS ulog_ct_by_start ON ulog_ct (flow_start_sec);
CREATE INDEX IF NOT EXISTS ulog_ct_by_end ON ulog_ct (flow_end_sec);
CREATE INDEX IF NOT EXISTS ulog_ct_by_saddr ON ulog_ct (orig_ip_saddr_str);
CREATE INDEX IF NOT EXISTS ulog_ct_by_daddr ON ulog_ct (orig_ip_daddr_str);
CREATE INDEX IF NOT EXISTS ulog_ct_by_l7 ON ulog_ct (l7_proto);

-- ---- nfacct counters --------------------------------------------------------
--
-- Filled by stack=acct1:NFACCT,sql3:SQLITE3 with table=nfacct: one row per
-- accounting object per poll.

CREATE TABLE IF NOT EXISTS nfacct (
	_id		INTEGER PRIMARY KEY,
	oob_time_sec	INTEGER,	-- time of the poll, UTC seconds
	sum_name	TEXT,		-- accounting object
	sum_pkts	INTEGER,	-- packets (since the last reset if
	sum_bytes	INTEGER		-- zerocounter is on) and bytes
);
CREATE INDEX IF NOT EXISTS nfacct_by_name_time ON nfacct (sum_name, oob_time_sec);

-- ---- views for analysts -----------------------------------------------------

-- Packets and bytes per hour (UTC) and log prefix: what fired, and when.
CREATE VIEW IF NOT EXISTS pkt_per_hour_prefix AS
	SELECT strftime('%Y-%m-%d %H:00', oob_time_sec, 'unixepoch') AS hour,
	       oob_prefix AS prefix,
	       count(*) AS packets,
	       sum(raw_pktlen) AS bytes
	FROM ulog_pkt
	GROUP BY hour, prefix;

-- Sources by packets logged, with their first and last appearance.
CREATE VIEW IF NOT EXISTS top_sources AS
	SELECT ip_saddr_str AS source,
	       count(*) AS packets,
	       count(DISTINCT ip_daddr_str) AS destinations,
	       datetime(min(oob_time_sec), 'unixepoch') AS first_seen,
	       datetime(max(oob_time_sec), 'unixepoch') AS last_seen
	FROM ulog_pkt
	WHERE ip_saddr_str IS NOT NULL
	GROUP BY ip_saddr_str
	ORDER BY packets DESC;

-- Destination ports by packets logged (TCP, UDP and SCTP), with the number
-- of sources that tried them: a port scan shows many ports, few sources.
CREATE VIEW IF NOT EXISTS top_dports AS
	WITH p AS (
		SELECT ip_protocol,
		       coalesce(tcp_dport, udp_dport, sctp_dport) AS dport,
		       ip_saddr_str
		FROM ulog_pkt
	)
	SELECT CASE ip_protocol WHEN 6 THEN 'tcp' WHEN 17 THEN 'udp'
	       WHEN 132 THEN 'sctp' WHEN 136 THEN 'udplite'
	       ELSE CAST(ip_protocol AS TEXT) END AS protocol,
	       dport,
	       count(*) AS packets,
	       count(DISTINCT ip_saddr_str) AS sources
	FROM p
	WHERE dport IS NOT NULL
	GROUP BY ip_protocol, dport
	ORDER BY packets DESC;

-- Finished flows by bytes in both directions, with their duration.
CREATE VIEW IF NOT EXISTS flows_by_bytes AS
	SELECT orig_ip_saddr_str AS source,
	       orig_ip_daddr_str AS destination,
	       orig_ip_protocol AS protocol,
	       orig_l4_dport AS dport,
	       coalesce(orig_raw_pktlen, 0) + coalesce(reply_raw_pktlen, 0)
		       AS bytes,
	       coalesce(orig_raw_pktcount, 0) + coalesce(reply_raw_pktcount, 0)
		       AS packets,
	       datetime(flow_start_sec, 'unixepoch') AS start,
	       flow_end_sec - flow_start_sec AS seconds
	FROM ulog_ct
	WHERE ct_event = 4
	ORDER BY bytes DESC;

-- Packets with a readable UTC time, for ad hoc queries.
CREATE VIEW IF NOT EXISTS ulog_pkt_time AS
	SELECT datetime(oob_time_sec, 'unixepoch') || '.' ||
	       printf('%06d', coalesce(oob_time_usec, 0)) AS time,
	       *
	FROM ulog_pkt;

-- Bytes per application protocol and host, from the flows L7 labelled.
CREATE VIEW IF NOT EXISTS l7_top AS
	SELECT l7_proto, l7_app, l7_host,
	       COUNT(*) AS flows,
	       SUM(orig_raw_pktlen) + SUM(reply_raw_pktlen) AS bytes
	FROM ulog_ct
	WHERE l7_proto IS NOT NULL
	GROUP BY l7_proto, l7_app, l7_host
	ORDER BY bytes DESC;

-- ---- scan alerts (SCAN) ------------------------------------------------------
--
-- Filled by stack=scan1:SCAN,ip2str2:IP2STR,sql2:SQLITE3 with
-- table=ulog_scan: one row per alert, raised when a source first qualifies
-- for a scan type and each time its danger level rises (never per packet).
-- See plugins/filter/scan/README.md for how each figure is counted.

CREATE TABLE IF NOT EXISTS ulog_scan (
	_id		INTEGER PRIMARY KEY,	-- arrival order
	oob_time_sec	INTEGER,	-- time of the alert, UTC seconds
	oob_family	INTEGER,	-- 2 IPv4, 10 IPv6
	ip_saddr_str	TEXT,		-- the scanner
	ip_daddr_str	TEXT,		-- its last target
	scan_type	TEXT,		-- SYN FIN NULL XMAS ACK MAIMON UDP
					-- PORTSWEEP PINGSWEEP PROTO BADFLAGS
	scan_dl		INTEGER,	-- danger level 1..5
	scan_packets	INTEGER,	-- packets of this scan in the window
	scan_ports	INTEGER,	-- distinct ports (PROTO: protocols)
	scan_hosts	INTEGER,	-- distinct hosts
	scan_port_min	INTEGER,	-- port range (PROTO: protocols)
	scan_port_max	INTEGER,
	scan_first	INTEGER,	-- first and last packet of the scan,
	scan_last	INTEGER		-- UTC seconds
);
CREATE INDEX IF NOT EXISTS ulog_scan_by_time ON ulog_scan (oob_time_sec);
CREATE INDEX IF NOT EXISTS ulog_scan_by_saddr ON ulog_scan (ip_saddr_str);

-- Scanners, most dangerous and most recent first: the highest danger level
-- each reached, the scan types it made, how wide it went, and when.
CREATE VIEW IF NOT EXISTS scanners AS
	SELECT ip_saddr_str AS source,
	       max(scan_dl) AS dl,
	       group_concat(DISTINCT scan_type) AS types,
	       count(*) AS alerts,
	       max(scan_packets) AS packets,
	       max(scan_ports) AS ports,
	       max(scan_hosts) AS hosts,
	       datetime(min(scan_first), 'unixepoch') AS first_seen,
	       datetime(max(scan_last), 'unixepoch') AS last_seen
	FROM ulog_scan
	GROUP BY ip_saddr_str
	ORDER BY dl DESC, max(scan_last) DESC;
