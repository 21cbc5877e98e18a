-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- etc/sql/mysql.sql - nfpipe's MariaDB/MySQL schema: packets, flows, nfacct
--
-- Installed as $(pkgdatadir)/sql/mysql.sql. Load it into the database the
-- MYSQL output writes to:
--     mariadb nfpipe < mysql.sql
-- Running it again changes nothing (IF NOT EXISTS, CREATE OR REPLACE).
-- Needs MariaDB 10.2 / MySQL 5.7 or later; InnoDB (one transaction a batch,
-- and a refused row rolls back alone).
--
-- Column names are key names with '.' written '_', as ulogd2 has them
-- (ip_saddr_str is the key ip.saddr.str); MYSQL fills every column of its
-- `table` whose name does not start with '_'. The same column names as
-- etc/sql/sqlite3.sql and etc/sql/pgsql.sql: one stack fits all three.
--
-- How values are stored:
--   unsigned values     UNSIGNED columns of the key's width: marks and
--                       sequence numbers >= 2^31 stay positive, 64-bit
--                       conntrack counters fit BIGINT UNSIGNED
--   *_str addresses     VARCHAR(45): "192.0.2.1", "2001:db8::1" (45 is the
--                       longest IPv6 text); INET6_ATON() turns them into
--                       bytes that sort and compare by address
--   flags               BOOLEAN (TINYINT(1)): 0 or 1
--   times               the *_sec columns: seconds since 1970-01-01 UTC;
--                       FROM_UNIXTIME() shows them in the session's zone
--
-- MYSQL loads these tables with one bulk INSERT per batch; the indexes are
-- the ones an analyst's query needs: time and addresses.

CREATE TABLE IF NOT EXISTS nfpipe_schema (
	version		INT NOT NULL		-- layout of these tables
) ENGINE=InnoDB;
INSERT INTO nfpipe_schema (version)
	SELECT 1 FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM nfpipe_schema);

-- ---- packets logged by NFLOG rules -----------------------------------------
--
-- Filled by stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,
-- my1:MYSQL with table=ulog_pkt. A column for a protocol the packet does
-- not have is NULL (tcp_* of a UDP packet).

CREATE TABLE IF NOT EXISTS ulog_pkt (
	_id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	oob_time_sec	INT UNSIGNED,		-- packet time, seconds (UTC)
	oob_time_usec	INT UNSIGNED,		-- and microseconds
	oob_prefix	VARCHAR(128),		-- the rule's log prefix
	oob_hook	TINYINT UNSIGNED,	-- 0 prerouting, 1 input,
						-- 2 forward, 3 output,
						-- 4 postrouting
	oob_mark	INT UNSIGNED,		-- packet mark
	oob_family	TINYINT UNSIGNED,	-- 2 IPv4, 10 IPv6, 7 bridge
	oob_protocol	SMALLINT UNSIGNED,	-- ethertype: 2048 IPv4
	oob_in		VARCHAR(32),		-- input interface, '' if none
	oob_out		VARCHAR(32),		-- output interface
	oob_uid		INT UNSIGNED,		-- socket owner (local packets)
	oob_gid		INT UNSIGNED,
	raw_pktlen	INT UNSIGNED,		-- bytes from the network header
	raw_mac		VARCHAR(255),		-- link-layer header, "aa:bb:.."
	ip_saddr_str	VARCHAR(45),		-- source address
	ip_daddr_str	VARCHAR(45),		-- destination address
	ip_protocol	TINYINT UNSIGNED,	-- 1 ICMP, 6 TCP, 17 UDP...
	ip_tos		TINYINT UNSIGNED,
	ip_ttl		TINYINT UNSIGNED,
	ip_totlen	SMALLINT UNSIGNED,
	ip_ihl		TINYINT UNSIGNED,
	ip_csum		SMALLINT UNSIGNED,
	ip_id		SMALLINT UNSIGNED,
	ip_fragoff	SMALLINT UNSIGNED,	-- the whole field: flags, offset
	ip6_payloadlen	SMALLINT UNSIGNED,
	ip6_priority	TINYINT UNSIGNED,
	ip6_flowlabel	INT UNSIGNED,
	ip6_hoplimit	TINYINT UNSIGNED,
	ip6_fragoff	SMALLINT UNSIGNED,
	ip6_fragid	INT UNSIGNED,
	ip6_exthdrs	VARCHAR(128),		-- extension headers, "FRAG"
	tcp_sport	SMALLINT UNSIGNED,
	tcp_dport	SMALLINT UNSIGNED,
	tcp_seq		INT UNSIGNED,
	tcp_ackseq	INT UNSIGNED,
	tcp_window	SMALLINT UNSIGNED,
	tcp_urg		BOOLEAN,
	tcp_urgp	SMALLINT UNSIGNED,
	tcp_ack		BOOLEAN,
	tcp_psh		BOOLEAN,
	tcp_rst		BOOLEAN,
	tcp_syn		BOOLEAN,
	tcp_fin		BOOLEAN,
	udp_sport	SMALLINT UNSIGNED,
	udp_dport	SMALLINT UNSIGNED,
	udp_len		SMALLINT UNSIGNED,
	sctp_sport	SMALLINT UNSIGNED,
	sctp_dport	SMALLINT UNSIGNED,
	sctp_csum	INT UNSIGNED,
	icmp_type	TINYINT UNSIGNED,
	icmp_code	TINYINT UNSIGNED,
	icmp_echoid	SMALLINT UNSIGNED,
	icmp_echoseq	SMALLINT UNSIGNED,
	icmp_gateway	VARCHAR(15),		-- redirect gateway, dotted
	icmp_fragmtu	SMALLINT UNSIGNED,
	icmpv6_type	TINYINT UNSIGNED,
	icmpv6_code	TINYINT UNSIGNED,
	icmpv6_echoid	SMALLINT UNSIGNED,
	icmpv6_echoseq	SMALLINT UNSIGNED,
	icmpv6_csum	SMALLINT UNSIGNED,
	ahesp_spi	INT UNSIGNED,
	KEY ulog_pkt_by_time (oob_time_sec),
	KEY ulog_pkt_by_saddr (ip_saddr_str),
	KEY ulog_pkt_by_daddr (ip_daddr_str)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- ---- connection-tracking flows (NFCT) --------------------------------------
--
-- Filled by stack=ct1:NFCT,ip2str1:IP2STR,my2:MYSQL with table=ulog_ct;
-- with NFCT's hash_enable a DESTROY event carries the flow's start and end.

CREATE TABLE IF NOT EXISTS ulog_ct (
	_id			BIGINT UNSIGNED NOT NULL AUTO_INCREMENT
				PRIMARY KEY,
	oob_family		TINYINT UNSIGNED,	-- 2 IPv4, 10 IPv6
	oob_protocol		SMALLINT UNSIGNED,	-- layer-4 protocol
	orig_ip_saddr_str	VARCHAR(45),	-- who opened the connection
	orig_ip_daddr_str	VARCHAR(45),
	orig_ip_protocol	TINYINT UNSIGNED,
	orig_l4_sport		SMALLINT UNSIGNED,
	orig_l4_dport		SMALLINT UNSIGNED,
	orig_raw_pktlen		BIGINT UNSIGNED,	-- bytes from the opener
	orig_raw_pktcount	BIGINT UNSIGNED,	-- packets from it
	reply_ip_saddr_str	VARCHAR(45),	-- differs from orig_ip_daddr_str
	reply_ip_daddr_str	VARCHAR(45),	-- under NAT
	reply_ip_protocol	TINYINT UNSIGNED,
	reply_l4_sport		SMALLINT UNSIGNED,
	reply_l4_dport		SMALLINT UNSIGNED,
	reply_raw_pktlen	BIGINT UNSIGNED,	-- bytes of the replies
	reply_raw_pktcount	BIGINT UNSIGNED,
	icmp_type		TINYINT UNSIGNED,
	icmp_code		TINYINT UNSIGNED,
	ct_mark			INT UNSIGNED,
	ct_id			INT UNSIGNED,
	ct_event		INT UNSIGNED,	-- 1 NEW, 2 UPDATE, 4 DESTROY
	flow_start_sec		INT UNSIGNED,	-- UTC seconds
	flow_start_usec		INT UNSIGNED,
	flow_end_sec		INT UNSIGNED,
	flow_end_usec		INT UNSIGNED,
	KEY ulog_ct_by_start (flow_start_sec),
	KEY ulog_ct_by_end (flow_end_sec),
	KEY ulog_ct_by_saddr (orig_ip_saddr_str),
	KEY ulog_ct_by_daddr (orig_ip_daddr_str)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- ---- nfacct counters --------------------------------------------------------
--
-- Filled by stack=acct1:NFACCT,my3:MYSQL with table=nfacct: one row per
-- accounting object per poll.

CREATE TABLE IF NOT EXISTS nfacct (
	_id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	oob_time_sec	INT UNSIGNED,		-- time of the poll, UTC seconds
	sum_name	VARCHAR(64),		-- accounting object
	sum_pkts	BIGINT UNSIGNED,	-- packets (since the last reset
	sum_bytes	BIGINT UNSIGNED,	-- if zerocounter is on), bytes
	KEY nfacct_by_name_time (sum_name, oob_time_sec)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- ---- bookkeeping -----------------------------------------------------------
--
-- MYSQL sets a random token here in every batch's transaction (one row per
-- nfpiped host and instance); when the connection is lost at COMMIT, the
-- token tells on reconnect whether that batch landed, so that it is not
-- written twice. MYSQL creates the table when it may; made here for users
-- without the right to.

CREATE TABLE IF NOT EXISTS nfpipe_state (
	sink	VARCHAR(191) NOT NULL PRIMARY KEY,	-- "host/instance"
	token	BIGINT UNSIGNED NOT NULL,	-- set by the last batch
	batch	BIGINT UNSIGNED NOT NULL,	-- its sequence number
	at	TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
		ON UPDATE CURRENT_TIMESTAMP	-- when
) ENGINE=InnoDB;

-- ---- views for analysts -----------------------------------------------------
--
-- Hours and times are UTC whatever the session's time zone: they are
-- computed from the epoch, not with FROM_UNIXTIME().

-- Packets and bytes per hour (UTC) and log prefix: what fired, and when.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW pkt_per_hour_prefix AS
	SELECT TIMESTAMPADD(HOUR, oob_time_sec DIV 3600,
			    '1970-01-01 00:00:00') AS hour,
	       oob_prefix AS prefix,
	       COUNT(*) AS packets,
	       SUM(raw_pktlen) AS bytes
	FROM ulog_pkt
	GROUP BY oob_time_sec DIV 3600, oob_prefix;

-- Sources by packets logged, with their first and last appearance (UTC).
CREATE OR REPLACE SQL SECURITY INVOKER VIEW top_sources AS
	SELECT ip_saddr_str AS source,
	       COUNT(*) AS packets,
	       COUNT(DISTINCT ip_daddr_str) AS destinations,
	       TIMESTAMPADD(SECOND, MIN(oob_time_sec), '1970-01-01 00:00:00')
		       AS first_seen,
	       TIMESTAMPADD(SECOND, MAX(oob_time_sec), '1970-01-01 00:00:00')
		       AS last_seen
	FROM ulog_pkt
	WHERE ip_saddr_str IS NOT NULL
	GROUP BY ip_saddr_str
	ORDER BY packets DESC;

-- Destination ports by packets logged (TCP, UDP and SCTP), with the number
-- of sources that tried them: a port scan shows many ports, few sources.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW top_dports AS
	SELECT CASE ip_protocol WHEN 6 THEN 'tcp' WHEN 17 THEN 'udp'
	       WHEN 132 THEN 'sctp' WHEN 136 THEN 'udplite'
	       ELSE CAST(ip_protocol AS CHAR) END AS protocol,
	       COALESCE(tcp_dport, udp_dport, sctp_dport) AS dport,
	       COUNT(*) AS packets,
	       COUNT(DISTINCT ip_saddr_str) AS sources
	FROM ulog_pkt
	WHERE COALESCE(tcp_dport, udp_dport, sctp_dport) IS NOT NULL
	GROUP BY ip_protocol, COALESCE(tcp_dport, udp_dport, sctp_dport)
	ORDER BY packets DESC;

-- Finished flows by bytes in both directions, with their duration.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW flows_by_bytes AS
	SELECT orig_ip_saddr_str AS source,
	       orig_ip_daddr_str AS destination,
	       orig_ip_protocol AS protocol,
	       orig_l4_dport AS dport,
	       COALESCE(orig_raw_pktlen, 0) + COALESCE(reply_raw_pktlen, 0)
		       AS bytes,
	       COALESCE(orig_raw_pktcount, 0) + COALESCE(reply_raw_pktcount, 0)
		       AS packets,
	       TIMESTAMPADD(SECOND, flow_start_sec, '1970-01-01 00:00:00')
		       AS start,
	       CAST(flow_end_sec AS SIGNED) - CAST(flow_start_sec AS SIGNED)
		       AS seconds
	FROM ulog_ct
	WHERE ct_event = 4
	ORDER BY bytes DESC;

-- Packets with a readable UTC time, for ad hoc queries.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW ulog_pkt_time AS
	SELECT TIMESTAMPADD(MICROSECOND,
			    COALESCE(oob_time_usec, 0),
			    TIMESTAMPADD(SECOND, oob_time_sec,
					 '1970-01-01 00:00:00')) AS time,
	       ulog_pkt.*
	FROM ulog_pkt;

-- ---- packets and flows with GEOIP and BLACKLIST tags ------------------------
--
-- For stacks with GEOIP and BLACKLIST, e.g. etc/examples/geoip-blacklist.conf:
--   stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,geo1:GEOIP,bl1:BLACKLIST,ip2str1:IP2STR,sql1:MYSQL
-- with table=ulog_pkt_geo, or stack=ct1:NFCT,geo1:GEOIP,bl1:BLACKLIST,
-- ip2str1:IP2STR,sql2:MYSQL (on=flow) with table=ulog_ct_geo. They are tables of
-- their own, not columns added to ulog_pkt and ulog_ct: an SQL output
-- refuses a config whose table has a column no plugin of the stack fills
-- (unless null_columns=1), so new columns there would break every stack
-- without these filters. A stack with only one of the two sets
-- null_columns=1. Columns NULL: private address, no hit, not in the database.

CREATE TABLE IF NOT EXISTS ulog_pkt_geo (
	_id	BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,	-- arrival order
	oob_time_sec	INT UNSIGNED,	-- packet time, seconds (UTC)
	oob_time_usec	INT UNSIGNED,
	oob_prefix	VARCHAR(128),	-- the rule's log prefix
	oob_in	VARCHAR(128),
	oob_out	VARCHAR(128),
	raw_pktlen	INT UNSIGNED,
	ip_saddr_str	VARCHAR(39),
	ip_daddr_str	VARCHAR(39),
	ip_protocol	TINYINT UNSIGNED,
	tcp_sport	SMALLINT UNSIGNED,
	tcp_dport	SMALLINT UNSIGNED,
	udp_sport	SMALLINT UNSIGNED,
	udp_dport	SMALLINT UNSIGNED,
	geoip_src_country	CHAR(2),	-- ISO 3166 alpha-2; NULL: private or unknown
	geoip_dst_country	CHAR(2),
	geoip_src_asn	INT UNSIGNED,	-- autonomous system number
	geoip_dst_asn	INT UNSIGNED,
	geoip_src_asname	VARCHAR(255),
	geoip_dst_asname	VARCHAR(255),
	geoip_src_flags	VARCHAR(64),	-- anonymous-proxy,satellite-provider,...
	geoip_dst_flags	VARCHAR(64),
	blacklist_src	VARCHAR(64),	-- name of the list holding the source
	blacklist_dst	VARCHAR(64),
	blacklist_src_desc	VARCHAR(255),	-- its p2p text or Spamhaus SBL id
	blacklist_dst_desc	VARCHAR(255),
	KEY ulog_pkt_geo_by_time (oob_time_sec),
	KEY ulog_pkt_geo_by_src_country (geoip_src_country),
	KEY ulog_pkt_geo_by_src_list (blacklist_src)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS ulog_ct_geo (
	_id	BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	orig_ip_saddr_str	VARCHAR(39),	-- who opened the connection
	orig_ip_daddr_str	VARCHAR(39),
	orig_ip_protocol	TINYINT UNSIGNED,
	orig_l4_sport       	SMALLINT UNSIGNED,
	orig_l4_dport       	SMALLINT UNSIGNED,
	orig_raw_pktlen	BIGINT UNSIGNED,	-- bytes sent by the opener
	reply_raw_pktlen	BIGINT UNSIGNED,	-- bytes of the replies
	ct_event	INT UNSIGNED,	-- 1 NEW, 2 UPDATE, 4 DESTROY
	flow_start_sec	INT UNSIGNED,	-- UTC seconds
	flow_end_sec	INT UNSIGNED,
	geoip_src_country	CHAR(2),	-- ISO 3166 alpha-2; NULL: private or unknown
	geoip_dst_country	CHAR(2),
	geoip_src_asn	INT UNSIGNED,	-- autonomous system number
	geoip_dst_asn	INT UNSIGNED,
	geoip_src_asname	VARCHAR(255),
	geoip_dst_asname	VARCHAR(255),
	geoip_src_flags	VARCHAR(64),	-- anonymous-proxy,satellite-provider,...
	geoip_dst_flags	VARCHAR(64),
	blacklist_src	VARCHAR(64),	-- name of the list holding the source
	blacklist_dst	VARCHAR(64),
	blacklist_src_desc	VARCHAR(255),	-- its p2p text or Spamhaus SBL id
	blacklist_dst_desc	VARCHAR(255),
	KEY ulog_ct_geo_by_time (flow_start_sec),
	KEY ulog_ct_geo_by_src_country (geoip_src_country),
	KEY ulog_ct_geo_by_src_list (blacklist_src)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
